/* Release keys and issued codes (store/release.h). Keys are kept as
 * base64url text, so that both databases store them the same way. */
#include "store/release.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <time.h>

#include "core/crossing.h"
#include "core/log.h"
#include "store/capacity.h"
#include "store/store_internal.h"

#define KEY_COLUMNS "SELECT kid, public_key, secret_key, active, created_at, retired_at, verify_until FROM release_keys"

struct key_row {
	struct release_key *key;
	int with_secret;
	enum kerr bad;		/* K_INTERNAL when a stored key does not decode */
};

static int decode_exact(const char *b64, uint8_t *out, size_t want)
{
	size_t n = 0;
	return release_b64url_decode(b64, out, want, &n) == 0 && n == want ? 0 : -1;
}

static enum kerr fill_key(const struct conn *c, struct db_stmt *s, struct release_key *k, int with_secret)
{
	memset(k, 0, sizeof *k);
	k->kid = (uint32_t)c->drv->column_int64(s, 0);
	k->active = (int)c->drv->column_int64(s, 3);
	k->created_at = c->drv->column_int64(s, 4);
	k->retired_at = c->drv->column_int64(s, 5);
	k->verify_until = c->drv->column_int64(s, 6);
	if (decode_exact(c->drv->column_text(s, 1), k->public_key, RELEASE_PUBLIC_KEY_BYTES) != 0 ||
		(with_secret && decode_exact(c->drv->column_text(s, 2), k->secret_key, RELEASE_SECRET_KEY_BYTES) != 0)) {
		log_error("msg=\"stored release key does not decode\" kid=%u", k->kid);
		return K_INTERNAL;
	}
	return K_OK;
}

static enum kerr key_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct key_row *r = arg;
	return fill_key(c, s, r->key, r->with_secret);
}

static enum kerr active_key(struct store *st, struct release_key *out)
{
	struct key_row r = {out, 1, K_OK};
	return store_q_one(st, KEY_COLUMNS " WHERE active = 1", key_row, &r, "");
}

/* Insert a fresh active key on c; K_CONFLICT when another is active. */
static enum kerr insert_key(const struct conn *c, int64_t now, int64_t *kid)
{
	uint8_t pk[RELEASE_PUBLIC_KEY_BYTES], sk[RELEASE_SECRET_KEY_BYTES];
	char pk64[RELEASE_KEY_B64_MAX], sk64[RELEASE_KEY_B64_MAX];
	enum kerr e = release_keypair(pk, sk);
	if (e != K_OK)
		return e;
	release_b64url_encode(pk, sizeof pk, pk64, sizeof pk64);
	release_b64url_encode(sk, sizeof sk, sk64, sizeof sk64);
	e = store_q_run(c, "INSERT INTO release_keys (public_key, secret_key, active, created_at, retired_at, verify_until)"
		" VALUES (?, ?, 1, ?, 0, 0) RETURNING kid", store_q_row_int64, kid, NULL, NULL, "ssi", pk64, sk64, now);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(sk64, sizeof sk64);
	if (e == K_OK)
		log_info("msg=\"release key made\" kid=%lld", (long long)*kid);
	return e;
}

enum kerr store_release_key_active(struct store *st, int64_t now, struct release_key *out)
{
	enum kerr e = active_key(st, out);
	if (e != K_NOT_FOUND)
		return e;
	struct conn c;
	int64_t kid = 0;
	e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = insert_key(&c, now, &kid);
	store_conn_put(st, &c);
	/* K_CONFLICT: another server made it first (one active key, by index). */
	if (e != K_OK && e != K_CONFLICT)
		return e;
	return active_key(st, out);
}

enum kerr store_release_key_get(struct store *st, uint32_t kid, struct release_key *out)
{
	struct key_row r = {out, 0, K_OK};
	return store_q_one(st, KEY_COLUMNS " WHERE kid = ?", key_row, &r, "i", (int64_t)kid);
}

struct key_list {
	struct release_key *v;
	size_t n;
};

