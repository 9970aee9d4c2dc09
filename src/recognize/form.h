/* The form reader's picture of a page: glyphs grouped into line pieces, the
 * labels found at their starts, and helpers to read the text of a region.
 * Shared by text.c (geometry) and fields.c (meaning). */
#ifndef KOUAN_RECOGNIZE_FORM_H
#define KOUAN_RECOGNIZE_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "core/utf8.h"

#include "recognize/internal.h"
#include "recognize/layout.h"

#define FORM_MAX_TEXT (256u * 1024)	/* bytes of one cell's or the remarks' text */
#define FORM_CELL_GAP 1.6f		/* a gap wider than this many font sizes separates cells */
#define FORM_WORD_GAP 0.22f		/* a gap wider than this many font sizes is a word space */
#define FORM_CJK_GAP 0.8f		/* ... and next to a Chinese character */
#define FORM_MAX_LINES 400		/* lines of one region */

struct sbuf {
	char *s;
	size_t len, cap;
};
void sb_init(struct sbuf *b);
void sb_free(struct sbuf *b);
void sb_add(struct sbuf *b, const char *s, size_t n);
void sb_adds(struct sbuf *b, const char *s);
void sb_addcp(struct sbuf *b, uint32_t cp);
const char *sb_str(const struct sbuf *b);

/* A piece of a visual line: glyphs [g0, g0+n) of the page, left to right,
 * with no gap wider than FORM_CELL_GAP font sizes. */
struct fline {
	size_t g0, n;
	float x0, y0, x1, y1, size;
};

struct label_def {
	int id;
	const char *text;	/* normalised (ASCII brackets and colons), no spaces */
	int run_on;		/* may follow another run-on label on one line piece after its value
				 * (the footer: "报关人员：王军 报关人员证号：… 电话：…") */
	int ocr;		/* how OCR text may misread it (enum label_ocr) */
};

/* How a label is matched in OCR text when it was not read exactly. */
enum label_ocr {
	LABEL_OCR_FUZZY = 0,	/* four or more characters: a few edits (find_labels) */
	LABEL_OCR_EXACT,	/* never guessed (the import form's labels: a guess would refuse the file) */
	LABEL_OCR_SHORT,	/* two or three characters: one misread, when it is its line piece's whole text */
};

struct flabel {
	int id;
	size_t line;
	size_t g_start, g_end;	/* the label's glyphs */
	size_t after;		/* first glyph after the label, its code and colon */
	float x0, y0, x1, y1, size;	/* y0, y1: the label's first line */
	float tail_y0, y_end;	/* the top of its last line (where a value beside it stands) and its bottom */
	float value_x;		/* where a value on the same line may start */
	char code[64];		/* the code in brackets after the label, if any */
	int colon;
	int live;		/* still considered a label (not inside another cell's text) */
	int weak;		/* pieced together from a one-character line (项 / 号): no evidence of
				 * the page's orientation */
};

/* OCR (issue 13): a line piece read as two labels equally closely (天重(千克)
 * one misread from both 毛重(千克) and 净重(千克)): no label, but the
 * grid's rows may tell which it is (infer_tied_labels). */
struct label_tie {
	size_t line, start, n;	/* the piece's glyphs [start, start + n) on line piece `line` */
	int id[2];
};

struct fpage {
	float w, h;
	struct rec_glyph *g;
	size_t ng;
	struct fline *lines;
	size_t nl;
	struct flabel *labels;
	size_t nlab;
	const struct rec_rule *rules;
	size_t nrules;
	struct rec_rule *own_rules;	/* the rules turned with the page, or NULL */
	int quarter;		/* quarter turns clockwise applied to the source page */
	int has_spaces;		/* the producer writes its word spaces as glyphs */
	struct label_tie *ties;	/* OCR: pieces two labels match equally (find_labels) */
	size_t nties;
};

/* A line of a region's text. */
struct rline {
	struct sbuf text;
	float x0, y0, x1, y1, size;
};

void fpage_init(struct fpage *p, const struct rec_page *src);
/* The same, with the page turned by quarter quarter-turns clockwise (a print
 * whose text runs down or upside down in the page's display orientation). */
void fpage_init_turned(struct fpage *p, const struct rec_page *src, int quarter);
void fpage_free(struct fpage *p);
void find_labels(struct fpage *p, const struct label_def *defs, size_t ndefs);
/* A label of id at glyphs [start, start + n) of line piece li, found after
 * find_labels (a label OCR half-read), with its code and colon as
 * find_labels reads them; p->labels grows by one (pointers into it move). */
const struct flabel *form_label_add(struct fpage *p, size_t li, int id, size_t start, size_t n);
void glyph_text(const struct fpage *p, size_t g0, size_t n, struct sbuf *out, int spaces);
float rule_wall(const struct fpage *p, float x, float y, int dir);
float rule_floor(const struct fpage *p, float x, float y);
float rule_ceiling(const struct fpage *p, float x, float y);
size_t region_lines(const struct fpage *p, float x0, float y0, float x1, float y1,
	struct rline *out, size_t max, float *conf);
size_t region_lines_mask(const struct fpage *p, float x0, float y0, float x1, float y1,
	const int *mask, int want, struct rline *out, size_t max, float *conf);
void rlines_free(struct rline *r, size_t n);

#endif
