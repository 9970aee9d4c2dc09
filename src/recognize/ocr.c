/* OCR of a page image (ocr.h): normalise the resolution, deskew, find the
 * form's ruling lines and wipe them (they read as | 1 I l _), then read the
 * rest with Tesseract's chi_sim model and hand back positioned glyphs in
 * points, the same shape the PDF text layer gives the form reader.
 *
 * Re-entrant: every call makes its own images, and uses the Tesseract handles
 * of the engines it is given (one document's pages, read one after another,
 * share them; OpenMP runs one thread: ocr_lazy.c sets OMP_THREAD_LIMIT before
 * libgomp loads). */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "core/log.h"
#include "recognize/internal.h"
#include "recognize/ocr.h"
#include "recognize/ocr_code.h"
#include "recognize/ocr_fix.h"
#include "recognize/ocr_ink.h"
#include "recognize/ocr_neck.h"
#include "recognize/ocr_orient.h"
#include "recognize/ocr_reread.h"
#include "recognize/ocr_rows.h"
#include "core/utf8.h"

#define OCR_WORK_DPI_MIN 200.0f	/* pages are read at their scan resolution, at least this */
#define OCR_WORK_DPI_MAX 200.0f	/* and at most this. Grey: 16 generated 300 dpi grey scans (dev2-scan 12,
				 * dev-scan 4) read 263 -> 262 of 304 core fields at 200 instead of 300 (all
				 * fields slightly up, 0 sure values wrong either way; at 250: 259), with a
				 * fifth less CPU (Tesseract's layout analysis and the page's preparation
				 * work on 2.25 times fewer pixels). Black and white: 28 generated 300 dpi
				 * black-and-white scans (dev6-scan 12, dev7 16; issue 13) read 435 -> 469 of
				 * 532 core fields at 200 instead of 300 (at 250: 201 of 228 on dev6-scan's,
				 * 203 at 200), and a seventh less CPU */
#define OCR_WORK_DPI_LOW_SCAN 300.0f	/* a scan under OCR_WORK_DPI_MIN is read enlarged to this */
#define OCR_BILEVEL_LOW_DPI 200.0f	/* ... and so is a black-and-white one up to this (issue 13) */
#define OCR_WORK_DPI_LOW_BILEVEL 250.0f	/* ... but one under OCR_WORK_DPI_MIN to this (issue 13, stop 33:
					 * the 40 150 dpi black-and-white scans of dev6/8/9/10-scan read
					 * 488 core fields at 250 against 485 at 300, all fields 108 won and
					 * 80 lost; the 200 dpi ones 573 against 595, the 150 dpi grey ones
					 * 707 against 719). Hardly faster: on 0.69 times the pixels,
					 * Tesseract's read of three such scans took 3 % less CPU (its
					 * recognizer scales each line to its own height: the characters,
					 * not the pixels, set the cost) and the enlarging about 60 ms more */
/* A low-resolution black-and-white scan is smoothed by a 3x3 mean (ocr_mean3). */
/* Other preparations of those scans tried (issue 13; core fields of the 32
 * 150/200 dpi black-and-white scans of dev2-scan and dev-scan, 427 of 608 at
 * 300 dpi): read at 250 dpi 432, 240 428, 225 426, 400 418 (250 then no
 * gain: all fields of the two sets 5117 -> 5107 and 1844 -> 1838, VIN recall
 * on those scans 88.0 -> 84.7 %; see OCR_WORK_DPI_LOW_BILEVEL), no smoothing 415,
 * a 5x5 mean 402, the 3x3 mean twice 416, strokes thickened (3x3 grey
 * erosion) 413, closed (3x3) 416, closed along rows (5x1) 350, isolated specks (<= 3 px, 4 px from other ink)
 * removed 417, grey darkened (gamma 2) 428 or lightened (0.5) 416,
 * Tesseract's thresholding_method 1 (Leptonica Otsu) 411 or 2 (Sauvola)
 * 419, textord_heavy_nr 404, the HanS model instead of chi_sim 414. The
 * serif (Song) prints lose their thin horizontal strokes in one bit at
 * 150 dpi: no preparation brings them back. On the 40 300 dpi
 * black-and-white scans of dev6/8/9/10-scan (655 of 760 core fields read at
 * 200, the AR PL Ming and Kai prints 77-81 %, the sans ones 92-99 %; issue
 * 13, stop 29): read at 300 632, strokes thickened (3x3 minimum) before
 * the reduction 574 or after it 493, the 3x3 mean before it 654.
 * The enlargement is what makes these scans slower than the tesseract
 * command on their 200 dpi grey images (1.1-1.2x, against 0.9-1.0x for
 * grey scans): Tesseract's own layout work follows the pixels (the command
 * itself on the dense first page of a 150 dpi black-and-white scan: 1.78 s
 * of CPU at 200 dpi, 2.15 s at 300), and so do the deskew rotation (about
 * 50 ms a 300 dpi page), the ruling lines (35-45 ms) and MuPDF's enlarging
 * render (about 65 ms from 150 dpi; issue 13, measured with --debug and
 * perf). */
#define OCR_SAMPLE_STEP 7	/* pixels sampled to tell black-and-white from grey: one in 7x7 */
#define OCR_BLACK_MAX 16
#define OCR_WHITE_MIN 240
#define OCR_BILEVEL_GREY_PER 20	/* black-and-white: under one sampled pixel in 20 grey */
#define OCR_DPI_MIN 50.0f
#define OCR_DPI_MAX 1200.0f
#define OCR_MAX_PIXELS (120L * 1000 * 1000)	/* input; A4 at 600 dpi is 35 MP */
#define OCR_MAX_WORK_PIXELS (40L * 1000 * 1000)	/* after scaling to the working resolution */
#define OCR_MIN_SIDE 32
#define OCR_MAX_GLYPHS 200000
#define OCR_MAX_RULES 4000
#define OCR_MAX_WORD 256	/* symbols kept of one word */
#define OCR_MIN_WORD_CONF 0.0f	/* keep every word: misread values still carry their low conf */
#define OCR_MIN_READABLE 12	/* confident letters, digits or ideographs a text page has at least */
#define OCR_UPRIGHT_MIN_WORDS 20	/* a page read as it lies is upright: so many words at least, */
#define OCR_UPRIGHT_CONF 0.35f	/* read with this confidence on average (0..1) */
#define OCR_RULE_MIN_IN 0.30f	/* a ruling line is at least this long (inches) */
#define OCR_SIDE_MIN_IN 0.12f	/* the side of a cell one line high: at least this long (a 10 pt line is 0.14 in) */
#define OCR_SIDE_END_IN 0.01f	/* ... its ends this close to horizontal lines */
#define OCR_INK 150	/* grey level under which a pixel is ink */
/* A black-and-white scan's one-pixel lines grey to about 170 once smoothed
 * (the 3x3 mean) or rendered enlarged: on such a page vertical lines are
 * looked for, and horizontal ones followed, in grey under this. Measured on
 * the 16 150 dpi black-and-white scans of dev-scan and dev2-scan: 190 core
 * fields at OCR_INK, 197 at 200, 193 at 230; at 250 for horizontal lines
 * too, the halos joined letters into lines (172). */
#define OCR_RULE_FAINT_INK 200
#define OCR_SPECK_PX 3	/* ink components no wider nor taller than this are noise */
#define OCR_TEXT_MIN_H_IN 0.04f	/* a block of text is at least this tall (inches) */
#define OCR_PASS2_JOIN_IN 0.06f	/* ink closer than this joins one block */
#define OCR_PASS2_MAX_H_IN 1.5f	/* taller unread blocks are pictures */
#define OCR_PASS2_MIN_W_IN 0.08f
#define OCR_PASS2_PAD_IN 0.03f	/* white margin read around a block */
#define OCR_PASS2_MAX_BLOCKS 60
#define OCR_PASS2_MIN_CONF 0.35f	/* a word read in the second pass is kept from this confidence */
#define OCR_EXTENT_REDUCE 4	/* the text's extent is looked for at a quarter of the resolution */
#define OCR_EXTENT_PAD_IN 0.15f	/* white margin read around the text's extent */
#define OCR_EXTENT_MAX_SHARE 0.30f	/* a page whose text fills more of it is read whole: reading
					 * only the text of every page (a third to four fifths of a
					 * full one) changed what chi_sim read on the full pages and
					 * lost 21 of 1824 core fields of dev2-scan and dev-scan;
					 * of the near-empty pages alone, +2 (1509 -> 1511) */
#define OCR_CODE_CONF 0.95f	/* a printed number the bar code confirms */
#define OCR_KNOWN_CODES 16	/* bar codes of one document's pages remembered */
#define OCR_CODE_TOP_SHARE 0.30f	/* the form prints its bar codes in the header: the top of the page is searched */
#define OCR_MIN_SKEW_DEG 0.05f
#define OCR_MAX_SKEW_DEG 5.0f
#define OCR_WALL_BACKSTOP 10	/* Tesseract's wall-clock deadline: this many times the CPU time left */

/* Tesseract asks this between words; true stops recognition. */
static bool past_deadline(void *arg, int words)
{
	const int64_t *deadline_ms = arg;
	return rec_now_ms() >= *deadline_ms;
}

static bool raster_ok(const struct rec_raster *img)
{
	if (!img || !img->pixels || img->width < OCR_MIN_SIDE || img->height < OCR_MIN_SIDE)
		return false;
	if (img->stride < img->width)
		return false;
	return img->dpi >= OCR_DPI_MIN && img->dpi <= OCR_DPI_MAX;
}

/* A scan read enlarged to OCR_WORK_DPI_LOW_SCAN: under OCR_WORK_DPI_MIN, or
 * black and white up to OCR_BILEVEL_LOW_DPI (measured on the generated 200 dpi
 * black-and-white scans: 42 % of core fields read at 200, 47 % enlarged and
 * smoothed; grey 200 dpi scans read worse enlarged). */
