/*
 * The bucketed sort of ingest against qsort(): every set's keys ascending
 * and once each, from several producer threads at once, in memory or
 * spilled, with buckets read in several passes, with heavy repeats, and
 * with the sink stopping part way.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bsort.h"
#include "tests/unit/tap.h"

#define NSETS 40

struct pair {
	uint64_t k, s;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* What the sink got: per set, its keys in the order given. */
struct sink {
	int wv; /* words a pair: 1, or 2 with payloads */
	pthread_mutex_t mu;
	uint64_t *k[NSETS];
	size_t n[NSETS], alloc[NSETS];
	int busy[NSETS];
	int overlap, bad_set, stop_after, calls;
};

static int
emit(void *ctx, unsigned set, const uint64_t *keys, size_t n)
{
	struct sink *s = ctx;
	pthread_mutex_lock(&s->mu);
	s->calls++;
	if (s->stop_after && s->calls > s->stop_after) {
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	if (set >= NSETS) {
		s->bad_set = 1;
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	if (s->busy[set]++)
		s->overlap = 1;
	pthread_mutex_unlock(&s->mu);
	/* outside the lock: two sets at once is allowed, one set twice is not */
	int wv = s->wv ? s->wv : 1;
	if (s->n[set] + n > s->alloc[set]) {
		s->alloc[set] = (s->n[set] + n) * 2;
		s->k[set] = realloc(s->k[set], s->alloc[set] * wv * sizeof(uint64_t));
	}
	memcpy(s->k[set] + s->n[set] * wv, keys, n * wv * sizeof(uint64_t));
	s->n[set] += n;
	pthread_mutex_lock(&s->mu);
	s->busy[set]--;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

struct feed {
	struct bsort *b;
	unsigned p;
	const struct pair *in;
	size_t from, to;
};

static void *
producer(void *arg)
{
	struct feed *f = arg;
	uint64_t kv[2 * 100];
	size_t m = 0;
	for (size_t i = f->from; i < f->to; i++) {
		kv[2 * m] = f->in[i].k;
		kv[2 * m + 1] = f->in[i].s;
		if (++m == 100) {
			bsort_add(f->b, f->p, kv, m);
			m = 0;
		}
	}
	bsort_add(f->b, f->p, kv, m);
	return NULL;
}

/* bsort_opts.pack_after for check() and check_values(); 0 = the default */
static uint64_t pack_after;

/*
 * Sorts in[0..n) (set numbers below NSETS, some at NSETS and above to be
 * ignored) with np producers and nt finishing threads; compares with
 * qsort. Returns 1 when every set came out right.
 */
static int
check(struct pair *in, size_t n, unsigned np, unsigned nt, uint64_t memory, struct bsort_stats *st)
{
	char err[256];
	struct bsort_opts o = { .memory = memory, .tmpdir = "/tmp", .producers = np, .nsets = NSETS,
				.pack_after = pack_after };
	struct bsort *b = bsort_new(&o, err, sizeof(err));
	struct sink s;
	pthread_t tid[8];
	struct feed f[8];
	int good = 1;

	if (!b)
		return 0;
	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.mu, NULL);
	for (unsigned i = 0; i < np; i++) {
		f[i] = (struct feed){ b, i, in, n * i / np, n * (i + 1) / np };
		pthread_create(&tid[i], NULL, producer, &f[i]);
	}
	for (unsigned i = 0; i < np; i++)
		pthread_join(tid[i], NULL);
	if (bsort_finish(b, nt, emit, &s, err, sizeof(err)) < 0)
		good = 0;
	bsort_stats(b, st);
	bsort_free(b);

	struct pair *want = malloc((n ? n : 1) * sizeof(*want));
	size_t nw = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i].s < NSETS)
			want[nw++] = in[i];
	qsort(want, nw, sizeof(*want), cmp_pair);
	size_t at[NSETS] = { 0 };
	for (size_t i = 0; i < nw; i++) {
		if (i && want[i].s == want[i - 1].s && want[i].k == want[i - 1].k)
			continue;
		size_t s2 = want[i].s;
		if (at[s2] >= s.n[s2] || s.k[s2][at[s2]] != want[i].k)
			good = 0;
		at[s2]++;
	}
	for (size_t s2 = 0; s2 < NSETS; s2++) {
		if (at[s2] != s.n[s2])
			good = 0;
		free(s.k[s2]);
	}
	good &= !s.overlap && !s.bad_set;
	free(want);
	pthread_mutex_destroy(&s.mu);
	return good;
}

