/* Crossing capacity: the counters and the steps that take and give them
 * back inside a booking's transaction (capacity.h has the model). */
#include "store/capacity.h"
#include "store/release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/domain.h"
#include "core/log.h"
#include "store/bookings.h"
#include "store/store_internal.h"

#define SETTINGS_SQL "SELECT horizon_days, cutoff_minutes, grace_minutes, inflight_limit FROM capacity_settings WHERE id = 1"
#define WHOLE_DAY ""

int capacity_kind_valid(const char *kind)
{
	return kind != NULL && domain_kind(kind) >= 0;
}

int capacity_layout_check(const struct capacity_layout *l, size_t *bad)
{
	int prev_end = 0;
	if (l->n > CAPACITY_SLOTS_MAX)
		return *bad = CAPACITY_SLOTS_MAX, -1;
	for (size_t i = 0; i < l->n; i++) {
		int start, end;
		*bad = i;
		if (l->slots[i].capacity < 0 || l->slots[i].capacity > CAPACITY_UNITS_MAX)
			return -1;
		if (l->slots[i].slot[0] == '\0') {
			if (l->n != 1)
				return -1;	/* a whole day is the day's only entry */
			continue;
		}
		if (crossing_slot_parse(l->slots[i].slot, &start, &end) != 0 || start < prev_end)
			return -1;
		prev_end = end;
	}
	return 0;
}

int capacity_settings_check(const struct capacity_settings *s)
{
	return s->horizon_days >= 0 && s->horizon_days <= CAPACITY_HORIZON_MAX && s->cutoff_minutes >= 0 &&
		s->cutoff_minutes <= CAPACITY_CUTOFF_MAX && s->grace_minutes >= 0 &&
		s->grace_minutes <= CAPACITY_GRACE_MAX && s->inflight_limit >= 0 &&
		s->inflight_limit <= CAPACITY_INFLIGHT_MAX ? 0 : -1;
}

/* ---- small readers ---- */

static enum kerr settings_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct capacity_settings *o = arg;
	o->horizon_days = (int)c->drv->column_int64(s, 0);
	o->cutoff_minutes = (int)c->drv->column_int64(s, 1);
	o->grace_minutes = (int)c->drv->column_int64(s, 2);
	o->inflight_limit = (int)c->drv->column_int64(s, 3);
	return K_OK;
}

static enum kerr read_settings(const struct conn *c, struct capacity_settings *out)
{
	int rows = 0;
	enum kerr e = store_q_run(c, SETTINGS_SQL, settings_row, out, NULL, &rows, "");
	return e == K_OK && rows == 0 ? K_INTERNAL : e;
}

enum kerr capacity_grace_minutes(const struct conn *c, int *grace)
{
	struct capacity_settings s;
	enum kerr e = read_settings(c, &s);
	if (e == K_OK)
		*grace = s.grace_minutes;
	return e;
}

static enum kerr read_org_cap(const struct conn *c, const char *kind, int64_t *cap)
{
	*cap = 0;
	return store_q_run(c, "SELECT cap FROM capacity_org_caps WHERE kind = ?", store_q_row_int64, cap, NULL, NULL,
		"s", kind);
}

/* ---- taking ---- */

/* The date's counters exist once: the first booking of a date the bureau
 * has not set copies its weekday's defaults. The capacity_days row is
 * inserted first: a second transaction doing the same waits on it and then
 * inserts nothing. */
static enum kerr ensure_day(const struct conn *c, const char *kind, const char *date, int64_t day, int64_t now)
{
	int64_t inserted = 0, weekday = crossing_weekday(day);
	/* A weekday closed by its defaults leaves no row: setting its defaults
	 * later still opens its dates. */
	enum kerr e = store_q_run(c, "INSERT INTO capacity_days (day, kind, explicit, updated_at) SELECT ?, ?, 0, ?"
		" WHERE EXISTS (SELECT 1 FROM capacity_defaults WHERE kind = ? AND weekday = ?)"
		" ON CONFLICT (day, kind) DO NOTHING", NULL, NULL, &inserted, NULL, "ssisi", date, kind, now, kind, weekday);
	if (e != K_OK || inserted == 0)
		return e;
	return store_q_run(c, "INSERT INTO capacity_counters (day, kind, slot, capacity, taken, open)"
		" SELECT ?, kind, slot, capacity, 0, 1 FROM capacity_defaults WHERE kind = ? AND weekday = ?",
		NULL, NULL, NULL, NULL, "ssi", date, kind, weekday);
}

struct slot_names {
	size_t n;
	int whole;
	int found;		/* the claimed slot is among them */
	const char *want;
};

static enum kerr slot_name_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct slot_names *sn = arg;
	const char *slot = c->drv->column_text(s, 0);
	sn->n++;
	if (slot[0] == '\0')
		sn->whole = 1;
	if (strcmp(slot, sn->want) == 0)
		sn->found = 1;
	return K_OK;
}

/* Is the claimed slot one of the date's? A closed date with no counters
 * answers K_CAPACITY_FULL. */
