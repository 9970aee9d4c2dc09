/* Users: accounts, their role and organisation, password hash, language. */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "core/log.h"

#define USER_COLUMNS "SELECT id, username, role, org_id, password_hash, disabled, lang, created_at, org_admin FROM users"
#define USER_INSERT "INSERT INTO users (username, username_key, role, org_id, password_hash, disabled, lang, created_at)" \
	" VALUES (?, ?, ?, ?, ?, 0, '', ?) RETURNING id"
#define USERNAME_MIN 3
#define USERNAME_MAX 64	/* bytes */

static const char *const roles[][2] = {
	/* role, the organisation kind it needs (NULL: none) */
	{"enterprise", ORG_ENTERPRISE},
	{"warehouse", ORG_WAREHOUSE},
	{"bureau", ORG_BUREAU},
	{"gate", NULL},
	{"admin", NULL},
};

int store_role_valid(const char *role)
{
	for (size_t i = 0; role != NULL && i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(role, roles[i][0]) == 0)
			return 1;
	return 0;
}

const char *store_role_org_kind(const char *role)
{
	for (size_t i = 0; role != NULL && i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(role, roles[i][0]) == 0)
			return roles[i][1];
	return NULL;
}

static int username_char_ok(utf8proc_int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
			cp == '_' || cp == '.' || cp == '-';
	/* Letters of any script: CJK ideographs are "Lo"; Cyrillic and Latin
	 * with accents are "Lu"/"Ll". */
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LO:
		return 1;
	default:
		return 0;
	}
}

/* The scripts a user name's letters may come from. utf8proc has no script
 * property: these ranges cover the scripts Kouan's users write in, and every
 * other letter counts as a script of its own kind (SCRIPT_OTHER). */
enum script { SCRIPT_LATIN, SCRIPT_GREEK, SCRIPT_CYRILLIC, SCRIPT_HAN, SCRIPT_KANA, SCRIPT_HANGUL, SCRIPT_OTHER,
	SCRIPT_COUNT };

static const struct {
	utf8proc_int32_t first, last;
	enum script script;
} script_ranges[] = {
	{0x0041, 0x024F, SCRIPT_LATIN}, {0x1E00, 0x1EFF, SCRIPT_LATIN}, {0xFF21, 0xFF5A, SCRIPT_LATIN},
	{0x0370, 0x03FF, SCRIPT_GREEK}, {0x1F00, 0x1FFF, SCRIPT_GREEK},
	{0x0400, 0x052F, SCRIPT_CYRILLIC}, {0x1C80, 0x1C8F, SCRIPT_CYRILLIC}, {0x2DE0, 0x2DFF, SCRIPT_CYRILLIC},
	{0xA640, 0xA69F, SCRIPT_CYRILLIC},
	{0x2E80, 0x2FDF, SCRIPT_HAN}, {0x3005, 0x3007, SCRIPT_HAN}, {0x3400, 0x4DBF, SCRIPT_HAN}, {0x4E00, 0x9FFF, SCRIPT_HAN},
	{0xF900, 0xFAFF, SCRIPT_HAN}, {0x20000, 0x3FFFF, SCRIPT_HAN},
	{0x3040, 0x30FF, SCRIPT_KANA}, {0x31F0, 0x31FF, SCRIPT_KANA}, {0xFF66, 0xFF9F, SCRIPT_KANA},
	{0x1100, 0x11FF, SCRIPT_HANGUL}, {0x3130, 0x318F, SCRIPT_HANGUL}, {0xAC00, 0xD7AF, SCRIPT_HANGUL},
};

static enum script script_of(utf8proc_int32_t cp)
{
	for (size_t i = 0; i < sizeof script_ranges / sizeof script_ranges[0]; i++)
		if (cp >= script_ranges[i].first && cp <= script_ranges[i].last)
			return script_ranges[i].script;
	return SCRIPT_OTHER;
}

/* One script, or Latin with the CJK scripts (Unicode TS #39's "highly
 * restrictive" level): Latin mixed with Cyrillic or Greek, whose letters look
 * alike (ent1 / еnt1), is refused. */
static int scripts_ok(const int used[SCRIPT_COUNT])
{
	int n = 0;
	for (int s = 0; s < SCRIPT_COUNT; s++)
		n += used[s] != 0;
	if (n <= 1)
		return 1;
	if (used[SCRIPT_GREEK] || used[SCRIPT_CYRILLIC] || used[SCRIPT_OTHER])
		return 0;
	return !(used[SCRIPT_KANA] && used[SCRIPT_HANGUL]);
}

