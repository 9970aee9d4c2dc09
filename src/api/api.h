/* The JSON API and the pages: the application behind the HTTP server.
 * Handlers see a `struct api_ctx` (the request, the store, the caller) and
 * never a database driver or libmicrohttpd. */
#ifndef KOUAN_API_API_H
#define KOUAN_API_API_H

#include <jansson.h>
#include <stdint.h>

#include "core/domain.h"
#include "core/error.h"
#include "http/http.h"
#include "store/store.h"

struct session_cache;
struct booking_cache;
struct metrics;
struct workq;

struct api_settings {
	long session_idle_s;	/* a session unused this long ends */
	long session_max_s;	/* and every session ends this long after login */
	long login_max_per_user;	/* failed logins per account in the window */
	long login_max_per_addr;	/* failed logins per client address in the window */
	long login_window_s;
	long login_backoff_s;	/* the first wait beyond the free failures; doubled after each next */
	size_t max_body;	/* JSON bodies */
	size_t max_upload;	/* multipart bodies, on UPLOAD routes only */
	const char *metrics_from;	/* who may read /metrics: "loopback", "any" or addresses "A,B" */
};

struct app {
	struct store *store;
	struct api_settings set;
	struct session_cache *sessions;
	struct booking_cache *bookings;	/* GET /bookings/{id} answers (api/booking_cache.h) */
	struct metrics *metrics;
	struct workq *scans;	/* recognition and page rendering: a queue of their own */
	struct workq *writers;	/* transactions that wait for the writer (api_defer_to_writers) */
	int64_t started_at;	/* Unix seconds */
	int test_clock;		/* --test-clock: POST /api/v1/capacity/expire-now may name its "now" */
};

/* Who is calling: filled for routes that need a session. */
struct caller {
	struct user user;
	struct org org;		/* id 0 when the user has none */
	struct session session;
	char token[65];		/* the cookie's value: kept in memory only */
};

struct api_ctx {
	struct http_request *req;
	struct app *app;
	struct caller *who;	/* NULL on public routes */
	enum lang lang;
	const char *params[4];	/* :segments of the route, in order */
	char param_buf[4][64];
};

/* Role bits for the route table. */
enum {
	ROLE_ENTERPRISE = 1 << 0,
	ROLE_WAREHOUSE = 1 << 1,
	ROLE_BUREAU = 1 << 2,
	ROLE_GATE = 1 << 3,
	ROLE_ADMIN = 1 << 4,
	ROLE_ANY = 0x1f,
};
int role_bit(const char *role);	/* 0 when unknown */

/* The entry point for the HTTP server. */
void api_handle(struct http_request *req, void *app);
/* Before a body is read: its route, method, type and limit (http.h's http_admit). */
enum kerr api_admit(const struct http_request *req, size_t *max_body, void *app);
void api_observe(const struct http_request *req, int status, int64_t elapsed_us, void *app);

/* Answers. Each queues the response; a handler then returns. */
void api_json(struct api_ctx *c, int status, json_t *body);	/* steals body */
/* The same with a body already written as JSON text (len bytes). */
void api_json_text(struct api_ctx *c, int status, const char *text, size_t len);
void api_no_content(struct api_ctx *c);
void api_error(struct api_ctx *c, enum kerr e);
/* The error e with the members of detail (stolen) added beside its code
 * and message, e.g. {"nearest_dates": [...]}. */
void api_error_detail(struct api_ctx *c, enum kerr e, json_t *detail);
/* 422 validation_failed with one entry per failing field: fields is a JSON
 * array built with field_error(); stolen. */
void api_invalid(struct api_ctx *c, json_t *fields);
/* The end of a body check: 1 after answering api_invalid when fields (stolen
 * either way) has entries, else 0 and nothing answered. */
int api_invalid_if_any(struct api_ctx *c, json_t *fields);
/* The end of a handler that collected field problems and then acted:
 * body and fields are released; answers 422 when fields has entries, else
 * the error e when it is not K_OK; 1 when it answered. */
