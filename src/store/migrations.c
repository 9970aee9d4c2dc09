/* Numbered schema migrations, the same for SQLite and PostgreSQL. The few
 * DDL differences are tokens the driver fills in:
 *   {{ID}}      an auto-numbered 64-bit primary key
 *   {{BIGINT}}  a 64-bit integer (times are Unix seconds)
 * They run at store_open, in one transaction, under a lock (SQLite: BEGIN
 * IMMEDIATE; PostgreSQL: an advisory transaction lock), so servers that start
 * together migrate one after the other. Never edit a migration that has
 * shipped: add the next number. */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

struct migration {
	int version;
	const char *sql;
};

static const struct migration migrations[] = {
	{1,
		"CREATE TABLE sites ("
		" id {{ID}},"
		" name TEXT NOT NULL UNIQUE,"
		" kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),"	/* SITE_LISTED, SITE_OTHER_HORGOS, SITE_OUTSIDE_HORGOS */
		" active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
		" created_at {{BIGINT}} NOT NULL);"
		"CREATE TABLE organisations ("
		" id {{ID}},"
		" name TEXT NOT NULL UNIQUE,"
		" kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'warehouse', 'bureau')),"
		" site_id {{BIGINT}} REFERENCES sites(id),"
		" created_at {{BIGINT}} NOT NULL);"
		"CREATE TABLE users ("
		" id {{ID}},"
		" username TEXT NOT NULL UNIQUE,"
		" role TEXT NOT NULL CHECK (role IN ('enterprise', 'warehouse', 'bureau', 'gate', 'admin')),"
		" org_id {{BIGINT}} REFERENCES organisations(id),"
		" password_hash TEXT NOT NULL,"
		" disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
		" lang TEXT NOT NULL DEFAULT '',"
		" created_at {{BIGINT}} NOT NULL);"
		"CREATE INDEX users_org ON users(org_id);"
		"CREATE TABLE sessions ("
		" token_hash TEXT PRIMARY KEY,"
		" user_id {{BIGINT}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
		" csrf_token TEXT NOT NULL,"
		" created_at {{BIGINT}} NOT NULL,"
		" last_seen {{BIGINT}} NOT NULL);"
		"CREATE INDEX sessions_user ON sessions(user_id);"
		"CREATE INDEX sessions_last_seen ON sessions(last_seen);"
		"CREATE TABLE login_failures ("
		" key TEXT NOT NULL,"
		" at {{BIGINT}} NOT NULL);"
		"CREATE INDEX login_failures_key_at ON login_failures(key, at);"
		"CREATE INDEX login_failures_at ON login_failures(at);"
		"CREATE TABLE option_values ("
		" id {{ID}},"
		" list TEXT NOT NULL,"
		" value TEXT NOT NULL,"
		" position INTEGER NOT NULL,"
		" UNIQUE (list, value));"},
	{5,	/* approval and release (issue 12): sites' and organisations' contacts, release codes */
		"ALTER TABLE sites ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE organisations ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE organisations ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';"
		"CREATE UNIQUE INDEX organisations_one_per_site ON organisations(site_id) WHERE site_id IS NOT NULL;"
		/* the two fixed choices exist in every database, not only the demo's */
		"INSERT INTO sites (name, kind, active, created_at)"
		" SELECT '霍内其他区域换装', 1, 1, 0 WHERE NOT EXISTS (SELECT 1 FROM sites WHERE kind = 1);"
		"INSERT INTO sites (name, kind, active, created_at)"
		" SELECT '霍外换装', 2, 1, 0 WHERE NOT EXISTS (SELECT 1 FROM sites WHERE kind = 2);"
		"CREATE TABLE release_keys ("
		" kid {{ID}},"
		" public_key TEXT NOT NULL,"
		" secret_key TEXT NOT NULL,"	/* base64url; shared by every server (issue 12) */
		" active INTEGER NOT NULL CHECK (active IN (0, 1)),"
		" created_at {{BIGINT}} NOT NULL,"
		" retired_at {{BIGINT}} NOT NULL,"
		" verify_until {{BIGINT}} NOT NULL);"
		"CREATE UNIQUE INDEX release_keys_one_active ON release_keys(active) WHERE active = 1;"
		"CREATE TABLE release_codes ("
		" id {{ID}},"
		" booking_id {{BIGINT}} NOT NULL,"
		" serial INTEGER NOT NULL,"
		" kid {{BIGINT}} NOT NULL REFERENCES release_keys(kid),"
		" token TEXT NOT NULL UNIQUE,"
		" valid_from {{BIGINT}} NOT NULL,"
		" valid_until {{BIGINT}} NOT NULL,"
		" issued_at {{BIGINT}} NOT NULL,"
		" revoked_at {{BIGINT}},"
		" revoke_reason TEXT NOT NULL DEFAULT '',"
		" UNIQUE (booking_id, serial));"
		"CREATE INDEX release_codes_revoked ON release_codes(revoked_at) WHERE revoked_at IS NOT NULL;"},
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

/* sql with the driver's tokens substituted; the caller frees it. */
static char *expand(const struct db_driver *drv, const char *sql)
{
	static const char *const tokens[] = {"{{ID}}", "{{BIGINT}}"};
	const char *values[] = {drv->id_column, drv->bigint_type};
	size_t longest = strlen(values[0]) > strlen(values[1]) ? strlen(values[0]) : strlen(values[1]);
	char *out = xmalloc(strlen(sql) * (longest + 1) + 1);	/* every byte a token, at worst */
	size_t o = 0;
	for (const char *p = sql; *p;) {
		int hit = 0;
		for (int t = 0; t < 2 && !hit; t++) {
			size_t tl = strlen(tokens[t]);
			if (strncmp(p, tokens[t], tl) == 0) {
				size_t vl = strlen(values[t]);
				memcpy(out + o, values[t], vl);
				o += vl;
				p += tl;
				hit = 1;
			}
		}
		if (!hit)
			out[o++] = *p++;
	}
	out[o] = '\0';
	return out;
}

static enum kerr current_version(const struct conn *c, int64_t *version)
{
	*version = 0;
	return store_q_run(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version", store_q_row_int64, version, NULL, NULL, "");
}

static enum kerr apply(const struct conn *c, const struct migration *m, int64_t now)
{
	char *sql = expand(c->drv, m->sql);
	enum kerr e = c->drv->exec(c->db, sql);
	free(sql);
	if (e == K_OK)
		e = store_q_run(c, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", NULL, NULL, NULL, NULL,
			"ii", (int64_t)m->version, now);
	if (e == K_OK)
		log_info("msg=\"schema migrated\" driver=%s version=%d", c->drv->name, m->version);
	return e;
}

static enum kerr migrate_locked(const struct conn *c)
{
	enum kerr e = K_OK;
	if (c->drv->migration_lock_sql != NULL)
		e = c->drv->exec(c->db, c->drv->migration_lock_sql);
	if (e == K_OK)
		e = c->drv->exec(c->db, "CREATE TABLE IF NOT EXISTS schema_version ("
			" version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
	int64_t version = 0;
	if (e == K_OK)
		e = current_version(c, &version);
	if (e == K_OK && version > migrations[MIGRATION_COUNT - 1].version)
		log_warn("msg=\"database schema is newer than this program\" db_version=%lld known=%d",
			(long long)version, migrations[MIGRATION_COUNT - 1].version);
	int64_t now = (int64_t)time(NULL);
	for (int i = 0; i < MIGRATION_COUNT && e == K_OK; i++)
		if (migrations[i].version > version)
			e = apply(c, &migrations[i], now);
	return e;
}

enum kerr store_migrate(const struct conn *c)
{
	enum kerr e = c->drv->begin(c->db);
	if (e != K_OK)
		return e;
	e = migrate_locked(c);
	if (e == K_OK)
		e = c->drv->commit(c->db);
	if (e != K_OK) {
		(void)c->drv->rollback(c->db);
		log_error("msg=\"schema migration failed\" driver=%s code=%s", c->drv->name, kerr_code(e));
	}
	return e;
}

enum kerr store_schema_version(struct store *st, int *version)
{
	int64_t v = 0;
	enum kerr e = store_q_one(st, "SELECT COALESCE(MAX(version), 0) FROM schema_version", store_q_row_int64, &v, "");
	if (e == K_OK)
		*version = (int)v;
	return e;
}
