/* kouan serve: read the options, open the store, start the HTTP server,
 * wait for SIGTERM or SIGINT, stop cleanly. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/booking_cache.h"
#include "api/throttle.h"
#include "cli.h"
#include "core/config.h"
#include "core/cliopt.h"
#include "core/log.h"
#include "store/release.h"
#include "store/sites.h"
#include "core/workq.h"
#include "store/capacity.h"

#define PURGE_EVERY_S 60	/* the session purge and the booking expiry run every minute */
#define STOP_MARGIN_MS 3000	/* beyond --grace, for closing connections and the database */
#define EXIT_STOP_HUNG 3

struct serve_config {
	const char *listen, *db, *trusted_proxy, *metrics_from;
	int log_level, demo, test_clock;
	long threads, db_pool, max_body, max_upload, max_header_bytes, grace_ms;
	long session_idle, session_max, login_max_user, login_max_addr, login_window, login_backoff;
	long max_connections, max_per_addr, head_timeout, body_timeout, idle_timeout;
	long recognize_workers, recognize_queue;
};

static int check_listen(const char *v, char *why, size_t n)
{
	const char *colon = strrchr(v, ':');
	long port;
	if (colon == NULL || colon == v || parse_long(colon + 1, 0, 65535, &port) != 0) {
		snprintf(why, n, "must be HOST:PORT, e.g. 127.0.0.1:8080");
		return -1;
	}
	return 0;
}

static int check_db(const char *v, char *why, size_t n)
{
	const char *target;
	switch (store_url_kind(v, &target)) {
	case STORE_URL_SQLITE:
		if (*target != '\0')
			return 0;
		break;
	case STORE_URL_POSTGRES:
		return 0;
	case STORE_URL_UNKNOWN:
		break;
	}
	snprintf(why, n, "must be sqlite:PATH or postgres://USER@HOST:PORT/DB");
	return -1;
}

#define O(f) offsetof(struct serve_config, f)
static const struct config_option options[] = {
	{"--listen", "KOUAN_LISTEN", CONFIG_STRING, "127.0.0.1:8080", 0, 128, O(listen), "address and port to listen on", check_listen},
	{"--db", "KOUAN_DB", CONFIG_STRING, CLI_DEFAULT_DB, 0, 1024, O(db), "database: sqlite:PATH or a postgres:// URI", check_db},
	{"--log-level", "KOUAN_LOG_LEVEL", CONFIG_LEVEL, "info", 0, 0, O(log_level), "debug, info, warn or error", NULL},
	{"--threads", "KOUAN_THREADS", CONFIG_INT, "4", 1, 64, O(threads), "HTTP worker threads", NULL},
	{"--db-pool", "KOUAN_DB_POOL", CONFIG_INT, "8", 1, 64, O(db_pool), "database connections", NULL},
	{"--max-body", "KOUAN_MAX_BODY", CONFIG_INT, "1048576", 1024, 16777216, O(max_body), "largest JSON body, bytes", NULL},
	{"--max-upload", "KOUAN_MAX_UPLOAD", CONFIG_INT, "20971520", 1024, 104857600, O(max_upload), "largest upload, bytes", NULL},
	{"--max-header-bytes", "KOUAN_MAX_HEADER_BYTES", CONFIG_INT, "8192", 1024, 65536, O(max_header_bytes), "largest request head, bytes", NULL},
	{"--session-idle", "KOUAN_SESSION_IDLE", CONFIG_INT, "7200", 1, 604800, O(session_idle), "seconds an unused session lasts", NULL},
	{"--session-max", "KOUAN_SESSION_MAX", CONFIG_INT, "43200", 1, 2592000, O(session_max), "seconds any session lasts", NULL},
	{"--login-max-user", "KOUAN_LOGIN_MAX_USER", CONFIG_INT, "5", 1, 1000, O(login_max_user), "failed logins of one account from one address before each next attempt must wait (--login-backoff, doubling)", NULL},
	{"--login-max-addr", "KOUAN_LOGIN_MAX_ADDR", CONFIG_INT, "50", 1, 100000, O(login_max_addr), "failed logins from one address, all accounts, before its attempts must wait (password spraying)", NULL},
	{"--login-window", "KOUAN_LOGIN_WINDOW", CONFIG_INT, "900", 1, 86400, O(login_window), "seconds after its last failure that a count is forgotten (and the longest wait)", NULL},
	{"--login-backoff", "KOUAN_LOGIN_BACKOFF", CONFIG_INT, "1", 1, 3600, O(login_backoff), "seconds the first attempt beyond the free failures must wait (doubled after each next failure)", NULL},
	{"--trusted-proxy", "KOUAN_TRUSTED_PROXY", CONFIG_STRING, "", 0, 64, O(trusted_proxy), "proxy address whose X-Forwarded-For/-Proto are believed", NULL},
	{"--max-connections", "KOUAN_MAX_CONNECTIONS", CONFIG_INT, "0", 0, 10000000, O(max_connections), "connections open at once (0: as many as the descriptor limit allows)", NULL},
	{"--max-conn-per-addr", "KOUAN_MAX_CONN_PER_ADDR", CONFIG_INT, "256", 0, 10000000, O(max_per_addr), "connections open at once from one address; the trusted proxy is exempt (0: no limit)", NULL},
	{"--head-timeout", "KOUAN_HEAD_TIMEOUT", CONFIG_INT, "15", 1, 3600, O(head_timeout), "seconds for a request's whole head (also the idle time between requests)", NULL},
	{"--body-timeout", "KOUAN_BODY_TIMEOUT", CONFIG_INT, "120", 1, 3600, O(body_timeout), "seconds for a request's whole body, and for taking its whole answer", NULL},
	{"--idle-timeout", "KOUAN_IDLE_TIMEOUT", CONFIG_INT, "30", 1, 3600, O(idle_timeout), "seconds without a byte received or sent before a connection is closed", NULL},
	{"--metrics-from", "KOUAN_METRICS_FROM", CONFIG_STRING, "loopback", 1, 1024, O(metrics_from), "who may read /metrics: loopback, any, or client addresses separated by commas", NULL},
	{"--grace", "KOUAN_SHUTDOWN_GRACE", CONFIG_INT, "10000", 0, 600000, O(grace_ms), "milliseconds to finish requests on stop", NULL},
	{"--recognize-workers", "KOUAN_RECOGNIZE_WORKERS", CONFIG_INT, "2", 1, WORKQ_THREADS_MAX, O(recognize_workers), "threads that recognize declarations and render their pages", NULL},
	{"--recognize-queue", "KOUAN_RECOGNIZE_QUEUE", CONFIG_INT, "8", 0, WORKQ_LIMIT_MAX, O(recognize_queue), "uploads that may wait for a recognition thread (more: 503 busy)", NULL},
	{"--demo", "KOUAN_DEMO", CONFIG_BOOL, "false", 0, 0, O(demo), "create the demo lists and one account per role", NULL},
	{"--test-clock", "KOUAN_TEST_CLOCK", CONFIG_BOOL, "false", 0, 0, O(test_clock), "tests only: the admin's POST /api/v1/capacity/expire-now may give its own \"now\"", NULL},
};
#undef O

