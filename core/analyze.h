/*
 * The analysis engine: is this dump new, or a recompilation of known
 * leaks? (DESIGN.md, "The analysis".)
 *
 * 1. The dump is read as ingest reads a leak: typed, normalized, turned
 *    into facts and keys (core/facts.h) by worker threads. Each row's
 *    summary (its schema, facts, non-empty columns) goes in input order
 *    to a spill file; each key, with its set, row and facts, to the
 *    bucketed sort of core/bsort.h.
 * 2. The sort gives each set's keys back in ascending order, bucket by
 *    bucket, on both threads (repeated record keys are counted on the
 *    way: the dump's own duplicates).
 * 3. Each chunk of a set's keys is joined with every known leak's set of
 *    that kind, block by block (fpset_join): every hit, (row, facts,
 *    leak), goes to a second sorter, keyed by row. The near keys (the
 *    variations of a fact, core/near.h) wait in a spill file of their own
 *    (16 bytes a key) and are joined after, only for the facts this join
 *    did not find as they are (a byte a row marks them, when it fits in a
 *    quarter of the budget); then the quasi-identifier candidates of the
 *    rows without an identifier (core/link.h).
 * 4. The rows are read back in order beside their hits and classified
 *    (core/analysis.h); counts, sources per field, segments and the
 *    per-row records come out of that one pass.
 * 5. The findings (core/findings.h): the verdict and its evidence,
 *    lineage, plausibility, freshness.
 * Memory stays bounded: everything that grows with the dump is sorted
 * with spill or streamed from a file. The engine prints nothing and never
 * exits: messages go through the walk's hook (o->in), the per-row
 * records through o->records, a failure comes back as DT_FATAL.
 */
#ifndef DT_ANALYZE_H
#define DT_ANALYZE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/analysis.h"
#include "core/findings.h"
#include "core/walk.h"

struct analyze_opts {
	const char *library;  /* its path, or NULL for the default (library_locate()) */
	const char *key_file; /* the library's secret key, or NULL for the default key */
	const char *region;   /* phone region, NULL for the default */
	const char *tmpdir;   /* where spill files go */
	uint64_t memory;      /* budget for the sorts, at least 4 MiB */
	unsigned threads;     /* workers; 0 for every core */
	struct verdict_opts v;
	uint64_t segment_min; /* shortest segment kept; 0: one row in 10,000, at least 8 */
	double link_threshold; /* bits a quasi-identifier link must weigh (core/link.h) */
	/*
	 * The per-row records: each line (newline included; a CSV's header
	 * first) handed to records, which returns 0, or -1 to fail the run
	 * with errno's reason. NULL: none made.
	 */
	int (*records)(void *ctx, const char *line, size_t len);
	void *records_ctx;
	int records_csv; /* CSV, one column per dump column; else JSON Lines */
	int show_values; /* the rows' values in the JSON Lines: PERSONAL DATA */
	const struct walk_opts *in; /* how the dump is read; its hook gets the messages */
	/* Set to stop (a signal handler): checked at every record, set and row. NULL: never. */
	volatile sig_atomic_t *stop;
	/*
	 * The joins as reduce steps, one a shard of the library (see
	 * "Shuffle and reduce" below): their files in work_dir, each round's
	 * steps run by reduce(), which returns when they have ended (0), or
	 * -1 with the reason in err; the steps that left no result are run
	 * again up to retries times. NULL work_dir: every join in this process.
	 */
	const char *work_dir;
	int (*reduce)(void *ctx, const char *work_dir, unsigned round, const unsigned *shards, size_t n,
		      char *err, size_t errlen);
	void *reduce_ctx;
	unsigned retries;
	/*
	 * The reading as map steps over input splits (see "Map steps"
	 * below): with work_dir, a library and splits above 1, paths[] in up
	 * to that many contiguous splits, each read by a step map() runs
	 * (like reduce(): 0 when they have ended, or -1 with the reason in
	 * err), again for those that left no result, up to retries times.
	 */
	unsigned splits;
	int (*map)(void *ctx, const char *work_dir, const unsigned *splits, size_t n, char *err, size_t errlen);
	void *map_ctx;
};

/* Defaults: 1 GiB, $TMPDIR or /tmp, every core, thresholds 0.8 and 0.2, links LINK_THRESHOLD. */
void analyze_opts_init(struct analyze_opts *o, const struct walk_opts *in);

/*
 * Analyzes the dump paths[0..npaths) against the library. DT_OK with the
 * findings in F (the caller releases them with findings_release()), or
 * DT_FATAL with the reason in err and F empty. A missing library is an
 * empty one (every row new); a leak or set that cannot be read is left
 * out, named through the message hook and counted in F->problems.
 */
int analyze_run(const struct analyze_opts *o, char **paths, int npaths, struct findings *F,
		char *err, size_t errlen);

/*
 * Shuffle and reduce. With o->work_dir, each of the three rounds of joins
 * (the exact keys, the near keys, the quasi-identifiers' persons) goes
 * over the library's shards: this process writes the round's keys, split
 * by the shard their highest byte falls in, to WORK/rR.in.S (the map
 * side: what the workers made), and the job (the library, its key file,
 * the leaks as this process saw them, the rows) to WORK/job; one reduce
 * step a shard, anywhere the work directory and that shard are seen
 * (analyze_reduce()), sorts its keys, joins them with its shard's part of
 * each set and writes the hits, the quasi-identifier candidates, the
 * rows' exact facts and its counts to WORK/rR.*.S, then WORK/rR.done.S;
 * this process reads them back as its own joins' and goes on. A join of a
 * key needs only the shard the key is in, so the results are those of
 * one process, byte for byte. An unsharded library is one shard.
 */
struct reduce_opts {
	const char *work_dir;
	unsigned round, shard;
	const char *tmpdir;
	uint64_t memory;
	unsigned threads;
	const struct walk_opts *in; /* its hook gets the messages */
	volatile sig_atomic_t *stop;
};

/* One reduce step. DT_OK, or DT_FATAL with the reason in err (no done marker then). */
int analyze_reduce(const struct reduce_opts *o, char *err, size_t errlen);

/*
 * Map steps. With o->splits above 1 (and o->work_dir and a library), the
 * analyzing process does not read the dump itself: it cuts paths[] into
 * contiguous splits of about equal bytes (a path is not cut: give a
 * directory's files, not the directory, to spread it) and writes them to
 * WORK/splits. Each map step (analyze_map(), anywhere the work directory,
 * the inputs and the library's catalog and key are seen) reads its split
 * as the analysis would, and writes its rows' summaries (WORK/mK.rows),
 * its deferred near keys (mK.near), its keys split by shard (mK.in.S,
 * round 1's input to the reduce steps beside rR.in.S), and what the
 * analysis needs to go on (mK.meta: its schemas, profile, quasi-identifier
 * frequencies and counts), then mK.done. The analyzing process reads the
 * splits back in order, numbering their rows after the splits before, and
 * goes on as if it had read them itself.
 *
 * A stream shares the schema of the stream before it when its first
 * record has that schema's columns (core/schema.h); a split's first
 * stream cannot see the split before it. When it should have shared and
 * its own typing came out different (columns or types), its step is run
 * again with that schema given (WORK/mK.seed); most compilations type
 * each part the same way, so the steps run at once and a second run is
 * rare. The results are those of one process, byte for byte.
 */
int analyze_map(const struct analyze_opts *o, char **paths, int npaths, unsigned split, char *err,
		size_t errlen);

#endif
