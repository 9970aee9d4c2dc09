/* One declarative table of options per command: each option is a flag with an
 * environment-variable twin (the flag wins), a default and bounds, validated
 * before anything starts. */
#ifndef KOUAN_CORE_CONFIG_H
#define KOUAN_CORE_CONFIG_H

#include <stddef.h>
#include <stdio.h>

enum config_type { CONFIG_STRING, CONFIG_INT, CONFIG_BOOL, CONFIG_LEVEL };

struct config_option {
	const char *flag;	/* "--listen" */
	const char *env;	/* "KOUAN_LISTEN", or NULL */
	enum config_type type;
	const char *def;	/* default as text */
	long min, max;		/* CONFIG_INT bounds; CONFIG_STRING: max length */
	size_t offset;		/* where the value goes in the caller's struct */
	const char *help;
	int (*check)(const char *value, char *why, size_t why_len);	/* optional */
};

/* Fill cfg from the defaults, the environment, then argv (argv[0] is the
 * command's name). Returns 0, or 2 after printing a message on a bad value
 * or flag; 1 when --help was printed. Strings in cfg point into argv, the
 * environment or the table (never freed). */
int config_parse(const struct config_option *opts, size_t n, void *cfg, int argc, char **argv,
	const char *usage_line);
void config_usage(const struct config_option *opts, size_t n, const char *usage_line, FILE *f);

/* Checked integer parsing: the whole string must be a decimal number in [min, max]. */
int parse_long(const char *s, long min, long max, long *out);

#endif
