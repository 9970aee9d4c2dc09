/* The SQLite driver: one sqlite3 handle per connection, WAL, foreign keys,
 * a busy timeout and synchronous=NORMAL on each. Each connection keeps its
 * prepared statements (STMT_CACHE_MAX, by SQL text): compiling a statement
 * cost more than running it. */
#include "store/db.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "store/wal_writes.h"

#define SQLITE_BUSY_MS 5000
#define SQLITE_RETRY_MS 5
#define SQLITE_SYNC_ENV "KOUAN_SQLITE_SYNCHRONOUS"
#define STMT_CACHE_MAX 96	/* statements kept per connection; the store has fewer distinct ones on a hot path */

struct cached_stmt {
	const char *given;	/* the text's address when last asked for: the store's SQL is mostly literals */
	char *sql;		/* NULL: a free entry */
	size_t len;
	uint64_t hash;
	sqlite3_stmt *st;
	int lent;		/* in use by a db_stmt now */
};

struct db_conn {
	sqlite3 *db;
	enum db_error last;
	struct cached_stmt cache[STMT_CACHE_MAX];
	unsigned next_evict;	/* round robin over the entries */
	struct wal_watch *watch;	/* sq_watch_wal's; NULL: SQLite checkpoints after commit */
};

struct db_stmt {
	struct db_conn *c;
	sqlite3_stmt *st;
	struct cached_stmt *from;	/* NULL: prepared for this use alone */
	int done;
};

static enum kerr fail(struct db_conn *c, int rc, const char *what)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		c->last = DB_ERR_CONFLICT;
		return K_CONFLICT;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		c->last = DB_ERR_CONSTRAINT;
		return K_VALIDATION_FAILED;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_FULL:
	case SQLITE_NOMEM:
	case SQLITE_READONLY:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PROTOCOL:
		c->last = DB_ERR_UNAVAILABLE;
		log_warn("msg=\"sqlite unavailable\" op=%s code=%d error=\"%s\"", what, rc,
			c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		return K_DB_UNAVAILABLE;
	}
	c->last = DB_ERR_FAILED;
	log_error("msg=\"sqlite refused a statement\" op=%s code=%d error=\"%s\"", what, rc,
		c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
	return K_DB_UNAVAILABLE;
}

static enum kerr sq_exec(struct db_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail(c, sqlite3_extended_errcode(c->db), "exec");
	c->last = DB_ERR_NONE;
	return K_OK;
}

/* Two connections turning a new file to WAL at once each hold a shared lock
 * and want an exclusive one; SQLite answers one of them SQLITE_BUSY at once
 * instead of calling the busy handler (it would deadlock). Such a statement
 * is tried again, a few milliseconds apart, for as long as the busy timeout. */
static enum kerr sq_exec_patiently(struct db_conn *c, const char *sql)
{
	for (int waited = 0;; waited += SQLITE_RETRY_MS) {
		int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK) {
			c->last = DB_ERR_NONE;
			return K_OK;
		}
		if ((sqlite3_extended_errcode(c->db) & 0xff) != SQLITE_BUSY || waited >= SQLITE_BUSY_MS)
			return fail(c, sqlite3_extended_errcode(c->db), "exec");
		sqlite3_sleep(SQLITE_RETRY_MS);
	}
}

/* KOUAN_SQLITE_SYNCHRONOUS=FULL: the WAL synced at every commit (survives a
 * power loss, an fsync per write); anything else keeps NORMAL (survives a
 * crash of the process). Read by the benchmarks and the crash tests. */
static int full_sync(void)
{
	const char *v = getenv(SQLITE_SYNC_ENV);
	return v && strcmp(v, "FULL") == 0;
}

static void sq_close(struct db_conn *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < STMT_CACHE_MAX; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	sqlite3_close_v2(c->db);
	free(c->watch);
	free(c);
}

/* A read that walks thousands of pages (lists, searches: bench/million.sh)
 * runs on a connection that maps the database file (sq_map; the store keeps
 * a few such connections for store_q_wide) rather than read() each page into
 * the connection's small cache. Not the others: a connection that begins
 * after another's commit drops its mapping, and a small read then paid an
 * munmap and a page fault per page (a tenth of the server's time under
 * bookings and gate scans, bench/proof.sh) where a few read() cost less. */