int api_finish_fields(struct api_ctx *c, json_t *body, json_t *fields, enum kerr e);

enum field_problem { FIELD_REQUIRED, FIELD_TOO_SHORT, FIELD_TOO_LONG, FIELD_INVALID, FIELD_TAKEN,
	FIELD_WRONG, FIELD_UNKNOWN_CHOICE, FIELD_READ_ONLY, FIELD_PROBLEM_COUNT };
#define FIELD_NAME_MAX 96	/* a field's name in an answer, e.g. "vehicles[299].vin" */
/* Append {"field","code","message"} to arr in the caller's language. */
void field_error(struct api_ctx *c, json_t *arr, const char *field, enum field_problem p);
/* 422 validation_failed naming one field. */
void api_invalid_field(struct api_ctx *c, const char *field, enum field_problem p);

/* What is wrong with a password a user chooses, or FIELD_PROBLEM_COUNT when nothing is. */
enum field_problem password_problem(const char *pw);

/* Parse the body as a JSON object (NULL after answering 400/415). Owned by the caller. */
json_t *api_body_object(struct api_ctx *c);
/* The same over bytes: a new object, or NULL when they are not one. */
json_t *api_json_object_parse(const char *body, size_t len);
/* A string member: NULL when absent or not a string. */
const char *json_str(json_t *obj, const char *key);

/* Handlers, one file per resource. */
void session_login(struct api_ctx *c);
void session_logout(struct api_ctx *c);
void session_me(struct api_ctx *c);
void session_set_lang(struct api_ctx *c);
void session_set_password(struct api_ctx *c);
void users_list(struct api_ctx *c);
void users_create(struct api_ctx *c);
void users_update(struct api_ctx *c);
void users_reset_password(struct api_ctx *c);
void options_get(struct api_ctx *c);
void domain_get(struct api_ctx *c);
void options_add(struct api_ctx *c);
void options_update(struct api_ctx *c);
void sites_list(struct api_ctx *c);
void sites_create(struct api_ctx *c);
void sites_update(struct api_ctx *c);
void organisations_list(struct api_ctx *c);
void organisations_update(struct api_ctx *c);
void declarations_upload(struct api_ctx *c);
void declarations_get(struct api_ctx *c);
void declarations_pdf(struct api_ctx *c);
void declarations_page(struct api_ctx *c);
void bookings_create(struct api_ctx *c);
void bookings_list(struct api_ctx *c);
void bookings_get(struct api_ctx *c);
void bookings_patch(struct api_ctx *c);
void bookings_check(struct api_ctx *c);
void bookings_submit(struct api_ctx *c);
void bookings_withdraw(struct api_ctx *c);
void bookings_cancel(struct api_ctx *c);
void bookings_import_vehicles(struct api_ctx *c);
void attachments_upload(struct api_ctx *c);
void attachments_download(struct api_ctx *c);
void vin_template_get(struct api_ctx *c);
void openapi_get(struct api_ctx *c);
/* Accounts (issue 16, registrations.c). */
void registrations_create(struct api_ctx *c);
void registrations_get(struct api_ctx *c);
void registrations_list(struct api_ctx *c);
void registrations_approve(struct api_ctx *c);
void registrations_reject(struct api_ctx *c);
void account_audit_search(struct api_ctx *c);
void users_reset_code(struct api_ctx *c);
void password_reset_redeem(struct api_ctx *c);
/* The second factor (issue 16, item 5; totp.c). */
void session_totp(struct api_ctx *c);
void session_totp_enrolment(struct api_ctx *c);
void me_totp_get(struct api_ctx *c);
void me_totp_start(struct api_ctx *c);
void me_totp_confirm(struct api_ctx *c);
void me_totp_remove(struct api_ctx *c);
void users_totp_remove(struct api_ctx *c);	/* users.c: an administrator ends a user's second factor */
void second_factor_settings_get(struct api_ctx *c);
void second_factor_settings_put(struct api_ctx *c);
/* After the right password of u: 1 when the login must wait for the second
 * factor (answered: 401 second_factor_required with a pending-login cookie,
 * or the store's error); 0 when a session may start at once. */
