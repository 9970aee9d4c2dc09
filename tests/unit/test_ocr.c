/* OCR corrections (ocr_fix.c), and OCR of a generated page image (ocr.c)
 * when the build has Tesseract. */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/utf8.h"

#include "recognize/ocr_fix.h"
#include "recognize/ocr_reread.h"
#include "recognize/ocr_rows.h"
#ifdef KOUAN_OCR
#include <leptonica/allheaders.h>

#include "recognize/internal.h"
#include "recognize/ocr.h"
#include "recognize/ocr_code.h"
#include "recognize/ocr_ink.h"
#include "recognize/ocr_neck.h"
#include "release/release.h"
#endif

static enum ocr_fix vin(const char *in, const char *hint, char out[OCR_VIN_LEN + 1], float *conf)
{
	return ocr_fix_vin(in, strlen(in), NULL, hint, out, conf);
}

static void test_vin_exact(void **state)
{
	char out[OCR_VIN_LEN + 1];
	float conf;
	assert_int_equal(vin("LFWNXRV55TA551618", NULL, out, &conf), OCR_FIX_EXACT);
	assert_string_equal(out, "LFWNXRV55TA551618");
	assert_true(conf > 0.8f && conf < 0.9f);	/* 0.9 per character by default, lowered */
	/* lower case, full width and a trailing comma fold away */
	assert_int_equal(vin("lgwef4a56rh123457,", NULL, out, &conf), OCR_FIX_REPAIRED);	/* l read as 1/I */
	assert_string_equal(out, "LGWEF4A56RH123457");
	assert_int_equal(vin("ＬＦＷＮＸＲＶ５５ＴＡ５５１６１８", NULL, out, &conf), OCR_FIX_EXACT);
	assert_string_equal(out, "LFWNXRV55TA551618");
}

