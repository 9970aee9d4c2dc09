/* Query parameters as the handlers read them: pure functions over the text
 * libmicrohttpd hands over (split at & and =, decoded by framing_unescape). */
#ifndef KOUAN_API_PARAMS_H
#define KOUAN_API_PARAMS_H

#include <stdint.h>

#define QUERY_DIGITS_MAX 18	/* digits of a number parameter: always fits an int64_t */

/* A non-negative decimal number: 0 when s is NULL or empty, -1 when it holds
 * anything but digits or more than QUERY_DIGITS_MAX of them. */
int64_t query_number_parse(const char *s);

#endif
