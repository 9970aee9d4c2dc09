/* Coded header fields of a scanned declaration snapped to the printed
 * tables (ocr_snap.h). Pure: no I/O, no global state. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/ocr_fix.h"
#include "recognize/ocr_places.h"
#include "recognize/ocr_snap.h"
#include "recognize/ocr_trim.h"
#include "validate/validate.h"

#define SNAP_MAX_CP 128		/* code points of a value looked at */
#define SNAP_CONF 0.8		/* confidence of a value the table chose */

struct entry {
	const char *name, *code;
};

/* 国别（地区）代码: the countries of this port's trade, and China */
static const struct entry countries[] = {
	{"哈萨克斯坦", "KAZ"}, {"吉尔吉斯斯坦", "KGZ"}, {"乌兹别克斯坦", "UZB"}, {"塔吉克斯坦", "TJK"},
	{"土库曼斯坦", "TKM"}, {"俄罗斯", "RUS"}, {"蒙古", "MNG"}, {"阿塞拜疆", "AZE"}, {"格鲁吉亚", "GEO"},
	{"亚美尼亚", "ARM"}, {"阿富汗", "AFG"}, {"巴基斯坦", "PAK"}, {"伊朗", "IRN"}, {"土耳其", "TUR"},
	{"白俄罗斯", "BLR"}, {"乌克兰", "UKR"}, {"伊拉克", "IRQ"}, {"叙利亚", "SYR"}, {"沙特阿拉伯", "SAU"},
	{"阿联酋", "ARE"}, {"中国", "CHN"}, {"德国", "DEU"}, {"波兰", "POL"},
};
/* 国内口岸 */
static const struct entry ports[] = {
	{"霍尔果斯", "650201"}, {"霍尔果斯公路口岸", "650201"},
};
/* 关区代码 */
static const struct entry customs[] = {
	{"霍尔果斯海关", "9402"},
};
/* 运输方式 */
static const struct entry transport_modes[] = {
	{"水路运输", "2"}, {"铁路运输", "3"}, {"公路运输", "4"}, {"航空运输", "5"}, {"邮件运输", "6"},
	{"其他运输", "9"},
};
/* 监管方式 */
static const struct entry supervision_modes[] = {
	{"一般贸易", "0110"}, {"易货贸易", "0130"}, {"市场采购", "1039"}, {"保税电商", "1210"},
	{"边境小额", "4019"}, {"电子商务", "9610"}, {"跨境电商B2B直接出口", "9710"}, {"跨境电商出口海外仓", "9810"},
	{"其他贸易", "9739"},
};
/* 征免性质 */
static const struct entry exemption_natures[] = {
	{"一般征税", "101"}, {"其他法定", "299"},
};
/* 成交方式 */
static const struct entry trade_terms[] = {
	{"CIF", "1"}, {"C&F", "2"}, {"FOB", "3"}, {"C&I", "4"}, {"市场价", "5"}, {"垫仓", "6"}, {"EXW", "7"},
};
/* 包装种类 */
static const struct entry package_kinds[] = {
	{"散装", "00"}, {"裸装", "01"}, {"球状罐类", "04"}, {"包/袋", "06"}, {"纸制或纤维板制盒/箱", "22"},
	{"木制或竹藤等植物性材料制盒/箱", "23"}, {"其他材料制盒/箱", "29"}, {"纸制或纤维板制桶", "32"},
	{"木制或竹藤等植物性材料制桶", "33"}, {"其他材料制桶", "39"}, {"再生木托", "92"}, {"天然木托", "93"},
	{"植物性铺垫材料", "98"}, {"其他包装", "99"},
};

struct table {
	const char *key, *code_key;
	const struct entry *e;
	size_t n;
	const char *code_suffix;	/* added to the entry's code (a port named by its country: KAZ000) */
};

#define TABLE(k, ck, t, sfx) {k, ck, t, sizeof t / sizeof t[0], sfx}
static const struct table tables[] = {
	TABLE("departure_port", "departure_port_code", ports, ""),
	TABLE("exit_customs", "exit_customs_code", customs, ""),
	TABLE("destination_country", "destination_country_code", countries, ""),
	TABLE("trade_country", "trade_country_code", countries, ""),
	TABLE("destination_port", "destination_port_code", countries, "000"),
	TABLE("transport_mode", "transport_mode_code", transport_modes, ""),
	TABLE("supervision_mode", "supervision_mode_code", supervision_modes, ""),
	TABLE("exemption_nature", "exemption_nature_code", exemption_natures, ""),
	TABLE("trade_terms", "trade_terms_code", trade_terms, ""),
	TABLE("package_kind", "package_kind_code", package_kinds, ""),
};

/* Up to max code points of s; stops at the first byte that is not UTF-8. */
static size_t utf8_decode(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		uint32_t cp;
		size_t used = utf8_get(s, &cp);
		if (cp == 0xFFFD && used == 1 && (unsigned char)*s >= 0x80)
			return n;
		out[n++] = cp;
		s += used;
	}
	return n;
}

/* Junk OCR leaves at the end of a value: spaces, strokes, stray punctuation. */
static bool is_trailing_junk(uint32_t cp)
{
	return cp == ' ' || cp == '-' || cp == '.' || cp == ',' || cp == '_' || cp == '|' || cp == '\'' ||
		cp == 0x3001 || cp == 0x3002 || cp == 0xFF0C || cp == 0x2014;
}

/* The fewest edits that turn some stretch of v[0, nv), of e's length give or
 * take one, into e[0, ne); ne when there is none. */
static int window_distance(const uint32_t *v, size_t nv, const uint32_t *e, size_t ne)
{
	int d = (int)ne;
	for (size_t len = ne ? ne - 1 : 0; len <= ne + 1 && len <= nv; len++)
		for (size_t at = 0; len && at + len <= nv; at++) {
			int dd = ocr_edit_distance(v + at, len, e, ne, SNAP_MAX_CP);
			d = dd < d ? dd : d;
		}
	return d;
}

/* The table entry the end of value reads as: the unique closest one within
 * a misread in four code points (none for names of one or two). */
/* Issue 13: the entry inside the value, a code or specks read before or
 * after it ("(6502011霍尔果斯公路了岸口岸."): of the entries within their
 * allowance somewhere in it, the one with the most characters read right,
 * then the fewest misread (俄罗斯 over 白俄罗斯 in "俄罗斯 (RUS)"). */
