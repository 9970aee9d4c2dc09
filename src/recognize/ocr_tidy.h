/* Scanned declarations (issue 4): the free-text fields made to read as
 * printed, where what the domain knows or what the page repeats elsewhere
 * settles a misreading. Pure: no I/O, no global state; each function returns
 * a new string the caller frees (never NULL: allocation failure aborts).
 *
 * - ocr_tidy_remarks: the remarks as OCR read them. The cell's own label
 *   (标记唛码及备注, misread) leaking in front goes; the marks "N/M" read as
 *   NM / NA / N1M become N/M again; the colon after a key of the remarks
 *   (车牌号, 司机, 电话, 转关单号, ...) that OCR reads as , ; . or drops
 *   beside another colon becomes "：".
 * - ocr_tidy_transport: the transport name: stray punctuation before it goes,
 *   and so does the end of its label wrapped into the value ("及航次号");
 *   a transit number "@…" misread by a digit takes the 16-digit number the
 *   remarks give (转关单号); a Kazakh plate (123ABC02: three digits, two or
 *   three letters, two region digits) gets its look-alikes (O/0, I/1, S/5,
 *   B/8, Z/2) by position.
 * - ocr_tidy_codes: VINs and plates in the remarks replaced by the entry of
 *   the final lists (vins, plates: JSON arrays of strings) they read as:
 *   the unique nearest entry, one character misread, dropped or extra (for a
 *   VIN also up to three look-alikes: O/0, S/5, I/1, ...). */
#ifndef KOUAN_RECOGNIZE_OCR_TIDY_H
#define KOUAN_RECOGNIZE_OCR_TIDY_H

#include <jansson.h>

char *ocr_tidy_remarks(const char *text);
char *ocr_tidy_transport(const char *tname, const char *remarks);
char *ocr_tidy_codes(const char *text, const json_t *vins, const json_t *plates);

/* Plates cut apart for finding them: a space after 挂 that ends a plate and
 * runs into Chinese ("陕C3394挂转关"), and for a full stop read for the comma
 * after a plate ("980UAX02.333HSS13挂"); issue 13: 持 read for the 挂 that
 * ends a trailer's plate (after a letter and four digits, or a whole Kazakh
 * plate: "851HCE10持") is 挂. */
char *ocr_tidy_split_trailers(const char *text);

/* Kazakh plates in the remarks (123ABC02) with their look-alikes set by
 * position, as ocr_tidy_transport does, and cut apart where two or more of
 * eight characters ran together ("680RSV07727UBF17" -> "680RSV07 727UBF17"),
 * for finding them (issue 13). A run is touched only when every piece of it
 * reads as a plate with at most two look-alikes and two real letters. */
char *ocr_tidy_kz_plates(const char *text);

/* Issue 13: a transport name that holds no plate (nor a transit number)
 * but reads, with up to two characters misread, dropped or extra, as one
 * of plates (the remarks' list, a JSON array of strings) or two of them
 * joined by '/' ("444CCW137949ZYFI17": the slash read 7): those, when
 * exactly one choice is nearest; else tname as it is. */
char *ocr_tidy_transport_by_plates(const char *tname, const json_t *plates);

/* Issue 13: a list of VINs or plates in the remarks (entries of vins and
 * plates following one another) written with one separator (a comma, 、, a
 * semicolon or spaces, held by two or more of its gaps): the gaps OCR read
 * otherwise (a full stop, a doubled comma, nothing at all) take it. Gaps
 * holding anything else (words) are left alone. */
char *ocr_tidy_list_separators(const char *text, const json_t *vins, const json_t *plates);

/* Issue 13: a Chinese plate's province misread (豫B2367挂 read 珍B2367挂,
 * 像 B5569 持) put right where OCR is known to read that province so (a
 * table measured on the tuning scans), in front of a plate's letter and
 * digits and after no other Chinese character; a trailer's 挂 read 持 and a
 * letter B read 8 after it too. ocr_tidy_transport does it first. */
char *ocr_tidy_plate_provinces(const char *text);

/* Issue 13: a Chinese plate whose province OCR read as another ideograph
 * not known for it ("队 B2367挂", "打A1487持" after a separator): the
 * province is taken from plates (the declaration's other plates, a JSON
 * array of strings): the one of the same plate stated there (the transport
 * name's copy), else the one all plates with the same letter after their
 * province share; else the text is left as read. */
char *ocr_tidy_plate_unknown_provinces(const char *text, const json_t *plates);

/* Issue 13: the text cut for finding plates where a letter or digit runs
 * straight into Chinese ("豫B54010本批车辆"): a space put between them,
 * except before a trailer's 挂 (or 持 read for it). */
char *ocr_tidy_plates_apart(const char *text);

/* Issue 13: a container number of boxes (the list as read and checked, a
 * JSON array of strings) written in the remarks with a speck of OCR between
 * its owner letters and its digits ("LDJU .4192074(40GP)"): written as the
 * list holds it. Spaces alone inside it are left as printed. */
char *ocr_tidy_containers(const char *text, const json_t *boxes);

/* An item's 境内货源地 {code, name}: the name without its code printed again
 * in front ("青岛(37029) 青岛"), a speck before it ("人 金华") or Latin specks
 * after it ("西安We"). */
void ocr_tidy_region(json_t *region);

#endif