static void test_vin_lookalikes(void **state)
{
	char out[OCR_VIN_LEN + 1];
	float conf;
	/* O is not in the VIN alphabet: 0 */
	assert_int_equal(vin("LFWNXRV5OTA551641", NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LFWNXRV50TA551641");
	assert_true(conf < 0.9f);
	/* S where the check digit stands, B among the last four digits */
	assert_int_equal(vin("LFWNXRVS8TA551662", NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LFWNXRV58TA551662");
	assert_int_equal(vin("LFWNXRV58TA55166Z", NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LFWNXRV58TA551662");
	assert_int_equal(vin("LGWEF4A56RH1234S7", NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LGWEF4A56RH123457");
}

static void test_vin_borders(void **state)
{
	char out[OCR_VIN_LEN + 1];
	float conf;
	assert_int_equal(vin("|LFWNXRV55TA551618|", NULL, out, &conf), OCR_FIX_EXACT);
	assert_string_equal(out, "LFWNXRV55TA551618");
	/* a cell border read as a leading 1 */
	assert_int_equal(vin("1LFWNXRV55TA551618", NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LFWNXRV55TA551618");
	assert_int_equal(vin("_LFWNXRV55TA551618 ", NULL, out, &conf), OCR_FIX_EXACT);
	assert_string_equal(out, "LFWNXRV55TA551618");
}

/* Issue 13: one glyph read twice as two different look-alikes ("5S",
 * "I1") inside a VIN: that character is the one dropped, below sure; a
 * character doubled as itself earns no such preference. */
static void test_vin_read_twice(void **state)
{
	char out[OCR_VIN_LEN + 1];
	float conf;
	assert_int_equal(vin("LZGWDNW375SL390103", NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LZGWDNW37SL390103");
	assert_true(conf < 0.9f);
	assert_int_equal(vin("LJI15PN3H2RL885583", NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LJ15PN3H2RL885583");
	assert_true(conf < 0.9f);
	assert_int_equal(vin("LJ15PN3H2RL8855583", NULL, out, &conf), OCR_FIX_FAILED);
}

static void test_vin_hint(void **state)
{
	char out[OCR_VIN_LEN + 1];
	float conf;
	const char readings[][OCR_VIN_LEN + 1] = {
		"LFWNXRV55TA551618", "LFWNXRV53TA551620", "LFWNXRV52TA551625", "LPWNXRV5XTA551632",
		"LFWNXRV57TA551636",
	};
	char hint[OCR_VIN_LEN + 1];
	ocr_vin_consensus(readings, sizeof readings / sizeof readings[0], hint);
	assert_string_equal(hint, "LFWNXRV5?TA5516??");
	/* F read as P and 5 as S: the shipment's shared prefix says which */
	assert_int_equal(vin("LPWNXRVSXTA551632", hint, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LFWNXRV5XTA551632");
	/* T read as I */
	assert_int_equal(vin("LFWNXRV50IA551641", hint, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LFWNXRV50TA551641");
	/* a VIN of another maker in the same shipment: the hint is not its own */
	assert_int_equal(vin("LGXCH4CDOSF011952", hint, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LGXCH4CD0SF011952");
	/* too few readings to agree on anything */
	ocr_vin_consensus(readings, 2, hint);
	assert_string_equal(hint, "?????????????????");
}

/* Issue 13: a reading whose check digit holds with two misreads against the
 * shipment's consensus loses to the look-alike repair that agrees with it. */
static void test_vin_against_consensus(void **state)
{
	(void)state;
	char out[OCR_VIN_LEN + 1];
	float conf;
	const char *hint = "LFWVLC3G?SD2312??";
	assert_int_equal(vin("LFWV1C3G19D231268", hint, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LFWVLC3G1SD231268");
	assert_true(conf < 0.9f);
	/* with no consensus, a reading that holds stands */
	assert_int_equal(vin("LFWV1C3G19D231268", NULL, out, &conf), OCR_FIX_EXACT);
}

/* Issue 13: the maker's code lost or merged, put back from the table of makers. */
static void test_vin_maker_code(void **state)
{
	(void)state;
	char out[OCR_VIN_LEN + 1];
	float conf;
	const char *u = "U1W8G360NX566875", *lost = "1W8G368NX566879", *hu = "HU1W8G366NX566881";
	assert_int_equal(ocr_fix_vin_wmi(u, strlen(u), NULL, out, &conf), OCR_FIX_REPAIRED);	/* LJ read as U */
	assert_string_equal(out, "LJ1W8G360NX566875");
	assert_true(conf < 0.9f);
	assert_int_equal(ocr_fix_vin_wmi(lost, strlen(lost), NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LJ1W8G368NX566879");
	assert_int_equal(ocr_fix_vin_wmi(hu, strlen(hu), NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LJ1W8G366NX566881");
	assert_true(ocr_vin_wmi_known("LJ1W8G366NX566881"));
	assert_false(ocr_vin_wmi_known("UL1W8G368NX566879"));
	/* LJ read as U and the model's Z as 2 ("256393PJ": two letters as
	 * read): its letters are counted once repaired, the shipment's other
	 * VINs telling the Z */
	const char *u2 = "U1256393PJ109624";
	assert_int_equal(ocr_fix_vin_wmi(u2, strlen(u2), "LJ1Z5639?PJ109???", out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "LJ1Z56393PJ109624");
	/* with no other VIN read right: a guess only, for the shipment's
	 * consensus; the tie its check digit leaves (2 as Z, or the serial's 0
	 * as D) goes to the model's part */
	assert_int_equal(ocr_fix_vin_wmi(u2, strlen(u2), NULL, out, &conf), OCR_FIX_FAILED);
	assert_true(ocr_vin_wmi_guess(u2, strlen(u2), out));
	assert_string_equal(out, "LJ1Z56393PJ109624");
	assert_false(ocr_vin_wmi_guess("1234567890123456", 16, out));
	const char *merged = "LJ1256394PJ109597";	/* kept on its own: the tie stands */
	assert_int_equal(ocr_fix_vin(merged, strlen(merged), NULL, NULL, out, &conf), OCR_FIX_FAILED);
	assert_true(ocr_vin_lookalike('2', 'Z'));
	assert_false(ocr_vin_lookalike('Z', 'Z'));
	/* digits alone (a transit number), a number with one letter in the
	 * model's part, a check digit that fails: no VIN */
	const char *digits = "1234567890123456", *bad = "U1W8G361NX566875", *list = "SCCG511977762322";
	assert_int_equal(ocr_fix_vin_wmi(list, strlen(list), NULL, out, &conf), OCR_FIX_FAILED);
	const char *list2 = "SCCG704901036774";	/* LD + "CCG704901036774", its 0 as D, would hold */
	assert_int_equal(ocr_fix_vin_wmi(list2, strlen(list2), NULL, out, &conf), OCR_FIX_FAILED);
	assert_int_equal(ocr_fix_vin_wmi(digits, strlen(digits), NULL, out, &conf), OCR_FIX_FAILED);
	assert_int_equal(ocr_fix_vin_wmi(bad, strlen(bad), NULL, out, &conf), OCR_FIX_FAILED);
	assert_string_equal(out, "");
}

static void test_vin_unfixable(void **state)
{
	char out[OCR_VIN_LEN + 1];
	float conf;
	/* an ideograph inside is no VIN */
	assert_int_equal(vin("LFWNXRV55车A551618", NULL, out, &conf), OCR_FIX_FAILED);
	/* too short: the reading is kept for the warning */
	assert_int_equal(vin("LFWNXRV55TA5516", NULL, out, &conf), OCR_FIX_FAILED);
	assert_string_equal(out, "LFWNXRV55TA5516");
	/* far too long */
	assert_int_equal(vin("LFWNXRV55TA551618123", NULL, out, &conf), OCR_FIX_FAILED);
	assert_string_equal(out, "");
	/* the check digit is wrong and no look-alike accounts for it, every
	 * character read with full confidence: the best reading, low confidence */
	const char *bad = "LGWEF4A53RH123457";
	float sure[OCR_VIN_LEN];
	for (int i = 0; i < OCR_VIN_LEN; i++)
		sure[i] = 1.0f;
	enum ocr_fix how = ocr_fix_vin(bad, strlen(bad), sure, NULL, out, &conf);
	if (how == OCR_FIX_FAILED) {
		assert_string_equal(out, bad);
		assert_true(conf <= 0.4f);
	} else {
		/* a repair through unlikely confusions is never reported as sure */
		assert_int_equal(how, OCR_FIX_REPAIRED);
		assert_true(conf < 0.9f);
	}
}

static void test_vin_confidence_follows_glyphs(void **state)
{
	char out[OCR_VIN_LEN + 1];
	float conf, q[OCR_VIN_LEN];
	for (int i = 0; i < OCR_VIN_LEN; i++)
		q[i] = 1.0f;
	const char *v = "LFWNXRV55TA551618";
	assert_int_equal(ocr_fix_vin(v, strlen(v), q, NULL, out, &conf), OCR_FIX_EXACT);
	assert_true(conf >= 0.9f);	/* check digit and every glyph sure */
	q[12] = 0.5f;
	assert_int_equal(ocr_fix_vin(v, strlen(v), q, NULL, out, &conf), OCR_FIX_EXACT);
	assert_true(conf <= 0.5f);
}

/* Credit codes: letters the code never uses folded to digits, one look-alike
 * chosen by the check character, ties and hopeless readings refused. */
static void test_uscc(void **state)
{
	(void)state;
	char out[OCR_USCC_LEN + 1];
	assert_int_equal(ocr_fix_uscc("91654004RLUA0F4HMP", 18, out), OCR_FIX_EXACT);
	assert_string_equal(out, "91654004RLUA0F4HMP");
	assert_int_equal(ocr_fix_uscc("91654004RLUAOF4HMP", 18, out), OCR_FIX_REPAIRED);	/* O is no code letter */
	assert_string_equal(out, "91654004RLUA0F4HMP");
	assert_int_equal(ocr_fix_uscc("125001125ETBDREALO", 18, out), OCR_FIX_REPAIRED);
	assert_string_equal(out, "125001125ETBDREAL0");
	assert_int_equal(ocr_fix_uscc("9165A0O4RLUA0F4HMP", 18, out), OCR_FIX_REPAIRED);	/* the division code is digits */
	assert_string_equal(out, "91654004RLUA0F4HMP");
	assert_int_equal(ocr_fix_uscc("91654004RLUA0F4HMB", 18, out), OCR_FIX_FAILED);	/* P read as B: not guessed */
	assert_int_equal(ocr_fix_uscc("91654004RLUA0F4HM", 17, out), OCR_FIX_FAILED);
	assert_int_equal(ocr_fix_uscc("91654004RLUA0F4H-P", 18, out), OCR_FIX_FAILED);
	assert_int_equal(ocr_fix_uscc("91654004RLUA0F4HMX", 18, out), OCR_FIX_FAILED);
}

static void test_declno(void **state)
{
	char out[19];
	float conf;
	const char *s = "940220260002940551";
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_EXACT);
	assert_string_equal(out, s);
	assert_true(conf < 0.9f);	/* no check digit: never sure from OCR alone */
	s = "94022026OOO294O55l";
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "940220260002940551");
	s = "|940220260002940551|";
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_EXACT);
	assert_string_equal(out, "940220260002940551");
	s = "1940220260002940551";	/* a border read as 1 before it */
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "940220260002940551");
	s = "9402 2026 0 002940551";
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_EXACT);
	assert_string_equal(out, "940220260002940551");
	s = "9402202600029405";	/* two digits short: kept, failed */
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_FAILED);
	assert_string_equal(out, "9402202600029405");
	assert_true(conf <= 0.4f);
	s = "940299990002940551";	/* no year 9999 */
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_FAILED);
	s = "94022026X002940551";
	assert_int_equal(ocr_fix_declno(s, strlen(s), NULL, out, &conf), OCR_FIX_FAILED);
}

static void test_digits_and_vote(void **state)
{
	char out[32];
	float conf;
	assert_int_equal(ocr_fix_digits("87O423OO9O", 10, NULL, 10, out, sizeof out, &conf), OCR_FIX_REPAIRED);
	assert_string_equal(out, "8704230090");
	assert_int_equal(ocr_fix_digits("8704230090", 10, NULL, 10, out, 5, &conf), OCR_FIX_FAILED);
	const char *r[] = {"940220260002940551", "940220260002940S51", "940220266002940551", NULL, "123"};
	bool agree;
	/* the S reading is no digit string and takes no part; 2 of 3 win the rest */
	const char *digits[] = {r[0], "940220260002940581", r[2], r[3], r[4]};
	assert_int_equal(ocr_vote_digits(digits, 5, 18, out, sizeof out, &agree), 3);
	assert_string_equal(out, "940220260002940551");
	assert_false(agree);
	assert_int_equal(ocr_vote_digits(r, 1, 18, out, sizeof out, &agree), 1);
	assert_true(agree);
	const char *two[] = {"940220260002940551", "940220260002940581"};
	assert_int_equal(ocr_vote_digits(two, 2, 18, out, sizeof out, &agree), 0);	/* a tie */
}

static void test_date(void **state)
{
	char out[OCR_DATE_LEN + 1];
	assert_int_equal(ocr_fix_date("20260619", 8, out), OCR_FIX_EXACT);
	assert_string_equal(out, "2026-06-19");
	assert_int_equal(ocr_fix_date("2026-O6-l9", 10, out), OCR_FIX_REPAIRED);
	assert_string_equal(out, "2026-06-19");
	assert_int_equal(ocr_fix_date("2024/2/29", 9, out), OCR_FIX_EXACT);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(ocr_fix_date("2025.02.29", 10, out), OCR_FIX_FAILED);
	assert_int_equal(ocr_fix_date("20261319", 8, out), OCR_FIX_FAILED);
	assert_int_equal(ocr_fix_date("2026061", 7, out), OCR_FIX_FAILED);
	assert_int_equal(ocr_fix_date("202606190", 9, out), OCR_FIX_FAILED);
}

static void test_closest(void **state)
{
	const char *countries[] = {"哈萨克斯坦", "乌兹别克斯坦", "吉尔吉斯斯坦", "塔吉克斯坦", "阿塞拜疆", "俄罗斯"};
	int edits = -1;
	const char *s = "阿塞拜绪";
	assert_int_equal(ocr_closest(s, strlen(s), countries, 6, 1, &edits), 4);
	assert_int_equal(edits, 1);
	s = "哈萨克斯坦";
	assert_int_equal(ocr_closest(s, strlen(s), countries, 6, 1, &edits), 0);
	assert_int_equal(edits, 0);
	s = "萨克斯坦";	/* one missing */
	assert_int_equal(ocr_closest(s, strlen(s), countries, 6, 1, NULL), 0);
	s = "美元";	/* nothing near */
	assert_int_equal(ocr_closest(s, strlen(s), countries, 6, 2, NULL), -1);
	/* equally near two entries: no answer */
	const char *labels[] = {"运费", "保费", "杂费"};
	s = "x费";
	assert_int_equal(ocr_closest(s, strlen(s), labels, 3, 1, NULL), -1);
	s = "标记正码及备注";
	const char *remarks[] = {"标记唛码及备注", "随附单证及编号"};
	assert_int_equal(ocr_closest(s, strlen(s), remarks, 2, 2, NULL), 0);
}

/* Issue 13: where VINs run together start, by the shipment's shared prefix. */
static void test_vin_run_starts(void **state)
{
	(void)state;
	size_t st[8];
	/* three VINs, the second one character short: the prefix finds the third */
	const char *run = "LFWF19C01PX615590LFWF19C0PX615591LFWF19C06PX615598";
	size_t n = ocr_vin_run_starts(run, strlen(run), NULL, st, 8);
	assert_int_equal(n, 3);
	assert_int_equal(st[0], 0);
	assert_int_equal(st[1], 17);
	assert_int_equal(st[2], 33);
	/* the hint's prefix, one character of it misread (F as E) where it recurs */
	run = "LFWF19C01PX615590LEWF19C03PX615591";
	n = ocr_vin_run_starts(run, strlen(run), "LFWF19C0?PX6155??", st, 8);
	assert_int_equal(n, 2);
	assert_int_equal(st[1], 17);
	/* issue 13: two close look-alikes where it recurs (1 for L, O for 0) are no misses */
	run = "COV8PGG2NX6563441COV8PGG4NX656345";
	n = ocr_vin_run_starts(run, strlen(run), "LC0V8PGG?????????", st, 8);
	assert_int_equal(n, 2);
	assert_int_equal(st[1], 16);
	/* one VIN alone is no run */
	assert_int_equal(ocr_vin_run_starts("LFWF19C01PX615590", 17, NULL, st, 8), 0);
}

/* Issue 13: a label at the start of OCR text, by edit distance. */
static void test_label_prefix(void **state)
{
	(void)state;
	static const uint32_t gross[] = {0x6BDB, 0x91CD, '(', 0x5343, 0x514B, ')'};	/* 毛重(千克) */
	static const uint32_t read[] = {0x6BDB, 0x91CD, '(', 0x4E8E, 0x4E0A, 0x514B, ')', ':', '1', '6'};	/* 毛重(于上克):16 */
	size_t used;
	assert_int_equal(ocr_label_prefix(read, 10, gross, 6, 2, &used), 2);
	assert_int_equal(used, 7);	/* up to the bracket: the colon is the value's */
	assert_int_equal(ocr_label_prefix(read, 10, gross, 6, 1, &used), 2);	/* over the budget */
	assert_int_equal(used, 0);
	static const uint32_t shipper[] = {0x5883, 0x5185, 0x53D1, 0x8D27, 0x4EBA};	/* 境内发货人 */
	static const uint32_t half[] = {0x5883, 0x5185, 0x53D1, 0x4FE9, 0x4EBA, 'A'};	/* 境内发俩人A */
	assert_int_equal(ocr_label_prefix(half, 6, shipper, 5, 2, &used), 1);
	assert_int_equal(used, 5);
	/* as many misread as read right: not the label */
	static const uint32_t other[] = {0x5883, 0x5916, 0x6536, 0x4FE9, 0x4EBA};	/* 境外收俩人 */
	assert_int_equal(ocr_label_prefix(other, 5, shipper, 5, 3, &used), 4);
}

static void test_field_conf(void **state)
{
	assert_true(ocr_field_conf(1.0f, OCR_FIX_EXACT, false) < 0.9f);
	assert_true(ocr_field_conf(1.0f, OCR_FIX_EXACT, true) >= 0.9f);
	assert_true(ocr_field_conf(0.95f, OCR_FIX_REPAIRED, true) < 0.9f);
	assert_true(ocr_field_conf(0.3f, OCR_FIX_EXACT, true) <= 0.3f);
	assert_true(ocr_field_conf(1.0f, OCR_FIX_FAILED, true) <= 0.4f);
}

/* Glyphs of s, one per byte, at conf 0.5. */
static void chars_of(struct rec_glyph *g, const char *s)
{
	for (size_t i = 0; s[i]; i++)
		g[i] = (struct rec_glyph){.cp = (unsigned char)s[i], .conf = 0.5f};
}

/* ---- the third pass's choices (ocr_reread.c) ---- */

/* A line of words at y, each glyph 5 points wide, words split at ' ' (a
 * space glyph between them), at conf; gap: points between words. */
static void line_of(struct rec_page *p, const char *text, float x, float y, float gap, float conf)
{
	for (const char *c = text; *c; c++) {
		if (*c == ' ' && p->n_glyphs)
			p->glyphs[p->n_glyphs++] = (struct rec_glyph){.cp = ' ', .x0 = x, .x1 = x + gap, .y0 = y, .y1 = y + 10,
				.size = 9, .conf = conf};
		if (*c == ' ') {
			x += gap;
			continue;
		}
		p->glyphs[p->n_glyphs++] = (struct rec_glyph){.cp = (unsigned char)*c, .x0 = x, .x1 = x + 5, .y0 = y,
			.y1 = y + 10, .size = 9, .conf = conf};
		x += 5;
	}
}

static void reading(struct ocr_reread *r, const char *text, float conf)
{
	r->n = 0;
	for (const char *c = text; *c; c++, r->n++)
		r->g[r->n] = (struct rec_glyph){.cp = (unsigned char)*c, .x0 = 5.0f * (float)r->n, .x1 = 5.0f * (float)r->n + 5,
			.conf = conf};
}

/* Numbers with junk or doubt are read again; words, codes in brackets,
 * the | of a spec and sure numbers are not. */
static void test_reread_worthy(void **state)
{
	(void)state;
	struct rec_glyph g[64];
	bool digits;
	chars_of(g, "940220260)!5990535.30");
	assert_true(ocr_reread_worthy(g, 0, 21, &digits) && digits);
	chars_of(g, "(65019)");
	assert_false(ocr_reread_worthy(g, 0, 7, &digits));
	chars_of(g, "0|3|205mm");
	assert_false(ocr_reread_worthy(g, 0, 9, &digits));
	chars_of(g, "HRGSABC1");	/* mostly letters: a code, not a number */
	assert_false(ocr_reread_worthy(g, 0, 8, &digits));
	chars_of(g, "'GS15365311");	/* a seal's number: its letters are no digits */
	assert_false(ocr_reread_worthy(g, 0, 11, &digits));
	chars_of(g, "'G515365311");	/* one letter may be a digit misread */
	assert_true(ocr_reread_worthy(g, 0, 11, &digits));
	chars_of(g, "123");	/* too short */
	assert_false(ocr_reread_worthy(g, 0, 3, &digits));
	chars_of(g, "67628.00");
	for (int i = 0; i < 8; i++)
		g[i].conf = 0.95f;	/* sure and clean */
	assert_false(ocr_reread_worthy(g, 0, 8, &digits));
	g[3].conf = 0.5f;
	assert_true(ocr_reread_worthy(g, 0, 8, &digits));
}

/* A second reading replaces the first when it is a valid declaration
 * number and the first is not, or the first held junk; not when unsure or
 * of another length. */
static void test_reread_better(void **state)
{
	(void)state;
	struct rec_glyph old[64];
	struct ocr_reread *got = malloc(sizeof *got);
	assert_non_null(got);
	chars_of(old, "9340220250389676283");	/* 19 digits, no junk */
	reading(got, "940220250389676283", 0.8f);
	assert_true(ocr_reread_better(old, 19, got));
	reading(got, "940220250389676283", 0.4f);	/* unsure */
	assert_false(ocr_reread_better(old, 19, got));
	chars_of(old, "362!47");	/* junk: replaced, its trailing comma taken off */
	reading(got, "36247,", 0.8f);
	assert_true(ocr_reread_better(old, 6, got));
	assert_int_equal(got->n, 5);
	reading(got, "3624711", 0.8f);	/* two digits more */
	assert_false(ocr_reread_better(old, 6, got));
	chars_of(old, "3745.53");	/* no junk, no declaration number: kept */
	reading(got, "3745.58", 0.9f);
	assert_false(ocr_reread_better(old, 7, got));
	free(got);
}

/* Words on one line with no real gap run together (a number read in two
 * pieces, out of order in the glyphs); the run's reading takes the pieces'
 * place, the rest of the page kept. */
static void test_reread_runs_and_swap(void **state)
{
	(void)state;
	struct rec_page p = {0};
	size_t cap = 64;
	p.glyphs = calloc(cap, sizeof *p.glyphs);
	assert_non_null(p.glyphs);
	line_of(&p, ")5990535.30", 145, 100, 1, 0.5f);	/* the second piece first */
	line_of(&p, "940220260!", 95, 100, 1, 0.5f);
	line_of(&p, "12 34", 20, 200, 8, 0.9f);	/* a real gap: two words */
	struct ocr_word_run w[16];
	size_t n = ocr_ascii_words(&p, w, 16);
	assert_int_equal(n, 4);
	assert_int_equal(ocr_run_length(w, n, 0), 2);	/* 940220260! then )5990535.30 */
	assert_true(w[0].x0 < w[1].x0);
	assert_int_equal(ocr_run_length(w, n, 2), 1);
	struct rec_glyph buf[64];
	struct ocr_word_run box;
	assert_int_equal(ocr_run_glyphs(&p, w, 2, buf, 64, &box), 21);
	assert_int_equal(buf[0].cp, '9');
	struct ocr_reread *got = malloc(sizeof *got);
	assert_non_null(got);
	reading(got, "940220260599053536", 0.8f);
	assert_true(ocr_reread_better(buf, 21, got));
	struct rec_glyph *add = NULL;
	size_t n_add = 0, cap_add = 0;
	assert_true(ocr_swap_in(&p, w, 2, got, &add, &n_add, &cap_add));
	assert_true(ocr_settle(&p, &cap, add, n_add));
	assert_int_equal(p.n_glyphs, 5 + 18);	/* "12 34" and the new reading */
	assert_int_equal(p.glyphs[0].cp, '1');
	assert_int_equal(p.glyphs[5].cp, '9');
	free(add);
	free(got);
	free(p.glyphs);
}

/* A line read 1.6 times the page's line height across two ruling lines (a
 * header row of one-line and two-line cells read as one) is found, cut into
 * its three cells; a line twice as tall that no rule crosses is two lines
 * touching, one cell. A line 1.4 times as tall that no rule crosses (a
 * title), a line of the usual height the rules cross, and a tall one of too
 * few glyphs are not found. What is the line's is what lies in its box; its
 * confidence is that of its glyphs not dropped; dropped glyphs go, the
 * others are kept in order. */
static void test_tall_lines(void **state)
{
	(void)state;
	struct rec_page p = {0};
	p.glyphs = calloc(128, sizeof *p.glyphs);
	assert_non_null(p.glyphs);
	for (int i = 0; i < 4; i++)
		line_of(&p, "12345678", 20, 100 + 20 * (float)i, 1, 0.9f);	/* usual lines, 10 high */
	size_t tall_a = p.n_glyphs;
	line_of(&p, "ABCDEFGHIJKL", 100, 200, 1, 0.8f);	/* x 100..160 */
	size_t tall_b = p.n_glyphs;
	line_of(&p, "TITLEXYZ", 300, 300, 1, 0.9f);	/* no rule across */
	size_t title_b = p.n_glyphs;
	line_of(&p, "AB", 100, 400, 1, 0.9f);	/* too few glyphs */
	size_t few_b = p.n_glyphs;
	line_of(&p, "MNOPQRST", 100, 500, 1, 0.9f);	/* crossed by the rules, usual height */
	size_t touch_a = p.n_glyphs;
	line_of(&p, "UVWXYZUV", 300, 600, 1, 0.9f);	/* two lines touching */
	for (size_t i = tall_a; i < few_b; i++)
		p.glyphs[i].y1 = p.glyphs[i].y0 + (i >= tall_b && i < title_b ? 14 : 16);
	for (size_t i = touch_a; i < p.n_glyphs; i++)
		p.glyphs[i].y1 = p.glyphs[i].y0 + 20;
	struct rec_rule rules[] = {
		{120, 150, 121, 550}, {140, 150, 141, 550},	/* vertical, across rows 200 and 500 */
		{100, 199, 160, 200},	/* horizontal */
		{141, 195, 142, 220},	/* a doubled rule, too close to its neighbour to make a cell */
	};
	p.rules = rules;
	p.n_rules = sizeof rules / sizeof *rules;
	struct ocr_tall_line t[4];
	assert_int_equal(ocr_tall_lines(&p, t, 4), 2);
	assert_int_equal(t[0].a, tall_a);
	assert_int_equal(t[0].b, tall_b);
	assert_false(t[0].touching);
	assert_int_equal(t[0].n_cells, 3);
	assert_float_equal(t[0].edges[1], 120.5f, 0.01f);
	assert_float_equal(t[0].edges[2], 140.5f, 0.01f);
	assert_true(t[0].edges[0] < 100.0f && t[0].edges[3] > 160.0f);
	assert_float_equal(t[0].y0, 200.0f, 0.01f);
	assert_float_equal(t[0].y1, 216.0f, 0.01f);
	assert_true(t[1].touching);
	assert_int_equal(t[1].a, touch_a);
	assert_int_equal(t[1].n_cells, 1);
	assert_true(t[1].edges[0] < 300.0f && t[1].edges[1] > 340.0f);

	struct rec_glyph above = {.cp = 'x', .x0 = 110, .x1 = 115, .y0 = 190, .y1 = 203};	/* middle above the box */
	assert_true(ocr_cell_owns(&t[0], 0, &p.glyphs[tall_a]));	/* A, x 100..105 */
	assert_false(ocr_cell_owns(&t[0], 1, &p.glyphs[tall_a]));
	assert_true(ocr_cell_owns(&t[0], 1, &p.glyphs[tall_a + 4]));	/* E, x 120..125 */
	assert_false(ocr_cell_owns(&t[0], 0, &above));
	assert_false(ocr_cell_owns(&t[0], 0, &p.glyphs[few_b]));	/* the usual line at 500 */
	size_t n;
	assert_float_equal(ocr_cell_conf(&t[0], 0, p.glyphs, 0, p.n_glyphs, NULL, &n), 0.8f, 0.001f);
	assert_int_equal(n, 4);
	bool *drop = calloc(p.n_glyphs, sizeof *drop);
	assert_non_null(drop);
	drop[tall_a] = true;
	p.glyphs[tall_a].conf = 0.0f;	/* dropped: not counted */
	assert_float_equal(ocr_cell_conf(&t[0], 0, p.glyphs, 0, p.n_glyphs, drop, &n), 0.8f, 0.001f);
	assert_int_equal(n, 3);
	/* a doubtful cell is read again; a surer reading replaces it unless it lost glyphs */
	assert_true(ocr_cell_doubtful(0.8f, 4));
	assert_false(ocr_cell_doubtful(0.95f, 4));
	assert_false(ocr_cell_doubtful(0.0f, 0));
	struct rec_glyph got[4];
	for (int i = 0; i < 4; i++)
		got[i] = (struct rec_glyph){.cp = 'a', .x0 = 100 + 4 * (float)i, .x1 = 103 + 4 * (float)i, .y0 = 202, .y1 = 211,
			.conf = 0.9f};
	assert_true(ocr_cell_better(&t[0], 0, 0.8f, 4, got, 0, 3));
	assert_false(ocr_cell_better(&t[0], 0, 0.8f, 4, got, 0, 2));	/* 鲜苹果 read 人 */
	assert_false(ocr_cell_better(&t[0], 0, 0.95f, 4, got, 0, 4));
	assert_false(ocr_cell_better(&t[0], 1, 0.8f, 4, got, 0, 4));	/* not in that cell */
	got[1].y1 = 215;	/* a line as tall as the first reading's: joined again */
	assert_false(ocr_cell_better(&t[0], 0, 0.8f, 4, got, 0, 4));
	size_t before = p.n_glyphs;
	for (size_t i = tall_a; i < tall_b; i++)
		drop[i] = true;
	ocr_glyphs_drop(&p, drop);
	assert_int_equal(p.n_glyphs, before - (tall_b - tall_a));
	assert_int_equal(p.glyphs[tall_a].cp, 'T');
	free(drop);
	free(p.glyphs);
}

/* A reading of UTF-8 text, spaces as glyphs. */
static void reading_utf8(struct ocr_reread *r, const char *text, float conf)
{
	r->n = 0;
	for (const char *c = text; *c && r->n < OCR_REREAD_MAX_CHARS; r->n++) {
		uint32_t cp;
		c += utf8_get(c, &cp);
		r->g[r->n] = (struct rec_glyph){.cp = cp, .x0 = 5.0f * (float)r->n, .x1 = 5.0f * (float)r->n + 5, .conf = conf};
	}
}

/* A foreign firm's name read as Latin look-alikes is read again (a quote,
 * Latin letters, words a space apart are one name); a reading with letters
 * only Cyrillic has replaces it, one of look-alikes only or unsure does not. */
static void test_name_reread(void **state)
{
	(void)state;
	struct rec_page p = {0};
	p.glyphs = calloc(64, sizeof *p.glyphs);
	assert_non_null(p.glyphs);
	line_of(&p, "OcOO \"6WUKEK TPEJA\"", 20, 100, 3, 0.5f);
	line_of(&p, "12345 67890", 20, 200, 3, 0.9f);
	struct ocr_word_run w[16];
	size_t n = ocr_words(&p, w, 16);
	assert_int_equal(n, 5);
	assert_int_equal(ocr_name_run(&p, w, n, 0), 3);
	struct rec_glyph buf[64];
	struct ocr_word_run box;
	size_t ng = ocr_run_glyphs(&p, w, 3, buf, 64, &box);
	assert_true(ocr_name_worthy(buf, ng));
	assert_int_equal(ocr_name_run(&p, w, n, 3), 0);	/* no letter, no quote */
	ng = ocr_run_glyphs(&p, w + 3, 2, buf, 64, &box);
	assert_false(ocr_name_worthy(buf, ng));
	struct ocr_reread *got = malloc(sizeof *got);
	assert_non_null(got);
	reading_utf8(got, "ОсОО \"БИШКЕК ТРЕЙД\"", 0.8f);
	assert_true(ocr_name_cyrillic(got));
	reading_utf8(got, "ТОО \"АЛМАТЫ СНАБ\"", 0.8f);
	assert_true(ocr_name_cyrillic(got));
	reading_utf8(got, ": OcOO \"БИШКЕК ТРЕЙД\"", 0.8f);	/* its form read by the English model */
	assert_true(ocr_name_cyrillic(got));
	reading_utf8(got, "ТОО \"КАРАСАНОА МОТОРС\"", 0.8f);	/* a Latin name: look-alikes only */
	assert_false(ocr_name_cyrillic(got));
	reading_utf8(got, "ОсОО \"БИШКЕК ТРЕЙД\"", 0.3f);
	assert_false(ocr_name_cyrillic(got));
	reading_utf8(got, "ОсОО \"Б1Ш2Е3 456\"", 0.8f);	/* more digits than letters allow */
	assert_false(ocr_name_cyrillic(got));
	free(got);
	free(p.glyphs);
}

#ifdef KOUAN_OCR
/* Deadlines are on the recognizer's clock, the thread's CPU time. */
static int64_t now_ms(void)
{
	return rec_now_ms();
}

static void test_ocr_refuses(void **state)
{
	struct rec_page page;
	uint8_t px[64 * 64];
	memset(px, 255, sizeof px);
	struct rec_raster img = {.pixels = px, .width = 64, .height = 64, .stride = 64, .dpi = 200};
	/* a blank page has nothing to read */
	assert_int_equal(rec_ocr_page(&img, now_ms() + 10000, &page), K_NO_TEXT);
	assert_null(page.glyphs);
	/* a deadline already past */
	assert_int_equal(rec_ocr_page(&img, now_ms() - 1, &page), K_RESOURCE_LIMIT);
	/* hundreds of megapixels are refused before any work (pixels never read) */
	struct rec_raster huge = {.pixels = px, .width = 30000, .height = 30000, .stride = 30000, .dpi = 300};
	assert_int_equal(rec_ocr_page(&huge, now_ms() + 10000, &page), K_RESOURCE_LIMIT);
	/* nonsense geometry */
	struct rec_raster bad = {.pixels = px, .width = 64, .height = 64, .stride = 10, .dpi = 200};
	assert_int_equal(rec_ocr_page(&bad, now_ms() + 10000, &page), K_NO_TEXT);
}

/* The 8-bit image of tests/fixtures/ocr/NAME. */
static PIX *fixture_grey(const char *name)
{
	const char *src = getenv("KOUAN_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/ocr/%s", src ? src : ".", name);
	PIX *pix = pixRead(path);
	assert_non_null(pix);
	PIX *grey = pixConvertTo8(pix, 0);
	pixDestroy(&pix);
	assert_non_null(grey);
	return grey;
}

/* An 8-bit image's pixels, rows packed (the caller frees); its size in *w, *h. */
static uint8_t *pix_bytes(PIX *grey, int *w, int *h)
{
	*w = pixGetWidth(grey);
	*h = pixGetHeight(grey);
	uint8_t *buf = malloc((size_t)*w * (size_t)*h);
	assert_non_null(buf);
	for (int y = 0; y < *h; y++)
		for (int x = 0; x < *w; x++)
			buf[(size_t)y * (size_t)*w + (size_t)x] = (uint8_t)GET_DATA_BYTE(pixGetData(grey) + (size_t)y * pixGetWpl(grey), x);
	return buf;
}

/* A strip of a scanned declaration page (decl_033 at 200 dpi): text comes
 * back in reading order, in points, with confidences; the cell borders
 * become rules, not text. */
static void test_ocr_page(void **state)
{
	PIX *grey = fixture_grey("number_row.png");
	int w, h;
	uint8_t *buf = pix_bytes(grey, &w, &h);
	pixDestroy(&grey);
	struct rec_raster img = {.pixels = buf, .width = w, .height = h, .stride = w, .dpi = 200};
	struct rec_page page;
	assert_int_equal(rec_ocr_page(&img, now_ms() + 15000, &page), K_OK);
	free(buf);
	assert_true(page.n_glyphs > 20);
	assert_true(page.n_rules >= 2);
	char text[1024];
	size_t n = 0;
	for (size_t i = 0; i < page.n_glyphs && n + 1 < sizeof text; i++) {
		const struct rec_glyph *g = &page.glyphs[i];
		assert_true(g->x0 >= 0 && g->x1 <= page.width + 1 && g->y0 >= 0 && g->y1 <= page.height + 1);
		assert_true(g->conf >= 0.0f && g->conf <= 1.0f);
		if (g->cp < 128 && g->cp > ' ')
			text[n++] = (char)g->cp;
	}
	text[n] = 0;
	/* the 海关编号 is read whole, its digits in order left to right */
	const char *at = strstr(text, "9402");
	assert_non_null(at);
	char no[19];
	float conf;
	assert_int_not_equal(ocr_fix_declno(at, 18, NULL, no, &conf), OCR_FIX_FAILED);
	assert_string_equal(no, "940220260002940551");
	free(page.glyphs);
	free(page.rules);
}

/* The same strip on an otherwise white A4 page (a continuation page, the
 * footer alone): Tesseract reads only the text's part of the page, and the
 * glyphs still come back where the strip lies on the page. */
static void test_ocr_near_empty_page(void **state)
{
	enum { PAGE_W = 1654, PAGE_H = 2339, AT_X = 300, AT_Y = 900 };	/* A4 at 200 dpi; the strip's place */
	PIX *strip = fixture_grey("number_row.png");
	PIX *page = pixCreate(PAGE_W, PAGE_H, 8);
	assert_non_null(page);
	memset(pixGetData(page), 0xFF, (size_t)pixGetWpl(page) * PAGE_H * sizeof(l_uint32));
	pixRasterop(page, AT_X, AT_Y, pixGetWidth(strip), pixGetHeight(strip), PIX_SRC, strip, 0, 0);
	pixDestroy(&strip);
	int w, h;
	uint8_t *buf = pix_bytes(page, &w, &h);
	pixDestroy(&page);
	struct rec_raster img = {.pixels = buf, .width = w, .height = h, .stride = w, .dpi = 200};
	struct rec_page got;
	assert_int_equal(rec_ocr_page(&img, now_ms() + 15000, &got), K_OK);
	free(buf);
	char text[1024];
	size_t n = 0, first = 0;
	for (size_t i = 0; i < got.n_glyphs && n + 1 < sizeof text; i++)
		if (got.glyphs[i].cp < 128 && got.glyphs[i].cp > ' ') {
			first = n == 0 ? i : first;
			text[n++] = (char)got.glyphs[i].cp;
		}
	text[n] = 0;
	assert_non_null(strstr(text, "940220260002940551"));
	const float pt = 72.0f / 200.0f;
	assert_true(got.glyphs[first].x0 >= AT_X * pt && got.glyphs[first].y0 >= (AT_Y - 20) * pt);
	assert_true(got.glyphs[first].y1 <= (AT_Y + 200) * pt);
	free(got.glyphs);
	free(got.rules);
}

static void glyphs_of(struct rec_glyph *g, const char *s)
{
	for (size_t i = 0; s[i]; i++)
		g[i] = (struct rec_glyph){.cp = (unsigned char)s[i], .conf = 0.5f};
}

/* A printed declaration number a bar code confirms: up to three digits
 * corrected; other numbers, far ones, and runs of another length untouched. */
static void test_fix_by_codes(void **state)
{
	const char codes[2][OCR_CODE_LEN + 1] = {"940220260002518834", "940220240001292552"};
	struct rec_glyph g[128];
	const char *line = "No 940220260002518831 pre 940220260002689491 x 94022024000129255 y 940220240001292552";
	size_t n = strlen(line);
	glyphs_of(g, line);
	assert_int_equal(ocr_fix_by_codes(g, n, codes, 2, 0.95f), 1);
	char back[128];
	for (size_t i = 0; i < n; i++)
		back[i] = (char)g[i].cp;
	back[n] = 0;
	assert_string_equal(back, "No 940220260002518834 pre 940220260002689491 x 94022024000129255 y 940220240001292552");
	assert_true(g[3 + 17].conf > 0.9f);	/* the corrected digit */
	assert_true(g[3 + 16].conf < 0.6f);	/* the others keep theirs */
	/* four digits off: not the same number */
	glyphs_of(g, "940220260002511111");
	assert_int_equal(ocr_fix_by_codes(g, 18, codes, 2, 0.95f), 0);
	assert_int_equal(g[17].cp, '1');
	/* no codes, nothing to do */
	glyphs_of(g, "940220260002518831");
	assert_int_equal(ocr_fix_by_codes(g, 18, codes, 0, 0.95f), 0);
	/* near two codes at once: ambiguous, left alone */
	const char twins[2][OCR_CODE_LEN + 1] = {"940220260002518834", "940220260002518835"};
	assert_int_equal(ocr_fix_by_codes(g, 18, twins, 2, 0.95f), 0);
	assert_int_equal(g[17].cp, '1');
}

/* Bar codes are looked for only on a page holding a run of exactly 18 digits:
 * longer or shorter runs, or digits split by a space, are none. */
static void test_has_code_run(void **state)
{
	struct rec_glyph g[128];
	const char *with[] = {"940220260002518831", "No 940220260002518831 pre", "x12 940220260002518831",
		"940220260002518831x1"};
	const char *without[] = {"", "No 94022026000251883 pre", "9402202600025188310", "940220260 002518831",
		"海关编号"};
	for (size_t k = 0; k < sizeof with / sizeof with[0]; k++) {
		glyphs_of(g, with[k]);
		assert_true(ocr_has_code_run(g, strlen(with[k])));
	}
	for (size_t k = 0; k < sizeof without / sizeof without[0]; k++) {
		glyphs_of(g, without[k]);
		assert_false(ocr_has_code_run(g, strlen(without[k])));
	}
}

/* A page whose 18-digit numbers all read as codes already read needs no
 * bar code search; one with another number, or none, does. */
static void test_code_runs_known(void **state)
{
	struct rec_glyph g[128];
	const char codes[2][OCR_CODE_LEN + 1] = {"940220260002518831", "940220260002518832"};
	const char *known[] = {"No 940220260002518831 pre", "940220260002518832 x 940220260002518831"};
	const char *unknown[] = {"", "海关编号", "No 940220260002518833", "940220260002518831 940220260002518839",
		"94022026000251883 1"};
	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
		glyphs_of(g, known[k]);
		assert_true(ocr_code_runs_known(g, strlen(known[k]), codes, 2));
		assert_false(ocr_code_runs_known(g, strlen(known[k]), codes, 0));
	}
	for (size_t k = 0; k < sizeof unknown / sizeof unknown[0]; k++) {
		glyphs_of(g, unknown[k]);
		assert_false(ocr_code_runs_known(g, strlen(unknown[k]), codes, 2));
	}
}

/* A bar code's text is a declaration number when it is 18 digits, alone or
 * between two * (a real print's QR code holds "*021720261000014887*"). */
static void test_code_number(void **state)
{
	char out[OCR_CODE_LEN + 1];
	const char *good[] = {"021720261000014887", "*021720261000014887*"};
	const char *bad[] = {"", "*", "**", "*021720261000014887", "021720261000014887*", "**021720261000014887**",
		"02172026100001488", "0217202610000148870", "*02172026100001488X*"};
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
		assert_true(ocr_code_number(good[k], strlen(good[k]), out));
		assert_string_equal(out, "021720261000014887");
	}
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		assert_false(ocr_code_number(bad[k], strlen(bad[k]), out));
}

/* The QR code of a real print, "*<18 digits>*", read off a page image. */
static void test_read_starred_qr(void **state)
{
	enum { MODULE_PX = 4 };
	uint8_t *png = NULL;
	size_t len = 0;
	assert_int_equal(release_qr_png("*021720261000014887*", MODULE_PX, &png, &len), K_OK);
	char path[] = "/tmp/kouan-test-qr-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, png, len), (ssize_t)len);
	close(fd);
	free(png);
	PIX *pix = pixRead(path), *grey = pix ? pixConvertTo8(pix, 0) : NULL;
	unlink(path);
	assert_non_null(grey);
	int w, h;
	uint8_t *px = pix_bytes(grey, &w, &h);
	char codes[OCR_CODE_MAX][OCR_CODE_LEN + 1];
	assert_int_equal(ocr_read_codes(px, w, h, w, codes, OCR_CODE_MAX), 1);
	assert_string_equal(codes[0], "021720261000014887");
	free(px);
	pixDestroy(&grey);
	pixDestroy(&pix);
}

/* The resolution a page is read at: 200 dpi (a 300 or 600 dpi scan, grey
 * or black-and-white, at 200); low scans enlarged to 300 (grey under 200,
 * black and white at 200) or 250 (black and white under 200); 200 when the
 * scan's is unknown. A page of a
 * grey scan that is nearly all white paper (hardly a grey pixel) is no
 * black-and-white scan: at 200 still. */
static void test_work_dpi(void **state)
{
	enum { SIDE = 70 };
	uint8_t grey[SIDE * SIDE], bw[SIDE * SIDE];
	for (int i = 0; i < SIDE * SIDE; i++) {
		grey[i] = (uint8_t)(40 + (i * 37) % 180);	/* every shade: a grey scan */
		bw[i] = (i * 37) % 180 < 20 ? 0 : 255;	/* ink or paper only */
	}
	const struct { const uint8_t *px; float dpi, scan_dpi; bool one_bit, grey; float want; } cases[] = {
		{grey, 300, 300, false, false, 200}, {grey, 300, 600, false, false, 200}, {grey, 300, 250, false, false, 200},
		{grey, 300, 200, false, false, 200}, {grey, 300, 150, false, false, 300}, {grey, 300, 0, false, false, 200},
		{bw, 300, 300, true, false, 200}, {bw, 300, 600, true, false, 200}, {bw, 300, 250, true, false, 200},
		{bw, 300, 200, true, false, 300}, {bw, 300, 150, true, false, 250}, {bw, 150, 150, true, false, 250},
		{bw, 300, 201, true, false, 200}, {bw, 300, 0, false, false, 200}, {bw, 300, 200, false, true, 200},
		{bw, 300, 200, false, false, 300}, {grey, 10, 300, false, false, 0},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct rec_raster img = {.pixels = cases[k].px, .width = SIDE, .height = SIDE, .stride = SIDE,
			.dpi = cases[k].dpi, .scan_dpi = cases[k].scan_dpi, .scan_bilevel = cases[k].one_bit,
			.scan_grey = cases[k].grey};
		assert_float_equal(rec_ocr_work_dpi(&img), cases[k].want, 0.01);
	}
}

/* The same strip enlarged to 300 dpi: read at its scan resolution (300) and
 * at the default one (scan_dpi 0: 200 dpi), the number comes back whole and
 * the boxes stay in points of the raster. */
static void test_ocr_scan_dpi(void **state)
{
	PIX *grey = fixture_grey("number_row.png");
	PIX *big = pixScaleGrayLI(grey, 1.5f, 1.5f);
	pixDestroy(&grey);
	assert_non_null(big);
	int w, h;
	uint8_t *buf = pix_bytes(big, &w, &h);
	pixDestroy(&big);
	const float scan[] = {300.0f, 0.0f};
	for (size_t k = 0; k < sizeof scan / sizeof scan[0]; k++) {
		struct rec_raster img = {.pixels = buf, .width = w, .height = h, .stride = w, .dpi = 300,
			.scan_dpi = scan[k]};
		struct rec_page page;
		assert_int_equal(rec_ocr_page(&img, now_ms() + 15000, &page), K_OK);
		assert_true(page.width > w * 72.0f / 300.0f - 0.5f && page.width < w * 72.0f / 300.0f + 0.5f);
		char text[1024];
		size_t n = 0;
		for (size_t i = 0; i < page.n_glyphs && n + 1 < sizeof text; i++) {
			const struct rec_glyph *g = &page.glyphs[i];
			assert_true(g->x0 >= 0 && g->x1 <= page.width + 1 && g->y0 >= 0 && g->y1 <= page.height + 1);
			if (g->cp < 128 && g->cp > ' ')
				text[n++] = (char)g->cp;
		}
		text[n] = 0;
		const char *at = strstr(text, "9402");
		assert_non_null(at);
		char no[19];
		float conf;
		assert_int_not_equal(ocr_fix_declno(at, 18, NULL, no, &conf), OCR_FIX_FAILED);
		assert_string_equal(no, "940220260002940551");
		free(page.glyphs);
		free(page.rules);
	}
	free(buf);
}
/* The number strip as a 150 dpi black-and-white scan in a ruled cell whose
 * lines are one pixel wide (a thin rule scanned at 150 dpi): the lines come
 * back as rules, vertical ones too, and the numbers' serial is still read. */
#define BW150_W 1100
#define BW150_H 330
#define BW150_TOP 40	/* the cell's top and bottom rules, pixels */
#define BW150_BOTTOM 260
#define BW150_LOW 292	/* the bottom of a cell one line high under it (0.2 in) */
#define BW150_SIDE_X 300	/* that cell's side */
#define BW150_RULE_TOL_PT 3.0f
#define BW150_LINES_X {10, 500, BW150_W - 10}	/* the vertical lines, pixels */
#define BW150_LINE_GREY 175	/* a thin line rendered at 300 dpi: light grey */
#define BW150_INK 180	/* grey under this is ink: the strip's grey digits stay */

static uint8_t *bw150_page(void)
{
	PIX *grey = fixture_grey("number_row.png");
	PIX *small = pixScaleGrayLI(grey, 0.75f, 0.75f);	/* 200 dpi to 150 */
	pixDestroy(&grey);
	assert_non_null(small);
	uint8_t *buf = malloc((size_t)BW150_W * BW150_H);
	assert_non_null(buf);
	memset(buf, 255, (size_t)BW150_W * BW150_H);
	int w = pixGetWidth(small), h = pixGetHeight(small);
	for (int y = 0; y < h && 80 + y < BW150_H; y++)
		for (int x = 0; x < w && 20 + x < BW150_W; x++) {
			int v = (int)GET_DATA_BYTE(pixGetData(small) + (size_t)y * pixGetWpl(small), x);
			buf[(size_t)(80 + y) * BW150_W + 20 + x] = v < BW150_INK ? 0 : 255;	/* thresholded: 1 bit */
		}
	pixDestroy(&small);
	const int xs[] = BW150_LINES_X;
	for (int x = xs[0]; x <= xs[2]; x++)
		for (int t = 0; t < 2; t++)	/* horizontal lines two pixels thick */
			buf[(size_t)(BW150_TOP + t) * BW150_W + x] = buf[(size_t)(BW150_BOTTOM + t) * BW150_W + x] =
				buf[(size_t)(BW150_LOW + t) * BW150_W + x] = 0;
	for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++)
		for (int y = BW150_TOP; y <= BW150_LOW; y++)
			buf[(size_t)y * BW150_W + xs[k]] = 0;
	for (int y = BW150_BOTTOM; y <= BW150_LOW; y++)
		buf[(size_t)y * BW150_W + BW150_SIDE_X] = 0;
	return buf;
}

static bool has_vertical_rule(const struct rec_page *page, float x_pt, float min_pt)
{
	for (size_t i = 0; i < page->n_rules; i++) {
		const struct rec_rule *r = &page->rules[i];
		if (r->y1 - r->y0 > min_pt && r->x1 - r->x0 < BW150_RULE_TOL_PT &&
			fabsf((r->x0 + r->x1) / 2.0f - x_pt) < BW150_RULE_TOL_PT)
			return true;
	}
	return false;
}

/* The page enlarged 2x and its edges greyed (linear interpolation and a 3x3
 * mean), as rendering a dense page of a 1-bit scan at 300 dpi does: more
 * than one pixel in 20 grey, too many to tell it black and white from its
 * pixels. */
static uint8_t *enlarged(const uint8_t *buf, int w, int h)
{
	PIX *pix = pixCreate(w, h, 8);
	assert_non_null(pix);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			SET_DATA_BYTE(pixGetData(pix) + (size_t)y * pixGetWpl(pix), x, buf[(size_t)y * w + x]);
	PIX *scaled = pixScaleGrayLI(pix, 2.0f, 2.0f);
	pixDestroy(&pix);
	assert_non_null(scaled);
	PIX *big = pixBlockconvGray(scaled, NULL, 1, 1);
	pixDestroy(&scaled);
	assert_non_null(big);
	int bw, bh;
	uint8_t *out = pix_bytes(big, &bw, &bh);
	assert_int_equal(bw, 2 * w);
	assert_int_equal(bh, 2 * h);
	pixDestroy(&big);
	/* the vertical lines rendered thin and light, as a one-pixel line of a
	 * 150 dpi scan comes out */
	const int xs[] = BW150_LINES_X;
	for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++)
		for (int y = 2 * BW150_TOP; y <= 2 * BW150_BOTTOM; y++)
			for (int x = 2 * xs[k] - 1; x <= 2 * xs[k] + 1; x++)
				out[(size_t)y * 2 * w + x] = x == 2 * xs[k] ? BW150_LINE_GREY : 255;
	return out;
}

/* Read as a 150 dpi raster, and rendered at 300 dpi with the scan known to
 * be 1-bit (scan_bilevel): both times the three vertical lines are rules, so
 * is the side of the cell one line high, and the number's serial is read. */
static void test_ocr_bw150_rules(void **state)
{
	uint8_t *buf = bw150_page();
	uint8_t *big = enlarged(buf, BW150_W, BW150_H);
	const struct rec_raster imgs[] = {
		{.pixels = buf, .width = BW150_W, .height = BW150_H, .stride = BW150_W, .dpi = 150, .scan_dpi = 150},
		{.pixels = big, .width = 2 * BW150_W, .height = 2 * BW150_H, .stride = 2 * BW150_W, .dpi = 300,
			.scan_dpi = 150, .scan_bilevel = true},
	};
	for (size_t m = 0; m < sizeof imgs / sizeof imgs[0]; m++) {
		struct rec_page page;
		assert_int_equal(rec_ocr_page(&imgs[m], now_ms() + 15000, &page), K_OK);
		const int xs[] = BW150_LINES_X;
		for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++)
			assert_true(has_vertical_rule(&page, (float)xs[k] * 72.0f / 150.0f, 72.0f * 0.5f));
		/* the one-line cell's side, shorter than a ruling line */
		assert_true(has_vertical_rule(&page, BW150_SIDE_X * 72.0f / 150.0f, 72.0f * 0.15f));
		char text[1024];
		size_t n = 0;
		for (size_t i = 0; i < page.n_glyphs && n + 1 < sizeof text; i++)
			if (page.glyphs[i].cp < 128 && page.glyphs[i].cp > ' ')
				text[n++] = (char)page.glyphs[i].cp;
		text[n] = 0;
		assert_non_null(strstr(text, "0002940551"));	/* its serial (in 1 bit at 150 dpi the year's 6 may read 5) */
		free(page.glyphs);
		free(page.rules);
	}
	free(buf);
	free(big);
}
#endif

#ifdef KOUAN_OCR
/* A pseudo-random grey byte (a linear congruential step of *seed). */
static uint8_t noise_byte(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (uint8_t)((*seed >> 16) & 0xFF);
}

/* A w x h grey page of noise. */
static PIX *noise_pix(int w, int h, unsigned seed)
{
	PIX *grey = pixCreate(w, h, 8);
	assert_non_null(grey);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			SET_DATA_BYTE(pixGetData(grey) + (size_t)y * pixGetWpl(grey), x, noise_byte(&seed));
	return grey;
}

/* A line of made-up glyphs on a 1 bpp image: vertical strokes from row y0
 * to y1 (exclusive) and bars along its top and foot, and a bar through its
 * middle when bar_mid (a title's strokes cross it). */
static void draw_line(PIX *ink, int x0, int x1, int y0, int y1, bool bar_mid)
{
	for (int x = x0; x < x1; x += 5)
		pixRasterop(ink, x, y0, 2, y1 - y0, PIX_SET, NULL, 0, 0);
	pixRasterop(ink, x0, y0 + 2, x1 - x0, 1, PIX_SET, NULL, 0, 0);
	pixRasterop(ink, x0, y1 - 3, x1 - x0, 1, PIX_SET, NULL, 0, 0);
	if (bar_mid)
		pixRasterop(ink, x0, (y0 + y1) / 2, x1 - x0, 2, PIX_SET, NULL, 0, 0);
}

/* Lines printed touching (ocr_neck.h): on a page of 17-pixel lines, a label
 * and a value that meet through a few pixels are parted where they meet; a
 * title twice as tall, its strokes crossing its middle, is left whole; the
 * cut whitens the grey page and clears the ink there. */
static void test_necks(void **state)
{
	enum { W = 1280, H = 900, LINE = 17, TOUCH = 600, TITLE = 700, PAIR_X0 = 128, PAIR_X1 = 640 };
	PIX *ink = pixCreate(W, H, 1);
	assert_non_null(ink);
	for (int y = 40; y + LINE < 560; y += 2 * LINE)
		draw_line(ink, 64, W - 64, y, y + LINE, false);
	draw_line(ink, PAIR_X0, PAIR_X1, TOUCH, TOUCH + LINE - 1, false);	/* the label */
	draw_line(ink, PAIR_X0, PAIR_X1, TOUCH + LINE + 1, TOUCH + 2 * LINE, false);	/* the value */
	for (int x = PAIR_X0; x < PAIR_X1; x += 16)	/* where the two meet */
		pixRasterop(ink, x, TOUCH + LINE - 1, 1, 2, PIX_SET, NULL, 0, 0);
	draw_line(ink, PAIR_X0, PAIR_X1, TITLE, TITLE + 2 * LINE, true);
	struct ocr_neck necks[8];
	size_t n = ocr_necks_find(ink, 200.0f, necks, 8);
	assert_int_equal(n, 1);
	assert_int_equal(necks[0].y0, TOUCH);
	assert_int_equal(necks[0].y1, TOUCH + 2 * LINE);
	assert_in_range(necks[0].cut0, TOUCH + LINE - 1, TOUCH + LINE);
	assert_true(necks[0].cut1 > necks[0].cut0);
	assert_true(necks[0].x0 <= PAIR_X0 && necks[0].x1 >= PAIR_X1);
	/* the same two lines as the box of one line read: parted where they meet; the title is one line */
	struct ocr_neck in_box;
	assert_true(ocr_neck_in_box(ink, PAIR_X0 - 8, TOUCH - 4, PAIR_X1 + 8, TOUCH + 2 * LINE + 4, &in_box));
	assert_in_range(in_box.cut0, TOUCH + LINE - 1, TOUCH + LINE);
	assert_true(in_box.cut1 > in_box.cut0 && in_box.x0 == PAIR_X0 - 8 && in_box.x1 == PAIR_X1 + 8);
	assert_false(ocr_neck_in_box(ink, PAIR_X0 - 8, TITLE - 4, PAIR_X1 + 8, TITLE + 2 * LINE + 4, &in_box));

	PIX *grey = pixCreate(W, H, 8);
	assert_non_null(grey);
	pixRasterop(grey, 0, 0, W, H, PIX_CLR, NULL, 0, 0);	/* black */
	ocr_neck_cut(grey, ink, &necks[0]);
	const l_uint32 *row = pixGetData(grey) + (size_t)necks[0].cut0 * pixGetWpl(grey);
	assert_int_equal(GET_DATA_BYTE(row, PAIR_X0 + 1), 255);
	assert_int_equal(GET_DATA_BYTE(row - pixGetWpl(grey), PAIR_X0 + 1), 0);
	assert_int_equal(ocr_necks_find(ink, 200.0f, necks, 8), 0);	/* parted */
	pixDestroy(&grey);
	pixDestroy(&ink);
	assert_int_equal(ocr_necks_find(NULL, 200.0f, necks, 8), 0);
}

/* ocr_ink makes the same 1-bit image as Leptonica's threshold, on rows that
 * end inside a word and on every grey level near the thresholds used. */
static void test_ink_same_as_leptonica(void **state)
{
	enum { W = 1001, H = 37 };
	PIX *grey = noise_pix(W, H, 13);
	const int levels[] = {1, 2, 128, 129, 150, 160, 200, 255};
	for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
		PIX *want = pixConvertTo1(grey, levels[k]), *got = ocr_ink(grey, levels[k]);
		assert_non_null(want);
		assert_non_null(got);
		assert_int_equal(pixGetWpl(got), pixGetWpl(want));
		assert_memory_equal(pixGetData(got), pixGetData(want), (size_t)pixGetWpl(want) * H * sizeof(l_uint32));
		pixDestroy(&want);
		pixDestroy(&got);
	}
	assert_null(ocr_ink(grey, 0));
	pixDestroy(&grey);
}

/* ocr_grey: the raster's bytes, pixel by pixel, in Leptonica's word order. */
static void test_grey_from_raster(void **state)
{
	enum { STRIDE = 1010, H = 9 };
	uint8_t *px = malloc((size_t)STRIDE * H);
	assert_non_null(px);
	unsigned seed = 5;
	for (size_t i = 0; i < (size_t)STRIDE * H; i++)
		px[i] = noise_byte(&seed);
	const int widths[] = {1, 3, 4, 7, 1001, STRIDE};
	for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
		PIX *got = ocr_grey(px, widths[k], H, STRIDE);
		assert_non_null(got);
		for (int y = 0; y < H; y++)
			for (int x = 0; x < widths[k]; x++)
				assert_int_equal(GET_DATA_BYTE(pixGetData(got) + (size_t)y * pixGetWpl(got), x), px[(size_t)y * STRIDE + x]);
		pixDestroy(&got);
	}
	assert_null(ocr_grey(px, STRIDE + 1, H, STRIDE));
	free(px);
}

/* ocr_mean3 of a raster against Leptonica's 3x3 block mean of its copy. */
static void mean3_check(const uint8_t *px, int w, int h, int stride)
{
	PIX *copy = pixCreate(w, h, 8);
	assert_non_null(copy);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			SET_DATA_BYTE(pixGetData(copy) + (size_t)y * pixGetWpl(copy), x, px[(size_t)y * stride + x]);
	PIX *want = pixBlockconvGray(copy, NULL, 1, 1), *got = ocr_mean3(px, w, h, stride);
	assert_non_null(want);
	assert_non_null(got);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint32_t a = GET_DATA_BYTE(pixGetData(want) + (size_t)y * pixGetWpl(want), x);
			uint32_t b = GET_DATA_BYTE(pixGetData(got) + (size_t)y * pixGetWpl(got), x);
			assert_int_equal(b, a);
		}
	pixDestroy(&want);
	pixDestroy(&got);
	pixDestroy(&copy);
}

static void test_mean3_same_as_leptonica(void **state)
{
	enum { W = 1001, H = 37, STRIDE = 1010 };
	uint8_t *px = malloc((size_t)STRIDE * H);
	assert_non_null(px);
	unsigned seed = 7;
	for (size_t i = 0; i < (size_t)STRIDE * H; i++)
		px[i] = noise_byte(&seed);
	const int sizes[][2] = {{W, H}, {3, 3}, {4, 3}, {3, 5}, {33, 7}, {64, H - 1}};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
		mean3_check(px, sizes[k][0], sizes[k][1], STRIDE);
	/* all white and all black: the border's second scaling must not overflow */
	for (int v = 0; v <= 255; v += 255) {
		memset(px, v, (size_t)STRIDE * H);
		mean3_check(px, W, H, STRIDE);
	}
	/* black and white, as the low-resolution scans it smooths */
	for (size_t i = 0; i < (size_t)STRIDE * H; i++) {
		seed = seed * 1103515245u + 12345u;
		px[i] = (seed >> 20) & 1 ? 255 : 0;
	}
	mean3_check(px, W, H, STRIDE);
	assert_null(ocr_mean3(px, 2, H, STRIDE));
	assert_null(ocr_mean3(px, W, H, W - 1));
	free(px);
}

/* ocr_rotate against Leptonica's area-map rotation: on noise, and on a page
 * of white paper with dark blocks (its white stretches written at once). */
static void rotate_check(PIX *grey)
{
	const float degrees[] = {0.03f, 0.06f, 0.1f, -0.1f, 0.37f, -1.12f, 2.0f, -4.9f, 5.0f, 30.0f, -44.0f};
	for (size_t k = 0; k < sizeof degrees / sizeof degrees[0]; k++) {
		float a = (float)(M_PI / 180.0) * degrees[k];
		PIX *want = pixRotate(grey, a, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0), *got = ocr_rotate(grey, a);
		assert_non_null(want);
		assert_non_null(got);
		assert_int_equal(pixGetWpl(got), pixGetWpl(want));
		assert_int_equal(pixGetHeight(got), pixGetHeight(want));
		assert_memory_equal(pixGetData(got), pixGetData(want), (size_t)pixGetWpl(want) * pixGetHeight(want) * sizeof(l_uint32));
		pixDestroy(&want);
		pixDestroy(&got);
	}
}

static void test_rotate_same_as_leptonica(void **state)
{
	enum { W = 803, H = 611 };
	PIX *grey = noise_pix(W, H, 11);
	rotate_check(grey);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			bool ink = (x / 7 + y / 5) % 9 == 0 || x == 0 || y == H - 1 || (x > 500 && y > 300 && (x + y) % 3 == 0);
			SET_DATA_BYTE(pixGetData(grey) + (size_t)y * pixGetWpl(grey), x, ink ? (x * 7 + y) % 255 : 255);
		}
	rotate_check(grey);
	PIX *ink = pixCreate(W, H, 1);
	assert_null(ocr_rotate(ink, 0.1f));
	pixDestroy(&ink);
	pixDestroy(&grey);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reread_worthy),
		cmocka_unit_test(test_reread_better),
		cmocka_unit_test(test_reread_runs_and_swap),
		cmocka_unit_test(test_tall_lines),
		cmocka_unit_test(test_name_reread),
		cmocka_unit_test(test_vin_exact),
		cmocka_unit_test(test_vin_lookalikes),
		cmocka_unit_test(test_vin_borders),
		cmocka_unit_test(test_vin_read_twice),
		cmocka_unit_test(test_vin_hint),
		cmocka_unit_test(test_vin_unfixable),
		cmocka_unit_test(test_vin_against_consensus),
		cmocka_unit_test(test_vin_maker_code),
		cmocka_unit_test(test_vin_confidence_follows_glyphs),
		cmocka_unit_test(test_uscc),
		cmocka_unit_test(test_declno),
		cmocka_unit_test(test_digits_and_vote),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_closest),
		cmocka_unit_test(test_vin_run_starts),
		cmocka_unit_test(test_label_prefix),
		cmocka_unit_test(test_field_conf),
#ifdef KOUAN_OCR
		cmocka_unit_test(test_ink_same_as_leptonica),
		cmocka_unit_test(test_necks),
		cmocka_unit_test(test_grey_from_raster),
		cmocka_unit_test(test_mean3_same_as_leptonica),
		cmocka_unit_test(test_rotate_same_as_leptonica),
		cmocka_unit_test(test_ocr_refuses),
		cmocka_unit_test(test_ocr_page),
		cmocka_unit_test(test_ocr_near_empty_page),
		cmocka_unit_test(test_work_dpi),
		cmocka_unit_test(test_ocr_scan_dpi),
		cmocka_unit_test(test_ocr_bw150_rules),
		cmocka_unit_test(test_fix_by_codes),
		cmocka_unit_test(test_has_code_run),
		cmocka_unit_test(test_code_runs_known),
		cmocka_unit_test(test_code_number),
		cmocka_unit_test(test_read_starred_qr),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
