/* The form reader: an export declaration's fields from positioned text.
 *
 * Works on struct rec_doc alone (a PDF's text layer or OCR glyphs alike):
 * cells are found by their labels and by geometry (what lies under a label
 * or beside it, bounded by the next labels and by ruling lines), never by
 * fixed coordinates or drawing order. Pure: no I/O, no globals. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/form.h"
#include "recognize/ocr_fix.h"
#include "recognize/ocr_snap.h"
#include "recognize/ocr_trim.h"
#include "recognize/fields_util.h"
#include "recognize/bundle.h"
#include "recognize/sources.h"
#include "validate/validate.h"

enum {
	L_PRE_ENTRY = 1, L_DECL_NO, L_PAGE,
	L_SHIPPER, L_EXIT_CUSTOMS, L_EXPORT_DATE, L_DECLARE_DATE, L_RECORD,
	L_CONSIGNEE, L_TRANSPORT_MODE, L_TRANSPORT_NAME, L_BILL,
	L_PRODUCER, L_SUPERVISION, L_EXEMPTION_NATURE, L_LICENSE,
	L_CONTRACT, L_TRADE_COUNTRY, L_DEST_COUNTRY, L_DEST_PORT, L_DEPARTURE_PORT,
	L_PACKAGE_KIND, L_PACKAGES, L_GROSS, L_NET, L_TERMS, L_FREIGHT, L_INSURANCE, L_MISC,
	L_OLD_SETTLEMENT, L_OLD_APPROVAL, L_OLD_CONTAINERS, L_OLD_MAKER,
	L_DOCS, L_REMARKS, L_REMARKS_CONT,
	L_I_NO, L_I_HS, L_I_NAME, L_I_SPEC, L_I_QTY, L_I_PRICE, L_I_TOTAL, L_I_CURRENCY, L_I_ORIGIN, L_I_DEST, L_I_REGION, L_I_EXEMPT,
	L_F_SPECIAL, L_F_PRICE, L_F_ROYALTY, L_F_FORMULA, L_F_PROVISIONAL, L_F_SELF,
	L_F_PERSON, L_F_PERSON_NO, L_F_PHONE, L_F_STATEMENT, L_F_AGENT, L_F_AGENT_SEAL, L_F_CUSTOMS,
	L_IMP_CONSIGNEE, L_IMP_CUSTOMS, L_IMP_DATE, L_IMP_REGION, L_IMP_SHIPPER,
	L_COUNT
};

/* Label texts as printed, with the synonyms of older forms and other
 * producers; normalised like the glyphs (ASCII brackets and colons). */
static const struct label_def label_defs[] = {
	{L_PRE_ENTRY, "预录入编号", 0, LABEL_OCR_FUZZY}, {L_DECL_NO, "海关编号", 0, LABEL_OCR_FUZZY},
	{L_DECL_NO, "报关单号", 0, LABEL_OCR_FUZZY},
	{L_PAGE, "页码/页数", 0, LABEL_OCR_FUZZY}, {L_PAGE, "页码", 0, LABEL_OCR_FUZZY},
	{L_SHIPPER, "境内发货人", 0, LABEL_OCR_FUZZY}, {L_SHIPPER, "经营单位", 0, LABEL_OCR_FUZZY},
	{L_SHIPPER, "收发货人", 0, LABEL_OCR_FUZZY},
	{L_EXIT_CUSTOMS, "出境关别", 0, LABEL_OCR_FUZZY}, {L_EXIT_CUSTOMS, "出口口岸", 0, LABEL_OCR_FUZZY},
	{L_EXPORT_DATE, "出口日期", 0, LABEL_OCR_FUZZY}, {L_DECLARE_DATE, "申报日期", 0, LABEL_OCR_FUZZY},
	{L_RECORD, "备案号", 0, LABEL_OCR_FUZZY},
	{L_CONSIGNEE, "境外收货人", 0, LABEL_OCR_FUZZY}, {L_TRANSPORT_MODE, "运输方式", 0, LABEL_OCR_FUZZY},
	{L_TRANSPORT_NAME, "运输工具名称及航次号", 0, LABEL_OCR_FUZZY}, {L_TRANSPORT_NAME, "运输工具名称", 0, LABEL_OCR_FUZZY},
	{L_BILL, "提运单号", 0, LABEL_OCR_FUZZY}, {L_PRODUCER, "生产销售单位", 0, LABEL_OCR_FUZZY},
	{L_PRODUCER, "发货单位", 0, LABEL_OCR_FUZZY},
	{L_SUPERVISION, "监管方式", 0, LABEL_OCR_FUZZY}, {L_SUPERVISION, "贸易方式", 0, LABEL_OCR_FUZZY},
	{L_EXEMPTION_NATURE, "征免性质", 0, LABEL_OCR_FUZZY}, {L_LICENSE, "许可证号", 0, LABEL_OCR_FUZZY},
	{L_CONTRACT, "合同协议号", 0, LABEL_OCR_FUZZY},
	{L_TRADE_COUNTRY, "贸易国(地区)", 0, LABEL_OCR_FUZZY}, {L_TRADE_COUNTRY, "贸易国", 0, LABEL_OCR_FUZZY},
	{L_DEST_COUNTRY, "运抵国(地区)", 0, LABEL_OCR_FUZZY}, {L_DEST_COUNTRY, "运抵国", 0, LABEL_OCR_FUZZY},
	{L_DEST_PORT, "指运港", 0, LABEL_OCR_FUZZY}, {L_DEPARTURE_PORT, "离境口岸", 0, LABEL_OCR_FUZZY},
	{L_PACKAGE_KIND, "包装种类", 0, LABEL_OCR_FUZZY}, {L_PACKAGES, "件数", 0, LABEL_OCR_SHORT},
	{L_GROSS, "毛重(千克)", 0, LABEL_OCR_FUZZY}, {L_GROSS, "毛重(公斤)", 0, LABEL_OCR_FUZZY},
	{L_GROSS, "毛重", 0, LABEL_OCR_SHORT},
	{L_NET, "净重(千克)", 0, LABEL_OCR_FUZZY}, {L_NET, "净重(公斤)", 0, LABEL_OCR_FUZZY},
	{L_NET, "净重", 0, LABEL_OCR_SHORT},
	{L_TERMS, "成交方式", 0, LABEL_OCR_FUZZY}, {L_FREIGHT, "运费", 0, LABEL_OCR_FUZZY},
	{L_INSURANCE, "保费", 0, LABEL_OCR_FUZZY}, {L_MISC, "杂费", 0, LABEL_OCR_FUZZY},
	{L_DOCS, "随附单证及编号", 0, LABEL_OCR_FUZZY}, {L_DOCS, "随附单据", 0, LABEL_OCR_FUZZY},
	{L_DOCS, "随附单证", 0, LABEL_OCR_FUZZY},
	/* cells of the pre-2018 form that are not read, but bound their neighbours */
	{L_OLD_SETTLEMENT, "结汇方式", 0, LABEL_OCR_FUZZY}, {L_OLD_APPROVAL, "批准文号", 0, LABEL_OCR_FUZZY},
	{L_OLD_CONTAINERS, "集装箱号", 0, LABEL_OCR_FUZZY},
	{L_OLD_MAKER, "生产厂家", 0, LABEL_OCR_FUZZY},
	{L_REMARKS, "标记唛码及备注", 0, LABEL_OCR_FUZZY}, {L_REMARKS_CONT, "标记唛码及备注(续)", 0, LABEL_OCR_FUZZY},
	{L_I_NO, "项号", 0, LABEL_OCR_SHORT}, {L_I_HS, "商品编号", 0, LABEL_OCR_FUZZY},
	{L_I_NAME, "商品名称及规格型号", 0, LABEL_OCR_FUZZY}, {L_I_NAME, "商品名称、规格型号", 0, LABEL_OCR_FUZZY},
	{L_I_NAME, "商品名称", 0, LABEL_OCR_FUZZY}, {L_I_SPEC, "规格型号", 0, LABEL_OCR_FUZZY},
	{L_I_SPEC, "申报要素", 0, LABEL_OCR_FUZZY},	/* separate columns or a row */
	{L_I_QTY, "数量及单位", 0, LABEL_OCR_FUZZY}, {L_I_PRICE, "单价/总价/币制", 0, LABEL_OCR_FUZZY},
	{L_I_PRICE, "单价", 0, LABEL_OCR_SHORT}, {L_I_TOTAL, "总价", 0, LABEL_OCR_SHORT},
	{L_I_CURRENCY, "币制", 0, LABEL_OCR_SHORT},	/* separate columns */
	{L_I_ORIGIN, "原产国(地区)", 0, LABEL_OCR_FUZZY}, {L_I_DEST, "最终目的国(地区)", 0, LABEL_OCR_FUZZY},
	{L_I_REGION, "境内货源地", 0, LABEL_OCR_FUZZY}, {L_I_EXEMPT, "征免", 0, LABEL_OCR_SHORT},
	{L_F_SPECIAL, "特殊关系确认", 1, LABEL_OCR_FUZZY}, {L_F_PRICE, "价格影响确认", 1, LABEL_OCR_FUZZY},
	{L_F_ROYALTY, "支付特许权使用费确认", 1, LABEL_OCR_FUZZY},
	{L_F_FORMULA, "公式定价确认", 1, LABEL_OCR_FUZZY}, {L_F_PROVISIONAL, "暂定价格确认", 1, LABEL_OCR_FUZZY},
	{L_F_SELF, "自报自缴", 1, LABEL_OCR_FUZZY},
	{L_F_PERSON, "报关人员", 1, LABEL_OCR_FUZZY}, {L_F_PERSON, "申报人员", 1, LABEL_OCR_FUZZY},
	{L_F_PERSON, "报关员", 1, LABEL_OCR_FUZZY},
	{L_F_PERSON_NO, "报关人员证号", 1, LABEL_OCR_FUZZY}, {L_F_PERSON_NO, "申报人员证号", 1, LABEL_OCR_FUZZY},
	{L_F_PERSON_NO, "报关员证号", 1, LABEL_OCR_FUZZY},
	{L_F_PHONE, "电话", 1, LABEL_OCR_FUZZY}, {L_F_STATEMENT, "兹申明", 1, LABEL_OCR_FUZZY},
	{L_F_AGENT, "申报单位", 1, LABEL_OCR_FUZZY},
	{L_F_AGENT_SEAL, "申报单位(签章)", 1, LABEL_OCR_FUZZY}, {L_F_CUSTOMS, "海关批注及签章", 1, LABEL_OCR_FUZZY},
	{L_IMP_CONSIGNEE, "境内收货人", 0, LABEL_OCR_EXACT}, {L_IMP_CUSTOMS, "进境关别", 0, LABEL_OCR_EXACT},
	{L_IMP_DATE, "进口日期", 0, LABEL_OCR_EXACT},
	{L_IMP_REGION, "境内目的地", 0, LABEL_OCR_EXACT}, {L_IMP_SHIPPER, "境外发货人", 0, LABEL_OCR_EXACT},
};
#define N_LABEL_DEFS (sizeof label_defs / sizeof label_defs[0])

static int is_item_header(int id) { return id >= L_I_NO && id <= L_I_EXEMPT; }
static int is_footer(int id) { return id >= L_F_SPECIAL && id <= L_F_CUSTOMS; }
static int is_top_band(int id) { return id == L_PRE_ENTRY || id == L_DECL_NO || id == L_PAGE; }
static int is_grid(int id) { return id >= L_SHIPPER && id <= L_DOCS; }

#define CONF_SURE 0.97
#define CONF_UNSURE 0.6
#define CONF_MISSING 0.3
#define OCR_CONF_MAX 0.85
#define MAX_ITEMS 500

struct reader {
	const struct rec_doc *src;
	struct fpage *pages;
	size_t np;
	json_t *out, *conf, *warnings;
	int is_import, has_export_title;
	size_t n_grid_labels;
	/* per page: the zones */
	float *items_top, *items_bottom;	/* NAN when the page has no item table */
	float *remarks_top, *remarks_bottom;
	int *remarks_label;
	/* collected */
	struct sbuf remarks;	/* joined, with '\n' between lines */
	struct sbuf remarks_breaks;	/* one char per '\n' in remarks: 'w' wrap, 't' typed */
	float remarks_conf;
	/* where values were read (sources.h): the last cell's box, the remarks' */
	struct src_map srcmap;
	struct src_box at, at_code, remarks_at;	/* at_code: the code in brackets after the label */
};

/* ---- small helpers ---- */

static void set_conf(struct reader *r, const char *path, double c)
{
	if (c < 0)
		c = 0;
	if (c > 1)
		c = 1;
	json_object_set_new(r->conf, path, json_real(floor(c * 1000 + 0.5) / 1000));
}

/* OCR (issue 4): what derive.c set too stays below sure for a scanned doc. */
static void ocr_cap_conf(json_t *conf)
{
	const char *key;
	json_t *v;
	json_object_foreach(conf, key, v)
		if (json_is_number(v) && json_number_value(v) > OCR_CONF_MAX)
			json_real_set(v, OCR_CONF_MAX);
}

static void warn(struct reader *r, const char *code, const char *field, const char *message, const char *value)
{
	json_t *w = json_pack("{s:s,s:s,s:s}", "code", code, "field", field, "message", message);
	if (w && value)
		json_object_set_new(w, "value", json_string(value));
	if (w)
		json_array_append_new(r->warnings, w);
}

/* The last cell read (r->at) is where the value at path came from. */
static void put_source(struct reader *r, const char *path)
{
	src_put(&r->srcmap, r->out, path, &r->at);
}

static json_t *jstr_or_null(const char *s)
{
	if (!s || !*s)
		return json_null();
	json_t *j = json_string(s);
	return j ? j : json_null();
}

/* ---- zones of each page ---- */

static const struct flabel *find_label(const struct fpage *p, int id)
{
	for (size_t i = 0; i < p->nlab; i++)
		if (p->labels[i].live && p->labels[i].id == id)
			return &p->labels[i];
	return NULL;
}

#define ROW_TOLERANCE 0.6f	/* centres of one row's labels: within this many line heights */

/* Two labels of one row: their first lines level (labels aligned at the top
 * of their cells), or, where one wraps, the middles of their whole extents
 * level (labels centred vertically in a header, 项 / 号 beside 商品编号). */
static int same_row(const struct flabel *a, const struct flabel *b)
{
	float ca = (a->y0 + a->y1) / 2, cb = (b->y0 + b->y1) / 2;
	float h = a->y1 - a->y0, hb = b->y1 - b->y0;
	if (hb > h)	/* OCR (issue 13): the other label's line holds a header wrapped over two */
		h = hb;
	float tol = ROW_TOLERANCE * (h > 1 ? h : a->size);
	if (fabsf(ca - cb) < tol)
		return 1;
	int wrapped = a->y_end > a->y1 + 0.5f * tol || b->y_end > b->y1 + 0.5f * tol;
	return wrapped && fabsf((a->y0 + a->y_end) / 2 - (b->y0 + b->y_end) / 2) < tol;
}

/* OCR (issue 4): the grid's rows of labels, left to right (0 ends a row). */
#define GRID_ROW_LEN 8	/* grid_rows[]' width */

static const int grid_rows[][GRID_ROW_LEN] = {
	{L_SHIPPER, L_EXIT_CUSTOMS, L_EXPORT_DATE, L_DECLARE_DATE, L_RECORD},
	{L_CONSIGNEE, L_TRANSPORT_MODE, L_TRANSPORT_NAME, L_BILL},
	{L_PRODUCER, L_SUPERVISION, L_EXEMPTION_NATURE, L_LICENSE},
	{L_CONTRACT, L_TRADE_COUNTRY, L_DEST_COUNTRY, L_DEST_PORT, L_DEPARTURE_PORT},
	{L_PACKAGE_KIND, L_PACKAGES, L_GROSS, L_NET, L_TERMS, L_FREIGHT, L_INSURANCE, L_MISC},
};
#define N_GRID_ROWS (sizeof grid_rows / sizeof grid_rows[0])

static struct flabel *find_label_mut(struct fpage *p, int id)
{
	for (size_t i = 0; i < p->nlab; i++)
		if (p->labels[i].live && p->labels[i].id == id)
			return &p->labels[i];
	return NULL;
}

#define FULLWIDTH_COLON 0xFF1A
#define FULLWIDTH_LEFT_BRACKET 0xFF08
#define GRID_COLUMN_SIZES 3.0f	/* a row's first label starts within this many label heights of the others' column */

/* Line li carries a label. */
static int line_is_label(const struct fpage *p, size_t li)
{
	for (size_t i = 0; i < p->nlab; i++)
		if (p->labels[i].line == li)
			return 1;
	return 0;
}

/* The unlabelled line at the left of the row of label right, in the
 * column col_x of the rows' first labels; p->nl when none. */
static size_t row_start_line(const struct fpage *p, const struct flabel *right, float col_x)
{
	float rc = (right->y0 + right->y1) / 2, h = right->y1 - right->y0;
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		if (fabsf((L->y0 + L->y1) / 2 - rc) > ROW_TOLERANCE * h || L->x1 > right->x0 ||
		    fabsf(L->x0 - col_x) > GRID_COLUMN_SIZES * right->size)
			continue;
		if (!line_is_label(p, li))
			return li;
	}
	return p->nl;
}

/* The glyphs of line L before a value written on it ("外和间位(9365…):石家
 * 庄…": up to the bracket of the label's code; "…: 石家庄…": up to the
 * colon); L->n when there is none. */
static size_t inline_label_len(const struct fpage *p, const struct fline *L)
{
	for (size_t k = 0; k + 1 < L->n; k++) {
		uint32_t c = p->g[L->g0 + k].cp;
		if (c == '(' || c == FULLWIDTH_LEFT_BRACKET)
			return k;
		if (c == ':' || c == FULLWIDTH_COLON)
			return k + 1;
	}
	return L->n;
}

/* The leftmost label read of grid row r after its first; NULL when none
 * (issue 13: 出境关别 half-read, 出口日期 stands for it). */
static const struct flabel *row_second_label(const struct fpage *p, size_t r)
{
	for (size_t k = 1; k < GRID_ROW_LEN && grid_rows[r][k]; k++) {
		const struct flabel *f = find_label(p, grid_rows[r][k]);
		if (f)
			return f;
	}
	return NULL;
}

/* The first label of grid row r (id), put on line li: the text before a
 * value written on it (inline_label_len) read as a label is (its code and
 * colon after it), else the whole line, its value beside or below it; with
 * no line, in its place in the row: the column col_x, level with place. */
