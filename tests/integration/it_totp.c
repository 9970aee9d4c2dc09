/* The second factor (issue 16, item 5) over HTTP, on SQLite or PostgreSQL
 * (KOUAN_TEST_DB): enrolment and a login with a code computed here, a code
 * replayed within its window, recovery codes used once, wrong codes counted
 * in the login throttle, the bureau's per-role rule with its enrolment within
 * the login, removal and re-enrolment (also by the administrator), one code
 * sent to two servers at once, the audit, and the outbox row of a reset code.
 *
 * Codes are computed with auth/totp.c's totp_code (RFC 6238's vectors are its
 * unit test, test_totp) from the base32 secret the server answers. The server
 * accepts the steps either side of its own and each step once per user, so a
 * test that needs a second code of one user uses the next step (now + 30 s):
 * nothing here waits for the clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/totp.h"
#include "harness.h"

#define BODY_MAX 1024
#define SECRET_MAX 64
#define B32_BITS 5
#define BYTE_BITS 8
#define RECOVERY_CODES 10
#define FREE_GUESSES 5	/* --login-max-user's default */
#define EXTRA_GUESSES 6
#define PENDING_COOKIE "kouan_login_pending="

static struct it_server srv;
static const char *const PW = "correct horse 9";
static struct it_client bureau, admin;

static json_t *call(struct it_client *c, const char *method, const char *path, const char *body, long status)
{
	return it_call(&srv, c, method, path, body, status);
}

