/* Admins manage accounts: list, create, disable and re-enable, reset passwords.
 * An organisation's administrator (user.org_admin, issue 16) lists, creates,
 * disables and re-enables only its own organisation's users, of its own role;
 * another's answer 404; it never sees or sets a password (its new users start
 * with none usable and sign in after a reset code). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/throttle.h"
#include "store/resets.h"
#include "store/totp.h"
#include "auth/password.h"
#include "core/config.h"
#include "core/log.h"

#include <sodium.h>

#define USERNAME_MIN 3
#define USERNAME_MAX 64	/* what store_username_acceptable allows */
#define ORG_NAME_MAX 100

static int id_param(struct api_ctx *c, int64_t *id)
{
	long v;
	if (parse_long(c->params[0], 1, INT32_MAX, &v) != 0) {
		api_error(c, K_NOT_FOUND);
		return -1;
	}
	*id = v;
	return 0;
}

#define UNUSABLE_SECRET_BYTES 32	/* a new org user's password: random, never shown */

/* 1 for the system administrator (every power); 0 for an organisation's
 * administrator; otherwise answered 403 and -1. */
static int manager_scope(struct api_ctx *c)
{
	if (strcmp(c->who->user.role, "admin") == 0)
		return 1;
	if (c->who->user.org_admin && c->who->user.org_id)
		return 0;
	api_error(c, K_FORBIDDEN);
	return -1;
}

/* An org administrator reaches a user of its own organisation and role only. */
static int in_scope(const struct api_ctx *c, const struct user *u)
{
	return u->org_id == c->who->user.org_id && strcmp(u->role, c->who->user.role) == 0;
}

/* The target of an org administrator's change: K_NOT_FOUND outside its scope. */
static enum kerr scoped_target(struct api_ctx *c, int all, int64_t id)
{
	struct user u;
	enum kerr e = store_user_get(c->app->store, id, &u);
	return e == K_OK && !all && !in_scope(c, &u) ? K_NOT_FOUND : e;
}

static void respond_user(struct api_ctx *c, int status, int64_t id)
{
	struct user u;
	struct org o = {0};
	enum kerr e = store_user_get(c->app->store, id, &u);
	if (e == K_OK && u.org_id)
		e = store_org_get(c->app->store, u.org_id, &o);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_json(c, status, user_json(&u, &o));
}

void users_list(struct api_ctx *c)
{
	int all = manager_scope(c);
	if (all < 0)
		return;
	struct user *users = NULL;
	struct org *orgs = NULL;
	size_t nu = 0, no = 0;
	enum kerr e = store_user_list(c->app->store, &users, &nu);
	if (e == K_OK)
		e = store_org_list(c->app->store, &orgs, &no);
	if (e != K_OK) {
		free(users);
		free(orgs);
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < nu; i++) {
		if (!all && !in_scope(c, &users[i]))
			continue;
		const struct org *o = NULL;
		for (size_t j = 0; j < no && users[i].org_id; j++)
			if (orgs[j].id == users[i].org_id)
				o = &orgs[j];
		json_array_append_new(arr, user_json(&users[i], o));
	}
	free(users);
	free(orgs);
	api_json(c, 200, json_pack("{s:o}", "users", arr));
}

/* The organisation named for a new user, created when it does not exist;
 * 0 for roles without one. Adds field errors on a mismatch. */
static enum kerr org_for(struct api_ctx *c, const char *role, const char *name, json_t *fields, int64_t *org_id)
{
	const char *kind = store_role_org_kind(role);
	*org_id = 0;
	if (kind == NULL || (name == NULL && strcmp(role, "bureau") == 0)) {
		if (name && *name)
			field_error(c, fields, "organisation", FIELD_INVALID);
		return K_OK;
	}
	if (name == NULL || *name == '\0') {
		field_error(c, fields, "organisation", FIELD_REQUIRED);
		return K_OK;
	}
	if (strlen(name) > ORG_NAME_MAX) {
		field_error(c, fields, "organisation", FIELD_TOO_LONG);
		return K_OK;
	}
	struct org o;
	enum kerr e = store_org_by_name(c->app->store, name, &o);
	if (e == K_NOT_FOUND)
		return store_org_create(c->app->store, name, kind, org_id);
	if (e != K_OK)
		return e;
	if (strcmp(o.kind, kind) != 0)
		field_error(c, fields, "organisation", FIELD_INVALID);
	*org_id = o.id;
	return K_OK;
}

