/* Values a scanned declaration states twice, made to agree (ocr_agree.h).
 * Pure: no I/O, no global state. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "recognize/ocr_agree.h"
#include "recognize/ocr_fix.h"
#include "validate/validate.h"

#define AGREE_MAX_CP 64		/* code points of a transport name compared */
#define AGREE_TNAME_EDITS 2	/* misreads of the transport name's plates still taken as the remarks' */
#define AGREE_MAX_PLATES 3	/* plates a transport name holds: a tractor and up to two trailers */
#define AGREE_DATE_MIN_DIGITS 6	/* a part of this many digits or more is a voyage date, no plate */
#define AGREE_UTF8_MAX 4	/* bytes of one code point */

struct cpbuf {
	uint32_t v[AGREE_MAX_CP];
	size_t n;
};

static bool cp_push(struct cpbuf *b, uint32_t cp)
{
	if (b->n >= AGREE_MAX_CP)
		return false;
	b->v[b->n++] = cp;
	return true;
}

static uint32_t ascii_upper(uint32_t cp)
{
	return cp >= 'a' && cp <= 'z' ? cp - 'a' + 'A' : cp;
}

/* s without its spaces, ASCII letters in upper case. False when too long. */
static bool decode_packed(const char *s, struct cpbuf *out)
{
	out->n = 0;
	while (*s) {
		uint32_t cp;
		s += utf8_get(s, &cp);
		if (cp != ' ' && cp != '\t' && cp != 0x3000 && !cp_push(out, ascii_upper(cp)))
			return false;
	}
	return true;
}

/* Where the voyage date part starts (at its '/'), or t->n: the first part
 * after a '/' that is all digits and long enough to be a date. */
static size_t date_part_at(const struct cpbuf *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i] != '/')
			continue;
		size_t e = i + 1;
		while (e < t->n && t->v[e] >= '0' && t->v[e] <= '9')
			e++;
		if (e - i - 1 >= AGREE_DATE_MIN_DIGITS && (e == t->n || t->v[e] == '/'))
			return i;
	}
	return t->n;
}

#define AGREE_DATE_DIGITS 8	/* a voyage date: YYYYMMDD */
#define AGREE_MONTHS 12
#define AGREE_DAYS 31
#define AGREE_CENTURY 20	/* the year's first two digits */
#define AGREE_MONTH_AT 4	/* YYYY, then MM ... */
#define AGREE_DAY_AT 6		/* ... then DD */

static int two_digits(const uint32_t *d)
{
	return (int)(d[0] - '0') * 10 + (int)(d[1] - '0');
}

/* d[0, 8) is a date of this century as YYYYMMDD, every character a digit. */
static bool plausible_date(const uint32_t *d)
{
	for (size_t i = 0; i < AGREE_DATE_DIGITS; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	int month = two_digits(d + AGREE_MONTH_AT), day = two_digits(d + AGREE_DAY_AT);
	return two_digits(d) == AGREE_CENTURY && month >= 1 && month <= AGREE_MONTHS && day >= 1 && day <= AGREE_DAYS;
}

static bool slash_lookalike(uint32_t cp)
{
	return cp == '7' || cp == '1' || cp == 'I' || cp == 'L' || cp == '|';
}

/* OCR: the '/' before a voyage date read as a look-alike ("弧B97715720240512"):
 * put back when no '/' date is read and the name ends in one character and
 * eight digits that are a date, after something that is no number. */
static void mend_date_slash(struct cpbuf *t, size_t date_at)
{
	if (date_at != t->n || t->n <= AGREE_DATE_DIGITS + 1)
		return;
	size_t at = t->n - AGREE_DATE_DIGITS - 1;
	bool number = true;
	for (size_t i = 0; i < at; i++)
		number &= t->v[i] >= '0' && t->v[i] <= '9';
	if (!number && slash_lookalike(t->v[at]) && plausible_date(t->v + at + 1))
		t->v[at] = '/';
}

static char *encode(const uint32_t *v, size_t n)
{
	char *s = xmalloc(n * AGREE_UTF8_MAX + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		o += utf8_put(s + o, v[i]);
	s[o] = '\0';
	return s;
}

#define AGREE_SEP_DEFAULT '/'	/* between a transport name's plates, as Single Window prints them */

/* What a transport name puts between its plates: '/' as Single Window
 * prints it, a comma or 、 as some brokers' templates do. */
static bool is_plate_sep(uint32_t cp)
{
	return cp == '/' || cp == ',' || cp == 0xFF0C /* ， */ || cp == 0x3001 /* 、 */;
}

/* The separator the head v[0, n) puts between its plates (the first seen):
 * what plates taken from the remarks are joined by. */
static uint32_t plate_sep_of(const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_plate_sep(v[i]))
			return v[i];
	return AGREE_SEP_DEFAULT;
}

/* Every part of v[0, n) between two seps is a plate by plate_form. */
static bool parts_are_plates(const uint32_t *v, size_t n, uint32_t sep)
{
	size_t a = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && v[i] != sep)
			continue;
		char *part = encode(v + a, i - a);
		bool ok = plate_form(part, strlen(part), NULL) != PLATE_NONE;
		free(part);
		if (!ok)
			return false;
		a = i + 1;
	}
	return true;
}

