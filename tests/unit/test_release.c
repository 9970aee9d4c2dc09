/* Release tokens (src/release): signing, reading, every refusal, the
 * normalisation of scanner input, and the QR images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "release/release.h"

#define NOW 1796000000LL	/* 2026-11-30, a fixed moment: the tests never read the clock */
#define HOUR 3600
#define PNG_MAGIC "\x89PNG\r\n\x1a\n"

struct keys {
	uint8_t pk[RELEASE_PUBLIC_KEY_BYTES], sk[RELEASE_SECRET_KEY_BYTES];
	uint8_t other_pk[RELEASE_PUBLIC_KEY_BYTES], other_sk[RELEASE_SECRET_KEY_BYTES];
};

static int setup(void **state)
{
	struct keys *k = calloc(1, sizeof *k);
	if (release_keypair(k->pk, k->sk) != K_OK || release_keypair(k->other_pk, k->other_sk) != K_OK)
		return -1;
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static struct release_claims sample(void)
{
	struct release_claims cl = {.kid = 7, .booking_id = 123456789012ULL, .kind = RELEASE_HEAVY_TRUCK, .count = 3,
		.valid_from = NOW - HOUR, .valid_until = NOW + HOUR, .serial = 2};
	return cl;
}

static void sign_ok(const struct release_claims *cl, const uint8_t *sk, char *out)
{
	assert_int_equal(release_token_sign(cl, sk, out, RELEASE_TOKEN_MAX), K_OK);
}

/* The whole check a gate makes offline. */
static enum release_reason check(const char *text, const uint8_t *pk, int64_t now, struct release_token *tok)
{
	enum release_reason r = release_token_parse(text, strlen(text), tok);
	if (r == RELEASE_VALID)
		r = release_token_check_sig(tok, pk);
	if (r == RELEASE_VALID)
		r = release_claims_check_time(&tok->claims, now);
	return r;
}

static void round_trip(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX];
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	assert_int_equal(strlen(text), RELEASE_TOKEN_CHARS);
	assert_int_equal(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), RELEASE_TOKEN_CHARS);
	assert_int_equal(check(text, k->pk, NOW, &tok), RELEASE_VALID);
	assert_int_equal(tok.claims.kid, 7);
	assert_true(tok.claims.booking_id == 123456789012ULL);
	assert_int_equal(tok.claims.kind, RELEASE_HEAVY_TRUCK);
	assert_int_equal(tok.claims.count, 3);
	assert_int_equal(tok.claims.valid_from, NOW - HOUR);
	assert_int_equal(tok.claims.valid_until, NOW + HOUR);
	assert_int_equal(tok.claims.serial, 2);
	assert_string_equal(tok.text, text);
	/* the window's edges are inside it */
	assert_int_equal(check(text, k->pk, NOW - HOUR, &tok), RELEASE_VALID);
	assert_int_equal(check(text, k->pk, NOW + HOUR, &tok), RELEASE_VALID);
}

static void time_window(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX];
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	assert_int_equal(check(text, k->pk, NOW + HOUR + 1, &tok), RELEASE_EXPIRED);
	assert_int_equal(check(text, k->pk, NOW - HOUR - 1, &tok), RELEASE_NOT_YET_VALID);
}

static void wrong_key_and_forgery(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX], forged[RELEASE_TOKEN_MAX];
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	assert_int_equal(check(text, k->other_pk, NOW, &tok), RELEASE_BAD_SIGNATURE);
	/* a forger with his own key who claims our key id */
	sign_ok(&cl, k->other_sk, forged);
	assert_int_equal(check(forged, k->pk, NOW, &tok), RELEASE_BAD_SIGNATURE);
	/* a good signature carried over to other claims */
	struct release_claims longer = cl;
	longer.valid_until = NOW + 100 * HOUR;
	sign_ok(&longer, k->other_sk, forged);
	memcpy(forged + RELEASE_TOKEN_CHARS - 100, text + RELEASE_TOKEN_CHARS - 100, 100);
	assert_int_not_equal(check(forged, k->pk, NOW, &tok), RELEASE_VALID);
}

static void tampered(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX];
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	/* every single-character change of the signed part, and of the signature, is refused */
	for (size_t i = 0; i < RELEASE_TOKEN_CHARS - 1; i++) {
		char t[RELEASE_TOKEN_MAX];
		memcpy(t, text, sizeof t);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		enum release_reason r = check(t, k->pk, NOW, &tok);
		assert_true(r == RELEASE_BAD_SIGNATURE || r == RELEASE_MALFORMED);
	}
}

