/* The files of web/, embedded at build time (embed.c). */
#ifndef KOUAN_HTTP_ASSETS_H
#define KOUAN_HTTP_ASSETS_H

#include <stddef.h>

struct asset {
	const char *path;	/* "/index.html", "/js/app.js" */
	const char *type;	/* Content-Type */
	const unsigned char *data;
	size_t len;
	const char *etag;	/* quoted */
};

extern const struct asset assets[];	/* ends with a zeroed entry */

/* The asset for a URL path ("/" is "/index.html"), or NULL. */
const struct asset *assets_find(const char *path);

#endif
