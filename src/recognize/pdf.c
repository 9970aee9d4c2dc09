/* The PDF side of the recognizer, and the only file that includes MuPDF.
 *
 * One base context (with locks, a counting allocator and a small store) is
 * made at first use; every call clones it, so any number of threads may
 * read documents at once. Each call has a memory budget (counted per thread
 * in the allocator) and a deadline (checked by the allocator too, which
 * then raises the cookie's abort flag). No MuPDF exception leaves this file. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_FONT_FORMATS_H

#include "recognize/base14_widths.h"
#include "recognize/cjk_table.h"
#include "recognize/internal.h"
#ifdef KOUAN_OCR
#include "recognize/ocr.h"
#include "recognize/recognize.h"
#endif

struct rec_ocr_engines;	/* ocr.h: the Tesseract handles a document's scanned pages share */

uint32_t rec_normalise_cp(uint32_t cp)
{
	if (cp >= CJK_RADICAL_FIRST && cp <= CJK_RADICAL_LAST) {
		uint32_t u = cjk_radical_map[cp - CJK_RADICAL_FIRST];
		return u ? u : cp;
	}
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFF01 + 0x21;
	if (cp == 0x3000 || cp == 0x00A0)
		return ' ';
	return cp;
}

/* ---- memory: a budget per call, counted in the thread that runs it ---- */

struct budget {
	size_t used, limit;
	int exceeded;
	/* the deadline is checked here too, every so many allocations: MuPDF
	 * allocates all the time while it interprets a page, and a refused
	 * allocation (with the cookie's abort flag up) stops it cleanly */
	int64_t deadline_ms;
	fz_cookie *cookie;
	unsigned calls;
	int late;
};

#define DEADLINE_CHECK_EVERY 64

static int over_time(struct budget *b)
{
	if (b->late)
		return 1;
	if (++b->calls % DEADLINE_CHECK_EVERY)
		return 0;
	if (rec_now_ms() <= b->deadline_ms)
		return 0;
	b->late = 1;
	if (b->cookie)
		b->cookie->abort = 1;
	return 1;
}

static _Thread_local struct budget *tl_budget;

/* Each block carries its size in front, so that frees and reallocs can be
 * counted. 16 bytes keep the user pointer aligned for any type. */
#define HDR 16

static void *alloc_malloc(void *user, size_t size)
{
	struct budget *b = tl_budget;
	if (size > SIZE_MAX - HDR)
		return NULL;
	if (b && (size > b->limit || b->used > b->limit - size)) {
		b->exceeded = 1;
		return NULL;
	}
	if (b && over_time(b))
		return NULL;
	unsigned char *p = malloc(size + HDR);
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof size);
	if (b)
		b->used += size;
	return p + HDR;
}

static void alloc_free(void *user, void *ptr)
{
	if (!ptr)
		return;
	unsigned char *p = (unsigned char *)ptr - HDR;
	size_t size;
	memcpy(&size, p, sizeof size);
	struct budget *b = tl_budget;
	if (b)
		b->used = b->used > size ? b->used - size : 0;
	free(p);
}

static void *alloc_realloc(void *user, void *old, size_t size)
{
	if (!old)
		return alloc_malloc(user, size);
	if (size == 0) {
		alloc_free(user, old);
		return NULL;
	}
	unsigned char *p = (unsigned char *)old - HDR;
	size_t was;
	memcpy(&was, p, sizeof was);
	struct budget *b = tl_budget;
	if (size > SIZE_MAX - HDR)
		return NULL;
	if (b && size > was && (size - was > b->limit || b->used > b->limit - (size - was))) {
		b->exceeded = 1;
		return NULL;
	}
	if (b && over_time(b))
		return NULL;
	unsigned char *q = realloc(p, size + HDR);
	if (!q)
		return NULL;
	memcpy(q, &size, sizeof size);
	if (b)
		b->used = b->used - (b->used < was ? b->used : was) + size;
	return q + HDR;
}

static fz_alloc_context alloc_ctx = {NULL, alloc_malloc, alloc_realloc, alloc_free};

/* ---- the base context ---- */

static pthread_mutex_t mupdf_locks[FZ_LOCK_MAX];
static fz_context *base_ctx;
static pthread_once_t base_once = PTHREAD_ONCE_INIT;
static fz_store_drop_fn *font_desc_drop;	/* MuPDF's, for finding fonts in its store */

static void lock_mupdf(void *user, int lock) { pthread_mutex_lock(&mupdf_locks[lock]); }
static void unlock_mupdf(void *user, int lock) { pthread_mutex_unlock(&mupdf_locks[lock]); }
static fz_locks_context locks_ctx = {NULL, lock_mupdf, unlock_mupdf};

static void quiet(void *user, const char *message) { (void)user; (void)message; }

static void base_init(void)
{
	for (int i = 0; i < FZ_LOCK_MAX; i++)
		pthread_mutex_init(&mupdf_locks[i], NULL);
	base_ctx = fz_new_context(&alloc_ctx, &locks_ctx, REC_MUPDF_STORE_BYTES);
	if (!base_ctx)
		return;
	fz_set_warning_callback(base_ctx, quiet, NULL);
	fz_set_error_callback(base_ctx, quiet, NULL);
	/* documents are opened with pdf_open_document_with_stream: no handlers
	 * registered, and none of the other formats' code linked in */
	fz_try(base_ctx) {
		pdf_font_desc *fd = pdf_new_font_desc(base_ctx);
		font_desc_drop = fd->storable.drop;
		pdf_drop_font(base_ctx, fd);
	}
	fz_catch(base_ctx) {
		fz_drop_context(base_ctx);
		base_ctx = NULL;
	}
}

/* ---- ruling lines: a device that keeps axis-aligned strokes and thin fills ---- */

#define RULE_THIN 3.0f		/* points: thicker fills are shapes, not rules */
#define RULE_MIN_LEN 4.0f

struct rule_device {
	fz_device super;
	fz_device *text;	/* the structured-text device that gets the text */
	struct rec_page *page;
	size_t cap;
	fz_matrix ctm;
	fz_point start, cur;
	int stroke;
	fz_rect sub;		/* bounds of the current subpath (fills) */
	int sub_open;
};

static void rule_add(fz_context *ctx, struct rule_device *d, float x0, float y0, float x1, float y1)
{
	struct rec_page *p = d->page;
	if (x0 > x1) { float t = x0; x0 = x1; x1 = t; }
	if (y0 > y1) { float t = y0; y0 = y1; y1 = t; }
	float w = x1 - x0, h = y1 - y0;
	if ((w > RULE_THIN && h > RULE_THIN) || (w < RULE_MIN_LEN && h < RULE_MIN_LEN))
		return;
	if (p->n_rules >= REC_MAX_RULES_PER_PAGE)
		return;
	if (p->n_rules == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		struct rec_rule *r = realloc(p->rules, cap * sizeof *p->rules);
		if (!r)
			fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
		p->rules = r;
		d->cap = cap;
	}
	p->rules[p->n_rules++] = (struct rec_rule){x0, y0, x1, y1};
}

static void sub_flush(fz_context *ctx, struct rule_device *d)
{
	if (d->sub_open && !d->stroke)
		rule_add(ctx, d, d->sub.x0, d->sub.y0, d->sub.x1, d->sub.y1);
	d->sub_open = 0;
}

static void sub_point(struct rule_device *d, fz_point p)
{
	if (!d->sub_open) {
		d->sub = fz_make_rect(p.x, p.y, p.x, p.y);
		d->sub_open = 1;
	} else {
		d->sub = fz_include_point_in_rect(d->sub, p);
	}
}

static void walk_moveto(fz_context *ctx, void *arg, float x, float y)
{
	struct rule_device *d = arg;
	sub_flush(ctx, d);
	d->start = d->cur = fz_transform_point(fz_make_point(x, y), d->ctm);
	sub_point(d, d->cur);
}

static void walk_lineto(fz_context *ctx, void *arg, float x, float y)
{
	struct rule_device *d = arg;
	fz_point p = fz_transform_point(fz_make_point(x, y), d->ctm);
	if (d->stroke)
		rule_add(ctx, d, d->cur.x, d->cur.y, p.x, p.y);
	d->cur = p;
	sub_point(d, p);
}

static void walk_curveto(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2, float x3, float y3)
{
	struct rule_device *d = arg;
	d->cur = fz_transform_point(fz_make_point(x3, y3), d->ctm);
	d->sub_open = 0;	/* a curve is no rule */
}

static void walk_closepath(fz_context *ctx, void *arg)
{
	struct rule_device *d = arg;
	if (d->stroke)
		rule_add(ctx, d, d->cur.x, d->cur.y, d->start.x, d->start.y);
	d->cur = d->start;
}

static void walk_rectto(fz_context *ctx, void *arg, float x0, float y0, float x1, float y1)
{
	struct rule_device *d = arg;
	sub_flush(ctx, d);
	fz_point a = fz_transform_point(fz_make_point(x0, y0), d->ctm);
	fz_point b = fz_transform_point(fz_make_point(x1, y1), d->ctm);
	if (d->stroke) {
		rule_add(ctx, d, a.x, a.y, b.x, a.y);
		rule_add(ctx, d, a.x, b.y, b.x, b.y);
		rule_add(ctx, d, a.x, a.y, a.x, b.y);
		rule_add(ctx, d, b.x, a.y, b.x, b.y);
	} else {
		rule_add(ctx, d, a.x, a.y, b.x, b.y);
	}
	d->start = d->cur = a;
}

static const fz_path_walker rule_walker = {
	walk_moveto, walk_lineto, walk_curveto, walk_closepath, NULL, NULL, NULL, walk_rectto,
};

static void rule_walk(fz_context *ctx, struct rule_device *d, const fz_path *path, fz_matrix ctm, int stroke)
{
	d->ctm = ctm;
	d->stroke = stroke;
	d->sub_open = 0;
	fz_walk_path(ctx, path, &rule_walker, d);
	sub_flush(ctx, d);
}

static void rule_fill_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd, fz_matrix ctm,
	fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
	rule_walk(ctx, (struct rule_device *)dev, path, ctm, 0);
}

static void rule_stroke_path(fz_context *ctx, fz_device *dev, const fz_path *path, const fz_stroke_state *st,
	fz_matrix ctm, fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
	rule_walk(ctx, (struct rule_device *)dev, path, ctm, 1);
}

/* Text goes on to the structured-text device: one pass over the page
 * gives both (a display list would bound every glyph's outline). */
static void fwd_fill_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm, fz_colorspace *cs,
	const float *color, float alpha, fz_color_params cp)
{
	fz_fill_text(ctx, ((struct rule_device *)dev)->text, text, ctm, cs, color, alpha, cp);
}

