/* Bookings, their declarations, vehicles, plates, attachments and history
 * (DOMAIN.md). A booking travels as one JSON object, the API's own shape: the
 * store writes its keys to columns and child tables and reads them back.
 *
 * A change of state is one function, store_booking_transition, that runs one
 * transaction of named steps (bookings.c, `transition_steps`): read and move
 * the state with a conditional UPDATE, take or release what the new state
 * holds (declaration number, VINs: partial unique indexes refuse a second
 * holder), write the history. Later steps (capacity, release codes) are added
 * to that table. */
#ifndef KOUAN_STORE_BOOKINGS_H
#define KOUAN_STORE_BOOKINGS_H

#include <jansson.h>
#include <stdint.h>

#include "core/domain.h"
#include "core/error.h"
#include "store/store.h"

/* The keys of the booking document kept in columns or child tables; the
 * other recognised fields go to the `fields` JSON column. */
struct booking_meta {
	int64_t id;
	int64_t org_id;
	int64_t declaration_id;		/* 0 when none (transit: entered by hand) */
	int64_t transshipment_site_id;	/* 0 when none chosen */
	int64_t created_by;
	int64_t version;		/* grows by one with every write */
	enum booking_kind kind;
	enum booking_state state;
};

/* The booking as store_booking_get gives it, read by a write in its own
 * transaction after its statements (the answer to the write without a
 * read of its own): doc is the caller's to drop, NULL when the write failed. */
struct booking_fresh {
	struct booking_meta meta;
	json_t *doc;
};

/* Create a draft. doc holds the writable keys (and "declared",
 * "confidence", "warnings"); *id gets the new booking's id; fresh (may be
 * NULL) gets the new booking. */
enum kerr store_booking_create(struct store *st, int64_t org_id, int64_t user_id, enum booking_kind kind,
	int64_t declaration_id, json_t *doc, int64_t *id, struct booking_fresh *fresh) KOUAN_MUST_USE;

/* The whole booking: *doc (may be NULL) is a new object with every key the
 * API shows (history and attachments' descriptions included). */
enum kerr store_booking_get(struct store *st, int64_t id, struct booking_meta *meta, json_t **doc) KOUAN_MUST_USE;
/* The same without its attachments and history (two reads fewer): what an
 * edit or a change of state starts from, answered by its own fresh read. */
enum kerr store_booking_get_lean(struct store *st, int64_t id, struct booking_meta *meta, json_t **doc) KOUAN_MUST_USE;

/* What a booking's document is at: every change a GET of it shows either
 * raises the version (a write of its keys, plates or vehicles, a change of
 * state with its history, a move) or adds an attachment (ids only grow,
 * attachments are never removed); the organisation's name and the users'
 * names it shows never change. Equal stamps of one booking, read at two
 * moments, therefore mean one document: an answer kept under a stamp may be
 * given again while the database still answers that stamp (api/booking_cache.h). */
struct booking_stamp {
	int64_t version;
	int64_t last_attachment_id;	/* 0 when none */
};
/* The booking's meta and stamp, in one statement (no document): K_NOT_FOUND
 * when there is no such booking. */
enum kerr store_booking_stamp(struct store *st, int64_t id, struct booking_meta *meta, struct booking_stamp *stamp)
	KOUAN_MUST_USE;
/* The stamp of a document store_booking_get gave (its version and its last
 * attachment), read with it. */
struct booking_stamp store_booking_stamp_of(const struct booking_meta *meta, json_t *doc);

/* Several bookings as store_booking_list gives them (no children) with their
 * "plates", read on one snapshot, two statements per STORE_IN_CHUNK of them
 * (not two per booking): docs[i] (an array of n >= 1, distinct ids) gets
 * ids[i]'s; K_NOT_FOUND (and no documents) when one is missing. */
enum kerr store_booking_summaries(struct store *st, const int64_t *ids, size_t n, json_t **docs) KOUAN_MUST_USE;