/* The system administrator's creation: any role, organisation and password. */
static void admin_create(struct api_ctx *c, json_t *body)
{
	const char *name = json_str(body, "username"), *pw = json_str(body, "password");
	const char *role = json_str(body, "role"), *org = json_str(body, "organisation");
	json_t *fields = json_array();
	if (name == NULL || *name == '\0')
		field_error(c, fields, "username", FIELD_REQUIRED);
	else if (!store_username_acceptable(name))
		field_error(c, fields, "username", strlen(name) > USERNAME_MAX ? FIELD_TOO_LONG
			: strlen(name) < USERNAME_MIN ? FIELD_TOO_SHORT : FIELD_INVALID);
	enum field_problem pp = password_problem(pw);
	if (pp != FIELD_PROBLEM_COUNT)
		field_error(c, fields, "password", pp);
	if (role == NULL || *role == '\0')
		field_error(c, fields, "role", FIELD_REQUIRED);
	else if (role_bit(role) == 0)
		field_error(c, fields, "role", FIELD_UNKNOWN_CHOICE);
	enum kerr e = K_OK;
	int64_t org_id = 0;
	if (json_array_size(fields) == 0)
		e = org_for(c, role, org, fields, &org_id);
	if (e == K_OK && json_array_size(fields) > 0) {
		api_invalid(c, fields);
		return;
	}
	json_decref(fields);
	char hash[STORE_HASH_MAX];
	if (e == K_OK)
		e = auth_password_hash(pw, strlen(pw), hash);
	int64_t id = 0;
	if (e == K_OK)
		e = store_user_create(c->app->store, name, role, org_id, hash, &id);
	if (e == K_OK)
		log_info("msg=\"user created\" req=%s by=%lld user=%lld role=%s", http_request_id(c->req),
			(long long)c->who->user.id, (long long)id, role);
	if (e != K_OK) {	/* K_CONFLICT: the name is taken */
		api_error(c, e);
		return;
	}
	api_audit(c, "user_added", name, role);
	respond_user(c, 201, id);
}

/* An organisation's administrator adds a user of its organisation and role,
 * with a random password nobody knows (a reset code gives the first one). */
static void org_create(struct api_ctx *c, json_t *body)
{
	const char *name = json_str(body, "username");
	json_t *fields = json_array();
	if (name == NULL || *name == '\0')
		field_error(c, fields, "username", FIELD_REQUIRED);
	else if (!store_username_acceptable(name))
		field_error(c, fields, "username", FIELD_INVALID);
	if (json_object_get(body, "password") != NULL)
		field_error(c, fields, "password", FIELD_READ_ONLY);
	if (json_array_size(fields) > 0) {
		api_invalid(c, fields);
		return;
	}
	json_decref(fields);
	unsigned char raw[UNUSABLE_SECRET_BYTES];
	char secret[UNUSABLE_SECRET_BYTES * 2 + 1], hash[STORE_HASH_MAX];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(secret, sizeof secret, raw, sizeof raw);
	int64_t id = 0;
	enum kerr e = auth_password_hash(secret, strlen(secret), hash);
	sodium_memzero(secret, sizeof secret);
	if (e == K_OK)
		e = store_user_create(c->app->store, name, c->who->user.role, c->who->user.org_id, hash, &id);
	if (e == K_CONFLICT) {
		api_invalid_field(c, "username", FIELD_TAKEN);
		return;
	}
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_audit(c, "user_added", name, c->who->org.name);
	respond_user(c, 201, id);
}

void users_create(struct api_ctx *c)
{
	int all = manager_scope(c);
	if (all < 0)
		return;
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	if (all)
		admin_create(c, body);
	else
		org_create(c, body);
	json_decref(body);
}