static void fwd_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text, const fz_stroke_state *st,
	fz_matrix ctm, fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
	fz_stroke_text(ctx, ((struct rule_device *)dev)->text, text, st, ctm, cs, color, alpha, cp);
}

static void fwd_clip_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm, fz_rect scissor)
{
	fz_clip_text(ctx, ((struct rule_device *)dev)->text, text, ctm, scissor);
}

static void fwd_clip_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text, const fz_stroke_state *st,
	fz_matrix ctm, fz_rect scissor)
{
	fz_clip_stroke_text(ctx, ((struct rule_device *)dev)->text, text, st, ctm, scissor);
}

static void fwd_ignore_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm)
{
	fz_ignore_text(ctx, ((struct rule_device *)dev)->text, text, ctm);
}

static void fwd_pop_clip(fz_context *ctx, fz_device *dev)
{
	fz_pop_clip(ctx, ((struct rule_device *)dev)->text);
}

static void fwd_clip_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd, fz_matrix ctm,
	fz_rect scissor)
{
	fz_clip_path(ctx, ((struct rule_device *)dev)->text, path, even_odd, ctm, scissor);
}

static void fwd_clip_stroke_path(fz_context *ctx, fz_device *dev, const fz_path *path, const fz_stroke_state *st,
	fz_matrix ctm, fz_rect scissor)
{
	fz_clip_stroke_path(ctx, ((struct rule_device *)dev)->text, path, st, ctm, scissor);
}

static void fwd_clip_image_mask(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm, fz_rect scissor)
{
	fz_clip_image_mask(ctx, ((struct rule_device *)dev)->text, img, ctm, scissor);
}

static fz_device *new_rule_device(fz_context *ctx, struct rec_page *page, fz_device *text)
{
	struct rule_device *d = fz_new_derived_device(ctx, struct rule_device);
	d->super.fill_path = rule_fill_path;
	d->super.stroke_path = rule_stroke_path;
	d->super.fill_text = fwd_fill_text;
	d->super.stroke_text = fwd_stroke_text;
	d->super.clip_text = fwd_clip_text;
	d->super.clip_stroke_text = fwd_clip_stroke_text;
	d->super.ignore_text = fwd_ignore_text;
	/* clips are passed on so that the text device's clip stack balances */
	d->super.clip_path = fwd_clip_path;
	d->super.clip_stroke_path = fwd_clip_stroke_path;
	d->super.clip_image_mask = fwd_clip_image_mask;
	d->super.pop_clip = fwd_pop_clip;
	d->text = text;
	d->page = page;
	return &d->super;
}

/* ---- glyphs ---- */

static void take_glyphs(fz_context *ctx, fz_stext_page *st, struct rec_page *out)
{
	size_t n = 0, cap = 0;
	for (fz_stext_block *b = st->first_block; b; b = b->next) {
		if (b->type != FZ_STEXT_BLOCK_TEXT)
			continue;
		for (fz_stext_line *l = b->u.t.first_line; l; l = l->next)
			for (fz_stext_char *c = l->first_char; c; c = c->next) {
				uint32_t cp = rec_normalise_cp((uint32_t)c->c);
				if (cp < ' ' || cp == 0xFFFD || n >= REC_MAX_GLYPHS_PER_PAGE)
					continue;
				fz_rect r = fz_rect_from_quad(c->quad);
				if (!(r.x1 >= r.x0 && r.y1 >= r.y0))
					continue;
				if (n == cap) {
					size_t ncap = cap ? cap * 2 : 1024;
					struct rec_glyph *g = realloc(out->glyphs, ncap * sizeof *g);
					if (!g) {
						out->n_glyphs = n;
						fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
					}
					out->glyphs = g;
					cap = ncap;
				}
				out->glyphs[n++] = (struct rec_glyph){
					.cp = cp, .x0 = r.x0, .y0 = r.y0, .x1 = r.x1, .y1 = r.y1,
					.size = c->size, .conf = 1.0f,
					.bold = c->font ? (uint8_t)fz_font_is_bold(ctx, c->font) : 0,
				};
			}
	}
	out->n_glyphs = n;
}

#ifdef KOUAN_OCR
#define REC_OCR_MAX_RENDER_PIXELS (90.0 * 1000 * 1000)	/* rendered for OCR: what ocr.c takes at 300 dpi (40 MP at 200); A4 is 8.7 MP */

#define REC_OCR_SCAN_MIN_SIDE_PT 144.0f	/* an image smaller than 2 inches is a logo or a stamp, not the scan */

/* The scan's own resolution, and whether it is black and white (one bit a
 * pixel): those of the largest image the page draws. */
struct scan_device {
	fz_device super;
	float area, dpi;
	bool bilevel;
};

static void scan_image(fz_device *dev, const fz_image *img, fz_matrix ctm)
{
	struct scan_device *d = (struct scan_device *)dev;
	float w = sqrtf(ctm.a * ctm.a + ctm.b * ctm.b), h = sqrtf(ctm.c * ctm.c + ctm.d * ctm.d);
	if (w < REC_OCR_SCAN_MIN_SIDE_PT || h < REC_OCR_SCAN_MIN_SIDE_PT || img->w <= 0 || img->h <= 0 || w * h <= d->area)
		return;
	d->area = w * h;
	d->dpi = sqrtf((float)img->w * 72.0f / w * ((float)img->h * 72.0f / h));
	d->bilevel = img->bpc == 1 || img->imagemask;
}

static void scan_fill_image(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm, float alpha,
	fz_color_params cp)
{
	scan_image(dev, img, ctm);
}

static void scan_fill_image_mask(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm, fz_colorspace *cs,
	const float *color, float alpha, fz_color_params cp)
{
	scan_image(dev, img, ctm);
}

/* The scan's resolution and bits (struct scan_device) into img's scan_dpi
 * and scan_bilevel; 0 and false when the page draws no image big enough (or
 * on error). */
static void scan_of(fz_context *ctx, fz_page *page, struct rec_raster *img)
{
	struct scan_device *d = NULL;
	fz_var(d);
	fz_try(ctx) {
		d = fz_new_derived_device(ctx, struct scan_device);
		d->super.fill_image = scan_fill_image;
		d->super.fill_image_mask = scan_fill_image_mask;
		fz_run_page(ctx, page, &d->super, fz_identity, NULL);
		fz_close_device(ctx, &d->super);
	}
	fz_catch(ctx) {
		fz_drop_device(ctx, (fz_device *)d);
		return;
	}
	img->scan_dpi = d->dpi;
	img->scan_bilevel = d->bilevel;
	img->scan_grey = d->dpi > 0.0f && !d->bilevel;
	fz_drop_device(ctx, &d->super);
}

/* The page image read by OCR with the document's engines (made on its first
 * scanned page, kept for the next ones). */
static enum kerr ocr_page(fz_context *ctx, fz_page *page, fz_matrix to_origin, int64_t deadline_ms,
	struct rec_ocr_engines **engines, struct rec_page *out)
{
	enum kerr err = K_OK;
	fz_pixmap *pix = NULL;
	float scale = REC_OCR_DPI / 72.0f;
	/* refuse before rendering: a page of hundreds of megapixels would cost
	 * its memory and time first (out->width/height are the page's points) */
	if ((double)out->width * scale * (double)out->height * scale > REC_OCR_MAX_RENDER_PIXELS)
		return K_RESOURCE_LIMIT;
	if (!*engines && !(*engines = rec_ocr_engines_new()))
		return K_INTERNAL;
	fz_var(pix);
	fz_try(ctx)
		pix = fz_new_pixmap_from_page(ctx, page, fz_concat(to_origin, fz_scale(scale, scale)), fz_device_gray(ctx), 0);
	fz_catch(ctx)
		err = K_RESOURCE_LIMIT;
	if (err != K_OK)
		return err;
	struct rec_raster img = {
		.pixels = fz_pixmap_samples(ctx, pix), .width = fz_pixmap_width(ctx, pix),
		.height = fz_pixmap_height(ctx, pix), .stride = fz_pixmap_stride(ctx, pix), .dpi = REC_OCR_DPI,
	};
	scan_of(ctx, page, &img);
	struct rec_page got = {0};
	err = rec_ocr_page_with(*engines, &img, deadline_ms, &got);
	fz_drop_pixmap(ctx, pix);
	if (err == K_OK) {
		/* keep the page's own size and rules; the glyphs are in points (a
		 * page OCR turned upright takes the turned size, and the rules
		 * OCR found in the turned image) */
		free(out->glyphs);
		out->glyphs = got.glyphs;
		out->n_glyphs = got.n_glyphs;
		got.glyphs = NULL;
		got.n_glyphs = 0;
		if (got.rotation) {
			out->rotation = got.rotation;
			out->width = got.width;
			out->height = got.height;
			out->n_rules = 0;
		}
		if (out->n_rules == 0) {
			/* a scanned page draws no rules: take the lines OCR found in the image */
			free(out->rules);
			out->rules = got.rules;
			out->n_rules = got.n_rules;
			got.rules = NULL;
			got.n_rules = 0;
		}
		rec_page_free(&got);
	}
	return err;
}
#endif

/* ---- the page's resources, made ready before it runs ----
 *
 * Fonts: MuPDF's interpreter bounds every glyph it shows (pdf_tos_make_trm ->
 * fz_bound_glyph), which loads each distinct glyph's outline with FreeType.
 * The bound only feeds the text object's bbox (groups, clips), never the
 * positions we read, so the page's fonts are loaded first (MuPDF keeps them
 * in its store, where Tf finds them) with the per-glyph bbox cache turned off:
 * fz_bound_glyph then uses the font's own bbox.
 *
 * Images: the interpreter loads (and, for an ASCII85-wrapped one, decodes)
 * every image XObject it draws, which the text and the rules never need. A
 * 1x1 stand-in goes into MuPDF's store under each image's object for the
 * text pass, and out again before anything renders the page (OCR). */

#define REC_PRELOAD_MAX_FONTS 512	/* HTML-to-PDF prints draw a page with a hundred Type 3 fonts */
#define REC_PRELOAD_MAX_DEPTH 3		/* form XObjects inside form XObjects */

#define REC_PRELOAD_MAX_IMAGES 256

/* The fonts of one document made without their programs (below): all of
 * them leave MuPDF's store before any page is rendered for OCR, and none
 * are made after that. */
#define REC_MAX_FAST_FONTS 2048
#define REC_MATRIX_LEN 6	/* entries of a /FontMatrix */

