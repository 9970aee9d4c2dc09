/* Sessions (shared by every server through the database) and failed logins. */
#include "store/store_internal.h"

#include <string.h>

#define LOGIN_KEY_MAX 256	/* "user:NAME" or "addr:IP", with the NUL */

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

enum kerr store_login_failure_add(struct store *st, const char *key, int64_t at)
{
	if (!store_text_ok(key, LOGIN_KEY_MAX))
		return K_VALIDATION_FAILED;
	return store_q_write(st, 0, "INSERT INTO login_failures (key, at) VALUES (?, ?)", "si", key, at);
}

enum kerr store_login_failure_count(struct store *st, const char *key, int64_t since, int *n)
{
	if (!store_text_ok(key, LOGIN_KEY_MAX))
		return K_VALIDATION_FAILED;
	int64_t count = 0;
	enum kerr e = store_q_one(st, "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?", store_q_row_int64, &count,
		"si", key, since);
	if (e == K_OK)
		*n = count > 1000000 ? 1000000 : (int)count;
	return e;
}

enum kerr store_login_failure_clear(struct store *st, const char *key)
{
	if (!store_text_ok(key, LOGIN_KEY_MAX))
		return K_VALIDATION_FAILED;
	return store_q_write(st, 0, "DELETE FROM login_failures WHERE key = ?", "s", key);
}

enum kerr store_login_failure_purge(struct store *st, int64_t before)
{
	return store_q_write(st, 0, "DELETE FROM login_failures WHERE at < ?", "i", before);
}
