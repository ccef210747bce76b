/*
 * The analysis of a dump against the library (DESIGN.md, "The analysis"):
 * what each row is, given in which known leaks each of its facts was
 * found. The join itself (sorting the dump's keys, merging them with each
 * leak's sets) is driven by core/analyze.c; this module holds the rules:
 * a row's class and its dominant source, the segments, the verdict.
 *
 * Row classes:
 *   unattributed  no identifier (IIN, e-mail, phone, passport, user name);
 *   new           identifiers, none of them in a known leak;
 *   updated       a known identifier, and a fact in no known leak (a birth
 *                 date that merely repeats the IIN's does not count);
 *   copied        every fact in one and the same known leak;
 *   merged        every fact known, but no single leak holds them all.
 */
#ifndef DT_ANALYSIS_H
#define DT_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

enum row_class { RC_COPIED, RC_MERGED, RC_UPDATED, RC_NEW, RC_UNATTRIBUTED, RC_COUNT };

const char *analysis_class_name(enum row_class c);

#define AF_DERIVED 0x2 /* a birth date that agrees with the row's IIN */

/* One fact of a row and the leaks it was found in (a bit set over the leaks). */
struct arow_fact {
	uint8_t type, flags;
	uint16_t col;
	uint64_t *src; /* words bits, one per leak */
};

struct arow {
	uint64_t row; /* from 1, input order */
	size_t nfacts;
	struct arow_fact *f;
	uint64_t *record; /* leaks holding the very record */
	size_t words;	  /* per bit set */
	int linked;	  /* no identifier, but linked to a known person (core/link.h) */
	int linkable;	  /* no identifier, but quasi-identifiers to link through */
};

/*
 * Classifies a row. *dominant is the leak the row most likely comes from
 * (copied: the leak holding all its facts, preferring one that holds the
 * record itself; merged and updated: the leak holding most of its facts;
 * -1 for new and unattributed rows); among equals, prefer (the previous
 * row's source, or -1) wins, so that a block copied from one leak is not
 * broken up by rows that another leak holds too. scratch holds words
 * words.
 */
enum row_class analysis_classify(const struct arow *r, uint64_t *scratch, int *dominant,
				 int prefer);

/* A run of rows with one dominant source (-1: rows in no known leak). */
struct segment {
	uint64_t from, to; /* rows, inclusive */
	int source;
	uint64_t rows, agreeing; /* rows in the run, and those whose own source is the run's */
};

/*
 * The runs of a dump, in bounded memory: when the list reaches cap runs
 * (rows whose sources alternate make a run a row), the closed runs are
 * smoothed with min_rows at once, and while that leaves more than half of
 * cap, with twice min_rows, and so on (raised); min_rows then says the
 * length the final smoothing must use too. cap 0: no bound (the tests of smoothing).
 */
struct segments {
	struct segment *v;
	size_t n, alloc, cap;
	uint64_t min_rows;
	int raised; /* min_rows was doubled to stay within cap */
};

/* Adds a row's dominant source (rows without one, unattributed, continue the current run). */
void segments_add(struct segments *s, uint64_t row, int source, int has_source);

/*
 * Merges runs shorter than min_rows into their neighbours (a few merged or
 * updated rows inside a block copied from one leak are noise, not a
 * block of their own), then joins neighbours with the same source.
 */
void segments_smooth(struct segments *s, uint64_t min_rows);
void segments_release(struct segments *s);

/* The verdict's thresholds, on the share of rows with an identifier that are known. */
struct verdict_opts {
	double recompilation; /* at least this known: "recompilation" (default 0.8) */
	double partial;	      /* at least this known: "partial", below: "new" (default 0.2) */
};

const char *analysis_verdict(const struct verdict_opts *o, double known_fraction);

#endif
