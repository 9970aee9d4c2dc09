/* The QR code of a release token: libqrencode (opened on first use, like the
 * other libraries only some commands need: core/lazylib.h) in alphanumeric
 * mode (8-bit mode for other text: the second factor's otpauth:// URI), drawn as a 1-bit PNG with libpng (linked statically with MuPDF's
 * dependencies) and as SVG written from the module matrix. */
#include "release/release.h"

#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lazylib.h"
#include "core/log.h"

#define QR_QUIET_MODULES 4	/* the quiet zone ISO/IEC 18004 asks for */
#define QR_LEVEL QR_ECLEVEL_M	/* 15 % of the code may be lost (a scratched phone screen) */
#define QR_MODULE_PX_MAX 32
#define QR_DARK_BIT 1		/* libqrencode: bit 0 of each module byte is "dark" */
#define QR_ALNUM_ALPHABET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"	/* ISO/IEC 18004 table 5 */
#define PNG_BUFFER_MAX (4u << 20)	/* a token's PNG is a few KiB; bound it anyway */
#define SVG_MODULE_BYTES 32	/* "M123 123h1v1h-1z" and room, per dark module */
#define SVG_HEAD_BYTES 512

LAZYLIB(libqrencode, "libqrencode.so.4");

static QRinput *lazy_input_new(int version, QRecLevel level)
{
	if (!lazylib_available(&libqrencode))
		return NULL;
	QRinput *(*fn)(int, QRecLevel) = (QRinput * (*)(int, QRecLevel)) lazylib_sym(&libqrencode, "QRinput_new2");
	return fn(version, level);
}
LAZY(libqrencode, int, QRinput_append, (QRinput *in, QRencodeMode m, int size, const unsigned char *d), (in, m, size, d))
LAZY(libqrencode, QRcode *, QRcode_encodeInput, (QRinput *in), (in))
LAZY_VOID(libqrencode, QRinput_free, (QRinput *in), (in))
LAZY_VOID(libqrencode, QRcode_free, (QRcode *q), (q))

/* The QR alphanumeric alphabet (ISO/IEC 18004 table 5). */
static int alnum_ok(const char *text)
{
	size_t n = strnlen(text, RELEASE_TOKEN_CHARS + 1);
	if (n == 0 || n > RELEASE_TOKEN_CHARS)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strchr(QR_ALNUM_ALPHABET, text[i]) == NULL)
			return 0;
	return 1;
}

/* Text fit for 8-bit mode: 1 to RELEASE_QR_TEXT_MAX bytes. */
static int bytes_ok(const char *text)
{
	size_t n = strnlen(text, RELEASE_QR_TEXT_MAX + 1);
	return n > 0 && n <= RELEASE_QR_TEXT_MAX;
}

/* The code of text in mode (alphanumeric for tokens, 8-bit for other text);
 * the caller frees it with QRcode_free. */
static enum kerr encode(const char *text, QRencodeMode mode, QRcode **out)
{
	*out = NULL;
	if (mode == QR_MODE_AN ? !alnum_ok(text) : !bytes_ok(text))
		return K_VALIDATION_FAILED;
	QRinput *in = lazy_input_new(0, QR_LEVEL);
	if (in == NULL) {
		log_error("msg=\"libqrencode unavailable\"");
		return K_INTERNAL;
	}
	if (QRinput_append(in, mode, (int)strlen(text), (const unsigned char *)text) == 0)
		*out = QRcode_encodeInput(in);
	QRinput_free(in);
	return *out != NULL ? K_OK : K_INTERNAL;
}

static int module_dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & QR_DARK_BIT;
}

/* ---- PNG ---- */

struct membuf {
	uint8_t *data;
	size_t len, cap;
	int overflow;
};

