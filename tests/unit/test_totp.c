/* TOTP (auth/totp.c) against RFC 6238's SHA-1 test vectors (appendix B; the
 * last six of their eight digits), and the step a code is matched to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth/totp.h"

static const unsigned char SECRET[] = "12345678901234567890";	/* RFC 6238's SHA-1 key */
#define SECRET_LEN 20

static void rfc6238_vectors(void **state)
{
	(void)state;
	static const struct { int64_t t; const char *code; } v[] = {
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"},
		{2000000000, "279037"}, {20000000000, "353130"},
	};
	assert_true(totp_available());
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char out[TOTP_DIGITS + 1];
		assert_int_equal(totp_code(SECRET, SECRET_LEN, v[i].t, out), K_OK);
		assert_string_equal(out, v[i].code);
	}
}

static void check_finds_the_step(void **state)
{
	(void)state;
	int64_t now = 1234567890, step = 0;
	char prev[TOTP_DIGITS + 1];
	assert_int_equal(totp_code(SECRET, SECRET_LEN, now - TOTP_STEP_S, prev), K_OK);
	assert_int_equal(totp_check(SECRET, SECRET_LEN, now, 1, "005924", &step), K_OK);
	assert_int_equal(step, now / TOTP_STEP_S);
	assert_int_equal(totp_check(SECRET, SECRET_LEN, now, 1, prev, &step), K_OK);
	assert_int_equal(step, now / TOTP_STEP_S - 1);
	assert_int_equal(totp_check(SECRET, SECRET_LEN, now, 0, prev, &step), K_NOT_FOUND);
	assert_int_equal(totp_check(SECRET, SECRET_LEN, now, 1, "12345", &step), K_NOT_FOUND);
	assert_int_equal(totp_check(SECRET, SECRET_LEN, now, 1, "abcdef", &step), K_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_vectors),
		cmocka_unit_test(check_finds_the_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
