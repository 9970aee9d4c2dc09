/* Bookings: create from a declaration, read, edit (JSON Merge Patch, RFC
 * 7396, of the writable keys), check, submit, withdraw, cancel, list and
 * search. An enterprise reaches its own organisation's bookings, a
 * warehouse those naming its site, the bureau and the gate all of them;
 * anything else answers 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/booking_cache.h"
#include "api/booking_doc.h"
#include "api/capacity.h"
#include "api/params.h"
#include "core/domain.h"
#include "core/log.h"
#include "validate/validate.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define DATE_LEN 10		/* YYYY-MM-DD */
#define SLOT_LEN 11		/* HH:MM-HH:MM */
#define SMALL_OBJECT_KEYS 4	/* keys of a recognised object field */
_Static_assert(CODE_TEXT_MAX >= BOOKING_VEHICLE_FIELD_MAX, "a plate or VIN of a valid length is kept whole");

const struct recognised_field booking_recognised[] = {
	{"declaration_no", FT_TEXT}, {"domestic_shipper", FT_OBJECT}, {"origin", FT_OBJECT},
	{"gross_weight_kg", FT_NUMBER}, {"total_value", FT_NUMBER}, {"currency", FT_TEXT},
	{"departure_port", FT_TEXT}, {"exit_customs", FT_TEXT}, {"destination_country", FT_TEXT},
	{"remarks", FT_TEXT}, {"transport_name", FT_TEXT}, {"plates", FT_TEXT_LIST}, {"truck_count", FT_INTEGER},
	{"vehicle_count", FT_INTEGER}, {"vins", FT_TEXT_LIST}, {"seals", FT_TEXT_LIST}, {"vehicle_models", FT_LIST},
	{"containers", FT_TEXT_LIST}, {"container_teu", FT_INTEGER},
};
const size_t booking_recognised_count = COUNT(booking_recognised);

/* The user's choices: option lists (by list name), or free text. */
static const struct {
	const char *key;
	const char *list;	/* NULL: not from a list */
} choices[] = {
	{"clearance_mode", "clearance_mode"}, {"cargo_type", "cargo_type"}, {"customs_warehouse", "customs_warehouse"},
	{"usage_type", "usage_type"}, {"fuel_type", "fuel_type"}, {"contact", NULL},
};

static const char *const vehicle_keys[] = {"vin", "plate", "brand", "colour", "displacement", "power", "tonnage"};

struct booking_scope booking_scope_of(const struct caller *who)
{
	struct booking_scope s = {0};
	const char *role = who->user.role;
	if (strcmp(role, "enterprise") == 0) {
		s.org_id = who->org.id;		/* its own organisation's */
		s.none = who->org.id == 0;
	} else if (strcmp(role, "warehouse") == 0) {
		s.site_id = who->org.site_id;	/* those naming its site */
		s.none = who->org.site_id == 0;
	} else {
		s.none = strcmp(role, "bureau") != 0 && strcmp(role, "gate") != 0;	/* bureau and gate: all */
	}
	return s;
}

static const struct recognised_field *recognised(const char *key)
{
	for (size_t i = 0; i < booking_recognised_count; i++)
		if (strcmp(booking_recognised[i].key, key) == 0)
			return &booking_recognised[i];
	return NULL;
}

