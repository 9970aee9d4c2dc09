/* .xlsx: a zip (libzip, from memory) of XML parts (expat, streamed).
 *   _rels/.rels -> the workbook part -> its rels -> the sheets, in tab order,
 *   and the shared strings. Every part is inflated in chunks and fed to expat
 *   as it comes, against a limit per part and one for the whole file. */
#include "sheet/sheet_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>
#include <zip.h>

#include "core/log.h"

#define CHUNK_BYTES (64u << 10)
#define CELL_TEXT_MAX 4096	/* text kept of one inline cell; longer is cut */
#define PATH_MAX_BYTES 512	/* a part name */
#define MAX_RELS 4096		/* relationships kept of one rels part */

struct book {
	zip_t *za;
	zip_int64_t n_entries;
	uint64_t inflated;	/* over all parts read so far */
};

/* ---- zip members ---- */

/* Part names compare case-insensitively, '\' as '/', without a leading '/'. */
static int same_part(const char *a, const char *b)
{
	while (*a == '/' || *a == '\\')
		a++;
	while (*b == '/' || *b == '\\')
		b++;
	for (; *a && *b; a++, b++) {
		char x = *a == '\\' ? '/' : *a, y = *b == '\\' ? '/' : *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static zip_int64_t find_part(const struct book *b, const char *path)
{
	for (zip_int64_t i = 0; i < b->n_entries; i++) {
		const char *name = zip_get_name(b->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		if (name != NULL && same_part(name, path))
			return i;
	}
	return -1;
}

/* Inflates one member through the parser. K_OK, the handler's code, or
 * K_RESOURCE_LIMIT / K_NOT_SPREADSHEET. */
static enum kerr parse_part(struct book *b, zip_int64_t idx, uint64_t limit, struct xml_ctx *x)
{
	zip_stat_t st;
	if (zip_stat_index(b->za, (zip_uint64_t)idx, 0, &st) != 0)
		return K_NOT_SPREADSHEET;
	if ((st.valid & ZIP_STAT_SIZE) && (st.size > limit || b->inflated + st.size > SHEET_MAX_INFLATED))
		return K_RESOURCE_LIMIT;
	zip_file_t *f = zip_fopen_index(b->za, (zip_uint64_t)idx, 0);
	if (f == NULL)
		return K_NOT_SPREADSHEET;	/* encrypted, unknown compression */

	enum kerr err = K_OK;
	uint64_t total = 0;
	char *buf = xmalloc(CHUNK_BYTES);
	for (;;) {
		zip_int64_t n = zip_fread(f, buf, CHUNK_BYTES);
		if (n < 0) {
			err = K_NOT_SPREADSHEET;
			break;
		}
		total += (uint64_t)n;
		b->inflated += (uint64_t)n;
		if (total > limit || b->inflated > SHEET_MAX_INFLATED) {
			err = K_RESOURCE_LIMIT;
			break;
		}
		if (XML_Parse(x->p, buf, (int)n, n == 0) != XML_STATUS_OK) {
			err = x->err != K_OK ? x->err : K_NOT_SPREADSHEET;
			break;
		}
		if (n == 0)
			break;
	}
	free(buf);
	zip_fclose(f);
	if (err == K_OK && x->err != K_OK)
		err = x->err;
	return err;
}

/* ---- relationships ---- */

struct rel {
	char *id, *type, *target;
};

struct rels_ctx {
	struct xml_ctx x;
	struct rel *rels;
	size_t n, cap;
};

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rels_ctx *c = ud;
	if (strcmp(xml_local_name(name), "Relationship") != 0)
		return;
	const char *id = xml_attr(atts, "Id", 0), *type = xml_attr(atts, "Type", 0), *target = xml_attr(atts, "Target", 0);
	const char *mode = xml_attr(atts, "TargetMode", 0);
	if (id == NULL || target == NULL || (mode != NULL && strcasecmp(mode, "External") == 0))
		return;
	if (c->n == MAX_RELS) {
		xml_stop(&c->x, K_RESOURCE_LIMIT);
		return;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->rels = xrealloc(c->rels, c->cap * sizeof *c->rels);
	}
	c->rels[c->n++] = (struct rel){xstrdup(id), xstrdup(type ? type : ""), xstrdup(target)};
}

static void rels_free(struct rels_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->rels[i].id);
		free(c->rels[i].type);
		free(c->rels[i].target);
	}
	free(c->rels);
	c->rels = NULL;
	c->n = c->cap = 0;
}

