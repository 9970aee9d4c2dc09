/* multipart/form-data bodies (http/multipart.c): parts found by name, files
 * and fields, and bodies that are not well formed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/api.h"
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

/* The rule every upload applies to its file part, and the attachment's
 * "type" field (fuzz_upload's findings among them). */
static void upload_fields(void **state)
{
	(void)state;
	struct http_part p;
	enum field_problem problem;
	char type[32];
	enum kerr found = find(TYPE, body, sizeof body - 1, "file", &p);
	assert_int_equal(api_upload_part_check(found, &p, 1024, &problem), K_OK);
	assert_int_equal(api_upload_part_check(found, &p, 16, &problem), K_PAYLOAD_TOO_LARGE);
	assert_int_equal(api_upload_part_check(K_NOT_FOUND, &p, 1024, &problem), K_VALIDATION_FAILED);
	assert_int_equal(problem, FIELD_REQUIRED);
	assert_int_equal(api_upload_part_check(K_UNSUPPORTED_MEDIA_TYPE, &p, 1024, &problem), K_UNSUPPORTED_MEDIA_TYPE);
	/* a file name that is not UTF-8 is refused: it could not be shown in JSON */
	static const char latin1[] = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"caf\xe9.pdf\"\r\n"
		"\r\n%PDF-\r\n--XyZ--\r\n";
	found = find(TYPE, latin1, sizeof latin1 - 1, "file", &p);
	assert_int_equal(found, K_OK);
	assert_int_equal(api_upload_part_check(found, &p, 1024, &problem), K_VALIDATION_FAILED);
	assert_int_equal(problem, FIELD_INVALID);
	assert_string_equal(attachment_content_type((const unsigned char *)"%PDF-1.7", 8), "application/pdf");
	assert_null(attachment_content_type((const unsigned char *)"GIF89a", 6));
	found = find(TYPE, body, sizeof body - 1, "type", &p);
	assert_int_equal(attachment_type_read(found, &p, type, sizeof type), FIELD_PROBLEM_COUNT);
	assert_string_equal(type, "release_list");
	/* a NUL inside the field: not the type it begins with */
	static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nrelease_list\0x\r\n--XyZ--\r\n";
	found = find(TYPE, nul, sizeof nul - 1, "type", &p);
	assert_int_equal(found, K_OK);
	assert_int_equal(attachment_type_read(found, &p, type, sizeof type), FIELD_UNKNOWN_CHOICE);
	assert_int_equal(attachment_type_read(K_NOT_FOUND, &p, type, sizeof type), FIELD_REQUIRED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parts_by_name),
		cmocka_unit_test(not_multipart),
		cmocka_unit_test(broken_bodies),
		cmocka_unit_test(upload_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