static bool low_scan(const struct rec_raster *img, bool bw)
{
	return img->scan_dpi > 0.0f &&
		(img->scan_dpi < OCR_WORK_DPI_MIN || (bw && img->scan_dpi <= OCR_BILEVEL_LOW_DPI));
}

/* A low-resolution black-and-white scan, read smoothed (working_image). */
static bool smoothed(const struct rec_raster *img, bool bw)
{
	return bw && low_scan(img, bw);
}

/* The resolution a page is read at (ocr.h). */
static float work_dpi(const struct rec_raster *img, bool bw)
{
	float d = img->scan_dpi > 0.0f ? img->scan_dpi : OCR_WORK_DPI_MIN;
	if (low_scan(img, bw))
		return bw && img->scan_dpi < OCR_WORK_DPI_MIN ? OCR_WORK_DPI_LOW_BILEVEL : OCR_WORK_DPI_LOW_SCAN;
	return d < OCR_WORK_DPI_MIN ? OCR_WORK_DPI_MIN : d > OCR_WORK_DPI_MAX ? OCR_WORK_DPI_MAX : d;
}

/* A black-and-white scan: few of the sampled pixels are grey (rendering
 * it enlarged greys 2-3 % at the strokes' edges; a grey scan has 10-40 %).
 * The dense first page of a 150 dpi black-and-white scan rendered at 300
 * often has more than 5 % (7 of 16 in dev-scan and dev2-scan): rendering
 * smoothed it already, and smoothing it again (taking the scan's bits for
 * the answer) lost core fields: 187 against 197. */
static bool bilevel(const struct rec_raster *img)
{
	if (img->scan_grey)
		return false;	/* a page of a grey scan with little ink has few grey pixels */
	long grey = 0, n = 0;
	for (int y = 0; y < img->height; y += OCR_SAMPLE_STEP)
		for (int x = 0; x < img->width; x += OCR_SAMPLE_STEP, n++) {
			uint8_t v = img->pixels[(size_t)y * (size_t)img->stride + (size_t)x];
			grey += v > OCR_BLACK_MAX && v < OCR_WHITE_MIN;
		}
	return grey * OCR_BILEVEL_GREY_PER < n;
}

float rec_ocr_work_dpi(const struct rec_raster *img)
{
	return raster_ok(img) ? work_dpi(img, bilevel(img)) : 0.0f;
}

/* The raster as an 8 bpp PIX; a low-resolution black-and-white scan's
 * broken, jagged strokes smoothed into grey (a 3x3 mean), which chi_sim
 * reads better. */
static PIX *grey_image(const struct rec_raster *img, bool smooth)
{
	if (smooth)
		return ocr_mean3(img->pixels, img->width, img->height, img->stride);
	return ocr_grey(img->pixels, img->width, img->height, img->stride);
}

/* A grey PIX at about work_dpi; *scale is working pixels per input pixel. */
static PIX *working_image(const struct rec_raster *img, bool bw, float *scale)
{
	PIX *pix = grey_image(img, smoothed(img, bw));
	if (!pix)
		return NULL;
	pixSetResolution(pix, (l_int32)lroundf(img->dpi), (l_int32)lroundf(img->dpi));
	float s = work_dpi(img, bw) / img->dpi;
	*scale = 1.0f;
	if (s > 0.85f && s < 1.25f)
		return pix;
	/* pixScaleAreaMap does factors from 0.7 on by linear interpolation, with a warning on stderr */
	PIX *scaled = s < 0.7f ? pixScaleAreaMap(pix, s, s) : pixScaleGrayLI(pix, s, s);
	pixDestroy(&pix);
	if (scaled)
		*scale = s;
	return scaled;
}

/* Rotate the page so text lines run level; *angle_deg gets the correction.
 * The rotation is 3-4 % of a scan's CPU (about 45 ms a 300 dpi page). Tried
 * and left (issue 13, the 24 150/200 dpi black-and-white scans of
 * dev2-scan, 350 of 456 core fields): a rotation by shears, about 30 ms a
 * page less, read 326. The same area-map rotation rewritten with each
 * row's source positions worked out at once (the same pixels) was no faster
 * by itself: the four pixels gathered for each one cost the time; writing
 * the stretches of white paper at once (ocr_rotate) halves it on
 * black-and-white scans. */
static PIX *deskew(PIX *grey, bool white_paper, float *angle_deg)
{
	*angle_deg = 0.0f;
	PIX *bin = ocr_ink(grey, 160);
	if (!bin)
		return pixClone(grey);
	l_float32 angle = 0.0f, conf = 0.0f;
	l_ok bad = pixFindSkew(bin, &angle, &conf);
	pixDestroy(&bin);
	if (bad || conf < 2.5f || fabsf(angle) < OCR_MIN_SKEW_DEG || fabsf(angle) > OCR_MAX_SKEW_DEG)
		return pixClone(grey);
	/* ocr_rotate writes white stretches at once: on a black-and-white
	 * scan's page (white paper is 255) half the time of Leptonica's
	 * rotation, the same pixels; on a grey scan's a little slower */
	float rad = (float)(M_PI / 180.0) * angle;
	PIX *rot = white_paper ? ocr_rotate(grey, rad) : pixRotate(grey, rad, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
	if (!rot)
		return pixClone(grey);
	*angle_deg = angle;
	return rot;
}

static void add_rule(struct rec_page *out, const BOX *b, float px_to_pt)
{
	if (out->n_rules >= OCR_MAX_RULES)
		return;
	out->rules[out->n_rules++] = (struct rec_rule){
		.x0 = b->x * px_to_pt, .y0 = b->y * px_to_pt,
		.x1 = (b->x + b->w) * px_to_pt, .y1 = (b->y + b->h) * px_to_pt,
	};
}

/* Horizontal ruling lines: long runs of ink in bin, followed on through
 * faint (a seed fill) where a thin line smoothed into grey goes on; a run of
 * letters that only their grey halos join is never taken for a line, as it
 * has no seed. */
static PIX *horizontal_lines(PIX *bin, PIX *faint, int hsize)
{
	PIX *seed = pixOpenCompBrick(NULL, bin, hsize, 1);
	if (!seed || faint == bin)
		return seed;
	PIX *reach = pixOpenCompBrick(NULL, faint, hsize, 1);
	PIX *lines = reach ? pixSeedfillBinary(NULL, seed, reach, 8) : NULL;
	pixDestroy(&reach);
	if (!lines)
		return seed;
	pixDestroy(&seed);
	return lines;
}

/* Any ink of a 1-bit mask in the rectangle x0..x1, y0..y1 (clipped). */
static bool ink_in(PIX *mask, int x0, int y0, int x1, int y1)
{
	int w = pixGetWidth(mask), h = pixGetHeight(mask), wpl = pixGetWpl(mask);
	const l_uint32 *data = pixGetData(mask);
	for (int y = y0 < 0 ? 0 : y0; y <= y1 && y < h; y++)
		for (int x = x0 < 0 ? 0 : x0; x <= x1 && x < w; x++)
			if (GET_DATA_BIT(data + (size_t)y * (size_t)wpl, x))
				return true;
	return false;
}

/* The sides of cells one text line high: vertical runs in faint shorter than
 * a ruling line (OCR_RULE_MIN_IN) but reaching from a horizontal line (h) at
 * their top to one at their bottom, as no letter does. Added to v and to
 * out's rules. */
static void cell_sides(PIX *faint, PIX *h, PIX *v, float dpi, int vsize, struct rec_page *out, float px_to_pt)
{
	int len = (int)lroundf(OCR_SIDE_MIN_IN * dpi), end = (int)lroundf(OCR_SIDE_END_IN * dpi);
	PIX *runs = pixOpenCompBrick(NULL, faint, 1, len);
	BOXA *boxes = runs ? pixConnComp(runs, NULL, 8) : NULL;
	int n = boxes ? boxaGetCount(boxes) : 0;
	for (int i = 0; i < n; i++) {
		BOX *b = boxaGetBox(boxes, i, L_CLONE);
		if (b && b->h < vsize && b->w <= len / 4 &&
			ink_in(h, b->x, b->y - end, b->x + b->w - 1, b->y + end) &&
			ink_in(h, b->x, b->y + b->h - 1 - end, b->x + b->w - 1, b->y + b->h - 1 + end)) {
			pixRasterop(v, b->x, b->y, b->w, b->h, PIX_SRC | PIX_DST, runs, b->x, b->y);
			add_rule(out, b, px_to_pt);
		}
		boxDestroy(&b);
	}
	boxaDestroy(&boxes);
	pixDestroy(&runs);
}

/* Long thin runs of ink in one direction: the form's ruling lines. bin is
 * the page's ink; faint also holds the grey a thin line of a black-and-white
 * scan turns into (the same image on other pages). Vertical lines are looked
 * for in faint: text makes no long vertical runs; so are the short sides of
 * one-line cells (cell_sides). */
static PIX *find_lines(PIX *bin, PIX *faint, float dpi, struct rec_page *out, float px_to_pt)
{
	int hsize = (int)lroundf(OCR_RULE_MIN_IN * dpi), vsize = hsize;
	PIX *h = horizontal_lines(bin, faint, hsize);
	PIX *v = pixOpenCompBrick(NULL, faint, 1, vsize);
	PIX *mask = NULL;
	if (!h || !v)
		goto out;
	PIX *both[2] = {h, v};
	cell_sides(faint, h, v, dpi, vsize, out, px_to_pt);
	for (int k = 0; k < 2; k++) {
		BOXA *boxes = pixConnComp(both[k], NULL, 8);
		int n = boxes ? boxaGetCount(boxes) : 0;
		for (int i = 0; i < n; i++) {
			BOX *b = boxaGetBox(boxes, i, L_CLONE);
			if (b && (k == 0 ? b->w >= hsize && b->h <= hsize / 4 : b->h >= vsize && b->w <= vsize / 4))
				add_rule(out, b, px_to_pt);
			boxDestroy(&b);
		}
		boxaDestroy(&boxes);
	}
	mask = pixOr(NULL, h, v);
	if (mask) {
		PIX *grown = pixDilateBrick(NULL, mask, 5, 5);
		pixDestroy(&mask);
		mask = grown;
	}
out:
	pixDestroy(&h);
	pixDestroy(&v);
	return mask;
}

/* Wipe the ruling lines off grey (in place), which makes the image
 * Tesseract reads, and return the ink left on it (what OCR_INK makes of the
 * wiped page: the second pass looks for unread text in it), NULL when out of
 * memory. Grey under faint_ink may belong to a line (OCR_INK, or more on a
 * black-and-white scan). (Flattening the background first was tried:
 * chi_sim then loses the grey label codes and a third of the values.) */
static PIX *wipe_lines(PIX *grey, float dpi, int faint_ink, struct rec_page *out, float px_to_pt)
{
	PIX *bin = ocr_ink(grey, OCR_INK);
	if (!bin)
		return NULL;
	PIX *faint = faint_ink > OCR_INK ? ocr_ink(grey, faint_ink) : NULL;
	PIX *mask = find_lines(bin, faint ? faint : bin, dpi, out, px_to_pt);
	pixDestroy(&faint);
	if (mask) {
		pixSetMasked(grey, mask, 255);
		pixSubtract(bin, bin, mask);	/* what was whitened is ink no more */
		pixDestroy(&mask);
	}
	return bin;
}

/* The kept blocks' bounding box, in the reduced image's pixels. */
static bool blocks_extent(BOXA *blocks, int min_w, int min_h, int *x0, int *y0, int *x1, int *y1)
{
	bool any = false;
	int n = blocks ? boxaGetCount(blocks) : 0;
	for (int i = 0; i < n; i++) {
		BOX *b = boxaGetBox(blocks, i, L_CLONE);
		if (b && b->w >= min_w && b->h >= min_h) {
			*x0 = any && *x0 < b->x ? *x0 : b->x;
			*y0 = any && *y0 < b->y ? *y0 : b->y;
			*x1 = any && *x1 > b->x + b->w ? *x1 : b->x + b->w;
			*y1 = any && *y1 > b->y + b->h ? *y1 : b->y + b->h;
			any = true;
		}
		boxDestroy(&b);
	}
	return any;
}

/* The part of the cleaned page that holds text, in pixels: the bounding box
 * of the blocks its ink (ruling lines wiped) joins into, specks too small to
 * count, with a white margin. False when none is found or it fills more than
 * OCR_EXTENT_MAX_SHARE of the page: the whole page is read. Tesseract's
 * thresholding and layout analysis cost follows the area it reads, and a
 * continuation page or the footer alone fills a tenth to a fifth of the page
 * (the second pass still looks at the whole page). */
static bool text_extent(PIX *ink, float dpi, int *x, int *y, int *w, int *h)
{
	PIX *small = pixReduceRankBinaryCascade(ink, 1, 1, 0, 0);	/* 4x smaller, a pixel set by any ink under it */
	float sdpi = dpi / OCR_EXTENT_REDUCE;
	int join = (int)lroundf(OCR_PASS2_JOIN_IN * sdpi);
	PIX *joined = small ? pixCloseBrick(NULL, small, join > 1 ? join : 2, 2) : NULL;
	pixDestroy(&small);
	BOXA *blocks = joined ? pixConnComp(joined, NULL, 8) : NULL;
	int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
	bool any = blocks_extent(blocks, (int)lroundf(OCR_PASS2_MIN_W_IN * sdpi), (int)lroundf(OCR_TEXT_MIN_H_IN * sdpi),
		&x0, &y0, &x1, &y1);
	boxaDestroy(&blocks);
	pixDestroy(&joined);
	if (!any)
		return false;
	int pad = (int)lroundf(OCR_EXTENT_PAD_IN * dpi), W = pixGetWidth(ink), H = pixGetHeight(ink);
	x0 = x0 * OCR_EXTENT_REDUCE - pad, y0 = y0 * OCR_EXTENT_REDUCE - pad;
	x1 = x1 * OCR_EXTENT_REDUCE + pad, y1 = y1 * OCR_EXTENT_REDUCE + pad;
	*x = x0 < 0 ? 0 : x0, *y = y0 < 0 ? 0 : y0;
	*w = (x1 > W ? W : x1) - *x, *h = (y1 > H ? H : y1) - *y;
	return *w >= OCR_MIN_SIDE && *h >= OCR_MIN_SIDE && (double)*w * *h <= OCR_EXTENT_MAX_SHARE * (double)W * H;
}

/* ---- turning Tesseract's symbols into glyphs ---- */

struct sym {
	uint32_t cp;
	float x0, y0, x1, y1, conf;
};

struct word {
	struct sym s[OCR_MAX_WORD];
	int n;
	float conf;		/* the word's, 0..1 */
	float line_h;		/* its text line's height, points */
	float line_y0, line_y1;	/* its text line's top and bottom, points */
	bool line_start;
};

struct reader {
	struct rec_page *out;
	size_t cap;
	float px_to_pt;
	struct word w;
	bool have_prev;		/* a word already emitted on the current line */
	uint32_t prev_cp;
	float prev_x1, prev_conf;
	float min_conf;		/* words below this are dropped (0..1) */
	int readable;
	int words;		/* words read, and the sum of their confidences (0..1) */
	float word_conf_sum;
	bool full;
};

static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x3000 && cp <= 0x303F) ||
		(cp >= 0xFF00 && cp <= 0xFFEF);
}

