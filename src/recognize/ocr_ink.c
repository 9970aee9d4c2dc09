/* The ink of a grey page image (ocr_ink.h). Leptonica keeps a row of an
 * 8 bpp image in 32-bit words, the leftmost pixel in a word's highest byte,
 * and a row of a 1 bpp image leftmost pixel first in the highest bit: one
 * word of ink is made from 32 pixels at a time (SSE2 compares 16 bytes at
 * once where the compiler has it), the row's last pixels one by one.
 *
 * The 3x3 mean (ocr_mean3) follows Leptonica's block convolution: a pixel's
 * sum over its window, clipped at the border, as Leptonica's accumulator
 * differences clip it (the window of the first row or column leaves out that
 * row or column itself), scaled by a ninth and rounded, then the pixels of
 * the border scaled up for their smaller windows. */
#include <stdbool.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "recognize/ocr_ink.h"

#define INK_WORD_PX 32	/* pixels of one word of the 1 bpp image */

#ifdef __SSE2__
/* m has bit i set for the i-th byte in memory of 32 grey pixels; in memory
 * each word's four pixels lie last one first (little-endian), and the ink
 * word wants the first pixel in its highest bit: the word's four-bit groups
 * come in reverse order, each group's bits as they are. */
static uint32_t ink_word_order(uint32_t m)
{
	m = __builtin_bswap32(m);
	return ((m & 0x0F0F0F0Fu) << 4) | ((m >> 4) & 0x0F0F0F0Fu);
}

static uint32_t ink_word(const uint32_t *grey, __m128i most)
{
	__m128i a = _mm_loadu_si128((const __m128i *)grey), b = _mm_loadu_si128((const __m128i *)(grey + 4));
	/* unsigned v < below: v no more than below - 1 */
	uint32_t lo = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(a, most), a));
	uint32_t hi = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(b, most), b));
	return ink_word_order(lo | hi << 16);
}
#else
static uint32_t ink_word(const uint32_t *grey, int below)
{
	uint32_t out = 0;
	for (int i = 0; i < INK_WORD_PX; i++)
		out = out << 1 | (GET_DATA_BYTE(grey, i) < below);
	return out;
}
#endif

static void ink_row(const uint32_t *grey, uint32_t *ink, int w, int below)
{
	int words = w / INK_WORD_PX;
#ifdef __SSE2__
	__m128i most = _mm_set1_epi8((char)(below - 1));
	for (int k = 0; k < words; k++)
		ink[k] = ink_word(grey + k * (INK_WORD_PX / 4), most);
#else
	for (int k = 0; k < words; k++)
		ink[k] = ink_word(grey + k * (INK_WORD_PX / 4), below);
#endif
	for (int x = words * INK_WORD_PX; x < w; x++)
		if (GET_DATA_BYTE(grey, x) < below)
			SET_DATA_BIT(ink, x);
}

PIX *ocr_ink(PIX *grey, int below)
{
	if (!grey || pixGetDepth(grey) != 8 || pixGetColormap(grey) || below < 1 || below > 255)
		return NULL;
	int w = pixGetWidth(grey), h = pixGetHeight(grey);
	PIX *ink = pixCreate(w, h, 1);
	if (!ink)
		return NULL;
	pixCopyResolution(ink, grey);
	const uint32_t *src = pixGetData(grey);
	uint32_t *dst = pixGetData(ink);
	int swpl = pixGetWpl(grey), dwpl = pixGetWpl(ink);
	for (int y = 0; y < h; y++)
		ink_row(src + (size_t)y * (size_t)swpl, dst + (size_t)y * (size_t)dwpl, w, below);
	return ink;
}

#define GREY_WORD_PX 4	/* pixels of one word of an 8 bpp image */

