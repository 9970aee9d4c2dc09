/* Applications of enterprises and warehouses (issue 16): the organisation and
 * its first user are made at once, the user disabled, so that the code, the
 * organisation's name and the user name are reserved; the bureau's approval
 * turns the user on (administrator of the organisation), a rejection deletes
 * both and so frees them. */
#ifndef KOUAN_STORE_REGISTRATIONS_H
#define KOUAN_STORE_REGISTRATIONS_H

#include <stdint.h>

#include "store/sites.h"
#include "store/store.h"

#define REG_REASON_MAX 512	/* bytes of a rejection's reason, with the NUL */

enum reg_taken { REG_TAKEN_USCC = 1 << 0, REG_TAKEN_USERNAME = 1 << 1, REG_TAKEN_ORGANISATION = 1 << 2 };

struct registration {
	int64_t id;
	char organisation[STORE_NAME_MAX];
	char uscc[24];
	char kind[16];			/* enterprise | warehouse */
	int64_t site_id;		/* 0 unless warehouse */
	char contact_name[STORE_NAME_MAX];
	char contact_phone[STORE_PHONE_MAX];
	char username[STORE_NAME_MAX];
	char state[16];			/* pending | approved | rejected */
	char reason[REG_REASON_MAX];
	char token_hash[STORE_TOKEN_MAX];
	int64_t org_id, user_id;	/* 0 once rejected */
	int64_t created_at, decided_at;
};

/* Create the application with its organisation and disabled first user in one
 * transaction. K_CONFLICT with *taken naming what is already registered or
 * applied for. */
enum kerr store_registration_create(struct store *st, struct registration *r, const char *password_hash,
	int *taken) KOUAN_MUST_USE;
enum kerr store_registration_get(struct store *st, int64_t id, struct registration *out) KOUAN_MUST_USE;
/* Applications in state, oldest first, with id > after; at most limit. */
enum kerr store_registration_list(struct store *st, const char *state, int64_t after, int limit,
	struct registration **out, size_t *n) KOUAN_MUST_USE;
/* pending → approved: the user on and its organisation's administrator, a
 * warehouse's site linked (K_CONFLICT when that site has a warehouse
 * already). K_NOT_FOUND when no pending application has that id. */
enum kerr store_registration_approve(struct store *st, int64_t id, int64_t by) KOUAN_MUST_USE;
/* pending → rejected with reason; organisation and user deleted. */
enum kerr store_registration_reject(struct store *st, int64_t id, int64_t by, const char *reason) KOUAN_MUST_USE;
/* 1 when user_id is the first user of a pending application. */
int store_registration_user_pending(struct store *st, int64_t user_id);

#endif
