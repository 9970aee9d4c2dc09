/* Crossing capacity (DOMAIN.md, issue 11): how many trucks (heavy trucks,
 * counted without trailers) or vehicles (commodity vehicles) may cross on a
 * Beijing-time date, as a whole day or split into slots.
 *
 * The model, in the database (migration 4):
 *   capacity_settings      one row: booking horizon (days ahead a date opens),
 *                          cut-off (minutes before a slot's end, or the day's
 *                          end, when it stops taking bookings), grace (minutes
 *                          either side of the slot a release code is valid),
 *                          the limit on submits in flight per organisation
 *   capacity_org_caps      per kind: most units one organisation may hold on
 *                          one date (0: no cap)
 *   capacity_defaults      per kind and ISO weekday: the day's layout (one row
 *                          slot '' for a whole day, or one row per slot); no
 *                          row: closed
 *   capacity_counters      per date, kind and slot: capacity, taken, open,
 *                          explicit. A date has rows once the bureau sets it
 *                          or a booking first takes from it (then copied from
 *                          its weekday's defaults, inside that transaction)
 *   capacity_org_counters  per organisation, date and kind: units taken
 *   capacity_holds         per booking: what it took (date, slot, units), so
 *                          that giving back is exact
 *   capacity_expiries      per expired booking: units booked and passed (the
 *                          no-show report)
 *
 * Never exceeded: capacity is taken by one conditional UPDATE
 *   UPDATE capacity_counters SET taken = taken + n
 *    WHERE day = ? AND kind = ? AND slot = ? AND open = 1 AND taken + n <= capacity
 * run inside the caller's transaction, the same one that changes the
 * booking's state (SQLite: BEGIN IMMEDIATE serialises writers; PostgreSQL:
 * the row lock and the re-check of the WHERE clause under READ COMMITTED).
 * Nothing is read in one transaction and written in another.
 *
 * Transaction steps (capacity_take, capacity_give_back, capacity_move) take
 * a connection already inside a transaction; the caller commits or rolls
 * back. The other functions borrow a connection for their call.
 *
 * For approval and release (issue 12): a rejection or the bureau's cancel
 * that goes through store_booking_transition gives back by itself (the
 * `capacity` step sees the booking stop holding). Any other transaction that
 * ends a booking's hold calls capacity_give_back(c, booking_id, 0) inside
 * it. A release code's validity window is capacity_window() in
 * core/crossing.h (the slot, or the whole Beijing day, widened by the grace
 * that capacity_grace_minutes() reads). */
#ifndef KOUAN_STORE_CAPACITY_H
#define KOUAN_STORE_CAPACITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/crossing.h"
#include "core/domain.h"
#include "core/error.h"

struct store;
struct conn;

/* The named limits of what the bureau sets (CAPACITY_UNITS_MAX, ...) are in
 * the domain table, core/domain.h, served by GET /api/v1/domain. */
#define CAPACITY_NEAREST_MAX 5		/* dates offered when one is full */
#define CAPACITY_INFLIGHT_LEASE_S 60	/* an in-flight mark older than this is forgotten (a crashed server) */
#define CAPACITY_KIND_MAX 24		/* bytes of a kind code, with the NUL */
#define CAPACITY_WEEKDAYS 7

struct capacity_settings {
	int horizon_days;
	int cutoff_minutes;
	int grace_minutes;
	int inflight_limit;	/* 0: off */
};

/* A day's layout as the bureau gives it: n == 0 closed; one entry with slot
 * "" a whole day; otherwise slots that do not overlap, in order. */
struct capacity_layout {
	size_t n;
	struct {
		char slot[CROSSING_SLOT_LEN + 1];
		int64_t capacity;
	} slots[CAPACITY_SLOTS_MAX];
};

struct capacity_slot {
	char slot[CROSSING_SLOT_LEN + 1];	/* "" for a whole day */
	int64_t capacity, taken, free;
	int open;		/* takes bookings now: date open, within the horizon, before the cut-off */
};

struct capacity_day {
	int64_t day;		/* crossing.h day number */
	int open;		/* some slot takes bookings now */
	int closed;		/* closed by the bureau or by its weekday's defaults */
	int explicit_set;	/* set by the bureau for this date */
	int64_t capacity, taken, free;
	size_t n;		/* 0 when closed with nothing set */
	struct capacity_slot slots[CAPACITY_SLOTS_MAX];
};

