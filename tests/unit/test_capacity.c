/* Crossing capacity in the store (store/capacity.c) through the booking's
 * own change of state, on SQLite (a temporary file) and, when
 * KOUAN_TEST_PG_FILE names the suite's PostgreSQL, on a database of its
 * own: never exceeded under concurrent submits, given back exactly, moved
 * or expired once. */
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

#include <libpq-fe.h>

#include "core/crossing.h"
#include "core/log.h"
#include "store/bookings.h"
#include "store/capacity.h"
#include "store/store.h"

#define URL_MAX 1024
#define POOL 16
#define THREADS 32
#define FAKE_HASH "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$not-a-real-hash"

static char pg_server[URL_MAX];
static int use_pg;
static int test_no;
static char base_dir[] = "/tmp/kouan-capacity-XXXXXX";

struct fx {
	struct store *st;
	char url[URL_MAX];
	char pg_db[64];
	int64_t user_id;
};

/* ---- a fresh database per test ---- */

static int pg_admin(const char *sql)
{
	PGconn *pg = PQconnectdb(pg_server);
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(pg);
	return ok ? 0 : -1;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	test_no++;
	if (use_pg) {
		char sql[128];
		snprintf(f->pg_db, sizeof f->pg_db, "kouan_cap_%d_%d", (int)getpid(), test_no);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->pg_db);	/* a name made here */
		if (pg_admin(sql) != 0)
			return -1;
		const char *slash = strrchr(pg_server, '/');
		snprintf(f->url, sizeof f->url, "%.*s/%s", (int)(slash - pg_server), pg_server, f->pg_db);
	} else {
		snprintf(f->url, sizeof f->url, "sqlite:%s/t%d.db", base_dir, test_no);
	}
	int64_t org;
	if (store_open(f->url, POOL, &f->st) != K_OK || store_org_create(f->st, "容量企业", ORG_ENTERPRISE, &org) != K_OK ||
	    store_user_create(f->st, "cap_user", "enterprise", org, FAKE_HASH, &f->user_id) != K_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->st);
	if (use_pg) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->pg_db);
		pg_admin(sql);
	}
	free(f);
	return 0;
}

/* ---- helpers ---- */

static void date_at(int offset, char out[CROSSING_DATE_LEN + 1])
{
	crossing_date_format(crossing_today((int64_t)time(NULL)) + offset, out);
}

static int64_t new_org(struct fx *f, int n)
{
	char name[64];
	int64_t id;
	snprintf(name, sizeof name, "企业%03d", n);
	assert_int_equal(store_org_create(f->st, name, ORG_ENTERPRISE, &id), K_OK);
	return id;
}

/* A heavy-truck draft of org for date and slot (NULL: whole day) with its
 * own declaration number. */
static int64_t draft(struct fx *f, int64_t org, int n, const char *date, const char *slot, int trucks)
{
	char decl[32];
	int64_t id;
	snprintf(decl, sizeof decl, "9402202600%08d", n);
	json_t *doc = json_pack("{s:s,s:i,s:s,s:s?}", "declaration_no", decl, "truck_count", trucks, "crossing_date", date,
		"slot", slot);
	assert_int_equal(store_booking_create(f->st, org, f->user_id, KIND_HEAVY_TRUCK, 0, doc, &id, NULL), K_OK);
	json_decref(doc);
	return id;
}

static enum kerr act(struct fx *f, int64_t id, enum booking_action a, enum booking_state to)
{
	struct booking_transition t = {.booking_id = id, .action = a, .to = to, .actor_id = f->user_id};
	return store_booking_transition(f->st, &t);
}

static void set_day(struct fx *f, const char *date, const char *slot, int64_t capacity)
{
	struct capacity_layout l = {.n = 1};
	int64_t day;
	char blocking[CROSSING_SLOT_LEN + 1];
	snprintf(l.slots[0].slot, sizeof l.slots[0].slot, "%s", slot ? slot : "");
	l.slots[0].capacity = capacity;
	assert_int_equal(crossing_date_parse(date, &day), 0);
	assert_int_equal(store_capacity_set_day(f->st, "heavy_truck", day, &l, blocking), K_OK);
}

