/* The API over a real socket: sessions, CSRF, roles, throttling, limits and
 * every error code, against SQLite or PostgreSQL (KOUAN_TEST_DB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct it_server srv;
static const char *const PW = "correct horse 9";

static int setup(void **state)
{
	/* the first wait beyond the free failures long enough that no loaded machine outlasts it between two requests */
	static const char *const extra[] = {"--login-max-user", "3", "--login-max-addr", "1000", "--login-backoff", "600",
		"--max-body", "4096", "--max-header-bytes", "2048", NULL};
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "api") != 0)
		return -1;
	if (it_user_add(&srv, "admin1", "admin", NULL, PW) != 0 || it_user_add(&srv, "ent1", "enterprise", "永欣物流", PW) != 0 ||
		it_user_add(&srv, "ent2", "enterprise", "другая компания", PW) != 0 ||
		it_user_add(&srv, "wh1", "warehouse", "一号仓储", PW) != 0 || it_user_add(&srv, "bureau1", "bureau", NULL, PW) != 0 ||
		it_user_add(&srv, "gate1", "gate", NULL, PW) != 0)
		return -1;
	return it_start(&srv, extra);
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

static void expect(struct it_client *c, const char *method, const char *path, const char *body, long status,
	const char *code)
{
	struct it_resp r;
	assert_int_equal(it_request(&srv, c, method, path, body, NULL, NULL, &r), 0);
	if (r.status != status || (code && strcmp(it_error_code(&r), code) != 0))
		fprintf(stderr, "%s %s -> %ld %s\n", method, path, r.status, r.body ? r.body : "");
	assert_int_equal(r.status, status);
	if (code)
		assert_string_equal(it_error_code(&r), code);
	it_resp_free(&r);
}

static void login_and_me(void **state)
{
	struct it_client c = {0};
	assert_int_equal(it_login(&srv, &c, "ent1", PW), 200);
	assert_true(c.cookie[0] != '\0');
	assert_true(strlen(c.csrf) >= 32);
	struct it_resp r;
	assert_int_equal(it_request(&srv, &c, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *u = json_object_get(r.json, "user");
	assert_string_equal(json_string_value(json_object_get(u, "username")), "ent1");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "enterprise");
	json_t *o = json_object_get(r.json, "organisation");
	assert_string_equal(json_string_value(json_object_get(o, "name")), "永欣物流");
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "enterprise");
	assert_string_equal(json_string_value(json_object_get(r.json, "lang")), "zh");
	assert_non_null(strstr(r.headers, "Cache-Control: no-store"));
	it_resp_free(&r);
}

static void cookie_attributes(void **state)
{
	struct it_resp r;
	assert_int_equal(it_request(&srv, NULL, "POST", "/api/v1/session", "{\"username\":\"gate1\",\"password\":\"correct horse 9\"}",
				 NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	const char *sc = strstr(r.headers, "Set-Cookie: kouan_session=");
	assert_non_null(sc);
	char line[512];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(sc, "\r\n"), sc);
	assert_non_null(strstr(line, "HttpOnly"));
	assert_non_null(strstr(line, "SameSite=Strict"));
	assert_null(strstr(line, "Secure"));	/* plain HTTP, no trusted proxy */
	it_resp_free(&r);
}

static void logout_ends_session(void **state)
{
	struct it_client c = {0};
	assert_int_equal(it_login(&srv, &c, "gate1", PW), 200);
	struct it_client copy = c;
	expect(&c, "DELETE", "/api/v1/session", NULL, 204, NULL);
	expect(&copy, "GET", "/api/v1/me", NULL, 401, "unauthenticated");
}

static void unauthenticated(void **state)
{
	struct it_client c = {0};
	expect(&c, "GET", "/api/v1/me", NULL, 401, "unauthenticated");
	snprintf(c.cookie, sizeof c.cookie, "kouan_session=%064d", 0);
	expect(&c, "GET", "/api/v1/me", NULL, 401, "unauthenticated");
	snprintf(c.cookie, sizeof c.cookie, "kouan_session=not-a-token");
	expect(&c, "GET", "/api/v1/users", NULL, 401, "unauthenticated");
	assert_int_equal(it_login(&srv, &c, "ent1", "wrong password"), 401);
	assert_int_equal(it_login(&srv, &c, "nobody-here", PW), 401);
	struct it_resp r;
	c.lang = "en";
	assert_int_equal(it_request(&srv, &c, "POST", "/api/v1/session", "{\"username\":\"ent1\",\"password\":\"wrong again\"}",
				 NULL, NULL, &r), 0);
	assert_string_equal(it_error_code(&r), "unauthenticated");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")),
		"Wrong username or password");
	it_resp_free(&r);
}

