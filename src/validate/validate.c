/* VIN, container, declaration number, credit code and plate checks. */
#include "validate/validate.h"

#include <stdint.h>
#include <string.h>

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }

/* ---- VIN (ISO 3779, GB 16735) ---- */

static int vin_value(int c)
{
	static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
	static const int values[] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
	if (is_digit(c))
		return c - '0';
	for (int i = 0; letters[i]; i++)
		if (letters[i] == c)
			return values[i];
	return -1;
}

bool vin_is_wellformed(const char *s, size_t len)
{
	if (!s || len != VIN_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (vin_value((unsigned char)s[i]) < 0)
			return false;
	return true;
}

char vin_check_digit(const char *s, size_t len)
{
	static const int weights[VIN_LEN] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
	if (!vin_is_wellformed(s, len))
		return 0;
	int sum = 0;
	for (size_t i = 0; i < VIN_LEN; i++)
		sum += vin_value((unsigned char)s[i]) * weights[i];
	int r = sum % 11;
	return r == 10 ? 'X' : (char)('0' + r);
}

bool vin_is_valid(const char *s, size_t len)
{
	char c = vin_check_digit(s, len);
	return c != 0 && s[8] == c;
}

/* ---- ISO 6346 container numbers ---- */

static int container_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (!is_upper(c))
		return -1;
	/* A = 10, skipping the multiples of 11 (11, 22, 33). */
	int v = 10 + (c - 'A');
	v += (v >= 11) + (v >= 21) + (v >= 31);
	return v;
}

bool container_is_wellformed(const char *s, size_t len)
{
	if (!s || len != CONTAINER_LEN)
		return false;
	for (int i = 0; i < 3; i++)
		if (!is_upper((unsigned char)s[i]))
			return false;
	if (s[3] != 'U' && s[3] != 'J' && s[3] != 'Z')
		return false;
	for (int i = 4; i < 11; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	return true;
}

int container_check_digit(const char *s, size_t len)
{
	if (!container_is_wellformed(s, len))
		return -1;
	long sum = 0;
	for (int i = 0; i < 10; i++)
		sum += (long)container_value((unsigned char)s[i]) << i;
	return (int)(sum % 11 % 10);
}

bool container_is_valid(const char *s, size_t len)
{
	int d = container_check_digit(s, len);
	return d >= 0 && s[10] - '0' == d;
}

/* ---- 海关编号 ---- */

enum declno_direction declno_direction(const char *s, size_t len)
{
	if (!s || len != DECLNO_LEN)
		return DECLNO_INVALID;
	for (size_t i = 0; i < len; i++)
		if (!is_digit((unsigned char)s[i]))
			return DECLNO_INVALID;
	int year = (s[4] - '0') * 1000 + (s[5] - '0') * 100 + (s[6] - '0') * 10 + (s[7] - '0');
	if (year < 1980 || year > 2099)
		return DECLNO_INVALID;
	if (s[8] == '0')
		return DECLNO_EXPORT;
	if (s[8] == '1')
		return DECLNO_IMPORT;
	return DECLNO_INVALID;
}

bool declno_is_valid(const char *s, size_t len)
{
	return declno_direction(s, len) != DECLNO_INVALID;
}

/* ---- GB 32100 unified social credit code ---- */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(int c)
{
	const char *p = c ? strchr(uscc_alphabet, c) : NULL;
	return p ? (int)(p - uscc_alphabet) : -1;
}

char uscc_check_char(const char *s, size_t len)
{
	static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	if (!s || len < 17)
		return 0;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value((unsigned char)s[i]);
		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	int c = 31 - sum % 31;
	return uscc_alphabet[c == 31 ? 0 : c];
}

bool uscc_is_valid(const char *s, size_t len)
{
	if (len != USCC_LEN)
		return false;
	char c = uscc_check_char(s, len);
	return c != 0 && s[17] == c;
}

/* ---- plates ---- */

bool plate_is_province(unsigned cp)
{
	static const uint16_t provinces[] = {
		0x4eac, 0x6d25, 0x6caa, 0x6e1d, 0x5180, 0x8c6b, 0x4e91, 0x8fbd, 0x9ed1, 0x6e58, 0x7696,
		0x9c81, 0x65b0, 0x82cf, 0x6d59, 0x8d63, 0x9102, 0x6842, 0x7518, 0x664b, 0x8499, 0x9655,
		0x5409, 0x95fd, 0x8d35, 0x7ca4, 0x9752, 0x85cf, 0x5ddd, 0x5b81, 0x743c,
	};	/* 京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼 */
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		if (provinces[i] == cp)
			return true;
	return false;
}

/* A pattern over ASCII: 'D' digit, 'L' letter, anything else literal. */
static bool ascii_matches(const char *s, size_t len, const char *pat)
{
	if (strlen(pat) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (pat[i] == 'D' ? !is_digit(c) : pat[i] == 'L' ? !is_upper(c) : c != pat[i])
			return false;
	}
	return true;
}

static bool cn_tail_ok(const char *s, size_t n)
{
	/* five characters: digits, at most one letter (never I or O) */
	int letters = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (is_upper(c)) {
			if (c == 'I' || c == 'O')
				return false;
			letters++;
		} else if (!is_digit(c)) {
			return false;
		}
	}
	return letters <= 1;
}

