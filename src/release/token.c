/* Release tokens: the byte layout, base32, Ed25519 (release.h). */
#include "release/release.h"

#include <string.h>

#include <jansson.h>
#include <sodium.h>
#include <time.h>

#define BASE32_BITS 5
#define BASE32_MASK 0x1f
#define TIME_U32_MAX 0xffffffffLL

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static const char *const reason_names[RELEASE_REASON_COUNT] = {
	[RELEASE_VALID] = "valid",
	[RELEASE_MALFORMED] = "malformed",
	[RELEASE_BAD_SIGNATURE] = "bad_signature",
	[RELEASE_UNKNOWN_KEY] = "unknown_key",
	[RELEASE_EXPIRED] = "expired",
	[RELEASE_NOT_YET_VALID] = "not_yet_valid",
	[RELEASE_REVOKED] = "revoked",
};

static const char *const kind_names[RELEASE_KIND_COUNT] = {
	[RELEASE_HEAVY_TRUCK] = "heavy_truck",
	[RELEASE_COMMODITY_VEHICLE] = "commodity_vehicle",
};

const char *release_reason_name(enum release_reason r)
{
	return (unsigned)r < RELEASE_REASON_COUNT ? reason_names[r] : reason_names[RELEASE_MALFORMED];
}

const char *release_kind_name(enum release_kind k)
{
	return (unsigned)k < RELEASE_KIND_COUNT ? kind_names[k] : "";
}

int release_kind_parse(const char *name)
{
	for (int k = 0; name != NULL && k < RELEASE_KIND_COUNT; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

/* ---- big-endian fields ---- */

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)(v & 0xff);
}

static uint64_t get_be(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Offsets of the layout in release.h. */
enum { OFF_VERSION = 0, OFF_KID = 1, OFF_BOOKING = 5, OFF_KIND = 13, OFF_COUNT = 14, OFF_FROM = 16, OFF_UNTIL = 20,
	OFF_SERIAL = 24 };

static void claims_pack(const struct release_claims *cl, uint8_t p[RELEASE_PAYLOAD_BYTES])
{
	p[OFF_VERSION] = RELEASE_VERSION;
	put_be(p + OFF_KID, cl->kid, 4);
	put_be(p + OFF_BOOKING, cl->booking_id, 8);
	p[OFF_KIND] = (uint8_t)cl->kind;
	put_be(p + OFF_COUNT, cl->count, 2);
	put_be(p + OFF_FROM, (uint64_t)cl->valid_from, 4);
	put_be(p + OFF_UNTIL, (uint64_t)cl->valid_until, 4);
	put_be(p + OFF_SERIAL, cl->serial, 4);
}

/* 0 when the payload's fields are in range. */
static int claims_unpack(const uint8_t p[RELEASE_PAYLOAD_BYTES], struct release_claims *cl)
{
	if (p[OFF_VERSION] != RELEASE_VERSION || p[OFF_KIND] >= RELEASE_KIND_COUNT)
		return -1;
	cl->kid = (uint32_t)get_be(p + OFF_KID, 4);
	cl->booking_id = get_be(p + OFF_BOOKING, 8);
	cl->kind = (enum release_kind)p[OFF_KIND];
	cl->count = (uint16_t)get_be(p + OFF_COUNT, 2);
	cl->valid_from = (int64_t)get_be(p + OFF_FROM, 4);
	cl->valid_until = (int64_t)get_be(p + OFF_UNTIL, 4);
	cl->serial = (uint32_t)get_be(p + OFF_SERIAL, 4);
	return cl->valid_until >= cl->valid_from ? 0 : -1;
}

/* ---- base32 (RFC 4648 alphabet, no padding) ---- */

static void base32_encode(const uint8_t *in, size_t n, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= BASE32_BITS) {
			bits -= BASE32_BITS;
			out[o++] = base32_alphabet[(acc >> bits) & BASE32_MASK];
		}
	}
	if (bits > 0)
		out[o++] = base32_alphabet[(acc << (BASE32_BITS - bits)) & BASE32_MASK];
	out[o] = '\0';
}

int release_base32_encode(const uint8_t *in, size_t n, char *out, size_t out_len)
{
	if (out_len < RELEASE_BASE32_LEN(n) + 1)
		return -1;
	base32_encode(in, n, out);
	return 0;
}

static int base32_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= '2' && ch <= '7')
		return ch - '2' + 26;
	return -1;
}

/* Decode exactly RELEASE_TOKEN_CHARS canonical characters into out; 0 on
 * success. The unused low bits of the last character must be zero, so that
 * one token has one spelling (a revocation list compares spellings). */
static int base32_decode_token(const char *in, uint8_t out[RELEASE_TOKEN_BYTES])
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < RELEASE_TOKEN_CHARS; i++) {
		int v = base32_value(in[i]);
		if (v < 0)
			return -1;
		acc = (acc << BASE32_BITS) | (uint32_t)v;
		bits += BASE32_BITS;
		if (bits >= 8) {
			bits -= 8;
			if (o == RELEASE_TOKEN_BYTES)
				return -1;
			out[o++] = (uint8_t)((acc >> bits) & 0xff);
		}
	}
	return o == RELEASE_TOKEN_BYTES && (acc & ((1u << bits) - 1)) == 0 ? 0 : -1;
}

