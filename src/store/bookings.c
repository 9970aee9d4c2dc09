/* Bookings (bookings.h): the document written to columns and child tables,
 * read back whole, listed and searched, and moved between states. */
#include "store/bookings.h"
#include "store/notifications.h"
#include "store/release.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/capacity.h"
#include "store/store_internal.h"
#include "validate/validate.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define HISTORY_MAX 1000	/* history rows one booking shows */
/* The greatest code point: `col < prefix || this` bounds a prefix range. */
#define PREFIX_END "\xF4\x8F\xBF\xBF"

/* Text keys of the document kept in their own nullable columns, in the
 * order of the SQL below. */
static const char *const text_columns[] = {
	"clearance_mode", "cargo_type", "customs_warehouse", "contact", "usage_type", "fuel_type", "crossing_date", "slot",
};
enum { N_TEXT = COUNT(text_columns) };

/* Keys of the document that are not part of the `fields` JSON column. */
static const char *const not_fields[] = {
	"id", "kind", "state", "declaration_id", "organisation_id", "declaration_no", "declared", "confidence", "warnings",
	"clearance_mode", "cargo_type", "customs_warehouse", "contact", "usage_type", "fuel_type", "crossing_date", "slot",
	"is_transit", "transshipment_site_id", "plates", "vehicles", "attachments", "checks", "history", "created_at",
	"updated_at", "version", "created_by", "company",
};

static const char *const vehicle_keys[] = {"vin", "plate", "brand", "colour", "displacement", "power", "tonnage"};
enum { N_VEHICLE_KEYS = COUNT(vehicle_keys) };

/* The columns meta_row reads, in its order; _OF names the table's alias. */
#define META_COLUMNS_OF(t) \
	"SELECT " t ".id, " t ".org_id, " t ".kind, " t ".state, " t ".declaration_id, " t ".transshipment_site_id, " \
	t ".created_by, " t ".version"
#define META_COLUMNS "SELECT id, org_id, kind, state, declaration_id, transshipment_site_id, created_by, version FROM bookings"
#define BOOKING_COLUMNS \
	"SELECT id, org_id, kind, state, declaration_id, transshipment_site_id, created_by, version, declaration_no," \
	" fields, declared, confidence, warnings, is_transit, created_at, updated_at," \
	" clearance_mode, cargo_type, customs_warehouse, contact, usage_type, fuel_type, crossing_date, slot," \
	" (SELECT name FROM organisations WHERE id = bookings.org_id) FROM bookings"
enum { COL_FIRST_TEXT = 16, COL_COMPANY = 24 };

static int is_field_key(const char *key)
{
	for (size_t i = 0; i < COUNT(not_fields); i++)
		if (strcmp(key, not_fields[i]) == 0)
			return 0;
	return 1;
}

static const char *doc_text(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

static char *fields_text(json_t *doc)
{
	json_t *f = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
		if (is_field_key(key))
			json_object_set(f, key, v);
	char *t = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(f);
	return t;
}

static char *member_text(json_t *doc, const char *key, const char *empty)
{
	json_t *v = json_object_get(doc, key);
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : xstrdup(empty);
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* ---- child rows ---- */

/* What a save does with a child table: the rows a booking had are replaced,
 * unless they are known to be the rows it writes (or known to be none). */
enum child_write { CHILD_INSERT, CHILD_REPLACE, CHILD_KEEP };

/* CHILD_INSERT for a booking whose rows were none, CHILD_KEEP for one whose
 * rows were these; CHILD_REPLACE when unknown (before NULL). */
static enum child_write child_write_of(json_t *before, json_t *doc, const char *key)
{
	if (before == NULL)
		return CHILD_REPLACE;
	json_t *was = json_object_get(before, key), *now = json_object_get(doc, key);
	if (json_array_size(was) == 0 && json_array_size(now) == 0)
		return CHILD_KEEP;
	if (json_equal(was, now))
		return CHILD_KEEP;
	return json_array_size(was) == 0 ? CHILD_INSERT : CHILD_REPLACE;
}

static enum kerr write_plates(const struct conn *c, int64_t id, int64_t org_id, json_t *doc, enum child_write how)
{
	if (how == CHILD_KEEP)
		return K_OK;
	enum kerr e = how == CHILD_REPLACE ? store_q_run(c, "DELETE FROM booking_plates WHERE booking_id = ?", NULL, NULL,
		NULL, NULL, "i", id) : K_OK;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "plates"), i, p) {
		if (e != K_OK || !json_is_string(p))
			continue;
		e = store_q_run(c, "INSERT INTO booking_plates (booking_id, position, plate, booking_org_id) VALUES (?, ?, ?, ?)",
			NULL, NULL, NULL, NULL, "iisi", id, (int64_t)i, json_string_value(p), org_id);
	}
	return e;
}

static const char *vehicle_text(json_t *v, int k)
{
	const char *t = json_string_value(json_object_get(v, vehicle_keys[k]));
	return t ? t : "";
}

static enum kerr write_vehicles(const struct conn *c, int64_t id, int64_t org_id, json_t *doc, enum child_write how)
{
	if (how == CHILD_KEEP)
		return K_OK;
	enum kerr e = how == CHILD_REPLACE ? store_q_run(c, "DELETE FROM booking_vehicles WHERE booking_id = ?", NULL, NULL,
		NULL, NULL, "i", id) : K_OK;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(doc, "vehicles"), i, v) {
		if (e != K_OK)
			break;
		e = store_q_run(c, "INSERT INTO booking_vehicles (booking_id, position, vin, plate, brand, colour, displacement,"
			" power, tonnage, booking_org_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", NULL, NULL, NULL, NULL,
			"iisssssssi", id, (int64_t)i, vehicle_text(v, 0), vehicle_text(v, 1), vehicle_text(v, 2),
			vehicle_text(v, 3), vehicle_text(v, 4), vehicle_text(v, 5), vehicle_text(v, 6), org_id);
	}
	return e;
}

/* ---- create and save ---- */

static enum kerr read_fresh(const struct conn *c, int64_t id, int is_new, struct booking_fresh *f);

struct write_job {
	struct booking_fresh *fresh;	/* may be NULL */
	int64_t id;		/* the booking (create: filled) */
	int64_t org_id, user_id, declaration_id, version;
	enum booking_kind kind;
	int editable;		/* save: the state at version allows edits */
	enum child_write plates, vehicles;	/* save: what to do with each child table */
	json_t *doc;
	char *fields, *declared, *confidence, *warnings;
	char digits[DECLNO_DIGITS_MAX];
};

static void job_texts(struct write_job *j)
{
	j->fields = fields_text(j->doc);
	j->declared = member_text(j->doc, "declared", "{}");
	j->confidence = member_text(j->doc, "confidence", "{}");
	j->warnings = member_text(j->doc, "warnings", "[]");
	(void)declno_digits(doc_text(j->doc, "declaration_no"), j->digits, sizeof j->digits);
}

static void job_free(struct write_job *j)
{
	free(j->fields);
	free(j->declared);
	free(j->confidence);
	free(j->warnings);
}

