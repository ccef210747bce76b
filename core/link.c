/*
 * Quasi-identifier linkage weights; see link.h.
 */
#include "config.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/link.h"
#include "core/types.h"
#include "core/wire.h"
#include "core/xalloc.h"

#define LINK_ROWS 4
#define LINK_WIDTH (1u << 16)

int
link_freq_init(struct link_freq *lf)
{
	for (size_t t = 0; t < 32; t++)
		lf->n[t] = 0;
	lf->c = calloc((size_t)LINK_ROWS * LINK_WIDTH, sizeof(*lf->c));
	return lf->c ? 0 : -1;
}

void
link_freq_release(struct link_freq *lf)
{
	free(lf->c);
	lf->c = NULL;
}

/* Row r's cell of h: one multiply-shift hash per row. */
static size_t
cell(unsigned t, uint32_t h, unsigned r)
{
	static const uint64_t mul[LINK_ROWS] = { 0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full,
						 0x165667B19E3779F9ull, 0xD6E8FEB86659FD93ull };
	uint64_t x = ((uint64_t)t << 32 | h) * mul[r];
	return (size_t)r * LINK_WIDTH + (size_t)(x >> 48);
}

int
link_freq_save(const struct link_freq *lf, struct dynbuf *b)
{
	int rc = 0;
	for (size_t t = 0; t < 32; t++)
		rc |= wire_u64(b, lf->n[t]);
	return rc | wire_bytes(b, lf->c, lf->c ? (size_t)LINK_ROWS * LINK_WIDTH * sizeof(*lf->c) : 0) ? -1 : 0;
}

int
link_freq_load_add(struct link_freq *lf, struct wire_r *r)
{
	for (size_t t = 0; t < 32; t++)
		lf->n[t] += wire_get_u64(r);
	size_t n = wire_get_count(r, 1);
	const uint8_t *p = wire_get_raw(r, n);
	if (!p || (n && n != (size_t)LINK_ROWS * LINK_WIDTH * sizeof(*lf->c))) {
		r->bad = 1;
		return -1;
	}
	for (size_t i = 0; n && lf->c && i < (size_t)LINK_ROWS * LINK_WIDTH; i++) {
		uint32_t v;
		memcpy(&v, p + 4 * i, 4);
		lf->c[i] += v;
	}
	return 0;
}

void
link_freq_add(struct link_freq *lf, unsigned t, uint32_t h)
{
	if (!lf->c)
		return;
	for (unsigned r = 0; r < LINK_ROWS; r++)
		__atomic_fetch_add(&lf->c[cell(t, h, r)], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&lf->n[t & 31], 1, __ATOMIC_RELAXED);
}

/*
 * The floor of u per type: about one in how many people share a value.
 * A name word's floor is that of a common first name or surname (so that
 * a full name alone, two words, stays under the default threshold), a
 * birth date's one day in seventy years.
 */
static double
u_floor(unsigned t)
{
	switch (t) {
	case DT_BIRTH_DATE:
		return 1.0 / (365.0 * 70.0);
	case DT_POSTCODE:
		return 1e-3;
	case DT_CITY:
		return 3e-2; /* a large city holds a tenth of a country */
	case DT_ADDRESS:
		return 1e-4;
	default: /* a name word: a common first name or surname */
		return 5e-3;
	}
}

/* The chance that two different persons' values of type t are a variation of each other. */
static double
u_near(unsigned t)
{
	switch (t) {
	case DT_BIRTH_DATE:
		return 3e-3; /* one digit of eight, two swapped, day and month */
	case DT_POSTCODE:
		return 3e-2;
	case DT_CITY:
		return 1e-2;
	case DT_ADDRESS:
		return 1e-3;
	default:
		return 6e-3; /* 6 of 990 pairs of different first names (test_near) */
	}
}

double
link_u(const struct link_freq *lf, unsigned t, uint32_t h)
{
	double floor = u_floor(t);
	uint64_t n = lf->c ? __atomic_load_n(&lf->n[t & 31], __ATOMIC_RELAXED) : 0;
	if (n < 2)
		return floor;
	uint32_t m = UINT32_MAX;
	for (unsigned r = 0; r < LINK_ROWS; r++) {
		uint32_t v = __atomic_load_n(&lf->c[cell(t, h, r)], __ATOMIC_RELAXED);
		m = v < m ? v : m;
	}
	/* the row's own value is not another person's */
	double u = m > 1 ? (double)(m - 1) / (double)(n - 1) : 0;
	return u > floor ? (u < 0.5 ? u : 0.5) : floor;
}

/*
 * The chance that a true match shows another value: a typo the
 * signatures do not see as one (an address has only its whole form; a
 * postcode's digits, one changed or two swapped), a move, a field left
 * out and filled otherwise.
 */
static double
m_disagree(unsigned t)
{
	switch (t) {
	case DT_ADDRESS:
		return 0.15;
	case DT_POSTCODE:
	case DT_CITY:
		return 0.05;
	default:
		return 0.03;
	}
}

double
link_weight(unsigned t, int sim, double u)
{
	const double m_near = 0.07, m = 1 - m_near - m_disagree(t);
	if (sim < 0)
		return 0;
	if (sim == (int)QI_DISAGREE)
		return log2(m_disagree(t) / (1 - u));
	if (sim >= 100)
		return log2(m / u);
	double un = 2 * u + u_near(t);
	return log2(m_near / (un < 0.5 ? un : 0.5));
}
