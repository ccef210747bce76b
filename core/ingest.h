/*
 * The ingest engine: a known leak into the library (DESIGN.md, "The
 * library"). Its records are parsed, typed, normalized and turned into
 * facts and keys (core/facts.h) by worker threads; the keys go, tagged
 * with their set, into a bucketed sort (core/bsort.h) that gives each
 * set's keys back in order to the leak's fingerprint sets (core/fpset.h),
 * several written at once in the library's staging directory. The profile
 * (schema, sketches, dates, domains) is gathered on the way, the input
 * files are hashed (SHA-256) by a thread of their own, and everything is
 * committed in one step (core/library.h): stopped at any instant, the
 * library is as before or fully updated.
 *
 * The engine prints nothing and never exits: what a person should read
 * goes through the walk's message hook (o->in), a failure comes back as
 * DT_FATAL with its reason in the result.
 */
#ifndef DT_INGEST_H
#define DT_INGEST_H

#include <signal.h>
#include <stdint.h>

#include "core/bsort.h"
#include "core/library.h"
#include "core/walk.h"

struct ingest_opts {
	const char *library; /* its path, or NULL for the default (library_locate()) */
	struct lib_leak meta; /* name (required) and HIBP fields; the caller's strings */
	int replace;	      /* replace a leak of the same name (else refuse) */
	int nowait;	      /* fail at once when another writer holds the library */
	int concurrent;	      /* let other ingests work beside this one (the commit waits) */
	const char *key_file; /* the key's file, or NULL for the library's (core/keys.h) */
	int key_nostore;      /* a new library's new key is not kept in the key directory */
	int private_lookup;   /* make the private sets (and the library's every ingest after) */
	const char *region;   /* phone region, NULL for the default */
	const char *tmpdir;   /* where spill files go */
	uint64_t memory;      /* budget for the sort and buffers, at least 1 MiB */
	unsigned threads;     /* workers; 0 for every core */
	const struct walk_opts *in; /* how inputs are read; its hook gets the messages */
	/*
	 * Set (by a signal handler, say) to stop: checked at every record
	 * and set, and by reads that wait for input when in->src.stop points
	 * at the same flag. NULL: never stopped.
	 */
	volatile sig_atomic_t *stop;
};

/* Defaults: 1 GiB, $TMPDIR or /tmp, every core, the default key and region. */
void ingest_opts_init(struct ingest_opts *o, const struct walk_opts *in);

struct ingest_result {
	char library[4096];	 /* the library's path */
	struct walk_totals walk; /* what was read */
	uint64_t records, rejected, duplicates;
	size_t sets;
	uint64_t keys, bytes;	 /* keys and bytes of the leak's sets */
	uint64_t joined;	 /* references between its tables followed (joins.h) */
	uint64_t joins_unindexed; /* rows of referenced tables past the memory budget: not joined */
	int private_lookup;	 /* its private sets were made */
	struct bsort_stats sort;
	double read_seconds;	 /* parse, type, fingerprint, sort runs */
	double write_seconds;	 /* the sets written */
	char err[5120];		 /* why, after DT_FATAL */
};

/*
 * Reads paths[0..npaths) as one leak and commits it to the library. DT_OK
 * when the leak was committed (res->walk says whether every input was
 * read whole and every record parsed), DT_FATAL when it was not: the
 * library is unchanged and res->err says why ("interrupted" after a stop).
 */
int ingest_run(const struct ingest_opts *o, char **paths, int npaths, struct ingest_result *res);

#endif
