/* Inside the sheet library: what the three readers share. Each reader turns
 * its format into cells (row, column, text) in sheet order and hands them to
 * a collector, which finds the header and checks the VINs under it. */
#ifndef KOUAN_SHEET_INTERNAL_H
#define KOUAN_SHEET_INTERNAL_H

#include <expat.h>

#include "sheet/sheet.h"

#define COLLECT_HASH_SLOTS 32768	/* power of two, over twice SHEET_MAX_DATA_ROWS */

struct collector {
	int have_header;
	uint32_t header_row, vin_col;
	int any_content;	/* a non-blank cell was seen (empty_file vs no_vin_column) */
	uint32_t data_rows;	/* non-empty VIN cells under the header */
	enum kerr err;		/* why the collector asked to stop, K_OK while going on */
	struct sheet_result res;
	size_t cap_vins, cap_rejected;
	uint16_t *slots;	/* hash set of accepted VINs: index + 1 into res.vins */
};

void collector_init(struct collector *c);
/* Drops what was collected and starts again (the next sheet of a workbook). */
void collector_reset(struct collector *c);
void collector_free(struct collector *c);

/* Whether the collector needs the text of the cell at (row, col): the
 * readers skip building text nobody looks at. */
static inline int collector_wants(const struct collector *c, uint32_t row, uint32_t col)
{
	return !c->have_header || (row > c->header_row && col == c->vin_col);
}

/* One cell (row and col 1-based; text UTF-8, not NUL-terminated). Returns 0
 * to go on, 1 when the reader should stop (c->err says why: K_NO_VIN_COLUMN
 * when no header came within SHEET_HEADER_ROWS, K_TOO_MANY_ROWS). */
int collector_cell(struct collector *c, uint32_t row, uint32_t col, const char *text, size_t len);

/* Moves the result out when a header was found (K_OK), else says why not. */
enum kerr collector_finish(struct collector *c, struct sheet_result *out);

/* The length of the longest prefix of s[0..len) that is at most max bytes
 * and does not end inside a UTF-8 sequence (s itself may have been cut). */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* A number cell as a person reads it: 1.2345E+16 -> 12345000000000000;
 * anything else as stored. Writes at most cap bytes; returns the length. */
size_t sheet_number_text(const char *s, size_t len, char *out, size_t cap);

/* A temp file under tmpdir (NULL: $TMPDIR or /tmp): the open descriptor,
 * its path written to path. -1 on failure. */
/* Held while libxlsxwriter builds a workbook (template.c, export.c). */
#include <pthread.h>
extern pthread_mutex_t sheet_writer_lock;
int sheet_mktemp(const char *tmpdir, const char *suffix, char *path, size_t cap);

/* ---- XML (xml.c) ---- */

/* What every parse context starts with, so the feeding loop can see whether
 * a handler stopped the parser on purpose and why. */
struct xml_ctx {
	XML_Parser p;
	enum kerr err;	/* set together with XML_StopParser */
	unsigned depth;
	XML_StartElementHandler start;
	XML_EndElementHandler end;
};

#define XML_MAX_DEPTH 128	/* element nesting; spreadsheets need under 12 */

/* A parser (without namespace processing) whose user data is x (the first
 * member of the caller's context), refusing any DOCTYPE and nesting deeper
 * than XML_MAX_DEPTH (K_RESOURCE_LIMIT: expat keeps every open element).
 * start, end and text may be NULL. Aborts when out of memory. */
XML_Parser xml_parser_new(struct xml_ctx *x, XML_StartElementHandler start, XML_EndElementHandler end,
	XML_CharacterDataHandler text);
void xml_stop(struct xml_ctx *x, enum kerr err);
/* "x:row" -> "row" */
const char *xml_local_name(const char *name);
/* The attribute with this local name; want_prefix 1 takes only prefixed ones (r:id). */
const char *xml_attr(const char **atts, const char *name, int want_prefix);

/* ---- SpreadsheetML 2003 (xml2003.c) ---- */

/* Whether the text is an Excel 2003 XML workbook (often saved as .xls). */
int xml2003_detect(const unsigned char *data, size_t len);
enum kerr sheet_read_xml2003(const unsigned char *data, size_t len, struct sheet_result *out);

#endif
