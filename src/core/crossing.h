/* Crossing dates and slots (DOMAIN.md "Time"): a crossing date is a calendar
 * date in Beijing time (UTC+8, no daylight saving), a slot a span of that
 * date written "HH:MM-HH:MM" (the end may be 24:00). Pure functions: no
 * clock is read here, every "now" is passed in (Unix seconds, UTC).
 *
 * Days are counted from 1970-01-01 (day 0), so that adding days is adding
 * integers; crossing_date_parse and crossing_date_format convert. */
#ifndef KOUAN_CORE_CROSSING_H
#define KOUAN_CORE_CROSSING_H

#include <stdint.h>

#define CROSSING_UTC_OFFSET_S (8 * 3600)	/* Beijing time */
#define CROSSING_DATE_LEN 10			/* YYYY-MM-DD */
#define CROSSING_SLOT_LEN 11			/* HH:MM-HH:MM */
#define CROSSING_DAY_MINUTES (24 * 60)
#define CROSSING_YEAR_MIN 2000
#define CROSSING_YEAR_MAX 2199

/* "YYYY-MM-DD" (exactly, a real date between the years above) -> *day.
 * Returns 0, or -1 for anything else. */
int crossing_date_parse(const char *s, int64_t *day);
/* day -> "YYYY-MM-DD" in out (CROSSING_DATE_LEN + 1 bytes). */
void crossing_date_format(int64_t day, char out[CROSSING_DATE_LEN + 1]);
/* The Beijing date at the instant now. */
int64_t crossing_today(int64_t now);
/* ISO weekday of day: 1 Monday .. 7 Sunday. */
int crossing_weekday(int64_t day);
/* The instant (UTC seconds) of minute `minute` of Beijing date day. */
int64_t crossing_instant(int64_t day, int minute);

/* "HH:MM-HH:MM" with start before end, minutes of the day (end up to 24:00)
 * -> *start, *end. Returns 0, or -1 for anything else. */
int crossing_slot_parse(const char *s, int *start, int *end);

/* The span a booking of day (and slot, NULL or "" for the whole day) may
 * cross in, widened by grace_minutes on both sides: [*from, *until) in UTC
 * seconds. This is the validity window of a release code and the deadline of
 * expiry. Returns 0, or -1 when the date or slot is not well formed. */
int capacity_window(const char *date, const char *slot, int grace_minutes, int64_t *from, int64_t *until);

#endif
