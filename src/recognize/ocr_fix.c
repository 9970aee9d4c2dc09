/* Domain corrections for OCR text (ocr_fix.h). */
#include <string.h>

#include "recognize/ocr_fix.h"
#include "validate/validate.h"

#define FIX_MAX_CPS 64		/* code points of one token considered */
#define FIX_DEFAULT_CONF 0.9f
#define VIN_MAX_CANDS 8		/* readings tried at one position */
#define VIN_MAX_CHANGES 4	/* characters one repair may change */
#define VIN_BUDGET 4.0f		/* the most a repair may cost */
#define VIN_TIE_MARGIN 0.35f	/* two repairs closer than this cannot be told apart */
#define VIN_DROP_COST 0.3f	/* dropping an end character that looks like a border */
#define VIN_INSERT_COST 1.2f	/* dropping a character inside */
#define VIN_DOUBLED_COST 0.5f	/* ... one read twice as two look-alikes ("5S", "I1") */
/* issue 13: a character read against the shipment's consensus costs this,
 * so that a look-alike repair agreeing with it wins over a reading whose
 * check digit holds by chance with two misreads ("LFWV1C3G19D231268" for
 * LFWVLC3G1SD231268 among VINs reading LFWVLC3G?SD) */
#define VIN_HINT_DISAGREE 0.5f
/* issue 13: in a guess for the shipment's consensus (ocr_vin_wmi_guess), a
 * letter put in for a digit read in the serial number (after the plant code;
 * its last four are digits anyway) costs this more, so that a repair of the
 * model's part wins the tie the check digit leaves ("LJ1256394PJ109597" holds
 * with its 2 as Z or its serial's 0 as D; a shipment's VINs, misread alike,
 * all tie alike). A VIN kept on its own still fails on such a tie. */
#define VIN_SERIAL_LETTER 0.5f
#define CLOSEST_MAX 64

/* ---- reading code points as ASCII ---- */

static size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	size_t n = (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (n == 0 || n > len) {
		*cp = 0xFFFD;
		return 1;
	}
	uint32_t v = u[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (u[i] & 0x3F);
	}
	*cp = v;
	return n;
}

bool ocr_is_stroke(uint32_t cp)
{
	switch (cp) {
	case '|': case 0xFF5C: case 0xA6: case '_': case 0xFF3F: case '!': case 0xFF01:
	case '[': case ']': case 0x3010: case 0x3011: case 0x2502: case 0x2014: case 0x2015:
		return true;
	default:
		return false;
	}
}

bool ocr_is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xA0;
}

/* Upper-case ASCII for a code point that reads as a Latin letter or digit
 * (full width, Cyrillic look-alikes, 〇), '|' for a stroke, 0 otherwise. */
static char fold(uint32_t cp)
{
	static const struct { uint32_t cp; char c; } cyr[] = {
		{0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'}, {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'},
		{0x041E, 'O'}, {0x0420, 'P'}, {0x0421, 'C'}, {0x0422, 'T'}, {0x0425, 'X'}, {0x0430, 'A'},
		{0x0435, 'E'}, {0x043E, 'O'}, {0x0440, 'P'}, {0x0441, 'C'}, {0x0445, 'X'}, {0x0417, '3'},
	};
	if (cp >= 0xFF10 && cp <= 0xFF5A)
		cp -= 0xFEE0;	/* full width to ASCII */
	if (cp == 0x3007 || cp == 0x25CB)
		return 'O';
	if (ocr_is_stroke(cp))
		return '|';
	if (cp == 'l')
		return 'I';	/* a lower-case l is a misread 1 or I, never a VIN letter */
	if (cp < 128 && ocr_is_alnum((char)cp))
		return (char)(cp >= 'a' ? cp - 32 : cp);
	for (size_t i = 0; i < sizeof cyr / sizeof cyr[0]; i++)
		if (cyr[i].cp == cp)
			return cyr[i].c;
	return 0;
}

/* The digit a character is most often misread from, or 0. */
static char digit_lookalike(char c)
{
	switch (c) {
	case 'O': case 'D': case 'Q': case 'U': return '0';
	case 'I': case 'L': case '|': case 'J': return '1';
	case 'Z': return '2';
	case 'A': return '4';
	case 'S': return '5';
	case 'G': return '6';
	case 'T': return '7';
	case 'B': return '8';
	default: return c >= '0' && c <= '9' ? c : 0;
	}
}

/* Lower-case look-alikes read in a digit string. */
static char digit_lookalike_cp(uint32_t cp)
{
	switch (cp) {
	case 'b': return '6';
	case 'g': case 'q': return '9';
	case 's': return '5';
	case 'o': return '0';
	case 'z': return '2';
	default: break;
	}
	char c = fold(cp);
	return c ? digit_lookalike(c) : 0;
}

/* ---- VIN ---- */

static int vin_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
	static const int values[] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
	const char *p = c ? strchr(letters, c) : NULL;
	return p ? values[p - letters] : -1;
}

static bool vin_char_ok(char c)
{
	return vin_value(c) >= 0;
}

