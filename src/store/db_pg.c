/* The PostgreSQL driver: libpq, text parameters, the result stepped row by
 * row. Each connection keeps the statements it has run prepared under a name
 * of its own (PQprepare once per SQL text, then PQexecPrepared), so that the
 * server parses and plans a statement once per connection rather than at
 * every call. A broken connection (server restarted, backend terminated) is
 * reset when it is next lent out, and its prepared statements are forgotten
 * with it; while the server is away calls fail fast with K_DB_UNAVAILABLE. */
#include "store/db.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "core/log.h"

#define PG_CONNECT_TIMEOUT "3"				/* seconds; libpq's least is 2 */
#define PG_OPTIONS "-c statement_timeout=10000 -c lock_timeout=5000 -c bytea_output=hex"
#define PG_RETRY_SECONDS 1				/* between resets while the server is away */
#define PG_INT_TEXT 24					/* an int64 in decimal, with sign and NUL */
#define PG_STMT_NAME_MAX 24				/* "k" and a decimal counter */
#define PG_STATE_NO_STATEMENT "26000"		/* invalid_sql_statement_name */
#define PG_STATE_PLAN_CHANGED "0A000"		/* "cached plan must not change result type" */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* A statement prepared on the connection: the store's text (with "?") and
 * the name it runs under. */
struct pg_prepared {
	uint64_t hash;
	char *sql;
	int nparams;
	int stale;		/* the server no longer runs it: never found again */
	char name[PG_STMT_NAME_MAX];
};

struct db_conn {
	PGconn *pg;
	enum db_error last;
	time_t last_reset_failure;	/* 0 when the last reset worked */
	struct pg_prepared prepared[DB_PG_PREPARED_MAX];
	int nprepared;
	uint64_t names_given;		/* names are never reused on one connection */
	int full_told;			/* the cache's filling up was logged */
};

struct db_stmt {
	struct db_conn *c;
	int slot;			/* its entry in c->prepared, -1 when not prepared yet */
	uint64_t hash;			/* of the caller's SQL */
	char *text;			/* not prepared yet: a copy of the caller's SQL (with "?") */
	char *sql;			/* not prepared yet: with $n placeholders */
	int nparams;
	int each_call;			/* DB_PLAN_EACH_CALL: never prepared */
	char *values[DB_MAX_PARAMS];	/* owned copies; NULL binds SQL NULL */
	int lengths[DB_MAX_PARAMS];	/* binary values: their length */
	int formats[DB_MAX_PARAMS];	/* 0 text, 1 binary (bytea) */
	unsigned char *blob;		/* the last binary column read, decoded */
	PGresult *res;
	int executed;
	int row;			/* the row the last step returned */
	int nrows;
};

static int sqlstate_is(const char *state, const char *prefix)
{
	return state != NULL && strncmp(state, prefix, strlen(prefix)) == 0;
}

/* Map a failed result (or NULL when libpq had none) to an error. */
static enum kerr fail(struct db_conn *c, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (sqlstate_is(state, "23505") || sqlstate_is(state, "23503")) {
		c->last = DB_ERR_CONFLICT;
		return K_CONFLICT;
	}
	if (sqlstate_is(state, "23502") || sqlstate_is(state, "23514")) {
		c->last = DB_ERR_CONSTRAINT;
		return K_VALIDATION_FAILED;
	}
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (msg == NULL)
		msg = PQerrorMessage(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK || state == NULL || sqlstate_is(state, "08") ||
	    sqlstate_is(state, "57") || sqlstate_is(state, "53") || sqlstate_is(state, "40") ||
	    sqlstate_is(state, "55P03")) {
		c->last = DB_ERR_UNAVAILABLE;
		log_warn("msg=\"postgres unavailable\" op=%s sqlstate=%s error=\"%.200s\"", what,
			state ? state : "-", msg);
		return K_DB_UNAVAILABLE;
	}
	c->last = DB_ERR_FAILED;
	log_error("msg=\"postgres refused a statement\" op=%s sqlstate=%s error=\"%.200s\"", what, state, msg);
	return K_DB_UNAVAILABLE;
}

static enum kerr result_ok(struct db_conn *c, PGresult *res, const char *what)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		c->last = DB_ERR_NONE;
		return K_OK;
	}
	return fail(c, res, what);
}

/* ---- the statements a connection keeps prepared ---- */

static uint64_t sql_hash(const char *sql)
{
	uint64_t h = FNV_OFFSET;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * FNV_PRIME;
	return h;
}

