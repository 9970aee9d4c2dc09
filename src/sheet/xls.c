/* .xls (Excel 97-2003, BIFF8; FreeXL also reads BIFF5 and older).
 *
 * FreeXL opens only files, so the buffer goes to a temp file first. And
 * FreeXL 1.0.6 reads out of bounds on some malformed files (the fuzzer found
 * a stack over-read in its string conversion, fuzz/regress/xls/), so it runs
 * in a separate process: the running executable again (/proc/self/exe),
 * started as `<exe> xls-reader FILE`, with a time and memory limit. It reads
 * the book into a result and writes it to its standard output; the parent
 * checks every count and length of that reply. A helper that dies or lies
 * gives K_NOT_SPREADSHEET, and FreeXL never runs in the server's memory (an
 * exec, not a fork: nothing of the server is there to read out of bounds).
 * Every program that calls sheet_read_xls() must therefore answer the
 * xls-reader command: kouan does through its command table, the unit test
 * and the fuzz driver call cli_xls_reader() themselves. */
#define _GNU_SOURCE	/* pipe2 */
#include "sheet/sheet_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <freexl.h>

#include "cli.h"
#include "core/log.h"

#if defined(__SANITIZE_ADDRESS__)
#define KOUAN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KOUAN_ASAN 1
#endif
#endif
#ifdef KOUAN_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define XLS_HELPER_EXE "/proc/self/exe"
#define XLS_CHILD_SECONDS 10		/* wall time allowed to the FreeXL child */
#define XLS_CHILD_MEMORY (1024ul << 20)	/* its address space (not under ASan) */
#define XLS_REPLY_MAGIC 0x534c584bu	/* "KXLS": the reply is complete */
/* The largest honest reply: every VIN accepted or every one refused. */
#define XLS_REPLY_MAX (32 + (size_t)SHEET_MAX_DATA_ROWS * (SHEET_VIN_LEN + 12 + SHEET_MAX_VALUE_BYTES))

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One cell as text into buf; its length, 0 for an empty cell. */
static size_t cell_text(const FreeXL_CellValue *v, char *buf, size_t cap)
{
	int n = 0;
	switch (v->type) {
	case FREEXL_CELL_INT:
		n = snprintf(buf, cap, "%d", v->value.int_value);
		break;
	case FREEXL_CELL_DOUBLE: {
		double d = v->value.double_value;
		if (isfinite(d) && fabs(d) < 1e17 && d == floor(d))
			n = snprintf(buf, cap, "%.0f", d);
		else
			n = snprintf(buf, cap, "%.15g", d);
		break;
	}
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		if (v->value.text_value != NULL)
			n = snprintf(buf, cap, "%s", v->value.text_value);
		break;
	default:
		break;
	}
	if (n < 0)
		return 0;
	return utf8_cut(buf, (size_t)n < cap ? (size_t)n : cap - 1, cap - 1);
}

/* All worksheets together within SHEET_MAX_XLS_CELLS, or K_RESOURCE_LIMIT:
 * FreeXL allocates rows x columns cells for every sheet when it opens a
 * book, so ask first with the metadata-only open. */
static enum kerr check_dimensions(const char *path)
{
	const void *h;
	unsigned int sheets = 0;
	uint64_t cells = 0;
	enum kerr err = K_OK;
	if (freexl_open_info(path, &h) != FREEXL_OK)
		return K_NOT_SPREADSHEET;
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK)
		err = K_NOT_SPREADSHEET;
	for (unsigned int i = 0; err == K_OK && i < sheets; i++) {
		unsigned int rows;
		unsigned short cols;
		if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
		    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
			continue;
		cells += (uint64_t)rows * cols;
		if (cells > SHEET_MAX_XLS_CELLS)
			err = K_RESOURCE_LIMIT;
	}
	freexl_close(h);
	return err;
}

/* One worksheet into the collector, row by row. */
static void read_sheet(const void *h, struct collector *col)
{
	unsigned int rows;
	unsigned short cols;
	char buf[4096];
	if (freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return;
	for (unsigned int r = 0; r < rows; r++)
		for (unsigned short c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			if (!collector_wants(col, r + 1, (uint32_t)c + 1))
				continue;
			if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK)
				continue;
			size_t n = cell_text(&v, buf, sizeof buf);
			if (n > 0 && collector_cell(col, r + 1, (uint32_t)c + 1, buf, n))
				return;
		}
}