static bool vin_valid(const char *v)
{
	static const int weight[OCR_VIN_LEN] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
	int sum = 0;
	for (int i = 0; i < OCR_VIN_LEN; i++) {
		int x = vin_value(v[i]);
		if (x < 0)
			return false;
		sum += x * weight[i];
	}
	int r = sum % 11;
	return v[OCR_VIN_CHECK_POS] == (r == 10 ? 'X' : '0' + r);
}

/* Pairs of characters that OCR confuses: tier 1 look alike in most faces,
 * tier 2 only in some or when the print is poor. */
static const char *const tier1[] = {"0DOQ", "1IL|", "T7", "5S", "8B", "2Z", "6G", "4A", "UV"};
static const char *const tier2[] = {"38", "68", "56", "08", "09", "17", "EF", "FP", "PR", "MN", "VY", "KX",
	"CG", "HN", "0U", "1J", "EB", "RB"};

struct cand {
	char c;
	float cost;
};

struct cands {
	struct cand c[VIN_MAX_CANDS];
	int n;
};

static void cand_add(struct cands *cs, char c, float cost)
{
	if (!vin_char_ok(c))
		return;
	for (int i = 0; i < cs->n; i++)
		if (cs->c[i].c == c) {
			if (cost < cs->c[i].cost)
				cs->c[i].cost = cost;
			return;
		}
	if (cs->n < VIN_MAX_CANDS)
		cs->c[cs->n++] = (struct cand){c, cost};
}

static void add_group(struct cands *cs, const char *const *groups, size_t ng, char c, float cost)
{
	for (size_t g = 0; g < ng; g++)
		if (strchr(groups[g], c))
			for (const char *p = groups[g]; *p; p++)
				if (*p != c)
					cand_add(cs, *p, cost);
}

/* The readings of position i (0-based) for the character read as c. */
static void vin_cands(char c, float conf, int i, char hint, bool serial_digits, struct cands *cs)
{
	float f = 0.5f + conf;
	cs->n = 0;
	bool digit_only = i >= 13;	/* GB 16735 / ISO 3779: the last four are digits */
	bool check_pos = i == OCR_VIN_CHECK_POS;	/* 0-9 or X */
	if (vin_char_ok(c)) {
		bool fits = !(digit_only && !(c >= '0' && c <= '9')) && !(check_pos && !(c >= '0' && c <= '9') && c != 'X');
		bool against_hint = hint && hint != '?' && hint != c && i < OCR_VIN_SHARED;
		cand_add(cs, c, (fits ? 0.0f : 3.0f) + (against_hint ? VIN_HINT_DISAGREE : 0.0f));
	}
	char d = digit_lookalike(c);
	if (!vin_char_ok(c) || ((digit_only || check_pos) && d && d != c))
		cand_add(cs, d ? d : '1', 0.2f);	/* forced: I O Q | cannot stand, or a letter where digits go */
	add_group(cs, tier1, sizeof tier1 / sizeof tier1[0], c, (vin_char_ok(c) ? 1.0f : 0.6f) * f);
	add_group(cs, tier2, sizeof tier2 / sizeof tier2[0], c, 2.0f * f);
	if (hint && hint != '?' && hint != c && i < OCR_VIN_SHARED)
		cand_add(cs, hint, 1.5f * f);	/* the shipment's shared WMI, VDS and plant */
	for (int k = 0; k < cs->n; k++) {
		char x = cs->c[k].c;
		if ((digit_only && !(x >= '0' && x <= '9')) || (check_pos && !(x >= '0' && x <= '9') && x != 'X'))
			cs->c[k].cost += 3.0f;
		if (serial_digits && i >= OCR_VIN_SHARED && x != c && !(x >= '0' && x <= '9') && c >= '0' && c <= '9')
			cs->c[k].cost += VIN_SERIAL_LETTER;
		if (hint && hint != '?' && x == hint && x != c)
			cs->c[k].cost *= 0.1f;
	}
}

struct vin_search {
	struct cands pos[OCR_VIN_LEN];
	char cur[OCR_VIN_LEN + 1];
	char best[OCR_VIN_LEN + 1], second[OCR_VIN_LEN + 1];
	float best_cost, second_cost;
	int best_changes;
	bool serial_digits;	/* VIN_SERIAL_LETTER */
};

static void vin_offer(struct vin_search *s, float cost, int changes)
{
	if (!vin_valid(s->cur))
		return;
	if (cost < s->best_cost) {
		if (strcmp(s->best, s->cur) != 0) {
			memcpy(s->second, s->best, sizeof s->second);
			s->second_cost = s->best_cost;
		}
		memcpy(s->best, s->cur, sizeof s->best);
		s->best_cost = cost;
		s->best_changes = changes;
	} else if (cost < s->second_cost && strcmp(s->best, s->cur) != 0) {
		memcpy(s->second, s->cur, sizeof s->second);
		s->second_cost = cost;
	}
}

