/* Accounts (issue 16) over HTTP, on SQLite or PostgreSQL (KOUAN_TEST_DB):
 * an application through review to a first login, a pending login, bad check
 * characters, codes and names taken (also by two applications at once), a
 * rejection freeing them, a warehouse's site, the per-address limit and the
 * audit. Client addresses come through the trusted proxy's X-Forwarded-For,
 * one per test, so that the limit of one does not reach the others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define USCC_BODY 17
#define USCC_MOD 31
#define PER_ADDR 10	/* the documented limit: at least this many per address and hour */
#define BODY_MAX 1024
#define FREE_GUESSES 5	/* --login-max-user's default */
#define EXTRA_GUESSES 6

static struct it_server srv;
static const char *const PW = "correct horse 9";
static struct it_client bureau, admin;
static int seq;

/* GB 32100, computed here on its own: the check character of 17 characters. */
static char check_char(const char *s17)
{
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	int weight = 1, sum = 0;
	for (int i = 0; i < USCC_BODY; i++) {
		sum += (int)(strchr(set, s17[i]) - set) * weight;
		weight = weight * 3 % USCC_MOD;
	}
	int c = USCC_MOD - sum % USCC_MOD;
	return set[c == USCC_MOD ? 0 : c];
}

/* A fresh valid code, different each call. */
static void new_uscc(char out[19])
{
	char body[32];
	snprintf(body, sizeof body, "91650000MA%07d", ++seq % 10000000);
	memcpy(out, body, USCC_BODY);
	out[USCC_BODY] = check_char(out);
	out[USCC_BODY + 1] = '\0';
}

static long post_from(const char *addr, const char *body, struct it_resp *r)
{
	char xff[64];
	snprintf(xff, sizeof xff, "X-Forwarded-For: %s", addr);
	const char *const hdr[] = {xff, NULL};
	if (it_request(&srv, NULL, "POST", "/api/v1/registrations", body, NULL, hdr, r) != 0)
		return -1;
	return r->status;
}

static void application(char *out, size_t n, const char *org, const char *uscc, const char *user)
{
	snprintf(out, n, "{\"organisation\":\"%s\",\"uscc\":\"%s\",\"kind\":\"enterprise\",\"contact_name\":\"王芳\","
		"\"contact_phone\":\"13912345678\",\"username\":\"%s\",\"password\":\"%s\"}", org, uscc, user, PW);
}

static int has_field(json_t *j, const char *field, const char *code)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(j, "fields"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "field")), field) == 0 &&
			strcmp(json_string_value(json_object_get(f, "code")), code) == 0)
			return 1;
	return 0;
}

static json_t *call(struct it_client *c, const char *method, const char *path, const char *body, long status)
{
	return it_call(&srv, c, method, path, body, status);
}

/* Apply from addr; returns the id and copies the token. */
static int64_t apply_ok(const char *addr, const char *org, const char *uscc, const char *user, char *token, size_t n)
{
	char body[BODY_MAX];
	struct it_resp r;
	application(body, sizeof body, org, uscc, user);
	assert_int_equal(post_from(addr, body, &r), 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "pending");
	snprintf(token, n, "%s", json_string_value(json_object_get(r.json, "token")));
	int64_t id = json_integer_value(json_object_get(r.json, "id"));
	it_resp_free(&r);
	return id;
}

static const char *status_of(int64_t id, const char *token, char *state, size_t n)
{
	char path[256], hdr[128];
	snprintf(path, sizeof path, "/api/v1/registrations/%lld", (long long)id);
	snprintf(hdr, sizeof hdr, "X-Registration-Token: %s", token);
	const char *const h[] = {hdr, NULL};
	struct it_resp r;
	assert_int_equal(it_request(&srv, NULL, "GET", path, NULL, NULL, h, &r), 0);
	snprintf(state, n, "%s", r.status == 200 ? json_string_value(json_object_get(r.json, "state")) : it_error_code(&r));
	it_resp_free(&r);
	return state;
}

/* 1 when the bureau's list of organisations names org. */
static int org_listed(const char *org)
{
	json_t *list = call(&bureau, "GET", "/api/v1/organisations", NULL, 200);
	int seen = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "organisations"), i, it)
		seen |= strcmp(json_string_value(json_object_get(it, "name")), org) == 0;
	json_decref(list);
	return seen;
}

