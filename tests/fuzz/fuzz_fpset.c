/*
 * Fuzz target for fingerprint sets (core/fpset.h): a set file is hostile
 * input when the library is shared. Opens the bytes as a set (from
 * memory), verifies it, iterates it, seeks, looks keys up and joins a few
 * queries; none of it may crash, hang or allocate beyond the caps. The
 * seed corpus is of well-formed sets. Each input is tried twice: as it
 * is, and with its checksums recomputed where the layout allows, so that
 * mutations reach the decoding behind the checksums too.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/fpset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
get64(const uint8_t *p)
{
	uint64_t x = 0;
	for (int i = 0; i < 8; i++)
		x |= (uint64_t)p[i] << (8 * i);
	return x;
}

static void
put64(uint8_t *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

/* Recomputes the block, index and header checksums that lie within b[0..n). */
static void
fix_checksums(uint8_t *b, size_t n)
{
	if (n < 96)
		return;
	uint64_t ioff = get64(b + 40), nblocks = get64(b + 24), isize = get64(b + 48);
	for (uint64_t i = 0; i < nblocks && ioff <= n && i < (n - ioff) / 32; i++) {
		uint8_t *e = b + ioff + 32 * i;
		uint64_t off = get64(e + 8), sz = get64(e + 16) & 0xffffffff;
		if (off <= n && sz <= n - off)
			put64(e + 24, XXH3_64bits(b + off, sz));
	}
	if (ioff <= n && isize <= n - ioff)
		put64(b + 56, XXH3_64bits(b + ioff, isize));
	put64(b + 64, XXH3_64bits(b, 64));
}

static void
run(const uint8_t *data, size_t size)
{
	char err[512];
	uint64_t bad, key, prev = 0, n = 0, q[64];
	uint8_t hit[64] = {0};
	struct fpset *set = fpset_open_mem(data, size, err, sizeof(err));
	struct fpset_iter it;
	int rc, verified;

	if (!set)
		return;
	verified = fpset_verify(set, &bad, err, sizeof(err)) == 0;
	fpset_iter_init(&it, set);
	while ((rc = fpset_iter_next(&it, &key)) > 0) {
		/* what verify() accepts iterates ascending, to the count */
		if (n++ && key <= prev)
			abort();
		prev = key;
		if (n <= 64)
			q[n - 1] = key;
	}
	if (verified && (rc != 0 || n != fpset_count(set)))
		abort();
	fpset_iter_release(&it);
	size_t nq = n < 64 ? (size_t)n : 64;
	for (size_t i = 0; i < nq; i++) {
		if (verified && fpset_contains(set, q[i]) != 1)
			abort();
		fpset_contains(set, q[i] + 1);
	}
	if (nq && verified && fpset_join(set, q, nq, hit, err, sizeof(err)) != (int64_t)nq)
		abort();
	fpset_iter_init(&it, set);
	fpset_iter_seek(&it, nq ? q[nq / 2] : 0);
	while (fpset_iter_next(&it, &key) > 0)
		;
	fpset_iter_release(&it);
	fpset_close(set);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	run(data, size);
	memcpy(copy, data, size);
	fix_checksums(copy, size);
	run(copy, size);
	free(copy);
	return 0;
}
