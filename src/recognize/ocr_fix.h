/* Domain corrections for text that came from OCR: pure functions, no
 * allocation, no global state, usable on any token the form reader cuts out
 * of a scanned page. They choose between look-alike readings (0/O/D, 1/I/L,
 * 5/S, 8/B, 2/Z, ...) only where what the domain knows (the VIN alphabet and
 * check digit, the 18-digit number form, calendar dates, a table of printed
 * values) says which reading is right; they never invent a value. A token
 * that cannot be made valid keeps its best reading with OCR_FIX_FAILED.
 *
 * Text is UTF-8 with an explicit length. conf, where taken, holds the
 * recogniser's confidence (0..1) of each code point of the input in order,
 * or is NULL (then every code point counts as 0.9). */
#ifndef KOUAN_RECOGNIZE_OCR_FIX_H
#define KOUAN_RECOGNIZE_OCR_FIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCR_VIN_LEN 17
#define OCR_VIN_CHECK_POS 8	/* the check digit's place (0-based) */
#define OCR_VIN_SHARED 11	/* the WMI, VDS, check digit, year and plant: a shipment's VINs share all but the check digit */
#define OCR_DIGITS_MAX 64
#define OCR_DATE_LEN 10	/* YYYY-MM-DD */

enum ocr_fix {
	OCR_FIX_EXACT = 0,	/* valid as read (after case and full-width folding) */
	OCR_FIX_REPAIRED,	/* made valid by choosing between look-alikes */
	OCR_FIX_FAILED,		/* no valid reading: out holds the best one */
};

/* A stroke that the grid of a form leaves in OCR text: | ｜ ¦ _ ＿ ! [ ]. */
bool ocr_is_stroke(uint32_t cp);
bool ocr_is_alnum(char c);

/* A 17-character VIN out of an OCR token. Strokes and whitespace at either
 * end are dropped (table borders), as is one spurious character at an end
 * when the token is one too long and that character looks like a border
 * (1 I L | ...). Look-alikes are chosen so that the VIN alphabet (no I, O, Q),
 * the check digit (position 9) and the numeric last four hold, changing as
 * few and as unsure characters as possible. hint, when not NULL, is a
 * 17-character pattern ('?' for unknown positions) that the VINs of the same
 * shipment share (ocr_vin_consensus); agreeing with it makes a change cheaper.
 * out gets 17 characters and a NUL (the best reading, even on failure; an
 * empty string when the token is not near 17 characters long). *conf_out
 * gets the confidence to report for it. A tie between two valid repairs is
 * OCR_FIX_FAILED: the check digit cannot tell which one is right. */
enum ocr_fix ocr_fix_vin(const char *in, size_t len, const float *conf, const char *hint,
	char out[OCR_VIN_LEN + 1], float *conf_out);

/* Issue 13: a VIN whose maker's code (WMI, its first three characters) OCR
 * lost or merged ("U1W8G360NX566875" for LJ1W8G360NX566875: L and J read as
 * one U; "员 1W8G368NX566879": both read as an ideograph; "HU1W8G…"): a
 * token of 15 to 17 letters and digits whose end, put after the first one
 * or two characters of a known maker's code (the rest of the code read as
 * it is), passes ocr_fix_vin with the code kept. OCR_FIX_REPAIRED when
 * exactly one VIN comes out (*conf_out: ocr_fix_vin's, lowered), else
 * OCR_FIX_FAILED and out empty. Its model's part (characters 4-11) must
 * hold three letters, as read or as repaired where hint (the shipment's
 * other VINs) has them: a number of digits alone, or a market-purchase
 * list's SCCG…, is no VIN. */
enum ocr_fix ocr_fix_vin_wmi(const char *in, size_t len, const char *hint, char out[OCR_VIN_LEN + 1],
	float *conf_out);

/* Issue 13: ocr_fix_vin_wmi with the model's letters counted as repaired
 * ("U1256393PJ…" for LJ1Z56393PJ…, its Z read as 2): a guess that only the
 * agreement of several such tokens (ocr_vin_consensus) may turn into a
 * shipment's hint, never a VIN by itself. */
bool ocr_vin_wmi_guess(const char *in, size_t len, char out[OCR_VIN_LEN + 1]);

/* a and b are two different characters OCR reads one for the other in most
 * faces (0 D O Q, 1 I L, 2 Z, 5 S, 8 B ...). */
bool ocr_vin_lookalike(char a, char b);

/* The VIN's first three characters are the code of a maker ocr_fix_vin_wmi knows. */
bool ocr_vin_wmi_known(const char *vin);

/* The positions that most of n VIN readings (each 17 characters) agree on:
 * hint[i] is the character that more than half of them hold at i, or '?'.
 * hint gets 17 characters and a NUL. */
void ocr_vin_consensus(const char (*vins)[OCR_VIN_LEN + 1], size_t n, char hint[OCR_VIN_LEN + 1]);

