/* Parsing the text of one cell (numbers, dates, codes, fees, companies) and
 * deriving the declaration-wide fields (plates, VINs, seals, containers,
 * counts, totals). Pure functions over UTF-8 strings. */
#ifndef KOUAN_RECOGNIZE_FIELDS_UTIL_H
#define KOUAN_RECOGNIZE_FIELDS_UTIL_H

#include <jansson.h>
#include <stddef.h>

#define FU_MAX_GROSS_KG 2000000.0	/* above this a road declaration's weight is misread */
#define FU_GUTTER 0.6f			/* an empty strip this many font sizes wide separates columns */
#define FU_MAX_TOKENS 20000		/* tokens of the remarks or the specs that are looked at */

/* Lines ('\n'-separated) joined with joiner, whitespace runs collapsed,
 * trimmed. The caller frees the result. */
char *fu_join_lines(const char *text, const char *joiner);
/* Lines joined with a space, except where a wrap falls between two Chinese
 * characters (a word broken by the cell's edge); caller frees. */
char *fu_join_wrapped(const char *text);
/* Whitespace runs collapsed to one space and trimmed; caller frees. */
char *fu_collapse(const char *text);
int fu_is_blank(const char *text);
/* Collapsed, and without the spaces next to non-ASCII characters (letter
 * spacing inside Chinese words); caller frees. */
char *fu_squeeze_cjk(const char *text);

/* "(CODE)name", "name(CODE)", "CODE name", "name CODE" -> name and code. */
void fu_split_code(const char *text, char *name, size_t name_cap, char *code, size_t code_cap);
/* A company cell: name and 18-character credit code, the code from the
 * label's brackets (label_code; there one of 17 or 19 letters and digits too)
 * or anywhere in the text. */
#define FU_USCC_LEN 18
#define FU_USCC_SLACK 1
void fu_split_uscc(const char *text, const char *label_code, char *name, size_t name_cap, char *uscc, size_t uscc_cap);
/* 境内货源地: "(34442)淮南", "淮南(34442)", "(13019/130130)石家庄其他/..." */
void fu_split_region(const char *text, char *name, size_t name_cap, char *code, size_t code_cap);

/* YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD -> "YYYY-MM-DD". */
int fu_parse_date(const char *text, char *iso, size_t cap);
/* The whole text is one number (thousands separators allowed). */
int fu_parse_number(const char *text, double *out);
int fu_parse_int(const char *text, long *out);
/* OCR: a cell's line without the specks of punctuation OCR put before or
 * after it ("3875636.70,", "”USD", "“10957条", "98960.06 。"), at most
 * FU_MAX_SPECKS a side, nor the spaces around them; caller frees. */
#define FU_MAX_SPECKS 2
char *fu_strip_specks(const char *text);
/* OCR: a number read with a space or two inside ("826306 1.96"): a line of
 * digits, points and commas only gets the spaces between two digits
 * removed, in place (a line with other characters, or more spaces, stays). */
#define FU_MAX_DIGIT_SPLITS 2
void fu_join_digit_groups(char *s);
/* OCR: an amount whose cents' point was read as a colon, semicolon or
 * comma, or with a space beside it ("172668:00", "172668. 00"): digits, the
 * mark and two digits ending the text become one number, in place. */
#define FU_CENTS_DIGITS 2
void fu_mend_cents(char *s);
/* OCR: where the quantities of a quantity cell's line start when OCR ran
 * two lines into one ("13829 千克 19695平方米"): at its first character
 * when a digit, and at each digit after a unit's character (spaces and a
 * slash between allowed: "20570千克 / 450张"). Byte offsets into starts (at
 * most max); returns their number. */
size_t fu_quantity_starts(const char *text, size_t *starts, size_t max);
/* "9辆", "18,990千克" -> 9 and "辆". */
int fu_parse_qty(const char *text, double *qty, char *unit, size_t unit_cap);
/* An item's transaction quantity × unit price is its total rounded to the
 * cent. OCR misreads one character of one of the three now and then (a
 * digit for another, one dropped or added, the decimal point lost): when
 * exactly one such single edit of exactly one of them makes the product
 * hold, that reading replaces the one read. Returns which one was changed
 * (FU_ARITH_NONE: they already agree, or no unique repair). */
enum fu_arith { FU_ARITH_NONE = 0, FU_ARITH_QTY, FU_ARITH_PRICE, FU_ARITH_TOTAL };
enum fu_arith fu_repair_price(double *qty, double *price, double *total);
/* The commodity code classifies vehicles (tractors, buses, cars, trucks,
 * special vehicles: HS 8701-8705). */
int fu_hs_is_vehicle(const char *hs);
/* ... and one counted in 辆 (HS 8702-8705; tractors are counted in 台). */
int fu_hs_counted_in_vehicles(const char *hs);
/* The commodity code that starts a line of the 商品编号 column: eight to ten
 * digits after a speck or two of punctuation, then the end, a space or an
 * ideograph (the name run into the column). OCR's spaces inside the digits
 * ("200 2901100", at most FU_HS_MAX_SPLITS) are skipped. Copies the digits
 * to out (cap > FU_HS_DIGITS); returns their number, or 0 when the line does
 * not start with a code. */
