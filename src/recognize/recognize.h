/* Recognition of a Chinese export customs declaration (出口货物报关单) PDF.
 *
 * Re-entrant and thread-safe: each call clones one shared MuPDF base context
 * and keeps everything else on its own stack and heap. The server and the
 * command line call the same functions. */
#ifndef KOUAN_RECOGNIZE_H
#define KOUAN_RECOGNIZE_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"

/* Recognize a declaration held in memory. On K_OK *result is a new JSON
 * object (every field of the declaration, plus "confidence" and
 * "warnings"); the caller owns it and drops it with json_decref. On failure
 * *result is NULL and the code is one of K_EMPTY_FILE, K_NOT_PDF,
 * K_CORRUPT_PDF, K_ENCRYPTED_PDF, K_NO_TEXT, K_NOT_A_DECLARATION,
 * K_TOO_MANY_PAGES, K_RESOURCE_LIMIT (file size, time or memory),
 * K_MULTIPLE_DECLARATIONS (the pages hold two or more), or K_INTERNAL.
 * Pages of other papers bundled with the declaration (contract, invoice,
 * packing list) are left unread, with a "pages_skipped" warning. */
enum kerr rec_recognize_buffer(const unsigned char *data, size_t len, json_t **result) KOUAN_MUST_USE;

/* The same for a file; a file that cannot be read gives K_NOT_FOUND, and a
 * file above the size limit K_RESOURCE_LIMIT (it is not read). */
enum kerr rec_recognize_file(const char *path, json_t **result) KOUAN_MUST_USE;

/* Both of the above give a document REC_DEFAULT_TIME_LIMIT_MS (a scanned
 * page takes seconds of OCR; a text PDF, milliseconds); these take the limit. */
#define REC_DEFAULT_TIME_LIMIT_MS 15000
enum kerr rec_recognize_buffer_within(const unsigned char *data, size_t len, long time_limit_ms, json_t **result)
	KOUAN_MUST_USE;
enum kerr rec_recognize_file_within(const char *path, long time_limit_ms, json_t **result) KOUAN_MUST_USE;

/* Page page_no (from 1) of a PDF as a PNG image at dpi (REC_RENDER_DPI_MIN to
 * REC_RENDER_DPI_MAX), its longer side at most REC_RENDER_MAX_PIXELS, within
 * the recognizer's memory limit and REC_RENDER_TIME_LIMIT_MS. On K_OK the
 * caller frees *png. Errors: K_NOT_PDF, K_ENCRYPTED_PDF, K_CORRUPT_PDF,
 * K_NOT_FOUND (no such page), K_VALIDATION_FAILED (dpi or page out of range),
 * K_RESOURCE_LIMIT, K_INTERNAL. */
#define REC_RENDER_DPI_MIN 36
#define REC_RENDER_DPI_MAX 200
#define REC_RENDER_DPI_DEFAULT 110
#define REC_RENDER_MAX_PIXELS 2400.0f
#define REC_RENDER_TIME_LIMIT_MS 5000
/* rotation (0, 90, 180 or 270: the "rotation" of the page in the recognition's
 * "pages") turns the image clockwise, so that a scan lying sideways is shown
 * upright, in the frame its "sources" boxes use. */
enum kerr rec_render_page_png(const unsigned char *data, size_t len, int page_no, int dpi, int rotation,
	unsigned char **png, size_t *png_len) KOUAN_MUST_USE;

/* The declaration's 境内发货人 against the platform's registry (issue 13).
 * rec_shipper_uscc gives the shipper's USCC as recognised when its check
 * character holds (else NULL): the key to look the organisation up by.
 * rec_shipper_registered then sets the recognition beside registered_name,
 * that organisation's name, and returns whether it changed anything:
 * - the same name read: sure now (REC_REGISTRY_CONF);
 * - a name the reader was not sure of (OCR, a character its model lacks),
 *   a few characters off: the registered name, sure, with the warning
 *   "shipper_name_registered" ("printed": the name as read); not found at
 *   all: the same, with the warning "shipper_name_filled";
 * - a name further off, or one read sure (a text layer): kept, with the
 *   warning "shipper_name_differs" ("registered": the registry's name). */
#define REC_REGISTRY_CONF 0.95
const char *rec_shipper_uscc(const json_t *rec);
int rec_shipper_registered(json_t *rec, const char *registered_name);

/* A shipper's USCC read with its check character failing (OCR) is looked for
 * among n registered ones (usccs, with their organisations' names):
 * rec_shipper_match gives the index of the one USCC at most
 * REC_REGISTRY_USCC_EDITS characters off the reading whose name is also a
 * few characters off the name read, or -1 (none, two, no name read).
 * rec_shipper_uscc_registered puts that USCC in place of the reading, sure,
 * with the warning "shipper_uscc_registered" ("printed": the reading); then
 * rec_shipper_registered settles the name. */
#define REC_REGISTRY_USCC_EDITS 2
int rec_shipper_match(const json_t *rec, const char *const *usccs, const char *const *names, size_t n);
void rec_shipper_uscc_registered(json_t *rec, const char *uscc);

/* The number of pages of a PDF (errors as rec_render_page_png). */
enum kerr rec_page_count(const unsigned char *data, size_t len, int *pages) KOUAN_MUST_USE;

#endif