static void csrf_refused(void **state)
{
	struct it_client c = {0};
	assert_int_equal(it_login(&srv, &c, "ent2", PW), 200);
	char saved[100];
	snprintf(saved, sizeof saved, "%s", c.csrf);
	c.csrf[0] = '\0';
	expect(&c, "PUT", "/api/v1/me/lang", "{\"lang\":\"en\"}", 403, "csrf_failed");
	snprintf(c.csrf, sizeof c.csrf, "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	expect(&c, "PUT", "/api/v1/me/lang", "{\"lang\":\"en\"}", 403, "csrf_failed");
	expect(&c, "DELETE", "/api/v1/session", NULL, 403, "csrf_failed");
	snprintf(c.csrf, sizeof c.csrf, "%s", saved);
	expect(&c, "PUT", "/api/v1/me/lang", "{\"lang\":\"en\"}", 200, NULL);
}

static void roles_refused(void **state)
{
	const char *users[] = {"ent1", "wh1", "bureau1", "gate1"};
	for (int i = 0; i < 4; i++) {
		struct it_client c = {0};
		assert_int_equal(it_login(&srv, &c, users[i], PW), 200);
		expect(&c, "GET", "/api/v1/users", NULL, 403, "forbidden");
		expect(&c, "POST", "/api/v1/users", "{\"username\":\"x1234\",\"password\":\"abcdefgh1\",\"role\":\"gate\"}", 403,
			"forbidden");
		expect(&c, "PATCH", "/api/v1/users/1", "{\"disabled\":true}", 403, "forbidden");
		expect(&c, "PUT", "/api/v1/users/1/password", "{\"password\":\"abcdefgh1\"}", 403, "forbidden");
		expect(&c, "GET", "/api/v1/options/cargo_type", NULL, 200, NULL);
	}
}

static void admin_manages_users(void **state)
{
	struct it_client a = {0}, u = {0};
	assert_int_equal(it_login(&srv, &a, "admin1", PW), 200);
	struct it_resp r;
	assert_int_equal(it_request(&srv, &a, "POST", "/api/v1/users",
				 "{\"username\":\"wh2\",\"password\":\"secret-pass-1\",\"role\":\"warehouse\",\"organisation\":\"二号仓储\"}",
				 NULL, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	json_int_t id = json_integer_value(json_object_get(r.json, "id"));
	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "organisation"), "kind")), "warehouse");
	it_resp_free(&r);
	/* the same name again */
	expect(&a, "POST", "/api/v1/users",
		"{\"username\":\"wh2\",\"password\":\"secret-pass-1\",\"role\":\"warehouse\",\"organisation\":\"二号仓储\"}", 409,
		"conflict");
	/* an enterprise user in a warehouse organisation */
	expect(&a, "POST", "/api/v1/users",
		"{\"username\":\"ent9\",\"password\":\"secret-pass-1\",\"role\":\"enterprise\",\"organisation\":\"二号仓储\"}", 422,
		"validation_failed");
	assert_int_equal(it_login(&srv, &u, "wh2", "secret-pass-1"), 200);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)id);
	expect(&a, "PATCH", path, "{\"disabled\":true}", 200, NULL);
	expect(&u, "GET", "/api/v1/me", NULL, 401, "unauthenticated");
	assert_int_equal(it_login(&srv, &u, "wh2", "secret-pass-1"), 401);
	expect(&a, "PATCH", path, "{\"disabled\":false}", 200, NULL);
	snprintf(path, sizeof path, "/api/v1/users/%lld/password", (long long)id);
	expect(&a, "PUT", path, "{\"password\":\"another-pass-2\"}", 204, NULL);
	assert_int_equal(it_login(&srv, &u, "wh2", "another-pass-2"), 200);
	expect(&a, "PATCH", "/api/v1/users/99999", "{\"disabled\":true}", 404, "not_found");
	expect(&a, "PATCH", "/api/v1/users/abc", "{\"disabled\":true}", 404, "not_found");
	assert_int_equal(it_request(&srv, &a, "GET", "/api/v1/users", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(json_array_size(json_object_get(r.json, "users")) >= 7);
	it_resp_free(&r);
}

static void validation_fields(void **state)
{
	struct it_client a = {0};
	a.lang = "en";
	assert_int_equal(it_login(&srv, &a, "admin1", PW), 200);
	struct it_resp r;
	assert_int_equal(it_request(&srv, &a, "POST", "/api/v1/users", "{\"username\":\"a\",\"password\":\"short\",\"role\":\"pilot\"}",
				 NULL, NULL, &r), 0);
	assert_int_equal(r.status, 422);
	json_t *fields = json_object_get(json_object_get(r.json, "error"), "fields");
	assert_int_equal(json_array_size(fields), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 0), "field")), "username");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")),
		"Some fields are not valid");
	it_resp_free(&r);
}

