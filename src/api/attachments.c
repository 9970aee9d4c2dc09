/* What is uploaded into a booking: attachments (随附单证, kept in the
 * database, typed by their content) and VIN spreadsheets (车架号导入), and the
 * VIN template to fill in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/booking_doc.h"
#include "core/domain.h"
#include "core/log.h"
#include "sheet/sheet.h"

#define ATTACH_TYPE_MAX 32
#define DISPOSITION_MAX (FILENAME_MAX_BYTES * 3 + 64)

/* The content types attachments may have, told by their first bytes. */
static const struct {
	const char *magic;
	size_t len;
	const char *type;
} attachment_kinds[] = {
	{"%PDF-", 5, "application/pdf"},
	{"\x89PNG\r\n\x1a\n", 8, "image/png"},
	{"\xff\xd8\xff", 3, "image/jpeg"},
	{"PK\x03\x04", 4, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "application/vnd.ms-excel"},
};

const char *attachment_content_type(const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < sizeof attachment_kinds / sizeof attachment_kinds[0]; i++)
		if (len >= attachment_kinds[i].len && memcmp(data, attachment_kinds[i].magic, attachment_kinds[i].len) == 0)
			return attachment_kinds[i].type;
	return NULL;
}

/* The booking, visible to the caller and still editable. */
static enum kerr editable_booking(struct api_ctx *c, struct booking_meta *m)
{
	int64_t id = api_param_id(c, 0);
	struct booking_scope scope = booking_scope_of(c->who);
	enum kerr e = id ? store_booking_get(c->app->store, id, m, NULL) : K_NOT_FOUND;
	if (e == K_OK && !store_booking_visible(&scope, m))
		e = K_NOT_FOUND;
	if (e == K_OK && !domain_states[m->state].editable)
		e = K_WRONG_STATE;
	return e;
}

enum field_problem attachment_type_read(enum kerr found, const struct http_part *p, char *out, size_t out_len)
{
	if (found != K_OK || p->len == 0 || p->len >= out_len)
		return FIELD_REQUIRED;
	if (memchr(p->data, '\0', p->len) != NULL)
		return FIELD_UNKNOWN_CHOICE;	/* "release_list\0...": not the whole field */
	memcpy(out, p->data, p->len);
	out[p->len] = '\0';
	return domain_attachment_type(out) < 0 ? FIELD_UNKNOWN_CHOICE : FIELD_PROBLEM_COUNT;
}

/* The "type" field of the form: one of the domain's attachment types. */
static int attachment_type(struct api_ctx *c, char *out, size_t out_len)
{
	struct http_part p;
	enum field_problem problem = attachment_type_read(http_multipart_part(c->req, "type", &p), &p, out, out_len);
	if (problem != FIELD_PROBLEM_COUNT)
		api_invalid_field(c, "type", problem);
	return problem == FIELD_PROBLEM_COUNT;
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

void attachments_upload(struct api_ctx *c)
{
	struct booking_meta m;
	struct http_part file;
	struct attachment_meta a = {0};
	enum kerr e = editable_booking(c, &m);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	if (!api_upload_part(c, "file", ATTACHMENT_BYTES_MAX, &file) || !attachment_type(c, a.type, sizeof a.type))
		return;
	const char *type = file.len ? attachment_content_type(file.data, file.len) : NULL;
	if (type == NULL) {
		api_error(c, file.len ? K_UNSUPPORTED_MEDIA_TYPE : K_EMPTY_FILE);
		return;
	}
	a.booking_id = m.id;
	a.size = (int64_t)file.len;
	a.created_at = (int64_t)time(NULL);
	snprintf(a.content_type, sizeof a.content_type, "%s", type);
	snprintf(a.filename, sizeof a.filename, "%s", file.filename);
	e = store_attachment_add(c->app->store, &a, file.data, c->who->user.id, &a.id);
	if (e != K_OK) {
		api_error(c, e == K_RESOURCE_LIMIT ? K_CONFLICT : e);
		return;
	}
	api_json(c, 201, json_pack("{s:I,s:s,s:s,s:s,s:I,s:o}", "id", (json_int_t)a.id, "type", a.type, "filename",
		a.filename, "content_type", a.content_type, "size", (json_int_t)a.size, "created_at", iso(a.created_at)));
}

/* RFC 6266/5987: the name, percent-encoded as UTF-8. */
static void disposition(const char *name, char *out, size_t out_len)
{
	size_t o = (size_t)snprintf(out, out_len, "attachment; filename=\"attachment\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p && o + 4 < out_len; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
			*p == '-' || *p == '_';
		o += plain ? (size_t)snprintf(out + o, out_len - o, "%c", *p) : (size_t)snprintf(out + o, out_len - o, "%%%02X", *p);
	}
}

void attachments_download(struct api_ctx *c)
{
	struct booking_meta m;
	struct attachment_meta a;
	unsigned char *data = NULL;
	int64_t id = api_param_id(c, 0), aid = api_param_id(c, 1);
	struct booking_scope scope = booking_scope_of(c->who);
	enum kerr e = id && aid ? store_booking_get(c->app->store, id, &m, NULL) : K_NOT_FOUND;
	if (e == K_OK && !store_booking_visible(&scope, &m))
		e = K_NOT_FOUND;
	if (e == K_OK)
		e = store_attachment_get(c->app->store, id, aid, &a, &data);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	char disp[DISPOSITION_MAX];
	disposition(a.filename, disp, sizeof disp);
	http_add_header(c->req, "Content-Disposition", disp);
	http_add_header(c->req, "Cache-Control", "private, no-cache");
	http_add_header(c->req, "X-Content-Type-Options", "nosniff");
	http_respond(c->req, 200, a.content_type, data, (size_t)a.size);
	free(data);
}

/* ---- VIN spreadsheets ---- */

/* row 0: the sheet's row is not known (an accepted VIN refused here). */
static json_t *refused(uint32_t row, const char *value, const char *reason)
{
	return json_pack("{s:o,s:s,s:s}", "row", row ? json_integer(row) : json_null(), "value", value, "reason", reason);
}

static int has_vin(json_t *rows, const char *vin)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		const char *have = json_string_value(json_object_get(r, "vin"));
		if (have && strcmp(have, vin) == 0)
			return 1;
	}
	return 0;
}

