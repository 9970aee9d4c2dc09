/* Crossing capacity: the free places of the coming days for every user, the
 * bureau's dates and defaults (store/capacity.h has the model). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/capacity.h"
#include "core/config.h"
#include "core/domain.h"
#include "core/log.h"
#include "store/bookings.h"
#include "store/capacity.h"

#define CAPACITY_RANGE_DEFAULT 14	/* days a GET without `to` returns */

/* ---- JSON of the model ---- */

static json_t *slot_json(const struct capacity_slot *s)
{
	return json_pack("{s:s,s:I,s:I,s:I,s:b}", "slot", s->slot, "capacity", (json_int_t)s->capacity, "taken",
		(json_int_t)s->taken, "free", (json_int_t)s->free, "open", s->open);
}

json_t *capacity_day_json(const struct capacity_day *d)
{
	char date[CROSSING_DATE_LEN + 1];
	json_t *slots = json_array();
	crossing_date_format(d->day, date);
	for (size_t i = 0; i < d->n; i++)
		if (d->slots[i].slot[0] != '\0')
			json_array_append_new(slots, slot_json(&d->slots[i]));
	return json_pack("{s:s,s:b,s:b,s:b,s:I,s:I,s:I,s:o}", "date", date, "open", d->open, "closed", d->closed,
		"explicit", d->explicit_set, "capacity", (json_int_t)d->capacity, "taken", (json_int_t)d->taken, "free",
		(json_int_t)d->free, "slots", slots);
}

static json_t *layout_json(const struct capacity_layout *l)
{
	json_t *slots = json_array();
	json_int_t total = 0;
	for (size_t i = 0; i < l->n; i++) {
		total += l->slots[i].capacity;
		if (l->slots[i].slot[0] != '\0')
			json_array_append_new(slots, json_pack("{s:s,s:I}", "slot", l->slots[i].slot, "capacity",
				(json_int_t)l->slots[i].capacity));
	}
	return json_pack("{s:b,s:I,s:o}", "open", l->n > 0, "capacity", total, "slots", slots);
}

/* ---- reading what the bureau sends ---- */

