/* Lines of text printed touching (issue 13). Some templates print a cell's
 * label and its value with no leading: on a 150-200 dpi scan the glyphs of
 * the two lines touch, Tesseract's layout analysis takes them for one line
 * twice as tall and chi_sim reads it as garbage ("境内发货人" over
 * "西安华欧供应链…" read "关和人 和 打者"). Whitening the one row of pixels
 * where the two lines meet parts them again, and both read right.
 *
 * The page is looked at in vertical strips a few characters wide: in each,
 * a run of inked rows (no blank row inside) as tall as two lines of the
 * page's text may be two lines touching; the thinnest row of such runs level
 * in neighbouring strips, about a line from their top, is where they meet. */
#ifndef KOUAN_RECOGNIZE_OCR_NECK_H
#define KOUAN_RECOGNIZE_OCR_NECK_H

#include <stdbool.h>
#include <stddef.h>

#include <leptonica/allheaders.h>

/* Where two lines meet in one strip: the strip's columns [x0, x1), the run
 * of inked rows [y0, y1) the two lines make, and the rows [cut0, cut1) to
 * whiten. Pixels of the image looked at. */
struct ocr_neck {
	int x0, x1, y0, y1, cut0, cut1;
};

/* The necks of ink (1 bpp, dpi pixels an inch): at most max into out, in
 * the order of their first strip, left to right. */
size_t ocr_necks_find(PIX *ink, float dpi, struct ocr_neck *out, size_t max);

/* Where two lines Tesseract read as one meet, in the box [x0, x1) x
 * [y0, y1) of ink (1 bpp) that the line covers: its thinnest row of ink
 * between a third and two thirds of the box's height, into n (the box its
 * columns); false when that row is no valley (one line of large type). */
bool ocr_neck_in_box(PIX *ink, int x0, int y0, int x1, int y1, struct ocr_neck *n);

/* Part the lines at neck n: its rows whitened in grey (8 bpp) and cleared
 * in ink (1 bpp, may be NULL). */
void ocr_neck_cut(PIX *grey, PIX *ink, const struct ocr_neck *n);

#endif