/* The entry of sql on c, or -1. */
static int prepared_find(const struct db_conn *c, const char *sql, uint64_t hash)
{
	for (int i = 0; i < c->nprepared; i++)
		if (c->prepared[i].hash == hash && !c->prepared[i].stale && strcmp(c->prepared[i].sql, sql) == 0)
			return i;
	return -1;
}

/* The server forgets a session's prepared statements when the session ends:
 * so do we, before a reset opens a new one. */
static void prepared_forget(struct db_conn *c)
{
	for (int i = 0; i < c->nprepared; i++)
		free(c->prepared[i].sql);
	c->nprepared = 0;
}

static void pg_close(struct db_conn *c)
{
	if (c == NULL)
		return;
	prepared_forget(c);
	PQfinish(c->pg);
	free(c);
}

/* Notices ("relation already exists, skipping") are not errors: keep them
 * out of standard error unless debugging. */
static void quiet_notice(void *arg, const char *message)
{
	int len = (int)strcspn(message, "\r\n");
	log_debug("msg=\"postgres notice\" text=\"%.*s\"", len > 200 ? 200 : len, message);
}

static enum kerr pg_open(const char *uri, struct db_conn **out)
{
	/* Our defaults come first: the URI, expanded in place of dbname,
	 * overrides them when it sets the same keywords. */
	const char *const keys[] = {"connect_timeout", "options", "application_name", "client_encoding",
		"dbname", NULL};
	const char *const vals[] = {PG_CONNECT_TIMEOUT, PG_OPTIONS, "kouan", "UTF8", uri, NULL};
	if (!store_pq_available())
		return K_DB_UNAVAILABLE;	/* libpq is not installed */
	struct db_conn *c = xcalloc(1, sizeof *c);
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		log_warn("msg=\"postgres connect failed\" error=\"%.200s\"",
			c->pg ? PQerrorMessage(c->pg) : "out of memory");
		pg_close(c);
		return K_DB_UNAVAILABLE;
	}
	PQsetNoticeProcessor(c->pg, quiet_notice, NULL);
	*out = c;
	return K_OK;
}

/* An idle connection has nothing to read: if its socket is readable the
 * server has closed it or sent a fatal notice (shutdown, terminated backend). */
static int idle_socket_readable(PGconn *pg)
{
	int fd = PQsocket(pg);
	if (fd < 0)
		return 1;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n = poll(&p, 1, 0);
	return n != 0;
}

static enum kerr pg_check(struct db_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE &&
	    !idle_socket_readable(c->pg))
		return K_OK;
	time_t now = time(NULL);
	if (c->last_reset_failure != 0 && now - c->last_reset_failure < PG_RETRY_SECONDS) {
		c->last = DB_ERR_UNAVAILABLE;
		return K_DB_UNAVAILABLE;
	}
	prepared_forget(c);
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->last_reset_failure = now;
		c->last = DB_ERR_UNAVAILABLE;
		log_warn("msg=\"postgres reconnect failed\" error=\"%.200s\"", PQerrorMessage(c->pg));
		return K_DB_UNAVAILABLE;
	}
	log_info("msg=\"postgres connection reset\"");
	c->last_reset_failure = 0;
	return K_OK;
}

static enum kerr pg_exec(struct db_conn *c, const char *sql)
{
	PGresult *res = PQexec(c->pg, sql);
	enum kerr e = result_ok(c, res, "exec");
	PQclear(res);
	return e;
}

char *db_rewrite_placeholders(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	/* "?" becomes at most "$16": four bytes for one. */
	char *out = xmalloc(len * 4 + 1);
	size_t o = 0;
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;	/* a doubled quote reopens at once: same result */
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?') {
			if (++n > DB_MAX_PARAMS) {
				free(out);
				return NULL;
			}
			o += (size_t)snprintf(out + o, 4, "$%d", n);
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
	*nparams = n;
	return out;
}

/* A text already prepared on c needs no rewriting: it runs by its name at
 * the first step. Another is rewritten now and prepared then. */
static int plan_each_call(const char *sql)
{
	size_t n = strlen(sql), m = strlen(DB_PLAN_EACH_CALL);
	return n >= m && strcmp(sql + n - m, DB_PLAN_EACH_CALL) == 0;
}

