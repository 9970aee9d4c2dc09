/* The account audit: see audit.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/audit.h"
#include "store/store_internal.h"

#define AUDIT_NO_CURSOR INT64_MAX

static void clip(const char *in, char *out, size_t n)
{
	snprintf(out, n, "%s", in ? in : "");
}

enum kerr store_audit_add(struct store *st, const char *action, int64_t actor_id, const char *subject,
	const char *addr, const char *detail)
{
	char s[AUDIT_TEXT_MAX], a[AUDIT_ADDR_MAX], d[AUDIT_TEXT_MAX];
	clip(subject, s, sizeof s);
	clip(addr, a, sizeof a);
	clip(detail, d, sizeof d);
	return store_q_insert(st, "INSERT INTO account_audit (action, actor_id, subject, addr, detail, at)"
		" VALUES (?, ?, ?, ?, ?, ?) RETURNING id", NULL, "szsssi", action, actor_id, s, a, d, (int64_t)time(NULL));
}

struct audit_rows {
	struct audit_entry *items;
	size_t n, cap;
};

static enum kerr audit_row(const struct conn *c, struct db_stmt *s, void *argv)
{
	struct audit_rows *a = argv;
	if (a->n == a->cap)
		return K_OK;
	struct audit_entry *e = &a->items[a->n++];
	e->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, e->action, sizeof e->action);
	e->actor_id = c->drv->column_int64(s, 2);
	store_q_text(c, s, 3, e->subject, sizeof e->subject);
	store_q_text(c, s, 4, e->addr, sizeof e->addr);
	store_q_text(c, s, 5, e->detail, sizeof e->detail);
	e->at = c->drv->column_int64(s, 6);
	return K_OK;
}

enum kerr store_audit_search(struct store *st, const char *action, const char *subject, int64_t before, int limit,
	struct audit_entry **out, size_t *n)
{
	struct audit_rows a = {calloc((size_t)limit, sizeof *a.items), 0, (size_t)limit};
	if (a.items == NULL)
		return K_INTERNAL;
	enum kerr e = store_q_all(st, "SELECT id, action, actor_id, subject, addr, detail, at FROM account_audit"
		" WHERE id < ? AND (? = '' OR action = ?) AND (? = '' OR subject = ?) ORDER BY id DESC LIMIT ?", audit_row, &a,
		"issssi", before > 0 ? before : AUDIT_NO_CURSOR, action, action, subject, subject, (int64_t)limit);
	if (e != K_OK) {
		free(a.items);
		return e;
	}
	*out = a.items;
	*n = a.n;
	return K_OK;
}
