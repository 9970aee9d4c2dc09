/* The platform's storage, the only interface handlers see.
 *
 * A `struct store` is a pool of connections to one database, chosen by URL:
 *   sqlite:PATH                       (WAL, foreign keys, busy timeout, synchronous=NORMAL;
 *                                      FULL with KOUAN_SQLITE_SYNCHRONOUS=FULL in the environment)
 *   postgres://USER@HOST:PORT/DB      (any libpq URI; also postgresql://)
 * Both drivers sit behind `struct db_driver` (db.h); the queries below are
 * written once on top of it. Every function takes a connection from the pool
 * for its duration and is safe to call from any thread.
 *
 * Errors: K_OK, K_NOT_FOUND (no such row), K_CONFLICT (a unique or foreign key
 * constraint refused the write), K_DB_UNAVAILABLE (the database did not answer
 * or failed); K_VALIDATION_FAILED for a URL that names no known driver.
 * Times are Unix seconds, UTC. */
#ifndef KOUAN_STORE_STORE_H
#define KOUAN_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

struct store;

#define STORE_NAME_MAX 128	/* bytes of UTF-8, with the NUL */
#define STORE_USCC_MAX 24	/* a credit code's 18 characters, with room to spare */
#define STORE_HASH_MAX 160	/* an argon2id string from crypto_pwhash_str */
#define STORE_TOKEN_MAX 80	/* hex of a SHA-256 (64) with the NUL, and room */

/* Organisation kinds and user roles, as stored. */
#define ORG_ENTERPRISE "enterprise"
#define ORG_WAREHOUSE "warehouse"
#define ORG_BUREAU "bureau"

struct org {
	int64_t id;
	char name[STORE_NAME_MAX];
	char kind[16];		/* enterprise | warehouse | bureau */
	int64_t site_id;	/* warehouse: its transshipment site, 0 when none */
	char uscc[STORE_USCC_MAX];	/* its 统一社会信用代码 when registered with one, else "" */
};

struct user {
	int64_t id;
	char username[STORE_NAME_MAX];
	char role[16];		/* enterprise | warehouse | bureau | gate | admin */
	int64_t org_id;		/* 0 for roles without an organisation (gate, admin) */
	char password_hash[STORE_HASH_MAX];
	int disabled;
	int org_admin;		/* administers its organisation's users (issue 16) */
	char lang[8];		/* "" when the user has chosen none */
	int64_t created_at;
};

struct session {
	char token_hash[STORE_TOKEN_MAX];	/* SHA-256 hex of the cookie value; the cookie itself is never stored */
	int64_t user_id;
	char csrf_token[STORE_TOKEN_MAX];
	int64_t created_at;
	int64_t last_seen;
};

struct site {
	int64_t id;
	char name[STORE_NAME_MAX];
	int kind;		/* SITE_LISTED: a qualified enterprise's site; SITE_OTHER_HORGOS / SITE_OUTSIDE_HORGOS: the bureau approves */
	int active;
};
enum { SITE_LISTED = 0, SITE_OTHER_HORGOS = 1, SITE_OUTSIDE_HORGOS = 2 };

/* Open the pool (pool_size connections, at least 1) and migrate the schema to
 * the newest version. The caller owns *out and frees it with store_close. */
enum kerr store_open(const char *url, int pool_size, struct store **out) KOUAN_MUST_USE;
void store_close(struct store *st);

/* SQLite on a file: what the writer has done so far. Its transactions wait
 * in a queue while one runs and then share one commit (store.c, "group
 * commit"); the store's own thread copies the WAL into the database file
 * beside the writes (checkpoint.c). Zeros on PostgreSQL and :memory:. */
struct store_checkpoints {
	int64_t copies;		/* checkpoints that ran to their end */
	int64_t restarts;	/* of those, the ones after which the WAL started over */
};
struct store_writes {
	int64_t waiting;	/* store_tx calls queued now */
	int64_t commits;	/* groups committed (or failed) */
	int64_t grouped;	/* transactions that shared their commit with others */
	struct store_checkpoints checkpoints;
};
void store_write_counts(struct store *st, struct store_writes *out);

/* One request's reads on one snapshot: until store_release_read, the calling
 * thread's reads (statements starting with SELECT, and store_read) run on one
 * connection held for it, on SQLite in one read transaction begun by the
 * first of them; writes borrow another connection as always. SQLite's WAL
 * read lock is then taken once for all of them rather than per statement.
 * Nothing is held (and reads borrow as usual) when it would leave the pool
 * without a connection for a write. Only for requests that read and do not
 * read back what they write, or that release the hold before they write. */
enum kerr store_hold_read(struct store *st) KOUAN_MUST_USE;
void store_release_read(struct store *st);
/* What a database URL names: sqlite:PATH, or postgres:// (postgresql://). */
enum store_url { STORE_URL_UNKNOWN, STORE_URL_SQLITE, STORE_URL_POSTGRES };
/* The kind of url; *target (when not NULL) is what the driver opens: the
 * file's path for SQLite, the whole URL for PostgreSQL. */
