/* Transshipment sites (换装场所) as the bureau keeps them, with who approves
 * the bookings that name each (DOMAIN.md "Approval and release"): a listed
 * site's linked warehouse organisation, else the bureau (the two fixed
 * choices, and a listed site no warehouse is linked to yet). The basic calls
 * (create, get, list, set_active) are in store.h. */
#ifndef KOUAN_STORE_SITES_H
#define KOUAN_STORE_SITES_H

#include <stdint.h>

#include "store/store.h"

#define STORE_PHONE_MAX 33	/* a phone number as typed, with the NUL */
#define STORE_URL_MAX 513	/* a webhook URL, with the NUL */

enum site_approver { SITE_APPROVER_WAREHOUSE, SITE_APPROVER_BUREAU };

/* How to reach an organisation: the phone shown to those who must contact
 * it, and the webhook its notifications are posted to (migration 5). */
struct org_contact {
	int64_t id;
	char name[STORE_NAME_MAX];
	char kind[16];
	char phone[STORE_PHONE_MAX];
	char webhook_url[STORE_URL_MAX];
};
enum kerr store_org_contact(struct store *st, int64_t org_id, struct org_contact *out) KOUAN_MUST_USE;
/* The bureau's organisation (the first made); K_NOT_FOUND when there is none. */
enum kerr store_bureau_contact(struct store *st, struct org_contact *out) KOUAN_MUST_USE;
/* Organisations of kind (NULL: all), by name; free(*out). */
enum kerr store_org_contacts(struct store *st, const char *kind, struct org_contact **out, size_t *n) KOUAN_MUST_USE;
/* Change what is given (NULL: unchanged; "" clears). K_VALIDATION_FAILED for
 * a phone or URL out of bounds (a webhook is http:// or https://). */
enum kerr store_org_contact_set(struct store *st, int64_t org_id, const char *phone, const char *webhook_url)
	KOUAN_MUST_USE;

struct site_detail {
	struct site site;
	char phone[STORE_PHONE_MAX];
	int64_t org_id;			/* the linked warehouse organisation, 0 when none */
	char org_name[STORE_NAME_MAX];
	char org_phone[STORE_PHONE_MAX];
};

/* Who approves for d, and the name and phone to show for them. bureau may be
 * NULL (then the bureau's name and phone are empty). */
enum site_approver store_site_approver(const struct site_detail *d, const struct org_contact *bureau,
	const char **name, const char **phone);

/* Every site with its link, ordered by kind then name; free(*out). */
enum kerr store_site_details(struct store *st, struct site_detail **out, size_t *n) KOUAN_MUST_USE;
enum kerr store_site_detail(struct store *st, int64_t id, struct site_detail *out) KOUAN_MUST_USE;

/* Change what is given (NULL: unchanged). K_VALIDATION_FAILED for a name or
 * phone out of bounds, K_CONFLICT for a name another site has. */
enum kerr store_site_update(struct store *st, int64_t id, const char *name, const char *phone) KOUAN_MUST_USE;
/* Link site to the warehouse organisation org_id (0: unlink), in one
 * transaction: the site's previous warehouse is unlinked. K_VALIDATION_FAILED
 * when org_id is not a warehouse or the site is not a listed one. */
enum kerr store_site_link(struct store *st, int64_t site_id, int64_t org_id) KOUAN_MUST_USE;

/* The two fixed choices (霍内其他区域换装, 霍外换装) exist in every database, not
 * only the demo's: made at start (after the demo's sites, whose ids the demo
 * keeps) when missing. Several servers starting together make each once. */
enum kerr store_site_fixed_ensure(struct store *st) KOUAN_MUST_USE;

/* 1 when s is a phone number as people type one: 5 to 32 bytes of digits,
 * blanks, + - ( ), with at least 5 digits. */
int store_phone_acceptable(const char *s);
/* 1 when url is "" (none) or an http:// or https:// URL of printable ASCII
 * shorter than STORE_URL_MAX. */
int store_webhook_acceptable(const char *url);

#endif
