/*
 * A little binary encoding for the files one step of a distributed
 * analysis hands the next (core/analyze.h, "Map, shuffle and reduce"):
 * little-endian integers and length-prefixed bytes appended to a dynbuf,
 * read back with bounds checked. A reader past its end, or given a length
 * beyond what is left, is marked bad and reads zeros from then on; the
 * caller checks bad once at the end. Nothing here trusts its input.
 */
#ifndef DT_WIRE_H
#define DT_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/dynbuf.h"

static inline int
wire_u64(struct dynbuf *b, uint64_t v)
{
	uint8_t x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	return dynbuf_add(b, x, 8);
}

static inline int
wire_bytes(struct dynbuf *b, const void *p, size_t n)
{
	return wire_u64(b, n) < 0 || (n && dynbuf_add(b, p, n) < 0) ? -1 : 0;
}

/* A NUL-terminated string, or NULL (told apart from ""). */
static inline int
wire_str(struct dynbuf *b, const char *s)
{
	if (!s)
		return wire_u64(b, UINT64_MAX);
	return wire_bytes(b, s, strlen(s));
}

struct wire_r {
	const uint8_t *p, *end;
	int bad;
};

static inline uint64_t
wire_get_u64(struct wire_r *r)
{
	if (r->bad || r->end - r->p < 8) {
		r->bad = 1;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += 8;
	return v;
}

/* A count of things of at least unit bytes each: past what is left, the reader is bad and 0 comes back. */
static inline size_t
wire_get_count(struct wire_r *r, size_t unit)
{
	uint64_t n = wire_get_u64(r);
	if (r->bad || (unit && n > (uint64_t)(r->end - r->p) / unit)) {
		r->bad = 1;
		return 0;
	}
	return (size_t)n;
}

/* n bytes in place (NULL when bad). */
static inline const uint8_t *
wire_get_raw(struct wire_r *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const uint8_t *p = r->p;
	r->p += n;
	return p;
}

/* s as hex digits to f (the steps' text files: a path or an argument, any byte but NUL). */
void wire_hex(FILE *f, const char *s);

/* Hex digits back to their bytes (xmalloc'ed), or NULL when s is not hex or holds a NUL. */
char *wire_unhex(const char *s);

/*
 * A string as wire_str() wrote it, in memory of its own (the caller frees
 * it), *len its length; NULL for a NULL one, or when bad (r->bad says).
 */
char *wire_get_str(struct wire_r *r, size_t *len);

#endif
