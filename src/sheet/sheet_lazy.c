/* libzip, FreeXL and libxlsxwriter, loaded when a spreadsheet is first read
 * or written (core/lazylib.h): other commands do not pay for loading them.
 * Each library's first function answers "failed" when it is not installed. */
#include <freexl.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/lazylib.h"

LAZYLIB(libzip, "libzip.so.4");
LAZYLIB(libfreexl, "libfreexl.so.1");
LAZYLIB(libxlsxwriter, "libxlsxwriter.so.4");

/* The entry points: a missing library is a failure the caller reports. */
zip_source_t *zip_source_buffer_create(const void *data, zip_uint64_t len, int freep, zip_error_t *error)
{
	if (!lazylib_available(&libzip))
		return NULL;
	zip_source_t *(*fn)(const void *, zip_uint64_t, int, zip_error_t *) =
		(zip_source_t * (*)(const void *, zip_uint64_t, int, zip_error_t *)) lazylib_sym(&libzip, "zip_source_buffer_create");
	return fn(data, len, freep, error);
}

int freexl_open(const char *path, const void **handle)
{
	*handle = NULL;
	if (!lazylib_available(&libfreexl))
		return FREEXL_FILE_NOT_FOUND;
	int (*fn)(const char *, const void **) = (int (*)(const char *, const void **))lazylib_sym(&libfreexl, "freexl_open");
	return fn(path, handle);
}

int freexl_open_info(const char *path, const void **handle)
{
	*handle = NULL;
	if (!lazylib_available(&libfreexl))
		return FREEXL_FILE_NOT_FOUND;
	int (*fn)(const char *, const void **) =
		(int (*)(const char *, const void **))lazylib_sym(&libfreexl, "freexl_open_info");
	return fn(path, handle);
}

lxw_workbook *workbook_new_opt(const char *filename, lxw_workbook_options *options)
{
	if (!lazylib_available(&libxlsxwriter))
		return NULL;
	lxw_workbook *(*fn)(const char *, lxw_workbook_options *) =
		(lxw_workbook * (*)(const char *, lxw_workbook_options *)) lazylib_sym(&libxlsxwriter, "workbook_new_opt");
	return fn(filename, options);
}

LAZY(libzip, zip_t *, zip_open_from_source, (zip_source_t *s, int flags, zip_error_t *e), (s, flags, e))
LAZY_VOID(libzip, zip_source_free, (zip_source_t *s), (s))
LAZY_VOID(libzip, zip_discard, (zip_t *z), (z))
LAZY_VOID(libzip, zip_error_init, (zip_error_t *e), (e))
LAZY_VOID(libzip, zip_error_fini, (zip_error_t *e), (e))
LAZY(libzip, zip_int64_t, zip_get_num_entries, (zip_t *z, zip_flags_t f), (z, f))
LAZY(libzip, const char *, zip_get_name, (zip_t *z, zip_uint64_t i, zip_flags_t f), (z, i, f))
LAZY(libzip, int, zip_stat_index, (zip_t *z, zip_uint64_t i, zip_flags_t f, zip_stat_t *st), (z, i, f, st))
LAZY(libzip, zip_file_t *, zip_fopen_index, (zip_t *z, zip_uint64_t i, zip_flags_t f), (z, i, f))
LAZY(libzip, zip_int64_t, zip_fread, (zip_file_t *zf, void *buf, zip_uint64_t n), (zf, buf, n))
LAZY(libzip, int, zip_fclose, (zip_file_t *zf), (zf))

LAZY(libfreexl, int, freexl_close, (const void *h), (h))
LAZY(libfreexl, int, freexl_get_info, (const void *h, unsigned short what, unsigned int *info), (h, what, info))
LAZY(libfreexl, int, freexl_select_active_worksheet, (const void *h, unsigned short sheet), (h, sheet))
LAZY(libfreexl, int, freexl_worksheet_dimensions, (const void *h, unsigned int *rows, unsigned short *cols), (h, rows, cols))
LAZY(libfreexl, int, freexl_get_cell_value, (const void *h, unsigned int row, unsigned short col, FreeXL_CellValue *v),
	(h, row, col, v))

LAZY(libxlsxwriter, lxw_format *, workbook_add_format, (lxw_workbook *wb), (wb))
LAZY(libxlsxwriter, lxw_worksheet *, workbook_add_worksheet, (lxw_workbook *wb, const char *name), (wb, name))
LAZY(libxlsxwriter, lxw_error, workbook_close, (lxw_workbook *wb), (wb))
LAZY(libxlsxwriter, lxw_error, workbook_set_properties, (lxw_workbook *wb, lxw_doc_properties *p), (wb, p))
LAZY(libxlsxwriter, char *, lxw_strerror, (lxw_error e), (e))
LAZY_VOID(libxlsxwriter, format_set_align, (lxw_format *f, uint8_t a), (f, a))
LAZY_VOID(libxlsxwriter, format_set_bg_color, (lxw_format *f, lxw_color_t c), (f, c))
LAZY_VOID(libxlsxwriter, format_set_bold, (lxw_format *f), (f))
LAZY_VOID(libxlsxwriter, format_set_border, (lxw_format *f, uint8_t s), (f, s))
LAZY_VOID(libxlsxwriter, format_set_font_color, (lxw_format *f, lxw_color_t c), (f, c))
LAZY_VOID(libxlsxwriter, format_set_num_format_index, (lxw_format *f, uint8_t i), (f, i))
LAZY_VOID(libxlsxwriter, format_set_text_wrap, (lxw_format *f), (f))
LAZY(libxlsxwriter, lxw_error, worksheet_data_validation_range,
	(lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1, lxw_data_validation *v),
	(ws, r0, c0, r1, c1, v))
LAZY_VOID(libxlsxwriter, worksheet_freeze_panes, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c), (ws, r, c))
LAZY(libxlsxwriter, lxw_error, worksheet_merge_range,
	(lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1, const char *s, lxw_format *f),
	(ws, r0, c0, r1, c1, s, f))
LAZY(libxlsxwriter, lxw_error, worksheet_set_column, (lxw_worksheet *ws, lxw_col_t c0, lxw_col_t c1, double w, lxw_format *f),
	(ws, c0, c1, w, f))
LAZY(libxlsxwriter, lxw_error, worksheet_set_row, (lxw_worksheet *ws, lxw_row_t r, double h, lxw_format *f), (ws, r, h, f))
LAZY(libxlsxwriter, lxw_error, worksheet_write_string, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f),
	(ws, r, c, s, f))
LAZY(libxlsxwriter, lxw_error, worksheet_write_number, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f),
	(ws, r, c, v, f))
