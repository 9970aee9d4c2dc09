/* libmicrohttpd behind http.h: a thread pool with epoll, bounded bodies,
 * the application's handler called once per request with the whole body.
 *
 * The listening socket is ours: one acceptor thread hands each connection
 * to the pool (MHD_add_connection). A stop then closes it without
 * MHD_quiesce_daemon, which in libmicrohttpd 0.9.75 races with the epoll
 * workers (both remove the listening socket from a worker's epoll set; the
 * loser aborts the process with "Failed to remove listen FD from epoll set"). */
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
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/http.h"

int http_library_available(void);	/* mhd_lazy.c */

#define MAX_RESPONSE_HEADERS 16
/* libmicrohttpd's per-connection memory: the request head must fit with room
 * to spare, so that the application's own limit answers first. It is cleared
 * on every request, so it is kept no larger than that. */
#define MHD_POOL_SLACK (8 * 1024)
#define CONNECTION_TIMEOUT_S 30
#define LISTEN_BACKLOG 1024
#define ACCEPT_BATCH 64		/* connections taken per wake-up before polling again */
#define ACCEPT_PAUSE_MS 100	/* out of descriptors or memory: wait this long before the next accept */

struct header {
	char *name, *value;
};

struct http_request {
	struct MHD_Connection *conn;
	struct http_server *srv;
	char *method, *path;
	char *body;
	size_t body_len, body_cap, body_max;
	enum kerr refusal;
	int answered;
	int status;
	const char *route;
	int64_t started_us;
	char request_id[20];
	char client[INET6_ADDRSTRLEN + 1];
	struct header headers[MAX_RESPONSE_HEADERS];
	int n_headers;
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
	http_observer observer;
	atomic_int in_flight;
	atomic_ullong next_id;
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
	const char *v = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
	if (v == NULL || strlen(v) >= buf_len)
		return NULL;
	memcpy(buf, v, strlen(v) + 1);
	return buf;
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

static void queue(struct http_request *req, int status, const char *type, const void *body, size_t len,
	enum MHD_ResponseMemoryMode mode)
{
	if (req->answered) {
		log_error("msg=\"second answer to one request\" req=%s", req->request_id);
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
	for (int i = 0; i < req->n_headers; i++)
		MHD_add_response_header(r, req->headers[i].name, req->headers[i].value);
	req->answered = 1;
	req->status = status;
	if (MHD_queue_response(req->conn, (unsigned)status, r) != MHD_YES)
		log_warn("msg=\"queue response failed\" req=%s", req->request_id);
	MHD_destroy_response(r);
	if (req->srv->observer)
		req->srv->observer(req, status, http_now_us() - req->started_us, req->srv->cfg.app);
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

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *total = cls;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static int is_upload(struct MHD_Connection *conn)
{
	const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	return type && strncasecmp(type, "multipart/form-data", 19) == 0;
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

static struct http_request *request_new(struct http_server *srv, struct MHD_Connection *conn, const char *url,
	const char *method)
{
	struct http_request *req = xcalloc(1, sizeof *req);
	req->conn = conn;
	req->srv = srv;
	req->method = xstrdup(method);
	req->path = xstrdup(url);
	req->started_us = http_now_us();
	hex_id(req->request_id, atomic_fetch_add(&srv->next_id, 1));
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, req->client, sizeof req->client);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, req->client, sizeof req->client);
	}
	req->body_max = is_upload(conn) ? srv->cfg.limits.max_upload : srv->cfg.limits.max_body;