static void add_row_label(struct fpage *p, int id, size_t li, float col_x, const struct flabel *place)
{
	if (li < p->nl) {
		size_t n = inline_label_len(p, &p->lines[li]);
		if (n > 0 && n < p->lines[li].n) {
			form_label_add(p, li, id, p->lines[li].g0, n);
			return;
		}
	}
	struct flabel *nl = realloc(p->labels, (p->nlab + 1) * sizeof *nl);
	if (!nl)
		abort();
	p->labels = nl;
	struct flabel *lab = &p->labels[p->nlab++];
	memset(lab, 0, sizeof *lab);
	lab->id = id;
	lab->live = 1;
	lab->line = li;
	if (li < p->nl) {
		const struct fline *L = &p->lines[li];
		lab->g_start = L->g0;
		lab->g_end = lab->after = L->g0 + L->n;
		lab->x0 = L->x0;
		lab->x1 = lab->value_x = L->x1;
		lab->y0 = L->y0;
		lab->y1 = L->y1;
		lab->size = L->size;
	} else {	/* the label left no text at all: its place in the row */
		lab->x0 = col_x;
		lab->x1 = lab->value_x = col_x + place->size;
		lab->y0 = place->y0;
		lab->y1 = place->y1;
		lab->size = place->size;
	}
	lab->tail_y0 = lab->y0;
	lab->y_end = lab->y1;
}

/* OCR (issue 13): a line piece read equally close to two grid labels
 * (label_tie: "天重(千克)" one misread from 毛重(千克) and 净重(千克)) is the
 * one of the two its row does not show already: the other found on the
 * row settles it. */
static void infer_tied_labels(struct fpage *p)
{
	for (size_t t = 0; t < p->nties; t++) {
		const struct label_tie *tie = &p->ties[t];
		if (!is_grid(tie->id[0]) || !is_grid(tie->id[1]))
			continue;
		const struct fline *L = &p->lines[tie->line];
		struct flabel piece = {.y0 = L->y0, .y1 = L->y1, .y_end = L->y1, .size = L->size};
		const struct flabel *a = find_label(p, tie->id[0]), *b = find_label(p, tie->id[1]);
		if (a && !b && same_row(a, &piece))
			form_label_add(p, tie->line, tie->id[1], tie->start, tie->n);
		else if (b && !a && same_row(b, &piece))
			form_label_add(p, tie->line, tie->id[0], tie->start, tie->n);
	}
}

/* OCR (issue 4): labels misread past recognising, put back from the grid's
 * layout. A label read as its right-hand neighbour's twin ("净重" as
 * "毛重") takes the neighbour's id when that one is missing from the row; a
 * missing first label of a row (境内发货人 read as "蔬肉发俩人") is the
 * piece of text at the row's left that lines up with the first labels of
 * the other rows, level with the row's next label read (issue 13: its
 * neighbour 出境关别 half-read too, 出口日期); a value written on that
 * piece after a bracket or colon is the cell's (add_row_label). */
static void infer_grid_labels(struct fpage *p)
{
	for (size_t r = 0; r < N_GRID_ROWS; r++) {
		const int *row = grid_rows[r];
		for (size_t k = 0; k + 1 < GRID_ROW_LEN && row[k + 1]; k++) {
			if (find_label_mut(p, row[k + 1]))
				continue;
			struct flabel *a = find_label_mut(p, row[k]);
			for (size_t i = 0; a && i < p->nlab; i++) {
				struct flabel *b = &p->labels[i];
				if (b != a && b->live && b->id == a->id && same_row(a, b)) {
					(b->x0 > a->x0 ? b : a)->id = row[k + 1];
					break;
				}
			}
		}
	}
	float col_x = NAN;
	for (size_t r = 0; r < N_GRID_ROWS && isnan(col_x); r++) {
		const struct flabel *f = find_label_mut(p, grid_rows[r][0]);
		if (f)
			col_x = f->x0;
	}
	if (isnan(col_x))
		return;
	for (size_t r = 0; r < N_GRID_ROWS; r++) {
		const struct flabel *right = row_second_label(p, r);
		if (find_label_mut(p, grid_rows[r][0]) || !right)
			continue;
		const struct flabel place = *right;	/* (add_row_label moves the labels) */
		add_row_label(p, grid_rows[r][0], row_start_line(p, &place, col_x), col_x, &place);
	}
}

/* OCR (issue 13): a grid label whose front was misread past recognising
 * while its end, its code and its colon were read, the gap before it closed
 * up so that it runs on from the cell to its left ("境内发货人(…): 喀什新元
 * 0 关别(9402): 霍尔果斯海关": 出境关别 half-read, the shipper's cell
 * running over it). The last HALF_LABEL_TAIL characters of its name, then a
 * colon (a code in brackets between), stand for it when no other label's
 * name ends so (the import form's, never guessed, aside: 进境关别) and the
 * page shows no such label. */
#define HALF_LABEL_TAIL 2
#define HALF_LABEL_MAX_CPS 16	/* code points of a label's name looked at */

/* The name of label def d (its text before a bracket): its code points. */
static size_t label_name(const struct label_def *d, uint32_t *out, size_t max)
{
	size_t n = 0;
	for (const char *t = d->text; *t && n < max;) {
		uint32_t cp;
		t += utf8_get(t, &cp);
		if (cp == '(')
			break;
		out[n++] = cp;
	}
	return n;
}

/* The last HALF_LABEL_TAIL characters of def d's name, when they end the
 * name of no label of another id and the name is longer. */
static int half_label_tail(size_t d, uint32_t tail[HALF_LABEL_TAIL])
{
	uint32_t v[HALF_LABEL_MAX_CPS];
	size_t n = label_name(&label_defs[d], v, HALF_LABEL_MAX_CPS);
	if (n <= HALF_LABEL_TAIL)
		return 0;
	memcpy(tail, v + n - HALF_LABEL_TAIL, sizeof *tail * HALF_LABEL_TAIL);
	for (size_t e = 0; e < N_LABEL_DEFS; e++) {
		size_t m = label_name(&label_defs[e], v, HALF_LABEL_MAX_CPS);
		if (label_defs[e].id != label_defs[d].id && label_defs[e].ocr != LABEL_OCR_EXACT && m >= HALF_LABEL_TAIL &&
		    memcmp(v + m - HALF_LABEL_TAIL, tail, sizeof *tail * HALF_LABEL_TAIL) == 0)
			return 0;
	}
	return 1;
}

/* Glyph k on spells tail, and a colon follows (a code in brackets between). */
static int half_label_at(const struct fpage *p, const struct fline *L, size_t k, const uint32_t *tail)
{
	size_t end = L->g0 + L->n;
	if (k + HALF_LABEL_TAIL > end)
		return 0;
	for (size_t i = 0; i < HALF_LABEL_TAIL; i++)
		if (p->g[k + i].cp != tail[i])
			return 0;
	size_t m = k + HALF_LABEL_TAIL;
	while (m < end && p->g[m].cp == ' ')
		m++;
	if (m < end && p->g[m].cp == '(')
		while (m < end && p->g[m].cp != ')')
			m++;
	if (m < end && p->g[m].cp == ')')
		m++;
	while (m < end && p->g[m].cp == ' ')
		m++;
	return m < end && p->g[m].cp == ':';
}

static int inside_label(const struct fpage *p, size_t k)
{
	for (size_t i = 0; i < p->nlab; i++)
		if (k >= p->labels[i].g_start && k < p->labels[i].after)
			return 1;
	return 0;
}

static void infer_half_read_labels(struct fpage *p)
{
	for (size_t d = 0; d < N_LABEL_DEFS; d++) {
		uint32_t tail[HALF_LABEL_TAIL];
		if (!is_grid(label_defs[d].id) || find_label(p, label_defs[d].id) || !half_label_tail(d, tail))
			continue;
		for (size_t li = 0; li < p->nl && !find_label(p, label_defs[d].id); li++) {
			const struct fline *L = &p->lines[li];
			for (size_t k = L->g0; k < L->g0 + L->n; k++)
				if (half_label_at(p, L, k, tail) && !inside_label(p, k)) {
					form_label_add(p, li, label_defs[d].id, k, HALF_LABEL_TAIL);
					break;
				}
		}
	}
}

#define ITEM_ROW_MIN_LABELS 3	/* item labels on one row that make it the table's header */
#define ITEM_NO_MAX_GLYPHS 3	/* what OCR makes of 项号 (项时, 项 号, 顶号) is this short */

static size_t item_row_labels(const struct fpage *p, const struct flabel *a)
{
	size_t n = 0;
	for (size_t j = 0; j < p->nlab; j++)
		n += p->labels[j].live && is_item_header(p->labels[j].id) && same_row(a, &p->labels[j]);
	return n;
}

/* OCR (issue 13): a label inside a row of the grid misread past
 * recognising ("运抵国(地区)(RUS)" read "汪 ob us") while its neighbours on
 * both sides were read: the one unread piece of text (two letters, digits
 * or ideographs or more) between them on their row is it. */
#define GRID_GAP_MIN_GLYPHS 2
#define GRID_GAP_SAME_LINE 0.25f	/* sizes between the tops of pieces of one OCR line (a scan's line box can
					 * reach over the value line under it: no centre test) */
#define IDEOGRAPH_FIRST 0x3400	/* the first ideograph (CJK extension A) */

/* The letters, digits and ideographs of piece L: no specks nor strokes. */
static size_t word_glyphs(const struct fpage *p, const struct fline *L)
{
	size_t n = 0;
	for (size_t k = L->g0; k < L->g0 + L->n; k++)
		n += p->g[k].cp >= IDEOGRAPH_FIRST || isalnum((int)(p->g[k].cp < 0x80 ? p->g[k].cp : 0));
	return n;
}

/* The one unread piece between labels a and b on their row, or p->nl. */
static size_t grid_gap_piece(const struct fpage *p, const struct flabel *a, const struct flabel *b)
{
	size_t pick = p->nl, found = 0;
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		if (L->x0 < a->x1 || L->x1 > b->x0 || fabsf(L->y0 - a->y0) > GRID_GAP_SAME_LINE * a->size ||
		    word_glyphs(p, L) < GRID_GAP_MIN_GLYPHS || line_is_label(p, li))
			continue;
		pick = li;
		found++;
	}
	return found == 1 ? pick : p->nl;
}

/* The glyphs of piece L the label takes: up to its last colon when text
 * follows it (the value read on the label's line: "下重(千克): 3865"), else
 * the whole piece. */
static size_t grid_gap_label_len(const struct fpage *p, const struct fline *L)
{
	size_t len = L->n;
	for (size_t k = 0; k + 1 < L->n; k++) {
		uint32_t cp = p->g[L->g0 + k].cp;
		if (cp == ':' || cp == FULLWIDTH_COLON)
			len = k + 1;
	}
	return len;
}

static void infer_grid_gap_labels(struct fpage *p)
{
	for (size_t r = 0; r < N_GRID_ROWS; r++)
		for (size_t k = 1; k + 1 < GRID_ROW_LEN && grid_rows[r][k + 1]; k++) {
			const int *row = grid_rows[r];
			const struct flabel *a = find_label(p, row[k - 1]), *b = find_label(p, row[k + 1]);
			if (find_label(p, row[k]) || !a || !b || !same_row(a, b) || b->x0 <= a->x1)
				continue;
			size_t li = grid_gap_piece(p, a, b);
			if (li < p->nl)
				form_label_add(p, li, row[k], p->lines[li].g0, grid_gap_label_len(p, &p->lines[li]));
		}
}

/* OCR (issue 13): a label cut in two by a rule the scan seemed to show
 * through it ("毛" | "重 (千克 )": a stroke read as a vertical line), each
 * piece too short to be recognised: two pieces of one line, close enough
 * to be one, whose glyphs spell a label of the grid or the item header
 * (spaces aside) from the first piece's start. */
#define SPLIT_LABEL_MAX_CPS 16	/* code points of a label compared */

/* Glyphs of piece a then b spell def d from a's start: the glyphs it takes, or 0. */
static size_t spelled_across(const struct fpage *p, const struct fline *a, const struct fline *b,
	const struct label_def *d)
{
	uint32_t want[SPLIT_LABEL_MAX_CPS];
	size_t nw = 0, k = 0;
	for (const char *t = d->text; *t && nw < SPLIT_LABEL_MAX_CPS;)
		t += utf8_get(t, &want[nw++]);
	size_t end = b->g0 + b->n, g = a->g0;
	if (b->g0 < a->g0 + a->n)
		return 0;
	for (; g < end && k < nw; g++) {
		if (g >= a->g0 + a->n && g < b->g0)
			continue;	/* spaces left between the pieces */
		if (p->g[g].cp == ' ')
			continue;
		if (p->g[g].cp != want[k++])
			return 0;
	}
	return k == nw && g > b->g0 ? g - a->g0 : 0;
}

static void infer_split_labels(struct fpage *p)
{
	for (size_t li = 0; li + 1 < p->nl; li++) {
		const struct fline *a = &p->lines[li], *b = &p->lines[li + 1];
		if (line_is_label(p, li) || line_is_label(p, li + 1) || fabsf(a->y0 - b->y0) > 0.5f * a->size ||
		    b->x0 < a->x1 || b->x0 - a->x1 > FORM_CELL_GAP * a->size)
			continue;
		for (size_t d = 0; d < N_LABEL_DEFS; d++) {
			int id = label_defs[d].id;
			size_t n = (is_grid(id) || is_item_header(id)) && !find_label(p, id) ? spelled_across(p, a, b, &label_defs[d]) : 0;
			if (n) {
				form_label_add(p, li, id, a->g0, n);
				break;
			}
		}
	}
}

/* A piece of strokes alone (a table's border read as "|"). */
static int only_strokes(const struct fpage *p, const struct fline *L)
{
	for (size_t k = L->g0; k < L->g0 + L->n; k++)
		if (p->g[k].cp != ' ' && !ocr_is_stroke(p->g[k].cp))
			return 0;
	return 1;
}

static float overlap(float a0, float a1, float b0, float b1);

/* Piece li is short, left of the header's leftmost label and on its row. */
static int item_no_candidate(const struct fpage *p, size_t li, const struct flabel *left)
{
	const struct fline *L = &p->lines[li];
	float yc = (left->y0 + left->y1) / 2, h = left->y1 - left->y0;
	return L->n <= ITEM_NO_MAX_GLYPHS && L->x1 <= left->x0 && fabsf((L->y0 + L->y1) / 2 - yc) <= ROW_TOLERANCE * h &&
		!line_is_label(p, li);
}

/* A piece holding 号, the end of 项号. */
static int holds_hao(const struct fpage *p, const struct fline *L)
{
	for (size_t k = L->g0; k < L->g0 + L->n; k++)
		if (p->g[k].cp == 0x53F7 /* 号 */)
			return 1;
	return 0;
}

/* OCR: 项号 misread (项时, "+") while the rest of the item header was read:
 * a short piece left of the header's other labels, on their row, is 项号.
 * The leftmost, as 项号 is the table's first column (a label between, such
 * as 商品编号, may be misread into a short piece too); of the pieces in its
 * column (项 and 号 read apart, one above the other), the one holding 号 (a
 * lone 号 piece has always stood for the label), else the one whose centre
 * is nearest the row's. A piece of strokes alone (a border's, or 项号's
 * own) only when there is no other: the nearest. */
static size_t item_no_piece(const struct fpage *p, const struct flabel *left)
{
	size_t pick = p->nl, stroke = p->nl;
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		if (!item_no_candidate(p, li, left))
			continue;
		if (only_strokes(p, L)) {
			if (stroke == p->nl || L->x0 > p->lines[stroke].x0)
				stroke = li;
		} else if (pick == p->nl || L->x0 < p->lines[pick].x0) {
			pick = li;
		}
	}
	if (pick == p->nl)
		return stroke;
	float yc = (left->y0 + left->y1) / 2;
	const struct fline *P = &p->lines[pick];
	size_t best = pick;
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li], *B = &p->lines[best];
		if (!item_no_candidate(p, li, left) || only_strokes(p, L) || overlap(L->x0, L->x1, P->x0, P->x1) <= 0 ||
		    (holds_hao(p, B) && !holds_hao(p, L)))
			continue;
		if ((holds_hao(p, L) && !holds_hao(p, B)) || fabsf((L->y0 + L->y1) / 2 - yc) < fabsf((B->y0 + B->y1) / 2 - yc))
			best = li;
	}
	return best;
}

/* Issue 13: 项号 wrapped in a narrow column, 项 over 号, the two centred on
 * the header's row (a scan reads each as a piece of its own, too far from
 * the row for item_no_piece): the 项 piece, *below gets the 号 piece. */
#define ITEM_NO_WRAP_GAP 1.5f	/* line heights between 项 and 号, at most */

static size_t wrapped_item_no(const struct fpage *p, const struct flabel *left, size_t *below)
{
	float yc = (left->y0 + left->y1) / 2, h = left->y1 - left->y0;
	for (size_t a = 0; a < p->nl; a++) {
		const struct fline *A = &p->lines[a];
		if (p->g[A->g0].cp != 0x9879 /* 项 */ || A->n > ITEM_NO_MAX_GLYPHS || A->x1 > left->x0 || line_is_label(p, a))
			continue;
		for (size_t b = 0; b < p->nl; b++) {
			const struct fline *B = &p->lines[b];
			float mid = (A->y0 + B->y1) / 2;
			if (p->g[B->g0].cp != 0x53F7 /* 号 */ || B->n > ITEM_NO_MAX_GLYPHS || B->y0 <= A->y0 ||
			    B->y0 - A->y1 > ITEM_NO_WRAP_GAP * h || fabsf(B->x0 - A->x0) > A->size || fabsf(mid - yc) > ROW_TOLERANCE * h)
				continue;
			*below = b;
			return a;
		}
	}
	return p->nl;
}

/* A character of 项号. */
static int is_xiang_or_hao(uint32_t c)
{
	return c == 0x9879 /* 项 */ || c == 0x53F7 /* 号 */;
}

/* Issue 13: 项号 half-read and joined to the piece of the label right of
 * it ("号商品编号", read as that label with a glyph too many): the 项 and 号
 * glyphs that start the piece, no more than ITEM_NO_MAX_GLYPHS, are 项号, and
 * the label starts after them. */
static void item_no_before_label(struct fpage *p, size_t label)
{
	struct flabel *left = &p->labels[label];
	const struct fline *L = &p->lines[left->line];
	size_t k = L->g0, ink = 0;
	while (k < left->g_end && (p->g[k].cp == ' ' || is_xiang_or_hao(p->g[k].cp))) {
		ink += p->g[k].cp != ' ';
		k++;
	}
	if (k < left->g_start || ink == 0 || ink > ITEM_NO_MAX_GLYPHS || k >= left->g_end)
		return;	/* (something else before the label) */
	if (k > left->g_start) {
		left->g_start = k;
		left->x0 = p->g[k].x0;
	}
	form_label_add(p, left->line, L_I_NO, L->g0, k - L->g0);
}

