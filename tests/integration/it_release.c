/* Approval and release over HTTP, on SQLite or PostgreSQL (KOUAN_TEST_DB):
 * sites and their approver, the approvers' queue, approve / reject (a
 * warehouse deciding for another site's booking, approving twice), the
 * release code and its QR image (decoded with zbarimg, verified with
 * `kouan verify --key`), forged, expired, unknown-key and revoked codes, the
 * gate (a repeated plate, a plate not on the booking, passing), and the
 * enterprise's notifications. No test waits on the clock: bookings are for
 * tomorrow (Beijing time) with a grace of a whole day, so that their codes
 * are valid now. */
#define _GNU_SOURCE	/* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "harness.h"
#include "release/release.h"

#define DAY_S 86400
#define BEIJING_S (8 * 3600)
#define GRACE_WHOLE_DAY 1440	/* minutes: tomorrow's window opens today */
#define OUT_MAX 4096
#define TOKEN_COUNT_CHAR 23	/* a base32 character of the token inside its count (bytes 14-15: bits 112-127) */

static struct it_server srv;
static const char *const PW = "correct horse 9";
static struct it_client ent, ent2, wh1, wh2, bureau, gate, admin;
static int64_t site_a, site_b, site_unlinked, site_fixed;
static char tomorrow[16];
static int decl_seq;

/* ---- helpers ---- */

static json_t *call(struct it_client *c, const char *method, const char *path, const char *body, long status)
{
	return it_call(&srv, c, method, path, body, status);
}

static void expect_code(struct it_client *c, const char *method, const char *path, const char *body, long status,
	const char *code)
{
	json_t *j = call(c, method, path, body, status);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")), code);
	json_decref(j);
}

static int64_t org_id(const char *name)
{
	json_t *j = call(&bureau, "GET", "/api/v1/organisations?kind=warehouse", NULL, 200), *o;
	size_t i;
	int64_t id = 0;
	json_array_foreach(json_object_get(j, "organisations"), i, o)
		if (strcmp(json_string_value(json_object_get(o, "name")), name) == 0)
			id = json_integer_value(json_object_get(o, "id"));
	json_decref(j);
	assert_true(id > 0);
	return id;
}

static int64_t new_site(const char *name, int64_t org)
{
	char body[256];
	if (org)
		snprintf(body, sizeof body, "{\"name\":\"%s\",\"phone\":\"0999-1234567\",\"organisation_id\":%lld}", name,
			(long long)org);
	else
		snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
	json_t *j = call(&bureau, "POST", "/api/v1/sites", body, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

static int64_t fixed_site(void)
{
	json_t *j = call(&ent, "GET", "/api/v1/sites", NULL, 200), *s;
	size_t i;
	int64_t id = 0;
	json_array_foreach(json_object_get(j, "sites"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "kind")), "outside_horgos") == 0)
			id = json_integer_value(json_object_get(s, "id"));
	json_decref(j);
	return id;
}

/* A heavy-truck booking entered by hand (transit), submitted; its id. */
static int64_t submitted_booking(struct it_client *c, int64_t site, const char *plates_json)
{
	json_t *j = call(c, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	char path[64], body[1024];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)id);
	/* 18 digits, a new number each time: one holding booking per number */
	snprintf(body, sizeof body, "{\"is_transit\":true,\"declaration_no\":\"94022024%010d\",\"plates\":%s,"
		"\"truck_count\":1,\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\",\"customs_warehouse\":\"国际物流园监管库\","
		"\"contact\":\"13912345678\",\"transshipment_site_id\":%lld,\"crossing_date\":\"%s\"}", ++decl_seq + getpid() % 100000 * 100,
		plates_json, (long long)site, tomorrow);
	json_decref(call(c, "PATCH", path, body, 200));
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/submit", (long long)id);
	j = call(c, "POST", path, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "submitted");
	json_decref(j);
	return id;
}

static void action(struct it_client *c, int64_t id, const char *what, const char *body, long status)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/%s", (long long)id, what);
	json_decref(call(c, "POST", path, body, status));
}

static void token_of(struct it_client *c, int64_t id, char *out, size_t len)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/release", (long long)id);
	json_t *j = call(c, "GET", path, NULL, 200);
	snprintf(out, len, "%s", json_string_value(json_object_get(j, "token")));
	json_decref(j);
}

static json_t *scan(const char *token, const char *plate)
{
	json_t *body = json_pack("{s:s,s:s}", "token", token, "gate", "一号卡口");
	if (plate)
		json_object_set_new(body, "plate", json_string(plate));
	char *text = json_dumps(body, JSON_COMPACT);
	json_t *j = call(&gate, "POST", "/api/v1/gate/scans", text, 200);
	free(text);
	json_decref(body);
	return j;
}

static void expect_scan(const char *token, const char *plate, const char *result, const char *reason)
{
	json_t *j = scan(token, plate);
	assert_string_equal(json_string_value(json_object_get(j, "result")), result);
	if (reason)
		assert_string_equal(json_string_value(json_object_get(j, "reason")), reason);
	else
		assert_true(json_is_null(json_object_get(j, "reason")));
	json_decref(j);
}

/* The active release key's id and secret, read from the database: to sign
 * codes the platform would not (expired, for another booking). */