static bool push_glyph(struct reader *r, uint32_t cp, float x0, float y0, float x1, float y1, float size,
	float conf)
{
	struct rec_page *out = r->out;
	if (out->n_glyphs >= OCR_MAX_GLYPHS) {
		r->full = true;
		return false;
	}
	if (out->n_glyphs == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 4096;
		struct rec_glyph *g = realloc(out->glyphs, ncap * sizeof *g);
		if (!g) {
			r->full = true;
			return false;
		}
		out->glyphs = g;
		r->cap = ncap;
	}
	out->glyphs[out->n_glyphs++] = (struct rec_glyph){
		.cp = cp, .x0 = x0, .y0 = y0, .x1 = x1, .y1 = y1, .size = size,
		.conf = conf < 0.0f ? 0.0f : conf > 1.0f ? 1.0f : conf,
	};
	return true;
}

/* A word made only of strokes (| _ - —) is a leftover piece of the grid. */
static bool is_stroke_word(const struct word *w)
{
	for (int i = 0; i < w->n; i++)
		if (!ocr_is_stroke(w->s[i].cp))
			return false;
	return true;
}

static float advance(uint32_t cp)
{
	if (is_cjk(cp))
		return 2.0f;
	switch (cp) {
	case '1': case 'I': case 'i': case 'l': case 'j': case '|': case '.': case ',': case ':': case ';':
	case '!': case '\'': case '(': case ')':
		return 0.6f;
	default:
		return 1.0f;
	}
}

/* The LSTM's symbol boxes overlap, can come out of order, and the last one
 * of a word may reach far into the next word; sorted by position, such boxes
 * would scramble a number or a label. Their left edges are the reliable part:
 * keep them in reading order, end each box where the next one starts, and
 * no wider than its character can be. All take the text line's top and
 * bottom, one per line as a text layer has. */
static void order_word(struct word *w)
{
	float h = w->line_h > 0.0f ? w->line_h : w->s[0].y1 - w->s[0].y0;
	for (int i = 0; i < w->n; i++) {
		struct sym *s = &w->s[i];
		if (i > 0 && s->x0 <= w->s[i - 1].x0)
			s->x0 = w->s[i - 1].x0 + 0.1f;
	}
	for (int i = 0; i < w->n; i++) {
		struct sym *s = &w->s[i];
		float widest = s->x0 + advance(s->cp) * 0.6f * h;
		if (s->x1 > widest)
			s->x1 = widest;
		if (i + 1 < w->n && s->x1 > w->s[i + 1].x0)
			s->x1 = w->s[i + 1].x0;
		if (s->x1 <= s->x0)
			s->x1 = s->x0 + 0.1f;
		if (w->line_h > 0.0f) {
			s->y0 = w->line_y0;
			s->y1 = w->line_y1;
		}
	}
}

static void flush_word(struct reader *r)
{
	struct word *w = &r->w;
	if (w->line_start)
		r->have_prev = false;
	if (w->n == 0 || w->conf < r->min_conf || is_stroke_word(w)) {
		w->n = 0;
		return;
	}
	float size = w->line_h > 0.0f ? w->line_h * 0.85f : (w->s[0].y1 - w->s[0].y0);
	/* Between two ideographs a word break is no space: Chinese is written
	 * without them, and a gap there is only wide spacing. */
	if (r->have_prev) {
		float gap = w->s[0].x0 - r->prev_x1;
		bool both_cjk = is_cjk(r->prev_cp) && is_cjk(w->s[0].cp);
		if (!both_cjk || gap > 1.2f * size) {
			float c = r->prev_conf < w->conf ? r->prev_conf : w->conf;
			/* narrow: a space must not reach over into the next cell */
			float x1 = r->prev_x1 + (gap < 0.3f * size ? (gap > 0 ? gap : 0) : 0.3f * size);
			push_glyph(r, ' ', r->prev_x1, w->s[0].y0, x1, w->s[0].y1, size, c);
		}
	}
	order_word(w);
	for (int i = 0; i < w->n; i++) {
		const struct sym *s = &w->s[i];
		push_glyph(r, s->cp, s->x0, s->y0, s->x1, s->y1, size, s->conf);
		if (s->conf >= 0.7f && (is_cjk(s->cp) || (s->cp < 128 && ocr_is_alnum((char)s->cp))))
			r->readable++;
	}
	r->have_prev = true;
	r->prev_cp = w->s[w->n - 1].cp;
	r->prev_x1 = w->s[w->n - 1].x1;
	r->prev_conf = w->conf;
	w->n = 0;
}

