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
 * then costs three short lines, and the other way is read only when the
 * first one leaves a doubt; then line by line against the first, until one
 * way leads clearly (a black-and-white scan's lines read less confidently
 * either way: 6 lines read instead of 16, 0.5 s of CPU a page saved). The Tesseract handle is the caller's (the
 * page's own, initialised once for orientation and reading). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "core/log.h"
#include "recognize/ocr_ink.h"
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
#define OCR_ORIENT_LEAD 15	/* else one way up reading this much more confidently a line settles it (issue 13:
				 * black-and-white scans read 30-45 the right way up, 0-20 the wrong way) */

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
	PIX *ink = ocr_ink(grey, OCR_ORIENT_INK);
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

/* chi_sim's confidence of line i turned by quarter (0 when it cannot be read). */
static int read_line(TessBaseAPI *api, PIX *grey, const BOX *b, int quarter, float dpi)
{
	int conf = 0;
	BOX *pad = boxCreate(b->x - OCR_ORIENT_PAD_PX, b->y - OCR_ORIENT_PAD_PX, b->w + 2 * OCR_ORIENT_PAD_PX,
		b->h + 2 * OCR_ORIENT_PAD_PX);
	PIX *crop = pad ? pixClipRectangle(grey, pad, NULL) : NULL;
	PIX *turned = crop ? pixRotateOrth(crop, quarter) : NULL;
	if (turned) {
		TessBaseAPISetImage2(api, turned);
		TessBaseAPISetSourceResolution(api, (int)lroundf(dpi));
		if (TessBaseAPIRecognize(api, NULL) == 0)
			conf = TessBaseAPIMeanTextConf(api);
	}
	pixDestroy(&turned);
	pixDestroy(&crop);
	boxDestroy(&pad);
	return conf;
}

/* The confidences of both ways up read so far. */
struct orient_tally {
	int a[OCR_ORIENT_LINES], b[OCR_ORIENT_LINES];
	int na, nb, sum_a, sum_b, sure_a;
};

/* One way up leads by OCR_ORIENT_LEAD a line over the lines both ways read
 * (at least OCR_ORIENT_MIN_LINES): 1 for a, -1 for b, 0 not yet. */
static int leader(const struct orient_tally *t)
{
	int n = t->na < t->nb ? t->na : t->nb, sa = 0, sb = 0;
	if (n < OCR_ORIENT_MIN_LINES)
		return 0;
	for (int i = 0; i < n; i++)
		sa += t->a[i], sb += t->b[i];
	return sa - sb >= OCR_ORIENT_LEAD * n ? 1 : sb - sa >= OCR_ORIENT_LEAD * n ? -1 : 0;
}

/* The way up among a (tried first) and b: a settles alone when its first
 * lines read confidently; else its first few lines are set against b's,
 * and the rest of both are read only while neither leads clearly. */
static int choose_turn(TessBaseAPI *api, PIX *small, const struct line_boxes *lb, int a, int b, float sdpi)
{
	struct orient_tally t = {0};
	TessBaseAPISetPageSegMode(api, PSM_SINGLE_LINE);
	while (t.na < lb->n && t.na < OCR_ORIENT_MIN_LINES) {
		int c = read_line(api, small, lb->b[t.na], a, sdpi);
		t.a[t.na++] = c, t.sum_a += c, t.sure_a += c >= OCR_ORIENT_SURE_CONF;
	}
	if (t.sure_a >= OCR_ORIENT_SURE_LINES) {
		log_debug("msg=ocr_orient lines=%d conf_%d=%d settled=1", t.na, a * 90, t.sum_a);
		return a;
	}
	int lead = 0;
	while (!lead && (t.na < lb->n || t.nb < lb->n)) {
		if (t.nb < t.na || t.na == lb->n) {
			int c = read_line(api, small, lb->b[t.nb], b, sdpi);
			t.b[t.nb++] = c, t.sum_b += c;
		} else {
			int c = read_line(api, small, lb->b[t.na], a, sdpi);
			t.a[t.na++] = c, t.sum_a += c;
		}
		lead = leader(&t);
	}
	/* neither leads: the page stays as it lies (a = 0) when its lines run
	 * across, most scans being upright (issue 13: a 200 dpi black-and-white
	 * scan read 86 against 90 over 8 lines each way, both garbage, and was
	 * turned over); turned sideways, the better reading */
	int pick = lead ? (lead > 0 ? a : b) : (a != 0 && t.sum_b > t.sum_a ? b : a);
	log_debug("msg=ocr_orient lines=%d/%d conf_%d=%d conf_%d=%d settled=%d", t.na, t.nb, a * 90, t.sum_a, b * 90,
		t.sum_b, lead != 0);
	return pick;
}

/* The page's text lines found (ocr_orient.h): the page reduced, the
 * longest lines along each axis. */
struct ocr_orient {
	PIX *small;
	float sdpi;
	struct line_boxes rows, cols;
};

struct ocr_orient *ocr_orient_begin(PIX *grey, float dpi)
{
	struct ocr_orient *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->small = reduced(grey, dpi, OCR_ORIENT_TRIAL_DPI);
	o->sdpi = o->small ? dpi * (float)pixGetWidth(o->small) / (float)pixGetWidth(grey) : dpi;
	PIX *ink = o->small ? rule_free_ink(o->small, o->sdpi) : NULL;
	if (ink) {
		text_lines(ink, o->sdpi, 0, &o->rows);
		text_lines(ink, o->sdpi, 1, &o->cols);
		log_debug("msg=ocr_orient_axis rows=%.0f cols=%.0f", o->rows.total, o->cols.total);
	}
	pixDestroy(&ink);
	return o;
}

/* The lines of the page's axis (NULL when too few to tell). */
static const struct line_boxes *axis_lines(const struct ocr_orient *o)
{
	const struct line_boxes *lb = o->cols.total > o->rows.total ? &o->cols : &o->rows;
	return lb->n >= OCR_ORIENT_MIN_LINES ? lb : NULL;
}

enum ocr_axis ocr_orient_axis(const struct ocr_orient *o)
{
	const struct line_boxes *lb = axis_lines(o);
	return !lb ? OCR_AXIS_NONE : lb == &o->cols ? OCR_AXIS_COLUMNS : OCR_AXIS_ROWS;
}

int ocr_orient_choose(struct ocr_orient *o, TessBaseAPI *api)
{
	enum ocr_axis axis = ocr_orient_axis(o);
	if (axis == OCR_AXIS_NONE)
		return 0;
	/* rows: upright (0) or upside down (2); columns: turned either way (1, 3) */
	bool sideways = axis == OCR_AXIS_COLUMNS;
	return choose_turn(api, o->small, axis_lines(o), sideways ? 1 : 0, sideways ? 3 : 2, o->sdpi);
}

void ocr_orient_end(struct ocr_orient *o)
{
	if (!o)
		return;
	line_boxes_free(&o->rows);
	line_boxes_free(&o->cols);
	pixDestroy(&o->small);
	free(o);
}

int ocr_orient_page(TessBaseAPI *api, PIX *grey, float dpi)
{
	struct ocr_orient *o = ocr_orient_begin(grey, dpi);
	int quarter = o ? ocr_orient_choose(o, api) : 0;
	ocr_orient_end(o);
	return quarter;
}
