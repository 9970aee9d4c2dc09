/* The connection table (src/http/conns.c): which connections a stopping
 * server shuts down between requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/conns.h"

#define TABLE_FDS 4096
#define TABLE_MAX 16
#define PAST_US 1	/* a deadline long gone */

/* A connection taken from a proxy is left to bring its first request (a
 * POST shut down under way would end as 502 at the proxy); once answered,
 * with nothing of a next request, it is shut down, once; one under a
 * request never is. A fresh one that misses its head's deadline is. */
static void stop_spares_fresh_connections(void **state)
{
	(void)state;
	int a[2], b[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	struct conns *t = conns_new(TABLE_FDS, TABLE_MAX, 0);
	unsigned char key[CONNS_ADDR_BYTES];
	memset(key, 0, sizeof key);
	assert_int_equal(conns_add(t, a[0], key, 1, 0), CONNS_TAKEN);
	conns_started(t, a[0]);
	assert_int_equal(conns_close_between(t), 0);	/* fresh */
	conns_set_between(t, a[0], 0);
	assert_int_equal(conns_close_between(t), 0);	/* a request under way */
	conns_set_between(t, a[0], 1);
	assert_int_equal(conns_close_between(t), 1);	/* answered */
	assert_int_equal(conns_close_between(t), 0);	/* shut down once */
	assert_int_equal(conns_add(t, b[0], key, 1, PAST_US), CONNS_TAKEN);
	conns_started(t, b[0]);
	assert_int_equal(conns_close_between(t), 0);
	assert_int_equal(conns_expire(t, PAST_US + 1), 1);	/* fresh, its head late */
	conns_remove(t, a[0]);
	conns_remove(t, b[0]);
	conns_free(t);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stop_spares_fresh_connections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
