/* The option lists the bureau keeps (DOMAIN.md "What the user fills in"). */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/domain.h"
#include "core/log.h"

#define OPTION_VALUES_MAX 1000	/* values one list returns at most */
#define OPTION_CODE_MAX 64	/* bytes of a code, with the NUL */

int store_option_list_known(const char *list)
{
	return domain_option_list(list) >= 0;
}

struct strings {
	char **v;
	size_t n, cap;
};

static enum kerr string_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct strings *r = arg;
	if (r->n == OPTION_VALUES_MAX)
		return K_OK;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = xstrdup(c->drv->column_text(s, 0));
	return K_OK;
}

enum kerr store_option_list(struct store *st, const char *list, char ***values, size_t *n)
{
	if (!store_option_list_known(list))
		return K_VALIDATION_FAILED;
	struct strings r = {0};
	enum kerr e = store_q_all(st, "SELECT value FROM option_values WHERE list = ? AND disabled = 0 ORDER BY position, id",
		string_row, &r,
		"s", list);
	if (e != K_OK) {
		store_strings_free(r.v, r.n);
		return e;
	}
	*values = r.v;
	*n = r.n;
	return K_OK;
}

enum kerr store_option_add(struct store *st, const char *list, const char *value)
{
	return store_option_add_coded(st, list, NULL, value, NULL);
}

/* A code: 1-63 bytes of a-z, 0-9 and _. */
static int code_ok(const char *code)
{
	size_t n = strnlen(code, OPTION_CODE_MAX);
	if (n == 0 || n >= OPTION_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') || code[i] == '_'))
			return 0;
	return 1;
}

struct option_add_job {
	const char *list, *code, *value;
	int64_t id;
};

/* Appended after the last value of its list; without a code it gets "v" and its id. */
static enum kerr option_add_tx(const struct conn *c, void *arg)
{
	struct option_add_job *j = arg;
	enum kerr e = store_q_run(c, "INSERT INTO option_values (list, value, position, code, disabled)"
		" SELECT ?, ?, COALESCE(MAX(position), 0) + 1, ?, 0 FROM option_values WHERE list = ? RETURNING id",
		store_q_row_int64, &j->id, NULL, NULL, "ssss", j->list, j->value, j->code, j->list);
	if (e == K_OK && j->code == NULL)
		e = store_q_run(c, "UPDATE option_values SET code = 'v' || id WHERE id = ?", NULL, NULL, NULL, NULL, "i", j->id);
	return e;
}

enum kerr store_option_add_coded(struct store *st, const char *list, const char *code, const char *value, int64_t *id)
{
	if (!store_option_list_known(list) || !store_text_ok(value, STORE_NAME_MAX) || (code && !code_ok(code)))
		return K_VALIDATION_FAILED;
	struct option_add_job j = {list, code, value, 0};
	enum kerr e = store_tx(st, option_add_tx, &j);
	if (e == K_OK && id)
		*id = j.id;
	return e;
}

struct items {
	struct option_item *v;
	size_t n, cap;
};

static enum kerr item_row(const struct conn *c, struct db_stmt *s, void *arg)
{
	struct items *r = arg;
	if (r->n == OPTION_VALUES_MAX)
		return K_OK;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	struct option_item *it = &r->v[r->n++];
	it->id = c->drv->column_int64(s, 0);
	store_q_text(c, s, 1, it->code, sizeof it->code);
	store_q_text(c, s, 2, it->value, sizeof it->value);
	it->disabled = c->drv->column_int64(s, 3) != 0;
	return K_OK;
}

enum kerr store_option_items(struct store *st, const char *list, struct option_item **out, size_t *n)
{
	if (!store_option_list_known(list))
		return K_VALIDATION_FAILED;
	struct items r = {0};
	enum kerr e = store_q_all(st, "SELECT id, COALESCE(code, ''), value, disabled FROM option_values WHERE list = ?"
		" ORDER BY position, id", item_row, &r, "s", list);
	if (e != K_OK) {
		free(r.v);
		return e;
	}
	*out = r.v;
	*n = r.n;
	return K_OK;
}

enum kerr store_option_update(struct store *st, const char *list, int64_t id, const char *value, int disabled,
	int64_t position)
{
	if (!store_option_list_known(list) || (value && !store_text_ok(value, STORE_NAME_MAX)))
		return K_VALIDATION_FAILED;
	/* -1 leaves disabled or position as they are. */
	return store_q_write(st, 1, "UPDATE option_values SET value = COALESCE(?, value),"
		" disabled = CASE WHEN ? < 0 THEN disabled ELSE ? END, position = CASE WHEN ? < 0 THEN position ELSE ? END"
		" WHERE id = ? AND list = ?", "siiiiis", value, (int64_t)disabled, (int64_t)disabled, position, position, id,
		list);
}

enum kerr store_option_find(struct store *st, const char *list, const char *value, struct option_item *out)
{
	struct items r = {0};
	enum kerr e = store_q_all(st, "SELECT id, COALESCE(code, ''), value, disabled FROM option_values"
		" WHERE list = ? AND value = ?", item_row, &r, "ss", list, value);
	if (e == K_OK && r.n == 0)
		e = K_NOT_FOUND;
	if (e == K_OK)
		*out = r.v[0];
	free(r.v);
	return e;
}

enum kerr store_option_remove(struct store *st, const char *list, const char *value)
{
	if (!store_option_list_known(list) || !store_text_ok(value, STORE_NAME_MAX))
		return K_NOT_FOUND;
	return store_q_write(st, 1, "DELETE FROM option_values WHERE list = ? AND value = ?", "ss", list, value);
}

void store_strings_free(char **values, size_t n)
{
	for (size_t i = 0; values != NULL && i < n; i++)
		free(values[i]);
	free(values);
}
