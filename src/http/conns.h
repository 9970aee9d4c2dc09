/* The connection table (internal to src/http): every open client connection
 * by its descriptor, with its peer address and its deadline, and the number of
 * connections per address.
 *
 * The acceptor adds a connection before handing it to libmicrohttpd, which
 * refuses it when the server or its address is full; the pool threads move
 * its deadline as its requests go (conns_set_deadline) and remove it when
 * libmicrohttpd says it is closed, before the descriptor is closed. The
 * acceptor calls conns_expire now and then: a connection past its deadline,
 * with nothing received that the server has not read yet (a busy worker is not
 * the client's fault), is shut down (shutdown(2), never close(2): libmicrohttpd then sees the end of
 * the stream and closes it on its own thread). One mutex guards the table. */
#ifndef KOUAN_HTTP_CONNS_H
#define KOUAN_HTTP_CONNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CONNS_ADDR_BYTES 16	/* IPv6, or IPv4 mapped into it */

struct conns;

enum conns_verdict { CONNS_TAKEN, CONNS_FULL, CONNS_ADDR_FULL };

/* A table for descriptors below max_fd, at most max_total connections and
 * max_per_addr from one address (0: no per-address limit). Never NULL. */
struct conns *conns_new(int max_fd, size_t max_total, size_t max_per_addr);
void conns_free(struct conns *t);

/* The 16-byte key of a peer address: IPv4 mapped, IPv6 by its /64 (one
 * client's share); 0 when it is neither. */
int conns_addr_key(const struct sockaddr *sa, unsigned char key[CONNS_ADDR_BYTES]);

/* Record fd from key with its first deadline (monotonic microseconds), unless
 * the server or the address is full. exempt: the address has no per-address
 * limit (the trusted proxy). */
enum conns_verdict conns_add(struct conns *t, int fd, const unsigned char key[CONNS_ADDR_BYTES], int exempt,
	int64_t deadline_us);
/* libmicrohttpd has taken fd: from now on its deadline is enforced (a
 * descriptor it closed without saying so is never shut down). */
void conns_started(struct conns *t, int fd);
/* Forget fd (libmicrohttpd closed it, or never took it). */
void conns_remove(struct conns *t, int fd);
/* A new deadline for fd; 0 means none. */
void conns_set_deadline(struct conns *t, int fd, int64_t deadline_us);
/* Whether fd is between requests (its answer sent, no next head yet).
 * Lock-free, as conns_set_deadline. A new connection is neither: it is
 * fresh until its first head arrives. */
void conns_set_between(struct conns *t, int fd, int between);
/* Shut down every connection between requests with nothing of a next one
 * received (a server stopping: a keep-alive connection left open would be
 * closed later under a request its client has just sent); returns how many.
 * A fresh connection is left to bring its first request (a proxy opens one
 * to send a request at once: shut down as the request is under way, a POST
 * would end as 502), or to miss its head's deadline (conns_expire). */
size_t conns_close_between(struct conns *t);
/* Shut down every connection whose deadline is before now; returns how many. */
size_t conns_expire(struct conns *t, int64_t now_us);

size_t conns_open(struct conns *t);	/* connections open now */
/* Connections refused so far: because the server was full, because their address was. */
void conns_refused(struct conns *t, uint64_t *full, uint64_t *addr_full);
uint64_t conns_expired_total(struct conns *t);

#endif
