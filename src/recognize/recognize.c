/* The recognizer's public entry points: PDF -> positioned text -> fields. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "recognize/bundle.h"
#include "recognize/internal.h"
#include "recognize/ocr_fix.h"
#include "recognize/recognize.h"
#include "validate/validate.h"

#define SHIPPER_NAME "domestic_shipper.name"
#define SHIPPER_USCC "domestic_shipper.uscc"
#define USCC_READ_MAX 32	/* bytes of a USCC reading compared with the registry's */
#define SHIPPER_SURE 0.9	/* a name read at this confidence or more is as printed */
#define SHIPPER_MAX_EDITS 6	/* a registered name this many characters off is still the same one (and under half) */

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

/* ---- the shipper against the registry ---- */

const char *rec_shipper_uscc(const json_t *rec)
{
	const char *uscc = json_string_value(json_object_get(json_object_get(rec, "domestic_shipper"), "uscc"));
	return uscc && uscc_is_valid(uscc, strlen(uscc)) ? uscc : NULL;
}

static void shipper_warning(json_t *rec, const char *code, const char *field, const char *message, const char *key,
	const char *value)
{
	json_t *w = json_pack("{s:s,s:s,s:s}", "code", code, "field", field, "message", message);
	json_object_set_new(w, key, value ? json_string(value) : json_null());
	json_array_append_new(json_object_get(rec, "warnings"), w);
}

/* A name read a few characters off the registered one (ocr_closest's rule:
 * the misreads never outnumber the characters read right). */
static int near_name(const char *read, const char *registered)
{
	const char *table[] = {registered};
	return ocr_closest(read, strlen(read), table, 1, SHIPPER_MAX_EDITS, NULL) == 0;
}

int rec_shipper_registered(json_t *rec, const char *registered_name)
{
	json_t *shipper = json_object_get(rec, "domestic_shipper"), *conf = json_object_get(rec, "confidence");
	if (!json_is_object(shipper) || !json_is_object(conf) || !registered_name || !registered_name[0])
		return 0;
	const char *read = json_string_value(json_object_get(shipper, "name"));
	double sure = json_number_value(json_object_get(conf, SHIPPER_NAME));
	if (read && strcmp(read, registered_name) == 0) {
		if (sure >= REC_REGISTRY_CONF)
			return 0;
		json_object_set_new(conf, SHIPPER_NAME, json_real(REC_REGISTRY_CONF));
		return 1;
	}
	if (sure >= SHIPPER_SURE || (read && !near_name(read, registered_name))) {
		shipper_warning(rec, "shipper_name_differs", SHIPPER_NAME,
			"the shipper's name differs from the name registered for its USCC", "registered",
			registered_name);
		return 1;
	}
	if (read)
		shipper_warning(rec, "shipper_name_registered", SHIPPER_NAME,
			"the shipper's name is the one registered for its USCC", "printed", read);
	else
		shipper_warning(rec, "shipper_name_filled", SHIPPER_NAME,
			"the shipper's name, not found, is the one registered for its USCC", "registered",
			registered_name);
	json_object_set_new(shipper, "name", json_string(registered_name));
	json_object_set_new(conf, SHIPPER_NAME, json_real(REC_REGISTRY_CONF));
	return 1;
}

/* Edits between two ASCII readings, or max + 1 once more. */
static int uscc_edits(const char *a, const char *b, int max)
{
	uint32_t x[USCC_READ_MAX], y[USCC_READ_MAX];
	size_t nx = 0, ny = 0;
	for (; a[nx] && nx < USCC_READ_MAX; nx++)
		x[nx] = (unsigned char)a[nx];
	for (; b[ny] && ny < USCC_READ_MAX; ny++)
		y[ny] = (unsigned char)b[ny];
	if (a[nx] || b[ny])
		return max + 1;
	return ocr_edit_distance(x, nx, y, ny, max);
}

int rec_shipper_match(const json_t *rec, const char *const *usccs, const char *const *names, size_t n)
{
	const json_t *shipper = json_object_get(rec, "domestic_shipper");
	const char *read = json_string_value(json_object_get(shipper, "uscc"));
	const char *name = json_string_value(json_object_get(shipper, "name"));
	if (!read || !name || rec_shipper_uscc(rec))
		return -1;
	int pick = -1;
	for (size_t i = 0; i < n; i++) {
		int uscc_near = usccs[i] && uscc_edits(read, usccs[i], REC_REGISTRY_USCC_EDITS) <=
			REC_REGISTRY_USCC_EDITS;
		if (!uscc_near || !names[i] || (strcmp(name, names[i]) != 0 && !near_name(name, names[i])))
			continue;
		if (pick >= 0)
			return -1;
		pick = (int)i;
	}
	return pick;
}

void rec_shipper_uscc_registered(json_t *rec, const char *uscc)
{
	json_t *shipper = json_object_get(rec, "domestic_shipper");
	const char *read = json_string_value(json_object_get(shipper, "uscc"));
	shipper_warning(rec, "shipper_uscc_registered", SHIPPER_USCC,
		"the shipper's USCC is the registered one its reading comes near", "printed", read);
	json_object_set_new(shipper, "uscc", json_string(uscc));
	json_object_set_new(json_object_get(rec, "confidence"), SHIPPER_USCC, json_real(REC_REGISTRY_CONF));
}
