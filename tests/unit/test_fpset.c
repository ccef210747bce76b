/* Fingerprint sets (round trips, lookups, joins, corruption) and KMV sketches. */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dynbuf.h"
#include "core/fpset.h"
#include "core/kmv.h"
#include "core/xsort.h"
#include "tests/unit/tap.h"

static char path[256];

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* n distinct random keys, ascending. */
static uint64_t *
make_keys(size_t n, uint64_t seed)
{
	uint64_t *k = malloc((n ? n : 1) * sizeof(*k)), *t = malloc((n ? n : 1) * sizeof(*k));
	for (size_t i = 0; i < n; i++)
		k[i] = mix(seed * 0x100000000ull + i);
	xsort_radix(k, t, n);
	free(t);
	return k;
}

static int64_t
write_set(const uint64_t *k, size_t n, unsigned bsize)
{
	char err[512];
	struct fpset_writer *w = fpset_writer_open(path, bsize, err, sizeof(err));
	if (!w)
		return -1;
	for (size_t i = 0; i < n; i++) {
		fpset_writer_add(w, k[i]);
		if (i % 7 == 3)
			fpset_writer_add(w, k[i]); /* repeats are ignored */
	}
	int64_t r = fpset_writer_close(w, err, sizeof(err));
	if (r < 0)
		printf("# %s\n", err);
	return r;
}

