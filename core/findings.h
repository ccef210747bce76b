/*
 * The findings of an analysis: what `analyze` found, as one model that
 * every report reads. The engine (core/analyze.h) fills it; the JSON
 * writer here is the published schema (README, "JSON"), the text writer
 * the terminal's summary, and the HTML page (core/report_html.h) is drawn
 * from the JSON, so that it can show nothing the JSON does not hold. The
 * model owns all its memory (names copied from the library and the
 * schemas), so it outlives the engine's run; it holds no personal data.
 */
#ifndef DT_FINDINGS_H
#define DT_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "core/analysis.h"
#include "core/dynbuf.h"
#include "core/profile.h"
#include "core/types.h"
#include "core/walk.h"

#define FINDINGS_EVIDENCE 10 /* evidence lines at most */
#define FINDINGS_COMBOS 32   /* combinations of leaks listed at most */

/* A known leak: what the library says of it, and what was found in it. */
struct findings_leak {
	char *name;
	char *title, *domain, *breach_date, *added_date; /* NULL when the library has none */
	uint64_t known_records; /* the library's record count */
	uint64_t rows;		/* rows with a fact found in it */
	uint64_t dominant;	/* rows it is the main source of */
	uint64_t ids[DT_TYPE_COUNT]; /* identifiers found in it, by type */
	uint64_t assocs, records;    /* association and record keys found */
	uint64_t nears;		     /* near keys that found a variation */
	uint64_t linked;	     /* rows without an identifier linked to one of its persons */
	int unreadable;
};

/* A column of the dump (of one table, for a SQL dump), in input order. */
struct findings_column {
	char *name; /* may hold any byte: name_len long */
	size_t name_len;
	char *table; /* NULL for a dump without tables */
	enum dt_type type;
	uint64_t values;    /* facts made from it */
	uint64_t found_any; /* of those, found in some leak */
	uint64_t found_near; /* of those, found only as a variation */
	uint64_t *found;    /* per leak, in library order */
	/* the known column whose values it contains most (a KMV estimate), or -1 */
	int lineage_leak;
	char *lineage_column;
	double lineage_containment;
	/* the profile's figures: valid values, those the type rejects, dates */
	int profiled;
	uint64_t valid, invalid;
	uint64_t dates;
	int date_min, date_max; /* yyyymmdd */
	uint32_t *months;	/* PROFILE_YEARS * 12 when dates, else NULL */
};

/* Rows whose facts come from exactly this set of leaks. */
struct findings_combo {
	uint64_t *leaks; /* a bit per leak, in library order */
	uint64_t rows;
};

struct findings {
	/* records read, and the dump's own repeats */
	uint64_t total, parsed, rejected;
	uint64_t dup_norm, dup_exact;
	uint64_t rows; /* rows analyzed (the parsed records) */
	uint64_t status[RC_COUNT];
	/*
	 * copies with variation: copied or merged rows with a fact that no
	 * leak holds as it is but one holds a variation of (core/near.h);
	 * the facts so found, and of them the identifiers (re-typed ones,
	 * found under the person's name and birth date)
	 */
	uint64_t varied, near_facts, retyped;
	/* rows without an identifier: with quasi-identifiers to link by, linked; the weakest link, the threshold */
	uint64_t linkable, linked;
	double link_min, link_threshold;

	/* the verdict */
	struct verdict_opts v;
	const char *label; /* static */
	double known;	   /* share of the rows with an identifier found in some leak */
	uint64_t with_id;
	char evidence[FINDINGS_EVIDENCE][256];
	int nevidence;

	struct findings_leak *leaks; /* in library order */
	size_t nleaks, words;	     /* words: of a bit set over the leaks */
	size_t *order;		     /* leak indexes, most rows first */
	struct findings_column *cols;
	size_t ncols;
	struct segments seg;
	/* the row-order strip: bins bands, each with rows by main source (the leaks, new, unattributed) */
	size_t bins;
	uint64_t *strip;
	struct findings_combo *combos; /* most rows first */
	size_t ncombos;

	/* plausibility */
	uint64_t values, invalid; /* non-empty typed values, and those their type rejects */
	uint64_t ids12, checksum; /* twelve-digit national ids, and those failing the IIN checksum */
	uint64_t dates, future, ancient;
	uint64_t hex;	    /* $HEX[] passwords */
	double domain_skew; /* total variation distance of the e-mail domains; -1 unknown */

	/*
	 * freshness, all yyyymmdd (0: none): the newest record-level date
	 * (created, updated, contract, visit...; never a birth date, never
	 * one after today), of all rows, of the known rows and of the new
	 * ones apart; the youngest person's birth date; the newest breach
	 * date among the leaks the rows come from (breach_leak: its index, or
	 * -1); current_as_of the latest of the record dates and that breach
	 */
	int latest, latest_known, latest_new;
	int youngest_birth;
	int newest_breach, breach_leak;
	int current_as_of;
	uint64_t birth_years[PROFILE_YEARS];

	/* the run */
	int problems; /* parts of the library that could not be read */
	struct walk_totals walk;
	char library_id[33]; /* the library's random id ("" without a library); nothing of its key */
	char library[4096];
};

/* The findings as one JSON object (no newline) appended to b. */
void findings_json(const struct findings *F, struct dynbuf *b);

/* The terminal's summary, appended to b; what came from the input escaped (core/safetext.h). */
void findings_text(const struct findings *F, struct dynbuf *b);

/* Frees what F holds; F can be filled again. */
void findings_release(struct findings *F);

#endif
