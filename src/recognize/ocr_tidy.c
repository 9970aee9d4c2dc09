/* Free-text fields of a scanned declaration made to read as printed
 * (ocr_tidy.h). Pure: no I/O, no global state. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/ocr_fix.h"
#include "recognize/ocr_snap.h"
#include "recognize/ocr_tidy.h"
#include "validate/validate.h"

#define TIDY_MAX_TOKEN 32	/* code points of a token compared by edit distance */
#define TIDY_LABEL_LOOK 4	/* code points before the leaked label that may be junk */
#define TIDY_VIN_EDITS 3
#define TIDY_PLATE_EDITS 1
#define TIDY_TRANSIT_LEN 16	/* digits of a transit (转关) number */
#define TIDY_TRANSIT_EDITS 2
#define TIDY_TRAILER_DIGITS 4	/* a trailer's plate: its letter and four digits, then 挂 */
#define TIDY_CN_DIGITS 5	/* a Chinese plate's digits after its letter (a lorry) */

struct cps {
	uint32_t *v;
	size_t n, cap;
};

static void cps_push(struct cps *c, uint32_t cp)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		uint32_t *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			abort();
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = cp;
}

static void cps_append(struct cps *c, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cps_push(c, v[i]);
}

/* UTF-8 to code points; a byte that is not UTF-8 is kept as U+FFFD. */
static struct cps decode(const char *s)
{
	struct cps c = {0};
	for (s = s ? s : ""; *s;) {
		uint32_t cp;
		s += utf8_get(s, &cp);
		cps_push(&c, cp);
	}
	return c;
}

static char *encode(const struct cps *c)
{
	char *out = malloc(c->n * 4 + 1);
	if (!out)
		abort();
	size_t o = 0;
	for (size_t i = 0; i < c->n; i++)
		o += utf8_put(out + o, c->v[i]);
	out[o] = '\0';
	return out;
}

/* Edit distance of two short code point strings (longer ones: a large number). */
static int distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	if (na > TIDY_MAX_TOKEN || nb > TIDY_MAX_TOKEN)
		return 1 << 20;
	return ocr_edit_distance(a, na, b, nb, TIDY_MAX_TOKEN);
}

static bool is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

static bool is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\n' || cp == '\t' || cp == 0x3000;
}

/* What OCR reads a trailer's 挂 as: another character of the hand radical
 * (持, 插, 扩; issue 13). */
static bool is_gua_misread(uint32_t cp)
{
	return cp == 0x6301 /* 持 */ || cp == 0x63D2 /* 插 */ || cp == 0x6269 /* 扩 */;
}

/* A trailer's 挂, as printed or as OCR misreads it. */
static bool reads_as_gua(uint32_t cp)
{
	return cp == 0x6302 /* 挂 */ || is_gua_misread(cp);
}

/* What OCR reads a colon after a key as. */
static bool is_separator(uint32_t cp)
{
	return cp == ',' || cp == ';' || cp == ':' || cp == '.' || cp == 0xFF0C || cp == 0xFF1B || cp == 0xFF1A ||
		cp == 0x3001 || cp == 0x3002;
}

/* Keys of the remarks that a colon follows; longer first where one ends another. */
static const char *const remark_keys[] = {
	"集装箱标箱数及号码", "车辆识别代号", "交易清单号", "转关单号", "承运车辆", "运输车辆", "联系电话",
	"关封号", "关锁号", "铅封号", "车牌号", "车架号", "组货人", "驾驶员", "车牌", "车号", "司机", "电话",
};
#define N_KEYS (sizeof remark_keys / sizeof remark_keys[0])
#define KEY_SEAL_LOCK 8	/* remark_keys[8], 关锁号: read exactly only; a seal key misread ("关钱号") is 关封号, one
			 * character from both, and a seal's all the same */

/* The length of key at t[i], spaces inside allowed ("交易清单 号"); 0: not there. */
static size_t match_at(const struct cps *t, size_t i, const struct cps *key)
{
	size_t k = 0, j = i;
	while (k < key->n && j < t->n) {
		if (k > 0 && is_space(t->v[j])) {
			j++;
			continue;
		}
		if (t->v[j] != key->v[k])
			return 0;
		j++;
		k++;
	}
	return k == key->n ? j - i : 0;
}

/* The last code point of some key: a plate's province is never it. */
static bool ends_a_key(uint32_t cp)
{
	for (size_t k = 0; k < N_KEYS; k++) {
		struct cps key = decode(remark_keys[k]);
		bool e = key.n && key.v[key.n - 1] == cp;
		free(key.v);
		if (e)
			return true;
	}
	return false;
}

/* Where the cell's own label, misread, ends at the start of the text (0: none). */
static size_t leaked_label_end(const struct cps *t)
{
	struct cps label = decode("标记唛码及备注");
	uint32_t v[TIDY_MAX_TOKEN];
	size_t pos[TIDY_MAX_TOKEN], n = 0;
	for (size_t i = 0; i < t->n && n < TIDY_MAX_TOKEN; i++)
		if (!is_space(t->v[i]) && !(n && utf8_is_han(t->v[i]) && v[n - 1] == t->v[i])) {
			pos[n] = i;	/* issue 13: an ideograph OCR read twice ("码码及及") counts once */
			v[n++] = t->v[i];
		} else if (n && !is_space(t->v[i])) {
			pos[n - 1] = i;
		}
	size_t end = 0;
	int best = 4;	/* at most three misreads in seven */
	for (size_t s = 0; s < TIDY_LABEL_LOOK && s < n; s++)
		for (size_t len = label.n - 2; len <= label.n + 2 && s + len <= n; len++) {
			int d = distance(v + s, len, label.v, label.n) + (int)s;
			if (d < best) {
				best = d;
				end = pos[s + len - 1] + 1;
			}
		}
	free(label.v);
	while (end && end < t->n && (is_space(t->v[end]) || is_separator(t->v[end])))
		end++;
	return end;
}

/* What OCR makes of the slash of N/M (and of a border stroke before it). */
static bool slash_like(uint32_t c)
{
	return c == '/' || c == 'A' || c == '1' || c == '|' || c == 'I' || c == 'l' || c == '\\' || c == '!' ||
		c == 'V' || c == '7';
}

/* What OCR makes of the N of N/M (issue 13: "XAM", "IVM", "YA", "MM"). */
static bool n_like(uint32_t c)
{
	return c == 'N' || c == 'X' || c == 'I' || c == 'Y' || c == 'M';
}

/* ... and of its M ("XAI", "NAL": the M's right half lost). */
static bool m_like(uint32_t c)
{
	return c == 'M' || c == 'W' || c == 'I' || c == 'L';
}

/* "NM", "NA", "N1M", "N|M", "NAM": the marks N/M with the slash lost or
 * misread; issue 13: "N7M", "N/VM" (the slash read twice), "1N/M" (a
 * stroke of the cell's border before it), "XAM", "IVM", "XA", "MM" (the N
 * misread too), "NMM", "NWM", "MMM" (the slash run into the M), "XAI",
 * "NAL" (the M half read). */
static bool is_marks_misread(const uint32_t *v, size_t n)
{
	if (n == 2)
		return n_like(v[0]) && v[0] != 'I' && (v[1] == 'M' || v[1] == 'A' || v[1] == 'W');
	if (n == 3 && n_like(v[0]) && v[2] == 'M' && (v[1] == 'M' || v[1] == 'W'))
		return true;
	if (n == 3)
		return n_like(v[0]) && m_like(v[2]) && slash_like(v[1]);
	if (n == 4 && v[0] == 'N' && v[3] == 'M')
		return slash_like(v[1]) && slash_like(v[2]);
	if (n == 4 && v[1] == 'N' && v[3] == 'M')
		return (v[0] == '1' || v[0] == '|' || v[0] == 'I' || v[0] == 'l') && v[2] == '/';
	return false;
}

/* Heads of the item table's column labels: where the table's header, not
 * found as a header (a label misread or wrapped), ran on into the remarks
 * above it ("… 新F8020挂 最终目产国 21, 各天国"). */
static const char *const table_heads[] = {
	"最终目", "原产国", "商品编号", "商品名称", "规格型号", "数量及单位", "境内货源", "货源地",
};

/* Issue 13: the item table's column labels that OCR misreads by one
 * character ("六品编号", "景终目的" cut short at the page's end). */
static const char *const table_heads_misread[] = {
	"最终目的国", "商品编号", "商品名称", "规格型号", "数量及单位", "境内货源地",
};
#define TIDY_HEAD_MIN 4	/* ideographs of a label compared with one misread */

/* head (or its first TIDY_HEAD_MIN characters or more, where the text ends)
 * at t[i] as a word of its own, with one ideograph misread at most. */
static bool head_misread_at(const struct cps *t, size_t i, const struct cps *head)
{
	size_t m = head->n < t->n - i ? head->n : t->n - i, miss = 0;
	if (m < TIDY_HEAD_MIN || (m < head->n && i + m != t->n) || (i > 0 && utf8_is_han(t->v[i - 1])) ||
	    (i + m < t->n && utf8_is_han(t->v[i + m])))
		return false;	/* a word of its own, not part of a longer one */
	for (size_t k = 0; k < m && miss <= 1; k++) {
		if (!utf8_is_han(t->v[i + k]))
			return false;
		miss += t->v[i + k] != head->v[k];
	}
	return miss <= 1;
}

/* Where the first of heads (exact, or misread by one) stands before end. */
static size_t first_head(const struct cps *t, size_t end, const char *const *heads, size_t n, bool misread)
{
	for (size_t h = 0; h < n; h++) {
		struct cps head = decode(heads[h]);
		for (size_t i = 0; i < end; i++)
			if (misread ? head_misread_at(t, i, &head) : match_at(t, i, &head) != 0) {
				end = i;
				break;
			}
		free(head.v);
	}
	return end;
}

/* The first column's label 项号 at the remarks' end (t[0, end)), read as
 * far as its first character alone or, before a table head that was cut
 * (at_head), misread by one character ("其号"), after a space: where the
 * remarks end before it. */
static size_t before_item_no(const struct cps *t, size_t end, bool at_head)
{
	size_t e = end;
	while (e > 0 && !is_alnum(t->v[e - 1]) && !utf8_is_han(t->v[e - 1]) && !is_space(t->v[e - 1]))
		e--;	/* marks after it: "其号“|" */
	size_t len = 0;
	if (e >= 2 && t->v[e - 1] == 0x9879 /* 项 */ && is_space(t->v[e - 2]))
		len = 1;
	else if (at_head && e >= 3 && t->v[e - 1] == 0x53F7 /* 号 */ && utf8_is_han(t->v[e - 2]) &&
		 is_space(t->v[e - 3]))
		len = 2;
	if (!len)
		return end;
	for (end = e - len - 1; end > 0 && is_space(t->v[end - 1]);)
		end--;
	return end;
}

