/* OCR of a page image with Tesseract (chi_sim), for pages without a text layer.
 * Re-entrant: one Tesseract handle per call (or per thread), nothing global. */
#ifndef KOUAN_RECOGNIZE_OCR_H
#define KOUAN_RECOGNIZE_OCR_H

#include "core/error.h"
#include "recognize/layout.h"

/* An 8-bit grey page image, rows top to bottom. */
struct rec_raster {
	const uint8_t *pixels;
	int width, height, stride;
	float dpi;
};

/* Deskew and read one page image. On K_OK, out holds glyphs (one per
 * recognised character, U+0020 between words) with boxes converted to points
 * of the unrotated raster, and conf from the recogniser; the caller frees it
 * with rec_page_free. deadline_ms is CLOCK_MONOTONIC milliseconds after which
 * the call gives up with K_RESOURCE_LIMIT. */
enum kerr rec_ocr_page(const struct rec_raster *img, int64_t deadline_ms, struct rec_page *out) KOUAN_MUST_USE;

#endif
