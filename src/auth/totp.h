/* Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30 s steps, 6 digits),
 * through Debian's liboath, opened on first use (core/lazylib.h) so that
 * commands that never check a code do not load it. Second factor of issue 16. */
#ifndef KOUAN_AUTH_TOTP_H
#define KOUAN_AUTH_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define TOTP_STEP_S 30
#define TOTP_DIGITS 6
#define TOTP_SECRET_BYTES 20	/* RFC 4226's recommended 160 bits */

/* 1 when liboath can be opened. */
int totp_available(void);
/* The code of the step holding now into out (TOTP_DIGITS digits and a NUL).
 * K_INTERNAL when liboath is missing or fails. */
enum kerr totp_code(const unsigned char *secret, size_t len, int64_t now, char out[TOTP_DIGITS + 1]) KOUAN_MUST_USE;
/* K_OK when code is the code of a step within window steps of now; *step gets
 * that step's number (now / TOTP_STEP_S ± offset), so that a caller can refuse
 * a step used before. K_NOT_FOUND when it matches none. */
enum kerr totp_check(const unsigned char *secret, size_t len, int64_t now, unsigned window, const char *code,
	int64_t *step) KOUAN_MUST_USE;

#endif
