/* The ink of a grey page image as a 1-bit image (ocr_ink.c). */
#ifndef KOUAN_RECOGNIZE_OCR_INK_H
#define KOUAN_RECOGNIZE_OCR_INK_H

#include <stdint.h>

#include <leptonica/allheaders.h>

/* A 1 bpp image of grey's size: a pixel set where grey (8 bpp, no colour
 * map) is darker than below (1..255). The same image as Leptonica's
 * pixConvertTo1(grey, below), made about ten times faster (a 300 dpi page
 * is converted three times). NULL on bad input or out of memory. */
PIX *ocr_ink(PIX *grey, int below);

/* An 8 bpp image of a grey raster (w x h bytes, rows stride bytes apart),
 * four pixels a word at a time. NULL on bad input or out of memory. */
PIX *ocr_grey(const uint8_t *pixels, int w, int h, int stride);

/* An 8 bpp image of a grey raster (w x h bytes, rows stride bytes apart)
 * smoothed by a 3x3 mean: the same image as Leptonica's
 * pixBlockconvGray(pix, NULL, 1, 1) of the raster's copy (its quirks at the
 * border included), made without the copy nor the 32-bit accumulator of the
 * whole page (a 300 dpi page's is 35 MB). NULL on bad input (under 3 pixels
 * a side) or out of memory. */
PIX *ocr_mean3(const uint8_t *pixels, int w, int h, int stride);

/* grey (8 bpp, no colour map) rotated about its centre by angle radians
 * (clockwise; |angle| up to 45 degrees), white brought in: the same image as
 * Leptonica's pixRotate(grey, angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0,
 * 0) (a clone of grey under a thousandth of a radian, as there), faster on a
 * page of white paper: a stretch of a row whose source pixels are all white
 * (255) is written white at once. NULL on bad input or out of memory. */
PIX *ocr_rotate(PIX *grey, float angle);

#endif