/* VINs run together in OCR text (a space-separated list whose spaces were
 * lost, a character dropped or added here and there): where each one
 * starts. The VINs of one shipment share their first characters (the maker's
 * WMI and the model's VDS): the prefix hint gives ('?' where unknown), or
 * else the run's own first OCR_VIN_PREFIX characters when they recur about 17
 * characters on. Each piece starts where that prefix recurs (one character
 * of it may be misread) 16 to 18 characters after the previous start, or 17
 * characters on when it is not found there. run holds ASCII letters and
 * digits only. Writes up to max starts into starts (starts[0] = 0) and
 * returns how many; 0 when the run is not two or more VINs long. Piece k is
 * [starts[k], starts[k + 1]) and the last one ends at len. */
#define OCR_VIN_PREFIX 8
size_t ocr_vin_run_starts(const char *run, size_t len, const char *hint, size_t *starts, size_t max);

#define OCR_USCC_LEN 18

/* A unified social credit code (统一社会信用代码, GB 32100: 0-9 and A-Z
 * without I O S V Z, the last character a check over the others) out of an
 * 18-character OCR token: the letters the code never uses become the digits
 * they look like (O -> 0, I -> 1, Z -> 2, S -> 5), and so does any letter in
 * the six digits of the administrative division code (characters 3-8: D Q U
 * -> 0, L T -> 1, B -> 8, G -> 6, A -> 4); the check character must then
 * hold, or OCR_FIX_FAILED (a search among single look-alike swaps was tried:
 * the check character lets one in three wrong swaps through). out gets 18
 * characters and a NUL (empty when the token is not 18 letters and digits). */
enum ocr_fix ocr_fix_uscc(const char *in, size_t len, char out[OCR_USCC_LEN + 1]);

/* A digit string of exactly want_len digits (1..OCR_DIGITS_MAX-1): letters
 * that look like digits become digits (O D Q 〇 -> 0, I l | ! -> 1, Z -> 2,
 * S -> 5, G b -> 6, T -> 7, B -> 8, g q -> 9), spaces and separators inside
 * are dropped, a border stroke at either end is dropped. OCR_FIX_FAILED when
 * the count of digits is not want_len or a character is not a digit
 * look-alike; out then holds the digits read so far. */
enum ocr_fix ocr_fix_digits(const char *in, size_t len, const float *conf, size_t want_len,
	char *out, size_t out_size, float *conf_out);

/* The 18-digit 海关编号 / 预录入编号: ocr_fix_digits, then the number's form
 * (a year 2000-2099 in digits 5-8, 0 or 1 in digit 9) must hold. */
enum ocr_fix ocr_fix_declno(const char *in, size_t len, const float *conf, char out[19], float *conf_out);

/* Several readings of the same digit string (the number printed in the bar
 * code text, the 预录入编号 and the 海关编号 lines): the majority digit at each
 * position among the readings of want_len digits. Returns the number of
 * readings that took part (0: out is empty); *agree gets true when no
 * position was contested. */
size_t ocr_vote_digits(const char *const *readings, size_t n, size_t want_len, char *out, size_t out_size,
	bool *agree);

/* A calendar date written YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD
 * (look-alike letters read as digits); out gets YYYY-MM-DD. FAILED when the
 * month or day is out of range, or the year is outside 1990..2099. */
enum ocr_fix ocr_fix_date(const char *in, size_t len, char out[OCR_DATE_LEN + 1]);

/* The entry of a table of printed values (labels, country names, customs
 * names, units) that text reads as, allowing up to max_edits code points to
 * be misread, one to be missing or one extra. Returns the index of the
 * unique closest entry, or -1 when none is close enough or two are equally
 * close. *edits gets the edit distance of the match (may be NULL). */
/* Levenshtein distance of two code point strings, or max_edits + 1 once it is
 * certainly larger (also when either is longer than OCR_EDIT_MAX). */
#define OCR_EDIT_MAX 128
int ocr_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max_edits);

int ocr_closest(const char *text, size_t len, const char *const *table, size_t n, int max_edits, int *edits);

/* A form's label at the start of OCR text: the least edit distance between
 * label[0, nl) and a prefix of text[0, nt) (code points, spaces already taken
 * out), trying prefixes of nl - max_edits to nl + max_edits code points. *used
 * gets that prefix's length (of equal distances, the one ending in the
 * label's last character, else the shorter). Returns max_edits + 1 when no
 * prefix is close enough, or when the misreads would not be outnumbered by
 * the characters read right. */
int ocr_label_prefix(const uint32_t *text, size_t nt, const uint32_t *label, size_t nl, int max_edits,
	size_t *used);

/* The confidence to report for a field read from OCR: the least confident
 * code point of its text, lowered further when a correction was needed, and
 * below 0.9 unless a check digit or a table confirms the value. */
float ocr_field_conf(float min_glyph_conf, enum ocr_fix how, bool checked);

#endif