/* An integer member in [0, max]: 0 with *out set, else the problem. */
static int int_member(json_t *obj, const char *key, int64_t max, int64_t *out, enum field_problem *p)
{
	json_t *v = json_object_get(obj, key);
	*p = v == NULL ? FIELD_REQUIRED : FIELD_INVALID;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

static int slot_start(const char *slot)
{
	int a = 0, b = 0;
	return crossing_slot_parse(slot, &a, &b) == 0 ? a : -1;
}

static int by_start(const void *x, const void *y)
{
	const char *a = x, *b = y;	/* each entry begins with its slot text */
	return slot_start(a) - slot_start(b);
}

static void field_at(struct api_ctx *c, json_t *fields, const char *prefix, const char *name, enum field_problem p)
{
	char f[2 * FIELD_NAME_MAX];
	snprintf(f, sizeof f, "%s%s", prefix, name);
	field_error(c, fields, f, p);
}

static void parse_slot(struct api_ctx *c, json_t *item, size_t i, const char *prefix, json_t *fields,
	struct capacity_layout *out)
{
	char name[FIELD_NAME_MAX];
	const char *slot = json_str(item, "slot");
	int a, b;
	enum field_problem p;
	snprintf(name, sizeof name, "slots[%zu].slot", i);
	if (slot == NULL || crossing_slot_parse(slot, &a, &b) != 0)
		field_at(c, fields, prefix, name, slot == NULL ? FIELD_REQUIRED : FIELD_INVALID);
	else
		snprintf(out->slots[i].slot, sizeof out->slots[i].slot, "%s", slot);
	snprintf(name, sizeof name, "slots[%zu].capacity", i);
	if (int_member(item, "capacity", CAPACITY_UNITS_MAX, &out->slots[i].capacity, &p) != 0)
		field_at(c, fields, prefix, name, p);
}

static void parse_slots(struct api_ctx *c, json_t *slots, const char *prefix, json_t *fields,
	struct capacity_layout *out)
{
	size_t before = json_array_size(fields), bad = 0;
	if (!json_is_array(slots) || json_array_size(slots) == 0 || json_array_size(slots) > CAPACITY_SLOTS_MAX) {
		field_at(c, fields, prefix, "slots", json_is_array(slots) && json_array_size(slots) > 0 ? FIELD_TOO_LONG
			: FIELD_INVALID);
		return;
	}
	out->n = json_array_size(slots);
	for (size_t i = 0; i < out->n; i++)
		parse_slot(c, json_array_get(slots, i), i, prefix, fields, out);
	if (json_array_size(fields) > before)
		return;
	qsort(out->slots, out->n, sizeof out->slots[0], by_start);
	if (capacity_layout_check(out, &bad) != 0)
		field_at(c, fields, prefix, "slots", FIELD_INVALID);	/* slots overlap */
}

void capacity_layout_read(struct api_ctx *c, json_t *obj, const char *prefix, json_t *fields,
	struct capacity_layout *out)
{
	json_t *open = json_object_get(obj, "open");
	json_t *slots = json_object_get(obj, "slots");
	enum field_problem p;
	memset(out, 0, sizeof *out);
	if (open != NULL && !json_is_boolean(open)) {
		field_at(c, fields, prefix, "open", FIELD_INVALID);
		return;
	}
	if (json_is_false(open))
		return;	/* closed */
	if (slots != NULL && !json_is_null(slots)) {
		parse_slots(c, slots, prefix, fields, out);
		return;
	}
	out->n = 1;
	if (int_member(obj, "capacity", CAPACITY_UNITS_MAX, &out->slots[0].capacity, &p) != 0)
		field_at(c, fields, prefix, "capacity", p);
}

/* A kind given in the query or body: NULL after answering 422. */
static const char *kind_or_invalid(struct api_ctx *c, const char *kind)
{
	if (kind != NULL && capacity_kind_valid(kind))
		return kind;
	api_invalid_field(c, "kind", kind == NULL || *kind == '\0' ? FIELD_REQUIRED : FIELD_UNKNOWN_CHOICE);
	return NULL;
}

/* ---- GET /api/v1/capacity?from=&to=&kind= ---- */

static int query_date(struct api_ctx *c, const char *name, int64_t fallback, int64_t *day, json_t *fields)
{
	const char *v = http_query(c->req, name);
	*day = fallback;
	if (v == NULL || *v == '\0')
		return 0;
	if (crossing_date_parse(v, day) == 0)
		return 0;
	field_error(c, fields, name, FIELD_INVALID);
	return -1;
}

void capacity_get(struct api_ctx *c)
{
	const char *kind = kind_or_invalid(c, http_query(c->req, "kind"));
	if (kind == NULL)
		return;
	int64_t now = (int64_t)time(NULL), from, to;
	json_t *fields = json_array();
	int bad = query_date(c, "from", crossing_today(now), &from, fields);
	bad |= query_date(c, "to", from + CAPACITY_RANGE_DEFAULT - 1, &to, fields);
	if (!bad && (to < from || to - from >= CAPACITY_RANGE_MAX)) {
		field_error(c, fields, "to", FIELD_INVALID);
		bad = 1;
	}
	if (bad) {
		api_invalid(c, fields);
		return;
	}
	json_decref(fields);
	struct capacity_day *days = NULL;
	size_t n = 0;
	enum kerr e = store_capacity_days(c->app->store, kind, from, to, now, &days, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, capacity_day_json(&days[i]));
	free(days);
	api_json(c, 200, json_pack("{s:s,s:o}", "kind", kind, "days", arr));
}

/* ---- PUT /api/v1/capacity ---- */

static void answer_day(struct api_ctx *c, const char *kind, int64_t day)
{
	struct capacity_day *d = NULL;
	size_t n = 0;
	enum kerr e = store_capacity_days(c->app->store, kind, day, day, (int64_t)time(NULL), &d, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_json(c, 200, capacity_day_json(&d[0]));
	free(d);
}

void capacity_put_day(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	json_t *fields = json_array();
	const char *kind = json_str(body, "kind"), *date = json_str(body, "date");
	int64_t day = 0;
	struct capacity_layout layout;
	if (kind == NULL || !capacity_kind_valid(kind))
		field_error(c, fields, "kind", kind == NULL ? FIELD_REQUIRED : FIELD_UNKNOWN_CHOICE);
	if (date == NULL || crossing_date_parse(date, &day) != 0)
		field_error(c, fields, "date", date == NULL ? FIELD_REQUIRED : FIELD_INVALID);
	capacity_layout_read(c, body, "", fields, &layout);
	if (api_invalid_if_any(c, fields)) {
		json_decref(body);
		return;
	}
	char blocking[CROSSING_SLOT_LEN + 1];
	char kind_copy[CAPACITY_KIND_MAX];
	snprintf(kind_copy, sizeof kind_copy, "%s", kind);
	json_decref(body);
	enum kerr e = store_capacity_set_day(c->app->store, kind_copy, day, &layout, blocking);
	if (e == K_CAPACITY_BELOW_TAKEN)
		api_error_detail(c, e, json_pack("{s:s?}", "slot", blocking[0] ? blocking : NULL));
	else if (e != K_OK)
		api_error(c, e);
	else
		answer_day(c, kind_copy, day);
}

/* ---- defaults ---- */

#define KIND_CODES ((size_t)KIND_COUNT)

static json_t *kind_defaults_json(struct api_ctx *c, const char *kind, enum kerr *e)
{
	struct capacity_layout week[CAPACITY_WEEKDAYS];
	int64_t cap = 0;
	*e = store_capacity_defaults_get(c->app->store, kind, week);
	if (*e == K_OK)
		*e = store_capacity_org_cap_get(c->app->store, kind, &cap);
	if (*e != K_OK)
		return NULL;
	json_t *days = json_array();
	for (int d = 0; d < CAPACITY_WEEKDAYS; d++) {
		json_t *w = layout_json(&week[d]);
		json_object_set_new(w, "weekday", json_integer(d + 1));
		json_array_append_new(days, w);
	}
	return json_pack("{s:I,s:o}", "org_cap", (json_int_t)cap, "weekdays", days);
}

void capacity_defaults_get(struct api_ctx *c)
{
	struct capacity_settings set;
	enum kerr e = store_capacity_settings_get(c->app->store, &set);
	json_t *kinds = json_object();
	for (size_t k = 0; e == K_OK && k < KIND_CODES; k++) {
		json_t *one = kind_defaults_json(c, domain_kinds[k].code, &e);
		if (one != NULL)
			json_object_set_new(kinds, domain_kinds[k].code, one);
	}
	if (e != K_OK) {
		json_decref(kinds);
		api_error(c, e);
		return;
	}
	api_json(c, 200, json_pack("{s:i,s:i,s:i,s:i,s:o}", "horizon_days", set.horizon_days, "cutoff_minutes",
		set.cutoff_minutes, "grace_minutes", set.grace_minutes, "inflight_limit", set.inflight_limit, "kinds",
		kinds));
}

/* What a PUT of the defaults changes, checked whole before anything is written. */
struct defaults_change {
	struct capacity_settings set;
	struct {
		int has_cap;
		int64_t cap;
		int has_day[CAPACITY_WEEKDAYS];
		struct capacity_layout week[CAPACITY_WEEKDAYS];
	} kind[KIND_CODES];
};

static void parse_setting(struct api_ctx *c, json_t *body, const char *key, int64_t max, int *out, json_t *fields)
{
	int64_t v;
	enum field_problem p;
	if (json_object_get(body, key) == NULL)
		return;
	if (int_member(body, key, max, &v, &p) != 0)
		field_error(c, fields, key, p);
	else
		*out = (int)v;
}

static void parse_weekday(struct api_ctx *c, json_t *item, size_t k, size_t i, struct defaults_change *ch,
	json_t *fields)
{
	char prefix[FIELD_NAME_MAX];
	int64_t wd;
	enum field_problem p;
	snprintf(prefix, sizeof prefix, "kinds.%s.weekdays[%zu].", domain_kinds[k].code, i);
	if (int_member(item, "weekday", CAPACITY_WEEKDAYS, &wd, &p) != 0 || wd < 1) {
		field_at(c, fields, prefix, "weekday", json_object_get(item, "weekday") ? FIELD_INVALID : FIELD_REQUIRED);
		return;
	}
	ch->kind[k].has_day[wd - 1] = 1;
	capacity_layout_read(c, item, prefix, fields, &ch->kind[k].week[wd - 1]);
}

static void parse_kind(struct api_ctx *c, json_t *obj, size_t k, struct defaults_change *ch, json_t *fields)
{
	char name[FIELD_NAME_MAX];
	enum field_problem p;
	json_t *days = json_object_get(obj, "weekdays");
	if (json_object_get(obj, "org_cap") != NULL) {
		ch->kind[k].has_cap = 1;
		snprintf(name, sizeof name, "kinds.%s.org_cap", domain_kinds[k].code);
		if (int_member(obj, "org_cap", CAPACITY_UNITS_MAX, &ch->kind[k].cap, &p) != 0)
			field_error(c, fields, name, p);
	}
	if (days == NULL)
		return;
	snprintf(name, sizeof name, "kinds.%s.weekdays", domain_kinds[k].code);
	if (!json_is_array(days) || json_array_size(days) > CAPACITY_WEEKDAYS) {
		field_error(c, fields, name, FIELD_INVALID);
		return;
	}
	for (size_t i = 0; i < json_array_size(days); i++)
		parse_weekday(c, json_array_get(days, i), k, i, ch, fields);
}

static void parse_defaults(struct api_ctx *c, json_t *body, struct defaults_change *ch, json_t *fields)
{
	json_t *kinds = json_object_get(body, "kinds");
	const char *key;
	json_t *v;
	parse_setting(c, body, "horizon_days", CAPACITY_HORIZON_MAX, &ch->set.horizon_days, fields);
	parse_setting(c, body, "cutoff_minutes", CAPACITY_CUTOFF_MAX, &ch->set.cutoff_minutes, fields);
	parse_setting(c, body, "grace_minutes", CAPACITY_GRACE_MAX, &ch->set.grace_minutes, fields);
	parse_setting(c, body, "inflight_limit", CAPACITY_INFLIGHT_MAX, &ch->set.inflight_limit, fields);
	if (kinds != NULL && !json_is_object(kinds)) {
		field_error(c, fields, "kinds", FIELD_INVALID);
		return;
	}
	json_object_foreach(kinds, key, v) {
		size_t k = 0;
		while (k < KIND_CODES && strcmp(domain_kinds[k].code, key) != 0)
			k++;
		if (k == KIND_CODES || !json_is_object(v))
			field_error(c, fields, "kinds", FIELD_UNKNOWN_CHOICE);
		else
			parse_kind(c, v, k, ch, fields);
	}
}

static enum kerr apply_defaults(struct store *st, const struct defaults_change *ch)
{
	enum kerr e = store_capacity_settings_set(st, &ch->set);
	for (size_t k = 0; e == K_OK && k < KIND_CODES; k++) {
		if (ch->kind[k].has_cap)
			e = store_capacity_org_cap_set(st, domain_kinds[k].code, ch->kind[k].cap);
		for (int d = 0; e == K_OK && d < CAPACITY_WEEKDAYS; d++)
			if (ch->kind[k].has_day[d])
				e = store_capacity_default_set(st, domain_kinds[k].code, d + 1, &ch->kind[k].week[d]);
	}
	return e;
}

void capacity_defaults_put(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	struct defaults_change *ch = xcalloc(1, sizeof *ch);
	enum kerr e = store_capacity_settings_get(c->app->store, &ch->set);
	json_t *fields = json_array();
	if (e == K_OK)
		parse_defaults(c, body, ch, fields);
	json_decref(body);
	if (e == K_OK && json_array_size(fields) > 0) {
		free(ch);
		api_invalid(c, fields);
		return;
	}
	json_decref(fields);
	if (e == K_OK)
		e = apply_defaults(c->app->store, ch);
	free(ch);
	if (e != K_OK)
		api_error(c, e);
	else
		capacity_defaults_get(c);
}

/* ---- expiry, no-shows ---- */

void capacity_expire_now(struct api_ctx *c)
{
	size_t len = 0;
	int64_t now = (int64_t)time(NULL);
	int expired = 0;
	(void)http_body(c->req, &len);
	if (len > 0) {
		json_t *body = api_body_object(c);
		if (body == NULL)
			return;
		json_t *v = json_object_get(body, "now");
		int bad = v != NULL && (!c->app->test_clock || !json_is_integer(v) || json_integer_value(v) < 0);
		if (!bad && v != NULL)
			now = json_integer_value(v);
		json_decref(body);
		if (bad) {
			api_invalid_field(c, "now", c->app->test_clock ? FIELD_INVALID : FIELD_UNKNOWN_CHOICE);
			return;
		}
	}
	enum kerr e = store_capacity_expire(c->app->store, now, &expired);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:i}", "expired", expired));
}

/* from and to of the query, both required, at most a year apart. */
static int period(struct api_ctx *c, int64_t *from, int64_t *to)
{
	json_t *fields = json_array();
	const char *names[2] = {"from", "to"};
	int64_t *out[2] = {from, to};
	for (int i = 0; i < 2; i++) {
		const char *v = http_query(c->req, names[i]);
		if (v == NULL || crossing_date_parse(v, out[i]) != 0)
			field_error(c, fields, names[i], v == NULL ? FIELD_REQUIRED : FIELD_INVALID);
	}
	if (json_array_size(fields) == 0 && (*to < *from || *to - *from > CAPACITY_HORIZON_MAX))
		field_error(c, fields, "to", FIELD_INVALID);
	return api_invalid_if_any(c, fields) ? -1 : 0;
}

void capacity_no_shows(struct api_ctx *c)
{
	int64_t from, to;
	struct capacity_no_show *rows = NULL;
	size_t n = 0;
	if (period(c, &from, &to) != 0)
		return;
	enum kerr e = store_capacity_no_shows(c->app->store, from, to, &rows, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:{s:I,s:s},s:I,s:I,s:I,s:I}", "organisation", "id",
			(json_int_t)rows[i].org_id, "name", rows[i].org_name, "bookings", (json_int_t)rows[i].bookings, "units",
			(json_int_t)rows[i].units, "passed", (json_int_t)rows[i].passed, "missed",
			(json_int_t)(rows[i].units - rows[i].passed)));
	free(rows);
	api_json(c, 200, json_pack("{s:s,s:s,s:o}", "from", http_query(c->req, "from"), "to", http_query(c->req, "to"),
		"organisations", arr));
}

