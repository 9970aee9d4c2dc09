/* Approval (重车所属仓储审批): the approver's queue, approve and reject (one
 * or several at once), and the bureau's review switch for commodity
 * vehicles. A warehouse decides on the heavy-truck bookings naming its
 * listed site; the bureau on the rest (store/approvals.h). A booking the
 * caller does not decide on answers 404 to a warehouse (it must not learn
 * it exists) and 403 to the bureau (which sees every booking). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/params.h"
#include "store/approvals.h"
#include "store/bookings.h"

#define BATCH_MAX 100		/* bookings one batch decides at most */

/* A non-negative number query parameter; 0 when absent, -1 when malformed. */
static int64_t query_number(struct api_ctx *c, const char *name)
{
	return query_number_parse(http_query(c->req, name));
}

/* The caller as an approver; 0 when it approves nothing (a warehouse user
 * without an organisation). The warehouse's site is not read from the
 * session (cached since login): the queue's SQL joins the current link. */
static int caller_approver(struct api_ctx *c, struct approval_filter *f)
{
	if (strcmp(c->who->user.role, "bureau") == 0) {
		f->approver = SITE_APPROVER_BUREAU;
		return 1;
	}
	f->approver = SITE_APPROVER_WAREHOUSE;
	f->warehouse_org_id = c->who->org.id;
	return c->who->org.id != 0;
}

/* ?state=pending (the default) | any | a booking state. */
static int parse_state(const char *s, int *state)
{
	if (s == NULL || *s == '\0' || strcmp(s, "pending") == 0) {
		*state = STATE_SUBMITTED;
		return 1;
	}
	if (strcmp(s, "any") == 0) {
		*state = -1;
		return 1;
	}
	*state = domain_state(s);
	return *state >= 0;
}

static int parse_filter(struct api_ctx *c, struct approval_filter *f)
{
	const char *kind = http_query(c->req, "kind");
	f->kind = -1;
	if (!parse_state(http_query(c->req, "state"), &f->state)) {
		api_invalid_field(c, "state", FIELD_UNKNOWN_CHOICE);
		return 0;
	}
	if (kind && *kind && (f->kind = domain_kind(kind)) < 0) {
		api_invalid_field(c, "kind", FIELD_UNKNOWN_CHOICE);
		return 0;
	}
	f->site_id = query_number(c, "site_id");
	f->cursor = query_number(c, "cursor");
	int64_t limit = query_number(c, "limit");
	if (f->site_id < 0 || f->cursor < 0 || limit < 0 || limit > APPROVALS_LIMIT_MAX) {
		api_invalid_field(c, f->site_id < 0 ? "site_id" : f->cursor < 0 ? "cursor" : "limit", FIELD_INVALID);
		return 0;
	}
	f->limit = (int)limit;
	return 1;
}

void approvals_list(struct api_ctx *c)
{
	struct approval_filter f = {0};
	json_t *items = NULL, *by_site = NULL;
	int64_t next = 0, total = 0;
	if (!parse_filter(c, &f))
		return;
	if (!caller_approver(c, &f)) {
		api_json(c, 200, json_pack("{s:[],s:n,s:{s:i,s:[]}}", "items", "next_cursor", "counts", "pending", 0,
			"by_site"));
		return;
	}
	enum kerr e = store_approvals_list(c->app->store, &f, (int64_t)time(NULL), &items, &next);
	if (e == K_OK)
		e = store_approvals_counts(c->app->store, &f, &by_site, &total);
	if (e != K_OK) {
		json_decref(items);
		api_error(c, e);
		return;
	}
	api_json(c, 200, json_pack("{s:o,s:o,s:{s:I,s:o}}", "items", items, "next_cursor",
		next ? json_integer(next) : json_null(), "counts", "pending", (json_int_t)total, "by_site", by_site));
}

/* K_OK when the caller decides on booking id; K_NOT_FOUND / K_FORBIDDEN otherwise. */
static enum kerr may_decide(struct api_ctx *c, int64_t id)
{
	struct approval_filter f = {0};
	enum site_approver approver;
	int64_t warehouse = 0;
	int approves = caller_approver(c, &f);
	enum kerr e = id > 0 ? store_approver_of(c->app->store, id, &approver, &warehouse) : K_NOT_FOUND;
	if (e != K_OK)
		return e;
	if (f.approver == SITE_APPROVER_WAREHOUSE)
		return approves && approver == SITE_APPROVER_WAREHOUSE && warehouse == f.warehouse_org_id ? K_OK : K_NOT_FOUND;
	return approver == SITE_APPROVER_BUREAU ? K_OK : K_FORBIDDEN;
}

/* Approve or reject one booking; K_WRONG_STATE (409) when it is not pending. */
static enum kerr decide(struct api_ctx *c, int64_t id, enum booking_action action, const char *reason)
{
	enum kerr e = may_decide(c, id);
	struct booking_transition t = {.booking_id = id, .action = action, .to = domain_actions[action].to,
		.actor_id = c->who->user.id, .reason = reason};
	return e == K_OK ? store_booking_transition(c->app->store, &t) : e;
}

