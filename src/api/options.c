/* The bureau's option lists and transshipment sites, read by every role. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/domain.h"

/* {"list", "values": [enabled values], "items": [{"id","code","value","disabled"}]} */
void options_get(struct api_ctx *c)
{
	int l = domain_option_list(c->params[0]);
	if (l < 0) {
		api_error(c, K_NOT_FOUND);
		return;
	}
	const char *list = domain_option_lists[l].code;
	struct option_item *items = NULL;
	size_t n = 0;
	enum kerr e = store_option_items(c->app->store, list, &items, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *values = json_array(), *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!items[i].disabled)
			json_array_append_new(values, json_string(items[i].value));
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)items[i].id, "code", items[i].code,
			"value", items[i].value, "disabled", items[i].disabled));
	}
	free(items);
	api_json(c, 200, json_pack("{s:s,s:o,s:o}", "list", list, "values", values, "items", arr));
}

static json_t *item_json(const struct option_item *it)
{
	return json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)it->id, "code", it->code, "value", it->value, "disabled",
		it->disabled);
}

/* The item of list with this id (K_NOT_FOUND when none). */
static enum kerr find_item(struct api_ctx *c, const char *list, int64_t id, struct option_item *out)
{
	struct option_item *items = NULL;
	size_t n = 0;
	enum kerr e = store_option_items(c->app->store, list, &items, &n);
	if (e == K_OK)
		e = K_NOT_FOUND;
	for (size_t i = 0; items && i < n; i++)
		if (items[i].id == id) {
			*out = items[i];
			e = K_OK;
		}
	free(items);
	return e;
}

static const char *list_param(struct api_ctx *c)
{
	int l = domain_option_list(c->params[0]);
	return l < 0 ? NULL : domain_option_lists[l].code;
}

/* POST /api/v1/options/{list} {"value", "code"?}: appended at the end. */
void options_add(struct api_ctx *c)
{
	const char *list = list_param(c);
	json_t *body = list ? api_body_object(c) : NULL;
	if (list == NULL) {
		api_error(c, K_NOT_FOUND);
		return;
	}
	if (body == NULL)
		return;
	const char *value = json_str(body, "value"), *code = json_str(body, "code");
	int64_t id = 0;
	struct option_item it;
	enum kerr e = K_OK;
	if (value == NULL || *value == '\0') {
		api_invalid_field(c, "value", FIELD_REQUIRED);
		goto out;
	}
	e = store_option_add_coded(c->app->store, list, code, value, &id);
	if (e == K_OK)
		e = find_item(c, list, id, &it);
	if (e == K_VALIDATION_FAILED)
		api_invalid_field(c, code ? "code" : "value", FIELD_INVALID);	/* a code of a-z, 0-9, _; a short value */
	else if (e == K_CONFLICT)
		api_invalid_field(c, "value", FIELD_TAKEN);
	else if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 201, item_json(&it));
out:
	json_decref(body);
}

/* PATCH /api/v1/options/{list}/{id} {"value"?, "disabled"?, "position"?}:
 * rename, disable or enable, move. The code stays; bookings keep the text
 * they were made with. */
void options_update(struct api_ctx *c)
{
	const char *list = list_param(c);
	int64_t id = api_param_id(c, 1);
	struct option_item it;
	enum kerr e = list && id ? find_item(c, list, id, &it) : K_NOT_FOUND;
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	json_t *value = json_object_get(body, "value"), *disabled = json_object_get(body, "disabled");
	json_t *position = json_object_get(body, "position");
	json_t *fields = json_array();
	if (value && (!json_is_string(value) || json_string_length(value) == 0))
		field_error(c, fields, "value", FIELD_INVALID);
	if (disabled && !json_is_boolean(disabled))
		field_error(c, fields, "disabled", FIELD_INVALID);
	if (position && (!json_is_integer(position) || json_integer_value(position) < 0))
		field_error(c, fields, "position", FIELD_INVALID);
	if (api_invalid_if_any(c, fields)) {
		json_decref(body);
		return;
	}
	e = store_option_update(c->app->store, list, id, value ? json_string_value(value) : NULL,
		disabled ? json_is_true(disabled) : -1, position ? (int64_t)json_integer_value(position) : -1);
	if (e == K_OK)
		e = find_item(c, list, id, &it);
	json_decref(body);
	if (e == K_CONFLICT)
		api_invalid_field(c, "value", FIELD_TAKEN);
	else if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, item_json(&it));
}

void domain_get(struct api_ctx *c)
{
	api_json(c, 200, domain_json());
}

