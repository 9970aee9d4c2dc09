/* The PostgreSQL driver: libpq, text parameters through PQexecParams, the
 * result stepped row by row. A broken connection (server restarted, backend
 * terminated) is reset when it is next lent out; while the server is away
 * calls fail fast with K_DB_UNAVAILABLE. */
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

struct db_conn {
	PGconn *pg;
	enum db_error last;
	time_t last_reset_failure;	/* 0 when the last reset worked */
};

struct db_stmt {
	struct db_conn *c;
	char *sql;			/* with $n placeholders */
	int nparams;
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

static void pg_close(struct db_conn *c)
{
	if (c == NULL)
		return;
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

static enum kerr pg_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	int n = 0;
	char *rewritten = db_rewrite_placeholders(sql, &n);
	if (rewritten == NULL) {
		c->last = DB_ERR_FAILED;
		log_error("msg=\"too many parameters in a statement\" max=%d", DB_MAX_PARAMS);
		return K_DB_UNAVAILABLE;
	}
	struct db_stmt *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->sql = rewritten;
	s->nparams = n;
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

static enum kerr pg_step(struct db_stmt *s, int *row)
{
	*row = 0;
	if (!s->executed) {
		s->executed = 1;
		s->res = PQexecParams(s->c->pg, s->sql, s->nparams, NULL, (const char *const *)s->values,
			s->lengths, s->formats, 0);
		enum kerr e = result_ok(s->c, s->res, "step");
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
