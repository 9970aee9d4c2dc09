/* Positioned text: what both sources of a declaration's text (the PDF text
 * layer, and OCR of a scanned page) hand to the one form reader (fields.c).
 *
 * Coordinates are in points (1/72 inch) in the page's display orientation
 * (any /Rotate already applied), origin at the top left, y growing downwards.
 * Glyphs come in no particular order: reading order comes from geometry. */
#ifndef KOUAN_RECOGNIZE_LAYOUT_H
#define KOUAN_RECOGNIZE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

struct rec_glyph {
	uint32_t cp;		/* Unicode scalar, normalised (CJK radicals mapped to unified ideographs) */
	float x0, y0, x1, y1;	/* the glyph's box */
	float size;		/* font size in points; OCR: the line's x-height based estimate */
	float conf;		/* 1.0 from a text layer; OCR: the recogniser's confidence, 0..1 */
	uint8_t bold;
};

/* A ruling line of the form, or a thin filled rectangle: horizontal when
 * wider than tall. */
struct rec_rule {
	float x0, y0, x1, y1;
};

struct rec_page {
	float width, height;
	int number;		/* the page's number in the PDF, from 1 (0: its index + 1) */
	int rotation;		/* degrees clockwise the glyphs were turned from the page as displayed to
				 * read it upright (a scan lying sideways); width and height are upright */
	struct rec_glyph *glyphs;
	size_t n_glyphs;
	struct rec_rule *rules;
	size_t n_rules;
};

struct rec_doc {
	struct rec_page *pages;
	size_t n_pages;
	int scanned;		/* the text came from OCR */
};

void rec_page_free(struct rec_page *page);

/* 1 when a page's text layer cannot be what it shows: a tenth or more of
 * its glyphs (of at least REC_ILLEGIBLE_MIN_GLYPHS) are the accented Latin,
 * typographic and private-use code points that a font re-encoded without its
 * Unicode map yields (ghostscript's pdfwrite does that to CID fonts). Such a
 * page is read from its image, like a scan. */
#define REC_ILLEGIBLE_MIN_GLYPHS 50
int rec_page_text_illegible(const struct rec_page *page);
void rec_doc_free(struct rec_doc *doc);

#endif