/* Decode one UTF-8 scalar; returns bytes used, 0 at the end or on bad input. */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return s[0] ? 1 : 0;
	}
	int n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (!n)
		return 0;
	uint32_t v = s[0] & (0x7F >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return n;
}

static void take_symbol(struct reader *r, TessResultIterator *it, TessPageIterator *pit)
{
	int l, t, rt, b;
	if (TessPageIteratorIsAtBeginningOf(pit, RIL_WORD)) {
		flush_word(r);
		r->w.line_start = TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE);
		r->w.conf = TessResultIteratorConfidence(it, RIL_WORD) / 100.0f;
		r->words++;
		r->word_conf_sum += r->w.conf;
		r->w.line_h = 0.0f;
		r->w.line_y0 = r->w.line_y1 = 0.0f;
		if (TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &l, &t, &rt, &b)) {
			r->w.line_h = (float)(b - t) * r->px_to_pt;
			r->w.line_y0 = (float)t * r->px_to_pt;
			r->w.line_y1 = (float)b * r->px_to_pt;
		}
	}
	char *text = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
	if (!text)
		return;
	if (TessPageIteratorBoundingBox(pit, RIL_SYMBOL, &l, &t, &rt, &b)) {
		float conf = TessResultIteratorConfidence(it, RIL_SYMBOL) / 100.0f;
		const unsigned char *p = (const unsigned char *)text;
		uint32_t cp;
		int used;
		while ((used = utf8_next(p, &cp)) > 0 && r->w.n < OCR_MAX_WORD) {
			if (cp > ' ')
				r->w.s[r->w.n++] = (struct sym){
					.cp = cp, .x0 = l * r->px_to_pt, .y0 = t * r->px_to_pt,
					.x1 = rt * r->px_to_pt, .y1 = b * r->px_to_pt, .conf = conf,
				};
			p += used;
		}
	}
	TessDeleteText(text);
}

/* Append what the last Recognize read to r->out. */
static enum kerr read_glyphs(TessBaseAPI *api, struct reader *r)
{
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	if (!it)
		return K_OK;	/* nothing recognised */
	r->w.n = 0;
	r->have_prev = false;
	TessPageIterator *pit = TessResultIteratorGetPageIterator(it);
	do
		take_symbol(r, it, pit);
	while (!r->full && TessResultIteratorNext(it, RIL_SYMBOL));
	flush_word(r);
	TessResultIteratorDelete(it);
	return r->full ? K_RESOURCE_LIMIT : K_OK;
}

/* Recognize the image (or the rectangle set) under the deadline. */
static enum kerr recognize(TessBaseAPI *api, ETEXT_DESC *mon, const int64_t *deadline_ms)
{
	int64_t left = *deadline_ms - rec_now_ms();
	if (left <= 0)
		return K_RESOURCE_LIMIT;
	/* The deadline is CPU time, asked by the cancel callback; Tesseract's own
	 * monitor counts the wall clock, so it only stands behind it, much later. */
	int64_t wall = left > INT_MAX / OCR_WALL_BACKSTOP ? INT_MAX : left * OCR_WALL_BACKSTOP;
	TessMonitorSetDeadlineMSecs(mon, (int)wall);
	int rc = TessBaseAPIRecognize(api, mon);
	if (rec_now_ms() >= *deadline_ms)
		return K_RESOURCE_LIMIT;
	return rc == 0 ? K_OK : K_NO_TEXT;	/* non-zero: no text blocks found */
}

/* ---- second pass: ink the page layout analysis left unread ----
 *
 * chi_sim's automatic page segmentation drops whole blocks of a form now and
 * then (a column of cells, the VIN lines of the remarks), most often on
 * black-and-white or skewed scans. Ink that no word of the first pass covers
 * is grouped into blocks and each block is read on its own (as one uniform
 * block, which works on a region though not on a whole form page); only
 * words read with some confidence are kept, so a logo or a stamp adds
 * nothing. */

/* Mark the boxes of the glyphs read so far (points) on a 1 bpp mask. */
static void mark_read(PIX *covered, const struct rec_page *out, size_t from, float px_to_pt, int pad)
{
	for (size_t i = from; i < out->n_glyphs; i++) {
		const struct rec_glyph *g = &out->glyphs[i];
		if (g->cp == ' ')
			continue;
		int x0 = (int)floorf(g->x0 / px_to_pt) - pad, y0 = (int)floorf(g->y0 / px_to_pt) - pad;
		int x1 = (int)ceilf(g->x1 / px_to_pt) + pad, y1 = (int)ceilf(g->y1 / px_to_pt) + pad;
		pixRasterop(covered, x0, y0, x1 - x0, y1 - y0, PIX_SET, NULL, 0, 0);
	}
}

/* Blocks of ink (the cleaned page's, taken) not under any glyph read, top
 * to bottom as found. NULL when there are none. */
static BOXA *unread_blocks(PIX *ink, const struct rec_page *out, float dpi, float px_to_pt)
{
	PIX *covered = ink ? pixCreate(pixGetWidth(ink), pixGetHeight(ink), 1) : NULL;
	BOXA *found = NULL, *kept = NULL;
	if (!covered)
		goto out;
	int join = (int)lroundf(OCR_PASS2_JOIN_IN * dpi);
	mark_read(covered, out, 0, px_to_pt, join / 2);
	pixSubtract(ink, ink, covered);
	/* specks of noise and JPEG artefacts are not text */
	PIX *clear = pixSelectBySize(ink, OCR_SPECK_PX, OCR_SPECK_PX, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, NULL);
	PIX *joined = clear ? pixCloseBrick(NULL, clear, join, join / 2) : NULL;
	pixDestroy(&clear);
	found = joined ? pixConnComp(joined, NULL, 8) : NULL;
	pixDestroy(&joined);
	int n = found ? boxaGetCount(found) : 0;
	kept = boxaCreate(n > 0 ? n : 1);
	int min_h = (int)lroundf(OCR_TEXT_MIN_H_IN * dpi), max_h = (int)lroundf(OCR_PASS2_MAX_H_IN * dpi);
	int min_w = (int)lroundf(OCR_PASS2_MIN_W_IN * dpi);
	for (int i = 0; kept && i < n; i++) {
		BOX *b = boxaGetBox(found, i, L_CLONE);
		if (b && b->h >= min_h && b->h <= max_h && b->w >= min_w && boxaGetCount(kept) < OCR_PASS2_MAX_BLOCKS)
			boxaAddBox(kept, b, L_COPY);
		boxDestroy(&b);
	}
out:
	boxaDestroy(&found);
	pixDestroy(&covered);
	pixDestroy(&ink);
	if (kept && boxaGetCount(kept) == 0)
		boxaDestroy(&kept);
	return kept;
}

static enum kerr second_pass(TessBaseAPI *api, ETEXT_DESC *mon, const int64_t *deadline_ms, PIX *clean, PIX *ink,
	float dpi, struct reader *r, int *blocks)
{
	*blocks = 0;
	BOXA *todo = unread_blocks(ink, r->out, dpi, r->px_to_pt);
	int n = todo ? boxaGetCount(todo) : 0;
	enum kerr err = K_OK;
	int pad = (int)lroundf(OCR_PASS2_PAD_IN * dpi), w = pixGetWidth(clean), h = pixGetHeight(clean);
	TessBaseAPISetPageSegMode(api, PSM_SINGLE_BLOCK);
	r->min_conf = OCR_PASS2_MIN_CONF;
	for (int i = 0; i < n && err == K_OK; i++) {
		BOX *b = boxaGetBox(todo, i, L_CLONE);
		if (!b)
			continue;
		int x0 = b->x - pad < 0 ? 0 : b->x - pad, y0 = b->y - pad < 0 ? 0 : b->y - pad;
		int x1 = b->x + b->w + pad > w ? w : b->x + b->w + pad, y1 = b->y + b->h + pad > h ? h : b->y + b->h + pad;
		boxDestroy(&b);
		TessBaseAPISetRectangle(api, x0, y0, x1 - x0, y1 - y0);
		enum kerr got = recognize(api, mon, deadline_ms);
		if (got == K_RESOURCE_LIMIT)
			err = got;
		else if (got == K_OK)
			err = read_glyphs(api, r);
		(*blocks)++;
	}
	boxaDestroy(&todo);
	return err;
}

/* ---- tall lines: a row of cells read as one line (ocr_rows.h) ----
 * Each doubtful cell of a line much taller than the page's lines is read
 * again on its own, as a block (its one or two lines); the new reading
 * replaces what the cell held when it is better (ocr_cell_better). */

/* Cell c of line t (its box in pixels) read again into r, what is in the
 * cell of that reading kept when it is better than the glyphs there not
 * dropped yet (drop covers every glyph read before): those are then marked
 * in drop, otherwise the new reading is taken off again. *better tells
 * which. */
static enum kerr read_cell(TessBaseAPI *api, ETEXT_DESC *mon, const int64_t *deadline_ms, const struct ocr_tall_line *t,
	int c, const int box[4], struct reader *r, bool *drop, bool *better)
{
	struct rec_page *out = r->out;
	size_t from = out->n_glyphs, old_n;
	float old_conf = ocr_cell_conf(t, c, out->glyphs, 0, from, drop, &old_n);
	*better = false;
	if (!ocr_cell_doubtful(old_conf, old_n))
		return K_OK;
	TessBaseAPISetRectangle(api, box[0], box[1], box[2] - box[0], box[3] - box[1]);
	enum kerr err = recognize(api, mon, deadline_ms);
	if (err != K_OK)
		return err == K_RESOURCE_LIMIT ? err : K_OK;
	err = read_glyphs(api, r);
	size_t kept = from;
	for (size_t i = from; i < out->n_glyphs; i++)
		if (ocr_cell_owns(t, c, &out->glyphs[i])) {
			out->glyphs[kept] = out->glyphs[i];
			out->glyphs[kept++].size = t->size;
		}
	out->n_glyphs = kept;
	*better = err == K_OK && ocr_cell_better(t, c, old_conf, old_n, out->glyphs, from, kept);
	for (size_t i = 0; *better && i < from; i++)
		drop[i] = drop[i] || ocr_cell_owns(t, c, &out->glyphs[i]);
	if (!*better)
		out->n_glyphs = from;
	return err;
}

