/* UTF-8 one code point at a time. */
#ifndef KOUAN_CORE_UTF8_H
#define KOUAN_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write cp (surrogates and values past U+10FFFF become U+FFFD) to out, which
 * has room for 4 bytes; returns the bytes written. */
size_t utf8_put(char *out, uint32_t cp);
/* Read one code point from a NUL-terminated string; a byte that does not
 * start a valid sequence reads as U+FFFD and is skipped alone. Returns the
 * bytes used (1 at the terminating NUL, with *cp = 0). */
size_t utf8_get(const char *s, uint32_t *cp);
/* src[0, len) into dst of size bytes (size > 0), NUL-terminated; cut short
 * when it does not fit, never inside a character. Returns the bytes copied. */
size_t utf8_copy(char *dst, size_t size, const char *src, size_t len);

/* A Han ideograph (CJK Unified Ideographs and Extension A). */
static inline bool utf8_is_han(uint32_t cp)
{
	return cp >= 0x3400 && cp <= 0x9FFF;
}

/* An ASCII letter or digit. */
static inline bool utf8_is_ascii_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

/* A Cyrillic letter (U+0400..U+04FF). */
static inline bool utf8_is_cyrillic(uint32_t cp)
{
	return cp >= 0x400 && cp <= 0x4FF;
}

/* The Cyrillic letter a Latin one looks like (A -> А, c -> с, ...), or 0. */
uint32_t utf8_cyrillic_twin(uint32_t latin);
/* A Cyrillic letter no Latin letter looks like (Б Д И Л Ы ...). */
bool utf8_cyrillic_only(uint32_t cp);

#endif