static void infer_item_no_label(struct fpage *p)
{
	const struct flabel *left = NULL;
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *l = &p->labels[i];
		if (!l->live || !is_item_header(l->id))
			continue;
		if (l->id == L_I_NO)
			return;
		if (item_row_labels(p, l) >= ITEM_ROW_MIN_LABELS && (!left || l->x0 < left->x0))
			left = l;
	}
	if (!left)
		return;
	/* 项 over 号 first: 号 alone also passes for a misread 项号 beside the
	 * row, and as the label would put the row's middle in its lower half */
	size_t below = p->nl, pick = wrapped_item_no(p, left, &below);
	if (pick == p->nl)
		pick = item_no_piece(p, left);
	if (pick == p->nl) {
		item_no_before_label(p, (size_t)(left - p->labels));
		return;
	}
	const struct fline *L = &p->lines[pick], *E = below < p->nl ? &p->lines[below] : L;
	struct flabel *nl = realloc(p->labels, (p->nlab + 1) * sizeof *nl);
	if (!nl)
		abort();
	p->labels = nl;
	p->labels[p->nlab++] = (struct flabel){.id = L_I_NO, .line = pick, .g_start = L->g0, .g_end = L->g0 + L->n,
		.after = L->g0 + L->n, .x0 = L->x0, .y0 = L->y0, .x1 = L->x1, .y1 = L->y1, .size = L->size,
		.tail_y0 = E->y0, .y_end = E->y1, .value_x = L->x1, .live = 1, .weak = 1};
}

static float overlap(float a0, float a1, float b0, float b1)
{
	float o = (a1 < b1 ? a1 : b1) - (a0 > b0 ? a0 : b0);
	return o > 0 ? o : 0;
}

/* OCR (issue 13): item header labels misread past recognising ("商品风全"
 * for 商品编号, "狐姓叱闻们" for 数量及单位) while others of the header were
 * read. The header's columns come in one order (项号, 商品编号, 商品名称,
 * [规格型号], 数量及单位, 单价, [总价, 币制], 原产国, 最终目的国, 境内货源地,
 * 征免; the bracketed ones printed by some producers only): the unread
 * pieces of text in the header's band between two labels read are the
 * labels missing between them, when their number fits exactly one choice of
 * the optional columns. */
#define HEADER_SLOT_MIN_GLYPHS 2	/* a piece shorter than this in the header's band is a speck */
#define MAX_HEADER_SLOTS 16

struct header_slot {
	size_t line;	/* its first line piece */
	float x0, x1, y0, y1;
};

static int is_optional_column(int id, int *group)
{
	*group = id == L_I_SPEC ? 1 : (id == L_I_TOTAL || id == L_I_CURRENCY) ? 2 : 0;
	return *group != 0;
}

/* The ids between two read labels (lo, hi exclusive) that n unread pieces
 * stand for: out[0..n), or 0 when no single choice of optional columns
 * gives n. */
static int header_gap_ids(int lo, int hi, size_t n, const int *present, int *out)
{
	int found = 0;
	for (int drop = 0; drop < 4; drop++) {	/* bit 0: no spec column, bit 1: no total and currency */
		size_t k = 0;
		int ids[MAX_HEADER_SLOTS];
		for (int id = lo + 1; id < hi && k < MAX_HEADER_SLOTS; id++) {
			int group;
			if (present[id] || (is_optional_column(id, &group) && (drop & group)))
				continue;
			ids[k++] = id;
		}
		if (k != n || (found && memcmp(out, ids, n * sizeof *ids) == 0))
			continue;	/* (a choice that drops nothing here gives the same ids) */
		if (found++)
			return 0;
		memcpy(out, ids, n * sizeof *ids);
	}
	return found == 1;
}

/* The unread pieces of the header's band [top, bottom], left to right, each
 * made of the line pieces above one another that overlap in x. */
static size_t header_slots(const struct fpage *p, float top, float bottom, struct header_slot *out)
{
	size_t n = 0;
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		if (L->y0 < top || L->y1 > bottom || L->n < HEADER_SLOT_MIN_GLYPHS || line_is_label(p, li))
			continue;
		int beside_label = 0;
		for (size_t i = 0; i < p->nlab && !beside_label; i++)
			beside_label = p->labels[i].live && is_item_header(p->labels[i].id) &&
				overlap(L->x0, L->x1, p->labels[i].x0, p->labels[i].x1) > 0;
		if (beside_label)
			continue;	/* a label's wrapped line */
		size_t k = 0;
		while (k < n && overlap(L->x0, L->x1, out[k].x0, out[k].x1) <= 0)
			k++;
		if (k < n) {
			out[k].x0 = fminf(out[k].x0, L->x0);
			out[k].x1 = fmaxf(out[k].x1, L->x1);
			if (L->y0 < out[k].y0) {
				out[k].y0 = L->y0;
				out[k].line = li;
			}
			out[k].y1 = fmaxf(out[k].y1, L->y1);
		} else if (n < MAX_HEADER_SLOTS) {
			out[n++] = (struct header_slot){li, L->x0, L->x1, L->y0, L->y1};
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j].x0 < out[j - 1].x0; j--) {
			struct header_slot t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static void add_header_label(struct fpage *p, int id, const struct header_slot *s)
{
	const struct fline *L = &p->lines[s->line];
	struct flabel *nl = realloc(p->labels, (p->nlab + 1) * sizeof *nl);
	if (!nl)
		abort();
	p->labels = nl;
	p->labels[p->nlab++] = (struct flabel){.id = id, .line = s->line, .g_start = L->g0, .g_end = L->g0 + L->n,
		.after = L->g0 + L->n, .x0 = s->x0, .y0 = L->y0, .x1 = s->x1, .y1 = L->y1, .size = L->size,
		.tail_y0 = L->y0, .y_end = s->y1, .value_x = s->x1, .live = 1, .weak = 1};
}

static void infer_item_header_labels(struct fpage *p)
{
	const struct flabel *no = find_label(p, L_I_NO);
	if (!no || item_row_labels(p, no) < ITEM_ROW_MIN_LABELS)
		return;
	int present[L_COUNT] = {0};
	float ax[L_COUNT], top = no->y0, bottom = no->y_end, size = no->size > 1 ? no->size : 8;
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *l = &p->labels[i];
		if (!l->live || !is_item_header(l->id) || !same_row(l, no))
			continue;
		present[l->id] = 1;
		ax[l->id] = l->x0;
		top = fminf(top, l->y0);
		bottom = fmaxf(bottom, l->y_end);
	}
	/* the labels read must stand in the form's order */
	float last_x = -INFINITY;
	for (int id = L_I_NO; id <= L_I_EXEMPT; id++)
		if (present[id]) {
			if (ax[id] < last_x)
				return;
			last_x = ax[id];
		}
	struct header_slot slots[MAX_HEADER_SLOTS];
	size_t ns = header_slots(p, top - ROW_TOLERANCE * size, bottom + ROW_TOLERANCE * size, slots);
	int lo = L_I_NO - 1;
	size_t from = 0;
	for (int hi = L_I_NO; hi <= L_I_EXEMPT + 1 && from <= ns; hi++) {
		if (hi <= L_I_EXEMPT && !present[hi])
			continue;
		float hx = hi <= L_I_EXEMPT ? ax[hi] : INFINITY;
		size_t to = from;
		while (to < ns && slots[to].x0 < hx)
			to++;
		int ids[MAX_HEADER_SLOTS];
		if (to > from && header_gap_ids(lo, hi, to - from, present, ids))
			for (size_t k = from; k < to; k++)
				add_header_label(p, ids[k - from], &slots[k]);
		lo = hi;
		from = to;
	}
}

/* The top of the footer block: its first label under the item header; on a
 * page without one (the footer alone on the last page), its first label
 * that does not also occur in free text (a phone in the remarks) under
 * the remarks label. p->h + 1 when there is none. */
static float footer_top(const struct fpage *p, const struct flabel *ih, const struct flabel *rl)
{
	float footer = p->h + 1;
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *l = &p->labels[i];
		if (!is_footer(l->id) || l->y0 >= footer)
			continue;
		if (ih ? l->y0 > ih->y1 : (l->id != L_F_PHONE && (!rl || l->y0 > rl->y1)))
			footer = l->y0;
	}
	return footer;
}

/* Where the remarks end above the item header IH (whose labels start at
 * IH_TOP): at that top, or on a scan at the ruling line over 项号 where
 * the header's OCR line reaches above it (a tall line of 项 over 号 took in
 * the remarks' last line, its centre under the header's top). */
static float remarks_floor(const struct reader *r, const struct fpage *p, const struct flabel *ih, float ih_top,
	const struct flabel *rl)
{
	if (!r->src->scanned)
		return ih_top;
	float rule = rule_ceiling(p, (ih->x0 + ih->x1) / 2, (ih->y0 + ih->y1) / 2);
	return !isnan(rule) && rule > ih_top && rule > rl->y1 ? rule : ih_top;
}

/* Find the item header, the footer and the remarks block of a page, and
 * retire "labels" that are really words inside the remarks or the items. */
static void page_zones(struct reader *r, size_t pi)
{
	struct fpage *p = &r->pages[pi];
	r->items_top[pi] = r->items_bottom[pi] = NAN;
	r->remarks_top[pi] = r->remarks_bottom[pi] = NAN;
	r->remarks_label[pi] = -1;

	/* the item header: 项号 with at least two more item labels on its row */
	const struct flabel *ih = NULL;
	for (size_t i = 0; i < p->nlab && !ih; i++) {
		if (p->labels[i].id != L_I_NO)
			continue;
		int n = 0;
		for (size_t j = 0; j < p->nlab; j++)
			if (j != i && is_item_header(p->labels[j].id) && same_row(&p->labels[i], &p->labels[j]))
				n++;
		if (n >= 2)
			ih = &p->labels[i];
	}
	/* the header's full extent: labels wrapped and centred start above 项号 */
	float ih_top = ih ? ih->y0 : NAN;
	for (size_t i = 0; ih && i < p->nlab; i++)
		if (is_item_header(p->labels[i].id) && same_row(&p->labels[i], ih) && p->labels[i].y0 < ih_top)
			ih_top = p->labels[i].y0;
	/* the remarks label: the first one above the item header */
	const struct flabel *rl = NULL;
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *l = &p->labels[i];
		if ((l->id == L_REMARKS || l->id == L_REMARKS_CONT) && (!ih || l->y0 < ih_top) && (!rl || l->y0 < rl->y0))
			rl = l;
	}
	float footer = footer_top(p, ih, rl);
	if (rl) {
		r->remarks_label[pi] = (int)(rl - p->labels);
		r->remarks_top[pi] = rl->y0;
		r->remarks_bottom[pi] = ih ? remarks_floor(r, p, ih, ih_top, rl) : footer;
	}
	/* OCR (issue 4): a remarks label misread past recognising: the cell
	 * under the attached documents' cell, down to the item header */
	if (!rl && ih && r->src->scanned) {
		const struct flabel *dl = find_label(p, L_DOCS);
		float top = dl ? rule_floor(p, dl->x0 + 1.0f, dl->y1) : NAN;
		if (!isnan(top) && top < ih_top) {
			r->remarks_top[pi] = top;
			r->remarks_bottom[pi] = ih_top;
		}
	}
	if (ih) {
		r->items_top[pi] = ih->y1;	/* below the header, wrapped labels and all */
		for (size_t i = 0; i < p->nlab; i++)
			if (is_item_header(p->labels[i].id) && same_row(&p->labels[i], ih) &&
			    p->labels[i].y_end > r->items_top[pi])
				r->items_top[pi] = p->labels[i].y_end;
		r->items_bottom[pi] = footer;
	}
	for (size_t i = 0; i < p->nlab; i++) {
		struct flabel *l = &p->labels[i];
		float yc = (l->y0 + l->y1) / 2;
		if (rl && l != rl && yc > rl->y1 && (!ih || yc < ih_top) && !is_footer(l->id))
			l->live = 0;
		int in_header = ih && is_item_header(l->id) && same_row(l, ih);
		if (ih && yc > ih->y1 + 0.1f && yc < footer && !is_footer(l->id) && !in_header)
			l->live = 0;
		if (ih && is_item_header(l->id) && !same_row(l, ih))
			l->live = 0;
		if (!ih && is_item_header(l->id))
			l->live = 0;
	}
	/* a continuation page without a remarks label: the text between the top
	 * band and the item table (or the footer) flows on from page 1 */
	if (!rl && pi > 0) {
		float top = -1;
		int grid = 0;
		for (size_t i = 0; i < p->nlab; i++) {
			if (!p->labels[i].live)
				continue;
			if (is_top_band(p->labels[i].id) && p->labels[i].y1 > top)
				top = p->labels[i].y1;
			if (is_grid(p->labels[i].id))
				grid = 1;
		}
		float bottom = ih ? ih_top : footer;
		if (!grid && top >= 0 && bottom > top) {
			r->remarks_top[pi] = top;
			r->remarks_bottom[pi] = bottom;
		}
	}
}

/* ---- a header cell's text ---- */

/* The box of the cell a label heads: to the next label on its row (or a
 * ruling line), down to the next label below. */
static void cell_box(const struct fpage *p, const struct flabel *lab, float *x0, float *x1, float *y1)
{
	float R = p->w;
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *o = &p->labels[i];
		if (o == lab || !o->live)
			continue;
		if (same_row(lab, o) && o->x0 > lab->x1 - 0.5f && o->x0 < R)
			R = o->x0;
	}
	float yc = (lab->y0 + lab->y1) / 2;
	float wall = rule_wall(p, lab->x1, yc, +1);
	if (!isnan(wall) && wall < R)
		R = wall;
	float L = lab->x0 - 0.8f * lab->size;
	wall = rule_wall(p, lab->x0 + 0.5f, yc, -1);
	if (!isnan(wall) && wall > lab->x0 - 4 * lab->size)
		L = wall;
	/* down to the next row of labels, or the cell's bottom rule (one
	 * right under the label only separates it from its value) */
	float B = p->h;
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *o = &p->labels[i];
		if (o == lab || !o->live || o->y0 <= lab->y1 - 0.2f * lab->size || same_row(lab, o))
			continue;
		if (o->y0 < B)
			B = o->y0;
	}
	float floor_y = rule_floor(p, lab->x0 + 0.5f, lab->y_end + 1.2f * lab->size);
	if (!isnan(floor_y) && floor_y < B)
		B = floor_y;
	*x0 = L;
	*x1 = R;
	*y1 = B;
}

/* A key/value table: the label fills a ruled cell of its own and its value
 * stands in the next cell to the right, which holds no label. The lines of
 * that cell (between its rules, up to the next label on the row), or 0. */
static size_t beside_lines(const struct fpage *p, const struct flabel *lab, struct rline *out, size_t max,
	float *conf)
{
	float yc = (lab->y0 + lab->y1) / 2, size = lab->size > 1 ? lab->size : 8;
	float wall = rule_wall(p, lab->x1, yc, +1);
	if (isnan(wall) || wall - lab->x1 > 15 * size)
		return 0;
	float right = rule_wall(p, wall + 0.5f, yc, +1);
	if (isnan(right))
		right = p->w;
	float top = rule_ceiling(p, wall + 1.0f, lab->y1);
	float bottom = rule_floor(p, wall + 1.0f, lab->y0);
	if (isnan(top) || top < lab->y0 - 2 * size)
		top = lab->y0 - 0.5f * size;
	if (isnan(bottom) || bottom > lab->y1 + 12 * size)
		bottom = lab->y1 + 0.5f * size;
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *o = &p->labels[i];
		float oc = (o->y0 + o->y1) / 2;
		if (o != lab && o->live && o->x0 > wall - 0.5f && o->x0 < right && oc > top && oc < bottom)
			right = o->x0;
	}
	if (right - wall < size)
		return 0;
	return region_lines(p, wall + 0.01f, top, right, bottom, out, max, conf);
}

#define OCR_LABEL_SPLIT 0.35f	/* label line heights below its centre where a scan's value line starts */

/* OCR (issue 4): a label's line box can reach down over the value's (a
 * bracket stands taller), so the value's line starts below the label's
 * centre, not below its box. Issue 13: OCR gives a line's glyphs the
 * line's box, and a speck read as a tall mark ("毛重 ( 干克 )" at 150 dpi)
 * can stretch it over the whole value line: a line piece under the label
 * whose centre lies below the label's but above that split starts the
 * value halfway between the two centres. */
#define OCR_VALUE_BELOW 0.25f	/* its own heights a value line's centre lies below the label's */

static float label_split(const struct fpage *p, const struct flabel *lab)
{
	float yc = (lab->y0 + lab->y1) / 2, split = yc + OCR_LABEL_SPLIT * (lab->y1 - lab->y0);
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		float lc = (L->y0 + L->y1) / 2;
		if (li == lab->line || L->x1 < lab->x0 || L->x0 > lab->x1 || lc < yc + OCR_VALUE_BELOW * (L->y1 - L->y0))
			continue;
		if (lc < split)
			split = (yc + lc) / 2;
	}
	return split;
}

/* The lines of a label's value: what follows it on its line, then what lies
 * under it in its cell (or beside it, in a key/value table). Returns the
 * number of lines. */
static size_t cell_lines(const struct fpage *p, const struct flabel *lab, struct rline *out, size_t max, float *conf,
	int scanned)
{
	float x0, x1, y1;
	cell_box(p, lab, &x0, &x1, &y1);
	float split = scanned ? label_split(p, lab) : lab->y_end + 0.01f;
	size_t n = region_lines(p, lab->value_x + 0.01f, lab->tail_y0 - 0.01f, x1, split, out, max, conf);
	if (n > 1) {	/* only the label's own visual line */
		rlines_free(out + 1, n - 1);
		n = 1;
	}
	n += region_lines(p, x0, scanned ? split : lab->y_end + 0.1f * lab->size, x1, y1, out + n, max - n, conf);
	if (n == 0 && !scanned)
		n = beside_lines(p, lab, out, max, conf);
	return n;
}

