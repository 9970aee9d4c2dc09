/* Crossing capacity over HTTP (issue 11): the bureau's dates and defaults,
 * what every user sees, and the counters under concurrent submits, on SQLite
 * or PostgreSQL (KOUAN_TEST_DB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/crossing.h"
#include "harness.h"

#define ORGS 64		/* enterprises submitting at once */
#define SUBMITS 500
#define PLACES 50
#define THREADS 32

static struct it_server srv;
static struct it_server twin;	/* a second server on srv's database, stopped by teardown if a test failed */
static const char *const PW = "capacity pass 7";
static const char *const SERVER_ARGS[] = {"--demo", "--test-clock", "--threads", "8", "--db-pool", "16", NULL};
static struct it_client bureau, ent, admin, ents[ORGS];
static int decl_seq;

static int setup(void **state)
{
	char name[32], org[32];
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	curl_global_init(CURL_GLOBAL_ALL);	/* before any thread makes a request */
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "capacity") != 0)
		return -1;
	if (it_user_add(&srv, "cap_bureau", "bureau", NULL, PW) != 0 || it_user_add(&srv, "cap_admin", "admin", NULL, PW) != 0 ||
	    it_user_add(&srv, "cap_ent", "enterprise", "容量测试企业", PW) != 0)
		return -1;
	for (int i = 0; i < ORGS; i++) {
		snprintf(name, sizeof name, "cap_e%02d", i);
		snprintf(org, sizeof org, "并发企业%02d", i);
		if (it_user_add(&srv, name, "enterprise", org, PW) != 0)
			return -1;
	}
	if (it_start(&srv, SERVER_ARGS) != 0)
		return -1;
	if (it_login(&srv, &bureau, "cap_bureau", PW) != 200 || it_login(&srv, &ent, "cap_ent", PW) != 200 ||
	    it_login(&srv, &admin, "cap_admin", PW) != 200)
		return -1;
	for (int i = 0; i < ORGS; i++) {
		snprintf(name, sizeof name, "cap_e%02d", i);
		if (it_login(&srv, &ents[i], name, PW) != 200)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	if (twin.pid > 0)
		it_stop(&twin);
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
	/* --demo: both kinds open every day of the horizon, whole days */
	call(&ent, "GET", "/api/v1/capacity?kind=commodity_vehicle", NULL, 200, &r);
	json_t *days = json_object_get(r.json, "days");
	assert_int_equal(json_array_size(days), 14);
	for (size_t i = 1; i < json_array_size(days); i++) {
		assert_true(json_is_true(json_object_get(json_array_get(days, i), "open")));
		assert_true(num(json_array_get(days, i), "free") > 0);
		assert_int_equal(json_array_size(json_object_get(json_array_get(days, i), "slots")), 0);
	}
	it_resp_free(&r);
	call(NULL, "GET", "/api/v1/capacity?kind=heavy_truck", NULL, 401, &r);
	it_resp_free(&r);
	/* the limits come from the one domain table */
	call(&ent, "GET", "/api/v1/domain", NULL, 200, &r);
	json_t *lim = json_object_get(json_object_get(r.json, "limits"), "capacity");
	assert_int_equal(num(lim, "units_max"), 100000);
	assert_int_equal(num(lim, "range_max"), 62);
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

/* ---- bookings against capacity ---- */

/* A heavy-truck booking of c's organisation, ready to submit, for date and
 * slot (NULL: a whole day) with trucks trucks; its id. */
static long long ready_booking(struct it_server *s, struct it_client *c, const char *date, const char *slot, int trucks)
{
	struct it_resp r;
	char path[64], body[1024];
	assert_int_equal(it_request(s, c, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	it_resp_free(&r);
	int seq = __atomic_add_fetch(&decl_seq, 1, __ATOMIC_SEQ_CST);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", id);
	snprintf(body, sizeof body, "{\"declaration_no\":\"94022026%010d\",\"plates\":[\"新F%05d\"],\"truck_count\":%d,"
		"\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\",\"customs_warehouse\":\"国际物流园监管库\","
		"\"contact\":\"13912345678\",\"transshipment_site_id\":1,\"is_transit\":true,\"crossing_date\":\"%s\",\"slot\":%s%s%s}",
		seq, seq % 100000, trucks, date, slot ? "\"" : "", slot ? slot : "null", slot ? "\"" : "");
	assert_int_equal(it_request(s, c, "PATCH", path, body, NULL, NULL, &r), 0);
	if (r.status != 200)
		fprintf(stderr, "PATCH %s -> %ld %s\n", path, r.status, r.body);
	assert_int_equal(r.status, 200);
	it_resp_free(&r);
	return id;
}

static long action(struct it_server *s, struct it_client *c, long long id, const char *verb, struct it_resp *r)
{
	char path[80];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/%s", id, verb);
	assert_int_equal(it_request(s, c, "POST", path, NULL, NULL, NULL, r), 0);
	return r->status;
}

static void put_day(const char *date, const char *json_layout)
{
	char body[512];
	struct it_resp r;
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",%s}", date, json_layout);
	call(&bureau, "PUT", "/api/v1/capacity", body, 200, &r);
	it_resp_free(&r);
}

static json_int_t taken_of(const char *date, const char *slot)
{
	json_t *day = get_day(&bureau, "heavy_truck", date);
	json_int_t t = num(day, "taken");
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(day, "slots"), i, v)
		if (slot && strcmp(json_string_value(json_object_get(v, "slot")), slot) == 0)
			t = num(v, "taken");
	json_decref(day);
	return t;
}

/* How many bookings of the date are in a holding state, counted through
 * the bureau's list. */
static int holding_on(const char *date)
{
	static const char *const states[] = {"submitted", "released", "passed"};
	int n = 0;
	for (size_t s = 0; s < 3; s++) {
		char cursor[32] = "";
		do {
			char path[160];
			struct it_resp r;
			snprintf(path, sizeof path, "/api/v1/bookings?state=%s&limit=100%s%s", states[s], cursor[0] ? "&cursor=" : "",
				cursor);
			call(&bureau, "GET", path, NULL, 200, &r);
			json_t *v;
			size_t i;
			json_array_foreach(json_object_get(r.json, "items"), i, v) {
				const char *d = json_string_value(json_object_get(v, "crossing_date"));
				n += d && strcmp(d, date) == 0;
			}
			const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
			snprintf(cursor, sizeof cursor, "%s", next ? next : "");
			it_resp_free(&r);
		} while (cursor[0]);
	}
	return n;
}

struct burst {
	struct it_server *servers[2];
	int nservers;
	long long ids[SUBMITS];
	long status[SUBMITS];
	char code[SUBMITS][32];
	int next;
	pthread_mutex_t mu;
};

static void *burst_thread(void *arg)
{
	struct burst *b = arg;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		int i = b->next++;
		pthread_mutex_unlock(&b->mu);
		if (i >= SUBMITS)
			return NULL;
		struct it_client c = ents[i % ORGS];	/* a copy: the request may update it */
		struct it_resp r;
		if (action(b->servers[i % b->nservers], &c, b->ids[i], "submit", &r) > 0)
			b->status[i] = r.status;
		snprintf(b->code[i], sizeof b->code[i], "%s", it_error_code(&r));
		it_resp_free(&r);
	}
}

