/* Contact phone numbers (validate.h phone_form): Chinese mobiles and
 * landlines, international numbers, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "validate/validate.h"

static enum phone_form form(const char *s)
{
	return phone_form(s, strlen(s));
}

static void chinese_mobiles(void **state)
{
	assert_int_equal(form("13912345678"), PHONE_CN_MOBILE);
	assert_int_equal(form("199 1234 5678"), PHONE_CN_MOBILE);
	assert_int_equal(form("+86 139-1234-5678"), PHONE_CN_MOBILE);
	assert_int_equal(form("8613912345678"), PHONE_CN_MOBILE);
	assert_int_equal(form("12912345678"), PHONE_NONE);	/* 12x is no mobile prefix */
	assert_int_equal(form("1391234567"), PHONE_NONE);	/* 10 digits */
}

static void chinese_landlines(void **state)
{
	assert_int_equal(form("0999-8123456"), PHONE_CN_LANDLINE);	/* Yili, 7 digits */
	assert_int_equal(form("010-12345678"), PHONE_CN_LANDLINE);	/* Beijing, 8 digits */
	assert_int_equal(form("(0991) 1234567"), PHONE_CN_LANDLINE);
	assert_int_equal(form("0012345678"), PHONE_NONE);	/* 00 is an international prefix, not an area */
	assert_int_equal(form("099912"), PHONE_NONE);
}

static void international(void **state)
{
	assert_int_equal(form("+7 701 123 4567"), PHONE_INTERNATIONAL);	/* Kazakhstan */
	assert_int_equal(form("+996 555 123456"), PHONE_INTERNATIONAL);	/* Kyrgyzstan */
	assert_int_equal(form("+998901234567"), PHONE_INTERNATIONAL);	/* Uzbekistan */
	assert_int_equal(form("+86 0999 8123456"), PHONE_NONE);	/* China written as abroad, not a mobile */
	assert_int_equal(form("+12345"), PHONE_NONE);			/* too short */
	assert_int_equal(form("+1234567890123456"), PHONE_NONE);	/* past E.164's 15 digits */
}

static void refused(void **state)
{
	assert_int_equal(form(""), PHONE_NONE);
	assert_int_equal(form("phone"), PHONE_NONE);
	assert_int_equal(form("139+12345678"), PHONE_NONE);
	assert_int_equal(form("13912345678 ext 5"), PHONE_NONE);
	assert_int_equal(form("+ 7 701 123 4567 7 701 123 4567 77"), PHONE_NONE);	/* longer than PHONE_TEXT_MAX */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chinese_mobiles),
		cmocka_unit_test(chinese_landlines),
		cmocka_unit_test(international),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
