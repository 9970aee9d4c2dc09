/* libFuzzer driver: the .xls reader of the VIN import (src/sheet), which
 * goes through a temp file for FreeXL (set TMPDIR=/dev/shm to spare the disk). */
#include <stddef.h>
#include <stdint.h>

#include "sheet/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_result r;
	if (sheet_read_xls(data, size, NULL, &r) == K_OK) {
		json_decref(sheet_result_json(&r));
		sheet_result_free(&r);
	}
	return 0;
}
