/*
 * The profile of a dump, gathered from its facts as they are made
 * (facts_seen_fn): per column the number of values and a bottom-k sketch
 * of their fingerprints (column lineage), per date column its range and
 * months, the birth years its IINs encode, its e-mail domains. Ingest
 * stores it in the catalog; the analysis compares it with the library's.
 * Nothing here keeps a value: dates become months, IINs years, e-mails
 * their domain.
 *
 * Each worker thread fills a profile of its own; profile_merge() adds them
 * up at the end.
 */
#ifndef DT_PROFILE_H
#define DT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/kmv.h"
#include "core/schema.h"

#define PROFILE_YEAR_MIN 1800
#define PROFILE_YEAR_MAX 2199
#define PROFILE_YEARS (PROFILE_YEAR_MAX - PROFILE_YEAR_MIN + 1)
#define PROFILE_DOMAINS_MAX 65536 /* distinct domains counted; later new ones are not */

struct profile_col {
	uint64_t values; /* facts made from the column */
	struct kmv sketch;
	uint64_t dates;	  /* values that were dates */
	uint32_t *months; /* PROFILE_YEARS * 12, allocated at the first date */
	int min, max;	  /* yyyymmdd of the dates; 0 when none */
	/* plausibility */
	uint64_t invalid;  /* non-empty values the column's type rejects */
	uint64_t checksum; /* twelve-digit national ids that fail the IIN checksum */
	uint64_t future;   /* dates after today */
	uint64_t ancient;  /* birth dates before 1900 */
};

/*
 * A domain is listed only with PROFILE_DOMAIN_PEOPLE distinct addresses or
 * more: a one-person domain (ivan@petrov.kz) names its person.
 */
#define PROFILE_DOMAIN_PEOPLE 5

struct profile_dom {
	char *name;
	uint64_t n;
	uint64_t who[PROFILE_DOMAIN_PEOPLE]; /* fingerprints of its first distinct addresses */
	unsigned nwho;
};

struct profile {
	struct profile_col **cols; /* [schema id] -> [column] */
	size_t *ncols;
	size_t nschemas;
	uint64_t years[PROFILE_YEARS]; /* birth years of the IINs */
	uint64_t iins;		       /* IINs with a birth date */
	struct profile_dom *dom;       /* open addressing, 2 * PROFILE_DOMAINS_MAX slots */
	size_t ndom;
	uint64_t dom_dropped; /* e-mails whose domain found no room */
	unsigned kmv_k;
	int today; /* yyyymmdd, for future dates */
};

void profile_init(struct profile *p, unsigned kmv_k);
void profile_release(struct profile *p);

/* Counts one fact (a facts_seen_fn with ctx = the profile). */
void profile_seen(void *ctx, const struct schema *s, const struct fact *f, const char *norm,
		  size_t len);

/* Counts a value its column's type rejects (a facts_bad_fn with ctx = the profile). */
void profile_bad(void *ctx, const struct schema *s, size_t col);

/* Adds src into dst (src is left as it was). */
void profile_merge(struct profile *dst, const struct profile *src);

/*
 * Saved profiles (a map step's, core/analyze.h): profile_save() appends p
 * to b (0, or -1 past b's cap); profile_load_merge() merges one read from
 * r into dst as profile_merge() would, its schema s counted as dst's
 * sid_map[s] (s below nmap). 0, or -1 with r->bad when r holds no profile.
 */
struct dynbuf;
struct wire_r;
int profile_save(struct profile *p, struct dynbuf *b);
int profile_load_merge(struct profile *dst, struct wire_r *r, const int *sid_map, size_t nmap);

/* The column's stats, or NULL when it made no fact. */
struct profile_col *profile_col(const struct profile *p, int schema, size_t col);

/*
 * The domains, most frequent first (ties by name), at most max of them:
 * pointers into p, valid until it changes. Returns how many.
 */
size_t profile_top_domains(const struct profile *p, const struct profile_dom **out, size_t max);

#endif
