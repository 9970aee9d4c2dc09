/* Applications (issue 16): see registrations.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/registrations.h"
#include "store/store_internal.h"

#define REG_COLUMNS "SELECT id, organisation, uscc, kind, site_id, contact_name, contact_phone, username, state," \
	" reason, token_hash, org_id, user_id, created_at, decided_at FROM registrations"

static enum kerr reg_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct registration *r = arg;
	const struct db_driver *d = c->drv;
	memset(r, 0, sizeof *r);
	r->id = d->column_int64(s, 0);
	store_q_text(c, s, 1, r->organisation, sizeof r->organisation);
	store_q_text(c, s, 2, r->uscc, sizeof r->uscc);
	store_q_text(c, s, 3, r->kind, sizeof r->kind);
	r->site_id = d->column_int64(s, 4);
	store_q_text(c, s, 5, r->contact_name, sizeof r->contact_name);
	store_q_text(c, s, 6, r->contact_phone, sizeof r->contact_phone);
	store_q_text(c, s, 7, r->username, sizeof r->username);
	store_q_text(c, s, 8, r->state, sizeof r->state);
	store_q_text(c, s, 9, r->reason, sizeof r->reason);
	store_q_text(c, s, 10, r->token_hash, sizeof r->token_hash);
	r->org_id = d->column_int64(s, 11);
	r->user_id = d->column_int64(s, 12);
	r->created_at = d->column_int64(s, 13);
	r->decided_at = d->column_int64(s, 14);
	return K_OK;
}

struct create_arg {
	struct registration *r;
	const char *password_hash;
	const char *username_key;
	int *taken;
};

static int count_of(const struct conn *c, const char *sql, const char *v, enum kerr *e)
{
	int64_t n = 0;
	if (*e == K_OK)
		*e = store_q_run(c, sql, store_q_row_int64, &n, NULL, NULL, "s", v);
	return n > 0;
}

/* What of the application is registered or applied for already. */
static enum kerr find_taken(const struct conn *c, const struct registration *r, const char *key, int *taken)
{
	enum kerr e = K_OK;
	*taken = 0;
	if (count_of(c, "SELECT COUNT(*) FROM organisations WHERE uscc = ?", r->uscc, &e))
		*taken |= REG_TAKEN_USCC;
	if (count_of(c, "SELECT COUNT(*) FROM users WHERE username_key = ?", key, &e))
		*taken |= REG_TAKEN_USERNAME;
	if (count_of(c, "SELECT COUNT(*) FROM organisations WHERE name = ?", r->organisation, &e))
		*taken |= REG_TAKEN_ORGANISATION;
	return e;
}

static enum kerr create_steps(const struct conn *c, void *argv)
{
	struct create_arg *a = argv;
	struct registration *r = a->r;
	enum kerr e = find_taken(c, r, a->username_key, a->taken);
	if (e == K_OK && *a->taken)
		e = K_CONFLICT;
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO organisations (name, kind, uscc, phone, created_at) VALUES (?, ?, ?, ?, ?)"
			" RETURNING id", store_q_row_int64, &r->org_id, NULL, NULL, "ssssi", r->organisation, r->kind, r->uscc,
			r->contact_phone, r->created_at);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO users (username, username_key, role, org_id, password_hash, disabled, lang,"
			" created_at) VALUES (?, ?, ?, ?, ?, 1, '', ?) RETURNING id", store_q_row_int64, &r->user_id, NULL, NULL,
			"sssisi", r->username, a->username_key, r->kind, r->org_id, a->password_hash, r->created_at);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO registrations (organisation, uscc, kind, site_id, contact_name, contact_phone,"
			" username, state, token_hash, org_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)"
			" RETURNING id", store_q_row_int64, &r->id, NULL, NULL, "ssszssssiii", r->organisation, r->uscc, r->kind,
			r->site_id, r->contact_name, r->contact_phone, r->username, r->token_hash, r->org_id, r->user_id,
			r->created_at);
	return e;
}

/* After a lost race (PostgreSQL: the unique index answered), name what was taken. */
static enum kerr taken_after(const struct conn *c, void *argv)
{
	struct create_arg *a = argv;
	return find_taken(c, a->r, a->username_key, a->taken);
}

enum kerr store_registration_create(struct store *st, struct registration *r, const char *password_hash, int *taken)
{
	char key[STORE_NAME_MAX];
	*taken = 0;
	if (!store_username_acceptable(r->username) || store_username_key(r->username, key, sizeof key) != 0 ||
		!store_org_name_ok(r->organisation) || !store_text_ok(password_hash, STORE_HASH_MAX))
		return K_VALIDATION_FAILED;
	r->created_at = (int64_t)time(NULL);
	snprintf(r->state, sizeof r->state, "pending");
	struct create_arg a = {r, password_hash, key, taken};
	enum kerr e = store_tx(st, create_steps, &a);
	if (e == K_CONFLICT && *taken == 0) {
		int again = 0;
		a.taken = &again;
		if (store_tx(st, taken_after, &a) == K_OK)
			*taken = again ? again : REG_TAKEN_USCC;
		else
			*taken = REG_TAKEN_USCC;
	}
	return e;
}

