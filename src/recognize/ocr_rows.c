/* Rows of a table whose cells hold different numbers of lines (ocr_rows.h). */
#include <stdlib.h>

#include "recognize/ocr_rows.h"

#define ROWS_RULE_REACH 0.25f	/* a ruling line crosses a line from at most this many of its heights below its top */
#define ROWS_SIDE_PAD 0.3f	/* white margin read left of the first cell and right of the last: line heights */

static int by_value(const void *pa, const void *pb)
{
	float a = *(const float *)pa, b = *(const float *)pb;
	return a < b ? -1 : a > b;
}

/* The median of get(glyph) over the page's glyphs, spaces aside (0 when none). */
static float page_median(const struct rec_page *page, float (*get)(const struct rec_glyph *g))
{
	float *v = malloc((page->n_glyphs ? page->n_glyphs : 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; v && i < page->n_glyphs; i++)
		if (page->glyphs[i].cp != ' ')
			v[n++] = get(&page->glyphs[i]);
	float median = 0.0f;
	if (n) {
		qsort(v, n, sizeof *v, by_value);
		median = v[n / 2];
	}
	free(v);
	return median;
}

static float line_height(const struct rec_glyph *g) { return g->y1 - g->y0; }
static float glyph_size(const struct rec_glyph *g) { return g->size; }

/* The end of the line starting at glyph a: glyphs with its top and bottom,
 * and the spaces between them (a space takes the box of the glyph after it
 * as read, not its line's). */
static size_t line_end(const struct rec_page *page, size_t a)
{
	const struct rec_glyph *g = page->glyphs;
	size_t b = a + 1, end = b;
	while (g[a].cp != ' ' && b < page->n_glyphs && (g[b].cp == ' ' || (g[b].y0 == g[a].y0 && g[b].y1 == g[a].y1)))
		end = g[b++].cp == ' ' ? end : b;
	return end;
}

/* The left and right of glyphs [t->a, t->b). */
static void line_extent(const struct rec_page *page, const struct ocr_tall_line *t, float *x0, float *x1)
{
	const struct rec_glyph *g = page->glyphs;
	*x0 = g[t->a].x0, *x1 = g[t->a].x1;
	for (size_t i = t->a; i < t->b; i++) {
		*x0 = g[i].x0 < *x0 ? g[i].x0 : *x0;
		*x1 = g[i].x1 > *x1 ? g[i].x1 : *x1;
	}
}

/* The cells of line t, [x0, x1), between the vertical ruling lines crossing
 * it: none when no rule crosses it. */
static void cut_into_cells(const struct rec_page *page, struct ocr_tall_line *t, float x0, float x1)
{
	float h = t->y1 - t->y0, xs[OCR_TALL_MAX_CELLS];
	int n = 0;
	for (size_t i = 0; i < page->n_rules && n < OCR_TALL_MAX_CELLS - 1; i++) {
		const struct rec_rule *r = &page->rules[i];
		float x = (r->x0 + r->x1) / 2;
		bool vertical = r->y1 - r->y0 > r->x1 - r->x0;
		if (vertical && r->y0 <= t->y0 + ROWS_RULE_REACH * h && r->y1 >= t->y1 - ROWS_RULE_REACH * h &&
			x > x0 && x < x1)
			xs[n++] = x;
	}
	qsort(xs, (size_t)n, sizeof *xs, by_value);
	float min_cell = OCR_TALL_MIN_CELL * h;
	t->n_cells = 0;
	t->edges[0] = x0 - ROWS_SIDE_PAD * h;
	for (int k = 0; k < n; k++)
		if (xs[k] - t->edges[t->n_cells] >= min_cell && x1 - xs[k] >= min_cell)
			t->edges[++t->n_cells] = xs[k];
	if (t->n_cells)
		t->edges[++t->n_cells] = x1 + ROWS_SIDE_PAD * h;
}

/* Whether line [a, b) is one to read again, into t. */
static bool tall_line(const struct rec_page *page, size_t a, size_t b, float usual, float size, struct ocr_tall_line *t)
{
	const struct rec_glyph *g = &page->glyphs[a];
	float h = g->y1 - g->y0, x0, x1;
	if (b - a < OCR_TALL_MIN_GLYPHS || h < OCR_TALL_LINE * usual)
		return false;
	*t = (struct ocr_tall_line){.a = a, .b = b, .y0 = g->y0, .y1 = g->y1, .usual = usual, .size = size};
	line_extent(page, t, &x0, &x1);
	cut_into_cells(page, t, x0, x1);
	if (!t->n_cells && h >= OCR_TOUCHING_LINES * usual) {
		t->touching = true;
		t->n_cells = 1;
		t->edges[0] = x0 - ROWS_SIDE_PAD * h;
		t->edges[1] = x1 + ROWS_SIDE_PAD * h;
	}
	return t->n_cells > 0;
}

size_t ocr_tall_lines(const struct rec_page *page, struct ocr_tall_line *out, size_t max)
{
	float usual = page_median(page, line_height), size = page_median(page, glyph_size);
	size_t n = 0;
	for (size_t a = 0; usual > 0.0f && a < page->n_glyphs && n < max;) {
		size_t b = line_end(page, a);
		n += tall_line(page, a, b, usual, size, &out[n]);
		a = b;
	}
	return n;
}

bool ocr_cell_owns(const struct ocr_tall_line *t, int c, const struct rec_glyph *g)
{
	float x = (g->x0 + g->x1) / 2, y = (g->y0 + g->y1) / 2;
	return x >= t->edges[c] && x < t->edges[c + 1] && y >= t->y0 && y <= t->y1;
}

float ocr_cell_conf(const struct ocr_tall_line *t, int c, const struct rec_glyph *g, size_t a, size_t b,
	const bool *drop, size_t *n)
{
	float sum = 0.0f;
	*n = 0;
	for (size_t i = a; i < b; i++)
		if (g[i].cp != ' ' && (!drop || !drop[i]) && ocr_cell_owns(t, c, &g[i])) {
			sum += g[i].conf;
			(*n)++;
		}
	return *n ? sum / (float)*n : 0.0f;
}

bool ocr_cell_doubtful(float old_conf, size_t old_n)
{
	return old_n > 0 && old_conf < OCR_TALL_DOUBT;
}

bool ocr_cell_better(const struct ocr_tall_line *t, int c, float old_conf, size_t old_n, const struct rec_glyph *g,
	size_t a, size_t b)
{
	size_t n;
	float conf = ocr_cell_conf(t, c, g, a, b, NULL, &n);
	for (size_t i = a; i < b; i++)
		if (g[i].cp != ' ' && g[i].y1 - g[i].y0 >= OCR_TALL_LINE * t->usual)
			return false;
	return n > 0 && conf > old_conf && (float)n >= OCR_TALL_KEEP_SHARE * (float)old_n;
}

void ocr_glyphs_drop(struct rec_page *page, const bool *drop)
{
	size_t kept = 0;
	for (size_t i = 0; i < page->n_glyphs; i++)
		if (!drop[i])
			page->glyphs[kept++] = page->glyphs[i];
	page->n_glyphs = kept;
}
