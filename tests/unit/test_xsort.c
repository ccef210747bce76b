/* The external sort: against qsort(), spilled or not, with and without payloads. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/xsort.h"
#include "tests/unit/tap.h"

struct pair {
	uint64_t k, v;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

/*
 * Sorts in[0..n) with xsort and compares with qsort; with unique, against
 * the first of each run of equal keys (the smallest payload, as qsort
 * orders by payload too). Without values, payloads must come out 0.
 */
static int
check(struct pair *in, size_t n, int with_values, int unique, uint64_t memory, unsigned threads,
      struct xsort_stats *st)
{
	char err[256];
	struct xsort_opts o = {
	    .memory = memory, .tmpdir = "/tmp", .with_values = with_values, .threads = threads};
	struct xsort *s = xsort_new(&o, err, sizeof(err));
	struct pair *want = malloc((n ? n : 1) * sizeof(*want));
	size_t nw = 0, i = 0;
	uint64_t k, v;
	int good = 1, rc;

	if (!s)
		return 0;
	for (size_t j = 0; j < n; j++) {
		if (!with_values)
			in[j].v = 0;
		if (xsort_add(s, in[j].k, in[j].v) < 0)
			good = 0;
	}
	good &= xsort_count(s) == n;
	if (xsort_finish(s, unique, err, sizeof(err)) < 0) {
		printf("# %s\n", err);
		good = 0;
	}
	for (size_t j = 0; j < n; j++)
		want[j] = in[j];
	qsort(want, n, sizeof(*want), cmp_pair);
	for (size_t j = 0; j < n; j++)
		if (!unique || !nw || want[j].k != want[nw - 1].k)
			want[nw++] = want[j];
	while (good && (rc = xsort_next(s, &k, &v)) > 0) {
		/* equal keys may come in any order of payload without unique */
		if (i >= nw || k != want[i].k || (unique && v != want[i].v))
			good = 0;
		if (!with_values && v != 0)
			good = 0;
		i++;
	}
	if (good && (rc < 0 || i != nw))
		good = 0;
	if (st)
		xsort_stats(s, st);
	xsort_free(s);
	free(want);
	return good;
}

static struct pair *
make(size_t n, uint64_t mod)
{
	struct pair *p = malloc((n ? n : 1) * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		p[i].k = mod ? next_rand() % mod : next_rand();
		p[i].v = next_rand() % 1000;
	}
	return p;
}

