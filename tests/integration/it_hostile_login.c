/* Guessing passwords (issue 9, item 3): failures count per (account,
 * address), so the rightful user from an address with no failures gets in at
 * once; the wait grows with the failures instead of a hard wall; one address
 * spraying many accounts is held back; parallel failures all count. Client
 * addresses come through the trusted proxy's X-Forwarded-For. */
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
#include <unistd.h>

#include "harness.h"

#define PW "right-password-1"
#define WRONG "wrong-password-1"
#define PARALLEL 40
#define ATTEMPTS_MAX 16		/* failures before the wait must have begun (free ones: 3) */
#define FREE_PER_PAIR "3"
#define FREE_PER_ADDR "6"
#define RETRY_LOOK_MS 100
#define RETRY_LOOKS_MAX 600	/* a minute of looks */
#define LONG_WAIT_S 4		/* a wait no loaded machine outlasts between two requests */

static struct it_server srv;

static int setup(void **state)
{
	memset(&srv, 0, sizeof srv);
	static const char *const extra[] = {"--trusted-proxy", "127.0.0.1", "--login-max-user", FREE_PER_PAIR,
		"--login-max-addr", FREE_PER_ADDR, NULL};
	if (it_start(&srv, extra) != 0)
		return -1;
	const char *names[] = {"victim", "sprayed", "spray_other"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (it_user_add(&srv, names[i], "admin", NULL, PW) != 0)
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

/* A login from addr: the status, and Retry-After into *retry (0 when none). */
static long login_from(const char *addr, const char *user, const char *pw, long *retry)
{
	char xff[64];
	snprintf(xff, sizeof xff, "X-Forwarded-For: %s", addr);
	const char *const headers[] = {xff, NULL};
	char body[256];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	struct it_client c = {0};
	struct it_resp r;
	long st = it_request(&srv, &c, "POST", "/api/v1/session", body, NULL, headers, &r) == 0 ? r.status : -1;
	const char *ra = strstr(r.headers, "Retry-After: ");
	if (retry)
		*retry = ra ? strtol(ra + 13, NULL, 10) : 0;
	it_resp_free(&r);
	return st;
}

/* Wrong passwords from addr until the server asks to wait at least min_wait
 * seconds (a shorter wait is waited out: looked at every RETRY_LOOK_MS); the
 * wait asked. With spray set, each attempt names another (unknown) account. */
static long fail_until_wait(const char *addr, const char *user, long min_wait, int spray)
{
	long retry = 0;
	int failures = 0;
	for (int looks = 0; looks < RETRY_LOOKS_MAX && failures < ATTEMPTS_MAX; looks++) {
		char name[64];
		snprintf(name, sizeof name, spray ? "%s%d" : "%s", user, failures);
		long st = login_from(addr, name, WRONG, &retry);
		if (st == 429 && retry >= min_wait)
			return retry;
		if (st == 429)
			usleep(RETRY_LOOK_MS * 1000);
		else
			assert_int_equal(st, 401);
		failures += st == 401;
	}
	fail_msg("no wait of %ld s after %d failures", min_wait, failures);
	return 0;
}

/* The count the database holds for (subject, addr). */
static long long failures_in_db(const struct it_server *server, const char *subject, const char *addr)
{
	long long n = -1;
	if (strncmp(server->db, "sqlite:", 7) == 0) {
		sqlite3 *db;
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_open(server->db + 7, &db), SQLITE_OK);
		sqlite3_busy_timeout(db, 5000);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT failures FROM throttle WHERE kind = 'login' AND subject = ?"
			" AND addr = ?", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
		return n;
	}
	PGconn *pg = PQconnectdb(server->db);
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	const char *params[] = {subject, addr};
	PGresult *r = PQexecParams(pg, "SELECT failures FROM throttle WHERE kind = 'login' AND subject = $1 AND addr = $2",
		2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	PQfinish(pg);
	return n;
}

/* The attacker's address waits; the user's own address does not. */
static void pair_not_account(void **state)
{
	long wait = fail_until_wait("10.9.0.1", "victim", LONG_WAIT_S, 0);
	assert_true(wait >= LONG_WAIT_S);
	assert_int_equal(login_from("10.9.0.1", "victim", PW, NULL), 429);	/* the attacker's pair waits, right password or not */
	assert_int_equal(login_from("10.9.0.2", "victim", PW, NULL), 200);	/* the user, elsewhere: at once */
	assert_int_equal(login_from("10.9.0.2", "VICTIM", PW, NULL), 200);	/* the name folded: one account */
}

/* The wait grows: after the free failures it is 1 s; two failures later, 4 s.
 * (Each next attempt is made once the server accepts one again: a condition
 * looked at every RETRY_LOOK_MS, not a sleep of the expected length.) */
static void progressive(void **state)
{
	long first = fail_until_wait("10.9.0.4", "sprayed", 1, 0);
	long later = 0;
	for (int failures = 0, looks = 0; failures < 2 && looks < RETRY_LOOKS_MAX; looks++) {
		long st = login_from("10.9.0.4", "sprayed", WRONG, &later);
		if (st == 401)
			failures++;
		else
			usleep(RETRY_LOOK_MS * 1000);
	}
	assert_int_equal(login_from("10.9.0.4", "sprayed", WRONG, &later), 429);
	/* two failures more: four times the wait (within the second both are rounded to) */
	assert_true(later >= 3 && later > first);
}

static struct it_server many;

static void *wrong_login(void *arg)
{
	long *st = arg;
	char body[128];
	snprintf(body, sizeof body, "{\"username\":\"counted\",\"password\":\"%s\"}", WRONG);
	struct it_resp r;
	*st = it_request(&many, NULL, "POST", "/api/v1/session", body, NULL, NULL, &r) == 0 ? r.status : -1;
	it_resp_free(&r);
	return NULL;
}

/* Forty wrong passwords at once count forty, for the pair and the address
 * (a server whose free failures are more than forty, so that all are checked). */
static int many_start(void **state)
{
	memset(&many, 0, sizeof many);
	static const char *const extra[] = {"--login-max-user", "100", "--login-max-addr", "100", NULL};
	return it_start(&many, extra) == 0 && it_user_add(&many, "counted", "admin", NULL, PW) == 0 ? 0 : -1;
}

static int many_stop(void **state)
{
	int rc = it_stop(&many);
	if (rc == 0)
		it_cleanup(&many);
	return rc == 0 ? 0 : -1;
}

static void parallel_counted(void **state)
{
	pthread_t t[PARALLEL];
	long st[PARALLEL];
	for (int i = 0; i < PARALLEL; i++)
		assert_int_equal(pthread_create(&t[i], NULL, wrong_login, &st[i]), 0);
	for (int i = 0; i < PARALLEL; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(st[i], 401);
	}
	assert_int_equal(failures_in_db(&many, "counted", "127.0.0.1"), PARALLEL);
	assert_int_equal(failures_in_db(&many, "", "127.0.0.1"), PARALLEL);
}

/* One address trying many accounts is held back on all of them; another
 * address is not. */
static void spraying(void **state)
{
	assert_true(fail_until_wait("10.9.0.5", "nobody", LONG_WAIT_S, 1) >= LONG_WAIT_S);
	assert_int_equal(login_from("10.9.0.5", "spray_other", PW, NULL), 429);
	assert_int_equal(login_from("10.9.0.6", "spray_other", PW, NULL), 200);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pair_not_account),
		cmocka_unit_test(progressive),
		cmocka_unit_test_setup_teardown(parallel_counted, many_start, many_stop),
		cmocka_unit_test(spraying),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
