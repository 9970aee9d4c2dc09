/* Requests answered from a queue's thread (api.h api_defer_to_queue,
 * api_defer_to_writers): the handler's context is copied, the request set
 * aside (http_defer) and the job handed to the queue; a full queue answers
 * 503 busy. */
#include <stdlib.h>

#include "api/api.h"
#include "core/log.h"
#include "core/workq.h"

struct queued {
	struct api_ctx ctx;
	struct caller who;
	void (*run)(struct api_ctx *c, void *arg);
	void (*free_arg)(void *arg);
	void *arg;
};

static void queued_free(struct queued *q)
{
	if (q->free_arg)
		q->free_arg(q->arg);
	free(q);
}

static void queued_run(void *arg)
{
	struct queued *q = arg;
	q->run(&q->ctx, q->arg);
	queued_free(q);
}

static void queued_cancel(void *arg)
{
	struct queued *q = arg;
	api_busy(&q->ctx);
	queued_free(q);
}

static void defer_to(struct workq *wq, struct api_ctx *c, void (*run)(struct api_ctx *c, void *arg), void *arg,
	void (*free_arg)(void *arg))
{
	struct queued *q = xcalloc(1, sizeof *q);
	q->ctx = *c;
	if (c->who) {
		q->who = *c->who;
		q->ctx.who = &q->who;
	}
	for (size_t i = 0; i < sizeof c->params / sizeof c->params[0]; i++)
		q->ctx.params[i] = c->params[i] ? q->ctx.param_buf[i] : NULL;
	q->run = run;
	q->free_arg = free_arg;
	q->arg = arg;
	/* Deferred first: the queue's thread may answer before submit returns. */
	http_defer(c->req);
	struct workq_job job = {queued_run, queued_cancel, q};
	if (workq_submit(wq, &job) != K_OK)
		queued_cancel(q);
}

void api_defer_to_queue(struct api_ctx *c, void (*run)(struct api_ctx *c, void *arg), void *arg,
	void (*free_arg)(void *arg))
{
	defer_to(c->app->scans, c, run, arg, free_arg);
}

void api_defer_to_writers(struct api_ctx *c, void (*run)(struct api_ctx *c, void *arg), void *arg,
	void (*free_arg)(void *arg))
{
	defer_to(c->app->writers, c, run, arg, free_arg);
}
