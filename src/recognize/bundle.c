/* Declarations bundled with other papers (bundle.h): which pages are the
 * declaration's, and the warnings that say which were left and which were
 * read turned. Pure: no I/O. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recognize/bundle.h"
#include "recognize/internal.h"
#include "validate/validate.h"

#define BUNDLE_GRID_KINDS 8	/* a declaration's first page shows this many of the grid's labels */
#define BUNDLE_TOP_BAND_KINDS 3	/* a page with the top band and this many kinds of label is one of its pages */
#define BUNDLE_FORM_KINDS 6	/* so is a page with this many kinds of label, unless it is titled as another paper */
#define BUNDLE_DECLNO_AFTER 12	/* bytes between 海关编号 and its digits (a colon, spaces) */
#define BUNDLE_OCR_DIGITS_OFF 2	/* OCR may misread this many digits of one number */
#define BUNDLE_MAX_MESSAGE 256

/* ---- the text half of a profile ---- */

static const char *after_digits(const char *s, size_t len, char *out)
{
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n != len)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	return s + len;
}

static void find_declno(const char *text, char out[PROFILE_DECLNO_LEN + 1])
{
	static const char *const labels[] = {"海关编号", "报关单号"};
	for (size_t l = 0; l < sizeof labels / sizeof labels[0] && !out[0]; l++)
		for (const char *p = strstr(text, labels[l]); p && !out[0]; p = strstr(p + 1, labels[l])) {
			const char *q = p + strlen(labels[l]);
			for (size_t k = 0; k < BUNDLE_DECLNO_AFTER && q[k] && q[k] != '\n' && !out[0]; k++)
				if (q[k] >= '0' && q[k] <= '9')
					after_digits(q + k, PROFILE_DECLNO_LEN, out);
		}
	for (const char *p = strchr(text, '*'); p && !out[0]; p = strchr(p + 1, '*'))	/* the bar code's text */
		if (after_digits(p + 1, PROFILE_DECLNO_LEN, out) && p[1 + PROFILE_DECLNO_LEN] != '*')
			out[0] = '\0';
}

/* "A<n>B<m>" with a few bytes of slack between the parts. */
static int two_numbers(const char *s, const char *a, const char *b, int *n, int *m)
{
	for (const char *p = strstr(s, a); p; p = strstr(p + 1, a)) {
		char *end;
		const char *q = p + strlen(a);
		while (*q == ':' || *q == ' ')
			q++;
		long x = strtol(q, &end, 10);
		if (end == q || strncmp(end, b, strlen(b)) != 0)
			continue;
		q = end + strlen(b);
		long y = strtol(q, &end, 10);
		if (end == q || x < 1 || y < x || y > REC_MAX_PAGES * 10)
			continue;
		*n = (int)x;
		*m = (int)y;
		return 1;
	}
	return 0;
}

static void find_page_numbers(const char *text, struct page_profile *out)
{
	if (two_numbers(text, "页码/页数", "/", &out->page_no, &out->page_count) ||
	    two_numbers(text, "第", "页/共", &out->page_no, &out->page_count) ||
	    two_numbers(text, "第", "页共", &out->page_no, &out->page_count) ||
	    two_numbers(text, "PAGE", "/", &out->page_no, &out->page_count))
		return;
	out->page_no = out->page_count = 0;
}

/* What another paper is titled: the kind whose word comes first on the page. */
static enum page_seems find_seems(const char *upper)
{
	static const struct { enum page_seems kind; const char *word; } words[] = {
		{SEEMS_PACKING_LIST, "装箱单"}, {SEEMS_PACKING_LIST, "PACKINGLIST"}, {SEEMS_PACKING_LIST, "装箱清单"},
		{SEEMS_INVOICE, "发票"}, {SEEMS_INVOICE, "INVOICE"},
		{SEEMS_CONTRACT, "合同"}, {SEEMS_CONTRACT, "CONTRACT"},
	};
	enum page_seems kind = SEEMS_OTHER;
	const char *first = NULL;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		const char *p = strstr(upper, words[i].word);
		if (p && (!first || p < first)) {
			first = p;
			kind = words[i].kind;
		}
	}
	return kind;
}

void profile_from_text(const char *text, struct page_profile *out)
{
	size_t len = strlen(text);
	char *upper = malloc(len + 1);
	if (!upper)
		abort();
	size_t n = 0;	/* upper case, without spaces ("Packing list", "Page 1 / 3") */
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ')
			upper[n++] = (char)toupper((unsigned char)text[i]);
	upper[n] = '\0';
	if (strstr(text, "进口货物报关单"))
		out->title = -1;
	else if (strstr(text, "出口货物报关单"))
		out->title = 1;
	out->declno[0] = '\0';
	find_declno(upper, out->declno);
	find_page_numbers(upper, out);
	out->seems = find_seems(upper);
	free(upper);
}

/* ---- which pages ---- */

