/* The connection table (conns.h): a slot per descriptor, a hash of addresses
 * with their connection counts, one mutex. */
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "core/log.h"
#include "http/conns.h"

#define IPV6_PREFIX_BYTES 8	/* IPv6 addresses count per /64 */
#define ADDR_BUCKETS 4096	/* a power of two; chains hold the addresses with connections open */

struct addr_count {
	unsigned char key[CONNS_ADDR_BYTES];
	size_t n;
	struct addr_count *next;
};

#define CONN_FRESH 2	/* slot.between of a connection that has not begun its first request */

struct slot {
	unsigned char used, exempt;
	unsigned char started;	/* libmicrohttpd took it: only then may it be shut down */
	unsigned char key[CONNS_ADDR_BYTES];
	_Atomic int64_t deadline_us;	/* 0: none; set without the lock on the request path */
	atomic_int between;	/* 1: an answer sent, no next request under way; 0: a request under way;
				 * CONN_FRESH: before the first head */
};

struct conns {
	pthread_mutex_t lock;
	struct slot *slots;
	int max_fd, high_fd;	/* high_fd: one past the highest slot in use so far */
	size_t max_total, max_per_addr, open;
	uint64_t refused_full, refused_addr, expired;
	struct addr_count *bucket[ADDR_BUCKETS];
};

struct conns *conns_new(int max_fd, size_t max_total, size_t max_per_addr)
{
	struct conns *t = xcalloc(1, sizeof *t);
	pthread_mutex_init(&t->lock, NULL);
	/* calloc of a large table maps zero pages: only the slots of descriptors
	 * actually used become resident */
	t->slots = xcalloc((unsigned long)max_fd, sizeof *t->slots);
	t->max_fd = max_fd;
	t->max_total = max_total;
	t->max_per_addr = max_per_addr;
	return t;
}

void conns_free(struct conns *t)
{
	if (t == NULL)
		return;
	for (size_t b = 0; b < ADDR_BUCKETS; b++) {
		struct addr_count *a = t->bucket[b];
		while (a) {
			struct addr_count *next = a->next;
			free(a);
			a = next;
		}
	}
	pthread_mutex_destroy(&t->lock);
	free(t->slots);
	free(t);
}

int conns_addr_key(const struct sockaddr *sa, unsigned char key[CONNS_ADDR_BYTES])
{
	static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(key, 0, CONNS_ADDR_BYTES);
	if (sa->sa_family == AF_INET) {
		memcpy(key, v4_prefix, sizeof v4_prefix);
		memcpy(key + sizeof v4_prefix, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 1;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, CONNS_ADDR_BYTES);
		if (memcmp(key, v4_prefix, sizeof v4_prefix) != 0)	/* one IPv6 client holds a whole /64 */
			memset(key + IPV6_PREFIX_BYTES, 0, CONNS_ADDR_BYTES - IPV6_PREFIX_BYTES);
		return 1;
	}
	return 0;
}