static void own_password(void **state)
{
	struct it_client c = {0};
	assert_int_equal(it_user_add(&srv, "pwuser", "gate", NULL, PW), 0);
	assert_int_equal(it_login(&srv, &c, "pwuser", PW), 200);
	struct it_client other = {0};
	assert_int_equal(it_login(&srv, &other, "pwuser", PW), 200);
	expect(&c, "PUT", "/api/v1/me/password", "{\"current_password\":\"nope nope\",\"new_password\":\"new-secret-1\"}", 422,
		"validation_failed");
	expect(&c, "PUT", "/api/v1/me/password", "{\"current_password\":\"correct horse 9\",\"new_password\":\"new-secret-1\"}",
		200, NULL);
	expect(&c, "GET", "/api/v1/me", NULL, 200, NULL);	/* this session goes on */
	expect(&other, "GET", "/api/v1/me", NULL, 401, "unauthenticated");	/* others end */
	assert_int_equal(it_login(&srv, &other, "pwuser", "new-secret-1"), 200);
}

static void languages(void **state)
{
	struct it_client c = {0};
	struct it_resp r;
	c.accept_language = "ru-RU,ru;q=0.9,en;q=0.8";
	assert_int_equal(it_request(&srv, &c, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")),
		"Требуется вход в систему");
	it_resp_free(&r);
	c.lang = "en";
	assert_int_equal(it_request(&srv, &c, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")), "Please log in");
	it_resp_free(&r);
	c.lang = NULL;
	c.accept_language = NULL;
	assert_int_equal(it_request(&srv, &c, "GET", "/api/v1/me", NULL, NULL, NULL, &r), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")), "请先登录");
	it_resp_free(&r);
	/* the user's own setting, then ?lang= over it */
	assert_int_equal(it_login(&srv, &c, "bureau1", PW), 200);
	expect(&c, "PUT", "/api/v1/me/lang", "{\"lang\":\"ru\"}", 200, NULL);
	assert_int_equal(it_request(&srv, &c, "GET", "/api/v1/users", NULL, NULL, NULL, &r), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")),
		"У вашей роли нет прав на это действие");
	it_resp_free(&r);
	expect(&c, "PUT", "/api/v1/me/lang", "{\"lang\":\"xx\"}", 422, "validation_failed");
}

static void throttling(void **state)
{
	struct it_client c = {0};
	assert_int_equal(it_user_add(&srv, "victim", "gate", NULL, PW), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(it_login(&srv, &c, "victim", "wrong-guess"), 401);
	assert_int_equal(it_login(&srv, &c, "victim", PW), 429);	/* even the right password waits */
	struct it_resp r;
	assert_int_equal(it_request(&srv, &c, "POST", "/api/v1/session", "{\"username\":\"victim\",\"password\":\"x\"}", NULL,
				 NULL, &r), 0);
	assert_string_equal(it_error_code(&r), "rate_limited");
	it_resp_free(&r);
	assert_int_equal(it_login(&srv, &c, "ent1", PW), 200);	/* other accounts are not affected */
}

static void bad_requests(void **state)
{
	struct it_client c = {0};
	expect(&c, "POST", "/api/v1/session", "{\"username\":", 400, "bad_json");
	expect(&c, "POST", "/api/v1/session", "[1,2]", 400, "bad_json");
	expect(&c, "POST", "/api/v1/session", "{}", 422, "validation_failed");
	struct it_resp r;
	assert_int_equal(it_request(&srv, &c, "POST", "/api/v1/session", "username=a", "application/x-www-form-urlencoded",
				 NULL, &r), 0);
	assert_int_equal(r.status, 415);
	assert_string_equal(it_error_code(&r), "unsupported_media_type");
	it_resp_free(&r);
	expect(&c, "GET", "/api/v1/session", NULL, 405, "method_not_allowed");
	expect(&c, "GET", "/api/v1/no-such-thing", NULL, 404, "not_found");
	expect(&c, "GET", "/no-such-page.html", NULL, 404, "not_found");
	assert_int_equal(it_login(&srv, &c, "admin1", PW), 200);
	expect(&c, "GET", "/api/v1/options/not_a_list", NULL, 404, "not_found");
}

static void limits(void **state)
{
	struct it_client c = {0};
	size_t n = 8192;
	char *big = malloc(n + 64);
	memset(big, ' ', n);
	memcpy(big, "{\"username\":\"", 13);
	memcpy(big + n - 20, "\",\"password\":\"x\"}", 18);
	big[n - 2] = '\0';
	expect(&c, "POST", "/api/v1/session", big, 413, "payload_too_large");
	free(big);
	char header[4096];
	memset(header, 'a', sizeof header);
	memcpy(header, "X-Big: ", 7);
	header[sizeof header - 1] = '\0';
	const char *const hs[] = {header, NULL};
	struct it_resp r;
	assert_int_equal(it_request(&srv, &c, "GET", "/api/v1/me", NULL, NULL, hs, &r), 0);
	assert_int_equal(r.status, 431);
	assert_string_equal(it_error_code(&r), "headers_too_large");
	it_resp_free(&r);
}

static void pages_and_probes(void **state)
{
	struct it_resp r;
	assert_int_equal(it_request(&srv, NULL, "GET", "/", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.headers, "ETag: \""));
	assert_non_null(strstr(r.headers, "Cache-Control: no-cache"));
	char etag[64] = "";
	const char *e = strstr(r.headers, "ETag: ");
	snprintf(etag, sizeof etag, "If-None-Match: %.*s", (int)strcspn(e + 6, "\r\n"), e + 6);
	it_resp_free(&r);
	const char *const hs[] = {etag, NULL};
	assert_int_equal(it_request(&srv, NULL, "GET", "/", NULL, NULL, hs, &r), 0);
	assert_int_equal(r.status, 304);
	it_resp_free(&r);
	assert_int_equal(it_request(&srv, NULL, "GET", "/healthz", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	it_resp_free(&r);
	assert_int_equal(it_request(&srv, NULL, "GET", "/metrics", NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "kouan_http_requests_total{route=\"healthz\",status=\"200\"}"));
	assert_non_null(strstr(r.body, "kouan_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
	assert_non_null(strstr(r.body, "kouan_uptime_seconds"));
	assert_non_null(strstr(r.body, "kouan_db_errors_total"));
	it_resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_and_me),
		cmocka_unit_test(cookie_attributes),
		cmocka_unit_test(logout_ends_session),
		cmocka_unit_test(unauthenticated),
		cmocka_unit_test(csrf_refused),
		cmocka_unit_test(roles_refused),
		cmocka_unit_test(admin_manages_users),
		cmocka_unit_test(validation_fields),
		cmocka_unit_test(own_password),
		cmocka_unit_test(languages),
		cmocka_unit_test(throttling),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(limits),
		cmocka_unit_test(pages_and_probes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