enum store_url store_url_kind(const char *url, const char **target);
/* "sqlite" or "postgres". */
const char *store_driver_name(const struct store *st);
/* True when the database takes one write at a time (SQLite): writers queue
 * for it and share its commits; false when each write has its own connection. */
bool store_one_writer(const struct store *st);
/* K_OK when the database answers a trivial query. */
enum kerr store_ping(struct store *st) KOUAN_MUST_USE;
/* K_OK when the database takes a write (one row rewritten); K_DB_UNAVAILABLE otherwise. */
enum kerr store_ping_write(struct store *st, int64_t now) KOUAN_MUST_USE;
/* The schema version now in the database. */
enum kerr store_schema_version(struct store *st, int *version) KOUAN_MUST_USE;
/* The newest schema version this program knows. */
int store_schema_newest(void);

/* Organisations. */
enum kerr store_org_create(struct store *st, const char *name, const char *kind, int64_t *id) KOUAN_MUST_USE;
enum kerr store_org_get(struct store *st, int64_t id, struct org *out) KOUAN_MUST_USE;
enum kerr store_org_by_name(struct store *st, const char *name, struct org *out) KOUAN_MUST_USE;
/* The organisation registered with a USCC (统一社会信用代码) and approved (K_NOT_FOUND when none). */
enum kerr store_org_by_uscc(struct store *st, const char *uscc, struct org *out) KOUAN_MUST_USE;
/* *out is an array of the *n organisations registered with a USCC and approved; free() it. */
enum kerr store_org_registered(struct store *st, struct org **out, size_t *n) KOUAN_MUST_USE;
/* Link a warehouse organisation to its transshipment site (0 unlinks). */
enum kerr store_org_set_site(struct store *st, int64_t org_id, int64_t site_id) KOUAN_MUST_USE;
/* *out is an array of *n orgs, ordered by name; the caller frees it with free(). */
enum kerr store_org_list(struct store *st, struct org **out, size_t *n) KOUAN_MUST_USE;

/* Transshipment sites (the bureau's list). */
enum kerr store_site_create(struct store *st, const char *name, int kind, int64_t *id) KOUAN_MUST_USE;
enum kerr store_site_list(struct store *st, struct site **out, size_t *n) KOUAN_MUST_USE;

/* Users. Names are unique after NFKC case folding (K_CONFLICT); lookups by
 * name fold it too. */
enum kerr store_user_create(struct store *st, const char *username, const char *role, int64_t org_id,
	const char *password_hash, int64_t *id) KOUAN_MUST_USE;
enum kerr store_user_get(struct store *st, int64_t id, struct user *out) KOUAN_MUST_USE;
/* kouan user add: the user and, when org_name names none yet, its
 * organisation (the role's kind) in one transaction; *org_created says whether
 * it was made. K_VALIDATION_FAILED when the organisation has another kind or
 * the role needs one; K_CONFLICT when the name is taken. */
enum kerr store_user_add(struct store *st, const char *username, const char *role, const char *org_name,
	const char *password_hash, int64_t *id, int *org_created) KOUAN_MUST_USE;
enum kerr store_user_by_name(struct store *st, const char *username, struct user *out) KOUAN_MUST_USE;
/* Ordered by username; the caller frees *out with free(). */
enum kerr store_user_list(struct store *st, struct user **out, size_t *n) KOUAN_MUST_USE;
enum kerr store_user_set_password(struct store *st, int64_t id, const char *password_hash) KOUAN_MUST_USE;
enum kerr store_user_set_disabled(struct store *st, int64_t id, int disabled) KOUAN_MUST_USE;
enum kerr store_user_set_lang(struct store *st, int64_t id, const char *lang) KOUAN_MUST_USE;

/* Sessions, kept in the database so that several servers share them. */
enum kerr store_session_create(struct store *st, const struct session *s) KOUAN_MUST_USE;
enum kerr store_session_get(struct store *st, const char *token_hash, struct session *out) KOUAN_MUST_USE;
enum kerr store_session_touch(struct store *st, const char *token_hash, int64_t now) KOUAN_MUST_USE;
/* What a session's rights rest on, read in one statement at every request
 * (api/session.c): the session row (gone after a logout, a password change,
 * a reset or the user's disabling, on whichever server) and its user's and
 * organisation's parts that decide what the caller may do or see. */
struct session_check {
	int64_t user_id;
	int64_t last_seen;
	int disabled;
	int org_admin;
	int64_t org_id;
	int64_t site_id;	/* the organisation's site, 0 when none */
	char role[16];
	char lang[8];
};
/* K_NOT_FOUND when the session is not (or no longer) there. */
enum kerr store_session_check(struct store *st, const char *token_hash, struct session_check *out) KOUAN_MUST_USE;
enum kerr store_session_delete(struct store *st, const char *token_hash) KOUAN_MUST_USE;
/* Every session of a user (password reset, disabling). */
enum kerr store_session_delete_user(struct store *st, int64_t user_id) KOUAN_MUST_USE;
/* Sessions created before created_before or idle since before idle_before. */
enum kerr store_session_purge(struct store *st, int64_t created_before, int64_t idle_before) KOUAN_MUST_USE;