static int snap_inside(const uint32_t *v, size_t nv, const struct table *t, int *best_d, bool *tie)
{
	uint32_t e[SNAP_MAX_CP];
	int best = -1, best_right = 0;
	for (size_t k = 0; k < t->n; k++) {
		size_t ne = utf8_decode(t->e[k].name, e, SNAP_MAX_CP);
		int allow = ne >= 3 ? (ne / 4 > 1 ? (int)(ne / 4) : 1) : 0, d = window_distance(v, nv, e, ne);
		if (d > allow)
			continue;
		int right = (int)ne - d;
		if (right > best_right || (right == best_right && best >= 0 && d < *best_d)) {
			best = (int)k;
			best_right = right;
			*best_d = d;
			*tie = false;
		} else if (right == best_right && d == *best_d && strcmp(t->e[k].code, t->e[best].code) != 0) {
			*tie = true;
		}
	}
	return best;
}

/* Issue 13: quotes and stops OCR makes of specks inside a value ("哈萨 ”。”
 * 克斯坦"); no entry of the tables holds one. */
static bool is_inner_speck(uint32_t cp)
{
	return cp == '.' || cp == ',' || cp == '\'' || cp == '"' || cp == ':' || cp == ';' || cp == 0x201C ||
		cp == 0x201D || cp == 0x2018 || cp == 0x2019 || cp == 0x3002 || cp == 0xFF0C || cp == 0xFF1A ||
		cp == 0xFF1B || cp == 0x3001;
}

/* value's code points into v (SNAP_MAX_CP) without spaces and specks ("包 /
 * 袋", "霍尔果 斯公路 口岸": no entry has a space); returns how many. */
static size_t value_cps(const char *value, uint32_t *v)
{
	size_t nv = utf8_decode(value, v, SNAP_MAX_CP), kept = 0;
	for (size_t i = 0; i < nv; i++)
		if (v[i] != ' ' && !is_inner_speck(v[i]))
			v[kept++] = v[i];
	return kept;
}

static int snap(const char *value, const struct table *t, int *edits)
{
	uint32_t v[SNAP_MAX_CP], e[SNAP_MAX_CP];
	size_t nv = value_cps(value, v);
	while (nv && is_trailing_junk(v[nv - 1]))
		nv--;
	int best = -1, best_d = 1 << 20;
	bool tie = false;
	for (size_t k = 0; k < t->n; k++) {
		size_t ne = utf8_decode(t->e[k].name, e, SNAP_MAX_CP);
		int allow = ne >= 3 ? (ne / 4 > 1 ? (int)(ne / 4) : 1) : 0;
		int d = 1 << 20;
		for (size_t len = ne ? ne - 1 : 0; len <= ne + 1 && len <= nv; len++) {
			if (!len)
				continue;
			int dd = ocr_edit_distance(v + nv - len, len, e, ne, SNAP_MAX_CP);
			d = dd < d ? dd : d;
		}
		if (d > allow)
			continue;
		if (d < best_d) {
			best = (int)k;
			best_d = d;
			tie = false;
		} else if (d == best_d && strcmp(t->e[k].code, t->e[best].code) != 0) {
			tie = true;
		}
	}
	if (best < 0 && !tie)
		best = snap_inside(v, nv, t, &best_d, &tie);
	if (tie)
		return -1;
	*edits = best_d;
	return best;
}

static void set_conf(json_t *conf, const char *key, double c)
{
	json_t *old = json_object_get(conf, key);
	if (!json_is_number(old) || json_number_value(old) > c)
		json_object_set_new(conf, key, json_real(c));
}

#define PAIR_CODE_MIN 3		/* a code this long or longer, one character misread, still tells its entry ... */
#define PAIR_CODE_EDITS 1
#define CONF_PAIR 0.7		/* ... with half its name read: a value the pair chose */

static bool is_code_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* The first run of digits and capitals in s at least PAIR_CODE_MIN long
 * ("!2710,路境…" -> 2710), or "". */
static void code_chars(const char *s, char *out, size_t cap)
{
	out[0] = '\0';
	for (const char *c = s ? s : ""; *c; c++) {
		size_t n = 0;
		while (is_code_char(c[n]))
			n++;
		if (n >= PAIR_CODE_MIN && n < cap) {
			memcpy(out, c, n);
			out[n] = '\0';
			return;
		}
		c += n ? n - 1 : 0;
	}
}

/* v[0, n) kept to its ideographs; returns how many. */
static size_t han_only(uint32_t *v, size_t n)
{
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (utf8_is_han(v[i]))
			v[kept++] = v[i];
	return kept;
}

/* The ideographs of value (NULL: none) into v (SNAP_MAX_CP); returns how
 * many: spaces, specks, brackets, codes and digits of the next cell dropped. */
static size_t han_of_value(const char *value, uint32_t *v)
{
	return han_only(v, value ? utf8_decode(value, v, SNAP_MAX_CP) : 0);
}

/* The entry whose code the value's code reads as within PAIR_CODE_EDITS
 * (the same length) and whose name its ideographs read as within half its
 * characters: the unique one, or -1. */
static int snap_by_pair(const char *value, const char *code, const struct table *t)
{
	char read[SNAP_MAX_CP];
	code_chars(code && *code ? code : value, read, sizeof read);
	uint32_t v[SNAP_MAX_CP], e[SNAP_MAX_CP];
	size_t kept = han_of_value(value, v);
	int pick = -1;
	for (size_t k = 0; k < t->n && kept; k++) {
		const char *c = t->e[k].code;
		size_t len = strlen(c), differ = 0;
		for (size_t i = 0; i < len && strlen(read) == len; i++)
			differ += read[i] != c[i];
		size_t ne = han_only(e, utf8_decode(t->e[k].name, e, SNAP_MAX_CP));
		if (len < PAIR_CODE_MIN || strlen(read) != len || differ > PAIR_CODE_EDITS ||
		    ocr_edit_distance(v, kept, e, ne, SNAP_MAX_CP) > (int)(ne / 2))
			continue;
		if (pick >= 0)
			return -1;
		pick = (int)k;
	}
	return pick;
}

/* Issue 13: a long name (SNAP_LONG_MIN code points or more: 跨境电商B2B直接
 * 出口) read with up to half its characters wrong and no code to pair it
 * with ("淮培电击B28直按出口"): the entry of which some stretch of the value
 * reads the most characters right, within that many edits, every other
 * entry SNAP_LONG_MARGIN characters fewer right. Spaces and specks are
 * dropped first (value_cps). */
#define SNAP_LONG_MIN 8
#define SNAP_LONG_MARGIN 3
#define CONF_LONG 0.6	/* a value so chosen: unsure */