static void active_key(uint32_t *kid, uint8_t sk[RELEASE_SECRET_KEY_BYTES])
{
	char secret[RELEASE_KEY_B64_MAX] = "";
	const char *sql = "SELECT kid, secret_key FROM release_keys WHERE active = 1";
	if (strncmp(srv.db, "sqlite:", 7) == 0) {
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		assert_int_equal(sqlite3_open(srv.db + 7, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		*kid = (uint32_t)sqlite3_column_int64(st, 0);
		snprintf(secret, sizeof secret, "%s", (const char *)sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
		sqlite3_close(db);
	} else {
		PGconn *pg = PQconnectdb(srv.db);
		PGresult *r = PQexec(pg, sql);
		assert_int_equal(PQntuples(r), 1);
		*kid = (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
		snprintf(secret, sizeof secret, "%s", PQgetvalue(r, 0, 1));
		PQclear(r);
		PQfinish(pg);
	}
	size_t n = 0;
	assert_int_equal(release_b64url_decode(secret, sk, RELEASE_SECRET_KEY_BYTES, &n), 0);
	assert_int_equal(n, RELEASE_SECRET_KEY_BYTES);
}

/* ---- setup ---- */

static void set_tomorrow(void)
{
	time_t t = time(NULL) + BEIJING_S + DAY_S;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
}

static int users(void)
{
	return it_user_add(&srv, "admin1", "admin", NULL, PW) || it_user_add(&srv, "ent1", "enterprise", "甲进出口公司", PW) ||
		it_user_add(&srv, "ent2", "enterprise", "乙贸易公司", PW) || it_user_add(&srv, "wh1", "warehouse", "一号仓储", PW) ||
		it_user_add(&srv, "wh2", "warehouse", "二号仓储", PW) || it_user_add(&srv, "bureau1", "bureau", "口岸管理局", PW) ||
		it_user_add(&srv, "gate1", "gate", NULL, PW);
}

static int setup(void **state)
{
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	/* --demo: the bureau's option lists a booking chooses from */
	static const char *const extra[] = {"--demo", NULL};
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "release") != 0 || users() != 0 || it_start(&srv, extra) != 0)
		return -1;
	struct { struct it_client *c; const char *name; } who[] = {{&ent, "ent1"}, {&ent2, "ent2"}, {&wh1, "wh1"},
		{&wh2, "wh2"}, {&bureau, "bureau1"}, {&gate, "gate1"}, {&admin, "admin1"}};
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
		if (it_login(&srv, who[i].c, who[i].name, PW) != 200)
			return -1;
	set_tomorrow();
	char body[128];
	json_decref(call(&bureau, "PUT", "/api/v1/capacity/defaults", "{\"grace_minutes\":1440}", 200));
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"capacity\":1000}", tomorrow);
	json_decref(call(&bureau, "PUT", "/api/v1/capacity", body, 200));
	site_a = new_site("甲换装场", org_id("一号仓储"));
	site_b = new_site("乙换装场", org_id("二号仓储"));
	site_unlinked = new_site("丙换装场", 0);
	site_fixed = fixed_site();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

/* ---- tests ---- */

static void sites_and_approvers(void **state)
{
	json_t *j = call(&ent, "GET", "/api/v1/sites", NULL, 200), *s;
	size_t i;
	int seen = 0;
	json_array_foreach(json_object_get(j, "sites"), i, s) {
		int64_t id = json_integer_value(json_object_get(s, "id"));
		const char *approver = json_string_value(json_object_get(json_object_get(s, "approver"), "kind"));
		if (id == site_a) {
			assert_string_equal(approver, "warehouse");
			assert_string_equal(json_string_value(json_object_get(json_object_get(s, "approver"), "name")), "一号仓储");
			assert_string_equal(json_string_value(json_object_get(json_object_get(s, "approver"), "phone")),
				"0999-1234567");
			seen++;
		}
		if (id == site_unlinked || id == site_fixed) {
			assert_string_equal(approver, "bureau");	/* no warehouse yet; a fixed choice */
			seen++;
		}
	}
	json_decref(j);
	assert_int_equal(seen, 3);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/sites/%lld", (long long)site_fixed);
	expect_code(&bureau, "PATCH", path, "{\"active\":false}", 422, "validation_failed");
	expect_code(&bureau, "PATCH", path, "{\"organisation_id\":1}", 422, "validation_failed");
	snprintf(path, sizeof path, "/api/v1/sites/%lld", (long long)site_unlinked);
	expect_code(&bureau, "PATCH", path, "{\"phone\":\"abc\"}", 422, "validation_failed");
	expect_code(&bureau, "PATCH", path, "{\"name\":\"甲换装场\"}", 422, "validation_failed");
	expect_code(&wh1, "PATCH", path, "{\"phone\":\"13912345678\"}", 403, "forbidden");
	j = call(&bureau, "PATCH", path, "{\"phone\":\"13912345678\",\"name\":\"丙换装场（新）\"}", 200);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "丙换装场（新）");
	json_decref(j);
	expect_code(&bureau, "POST", "/api/v1/sites", "{\"name\":\"\"}", 422, "validation_failed");
}

/* The queue's submission time (booking_history_submitted, migration 12) is the
 * submit's, read by the queue item and by its site's count alike. */
static void expect_submitted_between(json_t *queue, int64_t from, int64_t to)
{
	json_int_t at = json_integer_value(json_object_get(json_array_get(json_object_get(queue, "items"), 0),
		"submitted_at"));
	assert_true(at >= from && at <= to);
	json_t *site = json_array_get(json_object_get(json_object_get(queue, "counts"), "by_site"), 0);
	assert_int_equal(json_integer_value(json_object_get(site, "oldest_submitted_at")), at);
	assert_int_equal(json_integer_value(json_object_get(site, "pending")), 1);
}

static void warehouse_approves_its_own_only(void **state)
{
	int64_t before = (int64_t)time(NULL);
	int64_t id = submitted_booking(&ent, site_a, "[\"新F12345\",\"新F1234挂\"]");
	int64_t after = (int64_t)time(NULL);
	action(&wh2, id, "approve", NULL, 404);	/* another site's booking: not even there */
	action(&wh2, id, "reject", "{\"reason\":\"不是我的\"}", 404);
	action(&wh2, id, "reject", "{}", 404);	/* access before the body: no 422 about the missing reason */
	action(&wh2, id, "approve", "{\"reason\":", 404);	/* nor a 400 about a broken body */
	action(&bureau, id, "approve", NULL, 403);	/* the warehouse decides, not the bureau */
	action(&bureau, id, "reject", "{}", 403);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/approvals?state=pending&site_id=%lld", (long long)site_a);
	json_t *j = call(&wh1, "GET", path, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")), id);
	assert_true(json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "waiting_s")) >= 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "pending")), 1);
	expect_submitted_between(j, before, after);
	json_decref(j);
	j = call(&wh2, "GET", "/api/v1/approvals", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	action(&wh1, id, "approve", "{}", 200);
	action(&wh1, id, "approve", "{}", 409);	/* twice */
	action(&wh1, id, "reject", "{\"reason\":\"晚了\"}", 409);
	j = call(&ent, "GET", "/api/v1/notifications", NULL, 200);
	assert_true(json_integer_value(json_object_get(j, "unread")) >= 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "event")),
		"released");
	json_decref(j);
	json_decref(call(&ent, "POST", "/api/v1/notifications/read", NULL, 200));
	j = call(&ent, "GET", "/api/v1/notifications", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "unread")), 0);
	json_decref(j);
	j = call(&ent2, "GET", "/api/v1/notifications", NULL, 200);	/* another organisation hears nothing */
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
}

