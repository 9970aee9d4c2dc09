/* .csv (and the tab-separated "Unicode text" Excel saves): text in UTF-8
 * with or without BOM, UTF-16 with BOM, or GBK/GB18030 (what Excel on a
 * Chinese Windows writes), comma, semicolon or tab separated, RFC 4180
 * quoting (leniently). The delimiter is the one under which a VIN header
 * appears. */
#include "sheet/sheet_internal.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/log.h"

#define FIELD_MAX 4096		/* text kept of one field; longer is cut */
#define SHAPE_RECORDS 50	/* records looked at to judge whether text is a table */
#define SHAPE_MAX_FIELDS 64

static const char delimiters[] = {',', ';', '\t'};

/* Converts from `from` to UTF-8 into a new buffer; NULL when the bytes are
 * not in that encoding. */
static char *to_utf8(const char *from, const unsigned char *in, size_t len, size_t *out_len)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = len * 2 + 16;
	char *out = xmalloc(cap);
	char *src = (char *)in, *dst = out;
	size_t left = len, room = cap;
	size_t r = iconv(cd, &src, &left, &dst, &room);
	if (r != (size_t)-1)
		r = iconv(cd, NULL, NULL, &dst, &room);
	iconv_close(cd);
	if (r == (size_t)-1) {
		free(out);
		return NULL;
	}
	*out_len = cap - room;
	return out;
}

static int valid_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		int32_t c;
		utf8proc_ssize_t step = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &c);
		if (step <= 0)
			return 0;
		i += (size_t)step;
	}
	return 1;
}

/* Text has no control characters but tab, CR, LF (and a DOS end-of-file
 * mark at the very end); binary files always do. */
static int looks_like_text(const char *s, size_t len)
{
	while (len > 0 && s[len - 1] == 0x1a)
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
			return 0;
	}
	return 1;
}

/* How records are shaped, to tell a table without a VIN column from prose. */
struct shape {
	unsigned records;
	unsigned fields[SHAPE_RECORDS];
	unsigned char single_short[SHAPE_RECORDS];	/* one field of a list's length, no blank inside */
};

#define LIST_VALUE_MAX 40	/* a value in a one-column list, not a line of prose */

struct csv_parse {
	const char *s;
	size_t n, i;
	char delim;
	uint32_t line;
	char field[FIELD_MAX];
	size_t flen;
};

static void keep(struct csv_parse *p, char ch, int want)
{
	if (want && p->flen < sizeof p->field)
		p->field[p->flen++] = ch;
}

/* Reads one field at p->i; leaves p->i on the delimiter, line end or end. */
static void read_field(struct csv_parse *p, int want)
{
	p->flen = 0;
	if (p->i < p->n && p->s[p->i] == '"') {
		p->i++;
		while (p->i < p->n) {
			char ch = p->s[p->i];
			if (ch == '"') {
				if (p->i + 1 < p->n && p->s[p->i + 1] == '"') {
					keep(p, '"', want);
					p->i += 2;
					continue;
				}
				p->i++;
				break;
			}
			if (ch == '\n' || (ch == '\r' && !(p->i + 1 < p->n && p->s[p->i + 1] == '\n')))
				p->line++;
			keep(p, ch, want);
			p->i++;
		}
	}
	/* Unquoted text, or what trails a closing quote (kept, leniently). */
	while (p->i < p->n) {
		char ch = p->s[p->i];
		if (ch == p->delim || ch == '\n' || ch == '\r')
			break;
		keep(p, ch, want);
		p->i++;
	}
}

/* Parses the text with one delimiter into the collector, noting the shape of
 * the first records. */
