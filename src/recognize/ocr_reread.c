/* Numbers read again alone (ocr_reread.h): the choices around Tesseract. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/ocr_fix.h"
#include "recognize/ocr_reread.h"

#define OCR_DECLNO_LEN 18
#define OCR_REREAD_MIN_ALNUM 4	/* letters and digits a word must hold to be read again */
#define OCR_REREAD_DOUBT 0.90f	/* a character read below this makes its word doubtful */
#define OCR_REREAD_MIN_CONF 0.60f	/* a second reading is kept only when this sure */
#define OCR_REREAD_DIGIT_SHARE 0.8f	/* a word this much digits is read as a number */
#define OCR_REREAD_JOIN 0.2f	/* ASCII words closer than this (line heights) are one run read again */

/* Punctuation a number holds: anything else inside it is junk. */
static bool code_punct(uint32_t cp)
{
	return cp == '.' || cp == ',' || cp == '-' || cp == '/' || cp == ':';
}

static bool is_lower(uint32_t cp)
{
	return cp >= 'a' && cp <= 'z';
}

#define OCR_CODE_PREFIX_LETTERS 2	/* capitals a word's letters and digits start with: a code's */
/* Tried and not taken (issue 13, stop 29): words as long as a declaration
 * number with as many letters as digits ("onanG2R03S4NT77174", a 150 dpi
 * black-and-white serif scan), and the ASCII pieces of words OCR joined to
 * their label, read again and kept only as a valid declaration number: one
 * field won and one lost on the 80 150/200 dpi black-and-white tuning
 * scans. Those digits are broken past reading at that resolution. */

/* The word [a, b) of out's glyphs (no spaces, one line) worth reading again:
 * ASCII only, enough letters and digits, and junk or a doubtful character;
 * not a code whose letters and digits start with two capitals (a seal's
 * GS15365311, a container's owner: the digits' whitelist would read its
 * letters as digits, "'GS15365311" as 6515365311). *digits gets whether it
 * is mostly digits. */
bool ocr_reread_worthy(const struct rec_glyph *g, size_t a, size_t b, bool *digits)
{
	size_t alnum = 0, nd = 0, lead_caps = 0;
	bool doubt = false;
	for (size_t i = a; i < b; i++) {
		uint32_t cp = g[i].cp;
		/* not a number: an ideograph, a word in small letters (mm, kg), the
		 * | of a declaration's elements; nor a code in brackets, whose
		 * brackets a reading of digits would lose */
		if (cp >= 0x80 || cp == '|' || (cp == '(' && i == a) || (cp == ')' && i + 1 == b) ||
			(is_lower(cp) && i + 1 < b && is_lower(g[i + 1].cp)))
			return false;
		bool an = ocr_is_alnum((char)cp);
		lead_caps += an && alnum == lead_caps && cp >= 'A' && cp <= 'Z';
		alnum += an;
		nd += cp >= '0' && cp <= '9';
		doubt = doubt || g[i].conf < OCR_REREAD_DOUBT || (!an && !code_punct(cp));
	}
	*digits = alnum > 0 && (float)nd >= OCR_REREAD_DIGIT_SHARE * (float)alnum;
	return doubt && *digits && alnum >= OCR_REREAD_MIN_ALNUM && lead_caps < OCR_CODE_PREFIX_LETTERS;
}

/* The glyphs' ASCII text (spaces left out) into buf of cap bytes. */
static size_t ascii_text(const struct rec_glyph *g, size_t n, char *buf, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		if (g[i].cp != ' ' && g[i].cp < 0x80)
			buf[k++] = (char)g[i].cp;
	buf[k] = '\0';
	return k;
}

/* Punctuation the whitelist turned junk at the new reading's ends into,
 * where the old reading had none there, taken off. */
static void trim_ends(struct ocr_reread *got, const char *old, size_t n_old)
{
	while (got->n && code_punct(got->g[got->n - 1].cp) && !(n_old && code_punct((unsigned char)old[n_old - 1])))
		got->n--;
	size_t lead = 0;
	while (lead < got->n && code_punct(got->g[lead].cp) && !(n_old && code_punct((unsigned char)old[0])))
		lead++;
	memmove(got->g, got->g + lead, (got->n - lead) * sizeof *got->g);
	got->n -= lead;
}

/* The second reading is kept when sure enough and either it is a valid
 * 18-digit declaration number where the first is not, or the first held junk
 * and the second has about as many digits. */
