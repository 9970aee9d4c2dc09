/* Request framing checks (src/http/framing.c) on heads laid out as
 * libmicrohttpd 0.9.75 stores them: each line's name, a NUL where its colon
 * was, the blanks, the value, a NUL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/framing.h"

#define HEAD_BYTES 2048

struct head {
	char buf[HEAD_BYTES];
	size_t used;
	struct framing_header h[FRAMING_HEADERS_MAX];
	size_t n;
};

/* Add "name: value" in place, as libmicrohttpd leaves a header line. */
static void line(struct head *hd, const char *name, const char *value)
{
	size_t kn = strlen(name), vn = strlen(value);
	char *k = hd->buf + hd->used;
	memcpy(k, name, kn + 1);
	char *v = k + kn + 2;	/* after the NUL and one blank */
	v[-1] = ' ';
	memcpy(v, value, vn + 1);
	hd->used += kn + vn + 3;
	hd->h[hd->n++] = (struct framing_header){k, v};
}

static enum kerr check(struct head *hd, struct framing *f)
{
	return framing_check(hd->h, hd->n, f);
}

static void plain_requests(void **state)
{
	struct head hd = {.used = 0};
	struct framing f;
	line(&hd, "Host", "kouan");
	line(&hd, "Content-Length", "42");
	assert_int_equal(check(&hd, &f), K_OK);
	assert_true(f.has_length && f.has_host && !f.chunked);
	assert_int_equal(f.length, 42);
	struct head chunked = {.used = 0};
	line(&chunked, "Host", "kouan");
	line(&chunked, "transfer-encoding", "Chunked");
	assert_int_equal(check(&chunked, &f), K_OK);
	assert_true(f.chunked && !f.has_length);
}

static void smuggling_shapes(void **state)
{
	struct framing f;
	struct head two = {.used = 0};
	line(&two, "Content-Length", "2");
	line(&two, "Content-Length", "40");
	assert_int_equal(check(&two, &f), K_BAD_REQUEST);
	struct head both = {.used = 0};
	line(&both, "Content-Length", "5");
	line(&both, "Transfer-Encoding", "chunked");
	assert_int_equal(check(&both, &f), K_BAD_REQUEST);
	struct head spaced = {.used = 0};
	line(&spaced, "Transfer-Encoding ", "chunked");	/* "Transfer-Encoding : chunked" */
	assert_int_equal(check(&spaced, &f), K_BAD_REQUEST);
	struct head coding = {.used = 0};
	line(&coding, "Transfer-Encoding", "gzip, chunked");
	assert_int_equal(check(&coding, &f), K_NOT_IMPLEMENTED);
	struct head number = {.used = 0};
	line(&number, "Content-Length", "+7");
	assert_int_equal(check(&number, &f), K_BAD_REQUEST);
	struct head hosts = {.used = 0};
	line(&hosts, "Host", "a");
	line(&hosts, "Host", "b");
	assert_int_equal(check(&hosts, &f), K_BAD_REQUEST);
	struct head control = {.used = 0};
	line(&control, "X-Note", "a\x01z");
	assert_int_equal(check(&control, &f), K_BAD_REQUEST);
}

/* A folded line is appended to the header's name by libmicrohttpd 0.9.75,
 * which then runs past its value. */
static void folded_line(void **state)
{
	struct head hd = {.used = 0};
	struct framing f;
	line(&hd, "X-Long", "a");
	memcpy(hd.buf + strlen("X-Long"), "folded-on", strlen("folded-on") + 1);	/* the name grew in place */
	assert_int_equal(check(&hd, &f), K_BAD_REQUEST);
}

static void paths(void **state)
{
	char s[64] = "/api/v1/me%00.css";
	assert_int_equal(framing_unescape(s), strlen("/api/v1/me%00.css"));
	assert_false(framing_path_ok(s));
	char t[64] = "/%E5%8F%A3%41%zz%4";
	framing_unescape(t);
	assert_string_equal(t, "/\xe5\x8f\xa3" "A%zz%4");
	assert_true(framing_path_ok(t));
	char u[64] = "/a%0Ab";
	framing_unescape(u);
	assert_false(framing_path_ok(u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_requests),
		cmocka_unit_test(smuggling_shapes),
		cmocka_unit_test(folded_line),
		cmocka_unit_test(paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
