/* libFuzzer driver: the fields of multipart uploads as the upload handlers
 * read them (declarations, attachments, the VIN list import). The input's
 * first line is the request's Content-Type, the rest its body. For the parts
 * the handlers ask for ("file", "type"): http_multipart_find (our parser,
 * src/http/multipart.c), then api_upload_part_check (the rule every upload
 * applies), attachment_content_type (attachments are typed by their first
 * bytes, never by what the client said), attachment_type_read (the "type"
 * field) and sheet_detect (the VIN list import).
 * Asserted: a part lies inside the body, its name, file name and type are
 * NUL terminated inside their buffers; a file accepted has a file name that
 * is valid UTF-8 (it is stored and shown in JSON); a content type found
 * matches the file's first bytes; a "type" accepted is the whole field and a
 * domain attachment type. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/domain.h"
#include "sheet/sheet.h"

#define FUZZ_UPLOAD_MAX (1u << 20)
#define FUZZ_TYPE_MAX 32	/* an attachment's type as stored (store/bookings.h) */
#define FUZZ_FILE_MAX (8u << 20)

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void upload_part_bounds(const struct http_part *p, const char *body, size_t len)
{
	CHECK(p->data >= (const unsigned char *)body && p->data + p->len <= (const unsigned char *)body + len);
	CHECK(memchr(p->name, '\0', sizeof p->name) && memchr(p->filename, '\0', sizeof p->filename) &&
		memchr(p->content_type, '\0', sizeof p->content_type));
}

static void upload_file(const char *type, const char *body, size_t len)
{
	struct http_part p;
	enum field_problem problem;
	enum kerr found = http_multipart_find(type, body, len, "file", &p);
	if (found == K_OK) {
		upload_part_bounds(&p, body, len);
		CHECK(strcmp(p.name, "file") == 0);
	}
	if (api_upload_part_check(found, &p, FUZZ_FILE_MAX, &problem) != K_OK)
		return;
	json_t *name = json_string(p.filename);
	CHECK(name != NULL);
	json_decref(name);
	const char *kind = attachment_content_type(p.data, p.len);
	if (kind != NULL)
		CHECK(p.len > 0);
	(void)sheet_detect(p.data, p.len);
}

static void upload_type(const char *type, const char *body, size_t len)
{
	struct http_part p;
	char out[FUZZ_TYPE_MAX];
	enum kerr found = http_multipart_find(type, body, len, "type", &p);
	if (found == K_OK)
		upload_part_bounds(&p, body, len);
	if (attachment_type_read(found, &p, out, sizeof out) == FIELD_PROBLEM_COUNT)
		CHECK(strlen(out) == p.len && domain_attachment_type(out) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_UPLOAD_MAX)
		return 0;
	const char *nl = memchr(data, '\n', size);
	if (nl == NULL)
		return 0;
	size_t tl = (size_t)(nl - (const char *)data);
	char *type = malloc(tl + 1);
	memcpy(type, data, tl);
	type[tl] = '\0';
	size_t len = size - tl - 1;
	char *body = malloc(len + 1);	/* the server's body buffer: its own allocation */
	memcpy(body, nl + 1, len);
	upload_file(type, body, len);
	upload_type(type, body, len);
	free(body);
	free(type);
	return 0;
}
