/* The store against SQLite (a temporary file) and, when the file named by
 * KOUAN_TEST_PG_FILE holds a postgres:// URL (tests/pg.sh), against
 * PostgreSQL in a database of its own, emptied before each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "auth/password.h"
#include "core/log.h"
#include "store/approvals.h"
#include "store/bookings.h"
#include "store/db.h"
#include "store/overview.h"
#include "store/registrations.h"
#include "store/release.h"
#include "store/sites.h"
#include "store/store.h"
#include "store/store_internal.h"

#define URL_MAX 1024
#define FAKE_HASH "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$not-a-real-hash"

enum driver { DRV_SQLITE, DRV_PG };

/* One driver's run. */
static struct {
	enum driver drv;
	char base_dir[256];	/* sqlite: a temporary folder */
	int test_no;
	char url[URL_MAX];	/* the URL the current test opens */
	PGconn *admin;		/* pg: a connection to the test database */
	char pg_server[URL_MAX];	/* pg: the URL of tests/pg.sh */
	char pg_db[64];
} run;

struct fixture {
	struct store *st;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- per-test setup ---- */

static void pg_exec_ok(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
}

static int fresh_url(void)
{
	run.test_no++;
	if (run.drv == DRV_SQLITE) {
		snprintf(run.url, sizeof run.url, "sqlite:%s/t%d/store.db", run.base_dir, run.test_no);
		return 0;
	}
	pg_exec_ok(run.admin, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	fresh_url();
	if (store_open(run.url, 4, &f->st) != K_OK) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	free(f);
	return 0;
}

/* ---- tests ---- */

static void placeholders(void **state)
{
	int n = 0;
	char *s = db_rewrite_placeholders("SELECT '?', ?, \"a?\", 'it''s ?' FROM t WHERE a = ? AND b = ?", &n);
	assert_non_null(s);
	assert_string_equal(s, "SELECT '?', $1, \"a?\", 'it''s ?' FROM t WHERE a = $2 AND b = $3");
	assert_int_equal(n, 3);
	free(s);
	char many[DB_MAX_PARAMS + 2];
	memset(many, '?', DB_MAX_PARAMS + 1);
	many[DB_MAX_PARAMS + 1] = '\0';
	assert_null(db_rewrite_placeholders(many, &n));
}

static void open_twice(void **state)
{
	struct fixture *f = *state;
	int v = 0;
	assert_int_equal(store_schema_version(f->st, &v), K_OK);
	assert_int_equal(v, store_schema_newest());
	assert_int_equal(store_ping(f->st), K_OK);
	assert_string_equal(store_driver_name(f->st), run.drv == DRV_SQLITE ? "sqlite" : "postgres");
	/* A second store on the same database finds it migrated. */
	struct store *again = NULL;
	assert_int_equal(store_open(run.url, 2, &again), K_OK);
	assert_int_equal(store_schema_version(again, &v), K_OK);
	assert_int_equal(v, store_schema_newest());
	int64_t id = 0;
	assert_int_equal(store_org_create(again, "同一数据库", ORG_ENTERPRISE, &id), K_OK);
	struct org o;
	assert_int_equal(store_org_get(f->st, id, &o), K_OK);
	store_close(again);
}

static void bad_urls(void **state)
{
	struct store *st = NULL;
	assert_int_equal(store_open("mysql://localhost/x", 1, &st), K_VALIDATION_FAILED);
	assert_int_equal(store_open("sqlite:", 1, &st), K_VALIDATION_FAILED);
	assert_int_equal(store_open("", 1, &st), K_VALIDATION_FAILED);
	assert_int_equal(store_open(NULL, 1, &st), K_VALIDATION_FAILED);
	assert_int_equal(store_open("sqlite:/proc/kouan/cannot/x.db", 1, &st), K_DB_UNAVAILABLE);
	assert_null(st);
}

static void orgs(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t a = 0, b = 0, c = 0, site = 0;
	assert_int_equal(store_org_create(st, "乙公司", ORG_ENTERPRISE, &b), K_OK);
	assert_int_equal(store_org_create(st, "Alpha Trading", ORG_WAREHOUSE, &a), K_OK);
	assert_int_equal(store_org_create(st, "口岸管理局", ORG_BUREAU, &c), K_OK);
	assert_true(a > 0 && b > 0 && c > 0 && a != b);
	assert_int_equal(store_org_create(st, "乙公司", ORG_WAREHOUSE, NULL), K_CONFLICT);
	assert_int_equal(store_org_create(st, "x", "shipping", NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_org_create(st, "", ORG_BUREAU, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_org_create(st, "bad\xff", ORG_BUREAU, NULL), K_VALIDATION_FAILED);
	char longname[STORE_NAME_MAX + 1];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(store_org_create(st, longname, ORG_BUREAU, NULL), K_VALIDATION_FAILED);

	struct org o;
	assert_int_equal(store_org_get(st, b, &o), K_OK);
	assert_string_equal(o.name, "乙公司");
	assert_string_equal(o.kind, ORG_ENTERPRISE);
	assert_int_equal(o.site_id, 0);
	assert_int_equal(store_org_by_name(st, "Alpha Trading", &o), K_OK);
	assert_int_equal(o.id, a);
	assert_int_equal(store_org_get(st, 999999, &o), K_NOT_FOUND);
	assert_int_equal(store_org_by_name(st, "nobody", &o), K_NOT_FOUND);

	assert_int_equal(store_site_create(st, "换装场一", SITE_LISTED, &site), K_OK);
	assert_int_equal(store_org_set_site(st, a, site), K_OK);
	assert_int_equal(store_org_get(st, a, &o), K_OK);
	assert_int_equal(o.site_id, site);
	assert_int_equal(store_org_set_site(st, a, 0), K_OK);
	assert_int_equal(store_org_get(st, a, &o), K_OK);
	assert_int_equal(o.site_id, 0);
	assert_int_equal(store_org_set_site(st, a, 424242), K_CONFLICT);	/* no such site */
	assert_int_equal(store_org_set_site(st, 424242, site), K_NOT_FOUND);

	struct org *list = NULL;
	size_t n = 0;
	assert_int_equal(store_org_list(st, &list, &n), K_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "Alpha Trading");	/* by name, byte order */
	assert_string_equal(list[1].name, "乙公司");
	assert_string_equal(list[2].name, "口岸管理局");
	free(list);

	/* the registry by USCC: an application's organisation once approved */
	struct registration r = {.kind = ORG_ENTERPRISE, .created_at = 1};
	snprintf(r.organisation, sizeof r.organisation, "丙公司");
	snprintf(r.uscc, sizeof r.uscc, "9150011270Q1GCBL16");
	snprintf(r.contact_name, sizeof r.contact_name, "王芳");
	snprintf(r.contact_phone, sizeof r.contact_phone, "13912345678");
	snprintf(r.username, sizeof r.username, "bing");
	snprintf(r.token_hash, sizeof r.token_hash, "t");
	int taken = 0;
	assert_int_equal(store_registration_create(st, &r, "h", &taken), K_OK);
	assert_int_equal(store_org_by_uscc(st, r.uscc, &o), K_NOT_FOUND);	/* pending */
	assert_int_equal(store_org_registered(st, &list, &n), K_OK);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_registration_approve(st, r.id, 0), K_OK);
	assert_int_equal(store_org_by_uscc(st, r.uscc, &o), K_OK);
	assert_string_equal(o.name, "丙公司");
	assert_string_equal(o.uscc, "9150011270Q1GCBL16");
	assert_int_equal(store_org_by_uscc(st, "9150011270Q1GCBL17", &o), K_NOT_FOUND);
	assert_int_equal(store_org_registered(st, &list, &n), K_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].uscc, "9150011270Q1GCBL16");
	free(list);
}

static void sites(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t out = 0, l1 = 0, other = 0;
	/* the two fixed choices are made at start, once */
	assert_int_equal(store_site_fixed_ensure(st), K_OK);
	assert_int_equal(store_site_fixed_ensure(st), K_OK);
	struct site fixed;
	assert_int_equal(store_site_by_name(st, "霍外换装", &fixed), K_OK);
	assert_int_equal(fixed.kind, SITE_OUTSIDE_HORGOS);
	out = fixed.id;
	assert_int_equal(store_site_create(st, "B 物流", SITE_LISTED, NULL), K_OK);
	assert_int_equal(store_site_create(st, "A 物流", SITE_LISTED, &l1), K_OK);
	assert_int_equal(store_site_by_name(st, "霍内其他区域换装", &fixed), K_OK);
	assert_int_equal(fixed.kind, SITE_OTHER_HORGOS);
	other = fixed.id;
	assert_int_equal(store_site_create(st, "A 物流", SITE_OTHER_HORGOS, NULL), K_CONFLICT);
	assert_int_equal(store_site_create(st, "bad kind", 3, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_site_create(st, "bad kind", -1, NULL), K_VALIDATION_FAILED);

	struct site *list = NULL;
	size_t n = 0;
	assert_int_equal(store_site_list(st, &list, &n), K_OK);
	assert_int_equal(n, 4);
	assert_string_equal(list[0].name, "A 物流");
	assert_string_equal(list[1].name, "B 物流");
	assert_int_equal(list[2].id, other);
	assert_int_equal(list[2].kind, SITE_OTHER_HORGOS);
	assert_int_equal(list[3].id, out);
	assert_int_equal(list[0].active, 1);
	free(list);

	struct site s;
	assert_int_equal(store_site_by_name(st, "A 物流", &s), K_OK);
	assert_int_equal(s.id, l1);
	assert_int_equal(store_site_set_active(st, l1, 0), K_OK);
	assert_int_equal(store_site_get(st, l1, &s), K_OK);
	assert_int_equal(s.active, 0);
	assert_int_equal(store_site_set_active(st, 987654, 1), K_NOT_FOUND);
	assert_int_equal(store_site_get(st, 987654, &s), K_NOT_FOUND);
}

static void users(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t ent = 0, wh = 0, bureau = 0, u1 = 0, u2 = 0, u3 = 0;
	assert_int_equal(store_org_create(st, "出口企业", ORG_ENTERPRISE, &ent), K_OK);
	assert_int_equal(store_org_create(st, "仓储企业", ORG_WAREHOUSE, &wh), K_OK);
	assert_int_equal(store_org_create(st, "管理局", ORG_BUREAU, &bureau), K_OK);

	assert_int_equal(store_user_create(st, "zhang.san", "enterprise", ent, FAKE_HASH, &u1), K_OK);
	assert_int_equal(store_user_create(st, "门卫_01", "gate", 0, FAKE_HASH, &u2), K_OK);
	assert_int_equal(store_user_create(st, "bureau-1", "bureau", 0, FAKE_HASH, NULL), K_OK);
	assert_int_equal(store_user_create(st, "bureau-2", "bureau", bureau, FAKE_HASH, NULL), K_OK);
	assert_int_equal(store_user_create(st, "Иван", "warehouse", wh, FAKE_HASH, &u3), K_OK);
	assert_int_equal(store_user_create(st, "zhang.san", "admin", 0, FAKE_HASH, NULL), K_CONFLICT);

	/* The organisation must fit the role. */
	assert_int_equal(store_user_create(st, "ent-no-org", "enterprise", 0, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_user_create(st, "ent-wh-org", "enterprise", wh, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_user_create(st, "gate-org", "gate", ent, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_user_create(st, "ghost-org", "warehouse", 777777, FAKE_HASH, NULL), K_CONFLICT);
	/* Names, roles, hashes. */
	assert_int_equal(store_user_create(st, "ab", "admin", 0, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_user_create(st, "has space", "admin", 0, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_user_create(st, "semi;colon", "admin", 0, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_user_create(st, "root", "superuser", 0, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_user_create(st, "nohash", "admin", 0, "", NULL), K_VALIDATION_FAILED);
	char name65[66];
	memset(name65, 'a', 65);
	name65[65] = '\0';
	assert_int_equal(store_user_create(st, name65, "admin", 0, FAKE_HASH, NULL), K_VALIDATION_FAILED);
	name65[64] = '\0';
	assert_int_equal(store_user_create(st, name65, "admin", 0, FAKE_HASH, NULL), K_OK);

	struct user u;
	assert_int_equal(store_user_get(st, u1, &u), K_OK);
	assert_string_equal(u.username, "zhang.san");
	assert_string_equal(u.role, "enterprise");
	assert_int_equal(u.org_id, ent);
	assert_string_equal(u.password_hash, FAKE_HASH);
	assert_int_equal(u.disabled, 0);
	assert_string_equal(u.lang, "");
	assert_true(u.created_at > 1700000000);
	assert_int_equal(store_user_by_name(st, "门卫_01", &u), K_OK);
	assert_int_equal(u.id, u2);
	assert_int_equal(u.org_id, 0);
	/* names are one after NFKC case folding: a lookup folds too, a look-alike is refused */
	assert_int_equal(store_user_by_name(st, "ZHANG.SAN", &u), K_OK);
	assert_int_equal(u.id, u1);
	assert_int_equal(store_user_by_name(st, "ｚｈａｎｇ.ｓａｎ", &u), K_OK);
	assert_int_equal(store_user_create(st, "Zhang.San", "admin", 0, FAKE_HASH, NULL), K_CONFLICT);
	assert_int_equal(store_user_create(st, "zhаng.san", "admin", 0, FAKE_HASH, NULL), K_VALIDATION_FAILED);	/* Cyrillic а */
	assert_true(store_username_acceptable("张三zhang"));	/* Latin with Han */
	assert_false(store_username_acceptable("Иванivan"));
	assert_int_equal(store_user_by_name(st, "zhang.sam", &u), K_NOT_FOUND);
	assert_int_equal(store_user_get(st, 5555555, &u), K_NOT_FOUND);

	assert_int_equal(store_user_set_password(st, u3, "$argon2id$new"), K_OK);
	assert_int_equal(store_user_set_disabled(st, u3, 1), K_OK);
	assert_int_equal(store_user_set_lang(st, u3, "ru"), K_OK);
	assert_int_equal(store_user_set_lang(st, u3, "fr"), K_VALIDATION_FAILED);
	assert_int_equal(store_user_get(st, u3, &u), K_OK);
	assert_string_equal(u.password_hash, "$argon2id$new");
	assert_int_equal(u.disabled, 1);
	assert_string_equal(u.lang, "ru");
	assert_int_equal(store_user_set_disabled(st, 5555555, 1), K_NOT_FOUND);
	assert_int_equal(store_user_set_password(st, 5555555, FAKE_HASH), K_NOT_FOUND);
	assert_int_equal(store_user_set_lang(st, 5555555, "en"), K_NOT_FOUND);

	struct user *list = NULL;
	size_t n = 0;
	assert_int_equal(store_user_list(st, &list, &n), K_OK);
	assert_int_equal(n, 6);
	assert_string_equal(list[0].username, name65);
	assert_string_equal(list[1].username, "bureau-1");
	assert_string_equal(list[3].username, "zhang.san");
	assert_string_equal(list[5].username, "门卫_01");	/* UTF-8 after ASCII and Cyrillic */
	free(list);
}

static void usernames(void **state)
{
	assert_true(store_username_acceptable("abc"));
	assert_true(store_username_acceptable("a.b-c_d"));
	assert_true(store_username_acceptable("张三"));	/* 6 bytes */
	assert_true(store_username_acceptable("Пётр"));
	assert_true(store_username_acceptable("张"));	/* 3 bytes */
	assert_false(store_username_acceptable("ab"));
	assert_false(store_username_acceptable("a b"));
	assert_false(store_username_acceptable("a/b"));
	assert_false(store_username_acceptable("abc\n"));
	assert_false(store_username_acceptable("ab\xff"));
	assert_false(store_username_acceptable("a\xe3\x80\x80" "b"));	/* ideographic space */
	assert_false(store_username_acceptable(NULL));
	assert_string_equal(store_role_org_kind("warehouse"), ORG_WAREHOUSE);
	assert_null(store_role_org_kind("gate"));
	assert_null(store_role_org_kind("nobody"));
}

static struct session make_session(const char *token, int64_t user, int64_t created, int64_t seen)
{
	struct session s = {.user_id = user, .created_at = created, .last_seen = seen};
	snprintf(s.token_hash, sizeof s.token_hash, "%s", token);
	snprintf(s.csrf_token, sizeof s.csrf_token, "csrf-%s", token);
	return s;
}

static void sessions(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t u1 = 0, u2 = 0;
	assert_int_equal(store_user_create(st, "gate1", "gate", 0, FAKE_HASH, &u1), K_OK);
	assert_int_equal(store_user_create(st, "admin1", "admin", 0, FAKE_HASH, &u2), K_OK);

	struct session a = make_session("aaaa", u1, 1000, 1000);
	struct session b = make_session("bbbb", u1, 2000, 2500);
	struct session c = make_session("cccc", u2, 3000, 3000);
	struct session d = make_session("dddd", u2, 100, 3500);
	assert_int_equal(store_session_create(st, &a), K_OK);
	assert_int_equal(store_session_create(st, &b), K_OK);
	assert_int_equal(store_session_create(st, &c), K_OK);
	assert_int_equal(store_session_create(st, &d), K_OK);
	assert_int_equal(store_session_create(st, &a), K_CONFLICT);
	struct session orphan = make_session("eeee", 99999, 1, 1);
	assert_int_equal(store_session_create(st, &orphan), K_CONFLICT);	/* no such user */
	struct session empty = make_session("", u1, 1, 1);
	assert_int_equal(store_session_create(st, &empty), K_VALIDATION_FAILED);

	struct session got;
	assert_int_equal(store_session_get(st, "bbbb", &got), K_OK);
	assert_string_equal(got.csrf_token, "csrf-bbbb");
	assert_int_equal(got.user_id, u1);
	assert_int_equal(got.created_at, 2000);
	assert_int_equal(got.last_seen, 2500);
	assert_int_equal(store_session_get(st, "zzzz", &got), K_NOT_FOUND);
	assert_int_equal(store_session_get(st, "", &got), K_NOT_FOUND);

	assert_int_equal(store_session_touch(st, "aaaa", 5000), K_OK);
	assert_int_equal(store_session_get(st, "aaaa", &got), K_OK);
	assert_int_equal(got.last_seen, 5000);
	assert_int_equal(store_session_touch(st, "zzzz", 5000), K_NOT_FOUND);

	/* Purge: b is idle since 2500, d was created at 100. */
	assert_int_equal(store_session_purge(st, 500, 2600), K_OK);
	assert_int_equal(store_session_get(st, "aaaa", &got), K_OK);
	assert_int_equal(store_session_get(st, "bbbb", &got), K_NOT_FOUND);
	assert_int_equal(store_session_get(st, "cccc", &got), K_OK);
	assert_int_equal(store_session_get(st, "dddd", &got), K_NOT_FOUND);

	assert_int_equal(store_session_delete(st, "aaaa"), K_OK);
	assert_int_equal(store_session_delete(st, "aaaa"), K_NOT_FOUND);
	assert_int_equal(store_session_delete_user(st, u2), K_OK);
	assert_int_equal(store_session_get(st, "cccc", &got), K_NOT_FOUND);
	assert_int_equal(store_session_delete_user(st, u2), K_OK);	/* nothing left: still fine */
}

/* store_session_check: what a session's rights rest on, in one statement. */
static void session_checks(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t org = 0, user = 0;
	assert_int_equal(store_org_create(st, "检查仓储", ORG_WAREHOUSE, &org), K_OK);
	assert_int_equal(store_user_create(st, "wh_check", "warehouse", org, FAKE_HASH, &user), K_OK);
	struct session s = make_session("kkkk", user, 1000, 1200);
	assert_int_equal(store_session_create(st, &s), K_OK);
	struct session_check k;
	assert_int_equal(store_session_check(st, "kkkk", &k), K_OK);
	assert_int_equal(k.user_id, user);
	assert_int_equal(k.org_id, org);
	assert_int_equal(k.site_id, 0);
	assert_int_equal(k.last_seen, 1200);
	assert_int_equal(k.disabled, 0);
	assert_string_equal(k.role, "warehouse");
	assert_string_equal(k.lang, "");
	/* what would change a cached caller shows here */
	int64_t site = 0;
	assert_int_equal(store_site_create(st, "检查换装场", SITE_LISTED, &site), K_OK);
	assert_int_equal(store_org_set_site(st, org, site), K_OK);
	assert_int_equal(store_user_set_disabled(st, user, 1), K_OK);
	assert_int_equal(store_user_set_lang(st, user, "ru"), K_OK);
	assert_int_equal(store_session_check(st, "kkkk", &k), K_OK);
	assert_int_equal(k.site_id, site);
	assert_int_equal(k.disabled, 1);
	assert_string_equal(k.lang, "ru");
	assert_int_equal(store_session_delete(st, "kkkk"), K_OK);
	assert_int_equal(store_session_check(st, "kkkk", &k), K_NOT_FOUND);
	assert_int_equal(store_session_check(st, "", &k), K_NOT_FOUND);
}

/* store_hold_read: the thread's reads share one connection (on SQLite one
 * snapshot) while its writes go on as always; a pool of one holds nothing. */
static void held_reads(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t user = 0;
	assert_int_equal(store_user_create(st, "gate_hold", "gate", 0, FAKE_HASH, &user), K_OK);
	struct session s = make_session("hold", user, 1000, 1000);
	assert_int_equal(store_session_create(st, &s), K_OK);
	struct session_check k;
	assert_int_equal(store_hold_read(st), K_OK);
	assert_int_equal(store_hold_read(st), K_INTERNAL);	/* one at a time */
	assert_int_equal(store_session_check(st, "hold", &k), K_OK);
	assert_int_equal(store_session_delete(st, "hold"), K_OK);	/* a write meanwhile: another connection */
	/* SQLite: still the snapshot of the first read; PostgreSQL: each statement its own */
	assert_int_equal(store_session_check(st, "hold", &k), run.drv == DRV_SQLITE ? K_OK : K_NOT_FOUND);
	store_release_read(st);
	assert_int_equal(store_session_check(st, "hold", &k), K_NOT_FOUND);
	store_release_read(st);	/* nothing held: nothing to do */

	struct store *one = NULL;
	assert_int_equal(store_open(run.url, 1, &one), K_OK);
	assert_int_equal(store_hold_read(one), K_OK);	/* would leave no connection for a write: nothing held */
	assert_int_equal(store_session_create(one, &s), K_OK);
	assert_int_equal(store_session_check(one, "hold", &k), K_OK);
	store_release_read(one);
	store_close(one);
}

/* A booking's stamp moves with every change its document shows. */
static void booking_stamps(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t org = 0, user = 0, id = 0, att = 0;
	assert_int_equal(store_org_create(st, "戳企业", ORG_ENTERPRISE, &org), K_OK);
	assert_int_equal(store_user_create(st, "ent_stamp", "enterprise", org, FAKE_HASH, &user), K_OK);
	json_t *doc = json_object();
	assert_int_equal(store_booking_create(st, org, user, KIND_HEAVY_TRUCK, 0, doc, &id, NULL), K_OK);
	json_decref(doc);
	struct booking_meta m;
	struct booking_stamp at, again;
	assert_int_equal(store_booking_stamp(st, id, &m, &at), K_OK);
	assert_int_equal(m.org_id, org);
	assert_int_equal(at.version, m.version);
	assert_int_equal(at.last_attachment_id, 0);
	assert_int_equal(store_booking_stamp(st, id + 1000, &m, &again), K_NOT_FOUND);
	/* an attachment: the same version, a new stamp, the one the whole read gives */
	struct attachment_meta am = {.booking_id = id, .size = 3};
	snprintf(am.type, sizeof am.type, "other");
	snprintf(am.content_type, sizeof am.content_type, "application/pdf");
	snprintf(am.filename, sizeof am.filename, "a.pdf");
	assert_int_equal(store_attachment_add(st, &am, (const unsigned char *)"abc", user, &att), K_OK);
	assert_int_equal(store_booking_stamp(st, id, &m, &again), K_OK);
	assert_int_equal(again.version, at.version);
	assert_int_equal(again.last_attachment_id, att);
	assert_int_equal(store_booking_get(st, id, &m, &doc), K_OK);
	struct booking_stamp of = store_booking_stamp_of(&m, doc);
	assert_int_equal(of.version, again.version);
	assert_int_equal(of.last_attachment_id, again.last_attachment_id);
	/* a write of its keys: a new version */
	json_object_set_new(doc, "contact", json_string("13912345678"));
	assert_int_equal(store_booking_save(st, &m, NULL, doc, NULL), K_OK);
	json_decref(doc);
	assert_int_equal(store_booking_stamp(st, id, &m, &again), K_OK);
	assert_int_equal(again.version, at.version + 1);
}

/* booking_org_id of a child table's rows of a booking, as a witness: the
 * test marks the rows, a save that rewrites them writes the organisation
 * again, one that keeps them leaves the mark. */
#define CHILD_MARK (-7)

static int64_t child_org(struct store *st, const char *sql, int64_t id)
{
	int64_t org = 0;
	assert_int_equal(store_q_one(st, sql, store_q_row_int64, &org, "i", id), K_OK);
	return org;
}

static void mark_children(struct store *st, int64_t id)
{
	assert_int_equal(store_q_write(st, 1, "UPDATE booking_plates SET booking_org_id = ? WHERE booking_id = ?", "ii",
		(int64_t)CHILD_MARK, id), K_OK);
	assert_int_equal(store_q_write(st, 1, "UPDATE booking_vehicles SET booking_org_id = ? WHERE booking_id = ?", "ii",
		(int64_t)CHILD_MARK, id), K_OK);
}

#define PLATE_ORG_SQL "SELECT MIN(booking_org_id) FROM booking_plates WHERE booking_id = ?"
#define VEHICLE_ORG_SQL "SELECT MIN(booking_org_id) FROM booking_vehicles WHERE booking_id = ?"

/* A save given the document as read leaves the plates and vehicles it
 * already holds as they are (not deleted and written again), and rewrites
 * those that changed; without it (NULL) it rewrites both. */
static void booking_save_keeps_children(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t org = 0, user = 0, id = 0;
	assert_int_equal(store_org_create(st, "子行企业", ORG_ENTERPRISE, &org), K_OK);
	assert_int_equal(store_user_create(st, "ent_children", "enterprise", org, FAKE_HASH, &user), K_OK);
	json_t *doc = json_pack("{s:[s],s:[{s:s,s:s,s:s,s:s,s:s,s:s,s:s}]}", "plates", "新F00001", "vehicles", "vin",
		"LSVAM4187C2184847", "plate", "", "brand", "", "colour", "", "displacement", "", "power", "", "tonnage", "");
	assert_int_equal(store_booking_create(st, org, user, KIND_HEAVY_TRUCK, 0, doc, &id, NULL), K_OK);
	json_decref(doc);
	assert_int_equal(child_org(st, PLATE_ORG_SQL, id), org);
	struct booking_meta m;
	json_t *before = NULL;

	/* the same children: kept (the mark stays), the row itself written */
	assert_int_equal(store_booking_get_lean(st, id, &m, &before), K_OK);
	mark_children(st, id);
	doc = json_copy(before);
	json_object_set_new(doc, "contact", json_string("13912345678"));
	struct booking_fresh f = {0};
	assert_int_equal(store_booking_save(st, &m, before, doc, &f), K_OK);
	assert_int_equal(f.meta.version, m.version + 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(f.doc, "plates"), 0)), "新F00001");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(f.doc, "vehicles"), 0),
		"vin")), "LSVAM4187C2184847");
	assert_int_equal(child_org(st, PLATE_ORG_SQL, id), CHILD_MARK);
	assert_int_equal(child_org(st, VEHICLE_ORG_SQL, id), CHILD_MARK);
	json_decref(f.doc);
	json_decref(doc);
	json_decref(before);

	/* other plates, the same vehicles: the plates rewritten, the vehicles kept */
	assert_int_equal(store_booking_get_lean(st, id, &m, &before), K_OK);
	doc = json_copy(before);
	json_object_set_new(doc, "plates", json_pack("[s,s]", "新F00002", "新F00003"));
	assert_int_equal(store_booking_save(st, &m, before, doc, &f), K_OK);
	assert_int_equal(json_array_size(json_object_get(f.doc, "plates")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(f.doc, "plates"), 1)), "新F00003");
	assert_int_equal(child_org(st, PLATE_ORG_SQL, id), org);
	assert_int_equal(child_org(st, VEHICLE_ORG_SQL, id), CHILD_MARK);
	json_decref(f.doc);
	json_decref(doc);
	json_decref(before);

	/* unknown before: both rewritten */
	assert_int_equal(store_booking_get_lean(st, id, &m, &doc), K_OK);
	assert_int_equal(store_booking_save(st, &m, NULL, doc, NULL), K_OK);
	assert_int_equal(child_org(st, VEHICLE_ORG_SQL, id), org);
	json_decref(doc);

	/* a save from a stale version changes nothing and says so */
	assert_int_equal(store_booking_get_lean(st, id, &m, &before), K_OK);
	m.version--;
	assert_int_equal(store_booking_save(st, &m, before, before, NULL), K_CONFLICT);
	m.id += 1000;
	m.version++;
	assert_int_equal(store_booking_save(st, &m, before, before, NULL), K_NOT_FOUND);
	/* cancelled: no longer editable */
	struct booking_transition t = {.booking_id = id, .action = ACTION_CANCEL, .to = STATE_CANCELLED, .actor_id = user,
		.fresh = &f};
	assert_int_equal(store_booking_transition(st, &t), K_OK);
	assert_int_equal(store_booking_save(st, &f.meta, before, before, NULL), K_WRONG_STATE);
	m.id = id;
	assert_int_equal(store_booking_save(st, &m, before, before, NULL), K_WRONG_STATE);
	json_decref(f.doc);
	json_decref(before);
}

static void options(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	char **v = NULL;
	size_t n = 99;
	assert_int_equal(store_option_list(st, "fuel_type", &v, &n), K_OK);
	assert_int_equal(n, 0);
	store_strings_free(v, n);
	assert_int_equal(store_option_add(st, "fuel_type", "柴油"), K_OK);
	assert_int_equal(store_option_add(st, "fuel_type", "汽油"), K_OK);
	assert_int_equal(store_option_add(st, "fuel_type", "'; DROP TABLE users; --"), K_OK);
	assert_int_equal(store_option_add(st, "usage_type", "柴油"), K_OK);	/* same value, other list */
	assert_int_equal(store_option_add(st, "fuel_type", "柴油"), K_CONFLICT);
	assert_int_equal(store_option_add(st, "colours", "red"), K_VALIDATION_FAILED);
	assert_int_equal(store_option_add(st, "fuel_type", ""), K_VALIDATION_FAILED);
	assert_int_equal(store_option_list(st, "colours", &v, &n), K_VALIDATION_FAILED);

	assert_int_equal(store_option_list(st, "fuel_type", &v, &n), K_OK);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "柴油");
	assert_string_equal(v[1], "汽油");
	assert_string_equal(v[2], "'; DROP TABLE users; --");
	store_strings_free(v, n);

	assert_int_equal(store_option_remove(st, "fuel_type", "汽油"), K_OK);
	assert_int_equal(store_option_remove(st, "fuel_type", "汽油"), K_NOT_FOUND);
	assert_int_equal(store_option_add(st, "fuel_type", "汽油"), K_OK);	/* back, at the end */
	assert_int_equal(store_option_list(st, "fuel_type", &v, &n), K_OK);
	assert_int_equal(n, 3);
	assert_string_equal(v[2], "汽油");
	store_strings_free(v, n);
}

/* Parse "demo-account username=U role=R password=P"; 1 when the line fits. */
static int parse_demo_line(const char *line, char *user, char *role, char *pw)
{
	const char *p = line;
	const char *fields[] = {"demo-account username=", " role=", " password="};
	char *out[] = {user, role, pw};
	for (int i = 0; i < 3; i++) {
		size_t fl = strlen(fields[i]);
		if (strncmp(p, fields[i], fl) != 0)
			return 0;
		p += fl;
		size_t k = 0;
		while (*p && *p != ' ' && *p != '\n' && k < 63)
			out[i][k++] = *p++;
		out[i][k] = '\0';
		if (k == 0)
			return 0;
	}
	return *p == '\n';
}

static void demo_seed(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(store_demo_seed(st, f), K_OK);
	fclose(f);

	static const char *const expect[][2] = {{"demo_enterprise", "enterprise"}, {"demo_warehouse1", "warehouse"},
		{"demo_warehouse2", "warehouse"}, {"demo_bureau", "bureau"}, {"demo_gate", "gate"},
		{"demo_admin", "admin"}};
	const char *line = buf;
	for (int i = 0; i < 6; i++) {
		char user[64], role[64], pw[64];
		assert_non_null(line);
		assert_true(parse_demo_line(line, user, role, pw));
		assert_string_equal(user, expect[i][0]);
		assert_string_equal(role, expect[i][1]);
		assert_true(strlen(pw) >= 12);
		struct user u;
		assert_int_equal(store_user_by_name(st, user, &u), K_OK);
		assert_string_equal(u.role, role);
		assert_int_equal(auth_password_verify(u.password_hash, pw, strlen(pw)), 1);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	assert_string_equal(line, "");
	free(buf);

	/* Sites, organisations, option lists. */
	struct site *sites = NULL;
	size_t ns = 0;
	assert_int_equal(store_site_list(st, &sites, &ns), K_OK);
	assert_int_equal(ns, 5);
	assert_int_equal(sites[3].kind, SITE_OTHER_HORGOS);
	assert_string_equal(sites[3].name, "霍内其他区域换装");
	assert_int_equal(sites[4].kind, SITE_OUTSIDE_HORGOS);
	assert_string_equal(sites[4].name, "霍外换装");
	free(sites);
	struct user w1, w2;
	struct org o1, o2;
	assert_int_equal(store_user_by_name(st, "demo_warehouse1", &w1), K_OK);
	assert_int_equal(store_user_by_name(st, "demo_warehouse2", &w2), K_OK);
	assert_int_equal(store_org_get(st, w1.org_id, &o1), K_OK);
	assert_int_equal(store_org_get(st, w2.org_id, &o2), K_OK);
	assert_string_equal(o1.kind, ORG_WAREHOUSE);
	assert_true(o1.site_id != 0 && o2.site_id != 0 && o1.site_id != o2.site_id);
	struct site s;
	assert_int_equal(store_site_get(st, o1.site_id, &s), K_OK);
	assert_int_equal(s.kind, SITE_LISTED);
	static const struct {
		const char *list, *first;
		size_t n;
	} lists[] = {{"clearance_mode", "一般申报", 3}, {"cargo_type", "一般货物", 5},
		{"customs_warehouse", "霍尔果斯公路口岸监管作业场所", 3}, {"usage_type", "非营运", 3},
		{"fuel_type", "汽油", 6}};
	for (size_t i = 0; i < 5; i++) {
		char **v = NULL;
		size_t n = 0;
		assert_int_equal(store_option_list(st, lists[i].list, &v, &n), K_OK);
		assert_int_equal(n, lists[i].n);
		assert_string_equal(v[0], lists[i].first);
		store_strings_free(v, n);
	}

	/* Again: nothing printed, nothing added, passwords kept. */
	struct user before;
	assert_int_equal(store_user_by_name(st, "demo_admin", &before), K_OK);
	f = open_memstream(&buf, &len);
	assert_int_equal(store_demo_seed(st, f), K_OK);
	fclose(f);
	assert_int_equal(len, 0);
	free(buf);
	struct user after;
	assert_int_equal(store_user_by_name(st, "demo_admin", &after), K_OK);
	assert_string_equal(before.password_hash, after.password_hash);
	struct org *orgs = NULL;
	size_t no = 0;
	assert_int_equal(store_org_list(st, &orgs, &no), K_OK);
	assert_int_equal(no, 4);
	free(orgs);
	assert_int_equal(store_site_list(st, &sites, &ns), K_OK);
	assert_int_equal(ns, 5);
	free(sites);
	char **v = NULL;
	size_t n = 0;
	assert_int_equal(store_option_list(st, "fuel_type", &v, &n), K_OK);
	assert_int_equal(n, 6);
	store_strings_free(v, n);
}

struct seeder {
	char *buf;
	size_t len;
	enum kerr e;
};

static void *seed_own_store(void *arg)
{
	struct seeder *sd = arg;
	struct store *st = NULL;
	FILE *f = open_memstream(&sd->buf, &sd->len);
	sd->e = store_open(run.url, 2, &st);
	if (sd->e == K_OK)
		sd->e = store_demo_seed(st, f);
	fclose(f);
	store_close(st);
	return NULL;
}

#define DEMO_RACE_ROUNDS 5	/* the race is lost only now and then (PostgreSQL's unique checks while both insert) */

/* Two servers seeding one new database at once: both succeed and each account is printed once. */
static void demo_seed_race_once(void)
{
	fresh_url();
	struct seeder sd[2] = {{0}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, seed_own_store, &sd[i]), 0);
	int lines = 0;
	enum kerr e[2];
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		e[i] = sd[i].e;
		for (const char *p = sd[i].buf; (p = strstr(p, "demo-account ")) != NULL; p++)
			lines++;
		free(sd[i].buf);
	}
	assert_int_equal(e[0], K_OK);
	assert_int_equal(e[1], K_OK);
	assert_int_equal(lines, 6);
}

static void demo_seed_race(void **state)
{
	(void)state;
	for (int round = 0; round < DEMO_RACE_ROUNDS; round++)
		demo_seed_race_once();
}

/* ---- concurrency ---- */

#define THREADS 8
#define CALLS 150

struct worker {
	struct store *st;
	int no;
	int64_t user_id;
	int failures;
	enum kerr first_failure;
};

static void expect(struct worker *w, enum kerr got, enum kerr want)
{
	if (got != want && w->failures++ == 0)
		w->first_failure = got;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	char token[STORE_TOKEN_MAX], key[64], name[64];
	snprintf(key, sizeof key, "user:w%d", w->no);
	for (int i = 0; i < CALLS; i++) {
		snprintf(token, sizeof token, "tok-%d-%d", w->no, i);
		struct session s = make_session(token, w->user_id, 1000 + i, 1000 + i);
		struct session got;
		expect(w, store_session_create(w->st, &s), K_OK);
		expect(w, store_session_get(w->st, token, &got), K_OK);
		expect(w, store_session_touch(w->st, token, 9000), K_OK);
		int64_t count = 0;
		expect(w, store_throttle_fail(w->st, "login", key, "127.0.0.1", i, 0, &count), K_OK);
		if (i % 10 == 0) {
			snprintf(name, sizeof name, "worker%d_%d", w->no, i);
			expect(w, store_user_create(w->st, name, "gate", 0, FAKE_HASH, NULL), K_OK);
			enum kerr e = store_user_create(w->st, "shared_name", "gate", 0, FAKE_HASH, NULL);
			expect(w, e == K_CONFLICT ? K_OK : e, K_OK);	/* one thread wins, the others conflict */
			char **v = NULL;
			size_t n = 0;
			expect(w, store_option_list(w->st, "cargo_type", &v, &n), K_OK);
			store_strings_free(v, n);
		}
		if (i % 2)
			expect(w, store_session_delete(w->st, token), K_OK);
	}
	int64_t n = 0, last = 0;
	expect(w, store_throttle_get(w->st, "login", key, "127.0.0.1", 0, &n, &last), K_OK);
	if (n != CALLS && w->failures++ == 0)
		w->first_failure = K_INTERNAL;
	return NULL;
}

/* The organisation's bookings, newest first, as a list (store_q_wide: on
 * SQLite a read of the mapped file) gives them. */
static size_t listed(struct store *st, int64_t org)
{
	struct booking_filter f = {.scope = {.org_id = org}, .state = -1, .kind = -1, .limit = 50};
	json_t *items = NULL;
	int64_t next = 0;
	assert_int_equal(store_booking_list(st, &f, &items, &next), K_OK);
	size_t n = json_array_size(items);
	json_decref(items);
	return n;
}

/* A write's answer is the booking its own transaction read after writing
 * (struct booking_fresh); a write that fails gives none. A list after each
 * write sees it, although the writes run on the writer's connection and
 * the lists on a pool connection that maps the file only for the list. */
static void booking_fresh_reads(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t org = 0, user = 0, id = 0, other = 0;
	int org_created = 0;
	assert_int_equal(store_org_create(st, "回读企业", ORG_ENTERPRISE, &org), K_OK);
	assert_int_equal(store_user_add(st, "reader", "enterprise", "回读企业", FAKE_HASH, &user, &org_created), K_OK);
	json_t *doc = json_pack("{s:s}", "declaration_no", "940220250000000001");
	struct booking_fresh f = {0};
	assert_int_equal(store_booking_create(st, org, user, KIND_HEAVY_TRUCK, 0, doc, &id, &f), K_OK);
	assert_non_null(f.doc);
	assert_int_equal(f.meta.id, id);
	assert_int_equal(f.meta.version, 1);
	assert_int_equal(f.meta.state, STATE_DRAFT);
	assert_string_equal(json_string_value(json_object_get(f.doc, "declaration_no")), "940220250000000001");
	assert_int_equal(json_array_size(json_object_get(f.doc, "history")), 1);
	assert_int_equal(listed(st, org), 1);
	struct booking_meta m = f.meta;
	json_decref(f.doc);

	json_object_set_new(doc, "contact", json_string("13900000000"));
	assert_int_equal(store_booking_save(st, &m, NULL, doc, &f), K_OK);
	assert_int_equal(f.meta.version, 2);
	assert_string_equal(json_string_value(json_object_get(f.doc, "contact")), "13900000000");
	json_decref(f.doc);
	assert_int_equal(store_booking_save(st, &m, NULL, doc, &f), K_CONFLICT);	/* m is at version 1 still */
	assert_null(f.doc);

	assert_int_equal(store_booking_create(st, org, user, KIND_HEAVY_TRUCK, 0, doc, &other, NULL), K_OK);
	assert_int_equal(listed(st, org), 2);

	struct booking_transition t = {.booking_id = id, .action = ACTION_CANCEL, .to = STATE_CANCELLED, .actor_id = user,
		.reason = "test", .fresh = &f};
	assert_int_equal(store_booking_transition(st, &t), K_OK);
	assert_int_equal(f.meta.state, STATE_CANCELLED);
	assert_int_equal(f.meta.version, 3);
	assert_int_equal(json_array_size(json_object_get(f.doc, "history")), 2);
	json_decref(f.doc);
	assert_int_equal(store_booking_transition(st, &t), K_WRONG_STATE);	/* cancelled already */
	assert_null(f.doc);
	json_decref(doc);
}

static void concurrency(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	double start = now_s();
	for (int i = 0; i < THREADS; i++) {
		char name[32];
		snprintf(name, sizeof name, "owner%d", i);
		w[i] = (struct worker){.st = st, .no = i};
		assert_int_equal(store_user_create(st, name, "admin", 0, FAKE_HASH, &w[i].user_id), K_OK);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failures)
			fail_msg("worker %d: %d failures, first %s", i, w[i].failures, kerr_code(w[i].first_failure));
	}
	struct user *list = NULL;
	size_t n = 0;
	assert_int_equal(store_user_list(st, &list, &n), K_OK);
	assert_int_equal(n, THREADS + THREADS * (CALLS / 10) + 1);	/* owners, workers' users, shared_name once */
	free(list);
	/* Half of every worker's sessions remain. */
	struct session got;
	assert_int_equal(store_session_get(st, "tok-3-0", &got), K_OK);
	assert_int_equal(got.last_seen, 9000);
	assert_int_equal(store_session_get(st, "tok-3-1", &got), K_NOT_FOUND);
	print_message("%s: %d threads x %d calls in %.2f s\n", store_driver_name(st), THREADS, CALLS * 4,
		now_s() - start);
}

