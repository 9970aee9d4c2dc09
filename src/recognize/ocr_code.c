/* Bar codes of a scanned declaration (ocr_code.h). zbar is opened on first
 * use (ocr_lazy.c); a machine without it reads scans without this help. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "recognize/ocr_code.h"

#define OCR_CODE_MAX_PIXELS (100L * 1000 * 1000)
#define OCR_CODE_DENSITY 2

int ocr_codes_available(void);	/* ocr_lazy.c */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

#define CODE_STAR '*'	/* Code 39's start and stop mark, written into a QR code's text too */

bool ocr_code_number(const char *d, size_t len, char out[OCR_CODE_LEN + 1])
{
	if (len >= 2 && d[0] == CODE_STAR && d[len - 1] == CODE_STAR) {
		d++;
		len -= 2;
	}
	if (len != OCR_CODE_LEN || !all_digits(d, len))
		return false;
	memcpy(out, d, OCR_CODE_LEN);
	out[OCR_CODE_LEN] = '\0';
	return true;
}

size_t ocr_read_codes(const uint8_t *grey, int width, int height, int stride,
	char codes[][OCR_CODE_LEN + 1], size_t max)
{
	if (!grey || width <= 0 || height <= 0 || stride < width || max == 0)
		return 0;
	if ((long)width * (long)height > OCR_CODE_MAX_PIXELS || !ocr_codes_available())
		return 0;
	uint8_t *copy = NULL;
	const uint8_t *data = grey;
	if (stride != width) {	/* zbar takes packed rows */
		copy = malloc((size_t)width * (size_t)height);
		if (!copy)
			return 0;
		for (int y = 0; y < height; y++)
			memcpy(copy + (size_t)y * (size_t)width, grey + (size_t)y * (size_t)stride, (size_t)width);
		data = copy;
	}
	size_t n = 0;
	zbar_image_scanner_t *scanner = zbar_image_scanner_create();
	zbar_image_t *image = zbar_image_create();
	if (scanner && image) {
		zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
		zbar_image_scanner_set_config(scanner, ZBAR_CODE39, ZBAR_CFG_ENABLE, 1);
		zbar_image_scanner_set_config(scanner, ZBAR_CODE128, ZBAR_CFG_ENABLE, 1);
		zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
		/* every OCR_CODE_DENSITY-th row and column: a third of the time, and
		 * these codes are several millimetres tall */
		zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, OCR_CODE_DENSITY);
		zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, OCR_CODE_DENSITY);
		zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
		zbar_image_set_size(image, (unsigned)width, (unsigned)height);
		zbar_image_set_data(image, data, (unsigned long)width * (unsigned long)height, NULL);
		if (zbar_scan_image(scanner, image) > 0) {
			for (const zbar_symbol_t *s = zbar_image_first_symbol(image); s && n < max; s = zbar_symbol_next(s)) {
				const char *d = zbar_symbol_get_data(s);
				if (!d || !ocr_code_number(d, zbar_symbol_get_data_length(s), codes[n]))
					continue;
				bool seen = false;
				for (size_t i = 0; i < n; i++)
					seen |= memcmp(codes[i], codes[n], OCR_CODE_LEN) == 0;
				n += !seen;
			}
		}
	}
	if (image)
		zbar_image_destroy(image);
	if (scanner)
		zbar_image_scanner_destroy(scanner);
	free(copy);
	return n;
}

static bool is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

/* The end of the run of digits starting at i (i itself when g[i] is none). */
static size_t digits_end(const struct rec_glyph *g, size_t n, size_t i)
{
	while (i < n && is_digit(g[i].cp))
		i++;
	return i;
}

bool ocr_has_code_run(const struct rec_glyph *g, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = digits_end(g, n, i);
		if (j - i == OCR_CODE_LEN)
			return true;
		i = j > i ? j : i + 1;
	}
	return false;
}

static bool run_is_code(const struct rec_glyph *g, const char *code)
{
	for (size_t k = 0; k < OCR_CODE_LEN; k++)
		if (g[k].cp != (uint32_t)(unsigned char)code[k])
			return false;
	return true;
}

bool ocr_code_runs_known(const struct rec_glyph *g, size_t n, const char (*codes)[OCR_CODE_LEN + 1],
	size_t ncodes)
{
	size_t runs = 0;
	for (size_t i = 0; i < n;) {
		size_t j = digits_end(g, n, i);
		if (j - i == OCR_CODE_LEN) {
			bool known = false;
			for (size_t c = 0; c < ncodes && !known; c++)
				known = run_is_code(g + i, codes[c]);
			if (!known)
				return false;
			runs++;
		}
		i = j > i ? j : i + 1;
	}
	return runs > 0;
}

size_t ocr_fix_by_codes(struct rec_glyph *g, size_t n, const char (*codes)[OCR_CODE_LEN + 1], size_t ncodes,
	float conf)
{
	size_t fixed = 0, i = 0;
	while (i < n) {
		if (!is_digit(g[i].cp)) {
			i++;
			continue;
		}
		size_t j = digits_end(g, n, i);
		if (j - i == OCR_CODE_LEN) {
			int best = -1, best_d = OCR_CODE_MAX_FIX + 1, near = 0;
			for (size_t c = 0; c < ncodes; c++) {
				int d = 0;
				for (size_t k = 0; k < OCR_CODE_LEN; k++)
					d += g[i + k].cp != (uint32_t)(unsigned char)codes[c][k];
				if (d <= OCR_CODE_MAX_FIX) {
					near++;
					if (d < best_d)
						best_d = d, best = (int)c;
				}
			}
			if (near == 1 && best_d > 0) {
				for (size_t k = 0; k < OCR_CODE_LEN; k++)
					if (g[i + k].cp != (uint32_t)(unsigned char)codes[best][k]) {
						g[i + k].cp = (uint32_t)(unsigned char)codes[best][k];
						g[i + k].conf = conf;
					}
				fixed++;
			}
		}
		i = j;
	}
	return fixed;
}
