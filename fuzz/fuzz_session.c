/* libFuzzer driver: what the api reads from a request's head itself, after
 * libmicrohttpd has split it. The input is four lines:
 *   1. the session cookie's value, copied as http_cookie does
 *      (framing_value_copy) and checked by session_token_form_ok;
 *   2. an X-CSRF-Token, compared with line 1 by api_csrf_equal;
 *   3. an Accept-Language header (lang_from_accept);
 *   4. "METHOD /path": decoded and checked as the server does, then matched
 *      against the route table (api_route_name), :segments into the context.
 * Asserted: a token passes only as 64 lowercase hex digits; the CSRF compare
 * says equal exactly when the texts are; a language that exists; a route's
 * segments non-empty, without '/', inside their buffers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/framing.h"

#define FUZZ_HEAD_MAX 8192
#define FUZZ_LINES 4
#define SESSION_TOKEN_HEX 64
#define METHOD_MAX 16

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void session_cookie_check(const char *v)
{
	char token[SESSION_TOKEN_HEX + 1];
	if (framing_value_copy(v, token, sizeof token) == NULL) {
		CHECK(strlen(v) >= sizeof token);
		return;
	}
	CHECK(strcmp(token, v) == 0);
	if (session_token_form_ok(token))
		CHECK(strlen(token) == SESSION_TOKEN_HEX && strspn(token, "0123456789abcdef") == SESSION_TOKEN_HEX);
}

static void session_route_check(char *line)
{
	char method[METHOD_MAX] = "";
	char *sp = strchr(line, ' ');
	if (sp == NULL || (size_t)(sp - line) >= sizeof method)
		return;
	memcpy(method, line, (size_t)(sp - line));
	char *path = sp + 1, *query = strchr(path, '?');
	if (query)
		*query = '\0';
	framing_unescape(path);
	if (!framing_path_ok(path))
		return;	/* the server answers 400 before the api sees it */
	struct api_ctx c = {0};
	int known = 0;
	const char *name = api_route_name(method, path, &c, &known);
	CHECK(name == NULL || known);
	for (size_t i = 0; i < sizeof c.params / sizeof c.params[0]; i++) {
		if (c.params[i] == NULL)
			continue;
		size_t n = strnlen(c.params[i], sizeof c.param_buf[i]);
		CHECK(n > 0 && n < sizeof c.param_buf[i] && strchr(c.params[i], '/') == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_HEAD_MAX)
		return 0;
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *line[FUZZ_LINES] = {"", "", "", ""};
	char *p = buf;
	for (int i = 0; i < FUZZ_LINES && p; i++) {
		line[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	session_cookie_check(line[0]);
	int same = api_csrf_equal(line[1], line[0]);
	CHECK(same == (line[0][0] != '\0' && strcmp(line[0], line[1]) == 0));
	enum lang l = lang_from_accept(line[2]);
	CHECK(l >= 0 && l < LANG_COUNT);
	session_route_check(line[3]);
	free(buf);
	return 0;
}
