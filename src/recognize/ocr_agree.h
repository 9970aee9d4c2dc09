/* Values a declaration states twice (issue 13), each copy read on its own,
 * made to agree. On a scan, where one copy passes the domain's rules and the
 * other does not, the one that passes is taken (below sure); on any
 * declaration, where both pass and still differ, neither is sure (derive.c
 * applies repairs to scans only). Pure: no I/O, no global state. */
#ifndef KOUAN_RECOGNIZE_OCR_AGREE_H
#define KOUAN_RECOGNIZE_OCR_AGREE_H

#include <jansson.h>

enum ocr_agree {
	OCR_AGREE_NOTHING = 0,	/* no second copy to compare with */
	OCR_AGREE_SAME,		/* both copies read alike */
	OCR_AGREE_TAKEN,	/* the copy that failed its rules replaced by the other */
	OCR_AGREE_MENDED,	/* both copies misread: the value each reads as within a character */
	OCR_AGREE_CONFLICT,	/* both pass their rules and differ: neither is sure */
	OCR_AGREE_UNRULY,	/* a copy fails its rules and the other cannot settle it */
};

/* The transport name (运输工具名称: plates joined by '/', then perhaps a
 * voyage date) repeats the first plates of the remarks' list. remark_plates
 * (a JSON array of strings, each passing plate_form) are the plates found in
 * remarks (the remarks' text, for the entries OCR misread).
 * - tname's plates failing plate_form that read, within two misread,
 *   dropped or extra characters, as the remarks' first one, two or three
 *   plates joined by '/' (the unique nearest) take them (OCR_AGREE_TAKEN);
 * - else plate by plate ('/'-part by part): a part that fails takes the
 *   plate at its end that the remarks hold ("一新B64858"), or the unique
 *   remarks' plate within two edits (TAKEN), or the one plate that an entry
 *   of the remarks read with a character too many ("陕EB64883") gives and
 *   the part reads as within one (OCR_AGREE_MENDED); a part that passes and
 *   is not the remarks' plate within two edits of it is OCR_AGREE_CONFLICT;
 *   a part that fails and none of these settles is OCR_AGREE_UNRULY.
 * The '/' before a voyage date read as a look-alike ("295WDY02720260725")
 * is put back first; when nothing else changes, that makes it MENDED.
 * The strongest finding is returned (CONFLICT, UNRULY, MENDED, TAKEN, SAME);
 * on TAKEN or MENDED *out gets the name with its date kept (the caller
 * frees it), else NULL. A transit number (@...) is left to
 * ocr_tidy_transport. */
enum ocr_agree ocr_agree_transport(const char *tname, const json_t *remark_plates, const char *remarks,
	char **out);

#endif