/* The last line of defence of a stop: if the orderly stop has not ended the
 * process by then, end it. */
static void *stop_watchdog(void *arg)
{
	long ms = *(const long *)arg + STOP_MARGIN_MS;
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
	log_error("msg=\"stop did not finish in time: exiting\" after_ms=%ld", ms);
	_exit(EXIT_STOP_HUNG);
}

static void start_stop_watchdog(const long *grace_ms)
{
	pthread_t t;
	if (pthread_create(&t, NULL, stop_watchdog, (void *)grace_ms) == 0)
		pthread_detach(t);
	else
		log_warn("msg=\"no stop watchdog\"");
}

/* The writers' queue (api_defer_to_writers): on SQLite its threads wait
 * for the one writer and share its commits; on PostgreSQL each transaction
 * takes a pooled connection of its own, and the writers take at most half
 * the pool, leaving the rest to the server threads' reads. */
static int writer_threads(const struct store *st, long db_pool)
{
	if (store_one_writer(st))
		return API_WRITERS;
	long half = db_pool / 2;
	return half < 1 ? 1 : half > API_WRITERS ? API_WRITERS : (int)half;
}

/* Signals go to the thread that waits for them, never to a worker. */
static void block_stop_signals(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The database opened and made ready to serve: the demo data when asked,
 * the fixed sites, a release key in force. 0, or 1 with the reason on stderr. */
static int open_store(const struct serve_config *cfg, struct store **out)
{
	enum kerr e = store_open(cfg->db, (int)cfg->db_pool, out);
	if (e != K_OK) {
		fprintf(stderr, "kouan: cannot open the database %s: %s\n",
			store_url_kind(cfg->db, NULL) == STORE_URL_SQLITE ? cfg->db : "(postgres)", kerr_message(e, LANG_EN));
		return 1;
	}
	if (cfg->demo && (e = store_demo_seed(*out, stderr)) != K_OK) {
		fprintf(stderr, "kouan: cannot create the demo data: %s\n", kerr_message(e, LANG_EN));
		goto fail;
	}
	struct release_key key;
	if ((e = store_site_fixed_ensure(*out)) != K_OK ||
		(e = store_release_key_active(*out, (int64_t)time(NULL), &key)) != K_OK) {
		fprintf(stderr, "kouan: cannot make the fixed sites or the release key: %s\n", kerr_message(e, LANG_EN));
		goto fail;
	}
	sodium_memzero(key.secret_key, sizeof key.secret_key);
	return 0;
fail:
	store_close(*out);
	*out = NULL;
	return 1;
}

static enum kerr start_http(const struct serve_config *cfg, struct app *app, struct http_server **srv)
{
	struct http_config hc = {
		.listen = cfg->listen,
		.threads = (int)cfg->threads,
		.limits = {
			.max_body = (size_t)cfg->max_body,
			.max_header_bytes = (size_t)cfg->max_header_bytes,
			.max_connections = (size_t)cfg->max_connections,
			.max_per_addr = (size_t)cfg->max_per_addr,
			.head_timeout_s = (int)cfg->head_timeout,
			.body_timeout_s = (int)cfg->body_timeout,
			.idle_timeout_s = (int)cfg->idle_timeout,
		},
		.trusted_proxy = cfg->trusted_proxy,
		.admit = api_admit,
		.handler = api_handle,
		.app = app,
	};
	char bound[80];
	enum kerr e = http_start(&hc, srv, bound, sizeof bound);
	if (e != K_OK)
		return e;
	http_set_observer(*srv, api_observe);
	fprintf(stderr, "listening addr=%s\n", bound);
	log_info("msg=started db=%s threads=%ld", store_driver_name(app->store), cfg->threads);
	return K_OK;
}

/* What runs every PURGE_EVERY_S: old sessions and login counts go, bookings
 * past their time expire, the outbox is sent. */
static void housekeeping(const struct serve_config *cfg, struct app *app)
{
	int64_t now = (int64_t)time(NULL);
	if (store_session_purge(app->store, now - cfg->session_max, now - cfg->session_idle) != K_OK)
		log_warn("msg=\"session purge failed\"");
	int expired = 0, sent = 0, failed = 0;
	if (store_capacity_expire(app->store, now, &expired) != K_OK)
		log_warn("msg=\"booking expiry failed\"");
	if (outbox_send(app->store, &sent, &failed) != K_OK)
		log_warn("msg=\"outbox run failed\"");
	int64_t keep = cfg->login_window > THROTTLE_KEEP_MIN_S ? cfg->login_window : THROTTLE_KEEP_MIN_S;
	if (store_throttle_purge(app->store, now - keep) != K_OK)
		log_warn("msg=\"throttle purge failed\"");
}

/* Housekeeping until SIGTERM or SIGINT arrives. */
static void serve_until_stopped(const struct serve_config *cfg, struct app *app, const sigset_t *stop)
{
	for (;;) {
		struct timespec wait = {PURGE_EVERY_S, 0};
		int sig = sigtimedwait(stop, NULL, &wait);
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("msg=stopping signal=%d", sig);
			start_stop_watchdog(&cfg->grace_ms);
			return;
		}
		if (sig < 0 && errno == EAGAIN)
			housekeeping(cfg, app);
	}
}

