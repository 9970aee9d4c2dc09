/* The second factor (issue 16, item 5): TOTP enrolment, the login's second
 * step, recovery codes and the bureau's rule of which roles must use it.
 *
 * Enrolment: POST /me/totp makes a secret (kept pending; a secret already in
 * force stays so until the new one is confirmed) and answers its otpauth://
 * URI with the QR code (release/qr.c draws it); POST /me/totp/confirm with a
 * first valid code puts it in force and answers ten recovery codes, shown
 * this once and stored only as their SHA-256. DELETE /me/totp (with the
 * password) removes it.
 *
 * Login: after the right password, a user who has enrolled, or whose role
 * the bureau requires it of, gets 401 second_factor_required and a
 * pending-login cookie (LOGIN_PENDING_S, its SHA-256 in login_pending); no
 * session yet. POST /session/totp {"code"} then ends the login: a TOTP code
 * (its time step accepted once per user: a replay is refused) or a recovery
 * code (once). A user required but not enrolled is told so
 * ("enrolment_required": true) and enrols within the pending login:
 * POST /session/totp/enrolment gives the secret and QR, and the first valid
 * code sent to /session/totp confirms it, starts the session and answers the
 * recovery codes with it. Wrong codes count in the login throttle of the
 * (user, address) pair, whose count only a whole login clears. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/throttle.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "core/log.h"
#include "release/release.h"
#include "store/audit.h"
#include "store/totp.h"

#define PENDING_COOKIE "kouan_login_pending"
#define TOTP_WINDOW_STEPS 1	/* a code of the step before or after now is accepted (clock drift) */
#define TOTP_ISSUER "Kouan"
#define URI_MAX 512
#define URI_NAME_MAX (STORE_NAME_MAX * 3)	/* a user name percent-encoded */
#define SECRET_B32_MAX (RELEASE_BASE32_LEN(TOTP_SECRET_BYTES) + 1)
#define RECOVERY_SET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"	/* no 0/O, 1/I/L */
#define RECOVERY_GROUP 5	/* shown as XXXXX-XXXXX */
#define USER_ID_TEXT 24

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static void audit_user(struct api_ctx *c, int64_t actor, const char *action, int64_t user_id, const char *detail)
{
	char subject[USER_ID_TEXT];
	snprintf(subject, sizeof subject, "%lld", (long long)user_id);
	if (store_audit_add(c->app->store, action, actor, subject, http_client_addr(c->req), detail) != K_OK)
		log_warn("msg=\"audit not recorded\" action=%s req=%s", action, http_request_id(c->req));
}

/* ---- codes ---- */

static int six_digits(const char *code)
{
	if (strlen(code) != TOTP_DIGITS)
		return 0;
	for (int i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

/* The time step code matches for the secret in hex, or K_SECOND_FACTOR_WRONG. */
static enum kerr code_step(const char *secret_hex, const char *code, int64_t *step)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	size_t len = 0;
	if (sodium_hex2bin(secret, sizeof secret, secret_hex, strlen(secret_hex), NULL, &len, NULL) != 0)
		return K_INTERNAL;
	enum kerr e = totp_check(secret, len, now_s(), TOTP_WINDOW_STEPS, code, step);
	sodium_memzero(secret, sizeof secret);
	return e == K_NOT_FOUND ? K_SECOND_FACTOR_WRONG : e;
}

/* A recovery code as typed (any case, blanks and dashes) in its stored form:
 * 0, or -1 when it cannot be one. */
static int recovery_normal(const char *in, char out[RECOVERY_CODE_CHARS + 1])
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		char ch = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		if (ch == '-' || ch == ' ')
			continue;
		if (n == RECOVERY_CODE_CHARS || strchr(RECOVERY_SET, ch) == NULL)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n == RECOVERY_CODE_CHARS ? 0 : -1;
}

/* Accept code for an enrolled user: a TOTP code of a step not used before, or
 * an unused recovery code (*recovery set). K_SECOND_FACTOR_WRONG otherwise. */
