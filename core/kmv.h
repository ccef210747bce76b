/*
 * Bottom-k (KMV) sketches of a column's value fingerprints, for column
 * lineage (DESIGN.md, "The analysis"): the k smallest distinct 64-bit
 * fingerprints of a column estimate its number of distinct values, and
 * two sketches estimate how much of one column is in the other
 * (containment) and their Jaccard similarity, in a few KiB per column
 * whatever its size. Fingerprints are uniform hashes already, so they
 * are used as they are. The library keeps one sketch per source column,
 * serialised as a checksummed blob.
 */
#ifndef DT_KMV_H
#define DT_KMV_H

#include <stddef.h>
#include <stdint.h>

#include "core/dynbuf.h"

#define KMV_K_DEFAULT 4096
#define KMV_K_MAX (1u << 20)

struct kmv {
	unsigned k;
	uint64_t *v; /* candidates, up to 2k; the k smallest once compacted */
	size_t n;
	size_t cap; /* of v: grown as values come, so that a column of few values costs little */
	uint64_t limit; /* the k-th smallest so far: larger hashes cannot enter */
	int compact;    /* v is sorted, distinct, at most k */
};

/* Starts an empty sketch of the k smallest (k clamped to [1024, KMV_K_MAX]; 0 = default). */
void kmv_init(struct kmv *s, unsigned k);
void kmv_release(struct kmv *s);

/* Adds a fingerprint (repeats count once). */
void kmv_add(struct kmv *s, uint64_t h);

/* The estimated number of distinct values added (exact below k). */
double kmv_distinct(struct kmv *s);

/*
 * The estimated share of a's distinct values that are in b's column,
 * in [0, 1]; 0 for an empty a.
 */
double kmv_containment(struct kmv *a, struct kmv *b);

/* The estimated Jaccard similarity |a & b| / |a | b|, in [0, 1]. */
double kmv_jaccard(struct kmv *a, struct kmv *b);

/* Appends the sketch as a blob to out; -1 past out's cap. */
int kmv_serialize(struct kmv *s, struct dynbuf *out);

/*
 * Loads a blob made by kmv_serialize() into s (initialised here); 0, or
 * -1 with the reason in err when it is corrupt.
 */
int kmv_load(struct kmv *s, const void *blob, size_t len, char *err, size_t errlen);

#endif
