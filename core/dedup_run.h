/*
 * The dedup engine: repeated lines or records removed from a set of
 * inputs taken together, the first occurrence kept, in input order, in
 * bounded memory, on every core. core/dedup.h finds the repeats among
 * fingerprints; this module feeds it and writes the result.
 *
 * Line mode (the job of rling, duplicut and awk '!seen[$0]++'): every
 * input becomes a regular file - a plain file is read where it lies;
 * standard input, compressed streams and archive members are copied once
 * to unlinked temporary files - whose lines core/dedup.c fingerprints.
 * A second sequential pass writes the kept lines to one output and the
 * repeats to another.
 *
 * Record mode: records are equal when their typed, normalized values are
 * equal. Each value's fingerprint is mixed with its type and with its
 * rank among the columns of that type (the second phone column stays
 * apart from the first), so column names and order do not matter, and
 * two dumps with the same columns under other names deduplicate together;
 * keys can limit the comparison to some columns. Pass one types each
 * stream's columns (core/schema.h) while worker threads fingerprint the
 * records; pass two reads the inputs again and writes each record, as CSV
 * or JSON Lines (core/recout.h). Standard input, read twice, is copied to
 * a temporary file first, removed before dedup_run() returns.
 *
 * The engine prints nothing and never exits: warnings (an input that
 * cannot be opened, a read error part way) go through the walk's message
 * hook (o->in), a failure comes back as DT_FATAL with its reason in the
 * result. It writes only through the sinks it is given.
 */
#ifndef DT_DEDUP_RUN_H
#define DT_DEDUP_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "core/dedup.h"
#include "core/walk.h"

/*
 * Where kept lines or records, or the removed ones, go: the caller's
 * functions on the caller's ctx. Each returns 0, or -1 with errno set,
 * and the engine's message names the sink: "cannot open 'NAME' for
 * writing: ..." for open, "cannot write 'NAME': ..." for write and close.
 */
struct dedup_run_sink {
	const char *name;
	/*
	 * Called once the first pass is done, before the first write, so a
	 * run that fails before leaves an existing file as it was. NULL:
	 * nothing to open.
	 */
	int (*open)(void *ctx);
	/* Writes n bytes whole; called with up to a few megabytes at a time. */
	int (*write)(void *ctx, const char *p, size_t n);
	/*
	 * Called once after the last write, or, after a failure, on a sink
	 * that was opened (its error then ignored). NULL: nothing to close.
	 */
	int (*close)(void *ctx);
	void *ctx;
};

struct dedup_run_opts {
	int lines;	      /* line mode; else record mode */
	/* record mode: the columns compared, by name or type name (the caller's); 0: all */
	char *const *keys;
	size_t nkeys;
	int out_csv;	      /* record mode: 1 CSV, 0 JSON Lines, -1 CSV if the first input is */
	const char *region;   /* phone region, NULL for the default */
	const char *key_file; /* the secret key's file, or NULL for the default key */
	const char *tmpdir;   /* where spill runs and copies of inputs go */
	uint64_t memory;      /* budget for the fingerprints, at least 1 MiB */
	unsigned threads;     /* workers; 0 for every core */
	const struct walk_opts *in; /* how inputs are read; its hook gets the messages */
	const struct dedup_run_sink *out;  /* the kept lines or records (required) */
	const struct dedup_run_sink *dups; /* the removed ones, or NULL to drop them */
};

/* Defaults: a quarter of the RAM, $TMPDIR or /tmp, every core, out_csv -1. */
void dedup_run_opts_init(struct dedup_run_opts *o, const struct walk_opts *in);

struct dedup_run_result {
	struct dedup_stats dedup; /* keys (lines or records), unique, duplicates, spill */
	/*
	 * Record mode: the first pass over the inputs. Line mode: paths,
	 * streams, bytes, and failed (inputs lost wholly or in part).
	 */
	struct walk_totals walk;
	uint64_t records_in; /* lines, or records parsed and rejected */
	uint64_t rejected;   /* records rejected (0 in line mode) */
	uint64_t bytes_out;  /* bytes written to out */
	int incomplete;	     /* something was rejected, lost, empty or undecodable */
	char err[8192];	     /* why, after DT_FATAL */
};

/*
 * Deduplicates paths[0..npaths) ("-" is standard input) together, as if
 * concatenated, writing to o->out and o->dups. DT_OK when done (res says
 * what was read and removed; res->incomplete whether every input was read
 * whole and every record parsed), or DT_FATAL with the reason in res->err
 * (the outputs may be short then). paths are read, never changed.
 */
int dedup_run(const struct dedup_run_opts *o, char **paths, int npaths,
	      struct dedup_run_result *res);

#endif
