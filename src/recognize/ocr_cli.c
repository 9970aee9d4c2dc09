/* kouan ocr IMAGE: read one page image (PNG, TIFF, JPEG, PNM) the way a
 * scanned declaration page is read, and print its text line by line (or its
 * glyphs as JSON). For looking at what OCR gives the form reader, and for the
 * scan benchmark (bench/recognize_scan.sh). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/error.h"
#include "core/log.h"
#include "core/utf8.h"

#ifdef KOUAN_OCR
#include <jansson.h>
#include <leptonica/allheaders.h>

#include "recognize/internal.h"
#include "recognize/ocr.h"

#define OCR_CLI_DEFAULT_MS 15000

static int by_centre_y(const void *pa, const void *pb)
{
	const struct rec_glyph *a = pa, *b = pb;
	float ya = (a->y0 + a->y1) / 2, yb = (b->y0 + b->y1) / 2;
	return ya < yb ? -1 : ya > yb;
}

static void put_utf8(uint32_t cp, FILE *f)
{
	char u[4];
	fwrite(u, 1, utf8_put(u, cp), f);
}

/* Lines: glyphs grouped by their vertical centre, each line left to right. */
static void print_text(struct rec_page *page)
{
	struct rec_glyph *g = page->glyphs;
	size_t n = page->n_glyphs;
	qsort(g, n, sizeof *g, by_centre_y);
	size_t start = 0;
	while (start < n) {
		size_t end = start + 1;
		float yc = (g[start].y0 + g[start].y1) / 2, tol = g[start].size * 0.5f;
		while (end < n && (g[end].y0 + g[end].y1) / 2 < yc + tol)
			end++;
		for (size_t i = start; i < end; i++)
			for (size_t j = i + 1; j < end; j++)
				if (g[j].x0 < g[i].x0) {
					struct rec_glyph t = g[i];
					g[i] = g[j];
					g[j] = t;
				}
		for (size_t i = start; i < end; i++) {
			if (i > start && g[i].x0 - g[i - 1].x1 > g[i].size * 1.5f)
				fputs("  ", stdout);
			put_utf8(g[i].cp, stdout);
		}
		fputc('\n', stdout);
		start = end;
	}
}

static void print_json(const struct rec_page *page)
{
	json_t *root = json_object(), *glyphs = json_array(), *rules = json_array();
	json_object_set_new(root, "width", json_real(page->width));
	json_object_set_new(root, "height", json_real(page->height));
	for (size_t i = 0; i < page->n_glyphs; i++) {
		const struct rec_glyph *g = &page->glyphs[i];
		char u[8] = {0};
		utf8_put(u, g->cp);
		json_array_append_new(glyphs, json_pack("{s:s,s:[f,f,f,f],s:f}", "c", u, "box", g->x0, g->y0, g->x1,
			g->y1, "conf", g->conf));
	}
	for (size_t i = 0; i < page->n_rules; i++) {
		const struct rec_rule *r = &page->rules[i];
		json_array_append_new(rules, json_pack("[f,f,f,f]", r->x0, r->y0, r->x1, r->y1));
	}
	json_object_set_new(root, "glyphs", glyphs);
	json_object_set_new(root, "rules", rules);
	json_dumpf(root, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(root);
}

static int usage(FILE *f)
{
	fprintf(f, "usage: kouan ocr [--json] [--dpi N] [--timeout-ms N] [--debug] IMAGE\n"
		"  read a page image as a scanned declaration page and print its text\n"
		"  --debug: log each stage's time (deskew, lines, Tesseract passes) on stderr\n");
	return f == stdout ? 0 : 2;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_ocr(int argc, char **argv)
{
	const char *path = NULL;
	long dpi = 0, timeout = OCR_CLI_DEFAULT_MS;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0)
			return usage(stdout);
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--debug") == 0)
			log_threshold = LOG_DEBUG;
		else if (strcmp(argv[i], "--dpi") == 0 && i + 1 < argc) {
			if (parse_int(argv[++i], 50, 1200, &dpi))
				return usage(stderr);
		} else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) {
			if (parse_int(argv[++i], 1, 600000, &timeout))
				return usage(stderr);
		} else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			return usage(stderr);
	}
	if (!path)
		return usage(stderr);
	if (!rec_ocr_available()) {
		fprintf(stderr, "kouan ocr: Tesseract or Leptonica is not installed\n");
		return 2;
	}
	PIX *pix = pixRead(path);
	if (!pix) {
		fprintf(stderr, "kouan ocr: cannot read image %s\n", path);
		return 2;
	}
	bool bilevel = pixGetDepth(pix) == 1;
	PIX *grey = pixConvertTo8(pix, 0);
	pixDestroy(&pix);
	if (!grey) {
		fprintf(stderr, "kouan ocr: cannot convert %s to grey\n", path);
		return 2;
	}
	if (!dpi)
		dpi = pixGetXRes(grey) >= 50 && pixGetXRes(grey) <= 1200 ? pixGetXRes(grey) : 200;
	/* leptonica rows are 32-bit words with the bytes in host order: unpack */
	int w = pixGetWidth(grey), h = pixGetHeight(grey);
	uint8_t *buf = malloc((size_t)w * (size_t)h);
	if (!buf) {
		pixDestroy(&grey);
		return 2;
	}
	for (int y = 0; y < h; y++) {
		const l_uint32 *line = pixGetData(grey) + (size_t)y * (size_t)pixGetWpl(grey);
		for (int x = 0; x < w; x++)
			buf[(size_t)y * (size_t)w + (size_t)x] = (uint8_t)GET_DATA_BYTE(line, x);
	}
	pixDestroy(&grey);
	struct rec_raster img = {.pixels = buf, .width = w, .height = h, .stride = w, .dpi = (float)dpi,
		.scan_dpi = (float)dpi, .scan_bilevel = bilevel};
	struct rec_page page = {0};
	enum kerr err = rec_ocr_page(&img, rec_now_ms() + timeout, &page);
	free(buf);
	if (err != K_OK) {
		fprintf(stderr, "kouan ocr: %s\n", kerr_code(err));
		return 1;
	}
	if (json)
		print_json(&page);
	else
		print_text(&page);
	free(page.glyphs);
	free(page.rules);
	return 0;
}
#else
int cli_ocr(int argc, char **argv)
{
	fprintf(stderr, "kouan ocr: this kouan was built without OCR (-DKOUAN_OCR=ON)\n");
	return 2;
}
#endif
