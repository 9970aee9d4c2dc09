/* The gate (卡口): POST /api/v1/gate/scans {"token", "gate", "plate"?, "vin"?}
 * -> {"result": "green"|"red", "reason", "repeat", "unit", "unit_required",
 * "booking"}. The code is checked as `kouan verify --db` does (form, key,
 * signature, revocation, window; a code the server issued, found in the
 * scan's transaction and compared in constant time, needs no signature
 * check: src/store/release.c says why); then the plate (heavy trucks: one that is
 * not a trailer) or VIN (commodity vehicles) is recorded as passed, once. A
 * booking with one unit needs none named; with several, a scan without one
 * is green with "unit_required" and records nothing. Reasons besides the
 * code's: not_released (the booking is no longer released), not_on_booking,
 * repeat (that unit passed already: red, "repeat": true). When every unit
 * has passed the booking becomes `passed`. Every scan is logged. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/log.h"
#include "store/bookings.h"
#include "store/gate.h"
#include "store/release.h"

#define GATE_REASON_NOT_RELEASED "not_released"
#define GATE_REASON_NOT_ON_BOOKING "not_on_booking"
#define GATE_REASON_REPEAT "repeat"

struct scan {
	json_t *body;			/* the request's; token, gate, plate and vin point into it */
	const char *token, *plate, *vin;
	char unit[GATE_UNIT_MAX];
	const char *result, *reason;
	int unit_required;
	enum release_reason verdict;	/* the code's */
	struct release_token tok;
	json_t *units;			/* the booking's plates (trailers aside) or VINs */
	struct gate_scan_job job;	/* the booking, when the code named one that is ours */
};

/* Upper case, without blanks, dots and dashes: "新f 12345" and "新F12345" are one plate. */
static void normalise_unit(const char *in, char *out, size_t out_len)
{
	size_t o = 0;
	for (; in && *in && o + 1 < out_len; in++) {
		if (strchr(" \t-.·", *in) != NULL)
			continue;
		out[o++] = (*in >= 'a' && *in <= 'z') ? (char)(*in - 'a' + 'A') : *in;
	}
	out[o] = '\0';
}

static int is_trailer(const char *plate)
{
	size_t n = strlen(plate), m = strlen(PLATE_TRAILER_MARK);
	return n >= m && strcmp(plate + n - m, PLATE_TRAILER_MARK) == 0;
}

/* The booking's units, normalised: a new array of strings. */
static json_t *units_of(json_t *doc, enum booking_kind kind)
{
	json_t *out = json_array(), *v;
	size_t i;
	char unit[GATE_UNIT_MAX];
	json_t *list = json_object_get(doc, kind == KIND_HEAVY_TRUCK ? "plates" : "vehicles");
	json_array_foreach(list, i, v) {
		const char *s = kind == KIND_HEAVY_TRUCK ? json_string_value(v) : json_string_value(json_object_get(v, "vin"));
		normalise_unit(s, unit, sizeof unit);
		if (unit[0] && !(kind == KIND_HEAVY_TRUCK && is_trailer(unit)))
			json_array_append_new(out, json_string(unit));
	}
	return out;
}

static int has_unit(json_t *units, const char *unit)
{
	json_t *v;
	size_t i;
	json_array_foreach(units, i, v)
		if (strcmp(json_string_value(v), unit) == 0)
			return 1;
	return 0;
}

/* The scan's unit: the one named, or the booking's only one. */
static void choose_unit(struct scan *s)
{
	const char *named = s->job.meta.kind == KIND_HEAVY_TRUCK ? s->plate : s->vin;
	if (named != NULL && named[0] != '\0') {
		normalise_unit(named, s->unit, sizeof s->unit);
		if (!has_unit(s->units, s->unit))
			s->result = "red", s->reason = GATE_REASON_NOT_ON_BOOKING;
	} else if (json_array_size(s->units) == 1) {
		normalise_unit(json_string_value(json_array_get(s->units, 0)), s->unit, sizeof s->unit);
	} else {
		s->unit_required = 1;
	}
}

/* The code's verdict as the scan shows it: green or red with the reason, and
 * the booking named when the code is ours, valid or not (revoked or out of
 * its window, it still shows its booking). */
static void take_verdict(struct scan *s)
{
	enum release_reason r = s->verdict;
	s->result = r == RELEASE_VALID ? "green" : "red";
	s->reason = r == RELEASE_VALID ? NULL : release_reason_name(r);
	if (r == RELEASE_VALID || r == RELEASE_REVOKED || r == RELEASE_EXPIRED || r == RELEASE_NOT_YET_VALID)
		s->job.booking_id = (int64_t)s->tok.claims.booking_id;
}

/* In the scan's transaction, the booking read (or not there): green only
 * for a released (or passed) booking with a unit to record. */
static int judge(struct gate_scan_job *j)
{
	struct scan *s = j->arg;
	take_verdict(s);
	if (j->doc == NULL && j->booking_id != 0)
		s->result = "red", s->reason = GATE_REASON_NOT_RELEASED;	/* signed by us, yet gone */
	if (j->doc != NULL) {
		json_decref(s->units);
		s->units = units_of(j->doc, j->meta.kind);
		j->units = json_array_size(s->units);
	}
	if (j->doc != NULL && s->verdict == RELEASE_VALID && j->meta.state != STATE_RELEASED &&
	    j->meta.state != STATE_PASSED)
		s->result = "red", s->reason = GATE_REASON_NOT_RELEASED;
	if (j->doc != NULL && s->reason == NULL)
		choose_unit(s);
	j->log.unit = s->unit;
	return j->doc != NULL && s->reason == NULL && !s->unit_required;
}