bool ocr_reread_better(const struct rec_glyph *old, size_t n_old, struct ocr_reread *got)
{
	char a[OCR_REREAD_MAX_CHARS + 1], b[OCR_REREAD_MAX_CHARS + 1], fixed[OCR_DECLNO_LEN + 1];
	size_t na = ascii_text(old, n_old, a, sizeof a);
	trim_ends(got, a, na);
	size_t nb = ascii_text(got->g, got->n, b, sizeof b);
	size_t junk = 0, alnum_old = 0, alnum_new = 0;
	float new_min = 1.0f, c;
	for (size_t i = 0; i < na; i++) {
		alnum_old += ocr_is_alnum(a[i]);
		junk += !ocr_is_alnum(a[i]) && !code_punct((unsigned char)a[i]);
	}
	for (size_t i = 0; i < got->n; i++) {
		alnum_new += ocr_is_alnum((char)got->g[i].cp);
		new_min = fminf(new_min, got->g[i].conf);
	}
	if (alnum_new < OCR_REREAD_MIN_ALNUM || new_min < OCR_REREAD_MIN_CONF)
		return false;
	if (ocr_fix_declno(b, nb, NULL, fixed, &c) == OCR_FIX_EXACT && ocr_fix_declno(a, na, NULL, fixed, &c) != OCR_FIX_EXACT)
		return true;
	return junk > 0 && alnum_new + 1 >= alnum_old && alnum_new <= alnum_old + 1;
}

#define OCR_REREAD_SAME_LINE 0.3f	/* words whose middles differ by less (line heights) share a line */
#define OCR_DELETED 0u	/* a glyph taken out (no glyph is U+0000) */

static int by_line_then_x(const void *pa, const void *pb)
{
	const struct ocr_word_run *a = pa, *b = pb;
	float ha = a->y1 - a->y0, ya = (a->y0 + a->y1) / 2, yb = (b->y0 + b->y1) / 2;
	if (fabsf(ya - yb) >= OCR_REREAD_SAME_LINE * ha)
		return ya < yb ? -1 : 1;
	return a->x0 < b->x0 ? -1 : a->x0 > b->x0;
}

/* The page's words (of ASCII only when ascii), in reading order. */
static size_t page_words(const struct rec_page *out, struct ocr_word_run *w, size_t max, bool ascii_only)
{
	size_t n = 0, i = 0;
	const struct rec_glyph *g = out->glyphs;
	while (i < out->n_glyphs && n < max) {
		size_t e = i;
		bool ascii = true;
		/* a word ends at a space, a change of line, or where the next
		 * glyph starts left of it (a word of another pass) */
		for (; e < out->n_glyphs && g[e].cp != ' ' && g[e].y0 == g[i].y0 && (e == i || g[e].x0 >= g[e - 1].x0); e++)
			ascii = ascii && g[e].cp < 0x80;
		if (e > i && (ascii || !ascii_only))
			w[n++] = (struct ocr_word_run){i, e, g[i].x0, g[e - 1].x1, g[i].y0, g[i].y1};
		i = e > i ? e : i + 1;
	}
	qsort(w, n, sizeof *w, by_line_then_x);
	return n;
}

size_t ocr_ascii_words(const struct rec_page *out, struct ocr_word_run *w, size_t max)
{
	return page_words(out, w, max, true);
}

size_t ocr_words(const struct rec_page *out, struct ocr_word_run *w, size_t max)
{
	return page_words(out, w, max, false);
}

/* The words from w[k] on one line with gaps under join line heights. */
static size_t run_length(const struct ocr_word_run *w, size_t n, size_t k, float join)
{
	size_t e = k + 1;
	float h = w[k].y1 - w[k].y0, x1 = w[k].x1;
	while (e < n && by_line_then_x(&w[e - 1], &w[e]) < 0 && fabsf((w[e].y0 + w[e].y1) / 2 - (w[k].y0 + w[k].y1) / 2) <
		OCR_REREAD_SAME_LINE * h && w[e].x0 - x1 < join * h) {
		x1 = fmaxf(x1, w[e].x1);
		e++;
	}
	return e - k;
}

size_t ocr_run_length(const struct ocr_word_run *w, size_t n, size_t k)
{
	return run_length(w, n, k, OCR_REREAD_JOIN);
}

/* A word that may be part of a foreign firm's name: a Latin letter or a
 * quote in it and at most one ideograph (junk: "6WU山"), or, inside a name,
 * one ideograph alone (junk: 山). */
