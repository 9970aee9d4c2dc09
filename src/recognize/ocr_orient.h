/* Which way up a scanned page lies (ocr_orient.c). */
#ifndef KOUAN_RECOGNIZE_OCR_ORIENT_H
#define KOUAN_RECOGNIZE_OCR_ORIENT_H

struct Pix;
struct TessBaseAPI;

/* Quarter turns clockwise (0..3) that set the grey page image at dpi
 * upright (0 when there is too little text to tell). api is an initialised
 * chi_sim handle; its page segmentation mode and image are changed. */
int ocr_orient_page(struct TessBaseAPI *api, struct Pix *grey, float dpi);

#endif
