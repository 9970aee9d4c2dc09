/* Positioned text -> lines, segments and labels (the geometry half of the
 * form reader; fields.c gives the fields their meaning). Pure: no I/O. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recognize/form.h"
#include "recognize/ocr_fix.h"

/* ---- a bounded string buffer ---- */

void sb_init(struct sbuf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	sb_init(b);
}

void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > FORM_MAX_TEXT)
		return;		/* a cell larger than any form's: keep what fits */
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p)
			abort();
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_adds(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

void sb_addcp(struct sbuf *b, uint32_t cp)
{
	char u[4];
	size_t n = utf8_put(u, cp);
	sb_add(b, u, n);
}

const char *sb_str(const struct sbuf *b) { return b->s ? b->s : ""; }


/* ---- lines ---- */

static int cmp_yc(const void *a, const void *b)
{
	const struct rec_glyph *p = a, *q = b;
	float ya = (p->y0 + p->y1) / 2, yb = (q->y0 + q->y1) / 2;
	return ya < yb ? -1 : ya > yb;
}

static int cmp_x(const void *a, const void *b)
{
	const struct rec_glyph *p = a, *q = b;
	return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static int cmp_line_y(const void *a, const void *b)
{
	const struct fline *p = a, *q = b;
	float ya = (p->y0 + p->y1) / 2, yb = (q->y0 + q->y1) / 2;
	if (ya != yb)
		return ya < yb ? -1 : 1;
	return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

static float glyph_h(const struct rec_glyph *g)
{
	float h = g->y1 - g->y0;
	return h > 0.5f ? h : (g->size > 0.5f ? g->size : 1.0f);
}

/* The vertical ruling lines of a page, by x: a line of text is cut where
 * one of them stands between two glyphs (two ruled cells side by side,
 * however close their texts come). */
struct vrules {
	struct rec_rule *r;
	size_t n;
};

static int cmp_rule_x(const void *a, const void *b)
{
	const struct rec_rule *p = a, *q = b;
	float xa = p->x0 + p->x1, xb = q->x0 + q->x1;
	return xa < xb ? -1 : xa > xb;
}

static void vrules_init(struct vrules *v, const struct fpage *p)
{
	v->n = 0;
	v->r = malloc((p->nrules ? p->nrules : 1) * sizeof *v->r);
	if (!v->r)
		abort();
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].y1 - p->rules[i].y0 > p->rules[i].x1 - p->rules[i].x0)
			v->r[v->n++] = p->rules[i];
	qsort(v->r, v->n, sizeof *v->r, cmp_rule_x);
}

/* Is there a vertical rule between the centres of glyphs a and b (a left of
 * b) that runs past both glyphs above and below? */
static int rule_between(const struct vrules *v, const struct rec_glyph *a, const struct rec_glyph *b)
{
	float xa = (a->x0 + a->x1) / 2, xb = (b->x0 + b->x1) / 2;
	size_t lo = 0, hi = v->n;
	while (lo < hi) {	/* the first rule right of xa */
		size_t mid = lo + (hi - lo) / 2;
		if ((v->r[mid].x0 + v->r[mid].x1) / 2 <= xa)
			lo = mid + 1;
		else
			hi = mid;
	}
	float top = a->y0 < b->y0 ? a->y0 : b->y0, bottom = a->y1 > b->y1 ? a->y1 : b->y1;
	float h = bottom - top;
	/* a cell's rule runs past the text above and below it; a stroke inside
	 * the glyphs (Type 3 glyphs are drawn as paths, and some producers
	 * re-emit fonts as Type 3) does not */
	for (size_t i = lo; i < v->n && (v->r[i].x0 + v->r[i].x1) / 2 < xb; i++)
		if (v->r[i].y0 < top - 0.01f * h && v->r[i].y1 > bottom + 0.01f * h)
			return 1;
	return 0;
}

static int page_is_ocr(const struct fpage *p)
{
	for (size_t i = 0; i < p->ng; i++)
		if (p->g[i].conf < 1.0f)
			return 1;
	return 0;
}

/* OCR (issue 13): two rows printed touching (a label over its value with no
 * leading) can have line boxes whose centres come within half a glyph's
 * height of each other. Their glyphs then interleave along x; one row's
 * never overlap. The n glyphs g, sorted by x, hold two rows where at least
 * FORM_ROWS_OVERLAPS pairs of neighbours at different heights overlap by
 * more than FORM_ROWS_OVERLAP of the narrower one's width. */
#define FORM_ROWS_OVERLAPS 2
#define FORM_ROWS_OVERLAP 0.5f
#define FORM_ROWS_APART 0.15f	/* neighbours at different heights: centres this many glyph heights apart */

static int rows_interleaved(const struct rec_glyph *g, size_t n)
{
	int overlaps = 0;
	const struct rec_glyph *a = NULL;
	for (size_t k = 0; k < n; k++) {
		const struct rec_glyph *b = &g[k];
		if (b->cp == ' ')
			continue;
		if (a) {
			float wa = a->x1 - a->x0, wb = b->x1 - b->x0;
			float over = (a->x1 < b->x1 ? a->x1 : b->x1) - b->x0;
			float ha = glyph_h(a), hb = glyph_h(b);
			float apart = fabsf((a->y0 + a->y1) / 2 - (b->y0 + b->y1) / 2);
			if (over > FORM_ROWS_OVERLAP * (wa < wb ? wa : wb) && apart > FORM_ROWS_APART * (ha < hb ? ha : hb))
				overlaps++;
		}
		a = b;
	}
	return overlaps >= FORM_ROWS_OVERLAPS;
}

/* Glyphs [i, j), sorted by vertical centre: where the widest step between
 * centres is, so that [i, that) is the upper row. */
static size_t rows_split(const struct rec_glyph *g, size_t i, size_t j)
{
	size_t at = i + 1;
	float widest = -1;
	for (size_t k = i + 1; k < j; k++) {
		float step = (g[k].y0 + g[k].y1) / 2 - (g[k - 1].y0 + g[k - 1].y1) / 2;
		if (step > widest) {
			widest = step;
			at = k;
		}
	}
	return at;
}

/* Group glyphs (sorted by vertical centre) into lines: a glyph joins the
 * open line whose centre it shares within half a glyph height. A line is
 * then cut where the horizontal gap is so wide that it must be two cells,
 * or where a ruling line stands between two glyphs. */
static void build_lines(struct fpage *p)
{
	struct vrules vr;
	vrules_init(&vr, p);
	int ocr = page_is_ocr(p);
	qsort(p->g, p->ng, sizeof *p->g, cmp_yc);
	size_t cap = 64;
	p->lines = malloc(cap * sizeof *p->lines);
	if (!p->lines)
		abort();
	p->nl = 0;
	size_t i = 0;
	while (i < p->ng) {
		size_t j = i + 1;
		float yc = (p->g[i].y0 + p->g[i].y1) / 2, h = glyph_h(&p->g[i]);
		while (j < p->ng) {
			float c = (p->g[j].y0 + p->g[j].y1) / 2;
			float hj = glyph_h(&p->g[j]);
			if (fabsf(c - yc) > 0.45f * (h < hj ? h : hj))
				break;
			j++;
		}
		qsort(p->g + i, j - i, sizeof *p->g, cmp_x);
		if (ocr && j - i > 1 && rows_interleaved(p->g + i, j - i)) {
			qsort(p->g + i, j - i, sizeof *p->g, cmp_yc);
			j = rows_split(p->g, i, j);
			qsort(p->g + i, j - i, sizeof *p->g, cmp_x);
		}
		/* split at wide gaps and at overlaps going back (two columns' lines) */
		size_t k = i;
		while (k < j) {
			size_t m = k + 1;
			size_t last = k;	/* the last glyph that is not a space */
			while (m < j) {
				const struct rec_glyph *a = &p->g[last], *b = &p->g[m];
				if (b->cp == ' ') {
					m++;
					continue;
				}
				float sz = a->size > b->size ? a->size : b->size;
				if (sz < 1)
					sz = glyph_h(b);
				if (b->x0 - a->x1 > FORM_CELL_GAP * sz && a->cp != ' ')
					break;
				if (vr.n && rule_between(&vr, a, b))
					break;
				last = m;
				m++;
			}
			/* a piece neither starts nor ends with spaces */
			size_t e = m;
			while (k < e && p->g[k].cp == ' ')
				k++;
			while (e > k && p->g[e - 1].cp == ' ')
				e--;
			if (k == e) {
				k = m;
				continue;
			}
			if (p->nl == cap) {
				cap *= 2;
				struct fline *nl = realloc(p->lines, cap * sizeof *nl);
				if (!nl)
					abort();
				p->lines = nl;
			}
			struct fline *L = &p->lines[p->nl++];
			L->g0 = k;
			L->n = e - k;
			L->x0 = p->g[k].x0;
			L->x1 = p->g[e - 1].x1;
			L->y0 = 1e30f;
			L->y1 = -1e30f;
			L->size = 0;
			for (size_t t = k; t < e; t++) {
				if (p->g[t].cp == ' ')
					continue;
				if (p->g[t].y0 < L->y0) L->y0 = p->g[t].y0;
				if (p->g[t].y1 > L->y1) L->y1 = p->g[t].y1;
				if (p->g[t].size > L->size) L->size = p->g[t].size;
				if (p->g[t].x1 > L->x1) L->x1 = p->g[t].x1;
			}
			if (L->size < 1)
				L->size = L->y1 - L->y0;
			k = m;
		}
		i = j;
	}
	free(vr.r);
	/* glyph ranges stay valid: lines only index into p->g */
	qsort(p->lines, p->nl, sizeof *p->lines, cmp_line_y);
}

/* The text of glyphs [g0, g0+n) of a page: a space where the gap between two
 * glyphs is a word space. map (may be NULL) gets, for each byte, its glyph. */
void glyph_text(const struct fpage *p, size_t g0, size_t n, struct sbuf *out, int spaces)
{
	const struct rec_glyph *a = NULL;	/* the glyph before, not a space */
	int space = 0;
	for (size_t i = g0; i < g0 + n; i++) {
		const struct rec_glyph *g = &p->g[i];
		if (g->cp == ' ') {
			space = 1;
			continue;
		}
		if (spaces && a) {
			/* where the producer writes its spaces, gaps are letter
			 * spacing unless wide; else Chinese has no word spaces
			 * and a gap next to a Chinese character must be wide */
			float sz = a->size > 1 ? a->size : glyph_h(a);
			float gap = g->x0 - a->x1;
			int wide = a->cp >= 0x2E80 || g->cp >= 0x2E80;
			float lim = p->has_spaces ? FORM_CJK_GAP : wide ? FORM_CJK_GAP : FORM_WORD_GAP;
			if (space || gap > lim * sz)
				sb_add(out, " ", 1);
		}
		space = 0;
		sb_addcp(out, g->cp);
		a = g;
	}
}

/* ---- labels ---- */

static int is_open(uint32_t c) { return c == '(' || c == '[' || c == 0x3010; }
static int is_close(uint32_t c) { return c == ')' || c == ']' || c == 0x3011; }

/* OCR (issue 13): the angle and corner brackets OCR reads a label's round
 * ones as ("申报单位〈签章)", "《签章》"). */
static int opens_like(uint32_t c)
{
	return c == 0x3008 || c == 0x300A || c == 0x300C || c == 0x3014 || c == 0xFF08;
}

static int closes_like(uint32_t c)
{
	return c == 0x3009 || c == 0x300B || c == 0x300D || c == 0x3015 || c == 0xFF09;
}

/* Glyph g is the label's character want: itself, or read by OCR as a
 * look-alike bracket. */
static int label_char(const struct rec_glyph *g, uint32_t want)
{
	if (g->cp == want)
		return 1;
	bool ocr = g->conf < 1.0f;
	return ocr && ((want == '(' && opens_like(g->cp)) || (want == ')' && closes_like(g->cp)));
}

/* Does the line start (from glyph `from`) with label text t (UTF-8, no spaces)?
 * Returns the number of glyphs it takes, or 0. */
static size_t match_at(const struct fpage *p, size_t from, size_t end, const char *t)
{
	size_t k = from;
	while (*t) {
		uint32_t cp;
		t += utf8_get(t, &cp);
		while (k < end && p->g[k].cp == ' ')
			k++;
		if (k >= end || !label_char(&p->g[k], cp))
			return 0;
		k++;
	}
	return k - from;
}

#define LABEL_FUZZY_MIN_CHARS 4	/* OCR: shorter labels are guessed only as LABEL_OCR_SHORT */
#define LABEL_FUZZY_TWO_EDITS 5	/* labels of this many characters may have two misreads */
#define LABEL_FUZZY_THREE_EDITS 9	/* ... and of this many, three */
#define LABEL_FUZZY_LOOK 40		/* glyphs of a line piece compared with a label */

/* The edits OCR may have made to a label of n characters (issue 13: an edit
 * distance, so that a character dropped or split in two still matches). */
static int fuzzy_budget(const struct label_def *d, size_t n)
{
	if (d->ocr == LABEL_OCR_EXACT)
		return -1;
	if (d->ocr == LABEL_OCR_SHORT && n < LABEL_FUZZY_MIN_CHARS)
		return 1;
	if (n < LABEL_FUZZY_MIN_CHARS)
		return -1;
	return n >= LABEL_FUZZY_THREE_EDITS ? 3 : n >= LABEL_FUZZY_TWO_EDITS ? 2 : 1;
}

/* OCR (issues 4, 13): a label read with a few characters misread, dropped
 * or added, at glyph `from`. Only for OCR text. A short label
 * (LABEL_OCR_SHORT) only as the piece's whole text with its first
 * character right ("项时" for 项号). Returns the glyphs it takes and the
 * edits in *miss, or 0. */
static size_t match_at_ocr(const struct fpage *p, size_t from, size_t end, const struct label_def *d, int *miss)
{
	uint32_t text[LABEL_FUZZY_LOOK], label[LABEL_FUZZY_LOOK];
	size_t at[LABEL_FUZZY_LOOK], nt = 0, nl = 0;
	for (size_t k = from; k < end && nt < LABEL_FUZZY_LOOK; k++)
		if (p->g[k].cp != ' ') {
			at[nt] = k;
			text[nt++] = p->g[k].cp;
		}
	for (const char *t = d->text; *t && nl < LABEL_FUZZY_LOOK;)
		t += utf8_get(t, &label[nl++]);
	int budget = fuzzy_budget(d, nl);
	*miss = 0;
	if (budget < 0 || nt == 0)
		return 0;
	if (nl < LABEL_FUZZY_MIN_CHARS) {
		/* the piece's whole text, its first character right, one other misread */
		if (nt != nl || text[0] != label[0])
			return 0;
		for (size_t i = 1; i < nl; i++)
			*miss += text[i] != label[i];
		return *miss == 1 ? at[nt - 1] + 1 - from : 0;
	}
	size_t used = 0;
	int dist = ocr_label_prefix(text, nt, label, nl, budget, &used);
	if (dist > budget || dist == 0 || used == 0)
		return 0;
	*miss = dist;
	return at[used - 1] + 1 - from;
}

/* Punctuation OCR makes of a speck or a bracket's edge: not a letter, digit or ideograph. */
static int is_stray_mark(uint32_t cp)
{
	if (cp == ' ')
		return 1;
	if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return 0;
	return cp < 0x80 || (cp >= 0x2000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
		(cp >= 0xFF1A && cp <= 0xFF20);
}


/* After a label: a code in brackets close to it is the label's code (unless a
 * colon said the value starts). Sets lab->code and lab->after. */
static void label_tail(const struct fpage *p, const struct fline *L, struct flabel *lab)
{
	size_t end = L->g0 + L->n, k = lab->g_end;
	while (k < end && p->g[k].cp == ' ')
		k++;
	lab->code[0] = '\0';
	lab->colon = 0;
	if (k < end && (p->g[k].cp == ':' || p->g[k].cp == 0xFE55)) {
		lab->colon = 1;
		lab->after = k + 1;
		lab->value_x = p->g[k].x1;
		return;
	}
	if (k < end && is_open(p->g[k].cp) && p->g[k].x0 - p->g[lab->g_end - 1].x1 < 2.0f * L->size) {
		size_t m = k + 1;
		while (m < end && !is_close(p->g[m].cp) && m - k < sizeof lab->code - 1)
			m++;
		if (m < end && is_close(p->g[m].cp)) {
			struct sbuf b;
			sb_init(&b);
			glyph_text(p, k + 1, m - k - 1, &b, 0);
			size_t n = b.len < sizeof lab->code - 1 ? b.len : sizeof lab->code - 1;
			memcpy(lab->code, sb_str(&b), n);
			lab->code[n] = '\0';
			sb_free(&b);
			k = m + 1;
			while (k < end && p->g[k].cp == ' ')
				k++;
			if (k < end && p->g[k].cp == ':') {
				lab->colon = 1;
				k++;
			}
		}
	}
	lab->after = k;
	lab->value_x = k > lab->g_start ? p->g[k - 1].x1 : lab->x1;
}

static void label_init(const struct fpage *p, const struct fline *L, size_t li, int id, size_t start, size_t n,
	struct flabel *lab)
{
	memset(lab, 0, sizeof *lab);
	lab->id = id;
	lab->line = li;
	lab->g_start = start;
	lab->g_end = start + n;
	lab->x0 = p->g[start].x0;
	lab->y0 = L->y0;
	lab->y1 = L->y1;
	lab->x1 = p->g[lab->g_end - 1].x1;
	lab->size = L->size;
	lab->tail_y0 = L->y0;
	lab->y_end = L->y1;
	lab->live = 1;
	label_tail(p, L, lab);
}

static const struct flabel *add_label(struct fpage *p, size_t *cap, const struct fline *L, size_t li, int id,
	size_t start, size_t n)
{
	if (p->nlab == *cap) {
		*cap *= 2;
		struct flabel *nl = realloc(p->labels, *cap * sizeof *nl);
		if (!nl)
			abort();
		p->labels = nl;
	}
	struct flabel *lab = &p->labels[p->nlab++];
	label_init(p, L, li, id, start, n, lab);
	return lab;
}

const struct flabel *form_label_add(struct fpage *p, size_t li, int id, size_t start, size_t n)
{
	struct flabel *nl = realloc(p->labels, (p->nlab + 1) * sizeof *nl);
	if (!nl)
		abort();
	p->labels = nl;
	label_init(p, &p->lines[li], li, id, start, n, &p->labels[p->nlab]);
	return &p->labels[p->nlab++];
}

/* Does the whole line piece [from, end) spell the start of label text t (at
 * least min_chars characters, not all of it)? Returns the rest of t, or NULL. */
static const char *match_head(const struct fpage *p, size_t from, size_t end, const char *t, size_t min_chars)
{
	size_t k = from, chars = 0;
	while (*t) {
		uint32_t cp;
		size_t len = utf8_get(t, &cp);
		while (k < end && p->g[k].cp == ' ')
			k++;
		if (k >= end)
			return chars >= min_chars ? t : NULL;
		if (p->g[k].cp != cp)
			return NULL;
		t += len;
		k++;
		chars++;
	}
	return NULL;	/* all of t: an ordinary match */
}

#define LABEL_HEAD_MIN_CHARS 2	/* a label's first line alone: at least this much of it */
#define LABEL_STACK_MIN_CHARS 1	/* ... when two or more lines follow it (项 / 号, 原产 / 国(地 / 区)) */
#define LABEL_MAX_WRAPS 3		/* lines a label wraps onto under its first */
#define LABEL_WRAP_GAP 1.2f		/* font sizes between the lines of one wrapped label */

/* The next line of a label wrapped from line piece C (which started at L):
 * just under C, overlapping L's extent (a neighbouring cell's label, ending
 * close to it, does not). Index from lj on, or p->nl. */
static size_t wrap_below(const struct fpage *p, const struct fline *L, const struct fline *C, size_t lj)
{
	float size = L->size > 1 ? L->size : L->y1 - L->y0;
	for (; lj < p->nl && p->lines[lj].y0 < C->y1 + LABEL_WRAP_GAP * size; lj++) {
		const struct fline *M = &p->lines[lj];
		if (M->y0 >= (C->y0 + C->y1) / 2 && M->x1 > L->x0 && M->x0 < L->x1)
			return lj;
	}
	return p->nl;
}

#define LABEL_CENTRE_TOLERANCE 0.6f	/* font sizes between the middles of a centred label's lines */

static int centred_under(const struct fline *L, const struct fline *M)
{
	float size = L->size > 1 ? L->size : L->y1 - L->y0;
	return fabsf((L->x0 + L->x1) / 2 - (M->x0 + M->x1) / 2) < LABEL_CENTRE_TOLERANCE * size;
}

/* Label text t wrapped in a narrow cell from line li on: its first line
 * (whole) starts t, the lines under it continue it (whole), the last starts
 * with what remains. Returns the index of that last line, and its glyph
 * count in *m, or p->nl. */
static size_t wrapped_tail(const struct fpage *p, size_t li, const char *t, size_t *m)
{
	const struct fline *L = &p->lines[li], *C = L;
	const char *rest = match_head(p, L->g0, L->g0 + L->n, t, LABEL_STACK_MIN_CHARS);
	int single = rest && match_head(p, L->g0, L->g0 + L->n, t, LABEL_HEAD_MIN_CHARS) == NULL;
	size_t lj = li + 1;
	for (int wraps = 0; rest && wraps < LABEL_MAX_WRAPS; wraps++) {
		size_t k = wrap_below(p, L, C, lj);
		if (k >= p->nl)
			return p->nl;
		const struct fline *M = &p->lines[k];
		*m = match_at(p, M->g0, M->g0 + M->n, rest);
		if (*m && (!single || (M->n == *m && centred_under(L, M))))
			return k;	/* a one-character head: the rest alone, centred under it (项 / 号) */
		if (single && !centred_under(L, M))
			return p->nl;
		rest = match_head(p, M->g0, M->g0 + M->n, rest, LABEL_HEAD_MIN_CHARS);
		C = M;
		lj = k + 1;
	}
	return p->nl;
}

/* A label wrapped in a narrow cell ("运输工具名称及航" over "次号", "项"
 * over "号", a long label over three lines, "运输工具名称" over "及航次号"
 * where the first line alone is a shorter label): adds it when line li
 * holds at least best_n glyphs of a label's start. Returns 1 if it did. */
static int wrapped_label(struct fpage *p, size_t *cap, size_t li, const struct label_def *defs, size_t ndefs,
	size_t best_n)
{
	const struct fline *L = &p->lines[li];
	if (L->n < best_n)
		return 0;
	for (size_t d = 0; d < ndefs; d++) {
		size_t m = 0, lj = wrapped_tail(p, li, defs[d].text, &m);
		if (lj >= p->nl)
			continue;
		const struct fline *M = &p->lines[lj];
		struct flabel *lab = (struct flabel *)add_label(p, cap, M, lj, defs[d].id, M->g0, m);
		L = &p->lines[li];
		lab->line = li;
		lab->x0 = L->x0 < M->x0 ? L->x0 : M->x0;
		lab->x1 = L->x1 > lab->x1 ? L->x1 : lab->x1;
		lab->y0 = L->y0;
		lab->y1 = L->y1;
		lab->size = L->size;
		lab->weak = match_head(p, L->g0, L->g0 + L->n, defs[d].text, LABEL_HEAD_MIN_CHARS) == NULL;
		return 1;
	}
	return 0;
}

/* Glyph k of line piece L is a digit set right against the glyph before it. */
static int glued_digit(const struct fpage *p, const struct fline *L, size_t k)
{
	if (k <= L->g0 || k >= L->g0 + L->n || p->g[k].cp < '0' || p->g[k].cp > '9')
		return 0;
	return p->g[k].x0 - p->g[k - 1].x1 < FORM_WORD_GAP * L->size;
}

/* OCR (issue 13): the label's text followed by a number and a colon, a
 * space or two between ("随附单证1 :"): a numbered entry of a value, not the
 * label (a scan's gaps tell nothing, so glued_digit cannot). */
#define NUMBERED_ENTRY_LOOK 4	/* glyphs after the label looked at: spaces, the number, the colon */

static int numbered_entry(const struct fpage *p, const struct fline *L, size_t k)
{
	size_t end = L->g0 + L->n, digits = 0;
	for (size_t i = k; i < end && i < k + NUMBERED_ENTRY_LOOK; i++) {
		uint32_t cp = p->g[i].cp;
		if (cp >= '0' && cp <= '9')
			digits++;
		else if (cp == ':' || cp == 0xFF1A)
			return digits > 0;
		else if (cp != ' ')
			return 0;
	}
	return 0;
}

/* Glyph k of line piece L follows a word space (a space glyph or a gap). */
static int after_gap(const struct fpage *p, const struct fline *L, size_t k)
{
	if (k <= L->g0)
		return 1;
	const struct rec_glyph *a = &p->g[k - 1];
	return a->cp == ' ' || p->g[k].x0 - a->x1 > FORM_WORD_GAP * L->size;
}

/* The label OCR text at glyph `from` reads as with the fewest misreads (of
 * equal ones, the longest label); two different labels equally close are
 * neither. Returns the glyphs it takes (0: none) and its index in *best;
 * with exactly two labels equally close, *tie holds them (tie->n the glyphs;
 * 0 otherwise). */
static size_t closest_label(const struct fpage *p, size_t from, size_t end, const struct label_def *defs,
	size_t ndefs, size_t *best, struct label_tie *tie)
{
	int best_miss = 1 << 20, ids = 0;	/* ids: how many labels read as closely as the best */
	size_t best_n = 0, best_len = 0;
	for (size_t d = 0; d < ndefs; d++) {
		int miss;
		size_t n = match_at_ocr(p, from, end, &defs[d], &miss);
		size_t len = strlen(defs[d].text);
		if (!n || miss > best_miss || (miss == best_miss && len < best_len))
			continue;
		if (miss == best_miss && len == best_len) {
			if (defs[d].id == defs[*best].id || (ids == 2 && defs[d].id == tie->id[1]))
				continue;
			if (ids == 1)
				tie->id[1] = defs[d].id;
			ids++;
			continue;
		}
		ids = 1;
		best_n = n;
		*best = d;
		best_miss = miss;
		best_len = len;
	}
	if (ids <= 1)
		return best_n;
	tie->n = ids == 2 ? best_n : 0;	/* three labels or more: no guess */
	tie->id[0] = defs[*best].id;
	tie->start = from;
	return 0;
}

/* A tie closest_label found (tie->n set) kept for the grid's rows to settle. */
static void keep_tie(struct fpage *p, size_t li, const struct label_tie *tie)
{
	if (!tie->n)
		return;
	struct label_tie *nt = realloc(p->ties, (p->nties + 1) * sizeof *nt);
	if (!nt)
		abort();
	p->ties = nt;
	p->ties[p->nties] = *tie;
	p->ties[p->nties++].line = li;
}

void find_labels(struct fpage *p, const struct label_def *defs, size_t ndefs)
{
	size_t cap = 64;
	p->labels = malloc(cap * sizeof *p->labels);
	if (!p->labels)
		abort();
	p->nlab = 0;
	int ocr = page_is_ocr(p);
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		size_t end = L->g0 + L->n;
		/* a label starts a line piece; take the longest label there */
		size_t best = 0, best_n = 0;
		for (size_t d = 0; d < ndefs; d++) {
			size_t n = match_at(p, L->g0, end, defs[d].text);
			if (n > best_n) {
				best_n = n;
				best = d;
			}
		}
		struct label_tie tie = {0};
		if (!best_n && ocr)
			best_n = closest_label(p, L->g0, end, defs, ndefs, &best, &tie);
		/* OCR (issue 4): a stray mark before the label (“单价, 《包装) */
		size_t start = L->g0;
		if (!best_n && ocr) {
			size_t s = L->g0;
			while (s < end && s < L->g0 + 3 && is_stray_mark(p->g[s].cp))
				s++;
			for (size_t d = 0; d < ndefs && s > L->g0 && s < end; d++) {	/* an exact match first */
				size_t n = match_at(p, s, end, defs[d].text);
				if (n > best_n) {
					best_n = n;
					best = d;
					start = s;
				}
			}
			struct label_tie after_marks = {0};
			if (!best_n && s > L->g0 && s < end) {
				if ((best_n = closest_label(p, s, end, defs, ndefs, &best, &after_marks)))
					start = s;
				else if (after_marks.n)
					tie = after_marks;
			}
		}
		if (!best_n)
			keep_tie(p, li, &tie);
		if (best_n && (ocr ? numbered_entry(p, L, start + best_n) : glued_digit(p, L, start + best_n)))
			best_n = 0;	/* "随附单证1:…" is a value, not the label 随附单证 */
		size_t k = L->g0 + 1;
		if (!ocr && wrapped_label(p, &cap, li, defs, ndefs, best_n))
			continue;
		if (best_n) {
			const struct flabel *lab = add_label(p, &cap, L, li, defs[best].id, start, best_n);
			k = lab->after > start + best_n ? lab->after : start + best_n;
		}
		/* OCR (issue 4): the gap between two labels of a row can close up
		 * ("件数毛重(千克)净重(千克)"); look for more inside the piece. In
		 * a text layer, only run-on labels after a run-on label, each
		 * after a word gap. */
		int run_on = best_n && defs[best].run_on;
		while ((ocr || run_on) && k < end) {
			size_t n = 0, b = 0;
			if (p->g[k].cp != ' ' && !is_stray_mark(p->g[k].cp) && (ocr || after_gap(p, L, k)))
				for (size_t d = 0; d < ndefs; d++) {
					if (!ocr && !defs[d].run_on)
						continue;
					size_t m = match_at(p, k, end, defs[d].text);
					if (m > n) {
						n = m;
						b = d;
					}
				}
			if (!n || (ocr && numbered_entry(p, L, k + n))) {
				k += n ? n : 1;
				continue;
			}
			const struct flabel *lab = add_label(p, &cap, L, li, defs[b].id, k, n);
			k = lab->after > k + n ? lab->after : k + n;
		}
	}
}

/* ---- pages ---- */

/* A box turned by quarter quarter-turns clockwise on a page w wide and h
 * high (what was the page's left edge becomes its top for one turn). */
static void turn_box(int quarter, float w, float h, float *x0, float *y0, float *x1, float *y1)
{
	float a = *x0, b = *y0, c = *x1, d = *y1;
	switch (quarter & 3) {
	case 1:
		*x0 = h - d; *x1 = h - b; *y0 = a; *y1 = c;
		break;
	case 2:
		*x0 = w - c; *x1 = w - a; *y0 = h - d; *y1 = h - b;
		break;
	case 3:
		*x0 = b; *x1 = d; *y0 = w - c; *y1 = w - a;
		break;
	default:
		break;
	}
}

void fpage_init_turned(struct fpage *p, const struct rec_page *src, int quarter)
{
	memset(p, 0, sizeof *p);
	float w = src->width > 0 ? src->width : 1, h = src->height > 0 ? src->height : 1;
	p->w = quarter & 1 ? h : w;
	p->h = quarter & 1 ? w : h;
	p->quarter = quarter & 3;
	p->rules = src->rules;
	p->nrules = src->n_rules;
	if (p->quarter && src->n_rules) {
		p->own_rules = malloc(src->n_rules * sizeof *p->own_rules);
		if (!p->own_rules)
			abort();
		for (size_t i = 0; i < src->n_rules; i++) {
			struct rec_rule r = src->rules[i];
			turn_box(p->quarter, w, h, &r.x0, &r.y0, &r.x1, &r.y1);
			p->own_rules[i] = r;
		}
		p->rules = p->own_rules;
	}
	p->g = malloc((src->n_glyphs ? src->n_glyphs : 1) * sizeof *p->g);
	if (!p->g)
		abort();
	for (size_t i = 0; i < src->n_glyphs; i++) {
		struct rec_glyph g = src->glyphs[i];
		g.cp = rec_normalise_cp(g.cp);
		if (g.cp < ' ' || g.cp == 0xFFFD || g.cp > 0x10FFFF)
			continue;
		if (g.cp == ' ')
			p->has_spaces = 1;
		if (!(isfinite(g.x0) && isfinite(g.x1) && isfinite(g.y0) && isfinite(g.y1) && isfinite(g.size)))
			continue;
		if (g.x1 < g.x0 || g.y1 < g.y0 || g.x1 - g.x0 > p->w + 1000 || g.y1 - g.y0 > p->h + 1000)
			continue;
		if (!(g.conf >= 0 && g.conf <= 1))
			g.conf = 0.5f;
		if (!(g.size > 0 && g.size < 1000))
			g.size = g.y1 - g.y0;
		turn_box(p->quarter, w, h, &g.x0, &g.y0, &g.x1, &g.y1);
		p->g[p->ng++] = g;
	}
	build_lines(p);
}

void fpage_init(struct fpage *p, const struct rec_page *src)
{
	fpage_init_turned(p, src, 0);
}

void fpage_free(struct fpage *p)
{
	free(p->g);
	free(p->lines);
	free(p->labels);
	free(p->ties);
	free(p->own_rules);
	memset(p, 0, sizeof *p);
}

/* ---- regions ---- */

static int glyph_in(const struct fpage *p, size_t k, float x0, float x1, const int *mask, int want)
{
	float c = (p->g[k].x0 + p->g[k].x1) / 2;
	if (c < x0 || c > x1)
		return 0;
	return !mask || mask[k] == want || (p->g[k].cp == ' ' && k > 0 && mask[k - 1] == want);
}

/* The vertical ruling line nearest to x on the side asked for (dir -1 left,
 * +1 right) that crosses height y; NAN when there is none. */
float rule_wall(const struct fpage *p, float x, float y, int dir)
{
	float best = NAN;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rec_rule *r = &p->rules[i];
		if (r->y1 - r->y0 <= r->x1 - r->x0)
			continue;	/* horizontal */
		if (y < r->y0 - 1 || y > r->y1 + 1)
			continue;
		float rx = (r->x0 + r->x1) / 2;
		if (dir < 0 ? rx <= x : rx >= x)
			if (isnan(best) || (dir < 0 ? rx > best : rx < best))
				best = rx;
	}
	return best;
}

