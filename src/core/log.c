#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum log_level log_threshold = LOG_INFO;

static const char *const names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void log_write(enum log_level level, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s ",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000000, names[level & 3]);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = strlen(line);
	line[len++] = '\n';
	fwrite(line, 1, len, stderr);
}

static void *checked(void *p, unsigned long n)
{
	if (p == NULL && n != 0) {
		log_error("msg=\"out of memory\" bytes=%lu", n);
		abort();
	}
	return p;
}

void *xmalloc(unsigned long n) { return checked(malloc(n ? n : 1), n); }
void *xcalloc(unsigned long n, unsigned long size) { return checked(calloc(n ? n : 1, size ? size : 1), n * size); }
void *xrealloc(void *p, unsigned long n) { return checked(realloc(p, n ? n : 1), n); }
char *xstrdup(const char *s) { return checked(strdup(s), strlen(s) + 1); }
char *xstrndup(const char *s, unsigned long n) { return checked(strndup(s, n), n + 1); }