static void reject_correct_resubmit(void **state)
{
	int64_t id = submitted_booking(&ent, site_b, "[\"新F22222\"]");
	action(&wh2, id, "reject", "{}", 422);	/* a reason is required */
	action(&wh2, id, "reject", "{\"reason\":\"车牌号与报关单不符\"}", 200);
	json_t *j = call(&ent, "GET", "/api/v1/notifications", NULL, 200);
	json_t *n = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(n, "event")), "rejected");
	assert_string_equal(json_string_value(json_object_get(n, "reason")), "车牌号与报关单不符");
	json_decref(j);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)id);
	json_decref(call(&ent, "PATCH", path, "{\"plates\":[\"新F22223\"]}", 200));
	action(&ent, id, "submit", NULL, 200);
	action(&wh2, id, "approve", NULL, 200);
	/* the history keeps every step */
	j = call(&ent, "GET", path, NULL, 200);
	assert_true(json_array_size(json_object_get(j, "history")) >= 4);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "released");
	json_decref(j);
}

static void bureau_approves_fixed_and_unlinked(void **state)
{
	int64_t a = submitted_booking(&ent, site_fixed, "[\"新F33333\"]");
	int64_t b = submitted_booking(&ent, site_unlinked, "[\"新F44444\"]");
	action(&wh1, a, "approve", NULL, 404);
	json_t *j = call(&bureau, "GET", "/api/v1/approvals", NULL, 200);
	assert_true(json_integer_value(json_object_get(json_object_get(j, "counts"), "pending")) >= 2);
	json_decref(j);
	char body[128];
	snprintf(body, sizeof body, "{\"action\":\"approve\",\"ids\":[%lld,%lld,%lld]}", (long long)a, (long long)b,
		(long long)a);
	j = call(&bureau, "POST", "/api/v1/approvals/batch", body, 200);
	json_t *r = json_object_get(j, "results");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "status")), 200);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 1), "status")), 200);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 2), "status")), 409);	/* approved above */
	json_decref(j);
}

