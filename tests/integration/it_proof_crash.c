/* Crash safety (issue 14, item 3): kill -9 the server while a client streams
 * bookings (create, fill, submit) and gate scans (each of a released
 * booking's one truck); restart it on the same database; every booking
 * whose submit was answered 200 is there with that answer's state and
 * fields, and every booking whose scan was answered green has passed.
 * Several rounds on SQLite (synchronous=NORMAL in WAL: a process crash
 * loses nothing committed), fewer on PostgreSQL. The kill comes once the
 * round's stream has had KILL_AFTER submits acknowledged (a condition, not
 * a clock). */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/crossing.h"
#include "harness.h"

#define ROUNDS_SQLITE 20
#define ROUNDS_PG 5
#define SCANS_PER_ROUND 8	/* released bookings made ready for each round's gate scans */
#define KILL_AFTER 6		/* submits acknowledged in a round before the kill */
#define STREAM_MAX 40		/* iterations of a round's stream at most */
#define MAX_ROUNDS 20
#define MAX_ACKED (MAX_ROUNDS * STREAM_MAX)
#define MAX_TOKENS (MAX_ROUNDS * SCANS_PER_ROUND)
#define TOKEN_LEN 256
#define PATH_LEN 512
#define CHECKED_KEYS_N 6

static const char *const PW = "correct horse 9";
static const char *const CHECKED_KEYS[CHECKED_KEYS_N] = {"state", "kind", "declaration_no", "plates", "truck_count",
	"crossing_date"};

static struct it_server srv;
static struct it_client ent, gate, wh;
static char choices[512];
static unsigned serial;		/* makes declaration numbers and plates unique */

struct released {
	long long id;
	char token[TOKEN_LEN];
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	size_t round_acked;
	size_t acked;
	json_t *bookings[MAX_ACKED];	/* submit answers, every round */
	size_t passed;
	long long passages[MAX_TOKENS];	/* bookings whose scan was green */
	struct released tokens[MAX_TOKENS];
	size_t tokens_n, tokens_used;
} st;

/* The request's JSON answer when it came with status want, else NULL (quiet:
 * after the kill every request fails). */
static json_t *request(struct it_client *c, const char *method, const char *path, const char *body, long want)
{
	struct it_resp r;
	if (it_request(&srv, c, method, path, body, NULL, NULL, &r) != 0)
		return NULL;
	json_t *j = r.status == want ? json_incref(r.json) : NULL;
	it_resp_free(&r);
	return j;
}

static json_t *must(struct it_client *c, const char *method, const char *path, const char *body, long want)
{
	json_t *j = request(c, method, path, body, want);
	if (j == NULL)
		fprintf(stderr, "crash: %s %s did not answer %ld\n", method, path, want);
	assert_non_null(j);
	return j;
}

/* Create, fill and submit a heavy-truck booking; the submit's answer or NULL. */
static json_t *book_one(void)
{
	json_t *b = request(&ent, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", 201);
	if (b == NULL)
		return NULL;
	long long id = (long long)json_integer_value(json_object_get(b, "id"));
	json_decref(b);
	unsigned n = __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED);
	char path[PATH_LEN], body[1024];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", id);
	snprintf(body, sizeof body, "{\"is_transit\":true,\"declaration_no\":\"94022026015%07u\",\"plates\":[\"新F%05u\"],"
		"\"truck_count\":1,%s}", n, n, choices);
	b = request(&ent, "PATCH", path, body, 200);
	if (b == NULL)
		return NULL;
	json_decref(b);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/submit", id);
	return request(&ent, "POST", path, NULL, 200);
}

/* A released booking with its code, for a scan later. */
static void make_released(struct released *out)
{
	json_t *b = book_one();
	assert_non_null(b);
	out->id = (long long)json_integer_value(json_object_get(b, "id"));
	json_decref(b);
	char path[PATH_LEN];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/approve", out->id);
	json_decref(must(&wh, "POST", path, "{}", 200));
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/release", out->id);
	b = must(&ent, "GET", path, NULL, 200);
	snprintf(out->token, sizeof out->token, "%s", json_string_value(json_object_get(b, "token")));
	json_decref(b);
}

/* 1 green, 0 anything else. */
static int scan(const struct released *r)
{
	char body[TOKEN_LEN + 64];
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"gate\":\"一号卡口\"}", r->token);
	json_t *j = request(&gate, "POST", "/api/v1/gate/scans", body, 200);
	int green = j != NULL && strcmp(json_string_value(json_object_get(j, "result")), "green") == 0;
	if (j != NULL && !green)
		fprintf(stderr, "crash: scan of booking %lld: %s %s\n", r->id, json_string_value(json_object_get(j, "result")),
			json_string_value(json_object_get(j, "reason")));
	json_decref(j);
	return green;
}

