/*
 * Bottom-k sketches; see kmv.h.
 *
 * Adding is a compare with the current limit for almost every hash: the
 * ones below it are appended to a buffer of 2k, which is sorted, made
 * distinct and cut to k when full (amortised: a sort of 2k per k entries).
 *
 * Blob: "DTKM", version u8, 3 zero bytes, k u32, n u32, n varint gaps
 * (the first from 0), XXH3-64 of everything before it (u64).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/kmv.h"
#include "core/xalloc.h"
#include "core/xsort.h"

#define TWO64 18446744073709551616.0

void
kmv_init(struct kmv *s, unsigned k)
{
	if (!k)
		k = KMV_K_DEFAULT;
	if (k < 1024)
		k = 1024;
	if (k > KMV_K_MAX)
		k = KMV_K_MAX;
	s->k = k;
	s->cap = 64;
	s->v = xmalloc(s->cap * sizeof(*s->v));
	s->n = 0;
	s->limit = UINT64_MAX;
	s->compact = 1;
}

void
kmv_release(struct kmv *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Sorts, removes repeats, keeps the k smallest. */
static void
compact(struct kmv *s)
{
	if (s->compact)
		return;
	uint64_t *tmp = xmalloc((s->n ? s->n : 1) * sizeof(*tmp));
	xsort_radix(s->v, tmp, s->n);
	free(tmp);
	size_t m = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!m || s->v[i] != s->v[m - 1])
			s->v[m++] = s->v[i];
	s->n = m < s->k ? m : s->k;
	if (s->n == s->k)
		s->limit = s->v[s->k - 1];
	s->compact = 1;
}

void
kmv_add(struct kmv *s, uint64_t h)
{
	/* the k-th itself is in already; only smaller ones can enter */
	if (h >= s->limit && (h > s->limit || s->n >= s->k))
		return;
	if (s->n == s->cap) {
		s->cap = s->cap * 2 < 2 * (size_t)s->k ? s->cap * 2 : 2 * (size_t)s->k;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = h;
	s->compact = 0;
	if (s->n == 2 * (size_t)s->k)
		compact(s);
}

double
kmv_distinct(struct kmv *s)
{
	compact(s);
	if (s->n < s->k)
		return (double)s->n;
	/* k - 1 over the k-th smallest as a share of the hash space */
	return (double)(s->k - 1) / (((double)s->v[s->k - 1] + 1.0) / TWO64);
}

/* Counts the hashes both share, and a's, below the smaller full sketch's limit. */
static void
overlap(struct kmv *a, struct kmv *b, size_t *both, size_t *na, size_t *nunion)
{
	uint64_t t = UINT64_MAX;
	compact(a);
	compact(b);
	if (a->n == a->k && a->v[a->n - 1] < t)
		t = a->v[a->n - 1];
	if (b->n == b->k && b->v[b->n - 1] < t)
		t = b->v[b->n - 1];
	size_t i = 0, j = 0;
	*both = *na = *nunion = 0;
	for (;;) {
		int ha = i < a->n && a->v[i] <= t, hb = j < b->n && b->v[j] <= t;
		if (!ha && !hb)
			break;
		if (ha && hb && a->v[i] == b->v[j]) {
			(*both)++;
			(*na)++;
			i++;
			j++;
		} else if (ha && (!hb || a->v[i] < b->v[j])) {
			(*na)++;
			i++;
		} else
			j++;
		(*nunion)++;
	}
}

double
kmv_containment(struct kmv *a, struct kmv *b)
{
	size_t both, na, nu;
	overlap(a, b, &both, &na, &nu);
	return na ? (double)both / (double)na : 0.0;
}

double
kmv_jaccard(struct kmv *a, struct kmv *b)
{
	size_t both, na, nu;
	overlap(a, b, &both, &na, &nu);
	return nu ? (double)both / (double)nu : 0.0;
}

static void
put32(uint8_t *p, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int
kmv_serialize(struct kmv *s, struct dynbuf *out)
{
	size_t start = out->len;
	uint8_t head[16] = {'D', 'T', 'K', 'M', 1}, tail[8];
	uint64_t prev = 0;

	compact(s);
	put32(head + 8, s->k);
	put32(head + 12, (uint32_t)s->n);
	uint8_t *p = (uint8_t *)dynbuf_reserve(out, sizeof(head) + s->n * 10 + sizeof(tail));
	if (!p)
		return -1;
	memcpy(p, head, sizeof(head));
	p += sizeof(head);
	for (size_t i = 0; i < s->n; i++) {
		uint64_t x = s->v[i] - prev;
		prev = s->v[i];
		while (x >= 0x80) {
			*p++ = (uint8_t)(x | 0x80);
			x >>= 7;
		}
		*p++ = (uint8_t)x;
	}
	size_t len = (size_t)(p - (uint8_t *)out->buf) - start;
	uint64_t h = XXH3_64bits(out->buf + start, len);
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(h >> (8 * i));
	out->len = start + len + 8;
	return 0;
}

int
kmv_load(struct kmv *s, const void *blob, size_t len, char *err, size_t errlen)
{
	const uint8_t *b = blob, *p, *end;
	uint64_t h = 0, prev = 0;

	memset(s, 0, sizeof(*s));
	if (len < 24 || memcmp(b, "DTKM\1\0\0\0", 8)) {
		snprintf(err, errlen, "corrupt column sketch: bad header");
		return -1;
	}
	for (int i = 0; i < 8; i++)
		h |= (uint64_t)b[len - 8 + i] << (8 * i);
	if (XXH3_64bits(b, len - 8) != h) {
		snprintf(err, errlen, "corrupt column sketch: checksum mismatch");
		return -1;
	}
	uint32_t k = get32(b + 8), n = get32(b + 12);
	if (k < 1024 || k > KMV_K_MAX || n > k) {
		snprintf(err, errlen, "corrupt column sketch: bad sizes");
		return -1;
	}
	kmv_init(s, k);
	s->cap = n > s->cap ? n : s->cap;
	s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	p = b + 16;
	end = b + len - 8;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = 0;
		for (unsigned sh = 0;; sh += 7) {
			if (p == end || sh > 63)
				goto bad;
			x |= (uint64_t)(*p & 0x7f) << sh;
			if (!(*p++ & 0x80))
				break;
		}
		if ((i && x == 0) || x > UINT64_MAX - prev)
			goto bad;
		prev += x;
		s->v[i] = prev;
	}
	if (p != end)
		goto bad;
	s->n = n;
	if (n == k)
		s->limit = s->v[k - 1];
	return 0;
bad:
	kmv_release(s);
	snprintf(err, errlen, "corrupt column sketch: bad values");
	return -1;
}
