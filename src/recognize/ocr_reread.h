/* The third pass of OCR (ocr.c): numbers read again alone. The choices
 * around Tesseract, pure (no Tesseract, no I/O): which words are worth
 * reading again, which of them run together into one, whether a second
 * reading replaces the first, and putting it in place of the first in the
 * page's glyphs. */
#ifndef KOUAN_RECOGNIZE_OCR_REREAD_H
#define KOUAN_RECOGNIZE_OCR_REREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "recognize/layout.h"

#define OCR_REREAD_MAX_CHARS 256	/* characters of one run read again, at most */
#define OCR_REREAD_MAX_GLYPHS 200000	/* glyphs of a page (ocr.c's OCR_MAX_GLYPHS) */

/* A second reading: glyphs in points, in reading order. */
struct ocr_reread {
	struct rec_glyph g[OCR_REREAD_MAX_CHARS];
	size_t n;
};

/* A word of the page (glyphs [a, b) of its array, no space) or the box of a
 * run of them (points). */
struct ocr_word_run {
	size_t a, b;
	float x0, x1, y0, y1;
};

/* Glyphs [a, b) are worth reading again as a number: ASCII only (no
 * ideograph, no | of a declaration's elements, no word in small letters,
 * not a code in brackets), at least four letters and digits of which four in
 * five are digits, and junk inside or a character read below 0.9.
 * *digits gets whether it is mostly digits. */
bool ocr_reread_worthy(const struct rec_glyph *g, size_t a, size_t b, bool *digits);

/* Whether the second reading got replaces the first, old[0, n_old): got must
 * be read at 0.6 or more, and either be a valid 18-digit declaration number
 * where the first is not, or the first held junk (a character that is
 * neither a letter, a digit nor . , - / :) and got has as many letters and
 * digits, give or take one. Punctuation that the second reading has at an
 * end where the first has none is taken off got first. */
bool ocr_reread_better(const struct rec_glyph *old, size_t n_old, struct ocr_reread *got);

/* The page's words of ASCII only, at most max, sorted in reading order
 * (line by line, left to right). */
size_t ocr_ascii_words(const struct rec_page *out, struct ocr_word_run *w, size_t max);

/* How many words from w[k] on run together: on one line with less than a
 * fifth of its height between them (a number read in two pieces). */
size_t ocr_run_length(const struct ocr_word_run *w, size_t n, size_t k);

/* ---- a foreign firm's name in Cyrillic letters, read again with rus ----
 * chi_sim reads ОсОО "БИШКЕК ТРЕЙД" as Latin look-alikes and junk
 * ("OcOO"6WU山 KEK TPEJA""). A run of words holding a quote and mostly Latin
 * letters is read again by Tesseract's Russian model; the reading replaces
 * it when it holds letters only Cyrillic has. */
#define OCR_NAME_JOIN 1.2f	/* words of one name: less than this many line heights apart */
#define OCR_NAME_SAME_LINE 0.5f	/* ... their middles less than this many line heights apart */
#define OCR_NAME_MIN_LETTERS 6	/* Latin letters the first reading holds at least */
#define OCR_NAME_MAX_HAN 2	/* ideographs it may hold (junk: 山) */
#define OCR_NAME_LETTER_SHARE 3	/* other characters than letters and quotes: at most a third as many */
#define OCR_NAME_MIN_CYRILLIC_ONLY 2	/* letters of the second reading no Latin letter looks like */
#define OCR_NAME_CYRILLIC_SHARE 8	/* ... at least an eighth of its Cyrillic letters and look-alikes */
#define OCR_NAME_MIN_CONF 0.6f	/* its mean confidence */

/* The page's words of any script, in reading order. */
size_t ocr_words(const struct rec_page *out, struct ocr_word_run *w, size_t max);

/* How many words of out from w[k] on are one name: each holding a Latin
 * letter or a quote and at most one ideograph, on one line, less than
 * OCR_NAME_JOIN line heights apart; 0 when w[k] is no such word. */
size_t ocr_name_run(const struct rec_page *out, const struct ocr_word_run *w, size_t n, size_t k);

/* The first reading of a run, g[0, n), is worth reading again as a name: a
 * quote, OCR_NAME_MIN_LETTERS Latin letters or more, few ideographs and
 * marks. */
bool ocr_name_worthy(const struct rec_glyph *g, size_t n);

/* The second reading is a name in Cyrillic letters: letters only Cyrillic
 * has (two or more, an eighth of its Cyrillic letters and Latin look-alikes),
 * few digits, other Latin letters or ideographs, read with
 * OCR_NAME_MIN_CONF on average. */
bool ocr_name_cyrillic(const struct ocr_reread *got);

/* The glyphs of words w[0, m) in reading order into buf (at most cap); their
 * joint box into *box. Returns how many. */
size_t ocr_run_glyphs(const struct rec_page *out, const struct ocr_word_run *w, size_t m, struct rec_glyph *buf,
	size_t cap, struct ocr_word_run *box);

/* Mark the glyphs of words w[0, m) (and the spaces between them) taken out,
 * and keep got's glyphs in *add (grown as needed). false: out of memory. */
bool ocr_swap_in(struct rec_page *out, const struct ocr_word_run *w, size_t m, const struct ocr_reread *got,
	struct rec_glyph **add, size_t *n_add, size_t *cap_add);

/* The page's glyphs without those taken out, then add[0, n_add); *cap is
 * the glyph array's capacity. false: out of memory. */
bool ocr_settle(struct rec_page *out, size_t *cap, const struct rec_glyph *add, size_t n_add);

#endif
