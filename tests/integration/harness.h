/* Integration tests: start the real kouan binary on 127.0.0.1 against a
 * fresh database (SQLite, or PostgreSQL when KOUAN_TEST_DB=pg) and talk HTTP
 * to it with libcurl. */
#ifndef KOUAN_TESTS_HARNESS_H
#define KOUAN_TESTS_HARNESS_H

#include <jansson.h>
#include <sys/types.h>

struct it_server {
	pid_t pid;
	char dir[256];		/* temporary folder: database file, log */
	char db[512];		/* the --db URL */
	char base[64];		/* http://127.0.0.1:PORT */
	char log[300];		/* the server's standard error */
	char pg_db[64];		/* PostgreSQL: the database made for this server */
};

struct it_client {
	char cookie[200];	/* "kouan_session=..." once logged in */
	char csrf[100];
	const char *lang;	/* ?lang= to add, or NULL */
	const char *accept_language;
};

struct it_resp {
	long status;
	char *body;
	size_t len;
	json_t *json;		/* the body parsed, when it is JSON */
	char headers[8192];
};

/* Start `kouan serve` with extra arguments (NULL-terminated); 0 on success. */
int it_start(struct it_server *s, const char *const *extra);
/* Start a second `kouan serve` on the same database as first (several
 * servers sharing one database), in a folder and log of its own. */
int it_start_twin(struct it_server *twin, const struct it_server *first, const char *const *extra);
/* SIGTERM, wait; returns the exit status (-1 when it had to be killed). */
int it_stop(struct it_server *s);
/* Remove the server's folder (database file, log): call after a stop that
 * passed, so that a failing test leaves them for a look. */
void it_cleanup(struct it_server *s);
/* A test's teardown: stop (exit 0 required), then clean up; 0, or -1 when the
 * stop failed (the folder is kept). */
int it_stop_and_clean(struct it_server *s);
/* 1 when this run's database is PostgreSQL (KOUAN_TEST_DB=pg), else SQLite. */
int it_is_pg(void);
/* One statement on s's database, beside the server (what the API cannot do,
 * e.g. a code's expiry moved into the past); 0 on success. */
int it_db_exec(const struct it_server *s, const char *sql);
/* The database URL the harness would use for a new server (fresh database). */
int it_fresh_db(struct it_server *s, const char *tag);
/* `kouan user add`; returns the command's exit status. */
int it_user_add(struct it_server *s, const char *name, const char *role, const char *org, const char *password);
/* Run a kouan command with stdin_text; returns its exit status, output into out. */
int it_run(const char *const *argv, const char *stdin_text, char *out, size_t out_len);

/* One HTTP request. body may be NULL; content_type NULL means application/json
 * when there is a body. extra_headers is NULL or NULL-terminated "Name: value". */
int it_request(struct it_server *s, struct it_client *c, const char *method, const char *path, const char *body,
	const char *content_type, const char *const *extra_headers, struct it_resp *out);
void it_resp_free(struct it_resp *r);
/* A JSON request whose answer must have this status (a cmocka failure
 * otherwise, the answer printed); returns the answer's JSON (a new reference,
 * NULL when it has none). */
json_t *it_call(struct it_server *s, struct it_client *c, const char *method, const char *path, const char *body,
	long status);
/* POST multipart/form-data: one file part, then name/value pairs of fields
 * (NULL-terminated, may be NULL). */
int it_upload(struct it_server *s, struct it_client *c, const char *path, const char *file_field, const char *filename,
	const void *data, size_t len, const char *const *fields, struct it_resp *out);
/* A whole file (NUL added after it); NULL when it cannot be read. Free it. */
void *it_read_file(const char *path, size_t *len);
/* POST /api/v1/session; keeps the cookie and CSRF token in c; returns the status. */
long it_login(struct it_server *s, struct it_client *c, const char *user, const char *password);
/* error.code of a JSON error body, or "" */
const char *it_error_code(const struct it_resp *r);
/* A demo account's password from the server's log, or NULL. */
const char *it_demo_password(struct it_server *s, const char *username, char *buf, size_t len);

#endif
