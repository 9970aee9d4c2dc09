/* The VIN template (车架号导入 -> 模板下载), written with libxlsxwriter:
 * a note row with the rules, the header 序号 | VIN, and column B formatted
 * as text so that Excel and WPS keep 17 characters as typed. */
#include "sheet/sheet_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/log.h"

#define TEMPLATE_MAX_BYTES (1u << 20)	/* the template is a few KB */

static const char note_text[] =
	"填写说明：\n"
	"1. 从第 3 行起，每行填写一辆车的车架号（VIN），一行一个；序号可不填。\n"
	"2. 车架号为 17 位，由数字和大写英文字母组成，不含字母 I、O、Q；第 9 位为校验位。\n"
	"3. 每个文件最多 10000 行；重复的车架号只保留第一次出现的一行。\n"
	"4. 请勿修改第 2 行的表头（序号、VIN），保存为 .xlsx、.xls 或 .csv 后上传。";

/* libxlsxwriter writes the creation date with gmtime(), which is not
 * re-entrant: one workbook (template or export) is built at a time. */
pthread_mutex_t sheet_writer_lock = PTHREAD_MUTEX_INITIALIZER;

static enum kerr build_locked(const char *path, const char *tmpdir)
{
	lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = (char *)tmpdir};
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (wb == NULL)
		return K_INTERNAL;
	lxw_doc_properties props = {.title = "车架号导入模板", .company = "Kouan"};
	workbook_set_properties(wb, &props);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "车架号");

	lxw_format *text = workbook_add_format(wb);
	format_set_num_format_index(text, 49);	/* built-in "@": text */
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_num_format_index(head, 49);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_align(head, LXW_ALIGN_CENTER);
	lxw_format *note = workbook_add_format(wb);
	format_set_text_wrap(note);
	format_set_align(note, LXW_ALIGN_VERTICAL_TOP);
	format_set_font_color(note, 0x7F3F00);

	worksheet_set_column(ws, 0, 0, 8, NULL);
	worksheet_set_column(ws, 1, 1, 28, text);
	worksheet_set_row(ws, 0, 96, NULL);
	worksheet_merge_range(ws, 0, 0, 0, 1, note_text, note);
	worksheet_write_string(ws, 1, 0, "序号", head);
	worksheet_write_string(ws, 1, 1, "VIN", head);
	worksheet_freeze_panes(ws, 2, 0);

	/* A warning (not a stop) when a cell is not 17 characters long. */
	lxw_data_validation dv = {
		.validate = LXW_VALIDATION_TYPE_LENGTH,
		.criteria = LXW_VALIDATION_CRITERIA_EQUAL_TO,
		.value_number = SHEET_VIN_LEN,
		.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING,
		.error_title = "车架号长度",
		.error_message = "车架号（VIN）应为 17 位。",
	};
	worksheet_data_validation_range(ws, 2, 1, 1 + SHEET_MAX_DATA_ROWS, 1, &dv);

	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		log_error("msg=\"cannot write the VIN template\" path=%s error=\"%s\"", path, lxw_strerror(e));
		return K_INTERNAL;
	}
	return K_OK;
}

static enum kerr build(const char *path, const char *tmpdir)
{
	pthread_mutex_lock(&sheet_writer_lock);
	enum kerr err = build_locked(path, tmpdir);
	pthread_mutex_unlock(&sheet_writer_lock);
	return err;
}

enum kerr sheet_template_write(const char *path)
{
	return build(path, NULL);
}

enum kerr sheet_template_bytes_in(const char *tmpdir, unsigned char **out, size_t *len)
{
	char path[512];
	*out = NULL;
	*len = 0;
	int fd = sheet_mktemp(tmpdir, ".xlsx", path, sizeof path);
	if (fd < 0) {
		log_error("msg=\"cannot create a temp file for the VIN template\"");
		return K_INTERNAL;
	}
	close(fd);
	enum kerr err = build(path, tmpdir);
	FILE *f = err == K_OK ? fopen(path, "rb") : NULL;
	struct stat st;
	if (f != NULL && fstat(fileno(f), &st) == 0 && st.st_size > 0 && st.st_size <= TEMPLATE_MAX_BYTES) {
		unsigned char *buf = xmalloc((size_t)st.st_size);
		if (fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
			*out = buf;
			*len = (size_t)st.st_size;
		} else {
			free(buf);
		}
	}
	if (f != NULL)
		fclose(f);
	unlink(path);
	if (err == K_OK && *out == NULL) {
		log_error("msg=\"cannot read back the VIN template\" path=%s", path);
		err = K_INTERNAL;
	}
	return err;
}

enum kerr sheet_template_bytes(unsigned char **out, size_t *len)
{
	return sheet_template_bytes_in(NULL, out, len);
}