static int64_t doc_int(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *declaration_no_or_empty(json_t *doc)
{
	const char *t = doc_text(doc, "declaration_no");
	return t ? t : "";
}

static enum kerr insert_tx(const struct conn *c, void *arg)
{
	struct write_job *j = arg;
	json_t *d = j->doc;
	int64_t now = now_s();
	int rows = 0;
	enum kerr e = store_q_run(c, "INSERT INTO bookings (org_id, kind, state, holding, declaration_id, declaration_no,"
		" declaration_digits, fields, declared, confidence, warnings, clearance_mode, cargo_type, customs_warehouse,"
		" is_transit, contact, transshipment_site_id, usage_type, fuel_type, crossing_date, slot, created_by, created_at,"
		" updated_at, version) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
		" RETURNING id", store_q_row_int64, &j->id, NULL, &rows, "isszsssssssssiszssssiii",
		j->org_id, domain_kinds[j->kind].code, domain_states[STATE_DRAFT].code, j->declaration_id,
		declaration_no_or_empty(d), j->digits, j->fields, j->declared, j->confidence, j->warnings,
		doc_text(d, "clearance_mode"), doc_text(d, "cargo_type"), doc_text(d, "customs_warehouse"),
		(int64_t)json_is_true(json_object_get(d, "is_transit")), doc_text(d, "contact"),
		doc_int(d, "transshipment_site_id"), doc_text(d, "usage_type"), doc_text(d, "fuel_type"),
		doc_text(d, "crossing_date"), doc_text(d, "slot"), j->user_id, now, now);
	if (e == K_OK && rows == 0)
		e = K_INTERNAL;
	if (e == K_OK)
		e = write_plates(c, j->id, j->org_id, d, CHILD_INSERT);
	if (e == K_OK)
		e = write_vehicles(c, j->id, j->org_id, d, CHILD_INSERT);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO booking_history (booking_id, action, from_state, to_state, actor_id, at, reason)"
			" VALUES (?, 'create', '', ?, ?, ?, '')", NULL, NULL, NULL, NULL, "isii", j->id,
			domain_states[STATE_DRAFT].code, j->user_id, now);
	if (e == K_OK)
		e = read_fresh(c, j->id, 1, j->fresh);
	return e;
}

/* A fresh read's document is dropped when its transaction did not commit. */
static enum kerr fresh_kept(enum kerr e, struct booking_fresh *f)
{
	if (e != K_OK && f != NULL) {
		json_decref(f->doc);
		f->doc = NULL;
	}
	return e;
}

enum kerr store_booking_create(struct store *st, int64_t org_id, int64_t user_id, enum booking_kind kind,
	int64_t declaration_id, json_t *doc, int64_t *id, struct booking_fresh *fresh)
{
	if (fresh)
		fresh->doc = NULL;
	if ((unsigned)kind >= KIND_COUNT)
		return K_VALIDATION_FAILED;
	struct write_job j = {.org_id = org_id, .user_id = user_id, .declaration_id = declaration_id, .kind = kind,
		.doc = doc, .fresh = fresh};
	job_texts(&j);
	enum kerr e = fresh_kept(store_tx(st, insert_tx, &j), fresh);
	job_free(&j);
	if (e == K_OK)
		*id = j.id;
	return e;
}

struct state_version {
	int state;
	int64_t version;
};

static enum kerr state_version_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct state_version *sv = arg;
	sv->state = domain_state(c->drv->column_text(s, 0));
	sv->version = c->drv->column_int64(s, 1);
	return K_OK;
}

/* Why a save's UPDATE changed no row: K_NOT_FOUND, K_WRONG_STATE, else
 * K_CONFLICT (written since the version the save started from). */
static enum kerr save_refused(const struct conn *c, const struct write_job *j)
{
	struct state_version sv = {-1, 0};
	int rows = 0;
	enum kerr e = store_q_run(c, "SELECT state, version FROM bookings WHERE id = ?", state_version_row, &sv, NULL, &rows,
		"i", j->id);
	if (e != K_OK)
		return e;
	if (rows == 0)
		return K_NOT_FOUND;
	if (sv.state < 0 || !domain_states[sv.state].editable)
		return K_WRONG_STATE;
	return K_CONFLICT;
}

/* The row at j->version, rewritten; *changes 0 when it is no longer there
 * at that version. Every change of state raises the version, so the state
 * is still the one the save started from. */
static enum kerr save_row(const struct conn *c, const struct write_job *j, int64_t *changes)
{
	json_t *d = j->doc;
	return store_q_run(c, "UPDATE bookings SET declaration_no = ?, declaration_digits = ?, fields = ?, declared = ?,"
		" clearance_mode = ?, cargo_type = ?, customs_warehouse = ?, is_transit = ?, contact = ?,"
		" transshipment_site_id = ?, usage_type = ?, fuel_type = ?, crossing_date = ?, slot = ?, updated_at = ?,"
		" version = version + 1 WHERE id = ? AND version = ?", NULL, NULL, changes, NULL, "sssssssiszssssiii",
		declaration_no_or_empty(d), j->digits, j->fields, j->declared, doc_text(d, "clearance_mode"),
		doc_text(d, "cargo_type"), doc_text(d, "customs_warehouse"),
		(int64_t)json_is_true(json_object_get(d, "is_transit")), doc_text(d, "contact"),
		doc_int(d, "transshipment_site_id"), doc_text(d, "usage_type"), doc_text(d, "fuel_type"),
		doc_text(d, "crossing_date"), doc_text(d, "slot"), now_s(), j->id, j->version);
}

static enum kerr save_tx(const struct conn *c, void *arg)
{
	struct write_job *j = arg;
	int64_t changes = 0;
	enum kerr e = j->editable ? save_row(c, j, &changes) : K_OK;
	if (e == K_OK && changes == 0)
		return save_refused(c, j);
	if (e == K_OK)
		e = write_plates(c, j->id, j->org_id, j->doc, j->plates);
	if (e == K_OK)
		e = write_vehicles(c, j->id, j->org_id, j->doc, j->vehicles);
	if (e == K_OK)
		e = read_fresh(c, j->id, 0, j->fresh);
	return e;
}

enum kerr store_booking_save(struct store *st, const struct booking_meta *meta, json_t *before, json_t *doc,
	struct booking_fresh *fresh)
{
	if (fresh)
		fresh->doc = NULL;
	struct write_job j = {.id = meta->id, .org_id = meta->org_id, .version = meta->version, .doc = doc,
		.fresh = fresh, .editable = (unsigned)meta->state < STATE_COUNT && domain_states[meta->state].editable,
		.plates = child_write_of(before, doc, "plates"), .vehicles = child_write_of(before, doc, "vehicles")};
	job_texts(&j);
	enum kerr e = fresh_kept(store_tx(st, save_tx, &j), fresh);
	job_free(&j);
	return e;
}

/* ---- reading ---- */

static void meta_row(const struct conn *c, struct db_stmt *s, struct booking_meta *m)
{
	m->id = c->drv->column_int64(s, 0);
	m->org_id = c->drv->column_int64(s, 1);
	int kind = domain_kind(c->drv->column_text(s, 2));
	m->kind = kind < 0 ? KIND_HEAVY_TRUCK : (enum booking_kind)kind;
	int state = domain_state(c->drv->column_text(s, 3));
	m->state = state < 0 ? STATE_DRAFT : (enum booking_state)state;
	m->declaration_id = c->drv->column_int64(s, 4);
	m->transshipment_site_id = c->drv->column_int64(s, 5);
	m->created_by = c->drv->column_int64(s, 6);
	m->version = c->drv->column_int64(s, 7);
}

static json_t *json_column(const struct conn *c, struct db_stmt *s, int col, json_t *fallback)
{
	json_t *v = json_loads(c->drv->column_text(s, col), JSON_DECODE_ANY, NULL);
	if (v == NULL)
		return fallback;
	json_decref(fallback);
	return v;
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

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

struct booking_read {
	struct booking_meta meta;
	json_t *doc;
};

static enum kerr booking_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct booking_read *r = arg;
	meta_row(c, s, &r->meta);
	json_t *d = json_column(c, s, 9, json_object());
	if (!json_is_object(d)) {
		json_decref(d);
		d = json_object();
	}
	json_object_set_new(d, "id", json_integer((json_int_t)r->meta.id));
	json_object_set_new(d, "organisation_id", json_integer((json_int_t)r->meta.org_id));
	json_object_set_new(d, "kind", json_string(domain_kinds[r->meta.kind].code));
	json_object_set_new(d, "state", json_string(domain_states[r->meta.state].code));
	json_object_set_new(d, "declaration_id", id_or_null(r->meta.declaration_id));
	json_object_set_new(d, "transshipment_site_id", id_or_null(r->meta.transshipment_site_id));
	json_object_set_new(d, "version", json_integer((json_int_t)r->meta.version));
	json_object_set_new(d, "declaration_no", json_string(c->drv->column_text(s, 8)));
	json_object_set_new(d, "declared", json_column(c, s, 10, json_object()));
	json_object_set_new(d, "confidence", json_column(c, s, 11, json_object()));
	json_object_set_new(d, "warnings", json_column(c, s, 12, json_array()));
	json_object_set_new(d, "is_transit", json_boolean(c->drv->column_int64(s, 13) != 0));
	json_object_set_new(d, "created_at", iso_time(c->drv->column_int64(s, 14)));
	json_object_set_new(d, "updated_at", iso_time(c->drv->column_int64(s, 15)));
	for (int i = 0; i < N_TEXT; i++)
		json_object_set_new(d, text_columns[i], c->drv->column_is_null(s, COL_FIRST_TEXT + i) ? json_null() :
			json_string(c->drv->column_text(s, COL_FIRST_TEXT + i)));
	json_object_set_new(d, "company", c->drv->column_is_null(s, COL_COMPANY) ? json_null() :
		json_string(c->drv->column_text(s, COL_COMPANY)));
	json_decref(r->doc);
	r->doc = d;
	return K_OK;
}