/* ---- what a booking's submit or move was refused for ---- */

static const char *problem_field(int problem)
{
	return problem == CAPACITY_DATE_REQUIRED || problem == CAPACITY_DATE_INVALID ? "crossing_date" : "slot";
}

static enum field_problem problem_kind(int problem)
{
	switch (problem) {
	case CAPACITY_DATE_REQUIRED:
	case CAPACITY_SLOT_REQUIRED:
		return FIELD_REQUIRED;
	case CAPACITY_SLOT_UNKNOWN:
		return FIELD_UNKNOWN_CHOICE;
	default:
		return FIELD_INVALID;
	}
}

/* The units a booking document claims: truck_count, or its vehicles. */
static int64_t doc_units(json_t *doc)
{
	json_t *tc = json_object_get(doc, "truck_count");
	int64_t n = domain_kind(json_string_value(json_object_get(doc, "kind"))) == KIND_COMMODITY_VEHICLE
		? (int64_t)json_array_size(json_object_get(doc, "vehicles"))
		: json_is_integer(tc) ? json_integer_value(tc) : 0;
	return n > 0 ? n : 1;
}

/* capacity_full, with the nearest dates that have room for the booking. */
static void answer_full(struct api_ctx *c, int64_t booking_id, const char *date)
{
	json_t *doc = NULL, *dates = json_array();
	struct booking_meta meta;
	int64_t day, near[CAPACITY_NEAREST_MAX];
	size_t n = 0;
	const char *want = date;
	if (store_booking_get(c->app->store, booking_id, &meta, &doc) == K_OK) {
		if (want == NULL)
			want = json_string_value(json_object_get(doc, "crossing_date"));
		if (want != NULL && crossing_date_parse(want, &day) == 0 &&
		    store_capacity_nearest(c->app->store, domain_kinds[meta.kind].code, day, doc_units(doc),
			    (int64_t)time(NULL), near, CAPACITY_NEAREST_MAX, &n) == K_OK)
			for (size_t i = 0; i < n; i++) {
				char d[CROSSING_DATE_LEN + 1];
				crossing_date_format(near[i], d);
				json_array_append_new(dates, json_string(d));
			}
	}
	json_decref(doc);
	api_error_detail(c, K_CAPACITY_FULL, json_pack("{s:o}", "nearest_dates", dates));
}