/* taken and free of one date's slot ("" for a whole day). */
static void counts(struct fx *f, const char *date, const char *slot, int64_t *taken, int64_t *free_places)
{
	struct capacity_day *d = NULL;
	size_t n = 0;
	int64_t day;
	assert_int_equal(crossing_date_parse(date, &day), 0);
	assert_int_equal(store_capacity_days(f->st, "heavy_truck", day, day, (int64_t)time(NULL), &d, &n), K_OK);
	*taken = *free_places = -1;
	for (size_t i = 0; i < d[0].n; i++)
		if (strcmp(d[0].slots[i].slot, slot ? slot : "") == 0) {
			*taken = d[0].slots[i].taken;
			*free_places = d[0].slots[i].free;
		}
	free(d);
}

/* ---- concurrent submits ---- */

struct race {
	struct fx *f;
	int64_t *ids;
	enum kerr *results;
	size_t n;
	int next;
	pthread_mutex_t mu;
};

static void *submitter(void *arg)
{
	struct race *r = arg;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		int i = r->next++;
		pthread_mutex_unlock(&r->mu);
		if ((size_t)i >= r->n)
			return NULL;
		r->results[i] = act(r->f, r->ids[i], ACTION_SUBMIT, STATE_SUBMITTED);
	}
}

static void submit_all(struct fx *f, int64_t *ids, enum kerr *results, size_t n)
{
	struct race r = {f, ids, results, n, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, submitter, &r), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
}

static void never_exceeded(void **state)
{
	struct fx *f = *state;
	enum { N = 500, ORGS = 64, PLACES = 50 };
	char date[CROSSING_DATE_LEN + 1];
	int64_t orgs[ORGS], ids[N], taken, free_places;
	enum kerr results[N];
	date_at(2, date);
	set_day(f, date, "10:00-11:00", PLACES);
	for (int i = 0; i < ORGS; i++)
		orgs[i] = new_org(f, i);
	for (int i = 0; i < N; i++)
		ids[i] = draft(f, orgs[i % ORGS], i, date, "10:00-11:00", 1);
	submit_all(f, ids, results, N);
	int ok = 0, full = 0;
	for (int i = 0; i < N; i++) {
		ok += results[i] == K_OK;
		full += results[i] == K_CAPACITY_FULL;
	}
	assert_int_equal(ok, PLACES);
	assert_int_equal(full, N - PLACES);
	counts(f, date, "10:00-11:00", &taken, &free_places);
	assert_int_equal(taken, PLACES);
	assert_int_equal(free_places, 0);
	/* withdrawing gives places back, and others can have them */
	int withdrawn = 0, resubmitted = 0;
	for (int i = 0; i < N && withdrawn < 10; i++)
		if (results[i] == K_OK && act(f, ids[i], ACTION_WITHDRAW, STATE_DRAFT) == K_OK)
			withdrawn++;
	counts(f, date, "10:00-11:00", &taken, &free_places);
	assert_int_equal(taken, PLACES - 10);
	for (int i = 0; i < N; i++)
		if (results[i] == K_CAPACITY_FULL && act(f, ids[i], ACTION_SUBMIT, STATE_SUBMITTED) == K_OK)
			resubmitted++;
	assert_int_equal(resubmitted, 10);
	counts(f, date, "10:00-11:00", &taken, &free_places);
	assert_int_equal(taken, PLACES);
}