/* Bookings and scans until a request fails (the kill) or STREAM_MAX. */
static void *stream(void *arg)
{
	for (int i = 0; i < STREAM_MAX; i++) {
		json_t *b = book_one();
		pthread_mutex_lock(&st.mu);
		if (b != NULL) {
			st.bookings[st.acked++] = b;
			st.round_acked++;
		}
		pthread_cond_broadcast(&st.cv);
		size_t t = st.tokens_used < st.tokens_n ? st.tokens_used++ : st.tokens_n;
		pthread_mutex_unlock(&st.mu);
		if (b == NULL)
			break;
		if (t < st.tokens_n && scan(&st.tokens[t])) {
			pthread_mutex_lock(&st.mu);
			st.passages[st.passed++] = st.tokens[t].id;
			pthread_mutex_unlock(&st.mu);
		}
	}
	pthread_mutex_lock(&st.mu);
	st.done = 1;
	pthread_cond_broadcast(&st.cv);
	pthread_mutex_unlock(&st.mu);
	return NULL;
}

/* Start the server again on the same database, with a log of its own. */
static void restart(int round)
{
	char old[PATH_LEN];
	snprintf(old, sizeof old, "%s/server.%d.log", srv.dir, round);
	assert_int_equal(rename(srv.log, old), 0);
	assert_int_equal(it_start(&srv, NULL), 0);
}

static void kill_server(void)
{
	assert_true(srv.pid > 0);	/* kill(0) would signal the whole process group */
	assert_int_equal(kill(srv.pid, SIGKILL), 0);
	int status;
	assert_int_equal(waitpid(srv.pid, &status, 0), srv.pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	srv.pid = 0;
}

/* Every acknowledged booking as acknowledged; every green scan passed. */
static void check_all(void)
{
	for (size_t i = 0; i < st.acked; i++) {
		json_t *want = st.bookings[i];
		char path[PATH_LEN];
		long long id = (long long)json_integer_value(json_object_get(want, "id"));
		snprintf(path, sizeof path, "/api/v1/bookings/%lld", id);
		json_t *got = must(&ent, "GET", path, NULL, 200);
		int passed = 0;
		for (size_t p = 0; p < st.passed; p++)
			passed |= st.passages[p] == id;
		for (size_t k = 0; k < CHECKED_KEYS_N; k++) {
			json_t *a = json_object_get(want, CHECKED_KEYS[k]), *b = json_object_get(got, CHECKED_KEYS[k]);
			if (k == 0 && passed)
				continue;	/* passed since: checked below */
			if (a == NULL || !json_equal(a, b))
				fprintf(stderr, "crash: booking %lld: %s differs after the restart\n", id, CHECKED_KEYS[k]);
			assert_non_null(a);
			assert_true(json_equal(a, b));
		}
		if (passed)
			assert_string_equal(json_string_value(json_object_get(got, "state")), "passed");
		json_decref(got);
	}
}

static void one_round(int round)
{
	pthread_mutex_lock(&st.mu);
	st.done = 0;
	st.round_acked = 0;
	pthread_mutex_unlock(&st.mu);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, stream, NULL), 0);
	pthread_mutex_lock(&st.mu);
	while (st.round_acked < KILL_AFTER && !st.done)
		pthread_cond_wait(&st.cv, &st.mu);
	int early = st.done;
	pthread_mutex_unlock(&st.mu);
	kill_server();
	pthread_join(t, NULL);
	assert_false(early);	/* the stream ran until the kill */
	restart(round);
	check_all();
}

static void login(struct it_client *c, const char *user, const char *pw)
{
	memset(c, 0, sizeof *c);
	c->lang = "en";
	assert_int_equal(it_login(&srv, c, user, pw), 200);
}

