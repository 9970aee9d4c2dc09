/* The bureau's overview and the history of every change of state, as JSON
 * and as .xlsx (libxlsxwriter through src/sheet): GET /api/v1/overview?date=,
 * /api/v1/overview.xlsx?date=, /api/v1/history?…, /api/v1/history.xlsx?…,
 * and the approver's queue as /api/v1/approvals.xlsx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/params.h"
#include "core/crossing.h"
#include "sheet/sheet.h"
#include "store/approvals.h"
#include "store/overview.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define DISPOSITION_MAX 128

static int64_t query_number(struct api_ctx *c, const char *name)
{
	return query_number_parse(http_query(c->req, name));
}

static void answer_xlsx(struct api_ctx *c, const char *name, const char *const *headers, size_t ncols, json_t *rows)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char disposition[DISPOSITION_MAX];
	enum kerr e = sheet_export_xlsx(name, headers, ncols, rows, &data, &len);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"kouan-%s.xlsx\"", name);
	http_add_header(c->req, "Content-Disposition", disposition);
	http_add_header(c->req, "Cache-Control", "no-store");
	http_respond(c->req, 200, XLSX_TYPE, data, len);
	free(data);
}

static json_t *time_text(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)(t + CROSSING_UTC_OFFSET_S);	/* the port's time, as the pages show it */
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
	return json_string(buf);
}

/* ---- overview ---- */

/* ?date=YYYY-MM-DD (default: today in Beijing) -> the overview; NULL after answering. */
static json_t *overview_of(struct api_ctx *c)
{
	const char *date = http_query(c->req, "date");
	char today[CROSSING_DATE_LEN + 1];
	int64_t day = 0;
	if (date == NULL || date[0] == '\0') {
		crossing_date_format(crossing_today((int64_t)time(NULL)), today);
		date = today;
	}
	if (crossing_date_parse(date, &day) != 0) {
		api_invalid_field(c, "date", FIELD_INVALID);
		return NULL;
	}
	json_t *out = NULL;
	enum kerr e = store_overview(c->app->store, date, crossing_instant(day, 0), &out);
	if (e != K_OK)
		api_error(c, e);
	return e == K_OK ? out : NULL;
}

void overview_get(struct api_ctx *c)
{
	json_t *out = overview_of(c);
	if (out != NULL)
		api_json(c, 200, out);
}

void overview_xlsx(struct api_ctx *c)
{
	static const char *const headers[] = {"类别 section", "业务类型 kind / 场所 site / 时 hour", "状态 state", "数量 count",
		"最早提交 oldest"};
	json_t *out = overview_of(c), *rows = json_array(), *v;
	size_t i;
	if (out == NULL) {
		json_decref(rows);
		return;
	}
	json_array_foreach(json_object_get(out, "bookings"), i, v)
		json_array_append_new(rows, json_pack("[s,O,O,O,s]", "bookings", json_object_get(v, "kind"),
			json_object_get(v, "state"), json_object_get(v, "count"), ""));
	json_array_foreach(json_object_get(out, "pending"), i, v)
		json_array_append_new(rows, json_pack("[s,O,s,O,o]", "pending", json_object_get(v, "site_name"), "submitted",
			json_object_get(v, "pending"), time_text(json_integer_value(json_object_get(v, "oldest_submitted_at")))));
	json_array_foreach(json_object_get(out, "passages_by_hour"), i, v)
		json_array_append_new(rows, json_pack("[s,o,s,O,s]", "passages", json_sprintf("%02zu:00", i), "", v, ""));
	answer_xlsx(c, "overview", headers, sizeof headers / sizeof headers[0], rows);
	json_decref(rows);
	json_decref(out);
}

/* ---- history ---- */

/* The filter from the query; 0 after answering 422. */
static int history_filter_of(struct api_ctx *c, struct history_filter *f)
{
	const char *q = http_query(c->req, "q"), *action = http_query(c->req, "action"), *actor = http_query(c->req, "actor");
	f->booking_id = query_number(c, "booking_id");
	f->from = query_number(c, "from");
	f->to = query_number(c, "to");
	f->cursor = query_number(c, "cursor");
	int64_t limit = query_number(c, "limit");
	f->declaration = q ? q : "";
	f->action = action ? action : "";
	f->actor = actor ? actor : "";
	const char *bad = f->booking_id < 0 ? "booking_id" : f->from < 0 ? "from" : f->to < 0 ? "to" : f->cursor < 0 ? "cursor"
		: limit < 0 || limit > HISTORY_LIMIT_MAX ? "limit" : strlen(f->declaration) > HISTORY_QUERY_MAX ? "q"
		: strspn(f->declaration, "0123456789") != strlen(f->declaration) ? "q"
		: *f->action && domain_action(f->action) < 0 ? "action" : strlen(f->actor) >= STORE_NAME_MAX ? "actor" : NULL;
	f->limit = (int)limit;
	if (bad != NULL)
		api_invalid_field(c, bad, FIELD_INVALID);
	return bad == NULL;
}

