/* Which way up a scanned page lies (ocr_orient.c). */
#ifndef KOUAN_RECOGNIZE_OCR_ORIENT_H
#define KOUAN_RECOGNIZE_OCR_ORIENT_H

struct Pix;
struct TessBaseAPI;

/* Quarter turns clockwise (0..3) that set the grey page image at dpi
 * upright (0 when there is too little text to tell). api is an initialised
 * chi_sim handle; its page segmentation mode and image are changed. */
int ocr_orient_page(struct TessBaseAPI *api, struct Pix *grey, float dpi);

/* The same in steps, for a reader that reads an upright-looking page first
 * and asks which way up only when that reading leaves a doubt (ocr.c):
 * begin finds the text lines along both axes from the ink alone (cheap),
 * axis tells which way they run, choose reads a few of them with api (as
 * ocr_orient_page). begin returns NULL when out of memory; end frees. */
enum ocr_axis {
	OCR_AXIS_NONE,	/* too few text lines to tell */
	OCR_AXIS_ROWS,	/* lines run across the page: upright or upside down */
	OCR_AXIS_COLUMNS,	/* lines run up and down: turned a quarter either way */
};
struct ocr_orient;
struct ocr_orient *ocr_orient_begin(struct Pix *grey, float dpi);
enum ocr_axis ocr_orient_axis(const struct ocr_orient *o);
int ocr_orient_choose(struct ocr_orient *o, struct TessBaseAPI *api);
void ocr_orient_end(struct ocr_orient *o);

#endif
