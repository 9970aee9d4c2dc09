/* Where each value was read (sources.h): boxes gathered by the form reader,
 * and the derived lists' values found again among the glyphs. Pure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recognize/sources.h"

#define SRC_MAX_PATH 96
#define SRC_MAX_VALUE 64		/* characters of a list value searched for (VINs are 17) */
#define SRC_SCAN_MISREAD_SHARE 5	/* a scan's match may miss one character in this many */
#define SRC_ROUND 10.0f			/* boxes are given to a tenth of a point */

static const char *const src_lists[] = {"plates", "vins", "containers", "seals"};

void src_box_clear(struct src_box *b)
{
	b->page = -1;
	b->x0 = b->y0 = b->x1 = b->y1 = 0;
}

void src_box_add(struct src_box *b, int page, float x0, float y0, float x1, float y1)
{
	if (!(x1 >= x0 && y1 >= y0) || (b->page >= 0 && b->page != page))
		return;
	if (b->page < 0) {
		b->page = page;
		b->x0 = x0, b->y0 = y0, b->x1 = x1, b->y1 = y1;
		return;
	}
	b->x0 = fminf(b->x0, x0);
	b->y0 = fminf(b->y0, y0);
	b->x1 = fmaxf(b->x1, x1);
	b->y1 = fmaxf(b->y1, y1);
}

void src_box_add_lines(struct src_box *b, int page, const struct rline *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i].text.len)
			src_box_add(b, page, lines[i].x0, lines[i].y0, lines[i].x1, lines[i].y1);
}

/* The value at a dotted path ("items.0.qty"), or NULL. */
static const json_t *value_at(const json_t *out, const char *path)
{
	char buf[SRC_MAX_PATH];
	size_t len = strlen(path);
	if (len >= sizeof buf)
		return NULL;
	memcpy(buf, path, len + 1);
	const json_t *v = out;
	for (char *part = buf, *next; part && v; part = next) {
		next = strchr(part, '.');
		if (next)
			*next++ = '\0';
		if (json_is_array(v)) {
			char *end;
			unsigned long i = strtoul(part, &end, 10);
			v = *part && !*end ? json_array_get(v, i) : NULL;
		} else {
			v = json_object_get(v, part);
		}
	}
	return v;
}

static int has_value(const json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return 1;
}

static double rounded(float x) { return round((double)x * SRC_ROUND) / SRC_ROUND; }

static float clamp(float x, float hi) { return x < 0 ? 0 : x > hi ? hi : x; }

void src_put(struct src_map *m, const json_t *out, const char *path, const struct src_box *b)
{
	if (!m->sources || b->page < 0 || (size_t)b->page >= m->np || !has_value(value_at(out, path)))
		return;
	const struct fpage *p = &m->pages[b->page];
	const struct rec_page *src = &m->doc->pages[b->page];
	int n = src->number > 0 ? src->number : b->page + 1;
	json_t *box = json_pack("[f,f,f,f]", rounded(clamp(b->x0, p->w)), rounded(clamp(b->y0, p->h)),
		rounded(clamp(b->x1, p->w)), rounded(clamp(b->y1, p->h)));
	json_t *s = box ? json_pack("{s:i,s:o}", "page", n, "box", box) : NULL;
	if (s)
		json_object_set_new(m->sources, path, s);
}

/* ---- finding a list's values among the glyphs ---- */

/* A character as compared: ASCII upper case, OCR's look-alikes of digits
 * folded to the digit (a VIN or plate holds no I, O or Q). */
static uint32_t fold(uint32_t cp)
{
	if (cp >= 'a' && cp <= 'z')
		cp -= 'a' - 'A';
	switch (cp) {
	case 'O': case 'Q': case 'D':
		return '0';
	case 'I': case 'L':
		return '1';
	default:
		return cp;
	}
}

struct page_seq {
	uint32_t *cp;
	size_t *glyph;
	size_t n;
};

#define SRC_COLUMN_SLACK 3.0f	/* points: line pieces starting in one such strip are one column's */

static void seq_add_line(const struct fpage *p, const struct fline *L, struct page_seq *s)
{
	for (size_t k = L->g0; k < L->g0 + L->n; k++)
		if (p->g[k].cp != ' ') {
			s->cp[s->n] = fold(p->g[k].cp);
			s->glyph[s->n++] = k;
		}
}

struct line_at {
	float x0, y0;
	size_t line;
};

static int cmp_column(const void *a, const void *b)
{
	const struct line_at *p = a, *q = b;
	float cp = floorf(p->x0 / SRC_COLUMN_SLACK), cq = floorf(q->x0 / SRC_COLUMN_SLACK);
	if (cp != cq)
		return cp < cq ? -1 : 1;
	return p->y0 < q->y0 ? -1 : p->y0 > q->y0;
}

/* The page's characters twice, spaces left out: in reading order (lines
 * top to bottom, each left to right), so that a value a wrap has split
 * across a wide cell reads whole; then column by column (line pieces that
 * start at one x, top to bottom), so that one wrapped in a narrow column
 * (an item's specification) does too. A 0 separates the two. */
