/* Which way up a scanned page lies (ocr_orient.c): a page image (decl_021
 * at 150 dpi grey) turned by each quarter, and by a half and three degrees
 * more, is found turned, and the turn back is the one that sets it upright. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#ifdef KOUAN_OCR
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

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
#endif

int main(void)
{
#ifdef KOUAN_OCR
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_quarter_turn),
		cmocka_unit_test(half_turn_and_a_few_degrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
#else
	return 0;
#endif
}
