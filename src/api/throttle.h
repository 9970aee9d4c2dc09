/* The throttle for guesses: logins (passwords, and the second factor's codes,
 * which count in THROTTLE_LOGIN's (user, address) pair: api/totp.c), enrolment
 * codes (THROTTLE_TOTP), registrations and reset codes.
 *
 * Failures are counted per (subject, address) pair and per address, in the
 * database (so every server shares them), in one statement each so that
 * parallel failures all count. Each count is free up to a number of failures;
 * beyond it the next attempt must wait, 1 s after the first failure over, then
 * twice as long after each further one, up to the window. An attacker thus
 * slows only his own pair (and, spraying many subjects, his own address); the
 * rightful user from an address with no failures is never held up. A count is
 * forgotten once its last failure is older than the window; a success clears
 * its pair's count (not the address's). Every kind uses the login settings
 * (struct api_settings): free failures per pair login_max_per_user, per
 * address login_max_per_addr, window login_window_s; counts are kept apart
 * per kind.
 *
 * Use, around the check of a secret:
 *     long wait;
 *     e = throttle_check(app, THROTTLE_LOGIN, key, addr, &wait);
 *     if (e == K_RATE_LIMITED) { throttle_answer(c, wait); return; }
 *     ... check the secret ...
 *     ok ? throttle_succeed(...) : throttle_fail(...);
 * subject is the canonical form of what is guessed for (the user name's
 * store_username_key, an account id); addr is http_client_addr(). Errors:
 * K_OK, K_RATE_LIMITED (check only), K_DB_UNAVAILABLE. */
#ifndef KOUAN_API_THROTTLE_H
#define KOUAN_API_THROTTLE_H

#include "api/api.h"

enum throttle_kind { THROTTLE_LOGIN, THROTTLE_TOTP, THROTTLE_REGISTER, THROTTLE_RESET, THROTTLE_KIND_COUNT };

/* Counters are kept at least this long (registrations count per hour), even
 * when the login window is shorter. */
#define THROTTLE_KEEP_MIN_S 3600

/* K_OK when subject may be tried from addr now; K_RATE_LIMITED with
 * *retry_after_s (at least 1) when the attempt must wait. */
enum kerr throttle_check(struct app *app, enum throttle_kind kind, const char *subject, const char *addr,
	long *retry_after_s) KOUAN_MUST_USE;
/* A failed attempt: one more for (subject, addr) and for addr. */
enum kerr throttle_fail(struct app *app, enum throttle_kind kind, const char *subject, const char *addr) KOUAN_MUST_USE;
/* A successful attempt: (subject, addr) starts again from nothing. */
enum kerr throttle_succeed(struct app *app, enum throttle_kind kind, const char *subject, const char *addr) KOUAN_MUST_USE;
/* Answer 429 rate_limited with Retry-After. */
void throttle_answer(struct api_ctx *c, long retry_after_s);

#endif
