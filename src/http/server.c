/* libmicrohttpd behind http.h: a thread pool with epoll, bounded bodies,
 * the application's handler called once per request with the whole body.
 *
 * The listening socket is ours: one acceptor thread hands each connection
 * to the pool (MHD_add_connection). A stop then closes it without
 * MHD_quiesce_daemon, which in libmicrohttpd 0.9.75 races with the epoll
 * workers (both remove the listening socket from a worker's epoll set; the
 * loser aborts the process with "Failed to remove listen FD from epoll set").
 *
 * The acceptor also keeps the connection limits (conns.h): the whole server's
 * and each address's, checked before a connection is handed over. That is
 * what keeps libmicrohttpd's own limit out of reach, which must be: in 0.9.75
 * a pool worker handed a connection beyond its share of MHD's limit closes it
 * but leaves its cleanup mutex locked (new_connection_process_, fixed upstream
 * in 67061d5c "fixed missing mutex unlock in error handling path", 1.0.0), and
 * the next lock on that thread hangs it for good. MHD's limit is therefore set
 * so that each worker's share exceeds the descriptor limit (conn_limit_for_mhd).
 *
 * The acceptor enforces deadlines too: a request's whole head, then its whole
 * body, must arrive in time however slowly the bytes trickle in (MHD's own
 * timeout restarts with every byte). */
#define _GNU_SOURCE	/* accept4, pipe2 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/conns.h"
#include "http/framing.h"
#include "http/http.h"

int http_library_available(void);	/* mhd_lazy.c */

#define MAX_RESPONSE_HEADERS 16
/* libmicrohttpd's per-connection memory: the request head must fit with room
 * to spare, so that the application's own limit answers first. It is cleared
 * on every request, so it is kept no larger than that. */
#define MHD_POOL_SLACK (8 * 1024)
#define LISTEN_BACKLOG 4096
#define FD_RESERVE 64		/* descriptors kept for the database, files and logs beyond connections */
#define DEADLINE_CHECK_MS 250	/* how often the acceptor looks for connections past their deadline */
#define DIRECT_HEAD_MAX 2048	/* an answer written while a body is being read: its head */
#define US_PER_S 1000000
#define BODY_FIRST_CAP 4096	/* a body's first buffer; doubled up to its limit */
#define ACCEPT_BATCH 64		/* connections taken per wake-up before polling again */
#define ACCEPT_PAUSE_MS 100	/* out of descriptors or memory: wait this long before the next accept */
#define QUIESCE_POLL_US 10000	/* how often a stopping server looks whether its connections are done */

struct header {
	char *name, *value;
};

struct http_request {
	struct MHD_Connection *conn;
	struct http_server *srv;
	char *method, *path;
	char *body;
	size_t body_len, body_cap, body_max;
	struct framing framing;
	enum kerr refusal;
	int answered;
	int status;
	const char *route;
	int64_t started_us;
	char request_id[20];
	char client[INET6_ADDRSTRLEN + 1];
	struct header headers[MAX_RESPONSE_HEADERS];
	int n_headers;
	int fd;
	int in_body;		/* between the head and the end of the body: libmicrohttpd cannot queue an answer */
	int close_now;		/* answered in the middle of the body: the connection ends */
	/* http_defer: the answer comes from another thread; it is kept here and
	 * queued when libmicrohttpd calls us again after the resume */
	int deferred;
	int pending;
	int pending_status;
	char *pending_type;
	char *pending_body;
	size_t pending_len;
};

struct http_server {
	struct MHD_Daemon *daemon;
	int listen_fd;
	int stop_pipe[2];	/* written once by http_stop: the acceptor returns */
	pthread_t acceptor;
	struct http_config cfg;
	struct conns *conns;
	size_t max_connections;
	unsigned char proxy_key[CONNS_ADDR_BYTES];
	int proxy_known;
	http_observer observer;
	atomic_int in_flight;
	atomic_ullong next_id;
	atomic_int quiesced;	/* http_quiesce ran: no acceptor, no listening socket; answers close their connection */
};