/* The QR image holds exactly the token, and the public key verifies it. */
static void qr_image_verifies(void **state)
{
	int64_t id = submitted_booking(&ent, site_a, "[\"新F55555\"]");
	action(&wh1, id, "approve", NULL, 200);
	char token[RELEASE_TOKEN_MAX + 8], path[96], png[300], cmd[600], out[OUT_MAX];
	token_of(&ent, id, token, sizeof token);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/release.png", (long long)id);
	struct it_resp r;
	assert_int_equal(it_request(&srv, &ent, "GET", path, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(png, sizeof png, "%s/qr.png", srv.dir);
	FILE *f = fopen(png, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
	fclose(f);
	it_resp_free(&r);
	snprintf(cmd, sizeof cmd, "zbarimg --raw -q %s 2>/dev/null", png);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	assert_int_equal(pclose(p), 0);
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	assert_string_equal(out, token);
	json_t *keys = call(NULL, "GET", "/api/v1/release-key", NULL, 200);
	const char *pk = json_string_value(json_object_get(json_array_get(json_object_get(keys, "keys"), 0), "public_key"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(keys, "keys"), 0), "alg")),
		"Ed25519");
	const char *argv[] = {getenv("KOUAN_BIN"), "verify", out, "--key", pk, NULL};
	char vout[OUT_MAX];
	assert_int_equal(it_run(argv, NULL, vout, sizeof vout), 0);
	assert_non_null(strstr(vout, "\"valid\":true"));
	const char *argv_db[] = {getenv("KOUAN_BIN"), "verify", out, "--db", srv.db, NULL};
	assert_int_equal(it_run(argv_db, NULL, vout, sizeof vout), 0);
	json_decref(keys);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/release.svg", (long long)id);
	assert_int_equal(it_request(&srv, &ent, "GET", path, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<svg"));
	it_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/release", (long long)id);
	expect_code(&ent2, "GET", path, NULL, 404, "not_found");	/* another enterprise's booking */
}

/* The booking a green scan shows is the booking as its enterprise reads it:
 * number, plates, date, slot, company, the site's name; units and passages. */
static void expect_summary(json_t *answer, int64_t id, const char *site_name, size_t units)
{
	json_t *b = json_object_get(answer, "booking");
	char path[64];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)id);
	json_t *full = call(&ent, "GET", path, NULL, 200);
	static const char *const same[] = {"id", "kind", "declaration_no", "plates", "crossing_date", "slot", "company"};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		assert_true(json_equal(json_object_get(b, same[i]), json_object_get(full, same[i])));
	assert_string_equal(json_string_value(json_object_get(b, "site_name")), site_name);
	assert_int_equal(json_array_size(json_object_get(b, "units")), units);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), units);
	assert_int_equal(json_array_size(json_object_get(b, "passed")), units);
	assert_string_equal(json_string_value(json_object_get(b, "state")), "passed");
	json_decref(full);
}

static void gate_passages(void **state)
{
	int64_t id = submitted_booking(&ent, site_a, "[\"新F66661\",\"新F66662\",\"新F6666挂\"]");
	char path[80], token[RELEASE_TOKEN_MAX + 8];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/release", (long long)id);
	expect_code(&ent, "GET", path, NULL, 409, "wrong_state");	/* no code before approval */
	action(&wh1, id, "approve", NULL, 200);
	token_of(&ent, id, token, sizeof token);
	json_t *j = scan(token, NULL);	/* two trucks: which one? */
	assert_string_equal(json_string_value(json_object_get(j, "result")), "green");
	assert_true(json_is_true(json_object_get(j, "unit_required")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "booking"), "total")), 2);
	json_decref(j);
	expect_scan(token, "新F99999", "red", "not_on_booking");
	expect_scan(token, "新F6666挂", "red", "not_on_booking");	/* trailers do not pass on their own */
	expect_scan(token, "新f 66661", "green", NULL);	/* as typed by hand */
	j = scan(token, "新F66661");
	assert_string_equal(json_string_value(json_object_get(j, "result")), "red");
	assert_true(json_is_true(json_object_get(j, "repeat")));
	json_decref(j);
	j = scan(token, "新F66662");
	assert_string_equal(json_string_value(json_object_get(j, "result")), "green");
	expect_summary(j, id, "甲换装场", 2);
	json_decref(j);
	/* lower case from a scanner with Caps Lock on is the same code */
	for (char *p = token; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	j = scan(token, "新F66662");
	assert_true(json_is_true(json_object_get(j, "repeat")));
	json_decref(j);
	expect_code(&ent, "POST", "/api/v1/gate/scans", "{\"token\":\"x\",\"gate\":\"1\"}", 403, "forbidden");
	expect_code(&gate, "POST", "/api/v1/gate/scans", "{\"token\":\"x\"}", 422, "validation_failed");
}

/* Gates scanning one booking at the same moment: each plate passes once
 * (the others are repeats) and the booking still ends passed, although its
 * last two plates were recorded by scans running together. */
#define RACE_GATES 6
struct race_scan {
	pthread_barrier_t *start;
	struct it_client gate;		/* a copy per thread: the harness may write cookies into it */
	char body[RELEASE_TOKEN_MAX + 128];
	struct it_resp r;
	int rc;
};

static void *race_scan_thread(void *arg)
{
	struct race_scan *x = arg;
	pthread_barrier_wait(x->start);
	x->rc = it_request(&srv, &x->gate, "POST", "/api/v1/gate/scans", x->body, NULL, NULL, &x->r);
	return NULL;
}