#define SQLITE_MMAP_ON "PRAGMA mmap_size=1073741824"	/* 1 GiB of address space, not memory */
#define SQLITE_MMAP_OFF "PRAGMA mmap_size=0"
/* The WAL is copied into the database file (and both synced) once it holds
 * DB_CHECKPOINT_PAGES pages (SQLite's default: 1,000, 4 MiB). A booking writes some 30
 * pages and a gate scan 16, most of them the same few (the tails of the
 * history, notification and scan tables and their indexes): ten times fewer
 * checkpoints copy each of those once where they copied it ten times, and
 * sync ten times less. The WAL grows to some 40 MiB; a crash loses nothing
 * more (what is in the WAL is committed). A server's writer leaves this to
 * the store's checkpointer thread (checkpoint.c, sq_watch_wal); any other
 * connection that commits (a command's) still checkpoints after its commit. */

/* SQLite's count of the memory it allocated takes one mutex of the whole
 * process around every allocation of every connection: server threads on
 * connections of their own met there (perf under bench/proof.sh). Nothing
 * reads the count, so it is off; set once, before SQLite initialises.
 *
 * The statement journal (a savepoint's copy of each page it changes: the
 * group commit's savepoint per transaction, store.c) is kept in memory up to
 * SQLITE_STMT_JOURNAL_SPILL_BYTES, then written to a temporary file. SQLite's
 * own threshold, 64 KiB, is less than one gate scan's savepoint (16 pages):
 * the journal went to its file at the first scan of a group and, a file
 * being emptied only at the transaction's end, every page of the rest of the
 * group was written there too, two pwrite() each, with the write lock held
 * (bench/gate.sh: 25 writes a scan in groups of 8, more than the WAL's). A
 * journal lives only while its transaction runs and one in memory is emptied
 * at each savepoint's release, so this bounds what one savepoint holds, not
 * what the connection keeps. */
#define SQLITE_STMT_JOURNAL_SPILL_BYTES (4 * 1024 * 1024)
static pthread_once_t sqlite_config_once = PTHREAD_ONCE_INIT;

static void sqlite_config(void)
{
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		log_warn("msg=\"sqlite memory status stays on\" reason=\"initialised before the store\"");
	if (sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, SQLITE_STMT_JOURNAL_SPILL_BYTES) != SQLITE_OK)
		log_warn("msg=\"sqlite statement journals spill at 64 KiB\" reason=\"initialised before the store\"");
}

static enum kerr sq_open(const char *path, struct db_conn **out)
{
	pthread_once(&sqlite_config_once, sqlite_config);
	struct db_conn *c = xcalloc(1, sizeof *c);
	int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
		wal_writes_vfs());
	if (rc != SQLITE_OK) {
		log_error("msg=\"sqlite open failed\" error=\"%s\"", c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sq_close(c);
		return K_DB_UNAVAILABLE;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
	/* journal_mode answers with a row; sqlite3_exec discards it. */
	enum kerr e = sq_exec_patiently(c, full_sync() ? "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
		" PRAGMA synchronous=FULL;" : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
	if (e == K_OK && sqlite3_wal_autocheckpoint(c->db, DB_CHECKPOINT_PAGES) != SQLITE_OK)
		e = fail(c, sqlite3_extended_errcode(c->db), "autocheckpoint");
	if (e != K_OK) {
		sq_close(c);
		return e;
	}
	*out = c;
	return K_OK;
}

static enum kerr sq_check(struct db_conn *c)
{
	return K_OK;
}

/* FNV-1a of the SQL text */
static uint64_t sql_hash(const char *sql, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)sql[i]) * 1099511628211ULL;
	return h;
}

static struct cached_stmt *cache_find(struct db_conn *c, const char *sql, size_t len, uint64_t h)
{
	for (int i = 0; i < STMT_CACHE_MAX; i++) {
		struct cached_stmt *e = &c->cache[i];
		if (e->sql && e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0)
			return e;
	}
	return NULL;
}

/* An entry to fill: a free one, else the next one not lent in turn; NULL
 * when every entry is lent. */