static void apply_review_login(void **state)
{
	(void)state;
	char uscc[19], token[128], st[32], path[256];
	new_uscc(uscc);
	int64_t id = apply_ok("10.1.0.1", "新丝路贸易有限公司", uscc, "silkroad", token, sizeof token);
	struct it_client applicant = {0};
	struct it_resp r;
	assert_int_equal(it_request(&srv, NULL, "POST", "/api/v1/session", "{\"username\":\"silkroad\",\"password\":\"correct horse 9\"}",
		NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(it_error_code(&r), "pending_approval");
	it_resp_free(&r);
	assert_string_equal(status_of(id, token, st, sizeof st), "pending");
	assert_string_equal(status_of(id, "00", st, sizeof st), "not_found");
	snprintf(path, sizeof path, "/api/v1/registrations/%lld?token=%s", (long long)id, token);
	json_decref(call(NULL, "GET", path, NULL, 200));
	json_t *list = call(&bureau, "GET", "/api/v1/registrations?state=pending", NULL, 200);
	int seen = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
		seen |= json_integer_value(json_object_get(it, "id")) == id;
	json_decref(list);
	assert_true(seen);
	assert_false(org_listed("新丝路贸易有限公司"));	/* not a warehouse anyone can link to a site yet */
	json_decref(call(NULL, "GET", "/api/v1/registrations?state=pending", NULL, 401));
	snprintf(path, sizeof path, "/api/v1/registrations/%lld/approve", (long long)id);
	json_t *a = call(&bureau, "POST", path, "{}", 200);
	assert_string_equal(json_string_value(json_object_get(a, "state")), "approved");
	json_decref(a);
	json_decref(call(&bureau, "POST", path, "{}", 404));	/* decided once */
	assert_true(org_listed("新丝路贸易有限公司"));
	assert_int_equal(it_login(&srv, &applicant, "silkroad", PW), 200);
	assert_string_equal(status_of(id, token, st, sizeof st), "approved");
	size_t len = 0;
	char *log = it_read_file(srv.log, &len);	/* the token went in a header and in ?token=: never logged */
	assert_non_null(log);
	assert_null(strstr(log, token));
	free(log);
}

static int64_t warehouse_application(const char *addr, const char *user, int64_t site)
{
	char uscc[19], body[BODY_MAX], org[64];
	struct it_resp r;
	new_uscc(uscc);
	snprintf(org, sizeof org, "%s仓储有限公司", user);
	snprintf(body, sizeof body, "{\"organisation\":\"%s\",\"uscc\":\"%s\",\"kind\":\"warehouse\",\"contact_name\":\"李强\","
		"\"contact_phone\":\"0999-1234567\",\"username\":\"%s\",\"password\":\"%s\",\"site_id\":%lld}", org, uscc,
		user, PW, (long long)site);
	assert_int_equal(post_from(addr, body, &r), 201);
	int64_t id = json_integer_value(json_object_get(r.json, "id"));
	it_resp_free(&r);
	return id;
}

/* A warehouse names its site; approval links it, a second warehouse for it is refused. */
static void warehouse_site(void **state)
{
	(void)state;
	char path[128];
	json_t *s = call(&bureau, "POST", "/api/v1/sites", "{\"name\":\"注册测试换装场\"}", 201);
	int64_t site = json_integer_value(json_object_get(s, "id"));
	json_decref(s);
	int64_t first = warehouse_application("10.1.0.8", "whfirst", site);
	int64_t second = warehouse_application("10.1.0.8", "whsecond", site);
	snprintf(path, sizeof path, "/api/v1/registrations/%lld/approve", (long long)first);
	json_decref(call(&bureau, "POST", path, "{}", 200));
	s = call(&bureau, "GET", "/api/v1/sites?all=1", NULL, 200);
	size_t i;
	json_t *it;
	int linked = 0;
	json_array_foreach(json_object_get(s, "sites"), i, it)
		if (json_integer_value(json_object_get(it, "id")) == site)
			linked = json_is_integer(json_object_get(it, "organisation_id"));
	json_decref(s);
	assert_true(linked);
	snprintf(path, sizeof path, "/api/v1/registrations/%lld/approve", (long long)second);
	json_decref(call(&bureau, "POST", path, "{}", 409));
}

/* The id of a user as the system administrator sees it. */
static int64_t user_id(const char *name)
{
	json_t *j = call(&admin, "GET", "/api/v1/users", NULL, 200);
	int64_t id = 0;
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(j, "users"), i, u)
		if (strcmp(json_string_value(json_object_get(u, "username")), name) == 0)
			id = json_integer_value(json_object_get(u, "id"));
	json_decref(j);
	return id;
}

/* The approved applicant (apply_review_login) administers its own organisation only. */
static void org_admin_scope(void **state)
{
	(void)state;
	struct it_client oa = {0}, ent = {0};
	char path[128];
	assert_int_equal(it_login(&srv, &oa, "silkroad", PW), 200);
	json_t *me = call(&oa, "GET", "/api/v1/me", NULL, 200);
	assert_true(json_is_true(json_object_get(json_object_get(me, "user"), "org_admin")));
	json_decref(me);
	json_decref(call(&oa, "POST", "/api/v1/users", "{\"username\":\"silk_clerk\",\"password\":\"x\"}", 422));
	json_t *made = call(&oa, "POST", "/api/v1/users", "{\"username\":\"silk_clerk\"}", 201);
	assert_string_equal(json_string_value(json_object_get(made, "role")), "enterprise");
	assert_null(json_object_get(made, "password_hash"));
	json_decref(made);
	json_t *list = call(&oa, "GET", "/api/v1/users", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(list, "users")), 2);	/* silkroad and silk_clerk */
	json_decref(list);
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)user_id("ent1"));
	json_decref(call(&oa, "PATCH", path, "{\"disabled\":true}", 404));	/* another organisation's user */
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)user_id("silk_clerk"));
	json_t *off = call(&oa, "PATCH", path, "{\"disabled\":true}", 200);
	assert_true(json_is_true(json_object_get(off, "disabled")));
	json_decref(off);
	assert_int_equal(it_login(&srv, &ent, "ent1", PW), 200);
	json_decref(call(&ent, "GET", "/api/v1/users", NULL, 403));	/* not an organisation's administrator */
}