/* What the head v[0, n) is cut into parts at: '/', or the comma (or 、)
 * of a name that parts its plates so, when all its parts are plates; a
 * comma elsewhere may be a label's colon misread ("及航次号,新B62766"). */
static uint32_t split_sep_of(const uint32_t *v, size_t n)
{
	uint32_t sep = plate_sep_of(v, n);
	for (size_t i = 0; i < n; i++)
		if (v[i] == AGREE_SEP_DEFAULT)
			return AGREE_SEP_DEFAULT;
	return sep != AGREE_SEP_DEFAULT && parts_are_plates(v, n, sep) ? sep : AGREE_SEP_DEFAULT;
}

/* The first m plates of the list joined by sep. False when too long. */
static bool first_plates(const json_t *plates, size_t m, uint32_t sep, struct cpbuf *out)
{
	out->n = 0;
	for (size_t k = 0; k < m; k++) {
		const char *p = json_string_value(json_array_get(plates, k));
		if (!p || (k && !cp_push(out, sep)))
			return false;
		while (*p) {
			uint32_t cp;
			p += utf8_get(p, &cp);
			if (!cp_push(out, cp))
				return false;
		}
	}
	return true;
}

/* The m (1 .. AGREE_MAX_PLATES) whose first plates the head reads as: the
 * unique nearest within AGREE_TNAME_EDITS; 0 when none or a tie. *d gets
 * its distance. */
static size_t nearest_prefix(const struct cpbuf *head, const json_t *plates, int *d)
{
	size_t pick = 0, n = json_array_size(plates);
	int best = AGREE_TNAME_EDITS + 1;
	bool tie = false;
	for (size_t m = 1; m <= AGREE_MAX_PLATES && m <= n; m++) {
		struct cpbuf c;
		if (!first_plates(plates, m, plate_sep_of(head->v, head->n), &c))
			break;
		int dm = ocr_edit_distance(head->v, head->n, c.v, c.n, AGREE_TNAME_EDITS);
		tie |= dm == best && dm <= AGREE_TNAME_EDITS;
		if (dm < best) {
			best = dm;
			pick = m;
			tie = false;
		}
	}
	*d = best;
	return tie ? 0 : pick;
}

/* The remarks' first m plates, then the transport name's date part. */
static char *taken(const json_t *plates, size_t m, const struct cpbuf *t, size_t date_at)
{
	struct cpbuf c;
	first_plates(plates, m, plate_sep_of(t->v, date_at), &c);	/* fitted when it was compared */
	for (size_t i = date_at; i < t->n; i++)
		if (!cp_push(&c, t->v[i]))
			break;
	return encode(c.v, c.n);
}

/* ---- plate by plate ---- */

#define AGREE_PART_EDITS 2	/* misreads of one plate still taken as the remarks' copy */
#define AGREE_MENDED_EDITS 1	/* ... as the plate a misread entry of the remarks gives */
#define AGREE_TOKEN_MAX_CP 12	/* an entry of the remarks looked at for a plate read with a character too many */