int store_username_acceptable(const char *name)
{
	if (name == NULL)
		return 0;
	size_t len = strnlen(name, USERNAME_MAX + 1);
	if (len < USERNAME_MIN || len > USERNAME_MAX)
		return 0;
	int used[SCRIPT_COUNT] = {0};
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)name;
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0 || !username_char_ok(cp))
			return 0;
		if (utf8proc_category(cp) != UTF8PROC_CATEGORY_ND && cp != '_' && cp != '.' && cp != '-')
			used[script_of(cp)] = 1;
		i += (size_t)n;
	}
	char key[STORE_NAME_MAX];
	return scripts_ok(used) && store_username_key(name, key, sizeof key) == 0;
}

int store_username_key(const char *name, char *out, size_t out_len)
{
	if (name == NULL || !store_text_ok(name, STORE_NAME_MAX))
		return -1;
	utf8proc_uint8_t *folded = utf8proc_NFKC_Casefold((const utf8proc_uint8_t *)name);
	if (folded == NULL)
		return -1;
	size_t n = strlen((const char *)folded);
	int ok = n > 0 && n < out_len;
	if (ok)
		memcpy(out, folded, n + 1);
	free(folded);
	return ok ? 0 : -1;
}

static enum kerr user_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct user *u = arg;
	u->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, u->username, sizeof u->username);
	store_q_text(c, s, 2, u->role, sizeof u->role);
	u->org_id = c->drv->column_int64(s, 3);
	store_q_text(c, s, 4, u->password_hash, sizeof u->password_hash);
	u->disabled = c->drv->column_int64(s, 5) != 0;
	store_q_text(c, s, 6, u->lang, sizeof u->lang);
	u->created_at = c->drv->column_int64(s, 7);
	u->org_admin = c->drv->column_int64(s, 8) != 0;
	return K_OK;
}

/* The organisation must fit the role: enterprise and warehouse users belong to
 * an organisation of their kind, a bureau user to a bureau or none, gate and
 * admin to none. K_CONFLICT when org_id names no organisation. */
static enum kerr check_org(struct store *st, const char *role, int64_t org_id)
{
	const char *kind = store_role_org_kind(role);
	if (org_id == 0)
		return kind == NULL || strcmp(role, "bureau") == 0 ? K_OK : K_VALIDATION_FAILED;
	if (kind == NULL || org_id < 0)
		return K_VALIDATION_FAILED;
	struct org o;
	enum kerr e = store_org_get(st, org_id, &o);
	if (e == K_NOT_FOUND)
		return K_CONFLICT;
	if (e == K_OK && strcmp(o.kind, kind) != 0)
		return K_VALIDATION_FAILED;
	return e;
}

enum kerr store_user_create(struct store *st, const char *username, const char *role, int64_t org_id,
	const char *password_hash, int64_t *id)
{
	if (!store_username_acceptable(username) || !store_role_valid(role) ||
	    !store_text_ok(password_hash, STORE_HASH_MAX))
		return K_VALIDATION_FAILED;
	enum kerr e = check_org(st, role, org_id);
	if (e != K_OK)
		return e;
	char key[STORE_NAME_MAX];
	if (store_username_key(username, key, sizeof key) != 0)
		return K_VALIDATION_FAILED;
	return store_q_insert(st, USER_INSERT, id, "ssszsi", username, key, role, org_id, password_hash, (int64_t)time(NULL));
}

enum kerr store_user_get(struct store *st, int64_t id, struct user *out)
{
	return store_q_one(st, USER_COLUMNS " WHERE id = ?", user_row, out, "i", id);
}

enum kerr store_user_by_name(struct store *st, const char *username, struct user *out)
{
	char key[STORE_NAME_MAX];
	if (store_username_key(username, key, sizeof key) != 0)
		return K_NOT_FOUND;
	/* by the folded name: ENT1 finds ent1 (rows from before the key existed, by the name itself) */
	return store_q_one(st, USER_COLUMNS " WHERE username_key = ? OR (username_key IS NULL AND username = ?)", user_row,
		out, "ss", key, username);
}

enum kerr store_user_list(struct store *st, struct user **out, size_t *n)
{
	void *items = NULL;
	enum kerr e = store_list_rows(st, USER_COLUMNS " ORDER BY username, id", user_row, sizeof **out, &items, n);
	if (e == K_OK)
		*out = items;
	return e;
}

enum kerr store_user_set_password(struct store *st, int64_t id, const char *password_hash)
{
	if (!store_text_ok(password_hash, STORE_HASH_MAX))
		return K_VALIDATION_FAILED;
	return store_q_write(st, 1, "UPDATE users SET password_hash = ? WHERE id = ?", "si", password_hash, id);
}

enum kerr store_user_set_disabled(struct store *st, int64_t id, int disabled)
{
	return store_q_write(st, 1, "UPDATE users SET disabled = ? WHERE id = ?", "ii", (int64_t)(disabled != 0), id);
}