/* Writes, reopens, iterates, verifies and looks up keys present and absent. */
static int
round_trip(const uint64_t *k, size_t n, unsigned bsize)
{
	char err[512];
	uint64_t bad, key;
	int good = write_set(k, n, bsize) > 0;
	struct fpset *set = fpset_open(path, err, sizeof(err));
	struct fpset_iter it;
	size_t i = 0;

	if (!set) {
		printf("# %s\n", err);
		return 0;
	}
	good &= fpset_count(set) == n;
	good &= fpset_verify(set, &bad, err, sizeof(err)) == 0;
	fpset_iter_init(&it, set);
	while (fpset_iter_next(&it, &key) > 0)
		if (i >= n || k[i++] != key)
			good = 0;
	good &= i == n;
	fpset_iter_release(&it);
	for (size_t j = 0; j < n; j += 1 + n / 5000) {
		good &= fpset_contains(set, k[j]) == 1;
		if (k[j] + 1 != (j + 1 < n ? k[j + 1] : 0))
			good &= fpset_contains(set, k[j] + 1) == 0;
	}
	if (n && k[0])
		good &= fpset_contains(set, k[0] - 1) == 0;
	if (n && k[n - 1] < UINT64_MAX)
		good &= fpset_contains(set, UINT64_MAX) == 0;
	fpset_close(set);
	return good;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Joins sorted queries (half present, some repeated) and compares with bsearch. */
static int
join_check(const uint64_t *k, size_t n, size_t nq, uint64_t lo_cut)
{
	char err[512];
	struct fpset *set = fpset_open(path, err, sizeof(err));
	uint64_t *q = malloc(nq * sizeof(*q));
	uint8_t *hit = calloc(nq, 1);
	int64_t want = 0;
	int good = set != NULL;

	for (size_t i = 0; i < nq; i++) {
		uint64_t r = mix(i + 777);
		q[i] = r % 2 ? k[r / 2 % n] : r;
		if (q[i] < lo_cut) /* leave whole blocks without queries, to be skipped */
			q[i] = lo_cut + r % 1000;
		if (i && i % 10 == 0)
			q[i] = q[i - 1];
	}
	qsort(q, nq, sizeof(*q), cmp_u64);
	int64_t got = set ? fpset_join(set, q, nq, hit, err, sizeof(err)) : -1;
	for (size_t i = 0; i < nq; i++) {
		int in = bsearch(&q[i], k, n, sizeof(*k), cmp_u64) != NULL;
		want += in;
		if (in != hit[i])
			good = 0;
	}
	good &= got == want;
	fpset_close(set);
	free(q);
	free(hit);
	return good;
}

static void
flip(uint64_t off)
{
	int fd = open(path, O_RDWR);
	unsigned char c;
	if (pread(fd, &c, 1, (off_t)off) == 1) {
		c ^= 0x40;
		if (pwrite(fd, &c, 1, (off_t)off) != 1)
			(void)0;
	}
	close(fd);
}

static uint64_t
read64(int fd, uint64_t off)
{
	unsigned char b[8];
	uint64_t x = 0;
	if (pread(fd, b, 8, (off_t)off) == 8)
		for (int i = 0; i < 8; i++)
			x |= (uint64_t)b[i] << (8 * i);
	return x;
}

/* A byte flipped in each block: verify() and contains() name the block. */
static void
corrupt_blocks(const uint64_t *k, size_t n, unsigned bsize)
{
	char err[512], want[64];
	uint64_t bad;
	int fd;
	size_t nb = (n + bsize - 1) / bsize;
	int verify_ok = 1, contains_ok = 1;

	for (size_t b = 0; b < nb; b++) {
		write_set(k, n, bsize);
		fd = open(path, O_RDONLY);
		uint64_t idx = read64(fd, 40);
		uint64_t off = read64(fd, idx + b * 32 + 8);
		uint64_t size = read64(fd, idx + b * 32 + 16) & 0xffffffff;
		close(fd);
		flip(off + size / 2);
		snprintf(want, sizeof(want), "block %zu:", b);
		struct fpset *set = fpset_open(path, err, sizeof(err));
		if (!set) {
			verify_ok = contains_ok = 0;
			continue;
		}
		if (fpset_verify(set, &bad, err, sizeof(err)) != -1 || bad != b ||
		    !strstr(err, want)) {
			printf("# block %zu: %s\n", b, err);
			verify_ok = 0;
		}
		if (fpset_contains(set, k[b * bsize]) != -1 || !strstr(fpset_error(set), want))
			contains_ok = 0;
		fpset_close(set);
	}
	ok(verify_ok, "a flipped byte in each of %zu blocks: verify() names the block", nb);
	ok(contains_ok, "a flipped byte in each block: contains() fails naming the block");
}

static void
test_sets(void)
{
	char err[512];
	uint64_t *k = make_keys(1000000, 1), bad;
	struct fpset *set;
	int64_t bytes;

	ok(round_trip(k, 0, 1000), "no keys");
	ok(round_trip(k, 1, 1000), "one key");
	ok(round_trip(k, 999, 1000), "block size - 1 keys");
	ok(round_trip(k, 1000, 1000), "block size keys");
	ok(round_trip(k, 1001, 1000), "block size + 1 keys");
	ok(round_trip(k, 1000000, 0), "a million keys, default block size");
	bytes = write_set(k, 1000000, 0);
	ok(bytes > 0 && bytes < 6000000, "a million random keys in %.2f bytes a key", bytes / 1e6);
	ok(join_check(k, 1000000, 300000, 0), "join of 300000 queries matches a binary search");
	ok(join_check(k, 1000000, 1000, k[900000]), "a sparse join (skipped blocks) matches");
	{
		uint64_t e[] = {0, 1, 2, 3, 1000, UINT64_MAX - 1, UINT64_MAX};
		ok(round_trip(e, 7, 2), "keys 0 and UINT64_MAX, blocks of 2");
		ok(round_trip(e, 7, 1), "blocks of one key");
		uint64_t dense[5000];
		for (int i = 0; i < 5000; i++)
			dense[i] = 1000000 + (uint64_t)i * 3;
		ok(round_trip(dense, 5000, 1024), "dense keys (small gaps)");
	}

	/* seeking an iterator */
	write_set(k, 100000, 1000);
	set = fpset_open(path, err, sizeof(err));
	{
		struct fpset_iter it;
		uint64_t key;
		int good = 1;
		fpset_iter_init(&it, set);
		for (size_t j = 10; j < 100000; j += 3331) {
			uint64_t target = k[j] - (j % 2); /* at a key, or just below it */
			fpset_iter_seek(&it, target);
			if (fpset_iter_next(&it, &key) != 1 || key != k[j])
				good = 0;
		}
		fpset_iter_seek(&it, UINT64_MAX);
		good &= fpset_iter_next(&it, &key) == 0;
		fpset_iter_release(&it);
		ok(good, "iterator seeks to the first key at or above");
	}
	fpset_close(set);

	/* writer errors */
	{
		struct fpset_writer *w = fpset_writer_open(path, 0, err, sizeof(err));
		fpset_writer_add(w, 10);
		ok(fpset_writer_add(w, 5) == -1, "a key out of order is refused");
		ok(fpset_writer_close(w, err, sizeof(err)) == -1 && strstr(err, "out of order"),
		   "and close says so");
		ok(fpset_writer_open("/nonexistent/x.fps", 0, err, sizeof(err)) == NULL &&
		       strstr(err, "'/nonexistent/x.fps'"),
		   "an uncreatable file is an error naming it");
	}

	/* corruption */
	corrupt_blocks(k, 5000, 512);
	write_set(k, 5000, 512);
	flip(20);
	set = fpset_open(path, err, sizeof(err));
	ok(!set && strstr(err, "header"), "a flipped header byte: %s", err);
	write_set(k, 5000, 512);
	{
		int fd = open(path, O_RDONLY);
		uint64_t idx = read64(fd, 40);
		close(fd);
		flip(idx + 32 * 3 + 1);
	}
	set = fpset_open(path, err, sizeof(err));
	ok(!set && strstr(err, "index"), "a flipped index byte: %s", err);
	bytes = write_set(k, 300, 32);
	{
		/* every prefix of the file, opened from memory */
		unsigned char *all = malloc((size_t)bytes);
		int fd = open(path, O_RDONLY), good = 1;
		good = pread(fd, all, (size_t)bytes, 0) == bytes;
		close(fd);
		for (int64_t len = 0; len < bytes; len++) {
			set = fpset_open_mem(all, (size_t)len, err, sizeof(err));
			if (set) {
				good = 0;
				fpset_close(set);
			}
		}
		ok(good, "every truncation of a %lld-byte set is refused at open",
		   (long long)bytes);
		if (truncate(path, bytes - 1) == 0)
			good = (set = fpset_open(path, err, sizeof(err))) == NULL &&
			       strstr(err, "corrupt");
		ok(good, "a truncated file: %s", err);
		free(all);
	}
	{
		unsigned char junk[4096];
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)mix(i);
		set = fpset_open_mem(junk, sizeof(junk), err, sizeof(err));
		ok(!set && strstr(err, "not a fingerprint set"), "random bytes: %s", err);
		memcpy(junk, "DTFPSET1\1\0\0\0", 12);
		set = fpset_open_mem(junk, sizeof(junk), err, sizeof(err));
		ok(!set, "random bytes after the magic: %s", err);
	}
	ok(fpset_open("/nonexistent/x.fps", err, sizeof(err)) == NULL && strstr(err, "cannot open"),
	   "a missing file: %s", err);
	(void)bad;
	free(k);
}

