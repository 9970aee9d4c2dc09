/* The second factor (issue 16, item 5): each user's TOTP secret, its recovery
 * codes, logins waiting for their code, and the bureau's rule of which roles
 * must use one.
 *
 * A secret is kept as hex of its bytes. An enrolment first stores a pending
 * secret; confirming it (with a first valid code) makes it the secret, the
 * one before staying in force until then (re-enrolment). last_step is the
 * newest TOTP time step accepted for the user: a code of that step or an older
 * one is refused, which makes a replay impossible even between servers.
 * Recovery codes and pending-login tokens are kept only as SHA-256 hex.
 * Errors: K_OK, K_NOT_FOUND as each function says, K_DB_UNAVAILABLE,
 * K_VALIDATION_FAILED for text that does not fit. */
#ifndef KOUAN_STORE_TOTP_H
#define KOUAN_STORE_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/domain.h"
#include "store/store.h"

#define TOTP_SECRET_HEX_MAX 80	/* hex of a secret (40 for 20 bytes) with the NUL, and room */
#define LOGIN_PENDING_S 300	/* a password accepted waits this long for its code */

struct totp_state {
	int enrolled;			/* a confirmed secret is in force */
	char secret_hex[TOTP_SECRET_HEX_MAX];		/* "" when none */
	char pending_hex[TOTP_SECRET_HEX_MAX];		/* "" when no enrolment is under way */
	int64_t last_step;
	int64_t enrolled_at;
	int64_t recovery_left;		/* unused recovery codes */
};

/* The user's state (all empty when the user never enrolled). */
enum kerr store_totp_get(struct store *st, int64_t user_id, struct totp_state *out) KOUAN_MUST_USE;
/* Start (or start again) an enrolment with secret_hex as the pending secret. */
enum kerr store_totp_begin(struct store *st, int64_t user_id, const char *secret_hex) KOUAN_MUST_USE;
/* Confirm the pending secret pending_hex (K_NOT_FOUND when it is no longer
 * the pending one): in one transaction it becomes the secret, step the last
 * accepted, and the n recovery code hashes replace every earlier code. */
enum kerr store_totp_confirm(struct store *st, int64_t user_id, const char *pending_hex, int64_t step,
	char *const *code_hashes, size_t n, int64_t now) KOUAN_MUST_USE;
/* Accept time step for the user, once: K_NOT_FOUND when that step or a newer
 * one was accepted before (a replay) or the user has no secret. */
enum kerr store_totp_claim_step(struct store *st, int64_t user_id, int64_t step) KOUAN_MUST_USE;
/* Use one recovery code: K_NOT_FOUND when none unused matches. */
enum kerr store_totp_use_recovery(struct store *st, int64_t user_id, const char *code_hash, int64_t now) KOUAN_MUST_USE;
/* Remove the second factor: secret, pending secret and recovery codes.
 * K_NOT_FOUND when there was nothing. */
enum kerr store_totp_remove(struct store *st, int64_t user_id) KOUAN_MUST_USE;

/* The bureau's rule: required[i] for domain_second_factor_roles[i]. */
enum kerr store_second_factor_rule_get(struct store *st, int required[SECOND_FACTOR_ROLE_COUNT]) KOUAN_MUST_USE;
enum kerr store_second_factor_rule_set(struct store *st, const int required[SECOND_FACTOR_ROLE_COUNT], int64_t now)
	KOUAN_MUST_USE;

/* Logins waiting for their second factor, found by their token's hash.
 * create also forgets the expired ones; get answers K_NOT_FOUND for none or
 * an expired one. */
enum kerr store_login_pending_create(struct store *st, const char *token_hash, int64_t user_id, int64_t now)
	KOUAN_MUST_USE;
enum kerr store_login_pending_get(struct store *st, const char *token_hash, int64_t now, int64_t *user_id)
	KOUAN_MUST_USE;
enum kerr store_login_pending_delete(struct store *st, const char *token_hash) KOUAN_MUST_USE;

#endif