int capacity_answer(struct api_ctx *c, enum kerr e, int problem, int64_t booking_id, const char *date)
{
	switch (e) {
	case K_VALIDATION_FAILED:
		if (problem == CAPACITY_PROBLEM_NONE)
			return 0;
		api_invalid_field(c, problem_field(problem), problem_kind(problem));
		return 1;
	case K_CAPACITY_FULL:
		answer_full(c, booking_id, date);
		return 1;
	case K_RATE_LIMITED:
		http_add_header(c->req, "Retry-After", CAPACITY_RETRY_AFTER_S);
		api_error(c, e);
		return 1;
	default:
		return 0;
	}
}

enum kerr capacity_submit_enter(struct api_ctx *c, int64_t org_id, int *entered, int *over)
{
	struct capacity_settings set;
	int admitted = 1;
	*entered = 0;
	*over = 0;
	enum kerr e = store_capacity_settings_get(c->app->store, &set);
	if (e == K_OK && set.inflight_limit > 0 && org_id != 0) {
		e = store_capacity_inflight_enter(c->app->store, org_id, set.inflight_limit, (int64_t)time(NULL), &admitted);
		*entered = e == K_OK && admitted;
		*over = e == K_OK && !admitted;
	}
	return e;
}

void capacity_submit_leave(struct api_ctx *c, int64_t org_id, int entered)
{
	if (entered && store_capacity_inflight_leave(c->app->store, org_id) != K_OK)
		log_warn("msg=\"in-flight mark not cleared\" org=%lld", (long long)org_id);
}