static enum kerr check_slot(const struct conn *c, const char *kind, const char *date, const char *slot,
	enum capacity_problem *problem)
{
	struct slot_names sn = {.want = slot};
	enum kerr e = store_q_run(c, "SELECT slot FROM capacity_counters WHERE day = ? AND kind = ?", slot_name_row, &sn,
		NULL, NULL, "ss", date, kind);
	if (e != K_OK)
		return e;
	if (sn.n == 0)
		return K_CAPACITY_FULL;
	if (sn.whole && slot[0] != '\0')
		*problem = CAPACITY_SLOT_INVALID;
	else if (!sn.whole && slot[0] == '\0')
		*problem = CAPACITY_SLOT_REQUIRED;
	else if (!sn.found)
		*problem = CAPACITY_SLOT_UNKNOWN;
	return *problem == CAPACITY_PROBLEM_NONE ? K_OK : K_VALIDATION_FAILED;
}

/* 1 when a booking of day and slot may still be taken at now. */
static int bookable(const struct capacity_settings *set, int64_t day, const char *slot, int64_t now)
{
	int64_t today = crossing_today(now);
	int start = 0, end = CROSSING_DAY_MINUTES;
	if (day < today || day > today + set->horizon_days)
		return 0;
	if (slot[0] != '\0' && crossing_slot_parse(slot, &start, &end) != 0)
		return 0;
	return now < crossing_instant(day, end - set->cutoff_minutes);
}

/* Well-formed date and slot, or the problem. */
static enum capacity_problem claim_problem(const struct capacity_claim *cl, int64_t *day)
{
	int a, b;
	if (cl->date == NULL || cl->date[0] == '\0')
		return CAPACITY_DATE_REQUIRED;
	if (crossing_date_parse(cl->date, day) != 0)
		return CAPACITY_DATE_INVALID;
	if (cl->slot != NULL && cl->slot[0] != '\0' && crossing_slot_parse(cl->slot, &a, &b) != 0)
		return CAPACITY_SLOT_INVALID;
	return CAPACITY_PROBLEM_NONE;
}

/* The conditional UPDATE: the check and the taking are one statement. */
static enum kerr take_counter(const struct conn *c, const struct capacity_claim *cl, const char *slot)
{
	int64_t changed = 0;
	enum kerr e = store_q_run(c, "UPDATE capacity_counters SET taken = taken + ?"
		" WHERE day = ? AND kind = ? AND slot = ? AND open = 1 AND taken + ? <= capacity",
		NULL, NULL, &changed, NULL, "isssi", cl->units, cl->date, cl->kind, slot, cl->units);
	return e == K_OK && changed == 0 ? K_CAPACITY_FULL : e;
}

/* The organisation's counter for the date, conditional on its cap when
 * there is one. */
static enum kerr take_org(const struct conn *c, const struct capacity_claim *cl)
{
	int64_t cap = 0, changed = 0;
	enum kerr e = read_org_cap(c, cl->kind, &cap);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO capacity_org_counters (org_id, day, kind, taken) VALUES (?, ?, ?, 0)"
			" ON CONFLICT (org_id, day, kind) DO NOTHING", NULL, NULL, NULL, NULL, "iss", cl->org_id, cl->date,
			cl->kind);
	if (e == K_OK)
		e = store_q_run(c, "UPDATE capacity_org_counters SET taken = taken + ?"
			" WHERE org_id = ? AND day = ? AND kind = ? AND (? = 0 OR taken + ? <= ?)",
			NULL, NULL, &changed, NULL, "iissiii", cl->units, cl->org_id, cl->date, cl->kind, cap, cl->units,
			cap);
	return e == K_OK && changed == 0 ? K_ORG_CAP_REACHED : e;
}

static enum kerr record_hold(const struct conn *c, const struct capacity_claim *cl, const char *slot, int64_t now)
{
	return store_q_run(c, "INSERT INTO capacity_holds (booking_id, org_id, day, kind, slot, units, taken_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)", NULL, NULL, NULL, NULL, "iisssii", cl->booking_id, cl->org_id, cl->date,
		cl->kind, slot, cl->units, now);
}

enum kerr capacity_take(const struct conn *c, const struct capacity_claim *cl, int64_t now,
	enum capacity_problem *problem)
{
	struct capacity_settings set;
	int64_t day = 0;
	const char *slot = cl->slot ? cl->slot : WHOLE_DAY;
	*problem = claim_problem(cl, &day);
	if (*problem != CAPACITY_PROBLEM_NONE)
		return K_VALIDATION_FAILED;
	if (!capacity_kind_valid(cl->kind) || cl->units < 1)
		return K_INTERNAL;
	enum kerr e = read_settings(c, &set);
	if (e == K_OK)
		e = ensure_day(c, cl->kind, cl->date, day, now);
	if (e == K_OK)
		e = check_slot(c, cl->kind, cl->date, slot, problem);
	if (e == K_OK && !bookable(&set, day, slot, now))
		e = K_CAPACITY_FULL;
	/* The date's counter is one row every booking of the date updates: its
	 * lock is held until the transaction ends, so it is taken last. */
	if (e == K_OK)
		e = record_hold(c, cl, slot, now);
	if (e == K_OK)
		e = take_org(c, cl);
	if (e == K_OK)
		e = take_counter(c, cl, slot);
	return e;
}

/* ---- giving back ---- */

struct hold {
	int64_t org_id, units;
	char day[CROSSING_DATE_LEN + 1];
	char kind[CAPACITY_KIND_MAX];
	char slot[CROSSING_SLOT_LEN + 1];
	int found;
};