int64_t http_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *http_method(const struct http_request *req) { return req->method; }
const char *http_path(const struct http_request *req) { return req->path; }
const char *http_request_id(const struct http_request *req) { return req->request_id; }
enum kerr http_refusal(const struct http_request *req) { return req->refusal; }
void http_set_route(struct http_request *req, const char *route) { req->route = route; }
const char *http_route(const struct http_request *req) { return req->route; }
int http_status(const struct http_request *req) { return req->status; }
void http_set_observer(struct http_server *srv, http_observer fn) { srv->observer = fn; }

const char *http_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(const struct http_request *req, const char *name, char *buf, size_t buf_len)
{
	return framing_value_copy(MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name), buf, buf_len);
}

int http_has_body(const struct http_request *req)
{
	return req->framing.chunked || (req->framing.has_length && req->framing.length > 0);
}

const char *http_body(const struct http_request *req, size_t *len)
{
	*len = req->body_len;
	return req->body ? req->body : "";
}

static int trusted(const struct http_request *req)
{
	const char *p = req->srv->cfg.trusted_proxy;
	return p && *p && strcmp(p, req->client) == 0;
}

const char *http_client_addr(const struct http_request *req)
{
	if (trusted(req)) {
		const char *f = http_header(req, "X-Forwarded-For");
		/* the proxy appends the address it saw last: take that one */
		if (f && *f) {
			const char *last = strrchr(f, ',');
			last = last ? last + 1 : f;
			while (*last == ' ')
				last++;
			return last;
		}
	}
	return req->client;
}

int http_is_secure(const struct http_request *req)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_PROTOCOL);
	if (ci != NULL)
		return 1;	/* only answered for TLS connections */
	if (trusted(req)) {
		const char *proto = http_header(req, "X-Forwarded-Proto");
		return proto && strcasecmp(proto, "https") == 0;
	}
	return 0;
}

void http_add_header(struct http_request *req, const char *name, const char *value)
{
	if (req->n_headers >= MAX_RESPONSE_HEADERS) {
		log_error("msg=\"too many response headers\" req=%s", req->request_id);
		return;
	}
	req->headers[req->n_headers].name = xstrdup(name);
	req->headers[req->n_headers].value = xstrdup(value);
	req->n_headers++;
}

static void observe(struct http_request *req, int status)
{
	if (req->srv->observer)
		req->srv->observer(req, status, http_now_us() - req->started_us, req->srv->cfg.app);
}

/* Write the answer straight to the socket and end the connection: once part
 * of a body has been read, libmicrohttpd 0.9.75 can queue no answer before the
 * whole body is in. The answer is small and the socket's send buffer empty
 * (a request is answered in turn), so one non-blocking send takes it. */
