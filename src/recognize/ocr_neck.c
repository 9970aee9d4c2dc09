/* Lines of text printed touching (ocr_neck.h).
 *
 * A 1 bpp image keeps a row in 32-bit words, its leftmost pixel in the
 * highest bit: a strip is a whole number of words wide, and its ink in a row
 * is the bits set in its words. A run is a strip's rows with ink, from one
 * blank row to the next.
 *
 * The height of the page's lines is the most common height of its runs (in a
 * window of NECK_LINE_WINDOW either way): most strips cross lines of text
 * one at a time. Runs about two lines tall in neighbouring strips, level with
 * each other, are one band: a row of cells, or a cell. The two lines meet at
 * the band's thinnest row about a line from its top; a band whose thinnest
 * row there holds nearly as much ink as its rows do on the whole is one line
 * of large type (a title: its strokes cross its middle), not two. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "recognize/ocr_neck.h"

#define NECK_WORD_PX 32
#define NECK_STRIP_IN 0.3f	/* a strip is about this wide: a character or two of a cell */
#define NECK_BLANK_PX 3	/* a strip's row with this much ink or less is blank (a speck crosses it) */
#define NECK_MIN_LINE_IN 0.04f	/* shorter runs are specks or strokes, not lines of text */
#define NECK_LINE_WINDOW 0.12f	/* runs within this share of a height count as that height */
#define NECK_MIN_LINE_RUNS 20	/* runs that must agree on the line height */
#define NECK_MIN_LINES 1.7f	/* a run this many line heights tall ... */
#define NECK_MAX_LINES 2.4f	/* ... up to this many may be two lines touching */
#define NECK_LEVEL 0.15f	/* runs of neighbouring strips level within this many line heights are one row */
#define NECK_LINE_SHARE 0.8f	/* the lines meet at least this many line heights from the run's top and foot */
#define NECK_VALLEY 0.85f	/* and their ink there is under this share of the run's median row (a title's is more) */
#define NECK_CUT_PER_LINE 12	/* rows whitened: one for so many pixels of line height, one at least */
#define NECK_MAX_RUNS 20000	/* runs of a page looked at */
#define NECK_BOX_THIRDS 3	/* two lines read as one meet in the middle third of their box */
#define NECK_BOX_LINE_SHARE 0.3f	/* ... each holding this share of its ink at least */

struct run {
	int strip, y0, y1;
};

/* The ink of each strip in each row: counts[y * strips + s]. */
static uint16_t *strip_ink(PIX *ink, int strip_px, int strips)
{
	int w = pixGetWidth(ink), h = pixGetHeight(ink), wpl = pixGetWpl(ink);
	const l_uint32 *data = pixGetData(ink);
	uint16_t *counts = calloc((size_t)h * (size_t)strips, sizeof *counts);
	if (!counts || !data)
		return counts;
	int words = (w + NECK_WORD_PX - 1) / NECK_WORD_PX, tail = w % NECK_WORD_PX;
	for (int y = 0; y < h; y++) {
		const l_uint32 *row = data + (size_t)y * (size_t)wpl;
		uint16_t *c = counts + (size_t)y * (size_t)strips;
		for (int k = 0; k < words; k++) {
			uint32_t v = row[k];
			if (k == words - 1 && tail)
				v &= ~0u << (NECK_WORD_PX - tail);	/* the padding past the row's end */
			if (v)
				c[k * NECK_WORD_PX / strip_px] += (uint16_t)__builtin_popcount(v);
		}
	}
	return counts;
}

/* The runs of every strip at least min_px tall, strip by strip. */
static size_t strip_runs(const uint16_t *counts, int strips, int h, int min_px, struct run *out, size_t max)
{
	size_t n = 0;
	for (int s = 0; s < strips; s++) {
		int start = -1;
		for (int y = 0; y <= h && n < max; y++) {
			if (y < h && counts[(size_t)y * (size_t)strips + (size_t)s] > NECK_BLANK_PX) {
				start = start < 0 ? y : start;
				continue;
			}
			if (start >= 0 && y - start >= min_px)
				out[n++] = (struct run){s, start, y};
			start = -1;
		}
	}
	return n;
}

