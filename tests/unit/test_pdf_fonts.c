/* pdf.c's two font shortcuts against MuPDF's own font loading.
 *
 * Built-in (base-14) simple fonts: load_builtin_font must give exactly what
 * pdf_load_font gives (glyph ids, Unicode, widths, width table, advances,
 * flags, ascender) for the 14 fonts and aliases, every standard encoding,
 * Differences, both subtypes, with and without /Widths and a descriptor.
 *
 * Embedded simple fonts made without their programs (load_fast_font), on
 * the fixtures' fonts: the same Unicode and widths for every code, advances
 * as the program's within a hundredth of an em, the glyph box's top and
 * bottom within a tenth.
 *
 * CID fonts under Identity-H made without their programs (load_fast_cid),
 * on the gen2 fixtures printed by Chromium in CID TrueType faces: for every
 * two-byte code the same CID, Unicode (all of its code points) and width,
 * the advance the width, ascender and descender within a tenth of an em.
 *
 * pdf.c's functions are static, so the file is included here (its object
 * in the library is then not linked into this test). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../src/recognize/pdf.c"

static fz_context *new_ctx(void)
{
	pthread_once(&base_once, base_init);
	assert_non_null(base_ctx);
	fz_context *ctx = fz_clone_context(base_ctx);
	assert_non_null(ctx);
	return ctx;
}

static int same_unicode(fz_context *ctx, pdf_font_desc *a, pdf_font_desc *b, int code)
{
	int ua[8], ub[8];
	int na = a->to_unicode ? pdf_lookup_cmap_full(a->to_unicode, code, ua) : 0;
	int nb = b->to_unicode ? pdf_lookup_cmap_full(b->to_unicode, code, ub) : 0;
	if (na != nb || (na > 0 && memcmp(ua, ub, (size_t)na * sizeof ua[0]) != 0))
		return 0;
	int ca = code < (int)a->cid_to_ucs_len ? a->cid_to_ucs[code] : -1;
	int cb = code < (int)b->cid_to_ucs_len ? b->cid_to_ucs[code] : -1;
	return ca == cb;
}

/* The character pdf_show_char gives a code (the first of several). */
static int shown_unicode(pdf_font_desc *fd, int code)
{
	int u[8];
	if (fd->to_unicode && pdf_lookup_cmap_full(fd->to_unicode, code, u) > 0)
		return u[0] ? u[0] : FZ_REPLACEMENT_CHARACTER;
	if (code < (int)fd->cid_to_ucs_len && fd->cid_to_ucs[code])
		return fd->cid_to_ucs[code];
	return FZ_REPLACEMENT_CHARACTER;
}

static int mapped(pdf_font_desc *fd, int code)
{
	int u[8];
	return fd->to_unicode && pdf_lookup_cmap_full(fd->to_unicode, code, u) > 0;
}

static int same_builtin(fz_context *ctx, pdf_font_desc *a, pdf_font_desc *b)
{
	fz_font *fa = a->font, *fb = b->font;
	if (a->flags != b->flags || a->wmode != b->wmode || a->is_embedded != b->is_embedded ||
		a->cid_to_gid_len != b->cid_to_gid_len || a->cid_to_ucs_len != b->cid_to_ucs_len ||
		!a->to_unicode != !b->to_unicode)
		return 0;
	if (fa->width_count != fb->width_count || fa->width_default != fb->width_default ||
		memcmp(fa->width_table, fb->width_table, (size_t)fa->width_count * sizeof(short)) != 0)
		return 0;
	if (fa->flags.is_bold != fb->flags.is_bold || fa->flags.is_italic != fb->flags.is_italic ||
		fa->flags.is_serif != fb->flags.is_serif || fa->flags.is_mono != fb->flags.is_mono ||
		fa->flags.ft_substitute != fb->flags.ft_substitute || fa->flags.ft_stretch != fb->flags.ft_stretch ||
		fa->glyph_count != fb->glyph_count)
		return 0;
	if (fz_font_ascender(ctx, fa) != fz_font_ascender(ctx, fb) || fz_font_descender(ctx, fa) != fz_font_descender(ctx, fb))
		return 0;
	for (int code = 0; code < REC_SIMPLE_CODES; code++) {
		int ga = pdf_font_cid_to_gid(ctx, a, code), gb = pdf_font_cid_to_gid(ctx, b, code);
		if (ga != gb || pdf_lookup_hmtx(ctx, a, code).w != pdf_lookup_hmtx(ctx, b, code).w ||
			fz_advance_glyph(ctx, fa, ga, 0) != fz_advance_glyph(ctx, fb, gb, 0) || !same_unicode(ctx, a, b, code))
			return 0;
	}
	return 1;
}

