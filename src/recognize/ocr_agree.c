/* Values a scanned declaration states twice, made to agree (ocr_agree.h).
 * Pure: no I/O, no global state. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static char *encode(const uint32_t *v, size_t n)
{
	char *s = malloc(n * AGREE_UTF8_MAX + 1);
	if (!s)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		o += utf8_put(s + o, v[i]);
	s[o] = '\0';
	return s;
}

/* Every '/'-part of v[0, n) is a plate by plate_form. */
static bool parts_are_plates(const uint32_t *v, size_t n)
{
	size_t a = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && v[i] != '/')
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

/* The first m plates of the list joined by '/'. False when too long. */
static bool first_plates(const json_t *plates, size_t m, struct cpbuf *out)
{
	out->n = 0;
	for (size_t k = 0; k < m; k++) {
		const char *p = json_string_value(json_array_get(plates, k));
		if (!p || (k && !cp_push(out, '/')))
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
		if (!first_plates(plates, m, &c))
			break;
		int dm = ocr_edit_distance(head->v, head->n, c.v, c.n, AGREE_TNAME_EDITS);
		tie |= dm == best;
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
	first_plates(plates, m, &c);	/* fitted when it was compared */
	for (size_t i = date_at; i < t->n; i++)
		if (!cp_push(&c, t->v[i]))
			break;
	return encode(c.v, c.n);
}

enum ocr_agree ocr_agree_transport(const char *tname, const json_t *remark_plates, char **out)
{
	*out = NULL;
	struct cpbuf t;
	if (!tname || !json_array_size(remark_plates) || strchr(tname, '@') || !decode_packed(tname, &t))
		return OCR_AGREE_NOTHING;
	size_t date_at = date_part_at(&t);
	struct cpbuf head = {.n = date_at};
	memcpy(head.v, t.v, date_at * sizeof *t.v);
	if (!head.n)
		return OCR_AGREE_NOTHING;
	bool ruly = parts_are_plates(head.v, head.n);
	int d;
	size_t m = nearest_prefix(&head, remark_plates, &d);
	if (!m)
		return ruly ? OCR_AGREE_NOTHING : OCR_AGREE_UNRULY;
	if (d == 0)
		return OCR_AGREE_SAME;
	if (ruly)
		return OCR_AGREE_CONFLICT;
	*out = taken(remark_plates, m, &t, date_at);
	return OCR_AGREE_TAKEN;
}
