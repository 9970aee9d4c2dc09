/* Transshipment sites with their warehouse and approver, and organisations'
 * contacts (store/sites.h). */
#include "store/sites.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/store_internal.h"

#define SITE_COLUMNS "SELECT id, name, kind, active FROM sites"
#define PHONE_MIN 5		/* bytes, and digits at least */
#define DETAIL_COLUMNS \
	"SELECT s.id, s.name, s.kind, s.active, s.phone, o.id, o.name, o.phone FROM sites s" \
	" LEFT JOIN organisations o ON o.site_id = s.id AND o.kind = 'warehouse'"
#define CONTACT_COLUMNS "SELECT id, name, kind, phone, webhook_url FROM organisations"
/* An organisation whose application the bureau has not approved yet is not listed (issue 16). */
#define NOT_PENDING " NOT EXISTS (SELECT 1 FROM registrations r WHERE r.org_id = organisations.id AND r.state = 'pending')"
#define WEBHOOK_SCHEMES_HTTP "http://"
#define WEBHOOK_SCHEMES_HTTPS "https://"

int store_phone_acceptable(const char *s)
{
	if (s == NULL)
		return 0;
	size_t len = strnlen(s, STORE_PHONE_MAX), digits = 0;
	if (len < PHONE_MIN || len >= STORE_PHONE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (strchr(" +-()", s[i]) == NULL)
			return 0;
	}
	return digits >= PHONE_MIN;
}

int store_webhook_acceptable(const char *url)
{
	size_t len = strnlen(url, STORE_URL_MAX);
	if (len == 0)
		return 1;	/* none */
	if (len >= STORE_URL_MAX)
		return 0;
	if (strncmp(url, WEBHOOK_SCHEMES_HTTP, strlen(WEBHOOK_SCHEMES_HTTP)) != 0 &&
		strncmp(url, WEBHOOK_SCHEMES_HTTPS, strlen(WEBHOOK_SCHEMES_HTTPS)) != 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
			return 0;
	return 1;
}

static const struct {
	const char *name;
	int kind;
} fixed_sites[] = {
	{"霍内其他区域换装", SITE_OTHER_HORGOS},
	{"霍外换装", SITE_OUTSIDE_HORGOS},
};

enum kerr store_site_fixed_ensure(struct store *st)
{
	enum kerr e = K_OK;
	for (size_t i = 0; i < sizeof fixed_sites / sizeof fixed_sites[0] && e == K_OK; i++) {
		int64_t n = 0;
		e = store_q_one(st, "SELECT COUNT(*) FROM sites WHERE kind = ?", store_q_row_int64, &n, "i",
			(int64_t)fixed_sites[i].kind);
		if (e == K_OK && n == 0) {
			e = store_site_create(st, fixed_sites[i].name, fixed_sites[i].kind, NULL);
			if (e == K_CONFLICT)
				e = K_OK;	/* another server made it meanwhile */
		}
	}
	return e;
}

enum site_approver store_site_approver(const struct site_detail *d, const struct org_contact *bureau,
	const char **name, const char **phone)
{
	if (d->site.kind == SITE_LISTED && d->org_id != 0) {
		*name = d->org_name;
		*phone = d->phone[0] ? d->phone : d->org_phone;
		return SITE_APPROVER_WAREHOUSE;
	}
	*name = bureau ? bureau->name : "";
	*phone = bureau ? bureau->phone : "";
	/* the fixed choices may carry the bureau's own desk for them */
	if (d->phone[0] && d->site.kind != SITE_LISTED)
		*phone = d->phone;
	return SITE_APPROVER_BUREAU;
}

static enum kerr detail_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct site_detail *d = arg;
	memset(d, 0, sizeof *d);
	d->site.id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, d->site.name, sizeof d->site.name);
	d->site.kind = (int)c->drv->column_int64(s, 2);
	d->site.active = (int)c->drv->column_int64(s, 3);
	store_q_text(c, s, 4, d->phone, sizeof d->phone);
	d->org_id = c->drv->column_is_null(s, 5) ? 0 : c->drv->column_int64(s, 5);
	store_q_text(c, s, 6, d->org_name, sizeof d->org_name);
	store_q_text(c, s, 7, d->org_phone, sizeof d->org_phone);
	return K_OK;
}

enum kerr store_site_details(struct store *st, struct site_detail **out, size_t *n)
{
	void *items = NULL;
	enum kerr e = store_list_rows(st, DETAIL_COLUMNS " ORDER BY s.kind, s.name, s.id", detail_row, sizeof **out,
		&items, n);
	if (e == K_OK)
		*out = items;
	return e;
}

enum kerr store_site_detail(struct store *st, int64_t id, struct site_detail *out)
{
	return store_q_one(st, DETAIL_COLUMNS " WHERE s.id = ?", detail_row, out, "i", id);
}