static void gate_concurrent_scans(void **state)
{
	static const char *const plates[] = {"新F77771", "新F77772"};
	int64_t id = submitted_booking(&ent, site_a, "[\"新F77771\",\"新F77772\"]");
	char token[RELEASE_TOKEN_MAX + 8], path[80];
	action(&wh1, id, "approve", NULL, 200);
	token_of(&ent, id, token, sizeof token);
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, RACE_GATES);
	static struct race_scan x[RACE_GATES];
	pthread_t t[RACE_GATES];
	for (int i = 0; i < RACE_GATES; i++) {
		x[i] = (struct race_scan){.start = &start, .gate = gate};
		snprintf(x[i].body, sizeof x[i].body, "{\"token\":\"%s\",\"gate\":\"%d号卡口\",\"plate\":\"%s\"}", token,
			i, plates[i % 2]);
		assert_int_equal(pthread_create(&t[i], NULL, race_scan_thread, &x[i]), 0);
	}
	int green[2] = {0, 0}, repeat[2] = {0, 0};
	for (int i = 0; i < RACE_GATES; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(x[i].rc, 0);
		assert_int_equal(x[i].r.status, 200);
		const char *result = json_string_value(json_object_get(x[i].r.json, "result"));
		green[i % 2] += strcmp(result, "green") == 0;
		repeat[i % 2] += json_is_true(json_object_get(x[i].r.json, "repeat"));
		it_resp_free(&x[i].r);
	}
	pthread_barrier_destroy(&start);
	for (int p = 0; p < 2; p++) {
		assert_int_equal(green[p], 1);
		assert_int_equal(repeat[p], RACE_GATES / 2 - 1);
	}
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)id);
	json_t *j = call(&ent, "GET", path, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "passed");
	json_decref(j);
}

/* More scans at once than the writers' queue has threads (API_WRITERS):
 * two gates scan each of MANY_BOOKINGS codes together, the scans wait for
 * the writer side by side (on SQLite several share a commit, each in its own
 * savepoint); each booking gets one green and one repeat, one passage, and
 * is passed. */
#define MANY_BOOKINGS 24
#define MANY_SCANS (2 * MANY_BOOKINGS)
static void gate_many_bookings_at_once(void **state)
{
	static int64_t ids[MANY_BOOKINGS];
	static struct race_scan x[MANY_SCANS];
	char token[RELEASE_TOKEN_MAX + 8], plate[64], path[80];
	for (int b = 0; b < MANY_BOOKINGS; b++) {
		snprintf(plate, sizeof plate, "[\"新G%05d\"]", 70000 + b);
		ids[b] = submitted_booking(&ent, site_a, plate);
		action(&wh1, ids[b], "approve", NULL, 200);
		token_of(&ent, ids[b], token, sizeof token);
		for (int k = 0; k < 2; k++) {
			x[2 * b + k] = (struct race_scan){.gate = gate};
			snprintf(x[2 * b + k].body, sizeof x[2 * b + k].body, "{\"token\":\"%s\",\"gate\":\"%d号卡口\"}", token,
				k + 1);
		}
	}
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, MANY_SCANS);
	pthread_t t[MANY_SCANS];
	for (int i = 0; i < MANY_SCANS; i++) {
		x[i].start = &start;
		assert_int_equal(pthread_create(&t[i], NULL, race_scan_thread, &x[i]), 0);
	}
	for (int i = 0; i < MANY_SCANS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (int b = 0; b < MANY_BOOKINGS; b++) {
		int green = 0, repeat = 0;
		for (int k = 0; k < 2; k++) {
			struct race_scan *r = &x[2 * b + k];
			assert_int_equal(r->rc, 0);
			assert_int_equal(r->r.status, 200);
			green += strcmp(json_string_value(json_object_get(r->r.json, "result")), "green") == 0;
			repeat += json_is_true(json_object_get(r->r.json, "repeat"));
			/* the one passage, shown by both answers */
			assert_int_equal(json_array_size(json_object_get(json_object_get(r->r.json, "booking"), "passed")), 1);
			it_resp_free(&r->r);
		}
		assert_int_equal(green, 1);
		assert_int_equal(repeat, 1);
		snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)ids[b]);
		json_t *j = call(&ent, "GET", path, NULL, 200);
		assert_string_equal(json_string_value(json_object_get(j, "state")), "passed");
		json_decref(j);
	}
}

