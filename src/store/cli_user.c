/* kouan user add NAME --role ROLE [--org ORG] [--db URL]
 * Creates an account; the password is the first line of standard input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/password.h"
#include "cli.h"
#include "core/cliopt.h"
#include "store/store.h"

#define CLI_LINE_MAX (AUTH_PASSWORD_MAX + 3)	/* the password, CR, LF and NUL */

struct add_args {
	const char *name, *role, *org, *db;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: kouan user add NAME --role ROLE [--org ORG] [--db URL]\n"
		"  ROLE     enterprise | warehouse | bureau | gate | admin\n"
		"  --org    the organisation (required for enterprise and warehouse, optional for bureau,\n"
		"           refused for gate and admin); created with the role's kind when missing\n"
		"  --db     sqlite:PATH or postgres://...; default $KOUAN_DB, then " CLI_DEFAULT_DB "\n"
		"The password (%d to %d bytes) is read from the first line of standard input.\n",
		AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
}

static int parse_add(int argc, char **argv, struct add_args *a)
{
	for (int i = 2; i < argc; i++) {
		const char *v = NULL;
		const char **slot = NULL;
		if (cli_option(argc, argv, &i, "--role", &v))
			slot = &a->role;
		else if (cli_option(argc, argv, &i, "--org", &v))
			slot = &a->org;
		else if (cli_option(argc, argv, &i, "--db", &v))
			slot = &a->db;
		else if (argv[i][0] == '-' || a->name != NULL) {
			fprintf(stderr, "kouan user add: unexpected argument '%s'\n", argv[i]);
			return 2;
		} else {
			a->name = argv[i];
			continue;
		}
		if (v == NULL || v[0] == '\0') {
			fprintf(stderr, "kouan user add: %s needs a value\n", argv[i]);
			return 2;
		}
		*slot = v;
	}
	if (a->name == NULL || a->role == NULL) {
		fprintf(stderr, "kouan user add: NAME and --role are required\n");
		return 2;
	}
	return 0;
}

/* The first line of stdin, CR/LF stripped, into buf; -1 when it is too long
 * or missing. With a terminal, the password is not echoed. */
static int read_password(char *buf, size_t size, size_t *len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fprintf(stderr, "password: ");
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *got = fgets(buf, (int)size, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (got == NULL)
		return -1;
	size_t n = strlen(buf);
	if (n == size - 1 && buf[n - 1] != '\n' && !feof(stdin))
		return -1;	/* longer than any acceptable password */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	*len = n;
	return 0;
}

/* An organisation that exists with another kind than the role's: said
 * here, before the transaction, in words. Exit status. */
static int check_org_kind(struct store *st, const struct add_args *a)
{
	const char *kind = store_role_org_kind(a->role);
	struct org o;
	if (a->org == NULL || store_org_by_name(st, a->org, &o) != K_OK || strcmp(o.kind, kind) == 0)
		return 0;
	fprintf(stderr, "kouan user add: organisation '%s' is a %s, not a %s\n", a->org, o.kind, kind);
	return 1;
}

/* Check what can be checked before opening the database. Exit status. */
static int check_args(const struct add_args *a)
{
	if (!store_role_valid(a->role)) {
		fprintf(stderr, "kouan user add: unknown role '%s'\n", a->role);
		return 1;
	}
	if (!store_username_acceptable(a->name)) {
		fprintf(stderr, "kouan user add: bad user name (3-64 bytes: letters of one script, digits, _ . -)\n");
		return 1;
	}
	const char *kind = store_role_org_kind(a->role);
	if (kind == NULL && a->org != NULL) {
		fprintf(stderr, "kouan user add: a %s user has no organisation; drop --org\n", a->role);
		return 2;
	}
	if (kind != NULL && a->org == NULL && strcmp(a->role, "bureau") != 0) {
		fprintf(stderr, "kouan user add: a %s user needs --org\n", a->role);
		return 2;
	}
	return 0;
}

/* The organisation (when missing) and the user in one transaction: a kill
 * leaves both or neither. */
static int create(struct store *st, const struct add_args *a, const char *hash)
{
	int64_t id = 0;
	int org_created = 0;
	int rc = check_org_kind(st, a);
	if (rc != 0)
		return rc;
	enum kerr e = store_user_add(st, a->name, a->role, a->org, hash, &id, &org_created);
	if (e == K_CONFLICT) {
		fprintf(stderr, "kouan user add: user '%s' already exists (names are compared without case)\n", a->name);
		return 1;
	}
	if (e == K_VALIDATION_FAILED && a->org)
		fprintf(stderr, "kouan user add: '%s' is not a valid organisation name for a %s user\n", a->org, a->role);
	else if (e != K_OK)
		fprintf(stderr, "kouan user add: %s\n", kerr_message(e, LANG_EN));
	if (e != K_OK)
		return e == K_VALIDATION_FAILED ? 1 : 2;
	if (org_created)
		fprintf(stderr, "kouan user add: created organisation '%s' (%s)\n", a->org, store_role_org_kind(a->role));
	printf("user added: id=%lld username=%s role=%s%s%s\n", (long long)id, a->name, a->role,
		a->org ? " org=" : "", a->org ? a->org : "");
	return 0;
}

static int user_add(int argc, char **argv)
{
	struct add_args a = {0};
	int rc = parse_add(argc, argv, &a);
	if (rc == 0)
		rc = check_args(&a);
	if (rc != 0) {
		if (rc == 2)
			usage(stderr);
		return rc;
	}
	a.db = cli_database(a.db);

	char pw[CLI_LINE_MAX], hash[STORE_HASH_MAX];
	size_t len = 0;
	if (read_password(pw, sizeof pw, &len) != 0 || !auth_password_acceptable(pw, len)) {
		sodium_memzero(pw, sizeof pw);
		fprintf(stderr, "kouan user add: the password must be %d to %d bytes of text on the first line of "
			"standard input\n", AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
		return 1;
	}
	enum kerr e = auth_password_hash(pw, len, hash);
	sodium_memzero(pw, sizeof pw);
	if (e != K_OK) {
		fprintf(stderr, "kouan user add: %s\n", kerr_message(e, LANG_EN));
		return 2;
	}
	struct store *st = NULL;
	e = store_open(a.db, 1, &st);
	if (e != K_OK) {
		fprintf(stderr, "kouan user add: cannot open the database: %s\n",
			e == K_VALIDATION_FAILED ? "unknown URL (sqlite:PATH or postgres://...)" : kerr_message(e, LANG_EN));
		return 2;
	}
	rc = create(st, &a, hash);
	store_close(st);
	return rc;
}

int cli_user(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "add") == 0) {
		for (int i = 2; i < argc; i++)
			if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
				usage(stdout);
				return 0;
			}
		return user_add(argc, argv);
	}
	usage(stderr);
	return 2;
}
