/* Which way up a scanned page lies (issue 15): a sheet fed sideways or upside
 * down comes off the glass turned by a quarter, a half or three quarters,
 * with nothing in the PDF to say so, and often a few degrees more.
 *
 * The turns are tried: the axis of the text lines from the ink (the form's
 * rules wiped, characters closed into lines along rows and along columns:
 * the longer total wins), then a few text lines read with chi_sim both ways
 * up along that axis: the way they read with the higher confidence wins.
 * Tesseract's orientation detection (the osd model, on the page reduced to
 * 100 dpi) was measured against it on 48 scans of 12 declarations, upright
 * and turned 90/180/270 degrees with 0.8 to 3 degrees of skew, 150-300 dpi,
 * grey, JPEG and black and white (tools/mkturned.sh): the turns were right
 * 48/48 at about 0.65 s of CPU a page, OSD 39/48 at about 0.2 s (README).
 *
 * Most pages come upright, so the first way up is read line by line and
 * settles the page as soon as a few lines read confidently (right way up
 * lines read 60-93 on the fixtures, wrong way up ones 0-45): an upright page
 * then costs three or four short lines, and the other way is read only when
 * the first one leaves a doubt. The Tesseract handle is the caller's (the
 * page's own, initialised once for orientation and reading). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "core/log.h"
#include "recognize/ocr_orient.h"

#define OCR_ORIENT_TRIAL_DPI 150.0f	/* the turns are tried on the page reduced to this */
#define OCR_ORIENT_INK 150
#define OCR_ORIENT_RULE_IN 0.30f	/* ink runs this long are ruling lines (wiped first) */
#define OCR_ORIENT_JOIN_IN 0.06f	/* characters this close join one text line */
#define OCR_ORIENT_LINE_MIN_H_IN 0.05f	/* a text line is this thick at least */
#define OCR_ORIENT_LINE_MAX_H_IN 0.30f	/* and at most */
#define OCR_ORIENT_LINE_MIN_LEN_IN 0.40f	/* and this long */
#define OCR_ORIENT_READ_MAX_LEN_IN 3.0f	/* lines read are at most this long (a long one costs, and says no more) */
#define OCR_ORIENT_LINE_ASPECT 3	/* and this many times longer than thick */
#define OCR_ORIENT_LINES 8	/* lines read each way up */
#define OCR_ORIENT_MIN_LINES 3	/* a page with fewer has no text to turn by (a photo): left as it is */
#define OCR_ORIENT_PAD_PX 3
#define OCR_ORIENT_SURE_CONF 75	/* a line read this confidently reads the right way up */
#define OCR_ORIENT_SURE_LINES 3	/* so many such lines settle the page */

static PIX *reduced(PIX *grey, float dpi, float want)
{
	float s = want / dpi;
	if (s > 0.95f)
		return pixClone(grey);
	return s < 0.7f ? pixScaleAreaMap(grey, s, s) : pixScaleGrayLI(grey, s, s);
}

/* ---- trying the turns ---- */

struct line_boxes {
	BOX *b[OCR_ORIENT_LINES];
	int n;
	double total;	/* summed length of every text line found */
};

static int box_len(const BOX *b, int across) { return across ? b->h : b->w; }

/* Keep b among the longest lines (taking its reference), or drop it. */
static void keep_longest(struct line_boxes *lb, BOX *b, int across)
{
	if (lb->n < OCR_ORIENT_LINES) {
		lb->b[lb->n++] = b;
		return;
	}
	int k = 0;
	for (int j = 1; j < lb->n; j++)
		if (box_len(lb->b[j], across) < box_len(lb->b[k], across))
			k = j;
	if (box_len(lb->b[k], across) < box_len(b, across)) {
		boxDestroy(&lb->b[k]);
		lb->b[k] = b;
	} else {
		boxDestroy(&b);
	}
}

/* Text lines along one axis (across: 0 rows, 1 columns) of the rule-free
 * ink: their total length and the longest few. */
static void text_lines(PIX *ink, float dpi, int across, struct line_boxes *lb)
{
	memset(lb, 0, sizeof *lb);
	int join = (int)lroundf(OCR_ORIENT_JOIN_IN * dpi);
	PIX *closed = across ? pixCloseBrick(NULL, ink, 1, join) : pixCloseBrick(NULL, ink, join, 1);
	BOXA *boxes = closed ? pixConnComp(closed, NULL, 8) : NULL;
	int n = boxes ? boxaGetCount(boxes) : 0;
	int min_h = (int)lroundf(OCR_ORIENT_LINE_MIN_H_IN * dpi), max_h = (int)lroundf(OCR_ORIENT_LINE_MAX_H_IN * dpi);
	int min_len = (int)lroundf(OCR_ORIENT_LINE_MIN_LEN_IN * dpi);
	for (int i = 0; i < n; i++) {
		BOX *b = boxaGetBox(boxes, i, L_CLONE);
		if (!b)
			continue;
		int len = across ? b->h : b->w, thick = across ? b->w : b->h;
		if (thick < min_h || thick > max_h || len < min_len || len < OCR_ORIENT_LINE_ASPECT * thick) {
			boxDestroy(&b);
			continue;
		}
		lb->total += len;
		if (len <= (int)lroundf(OCR_ORIENT_READ_MAX_LEN_IN * dpi))
			keep_longest(lb, b, across);
		else
			boxDestroy(&b);
	}
	boxaDestroy(&boxes);
	pixDestroy(&closed);
}