/* The most common run height (the page's line height), 0 when too few runs agree. */
static int line_height(const struct run *runs, size_t n, int max_px)
{
	/* below[k]: runs shorter than k pixels, so a window's count is one difference */
	int *below = calloc((size_t)max_px + 2, sizeof *below);
	if (!below)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (runs[i].y1 - runs[i].y0 <= max_px)
			below[runs[i].y1 - runs[i].y0 + 1]++;
	for (int k = 1; k <= max_px + 1; k++)
		below[k] += below[k - 1];
	int best = 0, best_count = 0;
	for (int h = 1; h <= max_px; h++) {
		int reach = (int)(NECK_LINE_WINDOW * (float)h), top = h + reach < max_px ? h + reach : max_px;
		int count = below[top + 1] - below[h - reach];
		if (count > best_count) {
			best_count = count;
			best = h;
		}
	}
	free(below);
	return best_count >= NECK_MIN_LINE_RUNS ? best : 0;
}

/* The strips [s0, s1] whose runs, two lines tall, lie level with run r
 * (their tops and feet within a few rows): a row of cells, or one cell's. */
static int level_strips(const struct run *runs, size_t n_runs, size_t r, int line_px, bool *taken, int *y0, int *y1)
{
	int tol = (int)(NECK_LEVEL * (float)line_px), s1 = runs[r].strip;
	tol = tol > 1 ? tol : 1;
	*y0 = runs[r].y0;
	*y1 = runs[r].y1;
	for (size_t i = r + 1; i < n_runs && runs[i].strip <= s1 + 1; i++) {
		if (taken[i] || runs[i].strip != s1 + 1 || abs(runs[i].y0 - runs[r].y0) > tol ||
		    abs(runs[i].y1 - runs[r].y1) > tol)
			continue;
		taken[i] = true;
		s1 = runs[i].strip;
		*y0 = runs[i].y0 < *y0 ? runs[i].y0 : *y0;
		*y1 = runs[i].y1 > *y1 ? runs[i].y1 : *y1;
	}
	return s1;
}

