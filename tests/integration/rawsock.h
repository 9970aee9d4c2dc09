/* Raw sockets for the hostile-client tests (it_hostile_*.c): requests that
 * libcurl would not send, from chosen 127.0.0.x addresses, many at once.
 * Header-only: each test includes it. Reads are bounded by RAW_READ_LIMIT_S
 * so that a server that never answers fails the test instead of hanging it;
 * nothing here waits on the clock to synchronise. */
#ifndef KOUAN_TESTS_RAWSOCK_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strcasestr */
#endif
#define KOUAN_TESTS_RAWSOCK_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define RAW_READ_LIMIT_S 30	/* a failing server, not a pace */
#define RAW_POLL_MS 100		/* one look at a condition */
#define RAW_WAIT_ROUNDS 600	/* looks before a condition is given up (a minute) */

static inline int raw_port(const struct it_server *s)
{
	const char *colon = strrchr(s->base, ':');
	return colon ? (int)strtol(colon + 1, NULL, 10) : -1;
}

/* Raise this process's descriptor limit to the hard limit; returns the soft limit now. */
static inline long raw_raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	(void)getrlimit(RLIMIT_NOFILE, &rl);
	return rl.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)rl.rlim_cur;
}

/* A connection to the server from source address src ("127.0.0.N", or NULL). */
static inline int raw_connect(const struct it_server *s, const char *src)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (src) {
		struct sockaddr_in from = {.sin_family = AF_INET};
		inet_pton(AF_INET, src, &from.sin_addr);
		if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0) {
			close(fd);
			return -1;
		}
	}
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)raw_port(s))};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
		close(fd);
		return -1;
	}
	struct timeval tv = {RAW_READ_LIMIT_S, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Send all of len bytes; 0, or -1 when the server has closed. */
static inline int raw_send(int fd, const void *p, size_t len)
{
	const char *c = p;
	while (len > 0) {
		ssize_t n = send(fd, c, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static inline int raw_sends(int fd, const char *s)
{
	return raw_send(fd, s, strlen(s));
}

/* Read until the server closes (or RAW_READ_LIMIT_S passes); returns the bytes read. */
static inline size_t raw_read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	for (;;) {
		ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got + 1 >= cap)
			break;
	}
	buf[got] = '\0';
	return got;
}

/* Read one answer's head and its Content-Length body (keep-alive); bytes read. */
static inline size_t raw_read_answer(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	for (;;) {
		ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		const char *end = strstr(buf, "\r\n\r\n");
		if (end) {
			const char *cl = strcasestr(buf, "\r\nContent-Length:");
			size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
			if (got >= (size_t)(end + 4 - buf) + body)
				break;
		}
		if (got + 1 >= cap)
			break;
	}
	buf[got] = '\0';
	return got;
}

/* The status of an answer "HTTP/1.1 NNN ...", or -1. */
static inline int raw_status(const char *answer)
{
	if (strncmp(answer, "HTTP/1.", 7) != 0 || strlen(answer) < 12)
		return -1;
	return (int)strtol(answer + 9, NULL, 10);
}

/* 1 when the server has closed fd (EOF or reset), looking once for up to RAW_POLL_MS. */
static inline int raw_closed(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, RAW_POLL_MS) <= 0)
		return 0;
	char c[256];
	ssize_t n = recv(fd, c, sizeof c, MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* One whole request from src on a connection of its own: the answer's status. */
static inline int raw_request(const struct it_server *s, const char *src, const char *request, char *answer, size_t cap)
{
	int fd = raw_connect(s, src);
	if (fd < 0)
		return -1;
	int st = -1;
	if (raw_sends(fd, request) == 0 && raw_read_answer(fd, answer, cap) > 0)
		st = raw_status(answer);
	close(fd);
	return st;
}

/* A metric's value from /metrics (the first sample whose line starts with name), or -1. */
static inline long long raw_metric(struct it_server *s, const char *name)
{
	struct it_resp r;
	long long v = -1;
	if (it_request(s, NULL, "GET", "/metrics", NULL, NULL, NULL, &r) == 0 && r.status == 200 && r.body) {
		size_t nl = strlen(name);
		for (const char *p = r.body; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
			if (strncmp(p, name, nl) == 0 && (p[nl] == ' ' || p[nl] == '{')) {
				const char *sp = strchr(p, ' ');
				v = sp ? strtoll(sp + 1, NULL, 10) : -1;
				break;
			}
		}
	}
	it_resp_free(&r);
	return v;
}

#endif
