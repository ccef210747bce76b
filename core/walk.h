/*
 * The walk over inputs that every reading engine runs: each path opened
 * (file, standard input, archive, compressed stream), each stream of it
 * given its reader, each record handed to the caller, each rejection
 * counted with its location, each lost input named. The walk never
 * prints: what a person should read comes out through the message hook,
 * one line at a time, in the order it happened; the front end decides
 * where it goes (cmd/ prefixes "dumptrace: " and writes it to stderr).
 */
#ifndef DT_WALK_H
#define DT_WALK_H

#include <stdint.h>
#include <stdio.h>

#include "core/record.h"
#include "formats/format.h"
#include "formats/source.h"

/* A type forced on a column by name (--type COLUMN=TYPE). */
struct walk_type {
	char *column;
	int type; /* enum dt_type */
};

/* How inputs are read, and where what the walk has to say goes. */
struct walk_opts {
	struct source_opts src;
	struct reader_opts rd;
	const struct walk_type *types; /* the caller's; read only */
	size_t ntypes;
	int quiet;	/* no per-record rejection messages */
	int silent;	/* no message at all (a second pass over the same inputs) */
	FILE *rejects;	/* rejected records, with their location, or NULL */
	/* One line to show a person (no prefix, no newline); NULL to drop them. */
	void (*message)(void *ctx, const char *msg);
	/* Bytes and records so far, every few thousand records; NULL for none. */
	void (*progress)(void *ctx, uint64_t bytes, uint64_t records);
	void *hook_ctx;
};

/* Defaults: the source's and reader's own, no hook. */
void walk_opts_init(struct walk_opts *o);

/* The type forced on a column by o->types, or 0 (DT_NONE). */
int walk_forced_type(const struct walk_opts *o, const char *name, size_t len);

/* Sends a formatted message through o's hook, unless o is silent. */
void walk_say(const struct walk_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the engine that walks wants to see. Every member may be NULL. */
struct walk_cb {
	void *ctx;
	/* A stream and its reader are open. */
	void (*begin)(void *ctx, struct source *src, struct reader *r);
	/* One parsed record; return -1 to stop the whole walk. */
	int (*record)(void *ctx, struct reader *r, const struct record *rec);
	/* One rejected record (r->last, r->raw), after it was counted. */
	void (*reject)(void *ctx, struct reader *r);
	/* The stream ended; failed when it was abandoned part way. */
	void (*end)(void *ctx, struct source *src, struct reader *r, int failed);
	/* An input or member could not be opened or read at all. */
	void (*input_error)(void *ctx, const char *name, const char *msg);
};

struct walk_totals {
	uint64_t paths, streams;
	uint64_t failed;  /* inputs or members lost, wholly or in part */
	uint64_t empty;	  /* streams with no bytes */
	uint64_t parsed, rejected;
	uint64_t bad_sequences; /* undecodable bytes replaced */
	uint64_t bytes;
	int stopped;	  /* a record callback stopped the walk */
};

/*
 * Walks paths[0..n) in order, filling t. Returns 0 when every input was
 * read whole and every record parsed, 1 when something was rejected, lost,
 * empty or undecodable (t says what).
 */
int walk_paths(const struct walk_opts *o, char **paths, int n, const struct walk_cb *cb,
	       struct walk_totals *t);

/* What walk_paths() returned, from its totals. */
int walk_status(const struct walk_totals *t);

#endif