static unsigned bucket_of(const unsigned char key[CONNS_ADDR_BYTES])
{
	unsigned h = 2166136261u;	/* FNV-1a */
	for (int i = 0; i < CONNS_ADDR_BYTES; i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (ADDR_BUCKETS - 1);
}

/* The count of key (locked), created at 0 when create is set. */
static struct addr_count *addr_find(struct conns *t, const unsigned char key[CONNS_ADDR_BYTES], int create)
{
	unsigned b = bucket_of(key);
	for (struct addr_count *a = t->bucket[b]; a; a = a->next)
		if (memcmp(a->key, key, CONNS_ADDR_BYTES) == 0)
			return a;
	if (!create)
		return NULL;
	struct addr_count *a = xcalloc(1, sizeof *a);
	memcpy(a->key, key, CONNS_ADDR_BYTES);
	a->next = t->bucket[b];
	t->bucket[b] = a;
	return a;
}

static void addr_release(struct conns *t, const unsigned char key[CONNS_ADDR_BYTES])
{
	unsigned b = bucket_of(key);
	for (struct addr_count **pp = &t->bucket[b]; *pp; pp = &(*pp)->next) {
		struct addr_count *a = *pp;
		if (memcmp(a->key, key, CONNS_ADDR_BYTES) != 0)
			continue;
		if (--a->n == 0) {
			*pp = a->next;
			free(a);
		}
		return;
	}
}

/* Empty slot fd (locked). */
static void slot_clear(struct conns *t, int fd)
{
	struct slot *s = &t->slots[fd];
	if (!s->used)
		return;
	addr_release(t, s->key);
	s->used = s->exempt = s->started = 0;
	memset(s->key, 0, sizeof s->key);
	atomic_store(&s->deadline_us, 0);
	t->open--;
}

enum conns_verdict conns_add(struct conns *t, int fd, const unsigned char key[CONNS_ADDR_BYTES], int exempt,
	int64_t deadline_us)
{
	if (fd < 0 || fd >= t->max_fd)
		return CONNS_FULL;
	enum conns_verdict v = CONNS_TAKEN;
	pthread_mutex_lock(&t->lock);
	/* A descriptor handed out again means its last connection is gone,
	 * whether or not its removal was seen. */
	slot_clear(t, fd);
	struct addr_count *a = addr_find(t, key, 1);
	if (t->open >= t->max_total)
		v = CONNS_FULL;
	else if (!exempt && t->max_per_addr && a->n >= t->max_per_addr)
		v = CONNS_ADDR_FULL;
	if (v == CONNS_TAKEN) {
		struct slot *s = &t->slots[fd];
		s->used = 1;
		s->exempt = (unsigned char)(exempt != 0);
		memcpy(s->key, key, CONNS_ADDR_BYTES);
		atomic_store(&s->deadline_us, deadline_us);
		atomic_store(&s->between, CONN_FRESH);
		a->n++;
		t->open++;
		if (fd >= t->high_fd)
			t->high_fd = fd + 1;
	} else {
		if (a->n == 0) {	/* created just now: drop it again */
			a->n = 1;
			addr_release(t, key);
		}
		if (v == CONNS_FULL)
			t->refused_full++;
		else
			t->refused_addr++;
	}
	pthread_mutex_unlock(&t->lock);
	return v;
}

void conns_remove(struct conns *t, int fd)
{
	if (fd < 0 || fd >= t->max_fd)
		return;
	pthread_mutex_lock(&t->lock);
	slot_clear(t, fd);
	pthread_mutex_unlock(&t->lock);
}

void conns_started(struct conns *t, int fd)
{
	if (fd < 0 || fd >= t->max_fd)
		return;
	pthread_mutex_lock(&t->lock);
	if (t->slots[fd].used)
		t->slots[fd].started = 1;
	pthread_mutex_unlock(&t->lock);
}

/* Lock-free: the slot is this connection's from its add to its removal, and
 * its requests (the only callers) happen in between; conns_expire ignores
 * slots not in use. */
void conns_set_deadline(struct conns *t, int fd, int64_t deadline_us)
{
	if (fd >= 0 && fd < t->max_fd)
		atomic_store_explicit(&t->slots[fd].deadline_us, deadline_us, memory_order_relaxed);
}

void conns_set_between(struct conns *t, int fd, int between)
{
	if (fd >= 0 && fd < t->max_fd)
		atomic_store(&t->slots[fd].between, between);
}

/* Nothing of fd's next request arrived yet: none read, none waiting to be. */
static int nothing_waiting(int fd)
{
	int unread = 0;
	return ioctl(fd, FIONREAD, &unread) == 0 && unread == 0;
}

size_t conns_close_between(struct conns *t)
{
	size_t n = 0;
	pthread_mutex_lock(&t->lock);
	for (int fd = 0; fd < t->high_fd; fd++) {
		struct slot *s = &t->slots[fd];
		if (!s->used || !s->started || atomic_load(&s->between) != 1 || !nothing_waiting(fd))
			continue;
		(void)shutdown(fd, SHUT_RDWR);
		atomic_store(&s->between, 0);	/* shut down once */
		n++;
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}

size_t conns_expire(struct conns *t, int64_t now_us)
{
	size_t n = 0;
	pthread_mutex_lock(&t->lock);
	/* Under the lock the descriptor is still this connection's: it is
	 * removed from the table before libmicrohttpd closes it. */
	for (int fd = 0; fd < t->high_fd; fd++) {
		struct slot *s = &t->slots[fd];
		int64_t deadline = atomic_load_explicit(&s->deadline_us, memory_order_relaxed);
		if (!s->used || !s->started || deadline == 0 || deadline > now_us)
			continue;
		int unread = 0;
		if (ioctl(fd, FIONREAD, &unread) == 0 && unread > 0)
			continue;	/* the client has sent, the server is behind (its worker busy): not the client's fault */
		(void)shutdown(fd, SHUT_RDWR);
		atomic_store(&s->deadline_us, 0);
		n++;
	}
	t->expired += n;
	pthread_mutex_unlock(&t->lock);
	return n;
}

size_t conns_open(struct conns *t)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->open;
	pthread_mutex_unlock(&t->lock);
	return n;
}

void conns_refused(struct conns *t, uint64_t *full, uint64_t *addr_full)
{
	pthread_mutex_lock(&t->lock);
	*full = t->refused_full;
	*addr_full = t->refused_addr;
	pthread_mutex_unlock(&t->lock);
}

uint64_t conns_expired_total(struct conns *t)
{
	pthread_mutex_lock(&t->lock);
	uint64_t n = t->expired;
	pthread_mutex_unlock(&t->lock);
	return n;
}
