/*
 * Several sorters fed by workers, read back as one stream; see psort.h.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/psort.h"
#include "core/xalloc.h"

#define READ_CHUNK 65536 /* pairs a read-ahead thread takes from its sorter at once */

/* One sorter, its lock, and its read-ahead: two slots filled in turn. */
struct part {
	pthread_mutex_t add_mu; /* held while adding */
	struct xsort *xs;
	pthread_t tid;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t *keys[2], *vals[2];
	size_t n[2];
	int full[2], eof, err, stop;
	unsigned put, get; /* the next slot to fill, to read */
	size_t pos, have;  /* in the slot being read, and its pairs (0: none held) */
	int finish_rc;
	char finish_err[512];
	/* the merge's view: the current pair, and whether there is one (1), none (0), an error (-1) */
	uint64_t key, val;
	int live;
};

struct psort {
	struct part *p;
	unsigned n;
	atomic_int failed;
	int finishing;
	char err[512];
};

struct psort *
psort_new(unsigned n, const struct xsort_opts *o, char *err, size_t errlen)
{
	struct psort *ps = xcalloc(1, sizeof(*ps));
	struct xsort_opts xo = *o;
	xo.with_values = 1;
	ps->n = n ? n : 1;
	ps->p = xcalloc(ps->n, sizeof(*ps->p));
	for (unsigned i = 0; i < ps->n; i++) {
		struct part *pt = &ps->p[i];
		pthread_mutex_init(&pt->add_mu, NULL);
		pthread_mutex_init(&pt->mu, NULL);
		pthread_cond_init(&pt->cv, NULL);
		if (!(pt->xs = xsort_new(&xo, err, errlen))) {
			ps->n = i;
			psort_free(ps);
			return NULL;
		}
	}
	return ps;
}

int
psort_add(struct psort *ps, unsigned turn, const uint64_t *kv, size_t n)
{
	struct part *pt = &ps->p[turn % ps->n];
	int rc = 0;
	pthread_mutex_lock(&pt->add_mu);
	for (size_t i = 0; i < n; i++)
		if (xsort_add(pt->xs, kv[2 * i], kv[2 * i + 1]) < 0) {
			atomic_store(&ps->failed, 1);
			rc = -1;
			break;
		}
	pthread_mutex_unlock(&pt->add_mu);
	return rc;
}

int
psort_failed(const struct psort *ps)
{
	return atomic_load_explicit(&ps->failed, memory_order_relaxed);
}

/* A read-ahead thread: finishes its sorter, then fills the two slots in turn. */
static void *
part_run(void *arg)
{
	struct part *pt = arg;
	int64_t n;
	if (xsort_finish(pt->xs, 0, pt->finish_err, sizeof(pt->finish_err)) < 0) {
		pthread_mutex_lock(&pt->mu);
		pt->finish_rc = -1;
		pt->eof = pt->err = 1;
		pthread_cond_broadcast(&pt->cv);
		pthread_mutex_unlock(&pt->mu);
		return NULL;
	}
	do {
		unsigned k = pt->put;
		pthread_mutex_lock(&pt->mu);
		while (pt->full[k] && !pt->stop)
			pthread_cond_wait(&pt->cv, &pt->mu);
		int stop = pt->stop;
		pthread_mutex_unlock(&pt->mu);
		n = stop ? 0 : xsort_read(pt->xs, pt->keys[k], pt->vals[k], READ_CHUNK);
		pthread_mutex_lock(&pt->mu);
		if (n <= 0) {
			pt->eof = 1;
			pt->err = n < 0;
		} else {
			pt->n[k] = (size_t)n;
			pt->full[k] = 1;
			pt->put = k ^ 1;
		}
		pthread_cond_broadcast(&pt->cv);
		pthread_mutex_unlock(&pt->mu);
	} while (n > 0);
	return NULL;
}

