/* Registrations (issue 16): POST /api/v1/registrations (public), GET
 * /api/v1/registrations/{id} (public, with the applicant's token), and for the
 * bureau GET /api/v1/registrations, POST .../{id}/approve and .../{id}/reject;
 * GET /api/v1/account-audit (bureau) searches the account audit. */
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "api/api.h"
#include "api/throttle.h"
#include "auth/password.h"
#include "core/config.h"
#include "core/log.h"
#include "store/audit.h"
#include "store/registrations.h"
#include "validate/validate.h"

#define REG_TOKEN_BYTES 32
#define REG_PER_ADDR 10		/* applications from one address ... */
#define REG_WINDOW_S THROTTLE_KEEP_MIN_S	/* ... in this long (an hour); more wait */
#define REG_PAGE 50
#define AUDIT_PAGE 100
#define REG_THROTTLE_KIND "register"
#define REG_THROTTLE_SUBJECT "apply"

static void token_hash(const char *token, char out[STORE_TOKEN_MAX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, STORE_TOKEN_MAX, h, sizeof h);
}

/* Record an account action; a failure to record is logged, never hidden. */
void api_audit(struct api_ctx *c, const char *action, const char *subject, const char *detail)
{
	int64_t actor = c->who ? c->who->user.id : 0;
	if (store_audit_add(c->app->store, action, actor, subject, http_client_addr(c->req), detail) != K_OK)
		log_warn("msg=\"audit not recorded\" action=%s req=%s", action, http_request_id(c->req));
}

static json_t *reg_json(const struct registration *r)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:I,s:o}", "id", (json_int_t)r->id, "organisation",
		r->organisation, "uscc", r->uscc, "kind", r->kind, "site_id",
		r->site_id ? json_integer(r->site_id) : json_null(), "contact_name", r->contact_name, "contact_phone",
		r->contact_phone, "username", r->username, "state", r->state, "reason", r->reason, "created_at",
		(json_int_t)r->created_at, "decided_at", r->decided_at ? json_integer(r->decided_at) : json_null());
}

/* 1 when addr may apply now; otherwise answered 429 with Retry-After. */
static int may_apply(struct api_ctx *c, const char *addr)
{
	int64_t now = time(NULL), n = 0, last = 0;
	enum kerr e = store_throttle_get(c->app->store, REG_THROTTLE_KIND, REG_THROTTLE_SUBJECT, addr,
		now - REG_WINDOW_S, &n, &last);
	if (e != K_OK) {
		api_error(c, e);
		return 0;
	}
	if (n < REG_PER_ADDR)
		return 1;
	throttle_answer(c, (long)(last + REG_WINDOW_S - now));
	return 0;
}

static void check_text(struct api_ctx *c, json_t *fields, const char *name, const char *v, size_t max)
{
	if (v == NULL || v[0] == '\0')
		field_error(c, fields, name, FIELD_REQUIRED);
	else if (strlen(v) >= max)
		field_error(c, fields, name, FIELD_TOO_LONG);
}

void registration_read_application(struct api_ctx *c, json_t *body, struct registration *r, json_t *fields)
{
	const char *org = json_str(body, "organisation"), *uscc = json_str(body, "uscc"), *kind = json_str(body, "kind");
	const char *cn = json_str(body, "contact_name"), *cp = json_str(body, "contact_phone");
	const char *user = json_str(body, "username");
	json_t *site = json_object_get(body, "site_id");
	check_text(c, fields, "organisation", org, sizeof r->organisation);
	if (org && org[0] && strlen(org) < sizeof r->organisation && !store_org_name_ok(org))
		field_error(c, fields, "organisation", FIELD_INVALID);
	if (uscc == NULL || uscc[0] == '\0')
		field_error(c, fields, "uscc", FIELD_REQUIRED);
	else if (!uscc_is_valid(uscc, strlen(uscc)))
		field_error(c, fields, "uscc", FIELD_INVALID);
	if (kind == NULL || (strcmp(kind, "enterprise") != 0 && strcmp(kind, "warehouse") != 0))
		field_error(c, fields, "kind", kind ? FIELD_UNKNOWN_CHOICE : FIELD_REQUIRED);
	check_text(c, fields, "contact_name", cn, sizeof r->contact_name);
	if (cp == NULL || cp[0] == '\0')
		field_error(c, fields, "contact_phone", FIELD_REQUIRED);
	else if (!store_phone_acceptable(cp))
		field_error(c, fields, "contact_phone", FIELD_INVALID);
	if (user == NULL || !store_username_acceptable(user))
		field_error(c, fields, "username", user ? FIELD_INVALID : FIELD_REQUIRED);
	int warehouse = kind && strcmp(kind, "warehouse") == 0;
	if (warehouse && (!json_is_integer(site) || json_integer_value(site) <= 0))
		field_error(c, fields, "site_id", site ? FIELD_INVALID : FIELD_REQUIRED);
	if (json_array_size(fields) > 0)
		return;
	snprintf(r->organisation, sizeof r->organisation, "%s", org);
	snprintf(r->uscc, sizeof r->uscc, "%s", uscc);
	snprintf(r->kind, sizeof r->kind, "%s", kind);
	snprintf(r->contact_name, sizeof r->contact_name, "%s", cn);
	snprintf(r->contact_phone, sizeof r->contact_phone, "%s", cp);
	snprintf(r->username, sizeof r->username, "%s", user);
	r->site_id = warehouse ? json_integer_value(site) : 0;
}

