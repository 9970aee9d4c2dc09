/* The outbox sender: POSTs each pending notification row to its
 * organisation's webhook (store/notifications.h), as JSON, with libcurl
 * opened on first use (core/lazylib.h: only a server with webhooks pays for
 * loading it). Run by the server every minute and by the admin's
 * POST /api/v1/outbox/send-now (tests, and an operator who will not wait).
 * A row is tried OUTBOX_ATTEMPTS_MAX times; redirects are not followed. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/lazylib.h"
#include "core/log.h"
#include "store/notifications.h"

#define OUTBOX_ATTEMPTS_MAX 5
#define OUTBOX_TIMEOUT_S 5L
#define OUTBOX_CONNECT_TIMEOUT_S 3L
#define HTTP_OK_MIN 200
#define HTTP_OK_MAX 299

LAZYLIB(libcurl, "libcurl.so.4");

/* libcurl's variadic setters, reached through their own pointer types. */
typedef CURLcode (*setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*getinfo_fn)(CURL *, CURLINFO, ...);

struct curl_api {
	CURL *(*init)(void);
	setopt_fn setopt;
	getinfo_fn getinfo;
	CURLcode (*perform)(CURL *);
	void (*cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	const char *(*strerror)(CURLcode);
};

static int curl_api_load(struct curl_api *a)
{
	if (!lazylib_available(&libcurl))
		return 0;
	a->init = (CURL * (*)(void)) lazylib_sym(&libcurl, "curl_easy_init");
	a->setopt = (setopt_fn)lazylib_sym(&libcurl, "curl_easy_setopt");
	a->getinfo = (getinfo_fn)lazylib_sym(&libcurl, "curl_easy_getinfo");
	a->perform = (CURLcode(*)(CURL *))lazylib_sym(&libcurl, "curl_easy_perform");
	a->cleanup = (void (*)(CURL *))lazylib_sym(&libcurl, "curl_easy_cleanup");
	a->slist_append = (struct curl_slist * (*)(struct curl_slist *, const char *)) lazylib_sym(&libcurl, "curl_slist_append");
	a->slist_free_all = (void (*)(struct curl_slist *))lazylib_sym(&libcurl, "curl_slist_free_all");
	a->strerror = (const char *(*)(CURLcode))lazylib_sym(&libcurl, "curl_easy_strerror");
	return 1;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* POST one row; NULL on a 2xx answer, else why (a static string or buf). */
static const char *post(const struct curl_api *a, const struct outbox_row *row, char *buf, size_t len)
{
	CURL *h = a->init();
	if (h == NULL)
		return "curl_easy_init failed";
	struct curl_slist *headers = a->slist_append(NULL, "Content-Type: application/json");
	long status = 0;
	a->setopt(h, CURLOPT_URL, row->webhook_url);
	a->setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	a->setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	a->setopt(h, CURLOPT_NOSIGNAL, 1L);
	a->setopt(h, CURLOPT_TIMEOUT, OUTBOX_TIMEOUT_S);
	a->setopt(h, CURLOPT_CONNECTTIMEOUT, OUTBOX_CONNECT_TIMEOUT_S);
	a->setopt(h, CURLOPT_HTTPHEADER, headers);
	a->setopt(h, CURLOPT_POSTFIELDS, row->payload);
	a->setopt(h, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = a->perform(h);
	if (rc == CURLE_OK)
		a->getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	a->slist_free_all(headers);
	a->cleanup(h);
	if (rc != CURLE_OK)
		return a->strerror(rc);
	if (status >= HTTP_OK_MIN && status <= HTTP_OK_MAX)
		return NULL;
	snprintf(buf, len, "HTTP %ld", status);
	return buf;
}

enum kerr outbox_send(struct store *st, int *sent, int *failed)
{
	struct curl_api a;
	struct outbox_row *rows = NULL;
	size_t n = 0;
	*sent = *failed = 0;
	enum kerr e = store_outbox_pending(st, OUTBOX_ATTEMPTS_MAX, &rows, &n);
	if (e != K_OK || n == 0) {
		free(rows);
		return e;
	}
	int have_curl = curl_api_load(&a);
	for (size_t i = 0; i < n && e == K_OK; i++) {
		char why[64];
		const char *err = have_curl ? post(&a, &rows[i], why, sizeof why) : "libcurl not installed";
		e = store_outbox_done(st, rows[i].id, err == NULL, err, (int64_t)time(NULL));
		if (err == NULL)
			(*sent)++;
		else
			(*failed)++;
		if (err != NULL)
			log_warn("msg=\"webhook not delivered\" outbox=%lld org=%lld error=\"%s\"", (long long)rows[i].id,
				(long long)rows[i].org_id, err);
	}
	for (size_t i = 0; i < n; i++)
		free(rows[i].payload);
	free(rows);
	return e;
}

void outbox_send_now(struct api_ctx *c)
{
	int sent = 0, failed = 0;
	enum kerr e = outbox_send(c->app->store, &sent, &failed);
	if (e != K_OK)
		api_error(c, e);
	else
		api_json(c, 200, json_pack("{s:i,s:i}", "sent", sent, "failed", failed));
}