static void page_seq(const struct fpage *p, struct page_seq *s)
{
	size_t cap = 2 * p->ng + 1;
	s->cp = malloc(cap * sizeof *s->cp);
	s->glyph = malloc(cap * sizeof *s->glyph);
	struct line_at *order = malloc((p->nl ? p->nl : 1) * sizeof *order);
	if (!s->cp || !s->glyph || !order)
		abort();
	s->n = 0;
	for (size_t li = 0; li < p->nl; li++) {
		seq_add_line(p, &p->lines[li], s);
		order[li] = (struct line_at){p->lines[li].x0, p->lines[li].y0, li};
	}
	s->cp[s->n] = 0;
	s->glyph[s->n++] = 0;
	qsort(order, p->nl, sizeof *order, cmp_column);
	for (size_t i = 0; i < p->nl; i++)
		seq_add_line(p, &p->lines[order[i].line], s);
	free(order);
}

static size_t value_cps(const char *v, uint32_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; v[i] && n < max;) {
		uint32_t cp;
		size_t used = utf8_get(v + i, &cp);
		if (cp != ' ')
			out[n++] = fold(cp);
		i += used;
	}
	return n;
}

struct match {
	int page;
	size_t start, misses;
};

/* The best place of want[0..n) in page pi (fewest misreads, then first). */
static void best_on_page(const struct page_seq *s, int pi, const uint32_t *want, size_t n, size_t allowed,
	struct match *best)
{
	for (size_t a = 0; a + n <= s->n; a++) {
		size_t miss = 0;
		for (size_t k = 0; k < n && miss <= allowed; k++)
			miss += s->cp[a + k] != want[k];
		if (miss <= allowed && (best->page < 0 || miss < best->misses)) {
			best->page = pi;
			best->start = a;
			best->misses = miss;
			if (miss == 0)
				return;
		}
	}
}

static void put_found(struct src_map *m, const json_t *out, const struct page_seq *seqs, const char *path,
	const char *value)
{
	uint32_t want[SRC_MAX_VALUE];
	size_t n = value_cps(value, want, SRC_MAX_VALUE);
	if (n == 0)
		return;
	size_t allowed = m->doc->scanned ? n / SRC_SCAN_MISREAD_SHARE : 0;
	struct match best = {-1, 0, 0};
	for (size_t pi = 0; pi < m->np && !(best.page >= 0 && best.misses == 0); pi++)
		best_on_page(&seqs[pi], (int)pi, want, n, allowed, &best);
	if (best.page < 0)
		return;
	const struct fpage *p = &m->pages[best.page];
	struct src_box b;
	src_box_clear(&b);
	for (size_t k = 0; k < n; k++) {
		const struct rec_glyph *g = &p->g[seqs[best.page].glyph[best.start + k]];
		src_box_add(&b, best.page, g->x0, g->y0, g->x1, g->y1);
	}
	src_put(m, out, path, &b);
}

static void copy_source(struct src_map *m, const json_t *out, const char *from, const char *to)
{
	json_t *s = json_object_get(m->sources, from);
	if (s && has_value(value_at(out, to)))
		json_object_set_new(m->sources, to, json_deep_copy(s));
}

void src_put_derived(struct src_map *m, const json_t *out)
{
	if (!m->sources)
		return;
	struct page_seq *seqs = calloc(m->np ? m->np : 1, sizeof *seqs);
	if (!seqs)
		abort();
	for (size_t pi = 0; pi < m->np; pi++)
		page_seq(&m->pages[pi], &seqs[pi]);
	for (size_t l = 0; l < sizeof src_lists / sizeof src_lists[0]; l++) {
		const json_t *arr = json_object_get(out, src_lists[l]);
		for (size_t i = 0; i < json_array_size(arr); i++) {
			const char *v = json_string_value(json_array_get(arr, i));
			char path[SRC_MAX_PATH];
			snprintf(path, sizeof path, "%s.%zu", src_lists[l], i);
			if (v)
				put_found(m, out, seqs, path, v);
		}
	}
	for (size_t pi = 0; pi < m->np; pi++) {
		free(seqs[pi].cp);
		free(seqs[pi].glyph);
	}
	free(seqs);
	copy_source(m, out, "items.0.origin_region.code", "origin.code");
	copy_source(m, out, "items.0.origin_region.name", "origin.name");
	copy_source(m, out, "items.0.currency", "currency");
	if (json_array_size(json_object_get(out, "items")) == 1)
		copy_source(m, out, "items.0.total", "total_value");
}

json_t *src_pages_json(const struct src_map *m)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < m->np; i++) {
		const struct rec_page *src = &m->doc->pages[i];
		const struct fpage *p = &m->pages[i];
		int turn = (src->rotation + 90 * p->quarter) % 360;
		json_array_append_new(arr, json_pack("{s:i,s:f,s:f,s:i}", "n", src->number > 0 ? src->number : (int)i + 1,
			"width", rounded(p->w), "height", rounded(p->h), "rotation", turn));
	}
	return arr;
}
