/* store_tx's group commit on SQLite (src/store/store.c): transactions queued
 * while one runs join its transaction and share its commit, each in a
 * savepoint of its own, so that one that fails leaves no write behind and the
 * others of its group are kept; a first transaction that fails is rolled back
 * alone and those queued behind it go on in the next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_dir.h"
#include "core/log.h"
#include "store/store_internal.h"

#define QUEUED 6		/* transactions queued behind the first */
#define OVER_A_GROUP 40		/* more than STORE_GROUP_MAX (store.c) queued at once */
#define DIR_MAX 256
#define PATH_MAX_TEST 512

static char dir[DIR_MAX];

/* The first transaction holds the writer until the test lets it go. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int inside, go;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

struct job {
	struct store *st;
	int64_t id;
	int fails;	/* writes its row, then a duplicate key: K_CONFLICT */
	enum kerr got;
};

static enum kerr make_table(const struct conn *c, void *arg)
{
	(void)arg;
	return store_q_run(c, "CREATE TABLE IF NOT EXISTS group_rows (id INTEGER PRIMARY KEY, tag TEXT NOT NULL)", NULL,
		NULL, NULL, NULL, "");
}

static enum kerr insert(const struct conn *c, int64_t id)
{
	return store_q_run(c, "INSERT INTO group_rows (id, tag) VALUES (?, 'row')", NULL, NULL, NULL, NULL, "i", id);
}

static enum kerr write_row(const struct conn *c, void *arg)
{
	struct job *j = arg;
	enum kerr e = insert(c, j->id);
	if (e == K_OK && j->fails)
		e = insert(c, j->id);	/* the same key again */
	return e;
}