/* After the passage was tried: a unit that passed before is red. */
static void settle(struct gate_scan_job *j)
{
	struct scan *s = j->arg;
	if (j->log.repeat)
		s->result = "red", s->reason = GATE_REASON_REPEAT;
	j->log.result = s->result;
	j->log.reason = s->reason ? s->reason : "";
}

/* One transaction: a code the server issued is found and judged in it
 * (store_release_issued_on), then the booking read, the unit recorded and the
 * scan logged. Any other well-formed code is checked in full (key, Ed25519,
 * revocation) outside the writer's transaction, which then runs with that
 * verdict: a forged code never holds the writer for its signature check. */
static enum kerr run_scan(struct api_ctx *c, struct scan *s)
{
	const char *token = s->token;
	s->job.judge = judge;
	s->job.settle = settle;
	s->job.arg = s;
	s->job.user_id = c->who->user.id;
	s->job.verdict = &s->verdict;
	s->verdict = release_token_parse(token, strlen(token), &s->tok);
	s->job.code = s->verdict == RELEASE_VALID ? &s->tok : NULL;
	enum kerr e = store_gate_scan(c->app->store, &s->job);
	if (e != K_OK || !s->job.not_issued)
		return e;
	e = store_release_verify(c->app->store, token, strlen(token), s->job.at, &s->tok, &s->verdict);
	if (e != K_OK)
		return e;
	take_verdict(s);
	s->job.code = NULL;
	s->job.not_issued = 0;
	return store_gate_scan(c->app->store, &s->job);
}

static json_t *booking_summary(struct scan *s)
{
	struct gate_scan_job *j = &s->job;
	if (j->doc == NULL)
		return json_null();
	json_t *doc = j->doc;
	return json_pack("{s:I,s:s,s:s,s:O,s:O,s:O,s:s,s:O,s:O,s:O,s:I,s:o}", "id", (json_int_t)j->meta.id, "kind",
		domain_kinds[j->meta.kind].code, "state", domain_states[j->state].code, "declaration_no",
		json_object_get(doc, "declaration_no"), "plates", json_object_get(doc, "plates"), "units", s->units,
		"site_name", j->site_name, "crossing_date",
		json_object_get(doc, "crossing_date") ? json_object_get(doc, "crossing_date") : json_null(), "slot",
		json_object_get(doc, "slot") ? json_object_get(doc, "slot") : json_null(), "company",
		json_object_get(doc, "company") ? json_object_get(doc, "company") : json_null(), "total",
		(json_int_t)json_array_size(s->units), "passed", j->passed ? json_incref(j->passed) : json_array());
}

const char *gate_scan_fields(json_t *body, const char **token, const char **gate, const char **plate, const char **vin)
{
	*token = json_str(body, "token");
	*gate = json_str(body, "gate");
	*plate = json_str(body, "plate");
	*vin = json_str(body, "vin");
	return *token == NULL || (*token)[0] == '\0' ? "token"
		: strlen(*token) > RELEASE_INPUT_MAX ? "token"
		: *gate == NULL || (*gate)[0] == '\0' || strlen(*gate) >= GATE_NAME_MAX ? "gate"
		: *plate && strlen(*plate) >= GATE_UNIT_MAX ? "plate"
		: *vin && strlen(*vin) >= GATE_UNIT_MAX ? "vin" : NULL;
}

/* Bounded strings of the body; 0 after answering 422. */
static int read_scan(struct api_ctx *c, json_t *body, struct scan *s)
{
	const char *bad = gate_scan_fields(body, &s->token, &s->job.gate, &s->plate, &s->vin);
	if (bad != NULL)
		api_invalid_field(c, bad, FIELD_INVALID);
	return bad == NULL;
}

static void scan_free(void *arg)
{
	struct scan *s = arg;
	json_decref(s->job.doc);
	json_decref(s->job.passed);
	json_decref(s->units);
	json_decref(s->body);	/* the strings of the scan point into it */
	free(s);
}

/* On a writer thread: the scan's transactions, then the answer. */
static void scan_and_answer(struct api_ctx *c, void *arg)
{
	struct scan *s = arg;
	enum kerr e = run_scan(c, s);
	if (e != K_OK) {
		api_error(c, e);
		return;
	}
	api_json(c, 200, json_pack("{s:s,s:o,s:b,s:s,s:b,s:o}", "result", s->result, "reason",
		s->reason ? json_string(s->reason) : json_null(), "repeat", s->job.log.repeat, "unit", s->unit, "unit_required",
		s->unit_required, "booking", booking_summary(s)));
}

/* The body is read here, the scan waits for the writer on a thread of the
 * writers' queue: scans arriving together share one commit. */
void gate_scan(struct api_ctx *c)
{
	struct scan *s = xcalloc(1, sizeof *s);
	s->job.at = (int64_t)time(NULL);
	s->body = api_body_object(c);
	if (s->body == NULL || !read_scan(c, s->body, s)) {
		scan_free(s);
		return;
	}
	api_defer_to_writers(c, scan_and_answer, s, scan_free);
}