static void malformed(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX], t[RELEASE_TOKEN_MAX + 8];
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	assert_int_equal(release_token_parse("", 0, &tok), RELEASE_MALFORMED);
	assert_int_equal(release_token_parse(NULL, 0, &tok), RELEASE_MALFORMED);
	assert_int_equal(release_token_parse(text, RELEASE_TOKEN_CHARS - 1, &tok), RELEASE_MALFORMED);
	snprintf(t, sizeof t, "%sA", text);
	assert_int_equal(release_token_parse(t, strlen(t), &tok), RELEASE_MALFORMED);
	memcpy(t, text, RELEASE_TOKEN_MAX);
	t[10] = '1';	/* 0, 1, 8, 9 are not base32 */
	assert_int_equal(release_token_parse(t, strlen(t), &tok), RELEASE_MALFORMED);
	memcpy(t, text, RELEASE_TOKEN_MAX);
	t[10] = '=';
	assert_int_equal(release_token_parse(t, strlen(t), &tok), RELEASE_MALFORMED);
	/* the last character carries 1 bit of data: its 4 low bits must be zero */
	memcpy(t, text, RELEASE_TOKEN_MAX);
	t[RELEASE_TOKEN_CHARS - 1] = t[RELEASE_TOKEN_CHARS - 1] == 'B' ? 'C' : 'B';
	assert_int_equal(release_token_parse(t, strlen(t), &tok), RELEASE_MALFORMED);
	/* an unknown version: the first character holds its high bits */
	memcpy(t, text, RELEASE_TOKEN_MAX);
	t[0] = 'Z';
	assert_int_equal(release_token_parse(t, strlen(t), &tok), RELEASE_MALFORMED);
	/* a token wrapped in a URL or JSON is not the token */
	snprintf(t, sizeof t, "\"%s\"", text);
	assert_int_equal(release_token_parse(t, strlen(t), &tok), RELEASE_MALFORMED);
}

/* Decided: lower case (Caps Lock on the scanner's keyboard) and surrounding
 * blanks (the scanner's Enter, a paste) are normalised; the signature still
 * decides. */
static void normalised_input(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX], t[RELEASE_TOKEN_MAX + 8];
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	for (size_t i = 0; i <= RELEASE_TOKEN_CHARS; i++)
		t[i] = (text[i] >= 'A' && text[i] <= 'Z') ? (char)(text[i] - 'A' + 'a') : text[i];
	assert_int_equal(check(t, k->pk, NOW, &tok), RELEASE_VALID);
	assert_string_equal(tok.text, text);
	snprintf(t, sizeof t, "  %s\r\n", text);
	assert_int_equal(check(t, k->pk, NOW, &tok), RELEASE_VALID);
	snprintf(t, sizeof t, "%.70s %s", text, text + 70);	/* a blank inside is not a blank around */
	assert_int_equal(check(t, k->pk, NOW, &tok), RELEASE_MALFORMED);
}

static void claims_limits(void **state)
{
	struct keys *k = *state;
	char text[RELEASE_TOKEN_MAX];
	struct release_claims cl = sample();
	cl.valid_until = cl.valid_from - 1;
	assert_int_equal(release_token_sign(&cl, k->sk, text, sizeof text), K_VALIDATION_FAILED);
	cl = sample();
	cl.valid_until = 0x100000000LL;
	assert_int_equal(release_token_sign(&cl, k->sk, text, sizeof text), K_VALIDATION_FAILED);
	cl = sample();
	cl.kind = RELEASE_KIND_COUNT;
	assert_int_equal(release_token_sign(&cl, k->sk, text, sizeof text), K_VALIDATION_FAILED);
	cl = sample();
	assert_int_equal(release_token_sign(&cl, k->sk, text, RELEASE_TOKEN_CHARS), K_VALIDATION_FAILED);
	cl.kind = RELEASE_COMMODITY_VEHICLE;
	cl.count = 261;
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	assert_int_equal(check(text, k->pk, NOW, &tok), RELEASE_VALID);
	assert_int_equal(tok.claims.kind, RELEASE_COMMODITY_VEHICLE);
	assert_int_equal(tok.claims.count, 261);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(release_reason_name(RELEASE_UNKNOWN_KEY), "unknown_key");
	assert_string_equal(release_reason_name(RELEASE_NOT_YET_VALID), "not_yet_valid");
	assert_string_equal(release_kind_name(RELEASE_COMMODITY_VEHICLE), "commodity_vehicle");
	assert_int_equal(release_kind_parse("heavy_truck"), RELEASE_HEAVY_TRUCK);
	assert_int_equal(release_kind_parse("truck"), -1);
}

static void verdict(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX];
	struct release_token tok;
	sign_ok(&cl, k->sk, text);
	assert_int_equal(check(text, k->pk, NOW + 2 * HOUR, &tok), RELEASE_EXPIRED);
	json_t *v = release_verdict_json(RELEASE_EXPIRED, &tok);
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"booking_id\":123456789012,\"reason\":\"expired\",\"valid\":false,"
		"\"valid_until\":\"2026-11-30T01:53:20Z\"}");
	free(s);
	json_decref(v);
	assert_int_equal(release_token_parse("x", 1, &tok), RELEASE_MALFORMED);
	v = release_verdict_json(RELEASE_MALFORMED, &tok);
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"booking_id\":null,\"reason\":\"malformed\",\"valid\":false,\"valid_until\":null}");
	free(s);
	json_decref(v);
}

