/* Declarations: upload (recognised on the queue of its own), read, the PDF,
 * and its pages as images. Each belongs to the uploader's organisation. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/domain.h"
#include "core/log.h"
#include "recognize/recognize.h"
#include "store/bookings.h"

#define RETRY_AFTER_S "5"
#define PAGE_CACHE "private, max-age=86400, immutable"	/* a declaration never changes */
#define ETAG_MAX 64
#define PAGE_NO_MAX 10000	/* stops reading a page number */

int64_t api_param_id(struct api_ctx *c, int i)
{
	const char *s = c->params[i];
	int64_t v = 0;
	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void api_busy(struct api_ctx *c)
{
	http_add_header(c->req, "Retry-After", RETRY_AFTER_S);
	api_error(c, K_BUSY);
}

/* A file name is stored and shown in JSON, which holds UTF-8 only. */
static int text_is_utf8(const char *s)
{
	json_t *t = json_string(s);
	json_decref(t);
	return t != NULL;
}

enum kerr api_upload_part_check(enum kerr found, const struct http_part *p, size_t max, enum field_problem *problem)
{
	*problem = FIELD_PROBLEM_COUNT;
	if (found == K_NOT_FOUND || (found == K_OK && p->filename[0] == '\0'))
		*problem = FIELD_REQUIRED;
	else if (found == K_VALIDATION_FAILED || (found == K_OK && !text_is_utf8(p->filename)))
		*problem = FIELD_INVALID;
	else if (found != K_OK)
		return found;
	else if (p->len > max)
		return K_PAYLOAD_TOO_LARGE;
	return *problem == FIELD_PROBLEM_COUNT ? K_OK : K_VALIDATION_FAILED;
}

int api_upload_part(struct api_ctx *c, const char *field, size_t max, struct http_part *out)
{
	enum field_problem problem;
	enum kerr e = api_upload_part_check(http_multipart_part(c->req, field, out), out, max, &problem);
	if (e == K_VALIDATION_FAILED)
		api_invalid_field(c, field, problem);
	else if (e != K_OK)
		api_error(c, e);
	return e == K_OK;
}

/* ---- upload ---- */

struct upload {
	const unsigned char *data;	/* in the request's body, which outlives the job */
	size_t len;
	char filename[FILENAME_MAX_BYTES + 1];
};

/* The shipper a registered organisation is: the recognition set beside the
 * name registered for the USCC read (rec_shipper_registered). An organisation
 * the registry cannot give leaves the recognition as read. */
/* A shipper's USCC read with its check failing: the registered organisation
 * whose USCC and name both lie near the readings (rec_shipper_match), its
 * USCC put in place (*o gets it). */
static bool shipper_near_registered(struct api_ctx *c, json_t *rec, struct org *o)
{
	struct org *orgs = NULL;
	size_t n = 0;
	if (store_org_registered(c->app->store, &orgs, &n) != K_OK)
		return false;
	const char **usccs = xcalloc(n ? n : 1, sizeof *usccs), **names = xcalloc(n ? n : 1, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		usccs[i] = orgs[i].uscc;
		names[i] = orgs[i].name;
	}
	int k = rec_shipper_match(rec, usccs, names, n);
	if (k >= 0) {
		*o = orgs[k];
		rec_shipper_uscc_registered(rec, o->uscc);
	}
	free(usccs);
	free(names);
	free(orgs);
	return k >= 0;
}

static void shipper_from_registry(struct api_ctx *c, json_t *rec)
{
	const char *uscc = rec_shipper_uscc(rec);
	struct org o;
	if (uscc ? store_org_by_uscc(c->app->store, uscc, &o) == K_OK : shipper_near_registered(c, rec, &o)) {
		if (rec_shipper_registered(rec, o.name))
			log_info("msg=\"shipper set beside the registry\" req=%s org=%" PRId64, http_request_id(c->req),
				o.id);
	}
}

static void recognize_and_store(struct api_ctx *c, void *arg)
{
	struct upload *u = arg;
	json_t *rec = NULL;
	log_info("msg=\"recognition started\" req=%s bytes=%zu", http_request_id(c->req), u->len);
	enum kerr e = rec_recognize_buffer(u->data, u->len, &rec);
	log_info("msg=\"recognition finished\" req=%s code=%s", http_request_id(c->req), kerr_code(e));
	if (e == K_OK)
		shipper_from_registry(c, rec);
	char *text = e == K_OK ? json_dumps(rec, JSON_COMPACT) : NULL;
	struct declaration_meta m = {.org_id = c->who->org.id, .uploaded_by = c->who->user.id, .size = (int64_t)u->len};
	if (e == K_OK)
		e = rec_page_count(u->data, u->len, &m.pages);
	snprintf(m.filename, sizeof m.filename, "%s", u->filename);
	int64_t id = 0;
	if (e == K_OK)
		e = text ? store_declaration_create(c->app->store, &m, u->data, text, &id) : K_INTERNAL;
	free(text);
	if (e != K_OK) {
		json_decref(rec);
		api_error(c, e);
		return;
	}
	api_json(c, 201, json_pack("{s:I,s:o}", "id", (json_int_t)id, "declaration", rec));
}

void declarations_upload(struct api_ctx *c)
{
	struct http_part part;
	if (c->who->org.id == 0) {
		api_error(c, K_FORBIDDEN);
		return;
	}
	if (!api_upload_part(c, "file", DECLARATION_BYTES_MAX, &part))
		return;
	struct upload *u = xcalloc(1, sizeof *u);
	u->data = part.data;
	u->len = part.len;
	snprintf(u->filename, sizeof u->filename, "%s", part.filename);
	api_defer_to_queue(c, recognize_and_store, u, free);
}

/* ---- reading ---- */

/* The declaration if the caller may see it: its organisation, the bureau
 * and the gate, a warehouse when a booking naming its site uses it. */
static enum kerr reachable(struct api_ctx *c, int64_t id, struct declaration_meta *m, json_t **rec)
{
	enum kerr e = id ? store_declaration_get(c->app->store, id, m, rec) : K_NOT_FOUND;
	if (e != K_OK)
		return e;
	const struct caller *w = c->who;
	int ok = strcmp(w->user.role, "bureau") == 0 || strcmp(w->user.role, "gate") == 0 ||
		(w->org.id != 0 && w->org.id == m->org_id);
	if (!ok && strcmp(w->user.role, "warehouse") == 0 && w->org.site_id != 0) {
		int linked = 0;
		e = store_declaration_site_linked(c->app->store, id, w->org.site_id, &linked);
		ok = e == K_OK && linked;
	}
	if (ok)
		return K_OK;
	if (rec) {
		json_decref(*rec);
		*rec = NULL;
	}
	return e == K_OK ? K_NOT_FOUND : e;
}

static json_t *iso(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

void declarations_get(struct api_ctx *c)
{
	struct declaration_meta m;
	json_t *rec = NULL;
	enum kerr e = reachable(c, api_param_id(c, 0), &m, &rec);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_json(c, 200, json_pack("{s:I,s:o,s:s,s:i,s:I,s:o}", "id", (json_int_t)m.id, "declaration", rec, "filename",
		m.filename, "pages", m.pages, "size", (json_int_t)m.size, "created_at", iso(m.created_at)));
}

void declarations_pdf(struct api_ctx *c)
{
	struct declaration_meta m;
	unsigned char *pdf = NULL;
	size_t len = 0;
	enum kerr e = reachable(c, api_param_id(c, 0), &m, NULL);
	if (e == K_OK)
		e = store_declaration_pdf(c->app->store, m.id, &pdf, &len);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	http_add_header(c->req, "Cache-Control", PAGE_CACHE);
	http_add_header(c->req, "Content-Disposition", "attachment; filename=\"declaration.pdf\"");
	http_add_header(c->req, "X-Content-Type-Options", "nosniff");
	http_respond(c->req, 200, "application/pdf", pdf, len);
	free(pdf);
}

struct render {
	int64_t id;
	int page;
	int dpi;
	int rotation;	/* clockwise turn that shows the page upright (the recognition's "pages") */
};

/* One page image's validator: the declaration, page, resolution and turn. */
static void render_etag(const struct render *r, char *etag, size_t n)
{
	snprintf(etag, n, "\"d%" PRId64 "-p%d-%d-r%d\"", r->id, r->page, r->dpi, r->rotation);
}

static void render_page(struct api_ctx *c, void *arg)
{
	struct render *r = arg;
	unsigned char *pdf = NULL, *png = NULL;
	size_t len = 0, png_len = 0;
	enum kerr e = store_declaration_pdf(c->app->store, r->id, &pdf, &len);
	if (e == K_OK)
		e = rec_render_page_png(pdf, len, r->page, r->dpi, r->rotation, &png, &png_len);
	free(pdf);
	if (e != K_OK) {
		api_error(c, e == K_VALIDATION_FAILED ? K_NOT_FOUND : e);
		return;
	}
	char etag[ETAG_MAX];
	render_etag(r, etag, sizeof etag);
	http_add_header(c->req, "Cache-Control", PAGE_CACHE);
	http_add_header(c->req, "ETag", etag);
	http_add_header(c->req, "X-Content-Type-Options", "nosniff");
	http_respond(c->req, 200, "image/png", png, png_len);
	free(png);
}

/* ":n" is "N.png", N from 1. */
static int page_param(const char *s)
{
	int n = 0;
	for (; *s >= '0' && *s <= '9' && n < PAGE_NO_MAX; s++)
		n = n * 10 + (*s - '0');
	return strcmp(s, ".png") == 0 ? n : 0;
}

/* The clockwise turn the recognition found for page n (from 1), 0 when none. */
static int page_rotation(json_t *rec, int n)
{
	json_t *p = json_array_get(json_object_get(rec, "pages"), (size_t)(n - 1));
	json_int_t r = json_integer_value(json_object_get(p, "rotation"));
	return r == 90 || r == 180 || r == 270 ? (int)r : 0;
}

void declarations_page(struct api_ctx *c)
{
	struct declaration_meta m;
	json_t *rec = NULL;
	int page = page_param(c->params[1]);
	enum kerr e = reachable(c, api_param_id(c, 0), &m, &rec);
	if (e == K_OK && (page < 1 || page > m.pages))
		e = K_NOT_FOUND;
	if (e != K_OK) {
		json_decref(rec);
		api_error(c, e);
		return;
	}
	struct render *r = xcalloc(1, sizeof *r);
	*r = (struct render){m.id, page, REC_RENDER_DPI_DEFAULT, page_rotation(rec, page)};
	json_decref(rec);
	char etag[ETAG_MAX];
	render_etag(r, etag, sizeof etag);
	const char *inm = http_header(c->req, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		free(r);
		http_add_header(c->req, "ETag", etag);
		http_add_header(c->req, "Cache-Control", PAGE_CACHE);
		http_respond(c->req, 304, NULL, "", 0);
		return;
	}
	api_defer_to_queue(c, render_page, r, free);
}