static pdf_obj *builtin_dict(fz_context *ctx, pdf_document *doc, const char *name, const char *sub, int enc, int widths, int desc)
{
	static const char *const encodings[] = {NULL, "WinAnsiEncoding", "MacRomanEncoding", "StandardEncoding", "MacExpertEncoding"};
	static const char *const diffs[] = {"space", "uni4E2D", "Euro", "bullet", "a", "fi", "notaname", "alpha",
		"ring", ".notdef", "Omega", "uni0041", "a20", "heart", "club"};
	pdf_obj *f = pdf_add_new_dict(ctx, doc, 8);
	pdf_dict_put_name(ctx, f, PDF_NAME(Type), "Font");
	pdf_dict_put_name(ctx, f, PDF_NAME(Subtype), sub);
	pdf_dict_put_name(ctx, f, PDF_NAME(BaseFont), name);
	if (enc >= 1 && enc <= 4) {
		pdf_dict_put_name(ctx, f, PDF_NAME(Encoding), encodings[enc]);
	} else if (enc >= 5) {	/* Differences, over nothing, WinAnsi, MacRoman */
		pdf_obj *e = pdf_dict_put_dict(ctx, f, PDF_NAME(Encoding), 2);
		if (enc == 6)
			pdf_dict_put_name(ctx, e, PDF_NAME(BaseEncoding), "WinAnsiEncoding");
		if (enc == 7)
			pdf_dict_put_name(ctx, e, PDF_NAME(BaseEncoding), "MacRomanEncoding");
		pdf_obj *d = pdf_dict_put_array(ctx, e, PDF_NAME(Differences), 24);
		pdf_array_push_int(ctx, d, 1);
		for (size_t i = 0; i < sizeof diffs / sizeof diffs[0]; i++)
			pdf_array_push_name(ctx, d, diffs[i]);
		pdf_array_push_int(ctx, d, 200);
		pdf_array_push_name(ctx, d, "A");
		pdf_array_push_name(ctx, d, "zcaron");
		pdf_array_push_name(ctx, d, "afii10017");
	}
	if (widths) {
		pdf_dict_put_int(ctx, f, PDF_NAME(FirstChar), 30);
		pdf_dict_put_int(ctx, f, PDF_NAME(LastChar), 130);
		pdf_obj *w = pdf_dict_put_array(ctx, f, PDF_NAME(Widths), 101);
		for (int i = 0; i < 101; i++)
			pdf_array_push_int(ctx, w, 300 + 3 * i);
	}
	if (desc) {	/* nonsymbolic, symbolic, both */
		pdf_obj *d = pdf_dict_put_dict(ctx, f, PDF_NAME(FontDescriptor), 4);
		pdf_dict_put_int(ctx, d, PDF_NAME(Flags), desc == 1 ? 32 : desc == 2 ? 4 : 36);
		pdf_dict_put_int(ctx, d, PDF_NAME(MissingWidth), 250);
	}
	return f;
}

