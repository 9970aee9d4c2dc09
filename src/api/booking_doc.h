/* The booking document's keys (the API's JSON shape of a booking) shared by
 * the booking handlers and their checks. */
#ifndef KOUAN_API_BOOKING_DOC_H
#define KOUAN_API_BOOKING_DOC_H

#include <jansson.h>

#include "api/api.h"
#include "store/bookings.h"

/* The recognised fields a booking carries, under their schema names. */
enum field_type { FT_TEXT, FT_NUMBER, FT_INTEGER, FT_TEXT_LIST, FT_OBJECT, FT_LIST /* of texts or small objects */ };
struct recognised_field {
	const char *key;
	enum field_type type;
};
extern const struct recognised_field booking_recognised[];
extern const size_t booking_recognised_count;

/* What the caller may see (bookings of its organisation, of its site, all). */
struct booking_scope booking_scope_of(const struct caller *who);

/* Editing (PATCH /bookings/{id}, a JSON Merge Patch of the writable keys).
 * booking_patch_check: every key of the patch writable and of the right form,
 * choices from the bureau's lists and sites that exist (read from the store);
 * fields gets one {"field","code","message"} per problem.
 * booking_patch_apply: RFC 7396 on a checked patch; null removes (a list
 * becomes empty); plates, VINs and the declaration number kept normalised.
 * booking_recompute_declared: doc's "declared", the declaration's own value
 * of every recognised field the user changed. */
void booking_patch_check(struct api_ctx *c, json_t *patch, json_t *fields);
void booking_patch_apply(json_t *doc, json_t *patch);
void booking_recompute_declared(json_t *doc, json_t *rec);

/* checks: a new array of {"field","code","level","message"...}; errors gets
 * {"field","code","message"} of every check at level error (may be NULL).
 * rec is the declaration's recognition (NULL: entered by hand). With
 * holding, the declaration number and VINs held by other bookings are
 * looked up too. */
enum kerr booking_run_checks(struct api_ctx *c, const struct booking_meta *m, json_t *doc, json_t *rec, int holding,
	json_t **checks, json_t *errors) KOUAN_MUST_USE;

#endif
