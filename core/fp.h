/*
 * Fingerprints (DESIGN.md, "Fingerprints"): 64-bit XXH3 of a typed,
 * normalized value, so that a leak can be remembered and matched without
 * keeping its personal data. Three kinds: a value's, a record's (over its
 * sorted value fingerprints: column order and names do not matter), and an
 * association's (anchor identifier, attribute).
 *
 * Every fingerprint depends on a key. A library's is a random 256-bit
 * key (core/keys.h): a value's fingerprint is then SipHash-2-4, a keyed
 * pseudorandom function built for short inputs, under a 128-bit key
 * derived for its type (BLAKE2b of the key), so that someone who holds
 * the library but not its key cannot test a guessed value (an IIN, a
 * phone: small spaces that an unkeyed hash lets anyone enumerate). What
 * hashes fingerprints (records, associations, the near signatures' pads)
 * may stay XXH3: its inputs are already the PRF's outputs; it takes
 * secrets derived from the key too. The unkeyed default (XXH3 with a
 * fixed, public seed) is only for what is never stored: dedup's own
 * duplicates.
 */
#ifndef DT_FP_H
#define DT_FP_H

#include <stddef.h>
#include <stdint.h>

#define FP_TYPES 32		  /* room for every enum dt_type */
#define FP_SECRET_SIZE 192
#define FP_KEY_SIZE 32		  /* a library's key: 256 random bits */
#define FP_SIP_SIZE 16		  /* SipHash-2-4's key */
#define FP_DEFAULT_SEED 0x64756d7074726163ull /* "dumptrac" */

struct fp_key {
	int keyed;		  /* a library's key, not the public seed */
	uint64_t seed[FP_TYPES];  /* per type, unkeyed */
	unsigned char *secret;	  /* keyed: FP_TYPES XXH3 secrets of FP_SECRET_SIZE, then
				     FP_TYPES SipHash keys of FP_SIP_SIZE */
	uint64_t id;		  /* tells keys apart in memory; never stored */
};

/* The unkeyed default: for what is never stored (dedup). */
void fp_key_default(struct fp_key *k);

/* The fingerprint key of a library's 256-bit key. */
void fp_key_from_secret(struct fp_key *k, const unsigned char key[FP_KEY_SIZE]);

void fp_key_release(struct fp_key *k);

/* The fingerprint of normalized value v[0..n) of type t. */
uint64_t fp_value(const struct fp_key *k, unsigned t, const char *v, size_t n);

/*
 * A hash of bytes that are fingerprints already (or derived from them):
 * XXH3 under the key's secret of slot t, not the PRF, which such inputs
 * do not need (they are its outputs).
 */
uint64_t fp_of_fps(const struct fp_key *k, unsigned t, const void *p, size_t n);

/*
 * The fingerprint of a record: sorts fps[0..n) in place (so it does not
 * depend on column order) and hashes them. 0 fingerprints give 0.
 */
uint64_t fp_record(const struct fp_key *k, uint64_t *fps, size_t n);

/* The fingerprint of the association (anchor of type at, attribute of type bt). */
uint64_t fp_assoc(const struct fp_key *k, unsigned at, uint64_t a, unsigned bt, uint64_t b);

#endif
