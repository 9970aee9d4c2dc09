/* Bookings through HTTP (issue 10): declarations uploaded and recognised,
 * bookings filled from them, merge-patch edits, checks, submit / withdraw /
 * cancel, what a booking holds (also under 200 concurrent submits), who sees
 * what, search and paging, attachments, VIN import, option lists and sites.
 * Against SQLite or PostgreSQL (KOUAN_TEST_DB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/crossing.h"
#include "harness.h"

static void fill_choices(void);

#define CONCURRENT 200
#define PATH_MAX_LEN 512

static struct it_server srv;
static const char *const PW = "correct horse 9";
static struct it_client ent1, ent1b, ent2, bureau, gate, wh1;

static const char *fixture(const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/tests/fixtures/%s", getenv("KOUAN_SOURCE_DIR"), rel);
	return buf;
}

static json_t *fixture_json(const char *rel)
{
	char path[PATH_MAX_LEN];
	return json_load_file(fixture(rel, path, sizeof path), 0, NULL);
}

static void login(struct it_client *c, const char *user, const char *pw)
{
	memset(c, 0, sizeof *c);
	c->lang = "en";
	assert_int_equal(it_login(&srv, c, user, pw), 200);
}

static int setup(void **state)
{
	static const char *const extra[] = {"--demo", "--max-upload", "31457280", NULL};
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "bookings") != 0)
		return -1;
	if (it_user_add(&srv, "ent1", "enterprise", "永欣物流", PW) != 0 ||
	    it_user_add(&srv, "ent1b", "enterprise", "永欣物流", PW) != 0 ||
	    it_user_add(&srv, "ent2", "enterprise", "другая компания", PW) != 0 ||
	    it_user_add(&srv, "bureau1", "bureau", NULL, PW) != 0 || it_user_add(&srv, "gate1", "gate", NULL, PW) != 0)
		return -1;
	if (it_start(&srv, extra) != 0)
		return -1;
	fill_choices();
	char wpw[64];
	if (it_demo_password(&srv, "demo_warehouse1", wpw, sizeof wpw) == NULL)
		return -1;
	login(&ent1, "ent1", PW);
	login(&ent1b, "ent1b", PW);
	login(&ent2, "ent2", PW);
	login(&bureau, "bureau1", PW);
	login(&gate, "gate1", PW);
	login(&wh1, "demo_warehouse1", wpw);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

/* ---- helpers ---- */

/* The request, its status checked; the JSON answer (owned by the caller). */
static json_t *call(struct it_client *c, const char *method, const char *path, const char *body, long status,
	const char *code)
{
	struct it_resp r;
	assert_int_equal(it_request(&srv, c, method, path, body, NULL, NULL, &r), 0);
	if (r.status != status || (code && strcmp(it_error_code(&r), code) != 0))
		fprintf(stderr, "%s %s -> %ld %.600s\n", method, path, r.status, r.body ? r.body : "");
	assert_int_equal(r.status, status);
	if (code)
		assert_string_equal(it_error_code(&r), code);
	json_t *j = json_incref(r.json);
	it_resp_free(&r);
	return j;
}

static void call_free(struct it_client *c, const char *method, const char *path, const char *body, long status,
	const char *code)
{
	json_decref(call(c, method, path, body, status, code));
}

static json_t *upload(struct it_client *c, const char *path, const char *rel, const char *const *fields, long status,
	const char *code)
{
	char file[PATH_MAX_LEN];
	size_t len = 0;
	void *data = it_read_file(fixture(rel, file, sizeof file), &len);
	assert_non_null(data);
	const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	struct it_resp r;
	assert_int_equal(it_upload(&srv, c, path, "file", name, data, len, fields, &r), 0);
	free(data);
	if (r.status != status || (code && strcmp(it_error_code(&r), code) != 0))
		fprintf(stderr, "upload %s %s -> %ld %.600s\n", path, rel, r.status, r.body ? r.body : "");
	assert_int_equal(r.status, status);
	if (code)
		assert_string_equal(it_error_code(&r), code);
	json_t *j = json_incref(r.json);
	it_resp_free(&r);
	return j;
}

static int64_t id_of(json_t *j)
{
	int64_t id = json_integer_value(json_object_get(j, "id"));
	assert_true(id > 0);
	json_decref(j);
	return id;
}

static int64_t upload_declaration(struct it_client *c, const char *rel)
{
	return id_of(upload(c, "/api/v1/declarations", rel, NULL, 201, NULL));
}

static int64_t create_booking(struct it_client *c, const char *kind, int64_t declaration_id)
{
	char body[128];
	if (declaration_id)
		snprintf(body, sizeof body, "{\"kind\":\"%s\",\"declaration_id\":%lld}", kind, (long long)declaration_id);
	else
		snprintf(body, sizeof body, "{\"kind\":\"%s\"}", kind);
	return id_of(call(c, "POST", "/api/v1/bookings", body, 201, NULL));
}

static const char *bpath(int64_t id, const char *tail, char *buf, size_t len)
{
	snprintf(buf, len, "/api/v1/bookings/%lld%s", (long long)id, tail);
	return buf;
}

static json_t *patch(struct it_client *c, int64_t id, const char *body, long status, const char *code)
{
	char p[PATH_MAX_LEN];
	return call(c, "PATCH", bpath(id, "", p, sizeof p), body, status, code);
}

static json_t *action(struct it_client *c, int64_t id, const char *what, long status, const char *code)
{
	char p[PATH_MAX_LEN], tail[32];
	snprintf(tail, sizeof tail, "/%s", what);
	return call(c, "POST", bpath(id, tail, p, sizeof p), NULL, status, code);
}

static const char *state_of(json_t *b)
{
	return json_string_value(json_object_get(b, "state"));
}

/* A check of the booking's "checks" with this field and code, or NULL. */
static json_t *find_check(json_t *checks, const char *field, const char *code)
{
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c)
		if (strcmp(json_string_value(json_object_get(c, "field")), field) == 0 &&
		    strcmp(json_string_value(json_object_get(c, "code")), code) == 0)
			return c;
	return NULL;
}

static int has_field(json_t *err, const char *field, const char *code)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(json_object_get(err, "error"), "fields"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "field")), field) == 0 &&
		    (code == NULL || strcmp(json_string_value(json_object_get(f, "code")), code) == 0))
			return 1;
	return 0;
}

/* The choices a submit needs, with a crossing date the demo's capacity has
 * room on (tomorrow in Beijing, a whole day): filled by setup. */
static char HEAVY_CHOICES[512], COMMODITY_CHOICES[512];
static char CROSSING[CROSSING_DATE_LEN + 1];

static void fill_choices(void)
{
	crossing_date_format(crossing_today((int64_t)time(NULL)) + 1, CROSSING);
	snprintf(HEAVY_CHOICES, sizeof HEAVY_CHOICES, "\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\","
		"\"customs_warehouse\":\"国际物流园监管库\",\"contact\":\"13912345678\",\"transshipment_site_id\":1,"
		"\"crossing_date\":\"%s\"", CROSSING);
	snprintf(COMMODITY_CHOICES, sizeof COMMODITY_CHOICES, "\"clearance_mode\":\"一般申报\","
		"\"customs_warehouse\":\"国际物流园监管库\",\"contact\":\"+7 701 123 4567\",\"usage_type\":\"营运\","
		"\"fuel_type\":\"柴油\",\"crossing_date\":\"%s\"", CROSSING);
}