	size_t header_bytes = 0;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &header_bytes);
	if (header_bytes > srv->cfg.limits.max_header_bytes)
		req->refusal = K_HEADERS_TOO_LARGE;
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && req->refusal == K_OK) {
		char *end;
		unsigned long long n = strtoull(cl, &end, 10);
		if (*end != '\0' || n > req->body_max)
			req->refusal = K_PAYLOAD_TOO_LARGE;
	}
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	if (req == NULL) {
		req = request_new(srv, conn, url, method);
		*con_cls = req;
		atomic_fetch_add(&srv->in_flight, 1);
		if (req->refusal != K_OK)
			refuse_now(req);
		return MHD_YES;
	}
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
		size_t n = *upload_data_size;
		if (req->body_len + n > req->body_max) {
			req->refusal = K_PAYLOAD_TOO_LARGE;
			*upload_data_size = 0;
			refuse_now(req);
			return MHD_YES;
		}
		if (req->body_len + n + 1 > req->body_cap) {
			size_t cap = req->body_cap ? req->body_cap : 4096;
			while (cap < req->body_len + n + 1)
				cap *= 2;
			req->body = xrealloc(req->body, cap);
			req->body_cap = cap;
		}
		memcpy(req->body + req->body_len, upload_data, n);
		req->body_len += n;
		req->body[req->body_len] = '\0';
		*upload_data_size = 0;
		return MHD_YES;
	}
	srv->cfg.handler(req, srv->cfg.app);
	if (!req->answered && !req->deferred)
		http_respond(req, 500, "text/plain", "internal error\n", 15);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	if (req == NULL)
		return;
	for (int i = 0; i < req->n_headers; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->method);
	free(req->path);
	free(req->body);
	free(req->pending_type);
	free(req->pending_body);
	free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->in_flight, 1);
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

/* Waits for connections (or the stop byte) and gives each to the pool;
 * libmicrohttpd closes a connection it cannot take. */
static void *accept_loop(void *arg)
{
	struct http_server *srv = arg;
	struct pollfd pf[2] = {{.fd = srv->listen_fd, .events = POLLIN}, {.fd = srv->stop_pipe[0], .events = POLLIN}};
	for (;;) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("msg=\"accept loop: poll failed\" errno=%d", errno);
			return NULL;
		}
		if (pf[1].revents)
			return NULL;
		for (int i = 0; i < ACCEPT_BATCH; i++) {
			struct sockaddr_storage peer;
			socklen_t pl = sizeof peer;
			int fd = accept4(srv->listen_fd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd >= 0) {
				(void)MHD_add_connection(srv->daemon, fd, (const struct sockaddr *)&peer, pl);
				continue;
			}
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				log_warn("msg=\"accept failed\" errno=%d", errno);
				(void)poll(&pf[1], 1, ACCEPT_PAUSE_MS);	/* EMFILE and the like: give the pool time */
			}
			break;
		}
	}
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
	srv->listen_fd = open_listener(&ss, sl);
	if (srv->listen_fd < 0) {
		log_error("msg=\"cannot listen\" addr=%s errno=%d", cfg->listen, errno);
		free(srv);
		return K_INTERNAL;
	}
	if (pipe2(srv->stop_pipe, O_CLOEXEC) != 0) {
		close(srv->listen_fd);
		free(srv);
		return K_INTERNAL;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET |
		MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->limits.max_header_bytes + MHD_POOL_SLACK,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_END);
	if (srv->daemon == NULL || pthread_create(&srv->acceptor, NULL, accept_loop, srv) != 0) {
		if (srv->daemon)
			MHD_stop_daemon(srv->daemon);
		close(srv->listen_fd);
		close(srv->stop_pipe[0]);
		close(srv->stop_pipe[1]);
		free(srv);
		return K_INTERNAL;
	}
	struct sockaddr_storage got;
	socklen_t gl = sizeof got;
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (getsockname(srv->listen_fd, (struct sockaddr *)&got, &gl) == 0) {
		if (got.ss_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)&got)->sin_addr, host, sizeof host);
			port = ntohs(((struct sockaddr_in *)&got)->sin_port);
		} else {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&got)->sin6_addr, host, sizeof host);
			port = ntohs(((struct sockaddr_in6 *)&got)->sin6_port);
		}
	}
	snprintf(bound, bound_len, got.ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", host, port);
	*out = srv;
	return K_OK;
}

void http_stop(struct http_server *srv, int grace_ms)
{
	if (srv == NULL)
		return;
	/* stop accepting: the acceptor returns and the socket is closed, so new
	 * connections are refused while those in flight finish */
	(void)!write(srv->stop_pipe[1], "x", 1);
	pthread_join(srv->acceptor, NULL);
	close(srv->listen_fd);
	close(srv->stop_pipe[0]);
	close(srv->stop_pipe[1]);
	int64_t until = http_now_us() + (int64_t)grace_ms * 1000;
	while (atomic_load(&srv->in_flight) > 0 && http_now_us() < until)
		usleep(10000);
	MHD_stop_daemon(srv->daemon);
	free(srv);
}
