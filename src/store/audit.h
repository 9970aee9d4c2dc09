/* The account audit (issue 16): every account action with its actor, time and
 * address. Append-only: the platform only inserts and reads. */
#ifndef KOUAN_STORE_AUDIT_H
#define KOUAN_STORE_AUDIT_H

#include <stdint.h>

#include "store/store.h"

#define AUDIT_TEXT_MAX 256	/* bytes of a subject or detail, with the NUL */
#define AUDIT_ADDR_MAX 64

struct audit_entry {
	int64_t id;
	char action[32];
	int64_t actor_id;		/* 0: the public */
	char subject[AUDIT_TEXT_MAX];
	char addr[AUDIT_ADDR_MAX];
	char detail[AUDIT_TEXT_MAX];
	int64_t at;
};

enum kerr store_audit_add(struct store *st, const char *action, int64_t actor_id, const char *subject,
	const char *addr, const char *detail) KOUAN_MUST_USE;
/* Newest first, ids below before (0: from the newest); action and subject
 * filter when not "" (subject: exact). At most limit rows. */
enum kerr store_audit_search(struct store *st, const char *action, const char *subject, int64_t before, int limit,
	struct audit_entry **out, size_t *n) KOUAN_MUST_USE;

#endif
