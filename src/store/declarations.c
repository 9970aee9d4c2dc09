/* Uploaded declarations, attachments and the remembered vehicle choices
 * (bookings.h): bytes kept in the database. */
#include "store/bookings.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/store_internal.h"

enum kerr store_declaration_create(struct store *st, const struct declaration_meta *m, const unsigned char *pdf,
	const char *recognition, int64_t *id)
{
	return store_q_insert(st, "INSERT INTO declarations (org_id, uploaded_by, filename, pdf, pdf_size, page_count,"
		" recognition, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", id, "iisbiisi", m->org_id,
		m->uploaded_by, m->filename, pdf, (size_t)m->size, m->size, (int64_t)m->pages, recognition,
		(int64_t)time(NULL));
}

struct declaration_read {
	struct declaration_meta *m;
	json_t **recognition;
};

static enum kerr declaration_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct declaration_read *r = arg;
	r->m->id = c->drv->column_int64(s, 0);
	r->m->org_id = c->drv->column_int64(s, 1);
	r->m->uploaded_by = c->drv->column_int64(s, 2);
	store_q_text(c, s, 3, r->m->filename, sizeof r->m->filename);
	r->m->size = c->drv->column_int64(s, 4);
	r->m->pages = (int)c->drv->column_int64(s, 5);
	r->m->created_at = c->drv->column_int64(s, 6);
	if (r->recognition)
		*r->recognition = json_loads(c->drv->column_text(s, 7), 0, NULL);
	return r->recognition && *r->recognition == NULL ? K_INTERNAL : K_OK;
}

enum kerr store_declaration_get(struct store *st, int64_t id, struct declaration_meta *m, json_t **recognition)
{
	struct declaration_read r = {m, recognition};
	return store_q_one(st, "SELECT id, org_id, uploaded_by, filename, pdf_size, page_count, created_at, recognition"
		" FROM declarations WHERE id = ?", declaration_row, &r, "i", id);
}

struct bytes {
	unsigned char *data;
	size_t len;
};

static void read_bytes(const struct conn *c, struct db_stmt *s, int col, struct bytes *b)
{
	size_t len = 0;
	const void *p = c->drv->column_blob(s, col, &len);
	b->data = xmalloc(len ? len : 1);
	if (len)
		memcpy(b->data, p, len);
	b->len = len;
}

static enum kerr bytes_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	read_bytes(c, s, 0, arg);
	return K_OK;
}

enum kerr store_declaration_pdf(struct store *st, int64_t id, unsigned char **data, size_t *len)
{
	struct bytes b = {0};
	enum kerr e = store_q_one(st, "SELECT pdf FROM declarations WHERE id = ?", bytes_row, &b, "i", id);
	if (e == K_OK) {
		*data = b.data;
		*len = b.len;
	}
	return e;
}

struct attachment_job {
	const struct attachment_meta *m;
	const unsigned char *data;
	int64_t user_id, id;
};

/* Counted and inserted in one transaction, so that the limit holds. */
static enum kerr attachment_tx(const struct conn *c, void *arg)
{
	struct attachment_job *j = arg;
	int64_t n = 0;
	enum kerr e = store_q_run(c, "SELECT COUNT(*) FROM attachments WHERE booking_id = ?", store_q_row_int64, &n, NULL,
		NULL, "i", j->m->booking_id);
	if (e == K_OK && n >= BOOKING_ATTACHMENTS_MAX)
		return K_RESOURCE_LIMIT;
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO attachments (booking_id, type, filename, content_type, size, data, uploaded_by,"
			" created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", store_q_row_int64, &j->id, NULL, NULL,
			"isssibii", j->m->booking_id, j->m->type, j->m->filename, j->m->content_type, j->m->size, j->data,
			(size_t)j->m->size, j->user_id, (int64_t)time(NULL));
	return e;
}