static enum kerr key_list_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct key_list *l = arg;
	if (l->n == STORE_RELEASE_KEYS_MAX)
		return K_OK;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	enum kerr e = fill_key(c, s, &l->v[l->n], 0);
	if (e == K_OK)
		l->n++;
	return e;
}

enum kerr store_release_key_list(struct store *st, int64_t now, struct release_key **out, size_t *n)
{
	struct key_list l = {0};
	enum kerr e = store_q_all(st, KEY_COLUMNS " WHERE active = 1 OR verify_until >= ? ORDER BY kid DESC",
		key_list_row, &l, "i", now);
	if (e != K_OK) {
		free(l.v);
		return e;
	}
	*out = l.v;
	*n = l.n;
	return K_OK;
}

static enum kerr rotate_on(const struct conn *c, int64_t now, int64_t *kid)
{
	enum kerr e = store_q_run(c, "UPDATE release_keys SET active = 0, retired_at = ? WHERE active = 1", NULL, NULL,
		NULL, NULL, "i", now);
	return e == K_OK ? insert_key(c, now, kid) : e;
}

enum kerr store_release_key_rotate(struct store *st, int64_t now, uint32_t *kid)
{
	struct conn c;
	int64_t id = 0;
	enum kerr e = store_conn_get(st, &c);
	if (e != K_OK)
		return e;
	e = c.drv->begin(c.db);
	if (e == K_OK) {
		e = rotate_on(&c, now, &id);
		e = e == K_OK ? c.drv->commit(c.db) : e;
		if (e != K_OK)
			(void)c.drv->rollback(c.db);
	}
	store_conn_put(st, &c);
	if (e == K_OK)
		*kid = (uint32_t)id;
	return e;
}

enum kerr store_release_key_note_use(struct store *st, uint32_t kid, int64_t valid_until)
{
	/* No row changed: the key already covers valid_until. */
	return store_q_write(st, 0, "UPDATE release_keys SET verify_until = ? WHERE kid = ? AND verify_until < ?", "iii",
		valid_until, (int64_t)kid, valid_until);
}

enum kerr store_release_is_revoked(struct store *st, const char *token, int *revoked)
{
	int64_t count = 0;
	enum kerr e = store_q_one(st, "SELECT COUNT(*) FROM release_codes WHERE token = ? AND revoked_at IS NOT NULL",
		store_q_row_int64, &count, "s", token);
	*revoked = e == K_OK && count > 0;
	return e;
}

struct revocation_list {
	struct release_revocation *v;
	size_t n;
};

static enum kerr revocation_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct revocation_list *l = arg;
	if (l->n == STORE_REVOCATIONS_MAX)
		return K_OK;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	struct release_revocation *r = &l->v[l->n++];
	r->booking_id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, r->token, sizeof r->token);
	r->revoked_at = c->drv->column_int64(s, 2);
	store_q_text(c, s, 3, r->reason, sizeof r->reason);
	return K_OK;
}

enum kerr store_release_revocations(struct store *st, int64_t since, struct release_revocation **out, size_t *n)
{
	struct revocation_list l = {0};
	enum kerr e = store_q_all(st, "SELECT booking_id, token, revoked_at, revoke_reason FROM release_codes"
		" WHERE revoked_at IS NOT NULL AND revoked_at >= ? ORDER BY revoked_at, id", revocation_row, &l, "i", since);
	if (e != K_OK) {
		free(l.v);
		return e;
	}
	*out = l.v;
	*n = l.n;
	return K_OK;
}

