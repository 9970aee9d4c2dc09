/* The VIN rules of the spreadsheet import: normalising a cell, classifying
 * the result, recognising the header cell. Pure functions. */
#include "sheet/sheet.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* Whitespace as Python's str.isspace() sees it (what the fixtures were made
 * with), plus the invisible characters that come along when VINs are pasted
 * from web pages or other documents: zero-width spaces and joiners, BOM. */
static int is_space_cp(int32_t c)
{
	if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))
		return 1;
	switch (c) {
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f:
	case 0x205f: case 0x3000: case 0x200b: case 0x200c: case 0x200d: case 0x2060:
	case 0xfeff:
		return 1;
	}
	return c >= 0x2000 && c <= 0x200a;
}

enum ws_mode { WS_REMOVE_ALL, WS_TRIM };

/* NFKC, upper case and whitespace handling of one cell into out (always
 * NUL-terminated; bytes past cap-1 are dropped but still counted as
 * characters). Returns the character count, or -1 on invalid UTF-8. */
static int normalize_ascii(const char *cell, size_t len, char *out, size_t cap)
{
	size_t used = 0;
	int count = 0;
	for (size_t i = 0; i < len; i++) {
		char c = cell[i];
		if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (used + 1 < cap)
			out[used++] = c;
		count++;
	}
	if (cap > 0)
		out[used] = '\0';
	return count;
}

static int normalize_once(const char *cell, size_t len, char *out, size_t cap, enum ws_mode mode)
{
	const utf8proc_uint8_t *src = (const utf8proc_uint8_t *)cell;
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n = (utf8proc_ssize_t)len;
	int ascii = 1;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)cell[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii && mode == WS_REMOVE_ALL)
		return normalize_ascii(cell, len, out, cap);
	if (!ascii) {	/* NFKC is the identity on ASCII: spare the allocation */
		n = utf8proc_map(src, (utf8proc_ssize_t)len, &mapped,
			UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
		if (n < 0)
			return -1;
		src = mapped;
	}

	/* In trim mode inner whitespace is kept: remember where the last
	 * non-space character ended and cut there at the end. */
	size_t used = 0, keep = 0;
	int count = 0, keep_count = 0, started = 0;
	for (utf8proc_ssize_t i = 0; i < n;) {
		int32_t c;
		utf8proc_ssize_t step = utf8proc_iterate(src + i, n - i, &c);
		if (step <= 0) {
			free(mapped);
			return -1;
		}
		i += step;
		int space = is_space_cp(c);
		if (space && (mode == WS_REMOVE_ALL || !started))
			continue;
		started = 1;
		c = utf8proc_toupper(c);
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t el = utf8proc_encode_char(c, enc);
		if (used + (size_t)el < cap) {
			memcpy(out + used, enc, (size_t)el);
			used += (size_t)el;
		}
		count++;
		if (!space) {
			keep = used;
			keep_count = count;
		}
	}
	free(mapped);
	if (mode == WS_TRIM) {
		used = keep;
		count = keep_count;
	}
	if (cap > 0)
		out[used < cap ? used : cap - 1] = '\0';
	return count;
}

static int utf8_chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0u) != 0x80u;
	return n;
}

/* One pass can leave what NFKC would change again: a compatibility character
 * that decomposes to a space and a combining mark (U+00B4 gives U+0020
 * U+0301) loses the space, and the mark then composes with the character
 * before it. A second pass over a whole (uncut) result composes it, so that
 * normalising a normalised value changes nothing. */
static int normalize(const char *cell, size_t len, char *out, size_t cap, enum ws_mode mode)
{
	int n = normalize_once(cell, len, out, cap, mode);
	if (n <= 0 || utf8_chars(out) != n || (size_t)n == strlen(out))
		return n;	/* an error, a cut value or ASCII only: nothing to compose */
	char *again = malloc(cap);
	if (again == NULL)
		return -1;
	n = normalize_once(out, strlen(out), again, cap, mode);
	if (n >= 0)
		memcpy(out, again, strlen(again) + 1);
	free(again);
	return n;
}

int sheet_vin_normalize(const char *cell, size_t len, char *out, size_t cap)
{
	return normalize(cell, len, out, cap, WS_REMOVE_ALL);
}

/* ISO 3779 transliteration: the value of each VIN character, -1 when the
 * character may not appear in a VIN (I, O, Q and everything not 0-9/A-Z). */
static int vin_value(char c)
{
	static const signed char letters[26] = {
		/* A  B  C  D  E  F  G  H   I  J  K  L  M  N   O  P   Q  R  S  T  U  V  W  X  Y  Z */
		1, 2, 3, 4, 5, 6, 7, 8, -1, 1, 2, 3, 4, 5, -1, 7, -1, 9, 2, 3, 4, 5, 6, 7, 8, 9};
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return letters[c - 'A'];
	return -1;
}

char sheet_vin_check_char(const char *vin)
{
	static const int weights[SHEET_VIN_LEN] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
	int sum = 0;
	for (int i = 0; i < SHEET_VIN_LEN; i++) {
		int v = vin_value(vin[i]);
		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	int rem = sum % 11;
	return rem == 10 ? 'X' : (char)('0' + rem);
}

enum sheet_reason sheet_vin_classify(const char *norm, size_t n_chars)
{
	if (n_chars != SHEET_VIN_LEN || strlen(norm) != SHEET_VIN_LEN)
		return n_chars != SHEET_VIN_LEN ? SHEET_INVALID_LENGTH : SHEET_INVALID_CHARACTERS;
	for (int i = 0; i < SHEET_VIN_LEN; i++)
		if (vin_value(norm[i]) < 0)
			return SHEET_INVALID_CHARACTERS;
	return sheet_vin_check_char(norm) == norm[8] ? SHEET_VIN_OK : SHEET_INVALID_CHECK_DIGIT;
}

static int is_vin_name(const char *s, size_t len)
{
	static const char *const names[] = {"VIN", "VIN码", "车架号", "车辆识别代号"};
	while (len > 0 && *s == ' ')
		s++, len--;
	while (len > 0 && s[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == len && memcmp(s, names[i], len) == 0)
			return 1;
	return 0;
}

int sheet_is_vin_header(const char *cell, size_t len)
{
	char buf[64];

	if (len == 0 || len > 256)	/* a header cell is short; a long one is text */
		return 0;
	int n = normalize(cell, len, buf, sizeof buf, WS_TRIM);
	if (n <= 0 || n > 20)
		return 0;
	if (is_vin_name(buf, strlen(buf)))
		return 1;
	/* Two names of the column in one header, "车架号(VIN)", "VIN/车架号":
	 * every part between brackets, slashes or bars is a name (NFKC has
	 * made full-width brackets ASCII). */
	int parts = 0;
	for (const char *p = buf; *p;) {
		size_t k = strcspn(p, "()/|");
		if (k > 0) {
			if (!is_vin_name(p, k))
				return 0;
			parts++;
		}
		p += k;
		if (*p)
			p++;
	}
	return parts >= 2;
}
