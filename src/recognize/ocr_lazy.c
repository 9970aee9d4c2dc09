/* Tesseract and Leptonica, loaded the first time a page needs OCR
 * (core/lazylib.h): reading a text PDF does not pay 13 ms to load them.
 *
 * Loading late also lets OMP_THREAD_LIMIT take effect: libgomp reads it once,
 * when it is loaded, and Tesseract's LSTM run on several OpenMP threads is
 * ten times slower on a shared 2-core machine (STACK.md gotcha 6). */
#include <stdlib.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include <zbar.h>

#include "core/lazylib.h"
#include "recognize/ocr.h"

static void one_openmp_thread(void)
{
	setenv("OMP_THREAD_LIMIT", "1", 0);	/* the user's own setting stands */
}

LAZYLIB_BEFORE(libtess, "libtesseract.so.5", one_openmp_thread);
LAZYLIB_BEFORE(liblept, "liblept.so.5", one_openmp_thread);
LAZYLIB(libzbar, "libzbar.so.0");	/* bar codes (ocr_code.c): optional */

int rec_ocr_available(void)
{
	return lazylib_available(&liblept) && lazylib_available(&libtess);
}

int ocr_codes_available(void)
{
	return lazylib_available(&libzbar);
}

/* The entry point: NULL when the libraries are not installed. */
TessBaseAPI *TessBaseAPICreate(void)
{
	if (!rec_ocr_available())
		return NULL;
	TessBaseAPI *(*create)(void) = (TessBaseAPI * (*)(void)) lazylib_sym(&libtess, "TessBaseAPICreate");
	return create();
}

LAZY_VOID(libtess, TessBaseAPIDelete, (TessBaseAPI *h), (h))
LAZY_VOID(libtess, TessBaseAPIEnd, (TessBaseAPI *h), (h))
LAZY_VOID(libtess, TessBaseAPIClear, (TessBaseAPI *h), (h))
LAZY(libtess, int, TessBaseAPIInit3, (TessBaseAPI *h, const char *datapath, const char *language), (h, datapath, language))
LAZY(libtess, int, TessBaseAPIRecognize, (TessBaseAPI *h, ETEXT_DESC *monitor), (h, monitor))
LAZY_VOID(libtess, TessBaseAPISetImage2, (TessBaseAPI *h, struct Pix *pix), (h, pix))
LAZY_VOID(libtess, TessBaseAPISetRectangle, (TessBaseAPI *h, int l, int t, int w, int hh), (h, l, t, w, hh))
LAZY_VOID(libtess, TessBaseAPISetPageSegMode, (TessBaseAPI *h, TessPageSegMode mode), (h, mode))
LAZY_VOID(libtess, TessBaseAPISetSourceResolution, (TessBaseAPI *h, int ppi), (h, ppi))
LAZY(libtess, BOOL, TessBaseAPISetVariable, (TessBaseAPI *h, const char *name, const char *value), (h, name, value))
LAZY(libtess, TessResultIterator *, TessBaseAPIGetIterator, (TessBaseAPI *h), (h))
LAZY_VOID(libtess, TessDeleteText, (const char *text), (text))
LAZY(libtess, ETEXT_DESC *, TessMonitorCreate, (void), ())
LAZY_VOID(libtess, TessMonitorDelete, (ETEXT_DESC *m), (m))
LAZY_VOID(libtess, TessMonitorSetCancelFunc, (ETEXT_DESC *m, TessCancelFunc f), (m, f))
LAZY_VOID(libtess, TessMonitorSetCancelThis, (ETEXT_DESC *m, void *p), (m, p))
LAZY_VOID(libtess, TessMonitorSetDeadlineMSecs, (ETEXT_DESC *m, int ms), (m, ms))
LAZY(libtess, BOOL, TessPageIteratorBoundingBox,
	(const TessPageIterator *h, TessPageIteratorLevel level, int *left, int *top, int *right, int *bottom),
	(h, level, left, top, right, bottom))