/* A warehouse names a listed, active site. */
static void check_site(struct api_ctx *c, const struct registration *r, json_t *fields)
{
	struct site_detail d;
	if (r->site_id && (store_site_detail(c->app->store, r->site_id, &d) != K_OK || !d.site.active))
		field_error(c, fields, "site_id", FIELD_UNKNOWN_CHOICE);
}

static void answer_taken(struct api_ctx *c, int taken)
{
	json_t *fields = json_array();
	if (taken & REG_TAKEN_USCC)
		field_error(c, fields, "uscc", FIELD_TAKEN);
	if (taken & REG_TAKEN_USERNAME)
		field_error(c, fields, "username", FIELD_TAKEN);
	if (taken & REG_TAKEN_ORGANISATION)
		field_error(c, fields, "organisation", FIELD_TAKEN);
	api_error_detail(c, K_CONFLICT, json_pack("{s:o}", "fields", fields));
}

/* Create it and answer 201 with the token (shown once). */
static void apply(struct api_ctx *c, struct registration *r, const char *pw, const char *addr)
{
	char token[REG_TOKEN_BYTES * 2 + 1], hash[STORE_HASH_MAX];
	unsigned char raw[REG_TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, sizeof token, raw, sizeof raw);
	token_hash(token, r->token_hash);
	int taken = 0;
	enum kerr e = auth_password_hash(pw, strlen(pw), hash);
	if (e == K_OK)
		e = store_registration_create(c->app->store, r, hash, &taken);
	sodium_memzero(hash, sizeof hash);
	if (e == K_CONFLICT) {
		answer_taken(c, taken);
		return;
	}
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	int64_t now = time(NULL), n = 0;
	if (store_throttle_fail(c->app->store, REG_THROTTLE_KIND, REG_THROTTLE_SUBJECT, addr, now, now - REG_WINDOW_S,
		&n) != K_OK)
		log_warn("msg=\"registration not counted\" req=%s", http_request_id(c->req));
	api_audit(c, "registration_applied", r->uscc, r->organisation);
	api_json(c, 201, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)r->id, "state", "pending", "token", token));
}

void registrations_create(struct api_ctx *c)
{
	const char *addr = http_client_addr(c->req);
	if (!may_apply(c, addr))
		return;
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	struct registration r;
	memset(&r, 0, sizeof r);
	json_t *fields = json_array();
	registration_read_application(c, body, &r, fields);
	const char *pw = json_str(body, "password");
	enum field_problem pp = password_problem(pw);
	if (pp != FIELD_PROBLEM_COUNT)
		field_error(c, fields, "password", pp);
	if (json_array_size(fields) == 0)
		check_site(c, &r, fields);
	if (json_array_size(fields) > 0) {
		json_decref(body);
		api_invalid(c, fields);
		return;
	}
	json_decref(fields);
	apply(c, &r, pw, addr);
	json_decref(body);
}

/* The applicant's view: the token from the header or ?token=. */
void registrations_get(struct api_ctx *c)
{
	const char *token = http_header(c->req, "X-Registration-Token");
	if (token == NULL)
		token = http_query(c->req, "token");
	struct registration r;
	char hash[STORE_TOKEN_MAX];
	int64_t id = api_param_id(c, 0);
	enum kerr e = id && token && strlen(token) == REG_TOKEN_BYTES * 2 ? store_registration_get(c->app->store, id, &r)
									  : K_NOT_FOUND;
	if (e == K_OK) {
		token_hash(token, hash);
		if (sodium_memcmp(hash, r.token_hash, strlen(hash) + 1) != 0 || strlen(r.token_hash) != strlen(hash))
			e = K_NOT_FOUND;
	}
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)r.id, "organisation", r.organisation,
			"state", r.state, "reason", r.reason));
}