/* Reads the rels part at path; a missing part is an empty list. */
static enum kerr load_rels(struct book *b, const char *path, struct rels_ctx *c)
{
	memset(c, 0, sizeof *c);
	zip_int64_t idx = find_part(b, path);
	if (idx < 0)
		return K_OK;
	XML_Parser p = xml_parser_new(&c->x, rels_start, NULL, NULL);
	enum kerr err = parse_part(b, idx, SHEET_MAX_SMALL_XML, &c->x);
	XML_ParserFree(p);
	return err;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const struct rel *rel_by_type(const struct rels_ctx *c, const char *suffix)
{
	for (size_t i = 0; i < c->n; i++)
		if (ends_with(c->rels[i].type, suffix))
			return &c->rels[i];
	return NULL;
}

static const struct rel *rel_by_id(const struct rels_ctx *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rels[i].id, id) == 0)
			return &c->rels[i];
	return NULL;
}

/* Resolves target against the folder of the part `from` into out, folding
 * "." and ".." segments. 0 on success, -1 when it does not fit. */
static int resolve(const char *from, const char *target, char *out, size_t cap)
{
	char joined[PATH_MAX_BYTES * 2];
	int n;
	if (target[0] == '/') {
		n = snprintf(joined, sizeof joined, "%s", target + 1);
	} else {
		const char *slash = strrchr(from, '/');
		int dir = slash ? (int)(slash - from + 1) : 0;
		n = snprintf(joined, sizeof joined, "%.*s%s", dir, from, target);
	}
	if (n < 0 || (size_t)n >= sizeof joined)
		return -1;
	size_t used = 0;
	for (char *seg = joined; *seg;) {
		char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (used > 0 && out[used - 1] == '/')
				used--;
			while (used > 0 && out[used - 1] != '/')
				used--;
		} else if (len > 0 && !(len == 1 && seg[0] == '.')) {
			if (used + len + 2 > cap)
				return -1;
			memcpy(out + used, seg, len);
			used += len;
			if (end)
				out[used++] = '/';
		}
		seg = end ? end + 1 : seg + len;
	}
	out[used] = '\0';
	return 0;
}

/* "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels" */
static int rels_path_of(const char *part, char *out, size_t cap)
{
	const char *slash = strrchr(part, '/');
	int dir = slash ? (int)(slash - part + 1) : 0;
	int n = snprintf(out, cap, "%.*s_rels/%s.rels", dir, part, part + dir);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* ---- the workbook: sheets in tab order ---- */

struct wb_sheet {
	char *rid;
	int hidden;
};

struct wb_ctx {
	struct xml_ctx x;
	struct wb_sheet sheets[SHEET_MAX_SHEETS];
	size_t n;
};

static void wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct wb_ctx *c = ud;
	if (strcmp(xml_local_name(name), "sheet") != 0 || c->n == SHEET_MAX_SHEETS)
		return;
	const char *rid = xml_attr(atts, "id", 1), *state = xml_attr(atts, "state", 0);
	if (rid == NULL)
		return;
	c->sheets[c->n].rid = xstrdup(rid);
	c->sheets[c->n].hidden = state != NULL && strcmp(state, "visible") != 0;
	c->n++;
}

/* ---- strings ---- */

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Undoes the _xHHHH_ escapes of OOXML strings (ST_Xstring) in place: Excel
 * writes a carriage return pasted into a cell as _x000D_. Returns the new
 * length; the text never grows (7 bytes become at most 3). */
