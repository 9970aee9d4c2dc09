/* What the XML readers (.xlsx parts, SpreadsheetML 2003) share. */
#include "sheet/sheet_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* Names are matched on their local part: "x:row" and "row" alike. Expat's
 * namespace processing is not used; it costs a third of the parse time. */
#define NS_SEP ':'

void xml_stop(struct xml_ctx *x, enum kerr err)
{
	if (x->err == K_OK)
		x->err = err;
	XML_StopParser(x->p, XML_FALSE);
}

const char *xml_local_name(const char *name)
{
	const char *bar = strrchr(name, NS_SEP);
	return bar ? bar + 1 : name;
}

/* The value of the attribute with this local name (prefixed or not when
 * want_ns is 0; only prefixed, as r:id, when 1). */
const char *xml_attr(const char **atts, const char *name, int want_ns)
{
	for (int i = 0; atts[i] != NULL; i += 2) {
		if (strncmp(atts[i], "xmlns", 5) == 0)
			continue;	/* a namespace declaration, not an attribute */
		const char *bar = strrchr(atts[i], NS_SEP);
		if (want_ns && bar == NULL)
			continue;
		if (strcmp(bar ? bar + 1 : atts[i], name) == 0)
			return atts[i + 1];
	}
	return NULL;
}

/* A file with a DOCTYPE is not something Excel writes: refuse it before any
 * entity can be declared. */
static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub, int internal)
{
	xml_stop(ud, K_NOT_SPREADSHEET);
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xml_ctx *x = ud;
	if (++x->depth > XML_MAX_DEPTH) {
		xml_stop(x, K_RESOURCE_LIMIT);
		return;
	}
	if (x->start != NULL)
		x->start(ud, name, atts);
}

static void on_end(void *ud, const XML_Char *name)
{
	struct xml_ctx *x = ud;
	if (x->depth > 0)
		x->depth--;
	if (x->end != NULL)
		x->end(ud, name);
}

XML_Parser xml_parser_new(struct xml_ctx *x, XML_StartElementHandler start, XML_EndElementHandler end,
	XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate(NULL);
	if (p == NULL) {
		log_error("msg=\"expat parser allocation failed\"");
		abort();
	}
	x->p = p;
	x->err = K_OK;
	x->depth = 0;
	x->start = start;
	x->end = end;
	XML_SetUserData(p, x);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetElementHandler(p, on_start, on_end);
	if (text != NULL)
		XML_SetCharacterDataHandler(p, text);
	return p;
}