/* *drop grown to cover n glyphs (*cap so far), the new ones kept; false
 * when out of memory. */
static bool drop_cover(bool **drop, size_t *cap, size_t n)
{
	if (n <= *cap)
		return true;
	bool *grown = realloc(*drop, n * sizeof *grown);
	if (!grown)
		return false;
	memset(grown + *cap, 0, (n - *cap) * sizeof *grown);
	*drop = grown;
	*cap = n;
	return true;
}

/* Line t's doubtful cells read again (read_cell); *better counts those
 * whose new reading was kept. *drop grows with the glyphs read (*cap). */
static enum kerr read_cells(TessBaseAPI *api, ETEXT_DESC *mon, const int64_t *deadline_ms, PIX *clean,
	const struct ocr_tall_line *t, struct reader *r, bool **drop, size_t *cap, int *better)
{
	int W = pixGetWidth(clean), H = pixGetHeight(clean);
	float pad = OCR_TALL_PAD * (t->y1 - t->y0);
	int y0 = (int)floorf((t->y0 - pad) / r->px_to_pt), y1 = (int)ceilf((t->y1 + pad) / r->px_to_pt);
	y0 = y0 < 0 ? 0 : y0, y1 = y1 > H ? H : y1;
	enum kerr err = K_OK;
	for (int c = 0; c < t->n_cells && err == K_OK; c++) {
		int x0 = (int)floorf(t->edges[c] / r->px_to_pt), x1 = (int)ceilf(t->edges[c + 1] / r->px_to_pt);
		x0 = x0 < 0 ? 0 : x0, x1 = x1 > W ? W : x1;
		bool kept = false;
		if (!drop_cover(drop, cap, r->out->n_glyphs))
			return K_INTERNAL;
		if (x1 - x0 >= OCR_MIN_SIDE / 4 && y1 - y0 >= OCR_MIN_SIDE / 4)
			err = read_cell(api, mon, deadline_ms, t, c, (const int[4]){x0, y0, x1, y1}, r, *drop, &kept);
		*better += kept;
	}
	return err;
}

/* Part the touching lines among lines[0, n) where they meet, in the page
 * read (clean) and its ink; one that shows no valley there (a title in
 * large type) is left as read (no cell). Tesseract is given the page again
 * when any was parted. */
static void part_read_lines(TessBaseAPI *api, PIX *clean, PIX *ink, float dpi, struct ocr_tall_line *lines, size_t n)
{
	bool parted = false;
	float px_to_pt = 72.0f / dpi;
	for (size_t i = 0; i < n; i++) {
		struct ocr_tall_line *t = &lines[i];
		struct ocr_neck neck;
		if (!t->touching)
			continue;
		if (ocr_neck_in_box(ink, (int)floorf(t->edges[0] / px_to_pt), (int)floorf(t->y0 / px_to_pt),
				(int)ceilf(t->edges[1] / px_to_pt), (int)ceilf(t->y1 / px_to_pt), &neck)) {
			ocr_neck_cut(clean, ink, &neck);
			parted = true;
		} else {
			t->n_cells = 0;
		}
	}
	if (parted) {
		TessBaseAPISetImage2(api, clean);
		TessBaseAPISetSourceResolution(api, (int)lroundf(dpi));
	}
}

/* The page's tall lines crossing ruling lines read again cell by cell, and
 * those of two lines touching parted and read again; *count gets how many
 * cells' readings replaced the first. */
static enum kerr tall_lines(TessBaseAPI *api, ETEXT_DESC *mon, const int64_t *deadline_ms, PIX *clean, PIX *ink,
	float dpi, struct reader *r, int *count)
{
	*count = 0;
	struct rec_page *out = r->out;
	struct ocr_tall_line *lines = malloc(OCR_TALL_MAX_LINES * sizeof *lines);
	size_t n = lines ? ocr_tall_lines(out, lines, OCR_TALL_MAX_LINES) : 0, cap = 0;
	bool *drop = NULL;	/* glyphs read again better: dropped at the end */
	enum kerr err = lines ? K_OK : K_INTERNAL;
	part_read_lines(api, clean, ink, dpi, lines, n);
	TessBaseAPISetPageSegMode(api, PSM_SINGLE_BLOCK);
	r->min_conf = OCR_MIN_WORD_CONF;
	for (size_t i = 0; i < n && err == K_OK; i++) {
		int better = 0;
		err = read_cells(api, mon, deadline_ms, clean, &lines[i], r, &drop, &cap, &better);
		log_debug("msg=ocr_tall_line y0=%.1f y1=%.1f x0=%.1f x1=%.1f cells=%d touching=%d kept=%d", lines[i].y0,
			lines[i].y1, lines[i].edges[0], lines[i].edges[lines[i].n_cells], lines[i].n_cells, lines[i].touching,
			better);
		*count += better;
	}
	if (err == K_OK && *count) {
		if (drop_cover(&drop, &cap, out->n_glyphs))
			ocr_glyphs_drop(out, drop);
		else
			err = K_INTERNAL;
	}
	free(drop);
	free(lines);
	return err;
}

/* Tesseract handles one document's pages share (ocr.h). Loading one costs
 * CPU each time (measured: chi_sim 70-80 ms, eng 50-57, rus 15, rus+eng
 * 57-74): most of it goes into Tesseract's table of ambiguities every
 * language gets, which are nearly all between Latin letters, so a model
 * with few of those loads fast. */
enum engine_kind {
	ENGINE_READ,	/* chi_sim: orientation and reading */
	ENGINE_NUMBERS,	/* rus (eng without it): numbers read again (third pass), loaded when first needed */
	ENGINE_NAMES,	/* rus+eng: foreign firms' names read again (third pass), loaded when first needed */
	ENGINE_KINDS
};

#define ENGINE_CHOICES 2	/* languages tried for one kind, in turn */
static const char *const engine_langs[ENGINE_KINDS][ENGINE_CHOICES] = {
	{"chi_sim", NULL}, {"rus", "eng"}, {"rus+eng", NULL},
};

struct rec_ocr_engines {
	TessBaseAPI *api[ENGINE_KINDS];
	bool missing[ENGINE_KINDS];	/* could not be loaded: not tried again */
	char codes[OCR_KNOWN_CODES][OCR_CODE_LEN + 1];	/* declaration numbers the pages' bar codes gave */
	size_t n_codes;
};

static TessBaseAPI *engine(struct rec_ocr_engines *e, enum engine_kind kind);

/* ---- third pass: numbers read again alone ----
 *
 * Read among the words and strokes of a whole form, a number often comes out
 * with junk inside ("940220260)!5990535.30") or a digit doubled; the same
 * number cut out and read alone as one word by a Latin or Cyrillic model
 * with only the characters a number holds reads right far more often (the
 * 18-digit numbers of a 300 dpi black-and-white scan: wrong in context,
 * right alone; chi_sim alone still doubled a digit). The Russian model reads
 * them about as well as the English one (issue 13: 10 number fields won and
 * 3 lost on the 240 scans of the four tuning sets, every other the same)
 * and loads in a third of its time. Doubtful numbers are read again (ocr_reread.c
 * chooses which, and whether the second reading is kept); a second reading
 * is never sure on its own (OCR_REREAD_CONF_CAP): the validators that use
 * the number (check digits, the bar code, arithmetic) have the last word.
 * Pages are read without this pass when neither is installed. */

#define OCR_REREAD_MAX_WORDS 48	/* words read again on one page, at most */
#define OCR_REREAD_PAD_H 0.35f	/* white margin read around a word, in line heights: sideways */
#define OCR_REREAD_PAD_V 0.15f	/* and above and below */
#define OCR_NAME_PAD_H 0.8f	/* sideways around a name: the first pass's boxes may miss its first letter */
#define OCR_REREAD_NUMBER_CHARS "0123456789.,-/:"	/* what a number read again may hold */
#define OCR_REREAD_MAX_RUNS 8192	/* words of one page looked at */
#define OCR_REREAD_CONF_CAP 0.85f	/* a character read again is at most this sure */
#define OCR_REREAD_MIN_ADVANCE 0.1f	/* points between glyphs read again whose boxes overlap */

/* The replacement glyphs' boxes: the new reading's left and right, the old
 * word's line; each ends where the next starts, as order_word keeps them. */
static void reread_boxes(struct ocr_reread *got, const struct rec_glyph *w)
{
	for (size_t i = 0; i < got->n; i++) {
		got->g[i].y0 = w->y0, got->g[i].y1 = w->y1, got->g[i].size = w->size;
		if (i > 0 && got->g[i].x0 <= got->g[i - 1].x0)	/* boxes overlapping: the reading's order kept */
			got->g[i].x0 = got->g[i - 1].x0 + OCR_REREAD_MIN_ADVANCE;
		if (got->g[i].x1 <= got->g[i].x0)
			got->g[i].x1 = got->g[i].x0 + OCR_REREAD_MIN_ADVANCE;
		if (i + 1 < got->n && got->g[i].x1 > got->g[i + 1].x0)
			got->g[i].x1 = got->g[i + 1].x0 > got->g[i].x0 ? got->g[i + 1].x0 : got->g[i].x0 + OCR_REREAD_MIN_ADVANCE;
	}
}

/* The symbols of the last reading (of a word cut out at x0 pixels) into
 * got; with spaces, a space before each word but the first. */