/* Rows for the accepted VINs not in the booking yet, within the limit; the
 * others are refused with their reason. */
static int merge_vins(const struct sheet_result *res, json_t *rows, json_t *out_refused)
{
	int added = 0;
	for (size_t i = 0; i < res->n_rejected; i++)
		json_array_append_new(out_refused, refused(res->rejected[i].row, res->rejected[i].value,
			sheet_reason_code(res->rejected[i].reason)));
	for (size_t i = 0; i < res->n_vins; i++) {
		const char *vin = res->vins[i];
		if (has_vin(rows, vin)) {
			json_array_append_new(out_refused, refused(0, vin, "already_in_booking"));
		} else if (json_array_size(rows) >= BOOKING_VEHICLES_MAX) {
			json_array_append_new(out_refused, refused(0, vin, "too_many_vehicles"));
		} else {
			json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "vin", vin, "plate", "", "brand", "",
				"colour", "", "displacement", "", "power", "", "tonnage", ""));
			added++;
		}
	}
	return added;
}

/* Append the sheet's VINs to the booking and answer what was added and refused. */
static void add_rows(struct api_ctx *c, struct booking_meta *m, const struct sheet_result *res)
{
	json_t *doc = NULL, *out_refused = json_array();
	enum kerr e = store_booking_get(c->app->store, m->id, m, &doc);
	if (e == K_OK) {
		int added = merge_vins(res, json_object_get(doc, "vehicles"), out_refused);
		struct booking_fresh fresh = {0};
		e = store_booking_save(c->app->store, m, NULL, doc, &fresh);	/* its vehicles changed in place */
		json_decref(doc);
		doc = fresh.doc;
		if (e == K_OK)
			*m = fresh.meta;
		if (e == K_OK) {
			api_json(c, 200, json_pack("{s:i,s:O,s:o}", "added", added, "refused", out_refused, "booking", doc));
			doc = NULL;
		}
	}
	if (e != K_OK)
		api_error(c, e);
	json_decref(out_refused);
	json_decref(doc);
}

void bookings_import_vehicles(struct api_ctx *c)
{
	struct booking_meta m;
	struct http_part file;
	struct sheet_result res = {0};
	enum kerr e = editable_booking(c, &m);
	if (e == K_OK && m.kind != KIND_COMMODITY_VEHICLE)
		e = K_WRONG_STATE;	/* heavy trucks have no vehicle rows */
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	if (!api_upload_part(c, "file", SHEET_MAX_FILE_BYTES, &file))
		return;
	e = sheet_read_vins(file.data, file.len, NULL, &res);
	if (e != K_OK)
		api_error(c, e);
	else
		add_rows(c, &m, &res);
	sheet_result_free(&res);
}

void vin_template_get(struct api_ctx *c)
{
	unsigned char *bytes = NULL;
	size_t len = 0;
	enum kerr e = sheet_template_bytes(&bytes, &len);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	http_add_header(c->req, "Content-Disposition", "attachment; filename=\"vin-template.xlsx\"");
	http_add_header(c->req, "Cache-Control", "private, max-age=3600");
	http_respond(c->req, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes, len);
	free(bytes);
}