/* A heavy-truck booking typed by hand, ready to submit. */
static int64_t heavy_by_hand(struct it_client *c, const char *declno)
{
	int64_t id = create_booking(c, "heavy_truck", 0);
	char body[1024];
	snprintf(body, sizeof body, "{\"is_transit\":true,\"declaration_no\":\"%s\",\"plates\":[\"新F12345\"],"
		"\"truck_count\":1,%s}", declno, HEAVY_CHOICES);
	json_decref(patch(c, id, body, 200, NULL));
	return id;
}

/* A commodity-vehicle booking typed by hand with one VIN. */
static int64_t commodity_by_hand(struct it_client *c, const char *declno, const char *vin)
{
	int64_t id = create_booking(c, "commodity_vehicle", 0);
	char body[1024];
	snprintf(body, sizeof body, "{\"is_transit\":true,\"declaration_no\":\"%s\",\"vehicles\":[{\"vin\":\"%s\"}],%s}",
		declno, vin, COMMODITY_CHOICES);
	json_decref(patch(c, id, body, 200, NULL));
	return id;
}

/* ---- declarations ---- */

static void declaration_upload_and_read(void **state)
{
	json_t *want = fixture_json("declarations/decl_001.json");
	json_t *up = upload(&ent1, "/api/v1/declarations", "declarations/decl_001.pdf", NULL, 201, NULL);
	json_t *d = json_object_get(up, "declaration");
	assert_string_equal(json_string_value(json_object_get(d, "declaration_no")),
		json_string_value(json_object_get(want, "declaration_no")));
	assert_true(json_equal(json_object_get(d, "plates"), json_object_get(want, "plates")));
	assert_non_null(json_object_get(d, "confidence"));
	int64_t id = json_integer_value(json_object_get(up, "id"));
	char p[PATH_MAX_LEN];
	snprintf(p, sizeof p, "/api/v1/declarations/%lld", (long long)id);
	json_t *got = call(&ent1, "GET", p, NULL, 200, NULL);
	assert_int_equal(json_integer_value(json_object_get(got, "pages")), 1);
	assert_string_equal(json_string_value(json_object_get(got, "filename")), "decl_001.pdf");
	assert_true(json_equal(json_object_get(got, "declaration"), d));
	json_decref(got);
	call_free(&ent1b, "GET", p, NULL, 200, NULL);	/* the same organisation */
	call_free(&ent2, "GET", p, NULL, 404, "not_found");
	call_free(&bureau, "GET", p, NULL, 200, NULL);
	call_free(&wh1, "GET", p, NULL, 404, "not_found");	/* no booking names its site yet */

	/* the PDF comes back byte for byte (binary values in the database) */
	char file[PATH_MAX_LEN];
	size_t len = 0;
	void *pdf = it_read_file(fixture("declarations/decl_001.pdf", file, sizeof file), &len);
	struct it_resp r;
	snprintf(p, sizeof p, "/api/v1/declarations/%lld/pdf", (long long)id);
	assert_int_equal(it_request(&srv, &ent1, "GET", p, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.body, pdf, len);
	it_resp_free(&r);
	free(pdf);

	/* its page as an image, cached by ETag */
	snprintf(p, sizeof p, "/api/v1/declarations/%lld/pages/1.png", (long long)id);
	assert_int_equal(it_request(&srv, &ent1, "GET", p, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.headers, "Content-Type: image/png"));
	assert_true(r.len > 8 && memcmp(r.body, "\x89PNG", 4) == 0);
	const char *etag = strstr(r.headers, "ETag: ");
	assert_non_null(etag);
	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: %.*s", (int)strcspn(etag + 6, "\r\n"), etag + 6);
	it_resp_free(&r);
	const char *const cond[] = {inm, NULL};
	assert_int_equal(it_request(&srv, &ent1, "GET", p, NULL, NULL, cond, &r), 0);
	assert_int_equal(r.status, 304);
	it_resp_free(&r);
	snprintf(p, sizeof p, "/api/v1/declarations/%lld/pages/2.png", (long long)id);
	call_free(&ent1, "GET", p, NULL, 404, "not_found");
	call_free(&ent1, "GET", "/api/v1/declarations/999999", NULL, 404, "not_found");
	call_free(&ent2, "GET", "/api/v1/declarations/1/pdf", NULL, 404, "not_found");
	json_decref(up);
	json_decref(want);
}

static void declaration_refusals(void **state)
{
	json_t *expected = fixture_json("bad/expected.json");
	const char *name;
	json_t *f;
	json_object_foreach(json_object_get(expected, "files"), name, f) {
		char rel[PATH_MAX_LEN];
		snprintf(rel, sizeof rel, "bad/%s", name);
		json_t *r = upload(&ent1, "/api/v1/declarations", rel, NULL, 422, NULL);
		const char *code = json_string_value(json_object_get(json_object_get(r, "error"), "code"));
		int ok = strcmp(code, json_string_value(json_object_get(f, "reason"))) == 0;
		size_t i;
		json_t *alt;
		json_array_foreach(json_object_get(f, "also_acceptable"), i, alt)
			ok |= strcmp(code, json_string_value(alt)) == 0;
		if (!ok)
			fprintf(stderr, "%s refused as %s\n", name, code);
		assert_true(ok);
		json_decref(r);
	}
	json_decref(expected);
	/* not multipart; no file part; a warehouse may not upload */
	call_free(&ent1, "POST", "/api/v1/declarations", "{}", 415, "unsupported_media_type");
	json_t *r = upload(&ent1, "/api/v1/declarations", "declarations/decl_001.pdf", (const char *const[]){"x", "y", NULL},
		201, NULL);
	json_decref(r);
	struct it_resp resp;
	assert_int_equal(it_upload(&srv, &ent1, "/api/v1/declarations", "other", "a.pdf", "%PDF-1.4", 8, NULL, &resp), 0);
	assert_int_equal(resp.status, 422);
	assert_true(has_field(resp.json, "file", "required"));
	it_resp_free(&resp);
	json_decref(upload(&wh1, "/api/v1/declarations", "declarations/decl_001.pdf", NULL, 403, "forbidden"));
	/* larger than a declaration may be: 413 */
	size_t big = (20u << 20) + 1;
	char *data = calloc(1, big);
	memcpy(data, "%PDF-1.4\n", 9);
	assert_int_equal(it_upload(&srv, &ent1, "/api/v1/declarations", "file", "big.pdf", data, big, NULL, &resp), 0);
	free(data);
	assert_int_equal(resp.status, 413);
	it_resp_free(&resp);
}

/* ---- heavy trucks ---- */

static void heavy_truck_flow(void **state)
{
	json_t *want = fixture_json("declarations/decl_001.json");
	int64_t decl = upload_declaration(&ent1, "declarations/decl_001.pdf");
	int64_t id = create_booking(&ent1, "heavy_truck", decl);
	char p[PATH_MAX_LEN];
	json_t *b = call(&ent1, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	assert_string_equal(state_of(b), "draft");
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "heavy_truck");
	assert_int_equal(json_integer_value(json_object_get(b, "declaration_id")), decl);
	assert_true(json_equal(json_object_get(b, "plates"), json_object_get(want, "plates")));	/* trailers too */
	assert_true(json_equal(json_object_get(b, "truck_count"), json_object_get(want, "truck_count")));
	assert_string_equal(json_string_value(json_object_get(b, "company")), "永欣物流");
	assert_int_equal(json_object_size(json_object_get(b, "declared")), 0);
	assert_int_equal(json_array_size(json_object_get(b, "history")), 1);
	json_decref(b);

	/* read-only keys, wrong forms and unknown choices: 422 naming them */
	json_t *e = patch(&ent1, id, "{\"state\":\"released\",\"id\":5}", 422, "validation_failed");
	assert_true(has_field(e, "state", "read_only") && has_field(e, "id", "read_only"));
	json_decref(e);
	e = patch(&ent1, id, "{\"clearance_mode\":\"走私\",\"truck_count\":\"3\",\"crossing_date\":\"2026-02-30\","
		"\"slot\":\"10:00-09:00\",\"transshipment_site_id\":999}", 422, "validation_failed");
	assert_true(has_field(e, "clearance_mode", "unknown_choice") && has_field(e, "truck_count", "invalid") &&
		has_field(e, "crossing_date", "invalid") && has_field(e, "slot", "invalid") &&
		has_field(e, "transshipment_site_id", "unknown_choice"));
	json_decref(e);
	call_free(&ent1, "PATCH", bpath(id, "", p, sizeof p), "[1]", 400, "bad_json");
	struct it_resp mp;
	assert_int_equal(it_request(&srv, &ent1, "PATCH", bpath(id, "", p, sizeof p), "{\"contact\":\"13912345678\"}",
		"application/merge-patch+json", NULL, &mp), 0);
	assert_int_equal(mp.status, 200);
	assert_string_equal(json_string_value(json_object_get(mp.json, "contact")), "13912345678");
	it_resp_free(&mp);

	/* submit without the choices: 422 with every missing field */
	e = action(&ent1, id, "submit", 422, "validation_failed");
	assert_true(has_field(e, "clearance_mode", "required") && has_field(e, "transshipment_site_id", "required"));
	json_decref(e);

	/* a changed plate keeps the declaration's value; the real truck count (归并) is kept */
	char body[1024];
	snprintf(body, sizeof body, "{%s,\"plates\":[\"272hga02\",\"245NUR03挂\",\"新F99999\"],\"truck_count\":2,"
		"\"slot\":null}", HEAVY_CHOICES);
	b = patch(&ent1, id, body, 200, NULL);
	json_t *declared = json_object_get(b, "declared");
	assert_true(json_equal(json_object_get(declared, "plates"), json_object_get(want, "plates")));
	assert_true(json_equal(json_object_get(declared, "truck_count"), json_object_get(want, "truck_count")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(b, "plates"), 0)), "272HGA02");
	assert_string_equal(json_string_value(json_object_get(b, "crossing_date")), CROSSING);
	json_t *checks = json_object_get(b, "checks");
	assert_non_null(find_check(checks, "plates", "plates_mismatch"));
	json_t *merged = find_check(checks, "truck_count", "truck_count_merged");
	assert_non_null(merged);
	assert_string_equal(json_string_value(json_object_get(merged, "level")), "warning");
	json_decref(b);
	/* changed back: nothing is declared apart any more */
	b = patch(&ent1, id, "{\"plates\":[\"272HGA02\",\"245NUR03挂\",\"737EHD05\",\"462THA10挂\",\"826KGP10\","
		"\"214NHV02挂\"],\"truck_count\":3}", 200, NULL);
	assert_int_equal(json_object_size(json_object_get(b, "declared")), 0);
	assert_non_null(find_check(json_object_get(b, "checks"), "plates", "plates_match"));
	json_decref(b);
	/* drivers, optional: a phone of a known form, a plate of the booking */
	b = patch(&ent1, id, "{\"drivers\":[{\"plate\":\"272HGA02\",\"name\":\"Ержан\",\"phone\":\"+7 701 555 0101\"},"
		"{\"plate\":\"新F00000\",\"name\":\"王军\",\"phone\":\"555\"}]}", 200, NULL);
	assert_non_null(find_check(json_object_get(b, "checks"), "drivers[1].phone", "driver_phone_form"));
	assert_non_null(find_check(json_object_get(b, "checks"), "drivers[1].plate", "driver_plate"));
	assert_null(find_check(json_object_get(b, "checks"), "drivers[0].phone", "driver_phone_form"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(b, "drivers"), 0), "name")),
		"Ержан");
	/* a GET answers the checks only when asked, and then the write's own */
	json_t *plain = call(&ent1, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	assert_null(json_object_get(plain, "checks"));
	assert_true(json_equal(json_object_get(plain, "company"), json_object_get(b, "company")));
	assert_true(json_is_string(json_object_get(plain, "company")));
	json_decref(plain);
	json_t *asked = call(&ent1, "GET", bpath(id, "?checks=1", p, sizeof p), NULL, 200, NULL);
	assert_true(json_equal(json_object_get(asked, "checks"), json_object_get(b, "checks")));
	json_decref(asked);
	json_decref(b);
	json_decref(patch(&ent1, id, "{\"drivers\":[{\"age\":\"40\"}]}", 422, "validation_failed"));
	json_decref(patch(&ent1, id, "{\"drivers\":null}", 200, NULL));
	/* a bad contact number stops the submit at its field */
	json_decref(patch(&ent1, id, "{\"contact\":\"12345\"}", 200, NULL));
	e = action(&ent1, id, "submit", 422, "validation_failed");
	assert_true(has_field(e, "contact", "contact_form"));
	json_decref(e);
	json_decref(patch(&ent1, id, "{\"contact\":\"0999-8123456\"}", 200, NULL));

	b = action(&ent1, id, "submit", 200, NULL);
	assert_string_equal(state_of(b), "submitted");
	/* the submit answers the checks it passed, those of the booking it moved */
	asked = call(&ent1, "GET", bpath(id, "?checks=1", p, sizeof p), NULL, 200, NULL);
	assert_true(json_array_size(json_object_get(b, "checks")) > 0);
	assert_true(json_equal(json_object_get(asked, "checks"), json_object_get(b, "checks")));
	json_decref(asked);
	json_decref(b);
	json_decref(patch(&ent1, id, "{\"contact\":\"13912345678\"}", 409, "wrong_state"));
	json_decref(action(&ent1, id, "submit", 409, "wrong_state"));
	/* the warehouse of site 1 sees it now, and the declaration it uses */
	call_free(&wh1, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	snprintf(p, sizeof p, "/api/v1/declarations/%lld", (long long)decl);
	call_free(&wh1, "GET", p, NULL, 200, NULL);
	b = action(&ent1, id, "withdraw", 200, NULL);
	assert_string_equal(state_of(b), "draft");
	json_decref(b);
	b = call(&ent1, "POST", bpath(id, "/cancel", p, sizeof p), "{\"reason\":\"plans changed\"}", 200, NULL);
	assert_string_equal(state_of(b), "cancelled");
	json_t *hist = json_object_get(b, "history");
	assert_int_equal(json_array_size(hist), 4);	/* create, submit, withdraw, cancel */
	json_t *last = json_array_get(hist, 3);
	assert_string_equal(json_string_value(json_object_get(last, "action")), "cancel");
	assert_string_equal(json_string_value(json_object_get(last, "from")), "draft");
	assert_string_equal(json_string_value(json_object_get(last, "reason")), "plans changed");
	assert_string_equal(json_string_value(json_object_get(last, "actor")), "ent1");
	json_decref(b);
	json_decref(action(&ent1, id, "cancel", 409, "wrong_state"));
	json_decref(action(&ent1, id, "withdraw", 409, "wrong_state"));
	json_decref(want);
}

/* ---- holding ---- */

static void declaration_held_once(void **state)
{
	int64_t a = heavy_by_hand(&ent1, "940220240000224219");
	int64_t b = heavy_by_hand(&ent1b, "9402-2024-0000224219");	/* the same number, written otherwise */
	int64_t c = heavy_by_hand(&ent2, "940220240000224219");
	json_decref(action(&ent1, a, "submit", 200, NULL));
	/* the check says so before a submit */
	char p[PATH_MAX_LEN];
	json_t *chk = call(&ent1b, "POST", bpath(b, "/check", p, sizeof p), "{}", 200, NULL);
	json_t *held = find_check(json_object_get(chk, "checks"), "declaration_no", "declaration_in_use");
	assert_non_null(held);
	assert_int_equal(json_integer_value(json_object_get(held, "booking_id")), a);
	json_decref(chk);
	/* the same organisation sees which booking holds it; another does not */
	json_t *e = action(&ent1b, b, "submit", 409, "declaration_in_use");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "error"), "booking_id")), a);
	json_decref(e);
	e = action(&ent2, c, "submit", 409, "declaration_in_use");
	assert_null(json_object_get(json_object_get(e, "error"), "booking_id"));
	json_decref(e);
	/* withdrawn, it holds nothing: the other may submit */
	json_decref(action(&ent1, a, "withdraw", 200, NULL));
	json_t *ok = action(&ent2, c, "submit", 200, NULL);
	assert_string_equal(state_of(ok), "submitted");
	json_decref(ok);
	json_decref(action(&ent1, a, "submit", 409, "declaration_in_use"));
}