static enum kerr hold_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct hold *h = arg;
	h->org_id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, h->day, sizeof h->day);
	store_q_text(c, s, 2, h->kind, sizeof h->kind);
	store_q_text(c, s, 3, h->slot, sizeof h->slot);
	h->units = c->drv->column_int64(s, 4);
	h->found = 1;
	return K_OK;
}

enum kerr capacity_give_back(const struct conn *c, int64_t booking_id, int64_t kept_units)
{
	struct hold h = {0};
	/* DELETE ... RETURNING: only one transaction can forget a hold. */
	enum kerr e = store_q_run(c, "DELETE FROM capacity_holds WHERE booking_id = ?"
		" RETURNING org_id, day, kind, slot, units", hold_row, &h, NULL, NULL, "i", booking_id);
	if (e != K_OK || !h.found)
		return e;
	int64_t back = h.units - (kept_units < 0 ? 0 : kept_units);
	if (back <= 0)
		return K_OK;
	e = store_q_run(c, "UPDATE capacity_counters SET taken = CASE WHEN taken > ? THEN taken - ? ELSE 0 END"
		" WHERE day = ? AND kind = ? AND slot = ?", NULL, NULL, NULL, NULL, "iisss", back, back, h.day, h.kind,
		h.slot);
	if (e == K_OK)
		e = store_q_run(c, "UPDATE capacity_org_counters SET taken = CASE WHEN taken > ? THEN taken - ? ELSE 0 END"
			" WHERE org_id = ? AND day = ? AND kind = ?", NULL, NULL, NULL, NULL, "iiiss", back, back, h.org_id,
			h.day, h.kind);
	return e;
}

enum kerr capacity_move(const struct conn *c, const struct capacity_claim *cl, int64_t now,
	enum capacity_problem *problem)
{
	*problem = CAPACITY_PROBLEM_NONE;
	enum kerr e = capacity_give_back(c, cl->booking_id, 0);
	return e == K_OK ? capacity_take(c, cl, now, problem) : e;
}

/* ---- a booking's claim ---- */

/* Tables of later issues (the gate's passages, notifications) are used
 * once they exist. */
static enum kerr table_exists(const struct conn *c, const char *name, int64_t *exists)
{
	*exists = 0;
	return store_q_run(c, strcmp(c->drv->name, "sqlite") == 0
		? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
		: "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()",
		store_q_row_int64, exists, NULL, NULL, "s", name);
}

#define BOOKING_CLAIM_SQL "SELECT org_id, kind, COALESCE(crossing_date, ''), COALESCE(slot, ''), fields, state FROM bookings WHERE id = ?"

struct booking_claim {
	struct capacity_claim claim;
	char kind[CAPACITY_KIND_MAX];
	char date[CROSSING_DATE_LEN + 2];	/* one byte more: a longer value shows as invalid */
	char slot[CROSSING_SLOT_LEN + 2];
	char state[CAPACITY_KIND_MAX];
	int64_t truck_count;
	int found;
};

/* truck_count of the fields document: a number, or digits in a string. */
static int64_t truck_count_of(const char *fields_json)
{
	json_t *doc = json_loads(fields_json, 0, NULL);
	json_t *v = json_object_get(doc, "truck_count");
	int64_t n = 0;
	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (json_is_string(v) && json_string_length(v) < 8)
		n = strtol(json_string_value(v), NULL, 10);
	json_decref(doc);
	return n;
}

static enum kerr booking_claim_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct booking_claim *b = arg;
	b->claim.org_id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, b->kind, sizeof b->kind);
	store_q_text(c, s, 2, b->date, sizeof b->date);
	store_q_text(c, s, 3, b->slot, sizeof b->slot);
	b->truck_count = truck_count_of(c->drv->column_text(s, 4));
	store_q_text(c, s, 5, b->state, sizeof b->state);
	b->found = 1;
	return K_OK;
}

/* Read the booking's claim (at least one unit). */
static enum kerr read_claim(const struct conn *c, int64_t booking_id, struct booking_claim *b)
{
	int64_t units = 0;
	memset(b, 0, sizeof *b);
	enum kerr e = store_q_run(c, BOOKING_CLAIM_SQL, booking_claim_row, b, NULL, NULL, "i", booking_id);
	if (e == K_OK && !b->found)
		return K_NOT_FOUND;
	if (e == K_OK && domain_kind(b->kind) == KIND_COMMODITY_VEHICLE)
		e = store_q_run(c, "SELECT COUNT(*) FROM booking_vehicles WHERE booking_id = ?", store_q_row_int64, &units,
			NULL, NULL, "i", booking_id);
	else
		units = b->truck_count;
	b->claim = (struct capacity_claim){booking_id, b->claim.org_id, b->kind, b->date, b->slot, units > 0 ? units : 1};
	return e;
}

/* Units of the booking recorded at the gate. Passages belong to the gate
 * (issue 12): counted from its `gate_passages` table (one row per plate,
 * trailers aside, or VIN that passed) once that table exists; without it
 * nothing has passed and all the capacity returns. */
static enum kerr passed_units(const struct conn *c, int64_t booking_id, int64_t *passed)
{
	int64_t exists = 0;
	*passed = 0;
	enum kerr e = table_exists(c, "gate_passages", &exists);
	if (e == K_OK && exists)
		e = store_q_run(c, "SELECT COUNT(*) FROM gate_passages WHERE booking_id = ?", store_q_row_int64, passed, NULL, NULL,
			"i", booking_id);
	return e;
}