static enum kerr pg_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	uint64_t hash = sql_hash(sql);
	int each_call = plan_each_call(sql);
	int slot = each_call ? -1 : prepared_find(c, sql, hash), n = 0;
	char *rewritten = NULL;
	if (slot >= 0) {
		n = c->prepared[slot].nparams;
	} else if ((rewritten = db_rewrite_placeholders(sql, &n)) == NULL) {
		c->last = DB_ERR_FAILED;
		log_error("msg=\"too many parameters in a statement\" max=%d", DB_MAX_PARAMS);
		return K_DB_UNAVAILABLE;
	}
	struct db_stmt *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->slot = slot;
	s->hash = hash;
	s->text = slot >= 0 ? NULL : xstrdup(sql);
	s->sql = rewritten;
	s->nparams = n;
	s->each_call = each_call;
	*out = s;
	return K_OK;
}

static enum kerr bind_slot(struct db_stmt *s, int i, char *copy)
{
	if (i >= 1 && i <= DB_MAX_PARAMS)
		s->formats[i - 1] = 0;
	if (i < 1 || i > s->nparams || s->executed) {
		free(copy);
		s->c->last = DB_ERR_FAILED;
		log_error("msg=\"bad bind\" index=%d params=%d", i, s->nparams);
		return K_DB_UNAVAILABLE;
	}
	free(s->values[i - 1]);
	s->values[i - 1] = copy;
	return K_OK;
}

static enum kerr pg_bind_text(struct db_stmt *s, int i, const char *v)
{
	return bind_slot(s, i, v ? xstrdup(v) : NULL);
}

static enum kerr pg_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	char buf[PG_INT_TEXT];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	return bind_slot(s, i, xstrdup(buf));
}

static enum kerr pg_bind_null(struct db_stmt *s, int i)
{
	return bind_slot(s, i, NULL);
}

/* Bytes go in binary format, so that nothing escapes them. */
static enum kerr pg_bind_blob(struct db_stmt *s, int i, const void *v, size_t len)
{
	if (len > (size_t)INT32_MAX)
		return K_RESOURCE_LIMIT;
	char *copy = xmalloc(len ? len : 1);
	if (len)
		memcpy(copy, v, len);
	enum kerr e = bind_slot(s, i, copy);
	if (e == K_OK) {
		s->formats[i - 1] = 1;
		s->lengths[i - 1] = (int)len;
	}
	return e;
}

/* The server no longer has the statement (DISCARD ALL, a pooler between
 * us), or a table it reads changed shape since it was prepared (another
 * server migrated the schema). */
static int prepared_gone(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return sqlstate_is(state, PG_STATE_NO_STATEMENT) || sqlstate_is(state, PG_STATE_PLAN_CHANGED);
}

/* Prepare s's text under a new name and keep it on the connection. A
 * transaction that has failed refuses every statement, so nothing is
 * prepared in one; a text the server refuses is not kept either, and its
 * error is the statement's. */
static enum kerr prepare_named(struct db_stmt *s)
{
	struct db_conn *c = s->c;
	s->slot = prepared_find(c, s->text, s->hash);
	if (s->slot >= 0 || PQtransactionStatus(c->pg) == PQTRANS_INERROR)
		return K_OK;
	if (c->nprepared == DB_PG_PREPARED_MAX) {
		if (!c->full_told)
			log_warn("msg=\"postgres statement cache full: new statements run unnamed\" max=%d", DB_PG_PREPARED_MAX);
		c->full_told = 1;
		return K_OK;
	}
	struct pg_prepared *p = &c->prepared[c->nprepared];
	snprintf(p->name, sizeof p->name, "k%" PRIu64, ++c->names_given);
	PGresult *res = PQprepare(c->pg, p->name, s->sql, s->nparams, NULL);
	enum kerr e = result_ok(c, res, "prepare");
	PQclear(res);
	if (e != K_OK)
		return e;
	p->hash = s->hash;
	p->sql = s->text;
	p->nparams = s->nparams;
	p->stale = 0;
	s->text = NULL;
	s->slot = c->nprepared++;
	return K_OK;
}

/* Run s: by its name when it is prepared, else unnamed (planned at each
 * call, the cache is full, or the transaction has failed and the server will
 * say so). */