PIX *ocr_grey(const uint8_t *pixels, int w, int h, int stride)
{
	if (!pixels || w < 1 || h < 1 || stride < w)
		return NULL;
	PIX *pix = pixCreate(w, h, 8);
	if (!pix)
		return NULL;
	uint32_t *data = pixGetData(pix);
	int wpl = pixGetWpl(pix), words = w / GREY_WORD_PX;
	for (int y = 0; y < h; y++) {
		const uint8_t *src = pixels + (size_t)y * (size_t)stride;
		uint32_t *line = data + (size_t)y * (size_t)wpl;
		for (int k = 0; k < words; k++, src += GREY_WORD_PX)
			line[k] = (uint32_t)src[0] << 24 | (uint32_t)src[1] << 16 | (uint32_t)src[2] << 8 | src[3];
		for (int x = words * GREY_WORD_PX; x < w; x++, src++)
			SET_DATA_BYTE(line, x, *src);
	}
	return pix;
}

#define MEAN3_SIDE 3	/* the window's side */
#define MEAN3_MAX_SUM (MEAN3_SIDE * MEAN3_SIDE * 255)

/* The window's first and last row (or column) of pixel i of n, as
 * Leptonica's accumulator clips them. */
static void mean3_span(int i, int n, int *first, int *last)
{
	int below = i - 2 < 0 ? 0 : i - 2;
	*first = below + 1;
	*last = i + 1 > n - 1 ? n - 1 : i + 1;
}

/* The window's sum of pixel x of a row of n, from the sums of its columns. */
static unsigned mean3_sum(const uint16_t *col, int x, int n)
{
	int first, last;
	mean3_span(x, n, &first, &last);
	unsigned sum = 0;
	for (int k = first; k <= last; k++)
		sum += col[k];
	return sum;
}

/* One row of the mean: from the sums of the window's rows, column by column
 * (col), summed along the row, through the rounding table. */
static void mean3_row(const uint16_t *col, int w, const uint8_t *round9, uint32_t *out)
{
	SET_DATA_BYTE(out, 0, round9[mean3_sum(col, 0, w)]);
	SET_DATA_BYTE(out, 1, round9[mean3_sum(col, 1, w)]);
	for (int x = 2; x < w - 1; x++)
		SET_DATA_BYTE(out, x, round9[col[x - 1] + col[x] + col[x + 1]]);
	SET_DATA_BYTE(out, w - 1, round9[mean3_sum(col, w - 1, w)]);
}

/* The sums of the window's rows of row y, column by column, into col. */
static void mean3_columns(const uint8_t *pixels, int w, int h, int stride, int y, uint16_t *col)
{
	int first, last;
	mean3_span(y, h, &first, &last);
	const uint8_t *a = pixels + (size_t)first * (size_t)stride;
	if (last - first == 2) {
		const uint8_t *b = a + stride, *c = b + stride;
		for (int x = 0; x < w; x++)
			col[x] = (uint16_t)(a[x] + b[x] + c[x]);
		return;
	}
	for (int x = 0; x < w; x++)
		col[x] = a[x];
	for (int k = first + 1; k <= last; k++) {
		const uint8_t *r = pixels + (size_t)k * (size_t)stride;
		for (int x = 0; x < w; x++)
			col[x] = (uint16_t)(col[x] + r[x]);
	}
}

/* Leptonica's second normalisation of the border pixels: scaled up by the
 * window's full side over the part of it the first stage summed. */
static float mean3_border_norm(int i, int n)
{
	int part = i <= 1 ? 1 + i : i >= n - 1 ? 1 + n - i : MEAN3_SIDE;	/* rows (or columns) the first stage summed */
	return (float)MEAN3_SIDE / (float)part;
}

static void mean3_fix_border(PIX *pix)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	uint32_t *data = pixGetData(pix);
	for (int y = 0; y < h; y++) {
		uint32_t *line = data + (size_t)y * (size_t)wpl;
		bool edge_row = y <= 1 || y >= h - 1;
		float nh = mean3_border_norm(y, h);
		for (int x = 0; x < w; x++) {
			bool edge_col = x <= 1 || x >= w - 1;
			if (!edge_row && !edge_col) {
				x = w - 2;	/* the row's inside keeps its value */
				continue;
			}
			uint32_t v = GET_DATA_BYTE(line, x);
			float f = edge_row && edge_col ? v * nh * mean3_border_norm(x, w) : edge_row ? v * nh : v * mean3_border_norm(x, w);
			SET_DATA_BYTE(line, x, (uint8_t)(f < 255 ? f : 255));
		}
	}
}

