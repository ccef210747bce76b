/*
 * The engines driven through their API, as a server or a shard worker
 * would: the bundled sample family's five leaks ingested with
 * ingest_run(), the claimed dump analyzed with analyze_run(), and what
 * they give checked against the program itself (`dumptrace ingest
 * --json`, `dumptrace analyze --json --records`) byte for byte; then the
 * contract's other cases: a stop flag, an error as a value, an input that
 * cannot be read, a missing library.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analysis.h"
#include "core/analyze.h"
#include "core/dynbuf.h"
#include "core/ingest.h"
#include "core/keys.h"
#include "core/library.h"
#include "core/status.h"
#include "tests/unit/tap.h"

static const char *const leaks[] = { "voters_2019.csv", "shop_2020.sql", "clinic_2021.jsonl",
				     "telecom_2022.sql", "combo_2022.txt" };

/* The messages the engines sent, one per line. */
static struct dynbuf said;

static void
say(void *ctx, const char *msg)
{
	(void)ctx;
	dynbuf_printf(&said, "%s\n", msg);
}

static int
collect(void *ctx, const char *line, size_t len)
{
	return dynbuf_add(ctx, line, len) < 0 ? -1 : 0;
}

/* The whole output of a shell command, into b; its exit status. */
static int
run_cmd(struct dynbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int
run_cmd(struct dynbuf *b, const char *fmt, ...)
{
	char cmd[8192], buf[65536];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	dynbuf_reset(b);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		dynbuf_add(b, buf, n);
	return pclose(p);
}

/* A path into buf; one that does not fit ends the run (a cut path would name another file). */
static void
pathf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		printf("Bail out! path too long: %s...\n", buf);
		exit(1);
	}
}

static int
slurp(struct dynbuf *b, const char *path)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");
	dynbuf_reset(b);
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		dynbuf_add(b, buf, n);
	fclose(f);
	return 0;
}

static int
same(const struct dynbuf *a, const struct dynbuf *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->buf, b->buf, a->len));
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The value of "key": in a one-line JSON object, as a number. */
static long long
json_num(const struct dynbuf *b, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = b->buf ? strstr(dynbuf_str((struct dynbuf *)b), pat) : NULL;
	return p ? atoll(p + strlen(pat)) : -1;
}

static void
ingest_family(const char *top, const char *lib, struct walk_opts *in)
{
	char path[4096], name[64];
	for (size_t i = 0; i < sizeof(leaks) / sizeof(leaks[0]); i++) {
		struct ingest_opts o;
		struct ingest_result r;
		char *paths[1] = { path };
		pathf(path, sizeof(path), "%s/samples/family/%s", top, leaks[i]);
		snprintf(name, sizeof(name), "%.*s", (int)(strcspn(leaks[i], ".")), leaks[i]);
		ingest_opts_init(&o, in);
		o.library = lib;
		o.meta.name = name;
		o.meta.added_date = "2025-01-01";
		int st = ingest_run(&o, paths, 1, &r);
		is_int(st, DT_OK, "ingest_run '%s'", name);
		ok(r.records > 0 && r.records == r.walk.parsed + r.walk.rejected && r.sets > 0 && r.keys > 0,
		   "... %llu records, %zu sets, %llu keys", (unsigned long long)r.records, r.sets,
		   (unsigned long long)r.keys);
		is_str(r.library, lib, "... the library it names");
	}
}

/* ingest --json of the first leak into another library: the same counts as the API's. */
static void
ingest_like_cli(const char *dt, const char *top, const char *tmp, struct walk_opts *in)
{
	char lib[4096], path[4096];
	struct dynbuf out;
	struct ingest_opts o;
	struct ingest_result r;
	char *paths[1] = { path };
	dynbuf_init(&out, 1u << 24);
	pathf(path, sizeof(path), "%s/samples/family/%s", top, leaks[1]);
	pathf(lib, sizeof(lib), "%s/lib-api", tmp);
	ingest_opts_init(&o, in);
	/* one key for both, so that their sets' bytes can be compared */
	char kf[4200];
	unsigned char k[FP_KEY_SIZE];
	char err[1024];
	pathf(kf, sizeof(kf), "%s/shared.key", tmp);
	key_new(k);
	ok(key_write(kf, k, 0, err, sizeof(err)) == 0, "a key file for both (%s)", err);
	o.library = lib;
	o.key_file = kf;
	o.meta.name = "shop_2020";
	ok(ingest_run(&o, paths, 1, &r) == DT_OK, "ingest_run of shop_2020 alone");
	int rc = run_cmd(&out, "'%s' ingest -q --json --library '%s/lib-cli' --key-file '%s' --name shop_2020 '%s'",
			 dt, tmp, kf, path);
	is_int(rc, 0, "dumptrace ingest --json of the same");
	is_int(json_num(&out, "records"), r.records, "... records");
	is_int(json_num(&out, "rejected"), r.rejected, "... rejected");
	is_int(json_num(&out, "duplicates"), r.duplicates, "... duplicates");
	is_int(json_num(&out, "sets"), r.sets, "... sets");
	is_int(json_num(&out, "keys"), r.keys, "... keys");
	is_int(json_num(&out, "bytes"), r.bytes, "... bytes");
	is_int(json_num(&out, "sort_keys"), r.sort.pairs, "... sort_keys");
	dynbuf_release(&out);
}

