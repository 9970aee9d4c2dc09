/* Crossing capacity over HTTP (issue 11): the bureau's dates and defaults,
 * what every user sees, and the counters under concurrent submits, on SQLite
 * or PostgreSQL (KOUAN_TEST_DB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/crossing.h"
#include "harness.h"

static struct it_server srv;
static const char *const PW = "capacity pass 7";
static struct it_client bureau, ent;

static int setup(void **state)
{
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "capacity") != 0)
		return -1;
	if (it_user_add(&srv, "cap_bureau", "bureau", NULL, PW) != 0 ||
	    it_user_add(&srv, "cap_ent", "enterprise", "容量测试企业", PW) != 0 || it_start(&srv, NULL) != 0)
		return -1;
	if (it_login(&srv, &bureau, "cap_bureau", PW) != 200 || it_login(&srv, &ent, "cap_ent", PW) != 200)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	if (it_stop(&srv) != 0)
		return -1;
	it_cleanup(&srv);
	return 0;
}

/* The Beijing date `offset` days from today. */
static void date_from_today(int offset, char out[CROSSING_DATE_LEN + 1])
{
	crossing_date_format(crossing_today((int64_t)time(NULL)) + offset, out);
}

/* A request whose answer must have this status; the caller frees *r. */
static void call(struct it_client *c, const char *method, const char *path, const char *body, long status,
	struct it_resp *r)
{
	assert_int_equal(it_request(&srv, c, method, path, body, NULL, NULL, r), 0);
	if (r->status != status)
		fprintf(stderr, "%s %s -> %ld %s\n", method, path, r->status, r->body ? r->body : "");
	assert_int_equal(r->status, status);
}

static const char *first_field(const struct it_resp *r)
{
	json_t *f = json_array_get(json_object_get(json_object_get(r->json, "error"), "fields"), 0);
	return f ? json_string_value(json_object_get(f, "field")) : "";
}

/* GET /api/v1/capacity for one date; the day's object (a new reference). */
static json_t *get_day(struct it_client *c, const char *kind, const char *date)
{
	char path[160];
	struct it_resp r;
	snprintf(path, sizeof path, "/api/v1/capacity?kind=%s&from=%s&to=%s", kind, date, date);
	call(c, "GET", path, NULL, 200, &r);
	json_t *day = json_incref(json_array_get(json_object_get(r.json, "days"), 0));
	it_resp_free(&r);
	assert_non_null(day);
	return day;
}

static json_int_t num(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static void query_checked(void **state)
{
	struct it_resp r;
	call(&ent, "GET", "/api/v1/capacity", NULL, 422, &r);
	assert_string_equal(first_field(&r), "kind");
	it_resp_free(&r);
	call(&ent, "GET", "/api/v1/capacity?kind=bicycle", NULL, 422, &r);
	assert_string_equal(first_field(&r), "kind");
	it_resp_free(&r);
	call(&ent, "GET", "/api/v1/capacity?kind=heavy_truck&from=2026-02-30", NULL, 422, &r);
	assert_string_equal(first_field(&r), "from");
	it_resp_free(&r);
	call(&ent, "GET", "/api/v1/capacity?kind=heavy_truck&from=2030-01-01&to=2030-06-01", NULL, 422, &r);
	assert_string_equal(first_field(&r), "to");
	it_resp_free(&r);
	/* no defaults set: every coming day is closed */
	call(&ent, "GET", "/api/v1/capacity?kind=commodity_vehicle", NULL, 200, &r);
	json_t *days = json_object_get(r.json, "days");
	assert_int_equal(json_array_size(days), 14);
	for (size_t i = 0; i < json_array_size(days); i++) {
		assert_true(json_is_false(json_object_get(json_array_get(days, i), "open")));
		assert_int_equal(num(json_array_get(days, i), "free"), 0);
	}
	it_resp_free(&r);
	call(NULL, "GET", "/api/v1/capacity?kind=heavy_truck", NULL, 401, &r);
	it_resp_free(&r);
}

static void bureau_sets_a_date(void **state)
{
	char date[CROSSING_DATE_LEN + 1], body[512];
	struct it_resp r;
	date_from_today(3, date);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"slots\":[{\"slot\":\"10:00-11:00\",\"capacity\":7},"
		"{\"slot\":\"09:00-10:00\",\"capacity\":5}]}", date);
	call(&ent, "PUT", "/api/v1/capacity", body, 403, &r);
	it_resp_free(&r);
	call(&bureau, "PUT", "/api/v1/capacity", body, 200, &r);
	it_resp_free(&r);
	json_t *day = get_day(&ent, "heavy_truck", date);
	assert_true(json_is_true(json_object_get(day, "open")));
	assert_int_equal(num(day, "capacity"), 12);
	assert_int_equal(num(day, "free"), 12);
	json_t *slots = json_object_get(day, "slots");
	assert_int_equal(json_array_size(slots), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(slots, 0), "slot")), "09:00-10:00");
	assert_int_equal(num(json_array_get(slots, 1), "free"), 7);
	json_decref(day);
	/* a whole day replaces the slots; closing it shows it closed */
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"capacity\":40}", date);
	call(&bureau, "PUT", "/api/v1/capacity", body, 200, &r);
	assert_int_equal(num(r.json, "free"), 40);
	assert_int_equal(json_array_size(json_object_get(r.json, "slots")), 0);
	it_resp_free(&r);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"open\":false}", date);
	call(&bureau, "PUT", "/api/v1/capacity", body, 200, &r);
	assert_true(json_is_true(json_object_get(r.json, "closed")));
	assert_int_equal(num(r.json, "free"), 0);
	it_resp_free(&r);
}

