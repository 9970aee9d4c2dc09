/* libFuzzer driver: the .xls reader of the VIN import (src/sheet), which
 * goes through a temp file for FreeXL (set TMPDIR=/dev/shm to spare the disk)
 * and runs FreeXL in this program started again as `xls-reader FILE`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sheet/sheet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (*argc >= 2 && strcmp((*argv)[1], "xls-reader") == 0)
		exit(cli_xls_reader(*argc - 1, *argv + 1));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_result r;
	if (sheet_read_xls(data, size, NULL, &r) == K_OK) {
		json_decref(sheet_result_json(&r));
		sheet_result_free(&r);
	}
	return 0;
}
