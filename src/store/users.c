/* Users: accounts, their role and organisation, password hash, language. */
#include "store/store_internal.h"

#include <string.h>
#include <time.h>

#include <utf8proc.h>

#define USER_COLUMNS "SELECT id, username, role, org_id, password_hash, disabled, lang, created_at FROM users"
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

int store_username_acceptable(const char *name)
{
	if (name == NULL)
		return 0;
	size_t len = strnlen(name, USERNAME_MAX + 1);
	if (len < USERNAME_MIN || len > USERNAME_MAX)
		return 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)name;
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0 || !username_char_ok(cp))
			return 0;
		i += (size_t)n;
	}
	return 1;
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
	return store_q_insert(st, "INSERT INTO users (username, role, org_id, password_hash, disabled, lang, created_at)"
		" VALUES (?, ?, ?, ?, 0, '', ?) RETURNING id", id,
		"sszsi", username, role, org_id, password_hash, (int64_t)time(NULL));
}

enum kerr store_user_get(struct store *st, int64_t id, struct user *out)
{
	return store_q_one(st, USER_COLUMNS " WHERE id = ?", user_row, out, "i", id);
}

enum kerr store_user_by_name(struct store *st, const char *username, struct user *out)
{
	if (!store_text_ok(username, STORE_NAME_MAX))
		return K_NOT_FOUND;
	return store_q_one(st, USER_COLUMNS " WHERE username = ?", user_row, out, "s", username);
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