struct racer {
	struct it_client *c;
	int64_t id;
	long status;
	char code[40];
	char field[40];		/* the field a 409 names */
	pthread_barrier_t *go;
};

static void *race_submit(void *arg)
{
	struct racer *r = arg;
	char p[PATH_MAX_LEN];
	struct it_resp resp;
	pthread_barrier_wait(r->go);
	if (it_request(&srv, r->c, "POST", bpath(r->id, "/submit", p, sizeof p), NULL, NULL, NULL, &resp) == 0) {
		r->status = resp.status;
		snprintf(r->code, sizeof r->code, "%s", it_error_code(&resp));
		json_t *first = json_array_get(json_object_get(json_object_get(resp.json, "error"), "fields"), 0);
		const char *field = json_string_value(json_object_get(first, "field"));
		snprintf(r->field, sizeof r->field, "%s", field ? field : "");
		it_resp_free(&resp);
	}
	return NULL;
}

/* CONCURRENT submits at once: exactly one wins, the others are told why and
 * which field is held. */
static void race(struct racer *rs, const char *loser_code, const char *loser_field)
{
	pthread_t t[CONCURRENT];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, CONCURRENT);
	for (int i = 0; i < CONCURRENT; i++) {
		rs[i].go = &go;
		assert_int_equal(pthread_create(&t[i], NULL, race_submit, &rs[i]), 0);
	}
	int won = 0, lost = 0;
	for (int i = 0; i < CONCURRENT; i++) {
		pthread_join(t[i], NULL);
		won += rs[i].status == 200;
		lost += rs[i].status == 409 && strcmp(rs[i].code, loser_code) == 0 && strcmp(rs[i].field, loser_field) == 0;
		if (rs[i].status != 200 && (rs[i].status != 409 || strcmp(rs[i].field, loser_field) != 0))
			fprintf(stderr, "racer %d: %ld %s %s\n", i, rs[i].status, rs[i].code, rs[i].field);
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(won, 1);
	assert_int_equal(lost, CONCURRENT - 1);
}

