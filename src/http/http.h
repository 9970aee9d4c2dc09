/* The HTTP server: the only code that includes microhttpd.h.
 *
 * The server reads a request's head, checks the limits, collects a bounded
 * body and then calls the application's handler once, on a pool thread, with
 * a `struct http_request`. The handler answers through http_respond*(). */
#ifndef KOUAN_HTTP_HTTP_H
#define KOUAN_HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct http_request;
struct http_server;

struct http_limits {
	size_t max_body;	/* bodies, when the configuration has no admit callback */
	size_t max_header_bytes;	/* the application's own limit over all header lines */
	size_t max_connections;	/* open at once; 0: as many as the descriptor limit allows */
	size_t max_per_addr;	/* open at once from one peer address (the trusted proxy is exempt); 0: no limit */
	int head_timeout_s;	/* a request's whole head, from the connection or the previous answer */
	int body_timeout_s;	/* a request's whole body, from its head; and its whole answer, from its queuing */
	int idle_timeout_s;	/* no byte received or sent */
};

/* Called once per request with the whole body. Must answer with http_respond*;
 * a handler that does not gets a 500. */
typedef void (*http_handler)(struct http_request *req, void *app);

/* Asked once a request's head has arrived and passed the framing checks,
 * before a byte of its body is read: K_OK with *max_body the bytes of body its
 * method, path and Content-Type may carry (0: none), or the error to answer at
 * once (K_NOT_FOUND, K_METHOD_NOT_ALLOWED, K_UNSUPPORTED_MEDIA_TYPE ...), the
 * connection then closed. A declared Content-Length over *max_body is answered
 * 413 at once; a chunked body, 413 when it crosses it. So a server holds at
 * most, per connection, the largest limit this returns plus the head
 * (max_header_bytes + 8 KiB). The accessors below work on req; its body does not. */
typedef enum kerr (*http_admit)(const struct http_request *req, size_t *max_body, void *app);

struct http_config {
	const char *listen;	/* "HOST:PORT" */
	int threads;
	struct http_limits limits;
	const char *trusted_proxy;	/* a peer address whose X-Forwarded-* is believed, or NULL */
	http_admit admit;	/* NULL: every request may carry limits.max_body */
	http_handler handler;
	void *app;
};

/* Start listening. On success *out is owned by the caller (http_stop). The
 * address actually bound (port 0 picks one) is written to bound. */
enum kerr http_start(const struct http_config *cfg, struct http_server **out, char *bound, size_t bound_len) KOUAN_MUST_USE;
/* Stop accepting (new connections are refused), let requests in flight
 * finish (up to grace_ms); connections open may still send requests. Once
 * only: again does nothing. */
void http_quiesce(struct http_server *srv, int grace_ms);
/* http_quiesce if not done, then close every connection and free. */
void http_stop(struct http_server *srv, int grace_ms);

/* Connections now and refused so far (for /metrics). */
struct http_conn_stats {
	size_t open, max;
	uint64_t refused_full, refused_addr, timed_out;
};
void http_conn_stats(struct http_server *srv, struct http_conn_stats *out);
/* The server a request came through. */
struct http_server *http_server_of(const struct http_request *req);

/* Request accessors; strings are owned by the request. */
const char *http_method(const struct http_request *req);
const char *http_path(const struct http_request *req);	/* without the query string */
const char *http_header(const struct http_request *req, const char *name);
const char *http_query(const struct http_request *req, const char *name);
/* A cookie's value, copied into buf (NULL when absent or longer than buf). */
const char *http_cookie(const struct http_request *req, const char *name, char *buf, size_t buf_len);
const char *http_body(const struct http_request *req, size_t *len);
int http_has_body(const struct http_request *req);	/* a Content-Length above 0, or chunked */
const char *http_client_addr(const struct http_request *req);	/* the peer, or the proxy's X-Forwarded-For when trusted */
int http_is_secure(const struct http_request *req);	/* TLS, or https said by a trusted proxy */
const char *http_request_id(const struct http_request *req);
/* K_OK, or why the server refused the request before reading it whole
 * (K_PAYLOAD_TOO_LARGE, K_HEADERS_TOO_LARGE): the handler is still called,
 * to answer in the application's own error format. */
enum kerr http_refusal(const struct http_request *req);

/* multipart/form-data bodies (multipart.c). A part found by its field name;
 * data points into the request's body (valid until the request ends). */
#define HTTP_PART_NAME_MAX 64
#define HTTP_PART_FILENAME_MAX 256
#define HTTP_PART_TYPE_MAX 128
#define HTTP_MULTIPART_PARTS_MAX 16	/* parts looked at in one body */
struct http_part {
	char name[HTTP_PART_NAME_MAX];
	char filename[HTTP_PART_FILENAME_MAX];	/* "" when the part is not a file (cut at a character) */
	char content_type[HTTP_PART_TYPE_MAX];	/* as the client said; never trusted for the content */
	const unsigned char *data;
	size_t len;
};
/* K_OK with the part named name; K_NOT_FOUND when the body has none;
 * K_UNSUPPORTED_MEDIA_TYPE when the request is not multipart/form-data;
 * K_BAD_JSON never; K_VALIDATION_FAILED for a body that is not well formed. */
enum kerr http_multipart_part(const struct http_request *req, const char *name, struct http_part *out)
	KOUAN_MUST_USE;
/* The same over a Content-Type and a body (no request needed: tests, fuzzing). */
enum kerr http_multipart_find(const char *content_type, const char *body, size_t len, const char *name,
	struct http_part *out) KOUAN_MUST_USE;

/* Answer later from another thread: the connection is set aside (it holds no
 * server thread) until http_respond*() is called for it, from any thread.
 * Call from the handler, before handing req to the thread that answers. */
void http_defer(struct http_request *req);

/* Attach a response header (copied). */
void http_add_header(struct http_request *req, const char *name, const char *value);
/* Answer: the body is copied. */
void http_respond(struct http_request *req, int status, const char *content_type, const void *body, size_t len);
/* Answer with static bytes that outlive the server (embedded assets). */
void http_respond_static(struct http_request *req, int status, const char *content_type, const void *body, size_t len);

/* Metrics hook: the application labels a request with its route name (static string). */
void http_set_route(struct http_request *req, const char *route);
const char *http_route(const struct http_request *req);
int http_status(const struct http_request *req);

/* Called after each response is queued (for metrics and the access log). */
typedef void (*http_observer)(const struct http_request *req, int status, int64_t elapsed_us, void *app);
void http_set_observer(struct http_server *srv, http_observer fn);

/* Monotonic microseconds. */
int64_t http_now_us(void);

#endif
