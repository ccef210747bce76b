/*
 * External sort of 64-bit keys, each optionally with a 64-bit payload
 * (a fingerprint and its row number), within a memory budget: the sorting
 * half of the analysis's sort-and-merge join (DESIGN.md, "The analysis")
 * and the feed of the library's fingerprint sets (core/fpset.h).
 *
 * Keys go into one large reused buffer; when it is full it is radix sorted
 * (one MSD pass on the highest varying byte, then LSD passes bucket by
 * bucket in cache; constant bytes skipped; its two halves by two threads)
 * and written as sorted runs (blocks of delta-coded keys, zstd
 * level 1) to a temporary file unlinked at creation, so nothing is left
 * behind whatever ends the process. xsort_finish() sorts what is left in
 * memory and opens a k-way merge of the runs and that remainder, read in
 * ascending key order with xsort_next(). Too many runs for the budget are
 * merged into fewer runs first.
 */
#ifndef DT_XSORT_H
#define DT_XSORT_H

#include <stddef.h>
#include <stdint.h>

struct xsort_opts {
	uint64_t memory;    /* bytes for the buffer and its scratch; 0 = 1 GiB */
	const char *tmpdir; /* where runs go; NULL = /tmp */
	int with_values;    /* keep a payload with each key */
	unsigned threads;   /* 1 or 2 (more are not used); 0 = 2 */
};

struct xsort_stats {
	uint64_t keys;          /* added */
	uint64_t runs;          /* sorted runs written (merge passes included) */
	uint64_t spilled_bytes; /* compressed bytes written */
	unsigned merge_passes;  /* intermediate passes, when the runs were too many */
};

struct xsort;

/*
 * A sorter, or NULL with the reason in err (the temporary directory is
 * unusable). Memory below 1 MiB is raised to 1 MiB.
 */
struct xsort *xsort_new(const struct xsort_opts *o, char *err, size_t errlen);

/*
 * Adds a key and its payload (ignored without with_values). Returns 0, or
 * -1 when spilling a run failed (the reason comes from xsort_finish()).
 * Not after xsort_finish().
 */
int xsort_add(struct xsort *s, uint64_t key, uint64_t val);

/* Adds n keys (payload 0). Returns 0 or -1 as xsort_add(). */
int xsort_add_many(struct xsort *s, const uint64_t *keys, size_t n);

/*
 * Sorts what is in memory and opens the merge. With unique, equal keys
 * come out once, with the smallest of their payloads; otherwise all come
 * out, equal keys in no particular order of payload. Returns 0, or -1 with
 * the reason in err (spill I/O).
 */
int xsort_finish(struct xsort *s, int unique, char *err, size_t errlen);

/*
 * The next key (and payload, when val is not NULL) in ascending order:
 * 1, 0 at the end, or -1 when a run cannot be read back (xsort_error()).
 */
int xsort_next(struct xsort *s, uint64_t *key, uint64_t *val);

/*
 * Up to max next entries into keys[] (and vals[] when not NULL), as
 * xsort_next() would give them, faster: the number read, 0 at the end,
 * or -1 on error.
 */
int64_t xsort_read(struct xsort *s, uint64_t *keys, uint64_t *vals, size_t max);

/* The reason of the last -1 ("" when none). */
const char *xsort_error(const struct xsort *s);

/* Keys added so far. */
uint64_t xsort_count(const struct xsort *s);

void xsort_stats(const struct xsort *s, struct xsort_stats *st);

/* Frees everything; the run file is already gone from the disk. */
void xsort_free(struct xsort *s);

/*
 * Sorts a[0..n) in place (radix), using scratch tmp[0..n); for callers
 * that hold their keys in memory anyway.
 */
void xsort_radix(uint64_t *a, uint64_t *tmp, size_t n);

/* The same for n (key, payload) pairs a[0..2n) by key, scratch tmp[0..2n). */
void xsort_radix_pairs(uint64_t *a, uint64_t *tmp, size_t n);

#endif
