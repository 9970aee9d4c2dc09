/* The VIN import: VIN rules, the three readers, the template, and the fuzz
 * findings kept under fuzz/regress/. */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "cli.h"
#include "sheet/sheet.h"
#include "sheet/sheet_internal.h"

/* ---- helpers ---- */

static enum kerr read_str(const char *s, struct sheet_result *r)
{
	return sheet_read_vins((const unsigned char *)s, strlen(s), NULL, r);
}

struct part {
	const char *name, *text;
};

/* An in-memory zip of the parts (deflated); the caller frees it. */
static unsigned char *make_zip(const struct part *parts, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(za, parts[i].text, strlen(parts[i].text), 0);
		assert_true(zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	zip_stat_t st;
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(zip_source_stat(src, &st), 0);
	unsigned char *buf = malloc(st.size);
	assert_int_equal(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = st.size;
	return buf;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL_NS "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
#define REL_T "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char root_rels[] = "<Relationships " REL_NS "><Relationship Id=\"rId1\" Type=\"" REL_T
	"officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

/* A one-sheet book; sheet XML given as the inside of <sheetData>. */
static enum kerr read_book(const char *sheet_data, const char *sst, struct sheet_result *r)
{
	char sheet[65536], sst_xml[8192];
	snprintf(sheet, sizeof sheet, "<worksheet " NS "><dimension ref=\"A1\"/><sheetData>%s</sheetData>"
		"<mergeCells count=\"0\"/></worksheet>", sheet_data);
	snprintf(sst_xml, sizeof sst_xml, "<sst " NS ">%s</sst>", sst ? sst : "");
	const struct part parts[] = {
		{"[Content_Types].xml", "<Types/>"},
		{"_rels/.rels", root_rels},
		{"xl/workbook.xml", "<workbook " NS "><sheets><sheet name=\"A\" sheetId=\"1\" r:id=\"rId2\"/></sheets></workbook>"},
		{"xl/_rels/workbook.xml.rels", "<Relationships " REL_NS ">"
			"<Relationship Id=\"rId1\" Type=\"" REL_T "styles\" Target=\"styles.xml\"/>"
			"<Relationship Id=\"rId2\" Type=\"" REL_T "worksheet\" Target=\"worksheets/data.xml\"/>"
			"<Relationship Id=\"rId3\" Type=\"" REL_T "sharedStrings\" Target=\"strings.xml\"/></Relationships>"},
		{"xl/worksheets/data.xml", sheet},
		{"xl/worksheets/sheet1.xml", "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
			"<is><t>VIN</t></is></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>WRONG SHEET</t></is></c></row>"
			"</sheetData></worksheet>"},
		{"xl/strings.xml", sst_xml},
	};
	size_t len;
	unsigned char *zip = make_zip(parts, sizeof parts / sizeof parts[0], &len);
	enum kerr e = sheet_read_vins(zip, len, NULL, r);
	free(zip);
	return e;
}

static void assert_rejected(const struct sheet_result *r, size_t i, uint32_t row, const char *value,
	enum sheet_reason why)
{
	assert_true(i < r->n_rejected);
	assert_int_equal(r->rejected[i].row, row);
	assert_string_equal(r->rejected[i].value, value);
	assert_int_equal(r->rejected[i].reason, why);
}

/* ---- VIN rules ---- */

static void test_check_digit(void **state)
{
	assert_int_equal(sheet_vin_check_char("L6T7944ZXMN074332"), 'X');
	assert_int_equal(sheet_vin_check_char("LVBV2PE16SN258042"), '6');
	assert_int_equal(sheet_vin_check_char("11111111111111111"), '1');
	assert_int_equal(sheet_vin_check_char("1M8GDM9AXKP042788"), 'X');
	assert_int_equal(sheet_vin_check_char("LVBV2PE1OSN258042"), 0);
}

static void test_classify(void **state)
{
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN258042", 17), SHEET_VIN_OK);
	assert_int_equal(sheet_vin_classify("L6T7944ZXMN074332", 17), SHEET_VIN_OK);
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN25804", 16), SHEET_INVALID_LENGTH);
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN2580422", 18), SHEET_INVALID_LENGTH);
	/* length is checked before characters */
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN25804O2", 18), SHEET_INVALID_LENGTH);
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN2580I2", 17), SHEET_INVALID_CHARACTERS);
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN2580O2", 17), SHEET_INVALID_CHARACTERS);
	assert_int_equal(sheet_vin_classify("QVBV2PE16SN258042", 17), SHEET_INVALID_CHARACTERS);
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN25804-", 17), SHEET_INVALID_CHARACTERS);
	assert_int_equal(sheet_vin_classify("LVBV2PE16SN25804\xc3\x84", 17), SHEET_INVALID_CHARACTERS);
	/* characters are checked before the check digit */
	assert_int_equal(sheet_vin_classify("LVBV2PE17SN2580I2", 17), SHEET_INVALID_CHARACTERS);
	assert_int_equal(sheet_vin_classify("LVBV2PE17SN258042", 17), SHEET_INVALID_CHECK_DIGIT);
	assert_int_equal(sheet_vin_classify("LVBV2PEX6SN258042", 17), SHEET_INVALID_CHECK_DIGIT);
}

static void test_normalize(void **state)
{
	char out[128];
	assert_int_equal(sheet_vin_normalize("lvbv2pe16sn258042", 17, out, sizeof out), 17);
	assert_string_equal(out, "LVBV2PE16SN258042");
	/* full width, ideographic space, no-break space, tab, zero-width space inside */
	const char *fw = "\xef\xbc\xac\xef\xbc\xb6\xef\xbc\xa2\xef\xbc\xb6\xe3\x80\x80" "2pe1\xc2\xa0" "6s\tn2\xe2\x80\x8b" "58042 ";
	assert_int_equal(sheet_vin_normalize(fw, strlen(fw), out, sizeof out), 17);
	assert_string_equal(out, "LVBV2PE16SN258042");
	assert_int_equal(sheet_vin_normalize(" \t\r\n\xe3\x80\x80", 7, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(sheet_vin_normalize("", 0, out, sizeof out), 0);
	assert_int_equal(sheet_vin_normalize("ab\xff", 3, out, sizeof out), -1);
	/* a long value is counted whole even when out is small */
	char small[8];
	assert_int_equal(sheet_vin_normalize("LVBV2PE16SN258042", 17, small, sizeof small), 17);
	assert_string_equal(small, "LVBV2PE");
	/* U+00B4 is a space and U+0301 under NFKC: once the space is gone the mark
	 * composes with the E before it, in the same call (normalising twice
	 * gives what once gave: fuzz_codes) */
	char again[128];
	assert_int_equal(sheet_vin_normalize("XD1E\xc2\xb4", 6, out, sizeof out), 4);
	assert_string_equal(out, "XD1\xc3\x89");
	assert_int_equal(sheet_vin_normalize(out, strlen(out), again, sizeof again), 4);
	assert_string_equal(again, out);
}

static void test_header(void **state)
{
	assert_true(sheet_is_vin_header("VIN", 3));
	assert_true(sheet_is_vin_header(" vin ", 5));
	assert_true(sheet_is_vin_header("Vin\xe7\xa0\x81", 6));			/* Vin码 */
	assert_true(sheet_is_vin_header("\xe8\xbd\xa6\xe6\x9e\xb6\xe5\x8f\xb7", 9));	/* 车架号 */
	const char *id = "\xe3\x80\x80\xe8\xbd\xa6\xe8\xbe\x86\xe8\xaf\x86\xe5\x88\xab\xe4\xbb\xa3\xe5\x8f\xb7\n";
	assert_true(sheet_is_vin_header(id, strlen(id)));				/* 车辆识别代号 */
	assert_true(sheet_is_vin_header("\xef\xbc\xb6\xef\xbc\xa9\xef\xbc\xae", 9));	/* ＶＩＮ */
	assert_true(sheet_is_vin_header("\xe8\xbd\xa6\xe6\x9e\xb6\xe5\x8f\xb7\xef\xbc\x88VIN\xef\xbc\x89", 15));	/* 车架号（VIN） */
	assert_true(sheet_is_vin_header("VIN / \xe8\xbd\xa6\xe6\x9e\xb6\xe5\x8f\xb7", 15));	/* VIN / 车架号 */
	assert_false(sheet_is_vin_header("(VIN)", 5));
	assert_false(sheet_is_vin_header("VIN(17\xe4\xbd\x8d)", 8));	/* VIN(17位) */
	assert_false(sheet_is_vin_header("\xe5\x87\xba\xe5\x8f\xa3\xe8\xbd\xa6\xe6\x9e\xb6\xe5\x8f\xb7", 12));	/* 出口车架号 */
	assert_false(sheet_is_vin_header("V IN", 4));
	assert_false(sheet_is_vin_header("VIN:", 4));
	assert_false(sheet_is_vin_header("VINs", 4));
	assert_false(sheet_is_vin_header("", 0));
	assert_false(sheet_is_vin_header("   ", 3));
	assert_false(sheet_is_vin_header("\xe5\xba\x8f\xe5\x8f\xb7", 6));		/* 序号 */
}

static void test_reason_codes(void **state)
{
	assert_string_equal(sheet_reason_code(SHEET_INVALID_LENGTH), "invalid_length");
	assert_string_equal(sheet_reason_code(SHEET_INVALID_CHARACTERS), "invalid_characters");
	assert_string_equal(sheet_reason_code(SHEET_INVALID_CHECK_DIGIT), "invalid_check_digit");
	assert_string_equal(sheet_reason_code(SHEET_DUPLICATE), "duplicate");
}

static void test_detect(void **state)
{
	assert_int_equal(sheet_detect((const unsigned char *)"PK\3\4xx", 6), SHEET_FORMAT_XLSX);
	assert_int_equal(sheet_detect((const unsigned char *)"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8), SHEET_FORMAT_XLS);
	assert_int_equal(sheet_detect((const unsigned char *)"VIN\n", 4), SHEET_FORMAT_CSV);
	assert_int_equal(sheet_detect(NULL, 0), SHEET_FORMAT_UNKNOWN);
}

static void test_utf8_cut(void **state)
{
	const char *s = "ab\xe8\xbd\xa6";	/* ab车 */
	assert_int_equal(utf8_cut(s, 5, 100), 5);
	assert_int_equal(utf8_cut(s, 5, 4), 2);
	assert_int_equal(utf8_cut(s, 5, 3), 2);
	assert_int_equal(utf8_cut(s, 4, 100), 2);	/* the text itself ends inside 车 */
	assert_int_equal(utf8_cut(s, 5, 2), 2);
	assert_int_equal(utf8_cut(s, 5, 0), 0);
	assert_int_equal(utf8_cut("\xbd\xbd", 2, 2), 2);	/* stray continuation bytes: left as they are */
}

static void test_long_cells(void **state)
{
	struct sheet_result r;
	/* 3,000 Chinese characters (9,000 bytes): kept cut, refused for length */
	size_t n = 3000 * 3;
	char *csv = malloc(n + 64);
	size_t used = (size_t)snprintf(csv, 64, "VIN\n");
	for (size_t i = 0; i < 3000; i++, used += 3)
		memcpy(csv + used, "\xe8\xbd\xa6", 3);
	csv[used++] = '\n';
	assert_int_equal(sheet_read_vins((unsigned char *)csv, used, NULL, &r), K_OK);
	assert_int_equal(r.n_rejected, 1);
	assert_int_equal(r.rejected[0].reason, SHEET_INVALID_LENGTH);
	assert_true(strlen(r.rejected[0].value) <= SHEET_MAX_VALUE_BYTES);
	assert_int_equal(strlen(r.rejected[0].value) % 3, 0);
	sheet_result_free(&r);
	free(csv);
}

/* ---- CSV ---- */

static void test_csv_rules(void **state)
{
	struct sheet_result r;
	const char *csv =
		"\xef\xbb\xbf\xe5\xba\x8f\xe5\x8f\xb7,VIN\r\n"	/* 1: BOM, 序号,VIN */
		"1,LVBV2PE16SN258042\r\n"			/* 2: ok */
		"2, lvbv2pe1x sn258044 \r\n"			/* 3: ok after normalisation */
		"3,\r\n"					/* 4: empty: skipped */
		"4,LVBV2PE16SN258042\r\n"			/* 5: duplicate */
		"5,LVBV2PE16SN25804\r\n"			/* 6: length */
		"6,LVBV2PE1OSN258044\r\n"			/* 7: characters */
		"7,LVBV2PE17SN258042\r\n"			/* 8: check digit */
		"8,\"LVBV2PE13SN\n258046\"\r\n"			/* 9-10: quoted, a line break inside */
		"9,LVBV2PE18SN258060";				/* 11: no final newline */
	assert_int_equal(read_str(csv, &r), K_OK);
	assert_int_equal(r.n_vins, 4);
	assert_string_equal(r.vins[0], "LVBV2PE16SN258042");
	assert_string_equal(r.vins[1], "LVBV2PE1XSN258044");
	assert_string_equal(r.vins[2], "LVBV2PE13SN258046");
	assert_string_equal(r.vins[3], "LVBV2PE18SN258060");
	assert_int_equal(r.n_rejected, 4);
	assert_rejected(&r, 0, 5, "LVBV2PE16SN258042", SHEET_DUPLICATE);
	assert_rejected(&r, 1, 6, "LVBV2PE16SN25804", SHEET_INVALID_LENGTH);
	assert_rejected(&r, 2, 7, "LVBV2PE1OSN258044", SHEET_INVALID_CHARACTERS);
	assert_rejected(&r, 3, 8, "LVBV2PE17SN258042", SHEET_INVALID_CHECK_DIGIT);
	assert_int_equal(r.header_row, 1);
	assert_int_equal(r.vin_column, 2);
	sheet_result_free(&r);
}

static void test_csv_semicolon_quotes_rows(void **state)
{
	struct sheet_result r;
	const char *csv = "sep=;\n\"title; with semicolon\"\n\n"
		"No;\"Vin\xe7\xa0\x81\";note\n"
		"1;\"LVBV2PE1\"\"6SN258042\";\"a\nb\"\n"
		"2;LVBV2PE1XSN258044;x\n";
	assert_int_equal(read_str(csv, &r), K_OK);
	assert_int_equal(r.header_row, 4);
	assert_int_equal(r.n_vins, 1);
	assert_int_equal(r.n_rejected, 1);
	assert_rejected(&r, 0, 5, "LVBV2PE1\"6SN258042", SHEET_INVALID_LENGTH);
	sheet_result_free(&r);

	/* a lone CR ends a line too */
	assert_int_equal(read_str("VIN\rLVBV2PE16SN258042\rbad\r", &r), K_OK);
	assert_int_equal(r.n_vins, 1);
	assert_rejected(&r, 0, 3, "bad", SHEET_INVALID_LENGTH);
	sheet_result_free(&r);
}

static void test_csv_gbk_utf16(void **state)
{
	struct sheet_result r;
	/* GBK: 车架号 = b3 b5 bc dc ba c5, 序号 = d0 f2 ba c5 */
	const char gbk[] = "\xd0\xf2\xba\xc5,\xb3\xb5\xbc\xdc\xba\xc5\r\n1,LVBV2PE16SN258042\r\n2,\xb3\xb5\r\n";
	assert_int_equal(read_str(gbk, &r), K_OK);
	assert_int_equal(r.n_vins, 1);
	assert_rejected(&r, 0, 3, "\xe8\xbd\xa6", SHEET_INVALID_LENGTH);	/* 车, as UTF-8 */
	sheet_result_free(&r);

	const char u16[] = "\xff\xfe" "V\0I\0N\0\t\0x\0\n\0" "L\0V\0B\0V\0" "2\0P\0E\0" "1\0" "6\0S\0N\0" "2\0" "5\0" "8\0" "0\0" "4\0" "2\0\t\0" "1\0\n\0";
	assert_int_equal(sheet_read_vins((const unsigned char *)u16, sizeof u16 - 1, NULL, &r), K_OK);
	assert_int_equal(r.n_vins, 1);
	assert_string_equal(r.vins[0], "LVBV2PE16SN258042");
	sheet_result_free(&r);
}

static void test_csv_header_window(void **state)
{
	struct sheet_result r;
	char *buf = malloc(4096);
	size_t used = 0;
	for (int i = 1; i < SHEET_HEADER_ROWS; i++)
		used += (size_t)snprintf(buf + used, 4096 - used, "line %d,x\n", i);
	snprintf(buf + used, 4096 - used, "VIN\nLVBV2PE16SN258042\n");
	assert_int_equal(read_str(buf, &r), K_OK);	/* header on row 50 */
	assert_int_equal(r.header_row, SHEET_HEADER_ROWS);
	assert_int_equal(r.n_vins, 1);
	sheet_result_free(&r);

	snprintf(buf + used, 4096 - used, "x,y\nVIN\nLVBV2PE16SN258042\n");
	assert_int_equal(read_str(buf, &r), K_NO_VIN_COLUMN);	/* header on row 51 */
	free(buf);
}

static void test_csv_refusals(void **state)
{
	struct sheet_result r;
	assert_int_equal(sheet_read_vins((const unsigned char *)"", 0, NULL, &r), K_EMPTY_FILE);
	assert_int_equal(read_str(" \r\n\t\n", &r), K_EMPTY_FILE);
	assert_int_equal(read_str("\xef\xbb\xbf", &r), K_EMPTY_FILE);
	assert_int_equal(read_str(",,\n;;\n\"\"\t\n", &r), K_EMPTY_FILE);
	assert_int_equal(read_str("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &r), K_NOT_SPREADSHEET);
	assert_int_equal(sheet_read_vins((const unsigned char *)"a\0b", 3, NULL, &r), K_NOT_SPREADSHEET);
	assert_int_equal(read_str("This is a letter, not a table.\nIt says nothing about vehicles.\n"
		"Regards, the sender, in Horgos, today.\n", &r), K_NOT_SPREADSHEET);
	assert_int_equal(read_str("\xe5\xba\x8f\xe5\x8f\xb7,plate\n1,A\n2,B\n", &r), K_NO_VIN_COLUMN);
	/* a list of VINs without the header row: a table, but no VIN column */
	assert_int_equal(read_str("LVBV2PE16SN258042\nLVBV2PE1XSN258044\n", &r), K_NO_VIN_COLUMN);
	assert_int_equal(read_str("\xef\xbb\xbf\xff\xfe", &r), K_NOT_SPREADSHEET);	/* BOM, then not UTF-8 */
}

static void test_csv_too_many_rows(void **state)
{
	struct sheet_result r;
	size_t cap = (SHEET_MAX_DATA_ROWS + 10) * 20, used = 0;
	char *buf = malloc(cap);
	used += (size_t)snprintf(buf, cap, "VIN\n");
	for (int i = 0; i < SHEET_MAX_DATA_ROWS; i++)
		used += (size_t)snprintf(buf + used, cap - used, "LVBV2PE16SN258042\n\n");
	assert_int_equal(sheet_read_vins((unsigned char *)buf, used, NULL, &r), K_OK);	/* 10,000: fine */
	assert_int_equal(r.n_vins, 1);
	assert_int_equal(r.n_rejected, SHEET_MAX_DATA_ROWS - 1);
	sheet_result_free(&r);
	used += (size_t)snprintf(buf + used, cap - used, "x\n");
	assert_int_equal(sheet_read_vins((unsigned char *)buf, used, NULL, &r), K_TOO_MANY_ROWS);
	free(buf);
}

/* ---- XLSX ---- */

static void test_xlsx_cell_kinds(void **state)
{
	struct sheet_result r;
	const char *sst =
		"<si><t>\xe5\xba\x8f\xe5\x8f\xb7</t></si>"			/* 0 序号 */
		"<si><r><t>V</t></r><r><rPr><b/></rPr><t>IN</t></r><rPh sb=\"0\" eb=\"1\"><t>ヴ</t></rPh></si>"	/* 1 VIN */
		"<si><t xml:space=\"preserve\"> lvbv2pe16sn258042 </t></si>"	/* 2 */
		"<si><t>LVBV2PE18SN258060_x000D_\n</t></si>"			/* 3: a pasted CR LF */
		"<si><t>A_x005F_x000D_B_x00</t></si>";				/* 4: an escaped escape */
	const char *data =
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
		"<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c></row>"
		"<row r=\"3\"><c r=\"A3\"><v>2</v></c><c r=\"B3\" t=\"inlineStr\"><is><t>LVBV2PE1XSN258044</t></is></c></row>"
		"<row r=\"5\"><c r=\"B5\" t=\"str\"><f t=\"shared\" si=\"0\" ref=\"B5:B6\">UPPER(D5)</f><v>LVBV2PE13SN258046</v></c></row>"
		"<row r=\"6\"><c r=\"B6\"><v>45321</v></c></row>"			/* a date serial or a number */
		"<row r=\"7\"><c r=\"B7\" t=\"n\"><v>1.2345678901234E+16</v></c></row>"
		"<row r=\"8\"><c r=\"B8\" t=\"b\"><v>1</v></c></row>"
		"<row r=\"9\"><c r=\"B9\" t=\"e\"><v>#N/A</v></c></row>"
		"<row r=\"10\"><c r=\"B10\" t=\"s\"><v>99</v></c></row>"		/* no such string: empty */
		"<row r=\"11\"><c r=\"B11\" t=\"s\"><v>2</v></c></row>"		/* duplicate */
		"<row r=\"12\"><c r=\"B12\" s=\"3\"/></row>"
		"<row r=\"13\"><c r=\"B13\" t=\"s\"><v>3</v></c></row>"
		"<row r=\"14\"><c r=\"B14\" t=\"s\"><v>4</v></c></row>"
		"<row r=\"15\"><c r=\"B15\" t=\"inlineStr\"><is><t>LVBV2PE1_x0033_SN258063</t></is></c></row>";
	assert_int_equal(read_book(data, sst, &r), K_OK);
	assert_int_equal(r.header_row, 1);
	assert_int_equal(r.vin_column, 2);
	assert_int_equal(r.n_vins, 5);
	assert_string_equal(r.vins[0], "LVBV2PE16SN258042");
	assert_string_equal(r.vins[1], "LVBV2PE1XSN258044");
	assert_string_equal(r.vins[2], "LVBV2PE13SN258046");
	assert_string_equal(r.vins[3], "LVBV2PE18SN258060");
	assert_string_equal(r.vins[4], "LVBV2PE13SN258063");
	assert_int_equal(r.n_rejected, 6);
	assert_rejected(&r, 0, 6, "45321", SHEET_INVALID_LENGTH);
	assert_rejected(&r, 1, 7, "12345678901234000", SHEET_INVALID_CHECK_DIGIT);
	assert_rejected(&r, 2, 8, "TRUE", SHEET_INVALID_LENGTH);
	assert_rejected(&r, 3, 9, "#N/A", SHEET_INVALID_LENGTH);
	assert_rejected(&r, 4, 11, " lvbv2pe16sn258042 ", SHEET_DUPLICATE);
	assert_rejected(&r, 5, 14, "A_x000D_B_x00", SHEET_INVALID_LENGTH);
	sheet_result_free(&r);
}

static void test_xlsx_no_refs_and_prefixes(void **state)
{
	struct sheet_result r;
	/* rows and cells without r; a title above; the header in column C */
	const char *data =
		"<row><c t=\"inlineStr\"><is><t>\xe5\x87\xba\xe5\x8f\xa3\xe8\xbd\xa6\xe8\xbe\x86 VIN \xe6\xb8\x85\xe5\x8d\x95</t></is></c></row>"
		"<row><c t=\"inlineStr\"><is><t>No</t></is></c><c/><c t=\"inlineStr\"><is><t>\xe8\xbd\xa6\xe6\x9e\xb6\xe5\x8f\xb7</t></is></c></row>"
		"<row><c><v>1</v></c><c/><c t=\"inlineStr\"><is><t>LVBV2PE16SN258042</t></is></c></row>"
		"<row r=\"7\"><c><v>2</v></c><c r=\"C7\" t=\"inlineStr\"><is><t>LVBV2PE16SN25804</t></is></c></row>"
		"<row><c r=\"B8\"><v>3</v></c><c t=\"inlineStr\"><is><t>LVBV2PE1XSN258044</t></is></c></row>";
	assert_int_equal(read_book(data, NULL, &r), K_OK);
	assert_int_equal(r.header_row, 2);
	assert_int_equal(r.vin_column, 3);
	assert_int_equal(r.n_vins, 2);
	assert_rejected(&r, 0, 7, "LVBV2PE16SN25804", SHEET_INVALID_LENGTH);
	sheet_result_free(&r);
}

static void test_xlsx_prefixed_namespace(void **state)
{
	struct sheet_result r;
	const char *sheet = "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
		"<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>VIN</x:t></x:is></x:c></x:row>"
		"<x:row r=\"2\"><x:c r=\"A2\" t=\"inlineStr\"><x:is><x:t>LVBV2PE16SN258042</x:t></x:is></x:c></x:row>"
		"</x:sheetData></x:worksheet>";
	/* no package rels, no workbook rels: the usual names are used */
	const struct part parts[] = {
		{"xl/workbook.xml", "<workbook/>"},
		{"xl/worksheets/sheet1.xml", sheet},
	};
	size_t len;
	unsigned char *zip = make_zip(parts, 2, &len);
	assert_int_equal(sheet_read_vins(zip, len, NULL, &r), K_OK);
	assert_int_equal(r.n_vins, 1);
	sheet_result_free(&r);
	free(zip);
}

static void test_xlsx_second_sheet(void **state)
{
	struct sheet_result r;
	const char *s1 = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>instructions</t></is></c></row></sheetData></worksheet>";
	const char *s2 = "<worksheet><sheetData><row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>VIN</t></is></c></row>"
		"<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t>LVBV2PE16SN258042</t></is></c></row></sheetData></worksheet>";
	const struct part parts[] = {
		{"_rels/.rels", root_rels},
		{"xl/workbook.xml", "<workbook " NS "><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/>"
			"<sheet name=\"b\" sheetId=\"2\" r:id=\"rId9\"/></sheets></workbook>"},
		{"xl/_rels/workbook.xml.rels", "<Relationships " REL_NS "><Relationship Id=\"rId9\" Type=\"" REL_T
			"worksheet\" Target=\"/xl/worksheets/../worksheets/b.xml\"/><Relationship Id=\"rId1\" Type=\"" REL_T
			"worksheet\" Target=\"./worksheets/a.xml\"/></Relationships>"},
		{"xl/worksheets/a.xml", s1},
		{"xl/worksheets/b.xml", s2},
	};
	size_t len;
	unsigned char *zip = make_zip(parts, sizeof parts / sizeof parts[0], &len);
	assert_int_equal(sheet_read_vins(zip, len, NULL, &r), K_OK);
	assert_int_equal(r.header_row, 3);
	assert_int_equal(r.n_vins, 1);
	sheet_result_free(&r);
	free(zip);
}

static void test_xlsx_refusals(void **state)
{
	struct sheet_result r;
	/* no VIN column; an empty sheet */
	assert_int_equal(read_book("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", NULL, &r), K_NO_VIN_COLUMN);
	assert_int_equal(read_book("", NULL, &r), K_EMPTY_FILE);
	/* header below row 50 */
	assert_int_equal(read_book("<row r=\"2\"><c r=\"A2\"><v>1</v></c></row><row r=\"51\"><c r=\"A51\" t=\"inlineStr\"><is><t>VIN</t></is></c></row>",
		NULL, &r), K_NO_VIN_COLUMN);
	/* broken XML */
	assert_int_equal(read_book("<row><c><v>1</c></row>", NULL, &r), K_NOT_SPREADSHEET);

	/* a zip that is not a workbook */
	const struct part docx[] = {{"word/document.xml", "<document/>"}};
	size_t len;
	unsigned char *zip = make_zip(docx, 1, &len);
	assert_int_equal(sheet_read_vins(zip, len, NULL, &r), K_NOT_SPREADSHEET);
	free(zip);
	/* a truncated zip */
	assert_int_equal(sheet_read_vins((const unsigned char *)"PK\3\4\0\0\0\0", 8, NULL, &r), K_NOT_SPREADSHEET);

	/* a DOCTYPE (entity expansion) is refused */
	const struct part dtd[] = {
		{"xl/workbook.xml", "<workbook/>"},
		{"xl/worksheets/sheet1.xml", "<!DOCTYPE x [<!ENTITY a \"VIN\">]><worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>"},
	};
	zip = make_zip(dtd, 2, &len);
	assert_int_equal(sheet_read_vins(zip, len, NULL, &r), K_NOT_SPREADSHEET);
	free(zip);
}

static void test_xlsx_limits(void **state)
{
	struct sheet_result r;
	size_t len;
	/* too many members */
	struct part *many = calloc(SHEET_MAX_ZIP_ENTRIES + 1, sizeof *many);
	char (*names)[32] = calloc(SHEET_MAX_ZIP_ENTRIES + 1, 32);
	for (int i = 0; i <= SHEET_MAX_ZIP_ENTRIES; i++) {
		snprintf(names[i], 32, "f%d.xml", i);
		many[i] = (struct part){names[i], "<x/>"};
	}
	unsigned char *zip = make_zip(many, SHEET_MAX_ZIP_ENTRIES + 1, &len);
	assert_int_equal(sheet_read_vins(zip, len, NULL, &r), K_RESOURCE_LIMIT);
	free(zip);
	free(many);
	free(names);

	/* nesting deeper than any spreadsheet needs */
	char *deep = malloc(200 * 7 + 64);
	size_t used = 0;
	for (int i = 0; i < 200; i++, used += 3)
		memcpy(deep + used, "<a>", 3);
	for (int i = 0; i < 200; i++, used += 4)
		memcpy(deep + used, "</a>", 4);
	deep[used] = '\0';
	assert_int_equal(read_book(deep, NULL, &r), K_RESOURCE_LIMIT);
	free(deep);

	/* a sheet that inflates past its limit (a few hundred KB deflated) */
	size_t big = SHEET_MAX_SHEET_XML + 1024;
	char *sheet = malloc(big + 1);
	memcpy(sheet, "<worksheet>", 11);
	memset(sheet + 11, ' ', big - 11);
	sheet[big] = '\0';
	const struct part bomb[] = {{"xl/workbook.xml", "<workbook/>"}, {"xl/worksheets/sheet1.xml", sheet}};
	zip = make_zip(bomb, 2, &len);
	assert_true(len < 1024 * 1024);
	assert_int_equal(sheet_read_vins(zip, len, NULL, &r), K_RESOURCE_LIMIT);
	free(zip);
	free(sheet);
}

/* ---- Excel 2003 XML ---- */

#define X3_HEAD "<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" " \
	"xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">"

static void test_xml2003(void **state)
{
	struct sheet_result r;
	const char *x = "\xef\xbb\xbf" X3_HEAD
		"<Worksheet ss:Name=\"a\"><Table><Row><Cell><Data ss:Type=\"String\">note</Data></Cell></Row>"
		"<Row ss:Index=\"60\"><Cell><Data ss:Type=\"String\">VIN</Data></Cell></Row></Table></Worksheet>"
		"<Worksheet ss:Name=\"b\"><Table>"
		"<Row><Cell ss:MergeAcross=\"1\"><Data ss:Type=\"String\">title</Data></Cell>"
		"<Cell><Data ss:Type=\"String\">\xe8\xbd\xa6\xe6\x9e\xb6\xe5\x8f\xb7</Data></Cell></Row>"	/* 车架号 in C1 */
		"<Row><Cell ss:Index=\"3\"><Data ss:Type=\"String\"><B>lvbv2pe16</B> sn258042</Data>"
		"<Comment><Data>a comment</Data></Comment></Cell></Row>"
		"<Row ss:Index=\"5\"><Cell/><Cell/><Cell><Data ss:Type=\"Number\">12345</Data></Cell></Row>"
		"</Table></Worksheet></Workbook>";
	assert_int_equal(read_str(x, &r), K_OK);
	assert_int_equal(r.header_row, 1);
	assert_int_equal(r.vin_column, 3);
	assert_int_equal(r.n_vins, 1);
	assert_string_equal(r.vins[0], "LVBV2PE16SN258042");
	assert_rejected(&r, 0, 5, "12345", SHEET_INVALID_LENGTH);
	sheet_result_free(&r);

	assert_int_equal(read_str(X3_HEAD "<Worksheet><Table><Row><Cell><Data>x</Data></Cell></Row></Table></Worksheet></Workbook>", &r),
		K_NO_VIN_COLUMN);
	assert_int_equal(read_str(X3_HEAD "<Worksheet><Table><Row><Cell><Data>VIN</Data></Cell></Row>", &r), K_NOT_SPREADSHEET);
	char deep[sizeof X3_HEAD + 200 * 3];
	size_t used = (size_t)snprintf(deep, sizeof deep, "%s", X3_HEAD);
	for (int i = 0; i < 200; i++, used += 3)
		memcpy(deep + used, "<a>", 3);
	deep[used] = '\0';
	assert_int_equal(read_str(deep, &r), K_RESOURCE_LIMIT);
	assert_int_equal(read_str("<!DOCTYPE a [<!ENTITY e \"VIN\">]>" X3_HEAD "<Worksheet><Table><Row><Cell><Data>&e;</Data>"
		"</Cell></Row></Table></Worksheet></Workbook>", &r), K_NOT_SPREADSHEET);
}

/* ---- XLS ---- */

static unsigned char *load(const char *rel, size_t *len)
{
	const char *dir = getenv("KOUAN_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	unsigned char *buf = malloc(SHEET_MAX_FILE_BYTES);
	*len = fread(buf, 1, SHEET_MAX_FILE_BYTES, f);
	fclose(f);
	return buf;
}

static void test_xls(void **state)
{
	struct sheet_result r;
	size_t len;
	unsigned char *xls = load("tests/fixtures/vins/vins_legacy.xls", &len);
	assert_non_null(xls);
	assert_int_equal(sheet_read_vins(xls, len, NULL, &r), K_OK);
	assert_int_equal(r.n_vins, 30);
	assert_int_equal(r.n_rejected, 0);
	sheet_result_free(&r);
	/* cut short: FreeXL refuses it */
	assert_int_equal(sheet_read_vins(xls, len / 3, NULL, &r), K_NOT_SPREADSHEET);
	assert_int_equal(sheet_read_vins(xls, 8, NULL, &r), K_NOT_SPREADSHEET);
	/* the file on which FreeXL reads out of bounds: refused, the reader's process died or gave up */
	size_t bad_len;
	unsigned char *bad = load("fuzz/regress/xls/freexl_iconv_overread.xls", &bad_len);
	assert_non_null(bad);
	assert_int_equal(sheet_read_vins(bad, bad_len, NULL, &r), K_NOT_SPREADSHEET);
	free(bad);
	/* an unusable temp directory is an internal error, not the file's fault */
	assert_int_equal(sheet_read_vins(xls, len, "/nonexistent/dir", &r), K_INTERNAL);
	free(xls);
}

/* ---- template ---- */

static void test_template_reads_back_empty(void **state)
{
	unsigned char *x;
	size_t len;
	struct sheet_result r;
	assert_int_equal(sheet_template_bytes(&x, &len), K_OK);
	assert_true(len > 1000);
	assert_int_equal(sheet_detect(x, len), SHEET_FORMAT_XLSX);
	assert_int_equal(sheet_read_vins(x, len, NULL, &r), K_OK);
	assert_int_equal(r.n_vins, 0);
	assert_int_equal(r.n_rejected, 0);
	assert_int_equal(r.header_row, 2);	/* below the note row */
	assert_int_equal(r.vin_column, 2);
	sheet_result_free(&r);
	free(x);
	assert_int_equal(sheet_template_bytes_in("/nonexistent/dir", &x, &len), K_INTERNAL);
}

/* ---- many threads at once, as in the server ---- */

struct job {
	const char *file;
	size_t want_vins;
	int ok;
};

static void *read_many(void *arg)
{
	struct job *j = arg;
	size_t len;
	unsigned char *data = load(j->file, &len);
	j->ok = data != NULL;
	for (int i = 0; i < 20 && j->ok; i++) {
		struct sheet_result r;
		j->ok = sheet_read_vins(data, len, NULL, &r) == K_OK && r.n_vins == j->want_vins;
		sheet_result_free(&r);
		unsigned char *t;
		size_t tlen;
		if (j->ok && i % 5 == 0) {
			j->ok = sheet_template_bytes(&t, &tlen) == K_OK;
			free(t);
		}
	}
	free(data);
	return NULL;
}

static void test_threads(void **state)
{
	struct job jobs[] = {
		{"tests/fixtures/vins/vins_261.xlsx", 261, 0},
		{"tests/fixtures/vins/vins_legacy.xls", 30, 0},
		{"tests/fixtures/vins/vins.csv", 25, 0},
		{"tests/fixtures/vins/vins_template_libreoffice.xlsx", 20, 0},
		{"tests/fixtures/vins/vins_legacy.xls", 30, 0},
		{"fuzz/corpus/csv/semicolon_gbk.csv", 2, 0},
	};
	pthread_t t[sizeof jobs / sizeof jobs[0]];
	for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++)
		assert_int_equal(pthread_create(&t[i], NULL, read_many, &jobs[i]), 0);
	for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
		pthread_join(t[i], NULL);
		assert_true(jobs[i].ok);
	}
}

/* ---- fuzz findings ---- */

static void test_fuzz_regressions(void **state)
{
	static const char *const readers[] = {"xlsx", "xls", "csv", "xml2003"};
	const char *src = getenv("KOUAN_SOURCE_DIR");
	for (size_t k = 0; k < 4; k++) {
		char dir[1024];
		snprintf(dir, sizeof dir, "%s/fuzz/regress/%s", src ? src : ".", readers[k]);
		DIR *d = opendir(dir);
		if (d == NULL)
			continue;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char rel[1024];
			size_t len;
			struct sheet_result r;
			snprintf(rel, sizeof rel, "fuzz/regress/%s/%s", readers[k], e->d_name);
			unsigned char *data = load(rel, &len);
			assert_non_null(data);
			enum kerr err = k == 0 ? sheet_read_xlsx(data, len, &r)
				: k == 1 ? sheet_read_xls(data, len, NULL, &r)
				: k == 2 ? sheet_read_csv(data, len, &r) : sheet_read_xml2003(data, len, &r);
			if (err == K_OK) {
				json_decref(sheet_result_json(&r));
				sheet_result_free(&r);
			}
			free(data);
		}
		closedir(d);
	}
}

int main(int argc, char **argv)
{
	/* sheet_read_xls() runs this program again as its .xls reader */
	if (argc >= 2 && strcmp(argv[1], "xls-reader") == 0)
		return cli_xls_reader(argc - 1, argv + 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_digit),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_reason_codes),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_long_cells),
		cmocka_unit_test(test_csv_rules),
		cmocka_unit_test(test_csv_semicolon_quotes_rows),
		cmocka_unit_test(test_csv_gbk_utf16),
		cmocka_unit_test(test_csv_header_window),
		cmocka_unit_test(test_csv_refusals),
		cmocka_unit_test(test_csv_too_many_rows),
		cmocka_unit_test(test_xlsx_cell_kinds),
		cmocka_unit_test(test_xlsx_no_refs_and_prefixes),
		cmocka_unit_test(test_xlsx_prefixed_namespace),
		cmocka_unit_test(test_xlsx_second_sheet),
		cmocka_unit_test(test_xlsx_refusals),
		cmocka_unit_test(test_xlsx_limits),
		cmocka_unit_test(test_xml2003),
		cmocka_unit_test(test_xls),
		cmocka_unit_test(test_template_reads_back_empty),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_fuzz_regressions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
