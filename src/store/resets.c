/* Password reset codes: see resets.h. */
#include <jansson.h>
#include <stdlib.h>

#include "store/notifications.h"
#include "store/resets.h"
#include "store/store_internal.h"

struct issue_arg {
	int64_t user_id, issued_by, now;
	const char *code_hash;
};

/* The outbox says that a code was issued (never the code) to the user's
 * organisation, for its webhook; users without one (gate, admin) have
 * nobody to tell. */
static enum kerr outbox_step(const struct conn *c, const struct issue_arg *a)
{
	json_t *payload = json_pack("{s:s,s:I,s:I,s:I}", "event", RESET_OUTBOX_EVENT, "user_id", (json_int_t)a->user_id,
		"expires_at", (json_int_t)(a->now + RESET_VALID_S), "at", (json_int_t)a->now);
	char *text = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	int64_t org_id = 0;
	enum kerr e = store_q_run(c, "SELECT COALESCE(org_id, 0) FROM users WHERE id = ?", store_q_row_int64, &org_id,
		NULL, NULL, "i", a->user_id);
	if (e == K_OK && org_id != 0)
		e = store_outbox_add(c, org_id, RESET_OUTBOX_EVENT, text, a->now);
	free(text);
	return e;
}

static enum kerr issue_steps(const struct conn *c, void *argv)
{
	struct issue_arg *a = argv;
	enum kerr e = store_q_run(c, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", NULL,
		NULL, NULL, NULL, "ii", a->now, a->user_id);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO password_resets (user_id, code_hash, issued_by, created_at, expires_at)"
			" VALUES (?, ?, ?, ?, ?)", NULL, NULL, NULL, NULL, "isiii", a->user_id, a->code_hash, a->issued_by, a->now,
			a->now + RESET_VALID_S);
	if (e == K_OK)
		e = outbox_step(c, a);
	return e;
}

enum kerr store_reset_issue(struct store *st, int64_t user_id, const char *code_hash, int64_t issued_by, int64_t now,
	int64_t *expires_at)
{
	if (!store_text_ok(code_hash, STORE_TOKEN_MAX))
		return K_VALIDATION_FAILED;
	struct issue_arg a = {user_id, issued_by, now, code_hash};
	*expires_at = now + RESET_VALID_S;
	return store_tx(st, issue_steps, &a);
}

struct redeem_arg {
	int64_t user_id, now;
	const char *code_hash, *password_hash;
};

static enum kerr redeem_steps(const struct conn *c, void *argv)
{
	struct redeem_arg *a = argv;
	int64_t used = 0;
	enum kerr e = store_q_run(c, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND code_hash = ?"
		" AND used_at IS NULL AND expires_at > ?", NULL, NULL, &used, NULL, "iisi", a->now, a->user_id, a->code_hash,
		a->now);
	if (e == K_OK && used != 1)
		e = K_NOT_FOUND;
	if (e == K_OK)
		e = store_q_run(c, "UPDATE users SET password_hash = ? WHERE id = ?", NULL, NULL, NULL, NULL, "si",
			a->password_hash, a->user_id);
	if (e == K_OK)
		e = store_q_run(c, "DELETE FROM sessions WHERE user_id = ?", NULL, NULL, NULL, NULL, "i", a->user_id);
	return e;
}

enum kerr store_reset_redeem(struct store *st, int64_t user_id, const char *code_hash, const char *password_hash,
	int64_t now)
{
	if (!store_text_ok(code_hash, STORE_TOKEN_MAX) || !store_text_ok(password_hash, STORE_HASH_MAX))
		return K_VALIDATION_FAILED;
	struct redeem_arg a = {user_id, now, code_hash, password_hash};
	return store_tx(st, redeem_steps, &a);
}
