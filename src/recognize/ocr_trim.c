/* The ends of a scan's free-text values (ocr_trim.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/ocr_fix.h"
#include "recognize/ocr_trim.h"

#define TRIM_MAX_CP 256		/* code points of a value looked at; a longer one is left alone */
#define PERSON_MIN_HAN 2	/* a Chinese name has two to six characters */
#define PERSON_MAX_HAN 6
#define FIRM_MAX_HAN 1		/* a name with more ideographs is a Chinese company's (ocr_snap.c trims it) */
#define FORM_MIN_LETTERS 2	/* TOO, LLP, ОсОО: a legal form glued to the name's opening quote */
#define FORM_MAX_LETTERS 4
#define MIDDLE_DOT 0xB7		/* in a minority's name: 买买提·艾力 */

struct cps {
	uint32_t v[TRIM_MAX_CP];
	size_t n;
};

static bool decode(const char *s, struct cps *t)
{
	t->n = 0;
	while (*s) {
		if (t->n == TRIM_MAX_CP)
			return false;
		s += utf8_get(s, &t->v[t->n++]);
	}
	return true;
}

static char *encode(const uint32_t *v, size_t n)
{
	char *out = malloc(n * 4 + 1);
	if (!out)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		o += utf8_put(out + o, v[i]);
	out[o] = '\0';
	return out;
}

static bool is_letter(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 &&
		cp != 0xF7) || (cp >= 0x400 && cp <= 0x4FF);
}

static bool is_upper(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 0x400 && cp <= 0x42F) || cp == 0x441 /* с of ОсОО */;
}

static bool is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0x3000;
}

static bool opens_quote(uint32_t cp)
{
	return cp == '"' || cp == 0x201C || cp == 0x201E || cp == 0xAB;
}

static bool closes_quote(uint32_t cp)
{
	return cp == '"' || cp == 0x201D || cp == 0xBB;
}

/* A code: from its first letter or digit to its last (a closing bracket
 * kept when it has its opening one). Ideographs before it go only when a
 * space or a colon parts them from it (a label's remnant, "身 : HRGS…"). */
static char *trim_code(const struct cps *t)
{
	size_t a = 0, b = t->n;
	while (a < t->n && !utf8_is_ascii_alnum(t->v[a]))
		a++;
	if (a == t->n)
		return t->n ? encode(t->v, 0) : NULL;
	while (b > a && !utf8_is_ascii_alnum(t->v[b - 1]))
		b--;
	bool han = false, parted = false;
	for (size_t i = 0; i < a; i++) {
		if (utf8_is_han(t->v[i]))
			han = true, parted = false;
		else if (is_space(t->v[i]) || t->v[i] == ':' || t->v[i] == 0xFF1A)
			parted = true;
	}
	if (han && !parted)
		return NULL;
	bool opened = false;
	for (size_t i = a; i < b; i++)
		opened |= t->v[i] == '(' || t->v[i] == 0xFF08;
	if (opened && b < t->n && (t->v[b] == ')' || t->v[b] == 0xFF09))
		b++;
	return a == 0 && b == t->n ? NULL : encode(t->v + a, b - a);
}

/* A Chinese name: its first run of ideographs (spaces OCR put inside
 * dropped), when nothing but marks stands before it. */
static char *trim_person(const struct cps *t)
{
	size_t a = 0;
	while (a < t->n && !utf8_is_han(t->v[a])) {
		if (is_letter(t->v[a]))
			return NULL;
		a++;
	}
	uint32_t run[TRIM_MAX_CP];
	size_t n = 0, han = 0;
	for (size_t i = a; i < t->n; i++) {
		uint32_t cp = t->v[i];
		if (utf8_is_han(cp) || (cp == MIDDLE_DOT && n > 0)) {
			run[n++] = cp;
			han += cp != MIDDLE_DOT;
		} else if (!(is_space(cp) && i + 1 < t->n && utf8_is_han(t->v[i + 1]) && n > 0)) {
			break;
		}
	}
	if (han < PERSON_MIN_HAN || han > PERSON_MAX_HAN || (n == t->n && a == 0))
		return NULL;
	return encode(run, n);
}

/* What may end a firm's name: a letter, a digit, a quote or a bracket that
 * closes, a full stop after a letter ("Co."). */
