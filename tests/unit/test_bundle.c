/* Bundles (issue 15): what a page's text says it is, and which pages of a
 * broker's PDF are read; and a recognition's shipper set beside the name the
 * platform's registry holds for its USCC (issue 13). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "recognize/bundle.h"
#include "recognize/internal.h"
#include "recognize/recognize.h"

static struct page_profile profile(const char *text)
{
	struct page_profile p;
	memset(&p, 0, sizeof p);
	profile_from_text(text, &p);
	return p;
}

static void titles_and_numbers(void **state)
{
	struct page_profile p = profile("中华人民共和国海关出口货物报关单\n预录入编号:940220260000123456海关编号:"
					"940220260000123457(霍尔果斯海关)页码/页数:1/2\n");
	assert_int_equal(p.title, 1);
	assert_string_equal(p.declno, "940220260000123457");
	assert_int_equal(p.page_no, 1);
	assert_int_equal(p.page_count, 2);
	p = profile("中华人民共和国海关进口货物报关单\n*021720261000014887*\n第2页/共3页\n");
	assert_int_equal(p.title, -1);
	assert_string_equal(p.declno, "021720261000014887");
	assert_int_equal(p.page_no, 2);
	assert_int_equal(p.page_count, 3);
	p = profile("Page 3 / 4\n海关编号:94022026\n");	/* too short for a number */
	assert_string_equal(p.declno, "");
	assert_int_equal(p.page_no, 3);
	p = profile("第5页/共3页\n");	/* no such page */
	assert_int_equal(p.page_no, 0);
}

/* The kind of paper: the word that comes first on the page (an invoice names
 * its contract further down, a packing list its invoice). */
static void what_papers_seem(void **state)
{
	assert_int_equal(profile("商业发票COMMERCIAL INVOICE\n合同号Contract No.:HG1\n").seems, SEEMS_INVOICE);
	assert_int_equal(profile("装箱单PACKING LIST\n发票号Invoice No.:INV1\n").seems, SEEMS_PACKING_LIST);
	assert_int_equal(profile("销售合同SALES CONTRACT\n付款方式\n发票\n").seems, SEEMS_CONTRACT);
	assert_int_equal(profile("Packing list\n").seems, SEEMS_PACKING_LIST);
	assert_int_equal(profile("运输委托书\n").seems, SEEMS_OTHER);
}

static json_t *recognize(const char *name, enum kerr want)
{
	const char *src = getenv("KOUAN_SOURCE_DIR") ? getenv("KOUAN_SOURCE_DIR") : ".";
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/bundles/%s", src, name);
	json_t *res = NULL;
	assert_int_equal(rec_recognize_file(path, &res), want);
	return res;
}

static const json_t *warning(const json_t *res, const char *code, const char *seem)
{
	const json_t *w;
	size_t i;
	json_array_foreach(json_object_get(res, "warnings"), i, w)
		if (strcmp(json_string_value(json_object_get(w, "code")), code) == 0 &&
		    (!seem || strcmp(json_string_value(json_object_get(w, "seem")), seem) == 0))
			return w;
	return NULL;
}

/* A two-page declaration with a contract before it, an invoice between its
 * pages and a packing list after: pages 2 and 4 read, 1, 3 and 5 skipped, and
 * the sources on pages 2 and 4 of the whole PDF. */
static void pages_between_papers(void **state)
{
	json_t *res = recognize("decl_010_between.pdf", K_OK);
	const json_t *pages = json_object_get(res, "pages");
	assert_int_equal(json_array_size(pages), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(pages, 0), "n")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(pages, 1), "n")), 4);
	static const struct { const char *seem; int page; } skipped[] = {{"contract", 1}, {"invoice", 3}, {"packing_list", 5}};
	for (size_t i = 0; i < 3; i++) {
		const json_t *w = warning(res, "pages_skipped", skipped[i].seem);
		assert_non_null(w);
		assert_true(json_is_null(json_object_get(w, "field")));
		assert_int_equal(json_integer_value(json_array_get(json_object_get(w, "pages"), 0)), skipped[i].page);
	}
	int page = (int)json_integer_value(json_object_get(json_object_get(json_object_get(res, "sources"),
		"declaration_no"), "page"));
	assert_int_equal(page, 2);
	assert_null(warning(res, "page_rotated", NULL));
	json_decref(res);
}

