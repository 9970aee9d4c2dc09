/* GET /api/v1/openapi.json: the API's OpenAPI 3.1 description, a file of
 * web/api/ embedded with the pages (it_openapi checks it against routes.c). */
#include <string.h>

#include "api/api.h"
#include "http/assets.h"

#define OPENAPI_ASSET "/api/openapi.json"

void openapi_get(struct api_ctx *c)
{
	const struct asset *a = assets_find(OPENAPI_ASSET);
	if (a == NULL) {
		api_error(c, K_NOT_FOUND);
		return;
	}
	const char *inm = http_header(c->req, "If-None-Match");
	http_add_header(c->req, "ETag", a->etag);
	http_add_header(c->req, "Cache-Control", "no-cache");
	if (inm && strstr(inm, a->etag)) {
		http_respond_static(c->req, 304, NULL, "", 0);
		return;
	}
	http_respond_static(c->req, 200, "application/json; charset=utf-8", a->data, a->len);
}
