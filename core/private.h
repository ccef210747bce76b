/*
 * The private lookup (docs in dumptrace(1), "PRIVATE LOOKUP"): is this IIN,
 * phone or passport number in a known leak, answered so that the server
 * never sees the identifier and a client cannot test identifiers without
 * asking the server for each.
 *
 *   1. The client normalizes the identifier as the library does, makes
 *      x = "TYPE:VALUE", blinds it and asks
 *        GET /api/private/v1/evaluate/TYPE/BLINDED        (64 hex digits)
 *      The server answers k·B (EvaluatedElement) and the bucket size in
 *      bits (PrefixBits) for that type; evaluations are rate limited per
 *      client, apart from the other requests.
 *   2. The client unblinds: y = F(k, x) (core/oprf.h), key = y's first 64
 *      bits, and asks for its bucket, the keys sharing its first
 *      PrefixBits bits:
 *        GET /api/private/v1/range/TYPE/BITS/PREFIX       (PREFIX in hex)
 *      and finds its key there, or not: the leaks that hold it.
 *   GET /api/private/v1 says the suite, and per type its keys, leaks and
 *   PrefixBits, and the leaks that have values of a type but no private
 *   set of it (ingested before --private-lookup).
 *
 * What each side learns: the server, a uniformly random group element and
 * a bucket that holds about --bucket keys of the library's (the client's
 * identifier is one of the about space / 2^PrefixBits identifiers whose
 * key falls there, which the server, holding k, could list). The client,
 * the keys of one bucket, which without k test nothing. Someone holding a
 * copy of the library without its key: nothing (the private sets are
 * F(k, x) under a key derived from the library's).
 */
#ifndef DT_PRIVATE_H
#define DT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "core/library.h"
#include "core/types.h"

#define PRIVATE_TYPES 3	     /* national_id, phone, passport */
#define PRIVATE_BUCKET 256   /* keys a bucket should hold (the server's default) */
#define PRIVATE_BITS_MAX 32  /* a prefix never longer */
#define PRIVATE_BITS_SLACK 4 /* a client may ask for a bucket up to 16 times the size */
#define PRIVATE_RANGE_MAX 65536 /* keys one range answers at most */

/* The index of a private lookup type (facts_is_private()), -1 for another. */
int private_type_index(enum dt_type t);
enum dt_type private_type(int i);

/* The private sets of a library, opened once. */
struct private_sets {
	struct lib_vset *v[PRIVATE_TYPES];
	size_t n[PRIVATE_TYPES];
	uint64_t keys[PRIVATE_TYPES]; /* summed over the leaks (a key in two leaks twice) */
	unsigned bits[PRIVATE_TYPES];
	char **missing[PRIVATE_TYPES]; /* leaks with values of the type but no private set */
	size_t nmissing[PRIVATE_TYPES];
};

/* Opens them, buckets of about bucket keys; 0, or -1 (err). */
int private_open(struct library *lib, struct private_sets *ps, unsigned bucket, lib_report_fn report,
		 void *ctx, char *err, size_t errlen);
void private_close(struct private_sets *ps);

/* The prefix length that gives buckets of about bucket keys out of n. */
unsigned private_bits(uint64_t n, unsigned bucket);

/* GET /api/private/v1: into w. */
void private_config(const struct private_sets *ps, struct jsonw *w);

/*
 * The bucket of type index ti: keys whose first bits bits are prefix,
 * with the leaks holding each, into w. 0; 1 when bits is not allowed
 * (err: why); -1 when a set cannot be read (err).
 */
int private_range(const struct private_sets *ps, int ti, unsigned bits, uint64_t prefix,
		  struct jsonw *w, char *err, size_t errlen);

#endif