/* Expiry: what did not pass returns; the no-show is recorded. */
static enum kerr give_back_expired(const struct conn *c, int64_t booking_id, int64_t now)
{
	struct booking_claim b;
	int64_t passed = 0;
	enum kerr e = read_claim(c, booking_id, &b);
	if (e == K_OK)
		e = passed_units(c, booking_id, &passed);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO capacity_expiries (booking_id, org_id, day, kind, units, passed, expired_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (booking_id) DO NOTHING", NULL, NULL, NULL, NULL, "iissiii",
			booking_id, b.claim.org_id, b.date, b.kind, b.claim.units, passed, now);
	return e == K_OK ? capacity_give_back(c, booking_id, passed) : e;
}

enum kerr capacity_booking_step(const struct conn *c, struct capacity_booking_change *ch)
{
	struct booking_claim b;
	ch->problem = CAPACITY_PROBLEM_NONE;
	if (ch->was_holding == ch->holds)
		return K_OK;	/* approval: submitted -> released keeps what it took */
	if (!ch->holds && ch->expiring)
		return give_back_expired(c, ch->booking_id, ch->now);
	if (!ch->holds)
		return capacity_give_back(c, ch->booking_id, 0);
	enum kerr e = read_claim(c, ch->booking_id, &b);
	if (e == K_OK)
		e = capacity_take(c, &b.claim, ch->now, &ch->problem);
	return e == K_OK && ch->over_inflight ? K_RATE_LIMITED : e;
}

struct move_job {
	int64_t booking_id, actor_id, now;
	const char *date, *slot, *why;
	enum capacity_problem problem;
};

/* The booking's new date, only while it is submitted or released. */
static enum kerr move_row(const struct conn *c, const struct move_job *m, struct booking_claim *b)
{
	int64_t changed = 0;
	enum kerr e = read_claim(c, m->booking_id, b);
	if (e != K_OK)
		return e;
	e = store_q_run(c, "UPDATE bookings SET crossing_date = ?, slot = ?, version = version + 1, updated_at = ?"
		" WHERE id = ? AND state IN (?, ?)", NULL, NULL, &changed, NULL, "ssiiss", m->date, m->slot, m->now,
		m->booking_id, domain_states[STATE_SUBMITTED].code, domain_states[STATE_RELEASED].code);
	return e == K_OK && changed == 0 ? K_WRONG_STATE : e;
}

/* A move the enterprise did not make (the bureau closed the date) is told
 * to it in the platform's notifications (issue 12's table) where they
 * exist; the history row is written either way. */
static enum kerr tell_moved(const struct conn *c, int64_t booking_id, int64_t org_id, const char *reason, int64_t now)
{
	int64_t exists = 0;
	enum kerr e = table_exists(c, "notifications", &exists);
	if (e == K_OK && exists)
		e = store_q_run(c, "INSERT INTO notifications (org_id, booking_id, event, reason, created_at)"
			" VALUES (?, ?, 'moved', ?, ?)", NULL, NULL, NULL, NULL, "iisi", org_id, booking_id, reason, now);
	return e;
}

static enum kerr move_tx(const struct conn *c, void *arg)
{
	struct move_job *m = arg;
	struct booking_claim b;
	char reason[256];
	enum kerr e = move_row(c, m, &b);
	if (e != K_OK)
		return e;
	snprintf(reason, sizeof reason, "%s%s%s %s -> %s %s", m->why ? m->why : "", m->why ? ": " : "", b.date, b.slot,
		m->date, m->slot ? m->slot : "");
	b.claim.date = m->date;
	b.claim.slot = m->slot;
	e = capacity_move(c, &b.claim, m->now, &m->problem);
	/* a released booking's code is for the old slot: revoke it, issue the next (issue 12) */
	if (e == K_OK && strcmp(b.state, domain_states[STATE_RELEASED].code) == 0)
		e = store_release_moved_on(c, m->booking_id, m->now);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO booking_history (booking_id, action, from_state, to_state, actor_id, at, reason)"
			" VALUES (?, 'move', ?, ?, ?, ?, ?)", NULL, NULL, NULL, NULL, "isszis", m->booking_id, b.state, b.state,
			m->actor_id, m->now, reason);
	if (e == K_OK && m->why != NULL)
		e = tell_moved(c, m->booking_id, b.claim.org_id, reason, m->now);
	return e;
}

enum kerr store_capacity_move_booking(struct store *st, int64_t booking_id, const char *date, const char *slot,
	int64_t actor_id, int64_t now, const char *why, enum capacity_problem *problem)
{
	struct move_job m = {booking_id, actor_id, now, date, slot && slot[0] ? slot : NULL, why, CAPACITY_PROBLEM_NONE};
	enum kerr e = store_tx(st, move_tx, &m);
	*problem = m.problem;
	return e;
}

enum kerr store_capacity_stop_taking(struct store *st, const char *kind, int64_t day)
{
	char date[CROSSING_DATE_LEN + 1];
	crossing_date_format(day, date);
	return store_q_write(st, 0, "UPDATE capacity_counters SET open = 0 WHERE day = ? AND kind = ?", "ss", date, kind);
}