/* What a booking takes: its organisation, kind, date, slot ("" or NULL for a
 * whole day) and units (truck_count for heavy trucks, vehicles for commodity
 * vehicles; at least 1). */
struct capacity_claim {
	int64_t booking_id;
	int64_t org_id;
	const char *kind;
	const char *date;	/* YYYY-MM-DD */
	const char *slot;
	int64_t units;
};

/* Why a claim was refused as K_VALIDATION_FAILED (a field of the booking). */
enum capacity_problem {
	CAPACITY_PROBLEM_NONE = 0,
	CAPACITY_DATE_REQUIRED,		/* crossing_date missing */
	CAPACITY_DATE_INVALID,		/* crossing_date not YYYY-MM-DD */
	CAPACITY_SLOT_REQUIRED,		/* the day has slots and none is named */
	CAPACITY_SLOT_INVALID,		/* not HH:MM-HH:MM, or a slot on a whole day */
	CAPACITY_SLOT_UNKNOWN,		/* not one of the day's slots */
};

/* 1 when kind is a booking kind capacity is kept for. */
int capacity_kind_valid(const char *kind);
/* 0 when layout is acceptable (slots well formed, in order, not
 * overlapping, capacities within CAPACITY_UNITS_MAX); else -1 with *bad the
 * index of the first bad entry. */
int capacity_layout_check(const struct capacity_layout *layout, size_t *bad);
/* 0 when s is acceptable; else -1. */
int capacity_settings_check(const struct capacity_settings *s);

/* ---- Transaction steps: c is inside the caller's transaction. ---- */

/* Take claim->units of the claimed date and slot, record the hold, count
 * them against the organisation's cap. Errors: K_VALIDATION_FAILED with
 * *problem set; K_CAPACITY_FULL (full, closed, past its cut-off, outside the
 * horizon or in the past); K_ORG_CAP_REACHED; K_CONFLICT (the booking
 * already holds capacity); K_DB_UNAVAILABLE. */
enum kerr capacity_take(const struct conn *c, const struct capacity_claim *claim, int64_t now,
	enum capacity_problem *problem) KOUAN_MUST_USE;
/* Give back what booking_id holds, except kept_units (units that crossed:
 * they stay taken); forgets the hold. K_OK when it holds nothing. Called on
 * withdraw, cancel, rejection and expiry. */
enum kerr capacity_give_back(const struct conn *c, int64_t booking_id, int64_t kept_units) KOUAN_MUST_USE;
/* Give back what claim->booking_id holds and take claim instead: both or
 * neither (the caller rolls back on an error). Errors as capacity_take. */
enum kerr capacity_move(const struct conn *c, const struct capacity_claim *claim, int64_t now,
	enum capacity_problem *problem) KOUAN_MUST_USE;
/* The grace window of the settings, read inside the transaction. */
enum kerr capacity_grace_minutes(const struct conn *c, int *grace) KOUAN_MUST_USE;

/* A booking's change of state as the capacity step sees it (bookings.c,
 * transition_steps): it takes when the booking starts holding (submit), and
 * gives back when it stops (withdraw, cancel, rejection, expiry). */
struct capacity_booking_change {
	int64_t booking_id;
	int was_holding, holds;
	int expiring;		/* expiry: units that crossed stay taken, the no-show is recorded */
	int over_inflight;	/* the organisation has too many submits in flight: K_RATE_LIMITED, checked last */
	int64_t now;
	enum capacity_problem problem;	/* filled on K_VALIDATION_FAILED */
};
/* The claim is the booking's own crossing_date, slot, kind and units:
 * truck_count (trucks without trailers) for heavy trucks, its vehicle rows
 * for commodity vehicles. Errors as capacity_take. */
enum kerr capacity_booking_step(const struct conn *c, struct capacity_booking_change *ch) KOUAN_MUST_USE;
/* Move booking_id (submitted or released) to date and slot: its row and
 * its capacity in one transaction, with a history row, or nothing changes.
 * K_WRONG_STATE when the booking is in another state; K_NOT_FOUND; errors
 * of capacity_take. */
enum kerr store_capacity_move_booking(struct store *st, int64_t booking_id, const char *date, const char *slot,
	int64_t actor_id, int64_t now, const char *why, enum capacity_problem *problem) KOUAN_MUST_USE;