static void answer_direct(struct http_request *req, int status, const char *type, const void *body, size_t len)
{
	char head[DIRECT_HEAD_MAX];
	const char *reason = MHD_get_reason_phrase_for((unsigned)status);
	int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Length: %zu\r\n"
		"X-Request-Id: %s\r\n", status, reason && *reason ? reason : "Error", len, req->request_id);
	if (type && n > 0 && (size_t)n < sizeof head)
		n += snprintf(head + n, sizeof head - (size_t)n, "Content-Type: %s\r\n", type);
	for (int i = 0; i < req->n_headers && n > 0 && (size_t)n < sizeof head; i++)
		n += snprintf(head + n, sizeof head - (size_t)n, "%s: %s\r\n", req->headers[i].name, req->headers[i].value);
	if (n > 0 && (size_t)n + 2 < sizeof head) {
		memcpy(head + n, "\r\n", 2);
		n += 2;
		struct iovec iov[2] = {{head, (size_t)n}, {(void *)body, len}};
		struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
		if (sendmsg(req->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("msg=\"direct answer not sent\" req=%s errno=%d", req->request_id, errno);
		(void)shutdown(req->fd, SHUT_WR);
	}
	req->answered = 1;
	req->status = status;
	req->close_now = 1;
	observe(req, status);
}

static void queue(struct http_request *req, int status, const char *type, const void *body, size_t len,
	enum MHD_ResponseMemoryMode mode)
{
	if (req->answered) {
		log_error("msg=\"second answer to one request\" req=%s", req->request_id);
		return;
	}
	/* answered: the client has as long to take the answer as it had to send a body */
	conns_set_deadline(req->srv->conns, req->fd, http_now_us() + (int64_t)req->srv->cfg.limits.body_timeout_s * US_PER_S);
	if (req->in_body) {
		answer_direct(req, status, type, body, len);
		return;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
	if (r == NULL) {
		log_error("msg=\"cannot create response\" req=%s", req->request_id);
		return;
	}
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Request-Id", req->request_id);
	if (atomic_load(&req->srv->quiesced))	/* stopping: no next request on this connection */
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	for (int i = 0; i < req->n_headers; i++)
		MHD_add_response_header(r, req->headers[i].name, req->headers[i].value);
	req->answered = 1;
	req->status = status;
	if (MHD_queue_response(req->conn, (unsigned)status, r) != MHD_YES)
		log_warn("msg=\"queue response failed\" req=%s", req->request_id);
	MHD_destroy_response(r);
	observe(req, status);
}

void http_defer(struct http_request *req)
{
	req->deferred = 1;
	MHD_suspend_connection(req->conn);
}

/* A deferred request's answer, from the thread that made it: kept, and the
 * connection resumed so that on_request queues it. */
static void keep_pending(struct http_request *req, int status, const char *type, const void *body, size_t len)
{
	if (req->pending) {
		log_error("msg=\"second answer to one request\" req=%s", req->request_id);
		return;
	}
	req->pending_status = status;
	req->pending_type = type ? xstrdup(type) : NULL;
	req->pending_body = xmalloc(len ? len : 1);
	memcpy(req->pending_body, body, len);
	req->pending_len = len;
	req->pending = 1;
	MHD_resume_connection(req->conn);
}

void http_respond(struct http_request *req, int status, const char *type, const void *body, size_t len)
{
	if (req->deferred)
		keep_pending(req, status, type, body, len);
	else
		queue(req, status, type, body, len, MHD_RESPMEM_MUST_COPY);
}

void http_respond_static(struct http_request *req, int status, const char *type, const void *body, size_t len)
{
	if (req->deferred)
		keep_pending(req, status, type, body, len);
	else
		queue(req, status, type, body, len, MHD_RESPMEM_PERSISTENT);
}

/* The header lines of a request, for the framing checks. */
struct head {
	struct framing_header h[FRAMING_HEADERS_MAX];
	size_t n, bytes;
	int too_many, bad;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct head *hd = cls;
	if (key == NULL || value == NULL) {
		hd->bad = 1;
		return MHD_YES;
	}
	hd->bytes += strlen(key) + strlen(value) + 4;
	if (hd->n < FRAMING_HEADERS_MAX)
		hd->h[hd->n++] = (struct framing_header){key, value};
	else
		hd->too_many = 1;
	return MHD_YES;
}

/* Everything decided before a byte of body is read: the head's size and
 * framing, then the application's route, method, type and body limit. */
static enum kerr check_head(struct http_request *req, struct MHD_Connection *conn, int http11)
{
	const struct http_config *cfg = &req->srv->cfg;
	struct head hd;
	hd.n = hd.bytes = 0;
	hd.too_many = hd.bad = 0;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &hd);
	if (hd.too_many || hd.bytes > cfg->limits.max_header_bytes)
		return K_HEADERS_TOO_LARGE;
	if (hd.bad || !framing_path_ok(req->path))
		return K_BAD_REQUEST;
	enum kerr e = framing_check(hd.h, hd.n, &req->framing);
	if (e != K_OK)
		return e;
	if (http11 && !req->framing.has_host)
		return K_BAD_REQUEST;	/* RFC 9112 3.2 (libmicrohttpd's own check answers with its header block twice) */
	req->body_max = cfg->limits.max_body;
	if (cfg->admit && (e = cfg->admit(req, &req->body_max, cfg->app)) != K_OK)
		return e;
	if (req->framing.has_length && req->framing.length > req->body_max)
		return K_PAYLOAD_TOO_LARGE;
	return K_OK;
}

/* Request ids in hex, without printf on the hot path. */
static void hex_id(char out[20], unsigned long long v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v && n < 16);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

static int connection_fd(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci ? ci->connect_fd : -1;
}

static struct http_request *request_new(struct http_server *srv, struct MHD_Connection *conn, const char *url,
	const char *method, const char *version)
{
	struct http_request *req = xcalloc(1, sizeof *req);
	req->conn = conn;
	req->srv = srv;
	req->method = xstrdup(method);
	req->path = xstrdup(url);
	req->started_us = http_now_us();
	hex_id(req->request_id, atomic_fetch_add(&srv->next_id, 1));
	req->fd = connection_fd(conn);
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, req->client, sizeof req->client);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, req->client, sizeof req->client);
	}
	req->refusal = check_head(req, conn, version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0);
	return req;
}

