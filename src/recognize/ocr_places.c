/* 境内货源地 names snapped to the places of their province (ocr_places.h). */
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/ocr_fix.h"
#include "recognize/ocr_places.h"

#define PLACE_MAX_CP 16		/* ideographs of a name looked at */
#define PLACE_EXTRA_MAX 3	/* ideographs read between a place's own (another cell's) */
#define PROVINCE_DIGITS 2
#define COMPANY_MAX_CP 64	/* a company's name: at most this many code points looked at */
#define PLACE_PREFIX_MIN 3	/* places this long at least are matched at a name's start */
#define PLACE_PREFIX_LONG 4	/* and this long or longer with two misreads */
#define PLACE_PREFIX_EXACT 2	/* places this long at least found at a name's start as printed */

/* GB/T 2260 provinces and their prefecture-level places (with the
 * county-level cities this port's trade names often: 义乌, 霍尔果斯, ...). */
static const struct province {
	const char *code;
	const char *places;	/* space-separated */
} provinces[] = {
	{"11", "北京"}, {"12", "天津"},
	{"13", "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水"},
	{"14", "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁"},
	{"15", "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善 二连浩特 满洲里"},
	{"21", "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛"},
	{"22", "长春 吉林 四平 辽源 通化 白山 松原 白城 延边"},
	{"23", "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭"},
	{"31", "上海"},
	{"32", "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 江阴 张家港"},
	{"33", "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌"},
	{"34", "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城"},
	{"35", "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德"},
	{"36", "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶"},
	{"37", "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽"},
	{"41", "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源"},
	{"42", "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门"},
	{"43", "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西"},
	{"44", "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮"},
	{"45", "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左 凭祥"},
	{"46", "海口 三亚 三沙 儋州"},
	{"50", "重庆"},
	{"51", "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山"},
	{"52", "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南"},
	{"53", "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆 瑞丽"},
	{"54", "拉萨 日喀则 昌都 林芝 山南 那曲 阿里"},
	{"61", "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 杨凌"},
	{"62", "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南"},
	{"63", "西宁 海东 海北 黄南 海南 果洛 玉树 海西 格尔木"},
	{"64", "银川 石嘴山 吴忠 固原 中卫"},
	{"65", "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 "
		"石河子 霍尔果斯 阿拉山口 奎屯 博乐 库尔勒 五家渠 北屯"},
};

/* The ideographs of s (at most max). */
static size_t han_of(const char *s, size_t len, uint32_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < max;) {
		uint32_t cp;
		i += utf8_get(s + i, &cp);
		if (utf8_is_han(cp))
			out[n++] = cp;
	}
	return n;
}

/* a[0, na) holds b[0, nb) in order (b a subsequence of a). */
static bool holds_in_order(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t k = 0;
	for (size_t i = 0; i < na && k < nb; i++)
		k += a[i] == b[k];
	return k == nb;
}

/* How well read[0, nr) reads as place p[0, np): 0 exactly, 1 holding it or
 * held by it, 2 within its edits; -1 not at all. */
static int reads_as(const uint32_t *rd, size_t nr, const uint32_t *p, size_t np)
{
	if (nr == np && memcmp(rd, p, nr * sizeof *rd) == 0)
		return 0;
	if ((nr <= np + PLACE_EXTRA_MAX && holds_in_order(rd, nr, p, np)) || holds_in_order(p, np, rd, nr))
		return 1;
	int d = ocr_edit_distance(rd, nr, p, np, (int)np);
	return d <= (int)np / 2 ? 2 : -1;
}

/* A name that is more than a place ("石家庄其他", "无极县"): left as read. */
static bool finer_than_place(const char *name)
{
	static const char *const marks[] = {"其他", "市", "县", "区", "旗"};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strstr(name, marks[i]))
			return true;
	return false;
}

static const struct province *province_of(const char *province)
{
	for (size_t i = 0; province && strlen(province) >= PROVINCE_DIGITS && i < sizeof provinces / sizeof provinces[0];
	     i++)
		if (memcmp(provinces[i].code, province, PROVINCE_DIGITS) == 0)
			return &provinces[i];
	return NULL;
}

