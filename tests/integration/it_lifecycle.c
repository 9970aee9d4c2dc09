/* The server's life: options validated at start, demo data, session expiry,
 * the database going away (503), and a clean stop on SIGTERM. */
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
#include <unistd.h>

#include "harness.h"

static const char *const PW = "lifecycle-pass-1";

static int is_pg(void)
{
	const char *k = getenv("KOUAN_TEST_DB");
	return k && strcmp(k, "pg") == 0;
}

static void new_server(struct it_server *s, const char *tag)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/kouan-it-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	assert_int_equal(it_fresh_db(s, tag), 0);
}

static void bad_options(void **state)
{
	const char *bin = getenv("KOUAN_BIN");
	char out[4096];
	const char *const a1[] = {bin, "serve", "--listen", "nowhere", NULL};
	assert_int_equal(it_run(a1, NULL, out, sizeof out), 2);
	assert_non_null(strstr(out, "--listen"));
	const char *const a2[] = {bin, "serve", "--threads", "0", NULL};
	assert_int_equal(it_run(a2, NULL, out, sizeof out), 2);
	assert_non_null(strstr(out, "--threads"));
	const char *const a3[] = {bin, "serve", "--db", "mysql://x", NULL};
	assert_int_equal(it_run(a3, NULL, out, sizeof out), 2);
	const char *const a4[] = {bin, "serve", "--no-such-flag", NULL};
	assert_int_equal(it_run(a4, NULL, out, sizeof out), 2);
	const char *const a5[] = {bin, "serve", "--help", NULL};
	assert_int_equal(it_run(a5, NULL, out, sizeof out), 0);
	assert_non_null(strstr(out, "KOUAN_LISTEN"));
	assert_non_null(strstr(out, "--max-upload"));
	const char *const a6[] = {bin, "--help", NULL};
	assert_int_equal(it_run(a6, NULL, out, sizeof out), 0);
	assert_non_null(strstr(out, "serve"));
	/* the environment twin, and the flag winning over it */
	setenv("KOUAN_THREADS", "zero", 1);
	const char *const a7[] = {bin, "serve", "--help", NULL};
	assert_int_equal(it_run(a7, NULL, out, sizeof out), 2);
	assert_non_null(strstr(out, "KOUAN_THREADS"));
	unsetenv("KOUAN_THREADS");
}