/* SUBMITS bookings of ORGS enterprises for one slot of PLACES places,
 * submitted at once through the given servers. */
static void submit_burst(struct it_server **servers, int nservers, int offset)
{
	char date[CROSSING_DATE_LEN + 1];
	const char *slot = "10:00-11:00";
	struct burst *b = calloc(1, sizeof *b);
	pthread_t th[THREADS];
	date_from_today(offset, date);
	put_day(date, "\"slots\":[{\"slot\":\"09:00-10:00\",\"capacity\":5},{\"slot\":\"10:00-11:00\",\"capacity\":50}]");
	b->nservers = nservers;
	memcpy(b->servers, servers, sizeof b->servers);
	pthread_mutex_init(&b->mu, NULL);
	for (int i = 0; i < SUBMITS; i++)
		b->ids[i] = ready_booking(servers[0], &ents[i % ORGS], date, slot, 1);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, burst_thread, b), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	int ok = 0, full = 0;
	for (int i = 0; i < SUBMITS; i++) {
		ok += b->status[i] == 200;
		full += b->status[i] == 409 && strcmp(b->code[i], "capacity_full") == 0;
		if (b->status[i] != 200 && (b->status[i] != 409 || strcmp(b->code[i], "capacity_full") != 0))
			fprintf(stderr, "submit %d -> %ld %s\n", i, b->status[i], b->code[i]);
	}
	assert_int_equal(ok, PLACES);
	assert_int_equal(full, SUBMITS - PLACES);
	assert_int_equal(taken_of(date, slot), PLACES);
	assert_int_equal(holding_on(date), PLACES);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