static int declaration_page(const struct page_profile *p)
{
	if (p->title || p->grid_kinds >= BUNDLE_GRID_KINDS)
		return 1;
	if (p->seems != SEEMS_OTHER && !p->top_band)
		return 0;
	return (p->top_band && p->label_kinds >= BUNDLE_TOP_BAND_KINDS) || p->label_kinds >= BUNDLE_FORM_KINDS;
}

static int same_number(const char *a, const char *b, int scanned)
{
	int off = 0;
	for (size_t i = 0; i < PROFILE_DECLNO_LEN; i++)
		off += a[i] != b[i];
	return off <= (scanned ? BUNDLE_OCR_DIGITS_OFF : 0);
}

int rec_several_declarations(const struct page_profile *prof, const unsigned char *keep, size_t n, int scanned)
{
	size_t firsts = 0;
	const char *number = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		firsts += prof[i].grid_kinds >= BUNDLE_GRID_KINDS || prof[i].page_no == 1;
		if (!prof[i].declno[0] || (scanned && !declno_is_valid(prof[i].declno, PROFILE_DECLNO_LEN)))
			continue;	/* OCR's misreading of the number (a year 0235) is no second declaration */
		if (number && !same_number(number, prof[i].declno, scanned))
			return 1;
		number = prof[i].declno;
	}
	return firsts > 1;
}

/* ---- warnings ---- */

static const char *const seems_names[] = {"other", "contract", "invoice", "packing_list"};

static void warn_skipped(json_t *warnings, const struct page_profile *prof, const unsigned char *keep,
	const struct rec_doc *doc)
{
	for (int kind = SEEMS_OTHER; kind <= SEEMS_PACKING_LIST; kind++) {
		json_t *pages = json_array();
		for (size_t i = 0; i < doc->n_pages; i++)
			if (!keep[i] && prof[i].seems == (enum page_seems)kind)
				json_array_append_new(pages, json_integer(doc->pages[i].number > 0 ? doc->pages[i].number : (int)i + 1));
		if (json_array_size(pages) == 0) {
			json_decref(pages);
			continue;
		}
		char msg[BUNDLE_MAX_MESSAGE];
		snprintf(msg, sizeof msg, "%zu page(s) are not part of the declaration (they seem to be: %s) and were not read",
			json_array_size(pages), seems_names[kind]);
		json_array_append_new(warnings, json_pack("{s:s,s:n,s:s,s:o,s:s}", "code", "pages_skipped", "field",
			"message", msg, "pages", pages, "seem", seems_names[kind]));
	}
}

static void warn_rotated(json_t *result)
{
	json_t *warnings = json_object_get(result, "warnings"), *pages = json_object_get(result, "pages");
	for (size_t i = 0; i < json_array_size(pages); i++) {
		json_t *p = json_array_get(pages, i);
		json_int_t angle = json_integer_value(json_object_get(p, "rotation"));
		json_int_t n = json_integer_value(json_object_get(p, "n"));
		if (!angle)
			continue;
		char msg[BUNDLE_MAX_MESSAGE];
		snprintf(msg, sizeof msg, "page %lld lies turned: it was read after turning it %lld degrees clockwise",
			(long long)n, (long long)angle);
		json_array_append_new(warnings, json_pack("{s:s,s:n,s:s,s:I,s:I}", "code", "page_rotated", "field",
			"message", msg, "page", n, "angle", angle));
	}
}

/* ---- reading ---- */

/* The pages' OCR flags say which came from OCR; a document made without
 * them (tests) is as scanned as it says. */
static int page_scanned(const struct rec_doc *doc, size_t i)
{
	for (size_t k = 0; k < doc->n_pages; k++)
		if (doc->pages[k].ocr)
			return doc->pages[i].ocr;
	return doc->scanned;
}

enum kerr rec_bundle_read(const struct rec_doc *doc, json_t **out)
{
	*out = NULL;
	size_t n = doc->n_pages;
	if (n == 0)
		return rec_fields_read(doc, out);
	struct page_profile *prof = calloc(n, sizeof *prof);
	unsigned char *keep = calloc(n, 1);
	struct rec_doc sub = {calloc(n, sizeof *sub.pages), 0, 0};
	if (!prof || !keep || !sub.pages)
		abort();
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		rec_page_profile(&doc->pages[i], page_scanned(doc, i), &prof[i]);
		keep[i] = (unsigned char)declaration_page(&prof[i]);
		kept += keep[i];
	}
	if (kept == 0)	/* nothing like a declaration: the reader says what it is */
		memset(keep, 1, n);
	enum kerr err = K_MULTIPLE_DECLARATIONS;
	if (rec_several_declarations(prof, keep, n, doc->scanned))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (keep[i]) {
			sub.pages[sub.n_pages++] = doc->pages[i];	/* shared glyphs: sub's pages are not freed */
			sub.scanned |= page_scanned(doc, i);
		}
	err = rec_fields_read(&sub, out);
	if (err == K_OK) {
		warn_skipped(json_object_get(*out, "warnings"), prof, keep, doc);
		warn_rotated(*out);
	}
out:
	free(sub.pages);
	free(keep);
	free(prof);
	return err;
}
