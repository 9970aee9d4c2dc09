/* The bureau's option lists and transshipment sites, read by every role. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

static const char *const lists[] = {"clearance_mode", "cargo_type", "customs_warehouse", "usage_type", "fuel_type"};

void options_get(struct api_ctx *c)
{
	const char *list = NULL;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (strcmp(c->params[0], lists[i]) == 0)
			list = lists[i];
	if (list == NULL) {
		api_error(c, K_NOT_FOUND);
		return;
	}
	char **values = NULL;
	size_t n = 0;
	enum kerr e = store_option_list(c->app->store, list, &values, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(values[i]));
	store_strings_free(values, n);
	api_json(c, 200, json_pack("{s:s,s:o}", "list", list, "values", arr));
}

static const char *site_kind(int kind)
{
	switch (kind) {
	case SITE_OTHER_HORGOS:
		return "other_horgos";
	case SITE_OUTSIDE_HORGOS:
		return "outside_horgos";
	default:
		return "listed";
	}
}

void sites_list(struct api_ctx *c)
{
	struct site *sites = NULL;
	size_t n = 0;
	enum kerr e = store_site_list(c->app->store, &sites, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (sites[i].active)
			json_array_append_new(arr, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)sites[i].id, "name",
				sites[i].name, "kind", site_kind(sites[i].kind)));
	free(sites);
	api_json(c, 200, json_pack("{s:o}", "sites", arr));
}