static enum kerr append_text(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_string(c->drv->column_text(s, 0)));
	return K_OK;
}

static enum kerr vehicle_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_t *v = json_object();
	for (int k = 0; k < N_VEHICLE_KEYS; k++)
		json_object_set_new(v, vehicle_keys[k], json_string(c->drv->column_text(s, k)));
	json_array_append_new(arg, v);
	return K_OK;
}

static enum kerr attachment_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I,s:s,s:s,s:s,s:I,s:o}", "id", (json_int_t)c->drv->column_int64(s, 0),
		"type", c->drv->column_text(s, 1), "filename", c->drv->column_text(s, 2), "content_type",
		c->drv->column_text(s, 3), "size", (json_int_t)c->drv->column_int64(s, 4), "created_at",
		iso_time(c->drv->column_int64(s, 5))));
	return K_OK;
}

static enum kerr history_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	if (json_array_size(arg) >= HISTORY_MAX)
		return K_OK;
	json_array_append_new(arg, json_pack("{s:s,s:s,s:s,s:o,s:s,s:o,s:s}", "action", c->drv->column_text(s, 0), "from",
		c->drv->column_text(s, 1), "to", c->drv->column_text(s, 2), "actor_id", id_or_null(c->drv->column_int64(s, 3)),
		"actor", c->drv->column_text(s, 4), "at", iso_time(c->drv->column_int64(s, 5)), "reason",
		c->drv->column_text(s, 6)));
	return K_OK;
}

/* The booking's plates and vehicles; with its attachments and history when
 * full, but no attachments when new (inserted by this transaction: no one
 * else knows its id before the commit). */
static enum kerr read_children(const struct conn *c, int64_t id, json_t *d, int full, int is_new)
{
	json_t *plates = json_array(), *vehicles = json_array(), *att = json_array(), *hist = json_array();
	json_object_set_new(d, "plates", plates);
	json_object_set_new(d, "vehicles", vehicles);
	json_object_set_new(d, "attachments", att);
	json_object_set_new(d, "history", hist);
	enum kerr e = store_q_run(c, "SELECT plate FROM booking_plates WHERE booking_id = ? ORDER BY position", append_text,
		plates, NULL, NULL, "i", id);
	if (e == K_OK)
		e = store_q_run(c, "SELECT vin, plate, brand, colour, displacement, power, tonnage FROM booking_vehicles"
			" WHERE booking_id = ? ORDER BY position", vehicle_row, vehicles, NULL, NULL, "i", id);
	if (e != K_OK || !full)
		return e;
	if (e == K_OK && !is_new)
		e = store_q_run(c, "SELECT id, type, filename, content_type, size, created_at FROM attachments"
			" WHERE booking_id = ? ORDER BY id", attachment_row, att, NULL, NULL, "i", id);
	if (e == K_OK)
		e = store_q_run(c, "SELECT h.action, h.from_state, h.to_state, h.actor_id, COALESCE(u.username, ''), h.at,"
			" h.reason FROM booking_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.booking_id = ?"
			" ORDER BY h.id", history_row, hist, NULL, NULL, "i", id);
	return e;
}

struct get_job {
	int64_t id;
	int want_doc;
	int full;			/* the doc with attachments and history */
	int is_new;			/* inserted by the transaction reading it */
	struct booking_read r;
};

static enum kerr get_run(const struct conn *c, void *arg)
{
	struct get_job *g = arg;
	int rows = 0;
	enum kerr e = store_q_run(c, BOOKING_COLUMNS " WHERE id = ?", booking_row, &g->r, NULL, &rows, "i", g->id);
	if (e == K_OK && rows == 0)
		return K_NOT_FOUND;
	if (e == K_OK && g->want_doc)
		e = read_children(c, g->id, g->r.doc, g->full, g->is_new);
	return e;
}

/* Hand the read over: *meta and *doc (when asked for) get it. */
static enum kerr get_finish(struct get_job *g, enum kerr e, struct booking_meta *meta, json_t **doc)
{
	if (e == K_OK && meta)
		*meta = g->r.meta;
	if (e == K_OK && doc) {
		*doc = g->r.doc;
		g->r.doc = NULL;
	}
	json_decref(g->r.doc);
	return e;
}

enum kerr store_booking_get(struct store *st, int64_t id, struct booking_meta *meta, json_t **doc)
{
	struct get_job g = {.id = id, .want_doc = doc != NULL, .full = 1};
	return get_finish(&g, store_read(st, get_run, &g), meta, doc);
}

enum kerr store_booking_get_lean(struct store *st, int64_t id, struct booking_meta *meta, json_t **doc)
{
	struct get_job g = {.id = id, .want_doc = doc != NULL};
	return get_finish(&g, store_read(st, get_run, &g), meta, doc);
}

/* store_booking_gate_on: what the gate shows, in two statements (three for
 * commodity vehicles) where the whole booking takes four and parses its
 * declaration's JSON, inside the writer's transaction. */
struct gate_view {
	struct booking_meta *meta;
	json_t *doc;
};

static json_t *text_or_null(const struct conn *c, struct db_stmt *s, int col)
{
	return c->drv->column_is_null(s, col) ? json_null() : json_string(c->drv->column_text(s, col));
}

static enum kerr gate_view_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct gate_view *v = arg;
	meta_row(c, s, v->meta);
	json_decref(v->doc);
	v->doc = json_pack("{s:s,s:o,s:o,s:o,s:o,s:[],s:[]}", "declaration_no", c->drv->column_text(s, 8), "crossing_date",
		text_or_null(c, s, 9), "slot", text_or_null(c, s, 10), "company", text_or_null(c, s, 11), "site_name",
		text_or_null(c, s, 12), "plates", "vehicles");
	return K_OK;
}

static enum kerr vin_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s}", "vin", c->drv->column_text(s, 0)));
	return K_OK;
}

static enum kerr gate_view_run(const struct conn *c, int64_t id, struct gate_view *v)
{
	int rows = 0;
	enum kerr e = store_q_run(c, META_COLUMNS_OF("b") ", b.declaration_no, b.crossing_date, b.slot,"
		" (SELECT name FROM organisations WHERE id = b.org_id), (SELECT name FROM sites WHERE id = b.transshipment_site_id)"
		" FROM bookings b WHERE b.id = ?", gate_view_row, v, NULL, &rows, "i", id);
	if (e == K_OK && rows == 0)
		return K_NOT_FOUND;
	if (e == K_OK)
		e = store_q_run(c, "SELECT plate FROM booking_plates WHERE booking_id = ? ORDER BY position", append_text,
			json_object_get(v->doc, "plates"), NULL, NULL, "i", id);
	if (e == K_OK && v->meta->kind == KIND_COMMODITY_VEHICLE)
		e = store_q_run(c, "SELECT vin FROM booking_vehicles WHERE booking_id = ? ORDER BY position", vin_row,
			json_object_get(v->doc, "vehicles"), NULL, NULL, "i", id);
	return e;
}