struct triple {
	uint64_t k, s, v;
};

/* in[0..n) into b, 100 at a time, from two producers by turns. */
static void
add_triples(struct bsort *b, const struct triple *in, size_t n)
{
	for (size_t i = 0; i < n; i += 100) {
		uint64_t kv[300];
		size_t m = n - i < 100 ? n - i : 100;
		for (size_t j = 0; j < m; j++) {
			kv[3 * j] = in[i + j].k;
			kv[3 * j + 1] = in[i + j].s;
			kv[3 * j + 2] = in[i + j].v;
		}
		bsort_add(b, (unsigned)(i / 100) % 2, kv, m);
	}
}

/* bsort_drain()'s sink: the triples gathered; by_bucket stays 1 while buckets ascend */
struct drained {
	struct triple *v;
	size_t n, cap;
	int by_bucket;
};

static int
drain_sink(void *ctx, const uint64_t *kv, size_t n)
{
	struct drained *d = ctx;
	for (size_t i = 0; i < n && d->n < d->cap; i++) {
		if (d->n && kv[3 * i] >> 56 < d->v[d->n - 1].k >> 56)
			d->by_bucket = 0;
		d->v[d->n++] = (struct triple){ kv[3 * i], kv[3 * i + 1], kv[3 * i + 2] };
	}
	return 0;
}


static int
cmp_triple(const void *a, const void *b)
{
	const struct triple *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

/*
 * With payloads: every (key, set, payload) comes out, repeats too, each
 * set's keys ascending. Returns 1 when so.
 */
static int
check_values(const struct triple *in, size_t n, uint64_t memory, struct bsort_stats *st)
{
	char err[256];
	struct bsort_opts o = { .memory = memory, .tmpdir = "/tmp", .producers = 2, .nsets = NSETS,
				.with_values = 1, .pack_after = pack_after };
	struct bsort *b = bsort_new(&o, err, sizeof(err));
	struct sink s;
	int good = 1;

	if (!b)
		return 0;
	memset(&s, 0, sizeof(s));
	s.wv = 2;
	pthread_mutex_init(&s.mu, NULL);
	add_triples(b, in, n);
	if (bsort_finish(b, 2, emit, &s, err, sizeof(err)) < 0)
		good = 0;
	bsort_stats(b, st);
	bsort_free(b);
	struct triple *want = malloc((n ? n : 1) * sizeof(*want)), *got = malloc((n ? n : 1) * sizeof(*got));
	size_t nw = 0, ng = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i].s < NSETS)
			want[nw++] = in[i];
	for (size_t s2 = 0; s2 < NSETS; s2++) {
		for (size_t i = 0; i < s.n[s2] && ng < n; i++) {
			if (i && s.k[s2][2 * i] < s.k[s2][2 * i - 2])
				good = 0; /* not ascending */
			got[ng++] = (struct triple){ s.k[s2][2 * i], s2, s.k[s2][2 * i + 1] };
		}
		free(s.k[s2]);
	}
	qsort(want, nw, sizeof(*want), cmp_triple);
	qsort(got, ng, sizeof(*got), cmp_triple);
	good &= nw == ng && (!nw || !memcmp(want, got, nw * sizeof(*got))) && !s.overlap;
	free(want);
	free(got);
	pthread_mutex_destroy(&s.mu);
	return good;
}