static void builtin_fonts_as_mupdf(void **state)
{
	static const char *const names[] = {"Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
		"Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Courier", "Courier-Bold",
		"Courier-Oblique", "Courier-BoldOblique", "Symbol", "ZapfDingbats", "Arial", "Arial,Bold",
		"TimesNewRoman", "CourierNew", "SymbolMT"};
	static const char *const subs[] = {"Type1", "TrueType"};
	fz_context *ctx = new_ctx();
	pdf_document *doc = pdf_create_document(ctx);
	int n = 0, differ = 0;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		for (int enc = 0; enc < 8; enc++)
			for (int s = 0; s < 2; s++)
				for (int w = 0; w < 2; w++)
					for (int d = 0; d < 4; d++) {
						pdf_obj *f = builtin_dict(ctx, doc, names[k], subs[s], enc, w, d);
						assert_true(builtin_candidate(ctx, f));
						pdf_font_desc *a = load_builtin_font(ctx, doc, f);
						assert_non_null(a);
						pdf_remove_item(ctx, font_desc_drop, f);
						pdf_font_desc *b = pdf_load_font(ctx, doc, NULL, f);
						if (!same_builtin(ctx, a, b)) {
							if (differ++ < 5)
								printf("differs: %s %s encoding %d widths %d descriptor %d\n", names[k], subs[s], enc, w, d);
						}
						n++;
						pdf_remove_item(ctx, font_desc_drop, f);
						pdf_drop_font(ctx, a);
						pdf_drop_font(ctx, b);
						pdf_drop_obj(ctx, f);
					}
	printf("%d built-in font dictionaries, %d differ\n", n, differ);
	assert_int_equal(differ, 0);
	pdf_drop_document(ctx, doc);
	fz_drop_context(ctx);
}

/* Every fast-path font of a fixture against MuPDF's load of the same dictionary. */
static int other_advance;	/* codes whose glyph in the program advances otherwise */

static int check_fast_fonts(fz_context *ctx, const char *path)
{
	int checked = 0;
	struct fast_fonts fast = {.n = 0};
	pdf_document *doc = pdf_open_document(ctx, path);
	pdf_page *page = pdf_load_page(ctx, doc, 0);
	pdf_obj *fonts = pdf_dict_get(ctx, pdf_page_resources(ctx, page), PDF_NAME(Font));
	for (int i = 0; i < pdf_dict_len(ctx, fonts); i++) {
		pdf_obj *f = pdf_dict_get_val(ctx, fonts, i);
		if (!fast_font_candidate(ctx, f))
			continue;
		pdf_font_desc *a = load_fast_font(ctx, doc, f, &fast);
		assert_non_null(a);
		assert_non_null(a->font->t3procs);	/* made without the program */
		pdf_remove_item(ctx, font_desc_drop, f);
		pdf_font_desc *b = pdf_load_font(ctx, doc, NULL, f);
		assert_null(b->font->t3procs);
		for (int code = 0; code < REC_SIMPLE_CODES; code++) {
			/* codes /ToUnicode maps read the same; for others MuPDF may
			 * name the program's glyph, which is not read here */
			int ua = shown_unicode(a, code), ub = shown_unicode(b, code);
			assert_true(ua == ub || (ua == FZ_REPLACEMENT_CHARACTER && !mapped(b, code)));
			assert_int_equal(pdf_lookup_hmtx(ctx, a, code).w, pdf_lookup_hmtx(ctx, b, code).w);
			/* the glyph's advance is the one the text is laid out with */
			float adv = fz_advance_glyph(ctx, a->font, pdf_font_cid_to_gid(ctx, a, code), 0);
			assert_true(fabsf(adv - pdf_lookup_hmtx(ctx, a, code).w / 1000.0f) < 1e-6f);
			if (pdf_font_cid_to_gid(ctx, b, code) > 0 &&
				fabsf(adv - fz_advance_glyph(ctx, b->font, pdf_font_cid_to_gid(ctx, b, code), 0)) >= 0.01f)
				other_advance++;
		}
		assert_true(fabsf(fz_font_ascender(ctx, a->font) - fz_font_ascender(ctx, b->font)) < 0.1f);
		assert_true(fabsf(fz_font_descender(ctx, a->font) - fz_font_descender(ctx, b->font)) < 0.1f);
		pdf_remove_item(ctx, font_desc_drop, f);
		pdf_drop_font(ctx, a);
		pdf_drop_font(ctx, b);
		checked++;
	}
	assert_int_equal(fast.n, checked);
	fast_fonts_drop(ctx, &fast);
	fz_drop_page(ctx, &page->super);
	pdf_drop_document(ctx, doc);
	return checked;
}

