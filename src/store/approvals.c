/* The approvers' queue (store/approvals.h). */
#include "store/approvals.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/store_internal.h"

#define APPROVAL_FROM_SITE(site) \
	" FROM bookings b LEFT JOIN sites s ON s.id = " site \
	" LEFT JOIN organisations w ON w.site_id = " site " AND w.kind = 'warehouse'"
#define APPROVAL_FROM APPROVAL_FROM_SITE("b.transshipment_site_id") \
	" JOIN organisations e ON e.id = +b.org_id"	/* "+": the bookings lead, not an organisation's index */
/* The counts read every pending booking (its site and kind from
 * bookings_state alone, migration 13): "+" keeps PostgreSQL from
 * intersecting the state index with a whole site's range of bookings_site
 * (160,000 entries for 207 bookings on the million); they need no
 * organisation's name (PostgreSQL hashed all 2,000 organisations for it). */
#define APPROVAL_FROM_PENDING APPROVAL_FROM_SITE("+b.transshipment_site_id")
/* ? 1: the bureau's bookings; ? 2: the warehouse w's (bound to its organisation). */
#define APPROVER_IS \
	" ((? = 1 AND (b.kind = 'commodity_vehicle' OR b.transshipment_site_id IS NULL OR s.kind <> 0 OR w.id IS NULL))" \
	" OR (? = 2 AND b.kind = 'heavy_truck' AND s.kind = 0 AND w.id = ?))"
/* One entry of booking_history_submitted (migration 12, its condition
 * written the same) per booking. */
#define SUBMITTED_AT \
	"(SELECT COALESCE(MAX(h.at), 0) FROM booking_history h WHERE h.booking_id = b.id AND h.action = 'submit')"

static int64_t approver_code(enum site_approver a)
{
	return a == SITE_APPROVER_BUREAU ? 1 : 2;
}

struct queue_row {
	int64_t id, submitted_at;
	char site_name[STORE_NAME_MAX], org_name[STORE_NAME_MAX];
};

struct queue {
	struct queue_row *v;
	size_t n;
};

static enum kerr queue_row_read(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct queue *q = arg;
	q->v = xrealloc(q->v, (q->n + 1) * sizeof *q->v);
	struct queue_row *r = &q->v[q->n++];
	r->id = c->drv->column_int64(s, 0);
	r->submitted_at = c->drv->column_int64(s, 1);
	store_q_text(c, s, 2, r->site_name, sizeof r->site_name);
	store_q_text(c, s, 3, r->org_name, sizeof r->org_name);
	return K_OK;
}

/* The queue's SQL, newest first: led by the state when one is asked for (the
 * index bookings_state walks its ids in order), else by the ids themselves;
 * the cursor is a bound on b.id (INT64_MAX for none), so that a later page
 * starts where the last ended instead of walking the newer ones again. */
#define QUEUE_SQL(lead) \
	"SELECT b.id, " SUBMITTED_AT ", COALESCE(s.name, ''), e.name" APPROVAL_FROM \
	" WHERE " lead " AND" APPROVER_IS " AND (? = 0 OR b.transshipment_site_id = ?) AND (? = '' OR b.kind = ?)" \
	" AND b.id < ? ORDER BY b.id DESC LIMIT ?"
static const char *const queue_sql[2] = {QUEUE_SQL("CAST(? AS TEXT) = ''"), QUEUE_SQL("b.state = ?")};

static enum kerr queue_ids(struct store *st, const struct approval_filter *f, int limit, struct queue *q)
{
	/* "" for any: PostgreSQL cannot type a parameter that only meets IS NULL */
	const char *state = f->state >= 0 && f->state < STATE_COUNT ? domain_states[f->state].code : "";
	const char *kind = f->kind >= 0 && f->kind < KIND_COUNT ? domain_kinds[f->kind].code : "";
	return store_q_wide(st, queue_sql[state[0] != '\0'], queue_row_read, q, "siiiiissii", state,
		approver_code(f->approver), approver_code(f->approver), f->warehouse_org_id, f->site_id, f->site_id, kind, kind,
		f->cursor > 0 ? f->cursor : INT64_MAX, (int64_t)limit);
}

/* The queue's own keys on a booking's document. */
static void queue_keys(json_t *doc, const struct queue_row *r, int64_t now)
{
	json_object_set_new(doc, "submitted_at", json_integer(r->submitted_at));
	json_object_set_new(doc, "waiting_s", json_integer(r->submitted_at ? now - r->submitted_at : 0));
	json_object_set_new(doc, "site_name", json_string(r->site_name));
	json_object_set_new(doc, "organisation_name", json_string(r->org_name));
}

/* The first n rows' summaries with their plates, read together (two
 * statements per STORE_IN_CHUNK bookings), in the queue's order: what the
 * approvers' page and its export show, without the vehicles, attachments
 * and history of each (the booking's own page reads those). */