enum kerr store_booking_gate_on(const struct conn *c, int64_t id, struct booking_meta *meta, json_t **doc)
{
	struct gate_view v = {meta, NULL};
	enum kerr e = gate_view_run(c, id, &v);
	if (e == K_OK) {
		*doc = v.doc;
		v.doc = NULL;
	}
	json_decref(v.doc);
	return e;
}

/* The whole booking on the writer's connection, before its commit: the
 * pages it reads are the ones the write just touched, warm in that
 * connection's cache. */
static enum kerr read_fresh(const struct conn *c, int64_t id, int is_new, struct booking_fresh *f)
{
	if (f == NULL)
		return K_OK;
	struct get_job g = {.id = id, .want_doc = 1, .full = 1, .is_new = is_new};
	return get_finish(&g, get_run(c, &g), &f->meta, &f->doc);
}

/* store_booking_summaries: the rows of n ids, then their plates, one
 * statement each per STORE_IN_CHUNK ids; each plate names its booking. */
struct many_job {
	const int64_t *ids;
	size_t n;
	json_t **docs;
};

static json_t **many_slot(struct many_job *m, int64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ids[i] == id)
			return &m->docs[i];
	return NULL;
}

static enum kerr many_booking_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_t **slot = many_slot(arg, c->drv->column_int64(s, 0));
	struct booking_read r = {0};
	enum kerr e = booking_row(c, s, &r);
	if (e != K_OK || slot == NULL) {
		json_decref(r.doc);
		return e;
	}
	json_decref(*slot);
	*slot = r.doc;
	json_object_set_new(r.doc, "plates", json_array());
	return K_OK;
}

static enum kerr many_plate_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_t **slot = many_slot(arg, c->drv->column_int64(s, 1));
	json_t *plates = slot && *slot ? json_object_get(*slot, "plates") : NULL;
	return plates ? append_text(c, s, plates) : K_OK;
}

static enum kerr many_run(const struct conn *c, void *arg)
{
	struct many_job *m = arg;
	enum kerr e = store_q_in(c, BOOKING_COLUMNS " WHERE id IN ", m->ids, m->n, "", many_booking_row, m);
	for (size_t i = 0; e == K_OK && i < m->n; i++)
		if (m->docs[i] == NULL)
			e = K_NOT_FOUND;
	if (e == K_OK)
		e = store_q_in(c, "SELECT plate, booking_id FROM booking_plates WHERE booking_id IN ", m->ids, m->n,
			" ORDER BY booking_id, position", many_plate_row, m);
	return e;
}

enum kerr store_booking_summaries(struct store *st, const int64_t *ids, size_t n, json_t **docs)
{
	struct many_job m = {.ids = ids, .n = n, .docs = docs};
	for (size_t i = 0; i < n; i++)
		docs[i] = NULL;
	enum kerr e = store_read(st, many_run, &m);
	for (size_t i = 0; e != K_OK && i < n; i++) {
		json_decref(docs[i]);
		docs[i] = NULL;
	}
	return e;
}

/* ---- scope, list and search ---- */

int store_booking_visible(const struct booking_scope *scope, const struct booking_meta *m)
{
	if (scope->none)
		return 0;
	if (scope->org_id && m->org_id != scope->org_id)
		return 0;
	if (scope->site_id && m->transshipment_site_id != scope->site_id)
		return 0;
	return 1;
}

struct list_job {
	json_t *items;
	int64_t last_id;
};

static enum kerr summary_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct list_job *l = arg;
	struct booking_read r = {0};
	enum kerr e = booking_row(c, s, &r);
	if (e != K_OK)
		return e;
	l->last_id = r.meta.id;
	json_array_append_new(l->items, r.doc);
	return K_OK;
}

/* What a search term matches: [lo, hi) on plates and VINs, [dlo, dhi) on
 * declaration numbers (digits only). A term of BOOKING_SEARCH_PREFIX_MIN
 * characters or more is a prefix; a shorter one matches whole values only. */
struct search_ranges {
	char lo[BOOKING_SEARCH_MAX + 1], hi[BOOKING_SEARCH_MAX + sizeof PREFIX_END];
	char dlo[BOOKING_SEARCH_MAX + 1], dhi[BOOKING_SEARCH_MAX + sizeof PREFIX_END];
};
/* "\x01" after a value: no stored value lies between it and this bound. */
#define WHOLE_VALUE_END "\x01"

/* Characters (not bytes) of UTF-8 text. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Upper case, without spaces; 0 when the term is too long. */
static int search_ranges(const char *q, struct search_ranges *r)
{
	size_t o = 0;
	for (; *q; q++) {
		if (*q == ' ' || *q == '\t')
			continue;
		if (o + 1 >= sizeof r->lo)
			return 0;
		r->lo[o++] = (*q >= 'a' && *q <= 'z') ? (char)(*q - 'a' + 'A') : *q;
	}
	r->lo[o] = '\0';
	int prefix = utf8_chars(r->lo) >= BOOKING_SEARCH_PREFIX_MIN;
	snprintf(r->hi, sizeof r->hi, "%s%s", r->lo, prefix ? PREFIX_END : WHOLE_VALUE_END);
	size_t d = strspn(r->lo, "0123456789");
	if (d == o) {
		snprintf(r->dlo, sizeof r->dlo, "%s", r->lo);
		snprintf(r->dhi, sizeof r->dhi, "%s", r->hi);
	} else {
		snprintf(r->dlo, sizeof r->dlo, "%s", WHOLE_VALUE_END);	/* not a number: an empty range */
		snprintf(r->dhi, sizeof r->dhi, "%s", WHOLE_VALUE_END);
	}
	return 1;
}

/* The list's SQL, one statement per scope so that each uses its own index
 * and walks it newest first (bookings_org_walk, bookings_site, the primary key),
 * stopping after LIMIT rows: a filter written "? = 0 OR col = ?" would hide
 * the index from SQLite's planner. Every variant binds the same values: the
 * scope's leading value, the site twice, state twice, kind twice, the cursor
 * (INT64_MAX for none). The casts tell PostgreSQL the types of parameters it
 * cannot infer. */
#define SCOPE_ORG "org_id = ?"
#define SCOPE_SITE "transshipment_site_id = ?"
#define SCOPE_ALL "CAST(? AS BIGINT) = 0"
/* the sparse search reads candidates from the search indexes: "+col" keeps
 * SQLite from walking the scope's index instead */
#define SCOPE_ORG_NO_INDEX "+org_id = ?"
#define SCOPE_SITE_NO_INDEX "+transshipment_site_id = ?"
/* a plate's or VIN's own organisation (migration 11), joined to its booking */
#define SCOPE_CHILD_ORG "c.booking_org_id = ?"
/* Which matches the search indexes give: an enterprise's own (the ranges of
 * bookings_org_declaration, booking_plates_org_plate, booking_vehicles_org_vin),
 * or everyone's (a warehouse's too: its site is tested on the booking). */
#define MATCH_ORG "org_id = ?"
#define MATCH_CHILD_ORG "booking_org_id = ?"
#define MATCH_ANY "CAST(? AS BIGINT) = 0"
#define LIST_FILTER(scope) \
	" WHERE " scope " AND (CAST(? AS BIGINT) = 0 OR transshipment_site_id = ?)" \
	" AND (CAST(? AS TEXT) = '' OR state = ?) AND (CAST(? AS TEXT) = '' OR kind = ?) AND id < ?"
#define LIST_SQL(scope) BOOKING_COLUMNS LIST_FILTER(scope) " ORDER BY id DESC LIMIT ?"
/* The searches below end with DB_PLAN_EACH_CALL: their plans hang on the
 * ranges bound (PostgreSQL's generic plan for the walk ran each booking's
 * plate and VIN subqueries one by one, 5.5 ms against 0.5 for the plan made
 * with the values, on the million). The sparse one stays prepared: whole
 * values, the most frequent, keep their plan made with the values anyway
 * (pg_prepared_statements: no generic plan after many calls), and parsing
 * it at each call cost them 0.2-0.5 ms of CPU. */
/* A term matched by many bookings: walk the scope newest first down to a
 * floor (BOOKING_SEARCH_WALK_ROWS rows of the scope) and test each booking,
 * stopping at LIMIT. */