static void reread_symbols(TessBaseAPI *api, int x0, float px_to_pt, bool spaces, struct ocr_reread *got)
{
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	if (!it)
		return;
	TessPageIterator *pit = TessResultIteratorGetPageIterator(it);
	do {
		char *text = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
		int l, t, rt, b;
		uint32_t cp = 0;
		int used = text ? utf8_next((const unsigned char *)text, &cp) : 0;
		if (used > 0 && !text[used] && cp > ' ' && got->n + 1 < OCR_REREAD_MAX_CHARS &&
			TessPageIteratorBoundingBox(pit, RIL_SYMBOL, &l, &t, &rt, &b)) {
			float conf = fminf(OCR_REREAD_CONF_CAP, TessResultIteratorConfidence(it, RIL_SYMBOL) / 100.0f);
			if (spaces && got->n && TessPageIteratorIsAtBeginningOf(pit, RIL_WORD)) {
				float prev_x1 = got->g[got->n - 1].x1;
				got->g[got->n++] = (struct rec_glyph){
					.cp = ' ', .x0 = prev_x1, .x1 = (l + x0) * px_to_pt, .conf = conf,
				};
			}
			got->g[got->n++] = (struct rec_glyph){
				.cp = cp, .x0 = (l + x0) * px_to_pt, .x1 = (rt + x0) * px_to_pt, .conf = conf,
			};
		}
		if (text)
			TessDeleteText(text);
	} while (TessResultIteratorNext(it, RIL_SYMBOL));
	TessResultIteratorDelete(it);
}

static enum kerr reread_one(TessBaseAPI *api, ETEXT_DESC *mon, const int64_t *deadline_ms, PIX *pix,
	const struct ocr_word_run *box, const struct rec_glyph *w, float px_to_pt, bool name, struct ocr_reread *got)
{
	got->n = 0;
	float lh = (box->y1 - box->y0) / px_to_pt;
	int W = pixGetWidth(pix), H = pixGetHeight(pix);
	float pad = name ? OCR_NAME_PAD_H : OCR_REREAD_PAD_H;
	int x0 = (int)floorf(box->x0 / px_to_pt - pad * lh);
	int x1 = (int)ceilf(box->x1 / px_to_pt + pad * lh);
	int y0 = (int)floorf(box->y0 / px_to_pt - OCR_REREAD_PAD_V * lh);
	int y1 = (int)ceilf(box->y1 / px_to_pt + OCR_REREAD_PAD_V * lh);
	x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0, x1 = x1 > W ? W : x1, y1 = y1 > H ? H : y1;
	if (x1 - x0 < OCR_MIN_SIDE / 4 || y1 - y0 < OCR_MIN_SIDE / 4)
		return K_OK;
	if (!name)
		TessBaseAPISetVariable(api, "tessedit_char_whitelist", OCR_REREAD_NUMBER_CHARS);
	/* the word cut out: Tesseract then finds its threshold in the word alone */
	BOX *clip = boxCreate(x0, y0, x1 - x0, y1 - y0);
	PIX *word = clip ? pixClipRectangle(pix, clip, NULL) : NULL;
	boxDestroy(&clip);
	if (!word)
		return K_OK;
	TessBaseAPISetImage2(api, word);
	TessBaseAPISetSourceResolution(api, (int)lroundf(72.0f / px_to_pt));
	enum kerr err = recognize(api, mon, deadline_ms);
	pixDestroy(&word);
	if (err != K_OK)
		return err == K_RESOURCE_LIMIT ? err : K_OK;
	reread_symbols(api, x0, px_to_pt, name, got);
	reread_boxes(got, w);
	return K_OK;
}

/* What one kind of reading again looks for and keeps (ocr_reread.h). */
struct reread_kind {
	enum engine_kind engine;
	TessPageSegMode psm;
	bool name;	/* a name: read as a line, with its spaces, no whitelist */
	int max;	/* runs read again on one page, at most */
	size_t (*words)(const struct rec_page *out, struct ocr_word_run *w, size_t max);
	/* the run of words from w[k] on: how many (0: w[k] starts none) */
	size_t (*run)(const struct rec_page *out, const struct ocr_word_run *w, size_t n, size_t k);
	bool (*worthy)(const struct rec_glyph *g, size_t n);
	bool (*better)(const struct rec_glyph *old, size_t n_old, struct ocr_reread *got);
};

static size_t number_run(const struct rec_page *out, const struct ocr_word_run *w, size_t n, size_t k)
{
	(void)out;
	return ocr_run_length(w, n, k);
}

static bool number_worthy(const struct rec_glyph *g, size_t n)
{
	bool digits;
	return ocr_reread_worthy(g, 0, n, &digits);
}

static bool name_better(const struct rec_glyph *old, size_t n_old, struct ocr_reread *got)
{
	(void)old, (void)n_old;
	return ocr_name_cyrillic(got);
}

static const struct reread_kind numbers_again = {
	ENGINE_NUMBERS, PSM_SINGLE_WORD, false, OCR_REREAD_MAX_WORDS, ocr_ascii_words, number_run, number_worthy,
	ocr_reread_better,
};

/* ---- third pass, names: a foreign firm's name in Cyrillic letters ----
 * (ocr_reread.h): a run of words holding a quote and mostly Latin letters is
 * read again alone, as one line, by rus+eng; the reading replaces it when it
 * holds letters only Cyrillic has. Pages are read without it when rus is
 * not installed. */

#define OCR_NAMES_MAX 4	/* runs read again as names on one page, at most */

static const struct reread_kind names_again = {
	ENGINE_NAMES, PSM_SINGLE_LINE, true, OCR_NAMES_MAX, ocr_words, ocr_name_run, ocr_name_worthy, name_better,
};

/* The page's runs of that kind read again alone, the better readings put
 * in place of the first; *count gets how many were read. Without the
 * kind's engine the page stays as the earlier passes read it. */
static enum kerr read_again(struct rec_ocr_engines *e, const struct reread_kind *kind, ETEXT_DESC *mon,
	const int64_t *deadline_ms, PIX *pix, struct reader *r, int *count)
{
	TessBaseAPI *api = NULL;
	*count = 0;
	struct rec_page *out = r->out;
	struct ocr_reread *got = malloc(sizeof *got);
	struct ocr_reread *old = malloc(sizeof *old);
	struct ocr_word_run *w = malloc(OCR_REREAD_MAX_RUNS * sizeof *w);
	struct rec_glyph *add = NULL;
	size_t n_add = 0, cap_add = 0;
	enum kerr err = !got || !old || !w ? K_INTERNAL : K_OK;
	size_t n = err == K_OK ? kind->words(out, w, OCR_REREAD_MAX_RUNS) : 0;
	for (size_t k = 0; k < n && err == K_OK && *count < kind->max;) {
		size_t m = kind->run(out, w, n, k);
		if (!m) {
			k++;
			continue;
		}
		struct ocr_word_run box;
		old->n = ocr_run_glyphs(out, w + k, m, old->g, OCR_REREAD_MAX_CHARS, &box);
		if (kind->worthy(old->g, old->n)) {
			if (!api && !(api = engine(e, kind->engine)))
				break;
			TessBaseAPISetPageSegMode(api, kind->psm);
			(*count)++;
			err = reread_one(api, mon, deadline_ms, pix, &box, old->g, r->px_to_pt, kind->name, got);
			if (err == K_OK && kind->better(old->g, old->n, got) && !ocr_swap_in(out, w + k, m, got, &add, &n_add,
				&cap_add))
				err = K_INTERNAL;
		}
		k += m;
	}
	if (api)
		TessBaseAPIClear(api);
	if (err == K_OK && n_add && !ocr_settle(out, &r->cap, add, n_add))
		err = K_INTERNAL;
	free(add);
	free(w);
	free(old);
	free(got);
	return err;
}

/* Milliseconds spent in each stage of one page (logged at level debug). */
struct ocr_times {
	int64_t image, orient, deskew, lines, init, read, necks, pass2, pass3, codes;
	int64_t tall_ms;
	int blocks, rereads, names, cut;	/* cut: lines printed touching parted */
	int tall;	/* cells of tall lines whose new reading was kept */
	float read_share;	/* of the page's area, what the first pass read */
};

/* A new handle for lang, NULL when Tesseract or its data cannot be loaded. */
static TessBaseAPI *new_api(const char *lang)
{
	TessBaseAPI *api = TessBaseAPICreate();
	if (!api)
		return NULL;
	if (TessBaseAPIInit3(api, NULL, lang) != 0) {
		log_error("msg=tesseract_init_failed lang=%s", lang);
		TessBaseAPIDelete(api);
		return NULL;
	}
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	return api;
}