/* ---- signing and reading ---- */

enum kerr release_keypair(uint8_t pk[RELEASE_PUBLIC_KEY_BYTES], uint8_t sk[RELEASE_SECRET_KEY_BYTES])
{
	if (sodium_init() < 0)
		return K_INTERNAL;
	return crypto_sign_keypair(pk, sk) == 0 ? K_OK : K_INTERNAL;
}

static int claims_fit(const struct release_claims *cl)
{
	return (unsigned)cl->kind < RELEASE_KIND_COUNT && cl->valid_from >= 0 && cl->valid_until <= TIME_U32_MAX &&
		cl->valid_from <= cl->valid_until;
}

enum kerr release_token_sign(const struct release_claims *cl, const uint8_t sk[RELEASE_SECRET_KEY_BYTES], char *out,
	size_t out_len)
{
	if (!claims_fit(cl) || out_len < RELEASE_TOKEN_MAX)
		return K_VALIDATION_FAILED;
	if (sodium_init() < 0)
		return K_INTERNAL;
	uint8_t bytes[RELEASE_TOKEN_BYTES];
	claims_pack(cl, bytes);
	if (crypto_sign_detached(bytes + RELEASE_PAYLOAD_BYTES, NULL, bytes, RELEASE_PAYLOAD_BYTES, sk) != 0)
		return K_INTERNAL;
	base32_encode(bytes, sizeof bytes, out);
	return K_OK;
}

static int is_blank(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* The token's characters without surrounding blanks, upper-cased, into
 * canon; 0 when they are exactly RELEASE_TOKEN_CHARS long. */
static int normalise(const char *in, size_t len, char canon[RELEASE_TOKEN_MAX])
{
	if (in == NULL || len > RELEASE_INPUT_MAX)
		return -1;
	while (len > 0 && is_blank((unsigned char)in[0])) {
		in++;
		len--;
	}
	while (len > 0 && is_blank((unsigned char)in[len - 1]))
		len--;
	if (len != RELEASE_TOKEN_CHARS)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char ch = in[i];
		canon[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
	}
	canon[len] = '\0';
	return 0;
}

enum release_reason release_token_parse(const char *in, size_t len, struct release_token *out)
{
	uint8_t bytes[RELEASE_TOKEN_BYTES];
	memset(out, 0, sizeof *out);
	if (normalise(in, len, out->text) != 0 || base32_decode_token(out->text, bytes) != 0 ||
		claims_unpack(bytes, &out->claims) != 0) {
		memset(out, 0, sizeof *out);
		return RELEASE_MALFORMED;
	}
	memcpy(out->payload, bytes, RELEASE_PAYLOAD_BYTES);
	memcpy(out->sig, bytes + RELEASE_PAYLOAD_BYTES, RELEASE_SIG_BYTES);
	return RELEASE_VALID;
}

enum release_reason release_token_check_sig(const struct release_token *tok, const uint8_t pk[RELEASE_PUBLIC_KEY_BYTES])
{
	if (sodium_init() < 0)
		return RELEASE_BAD_SIGNATURE;
	return crypto_sign_verify_detached(tok->sig, tok->payload, RELEASE_PAYLOAD_BYTES, pk) == 0 ? RELEASE_VALID
		: RELEASE_BAD_SIGNATURE;
}

enum release_reason release_claims_check_time(const struct release_claims *cl, int64_t now)
{
	if (now < cl->valid_from)
		return RELEASE_NOT_YET_VALID;
	if (now > cl->valid_until)
		return RELEASE_EXPIRED;
	return RELEASE_VALID;
}

/* ---- base64url ---- */

void release_b64url_encode(const uint8_t *in, size_t n, char *out, size_t out_len)
{
	if (sodium_init() < 0 || out_len < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		if (out_len > 0)
			out[0] = '\0';
		return;
	}
	sodium_bin2base64(out, out_len, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int release_b64url_decode(const char *in, uint8_t *out, size_t cap, size_t *n)
{
	const char *end = NULL;
	if (in == NULL || sodium_init() < 0)
		return -1;
	if (sodium_base642bin(out, cap, in, strlen(in), NULL, n, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return *end == '\0' ? 0 : -1;
}

/* ---- the verdict ---- */

void release_time_text(int64_t t, char buf[RELEASE_TIME_TEXT])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, RELEASE_TIME_TEXT, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *release_verdict_json(enum release_reason reason, const struct release_token *tok)
{
	int known = reason != RELEASE_MALFORMED;
	char until[RELEASE_TIME_TEXT];
	release_time_text(tok->claims.valid_until, until);
	return json_pack("{s:b,s:o,s:o,s:o}", "valid", reason == RELEASE_VALID,
		"reason", reason == RELEASE_VALID ? json_null() : json_string(release_reason_name(reason)),
		"booking_id", known ? json_integer((json_int_t)tok->claims.booking_id) : json_null(),
		"valid_until", known ? json_string(until) : json_null());
}