static void vin_dfs(struct vin_search *s, int i, float cost, int changes)
{
	if (cost > VIN_BUDGET || cost >= s->second_cost || changes > VIN_MAX_CHANGES)
		return;
	if (i == OCR_VIN_LEN) {
		vin_offer(s, cost, changes);
		return;
	}
	for (int k = 0; k < s->pos[i].n; k++) {
		const struct cand *c = &s->pos[i].c[k];
		s->cur[i] = c->c;
		vin_dfs(s, i + 1, cost + c->cost, changes + (c->cost > 0.0f));
	}
}

struct token {
	char c[FIX_MAX_CPS];
	float q[FIX_MAX_CPS];
	int n;
	bool bad;		/* a character that is no letter, digit or stroke */
};

/* The token's characters, folded, with whitespace left out and strokes or
 * punctuation at either end trimmed. */
static void tokenize(const char *in, size_t len, const float *conf, struct token *t)
{
	t->n = 0;
	t->bad = false;
	size_t off = 0, k = 0;
	while (off < len && t->n < FIX_MAX_CPS) {
		uint32_t cp;
		size_t used = utf8_decode(in + off, len - off, &cp);
		off += used;
		float q = conf ? conf[k] : FIX_DEFAULT_CONF;
		k++;
		if (is_space(cp))
			continue;
		char c = fold(cp);
		if (!c) {
			t->c[t->n] = 0;	/* punctuation: trimmed at the ends below, fatal inside */
			t->q[t->n++] = q;
			continue;
		}
		t->c[t->n] = c;
		t->q[t->n++] = q < 0.0f ? 0.0f : q > 1.0f ? 1.0f : q;
	}
	int a = 0, b = t->n;
	while (a < b && (t->c[a] == 0 || t->c[a] == '|'))
		a++;
	while (b > a && (t->c[b - 1] == 0 || t->c[b - 1] == '|'))
		b--;
	t->bad = false;
	for (int i = a; i < b; i++)
		if (t->c[i] == 0)
			t->bad = true;
	memmove(t->c, t->c + a, (size_t)(b - a));
	memmove(t->q, t->q + a, (size_t)(b - a) * sizeof t->q[0]);
	t->n = b - a;
}

static bool border_like(char c)
{
	return c == '1' || c == 'I' || c == 'L' || c == 'J' || c == '|' || c == 'T';
}

static float min_conf(const float *q, int n)
{
	float m = 1.0f;
	for (int i = 0; i < n; i++)
		if (q[i] < m)
			m = q[i];
	return m;
}

/* Search one alignment: the token without the character at skip (or -1). */
static void vin_align(const struct token *t, int start, int skip, float base, const char *hint,
	struct vin_search *s)
{
	for (int i = 0, k = start; i < OCR_VIN_LEN; i++, k++) {
		if (k == skip)
			k++;
		vin_cands(t->c[k], t->q[k], i, hint ? hint[i] : 0, s->serial_digits, &s->pos[i]);
	}
	s->cur[OCR_VIN_LEN] = 0;
	vin_dfs(s, 0, base, 0);
}

/* The reading that takes each position's cheapest candidate, valid or not. */
static void vin_plain(const struct token *t, int start, char out[OCR_VIN_LEN + 1])
{
	for (int i = 0; i < OCR_VIN_LEN; i++) {
		struct cands cs;
		vin_cands(t->c[start + i], t->q[start + i], i, 0, false, &cs);
		int best = 0;
		for (int k = 1; k < cs.n; k++)
			if (cs.c[k].cost < cs.c[best].cost)
				best = k;
		out[i] = cs.n ? cs.c[best].c : '?';
	}
	out[OCR_VIN_LEN] = 0;
}

/* Issue 13: the character at k and a neighbour are two different close
 * look-alikes (tier 1: "375S" for 37S, "LJI15" for LJ15), one glyph read
 * twice. The same character twice is not: VINs often hold it so. */
static bool lookalike_pair(char a, char b)
{
	if (a == b || !a || !b)
		return false;
	for (size_t g = 0; g < sizeof tier1 / sizeof tier1[0]; g++)
		if (strchr(tier1[g], a) && strchr(tier1[g], b))
			return true;
	return false;
}

bool ocr_vin_lookalike(char a, char b)
{
	return lookalike_pair(a, b);
}

static bool read_twice(const struct token *t, int k)
{
	return lookalike_pair(t->c[k], t->c[k - 1]) || (k + 1 < t->n && lookalike_pair(t->c[k], t->c[k + 1]));
}