static int choice_index(const char *key)
{
	for (size_t i = 0; i < COUNT(choices); i++)
		if (strcmp(choices[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* ---- loading ---- */

/* The booking if the caller may see it (K_NOT_FOUND otherwise); lean:
 * without its attachments and history, for a write answered by its own
 * fresh read. */
static enum kerr load_visible_as(struct api_ctx *c, int lean, struct booking_meta *m, json_t **doc)
{
	int64_t id = api_param_id(c, 0);
	enum kerr e = id == 0 ? K_NOT_FOUND : lean ? store_booking_get_lean(c->app->store, id, m, doc) :
		store_booking_get(c->app->store, id, m, doc);
	struct booking_scope scope = booking_scope_of(c->who);
	if (e == K_OK && !store_booking_visible(&scope, m)) {
		if (doc) {
			json_decref(*doc);
			*doc = NULL;
		}
		e = K_NOT_FOUND;
	}
	return e;
}

static enum kerr load_visible(struct api_ctx *c, struct booking_meta *m, json_t **doc)
{
	return load_visible_as(c, 0, m, doc);
}

static enum kerr load_to_write(struct api_ctx *c, struct booking_meta *m, json_t **doc)
{
	return load_visible_as(c, 1, m, doc);
}

/* The declaration's recognition, NULL when the booking has none. */
static json_t *declaration_of(struct api_ctx *c, const struct booking_meta *m)
{
	struct declaration_meta dm;
	json_t *rec = NULL;
	if (m->declaration_id && store_declaration_get(c->app->store, m->declaration_id, &dm, &rec) != K_OK)
		rec = NULL;
	return rec;
}

/* Answer the whole booking (the store adds the organisation's name as
 * "company"), with its checks when asked: a write answers them, a GET only
 * with ?checks=1 (they read the declaration's recognition again). */
static void answer_booking(struct api_ctx *c, int status, const struct booking_meta *m, json_t *doc, int with_checks)
{
	json_t *rec = with_checks ? declaration_of(c, m) : NULL, *checks = NULL;
	if (with_checks && booking_run_checks(c, m, doc, rec, 0, &checks, NULL) == K_OK)
		json_object_set_new(doc, "checks", checks);
	json_decref(rec);
	api_json(c, status, doc);
}

/* The answer to a write: the booking its transaction read after writing,
 * with its checks: those given (taken over; run before the write on the
 * fields it wrote, in the request's snapshot), else run now. */
static void answer_fresh(struct api_ctx *c, int status, struct booking_fresh *f, json_t *checks)
{
	if (checks) {
		json_object_set_new(f->doc, "checks", checks);
		api_json(c, status, f->doc);
	} else {
		answer_booking(c, status, &f->meta, f->doc, 1);
	}
	f->doc = NULL;
}

/* The checks of doc as answer_booking gives them (NULL if they failed). The
 * checks read nothing of the booking's state or history, so that those of
 * the fields a write is about to write are the answer's. */
static json_t *checks_of(struct api_ctx *c, const struct booking_meta *m, json_t *doc, json_t *rec)
{
	json_t *checks = NULL;
	return booking_run_checks(c, m, doc, rec, 0, &checks, NULL) == K_OK ? checks : NULL;
}

/* The end of a write's reads (the route's SNAPSHOT, routes.c): what the
 * handler reads after its write (a holder that won a race, the checks of its
 * answer) is read anew, not from the snapshot taken before it. */
static void reads_done(struct api_ctx *c)
{
	store_release_read(c->app->store);
}

/* ---- creating ---- */

/* The brand a vehicle model names, when exactly one of the bureau's brands
 * appears in the declaration's models. */
static const char *guess_brand(struct option_item *brands, size_t n, json_t *models)
{
	const char *found = NULL;
	size_t i;
	json_t *mdl;
	json_array_foreach(models, i, mdl) {
		/* a model is {"brand","model"} (or a bare string) */
		const char *t = json_is_object(mdl) ? json_string_value(json_object_get(mdl, "brand")) : json_string_value(mdl);
		for (size_t b = 0; b < n && t; b++) {
			if (brands[b].disabled || strstr(t, brands[b].value) == NULL)
				continue;
			if (found && strcmp(found, brands[b].value) != 0)
				return NULL;
			found = brands[b].value;
		}
	}
	return found;
}

static json_t *vehicles_from_vins(struct api_ctx *c, json_t *vins, json_t *models)
{
	struct option_item *brands = NULL;
	size_t n_brands = 0;
	if (store_option_items(c->app->store, "brand", &brands, &n_brands) != K_OK)
		n_brands = 0;
	const char *brand = guess_brand(brands, n_brands, models);
	json_t *rows = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(vins, i, v) {
		if (!json_is_string(v) || i >= BOOKING_VEHICLES_MAX)
			continue;
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "vin", json_string_value(v), "plate", "",
			"brand", brand ? brand : "", "colour", "", "displacement", "", "power", "", "tonnage", ""));
	}
	free(brands);
	return rows;
}

static void fill_from_declaration(json_t *doc, json_t *rec)
{
	for (size_t i = 0; i < booking_recognised_count; i++) {
		json_t *v = json_object_get(rec, booking_recognised[i].key);
		json_object_set(doc, booking_recognised[i].key, v ? v : json_null());
	}
	json_object_set(doc, "confidence", json_object_get(rec, "confidence"));
	json_object_set(doc, "warnings", json_object_get(rec, "warnings"));
	json_object_set_new(doc, "is_transit", json_boolean(json_is_true(json_object_get(rec, "is_transit"))));
}

static void default_choices(struct api_ctx *c, json_t *doc)
{
	char usage[OPTION_VALUE_MAX], fuel[OPTION_VALUE_MAX];
	if (store_vehicle_choice_get(c->app->store, c->who->user.id, usage, sizeof usage, fuel, sizeof fuel) != K_OK)
		return;
	json_object_set_new(doc, "usage_type", usage[0] ? json_string(usage) : json_null());
	json_object_set_new(doc, "fuel_type", fuel[0] ? json_string(fuel) : json_null());
}

/* The declaration a booking starts from: *rec stays NULL when none is named;
 * another organisation's declaration is not there (K_NOT_FOUND). */
static enum kerr start_declaration(struct api_ctx *c, json_t *did, struct declaration_meta *dm, json_t **rec)
{
	if (!json_is_integer(did))
		return K_OK;
	enum kerr e = store_declaration_get(c->app->store, json_integer_value(did), dm, rec);
	if (e == K_OK && dm->org_id != c->who->org.id) {
		json_decref(*rec);
		*rec = NULL;
		e = K_NOT_FOUND;
	}
	return e;
}

static void create_from(struct api_ctx *c, enum booking_kind kind, const struct declaration_meta *dm, json_t *rec)
{
	json_t *doc = json_object();
	if (rec)
		fill_from_declaration(doc, rec);
	if (kind == KIND_COMMODITY_VEHICLE) {
		json_object_set_new(doc, "vehicles", vehicles_from_vins(c, json_object_get(doc, "vins"),
			json_object_get(doc, "vehicle_models")));
		default_choices(c, doc);
	}
	int64_t id = 0;
	struct booking_fresh fresh = {0};
	reads_done(c);
	enum kerr e = store_booking_create(c->app->store, c->who->org.id, c->who->user.id, kind, rec ? dm->id : 0, doc,
		&id, &fresh);
	json_decref(doc);
	if (e != K_OK)
		api_error(c, e);
	else
		answer_fresh(c, 201, &fresh, NULL);
}

void bookings_create(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	int kind = domain_kind(json_str(body, "kind"));
	json_t *did = json_object_get(body, "declaration_id"), *rec = NULL;
	struct declaration_meta dm = {0};
	enum kerr e = K_OK;
	if (kind < 0)
		api_invalid_field(c, "kind", json_object_get(body, "kind") ? FIELD_UNKNOWN_CHOICE : FIELD_REQUIRED);
	else if (did && !json_is_null(did) && !json_is_integer(did))
		api_invalid_field(c, "declaration_id", FIELD_INVALID);
	else if ((e = start_declaration(c, did, &dm, &rec)) != K_OK)
		api_error(c, e);
	else
		create_from(c, (enum booking_kind)kind, &dm, rec);
	json_decref(rec);
	json_decref(body);
}

/* The booking as the database has it now, read whole and kept for the next
 * GET (booking_cache.h). */
static void answer_read(struct api_ctx *c)
{
	struct booking_meta m;
	json_t *doc = NULL;
	enum kerr e = load_visible(c, &m, &doc);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	struct booking_stamp stamp = store_booking_stamp_of(&m, doc);
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text == NULL) {
		api_error(c, K_INTERNAL);
		return;
	}
	size_t len = strlen(text);
	booking_cache_put(c->app->bookings, m.id, &stamp, text, len);
	api_json_text(c, 200, text, len);
	free(text);
}

/* A GET without checks: the booking's stamp and who may see it, read now in
 * one statement; the answer kept at that stamp when there is one, else the
 * whole read. */
static void answer_current(struct api_ctx *c)
{
	struct booking_meta m;
	struct booking_stamp stamp;
	int64_t id = api_param_id(c, 0);
	enum kerr e = id ? store_booking_stamp(c->app->store, id, &m, &stamp) : K_NOT_FOUND;
	struct booking_scope scope = booking_scope_of(c->who);
	if (e == K_OK && !store_booking_visible(&scope, &m))
		e = K_NOT_FOUND;
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	char text[BOOKING_CACHE_TEXT_MAX];
	size_t len = booking_cache_copy(c->app->bookings, id, &stamp, text, sizeof text);
	if (len > 0)
		api_json_text(c, 200, text, len);
	else
		answer_read(c);
}

void bookings_get(struct api_ctx *c)
{
	struct booking_meta m;
	json_t *doc = NULL;
	const char *want = http_query(c->req, "checks");
	if (want == NULL || strcmp(want, "1") != 0) {
		answer_current(c);
		return;
	}
	enum kerr e = load_visible(c, &m, &doc);
	if (e != K_OK)
		api_error(c, e);
	else
		answer_booking(c, 200, &m, doc, 1);
}

/* ---- editing ---- */

static int valid_date(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != DATE_LEN || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < DATE_LEN; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int mo = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1] && !(mo == 2 && d == 29 && !leap);
}

