/*
 * OPRF(ristretto255, SHA-512), base mode (RFC 9497): see core/oprf.h.
 */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "core/oprf.h"

/* contextString = "OPRFV1-" || I2OSP(mode 0, 1) || "-" || "ristretto255-SHA512" */
static const char ctx_string[] = "OPRFV1-\0-ristretto255-SHA512";
#define CTX_LEN (sizeof(ctx_string) - 1)

void
oprf_key_from_library(const unsigned char libkey[32], unsigned char sk[OPRF_SCALAR])
{
	static const char info[] = "dumptrace-oprf-1";
	unsigned char wide[64];
	crypto_generichash(wide, sizeof(wide), (const unsigned char *)info, sizeof(info) - 1, libkey, 32);
	crypto_core_ristretto255_scalar_reduce(sk, wide);
	sodium_memzero(wide, sizeof(wide));
}

size_t
oprf_input(const char *type, const char *v, size_t n, unsigned char *out)
{
	size_t tl = strlen(type);
	if (tl + 1 + n > OPRF_INPUT_MAX)
		return 0;
	memcpy(out, type, tl);
	out[tl] = ':';
	memcpy(out + tl + 1, v, n);
	return tl + 1 + n;
}

/*
 * expand_message_xmd(msg, DST, 64) with SHA-512 (RFC 9380, section
 * 5.3.1): with 64 bytes asked of a 64-byte hash, ell = 1, so the output is
 * b_1 = H(b_0 || 1 || DST'), b_0 = H(Z_pad || msg || I2OSP(64, 2) || 0 || DST').
 */
static void
expand_xmd64(const unsigned char *msg, size_t n, const unsigned char *dst, size_t dlen,
	     unsigned char out[64])
{
	static const unsigned char zpad[128];
	unsigned char b0[64], lib[3] = { 0, 64, 0 }, one = 1, dl = (unsigned char)dlen;
	crypto_hash_sha512_state h;

	crypto_hash_sha512_init(&h);
	crypto_hash_sha512_update(&h, zpad, sizeof(zpad));
	crypto_hash_sha512_update(&h, msg, n);
	crypto_hash_sha512_update(&h, lib, 3);
	crypto_hash_sha512_update(&h, dst, dlen);
	crypto_hash_sha512_update(&h, &dl, 1);
	crypto_hash_sha512_final(&h, b0);

	crypto_hash_sha512_init(&h);
	crypto_hash_sha512_update(&h, b0, sizeof(b0));
	crypto_hash_sha512_update(&h, &one, 1);
	crypto_hash_sha512_update(&h, dst, dlen);
	crypto_hash_sha512_update(&h, &dl, 1);
	crypto_hash_sha512_final(&h, out);
}

static int
is_identity(const unsigned char p[OPRF_ELEMENT])
{
	static const unsigned char zero[OPRF_ELEMENT];
	return sodium_memcmp(p, zero, OPRF_ELEMENT) == 0;
}

int
oprf_hash_to_group(const unsigned char *x, size_t n, unsigned char p[OPRF_ELEMENT])
{
	unsigned char dst[12 + CTX_LEN], u[64];
	memcpy(dst, "HashToGroup-", 12);
	memcpy(dst + 12, ctx_string, CTX_LEN);
	expand_xmd64(x, n, dst, sizeof(dst), u);
	crypto_core_ristretto255_from_hash(p, u);
	return is_identity(p) ? -1 : 0;
}

int
oprf_blind(const unsigned char *x, size_t n, const unsigned char *fixed, unsigned char r[OPRF_SCALAR],
	   unsigned char b[OPRF_ELEMENT])
{
	unsigned char p[OPRF_ELEMENT];
	if (oprf_hash_to_group(x, n, p) < 0)
		return -1;
	if (fixed)
		memcpy(r, fixed, OPRF_SCALAR);
	else
		crypto_core_ristretto255_scalar_random(r);
	return crypto_scalarmult_ristretto255(b, r, p) == 0 ? 0 : -1;
}

int
oprf_evaluate(const unsigned char sk[OPRF_SCALAR], const unsigned char b[OPRF_ELEMENT],
	      unsigned char z[OPRF_ELEMENT])
{
	/*
	 * crypto_scalarmult_ristretto255 decodes B and refuses what is not a
	 * canonical encoding, and refuses an identity result (B the identity,
	 * since the key is not zero): checking B first decoded it twice (5 of
	 * 65 µs an evaluation). test_oprf checks both refusals, and random bytes.
	 */
	return crypto_scalarmult_ristretto255(z, sk, b) == 0 ? 0 : -1;
}

static void
finalize_hash(const unsigned char *x, size_t n, const unsigned char e[OPRF_ELEMENT],
	      unsigned char y[OPRF_OUTPUT])
{
	unsigned char l1[2] = { (unsigned char)(n >> 8), (unsigned char)n }, l2[2] = { 0, OPRF_ELEMENT };
	crypto_hash_sha512_state h;
	crypto_hash_sha512_init(&h);
	crypto_hash_sha512_update(&h, l1, 2);
	crypto_hash_sha512_update(&h, x, n);
	crypto_hash_sha512_update(&h, l2, 2);
	crypto_hash_sha512_update(&h, e, OPRF_ELEMENT);
	crypto_hash_sha512_update(&h, (const unsigned char *)"Finalize", 8);
	crypto_hash_sha512_final(&h, y);
}

int
oprf_finalize(const unsigned char *x, size_t n, const unsigned char r[OPRF_SCALAR],
	      const unsigned char z[OPRF_ELEMENT], unsigned char y[OPRF_OUTPUT])
{
	unsigned char inv[OPRF_SCALAR], e[OPRF_ELEMENT];
	if (!crypto_core_ristretto255_is_valid_point(z) || crypto_core_ristretto255_scalar_invert(inv, r) != 0)
		return -1;
	int rc = crypto_scalarmult_ristretto255(e, inv, z);
	sodium_memzero(inv, sizeof(inv));
	if (rc != 0)
		return -1;
	finalize_hash(x, n, e, y);
	return 0;
}

int
oprf_eval_direct(const unsigned char sk[OPRF_SCALAR], const unsigned char *x, size_t n,
		 unsigned char y[OPRF_OUTPUT])
{
	unsigned char p[OPRF_ELEMENT], e[OPRF_ELEMENT];
	if (oprf_hash_to_group(x, n, p) < 0 || crypto_scalarmult_ristretto255(e, sk, p) != 0)
		return -1;
	finalize_hash(x, n, e, y);
	return 0;
}

uint64_t
oprf_fp(const unsigned char y[OPRF_OUTPUT])
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | y[i];
	return v;
}
