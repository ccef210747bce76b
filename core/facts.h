/*
 * The facts of a record and their fingerprints: the "normalize" and
 * "fingerprint" steps of the pipeline (DESIGN.md, "Fingerprints"), shared
 * by ingest (which stores the keys in a leak's sets) and analyze (which
 * looks the same keys up), so both compute them the same way.
 *
 * A fact is one typed, normalized value of a record: an e-mail, a phone,
 * an IIN, a name... Values their type does not accept ("n/a" in a phone
 * column), text and number columns give no fact: they say nothing about
 * a person that another leak could confirm. A record with first, last
 * (and middle) name columns gets one composed full-name fact instead, so
 * that `Shakenov | Erlan` and `Шәкенов Ерлан Темірланұлы` are one name.
 *
 * From the facts come the library keys, each in one set:
 *   record   over all the record's facts (order and column names do not
 *            matter): "this very record is in leak X";
 *   value    one per fact whose type means something alone (not dates,
 *            cities, first names: types_is_low_entropy());
 *   assoc    one per pair (anchor, other fact), anchors being the
 *            identifiers (types_is_identifier()); a pair of two anchors
 *            once, the smaller type (then fingerprint) as the anchor;
 *   near     per anchor and attribute that may vary (names, cities,
 *            birth dates, addresses), the attribute's signatures under
 *            the anchor: under every anchor for a library (near_all),
 *            under the FACTS_NEAR_ANCHORS strongest for a lookup; and per
 *            identifier, its
 *            signature under the person's name and birth date (set type
 *            DT_BIRTH_DATE): core/near.h.
 */
#ifndef DT_FACTS_H
#define DT_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/dynbuf.h"
#include "core/fp.h"
#include "core/near.h"
#include "core/record.h"
#include "core/schema.h"

#define FACTS_MAX 64	     /* facts of one record past this are dropped */
#define FACTS_MAX_ANCHORS 8  /* anchors that make associations */
#define FACT_COMPOSED 0x1    /* a full name made of the name-part columns */
#define FACT_LOSSY 0x8       /* its raw value had letters lost to '?' or U+FFFD */
#define FACT_UNSURE 0x40    /* an IIN failing its checksum: maybe re-typed with a mistake */
#define FACT_NSIG(flags) (((flags) >> 4) & 3) /* its near signatures (core/near.h) */
#define FACTS_NEAR_ANCHORS 4 /* anchors whose attributes get near keys (a lookup; FACT_UNSURE ones not counted) */

/* FACT_PRIVATE: the private lookup's keys (facts_private()), an ingest's only */
enum fact_kind { FACT_RECORD = 0, FACT_VALUE = 1, FACT_ASSOC = 2, FACT_NEAR = 3, FACT_PRIVATE = 4 };

/*
 * Quasi-identifier blocks: pairs of a name word (of the first two plain
 * ones, in their sorted order, so that a swapped first and last name
 * blocks alike), the birth date, the postcode, the city and the address
 * (the first with a signature: a street, not a house number): a word with
 * each of the others, the two words, and the pairs of the others but
 * for the postcode with the city (a row whose name words both have a
 * typo).
 */
#define FACTS_QI_BLOCKS 14
/* The set a key goes to, as one small number: kind, type, attribute's type. */
#define FACT_SET(kind, t, attr) ((unsigned)(kind) << 10 | (unsigned)(t) << 5 | (unsigned)(attr))
#define FACT_SET_KIND(s) ((s) >> 10)
#define FACT_SET_TYPE(s) (((s) >> 5) & 31)
#define FACT_SET_ATTR(s) ((s)&31)
#define FACT_SETS (4u << 10) /* FACT_SET(3, 0, *): the analysis's own sets (never an anchor DT_NONE) */
#define FACT_SETS_ALL (5u << 10) /* with the private sets: an ingest's */

struct fact {
	uint64_t fp;
	uint16_t col;  /* its schema column (a composed name: the last-name column) */
	uint8_t type;  /* enum dt_type */
	uint8_t flags; /* FACT_COMPOSED, FACT_LOSSY, FACT_NSIG() */
	uint32_t sig[NEAR_WORDS]; /* near signatures, FACT_NSIG(flags) of them */
	uint64_t priv; /* its private lookup key (facts_private()), 0 for none */
};

struct fact_key {
	uint64_t key;
	uint16_t set;  /* FACT_SET() */
	uint8_t a, b;  /* the facts it is made of: a == b for a value, 255 for the record */
};

/* Called for each fact as it is made, with its normalized value (for profiles). */
typedef void (*facts_seen_fn)(void *ctx, const struct schema *s, const struct fact *f,
			      const char *norm, size_t len);

/* Called for each non-empty value its column's type does not accept (plausibility). */
typedef void (*facts_bad_fn)(void *ctx, const struct schema *s, size_t col);

/* Per-thread scratch and results. */
struct facts {
	const struct fp_key *key;
	struct norm_ctx *norm;
	struct dynbuf out, name, lossy;
	facts_seen_fn seen;
	facts_bad_fn bad; /* may be NULL */
	void *ctx;
	struct fact v[FACTS_MAX];
	size_t n;
	struct fact_key *keys;
	size_t nkeys, keys_alloc;
	uint64_t scratch[FACTS_MAX];
	int near_all; /* near keys under every anchor (a library's), not the FACTS_NEAR_ANCHORS strongest (a lookup's) */
	unsigned char priv_sk[32]; /* facts_private(): the OPRF key */
	uint64_t *priv_cache;      /* ... and its outputs of recent values (value fp, key) */
};

/* 0, or -1 for a region norm_ctx_new() does not know. */
int facts_init(struct facts *f, const struct fp_key *key, const char *region);
void facts_release(struct facts *f);

/*
 * The quasi-identifier blocks of the facts in f->v, keyed fingerprints
 * (none for a lookup's row that has an identifier): how many, into b[].
 */
int facts_qi_block(const struct facts *f, uint64_t b[FACTS_QI_BLOCKS]);

/*
 * The signatures fact x is compared by under a person tag (core/link.h),
 * into sig[] (a short value's own fingerprint when it has no signature),
 * and the type they go under (*type: the name types as full_name): how
 * many; 0 when x is no quasi-identifier.
 */
unsigned facts_qi_sigs(const struct fact *x, uint32_t sig[NEAR_WORDS], unsigned *type);

/* The facts of rec under its schema s into f->v[0..f->n); returns f->n. */
size_t facts_extract(struct facts *f, const struct schema *s, const struct record *rec);

/*
 * The library keys of the facts last extracted into f->keys[0..f->nkeys)
 * (none for a record without facts); returns f->nkeys.
 */
size_t facts_keys(struct facts *f);

/*
 * The near signatures of raw value v of type t into sig[] as a fact of
 * it gets them (a name with lost letters or an initial read from its
 * marked copy); their number, 0 for none.
 */
size_t facts_sigs(struct facts *f, enum dt_type t, const char *v, size_t n, uint32_t sig[NEAR_WORDS]);

/*
 * Gives the identifiers the private lookup answers for (facts_is_private())
 * their private set keys, the first 64 bits of the oblivious PRF of the
 * value under sk (core/oprf.h): one ristretto255 scalar multiplication a
 * value (about 80 us), so only an ingest asked for it does this.
 */
void facts_private(struct facts *f, const unsigned char sk[32]);

/* The types of the private lookup: IINs, phones, passport numbers. */
int facts_is_private(enum dt_type t);

/* Does a fact of type t have a value set (means something alone)? */
int facts_has_value_set(enum dt_type t);

#endif
