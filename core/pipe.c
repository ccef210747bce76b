/*
 * The record pipeline; see pipe.h.
 *
 * A fixed ring of batches, in submission order. A batch is free, filling
 * (the reader has it), queued, working or worked. Workers take the oldest
 * queued batch; the consumer runs on the caller's thread and takes worked
 * batches from the head of the ring only, which keeps input order. When
 * the reader finds no free batch it works on a queued one itself instead of
 * waiting: with two cores, one worker thread and the reader share the work.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/pipe.h"
#include "core/xalloc.h"

enum { B_FREE, B_FILLING, B_QUEUED, B_WORKING, B_WORKED };

struct pipe {
	unsigned nthreads, nbatches;
	pipe_work_fn work;
	void **wctx;
	pipe_done_fn done;
	void *ctx;
	pthread_t *tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *b;
	int *state;
	size_t *order; /* ring of batch indexes in submission order */
	size_t head, count;
	int stop;
};

int
batch_add(struct batch *b, const struct record *rec)
{
	if (b->nrecs >= BATCH_RECORDS || (b->arena.len >= BATCH_BYTES && b->nrecs > 0))
		return -1;
	if (b->nrecs + 1 > b->recs_alloc) {
		b->recs = xgrow(b->recs, &b->recs_alloc, b->nrecs + 1, sizeof(*b->recs));
		b->fld_off = xrealloc(b->fld_off, b->recs_alloc * sizeof(*b->fld_off));
	}
	b->fields = xgrow(b->fields, &b->fields_alloc, b->nfields + rec->nfields + 1, sizeof(*b->fields));

	struct record *r = &b->recs[b->nrecs];
	*r = *rec;
	b->fld_off[b->nrecs] = b->nfields;
	r->table = NULL;
	if (rec->table) {
		/* offsets until the hand-over: the arena may move while it fills */
		r->table = (const char *)(uintptr_t)(b->arena.len + 1);
		dynbuf_add(&b->arena, rec->table, strlen(rec->table) + 1);
	}
	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		struct field *g = &b->fields[b->nfields++];
		g->is_null = f->is_null;
		g->name_len = f->name_len;
		g->len = f->len;
		g->name = (const char *)(uintptr_t)b->arena.len;
		dynbuf_add(&b->arena, f->name, f->name_len);
		g->val = (const char *)(uintptr_t)b->arena.len;
		dynbuf_add(&b->arena, f->val, f->len);
	}
	b->nrecs++;
	return 0;
}

void
batch_reset(struct batch *b)
{
	if (!b->arena.cap)
		dynbuf_init(&b->arena, (size_t)1 << 40);
	dynbuf_reset(&b->arena);
	b->nfields = b->nrecs = 0;
}

void
batch_release(struct batch *b)
{
	dynbuf_release(&b->arena);
	free(b->fields);
	free(b->recs);
	free(b->fld_off);
	free(b->user);
	memset(b, 0, sizeof(*b));
}

/* Turns the offsets of a filled batch into pointers. */
void
batch_seal(struct batch *b)
{
	const char *base = b->arena.buf ? b->arena.buf : "";
	for (size_t i = 0; i < b->nfields; i++) {
		b->fields[i].name = base + (uintptr_t)b->fields[i].name;
		b->fields[i].val = base + (uintptr_t)b->fields[i].val;
	}
	for (size_t i = 0; i < b->nrecs; i++) {
		b->recs[i].fields = b->fields + b->fld_off[i];
		if (b->recs[i].table)
			b->recs[i].table = base + (uintptr_t)b->recs[i].table - 1;
	}
}

/* Takes the oldest queued batch, marks it working; -1 if none. Locked. */
static long
take_queued(struct pipe *p)
{
	for (size_t k = 0; k < p->count; k++) {
		size_t i = p->order[(p->head + k) % p->nbatches];
		if (p->state[i] == B_QUEUED) {
			p->state[i] = B_WORKING;
			return (long)i;
		}
	}
	return -1;
}

struct worker_arg {
	struct pipe *p;
	unsigned id;
};

static void *
worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct pipe *p = wa->p;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		long i;
		while ((i = take_queued(p)) < 0 && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (i < 0)
			break;
		pthread_mutex_unlock(&p->mu);
		p->work(p->wctx[wa->id], &p->b[i]);
		pthread_mutex_lock(&p->mu);
		p->state[i] = B_WORKED;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	free(wa);
	return NULL;
}