static void bad_codes(void **state)
{
	int64_t id = submitted_booking(&ent, site_a, "[\"新F77777\"]");
	action(&wh1, id, "approve", NULL, 200);
	char token[RELEASE_TOKEN_MAX + 8], forged[RELEASE_TOKEN_MAX + 8];
	token_of(&ent, id, token, sizeof token);
	expect_scan("NOT-A-CODE", NULL, "red", "malformed");
	/* tampered: another character in the signed part */
	snprintf(forged, sizeof forged, "%s", token);
	forged[20] = forged[20] == 'A' ? 'B' : 'A';
	json_t *j = scan(forged, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "result")), "red");
	json_decref(j);
	/* The server finds the code it issued under the booking and serial a code
	 * claims and compares the whole text; anything else is checked by its
	 * signature, with the same reasons as before: a code whose signature, or
	 * whose count (the booking and serial kept), is altered is bad_signature. */
	for (size_t k = 0; k < 2; k++) {
		const size_t at[] = {RELEASE_TOKEN_CHARS - 20, TOKEN_COUNT_CHAR};
		snprintf(forged, sizeof forged, "%s", token);
		forged[at[k]] = forged[at[k]] == 'A' ? 'B' : 'A';
		expect_scan(forged, NULL, "red", "bad_signature");
	}
	/* forged with a key of one's own, claiming the platform's key id */
	uint32_t kid = 0;
	uint8_t sk[RELEASE_SECRET_KEY_BYTES], pk[RELEASE_PUBLIC_KEY_BYTES], mine[RELEASE_SECRET_KEY_BYTES];
	active_key(&kid, sk);
	assert_int_equal(release_keypair(pk, mine), K_OK);
	int64_t now = (int64_t)time(NULL);
	struct release_claims cl = {.kid = kid, .booking_id = (uint64_t)id, .kind = RELEASE_HEAVY_TRUCK, .count = 1,
		.valid_from = now - DAY_S, .valid_until = now + DAY_S, .serial = 1};
	assert_int_equal(release_token_sign(&cl, mine, forged, sizeof forged), K_OK);
	expect_scan(forged, NULL, "red", "bad_signature");
	cl.kid = kid + 1000;	/* a key the platform never had */
	assert_int_equal(release_token_sign(&cl, sk, forged, sizeof forged), K_OK);
	expect_scan(forged, NULL, "red", "unknown_key");
	cl.kid = kid;
	cl.valid_until = now - 60;	/* signed by the platform's key, but its window is over */
	assert_int_equal(release_token_sign(&cl, sk, forged, sizeof forged), K_OK);
	expect_scan(forged, NULL, "red", "expired");
	cl.valid_from = now + DAY_S;
	cl.valid_until = now + 2 * DAY_S;
	assert_int_equal(release_token_sign(&cl, sk, forged, sizeof forged), K_OK);
	expect_scan(forged, NULL, "red", "not_yet_valid");
	/* `kouan verify --db` checks as the gate does: the code issued is valid,
	 * the same with one character of its signature altered is not */
	char out[OUT_MAX];
	const char *argv_ok[] = {getenv("KOUAN_BIN"), "verify", token, "--db", srv.db, NULL};
	assert_int_equal(it_run(argv_ok, NULL, out, sizeof out), 0);
	assert_non_null(strstr(out, "\"valid\":true"));
	snprintf(forged, sizeof forged, "%s", token);
	forged[RELEASE_TOKEN_CHARS - 20] = forged[RELEASE_TOKEN_CHARS - 20] == 'A' ? 'B' : 'A';
	const char *argv_bad[] = {getenv("KOUAN_BIN"), "verify", forged, "--db", srv.db, NULL};
	assert_int_equal(it_run(argv_bad, NULL, out, sizeof out), 1);
	assert_non_null(strstr(out, "\"reason\":\"bad_signature\""));
	/* the bureau cancels: the code is revoked and listed */
	action(&bureau, id, "cancel", "{\"reason\":\"货物被扣留\"}", 200);
	expect_scan(token, NULL, "red", "revoked");
	j = call(&gate, "GET", "/api/v1/release-revocations?since=0", NULL, 200);
	int listed = 0;
	json_t *r;
	size_t i;
	json_array_foreach(json_object_get(j, "revocations"), i, r)
		listed += strcmp(json_string_value(json_object_get(r, "token")), token) == 0;
	assert_int_equal(listed, 1);
	json_decref(j);
	const char *argv_db[] = {getenv("KOUAN_BIN"), "verify", token, "--db", srv.db, NULL};
	assert_int_equal(it_run(argv_db, NULL, out, sizeof out), 1);
	assert_non_null(strstr(out, "\"reason\":\"revoked\""));
}

/* Old key ids stay verifiable after a rotation, until their codes expire. */
static void key_rotation(void **state)
{
	int64_t id = submitted_booking(&ent, site_a, "[\"新F88888\"]");
	action(&wh1, id, "approve", NULL, 200);
	char token[RELEASE_TOKEN_MAX + 8];
	token_of(&ent, id, token, sizeof token);
	json_decref(call(&admin, "POST", "/api/v1/release-key/rotate", NULL, 200));
	json_t *keys = call(NULL, "GET", "/api/v1/release-key", NULL, 200);
	assert_true(json_array_size(json_object_get(keys, "keys")) >= 2);
	json_decref(keys);
	expect_scan(token, NULL, "green", NULL);
	expect_code(&bureau, "POST", "/api/v1/release-key/rotate", NULL, 403, "forbidden");
}

/* A commodity-vehicle booking of one VIN, entered by hand and submitted: its id and state. */
static int64_t commodity_booking(const char *vin, char *state, size_t state_len)
{
	json_t *j = call(&ent, "POST", "/api/v1/bookings", "{\"kind\":\"commodity_vehicle\"}", 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	char path[64], body[1024];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)id);
	snprintf(body, sizeof body, "{\"is_transit\":true,\"declaration_no\":\"94022024%010d\",\"vehicles\":[{\"vin\":\"%s\"}],"
		"\"clearance_mode\":\"一般申报\",\"customs_warehouse\":\"国际物流园监管库\",\"contact\":\"13912345678\","
		"\"usage_type\":\"非营运\",\"fuel_type\":\"汽油\",\"crossing_date\":\"%s\"}", ++decl_seq + getpid() % 100000 * 100,
		vin, tomorrow);
	json_decref(call(&ent, "PATCH", path, body, 200));
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/submit", (long long)id);
	j = call(&ent, "POST", path, NULL, 200);
	snprintf(state, state_len, "%s", json_string_value(json_object_get(j, "state")));
	json_decref(j);
	return id;
}