static void line_boxes_free(struct line_boxes *lb)
{
	for (int i = 0; i < lb->n; i++)
		boxDestroy(&lb->b[i]);
	lb->n = 0;
}

/* The ink of the page with its ruling lines wiped. */
static PIX *rule_free_ink(PIX *grey, float dpi)
{
	PIX *ink = pixConvertTo1(grey, OCR_ORIENT_INK);
	if (!ink)
		return NULL;
	int len = (int)lroundf(OCR_ORIENT_RULE_IN * dpi);
	PIX *h = pixOpenBrick(NULL, ink, len, 1), *v = pixOpenBrick(NULL, ink, 1, len);
	if (h && v) {
		PIX *rules = pixOr(NULL, h, v);
		if (rules) {
			PIX *grown = pixDilateBrick(NULL, rules, 3, 3);
			if (grown)
				pixSubtract(ink, ink, grown);
			pixDestroy(&grown);
		}
		pixDestroy(&rules);
	}
	pixDestroy(&h);
	pixDestroy(&v);
	return ink;
}

/* chi_sim's confidence summed over the lines turned by quarter. When sure
 * is not NULL, reading stops once OCR_ORIENT_SURE_LINES lines read with
 * OCR_ORIENT_SURE_CONF at least, and *sure says whether they did. */
static int read_lines(TessBaseAPI *api, PIX *grey, const struct line_boxes *lb, int quarter, float dpi, bool *sure)
{
	int sum = 0, confident = 0;
	for (int i = 0; i < lb->n && !(sure && confident >= OCR_ORIENT_SURE_LINES); i++) {
		BOX *pad = boxCreate(lb->b[i]->x - OCR_ORIENT_PAD_PX, lb->b[i]->y - OCR_ORIENT_PAD_PX,
			lb->b[i]->w + 2 * OCR_ORIENT_PAD_PX, lb->b[i]->h + 2 * OCR_ORIENT_PAD_PX);
		PIX *crop = pad ? pixClipRectangle(grey, pad, NULL) : NULL;
		PIX *turned = crop ? pixRotateOrth(crop, quarter) : NULL;
		if (turned) {
			TessBaseAPISetImage2(api, turned);
			TessBaseAPISetSourceResolution(api, (int)lroundf(dpi));
			if (TessBaseAPIRecognize(api, NULL) == 0) {
				int conf = TessBaseAPIMeanTextConf(api);
				sum += conf;
				confident += conf >= OCR_ORIENT_SURE_CONF;
			}
		}
		pixDestroy(&turned);
		pixDestroy(&crop);
		boxDestroy(&pad);
	}
	if (sure)
		*sure = confident >= OCR_ORIENT_SURE_LINES;
	return sum;
}

/* The way up among a (tried first) and b. */
static int choose_turn(TessBaseAPI *api, PIX *small, const struct line_boxes *lb, int a, int b, float sdpi)
{
	bool sure = false;
	TessBaseAPISetPageSegMode(api, PSM_SINGLE_LINE);
	int ca = read_lines(api, small, lb, a, sdpi, &sure);
	if (sure) {
		log_debug("msg=ocr_orient lines=%d conf_%d=%d settled=1", lb->n, a * 90, ca);
		return a;
	}
	int cb = read_lines(api, small, lb, b, sdpi, NULL);
	log_debug("msg=ocr_orient lines=%d conf_%d=%d conf_%d=%d settled=0", lb->n, a * 90, ca, b * 90, cb);
	return cb > ca ? b : a;
}

int ocr_orient_page(TessBaseAPI *api, PIX *grey, float dpi)
{
	PIX *small = reduced(grey, dpi, OCR_ORIENT_TRIAL_DPI);
	float sdpi = small ? dpi * (float)pixGetWidth(small) / (float)pixGetWidth(grey) : dpi;
	PIX *ink = small ? rule_free_ink(small, sdpi) : NULL;
	struct line_boxes rows, cols;
	memset(&rows, 0, sizeof rows);
	memset(&cols, 0, sizeof cols);
	int quarter = 0;
	if (!ink)
		goto out;
	text_lines(ink, sdpi, 0, &rows);
	text_lines(ink, sdpi, 1, &cols);
	int sideways = cols.total > rows.total;
	const struct line_boxes *lb = sideways ? &cols : &rows;
	log_debug("msg=ocr_orient_axis rows=%.0f cols=%.0f", rows.total, cols.total);
	if (lb->n < OCR_ORIENT_MIN_LINES)
		goto out;
	/* rows: upright (0) or upside down (2); columns: turned either way (1, 3) */
	quarter = choose_turn(api, small, lb, sideways ? 1 : 0, sideways ? 3 : 2, sdpi);
out:
	line_boxes_free(&rows);
	line_boxes_free(&cols);
	pixDestroy(&ink);
	pixDestroy(&small);
	return quarter;
}
