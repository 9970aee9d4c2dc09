/* Which way up a scanned page lies (ocr_orient.c). */
#ifndef KOUAN_RECOGNIZE_OCR_ORIENT_H
#define KOUAN_RECOGNIZE_OCR_ORIENT_H

struct Pix;

/* Quarter turns clockwise (0..3) that set the grey page image at dpi
 * upright (0 when a library fails). */
int ocr_orient_page(struct Pix *grey, float dpi);

#endif