static bool is_plate(const char *s)
{
	return plate_form(s, strlen(s), NULL) != PLATE_NONE;
}

static bool list_has(const json_t *list, const char *s)
{
	for (size_t k = 0; k < json_array_size(list); k++)
		if (strcmp(json_string_value(json_array_get(list, k)), s) == 0)
			return true;
	return false;
}

static int text_distance(const char *a, const char *b, int max)
{
	struct cpbuf x, y;
	if (!decode_packed(a, &x) || !decode_packed(b, &y))
		return max + 1;
	return ocr_edit_distance(x.v, x.n, y.v, y.n, max);
}

/* The entry of list that part reads as within max edits: the unique
 * nearest, or -1. */
static int nearest_in(const char *part, const json_t *list, int max)
{
	int best = max + 1, who = -1;
	bool tie = false;
	for (size_t k = 0; k < json_array_size(list); k++) {
		int d = text_distance(part, json_string_value(json_array_get(list, k)), max);
		tie |= d == best && d <= max;
		if (d < best) {
			best = d;
			who = (int)k;
			tie = false;
		}
	}
	return tie ? -1 : who;
}

/* The plate at the end of part (after a speck or a label's tail: "一新B64858",
 * no letters or digits in front) that plates holds, copied; NULL when none. */
static char *plate_at_end(const char *part, const json_t *plates)
{
	for (const char *c = part; *c;) {
		uint32_t cp;
		c += utf8_get(c, &cp);
		if (utf8_is_ascii_alnum(cp))
			return NULL;
		if (*c && is_plate(c) && list_has(plates, c)) {
			return xstrdup(c);
		}
	}
	return NULL;
}

static char *entry_copy(const json_t *list, int k)
{
	return xstrdup(json_string_value(json_array_get(list, (size_t)k)));
}

/* One part (between plate separators) of the transport name against the
 * remarks' plates and the plates their misread entries give (variants). */
static enum ocr_agree agree_part(const char *part, const json_t *plates, const json_t *variants, char **fixed)
{
	*fixed = NULL;
	if (is_plate(part)) {
		if (list_has(plates, part))
			return OCR_AGREE_SAME;
		return nearest_in(part, plates, AGREE_PART_EDITS) >= 0 ? OCR_AGREE_CONFLICT : OCR_AGREE_NOTHING;
	}
	if ((*fixed = plate_at_end(part, plates)) != NULL)
		return OCR_AGREE_TAKEN;
	int k = nearest_in(part, plates, AGREE_PART_EDITS);
	if (k >= 0) {
		*fixed = entry_copy(plates, k);
		return OCR_AGREE_TAKEN;
	}
	k = nearest_in(part, variants, AGREE_MENDED_EDITS);
	if (k >= 0) {
		*fixed = entry_copy(variants, k);
		return OCR_AGREE_MENDED;
	}
	return OCR_AGREE_UNRULY;
}

static bool is_entry_sep(uint32_t cp)
{
	static const uint32_t seps[] = {' ', '\n', '\t', ',', ';', ':', '.', '/', 0x3001 /* 、 */, 0x3002 /* 。 */,
		0xFF0C /* ， */, 0xFF1B /* ； */, 0xFF1A /* ： */};
	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
		if (cp == seps[i])
			return true;
	return false;
}

/* The plates an entry gives without one of its letters or digits (a speck
 * OCR read as one; the province and 挂 are no specks), added to variants. */
static void entry_variants(const uint32_t *v, size_t n, json_t *variants)
{
	for (size_t drop = 0; drop < n; drop++) {
		if (!utf8_is_ascii_alnum(v[drop]))
			continue;
		uint32_t w[AGREE_TOKEN_MAX_CP];
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (i != drop)
				w[m++] = ascii_upper(v[i]);
		char *s = encode(w, m);
		if (is_plate(s) && !list_has(variants, s))
			json_array_append_new(variants, json_string(s));
		free(s);
	}
}

/* The plates the remarks' entries that fail the plate rules give with a
 * character too many dropped. */