/* A label's value as one string: lines joined with join (" " or ""). */
static int cell_text(struct reader *r, int id, struct sbuf *val, float *conf, char *code, size_t code_cap, int *page)
{
	src_box_clear(&r->at);
	src_box_clear(&r->at_code);
	for (size_t pi = 0; pi < r->np; pi++) {
		const struct flabel *lab = find_label(&r->pages[pi], id);
		if (!lab)
			continue;
		for (size_t k = lab->g_end; lab->code[0] && k < lab->after && k < r->pages[pi].ng; k++) {
			const struct rec_glyph *g = &r->pages[pi].g[k];
			src_box_add(&r->at_code, (int)pi, g->x0, g->y0, g->x1, g->y1);
		}
		struct rline lines[16];
		*conf = 1;
		size_t n = cell_lines(&r->pages[pi], lab, lines, 16, conf, r->src->scanned);
		src_box_add_lines(&r->at, (int)pi, lines, n);
		for (size_t i = 0; i < n; i++) {
			if (i)
				sb_add(val, "\n", 1);
			sb_adds(val, sb_str(&lines[i].text));
		}
		rlines_free(lines, n);
		if (code) {
			size_t k = strlen(lab->code);
			if (k >= code_cap)
				k = code_cap - 1;
			memcpy(code, lab->code, k);
			code[k] = '\0';
		}
		if (page)
			*page = (int)pi;
		return 1;
	}
	return 0;
}

/* ---- header fields ---- */

struct strfield {
	int label;
	const char *key;
	const char *code_key;	/* sibling key for the code, or NULL */
	int keep_spaces;	/* join lines with a space (else nothing) */
};

/* "label (code)：value" wrapped so that the code and the colon stand on the
 * value's line: the colon is no part of the value. */
static void strip_leading_colon(char *s)
{
	size_t k = 0;
	while (s[k] == ':' || s[k] == ' ')
		k++;
	if (k && s[k])
		memmove(s, s + k, strlen(s + k) + 1);
}

#define LEAKED_LABEL_MIN_BYTES 12	/* a header label of four ideographs or more: no word of a value */

/* OCR (issue 13): a value that ran on into the next cell ("281BGE07 征免性质
 * (101"): cut before the first header label of four or more ideographs it
 * holds, and the spaces before it. */
static void cut_leaked_label(char *text)
{
	char *cut = NULL;
	for (size_t d = 0; d < N_LABEL_DEFS; d++) {
		const char *l = label_defs[d].text;
		char *at = strlen(l) >= LEAKED_LABEL_MIN_BYTES && !is_item_header(label_defs[d].id) &&
			!is_footer(label_defs[d].id) ? strstr(text, l) : NULL;
		if (at && at > text && (!cut || at < cut))
			cut = at;
	}
	if (!cut)
		return;
	while (cut > text && cut[-1] == ' ')
		cut--;
	*cut = '\0';
}

static void put_string_field(struct reader *r, const struct strfield *f)
{
	struct sbuf v;
	sb_init(&v);
	float conf = 1;
	char code[64] = "";
	int found = cell_text(r, f->label, &v, &conf, code, sizeof code, NULL);
	char *text = fu_join_lines(sb_str(&v), f->keep_spaces ? " " : "");
	if (r->src->scanned && !f->keep_spaces) {
		/* OCR (issue 4): "豫 B47Q08" is one code, not a name and a code */
		char *joined = ocr_snap_join_codes(text);
		free(text);
		text = joined;
	}
	if (r->src->scanned)
		cut_leaked_label(text);
	char name[512] = "", vcode[64] = "";
	int label_code = code[0] != '\0';
	if (f->code_key)
		fu_split_code(text, name, sizeof name, vcode, sizeof vcode);
	else	/* issue 13: a cell with no code keeps all it holds ("雹 B97715/20240512") */
		snprintf(name, sizeof name, "%s", text);
	strip_leading_colon(name);
	if (!code[0] && vcode[0])
		memcpy(code, vcode, sizeof code);
	json_object_set_new(r->out, f->key, jstr_or_null(name));
	set_conf(r, f->key, found ? conf * CONF_SURE : CONF_MISSING);
	put_source(r, f->key);
	if (f->code_key) {
		json_object_set_new(r->out, f->code_key, jstr_or_null(code));
		set_conf(r, f->code_key, found ? conf * CONF_SURE : CONF_MISSING);
		src_put(&r->srcmap, r->out, f->code_key, label_code ? &r->at_code : &r->at);
	}
	free(text);
	sb_free(&v);
}

/* OCR: the credit code's look-alikes chosen by its check character
 * (ocr_fix_uscc); uscc is left as read when that fails. */
static enum ocr_fix uscc_from_ocr(char *uscc)
{
	char fixed[OCR_USCC_LEN + 1];
	size_t n = strlen(uscc);
	enum ocr_fix how = ocr_fix_uscc(uscc, n, fixed);
	if (how != OCR_FIX_FAILED)
		memcpy(uscc, fixed, sizeof fixed);
	return how;
}

/* name + unified social credit code (in brackets after the label, or
 * before/after the name) */
static void put_company(struct reader *r, int label, const char *key)
{
	struct sbuf v;
	sb_init(&v);
	float conf = 1;
	char code[64] = "";
	int found = cell_text(r, label, &v, &conf, code, sizeof code, NULL);
	char *text = fu_join_lines(sb_str(&v), "");
	char name[512] = "", uscc[64] = "";
	fu_split_uscc(text, code, name, sizeof name, uscc, sizeof uscc);
	strip_leading_colon(name);
	enum ocr_fix how = r->src->scanned ? uscc_from_ocr(uscc) : OCR_FIX_EXACT;
	json_t *o = json_object();
	json_object_set_new(o, "name", jstr_or_null(name));
	json_object_set_new(o, "uscc", jstr_or_null(uscc));
	json_object_set_new(r->out, key, o);
	char path[64];
	snprintf(path, sizeof path, "%s.name", key);
	set_conf(r, path, found && name[0] ? conf * CONF_SURE : CONF_MISSING);
	put_source(r, path);
	snprintf(path, sizeof path, "%s.uscc", key);
	double c = !found || !uscc[0] ? CONF_MISSING : !uscc_is_valid(uscc, strlen(uscc)) ? CONF_UNSURE
		: how == OCR_FIX_REPAIRED ? ocr_field_conf(conf, how, true) : conf * CONF_SURE;
	set_conf(r, path, c);
	src_put(&r->srcmap, r->out, path, code[0] && strcmp(code, uscc) == 0 ? &r->at_code : &r->at);
	free(text);
	sb_free(&v);
}

static void put_date(struct reader *r, int label, const char *key)
{
	struct sbuf v;
	sb_init(&v);
	float conf = 1;
	int found = cell_text(r, label, &v, &conf, NULL, 0, NULL);
	char iso[16] = "";
	int ok = fu_parse_date(sb_str(&v), iso, sizeof iso);
	if (!ok) {	/* a date wrapped in a narrow cell ("2024-06-" over "08") */
		char *joined = fu_join_lines(sb_str(&v), "");
		ok = fu_parse_date(joined, iso, sizeof iso);
		free(joined);
	}
	json_object_set_new(r->out, key, ok ? json_string(iso) : json_null());
	int blank = fu_is_blank(sb_str(&v));
	set_conf(r, key, !found ? CONF_MISSING : ok || blank ? conf * CONF_SURE : CONF_UNSURE);
	put_source(r, key);
	sb_free(&v);
}

/* OCR (issue 4): the number of a cell with specks around it ("”98297",
 * "8 ,") or a stroke of the ruling beside it read as a digit ("1 97600"):
 * the piece of text with the most digits, when no other has as many. */
static int ocr_number(const char *text, double *out)
{
	int best = 0, tie = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n')
			e++;
		const char *a = p, *b = e;
		while (a < b && !(*a >= '0' && *a <= '9'))
			a++;
		while (b > a && !(b[-1] >= '0' && b[-1] <= '9'))
			b--;
		int digits = 0;
		for (const char *q = a; q < b; q++)
			digits += *q >= '0' && *q <= '9';
		double x;
		char buf[64];
		if (digits > 0 && (size_t)(b - a) < sizeof buf) {
			memcpy(buf, a, (size_t)(b - a));
			buf[b - a] = '\0';
			if (fu_parse_number(buf, &x) && digits >= best) {
				tie = digits == best;
				best = digits;
				*out = x;
			}
		}
		p = e;
	}
	return best > 0 && !tie;
}

static double put_number(struct reader *r, int label, const char *key, int integer)
{
	struct sbuf v;
	sb_init(&v);
	float conf = 1;
	int found = cell_text(r, label, &v, &conf, NULL, 0, NULL);
	double x = 0;
	int ok = fu_parse_number(sb_str(&v), &x);
	if (!ok && r->src->scanned && ocr_number(sb_str(&v), &x)) {
		ok = 1;
		conf = conf < 0.7f ? conf : 0.7f;
	}
	if (ok && integer && x == floor(x) && fabs(x) < 1e15)
		json_object_set_new(r->out, key, json_integer((json_int_t)x));
	else
		json_object_set_new(r->out, key, ok ? json_real(x) : json_null());
	set_conf(r, key, !found ? CONF_MISSING : ok ? conf * CONF_SURE : CONF_UNSURE);
	put_source(r, key);
	sb_free(&v);
	return ok ? x : NAN;
}

static void put_fee(struct reader *r, int label, const char *key)
{
	struct sbuf v;
	sb_init(&v);
	float conf = 1;
	int found = cell_text(r, label, &v, &conf, NULL, 0, NULL);
	char *text = fu_join_lines(sb_str(&v), "");
	/* OCR (issue 13): specks at the ends ("502/758/3 。", ";502/805/3") */
	char *trimmed = r->src->scanned ? ocr_trim_value(text, OCR_TRIM_CODE) : NULL;
	if (trimmed) {
		free(text);
		text = trimmed;
	}
	char cur[16], mark[16];
	double amount;
	char path[64];
	if (fu_parse_fee(text, cur, sizeof cur, &amount, mark, sizeof mark)) {
		json_object_set_new(r->out, key, json_pack("{s:s,s:f,s:s}", "currency", cur, "amount", amount, "mark", mark));
		static const char *subs[] = {"currency", "amount", "mark"};
		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof path, "%s.%s", key, subs[i]);
			set_conf(r, path, conf * CONF_SURE);
			put_source(r, path);
		}
	} else {
		json_object_set_new(r->out, key, json_null());
		set_conf(r, key, !found ? CONF_MISSING : fu_is_blank(text) ? conf * CONF_SURE : CONF_UNSURE);
	}
	free(text);
	sb_free(&v);
}

static void put_attached_docs(struct reader *r)
{
	struct sbuf v;
	sb_init(&v);
	float conf = 1;
	int found = cell_text(r, L_DOCS, &v, &conf, NULL, 0, NULL);
	char *text = fu_join_wrapped(sb_str(&v));
	json_t *arr = fu_attached_docs(text);
	json_object_set_new(r->out, "attached_docs", arr);
	set_conf(r, "attached_docs", found ? conf * CONF_SURE : CONF_MISSING);
	put_source(r, "attached_docs");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		char path[64];
		snprintf(path, sizeof path, "attached_docs.%zu", i);
		set_conf(r, path, conf * CONF_SURE);
	}
	free(text);
	sb_free(&v);
}

#define TOP_BAND_SHARE 0.2f	/* the declaration's numbers print in the top fifth of its first page */
#define TOP_BAND_NUMBERS 2	/* 预录入编号 and 海关编号, side by side */

/* OCR (issue 13): the 海关编号 whose label was misread past finding (or
 * whose value was not found beside it): of exactly two valid 18-digit
 * numbers in the first page's top band, the right one (the 预录入编号
 * prints left of it). */
static int declno_in_top_band(const struct reader *r, char out[DECLNO_LEN + 1])
{
	const struct fpage *p = r->np ? &r->pages[0] : NULL;
	size_t found = 0;
	float right = -1.0f;
	for (size_t li = 0; p && li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		if (L->y1 > p->h * TOP_BAND_SHARE)
			continue;
		for (size_t k = L->g0, end = L->g0 + L->n; k < end;) {
			size_t d = 0;
			while (k + d < end && p->g[k + d].cp >= '0' && p->g[k + d].cp <= '9')
				d++;
			char run[DECLNO_LEN + 1];
			if (d == DECLNO_LEN) {
				for (size_t t = 0; t < DECLNO_LEN; t++)
					run[t] = (char)p->g[k + t].cp;
				run[DECLNO_LEN] = '\0';
			}
			if (d == DECLNO_LEN && declno_is_valid(run, DECLNO_LEN) && ++found && p->g[k].x0 > right) {
				right = p->g[k].x0;
				memcpy(out, run, DECLNO_LEN + 1);
			}
			k += d ? d : 1;
		}
	}
	return found == TOP_BAND_NUMBERS;
}

/* 海关编号 / 预录入编号: the 18 digits after the label; the bar code text
 * (*18 digits*) is the fallback and the cross-check; on a scan, then the
 * right one of the two numbers in the top band. */
static void put_number18(struct reader *r, int label, const char *key, const char *barcode)
{
	struct sbuf v;
	sb_init(&v);
	float conf = 1;
	int found = cell_text(r, label, &v, &conf, NULL, 0, NULL);
	char digits[DECLNO_LEN + 1] = "";
	int ok = fu_find_digits(sb_str(&v), DECLNO_LEN, digits);
	int from_cell = ok;
	double c = CONF_MISSING;
	if (ok) {
		c = conf * (declno_is_valid(digits, DECLNO_LEN) ? CONF_SURE : CONF_UNSURE);
		if (barcode && barcode[0] && strcmp(barcode, digits) == 0)
			c = conf > 0.99 ? 0.99 : (conf + 1) / 2;
	} else if (barcode && barcode[0] && label == L_DECL_NO) {
		memcpy(digits, barcode, DECLNO_LEN + 1);
		ok = 1;
		c = CONF_UNSURE;
	} else if (label == L_DECL_NO && r->src->scanned && declno_in_top_band(r, digits)) {
		ok = 1;
		c = CONF_UNSURE;
	}
	(void)found;
	json_object_set_new(r->out, key, ok ? json_string(digits) : json_null());
	set_conf(r, key, c);
	if (from_cell)
		put_source(r, key);
	sb_free(&v);
}

/* ---- the two numbers as every page prints them (OCR, issue 13) ----
 * Every page of a declaration prints both 18-digit numbers in its header.
 * Where the first page's reading is lost or disagrees, the other pages'
 * readings and the other number settle it, below sure:
 * - a number lost on the first page: the valid reading its pages agree on;
 * - two valid readings: the one whose customs district, year and direction
 *   (the first nine digits, which one customs numbers both by) are the
 *   other number's, when only one is;
 * - a number read past validity on every page (a digit read twice, a speck
 *   read as a digit) within one digit of the other number, read alike on
 *   its pages: that number (预录入编号 and 海关编号 are often one number;
 *   two different ones are seldom a digit apart). */
#define NUMBER18_READS 8	/* readings of one number looked at (one a page) */
#define NUMBER18_PREFIX 9	/* customs district, year and direction */
#define NUMBER18_RAW_MAX 24	/* digits of a reading past validity kept (fu_text_edits compares 24) */
#define NUMBER18_NEAR_EDITS 1	/* a digit changed, dropped or added */
#define NUMBER18_ROUNDS 2	/* settled twice: a number the other's pages gave may settle the first */

struct number18_reads {
	char valid[NUMBER18_READS][DECLNO_LEN + 1];
	char raw[NUMBER18_READS][NUMBER18_RAW_MAX + 1];
	size_t n_valid, n_raw;
};

static void number18_reads(struct reader *r, int label, struct number18_reads *out)
{
	out->n_valid = out->n_raw = 0;
	for (size_t pi = 0; pi < r->np && out->n_raw < NUMBER18_READS; pi++) {
		const struct flabel *lab = find_label(&r->pages[pi], label);
		if (!lab)
			continue;
		struct rline lines[16];
		float conf = 1;
		size_t n = cell_lines(&r->pages[pi], lab, lines, 16, &conf, r->src->scanned);
		struct sbuf t;
		sb_init(&t);
		for (size_t i = 0; i < n; i++)
			sb_adds(&t, sb_str(&lines[i].text));
		rlines_free(lines, n);
		char d[DECLNO_LEN + 1];
		if (fu_find_digits(sb_str(&t), DECLNO_LEN, d) && declno_is_valid(d, DECLNO_LEN))
			memcpy(out->valid[out->n_valid++], d, sizeof d);
		fu_digits_only(sb_str(&t), out->raw[out->n_raw++], NUMBER18_RAW_MAX + 1);
		sb_free(&t);
	}
}

/* The one valid reading all of them agree on. */
static const char *number18_agreed(const struct number18_reads *n)
{
	for (size_t i = 1; i < n->n_valid; i++)
		if (strcmp(n->valid[i], n->valid[0]) != 0)
			return NULL;
	return n->n_valid ? n->valid[0] : NULL;
}

/* The only valid reading sharing the first nine digits with other. */
static const char *number18_by_prefix(const struct number18_reads *n, const char *other)
{
	const char *pick = NULL;
	for (size_t i = 0; i < n->n_valid; i++) {
		if (strncmp(n->valid[i], other, NUMBER18_PREFIX) != 0)
			continue;
		if (pick && strcmp(pick, n->valid[i]) != 0)
			return NULL;
		pick = n->valid[i];
	}
	return pick;
}

static bool number18_near(const struct number18_reads *n, const char *other)
{
	for (size_t i = 0; i < n->n_raw; i++)
		if (fu_text_edits(n->raw[i], other) <= NUMBER18_NEAR_EDITS)
			return true;
	return false;
}

static void settle_number18(struct reader *r, const char *key, const struct number18_reads *own,
	const struct number18_reads *other_reads, const char *other)
{
	const char *now = json_string_value(json_object_get(r->out, key)), *pick = NULL;
	if (!now)
		pick = number18_agreed(own);
	else if (own->n_valid > 1 && other && !number18_agreed(own))
		pick = number18_by_prefix(own, other);
	if (!now && !pick && other && !own->n_valid && number18_agreed(other_reads) && number18_near(own, other))
		pick = other;
	if (!pick || (now && strcmp(now, pick) == 0))
		return;
	json_object_set_new(r->out, key, json_string(pick));
	set_conf(r, key, CONF_UNSURE);
}

static void numbers18_by_pages(struct reader *r)
{
	if (!r->src->scanned)
		return;
	struct number18_reads decl, pre;
	number18_reads(r, L_DECL_NO, &decl);
	number18_reads(r, L_PRE_ENTRY, &pre);
	for (int round = 0; round < NUMBER18_ROUNDS; round++) {
		settle_number18(r, "declaration_no", &decl, &pre,
			json_string_value(json_object_get(r->out, "pre_entry_no")));
		char d[DECLNO_LEN + 1] = "";	/* a copy: settling pre_entry_no may replace the value it was read from */
		const char *dn = json_string_value(json_object_get(r->out, "declaration_no"));
		if (dn)
			snprintf(d, sizeof d, "%s", dn);
		settle_number18(r, "pre_entry_no", &pre, &decl, d[0] ? d : NULL);
	}
}

