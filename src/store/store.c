/* The connection pool, store_open, and the query helpers every store file uses. */
#include "store/store_internal.h"

#include "store/checkpoint.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <utf8proc.h>

#include "core/log.h"
#include "core/utf8.h"

#define STORE_POOL_MAX 64
#define STORE_POOL_WAIT_SECONDS 10
#define STORE_WIDE_CONNS(pool) (((pool) + 1) / 2)	/* mapped connections beside a pool of that many */
#define STORE_PATH_MAX 4096
#define STORE_GROUP_MAX 32	/* transactions one commit takes at most */

/* A store_tx call waiting for its group (see "group commit" below). */
struct tx_job {
	tx_fn fn;
	void *arg;
	enum kerr result;
	int done;
	pthread_cond_t woken;	/* its thread's own: done, or its turn to lead */
	struct tx_job *next;
};

struct idle_set {
	pthread_cond_t cv;
	struct db_conn *idle[STORE_POOL_MAX];
	int nidle;
};

struct store {
	const struct db_driver *drv;
	/* SQLite takes one writer at a time, and a connection that finds the
	 * write lock taken sleeps in its busy handler (1 ms, then longer): the
	 * server's own writers queue here instead, woken as soon as the lock is
	 * free. Another process on the same file still meets the busy timeout. */
	pthread_mutex_t write_mu;
	int one_writer;
	/* SQLite on a file: the connection every write of the server runs on,
	 * lent with write_mu. A connection's page cache is dropped whenever it
	 * begins after another connection's commit; the writer's own commits
	 * leave its cache warm, where a pool connection taken in turn found it
	 * stale at nearly every write. NULL: writes borrow from the pool. */
	struct db_conn *writer;
	struct checkpointer *checkpointer;	/* copies the writer's WAL; NULL without a writer */
	/* store_tx's group commit on the writer (see "group commit" below) */
	pthread_mutex_t group_mu;
	struct tx_job *queue, *queue_tail;	/* waiting for a leader */
	int leading;				/* a thread runs a group now */
	int64_t commits, grouped;		/* store_write_counts' */
	pthread_mutex_t mu;	/* guards both sets of idle connections */
	struct idle_set plain;
	/* SQLite: connections that keep the database file mapped, lent to
	 * store_q_wide only (see SQLITE_MMAP_ON in db_sqlite.c); empty on
	 * PostgreSQL and :memory:, where wide reads take a plain one. */
	struct idle_set wide;
	int nwide;
	struct db_conn *all[2 * STORE_POOL_MAX];
	int n;
};

int store_text_ok(const char *s, size_t max)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	size_t len = strnlen(s, max);
	if (len >= max)
		return 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* mkdir -p of the folder holding path. */
static enum kerr make_parent_dirs(const char *path)
{
	char dir[STORE_PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof dir)
		return K_VALIDATION_FAILED;
	memcpy(dir, path, len + 1);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return K_OK;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			log_error("msg=\"cannot create the database folder\" errno=%d", errno);
			return K_DB_UNAVAILABLE;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return K_OK;
}

#define URL_SQLITE "sqlite:"
#define URL_POSTGRES "postgres://"
#define URL_POSTGRESQL "postgresql://"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum store_url store_url_kind(const char *url, const char **target)
{
	const char *t = url;
	enum store_url kind = STORE_URL_UNKNOWN;
	if (has_prefix(url, URL_SQLITE)) {
		kind = STORE_URL_SQLITE;
		t = url + strlen(URL_SQLITE);
	} else if (has_prefix(url, URL_POSTGRES) || has_prefix(url, URL_POSTGRESQL)) {
		kind = STORE_URL_POSTGRES;
	}
	if (target)
		*target = t;
	return kind;
}

/* The driver for url and the target it opens; NULL for an unknown scheme. */
static const struct db_driver *pick_driver(const char *url, const char **target)
{
	switch (store_url_kind(url, target)) {
	case STORE_URL_SQLITE:
		return &db_sqlite_driver;
	case STORE_URL_POSTGRES:
		return &db_pg_driver;
	case STORE_URL_UNKNOWN:
		break;
	}
	return NULL;
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	checkpointer_stop(st->checkpointer);
	for (int i = 0; i < st->n; i++)
		st->drv->close(st->all[i]);
	if (st->writer)
		st->drv->close(st->writer);
	pthread_cond_destroy(&st->plain.cv);
	pthread_cond_destroy(&st->wide.cv);
	pthread_mutex_destroy(&st->mu);
	pthread_mutex_destroy(&st->write_mu);
	pthread_mutex_destroy(&st->group_mu);
	free(st);
}