void capacity_check_fields(struct api_ctx *c, json_t *doc, json_t *fields)
{
	const char *date = json_string_value(json_object_get(doc, "crossing_date"));
	const char *slot = json_string_value(json_object_get(doc, "slot"));
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	int64_t day;
	int a, b;
	if (date == NULL || *date == '\0' || crossing_date_parse(date, &day) != 0) {
		field_error(c, fields, "crossing_date", date == NULL || *date == '\0' ? FIELD_REQUIRED : FIELD_INVALID);
		return;
	}
	if (slot != NULL && *slot != '\0' && crossing_slot_parse(slot, &a, &b) != 0) {
		field_error(c, fields, "slot", FIELD_INVALID);
		return;
	}
	/* A day split into slots needs one (checked again when capacity is taken). */
	struct capacity_day *d = NULL;
	size_t n = 0;
	if ((slot == NULL || *slot == '\0') && capacity_kind_valid(kind) &&
	    store_capacity_days(c->app->store, kind, day, day, (int64_t)time(NULL), &d, &n) == K_OK && n == 1 &&
	    d[0].n > 0 && d[0].slots[0].slot[0] != '\0')
		field_error(c, fields, "slot", FIELD_REQUIRED);
	free(d);
}

/* ---- moving a booking, closing a date ---- */