static int by_count(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The thinnest row of sum (rows [y0, y0 + rows) of ink) in [from, to)
 * into *best; whether it is a valley: under NECK_VALLEY of the median row. */
static bool valley_row(const uint32_t *sum, int y0, int rows, int from, int to, int *best)
{
	*best = from;
	uint32_t *sorted = malloc((size_t)rows * sizeof *sorted);
	if (!sorted)
		return false;
	for (int y = from; y < to; y++)
		*best = sum[y - y0] < sum[*best - y0] ? y : *best;
	memcpy(sorted, sum, (size_t)rows * sizeof *sum);
	qsort(sorted, (size_t)rows, sizeof *sorted, by_count);
	bool valley = (float)sum[*best - y0] < NECK_VALLEY * (float)sorted[rows / 2];
	free(sorted);
	return valley;
}

/* n's rows to whiten about row best, for lines line_px tall. */
static void cut_at(struct ocr_neck *n, int best, int line_px)
{
	int cut = line_px / NECK_CUT_PER_LINE > 1 ? line_px / NECK_CUT_PER_LINE : 1;
	n->cut0 = best - (cut - 1) / 2;
	n->cut1 = n->cut0 + cut;
}

/* Where the two lines of strips [s0, s1], rows [n->y0, n->y1), meet: the
 * thinnest row of the strips' ink summed, a line height or so from either
 * end, into n's cut; false when that row is no valley (a line of large type). */
static bool band_neck(const uint16_t *counts, int strips, int s0, int s1, int line_px, struct ocr_neck *n)
{
	int rows = n->y1 - n->y0, from = n->y0 + (int)(NECK_LINE_SHARE * (float)line_px);
	int to = n->y1 - (int)(NECK_LINE_SHARE * (float)line_px), best;
	uint32_t *sum = calloc((size_t)rows, sizeof *sum);
	bool found = false;
	if (sum && from < to) {
		for (int y = n->y0; y < n->y1; y++)
			for (int s = s0; s <= s1; s++)
				sum[y - n->y0] += counts[(size_t)y * (size_t)strips + (size_t)s];
		found = valley_row(sum, n->y0, rows, from, to, &best);
		cut_at(n, best, line_px);
	}
	free(sum);
	return found;
}

/* The runs two lines tall, gathered into level rows of strips: their necks
 * into out; how many. */
static size_t two_line_bands(const uint16_t *counts, int strips, const struct run *runs, size_t n_runs, int strip_px,
	int w, int line_px, struct ocr_neck *out, size_t max)
{
	bool *taken = calloc(n_runs + 1, sizeof *taken);	/* in a band already, or not two lines tall */
	size_t n = 0;
	for (size_t i = 0; taken && i < n_runs; i++) {
		float height = (float)(runs[i].y1 - runs[i].y0);
		taken[i] = height < NECK_MIN_LINES * (float)line_px || height > NECK_MAX_LINES * (float)line_px;
	}
	for (size_t i = 0; taken && i < n_runs && n < max; i++) {
		if (taken[i])
			continue;
		taken[i] = true;
		struct ocr_neck k = {0};
		int s1 = level_strips(runs, n_runs, i, line_px, taken, &k.y0, &k.y1);
		k.x0 = runs[i].strip * strip_px;
		k.x1 = (s1 + 1) * strip_px < w ? (s1 + 1) * strip_px : w;
		if (band_neck(counts, strips, runs[i].strip, s1, line_px, &k))
			out[n++] = k;
	}
	free(taken);
	return n;
}

size_t ocr_necks_find(PIX *ink, float dpi, struct ocr_neck *out, size_t max)
{
	if (!ink || pixGetDepth(ink) != 1 || dpi <= 0.0f)
		return 0;
	int w = pixGetWidth(ink), h = pixGetHeight(ink);
	int strip_px = ((int)(NECK_STRIP_IN * dpi) + NECK_WORD_PX / 2) / NECK_WORD_PX * NECK_WORD_PX;
	strip_px = strip_px < NECK_WORD_PX ? NECK_WORD_PX : strip_px;
	int strips = (w + strip_px - 1) / strip_px, min_px = (int)(NECK_MIN_LINE_IN * dpi);
	uint16_t *counts = strip_ink(ink, strip_px, strips);
	struct run *runs = counts ? malloc(NECK_MAX_RUNS * sizeof *runs) : NULL;
	size_t n_runs = runs ? strip_runs(counts, strips, h, min_px > 1 ? min_px : 1, runs, NECK_MAX_RUNS) : 0;
	int line_px = n_runs ? line_height(runs, n_runs, h) : 0;
	size_t n = line_px ? two_line_bands(counts, strips, runs, n_runs, strip_px, w, line_px, out, max) : 0;
	free(runs);
	free(counts);
	return n;
}

bool ocr_neck_in_box(PIX *ink, int x0, int y0, int x1, int y1, struct ocr_neck *n)
{
	int w = ink ? pixGetWidth(ink) : 0, h = ink ? pixGetHeight(ink) : 0;
	x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0, x1 = x1 > w ? w : x1, y1 = y1 > h ? h : y1;
	if (!ink || pixGetDepth(ink) != 1 || x1 <= x0 || y1 - y0 < NECK_BOX_THIRDS)
		return false;
	int rows = y1 - y0, wpl = pixGetWpl(ink), best;
	const l_uint32 *data = pixGetData(ink);
	uint32_t *sum = calloc((size_t)rows, sizeof *sum);
	bool found = false;
	if (sum) {
		uint32_t above = 0, all = 0;
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++)
				sum[y - y0] += GET_DATA_BIT(data + (size_t)y * (size_t)wpl, x);
		bool valley = valley_row(sum, y0, rows, y0 + rows / NECK_BOX_THIRDS, y1 - rows / NECK_BOX_THIRDS, &best);
		for (int y = y0; y < y1; y++) {
			all += sum[y - y0];
			above += y < best ? sum[y - y0] : 0;
		}
		/* two lines: a valley with ink on either side, not one line and a speck */
		found = valley && (float)above >= NECK_BOX_LINE_SHARE * (float)all &&
			(float)(all - above) >= NECK_BOX_LINE_SHARE * (float)all;
		*n = (struct ocr_neck){.x0 = x0, .x1 = x1, .y0 = y0, .y1 = y1};
		cut_at(n, best, rows / 2);
	}
	free(sum);
	return found;
}

void ocr_neck_cut(PIX *grey, PIX *ink, const struct ocr_neck *n)
{
	int w = n->x1 - n->x0, rows = n->cut1 - n->cut0;
	pixRasterop(grey, n->x0, n->cut0, w, rows, PIX_SET, NULL, 0, 0);
	if (ink)
		pixRasterop(ink, n->x0, n->cut0, w, rows, PIX_CLR, NULL, 0, 0);
}
