/* No double booking (issue 14, item 2): 2,000 submits at once from 200
 * connections (a C client of its own: 200 threads, each with one keep-alive
 * connection through libcurl) of 2,000 draft bookings that all name one
 * declaration; then 1,000 naming one VIN, then 1,000 for one slot of a day. Exactly one
 * booking holds the declaration, one the VIN, and the slot's capacity is
 * never exceeded: the answers say so and the database says so. On SQLite
 * with one server; on PostgreSQL with two servers sharing the database, the
 * connections split between them. */
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

#include "core/crossing.h"
#include "harness.h"

#define CONNECTIONS 200
#define ATTEMPTS 2000			/* the figure, for the declaration, the VIN and the slot */
#define EACH_MAX (ATTEMPTS / CONNECTIONS)	/* submits per connection at most */
#define ORGS 20				/* enterprises the drafts belong to */
#define SLOT_CAPACITY 37
#define SLOT "10:00-11:00"
#define DECLARATION "940220260100000001"
#define VIN "LGWEF5A51SN014157"		/* check digit right */
#define CODE_LEN 40
#define BODY_LEN 1024
#define URL_LEN 256
#define SQL_LEN 512

static const char *const PW = "double pass 7";
static const char *const SERVER_ARGS[] = {"--demo", "--threads", "8", "--db-pool", "16", NULL};
static struct it_server srv, twin;
static struct it_client bureau, ents[ORGS];
static char date[CROSSING_DATE_LEN + 1];	/* the declaration's and the VIN's bookings, a whole day */
static char slot_date[CROSSING_DATE_LEN + 1];	/* the slot's: a day of its own */

static int setup(void **state)
{
	char name[32], org[48];
	memset(&srv, 0, sizeof srv);
	curl_global_init(CURL_GLOBAL_ALL);	/* before any thread makes a request */
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "double") != 0)
		return -1;
	if (it_user_add(&srv, "dbl_bureau", "bureau", NULL, PW) != 0)
		return -1;
	for (int i = 0; i < ORGS; i++) {
		snprintf(name, sizeof name, "dbl_e%02d", i);
		snprintf(org, sizeof org, "抢号企业%02d", i);
		if (it_user_add(&srv, name, "enterprise", org, PW) != 0)
			return -1;
	}
	if (it_start(&srv, SERVER_ARGS) != 0 || (it_is_pg() && it_start_twin(&twin, &srv, SERVER_ARGS) != 0))
		return -1;
	if (it_login(&srv, &bureau, "dbl_bureau", PW) != 200)
		return -1;
	for (int i = 0; i < ORGS; i++) {
		snprintf(name, sizeof name, "dbl_e%02d", i);
		if (it_login(&srv, &ents[i], name, PW) != 200)
			return -1;
	}
	crossing_date_format(crossing_today((int64_t)time(NULL)) + 1, date);	/* tomorrow, within the horizon */
	crossing_date_format(crossing_today((int64_t)time(NULL)) + 2, slot_date);
	return 0;
}

static int teardown(void **state)
{
	if (twin.pid > 0 && it_stop(&twin) != 0)
		return -1;
	if (it_stop(&srv) != 0)
		return -1;
	it_cleanup(&twin);
	it_cleanup(&srv);
	return 0;
}

/* ---- the client: one thread, one connection ---- */

enum scenario { ONE_DECLARATION, ONE_VIN, ONE_SLOT };

struct answer {
	long status;
	char code[CODE_LEN];
};

struct conn {
	CURL *h;
	struct it_server *server;
	struct it_client *who;
	enum scenario sc;
	int index;			/* 0..CONNECTIONS-1 */
	int each;			/* drafts made and submitted on this connection */
	long long ids[EACH_MAX];
	struct answer answers[EACH_MAX];
	long connects;			/* connections libcurl opened for the submits */
	pthread_barrier_t *go;
	int failed;
};

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long t_go;	/* when the last thread reached the barrier */

struct sink {
	char *buf;
	size_t len, cap;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = size * n;
	if (s->len + len + 1 > s->cap) {
		s->cap = (s->len + len + 1) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return len;
}

/* One request on the thread's connection; the answer's JSON (or NULL). */
static json_t *send_on(struct conn *c, const char *method, const char *path, const char *body, long *status)
{
	char url[URL_LEN], cookie[256], csrf[160];
	struct sink sk = {0};
	struct curl_slist *hl = NULL;
	snprintf(url, sizeof url, "%s%s", c->server->base, path);
	snprintf(cookie, sizeof cookie, "Cookie: %s", c->who->cookie);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->who->csrf);
	hl = curl_slist_append(hl, cookie);
	hl = curl_slist_append(hl, csrf);
	hl = curl_slist_append(hl, "Content-Type: application/json");
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &sk);
	*status = -1;
	if (curl_easy_perform(c->h) == CURLE_OK)
		curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(hl);
	static int told;
	if (*status >= 400 && *status != 409 && !__atomic_exchange_n(&told, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "double: %s %s -> %ld %s\n", method, path, *status, sk.buf ? sk.buf : "");
	json_t *j = sk.buf ? json_loadb(sk.buf, sk.len, 0, NULL) : NULL;
	free(sk.buf);
	return j;
}

