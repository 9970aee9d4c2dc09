/* Passwords: argon2id hashes (libsodium crypto_pwhash_str at the interactive
 * limits, about 60 ms a hash) and the rule a new password must meet. */
#ifndef KOUAN_AUTH_PASSWORD_H
#define KOUAN_AUTH_PASSWORD_H

#include <stddef.h>

#include "core/error.h"
#include "store/store.h"	/* STORE_HASH_MAX */

#define AUTH_PASSWORD_MIN 8	/* bytes */
#define AUTH_PASSWORD_MAX 128	/* bytes */

/* Hash len bytes of password into out (a NUL-terminated "$argon2id$..." string).
 * K_VALIDATION_FAILED when len is outside what libsodium accepts, K_INTERNAL
 * when the hash could not be computed (memory). */
enum kerr auth_password_hash(const char *password, size_t len, char out[STORE_HASH_MAX]) KOUAN_MUST_USE;

/* 1 when password matches hash, 0 otherwise (also for a hash that is not a
 * valid argon2id string). */
int auth_password_verify(const char *hash, const char *password, size_t len);

/* Spend the time of one verification and return 0: call it when the user does
 * not exist, so that a login answers as slowly for unknown names. */
int auth_password_burn(const char *password, size_t len);

/* 1 when a hash was made with weaker limits than today's and should be
 * replaced after a successful login. */
int auth_password_needs_rehash(const char *hash);

/* 1 when pw may be chosen as a password: AUTH_PASSWORD_MIN to AUTH_PASSWORD_MAX
 * bytes of valid UTF-8 with no control characters. */
int auth_password_acceptable(const char *pw, size_t len);

#endif