static void concurrent_submits(void **state)
{
	static struct racer rs[CONCURRENT];
	/* one organisation */
	for (int i = 0; i < CONCURRENT; i++)
		rs[i] = (struct racer){.c = &ent1, .id = heavy_by_hand(&ent1, "940220240000300001")};
	race(rs, "declaration_in_use", "declaration_no");
	/* several organisations */
	for (int i = 0; i < CONCURRENT; i++) {
		struct it_client *c = i % 3 == 0 ? &ent1 : i % 3 == 1 ? &ent1b : &ent2;
		rs[i] = (struct racer){.c = c, .id = heavy_by_hand(c, "940220240000300002")};
	}
	race(rs, "declaration_in_use", "declaration_no");
	/* one VIN, each booking with a declaration number of its own */
	for (int i = 0; i < CONCURRENT; i++) {
		char no[32];
		snprintf(no, sizeof no, "9402202400004%05d", i);
		struct it_client *c = i % 2 ? &ent1 : &ent2;
		rs[i] = (struct racer){.c = c, .id = commodity_by_hand(c, no, "LGWEF5A51SN014157")};
	}
	race(rs, "vin_in_use", "vehicles[0].vin");
}

/* ---- who sees what ---- */

static void isolation(void **state)
{
	int64_t decl = upload_declaration(&ent1, "declarations/decl_001.pdf");
	int64_t id = create_booking(&ent1, "heavy_truck", decl);
	char p[PATH_MAX_LEN];
	/* another organisation: every way in answers 404 */
	call_free(&ent2, "GET", bpath(id, "", p, sizeof p), NULL, 404, "not_found");
	json_decref(patch(&ent2, id, "{\"contact\":\"13912345678\"}", 404, "not_found"));
	json_decref(action(&ent2, id, "submit", 404, "not_found"));
	json_decref(action(&ent2, id, "withdraw", 404, "not_found"));
	json_decref(action(&ent2, id, "cancel", 404, "not_found"));
	call_free(&ent2, "POST", bpath(id, "/check", p, sizeof p), NULL, 404, "not_found");
	/* whatever the body: access is looked at first (no 400 or 422 that would say the booking is there) */
	json_decref(patch(&ent2, id, "{\"contact\":", 404, "not_found"));
	json_decref(patch(&ent2, id, "{\"wheels\":4}", 404, "not_found"));
	call_free(&ent2, "POST", bpath(id, "/cancel", p, sizeof p), "{\"reason\":", 404, "not_found");
	call_free(&ent2, "POST", bpath(id, "/check", p, sizeof p), "[1]", 404, "not_found");
	json_decref(upload(&ent2, bpath(id, "/attachments", p, sizeof p), "declarations/decl_001.pdf",
		(const char *const[]){"type", "other", NULL}, 404, "not_found"));
	json_decref(upload(&ent2, bpath(id, "/vehicles/import", p, sizeof p), "vins/vins.csv", NULL, 404, "not_found"));
	call_free(&ent2, "GET", bpath(id, "/attachments/1", p, sizeof p), NULL, 404, "not_found");
	/* a booking from another organisation's declaration: not there either */
	char body[96];
	snprintf(body, sizeof body, "{\"kind\":\"heavy_truck\",\"declaration_id\":%lld}", (long long)decl);
	call_free(&ent2, "POST", "/api/v1/bookings", body, 404, "not_found");
	/* the list of the other organisation does not show it */
	json_t *l = call(&ent2, "GET", "/api/v1/bookings?limit=100", NULL, 200, NULL);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(l, "items"), i, it) {
		assert_int_not_equal(json_integer_value(json_object_get(it, "id")), id);
		assert_string_not_equal(json_string_value(json_object_get(it, "company")) ?
			json_string_value(json_object_get(it, "company")) : "", "永欣物流");
	}
	json_decref(l);
	/* the same organisation, the bureau and the gate read it; a warehouse of
	 * another site does not; roles that do not edit get 403 */
	call_free(&ent1b, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	call_free(&bureau, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	call_free(&gate, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	call_free(&wh1, "GET", bpath(id, "", p, sizeof p), NULL, 404, "not_found");
	json_decref(patch(&bureau, id, "{}", 403, "forbidden"));
	call_free(&gate, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", 403, "forbidden");
	call_free(&ent1, "GET", "/api/v1/bookings/abc", NULL, 404, "not_found");
	call_free(&ent1, "POST", "/api/v1/bookings", "{\"kind\":\"boat\"}", 422, "validation_failed");
	/* the bureau may cancel */
	json_t *b = action(&bureau, id, "cancel", 200, NULL);
	assert_string_equal(state_of(b), "cancelled");
	json_decref(b);
}

/* ---- the list ---- */

static int listed(struct it_client *c, const char *query, int64_t id)
{
	char p[PATH_MAX_LEN];
	snprintf(p, sizeof p, "/api/v1/bookings?%s", query);
	json_t *l = call(c, "GET", p, NULL, 200, NULL);
	int found = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(l, "items"), i, it)
		found |= json_integer_value(json_object_get(it, "id")) == id;
	json_decref(l);
	return found;
}

static void search(void **state)
{
	int64_t v = commodity_by_hand(&ent1, "940220250009990001", "LGWEF5A53SN014144");
	int64_t h = heavy_by_hand(&ent1, "940220250009990002");
	json_decref(patch(&ent1, h, "{\"plates\":[\"新F77777\",\"新F7777挂\"]}", 200, NULL));
	assert_true(listed(&ent1, "q=LGWEF5A53SN014144", v));	/* a whole VIN */
	assert_true(listed(&ent1, "q=LGWE", v));		/* a prefix of 4 */
	assert_true(listed(&ent1, "q=lgwef5", v));		/* any case */
	assert_false(listed(&ent1, "q=LGW", v));		/* 3 is no prefix */
	assert_false(listed(&ent1, "q=GWEF5A53", v));		/* not a prefix */
	assert_true(listed(&ent1, "q=940220250009990001", v));
	assert_true(listed(&ent1, "q=9402202500099900", v) && listed(&ent1, "q=9402202500099900", h));
	assert_true(listed(&ent1, "q=%E6%96%B0F77", h));	/* 新F77: a plate prefix */
	assert_true(listed(&ent1, "q=%E6%96%B0F7777%E6%8C%82", h));	/* a trailer's whole plate */
	assert_false(listed(&ent2, "q=LGWE", v));		/* others' bookings stay out */
	assert_true(listed(&ent1, "q=LGWE&kind=commodity_vehicle&state=draft", v));
	assert_false(listed(&ent1, "q=LGWE&kind=heavy_truck", v));
	assert_false(listed(&ent1, "q=LGWE&state=submitted", v));
	call_free(&ent1, "GET", "/api/v1/bookings?state=flying", NULL, 422, "validation_failed");
	call_free(&ent1, "GET", "/api/v1/bookings?limit=1000", NULL, 422, "validation_failed");
	call_free(&ent1, "GET", "/api/v1/bookings?cursor=x", NULL, 422, "validation_failed");
}

static void keyset_paging(void **state)
{
	enum { N = 7 };
	int64_t ids[N];
	for (int i = 0; i < N; i++)
		ids[i] = heavy_by_hand(&ent2, "940220250007770000");
	/* every booking of the organisation once, newest first, three at a time */
	char p[PATH_MAX_LEN] = "/api/v1/bookings?q=940220250007770000&limit=3";
	int seen = 0, pages = 0;
	int64_t last = INT64_MAX;
	for (;;) {
		json_t *l = call(&ent2, "GET", p, NULL, 200, NULL);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(l, "items"), i, it) {
			int64_t id = json_integer_value(json_object_get(it, "id"));
			assert_true(id < last);
			last = id;
			assert_int_equal(id, ids[N - 1 - seen]);
			seen++;
		}
		pages++;
		const char *next = json_string_value(json_object_get(l, "next_cursor"));
		if (next == NULL) {
			json_decref(l);
			break;
		}
		snprintf(p, sizeof p, "/api/v1/bookings?q=940220250007770000&limit=3&cursor=%s", next);
		json_decref(l);
	}
	assert_int_equal(seen, N);
	assert_int_equal(pages, 3);
}

/* ---- commodity vehicles ---- */

static void commodity_vehicle_flow(void **state)
{
	json_t *want = fixture_json("declarations/decl_017.json");
	int64_t decl = upload_declaration(&ent1b, "declarations/decl_017.pdf");
	int64_t id = create_booking(&ent1b, "commodity_vehicle", decl);
	char p[PATH_MAX_LEN];
	json_t *b = call(&ent1b, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	json_t *rows = json_object_get(b, "vehicles"), *vins = json_object_get(want, "vins");
	assert_int_equal(json_array_size(rows), json_array_size(vins));	/* one row per VIN */
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		assert_string_equal(json_string_value(json_object_get(row, "vin")), json_string_value(json_array_get(vins, i)));
		assert_string_equal(json_string_value(json_object_get(row, "brand")), "长安");	/* from the models */
	}
	assert_true(json_is_null(json_object_get(b, "usage_type")));
	json_decref(b);
	/* usage and fuel: chosen once, remembered for the next booking */
	char body[4096];
	snprintf(body, sizeof body, "{%s}", COMMODITY_CHOICES);
	json_decref(patch(&ent1b, id, body, 200, NULL));
	int64_t next = create_booking(&ent1b, "commodity_vehicle", decl);
	b = call(&ent1b, "GET", bpath(next, "", p, sizeof p), NULL, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(b, "usage_type")), "营运");
	assert_string_equal(json_string_value(json_object_get(b, "fuel_type")), "柴油");
	json_decref(b);
	/* a VIN typed wrong (check digit) and one not on the declaration stop the submit */
	b = call(&ent1b, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	json_t *edited = json_deep_copy(json_object_get(b, "vehicles"));
	json_decref(b);
	json_object_set_new(json_array_get(edited, 0), "vin", json_string("LS4ASB3R7SE484171"));
	json_object_set_new(json_array_get(edited, 1), "vin", json_string("LGWEF5A53SN014144"));
	json_object_set_new(json_array_get(edited, 1), "colour", json_string("白色"));
	json_t *pb = json_pack("{s:o}", "vehicles", edited);
	char *text = json_dumps(pb, 0);
	json_decref(pb);
	b = patch(&ent1b, id, text, 200, NULL);
	free(text);
	assert_non_null(find_check(json_object_get(b, "checks"), "vehicles[0].vin", "vin_check_digit"));
	assert_non_null(find_check(json_object_get(b, "checks"), "vehicles[1].vin", "vin_not_declared"));
	assert_true(json_equal(json_object_get(json_object_get(b, "declared"), "vins"), NULL) ||
		json_object_get(json_object_get(b, "declared"), "vins") == NULL);
	json_decref(b);
	json_t *e = action(&ent1b, id, "submit", 422, "validation_failed");
	assert_true(has_field(e, "vehicles[0].vin", "vin_check_digit") && has_field(e, "vehicles[1].vin", "vin_not_declared"));
	json_decref(e);
	json_decref(patch(&ent1b, id, "{\"vehicles\":[{\"vin\":\"LS4ASB3R6SE484171\",\"colour\":\"紫色\"}]}", 422,
		"validation_failed"));
	json_decref(patch(&ent1b, id, "{\"vehicles\":[{\"vin\":\"LS4ASB3R6SE484171\",\"wheels\":\"4\"}]}", 422,
		"validation_failed"));
	/* every VIN right: a commodity-vehicle booking is released at once */
	snprintf(body, sizeof body, "{\"vehicles\":[{\"vin\":\"%s\"},{\"vin\":\"%s\"}]}",
		json_string_value(json_array_get(vins, 0)), json_string_value(json_array_get(vins, 1)));
	b = patch(&ent1b, id, body, 200, NULL);
	assert_non_null(find_check(json_object_get(b, "checks"), "vehicles", "vin_missing"));
	json_decref(b);
	b = action(&ent1b, id, "submit", 200, NULL);
	assert_string_equal(state_of(b), "released");
	json_decref(b);
	/* its VINs are held: the other booking of the declaration cannot have them */
	snprintf(body, sizeof body, "{%s,\"vehicles\":[{\"vin\":\"%s\"}]}", COMMODITY_CHOICES,
		json_string_value(json_array_get(vins, 0)));
	json_decref(patch(&ent1b, next, body, 200, NULL));
	e = action(&ent1b, next, "submit", 409, "declaration_in_use");
	json_decref(e);
	json_decref(want);
}

static void vin_import(void **state)
{
	int64_t decl = upload_declaration(&ent1, "declarations/decl_025.pdf");	/* no VINs in its remarks */
	int64_t id = create_booking(&ent1, "commodity_vehicle", decl);
	char p[PATH_MAX_LEN];
	json_t *b = call(&ent1, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	assert_int_equal(json_array_size(json_object_get(b, "vehicles")), 0);
	json_decref(b);
	json_t *want = fixture_json("vins/decl_025_vins.expected.json");
	json_t *r = upload(&ent1, bpath(id, "/vehicles/import", p, sizeof p), "vins/decl_025_vins.xlsx", NULL, 200, NULL);
	size_t n = json_array_size(json_object_get(want, "vins"));
	assert_int_equal(json_integer_value(json_object_get(r, "added")), n);
	json_t *rows = json_object_get(json_object_get(r, "booking"), "vehicles");
	assert_int_equal(json_array_size(rows), n);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "vin")),
		json_string_value(json_array_get(json_object_get(want, "vins"), 0)));
	json_decref(r);
	/* again: every VIN is refused as already there */
	r = upload(&ent1, bpath(id, "/vehicles/import", p, sizeof p), "vins/decl_025_vins.xlsx", NULL, 200, NULL);
	assert_int_equal(json_integer_value(json_object_get(r, "added")), 0);
	assert_int_equal(json_array_size(json_object_get(r, "refused")), n);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r, "refused"), 0), "reason")),
		"already_in_booking");
	json_decref(r);
	/* a sheet with bad VINs: rows refused with their reasons */
	json_t *bad = fixture_json("vins/vins_invalid.expected.json");
	r = upload(&ent1, bpath(id, "/vehicles/import", p, sizeof p), "vins/vins_invalid.xlsx", NULL, 200, NULL);
	assert_true(json_array_size(json_object_get(r, "refused")) >= json_array_size(json_object_get(bad, "rejected")));
	json_t *first = json_array_get(json_object_get(r, "refused"), 0);
	assert_non_null(json_string_value(json_object_get(first, "reason")));
	json_decref(r);
	json_decref(bad);
	json_decref(upload(&ent1, bpath(id, "/vehicles/import", p, sizeof p), "declarations/decl_001.pdf", NULL, 422,
		"not_spreadsheet"));
	json_decref(want);
	/* the template to fill in */
	struct it_resp t;
	assert_int_equal(it_request(&srv, &ent1, "GET", "/api/v1/vin-template.xlsx", NULL, NULL, NULL, &t), 0);
	assert_int_equal(t.status, 200);
	assert_true(t.len > 4 && memcmp(t.body, "PK\x03\x04", 4) == 0);
	it_resp_free(&t);
	/* heavy trucks import no VINs */
	int64_t h = heavy_by_hand(&ent1, "940220250008880001");
	json_decref(upload(&ent1, bpath(h, "/vehicles/import", p, sizeof p), "vins/vins.csv", NULL, 409, "wrong_state"));
}