static enum kerr execute(struct db_stmt *s)
{
	enum kerr e = s->slot >= 0 || s->each_call ? K_OK : prepare_named(s);
	if (e != K_OK)
		return e;
	const char *const *values = (const char *const *)s->values;
	if (s->slot < 0) {
		s->res = PQexecParams(s->c->pg, s->sql, s->nparams, NULL, values, s->lengths, s->formats, 0);
		return result_ok(s->c, s->res, "step");
	}
	struct pg_prepared *p = &s->c->prepared[s->slot];
	s->res = PQexecPrepared(s->c->pg, p->name, s->nparams, values, s->lengths, s->formats, 0);
	e = result_ok(s->c, s->res, "step");
	if (e != K_OK && prepared_gone(s->res))
		p->stale = 1;	/* the next call prepares the text again, under a new name */
	return e;
}

static enum kerr pg_step(struct db_stmt *s, int *row)
{
	*row = 0;
	if (!s->executed) {
		s->executed = 1;
		enum kerr e = execute(s);
		if (e != K_OK)
			return e;
		s->nrows = PQntuples(s->res);
		s->row = -1;
	}
	if (s->res == NULL || PQresultStatus(s->res) != PGRES_TUPLES_OK || s->row + 1 >= s->nrows) {
		if (s->res != NULL)
			s->row = s->nrows;
		return K_OK;
	}
	s->row++;
	*row = 1;
	return K_OK;
}

static int in_row(struct db_stmt *s, int col)
{
	return s->res != NULL && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static int pg_column_is_null(struct db_stmt *s, int col)
{
	return !in_row(s, col) || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_column_int64(struct db_stmt *s, int col)
{
	if (pg_column_is_null(s, col))
		return 0;
	const char *t = PQgetvalue(s->res, s->row, col);
	char *end;
	errno = 0;
	long long v = strtoll(t, &end, 10);
	if (errno != 0 || end == t || *end != '\0')
		return 0;
	return (int64_t)v;
}

static const char *pg_column_text(struct db_stmt *s, int col)
{
	if (pg_column_is_null(s, col))
		return "";
	return PQgetvalue(s->res, s->row, col);
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* bytea arrives as text in hex form ("\\x" then two digits a byte). */
static const void *pg_column_blob(struct db_stmt *s, int col, size_t *len)
{
	*len = 0;
	if (pg_column_is_null(s, col))
		return NULL;
	const char *t = PQgetvalue(s->res, s->row, col);
	if (t[0] != '\\' || t[1] != 'x')
		return NULL;
	t += 2;
	size_t n = strlen(t) / 2;
	free(s->blob);
	s->blob = xmalloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(t[2 * i]), lo = hex_value(t[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return NULL;
		s->blob[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = n;
	return s->blob;
}

static int64_t pg_changes(struct db_stmt *s)
{
	if (s->res == NULL)
		return 0;
	const char *t = PQcmdTuples(s->res);
	char *end;
	long long v = strtoll(t, &end, 10);
	return end == t ? 0 : (int64_t)v;
}

static void pg_finalize(struct db_stmt *s)
{
	if (s == NULL)
		return;
	PQclear(s->res);
	free(s->blob);
	for (int i = 0; i < DB_MAX_PARAMS; i++)
		free(s->values[i]);
	free(s->text);
	free(s->sql);
	free(s);
}

static enum kerr pg_begin(struct db_conn *c) { return pg_exec(c, "BEGIN"); }

static enum kerr pg_commit(struct db_conn *c)
{
	PGresult *res = PQexec(c->pg, "COMMIT");
	enum kerr e = result_ok(c, res, "commit");
	/* COMMIT of a failed transaction answers ROLLBACK. */
	if (e == K_OK && strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		c->last = DB_ERR_FAILED;
		e = K_DB_UNAVAILABLE;
	}
	PQclear(res);
	return e;
}

static enum kerr pg_rollback(struct db_conn *c)
{
	if (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return K_OK;
	return pg_exec(c, "ROLLBACK");
}

static enum db_error pg_last_error(struct db_conn *c) { return c->last; }

const struct db_driver db_pg_driver = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.check = pg_check,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.column_is_null = pg_column_is_null,
	.column_int64 = pg_column_int64,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.changes = pg_changes,
	.finalize = pg_finalize,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.last_error = pg_last_error,
	.id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.bigint_type = "BIGINT",
	.blob_type = "BYTEA",
	.ctext_type = "TEXT COLLATE \"C\"",
	/* One constant key for Kouan's migrations ("kouan" in ASCII); no
	 * statement timeout inside the migration's transaction (SET LOCAL ends
	 * with it): a migration may rewrite a large table (migration 11 fills a
	 * column of 2.4 million rows on the million of bench/million.sh). */
	.migration_lock_sql = "SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock(107111117097110)",
};
