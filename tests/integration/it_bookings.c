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
#include <unistd.h>

#include "harness.h"

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
	if (it_stop(&srv) != 0)
		return -1;
	it_cleanup(&srv);
	return 0;
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

static const char *HEAVY_CHOICES = "\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\","
	"\"customs_warehouse\":\"国际物流园监管库\",\"contact\":\"13912345678\",\"transshipment_site_id\":1";
static const char *COMMODITY_CHOICES = "\"clearance_mode\":\"一般申报\",\"customs_warehouse\":\"国际物流园监管库\","
	"\"contact\":\"+7 701 123 4567\",\"usage_type\":\"营运\",\"fuel_type\":\"柴油\"";

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

	/* submit without the choices: 422 with every missing field */
	e = action(&ent1, id, "submit", 422, "validation_failed");
	assert_true(has_field(e, "clearance_mode", "required") && has_field(e, "contact", "required") &&
		has_field(e, "transshipment_site_id", "required"));
	json_decref(e);

	/* a changed plate keeps the declaration's value; the real truck count (归并) is kept */
	char body[1024];
	snprintf(body, sizeof body, "{%s,\"plates\":[\"272hga02\",\"245NUR03挂\",\"新F99999\"],\"truck_count\":2,"
		"\"crossing_date\":\"2026-12-24\",\"slot\":\"10:00-12:00\"}", HEAVY_CHOICES);
	b = patch(&ent1, id, body, 200, NULL);
	json_t *declared = json_object_get(b, "declared");
	assert_true(json_equal(json_object_get(declared, "plates"), json_object_get(want, "plates")));
	assert_true(json_equal(json_object_get(declared, "truck_count"), json_object_get(want, "truck_count")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(b, "plates"), 0)), "272HGA02");
	assert_string_equal(json_string_value(json_object_get(b, "crossing_date")), "2026-12-24");
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
	/* a bad contact number stops the submit at its field */
	json_decref(patch(&ent1, id, "{\"contact\":\"12345\"}", 200, NULL));
	e = action(&ent1, id, "submit", 422, "validation_failed");
	assert_true(has_field(e, "contact", "contact_form"));
	json_decref(e);
	json_decref(patch(&ent1, id, "{\"contact\":\"0999-8123456\"}", 200, NULL));

	b = action(&ent1, id, "submit", 200, NULL);
	assert_string_equal(state_of(b), "submitted");
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
		it_resp_free(&resp);
	}
	return NULL;
}

/* CONCURRENT submits at once: exactly one wins, the others are told why. */
static void race(struct racer *rs, const char *loser_code)
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
		lost += rs[i].status == 409 && strcmp(rs[i].code, loser_code) == 0;
		if (rs[i].status != 200 && rs[i].status != 409)
			fprintf(stderr, "racer %d: %ld %s\n", i, rs[i].status, rs[i].code);
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
	race(rs, "declaration_in_use");
	/* several organisations */
	for (int i = 0; i < CONCURRENT; i++) {
		struct it_client *c = i % 3 == 0 ? &ent1 : i % 3 == 1 ? &ent1b : &ent2;
		rs[i] = (struct racer){.c = c, .id = heavy_by_hand(c, "940220240000300002")};
	}
	race(rs, "declaration_in_use");
	/* one VIN, each booking with a declaration number of its own */
	for (int i = 0; i < CONCURRENT; i++) {
		char no[32];
		snprintf(no, sizeof no, "9402202400004%05d", i);
		struct it_client *c = i % 2 ? &ent1 : &ent2;
		rs[i] = (struct racer){.c = c, .id = commodity_by_hand(c, no, "LS4ASB3R6SE484171")};
	}
	race(rs, "vin_in_use");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(declaration_upload_and_read),
		cmocka_unit_test(declaration_refusals),
		cmocka_unit_test(heavy_truck_flow),
		cmocka_unit_test(declaration_held_once),
		cmocka_unit_test(concurrent_submits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