#define SEARCH_DENSE_SQL(scope) BOOKING_COLUMNS LIST_FILTER(scope) " AND id >= ?" \
	" AND ((declaration_digits >= ? AND declaration_digits < ?)" \
	"  OR EXISTS (SELECT 1 FROM booking_plates p WHERE p.booking_id = bookings.id AND p.plate >= ? AND p.plate < ?)" \
	"  OR EXISTS (SELECT 1 FROM booking_vehicles v WHERE v.booking_id = bookings.id AND v.vin >= ? AND v.vin < ?))" \
	" ORDER BY id DESC LIMIT ?" DB_PLAN_EACH_CALL
/* A term matched by few: every match of the scope's search indexes, the
 * newest looked up by primary key. */
#define ALL_MATCHES(match, child_match) \
	"SELECT id FROM bookings WHERE " match " AND declaration_digits >= ? AND declaration_digits < ?" \
	" UNION SELECT booking_id FROM booking_plates WHERE " child_match " AND plate >= ? AND plate < ?" \
	" UNION SELECT booking_id FROM booking_vehicles WHERE " child_match " AND vin >= ? AND vin < ?"
#define SEARCH_SPARSE_SQL(scope, match, child_match) BOOKING_COLUMNS LIST_FILTER(scope) \
	" AND id IN (" ALL_MATCHES(match, child_match) ") ORDER BY id DESC LIMIT ?"
/* Every match of the indexes in the page (the scope's own, no state, kind
 * or site to test) and more of them than a few pages: the newest page's
 * worth of each index below the cursor, read from the index alone and
 * ordered there ("+id": without walking the primary key), so that no
 * booking is read but the page's. */
#define NEWEST_MATCHES(match, child_match) \
	"SELECT id FROM (SELECT id FROM bookings WHERE " match " AND declaration_digits >= ? AND declaration_digits < ?" \
	" AND +id < ? ORDER BY +id DESC LIMIT ?) d" \
	" UNION SELECT booking_id FROM (SELECT booking_id FROM booking_plates WHERE " child_match " AND plate >= ?" \
	" AND plate < ? AND +booking_id < ? ORDER BY +booking_id DESC LIMIT ?) p" \
	" UNION SELECT booking_id FROM (SELECT booking_id FROM booking_vehicles WHERE " child_match " AND vin >= ?" \
	" AND vin < ? AND +booking_id < ? ORDER BY +booking_id DESC LIMIT ?) v"
#define SEARCH_NEWEST_SQL(scope, match, child_match) BOOKING_COLUMNS LIST_FILTER(scope) \
	" AND id IN (" NEWEST_MATCHES(match, child_match) ") ORDER BY id DESC LIMIT ?" DB_PLAN_EACH_CALL
/* An enterprise's term of BOOKING_DECLARATION_YEAR_DIGITS digits or more
 * whose matches lie below the walk: its declaration numbers' newest walked
 * newest first in their district's year (bookings_org_declaration_year,
 * whose expression this repeats; "|| ''" keeps the range test off the other
 * indexes), stopping at the page, the plates and VINs as NEWEST_MATCHES. */
#define SQL_INT_(n) #n
#define SQL_INT(n) SQL_INT_(n)
#define DECLARATION_YEAR "substr(declaration_digits, 1, " SQL_INT(BOOKING_DECLARATION_YEAR_DIGITS) ")"
#define NEWEST_YEAR_MATCHES \
	"SELECT id FROM (SELECT id FROM bookings WHERE " MATCH_ORG " AND " DECLARATION_YEAR " = ?" \
	" AND declaration_digits || '' >= ? AND declaration_digits || '' < ? AND id < ? ORDER BY id DESC LIMIT ?) d" \
	" UNION SELECT booking_id FROM (SELECT booking_id FROM booking_plates WHERE " MATCH_CHILD_ORG " AND plate >= ?" \
	" AND plate < ? AND +booking_id < ? ORDER BY +booking_id DESC LIMIT ?) p" \
	" UNION SELECT booking_id FROM (SELECT booking_id FROM booking_vehicles WHERE " MATCH_CHILD_ORG " AND vin >= ?" \
	" AND vin < ? AND +booking_id < ? ORDER BY +booking_id DESC LIMIT ?) v"
#define SEARCH_NEWEST_YEAR_SQL BOOKING_COLUMNS LIST_FILTER(SCOPE_ORG_NO_INDEX) \
	" AND id IN (" NEWEST_YEAR_MATCHES ") ORDER BY id DESC LIMIT ?" DB_PLAN_EACH_CALL
/* The bureau's term of exactly a VIN head's length (BOOKING_VIN_LINE_CHARS,
 * BOOKING_VIN_MODEL_CHARS): its VINs are the head's own, walked newest first
 * in booking_vehicles_vin_line or _vin_model (migration 13, whose expressions
 * this repeats), stopping at the page; the declaration numbers and plates as
 * NEWEST_MATCHES. */
#define VIN_HEAD(chars) "substr(vin, 1, " SQL_INT(chars) ")"
#define NEWEST_HEAD_MATCHES(chars) \
	"SELECT id FROM (SELECT id FROM bookings WHERE " MATCH_ANY " AND declaration_digits >= ? AND declaration_digits < ?" \
	" AND +id < ? ORDER BY +id DESC LIMIT ?) d" \
	" UNION SELECT booking_id FROM (SELECT booking_id FROM booking_plates WHERE " MATCH_ANY " AND plate >= ?" \
	" AND plate < ? AND +booking_id < ? ORDER BY +booking_id DESC LIMIT ?) p" \
	" UNION SELECT booking_id FROM (SELECT booking_id FROM booking_vehicles WHERE " VIN_HEAD(chars) " = ?" \
	" AND booking_id < ? ORDER BY booking_id DESC LIMIT ?) v"
#define SEARCH_NEWEST_HEAD_SQL(chars) BOOKING_COLUMNS LIST_FILTER(SCOPE_ALL) \
	" AND id IN (" NEWEST_HEAD_MATCHES(chars) ") ORDER BY id DESC LIMIT ?" DB_PLAN_EACH_CALL
/* ... and when its declaration numbers and plates are few (a whole plate of
 * 8 characters), those as ALL_MATCHES, prepared as SEARCH_SPARSE_SQL is. */
#define ALL_HEAD_MATCHES(chars) \
	"SELECT id FROM bookings WHERE " MATCH_ANY " AND declaration_digits >= ? AND declaration_digits < ?" \
	" UNION SELECT booking_id FROM booking_plates WHERE " MATCH_ANY " AND plate >= ? AND plate < ?" \
	" UNION SELECT booking_id FROM (SELECT booking_id FROM booking_vehicles WHERE " VIN_HEAD(chars) " = ?" \
	" AND booking_id < ? ORDER BY booking_id DESC LIMIT ?) v"
#define SEARCH_SPARSE_HEAD_SQL(chars) BOOKING_COLUMNS LIST_FILTER(SCOPE_ALL) \
	" AND id IN (" ALL_HEAD_MATCHES(chars) ") ORDER BY id DESC LIMIT ?"
/* Below the floor (many matches, but old ones: a year's prefix of the
 * declaration number) with a state, a kind or a site to test: each branch's
 * newest matches that pass, at most LIMIT each. */
#define REST_DECLARATIONS(scope) "SELECT id FROM (SELECT id FROM bookings" LIST_FILTER(scope) \
	" AND declaration_digits >= ? AND declaration_digits < ? ORDER BY +id DESC LIMIT ?) d"
#define REST_CHILDREN(scope, table, column) "SELECT id FROM (SELECT bookings.id AS id FROM " table " c" \
	" JOIN bookings ON bookings.id = c.booking_id" LIST_FILTER(scope) " AND c." column " >= ? AND c." column " < ?" \
	" ORDER BY +bookings.id DESC LIMIT ?) c"
#define SEARCH_REST_SQL(scope, child_scope) BOOKING_COLUMNS " WHERE id IN (" REST_DECLARATIONS(scope) \
	" UNION " REST_CHILDREN(child_scope, "booking_plates", "plate") \
	" UNION " REST_CHILDREN(child_scope, "booking_vehicles", "vin") ") ORDER BY id DESC LIMIT ?" DB_PLAN_EACH_CALL
