/* Several servers behind nginx (issue 14, item 6): two `kouan serve` on one
 * PostgreSQL, nginx in front with the configuration of deploy/nginx/kouan.conf
 * rendered for 127.0.0.1. A session made through one server is good on the
 * other; nginx passes the real client's address and refuses bodies over
 * kouan's limits as kouan would; a server stopped while a
 * stream of requests runs loses none of them and doubles none, and a server
 * killed outright costs only the POSTs it was running (502, not sent again).
 * PostgreSQL only: the deployment it proves is one on PostgreSQL. */
#define _GNU_SOURCE	/* strcasestr in rawsock.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"
#include "rawsock.h"

#define PW "servers pass 7"
#define STREAM_THREADS 8
#define STREAM_EACH 40		/* requests of each stream thread */
#define STOP_AFTER 60		/* answers received before a server is stopped */
#define NGINX_TRIES 3		/* ports tried (another process may take the one chosen) */
#define TEMPLATE_LEN 16384
#define CONF_LEN 20000
#define ADDR_LEN 64
#define CLIENT_ADDR "127.0.0.5"	/* a client of nginx other than nginx itself */

static struct it_server a, b;
static struct it_server proxy;		/* nginx: only base (and dir) are used */
static pid_t nginx_pid;
static struct it_client ent;
static int via_nginx;			/* requests sent through this nginx (its access log's lines to come) */

/* ---- nginx with deploy/nginx/kouan.conf ---- */

/* Replace the one occurrence of from in s (cap bytes) by to; 0, or -1 when
 * from is not there exactly once. */
static int replace_once(char *s, size_t cap, const char *from, const char *to)
{
	char *at = strstr(s, from);
	if (at == NULL || strstr(at + 1, from) != NULL)
		return -1;
	size_t tail = strlen(at + strlen(from));
	if (strlen(s) - strlen(from) + strlen(to) + 1 > cap)
		return -1;
	memmove(at + strlen(to), at + strlen(from), tail + 1);
	memcpy(at, to, strlen(to));
	return 0;
}

static const char *host_port(const struct it_server *s)
{
	return s->base + strlen("http://");
}

/* The template with its listen line and its two upstream servers set. */
static int render_site(int port, char *out, size_t cap)
{
	char path[512], from[ADDR_LEN], to[ADDR_LEN];
	const char *src = getenv("KOUAN_SOURCE_DIR");
	snprintf(path, sizeof path, "%s/deploy/nginx/kouan.conf", src ? src : ".");
	size_t len;
	char *t = it_read_file(path, &len);
	if (t == NULL || len + 1 > cap) {
		free(t);
		return -1;
	}
	memcpy(out, t, len + 1);
	free(t);
	snprintf(to, sizeof to, "listen 127.0.0.1:%d;", port);
	int rc = replace_once(out, cap, "listen 80;", to);
	snprintf(from, sizeof from, "server 127.0.0.1:8081 ");
	snprintf(to, sizeof to, "server %s ", host_port(&a));
	rc |= replace_once(out, cap, from, to);
	snprintf(from, sizeof from, "server 127.0.0.1:8082 ");
	snprintf(to, sizeof to, "server %s ", host_port(&b));
	rc |= replace_once(out, cap, from, to);
	return rc;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	int rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) != 0 ? -1 : rc;
}