void registrations_list(struct api_ctx *c)
{
	const char *state = http_query(c->req, "state"), *cursor = http_query(c->req, "cursor");
	if (state == NULL)
		state = "pending";
	if (strcmp(state, "pending") && strcmp(state, "approved") && strcmp(state, "rejected")) {
		api_invalid_field(c, "state", FIELD_UNKNOWN_CHOICE);
		return;
	}
	long after = 0;
	if (cursor && parse_long(cursor, 0, LONG_MAX, &after) != 0) {
		api_invalid_field(c, "cursor", FIELD_INVALID);
		return;
	}
	struct registration *rows = NULL;
	size_t n = 0;
	enum kerr e = store_registration_list(c->app->store, state, after, REG_PAGE + 1, &rows, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n && i < REG_PAGE; i++)
		json_array_append_new(items, reg_json(&rows[i]));
	char next[24];
	if (n > REG_PAGE)
		snprintf(next, sizeof next, "%lld", (long long)rows[REG_PAGE - 1].id);
	free(rows);
	api_json(c, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", n > REG_PAGE ? json_string(next) : json_null()));
}

static void answer_decided(struct api_ctx *c, int64_t id, const char *action)
{
	struct registration r;
	enum kerr e = store_registration_get(c->app->store, id, &r);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_audit(c, action, r.uscc, r.organisation);
	api_json(c, 200, reg_json(&r));
}

void registrations_approve(struct api_ctx *c)
{
	int64_t id = api_param_id(c, 0);
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	json_decref(body);
	enum kerr e = id ? store_registration_approve(c->app->store, id, c->who->user.id) : K_NOT_FOUND;
	if (e == K_CONFLICT)
		{
		json_t *fields = json_array();
		field_error(c, fields, "site_id", FIELD_TAKEN);
		api_error_detail(c, K_CONFLICT, json_pack("{s:o}", "fields", fields));
	}
	else if (e != K_OK)
		api_error(c, e);
	else
		answer_decided(c, id, "registration_approved");
}

void registrations_reject(struct api_ctx *c)
{
	int64_t id = api_param_id(c, 0);
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *reason = json_str(body, "reason");
	enum kerr e = K_OK;
	if (reason == NULL || reason[0] == '\0')
		api_invalid_field(c, "reason", FIELD_REQUIRED);
	else if (strlen(reason) >= REG_REASON_MAX)
		api_invalid_field(c, "reason", FIELD_TOO_LONG);
	else if ((e = id ? store_registration_reject(c->app->store, id, c->who->user.id, reason) : K_NOT_FOUND) != K_OK)
		api_error(c, e);
	else
		answer_decided(c, id, "registration_rejected");
	json_decref(body);
}

void account_audit_search(struct api_ctx *c)
{
	const char *action = http_query(c->req, "action"), *subject = http_query(c->req, "subject");
	const char *cursor = http_query(c->req, "cursor");
	long before = 0;
	if (cursor && parse_long(cursor, 1, LONG_MAX, &before) != 0) {
		api_invalid_field(c, "cursor", FIELD_INVALID);
		return;
	}
	struct audit_entry *rows = NULL;
	size_t n = 0;
	enum kerr e = store_audit_search(c->app->store, action ? action : "", subject ? subject : "", before,
		AUDIT_PAGE + 1, &rows, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n && i < AUDIT_PAGE; i++)
		json_array_append_new(items, json_pack("{s:I,s:s,s:o,s:s,s:s,s:s,s:I}", "id", (json_int_t)rows[i].id,
			"action", rows[i].action, "actor_id", rows[i].actor_id ? json_integer(rows[i].actor_id) : json_null(),
			"subject", rows[i].subject, "addr", rows[i].addr, "detail", rows[i].detail, "at", (json_int_t)rows[i].at));
	char next[24];
	if (n > AUDIT_PAGE)
		snprintf(next, sizeof next, "%lld", (long long)rows[AUDIT_PAGE - 1].id);
	free(rows);
	api_json(c, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", n > AUDIT_PAGE ? json_string(next) : json_null()));
}