static void concurrent_submits(void **state)
{
	struct it_server *one[2] = {&srv, NULL};
	submit_burst(one, 1, 4);
}

static void two_servers(void **state)
{
	struct it_server *both[2] = {&srv, &twin};
	assert_int_equal(it_start_twin(&twin, &srv, SERVER_ARGS), 0);
	submit_burst(both, 2, 5);
	assert_int_equal(it_stop(&twin), 0);
	it_cleanup(&twin);
}

static void submit_rules(void **state)
{
	char date[CROSSING_DATE_LEN + 1], near[CROSSING_DATE_LEN + 1];
	struct it_resp r;
	date_from_today(1, date);
	date_from_today(2, near);
	put_day(date, "\"capacity\":3");
	put_day(near, "\"capacity\":30");
	/* no date: 422 naming it, before anything is held */
	long long id = ready_booking(&srv, &ent, date, NULL, 2);
	call(&ent, "PATCH", "/api/v1/bookings/0", "{}", 404, &r);
	it_resp_free(&r);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", id);
	call(&ent, "PATCH", path, "{\"crossing_date\":null}", 200, &r);
	it_resp_free(&r);
	assert_int_equal(action(&srv, &ent, id, "submit", &r), 422);
	assert_string_equal(first_field(&r), "crossing_date");
	it_resp_free(&r);
	call(&ent, "PATCH", path, "{\"crossing_date\":\"2026-02-30\"}", 422, &r);
	it_resp_free(&r);
	/* two trucks fit, a second booking of two does not: the nearest date with room is offered */
	char body[96];
	snprintf(body, sizeof body, "{\"crossing_date\":\"%s\"}", date);
	call(&ent, "PATCH", path, body, 200, &r);
	it_resp_free(&r);
	assert_int_equal(action(&srv, &ent, id, "submit", &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "submitted");
	it_resp_free(&r);
	long long second = ready_booking(&srv, &ent, date, NULL, 2);
	assert_int_equal(action(&srv, &ent, second, "submit", &r), 409);
	assert_string_equal(it_error_code(&r), "capacity_full");
	json_t *offered = json_object_get(json_object_get(r.json, "error"), "nearest_dates");
	assert_true(json_array_size(offered) >= 1);
	assert_string_equal(json_string_value(json_array_get(offered, 0)), near);
	it_resp_free(&r);
	/* the bureau cannot go below what is taken */
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"capacity\":1}", date);
	call(&bureau, "PUT", "/api/v1/capacity", body, 409, &r);
	assert_string_equal(it_error_code(&r), "capacity_below_taken");
	it_resp_free(&r);
	/* withdraw and cancel give back */
	assert_int_equal(taken_of(date, NULL), 2);
	assert_int_equal(action(&srv, &ent, id, "withdraw", &r), 200);
	it_resp_free(&r);
	assert_int_equal(taken_of(date, NULL), 0);
	assert_int_equal(action(&srv, &ent, second, "submit", &r), 200);
	it_resp_free(&r);
	assert_int_equal(action(&srv, &ent, second, "cancel", &r), 200);
	it_resp_free(&r);
	assert_int_equal(taken_of(date, NULL), 0);
}

