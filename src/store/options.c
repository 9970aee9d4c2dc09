/* The option lists the bureau keeps (DOMAIN.md "What the user fills in"). */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define OPTION_VALUES_MAX 1000	/* values one list returns at most */

static const char *const lists[] = {"clearance_mode", "cargo_type", "customs_warehouse", "usage_type", "fuel_type"};

int store_option_list_known(const char *list)
{
	for (size_t i = 0; list != NULL && i < sizeof lists / sizeof lists[0]; i++)
		if (strcmp(list, lists[i]) == 0)
			return 1;
	return 0;
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
	enum kerr e = store_q_all(st, "SELECT value FROM option_values WHERE list = ? ORDER BY position, id", string_row, &r,
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
	if (!store_option_list_known(list) || !store_text_ok(value, STORE_NAME_MAX))
		return K_VALIDATION_FAILED;
	/* Appended after the last value of its list. */
	return store_q_write(st, 0, "INSERT INTO option_values (list, value, position)"
		" SELECT ?, ?, COALESCE(MAX(position), 0) + 1 FROM option_values WHERE list = ?",
		"sss", list, value, list);
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