static enum kerr write_row_and_wait(const struct conn *c, void *arg)
{
	enum kerr e = write_row(c, arg);
	pthread_mutex_lock(&gate.mu);
	gate.inside = 1;
	pthread_cond_broadcast(&gate.cv);
	while (!gate.go)
		pthread_cond_wait(&gate.cv, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
	return e;
}

static void *first_tx(void *arg)
{
	struct job *j = arg;
	j->got = store_tx(j->st, write_row_and_wait, j);
	return NULL;
}

static void *queued_tx(void *arg)
{
	struct job *j = arg;
	j->got = store_tx(j->st, write_row, j);
	return NULL;
}

static int64_t rows_with_id(struct store *st, int64_t id)
{
	int64_t n = -1;
	assert_int_equal(store_q_one(st, "SELECT COUNT(*) FROM group_rows WHERE id = ?", store_q_row_int64, &n, "i", id),
		K_OK);
	return n;
}

/* The store's queue, read until it holds n (the threads get there by
 * themselves; nothing here waits on the clock). */
static void wait_queued(struct store *st, int64_t n)
{
	for (;;) {
		struct store_writes w;
		store_write_counts(st, &w);
		if (w.waiting >= n)
			return;
		sched_yield();
	}
}

/* Held until the test says go: the first transaction's thread leads, the
 * rest queue behind it. */
static void hold_writer(struct job *first, pthread_t *t)
{
	pthread_mutex_lock(&gate.mu);
	gate.inside = gate.go = 0;
	pthread_mutex_unlock(&gate.mu);
	assert_int_equal(pthread_create(t, NULL, first_tx, first), 0);
	pthread_mutex_lock(&gate.mu);
	while (!gate.inside)
		pthread_cond_wait(&gate.cv, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
}

static void let_writer_go(void)
{
	pthread_mutex_lock(&gate.mu);
	gate.go = 1;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
}

/* The first transaction (failing when first_fails) holds the writer while
 * QUEUED more queue behind it, every other one failing; each gets its own
 * answer and leaves its row only when it succeeded. *writes: the store's
 * counts before and after. */
static void run_gated(const char *name, int first_fails, struct store_writes *before, struct store_writes *after)
{
	char url[PATH_MAX_TEST];
	snprintf(url, sizeof url, "sqlite:%s/%s.db", dir, name);
	struct store *st = NULL;
	assert_int_equal(store_open(url, 4, &st), K_OK);
	assert_int_equal(store_tx(st, make_table, NULL), K_OK);
	store_write_counts(st, before);

	struct job first = {st, 100, first_fails, K_INTERNAL}, queued[QUEUED];
	pthread_t t_first, t_queued[QUEUED];
	hold_writer(&first, &t_first);
	for (int i = 0; i < QUEUED; i++) {
		queued[i] = (struct job){st, i + 1, i % 2, K_INTERNAL};
		assert_int_equal(pthread_create(&t_queued[i], NULL, queued_tx, &queued[i]), 0);
	}
	wait_queued(st, QUEUED);
	let_writer_go();
	pthread_join(t_first, NULL);
	for (int i = 0; i < QUEUED; i++)
		pthread_join(t_queued[i], NULL);

	assert_int_equal(first.got, first_fails ? K_CONFLICT : K_OK);
	assert_int_equal(rows_with_id(st, first.id), first_fails ? 0 : 1);
	for (int i = 0; i < QUEUED; i++) {
		assert_int_equal(queued[i].got, queued[i].fails ? K_CONFLICT : K_OK);
		assert_int_equal(rows_with_id(st, queued[i].id), queued[i].fails ? 0 : 1);
	}
	store_write_counts(st, after);
	assert_int_equal(after->waiting, 0);
	store_close(st);
}

/* More waiting than one group takes (STORE_GROUP_MAX, 32): each waiting
 * thread sleeps on its own condition, so the leader of each group wakes the
 * next queued one to lead the rest; every transaction ends, in two groups. */
static void queue_longer_than_a_group(void **state)
{
	(void)state;
	char url[PATH_MAX_TEST];
	snprintf(url, sizeof url, "sqlite:%s/long.db", dir);
	struct store *st = NULL;
	assert_int_equal(store_open(url, 4, &st), K_OK);
	assert_int_equal(store_tx(st, make_table, NULL), K_OK);
	struct store_writes before, after;
	store_write_counts(st, &before);
	struct job first = {st, 1000, 0, K_INTERNAL}, queued[OVER_A_GROUP];
	pthread_t t_first, t_queued[OVER_A_GROUP];
	hold_writer(&first, &t_first);
	for (int i = 0; i < OVER_A_GROUP; i++) {
		queued[i] = (struct job){st, 2000 + i, 0, K_INTERNAL};
		assert_int_equal(pthread_create(&t_queued[i], NULL, queued_tx, &queued[i]), 0);
	}
	wait_queued(st, OVER_A_GROUP);
	let_writer_go();
	pthread_join(t_first, NULL);
	for (int i = 0; i < OVER_A_GROUP; i++)
		pthread_join(t_queued[i], NULL);
	assert_int_equal(first.got, K_OK);
	for (int i = 0; i < OVER_A_GROUP; i++) {
		assert_int_equal(queued[i].got, K_OK);
		assert_int_equal(rows_with_id(st, queued[i].id), 1);
	}
	store_write_counts(st, &after);
	assert_int_equal(after.commits - before.commits, 2);	/* the first joined by 31, then the other 9 */
	assert_int_equal(after.grouped - before.grouped, OVER_A_GROUP + 1);
	assert_int_equal(after.waiting, 0);
	store_close(st);
}

/* A failing member of a group undoes its own savepoint and nothing else. */
static void failing_member_leaves_no_write(void **state)
{
	(void)state;
	struct store_writes before, after;
	run_gated("group", 0, &before, &after);
	/* the six queued while the first ran joined its transaction: one group, one commit */
	assert_int_equal(after.grouped - before.grouped, QUEUED + 1);
	assert_int_equal(after.commits - before.commits, 1);
}

/* The first of a group runs without a savepoint: when it fails its whole
 * transaction is rolled back, before anything joins it, and the queued ones
 * go on in the next group. */
static void failing_first_leaves_the_rest(void **state)
{
	(void)state;
	struct store_writes before, after;
	run_gated("first", 1, &before, &after);
	assert_int_equal(after.commits - before.commits, 2);
	assert_int_equal(after.grouped - before.grouped, QUEUED);
}

/* A transaction alone keeps the plain path: its failure is rolled back. */
static void alone_failure_rolled_back(void **state)
{
	(void)state;
	char url[PATH_MAX_TEST];
	snprintf(url, sizeof url, "sqlite:%s/alone.db", dir);
	struct store *st = NULL;
	assert_int_equal(store_open(url, 2, &st), K_OK);
	assert_int_equal(store_tx(st, make_table, NULL), K_OK);
	struct job bad = {st, 7, 1, K_INTERNAL}, good = {st, 8, 0, K_INTERNAL};
	assert_int_equal(store_tx(st, write_row, &bad), K_CONFLICT);
	assert_int_equal(store_tx(st, write_row, &good), K_OK);
	assert_int_equal(rows_with_id(st, 7), 0);
	assert_int_equal(rows_with_id(st, 8), 1);
	struct store_writes w;
	store_write_counts(st, &w);
	assert_int_equal(w.grouped, 0);
	store_close(st);
}

int main(void)
{
	log_threshold = LOG_ERROR;
	if (test_dir_make(dir, sizeof dir, "group") != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failing_member_leaves_no_write),
		cmocka_unit_test(failing_first_leaves_the_rest),
		cmocka_unit_test(alone_failure_rolled_back),
		cmocka_unit_test(queue_longer_than_a_group),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	failed += test_dir_remove(dir);
	return failed;
}
