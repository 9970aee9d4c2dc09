/* The collector: header detection and the VIN checks, fed cell by cell by
 * whichever reader understood the file. */
#include "sheet/sheet_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* Room for 17 characters of up to 4 bytes, so a 17-character value with
 * non-ASCII characters is seen whole (and refused for its characters). */
#define NORM_CAP (SHEET_VIN_LEN * 4 + 1)

void collector_init(struct collector *c)
{
	memset(c, 0, sizeof *c);
	c->slots = xcalloc(COLLECT_HASH_SLOTS, sizeof *c->slots);
}

void collector_free(struct collector *c)
{
	sheet_result_free(&c->res);
	free(c->slots);
	c->slots = NULL;
}

void collector_reset(struct collector *c)
{
	uint16_t *slots = c->slots;
	int any = c->any_content;

	sheet_result_free(&c->res);
	memset(slots, 0, COLLECT_HASH_SLOTS * sizeof *slots);
	memset(c, 0, sizeof *c);
	c->slots = slots;
	c->any_content = any;	/* content anywhere in the workbook counts */
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;
	/* Back up to the lead byte of the last character; drop it when the
	 * bytes it announces are not all there (the text was cut inside it). */
	size_t start = n;
	while (start > 0 && n - start < 4 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return n;
	unsigned char lead = (unsigned char)s[start - 1];
	size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return n - (start - 1) < need ? start - 1 : n;
}

static uint32_t vin_hash(const char *v)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < SHEET_VIN_LEN; i++)
		h = (h ^ (unsigned char)v[i]) * 16777619u;
	return h;
}

/* Adds the VIN unless it was accepted before; 1 when it was a duplicate. */
static int accept_vin(struct collector *c, const char *vin)
{
	uint32_t i = vin_hash(vin) & (COLLECT_HASH_SLOTS - 1);
	for (; c->slots[i] != 0; i = (i + 1) & (COLLECT_HASH_SLOTS - 1))
		if (memcmp(c->res.vins[c->slots[i] - 1], vin, SHEET_VIN_LEN) == 0)
			return 1;
	if (c->res.n_vins == c->cap_vins) {
		c->cap_vins = c->cap_vins ? c->cap_vins * 2 : 64;
		c->res.vins = xrealloc(c->res.vins, c->cap_vins * sizeof *c->res.vins);
	}
	memcpy(c->res.vins[c->res.n_vins], vin, SHEET_VIN_LEN + 1);
	c->slots[i] = (uint16_t)++c->res.n_vins;
	return 0;
}

static void reject(struct collector *c, uint32_t row, const char *text, size_t len, enum sheet_reason why)
{
	if (c->res.n_rejected == c->cap_rejected) {
		c->cap_rejected = c->cap_rejected ? c->cap_rejected * 2 : 16;
		c->res.rejected = xrealloc(c->res.rejected, c->cap_rejected * sizeof *c->res.rejected);
	}
	struct sheet_rejected *r = &c->res.rejected[c->res.n_rejected++];
	r->row = row;
	r->value = xstrndup(text, utf8_cut(text, len, SHEET_MAX_VALUE_BYTES));
	r->reason = why;
}

static int is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static int data_cell(struct collector *c, uint32_t row, const char *text, size_t len)
{
	char norm[NORM_CAP];
	int n = sheet_vin_normalize(text, len, norm, sizeof norm);
	if (n == 0)
		return 0;	/* empty after normalisation: skipped silently */
	if (++c->data_rows > SHEET_MAX_DATA_ROWS) {
		c->err = K_TOO_MANY_ROWS;
		return 1;
	}
	enum sheet_reason why = n < 0 ? SHEET_INVALID_CHARACTERS : sheet_vin_classify(norm, (size_t)n);
	if (why == SHEET_VIN_OK && accept_vin(c, norm))
		why = SHEET_DUPLICATE;
	if (why != SHEET_VIN_OK)
		reject(c, row, text, len, why);
	return 0;
}

int collector_cell(struct collector *c, uint32_t row, uint32_t col, const char *text, size_t len)
{
	if (c->err != K_OK)
		return 1;
	if (!c->any_content && !is_blank(text, len))
		c->any_content = 1;
	if (c->have_header) {
		if (row > c->header_row && col == c->vin_col)
			return data_cell(c, row, text, len);
		return 0;
	}
	if (row > SHEET_HEADER_ROWS) {
		c->err = K_NO_VIN_COLUMN;
		return 1;
	}
	if (sheet_is_vin_header(text, len)) {
		c->have_header = 1;
		c->header_row = row;
		c->vin_col = col;
	}
	return 0;
}

enum kerr collector_finish(struct collector *c, struct sheet_result *out)
{
	if (c->err == K_TOO_MANY_ROWS)
		return K_TOO_MANY_ROWS;
	if (!c->have_header)
		return c->any_content ? K_NO_VIN_COLUMN : K_EMPTY_FILE;
	c->res.header_row = c->header_row;
	c->res.vin_column = c->vin_col;
	*out = c->res;
	memset(&c->res, 0, sizeof c->res);
	c->cap_vins = c->cap_rejected = 0;
	return K_OK;
}

/* Numbers as a person would read them: 1.2345E+16 -> 12345000000000000;
 * everything else as stored. */
size_t sheet_number_text(const char *s, size_t len, char *out, size_t cap)
{
	char tmp[64];
	if (len > 0 && len < sizeof tmp && (memchr(s, 'E', len) || memchr(s, 'e', len))) {
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		char *end;
		double d = strtod(tmp, &end);
		if (*end == '\0' && isfinite(d) && fabs(d) < 1e17 && d == floor(d)) {
			int n = snprintf(out, cap, "%.0f", d);
			if (n > 0 && (size_t)n < cap)
				return (size_t)n;
		}
	}
	size_t n = len < cap ? len : cap;
	memcpy(out, s, n);
	return utf8_cut(out, n, cap);
}