/* A reset code for user from c; copied into code. */
static void issue_code(struct it_client *c, int64_t user, char *code, size_t n)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/users/%lld/reset-code", (long long)user);
	json_t *j = call(c, "POST", path, "{}", 201);
	snprintf(code, n, "%s", json_string_value(json_object_get(j, "code")));
	json_decref(j);
}

static long redeem(const char *user, const char *code, const char *pw)
{
	char body[BODY_MAX];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"code\":\"%s\",\"password\":\"%s\"}", user, code, pw);
	struct it_resp r;
	assert_int_equal(it_request(&srv, NULL, "POST", "/api/v1/password-resets/redeem", body, NULL, NULL, &r), 0);
	long status = r.status;
	it_resp_free(&r);
	return status;
}

/* The organisation's administrator issues a code for its clerk (org_admin_scope
 * made it): used once, sessions end, a second use and an expired code fail. */
static void reset_codes(void **state)
{
	(void)state;
	struct it_client oa = {0}, clerk = {0};
	char code[32], path[128];
	const char *const NEW_PW = "a new horse 10", *const NEWER_PW = "the newest horse 11";
	int64_t clerk_id = user_id("silk_clerk"), ent1 = user_id("ent1");
	assert_int_equal(it_login(&srv, &oa, "silkroad", PW), 200);
	snprintf(path, sizeof path, "/api/v1/users/%lld/reset-code", (long long)ent1);
	json_decref(call(&oa, "POST", path, "{}", 404));	/* another organisation's user */
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)clerk_id);
	json_decref(call(&oa, "PATCH", path, "{\"disabled\":false}", 200));
	issue_code(&oa, clerk_id, code, sizeof code);
	assert_int_equal(redeem("silk_clerk", "ZZZZZZZZZZ", NEW_PW), 422);
	assert_int_equal(redeem("silk_clerk", code, NEW_PW), 204);
	assert_int_equal(it_login(&srv, &clerk, "silk_clerk", NEW_PW), 200);
	assert_int_equal(redeem("silk_clerk", code, NEWER_PW), 422);	/* used once */
	issue_code(&admin, clerk_id, code, sizeof code);	/* the system administrator may too */
	assert_int_equal(redeem("silk_clerk", code, NEWER_PW), 204);
	json_decref(call(&clerk, "GET", "/api/v1/me", NULL, 401));	/* its session ended with the change */
	issue_code(&oa, clerk_id, code, sizeof code);
	assert_int_equal(it_db_exec(&srv, "UPDATE password_resets SET expires_at = 0 WHERE used_at IS NULL"), 0);
	assert_int_equal(redeem("silk_clerk", code, NEW_PW), 422);	/* expired */
	assert_int_equal(it_login(&srv, &clerk, "silk_clerk", NEWER_PW), 200);
	json_t *j = call(&bureau, "GET", "/api/v1/account-audit?action=reset_used", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
}

