/* Notifications and the outbox (store/notifications.h). */
#include "store/notifications.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/store_internal.h"

/* Should this change of state be told to the booking's organisation? */
static int worth_telling(const struct conn *c, const struct booking_transition *t, enum kerr *e)
{
	switch (t->action) {
	case ACTION_APPROVE:
	case ACTION_REJECT:
		return 1;
	case ACTION_SUBMIT:
		return t->to == STATE_RELEASED;	/* released without review */
	case ACTION_CANCEL: {
		/* the enterprise's own cancel is not news to it */
		int64_t actor_org = 0;
		*e = t->actor_id ? store_q_run(c, "SELECT COALESCE(org_id, 0) FROM users WHERE id = ?", store_q_row_int64,
			&actor_org, NULL, NULL, "i", t->actor_id) : K_OK;
		return actor_org != t->meta.org_id;
	}
	default:
		return t->to == STATE_PASSED || t->to == STATE_EXPIRED;
	}
}

enum kerr store_notify_step(const struct conn *c, struct booking_transition *t)
{
	enum kerr e = K_OK;
	if (!worth_telling(c, t, &e) || e != K_OK)
		return e;
	int64_t now = (int64_t)time(NULL);
	const char *event = domain_states[t->to].code, *reason = t->reason ? t->reason : "";
	e = store_q_run(c, "INSERT INTO notifications (org_id, booking_id, event, reason, created_at) VALUES (?, ?, ?, ?, ?)",
		NULL, NULL, NULL, NULL, "iissi", t->meta.org_id, t->booking_id, event, reason, now);
	if (e != K_OK)
		return e;
	json_t *payload = json_pack("{s:s,s:I,s:s,s:s,s:s,s:I}", "event", event, "booking_id", (json_int_t)t->booking_id,
		"action", domain_actions[t->action].code, "state", event, "reason", reason, "at", (json_int_t)now);
	char *text = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	e = store_outbox_add(c, t->meta.org_id, event, text, now);
	free(text);
	return e;
}

enum kerr store_outbox_add(const struct conn *c, int64_t org_id, const char *event, const char *payload, int64_t now)
{
	return store_q_run(c, "INSERT INTO outbox (org_id, event, payload, created_at)"
		" SELECT id, ?, ?, ? FROM organisations WHERE id = ? AND webhook_url <> ''", NULL, NULL, NULL, NULL, "ssii",
		event, payload, now, org_id);
}

struct note_list {
	json_t *items;
};

static enum kerr note_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct note_list *l = arg;
	json_array_append_new(l->items, json_pack("{s:I,s:I,s:s,s:s,s:I,s:b}", "id", (json_int_t)c->drv->column_int64(s, 0),
		"booking_id", (json_int_t)c->drv->column_int64(s, 1), "event", c->drv->column_text(s, 2), "reason",
		c->drv->column_text(s, 3), "created_at", (json_int_t)c->drv->column_int64(s, 4), "read",
		!c->drv->column_is_null(s, 5)));
	return K_OK;
}

enum kerr store_notifications_list(struct store *st, int64_t org_id, int64_t before, int limit, json_t **items,
	int64_t *unread)
{
	struct note_list l = {json_array()};
	if (limit < 1 || limit > NOTIFICATIONS_PAGE_MAX)
		limit = NOTIFICATIONS_PAGE_MAX;
	enum kerr e = store_q_all(st, "SELECT id, COALESCE(booking_id, 0), event, reason, created_at, read_at"
		" FROM notifications WHERE org_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?", note_row, &l, "iiii",
		org_id, before, before, (int64_t)limit);
	if (e == K_OK)
		e = store_q_one(st, "SELECT COUNT(*) FROM notifications WHERE org_id = ? AND read_at IS NULL",
			store_q_row_int64, unread, "i", org_id);
	if (e != K_OK) {
		json_decref(l.items);
		return e;
	}
	*items = l.items;
	return K_OK;
}

enum kerr store_notifications_read(struct store *st, int64_t org_id, int64_t id, int64_t now)
{
	if (id != 0)
		return store_q_write(st, 1, "UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND org_id = ?",
			"iii", now, id, org_id);
	return store_q_write(st, 0, "UPDATE notifications SET read_at = ? WHERE org_id = ? AND read_at IS NULL", "ii", now,
		org_id);
}

struct outbox_list {
	struct outbox_row *v;
	size_t n;
};

static enum kerr outbox_row_read(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct outbox_list *l = arg;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	struct outbox_row *r = &l->v[l->n++];
	r->id = c->drv->column_int64(s, 0);
	r->org_id = c->drv->column_int64(s, 1);
	store_q_text(c, s, 2, r->webhook_url, sizeof r->webhook_url);
	r->payload = xstrdup(c->drv->column_text(s, 3));
	return K_OK;
}

enum kerr store_outbox_pending(struct store *st, int max_attempts, struct outbox_row **out, size_t *n)
{
	struct outbox_list l = {0};
	enum kerr e = store_q_all(st, "SELECT x.id, x.org_id, o.webhook_url, x.payload FROM outbox x"
		" JOIN organisations o ON o.id = x.org_id WHERE x.sent_at IS NULL AND o.webhook_url <> '' AND x.attempts < ?"
		" ORDER BY x.id LIMIT ?", outbox_row_read, &l, "ii", (int64_t)max_attempts, (int64_t)OUTBOX_BATCH_MAX);
	if (e != K_OK) {
		for (size_t i = 0; i < l.n; i++)
			free(l.v[i].payload);
		free(l.v);
		return e;
	}
	*out = l.v;
	*n = l.n;
	return K_OK;
}

enum kerr store_outbox_done(struct store *st, int64_t id, int ok, const char *error, int64_t now)
{
	char err[OUTBOX_ERROR_MAX];
	snprintf(err, sizeof err, "%s", error ? error : "");
	if (ok)
		return store_q_write(st, 1, "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?",
			"ii", now, id);
	return store_q_write(st, 1, "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", "si", err, id);
}