/* RFC 4648 base32 without padding into bytes; the byte count. */
static size_t b32_decode(const char *in, unsigned char *out, size_t cap)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		const char *at = strchr(set, *p);
		assert_non_null(at);
		acc = (acc << B32_BITS) | (uint32_t)(at - set);
		bits += B32_BITS;
		if (bits >= BYTE_BITS) {
			bits -= BYTE_BITS;
			assert_true(n < cap);
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

/* The code of the step holding now + offset_s for a base32 secret. */
static void code_at(const char *b32, int64_t offset_s, char out[TOTP_DIGITS + 1])
{
	unsigned char secret[SECRET_MAX];
	size_t n = b32_decode(b32, secret, sizeof secret);
	assert_int_equal(totp_code(secret, n, (int64_t)time(NULL) + offset_s, out), K_OK);
}

/* A code that is none of the steps the server accepts around now. */
static void wrong_code(const char *b32, char out[TOTP_DIGITS + 1])
{
	char near[3][TOTP_DIGITS + 1];
	for (int i = 0; i < 3; i++)
		code_at(b32, (i - 1) * TOTP_STEP_S, near[i]);
	for (int v = 0; v < 4; v++) {	/* of four codes, one is none of the three */
		snprintf(out, TOTP_DIGITS + 1, "%06d", v);
		if (strcmp(out, near[0]) && strcmp(out, near[1]) && strcmp(out, near[2]))
			return;
	}
	fail();
}

static int64_t user_id(const char *name)
{
	json_t *j = call(&admin, "GET", "/api/v1/users", NULL, 200);
	json_t *list = json_is_array(j) ? j : json_object_get(j, "users"), *u;
	size_t i;
	int64_t id = 0;
	json_array_foreach(list, i, u)
		if (strcmp(json_string_value(json_object_get(u, "username")), name) == 0)
			id = json_integer_value(json_object_get(u, "id"));
	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* Enrol the signed-in c: the secret into b32, the recovery codes into codes. */
static void enrol(struct it_client *c, const char *username, char b32[SECRET_MAX], char codes[RECOVERY_CODES][32])
{
	json_t *j = call(c, "POST", "/api/v1/me/totp", "{}", 200);
	snprintf(b32, SECRET_MAX, "%s", json_string_value(json_object_get(j, "secret")));
	const char *uri = json_string_value(json_object_get(j, "uri"));
	char want[128];
	snprintf(want, sizeof want, "otpauth://totp/Kouan:%s?secret=%s&", username, b32);
	assert_int_equal(strncmp(uri, want, strlen(want)), 0);
	assert_int_equal(strncmp(json_string_value(json_object_get(j, "qr_svg")), "<svg", 4), 0);
	json_decref(j);
	char body[BODY_MAX], code[TOTP_DIGITS + 1];
	wrong_code(b32, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	json_decref(call(c, "POST", "/api/v1/me/totp/confirm", body, 422));
	code_at(b32, 0, code);
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	j = call(c, "POST", "/api/v1/me/totp/confirm", body, 200);
	json_t *list = json_object_get(j, "recovery_codes");
	assert_int_equal(json_array_size(list), RECOVERY_CODES);
	for (size_t i = 0; i < RECOVERY_CODES; i++) {
		snprintf(codes[i], 32, "%s", json_string_value(json_array_get(list, i)));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(codes[i], codes[k]);
	}
	json_decref(j);
}

/* Log in with the password: 401 second_factor_required, the pending cookie
 * kept in c; *enrolment gets the answer's enrolment_required. */
static void login_pending(struct it_client *c, const char *user, int *enrolment)
{
	char body[BODY_MAX];
	memset(c, 0, sizeof *c);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, PW);
	struct it_resp r;
	assert_int_equal(it_request(&srv, c, "POST", "/api/v1/session", body, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(it_error_code(&r), "second_factor_required");
	*enrolment = json_is_true(json_object_get(json_object_get(r.json, "error"), "enrolment_required"));
	assert_null(strstr(r.headers, "kouan_session="));	/* no session before the code */
	const char *sc = strstr(r.headers, "Set-Cookie: " PENDING_COOKIE);
	assert_non_null(sc);
	sc += strlen("Set-Cookie: ");
	size_t n = strcspn(sc, ";\r\n");
	assert_true(n < sizeof c->cookie);
	memcpy(c->cookie, sc, n);
	c->cookie[n] = '\0';
	it_resp_free(&r);
}

/* POST /session/totp with code from c's pending login; the status. */
static long send_code(struct it_client *c, const char *code, const char *want_error)
{
	char body[BODY_MAX];
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	struct it_resp r;
	assert_int_equal(it_request(&srv, c, "POST", "/api/v1/session/totp", body, NULL, NULL, &r), 0);
	long st = r.status;
	if (want_error)
		assert_string_equal(it_error_code(&r), want_error);
	it_resp_free(&r);
	return st;
}

static int64_t audit_count(const char *action, int64_t subject)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/account-audit?action=%s&subject=%lld", action, (long long)subject);
	json_t *j = call(&bureau, "GET", path, NULL, 200);
	int64_t n = (int64_t)json_array_size(json_object_get(j, "items"));
	json_decref(j);
	return n;
}

/* Enrol, then a login with a code; the same code replayed refused; a
 * recovery code works once, in any case and without its dash. */
static void enrol_login_replay(void **state)
{
	(void)state;
	struct it_client c = {0};
	char b32[SECRET_MAX], codes[RECOVERY_CODES][32], code[TOTP_DIGITS + 1];
	int enrolment = -1;
	assert_int_equal(it_login(&srv, &c, "wh1", PW), 200);	/* none yet: the password is enough */
	json_t *j = call(&c, "GET", "/api/v1/me/totp", NULL, 200);
	assert_true(json_is_false(json_object_get(j, "enrolled")));
	assert_true(json_is_false(json_object_get(j, "required")));
	json_decref(j);
	enrol(&c, "wh1", b32, codes);
	j = call(&c, "GET", "/api/v1/me/totp", NULL, 200);
	assert_true(json_is_true(json_object_get(j, "enrolled")));
	assert_int_equal(json_integer_value(json_object_get(j, "recovery_codes_left")), RECOVERY_CODES);
	json_decref(j);

	login_pending(&c, "wh1", &enrolment);
	assert_false(enrolment);
	json_decref(call(&c, "GET", "/api/v1/me", NULL, 401));	/* the pending state is no session */
	code_at(b32, TOTP_STEP_S, code);	/* the confirmation took this step's code */
	assert_int_equal(send_code(&c, code, NULL), 200);
	j = call(&c, "GET", "/api/v1/me", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "user"), "username")), "wh1");
	json_decref(j);

	login_pending(&c, "wh1", &enrolment);
	assert_int_equal(send_code(&c, code, "second_factor_wrong"), 401);	/* replayed within its window */
	assert_int_equal(send_code(&c, codes[0], NULL), 200);
	login_pending(&c, "wh1", &enrolment);
	assert_int_equal(send_code(&c, codes[0], "second_factor_wrong"), 401);	/* a recovery code works once */
	char typed[32];
	size_t o = 0;
	for (const char *p = codes[1]; *p; p++)
		if (*p != '-')
			typed[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	typed[o] = '\0';
	assert_int_equal(send_code(&c, typed, NULL), 200);
	json_decref(call(&c, "GET", "/api/v1/me", NULL, 200));

	int64_t id = user_id("wh1");
	assert_int_equal(audit_count("second_factor_enrolled", id), 1);
	assert_int_equal(audit_count("recovery_code_used", id), 2);
	assert_int_equal(audit_count("second_factor_failed", id), 2);
}

/* Wrong codes until the throttle answers 429; the wrong ones (401) counted. */
static int guesses_until_limited(struct it_client *c, const char *b32)
{
	char code[TOTP_DIGITS + 1];
	int wrong = 0, limited = 0;
	wrong_code(b32, code);
	for (int i = 0; i < FREE_GUESSES + EXTRA_GUESSES && !limited; i++) {
		long st = send_code(c, code, NULL);
		wrong += st == 401;
		limited = st == 429;
	}
	assert_true(limited);
	return wrong;
}

/* Wrong codes count in the login throttle of (user, address), the same count
 * as wrong passwords: after the free failures the next attempt waits (429).
 * (The bounds leave room for a loaded machine: every further wait doubles.) */
static void wrong_codes_throttled(void **state)
{
	(void)state;
	struct it_client c = {0};
	char b32[SECRET_MAX], codes[RECOVERY_CODES][32];
	int enrolment = 0;
	assert_int_equal(it_login(&srv, &c, "gate1", PW), 200);
	enrol(&c, "gate1", b32, codes);
	login_pending(&c, "gate1", &enrolment);
	assert_true(guesses_until_limited(&c, b32) >= FREE_GUESSES);
	assert_true(audit_count("second_factor_failed", user_id("gate1")) >= FREE_GUESSES);

	/* wrong passwords first: the right one does not clear them, and fewer codes reach the limit */
	assert_int_equal(it_login(&srv, &c, "gate3", PW), 200);
	enrol(&c, "gate3", b32, codes);
	for (int i = 0; i < FREE_GUESSES - 1; i++)
		assert_int_equal(it_login(&srv, &c, "gate3", "not the password"), 401);
	login_pending(&c, "gate3", &enrolment);
	assert_true(guesses_until_limited(&c, b32) < FREE_GUESSES);
}

/* The bureau requires the second factor of warehouses: one not enrolled is
 * led to enrol within the login and gets its recovery codes with the session;
 * a role not required still signs in with the password alone. */
static void role_required(void **state)
{
	(void)state;
	json_t *j = call(&bureau, "GET", "/api/v1/second-factor/settings", NULL, 200);
	for (const char *const *r = (const char *const[]){"bureau", "warehouse", "gate", "admin", NULL}; *r; r++)
		assert_true(json_is_false(json_object_get(json_object_get(j, "required"), *r)));	/* off by default */
	json_decref(j);
	json_decref(call(&bureau, "PUT", "/api/v1/second-factor/settings", "{\"required\":{\"enterprise\":true}}", 422));
	json_decref(call(&admin, "PUT", "/api/v1/second-factor/settings", "{\"required\":{\"warehouse\":true}}", 403));
	j = call(&bureau, "PUT", "/api/v1/second-factor/settings", "{\"required\":{\"warehouse\":true}}", 200);
	assert_true(json_is_true(json_object_get(json_object_get(j, "required"), "warehouse")));
	json_decref(j);

	struct it_client c = {0};
	char code[TOTP_DIGITS + 1];
	int enrolment = 0;
	login_pending(&c, "wh2", &enrolment);
	assert_true(enrolment);
	assert_int_equal(send_code(&c, "123456", "second_factor_wrong"), 401);	/* nothing enrolled yet */
	j = call(&c, "POST", "/api/v1/session/totp/enrolment", "{}", 200);
	char b32[SECRET_MAX];
	snprintf(b32, sizeof b32, "%s", json_string_value(json_object_get(j, "secret")));
	json_decref(j);
	code_at(b32, 0, code);
	char body[BODY_MAX];
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	j = call(&c, "POST", "/api/v1/session/totp", body, 200);
	assert_int_equal(json_array_size(json_object_get(j, "recovery_codes")), RECOVERY_CODES);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "user"), "role")), "warehouse");
	json_decref(j);
	j = call(&c, "GET", "/api/v1/me/totp", NULL, 200);
	assert_true(json_is_true(json_object_get(j, "enrolled")));
	assert_true(json_is_true(json_object_get(j, "required")));
	json_decref(j);
	login_pending(&c, "wh2", &enrolment);
	assert_false(enrolment);
	json_decref(call(&c, "POST", "/api/v1/session/totp/enrolment", "{}", 409));	/* enrolled: the code is asked */

	struct it_client g = {0}, e = {0};
	assert_int_equal(it_login(&srv, &g, "gate2", PW), 200);
	assert_int_equal(it_login(&srv, &e, "ent1", PW), 200);
	json_decref(call(&e, "GET", "/api/v1/me/totp", NULL, 403));
	json_decref(call(&bureau, "PUT", "/api/v1/second-factor/settings", "{\"required\":{\"warehouse\":false}}", 200));
	j = call(&bureau, "GET", "/api/v1/account-audit?action=second_factor_rule", NULL, 200);
	json_t *items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 2);	/* newest first: off again, then warehouse */
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "detail")), "");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "detail")), "warehouse");
	json_decref(j);
}