LAZY(libtess, BOOL, TessPageIteratorIsAtBeginningOf, (const TessPageIterator *h, TessPageIteratorLevel level), (h, level))
LAZY(libtess, float, TessResultIteratorConfidence, (const TessResultIterator *h, TessPageIteratorLevel level), (h, level))
LAZY_VOID(libtess, TessResultIteratorDelete, (TessResultIterator *h), (h))
LAZY(libtess, TessPageIterator *, TessResultIteratorGetPageIterator, (TessResultIterator *h), (h))
LAZY(libtess, char *, TessResultIteratorGetUTF8Text, (const TessResultIterator *h, TessPageIteratorLevel level), (h, level))
LAZY(libtess, int, TessBaseAPIMeanTextConf, (TessBaseAPI *h), (h))
LAZY(libtess, BOOL, TessResultIteratorNext, (TessResultIterator *h, TessPageIteratorLevel level), (h, level))

LAZY_VOID(liblept, boxDestroy, (BOX **b), (b))
LAZY_VOID(liblept, boxaDestroy, (BOXA **b), (b))
LAZY(liblept, BOX *, boxaGetBox, (BOXA *b, l_int32 i, l_int32 flag), (b, i, flag))
LAZY(liblept, l_int32, boxaGetCount, (BOXA *b), (b))
LAZY(liblept, PIX *, pixClone, (PIX *p), (p))
LAZY(liblept, BOXA *, pixConnComp, (PIX *p, PIXA **pa, l_int32 connectivity), (p, pa, connectivity))
LAZY(liblept, PIX *, pixConvertTo1, (PIX *p, l_int32 threshold), (p, threshold))
LAZY(liblept, PIX *, pixCopy, (PIX *d, const PIX *s), (d, s))
LAZY(liblept, PIX *, pixCreate, (l_int32 w, l_int32 h, l_int32 depth), (w, h, depth))
LAZY_VOID(liblept, pixDestroy, (PIX **p), (p))
LAZY(liblept, PIX *, pixDilateBrick, (PIX *d, PIX *s, l_int32 hsize, l_int32 vsize), (d, s, hsize, vsize))
LAZY(liblept, l_ok, pixFindSkew, (PIX *p, l_float32 *angle, l_float32 *conf), (p, angle, conf))
LAZY(liblept, l_uint32 *, pixGetData, (PIX *p), (p))
LAZY(liblept, l_int32, pixGetWpl, (const PIX *p), (p))
LAZY(liblept, PIX *, pixCloseBrick, (PIX *d, PIX *s, l_int32 hsize, l_int32 vsize), (d, s, hsize, vsize))
LAZY(liblept, PIX *, pixSubtract, (PIX *d, PIX *s1, PIX *s2), (d, s1, s2))
LAZY(liblept, PIX *, pixSelectBySize,
	(PIX *s, l_int32 w, l_int32 h, l_int32 conn, l_int32 type, l_int32 relation, l_int32 *changed),
	(s, w, h, conn, type, relation, changed))
LAZY(liblept, l_ok, pixRasterop,
	(PIX *d, l_int32 dx, l_int32 dy, l_int32 dw, l_int32 dh, l_int32 op, PIX *s, l_int32 sx, l_int32 sy),
	(d, dx, dy, dw, dh, op, s, sx, sy))
LAZY(liblept, BOXA *, boxaCreate, (l_int32 n), (n))
LAZY(liblept, l_ok, boxaAddBox, (BOXA *b, BOX *box, l_int32 flag), (b, box, flag))
LAZY(liblept, PIX *, pixOpenCompBrick, (PIX *d, PIX *s, l_int32 hsize, l_int32 vsize), (d, s, hsize, vsize))
LAZY(liblept, PIX *, pixOpenBrick, (PIX *d, PIX *s, l_int32 hsize, l_int32 vsize), (d, s, hsize, vsize))
LAZY(liblept, PIX *, pixOr, (PIX *d, PIX *s1, PIX *s2), (d, s1, s2))
LAZY(liblept, PIX *, pixRotate,
	(PIX *p, l_float32 angle, l_int32 type, l_int32 incolor, l_int32 width, l_int32 height),
	(p, angle, type, incolor, width, height))
