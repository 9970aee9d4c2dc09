/* The bounded work queue (workq.h): a ring of jobs under one mutex. */
#include "core/workq.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/log.h"

struct workq {
	const char *name;
	pthread_mutex_t mu;
	pthread_cond_t work;
	pthread_t threads[WORKQ_THREADS_MAX];
	int n_threads;
	int limit;		/* waiting jobs at most */
	int running;		/* jobs being run */
	int stopping;
	struct workq_job ring[WORKQ_LIMIT_MAX + WORKQ_THREADS_MAX];
	int head, count;
};

#define RING_SIZE (WORKQ_LIMIT_MAX + WORKQ_THREADS_MAX)

static int take(struct workq *q, struct workq_job *job)
{
	if (q->count == 0)
		return 0;
	*job = q->ring[q->head];
	q->head = (q->head + 1) % RING_SIZE;
	q->count--;
	return 1;
}

static void *worker(void *arg)
{
	struct workq *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct workq_job job;
		while (!q->stopping && q->count == 0)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->stopping)
			break;
		if (!take(q, &job))
			continue;
		q->running++;
		pthread_mutex_unlock(&q->mu);
		job.run(job.arg);
		pthread_mutex_lock(&q->mu);
		q->running--;
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct workq *workq_new(const char *name, int threads, int limit)
{
	if (threads < 1 || threads > WORKQ_THREADS_MAX || limit < 0 || limit > WORKQ_LIMIT_MAX)
		return NULL;
	struct workq *q = xcalloc(1, sizeof *q);
	q->name = name;
	q->limit = limit;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&q->threads[i], NULL, worker, q) != 0) {
			workq_stop(q);
			return NULL;
		}
		q->n_threads++;
	}
	return q;
}

enum kerr workq_submit(struct workq *q, const struct workq_job *job)
{
	pthread_mutex_lock(&q->mu);
	/* A job waits only when every thread is busy: the limit counts those. */
	int idle = q->n_threads - q->running - q->count;
	int waiting_after = q->count + 1 - (idle > 0 ? idle : 0);
	enum kerr e = K_OK;
	if (q->stopping || waiting_after > q->limit || q->count >= RING_SIZE) {
		e = K_BUSY;
	} else {
		q->ring[(q->head + q->count) % RING_SIZE] = *job;
		q->count++;
		pthread_cond_signal(&q->work);
	}
	pthread_mutex_unlock(&q->mu);
	if (e == K_BUSY)
		log_info("msg=\"work queue full\" queue=%s", q->name);
	return e;
}

void workq_stop(struct workq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	int joined = q->stopping;
	q->stopping = 1;
	struct workq_job job;
	while (take(q, &job)) {
		pthread_mutex_unlock(&q->mu);
		if (job.cancel)
			job.cancel(job.arg);
		pthread_mutex_lock(&q->mu);
	}
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mu);
	if (joined)
		return;	/* stopped before: its threads are gone */
	for (int i = 0; i < q->n_threads; i++)
		pthread_join(q->threads[i], NULL);
}

void workq_free(struct workq *q)
{
	if (q == NULL)
		return;
	workq_stop(q);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