/* ---- attachments and the e-commerce list mode ---- */

static void attachments_and_ecommerce(void **state)
{
	int64_t id = heavy_by_hand(&ent1, "940220250006660001");
	json_decref(patch(&ent1, id, "{\"cargo_type\":\"跨境电商（清单模式）\"}", 200, NULL));
	json_t *e = action(&ent1, id, "submit", 422, "validation_failed");
	assert_true(has_field(e, "attachments", "release_list_required"));
	json_decref(e);
	char p[PATH_MAX_LEN];
	const char *const other[] = {"type", "other", NULL}, *const release[] = {"type", "release_list", NULL};
	/* checked by content: a text file named .pdf is refused */
	json_decref(upload(&ent1, bpath(id, "/attachments", p, sizeof p), "bad/text_renamed.pdf", release, 415,
		"unsupported_media_type"));
	json_decref(upload(&ent1, bpath(id, "/attachments", p, sizeof p), "bad/empty.pdf", release, 422, "empty_file"));
	json_decref(upload(&ent1, bpath(id, "/attachments", p, sizeof p), "declarations/decl_001.pdf",
		(const char *const[]){"type", "passport", NULL}, 422, "validation_failed"));
	json_decref(upload(&ent1, bpath(id, "/attachments", p, sizeof p), "declarations/decl_001.pdf", NULL, 422,
		"validation_failed"));
	json_decref(upload(&ent1, bpath(id, "/attachments", p, sizeof p), "vins/vins_261.xlsx", other, 201, NULL));
	json_t *a = upload(&ent1, bpath(id, "/attachments", p, sizeof p), "declarations/decl_002.pdf", release, 201, NULL);
	assert_string_equal(json_string_value(json_object_get(a, "content_type")), "application/pdf");
	int64_t aid = json_integer_value(json_object_get(a, "id"));
	json_decref(a);
	/* downloadable, byte for byte, by whoever sees the booking */
	char file[PATH_MAX_LEN], tail[64];
	size_t len = 0;
	void *pdf = it_read_file(fixture("declarations/decl_002.pdf", file, sizeof file), &len);
	snprintf(tail, sizeof tail, "/attachments/%lld", (long long)aid);
	struct it_resp r;
	assert_int_equal(it_request(&srv, &bureau, "GET", bpath(id, tail, p, sizeof p), NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.body, pdf, len);
	assert_non_null(strstr(r.headers, "Content-Disposition: attachment"));
	it_resp_free(&r);
	free(pdf);
	call_free(&ent1, "GET", bpath(id, "/attachments/999999", p, sizeof p), NULL, 404, "not_found");
	json_t *b = action(&ent1, id, "submit", 200, NULL);
	assert_int_equal(json_array_size(json_object_get(b, "attachments")), 2);
	json_decref(b);
	/* submitted: no more attachments */
	json_decref(upload(&ent1, bpath(id, "/attachments", p, sizeof p), "declarations/decl_001.pdf", other, 409,
		"wrong_state"));
	/* larger than an attachment may be: 413 */
	int64_t id2 = heavy_by_hand(&ent1, "940220250006660002");
	size_t big = (10u << 20) + 1;
	char *data = calloc(1, big);
	memcpy(data, "%PDF-1.4\n", 9);
	assert_int_equal(it_upload(&srv, &ent1, bpath(id2, "/attachments", p, sizeof p), "file", "big.pdf", data, big, other,
		&r), 0);
	free(data);
	assert_int_equal(r.status, 413);
	it_resp_free(&r);
}

/* ---- lists the bureau keeps, sites, the domain ---- */

static void options_sites_domain(void **state)
{
	json_t *o = call(&ent1, "GET", "/api/v1/options/cargo_type", NULL, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "list")), "cargo_type");
	json_t *items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), json_array_size(json_object_get(o, "values")));
	int ecommerce = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		assert_true(json_is_integer(json_object_get(it, "id")) && json_is_false(json_object_get(it, "disabled")));
		if (strcmp(json_string_value(json_object_get(it, "code")), "ecommerce_list") == 0) {
			assert_string_equal(json_string_value(json_object_get(it, "value")), "跨境电商（清单模式）");
			ecommerce = 1;
		}
	}
	assert_true(ecommerce);
	json_decref(o);
	o = call(&ent1, "GET", "/api/v1/options/brand", NULL, 200, NULL);
	assert_true(json_array_size(json_object_get(o, "values")) > 0);
	json_decref(o);
	o = call(&ent1, "GET", "/api/v1/options/colour", NULL, 200, NULL);
	assert_true(json_array_size(json_object_get(o, "values")) > 0);
	json_decref(o);
	call_free(&ent1, "GET", "/api/v1/options/flavour", NULL, 404, "not_found");

	json_t *me = call(&wh1, "GET", "/api/v1/me", NULL, 200, NULL);
	int64_t site = json_integer_value(json_object_get(json_object_get(me, "organisation"), "site_id"));
	int64_t org = json_integer_value(json_object_get(json_object_get(me, "organisation"), "id"));
	assert_true(site > 0);
	json_decref(me);
	json_t *s = call(&ent1, "GET", "/api/v1/sites", NULL, 200, NULL);
	int listed_site = 0, fixed = 0;
	json_array_foreach(json_object_get(s, "sites"), i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		if (json_integer_value(json_object_get(it, "id")) == site) {
			assert_int_equal(json_integer_value(json_object_get(it, "organisation_id")), org);
			listed_site = 1;
		}
		if (strcmp(kind, "listed") != 0) {
			assert_true(json_is_null(json_object_get(it, "organisation_id")));
			fixed++;
		}
	}
	assert_true(listed_site);
	assert_int_equal(fixed, 2);
	json_decref(s);
	json_t *d = call(NULL, "GET", "/api/v1/domain", NULL, 200, NULL);
	assert_int_equal(json_array_size(json_object_get(d, "kinds")), 2);
	assert_int_equal(json_array_size(json_object_get(d, "states")), 7);
	assert_string_equal(json_string_value(json_object_get(d, "ecommerce_cargo_code")), "ecommerce_list");
	json_decref(d);
}

