#include "core/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

int parse_long(const char *s, long min, long max, long *out)
{
	if (s == NULL || *s == '\0')
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int set_value(const struct config_option *o, void *cfg, const char *value, const char *source)
{
	char *slot = (char *)cfg + o->offset;
	char why[160] = "";
	long v;
	switch (o->type) {
	case CONFIG_STRING:
		if (o->max > 0 && (long)strlen(value) > o->max) {
			snprintf(why, sizeof why, "longer than %ld characters", o->max);
			break;
		}
		if (o->check && o->check(value, why, sizeof why) != 0)
			break;
		*(const char **)slot = value;
		return 0;
	case CONFIG_INT:
		if (parse_long(value, o->min, o->max, &v) != 0) {
			snprintf(why, sizeof why, "must be a whole number from %ld to %ld", o->min, o->max);
			break;
		}
		*(long *)slot = v;
		return 0;
	case CONFIG_BOOL:
		if (strcmp(value, "1") == 0 || strcmp(value, "true") == 0 || strcmp(value, "yes") == 0) {
			*(int *)slot = 1;
			return 0;
		}
		if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0 || strcmp(value, "no") == 0 || !*value) {
			*(int *)slot = 0;
			return 0;
		}
		snprintf(why, sizeof why, "must be true or false");
		break;
	case CONFIG_LEVEL:
		if (log_level_parse(value) < 0) {
			snprintf(why, sizeof why, "must be debug, info, warn or error");
			break;
		}
		*(int *)slot = log_level_parse(value);
		return 0;
	}
	fprintf(stderr, "kouan: %s %s='%s': %s\n", source, o->env && strcmp(source, "environment") == 0 ? o->env : o->flag,
		value, why);
	return -1;
}

void config_usage(const struct config_option *opts, size_t n, const char *usage_line, FILE *f)
{
	fprintf(f, "usage: %s\n\noptions (each also read from its environment variable; the flag wins):\n", usage_line);
	for (size_t i = 0; i < n; i++) {
		const struct config_option *o = &opts[i];
		char flag[64];
		snprintf(flag, sizeof flag, "%s%s", o->flag, o->type == CONFIG_BOOL ? "" : " VALUE");
		fprintf(f, "  %-26s %s", flag, o->help);
		if (o->def && *o->def)
			fprintf(f, " (default %s)", o->def);
		if (o->env)
			fprintf(f, " [%s]", o->env);
		fputc('\n', f);
	}
	fprintf(f, "  %-26s %s\n", "--help", "show this help");
}

int config_parse(const struct config_option *opts, size_t n, void *cfg, int argc, char **argv,
	const char *usage_line)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].def && set_value(&opts[i], cfg, opts[i].def, "default") != 0)
			return 2;
	for (size_t i = 0; i < n; i++) {
		const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
		if (v && set_value(&opts[i], cfg, v, "environment") != 0)
			return 2;
	}
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			config_usage(opts, n, usage_line, stdout);
			return 1;
		}
		const char *eq = strchr(arg, '=');
		size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct config_option *o = NULL;
		for (size_t i = 0; i < n; i++)
			if (strlen(opts[i].flag) == name_len && strncmp(opts[i].flag, arg, name_len) == 0)
				o = &opts[i];
		if (o == NULL) {
			fprintf(stderr, "kouan: unknown option '%s'\n", arg);
			config_usage(opts, n, usage_line, stderr);
			return 2;
		}
		const char *value;
		if (eq)
			value = eq + 1;
		else if (o->type == CONFIG_BOOL)
			value = "true";
		else if (a + 1 < argc)
			value = argv[++a];
		else {
			fprintf(stderr, "kouan: option %s needs a value\n", o->flag);
			return 2;
		}
		if (set_value(o, cfg, value, "option") != 0)
			return 2;
	}
	return 0;
}