struct fast_fonts {
	pdf_obj *dicts[REC_MAX_FAST_FONTS];	/* kept */
	int n;
	int off;
};

struct preload {
	struct fast_fonts *fast;
	pdf_font_desc *fonts[REC_PRELOAD_MAX_FONTS];
	pdf_obj *dicts[REC_PRELOAD_MAX_FONTS];	/* resolved, borrowed from the document */
	int n;
	fz_image *blank;				/* the stand-in */
	pdf_obj *images[REC_PRELOAD_MAX_IMAGES];	/* kept; stood in for */
	int n_images;
};

static void stand_in_image(fz_context *ctx, pdf_obj *x, struct preload *pl)
{
	if (!pdf_is_indirect(ctx, x) || pl->n_images >= REC_PRELOAD_MAX_IMAGES)
		return;
	for (int i = 0; i < pl->n_images; i++)
		if (pdf_objcmp(ctx, pl->images[i], x) == 0)
			return;
	if (!pl->blank) {
		fz_pixmap *pix = fz_new_pixmap(ctx, fz_device_gray(ctx), 1, 1, NULL, 0);
		fz_clear_pixmap_with_value(ctx, pix, 0xff);
		fz_try(ctx)
			pl->blank = fz_new_image_from_pixmap(ctx, pix, NULL);
		fz_always(ctx)
			fz_drop_pixmap(ctx, pix);
		fz_catch(ctx)
			fz_rethrow(ctx);
	}
	pl->images[pl->n_images++] = pdf_keep_obj(ctx, x);
	pdf_store_item(ctx, x, pl->blank, 1);
}

/* Takes the stand-ins out of the store again. */
static void drop_stand_ins(fz_context *ctx, struct preload *pl)
{
	for (int i = 0; i < pl->n_images; i++) {
		pdf_remove_item(ctx, pl->blank->key_storable.storable.drop, pl->images[i]);
		pdf_drop_obj(ctx, pl->images[i]);
	}
	pl->n_images = 0;
	fz_drop_image(ctx, pl->blank);
	pl->blank = NULL;
}

static int preloaded(fz_context *ctx, const struct preload *pl, pdf_obj *dict)
{
	for (int i = 0; i < pl->n; i++)
		if (pl->dicts[i] == dict)
			return 1;
	return 0;
}

/* A font that fails to load here is left to the interpreter, which meets it
 * again on Tf and copes (or refuses the page) as before. */
static pdf_font_desc *try_load_font(fz_context *ctx, pdf_document *doc, pdf_obj *res, pdf_obj *f)
{
	pdf_font_desc *fd = NULL;
	fz_var(fd);
	fz_try(ctx)
		fd = pdf_load_font(ctx, doc, res, f);
	fz_catch(ctx) {
		if (fz_caught(ctx) == FZ_ERROR_MEMORY)
			fz_rethrow(ctx);
		fd = NULL;
	}
	return fd;
}

/* A non-embedded base-14 font without /Widths (ReportLab writes them so):
 * MuPDF then asks FreeType for the advance of each of the 256 codes' glyphs,
 * and each of those runs a CFF glyph program (18 % of reading a
 * declaration). The advances of MuPDF's built-in fonts are in
 * base14_widths.h (by glyph id, computed the way pdf-font.c's ft_width does),
 * so the font is loaded with a placeholder /Widths (MuPDF's own encoding and
 * code-to-glyph mapping, no glyph loads), then given the widths MuPDF would
 * have computed, and the width table it derives from them. The placeholder
 * is taken out of the document object again. A font whose program turns out
 * not to be a built-in one is loaded again as it is. Checked against MuPDF's
 * own result for all 14 fonts, several encodings, Differences, aliases and
 * an unknown name (same widths and width tables). */

#define REC_SIMPLE_CODES 256

static int base14_candidate(fz_context *ctx, pdf_obj *f)
{
	if (!pdf_is_indirect(ctx, f) || pdf_dict_get(ctx, f, PDF_NAME(Widths)))
		return 0;
	pdf_obj *sub = pdf_dict_get(ctx, f, PDF_NAME(Subtype));
	if (!pdf_name_eq(ctx, sub, PDF_NAME(Type1)) && !pdf_name_eq(ctx, sub, PDF_NAME(MMType1)) &&
		!pdf_name_eq(ctx, sub, PDF_NAME(TrueType)))
		return 0;
	pdf_obj *fd = pdf_dict_get(ctx, f, PDF_NAME(FontDescriptor));
	return !pdf_dict_get(ctx, fd, PDF_NAME(FontFile)) && !pdf_dict_get(ctx, fd, PDF_NAME(FontFile2)) &&
		!pdf_dict_get(ctx, fd, PDF_NAME(FontFile3));
}

/* The widths table of font's program when it is one of MuPDF's own base-14 fonts. */
static const struct base14_widths *builtin_widths(fz_context *ctx, fz_font *font)
{
	if (!font || !font->buffer)
		return NULL;
	unsigned char *data;
	size_t len = fz_buffer_storage(ctx, font->buffer, &data);
	for (size_t i = 0; i < sizeof base14_widths / sizeof base14_widths[0]; i++) {
		const struct base14_widths *b = &base14_widths[i];
		int blen = 0;
		const unsigned char *bdata = fz_lookup_base14_font(ctx, b->name, &blen);
		if (bdata && bdata == data && (size_t)blen == len && blen == b->data_len && font->glyph_count == b->glyph_count)
			return b;
	}
	return NULL;
}

/* MuPDF's pdf_make_width_table (pdf-font.c, static there), run again once
 * the font's widths are the right ones: the table fz_advance_glyph reads. */
static void remake_width_table(fz_context *ctx, pdf_font_desc *fd)
{
	fz_font *font = fd->font;
	int n = 0;
	for (int i = 0; i < fd->hmtx_len; i++)
		for (int k = fd->hmtx[i].lo; k <= fd->hmtx[i].hi; k++) {
			int gid = pdf_font_cid_to_gid(ctx, fd, pdf_lookup_cmap(fd->encoding, k));
			if (gid > n)
				n = gid;
		}
	short *table = fz_malloc_array(ctx, n + 1, short);
	fz_free(ctx, font->width_table);
	font->width_table = table;
	font->width_count = n + 1;
	font->width_default = fd->dhmtx.w;
	for (int i = 0; i < font->width_count; i++)
		table[i] = -1;
	for (int i = 0; i < fd->hmtx_len; i++)
		for (int k = fd->hmtx[i].lo; k <= fd->hmtx[i].hi; k++) {
			int gid = pdf_font_cid_to_gid(ctx, fd, pdf_lookup_cmap(fd->encoding, k));
			if (gid >= 0 && gid < font->width_count)
				table[gid] = (short)fz_maxi(fd->hmtx[i].w, table[gid]);
		}
	for (int i = 0; i < font->width_count; i++)
		if (table[i] == -1)
			table[i] = font->width_default;
}

static pdf_font_desc *load_base14_font(fz_context *ctx, pdf_document *doc, pdf_obj *res, pdf_obj *f)
{
	pdf_font_desc *fd = NULL;
	pdf_obj *widths = NULL;
	fz_var(fd);
	fz_var(widths);
	fz_try(ctx) {
		/* MuPDF's encoding and glyph mapping, with a placeholder /Widths */
		widths = pdf_new_array(ctx, doc, 1);
		pdf_dict_put(ctx, f, PDF_NAME(Widths), widths);
		fd = try_load_font(ctx, doc, res, f);
		const struct base14_widths *b = fd ? builtin_widths(ctx, fd->font) : NULL;
		if (fd && !b) {
			/* not a built-in font after all: load it as it is */
			pdf_dict_del(ctx, f, PDF_NAME(Widths));
			pdf_remove_item(ctx, fd->storable.drop, f);
			pdf_drop_font(ctx, fd);
			fd = NULL;	/* (for the catch below) */
			fd = try_load_font(ctx, doc, res, f);
		} else if (fd) {
			/* what pdf_load_simple_font does without /Widths, from the table */
			fd->hmtx_len = 0;
			for (int code = 0; code < REC_SIMPLE_CODES; code++) {
				int gid = pdf_font_cid_to_gid(ctx, fd, code);
				pdf_add_hmtx(ctx, fd, code, code, gid >= 0 && gid < b->glyph_count ? b->widths[gid] : 0);
			}
			pdf_end_hmtx(ctx, fd);
			remake_width_table(ctx, fd);
		}
	}
	fz_always(ctx) {
		pdf_dict_del(ctx, f, PDF_NAME(Widths));
		pdf_drop_obj(ctx, widths);
	}
	fz_catch(ctx) {
		pdf_drop_font(ctx, fd);
		fz_rethrow(ctx);
	}
	return fd;
}

/* A simple font that names one of MuPDF's built-in fonts and embeds none
 * (Helvetica, Times-Roman ... as ReportLab writes them). pdf_load_simple_font
 * maps each of the 256 codes' glyph names to a glyph with FT_Get_Name_Index,
 * which for a CFF font compares the name with every glyph's in turn (a
 * tenth of the time spent reading a declaration went there). The font is
 * made here the same way, step by step, with the glyph names looked up in
 * a table made once from the font (the first glyph of each name, as
 * FT_Get_Name_Index finds it); a name not in the table goes to FreeType as
 * before. Fonts whose program or charmap is not what this expects (a
 * built-in font that is not CFF, no Adobe charmap) are loaded by MuPDF. */

#define REC_FD_FORCE_BOLD (1 << 18)
#define REC_FD_SYMBOLIC (1 << 2)
#define REC_FD_NONSYMBOLIC (1 << 5)
#define REC_FD_SERIF (1 << 1)
#define REC_FD_FIXED_PITCH (1 << 0)
#define REC_FD_ITALIC (1 << 6)
#define REC_BOLD_STEMV 100

#define REC_GLYPH_NAME_MAX 64
#define REC_NAME_SLOTS 2048		/* a power of two, above twice the built-in fonts' glyph counts */

struct name_index {
	int gid[REC_NAME_SLOTS];	/* -1: empty */
	unsigned name[REC_NAME_SLOTS];	/* offset of the slot's name in names */
	char *names;			/* the names one after another: below REC_NAME_SLOTS / 2 * REC_GLYPH_NAME_MAX bytes */
	size_t used;
};

