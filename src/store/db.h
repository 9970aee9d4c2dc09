/* The database drivers behind the store: a struct of function pointers, one
 * implementation for SQLite (db_sqlite.c) and one for PostgreSQL (db_pg.c).
 * Only src/store/ includes this file; handlers see store.h.
 *
 * SQL is written once with `?` placeholders; the PostgreSQL driver rewrites
 * them to $1..$n. Values are only ever bound, never formatted into SQL.
 *
 * Every function that can fail returns an enum kerr already mapped:
 * K_CONFLICT for a unique or foreign-key violation, K_VALIDATION_FAILED for a
 * check or not-null violation, K_DB_UNAVAILABLE for everything else (the
 * database is down, busy past its timeout, or refused the statement).
 * last_error() tells the class of the last failure on a connection. */
#ifndef KOUAN_STORE_DB_H
#define KOUAN_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Statements one PostgreSQL connection keeps prepared (db_pg.c). The
 * store's SQL texts are a fixed set (a few hundred with the IN lists of
 * store_q_in); past this many, a new text runs unnamed (parsed and planned
 * at each call). */
#define DB_PG_PREPARED_MAX 256
/* Ends a statement whose best plan depends on its values (a search's prefix
 * ranges: a subquery hashed once when its range is small, run per row when
 * it is large): PostgreSQL runs it unnamed, planned with the values at each
 * call, instead of the generic plan a prepared statement settles on after
 * five calls. SQLite reads it as a comment. */
#define DB_PLAN_EACH_CALL " /* planned at each call */"
/* SQLite: the WAL is copied into the database file once it holds this many
 * pages (db_sqlite.c says why so many; checkpoint.c who copies). */
#define DB_CHECKPOINT_PAGES 10000
/* A checkpoint that restarts the WAL waits this long at most for the readers
 * still in it (the server's writers wait meanwhile: checkpoint.c). */
#define DB_CHECKPOINT_RESTART_WAIT_MS 50
#define DB_MAX_PARAMS 40	/* bound values in one statement ("$40": a placeholder grows by at most 3 bytes) */

struct db_conn;
struct db_stmt;

enum db_error {
	DB_ERR_NONE = 0,
	DB_ERR_CONFLICT,	/* unique or foreign key */
	DB_ERR_CONSTRAINT,	/* check, not null */
	DB_ERR_UNAVAILABLE,	/* connection lost, refused, timed out, busy */
	DB_ERR_FAILED,		/* the database refused the statement (a bug in our SQL) */
};

struct db_driver {
	const char *name;	/* "sqlite" or "postgres" */

	/* target: a file path (sqlite) or a libpq URI (postgres). The caller
	 * owns *out and closes it. */
	enum kerr (*open)(const char *target, struct db_conn **out);
	void (*close)(struct db_conn *c);
	/* Called before a connection is lent out: K_OK when it looks usable.
	 * PostgreSQL resets a broken connection here (at most once a second
	 * while the server stays away). */
	enum kerr (*check)(struct db_conn *c);

	/* Run SQL without parameters; may hold several statements; rows are discarded. */
	enum kerr (*exec)(struct db_conn *c, const char *sql);

	/* A statement of one SQL command. Binding copies the value; indexes
	 * start at 1. The statement runs at the first step. */
	enum kerr (*prepare)(struct db_conn *c, const char *sql, struct db_stmt **out);
	enum kerr (*bind_text)(struct db_stmt *s, int i, const char *v);
	enum kerr (*bind_int64)(struct db_stmt *s, int i, int64_t v);
	enum kerr (*bind_null)(struct db_stmt *s, int i);
	/* Binary bytes (BLOB in SQLite, bytea in PostgreSQL); copied. */
	enum kerr (*bind_blob)(struct db_stmt *s, int i, const void *v, size_t len);
	/* K_OK with *row = 1 when a row is ready, 0 when the statement is done. */
	enum kerr (*step)(struct db_stmt *s, int *row);
	int (*column_is_null)(struct db_stmt *s, int col);
	int64_t (*column_int64)(struct db_stmt *s, int col);
	/* Never NULL ("" for NULL); lent until the next step or finalize. */
	const char *(*column_text)(struct db_stmt *s, int col);
	/* The bytes of a binary column, *len set; lent like column_text. NULL
	 * with *len 0 for NULL (or a value that is not binary). */
	const void *(*column_blob)(struct db_stmt *s, int col, size_t *len);
	/* Rows inserted, updated or deleted by the statement once done. */
	int64_t (*changes)(struct db_stmt *s);
	void (*finalize)(struct db_stmt *s);

	/* Transactions. SQLite begins IMMEDIATE (it takes the write lock). */
	enum kerr (*begin)(struct db_conn *c);
	/* A transaction that only reads (one snapshot); NULL when statements
	 * are better run alone (PostgreSQL: BEGIN and COMMIT are round trips). */
	enum kerr (*begin_read)(struct db_conn *c);
	enum kerr (*commit)(struct db_conn *c);
	enum kerr (*rollback)(struct db_conn *c);
	/* 1 while a transaction begun on c is open (SQLite ends one by itself
	 * on some errors: a full disk, I/O); NULL when the store need not ask
	 * (PostgreSQL: no group commit, store.c). */
	int (*in_tx)(struct db_conn *c);
	enum db_error (*last_error)(struct db_conn *c);
	/* Map the database file for the reads that follow (on) or stop (off);
	 * NULL when the driver has no such thing (PostgreSQL). */
	enum kerr (*map)(struct db_conn *c, int on);
	/* SQLite's WAL, copied into the database file by the store's own thread
	 * (checkpoint.c) rather than by the writer inside its commit. watch_wal:
	 * after each commit on c, grown(arg, pages now in the WAL) instead of a
	 * checkpoint (grown NULL: SQLite's own checkpoint after commit again).
	 * checkpoint: copy the WAL's pages into the file (restart 0: what no
	 * reader needs, waiting for no one; 1: all, waiting for the readers, and
	 * the next write starts the WAL over); *frames gets the pages in the WAL,
	 * *copied those in the file; K_BUSY when another checkpoint runs or a
	 * reader or writer stayed past DB_CHECKPOINT_RESTART_WAIT_MS. NULL
	 * when the driver has no such thing (PostgreSQL). */
	enum kerr (*watch_wal)(struct db_conn *c, void (*grown)(void *arg, int frames), void *arg);
	enum kerr (*checkpoint)(struct db_conn *c, int restart, int *frames, int *copied);

	/* DDL that differs, substituted into migrations: {{ID}}, {{BIGINT}},
	 * {{BLOB}} and {{CTEXT}}. */
	const char *id_column;		/* an auto-numbered 64-bit primary key */
	const char *bigint_type;
	const char *blob_type;		/* binary bytes */
	const char *ctext_type;		/* text ordered byte by byte (prefix ranges on an index) */
	/* Run inside the migration transaction before anything else, so that
	 * several servers starting at once migrate one after the other (and a
	 * long migration is not cut by a statement timeout); NULL when begin()
	 * already serialises writers. */
	const char *migration_lock_sql;
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

/* "?" -> "$1".."$n" outside quoted strings and identifiers; *nparams gets n.
 * The caller frees the result. NULL when there are more than DB_MAX_PARAMS. */
char *db_rewrite_placeholders(const char *sql, int *nparams);

/* 1 when libpq can be loaded (pq_lazy.c). */
int store_pq_available(void);

#endif