static void kill_during_stream(void **state)
{
	static const char *const extra[] = {"--demo", NULL};
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	assert_non_null(mkdtemp(srv.dir));
	assert_int_equal(it_fresh_db(&srv, "crash"), 0);
	assert_int_equal(it_user_add(&srv, "crash_ent", "enterprise", "崩溃测试物流", PW), 0);
	assert_int_equal(it_user_add(&srv, "crash_gate", "gate", NULL, PW), 0);
	assert_int_equal(it_user_add(&srv, "crash_bureau", "bureau", NULL, PW), 0);
	assert_int_equal(it_start(&srv, extra), 0);
	char wpw[64], crossing[CROSSING_DATE_LEN + 1];
	assert_non_null(it_demo_password(&srv, "demo_warehouse1", wpw, sizeof wpw));
	login(&ent, "crash_ent", PW);
	login(&gate, "crash_gate", PW);
	login(&wh, "demo_warehouse1", wpw);
	struct it_client bureau;
	login(&bureau, "crash_bureau", PW);
	/* a code for tomorrow's crossing is valid from now on: the gate can scan it today */
	json_decref(must(&bureau, "PUT", "/api/v1/capacity/defaults", "{\"grace_minutes\":1440}", 200));
	crossing_date_format(crossing_today((int64_t)time(NULL)) + 1, crossing);
	snprintf(choices, sizeof choices, "\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\","
		"\"customs_warehouse\":\"国际物流园监管库\",\"contact\":\"13912345678\",\"transshipment_site_id\":1,"
		"\"crossing_date\":\"%s\"", crossing);
	pthread_mutex_init(&st.mu, NULL);
	pthread_cond_init(&st.cv, NULL);

	int rounds = it_is_pg() ? ROUNDS_PG : ROUNDS_SQLITE;
	st.tokens_n = (size_t)rounds * SCANS_PER_ROUND;
	for (size_t i = 0; i < st.tokens_n; i++)
		make_released(&st.tokens[i]);
	for (int round = 0; round < rounds; round++)
		one_round(round);
	assert_true(st.passed > 0);
	fprintf(stderr, "crash: %d rounds, %zu bookings and %zu passages acknowledged, all there\n", rounds, st.acked,
		st.passed);
	assert_int_equal(it_stop(&srv), 0);
	for (size_t i = 0; i < st.acked; i++)
		json_decref(st.bookings[i]);
	it_cleanup(&srv);
}

/* tests/pg.sh COMMAND DIR on the cluster of this test alone; its output to
 * DIR.log (not a pipe: PostgreSQL, started by it, would hold the pipe open). */
static void pg_sh(const char *command, const char *dir)
{
	char script[PATH_LEN], log[PATH_LEN];
	snprintf(script, sizeof script, "%s/tests/pg.sh", getenv("KOUAN_SOURCE_DIR"));
	snprintf(log, sizeof log, "%s.log", dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int nul = open("/dev/null", O_RDONLY);
		if (fd < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execl("/bin/bash", "bash", script, command, dir, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "crash: pg.sh %s failed: see %s\n", command, log);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The answer's status to GET path, -1 when there was none. */
static long status_of(const char *path)
{
	struct it_resp r;
	if (it_request(&srv, &ent, "GET", path, NULL, NULL, NULL, &r) != 0)
		return -1;
	long status = r.status;
	if (status != 200)
		fprintf(stderr, "crash: GET %s -> %ld %.200s\n", path, status, r.body ? r.body : "");
	it_resp_free(&r);
	return status;
}

#define OUTAGE_REQUESTS 5	/* requests made while PostgreSQL is gone: each must be 503 */
#define RECOVERY_TRIES 100	/* requests after PostgreSQL is back, until the first 200 */
#define RECOVERY_PAUSE_US 100000

/* PostgreSQL stopped under a running server (a cluster of this test's own,
 * so that the other tests' is left alone): 503 while it is gone, and the
 * same server serves again once it is back, with nothing lost. */
static void database_outage(void **state)
{
	if (!it_is_pg())
		skip();
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	assert_non_null(mkdtemp(srv.dir));
	char pgdir[sizeof srv.dir + 8], urlfile[sizeof pgdir + 8];
	snprintf(pgdir, sizeof pgdir, "%s/pg", srv.dir);
	snprintf(urlfile, sizeof urlfile, "%s/url", pgdir);
	pg_sh("start", pgdir);
	size_t len = 0;
	char *url = it_read_file(urlfile, &len);
	assert_non_null(url);
	url[strcspn(url, "\r\n")] = '\0';
	snprintf(srv.db, sizeof srv.db, "%s", url);
	free(url);
	assert_int_equal(it_user_add(&srv, "outage_ent", "enterprise", "断库测试物流", PW), 0);
	assert_int_equal(it_start(&srv, (const char *const[]){"--demo", NULL}), 0);
	login(&ent, "outage_ent", PW);
	assert_int_equal(status_of("/api/v1/me"), 200);

	pg_sh("pause", pgdir);
	for (int i = 0; i < OUTAGE_REQUESTS; i++)
		assert_int_equal(status_of("/api/v1/bookings"), 503);
	pg_sh("resume", pgdir);
	long status = -1;
	for (int i = 0; i < RECOVERY_TRIES && status != 200; i++) {
		status = status_of("/api/v1/bookings");
		if (status != 200)
			usleep(RECOVERY_PAUSE_US);	/* a retry's pause; the condition is the answer */
	}
	assert_int_equal(status, 200);
	assert_int_equal(status_of("/api/v1/me"), 200);	/* the session outlived the outage */
	assert_int_equal(it_stop(&srv), 0);
	pg_sh("stop", pgdir);
	it_cleanup(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kill_during_stream),
		cmocka_unit_test(database_outage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