PIX *ocr_mean3(const uint8_t *pixels, int w, int h, int stride)
{
	if (!pixels || w < MEAN3_SIDE || h < MEAN3_SIDE || stride < w)
		return NULL;
	PIX *out = pixCreate(w, h, 8);
	uint16_t *col = malloc((size_t)w * sizeof *col);
	if (!out || !col) {
		pixDestroy(&out);
		free(col);
		return NULL;
	}
	uint8_t round9[MEAN3_MAX_SUM + 1];
	float ninth = (float)(1.0 / ((float)MEAN3_SIDE * MEAN3_SIDE));
	for (int s = 0; s <= MEAN3_MAX_SUM; s++)
		round9[s] = (uint8_t)(ninth * (float)s + 0.5);
	uint32_t *data = pixGetData(out);
	int wpl = pixGetWpl(out);
	for (int y = 0; y < h; y++) {
		mean3_columns(pixels, w, h, stride, y, col);
		mean3_row(col, w, round9, data + (size_t)y * (size_t)wpl);
	}
	mean3_fix_border(out);
	free(col);
	return out;
}

#define ROTATE_MIN_RAD 0.001f	/* Leptonica's MinAngleToRotate: smaller turns leave the image as it is */
#define ROTATE_MAX_RAD 0.7854f	/* 45 degrees: source positions then grow along a row */
#define ROTATE_SUB 16	/* a pixel's side in sixteenths: the area map's grid */
#define ROTATE_SUB_SHIFT 4
#define ROTATE_WHITE 255

/* The source of one row of the rotated image: positions in sixteenths from
 * the centre, worked out as Leptonica does (the same float products and
 * sums), and the image with its not-white pixels (a 1 bpp mask). */
struct rotate_src {
	const uint32_t *data, *mask;
	int wpl, mwpl, w, h, xcen, ycen;
	const int *xpm, *ypm;
};

/* One pixel of the rotated image from the four source pixels about the
 * source position (xpm, ypm). */
static uint8_t rotate_pixel(const struct rotate_src *s, int xpm, int ypm)
{
	int xp = s->xcen + (xpm >> ROTATE_SUB_SHIFT), yp = s->ycen + (ypm >> ROTATE_SUB_SHIFT);
	int xf = xpm & (ROTATE_SUB - 1), yf = ypm & (ROTATE_SUB - 1);
	if (xp < 0 || yp < 0 || xp > s->w - 2 || yp > s->h - 2)
		return ROTATE_WHITE;
	const uint32_t *line = s->data + (size_t)yp * (size_t)s->wpl, *next = line + s->wpl;
	int v00 = (ROTATE_SUB - xf) * (ROTATE_SUB - yf) * (int)GET_DATA_BYTE(line, xp);
	int v10 = xf * (ROTATE_SUB - yf) * (int)GET_DATA_BYTE(line, xp + 1);
	int v01 = (ROTATE_SUB - xf) * yf * (int)GET_DATA_BYTE(next, xp);
	int v11 = xf * yf * (int)GET_DATA_BYTE(next, xp + 1);
	return (uint8_t)((v00 + v01 + v10 + v11 + 128) / 256);
}

/* Any not-white pixel in the mask row's columns x0..x1 (clipped). */
static bool rotate_ink_in(const uint32_t *row, int w, int x0, int x1)
{
	x0 = x0 < 0 ? 0 : x0;
	x1 = x1 > w - 1 ? w - 1 : x1;
	for (int k = x0 / INK_WORD_PX; x0 <= x1 && k <= x1 / INK_WORD_PX; k++) {
		int a = k == x0 / INK_WORD_PX ? x0 % INK_WORD_PX : 0;
		int b = k == x1 / INK_WORD_PX ? x1 % INK_WORD_PX : INK_WORD_PX - 1;
		uint32_t bits = (0xFFFFFFFFu >> a) & (0xFFFFFFFFu << (INK_WORD_PX - 1 - b));	/* leftmost pixel highest */
		if (row[k] & bits)
			return true;
	}
	return false;
}

