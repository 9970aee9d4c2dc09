/* The access-control table (issue 14, item 5): every route of the route
 * table (read from src/api/routes.c, the one the server dispatches with) ×
 * every role (enterprise, warehouse, bureau, gate, admin, anonymous) × a
 * resource of the caller's own organisation and one of another's, against
 * the answer written below. A route without a row here fails the test, and
 * so does a row whose route is gone.
 *
 * Answers, one letter a role, in the order enterprise, warehouse, bureau,
 * gate, admin, anonymous:
 *   A  the handler ran: any status but 401, 403, 404 (a {} body may well be
 *      refused as 400/409/415/422: the role was let through)
 *   D  403 forbidden   U  401 not logged in   H  404 (another's: not even there)
 * "Own" is organisation A's booking at warehouse 1's site, its declaration and
 * its attachment; "other" is organisation B's at warehouse 2's site. The
 * enterprise is of organisation A, the warehouse is warehouse 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/crossing.h"
#include "harness.h"

#define N_ROLES 6
#define MAX_ROUTES 200
#define PATH_LEN 512

enum { ROLE_ENT, ROLE_WH, ROLE_BUREAU, ROLE_GATE, ROLE_ADMIN, ROLE_ANON };

struct expect {
	const char *method, *pattern;
	const char *own;	/* N_ROLES letters */
	const char *other;	/* NULL: the route names no organisation's resource */
};

