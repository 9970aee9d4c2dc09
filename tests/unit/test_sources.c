/* "sources" (issue 10): for every fixture, each value's box lies on its page
 * and holds the glyphs that spell the value; a page turned by /Rotate gives
 * the same boxes in the upright frame; a scan's boxes too.
 *
 * The boxes are checked against the PDF's own glyphs as displayed: each box
 * is turned back from the upright frame by the page's "rotation" (the
 * contract the page renderer and the review page rely on). */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"
#include "recognize/internal.h"

#define TEST_TIME_MS 120000
#define MAX_CHARS 512
#define TEXT_SHARE 0.8	/* of a value's characters inside its box, text layer */
#define SCAN_SHARE 0.5	/* the same, OCR (misread characters) */
#define BOX_SLACK 1.0f	/* points a glyph's centre may stand outside its value's box */

static unsigned char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
	*len = buf ? fread(buf, 1, (size_t)n, f) : 0;
	fclose(f);
	return buf;
}

/* Read a fixture: its glyphs as displayed (doc) and the recognition. */
static json_t *read_fixture(const char *path, struct rec_doc *doc)
{
	size_t len = 0;
	unsigned char *data = load(path, &len);
	assert_non_null(data);
	int repaired = 0;
	assert_int_equal(rec_pdf_load(data, len, rec_now_ms() + TEST_TIME_MS, doc, &repaired), K_OK);
	free(data);
	json_t *res = NULL;
	assert_int_equal(rec_fields_read(doc, &res), K_OK);
	return res;
}

/* A box turned by q quarter turns clockwise on a w x h page. */
static void turn(int q, float w, float h, float b[4])
{
	float x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
	switch (q & 3) {
	case 1: b[0] = h - y1; b[2] = h - y0; b[1] = x0; b[3] = x1; break;
	case 2: b[0] = w - x1; b[2] = w - x0; b[1] = h - y1; b[3] = h - y0; break;
	case 3: b[0] = y0; b[2] = y1; b[1] = w - x1; b[3] = w - x0; break;
	default: break;
	}
}

static const json_t *value_at(const json_t *out, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	const json_t *v = out;
	for (char *part = buf, *next; part && v; part = next) {
		next = strchr(part, '.');
		if (next)
			*next++ = '\0';
		v = json_is_array(v) ? json_array_get(v, strtoul(part, NULL, 10)) : json_object_get(v, part);
	}
	return v;
}

static uint32_t upper(uint32_t c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

/* The characters a value is printed with: a string's, a number's integer
 * digits; 0 for what is not printed as such. */
static size_t value_chars(const json_t *v, uint32_t *out)
{
	char buf[MAX_CHARS];
	if (json_is_string(v))
		snprintf(buf, sizeof buf, "%s", json_string_value(v));
	else if (json_is_number(v))
		snprintf(buf, sizeof buf, "%.0f", floor(fabs(json_number_value(v))));
	else
		return 0;
	size_t n = 0;
	for (const char *s = buf; *s && n < MAX_CHARS;) {
		uint32_t cp;
		s += utf8_get(s, &cp);
		if (cp != ' ' && cp != '-')
			out[n++] = upper(rec_normalise_cp(cp));
	}
	return n;
}

/* Values given in another form than printed: a currency named 美元 is USD. */
static int translated(const char *path)
{
	size_t n = strlen(path);
	return n >= 8 && strcmp(path + n - 8, "currency") == 0;
}

struct tally {
	size_t sources, checked;
};

static void check_source(const char *file, const struct rec_doc *doc, const json_t *res, const char *path,
	const json_t *src, double share, struct tally *t)
{
	int n = (int)json_integer_value(json_object_get(src, "page"));
	const json_t *jb = json_object_get(src, "box");
	assert_true(n >= 1 && (size_t)n <= doc->n_pages);
	const struct rec_page *page = &doc->pages[n - 1];
	const json_t *pinfo = NULL;
	for (size_t i = 0; i < json_array_size(json_object_get(res, "pages")); i++)
		if (json_integer_value(json_object_get(json_array_get(json_object_get(res, "pages"), i), "n")) == n)
			pinfo = json_array_get(json_object_get(res, "pages"), i);
	assert_non_null(pinfo);
	float W = (float)json_number_value(json_object_get(pinfo, "width"));
	float H = (float)json_number_value(json_object_get(pinfo, "height"));
	float b[4];
	for (int k = 0; k < 4; k++)
		b[k] = (float)json_number_value(json_array_get(jb, (size_t)k));
	if (!(b[0] >= 0 && b[1] >= 0 && b[2] <= W + 0.1f && b[3] <= H + 0.1f && b[0] <= b[2] && b[1] <= b[3]))
		fail_msg("%s %s: box [%g %g %g %g] off the %g x %g page", file, path, b[0], b[1], b[2], b[3], W, H);
	int turned = (int)json_integer_value(json_object_get(pinfo, "rotation")) - page->rotation;
	int q = ((turned / 90) % 4 + 4) % 4;
	turn((4 - q) & 3, W, H, b);	/* back to the page as displayed */
	t->sources++;
	uint32_t want[MAX_CHARS];
	size_t nw = value_chars(value_at(res, path), want);
	if (nw == 0 || translated(path))
		return;
	unsigned char *used = calloc(page->n_glyphs + 1, 1);
	size_t found = 0;
	for (size_t i = 0; i < nw; i++)
		for (size_t g = 0; g < page->n_glyphs; g++) {
			const struct rec_glyph *gl = &page->glyphs[g];
			float cx = (gl->x0 + gl->x1) / 2, cy = (gl->y0 + gl->y1) / 2;
			if (used[g] || upper(rec_normalise_cp(gl->cp)) != want[i] || cx < b[0] - BOX_SLACK ||
			    cx > b[2] + BOX_SLACK || cy < b[1] - BOX_SLACK || cy > b[3] + BOX_SLACK)
				continue;
			used[g] = 1;
			found++;
			break;
		}
	free(used);
	if ((double)found < share * (double)nw)
		fail_msg("%s %s: %zu of the value's %zu characters in its box", file, path, found, nw);
	t->checked++;
}

/* Every source of a fixture keeps the contract; the fields the review page
 * needs most have one. */
static void check_fixture(const char *file, double share, int need_all, struct tally *t)
{
	struct rec_doc doc;
	json_t *res = read_fixture(file, &doc);
	const json_t *sources = json_object_get(res, "sources");
	assert_non_null(sources);
	const char *path;
	const json_t *src;
	json_object_foreach((json_t *)sources, path, src)
		check_source(file, &doc, res, path, src, share, t);
	static const char *const needed[] = {"declaration_no", "gross_weight_kg", "domestic_shipper.name"};
	for (size_t i = 0; need_all && i < sizeof needed / sizeof needed[0]; i++)
		if (json_string_value(value_at(res, needed[i])) || json_is_number(value_at(res, needed[i])))
			if (!json_object_get(sources, needed[i]))
				fail_msg("%s: no source for %s", file, needed[i]);
	static const char *const lists[] = {"plates", "vins", "items"};
	for (size_t l = 0; need_all && l < sizeof lists / sizeof lists[0]; l++)
		for (size_t i = 0; i < json_array_size(json_object_get(res, lists[l])); i++) {
			char key[64];
			snprintf(key, sizeof key, l == 2 ? "%s.%zu.qty" : "%s.%zu", lists[l], i);
			if (value_at(res, key) && !json_is_null(value_at(res, key)) && !json_object_get(sources, key))
				fail_msg("%s: no source for %s", file, key);
		}
	json_decref(res);
	rec_doc_free(&doc);
}

static const char *src_dir(void) { return getenv("KOUAN_SOURCE_DIR") ? getenv("KOUAN_SOURCE_DIR") : "."; }

static void text_fixtures(void **state)
{
	struct tally t = {0, 0};
	char path[4096];
	for (int k = 1; k <= 30; k++) {
		snprintf(path, sizeof path, "%s/tests/fixtures/declarations/decl_%03d.pdf", src_dir(), k);
		check_fixture(path, TEXT_SHARE, 1, &t);
	}
	snprintf(path, sizeof path, "%s/tests/fixtures/variants", src_dir());
	DIR *d = opendir(path);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 4, ".pdf") != 0)
			continue;
		snprintf(path, sizeof path, "%s/tests/fixtures/variants/%s", src_dir(), e->d_name);
		check_fixture(path, TEXT_SHARE, 1, &t);
	}
	closedir(d);
	printf("%zu sources, %zu spelled by the glyphs in their boxes\n", t.sources, t.checked);
	assert_true(t.checked > 1000);
}