static void demo_accounts(void **state)
{
	struct it_server s;
	new_server(&s, "demo");
	static const char *const extra[] = {"--demo", NULL};
	assert_int_equal(it_start(&s, extra), 0);
	const char *roles[] = {"demo_enterprise", "demo_warehouse1", "demo_warehouse2", "demo_bureau", "demo_gate", "demo_admin"};
	for (int i = 0; i < 6; i++) {
		char pw[64];
		struct it_client c = {0};
		assert_non_null(it_demo_password(&s, roles[i], pw, sizeof pw));
		assert_int_equal(it_login(&s, &c, roles[i], pw), 200);
	}
	struct it_client c = {0};
	struct it_resp r;
	char pw[64];
	assert_int_equal(it_login(&s, &c, "demo_warehouse1", it_demo_password(&s, "demo_warehouse1", pw, sizeof pw)), 200);
	assert_int_equal(it_request(&s, &c, "GET", "/api/v1/sites", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(json_array_size(json_object_get(r.json, "sites")) >= 5);
	it_resp_free(&r);
	assert_int_equal(it_request(&s, &c, "GET", "/api/v1/options/fuel_type", NULL, NULL, NULL, &r), 0);
	assert_int_equal(json_array_size(json_object_get(r.json, "values")), 6);
	it_resp_free(&r);
	assert_int_equal(it_stop(&s), 0);
	/* a second start creates nothing and prints no password */
	truncate(s.log, 0);
	assert_int_equal(it_start(&s, extra), 0);
	assert_null(it_demo_password(&s, "demo_admin", pw, sizeof pw));
	assert_int_equal(it_stop(&s), 0);
}

static void expiry(void **state)
{
	struct it_server s;
	new_server(&s, "expiry");
	assert_int_equal(it_user_add(&s, "idle1", "gate", NULL, PW), 0);
	static const char *const extra[] = {"--session-idle", "2", "--session-max", "4", NULL};
	assert_int_equal(it_start(&s, extra), 0);
	struct it_client idle = {0}, busy = {0};
	struct it_resp r;
	assert_int_equal(it_login(&s, &idle, "idle1", PW), 200);
	assert_int_equal(it_login(&s, &busy, "idle1", PW), 200);
	/* busy keeps its session alive past the idle time, but not past the maximum */
	for (int i = 0; i < 3; i++) {
		usleep(1000 * 1000);
		assert_int_equal(it_request(&s, &busy, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		it_resp_free(&r);
	}
	assert_int_equal(it_request(&s, &idle, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	it_resp_free(&r);
	usleep(1500 * 1000);
	assert_int_equal(it_request(&s, &busy, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	it_resp_free(&r);
	assert_int_equal(it_stop(&s), 0);
}

/* Make the database refuse the server: PostgreSQL stops taking connections
 * and drops the open ones; SQLite is locked by another connection. */
static void *take_database(struct it_server *s)
{
	if (is_pg()) {
		char url[512];
		snprintf(url, sizeof url, "%s", s->db);
		*strrchr(url, '/') = '\0';
		strncat(url, "/postgres", sizeof url - strlen(url) - 1);
		PGconn *pg = PQconnectdb(url);
		assert_int_equal(PQstatus(pg), CONNECTION_OK);
		const char *params[1] = {s->pg_db};
		char sql[160];
		snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS false", s->pg_db);
		PQclear(PQexec(pg, sql));
		PQclear(PQexecParams(pg, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", 1, NULL,
			params, NULL, NULL, 0));
		return pg;
	}
	/* SQLite in WAL mode still answers reads: hold the write lock, so
	 * that every write waits out the busy timeout and fails. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(s->db + 7, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE; "
					  "INSERT INTO option_values(list, value, position) VALUES ('cargo_type', 'lock', 99);",
			     NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void give_back_database(struct it_server *s, void *h)
{
	if (is_pg()) {
		char sql[160];
		snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS true", s->pg_db);
		PQclear(PQexec(h, sql));
		PQfinish(h);
		return;
	}
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
}

static void database_unavailable(void **state)
{
	struct it_server s;
	new_server(&s, "down");
	assert_int_equal(it_user_add(&s, "down1", "gate", NULL, PW), 0);
	assert_int_equal(it_start(&s, NULL), 0);
	struct it_client c = {0};
	struct it_resp r;
	void *h = take_database(&s);
	if (is_pg()) {
		assert_int_equal(it_request(&s, NULL, "GET", "/healthz", NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 503);
		assert_string_equal(it_error_code(&r), "db_unavailable");
		it_resp_free(&r);
	}
	assert_int_equal(it_request(&s, &c, "POST", "/api/v1/session", "{\"username\":\"down1\",\"password\":\"lifecycle-pass-1\"}",
				 NULL, NULL, &r), 0);
	assert_int_equal(r.status, 503);
	assert_string_equal(it_error_code(&r), "db_unavailable");
	it_resp_free(&r);
	give_back_database(&s, h);
	/* and it recovers within a few seconds */
	long status = 0;
	for (int i = 0; i < 100 && status != 200; i++) {
		assert_int_equal(it_request(&s, NULL, "GET", "/healthz", NULL, NULL, NULL, &r), 0);
		status = r.status;
		it_resp_free(&r);
		if (status != 200)
			usleep(100 * 1000);
	}
	assert_int_equal(status, 200);
	assert_int_equal(it_login(&s, &c, "down1", PW), 200);
	assert_int_equal(it_request(&s, NULL, "GET", "/metrics", NULL, NULL, NULL, &r), 0);
	assert_null(strstr(r.body, "kouan_db_errors_total 0\n"));
	it_resp_free(&r);
	assert_int_equal(it_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_options),
		cmocka_unit_test(demo_accounts),
		cmocka_unit_test(expiry),
		cmocka_unit_test(database_unavailable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
