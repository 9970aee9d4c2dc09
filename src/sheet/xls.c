/* .xls (Excel 97-2003, BIFF8; FreeXL also reads BIFF5 and older). FreeXL
 * opens only files, so the buffer goes to a temp file first, removed again
 * as soon as FreeXL has read it. */
#include "sheet/sheet_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <freexl.h>

#include "core/log.h"

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One cell as text into buf; its length, 0 for an empty cell. */
static size_t cell_text(const FreeXL_CellValue *v, char *buf, size_t cap)
{
	int n = 0;
	switch (v->type) {
	case FREEXL_CELL_INT:
		n = snprintf(buf, cap, "%d", v->value.int_value);
		break;
	case FREEXL_CELL_DOUBLE: {
		double d = v->value.double_value;
		if (isfinite(d) && fabs(d) < 1e17 && d == floor(d))
			n = snprintf(buf, cap, "%.0f", d);
		else
			n = snprintf(buf, cap, "%.15g", d);
		break;
	}
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		if (v->value.text_value != NULL)
			n = snprintf(buf, cap, "%s", v->value.text_value);
		break;
	default:
		break;
	}
	if (n < 0)
		return 0;
	return utf8_cut(buf, (size_t)n < cap ? (size_t)n : cap - 1, cap - 1);
}

/* All worksheets together within SHEET_MAX_XLS_CELLS, or K_RESOURCE_LIMIT:
 * FreeXL allocates rows x columns cells for every sheet when it opens a
 * book, so ask first with the metadata-only open. */
static enum kerr check_dimensions(const char *path)
{
	const void *h;
	unsigned int sheets = 0;
	uint64_t cells = 0;
	enum kerr err = K_OK;
	if (freexl_open_info(path, &h) != FREEXL_OK)
		return K_NOT_SPREADSHEET;
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK)
		err = K_NOT_SPREADSHEET;
	for (unsigned int i = 0; err == K_OK && i < sheets; i++) {
		unsigned int rows;
		unsigned short cols;
		if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
		    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
			continue;
		cells += (uint64_t)rows * cols;
		if (cells > SHEET_MAX_XLS_CELLS)
			err = K_RESOURCE_LIMIT;
	}
	freexl_close(h);
	return err;
}

/* One worksheet into the collector, row by row. */
static void read_sheet(const void *h, struct collector *col)
{
	unsigned int rows;
	unsigned short cols;
	char buf[4096];
	if (freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return;
	for (unsigned int r = 0; r < rows; r++)
		for (unsigned short c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			if (!collector_wants(col, r + 1, (uint32_t)c + 1))
				continue;
			if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK)
				continue;
			size_t n = cell_text(&v, buf, sizeof buf);
			if (n > 0 && collector_cell(col, r + 1, (uint32_t)c + 1, buf, n))
				return;
		}
}

static enum kerr read_book(const void *h, struct sheet_result *out)
{
	unsigned int sheets = 0, password = 0;
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &password) != FREEXL_OK ||
	    password != FREEXL_BIFF_PLAIN ||
	    freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK)
		return K_NOT_SPREADSHEET;	/* encrypted, or unreadable */

	struct collector col;
	enum kerr err = K_EMPTY_FILE;
	collector_init(&col);
	for (unsigned int i = 0; i < sheets && i < SHEET_MAX_SHEETS; i++) {
		if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK)
			continue;
		collector_reset(&col);
		read_sheet(h, &col);
		if (col.have_header || col.err == K_TOO_MANY_ROWS)
			break;
	}
	err = collector_finish(&col, out);
	collector_free(&col);
	return err;
}

enum kerr sheet_read_xls(const unsigned char *data, size_t len, const char *tmpdir, struct sheet_result *out)
{
	char path[512];
	const void *h = NULL;

	memset(out, 0, sizeof *out);
	if (data == NULL || len == 0)
		return K_EMPTY_FILE;
	if (len > SHEET_MAX_FILE_BYTES)
		return K_RESOURCE_LIMIT;
	int fd = sheet_mktemp(tmpdir, ".xls", path, sizeof path);
	if (fd < 0) {
		log_error("msg=\"cannot create a temp file for an .xls\" dir=%s", tmpdir ? tmpdir : "(default)");
		return K_INTERNAL;
	}
	int wrote = write_all(fd, data, len);
	close(fd);
	enum kerr err = K_INTERNAL;
	if (wrote != 0) {
		log_error("msg=\"cannot write a temp file for an .xls\" path=%s", path);
		goto out;
	}
	err = check_dimensions(path);
	if (err != K_OK)
		goto out;
	if (freexl_open(path, &h) != FREEXL_OK) {
		err = K_NOT_SPREADSHEET;
		goto out;
	}
	err = read_book(h, out);
	freexl_close(h);
out:
	unlink(path);
	return err;
}
