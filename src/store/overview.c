/* History search and the day's overview (store/overview.h). */
#include "store/overview.h"

#include <stdint.h>
#include <string.h>

#include "core/log.h"
#include "store/store_internal.h"

#define HOUR_S 3600
#define DAY_S (HOURS_A_DAY * HOUR_S)
#define OPEN_END INT64_MAX	/* no upper bound (DB_MAX_PARAMS forbids "? = 0 OR" twice more) */
#define PREFIX_END "\x7f"	/* after every digit: [prefix, prefix + END) is a prefix range */

static enum kerr history_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s}",
		"id", (json_int_t)c->drv->column_int64(s, 0), "booking_id", (json_int_t)c->drv->column_int64(s, 1),
		"action", c->drv->column_text(s, 2), "from_state", c->drv->column_text(s, 3), "to_state",
		c->drv->column_text(s, 4), "actor", c->drv->column_text(s, 5), "at", (json_int_t)c->drv->column_int64(s, 6),
		"reason", c->drv->column_text(s, 7), "declaration_no", c->drv->column_text(s, 8), "organisation",
		c->drv->column_text(s, 9)));
	return K_OK;
}

/* The history's SQL, led by the condition whose index should drive it;
 * the others are filters ("+h.at" keeps SQLite off the time index when
 * another leads; CROSS JOIN keeps the history the outer loop in SQLite,
 * whatever the statistics say of the bookings' indexes). Newest first, stopping after LIMIT rows when the walk
 * follows h.id. */
#define HISTORY_SQL(lead) \
	"SELECT h.id, h.booking_id, h.action, h.from_state, h.to_state, COALESCE(u.username, ''), h.at, h.reason," \
	" b.declaration_no, o.name FROM booking_history h CROSS JOIN bookings b CROSS JOIN organisations o" \
	" LEFT JOIN users u ON u.id = h.actor_id" \
	" WHERE " lead " AND b.id = h.booking_id AND o.id = b.org_id AND (? = 0 OR h.booking_id = ?) AND (? = '' OR (b.declaration_digits >= ? AND b.declaration_digits < ?))" \
	" AND (? = '' OR h.action = ?) AND (? = '' OR u.username = ?) AND +h.at >= ? AND +h.at < ? AND h.id < ?" \
	" ORDER BY h.id DESC LIMIT ?"

enum history_lead { LEAD_NEWEST, LEAD_BOOKING, LEAD_DECLARATION, LEAD_TIME, HISTORY_LEADS };

static const char *const history_sql[HISTORY_LEADS] = {
	/* above the row where the walk stops (0: no stop) */
	[LEAD_NEWEST] = HISTORY_SQL("h.id > ? AND CAST(? AS BIGINT) = 0"),
	[LEAD_BOOKING] = HISTORY_SQL("h.booking_id = ? AND CAST(? AS BIGINT) = 0"),
	[LEAD_DECLARATION] = HISTORY_SQL("h.booking_id IN (SELECT id FROM bookings WHERE declaration_digits >= ?"
		" AND declaration_digits < ?)"),
	[LEAD_TIME] = HISTORY_SQL("h.at >= ? AND h.at < ?"),
};

/* Which condition leads; the declaration's bookings are counted (up to
 * HISTORY_DENSE_BOOKINGS) to choose between walking and looking up. */
static enum kerr history_lead_of(struct store *st, const struct history_filter *f, const char *decl, const char *hi,
	enum history_lead *lead)
{
	int64_t n = 0;
	*lead = f->booking_id ? LEAD_BOOKING : f->from || f->to ? LEAD_TIME : LEAD_NEWEST;
	if (f->booking_id || decl[0] == '\0')
		return K_OK;
	int64_t dense = f->dense_bookings > 0 ? f->dense_bookings : HISTORY_DENSE_BOOKINGS;
	enum kerr e = store_q_one(st, "SELECT COUNT(*) FROM (SELECT 1 FROM bookings WHERE declaration_digits >= ?"
		" AND declaration_digits < ? LIMIT ?) d", store_q_row_int64, &n, "ssi", decl, hi, dense);
	if (n < dense)
		*lead = LEAD_DECLARATION;
	return e;
}

/* *stop_id: the walk from the newest row down reads the rows above it, at most
 * the filter's walk_rows of them (ids grow by one per row, gaps only make the
 * walk shorter); 0 when no filter narrows the walk (every row is a match) or
 * when the walk reaches the first row. */
static enum kerr history_walk_stop(struct store *st, const struct history_filter *f, const char *decl, int64_t *stop_id)
{
	int64_t walk = f->walk_rows > 0 ? f->walk_rows : HISTORY_WALK_ROWS, top = f->cursor;
	*stop_id = 0;
	if (decl[0] == '\0' && (f->action == NULL || f->action[0] == '\0') && (f->actor == NULL || f->actor[0] == '\0'))
		return K_OK;
	enum kerr e = top ? K_OK : store_q_one(st, "SELECT COALESCE(MAX(id), 0) + 1 FROM booking_history", store_q_row_int64,
		&top, "");
	*stop_id = top - walk > 1 ? top - walk - 1 : 0;	/* ids (stop, top): walk rows */
	return e;
}

/* K_SEARCH_TOO_BROAD when rows lie below the walk's stop: the page it did not
 * fill would need them. */
static enum kerr history_rows_below(struct store *st, int64_t stop_id)
{
	int64_t below = 0;
	enum kerr e = store_q_one(st, "SELECT COUNT(*) FROM (SELECT 1 FROM booking_history WHERE id <= ? LIMIT 1) b",
		store_q_row_int64, &below, "i", stop_id);
	return e == K_OK && below ? K_SEARCH_TOO_BROAD : e;
}

