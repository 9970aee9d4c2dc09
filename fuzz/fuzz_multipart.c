/* libFuzzer driver: multipart/form-data bodies of uploads (src/http/multipart.c).
 * The body is the input; the boundary is fixed, as a client's header gives it. */
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"file", "type"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct http_part p;
		if (http_multipart_find("multipart/form-data; boundary=XyZ", (const char *)data, size, names[i], &p) == K_OK &&
		    p.len > 0)
			(void)p.data[p.len - 1];	/* the part lies inside the body */
	}
	return 0;
}
