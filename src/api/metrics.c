/* /healthz and /metrics (Prometheus text format): requests by route and
 * status, a latency histogram, database errors, uptime. Counting is lock-free
 * on the request path; only a new (route, status) pair takes the lock. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/log.h"

#define MAX_SERIES 256
#define N_BUCKETS 14

static const double bucket_s[N_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

struct series {
	const char *route;	/* static strings from the route table */
	int status;
	atomic_ullong count;
};

struct metrics {
	pthread_mutex_t lock;
	struct series series[MAX_SERIES];
	atomic_int n_series;
	atomic_ullong buckets[N_BUCKETS + 1];	/* the last is +Inf */
	atomic_ullong sum_us, count;
	atomic_ullong db_errors;
	atomic_ullong dropped;	/* observations beyond MAX_SERIES */
};

struct metrics *metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void metrics_db_error(struct metrics *m)
{
	atomic_fetch_add(&m->db_errors, 1);
}

static struct series *find(struct metrics *m, const char *route, int status, int n)
{
	for (int i = 0; i < n; i++)
		if (m->series[i].route == route && m->series[i].status == status)
			return &m->series[i];
	return NULL;
}

void api_observe(const struct http_request *req, int status, int64_t elapsed_us, void *appv)
{
	struct metrics *m = ((struct app *)appv)->metrics;
	const char *route = http_route(req) ? http_route(req) : "unrouted";
	int n = atomic_load_explicit(&m->n_series, memory_order_acquire);
	struct series *s = find(m, route, status, n);
	if (s == NULL) {
		pthread_mutex_lock(&m->lock);
		n = atomic_load(&m->n_series);
		s = find(m, route, status, n);
		if (s == NULL && n < MAX_SERIES) {
			s = &m->series[n];
			s->route = route;
			s->status = status;
			atomic_store_explicit(&m->n_series, n + 1, memory_order_release);
		}
		pthread_mutex_unlock(&m->lock);
	}
	if (s)
		atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	else
		atomic_fetch_add(&m->dropped, 1);
	int b = 0;
	while (b < N_BUCKETS && (double)elapsed_us / 1e6 > bucket_s[b])
		b++;
	atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)elapsed_us, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
	if (status >= 500)
		log_warn("msg=\"request failed\" req=%s route=%s status=%d us=%lld", http_request_id(req), route, status,
			(long long)elapsed_us);
	else
		log_debug("msg=request req=%s method=%s route=%s status=%d us=%lld", http_request_id(req),
			http_method(req), route, status, (long long)elapsed_us);
}

/* A growing text buffer for the exposition. */
struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (size_t)(n > 0 ? n : 0);
		t->p = xrealloc(t->p, t->cap);
	}
}

/* Loopback: 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
static int is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 || strncmp(addr, "::ffff:127.", 11) == 0;
}

/* --metrics-from: "loopback", "any", or addresses separated by commas. */
static int metrics_allowed(const char *from, const char *addr)
{
	if (strcmp(from, "any") == 0)
		return 1;
	if (strcmp(from, "loopback") == 0)
		return is_loopback(addr);
	size_t n = strlen(addr);
	for (const char *p = from; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, addr, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

void metrics_get(struct api_ctx *c)
{
	struct metrics *m = c->app->metrics;
	if (!metrics_allowed(c->app->set.metrics_from, http_client_addr(c->req))) {
		api_error(c, K_NOT_FOUND);	/* as if there were none */
		return;
	}
	struct text t = {xmalloc(8192), 0, 8192};
	add(&t, "# HELP kouan_http_requests_total HTTP requests by route and status.\n"
		"# TYPE kouan_http_requests_total counter\n");
	int n = atomic_load(&m->n_series);
	for (int i = 0; i < n; i++)
		add(&t, "kouan_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", m->series[i].route,
			m->series[i].status, (unsigned long long)atomic_load(&m->series[i].count));
	add(&t, "# HELP kouan_http_request_duration_seconds Time from the request's head to its answer.\n"
		"# TYPE kouan_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (int b = 0; b <= N_BUCKETS; b++) {
		cum += atomic_load(&m->buckets[b]);
		if (b < N_BUCKETS)
			add(&t, "kouan_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_s[b], cum);
		else
			add(&t, "kouan_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	}
	add(&t, "kouan_http_request_duration_seconds_sum %.6f\n", (double)atomic_load(&m->sum_us) / 1e6);
	add(&t, "kouan_http_request_duration_seconds_count %llu\n", (unsigned long long)atomic_load(&m->count));
	add(&t, "# HELP kouan_db_errors_total Requests answered db_unavailable.\n# TYPE kouan_db_errors_total counter\n"
		"kouan_db_errors_total %llu\n", (unsigned long long)atomic_load(&m->db_errors));
	add(&t, "# HELP kouan_uptime_seconds Seconds since the server started.\n# TYPE kouan_uptime_seconds gauge\n"
		"kouan_uptime_seconds %lld\n", (long long)(time(NULL) - c->app->started_at));
	add(&t, "# HELP kouan_metrics_dropped_total Observations beyond the series limit.\n"
		"# TYPE kouan_metrics_dropped_total counter\nkouan_metrics_dropped_total %llu\n",
		(unsigned long long)atomic_load(&m->dropped));
	struct http_conn_stats cs;
	http_conn_stats(http_server_of(c->req), &cs);
	add(&t, "# HELP kouan_http_connections Client connections open now.\n# TYPE kouan_http_connections gauge\n"
		"kouan_http_connections %zu\n", cs.open);
	add(&t, "# HELP kouan_http_connections_max Client connections the server keeps open at most.\n"
		"# TYPE kouan_http_connections_max gauge\nkouan_http_connections_max %zu\n", cs.max);
	add(&t, "# HELP kouan_http_connections_refused_total Connections closed on arrival: the server or their address was full.\n"
		"# TYPE kouan_http_connections_refused_total counter\n"
		"kouan_http_connections_refused_total{reason=\"server_full\"} %llu\n"
		"kouan_http_connections_refused_total{reason=\"address_full\"} %llu\n",
		(unsigned long long)cs.refused_full, (unsigned long long)cs.refused_addr);
	add(&t, "# HELP kouan_http_connections_timed_out_total Connections shut down because a request's head or body came too late.\n"
		"# TYPE kouan_http_connections_timed_out_total counter\nkouan_http_connections_timed_out_total %llu\n",
		(unsigned long long)cs.timed_out);
	http_add_header(c->req, "Cache-Control", "no-store");
	http_respond(c->req, 200, "text/plain; version=0.0.4; charset=utf-8", t.p, t.len);
	free(t.p);
}

/* Readiness: 200 only when the database takes a write (a full disk, a
 * read-only file or replica, a lock held too long all answer 503). */
void health_check(struct api_ctx *c)
{
	http_add_header(c->req, "Cache-Control", "no-store");
	enum kerr e = store_ping_write(c->app->store, (int64_t)time(NULL));
	if (e != K_OK) {
		api_error(c, K_DB_UNAVAILABLE);
		return;
	}
	api_json(c, 200, json_pack("{s:s,s:s,s:b}", "status", "ok", "database", store_driver_name(c->app->store), "writable", 1));
}

void health_live(struct api_ctx *c)
{
	api_json(c, 200, json_pack("{s:s}", "status", "ok"));
}