struct opener {
	enum kerr e;
};

static void *open_close(void *arg)
{
	struct opener *o = arg;
	struct store *st = NULL;
	o->e = store_open(run.url, 1, &st);
	if (o->e == K_OK)
		o->e = store_ping(st);
	store_close(st);
	return NULL;
}

/* Several servers starting at once on a new database: the migration lock
 * makes them take turns, and none is refused (on SQLite, turning the new
 * file to WAL races too). Repeated on new databases, as the race is short. */
static void concurrent_open(void **state)
{
	for (int round = 0; round < 20; round++) {
		fresh_url();
		struct opener o[4];
		pthread_t t[4];
		for (int i = 0; i < 4; i++)
			assert_int_equal(pthread_create(&t[i], NULL, open_close, &o[i]), 0);
		for (int i = 0; i < 4; i++) {
			pthread_join(t[i], NULL);
			assert_int_equal(o[i].e, K_OK);
		}
		struct store *st = NULL;
		int v = 0;
		assert_int_equal(store_open(run.url, 1, &st), K_OK);
		assert_int_equal(store_schema_version(st, &v), K_OK);
		assert_int_equal(v, store_schema_newest());
		store_close(st);
	}
}

/* A port nobody listens on: store_open fails fast. */
static void pg_closed_port(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	close(fd);
	char url[128];
	snprintf(url, sizeof url, "postgres://postgres@127.0.0.1:%d/kouan", ntohs(a.sin_port));
	struct store *st = NULL;
	double start = now_s();
	assert_int_equal(store_open(url, 2, &st), K_DB_UNAVAILABLE);
	assert_true(now_s() - start < 2.0);
	assert_null(st);
}