static int snap_long(const char *value, const struct table *t)
{
	uint32_t v[SNAP_MAX_CP], e[SNAP_MAX_CP];
	size_t nv = value_cps(value, v);
	int best = -1, best_right = 0, second = 0;
	for (size_t k = 0; k < t->n; k++) {
		size_t ne = utf8_decode(t->e[k].name, e, SNAP_MAX_CP);
		int d = window_distance(v, nv, e, ne);
		int right = (int)ne - d;
		if (right > best_right) {
			second = best_right;
			best_right = right;
			best = ne >= SNAP_LONG_MIN && d <= (int)(ne / 2) ? (int)k : -1;
		} else if (right > second) {
			second = right;
		}
	}
	return best >= 0 && best_right - second >= SNAP_LONG_MARGIN ? best : -1;
}

static void snap_table(json_t *out, json_t *conf, const struct table *t)
{
	const char *value = json_string_value(json_object_get(out, t->key));
	if (!value || !*value)
		return;
	int edits = 0;
	int k = snap(value, t, &edits);
	if (k < 0) {	/* issue 13: the code and the name, each half read, agreeing on one entry */
		k = snap_by_pair(value, json_string_value(json_object_get(out, t->code_key)), t);
		if (k >= 0) {
			set_conf(conf, t->key, CONF_PAIR);
			set_conf(conf, t->code_key, CONF_PAIR);
		}
	}
	if (k < 0 && (k = snap_long(value, t)) >= 0) {
		set_conf(conf, t->key, CONF_LONG);
		set_conf(conf, t->code_key, CONF_LONG);
	}
	if (k < 0)
		return;
	char code[64];
	size_t a = strlen(t->e[k].code), b = strlen(t->code_suffix);
	if (a + b >= sizeof code)
		return;
	memcpy(code, t->e[k].code, a);
	memcpy(code + a, t->code_suffix, b + 1);
	if (strcmp(value, t->e[k].name) != 0) {
		json_object_set_new(out, t->key, json_string(t->e[k].name));
		set_conf(conf, t->key, SNAP_CONF);
	}
	const char *old = json_string_value(json_object_get(out, t->code_key));
	if (!old || strcmp(old, code) != 0) {
		json_object_set_new(out, t->code_key, json_string(code));
		set_conf(conf, t->code_key, SNAP_CONF);
	}
}


/* The port's own name with its first character misread ("稚尔果斯",
 * "答尔果斯"): 霍尔果斯 is printed in most cells of a declaration. */
static void fix_horgos(json_t *holder, const char *key, json_t *conf, const char *path)
{
	const char *value = json_string_value(json_object_get(holder, key));
	if (!value)
		return;
	static const uint32_t tail[] = {0x5C14, 0x679C, 0x65AF};	/* 尔果斯 */
	size_t len = strlen(value);
	uint32_t *v = malloc((len + 1) * sizeof *v);
	char *out = malloc(len * 4 + 1);
	if (!v || !out)
		abort();
	size_t n = utf8_decode(value, v, len + 1);
	bool changed = false;
	for (size_t i = 0; i + 3 < n; i++)
		if (utf8_is_han(v[i]) && v[i] != 0x970D /* 霍 */ && !memcmp(v + i + 1, tail, sizeof tail)) {
			v[i] = 0x970D;
			changed = true;
		}
	if (changed) {
		size_t o = 0;
		for (size_t i = 0; i < n; i++)
			o += utf8_put(out + o, v[i]);
		out[o] = '\0';
		json_object_set_new(holder, key, json_string(out));
		set_conf(conf, path, SNAP_CONF);
	}
	free(v);
	free(out);
}

/* A colon or closing bracket: the end of a label's code, or of a label. */
static bool is_code_end(uint32_t cp)
{
	return cp == ':' || cp == ')' || cp == 0xFF1A || cp == 0xFF09 || cp == 0x3011;
}

/* What follows 公司 holds a colon or a digit: the next cell's label and
 * value ("出口日岸:9402; : 霍尔果斯海关"), never a branch's name. */
static bool holds_cell_mark(const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_code_end(v[i]) || (v[i] >= '0' && v[i] <= '9'))
			return true;
	return false;
}

/* Where a company's name ends when OCR ran on past it: after its first
 * 公司 when what follows (spaces skipped) is no ideograph - a quote, a
 * bracket, the code and value of the next cell ("有限公司 (9402):霍尔果斯
 * 海关") - while a branch's name ("有限公司霍尔果斯分公司") goes on;
 * issue 13: one or two ideographs after it are the next cell's end run on
 * ("有限责任公司关"), no branch, and so is what holds a colon or a digit.
 * n when nothing is cut. */
#define BRANCH_MIN_CPS 3	/* a branch's name after 公司: 分公司 at least */
static size_t company_end(const uint32_t *v, size_t n, size_t from)
{
	for (size_t i = from; i + 1 < n; i++) {
		if (v[i] != 0x516C || v[i + 1] != 0x53F8)	/* 公司 */
			continue;
		size_t k = i + 2;
		while (k < n && v[k] == ' ')
			k++;
		return (k < n && !utf8_is_han(v[k])) || n - k < BRANCH_MIN_CPS || holds_cell_mark(v + k, n - k) ? i + 2 : n;
	}
	return n;
}

/* Issue 13: where a name starts after what OCR left of its label's code in
 * front ("和 00000432wawPac5关 : 西安华欧…", "人 ! )石家庄…"): after the last
 * colon or closing bracket among the first NAME_PREFIX_MAX code points
 * that no 公司 stands before and a name of NAME_MIN_HAN ideographs or more
 * ending a company (公司) follows; 0 when none. */
#define NAME_PREFIX_MAX 32
#define NAME_MIN_HAN 6

static bool company_at(const uint32_t *v, size_t n, size_t i)
{
	return i + 1 < n && v[i] == 0x516C && v[i + 1] == 0x53F8;	/* 公司 */
}

static size_t after_code_leftover(const uint32_t *v, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n && i < NAME_PREFIX_MAX && !company_at(v, n, i); i++) {
		if (!is_code_end(v[i]))
			continue;
		size_t han = 0, k = i + 1;
		bool company = false;
		for (size_t j = k; j < n; j++) {
			han += utf8_is_han(v[j]);
			company |= company_at(v, n, j);
		}
		while (k < n && v[k] == ' ')
			k++;
		if (han >= NAME_MIN_HAN && company)
			start = k;
	}
	return start;
}

/* Issue 13: a letter or digit alone between two ideographs of a Chinese
 * name ("喀什新元0汽车贸易"): a speck OCR read, not part of the name. */
static bool lone_ascii(const uint32_t *v, size_t n, size_t i)
{
	return i > 0 && i + 1 < n && v[i] < 0x80 && v[i] > ' ' && utf8_is_han(v[i - 1]) && utf8_is_han(v[i + 1]);
}

/* A company's Chinese name: what OCR left of the label's bracketed code
 * before it ("〈 )", "“", ",") goes, and what it ran on into after it. */