/* The human-readable text of the number's bar code: *18 digits* anywhere. */
static void find_barcode_text(struct reader *r, char out[DECLNO_LEN + 1])
{
	out[0] = '\0';
	for (size_t pi = 0; pi < r->np && !out[0]; pi++) {
		const struct fpage *p = &r->pages[pi];
		for (size_t li = 0; li < p->nl && !out[0]; li++) {
			const struct fline *L = &p->lines[li];
			if (L->n < DECLNO_LEN + 2)
				continue;
			for (size_t k = L->g0; k + DECLNO_LEN + 1 < L->g0 + L->n; k++) {
				if (p->g[k].cp != '*' || p->g[k + DECLNO_LEN + 1].cp != '*')
					continue;
				size_t d = 0;
				while (d < DECLNO_LEN && p->g[k + 1 + d].cp >= '0' && p->g[k + 1 + d].cp <= '9')
					d++;
				if (d == DECLNO_LEN) {
					for (size_t t = 0; t < DECLNO_LEN; t++)
						out[t] = (char)p->g[k + 1 + t].cp;
					out[DECLNO_LEN] = '\0';
					break;
				}
			}
		}
	}
}

/* A footer value stands beside its label: only that line counts, up to the
 * next label. */
static void put_footer_value(struct reader *r, int label, const char *key)
{
	const struct flabel *lab = NULL;
	const struct fpage *p = NULL;
	for (size_t pi = 0; pi < r->np && !lab; pi++)
		if ((lab = find_label(&r->pages[pi], label)) != NULL)
			p = &r->pages[pi];
	if (!lab) {
		json_object_set_new(r->out, key, json_null());
		set_conf(r, key, CONF_MISSING);
		return;
	}
	float x0, x1, y1, conf = 1;
	cell_box(p, lab, &x0, &x1, &y1);
	struct rline line[2];
	size_t n = region_lines(p, lab->value_x + 0.01f, lab->y0 - 0.01f, x1, lab->y1 + 0.01f, line, 1, &conf);
	char *text = fu_squeeze_cjk(n ? sb_str(&line[0].text) : "");
	json_object_set_new(r->out, key, jstr_or_null(text));
	set_conf(r, key, conf * CONF_SURE);
	src_box_clear(&r->at);
	src_box_add_lines(&r->at, (int)(p - r->pages), line, n);
	put_source(r, key);
	free(text);
	rlines_free(line, n);
}

#define CONF_PORT_BY_VALUE 0.7	/* a 离境口岸 value found by its text, its label lost */

/* Where the first page's header cells end: the remarks' top, else the item
 * table's; NAN when neither was found. */
static float header_bottom(const struct reader *r)
{
	float rt = r->remarks_top[0], it = r->items_top[0];
	return isnan(rt) ? it : isnan(it) ? rt : fminf(rt, it);
}

/* OCR (issue 13): the 离境口岸 cell whose label OCR misread past finding
 * ("陷填口岸", "离境 1 内"): the port has one road port, so a line piece of
 * the first page's header cells that reads as it (ocr_snap_road_port) is
 * the cell's value, below sure; ocr_snap_fields then gives its name and
 * code from the table. */
static void departure_port_by_value(struct reader *r)
{
	if (!r->src->scanned || !r->np || json_string_value(json_object_get(r->out, "departure_port")))
		return;
	const struct fpage *p = &r->pages[0];
	float bottom = header_bottom(r);
	for (size_t li = 0; li < p->nl && !isnan(bottom); li++) {
		if (p->lines[li].y0 >= bottom)
			continue;
		struct sbuf t;
		sb_init(&t);
		glyph_text(p, p->lines[li].g0, p->lines[li].n, &t, 0);
		int port = ocr_snap_road_port(sb_str(&t));
		if (port) {
			json_object_set_new(r->out, "departure_port", json_string(sb_str(&t)));
			set_conf(r, "departure_port", CONF_PORT_BY_VALUE);
		}
		sb_free(&t);
		if (port)
			return;
	}
}

static void read_header(struct reader *r)
{
	static const struct strfield strs[] = {
		{L_EXIT_CUSTOMS, "exit_customs", "exit_customs_code", 0},
		{L_RECORD, "record_no", NULL, 0},
		{L_CONSIGNEE, "overseas_consignee", NULL, 1},
		{L_TRANSPORT_MODE, "transport_mode", "transport_mode_code", 0},
		{L_TRANSPORT_NAME, "transport_name", NULL, 0},
		{L_BILL, "bill_no", NULL, 0},
		{L_SUPERVISION, "supervision_mode", "supervision_mode_code", 0},
		{L_EXEMPTION_NATURE, "exemption_nature", "exemption_nature_code", 0},
		{L_LICENSE, "license_no", NULL, 0},
		{L_CONTRACT, "contract_no", NULL, 0},
		{L_TRADE_COUNTRY, "trade_country", "trade_country_code", 0},
		{L_DEST_COUNTRY, "destination_country", "destination_country_code", 0},
		{L_DEST_PORT, "destination_port", "destination_port_code", 0},
		{L_DEPARTURE_PORT, "departure_port", "departure_port_code", 0},
		{L_PACKAGE_KIND, "package_kind", "package_kind_code", 0},
		{L_TERMS, "trade_terms", "trade_terms_code", 0},
	};
	char barcode[DECLNO_LEN + 1];
	find_barcode_text(r, barcode);
	put_number18(r, L_DECL_NO, "declaration_no", barcode);
	put_number18(r, L_PRE_ENTRY, "pre_entry_no", NULL);
	numbers18_by_pages(r);
	for (size_t i = 0; i < 1; i++)
		put_string_field(r, &strs[i]);
	put_date(r, L_EXPORT_DATE, "export_date");
	put_date(r, L_DECLARE_DATE, "declare_date");
	put_string_field(r, &strs[1]);
	put_company(r, L_SHIPPER, "domestic_shipper");
	put_string_field(r, &strs[2]);
	put_string_field(r, &strs[3]);
	put_string_field(r, &strs[4]);
	put_string_field(r, &strs[5]);
	put_company(r, L_PRODUCER, "producer");
	for (size_t i = 6; i < sizeof strs / sizeof strs[0] - 1; i++)
		put_string_field(r, &strs[i]);
	put_number(r, L_PACKAGES, "packages", 1);
	double gross = put_number(r, L_GROSS, "gross_weight_kg", 0);
	double net = put_number(r, L_NET, "net_weight_kg", 0);
	put_string_field(r, &strs[sizeof strs / sizeof strs[0] - 1]);
	put_fee(r, L_FREIGHT, "freight");
	put_fee(r, L_INSURANCE, "insurance");
	put_fee(r, L_MISC, "misc_fee");
	put_attached_docs(r);
	departure_port_by_value(r);
	if (!isnan(gross) && (gross <= 0 || gross > FU_MAX_GROSS_KG || (!isnan(net) && net > gross * 1.0001))) {
		char v[64];
		snprintf(v, sizeof v, "%.3f", gross);
		warn(r, "weight_out_of_range", "gross_weight_kg",
			"gross weight is not positive, implausibly large, or below the net weight", v);
		set_conf(r, "gross_weight_kg", CONF_UNSURE);
	}
}

/* ---- remarks ---- */

#define FOREIGN_LABEL_CHARS 4	/* a label's start this long does not occur in free text ... */
#define FOREIGN_LABEL_MIN_CHARS 3	/* ... nor a whole label this long */

/* The first FOREIGN_LABEL_CHARS characters of t (whole when shorter), or ""
 * when t has fewer than FOREIGN_LABEL_MIN_CHARS. */
static void label_probe(const char *t, char *out, size_t cap)
{
	size_t bytes = 0, chars = 0;
	while (t[bytes] && chars < FOREIGN_LABEL_CHARS) {
		uint32_t cp;
		size_t n = utf8_get(t + bytes, &cp);
		if (bytes + n >= cap)
			break;
		bytes += n;
		chars++;
	}
	if (chars < FOREIGN_LABEL_MIN_CHARS)
		bytes = 0;
	memcpy(out, t, bytes);
	out[bytes] = '\0';
}

/* Remarks that hold (the start of) the label of an item column or of the
 * footer swallowed a block they do not own: the table's or the footer's
 * place was not found, or not all of it. */
static int remarks_hold_labels(const char *text)
{
	char *flat = fu_join_lines(text, "");
	int found = 0;
	for (size_t d = 0; d < N_LABEL_DEFS && !found; d++) {
		int id = label_defs[d].id;
		char probe[64];
		if ((!is_item_header(id) || id == L_I_SPEC) && !is_footer(id))
			continue;
		label_probe(label_defs[d].text, probe, sizeof probe);
		found = probe[0] && strstr(flat, probe);
	}
	free(flat);
	return found;
}

static void read_remarks(struct reader *r)
{
	r->remarks_conf = 1;
	int any = 0;
	for (size_t pi = 0; pi < r->np; pi++) {
		if (isnan(r->remarks_top[pi]))
			continue;
		const struct fpage *p = &r->pages[pi];
		struct rline *lines = calloc(FORM_MAX_LINES, sizeof *lines);
		if (!lines)
			abort();
		size_t n = 0;
		float x0 = 0, x1 = p->w;
		if (r->remarks_label[pi] >= 0) {
			const struct flabel *lab = &p->labels[r->remarks_label[pi]];
			float yc = (lab->y0 + lab->y1) / 2;
			float w = rule_wall(p, lab->x0 + 0.5f, yc, -1);
			if (!isnan(w))
				x0 = w;
			/* OCR: the label's line box can reach down over the first
			 * line of the remarks, as in cell_lines */
			float split = r->src->scanned ? label_split(p, lab) : lab->y1 + 0.01f;
			float below = r->src->scanned ? split : lab->y1 + 0.1f * lab->size;
			n = region_lines(p, lab->value_x + 0.01f, lab->y0 - 0.01f, x1, split, lines, 1, &r->remarks_conf);
			n += region_lines(p, x0, below, x1, r->remarks_bottom[pi], lines + n,
				FORM_MAX_LINES - n, &r->remarks_conf);
		} else {
			n = region_lines(p, x0, r->remarks_top[pi] + 0.01f, x1, r->remarks_bottom[pi], lines,
				FORM_MAX_LINES, &r->remarks_conf);
		}
		src_box_add_lines(&r->remarks_at, (int)pi, lines, n);
		float right = 0, size = 0;
		for (size_t i = 0; i < n; i++) {
			if (lines[i].x1 > right)
				right = lines[i].x1;
			if (lines[i].size > size)
				size = lines[i].size;
		}
		for (size_t i = 0; i < n; i++) {
			if (fu_is_blank(sb_str(&lines[i].text)))
				continue;
			if (any) {
				/* the previous line ran to the cell's edge: a wrap */
				int wrap = i > 0 && lines[i - 1].x1 >= right - 2.5f * size;
				sb_add(&r->remarks, "\n", 1);
				sb_add(&r->remarks_breaks, wrap ? "w" : "t", 1);
			}
			sb_adds(&r->remarks, sb_str(&lines[i].text));
			any = 1;
		}
		rlines_free(lines, n);
		free(lines);
	}
	if (remarks_hold_labels(sb_str(&r->remarks)) && r->remarks_conf > CONF_UNSURE)
		r->remarks_conf = CONF_UNSURE;
}

/* ---- items ---- */

struct column {
	int id;
	float x0, x1;	/* extent of the column's text */
	float hx0, hx1;	/* its header */
	int used;
};

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* Columns of the item table. Every glyph under the header gets the index of
 * its column in colof[]: from vertical ruling lines crossing the header when
 * there are enough; else from the empty strips (gutters) between the text;
 * text that runs under several headers with no gutter (some producers print
 * "4101501990盐湿牛皮", "中国 (13019/130130)石家庄") is cut into words at
 * spaces, and at a change of script where another line's word starts. */
#define MAX_COLS 16
#define TEXT_WALL_SLACK 0.5f	/* points a header may reach over its cell's ruling line */
#define OCR_WALL_SLACK 0.5f	/* ... font sizes, on a scan */

static int is_ascii_word(uint32_t c) { return c < 0x80 && c != ' '; }

static void item_columns_ruled_or_gutters(const struct fpage *p, float top, float bottom, struct column *cols,
	size_t nc, float size, int *colof, int ruled, int scanned);

/* OCR (issue 13): a column whose header OCR lost ("单价 人 币制", 总价 read
 * as 人) leaves a ruled cell between the walls of its neighbours' columns,
 * unread. It is the item header printed between theirs (L_I_* are in the
 * form's order) when exactly one is missing there; its text is then read as
 * that column's. */
#define LOST_COLUMN_MIN_SIZES 2.0f	/* the cell: at least this many header sizes wide */
#define LOST_COLUMN_WALL_SLACK 0.5f	/* points between its walls and the neighbours' */

static size_t columns_header_lost(const struct fpage *p, struct column *cols, size_t nc, size_t max, float yc,
	float size)
{
	for (size_t i = 0; i + 1 < nc && nc < max; i++) {
		float x0 = cols[i].x1, x1 = cols[i + 1].x0, mid = (x0 + x1) / 2;
		int id = cols[i].id + 1;
		if (cols[i + 1].id != id + 1 || x1 - x0 < LOST_COLUMN_MIN_SIZES * size ||
			!(fabsf(rule_wall(p, mid, yc, -1) - x0) < LOST_COLUMN_WALL_SLACK) ||
			!(fabsf(rule_wall(p, mid, yc, +1) - x1) < LOST_COLUMN_WALL_SLACK))
			continue;	/* no lost header between, or not one cell */
		memmove(cols + i + 2, cols + i + 1, (nc - i - 1) * sizeof *cols);
		cols[i + 1] = (struct column){id, x0, x1, x0, x1, 0};
		nc++;
		i++;
	}
	return nc;
}

static size_t item_columns(const struct fpage *p, const struct flabel *ih, float top, float bottom,
	struct column *cols, size_t max, int *colof, int scanned)
{
	size_t nc = 0;
	for (size_t i = 0; i < p->nlab && nc < max; i++) {
		const struct flabel *l = &p->labels[i];
		if (!l->live || !is_item_header(l->id) || !same_row(l, ih))
			continue;
		cols[nc++] = (struct column){l->id, l->x0, l->x1, l->x0, l->x1, 0};
	}
	if (nc < 3)
		return 0;
	for (size_t i = 1; i < nc; i++)
		for (size_t j = i; j > 0 && cols[j].hx0 < cols[j - 1].hx0; j--) {
			struct column t = cols[j];
			cols[j] = cols[j - 1];
			cols[j - 1] = t;
		}
	float yc = (ih->y0 + ih->y1) / 2;
	/* OCR (issue 13): a header's box reaches over its cell's ruling line by
	 * a stroke or two (a residue of skew) */
	float slack = scanned ? OCR_WALL_SLACK * (ih->size > 1 ? ih->size : 8) : TEXT_WALL_SLACK;
	int ruled = 1;
	for (size_t i = 0; i < nc && ruled; i++) {
		float cx = (cols[i].hx0 + cols[i].hx1) / 2;
		float l = rule_wall(p, cx, yc, -1), rr = rule_wall(p, cx, yc, +1);
		if (scanned && isnan(rr) && i + 1 == nc)
			rr = p->w;	/* the table's right edge lost in the scan's margin */
		if (isnan(l) || isnan(rr) || (i > 0 && l < cols[i - 1].hx1 - slack) || (i + 1 < nc && rr > cols[i + 1].hx0 + slack))
			ruled = 0;
		else {
			cols[i].x0 = l;
			cols[i].x1 = rr;
		}
	}
	if (ruled && scanned)
		nc = columns_header_lost(p, cols, nc, max, yc, ih->size > 1 ? ih->size : 8);
	item_columns_ruled_or_gutters(p, top, bottom, cols, nc, ih->size > 1 ? ih->size : 8, colof, ruled, scanned);
	return nc;
}

struct word {
	size_t g0, g1;	/* glyphs [g0, g1) of the page */
	float x0, x1;
	int col;
};

/* Cut the glyphs of one block (x in [b0, b1]) into words and give each a
 * column among cols[first..last]. */
static void split_block(const struct fpage *p, float top, float bottom, float b0, float b1, struct column *cols,
	size_t first, size_t last, float size, int *colof)
{
	size_t cap = 256, nw = 0;
	struct word *w = malloc(cap * sizeof *w);
	if (!w)
		abort();
	/* strong cuts: spaces and gaps */
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		float c = (L->y0 + L->y1) / 2;
		if (c <= top || c >= bottom)
			continue;
		size_t k = L->g0, e = L->g0 + L->n;
		while (k < e) {
			while (k < e && (p->g[k].cp == ' ' || (p->g[k].x0 + p->g[k].x1) / 2 < b0 ||
					 (p->g[k].x0 + p->g[k].x1) / 2 > b1))
				k++;
			if (k >= e)
				break;
			size_t m = k + 1;
			while (m < e && p->g[m].cp != ' ' && (p->g[m].x0 + p->g[m].x1) / 2 <= b1 &&
			       p->g[m].x0 - p->g[m - 1].x1 < 0.3f * size)
				m++;
			if (nw == cap) {
				cap *= 2;
				struct word *nwp = realloc(w, cap * sizeof *w);
				if (!nwp)
					abort();
				w = nwp;
			}
			w[nw++] = (struct word){k, m, p->g[k].x0, p->g[m - 1].x1, -1};
			k = m;
		}
	}
	/* weak cuts: a change between ASCII and Chinese where another word starts */
	size_t n0 = nw;
	for (size_t i = 0; i < n0; i++) {
		for (size_t k = w[i].g0 + 1; k < w[i].g1; k++) {
			if (is_ascii_word(p->g[k].cp) == is_ascii_word(p->g[k - 1].cp))
				continue;
			int edge = 0;
			for (size_t j = 0; j < n0 && !edge; j++)
				edge = j != i && fabsf(w[j].x0 - p->g[k].x0) < 0.25f * size;
			if (!edge)
				continue;
			if (nw == cap) {
				cap *= 2;
				struct word *nwp = realloc(w, cap * sizeof *w);
				if (!nwp)
					abort();
				w = nwp;
			}
			w[nw++] = (struct word){k, w[i].g1, p->g[k].x0, w[i].x1, -1};
			w[i].g1 = k;
			w[i].x1 = p->g[k - 1].x1;
			break;
		}
	}
	/* columns: by overlap with a header, then by a shared left edge, then
	 * the nearest header */
	for (size_t i = 0; i < nw; i++) {
		float best = 0;
		for (size_t c = first; c <= last; c++) {
			float o = overlap(w[i].x0, w[i].x1, cols[c].hx0, cols[c].hx1);
			if (o > best) {
				best = o;
				w[i].col = (int)c;
			}
		}
	}
	for (size_t i = 0; i < nw; i++) {
		if (w[i].col >= 0)
			continue;
		for (size_t j = 0; j < nw && w[i].col < 0; j++)
			if (w[j].col >= 0 && fabsf(w[j].x0 - w[i].x0) < 0.25f * size)
				w[i].col = w[j].col;
		if (w[i].col < 0) {
			float bd = 1e30f, wc = (w[i].x0 + w[i].x1) / 2;
			for (size_t c = first; c <= last; c++) {
				float d = fabsf((cols[c].hx0 + cols[c].hx1) / 2 - wc);
				if (d < bd) {
					bd = d;
					w[i].col = (int)c;
				}
			}
		}
	}
	for (size_t i = 0; i < nw; i++)
		for (size_t k = w[i].g0; k < w[i].g1; k++)
			colof[k] = w[i].col;
	free(w);
}

