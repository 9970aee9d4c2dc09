#include <stdio.h>

#include "cli.h"

int cli_serve(int argc, char **argv)
{
	fprintf(stderr, "kouan serve: not built yet\n");
	return 2;
}