/* Removal needs the password; afterwards the password alone signs in; a new
 * enrolment replaces the secret (the old one's codes no longer count). */
static void remove_and_reenrol(void **state)
{
	(void)state;
	struct it_client c = {0};
	char b32[SECRET_MAX], codes[RECOVERY_CODES][32], again[SECRET_MAX], codes2[RECOVERY_CODES][32];
	int enrolment = 0;
	assert_int_equal(it_login(&srv, &c, "admin2", PW), 200);
	enrol(&c, "admin2", b32, codes);
	enrol(&c, "admin2", again, codes2);	/* re-enrolment: a new secret and new codes */
	assert_string_not_equal(b32, again);
	login_pending(&c, "admin2", &enrolment);
	assert_int_equal(send_code(&c, codes[2], "second_factor_wrong"), 401);	/* the first enrolment's codes ended */
	assert_int_equal(send_code(&c, codes2[2], NULL), 200);
	json_decref(call(&c, "DELETE", "/api/v1/me/totp", "{\"password\":\"not the password\"}", 422));
	json_decref(call(&c, "DELETE", "/api/v1/me/totp", "{\"password\":\"correct horse 9\"}", 204));
	json_decref(call(&c, "DELETE", "/api/v1/me/totp", "{\"password\":\"correct horse 9\"}", 404));
	struct it_client d = {0};
	assert_int_equal(it_login(&srv, &d, "admin2", PW), 200);
	assert_int_equal(audit_count("second_factor_removed", user_id("admin2")), 1);
	assert_int_equal(audit_count("second_factor_enrolled", user_id("admin2")), 2);
}