static void refuse_now(struct http_request *req)
{
	/* The handler answers in the application's format; MHD closes the
	 * connection afterwards since the body was not read. */
	req->srv->cfg.handler(req, req->srv->cfg.app);
	if (!req->answered)
		http_respond(req, 500, "text/plain", "internal error\n", 15);
}

/* The head is in: the request is made, checked, and refused at once or its
 * body given its deadline. */
static void head_arrived(struct http_server *srv, struct MHD_Connection *conn, const char *url, const char *method,
	const char *version, void **con_cls)
{
	struct http_request *req = request_new(srv, conn, url, method, version);
	*con_cls = req;
	atomic_fetch_add(&srv->in_flight, 1);
	conns_set_between(srv->conns, req->fd, 0);
	conns_set_deadline(srv->conns, req->fd, http_now_us() + (int64_t)srv->cfg.limits.body_timeout_s * US_PER_S);
	if (req->refusal != K_OK)
		refuse_now(req);
}

/* Append n bytes of body; 0 when they cross the limit (answered 413). */
static int body_bytes(struct http_request *req, const char *data, size_t n)
{
	req->in_body = 1;
	if (req->body_len + n > req->body_max) {
		req->refusal = K_PAYLOAD_TOO_LARGE;
		refuse_now(req);
		return 0;
	}
	if (req->body_len + n + 1 > req->body_cap) {
		/* a declared length (checked against the limit) is allocated once */
		size_t first = req->framing.has_length ? (size_t)req->framing.length + 1 : BODY_FIRST_CAP;
		size_t cap = req->body_cap ? req->body_cap : first;
		while (cap < req->body_len + n + 1)
			cap *= 2;
		if (cap > req->body_max + 1)
			cap = req->body_max + 1;	/* the limit and the NUL: no doubling past it */
		req->body = xrealloc(req->body, cap);
		req->body_cap = cap;
	}
	memcpy(req->body + req->body_len, data, n);
	req->body_len += n;
	req->body[req->body_len] = '\0';
	return 1;
}

