/* libFuzzer driver: the plate and VIN normalisers and checks (src/validate,
 * src/sheet/vin_rules.c) on one text. Asserted beside "no crash":
 *  - code_normalise (how a booking keeps plates and VINs) is bounded,
 *    idempotent, keeps valid UTF-8 valid and leaves a recognised plate as it is;
 *  - sheet_vin_normalize (VIN lists) is bounded and idempotent, and what it
 *    classifies as a VIN passes vin_is_valid;
 *  - a check digit or character computed for a text makes that text valid
 *    once written in its place (VIN position 9, ISO 6346, GB 32100). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sheet/sheet.h"
#include "validate/validate.h"

#define FUZZ_TEXT_MAX 512
#define FUZZ_SHEET_CAP (SHEET_VIN_LEN * 4 + 1)	/* the VIN list reader's buffer (collect.c) */
#define VIN_CHECK_POS 8

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int codes_utf8_ok(const char *s, size_t len)
{
	json_t *t = json_stringn(s, len);
	json_decref(t);
	return t != NULL;
}

static void codes_keep_check(const char *s, size_t len)
{
	char a[CODE_TEXT_MAX + 1], b[CODE_TEXT_MAX + 1];
	size_t n = code_normalise(s, a);
	CHECK(n <= CODE_TEXT_MAX && strlen(a) == n);
	CHECK(code_normalise(a, b) == n && memcmp(a, b, n + 1) == 0);
	if (codes_utf8_ok(s, len))
		CHECK(codes_utf8_ok(a, n));
	bool tr = false;
	enum plate_form f = plate_form(s, len, &tr);
	if (f != PLATE_NONE) {
		bool tr2 = false;
		CHECK(n == len && memcmp(a, s, len) == 0);
		CHECK(plate_form(a, n, &tr2) == f && tr2 == tr);
	}
	if (vin_is_valid(s, len))
		CHECK(n == len && vin_is_valid(a, n));
}

static void codes_sheet_vin_check(const char *s, size_t len)
{
	char a[FUZZ_SHEET_CAP], b[FUZZ_SHEET_CAP];
	int n = sheet_vin_normalize(s, len, a, sizeof a);
	if (n < 0)
		return;
	size_t chars = 0;
	for (const char *p = a; *p; p++)
		chars += ((unsigned char)*p & 0xc0u) != 0x80u;
	CHECK(strlen(a) < sizeof a && chars <= (size_t)n);
	if (chars == (size_t)n)	/* not cut at the buffer's end: normalising again changes nothing */
		CHECK(sheet_vin_normalize(a, strlen(a), b, sizeof b) == n && strcmp(a, b) == 0);
	if (sheet_vin_classify(a, (size_t)n) == SHEET_VIN_OK) {
		CHECK(vin_is_valid(a, strlen(a)));
		CHECK(sheet_vin_check_char(a) == a[VIN_CHECK_POS]);
	}
}

static void codes_check_digits(const char *s, size_t len)
{
	char t[USCC_LEN + 1];
	char c = vin_check_digit(s, len);
	if (c != 0) {
		memcpy(t, s, VIN_LEN);
		t[VIN_CHECK_POS] = c;
		CHECK(vin_is_valid(t, VIN_LEN) && vin_check_digit(t, VIN_LEN) == c);
	}
	if (len >= CONTAINER_LEN) {
		int d = container_check_digit(s, CONTAINER_LEN);
		if (d >= 0) {
			memcpy(t, s, CONTAINER_LEN);
			t[CONTAINER_LEN - 1] = (char)('0' + d % 10);
			CHECK(container_is_valid(t, CONTAINER_LEN));
		}
	}
	if (len >= USCC_LEN && (c = uscc_check_char(s, USCC_LEN)) != 0) {
		memcpy(t, s, USCC_LEN);
		t[USCC_LEN - 1] = c;
		CHECK(uscc_is_valid(t, USCC_LEN));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_TEXT_MAX)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	size_t len = strlen(s);	/* the API's texts end at a NUL */
	codes_keep_check(s, len);
	codes_sheet_vin_check(s, len);
	codes_check_digits(s, len);
	char digits[DECLNO_DIGITS_MAX];
	CHECK(declno_digits(s, digits, sizeof digits) < sizeof digits);
	(void)declno_direction(s, len);
	(void)phone_form(s, len);
	free(s);
	return 0;
}
