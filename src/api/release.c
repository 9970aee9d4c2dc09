/* The release code (放行二维码) of a released booking: its token and images,
 * the public keys a gate device verifies with offline, the revocations, and
 * the admin's key rotation (store/release.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/booking_doc.h"
#include "api/params.h"
#include "release/release.h"
#include "store/bookings.h"
#include "store/release.h"

#define RELEASE_URL_MAX 96

/* The booking's code in force if the caller may see the booking. */
static enum kerr visible_code(struct api_ctx *c, struct release_code *rc)
{
	struct booking_meta m;
	int64_t id = api_param_id(c, 0);
	struct booking_scope scope = booking_scope_of(c->who);
	enum kerr e = id ? store_booking_get(c->app->store, id, &m, NULL) : K_NOT_FOUND;
	if (e == K_OK && !store_booking_visible(&scope, &m))
		e = K_NOT_FOUND;
	if (e == K_OK && m.state != STATE_RELEASED && m.state != STATE_PASSED)
		e = K_WRONG_STATE;	/* no code before release, none after a cancel or expiry */
	return e == K_OK ? store_release_current(c->app->store, id, rc) : e;
}

static json_t *time_json(int64_t t)
{
	char buf[RELEASE_TIME_TEXT];
	release_time_text(t, buf);
	return json_string(buf);
}

void release_get(struct api_ctx *c)
{
	struct release_code rc;
	char png[RELEASE_URL_MAX], svg[RELEASE_URL_MAX];
	enum kerr e = visible_code(c, &rc);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	/* the serial in the URL: a reissued code is a new image, never a cached old one */
	snprintf(png, sizeof png, "/api/v1/bookings/%lld/release.png?serial=%u", (long long)rc.booking_id, rc.serial);
	snprintf(svg, sizeof svg, "/api/v1/bookings/%lld/release.svg?serial=%u", (long long)rc.booking_id, rc.serial);
	api_json(c, 200, json_pack("{s:I,s:s,s:o,s:o,s:s,s:s,s:I,s:I}", "booking_id", (json_int_t)rc.booking_id, "token",
		rc.token, "valid_from", time_json(rc.valid_from), "valid_until", time_json(rc.valid_until), "qr_png", png,
		"qr_svg", svg, "kid", (json_int_t)rc.kid, "serial", (json_int_t)rc.serial));
}

static void image_headers(struct api_ctx *c)
{
	http_add_header(c->req, "Cache-Control", "private, no-cache");
	http_add_header(c->req, "X-Content-Type-Options", "nosniff");
}

void release_png(struct api_ctx *c)
{
	struct release_code rc;
	uint8_t *png = NULL;
	size_t len = 0;
	enum kerr e = visible_code(c, &rc);
	if (e == K_OK)
		e = release_qr_png(rc.token, RELEASE_QR_MODULE_PX, &png, &len);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	image_headers(c);
	http_respond(c->req, 200, "image/png", png, len);
	free(png);
}

void release_svg(struct api_ctx *c)
{
	struct release_code rc;
	char *svg = NULL;
	enum kerr e = visible_code(c, &rc);
	if (e == K_OK)
		e = release_qr_svg(rc.token, &svg);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	image_headers(c);
	http_add_header(c->req, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
	http_respond(c->req, 200, "image/svg+xml", svg, strlen(svg));
	free(svg);
}

/* GET /api/v1/release-key (no login): every key a code in force may carry. */
void release_keys_get(struct api_ctx *c)
{
	struct release_key *keys = NULL, active;
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);
	/* the first server's first start made one; make sure even so */
	enum kerr e = store_release_key_active(c->app->store, now, &active);
	if (e == K_OK)
		e = store_release_key_list(c->app->store, now, &keys, &n);
	memset(active.secret_key, 0, sizeof active.secret_key);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char kid[16], pk[RELEASE_KEY_B64_MAX];
		snprintf(kid, sizeof kid, "%u", keys[i].kid);
		release_b64url_encode(keys[i].public_key, RELEASE_PUBLIC_KEY_BYTES, pk, sizeof pk);
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b}", "kid", kid, "alg", "Ed25519", "public_key", pk,
			"active", keys[i].active));
	}
	free(keys);
	http_add_header(c->req, "Cache-Control", "public, max-age=60");
	api_json(c, 200, json_pack("{s:o}", "keys", arr));
}

/* POST /api/v1/release-key/rotate (admin): new codes are signed by a new
 * key; the old one stays listed until the codes it signed expire. */
void release_key_rotate(struct api_ctx *c)
{
	uint32_t kid = 0;
	enum kerr e = store_release_key_rotate(c->app->store, (int64_t)time(NULL), &kid);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	char text[16];
	snprintf(text, sizeof text, "%u", kid);
	api_json(c, 200, json_pack("{s:s}", "kid", text));
}

/* GET /api/v1/release-revocations?since=UNIX_SECONDS: codes revoked since. */
void release_revocations(struct api_ctx *c)
{
	int64_t since = query_number_parse(http_query(c->req, "since"));
	if (since < 0) {
		api_invalid_field(c, "since", FIELD_INVALID);
		return;
	}
	struct release_revocation *r = NULL;
	size_t n = 0;
	enum kerr e = store_release_revocations(c->app->store, since, &r, &n);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	json_t *arr = json_array();
	int64_t last = since;
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(arr, json_pack("{s:s,s:I,s:I,s:s}", "token", r[i].token, "booking_id",
			(json_int_t)r[i].booking_id, "revoked_at", (json_int_t)r[i].revoked_at, "reason", r[i].reason));
		last = r[i].revoked_at;
	}
	free(r);
	api_json(c, 200, json_pack("{s:o,s:I,s:b}", "revocations", arr, "next_since", (json_int_t)last, "more",
		n == STORE_REVOCATIONS_MAX));
}
