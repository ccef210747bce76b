/*
 * Exact deduplication of keys (lines, or records by fingerprint), first
 * occurrence kept, at the speed of hashing, in bounded memory.
 *
 * Each key becomes a 96-bit fingerprint (XXH3-128, 96 bits kept) and its
 * global sequence number. Pairs are radix-partitioned by the top bits of
 * the fingerprint into per-thread buckets as they are made; once all keys
 * are in, every bucket is deduplicated in a hash table small enough to stay
 * in cache, in sequence order, so the first occurrence is the one kept.
 * The result is a bitmap of duplicate sequence numbers. Past the memory
 * budget, buckets are spilled to zstd-compressed runs in a temporary
 * directory (unlinked at creation: nothing is left behind, whatever ends
 * the process). Two keys collide on 96 bits with odds of about n^2/2^97:
 * one in ten trillion for 40 million distinct keys.
 *
 * Line mode reads regular files with pread() into reused buffers, one
 * share of each file per thread; key producers of other kinds (records)
 * feed fingerprints through dedup_add_fp().
 */
#ifndef DT_DEDUP_H
#define DT_DEDUP_H

#include <stddef.h>
#include <stdint.h>

struct dedup_opts {
	unsigned threads;     /* workers; 0 = all cores */
	uint64_t memory;      /* budget for the pairs, in bytes */
	const char *tmpdir;   /* where spill runs go */
	uint64_t expect_keys; /* an estimate, to size the partitions; 0 if unknown */
};

struct dedup_stats {
	uint64_t keys, unique, duplicates;
	uint64_t spilled_bytes; /* compressed bytes written to spill runs */
	unsigned spill_runs;
};

struct dedup;

/* NULL with the reason in err when the temporary directory is unusable. */
struct dedup *dedup_new(const struct dedup_opts *o, char *err, size_t errlen);

/*
 * Line mode: adds every line of the regular file open as fd (size bytes),
 * in order, after the keys already added. A line is the bytes up to a LF;
 * its key leaves out the LF and a CR before it, so CRLF and LF endings of
 * the same text are the same line; a last line without LF is a line.
 * Returns the number of lines, or -1 with the reason in err.
 */
int64_t dedup_add_file(struct dedup *d, int fd, uint64_t size, char *err, size_t errlen);

/*
 * Record mode: adds one key by its 128-bit fingerprint with the caller's
 * sequence number seq (any order; each number once; below 2^40). One
 * thread only; not mixed with dedup_add_file().
 */
void dedup_add_fp(struct dedup *d, uint64_t seq, uint64_t hi, uint64_t lo);

/* Finds the duplicates; 0, or -1 with the reason in err (spill I/O). */
int dedup_finish(struct dedup *d, struct dedup_stats *st, char *err, size_t errlen);

/* After dedup_finish(): is key number seq a repeat of an earlier one? */
int dedup_is_dup(const struct dedup *d, uint64_t seq);

/* Frees everything; spill runs are already gone from the disk. */
void dedup_free(struct dedup *d);

/* Splits a buffer into lines: the length of the key of the line at p. */
static inline size_t
dedup_key_len(const char *p, size_t line_len)
{
	if (line_len && p[line_len - 1] == '\n')
		line_len--;
	if (line_len && p[line_len - 1] == '\r')
		line_len--;
	return line_len;
}

#endif
