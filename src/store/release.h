/* Release codes in the database (migration 5): the signing keys, shared by
 * every server, and the codes issued for bookings, with their revocation.
 * Errors as store.h says; times are Unix seconds, UTC. */
#ifndef KOUAN_STORE_RELEASE_H
#define KOUAN_STORE_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "release/release.h"
#include "store/bookings.h"
#include "store/store.h"

#define STORE_RELEASE_KEYS_MAX 64	/* verifiable keys listed at most */
#define STORE_REVOCATIONS_MAX 1000	/* revoked codes one answer lists at most */
#define RELEASE_UNDATED_VALIDITY_S (3 * 24 * 3600)	/* a booking without a crossing date (none is required yet) */
#define RELEASE_REASON_MOVED "moved"	/* revocation reason when the slot moved and a new code replaced it */
#define PLATE_TRAILER_MARK "挂"		/* a trailer's plate ends so; trailers do not count */

struct release_key {
	uint32_t kid;
	uint8_t public_key[RELEASE_PUBLIC_KEY_BYTES];
	uint8_t secret_key[RELEASE_SECRET_KEY_BYTES];	/* zeroed by store_release_key_get */
	int active;		/* the key that signs new codes */
	int64_t created_at;
	int64_t retired_at;	/* 0 while active */
	int64_t verify_until;	/* the latest valid_until of a code it signed */
};

/* The active key, made (and stored) when there is none: the first start of
 * the first server. Several servers starting together agree on one key. */
enum kerr store_release_key_active(struct store *st, int64_t now, struct release_key *out) KOUAN_MUST_USE;
/* A key by id, without its secret half. K_NOT_FOUND when there is none. */
enum kerr store_release_key_get(struct store *st, uint32_t kid, struct release_key *out) KOUAN_MUST_USE;
/* Keys a verifier needs at now: the active one and retired ones whose codes
 * may still be valid. *out (free()) holds *n keys, newest first, secrets zeroed. */
enum kerr store_release_key_list(struct store *st, int64_t now, struct release_key **out, size_t *n) KOUAN_MUST_USE;
/* Retire the active key and make a new one, in one transaction; *kid gets
 * the new key's id. */
enum kerr store_release_key_rotate(struct store *st, int64_t now, uint32_t *kid) KOUAN_MUST_USE;
/* Note that kid signed a code valid until valid_until (keeps retired keys
 * listed until their codes expire). */
enum kerr store_release_key_note_use(struct store *st, uint32_t kid, int64_t valid_until) KOUAN_MUST_USE;

/* A revoked code (GET /api/v1/release-revocations). */
struct release_revocation {
	int64_t booking_id;
	char token[RELEASE_TOKEN_MAX];
	int64_t revoked_at;
	char reason[STORE_NAME_MAX];
};
/* 1 in *revoked when token has been revoked. */
enum kerr store_release_is_revoked(struct store *st, const char *token, int *revoked) KOUAN_MUST_USE;
/* Codes revoked at or after since, oldest first, at most STORE_REVOCATIONS_MAX; free(*out). */
enum kerr store_release_revocations(struct store *st, int64_t since, struct release_revocation **out, size_t *n)
	KOUAN_MUST_USE;

/* A booking's code as issued. */
struct release_code {
	int64_t booking_id;
	uint32_t serial, kid;
	char token[RELEASE_TOKEN_MAX];
	int64_t valid_from, valid_until, issued_at;
	int revoked;
};
/* The booking's code in force (K_NOT_FOUND when none: not released, or revoked). */
enum kerr store_release_current(struct store *st, int64_t booking_id, struct release_code *out) KOUAN_MUST_USE;
/* Any code by its token, revoked or not. */
enum kerr store_release_by_token(struct store *st, const char *token, struct release_code *out) KOUAN_MUST_USE;

/* The booking transition's step (bookings.c `transition_steps`): a booking
 * that becomes released gets a code (window: core/crossing.h
 * capacity_window with the bureau's grace); one that leaves released for any
 * state but passed has its code revoked (reason: the action's code). */
struct conn;
enum kerr store_release_step(const struct conn *c, struct booking_transition *t) KOUAN_MUST_USE;
/* The same pieces on a connection inside the caller's transaction: for the
 * capacity's move of a released booking (revoke with RELEASE_REASON_MOVED,
 * then issue for the new slot). */
enum kerr store_release_issue_on(const struct conn *c, int64_t booking_id, int64_t now) KOUAN_MUST_USE;
enum kerr store_release_revoke_on(const struct conn *c, int64_t booking_id, const char *reason, int64_t now)
	KOUAN_MUST_USE;
/* Both, for a released booking whose slot moved (store/capacity.c move). */
enum kerr store_release_moved_on(const struct conn *c, int64_t booking_id, int64_t now) KOUAN_MUST_USE;
/* Revoke the booking's code and issue the next, in one transaction. */
enum kerr store_release_reissue(struct store *st, int64_t booking_id) KOUAN_MUST_USE;

/* On c, in the caller's transaction (the gate's scan): 1 in *issued when
 * tok is, character for character, the code stored under the booking and
 * serial it claims (compared in constant time; why that needs no signature
 * check: src/store/release.c), and then 1 in *revoked when that code is
 * revoked. 0 in *issued for anything else, which takes
 * store_release_verify's whole check. */
enum kerr store_release_issued_on(const struct conn *c, const struct release_token *tok, int *issued, int *revoked)
	KOUAN_MUST_USE;

/* Everything a verifier with the database checks, in this order: form,
 * key id known (RELEASE_UNKNOWN_KEY), signature, revocation, time window at
 * now. *tok gets the parsed token (its claims are zero when malformed);
 * *reason RELEASE_VALID when the code is good. */
enum kerr store_release_verify(struct store *st, const char *text, size_t len, int64_t now, struct release_token *tok,
	enum release_reason *reason) KOUAN_MUST_USE;

#endif