static void item_columns_ruled_or_gutters(const struct fpage *p, float top, float bottom, struct column *cols,
	size_t nc, float size, int *colof, int ruled, int scanned)
{
	for (size_t i = 0; i < p->ng; i++)
		colof[i] = -1;
	if (ruled) {
		for (size_t i = 0; i < p->ng; i++) {
			float cx = (p->g[i].x0 + p->g[i].x1) / 2, cy = (p->g[i].y0 + p->g[i].y1) / 2;
			if (cy <= top || cy >= bottom)
				continue;
			for (size_t c = 0; c < nc; c++)
				if (cx >= cols[c].x0 && cx <= cols[c].x1)
					colof[i] = (int)c;
		}
		return;
	}
	/* gutters: merge the x-extents of every glyph under the header */
	size_t ng = 0;
	float *iv = malloc((p->ng ? p->ng : 1) * 2 * sizeof *iv);
	if (!iv)
		abort();
	for (size_t i = 0; i < p->ng; i++) {
		float c = (p->g[i].y0 + p->g[i].y1) / 2;
		if (c > top && c < bottom && p->g[i].cp != ' ') {
			iv[2 * ng] = p->g[i].x0;
			iv[2 * ng + 1] = p->g[i].x1;
			ng++;
		}
	}
	qsort(iv, ng, 2 * sizeof *iv, cmp_float);
	size_t i = 0;
	while (i < ng) {
		float b0 = iv[2 * i], b1 = iv[2 * i + 1];
		size_t j = i + 1;
		while (j < ng && iv[2 * j] < b1 + FU_GUTTER * size) {
			if (iv[2 * j + 1] > b1)
				b1 = iv[2 * j + 1];
			j++;
		}
		size_t first = nc, last = 0;
		for (size_t c = 0; c < nc; c++)
			if (cols[c].hx1 > b0 && cols[c].hx0 < b1) {
				if (first == nc)
					first = c;
				last = c;
			}
		if (first == nc) {
			float bc = (b0 + b1) / 2, bd = 1e30f;
			for (size_t c = 0; c < nc; c++) {
				float d = fabsf((cols[c].hx0 + cols[c].hx1) / 2 - bc);
				if (scanned)	/* OCR (issue 4): the header nearest by its edge */
					d = cols[c].hx0 > b1 ? cols[c].hx0 - b1 : b0 > cols[c].hx1 ? b0 - cols[c].hx1 : 0;
				if (d < bd) {
					bd = d;
					first = last = c;
				}
			}
		}
		if (first == last) {
			for (size_t k = 0; k < p->ng; k++) {
				float cx = (p->g[k].x0 + p->g[k].x1) / 2, cy = (p->g[k].y0 + p->g[k].y1) / 2;
				if (cy > top && cy < bottom && cx >= b0 && cx <= b1)
					colof[k] = (int)first;
			}
		} else {
			split_block(p, top, bottom, b0, b1, cols, first, last, size, colof);
		}
		i = j;
	}
	free(iv);
}

static const struct column *col_of(const struct column *cols, size_t nc, int id)
{
	for (size_t i = 0; i < nc; i++)
		if (cols[i].id == id)
			return &cols[i];
	return NULL;
}

/* Text lines of one column within an item's band. */
static size_t col_lines(const struct fpage *p, const struct column *cols, const struct column *c, const int *colof,
	float y0, float y1, struct rline *out, size_t max, float *conf)
{
	if (!c)
		return 0;
	return region_lines_mask(p, -1e30f, y0, 1e30f, y1, colof, (int)(c - cols), out, max, conf);
}

struct item_ctx {
	struct reader *r;
	json_t *items;
	struct sbuf specs;		/* every spec, '\n' between lines (for VINs) */
	struct sbuf spec_breaks;
	float spec_conf;
};

#define ITEM_MAX_LINES 24	/* lines of one column within one item */
#define ITEM_MAX_NUMBERS 8	/* numbers of the price columns within one item */
#define QTY_MAX_TEXT 256	/* bytes of one quantity line looked at */
#define PRICE_TOLERANCE_SHARE 0.01	/* quantity × unit price within this share of the total ... */
#define PRICE_TOLERANCE_ABS 0.05	/* ... plus this much (rounding of the printed price) */
#define ROW_START_MERGE 0.8f	/* font sizes between two starts of one row */
/* Font sizes above a spec row's label where the item's columns end. On a
 * scan the label's top is its ink's (an OCR line box), and a line of the
 * columns whose middle is above it is theirs: OCR's box of the spec row's
 * line may be two or three lines tall, and a gap of its size cut off the
 * columns' last line (dev6-scan g2_0061_001 at 300 dpi grey: 24628 件 and
 * the currency, 美元, under the price). */
#define SPEC_ROW_GAP 0.3f

/* One item's band on a page: its columns' rows [y0, y_cols), and a spec row
 * under them [spec_y0, y1) when the producer prints one across the table. */
struct item_band {
	const struct fpage *p;
	const struct column *cols;
	size_t nc;
	const int *colof;
	float y0, y_cols, y1;
	const struct flabel *spec;	/* the spec row's label, or NULL */
	float conf;
};

static size_t band_col(struct item_band *b, int id, struct rline *out)
{
	return col_lines(b->p, b->cols, col_of(b->cols, b->nc, id), b->colof, b->y0, b->y_cols, out, ITEM_MAX_LINES,
		&b->conf);
}

/* A column's lines within the band as one string (lines run together). */
static void band_col_text(struct item_band *b, int id, struct sbuf *all)
{
	struct rline L[ITEM_MAX_LINES];
	size_t n = band_col(b, id, L);
	for (size_t i = 0; i < n; i++)
		sb_adds(all, sb_str(&L[i].text));
	rlines_free(L, n);
}

/* A spec row: a 规格型号 / 申报要素 label inside the band, under its first
 * line, starting a line of its own (a row across the table, not a column). */
static const struct flabel *spec_row_label(const struct fpage *p, float y0, float y1)
{
	for (size_t i = 0; i < p->nlab; i++) {
		const struct flabel *l = &p->labels[i];
		if (l->id == L_I_SPEC && l->y0 > y0 + 0.5f * l->size && l->y0 < y1)
			return l;
	}
	return NULL;
}

/* OCR (issue 13): a spec row whose 规格型号 label OCR misread ("虐阁型号、
 * 申报效素) :…"): a line piece under the item's first line that starts left
 * of the quantity column and runs across three columns or more is a row
 * across the table, not data of the columns it passes (a data line stops at
 * its cell's edge). Its label, when a colon shows where it ends, is left
 * out. Fills *out as its label; returns 0 when there is none. */
#define ACROSS_MIN_COLUMNS 3
#define ACROSS_LABEL_MAX_GLYPHS 16	/* a colon further in is the spec's own */

static int crosses_columns(const struct item_band *b, const struct fline *L)
{
	int n = 0;
	for (size_t c = 0; c < b->nc; c++)
		n += overlap(L->x0, L->x1, b->cols[c].x0, b->cols[c].x1) > 0 &&
			overlap(L->x0, L->x1, b->cols[c].hx0, b->cols[c].hx1) > 0;
	return n;
}

static int row_across(const struct item_band *b, struct flabel *out)
{
	const struct column *q = col_of(b->cols, b->nc, L_I_QTY);
	if (!q)
		return 0;
	const struct fpage *p = b->p;
	const struct fline *pick = NULL;
	for (size_t li = 0; li < p->nl; li++) {
		const struct fline *L = &p->lines[li];
		float yc = (L->y0 + L->y1) / 2;
		if (yc <= b->y0 + ROW_START_MERGE * L->size || yc >= b->y1 || L->x0 >= fminf(q->x0, q->hx0) ||
		    crosses_columns(b, L) < ACROSS_MIN_COLUMNS || (pick && pick->y0 < L->y0))
			continue;
		pick = L;
	}
	if (!pick)
		return 0;
	size_t after = pick->g0;	/* the first glyph after a colon near the start, if any */
	for (size_t k = pick->g0; k < pick->g0 + pick->n && k < pick->g0 + ACROSS_LABEL_MAX_GLYPHS; k++)
		if (p->g[k].cp == ':' || p->g[k].cp == 0xFF1A)
			after = k + 1;
	float value_x = after < pick->g0 + pick->n ? p->g[after].x0 : pick->x1;
	*out = (struct flabel){.id = L_I_SPEC, .line = (size_t)(pick - p->lines), .g_start = pick->g0, .g_end = after,
		.after = after, .x0 = pick->x0, .y0 = pick->y0, .x1 = value_x, .y1 = pick->y1, .size = pick->size,
		.tail_y0 = pick->y0, .y_end = pick->y1, .value_x = value_x, .live = 1, .weak = 1};
	return 1;
}

static long item_no(struct item_band *b, size_t idx, int *ok)
{
	struct sbuf t;
	sb_init(&t);
	band_col_text(b, L_I_NO, &t);
	long no = 0;
	*ok = fu_parse_int(sb_str(&t), &no);
	sb_free(&t);
	return *ok ? no : (long)idx + 1;
}

/* The 商品编号 column's digits (a code wrapped in a narrow cell comes in
 * pieces); more digits than a code holds (OCR: a spec's "0|3|" under the
 * code taken into its column): the code its first line starts with, not
 * sure (returns 0). */
static int item_hs(struct item_band *b, char *hs, size_t cap)
{
	int sure = 1;
	struct rline L[ITEM_MAX_LINES];
	size_t n = band_col(b, L_I_HS, L);
	struct sbuf all;
	sb_init(&all);
	for (size_t i = 0; i < n; i++)
		sb_adds(&all, sb_str(&L[i].text));
	fu_digits_only(sb_str(&all), hs, cap);
	float top = INFINITY;
	for (size_t i = 0; i < n && strlen(hs) > FU_HS_DIGITS; i++) {
		char lead[FU_HS_DIGITS + 1];
		if (L[i].y0 < top && fu_hs_code_lead(sb_str(&L[i].text), lead, sizeof lead)) {
			top = L[i].y0;
			snprintf(hs, cap, "%s", lead);
			sure = 0;
		}
	}
	sb_free(&all);
	rlines_free(L, n);
	return sure;
}

static void spec_add_line(struct item_ctx *ic, struct sbuf *spec, const char *line)
{
	if (spec->len) {
		sb_add(&ic->specs, "\n", 1);
		sb_add(&ic->spec_breaks, "w", 1);
	} else if (ic->specs.len) {
		sb_add(&ic->specs, "\n", 1);
		sb_add(&ic->spec_breaks, "t", 1);
	}
	sb_adds(spec, line);
	sb_adds(&ic->specs, line);
}

/* The spec row's text: after its label on the label's line, then the lines
 * under it across the table. The label's line is taken whole: a wide gap
 * in it (OCR, issue 13: "11.5T15   长城牌…|VIN:…") cuts it into pieces that
 * are one line of the row, not lines of their own. */
static void spec_row_text(struct item_ctx *ic, struct item_band *b, struct sbuf *spec)
{
	const struct flabel *lab = b->spec;
	struct rline L[ITEM_MAX_LINES];
	size_t n = region_lines(b->p, lab->value_x + 0.01f, lab->y0 - 0.01f, b->p->w, lab->y_end + 0.01f, L,
		ITEM_MAX_LINES, &b->conf);
	n += region_lines(b->p, lab->x0 - lab->size, lab->y_end + 0.1f * lab->size, b->p->w, b->y1, L + n,
		ITEM_MAX_LINES - n, &b->conf);
	for (size_t i = 0; i < n; i++)
		if (!fu_is_blank(sb_str(&L[i].text)))
			spec_add_line(ic, spec, sb_str(&L[i].text));
	rlines_free(L, n);
}

/* OCR (issue 13): a line holding a run of letters and digits as long as a
 * VIN, or nearly (a spec's "车架号:LFWVG40T7PW617376" on its last line), is
 * the spec's, never the commodity's name. */
#define NAME_CODE_RUN_MAX 14	/* letters and digits in a row a name may hold (a model: "CS55PLUS") */

static int holds_code_run(const char *s)
{
	size_t run = 0;
	for (; *s; s++) {
		run = utf8_is_ascii_alnum((unsigned char)*s) ? run + 1 : 0;
		if (run > NAME_CODE_RUN_MAX)
			return 1;
	}
	return 0;
}

/* Name over spec in the name column; the line with '|' is the spec even if
 * it comes first; a 规格型号 column of its own, or a spec row, holds it alone. */
static void item_name_spec(struct item_ctx *ic, struct item_band *b, struct sbuf *name, struct sbuf *spec)
{
	struct rline L[ITEM_MAX_LINES];
	size_t n = band_col(b, L_I_NAME, L);
	const struct column *cspec = col_of(b->cols, b->nc, L_I_SPEC);
	size_t n_name = n;
	if (cspec)
		n += col_lines(b->p, b->cols, cspec, b->colof, b->y0, b->y_cols, L + n, ITEM_MAX_LINES - n, &b->conf);
	size_t first_bar = n;
	for (size_t i = 0; i < n && first_bar == n; i++)
		if (strchr(sb_str(&L[i].text), '|'))
			first_bar = i;
	for (size_t i = 0; i < n; i++) {
		int in_spec = first_bar < n ? i >= first_bar : i > 0;
		if (first_bar == 0 && i > 0 && !strchr(sb_str(&L[i].text), '|') && name->len == 0 && i == n - 1 &&
		    !holds_code_run(sb_str(&L[i].text)))
			in_spec = 0;	/* swapped: the name came out after the spec */
		if (cspec)
			in_spec = i >= n_name;
		if (b->spec)
			in_spec = 0;
		if (in_spec)
			spec_add_line(ic, spec, sb_str(&L[i].text));
		else
			sb_adds(name, sb_str(&L[i].text));
	}
	rlines_free(L, n);
	if (b->spec)
		spec_row_text(ic, b, spec);
}

/* OCR: a line's text without the specks around it (fu_strip_specks). */
static void line_strip_specks(struct rline *l)
{
	char *t = fu_strip_specks(sb_str(&l->text));
	l->text.len = 0;
	sb_adds(&l->text, t);
	free(t);
}

/* A line of the quantity column without a number: the rest of the unit
 * before it, wrapped in a narrow cell ("25522平方" over "米"). */
static void unit_wrapped(json_t *qs, const char *line, char *unit, size_t cap)
{
	json_t *last = json_array_get(qs, json_array_size(qs) - 1);
	const char *u = json_string_value(json_object_get(last, "unit"));
	if (!u || fu_is_blank(line) || strpbrk(line, "0123456789") || strlen(u) + strlen(line) >= cap)
		return;
	char joined[64];
	if (strlen(u) + strlen(line) >= sizeof joined)
		return;
	snprintf(joined, sizeof joined, "%s%s", u, line);
	json_object_set_new(last, "unit", json_string(joined));
	memcpy(unit, joined, strlen(joined) + 1);	/* shorter than cap: checked above */
}

/* Quantities, one per line; the last is the transaction quantity. Returns
 * the first quantity counted in vehicles (辆), or NAN. */
/* The quantities read so far in a cell: the list, the last one and its
 * unit (the transaction quantity), the first counted in vehicles (辆). */
struct qty_read {
	json_t *qs;
	double qty, vehicles;
	char unit[32];
};

/* One quantity's text ("9辆"), or the rest of a unit wrapped under it. */
static void add_quantity(struct qty_read *got, const char *piece, int scanned)
{
	double q;
	char u[sizeof got->unit];
	if (!fu_parse_qty(piece, &q, u, sizeof u)) {
		unit_wrapped(got->qs, piece, got->unit, sizeof got->unit);
		return;
	}
	char snapped[sizeof u];
	if (scanned && ocr_snap_unit(u, snapped, sizeof snapped))	/* OCR (issue 13): 干克 -> 千克 */
		memcpy(u, snapped, sizeof u);
	json_array_append_new(got->qs, json_pack("{s:f,s:s}", "qty", q, "unit", u));
	got->qty = q;
	memcpy(got->unit, u, sizeof got->unit);
	if (isnan(got->vehicles) && strcmp(u, "辆") == 0)
		got->vehicles = q;
}

/* OCR (issue 13): the transaction quantity (the cell's last line) states
 * what the first line does when their units agree; a last line whose unit
 * is no unit at all ("6训", "23676交": misread, or the second line with the
 * third lost) beside a first line in a known unit gives way to the first.
 * Returns 1 when it did (the quantity is then not sure). */
static int qty_by_first_line(struct qty_read *got)
{
	size_t n = json_array_size(got->qs);
	json_t *first = json_array_get(got->qs, 0);
	const char *u0 = json_string_value(json_object_get(first, "unit"));
	double q0 = json_number_value(json_object_get(first, "qty"));
	if (n < 2 || ocr_snap_unit_known(got->unit) || !ocr_snap_unit_known(u0) || q0 == got->qty)
		return 0;
	got->qty = q0;
	snprintf(got->unit, sizeof got->unit, "%s", u0);
	return 1;
}