/* Wrong codes count in the throttle per (user, address): the free ones answer
 * 422, then 429 (each later failure doubles the wait, so a slow machine still
 * meets it within a few more). */
static void reset_guesses_throttled(void **state)
{
	(void)state;
	int wrong = 0, limited = 0;
	for (int i = 0; i < FREE_GUESSES + EXTRA_GUESSES && !limited; i++) {
		long st = redeem("silk_guessed", "ZZZZZZZZZZ", "a new horse 10");
		wrong += st == 422;
		limited = st == 429;
	}
	assert_true(limited);
	assert_true(wrong >= FREE_GUESSES);
}

static void bad_check_character(void **state)
{
	(void)state;
	char uscc[19], body[BODY_MAX];
	new_uscc(uscc);
	uscc[USCC_BODY] = uscc[USCC_BODY] == '0' ? '1' : '0';
	application(body, sizeof body, "校验错误公司", uscc, "badcheck");
	struct it_resp r;
	assert_int_equal(post_from("10.1.0.2", body, &r), 422);
	assert_string_equal(it_error_code(&r), "validation_failed");
	assert_true(has_field(json_object_get(r.json, "error") ? json_object_get(r.json, "error") : r.json, "uscc",
		"invalid"));
	it_resp_free(&r);
}

static void taken_then_freed_by_rejection(void **state)
{
	(void)state;
	char uscc[19], other[19], token[128], body[BODY_MAX], path[256], st[32];
	new_uscc(uscc);
	new_uscc(other);
	int64_t id = apply_ok("10.1.0.3", "先到公司", uscc, "firstcomer", token, sizeof token);
	struct it_resp r;
	application(body, sizeof body, "后到公司", uscc, "FIRSTCOMER");	/* the same name after case folding */
	assert_int_equal(post_from("10.1.0.3", body, &r), 409);
	json_t *err = json_object_get(r.json, "error") ? json_object_get(r.json, "error") : r.json;
	assert_true(has_field(err, "uscc", "taken") && has_field(err, "username", "taken"));
	it_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/registrations/%lld/reject", (long long)id);
	json_decref(call(&bureau, "POST", path, "{}", 422));
	json_t *j = call(&bureau, "POST", path, "{\"reason\":\"营业执照不清晰\"}", 200);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "rejected");
	json_decref(j);
	assert_string_equal(status_of(id, token, st, sizeof st), "rejected");
	struct it_client gone = {0};
	assert_int_equal(it_login(&srv, &gone, "firstcomer", PW), 401);
	apply_ok("10.1.0.3", "先到公司", uscc, "firstcomer", token, sizeof token);
}

struct race {
	char body[BODY_MAX];
	char addr[32];
	long status;
};

static void *race_run(void *arg)
{
	struct race *r = arg;
	struct it_resp resp;
	r->status = post_from(r->addr, r->body, &resp);
	it_resp_free(&resp);
	return NULL;
}

static void one_code_at_once(void **state)
{
	(void)state;
	char uscc[19];
	new_uscc(uscc);
	struct race a = {.addr = "10.1.0.4"}, b = {.addr = "10.1.0.5"};
	application(a.body, sizeof a.body, "并发甲公司", uscc, "racer_a");
	application(b.body, sizeof b.body, "并发乙公司", uscc, "racer_b");
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, race_run, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, race_run, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_true((a.status == 201 && b.status == 409) || (a.status == 409 && b.status == 201));
}

static void limit_per_address(void **state)
{
	(void)state;
	char uscc[19], token[128], body[BODY_MAX], user[32];
	for (int i = 0; i < PER_ADDR; i++) {
		new_uscc(uscc);
		snprintf(user, sizeof user, "many%d", i);
		snprintf(body, sizeof body, "多次申请公司%d", i);
		apply_ok("10.1.0.6", body, uscc, user, token, sizeof token);
	}
	new_uscc(uscc);
	application(body, sizeof body, "一个太多公司", uscc, "onetoomany");
	struct it_resp r;
	assert_int_equal(post_from("10.1.0.6", body, &r), 429);
	assert_string_equal(it_error_code(&r), "rate_limited");
	assert_non_null(strstr(r.headers, "Retry-After: "));
	it_resp_free(&r);
	apply_ok("10.1.0.7", "另一地址公司", uscc, "onetoomany", token, sizeof token);	/* another address is not held */
}