static enum plate_form plate_cn(const char *s, size_t len, bool trailer)
{
	/* s starts after the province character */
	if (len < 1 || !is_upper((unsigned char)s[0]))
		return PLATE_NONE;
	const char *t = s + 1;
	size_t n = len - 1;
	if (trailer)
		return ascii_matches(t, n, "DDDD") ? PLATE_CN_TRAILER : PLATE_NONE;
	if (n == 5 && cn_tail_ok(t, n))
		return PLATE_CN;
	if (n == 6) {
		if ((t[0] == 'D' || t[0] == 'F') && cn_tail_ok(t + 1, 5))
			return PLATE_CN_NEW_ENERGY;
		if ((t[5] == 'D' || t[5] == 'F') && ascii_matches(t, 5, "DDDDD"))
			return PLATE_CN_NEW_ENERGY;
	}
	return PLATE_NONE;
}

static enum plate_form plate_foreign(const char *s, size_t len)
{
	if (ascii_matches(s, len, "DDDLLLDD"))
		return PLATE_KZ;
	if (ascii_matches(s, len, "DDKGDDDLLL"))
		return PLATE_KG;
	if (ascii_matches(s, len, "DDLDDDLL"))
		return PLATE_UZ;
	if (ascii_matches(s, len, "LDDDLLDD") || ascii_matches(s, len, "LDDDLLDDD"))
		return PLATE_RU;
	return PLATE_NONE;
}

enum plate_form plate_form(const char *s, size_t len, bool *trailer)
{
	static const char gua[] = "\xe6\x8c\x82";	/* 挂 */
	bool tr = false;
	if (trailer)
		*trailer = false;
	if (!s || len < 4)
		return PLATE_NONE;
	if (len > 3 && memcmp(s + len - 3, gua, 3) == 0) {
		tr = true;
		len -= 3;
	}
	enum plate_form f = PLATE_NONE;
	unsigned char c0 = (unsigned char)s[0];
	/* a province is a three-byte character: 1110xxxx 10xxxxxx 10xxxxxx */
	if ((c0 & 0xf0) == 0xe0 && len >= 3 && ((unsigned char)s[1] & 0xc0) == 0x80 && ((unsigned char)s[2] & 0xc0) == 0x80) {
		unsigned cp = ((c0 & 0x0fu) << 12) | (((unsigned char)s[1] & 0x3fu) << 6) | ((unsigned char)s[2] & 0x3fu);
		if (plate_is_province(cp))
			f = plate_cn(s + 3, len - 3, tr);
	} else {
		f = plate_foreign(s, len);
	}
	if (f != PLATE_NONE && trailer)
		*trailer = tr;
	return f;
}

#define UTF8_SEQ_MAX 4

/* The bytes of the character starting at s: the byte and the continuation
 * bytes after it. */
static size_t char_bytes(const char *s)
{
	size_t n = 1;
	while (n < UTF8_SEQ_MAX && ((unsigned char)s[n] & 0xc0u) == 0x80u)
		n++;
	return n;
}

size_t code_normalise(const char *s, char *out)
{
	size_t o = 0;
	while (*s) {
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		size_t n = char_bytes(s);
		if (o + n > CODE_TEXT_MAX)
			break;
		for (size_t i = 0; i < n; i++, s++)
			out[o++] = (*s >= 'a' && *s <= 'z') ? (char)(*s - 'a' + 'A') : *s;
	}
	out[o] = '\0';
	return o;
}

/* ---- phone numbers ---- */

#define PHONE_DIGITS_MAX 15		/* E.164 */
#define PHONE_INTL_MIN 7
#define CN_MOBILE_DIGITS 11
#define CN_LANDLINE_MIN 10		/* 0 + area code + number */
#define CN_LANDLINE_MAX 12

/* The digits of s into out (at most PHONE_DIGITS_MAX); -1 on a character
 * that is not a digit or a separator, or too many digits. */
static int phone_digits(const char *s, size_t len, char *out, bool *plus)
{
	int n = 0;
	*plus = false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '+' && n == 0 && !*plus) {
			*plus = true;
			continue;
		}
		if (ch == ' ' || ch == '-' || ch == '(' || ch == ')')
			continue;
		if (ch < '0' || ch > '9' || n == PHONE_DIGITS_MAX)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n;
}

static bool cn_mobile(const char *d, int n)
{
	return n == CN_MOBILE_DIGITS && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

enum phone_form phone_form(const char *s, size_t len)
{
	char d[PHONE_DIGITS_MAX + 1];
	bool plus;
	if (len > PHONE_TEXT_MAX)
		return PHONE_NONE;
	int n = phone_digits(s, len, d, &plus);
	if (n <= 0)
		return PHONE_NONE;
	bool china = n > 2 && d[0] == '8' && d[1] == '6';
	if (china && cn_mobile(d + 2, n - 2))
		return PHONE_CN_MOBILE;
	if (plus)
		return !china && d[0] != '0' && n >= PHONE_INTL_MIN ? PHONE_INTERNATIONAL : PHONE_NONE;
	if (cn_mobile(d, n))
		return PHONE_CN_MOBILE;
	if (d[0] == '0' && d[1] != '0' && n >= CN_LANDLINE_MIN && n <= CN_LANDLINE_MAX)
		return PHONE_CN_LANDLINE;
	return PHONE_NONE;
}

size_t declno_digits(const char *s, char *out, size_t out_len)
{
	size_t o = 0;
	for (; s && *s && o + 1 < out_len; s++)
		if (*s >= '0' && *s <= '9')
			out[o++] = *s;
	if (out_len > 0)
		out[o] = '\0';
	return o;
}