int
main(void)
{
	struct xsort_stats st;
	struct pair *p;

	p = make(200000, 0);
	ok(check(p, 200000, 0, 0, 64u << 20, 2, &st), "random keys, in memory");
	is_int(st.runs, 0, "in memory: no run written");
	ok(check(p, 200000, 1, 0, 64u << 20, 2, NULL), "random pairs, in memory");
	ok(check(p, 200000, 1, 0, 64u << 20, 1, NULL), "random pairs, one thread");
	free(p);

	p = make(1000000, 0);
	ok(check(p, 1000000, 0, 0, 1u << 20, 2, &st), "a million keys, 1 MiB budget");
	ok(st.runs >= 10, "spilled into several runs (%llu)", (unsigned long long)st.runs);
	ok(st.merge_passes > 0, "with merge passes (%u)", st.merge_passes);
	ok(check(p, 1000000, 1, 0, 1u << 20, 2, &st), "a million pairs, 1 MiB budget");
	ok(st.runs >= 10, "pairs spilled (%llu runs)", (unsigned long long)st.runs);
	ok(check(p, 1000000, 1, 0, 16u << 20, 2, &st), "a million pairs, 16 MiB budget");
	ok(st.runs > 0 && st.merge_passes == 0, "runs and memory merged at once");
	free(p);

	p = make(300000, 5000);
	ok(check(p, 300000, 1, 1, 64u << 20, 2, NULL), "duplicates, unique, in memory");
	ok(check(p, 300000, 1, 1, 1u << 20, 2, NULL), "duplicates, unique, spilled");
	ok(check(p, 300000, 0, 1, 1u << 20, 2, NULL), "duplicate keys, unique, spilled");
	ok(check(p, 300000, 1, 0, 1u << 20, 2, NULL), "duplicates kept, spilled");
	free(p);

	ok(check(NULL, 0, 0, 0, 0, 2, &st), "empty input");
	ok(check(NULL, 0, 1, 1, 0, 2, NULL), "empty input, unique pairs");
	p = make(1, 0);
	ok(check(p, 1, 1, 0, 0, 2, NULL), "one key");
	free(p);

	p = make(200000, 1);
	ok(check(p, 200000, 1, 0, 1u << 20, 2, NULL), "all keys equal, spilled");
	ok(check(p, 200000, 1, 1, 1u << 20, 2, NULL),
	   "all keys equal, unique: the smallest payload");
	free(p);

	p = make(100000, 0);
	for (size_t i = 0; i < 100000; i += 3)
		p[i].k = i % 2 ? UINT64_MAX : 0;
	ok(check(p, 100000, 1, 1, 1u << 20, 2, NULL), "keys 0 and UINT64_MAX");
	ok(check(p, 100000, 0, 0, 64u << 20, 2, NULL), "keys 0 and UINT64_MAX, in memory");
	free(p);

	/* add_many and the in-memory radix sort */
	{
		char err[256];
		struct xsort_opts o = {.memory = 1u << 20, .tmpdir = "/tmp"};
		struct xsort *s = xsort_new(&o, err, sizeof(err));
		size_t n = 500000;
		uint64_t *a = malloc(n * sizeof(*a)), *t = malloc(n * sizeof(*a)), k, prev = 0;
		for (size_t i = 0; i < n; i++)
			a[i] = next_rand() >> (i % 40);
		xsort_add_many(s, a, n);
		xsort_finish(s, 0, err, sizeof(err));
		size_t got = 0;
		int asc = 1;
		while (xsort_next(s, &k, NULL) > 0) {
			if (got++ && k < prev)
				asc = 0;
			prev = k;
		}
		ok(asc && got == n, "add_many, spilled: all keys, ascending");
		ok(xsort_add(s, 1, 0) == -1 && xsort_finish(s, 0, err, sizeof(err)) == -1,
		   "no adding or finishing after finishing");
		xsort_free(s);
		/* batch reads, in memory (one source) and spilled, against xsort_next() */
		for (int mode = 0; mode < 3; mode++) {
			int spill = mode > 0, uniq = mode == 1;
			struct xsort *s1, *s2;
			o.memory = spill ? 1u << 20 : 64u << 20;
			o.with_values = 1;
			s1 = xsort_new(&o, err, sizeof(err));
			s2 = xsort_new(&o, err, sizeof(err));
			for (size_t i = 0; i < n; i++) {
				uint64_t key =
				    i % 5 ? a[i] % 100000 : UINT64_MAX; /* ties at the top */
				xsort_add(s1, key, i);
				xsort_add(s2, key, i);
			}
			xsort_finish(s1, uniq, err, sizeof(err));
			xsort_finish(s2, uniq, err, sizeof(err));
			uint64_t kb[777], vb[777], k2, v2;
			int64_t r;
			int same = 1, tops = 0;
			size_t total = 0;
			while ((r = xsort_read(s1, kb, vb, 777)) > 0)
				for (int64_t i = 0; i < r; i++, total++)
					if (xsort_next(s2, &k2, &v2) != 1 || k2 != kb[i] ||
					    (uniq && v2 != vb[i]))
						same = 0;
					else
						tops += k2 == UINT64_MAX;
			ok(same && r == 0 && xsort_next(s2, &k2, &v2) == 0 && total > 0 &&
			       tops == (uniq ? 1 : (int)(n / 5)),
			   "xsort_read() gives what xsort_next() does (%s)",
			   mode == 0 ? "in memory"
			   : uniq    ? "spilled, unique"
			             : "spilled");
			xsort_free(s1);
			xsort_free(s2);
		}
		xsort_radix(a, t, n);
		asc = 1;
		for (size_t i = 1; i < n; i++)
			if (a[i] < a[i - 1])
				asc = 0;
		ok(asc, "xsort_radix sorts in place");
		free(a);
		free(t);
	}
	{
		char err[256] = "";
		struct xsort_opts o = {.tmpdir = "/nonexistent/dir"};
		ok(xsort_new(&o, err, sizeof(err)) == NULL && strstr(err, "'/nonexistent/dir'"),
		   "an unusable tmpdir is an error naming it");
	}
	return done_testing();
}
