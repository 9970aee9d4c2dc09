/* Judging a page's text layer (rec_page_text_illegible). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/layout.h"

/* A page whose glyphs are the code points of text, one after another. */
static struct rec_page page_of(const char *text)
{
	struct rec_page p = {.width = 595, .height = 842};
	p.glyphs = calloc(strlen(text) + 1, sizeof *p.glyphs);
	for (const char *s = text; *s;) {
		uint32_t cp;
		s += utf8_get(s, &cp);
		p.glyphs[p.n_glyphs++] = (struct rec_glyph){.cp = cp, .x0 = 10, .y0 = 10, .x1 = 15, .y1 = 20, .conf = 1};
	}
	return p;
}

static int illegible(const char *text)
{
	struct rec_page p = page_of(text);
	int r = rec_page_text_illegible(&p);
	rec_page_free(&p);
	return r;
}

static void readable_pages(void **state)
{
	/* a declaration's own text, Cyrillic and accented names, typographic quotes among them */
	assert_false(illegible("中华人民共和国海关出口货物报关单 预录入编号：940220240002514323 海关编号：940220240003751488 "
			       "境内发货人 (91654004MA7XXXXX) 霍尔果斯某某贸易有限公司 境外收货人 TOO \"ORDA TECHNICS\" "
			       "运输方式 (4) 公路 目的国 哈萨克斯坦 (KAZ) 标记唛码及备注 “无” TOO Қазақстан Şırket"));
	/* too little text to judge: a cover note */
	assert_false(illegible("€•‚ƒ„…†‡ˆ‰Š‹Œ"));
	assert_false(illegible(""));
}

static void lost_encoding(void **state)
{
	/* ghostscript's pdfwrite output of a declaration: CJK became Windows-1252 and Latin-1 signs, digits stayed */
	assert_true(illegible("€•‚ƒ„…†‡ˆ‰Š‹Œ•ˆŽ *940220240003751488* ••‘’“” 940220240002514323 ‡ˆ’“” "
			      "940220240003751488 (•–—˜‡ˆ) ™š/™›:1/1 œ•ž‹‚ (9150011270Q1GCBL16) ‰œˆ¨ (9402) ‰Š©ª «•©ª ¬-“"));
	/* private-use code points from a font with no Unicode map */
	assert_true(illegible("\xee\x80\x80\xee\x80\x81\xee\x80\x82\xee\x80\x83\xee\x80\x84 123456789 "
			      "\xee\x80\x85\xee\x80\x86\xee\x80\x87\xee\x80\x88\xee\x80\x89 ABCDEFGHIJ "
			      "\xee\x80\x8a\xee\x80\x8b\xee\x80\x8c\xee\x80\x8d\xee\x80\x8e 0987654321 KLMNOPQRST"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readable_pages),
		cmocka_unit_test(lost_encoding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