LAZY(liblept, PIX *, pixScaleAreaMap, (PIX *p, l_float32 sx, l_float32 sy), (p, sx, sy))
LAZY(liblept, PIX *, pixScaleGrayLI, (PIX *p, l_float32 sx, l_float32 sy), (p, sx, sy))
LAZY(liblept, PIX *, pixBlockconvGray, (PIX *p, PIX *acc, l_int32 wc, l_int32 hc), (p, acc, wc, hc))
LAZY(liblept, l_ok, pixSetMasked, (PIX *d, PIX *m, l_uint32 val), (d, m, val))
LAZY(liblept, l_ok, pixSetResolution, (PIX *p, l_int32 xres, l_int32 yres), (p, xres, yres))
LAZY(liblept, PIX *, pixRead, (const char *path), (path))
LAZY(liblept, PIX *, pixConvertTo8, (PIX *p, l_int32 cmapflag), (p, cmapflag))
LAZY(liblept, l_int32, pixGetWidth, (const PIX *p), (p))
LAZY(liblept, l_int32, pixGetHeight, (const PIX *p), (p))
LAZY(liblept, l_int32, pixGetXRes, (const PIX *p), (p))
LAZY(liblept, PIX *, pixRotateOrth, (PIX *p, l_int32 quads), (p, quads))
LAZY(liblept, PIX *, pixClipRectangle, (PIX *p, BOX *b, BOX **pb), (p, b, pb))
LAZY(liblept, PIX *, pixReduceRankBinaryCascade, (PIX *p, l_int32 l1, l_int32 l2, l_int32 l3, l_int32 l4),
	(p, l1, l2, l3, l4))
LAZY(liblept, PIX *, pixSeedfillBinary, (PIX *d, PIX *s, PIX *m, l_int32 connectivity), (d, s, m, connectivity))
LAZY(liblept, l_int32, pixGetDepth, (const PIX *p), (p))
LAZY(liblept, PIXCMAP *, pixGetColormap, (PIX *p), (p))
LAZY(liblept, l_int32, pixCopyResolution, (PIX *d, const PIX *s), (d, s))
LAZY(liblept, BOX *, boxCreate, (l_int32 x, l_int32 y, l_int32 w, l_int32 h), (x, y, w, h))

LAZY(libzbar, zbar_image_scanner_t *, zbar_image_scanner_create, (void), ())
LAZY_VOID(libzbar, zbar_image_scanner_destroy, (zbar_image_scanner_t *s), (s))
LAZY(libzbar, int, zbar_image_scanner_set_config,
	(zbar_image_scanner_t *s, zbar_symbol_type_t sym, zbar_config_t cfg, int value), (s, sym, cfg, value))
LAZY(libzbar, int, zbar_scan_image, (zbar_image_scanner_t *s, zbar_image_t *img), (s, img))
LAZY(libzbar, zbar_image_t *, zbar_image_create, (void), ())
LAZY_VOID(libzbar, zbar_image_destroy, (zbar_image_t *img), (img))
LAZY_VOID(libzbar, zbar_image_set_format, (zbar_image_t *img, unsigned long format), (img, format))
LAZY_VOID(libzbar, zbar_image_set_size, (zbar_image_t *img, unsigned w, unsigned h), (img, w, h))
LAZY_VOID(libzbar, zbar_image_set_data,
	(zbar_image_t *img, const void *data, unsigned long len, zbar_image_cleanup_handler_t *cleanup),
	(img, data, len, cleanup))
LAZY(libzbar, const zbar_symbol_t *, zbar_image_first_symbol, (const zbar_image_t *img), (img))
LAZY(libzbar, const zbar_symbol_t *, zbar_symbol_next, (const zbar_symbol_t *s), (s))
LAZY(libzbar, const char *, zbar_symbol_get_data, (const zbar_symbol_t *s), (s))
LAZY(libzbar, unsigned int, zbar_symbol_get_data_length, (const zbar_symbol_t *s), (s))