static enum kerr code_accept(struct app *app, int64_t user_id, const struct totp_state *t, const char *code,
	int *recovery)
{
	*recovery = 0;
	enum kerr e;
	if (six_digits(code)) {
		int64_t step = 0;
		e = code_step(t->secret_hex, code, &step);
		if (e == K_OK)
			e = store_totp_claim_step(app->store, user_id, step);
		return e == K_NOT_FOUND ? K_SECOND_FACTOR_WRONG : e;
	}
	char norm[RECOVERY_CODE_CHARS + 1], hash[STORE_TOKEN_MAX];
	if (recovery_normal(code, norm) != 0)
		return K_SECOND_FACTOR_WRONG;
	session_secret_hash(norm, hash);
	e = store_totp_use_recovery(app->store, user_id, hash, now_s());
	*recovery = e == K_OK;
	return e == K_NOT_FOUND ? K_SECOND_FACTOR_WRONG : e;
}

/* Ten new recovery codes as a JSON array (shown once) and their hashes. */
static json_t *recovery_new(char hashes[RECOVERY_CODE_COUNT][STORE_TOKEN_MAX])
{
	json_t *codes = json_array();
	const uint32_t set = (uint32_t)(sizeof RECOVERY_SET - 1);
	for (int i = 0; i < RECOVERY_CODE_COUNT; i++) {
		char raw[RECOVERY_CODE_CHARS + 1], shown[RECOVERY_CODE_CHARS + 2];
		for (int k = 0; k < RECOVERY_CODE_CHARS; k++)
			raw[k] = RECOVERY_SET[randombytes_uniform(set)];
		raw[RECOVERY_CODE_CHARS] = '\0';
		session_secret_hash(raw, hashes[i]);
		snprintf(shown, sizeof shown, "%.*s-%s", RECOVERY_GROUP, raw, raw + RECOVERY_GROUP);
		json_array_append_new(codes, json_string(shown));
		sodium_memzero(raw, sizeof raw);
	}
	return codes;
}

/* Put the pending secret in force once code matches it; *codes gets the
 * recovery codes to show. K_CONFLICT when no enrolment is under way. */
static enum kerr enrol_confirm(struct api_ctx *c, int64_t user_id, const char *code, json_t **codes)
{
	*codes = NULL;
	struct totp_state t;
	enum kerr e = store_totp_get(c->app->store, user_id, &t);
	if (e == K_OK && t.pending_hex[0] == '\0')
		e = K_CONFLICT;
	int64_t step = 0;
	if (e == K_OK)
		e = six_digits(code) ? code_step(t.pending_hex, code, &step) : K_SECOND_FACTOR_WRONG;
	if (e != K_OK)
		return e;
	char hashes[RECOVERY_CODE_COUNT][STORE_TOKEN_MAX];
	char *list[RECOVERY_CODE_COUNT];
	for (int i = 0; i < RECOVERY_CODE_COUNT; i++)
		list[i] = hashes[i];
	*codes = recovery_new(hashes);
	e = store_totp_confirm(c->app->store, user_id, t.pending_hex, step, list, RECOVERY_CODE_COUNT, now_s());
	if (e != K_OK) {
		json_decref(*codes);
		*codes = NULL;
		return e == K_NOT_FOUND ? K_CONFLICT : e;	/* another enrolment replaced it meanwhile */
	}
	audit_user(c, user_id, "second_factor_enrolled", user_id, "");
	return K_OK;
}

/* ---- enrolment's start ---- */

/* name percent-encoded for a URI path or query (RFC 3986 unreserved kept). */
static void uri_escape(const char *name, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && o + 4 < n; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			out[o++] = (char)*p;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[*p >> 4];
		out[o++] = hex[*p & 0xf];
	}
	out[o] = '\0';
}

/* A new pending secret for u; answers {"secret", "uri", "qr_svg"}. */
static void enrol_start(struct api_ctx *c, const struct user *u)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	char hex[TOTP_SECRET_BYTES * 2 + 1], b32[SECRET_B32_MAX], name[URI_NAME_MAX], uri[URI_MAX];
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
	int ok = release_base32_encode(secret, sizeof secret, b32, sizeof b32) == 0;
	sodium_memzero(secret, sizeof secret);
	uri_escape(u->username, name, sizeof name);
	snprintf(uri, sizeof uri, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d",
		TOTP_ISSUER, name, b32, TOTP_ISSUER, TOTP_DIGITS, TOTP_STEP_S);
	char *svg = NULL;
	enum kerr e = ok ? store_totp_begin(c->app->store, u->id, hex) : K_INTERNAL;
	if (e == K_OK)
		e = release_qr_text_svg(uri, &svg);
	sodium_memzero(hex, sizeof hex);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_json(c, 200, json_pack("{s:s,s:s,s:s}", "secret", b32, "uri", uri, "qr_svg", svg));
	free(svg);
}