bool ocr_place_is(const char *name, const char *province)
{
	const struct province *pv = province_of(province);
	size_t n = name ? strlen(name) : 0;
	for (const char *p = pv ? pv->places : ""; n && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			return true;
		p += len + (e ? 1 : 0);
	}
	return false;
}

/* The best reading among the places of pv (of every province when NULL)
 * whose names have min_cp ideographs or more, read no worse than max_how
 * (reads_as): the one place that reads so, into *pick and *pick_len. */
struct place_pick {
	const char *pick;
	size_t pick_len;
	int best, count;
};

static void pick_in(const uint32_t *rd, size_t nr, const char *places, int max_how, size_t min_cp, struct place_pick *pp)
{
	for (const char *p = places; *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		uint32_t pc[PLACE_MAX_CP];
		size_t np = han_of(p, len, pc, PLACE_MAX_CP);
		int how = np >= min_cp ? reads_as(rd, nr, pc, np) : -1;
		if (how >= 0 && how <= max_how && (pp->best < 0 || how < pp->best)) {
			pp->best = how, pp->count = 1, pp->pick = p, pp->pick_len = len;
		} else if (how >= 0 && how == pp->best) {
			pp->count++;
		}
		p += len + (e ? 1 : 0);
	}
}

static bool snap_to(const char *name, const struct province *pv, int max_how, size_t min_cp,
	char out[OCR_PLACE_MAX_BYTES])
{
	uint32_t rd[PLACE_MAX_CP];
	size_t nr = han_of(name, strlen(name), rd, PLACE_MAX_CP);
	if (nr < min_cp)
		return false;
	struct place_pick pp = {NULL, 0, -1, 0};
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		if (!pv || pv == &provinces[i])
			pick_in(rd, nr, provinces[i].places, max_how, min_cp, &pp);
	if (pp.count != 1 || pp.pick_len >= OCR_PLACE_MAX_BYTES ||
	    (strlen(name) == pp.pick_len && memcmp(name, pp.pick, pp.pick_len) == 0))
		return false;
	memcpy(out, pp.pick, pp.pick_len);
	out[pp.pick_len] = '\0';
	return true;
}

#define PLACE_HOW_ANY 2	/* reads_as: any reading */
#define PLACE_HOW_HOLDS 1	/* ... holding the place or held by it, no edits */
#define PLACE_ANYWHERE_MIN 3	/* ideographs of a place and of its reading snapped with no province known */

bool ocr_place_snap(const char *name, const char *province, char out[OCR_PLACE_MAX_BYTES])
{
	if (!name || finer_than_place(name))
		return false;
	const struct province *pv = province_of(province);
	if (pv)
		return snap_to(name, pv, PLACE_HOW_ANY, 1, out);
	return snap_to(name, NULL, PLACE_HOW_HOLDS, PLACE_ANYWHERE_MIN, out);
}

/* ---- companies ---- */

static const char *const legal_forms[] = {"股份有限公司", "有限责任公司", "有限公司"};

static size_t decode_all(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; s[i] && n < max;) {
		uint32_t cp;
		i += utf8_get(s + i, &cp);
		out[n++] = cp;
	}
	return n;
}

/* The legal form at the end of v[0, *n) with one misread put right: a
 * character misread, read twice ("股份有有限公司") or lost ("有限责任公").
 * The longer forms are tried first: "股份有有限公司" ends in 有限公司. */
static bool repair_form(uint32_t *v, size_t *n)
{
	static const int lengths[] = {0, 1, -1};	/* the tail compared: the form's length, one more, one less */
	for (size_t f = 0; f < sizeof legal_forms / sizeof legal_forms[0]; f++) {
		uint32_t form[PLACE_MAX_CP];
		size_t nf = decode_all(legal_forms[f], form, PLACE_MAX_CP);
		if (nf < *n && ocr_edit_distance(v + *n - nf, nf, form, nf, 0) == 0)
			return false;	/* as printed */
		for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
			size_t tail = (size_t)((int)nf + lengths[k]);
			if (tail >= *n || ocr_edit_distance(v + *n - tail, tail, form, nf, 1) != 1)
				continue;
			memcpy(v + *n - tail, form, nf * sizeof form[0]);
			*n = *n - tail + nf;
			return true;
		}
	}
	return false;
}

