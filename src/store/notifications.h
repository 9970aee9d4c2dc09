/* What an enterprise is told about its bookings (the notification list with
 * its unread count), and the outbox its webhook is sent from: one row per
 * event of an organisation that has a webhook URL when the event happens
 * (store/sites.h org_contact) — an organisation without one would never be
 * sent its rows, and a webhook set later starts with the events after it.
 * Both are written by the booking transition's `notify` step, in the same
 * transaction as the change of state. */
#ifndef KOUAN_STORE_NOTIFICATIONS_H
#define KOUAN_STORE_NOTIFICATIONS_H

#include <jansson.h>
#include <stdint.h>

#include "store/bookings.h"
#include "store/sites.h"
#include "store/store.h"

#define NOTIFICATIONS_PAGE_MAX 100	/* notifications one answer lists at most */
#define OUTBOX_BATCH_MAX 50		/* rows a sender takes at a time */
#define OUTBOX_ERROR_MAX 200		/* bytes of the last error kept */

struct conn;
/* The transition step: approve, reject, cancel by someone outside the
 * booking's organisation, a commodity booking released at submit, passed. */
enum kerr store_notify_step(const struct conn *c, struct booking_transition *t) KOUAN_MUST_USE;

/* The newest notifications of org_id (before id `before`, 0: from the newest)
 * as a new JSON array of {"id","booking_id","event","reason","created_at","read"},
 * and the unread count. */
enum kerr store_notifications_list(struct store *st, int64_t org_id, int64_t before, int limit, json_t **items,
	int64_t *unread) KOUAN_MUST_USE;
/* Mark one (id != 0) or every notification of org_id read. K_NOT_FOUND for an id not its own. */
enum kerr store_notifications_read(struct store *st, int64_t org_id, int64_t id, int64_t now) KOUAN_MUST_USE;

/* The outbox row of an event of org_id, in c's transaction: written only
 * when the organisation has a webhook URL. */
enum kerr store_outbox_add(const struct conn *c, int64_t org_id, const char *event, const char *payload, int64_t now)
	KOUAN_MUST_USE;

/* One row of the outbox waiting to be sent to its organisation's webhook. */
struct outbox_row {
	int64_t id;
	int64_t org_id;
	char webhook_url[STORE_URL_MAX];
	char *payload;		/* owned: free() */
};
/* Pending rows whose organisation has a webhook, oldest first; free each
 * payload and *out. */
enum kerr store_outbox_pending(struct store *st, int max_attempts, struct outbox_row **out, size_t *n) KOUAN_MUST_USE;
/* Record a delivery (ok) or a failed attempt with its error. */
enum kerr store_outbox_done(struct store *st, int64_t id, int ok, const char *error, int64_t now) KOUAN_MUST_USE;

#endif