struct id_rows {
	int64_t *ids;
	size_t n, max;
};

static enum kerr id_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct id_rows *r = arg;
	if (r->n < r->max)
		r->ids[r->n++] = c->drv->column_int64(s, 0);
	return K_OK;
}

enum kerr store_capacity_holders(struct store *st, const char *kind, int64_t day, int64_t *ids, size_t max, size_t *n)
{
	char date[CROSSING_DATE_LEN + 1];
	struct id_rows r = {ids, 0, max};
	crossing_date_format(day, date);
	enum kerr e = store_q_all(st, "SELECT booking_id FROM capacity_holds WHERE day = ? AND kind = ? ORDER BY booking_id",
		id_row, &r, "ss", date, kind);
	*n = r.n;
	return e;
}

/* ---- expiry and no-shows ---- */

#define EXPIRE_BATCH_MAX 1000	/* bookings one run looks at; the next minute takes the rest */

struct expiry_candidates {
	int64_t ids[EXPIRE_BATCH_MAX];
	size_t n;
	int grace;
	int64_t now;
};

static enum kerr candidate_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct expiry_candidates *x = arg;
	int64_t from, until;
	if (x->n < EXPIRE_BATCH_MAX &&
	    capacity_window(c->drv->column_text(s, 1), c->drv->column_text(s, 2), x->grace, &from, &until) == 0 &&
	    until <= x->now)
		x->ids[x->n++] = c->drv->column_int64(s, 0);
	return K_OK;
}

/* Holds whose date is today or earlier, in Beijing time: their windows may
 * have ended. */
static enum kerr expiry_candidates(struct store *st, struct expiry_candidates *x)
{
	struct conn c;
	char today[CROSSING_DATE_LEN + 1];
	crossing_date_format(crossing_today(x->now), today);
	enum kerr e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = capacity_grace_minutes(&c, &x->grace);
	/* A booking that passed keeps its hold (its places were used): only the
	 * states expiry may start from are looked at. */
	if (e == K_OK)
		e = store_q_run(&c, "SELECT h.booking_id, h.day, h.slot FROM capacity_holds h JOIN bookings b ON b.id = h.booking_id"
			" WHERE h.day <= ? AND b.state IN (?, ?) ORDER BY h.day, h.booking_id", candidate_row, x, NULL, NULL, "sss",
			today, domain_states[STATE_SUBMITTED].code, domain_states[STATE_RELEASED].code);
	store_conn_put(st, &c);
	return e;
}

enum kerr store_capacity_expire(struct store *st, int64_t now, int *expired)
{
	struct expiry_candidates *x = xcalloc(1, sizeof *x);
	x->now = now;
	*expired = 0;
	enum kerr e = expiry_candidates(st, x);
	for (size_t i = 0; e == K_OK && i < x->n; i++) {
		struct booking_transition t = {.booking_id = x->ids[i], .action = ACTION_EXPIRE, .to = STATE_EXPIRED,
			.reason = "crossing slot and grace passed"};
		enum kerr te = store_booking_transition(st, &t);
		if (te == K_OK)
			(*expired)++;
		else if (te != K_WRONG_STATE && te != K_NOT_FOUND)
			e = te;	/* another server expired it first: not an error */
	}
	free(x);
	if (*expired > 0)
		log_info("msg=\"bookings expired\" count=%d", *expired);
	return e;
}

struct no_show_rows {
	struct capacity_no_show *v;
	size_t n, cap;
};

static enum kerr no_show_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct no_show_rows *r = arg;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	struct capacity_no_show *o = &r->v[r->n++];
	o->org_id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, o->org_name, sizeof o->org_name);
	o->bookings = c->drv->column_int64(s, 2);
	o->units = c->drv->column_int64(s, 3);
	o->passed = c->drv->column_int64(s, 4);
	return K_OK;
}

enum kerr store_capacity_no_shows(struct store *st, int64_t from, int64_t to, struct capacity_no_show **out, size_t *n)
{
	char a[CROSSING_DATE_LEN + 1], b[CROSSING_DATE_LEN + 1];
	struct no_show_rows r = {0};
	crossing_date_format(from, a);
	crossing_date_format(to, b);
	enum kerr e = store_q_all(st, "SELECT x.org_id, o.name, COUNT(*), SUM(x.units), SUM(x.passed)"
		" FROM capacity_expiries x JOIN organisations o ON o.id = x.org_id WHERE x.day BETWEEN ? AND ?"
		" GROUP BY x.org_id, o.name ORDER BY SUM(x.units) - SUM(x.passed) DESC, o.name", no_show_row, &r, "ss", a, b);
	if (e != K_OK) {
		free(r.v);
		return e;
	}
	*out = r.v;
	*n = r.n;
	return K_OK;
}

/* ---- settings, caps and defaults ---- */

enum kerr store_capacity_settings_get(struct store *st, struct capacity_settings *out)
{
	return store_q_one(st, SETTINGS_SQL, settings_row, out, "");
}

enum kerr store_capacity_settings_set(struct store *st, const struct capacity_settings *s)
{
	if (capacity_settings_check(s) != 0)
		return K_VALIDATION_FAILED;
	return store_q_write(st, 1, "UPDATE capacity_settings SET horizon_days = ?, cutoff_minutes = ?,"
		" grace_minutes = ?, inflight_limit = ?, updated_at = ? WHERE id = 1", "iiiii", (int64_t)s->horizon_days,
		(int64_t)s->cutoff_minutes, (int64_t)s->grace_minutes, (int64_t)s->inflight_limit, (int64_t)time(NULL));
}