static void two_declarations_refused(void **state)
{
	assert_null(recognize("two_010_005.pdf", K_MULTIPLE_DECLARATIONS));
}

/* Three scanned pages of one declaration, the number on the last misread
 * beyond the digits OCR may miss (94 read as 1, the 2025 as 0235): no
 * second declaration; a number of the right form that far off is one, and so
 * is the misread number on a text page. */
static void misread_number_is_no_second_declaration(void **state)
{
	struct page_profile prof[3] = {
		profile("中华人民共和国海关出口货物报关单\n海关编号:940220250837014517\n第1页/共3页\n"),
		profile("海关编号:940220250837014517\n第2页/共3页\n"),
		profile("海关编号:102202350837011517\n"),
	};
	const unsigned char keep[3] = {1, 1, 1};
	assert_string_equal(prof[2].declno, "102202350837011517");
	assert_false(rec_several_declarations(prof, keep, 3, 1));
	assert_true(rec_several_declarations(prof, keep, 3, 0));
	prof[2] = profile("海关编号:940220240837011512\n");
	assert_true(rec_several_declarations(prof, keep, 3, 1));
}

/* A recognition with its shipper read as name at confidence sure. */
static json_t *shipper_read(const char *name, double sure)
{
	json_t *rec = json_pack("{s:{s:s?,s:s},s:{s:f},s:[]}", "domestic_shipper", "name", name, "uscc",
		"12330782XNG545TDHM", "confidence", "domestic_shipper.name", sure, "warnings");
	assert_non_null(rec);
	return rec;
}

static const char *shipper_name(const json_t *rec)
{
	return json_string_value(json_object_get(json_object_get(rec, "domestic_shipper"), "name"));
}

/* rec warns code about field, with key: value among its members. */
static void assert_warned(const json_t *rec, const char *code, const char *field, const char *key, const char *value)
{
	const json_t *w = warning(rec, code, NULL);
	assert_non_null(w);
	assert_string_equal(json_string_value(json_object_get(w, "field")), field);
	assert_string_equal(json_string_value(json_object_get(w, key)), value);
}

static double shipper_conf(const json_t *rec)
{
	return json_number_value(json_object_get(json_object_get(rec, "confidence"), "domestic_shipper.name"));
}

/* The shipper against the name the registry holds for its USCC: a scan's
 * name a character off (骋 is not among chi_sim's characters) takes the
 * registered one, sure, and says what was read; a name not found is filled;
 * the same name read is made sure; a text layer's name, or one far off, is
 * kept and the difference said; a USCC whose check character fails is no
 * key. */
