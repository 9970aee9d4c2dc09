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
#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *const PW = "lifecycle-pass-1";

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
	it_cleanup(&s);
}

static void expiry(void **state)
{
	struct it_server s;
	new_server(&s, "expiry");
	assert_int_equal(it_user_add(&s, "idle1", "gate", NULL, PW), 0);
	/* Session times are whole seconds, so an idle limit of N s may end a
	 * session after N - 1 s: the busy client asks every half second, well
	 * inside that, on a loaded machine too. */
	static const char *const extra[] = {"--session-idle", "3", "--session-max", "8", NULL};
	assert_int_equal(it_start(&s, extra), 0);
	struct it_client idle = {0}, busy = {0};
	struct it_resp r;
	assert_int_equal(it_login(&s, &idle, "idle1", PW), 200);
	assert_int_equal(it_login(&s, &busy, "idle1", PW), 200);
	/* busy keeps its session alive past the idle time, but not past the maximum */
	for (int i = 0; i < 8; i++) {
		usleep(500 * 1000);
		assert_int_equal(it_request(&s, &busy, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		it_resp_free(&r);
	}
	assert_int_equal(it_request(&s, &idle, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	it_resp_free(&r);
	usleep(5000 * 1000);	/* past the maximum, with a second to spare */
	assert_int_equal(it_request(&s, &busy, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	it_resp_free(&r);
	assert_int_equal(it_stop(&s), 0);
	it_cleanup(&s);
}

/* Make the database refuse the server: PostgreSQL stops taking connections
 * and drops the open ones; SQLite is locked by another connection. */
static void *take_database(struct it_server *s)
{
	if (it_is_pg()) {
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
	if (it_is_pg()) {
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
	if (it_is_pg()) {
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
	it_cleanup(&s);
}

static long login_from(struct it_server *s, const char *addr, const char *user, const char *pw, struct it_resp *r)
{
	char fwd[96];
	snprintf(fwd, sizeof fwd, "X-Forwarded-For: 198.51.100.200, %s", addr);
	const char *const hs[] = {fwd, "X-Forwarded-Proto: https", NULL};
	char body[256];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	assert_int_equal(it_request(s, NULL, "POST", "/api/v1/session", body, NULL, hs, r), 0);
	return r->status;
}

/* Behind a trusted proxy: the cookie is Secure when the proxy saw HTTPS, and
 * failed logins count per client address as the proxy reports it. */
static void trusted_proxy(void **state)
{
	struct it_server s;
	new_server(&s, "proxy");
	assert_int_equal(it_user_add(&s, "proxy1", "gate", NULL, PW), 0);
	static const char *const extra[] = {"--trusted-proxy", "127.0.0.1", "--login-max-addr", "2", NULL};
	assert_int_equal(it_start(&s, extra), 0);
	struct it_resp r;
	assert_int_equal(login_from(&s, "203.0.113.7", "proxy1", PW, &r), 200);
	assert_non_null(strstr(r.headers, "; Secure"));
	it_resp_free(&r);
	assert_int_equal(login_from(&s, "203.0.113.8", "nobody1", "wrong-pass-1", &r), 401);
	it_resp_free(&r);
	assert_int_equal(login_from(&s, "203.0.113.8", "nobody2", "wrong-pass-1", &r), 401);
	it_resp_free(&r);
	assert_int_equal(login_from(&s, "203.0.113.8", "proxy1", PW, &r), 429);
	it_resp_free(&r);
	assert_int_equal(login_from(&s, "203.0.113.9", "proxy1", PW, &r), 200);
	it_resp_free(&r);
	assert_int_equal(it_stop(&s), 0);
	it_cleanup(&s);
}

/* SIGTERM while a request is half sent: the server stops accepting, answers
 * that request once its body arrives, then exits 0. */
static void stop_finishes_in_flight(void **state)
{
	struct it_server s;
	new_server(&s, "inflight");
	assert_int_equal(it_start(&s, NULL), 0);
	int port = atoi(strrchr(s.base, ':') + 1);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	const char *body = "{\"username\":\"nobody-at-all\",\"password\":\"whatever-1\"}";
	char head[256];
	int n = snprintf(head, sizeof head, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		"Content-Length: %zu\r\n\r\n", strlen(body));
	assert_int_equal(write(fd, head, (size_t)n), n);
	assert_int_equal(write(fd, body, 10), 10);
	usleep(300 * 1000);
	kill(s.pid, SIGTERM);
	usleep(300 * 1000);
	assert_int_equal(waitpid(s.pid, NULL, WNOHANG), 0);	/* still finishing */
	/* a new connection is refused */
	int fd2 = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_not_equal(connect(fd2, (struct sockaddr *)&a, sizeof a), 0);
	close(fd2);
	assert_int_equal(write(fd, body + 10, strlen(body) - 10), (ssize_t)(strlen(body) - 10));
	char reply[2048] = "";
	ssize_t got = read(fd, reply, sizeof reply - 1);
	assert_true(got > 0);
	assert_non_null(strstr(reply, "HTTP/1.1 401"));
	close(fd);
	assert_int_equal(it_stop(&s), 0);
	it_cleanup(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_options),
		cmocka_unit_test(demo_accounts),
		cmocka_unit_test(expiry),
		cmocka_unit_test(database_unavailable),
		cmocka_unit_test(trusted_proxy),
		cmocka_unit_test(stop_finishes_in_flight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