#define WALK_FLOOR_SQL(scope) \
	"SELECT COUNT(*), COALESCE(MIN(id), 0) FROM (SELECT id FROM bookings WHERE " scope " AND id < ?" \
	" ORDER BY id DESC LIMIT ?) w"
/* Matches in the scope's search indexes, each range counted up to ?. */
#define SEARCH_PROBE_SQL(match, child_match) \
	"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM bookings WHERE " match " AND declaration_digits >= ?" \
	" AND declaration_digits < ? LIMIT ?) d)" \
	" + (SELECT COUNT(*) FROM (SELECT 1 FROM booking_plates WHERE " child_match " AND plate >= ? AND plate < ?" \
	" LIMIT ?) p)" \
	" + (SELECT COUNT(*) FROM (SELECT 1 FROM booking_vehicles WHERE " child_match " AND vin >= ? AND vin < ? LIMIT ?) v)"

enum list_scope { LIST_ALL, LIST_ORG, LIST_SITE, LIST_SCOPES };
enum list_plan { PLAN_LIST, PLAN_DENSE, PLAN_SPARSE, PLAN_NEWEST, PLAN_REST, LIST_PLANS };

static const char *const list_sql[LIST_PLANS][LIST_SCOPES] = {
	[PLAN_LIST] = {LIST_SQL(SCOPE_ALL), LIST_SQL(SCOPE_ORG), LIST_SQL(SCOPE_SITE)},
	[PLAN_DENSE] = {SEARCH_DENSE_SQL(SCOPE_ALL), SEARCH_DENSE_SQL(SCOPE_ORG), SEARCH_DENSE_SQL(SCOPE_SITE)},
	[PLAN_SPARSE] = {SEARCH_SPARSE_SQL(SCOPE_ALL, MATCH_ANY, MATCH_ANY),
		SEARCH_SPARSE_SQL(SCOPE_ORG_NO_INDEX, MATCH_ORG, MATCH_CHILD_ORG),
		SEARCH_SPARSE_SQL(SCOPE_SITE_NO_INDEX, MATCH_ANY, MATCH_ANY)},
	[PLAN_NEWEST] = {SEARCH_NEWEST_SQL(SCOPE_ALL, MATCH_ANY, MATCH_ANY),
		SEARCH_NEWEST_SQL(SCOPE_ORG_NO_INDEX, MATCH_ORG, MATCH_CHILD_ORG),
		SEARCH_NEWEST_SQL(SCOPE_SITE_NO_INDEX, MATCH_ANY, MATCH_ANY)},
	[PLAN_REST] = {SEARCH_REST_SQL(SCOPE_ALL, SCOPE_ALL), SEARCH_REST_SQL(SCOPE_ORG, SCOPE_CHILD_ORG),
		SEARCH_REST_SQL(SCOPE_SITE_NO_INDEX, SCOPE_SITE_NO_INDEX)},
};
static const char *const walk_floor_sql[LIST_SCOPES] = {WALK_FLOOR_SQL(SCOPE_ALL), WALK_FLOOR_SQL(SCOPE_ORG),
	WALK_FLOOR_SQL(SCOPE_SITE)};
static const char *const probe_sql[LIST_SCOPES] = {SEARCH_PROBE_SQL(MATCH_ANY, MATCH_ANY),
	SEARCH_PROBE_SQL(MATCH_ORG, MATCH_CHILD_ORG), SEARCH_PROBE_SQL(MATCH_ANY, MATCH_ANY)};

/* The values every variant binds, in order. */
struct list_binds {
	int64_t lead, site;
	const char *state, *kind;
	int64_t cursor, limit;
	int64_t floor;		/* the dense walk's lowest id; 0: it walks the whole scope */
	int64_t match_lead;	/* the organisation whose matches the indexes give; 0: everyone's */
	int exact;		/* every match the indexes give belongs in the page: no state, kind or site to test */
	int64_t dense_matches, walk_rows, matches_max;
};

static enum list_scope list_binds_of(const struct booking_filter *f, int limit, struct list_binds *b)
{
	b->state = f->state >= 0 && f->state < STATE_COUNT ? domain_states[f->state].code : "";
	b->kind = f->kind >= 0 && f->kind < KIND_COUNT ? domain_kinds[f->kind].code : "";
	b->cursor = f->cursor > 0 ? f->cursor : INT64_MAX;
	b->limit = (int64_t)limit + 1;	/* one more: is there a next page */
	b->dense_matches = f->dense_matches > 0 ? f->dense_matches
		: f->scope.org_id ? BOOKING_SEARCH_DENSE_MATCHES_OWN : BOOKING_SEARCH_DENSE_MATCHES;
	b->walk_rows = f->walk_rows > 0 ? f->walk_rows : BOOKING_SEARCH_WALK_ROWS;
	b->matches_max = f->matches_max > 0 ? f->matches_max : BOOKING_SEARCH_MATCHES_MAX;
	b->site = f->scope.site_id;
	b->match_lead = f->scope.org_id;
	b->exact = f->scope.site_id == 0 && b->state[0] == '\0' && b->kind[0] == '\0';
	if (f->scope.org_id) {
		b->lead = f->scope.org_id;
		return LIST_ORG;
	}
	b->lead = f->scope.site_id;
	b->site = 0;
	return f->scope.site_id ? LIST_SITE : LIST_ALL;
}

/* *matches: the term's matches in the scope's search indexes, each range
 * counted up to cap (the VINs up to vin_cap: 0 leaves them out). */
static enum kerr search_count_vins(struct store *st, enum list_scope scope, const struct search_ranges *r,
	const struct list_binds *b, int64_t cap, int64_t vin_cap, int64_t *matches)
{
	*matches = 0;
	return store_q_wide(st, probe_sql[scope], store_q_row_int64, matches, "issiissiissi", b->match_lead, r->dlo, r->dhi,
		cap, b->match_lead, r->lo, r->hi, cap, b->match_lead, r->lo, r->hi, vin_cap);
}

static enum kerr search_count(struct store *st, enum list_scope scope, const struct search_ranges *r,
	const struct list_binds *b, int64_t cap, int64_t *matches)
{
	return search_count_vins(st, scope, r, b, cap, cap, matches);
}

struct walk_floor {
	int64_t rows, lowest;
};

static enum kerr walk_floor_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct walk_floor *w = arg;
	w->rows = c->drv->column_int64(s, 0);
	w->lowest = c->drv->column_int64(s, 1);
	return K_OK;
}

/* b->floor: the lowest id of the b->walk_rows newest of the scope below the
 * cursor, or 0 when the scope holds fewer. */
static enum kerr walk_floor(struct store *st, enum list_scope scope, struct list_binds *b)
{
	struct walk_floor w = {0, 0};
	enum kerr e = store_q_wide(st, walk_floor_sql[scope], walk_floor_row, &w, "iii", b->lead, b->cursor, b->walk_rows);
	b->floor = w.rows < b->walk_rows ? 0 : w.lowest;
	return e;
}

