/* The store's SQLite VFS (src/store/wal_writes.c): a commit's frames gathered
 * into one write must all be in the WAL file when the commit returns (another
 * connection, on SQLite's own VFS, reads them at once), whatever their size
 * (more than SQLite writes in one call, more than the buffer holds), also for
 * a transaction that spills pages to the WAL before its commit and writes
 * them again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "test_dir.h"
#include "store/wal_writes.h"

#define DIR_MAX 256
#define PATH_MAX_TEST 512
#define ROW_BYTES 3000			/* a row of about a page */
#define SMALL_ROWS 3			/* a commit of a few frames */
#define BIG_ROWS 1200			/* a commit of some 4 MiB: several buffers, many pieces */
#define SPILL_CACHE_PAGES 20		/* a cache this small spills a big transaction to the WAL */

static char dir[DIR_MAX];

static sqlite3 *open_db(const char *name, const char *vfs)
{
	char path[PATH_MAX_TEST];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		" PRAGMA wal_autocheckpoint=0;", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int64_t one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* n rows in one transaction, inserted then written again (each row's
 * bytes its number's, ROW_BYTES of them) */
static void insert_rows(sqlite3 *db, int from, int n)
{
	exec(db, "BEGIN IMMEDIATE");
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t (id, body) VALUES (?, zeroblob(?))", -1, &st, NULL),
		SQLITE_OK);
	for (int i = from; i < from + n; i++) {
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_int(st, 2, ROW_BYTES);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE t SET body = CAST(printf('%%0*d', %d, id) AS BLOB) WHERE id >= %d", ROW_BYTES, from);
	exec(db, sql);
	exec(db, "COMMIT");
}

/* What the writer (on the store's VFS) committed, read by a connection on
 * SQLite's own: rows, their bytes, an intact database. */
static void check_seen(sqlite3 *reader, int64_t rows)
{
	assert_int_equal(one(reader, "SELECT COUNT(*) FROM t"), rows);
	assert_int_equal(one(reader, "SELECT COUNT(*) FROM t WHERE length(body) = 3000"
		" AND CAST(body AS TEXT) = printf('%0*d', 3000, id)"), rows);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(reader, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

static void commits_are_in_the_file(void **state)
{
	(void)state;
	const char *vfs = wal_writes_vfs();
	assert_non_null(vfs);
	sqlite3 *w = open_db("commits.db", vfs);
	exec(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
	sqlite3 *r = open_db("commits.db", "unix");
	insert_rows(w, 1, SMALL_ROWS);
	check_seen(r, SMALL_ROWS);
	insert_rows(w, 1 + SMALL_ROWS, BIG_ROWS);
	check_seen(r, SMALL_ROWS + BIG_ROWS);
	/* after a checkpoint that starts the WAL over, the next commits still land */
	exec(w, "PRAGMA wal_checkpoint(RESTART)");
	insert_rows(w, 1 + SMALL_ROWS + BIG_ROWS, SMALL_ROWS);
	check_seen(r, 2 * SMALL_ROWS + BIG_ROWS);
	sqlite3_close(r);
	sqlite3_close(w);
}

static void spilled_transaction_is_whole(void **state)
{
	(void)state;
	sqlite3 *w = open_db("spill.db", wal_writes_vfs());
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=%d", SPILL_CACHE_PAGES);
	exec(w, sql);
	exec(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
	insert_rows(w, 1, BIG_ROWS);	/* its pages spill, then the UPDATE writes them again */
	sqlite3 *r = open_db("spill.db", "unix");
	check_seen(r, BIG_ROWS);
	sqlite3_close(r);
	sqlite3_close(w);
}

int main(void)
{
	if (test_dir_make(dir, sizeof dir, "wal") != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commits_are_in_the_file),
		cmocka_unit_test(spilled_transaction_is_whole),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	failed += test_dir_remove(dir);
	return failed;
}
