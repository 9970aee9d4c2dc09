/* One line per event on standard error: `ts=... level=... msg=... key=value`. */
#ifndef KOUAN_CORE_LOG_H
#define KOUAN_CORE_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

extern enum log_level log_threshold;

/* "debug", "info", "warn", "error" -> level; -1 when unknown. */
int log_level_parse(const char *s);
void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG(level, ...) \
	do { \
		if ((level) >= log_threshold) \
			log_write((level), __VA_ARGS__); \
	} while (0)
#define log_debug(...) LOG(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) LOG(LOG_INFO, __VA_ARGS__)
#define log_warn(...) LOG(LOG_WARN, __VA_ARGS__)
#define log_error(...) LOG(LOG_ERROR, __VA_ARGS__)

/* Allocation that cannot fail: logs and aborts when memory is exhausted. */
void *xmalloc(unsigned long n);
void *xcalloc(unsigned long n, unsigned long size);
void *xrealloc(void *p, unsigned long n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, unsigned long n);

#endif
