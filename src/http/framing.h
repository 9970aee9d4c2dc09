/* Request framing (internal to src/http): what RFC 9112 asks a server to
 * refuse so that no proxy in front of it can read a request's length
 * differently, checked on the head libmicrohttpd has parsed. Pure functions. */
#ifndef KOUAN_HTTP_FRAMING_H
#define KOUAN_HTTP_FRAMING_H

#include <stddef.h>

#include "core/error.h"

#define FRAMING_HEADERS_MAX 100	/* header lines a request may have */

struct framing_header {
	const char *key, *value;	/* as libmicrohttpd stored them (pointers into its read buffer) */
};

struct framing {
	int chunked;		/* Transfer-Encoding: chunked */
	int has_length;		/* Content-Length */
	int has_host;		/* one Host header */
	unsigned long long length;
};

/* K_OK and *out; K_BAD_REQUEST for a header name that is not a token (space
 * before the colon), a folded line, a control character in a value, two
 * Content-Lengths, Content-Length with Transfer-Encoding, a Content-Length that
 * is not a number, two Host headers; K_NOT_IMPLEMENTED for a transfer coding other than chunked. */
enum kerr framing_check(const struct framing_header *h, size_t n, struct framing *out);

/* 1 when path holds no NUL (kept as "%00" by the server's unescaping) or other control. */
int framing_path_ok(const char *path);

/* Percent-decoding that keeps "%00" as it is, so that a NUL can be seen and
 * refused instead of cutting the string; in place, returns the new length. */
size_t framing_unescape(char *s);

/* A header or cookie value as libmicrohttpd hands it over, copied into buf
 * with its NUL; NULL (buf untouched) when v is NULL or does not fit. */
const char *framing_value_copy(const char *v, char *buf, size_t buf_len);

#endif