static enum ocr_fix fix_vin(const char *in, size_t len, const float *conf, const char *hint, bool serial_digits,
	char out[OCR_VIN_LEN + 1], float *conf_out)
{
	struct token t;
	struct vin_search s;
	out[0] = 0;
	*conf_out = 0.0f;
	if (hint && strlen(hint) != OCR_VIN_LEN)
		hint = NULL;
	tokenize(in, len, conf, &t);
	if (hint && !t.bad && t.n >= 3) {
		/* a VIN of another maker (WMI) in the shipment: the hint is not its */
		int differ = 0;
		for (int i = 0; i < 3; i++)
			differ += hint[i] != '?' && hint[i] != t.c[i];
		if (differ >= 2)
			hint = NULL;
	}
	if (t.bad || t.n < OCR_VIN_LEN || t.n > OCR_VIN_LEN + 2) {
		if (!t.bad && t.n < OCR_VIN_LEN) {
			for (int i = 0; i < t.n; i++)
				out[i] = t.c[i];
			out[t.n] = 0;
		}
		return OCR_FIX_FAILED;
	}
	memset(&s, 0, sizeof s);
	s.best_cost = s.second_cost = VIN_BUDGET + 1.0f;
	s.serial_digits = serial_digits;
	int extra = t.n - OCR_VIN_LEN, plain_start = -1;
	for (int start = 0; start <= extra; start++) {
		int dropped_tail = extra - start;
		bool ok = true;
		for (int i = 0; i < start; i++)
			ok &= border_like(t.c[i]);
		for (int i = 0; i < dropped_tail; i++)
			ok &= border_like(t.c[t.n - 1 - i]);
		if (!ok)
			continue;
		if (plain_start < 0)
			plain_start = start;
		vin_align(&t, start, -1, VIN_DROP_COST * (float)extra, hint, &s);
	}
	/* one character too many inside: a speck or a split glyph read twice */
	if (extra == 1)
		for (int skip = 1; skip < t.n - 1; skip++)
			vin_align(&t, 0, skip, read_twice(&t, skip) ? VIN_DOUBLED_COST : VIN_INSERT_COST, hint, &s);
	float mc = plain_start >= 0 ? min_conf(t.q + plain_start, OCR_VIN_LEN) : min_conf(t.q, t.n);
	if (s.best_cost > VIN_BUDGET || s.second_cost - s.best_cost < VIN_TIE_MARGIN) {
		if (plain_start >= 0)
			vin_plain(&t, plain_start, out);
		*conf_out = ocr_field_conf(mc, OCR_FIX_FAILED, false);
		return OCR_FIX_FAILED;
	}
	memcpy(out, s.best, OCR_VIN_LEN + 1);
	enum ocr_fix how = s.best_changes == 0 && extra == 0 ? OCR_FIX_EXACT : OCR_FIX_REPAIRED;
	float c = ocr_field_conf(mc, how, true);
	if (how == OCR_FIX_REPAIRED && s.second_cost - s.best_cost < 1.0f)
		c *= 0.7f;	/* another repair was nearly as likely */
	*conf_out = c;
	return how;
}

enum ocr_fix ocr_fix_vin(const char *in, size_t len, const float *conf, const char *hint,
	char out[OCR_VIN_LEN + 1], float *conf_out)
{
	return fix_vin(in, len, conf, hint, false, out, conf_out);
}

/* ---- a VIN whose maker's code OCR lost or merged (issue 13) ---- */

/* World manufacturer identifiers (ISO 3780) of Chinese makers of the cars,
 * buses and trucks exported by road: those of the tuning sets (LVV Chery,
 * LJ1 JAC, LFN and LFW FAW, L6T Geely, LS5 Changan, LC0 and LGX BYD, LGW
 * Great Wall, LZG Shaanxi) and other common ones. */
static const char *const known_wmis[] = {
	"LVV", "LJ1", "LFN", "LFW", "L6T", "LS5", "LC0", "LGW", "LGX", "LZG", "LFV", "LSV", "LSG", "LGB", "LDC",
	"LHG", "LBV", "LZW", "LNB", "LVG", "LVH", "LVS", "LZZ", "LGA", "LSJ", "LFP", "LRW", "LBE", "LJD", "LYV",
};
#define N_KNOWN_WMIS (sizeof known_wmis / sizeof known_wmis[0])
#define WMI_LEN 3
#define WMI_MIN_LETTERS 3	/* letters the model's part (VDS, year, plant) holds */
#define WMI_LETTERS_END 11
#define WMI_REPAIR_CONF 0.7f	/* a maker's code put in by the table: a guess the check digit confirms */

bool ocr_vin_wmi_known(const char *vin)
{
	for (size_t k = 0; k < N_KNOWN_WMIS; k++)
		if (memcmp(vin, known_wmis[k], WMI_LEN) == 0)
			return true;
	return false;
}

/* The model's part (VDS, year, plant) holds letters: it is no other number
 * (a market-purchase list's SCCG511977762322 holds two there, the tuning
 * sets' VINs four or five). A letter counts as read, or as repaired where
 * the shipment's other VINs have it (hint: "U1256393PJ…" is LJ1Z56393PJ…
 * among VINs reading LJ1Z5639). */
static bool model_has_letters(const char *read, const char *fixed, const char *hint, bool as_fixed)
{
	int letters = 0;
	for (int i = WMI_LEN; i < WMI_LETTERS_END; i++)
		letters += (read[i] >= 'A' && read[i] <= 'Z') ||
			((as_fixed || (hint && hint[i] == fixed[i])) && fixed[i] >= 'A' && fixed[i] <= 'Z');
	return letters >= WMI_MIN_LETTERS;
}

/* The VIN made of the first j characters of wmi and the last 17 - j of
 * token t, when t agrees with wmi's other characters (a digit of them may
 * be read as its close look-alike). */