/* The fields of draft number n of this scenario. */
static void draft_body(enum scenario sc, int n, char *out, size_t len)
{
	static const char common[] = "\"is_transit\":true,\"clearance_mode\":\"一般申报\",\"customs_warehouse\":"
		"\"国际物流园监管库\",\"contact\":\"13912345678\"";
	if (sc == ONE_VIN)
		snprintf(out, len, "{%s,\"declaration_no\":\"9402202602%08d\",\"vehicles\":[{\"vin\":\"%s\"}],"
			"\"usage_type\":\"营运\",\"fuel_type\":\"柴油\",\"crossing_date\":\"%s\"}", common, n, VIN, date);
	else if (sc == ONE_DECLARATION)
		snprintf(out, len, "{%s,\"declaration_no\":\"%s\",\"plates\":[\"新F%05d\"],\"truck_count\":1,"
			"\"cargo_type\":\"一般货物\",\"transshipment_site_id\":1,\"crossing_date\":\"%s\"}", common,
			DECLARATION, n, date);
	else
		snprintf(out, len, "{%s,\"declaration_no\":\"9402202603%08d\",\"plates\":[\"新F%05d\"],\"truck_count\":1,"
			"\"cargo_type\":\"一般货物\",\"transshipment_site_id\":1,\"crossing_date\":\"%s\",\"slot\":\"" SLOT
			"\"}", common, n, n, slot_date);
}

/* A draft ready to submit; its id, or 0. */
static long long make_draft(struct conn *c, int n)
{
	long st;
	json_t *j = send_on(c, "POST", "/api/v1/bookings",
		c->sc == ONE_VIN ? "{\"kind\":\"commodity_vehicle\"}" : "{\"kind\":\"heavy_truck\"}", &st);
	long long id = st == 201 ? (long long)json_integer_value(json_object_get(j, "id")) : 0;
	json_decref(j);
	if (id == 0)
		return 0;
	char path[64], body[BODY_LEN];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", id);
	draft_body(c->sc, n, body, sizeof body);
	j = send_on(c, "PATCH", path, body, &st);
	json_decref(j);
	if (st != 200)
		fprintf(stderr, "double: PATCH %s -> %ld\n", path, st);
	return st == 200 ? id : 0;
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	c->h = curl_easy_init();
	curl_easy_setopt(c->h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 300L);
	for (int i = 0; i < c->each; i++)
		if ((c->ids[i] = make_draft(c, c->index * EACH_MAX + i)) == 0)
			c->failed = 1;
	long before = 0, after = 0;
	curl_easy_getinfo(c->h, CURLINFO_NUM_CONNECTS, &before);
	if (pthread_barrier_wait(c->go) == PTHREAD_BARRIER_SERIAL_THREAD)	/* every draft made: now the submits */
		t_go = now_ns();
	for (int i = 0; i < c->each && !c->failed; i++) {
		char path[80];
		snprintf(path, sizeof path, "/api/v1/bookings/%lld/submit", c->ids[i]);
		json_t *j = send_on(c, "POST", path, NULL, &c->answers[i].status);
		const char *code = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
		snprintf(c->answers[i].code, CODE_LEN, "%s", code ? code : "");
		json_decref(j);
		long n = 0;
		curl_easy_getinfo(c->h, CURLINFO_NUM_CONNECTS, &n);
		after += n;
	}
	c->connects = after;
	curl_easy_cleanup(c->h);
	return NULL;
}

/* ---- the database's own count ---- */

