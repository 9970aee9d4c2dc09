/* libFuzzer driver: JSON request bodies through the api's own validation,
 * as the handlers run it, against a SQLite store made once (the demo's
 * option lists, sites and organisations) in a temporary directory.
 * The input is a body; parsed as api_body_object does (api_json_object_parse),
 * it is then:
 *  - a booking patch (PATCH /bookings/{id}): booking_patch_check; when it
 *    passes, booking_patch_apply to a new document, booking_recompute_declared
 *    against the body as the declaration, booking_run_checks with the holding
 *    look-ups and capacity_check_fields;
 *  - a registration (POST /registrations): registration_read_application;
 *  - a day's capacity (PUT /capacity/{date}): capacity_layout_read;
 *  - a gate scan (POST /gate/scan): gate_scan_fields, its token through
 *    release_token_parse and the verdict;
 *  - and every string member goes through the user, phone, organisation
 *    name and password checks the users and sites handlers use.
 * Asserted beside "no crash, no leak": each problem reported as an object
 * with a field, a code and a message; a patch that passes has vehicle rows
 * of the documented keys only, keeps every plate
 * and vehicle row it gave (normalised, none dropped) and passes the check
 * again once applied; applying a document to itself changes nothing; a
 * registration that passes is copied whole (nothing cut); a capacity layout
 * that passes is one capacity_layout_check accepts; scan fields that pass are
 * within their limits. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/booking_doc.h"
#include "api/capacity.h"
#include "release/release.h"
#include "store/capacity.h"
#include "store/gate.h"
#include "store/registrations.h"
#include "store/sites.h"
#include "store/store.h"

#define FUZZ_BODY_MAX 65536
#define FUZZ_DIR_MAX 256
#define FUZZ_URL_MAX 300

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static struct app app;
static struct caller who;
static char store_dir[FUZZ_DIR_MAX];

/* The store's files and folder go at exit. */
static void json_teardown(void)
{
	static const char *const files[] = {"store.db", "store.db-wal", "store.db-shm"};
	char path[FUZZ_URL_MAX];
	store_close(app.store);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", store_dir, files[i]);
		(void)unlink(path);
	}
	(void)rmdir(store_dir);
}

static void json_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char url[FUZZ_URL_MAX];
	snprintf(store_dir, sizeof store_dir, "%s/kouan-fuzz-json.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(store_dir) != NULL);
	snprintf(url, sizeof url, "sqlite:%s/store.db", store_dir);
	CHECK(store_open(url, 1, &app.store) == K_OK);
	FILE *quiet = fopen("/dev/null", "w");
	CHECK(store_demo_seed(app.store, quiet) == K_OK);
	fclose(quiet);
	snprintf(who.user.role, sizeof who.user.role, "enterprise");
	who.user.id = 1;
	who.org.id = 1;
	atexit(json_teardown);
}

static void json_problems_ok(json_t *fields)
{
	size_t i;
	json_t *f;
	CHECK(json_is_array(fields));
	json_array_foreach(fields, i, f)
		CHECK(json_is_string(json_object_get(f, "field")) && json_is_string(json_object_get(f, "code")) &&
			json_is_string(json_object_get(f, "message")));
}

static void json_checks_ok(json_t *checks)
{
	size_t i;
	json_t *ch;
	CHECK(json_is_array(checks));
	json_array_foreach(checks, i, ch)
		CHECK(json_is_string(json_object_get(ch, "code")) && json_is_string(json_object_get(ch, "message")) &&
			json_is_string(json_object_get(ch, "level")));
}

/* A vehicle row of a patch that passed has only the keys of a row (the API's
 * documented shape): an unknown key must have been reported. */
static void json_rows_known(json_t *patch)
{
	static const char *const keys[] = {"vin", "plate", "brand", "colour", "displacement", "power", "tonnage"};
	size_t i;
	json_t *row, *v;
	const char *k;
	json_array_foreach(json_object_get(patch, "vehicles"), i, row)
		json_object_foreach(row, k, v) {
			int known = 0;
			for (size_t n = 0; n < sizeof keys / sizeof keys[0]; n++)
				known |= strcmp(k, keys[n]) == 0;
			CHECK(known);
		}
}

/* The lists the patch gave are all there after applying it. */
static void json_nothing_dropped(json_t *patch, json_t *doc)
{
	static const char *const lists[] = {"plates", "vehicles"};
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		json_t *given = json_object_get(patch, lists[k]), *kept = json_object_get(doc, lists[k]);
		if (given == NULL)
			continue;
		CHECK(json_is_array(kept) && json_array_size(kept) == json_array_size(given));
		size_t i;
		json_t *v;
		json_array_foreach(kept, i, v)
			CHECK(json_is_string(v) || json_is_object(v));
	}
}