enum kerr store_attachment_add(struct store *st, const struct attachment_meta *m, const unsigned char *data,
	int64_t user_id, int64_t *id)
{
	struct attachment_job j = {m, data, user_id, 0};
	enum kerr e = store_tx(st, attachment_tx, &j);
	if (e == K_OK)
		*id = j.id;
	return e;
}

struct attachment_read {
	struct attachment_meta *m;
	struct bytes b;
	int want_data;
};

static enum kerr attachment_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct attachment_read *r = arg;
	r->m->id = c->drv->column_int64(s, 0);
	r->m->booking_id = c->drv->column_int64(s, 1);
	store_q_text(c, s, 2, r->m->type, sizeof r->m->type);
	store_q_text(c, s, 3, r->m->filename, sizeof r->m->filename);
	store_q_text(c, s, 4, r->m->content_type, sizeof r->m->content_type);
	r->m->size = c->drv->column_int64(s, 5);
	r->m->created_at = c->drv->column_int64(s, 6);
	if (r->want_data)
		read_bytes(c, s, 7, &r->b);
	return K_OK;
}

enum kerr store_attachment_get(struct store *st, int64_t booking_id, int64_t id, struct attachment_meta *m,
	unsigned char **data)
{
	struct attachment_read r = {.m = m, .want_data = data != NULL};
	enum kerr e = data ? store_q_one(st, "SELECT id, booking_id, type, filename, content_type, size, created_at, data"
		" FROM attachments WHERE id = ? AND booking_id = ?", attachment_row, &r, "ii", id, booking_id)
		: store_q_one(st, "SELECT id, booking_id, type, filename, content_type, size, created_at"
		" FROM attachments WHERE id = ? AND booking_id = ?", attachment_row, &r, "ii", id, booking_id);
	if (data && e == K_OK)
		*data = r.b.data;
	return e;
}

enum kerr store_attachment_has_type(struct store *st, int64_t booking_id, const char *type, int *has)
{
	int64_t n = 0;
	enum kerr e = store_q_one(st, "SELECT COUNT(*) FROM attachments WHERE booking_id = ? AND type = ?",
		store_q_row_int64, &n, "is", booking_id, type);
	*has = e == K_OK && n > 0;
	return e;
}

struct choice_read {
	char *usage, *fuel;
	size_t usage_len, fuel_len;
};

static enum kerr choice_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct choice_read *r = arg;
	store_q_text(c, s, 0, r->usage, r->usage_len);
	store_q_text(c, s, 1, r->fuel, r->fuel_len);
	return K_OK;
}

enum kerr store_vehicle_choice_get(struct store *st, int64_t user_id, char *usage, size_t usage_len, char *fuel,
	size_t fuel_len)
{
	struct choice_read r = {usage, fuel, usage_len, fuel_len};
	usage[0] = fuel[0] = '\0';
	enum kerr e = store_q_one(st, "SELECT usage_type, fuel_type FROM user_vehicle_choices WHERE user_id = ?", choice_row,
		&r, "i", user_id);
	return e == K_NOT_FOUND ? K_OK : e;
}

enum kerr store_vehicle_choice_set(struct store *st, int64_t user_id, const char *usage, const char *fuel)
{
	return store_q_write(st, 0, "INSERT INTO user_vehicle_choices (user_id, usage_type, fuel_type) VALUES (?, ?, ?)"
		" ON CONFLICT (user_id) DO UPDATE SET usage_type = excluded.usage_type, fuel_type = excluded.fuel_type",
		"iss", user_id, usage ? usage : "", fuel ? fuel : "");
}

enum kerr store_declaration_site_linked(struct store *st, int64_t id, int64_t site_id, int *linked)
{
	int64_t n = 0;
	enum kerr e = store_q_one(st, "SELECT COUNT(*) FROM bookings WHERE declaration_id = ? AND transshipment_site_id = ?",
		store_q_row_int64, &n, "ii", id, site_id);
	*linked = e == K_OK && n > 0;
	return e;
}