/* The whole request is in: the application answers. */
static void request_complete(struct http_server *srv, struct http_request *req)
{
	req->in_body = 0;
	conns_set_deadline(srv->conns, req->fd, 0);	/* all in: the handler takes the time it needs */
	srv->cfg.handler(req, srv->cfg.app);
	if (!req->answered && !req->deferred)
		http_respond(req, 500, "text/plain", "internal error\n", 15);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	if (req == NULL) {
		head_arrived(srv, conn, url, method, version, con_cls);
		return MHD_YES;
	}
	if (req->close_now)
		return MHD_NO;	/* answered in the middle of the body: libmicrohttpd closes the connection */
	if (req->answered) {
		*upload_data_size = 0;	/* refused: drop what still arrives */
		return MHD_YES;
	}
	if (req->deferred) {
		if (req->pending)
			queue(req, req->pending_status, req->pending_type, req->pending_body, req->pending_len,
				MHD_RESPMEM_MUST_COPY);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		int ok = body_bytes(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return ok ? MHD_YES : MHD_NO;
	}
	request_complete(srv, req);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	if (req == NULL)
		return;
	/* the next request on this connection: its head has the same deadline */
	conns_set_deadline(srv->conns, req->fd, http_now_us() + (int64_t)srv->cfg.limits.head_timeout_s * US_PER_S);
	for (int i = 0; i < req->n_headers; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->method);
	free(req->path);
	free(req->body);
	free(req->pending_type);
	free(req->pending_body);
	int fd = req->fd;
	free(req);
	*con_cls = NULL;
	conns_set_between(srv->conns, fd, 1);
	atomic_fetch_sub(&srv->in_flight, 1);
}

/* The URL's percent-decoding, keeping %00 so that check_head refuses it
 * (libmicrohttpd's own would cut the path at the NUL). */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	return framing_unescape(s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_debug("msg=\"microhttpd\" detail=\"%s\"", line);
}

/* "HOST:PORT", "[V6]:PORT" -> sockaddr. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon = strrchr(s, ':');
	if (colon == NULL)
		return -1;
	size_t hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof *v4;
		return 0;
	}
	if (strcmp(host, "localhost") == 0) {
		v4->sin_family = AF_INET;
		v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof *v6;
		return 0;
	}
	return -1;
}

/* A non-blocking listening socket bound to ss; -1 and errno on failure. */
static int open_listener(const struct sockaddr_storage *ss, socklen_t sl)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int on = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (ss->ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	if (bind(fd, (const struct sockaddr *)ss, sl) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* libmicrohttpd took a connection, or closed one (before closing its
 * descriptor): the connection table follows. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;
	int fd = connection_fd(conn);
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		conns_started(srv->conns, fd);
	else
		conns_remove(srv->conns, fd);
}

static int from_proxy(const struct http_server *srv, const unsigned char key[CONNS_ADDR_BYTES])
{
	return srv->proxy_known && memcmp(srv->proxy_key, key, CONNS_ADDR_BYTES) == 0;
}

/* One accepted connection: counted, then handed to the pool, or closed when
 * the server or its address is full. */
static void take(struct http_server *srv, int fd, const struct sockaddr *peer, socklen_t pl)
{
	unsigned char key[CONNS_ADDR_BYTES];
	if (!conns_addr_key(peer, key)) {
		close(fd);
		return;
	}
	int64_t deadline = http_now_us() + (int64_t)srv->cfg.limits.head_timeout_s * US_PER_S;
	if (conns_add(srv->conns, fd, key, from_proxy(srv, key), deadline) != CONNS_TAKEN) {
		close(fd);	/* counted in /metrics; a log line each would let a flood fill the log */
		return;
	}
	if (MHD_add_connection(srv->daemon, fd, peer, pl) != MHD_YES)
		conns_remove(srv->conns, fd);	/* libmicrohttpd has closed it */
}

enum accepted { ACCEPT_TOOK, ACCEPT_NONE, ACCEPT_FAILED };

/* One connection off the listening socket, given to the pool: ACCEPT_TOOK
 * (also for one the client gave up before it was taken: try again),
 * ACCEPT_NONE when none is waiting, ACCEPT_FAILED (errno) otherwise. */
static enum accepted accept_one(struct http_server *srv)
{
	struct sockaddr_storage peer;
	socklen_t pl = sizeof peer;
	int fd = accept4(srv->listen_fd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0) {
		take(srv, fd, (const struct sockaddr *)&peer, pl);
		return ACCEPT_TOOK;
	}
	if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
		return ACCEPT_TOOK;
	return errno == EAGAIN || errno == EWOULDBLOCK ? ACCEPT_NONE : ACCEPT_FAILED;
}

/* The connections the kernel completed but nobody accepted yet, taken as
 * the acceptor would: closing the listening socket with them in its queue
 * would reset them under the request their client has already sent. */
static void take_waiting(struct http_server *srv)
{
	for (int i = 0; i < LISTEN_BACKLOG && accept_one(srv) == ACCEPT_TOOK; i++)
		;
}

/* Waits for connections (or the stop byte) and gives each to the pool;
 * between times, shuts down the connections past their deadline. */
static void *accept_loop(void *arg)
{
	struct http_server *srv = arg;
	struct pollfd pf[2] = {{.fd = srv->listen_fd, .events = POLLIN}, {.fd = srv->stop_pipe[0], .events = POLLIN}};
	int64_t next_check = 0;
	for (;;) {
		int64_t now = http_now_us();
		if (now >= next_check) {
			(void)conns_expire(srv->conns, now);
			next_check = now + DEADLINE_CHECK_MS * 1000;
		}
		if (poll(pf, 2, DEADLINE_CHECK_MS) < 0) {
			if (errno == EINTR)
				continue;
			log_error("msg=\"accept loop: poll failed\" errno=%d", errno);
			return NULL;
		}
		if (pf[1].revents)
			return NULL;
		enum accepted got = ACCEPT_TOOK;
		for (int i = 0; i < ACCEPT_BATCH && pf[0].revents && got == ACCEPT_TOOK; i++)
			got = accept_one(srv);
		if (got == ACCEPT_FAILED) {
			log_warn("msg=\"accept failed\" errno=%d", errno);
			(void)poll(&pf[1], 1, ACCEPT_PAUSE_MS);	/* EMFILE and the like: give the pool time */
		}
	}
}

/* The descriptor limit raised to the hard limit; returns the soft limit now. */
static rlim_t raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("msg=\"cannot raise the descriptor limit\" errno=%d", errno);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? (rlim_t)INT_MAX : rl.rlim_cur;
}

/* libmicrohttpd's connection limit, shared out among the pool's workers:
 * each share above any descriptor the process can have, so that no worker
 * ever reaches it (see the top of this file). */
static unsigned conn_limit_for_mhd(rlim_t fds, int threads)
{
	unsigned long long want = ((unsigned long long)fds + 1) * (unsigned long long)threads;
	return want > UINT_MAX ? UINT_MAX : (unsigned)want;
}

/* The connection table for the limits in cfg and the descriptors there are. */
static void limits_init(struct http_server *srv, rlim_t fds)
{
	size_t usable = fds > FD_RESERVE * 2 ? (size_t)fds - FD_RESERVE : (size_t)fds / 2;
	size_t max = srv->cfg.limits.max_connections;
	srv->max_connections = max == 0 || max > usable ? usable : max;
	int max_fd = fds > (rlim_t)INT_MAX ? INT_MAX : (int)fds;
	srv->conns = conns_new(max_fd, srv->max_connections, srv->cfg.limits.max_per_addr);
	const char *p = srv->cfg.trusted_proxy;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (p && *p && inet_pton(AF_INET, p, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (p && *p && inet_pton(AF_INET6, p, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	srv->proxy_known = ss.ss_family != 0 && conns_addr_key((struct sockaddr *)&ss, srv->proxy_key);
}

void http_conn_stats(struct http_server *srv, struct http_conn_stats *out)
{
	memset(out, 0, sizeof *out);
	out->open = conns_open(srv->conns);
	out->max = srv->max_connections;
	conns_refused(srv->conns, &out->refused_full, &out->refused_addr);
	out->timed_out = conns_expired_total(srv->conns);
}

struct http_server *http_server_of(const struct http_request *req)
{
	return req->srv;
}

/* The pool of libmicrohttpd workers, fed by our acceptor; NULL on failure. */
static struct MHD_Daemon *start_daemon(struct http_server *srv, rlim_t fds)
{
	const struct http_config *cfg = &srv->cfg;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET |
		MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, srv,
		MHD_OPTION_CONNECTION_LIMIT, conn_limit_for_mhd(fds, cfg->threads),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->limits.max_header_bytes + MHD_POOL_SLACK,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->limits.idle_timeout_s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_END);
}

/* "HOST:PORT" (or "[V6]:PORT") of the listening socket. */
static void format_bound(int fd, char *bound, size_t bound_len)
{
	struct sockaddr_storage got;
	socklen_t gl = sizeof got;
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	memset(&got, 0, sizeof got);
	if (getsockname(fd, (struct sockaddr *)&got, &gl) == 0) {
		if (got.ss_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&got)->sin_addr, host, sizeof host);
			port = ntohs(((struct sockaddr_in *)&got)->sin_port);
		} else {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&got)->sin6_addr, host, sizeof host);
			port = ntohs(((struct sockaddr_in6 *)&got)->sin6_port);
		}
	}
	snprintf(bound, bound_len, got.ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", host, port);
}

static void server_free(struct http_server *srv)
{
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->stop_pipe[0] >= 0) {
		close(srv->stop_pipe[0]);
		close(srv->stop_pipe[1]);
	}
	conns_free(srv->conns);
	free(srv);
}

