/* The fuzz input format of the form reader: positioned text as records.
 * Shared by fuzz_fields.c and tests/unit/test_fields_fuzz_regress.c.
 *
 *   byte 0          number of pages (1 + b % 3)
 *   then records of 10 bytes, each one glyph or one ruling line:
 *     0-2  code point (big-endian, masked to 21 bits)
 *     3-4  x in 1/64 points, 5-6 y in 1/64 points (big-endian)
 *     7    font size in 1/8 points (0 -> 8 pt)
 *     8    confidence in 1/255
 *     9    flags: 1 bold, 2 ruling line (cp's low 16 bits give its length
 *          in 1/64 points, bit 4 of flags: vertical), 0x80 next page */
#ifndef KOUAN_FUZZ_DECODE_H
#define KOUAN_FUZZ_DECODE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "recognize/layout.h"

#define FUZZ_REC_BYTES 10

static int fuzz_decode_doc(const uint8_t *d, size_t n, struct rec_doc *doc)
{
	memset(doc, 0, sizeof *doc);
	if (n < 1)
		return 0;
	size_t np = 1 + d[0] % 3;
	doc->pages = calloc(np, sizeof *doc->pages);
	if (!doc->pages)
		return 0;
	doc->n_pages = np;
	size_t nrec = (n - 1) / FUZZ_REC_BYTES;
	for (size_t i = 0; i < np; i++) {
		doc->pages[i].width = 842;
		doc->pages[i].height = 595;
		doc->pages[i].glyphs = calloc(nrec + 1, sizeof(struct rec_glyph));
		doc->pages[i].rules = calloc(nrec + 1, sizeof(struct rec_rule));
		if (!doc->pages[i].glyphs || !doc->pages[i].rules)
			return 0;
	}
	size_t page = 0;
	for (size_t r = 0; r < nrec; r++) {
		const uint8_t *b = d + 1 + r * FUZZ_REC_BYTES;
		uint32_t cp = ((uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2]) & 0x1FFFFF;
		float x = (float)((b[3] << 8) | b[4]) / 64.0f;
		float y = (float)((b[5] << 8) | b[6]) / 64.0f;
		float size = b[7] ? b[7] / 8.0f : 8.0f;
		struct rec_page *p = &doc->pages[page];
		if (b[9] & 2) {
			float len = (float)(cp & 0xFFFF) / 64.0f;
			p->rules[p->n_rules++] = (b[9] & 16) ? (struct rec_rule){x, y, x + 0.5f, y + len}
							     : (struct rec_rule){x, y, x + len, y + 0.5f};
		} else {
			float w = cp < 0x2E80 ? size * 0.5f : size;
			p->glyphs[p->n_glyphs++] = (struct rec_glyph){
				.cp = cp, .x0 = x, .y0 = y, .x1 = x + w, .y1 = y + size,
				.size = size, .conf = b[8] / 255.0f, .bold = b[9] & 1,
			};
		}
		if ((b[9] & 0x80) && page + 1 < np)
			page++;
	}
	return 1;
}

#endif