static double item_quantities(struct item_band *b, json_t *it, int scanned, int *qty_sure)
{
	struct rline L[ITEM_MAX_LINES];
	size_t n = band_col(b, L_I_QTY, L);
	struct qty_read got = {json_array(), NAN, NAN, ""};
	for (size_t i = 0; i < n; i++) {
		if (scanned)	/* OCR (issue 13): "“10957条", a lone "." under the cell */
			line_strip_specks(&L[i]);
		const char *line = sb_str(&L[i].text);
		size_t at[ITEM_MAX_LINES], na = scanned ? fu_quantity_starts(line, at, ITEM_MAX_LINES) : 0;
		if (na < 2) {	/* one quantity: the whole line */
			add_quantity(&got, line, scanned);
			continue;
		}
		for (size_t k = 0; k < na; k++) {	/* OCR: two lines run together */
			char cut[QTY_MAX_TEXT];
			size_t len = (k + 1 < na ? at[k + 1] : strlen(line)) - at[k];
			snprintf(cut, sizeof cut, "%.*s", (int)len, line + at[k]);
			add_quantity(&got, cut, scanned);
		}
	}
	*qty_sure = !(scanned && qty_by_first_line(&got));
	json_object_set_new(it, "qty", isnan(got.qty) ? json_null() : json_real(got.qty));
	json_object_set_new(it, "unit", jstr_or_null(got.unit));
	json_object_set_new(it, "quantities", got.qs);
	rlines_free(L, n);
	return got.vehicles;
}

/* Lines of digits and points, all of them, as one line; n otherwise. */
static size_t join_number_lines(struct rline *L, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *c = sb_str(&L[i].text); *c; c++)
			if (!(*c >= '0' && *c <= '9') && *c != '.' && *c != ',' && *c != ' ')
				return n;
	for (size_t i = 1; i < n; i++)
		sb_adds(&L[0].text, sb_str(&L[i].text));
	rlines_free(L + 1, n - 1);
	return 1;
}

/* OCR (issue 13): quantity, unit price and total that do not add up made
 * to by one misread character of one of them (fu_repair_price). Returns 1
 * when one was changed (then none of them is sure). */
static int item_price_repair(json_t *it, double *qty, double *price, double *total)
{
	enum fu_arith changed = fu_repair_price(qty, price, total);
	if (changed != FU_ARITH_QTY)
		return changed != FU_ARITH_NONE;
	json_object_set_new(it, "qty", json_real(*qty));
	json_t *qs = json_object_get(it, "quantities");
	json_t *last = json_array_get(qs, json_array_size(qs) - 1);
	if (last)
		json_object_set_new(last, "qty", json_real(*qty));
	return 1;
}

static int prices_add_up(double qty, double price, double total)
{
	return fabs(qty * price - total) <= PRICE_TOLERANCE_SHARE * fabs(total) + PRICE_TOLERANCE_ABS;
}

/* OCR (issue 13): the transaction quantity (the cell's last line) that does
 * not add up with price and total while another line of the cell does (a
 * digit of "7293件" lost on the last line, the first reads whole): that
 * line's quantity and unit, the only one that does. Returns 1 when it
 * took one. */
static int item_qty_by_price(json_t *it, double *qty, double price, double total)
{
	json_t *qs = json_object_get(it, "quantities");
	const json_t *pick = NULL;
	for (size_t i = 0; i < json_array_size(qs); i++) {
		const json_t *q = json_array_get(qs, i);
		double v = json_number_value(json_object_get(q, "qty"));
		if (!prices_add_up(v, price, total))
			continue;
		if (pick && json_number_value(json_object_get(pick, "qty")) != v)
			return 0;	/* two readings add up: no choice */
		pick = q;
	}
	if (!pick)
		return 0;
	*qty = json_number_value(json_object_get(pick, "qty"));
	json_object_set_new(it, "qty", json_real(*qty));
	json_object_set(it, "unit", json_object_get(pick, "unit"));
	return 1;
}

/* OCR (issue 13): the price columns' lines without their specks ("”USD",
 * "3875636.70,"), a number's digits joined across a space ("826306 1.96"). */
static void price_lines_tidy(struct rline *L, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		line_strip_specks(&L[i]);
		if (L[i].text.s) {
			fu_mend_cents(L[i].text.s);
			fu_join_digit_groups(L[i].text.s);
			L[i].text.len = strlen(L[i].text.s);
		}
	}
}

#define COMBINED_PRICE_LINES 3	/* 单价 / 总价 / 币制 over one another */

static int topmost_line(const struct rline *L, size_t n, size_t i)
{
	for (size_t k = 0; k < n; k++)
		if (L[k].y0 < L[i].y0)
			return 0;
	return 1;
}

/* OCR (issue 13): a unit price and the total under it read as one line
 * ("2.31857697.34": the two lines' boxes overlap): parted where the product
 * of quantity and price comes closest to the total, and only when they add
 * up. Returns 1 with *price and *total. */
#define PRICE_TEXT_MAX 64	/* bytes of a unit price read joined to its total, at most */

static int prices_joined(const char *text, double qty, double *price, double *total)
{
	const char *p1 = strchr(text, '.'), *p2 = p1 ? strchr(p1 + 1, '.') : NULL;
	if (!p2 || strchr(p2 + 1, '.') || isnan(qty))
		return 0;
	double best = INFINITY;
	for (const char *cut = p1 + 2; cut < p2; cut++) {	/* the price keeps a decimal at least */
		char head[PRICE_TEXT_MAX];
		size_t n = (size_t)(cut - text);
		double a, b;
		if (n >= sizeof head || *cut == '0')
			continue;
		memcpy(head, text, n);
		head[n] = '\0';
		if (!fu_parse_number(head, &a) || !fu_parse_number(cut, &b) || !prices_add_up(qty, a, b))
			continue;
		double miss = fabs(qty * a - b);
		if (miss < best) {
			best = miss;
			*price = a;
			*total = b;
		}
	}
	return !isinf(best);
}

/* Unit price, total and currency (one combined column or three): told apart
 * by form and arithmetic. Returns 0 when they do not add up. */
static int item_prices(struct item_band *b, json_t *it, double qty, int scanned)
{
	static const int price_cols[] = {L_I_PRICE, L_I_TOTAL, L_I_CURRENCY};
	double nums[ITEM_MAX_NUMBERS];
	size_t nn = 0, from_price = 0;	/* numbers read, and read in a unit price column of its own */
	size_t first_of_three = 0;	/* read on the first of the combined column's three lines */
	char cur[16] = "";
	/* a column of its own holds one number: its lines are one number wrapped
	 * in a narrow cell ("159424.9" over "8") */
	int separate = col_of(b->cols, b->nc, L_I_TOTAL) != NULL;
	for (size_t pc = 0; pc < sizeof price_cols / sizeof price_cols[0]; pc++) {
		struct rline L[ITEM_MAX_LINES];
		size_t n = band_col(b, price_cols[pc], L);
		if (scanned)
			price_lines_tidy(L, n);
		if (separate && price_cols[pc] != L_I_CURRENCY && n > 1)
			n = join_number_lines(L, n);
		for (size_t i = 0; i < n; i++) {
			double x;
			if (fu_parse_number(sb_str(&L[i].text), &x)) {
				if (nn < ITEM_MAX_NUMBERS)
					nums[nn++] = x;
				from_price += separate && price_cols[pc] == L_I_PRICE;
				first_of_three += !separate && n >= COMBINED_PRICE_LINES && topmost_line(L, n, i);
			} else if (scanned && nn + 2 <= ITEM_MAX_NUMBERS &&
				   prices_joined(sb_str(&L[i].text), qty, &nums[nn], &nums[nn + 1])) {
				nn += 2;
			} else if (!cur[0] && !fu_currency(sb_str(&L[i].text), cur, sizeof cur) && scanned) {
				fu_currency_misread(sb_str(&L[i].text), cur, sizeof cur);
			}
		}
		rlines_free(L, n);
	}
	double price = NAN, total = NAN;
	int sure = 1;
	if (nn >= 2) {
		if (scanned && !isnan(qty) && !prices_add_up(qty, nums[0], nums[1]) && !prices_add_up(qty, nums[1], nums[0]) &&
		    (item_qty_by_price(it, &qty, nums[0], nums[1]) || item_qty_by_price(it, &qty, nums[1], nums[0])))
			sure = 0;
		price = nums[0];
		total = nums[1];
		if (!isnan(qty) && fabs(qty * nums[1] - nums[0]) < fabs(qty * nums[0] - nums[1])) {
			price = nums[1];
			total = nums[0];
		}
		if (!isnan(qty) && !prices_add_up(qty, price, total))
			sure = 0;
		if (scanned && !isnan(qty) && item_price_repair(it, &qty, &price, &total))
			sure = 0;
		if (scanned && fu_total_by_product(qty, price, &total))	/* OCR (issue 13): two misreads */
			sure = 0;
		else if (scanned && fu_price_extra_char(qty, &price, &total))	/* issue 13: a speck in the price */
			sure = 0;
	} else if (nn == 1 && (from_price == 1 || (scanned && first_of_three == 1)) && !isnan(qty)) {
		/* OCR lost the total of a unit price column of its own (or, on a
		 * scan, the total under the price of the combined column): the
		 * quantity times the price, never sure */
		price = nums[0];
		total = qty * price;
		sure = 0;
	} else {
		if (nn == 1)
			total = nums[0];
		sure = 0;
	}
	json_object_set_new(it, "unit_price", isnan(price) ? json_null() : json_real(price));
	json_object_set_new(it, "total", isnan(total) ? json_null() : json_real(floor(total * 100 + 0.5) / 100));
	const char *near = scanned ? ocr_snap_currency(cur) : NULL;	/* OCR (issue 13): TSD -> USD */
	if (scanned && !near && !ocr_snap_currency_known(cur))
		cur[0] = '\0';	/* issue 13: no currency ("CHN" of the origin's cell): not read */
	json_object_set_new(it, "currency", jstr_or_null(near ? near : cur));
	return sure;
}

/* OCR (issue 13): no currency read in the price columns (their header or
 * the cell misplaced): a currency code or name standing alone anywhere in
 * the item's band. Only the codes of this list: any three capitals would
 * take a country code ("CHN"). */
static void item_currency_in_band(struct item_band *b, json_t *it, int scanned)
{
	static const char *const known[] = {"USD", "CNY", "EUR", "JPY", "HKD", "GBP", "RUB", "KZT", "美元", "人民币",
		"欧元", "卢布"};
	if (!scanned || json_string_value(json_object_get(it, "currency")))
		return;
	struct rline L[ITEM_MAX_LINES];
	size_t n = region_lines(b->p, 0, b->y0, b->p->w, b->y_cols, L, ITEM_MAX_LINES, NULL);
	char cur[16] = "";
	for (size_t i = 0; i < n && !cur[0]; i++) {
		char *line = fu_collapse(sb_str(&L[i].text));
		for (char *tok = line, *end; *tok && !cur[0]; tok = *end ? end + 1 : end) {
			end = strchr(tok, ' ');
			if (!end)
				end = tok + strlen(tok);
			for (size_t k = 0; k < sizeof known / sizeof known[0] && !cur[0]; k++)
				if ((size_t)(end - tok) == strlen(known[k]) && memcmp(tok, known[k], (size_t)(end - tok)) == 0)
					fu_currency(known[k], cur, sizeof cur);
		}
		free(line);
	}
	rlines_free(L, n);
	if (cur[0])
		json_object_set_new(it, "currency", json_string(cur));
}

static void item_countries(struct item_band *b, json_t *it)
{
	static const struct { int id; const char *key, *code_key; } pairs[] = {
		{L_I_ORIGIN, "origin_country", "origin_country_code"},
		{L_I_DEST, "dest_country", "dest_country_code"},
		{L_I_EXEMPT, "exemption", "exemption_code"},
	};
	for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
		struct sbuf all;
		sb_init(&all);
		band_col_text(b, pairs[k].id, &all);
		char nm[256] = "", cd[64] = "";
		fu_split_code(sb_str(&all), nm, sizeof nm, cd, sizeof cd);
		json_object_set_new(it, pairs[k].key, jstr_or_null(nm));
		json_object_set_new(it, pairs[k].code_key, jstr_or_null(cd));
		sb_free(&all);
	}
}

#define REGION_CODE_DIGITS 5

/* OCR (issue 4): the code's "(" misread ("161019) 西安"): five digits before
 * a ")" are the code, the text after it the name. */
static void region_misread_bracket(const char *t, char *nm, size_t nm_cap, char *cd)
{
	const char *q = strchr(t, ')');
	if (!q || q - t < REGION_CODE_DIGITS)
		return;
	for (int d = 1; d <= REGION_CODE_DIGITS; d++)
		if (q[-d] < '0' || q[-d] > '9')
			return;
	const char *after = q + 1;
	while (*after == ' ')
		after++;
	if (!*after || strlen(after) >= nm_cap)
		return;
	memcpy(cd, q - REGION_CODE_DIGITS, REGION_CODE_DIGITS);
	cd[REGION_CODE_DIGITS] = '\0';
	snprintf(nm, nm_cap, "%s", after);
}

#define REGION_NAME_MAX_CHARS 12	/* a 境内货源地 name taken from the band's text: at most this long */
#define CJK_FIRST 0x4E00	/* the unified ideographs a place name is written in */
#define CJK_LAST 0x9FFF

/* A "(12345)name" cell in text: the code's opening bracket, or NULL. */
static const char *region_cell_in(const char *t)
{
	for (const char *c = strchr(t, '('); c; c = strchr(c + 1, '(')) {
		int d = 1;
		while (d <= REGION_CODE_DIGITS && c[d] >= '0' && c[d] <= '9')
			d++;
		if (d == REGION_CODE_DIGITS + 1 && (c[d] == ')' || c[d] == '/'))
			return c;
	}
	return NULL;
}

/* OCR (issue 13): the 境内货源地 column's header misread past finding it:
 * a "(12345)name" cell anywhere in the item's band (the 5-digit code in
 * brackets marks it), its name up to the next word gap. */
static void region_in_band(struct item_band *b, char *nm, size_t nm_cap, char *cd, size_t cd_cap)
{
	struct rline L[ITEM_MAX_LINES];
	const struct column *ex = col_of(b->cols, b->nc, L_I_EXEMPT);	/* the column after it */
	float right = ex ? fminf(ex->x0, ex->hx0) : b->p->w;
	size_t n = region_lines(b->p, 0, b->y0, right, b->y_cols, L, ITEM_MAX_LINES, NULL);
	for (size_t i = 0; i < n && !cd[0]; i++) {
		const char *c = region_cell_in(sb_str(&L[i].text));
		const char *close = c ? strchr(c, ')') : NULL;
		if (!close)
			continue;
		const char *name = close + 1;
		while (*name == ' ')
			name++;
		/* the name: its ideographs up to the next gap (the next column's text
		 * may follow in the same line) */
		char cell[256];
		size_t at = (size_t)(close - c) + 1, chars = 0;
		memcpy(cell, c, at);
		for (const char *q = name; *q && chars < REGION_NAME_MAX_CHARS && at + 4 < sizeof cell;) {
			uint32_t cp;
			size_t k = utf8_get(q, &cp);
			if (cp >= CJK_FIRST && cp <= CJK_LAST) {
				memcpy(cell + at, q, k);
				at += k;
				chars++;
			} else if (cp != ' ' || chars > 0) {
				break;
			}
			q += k;
		}
		cell[at] = '\0';
		fu_split_region(cell, nm, nm_cap, cd, cd_cap);
	}
	rlines_free(L, n);
}

static void item_region(struct item_band *b, json_t *it, int scanned)
{
	struct sbuf all;
	sb_init(&all);
	band_col_text(b, L_I_REGION, &all);
	char nm[256] = "", cd[64] = "";
	fu_split_region(sb_str(&all), nm, sizeof nm, cd, sizeof cd);
	if (!cd[0] && scanned)
		region_misread_bracket(sb_str(&all), nm, sizeof nm, cd);
	if (!cd[0] && scanned && !col_of(b->cols, b->nc, L_I_REGION))
		region_in_band(b, nm, sizeof nm, cd, sizeof cd);
	json_object_set_new(it, "origin_region", json_pack("{s:o,s:o}", "code", jstr_or_null(cd), "name", jstr_or_null(nm)));
	sb_free(&all);
}

/* Brand and model of vehicle items ("长安牌|CS55PLUS" in the spec): items
 * counted in 辆 or classified under 8701-8705. On a scan they are read
 * without trusting the spec's | (OCR loses them); read so where the two
 * differ, they are unsure: returns 1. */
static int item_vehicle(json_t *it, const char *hs, const char *spec, double vehicles, int scanned)
{
	int vehicle = !isnan(vehicles) || fu_hs_is_vehicle(hs);
	char brand[128] = "", model[128] = "";
	int loose = 0;
	if (vehicle && spec)
		fu_brand_model(spec, brand, sizeof brand, model, sizeof model);
	char sb[sizeof brand], sm[sizeof model];
	if (vehicle && spec && scanned && fu_brand_model_scanned(spec, sb, sizeof sb, sm, sizeof sm) &&
		(strcmp(sb, brand) != 0 || strcmp(sm, model) != 0)) {
		memcpy(brand, sb, sizeof brand);
		memcpy(model, sm, sizeof model);
		loose = 1;
	}
	json_object_set_new(it, "brand", vehicle ? jstr_or_null(brand) : json_null());
	json_object_set_new(it, "model", vehicle ? jstr_or_null(model) : json_null());
	json_object_set_new(it, "_vehicles", isnan(vehicles) ? json_null() : json_real(vehicles));
	return loose;
}

/* OCR (issue 13): the vehicles an item counts (its first quantity in 辆)
 * misread ("384辆" over "3辆"): the transaction quantity, in 辆 too, where
 * it, the price and the total add up as read and the first does not.
 * Returns 1 when it took the transaction quantity. */
static int vehicles_by_price(const json_t *it, double *vehicles)
{
	json_t *q = json_object_get(it, "qty"), *p = json_object_get(it, "unit_price"), *t = json_object_get(it, "total");
	const char *u = json_string_value(json_object_get(it, "unit"));
	if (isnan(*vehicles) || !u || strcmp(u, "辆") != 0 || !json_is_number(q) || !json_is_number(p) || !json_is_number(t))
		return 0;
	double qty = json_number_value(q), price = json_number_value(p), total = json_number_value(t);
	if (qty == *vehicles || !prices_add_up(qty, price, total) || prices_add_up(*vehicles, price, total))
		return 0;
	*vehicles = qty;
	return 1;
}

static void item_confidence(struct reader *r, size_t idx, float conf, int ok_no, int hs_sure, int price_sure)
{
	static const char *keys[] = {"no", "hs_code", "name", "spec", "qty", "unit", "quantities", "unit_price",
		"total", "currency", "origin_country", "origin_country_code", "dest_country", "dest_country_code",
		"origin_region.code", "origin_region.name", "exemption", "exemption_code", "brand", "model"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		char path[96];
		snprintf(path, sizeof path, "items.%zu.%s", idx, keys[k]);
		double c = conf * CONF_SURE;
		if (!price_sure && (strcmp(keys[k], "unit_price") == 0 || strcmp(keys[k], "total") == 0 ||
			strcmp(keys[k], "qty") == 0))
			c = CONF_UNSURE;
		if (strcmp(keys[k], "no") == 0 && !ok_no)
			c = CONF_UNSURE;
		if (strcmp(keys[k], "hs_code") == 0 && !hs_sure)
			c = CONF_UNSURE;
		set_conf(r, path, c);
	}
}

