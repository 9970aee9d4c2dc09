/* kouan backup [--db URL] FILE
 * A consistent copy of a SQLite database while the server keeps running,
 * through SQLite's online backup API: the whole database is copied inside
 * one read transaction (WAL lets the server go on writing meanwhile), into
 * FILE.partial, checked (PRAGMA quick_check), synced, then renamed to FILE.
 * FILE must not exist. A restore is copying FILE back (server stopped).
 * PostgreSQL is refused: pg_dump -Fc / pg_restore do that job (README).
 * Exit 0 done, 1 refused (PostgreSQL, FILE exists), 2 usage or I/O error. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/cliopt.h"
#include "store/store.h"

#define BACKUP_PARTIAL_SUFFIX ".partial"
#define BACKUP_PATH_MAX 4096
#define BACKUP_BUSY_MS 10000	/* wait this long for a lock held by the server */
#define BACKUP_ALL_PAGES (-1)	/* one step: one read transaction, one consistent snapshot */
#define BACKUP_RETRIES 100	/* a step that met a busy database is tried again this often */
#define BACKUP_RETRY_MS 50

struct backup_args {
	const char *db, *file;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: kouan backup [--db URL] FILE\n"
		"  --db  sqlite:PATH (default $KOUAN_DB, then " CLI_DEFAULT_DB ")\n"
		"Copies the database while the server runs (SQLite online backup) into FILE, which must not\n"
		"exist. Restore: stop the server, copy FILE to the database path, start it.\n"
		"PostgreSQL: use pg_dump -Fc and pg_restore (see README, Backup and restore).\n");
}

static int parse(int argc, char **argv, struct backup_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (cli_option(argc, argv, &i, "--db", &v)) {
			if (v == NULL || v[0] == '\0')
				return 2;
			a->db = v;
		} else if (argv[i][0] == '-' || a->file != NULL)
			return 2;
		else
			a->file = argv[i];
	}
	a->db = cli_database(a->db);
	return a->file == NULL || a->file[0] == '\0' ? 2 : 0;
}

/* The whole copy in one step; a busy source (a checkpoint, a writer taking
 * the lock first) is waited for and tried again a bounded number of times. */
static int copy_pages(sqlite3 *src, sqlite3 *dst)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL)
		return SQLITE_ERROR;
	int rc = SQLITE_OK;
	for (int i = 0; i < BACKUP_RETRIES; i++) {
		rc = sqlite3_backup_step(b, BACKUP_ALL_PAGES);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(BACKUP_RETRY_MS);
	}
	int fin = sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? fin : rc;
}

/* PRAGMA quick_check on the copy: "ok" or the first problem. */
static int check_copy(sqlite3 *dst, char *why, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		snprintf(why, len, "%s", v ? (const char *)v : "");
	} else {
		snprintf(why, len, "%s", sqlite3_errmsg(dst));
	}
	sqlite3_finalize(st);
	return strcmp(why, "ok") == 0 ? 0 : -1;
}

static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* src → partial, checked; the caller renames. */
static int backup_into(const char *src_path, const char *partial)
{
	sqlite3 *src = NULL, *dst = NULL;
	char why[256] = "";
	int rc = sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(src, BACKUP_BUSY_MS);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(partial, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = copy_pages(src, dst);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof why, "%s", src && sqlite3_errcode(src) != SQLITE_OK ? sqlite3_errmsg(src) :
			dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		fprintf(stderr, "kouan backup: %s: %s\n", src_path, why[0] ? why : sqlite3_errstr(rc));
	} else if (check_copy(dst, why, sizeof why) != 0) {
		fprintf(stderr, "kouan backup: the copy fails its check: %s\n", why);
		rc = SQLITE_CORRUPT;
	}
	sqlite3_close_v2(dst);
	sqlite3_close_v2(src);
	return rc == SQLITE_OK ? 0 : -1;
}

static int backup_sqlite(const char *src_path, const char *file)
{
	char partial[BACKUP_PATH_MAX];
	if (access(file, F_OK) == 0) {
		fprintf(stderr, "kouan backup: %s exists; give a new file name\n", file);
		return 1;
	}
	if (snprintf(partial, sizeof partial, "%s" BACKUP_PARTIAL_SUFFIX, file) >= (int)sizeof partial) {
		fprintf(stderr, "kouan backup: file name too long\n");
		return 2;
	}
	unlink(partial);	/* a partial copy left by an interrupted run */
	errno = 0;
	if (backup_into(src_path, partial) != 0 || sync_file(partial) != 0 || rename(partial, file) != 0) {
		if (errno != 0)
			fprintf(stderr, "kouan backup: %s: %s\n", file, strerror(errno));
		unlink(partial);
		return 2;
	}
	printf("backup: %s -> %s\n", src_path, file);
	return 0;
}

int cli_backup(int argc, char **argv)
{
	struct backup_args a = {0};
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (parse(argc, argv, &a) != 0) {
		usage(stderr);
		return 2;
	}
	const char *path;
	enum store_url kind = store_url_kind(a.db, &path);
	if (kind == STORE_URL_POSTGRES) {
		fprintf(stderr, "kouan backup: PostgreSQL is backed up with its own tools while the server runs:\n"
			"  pg_dump -Fc -f FILE 'URL'   and to restore into a new, empty database:\n"
			"  pg_restore --no-owner -d 'NEW_URL' FILE   (README: Backup and restore)\n");
		return 1;
	}
	if (kind != STORE_URL_SQLITE) {
		fprintf(stderr, "kouan backup: --db must be sqlite:PATH or a postgres:// URL\n");
		return 2;
	}
	return backup_sqlite(path, a.file);
}