/* /Rotate 0, 180 and 270 prints of /Rotate 90 fixtures: the page's rotation
 * says how it was turned upright, and every box is the upright one's. */
static void turned_pages_same_boxes(void **state)
{
	static const struct { const char *turned, *upright; int rotation; } cases[] = {
		{"variants/decl_017_rot0", "declarations/decl_017", 90},
		{"variants/decl_022_rot180", "declarations/decl_022", 270},
		{"variants/decl_020_rot270", "declarations/decl_020", 180},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char a[4096], b[4096];
		snprintf(a, sizeof a, "%s/tests/fixtures/%s.pdf", src_dir(), cases[c].turned);
		snprintf(b, sizeof b, "%s/tests/fixtures/%s.pdf", src_dir(), cases[c].upright);
		struct rec_doc da, db;
		json_t *ra = read_fixture(a, &da), *rb = read_fixture(b, &db);
		const json_t *pa = json_array_get(json_object_get(ra, "pages"), 0);
		const json_t *pb = json_array_get(json_object_get(rb, "pages"), 0);
		assert_int_equal(json_integer_value(json_object_get(pa, "rotation")), cases[c].rotation);
		assert_int_equal(json_integer_value(json_object_get(pb, "rotation")), 0);
		assert_true(fabs(json_number_value(json_object_get(pa, "width")) -
			json_number_value(json_object_get(pb, "width"))) < 0.5);
		const json_t *sa = json_object_get(ra, "sources"), *sb = json_object_get(rb, "sources");
		assert_int_equal(json_object_size(sa), json_object_size(sb));
		const char *key;
		const json_t *v;
		json_object_foreach((json_t *)sb, key, v) {
			const json_t *w = json_object_get(sa, key);
			assert_non_null(w);
			for (size_t k = 0; k < 4; k++)
				if (fabs(json_number_value(json_array_get(json_object_get(v, "box"), k)) -
					 json_number_value(json_array_get(json_object_get(w, "box"), k))) > 0.5)
					fail_msg("%s %s: box differs from the upright print's", a, key);
		}
		json_decref(ra);
		json_decref(rb);
		rec_doc_free(&da);
		rec_doc_free(&db);
	}
}

#ifdef KOUAN_OCR
/* A scan: boxes from OCR's pixel boxes, in points, spelling most of the value. */
static void scan_fixture(void **state)
{
	struct tally t = {0, 0};
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/declarations/decl_033.pdf", src_dir());
	check_fixture(path, SCAN_SHARE, 0, &t);
	printf("scan: %zu sources, %zu spelled\n", t.sources, t.checked);
	assert_true(t.checked >= 30);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_fixtures),
		cmocka_unit_test(turned_pages_same_boxes),
#ifdef KOUAN_OCR
		cmocka_unit_test(scan_fixture),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
