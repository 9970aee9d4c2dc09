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

void domain_get(struct api_ctx *c)
{
	api_json(c, 200, domain_json());
}