enum kerr store_open(const char *url, int pool_size, struct store **out)
{
	const char *target = NULL;
	const struct db_driver *drv = url ? pick_driver(url, &target) : NULL;
	if (drv == NULL || target[0] == '\0' || strlen(target) >= STORE_PATH_MAX)
		return K_VALIDATION_FAILED;
	if (drv == &db_sqlite_driver) {
		enum kerr e = make_parent_dirs(target);
		if (e != K_OK)
			return e;
	}
	if (pool_size < 1)
		pool_size = 1;
	if (pool_size > STORE_POOL_MAX)
		pool_size = STORE_POOL_MAX;
	if (strcmp(target, ":memory:") == 0)
		pool_size = 1;	/* each connection would see a database of its own */
	struct store *st = xcalloc(1, sizeof *st);
	st->drv = drv;
	pthread_mutex_init(&st->mu, NULL);
	pthread_mutex_init(&st->write_mu, NULL);
	pthread_mutex_init(&st->group_mu, NULL);
	st->one_writer = drv == &db_sqlite_driver;
	pthread_cond_init(&st->plain.cv, NULL);
	pthread_cond_init(&st->wide.cv, NULL);
	enum kerr e = K_OK;
	/* Migrate on the first connection before the others exist: an SQLite
	 * file is then created and in WAL mode once. */
	for (int i = 0; i < pool_size && e == K_OK; i++) {
		e = drv->open(target, &st->all[i]);
		if (e != K_OK)
			break;
		st->plain.idle[st->plain.nidle++] = st->all[st->n++];
		if (i == 0)
			e = store_migrate(&(struct conn){drv, st->all[0]});
	}
	/* :memory: is a database per connection: its one connection does all. */
	int one_db = strcmp(target, ":memory:") == 0;
	if (e == K_OK && st->one_writer && !one_db)
		e = drv->open(target, &st->writer);
	if (e == K_OK && st->writer && drv->watch_wal)
		e = checkpointer_start(drv, target, st->writer, &st->write_mu, &st->checkpointer);
	for (int i = 0; e == K_OK && drv->map && !one_db && i < STORE_WIDE_CONNS(pool_size); i++) {
		e = drv->open(target, &st->all[st->n]);
		if (e == K_OK)
			e = drv->map(st->all[st->n], 1);
		if (e == K_OK || st->all[st->n] != NULL)
			st->n++;	/* closed with the others */
		if (e == K_OK)
			st->wide.idle[st->wide.nidle++] = st->all[st->n - 1];
		st->nwide = st->wide.nidle;
	}
	if (e == K_OK)
		e = store_user_keys_fill(st);
	if (e != K_OK) {
		store_close(st);
		return e;
	}
	*out = st;
	return K_OK;
}

void store_write_counts(struct store *st, struct store_writes *out)
{
	*out = (struct store_writes){0};
	pthread_mutex_lock(&st->group_mu);
	for (struct tx_job *j = st->queue; j; j = j->next)
		out->waiting++;
	out->commits = st->commits;
	out->grouped = st->grouped;
	pthread_mutex_unlock(&st->group_mu);
	if (st->checkpointer)
		checkpointer_counts(st->checkpointer, &out->checkpoints);
}

const char *store_driver_name(const struct store *st)
{
	return st->drv->name;
}

bool store_one_writer(const struct store *st)
{
	return st->one_writer != 0;
}

