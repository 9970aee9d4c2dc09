/* What an enterprise is told about its bookings: GET /api/v1/notifications
 * ?before=ID&limit=N -> {"items", "unread"}; POST /api/v1/notifications/read
 * {"id"?} marks one (or, without id, every one) read. */
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/params.h"
#include "store/notifications.h"


static int64_t query_number(struct api_ctx *c, const char *name)
{
	return query_number_parse(http_query(c->req, name));
}

void notifications_list(struct api_ctx *c)
{
	int64_t before = query_number(c, "before"), limit = query_number(c, "limit"), unread = 0;
	json_t *items = NULL;
	if (before < 0 || limit < 0 || limit > NOTIFICATIONS_PAGE_MAX) {
		api_invalid_field(c, before < 0 ? "before" : "limit", FIELD_INVALID);
		return;
	}
	if (c->who->org.id == 0) {
		api_json(c, 200, json_pack("{s:[],s:i}", "items", "unread", 0));
		return;
	}
	enum kerr e = store_notifications_list(c->app->store, c->who->org.id, before, (int)limit, &items, &unread);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:o,s:I}", "items", items, "unread", (json_int_t)unread));
}

void notifications_read(struct api_ctx *c)
{
	size_t len = 0;
	json_t *body = NULL;
	(void)http_body(c->req, &len);
	if (len > 0 && (body = api_body_object(c)) == NULL)
		return;
	json_t *id = body ? json_object_get(body, "id") : NULL;
	if (id != NULL && (!json_is_integer(id) || json_integer_value(id) <= 0)) {
		json_decref(body);
		api_invalid_field(c, "id", FIELD_INVALID);
		return;
	}
	enum kerr e = c->who->org.id ? store_notifications_read(c->app->store, c->who->org.id,
		id ? json_integer_value(id) : 0, (int64_t)time(NULL)) : K_NOT_FOUND;
	json_decref(body);
	if (e != K_OK)
		api_error(c, e);
	else
		notifications_list(c);
}