static bool wmi_candidate(const struct token *t, const char *wmi, int j, char out[OCR_VIN_LEN + 1])
{
	int from = t->n - (OCR_VIN_LEN - j);
	if (from < 0 || from > j)
		return false;	/* more glyphs replaced than characters they stand for */
	memcpy(out, wmi, (size_t)j);
	memcpy(out + j, t->c + from, (size_t)(OCR_VIN_LEN - j));
	out[OCR_VIN_LEN] = 0;
	for (int i = j; i < WMI_LEN; i++) {
		if (wmi[i] >= '0' && wmi[i] <= '9' && lookalike_pair(out[i], wmi[i]))
			out[i] = wmi[i];	/* a digit of the code read as a letter: "COV8…" for C0V8… */
		if (out[i] != wmi[i])
			return false;
	}
	return true;
}

/* The one VIN a known maker's code gives token t (look-alikes of the rest
 * chosen by ocr_fix_vin); false when none or several do. as_fixed: the
 * model's letters counted as repaired (ocr_vin_wmi_guess). */
static bool wmi_unique(const struct token *t, const char *hint, bool as_fixed, char out[OCR_VIN_LEN + 1],
	float *conf)
{
	int found = 0;
	for (size_t k = 0; k < N_KNOWN_WMIS; k++)
		for (int j = 1; j < WMI_LEN; j++) {
			char cand[OCR_VIN_LEN + 1], fixed[OCR_VIN_LEN + 1];
			float c;
			if (!wmi_candidate(t, known_wmis[k], j, cand) ||
			    fix_vin(cand, OCR_VIN_LEN, NULL, hint, as_fixed, fixed, &c) == OCR_FIX_FAILED ||
			    memcmp(fixed, known_wmis[k], WMI_LEN) != 0 || !model_has_letters(cand, fixed, hint, as_fixed) ||
			    (found && strcmp(fixed, out) == 0))
				continue;
			if (found++)
				return false;
			memcpy(out, fixed, OCR_VIN_LEN + 1);
			*conf = c;
		}
	return found == 1;
}

static enum ocr_fix fix_vin_wmi(const char *in, size_t len, const char *hint, bool as_fixed,
	char out[OCR_VIN_LEN + 1], float *conf_out)
{
	struct token t;
	out[0] = 0;
	*conf_out = 0.0f;
	tokenize(in, len, NULL, &t);
	if (t.bad || t.n < OCR_VIN_LEN - 2 || t.n > OCR_VIN_LEN)
		return OCR_FIX_FAILED;
	float c;
	if (!wmi_unique(&t, hint, as_fixed, out, &c)) {
		out[0] = 0;
		return OCR_FIX_FAILED;
	}
	*conf_out = c * WMI_REPAIR_CONF;
	return OCR_FIX_REPAIRED;
}

enum ocr_fix ocr_fix_vin_wmi(const char *in, size_t len, const char *hint, char out[OCR_VIN_LEN + 1],
	float *conf_out)
{
	return fix_vin_wmi(in, len, hint, false, out, conf_out);
}

bool ocr_vin_wmi_guess(const char *in, size_t len, char out[OCR_VIN_LEN + 1])
{
	float conf;
	return fix_vin_wmi(in, len, NULL, true, out, &conf) != OCR_FIX_FAILED;
}

void ocr_vin_consensus(const char (*vins)[OCR_VIN_LEN + 1], size_t n, char hint[OCR_VIN_LEN + 1])
{
	for (int i = 0; i < OCR_VIN_LEN; i++) {
		hint[i] = '?';
		if (n < 3)
			continue;
		/* Boyer-Moore majority vote, then a count to confirm it */
		char m = 0;
		size_t k = 0;
		for (size_t j = 0; j < n; j++) {
			if (k == 0) {
				m = vins[j][i];
				k = 1;
			} else
				k += vins[j][i] == m ? 1 : (size_t)-1;
		}
		size_t count = 0;
		for (size_t j = 0; j < n; j++)
			count += vins[j][i] == m;
		if (count * 2 > n && m)
			hint[i] = m;
	}
	hint[OCR_VIN_LEN] = 0;
}

#define VIN_PREFIX_MIN 5	/* a shared prefix shorter than this does not mark where VINs start */
#define VIN_PREFIX_MISS 1	/* characters of the prefix that may be misread where it recurs */
#define VIN_SHORT (OCR_VIN_LEN - 1)	/* a piece of a run: one character lost ... */
#define VIN_LONG (OCR_VIN_LEN + 1)	/* ... or one too many */

/* Does the prefix (plen characters, '?' matching anything) stand at run[i]? */
static bool prefix_at(const char *run, size_t len, size_t i, const char *prefix, size_t plen)
{
	if (i + plen > len)
		return false;
	int miss = 0;
	for (size_t k = 0; k < plen; k++)	/* a close look-alike is no miss (issue 13: "1COV8PGG" for LC0V8PGG) */
		miss += prefix[k] != '?' && prefix[k] != run[i + k] && !lookalike_pair(prefix[k], run[i + k]);
	return miss <= VIN_PREFIX_MISS;
}