static void
test_kmv(void)
{
	struct kmv a, b, c;
	char err[256];
	struct dynbuf blob;

	kmv_init(&a, 4096);
	for (uint64_t i = 0; i < 1000000; i++)
		kmv_add(&a, mix(i % 300000));
	double d = kmv_distinct(&a);
	ok(fabs(d / 300000 - 1) < 0.05, "300000 distinct of a million: estimated %.0f", d);

	kmv_init(&b, 4096);
	for (uint64_t i = 0; i < 500; i++)
		kmv_add(&b, mix(i));
	is_int((long long)kmv_distinct(&b), 500, "a small column is counted exactly");
	kmv_release(&b);

	/* b: the first 100000 of a's values; c: 50000 of them and 50000 others */
	kmv_init(&b, 4096);
	kmv_init(&c, 4096);
	for (uint64_t i = 0; i < 100000; i++) {
		kmv_add(&b, mix(i));
		kmv_add(&c, mix(i < 50000 ? i : i + 10000000));
	}
	double cb = kmv_containment(&b, &a), cc = kmv_containment(&c, &a), j = kmv_jaccard(&b, &a);
	ok(cb > 0.97, "a subset's containment: %.3f", cb);
	ok(fabs(cc - 0.5) < 0.05, "half a subset: containment %.3f", cc);
	ok(fabs(j - 1.0 / 3) < 0.04, "jaccard of a third: %.3f", j);
	ok(kmv_containment(&a, &b) < 0.4, "the superset is not contained: %.3f",
	   kmv_containment(&a, &b));

	dynbuf_init(&blob, 1u << 20);
	ok(kmv_serialize(&c, &blob) == 0, "a sketch serialises (%zu bytes)", blob.len);
	struct kmv l;
	ok(kmv_load(&l, blob.buf, blob.len, err, sizeof(err)) == 0 && l.n == c.n &&
	       !memcmp(l.v, c.v, l.n * sizeof(*l.v)),
	   "and loads back the same");
	ok(fabs(kmv_containment(&l, &a) - cc) < 1e-9, "with the same estimates");
	kmv_release(&l);
	blob.buf[blob.len / 2] ^= 1;
	ok(kmv_load(&l, blob.buf, blob.len, err, sizeof(err)) == -1 && strstr(err, "corrupt"),
	   "a flipped byte: %s", err);
	ok(kmv_load(&l, blob.buf, 10, err, sizeof(err)) == -1, "a truncated blob is refused");
	dynbuf_release(&blob);
	kmv_release(&a);
	kmv_release(&b);
	kmv_release(&c);
}

/* Writes k[lo..hi) to file, bsize keys a block; the set opened, or NULL. */
static struct fpset *
part_set(const char *file, const uint64_t *k, size_t lo, size_t hi, unsigned bsize)
{
	char err[512];
	struct fpset_writer *w = fpset_writer_open(file, bsize, err, sizeof(err));
	if (!w)
		return NULL;
	for (size_t i = lo; i < hi; i++)
		fpset_writer_add(w, k[i]);
	if (fpset_writer_close(w, err, sizeof(err)) < 0)
		return NULL;
	return fpset_open(file, err, sizeof(err));
}