int
main(void)
{
	struct bsort_stats st;
	size_t n = 600000;
	struct pair *in = malloc(n * sizeof(*in));

	for (size_t i = 0; i < n; i++)
		in[i] = (struct pair){ mix(i % 500000), mix(i * 7 + 1) % (NSETS + 2) };
	ok(check(in, n, 2, 2, 1ull << 30, &st), "600,000 pairs, 2 producers, 2 threads, in memory");
	is_int(st.spilled_blocks, 0, "... nothing spilled");
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		kept += in[i].s < NSETS;
	is_int(st.pairs, kept, "... every pair of a set counted, the others ignored");
	ok(check(in, n, 3, 2, 2u << 20, &st), "2 MiB: spilled (%lu blocks), every set right",
	   (unsigned long)st.spilled_blocks);
	ok(st.spilled_blocks > 0, "... it did spill");
	ok(check(in, n, 1, 3, 256u << 10, &st), "256 KiB, 1 producer, 3 threads");

	/* one key over and over, as a dump of one row repeated: compacted, not grown */
	for (size_t i = 0; i < n; i++)
		in[i] = (struct pair){ i % 1000 ? 42 : mix(i), i % 3 };
	ok(check(in, n, 2, 2, 256u << 10, &st), "600,000 pairs, nearly all one key, 256 KiB");

	/* keys in one bucket only (the highest byte the same) */
	for (size_t i = 0; i < n; i++)
		in[i] = (struct pair){ (0x7full << 56) | (mix(i) >> 8), mix(i) % NSETS };
	ok(check(in, n, 2, 2, 1u << 20, &st), "all keys in one bucket, 1 MiB: read in parts (%lu passes)",
	   (unsigned long)st.passes);
	ok(st.passes > 1, "... more passes than buckets");
	ok(st.split == 1, "... the bucket read once into its parts, not once a pass (%lu split)",
	   (unsigned long)st.split);

	/* keys alike but for their low 32 bits: no part can split them, xsort does */
	for (size_t i = 0; i < n; i++)
		in[i] = (struct pair){ (0x7full << 56) | (0x123456ull << 32) | (mix(i) & 0xffffffffu),
				       i % 3 };
	ok(check(in, n, 2, 2, 1u << 20, &st), "600,000 keys in one narrow range, 1 MiB: right");
	ok(st.external > 0, "... through the external sort (%lu units)", (unsigned long)st.external);

	{
		struct triple *t = malloc(n * sizeof(*t));
		for (size_t i = 0; i < n; i++)
			t[i] = (struct triple){ mix(i % 200000), mix(i + 5) % (NSETS + 1), i };
		ok(check_values(t, n, 1ull << 30, &st), "payloads: every pair, repeats too, in memory");
		ok(check_values(t, n, 2u << 20, &st), "payloads: spilled (%lu blocks)",
		   (unsigned long)st.spilled_blocks);
		/* one key for most pairs, as a dump of one row repeated: xsort, bounded */
		for (size_t i = 0; i < n; i++)
			t[i] = (struct triple){ i % 50 ? 42 : mix(i), i % 2, i };
		ok(check_values(t, n, 1u << 20, &st), "payloads: nearly all one key, 1 MiB: right");
		ok(st.external > 0, "... through the external sort (%lu units)", (unsigned long)st.external);

		/* packed spill (bsort.c: pack()), from the first block on */
		pack_after = 1;
		for (size_t i = 0; i < n; i++)
			t[i] = (struct triple){ mix(i % 200000), mix(i + 5) % (NSETS + 1), i };
		ok(check_values(t, n, 2u << 20, &st), "packed: random keys, spilled, every pair right");
		ok(st.packed_blocks > 0, "... %lu of %lu blocks packed", (unsigned long)st.packed_blocks,
		   (unsigned long)st.spilled_blocks);
		uint64_t raw = 0;
		for (size_t i = 0; i < n; i++)
			raw += t[i].s < NSETS;
		raw *= 17; /* bytes a pair with its payload, as it is */
		for (size_t i = 0; i < n; i++)
			t[i] = (struct triple){ i % 50 ? 42 : mix(i), i % 2, i };
		ok(check_values(t, n, 1u << 20, &st), "packed: nearly all one key, through xsort too, right");
		ok(st.packed_blocks > 0 && st.spilled_bytes * 4 < raw,
		   "... %lu blocks packed, %lu bytes where %lu as they are", (unsigned long)st.packed_blocks,
		   (unsigned long)st.spilled_bytes, (unsigned long)raw);
		for (size_t i = 0; i < n; i++)
			in[i] = (struct pair){ i % 1000 ? 42 : mix(i), i % 3 };
		ok(check(in, n, 2, 2, 256u << 10, &st), "packed, no payload: nearly all one key, right");
		ok(st.packed_blocks > 0, "... packed (%lu blocks)", (unsigned long)st.packed_blocks);
		for (size_t i = 0; i < n; i++)
			in[i] = (struct pair){ mix(i % 500000), mix(i * 7 + 1) % (NSETS + 2) };
		ok(check(in, n, 3, 2, 2u << 20, &st), "packed, no payload: random keys, right");
		pack_after = 0;
		check(in, n, 3, 2, 2u << 20, &st);
		is_int(st.packed_blocks, 0, "by default a small spill is not packed");

		/* bsort_drain(): every triple as added, by bucket, spilled and packed ones too */
		for (size_t i = 0; i < n; i++)
			t[i] = (struct triple){ i % 3 ? mix(i % 100000) : 42, mix(i + 9) % NSETS, i };
		char err[256];
		struct bsort_opts o = { .memory = 2u << 20, .tmpdir = "/tmp", .producers = 2, .nsets = NSETS,
					.with_values = 1, .pack_after = 1 };
		struct bsort *b = bsort_new(&o, err, sizeof(err));
		add_triples(b, t, n);
		struct drained dr = { malloc(n * sizeof(struct triple)), 0, n, 1 };
		int drc = bsort_drain(b, drain_sink, &dr, err, sizeof(err));
		bsort_stats(b, &st);
		bsort_free(b);
		qsort(t, n, sizeof(*t), cmp_triple);
		qsort(dr.v, dr.n, sizeof(*dr.v), cmp_triple);
		ok(drc == 0 && dr.n == n && !memcmp(t, dr.v, n * sizeof(*t)) && dr.by_bucket,
		   "drain: every triple once, bucket by bucket (%lu blocks spilled, %lu packed)",
		   (unsigned long)st.spilled_blocks, (unsigned long)st.packed_blocks);
		free(dr.v);
		free(t);
	}

	ok(check(in, 0, 2, 2, 1u << 20, &st), "no pairs at all");
	ok(check(in, 1, 1, 1, 1u << 20, &st), "one pair");

	/* the sink stops: the finish fails with an empty reason, no hang */
	{
		char err[256];
		struct bsort_opts o = { .memory = 1u << 20, .producers = 1, .nsets = NSETS };
		struct bsort *b = bsort_new(&o, err, sizeof(err));
		struct sink s;
		memset(&s, 0, sizeof(s));
		pthread_mutex_init(&s.mu, NULL);
		s.stop_after = 5;
		for (size_t i = 0; i < n; i += 100) {
			uint64_t kv[200];
			for (size_t j = 0; j < 100; j++) {
				kv[2 * j] = mix(i + j);
				kv[2 * j + 1] = (i + j) % NSETS;
			}
			bsort_add(b, 0, kv, 100);
		}
		int rc = bsort_finish(b, 2, emit, &s, err, sizeof(err));
		ok(rc == -1 && err[0] == '\0', "the sink stops it: -1, the reason the sink's");
		for (size_t s2 = 0; s2 < NSETS; s2++)
			free(s.k[s2]);
		bsort_free(b);
		pthread_mutex_destroy(&s.mu);
	}
	{
		char err[256];
		struct bsort_opts o = { .nsets = 0 };
		ok(!bsort_new(&o, err, sizeof(err)) && strstr(err, "sets"), "0 sets: refused");
	}
	free(in);
	return done_testing();
}