static void json_booking(struct api_ctx *c, json_t *body, enum booking_kind kind)
{
	json_t *fields = json_array();
	booking_patch_check(c, body, fields);
	json_problems_ok(fields);
	if (json_array_size(fields) == 0) {
		json_rows_known(body);
		json_t *doc = json_object();
		booking_patch_apply(doc, body);
		json_nothing_dropped(body, doc);
		json_t *again = json_array(), *copy = json_deep_copy(doc);
		booking_patch_check(c, doc, again);	/* what was kept passes the same check */
		CHECK(json_array_size(again) == 0);
		booking_patch_apply(copy, doc);
		CHECK(json_equal(copy, doc));	/* and is kept as it is */
		booking_recompute_declared(doc, body);
		struct booking_meta m = {.id = 1, .org_id = who.org.id, .kind = kind};
		json_t *checks = NULL, *errors = json_array();
		CHECK(booking_run_checks(c, &m, doc, body, 1, &checks, errors) == K_OK);
		json_checks_ok(checks);
		capacity_check_fields(c, doc, errors);
		json_problems_ok(errors);
		json_decref(checks);
		json_decref(errors);
		json_decref(again);
		json_decref(copy);
		json_decref(doc);
	}
	json_decref(fields);
}

static void json_same_text(json_t *body, const char *key, const char *kept)
{
	const char *given = json_str(body, key);
	CHECK(given != NULL && strcmp(given, kept) == 0);
}

static void json_registration(struct api_ctx *c, json_t *body)
{
	struct registration r = {0};
	json_t *fields = json_array();
	registration_read_application(c, body, &r, fields);
	json_problems_ok(fields);
	if (json_array_size(fields) == 0) {
		json_same_text(body, "organisation", r.organisation);
		json_same_text(body, "uscc", r.uscc);
		json_same_text(body, "kind", r.kind);
		json_same_text(body, "contact_name", r.contact_name);
		json_same_text(body, "contact_phone", r.contact_phone);
		json_same_text(body, "username", r.username);
	}
	json_decref(fields);
}

/* PUT /capacity/{date}: a layout read without a problem is one the store accepts. */
static void json_capacity(struct api_ctx *c, json_t *body)
{
	struct capacity_layout out;
	size_t bad = 0;
	json_t *fields = json_array();
	capacity_layout_read(c, body, "", fields, &out);
	json_problems_ok(fields);
	if (json_array_size(fields) == 0)
		CHECK(capacity_layout_check(&out, &bad) == 0);
	json_decref(fields);
}

/* POST /gate/scan: the fields within their limits, the token read as the gate reads it. */
static void json_gate(json_t *body)
{
	const char *token, *gate, *plate, *vin;
	if (gate_scan_fields(body, &token, &gate, &plate, &vin) != NULL)
		return;
	CHECK(strlen(token) <= RELEASE_INPUT_MAX && *gate && strlen(gate) < GATE_NAME_MAX);
	CHECK((plate == NULL || strlen(plate) < GATE_UNIT_MAX) && (vin == NULL || strlen(vin) < GATE_UNIT_MAX));
	struct release_token tok;
	json_t *verdict = release_verdict_json(release_token_parse(token, strlen(token), &tok), &tok);
	CHECK(verdict != NULL);
	json_decref(verdict);
}

static void json_texts(json_t *body)
{
	const char *k;
	json_t *v;
	char key[STORE_NAME_MAX];
	json_object_foreach(body, k, v) {
		const char *s = json_string_value(v);
		if (s == NULL)
			continue;
		if (store_username_acceptable(s))
			CHECK(store_username_key(s, key, sizeof key) == 0);
		(void)store_phone_acceptable(s);
		(void)store_org_name_ok(s);
		(void)store_webhook_acceptable(s);
		CHECK(password_problem(s) <= FIELD_PROBLEM_COUNT);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (app.store == NULL)
		json_setup();
	if (size > FUZZ_BODY_MAX)
		return 0;
	json_t *body = api_json_object_parse((const char *)data, size);
	if (body == NULL)
		return 0;
	struct api_ctx c = {.app = &app, .who = &who, .lang = (enum lang)(size % LANG_COUNT)};
	json_booking(&c, body, size % 2 ? KIND_HEAVY_TRUCK : KIND_COMMODITY_VEHICLE);
	json_registration(&c, body);
	json_capacity(&c, body);
	json_gate(body);
	json_texts(body);
	json_decref(body);
	return 0;
}
