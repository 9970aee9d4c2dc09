/* The store's checkpointer (checkpoint.h): one thread, one connection, woken
 * by the writer's commits through the driver's WAL hook. */
#include "store/checkpoint.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "core/log.h"

/* While writes go on, a PASSIVE checkpoint cannot empty the WAL (the frames
 * written during the copy remain), so the WAL never starts over by itself:
 * past this many pages the rest is copied with the writers held and the WAL
 * restarts. Some 120 MiB of WAL, a short hold every third copy or so. */
#define CHECKPOINT_WAL_MAX_PAGES (3 * DB_CHECKPOINT_PAGES)

struct checkpointer {
	const struct db_driver *drv;
	struct db_conn *own;		/* the checkpoints' connection */
	struct db_conn *writer;		/* watched */
	pthread_mutex_t *write_mu;
	pthread_t thread;
	pthread_mutex_t mu;		/* guards what follows, with cv */
	pthread_cond_t cv;
	int due;			/* the writer's commits asked for a checkpoint */
	int stop;
	struct store_checkpoints counts;
	/* The WAL's size (pages) at which the next checkpoint is due: read by the
	 * writer's hook at each commit, set by the thread after each copy. */
	atomic_int due_at;
	int last_frames;		/* the hook's: the WAL's size at the previous commit */
};

/* The writer's hook, after each commit, on its thread (write_mu held). */
static void wal_grown(void *arg, int frames)
{
	struct checkpointer *cp = arg;
	if (frames < cp->last_frames)
		atomic_store(&cp->due_at, DB_CHECKPOINT_PAGES);	/* the WAL started over */
	cp->last_frames = frames;
	if (frames < atomic_load(&cp->due_at))
		return;
	pthread_mutex_lock(&cp->mu);
	if (!cp->due) {
		cp->due = 1;
		pthread_cond_signal(&cp->cv);
	}
	pthread_mutex_unlock(&cp->mu);
}

static void count(struct checkpointer *cp, int restarted)
{
	pthread_mutex_lock(&cp->mu);
	cp->counts.copies++;
	cp->counts.restarts += restarted;
	pthread_mutex_unlock(&cp->mu);
}

/* The rest of the WAL copied with the server's writers held, waiting for its
 * readers: the next write starts the WAL over. Busy (a reader stayed): the
 * next round tries again. */
static enum kerr finish_and_restart(struct checkpointer *cp)
{
	int frames = 0, copied = 0;
	pthread_mutex_lock(cp->write_mu);
	enum kerr e = cp->drv->checkpoint(cp->own, 1, &frames, &copied);
	pthread_mutex_unlock(cp->write_mu);
	if (e == K_BUSY)
		return K_OK;
	if (e == K_OK)
		atomic_store(&cp->due_at, DB_CHECKPOINT_PAGES);
	count(cp, e == K_OK);
	return e;
}

/* One round: copy what waits, writes going on; restart the WAL when it has
 * grown past CHECKPOINT_WAL_MAX_PAGES. */
static enum kerr round_once(struct checkpointer *cp)
{
	int frames = 0, copied = 0;
	enum kerr e = cp->drv->checkpoint(cp->own, 0, &frames, &copied);
	if (e == K_BUSY)
		return K_OK;	/* another process's checkpoint: the next commit asks again */
	if (e != K_OK)
		return e;
	atomic_store(&cp->due_at, copied + DB_CHECKPOINT_PAGES);
	if (frames < CHECKPOINT_WAL_MAX_PAGES) {
		count(cp, 0);
		return K_OK;
	}
	return finish_and_restart(cp);
}

static void *run(void *arg)
{
	struct checkpointer *cp = arg;
	pthread_mutex_lock(&cp->mu);
	for (;;) {
		while (!cp->due && !cp->stop)
			pthread_cond_wait(&cp->cv, &cp->mu);
		if (cp->stop)
			break;
		cp->due = 0;
		pthread_mutex_unlock(&cp->mu);
		if (round_once(cp) != K_OK)
			log_warn("msg=\"checkpoint failed\" driver=%s", cp->drv->name);
		pthread_mutex_lock(&cp->mu);
	}
	pthread_mutex_unlock(&cp->mu);
	return NULL;
}

static void checkpointer_free(struct checkpointer *cp)
{
	if (cp->own)
		cp->drv->close(cp->own);
	pthread_cond_destroy(&cp->cv);
	pthread_mutex_destroy(&cp->mu);
	free(cp);
}

enum kerr checkpointer_start(const struct db_driver *drv, const char *target, struct db_conn *writer,
	pthread_mutex_t *write_mu, struct checkpointer **out)
{
	struct checkpointer *cp = xcalloc(1, sizeof *cp);
	cp->drv = drv;
	cp->writer = writer;
	cp->write_mu = write_mu;
	atomic_init(&cp->due_at, DB_CHECKPOINT_PAGES);
	pthread_mutex_init(&cp->mu, NULL);
	pthread_cond_init(&cp->cv, NULL);
	enum kerr e = drv->open(target, &cp->own);
	if (e == K_OK && pthread_create(&cp->thread, NULL, run, cp) != 0) {
		log_error("msg=\"cannot start the checkpointer\"");
		e = K_INTERNAL;
	}
	if (e != K_OK) {
		checkpointer_free(cp);
		return e;
	}
	e = drv->watch_wal(writer, wal_grown, cp);
	if (e != K_OK) {
		checkpointer_stop(cp);
		return e;
	}
	*out = cp;
	return K_OK;
}

void checkpointer_stop(struct checkpointer *cp)
{
	if (cp == NULL)
		return;
	pthread_mutex_lock(&cp->mu);
	cp->stop = 1;
	pthread_cond_signal(&cp->cv);
	pthread_mutex_unlock(&cp->mu);
	pthread_join(cp->thread, NULL);
	if (cp->drv->watch_wal(cp->writer, NULL, NULL) != K_OK)
		log_warn("msg=\"the writer keeps no checkpoint after commit\" driver=%s", cp->drv->name);
	checkpointer_free(cp);
}

void checkpointer_counts(struct checkpointer *cp, struct store_checkpoints *out)
{
	pthread_mutex_lock(&cp->mu);
	*out = cp->counts;
	pthread_mutex_unlock(&cp->mu);
}
