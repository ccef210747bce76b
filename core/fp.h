/*
 * Fingerprints (DESIGN.md, "Fingerprints"): 64-bit XXH3 of a typed,
 * normalized value, so that a leak can be remembered and matched without
 * keeping its personal data. Three kinds: a value's, a record's (over its
 * sorted value fingerprints: column order and names do not matter), and an
 * association's (anchor identifier, attribute).
 *
 * Every fingerprint depends on a key: by default a fixed library-wide seed;
 * with --key-file, secrets derived from the file, so that fingerprints
 * cannot be checked by anyone who lacks the file. The type enters the hash
 * as a per-type seed or secret, not as a prefix byte, so that the value is
 * hashed where it lies, without a copy.
 */
#ifndef DT_FP_H
#define DT_FP_H

#include <stddef.h>
#include <stdint.h>

#define FP_TYPES 32		  /* room for every enum dt_type */
#define FP_SECRET_SIZE 192
#define FP_DEFAULT_SEED 0x64756d7074726163ull /* "dumptrac" */

struct fp_key {
	int keyed;		  /* secrets from a key file, not the seed */
	uint64_t seed[FP_TYPES];  /* per type, unkeyed */
	unsigned char *secret;	  /* FP_TYPES * FP_SECRET_SIZE, keyed */
	uint64_t id;		  /* names the key without revealing it */
};

/* The library-wide default key. */
void fp_key_default(struct fp_key *k);

/*
 * The key from a key file (at least 16 bytes of secret material). Returns
 * 0, or -1 with the reason in err.
 */
int fp_key_from_file(struct fp_key *k, const char *path, char *err, size_t errlen);

void fp_key_release(struct fp_key *k);

/* The fingerprint of normalized value v[0..n) of type t. */
uint64_t fp_value(const struct fp_key *k, unsigned t, const char *v, size_t n);

/*
 * The fingerprint of a record: sorts fps[0..n) in place (so it does not
 * depend on column order) and hashes them. 0 fingerprints give 0.
 */
uint64_t fp_record(const struct fp_key *k, uint64_t *fps, size_t n);

/* The fingerprint of the association (anchor of type at, attribute of type bt). */
uint64_t fp_assoc(const struct fp_key *k, unsigned at, uint64_t a, unsigned bt, uint64_t b);

#endif