static struct cached_stmt *cache_slot(struct db_conn *c)
{
	for (int i = 0; i < STMT_CACHE_MAX; i++)
		if (c->cache[i].sql == NULL)
			return &c->cache[i];
	for (int n = 0; n < STMT_CACHE_MAX; n++) {
		struct cached_stmt *e = &c->cache[c->next_evict++ % STMT_CACHE_MAX];
		if (!e->lent) {
			sqlite3_finalize(e->st);
			free(e->sql);
			memset(e, 0, sizeof *e);
			return e;
		}
	}
	return NULL;
}

static struct db_stmt *stmt_new(struct db_conn *c, sqlite3_stmt *st, struct cached_stmt *from)
{
	struct db_stmt *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->st = st;
	s->from = from;
	if (from)
		from->lent = 1;
	return s;
}

/* The entry last asked for at this very address, when it still holds the
 * same text (an address may be reused for another text built at run time):
 * one pass over the text instead of its length, hash and comparison. */
static struct cached_stmt *cache_find_given(struct db_conn *c, const char *sql)
{
	for (int i = 0; i < STMT_CACHE_MAX; i++) {
		struct cached_stmt *e = &c->cache[i];
		if (e->given == sql && e->sql && strcmp(e->sql, sql) == 0)
			return e;
	}
	return NULL;
}

/* The connection's statement for sql, compiled on its first use; one that
 * is lent already (a statement run from inside another's rows) is compiled
 * again for this use alone. */
static enum kerr sq_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	struct cached_stmt *e = cache_find_given(c, sql);
	if (e && !e->lent) {
		*out = stmt_new(c, e->st, e);
		return K_OK;
	}
	size_t len = strlen(sql);
	uint64_t h = sql_hash(sql, len);
	if (e == NULL && (e = cache_find(c, sql, len, h)) != NULL)
		e->given = sql;
	if (e && !e->lent) {
		*out = stmt_new(c, e->st, e);
		return K_OK;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(c->db, sql, (int)len + 1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(c, sqlite3_extended_errcode(c->db), "prepare");
	struct cached_stmt *slot = e ? NULL : cache_slot(c);
	if (slot) {
		slot->given = sql;
		slot->sql = xstrdup(sql);
		slot->len = len;
		slot->hash = h;
		slot->st = st;
	}
	*out = stmt_new(c, st, slot);
	return K_OK;
}

static enum kerr bound(struct db_stmt *s, int rc)
{
	return rc == SQLITE_OK ? K_OK : fail(s->c, rc, "bind");
}

static enum kerr sq_bind_text(struct db_stmt *s, int i, const char *v)
{
	return bound(s, sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT));
}

static enum kerr sq_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	return bound(s, sqlite3_bind_int64(s->st, i, v));
}

static enum kerr sq_bind_null(struct db_stmt *s, int i)
{
	return bound(s, sqlite3_bind_null(s->st, i));
}

static enum kerr sq_bind_blob(struct db_stmt *s, int i, const void *v, size_t len)
{
	return bound(s, sqlite3_bind_blob64(s->st, i, len ? v : "", (sqlite3_uint64)len, SQLITE_TRANSIENT));
}

static enum kerr sq_step(struct db_stmt *s, int *row)
{
	*row = 0;
	if (s->done)
		return K_OK;
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW) {
		*row = 1;
		return K_OK;
	}
	s->done = 1;
	if (rc == SQLITE_DONE) {
		s->c->last = DB_ERR_NONE;
		return K_OK;
	}
	return fail(s->c, sqlite3_extended_errcode(s->c->db), "step");
}

static int sq_column_is_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static int64_t sq_column_int64(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

static const char *sq_column_text(struct db_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s->st, col);
	return t ? (const char *)t : "";
}

static const void *sq_column_blob(struct db_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(s->st, col);
	*len = p ? (size_t)sqlite3_column_bytes(s->st, col) : 0;
	return p;
}

static int64_t sq_changes(struct db_stmt *s)
{
	return sqlite3_changes64(s->c->db);
}

/* A cached statement is reset and kept, its bound values dropped. */
static void sq_finalize(struct db_stmt *s)
{
	if (s == NULL)
		return;
	if (s->from) {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		s->from->lent = 0;
	} else {
		sqlite3_finalize(s->st);
	}
	free(s);
}