static int minutes_of(const char *s)
{
	if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' || s[3] > '5' || s[4] < '0' ||
	    s[4] > '9')
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	return h < 24 ? h * 60 + (s[3] - '0') * 10 + (s[4] - '0') : -1;
}

static int valid_slot(const char *s)
{
	if (strlen(s) != SLOT_LEN || s[5] != '-')
		return 0;
	int a = minutes_of(s), b = minutes_of(s + 6);
	return a >= 0 && b > a;
}

/* jansson keeps only valid UTF-8 in strings: the length is what is left. */
static int text_ok(json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) <= max;
}

/* A query parameter's text is valid UTF-8 (jansson refuses anything else). */
static int utf8_valid(const char *s)
{
	json_t *t = json_string(s);
	json_decref(t);
	return t != NULL;
}

/* Upper case, without spaces: how plates and VINs are kept. */
static json_t *normalised_code(const char *s)
{
	char buf[CODE_TEXT_MAX + 1];
	code_normalise(s, buf);
	return json_string(buf);
}

static int valid_text_list(json_t *v, size_t max_items, size_t max_bytes)
{
	if (!json_is_array(v) || json_array_size(v) > max_items)
		return 0;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
		if (!text_ok(x, max_bytes))
			return 0;
	return 1;
}

/* An object of a few short texts ({"name","uscc"}, {"code","name"}, {"brand","model"}). */
static int small_object(json_t *v)
{
	const char *k;
	json_t *x;
	if (!json_is_object(v) || json_object_size(v) > SMALL_OBJECT_KEYS)
		return 0;
	json_object_foreach(v, k, x)
		if (!json_is_null(x) && !text_ok(x, BOOKING_TEXT_MAX))
			return 0;
	return 1;
}

