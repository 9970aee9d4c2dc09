/* Rows of a table whose cells hold different numbers of lines (issue 13).
 * The item table's header prints 单价/总价/币制 on one line, centred, beside
 * 原产国（地 / 区） wrapped over two: Tesseract's layout analysis joins the
 * three into one text line nearly twice as tall as the page's lines, and
 * chi_sim reads it as garbage with confidence ("六估/作全放和全(二生生…",
 * 0.7-0.9 a character), so the table's price and country columns lose their
 * labels. Read cell by cell between the ruling lines that cross it, each
 * cell as a block of its own, the same row reads right. Only doubtful cells
 * are read again, and a new reading replaces a cell's only when it is surer,
 * lost no glyphs to speak of and joined no lines again.
 *
 * A line about twice as tall that no ruling line crosses is two lines
 * printed touching that ocr_neck.h did not part (a cell's label over its
 * value, "标记唛码及备注" over "无 运输车辆：…", read interleaved: "标无记和呈码
 * 及备新注F73825…"): parted where they meet, it is read again as a block.
 *
 * This part finds such lines and their cells in a page's first reading, and
 * drops glyphs once read again. Pure: no Tesseract, no I/O. */
#ifndef KOUAN_RECOGNIZE_OCR_ROWS_H
#define KOUAN_RECOGNIZE_OCR_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "recognize/layout.h"

#define OCR_TALL_LINE 1.3f	/* a line this many times the page's usual line height is tall */
#define OCR_TALL_MIN_GLYPHS 6	/* ... and holds this many glyphs at least (no speck, no stamp) */
#define OCR_TOUCHING_LINES 1.6f	/* one this tall that no ruling line crosses: two lines touching (ocr_neck.h) */
#define OCR_TALL_MAX_CELLS 24	/* cells of one line read again, at most */
#define OCR_TALL_MAX_LINES 16	/* tall lines of one page read again, at most */
#define OCR_TALL_PAD 0.15f	/* margin read around a cell: line heights above and below */
#define OCR_TALL_DOUBT 0.9f	/* a cell whose glyphs read with less confidence on average is read again */
#define OCR_TALL_KEEP_SHARE 0.6f	/* a new reading with fewer glyphs than this share of the old lost some */
#define OCR_TALL_MIN_CELL 0.5f	/* a cell narrower than this many line heights is no cell (a rule doubled) */

/* A tall line of the first reading: its glyphs [a, b) of the page, its box
 * (points; read again with OCR_TALL_PAD above and below), and the cells it
 * is cut into, edges[0..n_cells] left to right; or, touching, two lines
 * that no ruling line crosses, as one cell, parted where they meet before
 * they are read again. */
struct ocr_tall_line {
	size_t a, b;
	float y0, y1;
	float usual;	/* the page's usual line height */
	float size;	/* the page's glyphs' usual size, given to what is read again: a cell read
			 * alone gets a line box as tight as its glyphs, and sizes follow line boxes */
	bool touching;
	float edges[OCR_TALL_MAX_CELLS + 1];
	int n_cells;
};

/* The page's tall lines that cross at least one vertical ruling line, and
 * those taller still that cross none, in the order read: at most max into out. A line is a run of glyphs read
 * as one (the same top and bottom, glyphs.y0/y1 being their line's); the
 * page's usual line height is the median over its glyphs. */
size_t ocr_tall_lines(const struct rec_page *page, struct ocr_tall_line *out, size_t max);

/* Whether glyph g is in cell c of line t: its middle inside the cell's box.
 * What is read again of a cell replaces the glyphs in it, of any reading,
 * and only what is in it of the new reading is kept: a cell's box read
 * again also takes in a part of the lines above and below. */
bool ocr_cell_owns(const struct ocr_tall_line *t, int c, const struct rec_glyph *g);

/* The mean confidence of the glyphs [a, b) but spaces in cell c of line t
 * and not dropped (drop may be NULL), and how many (*n): 0 when none. */
float ocr_cell_conf(const struct ocr_tall_line *t, int c, const struct rec_glyph *g, size_t a, size_t b,
	const bool *drop, size_t *n);

/* Whether a cell is doubtful enough to be read again: its glyphs (old_n
 * of them) read with less confidence than OCR_TALL_DOUBT on average. */
bool ocr_cell_doubtful(float old_conf, size_t old_n);

/* Whether cell c's new reading, glyphs [a, b) of g, replaces the old one
 * (old_conf, old_n): it is read with more confidence, holds no fewer than
 * OCR_TALL_KEEP_SHARE of the old's glyphs, and no line of it is tall (the
 * lines joined again). */
bool ocr_cell_better(const struct ocr_tall_line *t, int c, float old_conf, size_t old_n, const struct rec_glyph *g,
	size_t a, size_t b);

/* Drop the page's glyphs whose drop[i] is set, keeping the others' order. */
void ocr_glyphs_drop(struct rec_page *page, const bool *drop);

#endif
