/* Parsing the text of one cell. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "recognize/fields_util.h"
#include "recognize/form.h"
#include "recognize/ocr_fix.h"

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_adigit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_aupper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_aalnum(unsigned char c) { return is_adigit(c) || is_aupper(c) || (c >= 'a' && c <= 'z'); }

static void copy_n(char *dst, size_t cap, const char *src, size_t n)
{
	if (!cap)
		return;
	if (n >= cap)
		n = cap - 1;
	/* never cut a UTF-8 sequence */
	while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
		n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void trim_span(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

char *fu_collapse(const char *text)
{
	struct sbuf b;
	sb_init(&b);
	int sp = 0;
	for (const char *p = text; *p; p++) {
		if (is_space((unsigned char)*p)) {
			sp = 1;
			continue;
		}
		if (sp && b.len)
			sb_add(&b, " ", 1);
		sp = 0;
		sb_add(&b, p, 1);
	}
	char *s = b.s ? b.s : strdup("");
	if (!s)
		abort();
	return s;
}

/* Is the UTF-8 character ending at e (exclusive) / starting at s a Chinese
 * ideograph (U+4E00..U+9FFF: lead bytes E4..E9)? */
static int ends_han(const char *start, const char *e)
{
	const unsigned char *u = (const unsigned char *)e;
	return e - start >= 3 && u[-3] >= 0xE4 && u[-3] <= 0xE9;
}

static int starts_han(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	return u[0] >= 0xE4 && u[0] <= 0xE9;
}

/* The lines of text, trimmed, blank ones left out, joined by joiner (none
 * between two ideographs when han_tight), white space collapsed. */
static char *join(const char *text, const char *joiner, int han_tight)
{
	struct sbuf b;
	sb_init(&b);
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *s = p;
		trim_span(&s, &n);
		if (n) {
			if (b.len && !(han_tight && ends_han(b.s, b.s + b.len) && starts_han(s)))
				sb_adds(&b, joiner);
			sb_add(&b, s, n);
		}
		p = e ? e + 1 : p + strlen(p);
	}
	char *c = fu_collapse(sb_str(&b));
	sb_free(&b);
	return c;
}

char *fu_join_lines(const char *text, const char *joiner)
{
	return join(text, joiner, 0);
}

char *fu_join_wrapped(const char *text)
{
	return join(text, " ", 1);
}

char *fu_squeeze_cjk(const char *text)
{
	char *c = fu_collapse(text);
	size_t k = 0;
	for (size_t i = 0; c[i]; i++) {
		if (c[i] == ' ' && k > 0 && (((unsigned char)c[k - 1] & 0x80) || ((unsigned char)c[i + 1] & 0x80)))
			continue;
		c[k++] = c[i];
	}
	c[k] = '\0';
	return c;
}

int fu_is_blank(const char *text)
{
	for (; *text; text++)
		if (!is_space((unsigned char)*text))
			return 0;
	return 1;
}

/* A code: ASCII letters, digits and '/', '-', at most 20 of them. */
static int is_code(const char *s, size_t n)
{
	if (n == 0 || n > 20)
		return 0;
	int alnum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_aalnum(c))
			alnum = 1;
		else if (c != '/' && c != '-' && c != '.')
			return 0;
	}
	return alnum;
}

void fu_split_code(const char *text, char *name, size_t name_cap, char *code, size_t code_cap)
{
	const char *s = text;
	size_t n = strlen(text);
	trim_span(&s, &n);
	code[0] = '\0';
	if (n && s[0] == '(') {
		const char *c = memchr(s, ')', n);
		if (c && is_code(s + 1, (size_t)(c - s - 1))) {
			copy_n(code, code_cap, s + 1, (size_t)(c - s - 1));
			const char *r = c + 1;
			size_t rn = n - (size_t)(r - s);
			trim_span(&r, &rn);
			copy_n(name, name_cap, r, rn);
			return;
		}
	}
	if (n && s[n - 1] == ')') {
		const char *o = NULL;
		for (size_t i = n - 1; i-- > 0;)
			if (s[i] == '(') {
				o = s + i;
				break;
			}
		if (o && is_code(o + 1, (size_t)(s + n - 1 - o - 1))) {
			copy_n(code, code_cap, o + 1, (size_t)(s + n - 1 - o - 1));
			size_t rn = (size_t)(o - s);
			const char *r = s;
			trim_span(&r, &rn);
			copy_n(name, name_cap, r, rn);
			return;
		}
	}
	/* "KAZ 哈萨克斯坦" or "哈萨克斯坦 KAZ": an ASCII code beside non-ASCII text */
	const char *sp = memchr(s, ' ', n);
	if (sp) {
		size_t a = (size_t)(sp - s);
		const char *last = s + n;
		while (last > s && last[-1] != ' ')
			last--;
		size_t b = (size_t)(s + n - last);
		if (is_code(s, a) && ((unsigned char)sp[1] & 0x80)) {
			copy_n(code, code_cap, s, a);
			copy_n(name, name_cap, sp + 1, n - a - 1);
			return;
		}
		if (is_code(last, b) && last > s + 1 && ((unsigned char)last[-2] & 0x80)) {
			copy_n(code, code_cap, last, b);
			size_t rn = (size_t)(last - s);
			const char *r = s;
			trim_span(&r, &rn);
			copy_n(name, name_cap, r, rn);
			return;
		}
	}
	copy_n(name, name_cap, s, n);
}