/* The reason of a rejection: required, bounded. NULL after answering 422. */
static const char *reject_reason(struct api_ctx *c, json_t *body)
{
	const char *reason = body ? json_str(body, "reason") : NULL;
	if (reason == NULL || reason[0] == '\0') {
		api_invalid_field(c, "reason", FIELD_REQUIRED);
		return NULL;
	}
	if (strlen(reason) > BOOKING_REASON_MAX) {
		api_invalid_field(c, "reason", FIELD_TOO_LONG);
		return NULL;
	}
	return reason;
}

/* An action's body: empty or a JSON object. 0 after answering. */
static int optional_body(struct api_ctx *c, json_t **body)
{
	size_t len = 0;
	(void)http_body(c->req, &len);
	*body = len ? api_body_object(c) : NULL;
	return len == 0 || *body != NULL;
}

/* Who may decide comes first: another organisation's booking answers 404 or
 * 403 whatever the body holds. */
static void decide_one(struct api_ctx *c, enum booking_action action)
{
	json_t *body = NULL;
	int64_t id = api_param_id(c, 0);
	enum kerr e = may_decide(c, id);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	if (!optional_body(c, &body))
		return;
	const char *reason = action == ACTION_REJECT ? reject_reason(c, body) : (body ? json_str(body, "reason") : NULL);
	if (action == ACTION_REJECT && reason == NULL) {
		json_decref(body);
		return;
	}
	if (reason && strlen(reason) > BOOKING_REASON_MAX) {
		api_invalid_field(c, "reason", FIELD_TOO_LONG);
		json_decref(body);
		return;
	}
	e = decide(c, id, action, reason);
	json_decref(body);
	if (e != K_OK)
		api_error(c, e);
	else
		api_booking_answer(c, 200, id);
}

void bookings_approve(struct api_ctx *c)
{
	decide_one(c, ACTION_APPROVE);
}

void bookings_reject(struct api_ctx *c)
{
	decide_one(c, ACTION_REJECT);
}

/* {"action": "approve"|"reject", "ids": [...], "reason"?} -> {"results": [{"id", "status", "code"?}]} */
void approvals_batch(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	const char *action = json_str(body, "action");
	json_t *ids = json_object_get(body, "ids");
	enum booking_action a = action && strcmp(action, "reject") == 0 ? ACTION_REJECT : ACTION_APPROVE;
	const char *reason = a == ACTION_REJECT ? reject_reason(c, body) : json_str(body, "reason");
	if (a == ACTION_REJECT && reason == NULL)
		goto out;
	if (action == NULL || (strcmp(action, "approve") != 0 && strcmp(action, "reject") != 0)) {
		api_invalid_field(c, "action", FIELD_UNKNOWN_CHOICE);
		goto out;
	}
	if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > BATCH_MAX ||
		(reason && strlen(reason) > BOOKING_REASON_MAX)) {
		api_invalid_field(c, json_is_array(ids) && json_array_size(ids) > 0 && json_array_size(ids) <= BATCH_MAX ?
			"reason" : "ids", FIELD_INVALID);
		goto out;
	}
	json_t *results = json_array(), *v;
	size_t i;
	json_array_foreach(ids, i, v) {
		int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
		enum kerr e = decide(c, id, a, reason);
		json_t *r = json_pack("{s:I,s:i}", "id", (json_int_t)id, "status", kerr_info(e)->http_status);
		if (e != K_OK)
			json_object_set_new(r, "code", json_string(kerr_code(e)));
		json_array_append_new(results, r);
	}
	api_json(c, 200, json_pack("{s:o}", "results", results));
out:
	json_decref(body);
}

enum booking_state approval_submit_target(struct api_ctx *c, enum booking_kind kind)
{
	int review = 0;
	if (kind == KIND_COMMODITY_VEHICLE && store_approval_review_get(c->app->store, &review) == K_OK && review)
		return STATE_SUBMITTED;
	return domain_submit_target(kind);
}

void approvals_settings_get(struct api_ctx *c)
{
	int review = 0;
	enum kerr e = store_approval_review_get(c->app->store, &review);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:b}", "commodity_review", review));
}

void approvals_settings_put(struct api_ctx *c)
{
	json_t *body = api_body_object(c);
	if (body == NULL)
		return;
	json_t *v = json_object_get(body, "commodity_review");
	int on = json_is_true(v);
	enum kerr e = json_is_boolean(v) ? store_approval_review_set(c->app->store, on, (int64_t)time(NULL))
		: K_VALIDATION_FAILED;
	json_decref(body);
	if (e == K_VALIDATION_FAILED)
		api_invalid_field(c, "commodity_review", FIELD_INVALID);
	else if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:b}", "commodity_review", on));
}