/* SELECT count(*) with one text parameter ("?" written; $1 on PostgreSQL). */
static long long db_count(const char *sql, const char *param)
{
	long long n = -1;
	if (it_is_pg()) {
		char pg_sql[SQL_LEN];
		snprintf(pg_sql, sizeof pg_sql, "%s", sql);
		char *q = strchr(pg_sql, '?');
		assert_non_null(q);
		memmove(q + 2, q + 1, strlen(q + 1) + 1);
		q[0] = '$';
		q[1] = '1';
		PGconn *pg = PQconnectdb(srv.db);
		const char *params[] = {param};
		PGresult *r = PQexecParams(pg, pg_sql, 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(pg);
		return n;
	}
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(srv.db + strlen("sqlite:"), &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

#define HOLDING_STATES "('submitted', 'released', 'passed')"

/* ---- the runs ---- */

/* attempts drafts made, then submitted at once; wins and losses (with
 * loser_code) counted, anything else printed and failed. */
static void run(enum scenario sc, int attempts, const char *loser_code, int want_wins)
{
	long long t0 = now_ns();
	static struct conn conns[CONNECTIONS];
	pthread_t th[CONNECTIONS];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, CONNECTIONS);
	struct it_server *servers[2] = {&srv, it_is_pg() ? &twin : &srv};
	for (int i = 0; i < CONNECTIONS; i++) {
		memset(&conns[i], 0, sizeof conns[i]);
		conns[i] = (struct conn){.server = servers[i % 2], .who = &ents[i % ORGS], .sc = sc, .index = i,
			.each = attempts / CONNECTIONS, .go = &go};
		assert_int_equal(pthread_create(&th[i], NULL, conn_thread, &conns[i]), 0);
	}
	int wins = 0, losses = 0, other = 0, failed = 0;
	long connects = 0;
	for (int i = 0; i < CONNECTIONS; i++) {
		pthread_join(th[i], NULL);
		failed += conns[i].failed;
		connects += conns[i].connects;
		for (int k = 0; k < conns[i].each; k++) {
			const struct answer *a = &conns[i].answers[k];
			if (a->status == 200)
				wins++;
			else if (a->status == 409 && strcmp(a->code, loser_code) == 0)
				losses++;
			else if (other++ < 10)
				fprintf(stderr, "double: submit -> %ld %s\n", a->status, a->code);
		}
	}
	pthread_barrier_destroy(&go);
	fprintf(stderr, "double: drafts %.1f s, submits %.1f s\n", (double)(t_go - t0) / 1e9, (double)(now_ns() - t_go) / 1e9);
	fprintf(stderr, "double: %d won, %d refused %s, %d other; %ld new connections during the submits\n", wins, losses,
		loser_code, other, connects);
	assert_int_equal(failed, 0);
	assert_int_equal(wins, want_wins);
	assert_int_equal(losses, attempts - want_wins);
	assert_int_equal(other, 0);
}

static void one_declaration(void **state)
{
	run(ONE_DECLARATION, ATTEMPTS, "declaration_in_use", 1);
	assert_int_equal(db_count("SELECT count(*) FROM bookings WHERE declaration_digits = ? AND state IN " HOLDING_STATES,
		DECLARATION), 1);
	assert_int_equal(db_count("SELECT count(*) FROM bookings WHERE declaration_digits = ? AND holding = 1",
		DECLARATION), 1);
}

static void one_vin(void **state)
{
	run(ONE_VIN, ATTEMPTS, "vin_in_use", 1);
	assert_int_equal(db_count("SELECT count(*) FROM booking_vehicles v JOIN bookings b ON b.id = v.booking_id"
		" WHERE v.vin = ? AND b.state IN " HOLDING_STATES, VIN), 1);
	assert_int_equal(db_count("SELECT count(*) FROM booking_vehicles WHERE vin = ? AND holding = 1", VIN), 1);
}

/* The day's layout: SLOT with SLOT_CAPACITY trucks (and one other slot). */
static void put_slot(void)
{
	char body[BODY_LEN];
	struct it_resp r;
	snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"heavy_truck\",\"slots\":[{\"slot\":\"09:00-10:00\","
		"\"capacity\":5},{\"slot\":\"" SLOT "\",\"capacity\":%d}]}", slot_date, SLOT_CAPACITY);
	assert_int_equal(it_request(&srv, &bureau, "PUT", "/api/v1/capacity", body, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	it_resp_free(&r);
}

/* The slot's taken count as the bureau reads it. */
static long long slot_taken(void)
{
	char path[160];
	struct it_resp r;
	snprintf(path, sizeof path, "/api/v1/capacity?kind=heavy_truck&from=%s&to=%s", slot_date, slot_date);
	assert_int_equal(it_request(&srv, &bureau, "GET", path, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	long long taken = -1;
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(json_array_get(json_object_get(r.json, "days"), 0), "slots"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "slot")), SLOT) == 0)
			taken = json_integer_value(json_object_get(v, "taken"));
	it_resp_free(&r);
	return taken;
}

static void one_slot(void **state)
{
	put_slot();
	run(ONE_SLOT, ATTEMPTS, "capacity_full", SLOT_CAPACITY);
	assert_int_equal(slot_taken(), SLOT_CAPACITY);
	assert_int_equal(db_count("SELECT count(*) FROM bookings WHERE crossing_date = ? AND slot = '" SLOT "' AND state IN "
		HOLDING_STATES, slot_date), SLOT_CAPACITY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_declaration),
		cmocka_unit_test(one_vin),
		cmocka_unit_test(one_slot),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
