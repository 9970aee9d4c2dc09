/* Validators: cases from each standard's own examples and from the forms of
 * the fixtures README. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "validate/validate.h"

#define S(x) x, strlen(x)

static void vin_checks(void **state)
{
	(void)state;
	/* the worked example of the North American check digit, adopted by
	 * ISO 3779 / GB 16735: remainder 10 is written X */
	assert_int_equal(vin_check_digit(S("1M8GDM9AXKP042788")), 'X');
	assert_true(vin_is_valid(S("1M8GDM9AXKP042788")));
	assert_true(vin_is_valid(S("11111111111111111")));
	assert_true(vin_is_valid(S("LGWFF6A98PR477992")));
	assert_true(vin_is_valid(S("LJ11EKS26TL118049")));
	assert_false(vin_is_valid(S("LGWFF6A97PR477992")));	/* wrong check digit */
	assert_false(vin_is_valid(S("LGWFF6A98PR47799")));	/* 16 characters */
	assert_false(vin_is_wellformed(S("LGWFF6A98PR47799O")));	/* O is not in the alphabet */
	assert_false(vin_is_wellformed(S("IGWFF6A98PR477992")));
	assert_false(vin_is_wellformed(S("QGWFF6A98PR477992")));
	assert_false(vin_is_wellformed(S("lgwff6a98pr477992")));	/* upper case only */
	assert_int_equal(vin_check_digit(S("ORDKZ260209337805")), 0);
	assert_false(vin_is_valid(NULL, 0));
}

static void container_checks(void **state)
{
	(void)state;
	/* ISO 6346 Annex A example */
	assert_int_equal(container_check_digit(S("CSQU3054383")), 3);
	assert_true(container_is_valid(S("CSQU3054383")));
	assert_true(container_is_valid(S("MSKU4341309")));
	assert_true(container_is_valid(S("MRKU6630335")));
	assert_false(container_is_valid(S("CSQU3054384")));
	assert_false(container_is_wellformed(S("CSQX3054383")));	/* category U, J or Z */
	assert_false(container_is_wellformed(S("CSQU305438")));
	assert_false(container_is_wellformed(S("CS1U3054383")));
	assert_int_equal(container_check_digit(S("csqu3054383")), -1);
}

static void declno_checks(void **state)
{
	(void)state;
	assert_int_equal(declno_direction(S("940220240000224219")), DECLNO_EXPORT);
	assert_int_equal(declno_direction(S("021720261000014887")), DECLNO_IMPORT);
	assert_int_equal(declno_direction(S("940220242000224219")), DECLNO_INVALID);	/* 9th digit 0/1 */
	assert_int_equal(declno_direction(S("94022024000022421")), DECLNO_INVALID);	/* 17 digits */
	assert_int_equal(declno_direction(S("94022024000022421X")), DECLNO_INVALID);
	assert_int_equal(declno_direction(S("940212340000224219")), DECLNO_INVALID);	/* year 1234 */
	assert_true(declno_is_valid(S("940220260001648482")));
}

static void uscc_checks(void **state)
{
	(void)state;
	/* GB 32100-2015 check character, on codes from the standard's
	 * commentary and from the fixtures */
	assert_true(uscc_is_valid(S("91350100M000100Y43")));
	assert_int_equal(uscc_check_char(S("91350100M000100Y4")), '3');
	assert_true(uscc_is_valid(S("9134040321PRHKUU28")));
	assert_true(uscc_is_valid(S("91130130MAD18X603B")));
	assert_false(uscc_is_valid(S("91350100M000100Y44")));
	assert_false(uscc_is_valid(S("91350100M000100Y4")));
	assert_false(uscc_is_valid(S("9135010IM000100Y43")));	/* I is not in the alphabet */
}

static void plate_checks(void **state)
{
	(void)state;
	bool tr;
	assert_int_equal(plate_form(S("新F12345"), &tr), PLATE_CN);
	assert_false(tr);
	assert_int_equal(plate_form(S("豫AK3521"), &tr), PLATE_CN);
	assert_int_equal(plate_form(S("新F1A234"), &tr), PLATE_CN);
	assert_int_equal(plate_form(S("陕B9779P"), &tr), PLATE_CN);
	assert_int_equal(plate_form(S("新FA1B23"), &tr), PLATE_NONE);	/* two letters */
	assert_int_equal(plate_form(S("新F1O234"), &tr), PLATE_NONE);	/* never O */
	assert_int_equal(plate_form(S("新AD12345"), &tr), PLATE_CN_NEW_ENERGY);
	assert_int_equal(plate_form(S("新A12345F"), &tr), PLATE_CN_NEW_ENERGY);
	assert_int_equal(plate_form(S("新F1234挂"), &tr), PLATE_CN_TRAILER);
	assert_true(tr);
	assert_int_equal(plate_form(S("123ABC02"), &tr), PLATE_KZ);
	assert_false(tr);
	assert_int_equal(plate_form(S("123ABC02挂"), &tr), PLATE_KZ);
	assert_true(tr);
	assert_int_equal(plate_form(S("01KG123ABC"), &tr), PLATE_KG);
	assert_int_equal(plate_form(S("01A123BC"), &tr), PLATE_UZ);
	assert_int_equal(plate_form(S("A123BC77"), &tr), PLATE_RU);
	assert_int_equal(plate_form(S("A123BC124"), &tr), PLATE_RU);
	assert_int_equal(plate_form(S("20240315"), &tr), PLATE_NONE);	/* a voyage date */
	assert_int_equal(plate_form(S("CMR5040729"), &tr), PLATE_NONE);
	assert_int_equal(plate_form(S("京F12345"), &tr), PLATE_CN);
	assert_int_equal(plate_form(S("车F12345"), &tr), PLATE_NONE);	/* not a province */
	assert_int_equal(plate_form(S("挂"), &tr), PLATE_NONE);
	assert_true(plate_is_province(0x65B0));	/* 新 */
	/* \xe4 z \xac would decode to 京 if the continuation bytes were not checked (fuzz_codes) */
	assert_int_equal(plate_form(S("\xe4z\xacQU3045"), &tr), PLATE_NONE);
}

/* How bookings keep plates and VINs: upper case, no blanks, cut only between characters. */
static void code_keeping(void **state)
{
	(void)state;
	char out[CODE_TEXT_MAX + 1], again[CODE_TEXT_MAX + 1], in[3 * CODE_TEXT_MAX];
	assert_int_equal(code_normalise("xin f 12345", out), 9);
	assert_string_equal(out, "XINF12345");
	assert_int_equal(code_normalise("新f\t1234 挂", out), strlen("新F1234挂"));
	assert_string_equal(out, "新F1234挂");
	/* 63 digits then 挂: the three bytes of 挂 do not fit, none of them is kept */
	memset(in, '8', CODE_TEXT_MAX - 1);
	strcpy(in + CODE_TEXT_MAX - 1, "挂");
	assert_int_equal(code_normalise(in, out), CODE_TEXT_MAX - 1);
	assert_int_equal(strspn(out, "8"), CODE_TEXT_MAX - 1);
	assert_int_equal(code_normalise(out, again), CODE_TEXT_MAX - 1);
	assert_string_equal(again, out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vin_checks),
		cmocka_unit_test(container_checks),
		cmocka_unit_test(declno_checks),
		cmocka_unit_test(uscc_checks),
		cmocka_unit_test(plate_checks),
		cmocka_unit_test(code_keeping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