/* The length of the remarks before a table head (t->n when there is none). */
static size_t before_table(const struct cps *t)
{
	size_t end = first_head(t, t->n, table_heads, sizeof table_heads / sizeof table_heads[0], false);
	/* issue 13: a head misread by one */
	end = first_head(t, end, table_heads_misread, sizeof table_heads_misread / sizeof table_heads_misread[0], true);
	bool at_head = end < t->n;
	while (end > 0 && (is_space(t->v[end - 1]) || is_separator(t->v[end - 1])))
		end--;
	/* issue 13: the first column's label 项号 under the remarks at their end */
	return before_item_no(t, end, at_head);
}

#define TIDY_BOX_OWNER 4	/* a container number: four capitals ... */
#define TIDY_BOX_SERIAL 7	/* ... then six digits and the check digit */
#define TIDY_TEU_DIGITS_MAX 2	/* the count of containers before the list */
#define TIDY_CONTAINER_KEY 0	/* remark_keys[0]: 集装箱标箱数及号码 */

static bool is_upper(uint32_t cp)
{
	return cp >= 'A' && cp <= 'Z';
}

/* Issue 13: 挂 read as 桂 after a plate ("983CFO07桂,"): 桂 starts a
 * Guangxi plate, a letter after it; right after a plate's last digit, with
 * no letter to follow, it is the trailer's mark. */
static void gui_as_gua(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (v[i] != 0x6842 /* 桂 */)
			continue;
		size_t a = i, b = i + 1;
		while (a > 0 && is_space(v[a - 1]))
			a--;
		while (b < n && is_space(v[b]))
			b++;
		if (a > 0 && is_digit(v[a - 1]) && !(b < n && is_upper(v[b])))
			v[i] = 0x6302;	/* 挂 */
	}
}

/* A container number written whole at t[i] ("MRKU6630335"), not part of a
 * longer run of letters and digits. */
static bool box_at(const struct cps *t, size_t i)
{
	if (i + TIDY_BOX_OWNER + TIDY_BOX_SERIAL > t->n)
		return false;
	for (size_t k = 0; k < TIDY_BOX_OWNER + TIDY_BOX_SERIAL; k++)
		if (k < TIDY_BOX_OWNER ? !is_upper(t->v[i + k]) : !is_digit(t->v[i + k]))
			return false;
	size_t e = i + TIDY_BOX_OWNER + TIDY_BOX_SERIAL;
	return e == t->n || !is_alnum(t->v[e]);
}

/* After 集装箱标箱数及号码：the count and the numbers, each followed by ";"
 * as the form prints them ("2;AHNU4190521;"): the separators OCR read as
 * : , . or lost are set again. Only a list with at least one whole
 * container number is touched; *i moves past what was rewritten. */
static void tidy_container_list(const struct cps *t, size_t *i, struct cps *out)
{
	size_t j = *i, digits = 0;
	while (j < t->n && is_space(t->v[j]))
		j++;
	while (j + digits < t->n && is_digit(t->v[j + digits]) && digits <= TIDY_TEU_DIGITS_MAX)
		digits++;
	if (digits > TIDY_TEU_DIGITS_MAX)
		return;
	size_t b = j + digits;
	while (b < t->n && (is_space(t->v[b]) || is_separator(t->v[b])))
		b++;
	if (!box_at(t, b))
		return;
	if (digits) {
		cps_append(out, t->v + j, digits);
		cps_push(out, ';');
	}
	while (box_at(t, b)) {
		cps_append(out, t->v + b, TIDY_BOX_OWNER + TIDY_BOX_SERIAL);
		cps_push(out, ';');
		b += TIDY_BOX_OWNER + TIDY_BOX_SERIAL;
		size_t n = b;
		while (n < t->n && (is_space(t->v[n]) || is_separator(t->v[n])))
			n++;
		if (!box_at(t, n)) {
			if (b < t->n && is_separator(t->v[b]))
				b++;	/* the list's own last ";" */
			break;
		}
		b = n;
	}
	*i = b;
}

/* Issue 13: a key of min_len characters or more with one character
 * misread ("可机:" for 司机：), taken right before its colon (or what OCR
 * made of it), and when no other key reads so: its index, *used its
 * length; N_KEYS when none. The caller asks for any key after no other
 * ideograph, for a long one after one (a sentence runs on into the key:
 * "…登记车绸识别代号："). */
#define TIDY_KEY_AFTER_HAN 4	/* characters of a key taken misread after an ideograph, at least */
static size_t misread_key_at(const struct cps *t, size_t i, const struct cps *keys, size_t min_len, size_t *used)
{
	size_t found = N_KEYS;
	for (size_t k = 0; k < N_KEYS; k++) {
		const struct cps *key = &keys[k];
		if (k == KEY_SEAL_LOCK || key->n < min_len)
			continue;
		size_t c = i + key->n;
		while (c < t->n && is_space(t->v[c]))
			c++;
		if (c >= t->n || !is_separator(t->v[c]))
			continue;
		size_t miss = 0;
		for (size_t j = 0; j < key->n; j++)
			miss += t->v[i + j] != key->v[j] || !utf8_is_han(t->v[i + j]);
		if (miss != 1)
			continue;
		if (found != N_KEYS)
			return N_KEYS;
		found = k;
		*used = key->n;
	}
	return found;
}

/* Issue 13: the set phrases of the remarks (a shipment of new vehicles
 * unregistered, market procurement), six characters or more: long enough
 * that one ideograph misread in them ("末办理注册登记", "本批车辆灼为新车")
 * still tells them. */
static const char *const remark_phrases[] = {"本批车辆均为新车", "未办理注册登记", "市场采购贸易"};
#define N_PHRASES (sizeof remark_phrases / sizeof remark_phrases[0])

/* The phrase t->v[i] starts with, as printed or one ideograph misread:
 * its index, N_PHRASES when none. */
static size_t phrase_at(const struct cps *t, size_t i, const struct cps *phrases)
{
	for (size_t k = 0; k < N_PHRASES; k++) {
		const struct cps *ph = &phrases[k];
		if (i + ph->n > t->n)
			continue;
		size_t miss = 0;
		for (size_t j = 0; j < ph->n && miss <= 1; j++)
			miss += t->v[i + j] != ph->v[j] ? (utf8_is_han(t->v[i + j]) ? 1 : 2) : 0;
		if (miss <= 1)
			return k;
	}
	return N_PHRASES;
}

/* The ideograph nearest before (dir -1) or after (dir +1) t->v[i], spaces
 * aside, is one. */
static bool han_beside(const struct cps *t, size_t i, int dir)
{
	for (size_t j = i; dir < 0 ? j > 0 : j + 1 < t->n;) {
		j = dir < 0 ? j - 1 : j + 1;
		if (!is_space(t->v[j]))
			return utf8_is_han(t->v[j]);
	}
	return false;
}

/* Issue 13: a full stop between two ideographs ("新车. 未办理"): Chinese
 * text never holds the ASCII one; OCR reads so the comma of a sentence. */
static void tidy_han_stops(struct cps *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i] == '.' && han_beside(t, i, -1) && han_beside(t, i, 1))
			t->v[i] = 0xFF0C;	/* ， */
}

