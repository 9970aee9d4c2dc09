/* Crossing dates and slots in Beijing time (core/crossing.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/crossing.h"

static void dates(void **state)
{
	(void)state;
	int64_t day = 0;
	char out[CROSSING_DATE_LEN + 1];
	assert_int_equal(crossing_date_parse("1970-01-01", &day), -1);	/* before CROSSING_YEAR_MIN */
	assert_int_equal(crossing_date_parse("2026-12-06", &day), 0);
	assert_int_equal(day, 20793);
	crossing_date_format(day, out);
	assert_string_equal(out, "2026-12-06");
	assert_int_equal(crossing_weekday(day), 7);	/* a Sunday */
	assert_int_equal(crossing_weekday(day + 1), 1);
	assert_int_equal(crossing_date_parse("2028-02-29", &day), 0);	/* leap year */
	crossing_date_format(day + 1, out);
	assert_string_equal(out, "2028-03-01");
	assert_int_equal(crossing_date_parse("2027-02-29", &day), -1);
	assert_int_equal(crossing_date_parse("2026-13-01", &day), -1);
	assert_int_equal(crossing_date_parse("2026-1-01", &day), -1);
	assert_int_equal(crossing_date_parse("2026-12-06 ", &day), -1);
	assert_int_equal(crossing_date_parse("2026/12/06", &day), -1);
	assert_int_equal(crossing_date_parse(NULL, &day), -1);
}

static void beijing_today(void **state)
{
	(void)state;
	int64_t d;
	assert_int_equal(crossing_date_parse("2026-12-06", &d), 0);
	/* 2026-12-05 16:00 UTC is midnight in Beijing */
	assert_int_equal(crossing_today(1796486400), d);
	assert_int_equal(crossing_today(1796486399), d - 1);
	assert_int_equal(crossing_instant(d, 0), 1796486400);
}

static void slots(void **state)
{
	(void)state;
	int a, b;
	assert_int_equal(crossing_slot_parse("09:00-10:30", &a, &b), 0);
	assert_int_equal(a, 540);
	assert_int_equal(b, 630);
	assert_int_equal(crossing_slot_parse("23:00-24:00", &a, &b), 0);
	assert_int_equal(b, CROSSING_DAY_MINUTES);
	assert_int_equal(crossing_slot_parse("10:00-09:00", &a, &b), -1);
	assert_int_equal(crossing_slot_parse("10:00-10:00", &a, &b), -1);
	assert_int_equal(crossing_slot_parse("24:00-24:00", &a, &b), -1);
	assert_int_equal(crossing_slot_parse("09:60-10:00", &a, &b), -1);
	assert_int_equal(crossing_slot_parse("9:00-10:00", &a, &b), -1);
	assert_int_equal(crossing_slot_parse("09:00-24:30", &a, &b), -1);
}

static void windows(void **state)
{
	(void)state;
	int64_t from, until;
	/* 09:00-10:00 Beijing on 2026-12-10 with two hours' grace: 07:00-12:00
	 * Beijing, 2026-12-09 23:00 to 2026-12-10 04:00 UTC */
	assert_int_equal(capacity_window("2026-12-10", "09:00-10:00", 120, &from, &until), 0);
	assert_int_equal(from, 1796857200);
	assert_int_equal(until, 1796875200);
	/* a whole day: Beijing midnight to midnight, widened */
	assert_int_equal(capacity_window("2026-12-06", NULL, 0, &from, &until), 0);
	assert_int_equal(from, 1796486400);
	assert_int_equal(until - from, 86400);
	assert_int_equal(capacity_window("2026-12-06", "", 30, &from, &until), 0);
	assert_int_equal(until - from, 86400 + 3600);
	assert_int_equal(capacity_window("2026-12-06", "9-10", 0, &from, &until), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates),
		cmocka_unit_test(beijing_today),
		cmocka_unit_test(slots),
		cmocka_unit_test(windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
