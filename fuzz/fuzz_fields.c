/* libFuzzer: the form reader alone (rec_fields_read) on positioned text
 * decoded from the fuzz bytes (format in fuzz_decode.h). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_decode.h"
#include "recognize/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 400000)
		return 0;
	struct rec_doc doc;
	if (fuzz_decode_doc(data, size, &doc)) {
		json_t *out = NULL;
		if (rec_fields_read(&doc, &out) == K_OK) {
			char *s = json_dumps(out, 0);
			free(s);
		}
		json_decref(out);
	}
	rec_doc_free(&doc);
	return 0;
}
