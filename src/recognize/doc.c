/* Freeing positioned text (layout.h): plain heap memory, no MuPDF. */
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