/* nginx's own file around the site: paths in dir, every request's upstream logged. */
static int write_main_conf(const char *dir, int port)
{
	static char site[TEMPLATE_LEN], conf[CONF_LEN];
	char path[512];
	if (render_site(port, site, sizeof site) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/kouan.conf", dir);
	if (write_text(path, site) != 0)
		return -1;
	snprintf(conf, sizeof conf,
		"daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log info;\n"
		"events { worker_connections 1024; }\n"
		"http {\n log_format up '$request_method $uri $status $upstream_addr';\n access_log %s/access.log up;\n"
		" client_body_temp_path %s/tmp/body;\n proxy_temp_path %s/tmp/proxy;\n fastcgi_temp_path %s/tmp/fcgi;\n"
		" uwsgi_temp_path %s/tmp/uwsgi;\n scgi_temp_path %s/tmp/scgi;\n include %s/kouan.conf;\n}\n",
		dir, dir, dir, dir, dir, dir, dir, dir, dir);
	snprintf(path, sizeof path, "%s/nginx.conf", dir);
	return write_text(path, conf);
}

/* A port nobody listens on now. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof sa;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	int port = -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Wait until nginx answers /livez through to kouan; 0, or -1 when it exited. */
static int nginx_ready(void)
{
	for (int i = 0; i < RAW_WAIT_ROUNDS; i++) {
		int st;
		if (waitpid(nginx_pid, &st, WNOHANG) == nginx_pid) {
			nginx_pid = 0;
			return -1;
		}
		char answer[4096];
		int fd = raw_connect(&proxy, NULL);
		if (fd >= 0) {
			close(fd);
			int got = raw_request(&proxy, NULL, "GET /livez HTTP/1.1\r\nHost: kouan\r\nConnection: close\r\n\r\n",
				answer, sizeof answer);
			via_nginx += got > 0;
			if (got == 200)
				return 0;
		}
		struct pollfd none;
		(void)poll(&none, 0, RAW_POLL_MS);
	}
	return -1;
}

static int start_nginx(void)
{
	char tmp[600];
	snprintf(proxy.dir, sizeof proxy.dir, "/tmp/kouan-nginx-XXXXXX");
	if (mkdtemp(proxy.dir) == NULL || chmod(proxy.dir, 0755) != 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s/tmp", proxy.dir);
	if (mkdir(tmp, 0777) != 0 || chmod(tmp, 0777) != 0)	/* the workers' user writes here */
		return -1;
	for (int t = 0; t < NGINX_TRIES; t++) {
		int port = free_port();
		if (port < 0 || write_main_conf(proxy.dir, port) != 0)
			return -1;
		snprintf(proxy.base, sizeof proxy.base, "http://127.0.0.1:%d", port);
		via_nginx = 0;
		char conf[600], err[600];
		snprintf(conf, sizeof conf, "%s/nginx.conf", proxy.dir);
		snprintf(err, sizeof err, "%s/error.log", proxy.dir);
		nginx_pid = fork();
		if (nginx_pid == 0) {
			execlp("nginx", "nginx", "-p", proxy.dir, "-c", conf, "-e", err, (char *)NULL);
			execl("/usr/sbin/nginx", "nginx", "-p", proxy.dir, "-c", conf, "-e", err, (char *)NULL);	/* sbin off PATH */
			_exit(127);
		}
		if (nginx_ready() == 0)
			return 0;
	}
	return -1;
}

static void stop_nginx(void)
{
	if (nginx_pid <= 0)
		return;
	kill(nginx_pid, SIGQUIT);	/* graceful: workers finish, master exits */
	waitpid(nginx_pid, NULL, 0);
	nginx_pid = 0;
	it_cleanup(&proxy);
}

/* ---- the servers ---- */

static int setup(void **state)
{
	if (!it_is_pg())
		return 0;
	static const char *const extra[] = {"--trusted-proxy", "127.0.0.1", "--grace", "20000", NULL};
	curl_global_init(CURL_GLOBAL_ALL);
	memset(&a, 0, sizeof a);
	snprintf(a.dir, sizeof a.dir, "/tmp/kouan-it-XXXXXX");
	if (mkdtemp(a.dir) == NULL || it_fresh_db(&a, "servers") != 0)
		return -1;
	if (it_user_add(&a, "srv_ent", "enterprise", "双机测试企业", PW) != 0)
		return -1;
	if (it_start(&a, extra) != 0 || it_start_twin(&b, &a, extra) != 0)
		return -1;
	return start_nginx();
}

static int teardown(void **state)
{
	if (!it_is_pg())
		return 0;
	stop_nginx();
	if (b.pid > 0 && it_stop(&b) != 0)
		return -1;
	if (a.pid > 0 && it_stop(&a) != 0)
		return -1;
	it_cleanup(&b);
	it_cleanup(&a);
	return 0;
}

static long status_of(struct it_server *s, struct it_client *c, const char *method, const char *path, const char *body,
	json_t **json)
{
	struct it_resp r;
	if (s == &proxy)
		__atomic_add_fetch(&via_nginx, 1, __ATOMIC_RELAXED);
	if (it_request(s, c, method, path, body, NULL, NULL, &r) != 0)
		return -1;
	if (json)
		*json = json_incref(r.json);
	long st = r.status;
	it_resp_free(&r);
	return st;
}

/* The nginx access log: how many lines name this upstream ("" counts all). */
static int upstream_lines(const char *upstream)
{
	char path[600];
	size_t len;
	snprintf(path, sizeof path, "%s/access.log", proxy.dir);
	char *log = it_read_file(path, &len);
	if (log == NULL)
		return 0;
	int n = 0;
	for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
		n += strstr(line, upstream) != NULL;
	free(log);
	return n;
}

/* nginx logs a request after its answer has gone: wait until every request
 * sent through it has its line; the lines naming upstream then. */
static int settled_lines(const char *upstream)
{
	for (int i = 0; i < RAW_WAIT_ROUNDS && upstream_lines("") < __atomic_load_n(&via_nginx, __ATOMIC_RELAXED); i++) {
		struct pollfd none;
		(void)poll(&none, 0, RAW_POLL_MS);
	}
	assert_int_equal(upstream_lines(""), via_nginx);
	return upstream_lines(upstream);
}

/* Logged in on A, carried on through B, then through nginx (both), logged
 * out on B: gone on A too. */
static void session_on_both(void **state)
{
	if (!it_is_pg())
		skip();
	memset(&ent, 0, sizeof ent);
	assert_int_equal(it_login(&a, &ent, "srv_ent", PW), 200);
	json_t *me = NULL;
	assert_int_equal(status_of(&b, &ent, "GET", "/api/v1/me", NULL, &me), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(me, "user"), "username")), "srv_ent");
	json_decref(me);
	json_t *bk = NULL;
	assert_int_equal(status_of(&b, &ent, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", &bk), 201);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/bookings/%lld", (long long)json_integer_value(json_object_get(bk, "id")));
	json_decref(bk);
	assert_int_equal(status_of(&a, &ent, "GET", path, NULL, NULL), 200);
	int a_before = settled_lines(host_port(&a)), b_before = settled_lines(host_port(&b));
	enum { THROUGH_NGINX = 8 };
	for (int i = 0; i < THROUGH_NGINX; i++)
		assert_int_equal(status_of(&proxy, &ent, "GET", path, NULL, NULL), 200);
	int a_now = settled_lines(host_port(&a)), b_now = settled_lines(host_port(&b));
	assert_int_equal(a_now - a_before + b_now - b_before, THROUGH_NGINX);
	assert_true(a_now > a_before);	/* both servers took their turn */
	assert_true(b_now > b_before);
	assert_int_equal(status_of(&b, &ent, "DELETE", "/api/v1/session", NULL, NULL), 204);
	struct it_client old = ent;
	assert_int_equal(status_of(&a, &old, "GET", "/api/v1/me", NULL, NULL), 401);
}

/* The login throttle's rows for addr: the address kouan saw the client at. */
static long long throttle_rows(const char *addr)
{
	PGconn *pg = PQconnectdb(a.db);
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	const char *params[] = {addr};
	PGresult *r = PQexecParams(pg, "SELECT count(*) FROM throttle WHERE kind = 'login' AND addr = $1", 1, NULL, params,
		NULL, NULL, 0);
	long long n = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	PQclear(r);
	PQfinish(pg);
	return n;
}

/* A wrong password from CLIENT_ADDR through nginx counts for CLIENT_ADDR,
 * not for nginx; an X-Forwarded-For the client made up is not believed. */
static void real_client_address(void **state)
{
	if (!it_is_pg())
		skip();
	char answer[4096];
	static const char body[] = "{\"username\":\"srv_ent\",\"password\":\"wrong password\"}";
	char req[512];
	snprintf(req, sizeof req, "POST /api/v1/session HTTP/1.1\r\nHost: kouan\r\nConnection: close\r\n"
		"X-Forwarded-For: 10.9.8.7\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(body),
		body);
	via_nginx++;
	assert_int_equal(raw_request(&proxy, CLIENT_ADDR, req, answer, sizeof answer), 401);
	assert_true(throttle_rows(CLIENT_ADDR) > 0);	/* the (account, address) pair, and the address */
	assert_int_equal(throttle_rows("10.9.8.7"), 0);
	assert_int_equal(throttle_rows("127.0.0.1"), 0);
}

/* nginx refuses what kouan would, with kouan's error code, before a byte
 * reaches kouan: JSON over --max-body anywhere, uploads over --max-upload on
 * the upload routes; what kouan accepts passes. */
static void body_limits_agree(void **state)
{
	if (!it_is_pg())
		skip();
	enum { MAX_BODY = 1 << 20, MAX_UPLOAD = 20 << 20 };
	static const struct {
		const char *path;
		int length;
		int status;	/* 413 refused by nginx; else kouan's answer to a head without its body */
	} cases[] = {
		{"/api/v1/session", MAX_BODY + 1, 413},
		{"/api/v1/declarations", MAX_UPLOAD + 1, 413},
		{"/api/v1/bookings/1/attachments", MAX_UPLOAD + 1, 413},
		{"/api/v1/bookings/1/vehicles/import", MAX_UPLOAD + 1, 413},
		{"/api/v1/bookings", MAX_BODY + 1, 413},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char head[512], answer[4096];
		snprintf(head, sizeof head, "POST %s HTTP/1.1\r\nHost: kouan\r\nConnection: close\r\n"
			"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", cases[i].path,
			cases[i].length);
		via_nginx++;
		assert_int_equal(raw_request(&proxy, NULL, head, answer, sizeof answer), cases[i].status);
		assert_non_null(strstr(answer, "\"payload_too_large\""));
		assert_null(strcasestr(answer, "X-Request-Id"));	/* nginx's answer: kouan never saw it */
	}
	/* an upload within kouan's limit but over the JSON one reaches kouan */
	struct it_client c = {0};
	via_nginx++;
	assert_int_equal(it_login(&proxy, &c, "srv_ent", PW), 200);
	size_t len = MAX_BODY * 2;
	char *data = calloc(1, len);
	memcpy(data, "%PDF-1.4\n", 9);
	struct it_resp r;
	via_nginx++;
	assert_int_equal(it_upload(&proxy, &c, "/api/v1/declarations", "file", "two-mib.pdf", data, len, NULL, &r), 0);
	free(data);
	assert_non_null(strcasestr(r.headers, "X-Request-Id"));
	assert_int_not_equal(r.status, 413);
	it_resp_free(&r);
}

/* ---- a stream of requests through nginx while a server goes ---- */

struct stream {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int answered;		/* answers received, all threads */
	int get_ok, get_bad, post_ok, post_502, post_bad;
	char path[64];		/* a booking every GET reads */
};

static void count(struct stream *st, int is_post, long status)
{
	pthread_mutex_lock(&st->mu);
	st->answered++;
	if (!is_post)
		status == 200 ? st->get_ok++ : st->get_bad++;
	else if (status == 201)
		st->post_ok++;
	else if (status == 502)
		st->post_502++;
	else
		st->post_bad++;
	if (status != 200 && status != 201)
		fprintf(stderr, "stream: %s -> %ld\n", is_post ? "POST" : "GET", status);
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

/* Alternately a GET of one booking and a POST that creates one. */
static void *stream_thread(void *arg)
{
	struct stream *st = arg;
	for (int i = 0; i < STREAM_EACH; i++) {
		struct it_client c = ent;	/* a copy: requests may update it */
		int is_post = i % 2;
		long s = is_post ? status_of(&proxy, &c, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", NULL)
				 : status_of(&proxy, &c, "GET", st->path, NULL, NULL);
		count(st, is_post, s);
	}
	return NULL;
}

static long long bookings_in_db(void)
{
	PGconn *pg = PQconnectdb(a.db);
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	PGresult *r = PQexec(pg, "SELECT count(*) FROM bookings");
	long long n = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	PQclear(r);
	PQfinish(pg);
	return n;
}

/* Run the stream; once STOP_AFTER answers came, stop (or kill) A. */
static void run_stream(struct stream *st, int kill_it)
{
	pthread_t th[STREAM_THREADS];
	for (int i = 0; i < STREAM_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, stream_thread, st), 0);
	pthread_mutex_lock(&st->mu);
	while (st->answered < STOP_AFTER)
		pthread_cond_wait(&st->cv, &st->mu);
	pthread_mutex_unlock(&st->mu);
	if (kill_it) {
		assert_true(a.pid > 0);	/* kill(0) would signal the whole process group, ctest included */
		kill(a.pid, SIGKILL);
		waitpid(a.pid, NULL, 0);
		a.pid = 0;
	} else {
		assert_int_equal(it_stop(&a), 0);	/* SIGTERM: the requests it holds are finished */
	}
	for (int i = 0; i < STREAM_THREADS; i++)
		pthread_join(th[i], NULL);
}

static void stream_setup(struct stream *st)
{
	memset(st, 0, sizeof *st);
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	memset(&ent, 0, sizeof ent);
	via_nginx++;
	assert_int_equal(it_login(&proxy, &ent, "srv_ent", PW), 200);
	json_t *bk = NULL;
	assert_int_equal(status_of(&proxy, &ent, "POST", "/api/v1/bookings", "{\"kind\":\"heavy_truck\"}", &bk), 201);
	snprintf(st->path, sizeof st->path, "/api/v1/bookings/%lld", (long long)json_integer_value(json_object_get(bk, "id")));
	json_decref(bk);
}

/* A again at its address, with a log of its own; nginx afresh, so that it
 * does not hold A's failure against it (fail_timeout). */
static void restart_a(void)
{
	static int round;
	char listen[ADDR_LEN], old_log[400];
	snprintf(listen, sizeof listen, "%s", host_port(&a));	/* nginx knows this address */
	snprintf(old_log, sizeof old_log, "%s/server-%d.log", a.dir, ++round);
	assert_int_equal(rename(a.log, old_log), 0);
	const char *args[] = {"--listen", listen, "--trusted-proxy", "127.0.0.1", "--grace", "20000", NULL};
	a.base[0] = '\0';
	assert_int_equal(it_start(&a, args), 0);
	assert_string_equal(host_port(&a), listen);
	stop_nginx();
	assert_int_equal(start_nginx(), 0);
}

/* SIGTERM to A in the middle: every request answered as if nothing happened,
 * every created booking there once. */
static void stop_mid_stream(void **state)
{
	if (!it_is_pg())
		skip();
	struct stream st;
	stream_setup(&st);
	long long before = bookings_in_db();
	int a_before = settled_lines(host_port(&a));
	run_stream(&st, 0);
	int a_served = settled_lines(host_port(&a)) - a_before;
	fprintf(stderr, "stop: GET ok %d, POST ok %d, 502 %d, other %d; A served %d of them\n", st.get_ok, st.post_ok,
		st.post_502, st.get_bad + st.post_bad, a_served);
	assert_int_equal(st.get_ok, STREAM_THREADS * STREAM_EACH / 2);
	assert_int_equal(st.post_ok, STREAM_THREADS * STREAM_EACH / 2);
	assert_int_equal(bookings_in_db() - before, st.post_ok);	/* none lost, none twice */
	assert_true(a_served > 0);	/* A did serve part of the stream */
	restart_a();
}

/* kill -9 to A in the middle: GETs are sent again to B (all answered); a POST
 * A was running is answered 502 and not sent again, so it was made once or
 * not at all; every 201 is there. */
static void kill_mid_stream(void **state)
{
	if (!it_is_pg())
		skip();
	struct stream st;
	stream_setup(&st);
	long long before = bookings_in_db();
	int a_before = settled_lines(host_port(&a));
	run_stream(&st, 1);
	long long made = bookings_in_db() - before;
	fprintf(stderr, "kill: GET ok %d, POST ok %d, 502 %d, other %d; bookings made %lld\n", st.get_ok, st.post_ok,
		st.post_502, st.get_bad + st.post_bad, made);
	assert_int_equal(st.get_ok, STREAM_THREADS * STREAM_EACH / 2);
	assert_int_equal(st.post_ok + st.post_502, STREAM_THREADS * STREAM_EACH / 2);
	assert_true(made >= st.post_ok && made <= st.post_ok + st.post_502);
	assert_true(settled_lines(host_port(&a)) > a_before);
	restart_a();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(session_on_both),
		cmocka_unit_test(real_client_address),
		cmocka_unit_test(body_limits_agree),
		cmocka_unit_test(stop_mid_stream),
		cmocka_unit_test(kill_mid_stream),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