/* Commodity vehicles: released at submit, or reviewed by the bureau when it says so; the gate records the VIN. */
static void commodity_review(void **state)
{
	char st[32], token[RELEASE_TOKEN_MAX + 8];
	int64_t id = commodity_booking("LGWFF6A98PR477992", st, sizeof st);
	assert_string_equal(st, "released");	/* every check passed, review off */
	token_of(&ent, id, token, sizeof token);
	json_t *body = json_pack("{s:s,s:s,s:s}", "token", token, "gate", "二号卡口", "vin", "LGWFF6A98PR477992");
	char *text = json_dumps(body, JSON_COMPACT);
	json_t *j = call(&gate, "POST", "/api/v1/gate/scans", text, 200);
	assert_string_equal(json_string_value(json_object_get(j, "result")), "green");
	expect_summary(j, id, "", 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(j, "booking"), "units"), 0)),
		"LGWFF6A98PR477992");
	json_decref(j);
	free(text);
	json_decref(body);

	expect_code(&wh1, "PUT", "/api/v1/approvals/settings", "{\"commodity_review\":true}", 403, "forbidden");
	json_decref(call(&bureau, "PUT", "/api/v1/approvals/settings", "{\"commodity_review\":true}", 200));
	id = commodity_booking("11111111111111111", st, sizeof st);
	assert_string_equal(st, "submitted");
	action(&wh1, id, "approve", NULL, 404);
	action(&bureau, id, "approve", NULL, 200);
	json_decref(call(&bureau, "PUT", "/api/v1/approvals/settings", "{\"commodity_review\":false}", 200));
	j = call(&ent, "GET", "/api/v1/approvals/settings", NULL, 200);
	assert_true(json_is_false(json_object_get(j, "commodity_review")));
	json_decref(j);
}

/* Moving a released booking's date revokes its code and issues the next, for the new date. */
static void moved_slot_reissues(void **state)
{
	int64_t id = submitted_booking(&ent, site_a, "[\"新F91919\"]");
	action(&wh1, id, "approve", NULL, 200);
	char old[RELEASE_TOKEN_MAX + 8], fresh[RELEASE_TOKEN_MAX + 8], path[80], body[96], later[16];
	token_of(&ent, id, old, sizeof old);
	time_t t = time(NULL) + BEIJING_S + 2 * DAY_S;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(later, sizeof later, "%Y-%m-%d", &tm);
	snprintf(body, sizeof body, "{\"crossing_date\":\"%s\"}", later);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/move", (long long)id);
	json_decref(call(&ent, "POST", path, body, 200));
	token_of(&ent, id, fresh, sizeof fresh);
	assert_string_not_equal(old, fresh);
	expect_scan(old, NULL, "red", "revoked");
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/release", (long long)id);
	json_t *j = call(&ent, "GET", path, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "serial")), 2);
	json_decref(j);
	j = call(&gate, "GET", "/api/v1/release-revocations?since=0", NULL, 200);
	json_t *r;
	size_t i;
	int moved = 0;
	json_array_foreach(json_object_get(j, "revocations"), i, r)
		moved += strcmp(json_string_value(json_object_get(r, "token")), old) == 0 &&
			strcmp(json_string_value(json_object_get(r, "reason")), "moved") == 0;
	assert_int_equal(moved, 1);
	json_decref(j);
}

/* ---- a local webhook listener for the outbox sender ---- */

#define HOOK_REQUEST_MAX 16384
#define HOOK_MARKER "webhook-marker-7"

struct hook {
	int fd;
	int port;
	char got[HOOK_REQUEST_MAX];	/* the request that carried the marker */
	int requests;
};

static int hook_listen(struct hook *k)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	k->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (k->fd < 0 || bind(k->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(k->fd, 8) != 0 ||
		getsockname(k->fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	k->port = ntohs(a.sin_port);
	return 0;
}

/* Read one request whole (headers, then Content-Length bytes), answer 200. */
static void hook_serve_one(struct hook *k, int c)
{
	char buf[HOOK_REQUEST_MAX];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(c, buf + n, sizeof buf - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		const char *cl = strcasestr(buf, "Content-Length:");
		if (end && cl && (size_t)(end + 4 - buf) + strtoul(cl + 15, NULL, 10) <= n)
			break;
	}
	buf[n] = '\0';
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	if (write(c, ok, sizeof ok - 1) < 0)
		n = 0;
	close(c);
	k->requests++;
	if (strstr(buf, HOOK_MARKER))
		snprintf(k->got, sizeof k->got, "%s", buf);
}

static void *hook_thread(void *arg)
{
	struct hook *k = arg;
	for (;;) {
		int c = accept(k->fd, NULL, NULL);
		if (c < 0)
			return NULL;	/* shut down by the test */
		hook_serve_one(k, c);
	}
}

/* The outbox sender POSTs the enterprise's notification to its webhook. */
static void webhook_outbox(void **state)
{
	static struct hook k;
	memset(&k, 0, sizeof k);
	assert_int_equal(hook_listen(&k), 0);
	json_t *j = call(&bureau, "GET", "/api/v1/organisations?kind=enterprise", NULL, 200), *o;
	size_t i;
	int64_t org = 0;
	json_array_foreach(json_object_get(j, "organisations"), i, o)
		if (strcmp(json_string_value(json_object_get(o, "name")), "甲进出口公司") == 0)
			org = json_integer_value(json_object_get(o, "id"));
	json_decref(j);
	char path[64], body[160];
	snprintf(path, sizeof path, "/api/v1/organisations/%lld", (long long)org);
	expect_code(&bureau, "PATCH", path, "{\"webhook_url\":\"ftp://127.0.0.1/x\"}", 422, "validation_failed");
	snprintf(body, sizeof body, "{\"webhook_url\":\"http://127.0.0.1:%d/hook\"}", k.port);
	json_decref(call(&bureau, "PATCH", path, body, 200));
	int64_t id = submitted_booking(&ent, site_a, "[\"新F93939\"]");
	action(&wh1, id, "reject", "{\"reason\":\"" HOOK_MARKER "\"}", 200);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, hook_thread, &k), 0);
	/* exactly that event: the enterprise's earlier ones happened when it had
	 * no webhook, and were never put in the outbox */
	j = call(&admin, "POST", "/api/v1/outbox/send-now", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "sent")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "failed")), 0);
	json_decref(j);
	shutdown(k.fd, SHUT_RDWR);
	pthread_join(t, NULL);
	close(k.fd);
	assert_non_null(strstr(k.got, "POST /hook "));
	assert_non_null(strcasestr(k.got, "Content-Type: application/json"));
	assert_non_null(strstr(k.got, "\"event\":\"rejected\""));
	j = call(&admin, "POST", "/api/v1/outbox/send-now", NULL, 200);	/* nothing left to send */
	assert_int_equal(json_integer_value(json_object_get(j, "sent")), 0);
	json_decref(j);
	expect_code(&bureau, "POST", "/api/v1/outbox/send-now", NULL, 403, "forbidden");
}

