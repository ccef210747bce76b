/*
 * Column typing. For now the coarse classes sniff shows (email, phone,
 * number, date, text), decided per value and then per column by majority
 * over a sample; the full typing of the design (national ids, names, ...)
 * builds on the same per-column tally.
 */
#ifndef DT_TYPES_H
#define DT_TYPES_H

#include <stddef.h>
#include <stdint.h>

enum coarse_type {
	CT_EMPTY = 0,
	CT_EMAIL,
	CT_PHONE,
	CT_DATE,
	CT_NUMBER,
	CT_TEXT,
	CT_COUNT
};

/* The class of one value (CT_EMPTY for nothing but spaces). */
enum coarse_type types_coarse(const char *v, size_t n);

const char *types_coarse_name(enum coarse_type t);

/* A per-column tally of value classes over a sample. */
struct type_tally {
	uint64_t n[CT_COUNT];
};

/*
 * The column's class: the class of at least 80% of its non-empty values,
 * else text; *rate is the share of non-empty values of that class.
 */
enum coarse_type types_tally_verdict(const struct type_tally *t, double *rate);

#endif