static size_t unescape_xstring(char *s, size_t len)
{
	if (len < 7 || memchr(s, '_', len) == NULL)
		return len;
	size_t r = 0, w = 0;
	while (r < len) {
		if (s[r] == '_' && r + 7 <= len && s[r + 1] == 'x' && s[r + 6] == '_') {
			int v = 0, ok = 1;
			for (int k = 2; k < 6 && ok; k++) {
				int d = hex_digit(s[r + k]);
				ok = d >= 0;
				v = v * 16 + d;
			}
			if (ok && (v < 0xd800 || v > 0xdfff)) {
				w += (size_t)utf8proc_encode_char(v, (utf8proc_uint8_t *)s + w);
				r += 7;
				continue;
			}
		}
		s[w++] = s[r++];
	}
	return w;
}

/* ---- shared strings ---- */

struct sst {
	char *text;		/* all strings, back to back */
	size_t len, cap;
	uint32_t *start;	/* string i is text[start[i] .. start[i+1]) */
	size_t count, cap_start;
};

struct sst_ctx {
	struct xml_ctx x;
	struct sst *sst;
	int in_si, in_t, rph;	/* rph: inside phonetic runs, whose text is not the value */
};

static void sst_push_start(struct sst *s)
{
	if (s->count + 2 > s->cap_start) {
		s->cap_start = s->cap_start ? s->cap_start * 2 : 1024;
		s->start = xrealloc(s->start, s->cap_start * sizeof *s->start);
	}
}

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sst_ctx *c = ud;
	const char *l = xml_local_name(name);
	if (strcmp(l, "si") == 0) {
		c->in_si = 1;
		c->rph = 0;
		sst_push_start(c->sst);
		c->sst->start[c->sst->count] = (uint32_t)c->sst->len;
	} else if (strcmp(l, "rPh") == 0) {
		c->rph++;
	} else if (strcmp(l, "t") == 0 && c->in_si && c->rph == 0) {
		c->in_t = 1;
	}
}

static void sst_end(void *ud, const XML_Char *name)
{
	struct sst_ctx *c = ud;
	const char *l = xml_local_name(name);
	if (strcmp(l, "si") == 0 && c->in_si) {
		size_t from = c->sst->start[c->sst->count];
		c->sst->len = from + unescape_xstring(c->sst->text + from, c->sst->len - from);
		c->in_si = 0;
		c->sst->count++;
		c->sst->start[c->sst->count] = (uint32_t)c->sst->len;
	} else if (strcmp(l, "rPh") == 0 && c->rph > 0) {
		c->rph--;
	} else if (strcmp(l, "t") == 0) {
		c->in_t = 0;
	}
}

static void sst_text(void *ud, const XML_Char *s, int len)
{
	struct sst_ctx *c = ud;
	struct sst *t = c->sst;
	if (!c->in_t || len <= 0)
		return;
	/* The text cannot outgrow the part, which is capped; check anyway. */
	if (t->len + (size_t)len > SHEET_MAX_SST_XML) {
		xml_stop(&c->x, K_RESOURCE_LIMIT);
		return;
	}
	if (t->len + (size_t)len > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64 << 10;
		while (t->cap < t->len + (size_t)len)
			t->cap *= 2;
		t->text = xrealloc(t->text, t->cap);
	}
	memcpy(t->text + t->len, s, (size_t)len);
	t->len += (size_t)len;
}

static enum kerr load_sst(struct book *b, const char *path, struct sst *sst)
{
	zip_int64_t idx = find_part(b, path);
	if (idx < 0)
		return K_OK;	/* no shared strings: every text cell is inline */
	struct sst_ctx c = {.sst = sst};
	XML_Parser p = xml_parser_new(&c.x, sst_start, sst_end, sst_text);
	enum kerr err = parse_part(b, idx, SHEET_MAX_SST_XML, &c.x);
	XML_ParserFree(p);
	return err;
}

static void sst_free(struct sst *s)
{
	free(s->text);
	free(s->start);
	memset(s, 0, sizeof *s);
}

/* ---- a worksheet ---- */

struct ws_ctx {
	struct xml_ctx x;
	struct collector *col;
	const struct sst *sst;
	int in_data;		/* inside <sheetData> */
	int in_row, row_has_r;
	uint32_t row, next_col;
	int in_cell, want, in_v, in_is, in_t, rph;
	uint32_t cell_row, cell_col;
	char type;		/* 's' shared, 'i' inline, 'b' boolean, 'n' number, 'x' other text */
	char text[CELL_TEXT_MAX];
	size_t tlen;
};