int cli_serve(int argc, char **argv)
{
	struct serve_config cfg = {0};
	int rc = config_parse(options, sizeof options / sizeof options[0], &cfg, argc, argv, "kouan serve [OPTIONS]");
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (cfg.session_idle > cfg.session_max) {
		fprintf(stderr, "kouan: --session-idle must not exceed --session-max\n");
		return 2;
	}
	log_threshold = (enum log_level)cfg.log_level;
	if (sodium_init() < 0) {
		fprintf(stderr, "kouan: libsodium failed to start\n");
		return 1;
	}
	sigset_t stop;
	block_stop_signals(&stop);

	struct app app = {
		.set = {cfg.session_idle, cfg.session_max, cfg.login_max_user, cfg.login_max_addr, cfg.login_window,
			cfg.login_backoff, (size_t)cfg.max_body, (size_t)cfg.max_upload, cfg.metrics_from},
		.started_at = (int64_t)time(NULL),
		.test_clock = cfg.test_clock,
	};
	if (open_store(&cfg, &app.store) != 0)
		return 1;
	app.sessions = session_cache_new();
	app.bookings = booking_cache_new();
	app.metrics = metrics_new();
	app.scans = workq_new("recognize", (int)cfg.recognize_workers, (int)cfg.recognize_queue);
	app.writers = workq_new("writers", writer_threads(app.store, cfg.db_pool), API_WRITERS_QUEUE);
	if (app.scans == NULL || app.writers == NULL) {
		fprintf(stderr, "kouan: cannot start the recognition or writer threads\n");
		rc = 1;
		goto out;
	}
	struct http_server *srv = NULL;
	if (start_http(&cfg, &app, &srv) != K_OK) {
		fprintf(stderr, "kouan: cannot listen on %s (in use, or not an address of this machine)\n", cfg.listen);
		rc = 1;
		goto out;
	}
	serve_until_stopped(&cfg, &app, &stop);
	/* Recognitions in flight finish and answer, queued ones (long work) get
	 * 503 busy, and so does any new one. New connections are refused while
	 * the requests in flight, writes waiting for the writer included, finish
	 * within --grace; writes still queued after it get 503 busy; then the
	 * server stops with no request set aside. */
	workq_stop(app.scans);
	http_quiesce(srv, (int)cfg.grace_ms);
	workq_stop(app.writers);
	http_stop(srv, 0);
	rc = 0;
out:
	workq_free(app.scans);
	workq_free(app.writers);
	session_cache_free(app.sessions);
	booking_cache_free(app.bookings);
	metrics_free(app.metrics);
	store_close(app.store);
	if (rc == 0)
		log_info("msg=stopped");
	return rc;
}