/* The booking the caller may move: an enterprise its own, the bureau any. */
static enum kerr movable(struct api_ctx *c, int64_t *id, struct booking_meta *meta)
{
	long v;
	if (parse_long(c->params[0], 1, LONG_MAX, &v) != 0)
		return K_NOT_FOUND;
	*id = v;
	enum kerr e = store_booking_get(c->app->store, *id, meta, NULL);
	if (e == K_OK && strcmp(c->who->user.role, "bureau") != 0 && meta->org_id != c->who->org.id)
		e = K_NOT_FOUND;
	return e;
}

static void answer_booking(struct api_ctx *c, int64_t id)
{
	json_t *doc = NULL;
	struct booking_meta meta;
	enum kerr e = store_booking_get(c->app->store, id, &meta, &doc);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, doc);
}

void bookings_move(struct api_ctx *c)
{
	int64_t id = 0;
	struct booking_meta meta;
	enum kerr e = movable(c, &id, &meta);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	json_t *fields = json_array();
	enum capacity_problem problem = CAPACITY_PROBLEM_NONE;
	json_object_set_new(body, "kind", json_string(domain_kinds[meta.kind].code));
	capacity_check_fields(c, body, fields);
	if (api_invalid_if_any(c, fields)) {
		json_decref(body);
		return;
	}
	char date[CROSSING_DATE_LEN + 1], slot[CROSSING_SLOT_LEN + 1];
	snprintf(date, sizeof date, "%s", json_str(body, "crossing_date"));
	snprintf(slot, sizeof slot, "%s", json_str(body, "slot") ? json_str(body, "slot") : "");
	json_decref(body);
	e = store_capacity_move_booking(c->app->store, id, date, slot, c->who->user.id, (int64_t)time(NULL), NULL,
		&problem);
	if (e == K_OK)
		answer_booking(c, id);
	else if (!capacity_answer(c, e, (int)problem, id, date))
		api_error(c, e);
}