static void base64url(void **state)
{
	struct keys *k = *state;
	char b64[RELEASE_KEY_B64_MAX];
	uint8_t back[RELEASE_PUBLIC_KEY_BYTES];
	size_t n = 0;
	release_b64url_encode(k->pk, sizeof k->pk, b64, sizeof b64);
	assert_int_equal(strlen(b64), 43);
	assert_null(strpbrk(b64, "+/="));
	assert_int_equal(release_b64url_decode(b64, back, sizeof back, &n), 0);
	assert_int_equal(n, sizeof back);
	assert_memory_equal(back, k->pk, sizeof back);
	assert_int_equal(release_b64url_decode("ab+/", back, sizeof back, &n), -1);
	assert_int_equal(release_b64url_decode("abc!", back, sizeof back, &n), -1);
}

static void qr_images(void **state)
{
	struct keys *k = *state;
	struct release_claims cl = sample();
	char text[RELEASE_TOKEN_MAX];
	uint8_t *png = NULL;
	size_t len = 0;
	char *svg = NULL;
	sign_ok(&cl, k->sk, text);
	assert_int_equal(release_qr_png(text, RELEASE_QR_MODULE_PX, &png, &len), K_OK);
	assert_true(len > 8);
	assert_memory_equal(png, PNG_MAGIC, 8);
	free(png);
	assert_int_equal(release_qr_svg(text, &svg), K_OK);
	assert_non_null(strstr(svg, "<svg "));
	assert_non_null(strstr(svg, "h1v1h-1z"));
	free(svg);
	/* lower case is outside the alphanumeric mode */
	assert_int_equal(release_qr_svg("abc", &svg), K_VALIDATION_FAILED);
	assert_int_equal(release_qr_png(text, 0, &png, &len), K_VALIDATION_FAILED);
}

/* RFC 4648's base32 vectors (section 10, without padding): the otpauth:// secret's alphabet. */
static void base32_vectors(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } v[] = {
		{"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"},
		{"foobar", "MZXW6YTBOI"},
	};
	char out[32];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = strlen(v[i].in);
		assert_int_equal(RELEASE_BASE32_LEN(n), strlen(v[i].out));
		assert_int_equal(release_base32_encode((const uint8_t *)v[i].in, n, out, sizeof out), 0);
		assert_string_equal(out, v[i].out);
	}
	assert_int_equal(release_base32_encode((const uint8_t *)"foobar", 6, out, 10), -1);	/* no room for the NUL */
}

/* Any text in 8-bit mode (the second factor's URI): lower case and '?' '&' '=' too, bounded. */
static void qr_text_mode(void **state)
{
	(void)state;
	const char *uri = "otpauth://totp/Kouan:wh1?secret=MZXW6YTBOI&issuer=Kouan&algorithm=SHA1&digits=6&period=30";
	char *svg = NULL, *other = NULL;
	uint8_t *png = NULL;
	size_t len = 0;
	assert_int_equal(release_qr_text_svg(uri, &svg), K_OK);
	assert_non_null(strstr(svg, "h1v1h-1z"));
	assert_int_equal(release_qr_text_svg("otpauth://totp/Kouan:wh2?secret=MZXW6YTBOI", &other), K_OK);
	assert_string_not_equal(svg, other);
	free(svg);
	free(other);
	assert_int_equal(release_qr_text_png(uri, RELEASE_QR_MODULE_PX, &png, &len), K_OK);
	assert_memory_equal(png, PNG_MAGIC, 8);
	free(png);
	char long_text[RELEASE_QR_TEXT_MAX + 2];
	memset(long_text, 'a', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	assert_int_equal(release_qr_text_svg(long_text, &svg), K_VALIDATION_FAILED);
	assert_int_equal(release_qr_text_svg("", &svg), K_VALIDATION_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(time_window, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_key_and_forgery, setup, teardown),
		cmocka_unit_test_setup_teardown(tampered, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(normalised_input, setup, teardown),
		cmocka_unit_test_setup_teardown(claims_limits, setup, teardown),
		cmocka_unit_test(names),
		cmocka_unit_test_setup_teardown(verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(base64url, setup, teardown),
		cmocka_unit_test_setup_teardown(qr_images, setup, teardown),
		cmocka_unit_test(base32_vectors),
		cmocka_unit_test(qr_text_mode),
	};
	return cmocka_run_group_tests_name("release", tests, NULL, NULL);
}
