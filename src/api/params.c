/* Query parameters (params.h). */
#include "api/params.h"

#include <stddef.h>

int64_t query_number_parse(const char *s)
{
	int64_t v = 0;
	for (size_t i = 0; s != NULL && s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= QUERY_DIGITS_MAX)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}
