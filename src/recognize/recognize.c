/* The recognizer's public entry points: PDF -> positioned text -> fields. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "recognize/bundle.h"
#include "recognize/internal.h"
#include "recognize/recognize.h"

enum kerr rec_recognize_buffer(const unsigned char *data, size_t len, json_t **result)
{
	return rec_recognize_buffer_within(data, len, REC_DEFAULT_TIME_LIMIT_MS, result);
}

enum kerr rec_recognize_file(const char *path, json_t **result)
{
	return rec_recognize_file_within(path, REC_DEFAULT_TIME_LIMIT_MS, result);
}

enum kerr rec_recognize_buffer_within(const unsigned char *data, size_t len, long time_limit_ms, json_t **result)
{
	*result = NULL;
	struct rec_doc doc;
	int repaired = 0;
	int64_t deadline = rec_now_ms() + time_limit_ms;
	enum kerr err = rec_pdf_load(data, len, deadline, &doc, &repaired);
	if (err != K_OK)
		return repaired && err == K_NO_TEXT ? K_CORRUPT_PDF : err;
	err = rec_bundle_read(&doc, result);
	rec_doc_free(&doc);
	if (err == K_OK && rec_now_ms() > deadline) {
		json_decref(*result);
		*result = NULL;
		err = K_RESOURCE_LIMIT;
	}
	/* a rebuilt file that gives nothing readable was broken, not foreign */
	if (repaired && (err == K_NOT_A_DECLARATION || err == K_NO_TEXT))
		err = K_CORRUPT_PDF;
	return err;
}

enum kerr rec_recognize_file_within(const char *path, long time_limit_ms, json_t **result)
{
	*result = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return K_NOT_FOUND;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return K_NOT_FOUND;
	}
	if ((unsigned long long)st.st_size > REC_MAX_FILE_BYTES) {
		fclose(f);
		return K_RESOURCE_LIMIT;
	}
	size_t want = (size_t)st.st_size;
	unsigned char *buf = malloc(want ? want : 1);
	if (!buf) {
		fclose(f);
		return K_RESOURCE_LIMIT;
	}
	size_t got = fread(buf, 1, want, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || got != want) {
		free(buf);
		return K_NOT_FOUND;
	}
	enum kerr err = rec_recognize_buffer_within(buf, got, time_limit_ms, result);
	free(buf);
	return err;
}