enum kerr store_site_update(struct store *st, int64_t id, const char *name, const char *phone)
{
	if ((name != NULL && !store_text_ok(name, STORE_NAME_MAX)) || (phone != NULL && phone[0] && !store_phone_acceptable(phone)))
		return K_VALIDATION_FAILED;
	enum kerr e = K_OK;
	if (name != NULL)
		e = store_q_write(st, 1, "UPDATE sites SET name = ? WHERE id = ?", "si", name, id);
	if (e == K_OK && phone != NULL)
		e = store_q_write(st, 1, "UPDATE sites SET phone = ? WHERE id = ?", "si", phone, id);
	return e;
}

static enum kerr link_on(const struct conn *c, int64_t site_id, int64_t org_id)
{
	int64_t n = 0;
	enum kerr e = store_q_run(c, "SELECT COUNT(*) FROM sites WHERE id = ? AND kind = 0", store_q_row_int64, &n, NULL, NULL,
		"i", site_id);
	if (e == K_OK && n == 0)
		e = K_VALIDATION_FAILED;
	if (e == K_OK)
		e = store_q_run(c, "UPDATE organisations SET site_id = NULL WHERE site_id = ?", NULL, NULL, NULL, NULL, "i",
			site_id);
	if (e != K_OK || org_id == 0)
		return e;
	int64_t changed = 0;
	e = store_q_run(c, "UPDATE organisations SET site_id = ? WHERE id = ? AND kind = 'warehouse'", NULL, NULL, &changed,
		NULL, "ii", site_id, org_id);
	return e == K_OK && changed == 0 ? K_VALIDATION_FAILED : e;
}

enum kerr store_site_link(struct store *st, int64_t site_id, int64_t org_id)
{
	struct conn c;
	enum kerr e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = c.drv->begin(c.db);
	if (e == K_OK) {
		e = link_on(&c, site_id, org_id);
		e = e == K_OK ? c.drv->commit(c.db) : e;
		if (e != K_OK)
			(void)c.drv->rollback(c.db);
	}
	store_conn_put(st, &c);
	return e;
}

/* ---- organisations' contacts ---- */

static enum kerr contact_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct org_contact *o = arg;
	memset(o, 0, sizeof *o);
	o->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, o->name, sizeof o->name);
	store_q_text(c, s, 2, o->kind, sizeof o->kind);
	store_q_text(c, s, 3, o->phone, sizeof o->phone);
	store_q_text(c, s, 4, o->webhook_url, sizeof o->webhook_url);
	return K_OK;
}

enum kerr store_org_contact(struct store *st, int64_t org_id, struct org_contact *out)
{
	return store_q_one(st, CONTACT_COLUMNS " WHERE id = ?", contact_row, out, "i", org_id);
}

enum kerr store_bureau_contact(struct store *st, struct org_contact *out)
{
	return store_q_one(st, CONTACT_COLUMNS " WHERE kind = 'bureau' ORDER BY id LIMIT 1", contact_row, out, "");
}

struct contact_list {
	struct org_contact *v;
	size_t n;
};

static enum kerr contact_list_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct contact_list *l = arg;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	return contact_row(c, s, &l->v[l->n++]);
}

enum kerr store_org_contacts(struct store *st, const char *kind, struct org_contact **out, size_t *n)
{
	struct contact_list l = {0};
	enum kerr e = kind ? store_q_all(st, CONTACT_COLUMNS " WHERE kind = ? AND" NOT_PENDING " ORDER BY name, id",
		contact_list_row, &l, "s", kind)
		: store_q_all(st, CONTACT_COLUMNS " WHERE" NOT_PENDING " ORDER BY name, id", contact_list_row, &l, "");
	if (e != K_OK) {
		free(l.v);
		return e;
	}
	*out = l.v;
	*n = l.n;
	return K_OK;
}

enum kerr store_org_contact_set(struct store *st, int64_t org_id, const char *phone, const char *webhook_url)
{
	if ((phone != NULL && phone[0] && !store_phone_acceptable(phone)) ||
		(webhook_url != NULL && !store_webhook_acceptable(webhook_url)))
		return K_VALIDATION_FAILED;
	enum kerr e = store_q_one(st, "SELECT id FROM organisations WHERE id = ?", NULL, NULL, "i", org_id);
	if (e == K_OK && phone != NULL)
		e = store_q_write(st, 1, "UPDATE organisations SET phone = ? WHERE id = ?", "si", phone, org_id);
	if (e == K_OK && webhook_url != NULL)
		e = store_q_write(st, 1, "UPDATE organisations SET webhook_url = ? WHERE id = ?", "si", webhook_url, org_id);
	return e;
}

/* ---- the bureau's list of sites ---- */

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
