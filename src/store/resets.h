/* One-time password reset codes (issue 16): issued by an administrator, valid
 * RESET_VALID_S, used once, stored only as their SHA-256. */
#ifndef KOUAN_STORE_RESETS_H
#define KOUAN_STORE_RESETS_H

#include <stdint.h>

#include "store/store.h"

#define RESET_VALID_S 1800	/* 30 minutes */
#define RESET_OUTBOX_EVENT "reset_issued"	/* the outbox row an issue adds (store_reset_issue) */

/* A new code for user_id (earlier unused ones end); *expires_at gets its end.
 * In the same transaction, an outbox row tells the user's organisation that a
 * code was issued (the user's id and the end of its validity, never the code). */
enum kerr store_reset_issue(struct store *st, int64_t user_id, const char *code_hash, int64_t issued_by, int64_t now,
	int64_t *expires_at) KOUAN_MUST_USE;
/* Use the code: in one transaction it is marked used (only if unused and not
 * expired), the password changes and every session of the user ends.
 * K_NOT_FOUND when no usable code matches. */
enum kerr store_reset_redeem(struct store *st, int64_t user_id, const char *code_hash, const char *password_hash,
	int64_t now) KOUAN_MUST_USE;

#endif