/* ---- the login's second step ---- */

int totp_login_pending(struct api_ctx *c, const struct user *u)
{
	int role = domain_second_factor_role(u->role), rule[SECOND_FACTOR_ROLE_COUNT];
	if (role < 0)
		return 0;	/* enterprises have no second factor */
	struct totp_state t;
	enum kerr e = store_totp_get(c->app->store, u->id, &t);
	if (e == K_OK)
		e = store_second_factor_rule_get(c->app->store, rule);
	if (e == K_OK && !t.enrolled && !rule[role])
		return 0;
	char token[SESSION_SECRET_HEX], hash[STORE_TOKEN_MAX];
	session_secret_new(token);
	session_secret_hash(token, hash);
	if (e == K_OK)
		e = store_login_pending_create(c->app->store, hash, u->id, now_s());
	if (e != K_OK) {
		sodium_memzero(token, sizeof token);
		api_error(c, e);
		return 1;
	}
	session_cookie(c, PENDING_COOKIE, token, LOGIN_PENDING_S);
	sodium_memzero(token, sizeof token);
	log_info("msg=\"login awaits second factor\" req=%s user=%lld", http_request_id(c->req), (long long)u->id);
	api_error_detail(c, K_SECOND_FACTOR_REQUIRED, json_pack("{s:b}", "enrolment_required", !t.enrolled));
	return 1;
}

/* The user of the request's pending login, or 0 after answering. */
static int pending_user(struct api_ctx *c, struct caller *who, char hash[STORE_TOKEN_MAX])
{
	char token[SESSION_SECRET_HEX + 1];
	memset(who, 0, sizeof *who);
	enum kerr e = K_SECOND_FACTOR_EXPIRED;
	if (http_cookie(c->req, PENDING_COOKIE, token, sizeof token) != NULL && session_secret_form_ok(token)) {
		session_secret_hash(token, hash);
		int64_t user_id = 0;
		e = store_login_pending_get(c->app->store, hash, now_s(), &user_id);
		if (e == K_OK)
			e = store_user_get(c->app->store, user_id, &who->user);
		if (e == K_OK && who->user.disabled)
			e = K_NOT_FOUND;
	}
	sodium_memzero(token, sizeof token);
	if (e != K_OK)
		api_error(c, e == K_NOT_FOUND ? K_SECOND_FACTOR_EXPIRED : e);
	return e == K_OK;
}

/* The "code" member: 0 after answering 422. */
static int code_member(struct api_ctx *c, json_t *body, const char **code)
{
	*code = json_str(body, "code");
	if (*code == NULL || **code == '\0')
		api_invalid_field(c, "code", FIELD_REQUIRED);
	else if (strlen(*code) > SECOND_FACTOR_CODE_MAX)
		api_invalid_field(c, "code", FIELD_TOO_LONG);
	else
		return 1;
	return 0;
}

/* Check the pending login's code: an enrolled user's, or the first code of
 * an enrolment under way (*codes then gets the recovery codes). */
static enum kerr login_code(struct api_ctx *c, const struct user *u, const char *code, json_t **codes)
{
	struct totp_state t;
	int recovery = 0;
	*codes = NULL;
	enum kerr e = store_totp_get(c->app->store, u->id, &t);
	if (e != K_OK)
		return e;
	if (!t.enrolled) {
		e = enrol_confirm(c, u->id, code, codes);
		return e == K_CONFLICT ? K_SECOND_FACTOR_WRONG : e;
	}
	e = code_accept(c->app, u->id, &t, code, &recovery);
	if (e == K_OK && recovery)
		audit_user(c, u->id, "recovery_code_used", u->id, "");
	return e;
}