static void slots_and_caps(void **state)
{
	struct fx *f = *state;
	char date[CROSSING_DATE_LEN + 1], blocking[CROSSING_SLOT_LEN + 1];
	int64_t org = new_org(f, 1), day, taken, free_places;
	date_at(3, date);
	assert_int_equal(crossing_date_parse(date, &day), 0);
	struct capacity_layout l = {.n = 2};
	strcpy(l.slots[0].slot, "09:00-10:00");
	l.slots[0].capacity = 10;
	strcpy(l.slots[1].slot, "10:00-11:00");
	l.slots[1].capacity = 10;
	assert_int_equal(store_capacity_set_day(f->st, "heavy_truck", day, &l, blocking), K_OK);
	/* a day of slots wants one of them */
	struct booking_transition t = {.booking_id = draft(f, org, 1, date, NULL, 2), .action = ACTION_SUBMIT,
		.to = STATE_SUBMITTED};
	assert_int_equal(store_booking_transition(f->st, &t), K_VALIDATION_FAILED);
	assert_int_equal(t.capacity_problem, CAPACITY_SLOT_REQUIRED);
	t.booking_id = draft(f, org, 2, date, "12:00-13:00", 2);
	assert_int_equal(store_booking_transition(f->st, &t), K_VALIDATION_FAILED);
	assert_int_equal(t.capacity_problem, CAPACITY_SLOT_UNKNOWN);
	/* trucks count, trailers not: two trucks take two places */
	assert_int_equal(act(f, draft(f, org, 3, date, "09:00-10:00", 2), ACTION_SUBMIT, STATE_SUBMITTED), K_OK);
	counts(f, date, "09:00-10:00", &taken, &free_places);
	assert_int_equal(taken, 2);
	assert_int_equal(free_places, 8);
	/* a cap of 3 per organisation and date */
	assert_int_equal(store_capacity_org_cap_set(f->st, "heavy_truck", 3), K_OK);
	assert_int_equal(act(f, draft(f, org, 4, date, "10:00-11:00", 2), ACTION_SUBMIT, STATE_SUBMITTED), K_ORG_CAP_REACHED);
	assert_int_equal(act(f, draft(f, new_org(f, 2), 5, date, "10:00-11:00", 2), ACTION_SUBMIT, STATE_SUBMITTED), K_OK);
	counts(f, date, "10:00-11:00", &taken, &free_places);
	assert_int_equal(taken, 2);	/* the refused one left nothing behind */
	/* the bureau cannot drop a slot that holds bookings, nor go below */
	l.n = 1;
	assert_int_equal(store_capacity_set_day(f->st, "heavy_truck", day, &l, blocking), K_CAPACITY_BELOW_TAKEN);
	assert_string_equal(blocking, "10:00-11:00");
	l.n = 2;
	l.slots[0].capacity = 1;
	assert_int_equal(store_capacity_set_day(f->st, "heavy_truck", day, &l, blocking), K_CAPACITY_BELOW_TAKEN);
	assert_string_equal(blocking, "09:00-10:00");
}

/* ---- a move racing a cancel ---- */

struct pair {
	struct fx *f;
	int64_t id;
	const char *to;
	enum kerr result;
};

static void *mover(void *arg)
{
	struct pair *p = arg;
	enum capacity_problem problem;
	p->result = store_capacity_move_booking(p->f->st, p->id, p->to, NULL, p->f->user_id, (int64_t)time(NULL), NULL,
		&problem);
	return NULL;
}

static void *canceller(void *arg)
{
	struct pair *p = arg;
	p->result = act(p->f, p->id, ACTION_CANCEL, STATE_CANCELLED);
	return NULL;
}

static void move_races_cancel(void **state)
{
	struct fx *f = *state;
	enum { ROUNDS = 20 };
	char d1[CROSSING_DATE_LEN + 1], d2[CROSSING_DATE_LEN + 1];
	int64_t org = new_org(f, 1), taken1, taken2, free_places;
	date_at(1, d1);
	date_at(4, d2);
	set_day(f, d1, NULL, 100);
	set_day(f, d2, NULL, 100);
	for (int i = 0; i < ROUNDS; i++) {
		int64_t id = draft(f, org, i, d1, NULL, 1);
		assert_int_equal(act(f, id, ACTION_SUBMIT, STATE_SUBMITTED), K_OK);
		struct pair m = {f, id, d2, K_OK}, c = {f, id, NULL, K_OK};
		pthread_t a, b;
		pthread_create(&a, NULL, mover, &m);
		pthread_create(&b, NULL, canceller, &c);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		assert_int_equal(c.result, K_OK);	/* cancel is allowed before and after a move */
		assert_true(m.result == K_OK || m.result == K_WRONG_STATE);
	}
	/* every booking ended cancelled: nothing stays taken anywhere */
	counts(f, d1, NULL, &taken1, &free_places);
	counts(f, d2, NULL, &taken2, &free_places);
	assert_int_equal(taken1, 0);
	assert_int_equal(taken2, 0);
}