/* What a check of a code reads, on one snapshot (one read transaction): the
 * code issued under the booking and serial the presented one claims and, when
 * that is not the very code presented, the key it names and whether the code
 * is revoked.
 *
 * Why a code the server finds issued needs no signature check here: every
 * code is signed and written into release_codes in one transaction
 * (store_release_issue_on), and a presented text equal to the stored one is,
 * byte for byte, a code this server's key signed, so verifying that signature
 * again can only say yes. This trusts the database no more than the signature
 * path does: whoever could write a row of release_codes could read the secret
 * keys beside it in release_keys and sign anything, and the key a code names
 * is always there (release_codes.kid references release_keys, whose rows are
 * never deleted). The row is found by the booking id and serial the payload
 * claims, which the code shows in clear and which grant nothing; the part an
 * attacker must guess, the signature, is compared with sodium_memcmp in
 * constant time over the whole token, so the time of a refusal says nothing
 * of how much of a forged code was right (a lookup by the token's text would
 * compare it inside an index, in variable time). Anything that is not the
 * stored text (a forged, altered or foreign code, or ours from a database
 * restored to before its issue) takes the whole path as before: key, Ed25519,
 * revocation by text, with the same reasons. Offline verifiers (`kouan verify
 * --key`, anyone holding GET /api/v1/release-key) check the signature, which
 * every code still carries. */
struct verify_read {
	const struct release_token *tok;
	struct release_key *key;
	int issued;		/* the presented code is the one stored: no signature check */
	int found, revoked;
};

struct issued_row {
	char token[RELEASE_TOKEN_MAX];
	int revoked;
};

static enum kerr issued_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct issued_row *r = arg;
	store_q_text(c, s, 0, r->token, sizeof r->token);
	r->revoked = c->drv->column_int64(s, 1) != 0;
	return K_OK;
}

enum kerr store_release_issued_on(const struct conn *c, const struct release_token *tok, int *issued, int *revoked)
{
	struct issued_row r = {0};
	int rows = 0;
	*issued = *revoked = 0;
	if (tok->claims.booking_id > INT64_MAX)
		return K_OK;	/* no booking of ours */
	enum kerr e = store_q_run(c, "SELECT token, CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END FROM release_codes"
		" WHERE booking_id = ? AND serial = ?", issued_row, &r, NULL, &rows, "ii", (int64_t)tok->claims.booking_id,
		(int64_t)tok->claims.serial);
	*issued = e == K_OK && rows > 0 && strlen(r.token) == RELEASE_TOKEN_CHARS &&
		sodium_memcmp(r.token, tok->text, RELEASE_TOKEN_CHARS) == 0;
	*revoked = *issued && r.revoked;
	return e;
}

static enum kerr verify_read_run(const struct conn *c, void *arg)
{
	struct verify_read *v = arg;
	enum kerr e = store_release_issued_on(c, v->tok, &v->issued, &v->revoked);
	if (e != K_OK || v->issued)
		return e;
	struct key_row r = {v->key, 0, K_OK};
	int rows = 0;
	int64_t count = 0;
	e = store_q_run(c, KEY_COLUMNS " WHERE kid = ?", key_row, &r, NULL, &rows, "i", (int64_t)v->tok->claims.kid);
	v->found = e == K_OK && rows > 0;
	if (v->found)
		e = store_q_run(c, "SELECT COUNT(*) FROM release_codes WHERE token = ? AND revoked_at IS NOT NULL",
			store_q_row_int64, &count, NULL, NULL, "s", v->tok->text);
	v->revoked = count > 0;
	return e;
}

enum kerr store_release_verify(struct store *st, const char *text, size_t len, int64_t now, struct release_token *tok,
	enum release_reason *reason)
{
	struct release_key key;
	*reason = release_token_parse(text, len, tok);
	if (*reason != RELEASE_VALID)
		return K_OK;
	struct verify_read v = {.tok = tok, .key = &key};
	enum kerr e = store_read(st, verify_read_run, &v);
	if (e != K_OK)
		return e;
	if (!v.issued && !v.found) {
		*reason = RELEASE_UNKNOWN_KEY;
		return K_OK;
	}
	if (!v.issued)
		*reason = release_token_check_sig(tok, key.public_key);
	if (*reason != RELEASE_VALID)
		return K_OK;
	*reason = v.revoked ? RELEASE_REVOKED : release_claims_check_time(&tok->claims, now);
	return K_OK;
}

/* ---- codes of bookings, inside the booking's transaction ---- */

/* What a code is made from, read on c. */
struct code_source {
	enum booking_kind kind;
	char date[CROSSING_DATE_LEN + 1];
	char slot[CROSSING_SLOT_LEN + 1];
	int64_t count;
};

