/*
 * The dedup engine: first occurrence in any arrival order, spilling; and
 * dedup_run() through its API, lines and records into memory sinks, its
 * failures as values.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/dedup.h"
#include "core/dedup_run.h"
#include "core/dynbuf.h"
#include "core/status.h"
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

/* A sink into memory that counts its calls and can be made to fail; zeroed before first use. */
struct mem {
	struct dynbuf b;
	int opens, writes_after_close, closes, fail_open, fail_write;
};

static int
mem_open(void *ctx)
{
	struct mem *m = ctx;
	m->opens++;
	if (m->fail_open) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

static int
mem_write(void *ctx, const char *p, size_t n)
{
	struct mem *m = ctx;
	if (m->closes || !m->opens)
		m->writes_after_close++;
	if (m->fail_write) {
		errno = ENOSPC;
		return -1;
	}
	dynbuf_add(&m->b, p, n);
	return 0;
}

static int
mem_close(void *ctx)
{
	struct mem *m = ctx;
	m->closes++;
	return 0;
}

static void
mem_sink(struct dedup_run_sink *s, struct mem *m, const char *name)
{
	dynbuf_release(&m->b); /* from the last run */
	memset(m, 0, sizeof(*m));
	dynbuf_init(&m->b, 1u << 20);
	*s = (struct dedup_run_sink){ name, mem_open, mem_write, mem_close, m };
}

static char said[4096];

static void
hear(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(said + strlen(said), sizeof(said) - strlen(said), "%s\n", msg);
}

static void
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* The engine on paths, kept and removed lines or records into memory. */
static int
engine(struct dedup_run_opts *o, struct walk_opts *in, char **paths, int n, struct mem *out,
       struct mem *dups, struct dedup_run_result *r)
{
	static struct dedup_run_sink so, sd;
	mem_sink(&so, out, "kept");
	mem_sink(&sd, dups, "removed");
	o->out = &so;
	o->dups = &sd;
	o->threads = 2;
	o->memory = 16u << 20;
	said[0] = 0;
	in->message = hear;
	return dedup_run(o, paths, n, r);
}

static void
test_engine(void)
{
	char dir[] = "/tmp/test_dedup-XXXXXX", a[64], b[64], c[64], missing[64];
	struct walk_opts in;
	struct dedup_run_opts o;
	struct dedup_run_result r;
	struct mem out = { 0 }, dups = { 0 };

	if (!mkdtemp(dir)) {
		ok(0, "a temporary directory");
		return;
	}
	snprintf(a, sizeof(a), "%s/a.txt", dir);
	snprintf(b, sizeof(b), "%s/b.txt", dir);
	snprintf(c, sizeof(c), "%s/c.csv", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	put_file(a, "x\r\ny\nx\nz\n");
	put_file(b, "y\nw\nno-newline");
	put_file(c, "name,email\nAnna,anna@mail.kz\nBob,bob@mail.kz\nAnna, ANNA@MAIL.KZ \n");

	/* line mode: two files as one, CRLF and LF the same line, a last line given its LF */
	walk_opts_init(&in);
	dedup_run_opts_init(&o, &in);
	o.lines = 1;
	char *p1[] = { a, b };
	is_int(engine(&o, &in, p1, 2, &out, &dups, &r), DT_OK, "lines: DT_OK");
	is_str(dynbuf_str(&out.b), "x\r\ny\nz\nw\nno-newline\n", "lines: the kept lines, in order");
	is_str(dynbuf_str(&dups.b), "x\ny\n", "lines: the removed ones");
	ok(r.records_in == 7 && r.dedup.unique == 5 && r.dedup.duplicates == 2,
	   "lines: the counts");
	is_int(r.bytes_out, out.b.len, "lines: bytes_out");
	ok(!r.incomplete && r.walk.streams == 2, "lines: complete, two streams");
	ok(out.opens == 1 && out.closes == 1 && !out.writes_after_close && dups.closes == 1,
	   "lines: each sink opened once, written in between, closed once");

	/* a lost input is told through the hook and counted; the rest goes on */
	char *p2[] = { missing, a };
	is_int(engine(&o, &in, p2, 2, &out, &dups, &r), DT_OK, "lines, a missing input: DT_OK");
	ok(r.incomplete && r.walk.failed == 1, "lines, a missing input: incomplete, one lost");
	ok(strstr(said, "cannot open") && strstr(said, "missing"), "lines, a missing input: told");
	is_int(r.dedup.unique, 3, "lines, a missing input: the other read");

	/* failures are values: nothing opened before the first pass is done */
	o.tmpdir = missing;
	is_int(engine(&o, &in, p1, 2, &out, &dups, &r), DT_FATAL, "bad tmpdir: DT_FATAL");
	ok(strstr(r.err, "cannot create") != NULL, "bad tmpdir: the reason");
	is_int(out.opens + dups.opens, 0, "bad tmpdir: no output opened");
	dedup_run_opts_init(&o, &in);
	o.lines = 1;
	static struct dedup_run_sink so, sd;
	mem_sink(&so, &out, "kept");
	mem_sink(&sd, &dups, "removed");
	dups.fail_open = 1;
	o.out = &so;
	o.dups = &sd;
	is_int(dedup_run(&o, p1, 2, &r), DT_FATAL, "an output that cannot be opened: DT_FATAL");
	is_str(r.err, "cannot open 'removed' for writing: Permission denied",
	       "... named in the reason");
	ok(out.opens == 1 && out.closes == 1, "... the output opened before it closed again");
	mem_sink(&sd, &dups, "removed");
	mem_sink(&so, &out, "kept");
	out.fail_write = 1;
	is_int(dedup_run(&o, p1, 2, &r), DT_FATAL, "a write error: DT_FATAL");
	is_str(r.err, "cannot write 'kept': No space left on device", "... named in the reason");
	ok(out.closes == 1 && dups.closes == 1, "... both outputs closed");

	/* record mode: values compared after normalization, the output as the input (CSV) */
	walk_opts_init(&in);
	dedup_run_opts_init(&o, &in);
	char *p3[] = { c };
	is_int(engine(&o, &in, p3, 1, &out, &dups, &r), DT_OK, "records: DT_OK");
	is_str(dynbuf_str(&out.b), "name,email\nAnna,anna@mail.kz\nBob,bob@mail.kz\n",
	       "records: the kept ones, as CSV");
	is_str(dynbuf_str(&dups.b), "name,email\nAnna,ANNA@MAIL.KZ\n",
	       "records: the removed one (as the reader trimmed it)");
	ok(r.records_in == 3 && r.dedup.duplicates == 1 && !r.incomplete, "records: the counts");
	char *key[] = { "email" };
	o.keys = key;
	o.nkeys = 1;
	o.out_csv = 0;
	put_file(c, "name,email\nAnna,anna@mail.kz\nAnn,ANNA@mail.kz\n");
	is_int(engine(&o, &in, p3, 1, &out, &dups, &r), DT_OK, "records, one key: DT_OK");
	ok(strstr(dynbuf_str(&out.b), "\"name\":\"Anna\"") && !strstr(dynbuf_str(&out.b), "Ann\""),
	   "records, one key: the other columns not compared; JSON Lines");
	is_int(r.dedup.duplicates, 1, "records, one key: one removed");
	o.key_file = missing;
	is_int(engine(&o, &in, p3, 1, &out, &dups, &r), DT_FATAL, "a missing key file: DT_FATAL");
	ok(strstr(r.err, "key file") != NULL && out.opens == 0, "... the reason, nothing opened");

	dynbuf_release(&out.b);
	dynbuf_release(&dups.b);
	unlink(a);
	unlink(b);
	unlink(c);
	rmdir(dir);
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
	test_engine();
	return done_testing();
}
