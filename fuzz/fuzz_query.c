/* libFuzzer driver: query strings as the handlers read them. The input is a
 * query string ("a=1&b=x%20y"); it is split at & and = as libmicrohttpd does
 * and each name and value decoded by framing_unescape (the server's unescape
 * callback, src/http/framing.c). Every value then goes through each of the
 * parsers the list and search handlers apply to their parameters, with their
 * answers checked:
 *  - query_number_parse (cursor, limit, site_id, since, ...): -1 or a number
 *    that prints back to the digits given (leading zeros aside);
 *  - crossing_date_parse (from, to, date): a date that formats back to itself;
 *  - domain_state, domain_kind, domain_action: the code at the index found;
 *  - lang_parse (lang): a language that exists;
 *  - parse_long (registrations' cursor): within its bounds. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/params.h"
#include "core/config.h"
#include "core/crossing.h"
#include "core/domain.h"
#include "core/error.h"
#include "http/framing.h"

#define FUZZ_QUERY_MAX 4096
#define NUMBER_TEXT_MAX 24

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void query_number_check(const char *v)
{
	int64_t n = query_number_parse(v);
	if (n < 0) {
		CHECK(n == -1);
		return;
	}
	char text[NUMBER_TEXT_MAX];
	snprintf(text, sizeof text, "%lld", (long long)n);
	const char *digits = v + strspn(v, "0");
	CHECK(strlen(v) <= QUERY_DIGITS_MAX);
	CHECK(*digits == '\0' ? n == 0 : strcmp(text, digits) == 0);
}

static void query_date_check(const char *v)
{
	int64_t day;
	char back[CROSSING_DATE_LEN + 1];
	if (crossing_date_parse(v, &day) != 0)
		return;
	crossing_date_format(day, back);
	CHECK(strcmp(back, v) == 0);
}

static void query_codes_check(const char *v)
{
	int i;
	if ((i = domain_state(v)) >= 0)
		CHECK(i < STATE_COUNT && strcmp(domain_states[i].code, v) == 0);
	if ((i = domain_kind(v)) >= 0)
		CHECK(i < KIND_COUNT && strcmp(domain_kinds[i].code, v) == 0);
	if ((i = domain_action(v)) >= 0)
		CHECK(i < ACTION_COUNT && strcmp(domain_actions[i].code, v) == 0);
	int l = lang_parse(v, (int)strlen(v));
	CHECK(l >= -1 && l < LANG_COUNT);
	long after;
	if (parse_long(v, 0, LONG_MAX, &after) == 0)
		CHECK(after >= 0);
}

static void query_value(char *v)
{
	size_t before = strlen(v);
	CHECK(framing_unescape(v) <= before);	/* decoding never lengthens */
	query_number_check(v);
	query_date_check(v);
	query_codes_check(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_QUERY_MAX)
		return 0;
	char *q = malloc(size + 1);
	memcpy(q, data, size);
	q[size] = '\0';
	for (char *arg = q, *amp; arg != NULL; arg = amp ? amp + 1 : NULL) {
		amp = strchr(arg, '&');
		if (amp)
			*amp = '\0';
		char *eq = strchr(arg, '=');
		if (eq)
			*eq = '\0';
		query_value(arg);	/* the name is decoded too */
		if (eq)
			query_value(eq + 1);
	}
	free(q);
	return 0;
}
