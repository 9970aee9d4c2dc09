/* kouan vins FILE, kouan vin-template FILE.xlsx */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "core/error.h"
#include "core/log.h"
#include "sheet/sheet.h"

static void vins_usage(FILE *f)
{
	fprintf(f, "usage: kouan vins [--lang zh|ru|en] FILE\n"
		"Reads the VIN list of a spreadsheet (.xlsx, .xls or .csv, told apart by content;\n"
		"FILE may be - for standard input) and prints\n"
		"  {\"vins\":[...],\"rejected\":[{\"row\",\"value\",\"reason\"}]}      exit 0\n"
		"  {\"error\":{\"code\",\"message\"}}                                exit 1\n"
		"Usage and I/O errors exit 2.\n");
}

/* Reads the whole file, at most max bytes (one more tells it is too big).
 * 0, or -1 with errno set. */
static int read_file(const char *path, size_t max, unsigned char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return -1;
	errno = 0;
	size_t cap = 64 << 10, used = 0;
	unsigned char *buf = xmalloc(cap);
	for (;;) {
		if (used == cap) {
			if (cap > max)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		size_t n = fread(buf + used, 1, cap - used, f);
		used += n;
		if (n == 0)
			break;
	}
	int failed = ferror(f), saved = errno;
	if (f != stdin)
		fclose(f);
	if (failed) {
		free(buf);
		errno = saved ? saved : EIO;
		return -1;
	}
	*out = buf;
	*len = used;
	return 0;
}

static int print_error(enum kerr e, enum lang lang)
{
	json_t *j = json_pack("{s:{s:s, s:s}}", "error", "code", kerr_code(e), "message", kerr_message(e, lang));
	char *s = json_dumps(j, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(j);
	return 1;
}

int cli_vins(int argc, char **argv)
{
	enum lang lang = LANG_ZH;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			vins_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			int l = lang_parse(argv[i + 1], (int)strlen(argv[i + 1]));
			if (l < 0) {
				fprintf(stderr, "kouan vins: unknown language '%s'\n", argv[i + 1]);
				return 2;
			}
			lang = (enum lang)l;
			i++;
		} else if (path == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)) {
			path = argv[i];
		} else {
			vins_usage(stderr);
			return 2;
		}
	}
	if (path == NULL) {
		vins_usage(stderr);
		return 2;
	}

	unsigned char *data;
	size_t len;
	if (read_file(path, SHEET_MAX_FILE_BYTES, &data, &len) != 0) {
		fprintf(stderr, "kouan vins: %s: %s\n", path, strerror(errno));
		return 2;
	}
	struct sheet_result res;
	enum kerr err = sheet_read_vins(data, len, NULL, &res);
	free(data);
	if (err == K_INTERNAL) {
		fprintf(stderr, "kouan vins: %s: could not be read (temp file)\n", path);
		return 2;
	}
	if (err != K_OK)
		return print_error(err, lang);
	json_t *j = sheet_result_json(&res);
	char *s = json_dumps(j, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(j);
	sheet_result_free(&res);
	return 0;
}

int cli_vin_template(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: kouan vin-template FILE.xlsx\nWrites the VIN import template (sheet 车架号: 序号, VIN).\n");
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: kouan vin-template FILE.xlsx\n");
		return 2;
	}
	if (sheet_template_write(argv[1]) != K_OK) {
		fprintf(stderr, "kouan vin-template: cannot write %s\n", argv[1]);
		return 2;
	}
	return 0;
}