static enum kerr read_book(const void *h, struct sheet_result *out)
{
	unsigned int sheets = 0, password = 0;
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &password) != FREEXL_OK ||
	    password != FREEXL_BIFF_PLAIN ||
	    freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK)
		return K_NOT_SPREADSHEET;	/* encrypted, or unreadable */

	struct collector col;
	enum kerr err = K_EMPTY_FILE;
	collector_init(&col);
	for (unsigned int i = 0; i < sheets && i < SHEET_MAX_SHEETS; i++) {
		if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK)
			continue;
		collector_reset(&col);
		read_sheet(h, &col);
		if (col.have_header || col.err == K_TOO_MANY_ROWS)
			break;
	}
	err = collector_finish(&col, out);
	collector_free(&col);
	return err;
}

/* ---- the child: FreeXL, then the result as bytes ---- */

struct wbuf {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct wbuf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_u32(struct wbuf *b, uint32_t v)
{
	put(b, &v, sizeof v);
}

static void serialize(struct wbuf *b, enum kerr err, const struct sheet_result *r)
{
	put_u32(b, (uint32_t)err);
	put_u32(b, r->header_row);
	put_u32(b, r->vin_column);
	put_u32(b, (uint32_t)r->n_vins);
	for (size_t i = 0; i < r->n_vins; i++)
		put(b, r->vins[i], SHEET_VIN_LEN);
	put_u32(b, (uint32_t)r->n_rejected);
	for (size_t i = 0; i < r->n_rejected; i++) {
		size_t n = strlen(r->rejected[i].value);
		put_u32(b, r->rejected[i].row);
		put_u32(b, (uint32_t)r->rejected[i].reason);
		put_u32(b, (uint32_t)n);
		put(b, r->rejected[i].value, n);
	}
	put_u32(b, XLS_REPLY_MAGIC);
}

static void child_limits(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	alarm(XLS_CHILD_SECONDS);
	struct rlimit cpu = {XLS_CHILD_SECONDS, XLS_CHILD_SECONDS};
	setrlimit(RLIMIT_CPU, &cpu);
#ifdef KOUAN_ASAN
	/* A FreeXL fault is contained here: do not let a fuzzer's death hook
	 * report it as ours. ASan reserves address space, so no RLIMIT_AS. */
	__sanitizer_set_death_callback(NULL);
#else
	struct rlimit as = {XLS_CHILD_MEMORY, XLS_CHILD_MEMORY};
	setrlimit(RLIMIT_AS, &as);
#endif
}

static void write_all_fd(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* `<exe> xls-reader FILE`: reads FILE with FreeXL, writes the reply to
 * standard output. Exit 0 when a reply was written, 2 on usage. */
int cli_xls_reader(int argc, char **argv)
{
	struct sheet_result r = {0};
	struct wbuf b = {0};
	const void *h;

	if (argc != 2) {
		fprintf(stderr, "usage: kouan xls-reader FILE (internal: used by kouan vins and the server)\n");
		return 2;
	}
	child_limits();
	enum kerr err = check_dimensions(argv[1]);
	if (err == K_OK) {
		if (freexl_open(argv[1], &h) == FREEXL_OK) {
			err = read_book(h, &r);
			freexl_close(h);
		} else {
			err = K_NOT_SPREADSHEET;
		}
	}
	serialize(&b, err, &r);
	write_all_fd(STDOUT_FILENO, b.p, b.len);
	sheet_result_free(&r);
	free(b.p);
	return 0;
}

/* ---- the parent: read and check the reply ---- */

struct rbuf {
	const unsigned char *p;
	size_t len, off;
};

static int get(struct rbuf *b, void *out, size_t n)
{
	if (b->len - b->off < n)
		return -1;
	memcpy(out, b->p + b->off, n);
	b->off += n;
	return 0;
}

static int get_u32(struct rbuf *b, uint32_t *v)
{
	return get(b, v, sizeof *v);
}

/* Rebuilds the result from the child's reply; K_NOT_SPREADSHEET when the
 * reply is not one a healthy child writes. */
static enum kerr deserialize(const unsigned char *p, size_t len, struct sheet_result *out)
{
	struct rbuf b = {p, len, 0};
	uint32_t err, hr, vc, n, magic;
	struct sheet_result r = {0};

	if (get_u32(&b, &err) || get_u32(&b, &hr) || get_u32(&b, &vc) || get_u32(&b, &n) ||
	    err >= K_ERR_COUNT || n > SHEET_MAX_DATA_ROWS)
		return K_NOT_SPREADSHEET;
	r.header_row = hr;
	r.vin_column = vc;
	r.vins = xcalloc(n ? n : 1, sizeof *r.vins);
	for (r.n_vins = 0; r.n_vins < n; r.n_vins++)
		if (get(&b, r.vins[r.n_vins], SHEET_VIN_LEN) ||
		    sheet_vin_classify(r.vins[r.n_vins], SHEET_VIN_LEN) != SHEET_VIN_OK)
			goto bad;
	if (get_u32(&b, &n) || n > SHEET_MAX_DATA_ROWS)
		goto bad;
	r.rejected = xcalloc(n ? n : 1, sizeof *r.rejected);
	for (r.n_rejected = 0; r.n_rejected < n;) {
		uint32_t row, reason, vlen;
		if (get_u32(&b, &row) || get_u32(&b, &reason) || get_u32(&b, &vlen) ||
		    reason < SHEET_INVALID_LENGTH || reason > SHEET_DUPLICATE || vlen > SHEET_MAX_VALUE_BYTES)
			goto bad;
		char *v = xmalloc(vlen + 1);
		r.rejected[r.n_rejected++] = (struct sheet_rejected){row, v, (enum sheet_reason)reason};
		if (get(&b, v, vlen))
			goto bad;
		v[vlen] = '\0';
	}
	if (get_u32(&b, &magic) || magic != XLS_REPLY_MAGIC || b.off != b.len)
		goto bad;
	if (err != K_OK) {
		sheet_result_free(&r);
		return (enum kerr)err;
	}
	*out = r;
	return K_OK;
bad:
	sheet_result_free(&r);
	return K_NOT_SPREADSHEET;
}

extern char **environ;

/* Starts `<exe> xls-reader path` with its standard output on a pipe; its
 * pid, and the read end in *fd. -1 on failure. */
static pid_t spawn_reader(const char *path, int *fd)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	/* The server blocks and handles signals of its own: the helper starts
	 * with none blocked and the ones its limits rely on at their defaults. */
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGALRM);
	sigaddset(&defaults, SIGXCPU);
	sigaddset(&defaults, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	char *argv[] = {"kouan", "xls-reader", (char *)path, NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, XLS_HELPER_EXE, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		errno = rc;
		return -1;
	}
	*fd = fds[0];
	return pid;
}

static enum kerr read_isolated(const char *path, struct sheet_result *out)
{
	int fd;
	pid_t pid = spawn_reader(path, &fd);
	if (pid < 0) {
		log_error("msg=\"cannot start the .xls reader\" errno=%d", errno);
		return K_INTERNAL;
	}
	size_t cap = 64 << 10, len = 0;
	unsigned char *reply = xmalloc(cap);
	int too_big = 0;
	for (;;) {
		if (len == cap) {
			if (cap >= XLS_REPLY_MAX) {
				too_big = 1;
				break;
			}
			cap = cap * 2 < XLS_REPLY_MAX ? cap * 2 : XLS_REPLY_MAX;
			reply = xrealloc(reply, cap);
		}
		ssize_t n = read(fd, reply + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (too_big)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The reply's own end mark says whether it is whole: the status may be
	 * lost where SIGCHLD is ignored. */
	enum kerr err = too_big ? K_NOT_SPREADSHEET : deserialize(reply, len, out);
	if (err == K_NOT_SPREADSHEET && WIFSIGNALED(status))
		log_warn("msg=\"the .xls reader died on a file\" signal=%d", WTERMSIG(status));
	free(reply);
	return err;
}

enum kerr sheet_read_xls(const unsigned char *data, size_t len, const char *tmpdir, struct sheet_result *out)
{
	char path[512];

	memset(out, 0, sizeof *out);
	if (data == NULL || len == 0)
		return K_EMPTY_FILE;
	if (len > SHEET_MAX_FILE_BYTES)
		return K_RESOURCE_LIMIT;
	int fd = sheet_mktemp(tmpdir, ".xls", path, sizeof path);
	if (fd < 0) {
		log_error("msg=\"cannot create a temp file for an .xls\" dir=%s", tmpdir ? tmpdir : "(default)");
		return K_INTERNAL;
	}
	int wrote = write_all(fd, data, len);
	close(fd);
	enum kerr err = K_INTERNAL;
	if (wrote != 0)
		log_error("msg=\"cannot write a temp file for an .xls\" path=%s", path);
	else
		err = read_isolated(path, out);
	unlink(path);
	return err;
}