/* Write the writable keys of doc (and "declared") if the booking is still
 * editable and at meta->version: K_WRONG_STATE when its state no longer
 * allows edits, K_CONFLICT when someone wrote it since. before (may be NULL:
 * unknown) is the document as read at meta->version, unchanged since: the
 * plates or vehicles it already holds are not written again. fresh (may be
 * NULL) gets the booking as written. */
enum kerr store_booking_save(struct store *st, const struct booking_meta *meta, json_t *before, json_t *doc,
	struct booking_fresh *fresh) KOUAN_MUST_USE;

struct booking_transition {
	int64_t booking_id;
	enum booking_action action;
	enum booking_state to;		/* where the action leads (submit: by kind) */
	int64_t actor_id;		/* 0 for the platform itself */
	const char *reason;		/* may be NULL */
	int over_inflight;		/* submit: the organisation's submits in flight are over the bureau's limit */
	/* filled by the steps */
	int capacity_problem;		/* enum capacity_problem when capacity refused as K_VALIDATION_FAILED */
	enum booking_state from;
	struct booking_meta meta;
	struct booking_fresh *fresh;	/* may be NULL: gets the booking after the change */
};
/* K_WRONG_STATE when the action may not start from the booking's state,
 * K_DECLARATION_IN_USE / K_VIN_IN_USE when another booking holds them. */
enum kerr store_booking_transition(struct store *st, struct booking_transition *t) KOUAN_MUST_USE;

/* Who may see which bookings: org_id (an enterprise's own), site_id (a
 * warehouse's site), both 0 for everything. */
struct booking_scope {
	int64_t org_id;
	int64_t site_id;
	int none;			/* 1: the caller sees no booking at all */
};
int store_booking_visible(const struct booking_scope *scope, const struct booking_meta *m);

struct booking_filter {
	struct booking_scope scope;
	const char *q;			/* declaration number, plate or VIN; whole or a prefix */
	int state;			/* -1 any */
	int kind;			/* -1 any */
	int64_t cursor;			/* 0: from the newest; else ids below it */
	int limit;
	/* 0: BOOKING_SEARCH_DENSE_MATCHES (_OWN for an enterprise), BOOKING_SEARCH_WALK_ROWS and
	 * BOOKING_SEARCH_MATCHES_MAX (the tests choose smaller ones to reach
	 * every plan with fewer bookings) */
	int64_t dense_matches, walk_rows, matches_max;
};
/* A search term matched (declaration numbers, plates and VINs counted) this
 * many times or more is "dense": the scope's bookings are walked newest first
 * and tested, which meets a page sooner than gathering every match. Fewer
 * matches are gathered from the search indexes (a few milliseconds for
 * 20,000) and the page read from their newest. */
#define BOOKING_SEARCH_DENSE_MATCHES 20000
/* ... and in an enterprise's own indexes (its own bookings, 122,000 for the
 * biggest on the million): so many own matches are at least 4 % of its
 * bookings, one in every 25 of its walk, and the walk (read from indexes
 * alone, migration 12) finds a page sooner than their newest are ordered. */
#define BOOKING_SEARCH_DENSE_MATCHES_OWN 5000
/* A sparse term matched more than this many pages' worth, with nothing to
 * test on the bookings, reads each index's newest page's worth alone (the
 * whole ranges, looked up, cost more than ordering them in the index); fewer
 * are looked up (a whole value: one or two). */
#define BOOKING_SEARCH_NEWEST_PAGES 4
/* A dense search walks this many of the scope's newest bookings; when they
 * hold less than a page (a year's prefix of the declaration number: the
 * matches are old), the rest of the page is the newest matches below, read
 * from each search index. */
#define BOOKING_SEARCH_WALK_ROWS 2000
/* ... unless the scope holds this many matches or more: finding their newest
 * would read them all (a district's year for the bureau, 250,000), so the
 * search answers K_SEARCH_TOO_BROAD, asking for a longer term. */
#define BOOKING_SEARCH_MATCHES_MAX 50000
/* A declaration number's customs district and year, its first digits
 * (DOMAIN.md): an enterprise's numbers are indexed by them too (migration
 * 12, bookings_org_declaration_year), so that a term of digits this long or
 * longer finds the newest matches of its own term by walking that year's
 * numbers newest first, however many and old they are: such a term is never
 * K_SEARCH_TOO_BROAD for its declaration numbers (its plates and VINs still
 * count). */