static enum kerr list_run(struct store *st, enum list_plan plan, enum list_scope scope, const struct list_binds *b,
	const struct search_ranges *r, struct list_job *l)
{
	const char *sql = list_sql[plan][scope];
	if (plan == PLAN_LIST)
		return store_q_wide(st, sql, summary_row, l, "iiissssii", b->lead, b->site, b->site, b->state, b->state,
			b->kind, b->kind, b->cursor, b->limit);
	if (plan == PLAN_DENSE)
		return store_q_wide(st, sql, summary_row, l, "iiissssiissssssi", b->lead, b->site, b->site, b->state,
			b->state, b->kind, b->kind, b->cursor, b->floor, r->dlo, r->dhi, r->lo, r->hi, r->lo, r->hi, b->limit);
	if (plan == PLAN_REST)
		return store_q_wide(st, sql, summary_row, l, "iiissssissi" "iiissssissi" "iiissssissi" "i",
			b->lead, b->site, b->site, b->state, b->state, b->kind, b->kind, b->cursor, r->dlo, r->dhi, b->limit,
			b->lead, b->site, b->site, b->state, b->state, b->kind, b->kind, b->cursor, r->lo, r->hi, b->limit,
			b->lead, b->site, b->site, b->state, b->state, b->kind, b->kind, b->cursor, r->lo, r->hi, b->limit,
			b->limit);
	if (plan == PLAN_NEWEST)
		return store_q_wide(st, sql, summary_row, l, "iiissssi" "issii" "issii" "issii" "i", b->lead, b->site, b->site,
			b->state, b->state, b->kind, b->kind, b->cursor, b->match_lead, r->dlo, r->dhi, b->cursor, b->limit,
			b->match_lead, r->lo, r->hi, b->cursor, b->limit, b->match_lead, r->lo, r->hi, b->cursor, b->limit,
			b->limit);
	return store_q_wide(st, sql, summary_row, l, "iiissssi" "iss" "iss" "iss" "i", b->lead, b->site, b->site, b->state,
		b->state, b->kind, b->kind, b->cursor, b->match_lead, r->dlo, r->dhi, b->match_lead, r->lo, r->hi,
		b->match_lead, r->lo, r->hi, b->limit);
}

/* An enterprise's own term (exact) of digits at least as long as a
 * declaration number's district and year: its numbers' newest come from
 * their year's index, read no further than the page. */
static int declaration_year_term(enum list_scope scope, const struct list_binds *b, const struct search_ranges *r)
{
	return scope == LIST_ORG && b->exact && strcmp(r->dlo, WHOLE_VALUE_END) != 0 &&
	       strlen(r->dlo) >= BOOKING_DECLARATION_YEAR_DIGITS;
}

static enum kerr list_run_year(struct store *st, const struct list_binds *b, const struct search_ranges *r,
	struct list_job *l)
{
	char year[BOOKING_DECLARATION_YEAR_DIGITS + 1];
	snprintf(year, sizeof year, "%s", r->dlo);
	return store_q_wide(st, SEARCH_NEWEST_YEAR_SQL, summary_row, l, "iiissssi" "isssii" "issii" "issii" "i", b->lead,
		b->site, b->site, b->state, b->state, b->kind, b->kind, b->cursor, b->match_lead, year, r->dlo, r->dhi,
		b->cursor, b->limit, b->match_lead, r->lo, r->hi, b->cursor, b->limit, b->match_lead, r->lo, r->hi, b->cursor,
		b->limit, b->limit);
}

/* The bureau's term (exact) of exactly a VIN head's length: that head's
 * characters, else 0. */
static int vin_head_term(enum list_scope scope, const struct list_binds *b, const struct search_ranges *r)
{
	size_t chars = utf8_chars(r->lo);
	if (scope != LIST_ALL || !b->exact)
		return 0;
	return chars == BOOKING_VIN_LINE_CHARS || chars == BOOKING_VIN_MODEL_CHARS ? (int)chars : 0;
}

/* The head's VINs from its index; its declaration numbers and plates each
 * ordered in their index when more than a few pages of them (newest), else
 * looked up. */
static enum kerr list_run_head(struct store *st, int head, int newest, const struct list_binds *b,
	const struct search_ranges *r, struct list_job *l)
{
	int model = head == BOOKING_VIN_MODEL_CHARS;
	if (!newest)
		return store_q_wide(st, model ? SEARCH_SPARSE_HEAD_SQL(BOOKING_VIN_MODEL_CHARS)
			: SEARCH_SPARSE_HEAD_SQL(BOOKING_VIN_LINE_CHARS), summary_row, l, "iiissssi" "iss" "iss" "sii" "i",
			b->lead, b->site, b->site, b->state, b->state, b->kind, b->kind, b->cursor, b->match_lead, r->dlo, r->dhi,
			b->match_lead, r->lo, r->hi, r->lo, b->cursor, b->limit, b->limit);
	return store_q_wide(st, model ? SEARCH_NEWEST_HEAD_SQL(BOOKING_VIN_MODEL_CHARS)
		: SEARCH_NEWEST_HEAD_SQL(BOOKING_VIN_LINE_CHARS), summary_row, l, "iiissssi" "issii" "issii" "sii" "i",
		b->lead, b->site, b->site, b->state, b->state, b->kind, b->kind, b->cursor, b->match_lead, r->dlo, r->dhi,
		b->cursor, b->limit, b->match_lead, r->lo, r->hi, b->cursor, b->limit, r->lo, b->cursor, b->limit, b->limit);
}

/* A dense term: the walk down to the floor, then, for what the page still
 * lacks, the newest matches below it: from the indexes alone when exact,
 * else tested on their bookings. More than b->matches_max matches, none in
 * the walk, would be read whole to find their newest: K_SEARCH_TOO_BROAD
 * (the declaration numbers of a declaration_year_term are not read whole,
 * and not counted). */
static enum kerr search_dense(struct store *st, enum list_scope scope, struct list_binds *b,
	const struct search_ranges *r, struct list_job *l)
{
	enum kerr e = walk_floor(st, scope, b);
	if (e == K_OK)
		e = list_run(st, PLAN_DENSE, scope, b, r, l);
	size_t got = json_array_size(l->items);
	if (e != K_OK || b->floor == 0 || got >= (size_t)b->limit)
		return e;
	int year = declaration_year_term(scope, b, r);
	struct search_ranges counted = *r;
	if (year) {	/* an empty range */
		snprintf(counted.dlo, sizeof counted.dlo, "%s", WHOLE_VALUE_END);
		snprintf(counted.dhi, sizeof counted.dhi, "%s", WHOLE_VALUE_END);
	}
	int64_t matches = 0;
	e = search_count(st, scope, &counted, b, b->matches_max, &matches);
	if (e == K_OK && matches >= b->matches_max)
		e = K_SEARCH_TOO_BROAD;
	if (e != K_OK)
		return e;
	struct list_binds rest = *b;
	rest.cursor = b->floor;
	rest.limit = b->limit - (int64_t)got;
	if (year)
		return list_run_year(st, &rest, r, l);
	return list_run(st, b->exact ? PLAN_NEWEST : PLAN_REST, scope, &rest, r, l);
}

/* Fewer matches than b->dense_matches: their newest (from the indexes
 * alone when exact and more than BOOKING_SEARCH_NEWEST_PAGES pages of
 * them; a VIN head's from its own index, not counted); more: the walk. */
static enum kerr search_run(struct store *st, enum list_scope scope, struct list_binds *b,
	const struct search_ranges *r, struct list_job *l)
{
	int64_t matches = 0;
	int head = vin_head_term(scope, b, r);	/* its VINs need no counting: the page is their first entries */
	enum kerr e = search_count_vins(st, scope, r, b, b->dense_matches, head ? 0 : b->dense_matches, &matches);
	if (e != K_OK)
		return e;
	if (matches >= b->dense_matches)
		return search_dense(st, scope, b, r, l);
	int newest = b->exact && matches > b->limit * BOOKING_SEARCH_NEWEST_PAGES;
	if (head)
		return list_run_head(st, head, newest, b, r, l);
	return list_run(st, newest ? PLAN_NEWEST : PLAN_SPARSE, scope, b, r, l);
}

enum kerr store_booking_list(struct store *st, const struct booking_filter *f, json_t **items, int64_t *next_cursor)
{
	struct search_ranges r;
	memset(&r, 0, sizeof r);
	int search = f->q != NULL && f->q[0] != '\0';
	if (search && !search_ranges(f->q, &r))
		return K_VALIDATION_FAILED;
	int limit = f->limit > 0 && f->limit <= BOOKING_LIST_LIMIT_MAX ? f->limit : BOOKING_LIST_LIMIT_DEFAULT;
	struct list_job l = {.items = json_array()};
	struct list_binds b;
	enum list_scope scope = list_binds_of(f, limit, &b);
	enum kerr e = K_OK;
	if (!f->scope.none)
		e = search ? search_run(st, scope, &b, &r, &l) : list_run(st, PLAN_LIST, scope, &b, &r, &l);
	if (e != K_OK) {
		json_decref(l.items);
		return e;
	}
	*next_cursor = 0;
	if (json_array_size(l.items) > (size_t)limit) {
		json_array_remove(l.items, (size_t)limit);
		*next_cursor = json_integer_value(json_object_get(json_array_get(l.items, (size_t)limit - 1), "id"));
	}
	*items = l.items;
	return K_OK;
}