static const struct expect TABLE[] = {
	{"POST", "/api/v1/session", "AAAAAA", NULL},
	{"DELETE", "/api/v1/session", "AAAAAU", NULL},
	{"GET", "/api/v1/me", "AAAAAU", NULL},
	{"PUT", "/api/v1/me/lang", "AAAAAU", NULL},
	{"PUT", "/api/v1/me/password", "AAAAAU", NULL},
	/* the second factor: {} lacks the code (422, the handler ran); without a pending-login cookie there is
	 * nothing to enrol (401 second_factor_expired, whoever asks) */
	{"POST", "/api/v1/session/totp", "AAAAAA", NULL},
	{"POST", "/api/v1/session/totp/enrolment", "UUUUUU", NULL},
	{"GET", "/api/v1/me/totp", "DAAAAU", NULL},
	{"POST", "/api/v1/me/totp", "DAAAAU", NULL},
	{"POST", "/api/v1/me/totp/confirm", "DAAAAU", NULL},
	{"DELETE", "/api/v1/me/totp", "DAAAAU", NULL},
	{"GET", "/api/v1/second-factor/settings", "DDADAU", NULL},
	{"PUT", "/api/v1/second-factor/settings", "DDADDU", NULL},
	/* users: the enterprise and warehouse of this test are plain members, not their organisation's
	 * administrators, whom these routes also let through (not covered here) */
	{"GET", "/api/v1/users", "DDDDAU", NULL},
	{"POST", "/api/v1/users", "DDDDAU", NULL},
	{"PATCH", "/api/v1/users/:id", "DDDDAU", NULL},
	{"PUT", "/api/v1/users/:id/password", "DDDDAU", NULL},
	{"POST", "/api/v1/users/:id/reset-code", "DDDDAU", NULL},
	/* the user has no second factor: nothing to remove (404) for the administrator who may */
	{"DELETE", "/api/v1/users/:id/totp", "DDDDHU", NULL},
	{"POST", "/api/v1/password-resets/redeem", "AAAAAA", NULL},
	{"POST", "/api/v1/registrations", "AAAAAA", NULL},
	/* there is no registration 1 here: 404 to whoever may ask (a registration of its own is not covered) */
	{"GET", "/api/v1/registrations/:id", "HHHHHH", NULL},
	{"GET", "/api/v1/registrations", "DDADDU", NULL},
	{"POST", "/api/v1/registrations/:id/approve", "DDHDDU", NULL},
	{"POST", "/api/v1/registrations/:id/reject", "DDHDDU", NULL},
	{"GET", "/api/v1/account-audit", "DDADDU", NULL},
	{"GET", "/api/v1/options/:list", "AAAAAU", NULL},
	{"POST", "/api/v1/options/:list", "DDADDU", NULL},
	{"PATCH", "/api/v1/options/:list/:id", "DDADDU", NULL},
	{"GET", "/api/v1/domain", "AAAAAA", NULL},
	{"GET", "/api/v1/sites", "AAAAAU", NULL},
	{"POST", "/api/v1/sites", "DDADDU", NULL},
	{"PATCH", "/api/v1/sites/:id", "DDADDU", NULL},
	{"GET", "/api/v1/organisations", "DDADAU", NULL},
	{"PATCH", "/api/v1/organisations/:id", "DDADDU", NULL},
	{"GET", "/api/v1/openapi.json", "AAAAAA", NULL},
	{"POST", "/api/v1/declarations", "ADDDDU", NULL},
	/* a declaration not yet in a booking is its enterprise's (and the bureau's, the gate's) alone */
	{"GET", "/api/v1/declarations/:id", "AHAADU", "HHAADU"},
	{"GET", "/api/v1/declarations/:id/pdf", "AHAADU", "HHAADU"},
	{"GET", "/api/v1/declarations/:id/pages/:n", "AHAADU", "HHAADU"},
	{"GET", "/api/v1/bookings", "AAAADU", NULL},
	{"POST", "/api/v1/bookings", "ADDDDU", NULL},
	{"GET", "/api/v1/bookings/:id", "AAAADU", "HHAADU"},
	{"PATCH", "/api/v1/bookings/:id", "ADDDDU", "HDDDDU"},
	{"POST", "/api/v1/bookings/:id/check", "ADDDDU", "HDDDDU"},
	{"POST", "/api/v1/bookings/:id/submit", "ADDDDU", "HDDDDU"},
	{"POST", "/api/v1/bookings/:id/withdraw", "ADDDDU", "HDDDDU"},
	{"POST", "/api/v1/bookings/:id/cancel", "ADADDU", "HDADDU"},
	{"POST", "/api/v1/bookings/:id/vehicles/import", "ADDDDU", "HDDDDU"},
	{"POST", "/api/v1/bookings/:id/attachments", "ADDDDU", "HDDDDU"},
	{"GET", "/api/v1/bookings/:id/attachments/:aid", "AAAADU", "HHAADU"},
	{"GET", "/api/v1/vin-template.xlsx", "AAAAAU", NULL},
	{"GET", "/api/v1/capacity", "AAAAAU", NULL},
	{"PUT", "/api/v1/capacity", "DDADDU", NULL},
	{"GET", "/api/v1/capacity/defaults", "AAAAAU", NULL},
	{"PUT", "/api/v1/capacity/defaults", "DDADDU", NULL},
	{"POST", "/api/v1/capacity/expire-now", "DDDDAU", NULL},
	{"GET", "/api/v1/capacity/no-shows", "DDADDU", NULL},
	{"POST", "/api/v1/capacity/close", "DDADDU", NULL},
	{"POST", "/api/v1/bookings/:id/move", "ADADDU", "HDADDU"},
	{"GET", "/api/v1/approvals", "DAADDU", NULL},
	{"GET", "/api/v1/approvals.xlsx", "DAADDU", NULL},
	{"GET", "/api/v1/overview", "DDADDU", NULL},
	{"GET", "/api/v1/overview.xlsx", "DDADDU", NULL},
	{"GET", "/api/v1/history", "DDADDU", NULL},
	{"GET", "/api/v1/history.xlsx", "DDADDU", NULL},
	{"POST", "/api/v1/approvals/batch", "DAADDU", NULL},
	{"GET", "/api/v1/approvals/settings", "AAAAAU", NULL},
	{"PUT", "/api/v1/approvals/settings", "DDADDU", NULL},
	{"POST", "/api/v1/bookings/:id/approve", "DADDDU", "DHDDDU"},
	{"POST", "/api/v1/bookings/:id/reject", "DADDDU", "DHDDDU"},
	{"GET", "/api/v1/bookings/:id/release", "AAAADU", "HHAADU"},
	{"GET", "/api/v1/bookings/:id/release.png", "AAAADU", "HHAADU"},
	{"GET", "/api/v1/bookings/:id/release.svg", "AAAADU", "HHAADU"},
	{"GET", "/api/v1/release-key", "AAAAAA", NULL},
	{"POST", "/api/v1/release-key/rotate", "DDDDAU", NULL},
	{"GET", "/api/v1/release-revocations", "DDAAAU", NULL},
	{"POST", "/api/v1/gate/scans", "DDDADU", NULL},
	{"POST", "/api/v1/outbox/send-now", "DDDDAU", NULL},
	{"GET", "/api/v1/notifications", "AAAAAU", NULL},
	/* notifications belong to organisations: the gate and the admin have none to mark */
	{"POST", "/api/v1/notifications/read", "AAAHHU", NULL},
	{"GET", "/healthz", "AAAAAA", NULL},
	{"GET", "/livez", "AAAAAA", NULL},
	{"GET", "/metrics", "AAAAAA", NULL},
};
#define TABLE_N (sizeof TABLE / sizeof TABLE[0])

