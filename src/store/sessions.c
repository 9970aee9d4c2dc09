/* Sessions (shared by every server through the database), failed logins
 * and the throttle's counters. */
#include "store/store_internal.h"

#include <string.h>


static enum kerr session_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct session *o = arg;
	store_q_text(c, s, 0, o->token_hash, sizeof o->token_hash);
	o->user_id = c->drv->column_int64(s, 1);
	store_q_text(c, s, 2, o->csrf_token, sizeof o->csrf_token);
	o->created_at = c->drv->column_int64(s, 3);
	o->last_seen = c->drv->column_int64(s, 4);
	return K_OK;
}

enum kerr store_session_create(struct store *st, const struct session *s)
{
	if (!store_text_ok(s->token_hash, STORE_TOKEN_MAX) || !store_text_ok(s->csrf_token, STORE_TOKEN_MAX))
		return K_VALIDATION_FAILED;
	return store_q_write(st, 0, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen)"
		" VALUES (?, ?, ?, ?, ?)", "sisii", s->token_hash, s->user_id, s->csrf_token, s->created_at, s->last_seen);
}

enum kerr store_session_get(struct store *st, const char *token_hash, struct session *out)
{
	if (!store_text_ok(token_hash, STORE_TOKEN_MAX))
		return K_NOT_FOUND;
	return store_q_one(st, "SELECT token_hash, user_id, csrf_token, created_at, last_seen FROM sessions"
		" WHERE token_hash = ?", session_row, out, "s", token_hash);
}

static enum kerr check_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct session_check *o = arg;
	o->user_id = c->drv->column_int64(s, 0);
	o->last_seen = c->drv->column_int64(s, 1);
	o->disabled = c->drv->column_int64(s, 2) != 0;
	o->org_admin = c->drv->column_int64(s, 3) != 0;
	o->org_id = c->drv->column_int64(s, 4);
	o->site_id = c->drv->column_int64(s, 5);
	store_q_text(c, s, 6, o->role, sizeof o->role);
	store_q_text(c, s, 7, o->lang, sizeof o->lang);
	return K_OK;
}

enum kerr store_session_check(struct store *st, const char *token_hash, struct session_check *out)
{
	memset(out, 0, sizeof *out);
	if (!store_text_ok(token_hash, STORE_TOKEN_MAX))
		return K_NOT_FOUND;
	return store_q_one(st, "SELECT s.user_id, s.last_seen, u.disabled, u.org_admin, COALESCE(u.org_id, 0),"
		" COALESCE(o.site_id, 0), u.role, COALESCE(u.lang, '') FROM sessions s JOIN users u ON u.id = s.user_id"
		" LEFT JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = ?", check_row, out, "s", token_hash);
}

enum kerr store_session_touch(struct store *st, const char *token_hash, int64_t now)
{
	if (!store_text_ok(token_hash, STORE_TOKEN_MAX))
		return K_NOT_FOUND;
	return store_q_write(st, 1, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", "is", now, token_hash);
}

enum kerr store_session_delete(struct store *st, const char *token_hash)
{
	if (!store_text_ok(token_hash, STORE_TOKEN_MAX))
		return K_NOT_FOUND;
	return store_q_write(st, 1, "DELETE FROM sessions WHERE token_hash = ?", "s", token_hash);
}

enum kerr store_session_delete_user(struct store *st, int64_t user_id)
{
	return store_q_write(st, 0, "DELETE FROM sessions WHERE user_id = ?", "i", user_id);
}

enum kerr store_session_purge(struct store *st, int64_t created_before, int64_t idle_before)
{
	return store_q_write(st, 0, "DELETE FROM sessions WHERE created_at < ? OR last_seen < ?", "ii",
		created_before, idle_before);
}

#define THROTTLE_TEXT_MAX 256	/* kind, subject and address, each with the NUL */

static int throttle_args_ok(const char *kind, const char *subject, const char *addr)
{
	return store_text_ok(kind, THROTTLE_TEXT_MAX) && subject != NULL && strlen(subject) < THROTTLE_TEXT_MAX &&
		store_text_ok(addr, THROTTLE_TEXT_MAX);
}

enum kerr store_throttle_fail(struct store *st, const char *kind, const char *subject, const char *addr, int64_t now,
	int64_t window_start, int64_t *failures)
{
	if (!throttle_args_ok(kind, subject, addr))
		return K_VALIDATION_FAILED;
	/* One statement: concurrent failures each add one (SQLite takes the
	 * write lock, PostgreSQL locks the row). */
	return store_q_one(st, "INSERT INTO throttle (kind, subject, addr, failures, last_at) VALUES (?, ?, ?, 1, ?)"
		" ON CONFLICT (kind, subject, addr) DO UPDATE SET"
		" failures = CASE WHEN throttle.last_at < ? THEN 1 ELSE throttle.failures + 1 END,"
		" last_at = excluded.last_at RETURNING failures", store_q_row_int64, failures,
		"sssii", kind, subject, addr, now, window_start);
}

struct throttle_row {
	int64_t failures, last_at;
};

static enum kerr throttle_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct throttle_row *r = arg;
	r->failures = c->drv->column_int64(s, 0);
	r->last_at = c->drv->column_int64(s, 1);
	return K_OK;
}

enum kerr store_throttle_get(struct store *st, const char *kind, const char *subject, const char *addr,
	int64_t window_start, int64_t *failures, int64_t *last_at)
{
	*failures = 0;
	*last_at = 0;
	if (!throttle_args_ok(kind, subject, addr))
		return K_VALIDATION_FAILED;
	struct throttle_row r = {0, 0};
	enum kerr e = store_q_one(st, "SELECT failures, last_at FROM throttle WHERE kind = ? AND subject = ? AND addr = ?"
		" AND last_at >= ?", throttle_row, &r, "sssi", kind, subject, addr, window_start);
	if (e == K_NOT_FOUND)
		return K_OK;
	*failures = r.failures;
	*last_at = r.last_at;
	return e;
}

enum kerr store_throttle_clear(struct store *st, const char *kind, const char *subject, const char *addr)
{
	if (!throttle_args_ok(kind, subject, addr))
		return K_VALIDATION_FAILED;
	return store_q_write(st, 0, "DELETE FROM throttle WHERE kind = ? AND subject = ? AND addr = ?", "sss", kind, subject,
		addr);
}

enum kerr store_throttle_purge(struct store *st, int64_t before)
{
	return store_q_write(st, 0, "DELETE FROM throttle WHERE last_at < ?", "i", before);
}
