/* Scanned declarations (issue 13): an item's 境内货源地 name as OCR read it
 * ("乌便木(RUS) 齐", "木齐", "石家注") snapped to the prefecture-level places
 * of the province its code names (the code's first two digits: 65 新疆,
 * 13 河北, ...). Pure: no I/O, no global state. */
#ifndef KOUAN_RECOGNIZE_OCR_PLACES_H
#define KOUAN_RECOGNIZE_OCR_PLACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCR_PLACE_MAX_BYTES 64	/* a place's name, UTF-8, with its NUL */

/* The place of province `province` (two digits, e.g. "65") that name reads
 * as, into out: its ideographs (Latin, brackets, digits and marks of other
 * cells dropped) are the place's, or hold the place's in order with at most
 * three others between ("伊斯坦犁" -> 伊犁), or are part of it in order
 * ("木齐" -> 乌鲁木齐), or are at most half its length of edits away; the
 * one place of the province that does so. With no province known (no code
 * read), the one place of any province, of three ideographs or more, that
 * name holds or is part of, read with three or more ("乌鲁木齐全", "乌鲁木").
 * false (out untouched) when none or several do, when the name already is
 * that place, or names more than a place (其他, 市, 县, 区, 旗 in it). */
bool ocr_place_snap(const char *name, const char *province, char out[OCR_PLACE_MAX_BYTES]);

/* Issue 13: name is one of the places of province (two digits) as printed. */
bool ocr_place_is(const char *name, const char *province);

/* A company's Chinese name as OCR read it made to read as printed where
 * the parts names are made of settle it: its legal form at the end
 * (有限公司, 有限责任公司, 股份有限公司) one character misread ("服份有限公司"),
 * and a place of three or more characters at its start (the places above,
 * any province) misread by one character, or by two of four or more
 * ("乌唱本齐金桥商贸股份有限公司" -> 乌鲁木齐...), the one place that close,
 * and a character chi_sim cannot read put back where the word it belongs to
 * stands ("驰聘" -> 驰骋). true and out (cap bytes) set when something was
 * changed. */
bool ocr_company_repair(const char *name, char *out, size_t cap);

/* Issue 13: the length of the place v[0, n) starts with (code points): one
 * of the places above as printed, two characters or more, or misread as
 * ocr_company_repair puts it right; 0 when none. */
size_t ocr_place_at_start(const uint32_t *v, size_t n);

#endif
