/* booking_cache.h: a fixed table of slots, one booking each (chosen by its
 * id), under striped locks; a newer answer replaces the one in its slot. */
#include "api/booking_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"	/* xmalloc, xcalloc */

#define LOCK_STRIPES 64		/* slots sharing a lock: SLOTS / STRIPES */
_Static_assert(BOOKING_CACHE_SLOTS % LOCK_STRIPES == 0, "every stripe guards as many slots");

struct slot {
	int64_t id;		/* 0: empty */
	struct booking_stamp stamp;
	char *text;
	size_t len;
};

struct booking_cache {
	pthread_mutex_t lock[LOCK_STRIPES];
	struct slot slot[BOOKING_CACHE_SLOTS];
};

struct booking_cache *booking_cache_new(void)
{
	struct booking_cache *bc = xcalloc(1, sizeof *bc);
	for (int i = 0; i < LOCK_STRIPES; i++)
		pthread_mutex_init(&bc->lock[i], NULL);
	return bc;
}

void booking_cache_free(struct booking_cache *bc)
{
	if (bc == NULL)
		return;
	for (int i = 0; i < BOOKING_CACHE_SLOTS; i++)
		free(bc->slot[i].text);
	for (int i = 0; i < LOCK_STRIPES; i++)
		pthread_mutex_destroy(&bc->lock[i]);
	free(bc);
}

static size_t slot_of(int64_t id)
{
	return (size_t)((uint64_t)id % BOOKING_CACHE_SLOTS);
}

static pthread_mutex_t *lock_of(struct booking_cache *bc, size_t slot)
{
	return &bc->lock[slot % LOCK_STRIPES];
}

static int same_stamp(const struct booking_stamp *a, const struct booking_stamp *b)
{
	return a->version == b->version && a->last_attachment_id == b->last_attachment_id;
}

size_t booking_cache_copy(struct booking_cache *bc, int64_t id, const struct booking_stamp *stamp, char *buf,
	size_t cap)
{
	if (bc == NULL || id <= 0)
		return 0;
	size_t i = slot_of(id), n = 0;
	pthread_mutex_lock(lock_of(bc, i));
	const struct slot *s = &bc->slot[i];
	if (s->id == id && same_stamp(&s->stamp, stamp) && s->len <= cap) {
		memcpy(buf, s->text, s->len);
		n = s->len;
	}
	pthread_mutex_unlock(lock_of(bc, i));
	return n;
}

void booking_cache_put(struct booking_cache *bc, int64_t id, const struct booking_stamp *stamp, const char *text,
	size_t len)
{
	if (bc == NULL || id <= 0 || len == 0 || len > BOOKING_CACHE_TEXT_MAX)
		return;
	char *copy = xmalloc(len);
	memcpy(copy, text, len);
	size_t i = slot_of(id);
	pthread_mutex_lock(lock_of(bc, i));
	struct slot *s = &bc->slot[i];
	char *old = s->text;
	*s = (struct slot){id, *stamp, copy, len};
	pthread_mutex_unlock(lock_of(bc, i));
	free(old);
}