/* An idle connection of set p, waiting up to STORE_POOL_WAIT_SECONDS. */
static enum kerr conn_take(struct store *st, struct idle_set *p, struct conn *out)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += STORE_POOL_WAIT_SECONDS;
	pthread_mutex_lock(&st->mu);
	while (p->nidle == 0) {
		if (pthread_cond_timedwait(&p->cv, &st->mu, &until) == ETIMEDOUT && p->nidle == 0) {
			pthread_mutex_unlock(&st->mu);
			log_warn("msg=\"no database connection free\" waited_s=%d", STORE_POOL_WAIT_SECONDS);
			return K_DB_UNAVAILABLE;
		}
	}
	struct db_conn *db = p->idle[--p->nidle];
	pthread_mutex_unlock(&st->mu);
	out->drv = st->drv;
	out->db = db;
	return K_OK;
}

static void conn_give(struct store *st, struct idle_set *p, struct conn *c)
{
	if (c->db == NULL)
		return;
	pthread_mutex_lock(&st->mu);
	p->idle[p->nidle++] = c->db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&st->mu);
	c->db = NULL;
}

enum kerr store_conn_get(struct store *st, struct conn *out)
{
	enum kerr e = conn_take(st, &st->plain, out);
	if (e == K_OK && (e = st->drv->check(out->db)) != K_OK)
		store_conn_put(st, out);
	return e;
}

void store_conn_put(struct store *st, struct conn *c)
{
	conn_give(st, &st->plain, c);
}

static enum kerr bind_all(const struct conn *c, struct db_stmt *s, const char *fmt, va_list ap)
{
	enum kerr e = K_OK;
	for (int i = 0; fmt[i] && e == K_OK; i++) {
		switch (fmt[i]) {
		case 's': {
			const char *v = va_arg(ap, const char *);
			e = v ? c->drv->bind_text(s, i + 1, v) : c->drv->bind_null(s, i + 1);
			break;
		}
		case 'i':
			e = c->drv->bind_int64(s, i + 1, va_arg(ap, int64_t));
			break;
		case 'z': {
			int64_t v = va_arg(ap, int64_t);
			e = v ? c->drv->bind_int64(s, i + 1, v) : c->drv->bind_null(s, i + 1);
			break;
		}
		case 'b': {
			const void *v = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			e = v ? c->drv->bind_blob(s, i + 1, v, len) : c->drv->bind_null(s, i + 1);
			break;
		}
		default:
			log_error("msg=\"bad bind format\" letter=%d", fmt[i]);
			e = K_INTERNAL;
		}
	}
	return e;
}

static enum kerr q_vrun(const struct conn *c, const char *sql, row_fn fn, void *arg, int64_t *changes,
	int *rows, const char *fmt, va_list ap)
{
	struct db_stmt *s = NULL;
	int seen = 0;
	enum kerr e = c->drv->prepare(c->db, sql, &s);
	if (e == K_OK)
		e = bind_all(c, s, fmt, ap);
	for (int row = 1; e == K_OK && row;) {
		e = c->drv->step(s, &row);
		if (e == K_OK && row) {
			seen++;
			if (fn != NULL)
				e = fn(c, s, arg);
		}
	}
	if (e == K_OK && changes != NULL)
		*changes = c->drv->changes(s);
	if (rows != NULL)
		*rows = seen;
	if (s != NULL)
		c->drv->finalize(s);
	return e;
}

enum kerr store_q_run(const struct conn *c, const char *sql, row_fn fn, void *arg, int64_t *changes, int *rows,
	const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum kerr e = q_vrun(c, sql, fn, arg, changes, rows, fmt, ap);
	va_end(ap);
	return e;
}

/* head "(?,?,...,?)" tail in a new string. */
static char *in_list_sql(const char *head, size_t n, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail);
	char *sql = xmalloc(hl + 2 * n + 2 + tl + 1), *p = sql;
	memcpy(p, head, hl);
	p += hl;
	*p++ = '(';
	for (size_t i = 0; i < n; i++) {
		*p++ = i ? ',' : '?';
		if (i)
			*p++ = '?';
	}
	*p++ = ')';
	memcpy(p, tail, tl + 1);
	return sql;
}

