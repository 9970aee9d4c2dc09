/* The second factor's storage: see totp.h. */
#include <string.h>

#include "store/store_internal.h"
#include "store/totp.h"

static enum kerr state_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct totp_state *t = arg;
	store_q_text(c, s, 0, t->secret_hex, sizeof t->secret_hex);
	store_q_text(c, s, 1, t->pending_hex, sizeof t->pending_hex);
	t->last_step = c->drv->column_int64(s, 2);
	t->enrolled_at = c->drv->column_int64(s, 3);
	t->enrolled = t->secret_hex[0] != '\0';
	return K_OK;
}

enum kerr store_totp_get(struct store *st, int64_t user_id, struct totp_state *out)
{
	memset(out, 0, sizeof *out);
	enum kerr e = store_q_one(st, "SELECT COALESCE(secret, ''), COALESCE(pending_secret, ''), last_step, enrolled_at"
		" FROM totp_secrets WHERE user_id = ?", state_row, out, "i", user_id);
	if (e == K_NOT_FOUND)
		return K_OK;
	if (e == K_OK)
		e = store_q_one(st, "SELECT COUNT(*) FROM totp_recovery WHERE user_id = ? AND used_at IS NULL",
			store_q_row_int64, &out->recovery_left, "i", user_id);
	return e;
}

enum kerr store_totp_begin(struct store *st, int64_t user_id, const char *secret_hex)
{
	if (!store_text_ok(secret_hex, TOTP_SECRET_HEX_MAX))
		return K_VALIDATION_FAILED;
	return store_q_write(st, 0, "INSERT INTO totp_secrets (user_id, pending_secret) VALUES (?, ?)"
		" ON CONFLICT (user_id) DO UPDATE SET pending_secret = excluded.pending_secret", "is", user_id, secret_hex);
}

struct confirm_arg {
	int64_t user_id, step, now;
	const char *pending_hex;
	char *const *hashes;
	size_t n;
};

static enum kerr confirm_steps(const struct conn *c, void *argv)
{
	struct confirm_arg *a = argv;
	int64_t changed = 0;
	enum kerr e = store_q_run(c, "UPDATE totp_secrets SET secret = pending_secret, pending_secret = NULL,"
		" last_step = ?, enrolled_at = ? WHERE user_id = ? AND pending_secret = ?", NULL, NULL, &changed, NULL,
		"iiis", a->step, a->now, a->user_id, a->pending_hex);
	if (e == K_OK && changed != 1)
		e = K_NOT_FOUND;
	if (e == K_OK)
		e = store_q_run(c, "DELETE FROM totp_recovery WHERE user_id = ?", NULL, NULL, NULL, NULL, "i", a->user_id);
	for (size_t i = 0; e == K_OK && i < a->n; i++)
		e = store_q_run(c, "INSERT INTO totp_recovery (user_id, code_hash) VALUES (?, ?)", NULL, NULL, NULL, NULL,
			"is", a->user_id, a->hashes[i]);
	return e;
}

enum kerr store_totp_confirm(struct store *st, int64_t user_id, const char *pending_hex, int64_t step,
	char *const *code_hashes, size_t n, int64_t now)
{
	if (!store_text_ok(pending_hex, TOTP_SECRET_HEX_MAX))
		return K_VALIDATION_FAILED;
	for (size_t i = 0; i < n; i++)
		if (!store_text_ok(code_hashes[i], STORE_TOKEN_MAX))
			return K_VALIDATION_FAILED;
	struct confirm_arg a = {user_id, step, now, pending_hex, code_hashes, n};
	return store_tx(st, confirm_steps, &a);
}

enum kerr store_totp_claim_step(struct store *st, int64_t user_id, int64_t step)
{
	/* one conditional UPDATE: of two servers given the same code, one wins */
	return store_q_write(st, 1, "UPDATE totp_secrets SET last_step = ? WHERE user_id = ? AND last_step < ?"
		" AND secret IS NOT NULL", "iii", step, user_id, step);
}

