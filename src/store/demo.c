/* Demo data for a new platform: DOMAIN.md's "Demo values". Every step looks
 * before it writes, and a conflict (another server seeding at the same time)
 * counts as done, so running it again changes nothing. */
#include "store/store.h"

#include <string.h>

#include <sodium.h>

#include "auth/password.h"
#include "core/domain.h"
#include "core/log.h"
#include "store/capacity.h"

#define DEMO_PASSWORD_LEN 14
#define DEMO_CAPACITY_UNITS 500	/* trucks or vehicles a day: well above what a demo books */
/* No 0/O, 1/l/I: passwords read off a terminal get typed by hand. */
static const char demo_alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static const char *const demo_options[][10] = {
	{"clearance_mode", "一般申报", "提前申报", "两步申报", NULL},
	{"cargo_type", "一般货物", "跨境电商（清单模式）", "跨境电商（报关单模式）", "危险货物", "冷链货物", NULL},
	{"customs_warehouse", "霍尔果斯公路口岸监管作业场所", "国际物流园监管库", "合作中心配套区监管仓", NULL},
	{"usage_type", "非营运", "营运", "货运", NULL},
	{"fuel_type", "汽油", "柴油", "纯电动", "插电式混合动力", "油电混合动力", "天然气", NULL},
	{"brand", "比亚迪", "长城", "吉利", "奇瑞", "长安", "江淮", "一汽解放", "东风", NULL},
	{"colour", "白色", "黑色", "银色", "灰色", "红色", "蓝色", NULL},
	{"reject_reason", "车牌号与报关单不符", "货物不在本场所", "随附单证不全", "报关单信息有误", NULL},
};

/* Values whose code rules hang on (the others get one made up). */
static const struct {
	const char *list, *value, *code;
} demo_codes[] = {
	{"cargo_type", "跨境电商（清单模式）", CARGO_ECOMMERCE_LIST},
};

static const char *demo_code(const char *list, const char *value)
{
	for (size_t i = 0; i < sizeof demo_codes / sizeof demo_codes[0]; i++)
		if (strcmp(demo_codes[i].list, list) == 0 && strcmp(demo_codes[i].value, value) == 0)
			return demo_codes[i].code;
	return NULL;
}

/* Three invented logistics companies' sites, then the two fixed choices. */
static const struct {
	const char *name;
	int kind;
} demo_sites[] = {
	{"丝路通达物流换装场", SITE_LISTED},
	{"西域联运国际物流换装场", SITE_LISTED},
	{"天山驿站供应链换装场", SITE_LISTED},
	{"霍内其他区域换装", SITE_OTHER_HORGOS},
	{"霍外换装", SITE_OUTSIDE_HORGOS},
};

static const struct {
	const char *name;
	const char *kind;
	int site;	/* index in demo_sites, -1 for none */
} demo_orgs[] = {
	{"伊犁示范进出口贸易有限公司", ORG_ENTERPRISE, -1},
	{"丝路通达物流有限公司", ORG_WAREHOUSE, 0},
	{"西域联运国际物流有限公司", ORG_WAREHOUSE, 1},
	{"霍尔果斯口岸管理局", ORG_BUREAU, -1},
};