/* The horizontal ruling line nearest to y that spans x, below it (dir > 0)
 * or above it (dir < 0); NAN if none. */
static float rule_across(const struct fpage *p, float x, float y, int dir)
{
	float best = NAN;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rec_rule *r = &p->rules[i];
		if (r->y1 - r->y0 > r->x1 - r->x0)
			continue;
		if (x < r->x0 - 1 || x > r->x1 + 1)
			continue;
		float ry = (r->y0 + r->y1) / 2;
		if (dir > 0 ? ry > y : ry < y)
			if (isnan(best) || (dir > 0 ? ry < best : ry > best))
				best = ry;
	}
	return best;
}

float rule_floor(const struct fpage *p, float x, float y)
{
	return rule_across(p, x, y, 1);
}

float rule_ceiling(const struct fpage *p, float x, float y)
{
	return rule_across(p, x, y, -1);
}

/* Lines of text inside a box: glyphs whose centre is inside (and, with a
 * mask, whose mask entry is want), grouped by line. Each line's text (with
 * word spaces) goes to out[i]; conf gets the lowest glyph confidence seen.
 * Returns the number of lines (at most max). */
size_t region_lines_mask(const struct fpage *p, float x0, float y0, float x1, float y1,
	const int *mask, int want, struct rline *out, size_t max, float *conf)
{
	size_t n = 0;
	for (size_t li = 0; li < p->nl && n < max; li++) {
		const struct fline *L = &p->lines[li];
		float yc = (L->y0 + L->y1) / 2;
		if (yc <= y0 || yc >= y1 || L->x1 < x0 || L->x0 > x1)
			continue;
		size_t e = L->g0 + L->n;
		size_t a = L->g0;
		while (a < e) {
			/* a run of selected glyphs */
			while (a < e && !glyph_in(p, a, x0, x1, mask, want))
				a++;
			size_t b = a;
			while (b < e && glyph_in(p, b, x0, x1, mask, want))
				b++;
			if (b == a)
				break;
			struct rline *r = &out[n];
			int merged = n > 0 && fabsf((out[n - 1].y0 + out[n - 1].y1) / 2 - yc) < 0.45f * (L->y1 - L->y0);
			if (merged) {
				r = &out[n - 1];	/* the same visual line */
				sb_add(&r->text, " ", 1);
			} else if (n < max) {
				sb_init(&r->text);
				r->x0 = p->g[a].x0;
				r->y0 = L->y0;
				r->y1 = L->y1;
				r->size = L->size;
				n++;
			} else {
				break;
			}
			glyph_text(p, a, b - a, &r->text, 1);
			/* pieces of one visual line can come right to left (centres a
			 * hair apart): the line's box holds them all */
			if (merged) {
				r->x0 = fminf(r->x0, p->g[a].x0);
				r->x1 = fmaxf(r->x1, p->g[b - 1].x1);
			} else {
				r->x1 = p->g[b - 1].x1;
			}
			for (size_t k = a; k < b; k++)
				if (conf && p->g[k].conf < *conf && p->g[k].cp != ' ')
					*conf = p->g[k].conf;
			a = b;
		}
	}
	return n;
}

size_t region_lines(const struct fpage *p, float x0, float y0, float x1, float y1,
	struct rline *out, size_t max, float *conf)
{
	return region_lines_mask(p, x0, y0, x1, y1, NULL, 0, out, max, conf);
}

void rlines_free(struct rline *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_free(&r[i].text);
}