enum kerr store_totp_use_recovery(struct store *st, int64_t user_id, const char *code_hash, int64_t now)
{
	if (!store_text_ok(code_hash, STORE_TOKEN_MAX))
		return K_VALIDATION_FAILED;
	return store_q_write(st, 1, "UPDATE totp_recovery SET used_at = ? WHERE user_id = ? AND code_hash = ?"
		" AND used_at IS NULL", "iis", now, user_id, code_hash);
}

static enum kerr remove_steps(const struct conn *c, void *argv)
{
	const int64_t *user_id = argv;
	int64_t changed = 0;
	enum kerr e = store_q_run(c, "DELETE FROM totp_recovery WHERE user_id = ?", NULL, NULL, NULL, NULL, "i", *user_id);
	if (e == K_OK)
		e = store_q_run(c, "DELETE FROM totp_secrets WHERE user_id = ?", NULL, NULL, &changed, NULL, "i", *user_id);
	return e == K_OK && changed == 0 ? K_NOT_FOUND : e;
}

enum kerr store_totp_remove(struct store *st, int64_t user_id)
{
	return store_tx(st, remove_steps, &user_id);
}

struct rule_rows {
	int *required;
};

static enum kerr rule_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct rule_rows *r = arg;
	char role[16];
	store_q_text(c, s, 0, role, sizeof role);
	int i = domain_second_factor_role(role);
	if (i >= 0)
		r->required[i] = c->drv->column_int64(s, 1) != 0;
	return K_OK;
}

enum kerr store_second_factor_rule_get(struct store *st, int required[SECOND_FACTOR_ROLE_COUNT])
{
	memset(required, 0, sizeof(int) * SECOND_FACTOR_ROLE_COUNT);
	struct rule_rows r = {required};
	return store_q_all(st, "SELECT role, required FROM second_factor_roles", rule_row, &r, "");
}

struct rule_arg {
	const int *required;
	int64_t now;
};

static enum kerr rule_steps(const struct conn *c, void *argv)
{
	struct rule_arg *a = argv;
	enum kerr e = K_OK;
	for (int i = 0; e == K_OK && i < SECOND_FACTOR_ROLE_COUNT; i++)
		e = store_q_run(c, "UPDATE second_factor_roles SET required = ?, updated_at = ? WHERE role = ?", NULL, NULL,
			NULL, NULL, "iis", (int64_t)(a->required[i] != 0), a->now, domain_second_factor_roles[i]);
	return e;
}

enum kerr store_second_factor_rule_set(struct store *st, const int required[SECOND_FACTOR_ROLE_COUNT], int64_t now)
{
	struct rule_arg a = {required, now};
	return store_tx(st, rule_steps, &a);
}

struct pending_arg {
	const char *token_hash;
	int64_t user_id, now;
};

static enum kerr pending_steps(const struct conn *c, void *argv)
{
	struct pending_arg *a = argv;
	enum kerr e = store_q_run(c, "DELETE FROM login_pending WHERE expires_at <= ?", NULL, NULL, NULL, NULL, "i", a->now);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO login_pending (token_hash, user_id, expires_at) VALUES (?, ?, ?)", NULL,
			NULL, NULL, NULL, "sii", a->token_hash, a->user_id, a->now + LOGIN_PENDING_S);
	return e;
}

enum kerr store_login_pending_create(struct store *st, const char *token_hash, int64_t user_id, int64_t now)
{
	if (!store_text_ok(token_hash, STORE_TOKEN_MAX))
		return K_VALIDATION_FAILED;
	struct pending_arg a = {token_hash, user_id, now};
	return store_tx(st, pending_steps, &a);
}

enum kerr store_login_pending_get(struct store *st, const char *token_hash, int64_t now, int64_t *user_id)
{
	*user_id = 0;
	return store_q_one(st, "SELECT user_id FROM login_pending WHERE token_hash = ? AND expires_at > ?",
		store_q_row_int64, user_id, "si", token_hash, now);
}

enum kerr store_login_pending_delete(struct store *st, const char *token_hash)
{
	return store_q_write(st, 0, "DELETE FROM login_pending WHERE token_hash = ?", "s", token_hash);
}
