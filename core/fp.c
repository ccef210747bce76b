/*
 * Fingerprints; see fp.h. XXH3 is compiled inline here (XXH_INLINE_ALL):
 * fingerprinting runs once per field of every record, and the call into
 * the shared library costs as much as the hash of a short value.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

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

int
fp_key_from_file(struct fp_key *k, const char *path, char *err, size_t errlen)
{
	unsigned char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file '%s': %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 16) {
		snprintf(err, errlen, "key file '%s' holds fewer than 16 bytes", path);
		return -1;
	}
	fp_key_default(k);
	k->keyed = 1;
	k->secret = xmalloc(FP_TYPES * FP_SECRET_SIZE);
	for (unsigned t = 0; t < FP_TYPES; t++) {
		unsigned char material[sizeof(buf) + 4];
		memcpy(material, buf, (size_t)n);
		memcpy(material + n, &t, 4);
		XXH3_generateSecret(k->secret + t * FP_SECRET_SIZE, FP_SECRET_SIZE, material,
				    (size_t)n + 4);
	}
	/* an id that tells keys apart but cannot be turned back into one */
	k->id = XXH3_64bits_withSecret("dumptrace key id", 16, k->secret, FP_SECRET_SIZE);
	memset(buf, 0, sizeof(buf));
	return 0;
}

void
fp_key_release(struct fp_key *k)
{
	if (k->secret)
		memset(k->secret, 0, FP_TYPES * FP_SECRET_SIZE);
	free(k->secret);
	k->secret = NULL;
}

uint64_t
fp_value(const struct fp_key *k, unsigned t, const char *v, size_t n)
{
	t &= FP_TYPES - 1;
	if (k->keyed)
		return XXH3_64bits_withSecret(v, n, k->secret + t * FP_SECRET_SIZE, FP_SECRET_SIZE);
	return XXH3_64bits_withSeed(v, n, k->seed[t]);
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