/* One statement of store_q_in: n ids, 1..STORE_IN_CHUNK. */
static enum kerr q_in_chunk(const struct conn *c, const char *head, const int64_t *ids, size_t n, const char *tail,
	row_fn fn, void *arg)
{
	char *sql = in_list_sql(head, n, tail);
	struct db_stmt *s = NULL;
	enum kerr e = c->drv->prepare(c->db, sql, &s);
	for (size_t i = 0; e == K_OK && i < n; i++)
		e = c->drv->bind_int64(s, (int)i + 1, ids[i]);
	for (int row = 1; e == K_OK && row;) {
		e = c->drv->step(s, &row);
		if (e == K_OK && row)
			e = fn(c, s, arg);
	}
	if (s != NULL)
		c->drv->finalize(s);
	free(sql);
	return e;
}

enum kerr store_q_in(const struct conn *c, const char *head, const int64_t *ids, size_t n, const char *tail, row_fn fn,
	void *arg)
{
	if (n == 0)
		return K_INTERNAL;
	enum kerr e = K_OK;
	for (size_t at = 0; e == K_OK && at < n; at += STORE_IN_CHUNK)
		e = q_in_chunk(c, head, ids + at, n - at < STORE_IN_CHUNK ? n - at : STORE_IN_CHUNK, tail, fn, arg);
	return e;
}

/* The connection a write runs on, lent to one writer at a time: the
 * server's writers queue on write_mu (see struct store). */
static enum kerr writer_get(struct store *st, struct conn *out)
{
	if (st->writer == NULL) {
		enum kerr e = store_conn_get(st, out);
		if (e == K_OK && st->one_writer)
			pthread_mutex_lock(&st->write_mu);
		return e;
	}
	pthread_mutex_lock(&st->write_mu);
	out->drv = st->drv;
	out->db = st->writer;
	return K_OK;
}

static void writer_put(struct store *st, struct conn *c)
{
	if (st->one_writer)
		pthread_mutex_unlock(&st->write_mu);
	if (st->writer == NULL)
		store_conn_put(st, c);
	c->db = NULL;
}

/* The connection store_hold_read holds for this thread (st NULL: none). */
static _Thread_local struct {
	struct store *st;
	struct conn c;
} held;

enum kerr store_hold_read(struct store *st)
{
	if (held.st != NULL)
		return K_INTERNAL;	/* one hold per thread at a time */
	/* A holder may still write (on another connection): while one stays idle
	 * after this one is taken, a write never waits on the holds alone. */
	pthread_mutex_lock(&st->mu);
	struct db_conn *db = st->plain.nidle >= 2 ? st->plain.idle[--st->plain.nidle] : NULL;
	pthread_mutex_unlock(&st->mu);
	if (db == NULL)
		return K_OK;
	struct conn c = {st->drv, db};
	enum kerr e = c.drv->check(db);
	if (e == K_OK && c.drv->begin_read)
		e = c.drv->begin_read(db);
	if (e != K_OK) {
		store_conn_put(st, &c);
		return e;
	}
	held.st = st;
	held.c = c;
	return K_OK;
}

void store_release_read(struct store *st)
{
	if (held.st != st || st == NULL)
		return;
	/* nothing was written on it: ending the read gives the snapshot back */
	if (held.c.drv->begin_read && held.c.drv->rollback(held.c.db) != K_OK)
		log_warn("msg=\"end of a held read failed\" driver=%s", held.c.drv->name);
	held.st = NULL;
	store_conn_put(st, &held.c);
}

/* The held connection, when this thread holds one on st and sql only reads. */
static const struct conn *held_for(const struct store *st, const char *sql)
{
	return held.st == st && strncmp(sql, "SELECT ", 7) == 0 ? &held.c : NULL;
}

/* q_vrun on a connection borrowed from st for the call (or the one held for
 * this thread's reads); a write runs on the writer's connection (writer_get). */
static enum kerr q_vborrowed(struct store *st, int writes, const char *sql, row_fn fn, void *arg, int64_t *changes,
	int *rows, const char *fmt, va_list ap)
{
	const struct conn *h = writes ? NULL : held_for(st, sql);
	if (h)
		return q_vrun(h, sql, fn, arg, changes, rows, fmt, ap);
	struct conn c;
	enum kerr e = writes ? writer_get(st, &c) : store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = q_vrun(&c, sql, fn, arg, changes, rows, fmt, ap);
	if (writes)
		writer_put(st, &c);
	else
		store_conn_put(st, &c);
	return e;
}