static unsigned name_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Call with FreeType locked. */
static void name_index_make(fz_context *ctx, FT_Face face, struct name_index *ix)
{
	for (int i = 0; i < REC_NAME_SLOTS; i++)
		ix->gid[i] = -1;
	if (!FT_HAS_GLYPH_NAMES(face) || face->num_glyphs >= REC_NAME_SLOTS / 2)
		return;
	for (int g = 0; g < face->num_glyphs; g++) {
		char buf[REC_GLYPH_NAME_MAX];
		if (FT_Get_Glyph_Name(face, (FT_UInt)g, buf, sizeof buf) || !buf[0] || strlen(buf) >= sizeof buf - 1)
			continue;
		unsigned h = name_hash(buf) & (REC_NAME_SLOTS - 1);
		while (ix->gid[h] >= 0 && strcmp(ix->names + ix->name[h], buf) != 0)
			h = (h + 1) & (REC_NAME_SLOTS - 1);
		if (ix->gid[h] < 0) {	/* the first glyph of a name wins */
			size_t len = strlen(buf) + 1;
			ix->gid[h] = g;
			ix->name[h] = (unsigned)ix->used;
			memcpy(ix->names + ix->used, buf, len);
			ix->used += len;
		}
	}
}

/* FT_Get_Name_Index, from the table when the name is there. */
static int name_index_get(FT_Face face, const struct name_index *ix, const char *name)
{
	unsigned h = name_hash(name) & (REC_NAME_SLOTS - 1);
	for (; ix->gid[h] >= 0; h = (h + 1) & (REC_NAME_SLOTS - 1))
		if (strcmp(ix->names + ix->name[h], name) == 0)
			return ix->gid[h];
	return (int)FT_Get_Name_Index(face, (FT_String *)name);
}

/* MuPDF's ft_name_index (fitz/font.c) with the table. */
static int name_to_glyph(FT_Face face, const struct name_index *ix, const char *name)
{
	int code = name_index_get(face, ix, name);
	if (code == 0) {
		int unicode = fz_unicode_from_glyph_name(name);
		if (unicode) {
			for (const char **dup = fz_duplicate_glyph_names_from_unicode(unicode); *dup && code == 0; dup++)
				code = name_index_get(face, ix, *dup);
			if (code == 0) {
				char buf[12];
				snprintf(buf, sizeof buf, "uni%04X", (unsigned)unicode);
				code = name_index_get(face, ix, buf);
			}
		}
	}
	return code;
}

/* What pdf_load_font_descriptor reads from a font descriptor. */
static void descriptor_read(fz_context *ctx, pdf_font_desc *fd, pdf_obj *desc)
{
	fd->flags = pdf_dict_get_int(ctx, desc, PDF_NAME(Flags));
	fd->italic_angle = pdf_dict_get_real(ctx, desc, PDF_NAME(ItalicAngle));
	fd->ascent = pdf_dict_get_real(ctx, desc, PDF_NAME(Ascent));
	fd->descent = pdf_dict_get_real(ctx, desc, PDF_NAME(Descent));
	fd->cap_height = pdf_dict_get_real(ctx, desc, PDF_NAME(CapHeight));
	fd->x_height = pdf_dict_get_real(ctx, desc, PDF_NAME(XHeight));
	fd->missing_width = pdf_dict_get_real(ctx, desc, PDF_NAME(MissingWidth));
}

/* The glyph names /Encoding gives the codes, as pdf_load_simple_font reads
 * them; standard: StandardEncoding under a missing base (MuPDF's rule for a
 * font neither embedded nor symbolic). The names are borrowed from f. */
static void encoding_names(fz_context *ctx, pdf_obj *f, int standard, const char *estrings[REC_SIMPLE_CODES])
{
	pdf_obj *enc = pdf_dict_get(ctx, f, PDF_NAME(Encoding));
	if (pdf_is_name(ctx, enc)) {
		pdf_load_encoding(estrings, pdf_to_name(ctx, enc));
	} else if (pdf_is_dict(ctx, enc)) {
		pdf_obj *base = pdf_dict_get(ctx, enc, PDF_NAME(BaseEncoding));
		if (pdf_is_name(ctx, base))
			pdf_load_encoding(estrings, pdf_to_name(ctx, base));
		else if (standard)
			pdf_load_encoding(estrings, "StandardEncoding");
		pdf_obj *diff = pdf_dict_get(ctx, enc, PDF_NAME(Differences));
		int n = pdf_array_len(ctx, diff), k = 0;
		for (int i = 0; i < n; i++) {
			pdf_obj *item = pdf_array_get(ctx, diff, i);
			if (pdf_is_int(ctx, item))
				k = pdf_to_int(ctx, item);
			if (pdf_is_name(ctx, item) && k >= 0 && k < REC_SIMPLE_CODES)
				estrings[k++] = pdf_to_name(ctx, item);
		}
	} else if (!enc && standard) {
		pdf_load_encoding(estrings, "StandardEncoding");
	}
}

/* The default width and /Widths into fd's metrics, as pdf_load_simple_font
 * reads them (the caller ends them); 0 when the font has no /Widths. */
static int widths_read(fz_context *ctx, pdf_font_desc *fd, pdf_obj *f)
{
	pdf_set_default_hmtx(ctx, fd, fd->missing_width);
	pdf_obj *widths = pdf_dict_get(ctx, f, PDF_NAME(Widths));
	if (!widths)
		return 0;
	int first = pdf_dict_get_int(ctx, f, PDF_NAME(FirstChar));
	int last = pdf_dict_get_int(ctx, f, PDF_NAME(LastChar));
	if (first < 0 || last > 255 || first > last)
		first = last = 0;
	for (int i = 0; i < last - first + 1; i++)
		pdf_add_hmtx(ctx, fd, i + first, i + first, pdf_array_get_int(ctx, widths, i));
	return 1;
}

/* pdf_load_simple_font's glyph for each code, in a built-in CFF font with
 * the names of the codes' glyphs (estrings, completed here; ebuffer holds
 * the names read from the font). 0 when the font is not what this expects.
 * Call with FreeType locked. */
static int builtin_glyphs(fz_context *ctx, FT_Face face, int type1, int symbolic, struct name_index *ix,
	const char *estrings[REC_SIMPLE_CODES], char ebuffer[REC_SIMPLE_CODES][32], unsigned short etable[REC_SIMPLE_CODES])
{
	/* select_type1_cmap: the Adobe charmap, with which both kinds read names alike */
	FT_CharMap cmap = NULL;
	for (int i = 0; i < face->num_charmaps && !cmap; i++)
		if (face->charmaps[i]->platform_id == 7)
			cmap = face->charmaps[i];
	const char *format = FT_Get_Font_Format(face);
	if (!cmap || !format || strcmp(format, "CFF") != 0 || FT_Set_Charmap(face, cmap) != 0 ||
		face->charmap->encoding == FT_ENCODING_MS_SYMBOL)
		return 0;
	name_index_make(ctx, face, ix);
	for (int i = 0; i < REC_SIMPLE_CODES; i++) {
		etable[i] = (unsigned short)ft_char_index(face, i);
		int glyph = estrings[i] ? name_to_glyph(face, ix, estrings[i]) : 0;
		if (glyph > 0)
			etable[i] = (unsigned short)glyph;
	}
	/* names of the glyphs the built-in encoding gives */
	for (int i = 0; i < REC_SIMPLE_CODES; i++)
		if (etable[i] && !estrings[i]) {
			if (FT_HAS_GLYPH_NAMES(face)) {
				ebuffer[i][0] = 0;
				FT_Get_Glyph_Name(face, etable[i], ebuffer[i], 32);
				if (ebuffer[i][0])
					estrings[i] = ebuffer[i];
			} else {
				estrings[i] = fz_glyph_name_from_win_ansi[i];
			}
		}
	if (type1 && symbolic)
		for (int i = 0; i < REC_SIMPLE_CODES; i++)
			if (etable[i] && estrings[i] && !fz_unicode_from_glyph_name(estrings[i]))
				estrings[i] = fz_glyph_name_from_adobe_standard[i];
	return 1;
}

/* A simple font MuPDF can make from its dictionaries: TrueType, Type 1 or
 * multiple-master Type 1 (not Type 3, not CID). */
static int simple_font_subtype(fz_context *ctx, pdf_obj *f)
{
	pdf_obj *sub = pdf_dict_get(ctx, f, PDF_NAME(Subtype));
	return pdf_name_eq(ctx, sub, PDF_NAME(TrueType)) || pdf_name_eq(ctx, sub, PDF_NAME(Type1)) ||
		pdf_name_eq(ctx, sub, PDF_NAME(MMType1));
}

/* The font program embedded in a descriptor (FontFile, FontFile2 or FontFile3); NULL if none. */
static pdf_obj *font_program(fz_context *ctx, pdf_obj *fd)
{
	pdf_obj *file = pdf_dict_get(ctx, fd, PDF_NAME(FontFile));
	if (!file)
		file = pdf_dict_get(ctx, fd, PDF_NAME(FontFile2));
	if (!file)
		file = pdf_dict_get(ctx, fd, PDF_NAME(FontFile3));
	return file;
}

static int builtin_candidate(fz_context *ctx, pdf_obj *f)
{
	if (!pdf_is_indirect(ctx, f) || !simple_font_subtype(ctx, f))
		return 0;
	if (font_program(ctx, pdf_dict_get(ctx, f, PDF_NAME(FontDescriptor))))
		return 0;
	const char *base = pdf_to_name(ctx, pdf_dict_get(ctx, f, PDF_NAME(BaseFont)));
	return pdf_clean_font_name(base) != base;	/* one of the 14 or an alias */
}

