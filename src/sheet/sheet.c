/* The sheet library's front: format detection, dispatch, the result. */
#include "sheet/sheet_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "core/log.h"

enum sheet_format sheet_detect(const unsigned char *data, size_t len)
{
	static const unsigned char ole2[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};

	if (data == NULL || len == 0)
		return SHEET_FORMAT_UNKNOWN;
	if (len >= 4 && data[0] == 'P' && data[1] == 'K' &&
	    ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6)))
		return SHEET_FORMAT_XLSX;
	if (len >= sizeof ole2 && memcmp(data, ole2, sizeof ole2) == 0)
		return SHEET_FORMAT_XLS;
	return SHEET_FORMAT_CSV;	/* the CSV reader refuses what is not text */
}

static int all_blank(const unsigned char *d, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r' && d[i] != '\n' && d[i] != '\f' && d[i] != '\v')
			return 0;
	return 1;
}

enum kerr sheet_read_vins(const unsigned char *data, size_t len, const char *tmpdir, struct sheet_result *out)
{
	memset(out, 0, sizeof *out);
	if (data == NULL || all_blank(data, len))
		return K_EMPTY_FILE;
	if (len > SHEET_MAX_FILE_BYTES)
		return K_RESOURCE_LIMIT;
	switch (sheet_detect(data, len)) {
	case SHEET_FORMAT_XLSX:
		return sheet_read_xlsx(data, len, out);
	case SHEET_FORMAT_XLS:
		return sheet_read_xls(data, len, tmpdir, out);
	case SHEET_FORMAT_CSV:
		if (xml2003_detect(data, len))
			return sheet_read_xml2003(data, len, out);
		return sheet_read_csv(data, len, out);
	default:
		return K_NOT_SPREADSHEET;
	}
}

void sheet_result_free(struct sheet_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_rejected; i++)
		free(r->rejected[i].value);
	free(r->rejected);
	free(r->vins);
	memset(r, 0, sizeof *r);
}

const char *sheet_reason_code(enum sheet_reason reason)
{
	switch (reason) {
	case SHEET_INVALID_LENGTH: return "invalid_length";
	case SHEET_INVALID_CHARACTERS: return "invalid_characters";
	case SHEET_INVALID_CHECK_DIGIT: return "invalid_check_digit";
	case SHEET_DUPLICATE: return "duplicate";
	default: return "ok";
	}
}

/* A JSON string of text that should be UTF-8; bytes that are not become U+FFFD. */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s);
	if (j != NULL)
		return j;
	size_t len = strlen(s), used = 0;
	char *fixed = xmalloc(len * 3 + 1);
	for (size_t i = 0; i < len;) {
		int32_t c;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
		if (step <= 0) {
			c = 0xfffd;
			step = 1;
		}
		used += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)fixed + used);
		i += (size_t)step;
	}
	fixed[used] = '\0';
	j = json_string(fixed);
	free(fixed);
	return j ? j : json_string("");
}

json_t *sheet_result_json(const struct sheet_result *r)
{
	json_t *vins = json_array(), *rejected = json_array();
	for (size_t i = 0; i < r->n_vins; i++)
		json_array_append_new(vins, json_string(r->vins[i]));
	for (size_t i = 0; i < r->n_rejected; i++) {
		const struct sheet_rejected *x = &r->rejected[i];
		json_array_append_new(rejected, json_pack("{s:I, s:o, s:s}", "row", (json_int_t)x->row,
			"value", json_text(x->value), "reason", sheet_reason_code(x->reason)));
	}
	return json_pack("{s:o, s:o}", "vins", vins, "rejected", rejected);
}

int sheet_mktemp(const char *tmpdir, const char *suffix, char *path, size_t cap)
{
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = getenv("TMPDIR");
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	int n = snprintf(path, cap, "%s/kouan-sheet-XXXXXX%s", tmpdir, suffix);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return mkstemps(path, (int)strlen(suffix));
}