static void caps_and_in_flight(void **state)
{
	char date[CROSSING_DATE_LEN + 1], sql[256];
	struct it_resp r;
	date_from_today(3, date);
	put_day(date, "\"capacity\":100");
	call(&bureau, "PUT", "/api/v1/capacity/defaults", "{\"kinds\":{\"heavy_truck\":{\"org_cap\":3}}}", 200, &r);
	it_resp_free(&r);
	long long a = ready_booking(&srv, &ents[0], date, NULL, 2), b = ready_booking(&srv, &ents[0], date, NULL, 2);
	assert_int_equal(action(&srv, &ents[0], a, "submit", &r), 200);
	it_resp_free(&r);
	assert_int_equal(action(&srv, &ents[0], b, "submit", &r), 409);
	assert_string_equal(it_error_code(&r), "org_cap_reached");
	it_resp_free(&r);
	call(&bureau, "PUT", "/api/v1/capacity/defaults", "{\"inflight_limit\":2,\"kinds\":{\"heavy_truck\":{\"org_cap\":0}}}", 200, &r);
	it_resp_free(&r);
	/* two submits of this organisation in flight (a mark as a second server leaves it) */
	snprintf(sql, sizeof sql, "INSERT INTO capacity_inflight (org_id, n, since) SELECT org_id, 2, %lld FROM bookings WHERE id = %lld",
		(long long)time(NULL), b);
	assert_int_equal(it_db_exec(&srv, sql), 0);
	assert_int_equal(action(&srv, &ents[0], b, "submit", &r), 429);
	assert_string_equal(it_error_code(&r), "rate_limited");
	assert_non_null(strstr(r.headers, "Retry-After: "));
	it_resp_free(&r);
	assert_int_equal(taken_of(date, NULL), 2);	/* the refused submit took nothing */
	assert_int_equal(it_db_exec(&srv, "UPDATE capacity_inflight SET n = 0"), 0);
	assert_int_equal(action(&srv, &ents[0], b, "submit", &r), 200);
	it_resp_free(&r);
	call(&bureau, "PUT", "/api/v1/capacity/defaults", "{\"inflight_limit\":0}", 200, &r);
	it_resp_free(&r);
}

struct racer {
	struct it_client c;
	long long id;
	const char *verb;
	const char *body;
	long status;
};

static void *race_thread(void *arg)
{
	struct racer *x = arg;
	struct it_resp r;
	char path[80];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/%s", x->id, x->verb);
	if (it_request(&srv, &x->c, "POST", path, x->body, NULL, NULL, &r) == 0)
		x->status = r.status;
	it_resp_free(&r);
	return NULL;
}

static void move_and_close(void **state)
{
	char d1[CROSSING_DATE_LEN + 1], d2[CROSSING_DATE_LEN + 1], body[160];
	struct it_resp r;
	date_from_today(2, d1);
	date_from_today(3, d2);
	put_day(d1, "\"capacity\":20");
	put_day(d2, "\"capacity\":100");
	/* a move racing a cancel: the booking ends cancelled, nothing stays taken */
	for (int round = 0; round < 8; round++) {
		long long id = ready_booking(&srv, &ents[1], d1, NULL, 1);
		assert_int_equal(action(&srv, &ents[1], id, "submit", &r), 200);
		it_resp_free(&r);
		snprintf(body, sizeof body, "{\"crossing_date\":\"%s\"}", d2);
		struct racer mv = {ents[1], id, "move", body, 0}, cc = {ents[1], id, "cancel", NULL, 0};
		pthread_t a, b;
		pthread_create(&a, NULL, race_thread, &mv);
		pthread_create(&b, NULL, race_thread, &cc);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		assert_int_equal(cc.status, 200);
		assert_true(mv.status == 200 || mv.status == 409);
	}
	json_int_t base1 = taken_of(d1, NULL), base2 = taken_of(d2, NULL);
	/* a move: the places go with the booking */
	long long id = ready_booking(&srv, &ents[1], d1, NULL, 3);
	assert_int_equal(action(&srv, &ents[1], id, "submit", &r), 200);
	it_resp_free(&r);
	snprintf(body, sizeof body, "{\"crossing_date\":\"%s\"}", d2);
	char path[80];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/move", id);
	call(&ents[2], "POST", path, body, 404, &r);	/* another enterprise's booking */
	it_resp_free(&r);
	call(&ents[1], "POST", path, body, 200, &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "crossing_date")), d2);
	it_resp_free(&r);
	assert_int_equal(taken_of(d1, NULL), base1);
	assert_int_equal(taken_of(d2, NULL), base2 + 3);
	/* closing a date with bookings: they go where the bureau says */
	long long stay = ready_booking(&srv, &ents[1], d1, NULL, 2);
	assert_int_equal(action(&srv, &ents[1], stay, "submit", &r), 200);
	it_resp_free(&r);
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"move_to\":{\"date\":\"%s\"}}", d1, d2);
	call(&bureau, "POST", "/api/v1/capacity/close", body, 200, &r);
	assert_true(json_is_true(json_object_get(r.json, "closed")));
	assert_int_equal(json_array_size(json_object_get(r.json, "moved")), 1);
	it_resp_free(&r);
	json_t *day = get_day(&bureau, "heavy_truck", d1);
	assert_true(json_is_true(json_object_get(day, "closed")));
	json_decref(day);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", stay);
	call(&ents[1], "GET", path, NULL, 200, &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "crossing_date")), d2);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "submitted");
	it_resp_free(&r);
}