/* The login is complete: forget the pending state, start the session. */
static void login_finish(struct api_ctx *c, struct caller *who, const char *hash, const char *subject, json_t *codes)
{
	if (store_login_pending_delete(c->app->store, hash) != K_OK)
		log_warn("msg=\"pending login not deleted\" req=%s", http_request_id(c->req));
	if (throttle_succeed(c->app, THROTTLE_LOGIN, subject, http_client_addr(c->req)) != K_OK)
		log_warn("msg=\"login failures not cleared\"");
	enum kerr e = who->user.org_id ? store_org_get(c->app->store, who->user.org_id, &who->org) : K_OK;
	if (e != K_OK) {
		json_decref(codes);
		api_error(c, e);
		return;
	}
	session_cookie(c, PENDING_COOKIE, "", 0);
	log_info("msg=\"login\" req=%s user=%lld second_factor=1", http_request_id(c->req), (long long)who->user.id);
	session_start(c, who, codes ? json_pack("{s:o}", "recovery_codes", codes) : NULL);
}

/* POST /api/v1/session/totp {"code"}: the second step of a pending login. */
void session_totp(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	const char *code;
	struct caller who;
	char hash[STORE_TOKEN_MAX], subject[STORE_NAME_MAX];
	if (body == NULL)
		return;
	if (!code_member(c, body, &code) || !pending_user(c, &who, hash))
		goto out;
	const char *addr = http_client_addr(c->req);
	if (store_username_key(who.user.username, subject, sizeof subject) != 0)
		snprintf(subject, sizeof subject, "%s", who.user.username);
	if (!session_login_may_try(c, subject, addr))
		goto out;
	json_t *codes = NULL;
	enum kerr e = login_code(c, &who.user, code, &codes);
	if (e == K_SECOND_FACTOR_WRONG) {
		audit_user(c, who.user.id, "second_factor_failed", who.user.id, "");
		enum kerr te = throttle_fail(c->app, THROTTLE_LOGIN, subject, addr);
		api_error(c, te != K_OK ? te : e);
	} else if (e != K_OK) {
		api_error(c, e);
	} else {
		login_finish(c, &who, hash, subject, codes);
	}
out:
	json_decref(body);
}

/* POST /api/v1/session/totp/enrolment: a user the bureau requires a second
 * factor of, not yet enrolled, enrols within the pending login. */
void session_totp_enrolment(struct api_ctx *c)
{
	struct caller who;
	char hash[STORE_TOKEN_MAX];
	if (!pending_user(c, &who, hash))
		return;
	struct totp_state t;
	enum kerr e = store_totp_get(c->app->store, who.user.id, &t);
	if (e == K_OK && t.enrolled)
		e = K_CONFLICT;	/* enrolled: the code is asked for, not a new secret */
	if (e != K_OK)
		api_error(c, e);
	else
		enrol_start(c, &who.user);
}

/* ---- the signed-in user's own second factor ---- */

void me_totp_get(struct api_ctx *c)
{
	struct totp_state t;
	int rule[SECOND_FACTOR_ROLE_COUNT];
	int role = domain_second_factor_role(c->who->user.role);
	enum kerr e = store_totp_get(c->app->store, c->who->user.id, &t);
	if (e == K_OK)
		e = store_second_factor_rule_get(c->app->store, rule);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_json(c, 200, json_pack("{s:b,s:b,s:b,s:I,s:o}", "required", role >= 0 && rule[role],
		"enrolled", t.enrolled, "enrolment_pending", t.pending_hex[0] != '\0', "recovery_codes_left",
		(json_int_t)t.recovery_left, "enrolled_at", t.enrolled ? json_integer(t.enrolled_at) : json_null()));
}

/* POST /api/v1/me/totp: start (or start again) an enrolment. */
void me_totp_start(struct api_ctx *c)
{
	enrol_start(c, &c->who->user);
}

/* POST /api/v1/me/totp/confirm {"code"}: the first valid code puts the
 * secret in force; answers the recovery codes, shown this once. */
