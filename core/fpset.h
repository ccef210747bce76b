/*
 * The on-disk fingerprint set of a known leak (DESIGN.md, "The library"):
 * its sorted, deduplicated 64-bit fingerprints, in blocks, each found
 * through a min-key index and guarded by a checksum. The analysis joins a
 * dump's sorted fingerprints with each leak's set block by block
 * (fpset_join); nothing else is needed to answer "which of these are in
 * leak X".
 *
 * File layout (integers little-endian):
 *   header  72 bytes: "DTFPSET1", version u32, flags u32, keys u64,
 *           blocks u64, block size u32 (most keys a block), reserved u32,
 *           index offset u64, index size u64, XXH3-64 of the index u64,
 *           XXH3-64 of the 64 bytes before it u64
 *   blocks  one after another (see below)
 *   index   per block 32 bytes: min key u64, offset u64, size u32,
 *           keys u32, XXH3-64 of the block's bytes u64
 *   footer  24 bytes: index offset u64, blocks u64, "DTFPEND1"
 *
 * A block holds its keys after the first (the first is its min key, in
 * the index) as gaps, each split Elias-Fano style into L low bits, stored
 * bit-packed (they are random: no compressor gains on them), and a high
 * part, stored as varints compressed with zstd (small, skewed numbers that
 * an entropy coder shrinks to 2-4 bits). L follows the block's mean gap.
 * For random keys this is within a few per cent of the entropy of a sorted
 * set: about 64 - log2(n) + 1.5 bits a key, 5.3 bytes for 10 million keys.
 *   block   L u8, zstd size u32, zstd frame of the high parts, low bits
 *
 * A set is hostile input like a dump: every size and offset is checked
 * before it is used; a corrupt file is an error naming the block, never a
 * crash or an allocation beyond the file's size and the block size cap.
 */
#ifndef DT_FPSET_H
#define DT_FPSET_H

#include <stddef.h>
#include <stdint.h>

#define FPSET_BLOCK_DEFAULT 4096
#define FPSET_BLOCK_MAX (1u << 20)

struct fpset_writer;
struct fpset;

/*
 * Creates path (truncating it) for a set of blocks of block_keys keys
 * (0 = FPSET_BLOCK_DEFAULT). NULL with the reason in err.
 */
struct fpset_writer *fpset_writer_open(const char *path, unsigned block_keys, char *err,
                                       size_t errlen);

/*
 * Adds a key: keys must come in ascending order; a key equal to the last
 * one is ignored. Returns 0, or -1 (a key out of order, a write error)
 * with the reason kept for fpset_writer_close().
 */
int fpset_writer_add(struct fpset_writer *w, uint64_t key);

/*
 * Writes the last block, the index, the footer and the header, fsyncs
 * and closes. Returns the bytes written, or -1 with the reason in err
 * (the file is then incomplete: the caller removes it). Frees w either
 * way. The caller renames the file into place.
 */
int64_t fpset_writer_close(struct fpset_writer *w, char *err, size_t errlen);

/* Frees w without finishing the file (an abandoned write). */
void fpset_writer_abort(struct fpset_writer *w);

/*
 * Opens a set: reads and checks the header, the footer and the index.
 * NULL with the reason in err. The blocks are checked as they are read.
 */
struct fpset *fpset_open(const char *path, char *err, size_t errlen);

/* The same over a set held in memory (buf stays the caller's, alive). */
struct fpset *fpset_open_mem(const void *buf, size_t len, char *err, size_t errlen);

/*
 * One set over parts[0..n) (taking them, and the array, xmalloc'ed: they
 * are closed with it): the sets of one leak split by key range over a
 * library's shards, each part's keys below the next part's. Every
 * function below works on it as on one file; a block is named in
 * messages by its part's file and its number there. NULL with the reason
 * in err when the parts are out of order (the parts are closed).
 */
struct fpset *fpset_open_union(struct fpset **parts, size_t n, char *err, size_t errlen);

void fpset_close(struct fpset *set);

/* The lowest key (0 when empty); the highest: 1 and *key, 0 when empty, -1 (err: a corrupt last block). */
uint64_t fpset_first_key(const struct fpset *set);
int fpset_last_key(const struct fpset *set, uint64_t *key, char *err, size_t errlen);

uint64_t fpset_count(const struct fpset *set);
uint64_t fpset_blocks(const struct fpset *set);

/*
 * Is key in the set? 1, 0, or -1 when its block is corrupt (the reason,
 * naming the block, in fpset_error()). Keeps the last block decoded: not
 * for two threads at once on one set.
 */
int fpset_contains(struct fpset *set, uint64_t key);

const char *fpset_error(const struct fpset *set);

/*
 * Checks every block: checksum, decoding, keys ascending within and
 * across blocks, counts. 0, or -1 with the first bad block in *bad_block
 * and the reason in err.
 */
int fpset_verify(const struct fpset *set, uint64_t *bad_block, char *err, size_t errlen);

/*
 * Marks which of the ascending queries q[0..n) are in the set: hit[i] = 1
 * for each one found (the others are left as they were). Walks the blocks
 * in order, decoding only those that some query may fall in. Returns the
 * number of queries found, or -1 with the reason in err (a corrupt
 * block). Several threads may join against one set at once.
 */
int64_t fpset_join(const struct fpset *set, const uint64_t *q, size_t n, uint8_t *hit, char *err,
                   size_t errlen);

/* An iterator over the keys in ascending order, block by block. */
struct fpset_dec;
struct fpset_iter {
	const struct fpset *set;
	struct fpset_dec *dec;
	uint64_t block; /* the next block to decode */
	uint64_t *keys; /* the current block's keys */
	size_t pos, n;
	char err[256];
};

void fpset_iter_init(struct fpset_iter *it, const struct fpset *set);

/* Skips to the first key >= key (forward only). */
void fpset_iter_seek(struct fpset_iter *it, uint64_t key);

/* The next key: 1, 0 at the end, -1 with the reason in it->err. */
int fpset_iter_next(struct fpset_iter *it, uint64_t *key);

void fpset_iter_release(struct fpset_iter *it);

#endif
