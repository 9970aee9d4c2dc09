/* The domain's lists in one place (DOMAIN.md): booking kinds, states and the
 * actions between them, attachment types, the option lists the bureau keeps,
 * and the limits on what a booking holds. The store, the API and the pages
 * (through GET /api/v1/domain) all read them from here. */
#ifndef KOUAN_CORE_DOMAIN_H
#define KOUAN_CORE_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Limits on one booking and on what is uploaded for it. */
#define BOOKING_VEHICLES_MAX 1000	/* vehicle rows (the seed shows 261) */
#define BOOKING_PLATES_MAX 64		/* plates, trailers included */
#define BOOKING_TEXT_MAX 512		/* bytes of a choice or a short recognised field */
#define BOOKING_REMARKS_MAX 4096	/* bytes of the remarks */
#define BOOKING_VEHICLE_FIELD_MAX 64	/* bytes of a vehicle row's plate, brand, colour, ... */
#define BOOKING_ATTACHMENTS_MAX 20	/* attachments of one booking */
#define ATTACHMENT_BYTES_MAX (10u << 20)	/* one attachment */
#define DECLARATION_BYTES_MAX (20u << 20)	/* one declaration PDF */
#define BOOKING_REASON_MAX 500		/* bytes of a reason in the history */
#define BOOKING_LIST_LIMIT_DEFAULT 20	/* bookings one list page returns */
#define BOOKING_LIST_LIMIT_MAX 100
#define BOOKING_SEARCH_PREFIX_MIN 4	/* characters a prefix search needs */
#define BOOKING_SEARCH_MAX 64		/* bytes of a search term */
#define OPTION_VALUE_MAX 128		/* bytes of an option's value or code */
#define FILENAME_MAX_BYTES 255		/* an uploaded file's name, cut to this */

/* Limits of crossing capacity (issue 11; store/capacity.h has the model). */
#define CAPACITY_SLOTS_MAX 48		/* slots in one day (half hours) */
#define CAPACITY_UNITS_MAX 100000	/* places in one slot or one whole day */
#define CAPACITY_HORIZON_MAX 366	/* days ahead a date may open */
#define CAPACITY_CUTOFF_MAX 1440	/* minutes before a slot's end */
#define CAPACITY_GRACE_MAX 1440		/* minutes either side of a slot */
#define CAPACITY_INFLIGHT_MAX 1000	/* submits in flight per organisation */
#define CAPACITY_RANGE_MAX 62		/* days one GET /api/v1/capacity returns */

enum booking_kind { KIND_HEAVY_TRUCK = 0, KIND_COMMODITY_VEHICLE, KIND_COUNT };

enum booking_state {
	STATE_DRAFT = 0,
	STATE_SUBMITTED,
	STATE_REJECTED,
	STATE_RELEASED,
	STATE_CANCELLED,
	STATE_EXPIRED,
	STATE_PASSED,
	STATE_COUNT
};

/* What moves a booking from one state to another. */
enum booking_action {
	ACTION_SUBMIT = 0,	/* draft/rejected -> submitted (heavy trucks) or released (commodity vehicles) */
	ACTION_WITHDRAW,	/* submitted -> draft, releasing what it held */
	ACTION_CANCEL,		/* any state before passed -> cancelled */
	ACTION_APPROVE,		/* submitted -> released (the approval issue) */
	ACTION_REJECT,		/* submitted -> rejected (the approval issue) */
	ACTION_EXPIRE,		/* submitted/released -> expired: its slot and grace passed (the capacity issue's job) */
	ACTION_PASS,		/* released -> passed: the gate recorded every plate or VIN (the approval issue) */
	ACTION_COUNT
};

enum attachment_type { ATTACH_RELEASE_LIST = 0, ATTACH_OTHER, ATTACH_COUNT };

struct domain_state {
	const char *code;
	bool holding;		/* holds its declaration number and VINs */
	bool editable;		/* the enterprise may change its fields */
	const char *label[3];	/* zh, ru, en */
};

struct domain_action {
	const char *code;
	unsigned from;		/* bit (1 << state) for each state it may start from */
	enum booking_state to;	/* for submit: the heavy-truck target (see domain_submit_target) */
	const char *label[3];
};

struct domain_named {
	const char *code;
	const char *label[3];
};

extern const struct domain_named domain_kinds[KIND_COUNT];
extern const struct domain_state domain_states[STATE_COUNT];
extern const struct domain_action domain_actions[ACTION_COUNT];
extern const struct domain_named domain_attachment_types[ATTACH_COUNT];

/* The option lists the bureau keeps, in display order. */
#define OPTION_LIST_COUNT 8
extern const struct domain_named domain_option_lists[OPTION_LIST_COUNT];
/* The stable code of the e-commerce list mode cargo type. */
#define CARGO_ECOMMERCE_LIST "ecommerce_list"

/* The second factor (issue 16): the roles that may enrol a TOTP authenticator,
 * each of which the bureau may require it of; the recovery codes an enrolment
 * gives. */
#define SECOND_FACTOR_ROLE_COUNT 4
extern const char *const domain_second_factor_roles[SECOND_FACTOR_ROLE_COUNT];
#define RECOVERY_CODE_COUNT 10
#define RECOVERY_CODE_CHARS 10		/* characters of a recovery code, its dash aside */
#define SECOND_FACTOR_CODE_MAX 32	/* bytes of a submitted code (a recovery code with blanks and dash) */

/* Index of code in a table, or -1. */
int domain_kind(const char *code);
int domain_state(const char *code);
int domain_action(const char *code);
int domain_attachment_type(const char *code);
int domain_option_list(const char *code);
int domain_second_factor_role(const char *role);
/* 1 when action may start from state. */
bool domain_action_allowed(enum booking_action a, enum booking_state from);
/* Where a submit leads for this kind when every check passed. */
enum booking_state domain_submit_target(enum booking_kind kind);

/* Every list and limit above as one JSON object (GET /api/v1/domain). */
json_t *domain_json(void);

#endif
