/* Backup and restore under load (issue 14, item 4): a client loop creates
 * and submits bookings while the database is backed up — `kouan backup` on
 * SQLite, pg_dump -Fc on PostgreSQL —; the backup is restored into a fresh
 * database (a copy of the file; pg_restore into a new database), a server is
 * started on it, and every booking whose submit was acknowledged before the
 * backup began is there, in the state and with the fields it was given. */
#include <glob.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/crossing.h"
#include "harness.h"

#define LOAD_MAX 200		/* bookings the loop makes at most (under the demo's daily capacity) */
#define ACKED_BEFORE 20		/* the backup starts once this many submits were acknowledged */
#define ACKED_DURING 10		/* and the loop goes on for at least this many more after it */
#define PATH_LEN 512
#define OUT_LEN 4096
#define CHECKED_KEYS_N 7

static const char *const PW = "correct horse 9";
static const char *const CHECKED_KEYS[CHECKED_KEYS_N] = {"state", "kind", "declaration_no", "plates",
	"truck_count", "crossing_date", "company"};

struct load {
	struct it_server *srv;
	struct it_client c;
	char choices[512];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, done, failed;
	size_t acked;			/* submits answered 200, in order */
	json_t *bookings[LOAD_MAX];	/* their answers */
};

static json_t *request(struct load *l, const char *method, const char *path, const char *body, long want)
{
	struct it_resp r;
	if (it_request(l->srv, &l->c, method, path, body, NULL, NULL, &r) != 0)
		return NULL;
	json_t *j = r.status == want ? json_incref(r.json) : NULL;
	if (j == NULL)
		fprintf(stderr, "load: %s %s -> %ld %.300s\n", method, path, r.status, r.body ? r.body : "");
	it_resp_free(&r);
	return j;
}

/* One heavy-truck booking typed by hand and submitted; its answer or NULL. */
static json_t *book_one(struct load *l, size_t n)
{
	json_t *b = request(l, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", 201);
	if (b == NULL)
		return NULL;
	long long id = (long long)json_integer_value(json_object_get(b, "id"));
	json_decref(b);
	char path[PATH_LEN], body[1024];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", id);
	snprintf(body, sizeof body, "{\"is_transit\":true,\"declaration_no\":\"94022026014%07zu\",\"plates\":[\"新F%05zu\"],"
		"\"truck_count\":1,%s}", n, n, l->choices);
	b = request(l, "PATCH", path, body, 200);
	if (b == NULL)
		return NULL;
	json_decref(b);
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/submit", id);
	return request(l, "POST", path, NULL, 200);
}

static void *load_loop(void *arg)
{
	struct load *l = arg;
	for (size_t n = 0; n < LOAD_MAX; n++) {
		pthread_mutex_lock(&l->mu);
		int stop = l->stop;
		pthread_mutex_unlock(&l->mu);
		if (stop)
			break;
		json_t *b = book_one(l, n);
		pthread_mutex_lock(&l->mu);
		if (b != NULL)
			l->bookings[l->acked++] = b;
		else
			l->failed++;
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
	}
	pthread_mutex_lock(&l->mu);
	l->done = 1;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* Wait until the loop acknowledged `count` submits (or ended); the count then. */
static size_t wait_acked(struct load *l, size_t count)
{
	pthread_mutex_lock(&l->mu);
	while (l->acked < count && !l->done)
		pthread_cond_wait(&l->cv, &l->mu);
	size_t n = l->acked;
	pthread_mutex_unlock(&l->mu);
	return n;
}

/* The newest PostgreSQL client tool of this name (the suite's server is the newest). */
static void pg_tool(const char *name, char *out, size_t len)
{
	glob_t g;
	char pat[PATH_LEN];
	snprintf(pat, sizeof pat, "/usr/lib/postgresql/*/bin/%s", name);
	assert_int_equal(glob(pat, 0, NULL, &g), 0);
	snprintf(out, len, "%s", g.gl_pathv[g.gl_pathc - 1]);	/* versions sort as numbers up to 99 */
	globfree(&g);
}

static void run_ok(const char *const *argv)
{
	char out[OUT_LEN] = "";
	int rc = it_run(argv, NULL, out, sizeof out);
	if (rc != 0)
		fprintf(stderr, "%s: exit %d: %s\n", argv[0], rc, out);
	assert_int_equal(rc, 0);
}

static void backup(const struct it_server *srv, const char *file)
{
	if (!it_is_pg()) {
		run_ok((const char *const[]){getenv("KOUAN_BIN"), "backup", "--db", srv->db, file, NULL});
		return;
	}
	char dump[PATH_LEN];
	pg_tool("pg_dump", dump, sizeof dump);
	run_ok((const char *const[]){dump, "-Fc", "-f", file, srv->db, NULL});
}

/* A fresh database holding the backup, for a server in restored's folder. */
static void restore(struct it_server *restored, const char *file)
{
	snprintf(restored->dir, sizeof restored->dir, "/tmp/kouan-it-XXXXXX");
	assert_non_null(mkdtemp(restored->dir));
	assert_int_equal(it_fresh_db(restored, "restored"), 0);
	if (!it_is_pg()) {
		run_ok((const char *const[]){"/bin/cp", file, restored->db + strlen("sqlite:"), NULL});
		return;
	}
	char tool[PATH_LEN];
	pg_tool("pg_restore", tool, sizeof tool);
	run_ok((const char *const[]){tool, "--no-owner", "--exit-on-error", "-d", restored->db, file, NULL});
}

static void check_restored(struct it_server *restored, struct load *l, size_t before)
{
	struct it_client c = {.lang = "en"};
	assert_int_equal(it_login(restored, &c, "proof_ent", PW), 200);
	for (size_t i = 0; i < before; i++) {
		json_t *want = l->bookings[i];
		char path[PATH_LEN];
		snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)json_integer_value(json_object_get(want, "id")));
		struct it_resp r;
		assert_int_equal(it_request(restored, &c, "GET", path, NULL, NULL, NULL, &r), 0);
		if (r.status != 200)
			fprintf(stderr, "restored: %s -> %ld %.300s\n", path, r.status, r.body ? r.body : "");
		assert_int_equal(r.status, 200);
		for (size_t k = 0; k < CHECKED_KEYS_N; k++) {
			json_t *a = json_object_get(want, CHECKED_KEYS[k]), *b = json_object_get(r.json, CHECKED_KEYS[k]);
			if (a == NULL || !json_equal(a, b))
				fprintf(stderr, "restored: %s: %s differs\n", path, CHECKED_KEYS[k]);
			assert_non_null(a);
			assert_true(json_equal(a, b));
		}
		assert_int_equal(json_array_size(json_object_get(r.json, "history")),
			json_array_size(json_object_get(want, "history")));
		it_resp_free(&r);
	}
}

