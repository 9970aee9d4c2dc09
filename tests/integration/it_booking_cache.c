/* The kept answers of GET /api/v1/bookings/{id} (api/booking_cache.h) and the
 * sessions' check at every request, with two servers on one database
 * (SQLite or PostgreSQL, KOUAN_TEST_DB): a booking read on server A, then
 * written on server B (edit, attachment, submit, approval, cancel), reads on A
 * exactly as a whole read of the database shows it; another organisation's
 * enterprise and another site's warehouse still get 404 for a kept answer;
 * a logout or a disabling on B refuses the session on A at the next request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/crossing.h"
#include "harness.h"

#define PATH_LEN 128
#define BODY_LEN 1024
#define FILE_PATH_LEN 1024
#define READS_PER_LOOK 3	/* a first read keeps the answer, the next ones are given it */

static const char *const PW = "cache pass 7";
static const char *const SERVER_ARGS[] = {"--demo", NULL};
static struct it_server a, b;	/* two servers, one database */
static struct it_client ent, ent_other, bureau, admin, wh1, wh2;

static int setup(void **state)
{
	char pw[64];
	memset(&a, 0, sizeof a);
	snprintf(a.dir, sizeof a.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(a.dir) == NULL || it_fresh_db(&a, "bcache") != 0)
		return -1;
	if (it_user_add(&a, "bc_ent", "enterprise", "缓存甲企业", PW) != 0 ||
	    it_user_add(&a, "bc_other", "enterprise", "缓存乙企业", PW) != 0 ||
	    it_user_add(&a, "bc_bureau", "bureau", NULL, PW) != 0 || it_user_add(&a, "bc_admin", "admin", NULL, PW) != 0)
		return -1;
	if (it_start(&a, SERVER_ARGS) != 0 || it_start_twin(&b, &a, SERVER_ARGS) != 0)
		return -1;
	if (it_login(&a, &ent, "bc_ent", PW) != 200 || it_login(&a, &ent_other, "bc_other", PW) != 200 ||
	    it_login(&a, &bureau, "bc_bureau", PW) != 200 || it_login(&b, &admin, "bc_admin", PW) != 200)
		return -1;
	if (it_demo_password(&a, "demo_warehouse1", pw, sizeof pw) == NULL || it_login(&b, &wh1, "demo_warehouse1", pw) != 200 ||
	    it_demo_password(&a, "demo_warehouse2", pw, sizeof pw) == NULL || it_login(&a, &wh2, "demo_warehouse2", pw) != 200)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	if (b.pid > 0 && it_stop_and_clean(&b) != 0)
		return -1;
	return it_stop_and_clean(&a);
}

static const char *bpath(long long id, const char *tail, char *buf)
{
	snprintf(buf, PATH_LEN, "/api/v1/bookings/%lld%s", id, tail);
	return buf;
}

/* The booking as server s gives it, read READS_PER_LOOK times by c (the
 * same each time), and equal to the whole read of ?checks=1 (never kept)
 * without its checks. Returns the answer (a new reference). */
static json_t *look(struct it_server *s, struct it_client *c, long long id)
{
	char p[PATH_LEN];
	json_t *first = it_call(s, c, "GET", bpath(id, "", p), NULL, 200);
	for (int i = 1; i < READS_PER_LOOK; i++) {
		json_t *again = it_call(s, c, "GET", bpath(id, "", p), NULL, 200);
		assert_true(json_equal(first, again));
		json_decref(again);
	}
	json_t *whole = it_call(s, c, "GET", bpath(id, "?checks=1", p), NULL, 200);
	assert_non_null(json_object_get(whole, "checks"));
	json_object_del(whole, "checks");
	assert_true(json_equal(first, whole));
	json_decref(whole);
	return first;
}

/* A look on A after a write on B: the new version, the same answer on both servers. */
static json_t *look_after_write(long long id, json_int_t version_before)
{
	json_t *on_a = look(&a, &ent, id), *on_b = look(&b, &ent, id);
	assert_true(json_equal(on_a, on_b));
	json_decref(on_b);
	assert_true(json_integer_value(json_object_get(on_a, "version")) >= version_before);
	return on_a;
}

static const char *state_of(json_t *doc)
{
	return json_string_value(json_object_get(doc, "state"));
}

static json_int_t version_of(json_t *doc)
{
	return json_integer_value(json_object_get(doc, "version"));
}