enum kerr store_capacity_org_cap_get(struct store *st, const char *kind, int64_t *cap)
{
	*cap = 0;
	if (!capacity_kind_valid(kind))
		return K_VALIDATION_FAILED;
	return store_q_all(st, "SELECT cap FROM capacity_org_caps WHERE kind = ?", store_q_row_int64, cap, "s", kind);
}

enum kerr store_capacity_org_cap_set(struct store *st, const char *kind, int64_t cap)
{
	if (!capacity_kind_valid(kind) || cap < 0 || cap > CAPACITY_UNITS_MAX)
		return K_VALIDATION_FAILED;
	return store_q_write(st, 0, "INSERT INTO capacity_org_caps (kind, cap) VALUES (?, ?)"
		" ON CONFLICT (kind) DO UPDATE SET cap = excluded.cap", "si", kind, cap);
}

static void layout_append(struct capacity_layout *l, const char *slot, int64_t capacity)
{
	if (l->n >= CAPACITY_SLOTS_MAX)
		return;
	snprintf(l->slots[l->n].slot, sizeof l->slots[l->n].slot, "%s", slot);
	l->slots[l->n].capacity = capacity;
	l->n++;
}

static enum kerr default_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct capacity_layout *week = arg;
	int64_t weekday = c->drv->column_int64(s, 0);
	if (weekday >= 1 && weekday <= CAPACITY_WEEKDAYS)
		layout_append(&week[weekday - 1], c->drv->column_text(s, 1), c->drv->column_int64(s, 2));
	return K_OK;
}

static enum kerr read_defaults(const struct conn *c, const char *kind, struct capacity_layout week[CAPACITY_WEEKDAYS])
{
	memset(week, 0, sizeof *week * CAPACITY_WEEKDAYS);
	return store_q_run(c, "SELECT weekday, slot, capacity FROM capacity_defaults WHERE kind = ? ORDER BY weekday, slot",
		default_row, week, NULL, NULL, "s", kind);
}

enum kerr store_capacity_defaults_get(struct store *st, const char *kind, struct capacity_layout out[CAPACITY_WEEKDAYS])
{
	if (!capacity_kind_valid(kind))
		return K_VALIDATION_FAILED;
	struct conn c;
	enum kerr e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = read_defaults(&c, kind, out);
	store_conn_put(st, &c);
	return e;
}

struct default_set {
	const char *kind;
	int64_t weekday;
	const struct capacity_layout *layout;
};

static enum kerr default_set_tx(const struct conn *c, void *arg)
{
	const struct default_set *d = arg;
	enum kerr e = store_q_run(c, "DELETE FROM capacity_defaults WHERE kind = ? AND weekday = ?", NULL, NULL, NULL,
		NULL, "si", d->kind, d->weekday);
	for (size_t i = 0; e == K_OK && i < d->layout->n; i++)
		e = store_q_run(c, "INSERT INTO capacity_defaults (kind, weekday, slot, capacity) VALUES (?, ?, ?, ?)",
			NULL, NULL, NULL, NULL, "sisi", d->kind, d->weekday, d->layout->slots[i].slot,
			d->layout->slots[i].capacity);
	return e;
}

enum kerr store_capacity_default_set(struct store *st, const char *kind, int weekday, const struct capacity_layout *layout)
{
	size_t bad;
	if (!capacity_kind_valid(kind) || weekday < 1 || weekday > CAPACITY_WEEKDAYS || capacity_layout_check(layout, &bad) != 0)
		return K_VALIDATION_FAILED;
	struct default_set d = {kind, weekday, layout};
	return store_tx(st, default_set_tx, &d);
}

/* ---- one date ---- */

struct day_set {
	const char *kind;
	char date[CROSSING_DATE_LEN + 1];
	const struct capacity_layout *layout;
	char *blocking;
	int64_t now;
};

struct taken_rows {
	const struct capacity_layout *layout;
	char *blocking;
	int refused;
};

/* A counter that holds bookings must stay, with at least what it holds. */
static enum kerr taken_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct taken_rows *t = arg;
	const char *slot = c->drv->column_text(s, 0);
	int64_t taken = c->drv->column_int64(s, 1);
	int64_t capacity = -1;
	for (size_t i = 0; i < t->layout->n; i++)
		if (strcmp(t->layout->slots[i].slot, slot) == 0)
			capacity = t->layout->slots[i].capacity;
	if (capacity < taken && !t->refused) {
		t->refused = 1;
		snprintf(t->blocking, CROSSING_SLOT_LEN + 1, "%s", slot);
	}
	return K_OK;
}