struct expiry_run {
	struct it_server *s;
	char body[64];
	int expired;
};

static void *expire_thread(void *arg)
{
	struct expiry_run *x = arg;
	struct it_client c = admin;
	struct it_resp r;
	if (it_request(x->s, &c, "POST", "/api/v1/capacity/expire-now", x->body, NULL, NULL, &r) == 0 && r.status == 200)
		x->expired = (int)json_integer_value(json_object_get(r.json, "expired"));
	it_resp_free(&r);
	return NULL;
}

static void expiry_by_two_servers(void **state)
{
	enum { N = 12 };
	char date[CROSSING_DATE_LEN + 1], path[96];
	struct it_resp r;
	int64_t from, until;
	date_from_today(1, date);
	put_day(date, "\"capacity\":40");
	json_int_t before = taken_of(date, NULL);
	long long ids[N];
	for (int i = 0; i < N; i++) {
		ids[i] = ready_booking(&srv, &ents[3 + i % 2], date, NULL, 1);
		assert_int_equal(action(&srv, &ents[3 + i % 2], ids[i], "submit", &r), 200);
		it_resp_free(&r);
	}
	call(&ent, "POST", "/api/v1/capacity/expire-now", NULL, 403, &r);	/* admin only */
	it_resp_free(&r);
	assert_int_equal(it_start_twin(&twin, &srv, SERVER_ARGS), 0);
	/* the same "now" at both servers: after the day's end and the grace (120 minutes) */
	assert_int_equal(capacity_window(date, NULL, 120, &from, &until), 0);
	struct expiry_run a = {&srv, "", 0}, b = {&twin, "", 0};
	snprintf(a.body, sizeof a.body, "{\"now\":%lld}", (long long)until);
	snprintf(b.body, sizeof b.body, "{\"now\":%lld}", (long long)until);
	pthread_t ta, tb;
	pthread_create(&ta, NULL, expire_thread, &a);
	pthread_create(&tb, NULL, expire_thread, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(it_stop(&twin), 0);
	it_cleanup(&twin);
	assert_true(a.expired + b.expired >= N);	/* earlier tests' bookings of that date expire too */
	assert_int_equal(taken_of(date, NULL), 0);
	(void)before;
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", ids[0]);
	call(&ents[3], "GET", path, NULL, 200, &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "expired");
	it_resp_free(&r);
	/* the bureau's no-show report names both enterprises */
	snprintf(path, sizeof path, "/api/v1/capacity/no-shows?from=%s&to=%s", date, date);
	call(&ent, "GET", path, NULL, 403, &r);
	it_resp_free(&r);
	call(&bureau, "GET", path, NULL, 200, &r);
	json_t *orgs = json_object_get(r.json, "organisations");
	int seen = 0;
	json_t *v;
	size_t i;
	json_array_foreach(orgs, i, v) {
		const char *name = json_string_value(json_object_get(json_object_get(v, "organisation"), "name"));
		if (strcmp(name, "并发企业03") == 0 || strcmp(name, "并发企业04") == 0) {
			seen++;
			assert_int_equal(num(v, "bookings"), N / 2);
			assert_int_equal(num(v, "missed"), N / 2);
		}
	}
	assert_int_equal(seen, 2);
	it_resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_checked),
		cmocka_unit_test(bureau_sets_a_date),
		cmocka_unit_test(bad_dates_refused),
		cmocka_unit_test(defaults_and_horizon),
		cmocka_unit_test(submit_rules),
		cmocka_unit_test(caps_and_in_flight),
		cmocka_unit_test(move_and_close),
		cmocka_unit_test(expiry_by_two_servers),
		cmocka_unit_test(concurrent_submits),
		cmocka_unit_test(two_servers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
