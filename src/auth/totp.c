/* TOTP through liboath: see totp.h. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>

#include "auth/totp.h"
#include "core/lazylib.h"

LAZYLIB(liboath, "liboath.so.0");

LAZY(liboath, int, oath_init, (void), ())
LAZY(liboath, int, oath_totp_generate, (const char *secret, size_t secret_length, time_t now, unsigned step,
	time_t start_offset, unsigned digits, char *out), (secret, secret_length, now, step, start_offset, digits, out))
LAZY(liboath, int, oath_totp_validate2, (const char *secret, size_t secret_length, time_t now, unsigned step,
	time_t start_offset, size_t window, int *otp_pos, const char *otp),
	(secret, secret_length, now, step, start_offset, window, otp_pos, otp))

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ok;

static void init_library(void)
{
	init_ok = lazylib_available(&liboath) && oath_init() == OATH_OK;
}

int totp_available(void)
{
	pthread_once(&init_once, init_library);
	return init_ok;
}

enum kerr totp_code(const unsigned char *secret, size_t len, int64_t now, char out[TOTP_DIGITS + 1])
{
	if (!totp_available())
		return K_INTERNAL;
	int rc = oath_totp_generate((const char *)secret, len, (time_t)now, TOTP_STEP_S, 0, TOTP_DIGITS, out);
	return rc == OATH_OK ? K_OK : K_INTERNAL;
}

static int six_digits(const char *code)
{
	if (code == NULL || strlen(code) != TOTP_DIGITS)
		return 0;
	for (int i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

enum kerr totp_check(const unsigned char *secret, size_t len, int64_t now, unsigned window, const char *code,
	int64_t *step)
{
	if (!six_digits(code))
		return K_NOT_FOUND;
	if (!totp_available())
		return K_INTERNAL;
	int pos = 0;
	int rc = oath_totp_validate2((const char *)secret, len, (time_t)now, TOTP_STEP_S, 0, window, &pos, code);
	if (rc < 0)
		return rc == OATH_INVALID_OTP ? K_NOT_FOUND : K_INTERNAL;
	*step = now / TOTP_STEP_S + pos;
	return K_OK;
}
