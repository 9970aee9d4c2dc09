/* Positioned text (layout.h): freeing it, judging it; no MuPDF. */
#include <stdlib.h>

#include "recognize/layout.h"

void rec_page_free(struct rec_page *page)
{
	if (!page)
		return;
	free(page->glyphs);
	free(page->rules);
	page->glyphs = NULL;
	page->rules = NULL;
	page->n_glyphs = page->n_rules = 0;
}

void rec_doc_free(struct rec_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n_pages; i++)
		rec_page_free(&doc->pages[i]);
	free(doc->pages);
	doc->pages = NULL;
	doc->n_pages = 0;
}

/* Code points a declaration prints rarely but a lost font encoding yields
 * all the time: Latin-1 and Latin Extended letters (with the C1 range),
 * spacing modifiers, Windows-1252's typographic signs and private use. */
static int garbage_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x2FF) || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x2100 && cp <= 0x214F) ||
		(cp >= 0xE000 && cp <= 0xF8FF);
}

int rec_page_text_illegible(const struct rec_page *page)
{
	size_t n = 0, odd = 0;
	for (size_t i = 0; i < page->n_glyphs; i++) {
		uint32_t cp = page->glyphs[i].cp;
		if (cp == ' ')
			continue;
		n++;
		odd += garbage_cp(cp);
	}
	return n >= REC_ILLEGIBLE_MIN_GLYPHS && odd * 10 >= n;
}