static enum field_problem check_recognised(const struct recognised_field *f, json_t *v)
{
	if (json_is_null(v))
		return FIELD_PROBLEM_COUNT;
	switch (f->type) {
	case FT_TEXT:
		return !json_is_string(v) ? FIELD_INVALID : text_ok(v, strcmp(f->key, "remarks") == 0 ? BOOKING_REMARKS_MAX :
			BOOKING_TEXT_MAX) ? FIELD_PROBLEM_COUNT : FIELD_TOO_LONG;
	case FT_NUMBER:
		return json_is_number(v) && json_number_value(v) >= 0 ? FIELD_PROBLEM_COUNT : FIELD_INVALID;
	case FT_INTEGER:
		return json_is_integer(v) && json_integer_value(v) >= 0 ? FIELD_PROBLEM_COUNT : FIELD_INVALID;
	case FT_TEXT_LIST:
		if (strcmp(f->key, "plates") == 0)	/* as a vehicle row's plate: kept whole by code_normalise */
			return valid_text_list(v, BOOKING_PLATES_MAX, BOOKING_VEHICLE_FIELD_MAX) ? FIELD_PROBLEM_COUNT :
				FIELD_INVALID;
		return valid_text_list(v, BOOKING_VEHICLES_MAX, BOOKING_TEXT_MAX) ? FIELD_PROBLEM_COUNT : FIELD_INVALID;
	case FT_OBJECT:
		return small_object(v) ? FIELD_PROBLEM_COUNT : FIELD_INVALID;
	case FT_LIST: {
		size_t i;
		json_t *x;
		if (!json_is_array(v) || json_array_size(v) > BOOKING_VEHICLES_MAX)
			return FIELD_INVALID;
		json_array_foreach(v, i, x)
			if (!text_ok(x, BOOKING_TEXT_MAX) && !small_object(x))
				return FIELD_INVALID;
		return FIELD_PROBLEM_COUNT;
	}
	}
	return FIELD_INVALID;
}