/* The shipment's prefix: the hint's known first characters, else the run's
 * own first ones when they recur where the second VIN would start. */
static size_t run_prefix(const char *run, size_t len, const char *hint, char prefix[OCR_VIN_PREFIX])
{
	size_t plen = 0;
	while (hint && plen < OCR_VIN_PREFIX && hint[plen] && hint[plen] != '?') {
		prefix[plen] = hint[plen];
		plen++;
	}
	if (plen >= VIN_PREFIX_MIN)
		return plen;
	memcpy(prefix, run, OCR_VIN_PREFIX);
	for (size_t at = VIN_SHORT; at <= VIN_LONG; at++)
		if (prefix_at(run, len, at, prefix, OCR_VIN_PREFIX))
			return OCR_VIN_PREFIX;
	return 0;
}

size_t ocr_vin_run_starts(const char *run, size_t len, const char *hint, size_t *starts, size_t max)
{
	char prefix[OCR_VIN_PREFIX];
	if (len < 2 * VIN_SHORT || max < 2)
		return 0;
	size_t plen = run_prefix(run, len, hint, prefix), n = 0, at = 0;
	while (n < max && len - at >= VIN_SHORT) {
		starts[n++] = at;
		if (len - at <= VIN_LONG)
			break;
		/* the next start: where the prefix recurs, the nearest to 17 on */
		static const size_t steps[] = {OCR_VIN_LEN, VIN_SHORT, VIN_LONG};
		size_t next = at + OCR_VIN_LEN;
		for (size_t k = 0; plen && k < sizeof steps / sizeof steps[0]; k++)
			if (prefix_at(run, len, at + steps[k], prefix, plen)) {
				next = at + steps[k];
				break;
			}
		at = next;
	}
	return n >= 2 ? n : 0;
}

/* ---- digit strings ---- */

enum ocr_fix ocr_fix_digits(const char *in, size_t len, const float *conf, size_t want_len,
	char *out, size_t out_size, float *conf_out)
{
	char d[FIX_MAX_CPS];
	float q[FIX_MAX_CPS];
	bool mapped[FIX_MAX_CPS], edge_stroke[FIX_MAX_CPS];
	size_t n = 0, off = 0, k = 0;
	bool bad = false;
	if (out_size)
		out[0] = 0;
	*conf_out = 0.0f;
	if (want_len == 0 || want_len >= OCR_DIGITS_MAX || out_size <= want_len)
		return OCR_FIX_FAILED;
	while (off < len && n < FIX_MAX_CPS) {
		uint32_t cp;
		off += utf8_decode(in + off, len - off, &cp);
		float qq = conf ? conf[k] : FIX_DEFAULT_CONF;
		k++;
		if (is_space(cp) || cp == ',' || cp == '-' || cp == '.' || cp == '*' || cp == ':' || cp == 0xFF1A)
			continue;
		if (ocr_is_stroke(cp) && (n == 0 || off >= len)) {
			continue;	/* a border at either end */
		}
		char c = digit_lookalike_cp(cp);
		if (!c) {
			bad = true;
			continue;
		}
		d[n] = c;
		q[n] = qq;
		mapped[n] = !(cp >= '0' && cp <= '9') && !(cp >= 0xFF10 && cp <= 0xFF19);
		edge_stroke[n] = ocr_is_stroke(cp) || cp == 'l' || cp == 'I' || cp == '1';	/* a border read as 1 */
		n++;
	}
	size_t a = 0, b = n;
	/* a border stroke read at an end as 1 */
	while (b - a > want_len && a < b && edge_stroke[a])
		a++;
	while (b - a > want_len && b > a && edge_stroke[b - 1])
		b--;
	size_t m = b - a < out_size - 1 ? b - a : out_size - 1;
	memcpy(out, d + a, m);
	out[m] = 0;
	float mc = 1.0f;
	bool any_mapped = false;
	for (size_t i = a; i < b; i++) {
		mc = q[i] < mc ? q[i] : mc;
		any_mapped |= mapped[i];
	}
	if (bad || b - a != want_len) {
		*conf_out = ocr_field_conf(mc, OCR_FIX_FAILED, false);
		return OCR_FIX_FAILED;
	}
	enum ocr_fix how = any_mapped || a > 0 || b < n ? OCR_FIX_REPAIRED : OCR_FIX_EXACT;
	*conf_out = ocr_field_conf(mc, how, false);
	return how;
}

enum ocr_fix ocr_fix_declno(const char *in, size_t len, const float *conf, char out[19], float *conf_out)
{
	enum ocr_fix how = ocr_fix_digits(in, len, conf, 18, out, 19, conf_out);
	if (how == OCR_FIX_FAILED)
		return how;
	bool year_ok = out[4] == '2' && out[5] == '0';
	if (!year_ok || (out[8] != '0' && out[8] != '1')) {
		*conf_out = ocr_field_conf(*conf_out, OCR_FIX_FAILED, false);
		return OCR_FIX_FAILED;
	}
	return how;
}