#define FU_HS_DIGITS 10
#define FU_HS_DIGITS_OLD 8
#define FU_HS_MAX_SPLITS 2
size_t fu_hs_code_lead(const char *s, char *out, size_t cap);
/* OCR: the same read loosely, for finding rows: 8 to 10 digits before the
 * name starts (two Chinese characters in a row) with at most two other
 * characters among them ("4了 0 11101000"); the digits to out. Returns their
 * number, or 0. */
size_t fu_hs_code_loose(const char *s, char *out, size_t cap);
/* OCR: a 项号 with a speck or two beside it ("了 3"): one group of one to
 * three digits and at most two other characters. Returns 1 and the number. */
int fu_item_no_loose(const char *s, long *out);
/* Item rows' first lines found by two means (the 项号 column's numbers, the
 * 商品编号 column's codes): ys[0..n) sorted, and those within tol of the one
 * before dropped (one row seen twice). Returns the number kept. */
size_t fu_merge_row_starts(float *ys, size_t n, float tol);
/* OCR: a total that does not add up, misread in up to FU_TOTAL_MAX_EDITS
 * characters as printed ("13264850.25" for 3264850.26), while quantity and
 * price agree with it that far, that lost its leading digits ("2083.33"
 * for 102083.33), or its point with the cents' digits read (819074880 for
 * 8190748.80): the product replaces it. Returns 1 when it
 * did (use after fu_repair_price found no single edit). */
#define FU_TOTAL_MAX_EDITS 2
int fu_total_by_product(double qty, double price, double *total);
/* Edits (replace, drop, insert) between two ASCII strings of up to 24
 * bytes; 24 when either is longer. */
int fu_text_edits(const char *a, const char *b);
/* OCR (issue 13): a unit price read with one character too many and a total
 * that does not add up: the price without the one character whose product
 * the total reads as (fu_total_by_product), when exactly one does; both
 * replaced, returns 1. */
int fu_price_extra_char(double qty, double *price, double *total);
/* 美元 / USD / 502 -> "USD". */
int fu_currency(const char *text, char *iso, size_t cap);
/* OCR (issue 13): a currency's Chinese name read with one of its characters
 * wrong ("美沁", "美拒" for 美元): the code of the one name of as many
 * characters it differs from in one (not "X元": 美元, 欧元 and 日元 all
 * do). */
int fu_currency_misread(const char *text, char *iso, size_t cap);
/* "502/2900/3", "USD/2900.00/3" -> USD, 2900, "3". */
int fu_parse_fee(const char *text, char *cur, size_t cur_cap, double *amount, char *mark, size_t mark_cap);
/* 随附单证1:出口许可证 24-AA-1 随附单证2:A;B -> [{type, number}...]; new reference. */
json_t *fu_attached_docs(const char *text);
/* The first run of exactly n digits in text -> out (n+1 bytes). */
int fu_find_digits(const char *text, size_t n, char *out);
void fu_digits_only(const char *text, char *out, size_t cap);
void fu_first_word(const char *text, char *out, size_t cap);
/* "…|长安牌|CS55PLUS|…" -> 长安, CS55PLUS. */
int fu_brand_model(const char *spec, char *brand, size_t bcap, char *model, size_t mcap);
/* OCR (issue 13): the same from a scanned spec whose | were lost or misread:
 * "5 座吉利牌帝豪新车…" -> 吉利, 帝豪; the brand snapped to the longest known
 * maker its ideographs end with ("雁长安牌" -> 长安), the model's specks
 * dropped ("奥铃。C TX" -> 奥铃CTX). */
int fu_brand_model_scanned(const char *spec, char *brand, size_t bcap, char *model, size_t mcap);
/* OCR (issue 13): whether two models of one brand read off a scan are one
 * model, the other misread: 1 keeps a, 2 keeps b, 0 they are two. One if
 * they differ only in case (the one with more capitals kept), or by a
 * character read in more (the shorter kept): not a letter more at the end,
 * which may be another model (H6, H6S), but a stroke (H61). */
int fu_models_one(const char *a, const char *b);

/* Declaration-wide fields, into out/conf/warnings: remarks (text with '\n'
 * between lines; breaks holds 'w' or 't' for each '\n': wrapped or typed),
 * plates, truck_count, vins, seals, containers, container_teu,
 * vehicle_count, vehicle_models, total_value, currency, origin, items,
 * is_transit, is_ecommerce, kind. Takes over items. */
/* is_transit and is_ecommerce from the transport name and the supervision
 * mode code (again after OCR snapped the code to its table); issue 13: the
 * transit also from the remarks' 转关单号 (scanned: alone, not sure; a text
 * layer: a disagreement is not sure). */
void fields_derive_flags(json_t *out, json_t *conf, int scanned);
void fields_derive(json_t *out, json_t *conf, json_t *warnings, const char *remarks, const char *breaks,
	float remarks_conf, json_t *items, const char *specs, const char *spec_breaks, float spec_conf, int scanned);

#endif
