/* The bounded work queue (core/workq.h): jobs run on its threads, a full
 * queue refuses at once, a stop cancels what waits and finishes what runs.
 * Jobs block on a gate the test opens, so nothing depends on timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "core/workq.h"

struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int open, started, ran, cancelled;
};

static struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0};

static void blocked_job(void *arg)
{
	pthread_mutex_lock(&g.mu);
	g.started++;
	pthread_cond_broadcast(&g.cv);
	while (!g.open)
		pthread_cond_wait(&g.cv, &g.mu);
	g.ran++;
	pthread_mutex_unlock(&g.mu);
}

static void cancelled_job(void *arg)
{
	pthread_mutex_lock(&g.mu);
	g.cancelled++;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
}

static void wait_started(int n)
{
	pthread_mutex_lock(&g.mu);
	while (g.started < n)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
}

static void open_gate(void)
{
	pthread_mutex_lock(&g.mu);
	g.open = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
}

static void reset(void)
{
	g.open = g.started = g.ran = g.cancelled = 0;
}

static void full_queue_is_busy(void **state)
{
	reset();
	struct workq *q = workq_new("test", 2, 1);
	assert_non_null(q);
	struct workq_job job = {blocked_job, cancelled_job, NULL};
	assert_int_equal(workq_submit(q, &job), K_OK);
	assert_int_equal(workq_submit(q, &job), K_OK);
	wait_started(2);			/* both threads busy */
	assert_int_equal(workq_submit(q, &job), K_OK);	/* one may wait */
	assert_int_equal(workq_submit(q, &job), K_BUSY);	/* no more */
	open_gate();
	workq_free(q);
	assert_int_equal(g.ran + g.cancelled, 3);
	assert_true(g.ran >= 2);
}

static void *stop_queue(void *q)
{
	workq_free(q);
	return NULL;
}

static void stop_cancels_waiting_jobs(void **state)
{
	reset();
	struct workq *q = workq_new("test", 1, 3);
	struct workq_job job = {blocked_job, cancelled_job, NULL};
	assert_int_equal(workq_submit(q, &job), K_OK);
	wait_started(1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(workq_submit(q, &job), K_OK);
	/* a stop while one runs: the three waiting are cancelled, the running one finishes */
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, stop_queue, q), 0);
	pthread_mutex_lock(&g.mu);
	while (g.cancelled < 3)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	open_gate();
	pthread_join(t, NULL);
	assert_int_equal(g.cancelled, 3);
	assert_int_equal(g.ran, 1);
}

static void bad_sizes(void **state)
{
	assert_null(workq_new("test", 0, 1));
	assert_null(workq_new("test", WORKQ_THREADS_MAX + 1, 1));
	assert_null(workq_new("test", 1, WORKQ_LIMIT_MAX + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_queue_is_busy),
		cmocka_unit_test(stop_cancels_waiting_jobs),
		cmocka_unit_test(bad_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