static void backup_under_load(void **state)
{
	static struct it_server srv, restored;
	static struct load l;
	static const char *const extra[] = {"--demo", NULL};
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	assert_non_null(mkdtemp(srv.dir));
	assert_int_equal(it_fresh_db(&srv, "proof"), 0);
	assert_int_equal(it_user_add(&srv, "proof_ent", "enterprise", "备份物流", PW), 0);
	assert_int_equal(it_start(&srv, extra), 0);

	l.srv = &srv;
	l.c.lang = "en";
	assert_int_equal(it_login(&srv, &l.c, "proof_ent", PW), 200);
	char crossing[CROSSING_DATE_LEN + 1];
	crossing_date_format(crossing_today((int64_t)time(NULL)) + 1, crossing);
	snprintf(l.choices, sizeof l.choices, "\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\","
		"\"customs_warehouse\":\"国际物流园监管库\",\"contact\":\"13912345678\",\"transshipment_site_id\":1,"
		"\"crossing_date\":\"%s\"", crossing);
	pthread_mutex_init(&l.mu, NULL);
	pthread_cond_init(&l.cv, NULL);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, load_loop, &l), 0);

	size_t before = wait_acked(&l, ACKED_BEFORE);
	assert_true(before >= ACKED_BEFORE);
	char file[PATH_LEN];
	snprintf(file, sizeof file, "%s/backup.%s", srv.dir, it_is_pg() ? "dump" : "db");
	backup(&srv, file);
	size_t at_end = wait_acked(&l, before + 1);	/* the loop ran through the backup */
	size_t after = wait_acked(&l, at_end + ACKED_DURING);
	pthread_mutex_lock(&l.mu);
	l.stop = 1;
	pthread_mutex_unlock(&l.mu);
	pthread_join(t, NULL);
	assert_int_equal(l.failed, 0);
	assert_true(after >= before + ACKED_DURING);
	assert_int_equal(it_stop(&srv), 0);

	restore(&restored, file);
	assert_int_equal(it_start(&restored, NULL), 0);
	check_restored(&restored, &l, before);
	assert_int_equal(it_stop(&restored), 0);
	for (size_t i = 0; i < l.acked; i++)
		json_decref(l.bookings[i]);
	it_cleanup(&restored);
	it_cleanup(&srv);
}

/* The refusals: an existing file is not overwritten; PostgreSQL points to pg_dump. */
static void backup_refusals(void **state)
{
	char dir[] = "/tmp/kouan-it-XXXXXX", file[PATH_LEN], url[PATH_LEN], out[OUT_LEN] = "";
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/exists.db", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(url, sizeof url, "sqlite:%s/none.db", dir);
	assert_int_equal(it_run((const char *const[]){getenv("KOUAN_BIN"), "backup", "--db", url, file, NULL}, NULL, out,
		sizeof out), 1);
	assert_non_null(strstr(out, "exists"));
	assert_int_equal(it_run((const char *const[]){getenv("KOUAN_BIN"), "backup", "--db",
		"postgres://postgres@127.0.0.1:1/none", file, NULL}, NULL, out, sizeof out), 1);
	assert_non_null(strstr(out, "pg_dump -Fc"));
	assert_int_equal(it_run((const char *const[]){getenv("KOUAN_BIN"), "backup", NULL}, NULL, out, sizeof out), 2);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backup_refusals),
		cmocka_unit_test(backup_under_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