static void set_name_conf(json_t *conf, const char *key)
{
	char path[64];
	size_t kl = strlen(key);
	if (kl + sizeof ".name" <= sizeof path) {
		memcpy(path, key, kl);
		memcpy(path + kl, ".name", sizeof ".name");
		set_conf(conf, path, SNAP_CONF);
	}
}

/* Its legal form and the place it starts with put right (ocr_places.h). */
static void repair_company(json_t *out, json_t *conf, const char *key)
{
	json_t *o = json_object_get(out, key);
	char fixed[SNAP_MAX_CP * 4 + 1];
	if (ocr_company_repair(json_string_value(json_object_get(o, "name")), fixed, sizeof fixed)) {
		json_object_set_new(o, "name", json_string(fixed));
		set_name_conf(conf, key);
	}
}

/* What OCR puts between two characters of a Chinese name: a space, a
 * full stop or comma (full-width or not), a curly quote. */
static bool is_name_speck(uint32_t cp)
{
	return cp == ' ' || cp == '.' || cp == ',' || cp == 0x3001 || cp == 0x3002 || cp == 0xFF0C || cp == 0x201C ||
		cp == 0x201D;
}

/* Issue 13: what OCR read in front of a name that starts with a place
 * ("3乌章木齐汇通…", "2-重庆丝路…", "和乌踢木齐…", "全50994TYEYKQRL霍尔
 * 果斯…": a speck, the label's code, a stroke of the border read as an
 * ideograph): where the name starts after it, when the name from start
 * starts with no place and, at most FRONT_MAX code points on, one follows a
 * front of at most one ideograph. A front of Latin letters (and digits)
 * alone may be the name's own ("1A合肥…", "TCL…"): kept. start when there
 * is none. */
#define FRONT_MAX 16
#define FRONT_MAX_HAN 1

static size_t after_front_before_place(const uint32_t *v, size_t n, size_t start)
{
	if (ocr_place_at_start(v + start, n - start))
		return start;
	size_t han = 0;
	bool latin = false;
	for (size_t k = start; k < n && k <= start + FRONT_MAX && !company_at(v, n, k); k++) {
		if (utf8_is_han(v[k]) && ocr_place_at_start(v + k, n - k))
			return latin && !han ? start : k;
		han += utf8_is_han(v[k]);
		latin |= v[k] < 0x80 && ((v[k] | 0x20) >= 'a' && (v[k] | 0x20) <= 'z');
		if (han > FRONT_MAX_HAN)
			break;
	}
	return start;
}

/* Where a company's name read by OCR starts: after what is left of the
 * label's code, or of specks, in front of it; 0 to keep its front. first is
 * its first ideograph. */