/* The page's rows (limit + 1 of them when there is a next page). */
static enum kerr history_rows(struct store *st, const struct history_filter *f, enum history_lead lead,
	const char *decl, const char *hi, int64_t stop_id, int limit, json_t *arr)
{
	const char *action = f->action ? f->action : "", *actor = f->actor ? f->actor : "";
	int64_t to = f->to ? f->to : OPEN_END, cursor = f->cursor ? f->cursor : OPEN_END;
	if (lead == LEAD_DECLARATION)
		return store_q_wide(st, history_sql[lead], history_row, arr, "ssiisssssssiiii", decl, hi, f->booking_id,
			f->booking_id, decl, decl, hi, action, action, actor, actor, f->from, to, cursor, (int64_t)limit + 1);
	/* the two values of the lead: what it compares, or a pair that holds */
	int64_t lead_int[2] = {lead == LEAD_BOOKING ? f->booking_id : lead == LEAD_TIME ? f->from : stop_id,
		lead == LEAD_TIME ? to : 0};
	return store_q_wide(st, history_sql[lead], history_row, arr, "iiiisssssssiiii", lead_int[0], lead_int[1],
		f->booking_id, f->booking_id, decl, decl, hi, action, action, actor, actor, f->from, to, cursor,
		(int64_t)limit + 1);
}

enum kerr store_history_search(struct store *st, const struct history_filter *f, json_t **items, int64_t *next_cursor)
{
	char hi[HISTORY_QUERY_MAX + sizeof PREFIX_END];
	const char *decl = f->declaration ? f->declaration : "";
	int limit = f->limit > 0 && f->limit <= HISTORY_LIMIT_MAX ? f->limit : HISTORY_LIMIT_DEFAULT;
	if (strlen(decl) > HISTORY_QUERY_MAX)
		return K_VALIDATION_FAILED;
	snprintf(hi, sizeof hi, "%s%s", decl, PREFIX_END);
	enum history_lead lead;
	int64_t stop_id = 0;
	enum kerr e = history_lead_of(st, f, decl, hi, &lead);
	if (e == K_OK && lead == LEAD_NEWEST)
		e = history_walk_stop(st, f, decl, &stop_id);
	json_t *arr = json_array();
	if (e == K_OK)
		e = history_rows(st, f, lead, decl, hi, stop_id, limit, arr);
	if (e == K_OK && stop_id != 0 && json_array_size(arr) <= (size_t)limit)
		e = history_rows_below(st, stop_id);	/* the walk ended before the page was full */
	if (e != K_OK) {
		json_decref(arr);
		return e;
	}
	*next_cursor = 0;
	if (json_array_size(arr) > (size_t)limit) {
		json_array_remove(arr, (size_t)limit);
		*next_cursor = json_integer_value(json_object_get(json_array_get(arr, (size_t)limit - 1), "id"));
	}
	*items = arr;
	return K_OK;
}

static enum kerr count_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:I}", "kind", c->drv->column_text(s, 0), "state",
		c->drv->column_text(s, 1), "count", (json_int_t)c->drv->column_int64(s, 2)));
	return K_OK;
}

static enum kerr pending_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:o,s:s,s:I,s:I}", "site_id",
		c->drv->column_is_null(s, 0) ? json_null() : json_integer(c->drv->column_int64(s, 0)), "site_name",
		c->drv->column_text(s, 1), "pending", (json_int_t)c->drv->column_int64(s, 2), "oldest_submitted_at",
		(json_int_t)c->drv->column_int64(s, 3)));
	return K_OK;
}

static enum kerr hour_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	int64_t hour = c->drv->column_int64(s, 0);
	if (hour >= 0 && hour < HOURS_A_DAY)
		json_array_set_new(arg, (size_t)hour, json_integer(c->drv->column_int64(s, 1)));
	return K_OK;
}

enum kerr store_overview(struct store *st, const char *date, int64_t day_from, json_t **out)
{
	json_t *bookings = json_array(), *pending = json_array(), *hours = json_array();
	for (int h = 0; h < HOURS_A_DAY; h++)
		json_array_append_new(hours, json_integer(0));
	enum kerr e = store_q_wide(st, "SELECT kind, state, COUNT(*) FROM bookings WHERE crossing_date = ?"
		" GROUP BY kind, state ORDER BY kind, state", count_row, bookings, "s", date);
	if (e == K_OK)
		e = store_q_wide(st, "SELECT b.transshipment_site_id, COALESCE(s.name, ''), COUNT(*), MIN((SELECT COALESCE(MAX(h.at), 0)"
			" FROM booking_history h WHERE h.booking_id = b.id AND h.action = 'submit')) FROM bookings b"
			" LEFT JOIN sites s ON s.id = b.transshipment_site_id WHERE b.state = 'submitted'"
			" GROUP BY b.transshipment_site_id, s.name ORDER BY COALESCE(s.name, '')", pending_row, pending, "");
	if (e == K_OK)
		/* GROUP BY 1: PostgreSQL sees "(at - $1) / $2" and "(at - $5) / $6" as two expressions */
		e = store_q_wide(st, "SELECT (at - ?) / ?, COUNT(*) FROM gate_passages WHERE at >= ? AND at < ? GROUP BY 1",
			hour_row, hours, "iiii", day_from, (int64_t)HOUR_S, day_from, day_from + DAY_S);
	if (e != K_OK) {
		json_decref(bookings);
		json_decref(pending);
		json_decref(hours);
		return e;
	}
	*out = json_pack("{s:s,s:o,s:o,s:o}", "date", date, "bookings", bookings, "pending", pending, "passages_by_hour", hours);
	return K_OK;
}