/* The part's next pair into pt->key, pt->val: 1, 0 at its end, -1 on error. */
static int
part_next(struct part *pt)
{
	if (pt->pos == pt->have) {
		unsigned k = pt->get;
		pthread_mutex_lock(&pt->mu);
		if (pt->have) { /* hand the slot read back */
			pt->full[k] = 0;
			pt->get = k ^= 1;
			pthread_cond_broadcast(&pt->cv);
		}
		pt->have = pt->pos = 0;
		while (!pt->full[k] && !pt->eof)
			pthread_cond_wait(&pt->cv, &pt->mu);
		if (pt->full[k])
			pt->have = pt->n[k];
		int err = pt->err;
		pthread_mutex_unlock(&pt->mu);
		if (!pt->have)
			return err ? -1 : 0;
	}
	pt->key = pt->keys[pt->get][pt->pos];
	pt->val = pt->vals[pt->get][pt->pos];
	pt->pos++;
	return 1;
}

int
psort_finish(struct psort *ps, char *err, size_t errlen)
{
	ps->finishing = 1;
	for (unsigned i = 0; i < ps->n; i++) {
		struct part *pt = &ps->p[i];
		for (int k = 0; k < 2; k++) {
			pt->keys[k] = xmalloc(READ_CHUNK * sizeof(uint64_t));
			pt->vals[k] = xmalloc(READ_CHUNK * sizeof(uint64_t));
		}
		if (pthread_create(&pt->tid, NULL, part_run, pt) != 0) {
			snprintf(err, errlen, "cannot start a thread");
			return -1;
		}
		pt->started = 1;
	}
	for (unsigned i = 0; i < ps->n; i++)
		ps->p[i].live = -2; /* not read yet */
	return 0;
}

static void
part_error(struct psort *ps, struct part *pt)
{
	snprintf(ps->err, sizeof(ps->err), "%s",
		 pt->finish_rc < 0 ? pt->finish_err : xsort_error(pt->xs));
}

int
psort_next(struct psort *ps, uint64_t *key, uint64_t *val)
{
	int m = -1;
	for (unsigned i = 0; i < ps->n; i++) {
		struct part *pt = &ps->p[i];
		if (pt->live == -2 && (pt->live = part_next(pt)) < 0) {
			part_error(ps, pt);
			return -1;
		}
		if (pt->live > 0 && (m < 0 || pt->key < ps->p[m].key))
			m = (int)i;
	}
	if (m < 0)
		return 0;
	struct part *pt = &ps->p[m];
	*key = pt->key;
	*val = pt->val;
	pt->live = -2; /* the next one is read when it is needed */
	return 1;
}

const char *
psort_error(const struct psort *ps)
{
	return ps->err;
}

void
psort_stats(const struct psort *ps, struct xsort_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < ps->n; i++) {
		struct xsort_stats x;
		xsort_stats(ps->p[i].xs, &x);
		st->keys += x.keys;
		st->runs += x.runs;
		st->spilled_bytes += x.spilled_bytes;
		if (x.merge_passes > st->merge_passes)
			st->merge_passes = x.merge_passes;
	}
}

void
psort_free(struct psort *ps)
{
	if (!ps)
		return;
	for (unsigned i = 0; i < ps->n; i++) {
		struct part *pt = &ps->p[i];
		if (pt->started) {
			/* unblock a thread that waits for room, then wait for it */
			pthread_mutex_lock(&pt->mu);
			pt->stop = 1;
			pt->full[0] = pt->full[1] = 0;
			pthread_cond_broadcast(&pt->cv);
			pthread_mutex_unlock(&pt->mu);
			pthread_join(pt->tid, NULL);
		}
		for (int k = 0; k < 2; k++) {
			free(pt->keys[k]);
			free(pt->vals[k]);
		}
		xsort_free(pt->xs);
		pthread_mutex_destroy(&pt->add_mu);
		pthread_mutex_destroy(&pt->mu);
		pthread_cond_destroy(&pt->cv);
	}
	free(ps->p);
	free(ps);
}