#define BOOKING_DECLARATION_YEAR_DIGITS 8
/* A VIN's first characters as the vehicles are also indexed by them
 * (migration 13), newest first within each: the shortest prefix a search
 * takes (BOOKING_SEARCH_PREFIX_MIN: the world manufacturer identifier and one
 * more, a maker's line) and the manufacturer identifier with the vehicle
 * descriptor section (ISO 3779: a model). Every VIN of such a head matches a
 * term of exactly that many characters, so the bureau's search by such a term
 * reads its newest VINs no further than the page, however many match (a
 * model: 11,000 on the million); other lengths read their range. */
#define BOOKING_VIN_LINE_CHARS BOOKING_SEARCH_PREFIX_MIN
#define BOOKING_VIN_MODEL_CHARS 8
/* *items: a new array of summaries, newest first; *next_cursor 0 at the end. */
enum kerr store_booking_list(struct store *st, const struct booking_filter *f, json_t **items, int64_t *next_cursor)
	KOUAN_MUST_USE;

/* The booking (other than exclude_id) holding this declaration number
 * (digits) or VIN: K_NOT_FOUND when none. */
enum kerr store_booking_holder_declaration(struct store *st, const char *digits, int64_t exclude_id,
	struct booking_meta *out) KOUAN_MUST_USE;
enum kerr store_booking_holder_vin(struct store *st, const char *vin, int64_t exclude_id, struct booking_meta *out)
	KOUAN_MUST_USE;

/* Declarations: the uploaded PDF and its recognition (JSON text). */
struct declaration_meta {
	int64_t id;
	int64_t org_id;
	int64_t uploaded_by;
	int64_t size;
	int pages;
	int64_t created_at;
	char filename[FILENAME_MAX_BYTES + 1];
};
enum kerr store_declaration_create(struct store *st, const struct declaration_meta *m, const unsigned char *pdf,
	const char *recognition, int64_t *id) KOUAN_MUST_USE;
/* *recognition (may be NULL) is a new JSON object. */
enum kerr store_declaration_get(struct store *st, int64_t id, struct declaration_meta *m, json_t **recognition)
	KOUAN_MUST_USE;
/* The PDF's bytes; the caller frees *data. */
enum kerr store_declaration_pdf(struct store *st, int64_t id, unsigned char **data, size_t *len) KOUAN_MUST_USE;

/* 1 when a booking naming site_id uses the declaration (a warehouse may see it). */
enum kerr store_declaration_site_linked(struct store *st, int64_t id, int64_t site_id, int *linked) KOUAN_MUST_USE;

/* Attachments, kept in the database. */
struct attachment_meta {
	int64_t id;
	int64_t booking_id;
	int64_t size;
	int64_t created_at;
	char type[32];
	char content_type[64];
	char filename[FILENAME_MAX_BYTES + 1];
};
/* K_RESOURCE_LIMIT when the booking has BOOKING_ATTACHMENTS_MAX already. */
enum kerr store_attachment_add(struct store *st, const struct attachment_meta *m, const unsigned char *data,
	int64_t user_id, int64_t *id) KOUAN_MUST_USE;
/* The caller frees *data (data may be NULL: the description only). */
enum kerr store_attachment_get(struct store *st, int64_t booking_id, int64_t id, struct attachment_meta *m,
	unsigned char **data) KOUAN_MUST_USE;
/* 1 when the booking has an attachment of this type. */
enum kerr store_attachment_has_type(struct store *st, int64_t booking_id, const char *type, int *has) KOUAN_MUST_USE;

/* The usage and fuel type a user chose last ("" when none). */
enum kerr store_vehicle_choice_get(struct store *st, int64_t user_id, char *usage, size_t usage_len, char *fuel,
	size_t fuel_len) KOUAN_MUST_USE;
enum kerr store_vehicle_choice_set(struct store *st, int64_t user_id, const char *usage, const char *fuel)
	KOUAN_MUST_USE;

#endif
