/* Hostile clients against the connection layer (issue 9, items 1 and 2):
 * the wedge (oversized chunked bodies, then more than a thousand slow
 * connections), slow heads whose bytes do not extend their deadline, the
 * per-address limit, and a normal client served throughout 2,000 slow
 * connections from one address and from 50, and served while 500 clients
 * trickle heads and bodies byte by byte (issue 14, item 5). HTTP only: run
 * on SQLite. */
#define _GNU_SOURCE	/* strcasestr in rawsock.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "rawsock.h"

#define WEDGE_SLOW 1100		/* beyond libmicrohttpd's default limit of 1020 */
#define SLOW_CONNECTIONS 2000
#define SLOW_ADDRESSES 50
#define PER_ADDR_DEFAULT 256
#define OVERSIZED_CHUNK 0x100001	/* one byte over the 1 MiB body limit */
#define CHUNKED_SENDERS 4
#define NORMAL_CLIENT "127.0.0.200"
#define LIVEZ "GET /livez HTTP/1.1\r\nHost: kouan\r\n\r\n"
#define SLOW_HEAD "GET /livez HTTP/1.1\r\nHost: kouan\r\n"
#define BYTE_CLIENTS 500	/* issue 14 item 5: slow clients trickling byte by byte */
#define BYTE_ROUNDS 5		/* bytes each of them sends, a normal client served after each */
#define SLOW_BODY_LEN 100	/* the Content-Length they announce and never complete */

static struct it_server srv;

/* A test that failed half-way leaves no server behind. */
static int stop_if_running(void **state)
{
	if (srv.pid > 0)
		(void)it_stop(&srv);
	return 0;
}

static int skip_on_pg(void)
{
	const char *k = getenv("KOUAN_TEST_DB");
	return k && strcmp(k, "pg") == 0;	/* nothing here touches the database */
}

static void start(struct it_server *s, const char *const *extra)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(it_start(s, extra), 0);
}

/* Wait until /metrics shows the open connections in [lo, hi]. */
static void wait_open(struct it_server *s, long long lo, long long hi)
{
	long long v = -1;
	for (int i = 0; i < RAW_WAIT_ROUNDS; i++) {
		v = raw_metric(s, "kouan_http_connections");
		if (v >= lo && v <= hi)
			return;
		struct pollfd none;
		(void)poll(&none, 0, RAW_POLL_MS);
	}
	fail_msg("open connections %lld, wanted %lld..%lld", v, lo, hi);
}

/* A normal client from its own address gets its answer. */
static void normal_client_served(struct it_server *s)
{
	char answer[4096];
	assert_int_equal(raw_request(s, NORMAL_CLIENT, LIVEZ, answer, sizeof answer), 200);
}

/* n connections from src ("127.0.0.N"; NULL cycles over SLOW_ADDRESSES), each
 * with half a request head. Connections the server refused stay in the array
 * (closed by the peer); returns how many were made. */