static int is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Digits (blanks around allowed) up to max into *v: 0, or -1 when not that. */
static int parse_u32(const char *s, size_t len, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;
	size_t i = 0;
	while (i < len && is_ws(s[i]))
		i++;
	size_t start = i;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (uint64_t)(s[i] - '0');
		if (n > max)
			return -1;
	}
	if (i == start)
		return -1;
	while (i < len && is_ws(s[i]))
		i++;
	if (i != len)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

/* A row number 1..max; 0 when not one. */
static uint32_t parse_index(const char *s, size_t len, uint32_t max)
{
	uint32_t v;
	return parse_u32(s, len, max, &v) == 0 ? v : 0;
}

#define XL_MAX_ROW 1048576u
#define XL_MAX_COL 16384u

/* "B12" -> col 2, row 12 (either 0 when absent or out of range). */
static void parse_ref(const char *ref, uint32_t *col, uint32_t *row)
{
	uint32_t c = 0;
	size_t i = 0;
	*col = *row = 0;
	for (; ref[i] != '\0'; i++) {
		char ch = ref[i];
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch < 'A' || ch > 'Z')
			break;
		if (i == 3)
			return;	/* four letters: not a cell reference */
		c = c * 26 + (uint32_t)(ch - 'A' + 1);
	}
	if (c > XL_MAX_COL)
		return;
	*col = c;
	*row = parse_index(ref + i, strlen(ref + i), XL_MAX_ROW);
}

static void ws_start_cell(struct ws_ctx *c, const char **atts)
{
	const char *ref = xml_attr(atts, "r", 0), *t = xml_attr(atts, "t", 0);
	uint32_t col = 0, row = 0;
	if (ref != NULL)
		parse_ref(ref, &col, &row);
	if (col == 0)
		col = c->next_col;
	if (row != 0 && !c->row_has_r)
		c->row = row;	/* a <row> without r: the cell knows its row */
	c->next_col = col < XL_MAX_COL ? col + 1 : col;
	c->cell_row = c->row;
	c->cell_col = col;
	c->in_cell = 1;
	c->tlen = 0;
	c->in_v = c->in_is = c->in_t = c->rph = 0;
	c->want = collector_wants(c->col, c->cell_row, c->cell_col);
	c->type = 'n';
	if (t != NULL) {
		if (strcmp(t, "s") == 0)
			c->type = 's';
		else if (strcmp(t, "inlineStr") == 0)
			c->type = 'i';
		else if (strcmp(t, "b") == 0)
			c->type = 'b';
		else if (strcmp(t, "n") != 0)
			c->type = 'x';	/* str (formula text), e (error), d (ISO date) */
	}
}

static void ws_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ws_ctx *c = ud;
	const char *l = xml_local_name(name);
	if (!c->in_data) {
		if (strcmp(l, "sheetData") == 0)
			c->in_data = 1;
		return;
	}
	if (strcmp(l, "row") == 0) {
		const char *r = xml_attr(atts, "r", 0);
		uint32_t n = r ? parse_index(r, strlen(r), XL_MAX_ROW) : 0;
		c->row_has_r = n != 0;
		c->row = n != 0 ? n : (c->row < XL_MAX_ROW ? c->row + 1 : c->row);
		c->next_col = 1;
		c->in_row = 1;
	} else if (strcmp(l, "c") == 0 && c->in_row) {
		ws_start_cell(c, atts);
	} else if (c->in_cell) {
		if (strcmp(l, "v") == 0)
			c->in_v = 1;
		else if (strcmp(l, "is") == 0)
			c->in_is = 1;
		else if (strcmp(l, "rPh") == 0)
			c->rph++;
		else if (strcmp(l, "t") == 0 && c->in_is && c->rph == 0)
			c->in_t = 1;
	}
}

static void ws_text(void *ud, const XML_Char *s, int len)
{
	struct ws_ctx *c = ud;
	if (!c->want || !(c->in_v || c->in_t) || len <= 0)
		return;
	size_t room = sizeof c->text - c->tlen;
	size_t n = (size_t)len < room ? (size_t)len : room;
	memcpy(c->text + c->tlen, s, n);
	c->tlen += n;
}