static enum kerr day_set_tx(const struct conn *c, void *arg)
{
	const struct day_set *d = arg;
	struct taken_rows t = {d->layout, d->blocking, 0};
	/* The upsert locks the date's row first: a first booking copying the
	 * defaults at the same moment waits for this transaction. */
	enum kerr e = store_q_run(c, "INSERT INTO capacity_days (day, kind, explicit, updated_at) VALUES (?, ?, 1, ?)"
		" ON CONFLICT (day, kind) DO UPDATE SET explicit = 1, updated_at = excluded.updated_at",
		NULL, NULL, NULL, NULL, "ssi", d->date, d->kind, d->now);
	if (e == K_OK)
		e = store_q_run(c, "SELECT slot, taken FROM capacity_counters WHERE day = ? AND kind = ? AND taken > 0",
			taken_row, &t, NULL, NULL, "ss", d->date, d->kind);
	if (e == K_OK && t.refused)
		return K_CAPACITY_BELOW_TAKEN;
	if (e == K_OK)
		e = store_q_run(c, "DELETE FROM capacity_counters WHERE day = ? AND kind = ? AND taken = 0",
			NULL, NULL, NULL, NULL, "ss", d->date, d->kind);
	for (size_t i = 0; e == K_OK && i < d->layout->n; i++)
		e = store_q_run(c, "INSERT INTO capacity_counters (day, kind, slot, capacity, taken, open)"
			" VALUES (?, ?, ?, ?, 0, 1) ON CONFLICT (day, kind, slot) DO UPDATE SET capacity = excluded.capacity,"
			" open = 1", NULL, NULL, NULL, NULL, "sssi", d->date, d->kind, d->layout->slots[i].slot,
			d->layout->slots[i].capacity);
	return e;
}

enum kerr store_capacity_set_day(struct store *st, const char *kind, int64_t day, const struct capacity_layout *layout,
	char blocking[CROSSING_SLOT_LEN + 1])
{
	size_t bad;
	blocking[0] = '\0';
	if (!capacity_kind_valid(kind) || capacity_layout_check(layout, &bad) != 0)
		return K_VALIDATION_FAILED;
	struct day_set d = {.kind = kind, .layout = layout, .blocking = blocking, .now = (int64_t)time(NULL)};
	crossing_date_format(day, d.date);
	return store_tx(st, day_set_tx, &d);
}

/* ---- reading a range of dates ---- */

struct range {
	struct capacity_day *days;
	int64_t from;
	size_t n;
	char have[CAPACITY_RANGE_MAX];	/* the date has a capacity_days row */
};

static struct capacity_day *range_day(struct range *r, const char *date)
{
	int64_t day;
	if (crossing_date_parse(date, &day) != 0 || day < r->from || day >= r->from + (int64_t)r->n)
		return NULL;
	return &r->days[day - r->from];
}

static enum kerr day_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct range *r = arg;
	struct capacity_day *d = range_day(r, c->drv->column_text(s, 0));
	if (d != NULL) {
		r->have[d - r->days] = 1;
		d->explicit_set = (int)c->drv->column_int64(s, 1);
	}
	return K_OK;
}

static enum kerr counter_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct capacity_day *d = range_day(arg, c->drv->column_text(s, 0));
	if (d == NULL || d->n >= CAPACITY_SLOTS_MAX)
		return K_OK;
	struct capacity_slot *sl = &d->slots[d->n++];
	store_q_text(c, s, 1, sl->slot, sizeof sl->slot);
	sl->capacity = c->drv->column_int64(s, 2);
	sl->taken = c->drv->column_int64(s, 3);
	sl->open = (int)c->drv->column_int64(s, 4);
	return K_OK;
}

/* A date with no row of its own follows its weekday's defaults. */
static void fill_from_defaults(struct capacity_day *d, const struct capacity_layout week[CAPACITY_WEEKDAYS])
{
	const struct capacity_layout *l = &week[crossing_weekday(d->day) - 1];
	for (size_t i = 0; i < l->n; i++) {
		snprintf(d->slots[i].slot, sizeof d->slots[i].slot, "%s", l->slots[i].slot);
		d->slots[i].capacity = l->slots[i].capacity;
		d->slots[i].open = 1;
	}
	d->n = l->n;
}

/* What is free now: nothing past the cut-off, outside the horizon or on a
 * closed date. */
static void settle_day(struct capacity_day *d, const struct capacity_settings *set, int64_t now)
{
	d->closed = d->n == 0;
	for (size_t i = 0; i < d->n; i++) {
		struct capacity_slot *sl = &d->slots[i];
		sl->open = sl->open && bookable(set, d->day, sl->slot, now);
		sl->free = sl->open && sl->capacity > sl->taken ? sl->capacity - sl->taken : 0;
		d->capacity += sl->capacity;
		d->taken += sl->taken;
		d->free += sl->free;
		d->open |= sl->open;
	}
}

static enum kerr read_range(const struct conn *c, const char *kind, struct range *r, int64_t now)
{
	struct capacity_settings set;
	struct capacity_layout week[CAPACITY_WEEKDAYS];
	char from[CROSSING_DATE_LEN + 1], to[CROSSING_DATE_LEN + 1];
	crossing_date_format(r->from, from);
	crossing_date_format(r->from + (int64_t)r->n - 1, to);
	enum kerr e = read_settings(c, &set);
	if (e == K_OK)
		e = read_defaults(c, kind, week);
	if (e == K_OK)
		e = store_q_run(c, "SELECT day, explicit FROM capacity_days WHERE kind = ? AND day BETWEEN ? AND ?",
			day_row, r, NULL, NULL, "sss", kind, from, to);
	if (e == K_OK)
		e = store_q_run(c, "SELECT day, slot, capacity, taken, open FROM capacity_counters"
			" WHERE kind = ? AND day BETWEEN ? AND ? ORDER BY day, slot", counter_row, r, NULL, NULL, "sss",
			kind, from, to);
	for (size_t i = 0; e == K_OK && i < r->n; i++) {
		if (!r->have[i])
			fill_from_defaults(&r->days[i], week);
		settle_day(&r->days[i], &set, now);
	}
	return e;
}

