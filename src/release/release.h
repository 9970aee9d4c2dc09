/* The release code (放行二维码): a token signed with Ed25519 over what the
 * gate must know of a released booking, written in upper-case ASCII only and
 * put in a QR code in alphanumeric mode.
 *
 * Why upper case only: keyboard-wedge scanners type the code as keystrokes,
 * and Caps Lock or a Chinese input method turn lower case into something
 * else. The token is RFC 4648 base32 (A-Z, 2-7) without padding, which is
 * also a subset of the QR alphanumeric alphabet.
 *
 * Input normalisation (decided here, once): release_token_parse accepts a
 * token with leading/trailing ASCII blanks (a scanner's CR/LF, a paste) and
 * with lower-case letters, which it maps to upper case: a lower-case token
 * can only be the same code garbled by Caps Lock, and it still has to carry
 * a valid signature. Anything else outside the alphabet is `malformed`.
 *
 * Layout (version 1), big-endian, then the 64-byte signature over these bytes:
 *   version u8 | kid u32 | booking_id u64 | kind u8 | count u16 |
 *   valid_from u32 | valid_until u32 | serial u32
 * (times are Unix seconds, UTC; kid is the signing key's id). */
#ifndef KOUAN_RELEASE_RELEASE_H
#define KOUAN_RELEASE_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define RELEASE_VERSION 1
#define RELEASE_PAYLOAD_BYTES 28
#define RELEASE_SIG_BYTES 64
#define RELEASE_TOKEN_BYTES (RELEASE_PAYLOAD_BYTES + RELEASE_SIG_BYTES)
#define RELEASE_TOKEN_CHARS 148		/* base32 of RELEASE_TOKEN_BYTES, unpadded */
#define RELEASE_TOKEN_MAX (RELEASE_TOKEN_CHARS + 1)
#define RELEASE_INPUT_MAX 512		/* bytes of input looked at, blanks included */
#define RELEASE_PUBLIC_KEY_BYTES 32
#define RELEASE_SECRET_KEY_BYTES 64
#define RELEASE_KEY_B64_MAX 128		/* base64url of a secret key, with room */

/* Booking kinds as the token carries them (DOMAIN.md). */
enum release_kind { RELEASE_HEAVY_TRUCK = 0, RELEASE_COMMODITY_VEHICLE = 1, RELEASE_KIND_COUNT };

/* What the token says. count: plates that are not trailers (heavy trucks)
 * or VINs (commodity vehicles). serial: the code's issue number for its
 * booking (a moved slot reissues with the next serial). */
struct release_claims {
	uint32_t kid;
	uint64_t booking_id;
	enum release_kind kind;
	uint16_t count;
	int64_t valid_from;
	int64_t valid_until;
	uint32_t serial;
};

/* Why a token is not valid; RELEASE_VALID when it is. Names in release_reason_name. */
enum release_reason {
	RELEASE_VALID = 0,
	RELEASE_MALFORMED,
	RELEASE_BAD_SIGNATURE,
	RELEASE_UNKNOWN_KEY,
	RELEASE_EXPIRED,
	RELEASE_NOT_YET_VALID,
	RELEASE_REVOKED,
	RELEASE_REASON_COUNT
};

/* "valid", "malformed", "bad_signature", "unknown_key", "expired",
 * "not_yet_valid", "revoked". */
const char *release_reason_name(enum release_reason r);
/* "heavy_truck" / "commodity_vehicle"; -1 from release_kind_parse when unknown. */
const char *release_kind_name(enum release_kind k);
int release_kind_parse(const char *name);

/* A parsed token: the claims, the signed bytes and the signature. */
struct release_token {
	struct release_claims claims;
	uint8_t payload[RELEASE_PAYLOAD_BYTES];
	uint8_t sig[RELEASE_SIG_BYTES];
	char text[RELEASE_TOKEN_MAX];	/* the canonical (upper-case) token */
};

