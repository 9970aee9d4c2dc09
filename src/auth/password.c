#include "auth/password.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "core/log.h"

_Static_assert(crypto_pwhash_STRBYTES <= STORE_HASH_MAX, "STORE_HASH_MAX too small for an argon2id string");

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ready;

static void sodium_start(void)
{
	sodium_ready = sodium_init() >= 0;
}

/* libsodium must be initialised before the first use; abort if it cannot be,
 * since every password and token depends on it. */
static void need_sodium(void)
{
	pthread_once(&sodium_once, sodium_start);
	if (!sodium_ready) {
		log_error("msg=\"libsodium could not be initialised\"");
		abort();
	}
}

enum kerr auth_password_hash(const char *password, size_t len, char out[STORE_HASH_MAX])
{
	need_sodium();
	if (password == NULL || len > crypto_pwhash_PASSWD_MAX)
		return K_VALIDATION_FAILED;
	if (crypto_pwhash_str(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		log_error("msg=\"password hash failed\" reason=memory");
		return K_INTERNAL;
	}
	return K_OK;
}

int auth_password_verify(const char *hash, const char *password, size_t len)
{
	need_sodium();
	if (hash == NULL || password == NULL || memchr(hash, '\0', STORE_HASH_MAX) == NULL)
		return 0;
	return crypto_pwhash_str_verify(hash, password, len) == 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[STORE_HASH_MAX];

static void dummy_make(void)
{
	unsigned char secret[32];
	randombytes_buf(secret, sizeof secret);
	if (crypto_pwhash_str(dummy_hash, (const char *)secret, sizeof secret, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
	sodium_memzero(secret, sizeof secret);
}

int auth_password_burn(const char *password, size_t len)
{
	/* A hash of a random secret made once per process with today's limits:
	 * no password can match it. */
	need_sodium();
	pthread_once(&dummy_once, dummy_make);
	if (dummy_hash[0] != '\0' && password != NULL)
		if (crypto_pwhash_str_verify(dummy_hash, password, len) == 0)
			log_error("msg=\"a password matched the dummy hash\"");	/* cannot happen */
	return 0;
}

int auth_password_needs_rehash(const char *hash)
{
	need_sodium();
	if (hash == NULL || memchr(hash, '\0', STORE_HASH_MAX) == NULL)
		return 1;
	return crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

int auth_password_acceptable(const char *pw, size_t len)
{
	if (pw == NULL || len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX)
		return 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)pw;
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0)
			return 0;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return 0;
		i += (size_t)n;
	}
	return 1;
}
