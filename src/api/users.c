/* Admins manage accounts: list, create, disable and re-enable, reset passwords. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "auth/password.h"
#include "core/config.h"
#include "core/log.h"

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

void users_create(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
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
		json_decref(body);
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
	json_decref(body);	/* name, role and org point into it */
	if (e != K_OK) {	/* K_CONFLICT: the name is taken */
		api_error(c, e);
		return;
	}
	respond_user(c, 201, id);
}

/* The user named by the path and the request's JSON object (NULL after answering). */
static json_t *target_and_body(struct api_ctx *c, int64_t *id)
{
	return id_param(c, id) == 0 ? api_body_object(c) : NULL;
}

void users_update(struct api_ctx *c)
{
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
	enum kerr e = store_user_set_disabled(c->app->store, id, disabled);
	if (e == K_OK && disabled)
		e = store_session_delete_user(c->app->store, id);
	session_cache_forget(c->app->sessions, NULL, id);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
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