static bool firm_end(const struct cps *t, size_t i)
{
	uint32_t cp = t->v[i];
	return is_letter(cp) || is_digit(cp) || closes_quote(cp) || cp == ')' ||
		(cp == '.' && i > 0 && is_letter(t->v[i - 1]));
}

/* A lone character standing apart at [i] (a speck read as "1", "-", "0"):
 * not a letter, spaces on its inner side. */
static bool lone_speck(const struct cps *t, size_t i, size_t a, size_t b, int dir)
{
	if (is_letter(t->v[i]))
		return false;
	size_t j = dir > 0 ? i + 1 : i - 1;
	return (dir > 0 ? j < b : j + 1 > a) && is_space(t->v[j]);
}

/* Legal forms foreign firms' names carry, in Latin letters. */
static const char *const legal_forms[] = {"TOO", "LLP", "LLC", "JSC", "OOO", "LTD"};
#define N_LEGAL_FORMS (sizeof legal_forms / sizeof legal_forms[0])
#define FORM_LEN 3	/* each of them has three letters */

/* Levenshtein distance of v[0, n) (0 read for O) and form, capped at 2. */
static int form_distance(const uint32_t *v, size_t n, const char *form)
{
	uint32_t read[FORM_MAX_LETTERS + 1], want[FORM_LEN];
	if (n > FORM_MAX_LETTERS + 1 || strlen(form) != FORM_LEN)
		return 2;
	for (size_t i = 0; i < n; i++)
		read[i] = v[i] == '0' ? 'O' : v[i];
	for (size_t j = 0; j < FORM_LEN; j++)
		want[j] = (uint32_t)(unsigned char)form[j];
	return ocr_edit_distance(read, n, want, FORM_LEN, 1);
}

/* OCR's tell in a legal form: a digit or a small letter among capitals. */
static bool misread_tell(const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_digit(v[i]) || (v[i] >= 'a' && v[i] <= 'z'))
			return true;
	return false;
}

/* Issue 13: the Kyrgyz form ОсОО with its first О read as a digit or a Q
 * ("0cOO", "QсОО"; the rest in Cyrillic or its Latin look-alikes). */
#define KG_FORM "ОсОО"
#define KG_FORM_LEN 4

static bool round_o(uint32_t cp)
{
	return cp == 'O' || cp == 0x41E;
}

static bool kg_form_misread(const uint32_t *v, size_t n)
{
	return n == KG_FORM_LEN && (v[0] == '0' || v[0] == 'Q') && (v[1] == 'c' || v[1] == 0x441) && round_o(v[2]) &&
		round_o(v[3]);
}

/* The legal form the name's first word [0, n) misreads (TO0, TOD before a
 * quote, 1LP, 0сОО), or NULL: one edit away from one of legal_forms, and
 * before the name's opening quote or with a tell of misreading. UTF-8. */
static const char *misread_form(const uint32_t *v, size_t n, bool quote_next)
{
	if (n < FORM_MIN_LETTERS || (!quote_next && !misread_tell(v, n)))
		return NULL;
	if (kg_form_misread(v, n))
		return KG_FORM;
	if (n == FORM_LEN + 1 && v[1] == 'c')
		return NULL;	/* Kyrgyz ОсОО read in Latin look-alikes: no OOO */
	for (size_t k = 0; k < N_LEGAL_FORMS; k++)
		if (form_distance(v, n, legal_forms[k]) == 0)
			return misread_tell(v, n) ? legal_forms[k] : NULL;	/* TO0; TOO is right as read */
	for (size_t k = 0; k < N_LEGAL_FORMS; k++)
		if (form_distance(v, n, legal_forms[k]) == 1)
			return legal_forms[k];
	return NULL;
}

/* Legal forms that end a name (SILK ROAD LOGISTICS LLC). */
static const char *const trailing_forms[] = {"LLC", "LLP", "LTD"};
#define WORD_BEFORE_FORM_MIN 4	/* letters of a word a trailing form is parted from */

/* A trailing form read glued to the word before (LOGISTICSLLC) given its
 * space back, in v[0, n) (room for one more); returns the new length. */