enum kerr store_user_set_lang(struct store *st, int64_t id, const char *lang)
{
	if (lang == NULL)
		lang = "";
	if (lang[0] != '\0' && strcmp(lang, "zh") != 0 && strcmp(lang, "ru") != 0 && strcmp(lang, "en") != 0)
		return K_VALIDATION_FAILED;
	return store_q_write(st, 1, "UPDATE users SET lang = ? WHERE id = ?", "si", lang, id);
}

/* ---- kouan user add: the organisation and the user in one transaction ---- */

struct org_kind {
	int64_t id;
	char kind[16];
};

static enum kerr org_kind_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct org_kind *o = arg;
	o->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, o->kind, sizeof o->kind);
	return K_OK;
}

/* The organisation named org_name on c, created with the role's kind when
 * missing; K_VALIDATION_FAILED when it exists with another kind. */
static enum kerr org_for_role(const struct conn *c, const char *org_name, const char *role, int64_t *org_id, int *created)
{
	const char *kind = store_role_org_kind(role);
	struct org_kind o = {0, ""};
	int rows = 0;
	enum kerr e = store_q_run(c, "SELECT id, kind FROM organisations WHERE name = ?", org_kind_row, &o, NULL, &rows, "s",
		org_name);
	if (e != K_OK)
		return e;
	if (rows > 0) {
		*org_id = o.id;
		return kind && strcmp(o.kind, kind) == 0 ? K_OK : K_VALIDATION_FAILED;
	}
	if (kind == NULL || !store_org_name_ok(org_name))
		return K_VALIDATION_FAILED;
	*created = 1;
	return store_q_run(c, "INSERT INTO organisations (name, kind, created_at) VALUES (?, ?, ?) RETURNING id",
		store_q_row_int64, org_id, NULL, NULL, "ssi", org_name, kind, (int64_t)time(NULL));
}

static enum kerr user_add_on(const struct conn *c, const char *username, const char *role, const char *org_name,
	const char *password_hash, int64_t *id, int *org_created)
{
	int64_t org_id = 0;
	char key[STORE_NAME_MAX];
	if (store_username_key(username, key, sizeof key) != 0)
		return K_VALIDATION_FAILED;
	enum kerr e = org_name ? org_for_role(c, org_name, role, &org_id, org_created) : K_OK;
	if (e == K_OK && org_id == 0 && store_role_org_kind(role) && strcmp(role, "bureau") != 0)
		e = K_VALIDATION_FAILED;
	if (e == K_OK)
		e = store_q_run(c, USER_INSERT, store_q_row_int64, id, NULL, NULL, "ssszsi", username, key, role, org_id,
			password_hash, (int64_t)time(NULL));
	return e;
}

enum kerr store_user_add(struct store *st, const char *username, const char *role, const char *org_name,
	const char *password_hash, int64_t *id, int *org_created)
{
	*org_created = 0;
	if (!store_username_acceptable(username) || !store_role_valid(role) || !store_text_ok(password_hash, STORE_HASH_MAX))
		return K_VALIDATION_FAILED;
	struct conn c;
	enum kerr e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = c.drv->begin(c.db);
	if (e == K_OK)
		e = user_add_on(&c, username, role, org_name, password_hash, id, org_created);
	if (e == K_OK)
		e = c.drv->commit(c.db);
	else
		(void)c.drv->rollback(c.db);
	store_conn_put(st, &c);
	if (e != K_OK)
		*org_created = 0;
	return e;
}

/* Rows from before migration 2 get their folded key; two names that fold to
 * one keep no key (and are logged) until an administrator renames one. */
struct unkeyed {
	int64_t id;
	char username[STORE_NAME_MAX];
	struct unkeyed *next;
};

static enum kerr collect_unkeyed(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct unkeyed **list = arg, *u = xcalloc(1, sizeof *u);
	u->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, u->username, sizeof u->username);
	u->next = *list;
	*list = u;
	return K_OK;
}

enum kerr store_user_keys_fill(struct store *st)
{
	struct unkeyed *list = NULL;
	enum kerr e = store_q_all(st, "SELECT id, username FROM users WHERE username_key IS NULL", collect_unkeyed, &list, "");
	while (list) {
		struct unkeyed *next = list->next;
		char key[STORE_NAME_MAX];
		if (e == K_OK && store_username_key(list->username, key, sizeof key) == 0) {
			enum kerr w = store_q_write(st, 1, "UPDATE users SET username_key = ? WHERE id = ?", "si", key, list->id);
			if (w == K_CONFLICT)
				log_warn("msg=\"user name folds to another's: rename one\" user=%lld", (long long)list->id);
			else if (w != K_OK)
				e = w;
		}
		free(list);
		list = next;
	}
	return e;
}
