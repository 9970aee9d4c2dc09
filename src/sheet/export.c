/* Lists exported to .xlsx (sheet.h sheet_export_xlsx): libxlsxwriter, opened
 * on first use (sheet_lazy.c), writing to a temp file read back whole. */
#include "sheet/sheet_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/log.h"

#define EXPORT_COLUMN_WIDTH 20
#define EXPORT_TEXT_FORMAT 49		/* the built-in "@" number format: text */
#define EXPORT_HEAD_FILL 0xDDEBF7

static void write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, json_t *v, lxw_format *text)
{
	if (json_is_string(v))
		worksheet_write_string(ws, r, c, json_string_value(v), text);
	else if (json_is_number(v))
		worksheet_write_number(ws, r, c, json_number_value(v), NULL);
	else if (json_is_boolean(v))
		worksheet_write_string(ws, r, c, json_is_true(v) ? "true" : "false", text);
}

static enum kerr build_locked(const char *path, const char *sheet_name, const char *const *headers, size_t ncols,
	json_t *rows)
{
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE};
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (wb == NULL)
		return K_INTERNAL;
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet_name);
	lxw_format *text = workbook_add_format(wb), *head = workbook_add_format(wb);
	format_set_num_format_index(text, EXPORT_TEXT_FORMAT);
	format_set_bold(head);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_bg_color(head, EXPORT_HEAD_FILL);
	worksheet_set_column(ws, 0, (lxw_col_t)(ncols ? ncols - 1 : 0), EXPORT_COLUMN_WIDTH, NULL);
	for (size_t c = 0; c < ncols; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], head);
	worksheet_freeze_panes(ws, 1, 0);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if (i >= SHEET_EXPORT_MAX_ROWS)
			break;
		for (size_t c = 0; c < ncols && c < json_array_size(row); c++)
			write_cell(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, json_array_get(row, c), text);
	}
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		log_error("msg=\"cannot write an export\" error=\"%s\"", lxw_strerror(e));
		return K_INTERNAL;
	}
	return K_OK;
}

static enum kerr read_back(const char *path, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	enum kerr e = K_INTERNAL;
	if (f != NULL && fstat(fileno(f), &st) == 0 && st.st_size > 0 && st.st_size <= SHEET_EXPORT_MAX_BYTES) {
		unsigned char *buf = xmalloc((size_t)st.st_size);
		if (fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
			*out = buf;
			*len = (size_t)st.st_size;
			e = K_OK;
		} else {
			free(buf);
		}
	}
	if (f != NULL)
		fclose(f);
	return e;
}

enum kerr sheet_export_xlsx(const char *sheet_name, const char *const *headers, size_t ncols, json_t *rows,
	unsigned char **out, size_t *len)
{
	char path[512];
	*out = NULL;
	*len = 0;
	int fd = sheet_mktemp(NULL, ".xlsx", path, sizeof path);
	if (fd < 0)
		return K_INTERNAL;
	close(fd);
	pthread_mutex_lock(&sheet_writer_lock);
	enum kerr e = build_locked(path, sheet_name, headers, ncols, rows);
	pthread_mutex_unlock(&sheet_writer_lock);
	if (e == K_OK)
		e = read_back(path, out, len);
	unlink(path);
	return e;
}
