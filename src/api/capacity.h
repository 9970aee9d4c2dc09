/* Capacity as the API shows it, shared by the capacity handlers and the
 * booking handlers that take capacity at submit. */
#ifndef KOUAN_API_CAPACITY_H
#define KOUAN_API_CAPACITY_H

#include <jansson.h>
#include <stdint.h>

#include "store/capacity.h"

/* {"date","open","closed","explicit","capacity","taken","free","slots":[{"slot","capacity","taken","free","open"}]} */
json_t *capacity_day_json(const struct capacity_day *d);

struct api_ctx;

#define CAPACITY_RETRY_AFTER_S "1"	/* seconds a refused submit waits for others in flight to end */

/* Field errors for a booking document's crossing_date and slot (submit's
 * validation, before the holding checks): missing, malformed, or no slot on
 * a day split into slots. */
void capacity_check_fields(struct api_ctx *c, json_t *doc, json_t *fields);
/* A day's layout in a body, {"open"?: bool, "capacity": n, "slots"?:
 * [{"slot", "capacity"}]} -> out (slots in order), the problems appended to
 * fields under prefix (PUT /capacity/{date}, the defaults' weekdays). */
void capacity_layout_read(struct api_ctx *c, json_t *obj, const char *prefix, json_t *fields,
	struct capacity_layout *out);
/* Answer e if the capacity step refused a change of state or a move:
 * 422 naming crossing_date or slot, 409 capacity_full with "nearest_dates",
 * 429 rate_limited with Retry-After. Returns 1 when it answered; 0 leaves
 * the answer to the caller (e is no capacity refusal). date: the date asked
 * for, or NULL for the booking's own. */
int capacity_answer(struct api_ctx *c, enum kerr e, int problem, int64_t booking_id, const char *date);
/* Around a submit: count it in flight for org_id when the bureau set a
 * limit; *over when the organisation already has that many (set the
 * transition's over_inflight). Every call is paired with
 * capacity_submit_leave(entered). */
enum kerr capacity_submit_enter(struct api_ctx *c, int64_t org_id, int *entered, int *over) KOUAN_MUST_USE;
void capacity_submit_leave(struct api_ctx *c, int64_t org_id, int entered);

#endif