static size_t part_trailing_form(uint32_t *v, size_t n)
{
	size_t end = n && v[n - 1] == '.' ? n - 1 : n, start = end;
	while (start > 0 && v[start - 1] >= 'A' && v[start - 1] <= 'Z')
		start--;
	if (end - start < FORM_LEN + WORD_BEFORE_FORM_MIN)
		return n;
	for (size_t k = 0; k < sizeof trailing_forms / sizeof trailing_forms[0]; k++) {
		size_t at = end - FORM_LEN, j = 0;
		while (j < FORM_LEN && v[at + j] == (uint32_t)(unsigned char)trailing_forms[k][j])
			j++;
		if (j == FORM_LEN) {
			memmove(v + at + 1, v + at, (n - at) * sizeof v[0]);
			v[at] = ' ';
			return n + 1;
		}
	}
	return n;
}

/* A trailing form read with one letter misread ("… LOGISTICS ELC", "… KAZ
 * AUTO IMPORT DLP") put right in v[0, n); real forms one letter from those
 * (PLC, INC, JSC) are left alone. */
static void trailing_form_misread(uint32_t *v, size_t n)
{
	size_t start = n;
	while (start > 0 && v[start - 1] >= 'A' && v[start - 1] <= 'Z')
		start--;
	size_t len = n - start;
	if (start == 0 || v[start - 1] != ' ' || len != FORM_LEN)
		return;
	static const char *const other_forms[] = {"PLC", "INC", "JSC"};	/* one letter from those, and real */
	for (size_t k = 0; k < sizeof other_forms / sizeof other_forms[0]; k++)
		if (form_distance(v + start, len, other_forms[k]) == 0)
			return;
	for (size_t k = 0; k < sizeof trailing_forms / sizeof trailing_forms[0]; k++)
		if (form_distance(v + start, len, trailing_forms[k]) == 0)
			return;	/* as printed */
	for (size_t k = 0; k < sizeof trailing_forms / sizeof trailing_forms[0]; k++)
		if (form_distance(v + start, len, trailing_forms[k]) == 1) {
			for (size_t j = 0; j < FORM_LEN; j++)
				v[start + j] = (uint32_t)(unsigned char)trailing_forms[k][j];
			return;
		}
}

/* A name's quotes left unpaired by OCR: a closing one read twice
 * (MOTORS"") once; a closing one lost after the name's last letter
 * (TOO "KARAGANDA MOTORS) given back (v has room for one more). Returns
 * the new length. */
static size_t close_quote(uint32_t *v, size_t n)
{
	size_t quotes = 0;
	for (size_t i = 0; i < n; i++)
		quotes += v[i] == '"';
	if (quotes % 2 == 0)
		return n;
	if (n >= 2 && v[n - 1] == '"' && v[n - 2] == '"')
		return n - 1;
	if (quotes == 1 && n > 0 && v[n - 1] != '"' && is_letter(v[n - 1])) {
		v[n] = '"';
		return n + 1;
	}
	return n;
}

#define CYRILLIC_NAME_MIN_ONLY 2	/* letters only Cyrillic has that make a name Cyrillic */

/* A name in Cyrillic letters (two or more that no Latin letter looks
 * like) with Latin look-alikes in it (the Russian model read "OOO" in
 * ОсОО "БИШКЕК…" with the English one): those made Cyrillic. */
static void cyrillic_twins(uint32_t *v, size_t n)
{
	size_t only = 0;
	for (size_t i = 0; i < n; i++)
		only += utf8_cyrillic_only(v[i]);
	if (only < CYRILLIC_NAME_MIN_ONLY)
		return;
	for (size_t i = 0; i < n; i++) {
		uint32_t twin = utf8_cyrillic_twin(v[i]);
		if (twin)
			v[i] = twin;
	}
	/* Kazakh ТОО with its Т read Г (a form no firm has) */
	static const uint32_t read_as[] = {0x413, 0x41E, 0x41E}, form[] = {0x422, 0x41E, 0x41E};
	if (n > FORM_LEN && memcmp(v, read_as, sizeof read_as) == 0 && (is_space(v[FORM_LEN]) || opens_quote(v[FORM_LEN])))
		memcpy(v, form, sizeof form);
}