enum kerr store_registration_get(struct store *st, int64_t id, struct registration *out)
{
	return store_q_one(st, REG_COLUMNS " WHERE id = ?", reg_row, out, "i", id);
}

struct list_arg {
	struct registration *items;
	size_t n, cap;
};

static enum kerr list_row(const struct conn *c, struct db_stmt *s, void *argv)
{
	struct list_arg *a = argv;
	if (a->n == a->cap)
		return K_OK;
	return reg_row(c, s, &a->items[a->n++]);
}

enum kerr store_registration_list(struct store *st, const char *state, int64_t after, int limit,
	struct registration **out, size_t *n)
{
	struct list_arg a = {calloc((size_t)limit, sizeof *a.items), 0, (size_t)limit};
	if (a.items == NULL)
		return K_INTERNAL;
	enum kerr e = store_q_all(st, REG_COLUMNS " WHERE state = ? AND id > ? ORDER BY id LIMIT ?", list_row, &a, "sii",
		state, after, (int64_t)limit);
	if (e != K_OK) {
		free(a.items);
		return e;
	}
	*out = a.items;
	*n = a.n;
	return K_OK;
}

struct decide_arg {
	int64_t id, by, now;
	const char *reason;
	struct registration r;
};

static enum kerr load_pending(const struct conn *c, struct decide_arg *a)
{
	int rows = 0;
	enum kerr e = store_q_run(c, REG_COLUMNS " WHERE id = ? AND state = 'pending'", reg_row, &a->r, NULL, &rows, "i",
		a->id);
	return e == K_OK && rows == 0 ? K_NOT_FOUND : e;
}

/* A warehouse's site: linked to its organisation unless another has it. */
static enum kerr link_site(const struct conn *c, const struct registration *r)
{
	int64_t n = 0;
	enum kerr e = store_q_run(c, "SELECT COUNT(*) FROM organisations WHERE site_id = ?", store_q_row_int64, &n, NULL,
		NULL, "i", r->site_id);
	if (e == K_OK && n > 0)
		return K_CONFLICT;
	if (e == K_OK)
		e = store_q_run(c, "UPDATE organisations SET site_id = ? WHERE id = ?", NULL, NULL, NULL, NULL, "ii",
			r->site_id, r->org_id);
	return e;
}

static enum kerr approve_steps(const struct conn *c, void *argv)
{
	struct decide_arg *a = argv;
	enum kerr e = load_pending(c, a);
	if (e == K_OK && strcmp(a->r.kind, "warehouse") == 0 && a->r.site_id)
		e = link_site(c, &a->r);
	if (e == K_OK)
		e = store_q_run(c, "UPDATE users SET disabled = 0, org_admin = 1 WHERE id = ?", NULL, NULL, NULL, NULL, "i",
			a->r.user_id);
	if (e == K_OK)
		e = store_q_run(c, "UPDATE registrations SET state = 'approved', decided_at = ?, decided_by = ? WHERE id = ?",
			NULL, NULL, NULL, NULL, "izi", a->now, a->by, a->id);
	return e;
}

enum kerr store_registration_approve(struct store *st, int64_t id, int64_t by)
{
	struct decide_arg a = {id, by, (int64_t)time(NULL), NULL, {0}};
	return store_tx(st, approve_steps, &a);
}

static enum kerr reject_steps(const struct conn *c, void *argv)
{
	struct decide_arg *a = argv;
	enum kerr e = load_pending(c, a);
	if (e == K_OK)
		e = store_q_run(c, "UPDATE registrations SET state = 'rejected', reason = ?, decided_at = ?, decided_by = ?,"
			" org_id = NULL, user_id = NULL WHERE id = ?", NULL, NULL, NULL, NULL, "sizi", a->reason, a->now, a->by,
			a->id);
	if (e == K_OK)
		e = store_q_run(c, "DELETE FROM users WHERE id = ?", NULL, NULL, NULL, NULL, "i", a->r.user_id);
	if (e == K_OK)
		e = store_q_run(c, "DELETE FROM organisations WHERE id = ?", NULL, NULL, NULL, NULL, "i", a->r.org_id);
	return e;
}

enum kerr store_registration_reject(struct store *st, int64_t id, int64_t by, const char *reason)
{
	if (!store_text_ok(reason, REG_REASON_MAX))
		return K_VALIDATION_FAILED;
	struct decide_arg a = {id, by, (int64_t)time(NULL), reason, {0}};
	return store_tx(st, reject_steps, &a);
}

int store_registration_user_pending(struct store *st, int64_t user_id)
{
	int64_t n = 0;
	enum kerr e = store_q_all(st, "SELECT COUNT(*) FROM registrations WHERE user_id = ? AND state = 'pending'",
		store_q_row_int64, &n, "i", user_id);
	return e == K_OK && n > 0;
}