static bool is_label_char(uint32_t c)
{
	return utf8_is_han(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_colon_mark(uint32_t c)
{
	return c == ':' || c == 0xFF1A;
}

#define TIDY_LABEL_MIN 2	/* characters of a label that OCR read twice over */

/* The label ending in a colon at t->v[i] (letters or ideographs, at least
 * TIDY_LABEL_MIN, no such character before): its length with the colon, or 0. */
static size_t label_at(const struct cps *t, size_t i)
{
	if (i > 0 && is_label_char(t->v[i - 1]))
		return 0;
	size_t e = i;
	while (e < t->n && is_label_char(t->v[e]))
		e++;
	return e - i >= TIDY_LABEL_MIN && e < t->n && is_colon_mark(t->v[e]) ? e + 1 - i : 0;
}

/* Issue 13: a label and its colon read twice ("VIN:VIN:LFN…"): once. */
static void drop_doubled_labels(struct cps *t)
{
	size_t o = 0;
	for (size_t i = 0; i < t->n;) {
		size_t n = label_at(t, i), j = i + n;
		while (n && j < t->n && is_space(t->v[j]))
			j++;
		if (n && j + n <= t->n && label_at(t, j) == n && !memcmp(t->v + i, t->v + j, (n - 1) * sizeof *t->v)) {
			i = j;	/* the first copy goes */
			continue;
		}
		t->v[o++] = t->v[i++];
	}
	t->n = o;
}

static bool is_stray_mark(uint32_t c)
{
	return c == '.' || c == ',' || c == '-' || c == '_' || c == '~' || c == 0x3002 || c == 0xFF0C ||
		c == 0x3001 || c == '|';
}

static bool is_open_quote(uint32_t c)
{
	return c == '"' || c == '\'' || c == 0x201C || c == 0x2018;
}

/* Issue 13: marks alone at the end of the remarks, after a space (" . -"):
 * specks of the cell's border, no text. */
static void drop_trailing_marks(struct cps *t)
{
	size_t e = t->n;
	while (e > 0 && (is_space(t->v[e - 1]) || is_stray_mark(t->v[e - 1])))
		e--;
	if (e < t->n && is_space(t->v[e]))	/* the marks stand apart from the text */
		t->n = e;
}

/* Issue 13: a speck read as one ideograph before the marks ("和 N/M"):
 * where the marks start after it, else i. */
static size_t past_speck_before_marks(const struct cps *t, size_t i)
{
	size_t m = i + 1;
	while (m < t->n && is_space(t->v[m]))
		m++;
	size_t e = m;
	while (e < t->n && t->v[e] > ' ' && t->v[e] < 0x80)
		e++;
	return i < t->n && utf8_is_han(t->v[i]) && m > i + 1 && is_marks_misread(t->v + m, e - m) ? m : i;
}

/* Issue 13: specks at the start of a key's value, after its colon: the
 * key's last character read again ("司机：机 杨伟娜"), or one ideograph that
 * is no province before a plate ("车号：了豫B54109"). Where the value starts. */
static size_t past_value_speck(const struct cps *t, size_t i, const struct cps *key)
{
	if (i + 1 < t->n && key->n && t->v[i] == key->v[key->n - 1] && is_space(t->v[i + 1])) {
		for (i++; i < t->n && is_space(t->v[i]); i++)
			;
		return i;
	}
	if (i + 2 < t->n && utf8_is_han(t->v[i]) && !plate_is_province(t->v[i]) && plate_is_province(t->v[i + 1]) &&
		is_upper(t->v[i + 2]))
		return i + 1;
	return i;
}

/* Issue 13: OCR loses a key's colon ("司机陈杰强"): the one key read
 * without it (nbare keys were; at: where in out it ends) gets it back where
 * every other key, TIDY_COLON_KEYS at least, has one. */
#define TIDY_COLON_KEYS 2
static void put_lost_colon(struct cps *out, size_t at, size_t nbare, size_t with_colon)
{
	if (nbare != 1 || with_colon < TIDY_COLON_KEYS)
		return;
	cps_push(out, 0);
	memmove(out->v + at + 1, out->v + at, (out->n - 1 - at) * sizeof *out->v);
	out->v[at] = 0xFF1A;	/* ： */
}

char *ocr_tidy_remarks(const char *text)
{
	struct cps t = decode(text), out = {0};
	t.n = before_table(&t);
	gui_as_gua(t.v, t.n);
	size_t i = leaked_label_end(&t);
	/* issue 13: and specks before the marks ("-无", "“无") */
	while (i < t.n && (is_space(t.v[i]) || is_separator(t.v[i]) || is_stray_mark(t.v[i]) || is_open_quote(t.v[i])))
		i++;
	i = past_speck_before_marks(&t, i);
	size_t e = i;
	while (e < t.n && t.v[e] > ' ' && t.v[e] < 0x80)
		e++;
	if (is_marks_misread(t.v + i, e - i) && (e == t.n || is_space(t.v[e]) || utf8_is_han(t.v[e]))) {
		static const uint32_t nm[] = {'N', '/', 'M'};
		cps_append(&out, nm, 3);
		i = e;
	}
	struct cps keys[N_KEYS], phrases[N_PHRASES];
	for (size_t k = 0; k < N_KEYS; k++)
		keys[k] = decode(remark_keys[k]);
	for (size_t k = 0; k < N_PHRASES; k++)
		phrases[k] = decode(remark_phrases[k]);
	size_t bare = 0, nbare = 0, with_colon = 0;
	while (i < t.n) {
		size_t ph = phrase_at(&t, i, phrases);
		if (ph < N_PHRASES) {
			cps_append(&out, phrases[ph].v, phrases[ph].n);
			i += phrases[ph].n;
			continue;
		}
		size_t k = 0, used = 0;
		while (k < N_KEYS && !(used = match_at(&t, i, &keys[k])))
			k++;
		if (k == N_KEYS)	/* issue 13: after an ideograph, a long key only ("登记车绸识别代号：") */
			k = misread_key_at(&t, i, keys, i == 0 || !utf8_is_han(t.v[i - 1]) ? 0 : TIDY_KEY_AFTER_HAN, &used);
		if (k == N_KEYS) {
			cps_push(&out, t.v[i++]);
			continue;
		}
		cps_append(&out, keys[k].v, keys[k].n);
		i += used;
		size_t j = i;
		bool sep = false;
		while (j < t.n && (is_space(t.v[j]) || is_separator(t.v[j]))) {
			sep = sep || is_separator(t.v[j]);
			j++;
		}
		if (sep && j < t.n) {
			cps_push(&out, 0xFF1A);	/* ： */
			i = past_value_speck(&t, j, &keys[k]);
			with_colon++;
		} else if (j < t.n) {
			bare = out.n;
			nbare++;
		}
		if (k == TIDY_CONTAINER_KEY && out.n && out.v[out.n - 1] == 0xFF1A)
			tidy_container_list(&t, &i, &out);
	}
	for (size_t k = 0; k < N_KEYS; k++)
		free(keys[k].v);
	for (size_t k = 0; k < N_PHRASES; k++)
		free(phrases[k].v);
	put_lost_colon(&out, bare, nbare, with_colon);
	tidy_han_stops(&out);
	drop_doubled_labels(&out);
	drop_trailing_marks(&out);
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

/* ---- the transport name ---- */

/* A letter read in lower case is its capital: not a misread. */
static uint32_t upper(uint32_t c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static uint32_t as_digit(uint32_t c)
{
	switch (upper(c)) {
	case 'O': case 'D': case 'Q': return '0';
	case 'I': case 'L': return '1';
	case 'Z': return '2';
	case 'S': return '5';
	case 'G': return '6';
	case 'B': return '8';
	default: return is_digit(c) ? c : 0;
	}
}

static uint32_t as_letter(uint32_t c)
{
	switch (c) {
	case '0': return 'O';
	case '1': return 'I';
	case '2': return 'Z';
	case '5': return 'S';
	case '6': return 'G';	/* issue 13: "4396LA07" for 439GLA07 */
	case '8': return 'B';
	default: return upper(c) >= 'A' && upper(c) <= 'Z' ? upper(c) : 0;
	}
}

/* A Kazakh plate 123ABC02 (three digits, two or three letters, two region
 * digits) with look-alikes set by position; false when v[0..n) is not one
 * within two changes, or holds fewer than two real letters. */
static bool kz_plate(uint32_t *v, size_t n)
{
	if (n != 7 && n != 8)
		return false;
	uint32_t w[8];
	int changes = 0, letters = 0;
	for (size_t i = 0; i < n; i++) {
		bool letter = i >= 3 && i < n - 2;
		w[i] = letter ? as_letter(v[i]) : as_digit(v[i]);
		if (!w[i])
			return false;
		changes += w[i] != upper(v[i]);	/* issue 13: "322ovw10" is 322OVW10 */
		letters += letter && upper(v[i]) >= 'A' && upper(v[i]) <= 'Z';
	}
	if (changes > 2 || letters < 2)
		return false;
	memcpy(v, w, n * sizeof *w);
	return true;
}

/* The 16-digit run of text nearest digits[0..n) within TIDY_TRANSIT_EDITS, unique. */
static bool transit_in(const struct cps *text, const uint32_t *digits, size_t n, uint32_t out[TIDY_TRANSIT_LEN])
{
	int best = TIDY_TRANSIT_EDITS + 1;
	bool tie = false;
	for (size_t i = 0; i < text->n;) {
		if (!is_digit(text->v[i])) {
			i++;
			continue;
		}
		size_t e = i;
		while (e < text->n && is_digit(text->v[e]))
			e++;
		if (e - i == TIDY_TRANSIT_LEN) {
			int d = distance(text->v + i, TIDY_TRANSIT_LEN, digits, n);
			if (d < best) {
				best = d;
				tie = false;
				memcpy(out, text->v + i, TIDY_TRANSIT_LEN * sizeof *out);
			} else if (d == best && memcmp(out, text->v + i, TIDY_TRANSIT_LEN * sizeof *out) != 0) {
				tie = true;
			}
		}
		i = e;
	}
	return best <= TIDY_TRANSIT_EDITS && !tie;
}

static bool is_colon(uint32_t cp)
{
	return cp == ':' || cp == 0xFF1A;
}

#define TIDY_TAIL_MIN 2	/* characters of a label's wrapped tail taken for one */
#define TIDY_TAIL_MAX 6

/* A speck OCR reads inside a wrapped label or after it: a full stop, a quote. */
static bool is_tail_speck(uint32_t cp)
{
	return cp == 0x3002 || cp == '.' || cp == '"' || cp == 0x201C || cp == 0x201D;
}

/* A plate's province starts at t->v[i]: a letter follows it. */
static bool plate_starts(const struct cps *t, size_t i)
{
	return plate_is_province(t->v[i]) && i + 1 < t->n && is_upper(t->v[i + 1]);
}

/* Where the wrapped end of the cell's label, read into the value ("及航次号"
 * under "运输工具名称", misread: "航及 次号", "及航次姑", specks inside:
 * "及航。次号"), ends: a run of ideographs at from, right before the value's
 * letters, digits or '@', that reads as the label's last characters with at
 * most half of them misread (a plate's province is one ideograph: never
 * taken). from when there is none. */
static size_t label_tail_end(const struct cps *t, size_t from)
{
	struct cps label = decode("运输工具名称及航次号");
	uint32_t v[TIDY_TAIL_MAX];
	size_t n = 0, i = from;
	for (; i < t->n && n < TIDY_TAIL_MAX && !plate_starts(t, i) &&
	       (utf8_is_han(t->v[i]) || is_space(t->v[i]) || is_tail_speck(t->v[i])); i++)
		if (utf8_is_han(t->v[i]))
			v[n++] = t->v[i];
	size_t end = from, j = i;
	while (j < t->n && (is_space(t->v[j]) || is_colon(t->v[j]) || is_tail_speck(t->v[j])))
		j++;	/* issue 13: "及航次号 : 新B62766", "及航次号 “新D76142" */
	if (j > i && j < t->n && plate_is_province(t->v[j]))
		i = j;
	if (n >= TIDY_TAIL_MIN && i < t->n && (is_alnum(t->v[i]) || t->v[i] == '@' || plate_is_province(t->v[i])))
		for (size_t m = TIDY_TAIL_MIN; m <= n + 1 && m < label.n && end == from; m++)
			if ((size_t)distance(v, n, label.v + label.n - m, m) * 2 <= n)
				end = i;
	free(label.v);
	return end;
}

/* Issue 13: the label's end and its colon read into the value, misread past
 * label_tail_end ("太航次后: 陕E…", "HRG52460603625号: 281BGE07": the bill
 * number's cell run in too; "及 。航次号 ; 陕E67463", the colon read as a
 * semicolon): the text up to the first colon goes when it ends in an
 * ideograph and holds no plate's province nor '/' (a value's). */
static size_t after_label_colon(const struct cps *t)
{
	size_t c = 0;
	while (c < t->n && !is_colon(t->v[c]) && t->v[c] != ';' && t->v[c] != 0xFF1B)
		c++;
	if (c == t->n)
		return 0;
	size_t e = c;
	while (e > 0 && is_space(t->v[e - 1]))
		e--;
	if (e == 0 || !utf8_is_han(t->v[e - 1]))
		return 0;
	for (size_t i = 0; i < e; i++)
		if (plate_is_province(t->v[i]) || t->v[i] == '/')
			return 0;
	return c + 1;
}

/* Issue 13: the next cell's label and its colon run on after the value
 * ("豫B97715/20240512 从运单与 : HRG…"): the value ends before the words in
 * front of a colon after a. b when there is none. */
static size_t before_next_label(const struct cps *t, size_t a, size_t b)
{
	size_t c = a;
	while (c < b && !is_colon(t->v[c]))
		c++;
	if (c == b)
		return b;
	while (c > a && (is_space(t->v[c - 1]) || (utf8_is_han(t->v[c - 1]) && !plate_is_province(t->v[c - 1]))))
		c--;
	return c;
}

/* Issue 13: a stroke of the cell's border read 一 in front of a plate's
 * province ("一新B64858"): where the value starts after it. */
static size_t after_stroke(const struct cps *t, size_t a, size_t b)
{
	if (a >= b || t->v[a] != 0x4E00 /* 一 */)
		return a;
	size_t j = a + 1;
	while (j < b && is_space(t->v[j]))
		j++;
	return j < b && plate_is_province(t->v[j]) ? j : a;
}

/* Issue 13: words of another cell after the value's last plate, parted by a
 * mark ("陕E25871/参B2367挂.商务"): where the value ends before them. */
static size_t before_trailing_words(const struct cps *t, size_t a, size_t b)
{
	size_t w = b;
	while (w > a && (utf8_is_han(t->v[w - 1]) || is_space(t->v[w - 1])) && !plate_is_province(t->v[w - 1]) &&
	       t->v[w - 1] != 0x6302 /* 挂 */)
		w--;
	if (w == b || w < a + 2 || !is_separator(t->v[w - 1]))
		return b;
	uint32_t last = t->v[w - 2];
	return is_digit(last) || last == 0x6302 ? w - 1 : b;
}

#define TIDY_CN_PLATE 7	/* a Chinese lorry's plate: province, letter, five digits */

static size_t strspn_digits(const uint32_t *v, size_t n);

/* A Chinese lorry's plate ends at v[k] (v[0, k] holds it whole). */
static bool cn_plate_ends(const uint32_t *v, size_t k)
{
	if (k + 1 < TIDY_CN_PLATE)
		return false;
	const uint32_t *p = v + k + 1 - TIDY_CN_PLATE;
	return plate_is_province(p[0]) && is_upper(p[1]) && strspn_digits(p + 2, TIDY_CN_DIGITS) == TIDY_CN_DIGITS &&
		(k + 1 == TIDY_CN_PLATE || !is_alnum(p[-1]));
}

/* What a table stroke or a speck between two entries of a list reads as. */
static bool is_list_speck(uint32_t c)
{
	return c == '1' || c == 'I' || c == 'l' || c == '|';
}

/* Issue 13: the '/' between a transport name's plates read as a stroke
 * ("陕E543877新B4490挂": 7 for the slash) between a whole Chinese plate
 * and the next plate's province, spaces OCR put after it aside
 * ("新D967477 陕E2458挂"): the slash again, the spaces taken out. */
static void tidy_plate_slash(struct cps *t)
{
	for (size_t k = 1; k + 1 < t->n; k++) {
		if ((t->v[k] != '7' && !is_list_speck(t->v[k])) || !cn_plate_ends(t->v, k - 1))
			continue;
		size_t m = k + 1;
		while (m < t->n && is_space(t->v[m]))
			m++;
		if (m == t->n || !plate_is_province(t->v[m]))
			continue;
		t->v[k] = '/';
		memmove(t->v + k + 1, t->v + m, (t->n - m) * sizeof *t->v);
		t->n -= m - k - 1;
	}
}

/* Issue 13: a transit's transport name, '@' and the 16-digit number, its
 * '@' misread ("99402202693554583", "069402…", "人@9402…"): the value is
 * one run of digits with at most TIDY_TRANSIT_LEAD other characters before
 * it, and the run reads as the remarks' 转关单号 (transit_in). */
#define TIDY_TRANSIT_LEAD 2

static bool transit_misread(const struct cps *t, const struct cps *remarks, size_t a, size_t b,
	uint32_t out[TIDY_TRANSIT_LEN])
{
	size_t d = b;
	while (d > a && is_digit(t->v[d - 1]))
		d--;
	return d - a <= TIDY_TRANSIT_LEAD && b - d + TIDY_TRANSIT_EDITS >= TIDY_TRANSIT_LEN &&
		transit_in(remarks, t->v + d, b - d, out);
}

static size_t trailer_mark_read(const struct cps *t, size_t e, struct cps *out);

/* The plate t[i, e) (the province before it, when one is there, taken
 * along) is a trailer's with 挂 after it. */
static bool trailer_plate_at(const struct cps *t, size_t a, size_t i, size_t e)
{
	struct cps p = {0};
	if (i > a && plate_is_province(t->v[i - 1]))
		cps_push(&p, t->v[i - 1]);
	cps_append(&p, t->v + i, e - i);
	cps_push(&p, 0x6302);	/* 挂 */
	char *s = encode(&p);
	bool trailer = false;
	bool ok = plate_form(s, strlen(s), &trailer) != PLATE_NONE && trailer;
	free(s);
	free(p.v);
	return ok;
}

/* Issue 13: a transit's transport name read past transit_misread, letters
 * among its digits or its '@' read as several ("OZAOAET158099",
 * "NT)102202693551583"): the value holds no province (no plate), is not
 * much longer than the number, and shares a run of TIDY_TRANSIT_SHARED
 * characters or more with the remarks' one 16-digit number (a plate has
 * five digits at most): that number. */
#define TIDY_TRANSIT_SHARED 6
#define TIDY_TRANSIT_SLACK 4	/* characters the value may hold besides the number's */

static bool remarks_transit(const struct cps *r, uint32_t out[TIDY_TRANSIT_LEN])
{
	size_t found = 0;
	for (size_t i = 0; i < r->n;) {
		size_t e = i;
		while (e < r->n && is_digit(r->v[e]))
			e++;
		if (e - i == TIDY_TRANSIT_LEN && (found == 0 || memcmp(out, r->v + i, sizeof(uint32_t) * TIDY_TRANSIT_LEN))) {
			memcpy(out, r->v + i, sizeof(uint32_t) * TIDY_TRANSIT_LEN);
			found++;
		}
		i = e > i ? e : i + 1;
	}
	return found == 1;
}

static size_t longest_shared_run(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t best = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++) {
			size_t k = 0;
			while (i + k < na && j + k < nb && a[i + k] == b[j + k])
				k++;
			best = k > best ? k : best;
		}
	return best;
}

static bool transit_shares_run(const struct cps *t, const struct cps *remarks, size_t a, size_t b,
	uint32_t out[TIDY_TRANSIT_LEN])
{
	if (b - a > TIDY_TRANSIT_LEN + TIDY_TRANSIT_SLACK)
		return false;
	for (size_t i = a; i < b; i++)
		if (plate_is_province(t->v[i]))
			return false;
	return remarks_transit(remarks, out) &&
		longest_shared_run(t->v + a, b - a, out, TIDY_TRANSIT_LEN) >= TIDY_TRANSIT_SHARED;
}

char *ocr_tidy_transport(const char *tname, const char *remarks)
{
	char *provinces = ocr_tidy_plate_provinces(tname);
	struct cps t = decode(provinces), r = decode(remarks), out = {0};
	free(provinces);
	size_t a = after_label_colon(&t), b = t.n;
	while (a < b && !is_alnum(t.v[a]) && !utf8_is_han(t.v[a]) && t.v[a] != '@')
		a++;
	a = after_stroke(&t, label_tail_end(&t, a), b);
	b = before_next_label(&t, a, b);
	while (b > a && !is_alnum(t.v[b - 1]) && !utf8_is_han(t.v[b - 1]))
		b--;
	b = before_trailing_words(&t, a, b);
	size_t i = a;
	uint32_t tr[TIDY_TRANSIT_LEN];
	if (i < b && t.v[i] != '@' && (transit_misread(&t, &r, a, b, tr) || transit_shares_run(&t, &r, a, b, tr))) {
		cps_push(&out, '@');
		cps_append(&out, tr, TIDY_TRANSIT_LEN);
		i = b;
	}
	while (i + 1 < b && t.v[i] == '@' && t.v[i + 1] == '@')
		i++;	/* issue 13: a transit number's @ read twice */
	if (i < b && t.v[i] == '@') {
		size_t e = i + 1;
		while (e < b && is_digit(t.v[e]))
			e++;
		if (e - i - 1 != TIDY_TRANSIT_LEN && transit_in(&r, t.v + i + 1, e - i - 1, tr)) {
			cps_push(&out, '@');
			cps_append(&out, tr, TIDY_TRANSIT_LEN);
			i = e;
		}
	}
	while (i < b) {
		if (!is_alnum(t.v[i]) || (i > a && is_alnum(t.v[i - 1])) || (i > a && utf8_is_han(t.v[i - 1]) && !plate_is_province(t.v[i - 1]))) {
			cps_push(&out, t.v[i++]);
			continue;
		}
		size_t e = i;
		while (e < b && is_alnum(t.v[e]))
			e++;
		if (e == b || !utf8_is_han(t.v[e]))
			kz_plate(t.v + i, e - i);
		if (i > a && plate_is_province(t.v[i - 1]) && (e - i == 6 || e - i == 7) && as_letter(t.v[i]))
			t.v[i] = as_letter(t.v[i]);	/* a Chinese plate: a letter after the province */
		for (size_t k = i; k < e; k++)
			t.v[k] = upper(t.v[k]);	/* issue 13: plates print capitals ("008Xoj10") */
		cps_append(&out, t.v + i, e - i);
		/* issue 13: a trailer's 挂 read 持 ("245JLB03 持") */
		i = trailer_plate_at(&t, a, i, e) ? trailer_mark_read(&t, e, &out) : e;
	}
	tidy_plate_slash(&out);
	char *s = encode(&out);
	free(t.v);
	free(r.v);
	free(out.v);
	return s;
}

#define TIDY_KZ_PLATE 8	/* characters of a Kazakh plate with three letters */
#define TIDY_KZ_RUN_MAX 8	/* Kazakh plates run together that are cut apart */

/* A run of n letters and digits that is k >= 2 Kazakh plates of 8 run
 * together (their spaces lost): each gets its look-alikes; false, and v
 * untouched, unless every one is a plate. */
static bool kz_plates_run(uint32_t *v, size_t n)
{
	size_t k = n / TIDY_KZ_PLATE;
	uint32_t w[TIDY_KZ_PLATE * TIDY_KZ_RUN_MAX];
	if (n % TIDY_KZ_PLATE || k < 2 || k > TIDY_KZ_RUN_MAX)
		return false;
	memcpy(w, v, n * sizeof *w);
	for (size_t j = 0; j < k; j++)
		if (!kz_plate(w + j * TIDY_KZ_PLATE, TIDY_KZ_PLATE))
			return false;
	memcpy(v, w, n * sizeof *w);
	return true;
}

static bool lookalike(uint32_t a, uint32_t b);

/* One glyph read twice: a character beside a look-alike of it or its
 * capital in the other case ("I1", "wW"); two same letters are a plate's own. */
static bool read_twice(uint32_t a, uint32_t b)
{
	return a != b && (upper(a) == upper(b) || lookalike(a, b));
}

/* Issue 13: a run of Kazakh plates with one glyph read twice
 * ("528QPW07593KWWI17"): the run without it, when that reads as plates
 * (kz_plates_run, or one plate) and no other such character gives another
 * reading; v[0, n - 1) then holds it. */
static bool kz_run_glyph_twice(uint32_t *v, size_t n)
{
	uint32_t w[TIDY_KZ_PLATE * TIDY_KZ_RUN_MAX], got[TIDY_KZ_PLATE * TIDY_KZ_RUN_MAX];
	bool found = false;
	if (n % TIDY_KZ_PLATE != 1 || n > TIDY_KZ_PLATE * TIDY_KZ_RUN_MAX)
		return false;
	for (size_t j = 0; j < n; j++) {
		if (!((j > 0 && read_twice(v[j], v[j - 1])) || (j + 1 < n && read_twice(v[j], v[j + 1]))))
			continue;
		memcpy(w, v, j * sizeof *w);
		memcpy(w + j, v + j + 1, (n - j - 1) * sizeof *w);
		if (!(n - 1 == TIDY_KZ_PLATE ? kz_plate(w, n - 1) : kz_plates_run(w, n - 1)))
			continue;
		if (found && memcmp(got, w, (n - 1) * sizeof *w))
			return false;	/* two readings */
		memcpy(got, w, (n - 1) * sizeof *w);
		found = true;
	}
	if (found)
		memcpy(v, got, (n - 1) * sizeof *v);
	return found;
}

char *ocr_tidy_kz_plates(const char *text)
{
	struct cps t = decode(text), out = {0};
	for (size_t i = 0; i < t.n;) {
		if (!is_alnum(t.v[i]) || (i > 0 && is_alnum(t.v[i - 1]))) {
			cps_push(&out, t.v[i++]);
			continue;
		}
		size_t e = i;
		while (e < t.n && is_alnum(t.v[e]))
			e++;
		size_t next = e;
		if (kz_run_glyph_twice(t.v + i, e - i))
			e--;	/* the run is one shorter: the glyph read twice is out */
		if (kz_plates_run(t.v + i, e - i)) {
			for (size_t j = i; j < e; j += TIDY_KZ_PLATE) {
				if (j > i)
					cps_push(&out, ' ');
				cps_append(&out, t.v + j, TIDY_KZ_PLATE);
			}
		} else {
			kz_plate(t.v + i, e - i);
			cps_append(&out, t.v + i, e - i);
		}
		i = next;
	}
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

/* ---- VINs and plates in the remarks ---- */

/* The entry of list whose ASCII part tok reads as: unique nearest within
 * max_edits; -1 when none. *d gets its distance. */
static int nearest(const uint32_t *tok, size_t n, const json_t *list, bool plate, int max_edits, int *d)
{
	int best = max_edits + 1, who = -1;
	bool tie = false;
	for (size_t k = 0; k < json_array_size(list); k++) {
		struct cps e = decode(json_string_value(json_array_get(list, k)));
		size_t a = 0, b = e.n;
		if (plate) {
			while (a < b && !is_alnum(e.v[a]))
				a++;
			while (b > a && !is_alnum(e.v[b - 1]))
				b--;
		}
		int dd = b > a ? distance(tok, n, e.v + a, b - a) : 1 << 20;
		free(e.v);
		if (dd < best) {
			best = dd;
			who = (int)k;
			tie = false;
		} else if (dd == best) {
			tie = true;
		}
	}
	*d = best;
	return tie ? -1 : who;
}

/* Look-alikes OCR confuses in a VIN. */
static bool lookalike(uint32_t a, uint32_t b)
{
	static const char *const groups[] = {"0ODQ", "1IL", "2Z", "5S", "8B", "6G", "PF", "NM", "UV", "4A"};
	if (a >= 'a' && a <= 'z')
		a -= 32;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		if (a < 0x80 && b < 0x80 && strchr(groups[g], (int)a) && strchr(groups[g], (int)b))
			return true;
	return false;
}

#define TIDY_VIN_MODEL 15	/* a VIN's characters after the first two of its maker's code */

/* Issue 13: tok is vin with its maker's code merged, lost or misread
 * ("U1W8G360NX566875", "1W8G368NX566879", "HU1W8G…" for LJ1W8G…): its last
 * TIDY_VIN_MODEL characters are the VIN's. */
static bool vin_maker_misread(const uint32_t *tok, size_t n, const char *vin)
{
	size_t nv = strlen(vin);
	if (n < TIDY_VIN_MODEL || n > nv || nv < TIDY_VIN_MODEL)
		return false;
	for (size_t i = 0; i < TIDY_VIN_MODEL; i++)
		if (tok[n - 1 - i] != (unsigned char)vin[nv - 1 - i])
			return false;
	return true;
}

/* tok reads as vin: one misread, dropped or extra character, or look-alikes only. */
static bool vin_reads_as(const uint32_t *tok, size_t n, const char *vin, int d)
{
	if (d <= 1 || vin_maker_misread(tok, n, vin))
		return true;
	if (n != strlen(vin))
		return false;
	for (size_t i = 0; i < n; i++)
		if (tok[i] != (unsigned char)vin[i] && !lookalike(tok[i], (unsigned char)vin[i]))
			return false;
	return true;
}

/* The last character put out, when it is one ideograph standing alone
 * after a separator or space (a key has more), taken back with the space
 * after it. */
static void drop_lone_han(struct cps *out)
{
	size_t o = out->n;
	while (o > 0 && is_space(out->v[o - 1]))
		o--;
	if (o == 0 || !utf8_is_han(out->v[o - 1]))
		return;
	if (o >= 2 && !is_space(out->v[o - 2]) && !is_separator(out->v[o - 2]))
		return;
	out->n = o - 1;
}

/* After a trailer's plate put out: its 挂 read 持 at t[e] (spaces before it
 * skipped) is put out as 挂; returns where the text goes on. */
static size_t trailer_mark_read(const struct cps *t, size_t e, struct cps *out)
{
	size_t j = e;
	while (j < t->n && is_space(t->v[j]))
		j++;
	if (j >= t->n || !is_gua_misread(t->v[j]))
		return e;
	cps_push(out, 0x6302);
	return j + 1;
}

/* The plate of the list whose letters and digits tok reads as only by
 * look-alikes (issue 13: "79308Q07" for 793OBQ07), unique; -1 when none. */
static int plate_by_lookalikes(const uint32_t *tok, size_t n, const json_t *plates)
{
	int who = -1;
	for (size_t k = 0; k < json_array_size(plates); k++) {
		struct cps e = decode(json_string_value(json_array_get(plates, k)));
		size_t a = 0, b = e.n;
		while (a < b && !is_alnum(e.v[a]))
			a++;
		while (b > a && !is_alnum(e.v[b - 1]))
			b--;
		bool reads = b - a == n;
		for (size_t i = 0; reads && i < n; i++)
			reads = tok[i] == e.v[a + i] || lookalike(tok[i], e.v[a + i]);
		free(e.v);
		if (reads && who >= 0)
			return -1;
		if (reads)
			who = (int)k;
	}
	return who;
}

/* The plate of the list tok reads as: the unique nearest within
 * TIDY_PLATE_EDITS, else by look-alikes only; -1 when none. */
static int plate_read_as(const uint32_t *tok, size_t n, const json_t *plates)
{
	int d = 0, k = nearest(tok, n, plates, true, TIDY_PLATE_EDITS, &d);
	return k >= 0 ? k : plate_by_lookalikes(tok, n, plates);
}

#define TIDY_VIN_LEN 17
#define TIDY_RUN_SLACK 1	/* characters a piece of a VIN run may have too many or too few */

/* The piece of a VIN run that reads as an entry of vins, starting at v[0]
 * (back false) or ending at v[n] (back true): its length (TIDY_VIN_LEN, else
 * one more or one less), *who the entry; 0 when none does. */
static size_t vin_piece(const uint32_t *v, size_t n, const json_t *vins, bool back, int *who)
{
	static const int tries[] = {0, TIDY_RUN_SLACK, -TIDY_RUN_SLACK};
	for (size_t k = 0; k < sizeof tries / sizeof tries[0]; k++) {
		size_t len = (size_t)(TIDY_VIN_LEN + tries[k]);
		int d = 0;
		if (len > n)
			continue;
		const uint32_t *at = back ? v + n - len : v;
		*who = nearest(at, len, vins, false, TIDY_VIN_EDITS, &d);
		if (*who >= 0 && vin_reads_as(at, len, json_string_value(json_array_get(vins, (size_t)*who)), d))
			return len;
	}
	return 0;
}

static void put_entry(struct cps *out, const json_t *list, int who)
{
	struct cps e = decode(json_string_value(json_array_get(list, (size_t)who)));
	cps_append(out, e.v, e.n);
	free(e.v);
}

#define TIDY_RUN_MAX 64	/* VINs of a run taken from its end */

/* Issue 13: a run of VINs read without their separators
 * ("LVVMX3HB9SW222398LVVMX3HB5SW…"), cut from its start and from its end
 * into pieces that each read as an entry of vins (vin_piece: one glyph read
 * twice or lost allowed): those pieces put out as the entries, what lies
 * between them as read, a space between each two (the separators OCR lost,
 * or the spaces ocr_snap_join_codes took out; ocr_tidy_list_separators puts
 * the list's own where it has one); false, out untouched, when no piece
 * reads so. */
static bool vin_run(const uint32_t *v, size_t n, const json_t *vins, struct cps *out)
{
	if (n < 2 * TIDY_VIN_LEN - TIDY_RUN_SLACK)
		return false;
	struct cps head = {0};
	size_t p = 0, q = n, pieces = 0, tail = 0;
	int who = -1, from_end[TIDY_RUN_MAX];
	for (size_t len; p < n && (len = vin_piece(v + p, n - p, vins, false, &who)) != 0; p += len, pieces++) {
		if (head.n)
			cps_push(&head, ' ');
		put_entry(&head, vins, who);
	}
	for (size_t len; q > p && tail < TIDY_RUN_MAX && (len = vin_piece(v + p, q - p, vins, true, &who)) != 0;
	     q -= len, pieces++)
		from_end[tail++] = who;
	if (pieces) {
		bool any = head.n > 0;	/* something of the run put out: a space before the next piece */
		cps_append(out, head.v, head.n);
		if (q > p) {
			if (any)
				cps_push(out, ' ');
			cps_append(out, v + p, q - p);
			any = true;
		}
		while (tail > 0) {
			if (any)
				cps_push(out, ' ');
			put_entry(out, vins, from_end[--tail]);
			any = true;
		}
	}
	free(head.v);
	return pieces > 0;
}

#define TIDY_VIN_TOKEN_MIN 15	/* a token read for one VIN: its length, two lost ... */
#define TIDY_VIN_TOKEN_MAX 19	/* ... to two extra */
#define TIDY_PLATE_TOKEN_MIN 4	/* a plate's letters and digits */
#define TIDY_PLATE_TOKEN_MAX 8

#define TIDY_VIN_SERIAL 6	/* a VIN's last characters: its serial, which a shipment's VINs do not share */
#define TIDY_VIN_SERIAL_EDITS 5	/* a token ending in a VIN's serial is at most this far from it */

/* Issue 13: the VIN of the list whose serial tok ends in, the only one, with
 * tok at most TIDY_VIN_SERIAL_EDITS from it: a shipment whose maker's code
 * and model the font misread alike ("U1256394Pj109597" for
 * LJ1Z56394PJ109597; derive.c's vins_by_tails put the list right). -1 when
 * none. */
static int vin_by_serial(const uint32_t *tok, size_t n, const json_t *vins)
{
	int who = -1;
	for (size_t k = 0; k < json_array_size(vins) && n >= TIDY_VIN_SERIAL; k++) {
		const char *vin = json_string_value(json_array_get(vins, k));
		size_t nv = vin ? strlen(vin) : 0;
		bool same = nv >= TIDY_VIN_SERIAL;
		for (size_t i = 1; i <= TIDY_VIN_SERIAL && same; i++)
			same = tok[n - i] == (unsigned char)vin[nv - i];
		if (same && who >= 0)
			return -1;
		if (same)
			who = (int)k;
	}
	if (who < 0)
		return -1;
	struct cps v = decode(json_string_value(json_array_get(vins, (size_t)who)));
	int d = distance(tok, n, v.v, v.n);
	free(v.v);
	return d > 0 && d <= TIDY_VIN_SERIAL_EDITS ? who : -1;
}

/* The VIN of the list that tok (one token) reads as, put out: true; false,
 * out untouched, when it reads as none or is one as printed. */
static bool put_vin(const uint32_t *tok, size_t n, const json_t *vins, struct cps *out)
{
	int d = 0, k = -1;
	if (n < TIDY_VIN_TOKEN_MIN || n > TIDY_VIN_TOKEN_MAX)
		return false;
	k = nearest(tok, n, vins, false, TIDY_VIN_EDITS, &d);
	if (d == 0)
		return false;
	if ((k < 0 || !vin_reads_as(tok, n, json_string_value(json_array_get(vins, (size_t)k)), d)) &&
	    (k = vin_by_serial(tok, n, vins)) < 0)
		return false;
	struct cps v = decode(json_string_value(json_array_get(vins, (size_t)k)));
	if (n < v.n)
		drop_lone_han(out);	/* "员 1W8G…": the maker's code read as an ideograph */
	cps_append(out, v.v, v.n);
	free(v.v);
	return true;
}

/* The plate of the list that t[i, e) reads as, put out (a misread province
 * before it, not the end of a key, takes the plate's; its 挂 read 持 is put
 * right): where the text goes on; 0 when it reads as none. */
static size_t put_plate(const struct cps *t, size_t i, size_t e, const json_t *plates, struct cps *out)
{
	int k = -1;
	if (e - i < TIDY_PLATE_TOKEN_MIN || e - i > TIDY_PLATE_TOKEN_MAX ||
	    (k = plate_read_as(t->v + i, e - i, plates)) < 0)
		return 0;
	struct cps p = decode(json_string_value(json_array_get(plates, (size_t)k)));
	size_t pa = 0, pb = p.n;
	while (pa < pb && !is_alnum(p.v[pa]))
		pa++;
	while (pb > pa && !is_alnum(p.v[pb - 1]))
		pb--;
	size_t o = out->n;
	while (o > 0 && is_space(out->v[o - 1]))
		o--;
	if (pa > 0 && o > 0 && utf8_is_han(out->v[o - 1]) && out->v[o - 1] != p.v[pa - 1] && !ends_a_key(out->v[o - 1])) {
		out->n = o;
		out->v[o - 1] = p.v[pa - 1];
	}
	cps_append(out, p.v + pa, pb - pa);
	if (pb < p.n && p.v[pb] == 0x6302)
		e = trailer_mark_read(t, e, out);	/* issue 13: its 挂 read 持 */
	free(p.v);
	return e;
}

char *ocr_tidy_codes(const char *text, const json_t *vins, const json_t *plates)
{
	char *joined = ocr_snap_join_codes(text);
	struct cps t = decode(joined), out = {0};
	free(joined);
	size_t i = 0;
	while (i < t.n) {
		if (!is_alnum(t.v[i])) {
			cps_push(&out, t.v[i++]);
			continue;
		}
		size_t e = i, next;
		while (e < t.n && is_alnum(t.v[e]))
			e++;
		if ((next = put_plate(&t, i, e, plates, &out)) != 0)
			e = next;
		else if (!vin_run(t.v + i, e - i, vins, &out) && !put_vin(t.v + i, e - i, vins, &out))
			cps_append(&out, t.v + i, e - i);
		i = e;
	}
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

/* ---- the separators of a list of codes ---- */

#define TIDY_SEP_MAX 2		/* characters (spaces aside) of a separator between two codes */
#define TIDY_SEP_MIN_VOTES 2	/* gaps of a list that must agree on its separator */
#define TIDY_MAX_SPANS 512	/* codes of the remarks looked at */

struct gap {
	size_t a, b;		/* the text between two codes */
	uint32_t key[TIDY_SEP_MAX];	/* its characters, spaces aside */
	size_t nkey;
	bool spaced, clean;	/* holds a space; holds only spaces and list punctuation */
	bool one_list;		/* between two codes of one list (two VINs, two plates) */
	bool vins;		/* ... of the VINs' list */
	bool speck;		/* holds one stroke read as a character ("新D87711, 1,新B6656挂") */
};

static bool is_list_punct(uint32_t c)
{
	return c == ',' || c == '.' || c == ';' || c == 0xFF0C || c == 0x3002 || c == 0x3001 || c == 0xFF1B;
}

/* A separator a list is written with: one comma, 、 or semicolon, or spaces alone. */
static bool good_separator(const struct gap *g)
{
	if (!g->clean || g->speck)
		return false;
	if (g->nkey == 0)
		return g->spaced;
	return g->nkey == 1 && g->key[0] != '.' && g->key[0] != 0x3002;
}

/* The end of the entry of list that stands at t[i] as a whole code, or 0. */
static size_t entry_at(const struct cps *t, size_t i, const json_t *list)
{
	if (i > 0 && is_alnum(t->v[i - 1]))
		return 0;
	for (size_t k = 0; k < json_array_size(list); k++) {
		struct cps e = decode(json_string_value(json_array_get(list, k)));
		size_t used = e.n ? match_at(t, i, &e) : 0, end = i + used;
		free(e.v);
		if (used && (end == t->n || !is_alnum(t->v[end])))
			return end;
	}
	return 0;
}

static struct gap gap_of(const struct cps *t, size_t a, size_t b)
{
	struct gap g = {.a = a, .b = b, .clean = true};
	for (size_t i = a; i < b; i++) {
		if (is_space(t->v[i])) {
			g.spaced = true;
			continue;
		}
		if (is_list_punct(t->v[i]) && g.nkey < TIDY_SEP_MAX)
			g.key[g.nkey++] = t->v[i];
		else if (is_list_speck(t->v[i]) && !g.speck)
			g.speck = true;
		else
			g.clean = false;
	}
	return g;
}

/* The gaps between codes of the lists that follow one another in t. */
static size_t list_gaps(const struct cps *t, const json_t *vins, const json_t *plates, struct gap *gaps, size_t max)
{
	size_t n = 0, prev_end = 0;
	bool have_prev = false, prev_vin = false;
	for (size_t i = 0; i < t->n && n < max;) {
		size_t end = entry_at(t, i, vins);
		bool vin = end != 0;
		if (!end)
			end = entry_at(t, i, plates);
		if (!end) {
			i++;
			continue;
		}
		if (have_prev) {
			gaps[n] = gap_of(t, prev_end, i);
			gaps[n].vins = vin && prev_vin;
			gaps[n++].one_list = vin == prev_vin;
		}
		have_prev = true;
		prev_vin = vin;
		prev_end = i = end;
	}
	return n;
}

/* A gap counted for a list's separator: of any list (kind < 0), or within
 * the VINs' (kind 1) or the plates' (kind 0) list. */
static bool of_kind(const struct gap *g, int kind)
{
	return kind < 0 || (g->one_list && g->vins == (kind == 1));
}

/* The separator most good gaps of kind hold (index into gaps), or -1 when
 * fewer than TIDY_SEP_MIN_VOTES agree. */
static long kind_separator(const struct gap *gaps, size_t n, int kind)
{
	long best = -1;
	size_t best_votes = 0;
	for (size_t i = 0; i < n; i++) {
		if (!good_separator(&gaps[i]) || !of_kind(&gaps[i], kind))
			continue;
		size_t votes = 0;
		for (size_t j = 0; j < n; j++)
			votes += good_separator(&gaps[j]) && of_kind(&gaps[j], kind) && gaps[j].nkey == gaps[i].nkey &&
				memcmp(gaps[j].key, gaps[i].key, gaps[i].nkey * sizeof gaps[i].key[0]) == 0;
		if (votes > best_votes) {
			best_votes = votes;
			best = (long)i;
		}
	}
	return best_votes >= TIDY_SEP_MIN_VOTES ? best : -1;
}

static long list_separator(const struct gap *gaps, size_t n)
{
	return kind_separator(gaps, n, -1);
}

/* Issue 13: a gap of one list holding one mark where that list's own gaps
 * agree on another ("782AVZ17;264RUA03,849OHX07挂,…") or on spaces. */
static bool odd_mark(const struct gap *gaps, size_t n, const struct gap *g)
{
	if (!g->one_list || g->nkey != 1)
		return false;
	long own = kind_separator(gaps, n, g->vins ? 1 : 0);
	/* another mark, or one mark in a list parted by spaces alone ("…535409,LVVGH7PD7…") */
	return own >= 0 && (gaps[own].nkey == 1 ? gaps[own].key[0] != g->key[0] : gaps[own].spaced);
}

/* Issue 13: a gap of one list holding its mark (once or twice alike) and
 * one speck: the mark alone. */
static bool speck_gap(const struct gap *g)
{
	return g->clean && g->speck && g->one_list && g->nkey >= 1 && g->key[g->nkey - 1] == g->key[0];
}

/* Issue 13: a gap of one list holding one point alone ("009PHL05.334WHW10挂"):
 * a point never parts a list; a comma is what reads as one. */
static bool point_gap(const struct gap *g)
{
	return g->clean && !g->speck && g->one_list && g->nkey == 1 && (g->key[0] == '.' || g->key[0] == 0x3002);
}

/* What gap g of a list (of gaps[0, n), the separator most of them agree on
 * at sep, -1 for none) is written with instead of what OCR read: key[0,
 * *nkey) and, with *space, a space after it; false when it stays as read. */
static bool gap_mend(const struct gap *gaps, size_t n, long sep, const struct gap *g, const uint32_t **key,
	size_t *nkey, bool *space)
{
	static const uint32_t comma = ',';
	if (speck_gap(g)) {
		*key = g->key, *nkey = 1, *space = false;
		return true;
	}
	if (sep < 0 && point_gap(g)) {
		*key = &comma, *nkey = 1, *space = g->spaced;
		return true;
	}
	if (sep < 0)
		return false;
	/* issue 13: within one list its own separator where its gaps agree on one
	 * (plates parted by 、, VINs by commas) */
	long own = g->one_list ? kind_separator(gaps, n, g->vins ? 1 : 0) : -1, use = own >= 0 ? own : sep;
	/* issue 13: spaces alone inside a list written with a comma: the comma lost;
	 * another mark alone in a gap of one list ("782AVZ17;264RUA03,849OHX07挂,…") */
	bool lost = g->nkey == 0 && gaps[use].nkey > 0 && g->one_list;
	if (!g->clean || (good_separator(g) && !lost && !odd_mark(gaps, n, g)))
		return false;	/* (words between two codes: not a list) */
	*key = gaps[use].key, *nkey = gaps[use].nkey, *space = gaps[use].nkey == 0 || g->spaced;
	return true;
}

char *ocr_tidy_list_separators(const char *text, const json_t *vins, const json_t *plates)
{
	struct cps t = decode(text), out = {0};
	struct gap *gaps = malloc(TIDY_MAX_SPANS * sizeof *gaps);
	if (!gaps)
		abort();
	size_t n = list_gaps(&t, vins, plates, gaps, TIDY_MAX_SPANS), from = 0;
	long sep = list_separator(gaps, n);
	for (size_t k = 0; k < n; k++) {
		const uint32_t *key;
		size_t nkey;
		bool space;
		if (!gap_mend(gaps, n, sep, &gaps[k], &key, &nkey, &space))
			continue;
		cps_append(&out, t.v + from, gaps[k].a - from);
		cps_append(&out, key, nkey);
		if (space)
			cps_push(&out, ' ');
		from = gaps[k].b;
	}
	cps_append(&out, t.v + from, t.n - from);
	char *s = encode(&out);
	free(gaps);
	free(t.v);
	free(out.v);
	return s;
}

/* ---- the transport name from the remarks' plates ---- */

#define TIDY_TNAME_EDITS 2	/* misreads of a transport name still taken as the remarks' plates */

/* The transport name holds a plate already (a province and a letter, or a
 * Kazakh plate's form). */
static bool holds_plate(const struct cps *t)
{
	for (size_t i = 0; i < t->n;) {
		size_t e = i;
		while (e < t->n && is_alnum(t->v[e]))
			e++;
		uint32_t w[TIDY_KZ_PLATE];
		if (e - i == TIDY_KZ_PLATE) {
			memcpy(w, t->v + i, sizeof w);
			if (kz_plate(w, TIDY_KZ_PLATE) && !memcmp(w, t->v + i, sizeof w))
				return true;
		}
		if (i > 0 && plate_is_province(t->v[i - 1]) && e > i)
			return true;
		i = e > i ? e : i + 1;
	}
	return false;
}

/* The candidate "a/b" (or "a" alone when b is NULL) as code points. */
static struct cps plates_joined(const char *a, const char *b)
{
	struct cps c = decode(a);
	if (b) {
		struct cps d = decode(b);
		cps_push(&c, '/');
		cps_append(&c, d.v, d.n);
		free(d.v);
	}
	return c;
}

char *ocr_tidy_transport_by_plates(const char *tname, const json_t *plates)
{
	struct cps t = decode(tname);
	size_t n = json_array_size(plates);
	int best = TIDY_TNAME_EDITS + 1;
	bool tie = false;
	struct cps pick = {0};
	bool leave = holds_plate(&t) || strchr(tname, '@');
	for (size_t i = 0; i < n && !leave; i++)
		for (size_t j = 0; j <= n; j++) {	/* j == n: the plate alone */
			if (j == i)
				continue;
			const char *b = j < n ? json_string_value(json_array_get(plates, j)) : NULL;
			struct cps c = plates_joined(json_string_value(json_array_get(plates, i)), b);
			int d = distance(t.v, t.n, c.v, c.n);
			if (d < best) {
				free(pick.v);
				pick = c;
				best = d;
				tie = false;
				continue;
			}
			tie |= d == best;
			free(c.v);
		}
	char *out = best <= TIDY_TNAME_EDITS && !tie ? encode(&pick) : encode(&t);
	free(pick.v);
	free(t.v);
	return out;
}

/* How many of v[0, n) from the start are digits. */
static size_t strspn_digits(const uint32_t *v, size_t n)
{
	size_t k = 0;
	while (k < n && is_digit(v[k]))
		k++;
	return k;
}

#define TIDY_KZ_DIGITS 3	/* a Kazakh plate: three digits, letters, the region's two digits */
#define TIDY_KZ_REGION 2

/* r[0, TIDY_KZ_PLATE) has a Kazakh plate's digits where they go, and its
 * first letter (a tractor's run into the trailer's: the letter maybe a
 * look-alike digit, "3550DJ05", set right later by ocr_tidy_kz_plates). */
static bool kz_plate_shape(const uint32_t *r, bool lookalike)
{
	return strspn_digits(r, TIDY_KZ_DIGITS) == TIDY_KZ_DIGITS &&
		strspn_digits(r + TIDY_KZ_PLATE - TIDY_KZ_REGION, TIDY_KZ_REGION) == TIDY_KZ_REGION &&
		(is_upper(r[TIDY_KZ_DIGITS]) || (lookalike && as_letter(r[TIDY_KZ_DIGITS])));
}

/* Issue 13: the letters and digits r[0, run) before a 持 read for the 挂 that
 * ends a trailer's plate: a letter and four digits (a Chinese trailer, its
 * province maybe misread) or whole Kazakh plates (851HCE10持; the tractor's
 * run into it, its space lost: 355ODJ05854WIZ05 插). */
static bool trailer_run(const uint32_t *r, size_t run)
{
	if (run == TIDY_TRAILER_DIGITS + 1 && is_upper(r[0]))
		return strspn_digits(r + 1, TIDY_TRAILER_DIGITS) == TIDY_TRAILER_DIGITS;
	if (run == 0 || run % TIDY_KZ_PLATE)
		return false;
	for (size_t k = 0; k < run; k += TIDY_KZ_PLATE)
		if (!kz_plate_shape(r + k, k + TIDY_KZ_PLATE < run))
			return false;
	return true;
}

static bool trailer_mark_misread(const struct cps *t, size_t i, size_t run)
{
	return is_gua_misread(t->v[i]) && trailer_run(t->v + i - run, run);
}

/* Issue 13: 持 at t[i] after spaces that follow a trailer's plate ("851HCE10 持"):
 * how many spaces stand between them, 0 when it is no such mark. */
static size_t spaced_trailer_mark(const struct cps *t, size_t i)
{
	size_t j = i, run = 0;
	while (j > 0 && is_space(t->v[j - 1]))
		j--;
	while (run < j && is_alnum(t->v[j - 1 - run]))
		run++;
	return is_gua_misread(t->v[i]) && j < i && trailer_run(t->v + j - run, run) ? i - j : 0;
}

char *ocr_tidy_split_trailers(const char *text)
{
	struct cps t = decode(text), out = {0};
	size_t run = 0, letters = 0;	/* the ASCII letters and digits before i */
	for (size_t i = 0; i < t.n; i++) {
		/* "980UAX02.333HSS13挂": a comma read as a full stop after a plate
		 * (letters in it: no decimal number) */
		size_t spaces = run ? 0 : spaced_trailer_mark(&t, i);
		if (spaces)
			out.n -= spaces;	/* (put out just before) */
		if (spaces || trailer_mark_misread(&t, i, run))
			t.v[i] = 0x6302;	/* 挂 */
		if (t.v[i] == '.' && run >= 5 && letters > 0 && i + 1 < t.n && is_alnum(t.v[i + 1]))
			cps_push(&out, ' ');
		else
			cps_push(&out, t.v[i]);
		if (t.v[i] == 0x6302 /* 挂 */ && out.n >= 2 && is_alnum(out.v[out.n - 2]) && i + 1 < t.n &&
		    (utf8_is_han(t.v[i + 1]) || is_alnum(t.v[i + 1])))
			cps_push(&out, ' ');	/* issue 13: "593KWW17挂356VHA17": the next plate */
		run = is_alnum(t.v[i]) ? run + 1 : 0;
		letters = !run ? 0 : letters + (t.v[i] > '9');
	}
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

/* ---- a Chinese plate's province misread ---- */

/* Issue 13: what Tesseract (chi_sim, 150-300 dpi) read for the province of a
 * Chinese plate on the tuning scans (dev-scan, dev2-scan: 豫 read right once
 * in 26 plates, as 珍 9 times, 像 3, and 吹 除 驳 玲 歼 殉 从 once each; 陕
 * as 防 and 耻, 新 as 外; on dev6-scan, dev7 and dev8-scan, 豫 as 耶 4 times
 * and 阶 once, 新 as 攻 twice and 亲 once; on dev8-scan to dev10-scan, 豫
 * as 移, 驶, 陶 and 称, and as 蚤 and 瑰 with its letter B read 8 or 6).
 * Taken only in front of a plate's letters and digits, where no word of
 * Chinese stands. */
static const uint32_t province_misreads[][2] = {
	{0x73CD /* 珍 */, 0x8C6B /* 豫 */}, {0x50CF /* 像 */, 0x8C6B}, {0x5439 /* 吹 */, 0x8C6B},
	{0x9664 /* 除 */, 0x8C6B}, {0x9A73 /* 驳 */, 0x8C6B}, {0x73B2 /* 玲 */, 0x8C6B},
	{0x6B7C /* 歼 */, 0x8C6B}, {0x6B89 /* 殉 */, 0x8C6B}, {0x4ECE /* 从 */, 0x8C6B},
	{0x4E1B /* 丛 */, 0x8C6B}, {0x745A /* 瑚 */, 0x8C6B}, {0x7F1A /* 缚 */, 0x8C6B},
	{0x7396 /* 玖 */, 0x8C6B}, {0x8036 /* 耶 */, 0x8C6B}, {0x9636 /* 阶 */, 0x8C6B},
	{0x9632 /* 防 */, 0x9655 /* 陕 */}, {0x803B /* 耻 */, 0x9655},
	{0x79FB /* 移 */, 0x8C6B}, {0x9A76 /* 驶 */, 0x8C6B}, {0x9676 /* 陶 */, 0x8C6B}, {0x79F0 /* 称 */, 0x8C6B},
	{0x86A4 /* 蚤 */, 0x8C6B}, {0x7470 /* 瑰 */, 0x8C6B},
	{0x5916 /* 外 */, 0x65B0 /* 新 */}, {0x653B /* 攻 */, 0x65B0}, {0x4EB2 /* 亲 */, 0x65B0},
};
#define N_PROVINCE_MISREADS (sizeof province_misreads / sizeof province_misreads[0])
#define TIDY_CN_TAIL_MIN 5	/* a Chinese plate after its province: a letter, four digits (a trailer) ... */
#define TIDY_CN_TAIL_MAX 7	/* ... up to a letter and six (new energy) */

/* A Chinese plate's tail of n at v read with a letter too many after its
 * own ("FK42404", "EB64810": a letter, another that is not the D or F of a
 * new-energy plate, five digits). */
static bool extra_letter(const uint32_t *v, size_t n)
{
	return n == TIDY_CN_DIGITS + 2 && is_upper(v[0]) && is_upper(v[1]) && v[1] != 'D' && v[1] != 'F' &&
		strspn_digits(v + 2, TIDY_CN_DIGITS) == TIDY_CN_DIGITS;
}

static uint32_t province_read_as(uint32_t cp)
{
	for (size_t k = 0; k < N_PROVINCE_MISREADS; k++)
		if (province_misreads[k][0] == cp)
			return province_misreads[k][1];
	return 0;
}

/* The letter after a Chinese plate's province read as a digit (a digit
 * never stands there): B read 8 or 6; 0 when c is no such misread. */
static uint32_t plate_letter_misread(uint32_t c)
{
	return c == '8' || c == '6' ? 'B' : 0;
}

/* A character of a Chinese plate after its letter: O and I are read for 0
 * and 1 there ("豫B541O9"), as a plate never holds those two letters (GA 36:
 * they are left out for their likeness to the digits). */
static uint32_t plate_serial_char(uint32_t c)
{
	return c == 'O' || c == 'o' ? '0' : c == 'I' ? '1' : c;
}

/* The length of a Chinese plate's letters and digits at t[i] (its letter
 * may be read 8 or 6 for B), or 0. */
static size_t cn_plate_tail(const struct cps *t, size_t i)
{
	if (i >= t->n || !(is_upper(t->v[i]) || plate_letter_misread(t->v[i])))
		return 0;
	size_t e = i + 1;
	while (e < t->n && is_alnum(t->v[e]))
		e++;
	return e - i >= TIDY_CN_TAIL_MIN && e - i <= TIDY_CN_TAIL_MAX ? e - i : 0;
}

/* After a trailer's tail at t[e], spaces skipped: 持 read for 挂. Returns
 * where it stands, or 0. */
static size_t misread_trailer_mark(const struct cps *t, size_t e)
{
	while (e < t->n && is_space(t->v[e]))
		e++;
	return e < t->n && is_gua_misread(t->v[e]) ? e : 0;
}

/* The province of a plate at t[i]: its own, or the one OCR misread as it; 0
 * when t[i] is neither or stands after another Chinese character. */
static uint32_t plate_province(const struct cps *t, size_t i)
{
	if (i > 0 && utf8_is_han(t->v[i - 1]))
		return 0;
	return plate_is_province(t->v[i]) ? t->v[i] : province_read_as(t->v[i]);
}

/* The plate at t[i] (its province maybe misread) put into out without the
 * spaces OCR left inside it, its letter B read 8 or 6 (or B read twice,
 * "8B", or a letter too many after it) put right; returns where the text
 * goes on, or i when no plate starts at t[i]. */
static size_t repair_plate_at(const struct cps *t, size_t i, struct cps *out)
{
	uint32_t prov = plate_province(t, i);
	size_t j = i + 1;
	while (j < t->n && is_space(t->v[j]))
		j++;
	if (j + 1 < t->n && (t->v[j] == '8' || t->v[j] == 'I') && is_upper(t->v[j + 1]))
		j++;	/* "缚8B97715": the letter read twice; "新IF73825": a stroke, as no plate holds an I (GA 36) */
	size_t n = cn_plate_tail(t, j);
	if (!prov || !n)
		return i;
	cps_push(out, prov);
	cps_push(out, plate_letter_misread(t->v[j]) ? plate_letter_misread(t->v[j]) : t->v[j]);
	bool mark_after = j + n < t->n && reads_as_gua(t->v[j + n]);
	size_t skip = !mark_after && extra_letter(t->v + j, n);	/* issue 13: the second letter goes */
	for (size_t k = j + 1 + skip; k < j + n; k++)
		cps_push(out, plate_serial_char(t->v[k]));
	size_t mark = n == TIDY_TRAILER_DIGITS + 1 ? misread_trailer_mark(t, j + n) : 0;
	if (!mark)
		return j + n;
	cps_push(out, 0x6302);	/* 挂 */
	return mark + 1;
}

static bool stray_province_at(const struct cps *t, size_t i);

/* Issue 13: an ideograph standing alone where a plate's province stands
 * (stray_province_at), before a province and its plate ("车号：了豫B54109",
 * "、了豫B7310挂"): a speck OCR read, no part of the text. */
static bool speck_before_plate(const struct cps *t, size_t i)
{
	if (i + 1 >= t->n || !stray_province_at(t, i))
		return false;
	uint32_t p = t->v[i + 1];
	return (plate_is_province(p) || province_read_as(p)) && cn_plate_tail(t, i + 2);
}

char *ocr_tidy_plate_provinces(const char *text)
{
	char *joined = ocr_snap_join_codes(text);	/* "瑚8 5569 挂": the plate in one piece first */
	struct cps read = decode(joined), t = {0}, out = {0};
	free(joined);
	gui_as_gua(read.v, read.n);
	for (size_t i = 0; i < read.n; i++)
		if (!speck_before_plate(&read, i))
			cps_push(&t, read.v[i]);
	free(read.v);
	for (size_t i = 0; i < t.n;) {
		size_t next = repair_plate_at(&t, i, &out);
		if (next == i)
			cps_push(&out, t.v[i++]);
		else
			i = next;
	}
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

/* ---- a Chinese plate's province unread ---- */

/* The province all Chinese plates of the list with this letter after their
 * province share; 0 when none has it or they differ. */
static uint32_t province_of_letter(const json_t *plates, uint32_t letter)
{
	uint32_t prov = 0;
	bool differ = false;
	for (size_t k = 0; k < json_array_size(plates); k++) {
		struct cps p = decode(json_string_value(json_array_get(plates, k)));
		if (p.n >= 2 && plate_is_province(p.v[0]) && p.v[1] == letter) {
			differ = differ || (prov && prov != p.v[0]);
			prov = p.v[0];
		}
		free(p.v);
	}
	return differ ? 0 : prov;
}

/* The length of a Chinese plate's letter and digits at t[i]: a letter,
 * four digits and 挂 (or 持 read for it; spaces before it), or a letter and
 * five digits, with no letter or digit after; 0 otherwise. */
static size_t cn_tail_strict(const struct cps *t, size_t i)
{
	if (i >= t->n || !is_upper(t->v[i]))
		return 0;
	size_t d = strspn_digits(t->v + i + 1, t->n - i - 1), e = i + 1 + d;
	size_t m = e;
	while (m < t->n && is_space(t->v[m]))
		m++;
	if (d == TIDY_TRAILER_DIGITS && m < t->n && reads_as_gua(t->v[m]))
		return m + 1 - i;
	return d == TIDY_CN_DIGITS && (e == t->n || !is_alnum(t->v[e])) ? d + 1 : 0;
}

/* An ideograph standing alone where a plate's province stands: at the
 * start or after a separator (spaces aside), itself no province, no end of
 * a key and no trailer's mark. */
static bool stray_province_at(const struct cps *t, size_t i)
{
	uint32_t c = t->v[i];
	if (!utf8_is_han(c) || plate_is_province(c) || ends_a_key(c) || reads_as_gua(c))
		return false;
	size_t o = i;
	while (o > 0 && is_space(t->v[o - 1]))
		o--;
	return o == 0 || is_separator(t->v[o - 1]);
}

/* The province of the list's Chinese plate whose letters, digits and mark
 * after it are v[0, n) with spaces aside (the same plate, stated again: the
 * transport name's copy); 0 when none. */
static uint32_t province_of_same(const json_t *plates, const uint32_t *v, size_t n)
{
	struct cps tail = {0};
	for (size_t i = 0; i < n; i++)
		if (!is_space(v[i]))
			cps_push(&tail, is_gua_misread(v[i]) ? 0x6302 : v[i]);
	uint32_t prov = 0;
	for (size_t k = 0; k < json_array_size(plates) && !prov; k++) {
		struct cps p = decode(json_string_value(json_array_get(plates, k)));
		if (p.n == tail.n + 1 && plate_is_province(p.v[0]) && !memcmp(p.v + 1, tail.v, tail.n * sizeof *tail.v))
			prov = p.v[0];
		free(p.v);
	}
	free(tail.v);
	return prov;
}

/* The province a plate whose own was misread takes: the one of the same
 * plate stated again, else the one its letter's plates share. */
static uint32_t province_given(const json_t *plates, const uint32_t *v, size_t n)
{
	uint32_t same = province_of_same(plates, v, n);
	return same ? same : province_of_letter(plates, v[0]);
}

char *ocr_tidy_plate_unknown_provinces(const char *text, const json_t *plates)
{
	struct cps t = decode(text), out = {0};
	for (size_t i = 0; i < t.n;) {
		size_t j = i + 1, n = 0;
		while (j < t.n && is_space(t.v[j]))
			j++;
		uint32_t prov = 0;
		if (stray_province_at(&t, i) && (n = cn_tail_strict(&t, j)) != 0 &&
		    (prov = province_given(plates, t.v + j, n)) != 0) {
			cps_push(&out, prov);
			for (size_t k = j; k < j + n; k++)
				if (!is_space(t.v[k]))
					cps_push(&out, t.v[k]);
			i = j + n;
		} else {
			cps_push(&out, t.v[i++]);
		}
	}
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

char *ocr_tidy_plates_apart(const char *text)
{
	struct cps t = decode(text), out = {0};
	for (size_t i = 0; i < t.n; i++) {
		cps_push(&out, t.v[i]);
		if (is_alnum(t.v[i]) && i + 1 < t.n && utf8_is_han(t.v[i + 1]) && t.v[i + 1] != 0x6302 /* 挂 */ &&
		    !is_gua_misread(t.v[i + 1]))
			cps_push(&out, ' ');
	}
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

/* ---- container numbers in the remarks ---- */

static bool is_speck(uint32_t c)
{
	return c == '.' || c == ',' || c == 0x00B7 /* · */ || c == '\'' || c == '`';
}

/* The end of box (owner letters, serial and check digit) read at t[i] with
 * spaces and at least one speck inside ("LDJU .4192074"), or 0. */
static size_t box_with_specks(const struct cps *t, size_t i, const struct cps *box)
{
	if ((i > 0 && is_alnum(t->v[i - 1])) || i + TIDY_BOX_OWNER > t->n ||
	    memcmp(t->v + i, box->v, TIDY_BOX_OWNER * sizeof *t->v))
		return 0;
	size_t j = i + TIDY_BOX_OWNER, k = TIDY_BOX_OWNER;
	bool speck = false;
	while (j < t->n && k < box->n) {
		if (t->v[j] == box->v[k]) {
			j++;
			k++;
		} else if (is_space(t->v[j]) || (k == TIDY_BOX_OWNER && is_speck(t->v[j]))) {
			speck = speck || !is_space(t->v[j]);
			j++;
		} else {
			return 0;
		}
	}
	return k == box->n && speck && (j == t->n || !is_alnum(t->v[j])) ? j : 0;
}

char *ocr_tidy_containers(const char *text, const json_t *boxes)
{
	struct cps t = decode(text), out = {0};
	for (size_t i = 0; i < t.n;) {
		size_t end = 0;
		for (size_t k = 0; k < json_array_size(boxes) && !end; k++) {
			struct cps b = decode(json_string_value(json_array_get(boxes, k)));
			if (b.n == TIDY_BOX_OWNER + TIDY_BOX_SERIAL && (end = box_with_specks(&t, i, &b)) != 0)
				cps_append(&out, b.v, b.n);
			free(b.v);
		}
		if (end)
			i = end;
		else
			cps_push(&out, t.v[i++]);
	}
	char *s = encode(&out);
	free(t.v);
	free(out.v);
	return s;
}

void ocr_tidy_region(json_t *region)
{
	const char *name = json_string_value(json_object_get(region, "name"));
	if (!name)
		return;
	struct cps t = decode(name);
	size_t a = 0, b = t.n, han = 0;
	/* "青岛(37029) 青岛": the name again after its code */
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i] == ')' || t.v[i] == 0xFF09) {
			size_t h = 0;
			for (size_t k = i + 1; k < t.n; k++)
				h += utf8_is_han(t.v[k]);
			if (h >= 2)
				a = i + 1;
		}
	/* "人 金华": a speck before the name (a region's name has no space) */
	for (size_t i = a; i < t.n; i++)
		if (is_space(t.v[i])) {
			size_t h = 0;
			for (size_t k = i + 1; k < t.n; k++)
				h += utf8_is_han(t.v[k]);
			if (h >= 2)
				a = i + 1;
		}
	for (size_t i = a; i < b; i++)
		han += utf8_is_han(t.v[i]);
	/* "西安We": Latin specks after a Chinese name */
	if (han >= 2)
		while (b > a && !utf8_is_han(t.v[b - 1]))
			b--;
	while (a < b && is_space(t.v[a]))
		a++;
	if (b > a && (a > 0 || b < t.n)) {
		struct cps out = {0};
		cps_append(&out, t.v + a, b - a);
		char *s = encode(&out);
		json_object_set_new(region, "name", json_string(s));
		free(s);
		free(out.v);
	}
	free(t.v);
}
