/* Excel 2003 XML (SpreadsheetML, urn:schemas-microsoft-com:office:spreadsheet),
 * which older systems export and users save with an .xls name:
 *   <Worksheet><Table><Row ss:Index?><Cell ss:Index? ss:MergeAcross?><Data>
 * Cells and rows without an index follow the previous one. */
#define _GNU_SOURCE	/* memmem */
#include "sheet/sheet_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define XML2003_NS "urn:schemas-microsoft-com:office:spreadsheet"
#define DETECT_BYTES 4096	/* the namespace is declared on the root element */
#define FEED_BYTES (64u << 10)
#define CELL_TEXT_MAX 4096
#define XL_MAX_ROW 1048576u
#define XL_MAX_COL 16384u

int xml2003_detect(const unsigned char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i >= len || data[i] != '<')
		return 0;
	size_t n = len - i < DETECT_BYTES ? len - i : DETECT_BYTES;
	return memmem(data + i, n, XML2003_NS, sizeof XML2003_NS - 1) != NULL;
}

struct x3_ctx {
	struct xml_ctx x;
	struct collector *col;
	int done;		/* a sheet with a VIN column was read */
	int in_table, in_row, in_cell, in_data, comment;
	uint32_t row, col_no, next_col;
	int want, number;
	char text[CELL_TEXT_MAX];
	size_t tlen;
};

/* An ss:Index-style number 1..max; 0 when absent or not one. */
static uint32_t index_attr(const char **atts, const char *name, uint32_t max)
{
	const char *v = xml_attr(atts, name, 0);
	uint64_t n = 0;
	if (v == NULL || *v == '\0')
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		n = n * 10 + (uint64_t)(*v - '0');
		if (n > max)
			return 0;
	}
	return (uint32_t)n;
}

static void x3_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct x3_ctx *c = ud;
	const char *l = xml_local_name(name);
	if (c->in_data) {
		return;		/* rich text inside <Data>: only its characters count */
	} else if (strcmp(l, "Worksheet") == 0) {
		collector_reset(c->col);
		c->row = 0;
	} else if (strcmp(l, "Table") == 0) {
		c->in_table = 1;
	} else if (strcmp(l, "Row") == 0 && c->in_table) {
		uint32_t at = index_attr(atts, "Index", XL_MAX_ROW);
		c->row = at ? at : (c->row < XL_MAX_ROW ? c->row + 1 : c->row);
		c->next_col = 1;
		c->in_row = 1;
	} else if (strcmp(l, "Cell") == 0 && c->in_row) {
		uint32_t at = index_attr(atts, "Index", XL_MAX_COL);
		uint32_t merge = index_attr(atts, "MergeAcross", XL_MAX_COL);
		c->col_no = at ? at : c->next_col;
		c->next_col = c->col_no + merge + 1 <= XL_MAX_COL ? c->col_no + merge + 1 : XL_MAX_COL;
		c->in_cell = 1;
		c->comment = 0;
		c->tlen = 0;
		c->number = 0;
		/* after a refusal of this sheet (no header in time) nothing more is needed of it */
		c->want = c->col->err == K_OK && collector_wants(c->col, c->row, c->col_no);
	} else if (strcmp(l, "Comment") == 0 && c->in_cell) {
		c->comment++;
	} else if (strcmp(l, "Data") == 0 && c->in_cell && c->comment == 0) {
		const char *type = xml_attr(atts, "Type", 0);
		c->number = type != NULL && strcmp(type, "Number") == 0;
		c->in_data = 1;
	}
}

static void x3_end_cell(struct x3_ctx *c)
{
	char num[64];
	const char *text = c->text;
	size_t len = utf8_cut(c->text, c->tlen, sizeof c->text - 1);
	c->in_cell = 0;
	if (!c->want)
		return;
	if (c->number) {
		len = sheet_number_text(c->text, len, num, sizeof num);
		text = num;
	}
	/* No header in time ends this sheet only: the next one is tried. */
	if (collector_cell(c->col, c->row, c->col_no, text, len) && c->col->err == K_TOO_MANY_ROWS)
		xml_stop(&c->x, K_OK);	/* the collector keeps its reason */
}

static void x3_end(void *ud, const XML_Char *name)
{
	struct x3_ctx *c = ud;
	const char *l = xml_local_name(name);
	if (c->in_data) {
		if (strcmp(l, "Data") == 0)
			c->in_data = 0;
		return;
	}
	if (strcmp(l, "Cell") == 0 && c->in_cell) {
		x3_end_cell(c);
	} else if (strcmp(l, "Comment") == 0 && c->comment > 0) {
		c->comment--;
	} else if (strcmp(l, "Row") == 0) {
		c->in_row = 0;
	} else if (strcmp(l, "Table") == 0) {
		c->in_table = 0;
	} else if (strcmp(l, "Worksheet") == 0 && c->col->have_header) {
		c->done = 1;
		xml_stop(&c->x, K_OK);
	}
}

static void x3_text(void *ud, const XML_Char *s, int len)
{
	struct x3_ctx *c = ud;
	if (!c->in_data || !c->want || len <= 0)
		return;
	size_t room = sizeof c->text - c->tlen;
	size_t n = (size_t)len < room ? (size_t)len : room;
	memcpy(c->text + c->tlen, s, n);
	c->tlen += n;
}

enum kerr sheet_read_xml2003(const unsigned char *data, size_t len, struct sheet_result *out)
{
	struct collector col;
	memset(out, 0, sizeof *out);
	if (len > SHEET_MAX_FILE_BYTES)
		return K_RESOURCE_LIMIT;
	collector_init(&col);
	struct x3_ctx *c = xcalloc(1, sizeof *c);
	c->col = &col;
	XML_Parser p = xml_parser_new(&c->x, x3_start, x3_end, x3_text);

	enum kerr err = K_OK;
	for (size_t off = 0; off <= len; off += FEED_BYTES) {
		size_t n = len - off < FEED_BYTES ? len - off : FEED_BYTES;
		int last = off + n == len;
		if (XML_Parse(p, (const char *)data + off, (int)n, last) != XML_STATUS_OK) {
			int stopped = XML_GetErrorCode(p) == XML_ERROR_ABORTED;
			err = c->x.err != K_OK ? c->x.err : stopped ? K_OK : K_NOT_SPREADSHEET;
			break;
		}
		if (last)
			break;
	}
	if (err == K_OK)
		err = collector_finish(&col, out);
	XML_ParserFree(p);
	free(c);
	collector_free(&col);
	return err;
}