static pdf_font_desc *load_builtin_font(fz_context *ctx, pdf_document *doc, pdf_obj *f)
{
	pdf_font_desc *fd = pdf_find_item(ctx, font_desc_drop, f);
	if (fd)
		return fd;
	const char *basefont = pdf_to_name(ctx, pdf_dict_get(ctx, f, PDF_NAME(BaseFont)));
	const char *clean = pdf_clean_font_name(basefont);
	struct name_index *ix = NULL;
	unsigned short *etable = NULL;
	fz_var(fd);
	fz_var(ix);
	fz_var(etable);
	fz_try(ctx) {
		fd = pdf_new_font_desc(ctx);
		pdf_obj *desc = pdf_dict_get(ctx, f, PDF_NAME(FontDescriptor));
		if (desc)
			descriptor_read(ctx, fd, desc);
		/* pdf_load_builtin_font (no system fonts are installed) */
		int len = 0;
		const unsigned char *data = fz_lookup_base14_font(ctx, clean, &len);
		if (!data)
			fz_throw(ctx, FZ_ERROR_GENERIC, "no built-in font");
		fd->font = fz_new_font_from_memory(ctx, basefont, data, len, 0, 1);
		fd->font->flags.is_serif = !!strstr(clean, "Times");
		if (!strcmp(clean, "Symbol") || !strcmp(clean, "ZapfDingbats"))
			fd->flags |= REC_FD_SYMBOLIC;
		FT_Face face = fd->font->ft_face;
		fd->ascent = 1000.0f * face->ascender / face->units_per_EM;
		fd->descent = 1000.0f * face->descender / face->units_per_EM;

		int symbolic = (fd->flags & REC_FD_SYMBOLIC) && !(fd->flags & REC_FD_NONSYMBOLIC);
		int type1 = !pdf_name_eq(ctx, pdf_dict_get(ctx, f, PDF_NAME(Subtype)), PDF_NAME(TrueType));
		const char *estrings[REC_SIMPLE_CODES] = {NULL};
		char ebuffer[REC_SIMPLE_CODES][32];
		encoding_names(ctx, f, !symbolic, estrings);
		etable = fz_malloc_array(ctx, REC_SIMPLE_CODES, unsigned short);
		ix = fz_malloc_struct(ctx, struct name_index);
		ix->names = fz_malloc(ctx, (size_t)REC_NAME_SLOTS / 2 * REC_GLYPH_NAME_MAX);
		lock_mupdf(NULL, FZ_LOCK_FREETYPE);	/* what fz_lock does with our locks; nothing in there throws */
		int ok = builtin_glyphs(ctx, face, type1, symbolic, ix, estrings, ebuffer, etable);
		unlock_mupdf(NULL, FZ_LOCK_FREETYPE);
		if (!ok)
			fz_throw(ctx, FZ_ERROR_GENERIC, "not the expected built-in font");

		fd->encoding = pdf_new_identity_cmap(ctx, 0, 1);
		fd->size += pdf_cmap_size(ctx, fd->encoding) + REC_SIMPLE_CODES * sizeof(unsigned short);
		fd->cid_to_gid_len = REC_SIMPLE_CODES;
		fd->cid_to_gid = etable;
		etable = NULL;
		fz_try(ctx)
			pdf_load_to_unicode(ctx, doc, fd, estrings, NULL, pdf_dict_get(ctx, f, PDF_NAME(ToUnicode)));
		fz_catch(ctx) {
			if (fz_caught(ctx) == FZ_ERROR_MEMORY)
				fz_rethrow(ctx);
		}

		if (!widths_read(ctx, fd, f)) {
			/* what ft_width gives each code's glyph, from the table */
			const struct base14_widths *b = builtin_widths(ctx, fd->font);
			if (!b)
				fz_throw(ctx, FZ_ERROR_GENERIC, "no widths table for the built-in font");
			for (int code = 0; code < REC_SIMPLE_CODES; code++) {
				int gid = pdf_font_cid_to_gid(ctx, fd, code);
				pdf_add_hmtx(ctx, fd, code, code, gid >= 0 && gid < b->glyph_count ? b->widths[gid] : 0);
			}
		}
		pdf_end_hmtx(ctx, fd);
		remake_width_table(ctx, fd);
		fd->size += (size_t)fd->font->width_count * sizeof(short);
		pdf_store_item(ctx, f, fd, fd->size);
	}
	fz_always(ctx) {
		if (ix)
			fz_free(ctx, ix->names);
		fz_free(ctx, ix);
		fz_free(ctx, etable);
	}
	fz_catch(ctx) {
		pdf_drop_font(ctx, fd);
		if (fz_caught(ctx) == FZ_ERROR_MEMORY)
			fz_rethrow(ctx);
		fd = NULL;	/* left to MuPDF */
	}
	return fd;
}

/* An embedded simple font (TrueType or Type 1 program) that has /Widths
 * and a /ToUnicode map: everything the text needs is in the font's
 * dictionaries, and MuPDF would decompress and open the whole program (a
 * CJK subset is about 100 KB) only to bound glyphs and take advances that
 * /Widths already gives. Such a font is made without its program, as a
 * Type 3-style fz_font that carries the metrics: the glyph id is the
 * code, the advance is the code's /Widths entry (the advance the text is
 * laid out with; the program's own may differ: ReportLab's CJK subsets say
 * half an em there), and the glyph box's top and bottom come from the
 * descriptor (see below: usually within a few hundredths of an em of what
 * FreeType reads in the program; the glyph origins do not change). The
 * codes' Unicode comes from /ToUnicode with the /Encoding's glyph names
 * behind it, as in pdf_load_simple_font.
 * Nothing draws such a font: it is taken out of MuPDF's store before a
 * page is rendered for OCR. Anything else (CID fonts, no /ToUnicode, no
 * /Widths, the S22PDF case) is loaded by MuPDF as it is. */

static int fast_font_candidate(fz_context *ctx, pdf_obj *f)
{
	if (!pdf_is_indirect(ctx, f) || !simple_font_subtype(ctx, f))
		return 0;
	if (!pdf_is_stream(ctx, pdf_dict_get(ctx, f, PDF_NAME(ToUnicode))) ||
		!pdf_is_array(ctx, pdf_dict_get(ctx, f, PDF_NAME(Widths))))
		return 0;
	pdf_obj *fd = pdf_dict_get(ctx, f, PDF_NAME(FontDescriptor));
	if (!pdf_is_dict(ctx, fd))
		return 0;
	pdf_obj *file = font_program(ctx, fd);
	if (!pdf_is_indirect(ctx, file))
		return 0;
	/* pdf_load_simple_font's S22PDF work-around (GBK names said to be WinAnsi) */
	if (pdf_dict_get(ctx, f, PDF_NAME(Encoding)) == PDF_NAME(WinAnsiEncoding) &&
		pdf_dict_get_int(ctx, fd, PDF_NAME(Flags)) == 4) {
		for (const unsigned char *s = (const unsigned char *)pdf_to_name(ctx, pdf_dict_get(ctx, f, PDF_NAME(BaseFont))); *s; s++)
			if (*s >= 0x80)
				return 0;
	}
	return 1;
}

/* The name's style words, as FreeType's style flags would usually say. */
static int name_says_bold(const char *name)
{
	for (const char *p = strstr(name, "Bold"); p; p = strstr(p + 1, "Bold")) {
		if (p - name >= 4 && (strncmp(p - 4, "Semi", 4) == 0 || strncmp(p - 4, "Demi", 4) == 0 ||
			strncmp(p - 4, "semi", 4) == 0 || strncmp(p - 4, "demi", 4) == 0))
			continue;
		return 1;
	}
	return 0;
}

/* Does every code that /Widths gives a width have a Unicode value (from
 * /ToUnicode or the encoding's glyph names)? MuPDF would name the others
 * from the font program, which the fast path does not open. */
static int unicode_covers_widths(fz_context *ctx, pdf_font_desc *fd, pdf_obj *f)
{
	pdf_obj *widths = pdf_dict_get(ctx, f, PDF_NAME(Widths));
	int first = pdf_dict_get_int(ctx, f, PDF_NAME(FirstChar));
	int last = pdf_dict_get_int(ctx, f, PDF_NAME(LastChar));
	if (first < 0 || last > 255 || first > last)
		return 1;	/* widths_read takes none of them either */
	for (int code = first; code <= last; code++) {
		if (pdf_array_get_int(ctx, widths, code - first) == 0)
			continue;
		int ucs[PDF_MRANGE_CAP];
		if (fd->to_unicode && pdf_lookup_cmap_full(fd->to_unicode, (unsigned)code, ucs) > 0)
			continue;
		if (fd->cid_to_ucs && (size_t)code < fd->cid_to_ucs_len && fd->cid_to_ucs[code] != 0 &&
			fd->cid_to_ucs[code] != 0xFFFD)
			continue;
		return 0;
	}
	return 1;
}

/* The style flags of a font made without its program. FreeType's style
 * flag comes from the program (OS/2, or Type 1's Weight); the descriptor's
 * stem width separates bold from regular in the fonts looked at (bold
 * 101-141, regular 40-88). */
static void fast_style(fz_context *ctx, pdf_font_desc *fd, pdf_obj *desc, const char *basefont)
{
	fz_font *font = fd->font;
	font->flags.is_bold = (fd->flags & REC_FD_FORCE_BOLD) || name_says_bold(basefont) ||
		pdf_to_real(ctx, pdf_dict_gets(ctx, desc, "FontWeight")) >= 700 ||
		pdf_dict_get_real(ctx, desc, PDF_NAME(StemV)) >= REC_BOLD_STEMV;
	font->flags.is_italic = (fd->flags & REC_FD_ITALIC) != 0;
	font->flags.is_serif = (fd->flags & REC_FD_SERIF) != 0;
	font->flags.is_mono = (fd->flags & REC_FD_FIXED_PITCH) != 0;
}

/* The ascender and descender (ems) that stand in for the program's.
 * fz_font_ascender/descender of a Type 3 font are its bbox's y1/y0 (in
 * ems). FreeType gives a TrueType or OpenType face hhea's ascender and
 * descender, for which the descriptor's /Ascent and /Descent stand in, and
 * a Type 1 or bare CFF face its font bbox's top and bottom, which the
 * descriptor's /FontBBox copies; its fallback when a face has none is
 * 0.8/-0.2. */
static void fast_vertical(fz_context *ctx, const pdf_font_desc *fd, pdf_obj *desc, float *asc_out, float *dsc_out)
{
	float asc = fd->ascent / 1000.0f, dsc = fd->descent / 1000.0f;
	pdf_obj *ff3 = pdf_dict_get(ctx, desc, PDF_NAME(FontFile3));
	if (pdf_dict_get(ctx, desc, PDF_NAME(FontFile)) ||
		(ff3 && !pdf_name_eq(ctx, pdf_dict_get(ctx, ff3, PDF_NAME(Subtype)), PDF_NAME(OpenType)))) {
		fz_rect box = pdf_dict_get_rect(ctx, desc, PDF_NAME(FontBBox));
		if (box.y1 > box.y0) {
			asc = box.y1 / 1000.0f;
			dsc = box.y0 / 1000.0f;
		}
	}
	if (!(asc > 0 && asc < 2 && dsc <= 0 && dsc > -1 && asc - dsc >= 0.5f)) {
		asc = 0.8f;
		dsc = -0.2f;
	}
	*asc_out = asc;
	*dsc_out = dsc;
}

/* A font read without MuPDF's loader: kept in MuPDF's store under its
 * dictionary (so that MuPDF finds it there), and remembered to be taken out. */
static void keep_fast_font(fz_context *ctx, struct fast_fonts *ff, pdf_obj *f, pdf_font_desc *fd)
{
	ff->dicts[ff->n] = pdf_keep_obj(ctx, f);
	pdf_store_item(ctx, f, fd, fd->size);
	ff->n++;
}