/* An enabled value of the bureau's list. */
static int in_list(struct api_ctx *c, const char *list, const char *value)
{
	struct option_item it;
	return store_option_find(c->app->store, list, value, &it) == K_OK && !it.disabled;
}

static enum field_problem check_choice(struct api_ctx *c, int i, json_t *v)
{
	if (json_is_null(v))
		return FIELD_PROBLEM_COUNT;
	if (!text_ok(v, choices[i].list ? OPTION_VALUE_MAX : BOOKING_TEXT_MAX))
		return FIELD_INVALID;
	if (choices[i].list && !in_list(c, choices[i].list, json_string_value(v)))
		return FIELD_UNKNOWN_CHOICE;
	return FIELD_PROBLEM_COUNT;
}

static enum field_problem check_site(struct api_ctx *c, json_t *v)
{
	struct site s;
	if (json_is_null(v))
		return FIELD_PROBLEM_COUNT;
	if (!json_is_integer(v))
		return FIELD_INVALID;
	if (store_site_get(c->app->store, json_integer_value(v), &s) != K_OK || !s.active)
		return FIELD_UNKNOWN_CHOICE;
	return FIELD_PROBLEM_COUNT;
}

/* A vehicle row: known keys, short texts; brand and colour from the lists. */
static int vehicle_ok(struct api_ctx *c, json_t *row, json_t *fields, size_t n)
{
	char name[64];
	const char *k;
	json_t *x;
	if (!json_is_object(row))
		return 0;
	json_object_foreach(row, k, x) {
		int known = 0;
		for (size_t i = 0; i < COUNT(vehicle_keys); i++)
			known |= strcmp(k, vehicle_keys[i]) == 0;
		snprintf(name, sizeof name, "vehicles[%zu].%s", n, k);
		if (!known || (!json_is_null(x) && !text_ok(x, BOOKING_VEHICLE_FIELD_MAX))) {
			field_error(c, fields, name, known ? FIELD_INVALID : FIELD_READ_ONLY);
			return 0;
		}
		if ((strcmp(k, "brand") == 0 || strcmp(k, "colour") == 0) && json_string_length(x) > 0 &&
		    !in_list(c, k, json_string_value(x))) {
			field_error(c, fields, name, FIELD_UNKNOWN_CHOICE);
			return 0;
		}
	}
	return 1;
}

static void check_vehicles(struct api_ctx *c, json_t *v, json_t *fields)
{
	if (!json_is_array(v) || json_array_size(v) > BOOKING_VEHICLES_MAX) {
		field_error(c, fields, "vehicles", json_is_array(v) ? FIELD_TOO_LONG : FIELD_INVALID);
		return;
	}
	size_t i;
	json_t *row;
	json_array_foreach(v, i, row)
		if (!vehicle_ok(c, row, fields, i))
			return;
}

/* Heavy trucks' drivers, optional: [{"plate","name","phone"}], one per truck at most. */
static int drivers_ok(json_t *v)
{
	static const char *const keys[] = {"plate", "name", "phone"};
	size_t i;
	json_t *d;
	if (json_is_null(v))
		return 1;
	if (!json_is_array(v) || json_array_size(v) > BOOKING_PLATES_MAX)
		return 0;
	json_array_foreach(v, i, d) {
		const char *k;
		json_t *x;
		if (!json_is_object(d))
			return 0;
		json_object_foreach(d, k, x) {
			int known = 0;
			for (size_t n = 0; n < COUNT(keys); n++)
				known |= strcmp(k, keys[n]) == 0;
			if (!known || !text_ok(x, BOOKING_VEHICLE_FIELD_MAX))
				return 0;
		}
	}
	return 1;
}