/* Remove [a, a+n) and any brackets right around it from text into out. */
static void cut_out(const char *text, size_t a, size_t n, char *out, size_t cap)
{
	struct sbuf b;
	sb_init(&b);
	size_t e = a + n;
	if (a > 0 && text[a - 1] == '(' && text[e] == ')') {
		a--;
		e++;
	}
	sb_add(&b, text, a);
	sb_add(&b, " ", 1);
	sb_adds(&b, text + e);
	char *c = fu_collapse(sb_str(&b));
	copy_n(out, cap, c, strlen(c));
	free(c);
	sb_free(&b);
}

void fu_split_uscc(const char *text, const char *label_code, char *name, size_t name_cap, char *uscc, size_t uscc_cap)
{
	uscc[0] = '\0';
	size_t ln = label_code ? strlen(label_code) : 0;
	size_t lalnum = 0;
	while (lalnum < ln && is_aalnum((unsigned char)label_code[lalnum]))
		lalnum++;
	/* the label's brackets hold the code: one read a character short or long
	 * (OCR) is kept as read, for the check and the registry to judge */
	int near_len = lalnum == ln && ln + FU_USCC_SLACK >= FU_USCC_LEN && ln <= FU_USCC_LEN + FU_USCC_SLACK;
	if (ln == FU_USCC_LEN || near_len)
		copy_n(uscc, uscc_cap, label_code, ln);
	/* an 18-character token of the code alphabet inside the text */
	size_t n = strlen(text);
	for (size_t i = 0; i < n;) {
		if (!is_aalnum((unsigned char)text[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && is_aalnum((unsigned char)text[j]))
			j++;
		if (j - i == FU_USCC_LEN) {
			if (!uscc[0])
				copy_n(uscc, uscc_cap, text + i, FU_USCC_LEN);
			if (strncmp(uscc, text + i, FU_USCC_LEN) == 0) {
				cut_out(text, i, FU_USCC_LEN, name, name_cap);
				return;
			}
		}
		i = j;
	}
	char *c = fu_collapse(text);
	copy_n(name, name_cap, c, strlen(c));
	free(c);
}

void fu_split_region(const char *text, char *name, size_t name_cap, char *code, size_t code_cap)
{
	/* the 5-digit customs area code, possibly with a 6-digit one after '/' */
	char *s = fu_collapse(text);
	size_t n = strlen(s);
	code[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '(')
			continue;
		const char *c = strchr(s + i, ')');
		if (!c)
			break;
		size_t k = i + 1;
		while (is_adigit((unsigned char)s[k]))
			k++;
		if (k - i - 1 == 5 && (s + k == c || s[k] == '/')) {
			copy_n(code, code_cap, s + i + 1, 5);
			cut_out(s, i + 1, (size_t)(c - s) - i - 1, name, name_cap);
			free(s);
			return;
		}
	}
	fu_split_code(s, name, name_cap, code, code_cap);
	free(s);
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int fu_parse_date(const char *text, char *iso, size_t cap)
{
	char *s = fu_collapse(text);
	int y = 0, m = 0, d = 0, ok = 0;
	const char *p = s;
	/* the first run that reads as a date */
	for (; *p && !ok; p++) {
		if (!is_adigit((unsigned char)*p) || (p > s && is_adigit((unsigned char)p[-1])))
			continue;
		const char *q = p;
		int v[3] = {0, 0, 0}, len[3] = {0, 0, 0};
		if (strlen(q) >= 8 && !is_adigit((unsigned char)q[8])) {
			int all = 1;
			for (int i = 0; i < 8; i++)
				all &= is_adigit((unsigned char)q[i]);
			if (all) {
				for (int i = 0; i < 4; i++) v[0] = v[0] * 10 + (q[i] - '0');
				v[1] = (q[4] - '0') * 10 + (q[5] - '0');
				v[2] = (q[6] - '0') * 10 + (q[7] - '0');
				len[0] = 4, len[1] = len[2] = 2;
			}
		}
		if (!len[0]) {
			char sep = 0;
			for (int part = 0; part < 3; part++) {
				while (is_adigit((unsigned char)*q) && len[part] < 5) {
					v[part] = v[part] * 10 + (*q - '0');
					len[part]++;
					q++;
				}
				if (part < 2) {
					if (!sep && (*q == '-' || *q == '/' || *q == '.'))
						sep = *q;
					if (*q != sep || !sep)
						break;
					q++;
				}
			}
			if (len[0] != 4 || len[1] < 1 || len[1] > 2 || len[2] < 1 || len[2] > 2 || is_adigit((unsigned char)*q))
				len[0] = 0;
		}
		if (len[0] == 4 && v[0] >= 1980 && v[0] <= 2099 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 &&
		    v[2] <= days_in(v[0], v[1])) {
			y = v[0], m = v[1], d = v[2];
			ok = 1;
		}
	}
	free(s);
	if (!ok || cap < 11)
		return 0;
	iso[0] = (char)('0' + y / 1000);
	iso[1] = (char)('0' + y / 100 % 10);
	iso[2] = (char)('0' + y / 10 % 10);
	iso[3] = (char)('0' + y % 10);
	iso[4] = '-';
	iso[5] = (char)('0' + m / 10);
	iso[6] = (char)('0' + m % 10);
	iso[7] = '-';
	iso[8] = (char)('0' + d / 10);
	iso[9] = (char)('0' + d % 10);
	iso[10] = '\0';
	return 1;
}

/* A number at the start of s: digits with optional thousands separators and
 * a decimal part. Returns the bytes taken, 0 if none. */
static size_t scan_number(const char *s, double *out)
{
	char buf[64];
	size_t k = 0, i = 0;
	if (s[i] == '-' || s[i] == '+')
		buf[k++] = s[i++];
	size_t digits = 0, group = 0;
	int grouped = 0;
	while (k < sizeof buf - 2) {
		unsigned char c = (unsigned char)s[i];
		if (is_adigit(c)) {
			buf[k++] = (char)c;
			digits++;
			group++;
			i++;
		} else if (c == ',' && digits > 0 && is_adigit((unsigned char)s[i + 1]) &&
			   is_adigit((unsigned char)s[i + 2]) && is_adigit((unsigned char)s[i + 3]) &&
			   !is_adigit((unsigned char)s[i + 4]) && (grouped ? group == 3 : group <= 3)) {
			grouped = 1;
			group = 0;
			i++;
		} else {
			break;
		}
	}
	if (!digits)
		return 0;
	if (s[i] == '.' && is_adigit((unsigned char)s[i + 1])) {
		buf[k++] = '.';
		i++;
		while (is_adigit((unsigned char)s[i]) && k < sizeof buf - 1)
			buf[k++] = s[i++];
	}
	buf[k] = '\0';
	errno = 0;
	char *end;
	double v = strtod(buf, &end);
	if (errno || !isfinite(v))
		return 0;
	*out = v;
	return i;
}

int fu_parse_number(const char *text, double *out)
{
	char *s = fu_collapse(text);
	size_t n = scan_number(s, out);
	int ok = n > 0 && s[n] == '\0';
	free(s);
	return ok;
}

/* A speck: ASCII punctuation but a sign or point that belongs to the
 * number, or a full-width mark or quote (lead bytes E2, E3, EF). */
static size_t speck_len(const unsigned char *u)
{
	if (*u == ' ' || (ispunct(*u) && *u != '-' && *u != '+'))
		return 1;
	if ((u[0] == 0xE2 || u[0] == 0xE3 || u[0] == 0xEF) && u[1] >= 0x80 && u[2] >= 0x80)
		return 3;
	return 0;
}

char *fu_strip_specks(const char *text)
{
	char *s = fu_collapse(text);
	unsigned char *a = (unsigned char *)s;
	int specks = 0;	/* the spaces between specks are not counted */
	for (size_t k; specks < FU_MAX_SPECKS && (k = speck_len(a)) > 0; a += k)
		specks += *a != ' ';
	while (*a == ' ')
		a++;
	unsigned char *e = (unsigned char *)s + strlen(s);
	for (specks = 0; specks < FU_MAX_SPECKS && e > a; ) {
		if (e[-1] == ' ') {
			e--;
			continue;
		}
		if (ispunct(e[-1]))
			e--;
		else if (e - a >= 3 && (e[-3] == 0xE2 || e[-3] == 0xE3 || e[-3] == 0xEF))
			e -= 3;
		else
			break;
		specks++;
	}
	while (e > a && e[-1] == ' ')
		e--;
	*e = '\0';
	memmove(s, a, (size_t)(e - a) + 1);
	return s;
}

#define ARITH_CENT_HALF 0.0051	/* a total is the product rounded to the cent */
#define ARITH_SUBCENT 0.01	/* of a cent: a total's text holds no third decimal (a tenth of a cent shows one; floating error stays far under) */
#define ARITH_MAX_CHARS 24	/* a number's text tried edit by edit */
#define ARITH_QTY_DECIMALS 3
#define ARITH_PRICE_DECIMALS 4
#define ARITH_TOTAL_DECIMALS 2
enum arith_edit_kind { ARITH_REPLACE, ARITH_DROP, ARITH_INSERT };
#define ARITH_AMBIGUOUS 2	/* repairs found: more than one tells nothing */

static int arith_holds(double qty, double price, double total)
{
	return fabs(qty * price - total) <= ARITH_CENT_HALF;
}

/* x as printed: at most `decimals` decimals, trailing zeros dropped. */
static void arith_text(double x, int decimals, char *out, size_t cap)
{
	snprintf(out, cap, "%.*f", decimals, x);
	char *dot = strchr(out, '.');
	if (!dot)
		return;
	char *e = out + strlen(out);
	while (e > dot + 1 && e[-1] == '0')
		*--e = '\0';
	if (e == dot + 1)
		*dot = '\0';
}

/* A number's text with one character replaced, dropped or put in; 0 when
 * the result is not a number. */
static int arith_edit(const char *in, size_t at, enum arith_edit_kind kind, char put, double *out)
{
	char buf[ARITH_MAX_CHARS + 2];
	size_t n = strlen(in), k = 0;
	for (size_t i = 0; i <= n && k < sizeof buf - 1; i++) {
		if (i == at && kind == ARITH_INSERT)
			buf[k++] = put;	/* put in before in[i] */
		if (i == n)
			break;
		if (i == at && kind == ARITH_DROP)
			continue;	/* dropped */
		buf[k++] = i == at && kind == ARITH_REPLACE ? put : in[i];
	}
	buf[k] = '\0';
	if (!k || strchr(buf, '.') != strrchr(buf, '.') || buf[0] == '.' || buf[k - 1] == '.')
		return 0;
	if (buf[0] == '0' && k > 1 && buf[1] != '.')
		return 0;	/* a leading zero is no reading of a printed number */
	*out = strtod(buf, NULL);
	return 1;
}

/* Single edits of x's text that make holds() true, with the other two as
 * read: how many distinct values (up to ARITH_AMBIGUOUS), the first in *found. */
static int arith_search(double x, int decimals, const double *others, int which, double *found)
{
	char text[ARITH_MAX_CHARS + 8];
	arith_text(x, decimals, text, sizeof text);
	size_t n = strlen(text);
	if (n > ARITH_MAX_CHARS)
		return 0;
	static const char put[] = "0123456789.";	/* what an edit may put in */
	const int nput = (int)(sizeof put - 1);
	int count = 0;
	for (size_t at = 0; at <= n && count < ARITH_AMBIGUOUS; at++)
		for (int kind = ARITH_REPLACE; kind <= ARITH_INSERT; kind++)
			for (int d = 0; d < (kind == ARITH_DROP ? 1 : nput) && count < ARITH_AMBIGUOUS; d++) {
				double v;
				if ((kind != ARITH_INSERT && at == n) || (kind == ARITH_REPLACE && text[at] == put[d]) ||
					!arith_edit(text, at, (enum arith_edit_kind)kind, put[d], &v))
					continue;
				double q = which == FU_ARITH_QTY ? v : others[0];
				double p = which == FU_ARITH_PRICE ? v : others[1];
				double t = which == FU_ARITH_TOTAL ? v : others[2];
				if (arith_holds(q, p, t) && (count == 0 || fabs(v - *found) > ARITH_CENT_HALF / 2)) {
					if (count == 0)
						*found = v;
					count++;
				}
			}
	return count;
}

enum fu_arith fu_repair_price(double *qty, double *price, double *total)
{
	if (isnan(*qty) || isnan(*price) || isnan(*total) || *qty <= 0 || *price <= 0 || *total <= 0 ||
		arith_holds(*qty, *price, *total))
		return FU_ARITH_NONE;
	double read[3] = {*qty, *price, *total}, found[3];
	static const int decimals[3] = {ARITH_QTY_DECIMALS, ARITH_PRICE_DECIMALS, ARITH_TOTAL_DECIMALS};
	int count[3], which = -1, all = 0;
	for (int k = 0; k < 3; k++) {
		count[k] = arith_search(read[k], decimals[k], read, k + 1, &found[k]);
		all += count[k];
		if (count[k])
			which = k;
	}
	if (all != 1)
		return FU_ARITH_NONE;
	double *slot[3] = {qty, price, total};
	*slot[which] = found[which];
	return (enum fu_arith)(which + 1);
}

#define TOTAL_MIN_CHARS 4	/* a product shorter than this as text is too short to compare */
#define TOTAL_MAX_LENGTH_CHANGE 1	/* digits before the point that a misread adds or drops */

int fu_text_edits(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	int row[ARITH_MAX_CHARS + 1];
	if (na > ARITH_MAX_CHARS || nb > ARITH_MAX_CHARS)
		return ARITH_MAX_CHARS;
	for (size_t j = 0; j <= nb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= nb; j++) {
			int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			best = up + 1 < best ? up + 1 : best;
			best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

#define TOTAL_SUFFIX_MIN_DIGITS 5	/* digits a total that lost its leading ones still shows */

/* The total's text is the product's with its leading digits lost (the cell
 * cut at its left): a tail of it holding the point and enough digits. */
static int lost_leading_digits(const char *want, const char *got)
{
	size_t nw = strlen(want), ng = strlen(got), digits = 0;
	for (const char *c = got; *c; c++)
		digits += *c >= '0' && *c <= '9';
	return ng < nw && strchr(got, '.') && digits >= TOTAL_SUFFIX_MIN_DIGITS && strcmp(want + nw - ng, got) == 0;
}

/* The total read whole where the product has cents: its point lost, the
 * digits all there ("819074880" for 8190748.80, or .8). */
static int total_point_lost(double product, double total)
{
	static const double shifts[] = {10.0, 100.0};
	if (total != floor(total) || product == floor(product))
		return 0;
	for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
		if (fabs(product * shifts[i] - total) < ARITH_CENT_HALF * shifts[i])
			return 1;
	return 0;
}

int fu_total_by_product(double qty, double price, double *total)
{
	if (isnan(qty) || isnan(price) || isnan(*total) || qty <= 0 || price <= 0)
		return 0;
	double product = floor(qty * price * 100 + 0.5) / 100;
	if (arith_holds(qty, price, *total)) {
		/* a total is printed to the cent: a third decimal is a speck ("28770.005") */
		if (fabs(*total * 100 - floor(*total * 100 + 0.5)) < ARITH_SUBCENT)
			return 0;
		*total = product;
		return 1;
	}
	char want[64], got[64];
	arith_text(product, ARITH_TOTAL_DECIMALS, want, sizeof want);
	arith_text(*total, ARITH_TOTAL_DECIMALS, got, sizeof got);
	/* the point where it was printed: a total a point away in magnitude is
	 * the price's point lost, or the total's, which the product cannot tell */
	size_t int_want = strcspn(want, "."), int_got = strcspn(got, ".");
	/* edits counted on the totals as printed, both with their cents: "28770.01"
	 * is one from 28770.00, not three from 28770 (issue 13) */
	char want_cents[64], got_cents[64];
	snprintf(want_cents, sizeof want_cents, "%.*f", ARITH_TOTAL_DECIMALS, product);
	snprintf(got_cents, sizeof got_cents, "%.*f", ARITH_TOTAL_DECIMALS, *total);
	int near = fu_text_edits(want_cents, got_cents) <= FU_TOTAL_MAX_EDITS &&
		(int_want > int_got ? int_want - int_got : int_got - int_want) <= TOTAL_MAX_LENGTH_CHANGE;
	if (strlen(want) < TOTAL_MIN_CHARS || !(near || lost_leading_digits(want, got) || total_point_lost(product, *total)))
		return 0;
	*total = product;
	return 1;
}

#define PRICE_TEXT_DECIMALS 6	/* a unit price's text as read: more decimals than printed show a speck */

/* OCR (issue 13): a unit price read with one character too many (a speck
 * read as a digit: "50.995" for 50.99, "2.95031" for 2.9503) and a total
 * that does not add up: the price without one of its characters whose
 * product the total reads as (fu_total_by_product). Both are replaced when
 * exactly one such price exists; returns 1 then. */
int fu_price_extra_char(double qty, double *price, double *total)
{
	if (isnan(qty) || isnan(*price) || isnan(*total) || qty <= 0 || *price <= 0 || arith_holds(qty, *price, *total))
		return 0;
	char text[ARITH_MAX_CHARS + 8];
	arith_text(*price, PRICE_TEXT_DECIMALS, text, sizeof text);
	size_t n = strlen(text);
	int found = 0;
	double pick_price = 0, pick_total = 0;
	for (size_t at = 0; at < n && n <= ARITH_MAX_CHARS; at++) {
		double p, t = *total;
		if (!arith_edit(text, at, ARITH_DROP, 0, &p) || p <= 0 || !fu_total_by_product(qty, p, &t))
			continue;
		if (found && fabs(p - pick_price) <= ARITH_CENT_HALF / 2)
			continue;	/* the same price by dropping another of a run of one digit */
		found++;
		pick_price = p;
		pick_total = t;
	}
	if (found != 1)
		return 0;
	*price = pick_price;
	*total = pick_total;
	return 1;
}

int fu_parse_int(const char *text, long *out)
{
	double v;
	if (!fu_parse_number(text, &v) || v != floor(v) || fabs(v) > 1e9)
		return 0;
	*out = (long)v;
	return 1;
}

int fu_parse_qty(const char *text, double *qty, char *unit, size_t unit_cap)
{
	char *s = fu_collapse(text);
	size_t n = scan_number(s, qty);
	int ok = 0;
	if (n > 0) {
		const char *u = s + n;
		while (*u == ' ')
			u++;
		if (*u && !is_adigit((unsigned char)*u)) {
			copy_n(unit, unit_cap, u, strlen(u));
			ok = 1;
		}
	}
	free(s);
	return ok;
}

static const struct { const char *in, *iso; } currency_names[] = {
	{"美元", "USD"}, {"502", "USD"}, {"人民币", "CNY"}, {"142", "CNY"}, {"欧元", "EUR"}, {"300", "EUR"},
	{"日元", "JPY"}, {"116", "JPY"}, {"港币", "HKD"}, {"110", "HKD"}, {"英镑", "GBP"}, {"303", "GBP"},
	{"卢布", "RUB"}, {"坚戈", "KZT"},
};
#define CURRENCY_NAME_MAX_CPS 8	/* code points of a currency's name looked at */

int fu_currency(const char *text, char *iso, size_t cap)
{
	char *s = fu_collapse(text);
	int ok = 0;
	for (size_t i = 0; i < sizeof currency_names / sizeof currency_names[0] && !ok; i++)
		if (strcmp(s, currency_names[i].in) == 0) {
			copy_n(iso, cap, currency_names[i].iso, 3);
			ok = 1;
		}
	if (!ok && strlen(s) == 3 && is_aupper((unsigned char)s[0]) && is_aupper((unsigned char)s[1]) &&
	    is_aupper((unsigned char)s[2])) {
		copy_n(iso, cap, s, 3);
		ok = 1;
	}
	free(s);
	return ok;
}

/* The ideographs of s (spaces left out) into v; 0 when s holds anything
 * else or more than max. */
static size_t han_only(const char *s, uint32_t *v, size_t max)
{
	size_t n = 0;
	while (*s) {
		uint32_t cp;
		s += utf8_get(s, &cp);
		if (cp == ' ')
			continue;
		if (!utf8_is_han(cp) || n == max)
			return 0;
		v[n++] = cp;
	}
	return n;
}

int fu_currency_misread(const char *text, char *iso, size_t cap)
{
	uint32_t v[CURRENCY_NAME_MAX_CPS], e[CURRENCY_NAME_MAX_CPS];
	size_t n = han_only(text, v, CURRENCY_NAME_MAX_CPS);
	const char *pick = NULL;
	for (size_t i = 0; n && i < sizeof currency_names / sizeof currency_names[0]; i++) {
		size_t ne = han_only(currency_names[i].in, e, CURRENCY_NAME_MAX_CPS), differ = 0;
		if (ne != n)
			continue;
		for (size_t k = 0; k < n; k++)
			differ += v[k] != e[k];
		if (differ != 1)
			continue;
		if (pick && strcmp(pick, currency_names[i].iso) != 0)
			return 0;
		pick = currency_names[i].iso;
	}
	if (pick)
		copy_n(iso, cap, pick, 3);
	return pick != NULL;
}

int fu_parse_fee(const char *text, char *cur, size_t cur_cap, double *amount, char *mark, size_t mark_cap)
{
	char *s = fu_collapse(text);
	char *parts[4];
	size_t np = 0;
	char *p = s;
	while (*p && np < 4) {
		while (*p == '/' || *p == ' ')
			p++;
		if (!*p)
			break;
		parts[np++] = p;
		while (*p && *p != '/' && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
	int ok = np == 3 && fu_currency(parts[0], cur, cur_cap) && fu_parse_number(parts[1], amount) &&
		strlen(parts[2]) == 1 && is_adigit((unsigned char)parts[2][0]);
	if (ok)
		copy_n(mark, mark_cap, parts[2], 1);
	free(s);
	return ok;
}

static void doc_entry(json_t *arr, const char *s, size_t n)
{
	trim_span(&s, &n);
	if (!n)
		return;
	const char *sp = memchr(s, ' ', n);
	json_t *o = json_object();
	if (sp) {
		char type[256], num[256];
		copy_n(type, sizeof type, s, (size_t)(sp - s));
		const char *r = sp + 1;
		size_t rn = n - (size_t)(r - s);
		trim_span(&r, &rn);
		copy_n(num, sizeof num, r, rn);
		json_object_set_new(o, "type", json_string(type));
		json_object_set_new(o, "number", json_string(num));
	} else {
		char type[256];
		copy_n(type, sizeof type, s, n);
		json_object_set_new(o, "type", json_string(type));
		json_object_set_new(o, "number", json_null());
	}
	json_array_append_new(arr, o);
}

json_t *fu_attached_docs(const char *text)
{
	static const char prefix[] = "随附单证";
	json_t *arr = json_array();
	const char *p = text;
	size_t n = strlen(text);
	const char *end = text + n;
	/* cut at each "随附单证N:" */
	while (p < end) {
		const char *start = p;
		const char *q = strstr(p, prefix);
		if (q == p) {
			const char *k = q + strlen(prefix);
			while (is_adigit((unsigned char)*k))
				k++;
			if (*k == ':')
				k++;
			start = k;
			q = strstr(k, prefix);
		}
		const char *stop = q ? q : end;
		/* entries separated by ';' */
		const char *e = start;
		while (e < stop) {
			const char *semi = memchr(e, ';', (size_t)(stop - e));
			const char *ee = semi ? semi : stop;
			doc_entry(arr, e, (size_t)(ee - e));
			e = semi ? semi + 1 : stop;
		}
		p = stop;
	}
	return arr;
}

int fu_find_digits(const char *text, size_t n, char *out)
{
	for (const char *p = text; *p; p++) {
		if (!is_adigit((unsigned char)*p) || (p > text && is_adigit((unsigned char)p[-1])))
			continue;
		size_t k = 0;
		while (is_adigit((unsigned char)p[k]))
			k++;
		if (k == n) {
			memcpy(out, p, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

void fu_digits_only(const char *text, char *out, size_t cap)
{
	size_t k = 0;
	for (const char *p = text; *p && k + 1 < cap; p++)
		if (is_adigit((unsigned char)*p))
			out[k++] = *p;
	out[k] = '\0';
}

void fu_first_word(const char *text, char *out, size_t cap)
{
	const char *s = text;
	while (*s == ' ')
		s++;
	size_t n = 0;
	while (s[n] && s[n] != ' ')
		n++;
	copy_n(out, cap, s, n);
}

int fu_brand_model(const char *spec, char *brand, size_t bcap, char *model, size_t mcap)
{
	static const char pai[] = "牌";
	const char *p = spec;
	brand[0] = model[0] = '\0';
	while (*p) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *s = p;
		trim_span(&s, &n);
		if (n > strlen(pai) && memcmp(s + n - strlen(pai), pai, strlen(pai)) == 0) {
			copy_n(brand, bcap, s, n - strlen(pai));
			if (e) {
				const char *m = e + 1;
				const char *me = strchr(m, '|');
				size_t mn = me ? (size_t)(me - m) : strlen(m);
				trim_span(&m, &mn);
				copy_n(model, mcap, m, mn);
			}
			return 1;
		}
		p = e ? e + 1 : p + strlen(p);
	}
	return 0;
}

/* OCR (issue 13): a scanned spec whose | were lost or read as something
 * else ("5 座吉利牌帝豪新车车架号:…", "2.8L福田牌奥铃。CTX|新车"). */
#define BRAND_MAX_HAN 6	/* ideographs looked at before 牌 */
#define BRAND_BARE_MIN 2	/* a brand on no list: 2 to 4 ideographs */
#define BRAND_BARE_MAX 4
#define MODEL_MAX_BYTES 48
#define HAN_UTF8_LEN 3	/* U+3400..U+9FFF */

/* Makers whose brands vehicle specs carry most (the longest match is taken:
 * 一汽解放 before 解放). */
static const char *const vehicle_brands[] = {
	"比亚迪", "长城", "哈弗", "吉利", "奇瑞", "长安", "江淮", "一汽", "一汽解放", "解放", "东风", "福田", "陕汽",
	"中国重汽", "重汽", "豪沃", "上汽", "上汽大通", "大通", "五菱", "宝骏", "北汽", "江铃", "红旗", "宇通", "金龙",
	"领克", "坦克", "传祺", "广汽", "零跑", "理想", "蔚来", "小鹏", "极氪", "海马", "众泰", "大运", "欧曼", "乘龙",
	"柳汽", "东风柳汽", "庆铃", "华菱", "徐工", "三一", "红岩", "依维柯", "凯马", "时代", "奔腾", "启辰", "捷途",
	"星途", "岚图", "深蓝", "欧尚", "凯翼", "江淮瑞风", "海狮", "金杯", "开瑞", "东南", "长安凯程",
};

/* Ideographs that end the element before a brand whose | was lost: 5座,
 * 汽油, 载人, 新车, 家用, 纯电动 (and 品 of 无品牌, which is no brand). */
static int ends_element(const char *han)
{
	static const char *const ends[] = {"座", "油", "人", "车", "用", "动", "品", "货"};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (memcmp(han, ends[i], HAN_UTF8_LEN) == 0)
			return 1;
	return 0;
}

static int is_han_at(const char *s)
{
	uint32_t cp;
	return utf8_get(s, &cp) == HAN_UTF8_LEN && utf8_is_han(cp);
}

/* The brand whose 牌 starts at pai: the ideographs right before it, back to
 * the element before; the longest known brand they end with, else all of
 * them if 2 to 4. */
static int brand_before(const char *spec, const char *pai, char *brand, size_t bcap)
{
	const char *s = pai;
	size_t n = 0;
	while (n < BRAND_MAX_HAN && s - spec >= HAN_UTF8_LEN && is_han_at(s - HAN_UTF8_LEN) &&
		!ends_element(s - HAN_UTF8_LEN)) {
		s -= HAN_UTF8_LEN;
		n++;
	}
	size_t best = 0;
	for (size_t i = 0; i < sizeof vehicle_brands / sizeof vehicle_brands[0]; i++) {
		size_t len = strlen(vehicle_brands[i]);
		if (len <= (size_t)(pai - s) && len > best && memcmp(pai - len, vehicle_brands[i], len) == 0)
			best = len;
	}
	if (!best && (n < BRAND_BARE_MIN || n > BRAND_BARE_MAX))
		return 0;
	copy_n(brand, bcap, best ? pai - best : s, best ? best : (size_t)(pai - s));
	return 1;
}

/* What ends a model read loosely: the vehicle's state, its VIN's label. */
static int ends_model(const char *p)
{
	static const char *const ends[] = {"新车", "二手", "车架", "VIN", "底盘", "：", ":"};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (strncmp(p, ends[i], strlen(ends[i])) == 0)
			return 1;
	return 0;
}

/* Marks OCR puts inside a model ("奥铃。CTX", "元P LUS"): dropped. A '.'
 * between digits stays. */
static size_t model_speck(const char *p, const char *start)
{
	static const char *const specks[] = {"。", "、", "，", ",", " "};
	for (size_t i = 0; i < sizeof specks / sizeof specks[0]; i++)
		if (strncmp(p, specks[i], strlen(specks[i])) == 0)
			return strlen(specks[i]);
	if (*p == '.' && !(p > start && is_adigit((unsigned char)p[-1]) && is_adigit((unsigned char)p[1])))
		return 1;
	return 0;
}

/* The model after 牌 (at m): past spaces and one |, up to the next | or
 * ends_model, specks dropped. */
static void model_after(const char *m, char *model, size_t mcap)
{
	while (*m == ' ')
		m++;
	if (*m == '|')
		m++;
	const char *start = m;
	size_t k = 0;
	while (*m && *m != '|' && !ends_model(m)) {
		size_t skip = model_speck(m, start);
		if (skip) {
			m += skip;
			continue;
		}
		uint32_t cp;
		size_t len = utf8_get(m, &cp);
		if (k + len >= mcap || k + len > MODEL_MAX_BYTES)
			break;
		memcpy(model + k, m, len);
		k += len, m += len;
	}
	model[k] = '\0';
}

int fu_brand_model_scanned(const char *spec, char *brand, size_t bcap, char *model, size_t mcap)
{
	static const char pai[] = "牌";
	brand[0] = model[0] = '\0';
	for (const char *p = strstr(spec, pai); p; p = strstr(p + strlen(pai), pai))
		if (brand_before(spec, p, brand, bcap)) {
			model_after(p + strlen(pai), model, mcap);
			return 1;
		}
	return 0;
}

/* OCR (issue 13): two models of one brand that are one model misread. */
#define MODEL_MAX_CPS 64

static size_t model_folded(const char *s, uint32_t *cp, size_t max, int *upper)
{
	size_t n = 0;
	*upper = 0;
	while (*s && n < max) {
		s += utf8_get(s, &cp[n]);
		*upper += cp[n] >= 'A' && cp[n] <= 'Z';
		if (cp[n] >= 'A' && cp[n] <= 'Z')
			cp[n] += 'a' - 'A';
		n++;
	}
	return n;
}

/* Strokes a table's border or a speck reads as, after a model's end. */
static int stroke_like(uint32_t cp)
{
	return cp == '1' || cp == 'l' || cp == 'i' || cp == 'j' || cp == '|' || cp == '!' || cp == ']' || cp == ')';
}

int fu_models_one(const char *a, const char *b)
{
	uint32_t ca[MODEL_MAX_CPS], cb[MODEL_MAX_CPS];
	int ua, ub;
	size_t na = model_folded(a, ca, MODEL_MAX_CPS, &ua), nb = model_folded(b, cb, MODEL_MAX_CPS, &ub);
	if (na == nb && memcmp(ca, cb, na * sizeof ca[0]) == 0)
		return strcmp(a, b) == 0 ? 0 : ua >= ub ? 1 : 2;
	if (na + 1 != nb && nb + 1 != na)
		return 0;
	if (ocr_edit_distance(ca, na, cb, nb, 1) != 1)
		return 0;
	const uint32_t *lng = na > nb ? ca : cb;
	size_t ns = na > nb ? nb : na, i = 0;
	while (i < ns && ca[i] == cb[i])
		i++;
	if (i == ns && !stroke_like(lng[ns]))
		return 0;	/* a letter more at the end: another model (H6, H6S) */
	return na < nb ? 1 : 2;
}

#define HS_LEAD_MARKS 3	/* specks of punctuation OCR puts before a code */

static int is_cjk_lead(unsigned char c) { return c >= 0xE4 && c <= 0xE9; }	/* U+4000..U+9FFF */

/* Chapter 87's motor vehicles by heading, and whether they are counted in
 * 辆 (tractors, 8701, are counted in 台). */
static const struct { const char *heading; int in_vehicles; } vehicle_headings[] = {
	{"8701", 0}, {"8702", 1}, {"8703", 1}, {"8704", 1}, {"8705", 1},
};

static int vehicle_heading(const char *hs)
{
	for (size_t i = 0; hs && i < sizeof vehicle_headings / sizeof vehicle_headings[0]; i++)
		if (strncmp(hs, vehicle_headings[i].heading, strlen(vehicle_headings[i].heading)) == 0)
			return (int)i;
	return -1;
}

int fu_hs_is_vehicle(const char *hs)
{
	return vehicle_heading(hs) >= 0;
}

int fu_hs_counted_in_vehicles(const char *hs)
{
	int k = vehicle_heading(hs);
	return k >= 0 && vehicle_headings[k].in_vehicles;
}

size_t fu_hs_code_lead(const char *s, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	int marks = 0;
	while (*u && !is_aalnum(*u) && !is_cjk_lead(*u) && marks < HS_LEAD_MARKS) {
		if (*u >= 0xC0 || *u < 0x80)
			marks++;
		u++;
	}
	size_t digits = 0;
	int splits = 0;
	char got[FU_HS_DIGITS + 1];
	for (;;) {
		while (is_adigit(*u) && digits < FU_HS_DIGITS)
			got[digits++] = (char)*u++;
		if (is_adigit(*u))
			return 0;	/* longer than a code */
		size_t group = 0;	/* the digits of a group after one space */
		while (u[0] == ' ' && is_adigit(u[1 + group]))
			group++;
		if (*u != ' ' || group == 0 || splits >= FU_HS_MAX_SPLITS || digits + group > FU_HS_DIGITS ||
		    digits >= FU_HS_DIGITS)
			break;
		splits++;
		u++;
	}
	if (digits < FU_HS_DIGITS_OLD || !(*u == '\0' || *u == ' ' || is_cjk_lead(*u)) || cap <= digits)
		return 0;
	memcpy(out, got, digits);
	out[digits] = '\0';
	return digits;
}

static int cmp_float_asc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

size_t fu_merge_row_starts(float *ys, size_t n, float tol)
{
	if (n == 0)
		return 0;
	qsort(ys, n, sizeof *ys, cmp_float_asc);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (ys[i] - ys[k - 1] > tol)
			ys[k++] = ys[i];
	return k;
}

size_t fu_quantity_starts(const char *text, size_t *starts, size_t max)
{
	size_t n = 0;
	const unsigned char *u = (const unsigned char *)text;
	int after_unit = 0;	/* the last character that is not a space was a unit's (not ASCII) */
	for (size_t i = 0; u[i] && n < max; i++) {
		if (is_adigit(u[i]) && (i == 0 || after_unit))
			starts[n++] = i;
		if (u[i] != ' ' && u[i] != '/' && (u[i] & 0xC0) != 0x80)
			after_unit = u[i] >= 0x80;
	}
	return n;
}

void fu_join_digit_groups(char *s)
{
	size_t spaces = 0;
	for (const char *c = s; *c; c++) {
		if (*c == ' ')
			spaces++;
		else if (!is_adigit((unsigned char)*c) && *c != '.' && *c != ',')
			return;
	}
	if (spaces == 0 || spaces > FU_MAX_DIGIT_SPLITS)
		return;
	char *w = s;
	for (const char *c = s; *c; c++)
		if (*c != ' ' || !(c > s && is_adigit((unsigned char)c[-1]) && is_adigit((unsigned char)c[1])))
			*w++ = *c;
	*w = '\0';
}

void fu_mend_cents(char *s)
{
	size_t i = 0;
	while (is_adigit((unsigned char)s[i]))
		i++;
	size_t whole = i;
	if (whole == 0)
		return;
	if (s[i] == ' ')
		i++;
	if (!s[i] || !strchr(".:;,", s[i]))
		return;
	i++;
	if (s[i] == ' ')
		i++;
	size_t cents = i;
	while (is_adigit((unsigned char)s[i]))
		i++;
	if (s[i] || i - cents != FU_CENTS_DIGITS)
		return;
	s[whole] = '.';
	memmove(s + whole + 1, s + cents, FU_CENTS_DIGITS + 1);
}

#define LOOSE_MAX_JUNK 2	/* characters other than digits and spaces a loose reading allows */
#define ITEM_NO_MAX_DIGITS 3

/* The digits of text up to where a name starts (two Chinese characters in
 * a row), into out (cap); the other characters but spaces counted in *junk.
 * Returns the number of digits (0 when they do not fit). */
static size_t loose_digits(const char *text, char *out, size_t cap, int *junk)
{
	size_t n = 0;
	*junk = 0;
	const unsigned char *u = (const unsigned char *)text;
	while (*u) {
		uint32_t cp, next = 0;
		size_t k = utf8_get((const char *)u, &cp);
		if (u[k])
			utf8_get((const char *)u + k, &next);
		if (cp >= 0x4E00 && cp <= 0x9FFF && next >= 0x4E00 && next <= 0x9FFF)
			break;
		if (is_adigit(*u)) {
			if (n + 1 >= cap)
				return 0;
			out[n++] = (char)*u;
		} else if (*u != ' ') {
			(*junk)++;
		}
		u += k;
	}
	out[n] = '\0';
	return n;
}

size_t fu_hs_code_loose(const char *s, char *out, size_t cap)
{
	char d[FU_HS_DIGITS + 2];
	int junk;
	size_t n = loose_digits(s, d, sizeof d, &junk);
	if (n < FU_HS_DIGITS_OLD || n > FU_HS_DIGITS || junk > LOOSE_MAX_JUNK || cap <= n)
		return 0;
	memcpy(out, d, n + 1);
	return n;
}

int fu_item_no_loose(const char *s, long *out)
{
	char d[ITEM_NO_MAX_DIGITS + 2];
	int junk;
	size_t n = loose_digits(s, d, sizeof d, &junk);
	if (n == 0 || n > ITEM_NO_MAX_DIGITS || junk > LOOSE_MAX_JUNK)
		return 0;
	/* one group of digits: "了 3", not "1 2" */
	const char *first = strpbrk(s, "0123456789");
	if (strspn(first, "0123456789") != n)
		return 0;
	*out = strtol(d, NULL, 10);
	return *out > 0;
}
