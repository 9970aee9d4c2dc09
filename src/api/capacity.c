/* Crossing capacity: the free places of the coming days for every user, the
 * bureau's dates and defaults (store/capacity.h has the model). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/capacity.h"
#include "core/domain.h"
#include "core/log.h"
#include "store/capacity.h"

#define FIELD_NAME_MAX 96
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

/* {"open"?: bool, "capacity": n, "slots"?: [{"slot", "capacity"}]} -> out,
 * problems appended to fields under prefix. */
static void parse_layout(struct api_ctx *c, json_t *obj, const char *prefix, json_t *fields,
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
	parse_layout(c, body, "", fields, &layout);
	if (json_array_size(fields) > 0) {
		json_decref(body);
		api_invalid(c, fields);
		return;
	}
	json_decref(fields);
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
	parse_layout(c, item, prefix, fields, &ch->kind[k].week[wd - 1]);
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
