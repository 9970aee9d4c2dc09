/* Shared by the store's files: the pool and small query helpers, so that
 * each store function is its SQL plus a few lines. */
#ifndef KOUAN_STORE_INTERNAL_H
#define KOUAN_STORE_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"
#include "store/store.h"

/* A connection lent by the pool, with its driver. */
struct conn {
	const struct db_driver *drv;
	struct db_conn *db;
};

/* Borrow a connection (waits for a free one, up to STORE_POOL_WAIT_SECONDS)
 * and give it back. */
enum kerr store_conn_get(struct store *st, struct conn *out) KOUAN_MUST_USE;
void store_conn_put(struct store *st, struct conn *c);

/* Called for each row; returns K_OK to go on. */
typedef enum kerr (*row_fn)(const struct conn *c, struct db_stmt *s, void *arg);

/* Bound values are described by fmt, one letter each:
 *   s  const char *      (NULL binds SQL NULL)
 *   i  int64_t
 *   z  int64_t, 0 binds SQL NULL (optional foreign keys)
 *   b  const void *, size_t: binary bytes (NULL binds SQL NULL) */

/* Run sql on c. Rows go to fn (may be NULL); *changes (may be NULL) gets the
 * rows changed; *rows (may be NULL) the rows seen. */
enum kerr store_q_run(const struct conn *c, const char *sql, row_fn fn, void *arg, int64_t *changes, int *rows,
	const char *fmt, ...) KOUAN_MUST_USE;

/* Ids one store_q_in statement binds: PostgreSQL's driver takes at most
 * DB_MAX_PARAMS values in a statement. */
#define STORE_IN_CHUNK DB_MAX_PARAMS
/* Run head "(?, ..., ?)" tail on c with the n ids (n >= 1) bound in the
 * list, STORE_IN_CHUNK ids per statement: the rows of several ids in
 * ceil(n / STORE_IN_CHUNK) statements, each id's rows in one of them. */
enum kerr store_q_in(const struct conn *c, const char *head, const int64_t *ids, size_t n, const char *tail, row_fn fn,
	void *arg) KOUAN_MUST_USE;

/* The same with a connection borrowed from st for the call. */
enum kerr store_q_all(struct store *st, const char *sql, row_fn fn, void *arg, const char *fmt, ...) KOUAN_MUST_USE;
/* Exactly one row expected: K_NOT_FOUND when there is none. */
enum kerr store_q_one(struct store *st, const char *sql, row_fn fn, void *arg, const char *fmt, ...) KOUAN_MUST_USE;
/* store_q_all for a read that may walk thousands of pages (a list, a
 * search, a count): on SQLite, on a connection that keeps the database file
 * mapped (db_sqlite.c). */
enum kerr store_q_wide(struct store *st, const char *sql, row_fn fn, void *arg, const char *fmt, ...) KOUAN_MUST_USE;
/* An INSERT ... RETURNING id: *id (may be NULL) gets the new row's id. */
enum kerr store_q_insert(struct store *st, const char *sql, int64_t *id, const char *fmt, ...) KOUAN_MUST_USE;
/* A write: K_NOT_FOUND when it changed no row and need_row is set. */
enum kerr store_q_write(struct store *st, int need_row, const char *sql, const char *fmt, ...) KOUAN_MUST_USE;

/* A transaction: borrow a connection (SQLite: the one writer's, see struct
 * store), begin (SQLite: BEGIN IMMEDIATE, which takes the write lock at once), run fn, commit when it returns K_OK and roll
 * back otherwise. fn's error (or the commit's) is returned. fn runs its
 * statements with store_q_run on c; it must not borrow another connection. */
typedef enum kerr (*tx_fn)(const struct conn *c, void *arg);
enum kerr store_tx(struct store *st, tx_fn fn, void *arg) KOUAN_MUST_USE;
/* Several reads on one snapshot (SQLite: a deferred transaction, so that the
 * WAL's read lock is taken once; PostgreSQL: each statement alone). fn must
 * not write. */
enum kerr store_read(struct store *st, tx_fn fn, void *arg) KOUAN_MUST_USE;

/* Copy a column into a fixed buffer (truncated at a UTF-8 boundary). */
void store_q_text(const struct conn *c, struct db_stmt *s, int col, char *dst, size_t size);
/* Row callback reading one int64 in column 0 into *(int64_t *)arg. */
enum kerr store_q_row_int64(const struct conn *c, struct db_stmt *s, void *arg);

/* Every row of sql (no parameters) as an array of items of size bytes, each
 * filled by each(); the caller frees *out. */
enum kerr store_list_rows(struct store *st, const char *sql, row_fn each, size_t size, void **out, size_t *n)
	KOUAN_MUST_USE;

/* For the gate's scan (gate.c), on c inside its transaction: the booking as
 * the gate shows it (*meta, and *doc with declaration_no, crossing_date, slot,
 * company, site_name, plates and vehicles' VINs; K_NOT_FOUND when it is not
 * there), and bookings.c's store_booking_transition. */
struct booking_meta;
struct booking_transition;
enum kerr store_booking_gate_on(const struct conn *c, int64_t id, struct booking_meta *meta, json_t **doc)
	KOUAN_MUST_USE;
enum kerr store_booking_transition_on(const struct conn *c, struct booking_transition *t) KOUAN_MUST_USE;

/* Give rows from before the folded user-name key theirs (users.c). */
enum kerr store_user_keys_fill(struct store *st) KOUAN_MUST_USE;
/* Bring the schema to the newest version (migrations.c). */
enum kerr store_migrate(const struct conn *c) KOUAN_MUST_USE;
/* 1 when s is non-empty, shorter than max bytes with its NUL, and valid UTF-8. */
int store_text_ok(const char *s, size_t max);

#endif