static void item_vehicle_unsure(struct reader *r, size_t idx)
{
	static const char *const keys[] = {"brand", "model"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		char path[96];
		snprintf(path, sizeof path, "items.%zu.%s", idx, keys[k]);
		set_conf(r, path, CONF_UNSURE);
	}
}

static void read_item(struct item_ctx *ic, const struct fpage *p, const struct column *cols, size_t nc,
	const int *colof, float y0, float y1)
{
	struct item_band b = {p, cols, nc, colof, y0, y1, y1, spec_row_label(p, y0, y1), 1};
	struct flabel across;
	if (!b.spec && ic->r->src->scanned && row_across(&b, &across))
		b.spec = &across;
	if (b.spec)
		b.y_cols = b.spec->y0 - (ic->r->src->scanned ? 0.0f : SPEC_ROW_GAP * b.spec->size);
	size_t idx = json_array_size(ic->items);
	json_t *it = json_object();
	int ok_no;
	json_object_set_new(it, "no", json_integer(item_no(&b, idx, &ok_no)));
	char hs[32] = "";
	int hs_sure = item_hs(&b, hs, sizeof hs);
	json_object_set_new(it, "hs_code", jstr_or_null(hs));
	struct sbuf name, spec;
	sb_init(&name);
	sb_init(&spec);
	item_name_spec(ic, &b, &name, &spec);
	char *spec_text = fu_collapse(sb_str(&spec));
	json_object_set_new(it, "name", jstr_or_null(sb_str(&name)));
	json_object_set_new(it, "spec", jstr_or_null(spec_text));
	int qty_sure;
	double vehicles = item_quantities(&b, it, ic->r->src->scanned, &qty_sure);
	json_t *jq = json_object_get(it, "qty");
	int prices_hold = item_prices(&b, it, json_is_number(jq) ? json_number_value(jq) : NAN, ic->r->src->scanned);
	int price_sure = prices_hold && json_is_number(jq) && qty_sure;
	if (ic->r->src->scanned && prices_hold && vehicles_by_price(it, &vehicles))
		json_object_set_new(it, "_vehicles_unsure", json_true());	/* derive.c: the count is not sure */
	item_currency_in_band(&b, it, ic->r->src->scanned);
	item_countries(&b, it);
	item_region(&b, it, ic->r->src->scanned);
	int vehicle_loose = item_vehicle(it, hs, spec_text, vehicles, ic->r->src->scanned);
	ic->spec_conf = b.conf < ic->spec_conf ? b.conf : ic->spec_conf;
	size_t hs_len = strlen(hs);
	hs_sure &= hs_len == FU_HS_DIGITS || hs_len == FU_HS_DIGITS_OLD;
	item_confidence(ic->r, idx, b.conf, ok_no, hs_sure, price_sure);
	if (vehicle_loose)
		item_vehicle_unsure(ic->r, idx);
	json_array_append_new(ic->items, it);
	free(spec_text);
	sb_free(&name);
	sb_free(&spec);
}

/* Sources of item idx (sources.h): each column's text within the item's band
 * is where the keys read from that column came from. */
static void item_sources(struct item_ctx *ic, const struct fpage *p, const struct column *cols, size_t nc,
	const int *colof, float y0, float y1, size_t idx)
{
	static const struct { int id; const char *keys[4]; } from[] = {
		{L_I_NO, {"no"}}, {L_I_HS, {"hs_code"}},
		{L_I_NAME, {"name", "spec", "brand", "model"}}, {L_I_SPEC, {"spec", "brand", "model"}},
		{L_I_QTY, {"qty", "unit", "quantities"}},
		{L_I_PRICE, {"unit_price", "total", "currency"}}, {L_I_TOTAL, {"total"}}, {L_I_CURRENCY, {"currency"}},
		{L_I_ORIGIN, {"origin_country", "origin_country_code"}},
		{L_I_DEST, {"dest_country", "dest_country_code"}},
		{L_I_REGION, {"origin_region.code", "origin_region.name"}},
		{L_I_EXEMPT, {"exemption", "exemption_code"}},
	};
	struct reader *r = ic->r;
	int pi = (int)(p - r->pages);
	json_t *read = json_pack("{s:O}", "items", ic->items);	/* the items are not in r->out yet */
	for (size_t f = 0; f < sizeof from / sizeof from[0]; f++) {
		struct rline L[24];
		size_t n = col_lines(p, cols, col_of(cols, nc, from[f].id), colof, y0, y1, L, 24, NULL);
		src_box_clear(&r->at);
		src_box_add_lines(&r->at, pi, L, n);
		rlines_free(L, n);
		for (size_t k = 0; k < 4 && from[f].keys[k]; k++) {
			char path[96];
			snprintf(path, sizeof path, "items.%zu.%s", idx, from[f].keys[k]);
			src_put(&r->srcmap, read, path, &r->at);
		}
	}
	json_decref(read);
}


/* OCR (issue 13): a row above the first row found whose 项号 and 商品编号
 * OCR both lost ("|", "seorzaooo"): with a 单价 column of its own, a unit
 * price above that row starts one (a separate price column holds one number
 * per item, on the item's first line). Adds at most one start to starts[ns];
 * returns how many it added. */
static size_t orphan_row_start(const struct fpage *p, const struct column *cols, size_t nc, const int *colof,
	float top, float *starts, size_t ns, float size, struct rline *L)
{
	const struct column *price = col_of(cols, nc, L_I_PRICE);
	if (!price || !col_of(cols, nc, L_I_TOTAL))
		return 0;
	float first = INFINITY;
	for (size_t i = 0; i < ns; i++)
		first = fminf(first, starts[i]);
	if (isinf(first))
		return 0;	/* no row at all: nothing to anchor on */
	size_t n = col_lines(p, cols, price, colof, top, first - ROW_START_MERGE * size, L, FORM_MAX_LINES, NULL);
	float pick = INFINITY;
	for (size_t i = 0; i < n; i++) {
		double x;
		char *t = fu_strip_specks(sb_str(&L[i].text));
		fu_join_digit_groups(t);
		if (fu_parse_number(t, &x) && L[i].y0 < pick)
			pick = L[i].y0;
		free(t);
	}
	rlines_free(L, n);
	if (isinf(pick))
		return 0;
	starts[ns] = pick;
	return 1;
}

/* OCR (issue 13): a 项号 read only loosely ("1 ，") is a row's when the
 * row's 商品编号 or 商品名称 column holds text level with it: a speck read
 * "和7" under a wrapped item header, in the 项号 column, stands beside
 * nothing and made an empty item. */
static bool goods_level_with(const struct fpage *p, const struct column *cols, size_t nc, const int *colof,
	const struct rline *no)
{
	static const int goods[] = {L_I_HS, L_I_NAME};
	struct rline *L = calloc(ITEM_MAX_LINES, sizeof *L);
	if (!L)
		abort();
	size_t n = 0;
	for (size_t k = 0; k < sizeof goods / sizeof goods[0] && n == 0; k++) {
		n = col_lines(p, cols, col_of(cols, nc, goods[k]), colof, no->y0, no->y1, L, ITEM_MAX_LINES, NULL);
		rlines_free(L, n);
	}
	free(L);
	return n > 0;
}

/* The first lines of a page's item rows: where the 项号 column holds a
 * number. OCR (issues 4, 13): a 项号 misread ("1 ，", a "2" gone into the
 * next column) or a 商品编号 read with spaces inside: the lines of the
 * 商品编号 column that start with a commodity code start rows as well, the
 * two merged (a row seen by both counts once). */

static size_t item_starts(const struct reader *r, const struct fpage *p, const struct column *cols, size_t nc,
	const int *colof, float top, float bottom, float size, float *starts)
{
	size_t ns = 0;
	struct rline *L = calloc(FORM_MAX_LINES, sizeof *L);
	if (!L)
		abort();
	size_t n = col_lines(p, cols, col_of(cols, nc, L_I_NO), colof, top, bottom, L, FORM_MAX_LINES, NULL);
	for (size_t i = 0; i < n && ns < MAX_ITEMS; i++) {
		long v;
		if ((fu_parse_int(sb_str(&L[i].text), &v) && v > 0) ||
		    (r->src->scanned && fu_item_no_loose(sb_str(&L[i].text), &v) &&
		     goods_level_with(p, cols, nc, colof, &L[i])))
			starts[ns++] = L[i].y0;
	}
	rlines_free(L, n);
	const struct column *chs = col_of(cols, nc, L_I_HS);
	if (r->src->scanned && chs) {
		n = col_lines(p, cols, chs, colof, top, bottom, L, FORM_MAX_LINES, NULL);
		for (size_t i = 0; i < n && ns < MAX_ITEMS; i++) {
			char hs[FU_HS_DIGITS + 1];
			if (fu_hs_code_lead(sb_str(&L[i].text), hs, sizeof hs) ||
			    fu_hs_code_loose(sb_str(&L[i].text), hs, sizeof hs))
				starts[ns++] = L[i].y0;
		}
		rlines_free(L, n);
	}
	if (r->src->scanned && ns < MAX_ITEMS)
		ns += orphan_row_start(p, cols, nc, colof, top, starts, ns, size, L);
	free(L);
	return fu_merge_row_starts(starts, ns, ROW_START_MERGE * size);
}

static void read_items(struct reader *r, struct item_ctx *ic)
{
	for (size_t pi = 0; pi < r->np; pi++) {
		if (isnan(r->items_top[pi]))
			continue;
		const struct fpage *p = &r->pages[pi];
		const struct flabel *ih = find_label(p, L_I_NO);
		if (!ih)
			continue;
		struct column cols[MAX_COLS];
		int *colof = malloc((p->ng ? p->ng : 1) * sizeof *colof);
		if (!colof)
			abort();
		size_t nc = item_columns(p, ih, r->items_top[pi], r->items_bottom[pi], cols, MAX_COLS, colof, r->src->scanned);
		const struct column *cno = col_of(cols, nc, L_I_NO);
		if (!cno) {
			free(colof);
			continue;
		}
		float size = ih->size > 1 ? ih->size : 8;
		float starts[MAX_ITEMS];
		size_t ns = item_starts(r, p, cols, nc, colof, r->items_top[pi], r->items_bottom[pi], size, starts);
		for (size_t i = 0; i < ns && json_array_size(ic->items) < MAX_ITEMS; i++) {
			float y0 = starts[i] - 0.3f * size;
			float y1 = i + 1 < ns ? starts[i + 1] - 0.3f * size : r->items_bottom[pi];
			read_item(ic, p, cols, nc, colof, y0, y1);
			item_sources(ic, p, cols, nc, colof, y0, y1, json_array_size(ic->items) - 1);
		}
		free(colof);
	}
}

/* ---- the whole declaration ---- */

static void classify(struct reader *r)
{
	for (size_t pi = 0; pi < r->np; pi++) {
		const struct fpage *p = &r->pages[pi];
		for (size_t li = 0; li < p->nl; li++) {
			struct sbuf t;
			sb_init(&t);
			glyph_text(p, p->lines[li].g0, p->lines[li].n, &t, 0);
			if (strstr(sb_str(&t), "进口货物报关单"))
				r->is_import = 1;
			if (strstr(sb_str(&t), "出口货物报关单"))
				r->has_export_title = 1;
			sb_free(&t);
		}
		for (size_t i = 0; i < p->nlab; i++) {
			int id = p->labels[i].id;
			if (id >= L_IMP_CONSIGNEE && p->labels[i].live)
				r->is_import = 1;
		}
	}
	int seen[L_COUNT] = {0};
	for (size_t pi = 0; pi < r->np; pi++)
		for (size_t i = 0; i < r->pages[pi].nlab; i++)
			if (r->pages[pi].labels[i].live && is_grid(r->pages[pi].labels[i].id))
				seen[r->pages[pi].labels[i].id] = 1;
	for (int i = 0; i < L_COUNT; i++)
		r->n_grid_labels += (size_t)seen[i];
}

static void reader_free(struct reader *r)
{
	for (size_t i = 0; i < r->np; i++)
		fpage_free(&r->pages[i]);
	free(r->pages);
	free(r->items_top);
	free(r->items_bottom);
	free(r->remarks_top);
	free(r->remarks_bottom);
	free(r->remarks_label);
	sb_free(&r->remarks);
	sb_free(&r->remarks_breaks);
	json_decref(r->srcmap.sources);
}

#define MIN_GRID_LABELS 8
#define UPRIGHT_LABELS 6	/* a page with this many kinds of label reads as it stands */

static size_t label_kinds(const struct fpage *p)
{
	int seen[L_COUNT] = {0};
	size_t n = 0;
	for (size_t i = 0; i < p->nlab; i++)
		if (p->labels[i].id > 0 && p->labels[i].id < L_COUNT && !p->labels[i].weak && !seen[p->labels[i].id]) {
			seen[p->labels[i].id] = 1;
			n++;
		}
	return n;
}

/* Read a page the way up its text runs: a print path can leave the form
 * turned on the sheet (text running down the page, or upside down). When
 * the page as displayed shows few labels, try it turned by a quarter, a
 * half and three quarters, and keep the turn that shows the most. */
static void page_init_upright(struct fpage *p, const struct rec_page *src, int scanned)
{
	fpage_init(p, src);
	find_labels(p, label_defs, N_LABEL_DEFS);
	size_t best = label_kinds(p);
	for (int q = 1; q < 4 && !scanned && best < UPRIGHT_LABELS; q++) {
		struct fpage t;
		fpage_init_turned(&t, src, q);
		find_labels(&t, label_defs, N_LABEL_DEFS);
		size_t n = label_kinds(&t);
		if (n > best) {
			fpage_free(p);
			*p = t;
			best = n;
		} else {
			fpage_free(&t);
		}
	}
}

enum kerr rec_fields_read(const struct rec_doc *doc, json_t **result)
{
	*result = NULL;
	if (!doc || doc->n_pages == 0)
		return K_NO_TEXT;
	struct reader r;
	memset(&r, 0, sizeof r);
	r.src = doc;
	r.np = doc->n_pages;
	r.pages = calloc(r.np, sizeof *r.pages);
	r.items_top = calloc(r.np, sizeof(float));
	r.items_bottom = calloc(r.np, sizeof(float));
	r.remarks_top = calloc(r.np, sizeof(float));
	r.remarks_bottom = calloc(r.np, sizeof(float));
	r.remarks_label = calloc(r.np, sizeof(int));
	if (!r.pages || !r.items_top || !r.items_bottom || !r.remarks_top || !r.remarks_bottom || !r.remarks_label)
		abort();
	size_t glyphs = 0;
	for (size_t i = 0; i < r.np; i++) {
		page_init_upright(&r.pages[i], &doc->pages[i], doc->scanned);
		glyphs += r.pages[i].ng;
		if (doc->scanned) {
			infer_tied_labels(&r.pages[i]);
			infer_split_labels(&r.pages[i]);
			infer_half_read_labels(&r.pages[i]);
			infer_grid_labels(&r.pages[i]);
			infer_grid_gap_labels(&r.pages[i]);
			infer_item_no_label(&r.pages[i]);
			infer_item_header_labels(&r.pages[i]);
		}
		page_zones(&r, i);
	}
	enum kerr err = K_OK;
	if (glyphs == 0) {
		err = K_NO_TEXT;
		goto out;
	}
	classify(&r);
	if (r.is_import || r.n_grid_labels < MIN_GRID_LABELS) {
		err = K_NOT_A_DECLARATION;
		goto out;
	}
	r.out = json_object();
	r.conf = json_object();
	r.warnings = json_array();
	r.srcmap = (struct src_map){json_object(), doc, r.pages, r.np};
	src_box_clear(&r.remarks_at);
	read_header(&r);
	const char *no = json_string_value(json_object_get(r.out, "declaration_no"));
	if (no && declno_direction(no, strlen(no)) == DECLNO_IMPORT) {
		json_decref(r.out);
		json_decref(r.conf);
		json_decref(r.warnings);
		err = K_NOT_A_DECLARATION;
		goto out;
	}
	read_remarks(&r);
	struct item_ctx ic = {&r, json_array(), {0}, {0}, 1};
	read_items(&r, &ic);
	fields_derive(r.out, r.conf, r.warnings, sb_str(&r.remarks), sb_str(&r.remarks_breaks), r.remarks_conf,
		ic.items, sb_str(&ic.specs), sb_str(&ic.spec_breaks), ic.spec_conf, doc->scanned);
	sb_free(&ic.specs);
	sb_free(&ic.spec_breaks);
	put_footer_value(&r, L_F_PERSON, "declarant_person");
	put_footer_value(&r, L_F_SELF, "self_assessment");
	put_company(&r, L_F_AGENT, "declaring_agent");
	src_put(&r.srcmap, r.out, "remarks", &r.remarks_at);
	src_put_derived(&r.srcmap, r.out);
	if (doc->scanned) {
		ocr_snap_fields(r.out, r.conf);	/* OCR (issue 4): coded fields from their tables */
		fields_derive_flags(r.out, r.conf, 1);	/* the flags from the codes as snapped */
		ocr_cap_conf(r.conf);
	}
	json_object_set_new(r.out, "confidence", r.conf);
	json_object_set_new(r.out, "warnings", r.warnings);
	json_object_set_new(r.out, "sources", r.srcmap.sources);
	r.srcmap.sources = NULL;
	json_object_set_new(r.out, "pages", src_pages_json(&r.srcmap));
	*result = r.out;
out:
	reader_free(&r);
	return err;
}

/* ---- a page's profile, for telling a declaration from other papers (bundle.h) ---- */

void rec_page_profile(const struct rec_page *page, int scanned, struct page_profile *out)
{
	memset(out, 0, sizeof *out);
	struct fpage p;
	page_init_upright(&p, page, scanned);
	int seen[L_COUNT] = {0};
	for (size_t i = 0; i < p.nlab; i++) {
		int id = p.labels[i].id;
		if (id <= 0 || id >= L_COUNT || seen[id])
			continue;
		seen[id] = 1;
		out->label_kinds++;
		out->grid_kinds += is_grid(id);
		out->top_band |= id == L_PRE_ENTRY || id == L_DECL_NO;
	}
	struct sbuf text;
	sb_init(&text);
	for (size_t li = 0; li < p.nl; li++) {
		glyph_text(&p, p.lines[li].g0, p.lines[li].n, &text, 0);
		sb_add(&text, "\n", 1);
	}
	profile_from_text(sb_str(&text), out);
	sb_free(&text);
	fpage_free(&p);
}