/* Make a key pair (libsodium). K_INTERNAL when libsodium cannot start. */
enum kerr release_keypair(uint8_t pk[RELEASE_PUBLIC_KEY_BYTES], uint8_t sk[RELEASE_SECRET_KEY_BYTES]) KOUAN_MUST_USE;

/* Sign claims with sk and write the token into out (out_len >=
 * RELEASE_TOKEN_MAX). K_VALIDATION_FAILED for claims the layout cannot hold
 * (times outside u32, a window that ends before it starts, unknown kind). */
enum kerr release_token_sign(const struct release_claims *cl, const uint8_t sk[RELEASE_SECRET_KEY_BYTES], char *out,
	size_t out_len) KOUAN_MUST_USE;

/* Read a token (see the normalisation above). RELEASE_VALID when its form is
 * right (the signature is not checked here), else RELEASE_MALFORMED. */
enum release_reason release_token_parse(const char *in, size_t len, struct release_token *out) KOUAN_MUST_USE;

/* RELEASE_VALID when tok's signature is pk's, else RELEASE_BAD_SIGNATURE. */
enum release_reason release_token_check_sig(const struct release_token *tok, const uint8_t pk[RELEASE_PUBLIC_KEY_BYTES]);
/* RELEASE_VALID, RELEASE_NOT_YET_VALID or RELEASE_EXPIRED at time now
 * (valid_from <= now <= valid_until). */
enum release_reason release_claims_check_time(const struct release_claims *cl, int64_t now);

/* The verdict as `kouan verify` prints it and the API answers it:
 * {"valid", "reason" (null when valid), "booking_id", "valid_until"} (the
 * last two null for a malformed token; times in RFC 3339, UTC). New reference. */
struct json_t;
struct json_t *release_verdict_json(enum release_reason reason, const struct release_token *tok);
/* t (Unix seconds) as "YYYY-MM-DDTHH:MM:SSZ" in buf. */
#define RELEASE_TIME_TEXT 32
void release_time_text(int64_t t, char buf[RELEASE_TIME_TEXT]);

/* Base64url without padding (the public key in the API and `kouan verify
 * --key`). encode writes a NUL-terminated string; decode returns 0 and the
 * byte count in *n, or -1 for bad input or more than cap bytes. */
void release_b64url_encode(const uint8_t *in, size_t n, char *out, size_t out_len);
int release_b64url_decode(const char *in, uint8_t *out, size_t cap, size_t *n);

/* RFC 4648 base32 (A-Z, 2-7) of n bytes without padding, as release tokens
 * are written (also the TOTP secret of an otpauth:// URI). 0, or -1 when out
 * (out_len bytes) cannot hold the RELEASE_BASE32_LEN(n) characters and a NUL. */
#define RELEASE_BASE32_LEN(n) (((n) * 8 + 4) / 5)
int release_base32_encode(const uint8_t *in, size_t n, char *out, size_t out_len);

/* The QR code of a token in alphanumeric mode (libqrencode, opened on first
 * use). PNG: *png (malloc'd, the caller frees) of *png_len bytes, module_px
 * pixels a module with a 4-module quiet zone. SVG: a NUL-terminated string
 * the caller frees. K_INTERNAL when libqrencode is missing or fails;
 * K_VALIDATION_FAILED for text outside the alphanumeric alphabet or longer
 * than RELEASE_TOKEN_CHARS. */
#define RELEASE_QR_MODULE_PX 8
enum kerr release_qr_png(const char *text, int module_px, uint8_t **png, size_t *png_len) KOUAN_MUST_USE;
enum kerr release_qr_svg(const char *text, char **svg) KOUAN_MUST_USE;
/* The same for any text in 8-bit mode (an otpauth:// URI of the second
 * factor): up to RELEASE_QR_TEXT_MAX bytes, else K_VALIDATION_FAILED. */
#define RELEASE_QR_TEXT_MAX 512
enum kerr release_qr_text_png(const char *text, int module_px, uint8_t **png, size_t *png_len) KOUAN_MUST_USE;
enum kerr release_qr_text_svg(const char *text, char **svg) KOUAN_MUST_USE;

#endif