/* The lines of business a company's name puts before its legal form. Only
 * those of three characters or more are put right when misread (实业 or 商贸
 * are too close to a name's own words to be told from them by all but one
 * character). */
static const struct trade {
	const char *word;
	bool misread_ok;	/* found when misread by one character (repair_trade) */
} trades[] = {
	{"国际贸易", true}, {"边境贸易", true}, {"汽车贸易", true}, {"进出口", true}, {"供应链", true},
	{"国际物流", true}, {"电子商务", true}, {"实业", false}, {"商贸", false},
};

/* The length of the legal form v[0, n) ends with, as printed; 0 when none. */
static size_t form_at_end(const uint32_t *v, size_t n)
{
	for (size_t f = 0; f < sizeof legal_forms / sizeof legal_forms[0]; f++) {
		uint32_t form[PLACE_MAX_CP];
		size_t nf = decode_all(legal_forms[f], form, PLACE_MAX_CP);
		if (nf < n && ocr_edit_distance(v + n - nf, nf, form, nf, 0) == 0)
			return nf;
	}
	return 0;
}

/* Issue 13: the line of business right before the legal form misread by one
 * character ("国味贸易", "进出吕"): the one word of trades that close.
 * Returns whether it was put right. */
static bool repair_trade(uint32_t *v, size_t n)
{
	size_t nf = form_at_end(v, n);
	uint32_t pick[PLACE_MAX_CP];
	size_t np = 0;
	int found = 0;
	for (size_t t = 0; nf && t < sizeof trades / sizeof trades[0]; t++) {
		uint32_t w[PLACE_MAX_CP];
		size_t nw = decode_all(trades[t].word, w, PLACE_MAX_CP);
		if (!trades[t].misread_ok || nw + nf >= n)
			continue;	/* a name before it too */
		int d = ocr_edit_distance(v + n - nf - nw, nw, w, nw, 1);
		if (d == 0)
			return false;	/* as printed */
		if (d == 1) {
			found++;
			memcpy(pick, w, nw * sizeof *w);
			np = nw;
		}
	}
	if (found != 1)
		return false;
	memcpy(v + n - nf - np, pick, np * sizeof *pick);
	return true;
}

/* The place's last character, v[np - 1], read twice ("霍尔果斯斯丝路"):
 * once. Returns whether it was. */
static bool undouble(uint32_t *v, size_t *n, size_t np)
{
	if (np >= *n || v[np] != v[np - 1])
		return false;
	memmove(v + np, v + np + 1, (*n - np - 1) * sizeof *v);
	(*n)--;
	return true;
}

/* The place v[0, *n) starts with, into pick (*np its length): as printed
 * (exact_min characters or more), or misread by one character (by two when
 * PLACE_PREFIX_LONG long), PLACE_PREFIX_MIN characters or more, the one
 * place that close. The misreads counted; -1 when none or a tie. */
static int place_at_start(const uint32_t *v, size_t n, size_t exact_min, uint32_t *pick, size_t *np_pick)
{
	int best = PLACE_MAX_CP, count = 0;
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		for (const char *p = provinces[i].places; *p;) {
			const char *e = strchr(p, ' ');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			uint32_t pc[PLACE_MAX_CP];
			size_t np = han_of(p, len, pc, PLACE_MAX_CP);
			p += len + (e ? 1 : 0);
			if (np < exact_min || np + 1 >= n)
				continue;
			int d = ocr_edit_distance(v, np, pc, np, 2);
			if (d > 0 && (np < PLACE_PREFIX_MIN || d > (np >= PLACE_PREFIX_LONG ? 2 : 1)))
				continue;
			if (d > best || (d == best && d == 0 && np <= *np_pick))
				continue;	/* as printed: the longest place */
			count = d < best || d == 0 ? 1 : count + 1;
			best = d;
			memcpy(pick, pc, np * sizeof *pc);
			*np_pick = np;
		}
	return count == 1 ? best : -1;
}