size_t ocr_vote_digits(const char *const *readings, size_t n, size_t want_len, char *out, size_t out_size,
	bool *agree)
{
	*agree = true;
	if (out_size)
		out[0] = 0;
	if (want_len == 0 || out_size <= want_len)
		return 0;
	size_t used = 0;
	for (size_t j = 0; j < n; j++)
		used += readings[j] && strlen(readings[j]) == want_len;
	if (used == 0)
		return 0;
	for (size_t i = 0; i < want_len; i++) {
		int count[10] = {0};
		for (size_t j = 0; j < n; j++)
			if (readings[j] && strlen(readings[j]) == want_len && readings[j][i] >= '0' && readings[j][i] <= '9')
				count[readings[j][i] - '0']++;
		int best = 0, nbest = 0;
		for (int v = 0; v < 10; v++) {
			if (count[v] > count[best]) {
				best = v;
				nbest = 1;
			} else if (count[v] == count[best] && v != best)
				nbest++;
			if (count[v] && (size_t)count[v] != used)
				*agree = false;
		}
		if (count[best] == 0 || (nbest > 1 && count[best] * 2 <= (int)used)) {
			out[0] = 0;	/* a tie: this position cannot be decided */
			*agree = false;
			return 0;
		}
		out[i] = (char)('0' + best);
	}
	out[want_len] = 0;
	return used;
}

/* ---- dates ---- */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

enum ocr_fix ocr_fix_date(const char *in, size_t len, char out[OCR_DATE_LEN + 1])
{
	int part[3] = {0, 0, 0}, digits[3] = {0, 0, 0}, p = 0, seps = 0;
	bool mapped = false;
	size_t off = 0;
	out[0] = 0;
	while (off < len) {
		uint32_t cp;
		off += utf8_decode(in + off, len - off, &cp);
		if (is_space(cp))
			continue;
		bool sep = cp == '-' || cp == '/' || cp == '.' || cp == 0x5E74 || cp == 0x6708 || cp == 0xFF0D ||
			cp == 0xFF0F;
		if (sep) {
			if (digits[p] == 0 || ++p > 2)
				return OCR_FIX_FAILED;
			seps++;
			continue;
		}
		if (cp == 0x65E5 && p == 2)
			continue;	/* 日 */
		char c = digit_lookalike_cp(cp);
		if (!c)
			return OCR_FIX_FAILED;
		mapped |= !(cp >= '0' && cp <= '9');
		/* YYYYMMDD has no separators: split it as the digits come */
		if (p == 0 && digits[0] == 4 && off <= len && digits[1] == 0)
			p = 1;
		else if (p == 1 && digits[1] == 2 && digits[2] == 0)
			p = 2;
		if (digits[p] >= 4 || (p > 0 && digits[p] >= 2))
			return OCR_FIX_FAILED;
		part[p] = part[p] * 10 + (c - '0');
		digits[p]++;
	}
	if (digits[0] != 4 || digits[1] == 0 || digits[2] == 0)
		return OCR_FIX_FAILED;
	if (seps == 0 && digits[1] + digits[2] != 4)
		return OCR_FIX_FAILED;	/* YYYYMMDD is always eight digits */
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = part[0], m = part[1], d = part[2];
	if (y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
		return OCR_FIX_FAILED;
	int v[8] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10};
	static const int at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
	memcpy(out, "0000-00-00", OCR_DATE_LEN + 1);
	for (int i = 0; i < 8; i++)
		out[at[i]] = (char)('0' + v[i]);
	return mapped ? OCR_FIX_REPAIRED : OCR_FIX_EXACT;
}

/* ---- tables of printed values ---- */

static size_t to_cps(const char *s, size_t len, uint32_t *cps, size_t max)
{
	size_t n = 0, off = 0;
	while (off < len && n < max) {
		uint32_t cp;
		off += utf8_decode(s + off, len - off, &cp);
		if (!is_space(cp))
			cps[n++] = cp;
	}
	return off < len ? max + 1 : n;	/* max + 1: too long to compare */
}

/* One row of the edit-distance table: row[j] becomes the distance of the
 * first i code points of one text (the last of them c) to b[0, j), from the
 * row of its first i - 1. Returns the row's smallest value. */
static int edit_row(int *row, size_t i, uint32_t c, const uint32_t *b, size_t nb)
{
	int diag = row[0], low = (int)i;
	row[0] = (int)i;
	for (size_t j = 1; j <= nb; j++) {
		int up = row[j];
		int v = diag + (c != b[j - 1]);
		if (up + 1 < v)
			v = up + 1;
		if (row[j - 1] + 1 < v)
			v = row[j - 1] + 1;
		row[j] = v;
		diag = up;
		if (v < low)
			low = v;
	}
	return low;
}

int ocr_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max_edits)
{
	int row[OCR_EDIT_MAX + 1];
	if (na > OCR_EDIT_MAX || nb > OCR_EDIT_MAX || (int)(na > nb ? na - nb : nb - na) > max_edits)
		return max_edits + 1;
	for (size_t j = 0; j <= nb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= na; i++)
		if (edit_row(row, i, a[i - 1], b, nb) > max_edits)
			return max_edits + 1;
	return row[nb];
}

