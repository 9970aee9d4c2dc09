/* Answers in the API's one format, and reading JSON bodies. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "auth/password.h"
#include "core/log.h"


void api_json_text(struct api_ctx *c, int status, const char *text, size_t len)
{
	http_add_header(c->req, "Cache-Control", "no-store");
	http_respond(c->req, status, "application/json; charset=utf-8", text, len);
}

void api_json(struct api_ctx *c, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL) {
		http_respond(c->req, 500, "application/json", "{\"error\":{\"code\":\"internal\"}}", 29);
		return;
	}
	api_json_text(c, status, text, strlen(text));
	free(text);
}

void api_no_content(struct api_ctx *c)
{
	http_add_header(c->req, "Cache-Control", "no-store");
	http_respond(c->req, 204, NULL, "", 0);
}

static json_t *error_body(struct api_ctx *c, enum kerr e)
{
	return json_pack("{s:{s:s,s:s}}", "error", "code", kerr_code(e), "message", kerr_message(e, c->lang));
}

void api_error(struct api_ctx *c, enum kerr e)
{
	if (e == K_DB_UNAVAILABLE && c->app)
		metrics_db_error(c->app->metrics);
	if (e == K_METHOD_NOT_ALLOWED)
		http_add_header(c->req, "Allow", "GET, POST, PUT, PATCH, DELETE");
	api_json(c, kerr_info(e)->http_status, error_body(c, e));
}

void api_error_detail(struct api_ctx *c, enum kerr e, json_t *detail)
{
	json_t *body = error_body(c, e);
	json_object_update(json_object_get(body, "error"), detail);
	json_decref(detail);
	api_json(c, kerr_info(e)->http_status, body);
}

void api_invalid(struct api_ctx *c, json_t *fields)
{
	json_t *body = error_body(c, K_VALIDATION_FAILED);
	json_object_set_new(json_object_get(body, "error"), "fields", fields);
	api_json(c, 422, body);
}

int api_invalid_if_any(struct api_ctx *c, json_t *fields)
{
	if (json_array_size(fields) == 0) {
		json_decref(fields);
		return 0;
	}
	api_invalid(c, fields);
	return 1;
}

int api_finish_fields(struct api_ctx *c, json_t *body, json_t *fields, enum kerr e)
{
	json_decref(body);
	if (api_invalid_if_any(c, fields))
		return 1;
	if (e == K_OK)
		return 0;
	api_error(c, e);
	return 1;
}

static const char *const field_messages[FIELD_PROBLEM_COUNT][LANG_COUNT] = {
	[FIELD_REQUIRED] = {"必填", "Обязательное поле", "Required"},
	[FIELD_TOO_SHORT] = {"太短", "Слишком коротко", "Too short"},
	[FIELD_TOO_LONG] = {"太长", "Слишком длинно", "Too long"},
	[FIELD_INVALID] = {"格式不正确", "Неверный формат", "Not in the expected form"},
	[FIELD_TAKEN] = {"已被使用", "Уже занято", "Already taken"},
	[FIELD_WRONG] = {"不正确", "Неверно", "Incorrect"},
	[FIELD_UNKNOWN_CHOICE] = {"不是可选的值", "Недопустимое значение", "Not one of the choices"},
	[FIELD_READ_ONLY] = {"此项不可修改", "Это поле нельзя изменить", "This key cannot be changed"},
};
static const char *const field_codes[FIELD_PROBLEM_COUNT] = {
	"required", "too_short", "too_long", "invalid", "taken", "wrong", "unknown_choice", "read_only",
};

#define UTF8_SEQ_MAX 4

/* A field name made in a caller's buffer ("vehicles[3].<key>") may have been
 * cut inside a character: the entry names it without the broken end (an
 * entry that is not valid UTF-8 would not be made, and the problem would go
 * unreported). */
static json_t *field_name(const char *field)
{
	size_t n = strlen(field);
	json_t *s = json_stringn(field, n);
	for (int cut = 0; s == NULL && cut < UTF8_SEQ_MAX && n > 0; cut++)
		s = json_stringn(field, --n);
	return s ? s : json_string("");
}

void field_error(struct api_ctx *c, json_t *arr, const char *field, enum field_problem p)
{
	json_array_append_new(arr, json_pack("{s:o,s:s,s:s}", "field", field_name(field), "code", field_codes[p],
		"message", field_messages[p][c->lang]));
}

void api_invalid_field(struct api_ctx *c, const char *field, enum field_problem p)
{
	json_t *fields = json_array();
	field_error(c, fields, field, p);
	api_invalid(c, fields);
}

enum field_problem password_problem(const char *pw)
{
	if (pw == NULL || *pw == '\0')
		return FIELD_REQUIRED;
	size_t n = strlen(pw);
	if (n < AUTH_PASSWORD_MIN)
		return FIELD_TOO_SHORT;
	if (n > AUTH_PASSWORD_MAX)
		return FIELD_TOO_LONG;
	return auth_password_acceptable(pw, n) ? FIELD_PROBLEM_COUNT : FIELD_INVALID;
}

json_t *api_body_object(struct api_ctx *c)
{
	const char *type = http_header(c->req, "Content-Type");
	/* RFC 7396 names its own type for PATCH bodies */
	if (type == NULL || (strncasecmp(type, "application/json", 16) != 0 &&
	    strncasecmp(type, "application/merge-patch+json", 28) != 0)) {
		api_error(c, K_UNSUPPORTED_MEDIA_TYPE);
		return NULL;
	}
	size_t len;
	const char *body = http_body(c->req, &len);
	json_t *obj = api_json_object_parse(body, len);
	if (obj == NULL)
		api_error(c, K_BAD_JSON);
	return obj;
}

json_t *api_json_object_parse(const char *body, size_t len)
{
	json_error_t err;
	json_t *obj = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (obj == NULL || !json_is_object(obj)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

const char *json_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *iso_time(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

json_t *org_json(const struct org *o)
{
	if (o == NULL || o->id == 0)
		return json_null();
	json_t *j = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)o->id, "name", o->name, "kind", o->kind);
	/* A warehouse's transshipment site: the bookings it approves name it. */
	if (strcmp(o->kind, ORG_WAREHOUSE) == 0)
		json_object_set_new(j, "site_id", o->site_id ? json_integer((json_int_t)o->site_id) : json_null());
	return j;
}

json_t *user_json(const struct user *u, const struct org *o)
{
	json_t *org = org_json(o);
	return json_pack("{s:I,s:s,s:s,s:o,s:b,s:b,s:o}", "id", (json_int_t)u->id, "username", u->username, "role",
		u->role, "organisation", org, "disabled", u->disabled, "org_admin", u->org_admin, "created_at",
		iso_time(u->created_at));
}