/* A user who lost phone and codes: the administrator ends the factor (an
 * enterprise user may not), and the password alone signs in again. */
static void administrator_removes(void **state)
{
	(void)state;
	struct it_client c = {0}, e = {0};
	char b32[SECRET_MAX], codes[RECOVERY_CODES][32], path[128];
	int enrolment = 0;
	assert_int_equal(it_login(&srv, &c, "gate2", PW), 200);
	enrol(&c, "gate2", b32, codes);
	login_pending(&c, "gate2", &enrolment);
	int64_t id = user_id("gate2");
	snprintf(path, sizeof path, "/api/v1/users/%lld/totp", (long long)id);
	assert_int_equal(it_login(&srv, &e, "ent1", PW), 200);
	json_decref(call(&e, "DELETE", path, NULL, 403));
	json_decref(call(&admin, "DELETE", path, NULL, 204));
	json_decref(call(&admin, "DELETE", path, NULL, 404));
	assert_int_equal(send_code(&c, codes[0], "second_factor_wrong"), 401);	/* its codes ended with it */
	assert_int_equal(it_login(&srv, &c, "gate2", PW), 200);
	assert_int_equal(audit_count("second_factor_removed", id), 1);
}

struct racer {
	struct it_server *server;
	struct it_client c;
	const char *code;
	long status;
};

static void *race_code(void *arg)
{
	struct racer *r = arg;
	char body[BODY_MAX];
	struct it_resp resp;
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", r->code);
	r->status = it_request(r->server, &r->c, "POST", "/api/v1/session/totp", body, NULL, NULL, &resp) == 0 ? resp.status
		: -1;
	it_resp_free(&resp);
	return NULL;
}

/* One code sent at once to two servers sharing the database, for two pending
 * logins of one user: one login wins, the other is a replay. */
static void one_code_two_servers(void **state)
{
	(void)state;
	struct it_server twin;
	struct it_client c = {0};
	char b32[SECRET_MAX], codes[RECOVERY_CODES][32], code[TOTP_DIGITS + 1];
	int enrolment = 0;
	assert_int_equal(it_login(&srv, &c, "wh3", PW), 200);
	enrol(&c, "wh3", b32, codes);
	assert_int_equal(it_start_twin(&twin, &srv, NULL), 0);
	struct racer a = {.server = &srv, .code = code}, b = {.server = &twin, .code = code};
	login_pending(&a.c, "wh3", &enrolment);
	login_pending(&b.c, "wh3", &enrolment);
	code_at(b32, TOTP_STEP_S, code);
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, race_code, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, race_code, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_true((a.status == 200 && b.status == 401) || (a.status == 401 && b.status == 200));
	assert_int_equal(it_stop(&twin), 0);
	it_cleanup(&twin);
}

