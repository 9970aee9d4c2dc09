/* Scanned declarations (issue 4): the coded header fields snapped to the
 * tables of values a declaration prints (countries, customs, transport and
 * supervision modes, exemption natures, trade terms, package kinds, ports).
 * OCR reads the grey bracketed code beside a label with look-alike brackets
 * (【 〈 “ 《 ...), so the code leaks into the value ("(0110一般贸易",
 * "【KZ哈萨克斯坦") and the code field stays empty; and it misreads a character
 * of a name ("赴尔果斯"). The value's end is matched against the table
 * allowing a misread in four; the entry's code fills a missing or invalid
 * code. Names of companies lose the bracket remnants before them. */
#ifndef KOUAN_RECOGNIZE_OCR_SNAP_H
#define KOUAN_RECOGNIZE_OCR_SNAP_H

#include <stdbool.h>

#include <jansson.h>

/* out: the recognition result (fields.c); conf: its confidence object. Values
 * changed get a confidence below sure (at most 0.8). */
void ocr_snap_fields(json_t *out, json_t *conf);

/* An item's unit as OCR read it ("干克", "和干克", "台 1", "条,") -> the
 * unit of the table it reads as: its Chinese characters alone, equal to an
 * entry or one character of a two-or-more-character entry misread, one
 * character before or after it allowed at the cost of two misreads; the
 * unique best. Returns 1 and the unit in out when it differs from read. */
int ocr_snap_unit(const char *read, char *out, size_t cap);
/* Issue 13: text reads as the port's one road port (霍尔果斯公路口岸) as
 * OCR misreads it: 公路 read, its 口岸 half read, after a character of
 * 霍尔果斯 or alone as the name's wrapped second line ("公路口岸"). (The
 * 离境口岸 cell's own value needs less: ocr_snap_fields.) */
bool ocr_snap_road_port(const char *text);
/* Issue 13: unit is one of the table's units exactly. */
int ocr_snap_unit_known(const char *unit);
/* A currency code with one letter misread ("TSD"): the one code of the
 * table a letter away, when exactly one is; NULL otherwise (also for a code
 * of the table). */
const char *ocr_snap_currency(const char *value);
/* Issue 13: code is a currency of the table ("CHN", a country's, is none). */
bool ocr_snap_currency_known(const char *code);

/* A copy of OCR text without the spaces OCR puts inside a code: between a
 * letter, digit or plate province and a letter, digit or 挂 ("豫A 48100",
 * "新F 6868 挂", "LC0C76C47SG84256 8"). The caller frees it. */
char *ocr_snap_join_codes(const char *text);

#endif
