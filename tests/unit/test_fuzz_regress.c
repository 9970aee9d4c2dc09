/* The fuzz drivers' seeds and their findings, kept as regression inputs:
 * fuzz/corpus/<driver>/ and fuzz/regress/<driver>/ run through the same
 * entry points as the drivers (the form reader on decoded positioned text;
 * the whole recognizer on PDF bytes). Passing means: no crash, no leak
 * (under the sanitizers), and an answer that is either K_OK with a result
 * or a refusal without one.
 *
 * The drivers of our own request parsing (codes, query, session, json,
 * upload) are compiled in here whole, their entry point renamed: each input
 * goes through the very function the fuzzer ran, with its assertions (an
 * assertion that fails aborts the test). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../fuzz/fuzz_decode.h"
#include "recognize/internal.h"
#include "http/http.h"
#include "recognize/recognize.h"
#include "release/release.h"

#define REGRESS_MAX_INPUT (4u * 1024 * 1024)

#define LLVMFuzzerTestOneInput fuzz_codes_one
#include "../../fuzz/fuzz_codes.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_query_one
#include "../../fuzz/fuzz_query.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_session_one
#include "../../fuzz/fuzz_session.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_json_one
#include "../../fuzz/fuzz_json.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_upload_one
#include "../../fuzz/fuzz_upload.c"
#undef LLVMFuzzerTestOneInput

typedef void (*run_fn)(const unsigned char *data, size_t len);

static size_t run_dir(const char *sub, run_fn run)
{
	const char *src = getenv("KOUAN_SOURCE_DIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/%s", src ? src : ".", sub);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *e;
	unsigned char *buf = malloc(REGRESS_MAX_INPUT);
	assert_non_null(buf);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		size_t len = fread(buf, 1, REGRESS_MAX_INPUT, f);
		fclose(f);
		run(buf, len);
		n++;
	}
	closedir(d);
	free(buf);
	return n;
}

static void run_fields(const unsigned char *data, size_t len)
{
	struct rec_doc doc;
	if (fuzz_decode_doc(data, len, &doc)) {
		json_t *out = NULL;
		enum kerr err = rec_fields_read(&doc, &out);
		assert_true(err == K_OK ? out != NULL : out == NULL);
		json_decref(out);
	}
	rec_doc_free(&doc);
}

static void run_pdf(const unsigned char *data, size_t len)
{
	json_t *out = NULL;
	enum kerr err = rec_recognize_buffer(data, len, &out);
	assert_true(err == K_OK ? out != NULL : out == NULL);
	json_decref(out);
}

/* The release token reader: a parsed token reads again from its canonical
 * text to the same claims, and the verdict can always be written. */
static void run_release_token(const unsigned char *data, size_t len)
{
	struct release_token tok, again;
	enum release_reason r = release_token_parse((const char *)data, len, &tok);
	if (r == RELEASE_VALID) {
		assert_int_equal(release_token_parse(tok.text, strlen(tok.text), &again), RELEASE_VALID);
		assert_memory_equal(&tok.claims, &again.claims, sizeof tok.claims);
	}
	json_t *v = release_verdict_json(r, &tok);
	assert_non_null(v);
	json_decref(v);
}

static int (*run_one)(const uint8_t *data, size_t size);

static void run_driver(const unsigned char *data, size_t len)
{
	assert_int_equal(run_one(data, len), 0);
}

static void run_multipart(const unsigned char *data, size_t len)
{
	struct http_part p;
	enum kerr e = http_multipart_find("multipart/form-data; boundary=XyZ", (const char *)data, len, "file", &p);
	if (e == K_OK)
		assert_true(p.data >= data && p.data + p.len <= data + len);
}

/* A driver compiled in above, over its seeds and findings: both folders
 * hold inputs (the findings one is asserted when given). */
static void replay_driver(const char *name, int (*one)(const uint8_t *data, size_t size), size_t findings_min)
{
	char corpus[128], regress[128];
	snprintf(corpus, sizeof corpus, "fuzz/corpus/%s", name);
	snprintf(regress, sizeof regress, "fuzz/regress/%s", name);
	run_one = one;
	assert_true(run_dir(corpus, run_driver) > 0);
	assert_true(run_dir(regress, run_driver) >= findings_min);
}

static void codes_inputs(void **state)
{
	(void)state;
	replay_driver("codes", fuzz_codes_one, 3);
}

static void query_inputs(void **state)
{
	(void)state;
	replay_driver("query", fuzz_query_one, 0);
}

static void session_inputs(void **state)
{
	(void)state;
	replay_driver("session", fuzz_session_one, 0);
}

static void json_inputs(void **state)
{
	(void)state;
	replay_driver("json", fuzz_json_one, 1);
}

static void upload_inputs(void **state)
{
	(void)state;
	replay_driver("upload", fuzz_upload_one, 1);
}

static void fields_inputs(void **state)
{
	(void)state;
	size_t n = run_dir("fuzz/corpus/fields", run_fields) + run_dir("fuzz/regress/fields", run_fields);
	assert_true(n > 0);	/* the seeds at least */
}

static void pdf_inputs(void **state)
{
	(void)state;
	size_t n = run_dir("fuzz/corpus/pdf", run_pdf) + run_dir("fuzz/regress/pdf", run_pdf);
	assert_true(n > 0);
}

static void release_token_inputs(void **state)
{
	(void)state;
	size_t n = run_dir("fuzz/corpus/release_token", run_release_token) +
		run_dir("fuzz/regress/release_token", run_release_token);
	assert_true(n > 0);
}

static void multipart_inputs(void **state)
{
	(void)state;
	size_t n = run_dir("fuzz/corpus/multipart", run_multipart) + run_dir("fuzz/regress/multipart", run_multipart);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_inputs),
		cmocka_unit_test(query_inputs),
		cmocka_unit_test(session_inputs),
		cmocka_unit_test(json_inputs),
		cmocka_unit_test(upload_inputs),
		cmocka_unit_test(release_token_inputs),
		cmocka_unit_test(multipart_inputs),
		cmocka_unit_test(fields_inputs),
		cmocka_unit_test(pdf_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
