/*
 * The oblivious PRF against RFC 9497's test vectors (appendix A.1.1,
 * ristretto255-SHA512, OPRF mode), and its protocol's properties.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/oprf.h"
#include "tests/unit/tap.h"

static void
unhex(const char *h, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
}

static const char *
hex(const unsigned char *b, size_t n)
{
	static char s[2 * 64 + 1];
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	return s;
}

struct vec {
	const char *input, *blinded, *evaluated, *output;
};

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	static const char sk_hex[] = "5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e";
	static const char blind_hex[] = "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706";
	static const struct vec v[] = {
		{ "00", "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c",
		  "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
		  "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3"
		  "ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6" },
		{ "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418",
		  "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
		  "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4"
		  "f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73" },
	};
	unsigned char sk[32], fixed[32], r[32], b[32], z[32], y[64], y2[64], x[64];
	unhex(sk_hex, sk, 32);
	unhex(blind_hex, fixed, 32);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].input) / 2;
		unhex(v[i].input, x, n);
		ok(oprf_blind(x, n, fixed, r, b) == 0, "vector %zu: blinds", i + 1);
		is_str(hex(b, 32), v[i].blinded, "vector %zu: BlindedElement", i + 1);
		ok(oprf_evaluate(sk, b, z) == 0, "vector %zu: evaluates", i + 1);
		is_str(hex(z, 32), v[i].evaluated, "vector %zu: EvaluationElement", i + 1);
		ok(oprf_finalize(x, n, r, z, y) == 0, "vector %zu: finalizes", i + 1);
		is_str(hex(y, 64), v[i].output, "vector %zu: Output", i + 1);
		ok(oprf_eval_direct(sk, x, n, y2) == 0 && !memcmp(y, y2, 64),
		   "vector %zu: the key's holder computes the same output directly", i + 1);
	}

	/* random blinds: the same output, and blinded elements that differ each time */
	unsigned char lk[32], k2[32], b2[32], r2[32];
	memset(lk, 7, sizeof(lk));
	oprf_key_from_library(lk, k2);
	unsigned char in[OPRF_INPUT_MAX];
	size_t n = oprf_input("national_id", "880101300123", 12, in);
	is_int(n, 24, "input is TYPE:VALUE");
	ok(oprf_blind(in, n, NULL, r, b) == 0 && oprf_blind(in, n, NULL, r2, b2) == 0 && memcmp(b, b2, 32),
	   "two blindings of one input look unrelated");
	ok(oprf_evaluate(k2, b, z) == 0 && oprf_finalize(in, n, r, z, y) == 0, "round trip");
	ok(oprf_eval_direct(k2, in, n, y2) == 0 && !memcmp(y, y2, 64), "blinded and direct outputs agree");
	ok(oprf_evaluate(k2, b2, z) == 0 && oprf_finalize(in, n, r, z, y2) == 0 && memcmp(y, y2, 64),
	   "unblinding with the wrong blind gives another output");
	n = oprf_input("national_id", "880101300124", 12, in);
	ok(oprf_eval_direct(k2, in, n, y2) == 0 && oprf_fp(y) != oprf_fp(y2), "another IIN, another output");
	memset(lk, 8, sizeof(lk));
	unsigned char k3[32];
	oprf_key_from_library(lk, k3);
	ok(memcmp(k2, k3, 32), "another library key, another OPRF key");

	/* what a hostile client may send */
	unsigned char bad[32];
	memset(bad, 0xff, sizeof(bad));
	ok(oprf_evaluate(k2, bad, z) < 0, "a non-canonical element is refused");
	memset(bad, 0, sizeof(bad));
	ok(oprf_evaluate(k2, bad, z) < 0, "the identity is refused");
	int agree = 1, valid = 0;
	for (int i = 0; i < 2000; i++) {
		randombytes_buf(bad, sizeof(bad));
		if (i % 4 == 0) /* a valid element now and then: the encoding of a random point */
			crypto_core_ristretto255_random(bad);
		int want = crypto_core_ristretto255_is_valid_point(bad) && !sodium_is_zero(bad, sizeof(bad));
		valid += want;
		agree &= (oprf_evaluate(k2, bad, z) == 0) == want;
	}
	ok(agree && valid > 0 && valid < 2000,
	   "2,000 random elements: evaluated exactly when valid and not the identity (%d valid)", valid);
	char big[OPRF_INPUT_MAX];
	memset(big, 'x', sizeof(big));
	is_int(oprf_input("phone", big, sizeof(big), in), 0, "an input too long is refused");
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