/* The user named by the path and the request's JSON object (NULL after answering). */
static json_t *target_and_body(struct api_ctx *c, int64_t *id)
{
	return id_param(c, id) == 0 ? api_body_object(c) : NULL;
}

void users_update(struct api_ctx *c)
{
	int all = manager_scope(c);
	if (all < 0)
		return;
	int64_t id;
	json_t *body = target_and_body(c, &id);
	if (body == NULL)
		return;
	json_t *d = json_object_get(body, "disabled");
	if (!json_is_boolean(d)) {
		json_decref(body);
		api_invalid_field(c, "disabled", d ? FIELD_INVALID : FIELD_REQUIRED);
		return;
	}
	int disabled = json_is_true(d);
	json_decref(body);
	if (disabled && id == c->who->user.id) {
		api_error(c, K_CONFLICT);	/* an admin cannot lock themselves out */
		return;
	}
	enum kerr e = scoped_target(c, all, id);
	if (e == K_OK)
		e = store_user_set_disabled(c->app->store, id, disabled);
	if (e == K_OK && disabled)
		e = store_session_delete_user(c->app->store, id);
	session_cache_forget(c->app->sessions, NULL, id);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	char subject[24];
	snprintf(subject, sizeof subject, "%lld", (long long)id);
	api_audit(c, disabled ? "user_disabled" : "user_enabled", subject, "");
	respond_user(c, 200, id);
}

void users_reset_password(struct api_ctx *c)
{
	int64_t id;
	json_t *body = target_and_body(c, &id);
	if (body == NULL)
		return;
	const char *pw = json_str(body, "password");
	enum field_problem pp = password_problem(pw);
	if (pp != FIELD_PROBLEM_COUNT) {
		json_decref(body);
		api_invalid_field(c, "password", pp);
		return;
	}
	struct user u;
	char hash[STORE_HASH_MAX];
	enum kerr e = store_user_get(c->app->store, id, &u);
	if (e == K_OK)
		e = auth_password_hash(pw, strlen(pw), hash);
	json_decref(body);
	if (e == K_OK)
		e = store_user_set_password(c->app->store, id, hash);
	if (e == K_OK)
		e = store_session_delete_user(c->app->store, id);
	session_cache_forget(c->app->sessions, NULL, id);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_no_content(c);
}

#define RESET_CODE_LEN 10
#define RESET_CODE_SET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"	/* no 0/O, 1/I/L */

static void reset_code_hash(const char *code, char out[STORE_TOKEN_MAX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)code, strlen(code));
	sodium_bin2hex(out, STORE_TOKEN_MAX, h, sizeof h);
}

static void new_reset_code(char out[RESET_CODE_LEN + 1])
{
	const size_t set = sizeof RESET_CODE_SET - 1;
	for (int i = 0; i < RESET_CODE_LEN; i++)
		out[i] = RESET_CODE_SET[randombytes_uniform((uint32_t)set)];
	out[RESET_CODE_LEN] = '\0';
}

/* POST /api/v1/users/{id}/reset-code: a one-time code, shown once, for a user
 * of the caller's scope (an organisation's administrator: its own users). */
void users_reset_code(struct api_ctx *c)
{
	int all = manager_scope(c);
	int64_t id;
	if (all < 0 || id_param(c, &id) != 0)
		return;
	char code[RESET_CODE_LEN + 1], hash[STORE_TOKEN_MAX], subject[24];
	int64_t expires = 0;
	new_reset_code(code);
	reset_code_hash(code, hash);
	enum kerr e = scoped_target(c, all, id);
	if (e == K_OK)
		e = store_reset_issue(c->app->store, id, hash, c->who->user.id, time(NULL), &expires);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	snprintf(subject, sizeof subject, "%lld", (long long)id);
	api_audit(c, "reset_issued", subject, "");
	api_json(c, 201, json_pack("{s:s,s:I}", "code", code, "expires_at", (json_int_t)expires));
}

