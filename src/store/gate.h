/* The gate (卡口): passages of plates (heavy trucks, trailers aside) and VINs
 * (commodity vehicles), one per unit of a booking, and the log of every scan
 * (migration 5). */
#ifndef KOUAN_STORE_GATE_H
#define KOUAN_STORE_GATE_H

#include <jansson.h>
#include <stdint.h>

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

/* Record unit's passage; *repeat = 1 (and nothing written) when it passed before. */
enum kerr store_gate_pass(struct store *st, int64_t booking_id, const char *unit, const char *gate, int64_t user_id,
	int64_t at, int *repeat) KOUAN_MUST_USE;
/* Units of the booking that passed, as a new array of {"unit","gate","at"}. */
enum kerr store_gate_passages(struct store *st, int64_t booking_id, json_t **out) KOUAN_MUST_USE;
enum kerr store_gate_log(struct store *st, const struct gate_scan_log *s) KOUAN_MUST_USE;

#endif
