/* Scanned declarations (issue 13): values the declaration states twice,
 * each copy read on its own by OCR, made to agree. Where one copy passes the
 * domain's rules and the other does not, the one that passes is taken (below
 * sure); where both pass and still differ, neither is sure. Pure: no I/O, no
 * global state. */
#ifndef KOUAN_RECOGNIZE_OCR_AGREE_H
#define KOUAN_RECOGNIZE_OCR_AGREE_H

#include <jansson.h>

enum ocr_agree {
	OCR_AGREE_NOTHING = 0,	/* no second copy to compare with */
	OCR_AGREE_SAME,		/* both copies read alike */
	OCR_AGREE_TAKEN,	/* the copy that failed its rules replaced by the other */
	OCR_AGREE_CONFLICT,	/* both pass their rules and differ: neither is sure */
	OCR_AGREE_UNRULY,	/* a copy fails its rules and the other cannot settle it */
};

/* The transport name (运输工具名称: plates joined by '/', then perhaps a
 * voyage date) repeats the first plates of the remarks' list. tname's plate
 * part is compared with the first one, two or three of remark_plates (a JSON
 * array of strings, each passing plate_form) joined by '/': the unique one
 * within two misread, dropped or extra characters. When tname's plates fail
 * plate_form, *out gets that candidate with tname's date kept (OCR_AGREE_
 * TAKEN; the caller frees it); else *out is NULL. A transit number (@...)
 * is left to ocr_tidy_transport. */
enum ocr_agree ocr_agree_transport(const char *tname, const json_t *remark_plates, char **out);

#endif