/* The place at the start of v[0, *n) with its misreads put right. */
static bool repair_place(uint32_t *v, size_t *n)
{
	uint32_t pick[PLACE_MAX_CP];
	size_t np = 0;
	int d = place_at_start(v, *n, PLACE_PREFIX_MIN, pick, &np);
	if (d < 0)
		return false;
	memcpy(v, pick, np * sizeof *pick);
	return undouble(v, n, np) || d > 0;
}

/* Words of company names with a character chi_sim cannot read: its
 * unicharset lacks it (骋: of the 3,755 characters of GB 2312's first level,
 * 330 are not in it), so OCR reads another in its place. The character
 * after the word's first is taken for the lost one, unless it is one the
 * first also goes with, or the first ends another word ("奔驰"). */
static const struct unreadable_word {
	uint32_t first, lost;	/* the word: first, then the character chi_sim lacks */
	uint32_t other_before;	/* the first character ending another word after this one */
	uint32_t other_after;	/* ... or beginning another word before this one */
} unreadable_words[] = {
	{0x9A70 /* 驰 */, 0x9A8B /* 骋 */, 0x5954 /* 奔: 奔驰 */, 0x540D /* 名: 驰名 */},
};

/* v[from, n) is a line of business, as printed, then the legal form. */
static bool trade_then_form(const uint32_t *v, size_t from, size_t n)
{
	size_t nf = form_at_end(v, n);
	for (size_t t = 0; nf && t < sizeof trades / sizeof trades[0]; t++) {
		uint32_t w[PLACE_MAX_CP];
		size_t nw = decode_all(trades[t].word, w, PLACE_MAX_CP);
		if (from + nw + nf == n && memcmp(v + from, w, nw * sizeof *w) == 0)
			return true;
	}
	return false;
}

/* The lost characters of v[0, *n) (cap code points) put back: read as
 * another ("驰聘") or, where the line of business and the legal form follow
 * the word's first at once ("驰实业有限公司"), dropped. Returns whether one
 * was. */
static bool repair_unreadable(uint32_t *v, size_t *n, size_t cap)
{
	bool changed = false;
	for (size_t w = 0; w < sizeof unreadable_words / sizeof unreadable_words[0]; w++) {
		const struct unreadable_word *u = &unreadable_words[w];
		for (size_t i = 0; i + 1 < *n; i++) {
			if (v[i] != u->first || (i > 0 && v[i - 1] == u->other_before) || v[i + 1] == u->lost ||
				v[i + 1] == u->other_after)
				continue;
			if (trade_then_form(v, i + 1, *n)) {
				if (*n == cap)
					continue;
				memmove(v + i + 2, v + i + 1, (*n - i - 1) * sizeof *v);
				(*n)++;
			}
			v[i + 1] = u->lost;
			changed = true;
		}
	}
	return changed;
}

size_t ocr_place_at_start(const uint32_t *v, size_t n)
{
	uint32_t pick[PLACE_MAX_CP];
	size_t np = 0;
	return place_at_start(v, n, PLACE_PREFIX_EXACT, pick, &np) >= 0 ? np : 0;
}

bool ocr_company_repair(const char *name, char *out, size_t cap)
{
	uint32_t v[COMPANY_MAX_CP];
	size_t n = name ? decode_all(name, v, COMPANY_MAX_CP) : 0;
	if (!n || n == COMPANY_MAX_CP)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!utf8_is_han(v[i]))
			return false;	/* a Chinese name, read whole */
	bool form = repair_form(v, &n);
	bool place = repair_place(v, &n);
	bool lost = repair_unreadable(v, &n, COMPANY_MAX_CP);
	bool trade = repair_trade(v, n);
	if (!form && !place && !lost && !trade)
		return false;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		char u[4];
		size_t k = utf8_put(u, v[i]);
		if (len + k + 1 > cap)
			return false;
		memcpy(out + len, u, k);
		len += k;
	}
	out[len] = '\0';
	return true;
}