void history_search(struct api_ctx *c)
{
	struct history_filter f = {0};
	json_t *items = NULL;
	int64_t next = 0;
	if (!history_filter_of(c, &f))
		return;
	enum kerr e = store_history_search(c->app->store, &f, &items, &next);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next ? json_integer(next) : json_null()));
}

void history_xlsx(struct api_ctx *c)
{
	static const char *const headers[] = {"时间 time (UTC+8)", "预约 booking", "报关单号 declaration", "企业 company",
		"操作 action", "原状态 from", "新状态 to", "操作人 actor", "原因 reason"};
	struct history_filter f = {0};
	json_t *items = NULL, *rows = json_array(), *v;
	int64_t next = 0;
	size_t i;
	if (!history_filter_of(c, &f)) {
		json_decref(rows);
		return;
	}
	f.limit = HISTORY_LIMIT_MAX;
	enum kerr e = store_history_search(c->app->store, &f, &items, &next);
	if (e != K_OK) {
		json_decref(rows);
		api_error(c, e);
		return;
	}
	json_array_foreach(items, i, v)
		json_array_append_new(rows, json_pack("[o,O,O,O,O,O,O,O,O]", time_text(json_integer_value(json_object_get(v, "at"))),
			json_object_get(v, "booking_id"), json_object_get(v, "declaration_no"), json_object_get(v, "organisation"),
			json_object_get(v, "action"), json_object_get(v, "from_state"), json_object_get(v, "to_state"),
			json_object_get(v, "actor"), json_object_get(v, "reason")));
	answer_xlsx(c, "history", headers, sizeof headers / sizeof headers[0], rows);
	json_decref(rows);
	json_decref(items);
}

/* ---- the approver's queue ---- */

#define PLATES_TEXT_MAX 1024

/* "新F12345 新F1234挂", cut at a whole plate when it would not fit. */
static void join_plates(json_t *plates, char *out, size_t cap)
{
	size_t o = 0, i;
	json_t *p;
	out[0] = '\0';
	json_array_foreach(plates, i, p) {
		const char *s = json_string_value(p);
		size_t n = s ? strlen(s) : 0;
		if (o + n + 2 > cap)
			break;
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, s, n);
		o += n;
		out[o] = '\0';
	}
}

void approvals_xlsx(struct api_ctx *c)
{
	static const char *const headers[] = {"预约 booking", "企业 company", "业务类型 kind", "报关单号 declaration",
		"车牌号 plates", "换装场所 site", "通关日期 date", "时段 slot", "状态 state", "提交 submitted (UTC+8)", "等待 waiting (min)"};
	struct approval_filter f = {.state = STATE_SUBMITTED, .kind = -1, .limit = APPROVALS_LIMIT_MAX};
	json_t *items = NULL, *rows = json_array(), *v;
	int64_t next = 0;
	size_t i;
	f.approver = strcmp(c->who->user.role, "bureau") == 0 ? SITE_APPROVER_BUREAU : SITE_APPROVER_WAREHOUSE;
	f.warehouse_org_id = c->who->org.id;
	enum kerr e = store_approvals_list(c->app->store, &f, (int64_t)time(NULL), &items, &next);
	if (e != K_OK) {
		json_decref(rows);
		api_error(c, e);
		return;
	}
	json_array_foreach(items, i, v) {
		char text[PLATES_TEXT_MAX];
		join_plates(json_object_get(v, "plates"), text, sizeof text);
		json_t *slot = json_object_get(v, "slot"), *date = json_object_get(v, "crossing_date");
		json_array_append_new(rows, json_pack("[O,O,O,O,s,O,o,o,O,o,I]", json_object_get(v, "id"),
			json_object_get(v, "organisation_name"), json_object_get(v, "kind"), json_object_get(v, "declaration_no"), text,
			json_object_get(v, "site_name"), date ? json_incref(date) : json_null(), slot ? json_incref(slot) : json_null(),
			json_object_get(v, "state"), time_text(json_integer_value(json_object_get(v, "submitted_at"))),
			(json_int_t)(json_integer_value(json_object_get(v, "waiting_s")) / 60)));
	}
	answer_xlsx(c, "approvals", headers, sizeof headers / sizeof headers[0], rows);
	json_decref(rows);
	json_decref(items);
}
