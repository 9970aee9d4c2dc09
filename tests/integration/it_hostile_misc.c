/* The smaller holes of issue 9 (item 6): /healthz knows when the database
 * takes no writes (and /livez stays up), /metrics only for loopback by
 * default, user names unique after NFKC case folding with mixed scripts
 * refused, no control or bidi characters in organisation names, and
 * `kouan user add` leaving nothing behind when it fails. Both databases. */
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

#include "harness.h"

#define ADMIN_PW "admin-password-1"
#define USER_PW "member-password-1"

static struct it_server srv;
static struct it_client admin;

static int setup(void **state)
{
	memset(&srv, 0, sizeof srv);
	memset(&admin, 0, sizeof admin);
	static const char *const extra[] = {"--trusted-proxy", "127.0.0.1", NULL};
	if (it_start(&srv, extra) != 0 || it_user_add(&srv, "hostile_admin", "admin", NULL, ADMIN_PW) != 0)
		return -1;
	return it_login(&srv, &admin, "hostile_admin", ADMIN_PW) == 200 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

static int is_sqlite(void)
{
	return strncmp(srv.db, "sqlite:", 7) == 0;
}

/* Run one statement on the server's database (the test's own connection);
 * with param, the number its first row's first column holds. */
static long long db_run(const char *sqlite_sql, const char *pg_sql, const char *param)
{
	long long n = -1;
	if (is_sqlite()) {
		sqlite3 *db;
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_open(srv.db + 7, &db), SQLITE_OK);
		sqlite3_busy_timeout(db, 5000);
		assert_int_equal(sqlite3_prepare_v2(db, sqlite_sql, -1, &st, NULL), SQLITE_OK);
		if (param)
			sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		assert_true(rc == SQLITE_ROW || rc == SQLITE_DONE);
		if (rc == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
		return n;
	}
	PGconn *pg = PQconnectdb(srv.db);
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	const char *params[] = {param};
	PGresult *r = PQexecParams(pg, pg_sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	assert_true(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	PQfinish(pg);
	return n;
}

static long get_status(const char *path, const char *const *headers, char *code, size_t code_len)
{
	struct it_resp r;
	assert_int_equal(it_request(&srv, NULL, "GET", path, NULL, NULL, headers, &r), 0);
	long st = r.status;
	if (code)
		snprintf(code, code_len, "%s", it_error_code(&r));
	it_resp_free(&r);
	return st;
}

static void readiness(void **state)
{
	char code[64];
	assert_int_equal(get_status("/healthz", NULL, NULL, 0), 200);
	/* the database now refuses writes (as a full disk, a read-only file or replica would) */
	db_run("CREATE TRIGGER refuse_writes BEFORE UPDATE ON health BEGIN SELECT RAISE(ABORT, 'read-only'); END",
		"ALTER TABLE health ADD CONSTRAINT refuse_writes CHECK (checked_at < 0) NOT VALID", NULL);
	assert_int_equal(get_status("/healthz", NULL, code, sizeof code), 503);
	assert_string_equal(code, "db_unavailable");
	assert_int_equal(get_status("/livez", NULL, NULL, 0), 200);
	db_run("DROP TRIGGER refuse_writes", "ALTER TABLE health DROP CONSTRAINT refuse_writes", NULL);
	assert_int_equal(get_status("/healthz", NULL, NULL, 0), 200);
}

static void metrics_loopback_only(void **state)
{
	static const char *const outside[] = {"X-Forwarded-For: 10.1.2.3", NULL};
	static const char *const local[] = {"X-Forwarded-For: 127.0.0.9", NULL};
	assert_int_equal(get_status("/metrics", NULL, NULL, 0), 200);
	assert_int_equal(get_status("/metrics", local, NULL, 0), 200);
	assert_int_equal(get_status("/metrics", outside, NULL, 0), 404);
}

/* POST /api/v1/users as the administrator: the status and the error code. */
static long create_user(const char *name, const char *role, const char *org, char *code, size_t code_len)
{
	json_t *b = json_pack("{s:s,s:s,s:s}", "username", name, "role", role, "password", USER_PW);
	if (org)
		json_object_set_new(b, "organisation", json_string(org));
	char *body = json_dumps(b, 0);
	json_decref(b);
	struct it_resp r;
	assert_int_equal(it_request(&srv, &admin, "POST", "/api/v1/users", body, NULL, NULL, &r), 0);
	free(body);
	long st = r.status;
	snprintf(code, code_len, "%s", it_error_code(&r));
	it_resp_free(&r);
	return st;
}

static void folded_names(void **state)
{
	char code[64];
	long st = create_user("ent1", "gate", NULL, code, sizeof code);
	assert_true(st == 200 || st == 201);
	assert_int_equal(create_user("ENT1", "gate", NULL, code, sizeof code), 409);
	assert_int_equal(create_user("\xef\xbd\x85\xef\xbd\x8e\xef\xbd\x94" "1", "gate", NULL, code, sizeof code), 409);	/* ｅｎｔ1, fullwidth letters */
	assert_int_equal(create_user("\xd0\xb5nt1", "gate", NULL, code, sizeof code), 422);	/* Cyrillic е, Latin nt */
	assert_string_equal(code, "validation_failed");
	struct it_client c = {0};
	assert_int_equal(it_login(&srv, &c, "Ent1", USER_PW), 200);	/* one account, however it is written */
}

static void organisation_names(void **state)
{
	char code[64];
	assert_int_equal(create_user("bidi_one", "enterprise", "Good\xe2\x80\xae" "gro", code, sizeof code), 422);	/* U+202E */
	assert_int_equal(create_user("bidi_two", "enterprise", "Bell\x07" "Co", code, sizeof code), 422);
	assert_int_equal(create_user("bidi_three", "enterprise", "Zero\xe2\x80\x8bwidth", code, sizeof code), 422);	/* U+200B */
	long st = create_user("plain_one", "enterprise", "霍尔果斯 Trade 有限公司", code, sizeof code);
	assert_true(st == 200 || st == 201);
}

/* A failing `kouan user add` creates no organisation: one transaction. */
static void user_add_atomic(void **state)
{
	assert_int_equal(it_user_add(&srv, "taken_name", "gate", NULL, USER_PW), 0);
	assert_int_not_equal(it_user_add(&srv, "TAKEN_NAME", "enterprise", "Fresh Org", USER_PW), 0);
	assert_int_equal(db_run("SELECT COUNT(*) FROM organisations WHERE name = ?",
		"SELECT COUNT(*) FROM organisations WHERE name = $1", "Fresh Org"), 0);
	assert_int_equal(it_user_add(&srv, "fresh_user", "enterprise", "Fresh Org", USER_PW), 0);
	assert_int_equal(db_run("SELECT COUNT(*) FROM organisations WHERE name = ?",
		"SELECT COUNT(*) FROM organisations WHERE name = $1", "Fresh Org"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readiness),
		cmocka_unit_test(metrics_loopback_only),
		cmocka_unit_test(folded_names),
		cmocka_unit_test(organisation_names),
		cmocka_unit_test(user_add_atomic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