static void shipper_against_registry(void **state)
{
	const char *registered = "霍尔果斯驰骋商贸有限责任公司";
	json_t *rec = shipper_read("霍尔果斯驰引商贸有限责任公司", 0.6);
	assert_string_equal(rec_shipper_uscc(rec), "12330782XNG545TDHM");
	assert_true(rec_shipper_registered(rec, registered));
	assert_string_equal(shipper_name(rec), registered);
	assert_true(shipper_conf(rec) >= REC_REGISTRY_CONF);
	assert_warned(rec, "shipper_name_registered", "domestic_shipper.name", "printed", "霍尔果斯驰引商贸有限责任公司");
	json_decref(rec);

	rec = shipper_read(NULL, 0.0);
	assert_true(rec_shipper_registered(rec, registered));
	assert_string_equal(shipper_name(rec), registered);
	assert_non_null(warning(rec, "shipper_name_filled", NULL));
	json_decref(rec);

	rec = shipper_read(registered, 0.85);
	assert_true(rec_shipper_registered(rec, registered));
	assert_true(shipper_conf(rec) >= REC_REGISTRY_CONF);
	assert_int_equal(json_array_size(json_object_get(rec, "warnings")), 0);
	assert_false(rec_shipper_registered(rec, registered));	/* nothing left to change */
	json_decref(rec);

	static const struct { const char *name; double sure; } kept[] = {
		{"霍尔果斯驰引商贸有限责任公司", 0.97},	/* printed so in a text layer */
		{"喀什新元汽车贸易有限公司", 0.6},	/* another company */
	};
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		rec = shipper_read(kept[i].name, kept[i].sure);
		assert_true(rec_shipper_registered(rec, registered));
		assert_string_equal(shipper_name(rec), kept[i].name);
		assert_true(fabs(shipper_conf(rec) - kept[i].sure) < 1e-9);
		assert_warned(rec, "shipper_name_differs", "domestic_shipper.name", "registered", registered);
		json_decref(rec);
	}

	rec = shipper_read("霍尔果斯驰引商贸有限责任公司", 0.6);
	json_object_set_new(json_object_get(rec, "domestic_shipper"), "uscc", json_string("12330782XNG545TDHA"));
	assert_null(rec_shipper_uscc(rec));
	json_decref(rec);
}

/* A USCC read a character long (its check failing) finds the registered
 * organisation whose USCC lies near it and whose name lies near the name
 * read; a valid reading, a far name, no name, or two such organisations find
 * none. The USCC found takes the reading's place, sure, and says it. */
static void shipper_near_registry(void **state)
{
	static const char *const usccs[] = {"12330782XNG545TDHM", "9150011270Q1GCBL16", "12330782XNG545TDHA"};
	static const char *const names[] = {"霍尔果斯驰骋商贸有限责任公司", "重庆新元进出口有限公司", "喀什新元汽车贸易有限公司"};
	json_t *rec = shipper_read("霍尔果斯驰引商贸有限责任公司", 0.6);
	assert_int_equal(rec_shipper_match(rec, usccs, names, 3), -1);	/* read valid: looked up as it is */
	json_object_set_new(json_object_get(rec, "domestic_shipper"), "uscc", json_string("12330782XNG545TDHMN"));
	assert_null(rec_shipper_uscc(rec));
	assert_int_equal(rec_shipper_match(rec, usccs, names, 3), 0);
	assert_int_equal(rec_shipper_match(rec, usccs, names, 1), 0);
	static const char *const twins[] = {"霍尔果斯驰骋商贸有限责任公司", "重庆新元进出口有限公司", "霍尔果斯驰骋商贸有限公司"};
	assert_int_equal(rec_shipper_match(rec, usccs, twins, 3), -1);	/* two near (…TDHM, …TDHA): neither */
	static const char *const far[] = {"喀什新元汽车贸易有限公司"};
	assert_int_equal(rec_shipper_match(rec, usccs, far, 1), -1);
	rec_shipper_uscc_registered(rec, usccs[0]);
	assert_string_equal(rec_shipper_uscc(rec), usccs[0]);
	assert_warned(rec, "shipper_uscc_registered", "domestic_shipper.uscc", "printed", "12330782XNG545TDHMN");
	json_decref(rec);
	rec = shipper_read(NULL, 0.0);
	json_object_set_new(json_object_get(rec, "domestic_shipper"), "uscc", json_string("12330782XNG545TDH"));
	assert_int_equal(rec_shipper_match(rec, usccs, names, 3), -1);	/* no name to confirm it */
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(titles_and_numbers),
		cmocka_unit_test(what_papers_seem),
		cmocka_unit_test(pages_between_papers),
		cmocka_unit_test(two_declarations_refused),
		cmocka_unit_test(misread_number_is_no_second_declaration),
		cmocka_unit_test(shipper_against_registry),
		cmocka_unit_test(shipper_near_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