/* A pending login without its cookie, or with a made-up one, is no login. */
static void no_pending_login(void **state)
{
	(void)state;
	struct it_client c = {0};
	assert_int_equal(send_code(&c, "123456", "second_factor_expired"), 401);
	snprintf(c.cookie, sizeof c.cookie, PENDING_COOKIE "%064d", 7);
	assert_int_equal(send_code(&c, "123456", "second_factor_expired"), 401);
	json_decref(call(&c, "POST", "/api/v1/session/totp", "{\"code\":\"\"}", 422));
}

/* The value of one query on the server's database, beside it. */
static void db_text(const char *sql, char *out, size_t n)
{
	if (it_is_pg()) {
		PGconn *pg = PQconnectdb(srv.db);
		PGresult *r = PQexec(pg, sql);
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		assert_int_equal(PQntuples(r), 1);
		snprintf(out, n, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		PQfinish(pg);
		return;
	}
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(srv.db + strlen("sqlite:"), &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void issue_reset_code(int64_t user, char *code, size_t n)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/users/%lld/reset-code", (long long)user);
	json_t *j = call(&admin, "POST", path, "{}", 201);
	snprintf(code, n, "%s", json_string_value(json_object_get(j, "code")));
	json_decref(j);
}

/* A reset code issued for an organisation's user leaves an outbox row for
 * the organisation's webhook saying so, without the code; an organisation
 * without a webhook gets none (nothing would ever send it). */
static void reset_in_outbox(void **state)
{
	(void)state;
	int64_t id = user_id("ent1");
	char sql[160], org[32], count[32], code[64], path[128], payload[1024], want[64];
	issue_reset_code(id, code, sizeof code);
	db_text("SELECT COUNT(*) FROM outbox WHERE event = 'reset_issued'", count, sizeof count);
	assert_string_equal(count, "0");

	snprintf(sql, sizeof sql, "SELECT org_id FROM users WHERE id = %lld", (long long)id);
	db_text(sql, org, sizeof org);
	snprintf(path, sizeof path, "/api/v1/organisations/%s", org);
	json_decref(call(&bureau, "PATCH", path, "{\"webhook_url\":\"http://127.0.0.1:9/hook\"}", 200));
	issue_reset_code(id, code, sizeof code);
	db_text("SELECT payload FROM outbox WHERE event = 'reset_issued' ORDER BY id DESC LIMIT 1", payload, sizeof payload);
	snprintf(want, sizeof want, "\"user_id\":%lld", (long long)id);
	assert_non_null(strstr(payload, want));
	assert_null(strstr(payload, code));
	db_text("SELECT COUNT(*) FROM outbox WHERE event = 'reset_issued'", count, sizeof count);
	assert_string_equal(count, "1");
}

static int setup(void **state)
{
	(void)state;
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "totp") != 0 ||
		it_user_add(&srv, "bureau1", "bureau", "口岸管理局", PW) != 0 ||
		it_user_add(&srv, "ent1", "enterprise", "甲进出口公司", PW) != 0 ||
		it_user_add(&srv, "wh1", "warehouse", "一号仓库", PW) != 0 ||
		it_user_add(&srv, "wh2", "warehouse", "一号仓库", PW) != 0 ||
		it_user_add(&srv, "wh3", "warehouse", "一号仓库", PW) != 0 ||
		it_user_add(&srv, "gate1", "gate", NULL, PW) != 0 || it_user_add(&srv, "gate2", "gate", NULL, PW) != 0 ||
		it_user_add(&srv, "gate3", "gate", NULL, PW) != 0 ||
		it_user_add(&srv, "admin1", "admin", NULL, PW) != 0 || it_user_add(&srv, "admin2", "admin", NULL, PW) != 0 ||
		it_start(&srv, NULL) != 0)
		return -1;
	return it_login(&srv, &bureau, "bureau1", PW) == 200 && it_login(&srv, &admin, "admin1", PW) == 200 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enrol_login_replay),
		cmocka_unit_test(wrong_codes_throttled),
		cmocka_unit_test(role_required),
		cmocka_unit_test(remove_and_reenrol),
		cmocka_unit_test(administrator_removes),
		cmocka_unit_test(one_code_two_servers),
		cmocka_unit_test(no_pending_login),
		cmocka_unit_test(reset_in_outbox),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