static enum kerr source_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct code_source *src = arg;
	int kind = domain_kind(c->drv->column_text(s, 0));
	src->kind = kind < 0 ? KIND_HEAVY_TRUCK : (enum booking_kind)kind;
	store_q_text(c, s, 1, src->date, sizeof src->date);
	store_q_text(c, s, 2, src->slot, sizeof src->slot);
	return K_OK;
}

static enum kerr read_source(const struct conn *c, int64_t booking_id, struct code_source *src)
{
	int rows = 0;
	enum kerr e = store_q_run(c, "SELECT kind, COALESCE(crossing_date, ''), COALESCE(slot, '') FROM bookings WHERE id = ?",
		source_row, src, NULL, &rows, "i", booking_id);
	if (e == K_OK && rows == 0)
		e = K_NOT_FOUND;
	if (e != K_OK)
		return e;
	/* heavy trucks: plates that are not trailers (挂); commodity vehicles: VINs */
	return src->kind == KIND_HEAVY_TRUCK
		? store_q_run(c, "SELECT COUNT(*) FROM booking_plates WHERE booking_id = ? AND plate NOT LIKE ?",
			store_q_row_int64, &src->count, NULL, NULL, "is", booking_id, "%" PLATE_TRAILER_MARK)
		: store_q_run(c, "SELECT COUNT(*) FROM booking_vehicles WHERE booking_id = ? AND vin <> ''",
			store_q_row_int64, &src->count, NULL, NULL, "i", booking_id);
}

/* The validity window: the slot (or the whole crossing date) widened by
 * the bureau's grace; a booking without a date: from now for
 * RELEASE_UNDATED_VALIDITY_S. [from, until] inclusive. */
static enum kerr code_window(const struct conn *c, const struct code_source *src, int64_t now, int64_t *from,
	int64_t *until)
{
	int grace = 0;
	if (src->date[0] == '\0') {
		*from = now;
		*until = now + RELEASE_UNDATED_VALIDITY_S;
		return K_OK;
	}
	enum kerr e = capacity_grace_minutes(c, &grace);
	if (e != K_OK)
		return e;
	if (capacity_window(src->date, src->slot, grace, from, until) != 0)
		return K_VALIDATION_FAILED;
	*until -= 1;	/* capacity_window's end is exclusive */
	return K_OK;
}

static enum kerr active_key_on(const struct conn *c, int64_t now, struct release_key *k)
{
	struct key_row r = {k, 1, K_OK};
	int rows = 0;
	enum kerr e = store_q_run(c, KEY_COLUMNS " WHERE active = 1", key_row, &r, NULL, &rows, "");
	if (e != K_OK || rows > 0)
		return e;
	int64_t kid = 0;
	e = insert_key(c, now, &kid);
	return e == K_OK ? store_q_run(c, KEY_COLUMNS " WHERE active = 1", key_row, &r, NULL, &rows, "") : e;
}

static enum kerr insert_code(const struct conn *c, int64_t booking_id, const struct release_claims *cl,
	const char *token, int64_t now)
{
	enum kerr e = store_q_run(c, "INSERT INTO release_codes (booking_id, serial, kid, token, valid_from, valid_until,"
		" issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)", NULL, NULL, NULL, NULL, "iiisiii", booking_id, (int64_t)cl->serial,
		(int64_t)cl->kid, token, cl->valid_from, cl->valid_until, now);
	if (e == K_OK)
		e = store_q_run(c, "UPDATE release_keys SET verify_until = ? WHERE kid = ? AND verify_until < ?", NULL, NULL,
			NULL, NULL, "iii", cl->valid_until, (int64_t)cl->kid, cl->valid_until);
	return e;
}