/* In a fz_catch: a font this reader cannot take is left to MuPDF (NULL);
 * running out of memory is not a font's fault and goes on up. */
static pdf_font_desc *fast_font_refused(fz_context *ctx, pdf_font_desc *fd)
{
	pdf_drop_font(ctx, fd);
	if (fz_caught(ctx) == FZ_ERROR_MEMORY)
		fz_rethrow(ctx);
	return NULL;
}

static pdf_font_desc *load_fast_font(fz_context *ctx, pdf_document *doc, pdf_obj *f, struct fast_fonts *ff)
{
	if (ff->off || ff->n >= REC_MAX_FAST_FONTS)
		return NULL;
	pdf_font_desc *fd = pdf_find_item(ctx, font_desc_drop, f);
	if (fd)
		return fd;
	pdf_obj *desc = pdf_dict_get(ctx, f, PDF_NAME(FontDescriptor));
	const char *basefont = pdf_to_name(ctx, pdf_dict_get(ctx, f, PDF_NAME(BaseFont)));
	fz_var(fd);
	fz_try(ctx) {
		fd = pdf_new_font_desc(ctx);
		descriptor_read(ctx, fd, desc);
		fd->is_embedded = 1;

		fz_font *font = fz_new_type3_font(ctx, basefont, fz_identity);
		fd->font = font;
		font->use_glyph_bbox = 0;
		fast_style(ctx, fd, desc, basefont);
		float asc, dsc;
		fast_vertical(ctx, fd, desc, &asc, &dsc);
		font->bbox = fz_make_rect(0, dsc, 1, asc);

		/* the encoding's glyph names (embedded: no StandardEncoding default) */
		const char *estrings[REC_SIMPLE_CODES] = {NULL};
		encoding_names(ctx, f, 0, estrings);
		fd->encoding = pdf_new_identity_cmap(ctx, 0, 1);
		fd->size += pdf_cmap_size(ctx, fd->encoding);
		pdf_load_to_unicode(ctx, doc, fd, estrings, NULL, pdf_dict_get(ctx, f, PDF_NAME(ToUnicode)));
		if (!unicode_covers_widths(ctx, fd, f))
			fz_throw(ctx, FZ_ERROR_GENERIC, "codes without Unicode");	/* MuPDF may name them from the program */

		widths_read(ctx, fd, f);
		pdf_end_hmtx(ctx, fd);
		for (int code = 0; code < REC_SIMPLE_CODES; code++)
			font->t3widths[code] = pdf_lookup_hmtx(ctx, fd, code).w / 1000.0f;
		fd->size += REC_SIMPLE_CODES * (sizeof(float) + 2 * sizeof(void *) + sizeof(unsigned short));
		keep_fast_font(ctx, ff, f, fd);
	}
	fz_catch(ctx)
		fd = fast_font_refused(ctx, fd);
	return fd;
}

/* A Type 3 font with /ToUnicode and /Widths: what the text needs is in its
 * dictionaries. MuPDF would inflate every glyph procedure and run it to
 * bound the glyph (HTML-to-PDF tools write dozens of such fonts, one per
 * subset of glyphs); this makes the font without its procedures, with the
 * same matrix, box, widths and Unicode as pdf_load_type3_font would. Like
 * the fast simple fonts, it is taken out of the store before a page is
 * rendered for OCR. */
static int fast_type3_candidate(fz_context *ctx, pdf_obj *f)
{
	return pdf_is_indirect(ctx, f) &&
		pdf_name_eq(ctx, pdf_dict_get(ctx, f, PDF_NAME(Subtype)), PDF_NAME(Type3)) &&
		pdf_is_stream(ctx, pdf_dict_get(ctx, f, PDF_NAME(ToUnicode))) &&
		pdf_is_array(ctx, pdf_dict_get(ctx, f, PDF_NAME(Widths))) &&
		pdf_array_len(ctx, pdf_dict_get(ctx, f, PDF_NAME(FontMatrix))) == REC_MATRIX_LEN &&
		pdf_dict_get(ctx, f, PDF_NAME(Encoding)) != NULL;
}

/* The font's box in text space, or the common 0.8 / -0.2 em when it says
 * nothing usable (fz_font_ascender/descender of a Type 3 font are its box's
 * top and bottom). */
static fz_rect type3_box(fz_context *ctx, pdf_obj *f, fz_matrix m)
{
	fz_rect box = fz_transform_rect(pdf_dict_get_rect(ctx, f, PDF_NAME(FontBBox)), m);
	if (!(box.y1 > 0 && box.y1 < 2 && box.y0 <= 0 && box.y0 > -1 && box.y1 - box.y0 >= 0.5f))
		box = fz_make_rect(0, -0.2f, 1, 0.8f);
	return box;
}

static void type3_widths(fz_context *ctx, pdf_font_desc *fd, pdf_obj *f)
{
	pdf_obj *widths = pdf_dict_get(ctx, f, PDF_NAME(Widths));
	int first = pdf_dict_get_int(ctx, f, PDF_NAME(FirstChar));
	int last = pdf_dict_get_int(ctx, f, PDF_NAME(LastChar));
	if (first < 0 || last >= REC_SIMPLE_CODES || first > last)
		first = last = 0;
	pdf_set_default_hmtx(ctx, fd, 0);
	for (int code = first; code <= last; code++) {
		float w = fd->font->t3matrix.a * pdf_array_get_real(ctx, widths, code - first) * 1000;
		fd->font->t3widths[code] = w * 0.001f;
		pdf_add_hmtx(ctx, fd, code, code, (int)w);
	}
	pdf_end_hmtx(ctx, fd);
}

static pdf_font_desc *load_fast_type3(fz_context *ctx, pdf_document *doc, pdf_obj *f, struct fast_fonts *ff)
{
	if (ff->off || ff->n >= REC_MAX_FAST_FONTS)
		return NULL;
	pdf_font_desc *fd = pdf_find_item(ctx, font_desc_drop, f);
	if (fd)
		return fd;
	fz_var(fd);
	fz_try(ctx) {
		fd = pdf_new_font_desc(ctx);
		fz_matrix m = pdf_dict_get_matrix(ctx, f, PDF_NAME(FontMatrix));
		const char *name = pdf_to_name(ctx, pdf_dict_get(ctx, f, PDF_NAME(Name)));
		fd->font = fz_new_type3_font(ctx, name[0] ? name : "Unnamed-T3", m);
		fd->font->use_glyph_bbox = 0;
		fd->font->bbox = type3_box(ctx, f, m);
		const char *estrings[REC_SIMPLE_CODES] = {NULL};
		encoding_names(ctx, f, 0, estrings);
		fd->encoding = pdf_new_identity_cmap(ctx, 0, 1);
		fd->size += pdf_cmap_size(ctx, fd->encoding);
		/* (a Type 3 font has no program to name other codes from:
		 * MuPDF's Unicode comes from the same two places) */
		pdf_load_to_unicode(ctx, doc, fd, estrings, NULL, pdf_dict_get(ctx, f, PDF_NAME(ToUnicode)));
		type3_widths(ctx, fd, f);
		fd->size += REC_SIMPLE_CODES * (sizeof(float) + 2 * sizeof(void *) + sizeof(unsigned short));
		keep_fast_font(ctx, ff, f, fd);
	}
	fz_catch(ctx)
		fd = fast_font_refused(ctx, fd);
	return fd;
}

/* A CID font (Type 0 over a CIDFontType2, the way Chromium/Skia, iText and
 * office suites embed CJK faces) with the Identity-H encoding, /W and a
 * /ToUnicode map: MuPDF would inflate the whole TrueType program (Skia keeps
 * the original glyph ids, so a subset is still ~0.4 MB), measure every glyph
 * of it, and remap /ToUnicode through Identity-H code by code (65,536
 * lookups) - a third of reading such a print. What the text needs is in the
 * dictionaries, so the font is made with a stand-in face (MuPDF's built-in
 * Helvetica, already in memory) that carries the metrics MuPDF reads from a
 * face: a width table by glyph id (the CID, as with CIDToGIDMap /Identity)
 * from /W and /DW, which fz_advance_glyph reads before asking FreeType, and
 * the descriptor's ascent and descent for the face's. /ToUnicode is used as
 * it is: under Identity-H a code is its CID. Like the other fast fonts, it
 * leaves the store before a page is rendered for OCR. */

#define REC_CID_MAX 0xFFFF	/* two-byte codes */
#define REC_CID_DEFAULT_WIDTH 1000	/* /DW when absent */
#define REC_STAND_IN_FACE "Helvetica"

static int fast_cid_candidate(fz_context *ctx, pdf_obj *f)
{
	if (!pdf_is_indirect(ctx, f) || !pdf_name_eq(ctx, pdf_dict_get(ctx, f, PDF_NAME(Subtype)), PDF_NAME(Type0)) ||
		!pdf_name_eq(ctx, pdf_dict_get(ctx, f, PDF_NAME(Encoding)), PDF_NAME(Identity_H)) ||
		!pdf_is_stream(ctx, pdf_dict_get(ctx, f, PDF_NAME(ToUnicode))))
		return 0;
	pdf_obj *cid = pdf_array_get(ctx, pdf_dict_get(ctx, f, PDF_NAME(DescendantFonts)), 0);
	if (!pdf_name_eq(ctx, pdf_dict_get(ctx, cid, PDF_NAME(Subtype)), PDF_NAME(CIDFontType2)))
		return 0;
	pdf_obj *map = pdf_dict_get(ctx, cid, PDF_NAME(CIDToGIDMap));
	if (map && !pdf_name_eq(ctx, map, PDF_NAME(Identity)))
		return 0;
	pdf_obj *w = pdf_dict_get(ctx, cid, PDF_NAME(W));
	if (w && !pdf_is_array(ctx, w))
		return 0;
	pdf_obj *desc = pdf_dict_get(ctx, cid, PDF_NAME(FontDescriptor));
	return pdf_is_dict(ctx, desc) && pdf_is_indirect(ctx, font_program(ctx, desc));
}

/* One /W entry's range of CIDs, clipped to two-byte codes; 0 when bad. */
static int cid_range_ok(int c0, int c1)
{
	return c0 >= 0 && c1 >= c0 && c1 <= REC_CID_MAX;
}

/* /W into fd's metrics and into font's width table (by CID, the default
 * /DW beyond the last CID /W names). Throws on a malformed /W. */