enum kerr http_start(const struct http_config *cfg, struct http_server **out, char *bound, size_t bound_len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (parse_listen(cfg->listen, &ss, &sl) != 0)
		return K_VALIDATION_FAILED;
	if (!http_library_available())
		return K_INTERNAL;
	struct http_server *srv = xcalloc(1, sizeof *srv);
	srv->cfg = *cfg;
	srv->stop_pipe[0] = srv->stop_pipe[1] = -1;
	rlim_t fds = raise_fd_limit();
	srv->listen_fd = open_listener(&ss, sl);
	if (srv->listen_fd < 0) {
		log_error("msg=\"cannot listen\" addr=%s errno=%d", cfg->listen, errno);
		server_free(srv);
		return K_INTERNAL;
	}
	limits_init(srv, fds);
	if (pipe2(srv->stop_pipe, O_CLOEXEC) != 0 || (srv->daemon = start_daemon(srv, fds)) == NULL ||
		pthread_create(&srv->acceptor, NULL, accept_loop, srv) != 0) {
		server_free(srv);
		return K_INTERNAL;
	}
	log_info("msg=\"connection limits\" max=%zu per_addr=%zu descriptors=%llu head_s=%d body_s=%d idle_s=%d",
		srv->max_connections, cfg->limits.max_per_addr, (unsigned long long)fds, cfg->limits.head_timeout_s,
		cfg->limits.body_timeout_s, cfg->limits.idle_timeout_s);
	format_bound(srv->listen_fd, bound, bound_len);
	*out = srv;
	return K_OK;
}