static enum kerr queue_items(struct store *st, const struct queue *q, size_t n, int64_t now, json_t *arr)
{
	if (n == 0)
		return K_OK;
	int64_t *ids = xmalloc(n * sizeof *ids);
	json_t **docs = xmalloc(n * sizeof *docs);
	for (size_t i = 0; i < n; i++)
		ids[i] = q->v[i].id;
	enum kerr e = store_booking_summaries(st, ids, n, docs);
	for (size_t i = 0; e == K_OK && i < n; i++) {
		queue_keys(docs[i], &q->v[i], now);
		json_array_append_new(arr, docs[i]);
	}
	free(docs);
	free(ids);
	return e;
}

enum kerr store_approvals_list(struct store *st, const struct approval_filter *f, int64_t now, json_t **items,
	int64_t *next_cursor)
{
	int limit = f->limit > 0 && f->limit <= APPROVALS_LIMIT_MAX ? f->limit : APPROVALS_LIMIT_DEFAULT;
	struct queue q = {0};
	enum kerr e = queue_ids(st, f, limit + 1, &q);
	json_t *arr = json_array();
	if (e == K_OK)
		e = queue_items(st, &q, q.n < (size_t)limit ? q.n : (size_t)limit, now, arr);
	*next_cursor = e == K_OK && q.n > (size_t)limit ? q.v[limit - 1].id : 0;
	free(q.v);
	if (e != K_OK) {
		json_decref(arr);
		return e;
	}
	*items = arr;
	return K_OK;
}

struct counts {
	json_t *arr;
	int64_t total;
};

static enum kerr count_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct counts *k = arg;
	int64_t n = c->drv->column_int64(s, 2);
	k->total += n;
	json_array_append_new(k->arr, json_pack("{s:o,s:s,s:I,s:I}", "site_id",
		c->drv->column_is_null(s, 0) ? json_null() : json_integer(c->drv->column_int64(s, 0)), "site_name",
		c->drv->column_text(s, 1), "pending", (json_int_t)n, "oldest_submitted_at",
		(json_int_t)c->drv->column_int64(s, 3)));
	return K_OK;
}

/* domain_states[STATE_SUBMITTED].code written out (it_release checks the
 * counts): with nothing bound that decides its plan, PostgreSQL keeps one
 * plan for the counts instead of planning them again at each call (0.3-0.5
 * ms on the million). */
#define STATE_IS_PENDING " b.state = 'submitted'"

enum kerr store_approvals_counts(struct store *st, const struct approval_filter *f, json_t **by_site, int64_t *total)
{
	struct counts k = {json_array(), 0};
	enum kerr e = store_q_wide(st, "SELECT b.transshipment_site_id, COALESCE(s.name, ''), COUNT(*), MIN(" SUBMITTED_AT ")"
		APPROVAL_FROM_PENDING " WHERE" APPROVER_IS " AND" STATE_IS_PENDING " GROUP BY b.transshipment_site_id, s.name"
		" ORDER BY COALESCE(s.name, '')", count_row, &k, "iii", approver_code(f->approver), approver_code(f->approver),
		f->warehouse_org_id);
	if (e != K_OK) {
		json_decref(k.arr);
		return e;
	}
	*by_site = k.arr;
	*total = k.total;
	return K_OK;
}

struct approver_row {
	int bureau;
	int64_t warehouse;
};

static enum kerr approver_row_read(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct approver_row *r = arg;
	r->bureau = (int)c->drv->column_int64(s, 0);
	r->warehouse = c->drv->column_is_null(s, 1) ? 0 : c->drv->column_int64(s, 1);
	return K_OK;
}

enum kerr store_approver_of(struct store *st, int64_t booking_id, enum site_approver *approver, int64_t *warehouse_org)
{
	struct approver_row r = {0};
	enum kerr e = store_q_one(st, "SELECT CASE WHEN b.kind = 'commodity_vehicle' OR b.transshipment_site_id IS NULL"
		" OR s.kind <> 0 OR w.id IS NULL THEN 1 ELSE 0 END, w.id" APPROVAL_FROM " WHERE b.id = ?", approver_row_read,
		&r, "i", booking_id);
	if (e != K_OK)
		return e;
	*approver = r.bureau ? SITE_APPROVER_BUREAU : SITE_APPROVER_WAREHOUSE;
	*warehouse_org = r.bureau ? 0 : r.warehouse;
	return K_OK;
}

enum kerr store_approval_review_get(struct store *st, int *commodity_review)
{
	int64_t v = 0;
	enum kerr e = store_q_one(st, "SELECT commodity_review FROM approval_settings WHERE id = 1", store_q_row_int64, &v,
		"");
	*commodity_review = v != 0;
	return e;
}

enum kerr store_approval_review_set(struct store *st, int commodity_review, int64_t now)
{
	return store_q_write(st, 1, "UPDATE approval_settings SET commodity_review = ?, updated_at = ? WHERE id = 1", "ii",
		(int64_t)(commodity_review != 0), now);
}