#define CLOSE_BOOKINGS_MAX 10000	/* bookings one close request moves */

struct close_request {
	char kind[CAPACITY_KIND_MAX];
	int64_t day;
	char to_date[CROSSING_DATE_LEN + 1];
	char to_slot[CROSSING_SLOT_LEN + 1];
	int has_target;
};

/* {"date","kind","move_to"?: {"date","slot"?}} */
static int parse_close(struct api_ctx *c, json_t *body, struct close_request *r)
{
	json_t *fields = json_array(), *to = json_object_get(body, "move_to");
	const char *kind = json_str(body, "kind"), *date = json_str(body, "date");
	int64_t tday;
	int a, b;
	if (kind == NULL || !capacity_kind_valid(kind))
		field_error(c, fields, "kind", kind == NULL ? FIELD_REQUIRED : FIELD_UNKNOWN_CHOICE);
	if (date == NULL || crossing_date_parse(date, &r->day) != 0)
		field_error(c, fields, "date", date == NULL ? FIELD_REQUIRED : FIELD_INVALID);
	if (to != NULL) {
		const char *td = json_str(to, "date"), *ts = json_str(to, "slot");
		if (td == NULL || crossing_date_parse(td, &tday) != 0)
			field_error(c, fields, "move_to.date", td == NULL ? FIELD_REQUIRED : FIELD_INVALID);
		else
			snprintf(r->to_date, sizeof r->to_date, "%s", td);
		if (ts != NULL && *ts != '\0' && crossing_slot_parse(ts, &a, &b) != 0)
			field_error(c, fields, "move_to.slot", FIELD_INVALID);
		else if (ts != NULL)
			snprintf(r->to_slot, sizeof r->to_slot, "%s", ts);
		r->has_target = 1;
	}
	if (kind != NULL)
		snprintf(r->kind, sizeof r->kind, "%s", kind);
	return api_invalid_if_any(c, fields) ? -1 : 0;
}

/* Move every holder of the date, one transaction each; the ones that could
 * not move are listed with why. */
static json_t *move_holders(struct api_ctx *c, const struct close_request *r, const int64_t *ids, size_t n,
	json_t *moved)
{
	json_t *left = json_array();
	for (size_t i = 0; i < n; i++) {
		enum capacity_problem problem;
		enum kerr e = r->has_target ? store_capacity_move_booking(c->app->store, ids[i], r->to_date, r->to_slot,
			c->who->user.id, (int64_t)time(NULL), "date closed by the bureau", &problem) : K_CAPACITY_FULL;
		if (e == K_OK)
			json_array_append_new(moved, json_integer(ids[i]));
		else
			json_array_append_new(left, json_pack("{s:I,s:s}", "id", (json_int_t)ids[i], "code", kerr_code(e)));
	}
	return left;
}

void capacity_close_day(struct api_ctx *c)
{
	struct close_request r = {0};
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	int bad = parse_close(c, body, &r);
	json_decref(body);
	if (bad)
		return;
	int64_t *ids = xcalloc(CLOSE_BOOKINGS_MAX, sizeof *ids);
	size_t n = 0;
	char blocking[CROSSING_SLOT_LEN + 1];
	struct capacity_layout closed = {0};
	enum kerr e = store_capacity_stop_taking(c->app->store, r.kind, r.day);
	if (e == K_OK)
		e = store_capacity_holders(c->app->store, r.kind, r.day, ids, CLOSE_BOOKINGS_MAX, &n);
	json_t *moved = json_array(), *left = e == K_OK ? move_holders(c, &r, ids, n, moved) : json_array();
	free(ids);
	if (e == K_OK && json_array_size(left) == 0)
		e = store_capacity_set_day(c->app->store, r.kind, r.day, &closed, blocking);
	if (e != K_OK && e != K_CAPACITY_BELOW_TAKEN) {
		json_decref(moved);
		json_decref(left);
		api_error(c, e);
		return;
	}
	/* Bookings that could not move keep their place: the date takes no new
	 * ones, and the bureau may choose another date for them. */
	api_json(c, json_array_size(left) ? 409 : 200, json_pack("{s:b,s:o,s:o}", "closed",
		json_array_size(left) == 0 && e == K_OK, "moved", moved, "not_moved", left));
}