static long long new_booking(void)
{
	json_t *made = it_call(&a, &ent, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", 201);
	long long id = json_integer_value(json_object_get(made, "id"));
	json_decref(made);
	return id;
}

static void fill_on_b(long long id)
{
	char p[PATH_LEN], body[BODY_LEN], date[CROSSING_DATE_LEN + 1];
	crossing_date_format(crossing_today((int64_t)time(NULL)) + 1, date);
	snprintf(body, sizeof body, "{\"declaration_no\":\"940220260177%06lld\",\"plates\":[\"新F%05lld\"],\"truck_count\":1,"
		"\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\",\"customs_warehouse\":\"国际物流园监管库\","
		"\"contact\":\"13912345678\",\"transshipment_site_id\":1,\"is_transit\":true,\"crossing_date\":\"%s\"}", id, id,
		date);
	json_decref(it_call(&b, &ent, "PATCH", bpath(id, "", p), body, 200));
}

static void attach_on_b(long long id)
{
	char p[PATH_LEN], file[FILE_PATH_LEN];
	size_t len = 0;
	snprintf(file, sizeof file, "%s/tests/fixtures/declarations/decl_001.pdf", getenv("KOUAN_SOURCE_DIR"));
	void *data = it_read_file(file, &len);
	assert_non_null(data);
	struct it_resp r;
	assert_int_equal(it_upload(&b, &ent, bpath(id, "/attachments", p), "file", "decl_001.pdf", data, len,
		(const char *const[]){"type", "other", NULL}, &r), 0);
	free(data);
	assert_int_equal(r.status, 201);
	it_resp_free(&r);
}

/* Every write on B shows on A at once: the kept answer is never older than the database. */
static void fresh_after_writes_on_the_other_server(void **state)
{
	char p[PATH_LEN];
	long long id = new_booking();
	json_t *d = look(&a, &ent, id);
	json_int_t v = version_of(d);
	assert_string_equal(state_of(d), "draft");
	json_decref(d);

	fill_on_b(id);
	d = look_after_write(id, v + 1);
	assert_string_equal(json_string_value(json_object_get(d, "contact")), "13912345678");
	assert_int_equal(json_array_size(json_object_get(d, "plates")), 1);
	v = version_of(d);
	json_decref(d);

	attach_on_b(id);	/* the version stays: the new attachment changes the stamp */
	d = look_after_write(id, v);
	assert_int_equal(json_array_size(json_object_get(d, "attachments")), 1);
	json_decref(d);

	json_decref(it_call(&b, &ent, "POST", bpath(id, "/submit", p), NULL, 200));
	d = look_after_write(id, v + 1);
	assert_string_equal(state_of(d), "submitted");
	v = version_of(d);
	json_decref(d);

	json_decref(it_call(&b, &wh1, "POST", bpath(id, "/approve", p), NULL, 200));
	d = look_after_write(id, v + 1);
	assert_string_not_equal(state_of(d), "submitted");
	v = version_of(d);
	json_decref(d);

	json_decref(it_call(&b, &ent, "POST", bpath(id, "/cancel", p), "{\"reason\":\"不去了\"}", 200));
	d = look_after_write(id, v + 1);
	assert_string_equal(state_of(d), "cancelled");
	json_decref(d);
}

/* A kept answer is given only to whom a whole read would be: the same 404s. */
static void kept_answer_keeps_access(void **state)
{
	char p[PATH_LEN];
	long long id = new_booking();
	fill_on_b(id);	/* at warehouse 1's site */
	json_t *own = look(&a, &ent, id);
	json_t *r = it_call(&a, &ent_other, "GET", bpath(id, "", p), NULL, 404);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "error"), "code")), "not_found");
	json_decref(r);
	json_decref(it_call(&a, &wh2, "GET", bpath(id, "", p), NULL, 404));
	json_decref(it_call(&a, &ent_other, "GET", bpath(id, "?checks=1", p), NULL, 404));
	json_t *seen = look(&a, &bureau, id);	/* the same document for every reader */
	assert_true(json_equal(own, seen));
	json_decref(seen);
	seen = look(&b, &wh1, id);
	assert_true(json_equal(own, seen));
	json_decref(seen);
	json_decref(own);
	json_decref(it_call(&a, &ent, "GET", "/api/v1/bookings/999999", NULL, 404));
}

static long long user_id(struct it_server *s, struct it_client *c)
{
	json_t *me = it_call(s, c, "GET", "/api/v1/me", NULL, 200);
	long long id = json_integer_value(json_object_get(json_object_get(me, "user"), "id"));
	json_decref(me);
	return id;
}

/* A session ended on B is refused by A at the next request (A had it cached). */
static void revoked_session_refused_at_once(void **state)
{
	char p[PATH_LEN], body[64];
	long long id = new_booking();
	struct it_client again = {0};
	assert_int_equal(it_login(&a, &again, "bc_ent", PW), 200);
	json_decref(look(&a, &again, id));
	json_decref(it_call(&b, &again, "DELETE", "/api/v1/session", NULL, 204));
	json_decref(it_call(&a, &again, "GET", bpath(id, "", p), NULL, 401));
	json_decref(it_call(&a, &again, "GET", "/api/v1/me", NULL, 401));

	/* the administrator disables the user on B: every session of it ends on A too */
	assert_int_equal(it_user_add(&a, "bc_leaver", "enterprise", "缓存甲企业", PW), 0);
	struct it_client leaver = {0};
	assert_int_equal(it_login(&a, &leaver, "bc_leaver", PW), 200);
	json_decref(look(&a, &leaver, id));	/* the same organisation's booking */
	long long uid = user_id(&a, &leaver);
	snprintf(p, sizeof p, "/api/v1/users/%lld", uid);
	snprintf(body, sizeof body, "{\"disabled\":true}");
	json_decref(it_call(&b, &admin, "PATCH", p, body, 200));
	json_decref(it_call(&a, &leaver, "GET", bpath(id, "", p), NULL, 401));
	json_decref(it_call(&a, &leaver, "GET", "/api/v1/me", NULL, 401));
	/* and the others of the organisation carry on */
	json_decref(look(&a, &ent, id));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_after_writes_on_the_other_server),
		cmocka_unit_test(kept_answer_keeps_access),
		cmocka_unit_test(revoked_session_refused_at_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
