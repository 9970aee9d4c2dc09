/* The bar codes printed on a declaration (the Code 39 and QR code of the
 * declaration number), read from a scanned page with zbar, and used to
 * correct the OCR reading of that number where it is printed as text. */
#ifndef KOUAN_RECOGNIZE_OCR_CODE_H
#define KOUAN_RECOGNIZE_OCR_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recognize/layout.h"

#define OCR_CODE_LEN 18		/* a declaration number: 18 digits */
#define OCR_CODE_MAX 4		/* distinct codes kept from one page */
#define OCR_CODE_MAX_FIX 3	/* digits of a printed number a code may correct */

/* The declaration number a bar code's text d (len bytes) holds, into out:
 * exactly OCR_CODE_LEN digits, or the same between two * (a QR code of the
 * number holds "*021720261000014887*", the text Code 39 prints under its
 * bars). Pure. */
bool ocr_code_number(const char *d, size_t len, char out[OCR_CODE_LEN + 1]);

/* Read the page's bar codes (Code 39, Code 128, QR) and keep the distinct
 * ones that hold a declaration number (ocr_code_number). grey is an 8-bit image, rows
 * top to bottom. Returns how many went to codes; 0 when zbar is not
 * installed, on any error, or when there are none. Re-entrant. */
size_t ocr_read_codes(const uint8_t *grey, int width, int height, int stride,
	char codes[][OCR_CODE_LEN + 1], size_t max);

/* Runs of exactly OCR_CODE_LEN digit glyphs (in glyph order) that differ from
 * one of the codes in 1 to OCR_CODE_MAX_FIX places take the code's digits;
 * the corrected glyphs get confidence conf. A run near two codes is left
 * alone. Returns the number of runs corrected. Pure. */
size_t ocr_fix_by_codes(struct rec_glyph *g, size_t n, const char (*codes)[OCR_CODE_LEN + 1], size_t ncodes,
	float conf);

/* Whether the glyphs hold a run of exactly OCR_CODE_LEN digits, the only
 * thing ocr_fix_by_codes corrects: a page without one is not searched for
 * bar codes (zbar costs 15-50 ms a page). Pure. */
bool ocr_has_code_run(const struct rec_glyph *g, size_t n);

/* Whether every run of exactly OCR_CODE_LEN digit glyphs is one of the
 * codes, digit for digit (and there is at least one): ocr_fix_by_codes has
 * nothing to correct on such a page with those codes, so a later page of a
 * document that repeats a number its bar codes already gave is not searched
 * again. Pure. */
bool ocr_code_runs_known(const struct rec_glyph *g, size_t n, const char (*codes)[OCR_CODE_LEN + 1],
	size_t ncodes);

#endif
