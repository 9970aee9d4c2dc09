/* The gate (卡口): passages of plates (heavy trucks, trailers aside) and VINs
 * (commodity vehicles), one per unit of a booking, and the log of every scan
 * (migration 5). */
#ifndef KOUAN_STORE_GATE_H
#define KOUAN_STORE_GATE_H

#include <jansson.h>
#include <stdint.h>

#include "release/release.h"
#include "store/bookings.h"
#include "store/store.h"

#define GATE_NAME_MAX 64	/* bytes of a gate's name */
#define GATE_UNIT_MAX 64	/* bytes of a plate or VIN */

struct gate_scan_log {
	int64_t booking_id;	/* 0 when the code named none we know */
	const char *unit, *gate, *result, *reason;
	int64_t user_id;
	int repeat;
	int64_t at;
};

/* One scan, one transaction (store_gate_scan): read the booking the code
 * names, let the caller judge it, record the unit's passage, mark the booking
 * passed when it was the last unit, log the scan, and read what the answer
 * shows. */
struct gate_scan_job {
	/* When set, a well-formed code to look up first in the transaction
	 * (store_release_issued_on): one the server issued sets *verdict
	 * (revoked, out of its window or valid) and booking_id, and the scan goes
	 * on; for any other, not_issued is set and nothing is written, for the
	 * caller's whole check (store_release_verify) outside the writer. */
	const struct release_token *code;
	enum release_reason *verdict;
	int not_issued;
	int64_t booking_id;		/* the booking the code names; 0: none to read */
	const char *gate;
	int64_t user_id, at;
	/* Called once the booking is read (doc NULL when it is not there): sets
	 * log.unit, log.result, log.reason and units, and returns 1 to record
	 * log.unit's passage. */
	int (*judge)(struct gate_scan_job *j);
	/* Called after that, log.repeat set: may change log.result and log.reason. */
	void (*settle)(struct gate_scan_job *j);
	void *arg;			/* the caller's */
	size_t units;			/* the booking's units: when that many passed, it is passed */
	struct gate_scan_log log;
	/* the answer's: the booking (doc NULL when none; the caller frees doc and
	 * passed), its state after the scan, its passages and its site's name */
	struct booking_meta meta;
	json_t *doc, *passed;
	enum booking_state state;
	char site_name[STORE_NAME_MAX];
};
enum kerr store_gate_scan(struct store *st, struct gate_scan_job *j) KOUAN_MUST_USE;

/* Units of the booking that passed, as a new array of {"unit","gate","at"}. */
enum kerr store_gate_passages(struct store *st, int64_t booking_id, json_t **out) KOUAN_MUST_USE;

#endif