static void cid_widths(fz_context *ctx, pdf_font_desc *fd, pdf_obj *cid)
{
	int dw = pdf_dict_get_int(ctx, cid, PDF_NAME(DW));
	if (!pdf_dict_get(ctx, cid, PDF_NAME(DW)))
		dw = REC_CID_DEFAULT_WIDTH;
	pdf_set_default_hmtx(ctx, fd, dw);
	pdf_obj *w = pdf_dict_get(ctx, cid, PDF_NAME(W));
	int n = pdf_array_len(ctx, w);
	for (int i = 0; i < n;) {
		int c0 = pdf_array_get_int(ctx, w, i);
		pdf_obj *o = pdf_array_get(ctx, w, i + 1);
		if (pdf_is_array(ctx, o)) {
			int m = pdf_array_len(ctx, o);
			if (!cid_range_ok(c0, c0 + (m > 0 ? m - 1 : 0)))
				fz_throw(ctx, FZ_ERROR_GENERIC, "bad /W");
			for (int k = 0; k < m; k++)
				pdf_add_hmtx(ctx, fd, c0 + k, c0 + k, pdf_array_get_int(ctx, o, k));
			i += 2;
		} else {
			int c1 = pdf_to_int(ctx, o);
			if (!pdf_is_number(ctx, o) || !cid_range_ok(c0, c1))
				fz_throw(ctx, FZ_ERROR_GENERIC, "bad /W");
			pdf_add_hmtx(ctx, fd, c0, c1, pdf_array_get_int(ctx, w, i + 2));
			i += 3;
		}
	}
	pdf_end_hmtx(ctx, fd);

	fz_font *font = fd->font;
	int last = 0;
	for (int i = 0; i < fd->hmtx_len; i++)
		if (fd->hmtx[i].hi > last)
			last = fd->hmtx[i].hi;
	font->width_table = fz_malloc_array(ctx, last + 1, short);
	font->width_count = last + 1;
	font->width_default = (short)dw;
	for (int c = 0; c <= last; c++)
		font->width_table[c] = (short)dw;
	for (int i = 0; i < fd->hmtx_len; i++)
		for (int c = fd->hmtx[i].lo; c <= fd->hmtx[i].hi; c++)
			font->width_table[c] = (short)fd->hmtx[i].w;
	fd->size += (size_t)font->width_count * sizeof(short);
}

/* The stand-in face, its vertical metrics set to the font's. */
static fz_font *stand_in_face(fz_context *ctx, const char *basefont, const pdf_font_desc *fd, pdf_obj *desc)
{
	int len = 0;
	const unsigned char *data = fz_lookup_base14_font(ctx, REC_STAND_IN_FACE, &len);
	if (!data)
		fz_throw(ctx, FZ_ERROR_GENERIC, "no stand-in face");
	fz_font *font = fz_new_font_from_memory(ctx, basefont, data, len, 0, 0);
	float asc, dsc;
	fast_vertical(ctx, fd, desc, &asc, &dsc);
	FT_Face face = font->ft_face;
	face->ascender = (FT_Short)lroundf(asc * face->units_per_EM);
	face->descender = (FT_Short)lroundf(dsc * face->units_per_EM);
	font->use_glyph_bbox = 0;
	font->flags.is_bold = font->flags.is_italic = font->flags.is_serif = font->flags.is_mono = 0;
	font->flags.ft_stretch = 1;	/* fz_advance_glyph reads the width table only then */
	return font;
}

static pdf_font_desc *load_fast_cid(fz_context *ctx, pdf_document *doc, pdf_obj *f, struct fast_fonts *ff)
{
	if (ff->off || ff->n >= REC_MAX_FAST_FONTS)
		return NULL;
	pdf_font_desc *fd = pdf_find_item(ctx, font_desc_drop, f);
	if (fd)
		return fd;
	pdf_obj *cid = pdf_array_get(ctx, pdf_dict_get(ctx, f, PDF_NAME(DescendantFonts)), 0);
	pdf_obj *desc = pdf_dict_get(ctx, cid, PDF_NAME(FontDescriptor));
	const char *basefont = pdf_to_name(ctx, pdf_dict_get(ctx, cid, PDF_NAME(BaseFont)));
	fz_var(fd);
	fz_try(ctx) {
		fd = pdf_new_font_desc(ctx);
		descriptor_read(ctx, fd, desc);
		if (fd->descent > 0)
			fd->descent = -fd->descent;
		fd->is_embedded = 1;
		fd->encoding = pdf_new_identity_cmap(ctx, 0, 2);
		fd->size += pdf_cmap_size(ctx, fd->encoding);
		fd->font = stand_in_face(ctx, basefont, fd, desc);
		fast_style(ctx, fd, desc, basefont);
		cid_widths(ctx, fd, cid);
		fd->to_unicode = pdf_load_embedded_cmap(ctx, doc, pdf_dict_get(ctx, f, PDF_NAME(ToUnicode)));
		if (fd->to_unicode->usecmap_name[0])
			fz_throw(ctx, FZ_ERROR_GENERIC, "ToUnicode uses another CMap");
		fd->size += pdf_cmap_size(ctx, fd->to_unicode);
		keep_fast_font(ctx, ff, f, fd);
	}
	fz_catch(ctx)
		fd = fast_font_refused(ctx, fd);
	return fd;
}

#ifdef KOUAN_OCR
/* Takes the document's fonts made here out of the store, so that rendering
 * a page (for OCR) loads them with their programs; none are made after. */
static void unstore_fast_fonts(fz_context *ctx, struct fast_fonts *ff)
{
	for (int i = 0; i < ff->n; i++)
		pdf_remove_item(ctx, font_desc_drop, ff->dicts[i]);
	ff->off = 1;
}
#endif

static void fast_fonts_drop(fz_context *ctx, struct fast_fonts *ff)
{
	for (int i = 0; i < ff->n; i++)
		pdf_drop_obj(ctx, ff->dicts[i]);
	ff->n = 0;
}

static void preload_resources(fz_context *ctx, pdf_document *doc, pdf_obj *res, int depth, struct preload *pl)
{
	if (!res || depth > REC_PRELOAD_MAX_DEPTH || pdf_mark_obj(ctx, res))
		return;
	fz_try(ctx) {
		pdf_obj *fonts = pdf_dict_get(ctx, res, PDF_NAME(Font));
		int n = pdf_dict_len(ctx, fonts);
		for (int i = 0; i < n && pl->n < REC_PRELOAD_MAX_FONTS; i++) {
			pdf_obj *f = pdf_dict_get_val(ctx, fonts, i);
			if (!pdf_is_dict(ctx, f) || preloaded(ctx, pl, pdf_resolve_indirect(ctx, f)))
				continue;
			pdf_font_desc *fd = fast_font_candidate(ctx, f) ? load_fast_font(ctx, doc, f, pl->fast)
				: fast_type3_candidate(ctx, f) ? load_fast_type3(ctx, doc, f, pl->fast)
				: fast_cid_candidate(ctx, f) ? load_fast_cid(ctx, doc, f, pl->fast)
				: builtin_candidate(ctx, f) ? load_builtin_font(ctx, doc, f) : NULL;
			if (!fd)
				fd = base14_candidate(ctx, f) ? load_base14_font(ctx, doc, res, f)
					: try_load_font(ctx, doc, res, f);
			if (!fd)
				continue;
			if (fd->font)
				fd->font->use_glyph_bbox = 0;
			pl->dicts[pl->n] = pdf_resolve_indirect(ctx, f);
			pl->fonts[pl->n++] = fd;
		}
		pdf_obj *xobjs = pdf_dict_get(ctx, res, PDF_NAME(XObject));
		n = pdf_dict_len(ctx, xobjs);
		for (int i = 0; i < n; i++) {
			pdf_obj *x = pdf_dict_get_val(ctx, xobjs, i);
			pdf_obj *sub = pdf_dict_get(ctx, x, PDF_NAME(Subtype));
			if (pdf_name_eq(ctx, sub, PDF_NAME(Form)))
				preload_resources(ctx, doc, pdf_dict_get(ctx, x, PDF_NAME(Resources)), depth + 1, pl);
			else if (pdf_name_eq(ctx, sub, PDF_NAME(Image)))
				stand_in_image(ctx, x, pl);
		}
	}
	fz_always(ctx)
		pdf_unmark_obj(ctx, res);
	fz_catch(ctx)
		fz_rethrow(ctx);
}

static void preload_drop(fz_context *ctx, struct preload *pl)
{
	drop_stand_ins(ctx, pl);
	for (int i = 0; i < pl->n; i++)
		pdf_drop_font(ctx, pl->fonts[i]);
	pl->n = 0;
}

/* Read one page into out: glyphs, rules and size, in one pass. */
static void read_page(fz_context *ctx, fz_document *doc, int i, fz_cookie *cookie, struct rec_page *out,
	int64_t deadline_ms, int *ocr_used, struct rec_ocr_engines **engines, struct fast_fonts *fast)
{
	fz_page *page = NULL;
	fz_device *tdev = NULL, *rdev = NULL;
	fz_stext_page *st = NULL;
	struct preload pl = {.fast = fast};
	fz_var(page);
	fz_var(tdev);
	fz_var(rdev);
	fz_var(st);
	fz_try(ctx) {
		page = fz_load_page(ctx, doc, i);
		fz_rect bounds = fz_bound_page(ctx, page);
		out->width = bounds.x1 - bounds.x0;
		out->height = bounds.y1 - bounds.y0;
		fz_matrix to_origin = fz_translate(-bounds.x0, -bounds.y0);
		fz_stext_options opts = {0};
		opts.flags = FZ_STEXT_INHIBIT_SPACES;	/* only the spaces the producer wrote */
		st = fz_new_stext_page(ctx, fz_make_rect(0, 0, out->width, out->height));
		tdev = fz_new_stext_device(ctx, st, &opts);
		rdev = new_rule_device(ctx, out, tdev);
		pdf_page *pp = pdf_page_from_fz_page(ctx, page);
		if (pp)
			preload_resources(ctx, pp->doc, pdf_page_resources(ctx, pp), 0, &pl);
		fz_run_page(ctx, page, rdev, to_origin, cookie);
		fz_close_device(ctx, rdev);
		fz_close_device(ctx, tdev);
		drop_stand_ins(ctx, &pl);
		if (cookie->abort)
			fz_throw(ctx, FZ_ERROR_GENERIC, "deadline");
		take_glyphs(ctx, st, out);
#ifdef KOUAN_OCR
		/* no text layer, or one that cannot be what the page shows: read
		 * the page image (a failure leaves the page as it was, and a
		 * document with no text at all is refused as no_text) */
		if (out->n_glyphs == 0 || rec_page_text_illegible(out)) {
			unstore_fast_fonts(ctx, fast);
			if (ocr_page(ctx, page, to_origin, deadline_ms, engines, out) == K_OK)
				*ocr_used = out->ocr = 1;
		}
#else
		(void)deadline_ms;
		(void)ocr_used;
		(void)engines;
		(void)fast;
#endif
	}
	fz_always(ctx) {
		preload_drop(ctx, &pl);
		fz_drop_device(ctx, rdev);
		fz_drop_device(ctx, tdev);
		fz_drop_stext_page(ctx, st);
		fz_drop_page(ctx, page);
	}
	fz_catch(ctx)
		fz_rethrow(ctx);
}

