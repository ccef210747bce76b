/*
 * UTF-8 validation with an ASCII fast path: eight bytes at a time while no
 * high bit is set, which is most of any dump. See utf8.h.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

/* Length of the sequence at p, 0 when invalid, -1 when cut off at end. */
static int
seq_len(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	int n;
	unsigned lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		n = 2;
	else if (c < 0xF0) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c < 0xF5) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((size_t)i >= avail)
			return -1;
		unsigned d = p[i];
		if (i == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF))
			return 0;
	}
	return n;
}

static size_t
scan(const char *s, size_t n, int allow_cut)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		if (n - i >= 8) {
			uint64_t w, high;
			memcpy(&w, p + i, 8);
			high = w & 0x8080808080808080ULL;
			if (!high) {
				i += 8;
				continue;
			}
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/*
			 * Four two-byte sequences (Cyrillic and Kazakh words): each
			 * lead 110xxxxx and not C0/C1, each continuation 10xxxxxx.
			 */
			if ((w & 0xC0E0C0E0C0E0C0E0ULL) == 0x80C080C080C080C0ULL &&
			    (((w & 0x001E001E001E001EULL) + 0x7FFF7FFF7FFF7FFFULL) &
			     0x8000800080008000ULL) == 0x8000800080008000ULL) {
				i += 8;
				continue;
			}
			/* the ASCII bytes before the first high one */
			i += (size_t)__builtin_ctzll(high) >> 3;
#endif
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		/* two-byte sequences (Cyrillic, Kazakh) inline: most of a dump */
		if (p[i] >= 0xC2 && p[i] < 0xE0 && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		int l = seq_len(p + i, n - i);
		if (l == -1)
			return allow_cut ? (size_t)-1 : i;
		if (l == 0)
			return i;
		i += (size_t)l;
	}
	return (size_t)-1;
}

size_t
utf8_invalid(const char *p, size_t n)
{
	return scan(p, n, 0);
}

size_t
utf8_invalid_prefix(const char *p, size_t n)
{
	return scan(p, n, 1);
}

size_t
utf8_encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}
