/*
 * Several external sorters (core/xsort.h) fed by worker threads, read back
 * as one sorted stream: the sort of ingest and analyze, where the keys of
 * a batch of records are made on a worker and their order of arrival does
 * not matter. Each sorter sits behind a lock; a worker hands a batch's
 * keys to one sorter in turn, so that the sorters get equal shares and a
 * spill (a sort of the whole buffer) on one does not stop the others. At
 * the end each sorter is finished and read ahead by a thread of its own
 * (its k-way merge of runs is the costly part), and the few streams are
 * merged on the caller's thread.
 */
#ifndef DT_PSORT_H
#define DT_PSORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/xsort.h"

struct psort;

/*
 * n sorters (at least 1), each made with o (its memory is per sorter; the
 * payload is always kept). NULL with the reason in err.
 */
struct psort *psort_new(unsigned n, const struct xsort_opts *o, char *err, size_t errlen);

/*
 * Adds the pairs kv[0..2n) (key, payload, key, payload...) to sorter
 * turn % count, under its lock. 0, or -1 once a spill has failed (the
 * reason comes from psort_finish() or psort_next()); any thread.
 */
int psort_add(struct psort *p, unsigned turn, const uint64_t *kv, size_t n);

/* Has a spill failed? (Cheap: to stop reading input early.) */
int psort_failed(const struct psort *p);

/* Starts the read-ahead threads: no more psort_add(). 0, or -1 with the reason in err. */
int psort_finish(struct psort *p, char *err, size_t errlen);

/*
 * The next pair in ascending key order (equal keys in no set order): 1,
 * 0 at the end, -1 on error (psort_error()).
 */
int psort_next(struct psort *p, uint64_t *key, uint64_t *val);

const char *psort_error(const struct psort *p);

/* The sorters' statistics, summed. */
void psort_stats(const struct psort *p, struct xsort_stats *st);

/* Stops the threads (also part way through the reading) and frees everything. */
void psort_free(struct psort *p);

#endif