static int has_pdf_header(const unsigned char *data, size_t len)
{
	size_t lim = len < 1024 ? len : 1024;
	for (size_t i = 0; i + 5 <= lim; i++)
		if (memcmp(data + i, "%PDF-", 5) == 0)
			return 1;
	return 0;
}

static int is_blank(const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n\f\v", data[i]) || data[i] == 0)
			return 0;
	return 1;
}

enum kerr rec_pdf_load(const unsigned char *data, size_t len, int64_t deadline_ms, struct rec_doc *out, int *repaired)
{
	memset(out, 0, sizeof *out);
	*repaired = 0;
	if (len == 0 || is_blank(data, len))
		return K_EMPTY_FILE;
	if (len > REC_MAX_FILE_BYTES)
		return K_RESOURCE_LIMIT;
	if (!has_pdf_header(data, len))
		return K_NOT_PDF;
	pthread_once(&base_once, base_init);
	if (!base_ctx)
		return K_INTERNAL;

	fz_cookie cookie = {0};
	struct budget budget = {0, REC_MAX_MEMORY_BYTES, 0, deadline_ms, &cookie, 0, 0};
	struct budget *saved = tl_budget;
	tl_budget = &budget;
	fz_context *ctx = fz_clone_context(base_ctx);
	if (!ctx) {
		tl_budget = saved;
		return K_RESOURCE_LIMIT;
	}

	enum kerr err = K_OK;
	int ocr_used = 0;
	struct rec_ocr_engines *engines = NULL;	/* Tesseract, loaded on the first scanned page */
	fz_stream *stm = NULL;
	fz_document *doc = NULL;
	struct fast_fonts fast_store = {.n = 0}, *fast = &fast_store;
	fz_var(stm);
	fz_var(doc);
	fz_var(err);
	fz_var(engines);
	fz_try(ctx) {
		stm = fz_open_memory(ctx, data, len);
		doc = &pdf_open_document_with_stream(ctx, stm)->super;
		if (fz_needs_password(ctx, doc) && !fz_authenticate_password(ctx, doc, "")) {
			err = K_ENCRYPTED_PDF;
			break;
		}
		int n = fz_count_pages(ctx, doc);
		if (n > REC_MAX_PAGES) {
			err = K_TOO_MANY_PAGES;
			break;
		}
		if (n <= 0) {
			err = K_CORRUPT_PDF;
			break;
		}
		out->pages = calloc((size_t)n, sizeof *out->pages);
		if (!out->pages)
			fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
		out->n_pages = (size_t)n;
		size_t total = 0;
		for (int i = 0; i < n; i++) {
			out->pages[i].number = i + 1;
			read_page(ctx, doc, i, &cookie, &out->pages[i], deadline_ms, &ocr_used, &engines, fast);
			total += out->pages[i].n_glyphs;
			if (total > REC_MAX_GLYPHS_PER_DOC) {
				err = K_RESOURCE_LIMIT;
				break;
			}
		}
		pdf_document *pdf = pdf_specifics(ctx, doc);
		if (pdf && pdf->repair_attempted)
			*repaired = 1;
	}
	fz_always(ctx) {
#ifdef KOUAN_OCR
		rec_ocr_engines_free(engines);
#endif
		fast_fonts_drop(ctx, fast);
		fz_drop_document(ctx, doc);
		fz_drop_stream(ctx, stm);
	}
	fz_catch(ctx) {
		if (budget.exceeded || budget.late || cookie.abort || rec_now_ms() > deadline_ms)
			err = K_RESOURCE_LIMIT;
		else if (fz_caught(ctx) == FZ_ERROR_MEMORY)
			err = K_RESOURCE_LIMIT;
		else
			err = K_CORRUPT_PDF;
	}
	if (err == K_OK && (budget.late || budget.exceeded || rec_now_ms() > deadline_ms))
		err = K_RESOURCE_LIMIT;

	fz_drop_context(ctx);
	tl_budget = saved;

	if (err == K_OK) {
		size_t glyphs = 0;
		for (size_t i = 0; i < out->n_pages; i++)
			for (size_t k = 0; k < out->pages[i].n_glyphs; k++)
				glyphs += out->pages[i].glyphs[k].cp != ' ';
		if (glyphs == 0)
			err = K_NO_TEXT;
		out->scanned = ocr_used;
	}
	if (err != K_OK)
		rec_doc_free(out);
	return err;
}

/* ---- a page as a PNG image, for showing the declaration beside its form ---- */

/* Scale that fits the page in REC_RENDER_MAX_PIXELS on its longer side at
 * most, at dpi. */
static fz_matrix render_scale(fz_context *ctx, fz_page *page, int dpi, int rotation)
{
	fz_rect b = fz_bound_page(ctx, page);
	float side = fz_max(b.x1 - b.x0, b.y1 - b.y0);
	float zoom = (float)dpi / 72.0f;
	if (side > 0 && side * zoom > REC_RENDER_MAX_PIXELS)
		zoom = REC_RENDER_MAX_PIXELS / side;
	/* device space has y down, so a positive angle turns the image clockwise */
	return fz_concat(fz_scale(zoom, zoom), fz_rotate((float)rotation));
}

static int rotation_ok(int rotation)
{
	return rotation == 0 || rotation == 90 || rotation == 180 || rotation == 270;
}

enum kerr rec_render_page_png(const unsigned char *data, size_t len, int page_no, int dpi, int rotation,
	unsigned char **png, size_t *png_len)
{
	*png = NULL;
	*png_len = 0;
	if (len == 0 || len > REC_MAX_FILE_BYTES || !has_pdf_header(data, len))
		return K_NOT_PDF;
	if (dpi < REC_RENDER_DPI_MIN || dpi > REC_RENDER_DPI_MAX || page_no < 1 || !rotation_ok(rotation))
		return K_VALIDATION_FAILED;
	pthread_once(&base_once, base_init);
	if (!base_ctx)
		return K_INTERNAL;
	fz_cookie cookie = {0};
	struct budget budget = {0, REC_MAX_MEMORY_BYTES, 0, rec_now_ms() + REC_RENDER_TIME_LIMIT_MS, &cookie, 0, 0};
	struct budget *saved = tl_budget;
	tl_budget = &budget;
	fz_context *ctx = fz_clone_context(base_ctx);
	if (!ctx) {
		tl_budget = saved;
		return K_RESOURCE_LIMIT;
	}
	enum kerr err = K_OK;
	fz_stream *stm = NULL;
	fz_document *doc = NULL;
	fz_page *page = NULL;
	fz_pixmap *pix = NULL;
	fz_buffer *buf = NULL;
	fz_var(stm);
	fz_var(doc);
	fz_var(page);
	fz_var(pix);
	fz_var(buf);
	fz_var(err);
	fz_try(ctx) {
		stm = fz_open_memory(ctx, data, len);
		doc = &pdf_open_document_with_stream(ctx, stm)->super;
		if (fz_needs_password(ctx, doc) && !fz_authenticate_password(ctx, doc, "")) {
			err = K_ENCRYPTED_PDF;
			break;
		}
		if (page_no > fz_count_pages(ctx, doc)) {
			err = K_NOT_FOUND;
			break;
		}
		page = fz_load_page(ctx, doc, page_no - 1);
		pix = fz_new_pixmap_from_page(ctx, page, render_scale(ctx, page, dpi, rotation), fz_device_gray(ctx), 0);	/* forms are black on white: a third of the bytes */
		buf = fz_new_buffer_from_pixmap_as_png(ctx, pix, fz_default_color_params);
		unsigned char *bytes = NULL;
		size_t n = fz_buffer_storage(ctx, buf, &bytes);
		*png = malloc(n ? n : 1);
		if (*png == NULL)
			fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
		memcpy(*png, bytes, n);
		*png_len = n;
	}
	fz_always(ctx) {
		fz_drop_buffer(ctx, buf);
		fz_drop_pixmap(ctx, pix);
		fz_drop_page(ctx, page);
		fz_drop_document(ctx, doc);
		fz_drop_stream(ctx, stm);
	}
	fz_catch(ctx) {
		err = budget.exceeded || budget.late || cookie.abort ? K_RESOURCE_LIMIT : K_CORRUPT_PDF;
	}
	fz_drop_context(ctx);
	tl_budget = saved;
	if (err != K_OK) {
		free(*png);
		*png = NULL;
		*png_len = 0;
	}
	return err;
}

enum kerr rec_page_count(const unsigned char *data, size_t len, int *pages)
{
	*pages = 0;
	if (len == 0 || len > REC_MAX_FILE_BYTES || !has_pdf_header(data, len))
		return K_NOT_PDF;
	pthread_once(&base_once, base_init);
	if (!base_ctx)
		return K_INTERNAL;
	struct budget budget = {0, REC_MAX_MEMORY_BYTES, 0, rec_now_ms() + REC_RENDER_TIME_LIMIT_MS, NULL, 0, 0};
	struct budget *saved = tl_budget;
	tl_budget = &budget;
	fz_context *ctx = fz_clone_context(base_ctx);
	if (!ctx) {
		tl_budget = saved;
		return K_RESOURCE_LIMIT;
	}
	enum kerr err = K_OK;
	fz_stream *stm = NULL;
	fz_document *doc = NULL;
	fz_var(stm);
	fz_var(doc);
	fz_var(err);
	fz_try(ctx) {
		stm = fz_open_memory(ctx, data, len);
		doc = &pdf_open_document_with_stream(ctx, stm)->super;
		if (fz_needs_password(ctx, doc) && !fz_authenticate_password(ctx, doc, ""))
			err = K_ENCRYPTED_PDF;
		else
			*pages = fz_count_pages(ctx, doc);
	}
	fz_always(ctx) {
		fz_drop_document(ctx, doc);
		fz_drop_stream(ctx, stm);
	}
	fz_catch(ctx) {
		err = budget.exceeded || budget.late ? K_RESOURCE_LIMIT : K_CORRUPT_PDF;
	}
	fz_drop_context(ctx);
	tl_budget = saved;
	return err;
}
