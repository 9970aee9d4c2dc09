/* Beijing calendar dates as day numbers (the civil-from-days algorithm:
 * proleptic Gregorian calendar, eras of 400 years), and slots. */
#include "core/crossing.h"

#include <stdio.h>
#include <string.h>

#define SECONDS_PER_DAY 86400
#define DAYS_PER_ERA 146097		/* 400 Gregorian years */
#define EPOCH_SHIFT 719468		/* days from 0000-03-01 to 1970-01-01 */
#define ISO_THURSDAY 4			/* 1970-01-01 */
#define MINUTES_PER_HOUR 60
#define HOURS_PER_DAY 24

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * DAYS_PER_ERA + doe - EPOCH_SHIFT;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += EPOCH_SHIFT;
	int64_t era = (z >= 0 ? z : z - DAYS_PER_ERA + 1) / DAYS_PER_ERA;
	int64_t doe = z - era * DAYS_PER_ERA;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int crossing_date_parse(const char *s, int64_t *day)
{
	if (s == NULL || strlen(s) != CROSSING_DATE_LEN || s[4] != '-' || s[7] != '-')
		return -1;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < CROSSING_YEAR_MIN || y > CROSSING_YEAR_MAX || m < 1 || m > 12 || d < 1)
		return -1;
	int64_t z = days_from_civil(y, m, d);
	int ry, rm, rd;
	civil_from_days(z, &ry, &rm, &rd);
	if (rm != m || rd != d)
		return -1;	/* 02-30 and the like */
	*day = z;
	return 0;
}

void crossing_date_format(int64_t day, char out[CROSSING_DATE_LEN + 1])
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, CROSSING_DATE_LEN + 1, "%04d-%02d-%02d", y, m, d);
}

int64_t crossing_today(int64_t now)
{
	int64_t local = now + CROSSING_UTC_OFFSET_S;
	return (local >= 0 ? local : local - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY;
}

int crossing_weekday(int64_t day)
{
	int64_t w = (day + ISO_THURSDAY - 1) % 7;
	return (int)(w < 0 ? w + 7 : w) + 1;
}

int64_t crossing_instant(int64_t day, int minute)
{
	return day * SECONDS_PER_DAY + (int64_t)minute * 60 - CROSSING_UTC_OFFSET_S;
}

/* "HH:MM" -> minutes of the day (24:00 allowed when end), or -1. */
static int clock_minutes(const char *s, int end)
{
	if (s[2] != ':')
		return -1;
	int h = digits(s, 2), m = digits(s + 3, 2);
	if (h < 0 || m < 0 || m >= MINUTES_PER_HOUR)
		return -1;
	if (h > HOURS_PER_DAY || (h == HOURS_PER_DAY && (!end || m != 0)))
		return -1;
	return h * MINUTES_PER_HOUR + m;
}

int crossing_slot_parse(const char *s, int *start, int *end)
{
	if (s == NULL || strlen(s) != CROSSING_SLOT_LEN || s[5] != '-')
		return -1;
	int a = clock_minutes(s, 0), b = clock_minutes(s + 6, 1);
	if (a < 0 || b < 0 || a >= b)
		return -1;
	*start = a;
	*end = b;
	return 0;
}

int capacity_window(const char *date, const char *slot, int grace_minutes, int64_t *from, int64_t *until)
{
	int64_t day;
	int start = 0, end = CROSSING_DAY_MINUTES;
	if (crossing_date_parse(date, &day) != 0)
		return -1;
	if (slot != NULL && slot[0] != '\0' && crossing_slot_parse(slot, &start, &end) != 0)
		return -1;
	*from = crossing_instant(day, start - grace_minutes);
	*until = crossing_instant(day, end + grace_minutes);
	return 0;
}