static const struct {
	const char *username;
	const char *role;
	int org;	/* index in demo_orgs, -1 for none */
} demo_users[] = {
	{"demo_enterprise", "enterprise", 0},
	{"demo_warehouse1", "warehouse", 1},
	{"demo_warehouse2", "warehouse", 2},
	{"demo_bureau", "bureau", 3},
	{"demo_gate", "gate", -1},
	{"demo_admin", "admin", -1},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static enum kerr done_if_conflict(enum kerr e)
{
	return e == K_CONFLICT ? K_OK : e;
}

static enum kerr seed_options(struct store *st)
{
	enum kerr e = K_OK;
	for (size_t i = 0; i < COUNT(demo_options) && e == K_OK; i++) {
		char **have = NULL;
		size_t n = 0;
		e = store_option_list(st, demo_options[i][0], &have, &n);
		store_strings_free(have, n);
		/* The bureau may have edited a list: only fill an empty one. */
		for (size_t j = 1; e == K_OK && n == 0 && j < COUNT(demo_options[i]) && demo_options[i][j]; j++)
			e = done_if_conflict(store_option_add_coded(st, demo_options[i][0],
				demo_code(demo_options[i][0], demo_options[i][j]), demo_options[i][j], NULL));
	}
	return e;
}

static enum kerr site_id(struct store *st, int i, int64_t *id)
{
	struct site s;
	enum kerr e = store_site_by_name(st, demo_sites[i].name, &s);
	if (e == K_NOT_FOUND) {
		e = store_site_create(st, demo_sites[i].name, demo_sites[i].kind, id);
		if (e == K_CONFLICT && (e = store_site_by_name(st, demo_sites[i].name, &s)) == K_OK)
			*id = s.id;
	} else if (e == K_OK) {
		*id = s.id;
	}
	return e;
}

static enum kerr org_id(struct store *st, int i, const int64_t *sites, int64_t *id)
{
	struct org o;
	enum kerr e = store_org_by_name(st, demo_orgs[i].name, &o);
	if (e == K_NOT_FOUND) {
		e = store_org_create(st, demo_orgs[i].name, demo_orgs[i].kind, id);
		if (e == K_OK && demo_orgs[i].site >= 0)
			e = store_org_set_site(st, *id, sites[demo_orgs[i].site]);
		if (e == K_CONFLICT && (e = store_org_by_name(st, demo_orgs[i].name, &o)) == K_OK)
			*id = o.id;
	} else if (e == K_OK) {
		*id = o.id;
	}
	return e;
}

static void demo_password(char out[DEMO_PASSWORD_LEN + 1])
{
	for (int i = 0; i < DEMO_PASSWORD_LEN; i++)
		out[i] = demo_alphabet[randombytes_uniform(sizeof demo_alphabet - 1)];
	out[DEMO_PASSWORD_LEN] = '\0';
}

static enum kerr seed_user(struct store *st, size_t i, const int64_t *orgs, FILE *report)
{
	struct user u;
	enum kerr e = store_user_by_name(st, demo_users[i].username, &u);
	if (e != K_NOT_FOUND)
		return e;	/* there already (K_OK), or the database failed */
	char password[DEMO_PASSWORD_LEN + 1];
	char hash[STORE_HASH_MAX];
	demo_password(password);
	e = auth_password_hash(password, DEMO_PASSWORD_LEN, hash);
	int64_t org = demo_users[i].org >= 0 ? orgs[demo_users[i].org] : 0;
	if (e == K_OK)
		e = store_user_create(st, demo_users[i].username, demo_users[i].role, org, hash, NULL);
	if (e == K_OK && report != NULL) {
		fprintf(report, "demo-account username=%s role=%s password=%s\n", demo_users[i].username,
			demo_users[i].role, password);
		fflush(report);
	}
	sodium_memzero(password, sizeof password);
	return done_if_conflict(e);
}

enum kerr store_demo_seed(struct store *st, FILE *report)
{
	int64_t sites[COUNT(demo_sites)] = {0};
	int64_t orgs[COUNT(demo_orgs)] = {0};
	enum kerr e = seed_options(st);
	for (size_t i = 0; i < COUNT(demo_sites) && e == K_OK; i++)
		e = site_id(st, (int)i, &sites[i]);
	for (size_t i = 0; i < COUNT(demo_orgs) && e == K_OK; i++)
		e = org_id(st, (int)i, sites, &orgs[i]);
	for (size_t i = 0; i < COUNT(demo_users) && e == K_OK; i++)
		e = seed_user(st, i, orgs, report);
	if (e == K_OK)
		e = store_capacity_demo_seed(st, DEMO_CAPACITY_UNITS);
	if (e != K_OK)
		log_error("msg=\"demo data not seeded\" code=%s", kerr_code(e));
	return e;
}
