/* The SQLite VFS the store opens its connections with (wal_writes.c): the
 * frames of a commit go to the WAL file in one write, before the commit is
 * published, instead of two writes a frame. */
#ifndef KOUAN_STORE_WAL_WRITES_H
#define KOUAN_STORE_WAL_WRITES_H

/* The VFS's name for sqlite3_open_v2, registered at the first call; NULL
 * (SQLite's default VFS) when SQLite has no "unix" VFS to build it on. */
const char *wal_writes_vfs(void);

#endif
