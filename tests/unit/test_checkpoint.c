/* The store's checkpointer (src/store/checkpoint.c) on an SQLite file: the
 * WAL is copied into the database file, and started over, while writers and
 * readers go on; after store_close the file alone holds every write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "test_dir.h"
#include "core/log.h"
#include "store/store_internal.h"

#define WRITERS 3
#define ROW_PAD_BYTES 6000	/* a row spills over two pages: each commit writes a few */
#define WRITES_MAX 60000	/* all writers together; a checkpointer that never runs fails here, not by hanging */
#define COPIES_WANTED 4
#define RESTARTS_WANTED 1
#define PATH_MAX_TEST 512
#define DIR_MAX 256

static char dir[DIR_MAX];

struct world {
	struct store *st;
	atomic_int enough;		/* the checkpoints wanted were seen */
	atomic_int writes;		/* acknowledged, all writers */
	atomic_int reads_wrong;		/* a reader saw fewer rows than before */
	int64_t written[WRITERS];	/* acknowledged, per writer */
};

struct writer_arg {
	struct world *w;
	int id;
};

struct row_job {
	int writer;
	int64_t n;
	const unsigned char *pad;
};

static enum kerr make_table(const struct conn *c, void *arg)
{
	(void)arg;
	return store_q_run(c, "CREATE TABLE IF NOT EXISTS ckpt_rows (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL,"
		" n INTEGER NOT NULL, pad BLOB NOT NULL)", NULL, NULL, NULL, NULL, "");
}

static enum kerr insert_row(const struct conn *c, void *arg)
{
	struct row_job *j = arg;
	return store_q_run(c, "INSERT INTO ckpt_rows (writer, n, pad) VALUES (?, ?, ?)", NULL, NULL, NULL, NULL, "iib",
		(int64_t)j->writer, j->n, j->pad, (size_t)ROW_PAD_BYTES);
}

static int checkpoints_seen(struct store *st)
{
	struct store_writes k;
	store_write_counts(st, &k);
	return k.checkpoints.copies >= COPIES_WANTED && k.checkpoints.restarts >= RESTARTS_WANTED;
}

static void *write_rows(void *arg)
{
	struct writer_arg *a = arg;
	static unsigned char pad[ROW_PAD_BYTES];
	while (!atomic_load(&a->w->enough) && atomic_load(&a->w->writes) < WRITES_MAX) {
		struct row_job j = {a->id, a->w->written[a->id], pad};
		if (store_tx(a->w->st, insert_row, &j) != K_OK)
			break;
		a->w->written[a->id]++;
		atomic_fetch_add(&a->w->writes, 1);
		if (checkpoints_seen(a->w->st))
			atomic_store(&a->w->enough, 1);
	}
	return NULL;
}

/* The newest row's id: a short read (a count would walk every page and hold
 * its snapshot long enough to keep the WAL from starting over). */
static enum kerr newest_row(const struct conn *c, void *arg)
{
	return store_q_run(c, "SELECT COALESCE(MAX(id), 0) FROM ckpt_rows", store_q_row_int64, arg, NULL, NULL, "");
}

/* Readers on their snapshots meanwhile: the newest row never goes back. */
static void *read_rows(void *arg)
{
	struct world *w = arg;
	int64_t last = 0;
	while (!atomic_load(&w->enough) && atomic_load(&w->writes) < WRITES_MAX) {
		int64_t n = 0;
		if (store_read(w->st, newest_row, &n) != K_OK || n < last)
			atomic_fetch_add(&w->reads_wrong, 1);
		last = n;
	}
	return NULL;
}

static int64_t int_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The file after store_close: no WAL left, every acknowledged row there. */
static void expect_file_complete(const char *path, const struct world *w)
{
	char wal[PATH_MAX_TEST + 8];
	snprintf(wal, sizeof wal, "%s-wal", path);
	struct stat sb;
	assert_true(stat(wal, &sb) != 0 || sb.st_size == 0);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	assert_int_equal(int_of(db, "SELECT COUNT(*) FROM ckpt_rows"), atomic_load(&w->writes));
	for (int i = 0; i < WRITERS; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT COUNT(DISTINCT n) FROM ckpt_rows WHERE writer = %d", i);
		assert_int_equal(int_of(db, sql), w->written[i]);
	}
	sqlite3_close(db);
}

static void checkpoints_beside_writes(void **state)
{
	(void)state;
	char path[PATH_MAX_TEST], url[PATH_MAX_TEST + 8];
	snprintf(path, sizeof path, "%s/ckpt.db", dir);
	snprintf(url, sizeof url, "sqlite:%s", path);
	struct world w = {0};
	assert_int_equal(store_open(url, 4, &w.st), K_OK);
	assert_int_equal(store_tx(w.st, make_table, NULL), K_OK);
	pthread_t writers[WRITERS], reader;
	struct writer_arg args[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		args[i] = (struct writer_arg){&w, i};
		assert_int_equal(pthread_create(&writers[i], NULL, write_rows, &args[i]), 0);
	}
	assert_int_equal(pthread_create(&reader, NULL, read_rows, &w), 0);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(writers[i], NULL);
	pthread_join(reader, NULL);
	/* the copies and restarts came while the writers wrote, before WRITES_MAX */
	struct store_writes k;
	store_write_counts(w.st, &k);
	if (!atomic_load(&w.enough))
		fail_msg("after %d writes: %lld copies, %lld restarts, %lld commits", atomic_load(&w.writes),
			(long long)k.checkpoints.copies, (long long)k.checkpoints.restarts, (long long)k.commits);
	assert_int_equal(atomic_load(&w.reads_wrong), 0);
	store_close(w.st);
	expect_file_complete(path, &w);
}

/* PostgreSQL has no WAL of ours to copy, :memory: no file: no thread, zeros. */
static void no_checkpointer_in_memory(void **state)
{
	(void)state;
	struct store *st = NULL;
	assert_int_equal(store_open("sqlite::memory:", 1, &st), K_OK);
	assert_int_equal(store_tx(st, make_table, NULL), K_OK);
	struct store_writes k = {.checkpoints = {-1, -1}};
	store_write_counts(st, &k);
	assert_int_equal(k.checkpoints.copies, 0);
	assert_int_equal(k.checkpoints.restarts, 0);
	store_close(st);
}

int main(void)
{
	log_threshold = LOG_ERROR;
	if (test_dir_make(dir, sizeof dir, "ckpt") != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checkpoints_beside_writes),
		cmocka_unit_test(no_checkpointer_in_memory),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	failed += test_dir_remove(dir);
	return failed;
}