/* Closing a date that holds bookings: first no new booking may take from
 * it (its counters stop taking), then the bureau moves each holder
 * elsewhere, then the date is closed. *ids: the bookings holding the date,
 * at most max of them. */
enum kerr store_capacity_stop_taking(struct store *st, const char *kind, int64_t day) KOUAN_MUST_USE;
enum kerr store_capacity_holders(struct store *st, const char *kind, int64_t day, int64_t *ids, size_t max, size_t *n)
	KOUAN_MUST_USE;

/* Expire every submitted or released booking whose slot (or day) plus
 * grace ended before now, each through the booking's own change of state
 * (action expire): its conditional UPDATE lets one server expire a booking
 * once however many run this at the same moment. *expired gets how many
 * this call expired. */
enum kerr store_capacity_expire(struct store *st, int64_t now, int *expired) KOUAN_MUST_USE;

/* No-shows per organisation over the crossing dates from..to (day numbers):
 * expired bookings, their units, the units that crossed. */
struct capacity_no_show {
	int64_t org_id;
	char org_name[128];
	int64_t bookings, units, passed;
};
/* *out: an array of *n rows, most units missed first; free() it. */
enum kerr store_capacity_no_shows(struct store *st, int64_t from, int64_t to, struct capacity_no_show **out,
	size_t *n) KOUAN_MUST_USE;

/* ---- Reading and setting, each its own transaction. ---- */

enum kerr store_capacity_settings_get(struct store *st, struct capacity_settings *out) KOUAN_MUST_USE;
/* K_VALIDATION_FAILED when capacity_settings_check refuses s. */
enum kerr store_capacity_settings_set(struct store *st, const struct capacity_settings *s) KOUAN_MUST_USE;
/* The per-organisation cap of kind (0: off). */
enum kerr store_capacity_org_cap_get(struct store *st, const char *kind, int64_t *cap) KOUAN_MUST_USE;
enum kerr store_capacity_org_cap_set(struct store *st, const char *kind, int64_t cap) KOUAN_MUST_USE;
/* out[0..6]: Monday..Sunday. */
enum kerr store_capacity_defaults_get(struct store *st, const char *kind,
	struct capacity_layout out[CAPACITY_WEEKDAYS]) KOUAN_MUST_USE;
/* weekday 1..7; replaces that weekday's layout for dates not yet set or
 * booked. */
enum kerr store_capacity_default_set(struct store *st, const char *kind, int weekday,
	const struct capacity_layout *layout) KOUAN_MUST_USE;

/* The days from..to (day numbers, at most CAPACITY_RANGE_MAX) of kind as
 * seen at now; *out is an array of *n days the caller frees with free(). */
enum kerr store_capacity_days(struct store *st, const char *kind, int64_t from, int64_t to, int64_t now,
	struct capacity_day **out, size_t *n) KOUAN_MUST_USE;
/* Set one date exactly as layout says (n == 0 closes it), opening it when
 * closed. K_CAPACITY_BELOW_TAKEN when a slot would hold less than is taken
 * or a slot that holds bookings would go: *blocking names it ("" for the
 * whole day). */
enum kerr store_capacity_set_day(struct store *st, const char *kind, int64_t day,
	const struct capacity_layout *layout, char blocking[CROSSING_SLOT_LEN + 1]) KOUAN_MUST_USE;
/* Up to max dates (day numbers, nearest first) around day with at least
 * units free in some slot, as seen at now. */
enum kerr store_capacity_nearest(struct store *st, const char *kind, int64_t day, int64_t units, int64_t now,
	int64_t *out, size_t max, size_t *n) KOUAN_MUST_USE;

/* Submits in flight per organisation, shared by every server through the
 * database. capacity_inflight_enter: *admitted 0 when limit (>0) are
 * already in flight; every admitted enter is matched by one leave. */
enum kerr store_capacity_inflight_enter(struct store *st, int64_t org_id, int limit, int64_t now, int *admitted)
	KOUAN_MUST_USE;
enum kerr store_capacity_inflight_leave(struct store *st, int64_t org_id) KOUAN_MUST_USE;

/* Demo: both kinds open every weekday as a whole day of demo_units, horizon
 * 14 days, cut-off 30 minutes; only where the bureau has set nothing yet. */
enum kerr store_capacity_demo_seed(struct store *st, int64_t demo_units) KOUAN_MUST_USE;

#endif