void me_totp_confirm(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	const char *code;
	char subject[USER_ID_TEXT];
	long wait = 0;
	if (body == NULL)
		return;
	if (!code_member(c, body, &code))
		goto out;
	snprintf(subject, sizeof subject, "%lld", (long long)c->who->user.id);
	const char *addr = http_client_addr(c->req);
	enum kerr e = throttle_check(c->app, THROTTLE_TOTP, subject, addr, &wait);
	json_t *codes = NULL;
	if (e == K_OK)
		e = enrol_confirm(c, c->who->user.id, code, &codes);
	if (e == K_SECOND_FACTOR_WRONG && throttle_fail(c->app, THROTTLE_TOTP, subject, addr) != K_OK)
		log_warn("msg=\"enrolment failure not counted\"");
	if (e == K_RATE_LIMITED)
		throttle_answer(c, wait);
	else if (e == K_SECOND_FACTOR_WRONG)
		api_invalid_field(c, "code", FIELD_WRONG);
	else if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:o}", "recovery_codes", codes));
out:
	json_decref(body);
}

/* DELETE /api/v1/me/totp {"password"}: remove the second factor. */
void me_totp_remove(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *pw = json_str(body, "password");
	enum kerr e = K_OK;
	if (pw == NULL || *pw == '\0')
		api_invalid_field(c, "password", FIELD_REQUIRED);
	else if (strlen(pw) > AUTH_PASSWORD_MAX || !auth_password_verify(c->who->user.password_hash, pw, strlen(pw)))
		api_invalid_field(c, "password", FIELD_WRONG);
	else if ((e = store_totp_remove(c->app->store, c->who->user.id)) != K_OK)
		api_error(c, e);
	else {
		audit_user(c, c->who->user.id, "second_factor_removed", c->who->user.id, "");
		api_no_content(c);
	}
	json_decref(body);
}

/* ---- the bureau's rule ---- */

static json_t *rule_json(const int rule[SECOND_FACTOR_ROLE_COUNT])
{
	json_t *req = json_object();
	for (int i = 0; i < SECOND_FACTOR_ROLE_COUNT; i++)
		json_object_set_new(req, domain_second_factor_roles[i], json_boolean(rule[i]));
	return json_pack("{s:o}", "required", req);
}

void second_factor_settings_get(struct api_ctx *c)
{
	int rule[SECOND_FACTOR_ROLE_COUNT];
	enum kerr e = store_second_factor_rule_get(c->app->store, rule);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, rule_json(rule));
}

/* Apply {"required": {role: bool, ...}} onto rule; 0 after answering 422.
 * Roles not named keep their setting. */
static int rule_read(struct api_ctx *c, json_t *body, int rule[SECOND_FACTOR_ROLE_COUNT])
{
	json_t *req = json_object_get(body, "required"), *v;
	const char *role;
	if (!json_is_object(req)) {
		api_invalid_field(c, "required", req ? FIELD_INVALID : FIELD_REQUIRED);
		return 0;
	}
	json_object_foreach(req, role, v) {
		int i = domain_second_factor_role(role);
		if (i < 0 || !json_is_boolean(v)) {
			api_invalid_field(c, "required", i < 0 ? FIELD_UNKNOWN_CHOICE : FIELD_INVALID);
			return 0;
		}
		rule[i] = json_is_true(v);
	}
	return 1;
}

/* PUT /api/v1/second-factor/settings: which roles must use a second factor. */
void second_factor_settings_put(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	int rule[SECOND_FACTOR_ROLE_COUNT];
	if (body == NULL)
		return;
	enum kerr e = store_second_factor_rule_get(c->app->store, rule);
	if (e != K_OK)
		api_error(c, e);
	else if (rule_read(c, body, rule)) {
		char detail[AUDIT_TEXT_MAX] = "";
		for (int i = 0; i < SECOND_FACTOR_ROLE_COUNT; i++)
			if (rule[i])
				snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "%s%s", detail[0] ? "," : "",
					domain_second_factor_roles[i]);
		if ((e = store_second_factor_rule_set(c->app->store, rule, now_s())) != K_OK)
			api_error(c, e);
		else {
			api_audit(c, "second_factor_rule", "", detail);
			api_json(c, 200, rule_json(rule));
		}
	}
	json_decref(body);
}
