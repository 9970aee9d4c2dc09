/* Hostile input at the web's edges (issue 14, item 5), what it_api and
 * it_bookings do not already cover: a CSRF token of another session, session
 * fixation, path traversal towards files beside the embedded assets, and
 * uploads lying about their type (the name and the part's Content-Type say
 * one thing, the bytes another). Both databases. */
#define _GNU_SOURCE	/* strcasestr in rawsock.h, open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rawsock.h"

#define PW "web proof pass 7"
#define CHOSEN_SESSION "kouan_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct it_server srv;

static int setup(void **state)
{
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "web") != 0)
		return -1;
	if (it_user_add(&srv, "web_ent", "enterprise", "网页测试企业", PW) != 0 ||
	    it_user_add(&srv, "web_ent2", "enterprise", "网页测试企业", PW) != 0)
		return -1;
	return it_start(&srv, NULL);
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

static long status_of(struct it_client *c, const char *method, const char *path, const char *body, struct it_resp *keep)
{
	struct it_resp r;
	assert_int_equal(it_request(&srv, c, method, path, body, NULL, NULL, &r), 0);
	long st = r.status;
	if (keep)
		*keep = r;
	else
		it_resp_free(&r);
	return st;
}

/* Two sessions; each one's token is refused with the other's cookie. */
static void csrf_token_of_another_session(void **state)
{
	struct it_client a = {0}, b = {0};
	assert_int_equal(it_login(&srv, &a, "web_ent", PW), 200);
	assert_int_equal(it_login(&srv, &b, "web_ent2", PW), 200);
	struct it_client mixed = a;
	snprintf(mixed.csrf, sizeof mixed.csrf, "%s", b.csrf);
	struct it_resp r;
	assert_int_equal(status_of(&mixed, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", &r), 403);
	assert_string_equal(it_error_code(&r), "csrf_failed");
	it_resp_free(&r);
	/* a form post from another site: no token header at all */
	mixed.csrf[0] = '\0';
	assert_int_equal(status_of(&mixed, "POST", "/api/v1/bookings", "kind=heavy_truck", NULL), 403);
	assert_int_equal(status_of(&a, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", NULL), 201);
}

/* A session id the attacker chose is never taken: the login makes its own,
 * and the chosen one stays worthless. A second login gives a new id. */
static void session_fixation(void **state)
{
	struct it_client c = {0};
	snprintf(c.cookie, sizeof c.cookie, "%s", CHOSEN_SESSION);
	assert_int_equal(it_login(&srv, &c, "web_ent", PW), 200);
	assert_string_not_equal(c.cookie, CHOSEN_SESSION);
	assert_int_equal(status_of(&c, "GET", "/api/v1/me", NULL, NULL), 200);
	struct it_client chosen = {0};
	snprintf(chosen.cookie, sizeof chosen.cookie, "%s", CHOSEN_SESSION);
	assert_int_equal(status_of(&chosen, "GET", "/api/v1/me", NULL, NULL), 401);
	char first[sizeof c.cookie];
	snprintf(first, sizeof first, "%s", c.cookie);
	assert_int_equal(it_login(&srv, &c, "web_ent", PW), 200);	/* logging in again, the old cookie sent */
	assert_string_not_equal(c.cookie, first);
}

/* Paths that climb out of the assets: never a file of the machine. */
static void path_traversal(void **state)
{
	static const char *const paths[] = {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/js/..%2f..%2f..%2f..%2fetc%2fpasswd", "/js/%2e%2e/%2e%2e/CMakeLists.txt", "//etc/passwd",
		"/js/app.js/../../../etc/passwd", "/..%5c..%5c..%5cetc%5cpasswd", "/%c0%ae%c0%ae/etc/passwd",
		"/web/index.html", "/js/app.js%00.png", NULL};
	for (int i = 0; paths[i]; i++) {
		/* over a raw socket: libcurl would tidy the dots away */
		char req[512];
		static char answer[1 << 16];
		snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: kouan\r\nConnection: close\r\n\r\n", paths[i]);
		int st = raw_request(&srv, NULL, req, answer, sizeof answer);
		if (st != 404 && st != 400)
			fprintf(stderr, "traversal: %s -> %d\n", paths[i], st);
		assert_true(st == 404 || st == 400);
		assert_null(strstr(answer, "root:"));
		assert_null(strstr(answer, "cmake_minimum_required"));
	}
}

static long long new_draft(struct it_client *c)
{
	struct it_resp r;
	assert_int_equal(status_of(c, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", &r), 201);
	long long id = (long long)json_integer_value(json_object_get(r.json, "id"));
	it_resp_free(&r);
	return id;
}

/* One file part with the part's own Content-Type (what the client claims). */
static long upload_claiming(struct it_client *c, const char *path, const char *filename, const char *claimed,
	const void *data, size_t len, struct it_resp *out)
{
	CURL *h = curl_easy_init();
	curl_mime *mime = curl_mime_init(h);
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_filename(part, filename);
	curl_mime_type(part, claimed);
	curl_mime_data(part, data, len);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "type");
	curl_mime_data(part, "other", CURL_ZERO_TERMINATED);
	char url[512], cookie[256], csrf[160];
	snprintf(url, sizeof url, "%s%s", srv.base, path);
	snprintf(cookie, sizeof cookie, "Cookie: %s", c->cookie);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->csrf);
	struct curl_slist *hl = curl_slist_append(NULL, cookie);
	hl = curl_slist_append(hl, csrf);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	memset(out, 0, sizeof *out);
	FILE *sink = open_memstream(&out->body, &out->len);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	CURLcode rc = curl_easy_perform(h);
	fclose(sink);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hl);
	curl_mime_free(mime);
	curl_easy_cleanup(h);
	assert_int_equal(rc, CURLE_OK);
	out->json = json_loadb(out->body, out->len, 0, NULL);
	return out->status;
}

/* The stored attachment as served: its status and headers into r. */
static void download(struct it_client *c, long long booking, long long aid, struct it_resp *r)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/attachments/%lld", booking, aid);
	assert_int_equal(status_of(c, "GET", path, NULL, r), 200);
}

static void uploads_lying_about_type(void **state)
{
	struct it_client c = {0};
	assert_int_equal(it_login(&srv, &c, "web_ent", PW), 200);
	long long id = new_draft(&c);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/attachments", id);
	struct it_resp r;
	/* HTML with script, named and typed as a PNG and as a PDF: refused by its bytes */
	static const char html[] = "<html><script>alert(document.cookie)</script></html>";
	assert_int_equal(upload_claiming(&c, path, "photo.png", "image/png", html, strlen(html), &r), 415);
	assert_string_equal(it_error_code(&r), "unsupported_media_type");
	it_resp_free(&r);
	assert_int_equal(upload_claiming(&c, path, "list.pdf", "application/pdf", html, strlen(html), &r), 415);
	it_resp_free(&r);
	/* a PDF that also holds markup, claimed as text/html under a name that
	 * is itself markup: kept as the PDF it is, served as a download */
	static const char polyglot[] = "%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n";
	assert_int_equal(upload_claiming(&c, path, "<img src=x onerror=alert(1)>\".html", "text/html", polyglot,
		strlen(polyglot), &r), 201);
	long long aid = (long long)json_integer_value(json_object_get(r.json, "id"));
	it_resp_free(&r);
	assert_true(aid > 0);
	download(&c, id, aid, &r);
	assert_non_null(strstr(r.headers, "Content-Type: application/pdf"));
	assert_non_null(strstr(r.headers, "X-Content-Type-Options: nosniff"));
	const char *disp = strstr(r.headers, "Content-Disposition: attachment");
	assert_non_null(disp);
	size_t line = strcspn(disp, "\r\n");
	assert_null(memchr(disp, '<', line));	/* the name cannot break out of the header's quoting */
	it_resp_free(&r);
	/* a declaration that is not a PDF, however it is named */
	assert_int_equal(upload_claiming(&c, "/api/v1/declarations", "decl.pdf", "application/pdf", html, strlen(html), &r),
		422);
	assert_string_equal(it_error_code(&r), "not_pdf");
	it_resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csrf_token_of_another_session),
		cmocka_unit_test(session_fixation),
		cmocka_unit_test(path_traversal),
		cmocka_unit_test(uploads_lying_about_type),
	};
	curl_global_init(CURL_GLOBAL_ALL);
	return cmocka_run_group_tests(tests, setup, teardown);
}