static void api_free(TessBaseAPI *api)
{
	if (api) {
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
}

/* The engines' handle of that kind, loaded on first use; NULL when it
 * cannot be loaded (tried once). */
static TessBaseAPI *engine(struct rec_ocr_engines *e, enum engine_kind kind)
{
	if (!e->api[kind] && !e->missing[kind]) {
		for (int c = 0; c < ENGINE_CHOICES && engine_langs[kind][c] && !e->api[kind]; c++)
			e->api[kind] = new_api(engine_langs[kind][c]);
		e->missing[kind] = !e->api[kind];
	}
	return e->api[kind];
}

struct rec_ocr_engines *rec_ocr_engines_new(void)
{
	return calloc(1, sizeof(struct rec_ocr_engines));
}

void rec_ocr_engines_free(struct rec_ocr_engines *e)
{
	if (!e)
		return;
	for (int k = 0; k < ENGINE_KINDS; k++)
		api_free(e->api[k]);
	free(e);
}

/* One page while it is read: its images, the Tesseract handles, the reader
 * of the glyphs and the stages' times. */
struct page_read {
	struct rec_ocr_engines *engines;
	TessBaseAPI *api;	/* chi_sim */
	ETEXT_DESC *mon;
	int64_t deadline_ms;
	float dpi, px_to_pt, angle;
	int rule_ink;		/* grey under this may belong to a ruling line (clean_page) */
	bool bilevel;		/* a black-and-white scan: its paper is white (255) */
	int quarter;		/* quarter turns the working image was turned upright by */
	PIX *work;		/* the page at the working resolution, turned upright */
	PIX *clean;		/* deskewed, ruling lines wiped: what Tesseract reads */
	PIX *ink;		/* clean's ink, 1 bpp, until the second pass takes it */
	struct reader r;
	struct ocr_times tm;
};

/* Turn the working image upright by quarter turns (out's size follows). */
static bool turn_work(struct page_read *pr, int quarter, struct rec_page *out)
{
	PIX *upright = pixRotateOrth(pr->work, quarter);
	if (!upright)
		return false;
	pixDestroy(&pr->work);
	pr->work = upright;
	pr->quarter = (pr->quarter + quarter) % 4;
	out->rotation = 90 * pr->quarter;
	out->width = (float)pixGetWidth(pr->work) * pr->px_to_pt;
	out->height = (float)pixGetHeight(pr->work) * pr->px_to_pt;
	return true;
}

/* ---- lines printed touching (ocr_neck.h) ---- */

/* The ink that parts lines is looked for as Tesseract will see it: its
 * threshold on a page of light paper falls near this grey, where a scan's
 * thin strokes and their halos join two lines printed without leading that
 * OCR_INK leaves a row apart (issue 13: dev6-scan's and dev10-scan's tight
 * grids). */
#define OCR_NECK_INK 200
#define OCR_NECK_MAX 1024	/* necks parted on a page */
#define OCR_NECK_MIN_PAGE 3	/* ... and fewer are none: a template printed without leading parts a
				 * row of cells at a time (9-15 necks on the pages of dev6-scan 001 and
				 * dev10-scan 005); one or two alone are a blot or one cell's two lines
				 * (项 over 号), whose cut changes what chi_sim makes of the page's layout
				 * by chance (6 such pages of dev8/9/10-scan: 19 fields won, 17 of them on
				 * one page, 6 lost; the shared scan decl_034 lost its remarks to a blot
				 * cut in two) */

/* Neck n's cut reaches across its cell: from the vertical rule at or left
 * of its start to the one at or right of its end (pixels; rules in points). */
static void widen_to_cell(const struct rec_page *out, float px_to_pt, struct ocr_neck *n)
{
	float y = (float)n->cut0 * px_to_pt, x0 = (float)n->x0 * px_to_pt, x1 = (float)n->x1 * px_to_pt;
	float left = x0, right = x1, reach = (x1 - x0) / 2;
	bool have_left = false, have_right = false;
	for (size_t i = 0; i < out->n_rules; i++) {
		const struct rec_rule *r = &out->rules[i];
		float x = (r->x0 + r->x1) / 2;
		if (r->y1 - r->y0 <= r->x1 - r->x0 || y < r->y0 || y > r->y1)
			continue;	/* horizontal, or not beside the cut */
		if (x <= x0 + reach && (!have_left || x > left)) {
			left = x;
			have_left = true;
		}
		if (x >= x1 - reach && (!have_right || x < right)) {
			right = x;
			have_right = true;
		}
	}
	n->x0 = (int)(left / px_to_pt);
	n->x1 = (int)(right / px_to_pt);
}

/* Lines printed touching, which chi_sim reads as garbage (with confidence,
 * as often as not), parted across their cells in the cleaned page and its
 * ink before it is read. */
static void part_touching_lines(struct page_read *pr, const struct rec_page *out)
{
	PIX *faint = ocr_ink(pr->clean, OCR_NECK_INK);
	struct ocr_neck *necks = faint ? malloc(OCR_NECK_MAX * sizeof *necks) : NULL;
	size_t n = necks ? ocr_necks_find(faint, pr->dpi, necks, OCR_NECK_MAX) : 0;
	n = n >= OCR_NECK_MIN_PAGE ? n : 0;
	for (size_t i = 0; i < n; i++) {
		widen_to_cell(out, pr->px_to_pt, &necks[i]);
		ocr_neck_cut(pr->clean, pr->ink, &necks[i]);
	}
	pr->tm.cut = (int)n;
	free(necks);
	pixDestroy(&faint);
}

/* Deskew the working image and find and wipe its ruling lines (pr->clean,
 * pr->ink; the rules into out). */
static enum kerr level_and_wipe(struct page_read *pr, struct rec_page *out)
{
	pixDestroy(&pr->clean);
	pixDestroy(&pr->ink);
	int64_t t = rec_now_ms();
	PIX *level = deskew(pr->work, pr->bilevel, &pr->angle);
	/* deskew hands back the working image itself when it turned nothing: a
	 * copy of it is wiped (it is read again if the page turns out turned) */
	pr->clean = level && pr->angle == 0.0f ? pixCopy(NULL, level) : level ? pixClone(level) : NULL;
	pixDestroy(&level);
	int64_t t1 = rec_now_ms();
	pr->tm.deskew += t1 - t;
	pr->ink = pr->clean ? wipe_lines(pr->clean, pr->dpi, pr->rule_ink, out, pr->px_to_pt) : NULL;
	pr->tm.lines += rec_now_ms() - t1;
	t = rec_now_ms();
	if (pr->ink)
		part_touching_lines(pr, out);
	pr->tm.necks += rec_now_ms() - t;
	return pr->clean && pr->ink ? K_OK : K_INTERNAL;
}

/* Hand Tesseract the cleaned page, or only its text on a near-empty page. */
static void set_read_area(struct page_read *pr)
{
	TessBaseAPISetImage2(pr->api, pr->clean);
	TessBaseAPISetSourceResolution(pr->api, (int)lroundf(pr->dpi));
	int x, y, w, h;
	pr->tm.read_share = 1.0f;
	if (text_extent(pr->ink, pr->dpi, &x, &y, &w, &h)) {
		TessBaseAPISetRectangle(pr->api, x, y, w, h);
		pr->tm.read_share = (float)((double)w * h / ((double)pixGetWidth(pr->clean) * pixGetHeight(pr->clean)));
	}
}

/* Deskew the working image, find and wipe its ruling lines, and read it
 * (the first pass: the page's layout as chi_sim finds it). Whatever an
 * earlier reading found is dropped first. */
static enum kerr first_read(struct page_read *pr, struct rec_page *out)
{
	out->n_glyphs = 0;
	out->n_rules = 0;
	size_t cap = pr->r.cap;
	pr->r = (struct reader){.out = out, .cap = cap, .px_to_pt = pr->px_to_pt, .min_conf = OCR_MIN_WORD_CONF};
	enum kerr err = level_and_wipe(pr, out);
	if (err != K_OK)
		return err;
	int64_t t = rec_now_ms();
	TessBaseAPISetVariable(pr->api, "preserve_interword_spaces", "1");
	TessBaseAPISetVariable(pr->api, "tessedit_do_invert", "0");	/* forms print dark on light: no second reading of each line inverted (a third faster) */
	/* No vertical text looked for in the layout: a page whose text runs in
	 * columns is turned upright by ocr_orient.c before it is read. (Tried as
	 * well, issue 13: textord_disable_pitch_test=1, another 3 % of a scan's
	 * CPU, lost a row of the header on one of the 72 scans of dev2-scan:
	 * trade country, destination and departure port; and
	 * textord_tabfind_find_tables=0 lost 4 of 456 core fields on the 24
	 * 150/200 dpi black-and-white ones.) */
	TessBaseAPISetVariable(pr->api, "textord_tabfind_vertical_text", "0");
	TessBaseAPISetPageSegMode(pr->api, PSM_AUTO);
	set_read_area(pr);
	err = recognize(pr->api, pr->mon, &pr->deadline_ms);
	if (err == K_OK)
		err = read_glyphs(pr->api, &pr->r);
	pr->tm.read += rec_now_ms() - t;
	return err;
}

/* The first reading of a page taken as it lies shows it is upright: enough
 * words, read with confidence on the whole (words of an upside-down page read
 * 0.18-0.24 on average, of upright ones 0.43-0.85 even at 150 dpi in black
 * and white: measured on 36 upright and 24 upside-down scans, 150-300 dpi). */
static bool reads_upright(const struct reader *r)
{
	return r->words >= OCR_UPRIGHT_MIN_WORDS && r->word_conf_sum >= OCR_UPRIGHT_CONF * (float)r->words;
}

/* Which way up, and the first reading. A page whose text runs down the page
 * is turned first (its lines read both ways: ocr_orient.c); a page whose text
 * runs across is read as it lies, and the way up is asked of its lines only
 * when that reading is not confident; it is read again turned over when they
 * say it lies upside down. An upright page so costs no line read for its
 * orientation, an upside-down one a second reading of the page. */
static enum kerr oriented_read(struct page_read *pr, struct rec_page *out)
{
	int64_t t = rec_now_ms();
	struct ocr_orient *o = ocr_orient_begin(pr->work, pr->dpi);
	if (!o)
		return K_INTERNAL;
	enum kerr err = K_OK;
	enum ocr_axis axis = ocr_orient_axis(o);
	if (axis == OCR_AXIS_COLUMNS && !turn_work(pr, ocr_orient_choose(o, pr->api), out))
		err = K_INTERNAL;
	pr->tm.orient += rec_now_ms() - t;
	if (err == K_OK)
		err = first_read(pr, out);
	if (err == K_OK && axis == OCR_AXIS_ROWS && !reads_upright(&pr->r)) {
		t = rec_now_ms();
		int quarter = ocr_orient_choose(o, pr->api);
		pr->tm.orient += rec_now_ms() - t;
		if (quarter) {
			err = turn_work(pr, quarter, out) ? first_read(pr, out) : K_INTERNAL;
		} else {
			/* the lines read left their cut-outs in the handle: the later
			 * passes read rectangles of the page */
			TessBaseAPISetImage2(pr->api, pr->clean);
			TessBaseAPISetSourceResolution(pr->api, (int)lroundf(pr->dpi));
		}
	}
	ocr_orient_end(o);
	return err;
}

/* The second and third passes, on a page with enough text read. */
static enum kerr later_passes(struct page_read *pr)
{
	int64_t t = rec_now_ms();
	enum kerr err = tall_lines(pr->api, pr->mon, &pr->deadline_ms, pr->clean, pr->ink, pr->dpi, &pr->r, &pr->tm.tall);
	int64_t t0 = rec_now_ms();
	pr->tm.tall_ms = t0 - t;
	t = t0;
	if (err == K_OK) {
		err = second_pass(pr->api, pr->mon, &pr->deadline_ms, pr->clean, pr->ink, pr->dpi, &pr->r,
			&pr->tm.blocks);
		pr->ink = NULL;	/* taken */
	}
	int64_t t1 = rec_now_ms();
	pr->tm.pass2 = t1 - t;
	if (err == K_OK && pr->r.readable >= OCR_MIN_READABLE)
		err = read_again(pr->engines, &numbers_again, pr->mon, &pr->deadline_ms, pr->clean, &pr->r, &pr->tm.rereads);
	if (err == K_OK && pr->r.readable >= OCR_MIN_READABLE)
		err = read_again(pr->engines, &names_again, pr->mon, &pr->deadline_ms, pr->clean, &pr->r, &pr->tm.names);
	pr->tm.pass3 = rec_now_ms() - t1;
	return err;
}

/* The page image turned by quarter clockwise turns, for the bar code reader
 * (NULL when not turned or out of memory: the image as it is). */
static uint8_t *turned_raster(const struct rec_raster *img, int quarter, int *w, int *h)
{
	*w = quarter & 1 ? img->height : img->width;
	*h = quarter & 1 ? img->width : img->height;
	if (!quarter)
		return NULL;
	uint8_t *out = malloc((size_t)*w * (size_t)*h);
	if (!out)
		return NULL;
	for (int y = 0; y < img->height; y++)
		for (int x = 0; x < img->width; x++) {
			int tx = x, ty = y;
			switch (quarter) {
			case 1: tx = img->height - 1 - y; ty = x; break;
			case 2: tx = img->width - 1 - x; ty = img->height - 1 - y; break;
			default: tx = y; ty = img->width - 1 - x; break;
			}
			out[(size_t)ty * (size_t)*w + (size_t)tx] = img->pixels[(size_t)y * (size_t)img->stride + (size_t)x];
		}
	return out;
}

/* Remember the codes a page's bar codes gave for the document's later pages. */
static void remember_codes(struct rec_ocr_engines *e, const char (*codes)[OCR_CODE_LEN + 1], size_t nc)
{
	for (size_t i = 0; i < nc && e->n_codes < OCR_KNOWN_CODES; i++) {
		bool seen = false;
		for (size_t k = 0; k < e->n_codes && !seen; k++)
			seen = memcmp(e->codes[k], codes[i], OCR_CODE_LEN + 1) == 0;
		if (!seen)
			memcpy(e->codes[e->n_codes++], codes[i], OCR_CODE_LEN + 1);
	}
}

/* Whether the page's bar codes are worth looking for (zbar costs 15-55 ms
 * a page): not without an 18-digit number read (none to correct); not when
 * all its numbers read as an earlier page's bar codes gave them (nothing to
 * correct). A later page is searched even when the first page showed none:
 * a smudged bar code there leaves the later page's to correct the number. */
static bool codes_wanted(const struct rec_ocr_engines *e, const struct rec_page *out)
{
	const char *skipped = !ocr_has_code_run(out->glyphs, out->n_glyphs) ? "no_number"
		: ocr_code_runs_known(out->glyphs, out->n_glyphs, (const char (*)[OCR_CODE_LEN + 1])e->codes, e->n_codes)
		? "known_number" : NULL;
	if (skipped)
		log_debug("msg=ocr_codes skipped=%s", skipped);
	return !skipped;
}

/* Read the declaration number's bar codes, when worth it, and let them
 * confirm or correct its printed digits. */
static void fix_by_codes(struct rec_ocr_engines *e, const struct rec_raster *img, int quarter, struct rec_page *out)
{
	if (!codes_wanted(e, out))
		return;
	int w, h;
	uint8_t *turned = turned_raster(img, quarter, &w, &h);
	const uint8_t *pixels = turned ? turned : img->pixels;
	int stride = turned ? w : img->stride;
	if (!turned) {
		w = img->width;
		h = img->height;
	}
	char codes[OCR_CODE_MAX][OCR_CODE_LEN + 1];
	int top = (int)lroundf(OCR_CODE_TOP_SHARE * (float)h);
	size_t nc = ocr_read_codes(pixels, w, top, stride, codes, OCR_CODE_MAX);
	size_t fixed = nc ? ocr_fix_by_codes(out->glyphs, out->n_glyphs, (const char (*)[OCR_CODE_LEN + 1])codes,
		nc, OCR_CODE_CONF) : 0;
	free(turned);
	remember_codes(e, (const char (*)[OCR_CODE_LEN + 1])codes, nc);
	log_debug("msg=ocr_codes codes=%zu numbers_fixed=%zu", nc, fixed);
}

static void page_clear(struct rec_page *page)
{
	free(page->glyphs);
	free(page->rules);
	page->glyphs = NULL;
	page->rules = NULL;
	page->n_glyphs = page->n_rules = 0;
}

static void log_page(const struct rec_raster *img, const struct page_read *pr, const struct rec_page *out, enum kerr err)
{
	const struct ocr_times *tm = &pr->tm;
	log_debug("msg=ocr_page width=%d height=%d dpi=%.0f scan_dpi=%.0f work_dpi=%.0f rotation=%d skew_deg=%.2f glyphs=%zu rules=%zu readable=%d words=%d word_conf=%.2f err=%s",
		img->width, img->height, img->dpi, img->scan_dpi, pr->dpi, out->rotation, pr->angle, out->n_glyphs, out->n_rules,
		pr->r.readable, pr->r.words, pr->r.words ? pr->r.word_conf_sum / (float)pr->r.words : 0.0f, kerr_code(err));
	log_debug("msg=ocr_timing image_ms=%lld orient_ms=%lld deskew_ms=%lld lines_ms=%lld init_ms=%lld read_ms=%lld read_share=%.2f necks_ms=%lld necks_cut=%d tall_ms=%lld tall=%d "
		"pass2_ms=%lld pass2_blocks=%d pass3_ms=%lld rereads=%d names=%d codes_ms=%lld", (long long)tm->image, (long long)tm->orient,
		(long long)tm->deskew, (long long)tm->lines, (long long)tm->init, (long long)tm->read, tm->read_share,
		(long long)tm->necks, tm->cut, (long long)tm->tall_ms, tm->tall, (long long)tm->pass2, tm->blocks, (long long)tm->pass3, tm->rereads, tm->names, (long long)tm->codes);
}

enum kerr rec_ocr_page_with(struct rec_ocr_engines *engines, const struct rec_raster *img, int64_t deadline_ms,
	struct rec_page *out)
{
	if (!out || !engines)
		return K_INTERNAL;
	memset(out, 0, sizeof *out);
	if (!raster_ok(img))
		return K_NO_TEXT;
	if ((long)img->width * (long)img->height > OCR_MAX_PIXELS)
		return K_RESOURCE_LIMIT;
	bool bw = bilevel(img);
	float s = work_dpi(img, bw) / img->dpi;
	if ((double)img->width * s * (double)img->height * s > (double)OCR_MAX_WORK_PIXELS)
		return K_RESOURCE_LIMIT;
	if (rec_now_ms() >= deadline_ms)
		return K_RESOURCE_LIMIT;

	enum kerr err = K_INTERNAL;
	struct page_read *pr = calloc(1, sizeof *pr);
	if (!pr)
		return K_INTERNAL;
	pr->engines = engines;
	pr->deadline_ms = deadline_ms;
	int64_t t = rec_now_ms();
	out->width = img->width * 72.0f / img->dpi;
	out->height = img->height * 72.0f / img->dpi;
	out->rules = calloc(OCR_MAX_RULES, sizeof *out->rules);
	float scale = 1.0f;
	pr->work = out->rules ? working_image(img, bw, &scale) : NULL;
	pr->mon = TessMonitorCreate();
	if (!pr->work || !pr->mon)
		goto out;
	pr->dpi = img->dpi * scale;
	pr->rule_ink = img->scan_bilevel || smoothed(img, bw) ? OCR_RULE_FAINT_INK : OCR_INK;
	pr->bilevel = img->scan_bilevel || bw;
	pr->px_to_pt = 72.0f / pr->dpi;
	TessMonitorSetCancelFunc(pr->mon, past_deadline);
	TessMonitorSetCancelThis(pr->mon, &pr->deadline_ms);
	pr->tm.image = rec_now_ms() - t;
	t = rec_now_ms();
	pr->api = engine(engines, ENGINE_READ);
	pr->tm.init = rec_now_ms() - t;
	if (!pr->api)
		goto out;
	err = oriented_read(pr, out);
	if (err == K_OK && pr->r.readable >= OCR_MIN_READABLE)
		err = later_passes(pr);
	if (err == K_OK && pr->r.readable >= OCR_MIN_READABLE) {
		/* the bar codes of the declaration number confirm or correct its printed digits */
		t = rec_now_ms();
		fix_by_codes(engines, img, pr->quarter, out);
		pr->tm.codes = rec_now_ms() - t;
	}
	log_page(img, pr, out, err);
	if (err == K_OK && pr->r.readable < OCR_MIN_READABLE)
		err = K_NO_TEXT;
out:
	if (pr->api)
		TessBaseAPIClear(pr->api);	/* the page's image and results; the model stays for the next page */
	if (pr->mon)
		TessMonitorDelete(pr->mon);
	pixDestroy(&pr->clean);
	pixDestroy(&pr->ink);
	pixDestroy(&pr->work);
	free(pr);
	if (err != K_OK)
		page_clear(out);
	return err;
}

enum kerr rec_ocr_page(const struct rec_raster *img, int64_t deadline_ms, struct rec_page *out)
{
	struct rec_ocr_engines *e = rec_ocr_engines_new();
	if (!e) {
		if (out)
			memset(out, 0, sizeof *out);
		return K_INTERNAL;
	}
	enum kerr err = rec_ocr_page_with(e, img, deadline_ms, out);
	rec_ocr_engines_free(e);
	return err;
}
