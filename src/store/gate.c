/* Passages and scans at the gate (store/gate.h). */
#include "store/gate.h"

#include "store/store_internal.h"

enum kerr store_gate_pass(struct store *st, int64_t booking_id, const char *unit, const char *gate, int64_t user_id,
	int64_t at, int *repeat)
{
	*repeat = 0;
	if (!store_text_ok(unit, GATE_UNIT_MAX) || !store_text_ok(gate, GATE_NAME_MAX))
		return K_VALIDATION_FAILED;
	/* the unique (booking_id, unit) refuses a second passage, whoever scans it */
	enum kerr e = store_q_write(st, 0, "INSERT INTO gate_passages (booking_id, unit, gate, user_id, at) VALUES (?, ?, ?, ?, ?)",
		"isszi", booking_id, unit, gate, user_id, at);
	if (e == K_CONFLICT) {
		*repeat = 1;
		e = K_OK;
	}
	return e;
}

static enum kerr passage_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:I}", "unit", c->drv->column_text(s, 0), "gate",
		c->drv->column_text(s, 1), "at", (json_int_t)c->drv->column_int64(s, 2)));
	return K_OK;
}

enum kerr store_gate_passages(struct store *st, int64_t booking_id, json_t **out)
{
	json_t *arr = json_array();
	enum kerr e = store_q_all(st, "SELECT unit, gate, at FROM gate_passages WHERE booking_id = ? ORDER BY id", passage_row,
		arr, "i", booking_id);
	if (e != K_OK) {
		json_decref(arr);
		return e;
	}
	*out = arr;
	return K_OK;
}

enum kerr store_gate_log(struct store *st, const struct gate_scan_log *s)
{
	return store_q_write(st, 0, "INSERT INTO gate_scans (booking_id, unit, gate, user_id, result, reason, is_repeat, at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "zsszssii", s->booking_id, s->unit ? s->unit : "", s->gate, s->user_id,
		s->result, s->reason ? s->reason : "", (int64_t)s->repeat, s->at);
}