enum kerr store_capacity_days(struct store *st, const char *kind, int64_t from, int64_t to, int64_t now,
	struct capacity_day **out, size_t *n)
{
	if (!capacity_kind_valid(kind) || to < from || to - from >= CAPACITY_RANGE_MAX)
		return K_VALIDATION_FAILED;
	struct range r = {.from = from, .n = (size_t)(to - from + 1)};
	r.days = xcalloc(r.n, sizeof *r.days);
	for (size_t i = 0; i < r.n; i++)
		r.days[i].day = from + (int64_t)i;
	struct conn c;
	enum kerr e = store_conn_get(st, &c);
	if (e == K_OK) {
		e = read_range(&c, kind, &r, now);
		store_conn_put(st, &c);
	}
	if (e != K_OK) {
		free(r.days);
		return e;
	}
	*out = r.days;
	*n = r.n;
	return K_OK;
}

static int has_room(const struct capacity_day *d, int64_t units)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->slots[i].free >= units)
			return 1;
	return 0;
}

enum kerr store_capacity_nearest(struct store *st, const char *kind, int64_t day, int64_t units, int64_t now,
	int64_t *out, size_t max, size_t *n)
{
	struct capacity_settings set;
	struct capacity_day *days = NULL;
	size_t nd = 0;
	int64_t today = crossing_today(now);
	*n = 0;
	enum kerr e = store_capacity_settings_get(st, &set);
	int64_t span = set.horizon_days < CAPACITY_RANGE_MAX - 1 ? set.horizon_days : CAPACITY_RANGE_MAX - 1;
	if (e == K_OK)
		e = store_capacity_days(st, kind, today, today + span, now, &days, &nd);
	/* Outwards from the date asked for: the day after before the day before. */
	for (int64_t dist = 0; e == K_OK && *n < max && dist <= span + (day > today ? day - today : today - day); dist++) {
		int64_t cand[2] = {day + dist, day - dist};
		for (int k = 0; k < (dist ? 2 : 1) && *n < max; k++)
			if (cand[k] >= today && cand[k] <= today + span && has_room(&days[cand[k] - today], units))
				out[(*n)++] = cand[k];
	}
	free(days);
	return e;
}

/* ---- in flight ---- */

enum kerr store_capacity_inflight_enter(struct store *st, int64_t org_id, int limit, int64_t now, int *admitted)
{
	int64_t changed = 0;
	*admitted = 1;
	if (limit <= 0)
		return K_OK;
	struct conn c;
	enum kerr e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = store_q_run(&c, "INSERT INTO capacity_inflight (org_id, n, since) VALUES (?, 0, ?)"
		" ON CONFLICT (org_id) DO NOTHING", NULL, NULL, NULL, NULL, "ii", org_id, now);
	/* A mark older than the lease belongs to requests that ended without
	 * leaving (a server killed): start counting again. */
	if (e == K_OK)
		e = store_q_run(&c, "UPDATE capacity_inflight SET n = CASE WHEN since < ? THEN 1 ELSE n + 1 END, since = ?"
			" WHERE org_id = ? AND (n < ? OR since < ?)", NULL, NULL, &changed, NULL, "iiiii",
			now - CAPACITY_INFLIGHT_LEASE_S, now, org_id, (int64_t)limit, now - CAPACITY_INFLIGHT_LEASE_S);
	store_conn_put(st, &c);
	if (e == K_OK)
		*admitted = changed > 0;
	return e;
}

enum kerr store_capacity_inflight_leave(struct store *st, int64_t org_id)
{
	return store_q_write(st, 0, "UPDATE capacity_inflight SET n = n - 1 WHERE org_id = ? AND n > 0", "i", org_id);
}

/* ---- demo ---- */

enum kerr store_capacity_demo_seed(struct store *st, int64_t demo_units)
{
	struct capacity_layout whole = {.n = 1};
	whole.slots[0].capacity = demo_units;
	struct capacity_settings set = {.horizon_days = 14, .cutoff_minutes = 30, .grace_minutes = 120};
	enum kerr e = K_OK;
	for (size_t k = 0; e == K_OK && k < KIND_COUNT; k++) {
		struct capacity_layout week[CAPACITY_WEEKDAYS];
		int any = 0;
		e = store_capacity_defaults_get(st, domain_kinds[k].code, week);
		for (int d = 0; e == K_OK && d < CAPACITY_WEEKDAYS; d++)
			any |= week[d].n > 0;
		for (int d = 0; e == K_OK && !any && d < CAPACITY_WEEKDAYS; d++) {
			e = store_capacity_default_set(st, domain_kinds[k].code, d + 1, &whole);
			if (e == K_CONFLICT)
				e = K_OK;	/* another server seeding at the same moment wrote this weekday (PostgreSQL) */
		}
		if (e == K_OK && !any && k == 0)
			e = store_capacity_settings_set(st, &set);
	}
	return e;
}
