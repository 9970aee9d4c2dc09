/* Transshipment sites (换装场所), kept by the bureau, and the organisations'
 * contacts: GET /api/v1/sites (every role: the booking form shows who will
 * approve and how to reach them), POST /api/v1/sites, PATCH
 * /api/v1/sites/{id}, GET /api/v1/organisations, PATCH
 * /api/v1/organisations/{id}. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "store/sites.h"

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

static json_t *approver_json(const struct site_detail *d, const struct org_contact *bureau)
{
	const char *name = NULL, *phone = NULL;
	enum site_approver a = store_site_approver(d, bureau, &name, &phone);
	return json_pack("{s:s,s:s,s:s}", "kind", a == SITE_APPROVER_WAREHOUSE ? "warehouse" : "bureau", "name", name,
		"phone", phone);
}

static json_t *site_json(const struct site_detail *d, const struct org_contact *bureau)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:b,s:o}", "id", (json_int_t)d->site.id, "name", d->site.name, "kind",
		site_kind(d->site.kind), "organisation_id", d->org_id ? json_integer(d->org_id) : json_null(),
		"organisation_name", d->org_name, "phone", d->phone, "active", d->site.active, "approver",
		approver_json(d, bureau));
}

void sites_list(struct api_ctx *c)
{
	struct site_detail *sites = NULL;
	struct org_contact bureau;
	size_t n = 0;
	const char *all = http_query(c->req, "all");
	int with_disabled = all && strcmp(all, "1") == 0 && strcmp(c->who->user.role, "bureau") == 0;
	enum kerr e = store_bureau_contact(c->app->store, &bureau);
	int have_bureau = e == K_OK;
	if (e == K_OK || e == K_NOT_FOUND)
		e = store_site_details(c->app->store, &sites, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (sites[i].site.active || with_disabled)
			json_array_append_new(arr, site_json(&sites[i], have_bureau ? &bureau : NULL));
	free(sites);
	api_json(c, 200, json_pack("{s:o}", "sites", arr));
}

/* Answer with the site as it now is. */
static void answer_site(struct api_ctx *c, int status, int64_t id)
{
	struct site_detail d;
	struct org_contact bureau;
	enum kerr be = store_bureau_contact(c->app->store, &bureau);
	enum kerr e = be == K_OK || be == K_NOT_FOUND ? store_site_detail(c->app->store, id, &d) : be;
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, status, site_json(&d, be == K_OK ? &bureau : NULL));
}

/* "organisation_id": a number links, null unlinks; *present 0 when absent. */
static int read_org_id(json_t *body, int64_t *org_id, int *present)
{
	json_t *v = json_object_get(body, "organisation_id");
	*present = v != NULL;
	*org_id = json_is_integer(v) ? json_integer_value(v) : 0;
	return v == NULL || json_is_null(v) || (json_is_integer(v) && *org_id > 0);
}

void sites_create(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *name = json_str(body, "name"), *phone = json_str(body, "phone");
	int64_t id = 0, org_id = 0;
	int has_org = 0;
	json_t *fields = json_array();
	if (name == NULL || name[0] == '\0')
		field_error(c, fields, "name", FIELD_REQUIRED);
	else if (strlen(name) >= STORE_NAME_MAX)
		field_error(c, fields, "name", FIELD_TOO_LONG);
	if (phone != NULL && phone[0] && !store_phone_acceptable(phone))
		field_error(c, fields, "phone", FIELD_INVALID);
	if (!read_org_id(body, &org_id, &has_org))
		field_error(c, fields, "organisation_id", FIELD_INVALID);
	enum kerr e = K_OK;
	if (json_array_size(fields) == 0)
		e = store_site_create(c->app->store, name, SITE_LISTED, &id);
	if (json_array_size(fields) == 0 && e == K_CONFLICT)
		field_error(c, fields, "name", FIELD_TAKEN);
	if (json_array_size(fields) == 0 && e == K_OK && phone != NULL)
		e = store_site_update(c->app->store, id, NULL, phone);
	if (json_array_size(fields) == 0 && e == K_OK && org_id != 0 &&
		store_site_link(c->app->store, id, org_id) == K_VALIDATION_FAILED)
		field_error(c, fields, "organisation_id", FIELD_UNKNOWN_CHOICE);
	if (!api_finish_fields(c, body, fields, e))
		answer_site(c, 201, id);
}

/* Check the PATCH body against the site: the fixed choices keep their name
 * and take no warehouse. Problems go to fields. */