static void parse(const char *s, size_t n, char delim, struct collector *col, struct shape *shape)
{
	struct csv_parse *p = xmalloc(sizeof *p);
	*p = (struct csv_parse){.s = s, .n = n, .delim = delim, .line = 1};
	shape->records = 0;
	while (p->i < p->n) {
		uint32_t row = p->line, field = 1;
		int blank = 1, stop = 0, short_word = 0;
		for (;;) {
			int want = collector_wants(col, row, field);
			read_field(p, want);
			if (p->flen > 0)
				blank = 0;
			if (field == 1)
				short_word = p->flen <= LIST_VALUE_MAX && memchr(p->field, ' ', p->flen) == NULL;
			if (want && collector_cell(col, row, field, p->field, utf8_cut(p->field, p->flen, sizeof p->field)))
				stop = 1;
			if (stop || p->i >= p->n || p->s[p->i] != delim)
				break;
			p->i++;
			field++;
		}
		if (!blank && shape->records < SHAPE_RECORDS) {
			shape->single_short[shape->records] = field == 1 && short_word;
			shape->fields[shape->records++] = field;
		}
		if (stop)
			break;
		if (p->i < p->n && p->s[p->i] == '\r')
			p->i++;
		if (p->i < p->n && p->s[p->i] == '\n')
			p->i++;
		p->line++;
	}
	free(p);
}

/* A table: most records have the same number (two or more) of fields, or
 * most are one short value (a one-column list); not lines of prose. */
static int is_table(const struct shape *sh)
{
	unsigned count[SHAPE_MAX_FIELDS + 1] = {0}, best = 0, best_n = 0, list = 0;
	for (unsigned i = 0; i < sh->records; i++)
		list += sh->single_short[i];
	if (sh->records > 0 && list * 5 >= sh->records * 4)
		return 1;
	for (unsigned i = 0; i < sh->records; i++) {
		unsigned f = sh->fields[i] > SHAPE_MAX_FIELDS ? SHAPE_MAX_FIELDS : sh->fields[i];
		if (++count[f] > best_n) {
			best_n = count[f];
			best = f;
		}
	}
	return best >= 2 && best_n * 5 >= sh->records * 4;
}

/* Nothing but blanks, delimiters and quotes. */
static int no_content(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\",;", s[i]) || s[i] == '\0')
			return 0;
	return 1;
}

static enum kerr read_text(const char *s, size_t n, struct sheet_result *out)
{
	struct collector col;
	struct shape shape;
	int table = 0;
	enum kerr err = K_NO_VIN_COLUMN;

	if (!looks_like_text(s, n))
		return K_NOT_SPREADSHEET;
	while (n > 0 && s[n - 1] == 0x1a)	/* DOS end-of-file marks */
		n--;
	if (no_content(s, n))
		return K_EMPTY_FILE;
	collector_init(&col);
	for (size_t d = 0; d < sizeof delimiters; d++) {
		collector_reset(&col);
		parse(s, n, delimiters[d], &col, &shape);
		table |= is_table(&shape);
		if (col.have_header || col.err == K_TOO_MANY_ROWS) {
			err = collector_finish(&col, out);
			goto out;
		}
	}
	err = table ? K_NO_VIN_COLUMN : K_NOT_SPREADSHEET;
out:
	collector_free(&col);
	return err;
}

enum kerr sheet_read_csv(const unsigned char *data, size_t len, struct sheet_result *out)
{
	const char *from = NULL;
	size_t skip = 0;

	memset(out, 0, sizeof *out);
	if (data == NULL || len == 0)
		return K_EMPTY_FILE;
	if (len > SHEET_MAX_FILE_BYTES)
		return K_RESOURCE_LIMIT;
	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
		skip = 3;
	else if (len >= 2 && data[0] == 0xff && data[1] == 0xfe)
		from = "UTF-16LE", skip = 2;
	else if (len >= 2 && data[0] == 0xfe && data[1] == 0xff)
		from = "UTF-16BE", skip = 2;
	else if (!valid_utf8(data, len))
		from = "GB18030";	/* a superset of GBK and GB2312 */
	if (from == NULL) {
		if (skip == 3 && !valid_utf8(data + skip, len - skip))
			return K_NOT_SPREADSHEET;
		return read_text((const char *)data + skip, len - skip, out);
	}
	size_t n;
	char *text = to_utf8(from, data + skip, len - skip, &n);
	if (text == NULL)
		return K_NOT_SPREADSHEET;
	enum kerr err = read_text(text, n, out);
	free(text);
	return err;
}
