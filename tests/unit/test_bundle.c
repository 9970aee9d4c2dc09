/* Bundles (issue 15): what a page's text says it is, and which pages of a
 * broker's PDF are read. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(titles_and_numbers),
		cmocka_unit_test(what_papers_seem),
		cmocka_unit_test(pages_between_papers),
		cmocka_unit_test(two_declarations_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