static void
analyze_like_cli(const char *dt, const char *top, const char *tmp, const char *lib, struct walk_opts *in)
{
	char path[4096], recs[4096];
	struct analyze_opts o;
	struct findings F;
	struct dynbuf json, jsonl, out, file;
	char err[1024];
	char *paths[1] = { path };
	dynbuf_init(&json, 1u << 28);
	dynbuf_init(&jsonl, 1u << 28);
	dynbuf_init(&out, 1u << 28);
	dynbuf_init(&file, 1u << 28);
	pathf(path, sizeof(path), "%s/samples/family/claimed_2025.csv", top);
	pathf(recs, sizeof(recs), "%s/records.jsonl", tmp);
	analyze_opts_init(&o, in);
	o.library = lib;
	o.records = collect;
	o.records_ctx = &jsonl;
	int st = analyze_run(&o, paths, 1, &F, err, sizeof(err));
	is_int(st, DT_OK, "analyze_run of claimed_2025.csv");
	uint64_t sum = 0;
	for (int c = 0; c < RC_COUNT; c++)
		sum += F.status[c];
	ok(F.rows == F.parsed && sum == F.rows && F.nleaks == 5, "... %llu rows, each in one class, 5 leaks",
	   (unsigned long long)F.rows);
	is_str(F.label, "recompilation", "... its verdict");
	findings_json(&F, &json);
	dynbuf_addc(&json, '\n');
	int rc = run_cmd(&out, "'%s' analyze --library '%s' --json - --records '%s' '%s' 2>/dev/null", dt, lib,
			 recs, path);
	is_int(rc, 0, "dumptrace analyze --json");
	ok(json.len > 1000 && same(&json, &out), "... the findings' JSON is byte for byte the program's (%zu bytes)",
	   json.len);
	ok(slurp(&file, recs) == 0 && jsonl.len > 0 && same(&jsonl, &file),
	   "... and so are the records (%zu bytes)", jsonl.len);
	/* the text summary as the program prints it */
	dynbuf_reset(&json);
	findings_text(&F, &json);
	rc = run_cmd(&out, "'%s' analyze --library '%s' '%s' 2>/dev/null", dt, lib, path);
	ok(rc == 0 && same(&json, &out), "... and the text summary");
	findings_release(&F);

	/* CSV records */
	dynbuf_reset(&jsonl);
	o.records_csv = 1;
	st = analyze_run(&o, paths, 1, &F, err, sizeof(err));
	pathf(recs, sizeof(recs), "%s/records.csv", tmp);
	rc = run_cmd(&out, "'%s' analyze -q --library '%s' --json /dev/null --records '%s' --records-format csv '%s'",
		     dt, lib, recs, path);
	ok(st == DT_OK && rc == 0 && slurp(&file, recs) == 0 && same(&jsonl, &file),
	   "CSV records byte for byte the program's (%zu bytes)", jsonl.len);
	findings_release(&F);
	dynbuf_release(&json);
	dynbuf_release(&jsonl);
	dynbuf_release(&out);
	dynbuf_release(&file);
}