enum kerr store_q_all(struct store *st, const char *sql, row_fn fn, void *arg, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum kerr e = q_vborrowed(st, 0, sql, fn, arg, NULL, NULL, fmt, ap);
	va_end(ap);
	return e;
}

enum kerr store_q_wide(struct store *st, const char *sql, row_fn fn, void *arg, const char *fmt, ...)
{
	struct conn c;
	enum kerr e = st->nwide ? conn_take(st, &st->wide, &c) : store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	va_list ap;
	va_start(ap, fmt);
	e = q_vrun(&c, sql, fn, arg, NULL, NULL, fmt, ap);
	va_end(ap);
	if (st->nwide)
		conn_give(st, &st->wide, &c);
	else
		store_conn_put(st, &c);
	return e;
}

enum kerr store_q_one(struct store *st, const char *sql, row_fn fn, void *arg, const char *fmt, ...)
{
	int rows = 0;
	va_list ap;
	va_start(ap, fmt);
	enum kerr e = q_vborrowed(st, 0, sql, fn, arg, NULL, &rows, fmt, ap);
	va_end(ap);
	return e == K_OK && rows == 0 ? K_NOT_FOUND : e;
}

enum kerr store_q_insert(struct store *st, const char *sql, int64_t *id, const char *fmt, ...)
{
	int64_t new_id = 0;
	int rows = 0;
	va_list ap;
	va_start(ap, fmt);
	enum kerr e = q_vborrowed(st, 1, sql, store_q_row_int64, &new_id, NULL, &rows, fmt, ap);
	va_end(ap);
	if (e == K_OK && rows == 0)
		e = K_NOT_FOUND;
	if (e == K_OK && id != NULL)
		*id = new_id;
	return e;
}

enum kerr store_q_write(struct store *st, int need_row, const char *sql, const char *fmt, ...)
{
	int64_t changes = 0;
	va_list ap;
	va_start(ap, fmt);
	enum kerr e = q_vborrowed(st, 1, sql, NULL, NULL, &changes, NULL, fmt, ap);
	va_end(ap);
	return e == K_OK && need_row && changes == 0 ? K_NOT_FOUND : e;
}

void store_q_text(const struct conn *c, struct db_stmt *s, int col, char *dst, size_t size)
{
	const char *t = c->drv->column_text(s, col);
	utf8_copy(dst, size, t, strlen(t));
}

enum kerr store_q_row_int64(const struct conn *c, struct db_stmt *s, void *arg)
{
	*(int64_t *)arg = c->drv->column_int64(s, 0);
	return K_OK;
}

enum kerr store_ping_write(struct store *st, int64_t now)
{
	enum kerr e = store_q_write(st, 1, "UPDATE health SET checked_at = ? WHERE id = 1", "i", now);
	return e == K_OK ? K_OK : K_DB_UNAVAILABLE;
}

enum kerr store_ping(struct store *st)
{
	int64_t one = 0;
	enum kerr e = store_q_one(st, "SELECT 1", store_q_row_int64, &one, "");
	return e == K_OK && one == 1 ? K_OK : K_DB_UNAVAILABLE;
}

/* One transaction on c: begin, fn, commit, or roll back on an error. */
static enum kerr tx_on(const struct conn *c, tx_fn fn, void *arg)
{
	enum kerr e = c->drv->begin(c->db);
	if (e == K_OK) {
		e = fn(c, arg);
		if (e == K_OK)
			e = c->drv->commit(c->db);
		if (e != K_OK && c->drv->rollback(c->db) != K_OK)
			log_warn("msg=\"rollback failed\" driver=%s", c->drv->name);
	}
	return e;
}

/* One transaction alone on the writer's connection (PostgreSQL: any pooled one). */
static enum kerr tx_alone(struct store *st, tx_fn fn, void *arg)
{
	struct conn c;
	enum kerr e = writer_get(st, &c);
	if (e != K_OK)
		return e;
	e = tx_on(&c, fn, arg);
	writer_put(st, &c);
	return e;
}

