/*
 * Quasi-identifier linkage: a row without a reliable identifier (no IIN,
 * e-mail, phone, passport or user name) is linked to a person of a known
 * leak through its name, birth date, postcode, city and address, in the
 * manner of Fellegi and Sunter.
 *
 * Blocking: the library keeps, under keyed blocks (a name word with the
 * birth date, a name word with the postcode, the birth date with the
 * postcode: core/facts.h), a person tag and the near signatures of the
 * person's other quasi-identifiers; a row asks under its own blocks, so
 * that only the persons sharing a block are compared, never all pairs.
 *
 * Weighing: each field of the row, against what the block holds, agrees
 * (the same value), nearly agrees (a variation: core/near.h), disagrees
 * (the person has another value) or is missing. An agreement weighs
 * log2(m / u), m the chance that a true match agrees and u the chance
 * that two different persons do; u is the value's frequency among the
 * dump's rows (a count-min sketch), never below a floor for its type, so
 * that a common name or date weighs less than a rare one. A disagreement
 * weighs log2((1 - m) / (1 - u)), a missing field nothing; a block shared
 * by several persons loses log2 of their number. The row is linked to a
 * leak when its best block there weighs at least the threshold
 * (--link-threshold); the weight and the person tag are its evidence.
 */
#ifndef DT_LINK_H
#define DT_LINK_H

#include <stddef.h>
#include <stdint.h>

/* Near hits under a block are marked: QI_HIT; a person tag's also QI_TAG. */
#define QI_HIT (1ull << 63)
#define QI_TAG (1ull << 62)
#define QI_DISAGREE 255u /* an attribute's "similarity" when the person has another value */

#define LINK_THRESHOLD 16.0 /* bits: a likelihood ratio of 65,536 to 1 */

/* Frequencies of the dump's quasi-identifier values: a count-min sketch, shared by the threads. */
struct link_freq {
	uint32_t *c;	/* LINK_ROWS x LINK_WIDTH counters */
	uint64_t n[32]; /* values counted, per type */
};

int link_freq_init(struct link_freq *lf);
void link_freq_release(struct link_freq *lf);
/*
 * A map step's frequencies (core/analyze.h): link_freq_save() appends lf
 * to b (0, or -1 past b's cap); link_freq_load_add() adds those read from
 * r to lf's (0, or -1 with r->bad).
 */
struct dynbuf;
struct wire_r;
int link_freq_save(const struct link_freq *lf, struct dynbuf *b);
int link_freq_load_add(struct link_freq *lf, struct wire_r *r);
/* Counts a value (a 32-bit hash of its fingerprint) of type t; thread-safe. */
void link_freq_add(struct link_freq *lf, unsigned t, uint32_t h);
/* The chance u that another person has this value of type t. */
double link_u(const struct link_freq *lf, unsigned t, uint32_t h);

/*
 * The weight in bits of a field of type t: sim -1 missing, QI_DISAGREE,
 * 100 the same value, below: a variation; u from link_u().
 */
double link_weight(unsigned t, int sim, double u);

#endif
