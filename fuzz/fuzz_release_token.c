/* libFuzzer driver: the release token reader (src/release/token.c) as the
 * gate and `kouan verify` call it: parse (normalising blanks and case), check
 * the signature against a fixed key, the time window and the verdict. A
 * token that parses must parse again from its canonical text to the same
 * claims (one spelling per token). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "release/release.h"

#define FUZZ_NOW 1796000000LL

/* The public key of the seed tokens in fuzz/corpus/release_token/. */
static const char seed_public_key[] = "6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pk[RELEASE_PUBLIC_KEY_BYTES];
	size_t n = 0;
	struct release_token tok, again;
	if (release_b64url_decode(seed_public_key, pk, sizeof pk, &n) != 0 || n != sizeof pk)
		abort();
	enum release_reason r = release_token_parse((const char *)data, size, &tok);
	if (r == RELEASE_VALID) {
		if (release_token_parse(tok.text, strlen(tok.text), &again) != RELEASE_VALID ||
			memcmp(&tok.claims, &again.claims, sizeof tok.claims) != 0)
			abort();
		r = release_token_check_sig(&tok, pk);
		if (r == RELEASE_VALID)
			r = release_claims_check_time(&tok.claims, FUZZ_NOW);
	}
	json_decref(release_verdict_json(r, &tok));
	return 0;
}