static void bad_dates_refused(void **state)
{
	char date[CROSSING_DATE_LEN + 1], body[512];
	struct it_resp r;
	date_from_today(2, date);
	call(&bureau, "PUT", "/api/v1/capacity", "{\"kind\":\"heavy_truck\"}", 422, &r);
	assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "error"), "fields")), 2);
	it_resp_free(&r);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"slots\":[{\"slot\":\"09:00-10:30\",\"capacity\":5},"
		"{\"slot\":\"10:00-11:00\",\"capacity\":5}]}", date);
	call(&bureau, "PUT", "/api/v1/capacity", body, 422, &r);
	assert_string_equal(first_field(&r), "slots");	/* they overlap */
	it_resp_free(&r);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"slots\":[{\"slot\":\"9-10\",\"capacity\":5}]}", date);
	call(&bureau, "PUT", "/api/v1/capacity", body, 422, &r);
	assert_string_equal(first_field(&r), "slots[0].slot");
	it_resp_free(&r);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"capacity\":-1}", date);
	call(&bureau, "PUT", "/api/v1/capacity", body, 422, &r);
	assert_string_equal(first_field(&r), "capacity");
	it_resp_free(&r);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"capacity\":100001}", date);
	call(&bureau, "PUT", "/api/v1/capacity", body, 422, &r);
	it_resp_free(&r);
}

static void defaults_and_horizon(void **state)
{
	char date[CROSSING_DATE_LEN + 1], far[CROSSING_DATE_LEN + 1], past[CROSSING_DATE_LEN + 1], body[1024];
	struct it_resp r;
	call(&ent, "PUT", "/api/v1/capacity/defaults", "{\"horizon_days\":5}", 403, &r);
	it_resp_free(&r);
	call(&bureau, "PUT", "/api/v1/capacity/defaults", "{\"horizon_days\":-5,\"kinds\":{\"boat\":{}}}", 422, &r);
	assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "error"), "fields")), 2);
	it_resp_free(&r);
	/* every weekday open for commodity vehicles, Sundays closed, horizon 5 */
	strcpy(body, "{\"horizon_days\":5,\"cutoff_minutes\":0,\"kinds\":{\"commodity_vehicle\":{\"org_cap\":0,\"weekdays\":[");
	for (int wd = 1; wd <= 7; wd++) {
		char one[96];
		snprintf(one, sizeof one, "%s{\"weekday\":%d,%s}", wd > 1 ? "," : "", wd,
			wd == 7 ? "\"open\":false" : "\"capacity\":30");
		strcat(body, one);
	}
	strcat(body, "]}}}");
	call(&bureau, "PUT", "/api/v1/capacity/defaults", body, 200, &r);
	assert_int_equal(num(r.json, "horizon_days"), 5);
	json_t *week = json_object_get(json_object_get(json_object_get(r.json, "kinds"), "commodity_vehicle"), "weekdays");
	assert_int_equal(json_array_size(week), 7);
	assert_true(json_is_false(json_object_get(json_array_get(week, 6), "open")));
	it_resp_free(&r);
	for (int off = 1; off <= 5; off++) {
		date_from_today(off, date);
		json_t *day = get_day(&ent, "commodity_vehicle", date);
		int64_t d;
		assert_int_equal(crossing_date_parse(date, &d), 0);
		assert_int_equal(num(day, "free"), crossing_weekday(d) == 7 ? 0 : 30);
		json_decref(day);
	}
	/* beyond the horizon: nothing free even when the bureau set it */
	date_from_today(9, far);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"commodity_vehicle\",\"capacity\":10}", far);
	call(&bureau, "PUT", "/api/v1/capacity", body, 200, &r);
	assert_true(json_is_false(json_object_get(r.json, "open")));
	assert_int_equal(num(r.json, "capacity"), 10);
	assert_int_equal(num(r.json, "free"), 0);
	it_resp_free(&r);
	date_from_today(-1, past);
	json_t *day = get_day(&ent, "commodity_vehicle", past);
	assert_int_equal(num(day, "free"), 0);
	json_decref(day);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_checked),
		cmocka_unit_test(bureau_sets_a_date),
		cmocka_unit_test(bad_dates_refused),
		cmocka_unit_test(defaults_and_horizon),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