/* The bureau edits a list: add, rename, disable, reorder; codes stay, and
 * bookings keep the text they were made with. */
static void options_edited_by_bureau(void **state)
{
	json_t *it = call(&bureau, "POST", "/api/v1/options/customs_warehouse", "{\"value\":\"二号监管仓\"}", 201, NULL);
	int64_t oid = json_integer_value(json_object_get(it, "id"));
	char code[64];
	snprintf(code, sizeof code, "%s", json_string_value(json_object_get(it, "code")));
	assert_true(code[0] != '\0');
	json_decref(it);
	call_free(&bureau, "POST", "/api/v1/options/customs_warehouse", "{\"value\":\"二号监管仓\"}", 422, "validation_failed");
	call_free(&bureau, "POST", "/api/v1/options/customs_warehouse", "{\"value\":\"x\",\"code\":\"Bad Code\"}", 422,
		"validation_failed");
	call_free(&bureau, "POST", "/api/v1/options/nothing", "{\"value\":\"x\"}", 404, "not_found");
	call_free(&ent1, "POST", "/api/v1/options/customs_warehouse", "{\"value\":\"三号\"}", 403, "forbidden");
	int64_t id = heavy_by_hand(&ent1, "940220250005550001");
	json_decref(patch(&ent1, id, "{\"customs_warehouse\":\"二号监管仓\"}", 200, NULL));
	char p[PATH_MAX_LEN];
	snprintf(p, sizeof p, "/api/v1/options/customs_warehouse/%lld", (long long)oid);
	it = call(&bureau, "PATCH", p, "{\"value\":\"第二监管仓\",\"position\":0}", 200, NULL);
	assert_string_equal(json_string_value(json_object_get(it, "code")), code);	/* the code stays */
	assert_string_equal(json_string_value(json_object_get(it, "value")), "第二监管仓");
	json_decref(it);
	json_t *l = call(&ent1, "GET", "/api/v1/options/customs_warehouse", NULL, 200, NULL);
	assert_string_equal(json_string_value(json_array_get(json_object_get(l, "values"), 0)), "第二监管仓");	/* moved first */
	json_decref(l);
	json_t *b = call(&ent1, "GET", bpath(id, "", p, sizeof p), NULL, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(b, "customs_warehouse")), "二号监管仓");	/* as chosen */
	json_decref(b);
	snprintf(p, sizeof p, "/api/v1/options/customs_warehouse/%lld", (long long)oid);
	it = call(&bureau, "PATCH", p, "{\"disabled\":true}", 200, NULL);
	assert_true(json_is_true(json_object_get(it, "disabled")));
	json_decref(it);
	call_free(&bureau, "PATCH", p, "{\"disabled\":\"yes\"}", 422, "validation_failed");
	call_free(&ent1, "PATCH", p, "{\"disabled\":false}", 403, "forbidden");
	l = call(&ent1, "GET", "/api/v1/options/customs_warehouse", NULL, 200, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(l, "values"), i, v)
		assert_string_not_equal(json_string_value(v), "第二监管仓");
	json_decref(l);
	json_decref(patch(&ent1, id, "{\"customs_warehouse\":\"第二监管仓\"}", 422, "validation_failed"));
	call_free(&bureau, "PATCH", "/api/v1/options/customs_warehouse/999999", "{\"disabled\":false}", 404, "not_found");
}

