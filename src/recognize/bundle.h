/* Declarations bundled with other papers (issue 15): a broker's 报关资料 PDF
 * holds the declaration and also the contract, invoice and packing list. The
 * declaration's pages are told from the rest and only they are read. */
#ifndef KOUAN_RECOGNIZE_BUNDLE_H
#define KOUAN_RECOGNIZE_BUNDLE_H

#include <jansson.h>

#include "core/error.h"
#include "recognize/layout.h"

#define PROFILE_DECLNO_LEN 18

enum page_seems { SEEMS_OTHER, SEEMS_CONTRACT, SEEMS_INVOICE, SEEMS_PACKING_LIST };

/* What a page shows, read the way up its text runs. */
struct page_profile {
	int label_kinds;	/* kinds of declaration labels on the page */
	int grid_kinds;		/* of them, the header grid's (境内发货人 … 随附单证) */
	int top_band;		/* 预录入编号 or 海关编号 */
	int title;		/* 1: 出口货物报关单, -1: 进口货物报关单, 0: neither */
	char declno[PROFILE_DECLNO_LEN + 1];	/* the 18 digits after 海关编号 (or the bar code's), or "" */
	int page_no, page_count;	/* 第1页/共3页, 页码/页数:1/3, Page 1 / 3 (0: none) */
	enum page_seems seems;
};

/* Profile one page (fields.c: the form reader's labels; the page's text). */
void rec_page_profile(const struct rec_page *page, int scanned, struct page_profile *out);

/* The text half of a profile (bundle.c): title, number, page numbering and
 * what a page that is no declaration seems to be, from the page's lines
 * joined top to bottom without spaces. */
void profile_from_text(const char *text, struct page_profile *out);

/* Whether the kept pages (keep[i] nonzero) of n profiles hold two or more
 * declarations: two first pages (the header grid, or 第1页), or two
 * different numbers. On a scan a number may be misread by a few digits, and
 * one without the number's form (validate.h: a year 2000-2099, 0 or 1 after
 * it) is OCR's misreading, not a number. */
int rec_several_declarations(const struct page_profile *prof, const unsigned char *keep, size_t n, int scanned);

/* Read the declaration among the pages of doc: profile them, keep the
 * declaration's, read those (rec_fields_read), and warn about the pages
 * left ("pages_skipped") and the pages turned to be read ("page_rotated").
 * On K_OK *out is a new JSON object (the caller owns it). Errors: those of
 * rec_fields_read, and K_MULTIPLE_DECLARATIONS when the pages hold two or
 * more declarations. */
enum kerr rec_bundle_read(const struct rec_doc *doc, json_t **out) KOUAN_MUST_USE;

#endif
