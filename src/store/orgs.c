/* Organisations and transshipment sites. */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "core/log.h"

#define ORG_COLUMNS "SELECT id, name, kind, site_id FROM organisations"
#define SITE_COLUMNS "SELECT id, name, kind, active FROM sites"
#define LIST_MAX 100000	/* rows one list call returns at most */

int store_org_kind_valid(const char *kind)
{
	return kind != NULL && (strcmp(kind, ORG_ENTERPRISE) == 0 || strcmp(kind, ORG_WAREHOUSE) == 0 ||
		strcmp(kind, ORG_BUREAU) == 0);
}

/* Printable text: no control, format (bidi overrides and isolates, zero-width
 * marks), separator-line, private-use, surrogate or unassigned characters,
 * which would let a name reorder or hide parts of the pages that show it. */
int store_org_name_ok(const char *name)
{
	if (!store_text_ok(name, STORE_NAME_MAX))
		return 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)name;
	size_t len = strlen(name);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0)
			return 0;
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_CC:
		case UTF8PROC_CATEGORY_CF:
		case UTF8PROC_CATEGORY_CO:
		case UTF8PROC_CATEGORY_CS:
		case UTF8PROC_CATEGORY_CN:
		case UTF8PROC_CATEGORY_ZL:
		case UTF8PROC_CATEGORY_ZP:
			return 0;
		default:
			break;
		}
		i += (size_t)n;
	}
	return 1;
}

static enum kerr org_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct org *o = arg;
	o->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, o->name, sizeof o->name);
	store_q_text(c, s, 2, o->kind, sizeof o->kind);
	o->site_id = c->drv->column_int64(s, 3);
	return K_OK;
}

enum kerr store_org_create(struct store *st, const char *name, const char *kind, int64_t *id)
{
	if (!store_org_name_ok(name) || !store_org_kind_valid(kind))
		return K_VALIDATION_FAILED;
	return store_q_insert(st, "INSERT INTO organisations (name, kind, created_at) VALUES (?, ?, ?) RETURNING id", id,
		"ssi", name, kind, (int64_t)time(NULL));
}

enum kerr store_org_get(struct store *st, int64_t id, struct org *out)
{
	return store_q_one(st, ORG_COLUMNS " WHERE id = ?", org_row, out, "i", id);
}

enum kerr store_org_by_name(struct store *st, const char *name, struct org *out)
{
	if (!store_text_ok(name, STORE_NAME_MAX))
		return K_NOT_FOUND;
	return store_q_one(st, ORG_COLUMNS " WHERE name = ?", org_row, out, "s", name);
}

enum kerr store_org_set_site(struct store *st, int64_t org_id, int64_t site_id)
{
	if (site_id < 0)
		return K_VALIDATION_FAILED;
	return store_q_write(st, 1, "UPDATE organisations SET site_id = ? WHERE id = ?", "zi", site_id, org_id);
}

/* A growing array for list calls. */
struct rows {
	void *items;
	size_t n, cap, size;
	row_fn each;
};

static enum kerr collect(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct rows *r = arg;
	if (r->n == LIST_MAX)
		return K_OK;	/* the caller's limit, not an error: keep the first rows */
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->items = xrealloc(r->items, r->cap * r->size);
	}
	char *item = (char *)r->items + r->n * r->size;
	memset(item, 0, r->size);
	r->n++;
	return r->each(c, s, item);
}

enum kerr store_list_rows(struct store *st, const char *sql, row_fn each, size_t size, void **out, size_t *n)
{
	struct rows r = {.size = size, .each = each};
	enum kerr e = store_q_all(st, sql, collect, &r, "");
	if (e != K_OK) {
		free(r.items);
		return e;
	}
	*out = r.items;
	*n = r.n;
	return K_OK;
}

enum kerr store_org_list(struct store *st, struct org **out, size_t *n)
{
	void *items = NULL;
	enum kerr e = store_list_rows(st, ORG_COLUMNS " ORDER BY name, id", org_row, sizeof **out, &items, n);
	if (e == K_OK)
		*out = items;
	return e;
}

static enum kerr site_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct site *o = arg;
	o->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, o->name, sizeof o->name);
	o->kind = (int)c->drv->column_int64(s, 2);
	o->active = (int)c->drv->column_int64(s, 3);
	return K_OK;
}

enum kerr store_site_create(struct store *st, const char *name, int kind, int64_t *id)
{
	if (!store_text_ok(name, STORE_NAME_MAX) || kind < SITE_LISTED || kind > SITE_OUTSIDE_HORGOS)
		return K_VALIDATION_FAILED;
	return store_q_insert(st, "INSERT INTO sites (name, kind, active, created_at) VALUES (?, ?, 1, ?) RETURNING id", id,
		"sii", name, (int64_t)kind, (int64_t)time(NULL));
}

enum kerr store_site_get(struct store *st, int64_t id, struct site *out)
{
	return store_q_one(st, SITE_COLUMNS " WHERE id = ?", site_row, out, "i", id);
}

enum kerr store_site_by_name(struct store *st, const char *name, struct site *out)
{
	if (!store_text_ok(name, STORE_NAME_MAX))
		return K_NOT_FOUND;
	return store_q_one(st, SITE_COLUMNS " WHERE name = ?", site_row, out, "s", name);
}

enum kerr store_site_set_active(struct store *st, int64_t id, int active)
{
	return store_q_write(st, 1, "UPDATE sites SET active = ? WHERE id = ?", "ii", (int64_t)(active != 0), id);
}

enum kerr store_site_list(struct store *st, struct site **out, size_t *n)
{
	void *items = NULL;
	enum kerr e = store_list_rows(st, SITE_COLUMNS " ORDER BY kind, name, id", site_row, sizeof **out, &items, n);
	if (e == K_OK)
		*out = items;
	return e;
}