void booking_patch_check(struct api_ctx *c, json_t *patch, json_t *fields)
{
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v) {
		const struct recognised_field *f = recognised(k);
		int ci = choice_index(k);
		enum field_problem p = FIELD_PROBLEM_COUNT;
		if (f)
			p = check_recognised(f, v);
		else if (ci >= 0)
			p = check_choice(c, ci, v);
		else if (strcmp(k, "transshipment_site_id") == 0)
			p = check_site(c, v);
		else if (strcmp(k, "is_transit") == 0)
			p = json_is_boolean(v) ? FIELD_PROBLEM_COUNT : FIELD_INVALID;
		else if (strcmp(k, "crossing_date") == 0)
			p = json_is_null(v) || (json_is_string(v) && valid_date(json_string_value(v))) ? FIELD_PROBLEM_COUNT :
				FIELD_INVALID;
		else if (strcmp(k, "slot") == 0)
			p = json_is_null(v) || (json_is_string(v) && valid_slot(json_string_value(v))) ? FIELD_PROBLEM_COUNT :
				FIELD_INVALID;
		else if (strcmp(k, "vehicles") == 0)
			check_vehicles(c, v, fields);
		else if (strcmp(k, "drivers") == 0)
			p = drivers_ok(v) ? FIELD_PROBLEM_COUNT : FIELD_INVALID;
		else
			p = FIELD_READ_ONLY;
		if (p != FIELD_PROBLEM_COUNT)
			field_error(c, fields, k, p);
	}
}

static json_t *normalised_rows(json_t *rows)
{
	json_t *out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *r = json_object();
		for (size_t k = 0; k < COUNT(vehicle_keys); k++) {
			const char *t = json_string_value(json_object_get(row, vehicle_keys[k]));
			json_object_set_new(r, vehicle_keys[k], k == 0 && t ? normalised_code(t) : json_string(t ? t : ""));
		}
		json_array_append_new(out, r);
	}
	return out;
}

/* A declaration number as kept: without the spaces and dashes people type. */
static json_t *normalised_declno(const char *s)
{
	char buf[BOOKING_TEXT_MAX + 1];
	size_t o = 0;
	for (; *s && o < BOOKING_TEXT_MAX; s++)
		if (*s != ' ' && *s != '-')
			buf[o++] = *s;
	buf[o] = '\0';
	return json_string(buf);
}

static json_t *normalised_plates(json_t *plates)
{
	json_t *out = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(plates, i, p)
		json_array_append_new(out, normalised_code(json_string_value(p)));
	return out;
}

void booking_patch_apply(json_t *doc, json_t *patch)
{
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v) {
		if (strcmp(k, "vehicles") == 0)
			json_object_set_new(doc, k, json_is_null(v) ? json_array() : normalised_rows(v));
		else if (strcmp(k, "plates") == 0)
			json_object_set_new(doc, k, json_is_null(v) ? json_array() : normalised_plates(v));
		else if (strcmp(k, "is_transit") == 0)
			json_object_set_new(doc, k, json_boolean(json_is_true(v)));
		else if (strcmp(k, "declaration_no") == 0 && json_is_string(v))
			json_object_set_new(doc, k, normalised_declno(json_string_value(v)));
		else
			json_object_set(doc, k, v);
	}
}

void booking_recompute_declared(json_t *doc, json_t *rec)
{
	json_t *declared = json_object();
	for (size_t i = 0; rec && i < booking_recognised_count; i++) {
		const char *k = booking_recognised[i].key;
		json_t *was = json_object_get(rec, k), *now = json_object_get(doc, k);
		if (was == NULL)
			continue;
		int same = json_equal(was, now) || (json_is_null(was) && now == NULL);
		if (!same && json_is_number(was) && json_is_number(now))
			same = json_number_value(was) == json_number_value(now);
		if (!same)
			json_object_set(declared, k, was);
	}
	json_object_set_new(doc, "declared", declared);
}

static void remember_choices(struct api_ctx *c, const struct booking_meta *m, json_t *patch, json_t *doc)
{
	if (m->kind != KIND_COMMODITY_VEHICLE ||
	    (!json_object_get(patch, "usage_type") && !json_object_get(patch, "fuel_type")))
		return;
	const char *usage = json_string_value(json_object_get(doc, "usage_type"));
	const char *fuel = json_string_value(json_object_get(doc, "fuel_type"));
	if (store_vehicle_choice_set(c->app->store, c->who->user.id, usage, fuel) != K_OK)
		log_warn("msg=\"cannot remember the vehicle choices\" user=%lld", (long long)c->who->user.id);
}