/* ---- the recognition queue ---- */

static char busy_metrics[1 << 16];	/* the busy server's /metrics, for the OpenAPI test */

static int log_has(struct it_server *s, const char *needle)
{
	size_t len = 0;
	char *text = it_read_file(s->log, &len);
	int has = text && strstr(text, needle) != NULL;
	free(text);
	return has;
}

struct slow_upload {
	struct it_server *s;
	struct it_client *c;
	long status;
};

static void *upload_scan(void *arg)
{
	struct slow_upload *u = arg;
	char file[PATH_MAX_LEN];
	size_t len = 0;
	void *data = it_read_file(fixture("scans/scan_011_200_bw.pdf", file, sizeof file), &len);
	struct it_resp r;
	if (data && it_upload(u->s, u->c, "/api/v1/declarations", "file", "scan.pdf", data, len, NULL, &r) == 0) {
		u->status = r.status;
		it_resp_free(&r);
	}
	free(data);
	return NULL;
}

/* One recognition thread, no waiting room, one HTTP thread: while a scan is
 * read, other requests are answered, and a second upload is told 503 busy. */
static void queue_full_is_busy(void **state)
{
	static const char *const extra[] = {"--recognize-workers", "1", "--recognize-queue", "0", "--threads", "1", NULL};
	struct it_server busy = {0};
	snprintf(busy.dir, sizeof busy.dir, "/tmp/kouan-it-XXXXXX");
	assert_non_null(mkdtemp(busy.dir));
	assert_int_equal(it_fresh_db(&busy, "busy"), 0);
	assert_int_equal(it_user_add(&busy, "ent9", "enterprise", "九号公司", PW), 0);
	assert_int_equal(it_start(&busy, extra), 0);
	struct it_client c = {0};
	assert_int_equal(it_login(&busy, &c, "ent9", PW), 200);
	int refused = 0;
	for (int attempt = 0; attempt < 5 && !refused; attempt++) {
		struct slow_upload u = {&busy, &c, 0};
		pthread_t t;
		const char *started = "recognition started", *finished = "recognition finished";
		assert_int_equal(pthread_create(&t, NULL, upload_scan, &u), 0);
		/* wait for the scan to be taken by the queue's thread */
		while (!log_has(&busy, started))
			usleep(10000);
		struct it_resp r;
		assert_int_equal(it_request(&busy, &c, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
		int answered_meanwhile = r.status == 200 && !log_has(&busy, finished);
		it_resp_free(&r);
		char file[PATH_MAX_LEN];
		size_t len = 0;
		void *data = it_read_file(fixture("declarations/decl_001.pdf", file, sizeof file), &len);
		assert_int_equal(it_upload(&busy, &c, "/api/v1/declarations", "file", "d.pdf", data, len, NULL, &r), 0);
		free(data);
		int busy_now = r.status == 503 && strcmp(it_error_code(&r), "busy") == 0 && strstr(r.headers, "Retry-After:");
		int scan_still_running = !log_has(&busy, finished);
		it_resp_free(&r);
		pthread_join(t, NULL);
		/* read, or refused past the time limit on a loaded machine: either way it held the thread */
		assert_true(u.status == 201 || u.status == 422);
		/* the scan took long enough to see both; else the machine was too quick: again */
		refused = busy_now && answered_meanwhile && scan_still_running;
		if (!refused)
			assert_int_equal(truncate(busy.log, 0), 0);
	}
	assert_true(refused);
	struct it_resp m;
	assert_int_equal(it_request(&busy, &c, "GET", "/metrics", NULL, NULL, NULL, &m), 0);
	snprintf(busy_metrics, sizeof busy_metrics, "%s", m.body ? m.body : "");
	it_resp_free(&m);
	assert_int_equal(it_stop(&busy), 0);
	it_cleanup(&busy);
}

/* ---- the OpenAPI document ---- */

/* The routes of src/api/routes.c as {"METHOD", "/path/{param}"} pairs. */
static json_t *route_table(void)
{
	char path[PATH_MAX_LEN];
	snprintf(path, sizeof path, "%s/src/api/routes.c", getenv("KOUAN_SOURCE_DIR"));
	size_t len = 0;
	char *text = it_read_file(path, &len);
	assert_non_null(text);
	json_t *routes = json_array();
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char method[8], pattern[256];
		if (sscanf(line, " {\"%7[A-Z]\", \"%255[^\"]\"", method, pattern) != 2)
			continue;
		int known = 0;
		for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
			known |= strcmp(method, methods[i]) == 0;
		if (!known)
			continue;
		char doc_path[300];
		size_t o = 0;
		for (const char *p = pattern; *p && o + 3 < sizeof doc_path;) {
			if (*p == ':') {
				size_t n = strcspn(p + 1, "/");
				o += (size_t)snprintf(doc_path + o, sizeof doc_path - o, "{%.*s}", (int)n, p + 1);
				p += n + 1;
			} else {
				doc_path[o++] = *p++;
			}
		}
		doc_path[o] = '\0';
		json_array_append_new(routes, json_pack("{s:s,s:s,s:s}", "method", method, "path", doc_path, "pattern", pattern));
	}
	free(text);
	return routes;
}

static void lower(const char *in, char *out, size_t len)
{
	size_t i = 0;
	for (; in[i] && i + 1 < len; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
	out[i] = '\0';
}

/* A concrete path for a route pattern. */
static void sample_path(const char *pattern, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = pattern; *p && o + 12 < len;) {
		if (*p != ':') {
			out[o++] = *p++;
			continue;
		}
		size_t n = strcspn(p + 1, "/");
		const char *v = strncmp(p + 1, "list", n) == 0 ? "cargo_type" : strncmp(p + 1, "n", n) == 0 ? "1.png" : "1";
		o += (size_t)snprintf(out + o, len - o, "%s", v);
		p += n + 1;
	}
	out[o] = '\0';
}

static int status_seen(const char *metrics, const char *route, const char *status)
{
	char key[160];
	snprintf(key, sizeof key, "kouan_http_requests_total{route=\"%s\",status=\"%s\"}", route, status);
	return strstr(metrics, key) != NULL;
}

/* Every route of the table is described; a call without a session is 401
 * on every route that needs one; every answer the document lists for the
 * operations of the booking flow was produced by this test. */
static void openapi_matches(void **state)
{
	json_t *doc = call(NULL, "GET", "/api/v1/openapi.json", NULL, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	struct it_resp r;
	assert_int_equal(it_request(&srv, NULL, "GET", "/api/v1/openapi.json", NULL, NULL, NULL, &r), 0);
	const char *etag = strstr(r.headers, "ETag: ");
	assert_non_null(etag);
	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: %.*s", (int)strcspn(etag + 6, "\r\n"), etag + 6);
	it_resp_free(&r);
	assert_int_equal(it_request(&srv, NULL, "GET", "/api/v1/openapi.json", NULL, NULL, (const char *const[]){inm, NULL},
		&r), 0);
	assert_int_equal(r.status, 304);
	it_resp_free(&r);

	json_t *routes = route_table(), *paths = json_object_get(doc, "paths");
	assert_true(json_array_size(routes) >= 30);
	size_t i, operations = 0;
	json_t *rt;
	json_array_foreach(routes, i, rt) {
		char m[8], sample[256];
		lower(json_string_value(json_object_get(rt, "method")), m, sizeof m);
		json_t *op = json_object_get(json_object_get(paths, json_string_value(json_object_get(rt, "path"))), m);
		if (op == NULL)
			fprintf(stderr, "not in openapi.json: %s %s\n", m, json_string_value(json_object_get(rt, "path")));
		assert_non_null(op);
		json_t *sec = json_object_get(op, "security");
		if (json_is_array(sec) && json_array_size(sec) == 0)
			continue;	/* public */
		sample_path(json_string_value(json_object_get(rt, "pattern")), sample, sizeof sample);
		call_free(NULL, json_string_value(json_object_get(rt, "method")), sample,
			strcmp(m, "get") == 0 ? NULL : "{}", 401, "unauthenticated");
	}
	const char *p;
	json_t *item;
	json_object_foreach(paths, p, item)
		operations += json_object_size(item);
	assert_int_equal(operations, json_array_size(routes));	/* nothing described that the server does not do */

	static const char *const flow_tags[] = {"declarations", "bookings", "attachments", "options", "domain", "sites",
		"openapi"};
	struct it_resp mr;
	assert_int_equal(it_request(&srv, &bureau, "GET", "/metrics", NULL, NULL, NULL, &mr), 0);
	json_object_foreach(paths, p, item) {
		const char *method;
		json_t *op;
		json_object_foreach(item, method, op) {
			const char *tag = json_string_value(json_array_get(json_object_get(op, "tags"), 0));
			int flow = 0;
			for (size_t t = 0; t < sizeof flow_tags / sizeof flow_tags[0]; t++)
				flow |= strcmp(tag, flow_tags[t]) == 0;
			if (!flow)
				continue;
			const char *route = json_string_value(json_object_get(op, "operationId")), *status;
			json_t *x;
			json_object_foreach(json_object_get(op, "responses"), status, x) {
				int seen = status_seen(mr.body, route, status) || status_seen(busy_metrics, route, status);
				if (!seen)
					fprintf(stderr, "never produced: %s %s -> %s\n", method, p, status);
				assert_true(seen);
			}
		}
	}
	it_resp_free(&mr);
	json_decref(routes);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(declaration_upload_and_read),
		cmocka_unit_test(declaration_refusals),
		cmocka_unit_test(heavy_truck_flow),
		cmocka_unit_test(declaration_held_once),
		cmocka_unit_test(concurrent_submits),
		cmocka_unit_test(isolation),
		cmocka_unit_test(search),
		cmocka_unit_test(keyset_paging),
		cmocka_unit_test(commodity_vehicle_flow),
		cmocka_unit_test(vin_import),
		cmocka_unit_test(attachments_and_ecommerce),
		cmocka_unit_test(options_sites_domain),
		cmocka_unit_test(options_edited_by_bureau),
		cmocka_unit_test(queue_full_is_busy),
		cmocka_unit_test(openapi_matches),	/* last: it reads what the others produced */
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
