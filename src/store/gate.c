/* Passages and scans at the gate (store/gate.h). */
#include "store/gate.h"

#include <string.h>

#include "core/utf8.h"
#include "store/release.h"
#include "store/store_internal.h"

#define PG_DRIVER "postgres"

static enum kerr passage_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:I}", "unit", c->drv->column_text(s, 0), "gate",
		c->drv->column_text(s, 1), "at", (json_int_t)c->drv->column_int64(s, 2)));
	return K_OK;
}

static enum kerr passages_on(const struct conn *c, int64_t booking_id, json_t **out)
{
	json_t *arr = json_array();
	enum kerr e = store_q_run(c, "SELECT unit, gate, at FROM gate_passages WHERE booking_id = ? ORDER BY id",
		passage_row, arr, NULL, NULL, "i", booking_id);
	if (e != K_OK) {
		json_decref(arr);
		return e;
	}
	*out = arr;
	return K_OK;
}

struct passages_job {
	int64_t booking_id;
	json_t *out;
};

static enum kerr passages_run(const struct conn *c, void *arg)
{
	struct passages_job *p = arg;
	return passages_on(c, p->booking_id, &p->out);
}

enum kerr store_gate_passages(struct store *st, int64_t booking_id, json_t **out)
{
	struct passages_job p = {booking_id, NULL};
	enum kerr e = store_read(st, passages_run, &p);
	if (e == K_OK)
		*out = p.out;
	return e;
}

/* PostgreSQL runs READ COMMITTED: two gates passing a booking's last two
 * units at once would each miss the other's passage, so a scan holds the
 * booking's row from its start. SQLite's BEGIN IMMEDIATE already serialises. */
static enum kerr lock_booking(const struct conn *c, int64_t booking_id)
{
	if (strcmp(c->drv->name, PG_DRIVER) != 0)
		return K_OK;
	return store_q_run(c, "SELECT id FROM bookings WHERE id = ? FOR UPDATE", NULL, NULL, NULL, NULL, "i",
		booking_id);
}

/* The unique (booking_id, unit) refuses a second passage, whoever scans it. */
static enum kerr record_passage(const struct conn *c, struct gate_scan_job *j)
{
	if (!store_text_ok(j->log.unit, GATE_UNIT_MAX))
		return K_VALIDATION_FAILED;
	int64_t changes = 0;
	enum kerr e = store_q_run(c, "INSERT INTO gate_passages (booking_id, unit, gate, user_id, at) VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT (booking_id, unit) DO NOTHING", NULL, NULL, &changes, NULL, "isszi", j->meta.id, j->log.unit,
		j->gate, j->user_id, j->at);
	j->log.repeat = e == K_OK && changes == 0;
	return e;
}

/* When every unit has passed, the booking becomes passed (in this
 * transaction); the passages read here are also the answer's. */
static enum kerr pass_when_last(const struct conn *c, struct gate_scan_job *j)
{
	enum kerr e = passages_on(c, j->meta.id, &j->passed);
	if (e != K_OK || j->meta.state != STATE_RELEASED || json_array_size(j->passed) < j->units)
		return e;
	struct booking_transition t = {.booking_id = j->meta.id, .action = ACTION_PASS, .to = STATE_PASSED,
		.actor_id = j->user_id, .reason = j->gate};
	e = store_booking_transition_on(c, &t);
	if (e == K_OK)
		j->state = STATE_PASSED;
	return e;
}

static enum kerr log_scan(const struct conn *c, const struct gate_scan_log *s)
{
	return store_q_run(c, "INSERT INTO gate_scans (booking_id, unit, gate, user_id, result, reason, is_repeat, at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)", NULL, NULL, NULL, NULL, "zsszssii", s->booking_id, s->unit ? s->unit : "",
		s->gate, s->user_id, s->result, s->reason ? s->reason : "", (int64_t)s->repeat, s->at);
}

/* The passages the answer shows, read after the writes (unless
 * pass_when_last read them). */
static enum kerr read_answer(const struct conn *c, struct gate_scan_job *j)
{
	return j->passed ? K_OK : passages_on(c, j->meta.id, &j->passed);
}

/* The site's name came with the booking's row (store_booking_gate_on). */
static void site_name_of(struct gate_scan_job *j)
{
	const char *name = json_string_value(json_object_get(j->doc, "site_name"));
	utf8_copy(j->site_name, sizeof j->site_name, name ? name : "", name ? strlen(name) : 0);
}

static enum kerr read_booking(const struct conn *c, struct gate_scan_job *j)
{
	if (j->booking_id == 0)
		return K_OK;
	enum kerr e = lock_booking(c, j->booking_id);
	if (e == K_OK)
		e = store_booking_gate_on(c, j->booking_id, &j->meta, &j->doc);
	if (e == K_OK) {
		j->state = j->meta.state;
		site_name_of(j);
	}
	return e == K_NOT_FOUND ? K_OK : e;	/* signed by us, yet gone: judge says so */
}

/* A code the server issued is judged here, on the writer's warm connection,
 * rather than in a read transaction of its own before it. */
static enum kerr check_code(const struct conn *c, struct gate_scan_job *j)
{
	int issued = 0, revoked = 0;
	enum kerr e = store_release_issued_on(c, j->code, &issued, &revoked);
	if (e != K_OK)
		return e;
	j->not_issued = !issued;
	if (!issued)
		return K_OK;
	*j->verdict = revoked ? RELEASE_REVOKED : release_claims_check_time(&j->code->claims, j->at);
	j->booking_id = (int64_t)j->code->claims.booking_id;	/* valid or not, the booking is shown */
	return K_OK;
}

static enum kerr scan_tx(const struct conn *c, void *arg)
{
	struct gate_scan_job *j = arg;
	enum kerr e = j->code ? check_code(c, j) : K_OK;
	if (e != K_OK || j->not_issued)
		return e;	/* nothing written: the caller checks the code in full */
	e = read_booking(c, j);
	if (e != K_OK)
		return e;
	int pass = j->judge(j);
	if (pass)
		e = record_passage(c, j);
	if (e == K_OK && pass && !j->log.repeat)
		e = pass_when_last(c, j);
	if (e != K_OK)
		return e;
	j->settle(j);
	j->log.booking_id = j->doc ? j->meta.id : 0;
	e = log_scan(c, &j->log);
	if (e == K_OK && j->doc)
		e = read_answer(c, j);
	return e;
}

enum kerr store_gate_scan(struct store *st, struct gate_scan_job *j)
{
	if (!store_text_ok(j->gate, GATE_NAME_MAX))
		return K_VALIDATION_FAILED;
	j->log.gate = j->gate;
	j->log.user_id = j->user_id;
	j->log.at = j->at;
	j->log.repeat = 0;
	return store_tx(st, scan_tx, j);
}
