#define _GNU_SOURCE	/* memmem, strcasestr */
/* multipart/form-data (RFC 7578) over a body already read whole: parts are
 * found by name and handed out as slices of the body. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "http/http.h"

#define BOUNDARY_MAX 70		/* RFC 2046 */
#define PART_HEAD_MAX 2048	/* bytes of one part's header lines */

/* The boundary parameter of a multipart/form-data Content-Type. */
static int boundary_of(const char *type, char *out, size_t out_len)
{
	if (type == NULL || strncasecmp(type, "multipart/form-data", 19) != 0)
		return -1;
	const char *b = strcasestr(type, "boundary=");
	if (b == NULL)
		return -2;
	b += 9;
	int quoted = *b == '"';
	b += quoted;
	size_t n = quoted ? strcspn(b, "\"") : strcspn(b, "; \t");
	if (n == 0 || n > BOUNDARY_MAX || n + 1 > out_len)
		return -2;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

/* A parameter (name="..." or filename="...") of a Content-Disposition line,
 * copied into out (cut on a UTF-8 character); 0 when absent. */
static int disposition_param(const char *line, size_t line_len, const char *key, char *out, size_t out_len)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl + 2 <= line_len; i++) {
		if (strncasecmp(line + i, key, kl) != 0 || line[i + kl] != '=' || line[i + kl + 1] != '"')
			continue;
		if (i > 0 && line[i - 1] != ' ' && line[i - 1] != ';')
			continue;	/* "name" inside "filename" */
		const char *v = line + i + kl + 2;
		const char *end = memchr(v, '"', line_len - (size_t)(v - line));
		if (end == NULL)
			return 0;
		utf8_copy(out, out_len, v, (size_t)(end - v));
		return 1;
	}
	return 0;
}

/* Read one part's header lines (head, head_len) into p. */
static int read_part_head(const char *head, size_t head_len, struct http_part *p)
{
	memset(p, 0, sizeof *p);
	int have_name = 0;
	for (size_t i = 0; i < head_len;) {
		const char *eol = memmem(head + i, head_len - i, "\r\n", 2);
		size_t n = eol ? (size_t)(eol - (head + i)) : head_len - i;
		const char *line = head + i;
		if (n > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
			have_name = disposition_param(line, n, "name", p->name, sizeof p->name);
			(void)disposition_param(line, n, "filename", p->filename, sizeof p->filename);
		} else if (n > 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
			size_t skip = 13;
			while (skip < n && line[skip] == ' ')
				skip++;
			size_t tl = n - skip < sizeof p->content_type ? n - skip : sizeof p->content_type - 1;
			memcpy(p->content_type, line + skip, tl);
			p->content_type[tl] = '\0';
		}
		i += n + 2;
	}
	return have_name;
}

enum kerr http_multipart_part(const struct http_request *req, const char *name, struct http_part *out)
{
	size_t len;
	const char *body = http_body(req, &len);
	return http_multipart_find(http_header(req, "Content-Type"), body, len, name, out);
}

enum kerr http_multipart_find(const char *content_type, const char *body, size_t len, const char *name,
	struct http_part *out)
{
	char boundary[BOUNDARY_MAX + 1], delim[BOUNDARY_MAX + 5];
	int b = boundary_of(content_type, boundary, sizeof boundary);
	if (b == -1)
		return K_UNSUPPORTED_MEDIA_TYPE;
	if (b < 0)
		return K_VALIDATION_FAILED;
	int dl = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	/* The first delimiter may open the body without its CRLF. */
	const char *p = memmem(body, len, delim + 2, (size_t)dl - 2);
	for (int parts = 0; p != NULL && parts < HTTP_MULTIPART_PARTS_MAX; parts++) {
		p += dl - 2;
		size_t left = len - (size_t)(p - body);
		if (left >= 2 && p[0] == '-' && p[1] == '-')
			return K_NOT_FOUND;	/* the closing delimiter */
		if (left < 2 || p[0] != '\r' || p[1] != '\n')
			return K_VALIDATION_FAILED;
		p += 2;
		left -= 2;
		const char *head_end = memmem(p, left < PART_HEAD_MAX ? left : PART_HEAD_MAX, "\r\n\r\n", 4);
		if (head_end == NULL)
			return K_VALIDATION_FAILED;
		const char *data = head_end + 4;
		const char *next = memmem(data, len - (size_t)(data - body), delim, (size_t)dl);
		if (next == NULL)
			return K_VALIDATION_FAILED;
		struct http_part part;
		if (read_part_head(p, (size_t)(head_end - p) + 2, &part) && strcmp(part.name, name) == 0) {
			part.data = (const unsigned char *)data;
			part.len = (size_t)(next - data);
			*out = part;
			return K_OK;
		}
		p = next + 2;
	}
	return K_NOT_FOUND;
}
