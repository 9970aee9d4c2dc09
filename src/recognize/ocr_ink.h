/* The ink of a grey page image as a 1-bit image (ocr_ink.c). */
#ifndef KOUAN_RECOGNIZE_OCR_INK_H
#define KOUAN_RECOGNIZE_OCR_INK_H

#include <leptonica/allheaders.h>

/* A 1 bpp image of grey's size: a pixel set where grey (8 bpp, no colour
 * map) is darker than below (1..255). The same image as Leptonica's
 * pixConvertTo1(grey, below), made about ten times faster (a 300 dpi page
 * is converted three times). NULL on bad input or out of memory. */
PIX *ocr_ink(PIX *grey, int below);

#endif