static void check_update(struct api_ctx *c, json_t *body, const struct site_detail *d, json_t *fields)
{
	const char *name = json_str(body, "name"), *phone = json_str(body, "phone");
	json_t *active = json_object_get(body, "active");
	int64_t org_id = 0;
	int has_org = 0;
	if (json_object_get(body, "name") && (name == NULL || name[0] == '\0' || strlen(name) >= STORE_NAME_MAX))
		field_error(c, fields, "name", name && name[0] ? FIELD_TOO_LONG : FIELD_REQUIRED);
	else if (name && d->site.kind != SITE_LISTED && strcmp(name, d->site.name) != 0)
		field_error(c, fields, "name", FIELD_WRONG);
	if (json_object_get(body, "phone") && (phone == NULL || (phone[0] && !store_phone_acceptable(phone))))
		field_error(c, fields, "phone", FIELD_INVALID);
	if (active != NULL && (!json_is_boolean(active) || (d->site.kind != SITE_LISTED && json_is_false(active))))
		field_error(c, fields, "active", FIELD_WRONG);
	if (!read_org_id(body, &org_id, &has_org) || (has_org && org_id != 0 && d->site.kind != SITE_LISTED))
		field_error(c, fields, "organisation_id", FIELD_WRONG);
}

static enum kerr apply_update(struct api_ctx *c, json_t *body, int64_t id, json_t *fields)
{
	json_t *active = json_object_get(body, "active");
	int64_t org_id = 0;
	int has_org = 0;
	(void)read_org_id(body, &org_id, &has_org);
	enum kerr e = store_site_update(c->app->store, id, json_str(body, "name"), json_str(body, "phone"));
	if (e == K_CONFLICT)
		field_error(c, fields, "name", FIELD_TAKEN);
	if (e == K_OK && active != NULL)
		e = store_site_set_active(c->app->store, id, json_is_true(active));
	if (e == K_OK && has_org) {
		e = store_site_link(c->app->store, id, org_id);
		if (e == K_VALIDATION_FAILED)
			field_error(c, fields, "organisation_id", FIELD_UNKNOWN_CHOICE);
	}
	return e;
}

void sites_update(struct api_ctx *c)
{
	int64_t id = api_param_id(c, 0);
	struct site_detail d;
	enum kerr e = id > 0 ? store_site_detail(c->app->store, id, &d) : K_NOT_FOUND;
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	json_t *fields = json_array();
	check_update(c, body, &d, fields);
	if (json_array_size(fields) == 0)
		e = apply_update(c, body, id, fields);
	if (!api_finish_fields(c, body, fields, e))
		answer_site(c, 200, id);
}

/* ---- organisations' contacts ---- */

static json_t *contact_json(const struct org_contact *o)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)o->id, "name", o->name, "kind", o->kind, "phone",
		o->phone, "webhook_url", o->webhook_url);
}

void organisations_list(struct api_ctx *c)
{
	const char *kind = http_query(c->req, "kind");
	struct org_contact *orgs = NULL;
	size_t n = 0;
	if (kind != NULL && !store_org_kind_valid(kind)) {
		api_invalid_field(c, "kind", FIELD_UNKNOWN_CHOICE);
		return;
	}
	enum kerr e = store_org_contacts(c->app->store, kind, &orgs, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, contact_json(&orgs[i]));
	free(orgs);
	api_json(c, 200, json_pack("{s:o}", "organisations", arr));
}

void organisations_update(struct api_ctx *c)
{
	int64_t id = api_param_id(c, 0);
	struct org_contact o;
	enum kerr e = id > 0 ? store_org_contact(c->app->store, id, &o) : K_NOT_FOUND;
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *phone = json_str(body, "phone"), *hook = json_str(body, "webhook_url");
	json_t *fields = json_array();
	if (json_object_get(body, "phone") && (phone == NULL || (phone[0] && !store_phone_acceptable(phone))))
		field_error(c, fields, "phone", FIELD_INVALID);
	if (json_object_get(body, "webhook_url") && (hook == NULL || !store_webhook_acceptable(hook)))
		field_error(c, fields, "webhook_url", FIELD_INVALID);
	if (json_array_size(fields) == 0)
		e = store_org_contact_set(c->app->store, id, phone, hook);
	if (e == K_OK && json_array_size(fields) == 0)
		e = store_org_contact(c->app->store, id, &o);
	if (!api_finish_fields(c, body, fields, e))
		api_json(c, 200, contact_json(&o));
}
