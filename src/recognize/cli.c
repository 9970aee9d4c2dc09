/* kouan recognize FILE.pdf: print the recognized declaration as one JSON
 * object, or {"error":{...}} when the file is refused. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/config.h"
#include "core/log.h"
#include "recognize/internal.h"
#include "recognize/recognize.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: kouan recognize [--lang zh|ru|en] [--time-limit SECONDS] [--debug] FILE.pdf\n"
		"Reads an export customs declaration and prints its fields as JSON.\n"
		"--debug logs each stage's time on stderr (a scan's OCR stages).\n"
		"Exit status: 0 read, 1 refused (the error is printed as JSON), 2 usage or I/O error.\n");
}

#define CLI_KEEP_MMAP_MAX (32 * 1024 * 1024)	/* glibc's largest mmap threshold: a 300 dpi page image (8.7 MB) is under it */
#define CLI_KEEP_TRIM_MIN (256 * 1024 * 1024)	/* freed memory kept up to this, over a scan's whole working set */

/* A one-shot process keeps the memory it frees for its next allocation
 * instead of handing it back to the kernel and faulting it in again: a
 * scan's page images (several of 4-9 MB a page) are then made in memory
 * already mapped (a 3-page 150 dpi scan: 74,000 -> 40,000 page faults,
 * 0.21 -> 0.15 s of system time). The server is not changed: it gives its
 * memory back between requests. */
static void keep_freed_memory(void)
{
	mallopt(M_MMAP_THRESHOLD, CLI_KEEP_MMAP_MAX);
	mallopt(M_TRIM_THRESHOLD, CLI_KEEP_TRIM_MIN);
}

int cli_recognize(int argc, char **argv)
{
	enum lang lang = LANG_ZH;
	const char *path = NULL;
	const char *limit_text = getenv("KOUAN_RECOGNIZE_TIME_LIMIT");
	long limit_s = REC_DEFAULT_TIME_LIMIT_MS / 1000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--lang") == 0 || strncmp(a, "--lang=", 7) == 0) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);
			int l = v ? lang_parse(v, (int)strlen(v)) : -1;
			if (l < 0) {
				fprintf(stderr, "kouan recognize: --lang takes zh, ru or en\n");
				return 2;
			}
			lang = (enum lang)l;
		} else if (strcmp(a, "--time-limit") == 0 || strncmp(a, "--time-limit=", 13) == 0) {
			limit_text = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : "");
		} else if (strcmp(a, "--debug") == 0) {
			log_threshold = LOG_DEBUG;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "kouan recognize: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr, "kouan recognize: one file at a time\n");
			return 2;
		} else {
			path = a;
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	if (limit_text && parse_long(limit_text, 1, 600, &limit_s) != 0) {
		fprintf(stderr, "kouan recognize: --time-limit (KOUAN_RECOGNIZE_TIME_LIMIT) takes whole seconds from 1 to 600\n");
		return 2;
	}
	keep_freed_memory();
	json_t *result = NULL;
	enum kerr err = rec_recognize_file_within(path, limit_s * 1000, &result);
	if (err == K_NOT_FOUND) {
		fprintf(stderr, "kouan recognize: cannot read '%s'\n", path);
		return 2;
	}
	if (err != K_OK) {
		result = json_pack("{s:{s:s,s:s}}", "error", "code", kerr_code(err), "message", kerr_message(err, lang));
		if (!result)
			return 2;
	}
	char *text = json_dumps(result, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(result);
	if (!text)
		return 2;
	int ok = puts(text) >= 0 && fflush(stdout) == 0;
	free(text);
	if (!ok)
		return 2;
	return err == K_OK ? 0 : 1;
}
