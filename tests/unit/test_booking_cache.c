/* api/booking_cache.c: an answer is given back only for its booking at its
 * stamp, a newer one replaces it, and what does not fit is not kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "api/booking_cache.h"

#define DOC "{\"id\":7,\"version\":3}"

static size_t copy(struct booking_cache *bc, int64_t id, int64_t version, int64_t attachment, char *buf, size_t cap)
{
	struct booking_stamp at = {version, attachment};
	return booking_cache_copy(bc, id, &at, buf, cap);
}

static void put(struct booking_cache *bc, int64_t id, int64_t version, int64_t attachment, const char *text)
{
	struct booking_stamp at = {version, attachment};
	booking_cache_put(bc, id, &at, text, strlen(text));
}

static void by_booking_and_stamp(void **state)
{
	struct booking_cache *bc = booking_cache_new();
	char buf[BOOKING_CACHE_TEXT_MAX];
	assert_int_equal(copy(bc, 7, 3, 0, buf, sizeof buf), 0);	/* nothing kept yet */
	put(bc, 7, 3, 0, DOC);
	assert_int_equal(copy(bc, 7, 3, 0, buf, sizeof buf), strlen(DOC));
	assert_memory_equal(buf, DOC, strlen(DOC));
	/* another version, another attachment, another booking: nothing */
	assert_int_equal(copy(bc, 7, 4, 0, buf, sizeof buf), 0);
	assert_int_equal(copy(bc, 7, 2, 0, buf, sizeof buf), 0);
	assert_int_equal(copy(bc, 7, 3, 9, buf, sizeof buf), 0);
	assert_int_equal(copy(bc, 8, 3, 0, buf, sizeof buf), 0);
	assert_int_equal(copy(bc, 7 + BOOKING_CACHE_SLOTS, 3, 0, buf, sizeof buf), 0);	/* its slot, not its id */
	assert_int_equal(copy(bc, 0, 3, 0, buf, sizeof buf), 0);
	/* a buffer too small gets nothing rather than a part */
	assert_int_equal(copy(bc, 7, 3, 0, buf, strlen(DOC) - 1), 0);
	booking_cache_free(bc);
}

static void newer_replaces(void **state)
{
	struct booking_cache *bc = booking_cache_new();
	char buf[BOOKING_CACHE_TEXT_MAX];
	put(bc, 7, 3, 0, DOC);
	put(bc, 7, 4, 0, "{\"v\":4}");
	assert_int_equal(copy(bc, 7, 3, 0, buf, sizeof buf), 0);
	assert_int_equal(copy(bc, 7, 4, 0, buf, sizeof buf), 7);
	/* a booking sharing the slot takes it over */
	put(bc, 7 + BOOKING_CACHE_SLOTS, 1, 0, "{}");
	assert_int_equal(copy(bc, 7, 4, 0, buf, sizeof buf), 0);
	assert_int_equal(copy(bc, 7 + BOOKING_CACHE_SLOTS, 1, 0, buf, sizeof buf), 2);
	booking_cache_free(bc);
}

static void too_large_or_no_cache(void **state)
{
	struct booking_cache *bc = booking_cache_new();
	static char big[BOOKING_CACHE_TEXT_MAX + 2], buf[BOOKING_CACHE_TEXT_MAX];
	memset(big, 'x', sizeof big - 1);
	put(bc, 5, 1, 0, big);
	assert_int_equal(copy(bc, 5, 1, 0, buf, sizeof buf), 0);
	big[BOOKING_CACHE_TEXT_MAX] = '\0';	/* exactly the limit: kept */
	put(bc, 5, 1, 0, big);
	assert_int_equal(copy(bc, 5, 1, 0, buf, sizeof buf), BOOKING_CACHE_TEXT_MAX);
	put(bc, 6, 1, 0, "");	/* nothing to keep */
	assert_int_equal(copy(bc, 6, 1, 0, buf, sizeof buf), 0);
	booking_cache_free(bc);
	/* no cache: keeps nothing, gives nothing */
	put(NULL, 5, 1, 0, DOC);
	assert_int_equal(copy(NULL, 5, 1, 0, buf, sizeof buf), 0);
	booking_cache_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_booking_and_stamp),
		cmocka_unit_test(newer_replaces),
		cmocka_unit_test(too_large_or_no_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
