/* libFuzzer driver: the .xlsx reader of the VIN import (src/sheet). */
#include <stddef.h>
#include <stdint.h>

#include "sheet/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_result r;
	if (sheet_read_xlsx(data, size, &r) == K_OK) {
		json_decref(sheet_result_json(&r));
		sheet_result_free(&r);
	}
	return 0;
}
