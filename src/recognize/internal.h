/* Inside the recognizer: the PDF reader (pdf.c, the only MuPDF user) and the
 * form reader (fields.c, pure: positioned text in, fields out). */
#ifndef KOUAN_RECOGNIZE_INTERNAL_H
#define KOUAN_RECOGNIZE_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "recognize/layout.h"

/* Limits: every input beyond one of these is refused with K_RESOURCE_LIMIT
 * (or K_TOO_MANY_PAGES). */
#define REC_MAX_FILE_BYTES (32u * 1024 * 1024)
#define REC_MAX_PAGES 40
#define REC_MAX_MEMORY_BYTES (384u * 1024 * 1024)	/* MuPDF allocations of one document */
#define REC_MUPDF_STORE_BYTES (16u * 1024 * 1024)	/* MuPDF's cache of fonts, images, objects */
#define REC_MAX_GLYPHS_PER_PAGE 60000
#define REC_MAX_GLYPHS_PER_DOC 250000	/* keeps the form reader's work bounded */
#define REC_MAX_RULES_PER_PAGE 20000
#define REC_OCR_DPI 300.0f

/* The calling thread's CPU time in milliseconds: the clock of every
 * recognition limit (REC_DEFAULT_TIME_LIMIT_MS, rec_ocr_page's deadline),
 * so that a limit counts the work a document needs, not how busy the machine
 * is: on a loaded server an honest scan is not refused for waiting its turn,
 * and a document that needs too much work is refused everywhere alike. A
 * recognition runs on one thread (Tesseract's OpenMP is held to one:
 * ocr_lazy.c), so its thread's clock is its whole cost. */
int64_t rec_now_ms(void);

/* Open a PDF held in memory and give every page's glyphs and ruling lines
 * (pages with no text are read by OCR when the build has it). On K_OK the
 * caller owns doc and frees it with rec_doc_free. Errors: K_EMPTY_FILE,
 * K_NOT_PDF, K_CORRUPT_PDF, K_ENCRYPTED_PDF, K_TOO_MANY_PAGES,
 * K_RESOURCE_LIMIT, K_NO_TEXT. *repaired is set when MuPDF had to rebuild a
 * broken file (a later failure to read it then means K_CORRUPT_PDF). */
enum kerr rec_pdf_load(const unsigned char *data, size_t len, int64_t deadline_ms,
	struct rec_doc *doc, int *repaired) KOUAN_MUST_USE;

/* Read the export declaration's fields from positioned text. On K_OK *out
 * is a new JSON object (the caller owns it). Errors: K_NOT_A_DECLARATION
 * (including import declarations), K_NO_TEXT. */
enum kerr rec_fields_read(const struct rec_doc *doc, json_t **out) KOUAN_MUST_USE;

/* Map a code point as a form reader wants it: CJK radicals to unified
 * ideographs, full-width ASCII to ASCII, ideographic space to space. */
uint32_t rec_normalise_cp(uint32_t cp);

#endif