/* ---- group commit (SQLite's one writer) ----
 * Transactions that arrive while another runs wait in a queue; the next
 * thread to lead takes them and runs them in one SQLite transaction, the
 * first alone in it, each other inside a savepoint of its own (an error
 * undoes that one alone); those queued meanwhile join before the commit, up
 * to STORE_GROUP_MAX in all, and it commits once. A commit writes each page the group
 * changed once (bookings of several enterprises share the tails of the same
 * tables and indexes) and the waiting threads are woken once, where each
 * took the write lock in turn. Nothing is answered before the commit: a
 * transaction of a group whose commit failed gets the commit's error. */

#define GROUP_SAVEPOINT "SAVEPOINT store_group"
#define GROUP_RELEASE "RELEASE store_group"
#define GROUP_UNDO "ROLLBACK TO store_group"

/* One job of a group inside its savepoint; its writes are undone when it
 * fails. */
static enum kerr job_in_savepoint(const struct conn *c, struct tx_job *j)
{
	enum kerr e = store_q_run(c, GROUP_SAVEPOINT, NULL, NULL, NULL, NULL, "");
	if (e != K_OK)
		return e;
	e = j->fn(c, j->arg);
	if (e == K_OK && (e = store_q_run(c, GROUP_RELEASE, NULL, NULL, NULL, NULL, "")) == K_OK)
		return K_OK;
	if (!c->drv->in_tx(c->db))
		return e;	/* SQLite rolled the whole transaction back: group_run sees it */
	if (store_q_run(c, GROUP_UNDO, NULL, NULL, NULL, NULL, "") != K_OK
		|| store_q_run(c, GROUP_RELEASE, NULL, NULL, NULL, NULL, "") != K_OK)
		log_warn("msg=\"undoing a grouped transaction failed\" driver=%s", c->drv->name);
	return e;
}

/* Jobs from..to-1 ended with the transaction they were in: each that had
 * succeeded gets e. */
static void jobs_lost(struct tx_job **jobs, int from, int to, enum kerr e)
{
	for (int i = from; i < to; i++)
		if (jobs[i]->result == K_OK)
			jobs[i]->result = e;
}

/* Up to STORE_GROUP_MAX jobs in jobs[0..n) with those queued off the queue
 * (group_mu held). */
static int queue_take(struct store *st, struct tx_job **jobs, int n)
{
	while (st->queue && n < STORE_GROUP_MAX) {
		jobs[n++] = st->queue;
		st->queue = st->queue->next;
	}
	if (st->queue == NULL)
		st->queue_tail = NULL;
	return n;
}

/* The jobs queued while the group's transaction ran join it before its
 * commit: their pages (the tails of the same tables and indexes) are
 * written once for all. */
static int queue_join(struct store *st, struct tx_job **jobs, int n)
{
	pthread_mutex_lock(&st->group_mu);
	n = queue_take(st, jobs, n);
	pthread_mutex_unlock(&st->group_mu);
	return n;
}

/* The first job of a transaction, alone in it: no savepoint, its error
 * rolls the transaction back. 1 when the transaction goes on. */
static int first_job(const struct conn *c, struct tx_job *j)
{
	j->result = j->fn(c, j->arg);
	if (j->result == K_OK)
		return 1;
	if (c->drv->rollback(c->db) != K_OK)
		log_warn("msg=\"rollback failed\" driver=%s", c->drv->name);
	return 0;
}

/* The jobs taken (and those that join) in as few transactions as they
 * allow: one, unless a first job fails, or SQLite rolls a transaction back
 * by itself (a full disk, an I/O error), which loses the jobs before it in
 * the group; the rest go on in the next. The number of jobs run. */
static int group_run(struct store *st, const struct conn *c, struct tx_job **jobs, int n)
{
	for (int first = 0; first < n;) {
		enum kerr e = c->drv->begin(c->db);
		if (e != K_OK) {
			for (int i = first; i < n; i++)
				jobs[i]->result = e;
			return n;
		}
		if (!first_job(c, jobs[first])) {
			first++;
			continue;
		}
		int i = first + 1;
		while (e == K_OK && (i < n || (n = queue_join(st, jobs, n)) > i)) {
			jobs[i]->result = job_in_savepoint(c, jobs[i]);
			i++;
			if (!c->drv->in_tx(c->db)) {
				jobs_lost(jobs, first, i - 1, K_DB_UNAVAILABLE);
				e = K_DB_UNAVAILABLE;
			}
		}
		if (e == K_OK && (e = c->drv->commit(c->db)) != K_OK) {
			jobs_lost(jobs, first, i, e);
			if (c->drv->rollback(c->db) != K_OK)
				log_warn("msg=\"rollback failed\" driver=%s", c->drv->name);
		}
		first = i;
	}
	return n;
}

