/* auth/password: argon2id hashing and the password rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/password.h"

static void hash_and_verify(void **state)
{
	char hash[STORE_HASH_MAX];
	const char *pw = "correct horse 电池";
	assert_int_equal(auth_password_hash(pw, strlen(pw), hash), K_OK);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_int_equal(auth_password_verify(hash, pw, strlen(pw)), 1);
	assert_int_equal(auth_password_verify(hash, "correct horse", 13), 0);
	assert_int_equal(auth_password_verify(hash, pw, strlen(pw) - 1), 0);
	assert_int_equal(auth_password_needs_rehash(hash), 0);

	/* The same password hashes differently each time (random salt). */
	char again[STORE_HASH_MAX];
	assert_int_equal(auth_password_hash(pw, strlen(pw), again), K_OK);
	assert_string_not_equal(hash, again);
	assert_int_equal(auth_password_verify(again, pw, strlen(pw)), 1);
}

static void verify_garbage(void **state)
{
	assert_int_equal(auth_password_verify("", "password", 8), 0);
	assert_int_equal(auth_password_verify("$argon2id$v=19$m=65536,t=2,p=1$bad", "password", 8), 0);
	assert_int_equal(auth_password_verify("plain text", "plain text", 10), 0);
	assert_int_equal(auth_password_verify(NULL, "password", 8), 0);
	/* A hash without a NUL within STORE_HASH_MAX is refused, not overread. */
	char long_hash[STORE_HASH_MAX + 10];
	memset(long_hash, 'a', sizeof long_hash - 1);
	long_hash[sizeof long_hash - 1] = '\0';
	assert_int_equal(auth_password_verify(long_hash, "password", 8), 0);
	assert_int_equal(auth_password_needs_rehash("nonsense"), 1);
	assert_int_equal(auth_password_burn("password", 8), 0);
}

static void acceptable(void **state)
{
	char buf[200];
	memset(buf, 'x', sizeof buf);
	assert_int_equal(auth_password_acceptable(buf, 7), 0);
	assert_int_equal(auth_password_acceptable(buf, 8), 1);
	assert_int_equal(auth_password_acceptable(buf, 128), 1);
	assert_int_equal(auth_password_acceptable(buf, 129), 0);
	assert_int_equal(auth_password_acceptable(NULL, 8), 0);
	assert_int_equal(auth_password_acceptable("口岸信息服务", strlen("口岸信息服务")), 1);	/* 18 bytes */
	assert_int_equal(auth_password_acceptable("пароль123", strlen("пароль123")), 1);
	assert_int_equal(auth_password_acceptable("with space ok", 13), 1);
	assert_int_equal(auth_password_acceptable("tab\there1", 9), 0);
	assert_int_equal(auth_password_acceptable("newline\n1", 9), 0);
	assert_int_equal(auth_password_acceptable("del\x7f" "char1", 9), 0);
	assert_int_equal(auth_password_acceptable("nul\0inside", 10), 0);
	assert_int_equal(auth_password_acceptable("c1\xc2\x85" "control", 11), 0);	/* U+0085 */
	assert_int_equal(auth_password_acceptable("bad\xff" "utf8xx", 10), 0);
	assert_int_equal(auth_password_acceptable("cut\xe5\x8f" "utf8x", 10), 0);	/* truncated sequence */
	assert_int_equal(auth_password_acceptable("over\xc0\xaflong", 10), 0);	/* overlong "/" */
	assert_int_equal(auth_password_acceptable("surr\xed\xa0\x80gate", 11), 0);	/* U+D800 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test(verify_garbage),
		cmocka_unit_test(acceptable),
	};
	return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