static void ws_end_cell(struct ws_ctx *c)
{
	c->in_cell = 0;
	if (!c->want)
		return;
	const char *text = c->text;
	size_t len = utf8_cut(c->text, c->tlen, sizeof c->text);
	char num[64];
	switch (c->type) {
	case 's': {
		uint32_t i;
		if (parse_u32(c->text, c->tlen, UINT32_MAX - 1, &i) == 0 && i < c->sst->count) {
			text = c->sst->text + c->sst->start[i];
			len = c->sst->start[i + 1] - c->sst->start[i];
		} else {
			len = 0;
		}
		break;
	}
	case 'b':
		text = len == 1 && c->text[0] == '1' ? "TRUE" : len == 1 && c->text[0] == '0' ? "FALSE" : c->text;
		len = text == c->text ? len : strlen(text);
		break;
	case 'n':
		len = sheet_number_text(c->text, len, num, sizeof num);
		text = num;
		break;
	default:	/* inline strings, formula strings */
		len = unescape_xstring(c->text, len);
		break;
	}
	if (collector_cell(c->col, c->cell_row, c->cell_col, text, len))
		xml_stop(&c->x, c->col->err);
}

static void ws_end(void *ud, const XML_Char *name)
{
	struct ws_ctx *c = ud;
	const char *l = xml_local_name(name);
	if (!c->in_data)
		return;
	if (strcmp(l, "c") == 0 && c->in_cell)
		ws_end_cell(c);
	else if (strcmp(l, "row") == 0)
		c->in_row = 0;
	else if (strcmp(l, "v") == 0)
		c->in_v = 0;
	else if (strcmp(l, "is") == 0)
		c->in_is = 0;
	else if (strcmp(l, "rPh") == 0 && c->rph > 0)
		c->rph--;
	else if (strcmp(l, "t") == 0)
		c->in_t = 0;
	else if (strcmp(l, "sheetData") == 0)
		xml_stop(&c->x, K_OK);	/* nothing after it is ours */
}

/* Reads one worksheet into the collector. K_OK also when the collector
 * stopped it (the collector keeps its own reason). */
static enum kerr read_sheet(struct book *b, zip_int64_t idx, const struct sst *sst, struct collector *col)
{
	struct ws_ctx *c = xcalloc(1, sizeof *c);
	c->col = col;
	c->sst = sst;
	XML_Parser p = xml_parser_new(&c->x, ws_start, ws_end, ws_text);
	enum kerr err = parse_part(b, idx, SHEET_MAX_SHEET_XML, &c->x);
	/* A stop asked for by the collector, or at </sheetData>, is not an error. */
	if (err == K_NOT_SPREADSHEET && XML_GetErrorCode(p) == XML_ERROR_ABORTED && c->x.err == K_OK)
		err = K_OK;
	if (col->err != K_OK && err == col->err)
		err = K_OK;
	XML_ParserFree(p);
	free(c);
	return err;
}

/* ---- the whole book ---- */

/* Finds the workbook part: from the package rels, else the usual name. */
static enum kerr find_workbook(struct book *b, char *path, size_t cap)
{
	struct rels_ctx root;
	enum kerr err = load_rels(b, "_rels/.rels", &root);
	const struct rel *r = err == K_OK ? rel_by_type(&root, "/officeDocument") : NULL;
	int ok = r != NULL && resolve("", r->target, path, cap) == 0 && find_part(b, path) >= 0;
	rels_free(&root);
	if (err == K_RESOURCE_LIMIT)
		return err;
	if (!ok)
		snprintf(path, cap, "xl/workbook.xml");
	return find_part(b, path) >= 0 ? K_OK : K_NOT_SPREADSHEET;
}

struct sheet_list {
	char paths[SHEET_MAX_SHEETS][PATH_MAX_BYTES];
	size_t n;
	char sst[PATH_MAX_BYTES];
};

/* The worksheet parts, visible ones first, each in tab order. */
static enum kerr list_sheets(struct book *b, const char *wb_path, struct sheet_list *out)
{
	char rels_path[PATH_MAX_BYTES];
	struct rels_ctx rels;
	struct wb_ctx *wb = xcalloc(1, sizeof *wb);
	enum kerr err = K_NOT_SPREADSHEET;