/* The leader's turn (entered and left with group_mu held, leading set):
 * the write lock, the jobs queued by then, one group; then the threads of
 * those jobs are woken, and the first still queued, to lead the next group.
 * Each thread waits on its own condition: one for them all woke every
 * waiting thread at every commit, most of them to sleep again (a writer's
 * thread per waiting request, api_defer_to_writers: a futex storm). */
static void lead_group(struct store *st)
{
	pthread_mutex_unlock(&st->group_mu);
	struct conn c;
	enum kerr e = writer_get(st, &c);
	struct tx_job *jobs[STORE_GROUP_MAX];
	int n = queue_join(st, jobs, 0);
	if (e != K_OK)
		for (int i = 0; i < n; i++)
			jobs[i]->result = e;
	else
		n = group_run(st, &c, jobs, n);
	if (e == K_OK)
		writer_put(st, &c);
	pthread_mutex_lock(&st->group_mu);
	for (int i = 0; i < n; i++) {
		jobs[i]->done = 1;
		pthread_cond_signal(&jobs[i]->woken);
	}
	st->commits++;
	st->grouped += n > 1 ? n : 0;
	st->leading = 0;
	if (st->queue)
		pthread_cond_signal(&st->queue->woken);
}

enum kerr store_tx(struct store *st, tx_fn fn, void *arg)
{
	if (st->writer == NULL || st->drv->in_tx == NULL)
		return tx_alone(st, fn, arg);
	struct tx_job job = {.fn = fn, .arg = arg, .result = K_OK};
	pthread_cond_init(&job.woken, NULL);
	pthread_mutex_lock(&st->group_mu);
	if (st->queue_tail)
		st->queue_tail->next = &job;
	else
		st->queue = &job;
	st->queue_tail = &job;
	while (!job.done) {
		if (!st->leading) {
			st->leading = 1;
			lead_group(st);
		} else {
			pthread_cond_wait(&job.woken, &st->group_mu);
		}
	}
	pthread_mutex_unlock(&st->group_mu);
	pthread_cond_destroy(&job.woken);
	return job.result;
}

enum kerr store_read(struct store *st, tx_fn fn, void *arg)
{
	if (held.st == st)
		return fn(&held.c, arg);	/* already one snapshot */
	struct conn c;
	enum kerr e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	int in_tx = c.drv->begin_read != NULL;
	if (in_tx)
		e = c.drv->begin_read(c.db);
	if (in_tx && e != K_OK) {
		store_conn_put(st, &c);
		return e;
	}
	e = fn(&c, arg);
	/* nothing was written: ending the read either way gives the snapshot back */
	if (in_tx && c.drv->rollback(c.db) != K_OK)
		log_warn("msg=\"end of a read failed\" driver=%s", c.drv->name);
	store_conn_put(st, &c);
	return e;
}

#define LIST_MAX 100000	/* rows one list call returns at most */

/* A growing array for list calls. */
struct rows {
	void *items;
	size_t n, cap, size;
	row_fn each;
};

static enum kerr collect(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct rows *r = arg;
	if (r->n == LIST_MAX)
		return K_OK;	/* the caller's limit, not an error: keep the first rows */
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->items = xrealloc(r->items, r->cap * r->size);
	}
	char *item = (char *)r->items + r->n * r->size;
	memset(item, 0, r->size);
	r->n++;
	return r->each(c, s, item);
}

enum kerr store_list_rows(struct store *st, const char *sql, row_fn each, size_t size, void **out, size_t *n)
{
	struct rows r = {.size = size, .each = each};
	enum kerr e = store_q_all(st, sql, collect, &r, "");
	if (e != K_OK) {
		free(r.items);
		return e;
	}
	*out = r.items;
	*n = r.n;
	return K_OK;
}