static enum kerr meta_only_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	meta_row(c, s, arg);
	return K_OK;
}


enum kerr store_booking_holder_declaration(struct store *st, const char *digits, int64_t exclude_id,
	struct booking_meta *out)
{
	return store_q_one(st, META_COLUMNS " WHERE holding = 1 AND declaration_digits = ? AND id <> ?", meta_only_row,
		out, "si", digits, exclude_id);
}

enum kerr store_booking_holder_vin(struct store *st, const char *vin, int64_t exclude_id, struct booking_meta *out)
{
	return store_q_one(st, META_COLUMNS " WHERE id = (SELECT booking_id FROM booking_vehicles WHERE holding = 1"
		" AND vin = ? AND booking_id <> ? LIMIT 1)", meta_only_row, out, "si", vin, exclude_id);
}

struct stamp_read {
	struct booking_meta *meta;
	struct booking_stamp *stamp;
};

static enum kerr stamp_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct stamp_read *r = arg;
	meta_row(c, s, r->meta);
	r->stamp->version = r->meta->version;
	r->stamp->last_attachment_id = c->drv->column_int64(s, 8);
	return K_OK;
}

enum kerr store_booking_stamp(struct store *st, int64_t id, struct booking_meta *meta, struct booking_stamp *stamp)
{
	struct stamp_read r = {meta, stamp};
	return store_q_one(st, "SELECT id, org_id, kind, state, declaration_id, transshipment_site_id, created_by, version,"
		" (SELECT COALESCE(MAX(a.id), 0) FROM attachments a WHERE a.booking_id = bookings.id) FROM bookings"
		" WHERE id = ?", stamp_row, &r, "i", id);
}

struct booking_stamp store_booking_stamp_of(const struct booking_meta *meta, json_t *doc)
{
	/* the attachments come in the order of their ids: the last is the newest */
	json_t *att = json_object_get(doc, "attachments");
	json_t *last = json_array_get(att, json_array_size(att) ? json_array_size(att) - 1 : 0);
	return (struct booking_stamp){meta->version, (int64_t)json_integer_value(json_object_get(last, "id"))};
}

/* ---- the change of state ---- */

typedef enum kerr (*transition_fn)(const struct conn *c, struct booking_transition *t);

/* Read the booking and move its state, if the action may start there; the
 * UPDATE names the state read, so that two concurrent changes cannot both
 * pass (PostgreSQL runs READ COMMITTED; SQLite's BEGIN IMMEDIATE already
 * serialises them). */
static enum kerr step_move_state(const struct conn *c, struct booking_transition *t)
{
	int rows = 0;
	enum kerr e = store_q_run(c, META_COLUMNS " WHERE id = ?", meta_only_row, &t->meta, NULL, &rows, "i",
		t->booking_id);
	if (e != K_OK)
		return e;
	if (rows == 0)
		return K_NOT_FOUND;
	t->from = t->meta.state;
	if (!domain_action_allowed(t->action, t->from))
		return K_WRONG_STATE;
	int64_t changes = 0;
	e = store_q_run(c, "UPDATE bookings SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND state = ?",
		NULL, NULL, &changes, NULL, "siis", domain_states[t->to].code, now_s(), t->booking_id,
		domain_states[t->from].code);
	return e == K_OK && changes == 0 ? K_WRONG_STATE : e;
}

/* Between two states that hold alike (approval: submitted -> released; the
 * gate's last unit: released -> passed) the booking and its VINs already hold
 * as they should (every change of state comes through these steps): nothing
 * to rewrite, as the capacity's step says too. */
static int holds_alike(const struct booking_transition *t)
{
	return domain_states[t->from].holding == domain_states[t->to].holding;
}

/* Take or release the declaration number: the partial unique index refuses
 * a second holder. */
static enum kerr step_hold_declaration(const struct conn *c, struct booking_transition *t)
{
	if (holds_alike(t))
		return K_OK;
	enum kerr e = store_q_run(c, "UPDATE bookings SET holding = ? WHERE id = ?", NULL, NULL, NULL, NULL, "ii",
		(int64_t)domain_states[t->to].holding, t->booking_id);
	return e == K_CONFLICT ? K_DECLARATION_IN_USE : e;
}

static enum kerr step_hold_vins(const struct conn *c, struct booking_transition *t)
{
	if (holds_alike(t))
		return K_OK;
	enum kerr e = store_q_run(c, "UPDATE booking_vehicles SET holding = ? WHERE booking_id = ? AND vin <> ''", NULL,
		NULL, NULL, NULL, "ii", (int64_t)domain_states[t->to].holding, t->booking_id);
	return e == K_CONFLICT ? K_VIN_IN_USE : e;
}

/* Take capacity when the booking starts holding, give it back when it stops
 * (store/capacity.h): the conditional UPDATE of the date's counter runs in
 * this transaction. */
static enum kerr step_capacity(const struct conn *c, struct booking_transition *t)
{
	struct capacity_booking_change ch = {t->booking_id, domain_states[t->from].holding, domain_states[t->to].holding,
		t->action == ACTION_EXPIRE, t->over_inflight, now_s(), CAPACITY_PROBLEM_NONE};
	enum kerr e = capacity_booking_step(c, &ch);
	t->capacity_problem = (int)ch.problem;
	return e;
}

static enum kerr step_write_history(const struct conn *c, struct booking_transition *t)
{
	return store_q_run(c, "INSERT INTO booking_history (booking_id, action, from_state, to_state, actor_id, at, reason)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)", NULL, NULL, NULL, NULL, "issszis", t->booking_id,
		domain_actions[t->action].code, domain_states[t->from].code, domain_states[t->to].code, t->actor_id, now_s(),
		t->reason ? t->reason : "");
}

/* The steps of every change of state, in order. Capacity and release codes
 * add theirs here. Capacity comes last: taking a place updates the date's
 * counter, one row all bookings of the date share, and its lock is held
 * until COMMIT (PostgreSQL), so nothing else should run while it is held. */
static const struct {
	const char *name;
	transition_fn run;
} transition_steps[] = {
	{"move_state", step_move_state},
	{"hold_declaration", step_hold_declaration},
	{"hold_vins", step_hold_vins},
	{"release_code", store_release_step},
	{"write_history", step_write_history},
	{"notify", store_notify_step},
	{"capacity", step_capacity},
};

static enum kerr transition_tx(const struct conn *c, void *arg)
{
	struct booking_transition *t = arg;
	enum kerr e = K_OK;
	for (size_t i = 0; i < COUNT(transition_steps) && e == K_OK; i++) {
		e = transition_steps[i].run(c, t);
		if (e != K_OK)
			log_debug("msg=\"booking transition stopped\" booking=%lld step=%s code=%s", (long long)t->booking_id,
				transition_steps[i].name, kerr_code(e));
	}
	if (e == K_OK)
		e = read_fresh(c, t->booking_id, 0, t->fresh);
	return e;
}

static int transition_ok(const struct booking_transition *t)
{
	return (unsigned)t->action < ACTION_COUNT && (unsigned)t->to < STATE_COUNT &&
		(t->reason == NULL || strlen(t->reason) <= BOOKING_REASON_MAX);
}

enum kerr store_booking_transition(struct store *st, struct booking_transition *t)
{
	if (t->fresh)
		t->fresh->doc = NULL;
	return fresh_kept(transition_ok(t) ? store_tx(st, transition_tx, t) : K_VALIDATION_FAILED, t->fresh);
}

enum kerr store_booking_transition_on(const struct conn *c, struct booking_transition *t)
{
	return transition_ok(t) ? transition_tx(c, t) : K_VALIDATION_FAILED;
}