enum kerr store_release_issue_on(const struct conn *c, int64_t booking_id, int64_t now)
{
	struct code_source src = {0};
	struct release_key key;
	int64_t serial = 0;
	char token[RELEASE_TOKEN_MAX];
	enum kerr e = read_source(c, booking_id, &src);
	struct release_claims cl = {.booking_id = (uint64_t)booking_id,
		.kind = src.kind == KIND_HEAVY_TRUCK ? RELEASE_HEAVY_TRUCK : RELEASE_COMMODITY_VEHICLE,
		.count = (uint16_t)(src.count > UINT16_MAX ? UINT16_MAX : src.count)};
	if (e == K_OK)
		e = code_window(c, &src, now, &cl.valid_from, &cl.valid_until);
	if (e == K_OK)
		e = store_q_run(c, "SELECT COALESCE(MAX(serial), 0) FROM release_codes WHERE booking_id = ?", store_q_row_int64,
			&serial, NULL, NULL, "i", booking_id);
	if (e == K_OK)
		e = active_key_on(c, now, &key);
	cl.serial = (uint32_t)serial + 1;
	cl.kid = key.kid;
	if (e == K_OK)
		e = release_token_sign(&cl, key.secret_key, token, sizeof token);
	sodium_memzero(key.secret_key, sizeof key.secret_key);
	return e == K_OK ? insert_code(c, booking_id, &cl, token, now) : e;
}

enum kerr store_release_revoke_on(const struct conn *c, int64_t booking_id, const char *reason, int64_t now)
{
	return store_q_run(c, "UPDATE release_codes SET revoked_at = ?, revoke_reason = ? WHERE booking_id = ?"
		" AND revoked_at IS NULL", NULL, NULL, NULL, NULL, "isi", now, reason ? reason : "", booking_id);
}

enum kerr store_release_step(const struct conn *c, struct booking_transition *t)
{
	int64_t now = (int64_t)time(NULL);
	int was = t->from == STATE_RELEASED, is = t->to == STATE_RELEASED;
	enum kerr e = K_OK;
	/* passed keeps its code (the passages point at it); every other way out revokes */
	if (was && !is && t->to != STATE_PASSED)
		e = store_release_revoke_on(c, t->booking_id, domain_actions[t->action].code, now);
	if (e == K_OK && is && !was)
		e = store_release_issue_on(c, t->booking_id, now);
	return e;
}

enum kerr store_release_moved_on(const struct conn *c, int64_t booking_id, int64_t now)
{
	enum kerr e = store_release_revoke_on(c, booking_id, RELEASE_REASON_MOVED, now);
	return e == K_OK ? store_release_issue_on(c, booking_id, now) : e;
}

static enum kerr reissue_tx(const struct conn *c, void *arg)
{
	const int64_t *booking_id = arg;
	return store_release_moved_on(c, *booking_id, (int64_t)time(NULL));
}

enum kerr store_release_reissue(struct store *st, int64_t booking_id)
{
	return store_tx(st, reissue_tx, &booking_id);
}

/* ---- reading a booking's current code ---- */

static enum kerr code_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct release_code *rc = arg;
	rc->booking_id = c->drv->column_int64(s, 0);
	rc->serial = (uint32_t)c->drv->column_int64(s, 1);
	rc->kid = (uint32_t)c->drv->column_int64(s, 2);
	store_q_text(c, s, 3, rc->token, sizeof rc->token);
	rc->valid_from = c->drv->column_int64(s, 4);
	rc->valid_until = c->drv->column_int64(s, 5);
	rc->issued_at = c->drv->column_int64(s, 6);
	rc->revoked = !c->drv->column_is_null(s, 7);
	return K_OK;
}

#define CODE_COLUMNS "SELECT booking_id, serial, kid, token, valid_from, valid_until, issued_at, revoked_at FROM release_codes"

enum kerr store_release_current(struct store *st, int64_t booking_id, struct release_code *out)
{
	return store_q_one(st, CODE_COLUMNS " WHERE booking_id = ? AND revoked_at IS NULL ORDER BY serial DESC LIMIT 1",
		code_row, out, "i", booking_id);
}

enum kerr store_release_by_token(struct store *st, const char *token, struct release_code *out)
{
	return store_q_one(st, CODE_COLUMNS " WHERE token = ?", code_row, out, "s", token);
}