static int open_slow(struct it_server *s, int *fds, int n, const char *src)
{
	int made = 0;
	for (int i = 0; i < n; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "127.0.0.%d", 10 + i % SLOW_ADDRESSES);
		fds[i] = raw_connect(s, src ? src : addr);
		if (fds[i] < 0)
			break;
		(void)raw_sends(fds[i], SLOW_HEAD);
		made++;
	}
	return made;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* One more header line on every connection (a slowloris client's trickle). */
static void trickle(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			(void)raw_sends(fds[i], "X-Slow: 1\r\n");
}

/* A chunked login with one chunk over the body limit gets its 413 at once. */
static void oversized_chunk(struct it_server *s)
{
	static char chunk[OVERSIZED_CHUNK];
	memset(chunk, 'a', sizeof chunk);
	int fd = raw_connect(s, NULL);
	assert_true(fd >= 0);
	char head[256];
	snprintf(head, sizeof head, "POST /api/v1/session HTTP/1.1\r\nHost: kouan\r\nContent-Type: application/json\r\n"
		"Transfer-Encoding: chunked\r\n\r\n%x\r\n", OVERSIZED_CHUNK);
	assert_int_equal(raw_sends(fd, head), 0);
	(void)raw_send(fd, chunk, sizeof chunk);	/* the server stops reading at the limit */
	char answer[4096];
	assert_true(raw_read_all(fd, answer, sizeof answer) > 0);
	assert_int_equal(raw_status(answer), 413);
	assert_non_null(strstr(answer, "payload_too_large"));
	close(fd);
}

/* Issue 9 item 1, as reported: oversized chunked bodies, then 1,100 slow
 * connections; every one must be served or closed, the server must answer
 * afterwards and stop on SIGTERM. */
static void wedge(void **state)
{
	if (skip_on_pg())
		skip();
	assert_true(raw_raise_fd_limit() > WEDGE_SLOW + 100);
	static const char *const extra[] = {"--max-conn-per-addr", "0", "--head-timeout", "600", NULL};
	start(&srv, extra);
	for (int i = 0; i < CHUNKED_SENDERS; i++)
		oversized_chunk(&srv);
	static int fds[WEDGE_SLOW];
	assert_int_equal(open_slow(&srv, fds, WEDGE_SLOW, NULL), WEDGE_SLOW);
	wait_open(&srv, WEDGE_SLOW + 1, WEDGE_SLOW + 1);	/* + the /metrics request itself */
	normal_client_served(&srv);
	trickle(fds, WEDGE_SLOW);
	normal_client_served(&srv);
	close_all(fds, WEDGE_SLOW);
	wait_open(&srv, 1, 1);	/* every closed connection closed by the server too: no CLOSE-WAIT */
	normal_client_served(&srv);
	assert_int_equal(it_stop(&srv), 0);
	it_cleanup(&srv);
}

/* A head whose bytes keep coming is still cut at its deadline. */
static void head_deadline(void **state)
{
	if (skip_on_pg())
		skip();
	static const char *const extra[] = {"--head-timeout", "1", NULL};
	start(&srv, extra);
	int fd = raw_connect(&srv, NULL);
	assert_true(fd >= 0);
	assert_int_equal(raw_sends(fd, SLOW_HEAD), 0);
	int closed = 0;
	for (int i = 0; i < RAW_WAIT_ROUNDS && !closed; i++) {
		closed = raw_closed(fd);	/* looks for up to RAW_POLL_MS: the trickle's pace */
		if (!closed && raw_sends(fd, "X-Slow: 1\r\n") != 0)
			closed = 1;
	}
	assert_true(closed);
	close(fd);
	assert_true(raw_metric(&srv, "kouan_http_connections_timed_out_total") >= 1);
	assert_int_equal(it_stop(&srv), 0);
	it_cleanup(&srv);
}

/* 2,000 slow connections from one address: it keeps PER_ADDR_DEFAULT of them,
 * the rest are closed at once, and another client is served throughout. */
static void slow_one_address(void **state)
{
	if (skip_on_pg())
		skip();
	assert_true(raw_raise_fd_limit() > SLOW_CONNECTIONS + 100);
	static const char *const extra[] = {"--head-timeout", "600", NULL};
	start(&srv, extra);
	static int fds[SLOW_CONNECTIONS];
	assert_int_equal(open_slow(&srv, fds, SLOW_CONNECTIONS, "127.0.0.9"), SLOW_CONNECTIONS);
	normal_client_served(&srv);
	wait_open(&srv, PER_ADDR_DEFAULT + 1, PER_ADDR_DEFAULT + 1);
	assert_int_equal(raw_metric(&srv, "kouan_http_connections_refused_total{reason=\"address_full\"}"),
		SLOW_CONNECTIONS - PER_ADDR_DEFAULT);
	trickle(fds, SLOW_CONNECTIONS);
	normal_client_served(&srv);
	close_all(fds, SLOW_CONNECTIONS);
	wait_open(&srv, 1, 1);
	assert_int_equal(it_stop(&srv), 0);
	it_cleanup(&srv);
}

/* 2,000 slow connections from 50 addresses (40 each, under the per-address
 * limit): all held until their head deadline, another client served throughout. */
static void slow_many_addresses(void **state)
{
	if (skip_on_pg())
		skip();
	assert_true(raw_raise_fd_limit() > SLOW_CONNECTIONS + 100);
	static const char *const extra[] = {"--head-timeout", "3", NULL};
	start(&srv, extra);
	static int fds[SLOW_CONNECTIONS];
	assert_int_equal(open_slow(&srv, fds, SLOW_CONNECTIONS, NULL), SLOW_CONNECTIONS);
	normal_client_served(&srv);
	trickle(fds, SLOW_CONNECTIONS);
	normal_client_served(&srv);
	/* their deadline passes however they trickle: the server closes them all */
	wait_open(&srv, 1, 1);
	assert_true(raw_metric(&srv, "kouan_http_connections_timed_out_total") >= SLOW_CONNECTIONS);
	normal_client_served(&srv);
	close_all(fds, SLOW_CONNECTIONS);
	assert_int_equal(it_stop(&srv), 0);
	it_cleanup(&srv);
}

/* A login that gets its answer: a normal client whose body is read (a name
 * of its own each time, so that the login throttle never steps in). */
static void normal_post_served(struct it_server *s)
{
	static int seq;
	char body[128], req[512], answer[4096];
	snprintf(body, sizeof body, "{\"username\":\"nobody_%d\",\"password\":\"wrong password\"}", seq++);
	snprintf(req, sizeof req, "POST /api/v1/session HTTP/1.1\r\nHost: kouan\r\nConnection: close\r\n"
		"Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
	assert_int_equal(raw_request(s, NORMAL_CLIENT, req, answer, sizeof answer), 401);
}

/* Issue 14 item 5: 500 clients trickling one byte at a time, half of them
 * in a request head, half in a body; after every byte a normal GET and a
 * normal POST are served; the deadlines then close them all. */
static void slow_bytes(void **state)
{
	if (skip_on_pg())
		skip();
	assert_true(raw_raise_fd_limit() > BYTE_CLIENTS + 100);
	static const char *const extra[] = {"--head-timeout", "3", "--body-timeout", "3", NULL};
	start(&srv, extra);
	static int fds[BYTE_CLIENTS];
	char head[256];
	snprintf(head, sizeof head, "POST /api/v1/session HTTP/1.1\r\nHost: kouan\r\nContent-Type: application/json\r\n"
		"Content-Length: %d\r\n\r\n", SLOW_BODY_LEN);
	for (int i = 0; i < BYTE_CLIENTS; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "127.0.0.%d", 10 + i % SLOW_ADDRESSES);
		fds[i] = raw_connect(&srv, addr);
		assert_true(fds[i] >= 0);
		(void)raw_sends(fds[i], i % 2 ? head : "G");
	}
	normal_client_served(&srv);
	normal_post_served(&srv);
	static const char head_bytes[] = "ET /livez HTTP/1.1\r\nHost: kouan\r\nX-Slow: abc";
	for (int round = 0; round < BYTE_ROUNDS; round++) {
		for (int i = 0; i < BYTE_CLIENTS; i++)	/* one byte each; a closed one stays closed */
			(void)raw_send(fds[i], i % 2 ? "{" : &head_bytes[round], 1);
		normal_client_served(&srv);
		normal_post_served(&srv);
	}
	wait_open(&srv, 1, 1);	/* the deadlines pass however they trickle */
	assert_true(raw_metric(&srv, "kouan_http_connections_timed_out_total") >= BYTE_CLIENTS);
	normal_client_served(&srv);
	close_all(fds, BYTE_CLIENTS);
	assert_int_equal(it_stop(&srv), 0);
	it_cleanup(&srv);
}

/* The trusted proxy carries many clients: it has no per-address limit. */
static void proxy_exempt(void **state)
{
	if (skip_on_pg())
		skip();
	enum { LIMIT = 4, OPENED = 12 };
	static const char *const extra[] = {"--max-conn-per-addr", "4", "--trusted-proxy", "127.0.0.7", "--head-timeout",
		"600", NULL};
	start(&srv, extra);
	int proxy[OPENED], other[OPENED];
	assert_int_equal(open_slow(&srv, proxy, OPENED, "127.0.0.7"), OPENED);
	assert_int_equal(open_slow(&srv, other, OPENED, "127.0.0.8"), OPENED);
	wait_open(&srv, OPENED + LIMIT + 1, OPENED + LIMIT + 1);
	normal_client_served(&srv);
	close_all(proxy, OPENED);
	close_all(other, OPENED);
	assert_int_equal(it_stop(&srv), 0);
	it_cleanup(&srv);
}

/* SIGTERM with requests stuck half-way (heads and bodies that never end): the
 * process still stops, within its grace, with status 0. */
static void stop_with_stuck_requests(void **state)
{
	if (skip_on_pg())
		skip();
	enum { HEADS = 50, BODIES = 5 };
	static const char *const extra[] = {"--grace", "500", "--head-timeout", "600", "--body-timeout", "600", NULL};
	start(&srv, extra);
	int heads[HEADS], bodies[BODIES];
	assert_int_equal(open_slow(&srv, heads, HEADS, NULL), HEADS);
	for (int i = 0; i < BODIES; i++) {
		bodies[i] = raw_connect(&srv, NULL);
		assert_true(bodies[i] >= 0);
		assert_int_equal(raw_sends(bodies[i], "POST /api/v1/session HTTP/1.1\r\nHost: kouan\r\n"
			"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":"), 0);
	}
	wait_open(&srv, HEADS + BODIES + 1, HEADS + BODIES + 1);
	assert_int_equal(it_stop(&srv), 0);
	close_all(heads, HEADS);
	close_all(bodies, BODIES);
	it_cleanup(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(wedge, stop_if_running),
		cmocka_unit_test_teardown(head_deadline, stop_if_running),
		cmocka_unit_test_teardown(slow_one_address, stop_if_running),
		cmocka_unit_test_teardown(slow_many_addresses, stop_if_running),
		cmocka_unit_test_teardown(slow_bytes, stop_if_running),
		cmocka_unit_test_teardown(proxy_exempt, stop_if_running),
		cmocka_unit_test_teardown(stop_with_stuck_requests, stop_if_running),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