int totp_login_pending(struct api_ctx *c, const struct user *u);
/* A registration's body (POST /registrations) into r, the problems into
 * fields (nothing is written to r when there is one). */
struct registration;
void registration_read_application(struct api_ctx *c, json_t *body, struct registration *r, json_t *fields);
/* Record an account action (actor: the caller, or the public) in the audit. */
void api_audit(struct api_ctx *c, const char *action, const char *subject, const char *detail);

/* A positive id from a route's :segment, or 0. */
int64_t api_param_id(struct api_ctx *c, int i);
/* Run work on the recognition queue and answer from there: the request is
 * deferred (it holds no server thread meanwhile). run answers through c (a
 * copy that lives until it returns); a full queue answers 503 busy. */
void api_defer_to_queue(struct api_ctx *c, void (*run)(struct api_ctx *c, void *arg), void *arg,
	void (*free_arg)(void *arg));
/* The same on the writers' queue: threads of its own (API_WRITERS on
 * SQLite; half the database pool, at most that, on PostgreSQL: serve.c),
 * each waiting in store_tx while the server's threads read the next
 * requests. On SQLite the transactions that wait together share one commit
 * (store.c's group commit); a handler blocking a server thread in store_tx
 * leaves at most --threads of them to share it. A full queue
 * (API_WRITERS_QUEUE waiting) answers 503 busy. */
#define API_WRITERS 16
#define API_WRITERS_QUEUE 256
void api_defer_to_writers(struct api_ctx *c, void (*run)(struct api_ctx *c, void *arg), void *arg,
	void (*free_arg)(void *arg));
/* A file part of a multipart body, answering the error itself (415, 422
 * naming the field, 413) and returning 0 when there is none fit to read. */
int api_upload_part(struct api_ctx *c, const char *field, size_t max, struct http_part *out);
/* Its rule over what http_multipart_find answered (found, p): K_OK when the
 * part is a file fit to read; K_VALIDATION_FAILED with *problem (no file
 * part: FIELD_REQUIRED; a malformed body or a file name that is not UTF-8:
 * FIELD_INVALID); or the error to answer (415, 413). */
enum kerr api_upload_part_check(enum kerr found, const struct http_part *p, size_t max, enum field_problem *problem);
/* Attachments (attachments.c): the content type told by a file's first
 * bytes (NULL: not a kind attachments may have, whatever the client said);
 * the form's "type" part (found: what http_multipart_find answered for it)
 * into out, or the problem with it (FIELD_PROBLEM_COUNT when none). */
const char *attachment_content_type(const unsigned char *data, size_t len);
enum field_problem attachment_type_read(enum kerr found, const struct http_part *p, char *out, size_t out_len);
/* 503 busy with Retry-After. */
void api_busy(struct api_ctx *c);
void health_check(struct api_ctx *c);	/* readiness: the database can be read and written */
void health_live(struct api_ctx *c);	/* liveness: the process answers (no database) */
/* Approval and release (approvals.c, release.c, gate.c, notifications.c). */
void approvals_list(struct api_ctx *c);
void approvals_batch(struct api_ctx *c);
void approvals_settings_get(struct api_ctx *c);
void approvals_settings_put(struct api_ctx *c);
void bookings_approve(struct api_ctx *c);
void bookings_reject(struct api_ctx *c);
/* Where a submit of this kind leads: commodity vehicles wait for review
 * when the bureau has turned it on, else domain_submit_target. */
