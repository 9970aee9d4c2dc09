#include "core/cliopt.h"

#include <stdlib.h>
#include <string.h>

int cli_option(int argc, char **argv, int *i, const char *opt, const char **v)
{
	size_t n = strlen(opt);
	if (strncmp(argv[*i], opt, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*v = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	*v = *i + 1 < argc ? argv[++*i] : NULL;
	return 1;
}

const char *cli_database(const char *given)
{
	if (given != NULL && given[0] != '\0')
		return given;
	const char *env = getenv("KOUAN_DB");
	return env != NULL && env[0] != '\0' ? env : CLI_DEFAULT_DB;
}
