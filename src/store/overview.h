/* What the bureau looks at: the history of every change of state, searched
 * (never edited: the platform has no call that writes it but the booking's
 * own transition), and a day's overview. */
#ifndef KOUAN_STORE_OVERVIEW_H
#define KOUAN_STORE_OVERVIEW_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

#define HISTORY_LIMIT_DEFAULT 50
#define HISTORY_LIMIT_MAX 1000	/* rows one page (or one export) holds */
#define HISTORY_QUERY_MAX 64
#define HOURS_A_DAY 24
/* A declaration prefix of this many bookings or more walks the history
 * newest first; fewer are looked up through their bookings. */
#define HISTORY_DENSE_BOOKINGS 4000
/* A walk from the newest row (a dense declaration prefix, an action or an
 * actor) reads at most this many history rows; a page it does not fill
 * there is K_SEARCH_TOO_BROAD (a year's prefix: its rows are all old). */
#define HISTORY_WALK_ROWS 20000

struct history_filter {
	int64_t booking_id;	/* 0: any */
	const char *declaration;	/* digits: a prefix of the declaration number; "" any */
	const char *action;	/* an action code, or "" */
	const char *actor;	/* a username, or "" */
	int64_t from, to;	/* at in [from, to); 0: open */
	int64_t cursor;		/* ids below it; 0 from the newest */
	int limit;
	int64_t dense_bookings;	/* 0: HISTORY_DENSE_BOOKINGS (the tests choose fewer) */
	int64_t walk_rows;	/* 0: HISTORY_WALK_ROWS (the tests choose fewer) */
};
/* Newest first: a new array of {"id","booking_id","action","from_state",
 * "to_state","actor","at","reason","declaration_no","organisation"}. */
enum kerr store_history_search(struct store *st, const struct history_filter *f, json_t **items, int64_t *next_cursor)
	KOUAN_MUST_USE;

/* The overview of crossing date `date` (YYYY-MM-DD, Beijing), whose day is
 * [day_from, day_from + 24 h): {"bookings": [{"kind","state","count"}],
 * "pending": [{"site_id","site_name","pending","oldest_submitted_at"}] (every
 * approver's, now), "passages_by_hour": [24 counts, Beijing hours]}. */
enum kerr store_overview(struct store *st, const char *date, int64_t day_from, json_t **out) KOUAN_MUST_USE;

#endif
