/* OCR of a page image with Tesseract (chi_sim), for pages without a text layer.
 * Re-entrant: the Tesseract handles are the call's own (or the document's:
 * rec_ocr_engines), nothing global. */
#ifndef KOUAN_RECOGNIZE_OCR_H
#define KOUAN_RECOGNIZE_OCR_H

#include <stdbool.h>

#include "core/error.h"
#include "recognize/layout.h"

/* An 8-bit grey page image, rows top to bottom. */
struct rec_raster {
	const uint8_t *pixels;
	int width, height, stride;
	float dpi;
	float scan_dpi;	/* the resolution the page was scanned at, when known (else 0) */
	bool scan_bilevel;	/* the scan is known to be black and white (one bit a pixel) */
	bool scan_grey;	/* ... or known to be grey (more bits a pixel) */
};

/* Deskew and read one page image. On K_OK, out holds glyphs (one per
 * recognised character, U+0020 between words) with boxes converted to points
 * of the unrotated raster, and conf from the recogniser; the caller frees it
 * with rec_page_free. deadline_ms is rec_now_ms() milliseconds (the thread's CPU time) after which
 * the call gives up with K_RESOURCE_LIMIT.
 * A page lying sideways or upside down is first turned upright by quarter
 * turns (ocr_orient.c): out->rotation says how far (degrees clockwise), and
 * the raster's "own frame" below is the turned one.
 * Also (ocr.c): "unrotated" means the raster's own frame, with the small scan
 * skew (under 5 degrees) removed by a rotation about the page centre, so text
 * lines run level; out->rules gets the ruling lines found in the image (points,
 * same frame); out->width/height are the raster's size in points. Any dpi
 * from 50 to 1200 is taken. The page is read at its scan resolution kept
 * between 200 and 300 dpi (200 when scan_dpi is 0; a grey scan at 200 at
 * most, where it reads as well at less cost): the fine strokes of a
 * 300 dpi black-and-white scan are lost at 200, and chi_sim reads a 200 dpi
 * grey scan worse once enlarged. A grey scan under 200 dpi is read at 300
 * (measured on generated 150 dpi scans: better than at 200 or 250), a
 * black-and-white one smoothed first and read at 250, and a 200 dpi
 * black-and-white scan smoothed and read at 300 (issue 13). A scan is black
 * and white when its PDF image is one bit a pixel, or, its bits unknown,
 * when hardly any pixel is grey. On a black-and-white scan (that, or
 * scan_bilevel) the faint grey of thin ruling lines counts as line. Numbers
 * read doubtfully (junk inside, a character under 0.9) are cut out and read
 * again alone by eng when it is installed (ocr.c's third pass, ocr_reread.c
 * decides); their glyphs then carry at most 0.85. Other errors: K_NO_TEXT when the image holds no readable text (a
 * photo, a blank page), K_RESOURCE_LIMIT for an image over 120 megapixels,
 * K_INTERNAL when Tesseract or its chi_sim data cannot be loaded. */
enum kerr rec_ocr_page(const struct rec_raster *img, int64_t deadline_ms, struct rec_page *out) KOUAN_MUST_USE;

/* The Tesseract handles (chi_sim, and eng for the third pass) that the pages
 * of one document share, each loaded when a page first needs it: loading them
 * costs some 0.15 s of CPU a page otherwise; and the declaration numbers its
 * pages' bar codes gave (a later page repeating one is not searched for bar
 * codes again). One thread at a time. NULL when out of memory. */
struct rec_ocr_engines;
struct rec_ocr_engines *rec_ocr_engines_new(void);
void rec_ocr_engines_free(struct rec_ocr_engines *e);

/* rec_ocr_page with the engines given (rec_ocr_page makes its own). */
enum kerr rec_ocr_page_with(struct rec_ocr_engines *engines, const struct rec_raster *img, int64_t deadline_ms,
	struct rec_page *out) KOUAN_MUST_USE;

/* The resolution rec_ocr_page reads img at (above), 0 for an image it refuses. */
float rec_ocr_work_dpi(const struct rec_raster *img);

/* 1 when Tesseract and Leptonica can be loaded (they are, on the first call). */
int rec_ocr_available(void);

#endif
