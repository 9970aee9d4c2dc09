/* Organisations (their sites' functions are in store/sites.c). */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "core/log.h"

#define ORG_COLUMNS "SELECT id, name, kind, site_id, uscc FROM organisations"
/* Registered with a USCC, and approved: an application still pending holds
 * its organisation and code, but the bureau has not vouched for them yet. */
#define ORG_REGISTERED " WHERE uscc IS NOT NULL AND NOT EXISTS (SELECT 1 FROM registrations r" \
	" WHERE r.org_id = organisations.id AND r.state = 'pending')"

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
	store_q_text(c, s, 4, o->uscc, sizeof o->uscc);
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

enum kerr store_org_by_uscc(struct store *st, const char *uscc, struct org *out)
{
	if (!store_text_ok(uscc, STORE_USCC_MAX))
		return K_NOT_FOUND;
	return store_q_one(st, ORG_COLUMNS ORG_REGISTERED " AND uscc = ?", org_row, out, "s", uscc);
}

enum kerr store_org_registered(struct store *st, struct org **out, size_t *n)
{
	void *items = NULL;
	enum kerr e = store_list_rows(st, ORG_COLUMNS ORG_REGISTERED " ORDER BY id", org_row, sizeof **out, &items, n);
	if (e == K_OK)
		*out = items;
	return e;
}

enum kerr store_org_set_site(struct store *st, int64_t org_id, int64_t site_id)
{
	if (site_id < 0)
		return K_VALIDATION_FAILED;
	return store_q_write(st, 1, "UPDATE organisations SET site_id = ? WHERE id = ?", "zi", site_id, org_id);
}

enum kerr store_org_list(struct store *st, struct org **out, size_t *n)
{
	void *items = NULL;
	enum kerr e = store_list_rows(st, ORG_COLUMNS " ORDER BY name, id", org_row, sizeof **out, &items, n);
	if (e == K_OK)
		*out = items;
	return e;
}
