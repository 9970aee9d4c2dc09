/* VIN lists from spreadsheets (.xlsx, .xls, .csv, and the Excel 2003 XML
 * that older systems export under an .xls name) and the VIN template.
 *
 * The reader takes a memory buffer, detects the format by content, finds the
 * header row (the first row, within the first SHEET_HEADER_ROWS, holding a
 * cell that reads VIN, VIN码, 车架号 or 车辆识别代号) and checks every value
 * below it in that column. Every function here is re-entrant: no globals,
 * nothing shared between calls, so server threads may call them at once. */
#ifndef KOUAN_SHEET_SHEET_H
#define KOUAN_SHEET_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/error.h"

/* Limits on what a spreadsheet may make us do. Past any of them the file is
 * refused with K_RESOURCE_LIMIT (K_TOO_MANY_ROWS for the row count). */
#define SHEET_MAX_FILE_BYTES (32u << 20)	/* the upload itself */
#define SHEET_MAX_DATA_ROWS 10000		/* non-empty VIN cells under the header */
#define SHEET_HEADER_ROWS 50			/* the header must be within these rows */
#define SHEET_MAX_ZIP_ENTRIES 2000		/* members of an .xlsx */
#define SHEET_MAX_SHEET_XML (64u << 20)		/* one worksheet part, inflated */
#define SHEET_MAX_SST_XML (32u << 20)		/* the shared-strings part, inflated */
#define SHEET_MAX_SMALL_XML (4u << 20)		/* workbook.xml, relationship parts */
#define SHEET_MAX_INFLATED (160u << 20)		/* all parts read from one .xlsx, inflated */
#define SHEET_MAX_SHEETS 64			/* sheets looked at for a VIN column */
#define SHEET_MAX_XLS_CELLS (4u << 20)		/* rows x columns of one .xls worksheet */
#define SHEET_MAX_VALUE_BYTES 256		/* a rejected value is cut (on a character) to this */

#define SHEET_VIN_LEN 17

enum sheet_format {
	SHEET_FORMAT_UNKNOWN = 0,
	SHEET_FORMAT_XLSX,	/* a zip (PK\3\4) */
	SHEET_FORMAT_XLS,	/* an OLE2 compound file */
	SHEET_FORMAT_CSV,	/* text: UTF-8 (BOM or not), UTF-16 with BOM, or GBK;
				 * also an Excel 2003 XML workbook, told apart by its namespace */
};

/* Why a VIN cell was refused, in the order the checks run. */
enum sheet_reason {
	SHEET_VIN_OK = 0,
	SHEET_INVALID_LENGTH,		/* not 17 characters */
	SHEET_INVALID_CHARACTERS,	/* not 0-9/A-Z, or I, O, Q */
	SHEET_INVALID_CHECK_DIGIT,	/* position 9 disagrees (ISO 3779 / GB 16735) */
	SHEET_DUPLICATE,		/* the same VIN as an earlier accepted row */
};

struct sheet_rejected {
	uint32_t row;		/* 1-based sheet row; for CSV the 1-based line */
	char *value;		/* the cell as written (UTF-8, at most SHEET_MAX_VALUE_BYTES) */
	enum sheet_reason reason;
};

struct sheet_result {
	char (*vins)[SHEET_VIN_LEN + 1];	/* accepted, normalised, in sheet order */
	size_t n_vins;
	struct sheet_rejected *rejected;	/* in sheet order */
	size_t n_rejected;
	uint32_t header_row;			/* where the header was found */
	uint32_t vin_column;			/* 1-based */
};

/* Reads the VIN list of a spreadsheet held in memory. tmpdir is where an .xls
 * is written for FreeXL, which reads only files (NULL: $TMPDIR or /tmp).
 * On K_OK *out holds the result (free with sheet_result_free); on any error
 * *out is left empty. Errors: K_EMPTY_FILE, K_NOT_SPREADSHEET, K_NO_VIN_COLUMN,
 * K_TOO_MANY_ROWS, K_RESOURCE_LIMIT, K_INTERNAL (temp file could not be made). */
enum kerr sheet_read_vins(const unsigned char *data, size_t len, const char *tmpdir,
	struct sheet_result *out) KOUAN_MUST_USE;

/* The same, with the format fixed instead of detected (the fuzz drivers use
 * these to reach one reader each). */
enum kerr sheet_read_xlsx(const unsigned char *data, size_t len, struct sheet_result *out) KOUAN_MUST_USE;
enum kerr sheet_read_xls(const unsigned char *data, size_t len, const char *tmpdir,
	struct sheet_result *out) KOUAN_MUST_USE;
enum kerr sheet_read_csv(const unsigned char *data, size_t len, struct sheet_result *out) KOUAN_MUST_USE;

enum sheet_format sheet_detect(const unsigned char *data, size_t len);
void sheet_result_free(struct sheet_result *r);

/* {"vins":[...],"rejected":[{"row","value","reason"}]}; a new reference. */
json_t *sheet_result_json(const struct sheet_result *r);
/* "invalid_length", "invalid_characters", "invalid_check_digit", "duplicate" ("ok"). */
const char *sheet_reason_code(enum sheet_reason reason);

/* --- VIN rules (vin_rules.c) --- */

/* Normalises a cell value: NFKC, every whitespace character removed (also
 * inside; zero-width spaces and BOMs too), upper case. Writes at most cap-1
 * bytes and a NUL to out; returns the normalised length in characters, or -1
 * when the text is not valid UTF-8 or does not fit. */
int sheet_vin_normalize(const char *cell, size_t len, char *out, size_t cap);

/* Classifies a normalised value (checks length, characters, check digit; not
 * duplicates). n_chars is the character count from sheet_vin_normalize. */
enum sheet_reason sheet_vin_classify(const char *norm, size_t n_chars);

/* The ISO 3779 check character ('0'-'9' or 'X') of a 17-character VIN whose
 * characters are all valid; 0 when a character is not. */
char sheet_vin_check_char(const char *vin17);

/* 1 when the cell's whole value (NFKC, trimmed, upper case) names the VIN
 * column: VIN, VIN码, 车架号 or 车辆识别代号, or two of them as in "车架号(VIN)". */
int sheet_is_vin_header(const char *cell, size_t len);

/* --- lists exported to .xlsx (export.c) --- */

#define SHEET_EXPORT_MAX_ROWS 100000		/* rows one export writes at most */
#define SHEET_EXPORT_MAX_BYTES (64u << 20)	/* the workbook read back */
/* One sheet named sheet_name: a bold header row of headers (ncols strings),
 * then rows, a JSON array of arrays (strings written as text, so that long
 * digit strings stay digits; numbers as numbers; null empty). *out (free())
 * holds *len bytes of .xlsx. K_INTERNAL when libxlsxwriter is missing or fails. */
enum kerr sheet_export_xlsx(const char *sheet_name, const char *const *headers, size_t ncols, json_t *rows,
	unsigned char **out, size_t *len) KOUAN_MUST_USE;

/* --- the template (template.c) --- */

/* Writes the VIN template (.xlsx) to path. K_OK or K_INTERNAL. */
enum kerr sheet_template_write(const char *path) KOUAN_MUST_USE;

/* The template as bytes, built in a temp file under tmpdir (NULL: $TMPDIR or
 * /tmp) that is removed again. The caller frees *out. K_OK or K_INTERNAL. */
enum kerr sheet_template_bytes_in(const char *tmpdir, unsigned char **out, size_t *len) KOUAN_MUST_USE;
enum kerr sheet_template_bytes(unsigned char **out, size_t *len) KOUAN_MUST_USE;

#endif
