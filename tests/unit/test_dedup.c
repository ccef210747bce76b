/* The dedup engine: first occurrence in any arrival order, spilling. */
#include "config.h"

#include <stdlib.h>

#include "core/dedup.h"
#include "tests/unit/tap.h"

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* Adds n keys (key i is value i % distinct), in the given order of seq. */
static int
run(uint64_t n, uint64_t distinct, int reversed, uint64_t memory, struct dedup_stats *st, int *first_ok)
{
	char err[256];
	struct dedup_opts o = { .threads = 2, .memory = memory, .tmpdir = "/tmp", .expect_keys = n };
	struct dedup *d = dedup_new(&o, err, sizeof(err));
	if (!d)
		return -1;
	for (uint64_t k = 0; k < n; k++) {
		uint64_t seq = reversed ? n - 1 - k : k;
		uint64_t v = seq % distinct;
		dedup_add_fp(d, seq, mix(v), mix(v + 0x1234567));
	}
	if (dedup_finish(d, st, err, sizeof(err)) < 0)
		return -1;
	*first_ok = 1;
	for (uint64_t seq = 0; seq < n; seq++)
		if (dedup_is_dup(d, seq) != (seq >= distinct))
			*first_ok = 0;
	dedup_free(d);
	return 0;
}

int
main(void)
{
	struct dedup_stats st;
	int first;

	ok(run(100000, 30000, 0, 64u << 20, &st, &first) == 0, "in order: runs");
	is_int(st.unique, 30000, "in order: unique");
	is_int(st.duplicates, 70000, "in order: duplicates");
	ok(first, "in order: the first occurrence of each is kept");
	ok(run(100000, 30000, 1, 64u << 20, &st, &first) == 0, "reversed: runs");
	ok(first, "reversed arrival: still the smallest number kept");
	ok(run(2000000, 700000, 0, 8u << 20, &st, &first) == 0, "8 MiB budget: runs");
	ok(st.spill_runs > 0, "8 MiB budget: spilled");
	is_int(st.unique, 700000, "spilled: unique");
	ok(first, "spilled: the first occurrence of each is kept");
	ok(run(0, 1, 0, 64u << 20, &st, &first) == 0 && st.keys == 0, "no keys at all");
	return done_testing();
}