/* The redeem's fields; 0 after answering 422. */
static int redeem_fields(struct api_ctx *c, json_t *body, const char **name, const char **code, const char **pw)
{
	*name = json_str(body, "username");
	*code = json_str(body, "code");
	*pw = json_str(body, "password");
	json_t *fields = json_array();
	if (*name == NULL || !store_username_acceptable(*name))
		field_error(c, fields, "username", *name ? FIELD_INVALID : FIELD_REQUIRED);
	if (*code == NULL || strlen(*code) != RESET_CODE_LEN)
		field_error(c, fields, "code", *code ? FIELD_WRONG : FIELD_REQUIRED);
	enum field_problem pp = password_problem(*pw);
	if (pp != FIELD_PROBLEM_COUNT)
		field_error(c, fields, "password", pp);
	if (json_array_size(fields) > 0) {
		api_invalid(c, fields);
		return 0;
	}
	json_decref(fields);
	return 1;
}

/* Check the code and set the password (every session of the user ends). */
static enum kerr redeem(struct api_ctx *c, const char *name, const char *code, const char *pw, int64_t *user_id)
{
	struct user u;
	char upper[RESET_CODE_LEN + 1], hash[STORE_TOKEN_MAX], pw_hash[STORE_HASH_MAX];
	for (int i = 0; i <= RESET_CODE_LEN; i++)
		upper[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 'a' + 'A' : code[i]);
	reset_code_hash(upper, hash);
	enum kerr e = store_user_by_name(c->app->store, name, &u);
	if (e == K_OK)
		e = auth_password_hash(pw, strlen(pw), pw_hash);
	if (e == K_OK)
		e = store_reset_redeem(c->app->store, u.id, hash, pw_hash, time(NULL));
	*user_id = e == K_OK ? u.id : 0;
	return e;
}

/* POST /api/v1/password-resets/redeem (public) {"username", "code", "password"}:
 * wrong codes count in the throttle per (user, address). */
void password_reset_redeem(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	const char *name, *code, *pw;
	if (body == NULL || !redeem_fields(c, body, &name, &code, &pw)) {
		json_decref(body);
		return;
	}
	char subject[STORE_NAME_MAX];
	const char *addr = http_client_addr(c->req);
	long wait = 0;
	enum kerr e = store_username_key(name, subject, sizeof subject) == 0 ? K_OK : K_NOT_FOUND;
	if (e == K_OK)
		e = throttle_check(c->app, THROTTLE_RESET, subject, addr, &wait);
	int64_t id = 0;
	if (e == K_OK)
		e = redeem(c, name, code, pw, &id);
	json_decref(body);
	if (e == K_RATE_LIMITED) {
		throttle_answer(c, wait);
		return;
	}
	if (e == K_NOT_FOUND) {
		if (throttle_fail(c->app, THROTTLE_RESET, subject, addr) != K_OK)
			log_warn("msg=\"reset failure not counted\" req=%s", http_request_id(c->req));
		api_audit(c, "reset_failed", subject, "");
		api_invalid_field(c, "code", FIELD_WRONG);
		return;
	}
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	if (throttle_succeed(c->app, THROTTLE_RESET, subject, addr) != K_OK)
		log_warn("msg=\"reset failures not cleared\" req=%s", http_request_id(c->req));
	session_cache_forget(c->app->sessions, NULL, id);
	api_audit(c, "reset_used", subject, "");
	api_no_content(c);
}

/* DELETE /api/v1/users/{id}/totp: a user who lost both the phone and the
 * recovery codes loses the second factor, by the same people who issue its
 * reset codes; the next login needs the password only (or leads to a new
 * enrolment where the bureau requires one). 404 when there is none. */
void users_totp_remove(struct api_ctx *c)
{
	int all = manager_scope(c);
	int64_t id;
	if (all < 0 || id_param(c, &id) != 0)
		return;
	enum kerr e = scoped_target(c, all, id);
	if (e == K_OK)
		e = store_totp_remove(c->app->store, id);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	char subject[24];
	snprintf(subject, sizeof subject, "%lld", (long long)id);
	api_audit(c, "second_factor_removed", subject, "by_administrator");
	api_no_content(c);
}