struct pipe *
pipe_new(unsigned threads, pipe_work_fn work, void **wctx, pipe_done_fn done, void *ctx)
{
	struct pipe *p = xcalloc(1, sizeof(*p));
	p->nthreads = threads ? threads : 1;
	p->work = work;
	p->wctx = wctx;
	p->done = done;
	p->ctx = ctx;
	p->nbatches = 2 * p->nthreads + 2;
	p->b = xcalloc(p->nbatches, sizeof(*p->b));
	p->state = xcalloc(p->nbatches, sizeof(*p->state));
	p->order = xcalloc(p->nbatches, sizeof(*p->order));
	for (unsigned i = 0; i < p->nbatches; i++)
		dynbuf_init(&p->b[i].arena, (size_t)1 << 40);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->tid = xcalloc(p->nthreads, sizeof(*p->tid));
	for (unsigned i = 1; i < p->nthreads; i++) {
		struct worker_arg *wa = xmalloc(sizeof(*wa));
		wa->p = p;
		wa->id = i;
		if (pthread_create(&p->tid[i], NULL, worker, wa) != 0) {
			free(wa);
			p->nthreads = i; /* fewer workers, same results */
			break;
		}
	}
	return p;
}

/* Works on queued batch i on the caller's thread. Locked; unlocks meanwhile. */
static void
help_one(struct pipe *p, long i)
{
	pthread_mutex_unlock(&p->mu);
	p->work(p->wctx[0], &p->b[i]);
	pthread_mutex_lock(&p->mu);
	p->state[i] = B_WORKED;
	pthread_cond_broadcast(&p->cv);
}

/* Hands worked batches at the head to the consumer, in order. Locked. */
static void
drain(struct pipe *p)
{
	while (p->count > 0) {
		size_t i = p->order[p->head];
		if (p->state[i] != B_WORKED)
			break;
		pthread_mutex_unlock(&p->mu);
		p->done(p->ctx, &p->b[i]);
		pthread_mutex_lock(&p->mu);
		p->state[i] = B_FREE;
		p->head = (p->head + 1) % p->nbatches;
		p->count--;
	}
}

struct batch *
pipe_batch(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		drain(p);
		if (p->count < p->nbatches) {
			for (size_t i = 0; i < p->nbatches; i++)
				if (p->state[i] == B_FREE) {
					struct batch *b = &p->b[i];
					p->state[i] = B_FILLING;
					p->order[(p->head + p->count) % p->nbatches] = i;
					p->count++;
					pthread_mutex_unlock(&p->mu);
					dynbuf_reset(&b->arena);
					b->nfields = b->nrecs = 0;
					b->stream = -1;
					b->tag = NULL;
					return b;
				}
		}
		/* nothing free: help with the work rather than wait */
		long i = take_queued(p);
		if (i >= 0) {
			help_one(p, i);
			continue;
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
}

void
pipe_submit(struct pipe *p, struct batch *b)
{
	size_t i = (size_t)(b - p->b);
	batch_seal(b);
	if (p->nthreads <= 1) {
		p->work(p->wctx[0], b);
		pthread_mutex_lock(&p->mu);
		p->state[i] = B_WORKED;
		drain(p);
		pthread_mutex_unlock(&p->mu);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->state[i] = B_QUEUED;
	pthread_cond_broadcast(&p->cv);
	drain(p);
	pthread_mutex_unlock(&p->mu);
}

void
pipe_free(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	/* a batch being filled and never submitted is given back empty */
	for (size_t k = 0; k < p->count; k++) {
		size_t i = p->order[(p->head + k) % p->nbatches];
		if (p->state[i] == B_FILLING) {
			p->b[i].nrecs = p->b[i].nfields = 0;
			batch_seal(&p->b[i]);
			p->state[i] = B_QUEUED;
		}
	}
	for (;;) {
		drain(p);
		if (p->count == 0)
			break;
		long i = take_queued(p);
		if (i >= 0) {
			help_one(p, i);
			continue;
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 1; i < p->nthreads; i++)
		pthread_join(p->tid[i], NULL);
	for (unsigned i = 0; i < p->nbatches; i++) {
		dynbuf_release(&p->b[i].arena);
		free(p->b[i].fields);
		free(p->b[i].recs);
		free(p->b[i].fld_off);
		free(p->b[i].user);
	}
	free(p->b);
	free(p->state);
	free(p->order);
	free(p->tid);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

int
pipe_add(struct pipe *p, struct batch **cur, int stream, const void *tag, const struct record *rec)
{
	if (*cur && (*cur)->stream != stream) {
		pipe_submit(p, *cur);
		*cur = NULL;
	}
	for (;;) {
		if (!*cur) {
			*cur = pipe_batch(p);
			(*cur)->stream = stream;
			(*cur)->tag = tag;
		}
		if (batch_add(*cur, rec) == 0)
			return (*cur)->nrecs == 1; /* an empty batch always takes one */
		pipe_submit(p, *cur);
		*cur = NULL;
	}
}
