/* Numbered schema migrations, the same for SQLite and PostgreSQL. The few
 * DDL differences are tokens the driver fills in:
 *   {{ID}}      an auto-numbered 64-bit primary key
 *   {{BIGINT}}  a 64-bit integer (times are Unix seconds)
 *   {{BLOB}}    binary bytes (BLOB / BYTEA)
 *   {{CTEXT}}   text compared byte by byte, so that a prefix is an index range
 *               (`col >= ? AND col < ?`) whatever the database's locale
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
	{2,
		/* Failed attempts (logins; later TOTP codes, registrations) per kind,
		 * subject and address, counted in place so that parallel failures all
		 * count (issue 9); login_failures stays for older servers. */
		"CREATE TABLE throttle ("
		" kind TEXT NOT NULL,"
		" subject TEXT NOT NULL,"	/* '' for the address's own count */
		" addr TEXT NOT NULL,"
		" failures {{BIGINT}} NOT NULL,"
		" last_at {{BIGINT}} NOT NULL,"
		" PRIMARY KEY (kind, subject, addr));"
		"CREATE INDEX throttle_last_at ON throttle(last_at);"
		/* user names are unique after NFKC case folding: the folded key, filled
		 * for older rows when the store opens (store_user_keys_fill) */
		"ALTER TABLE users ADD COLUMN username_key TEXT;"
		"CREATE UNIQUE INDEX users_name_folded ON users(username_key);"
		/* one row that /healthz rewrites: the database takes writes */
		"CREATE TABLE health (id INTEGER PRIMARY KEY, checked_at {{BIGINT}} NOT NULL);"
		"INSERT INTO health (id, checked_at) VALUES (1, 0);"},
	{3,
		/* Option values gain a stable code (rules hang on it, not on the
		 * text the bureau may rename) and can be disabled. */
		"ALTER TABLE option_values ADD COLUMN code TEXT;"
		"ALTER TABLE option_values ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));"
		"UPDATE option_values SET code = 'ecommerce_list' WHERE list = 'cargo_type' AND value = '跨境电商（清单模式）';"
		"UPDATE option_values SET code = 'v' || id WHERE code IS NULL;"
		"CREATE UNIQUE INDEX option_values_code ON option_values(list, code);"
		/* An uploaded declaration: the PDF itself and what was read from it. */
		"CREATE TABLE declarations ("
		" id {{ID}},"
		" org_id {{BIGINT}} NOT NULL REFERENCES organisations(id),"
		" uploaded_by {{BIGINT}} NOT NULL REFERENCES users(id),"
		" filename TEXT NOT NULL,"
		" pdf {{BLOB}} NOT NULL,"
		" pdf_size {{BIGINT}} NOT NULL,"
		" page_count INTEGER NOT NULL,"
		" recognition TEXT NOT NULL,"
		" created_at {{BIGINT}} NOT NULL);"
		"CREATE INDEX declarations_org ON declarations(org_id, id);"
		/* A booking. holding = 1 while its state holds the declaration number
		 * and its VINs (submitted, released, passed): the partial unique
		 * indexes below let one booking hold each, across organisations. */
		"CREATE TABLE bookings ("
		" id {{ID}},"
		" org_id {{BIGINT}} NOT NULL REFERENCES organisations(id),"
		" kind TEXT NOT NULL CHECK (kind IN ('heavy_truck', 'commodity_vehicle')),"
		" state TEXT NOT NULL,"
		" holding INTEGER NOT NULL DEFAULT 0 CHECK (holding IN (0, 1)),"
		" declaration_id {{BIGINT}} REFERENCES declarations(id),"
		" declaration_no TEXT NOT NULL DEFAULT '',"
		" declaration_digits {{CTEXT}} NOT NULL DEFAULT '',"	/* declaration_no, digits only */
		" fields TEXT NOT NULL DEFAULT '{}',"			/* the recognised fields not kept in columns (JSON) */
		" declared TEXT NOT NULL DEFAULT '{}',"			/* the declaration's values of fields the user changed */
		" confidence TEXT NOT NULL DEFAULT '{}',"
		" warnings TEXT NOT NULL DEFAULT '[]',"
		" clearance_mode TEXT,"
		" cargo_type TEXT,"
		" customs_warehouse TEXT,"
		" is_transit INTEGER NOT NULL DEFAULT 0 CHECK (is_transit IN (0, 1)),"
		" contact TEXT,"
		" transshipment_site_id {{BIGINT}} REFERENCES sites(id),"
		" usage_type TEXT,"
		" fuel_type TEXT,"
		" crossing_date TEXT NULL,"				/* YYYY-MM-DD, Beijing time */
		" slot TEXT NULL,"					/* HH:MM-HH:MM */
		" created_by {{BIGINT}} NOT NULL REFERENCES users(id),"
		" created_at {{BIGINT}} NOT NULL,"
		" updated_at {{BIGINT}} NOT NULL,"
		" version INTEGER NOT NULL DEFAULT 1);"
		"CREATE UNIQUE INDEX bookings_holding_declaration ON bookings(declaration_digits) WHERE holding = 1;"
		"CREATE INDEX bookings_org ON bookings(org_id, id);"
		"CREATE INDEX bookings_declaration_digits ON bookings(declaration_digits, id);"
		"CREATE INDEX bookings_site ON bookings(transshipment_site_id, id);"
		"CREATE INDEX bookings_state ON bookings(state, id);"
		/* Vehicles of a commodity-vehicle booking, in order; holding mirrors
		 * the booking's so that a VIN is held once. */
		"CREATE TABLE booking_vehicles ("
		" booking_id {{BIGINT}} NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,"
		" position INTEGER NOT NULL,"
		" vin {{CTEXT}} NOT NULL DEFAULT '',"
		" plate TEXT NOT NULL DEFAULT '',"
		" brand TEXT NOT NULL DEFAULT '',"
		" colour TEXT NOT NULL DEFAULT '',"
		" displacement TEXT NOT NULL DEFAULT '',"
		" power TEXT NOT NULL DEFAULT '',"
		" tonnage TEXT NOT NULL DEFAULT '',"
		" holding INTEGER NOT NULL DEFAULT 0 CHECK (holding IN (0, 1)),"
		" PRIMARY KEY (booking_id, position));"
		"CREATE UNIQUE INDEX booking_vehicles_holding_vin ON booking_vehicles(vin) WHERE holding = 1;"
		"CREATE INDEX booking_vehicles_vin ON booking_vehicles(vin, booking_id);"
		/* The plates of a booking (trailers included), for search. */
		"CREATE TABLE booking_plates ("
		" booking_id {{BIGINT}} NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,"
		" position INTEGER NOT NULL,"
		" plate {{CTEXT}} NOT NULL,"
		" PRIMARY KEY (booking_id, position));"
		"CREATE INDEX booking_plates_plate ON booking_plates(plate, booking_id);"
		"CREATE TABLE attachments ("
		" id {{ID}},"
		" booking_id {{BIGINT}} NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,"
		" type TEXT NOT NULL,"
		" filename TEXT NOT NULL,"
		" content_type TEXT NOT NULL,"
		" size {{BIGINT}} NOT NULL,"
		" data {{BLOB}} NOT NULL,"
		" uploaded_by {{BIGINT}} NOT NULL REFERENCES users(id),"
		" created_at {{BIGINT}} NOT NULL);"
		"CREATE INDEX attachments_booking ON attachments(booking_id, id);"
		/* Append-only: every change of state, with who, when and why. */
		"CREATE TABLE booking_history ("
		" id {{ID}},"
		" booking_id {{BIGINT}} NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,"
		" action TEXT NOT NULL,"
		" from_state TEXT NOT NULL,"
		" to_state TEXT NOT NULL,"
		" actor_id {{BIGINT}} REFERENCES users(id),"
		" at {{BIGINT}} NOT NULL,"
		" reason TEXT NOT NULL DEFAULT '');"
		"CREATE INDEX booking_history_booking ON booking_history(booking_id, id);"
		/* The usage and fuel type a user chose last (DOMAIN.md: chosen once). */
		"CREATE TABLE user_vehicle_choices ("
		" user_id {{BIGINT}} PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
		" usage_type TEXT NOT NULL DEFAULT '',"
		" fuel_type TEXT NOT NULL DEFAULT '');"},
	{4,
		/* Crossing capacity (store/capacity.c). Days are Beijing dates
		 * YYYY-MM-DD, slots HH:MM-HH:MM, '' for a whole day. */
		"CREATE TABLE capacity_settings ("
		" id INTEGER PRIMARY KEY CHECK (id = 1),"
		" horizon_days INTEGER NOT NULL CHECK (horizon_days >= 0),"
		" cutoff_minutes INTEGER NOT NULL CHECK (cutoff_minutes >= 0),"
		" grace_minutes INTEGER NOT NULL CHECK (grace_minutes >= 0),"
		" inflight_limit INTEGER NOT NULL CHECK (inflight_limit >= 0),"	/* 0: off */
		" updated_at {{BIGINT}} NOT NULL);"
		"INSERT INTO capacity_settings (id, horizon_days, cutoff_minutes, grace_minutes, inflight_limit, updated_at)"
		" VALUES (1, 14, 30, 120, 0, 0);"
		"CREATE TABLE capacity_org_caps ("
		" kind TEXT PRIMARY KEY,"
		" cap INTEGER NOT NULL CHECK (cap >= 0));"	/* 0: off */
		"CREATE TABLE capacity_defaults ("
		" kind TEXT NOT NULL,"
		" weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),"
		" slot TEXT NOT NULL,"
		" capacity INTEGER NOT NULL CHECK (capacity >= 0),"
		" PRIMARY KEY (kind, weekday, slot));"
		"CREATE TABLE capacity_days ("	/* a date whose counters exist; its row lock orders their creation */
		" day TEXT NOT NULL,"
		" kind TEXT NOT NULL,"
		" explicit INTEGER NOT NULL CHECK (explicit IN (0, 1)),"	/* set by the bureau, not copied from the defaults */
		" updated_at {{BIGINT}} NOT NULL,"
		" PRIMARY KEY (day, kind));"
		"CREATE TABLE capacity_counters ("
		" day TEXT NOT NULL,"
		" kind TEXT NOT NULL,"
		" slot TEXT NOT NULL,"
		" capacity INTEGER NOT NULL CHECK (capacity >= 0),"
		" taken INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),"
		" open INTEGER NOT NULL CHECK (open IN (0, 1)),"
		" PRIMARY KEY (day, kind, slot));"
		"CREATE TABLE capacity_org_counters ("
		" org_id {{BIGINT}} NOT NULL,"
		" day TEXT NOT NULL,"
		" kind TEXT NOT NULL,"
		" taken INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),"
		" PRIMARY KEY (org_id, day, kind));"
		"CREATE TABLE capacity_holds ("
		" booking_id {{BIGINT}} PRIMARY KEY,"
		" org_id {{BIGINT}} NOT NULL,"
		" day TEXT NOT NULL,"
		" kind TEXT NOT NULL,"
		" slot TEXT NOT NULL,"
		" units INTEGER NOT NULL CHECK (units > 0),"
		" taken_at {{BIGINT}} NOT NULL);"
		"CREATE INDEX capacity_holds_day ON capacity_holds(day, kind, slot);"
		"CREATE TABLE capacity_inflight ("
		" org_id {{BIGINT}} PRIMARY KEY,"
		" n INTEGER NOT NULL CHECK (n >= 0),"
		" since {{BIGINT}} NOT NULL);"
		"CREATE TABLE capacity_expiries ("
		" booking_id {{BIGINT}} PRIMARY KEY,"
		" org_id {{BIGINT}} NOT NULL,"
		" day TEXT NOT NULL,"
		" kind TEXT NOT NULL,"
		" units INTEGER NOT NULL,"
		" passed INTEGER NOT NULL,"
		" expired_at {{BIGINT}} NOT NULL);"
		"CREATE INDEX capacity_expiries_day ON capacity_expiries(day);"},
	{5,	/* approval and release (issue 12): sites' and organisations' contacts, release codes */
		"ALTER TABLE sites ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE organisations ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE organisations ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';"
		"CREATE UNIQUE INDEX organisations_one_per_site ON organisations(site_id) WHERE site_id IS NOT NULL;"
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
		" booking_id {{BIGINT}} NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,"
		" serial INTEGER NOT NULL,"
		" kid {{BIGINT}} NOT NULL REFERENCES release_keys(kid),"
		" token TEXT NOT NULL UNIQUE,"
		" valid_from {{BIGINT}} NOT NULL,"
		" valid_until {{BIGINT}} NOT NULL,"
		" issued_at {{BIGINT}} NOT NULL,"
		" revoked_at {{BIGINT}},"
		" revoke_reason TEXT NOT NULL DEFAULT '',"
		" UNIQUE (booking_id, serial));"
		"CREATE INDEX release_codes_revoked ON release_codes(revoked_at) WHERE revoked_at IS NOT NULL;"
		"CREATE INDEX release_codes_booking ON release_codes(booking_id, serial);"
		/* what the enterprise is told in the platform, and what a later SMS or
		 * messenger link reads (one row per organisation's webhook) */
		"CREATE TABLE notifications ("
		" id {{ID}},"
		" org_id {{BIGINT}} NOT NULL REFERENCES organisations(id),"
		" booking_id {{BIGINT}} REFERENCES bookings(id) ON DELETE CASCADE,"
		" event TEXT NOT NULL,"
		" reason TEXT NOT NULL DEFAULT '',"
		" created_at {{BIGINT}} NOT NULL,"
		" read_at {{BIGINT}});"
		"CREATE INDEX notifications_org ON notifications(org_id, id);"
		"CREATE TABLE outbox ("
		" id {{ID}},"
		" org_id {{BIGINT}} NOT NULL REFERENCES organisations(id),"
		" event TEXT NOT NULL,"
		" payload TEXT NOT NULL,"	/* JSON */
		" created_at {{BIGINT}} NOT NULL,"
		" sent_at {{BIGINT}},"
		" attempts INTEGER NOT NULL DEFAULT 0,"
		" last_error TEXT NOT NULL DEFAULT '');"
		"CREATE INDEX outbox_pending ON outbox(id) WHERE sent_at IS NULL;"
		/* the bureau's switch: commodity vehicles wait for review instead of
		 * being released at submit */
		"CREATE TABLE approval_settings ("
		" id INTEGER PRIMARY KEY CHECK (id = 1),"
		" commodity_review INTEGER NOT NULL CHECK (commodity_review IN (0, 1)),"
		" updated_at {{BIGINT}} NOT NULL);"
		"INSERT INTO approval_settings (id, commodity_review, updated_at) VALUES (1, 0, 0);"
		/* the gate: one passage per plate (not trailers) or VIN of a booking,
		 * and every scan, green or red */
		"CREATE TABLE gate_passages ("
		" id {{ID}},"
		" booking_id {{BIGINT}} NOT NULL REFERENCES bookings(id),"
		" unit TEXT NOT NULL,"		/* the plate or the VIN */
		" gate TEXT NOT NULL,"
		" user_id {{BIGINT}} REFERENCES users(id),"
		" at {{BIGINT}} NOT NULL,"
		" UNIQUE (booking_id, unit));"
		"CREATE INDEX gate_passages_at ON gate_passages(at);"
		"CREATE TABLE gate_scans ("
		" id {{ID}},"
		" booking_id {{BIGINT}},"
		" unit TEXT NOT NULL DEFAULT '',"
		" gate TEXT NOT NULL,"
		" user_id {{BIGINT}} REFERENCES users(id),"
		" result TEXT NOT NULL,"
		" reason TEXT NOT NULL DEFAULT '',"
		" is_repeat INTEGER NOT NULL DEFAULT 0,"
		" at {{BIGINT}} NOT NULL);"
		"CREATE INDEX gate_scans_at ON gate_scans(at);"
		"CREATE INDEX booking_history_at ON booking_history(at);"},
	{6,	/* accounts (issue 16): applications, organisation administrators, the account audit */
		"ALTER TABLE organisations ADD COLUMN uscc TEXT;"
		"CREATE UNIQUE INDEX organisations_uscc ON organisations(uscc) WHERE uscc IS NOT NULL;"
		"ALTER TABLE users ADD COLUMN org_admin INTEGER NOT NULL DEFAULT 0 CHECK (org_admin IN (0, 1));"
		"CREATE TABLE registrations ("
		" id {{ID}},"
		" organisation TEXT NOT NULL,"
		" uscc TEXT NOT NULL,"
		" kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'warehouse')),"
		" site_id {{BIGINT}} REFERENCES sites(id),"
		" contact_name TEXT NOT NULL,"
		" contact_phone TEXT NOT NULL,"
		" username TEXT NOT NULL,"
		" state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),"
		" reason TEXT NOT NULL DEFAULT '',"
		" token_hash TEXT NOT NULL,"	/* SHA-256 hex of the applicant's token; the token is never stored */
		" org_id {{BIGINT}} REFERENCES organisations(id),"	/* NULL once rejected (the organisation is deleted) */
		" user_id {{BIGINT}} REFERENCES users(id),"
		" created_at {{BIGINT}} NOT NULL,"
		" decided_at {{BIGINT}} NOT NULL DEFAULT 0,"
		" decided_by {{BIGINT}} REFERENCES users(id));"
		"CREATE INDEX registrations_state ON registrations(state, id);"
		"CREATE INDEX registrations_user ON registrations(user_id);"
		/* append-only: nothing in the platform updates or deletes a row */
		"CREATE TABLE account_audit ("
		" id {{ID}},"
		" action TEXT NOT NULL,"
		" actor_id {{BIGINT}},"		/* NULL for the public (an applicant) */
		" subject TEXT NOT NULL DEFAULT '',"
		" addr TEXT NOT NULL DEFAULT '',"
		" detail TEXT NOT NULL DEFAULT '',"
		" at {{BIGINT}} NOT NULL);"
		"CREATE INDEX account_audit_at ON account_audit(at, id);"
		/* one-time password reset codes: only their SHA-256, single use */
		"CREATE TABLE password_resets ("
		" id {{ID}},"
		" user_id {{BIGINT}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
		" code_hash TEXT NOT NULL,"
		" issued_by {{BIGINT}} REFERENCES users(id),"
		" created_at {{BIGINT}} NOT NULL,"
		" expires_at {{BIGINT}} NOT NULL,"
		" used_at {{BIGINT}});"
		"CREATE INDEX password_resets_user ON password_resets(user_id, id);"},
	{7,	/* the second factor (issue 16, item 5): TOTP secrets, recovery codes, pending logins, the bureau's rule */
		/* secret: hex of the confirmed secret (NULL: none); pending_secret: one being enrolled, the old one
		 * staying in force until it is confirmed; last_step: the newest time step accepted (no replay) */
		"CREATE TABLE totp_secrets ("
		" user_id {{BIGINT}} PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
		" secret TEXT,"
		" pending_secret TEXT,"
		" last_step {{BIGINT}} NOT NULL DEFAULT 0,"
		" enrolled_at {{BIGINT}} NOT NULL DEFAULT 0);"
		/* recovery codes: only their SHA-256, each used once */
		"CREATE TABLE totp_recovery ("
		" id {{ID}},"
		" user_id {{BIGINT}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
		" code_hash TEXT NOT NULL,"
		" used_at {{BIGINT}});"
		"CREATE INDEX totp_recovery_user ON totp_recovery(user_id, code_hash);"
		/* a password accepted, the second factor awaited: the cookie's SHA-256, a few minutes */
		"CREATE TABLE login_pending ("
		" token_hash TEXT PRIMARY KEY,"
		" user_id {{BIGINT}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
		" expires_at {{BIGINT}} NOT NULL);"
		"CREATE INDEX login_pending_user ON login_pending(user_id);"
		/* the bureau's rule: which roles must use a second factor (all off at first) */
		"CREATE TABLE second_factor_roles ("
		" role TEXT PRIMARY KEY CHECK (role IN ('bureau', 'warehouse', 'gate', 'admin')),"
		" required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),"
		" updated_at {{BIGINT}} NOT NULL DEFAULT 0);"
		"INSERT INTO second_factor_roles (role) VALUES ('bureau'), ('warehouse'), ('gate'), ('admin');"},
	{9,	/* search with a million bookings (issue 14): an enterprise's own declaration numbers by prefix */
		"CREATE INDEX bookings_org_declaration ON bookings(org_id, declaration_digits, id);"},
	{11,	/* search with a million bookings (issue 14): a plate's and a VIN's organisation beside them (a booking
		 * never changes hands), so that an enterprise's own are found by prefix from its own index range; named
		 * apart from bookings.org_id so that a join written before it stays unambiguous */
		"ALTER TABLE booking_plates ADD COLUMN booking_org_id {{BIGINT}} NOT NULL DEFAULT 0;"
		"ALTER TABLE booking_vehicles ADD COLUMN booking_org_id {{BIGINT}} NOT NULL DEFAULT 0;"
		"UPDATE booking_plates SET booking_org_id = (SELECT b.org_id FROM bookings b WHERE b.id = booking_plates.booking_id);"
		"UPDATE booking_vehicles SET booking_org_id = (SELECT b.org_id FROM bookings b"
		" WHERE b.id = booking_vehicles.booking_id);"
		"CREATE INDEX booking_plates_org_plate ON booking_plates(booking_org_id, plate, booking_id);"
		"CREATE INDEX booking_vehicles_org_vin ON booking_vehicles(booking_org_id, vin, booking_id);"},
	{12,	/* search and the approvals queue with a million bookings (issue 14): the dense search's walk over an
		 * enterprise's newest bookings tests each one's declaration number, plates and VINs from indexes alone
		 * (bookings_org_walk replaces bookings_org, whose columns lead it); a booking's submission time is one
		 * entry of its own index instead of its history rows; an enterprise's year of declaration numbers
		 * newest first */
		"CREATE INDEX bookings_org_walk ON bookings(org_id, id, declaration_digits);"
		"DROP INDEX bookings_org;"
		"CREATE INDEX booking_plates_booking_plate ON booking_plates(booking_id, plate);"
		"CREATE INDEX booking_vehicles_booking_vin ON booking_vehicles(booking_id, vin);"
		"CREATE INDEX booking_history_submitted ON booking_history(booking_id, at) WHERE action = 'submit';"
		/* an enterprise's declaration numbers by customs district and year (their first 8 digits,
		 * BOOKING_DECLARATION_YEAR_DIGITS), newest first within each */
		"CREATE INDEX bookings_org_declaration_year ON bookings(org_id, substr(declaration_digits, 1, 8), id,"
		" declaration_digits);"},
	{13,	/* search and the approvals queue with a million bookings (issue 14): the VINs by their maker's line
		 * (their first 4 characters, BOOKING_VIN_LINE_CHARS) and by their model (8, BOOKING_VIN_MODEL_CHARS),
		 * newest first within each, so that the bureau's term of exactly that length reads no more of them than
		 * its page; the approvers' counts read each pending booking's site and kind from bookings_state alone */
		"CREATE INDEX booking_vehicles_vin_line ON booking_vehicles(substr(vin, 1, 4), booking_id);"
		"CREATE INDEX booking_vehicles_vin_model ON booking_vehicles(substr(vin, 1, 8), booking_id);"
		"DROP INDEX bookings_state;"
		"CREATE INDEX bookings_state ON bookings(state, id, transshipment_site_id, kind);"},
	{16,	/* the outbox holds rows only for organisations with a webhook (store_outbox_add): those of the others
		 * could never be sent, grew with every event and were scanned by each sender's run */
		"DELETE FROM outbox WHERE sent_at IS NULL AND org_id IN (SELECT id FROM organisations WHERE webhook_url = '');"},
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

/* sql with the driver's tokens substituted; the caller frees it. */
static char *expand(const struct db_driver *drv, const char *sql)
{
	static const char *const tokens[] = {"{{ID}}", "{{BIGINT}}", "{{BLOB}}", "{{CTEXT}}"};
	const char *values[] = {drv->id_column, drv->bigint_type, drv->blob_type, drv->ctext_type};
	enum { N_TOKENS = sizeof tokens / sizeof tokens[0] };
	size_t longest = 0;
	for (int t = 0; t < N_TOKENS; t++)
		if (strlen(values[t]) > longest)
			longest = strlen(values[t]);
	char *out = xmalloc(strlen(sql) * (longest + 1) + 1);	/* every byte a token, at worst */
	size_t o = 0;
	for (const char *p = sql; *p;) {
		int hit = 0;
		for (int t = 0; t < N_TOKENS && !hit; t++) {
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

int store_schema_newest(void)
{
	return migrations[MIGRATION_COUNT - 1].version;
}