struct pinger {
	struct store *st;
	int failures;
};

static void *ping_many(void *arg)
{
	struct pinger *p = arg;
	for (int i = 0; i < 20; i++)
		if (store_ping(p->st) != K_OK)
			p->failures++;
	return NULL;
}

/* The server ends our backends (as at a restart): the pool reconnects each
 * connection when it is next lent, and no call fails. */
static void pg_reset(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t id = 0;
	assert_int_equal(store_org_create(st, "before", ORG_BUREAU, &id), K_OK);
	pg_exec_ok(run.admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		" WHERE datname = current_database() AND pid <> pg_backend_pid()");
	usleep(200 * 1000);	/* let the termination notices arrive */
	double start = now_s();
	/* More threads than connections, so that every pooled one is used. */
	struct pinger p[8];
	pthread_t t[8];
	for (int i = 0; i < 8; i++) {
		p[i] = (struct pinger){.st = st};
		assert_int_equal(pthread_create(&t[i], NULL, ping_many, &p[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(p[i].failures, 0);
	}
	struct org o;
	assert_int_equal(store_org_get(st, id, &o), K_OK);
	assert_true(now_s() - start < 5.0);
}

/* ---- the statements a PostgreSQL connection keeps prepared (db_pg.c) ---- */

/* Run sql with one bound value on c; *out gets column 0 of its one row. */
static enum kerr run_int(struct db_conn *c, const char *sql, int64_t v, int64_t *out)
{
	const struct db_driver *d = &db_pg_driver;
	struct db_stmt *s = NULL;
	int row = 0;
	enum kerr e = d->prepare(c, sql, &s);
	if (e == K_OK && strchr(sql, '?') != NULL)
		e = d->bind_int64(s, 1, v);
	if (e == K_OK)
		e = d->step(s, &row);
	if (e == K_OK && out != NULL)
		*out = row ? d->column_int64(s, 0) : -1;
	if (s != NULL)
		d->finalize(s);
	return e;
}

/* How many statements of text pg_text the session of c holds prepared. */
static int64_t prepared_as(struct db_conn *c, const char *pg_text)
{
	const struct db_driver *d = &db_pg_driver;
	struct db_stmt *s = NULL;
	int row = 0;
	int64_t n = -1;
	assert_int_equal(d->prepare(c, "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = ?", &s), K_OK);
	assert_int_equal(d->bind_text(s, 1, pg_text), K_OK);
	assert_int_equal(d->step(s, &row), K_OK);
	assert_int_equal(row, 1);
	n = d->column_int64(s, 0);
	d->finalize(s);
	return n;
}

static void expect_int(struct db_conn *c, const char *sql, int64_t v, int64_t want)
{
	int64_t got = 0;
	assert_int_equal(run_int(c, sql, v, &got), K_OK);
	assert_int_equal(got, want);
}

/* A text runs prepared once per session; a failing call leaves it usable;
 * a text the server refuses, or met in a failed transaction, is not kept. */
static void pg_statement_cache(void **state)
{
	(void)state;
	const struct db_driver *d = &db_pg_driver;
	struct db_conn *c = NULL;
	fresh_url();
	assert_int_equal(d->open(run.url, &c), K_OK);
	expect_int(c, "SELECT ? + 1", 41, 42);
	expect_int(c, "SELECT ? + 1", 1, 2);
	assert_int_equal(prepared_as(c, "SELECT $1 + 1"), 1);
	/* a unique violation of a prepared INSERT: the next call of it works */
	assert_int_equal(d->exec(c, "CREATE TABLE cache_probe (k INTEGER PRIMARY KEY)"), K_OK);
	assert_int_equal(run_int(c, "INSERT INTO cache_probe (k) VALUES (?)", 1, NULL), K_OK);
	assert_int_equal(run_int(c, "INSERT INTO cache_probe (k) VALUES (?)", 1, NULL), K_CONFLICT);
	assert_int_equal(run_int(c, "INSERT INTO cache_probe (k) VALUES (?)", 2, NULL), K_OK);
	assert_int_equal(prepared_as(c, "INSERT INTO cache_probe (k) VALUES ($1)"), 1);
	/* a text the server refuses is an error each time, and nothing is kept */
	assert_int_equal(run_int(c, "SELEC ? + 2", 1, NULL), K_DB_UNAVAILABLE);
	assert_int_equal(d->last_error(c), DB_ERR_FAILED);
	assert_int_equal(prepared_as(c, "SELEC $1 + 2"), 0);
	expect_int(c, "SELECT ? + 1", 2, 3);
	/* a new text in a failed transaction fails with it; afterwards it runs */
	assert_int_equal(d->begin(c), K_OK);
	assert_int_equal(run_int(c, "INSERT INTO cache_probe (k) VALUES (?)", 2, NULL), K_CONFLICT);
	assert_int_equal(run_int(c, "SELECT ? * 3", 5, NULL), K_DB_UNAVAILABLE);
	assert_int_equal(d->rollback(c), K_OK);
	assert_int_equal(prepared_as(c, "SELECT $1 * 3"), 0);
	expect_int(c, "SELECT ? * 3", 5, 15);
	/* prepared in a transaction rolled back: a prepared statement outlives it */
	assert_int_equal(d->begin(c), K_OK);
	expect_int(c, "SELECT ? - 1", 5, 4);
	assert_int_equal(d->rollback(c), K_OK);
	expect_int(c, "SELECT ? - 1", 7, 6);
	assert_int_equal(prepared_as(c, "SELECT $1 - 1"), 1);
	d->close(c);
}

/* Past DB_PG_PREPARED_MAX texts a connection runs new ones unnamed, and
 * those it keeps still run by their names. */
static void pg_statement_cache_full(void **state)
{
	(void)state;
	const struct db_driver *d = &db_pg_driver;
	struct db_conn *c = NULL;
	char sql[64];
	fresh_url();
	assert_int_equal(d->open(run.url, &c), K_OK);
	expect_int(c, "SELECT ? + 1", 1, 2);
	/* prepared_as's own text takes a place too */
	assert_int_equal(prepared_as(c, "SELECT $1 + 1"), 1);
	for (int k = 2; k < DB_PG_PREPARED_MAX; k++) {
		snprintf(sql, sizeof sql, "SELECT ? + %d", k);
		expect_int(c, sql, 1, 1 + k);
	}
	snprintf(sql, sizeof sql, "SELECT ? + %d", DB_PG_PREPARED_MAX);
	expect_int(c, sql, 1, 1 + DB_PG_PREPARED_MAX);
	expect_int(c, sql, 2, 2 + DB_PG_PREPARED_MAX);
	char pg_text[64];
	snprintf(pg_text, sizeof pg_text, "SELECT $1 + %d", DB_PG_PREPARED_MAX);
	assert_int_equal(prepared_as(c, pg_text), 0);
	snprintf(pg_text, sizeof pg_text, "SELECT $1 + %d", DB_PG_PREPARED_MAX - 1);
	assert_int_equal(prepared_as(c, pg_text), 1);
	expect_int(c, "SELECT ? + 1", 5, 6);
	assert_int_equal(prepared_as(c, "SELECT $1 + 1"), 1);
	d->close(c);
}

/* The server forgets a statement (DEALLOCATE ALL, a table changed shape
 * under it): that call fails, the next prepares the text again. */
static void pg_statement_cache_stale(void **state)
{
	(void)state;
	const struct db_driver *d = &db_pg_driver;
	struct db_conn *c = NULL;
	fresh_url();
	assert_int_equal(d->open(run.url, &c), K_OK);
	expect_int(c, "SELECT ? + 1", 1, 2);
	assert_int_equal(d->exec(c, "DEALLOCATE ALL"), K_OK);
	assert_int_equal(run_int(c, "SELECT ? + 1", 1, NULL), K_DB_UNAVAILABLE);
	expect_int(c, "SELECT ? + 1", 2, 3);
	assert_int_equal(d->exec(c, "CREATE TABLE cache_probe (k INTEGER PRIMARY KEY); INSERT INTO cache_probe VALUES (7)"),
		K_OK);
	expect_int(c, "SELECT * FROM cache_probe WHERE k = ?", 7, 7);
	assert_int_equal(d->exec(c, "ALTER TABLE cache_probe ADD COLUMN v INTEGER"), K_OK);
	assert_int_equal(run_int(c, "SELECT * FROM cache_probe WHERE k = ?", 7, NULL), K_DB_UNAVAILABLE);
	expect_int(c, "SELECT * FROM cache_probe WHERE k = ?", 7, 7);
	d->close(c);
}

/* The backend of a connection ends (a restart, as it_proof_crash_pg does
 * with the whole server): check() opens a new session, where the texts run
 * before are prepared again. */
static void pg_statement_cache_reset(void **state)
{
	(void)state;
	const struct db_driver *d = &db_pg_driver;
	struct db_conn *c = NULL;
	int64_t before = 0, after = 0;
	fresh_url();
	assert_int_equal(d->open(run.url, &c), K_OK);
	expect_int(c, "SELECT ? + 1", 41, 42);
	assert_int_equal(run_int(c, "SELECT pg_backend_pid()", 0, &before), K_OK);
	char pid[32];
	snprintf(pid, sizeof pid, "%lld", (long long)before);
	const char *params[] = {pid};
	/* with a timeout, pg_terminate_backend returns once the backend is gone */
	PGresult *r = PQexecParams(run.admin, "SELECT pg_terminate_backend($1::int, 10000)", 1, NULL, params, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	assert_int_equal(d->check(c), K_OK);
	assert_int_equal(run_int(c, "SELECT pg_backend_pid()", 0, &after), K_OK);
	assert_true(after != before);
	expect_int(c, "SELECT ? + 1", 1, 2);
	assert_int_equal(prepared_as(c, "SELECT $1 + 1"), 1);
	d->close(c);
}

/* ---- the two runs ---- */

/* ---- search and history: each plan gives what reading every row would ---- */

/* The searches below count a term dense from SEARCH_DENSE_MATCHES matches
 * and walk SEARCH_WALK_ROWS bookings (the store's defaults would need tens of
 * thousands): "9402" is dense, and the newest SEARCH_WALK_ROWS bookings
 * (7201…) do not hold it, so the search reads the rest below the walk. */
#define SEARCH_DENSE_MATCHES 400
#define SEARCH_WALK_ROWS 200
#define SEARCH_DENSE_OLD (SEARCH_DENSE_MATCHES + 100)
#define SEARCH_BOOKINGS (SEARCH_DENSE_OLD + SEARCH_WALK_ROWS)
#define SEARCH_TEXT_MAX 24

struct made_booking {
	int64_t id, org, site;
	int heavy;
	char decl[SEARCH_TEXT_MAX], plate[SEARCH_TEXT_MAX], vin[SEARCH_TEXT_MAX];
};

struct search_world {
	struct store *st;
	int64_t org[2], site, user;
	struct made_booking *b;
};

/* Booking k: declaration 9402… (7201… from SEARCH_DENSE_OLD on, 1234… for
 * every 50th), heavy trucks (even k)
 * with a plate 新F… (1234KZ… for every 10th), commodity vehicles with a VIN
 * LGWEF… (LFV2A… for every 5th k); a third in the first organisation, every
 * 4th heavy truck at site. */
static void make_search_world(struct search_world *w)
{
	assert_int_equal(store_org_create(w->st, "检索企业甲", ORG_ENTERPRISE, &w->org[0]), K_OK);
	assert_int_equal(store_org_create(w->st, "检索企业乙", ORG_ENTERPRISE, &w->org[1]), K_OK);
	assert_int_equal(store_site_create(w->st, "检索换装场", SITE_LISTED, &w->site), K_OK);
	int org_created = 0;
	assert_int_equal(store_user_add(w->st, "searcher", "enterprise", "检索企业甲", FAKE_HASH, &w->user, &org_created), K_OK);
	w->b = calloc(SEARCH_BOOKINGS, sizeof *w->b);
	for (int k = 0; k < SEARCH_BOOKINGS; k++) {
		struct made_booking *b = &w->b[k];
		b->org = w->org[k % 3 == 0 ? 0 : 1];
		b->heavy = k % 2 == 0;
		b->site = b->heavy && k % 4 == 0 ? w->site : 0;
		snprintf(b->decl, sizeof b->decl, "%s%08d", k % 50 == 0 ? "1234202500" : k < SEARCH_DENSE_OLD ? "9402202500" :
			"7201202500", k);
		json_t *doc = json_pack("{s:s}", "declaration_no", b->decl);
		if (b->heavy) {
			snprintf(b->plate, sizeof b->plate, k % 10 == 0 ? "1234KZ%05d" : "新F%05d", k);
			json_object_set_new(doc, "plates", json_pack("[s]", b->plate));
		} else {
			snprintf(b->vin, sizeof b->vin, k % 5 == 1 ? "LFV2A%012d" : "LGWEF%012d", k);
			json_object_set_new(doc, "vehicles", json_pack("[{s:s}]", "vin", b->vin));
		}
		if (b->site)
			json_object_set_new(doc, "transshipment_site_id", json_integer(b->site));
		assert_int_equal(store_booking_create(w->st, b->org, w->user, b->heavy ? KIND_HEAVY_TRUCK : KIND_COMMODITY_VEHICLE,
			0, doc, &b->id, NULL), K_OK);
		json_decref(doc);
	}
}

/* What store_booking_list promises: upper case, spaces dropped; a prefix
 * from BOOKING_SEARCH_PREFIX_MIN characters, else the whole value. */
static int value_matches(const char *value, const char *term, int prefix)
{
	return value[0] != '\0' && (prefix ? strncmp(value, term, strlen(term)) == 0 : strcmp(value, term) == 0);
}

static int booking_matches(const struct made_booking *b, const char *term, int prefix)
{
	return value_matches(b->decl, term, prefix) || value_matches(b->plate, term, prefix) ||
	       value_matches(b->vin, term, prefix);
}

/* The first organisation's bookings whose declaration number starts so. */
static int64_t declarations_starting_own(const struct search_world *w, const char *prefix)
{
	int64_t n = 0;
	for (int k = 0; k < SEARCH_BOOKINGS; k++)
		n += w->b[k].org == w->org[0] && strncmp(w->b[k].decl, prefix, strlen(prefix)) == 0;
	return n;
}

/* The store's plan choices, lowered so that 700 bookings reach each plan;
 * state -1 or a state every made booking is in (draft) or none is. */
struct search_knobs {
	int64_t dense, walk, max;
	int state;
};
static const struct search_knobs default_knobs = {SEARCH_DENSE_MATCHES, SEARCH_WALK_ROWS, 0, -1};

static int booking_in(const struct made_booking *b, const struct booking_scope *scope, int kind, int state)
{
	return (scope->org_id == 0 || b->org == scope->org_id) && (scope->site_id == 0 || b->site == scope->site_id) &&
	       (kind < 0 || (kind == KIND_HEAVY_TRUCK) == b->heavy) && (state < 0 || state == STATE_DRAFT);
}

/* The term as the store reads it; *prefix when it is one. */
static void search_term(const char *term, char *upper, size_t size, int *prefix)
{
	size_t n = 0, chars = 0;
	for (const char *p = term; *p && n + 1 < size; p++)
		if (*p != ' ')
			upper[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	upper[n] = '\0';
	for (const char *p = upper; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	*prefix = chars >= BOOKING_SEARCH_PREFIX_MIN;
}

/* Every page of the search, in order, against the bookings read one by one. */
static void expect_search_with(struct search_world *w, const char *term, const struct booking_scope *scope, int kind,
	int limit, const struct search_knobs *kn)
{
	char upper[SEARCH_TEXT_MAX];
	int prefix, expected = 0, seen = 0;
	search_term(term, upper, sizeof upper, &prefix);
	struct booking_filter f = {.scope = *scope, .q = term, .state = kn->state, .kind = kind, .limit = limit,
		.dense_matches = kn->dense, .walk_rows = kn->walk, .matches_max = kn->max};
	int k = SEARCH_BOOKINGS - 1;
	do {
		json_t *items = NULL;
		int64_t next = 0;
		enum kerr e = store_booking_list(w->st, &f, &items, &next);
		if (e != K_OK)
			fail_msg("q=%s (knobs %lld %lld %lld, state %d, limit %d): %s", term, (long long)kn->dense, (long long)kn->walk,
				(long long)kn->max, kn->state, limit, kerr_code(e));
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			for (; k >= 0; k--)
				if (booking_in(&w->b[k], scope, kind, kn->state) && booking_matches(&w->b[k], upper, prefix))
					break;
			if (k < 0)
				fail_msg("q=%s: booking %lld is not a match", term, (long long)json_integer_value(json_object_get(it, "id")));
			if (json_integer_value(json_object_get(it, "id")) != w->b[k].id)
				fail_msg("q=%s: got booking %lld, expected %lld", term,
					(long long)json_integer_value(json_object_get(it, "id")), (long long)w->b[k].id);
			k--;
			seen++;
		}
		assert_true(json_array_size(items) == (size_t)limit || next == 0);
		json_decref(items);
		f.cursor = next;
	} while (f.cursor != 0);
	for (; k >= 0; k--)
		expected += booking_in(&w->b[k], scope, kind, kn->state) && booking_matches(&w->b[k], upper, prefix);
	if (expected != 0)
		fail_msg("q=%s: %d matching bookings missing after %d", term, expected, seen);
}

static void expect_search(struct search_world *w, const char *term, const struct booking_scope *scope, int kind,
	int limit)
{
	expect_search_with(w, term, scope, kind, limit, &default_knobs);
}

/* Matches the walk does not meet, more than kn->max: a longer term is asked for. */
static void expect_too_broad(struct search_world *w, const char *term, const struct booking_scope *scope,
	const struct search_knobs *kn)
{
	struct booking_filter f = {.scope = *scope, .q = term, .state = kn->state, .kind = -1,
		.limit = BOOKING_LIST_LIMIT_DEFAULT, .dense_matches = kn->dense, .walk_rows = kn->walk, .matches_max = kn->max};
	json_t *items = NULL;
	int64_t next = 0;
	enum kerr e = store_booking_list(w->st, &f, &items, &next);
	if (e != K_SEARCH_TOO_BROAD)
		fail_msg("q=%s (knobs %lld %lld %lld, state %d): %s, not too broad", term, (long long)kn->dense,
			(long long)kn->walk, (long long)kn->max, kn->state, kerr_code(e));
	assert_null(items);
}

static void booking_search_plans(void **state)
{
	struct search_world w = {.st = ((struct fixture *)*state)->st};
	make_search_world(&w);
	const struct booking_scope all = {0}, own = {.org_id = w.org[0]}, site = {.site_id = w.site};
	const struct booking_scope *scopes[] = {&all, &own, &site};
	/* dense: a declaration prefix most bookings have, the newest excepted
	 * (the enterprise's own third of them is sparse with these knobs) */
	for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
		expect_search(&w, "9402", scopes[s], -1, BOOKING_LIST_LIMIT_MAX);
		expect_search(&w, "9402", scopes[s], -1, 7);
		expect_search(&w, "1234", scopes[s], -1, BOOKING_LIST_LIMIT_MAX);	/* declarations and plates, once each */
	}
	expect_search(&w, "9402", &own, KIND_COMMODITY_VEHICLE, BOOKING_LIST_LIMIT_MAX);
	expect_search(&w, "94022025000012", &own, -1, 7);
	/* dense in the enterprise's own indexes, the rest below the walk read
	 * from them alone (exact) or tested on the bookings (a state asked for) */
	const struct search_knobs own_dense = {50, 20, 0, -1}, own_dense_draft = {50, 20, 0, STATE_DRAFT},
		own_dense_none = {50, 20, 0, STATE_SUBMITTED}, all_draft = {SEARCH_DENSE_MATCHES, SEARCH_WALK_ROWS, 0, STATE_DRAFT};
	const char *own_terms[] = {"9402", "新F00", "LGWEF", "1234"};
	for (size_t t = 0; t < sizeof own_terms / sizeof own_terms[0]; t++) {
		expect_search_with(&w, own_terms[t], &own, -1, BOOKING_LIST_LIMIT_MAX, &own_dense);
		expect_search_with(&w, own_terms[t], &own, -1, 9, &own_dense);
		expect_search_with(&w, own_terms[t], &own, -1, BOOKING_LIST_LIMIT_MAX, &own_dense_draft);
		expect_search_with(&w, own_terms[t], &own, -1, BOOKING_LIST_LIMIT_MAX, &own_dense_none);
		expect_search_with(&w, own_terms[t], &all, -1, BOOKING_LIST_LIMIT_MAX, &all_draft);
		expect_search_with(&w, own_terms[t], &site, -1, BOOKING_LIST_LIMIT_MAX, &own_dense);
	}
	/* more matches than the store reads to find their newest: too broad,
	 * whatever the scope; at the limit's edge still answered */
	const struct search_knobs capped = {SEARCH_DENSE_MATCHES, SEARCH_WALK_ROWS, SEARCH_DENSE_MATCHES + 1, -1},
		own_capped = {50, 20, 60, -1}, own_capped_draft = {50, 20, 60, STATE_DRAFT};
	expect_too_broad(&w, "9402", &all, &capped);
	expect_too_broad(&w, "9402", &site, &(struct search_knobs){SEARCH_DENSE_MATCHES, 20, SEARCH_DENSE_MATCHES + 1, -1});
	expect_too_broad(&w, "9402", &own, &own_capped);
	expect_too_broad(&w, "9402", &own, &own_capped_draft);
	expect_search_with(&w, "9402", &own, -1, BOOKING_LIST_LIMIT_MAX,
		&(struct search_knobs){50, 20, declarations_starting_own(&w, "9402") + 1, -1});
	/* an enterprise's own term of digits as long as a declaration number's
	 * district and year or longer: the newest numbers below the walk come
	 * from their year's index, however many (only plates and VINs count
	 * towards too broad); shorter, with a state, or the bureau's: counted */
	const char *year_terms[] = {"94022025", "940220250000", "94022025000000"};
	for (size_t t = 0; t < sizeof year_terms / sizeof year_terms[0]; t++) {
		assert_true(declarations_starting_own(&w, year_terms[t]) > own_capped.max);
		expect_search_with(&w, year_terms[t], &own, -1, BOOKING_LIST_LIMIT_MAX, &own_dense);
		expect_search_with(&w, year_terms[t], &own, -1, 7, &own_capped);
		expect_too_broad(&w, year_terms[t], &own, &own_capped_draft);
		expect_too_broad(&w, year_terms[t], &all, &capped);
	}
	expect_too_broad(&w, "9402202", &own, &own_capped);
	/* sparse: VINs, plates, whole values, a prefix too short to be one;
	 * more than BOOKING_SEARCH_NEWEST_PAGES pages of matches read from the
	 * indexes alone when nothing is tested on the bookings */
	expect_search(&w, "lgwe f0000000", &all, -1, BOOKING_LIST_LIMIT_MAX);
	expect_search(&w, "LGWEF", &all, -1, 9);
	expect_search(&w, "LGWEF", &own, -1, 7);
	expect_search(&w, "LGWEF", &site, -1, 7);
	expect_search_with(&w, "LGWEF", &all, -1, 7, &all_draft);
	expect_search(&w, "LGWEF", &own, KIND_HEAVY_TRUCK, BOOKING_LIST_LIMIT_MAX);
	expect_search(&w, w.b[3].vin, &all, -1, BOOKING_LIST_LIMIT_DEFAULT);
	expect_search(&w, w.b[3].vin, &own, -1, BOOKING_LIST_LIMIT_DEFAULT);	/* another's: nothing */
	expect_search(&w, w.b[9].vin, &own, -1, BOOKING_LIST_LIMIT_DEFAULT);	/* its own */
	expect_search(&w, "新F001", &all, -1, 9);
	expect_search(&w, "新F001", &own, -1, 9);
	expect_search_with(&w, "新F001", &own, -1, 9, &own_dense_draft);
	expect_search(&w, "新F00", &site, -1, BOOKING_LIST_LIMIT_MAX);
	expect_search(&w, w.b[20].plate, &all, -1, BOOKING_LIST_LIMIT_DEFAULT);
	expect_search(&w, w.b[50].decl, &all, -1, BOOKING_LIST_LIMIT_DEFAULT);
	expect_search(&w, "940", &all, -1, BOOKING_LIST_LIMIT_DEFAULT);
	/* the bureau's terms of exactly a VIN head's length (a maker's line, a
	 * model): their VINs walked newest first in the head's index; the same
	 * terms with a state, in another scope, or one character longer or
	 * shorter read the VIN range */
	const char *head_terms[] = {"LGWE", "lfv2", "LGWEF000", "LFV2 A000", "1234", "新F00", "LFV2A0000000001"};
	for (size_t t = 0; t < sizeof head_terms / sizeof head_terms[0]; t++) {
		expect_search(&w, head_terms[t], &all, -1, BOOKING_LIST_LIMIT_MAX);
		expect_search(&w, head_terms[t], &all, -1, 7);
		expect_search_with(&w, head_terms[t], &all, -1, 7, &all_draft);
		expect_search(&w, head_terms[t], &all, KIND_COMMODITY_VEHICLE, 9);
		expect_search(&w, head_terms[t], &own, -1, 9);
		expect_search(&w, head_terms[t], &site, -1, 9);
	}
	expect_search(&w, "LGWEF", &all, -1, 7);
	expect_search(&w, "LFV2A00", &all, -1, 7);
	expect_search(&w, "LFV2A0000", &all, -1, 7);
	free(w.b);
}

/* The history's pages, led by the declaration (few or many bookings), by a
 * time window or by nothing, hold each booking's "create" row newest first. */
static void expect_history_walk(struct search_world *w, const char *decl, int64_t from, int64_t to, int64_t walk,
	int expected)
{
	struct history_filter f = {.declaration = decl, .action = "", .actor = "", .from = from, .to = to, .limit = 30,
		.dense_bookings = SEARCH_DENSE_MATCHES, .walk_rows = walk};
	int k = SEARCH_BOOKINGS - 1, seen = 0;
	do {
		json_t *items = NULL;
		int64_t next = 0;
		assert_int_equal(store_history_search(w->st, &f, &items, &next), K_OK);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			while (k >= 0 && strncmp(w->b[k].decl, decl, strlen(decl)) != 0)
				k--;
			assert_true(k >= 0);
			assert_int_equal(json_integer_value(json_object_get(it, "booking_id")), w->b[k].id);
			assert_string_equal(json_string_value(json_object_get(it, "action")), "create");
			k--;
			seen++;
		}
		json_decref(items);
		f.cursor = next;
	} while (f.cursor != 0);
	assert_int_equal(seen, expected);
}

static void expect_history(struct search_world *w, const char *decl, int64_t from, int64_t to, int expected)
{
	expect_history_walk(w, decl, from, to, 0, expected);
}

/* A walk of walk rows from the newest that meets no full page, with rows
 * left below it: a longer term is asked for. */
static void expect_history_too_broad(struct search_world *w, const char *decl, const char *action, int64_t walk)
{
	struct history_filter f = {.declaration = decl, .action = action, .actor = "", .limit = 30,
		.dense_bookings = SEARCH_DENSE_MATCHES, .walk_rows = walk};
	json_t *items = NULL;
	int64_t next = 0;
	assert_int_equal(store_history_search(w->st, &f, &items, &next), K_SEARCH_TOO_BROAD);
	assert_null(items);
}

static int declarations_starting(const struct search_world *w, const char *prefix)
{
	int n = 0;
	for (int k = 0; k < SEARCH_BOOKINGS; k++)
		n += strncmp(w->b[k].decl, prefix, strlen(prefix)) == 0;
	return n;
}

static void history_search_plans(void **state)
{
	struct search_world w = {.st = ((struct fixture *)*state)->st};
	make_search_world(&w);
	assert_true(declarations_starting(&w, "9402") >= SEARCH_DENSE_MATCHES);
	assert_true(declarations_starting(&w, "1234") < SEARCH_DENSE_MATCHES);
	expect_history(&w, "9402", 0, 0, declarations_starting(&w, "9402"));	/* walks the history */
	expect_history(&w, "1234", 0, 0, declarations_starting(&w, "1234"));	/* looks up the bookings */
	expect_history(&w, w.b[7].decl, 0, 0, 1);
	expect_history(&w, "", 1, (int64_t)time(NULL) + 1, SEARCH_BOOKINGS);	/* a time window */
	expect_history(&w, "", 0, 0, SEARCH_BOOKINGS);
	expect_history(&w, "", (int64_t)time(NULL) + 1, 0, 0);
	/* the walk bounded: the newest rows are 7201…'s, 9402…'s below them */
	int newest_others = SEARCH_BOOKINGS - SEARCH_DENSE_OLD;
	expect_history_walk(&w, "9402", 0, 0, newest_others + SEARCH_WALK_ROWS, declarations_starting(&w, "9402"));
	expect_history_too_broad(&w, "9402", "", newest_others);
	expect_history_too_broad(&w, "", "submit", SEARCH_WALK_ROWS);	/* no booking was submitted */
	expect_history_walk(&w, "", 0, 0, 1, SEARCH_BOOKINGS);	/* no filter: every row is a match, no bound */
	expect_history_walk(&w, "9402", 0, 0, SEARCH_BOOKINGS, declarations_starting(&w, "9402"));	/* to the first row */
	free(w.b);
}

/* ---- the approvals queue: its documents read together ---- */

#define QUEUE_BOOKINGS 100	/* pages over PostgreSQL's DB_MAX_PARAMS bookings */
#define QUEUE_NOW 2000000000

struct queue_world {
	struct store *st;
	int64_t ent[2], wh, site_wh, site_bureau, site_other, user;
	int64_t id[QUEUE_BOOKINGS];
};

/* Booking k: heavy trucks (k % 3 != 2) with 1–3 plates at the warehouse's
 * listed site, a listed site without warehouse, an unlisted one or none;
 * commodity vehicles with 1–2 vehicles; every 4th cancelled, every 5th with
 * an attachment; two organisations. */
static void make_queue_world(struct queue_world *w)
{
	assert_int_equal(store_org_create(w->st, "队列企业甲", ORG_ENTERPRISE, &w->ent[0]), K_OK);
	assert_int_equal(store_org_create(w->st, "Очередь Б", ORG_ENTERPRISE, &w->ent[1]), K_OK);
	assert_int_equal(store_org_create(w->st, "队列仓储", ORG_WAREHOUSE, &w->wh), K_OK);
	assert_int_equal(store_site_create(w->st, "队列换装场", SITE_LISTED, &w->site_wh), K_OK);
	assert_int_equal(store_site_create(w->st, "无仓储换装场", SITE_LISTED, &w->site_bureau), K_OK);
	assert_int_equal(store_site_create(w->st, "Other site", SITE_OTHER_HORGOS, &w->site_other), K_OK);
	assert_int_equal(store_site_link(w->st, w->site_wh, w->wh), K_OK);
	int org_created = 0;
	assert_int_equal(store_user_add(w->st, "queuer", "enterprise", "队列企业甲", FAKE_HASH, &w->user, &org_created), K_OK);
	const int64_t sites[] = {w->site_wh, w->site_bureau, w->site_other, 0};
	for (int k = 0; k < QUEUE_BOOKINGS; k++) {
		int heavy = k % 3 != 2;
		json_t *doc = json_pack("{s:s}", "contact", k % 2 ? "王五 13900000000" : "Иван");
		if (heavy) {
			json_t *plates = json_array();
			for (int p = 0; p <= k % 3; p++)
				json_array_append_new(plates, json_sprintf("新F%03d%d", k, p));
			json_object_set_new(doc, "plates", plates);
			if (sites[k % 4])
				json_object_set_new(doc, "transshipment_site_id", json_integer(sites[k % 4]));
		} else {
			json_t *vehicles = json_array();
			for (int v = 0; v <= k % 2; v++)
				json_array_append_new(vehicles, json_pack("{s:s,s:s}", "vin", "LGWEF4A59NF000000", "brand", "东风"));
			json_object_set_new(doc, "vehicles", vehicles);
		}
		assert_int_equal(store_booking_create(w->st, w->ent[k % 5 == 0], w->user,
			heavy ? KIND_HEAVY_TRUCK : KIND_COMMODITY_VEHICLE, 0, doc, &w->id[k], NULL), K_OK);
		json_decref(doc);
		if (k % 5 == 0) {
			struct attachment_meta m = {.booking_id = w->id[k], .size = 3};
			snprintf(m.type, sizeof m.type, "other");
			snprintf(m.content_type, sizeof m.content_type, "text/plain");
			snprintf(m.filename, sizeof m.filename, "附件%d.txt", k);
			int64_t att = 0;
			assert_int_equal(store_attachment_add(w->st, &m, (const unsigned char *)"abc", w->user, &att), K_OK);
		}
		if (k % 4 == 0) {
			struct booking_transition t = {.booking_id = w->id[k], .action = ACTION_CANCEL, .to = STATE_CANCELLED,
				.actor_id = w->user, .reason = "改期"};
			assert_int_equal(store_booking_transition(w->st, &t), K_OK);
		}
	}
}

/* Each item as store_booking_get reads it alone but for the children a
 * summary leaves out, with the queue's keys. */
static void expect_queue_item(struct queue_world *w, json_t *item)
{
	json_int_t id = json_integer_value(json_object_get(item, "id"));
	json_t *doc = NULL;
	assert_int_equal(store_booking_get(w->st, id, NULL, &doc), K_OK);
	assert_true(json_array_size(json_object_get(doc, "history")) > 0);
	json_object_del(doc, "vehicles");
	json_object_del(doc, "attachments");
	json_object_del(doc, "history");
	json_int_t submitted = json_integer_value(json_object_get(item, "submitted_at"));
	json_object_set_new(doc, "submitted_at", json_integer(submitted));
	json_object_set_new(doc, "waiting_s", json_integer(submitted ? QUEUE_NOW - submitted : 0));
	json_object_set(doc, "site_name", json_object_get(item, "site_name"));
	json_object_set(doc, "organisation_name", json_object_get(item, "organisation_name"));
	char *want = json_dumps(doc, JSON_COMPACT), *got = json_dumps(item, JSON_COMPACT);
	assert_string_equal(got, want);
	free(want);
	free(got);
	json_decref(doc);
}

/* Every page of the queue, newest first: the bookings counted by in_queue,
 * each document the one read alone. */
static void expect_queue(struct queue_world *w, struct approval_filter f, int (*in_queue)(const struct queue_world *,
	int, const struct approval_filter *))
{
	int k = QUEUE_BOOKINGS - 1, pages = 0;
	do {
		json_t *items = NULL;
		int64_t next = 0;
		assert_int_equal(store_approvals_list(w->st, &f, QUEUE_NOW, &items, &next), K_OK);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			while (k >= 0 && !in_queue(w, k, &f))
				k--;
			assert_true(k >= 0);
			assert_int_equal(json_integer_value(json_object_get(it, "id")), w->id[k--]);
			expect_queue_item(w, it);
		}
		json_decref(items);
		f.cursor = next;
		pages++;
	} while (f.cursor != 0);
	while (k >= 0 && !in_queue(w, k, &f))
		k--;
	assert_int_equal(k, -1);
	assert_true(pages >= 1);
}

/* make_queue_world's bookings per approver: the warehouse decides on heavy
 * trucks at its listed site, the bureau on the others. */
static int queue_has(const struct queue_world *w, int k, const struct approval_filter *f)
{
	int heavy = k % 3 != 2, at_wh = heavy && k % 4 == 0;
	int mine = f->approver == SITE_APPROVER_WAREHOUSE ? at_wh : !at_wh;
	int state = k % 4 == 0 ? STATE_CANCELLED : STATE_DRAFT;
	int64_t site = heavy ? (const int64_t[]){w->site_wh, w->site_bureau, w->site_other, 0}[k % 4] : 0;
	return mine && (f->state < 0 || f->state == state) && (f->kind < 0 || f->kind == (heavy ? KIND_HEAVY_TRUCK :
		KIND_COMMODITY_VEHICLE)) && (f->site_id == 0 || f->site_id == site);
}

static void approvals_queue_batched(void **state)
{
	struct queue_world w = {.st = ((struct fixture *)*state)->st};
	make_queue_world(&w);
	const int limits[] = {0, 1, 4, APPROVALS_LIMIT_MAX};
	for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
		struct approval_filter bureau = {.approver = SITE_APPROVER_BUREAU, .state = -1, .kind = -1, .limit = limits[l]};
		struct approval_filter wh = {.approver = SITE_APPROVER_WAREHOUSE, .warehouse_org_id = w.wh, .state = -1,
			.kind = -1, .limit = limits[l]};
		expect_queue(&w, bureau, queue_has);
		expect_queue(&w, wh, queue_has);
		bureau.state = STATE_DRAFT;
		expect_queue(&w, bureau, queue_has);
		wh.state = STATE_CANCELLED;
		expect_queue(&w, wh, queue_has);
		bureau.state = -1;
		bureau.kind = KIND_COMMODITY_VEHICLE;
		expect_queue(&w, bureau, queue_has);
		bureau.kind = -1;
		bureau.site_id = w.site_bureau;
		expect_queue(&w, bureau, queue_has);
		wh.state = STATE_SUBMITTED;	/* none: an empty page */
		expect_queue(&w, wh, queue_has);
	}
}

static int sqlite_group_setup(void **state)
{
	run.drv = DRV_SQLITE;
	run.test_no = 0;
	snprintf(run.base_dir, sizeof run.base_dir, "/tmp/kouan_store_XXXXXX");
	return mkdtemp(run.base_dir) ? 0 : -1;
}

static int sqlite_group_teardown(void **state)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", run.base_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The URL of tests/pg.sh with its database name replaced by db. */
static int pg_url_with_db(const char *server, const char *db, char *out, size_t size)
{
	const char *scheme_end = strstr(server, "://");
	const char *slash = scheme_end ? strchr(scheme_end + 3, '/') : NULL;
	size_t head = slash ? (size_t)(slash - server) : strlen(server);
	const char *query = strchr(server, '?');
	int n = snprintf(out, size, "%.*s/%s%s", (int)head, server, db, query ? query : "");
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static int pg_group_setup(void **state)
{
	run.drv = DRV_PG;
	unsigned char r[6];
	randombytes_buf(r, sizeof r);
	snprintf(run.pg_db, sizeof run.pg_db, "kouan_store_%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5]);
	PGconn *server = PQconnectdb(run.pg_server);
	if (PQstatus(server) != CONNECTION_OK) {
		fprintf(stderr, "cannot reach the test PostgreSQL: %s", PQerrorMessage(server));
		PQfinish(server);
		return -1;
	}
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", run.pg_db);	/* a name we made, not input */
	PGresult *res = PQexec(server, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	PQfinish(server);
	if (!ok || pg_url_with_db(run.pg_server, run.pg_db, run.url, sizeof run.url) != 0)
		return -1;
	run.admin = PQconnectdb(run.url);
	if (PQstatus(run.admin) != CONNECTION_OK)
		return -1;
	PQclear(PQexec(run.admin, "SET client_min_messages = warning"));
	return 0;
}


/* Sites with their warehouse, approver and phone; organisations' contacts. */
static void site_links(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	int64_t site = 0, wh = 0, wh2 = 0, ent = 0, bureau = 0;
	assert_int_equal(store_site_create(st, "A 物流", SITE_LISTED, &site), K_OK);
	assert_int_equal(store_org_create(st, "A 仓储", ORG_WAREHOUSE, &wh), K_OK);
	assert_int_equal(store_org_create(st, "B 仓储", ORG_WAREHOUSE, &wh2), K_OK);
	assert_int_equal(store_org_create(st, "企业", ORG_ENTERPRISE, &ent), K_OK);
	assert_int_equal(store_org_create(st, "口岸管理局", ORG_BUREAU, &bureau), K_OK);
	assert_int_equal(store_org_contact_set(st, bureau, "0999-8888888", NULL), K_OK);
	struct org_contact bc;
	assert_int_equal(store_bureau_contact(st, &bc), K_OK);
	assert_string_equal(bc.phone, "0999-8888888");

	struct site_detail d;
	const char *name = NULL, *phone = NULL;
	assert_int_equal(store_site_detail(st, site, &d), K_OK);
	assert_int_equal(store_site_approver(&d, &bc, &name, &phone), SITE_APPROVER_BUREAU);	/* no warehouse yet */
	assert_string_equal(name, "口岸管理局");
	assert_int_equal(store_site_link(st, site, ent), K_VALIDATION_FAILED);	/* not a warehouse */
	assert_int_equal(store_site_link(st, site, wh), K_OK);
	assert_int_equal(store_site_update(st, site, "A 物流换装场", "+7 701 123 45 67"), K_OK);
	assert_int_equal(store_site_detail(st, site, &d), K_OK);
	assert_int_equal(store_site_approver(&d, &bc, &name, &phone), SITE_APPROVER_WAREHOUSE);
	assert_string_equal(name, "A 仓储");
	assert_string_equal(phone, "+7 701 123 45 67");
	assert_string_equal(d.site.name, "A 物流换装场");
	/* another warehouse takes the site over: the first is unlinked */
	assert_int_equal(store_site_link(st, site, wh2), K_OK);
	struct org o;
	assert_int_equal(store_org_get(st, wh, &o), K_OK);
	assert_int_equal(o.site_id, 0);
	assert_int_equal(store_site_detail(st, site, &d), K_OK);
	assert_int_equal(d.org_id, wh2);
	/* fixed sites take no warehouse; the bureau approves */
	struct site fixed;
	assert_int_equal(store_site_fixed_ensure(st), K_OK);
	assert_int_equal(store_site_by_name(st, "霍外换装", &fixed), K_OK);
	assert_int_equal(store_site_link(st, fixed.id, wh), K_VALIDATION_FAILED);
	assert_int_equal(store_site_detail(st, fixed.id, &d), K_OK);
	assert_int_equal(store_site_approver(&d, &bc, &name, &phone), SITE_APPROVER_BUREAU);
	assert_string_equal(phone, "0999-8888888");
	/* bounds */
	assert_int_equal(store_site_update(st, site, NULL, "12ab45"), K_VALIDATION_FAILED);
	assert_int_equal(store_site_update(st, site, "", NULL), K_VALIDATION_FAILED);
	assert_int_equal(store_site_update(st, site, "霍外换装", NULL), K_CONFLICT);
	assert_int_equal(store_site_update(st, 987654, "x", NULL), K_NOT_FOUND);
	assert_int_equal(store_org_contact_set(st, ent, NULL, "ftp://x"), K_VALIDATION_FAILED);
	assert_int_equal(store_org_contact_set(st, ent, NULL, "http://127.0.0.1:9/hook"), K_OK);
	assert_int_equal(store_org_contact_set(st, 987654, "12345", NULL), K_NOT_FOUND);
	struct org_contact *list = NULL;
	size_t n = 0;
	assert_int_equal(store_org_contacts(st, ORG_WAREHOUSE, &list, &n), K_OK);
	assert_int_equal(n, 2);
	free(list);
	assert_int_equal(store_org_contacts(st, NULL, &list, &n), K_OK);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(list[i].webhook_url, list[i].id == ent ? "http://127.0.0.1:9/hook" : "");
	free(list);
}

/* Release keys: made once, rotated, old ones listed while their codes live. */
static void release_keys(void **state)
{
	struct store *st = ((struct fixture *)*state)->st;
	const int64_t now = 1796000000;
	struct release_key k1, k2, again;
	assert_int_equal(store_release_key_active(st, now, &k1), K_OK);
	assert_int_equal(store_release_key_active(st, now, &again), K_OK);
	assert_int_equal(again.kid, k1.kid);
	assert_memory_equal(again.secret_key, k1.secret_key, sizeof k1.secret_key);
	assert_int_equal(store_release_key_note_use(st, k1.kid, now + 3600), K_OK);
	assert_int_equal(store_release_key_note_use(st, k1.kid, now + 60), K_OK);	/* never shortens */
	uint32_t kid2 = 0;
	assert_int_equal(store_release_key_rotate(st, now + 10, &kid2), K_OK);
	assert_int_not_equal(kid2, k1.kid);
	assert_int_equal(store_release_key_active(st, now + 10, &k2), K_OK);
	assert_int_equal(k2.kid, kid2);
	struct release_key *keys = NULL;
	size_t n = 0;
	assert_int_equal(store_release_key_list(st, now + 20, &keys, &n), K_OK);
	assert_int_equal(n, 2);
	assert_int_equal(keys[0].kid, kid2);
	assert_int_equal(keys[1].kid, k1.kid);
	assert_int_equal(keys[1].verify_until, now + 3600);
	free(keys);
	assert_int_equal(store_release_key_list(st, now + 3601, &keys, &n), K_OK);
	assert_int_equal(n, 1);	/* the old key's codes have all expired */
	free(keys);
	assert_int_equal(store_release_key_get(st, k1.kid, &again), K_OK);
	assert_memory_equal(again.public_key, k1.public_key, sizeof k1.public_key);
	assert_int_equal(store_release_key_get(st, 987654, &again), K_NOT_FOUND);

	/* a code signed by the old key still verifies; an unknown kid does not */
	struct release_claims cl = {.kid = k1.kid, .booking_id = 5, .kind = RELEASE_HEAVY_TRUCK, .count = 1,
		.valid_from = now, .valid_until = now + 3600, .serial = 1};
	char text[RELEASE_TOKEN_MAX];
	struct release_token tok;
	enum release_reason r;
	assert_int_equal(release_token_sign(&cl, k1.secret_key, text, sizeof text), K_OK);
	assert_int_equal(store_release_verify(st, text, strlen(text), now + 20, &tok, &r), K_OK);
	assert_int_equal(r, RELEASE_VALID);
	cl.kid = 987654;
	assert_int_equal(release_token_sign(&cl, k1.secret_key, text, sizeof text), K_OK);
	assert_int_equal(store_release_verify(st, text, strlen(text), now + 20, &tok, &r), K_OK);
	assert_int_equal(r, RELEASE_UNKNOWN_KEY);
}

/* Several servers starting at once make one key between them. */
struct key_maker {
	const char *url;
	uint32_t kid;
	enum kerr e;
};

static void *make_key(void *arg)
{
	struct key_maker *m = arg;
	struct store *st = NULL;
	struct release_key k;
	m->e = store_open(m->url, 1, &st);
	if (m->e == K_OK)
		m->e = store_release_key_active(st, 1796000000, &k);
	if (m->e == K_OK)
		m->kid = k.kid;
	if (st != NULL)
		store_close(st);
	return NULL;
}

static void release_key_race(void **state)
{
	(void)state;
	struct key_maker m[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		m[i] = (struct key_maker){.url = run.url};
		assert_int_equal(pthread_create(&t[i], NULL, make_key, &m[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(m[i].e, K_OK);
		assert_int_equal(m[i].kid, m[0].kid);
	}
}

static int pg_group_teardown(void **state)
{
	PQfinish(run.admin);
	run.admin = NULL;
	PGconn *server = PQconnectdb(run.pg_server);
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", run.pg_db);
	PQclear(PQexec(server, sql));
	PQfinish(server);
	return 0;
}

/* The URL tests/pg.sh wrote, or "" when PostgreSQL is not part of this run. */
static void read_pg_url(void)
{
	const char *file = getenv("KOUAN_TEST_PG_FILE");
	FILE *f = file ? fopen(file, "r") : NULL;
	run.pg_server[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(run.pg_server, sizeof run.pg_server, f) == NULL)
		run.pg_server[0] = '\0';
	run.pg_server[strcspn(run.pg_server, "\r\n")] = '\0';
	fclose(f);
}

int main(void)
{
	/* "schema migrated" and reconnect lines would drown the output. */
	int level = getenv("KOUAN_LOG_LEVEL") ? log_level_parse(getenv("KOUAN_LOG_LEVEL")) : -1;
	log_threshold = level >= 0 ? (enum log_level)level : LOG_ERROR;
	const struct CMUnitTest common[] = {
		cmocka_unit_test(placeholders),
		cmocka_unit_test(bad_urls),
		cmocka_unit_test(usernames),
		cmocka_unit_test_setup_teardown(open_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(orgs, setup, teardown),
		cmocka_unit_test_setup_teardown(sites, setup, teardown),
		cmocka_unit_test_setup_teardown(users, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(session_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(held_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(booking_stamps, setup, teardown),
		cmocka_unit_test_setup_teardown(options, setup, teardown),
		cmocka_unit_test_setup_teardown(site_links, setup, teardown),
		cmocka_unit_test_setup_teardown(booking_search_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(booking_fresh_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(booking_save_keeps_children, setup, teardown),
		cmocka_unit_test_setup_teardown(history_search_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(approvals_queue_batched, setup, teardown),
		cmocka_unit_test_setup_teardown(release_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(release_key_race, setup, teardown),
		cmocka_unit_test_setup_teardown(demo_seed, setup, teardown),
		cmocka_unit_test(demo_seed_race),
		cmocka_unit_test_setup_teardown(concurrency, setup, teardown),
		cmocka_unit_test(concurrent_open),
		cmocka_unit_test(pg_closed_port),
	};
	const struct CMUnitTest pg_only[] = {
		cmocka_unit_test_setup_teardown(pg_reset, setup, teardown),
		cmocka_unit_test(pg_statement_cache),
		cmocka_unit_test(pg_statement_cache_full),
		cmocka_unit_test(pg_statement_cache_stale),
		cmocka_unit_test(pg_statement_cache_reset),
	};
	int failed = cmocka_run_group_tests_name("store_sqlite", common, sqlite_group_setup, sqlite_group_teardown);
	read_pg_url();
	if (run.pg_server[0] == '\0') {
		print_message("PostgreSQL: no KOUAN_TEST_PG_FILE, skipped\n");
		return failed;
	}
	/* The PostgreSQL run shares one database: its group setup makes it. */
	const size_t nc = sizeof common / sizeof common[0], np = sizeof pg_only / sizeof pg_only[0];
	struct CMUnitTest all[sizeof common / sizeof common[0] + sizeof pg_only / sizeof pg_only[0]];
	memcpy(all, common, sizeof common);
	memcpy(all + nc, pg_only, sizeof pg_only);
	failed += _cmocka_run_group_tests("store_pg", all, nc + np, pg_group_setup, pg_group_teardown);
	return failed;
}
