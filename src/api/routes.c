/* The route table and the dispatch: find the route, resolve the caller,
 * check role and CSRF token, then call the handler. */
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/log.h"
#include "http/assets.h"

/* Flags of a route. A route takes a JSON body (--max-body) unless it is a
 * GET or HEAD, which take none; UPLOAD routes also take multipart/form-data
 * bodies up to --max-upload. Anything else is refused before a byte of body is
 * read (api_admit). */
enum { PUBLIC = 1 << 0, NO_CSRF = 1 << 1, UPLOAD = 1 << 2, SNAPSHOT = 1 << 3, WRITERS = 1 << 4 };
/* SNAPSHOT: the session's check and the handler's reads share one snapshot
 * (store_hold_read): SQLite's read lock is taken once instead of once per
 * statement. A handler that writes ends the hold (store_release_read) before
 * its write, so that what it reads after the write is read anew.
 * WRITERS: the whole request (session check, reads, write, answer) runs on a
 * thread of the writers' queue (api_defer_to_writers), not on the server
 * thread, which goes on to read the next requests while this one waits for
 * the writer: the writes that wait together share one commit. */
/* Who reads bookings and declarations (each handler narrows it to what the
 * caller may see). */
#define ROLE_READERS (ROLE_ENTERPRISE | ROLE_WAREHOUSE | ROLE_BUREAU | ROLE_GATE)
/* Who may enrol a second factor (core/domain.c's domain_second_factor_roles). */
#define ROLE_SECOND_FACTOR (ROLE_WAREHOUSE | ROLE_BUREAU | ROLE_GATE | ROLE_ADMIN)

struct route {
	const char *method;
	const char *pattern;	/* ":x" matches one path segment */
	void (*handler)(struct api_ctx *c);
	int roles;		/* 0 with PUBLIC */
	int flags;
	const char *name;	/* metrics label */
};