	out->n = 0;
	out->sst[0] = '\0';
	if (rels_path_of(wb_path, rels_path, sizeof rels_path) != 0)
		goto out_wb;
	err = load_rels(b, rels_path, &rels);
	if (err != K_OK)
		goto out_rels;
	XML_Parser p = xml_parser_new(&wb->x, wb_start, NULL, NULL);
	err = parse_part(b, find_part(b, wb_path), SHEET_MAX_SMALL_XML, &wb->x);
	XML_ParserFree(p);
	if (err != K_OK)
		goto out_rels;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < wb->n; i++) {
			const struct rel *r = rel_by_id(&rels, wb->sheets[i].rid);
			if (wb->sheets[i].hidden != pass || r == NULL)
				continue;
			if (resolve(wb_path, r->target, out->paths[out->n], PATH_MAX_BYTES) == 0)
				out->n++;
		}
	const struct rel *s = rel_by_type(&rels, "/sharedStrings");
	if (s == NULL || resolve(wb_path, s->target, out->sst, sizeof out->sst) != 0)
		snprintf(out->sst, sizeof out->sst, "xl/sharedStrings.xml");
	if (out->n == 0) {	/* no usable workbook rels: the name every producer uses */
		snprintf(out->paths[0], PATH_MAX_BYTES, "xl/worksheets/sheet1.xml");
		out->n = 1;
	}
out_rels:
	rels_free(&rels);
out_wb:
	for (size_t i = 0; i < wb->n; i++)
		free(wb->sheets[i].rid);
	free(wb);
	return err;
}

/* Tries the sheets in order; the first with a VIN column gives the result. */
static enum kerr read_book(struct book *b, struct sheet_result *out)
{
	char wb_path[PATH_MAX_BYTES];
	struct sheet_list *list = xcalloc(1, sizeof *list);
	struct sst sst = {0};
	struct collector col;
	int sst_loaded = 0, any_sheet = 0;

	collector_init(&col);
	enum kerr err = find_workbook(b, wb_path, sizeof wb_path);
	if (err == K_OK)
		err = list_sheets(b, wb_path, list);
	for (size_t i = 0; err == K_OK && i < list->n; i++) {
		zip_int64_t idx = find_part(b, list->paths[i]);
		if (idx < 0)
			continue;
		any_sheet = 1;
		if (!sst_loaded) {
			err = load_sst(b, list->sst, &sst);
			sst_loaded = 1;
			if (err != K_OK)
				break;
		}
		collector_reset(&col);
		err = read_sheet(b, idx, &sst, &col);
		if (err != K_OK)
			break;
		if (col.have_header || col.err == K_TOO_MANY_ROWS) {
			err = collector_finish(&col, out);
			goto out;
		}
	}
	if (err == K_OK)
		err = !any_sheet ? K_NOT_SPREADSHEET : col.any_content ? K_NO_VIN_COLUMN : K_EMPTY_FILE;
out:
	collector_free(&col);
	sst_free(&sst);
	free(list);
	return err;
}

enum kerr sheet_read_xlsx(const unsigned char *data, size_t len, struct sheet_result *out)
{
	zip_error_t ze;
	memset(out, 0, sizeof *out);
	if (data == NULL || len == 0)
		return K_EMPTY_FILE;
	if (len > SHEET_MAX_FILE_BYTES)
		return K_RESOURCE_LIMIT;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (src == NULL) {
		zip_error_fini(&ze);
		return K_NOT_SPREADSHEET;
	}
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (za == NULL) {
		zip_source_free(src);
		return K_NOT_SPREADSHEET;
	}
	struct book b = {.za = za, .n_entries = zip_get_num_entries(za, 0)};
	enum kerr err;
	if (b.n_entries < 0)
		err = K_NOT_SPREADSHEET;
	else if (b.n_entries > SHEET_MAX_ZIP_ENTRIES)
		err = K_RESOURCE_LIMIT;
	else
		err = read_book(&b, out);
	zip_discard(za);
	return err;
}
