/* kouan verify TOKEN [--db URL | --key BASE64URL]
 * Checks a release code the way the gate does and prints
 * {"valid", "reason", "booking_id", "valid_until"}; exit 0 when the code is
 * valid, 1 when it is not, 2 for a usage or database error.
 *   --key  the public key (base64url, GET /api/v1/release-key): offline, so
 *          unknown_key and revoked cannot be told;
 *   --db   the platform's database (default $KOUAN_DB, then sqlite:var/kouan.db):
 *          the key is looked up by the token's key id and revocation is checked. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/cliopt.h"
#include "release/release.h"
#include "store/release.h"

#define VERIFY_DB_POOL 1

struct verify_args {
	const char *token, *db, *key;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: kouan verify TOKEN [--db URL | --key BASE64URL]\n"
		"  --key  the release public key (base64url): checks form, signature and validity offline\n"
		"  --db   sqlite:PATH or postgres://... (default $KOUAN_DB, then " CLI_DEFAULT_DB "):\n"
		"         also the key id and revocation\n"
		"Prints {\"valid\",\"reason\",\"booking_id\",\"valid_until\"}; exit 0 valid, 1 not valid, 2 error.\n"
		"Lower-case letters and surrounding blanks in TOKEN are accepted (a scanner with Caps Lock).\n");
}

static int parse(int argc, char **argv, struct verify_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		const char **slot = NULL;
		if (cli_option(argc, argv, &i, "--db", &v))
			slot = &a->db;
		else if (cli_option(argc, argv, &i, "--key", &v))
			slot = &a->key;
		else if (argv[i][0] == '-' || a->token != NULL)
			return 2;
		else
			a->token = argv[i];
		if (slot != NULL && (v == NULL || v[0] == '\0'))
			return 2;
		if (slot != NULL)
			*slot = v;
	}
	return a->token == NULL || (a->db != NULL && a->key != NULL) ? 2 : 0;
}

static int verify_with_key(const struct verify_args *a, struct release_token *tok, enum release_reason *reason)
{
	uint8_t pk[RELEASE_PUBLIC_KEY_BYTES];
	size_t n = 0;
	if (release_b64url_decode(a->key, pk, sizeof pk, &n) != 0 || n != sizeof pk) {
		fprintf(stderr, "kouan verify: --key is not a base64url Ed25519 public key\n");
		return 2;
	}
	*reason = release_token_parse(a->token, strlen(a->token), tok);
	if (*reason == RELEASE_VALID)
		*reason = release_token_check_sig(tok, pk);
	if (*reason == RELEASE_VALID)
		*reason = release_claims_check_time(&tok->claims, (int64_t)time(NULL));
	return 0;
}

static int verify_with_db(const struct verify_args *a, struct release_token *tok, enum release_reason *reason)
{
	const char *url = cli_database(a->db);
	struct store *st = NULL;
	enum kerr e = store_open(url, VERIFY_DB_POOL, &st);
	if (e == K_OK)
		e = store_release_verify(st, a->token, strlen(a->token), (int64_t)time(NULL), tok, reason);
	if (st != NULL)
		store_close(st);
	if (e != K_OK) {
		fprintf(stderr, "kouan verify: database %s: %s\n", url, kerr_code(e));
		return 2;
	}
	return 0;
}

int cli_verify(int argc, char **argv)
{
	struct verify_args a = {0};
	struct release_token tok;
	enum release_reason reason = RELEASE_MALFORMED;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (parse(argc, argv, &a) != 0) {
		usage(stderr);
		return 2;
	}
	int rc = a.key ? verify_with_key(&a, &tok, &reason) : verify_with_db(&a, &tok, &reason);
	if (rc != 0)
		return rc;
	json_t *out = release_verdict_json(reason, &tok);
	char *text = json_dumps(out, JSON_COMPACT);
	printf("%s\n", text ? text : "");
	free(text);
	json_decref(out);
	return reason == RELEASE_VALID ? 0 : 1;
}
