/* Where on the pages each value was read (issue 10: "sources"), for the
 * review page that shows the declaration beside the form.
 *
 * A source is {"page": n, "box": [x0, y0, x1, y1]}: n counts the PDF's pages
 * from 1; the box is the union of the glyphs the value was read from, in
 * points, origin at the top left of the page shown upright: the page as
 * displayed (its /Rotate applied) turned clockwise by the page's "rotation"
 * (the recognition JSON's "pages"). Keys are the dotted paths of
 * "confidence" (declaration_no, domestic_shipper.name, freight.amount,
 * items.0.qty) and list elements (plates.0, vins.3, containers.1, seals.0). */
#ifndef KOUAN_RECOGNIZE_SOURCES_H
#define KOUAN_RECOGNIZE_SOURCES_H

#include <jansson.h>
#include <stddef.h>

#include "recognize/form.h"

/* A box being gathered on one page of the form reader (page: index into
 * its pages, -1 while empty). Glyphs of another page than the first one
 * added are left out: a source is one box on one page. */
struct src_box {
	int page;
	float x0, y0, x1, y1;
};

void src_box_clear(struct src_box *b);
void src_box_add(struct src_box *b, int page, float x0, float y0, float x1, float y1);
void src_box_add_lines(struct src_box *b, int page, const struct rline *lines, size_t n);

/* The recognition's sources and pages under construction. */
struct src_map {
	json_t *sources;	/* path -> {"page", "box"} */
	const struct rec_doc *doc;	/* page numbers and rotations of the pages read */
	const struct fpage *pages;	/* the form reader's (upright) pages, one per doc page */
	size_t np;
};

/* Record b as the source of path when out holds a value there (not null,
 * not "", not an empty list). */
void src_put(struct src_map *m, const json_t *out, const char *path, const struct src_box *b);

/* Sources of what derive.c computed: each plate, VIN, container and seal
 * found where its characters stand on the pages (OCR look-alikes and, on a
 * scan, a few misread characters allowed), origin and currency from item 1,
 * total_value from a single item's total. */
void src_put_derived(struct src_map *m, const json_t *out);

/* {"n", "width", "height", "rotation"} of each page read: its number in the
 * PDF, its size in points shown upright, and the clockwise quarter turns (in
 * degrees) from the page as displayed to upright. New reference. */
json_t *src_pages_json(const struct src_map *m);

#endif