void bookings_patch(struct api_ctx *c)
{
	struct booking_meta m;
	json_t *doc = NULL, *before = NULL, *rec = NULL, *fields = NULL, *patch = NULL, *checks = NULL;
	enum kerr e = load_to_write(c, &m, &doc);	/* another organisation's booking: 404 whatever the body */
	if (e == K_OK && !domain_states[m.state].editable)
		e = K_WRONG_STATE;
	if (e != K_OK) {
		api_error(c, e);
		goto out;
	}
	patch = api_body_object(c);
	if (patch == NULL)
		goto out;
	fields = json_array();
	booking_patch_check(c, patch, fields);
	if (json_array_size(fields) > 0) {
		api_invalid(c, fields);
		fields = NULL;
		goto out;
	}
	before = json_copy(doc);	/* shallow: the patch replaces members, never changes them in place */
	booking_patch_apply(doc, patch);
	rec = declaration_of(c, &m);
	booking_recompute_declared(doc, rec);
	checks = checks_of(c, &m, doc, rec);
	struct booking_fresh fresh = {0};
	reads_done(c);
	e = store_booking_save(c->app->store, &m, before, doc, &fresh);
	if (e != K_OK) {
		api_error(c, e);
		goto out;
	}
	remember_choices(c, &m, patch, doc);
	answer_fresh(c, 200, &fresh, checks);
	checks = NULL;
out:
	json_decref(checks);
	json_decref(fields);
	json_decref(rec);
	json_decref(before);
	json_decref(doc);
	json_decref(patch);
}

/* ---- checks and changes of state ---- */

/* Action bodies: empty, or a JSON object (cancel may give a reason). */
static int action_body(struct api_ctx *c, json_t **body)
{
	size_t len;
	(void)http_body(c->req, &len);
	*body = NULL;
	if (len == 0)
		return 1;
	*body = api_body_object(c);
	return *body != NULL;
}

void bookings_check(struct api_ctx *c)
{
	struct booking_meta m;
	json_t *doc = NULL, *body = NULL, *checks = NULL;
	enum kerr e = load_to_write(c, &m, &doc);	/* the checks read what they need of the rest */
	if (e == K_OK && !action_body(c, &body)) {
		json_decref(doc);
		return;
	}
	json_t *rec = e == K_OK ? declaration_of(c, &m) : NULL;
	if (e == K_OK)
		e = booking_run_checks(c, &m, doc, rec, 1, &checks, NULL);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:o}", "checks", checks));
	json_decref(rec);
	json_decref(doc);
	json_decref(body);
}

/* A 409 for a holding conflict, naming the holder if the caller may see it. */
/* 409 declaration_in_use / vin_in_use found by the submit itself (a race the
 * checks could not see): the field that is held is named, so the form marks
 * it, and the holding booking when this user may see it. */
static void answer_held(struct api_ctx *c, enum kerr e, const struct booking_meta *m, json_t *doc)
{
	struct booking_meta holder;
	enum kerr found = K_NOT_FOUND;
	char field[FIELD_NAME_MAX] = "declaration_no";
	if (e == K_DECLARATION_IN_USE) {
		char digits[DECLNO_DIGITS_MAX];
		(void)declno_digits(json_string_value(json_object_get(doc, "declaration_no")), digits, sizeof digits);
		found = store_booking_holder_declaration(c->app->store, digits, m->id, &holder);
	} else {
		size_t i;
		json_t *row;
		json_array_foreach(json_object_get(doc, "vehicles"), i, row) {
			const char *vin = json_string_value(json_object_get(row, "vin"));
			if (found == K_OK || vin == NULL || *vin == '\0')
				continue;
			found = store_booking_holder_vin(c->app->store, vin, m->id, &holder);
			snprintf(field, sizeof field, "vehicles[%zu].vin", i);
		}
	}
	struct booking_scope scope = booking_scope_of(c->who);
	json_t *detail = json_object(), *fields = json_array();
	if (found == K_OK)
		field_error(c, fields, field, FIELD_TAKEN);
	json_object_set_new(detail, "fields", fields);
	if (found == K_OK && store_booking_visible(&scope, &holder))
		json_object_set_new(detail, "booking_id", json_integer((json_int_t)holder.id));
	api_error_detail(c, e, detail);
}