static bool name_word(const struct rec_page *out, const struct ocr_word_run *w, bool inside)
{
	size_t han = 0, latin = 0;
	for (size_t i = w->a; i < w->b; i++) {
		uint32_t cp = out->glyphs[i].cp;
		han += utf8_is_han(cp);
		latin += (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '"' || cp == 0x201C || cp == 0x201D;
	}
	return han <= 1 && (latin > 0 || (inside && w->b - w->a == 1));
}

size_t ocr_name_run(const struct rec_page *out, const struct ocr_word_run *w, size_t n, size_t k)
{
	if (!name_word(out, &w[k], false))
		return 0;
	size_t e = k + 1;
	float h = w[k].y1 - w[k].y0, x1 = w[k].x1;
	while (e < n && name_word(out, &w[e], true) && fabsf((w[e].y0 + w[e].y1) / 2 - (w[k].y0 + w[k].y1) / 2) <
		OCR_NAME_SAME_LINE * h && w[e].x0 >= w[e - 1].x0 && w[e].x0 - x1 < OCR_NAME_JOIN * h) {
		x1 = fmaxf(x1, w[e].x1);
		e++;
	}
	return e - k;
}

/* ---- a foreign firm's name in Cyrillic letters ---- */

static bool is_quote(uint32_t cp)
{
	return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0xAB || cp == 0xBB;
}

static bool is_ascii_letter(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

bool ocr_name_worthy(const struct rec_glyph *g, size_t n)
{
	size_t letters = 0, han = 0, quotes = 0, marks = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t cp = g[i].cp;
		if (cp == ' ')
			continue;
		letters += is_ascii_letter(cp);
		quotes += is_quote(cp);
		han += utf8_is_han(cp);
		marks += !is_ascii_letter(cp) && !is_quote(cp);
	}
	return quotes > 0 && letters >= OCR_NAME_MIN_LETTERS && han <= OCR_NAME_MAX_HAN &&
		marks * OCR_NAME_LETTER_SHARE <= letters;
}

bool ocr_name_cyrillic(const struct ocr_reread *got)
{
	size_t letters = 0, only = 0, other = 0;
	float sum = 0.0f;
	for (size_t i = 0; i < got->n; i++) {
		uint32_t cp = got->g[i].cp;
		/* Latin look-alikes count as the Cyrillic letters they will be
		 * taken for (the English model read "OcOO"); marks are not counted */
		bool letter = utf8_is_cyrillic(cp) || utf8_cyrillic_twin(cp);
		bool junk = !letter && ((cp >= '0' && cp <= '9') || is_ascii_letter(cp) || cp >= 0x3400);
		if (!letter && !junk)
			continue;
		sum += got->g[i].conf;
		letters += letter;
		only += utf8_cyrillic_only(cp);
		other += junk;
	}
	size_t n = letters + other;
	return n && only >= OCR_NAME_MIN_CYRILLIC_ONLY && only * OCR_NAME_CYRILLIC_SHARE >= letters &&
		other * OCR_NAME_LETTER_SHARE <= letters && sum / (float)n >= OCR_NAME_MIN_CONF;
}

/* The glyphs of words w[0..m) in reading order into buf (at most cap); the box in *box. */
size_t ocr_run_glyphs(const struct rec_page *out, const struct ocr_word_run *w, size_t m, struct rec_glyph *buf,
	size_t cap, struct ocr_word_run *box)
{
	size_t n = 0;
	*box = w[0];
	for (size_t k = 0; k < m; k++) {
		box->x0 = fminf(box->x0, w[k].x0), box->x1 = fmaxf(box->x1, w[k].x1);
		box->y0 = fminf(box->y0, w[k].y0), box->y1 = fmaxf(box->y1, w[k].y1);
		for (size_t i = w[k].a; i < w[k].b && n < cap; i++)
			buf[n++] = out->glyphs[i];
	}
	return n;
}

/* Take the words' glyphs (and the spaces between them) out; the new reading
 * goes into *add. */
bool ocr_swap_in(struct rec_page *out, const struct ocr_word_run *w, size_t m, const struct ocr_reread *got,
	struct rec_glyph **add, size_t *n_add, size_t *cap_add)
{
	if (*n_add + got->n > *cap_add) {
		size_t cap = (*cap_add + got->n) * 2;
		struct rec_glyph *g = realloc(*add, cap * sizeof *g);
		if (!g)
			return false;
		*add = g;
		*cap_add = cap;
	}
	for (size_t k = 0; k < m; k++) {
		for (size_t i = w[k].a; i < w[k].b; i++)
			out->glyphs[i].cp = OCR_DELETED;
		if (k + 1 < m && w[k].b < out->n_glyphs && out->glyphs[w[k].b].cp == ' ')
			out->glyphs[w[k].b].cp = OCR_DELETED;
	}
	memcpy(*add + *n_add, got->g, got->n * sizeof *got->g);
	*n_add += got->n;
	return true;
}

/* The page's glyphs without those taken out, and with the new readings. */
bool ocr_settle(struct rec_page *out, size_t *cap, const struct rec_glyph *add, size_t n_add)
{
	size_t n = 0;
	for (size_t i = 0; i < out->n_glyphs; i++)
		if (out->glyphs[i].cp != OCR_DELETED)
			out->glyphs[n++] = out->glyphs[i];
	if (n + n_add > OCR_REREAD_MAX_GLYPHS)
		n_add = 0;
	if (n + n_add > *cap) {
		struct rec_glyph *g = realloc(out->glyphs, (n + n_add) * sizeof *g);
		if (!g)
			return false;
		out->glyphs = g;
		*cap = n + n_add;
	}
	memcpy(out->glyphs + n, add, n_add * sizeof *add);
	out->n_glyphs = n + n_add;
	return true;
}