enum booking_state approval_submit_target(struct api_ctx *c, enum booking_kind kind);
/* Answer 200/201 with the whole booking as GET /bookings/{id} shows it. */
void api_booking_answer(struct api_ctx *c, int status, int64_t id);
void release_get(struct api_ctx *c);
void release_png(struct api_ctx *c);
void release_svg(struct api_ctx *c);
void release_keys_get(struct api_ctx *c);
void release_key_rotate(struct api_ctx *c);
void release_revocations(struct api_ctx *c);
void gate_scan(struct api_ctx *c);
/* A scan's body: its token, gate, plate and VIN (pointing into body); the
 * name of the first one missing or too long, or NULL when all are fit. */
const char *gate_scan_fields(json_t *body, const char **token, const char **gate, const char **plate, const char **vin);
void notifications_list(struct api_ctx *c);
void notifications_read(struct api_ctx *c);
void overview_get(struct api_ctx *c);
void overview_xlsx(struct api_ctx *c);
void history_search(struct api_ctx *c);
void history_xlsx(struct api_ctx *c);
void approvals_xlsx(struct api_ctx *c);
void outbox_send_now(struct api_ctx *c);
/* POST every pending outbox row to its organisation's webhook (outbox.c);
 * *sent and *failed count this run's attempts. */
enum kerr outbox_send(struct store *st, int *sent, int *failed) KOUAN_MUST_USE;
void capacity_get(struct api_ctx *c);
void capacity_put_day(struct api_ctx *c);
void capacity_defaults_get(struct api_ctx *c);
void capacity_defaults_put(struct api_ctx *c);
void capacity_expire_now(struct api_ctx *c);
void capacity_no_shows(struct api_ctx *c);
void capacity_close_day(struct api_ctx *c);
void bookings_move(struct api_ctx *c);
void metrics_get(struct api_ctx *c);

/* For the second factor (totp.c), which ends a login in two steps: start a
 * session for who and answer the me body with the members of extra (stolen,
 * may be NULL); set a cookie (HttpOnly, SameSite=Strict; max_age 0 clears
 * it); random secrets like the session cookie's (SESSION_SECRET_HEX - 1 hex
 * characters) and their SHA-256 hex; 1 when subject may try a login from
 * addr now (else answered 429 or the store's error). */
#define SESSION_SECRET_HEX 65
void session_start(struct api_ctx *c, struct caller *who, json_t *extra);
void session_cookie(struct api_ctx *c, const char *name, const char *value, long max_age);
void session_secret_new(char out[SESSION_SECRET_HEX]);
void session_secret_hash(const char *secret, char out[STORE_TOKEN_MAX]);
int session_secret_form_ok(const char *secret);
int session_login_may_try(struct api_ctx *c, const char *subject, const char *addr);

/* Sessions: the caller for a request (K_UNAUTHENTICATED when none is valid). */
enum kerr session_resolve(struct api_ctx *c, struct caller *out) KOUAN_MUST_USE;
/* 1 when a session cookie's value has the form of a token (lowercase hex of
 * the token's length); anything else is refused before the store is asked. */
int session_token_form_ok(const char *t);
/* 1 when the X-CSRF-Token given equals the session's (compared in constant time). */
int api_csrf_equal(const char *given, const char *want);
/* The route name for method and path, its :segments into c->params; NULL
 * when none (*path_known: some route has that path). */
const char *api_route_name(const char *method, const char *path, struct api_ctx *c, int *path_known);
struct session_cache *session_cache_new(void);
void session_cache_free(struct session_cache *sc);
/* Forget cached sessions (all of a user when user_id != 0, else one token hash). */
void session_cache_forget(struct session_cache *sc, const char *token_hash, int64_t user_id);

/* Metrics. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
void metrics_db_error(struct metrics *m);

/* JSON for a user and for an organisation (null when o has none), the same everywhere. */
json_t *user_json(const struct user *u, const struct org *o);
json_t *org_json(const struct org *o);

#endif
