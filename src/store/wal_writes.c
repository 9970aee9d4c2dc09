/* The SQLite VFS of the store's connections (wal_writes.h): SQLite's own
 * ("unix"), except that the frames a transaction appends to a WAL file go
 * to the file in one write.
 *
 * SQLite writes each frame of a commit with two calls, its 24-byte header
 * and then its page: some 30 frames, 60 pwrite calls, for a booking's three
 * writes, a fifth of the server's time under bench/proof.sh. Here the bytes
 * of contiguous writes gather in the file's buffer and go out in one write
 * before the write of the commit frame's page returns (a commit frame is
 * the one whose header names the database's size), so that when SQLite
 * publishes the commit (its WAL index header, after the writes returned)
 * every byte is in the file, exactly as without the buffer: a crash of the
 * process after the commit loses nothing, and a failed write fails the
 * commit's own write, which SQLite rolls back. Anything else on the file
 * (a read, a sync, its size, a truncate, a write elsewhere, closing it)
 * writes what waits first. Other files are SQLite's own, untouched. */
#include "store/wal_writes.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"

#define WAL_FRAME_HEADER_BYTES 24	/* SQLite's WAL_FRAME_HDRSIZE */
#define WAL_FRAME_SIZE_AT 4		/* the header's database size (big-endian), non-zero in a commit frame */
#define WAL_WRITES_MAX (1024 * 1024)	/* bytes gathered at most before they are written anyway */
/* SQLite's unix VFS writes at most 128 KiB - 1 bytes a call (it masks the
 * length with 0x1ffff): what waits goes out in pieces of this size. */
#define WAL_WRITE_PIECE (120 * 1024)
#define WAL_WRITES_VFS "kouan-wal"

struct wal_file {
	sqlite3_file base;	/* pMethods: wal_methods */
	sqlite3_file *real;	/* the "unix" file, in the memory after this struct */
	unsigned char *buf;	/* WAL_WRITES_MAX bytes, taken at the first write */
	size_t len;		/* bytes waiting, for the file's bytes [at, at + len) */
	sqlite3_int64 at;
	int commit_next;	/* the next write is a commit frame's page */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs wal_vfs;
static sqlite3_io_methods wal_methods;

static struct wal_file *of(sqlite3_file *f)
{
	return (struct wal_file *)f;
}

/* What waits goes to the file. */
static int flush(struct wal_file *w)
{
	int rc = SQLITE_OK;
	for (size_t done = 0; done < w->len && rc == SQLITE_OK; done += WAL_WRITE_PIECE) {
		size_t n = w->len - done < WAL_WRITE_PIECE ? w->len - done : WAL_WRITE_PIECE;
		rc = w->real->pMethods->xWrite(w->real, w->buf + done, (int)n, w->at + (sqlite3_int64)done);
	}
	w->len = 0;
	return rc;
}

static int is_commit_header(const void *p, int amt)
{
	const unsigned char *h = p;
	return amt == WAL_FRAME_HEADER_BYTES && (h[WAL_FRAME_SIZE_AT] | h[WAL_FRAME_SIZE_AT + 1] |
		h[WAL_FRAME_SIZE_AT + 2] | h[WAL_FRAME_SIZE_AT + 3]) != 0;
}

static int wal_write(sqlite3_file *f, const void *p, int amt, sqlite3_int64 off)
{
	struct wal_file *w = of(f);
	int commit = w->commit_next;
	w->commit_next = is_commit_header(p, amt);
	int rc = SQLITE_OK;
	if (w->len > 0 && (off != w->at + (sqlite3_int64)w->len || w->len + (size_t)amt > WAL_WRITES_MAX))
		rc = flush(w);
	if (rc != SQLITE_OK)
		return rc;
	if ((size_t)amt > WAL_WRITE_PIECE)
		return w->real->pMethods->xWrite(w->real, p, amt, off);	/* as SQLite would have */
	if (w->buf == NULL)
		w->buf = xmalloc(WAL_WRITES_MAX);
	if (w->len == 0)
		w->at = off;
	memcpy(w->buf + w->len, p, (size_t)amt);
	w->len += (size_t)amt;
	return commit ? flush(w) : SQLITE_OK;
}

static int wal_close(sqlite3_file *f)
{
	struct wal_file *w = of(f);
	int rc = flush(w);
	int closed = w->real->pMethods ? w->real->pMethods->xClose(w->real) : SQLITE_OK;
	free(w->buf);
	w->buf = NULL;
	return rc != SQLITE_OK ? rc : closed;
}

static int wal_read(sqlite3_file *f, void *p, int amt, sqlite3_int64 off)
{
	struct wal_file *w = of(f);
	int rc = flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xRead(w->real, p, amt, off);
}

static int wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct wal_file *w = of(f);
	int rc = flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xTruncate(w->real, size);
}

