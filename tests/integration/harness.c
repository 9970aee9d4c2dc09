#define _GNU_SOURCE	/* nftw */
#include "harness.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IT_DB_BUSY_MS 5000	/* it_db_exec waits this long for a lock the server holds */

static const char *bin(void)
{
	const char *b = getenv("KOUAN_BIN");
	return b ? b : "build/kouan";
}

static int it_stop_raw(struct it_server *s);

static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

int it_fresh_db(struct it_server *s, const char *tag)
{
	const char *kind = getenv("KOUAN_TEST_DB");
	if (kind == NULL || strcmp(kind, "pg") != 0) {
		snprintf(s->db, sizeof s->db, "sqlite:%s/%s.db", s->dir, tag);
		return 0;
	}
	const char *file = getenv("KOUAN_TEST_PG_FILE");
	char url[512];
	if (file == NULL || read_file(file, url, sizeof url) != 0) {
		fprintf(stderr, "harness: KOUAN_TEST_PG_FILE not readable\n");
		return -1;
	}
	url[strcspn(url, "\r\n")] = '\0';
	PGconn *pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "harness: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	static int seq;
	snprintf(s->pg_db, sizeof s->pg_db, "it_%s_%d_%d", tag, (int)getpid(), seq++);
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", s->pg_db);	/* a name made here, not input */
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(pg);
	if (!ok)
		return -1;
	char *slash = strrchr(url, '/');
	*slash = '\0';
	int n = snprintf(s->db, sizeof s->db, "%s/%s", url, s->pg_db);
	return n > 0 && (size_t)n < sizeof s->db ? 0 : -1;	/* a URL cut short names another database */
}

int it_start(struct it_server *s, const char *const *extra)
{
	if (s->dir[0] == '\0') {
		snprintf(s->dir, sizeof s->dir, "/tmp/kouan-it-XXXXXX");
		if (mkdtemp(s->dir) == NULL)
			return -1;
	}
	if (s->db[0] == '\0' && it_fresh_db(s, "main") != 0)
		return -1;
	snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
	const char *argv[64] = {bin(), "serve", "--listen", "127.0.0.1:0", "--db", s->db, "--log-level", "info"};
	int n = 8;
	for (int i = 0; extra && extra[i] && n < 62; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 2);
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	s->pid = pid;
	for (int i = 0; i < 300; i++) {	/* up to 30 s: a sanitizer build starts slowly */
		char logbuf[65536];
		if (read_file(s->log, logbuf, sizeof logbuf) == 0) {
			const char *l = strstr(logbuf, "listening addr=");
			if (l) {
				char addr[48];
				sscanf(l + 15, "%47s", addr);
				snprintf(s->base, sizeof s->base, "http://%s", addr);
				return 0;
			}
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "harness: server exited early:\n%s\n", logbuf);
			s->pid = 0;
			return -1;
		}
		usleep(100000);
	}
	return -1;
}

int it_start_twin(struct it_server *twin, const struct it_server *first, const char *const *extra)
{
	memset(twin, 0, sizeof *twin);
	snprintf(twin->db, sizeof twin->db, "%s", first->db);
	/* pg_db stays empty: the database belongs to the first server. */
	return it_start(twin, extra);
}