/* One statement of no values and no rows, from the cache. */
static enum kerr sq_run(struct db_conn *c, const char *sql)
{
	struct db_stmt *s = NULL;
	int row = 0;
	enum kerr e = sq_prepare(c, sql, &s);
	if (e == K_OK)
		e = sq_step(s, &row);
	sq_finalize(s);
	return e;
}

static enum kerr sq_begin(struct db_conn *c) { return sq_run(c, "BEGIN IMMEDIATE"); }
/* A read: one snapshot, and the WAL's read lock taken once for its statements. */
static enum kerr sq_begin_read(struct db_conn *c) { return sq_run(c, "BEGIN"); }
static enum kerr sq_commit(struct db_conn *c) { return sq_run(c, "COMMIT"); }

static enum kerr sq_rollback(struct db_conn *c)
{
	if (sqlite3_get_autocommit(c->db))
		return K_OK;	/* SQLite already rolled back (e.g. after SQLITE_FULL) */
	return sq_run(c, "ROLLBACK");
}

static int sq_in_tx(struct db_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

static enum db_error sq_last_error(struct db_conn *c) { return c->last; }

/* See SQLITE_MMAP_ON. */
static enum kerr sq_map(struct db_conn *c, int on)
{
	return sq_run(c, on ? SQLITE_MMAP_ON : SQLITE_MMAP_OFF);
}

/* SQLite's WAL hook, which replaces its own checkpoint after commit. */
struct wal_watch {
	void (*grown)(void *arg, int frames);
	void *arg;
};

static int wal_grown(void *arg, sqlite3 *db, const char *schema, int frames)
{
	(void)db;
	(void)schema;
	struct wal_watch *w = arg;
	w->grown(w->arg, frames);
	return SQLITE_OK;
}

static enum kerr sq_watch_wal(struct db_conn *c, void (*grown)(void *arg, int frames), void *arg)
{
	if (grown == NULL) {
		free(c->watch);
		c->watch = NULL;
		if (sqlite3_wal_autocheckpoint(c->db, DB_CHECKPOINT_PAGES) != SQLITE_OK)
			return fail(c, sqlite3_extended_errcode(c->db), "autocheckpoint");
		return K_OK;
	}
	if (c->watch == NULL)
		c->watch = xcalloc(1, sizeof *c->watch);
	c->watch->grown = grown;
	c->watch->arg = arg;
	sqlite3_wal_hook(c->db, wal_grown, c->watch);
	return K_OK;
}

/* PASSIVE copies what no reader still needs and waits for no one; RESTART
 * also waits (up to DB_CHECKPOINT_RESTART_WAIT_MS) for the writer's lock and
 * for the readers of the WAL, so that the next write starts the WAL over.
 * K_BUSY when another checkpoint runs or (RESTART) a reader or writer stayed. */
static enum kerr sq_checkpoint(struct db_conn *c, int restart, int *frames, int *copied)
{
	*frames = *copied = 0;
	if (restart)
		sqlite3_busy_timeout(c->db, DB_CHECKPOINT_RESTART_WAIT_MS);
	int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE,
		frames, copied);
	if (restart)
		sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return K_BUSY;
	if (rc != SQLITE_OK)
		return fail(c, sqlite3_extended_errcode(c->db), "checkpoint");
	return K_OK;
}

const struct db_driver db_sqlite_driver = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.check = sq_check,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.bind_null = sq_bind_null,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.column_is_null = sq_column_is_null,
	.column_int64 = sq_column_int64,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.changes = sq_changes,
	.finalize = sq_finalize,
	.begin = sq_begin,
	.begin_read = sq_begin_read,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_tx = sq_in_tx,
	.last_error = sq_last_error,
	.map = sq_map,
	.watch_wal = sq_watch_wal,
	.checkpoint = sq_checkpoint,
	.id_column = "INTEGER PRIMARY KEY",
	.bigint_type = "INTEGER",
	.blob_type = "BLOB",
	.ctext_type = "TEXT",	/* BINARY collation: memcmp order */
	.migration_lock_sql = NULL,
};
