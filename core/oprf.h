/*
 * The oblivious PRF of the private lookup: OPRF(ristretto255, SHA-512) in
 * its base mode, as RFC 9497 specifies it (section 3.3.1, the suite of
 * section 4.1), on libsodium's ristretto255 group.
 *
 *   client  P = HashToGroup(x); B = r·P for a random scalar r   (oprf_blind)
 *   server  Z = k·B                                           (oprf_evaluate)
 *   client  N = r⁻¹·Z = k·P; y = SHA-512(len x ‖ x ‖ len N ‖ N ‖ "Finalize")
 *                                                             (oprf_finalize)
 *
 * The server sees B, a uniformly random group element whatever x is; the
 * client learns y = F(k, x) and nothing of k, so it cannot compute F on
 * its own: every identifier it wants to test costs it one evaluation by
 * the server (rate limited there). The library side computes F(k, x)
 * directly (oprf_eval_direct) for each identifier an ingest sees, and
 * keeps only the first 64 bits of y (oprf_fp), in a private set.
 *
 * x is the identifier as the library normalizes it, prefixed by its type's
 * name: "national_id:880101300123", "phone:+77011234567" (oprf_input).
 */
#ifndef DT_OPRF_H
#define DT_OPRF_H

#include <stddef.h>
#include <stdint.h>

#define OPRF_SCALAR 32 /* a ristretto255 scalar, little-endian */
#define OPRF_ELEMENT 32 /* an encoded ristretto255 element */
#define OPRF_OUTPUT 64 /* SHA-512 */
#define OPRF_INPUT_MAX 512

#define OPRF_SUITE "OPRF(ristretto255, SHA-512)"

/* The server's OPRF key, derived from the library's key (keyed BLAKE2b-512, reduced). */
void oprf_key_from_library(const unsigned char libkey[32], unsigned char sk[OPRF_SCALAR]);

/* "TYPE:VALUE" into out (OPRF_INPUT_MAX); its length, 0 when too long. */
size_t oprf_input(const char *type, const char *v, size_t n, unsigned char *out);

/*
 * P = HashToGroup(x) (hash_to_ristretto255 with expand_message_xmd and the
 * suite's DST). 0, or -1 when it is the identity (never, in practice).
 */
int oprf_hash_to_group(const unsigned char *x, size_t n, unsigned char p[OPRF_ELEMENT]);

/*
 * Blinds x: r (random when fixed is NULL, else fixed: the RFC's test
 * vectors) and B = r·P. 0, or -1.
 */
int oprf_blind(const unsigned char *x, size_t n, const unsigned char *fixed,
	       unsigned char r[OPRF_SCALAR], unsigned char b[OPRF_ELEMENT]);

/* Z = k·B; -1 when B is not a valid element or is the identity (a client's garbage). */
int oprf_evaluate(const unsigned char sk[OPRF_SCALAR], const unsigned char b[OPRF_ELEMENT],
		  unsigned char z[OPRF_ELEMENT]);

/* y from x, r and Z. 0, or -1 when Z is not a valid element. */
int oprf_finalize(const unsigned char *x, size_t n, const unsigned char r[OPRF_SCALAR],
		  const unsigned char z[OPRF_ELEMENT], unsigned char y[OPRF_OUTPUT]);

/* y = F(k, x) computed by the key's holder. 0, or -1. */
int oprf_eval_direct(const unsigned char sk[OPRF_SCALAR], const unsigned char *x, size_t n,
		     unsigned char y[OPRF_OUTPUT]);

/* What a private set keeps of y: its first 8 bytes, big-endian. */
uint64_t oprf_fp(const unsigned char y[OPRF_OUTPUT]);

#endif