/* ---- expiry by two servers at once ---- */

struct expirer {
	struct store *st;
	int64_t now;
	int expired;
	enum kerr e;
};

static void *expire_run(void *arg)
{
	struct expirer *x = arg;
	x->e = store_capacity_expire(x->st, x->now, &x->expired);
	return NULL;
}

static void expiry_once(void **state)
{
	struct fx *f = *state;
	enum { N = 40 };
	char date[CROSSING_DATE_LEN + 1];
	int64_t org = new_org(f, 1), taken, free_places, day, from, until;
	struct store *second;
	date_at(1, date);
	set_day(f, date, NULL, 100);
	for (int i = 0; i < N; i++)
		assert_int_equal(act(f, draft(f, org, i, date, NULL, 1), ACTION_SUBMIT, STATE_SUBMITTED), K_OK);
	assert_int_equal(crossing_date_parse(date, &day), 0);
	assert_int_equal(capacity_window(date, NULL, 120, &from, &until), 0);
	/* before the window ends nothing expires */
	struct expirer early = {f->st, until - 1, 0, K_OK};
	expire_run(&early);
	assert_int_equal(early.e, K_OK);
	assert_int_equal(early.expired, 0);
	/* a second pool stands for a second server on the same database */
	assert_int_equal(store_open(f->url, POOL, &second), K_OK);
	struct expirer a = {f->st, until, 0, K_OK}, b = {second, until, 0, K_OK};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, expire_run, &a);
	pthread_create(&tb, NULL, expire_run, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	store_close(second);
	assert_int_equal(a.e, K_OK);
	assert_int_equal(b.e, K_OK);
	assert_int_equal(a.expired + b.expired, N);
	counts(f, date, NULL, &taken, &free_places);
	assert_int_equal(taken, 0);
	struct capacity_no_show *rows = NULL;
	size_t n = 0;
	assert_int_equal(store_capacity_no_shows(f->st, day, day, &rows, &n), K_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].bookings, N);
	assert_int_equal(rows[0].units, N);
	assert_int_equal(rows[0].passed, 0);
	free(rows);
}

static void read_pg_url(void)
{
	const char *file = getenv("KOUAN_TEST_PG_FILE");
	FILE *fp = file ? fopen(file, "r") : NULL;
	pg_server[0] = '\0';
	if (fp == NULL)
		return;
	if (fgets(pg_server, sizeof pg_server, fp) == NULL)
		pg_server[0] = '\0';
	pg_server[strcspn(pg_server, "\r\n")] = '\0';
	fclose(fp);
}

int main(void)
{
	log_threshold = getenv("KOUAN_LOG_LEVEL") ? LOG_DEBUG : LOG_ERROR;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(never_exceeded, setup, teardown),
		cmocka_unit_test_setup_teardown(slots_and_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(move_races_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(expiry_once, setup, teardown),
	};
	if (mkdtemp(base_dir) == NULL)
		return 1;
	int failed = cmocka_run_group_tests_name("capacity_sqlite", tests, NULL, NULL);
	read_pg_url();
	if (pg_server[0] == '\0') {
		print_message("PostgreSQL: no KOUAN_TEST_PG_FILE, skipped\n");
		return failed;
	}
	use_pg = 1;
	failed += cmocka_run_group_tests_name("capacity_pg", tests, NULL, NULL);
	return failed;
}
