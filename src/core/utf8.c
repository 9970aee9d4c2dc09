/* UTF-8 one code point at a time, for the readers that work on code points. */
#include "core/utf8.h"

#include <string.h>

size_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x10000)
		return utf8_put(out, cp);
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_get(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
		return 2;
	}
	if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
		return 3;
	}
	if ((u[0] & 0xF8) == 0xF0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 && (u[3] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
			((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

size_t utf8_copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;	/* do not cut a character in two */
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return len;
}

/* Latin letters and the Cyrillic ones printed the same. */
static const struct {
	char latin;
	uint32_t cyrillic;
} twins[] = {
	{'A', 0x410}, {'B', 0x412}, {'C', 0x421}, {'E', 0x415}, {'H', 0x41D}, {'K', 0x41A}, {'M', 0x41C},
	{'O', 0x41E}, {'P', 0x420}, {'T', 0x422}, {'X', 0x425}, {'Y', 0x423}, {'a', 0x430}, {'c', 0x441},
	{'e', 0x435}, {'o', 0x43E}, {'p', 0x440}, {'x', 0x445}, {'y', 0x443},
};

uint32_t utf8_cyrillic_twin(uint32_t latin)
{
	for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++)
		if ((uint32_t)(unsigned char)twins[i].latin == latin)
			return twins[i].cyrillic;
	return 0;
}

bool utf8_cyrillic_only(uint32_t cp)
{
	if (!utf8_is_cyrillic(cp))
		return false;
	for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++)
		if (twins[i].cyrillic == cp)
			return false;
	return true;
}