/* Whether the source pixels of a stretch all lie on one row pair yp, yp + 1
 * and are white there, or outside the image (white brought in). */
static bool rotate_white(const struct rotate_src *s, int yp, int x0, int x1)
{
	if (yp < 0 || yp > s->h - 2)
		return true;
	const uint32_t *row = s->mask + (size_t)yp * (size_t)s->mwpl;
	return !rotate_ink_in(row, s->w, x0, x1 + 1) && !rotate_ink_in(row + s->mwpl, s->w, x0, x1 + 1);
}

/* One row of the rotated image, in stretches of one source row each. */
static void rotate_row(const struct rotate_src *s, uint32_t *out)
{
	for (int j = 0; j < s->w;) {
		int yq = s->ypm[j] >> ROTATE_SUB_SHIFT, k = j;
		while (k + 1 < s->w && s->ypm[k + 1] >> ROTATE_SUB_SHIFT == yq)
			k++;
		int x0 = s->xcen + (s->xpm[j] >> ROTATE_SUB_SHIFT), x1 = s->xcen + (s->xpm[k] >> ROTATE_SUB_SHIFT);
		bool white = rotate_white(s, s->ycen + yq, x0, x1);
		for (int x = j; x <= k; x++)
			SET_DATA_BYTE(out, x, white ? ROTATE_WHITE : rotate_pixel(s, s->xpm[x], s->ypm[x]));
		j = k + 1;
	}
}

static void rotate_positions(int w, int ycen, int i, float sina, float cosa, const float *across_x,
	const float *across_y, int *xpm, int *ypm)
{
	int ydif = ycen - i;
	float down_x = (float)ydif * sina, down_y = (float)(-ydif) * cosa;
	for (int j = 0; j < w; j++) {
		xpm[j] = (int)(across_x[j] - down_x);
		ypm[j] = (int)(down_y + across_y[j]);
	}
}

PIX *ocr_rotate(PIX *grey, float angle)
{
	if (!grey || pixGetDepth(grey) != 8 || pixGetColormap(grey) || fabsf(angle) > ROTATE_MAX_RAD)
		return NULL;
	if (fabsf(angle) < ROTATE_MIN_RAD)
		return pixClone(grey);
	int w = pixGetWidth(grey), h = pixGetHeight(grey);
	PIX *out = pixCreate(w, h, 8), *mask = ocr_ink(grey, ROTATE_WHITE);
	float *across_x = malloc((size_t)w * sizeof *across_x), *across_y = malloc((size_t)w * sizeof *across_y);
	int *xpm = malloc((size_t)w * sizeof *xpm), *ypm = malloc((size_t)w * sizeof *ypm);
	if (!out || !mask || !across_x || !across_y || !xpm || !ypm) {
		pixDestroy(&out);
		goto out;
	}
	pixCopyResolution(out, grey);
	struct rotate_src s = {
		.data = pixGetData(grey), .mask = pixGetData(mask), .wpl = pixGetWpl(grey), .mwpl = pixGetWpl(mask),
		.w = w, .h = h, .xcen = w / 2, .ycen = h / 2, .xpm = xpm, .ypm = ypm,
	};
	float sina = (float)(16. * sin(angle)), cosa = (float)(16. * cos(angle));
	for (int j = 0; j < w; j++) {
		int xdif = s.xcen - j;
		across_x[j] = (float)(-xdif) * cosa;
		across_y[j] = (float)xdif * sina;
	}
	int wout = pixGetWpl(out);
	for (int i = 0; i < h; i++) {
		rotate_positions(w, s.ycen, i, sina, cosa, across_x, across_y, xpm, ypm);
		rotate_row(&s, pixGetData(out) + (size_t)i * (size_t)wout);
	}
out:
	pixDestroy(&mask);
	free(across_x);
	free(across_y);
	free(xpm);
	free(ypm);
	return out;
}