/* A set in parts by key range (a sharded library's), one part empty: the same as one file. */
static void
test_union(void)
{
	enum { N = 100000, NP = 5 };
	uint64_t *k = make_keys(N, 91);
	/* the parts: top byte [0,64) [64,128) [128,128) [128,192) [192,256) */
	const unsigned cut[NP + 1] = { 0, 64, 128, 128, 192, 256 };
	size_t at[NP + 1];
	char files[NP][300];
	struct fpset **parts = malloc(NP * sizeof(*parts));
	for (size_t p = 0, i = 0; p <= NP; p++) {
		while (i < N && (k[i] >> 56) < cut[p])
			i++;
		at[p] = p == NP ? N : i;
	}
	int made = 1;
	for (size_t p = 0; p < NP; p++) {
		snprintf(files[p], sizeof(files[p]), "%s.part%zu", path, p);
		made &= (parts[p] = part_set(files[p], k, at[p], at[p + 1], 256)) != NULL;
	}
	ok(made, "five parts written, one of them empty (%zu keys)", at[3] - at[2]);
	char err[512];
	uint64_t bad, key;
	struct fpset *u = fpset_open_union(parts, NP, err, sizeof(err));
	ok(u != NULL, "their union opens");
	if (!u)
		return;
	is_int(fpset_count(u), N, "... every key counted");
	ok(fpset_verify(u, &bad, err, sizeof(err)) == 0, "... verifies");
	struct fpset_iter it;
	size_t i = 0;
	int same = 1;
	fpset_iter_init(&it, u);
	while (fpset_iter_next(&it, &key) > 0)
		same &= i < N && k[i++] == key;
	fpset_iter_release(&it);
	ok(same && i == N, "... iterates every key in order, across the parts");
	int found = 1;
	for (size_t j = 0; j < N; j += 7)
		found &= fpset_contains(u, k[j]) == 1 && (k[j] + 1 == k[j + 1] || fpset_contains(u, k[j] + 1) == 0);
	ok(found, "... contains each key, and not its neighbours");
	uint64_t *q = malloc(N * sizeof(*q));
	uint8_t *hit = calloc(N, 1);
	for (size_t j = 0; j < N; j++)
		q[j] = j % 2 ? k[j] : k[j] ^ 1;
	qsort(q, N, sizeof(*q), cmp_u64);
	int64_t nh = fpset_join(u, q, N, hit, err, sizeof(err));
	size_t want = 0, agree = 1;
	for (size_t j = 0; j < N; j++) {
		uint64_t *f = bsearch(&q[j], k, N, sizeof(*k), cmp_u64);
		want += f != NULL;
		agree &= (f != NULL) == (hit[j] == 1);
	}
	ok(nh == (int64_t)want && agree, "... joins as one file would (%lld hits)", (long long)nh);
	ok(fpset_first_key(u) == k[0] && fpset_last_key(u, &key, err, sizeof(err)) == 1 && key == k[N - 1],
	   "... its first and last keys");
	fpset_close(u);

	/* parts out of order: refused, named */
	parts = malloc(2 * sizeof(*parts));
	parts[0] = fpset_open(files[3], err, sizeof(err));
	parts[1] = fpset_open(files[0], err, sizeof(err));
	u = fpset_open_union(parts, 2, err, sizeof(err));
	ok(!u && strstr(err, files[0]) && strstr(err, "not above"), "parts out of order refused: %s", err);

	/* a corrupt block in one part: named by that part's file and its own block number */
	int fd = open(files[3], O_RDWR);
	uint8_t byte;
	off_t off = 72 + 300; /* inside the part's first blocks */
	int flipped = fd >= 0 && pread(fd, &byte, 1, off) == 1 && (byte ^= 0x40, pwrite(fd, &byte, 1, off) == 1);
	if (fd >= 0)
		close(fd);
	parts = malloc(NP * sizeof(*parts));
	int reopened = 1;
	for (size_t p = 0; p < NP; p++)
		reopened &= (parts[p] = fpset_open(files[p], err, sizeof(err))) != NULL;
	u = reopened ? fpset_open_union(parts, NP, err, sizeof(err)) : NULL;
	ok(flipped && u && fpset_verify(u, &bad, err, sizeof(err)) < 0 && strstr(err, files[3]) &&
	       (strstr(err, "block 0:") || strstr(err, "block 1:")),
	   "a flipped byte in the fourth part: %s", err);
	fpset_close(u);
	for (size_t p = 0; p < NP; p++)
		unlink(files[p]);
	free(q);
	free(hit);
	free(k);
}

int
main(void)
{
	snprintf(path, sizeof(path), "/tmp/test_fpset.%d", (int)getpid());
	test_sets();
	test_kmv();
	test_union();
	unlink(path);
	return done_testing();
}
