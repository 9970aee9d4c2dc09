/* A bounded work queue: a few threads of its own run jobs in order; when
 * every thread is busy and the queue holds its limit, a new job is refused
 * at once (K_BUSY) rather than kept waiting. Long work (recognizing a
 * scanned declaration) runs here, so that the threads that serve requests
 * never wait behind it. */
#ifndef KOUAN_CORE_WORKQ_H
#define KOUAN_CORE_WORKQ_H

#include "core/error.h"

#define WORKQ_THREADS_MAX 16
#define WORKQ_LIMIT_MAX 256

struct workq;

/* run does the job; cancel (may be NULL) is called instead of run for a job
 * still queued when the queue stops. Each is called once, on a queue thread
 * (cancel: on the thread calling workq_stop). */
struct workq_job {
	void (*run)(void *arg);
	void (*cancel)(void *arg);
	void *arg;
};

/* threads: 1..WORKQ_THREADS_MAX; limit: jobs waiting beyond those running,
 * 0..WORKQ_LIMIT_MAX. NULL when the threads cannot start. */
struct workq *workq_new(const char *name, int threads, int limit);
/* K_OK when taken; K_BUSY when full or stopping. */
enum kerr workq_submit(struct workq *q, const struct workq_job *job) KOUAN_MUST_USE;
/* Refuse new jobs (K_BUSY from now on), cancel the queued ones, wait for the
 * running ones. The queue stays valid until workq_free; stopping it again
 * does nothing. */
void workq_stop(struct workq *q);
/* Stop q if it runs, then free it (NULL: nothing). */
void workq_free(struct workq *q);

#endif