static void fast_fonts_as_mupdf(void **state)
{
	const char *const src = getenv("KOUAN_SOURCE_DIR") ? getenv("KOUAN_SOURCE_DIR") : ".";
	fz_context *ctx = new_ctx();
	int checked = 0;
	for (int k = 1; k <= 30; k += 7) {
		char path[4096];
		snprintf(path, sizeof path, "%s/tests/fixtures/declarations/decl_%03d.pdf", src, k);
		fz_try(ctx)
			checked += check_fast_fonts(ctx, path);
		fz_catch(ctx)
			fail_msg("%s: %s", path, fz_caught_message(ctx));
	}
	/* (ReportLab's CJK subsets: the program's glyphs say half an em where
	 * /Widths, and the text, say a whole one) */
	printf("%d embedded fonts made without their programs, checked; %d codes advance otherwise in the program\n",
		checked, other_advance);
	assert_true(checked >= 5);
	fz_drop_context(ctx);
}

/* A code given a width but no Unicode (neither /ToUnicode nor a glyph name):
 * MuPDF could name it from the program, so the fast path declines the font. */
static void fast_font_declines_unmapped_codes(void **state)
{
	const char *const src = getenv("KOUAN_SOURCE_DIR") ? getenv("KOUAN_SOURCE_DIR") : ".";
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/declarations/decl_001.pdf", src);
	fz_context *ctx = new_ctx();
	struct fast_fonts fast = {.n = 0};
	pdf_document *doc = pdf_open_document(ctx, path);
	pdf_page *page = pdf_load_page(ctx, doc, 0);
	pdf_obj *fonts = pdf_dict_get(ctx, pdf_page_resources(ctx, page), PDF_NAME(Font));
	int tried = 0;
	for (int i = 0; i < pdf_dict_len(ctx, fonts) && !tried; i++) {
		pdf_obj *f = pdf_dict_get_val(ctx, fonts, i);
		int last = pdf_dict_get_int(ctx, f, PDF_NAME(LastChar));
		if (!fast_font_candidate(ctx, f) || last >= 255)
			continue;
		/* the same font with one more code, last + 1, that nothing maps */
		pdf_obj *g = pdf_add_object_drop(ctx, doc, pdf_copy_dict(ctx, f));
		pdf_obj *w = pdf_copy_array(ctx, pdf_dict_get(ctx, f, PDF_NAME(Widths)));
		pdf_array_push_int(ctx, w, 500);
		pdf_dict_put_drop(ctx, g, PDF_NAME(Widths), w);
		pdf_dict_put_int(ctx, g, PDF_NAME(LastChar), last + 1);
		pdf_dict_del(ctx, g, PDF_NAME(Encoding));
		assert_true(fast_font_candidate(ctx, g));
		assert_null(load_fast_font(ctx, doc, g, &fast));
		pdf_font_desc *b = pdf_load_font(ctx, doc, NULL, g);	/* MuPDF still loads it */
		assert_null(b->font->t3procs);
		pdf_drop_font(ctx, b);
		/* the font as it is goes the fast way */
		pdf_font_desc *a = load_fast_font(ctx, doc, f, &fast);
		assert_non_null(a);
		pdf_drop_font(ctx, a);
		pdf_drop_obj(ctx, g);
		tried = 1;
	}
	assert_true(tried);
	fast_fonts_drop(ctx, &fast);
	fz_drop_page(ctx, &page->super);
	pdf_drop_document(ctx, doc);
	fz_drop_context(ctx);
}

