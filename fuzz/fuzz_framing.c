/* libFuzzer driver: the request framing checks (src/http/framing.c) on a head
 * laid out as libmicrohttpd stores it. The input is "name: value" lines; each
 * becomes name NUL blank value NUL, and the first line is also unescaped and
 * checked as a path. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/framing.h"

#define FUZZ_HEAD_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_HEAD_MAX)
		return 0;
	char *buf = malloc(size * 2 + 4);	/* every byte a line of its own, at worst */
	struct framing_header h[FRAMING_HEADERS_MAX];
	size_t n = 0, w = 0;
	const char *p = (const char *)data, *end = p + size;
	while (p < end && n < FRAMING_HEADERS_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon = memchr(p, ':', len);
		size_t kn = colon ? (size_t)(colon - p) : len, vn = colon ? len - kn - 1 : 0;
		char *k = buf + w;
		memcpy(k, p, kn);
		k[kn] = '\0';
		char *v = k + kn + 1;
		memcpy(v, colon ? colon + 1 : "", vn);
		v[vn] = '\0';
		w += kn + vn + 2;
		if (strlen(k) == kn && strlen(v) == vn)	/* a NUL in the input ends nothing here */
			h[n++] = (struct framing_header){k, v};
		p += len + (nl != NULL);
	}
	struct framing f;
	(void)framing_check(h, n, &f);
	if (n > 0) {
		char *path = strdup(h[0].key);
		size_t before = strlen(path);
		if (framing_unescape(path) > before)
			abort();	/* decoding never lengthens */
		(void)framing_path_ok(path);
		free(path);
	}
	free(buf);
	return 0;
}
