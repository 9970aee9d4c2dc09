/* libFuzzer: the whole recognizer from PDF bytes (rec_recognize_buffer). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "recognize/recognize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *out = NULL;
	enum kerr err = rec_recognize_buffer(data, size, &out);
	if (err == K_OK && !out)
		__builtin_trap();
	json_decref(out);
	return 0;
}