/* The body sent to a route that takes one: {}, and for reject a reason, so
 * that the allowed roles get past the body to an answer of the access table. */
static const char *body_for(const char *pattern)
{
	return strstr(pattern, "/reject") ? "{\"reason\":\"access table\"}" : "{}";
}

static const char *const PW = "correct horse 9";
static const char *const ROLE_NAMES[N_ROLES] = {"enterprise", "warehouse", "bureau", "gate", "admin", "anonymous"};
static const char *const ROLE_USERS[N_ROLES] = {"ent_a", "demo_warehouse1", "demo_bureau", "demo_gate", "demo_admin",
	NULL};

static struct it_server srv;
static struct it_client clients[N_ROLES];
static char passwords[N_ROLES][64];

/* Organisation A's and B's resources. */
struct resources {
	long long booking, declaration, attachment;
};
static struct resources own, other;
static long long option_id;	/* an item of the cargo_type list */

struct route_row {
	char method[8], pattern[256];
};

static json_t *call(struct it_client *c, const char *method, const char *path, const char *body, long status)
{
	return it_call(&srv, c, method, path, body, status);
}

static long long id_of(json_t *j)
{
	long long id = (long long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	assert_true(id > 0);
	return id;
}

static long long upload(struct it_client *c, const char *path, const char *rel, const char *const *fields)
{
	char file[PATH_LEN];
	snprintf(file, sizeof file, "%s/tests/fixtures/%s", getenv("KOUAN_SOURCE_DIR"), rel);
	size_t len = 0;
	void *data = it_read_file(file, &len);
	assert_non_null(data);
	struct it_resp r;
	assert_int_equal(it_upload(&srv, c, path, "file", strrchr(rel, '/') + 1, data, len, fields, &r), 0);
	free(data);
	if (r.status != 201)
		fprintf(stderr, "upload %s -> %ld %.400s\n", path, r.status, r.body ? r.body : "");
	assert_int_equal(r.status, 201);
	long long id = id_of(json_incref(r.json));
	it_resp_free(&r);
	return id;
}

/* A declaration, and a booking at site_id with an attachment, submitted and
 * approved by approver: a released booking of c's organisation. */
static void make_resources(struct it_client *c, struct it_client *approver, int site_id, const char *declno,
	struct resources *out)
{
	char crossing[CROSSING_DATE_LEN + 1], body[1024], path[PATH_LEN];
	crossing_date_format(crossing_today((int64_t)time(NULL)) + 1, crossing);
	out->declaration = upload(c, "/api/v1/declarations", "declarations/decl_001.pdf", NULL);
	out->booking = id_of(call(c, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", 201));
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", out->booking);
	snprintf(body, sizeof body, "{\"is_transit\":true,\"declaration_no\":\"%s\",\"plates\":[\"新F12345\"],"
		"\"truck_count\":1,\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\",\"customs_warehouse\":"
		"\"国际物流园监管库\",\"contact\":\"13912345678\",\"transshipment_site_id\":%d,\"crossing_date\":\"%s\"}",
		declno, site_id, crossing);
	json_decref(call(c, "PATCH", path, body, 200));
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/attachments", out->booking);
	out->attachment = upload(c, path, "vins/vins_261.xlsx", (const char *const[]){"type", "other", NULL});
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/submit", out->booking);
	json_decref(call(c, "POST", path, NULL, 200));
	snprintf(path, sizeof path, "/api/v1/bookings/%lld/approve", out->booking);
	json_decref(call(approver, "POST", path, "{}", 200));
}

static void login(int role)
{
	memset(&clients[role], 0, sizeof clients[role]);
	clients[role].lang = "en";
	if (ROLE_USERS[role] != NULL)
		assert_int_equal(it_login(&srv, &clients[role], ROLE_USERS[role], passwords[role]), 200);
}

static int setup(void **state)
{
	static const char *const extra[] = {"--demo", NULL};
	memset(&srv, 0, sizeof srv);
	snprintf(srv.dir, sizeof srv.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(srv.dir) == NULL || it_fresh_db(&srv, "access") != 0 ||
	    it_user_add(&srv, "ent_a", "enterprise", "甲方物流", PW) != 0 ||
	    it_user_add(&srv, "ent_b", "enterprise", "乙方物流", PW) != 0 || it_start(&srv, extra) != 0)
		return -1;
	for (int role = 0; role < ROLE_ANON; role++) {
		if (role == ROLE_ENT)
			snprintf(passwords[role], sizeof passwords[role], "%s", PW);
		else if (it_demo_password(&srv, ROLE_USERS[role], passwords[role], sizeof passwords[role]) == NULL)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return it_stop_and_clean(&srv);
}

/* The routes of src/api/routes.c: lines of the form {"METHOD", "/pattern", ... */
static size_t route_table(struct route_row *rows, size_t max)
{
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/src/api/routes.c", getenv("KOUAN_SOURCE_DIR"));
	size_t len = 0, n = 0;
	char *text = it_read_file(path, &len);
	assert_non_null(text);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		struct route_row r;
		if (sscanf(line, " {\"%7[A-Z]\", \"%255[^\"]\"", r.method, r.pattern) != 2 || r.pattern[0] != '/')
			continue;
		assert_true(n < max);
		rows[n++] = r;
	}
	free(text);
	return n;
}

static const struct expect *expected(const struct route_row *r)
{
	for (size_t i = 0; i < TABLE_N; i++)
		if (strcmp(TABLE[i].method, r->method) == 0 && strcmp(TABLE[i].pattern, r->pattern) == 0)
			return &TABLE[i];
	return NULL;
}

/* The pattern with its :segments filled from res. */
static void concrete(const char *pattern, const struct resources *res, int declaration_route, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = pattern; *p && o + 24 < len;) {
		if (*p != ':') {
			out[o++] = *p++;
			continue;
		}
		size_t n = strcspn(p + 1, "/");
		long long v = strncmp(pattern, "/api/v1/options/", 16) == 0 ? option_id : 1;
		if (strncmp(p + 1, "id", n) == 0 && n == 2)
			v = declaration_route ? res->declaration : strncmp(pattern, "/api/v1/bookings/", 17) == 0 ? res->booking : v;
		else if (strncmp(p + 1, "aid", n) == 0 && n == 3)
			v = res->attachment;
		if (strncmp(p + 1, "list", n) == 0 && n == 4)
			o += (size_t)snprintf(out + o, len - o, "cargo_type");
		else if (strncmp(p + 1, "n", n) == 0 && n == 1)
			o += (size_t)snprintf(out + o, len - o, "1.png");
		else
			o += (size_t)snprintf(out + o, len - o, "%lld", v);
		p += n + 1;
	}
	out[o] = '\0';
}

static char answer_of(long status)
{
	return status == 401 ? 'U' : status == 403 ? 'D' : status == 404 ? 'H' : 'A';
}

/* One route for every role on res; mismatches printed and counted. */
static int try_route(const struct route_row *r, const char *want, const struct resources *res, const char *which)
{
	char path[PATH_LEN];
	concrete(r->pattern, res, strncmp(r->pattern, "/api/v1/declarations/", 21) == 0, path, sizeof path);
	int bad = 0;
	int has_body = strcmp(r->method, "GET") != 0 && strcmp(r->method, "DELETE") != 0;
	for (int role = 0; role < N_ROLES; role++) {
		struct it_resp resp;
		struct it_client *c = role == ROLE_ANON ? NULL : &clients[role];
		assert_int_equal(it_request(&srv, c, r->method, path, has_body ? body_for(r->pattern) : NULL, NULL, NULL, &resp), 0);
		char got = answer_of(resp.status);
		if (got != want[role]) {
			fprintf(stderr, "access: %s %s (%s) as %s: want %c, got %ld %.200s\n", r->method, path, which,
				ROLE_NAMES[role], want[role], resp.status, resp.body ? resp.body : "");
			bad++;
		}
		it_resp_free(&resp);
		if (strcmp(r->method, "DELETE") == 0 && strcmp(r->pattern, "/api/v1/session") == 0)
			login(role);	/* logged out by the route itself */
	}
	return bad;
}

static int is_read(const struct route_row *r)
{
	return strcmp(r->method, "GET") == 0;
}

static void every_route_every_role(void **state)
{
	static struct route_row rows[MAX_ROUTES];
	size_t n = route_table(rows, MAX_ROUTES);
	assert_true(n > 0);
	int missing = 0, bad = 0;
	for (size_t i = 0; i < n; i++)
		if (expected(&rows[i]) == NULL) {
			fprintf(stderr, "access: route %s %s has no row in the access table\n", rows[i].method, rows[i].pattern);
			missing++;
		}
	for (size_t t = 0; t < TABLE_N; t++) {
		int found = 0;
		for (size_t i = 0; i < n; i++)
			found |= strcmp(TABLE[t].method, rows[i].method) == 0 && strcmp(TABLE[t].pattern, rows[i].pattern) == 0;
		if (!found)
			fprintf(stderr, "access: row %s %s names no route\n", TABLE[t].method, TABLE[t].pattern);
		missing += !found;
	}
	assert_int_equal(missing, 0);

	for (int role = 0; role < N_ROLES; role++)
		login(role);
	struct it_client ent_b = {.lang = "en"}, wh2 = {.lang = "en"};
	char wpw[64];
	assert_int_equal(it_login(&srv, &ent_b, "ent_b", PW), 200);
	assert_non_null(it_demo_password(&srv, "demo_warehouse2", wpw, sizeof wpw));
	assert_int_equal(it_login(&srv, &wh2, "demo_warehouse2", wpw), 200);
	json_t *opts = call(&clients[ROLE_BUREAU], "GET", "/api/v1/options/cargo_type", NULL, 200);
	option_id = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(opts, "items"), 0), "id"));
	json_decref(opts);
	assert_true(option_id > 0);
	make_resources(&clients[ROLE_ENT], &clients[ROLE_WH], 1, "940220260149990001", &own);
	make_resources(&ent_b, &wh2, 2, "940220260149990002", &other);

	/* Reads first, then the routes that change things, so that a cancel
	 * does not turn a later read of the same booking into something else. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			const struct expect *e = expected(&rows[i]);
			if (is_read(&rows[i]) != (pass == 0))
				continue;
			bad += try_route(&rows[i], e->own, &own, "own");
			if (e->other != NULL)
				bad += try_route(&rows[i], e->other, &other, "other");
		}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_every_role),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