/* A stop, an error, a lost input, no library: each as the contract says. */
static void
contract(const char *top, const char *tmp, const char *lib, struct walk_opts *in)
{
	char path[4096], err[1024], other[4096];
	char *paths[1] = { path };
	struct analyze_opts o;
	struct ingest_opts io;
	struct ingest_result r;
	struct findings F;
	volatile sig_atomic_t stop = 1;

	pathf(path, sizeof(path), "%s/samples/family/control_2025.csv", top);
	analyze_opts_init(&o, in);
	o.library = lib;
	o.stop = &stop;
	is_int(analyze_run(&o, paths, 1, &F, err, sizeof(err)), DT_FATAL, "a stopped analysis fails");
	is_str(err, "interrupted", "... and says why");
	ok(F.nleaks == 0 && F.leaks == NULL, "... with no findings");

	ingest_opts_init(&io, in);
	io.library = lib;
	io.meta.name = "control";
	io.stop = &stop;
	is_int(ingest_run(&io, paths, 1, &r), DT_FATAL, "a stopped ingest fails");
	ok(strstr(r.err, "library unchanged: interrupted") != NULL, "... and says why: %s", r.err);

	io.stop = NULL;
	io.meta.name = "voters_2019";
	is_int(ingest_run(&io, paths, 1, &r), DT_FATAL, "a leak's name taken: an error");
	ok(strstr(r.err, "is already in library") != NULL, "... as a value: %s", r.err);

	o.stop = NULL;
	o.key_file = "/nonexistent/key";
	is_int(analyze_run(&o, paths, 1, &F, err, sizeof(err)), DT_FATAL, "a missing key file: an error");
	ok(strstr(err, "/nonexistent/key") != NULL, "... naming it: %s", err);

	o.key_file = NULL;
	pathf(path, sizeof(path), "%s/absent.csv", tmp);
	dynbuf_reset(&said);
	is_int(analyze_run(&o, paths, 1, &F, err, sizeof(err)), DT_OK, "an input that cannot be read: findings");
	ok(F.walk.failed == 1 && F.rows == 0, "... counted as a lost input");
	ok(said.len && strstr(dynbuf_str(&said), "absent.csv") != NULL, "... and named through the hook");
	findings_release(&F);

	pathf(path, sizeof(path), "%s/samples/family/control_2025.csv", top);
	pathf(other, sizeof(other), "%s/no-library", tmp);
	o.library = other;
	dynbuf_reset(&said);
	is_int(analyze_run(&o, paths, 1, &F, err, sizeof(err)), DT_OK, "no library: an empty one");
	ok(F.nleaks == 0 && F.status[RC_NEW] + F.status[RC_UNATTRIBUTED] == F.rows && F.rows > 0,
	   "... every row new or unattributed");
	ok(strstr(dynbuf_str(&said), "holds no known leak") != NULL, "... with a note");
	ok(access(other, F_OK) != 0, "... and none made");
	findings_release(&F);
}

/* rows from: alternating sources 0 and 1, then a block of source 2, then alternating again */
static void
segments_feed(struct segments *s, size_t *most)
{
	uint64_t row = 1;
	for (int i = 0; i < 5000; i++, row++)
		segments_add(s, row, i & 1, 1);
	for (int i = 0; i < 3000; i++, row++) {
		segments_add(s, row, 2, 1);
		*most = s->n > *most ? s->n : *most;
	}
	for (int i = 0; i < 5000; i++, row++) {
		segments_add(s, row, i & 1, i % 7 != 0); /* some unattributed */
		*most = s->n > *most ? s->n : *most;
	}
}

/* The runs' list stays within its cap whatever the dump, and the blocks come out as without one. */
static void
segments_bounded(void)
{
	struct segments all = { 0 }, capped = { 0 };
	size_t most_all = 0, most = 0;
	capped.cap = 64;
	capped.min_rows = 8;
	segments_feed(&all, &most_all);
	segments_feed(&capped, &most);
	ok(most_all > 5000, "segments: unbounded, a run a row when sources alternate (%zu)", most_all);
	ok(most <= 64, "... with a cap of 64, at most 64 held (%zu)", most);
	segments_smooth(&all, 8);
	segments_smooth(&capped, capped.min_rows);
	is_int(capped.n, all.n, "... the same runs after the last smoothing");
	int same = capped.n == all.n && !capped.raised;
	for (size_t i = 0; same && i < all.n; i++)
		same = !memcmp(&capped.v[i], &all.v[i], sizeof(all.v[i]));
	ok(same, "... run for run (the block of source 2 from row 5001 to 8000: %d)",
	   all.n > 1 ? (int)all.v[1].from : -1);
	segments_release(&all);
	segments_release(&capped);

	/* a length of one asked: it is raised, and said so */
	struct segments one = { 0 };
	one.cap = 64;
	one.min_rows = 1;
	most = 0;
	segments_feed(&one, &most);
	ok(most <= 64 && one.raised && one.min_rows > 1,
	   "segments: --segment-min 1 on alternating rows raised to %llu within the cap",
	   (unsigned long long)one.min_rows);
	segments_release(&one);
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR"), *dt = getenv("DUMPTRACE");
	char tmp[4096], lib[4200];
	const char *t = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	if (!top || !dt) {
		printf("1..0 # SKIP TOP_SRCDIR and DUMPTRACE are set by make check\n");
		return 0;
	}
	pathf(tmp, sizeof(tmp), "%s/dt-engines-XXXXXX", t);
	if (!mkdtemp(tmp)) {
		printf("Bail out! cannot create a directory in '%s': %s\n", t, strerror(errno));
		return 1;
	}
	pathf(lib, sizeof(lib), "%s/library", tmp);
	char keys[4200];
	pathf(keys, sizeof(keys), "%s/keys", tmp);
	setenv("DUMPTRACE_KEY_DIR", keys, 1); /* the libraries' keys go with them, not to ~/.config */
	dynbuf_init(&said, 1u << 24);
	segments_bounded();
	struct walk_opts in;
	walk_opts_init(&in);
	in.message = say;

	ingest_family(top, lib, &in);
	ingest_like_cli(dt, top, tmp, &in);
	analyze_like_cli(dt, top, tmp, lib, &in);
	contract(top, tmp, lib, &in);

	dynbuf_release(&said);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return done_testing();
}