static const struct route routes[] = {
	{"POST", "/api/v1/session", session_login, 0, PUBLIC, "session_login"},
	{"DELETE", "/api/v1/session", session_logout, ROLE_ANY, 0, "session_logout"},
	{"GET", "/api/v1/me", session_me, ROLE_ANY, 0, "me"},
	{"PUT", "/api/v1/me/lang", session_set_lang, ROLE_ANY, 0, "me_lang"},
	{"PUT", "/api/v1/me/password", session_set_password, ROLE_ANY, 0, "me_password"},
	{"POST", "/api/v1/session/totp", session_totp, 0, PUBLIC, "session_totp"},
	{"POST", "/api/v1/session/totp/enrolment", session_totp_enrolment, 0, PUBLIC, "session_totp_enrolment"},
	{"GET", "/api/v1/me/totp", me_totp_get, ROLE_SECOND_FACTOR, 0, "me_totp"},
	{"POST", "/api/v1/me/totp", me_totp_start, ROLE_SECOND_FACTOR, 0, "me_totp_start"},
	{"POST", "/api/v1/me/totp/confirm", me_totp_confirm, ROLE_SECOND_FACTOR, 0, "me_totp_confirm"},
	{"DELETE", "/api/v1/me/totp", me_totp_remove, ROLE_SECOND_FACTOR, 0, "me_totp_remove"},
	{"GET", "/api/v1/second-factor/settings", second_factor_settings_get, ROLE_BUREAU | ROLE_ADMIN, 0,
		"second_factor_settings"},
	{"PUT", "/api/v1/second-factor/settings", second_factor_settings_put, ROLE_BUREAU, 0, "second_factor_settings_put"},
	{"GET", "/api/v1/users", users_list, ROLE_ADMIN | ROLE_ENTERPRISE | ROLE_WAREHOUSE, 0, "users_list"},
	{"POST", "/api/v1/users", users_create, ROLE_ADMIN | ROLE_ENTERPRISE | ROLE_WAREHOUSE, 0, "users_create"},
	{"PATCH", "/api/v1/users/:id", users_update, ROLE_ADMIN | ROLE_ENTERPRISE | ROLE_WAREHOUSE, 0, "users_update"},
	{"PUT", "/api/v1/users/:id/password", users_reset_password, ROLE_ADMIN, 0, "users_password"},
	{"POST", "/api/v1/users/:id/reset-code", users_reset_code, ROLE_ADMIN | ROLE_ENTERPRISE | ROLE_WAREHOUSE, 0,
		"users_reset_code"},
	{"DELETE", "/api/v1/users/:id/totp", users_totp_remove, ROLE_ADMIN | ROLE_ENTERPRISE | ROLE_WAREHOUSE, 0,
		"users_totp_remove"},
	{"POST", "/api/v1/password-resets/redeem", password_reset_redeem, 0, PUBLIC, "password_reset_redeem"},
	{"GET", "/api/v1/options/:list", options_get, ROLE_ANY, 0, "options"},
	{"POST", "/api/v1/options/:list", options_add, ROLE_BUREAU, 0, "options_add"},
	{"PATCH", "/api/v1/options/:list/:id", options_update, ROLE_BUREAU, 0, "options_update"},
	{"GET", "/api/v1/domain", domain_get, 0, PUBLIC, "domain"},
	{"POST", "/api/v1/registrations", registrations_create, 0, PUBLIC, "registrations_create"},
	{"GET", "/api/v1/registrations/:id", registrations_get, 0, PUBLIC, "registrations_get"},
	{"GET", "/api/v1/registrations", registrations_list, ROLE_BUREAU, 0, "registrations_list"},
	{"POST", "/api/v1/registrations/:id/approve", registrations_approve, ROLE_BUREAU, 0, "registrations_approve"},
	{"POST", "/api/v1/registrations/:id/reject", registrations_reject, ROLE_BUREAU, 0, "registrations_reject"},
	{"GET", "/api/v1/account-audit", account_audit_search, ROLE_BUREAU, 0, "account_audit"},
	{"GET", "/api/v1/sites", sites_list, ROLE_ANY, 0, "sites"},
	{"POST", "/api/v1/sites", sites_create, ROLE_BUREAU, 0, "sites_create"},
	{"PATCH", "/api/v1/sites/:id", sites_update, ROLE_BUREAU, 0, "sites_update"},
	{"GET", "/api/v1/organisations", organisations_list, ROLE_BUREAU | ROLE_ADMIN, 0, "organisations"},
	{"PATCH", "/api/v1/organisations/:id", organisations_update, ROLE_BUREAU, 0, "organisations_update"},
	{"GET", "/api/v1/openapi.json", openapi_get, 0, PUBLIC, "openapi"},
	{"POST", "/api/v1/declarations", declarations_upload, ROLE_ENTERPRISE, UPLOAD, "declarations_upload"},
	{"GET", "/api/v1/declarations/:id", declarations_get, ROLE_READERS, 0, "declarations_get"},
	{"GET", "/api/v1/declarations/:id/pdf", declarations_pdf, ROLE_READERS, 0, "declarations_pdf"},
	{"GET", "/api/v1/declarations/:id/pages/:n", declarations_page, ROLE_READERS, 0, "declarations_page"},
	{"GET", "/api/v1/bookings", bookings_list, ROLE_READERS, 0, "bookings_list"},
	{"POST", "/api/v1/bookings", bookings_create, ROLE_ENTERPRISE, SNAPSHOT | WRITERS, "bookings_create"},
	{"GET", "/api/v1/bookings/:id", bookings_get, ROLE_READERS, SNAPSHOT, "bookings_get"},
	{"PATCH", "/api/v1/bookings/:id", bookings_patch, ROLE_ENTERPRISE, SNAPSHOT | WRITERS, "bookings_patch"},
	{"POST", "/api/v1/bookings/:id/check", bookings_check, ROLE_ENTERPRISE, 0, "bookings_check"},
	{"POST", "/api/v1/bookings/:id/submit", bookings_submit, ROLE_ENTERPRISE, SNAPSHOT | WRITERS, "bookings_submit"},
	{"POST", "/api/v1/bookings/:id/withdraw", bookings_withdraw, ROLE_ENTERPRISE, SNAPSHOT | WRITERS, "bookings_withdraw"},
	{"POST", "/api/v1/bookings/:id/cancel", bookings_cancel, ROLE_ENTERPRISE | ROLE_BUREAU, SNAPSHOT | WRITERS, "bookings_cancel"},
	{"POST", "/api/v1/bookings/:id/vehicles/import", bookings_import_vehicles, ROLE_ENTERPRISE, UPLOAD, "vehicles_import"},
	{"POST", "/api/v1/bookings/:id/attachments", attachments_upload, ROLE_ENTERPRISE, UPLOAD, "attachments_upload"},
	{"GET", "/api/v1/bookings/:id/attachments/:aid", attachments_download, ROLE_READERS, 0, "attachments_get"},
	{"GET", "/api/v1/vin-template.xlsx", vin_template_get, ROLE_ANY, 0, "vin_template"},
	{"GET", "/api/v1/capacity", capacity_get, ROLE_ANY, 0, "capacity"},
	{"PUT", "/api/v1/capacity", capacity_put_day, ROLE_BUREAU, 0, "capacity_put"},
	{"GET", "/api/v1/capacity/defaults", capacity_defaults_get, ROLE_ANY, 0, "capacity_defaults"},
	{"PUT", "/api/v1/capacity/defaults", capacity_defaults_put, ROLE_BUREAU, 0, "capacity_defaults_put"},
	{"POST", "/api/v1/capacity/expire-now", capacity_expire_now, ROLE_ADMIN, 0, "capacity_expire_now"},
	{"GET", "/api/v1/capacity/no-shows", capacity_no_shows, ROLE_BUREAU, 0, "capacity_no_shows"},
	{"POST", "/api/v1/capacity/close", capacity_close_day, ROLE_BUREAU, 0, "capacity_close"},
	{"POST", "/api/v1/bookings/:id/move", bookings_move, ROLE_ENTERPRISE | ROLE_BUREAU, 0, "bookings_move"},
	{"GET", "/api/v1/approvals", approvals_list, ROLE_WAREHOUSE | ROLE_BUREAU, 0, "approvals"},
	{"GET", "/api/v1/approvals.xlsx", approvals_xlsx, ROLE_WAREHOUSE | ROLE_BUREAU, 0, "approvals_xlsx"},
	{"GET", "/api/v1/overview", overview_get, ROLE_BUREAU, 0, "overview"},
	{"GET", "/api/v1/overview.xlsx", overview_xlsx, ROLE_BUREAU, 0, "overview_xlsx"},
	{"GET", "/api/v1/history", history_search, ROLE_BUREAU, 0, "history"},
	{"GET", "/api/v1/history.xlsx", history_xlsx, ROLE_BUREAU, 0, "history_xlsx"},
	{"POST", "/api/v1/approvals/batch", approvals_batch, ROLE_WAREHOUSE | ROLE_BUREAU, 0, "approvals_batch"},
	{"GET", "/api/v1/approvals/settings", approvals_settings_get, ROLE_ANY, 0, "approvals_settings"},
	{"PUT", "/api/v1/approvals/settings", approvals_settings_put, ROLE_BUREAU, 0, "approvals_settings_put"},
	{"POST", "/api/v1/bookings/:id/approve", bookings_approve, ROLE_WAREHOUSE | ROLE_BUREAU, 0, "bookings_approve"},
	{"POST", "/api/v1/bookings/:id/reject", bookings_reject, ROLE_WAREHOUSE | ROLE_BUREAU, 0, "bookings_reject"},
	{"GET", "/api/v1/bookings/:id/release", release_get, ROLE_READERS, 0, "release"},
	{"GET", "/api/v1/bookings/:id/release.png", release_png, ROLE_READERS, 0, "release_png"},
	{"GET", "/api/v1/bookings/:id/release.svg", release_svg, ROLE_READERS, 0, "release_svg"},
	{"GET", "/api/v1/release-key", release_keys_get, 0, PUBLIC, "release_key"},
	{"POST", "/api/v1/release-key/rotate", release_key_rotate, ROLE_ADMIN, 0, "release_key_rotate"},
	{"GET", "/api/v1/release-revocations", release_revocations, ROLE_GATE | ROLE_BUREAU | ROLE_ADMIN, 0,
		"release_revocations"},
	{"POST", "/api/v1/gate/scans", gate_scan, ROLE_GATE, 0, "gate_scans"},
	{"POST", "/api/v1/outbox/send-now", outbox_send_now, ROLE_ADMIN, 0, "outbox_send_now"},
	{"GET", "/api/v1/notifications", notifications_list, ROLE_ANY, 0, "notifications"},
	{"POST", "/api/v1/notifications/read", notifications_read, ROLE_ANY, 0, "notifications_read"},
	{"GET", "/healthz", health_check, 0, PUBLIC, "healthz"},
	{"GET", "/livez", health_live, 0, PUBLIC, "livez"},
	{"GET", "/metrics", metrics_get, 0, PUBLIC, "metrics"},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

int role_bit(const char *role)
{
	static const char *const names[] = {"enterprise", "warehouse", "bureau", "gate", "admin"};
	for (int i = 0; i < 5; i++)
		if (strcmp(role, names[i]) == 0)
			return 1 << i;
	return 0;
}

/* Match path against pattern, copying :segments into c->params. */
static int match(const char *pattern, const char *path, struct api_ctx *c)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == ':') {
			const char *end = strchr(path, '/');
			size_t len = end ? (size_t)(end - path) : strlen(path);
			if (len == 0 || len >= sizeof c->param_buf[0] || np >= 4)
				return 0;
			memcpy(c->param_buf[np], path, len);
			c->param_buf[np][len] = '\0';
			c->params[np] = c->param_buf[np];
			np++;
			path += len;
			while (*pattern && *pattern != '/')
				pattern++;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

/* The route for method and path (params into c), or NULL; *path_known
 * says whether some route has that path. */
static const struct route *route_find(const char *method, const char *path, struct api_ctx *c, int *path_known)
{
	*path_known = 0;
	/* the method first (it is short): most rows are passed without reading the path */
	for (size_t i = 0; i < N_ROUTES; i++)
		if (strcmp(routes[i].method, method) == 0 && match(routes[i].pattern, path, c)) {
			*path_known = 1;
			return &routes[i];
		}
	for (size_t i = 0; i < N_ROUTES && !*path_known; i++)
		*path_known = match(routes[i].pattern, path, c);
	return NULL;
}

const char *api_route_name(const char *method, const char *path, struct api_ctx *c, int *path_known)
{
	const struct route *r = route_find(method, path, c, path_known);
	return r ? r->name : NULL;
}

static int has_type(const char *type, const char *want)
{
	size_t n = strlen(want);
	return type && strncasecmp(type, want, n) == 0 && (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

enum kerr api_admit(const struct http_request *req, size_t *max_body, void *appv)
{
	const struct app *app = appv;
	*max_body = 0;
	if (!http_has_body(req))
		return K_OK;	/* nothing to read: the handler answers as for any request */
	struct api_ctx scratch = {0};
	int path_known;
	const char *method = http_method(req), *path = http_path(req);
	const struct route *r = route_find(method, path, &scratch, &path_known);
	if (r == NULL)
		return path_known || strncmp(path, "/api/", 5) != 0 ? K_METHOD_NOT_ALLOWED : K_NOT_FOUND;
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return K_PAYLOAD_TOO_LARGE;
	const char *type = http_header(req, "Content-Type");
	if ((r->flags & UPLOAD) && has_type(type, "multipart/form-data")) {
		*max_body = app->set.max_upload;
		return K_OK;
	}
	int merge_patch = strcmp(method, "PATCH") == 0 && has_type(type, "application/merge-patch+json");
	if (!has_type(type, "application/json") && !merge_patch)
		return K_UNSUPPORTED_MEDIA_TYPE;
	*max_body = app->set.max_body;
	return K_OK;
}

static enum lang request_lang(struct http_request *req)
{
	const char *q = http_query(req, "lang");
	int l = q ? lang_parse(q, (int)strlen(q)) : -1;
	return l >= 0 ? (enum lang)l : lang_from_accept(http_header(req, "Accept-Language"));
}

static void serve_asset(struct api_ctx *c)
{
	const char *method = http_method(c->req);
	const struct asset *a = assets_find(http_path(c->req));
	http_set_route(c->req, "static");
	if (a == NULL) {
		api_error(c, K_NOT_FOUND);
		return;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		http_add_header(c->req, "Allow", "GET, HEAD");
		api_error(c, K_METHOD_NOT_ALLOWED);
		return;
	}
	int html = strncmp(a->type, "text/html", 9) == 0;
	/* Pages revalidate every time; scripts and styles for a few minutes. */
	http_add_header(c->req, "Cache-Control", html ? "no-cache" : "public, max-age=300");
	http_add_header(c->req, "ETag", a->etag);
	http_add_header(c->req, "X-Content-Type-Options", "nosniff");
	if (html) {
		http_add_header(c->req, "Content-Security-Policy",
			"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
		http_add_header(c->req, "X-Frame-Options", "DENY");
		http_add_header(c->req, "Referrer-Policy", "same-origin");
	}
	const char *inm = http_header(c->req, "If-None-Match");
	if (inm && strstr(inm, a->etag)) {
		http_respond_static(c->req, 304, NULL, "", 0);
		return;
	}
	http_respond_static(c->req, 200, a->type, a->data, a->len);
}

int api_csrf_equal(const char *given, const char *want)
{
	size_t n = strlen(want);
	if (given == NULL || strlen(given) != n || n == 0)
		return 0;
	unsigned char diff = 0;	/* constant time */
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ want[i]);
	return diff == 0;
}

static int csrf_ok(struct api_ctx *c)
{
	const char *m = http_method(c->req);
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0)
		return 1;
	return api_csrf_equal(http_header(c->req, "X-CSRF-Token"), c->who->session.csrf_token);
}

/* The caller's session, language, CSRF token and role, then the route's handler. */
static void dispatch(struct api_ctx *c, const struct route *r)
{
	struct caller who;
	if (!(r->flags & PUBLIC)) {
		enum kerr e = session_resolve(c, &who);
		if (e != K_OK) {
			api_error(c, e);
			return;
		}
		c->who = &who;
		/* The user's own setting, unless the request names a language. */
		const char *q = http_query(c->req, "lang");
		int ql = q ? lang_parse(q, (int)strlen(q)) : -1;
		int ul = lang_parse(who.user.lang, (int)strlen(who.user.lang));
		if (ql < 0 && ul >= 0)
			c->lang = (enum lang)ul;
		if (!(r->flags & NO_CSRF) && !csrf_ok(c)) {
			api_error(c, K_CSRF_FAILED);
			return;
		}
		if (!(role_bit(who.user.role) & r->roles)) {
			api_error(c, K_FORBIDDEN);
			return;
		}
	}
	r->handler(c);	/* a handler that defers copies the caller (api_defer_to_queue) */
}

/* The route's handler, its reads on one snapshot when the route says so. */
static void dispatch_held(struct api_ctx *c, const struct route *r)
{
	if (!(r->flags & SNAPSHOT)) {
		dispatch(c, r);
		return;
	}
	struct store *st = c->app->store;
	int held = store_hold_read(st) == K_OK;
	dispatch(c, r);
	if (held)
		store_release_read(st);
}

static void dispatch_on_writer(struct api_ctx *c, void *route)
{
	dispatch_held(c, route);
}

void api_handle(struct http_request *req, void *appv)
{
	struct api_ctx c = {.req = req, .app = appv};
	c.lang = request_lang(req);
	if (http_refusal(req) != K_OK) {
		http_set_route(req, "refused");
		api_error(&c, http_refusal(req));
		return;
	}
	const char *path = http_path(req), *method = http_method(req);
	int path_known;
	const struct route *r = route_find(method, path, &c, &path_known);
	if (r == NULL) {
		if (path_known) {
			http_set_route(req, "method_not_allowed");
			api_error(&c, K_METHOD_NOT_ALLOWED);
		} else if (strncmp(path, "/api/", 5) == 0) {
			http_set_route(req, "not_found");
			api_error(&c, K_NOT_FOUND);
		} else {
			serve_asset(&c);
		}
		return;
	}
	http_set_route(req, r->name);
	if (r->flags & WRITERS)
		api_defer_to_writers(&c, dispatch_on_writer, (void *)r, NULL);
	else
		dispatch_held(&c, r);
}
