/* SQLite's checkpoints on a thread of their own: the WAL is copied into the
 * database file (and both synced) beside the writes rather than inside the
 * commit of the write that crossed DB_CHECKPOINT_PAGES, where every other
 * write waited for the copy and its two syncs (tens of milliseconds on a
 * loaded disk, bench/proof.sh). Only src/store/ includes this file. */
#ifndef KOUAN_STORE_CHECKPOINT_H
#define KOUAN_STORE_CHECKPOINT_H

#include <pthread.h>

#include "store/db.h"
#include "store/store.h"

struct checkpointer;

/* Watch the WAL of writer (the connection every write of the process runs on,
 * lent with write_mu) and copy it from a connection of its own to target once
 * DB_CHECKPOINT_PAGES pages wait there: PASSIVE, so that writes go on. Writes
 * that go on keep the WAL from starting over; once it holds
 * CHECKPOINT_WAL_MAX_PAGES the copy is finished with write_mu held and the WAL
 * starts over. The caller owns *out and stops it with checkpointer_stop before
 * closing writer. K_DB_UNAVAILABLE when the connection cannot be opened. */
enum kerr checkpointer_start(const struct db_driver *drv, const char *target, struct db_conn *writer,
	pthread_mutex_t *write_mu, struct checkpointer **out) KOUAN_MUST_USE;

/* Stop the thread (a checkpoint under way ends first), give writer SQLite's
 * own checkpoint after commit back, close the connection. NULL is fine. The
 * caller holds no write_mu and no write is under way. */
void checkpointer_stop(struct checkpointer *cp);

/* Checkpoints done so far: copies, and restarts of the WAL among them. */
void checkpointer_counts(struct checkpointer *cp, struct store_checkpoints *out);

#endif
