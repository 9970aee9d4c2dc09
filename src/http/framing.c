/* Request framing checks (framing.h). */
#include <string.h>
#include <strings.h>

#include "http/framing.h"

/* Spaces and tabs a value may start after its colon: libmicrohttpd skips them.
 * A value further from its name than this was moved there by a folded line. */
#define FRAMING_OWS_MAX 256
#define CONTENT_LENGTH_DIGITS_MAX 19	/* fits in unsigned long long */

/* RFC 9110 tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int name_ok(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k; k++)
		if (!is_tchar((unsigned char)*k))
			return 0;
	return 1;
}

static int value_ok(const char *v)
{
	for (; *v; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return 0;
	return 1;
}

/* libmicrohttpd 0.9.75 keeps a header's name and value in place, the value a
 * few blanks after the name's end; a folded line (obs-fold) is appended to the
 * name instead, which then runs into or past its value (or is moved). */
static int in_place(const struct framing_header *h)
{
	const char *after_name = h->key + strlen(h->key) + 1;
	return h->value >= after_name && h->value <= after_name + FRAMING_OWS_MAX;
}

static int parse_length(const char *v, unsigned long long *out)
{
	size_t n = strlen(v);
	if (n == 0 || n > CONTENT_LENGTH_DIGITS_MAX || strspn(v, "0123456789") != n)
		return 0;
	unsigned long long x = 0;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (unsigned)(v[i] - '0');
	*out = x;
	return 1;
}

enum kerr framing_check(const struct framing_header *h, size_t n, struct framing *out)
{
	int lengths = 0, codings = 0, hosts = 0;
	const char *coding = NULL;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		if (!name_ok(h[i].key) || !value_ok(h[i].value) || !in_place(&h[i]))
			return K_BAD_REQUEST;
		if (strcasecmp(h[i].key, "Content-Length") == 0) {
			lengths++;
			if (!parse_length(h[i].value, &out->length))
				return K_BAD_REQUEST;
		} else if (strcasecmp(h[i].key, "Host") == 0) {
			hosts++;
		} else if (strcasecmp(h[i].key, "Transfer-Encoding") == 0) {
			codings++;
			coding = h[i].value;
		}
	}
	if (lengths > 1 || (lengths && codings) || hosts > 1)
		return K_BAD_REQUEST;
	if (codings > 1 || (coding && strcasecmp(coding, "chunked") != 0))
		return K_NOT_IMPLEMENTED;
	out->has_length = lengths == 1;
	out->chunked = codings == 1;
	out->has_host = hosts == 1;
	return K_OK;
}

int framing_path_ok(const char *path)
{
	if (strstr(path, "%00") != NULL)
		return 0;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t framing_unescape(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		int hi = r[0] == '%' ? hex_value(r[1]) : -1, lo = hi >= 0 ? hex_value(r[2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			*w++ = *r++;	/* not an escape, or %00: kept as written */
			continue;
		}
		*w++ = (char)(hi * 16 + lo);
		r += 3;
	}
	*w = '\0';
	return (size_t)(w - s);
}

const char *framing_value_copy(const char *v, char *buf, size_t buf_len)
{
	size_t n = v ? strlen(v) : 0;
	if (v == NULL || n >= buf_len)
		return NULL;
	memcpy(buf, v, n + 1);
	return buf;
}