/* Every fast CID font of a fixture's first page against MuPDF's load. */
static int check_fast_cid_fonts(fz_context *ctx, const char *path)
{
	int checked = 0;
	struct fast_fonts fast = {.n = 0};
	pdf_document *doc = pdf_open_document(ctx, path);
	pdf_page *page = pdf_load_page(ctx, doc, 0);
	pdf_obj *fonts = pdf_dict_get(ctx, pdf_page_resources(ctx, page), PDF_NAME(Font));
	for (int i = 0; i < pdf_dict_len(ctx, fonts); i++) {
		pdf_obj *f = pdf_dict_get_val(ctx, fonts, i);
		if (!fast_cid_candidate(ctx, f))
			continue;
		pdf_font_desc *a = load_fast_cid(ctx, doc, f, &fast);
		assert_non_null(a);
		pdf_remove_item(ctx, font_desc_drop, f);
		pdf_font_desc *b = pdf_load_font(ctx, doc, NULL, f);
		assert_int_equal(a->wmode, b->wmode);
		for (int code = 0; code <= REC_CID_MAX; code++) {
			int ca = pdf_lookup_cmap(a->encoding, (unsigned)code), cb = pdf_lookup_cmap(b->encoding, (unsigned)code);
			assert_int_equal(ca, cb);
			int ua[PDF_MRANGE_CAP], ub[PDF_MRANGE_CAP];
			int na = pdf_lookup_cmap_full(a->to_unicode, (unsigned)ca, ua);
			int nb = b->to_unicode ? pdf_lookup_cmap_full(b->to_unicode, (unsigned)cb, ub) : 0;
			assert_int_equal(na, nb);
			assert_true(na <= 0 || memcmp(ua, ub, (size_t)na * sizeof ua[0]) == 0);
			assert_int_equal(pdf_lookup_hmtx(ctx, a, ca).w, pdf_lookup_hmtx(ctx, b, cb).w);
			float adv = fz_advance_glyph(ctx, a->font, pdf_font_cid_to_gid(ctx, a, ca), 0);
			assert_true(fabsf(adv - pdf_lookup_hmtx(ctx, a, ca).w / 1000.0f) < 1e-6f);
		}
		assert_true(fabsf(fz_font_ascender(ctx, a->font) - fz_font_ascender(ctx, b->font)) < 0.1f);
		assert_true(fabsf(fz_font_descender(ctx, a->font) - fz_font_descender(ctx, b->font)) < 0.1f);
		pdf_remove_item(ctx, font_desc_drop, f);
		pdf_drop_font(ctx, a);
		pdf_drop_font(ctx, b);
		checked++;
	}
	assert_int_equal(fast.n, checked);
	fast_fonts_drop(ctx, &fast);
	fz_drop_page(ctx, &page->super);
	pdf_drop_document(ctx, doc);
	return checked;
}

static void fast_cid_fonts_as_mupdf(void **state)
{
	static const char *const files[] = {"g2_0001_004", "g2_0001_006", "g2_0001_009", "g2_0003_016"};
	const char *const src = getenv("KOUAN_SOURCE_DIR") ? getenv("KOUAN_SOURCE_DIR") : ".";
	fz_context *ctx = new_ctx();
	int checked = 0;
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/tests/fixtures/gen2/%s.pdf", src, files[k]);
		fz_try(ctx)
			checked += check_fast_cid_fonts(ctx, path);
		fz_catch(ctx)
			fail_msg("%s: %s", path, fz_caught_message(ctx));
	}
	printf("%d CID fonts made without their programs, checked\n", checked);
	assert_true(checked >= 4);
	fz_drop_context(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_fonts_as_mupdf),
		cmocka_unit_test(fast_fonts_as_mupdf),
		cmocka_unit_test(fast_font_declines_unmapped_codes),
		cmocka_unit_test(fast_cid_fonts_as_mupdf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