static void run_action(struct api_ctx *c, enum booking_action action)
{
	struct booking_meta m;
	json_t *doc = NULL, *body = NULL, *rec = NULL, *checks = NULL, *errors = NULL;
	enum kerr e = load_to_write(c, &m, &doc);	/* access before the body: another's booking is 404 */
	if (e == K_OK && !action_body(c, &body)) {
		json_decref(doc);
		return;
	}
	const char *reason = body ? json_str(body, "reason") : NULL;
	if (e == K_OK && !domain_action_allowed(action, m.state))
		e = K_WRONG_STATE;
	if (e == K_OK && reason && strlen(reason) > BOOKING_REASON_MAX) {
		api_invalid_field(c, "reason", FIELD_TOO_LONG);
		goto out;
	}
	if (e == K_OK && action == ACTION_SUBMIT) {
		rec = declaration_of(c, &m);
		errors = json_array();
		e = booking_run_checks(c, &m, doc, rec, 0, &checks, errors);
		if (e == K_OK)
			capacity_check_fields(c, doc, errors);
		if (e == K_OK && json_array_size(errors) > 0) {
			api_invalid(c, errors);
			errors = NULL;
			goto out;
		}
	}
	struct booking_fresh fresh = {0};
	struct booking_transition t = {.booking_id = m.id, .action = action, .actor_id = c->who->user.id,
		.reason = reason, .to = action == ACTION_SUBMIT ? approval_submit_target(c, m.kind) : domain_actions[action].to,
		.fresh = &fresh};
	int in_flight = 0;
	reads_done(c);
	if (e == K_OK && action == ACTION_SUBMIT)
		e = capacity_submit_enter(c, m.org_id, &in_flight, &t.over_inflight);
	if (e == K_OK)
		e = store_booking_transition(c->app->store, &t);
	capacity_submit_leave(c, m.org_id, in_flight);
	if (e == K_DECLARATION_IN_USE || e == K_VIN_IN_USE)
		answer_held(c, e, &m, doc);
	else if (e != K_OK && capacity_answer(c, e, t.capacity_problem, m.id, NULL))
		;	/* capacity_full with the nearest dates, the date or slot named, or 429 */
	else if (e != K_OK)
		api_error(c, e);
	else	/* a submit's checks were run before it, on the fields it moved */
		answer_fresh(c, 200, &fresh, action == ACTION_SUBMIT ? json_incref(checks) : NULL);
out:
	json_decref(checks);
	json_decref(errors);
	json_decref(rec);
	json_decref(doc);
	json_decref(body);
}

void bookings_submit(struct api_ctx *c) { run_action(c, ACTION_SUBMIT); }
void bookings_withdraw(struct api_ctx *c) { run_action(c, ACTION_WITHDRAW); }
void bookings_cancel(struct api_ctx *c) { run_action(c, ACTION_CANCEL); }

/* ---- the list ---- */

static int query_int(struct api_ctx *c, const char *name, int64_t max, int64_t *out)
{
	*out = query_number_parse(http_query(c->req, name));
	return *out >= 0 && *out <= max;
}

void bookings_list(struct api_ctx *c)
{
	struct booking_filter f = {.scope = booking_scope_of(c->who), .state = -1, .kind = -1};
	const char *q = http_query(c->req, "q"), *state = http_query(c->req, "state"), *kind = http_query(c->req, "kind");
	int64_t limit = 0;
	if (q && (strlen(q) > BOOKING_SEARCH_MAX || !utf8_valid(q))) {
		api_invalid_field(c, "q", FIELD_TOO_LONG);
		return;
	}
	if ((state && *state && (f.state = domain_state(state)) < 0) || (kind && *kind && (f.kind = domain_kind(kind)) < 0)) {
		api_invalid_field(c, f.state < 0 && state && *state ? "state" : "kind", FIELD_UNKNOWN_CHOICE);
		return;
	}
	if (!query_int(c, "limit", BOOKING_LIST_LIMIT_MAX, &limit) || !query_int(c, "cursor", INT64_MAX / 10, &f.cursor)) {
		api_invalid_field(c, http_query(c->req, "cursor") ? "cursor" : "limit", FIELD_INVALID);
		return;
	}
	f.q = q;
	f.limit = (int)limit;
	json_t *items = NULL;
	int64_t next = 0;
	enum kerr e = store_booking_list(c->app->store, &f, &items, &next);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	char cursor[24];
	snprintf(cursor, sizeof cursor, "%lld", (long long)next);
	api_json(c, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next ? json_string(cursor) : json_null()));
}

void api_booking_answer(struct api_ctx *c, int status, int64_t id)
{
	struct booking_fresh f = {0};
	enum kerr e = store_booking_get(c->app->store, id, &f.meta, &f.doc);
	if (e != K_OK)
		api_error(c, e);
	else
		answer_fresh(c, status, &f, NULL);
}