static size_t name_start(const uint32_t *v, size_t n, size_t first)
{
	size_t lead = after_code_leftover(v, n);	/* issue 13 */
	/* only brackets, quotes, punctuation and spaces; or what is left of the
	 * bracketed credit code ("9 XICKIX7P)", "1 IN AWTMSL"): a bracket or six
	 * letters and digits, no ideograph */
	size_t alnum = 0, bracket = 0, other = 0;
	for (size_t i = 0; i < first && lead <= first; i++) {
		if (v[i] < 0x80 && ((v[i] >= '0' && v[i] <= '9') || ((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z')))
			alnum++;
		else if (v[i] == '(' || v[i] == ')' || v[i] == 0xFF08 || v[i] == 0xFF09 || v[i] == 0x300A || v[i] == 0x3010 ||
			v[i] == ':' || v[i] == 0xFF1A)
			bracket++;	/* (a colon ends the label's code as a bracket does) */
		else if (v[i] >= 0x80 && !(v[i] >= 0x2000 && v[i] <= 0x303F) && !(v[i] >= 0xFF00 && v[i] <= 0xFF65))
			other++;
	}
	size_t start = lead > first ? lead : other || (alnum && !bracket && alnum < 6) ? 0 : first;
	return after_front_before_place(v, n, start);
}

/* No spaces, nor specks of punctuation ("有。”限公司"), nor a lone letter
 * or digit, between two ideographs from from on: a Chinese name has none.
 * The new length. */
static size_t squeeze_specks(uint32_t *v, size_t n, size_t from)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t next = i;
		while (next < n && is_name_speck(v[next]))
			next++;
		bool speck = is_name_speck(v[i]) && i >= from && k > 0 && utf8_is_han(v[k - 1]) && next < n && utf8_is_han(v[next]);
		if (!speck && !(i >= from && lone_ascii(v, n, i)))
			v[k++] = v[i];
	}
	return k;
}

/* Issue 13: marks OCR read after a name ("…有限责任公轴 :,": the cell's
 * border, a speck): no name ends with one. The new length. */
static size_t drop_trailing_marks(const uint32_t *v, size_t n, size_t from)
{
	while (n > from && (is_name_speck(v[n - 1]) || v[n - 1] == ':' || v[n - 1] == ';' || v[n - 1] == 0xFF1A ||
		v[n - 1] == 0xFF1B))
		n--;
	return n;
}

static void trim_company(json_t *out, json_t *conf, const char *key)
{
	json_t *o = json_object_get(out, key);
	const char *name = json_string_value(json_object_get(o, "name"));
	if (!name)
		return;
	uint32_t v[SNAP_MAX_CP];
	size_t n = utf8_decode(name, v, SNAP_MAX_CP), han = 0, first = n;
	if (n == SNAP_MAX_CP)
		return;	/* too long to be a company's name */
	for (size_t i = 0; i < n; i++)
		if (utf8_is_han(v[i])) {
			han++;
			if (first == n)
				first = i;
		}
	if (first == n || han < 4)
		return;
	size_t start = name_start(v, n, first), whole = n;
	/* the specks first: a 公司 read with one between ("公”司-") is found */
	n = drop_trailing_marks(v, company_end(v, squeeze_specks(v, n, start), start), start);
	if (start == 0 && n == whole)
		return;
	char text[SNAP_MAX_CP * 4 + 1];
	size_t len = 0;
	for (size_t i = start; i < n; i++)
		len += utf8_put(text + len, v[i]);
	text[len] = '\0';
	json_object_set_new(o, "name", json_string(text));
	set_name_conf(conf, key);
}

/* 币制 as the form prints it: the ISO 4217 codes this port's trade uses. */
static const char *const currencies[] = {"USD", "CNY", "EUR", "RUB", "KZT", "KGS", "UZS", "TJS", "JPY", "GBP", "HKD"};
#define CURRENCY_LEN 3

bool ocr_snap_currency_known(const char *code)
{
	for (size_t k = 0; code && k < sizeof currencies / sizeof currencies[0]; k++)
		if (strcmp(code, currencies[k]) == 0)
			return true;
	return false;
}

const char *ocr_snap_currency(const char *value)
{
	if (!value || strlen(value) != CURRENCY_LEN)
		return NULL;
	int found = -1, near = 0;
	for (size_t k = 0; k < sizeof currencies / sizeof currencies[0]; k++) {
		int differ = 0;
		for (size_t i = 0; i < CURRENCY_LEN; i++)
			differ += value[i] != currencies[k][i];
		if (differ == 0)
			return NULL;
		if (differ == 1) {
			found = (int)k;
			near++;
		}
	}
	return near == 1 ? currencies[found] : NULL;
}

static void snap_currency(json_t *out, json_t *conf)
{
	const char *code = ocr_snap_currency(json_string_value(json_object_get(out, "currency")));
	if (!code)
		return;
	json_object_set_new(out, "currency", json_string(code));
	set_conf(conf, "currency", SNAP_CONF);
}

/* Issue 13: an 18-digit declaration number's first four digits, its
 * customs' code (9402 Horgos), read one of them wrong ("040220…", "840220…",
 * "910220…", "946220…" for 940220…): the code that the exit customs' code
 * and the declaration's other number (预录入编号 and 海关编号 are numbered
 * by one customs) both read, when it differs from the number's in one
 * digit; below sure. One of them alone is no witness: the exit customs'
 * code read 1402 would have put 14 in front of two numbers read right
 * (eval6-scan 007, 200 dpi black and white). */
#define DISTRICT_DIGITS 4

/* Digits of a and b's first n that differ. */
static int digits_differ(const char *a, const char *b, size_t n)
{
	int d = 0;
	for (size_t i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

static void snap_declno_district(json_t *out, json_t *conf, const char *key, const char *other_key)
{
	const char *no = json_string_value(json_object_get(out, key));
	const char *exit_code = json_string_value(json_object_get(out, "exit_customs_code"));
	const char *other = json_string_value(json_object_get(out, other_key));
	if (!no || !declno_is_valid(no, strlen(no)) || !other || !declno_is_valid(other, strlen(other)) || !exit_code ||
	    strspn(exit_code, "0123456789") < DISTRICT_DIGITS || memcmp(exit_code, other, DISTRICT_DIGITS) != 0 ||
	    digits_differ(no, exit_code, DISTRICT_DIGITS) != 1)
		return;
	char fixed[DECLNO_LEN + 1];
	memcpy(fixed, no, sizeof fixed);
	memcpy(fixed, exit_code, DISTRICT_DIGITS);
	json_object_set_new(out, key, json_string(fixed));
	set_conf(conf, key, SNAP_CONF);
}

/* 计量单位 an item's quantity is printed in (the names of the customs unit
 * table that road exports use) */
static const char *const units[] = {
	"千克", "克", "吨", "公斤", "台", "件", "条", "辆", "张", "个", "套", "只", "双", "对", "把", "箱", "米",
	"千米", "平方米", "立方米", "升", "千升", "千瓦", "根", "块", "片", "卷", "包", "袋", "瓶", "桶", "盒",
	"支", "副", "组", "株", "头", "匹", "架", "艘", "份", "部", "枚", "颗", "粒", "千个", "千支", "千张",
};
#define UNIT_MAX_CP 8	/* code points of a unit as read that are looked at */
#define UNIT_TRIM_COST 2	/* a character read before or after the unit costs more than a misread one */

/* Misread characters between a and an entry of the same length (none for
 * a one-character entry: a misread there is a guess); -1 when they differ in
 * length or the entry is too short for a misread. */
static int unit_distance(const uint32_t *a, size_t na, const char *unit)
{
	uint32_t u[UNIT_MAX_CP];
	size_t nu = utf8_decode(unit, u, UNIT_MAX_CP);
	if (nu != na)
		return -1;
	int d = 0;
	for (size_t i = 0; i < na; i++)
		d += a[i] != u[i];
	return d == 0 || (d == 1 && nu >= 2) ? d : -1;
}

int ocr_snap_unit_known(const char *unit)
{
	for (size_t k = 0; unit && k < sizeof units / sizeof units[0]; k++)
		if (strcmp(unit, units[k]) == 0)
			return 1;
	return 0;
}

int ocr_snap_unit(const char *read, char *out, size_t cap)
{
	uint32_t v[SNAP_MAX_CP];
	size_t kept = han_of_value(read, v);	/* specks, spaces, a digit of the next column */
	if (kept == 0 || kept > UNIT_MAX_CP)
		return 0;
	int best = -1, best_cost = 1 << 20;
	bool tie = false;
	for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
		/* the whole, or without a character read before or after it */
		for (int cut = 0; cut < 3; cut++) {
			if (cut && kept < 2)
				break;
			int d = unit_distance(v + (cut == 1), cut ? kept - 1 : kept, units[k]);
			if (d < 0)
				continue;
			int cost = d + (cut ? UNIT_TRIM_COST : 0);
			if (cost < best_cost) {
				best = (int)k;
				best_cost = cost;
				tie = false;
			} else if (cost == best_cost && best != (int)k) {
				tie = true;
			}
		}
	}
	if (best < 0 || tie || strlen(units[best]) >= cap || strcmp(read, units[best]) == 0)
		return 0;
	memcpy(out, units[best], strlen(units[best]) + 1);
	return 1;
}

/* Issue 13: the departure port read past snapping at 150 dpi ("知人洒.果斯公路
 * 口入", "害尔昌斯公路上岸"): this port's table has one road port, so a value
 * holding 公路 and its 口岸 half read (口 after it, or 岸 a character on), after
 * a character of 霍尔果斯 (in the PORT_LOOK before it), is that port; so is
 * the name's second line alone ("公路口岸") where the cell wrapped it. */
#define PORT_LOOK 4
#define ROAD_PORT 1	/* ports[ROAD_PORT]: 霍尔果斯公路口岸 */
#define SHORT_PORT 0	/* ports[SHORT_PORT]: 霍尔果斯, the same code */
#define CP_GONG 0x516C	/* 公 */
#define CP_LU 0x8DEF	/* 路 */
#define CP_KOU 0x53E3	/* 口 */
#define CP_AN 0x5CB8	/* 岸 */
#define PORT_WORD_AT 2	/* 口 of 口岸 after 公路 */

static bool horgos_before(const uint32_t *v, size_t i)
{
	static const uint32_t horgos[] = {0x970D, 0x5C14, 0x679C, 0x65AF};	/* 霍尔果斯 */
	for (size_t k = i > PORT_LOOK ? i - PORT_LOOK : 0; k < i; k++)
		for (size_t h = 0; h < sizeof horgos / sizeof horgos[0]; h++)
			if (v[k] == horgos[h])
				return true;
	return false;
}

/* in_cell: text is the 离境口岸 cell's own value, where 公路 after a
 * character of 霍尔果斯 ("科东米斯公路呆央"), or after characters where the
 * name stands and before its 口岸 half ("替朱末期公路口胡"), is enough;
 * elsewhere in the header both must be read. */
static bool reads_road_port(const uint32_t *v, size_t n, bool in_cell)
{
	for (size_t i = 0; i + PORT_WORD_AT < n; i++) {
		if (v[i] != CP_GONG || v[i + 1] != CP_LU)
			continue;
		bool kou = v[i + PORT_WORD_AT] == CP_KOU, an = i + PORT_WORD_AT + 1 < n && v[i + PORT_WORD_AT + 1] == CP_AN;
		bool before = horgos_before(v, i);
		if ((kou || an) && (before || (i == 0 && kou && an)))
			return true;
		if (in_cell && (before || (i > 0 && (kou || an))))
			return true;
	}
	return false;
}

static bool reads_as_road_port(const char *text, bool in_cell)
{
	uint32_t v[SNAP_MAX_CP];
	size_t kept = han_of_value(text, v);	/* spaces and specks between the characters */
	return reads_road_port(v, kept, in_cell);
}

bool ocr_snap_road_port(const char *text)
{
	return reads_as_road_port(text, false);
}

/* The port's code read with the value ("650201): 堆尔由斯公路中嵌"): the code
 * of the one road port, at least half its name's characters read, and the
 * value nearer that name than the port's short name (the code is both's). */
static int han_distance(const uint32_t *v, size_t n, const char *name)
{
	uint32_t e[SNAP_MAX_CP];
	size_t ne = utf8_decode(name, e, SNAP_MAX_CP);
	return ocr_edit_distance(v, n, e, ne, SNAP_MAX_CP);
}

static bool road_port_by_code(const char *value, const char *code)
{
	const struct entry *road = &ports[ROAD_PORT], *short_name = &ports[SHORT_PORT];
	if (!value || !((code && strcmp(code, road->code) == 0) || strstr(value, road->code)))
		return false;
	uint32_t v[SNAP_MAX_CP];
	size_t kept = han_of_value(value, v);
	uint32_t e[SNAP_MAX_CP];
	int half = (int)(utf8_decode(road->name, e, SNAP_MAX_CP) / 2);
	int d = han_distance(v, kept, road->name);
	return kept && d <= half && d < han_distance(v, kept, short_name->name);
}

static void snap_road_port(json_t *out, json_t *conf)
{
	const char *value = json_string_value(json_object_get(out, "departure_port"));
	const char *code = json_string_value(json_object_get(out, "departure_port_code"));
	if (!reads_as_road_port(value, true) && !road_port_by_code(value, code))
		return;
	json_object_set_new(out, "departure_port", json_string(ports[ROAD_PORT].name));
	json_object_set_new(out, "departure_port_code", json_string(ports[ROAD_PORT].code));
	set_conf(conf, "departure_port", SNAP_CONF);
	set_conf(conf, "departure_port_code", SNAP_CONF);
}

/* ---- the destination told again (issue 13) ---- */

#define DEST_MIN_VOTES 2	/* copies that must agree on a destination read past snapping */
#define DEST_WHOLE_COPY_VOTES 2	/* ... one read whole (its name and code both the country's) counts for two */
#define CONF_DEST_BY_COPIES 0.6	/* a destination the declaration's other copies of it gave */
#define COUNTRY_CODE_LEN 3

static const struct table country_table = TABLE("destination_country", "destination_country_code", countries, "");

static bool is_capital(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* The country whose code stands in text as a word of three capitals
 * ("(KAZ)", "KGZ000"); -1 when none. */
static int country_by_code(const char *text)
{
	for (const char *c = text; *c; c++) {
		if (!is_capital(c[0]) || (c > text && is_capital(c[-1])))
			continue;
		size_t n = 0;
		while (is_capital(c[n]))
			n++;
		for (size_t k = 0; n == COUNTRY_CODE_LEN && k < sizeof countries / sizeof countries[0]; k++)
			if (memcmp(c, countries[k].code, COUNTRY_CODE_LEN) == 0)
				return (int)k;
	}
	return -1;
}

/* One copy's country: by its code, else by its name (snapped); *weight
 * gets DEST_WHOLE_COPY_VOTES when its code and its name, read exactly, both
 * name it (a copy read whole), 1 otherwise. */
static int country_vote(const char *code, const char *name, int *weight)
{
	int k = code ? country_by_code(code) : -1, edits;
	*weight = k >= 0 && name && strcmp(name, countries[k].name) == 0 ? DEST_WHOLE_COPY_VOTES : 1;
	if (k < 0 && name && *name)
		k = country_by_code(name);
	if (k < 0 && name && *name)
		k = snap(name, &country_table, &edits);
	return k;
}

/* The country the destination port and the items' final destinations
 * agree on: at least DEST_MIN_VOTES copies and none against; -1 else. */
static int destination_by_copies(const json_t *out)
{
	int pick = -1, votes = 0;
	json_t *items = json_object_get(out, "items");
	for (size_t i = 0; i <= json_array_size(items); i++) {
		const json_t *o = i ? json_array_get(items, i - 1) : out;
		int weight;
		int k = i ? country_vote(json_string_value(json_object_get(o, "dest_country_code")),
				    json_string_value(json_object_get(o, "dest_country")), &weight)
			  : country_vote(json_string_value(json_object_get(o, "destination_port_code")),
				    json_string_value(json_object_get(o, "destination_port")), &weight);
		if (k < 0)
			continue;
		if (pick >= 0 && k != pick)
			return -1;
		pick = k;
		votes += weight;
	}
	return votes >= DEST_MIN_VOTES ? pick : -1;
}

/* Issue 13: every copy of the destination read past snapping ("啥昔克斯坦",
 * as near 塔吉克斯坦 as 哈萨克斯坦; "哈茹克斯地{KA7X)"): the country the
 * copies together read most like. A copy reads like a name by the share of
 * the name's characters it holds in the name's order (junk of other cells
 * around them or between them costs nothing). The country with the most
 * wins when DEST_LIKE_COPIES copies or more hold DEST_LIKE_SHARE of it and
 * the next country has DEST_LIKE_MARGIN less. */
#define DEST_LIKE_COPIES 2
#define DEST_LIKE_SHARE 0.6	/* of a name's characters a copy holds, to count as reading it */
#define DEST_LIKE_MARGIN 0.3	/* names' worth of characters the winner holds more than the next */
#define DEST_MAX_COPIES 64	/* copies looked at: the cell, the 指运港 and the items' */

/* The longest run of e[0, ne) that v[0, n) holds in order, gaps allowed. */
static int common_in_order(const uint32_t *v, size_t n, const uint32_t *e, size_t ne)
{
	int row[SNAP_MAX_CP + 1] = {0};
	for (size_t j = 1; j <= ne; j++) {
		int diag = 0;
		for (size_t i = 1; i <= n; i++) {
			int up = row[i];
			row[i] = v[i - 1] == e[j - 1] ? diag + 1 : up > row[i - 1] ? up : row[i - 1];
			diag = up;
		}
	}
	return row[n];
}

static int destination_by_likeness(const json_t *out)
{
	enum { N_COUNTRIES = sizeof countries / sizeof countries[0] };
	double sum[N_COUNTRIES] = {0};
	int near[N_COUNTRIES] = {0};
	const json_t *items = json_object_get(out, "items");
	size_t copies = json_array_size(items) + 2;
	for (size_t c = 0; c < copies && c < DEST_MAX_COPIES; c++) {
		const char *value = c == 0 ? json_string_value(json_object_get(out, "destination_country"))
			: c == 1 ? json_string_value(json_object_get(out, "destination_port"))
			: json_string_value(json_object_get(json_array_get(items, c - 2), "dest_country"));
		uint32_t v[SNAP_MAX_CP], e[SNAP_MAX_CP];
		size_t n = han_of_value(value, v);
		for (size_t k = 0; n && k < N_COUNTRIES; k++) {
			size_t ne = utf8_decode(countries[k].name, e, SNAP_MAX_CP);
			double share = (double)common_in_order(v, n, e, ne) / (double)ne;
			sum[k] += share;
			near[k] += share >= DEST_LIKE_SHARE;
		}
	}
	int best = 0, second = -1;
	for (int k = 1; k < N_COUNTRIES; k++) {
		if (sum[k] > sum[best]) {
			second = best;
			best = k;
		} else if (second < 0 || sum[k] > sum[second]) {
			second = k;
		}
	}
	return near[best] >= DEST_LIKE_COPIES && sum[best] - sum[second] >= DEST_LIKE_MARGIN ? best : -1;
}

/* Issue 13: 运抵国 read past snapping (null, "吉尔吉af 成交方式…"): the
 * declaration states the destination again in the 指运港 cell and in every
 * item's 最终目的国; the country those copies agree on, else the one they
 * read most like (destination_by_likeness), not sure. */
static void destination_by_other_copies(json_t *out, json_t *conf)
{
	const char *value = json_string_value(json_object_get(out, "destination_country"));
	for (size_t k = 0; value && k < sizeof countries / sizeof countries[0]; k++)
		if (strcmp(value, countries[k].name) == 0)
			return;
	int k = destination_by_copies(out);
	if (k < 0)
		k = destination_by_likeness(out);
	if (k < 0)
		return;
	json_object_set_new(out, "destination_country", json_string(countries[k].name));
	json_object_set_new(out, "destination_country_code", json_string(countries[k].code));
	set_conf(conf, "destination_country", CONF_DEST_BY_COPIES);
	set_conf(conf, "destination_country_code", CONF_DEST_BY_COPIES);
}

/* Issue 13: the attached documents' types (随附单证) declarations print
 * most, those of the shared fixtures; the electronic agency agreement first,
 * which nearly every declaration a broker files carries. On a scan OCR puts
 * spaces inside a type ("代理报关委托 协议"), so its rest is taken for the
 * entry's number, and misreads a character or two of it. */
static const char *const attached_types[] = {
	"代理报关委托协议（电子）", "出口许可证", "企业提供的其他", "装箱单", "合同", "发票", "原产地证书", "核放清单",
};
#define ATTACHED_MAX_CPS 96	/* code points of one entry compared */
#define ATTACHED_EDIT_SHARE 3	/* a type read with one misread in this many code points at most */
#define CONF_ATTACHED 0.7	/* an entry snapped to its type */

/* Full-width brackets as OCR reads them: ASCII ones. */
static uint32_t plain_bracket(uint32_t cp)
{
	return cp == 0xFF08 ? '(' : cp == 0xFF09 ? ')' : cp;
}

static bool is_word_cp(uint32_t cp)
{
	return utf8_is_han(cp) || utf8_is_ascii_alnum(cp);
}

/* s's code points without spaces (brackets plain) appended to cps[*n, max);
 * leading marks (a colon, a speck) skipped while *n is 0. */
static void append_cps(const char *s, uint32_t *cps, size_t *n, size_t max)
{
	while (s && *s && *n < max) {
		uint32_t cp;
		s += utf8_get(s, &cp);
		if (cp != ' ' && (*n > 0 || is_word_cp(cp)))
			cps[(*n)++] = plain_bracket(cp);
	}
}

/* The type of the table an entry's text starts with, the unique closest;
 * *used gets the code points it takes. -1 when none. */
static int attached_type_at(const uint32_t *text, size_t nt, size_t *used)
{
	int pick = -1, best = ATTACHED_MAX_CPS;
	bool tie = false;
	for (size_t k = 0; k < sizeof attached_types / sizeof attached_types[0]; k++) {
		uint32_t label[ATTACHED_MAX_CPS];
		size_t nl = 0, u = 0;
		append_cps(attached_types[k], label, &nl, ATTACHED_MAX_CPS);
		int budget = (int)(nl / ATTACHED_EDIT_SHARE);
		int d = ocr_label_prefix(text, nt, label, nl, budget, &u);
		if (d > budget || u == 0)
			continue;
		if (d < best) {
			best = d;
			pick = (int)k;
			*used = u;
			tie = false;
		} else if (d == best) {
			tie = true;
		}
	}
	return tie ? -1 : pick;
}

/* The rest of an entry after its type: its number (a licence's, a
 * certificate's: letters and digits), from its first letter or digit; null
 * when it holds none. A misread last character of the type may be left
 * before it ("出口许可让" matches 出口许可 as closely as the whole). */
static json_t *attached_number(const uint32_t *rest, size_t n)
{
	size_t from = 0;
	while (from < n && !utf8_is_ascii_alnum(rest[from]))
		from++;
	char buf[ATTACHED_MAX_CPS * 4 + 1];
	size_t o = 0;
	for (size_t i = from; i < n; i++)
		o += utf8_put(buf + o, rest[i]);
	buf[o] = '\0';
	return from < n ? json_string(buf) : json_null();
}

/* Issue 13: an entry's own number key misread ("随只单认1 :", "戎附单证1:"):
 * where the entry's text starts with what reads as 随附单证 (ATTACHED_KEY_EDITS
 * misreads at most), a number and a colon, the code points they take; 0
 * when it does not. */
#define ATTACHED_KEY "随附单证"
#define ATTACHED_KEY_EDITS 2

static size_t entry_key_len(const uint32_t *text, size_t nt)
{
	uint32_t key[ATTACHED_MAX_CPS];
	size_t nk = 0, at = 0;
	append_cps(ATTACHED_KEY, key, &nk, ATTACHED_MAX_CPS);
	while (at < nt && at <= nk && !(text[at] >= '0' && text[at] <= '9'))
		at++;
	size_t colon = at;
	while (colon < nt && text[colon] >= '0' && text[colon] <= '9')
		colon++;
	if (at == colon || colon == nt || (text[colon] != ':' && text[colon] != 0xFF1A))
		return 0;
	return ocr_edit_distance(text, at, key, nk, ATTACHED_KEY_EDITS) <= ATTACHED_KEY_EDITS ? colon + 1 : 0;
}

/* Issue 13: an entry that is a speck or the tail of the cell's label
 * (及编号) with no number: none. */
static bool junk_entry(json_t *e)
{
	const char *type = json_string_value(json_object_get(e, "type"));
	if (!json_is_null(json_object_get(e, "number")) || !type)
		return false;
	uint32_t text[ATTACHED_MAX_CPS];
	size_t nt = 0;
	append_cps(type, text, &nt, ATTACHED_MAX_CPS);
	return nt == 0 || strstr("及编号", type) != NULL;
}

static void snap_attached_docs(json_t *out, json_t *conf)
{
	json_t *docs = json_object_get(out, "attached_docs"), *e;
	for (size_t i = json_array_size(docs); i-- > 0;)
		if (junk_entry(json_array_get(docs, i))) {
			json_array_remove(docs, i);
			set_conf(conf, "attached_docs", CONF_ATTACHED);
		}
	size_t i;
	json_array_foreach(docs, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		uint32_t whole[ATTACHED_MAX_CPS];
		size_t nw = 0, used = 0;
		append_cps(type, whole, &nw, ATTACHED_MAX_CPS);
		append_cps(json_string_value(json_object_get(e, "number")), whole, &nw, ATTACHED_MAX_CPS);
		size_t skip = entry_key_len(whole, nw);
		const uint32_t *text = whole + skip;
		size_t nt = nw - skip;
		int k = attached_type_at(text, nt, &used);
		if (k < 0 || (type && strcmp(type, attached_types[k]) == 0))
			continue;
		json_object_set_new(e, "type", json_string(attached_types[k]));
		json_object_set_new(e, "number", attached_number(text + used, nt - used));
		char path[64];
		snprintf(path, sizeof path, "attached_docs.%zu", i);
		set_conf(conf, path, CONF_ATTACHED);
		set_conf(conf, "attached_docs", CONF_ATTACHED);
	}
}

/* Issue 13: free-text values with OCR's specks at their ends (ocr_trim.h). */
#define CONF_TRIMMED 0.8	/* a value trimmed */
#define CONF_NOTHING 0.3	/* a code that held no letter or digit, a yes-or-no neither: nothing read */

static void trim_free_text(json_t *out, json_t *conf)
{
	static const struct { const char *key; enum ocr_trim_kind kind; } fields[] = {
		{"contract_no", OCR_TRIM_CODE}, {"license_no", OCR_TRIM_CODE}, {"bill_no", OCR_TRIM_CODE},
		{"record_no", OCR_TRIM_CODE}, {"declarant_person", OCR_TRIM_PERSON},
		{"overseas_consignee", OCR_TRIM_FIRM}, {"self_assessment", OCR_TRIM_YES_NO},
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		char *v = ocr_trim_value(json_string_value(json_object_get(out, fields[i].key)), fields[i].kind);
		if (!v)
			continue;
		json_object_set_new(out, fields[i].key, v[0] ? json_string(v) : json_null());
		set_conf(conf, fields[i].key, v[0] ? CONF_TRIMMED : CONF_NOTHING);
		free(v);
	}
}

void ocr_snap_fields(json_t *out, json_t *conf)
{
	if (!json_is_object(out) || !json_is_object(conf))
		return;
	static const char *const places[] = {"exit_customs", "departure_port", "remarks"};
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
		fix_horgos(out, places[i], conf, places[i]);
	static const char *const firms[] = {"domestic_shipper", "producer", "declaring_agent"};
	for (size_t i = 0; i < sizeof firms / sizeof firms[0]; i++) {
		char path[64];
		snprintf(path, sizeof path, "%s.name", firms[i]);
		fix_horgos(json_object_get(out, firms[i]), "name", conf, path);
	}
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		snap_table(out, conf, &tables[i]);
	snap_road_port(out, conf);
	destination_by_other_copies(out, conf);
	snap_currency(out, conf);
	snap_declno_district(out, conf, "declaration_no", "pre_entry_no");
	snap_declno_district(out, conf, "pre_entry_no", "declaration_no");
	trim_company(out, conf, "domestic_shipper");
	trim_company(out, conf, "overseas_consignee");
	trim_company(out, conf, "producer");
	trim_company(out, conf, "declaring_agent");
	repair_company(out, conf, "domestic_shipper");
	repair_company(out, conf, "producer");
	repair_company(out, conf, "declaring_agent");
	snap_attached_docs(out, conf);
	trim_free_text(out, conf);
}


char *ocr_snap_join_codes(const char *text)
{
	size_t len = text ? strlen(text) : 0;
	char *out = malloc(len + 1);
	if (!out)
		abort();
	const unsigned char *u = (const unsigned char *)text;
	size_t o = 0, i = 0;
	uint32_t prev = 0;
	while (i < len) {
		uint32_t cp = 0;
		size_t step = u[i] < 0x80 ? 1 : u[i] < 0xE0 ? 2 : u[i] < 0xF0 ? 3 : 4;
		if (step > len - i || utf8_decode((const char *)u + i, &cp, 1) != 1) {
			out[o++] = (char)u[i++];	/* not UTF-8: kept as it is */
			prev = 0;
			continue;
		}
		if (cp == ' ' && (utf8_is_ascii_alnum(prev) || plate_is_province(prev))) {
			size_t j = i;
			while (j < len && u[j] == ' ')
				j++;
			uint32_t next = 0;
			if (j < len)
				utf8_decode((const char *)u + j, &next, 1);
			if (utf8_is_ascii_alnum(next) || next == 0x6302 /* 挂 */) {
				i = j;
				continue;
			}
		}
		o += utf8_put(out + o, cp);
		prev = cp;
		i += step;
	}
	out[o] = '\0';
	return out;
}