/* A sanitizer's report in the server's log fails the test that stops it. */
static int log_is_clean(const struct it_server *s)
{
	static char logbuf[1 << 20];
	if (read_file(s->log, logbuf, sizeof logbuf) != 0)
		return 1;
	if (strstr(logbuf, "Sanitizer") == NULL && strstr(logbuf, "runtime error:") == NULL)
		return 1;
	fprintf(stderr, "harness: the server reported:\n%s\n", logbuf);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

int it_stop(struct it_server *s)
{
	if (s->pid <= 0)
		return -1;
	int rc = it_stop_raw(s);
	return log_is_clean(s) ? rc : -2;
}

void it_cleanup(struct it_server *s)
{
	if (s->pid <= 0 && s->dir[0])
		nftw(s->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

int it_stop_and_clean(struct it_server *s)
{
	if (it_stop(s) != 0)
		return -1;
	it_cleanup(s);
	return 0;
}

int it_is_pg(void)
{
	const char *k = getenv("KOUAN_TEST_DB");
	return k != NULL && strcmp(k, "pg") == 0;
}

int it_db_exec(const struct it_server *s, const char *sql)
{
	int ok = 0;
	if (strncmp(s->db, "sqlite:", strlen("sqlite:")) != 0) {
		PGconn *pg = PQconnectdb(s->db);
		PGresult *r = PQexec(pg, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		PQfinish(pg);
		return ok ? 0 : -1;
	}
	sqlite3 *db = NULL;
	if (sqlite3_open(s->db + strlen("sqlite:"), &db) == SQLITE_OK) {
		sqlite3_busy_timeout(db, IT_DB_BUSY_MS);
		ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
	}
	sqlite3_close(db);
	return ok ? 0 : -1;
}

static int it_stop_raw(struct it_server *s)
{
	if (s->pid <= 0)
		return -1;	/* no server: kill(0) would signal the whole process group, ctest included */
	kill(s->pid, SIGTERM);
	for (int i = 0; i < 300; i++) {
		int st;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(100000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
	return -1;
}

int it_run(const char *const *argv, const char *stdin_text, char *out, size_t out_len)
{
	int in[2], outp[2];
	if (pipe(in) != 0 || pipe(outp) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		close(in[1]);
		close(outp[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	if (stdin_text && write(in[1], stdin_text, strlen(stdin_text)) < 0)
		perror("write");
	close(in[1]);
	size_t got = 0;
	ssize_t r;
	char sink[4096];
	while ((r = read(outp[0], out && got + 1 < out_len ? out + got : sink,
			 out && got + 1 < out_len ? out_len - got - 1 : sizeof sink)) > 0)
		if (out && got + 1 < out_len)
			got += (size_t)r;
	if (out)
		out[got] = '\0';
	close(outp[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int it_user_add(struct it_server *s, const char *name, const char *role, const char *org, const char *password)
{
	const char *argv[12] = {bin(), "user", "add", name, "--role", role, "--db", s->db};
	int n = 8;
	if (org) {
		argv[n++] = "--org";
		argv[n++] = org;
	}
	argv[n] = NULL;
	char line[256], out[2048];
	snprintf(line, sizeof line, "%s\n", password);
	int rc = it_run(argv, line, out, sizeof out);
	if (rc != 0)
		fprintf(stderr, "harness: user add %s: %s\n", name, out);
	return rc;
}

struct sink {
	struct it_resp *r;
	size_t cap;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = size * n;
	if (s->r->len + len + 1 > s->cap) {
		s->cap = (s->r->len + len + 1) * 2;
		s->r->body = realloc(s->r->body, s->cap);
	}
	memcpy(s->r->body + s->r->len, p, len);
	s->r->len += len;
	s->r->body[s->r->len] = '\0';
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct it_resp *r = ud;
	size_t len = size * n, have = strlen(r->headers);
	if (have + len + 1 < sizeof r->headers) {
		memcpy(r->headers + have, p, len);
		r->headers[have + len] = '\0';
	}
	return len;
}

/* The request's URL and the headers every request carries. */
static CURL *request_start(struct it_server *s, struct it_client *c, const char *method, const char *path,
	const char *const *extra_headers, struct curl_slist **hl, struct it_resp *out)
{
	memset(out, 0, sizeof *out);
	CURL *h = curl_easy_init();
	char url[1024];
	snprintf(url, sizeof url, "%s%s%s%s", s->base, path, c && c->lang ? (strchr(path, '?') ? "&lang=" : "?lang=") : "",
		c && c->lang ? c->lang : "");
	char line[512];
	if (c && c->cookie[0]) {
		snprintf(line, sizeof line, "Cookie: %s", c->cookie);
		*hl = curl_slist_append(*hl, line);
	}
	if (c && c->csrf[0]) {
		snprintf(line, sizeof line, "X-CSRF-Token: %s", c->csrf);
		*hl = curl_slist_append(*hl, line);
	}
	if (c && c->accept_language) {
		snprintf(line, sizeof line, "Accept-Language: %s", c->accept_language);
		*hl = curl_slist_append(*hl, line);
	}
	for (int i = 0; extra_headers && extra_headers[i]; i++)
		*hl = curl_slist_append(*hl, extra_headers[i]);
	*hl = curl_slist_append(*hl, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	return h;
}

/* Run it, parse the answer, keep the session cookie and CSRF token. */
static int request_finish(CURL *h, struct curl_slist *hl, struct it_client *c, const char *method, const char *path,
	struct it_resp *out)
{
	struct sink sk = {out, 0};
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sk);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		fprintf(stderr, "harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
		return -1;
	}
	if (out->body)
		out->json = json_loadb(out->body, out->len, 0, NULL);
	/* keep the session cookie */
	const char *sc = strstr(out->headers, "Set-Cookie: kouan_session=");
	if (c && sc) {
		sc += 12;
		size_t n = strcspn(sc, ";\r\n");
		if (n < sizeof c->cookie) {
			memcpy(c->cookie, sc, n);
			c->cookie[n] = '\0';
		}
		if (strcmp(c->cookie, "kouan_session=") == 0)
			c->cookie[0] = '\0';
	}
	const char *csrf = out->json ? json_string_value(json_object_get(out->json, "csrf_token")) : NULL;
	if (c && csrf)
		snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
	return 0;
}

int it_request(struct it_server *s, struct it_client *c, const char *method, const char *path, const char *body,
	const char *content_type, const char *const *extra_headers, struct it_resp *out)
{
	struct curl_slist *hl = NULL;
	char line[512];
	if (body) {
		snprintf(line, sizeof line, "Content-Type: %s", content_type ? content_type : "application/json");
		hl = curl_slist_append(hl, line);
	}
	CURL *h = request_start(s, c, method, path, extra_headers, &hl, out);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	return request_finish(h, hl, c, method, path, out);
}

json_t *it_call(struct it_server *s, struct it_client *c, const char *method, const char *path, const char *body,
	long status)
{
	struct it_resp r;
	assert_int_equal(it_request(s, c, method, path, body, NULL, NULL, &r), 0);
	if (r.status != status)
		fprintf(stderr, "%s %s -> %ld %.400s\n", method, path, r.status, r.body ? r.body : "");
	assert_int_equal(r.status, status);
	json_t *j = r.json ? json_incref(r.json) : NULL;
	it_resp_free(&r);
	return j;
}

int it_upload(struct it_server *s, struct it_client *c, const char *path, const char *file_field, const char *filename,
	const void *data, size_t len, const char *const *fields, struct it_resp *out)
{
	struct curl_slist *hl = NULL;
	CURL *h = request_start(s, c, "POST", path, NULL, &hl, out);
	curl_mime *mime = curl_mime_init(h);
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_name(part, file_field);
	curl_mime_filename(part, filename);
	curl_mime_data(part, data, len);
	for (int i = 0; fields && fields[i] && fields[i + 1]; i += 2) {
		part = curl_mime_addpart(mime);
		curl_mime_name(part, fields[i]);
		curl_mime_data(part, fields[i + 1], CURL_ZERO_TERMINATED);
	}
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	int rc = request_finish(h, hl, c, "POST", path, out);
	curl_mime_free(mime);
	return rc;
}

void *it_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void it_resp_free(struct it_resp *r)
{
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

long it_login(struct it_server *s, struct it_client *c, const char *user, const char *password)
{
	json_t *b = json_pack("{s:s,s:s}", "username", user, "password", password);
	char *body = json_dumps(b, 0);
	json_decref(b);
	struct it_resp r;
	long st = it_request(s, c, "POST", "/api/v1/session", body, NULL, NULL, &r) == 0 ? r.status : -1;
	free(body);
	it_resp_free(&r);
	return st;
}

const char *it_error_code(const struct it_resp *r)
{
	const char *code = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
	return code ? code : "";
}

const char *it_demo_password(struct it_server *s, const char *username, char *buf, size_t len)
{
	static char logbuf[1 << 20];
	if (read_file(s->log, logbuf, sizeof logbuf) != 0)
		return NULL;
	char key[128];
	snprintf(key, sizeof key, "demo-account username=%s ", username);
	const char *p = strstr(logbuf, key);
	if (p == NULL || (p = strstr(p, "password=")) == NULL)
		return NULL;
	p += 9;
	size_t n = strcspn(p, " \r\n");
	if (n >= len)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}
