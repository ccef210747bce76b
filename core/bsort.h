/*
 * The sort of ingest: (key, set) pairs made by several threads, given back
 * as every set's keys in ascending order, each once.
 *
 * Keys are fingerprints, so their highest byte spreads them evenly over
 * 256 buckets. A producer appends each pair to a block of its own for the
 * key's bucket; a full block is kept in memory while the budget allows,
 * and written to one temporary file (unlinked at creation) after that. At
 * the end the buckets are taken in key order by several threads: a
 * bucket's pairs are read back, split by set, radix sorted as plain 8-byte
 * keys (the set is the group's) and handed to the caller set by set. There
 * is no k-way merge and no payload to carry: the sorted runs and merge of
 * core/xsort.h cost ingest twice as much. A bucket that does not fit a
 * thread's share of the budget is read in several passes, each keeping one
 * range of its keys, so memory stays bounded for any input; one with more
 * equal keys than memory holds (one row repeated millions of times) goes,
 * set by set, through the external sort of core/xsort.h. With a payload
 * per pair (analyze: the row a key comes from) every pair is kept.
 */
#ifndef DT_BSORT_H
#define DT_BSORT_H

#include <stddef.h>
#include <stdint.h>

struct bsort_opts {
	uint64_t memory;    /* bytes in all (blocks, and the end's buffers); 0 = 1 GiB */
	const char *tmpdir; /* where the spill file goes; NULL = /tmp */
	unsigned producers; /* threads that add, each with its own index; 0 = 1 */
	unsigned nsets;     /* set numbers are below nsets (at most 65,536) */
	int with_values;    /* a 64-bit payload with each pair; every pair kept, repeats too */
	uint64_t pack_after; /* bytes spilled as they are before blocks are packed; 0 = 4 GiB */
};

struct bsort_stats {
	uint64_t pairs;          /* added */
	uint64_t spilled_blocks; /* blocks written to the file */
	uint64_t spilled_bytes;  /* in the file: packed blocks take less */
	uint64_t packed_blocks;  /* of the spilled, those packed (bsort.c: pack()) */
	uint64_t passes;   /* bucket reads at the end (one per bucket that fits) */
	uint64_t external; /* of those, sorted by xsort: too many equal keys for memory */
	uint64_t split;    /* buckets read once into their parts (bsort.c: split_bucket()) */
};

struct bsort;

/* A sorter, or NULL with the reason in err (bad options). */
struct bsort *bsort_new(const struct bsort_opts *o, char *err, size_t errlen);

/*
 * Adds n pairs for producer p: kv is (key, set, key, set...), or with
 * with_values (key, set, payload, ...). One thread per producer index at
 * a time, any number of them at once. A set number not below nsets is
 * ignored. 0, or -1 once writing the spill file has failed (the reason
 * comes from bsort_finish()).
 */
int bsort_add(struct bsort *b, unsigned p, const uint64_t *kv, size_t n);

/* Has writing the spill file failed? (Cheap: to stop reading input early.) */
int bsort_failed(const struct bsort *b);

/*
 * The caller's sink: n keys of set, ascending, not below any key of the
 * set given before; kv is the keys, or with with_values n (key, payload)
 * pairs (equal keys in no order of payload). 0, or -1 to stop
 * (bsort_finish() then fails with err empty: the caller has its reason).
 */
typedef int (*bsort_emit_fn)(void *ctx, unsigned set, const uint64_t *kv, size_t n);

/*
 * No more bsort_add(): sorts and hands out every set's keys with
 * `threads` threads (0 = 1). emit() may run for two different sets at
 * once, never for one set twice at once. 0, or -1 with the reason in err
 * ("" when emit() stopped it).
 */
int bsort_finish(struct bsort *b, unsigned threads, bsort_emit_fn emit, void *ctx, char *err,
		 size_t errlen);

/*
 * Instead of bsort_finish(): every pair as it was added, in no order but
 * by bucket (the key's highest byte, ascending), handed to fn in runs of
 * n, kv as bsort_add() takes it ((key, set) or (key, set, payload)), on
 * this thread: for a caller that sorts them elsewhere (analyze's reduce
 * steps, core/analyze.h). 0, or -1 with the reason in err ("" when fn
 * stopped it).
 */
typedef int (*bsort_drain_fn)(void *ctx, const uint64_t *kv, size_t n);
int bsort_drain(struct bsort *b, bsort_drain_fn fn, void *ctx, char *err, size_t errlen);

void bsort_stats(const struct bsort *b, struct bsort_stats *st);

/* Frees everything; the spill file is already gone from the disk. */
void bsort_free(struct bsort *b);

#endif
