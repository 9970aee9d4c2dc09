/* Which way up a scanned page lies (ocr_orient.c): a page image (decl_021
 * at 150 dpi grey) turned by each quarter, and by a half and three degrees
 * more, is found turned, and the turn back is the one that sets it upright. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#ifdef KOUAN_OCR
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "recognize/internal.h"
#include "recognize/ocr.h"
#include "recognize/ocr_orient.h"

#define PAGE_DPI 150.0f
#define SKEW_DEG 3.0f

static PIX *page(void)
{
	const char *src = getenv("KOUAN_SOURCE_DIR") ? getenv("KOUAN_SOURCE_DIR") : ".";
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/ocr/page_021_150.png", src);
	PIX *png = pixRead(path);
	assert_non_null(png);
	PIX *grey = pixConvertTo8(png, 0);
	pixDestroy(&png);
	assert_non_null(grey);
	return grey;
}

/* ocr_orient_page with a handle of its own */
static int orient(PIX *pix)
{
	TessBaseAPI *api = TessBaseAPICreate();
	assert_non_null(api);
	assert_int_equal(TessBaseAPIInit3(api, NULL, "chi_sim"), 0);
	int quarter = ocr_orient_page(api, pix, PAGE_DPI);
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	return quarter;
}

static void each_quarter_turn(void **state)
{
	if (!rec_ocr_available())
		skip();
	PIX *upright = page();
	for (int q = 0; q < 4; q++) {
		PIX *turned = pixRotateOrth(upright, q);	/* q quarters clockwise */
		assert_non_null(turned);
		assert_int_equal(orient(turned), (4 - q) % 4);
		pixDestroy(&turned);
	}
	pixDestroy(&upright);
}

static void half_turn_and_a_few_degrees(void **state)
{
	if (!rec_ocr_available())
		skip();
	PIX *upright = page();
	PIX *half = pixRotateOrth(upright, 2);
	PIX *skewed = pixRotate(half, (float)(SKEW_DEG * M_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
	assert_non_null(skewed);
	assert_int_equal(orient(skewed), 2);
	pixDestroy(&skewed);
	pixDestroy(&half);
	pixDestroy(&upright);
}

/* The page read whole by rec_ocr_page_with, one document's engines shared
 * by every reading: out gets its glyphs' text (letters and digits only). */
static int read_whole(struct rec_ocr_engines *e, PIX *pix, char *text, size_t cap)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix);
	uint8_t *buf = malloc((size_t)w * (size_t)h);
	assert_non_null(buf);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			buf[(size_t)y * (size_t)w + (size_t)x] = (uint8_t)GET_DATA_BYTE(pixGetData(pix) + (size_t)y * (size_t)pixGetWpl(pix), x);
	struct rec_raster img = {.pixels = buf, .width = w, .height = h, .stride = w, .dpi = PAGE_DPI, .scan_dpi = PAGE_DPI};
	struct rec_page out;
	assert_int_equal(rec_ocr_page_with(e, &img, rec_now_ms() + 60000, &out), K_OK);
	free(buf);
	size_t n = 0;
	for (size_t i = 0; i < out.n_glyphs && n + 1 < cap; i++)
		if (out.glyphs[i].cp < 128 && out.glyphs[i].cp > ' ')
			text[n++] = (char)out.glyphs[i].cp;
	text[n] = 0;
	int rotation = out.rotation;
	rec_page_free(&out);
	return rotation;
}

/* A page read as it lies is kept when that reading is confident; upside
 * down it is not, and the page is read again turned over: the same text
 * comes back. The engines shared by the readings give the same reading of
 * the same page twice. */
static void read_as_it_lies_then_turned(void **state)
{
	if (!rec_ocr_available())
		skip();
	enum { TEXT_CAP = 8192 };
	char *up = malloc(TEXT_CAP), *again = malloc(TEXT_CAP), *over = malloc(TEXT_CAP);
	assert_true(up && again && over);
	struct rec_ocr_engines *e = rec_ocr_engines_new();
	assert_non_null(e);
	PIX *upright = page();
	assert_int_equal(read_whole(e, upright, up, TEXT_CAP), 0);
	assert_true(strlen(up) > 100);
	assert_int_equal(read_whole(e, upright, again, TEXT_CAP), 0);
	assert_string_equal(up, again);
	PIX *half = pixRotateOrth(upright, 2);
	assert_non_null(half);
	assert_int_equal(read_whole(e, half, over, TEXT_CAP), 180);
	/* read turned over, the page's numbers are there as upright */
	assert_non_null(strstr(up, "9402"));
	assert_non_null(strstr(over, "9402"));
	pixDestroy(&half);
	pixDestroy(&upright);
	rec_ocr_engines_free(e);
	free(up);
	free(again);
	free(over);
}
#endif

int main(void)
{
#ifdef KOUAN_OCR
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_quarter_turn),
		cmocka_unit_test(half_turn_and_a_few_degrees),
		cmocka_unit_test(read_as_it_lies_then_turned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
#else
	return 0;
#endif
}
