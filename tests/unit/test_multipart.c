/* multipart/form-data bodies (http/multipart.c): parts found by name, files
 * and fields, and bodies that are not well formed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/http.h"

#define TYPE "multipart/form-data; boundary=XyZ"

static const char body[] =
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"type\"\r\n"
	"\r\n"
	"release_list\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"file\"; filename=\"核放清单.pdf\"\r\n"
	"Content-Type: application/pdf\r\n"
	"\r\n"
	"%PDF-1.4\r\n\0binary\r\n"
	"--XyZ--\r\n";

static enum kerr find(const char *type, const char *b, size_t len, const char *name, struct http_part *p)
{
	return http_multipart_find(type, b, len, name, p);
}

static void parts_by_name(void **state)
{
	struct http_part p;
	assert_int_equal(find(TYPE, body, sizeof body - 1, "file", &p), K_OK);
	assert_string_equal(p.name, "file");
	assert_string_equal(p.filename, "核放清单.pdf");
	assert_string_equal(p.content_type, "application/pdf");
	assert_int_equal(p.len, 17);	/* the bytes between the part's head and the next delimiter, NUL included */
	assert_memory_equal(p.data, "%PDF-1.4\r\n\0binary", 17);
	assert_int_equal(find(TYPE, body, sizeof body - 1, "type", &p), K_OK);
	assert_string_equal(p.filename, "");
	assert_int_equal(p.len, 12);
	assert_memory_equal(p.data, "release_list", 12);
	assert_int_equal(find(TYPE, body, sizeof body - 1, "other", &p), K_NOT_FOUND);
	/* "name" is not found inside "filename" */
	assert_int_equal(find(TYPE, body, sizeof body - 1, "核放清单.pdf", &p), K_NOT_FOUND);
	/* a quoted boundary */
	assert_int_equal(find("multipart/form-data; boundary=\"XyZ\"", body, sizeof body - 1, "file", &p), K_OK);
}

static void not_multipart(void **state)
{
	struct http_part p;
	assert_int_equal(find("application/json", "{}", 2, "file", &p), K_UNSUPPORTED_MEDIA_TYPE);
	assert_int_equal(find(NULL, "", 0, "file", &p), K_UNSUPPORTED_MEDIA_TYPE);
	assert_int_equal(find("multipart/form-data", body, sizeof body - 1, "file", &p), K_VALIDATION_FAILED);
	char long_type[200];
	snprintf(long_type, sizeof long_type, "multipart/form-data; boundary=%0100d", 7);
	assert_int_equal(find(long_type, body, sizeof body - 1, "file", &p), K_VALIDATION_FAILED);
}

static void broken_bodies(void **state)
{
	struct http_part p;
	/* cut in the middle of the file: no closing delimiter */
	assert_int_equal(find(TYPE, body, 120, "file", &p), K_VALIDATION_FAILED);
	/* a part's head that never ends */
	const char *endless = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n";
	assert_int_equal(find(TYPE, endless, strlen(endless), "file", &p), K_VALIDATION_FAILED);
	/* garbage after the delimiter */
	const char *junk = "--XyZjunk";
	assert_int_equal(find(TYPE, junk, strlen(junk), "file", &p), K_VALIDATION_FAILED);
	assert_int_equal(find(TYPE, "", 0, "file", &p), K_NOT_FOUND);
	assert_int_equal(find(TYPE, "--XyZ--\r\n", 9, "file", &p), K_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parts_by_name),
		cmocka_unit_test(not_multipart),
		cmocka_unit_test(broken_bodies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