static void png_write_mem(png_structp png, png_bytep data, png_size_t n)
{
	struct membuf *b = png_get_io_ptr(png);
	if (b->overflow || n > PNG_BUFFER_MAX - b->len) {
		b->overflow = 1;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (d == NULL) {
			b->overflow = 1;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

static void png_flush_mem(png_structp png)
{
	(void)png;
}

/* One pixel row of the image (1 bit a pixel, 1 = white). */
static void fill_row(const QRcode *q, int px, int y_img, uint8_t *row, size_t row_bytes)
{
	memset(row, 0xff, row_bytes);
	int y = y_img / px - QR_QUIET_MODULES;
	int size = (q->width + 2 * QR_QUIET_MODULES) * px;
	for (int x_img = 0; x_img < size; x_img++)
		if (module_dark(q, x_img / px - QR_QUIET_MODULES, y))
			row[x_img / 8] &= (uint8_t) ~(0x80u >> (x_img % 8));
}

/* Write the image of q into b; 0 on success. libpng reports errors by
 * longjmp, so nothing here owns memory across the setjmp but b and row. */
static int write_png(const QRcode *q, int px, struct membuf *b)
{
	int size = (q->width + 2 * QR_QUIET_MODULES) * px;
	size_t row_bytes = ((size_t)size + 7) / 8;
	uint8_t *volatile row = malloc(row_bytes);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	int rc = -1;
	if (row == NULL || png == NULL || info == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, b, png_write_mem, png_flush_mem);
	png_set_IHDR(png, info, (png_uint_32)size, (png_uint_32)size, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < size; y++) {
		fill_row(q, px, y, row, row_bytes);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	rc = b->overflow ? -1 : 0;
out:
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	free(row);
	return rc;
}

static enum kerr qr_png(const char *text, QRencodeMode mode, int module_px, uint8_t **png, size_t *png_len)
{
	*png = NULL;
	*png_len = 0;
	if (module_px < 1 || module_px > QR_MODULE_PX_MAX)
		return K_VALIDATION_FAILED;
	QRcode *q = NULL;
	enum kerr e = encode(text, mode, &q);
	if (e != K_OK)
		return e;
	struct membuf b = {0};
	if (write_png(q, module_px, &b) != 0) {
		free(b.data);
		e = K_INTERNAL;
	} else {
		*png = b.data;
		*png_len = b.len;
	}
	QRcode_free(q);
	return e;
}

enum kerr release_qr_png(const char *text, int module_px, uint8_t **png, size_t *png_len)
{
	return qr_png(text, QR_MODE_AN, module_px, png, png_len);
}

enum kerr release_qr_text_png(const char *text, int module_px, uint8_t **png, size_t *png_len)
{
	return qr_png(text, QR_MODE_8, module_px, png, png_len);
}

/* ---- SVG ---- */

static char *svg_of(const QRcode *q)
{
	int size = q->width + 2 * QR_QUIET_MODULES;
	size_t cap = SVG_HEAD_BYTES + (size_t)q->width * (size_t)q->width * SVG_MODULE_BYTES;
	char *out = malloc(cap);
	if (out == NULL)
		return NULL;
	int o = snprintf(out, cap,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
		" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		size, size, size * RELEASE_QR_MODULE_PX, size * RELEASE_QR_MODULE_PX, size, size);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (module_dark(q, x, y))
				o += snprintf(out + o, cap - (size_t)o, "M%d %dh1v1h-1z", x + QR_QUIET_MODULES, y + QR_QUIET_MODULES);
	snprintf(out + o, cap - (size_t)o, "\"/></svg>\n");
	return out;
}

static enum kerr qr_svg(const char *text, QRencodeMode mode, char **svg)
{
	*svg = NULL;
	QRcode *q = NULL;
	enum kerr e = encode(text, mode, &q);
	if (e != K_OK)
		return e;
	*svg = svg_of(q);
	QRcode_free(q);
	return *svg != NULL ? K_OK : K_INTERNAL;
}

enum kerr release_qr_svg(const char *text, char **svg)
{
	return qr_svg(text, QR_MODE_AN, svg);
}

enum kerr release_qr_text_svg(const char *text, char **svg)
{
	return qr_svg(text, QR_MODE_8, svg);
}