int ocr_closest(const char *text, size_t len, const char *const *table, size_t n, int max_edits, int *edits)
{
	uint32_t a[CLOSEST_MAX], b[CLOSEST_MAX];
	size_t na = to_cps(text, len, a, CLOSEST_MAX);
	int best = -1, best_d = max_edits + 1;
	bool tie = false;
	if (na == 0 || na > CLOSEST_MAX || max_edits < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t nb = table[i] ? to_cps(table[i], strlen(table[i]), b, CLOSEST_MAX) : 0;
		if (nb == 0 || nb > CLOSEST_MAX)
			continue;
		int d = ocr_edit_distance(a, na, b, nb, max_edits);
		/* never let the misreads outnumber the characters read right */
		if (d > max_edits || (size_t)d * 2 >= nb)
			continue;
		if (d < best_d) {
			best = (int)i;
			best_d = d;
			tie = false;
		} else if (d == best_d) {
			tie = true;
		}
	}
	if (best < 0 || tie)
		return -1;
	if (edits)
		*edits = best_d;
	return best;
}

#define LABEL_MAX_CPS 32	/* ocr_label_prefix: code points of a label compared at most */

int ocr_label_prefix(const uint32_t *text, size_t nt, const uint32_t *label, size_t nl, int max_edits,
	size_t *used)
{
	int none = max_edits + 1;
	*used = 0;
	if (nl == 0 || nl > LABEL_MAX_CPS || max_edits < 0)
		return none;
	size_t cols = nl + (size_t)max_edits < nt ? nl + (size_t)max_edits : nt;
	/* row[j]: the distance of the label's first i code points to text[0, j) */
	int row[LABEL_MAX_CPS * 2 + 2];
	if (cols + 1 > sizeof row / sizeof row[0])
		cols = sizeof row / sizeof row[0] - 1;
	for (size_t j = 0; j <= cols; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= nl; i++)
		(void)edit_row(row, i, label[i - 1], text, cols);
	int best = none;
	size_t lo = nl > (size_t)max_edits ? nl - (size_t)max_edits : 1;
	for (size_t j = lo; j <= cols; j++) {
		bool ends = text[j - 1] == label[nl - 1];
		bool better = row[j] < best || (row[j] == best && ends && *used && text[*used - 1] != label[nl - 1]);
		if (better) {
			best = row[j];
			*used = j;
		}
	}
	/* never let the misreads outnumber the characters read right */
	if (best > max_edits || (size_t)best * 2 >= nl) {
		*used = 0;
		return none;
	}
	return best;
}

float ocr_field_conf(float min_glyph_conf, enum ocr_fix how, bool checked)
{
	float c = min_glyph_conf < 0.0f ? 0.0f : min_glyph_conf > 1.0f ? 1.0f : min_glyph_conf;
	switch (how) {
	case OCR_FIX_EXACT:
		return checked ? c * 0.97f : (c < 0.88f ? c : 0.88f);
	case OCR_FIX_REPAIRED:
		return c < (checked ? 0.85f : 0.75f) ? c : (checked ? 0.85f : 0.75f);
	default:
		return c < 0.4f ? c : 0.4f;
	}
}

/* ---- unified social credit codes ---- */

/* The letters GB 32100 leaves out, as the digits OCR took them for. */
static char uscc_fold(char c)
{
	switch (c) {
	case 'O': return '0';
	case 'I': return '1';
	case 'Z': return '2';
	case 'S': return '5';
	default: return c;
	}
}

#define USCC_DIGITS_FROM 2	/* 0-based: the administrative division code, six digits */
#define USCC_DIGITS_TO 8

/* A letter where the code has a digit, as the digit it looks like (0 when none does). */
static char uscc_digit(char c)
{
	static const char from[] = "DQUOLTIZSBGA", to[] = "000011125864";
	const char *p = strchr(from, c);
	return c >= '0' && c <= '9' ? c : p && c ? to[p - from] : 0;
}

enum ocr_fix ocr_fix_uscc(const char *in, size_t len, char out[OCR_USCC_LEN + 1])
{
	out[0] = '\0';
	if (len != OCR_USCC_LEN)
		return OCR_FIX_FAILED;
	bool folded = false;
	for (size_t i = 0; i < OCR_USCC_LEN; i++) {
		char c = in[i] >= 'a' && in[i] <= 'z' ? (char)(in[i] - 'a' + 'A') : in[i];
		if (!ocr_is_alnum(c))
			return OCR_FIX_FAILED;
		char d = i >= USCC_DIGITS_FROM && i < USCC_DIGITS_TO ? uscc_digit(c) : uscc_fold(c);
		out[i] = d ? d : c;
		folded |= out[i] != in[i];
	}
	out[OCR_USCC_LEN] = '\0';
	if (!uscc_is_valid(out, OCR_USCC_LEN))
		return OCR_FIX_FAILED;
	return folded ? OCR_FIX_REPAIRED : OCR_FIX_EXACT;
}