static json_t *remark_variants(const char *remarks)
{
	json_t *variants = json_array();
	uint32_t v[AGREE_TOKEN_MAX_CP + 1];
	size_t n = 0;
	for (const char *c = remarks ? remarks : ""; ; ) {
		uint32_t cp = 0;
		if (*c)
			c += utf8_get(c, &cp);
		if (cp && !is_entry_sep(cp)) {
			n += n <= AGREE_TOKEN_MAX_CP;
			if (n <= AGREE_TOKEN_MAX_CP)
				v[n - 1] = cp;
			continue;
		}
		if (n > 1 && n <= AGREE_TOKEN_MAX_CP) {
			char *s = encode(v, n);
			if (!is_plate(s))
				entry_variants(v, n, variants);
			free(s);
		}
		n = 0;
		if (!cp)
			return variants;
	}
}

/* How strong a finding is: the strongest of the parts' is the name's. */
static int rank(enum ocr_agree a)
{
	static const enum ocr_agree order[] = {OCR_AGREE_NOTHING, OCR_AGREE_SAME, OCR_AGREE_TAKEN, OCR_AGREE_MENDED,
		OCR_AGREE_UNRULY, OCR_AGREE_CONFLICT};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (order[i] == a)
			return (int)i;
	return 0;
}

/* The head's parts one by one; *changed tells whether a part was replaced
 * (the new name, date kept, is then in *out). */
static enum ocr_agree agree_parts(const struct cpbuf *t, size_t date_at, uint32_t sep, const json_t *plates,
	const char *remarks, char **out)
{
	json_t *variants = remark_variants(remarks);
	struct cpbuf name = {.n = 0};
	enum ocr_agree all = OCR_AGREE_NOTHING;
	bool changed = false;
	for (size_t a = 0, i = 0; i <= date_at; i++) {
		if (i < date_at && t->v[i] != sep)
			continue;
		char *part = encode(t->v + a, i - a), *fixed = NULL;
		enum ocr_agree got = agree_part(part, plates, variants, &fixed);
		all = rank(got) > rank(all) ? got : all;
		changed |= fixed != NULL;
		struct cpbuf piece;
		decode_packed(fixed ? fixed : part, &piece);	/* no longer than the name */
		for (size_t k = 0; k < piece.n; k++)
			cp_push(&name, piece.v[k]);
		if (i < date_at)
			cp_push(&name, t->v[i]);
		free(part);
		free(fixed);
		a = i + 1;
	}
	json_decref(variants);
	for (size_t i = date_at; i < t->n; i++)
		cp_push(&name, t->v[i]);
	*out = changed ? encode(name.v, name.n) : NULL;
	return all;
}

enum ocr_agree ocr_agree_transport(const char *tname, const json_t *remark_plates, const char *remarks, char **out)
{
	*out = NULL;
	struct cpbuf t;
	if (!tname || !json_array_size(remark_plates) || strchr(tname, '@') || !decode_packed(tname, &t))
		return OCR_AGREE_NOTHING;
	size_t read_date_at = date_part_at(&t);
	mend_date_slash(&t, read_date_at);
	size_t date_at = date_part_at(&t);
	if (!date_at)
		return OCR_AGREE_NOTHING;
	bool slash_mended = date_at != read_date_at;
	struct cpbuf head = {.n = date_at};
	memcpy(head.v, t.v, date_at * sizeof *t.v);
	int d;
	uint32_t sep = split_sep_of(head.v, head.n);
	size_t m = parts_are_plates(head.v, head.n, sep) ? 0 : nearest_prefix(&head, remark_plates, &d);
	if (m && d > 0) {
		*out = taken(remark_plates, m, &t, date_at);
		return OCR_AGREE_TAKEN;
	}
	enum ocr_agree how = agree_parts(&t, date_at, sep, remark_plates, remarks, out);
	if (slash_mended && !*out) {	/* the plates agree: the name as mended */
		*out = encode(t.v, t.n);
		how = rank(how) < rank(OCR_AGREE_MENDED) ? OCR_AGREE_MENDED : how;
	}
	return how;
}
