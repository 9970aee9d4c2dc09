/* The approvers' queue (待审批): which bookings wait for whom (DOMAIN.md
 * "Approval and release"). A heavy-truck booking is approved by the
 * warehouse linked to its listed site; the bureau approves the rest: the two
 * fixed sites, listed sites no warehouse is linked to, and commodity-vehicle
 * bookings when it has turned their review on. */
#ifndef KOUAN_STORE_APPROVALS_H
#define KOUAN_STORE_APPROVALS_H

#include <jansson.h>
#include <stdint.h>

#include "store/bookings.h"
#include "store/sites.h"
#include "store/store.h"

#define APPROVALS_LIMIT_DEFAULT 50
#define APPROVALS_LIMIT_MAX 100

struct approval_filter {
	enum site_approver approver;
	int64_t warehouse_org_id;	/* approver warehouse: the caller's organisation */
	int64_t site_id;		/* 0: any */
	int state;			/* STATE_SUBMITTED for "pending", or another state; -1 any */
	int kind;			/* -1 any */
	int64_t cursor;			/* 0 from the newest, else ids below it */
	int limit;
};

/* Bookings the approver decides on, newest first: each the booking as the
 * list gives it (store_booking_summaries: no vehicles, attachments or
 * history) with its "plates", "submitted_at", "waiting_s" (from submitted_at
 * to now), "site_name" and "organisation_name". */
enum kerr store_approvals_list(struct store *st, const struct approval_filter *f, int64_t now, json_t **items,
	int64_t *next_cursor) KOUAN_MUST_USE;
/* Pending bookings per site for this approver: a new array of {"site_id",
 * "site_name", "pending", "oldest_submitted_at"} and *total. */
enum kerr store_approvals_counts(struct store *st, const struct approval_filter *f, json_t **by_site, int64_t *total)
	KOUAN_MUST_USE;
/* Who decides on booking id: *approver, and the warehouse's organisation
 * (0 for the bureau). K_NOT_FOUND when there is no such booking. */
enum kerr store_approver_of(struct store *st, int64_t booking_id, enum site_approver *approver, int64_t *warehouse_org)
	KOUAN_MUST_USE;

/* The bureau's switch: commodity-vehicle bookings wait for review at submit. */
enum kerr store_approval_review_get(struct store *st, int *commodity_review) KOUAN_MUST_USE;
enum kerr store_approval_review_set(struct store *st, int commodity_review, int64_t now) KOUAN_MUST_USE;

#endif