void http_quiesce(struct http_server *srv, int grace_ms)
{
	if (srv == NULL || srv->quiesced)
		return;
	srv->quiesced = 1;
	/* stop accepting: the acceptor returns and the socket is closed, so new
	 * connections are refused while those in flight finish */
	(void)!write(srv->stop_pipe[1], "x", 1);
	pthread_join(srv->acceptor, NULL);
	take_waiting(srv);
	close(srv->listen_fd);
	close(srv->stop_pipe[0]);
	close(srv->stop_pipe[1]);
	/* keep-alive connections between requests are closed now, those under
	 * a request once it is answered (Connection: close): a proxy then sends
	 * its next request elsewhere rather than into a connection closed under it.
	 * A connection taken but still without its first head is answered too
	 * (the proxy opened it to send one), or closed at the head's deadline. */
	int64_t until = http_now_us() + (int64_t)grace_ms * 1000;
	for (;;) {
		(void)conns_close_between(srv->conns);
		(void)conns_expire(srv->conns, http_now_us());	/* the acceptor kept the deadlines; it has returned */
		int idle = atomic_load(&srv->in_flight) == 0 && conns_open(srv->conns) == 0;
		if (idle || http_now_us() >= until)
			break;
		usleep(QUIESCE_POLL_US);
	}
}

void http_stop(struct http_server *srv, int grace_ms)
{
	if (srv == NULL)
		return;
	http_quiesce(srv, grace_ms);
	MHD_stop_daemon(srv->daemon);
	conns_free(srv->conns);
	free(srv);
}