static void expect_xlsx(struct it_client *c, const char *path)
{
	struct it_resp r;
	assert_int_equal(it_request(&srv, c, "GET", path, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(r.len > 4 && memcmp(r.body, "PK\x03\x04", 4) == 0);	/* a zip: the .xlsx container */
	assert_non_null(strstr(r.headers, "spreadsheetml"));
	it_resp_free(&r);
}

/* The bureau's overview and history (searchable, never editable) and the exports. */
static void overview_and_history(void **state)
{
	int64_t id = submitted_booking(&ent, site_a, "[\"新F90001\"]");
	action(&wh1, id, "approve", NULL, 200);
	char token[RELEASE_TOKEN_MAX + 8], path[128], today[16];
	token_of(&ent, id, token, sizeof token);
	expect_scan(token, NULL, "green", NULL);
	time_t now = time(NULL) + BEIJING_S;
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	snprintf(path, sizeof path, "/api/v1/overview?date=%s", today);
	json_t *j = call(&bureau, "GET", path, NULL, 200), *v;
	size_t i;
	json_int_t passages = 0;
	json_array_foreach(json_object_get(j, "passages_by_hour"), i, v)
		passages += json_integer_value(v);
	assert_int_equal(json_array_size(json_object_get(j, "passages_by_hour")), 24);
	assert_true(passages >= 1);
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/overview?date=%s", tomorrow);
	j = call(&bureau, "GET", path, NULL, 200);
	json_int_t booked = 0;
	json_array_foreach(json_object_get(j, "bookings"), i, v)
		booked += json_integer_value(json_object_get(v, "count"));
	assert_true(booked >= 1);
	json_decref(j);
	expect_code(&bureau, "GET", "/api/v1/overview?date=2026-13-01", NULL, 422, "validation_failed");
	expect_code(&wh1, "GET", "/api/v1/overview", NULL, 403, "forbidden");

	snprintf(path, sizeof path, "/api/v1/history?booking_id=%lld", (long long)id);
	j = call(&bureau, "GET", path, NULL, 200);
	int approve = 0, pass = 0;
	json_array_foreach(json_object_get(j, "items"), i, v) {
		approve += strcmp(json_string_value(json_object_get(v, "action")), "approve") == 0 &&
			strcmp(json_string_value(json_object_get(v, "actor")), "wh1") == 0;
		pass += strcmp(json_string_value(json_object_get(v, "to_state")), "passed") == 0;
	}
	assert_int_equal(approve, 1);
	assert_int_equal(pass, 1);
	json_decref(j);
	j = call(&bureau, "GET", "/api/v1/history?action=reject&limit=5", NULL, 200);
	json_array_foreach(json_object_get(j, "items"), i, v)
		assert_string_equal(json_string_value(json_object_get(v, "action")), "reject");
	json_decref(j);
	expect_code(&bureau, "GET", "/api/v1/history?action=erase", NULL, 422, "validation_failed");
	expect_code(&bureau, "DELETE", "/api/v1/history", NULL, 405, "method_not_allowed");
	expect_code(&ent, "GET", "/api/v1/history", NULL, 403, "forbidden");
	expect_xlsx(&bureau, "/api/v1/history.xlsx?action=approve");
	expect_xlsx(&bureau, path[0] ? "/api/v1/overview.xlsx" : "");
	expect_xlsx(&wh1, "/api/v1/approvals.xlsx");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sites_and_approvers),
		cmocka_unit_test(warehouse_approves_its_own_only),
		cmocka_unit_test(reject_correct_resubmit),
		cmocka_unit_test(bureau_approves_fixed_and_unlinked),
		cmocka_unit_test(qr_image_verifies),
		cmocka_unit_test(gate_passages),
		cmocka_unit_test(gate_concurrent_scans),
		cmocka_unit_test(bad_codes),
		cmocka_unit_test(key_rotation),
		cmocka_unit_test(overview_and_history),
		cmocka_unit_test(commodity_review),
		cmocka_unit_test(moved_slot_reissues),
		cmocka_unit_test(gate_many_bookings_at_once),
		cmocka_unit_test(webhook_outbox),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