/* A declaration whose shipper's USCC is a registered organisation's is read
 * beside the registry: decl_001 prints 重庆新元进出口有限公司 (its text layer,
 * sure) for the USCC the organisation registered as 重庆新元进出口贸易有限公司, so
 * the name is kept and the difference said, in the upload's answer and in the
 * declaration stored. */
static void registered_shipper(void **state)
{
	(void)state;
	static const char *const org = "重庆新元进出口贸易有限公司";
	char token[128], path[256], file[512];
	int64_t id = apply_ok("10.1.0.8", org, "9150011270Q1GCBL16", "xinyuan", token, sizeof token);
	snprintf(path, sizeof path, "/api/v1/registrations/%lld/approve", (long long)id);
	json_decref(call(&bureau, "POST", path, "{}", 200));
	struct it_client exporter = {0};
	assert_int_equal(it_login(&srv, &exporter, "xinyuan", PW), 200);
	snprintf(file, sizeof file, "%s/tests/fixtures/declarations/decl_001.pdf", getenv("KOUAN_SOURCE_DIR"));
	size_t len = 0;
	void *pdf = it_read_file(file, &len);
	assert_non_null(pdf);
	struct it_resp r;
	assert_int_equal(it_upload(&srv, &exporter, "/api/v1/declarations", "file", "decl_001.pdf", pdf, len, NULL, &r), 0);
	free(pdf);
	assert_int_equal(r.status, 201);
	snprintf(path, sizeof path, "/api/v1/declarations/%lld", (long long)json_integer_value(json_object_get(r.json, "id")));
	it_resp_free(&r);
	json_t *got = call(&exporter, "GET", path, NULL, 200);
	json_t *decl = json_object_get(got, "declaration");
	assert_string_equal(json_string_value(json_object_get(json_object_get(decl, "domestic_shipper"), "name")),
		"重庆新元进出口有限公司");
	size_t i;
	json_t *w;
	int said = 0;
	json_array_foreach(json_object_get(decl, "warnings"), i, w)
		said |= strcmp(json_string_value(json_object_get(w, "code")), "shipper_name_differs") == 0 &&
			strcmp(json_string_value(json_object_get(w, "registered")), org) == 0;
	assert_true(said);
	json_decref(got);
}

static void audit_records(void **state)
{
	(void)state;
	json_t *j = call(&bureau, "GET", "/api/v1/account-audit?action=registration_rejected", NULL, 200);
	json_t *items = json_object_get(j, "items");
	assert_true(json_array_size(items) >= 1);
	json_t *first = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(first, "action")), "registration_rejected");
	assert_true(json_is_integer(json_object_get(first, "actor_id")));
	assert_string_equal(json_string_value(json_object_get(first, "addr")), "127.0.0.1");
	json_decref(j);
	j = call(&bureau, "GET", "/api/v1/account-audit?action=registration_applied", NULL, 200);
	first = json_array_get(json_object_get(j, "items"), 0);
	assert_true(json_is_null(json_object_get(first, "actor_id")));
	assert_int_equal(strncmp(json_string_value(json_object_get(first, "addr")), "10.1.0.", 7), 0);
	json_decref(j);
	struct it_client ent = {0};
	assert_int_equal(it_login(&srv, &ent, "ent1", PW), 200);
	json_decref(call(&ent, "GET", "/api/v1/account-audit", NULL, 403));
}

static int setup(void **state)
{
	(void)state;
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	static const char *const extra[] = {"--trusted-proxy", "127.0.0.1", NULL};
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "accounts") != 0 ||
		it_user_add(&srv, "bureau1", "bureau", "口岸管理局", PW) != 0 ||
		it_user_add(&srv, "ent1", "enterprise", "甲进出口公司", PW) != 0 ||
		it_user_add(&srv, "admin1", "admin", NULL, PW) != 0 || it_start(&srv, extra) != 0)
		return -1;
	return it_login(&srv, &bureau, "bureau1", PW) == 200 && it_login(&srv, &admin, "admin1", PW) == 200 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apply_review_login),
		cmocka_unit_test(warehouse_site),
		cmocka_unit_test(org_admin_scope),
		cmocka_unit_test(reset_codes),
		cmocka_unit_test(reset_guesses_throttled),
		cmocka_unit_test(bad_check_character),
		cmocka_unit_test(taken_then_freed_by_rejection),
		cmocka_unit_test(one_code_at_once),
		cmocka_unit_test(limit_per_address),
		cmocka_unit_test(registered_shipper),
		cmocka_unit_test(audit_records),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
