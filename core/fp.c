/*
 * Fingerprints; see fp.h. XXH3 is compiled inline here (XXH_INLINE_ALL):
 * fingerprinting runs once per field of every record, and the call into
 * the shared library costs as much as the hash of a short value.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <sodium.h>

#include "core/fp.h"
#include "core/xalloc.h"

void
fp_key_default(struct fp_key *k)
{
	memset(k, 0, sizeof(*k));
	for (unsigned t = 0; t < FP_TYPES; t++)
		k->seed[t] = XXH3_64bits_withSeed(&t, sizeof(t), FP_DEFAULT_SEED);
	k->id = FP_DEFAULT_SEED;
}

/* BLAKE2b of the key and a label (with a type): the key's subkeys, one per use. */
static void
derive(unsigned char *out, size_t n, const unsigned char key[FP_KEY_SIZE], const char *label,
       unsigned t)
{
	crypto_generichash_state st;
	unsigned char tb[4] = { (unsigned char)t, (unsigned char)(t >> 8), 0, 0 };
	crypto_generichash_init(&st, key, FP_KEY_SIZE, n);
	crypto_generichash_update(&st, (const unsigned char *)label, strlen(label));
	crypto_generichash_update(&st, tb, sizeof(tb));
	crypto_generichash_final(&st, out, n);
}

void
fp_key_from_secret(struct fp_key *k, const unsigned char key[FP_KEY_SIZE])
{
	unsigned char material[64], id[8];
	fp_key_default(k);
	if (sodium_init() < 0)
		abort(); /* no source of randomness, no BLAKE2b: nothing can be keyed */
	k->keyed = 1;
	k->secret = xmalloc(FP_TYPES * (FP_SECRET_SIZE + FP_SIP_SIZE));
	for (unsigned t = 0; t < FP_TYPES; t++) {
		derive(material, sizeof(material), key, "dumptrace xxh3 secret", t);
		XXH3_generateSecret(k->secret + t * FP_SECRET_SIZE, FP_SECRET_SIZE, material,
				    sizeof(material));
		derive(k->secret + FP_TYPES * FP_SECRET_SIZE + t * FP_SIP_SIZE, FP_SIP_SIZE, key,
		       "dumptrace siphash key", t);
	}
	derive(id, sizeof(id), key, "dumptrace key in memory", 0);
	memcpy(&k->id, id, sizeof(id));
	k->id |= 1; /* never 0, nor the default's */
	sodium_memzero(material, sizeof(material));
}

void
fp_key_release(struct fp_key *k)
{
	if (k->secret)
		sodium_memzero(k->secret, FP_TYPES * (FP_SECRET_SIZE + FP_SIP_SIZE));
	free(k->secret);
	k->secret = NULL;
}

uint64_t
fp_value(const struct fp_key *k, unsigned t, const char *v, size_t n)
{
	t &= FP_TYPES - 1;
	if (k->keyed) {
		unsigned char h[crypto_shorthash_siphash24_BYTES];
		crypto_shorthash_siphash24(h, (const unsigned char *)v, n,
					   k->secret + FP_TYPES * FP_SECRET_SIZE + t * FP_SIP_SIZE);
		uint64_t x = 0;
		for (int i = 7; i >= 0; i--)
			x = x << 8 | h[i];
		return x;
	}
	return XXH3_64bits_withSeed(v, n, k->seed[t]);
}

uint64_t
fp_of_fps(const struct fp_key *k, unsigned t, const void *p, size_t n)
{
	t &= FP_TYPES - 1;
	if (k->keyed)
		return XXH3_64bits_withSecret(p, n, k->secret + t * FP_SECRET_SIZE, FP_SECRET_SIZE);
	return XXH3_64bits_withSeed(p, n, k->seed[t]);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t
fp_record(const struct fp_key *k, uint64_t *fps, size_t n)
{
	if (n == 0)
		return 0;
	/* records have a handful of fields: insertion sort beats qsort */
	if (n <= 16) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = fps[i];
			size_t j = i;
			while (j > 0 && fps[j - 1] > x) {
				fps[j] = fps[j - 1];
				j--;
			}
			fps[j] = x;
		}
	} else
		qsort(fps, n, sizeof(*fps), cmp_u64);
	if (k->keyed)
		return XXH3_64bits_withSecret(fps, n * sizeof(*fps), k->secret, FP_SECRET_SIZE);
	return XXH3_64bits_withSeed(fps, n * sizeof(*fps), k->seed[0]);
}

uint64_t
fp_assoc(const struct fp_key *k, unsigned at, uint64_t a, unsigned bt, uint64_t b)
{
	uint64_t buf[3] = { (uint64_t)at << 32 | bt, a, b };
	if (k->keyed)
		return XXH3_64bits_withSecret(buf, sizeof(buf), k->secret + (FP_TYPES - 1) * FP_SECRET_SIZE,
					      FP_SECRET_SIZE);
	return XXH3_64bits_withSeed(buf, sizeof(buf), k->seed[FP_TYPES - 1]);
}