/* The throttle's counters (api/throttle.h uses them): failures of subject
 * ('' for the address's own count) from addr for one kind of attempt.
 * store_throttle_fail adds one in a single statement, so that concurrent
 * failures all count, starting again at 1 when the last failure is older than
 * window_start; *failures gets the new count. store_throttle_get reads the
 * count (0 when none since window_start) and the last failure's time. */
enum kerr store_throttle_fail(struct store *st, const char *kind, const char *subject, const char *addr, int64_t now,
	int64_t window_start, int64_t *failures) KOUAN_MUST_USE;
enum kerr store_throttle_get(struct store *st, const char *kind, const char *subject, const char *addr,
	int64_t window_start, int64_t *failures, int64_t *last_at) KOUAN_MUST_USE;
enum kerr store_throttle_clear(struct store *st, const char *kind, const char *subject, const char *addr) KOUAN_MUST_USE;
/* Forget counters whose last failure is before before. */
enum kerr store_throttle_purge(struct store *st, int64_t before) KOUAN_MUST_USE;

/* Option lists the bureau keeps (DOMAIN.md; the names in core/domain.h).
 * *values is an array of *n strings (enabled ones) in display order; free it
 * with store_strings_free. */
enum kerr store_option_list(struct store *st, const char *list, char ***values, size_t *n) KOUAN_MUST_USE;
enum kerr store_option_add(struct store *st, const char *list, const char *value) KOUAN_MUST_USE;
void store_strings_free(char **values, size_t n);

/* The items of a list with their stable code (rules hang on codes, never on
 * the text the bureau may rename) and whether they are disabled. */
struct option_item {
	int64_t id;
	char code[64];
	char value[STORE_NAME_MAX];
	int disabled;
};
/* Every item of list in display order (disabled ones too); free *out. */
enum kerr store_option_items(struct store *st, const char *list, struct option_item **out, size_t *n) KOUAN_MUST_USE;
/* Append a value; code NULL gives one ("v" and the id). K_CONFLICT when the
 * list has the value or the code already. */
enum kerr store_option_add_coded(struct store *st, const char *list, const char *code, const char *value,
	int64_t *id) KOUAN_MUST_USE;
/* Rename (value non-NULL), disable or enable (disabled 0/1), move (position
 * >= 0); -1 leaves disabled or position alone. The code never changes. */
enum kerr store_option_update(struct store *st, const char *list, int64_t id, const char *value, int disabled,
	int64_t position) KOUAN_MUST_USE;
/* The item of list whose value is value: K_NOT_FOUND when none. */
enum kerr store_option_find(struct store *st, const char *list, const char *value, struct option_item *out)
	KOUAN_MUST_USE;

/* ---- Added with the implementation (src/store/) ---- */

/* Validation shared with handlers and commands: 1 when acceptable. */
int store_username_acceptable(const char *name);	/* 3-64 bytes: letters (one script, or Latin with CJK), digits, _ . - */
/* The name's unique form: NFKC with case folding (ENT1, ent1 and ｅｎｔ１ give
 * one key). 0, or -1 when name is not UTF-8 or the key does not fit out_len. */
int store_username_key(const char *name, char *out, size_t out_len);
/* Organisation names: UTF-8 without control, bidi-override or other invisible format characters. */
int store_org_name_ok(const char *name);
int store_role_valid(const char *role);			/* enterprise warehouse bureau gate admin */
int store_org_kind_valid(const char *kind);
int store_option_list_known(const char *list);
/* The organisation kind a role belongs to ("enterprise", "warehouse",
 * "bureau"), NULL for gate and admin (and unknown roles). A bureau user may
 * also have no organisation. store_user_create refuses an org_id that does
 * not fit the role with K_VALIDATION_FAILED (K_CONFLICT if it names none). */
const char *store_role_org_kind(const char *role);

enum kerr store_site_get(struct store *st, int64_t id, struct site *out) KOUAN_MUST_USE;
enum kerr store_site_by_name(struct store *st, const char *name, struct site *out) KOUAN_MUST_USE;
enum kerr store_site_set_active(struct store *st, int64_t id, int active) KOUAN_MUST_USE;
/* K_NOT_FOUND when the list has no such value. */
enum kerr store_option_remove(struct store *st, const char *list, const char *value) KOUAN_MUST_USE;

/* Demo data (demo.c), idempotent: the option lists of DOMAIN.md's demo
 * values, the transshipment sites, one enterprise, two warehouse
 * organisations and the bureau, and one account per role. A new account's
 * random password is written once to report as
 *   demo-account username=demo_enterprise role=enterprise password=XXXXXXXX
 * (report may be NULL); accounts that already exist are left alone. */
enum kerr store_demo_seed(struct store *st, FILE *report) KOUAN_MUST_USE;

#endif