/* Typographic double quotes, which chi_sim reads for the straight ones. */
static uint32_t straight_quote(uint32_t cp)
{
	return cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x201F || cp == 0x2033 ? '"' : cp;
}

/* A foreign firm's name: marks and lone specks off both ends; a legal form
 * glued to the name's opening quote (TOO"KARAGANDA) given its space back, a
 * misread one put right (TO0 "…"), and the quotes made straight. */
static char *trim_firm(const struct cps *read)
{
	struct cps clean, *t = &clean;	/* without specks read as a grave or acute accent */
	clean.n = 0;
	for (size_t i = 0; i < read->n; i++)
		if (read->v[i] != '`' && read->v[i] != 0xB4)
			clean.v[clean.n++] = read->v[i];
	size_t han = 0;
	for (size_t i = 0; i < t->n; i++)
		han += utf8_is_han(t->v[i]);
	if (han > FIRM_MAX_HAN)
		return NULL;
	size_t a = 0, b = t->n;
	while (a < b && !is_letter(t->v[a]) && !is_digit(t->v[a]) && !opens_quote(t->v[a]))
		a++;
	if (a < b && lone_speck(t, a, a, b, 1))
		for (a++; a < b && is_space(t->v[a]); a++)
			;
	while (b > a && !firm_end(t, b - 1))
		b--;
	if (b > a && lone_speck(t, b - 1, a, b, -1))
		for (b--; b > a && (is_space(t->v[b - 1]) || !firm_end(t, b - 1)); b--)
			;
	if (b == a)
		return NULL;
	size_t form = 0;
	while (a + form < b && (is_upper(t->v[a + form]) || is_digit(t->v[a + form]) ||
		(t->v[a + form] >= 'a' && t->v[a + form] <= 'z')))
		form++;
	bool glued = form >= FORM_MIN_LETTERS && form <= FORM_MAX_LETTERS + 1 && a + form < b &&
		opens_quote(t->v[a + form]);
	size_t after = a + form;
	while (after < b && is_space(t->v[after]))
		after++;
	const char *fixed = after > a + form || glued ? misread_form(t->v + a, form, after < b && opens_quote(t->v[after]))
						       : NULL;
	glued &= form <= FORM_MAX_LETTERS || fixed;
	uint32_t v[TRIM_MAX_CP + FORM_LEN + 3];	/* a form's letters, a space after it, one before a trailing one
						 * and a closing quote */
	size_t n = 0, i = a;
	if (fixed) {
		for (const char *f = fixed; *f;) {
			uint32_t cp;
			f += utf8_get(f, &cp);
			v[n++] = cp;
		}
		i = a + form;
	}
	for (; i < b; i++) {
		if (glued && i == a + form)
			v[n++] = ' ';
		v[n++] = straight_quote(t->v[i]);
	}
	n = part_trailing_form(v, n);
	trailing_form_misread(v, n);
	n = close_quote(v, n);
	cyrillic_twins(v, n);
	if (n == read->n && memcmp(v, read->v, n * sizeof v[0]) == 0)
		return NULL;
	return encode(v, n);
}

/* 是 or 否 with specks around it (";是", "是."): the one of them it holds. */
static char *trim_yes_no(const struct cps *t)
{
	static const uint32_t yes = 0x662F /* 是 */, no = 0x5426 /* 否 */;
	size_t n_yes = 0, n_no = 0;
	for (size_t i = 0; i < t->n; i++) {
		n_yes += t->v[i] == yes;
		n_no += t->v[i] == no;
	}
	uint32_t one = n_yes && !n_no ? yes : n_no && !n_yes ? no : 0;
	if (t->n == 1 && one)
		return NULL;
	return one ? encode(&one, 1) : encode(t->v, 0);
}

char *ocr_trim_value(const char *value, enum ocr_trim_kind kind)
{
	struct cps t;
	if (!value || !decode(value, &t))
		return NULL;
	switch (kind) {
	case OCR_TRIM_CODE:
		return trim_code(&t);
	case OCR_TRIM_PERSON:
		return trim_person(&t);
	case OCR_TRIM_FIRM:
		return trim_firm(&t);
	case OCR_TRIM_YES_NO:
		return trim_yes_no(&t);
	}
	return NULL;
}