static int wal_sync(sqlite3_file *f, int flags)
{
	struct wal_file *w = of(f);
	int rc = flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xSync(w->real, flags);
}

static int wal_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct wal_file *w = of(f);
	int rc = flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xFileSize(w->real, size);
}

static int wal_lock(sqlite3_file *f, int level)
{
	return of(f)->real->pMethods->xLock(of(f)->real, level);
}

static int wal_unlock(sqlite3_file *f, int level)
{
	return of(f)->real->pMethods->xUnlock(of(f)->real, level);
}

static int wal_check_lock(sqlite3_file *f, int *out)
{
	return of(f)->real->pMethods->xCheckReservedLock(of(f)->real, out);
}

static int wal_file_control(sqlite3_file *f, int op, void *arg)
{
	struct wal_file *w = of(f);
	int rc = flush(w);
	return rc != SQLITE_OK ? rc : w->real->pMethods->xFileControl(w->real, op, arg);
}

static int wal_sector_size(sqlite3_file *f)
{
	return of(f)->real->pMethods->xSectorSize(of(f)->real);
}

static int wal_device(sqlite3_file *f)
{
	return of(f)->real->pMethods->xDeviceCharacteristics(of(f)->real);
}

/* A WAL file is ours; any other file is opened as SQLite's own, in place. */
static int wal_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL))
		return real_vfs->xOpen(real_vfs, name, f, flags, out_flags);
	struct wal_file *w = of(f);
	memset(w, 0, sizeof *w);
	w->real = (sqlite3_file *)(w + 1);
	int rc = real_vfs->xOpen(real_vfs, name, w->real, flags, out_flags);
	/* SQLite calls xClose even when the open failed if pMethods is set */
	w->base.pMethods = rc == SQLITE_OK ? &wal_methods : NULL;
	return rc;
}

/* ---- the rest of the VFS is SQLite's own ---- */

static int vfs_delete(sqlite3_vfs *v, const char *n, int sync)
{
	(void)v;
	return real_vfs->xDelete(real_vfs, n, sync);
}

static int vfs_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
	(void)v;
	return real_vfs->xAccess(real_vfs, n, flags, out);
}

static int vfs_full_pathname(sqlite3_vfs *v, const char *n, int size, char *out)
{
	(void)v;
	return real_vfs->xFullPathname(real_vfs, n, size, out);
}

static void *vfs_dl_open(sqlite3_vfs *v, const char *n)
{
	(void)v;
	return real_vfs->xDlOpen(real_vfs, n);
}

static void vfs_dl_error(sqlite3_vfs *v, int size, char *out)
{
	(void)v;
	real_vfs->xDlError(real_vfs, size, out);
}

static void (*vfs_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void vfs_dl_close(sqlite3_vfs *v, void *h)
{
	(void)v;
	real_vfs->xDlClose(real_vfs, h);
}

static int vfs_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int vfs_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return real_vfs->xSleep(real_vfs, us);
}

static int vfs_current_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int vfs_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int vfs_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static pthread_once_t register_once = PTHREAD_ONCE_INIT;
static int registered = SQLITE_ERROR;

static void register_vfs(void)
{
	real_vfs = sqlite3_vfs_find("unix");
	if (real_vfs == NULL || real_vfs->iVersion < 2)
		return;
	wal_methods = (sqlite3_io_methods){
		.iVersion = 1, .xClose = wal_close, .xRead = wal_read, .xWrite = wal_write, .xTruncate = wal_truncate,
		.xSync = wal_sync, .xFileSize = wal_file_size, .xLock = wal_lock, .xUnlock = wal_unlock,
		.xCheckReservedLock = wal_check_lock, .xFileControl = wal_file_control, .xSectorSize = wal_sector_size,
		.xDeviceCharacteristics = wal_device,
	};
	wal_vfs = (sqlite3_vfs){
		.iVersion = 2, .szOsFile = (int)sizeof(struct wal_file) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname, .zName = WAL_WRITES_VFS, .xOpen = wal_open, .xDelete = vfs_delete,
		.xAccess = vfs_access, .xFullPathname = vfs_full_pathname, .xDlOpen = vfs_dl_open,
		.xDlError = vfs_dl_error, .xDlSym = vfs_dl_sym, .xDlClose = vfs_dl_close, .xRandomness = vfs_randomness,
		.xSleep = vfs_sleep, .xCurrentTime = vfs_current_time, .xGetLastError = vfs_last_error,
		.xCurrentTimeInt64 = vfs_current_time64,
	};
	registered = sqlite3_vfs_register(&wal_vfs, 0);
}

const char *wal_writes_vfs(void)
{
	pthread_once(&register_once, register_vfs);
	return registered == SQLITE_OK ? WAL_WRITES_VFS : NULL;
}
