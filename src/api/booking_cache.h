/* The answers of GET /api/v1/bookings/{id}, kept in memory by booking and
 * stamp (store/bookings.h: struct booking_stamp).
 *
 * An answer is given again only after the database, asked at this request,
 * gives the same stamp it was made at: a change on this server or on any
 * other sharing the database raises the stamp first, so no answer is ever
 * older than the database. The document is the same for everyone who may
 * see the booking (no language, role or organisation in it), so the key is
 * the booking alone; who may see it is decided at every request from the
 * same statement that reads the stamp. */
#ifndef KOUAN_API_BOOKING_CACHE_H
#define KOUAN_API_BOOKING_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "store/bookings.h"

/* Answers larger than this are not kept (a booking with hundreds of
 * vehicles): it is what a caller's buffer for booking_cache_copy needs. */
#define BOOKING_CACHE_TEXT_MAX (16 * 1024)
/* Bookings kept at once (one slot each, by id): at most this many times
 * BOOKING_CACHE_TEXT_MAX bytes. */
#define BOOKING_CACHE_SLOTS 1024

struct booking_cache;

/* A new, empty cache (booking_cache_free); NULL is a cache that keeps nothing. */
struct booking_cache *booking_cache_new(void);
void booking_cache_free(struct booking_cache *bc);

/* Copy the answer kept for booking id at stamp into buf (cap bytes); its
 * length, or 0 when none is kept at that stamp or it does not fit. */
size_t booking_cache_copy(struct booking_cache *bc, int64_t id, const struct booking_stamp *stamp, char *buf,
	size_t cap);

/* Keep text (len bytes, copied) as booking id's answer at stamp, in place of
 * whatever its slot held; longer than BOOKING_CACHE_TEXT_MAX: not kept. */
void booking_cache_put(struct booking_cache *bc, int64_t id, const struct booking_stamp *stamp, const char *text,
	size_t len);

#endif
