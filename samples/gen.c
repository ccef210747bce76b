/*
 * samples/gen: the synthetic leak family, with ground truth.
 *
 * dumptrace analyze says whether a "new" dump recompiles earlier leaks.
 * To test that we need earlier leaks and a recompiled dump whose every
 * row's provenance is known. This program makes them: a population of fake
 * Kazakhstani persons (valid IINs, Kazakh and Russian names, phones,
 * e-mails, addresses, ID documents, weak passwords), five earlier leaks
 * that each hold an overlapping subset of them in their own format,
 * charset and spelling (CP1251 CSV, mysqldump, JSON Lines, pg_dump COPY,
 * a combo list), a "claimed" 2025 dump stitched together from those leaks
 * in blocks (copied, merged, updated, new, unattributed and duplicate
 * rows), a control dump of mostly new persons, and for each dump a truth
 * file with one line per row.
 *
 * Everything follows from --seed: a person is regenerated from its index
 * (hashes and a per-person xoshiro stream, no state carried from one
 * person to the next), so the output is the same on every machine and
 * memory stays at two bytes per person. Unique values (IIN, phone, e-mail,
 * document number) come from keyed bijections of the index, so no two
 * persons share one and the truth can be stated per person.
 *
 * The truth follows DESIGN.md: a row's facts are its non-empty cells; the
 * birth date agrees with the IIN and is derived data, so it is reported
 * per field but takes no part in the row's status. For each cell "fields"
 * lists every leak that holds this person's same value after normalization
 * (another spelling, case, transliteration or phone format is the same
 * value; a typo or a changed value is not) and, for a name, address or
 * birth date, holds it with one of the row's identifiers.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "samples/gen-data.h"

/* ------------------------------------------------------------------ */
/* Errors and buffers */

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* A growable byte buffer; rows are built here and flushed in bulk. */
struct buf {
	char *p;
	size_t n, cap;
};

static void
buf_grow(struct buf *b, size_t more)
{
	while (b->n + more > b->cap)
		b->cap = b->cap ? 2 * b->cap : 4096;
	b->p = xrealloc(b->p, b->cap);
}

static inline void
buf_need(struct buf *b, size_t more)
{
	if (b->n + more > b->cap)
		buf_grow(b, more);
}

static void
bputn(struct buf *b, const char *s, size_t n)
{
	buf_need(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void
bput(struct buf *b, const char *s)
{
	bputn(b, s, strlen(s));
}

static void
bputc(struct buf *b, char c)
{
	buf_need(b, 1);
	b->p[b->n++] = c;
}

static void
bputu(struct buf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	buf_need(b, (size_t)n);
	while (n)
		b->p[b->n++] = tmp[--n];
}

/* v with exactly width digits, leading zeros kept. */
static void
bputz(struct buf *b, unsigned v, int width)
{
	buf_need(b, (size_t)width);
	for (int k = width - 1; k >= 0; k--) {
		b->p[b->n + (size_t)k] = (char)('0' + v % 10);
		v /= 10;
	}
	b->n += (size_t)width;
}

/* Copy src into dst of cap bytes, cut short if need be (snprintf's
 * "%s" without its cost on the hot path). */
static void
scpy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* A NUL-terminated view of the buffer (the NUL is not counted). */
static const char *
bstr(struct buf *b)
{
	buf_need(b, 1);
	b->p[b->n] = 0;
	return b->p;
}

/* ------------------------------------------------------------------ */
/* Deterministic randomness: every draw is a function of the seed and of
 * the index of what it is drawn for, never of what came before. */

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t
h3(uint64_t seed, uint64_t i, uint64_t tag)
{
	return mix64(mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ i) + tag * 0xd6e8feb86659fd93ULL);
}

static double
unit(uint64_t h)
{
	return (double)(h >> 11) * 0x1.0p-53;
}

/* Hash tags: one per independent decision. */
enum {
	T_PERSON = 1,
	T_HASEMAIL,
	T_MEMBER,
	T_TYPO = 16,
	T_TYPOFORM = 64,
	T_NOISE = 80,
	T_REC = 96,
	T_LEAKDUP = 112,
	T_INCLUDE = 128,
	T_SOURCE,
	T_NEWPICK,
	T_ROW,
	T_FRESH,
	T_FRESHADDR,
	T_CTRLPICK,
	T_CTRLSRC,
	T_SCHED,
	T_DUMP,
	T_VARY, /* and T_VARY + 1 */
	T_KEYS = 200,
};

/* xoshiro256**, seeded through splitmix64 from (seed, index, tag). */
struct rng {
	uint64_t s[4];
};

static void
rng_init(struct rng *r, uint64_t seed, uint64_t i, uint64_t tag)
{
	uint64_t x = h3(seed, i, tag);

	for (int k = 0; k < 4; k++) {
		x += 0x9e3779b97f4a7c15ULL;
		r->s[k] = mix64(x);
	}
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

static double
rng_unit(struct rng *r)
{
	return unit(rng_next(r));
}

static unsigned
rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_unit(r) * n);
}

/*
 * A keyed bijection of [0, n): a 4-round Feistel network on the smallest
 * even number of bits that covers n, cycle-walked back into range. It
 * gives every person a unique IIN, phone and document number without a
 * table of those already handed out.
 */
static uint64_t
perm(uint64_t x, uint64_t n, uint64_t key)
{
	int bits = 2;

	while ((1ULL << bits) < n)
		bits++;
	bits += bits & 1;
	int half = bits / 2;
	uint64_t mask = (1ULL << half) - 1;
	do {
		uint64_t l = x >> half, r = x & mask;
		for (uint64_t k = 0; k < 4; k++) {
			uint64_t t = l ^ (mix64(r ^ key ^ (k << 56)) & mask);
			l = r;
			r = t;
		}
		x = (l << half) | r;
	} while (x >= n);
	return x;
}

/* ------------------------------------------------------------------ */
/* Dates (proleptic Gregorian, days since 1970-01-01). */

static int64_t
days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct date {
	int y, m, d;
};

static struct date
civil_from_days(int64_t z)
{
	struct date t;

	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	t.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	t.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	t.y = (int)(yoe + era * 400 + (t.m <= 2));
	return t;
}

static int64_t
parse_iso(const char *s)
{
	return days_from_civil(atoi(s), atoi(s + 5), atoi(s + 8));
}

enum { DF_DOT, DF_ISO, DF_COMPACT, DF_SLASH };

static void
date_put(struct buf *b, struct date t, int fmt)
{
	switch (fmt) {
	case DF_DOT:
	case DF_SLASH:
		bputz(b, (unsigned)t.d, 2);
		bputc(b, fmt == DF_DOT ? '.' : '/');
		bputz(b, (unsigned)t.m, 2);
		bputc(b, fmt == DF_DOT ? '.' : '/');
		bputz(b, (unsigned)t.y, 4);
		break;
	default:
		bputz(b, (unsigned)t.y, 4);
		if (fmt == DF_ISO)
			bputc(b, '-');
		bputz(b, (unsigned)t.m, 2);
		if (fmt == DF_ISO)
			bputc(b, '-');
		bputz(b, (unsigned)t.d, 2);
	}
}

/* ------------------------------------------------------------------ */
/* Cyrillic text: case, Kazakh letters that 8-bit charsets lack, and the
 * passport-style transliteration to Latin. */

static uint32_t
utf8_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	uint32_t c = s[0];

	if (c >= 0xf0) {
		c = ((c & 7u) << 18) | ((s[1] & 63u) << 12) | ((s[2] & 63u) << 6) | (s[3] & 63u);
		*sp += 4;
	} else if (c >= 0xe0) {
		c = ((c & 15u) << 12) | ((s[1] & 63u) << 6) | (s[2] & 63u);
		*sp += 3;
	} else if (c >= 0xc0) {
		c = ((c & 31u) << 6) | (s[1] & 63u);
		*sp += 2;
	} else {
		*sp += 1;
	}
	return c;
}

static void
bput_cp(struct buf *b, uint32_t c)
{
	if (c < 0x80) {
		bputc(b, (char)c);
	} else if (c < 0x800) {
		bputc(b, (char)(0xc0 | (c >> 6)));
		bputc(b, (char)(0x80 | (c & 63)));
	} else {
		bputc(b, (char)(0xe0 | (c >> 12)));
		bputc(b, (char)(0x80 | ((c >> 6) & 63)));
		bputc(b, (char)(0x80 | (c & 63)));
	}
}

/* The Kazakh letters used here pair as even upper / odd lower. */
static int
kz_letter(uint32_t c)
{
	return (c >= 0x492 && c <= 0x4bb) || (c >= 0x4d8 && c <= 0x4e9);
}

static uint32_t
cp_upper(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0x430 && c <= 0x44f)
		return c - 0x20;
	if (c >= 0x450 && c <= 0x45f)
		return c - 0x50;
	if (kz_letter(c) && (c & 1))
		return c - 1;
	return c;
}

static uint32_t
cp_lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (kz_letter(c) && !(c & 1))
		return c + 1;
	return c;
}

/*
 * The nine Kazakh letters: the Russian look-alike a CP1251 or KOI8-R
 * record writes instead (those charsets lack them), and their Latin.
 */
static const struct {
	uint32_t kz, ru;
	const char *lat;
} kz_letters[] = {
    {0x4d9, 0x430, "a"}, /* ә а */
    {0x493, 0x433, "g"}, /* ғ г */
    {0x49b, 0x43a, "k"}, /* қ к */
    {0x4a3, 0x43d, "n"}, /* ң н */
    {0x4e9, 0x43e, "o"}, /* ө о */
    {0x4b1, 0x443, "u"}, /* ұ у */
    {0x4af, 0x443, "u"}, /* ү у */
    {0x4bb, 0x445, "h"}, /* һ х */
    {0x456, 0x438, "i"}, /* і и */
};

static uint32_t
cp_downgrade(uint32_t c)
{
	uint32_t l = cp_lower(c);

	if (l >= 0x430 && l <= 0x44f)
		return c; /* a Russian letter already */
	for (size_t k = 0; k < NELEM(kz_letters); k++)
		if (kz_letters[k].kz == l)
			return l == c ? kz_letters[k].ru : cp_upper(kz_letters[k].ru);
	return c;
}

/*
 * Latin for one lower-case letter. Style 0 is ICAO 9303 as in Kazakhstani
 * passports (й i, ю iu, я ia); style 1 the older habit (й y, ю yu, я ya).
 */
static const char *
translit(uint32_t c, int style)
{
	static const char *const ru[32] = {
	    "a",  "b",  "v",  "g",    "d",  "e", "zh", "z", "i",  "i",  "k",
	    "l",  "m",  "n",  "o",    "p",  "r", "s",  "t", "u",  "f",  "kh",
	    "ts", "ch", "sh", "shch", "ie", "y", "",   "e", "iu", "ia",
	};
	static const char *const ru_old[32] = {
	    [0x439 - 0x430] = "y",
	    [0x44a - 0x430] = "",
	    [0x44e - 0x430] = "yu",
	    [0x44f - 0x430] = "ya",
	};

	if (c >= 0x430 && c <= 0x44f) {
		if (style && ru_old[c - 0x430])
			return ru_old[c - 0x430];
		return ru[c - 0x430];
	}
	if (c == 0x451)
		return "e"; /* ё */
	for (size_t k = 0; k < NELEM(kz_letters); k++)
		if (kz_letters[k].kz == c)
			return kz_letters[k].lat;
	return NULL; /* not a letter we transliterate: copy it */
}

/* Text rendering flags. */
enum {
	TX_UPPER = 1,     /* all capitals */
	TX_DOWNGRADE = 2, /* Kazakh letters to their Russian look-alikes */
	TX_LATIN = 4,     /* transliterate (first letter capital unless TX_UPPER) */
	TX_LOWER = 8,     /* all lower case (e-mail local parts) */
};

static void
text_put(struct buf *b, const char *s, unsigned fl, int style)
{
	int first = 1;

	while (*s) {
		uint32_t c = utf8_next(&s);
		if (fl & TX_DOWNGRADE)
			c = cp_downgrade(c);
		if (fl & TX_LATIN) {
			const char *t = translit(cp_lower(c), style);
			if (!t) {
				bput_cp(b, c);
			} else {
				for (; *t; t++) {
					char ch = *t;
					if ((fl & TX_UPPER) || (first && !(fl & TX_LOWER)))
						ch = (char)(ch - 32);
					bputc(b, ch);
					first = 0;
				}
			}
			if (c == '-' || c == ' ')
				first = 1;
			continue;
		}
		if (fl & TX_UPPER)
			c = cp_upper(c);
		else if (fl & TX_LOWER)
			c = cp_lower(c);
		bput_cp(b, c);
	}
}

/* ------------------------------------------------------------------ */
/* MD5 (RFC 1321), for the shop's password hashes and the combo list. */

static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};
/* per-round shifts, four per group of 16 rounds */
static const unsigned char md5_r[4][4] = {
    {7, 12, 17, 22},
    {5, 9, 14, 20},
    {4, 11, 16, 23},
    {6, 10, 15, 21},
};

static void
md5_block(uint32_t h[4], const unsigned char *p)
{
	uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3];

	for (int k = 0; k < 16; k++)
		w[k] = (uint32_t)p[4 * k] | (uint32_t)p[4 * k + 1] << 8 |
		       (uint32_t)p[4 * k + 2] << 16 | (uint32_t)p[4 * k + 3] << 24;
	for (int k = 0; k < 64; k++) {
		uint32_t f;
		int g;
		if (k < 16) {
			f = (b & c) | (~b & d);
			g = k;
		} else if (k < 32) {
			f = (d & b) | (~d & c);
			g = (5 * k + 1) & 15;
		} else if (k < 48) {
			f = b ^ c ^ d;
			g = (3 * k + 5) & 15;
		} else {
			f = c ^ (b | ~d);
			g = (7 * k) & 15;
		}
		uint32_t t = d;
		d = c;
		c = b;
		uint32_t x = a + f + md5_k[k] + w[g];
		int sh = md5_r[k / 16][k % 4];
		b = b + ((x << sh) | (x >> (32 - sh)));
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

static void
md5_hex(const char *s, char out[33])
{
	uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
	size_t len = strlen(s), off = 0;
	unsigned char blk[64];

	for (; len - off >= 64; off += 64)
		md5_block(h, (const unsigned char *)s + off);
	size_t rest = len - off;
	memset(blk, 0, sizeof(blk));
	memcpy(blk, s + off, rest);
	blk[rest] = 0x80;
	if (rest >= 56) {
		md5_block(h, blk);
		memset(blk, 0, sizeof(blk));
	}
	uint64_t bits = (uint64_t)len * 8;
	for (int k = 0; k < 8; k++)
		blk[56 + k] = (unsigned char)(bits >> (8 * k));
	md5_block(h, blk);
	for (int k = 0; k < 16; k++) {
		unsigned byte = (h[k / 4] >> (8 * (k % 4))) & 0xff;
		out[2 * k] = "0123456789abcdef"[byte >> 4];
		out[2 * k + 1] = "0123456789abcdef"[byte & 15];
	}
	out[32] = 0;
}

/* ------------------------------------------------------------------ */
/* Output files: rows are built in UTF-8 and converted to the file's
 * charset when the buffer is flushed (always at a row boundary). */

enum { ENC_UTF8, ENC_CP1251, ENC_KOI8R };

struct out {
	FILE *f;
	char *path;
	int enc;
	struct buf b, conv;
	uint64_t bytes;
};

static int
enc_byte(int enc, uint32_t c)
{
	/* KOI8-R orders the lower-case letters by their Latin sound. */
	static const uint16_t koi[32] = {
	    0x44e, 0x430, 0x431, 0x446, 0x434, 0x435, 0x444, 0x433, 0x445, 0x438, 0x439,
	    0x43a, 0x43b, 0x43c, 0x43d, 0x43e, 0x43f, 0x44f, 0x440, 0x441, 0x442, 0x443,
	    0x436, 0x432, 0x44c, 0x44b, 0x437, 0x448, 0x44d, 0x449, 0x447, 0x44a,
	};

	if (c < 0x80)
		return (int)c;
	if (enc == ENC_CP1251) {
		/* Ё ё І і № outside the run of А-я */
		static const uint16_t extra[][2] = {
		    {0x401, 0xa8}, {0x451, 0xb8}, {0x406, 0xb2}, {0x456, 0xb3}, {0x2116, 0xb9},
		};
		if (c >= 0x410 && c <= 0x44f)
			return (int)(0xc0 + c - 0x410);
		for (size_t k = 0; k < NELEM(extra); k++)
			if (extra[k][0] == c)
				return extra[k][1];
		return '?';
	}
	if (c == 0x451)
		return 0xa3;
	if (c == 0x401)
		return 0xb3;
	for (int k = 0; k < 32; k++) {
		if (koi[k] == c)
			return 0xc0 + k;
		if (koi[k] - 0x20u == c)
			return 0xe0 + k;
	}
	return '?';
}

static void
out_open(struct out *o, const char *dir, const char *name, int enc)
{
	size_t n = strlen(dir) + strlen(name) + 2;

	memset(o, 0, sizeof(*o));
	o->path = xrealloc(NULL, n);
	snprintf(o->path, n, "%s/%s", dir, name);
	o->f = fopen(o->path, "wb");
	if (!o->f)
		die("cannot create '%s': %s", o->path, strerror(errno));
	o->enc = enc;
}

static void
out_flush(struct out *o)
{
	const char *p = o->b.p;
	size_t n = o->b.n;

	if (o->enc != ENC_UTF8) {
		const char *s = o->b.p, *end = o->b.p + o->b.n;
		o->conv.n = 0;
		buf_need(&o->conv, o->b.n);
		while (s < end)
			o->conv.p[o->conv.n++] = (char)enc_byte(o->enc, utf8_next(&s));
		p = o->conv.p;
		n = o->conv.n;
	}
	if (n && fwrite(p, 1, n, o->f) != n)
		die("cannot write '%s': %s", o->path, strerror(errno));
	o->bytes += n;
	o->b.n = 0;
}

/* Call after each complete row: flushes once the buffer is large. */
static void
out_row(struct out *o)
{
	if (o->b.n >= (1u << 20))
		out_flush(o);
}

static void
out_close(struct out *o)
{
	out_flush(o);
	if (fclose(o->f) != 0)
		die("cannot write '%s': %s", o->path, strerror(errno));
	free(o->path);
	free(o->b.p);
	free(o->conv.p);
}

/* Escaping for the formats written. */
static void
json_str(struct buf *b, const char *s)
{
	bputc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			bputc(b, '\\');
			bputc(b, (char)c);
		} else if (c == '\n') {
			bput(b, "\\n");
		} else if (c == '\t') {
			bput(b, "\\t");
		} else if (c < 0x20) {
			char t[8];
			snprintf(t, sizeof(t), "\\u%04x", c);
			bput(b, t);
		} else {
			bputc(b, (char)c);
		}
	}
	bputc(b, '"');
}

/* A CSV cell, quoted only when it must be (as spreadsheets export). */
static void
csv_field(struct buf *b, const char *s, char delim)
{
	if (!strchr(s, delim) && !strpbrk(s, "\"\r\n")) {
		bput(b, s);
		return;
	}
	bputc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			bputc(b, '"');
		bputc(b, *s);
	}
	bputc(b, '"');
}

/* One SQL row, as a mysqldump tuple or a pg_dump COPY line. */
struct sqlrow {
	struct buf *b;
	int pg, n;
};

static void
sql_sep(struct sqlrow *r)
{
	if (r->n++)
		bputc(r->b, r->pg ? '\t' : ',');
}

static void
sql_str(struct sqlrow *r, const char *s)
{
	sql_sep(r);
	if (!r->pg)
		bputc(r->b, '\'');
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			bput(r->b, "\\\\");
			break;
		case '\n':
			bput(r->b, "\\n");
			break;
		case '\r':
			bput(r->b, "\\r");
			break;
		case '\t':
			bput(r->b, "\\t");
			break;
		case '\'':
			bput(r->b, r->pg ? "'" : "\\'");
			break;
		case '"':
			bput(r->b, r->pg ? "\"" : "\\\"");
			break;
		default:
			bputc(r->b, *s);
		}
	}
	if (!r->pg)
		bputc(r->b, '\'');
}

static void
sql_null(struct sqlrow *r)
{
	sql_sep(r);
	bput(r->b, r->pg ? "\\N" : "NULL");
}

static void
sql_int(struct sqlrow *r, uint64_t v)
{
	sql_sep(r);
	bputu(r->b, v);
}

/* ------------------------------------------------------------------ */
/* The family: leaks, columns, options. */

enum { L_VOTERS, L_SHOP, L_CLINIC, L_TELECOM, L_COMBO, NLEAK };
#define SRC_NEW NLEAK /* a row source that is no leak: a new person */
#define NSRC_BLOCK 4  /* leaks the claimed dump draws whole blocks from */

/* The columns of the dumps; also the facts a leak may hold. */
enum { C_IIN, C_NAME, C_BIRTH, C_PHONE, C_EMAIL, C_ADDR, C_DOC, NCOL };
static const char *const col_names[NCOL] = {
    "iin", "full_name", "birth_date", "phone", "email", "address", "passport",
};
#define IDENT_COLS ((1u << C_IIN) | (1u << C_PHONE) | (1u << C_EMAIL) | (1u << C_DOC))

static const struct leakdef {
	const char *name, *title, *breach, *rec_from;
	unsigned cols; /* bit per column the leak holds */
	int addr_new;  /* holds the address after a move (2021 on) */
	double share;  /* of the eligible persons */
} leakdefs[NLEAK] = {
    {"voters_2019", "Voter list extract (regional election commission)", "2019-03-18", NULL,
     (1u << C_IIN) | (1u << C_NAME) | (1u << C_BIRTH) | (1u << C_ADDR), 0, 0.60},
    {"shop_2020", "Online shop customer database", "2020-06-14", "2015-01-01",
     (1u << C_NAME) | (1u << C_PHONE) | (1u << C_EMAIL), 0, 0.35},
    {"clinic_2021", "Private clinic patient records", "2021-11-02", "2018-01-01",
     (1u << C_IIN) | (1u << C_NAME) | (1u << C_BIRTH) | (1u << C_PHONE) | (1u << C_ADDR), 1, 0.25},
    {"telecom_2022", "Mobile operator subscriber register", "2022-08-23", "2008-01-01",
     (1u << C_IIN) | (1u << C_NAME) | (1u << C_PHONE) | (1u << C_DOC) | (1u << C_ADDR), 1, 0.40},
    {"combo_2022", "E-mail:password combo list", "2022-12-05", NULL, 1u << C_EMAIL, 0, 0.35},
};

#define BIRTH_Y0 1945
#define BIRTH_Y1 2005
#define PHONE_SPACE 120000000ULL /* 12 operator codes x 10^7 */

/* The options and the per-person plan; read-only once planned. */
struct gen {
	uint64_t seed, persons, control;
	uint64_t extra_new; /* new persons past the pool of those in no leak */
	uint64_t universe;  /* persons + control + extra_new: the indices that exist */
	int variant;        /* 0 = a, 1 = b */
	int relational;     /* the SQL leaks in several tables that reference each other */
	double f_new, f_update, f_merge, f_unattr, f_dup, f_typo, f_vary;
	const char *out;
	int quiet;
	int64_t day0;
	uint64_t ndays;
	uint64_t key_iin, key_phone, key_email, key_id, key_pp;
	uint8_t *memb; /* per person: bit L set when the person is in leak L */
	uint8_t *pick; /* per person: the claimed dump's source, or PICK_* */
	uint64_t leak_rows[NLEAK], leak_persons[NLEAK];
	uint64_t claimed_rows, control_rows;
};

enum { PICK_NEW = SRC_NEW, PICK_NONE = 7 };

/* ------------------------------------------------------------------ */
/* Persons */

struct addr {
	unsigned char city, street, hsuf;
	unsigned short house, flat; /* flat 0: a house of its own */
};

struct person {
	uint64_t idx;
	int female, eth; /* eth: 0 Kazakh, 1 Russian, 2 other */
	struct date birth;
	char iin[13];
	char sur[64], sur_typo[72], first[64], patr[64]; /* canonical Cyrillic */
	int tstyle;     /* transliteration style in the shop's records */
	char phone[11]; /* national number, 10 digits */
	int has_email;
	char email[96];
	struct addr addr[2]; /* [0] to 2019, [1] from 2021 */
	int moved;
	char doc[12];
	int doc_passport;
	char password[96];
};

static int
iin_check(const char *d)
{
	static const int w2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
	int s = 0;

	for (int k = 0; k < 11; k++)
		s += (d[k] - '0') * (k + 1);
	s %= 11;
	if (s != 10)
		return s;
	s = 0;
	for (int k = 0; k < 11; k++)
		s += (d[k] - '0') * w2[k];
	s %= 11;
	return s == 10 ? -1 : s;
}

/*
 * The IIN and what it encodes. The index goes through a bijection onto
 * all (birth day, sex, serial pair) triples, so every IIN is unique and
 * birth days spread evenly over 1945-2005 whatever the population. Two
 * serials that differ in the last digit differ by 2 in the second
 * checksum and not at all in the first, so one of them is valid.
 */
static void
person_iin(const struct gen *g, uint64_t i, struct person *p)
{
	uint64_t nb = 2 * g->ndays, j = perm(i, nb * 5000, g->key_iin);
	uint64_t bucket = j % nb, block = j / nb;
	unsigned serial = 2 * (unsigned)block;
	char *d = p->iin;

	p->female = (int)(bucket & 1);
	p->birth = civil_from_days(g->day0 + (int64_t)(bucket / 2));
	for (;; serial++) {
		unsigned v[3] = {(unsigned)p->birth.y % 100, (unsigned)p->birth.m,
		                 (unsigned)p->birth.d};
		for (int k = 0; k < 3; k++) {
			d[2 * k] = (char)('0' + v[k] / 10);
			d[2 * k + 1] = (char)('0' + v[k] % 10);
		}
		d[6] = (char)('0' + (p->birth.y >= 2000 ? 5 : 3) + p->female);
		for (unsigned k = 0, x = serial; k < 4; k++, x /= 10)
			d[10 - k] = (char)('0' + x % 10);
		int c = iin_check(d);
		if (c >= 0) {
			d[11] = (char)('0' + c);
			d[12] = 0;
			return;
		}
	}
}

static int
has_email(const struct gen *g, uint64_t i)
{
	return unit(h3(g->seed, i, T_HASEMAIL)) < 0.85;
}

/* Which leaks hold person i: cheap, from the IIN and hashes only. */
static unsigned
memb_mask(const struct gen *g, uint64_t i)
{
	struct person p;
	unsigned m = 0;

	if (i >= g->persons)
		return 0;
	person_iin(g, i, &p);
	int email = has_email(g, i);
	for (int L = 0; L < NLEAK; L++) {
		if (unit(h3(g->seed, i, T_MEMBER + (uint64_t)L)) >= leakdefs[L].share)
			continue;
		if ((L == L_SHOP || L == L_COMBO) && !email)
			continue;
		if (L == L_VOTERS && p.birth.y > 2000)
			continue;
		if (L == L_SHOP && p.birth.y > 2004)
			continue;
		m |= 1u << L;
	}
	return m;
}

static int
ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && !strcmp(s + n - k, suf);
}

static void
set_str(char *dst, size_t cap, const char *a, const char *b)
{
	scpy(dst, cap, a);
	if (b) {
		size_t n = strlen(dst);
		scpy(dst + n, cap - n, b);
	}
}

/* Latin, lower case, for e-mail local parts and passwords. */
static void
latin_lower(char *dst, size_t cap, const char *s)
{
	static struct buf b; /* scratch, reused: the program has one thread */

	b.n = 0;
	text_put(&b, s, TX_LATIN | TX_LOWER, 1);
	scpy(dst, cap, bstr(&b));
}

/*
 * The surname with one transposition of two letters that stay different
 * in every spelling (after the CP1251 downgrade and in Latin), so that
 * the typo survives normalization.
 */
static void
make_typo(const char *sur, uint64_t h, char *out, size_t cap)
{
	uint32_t cp[64];
	int n = 0, cand[64], nc = 0;
	const char *s = sur;
	static struct buf b; /* scratch */

	while (*s && n < 64)
		cp[n++] = utf8_next(&s);
	for (int k = 1; k + 1 < n; k++) {
		const char *a = translit(cp_lower(cp[k]), 0), *c = translit(cp_lower(cp[k + 1]), 0);
		if (a && c && *a && *c && strcmp(a, c) &&
		    cp_downgrade(cp[k]) != cp_downgrade(cp[k + 1]))
			cand[nc++] = k;
	}
	if (nc) {
		int k = cand[h % (uint64_t)nc];
		uint32_t t = cp[k];
		cp[k] = cp[k + 1];
		cp[k + 1] = t;
	} else {
		cp[n] = cp[n - 1]; /* too short to swap: double the last letter */
		n++;
	}
	b.n = 0;
	for (int k = 0; k < n; k++)
		bput_cp(&b, cp[k]);
	scpy(out, cap, bstr(&b));
}

static unsigned
pick_weighted(struct rng *r, const unsigned *w, unsigned n, size_t stride)
{
	unsigned total = 0, x;

	for (unsigned k = 0; k < n; k++)
		total += *(const unsigned *)((const char *)w + k * stride);
	x = rng_below(r, total);
	for (unsigned k = 0; k < n; k++) {
		unsigned wk = *(const unsigned *)((const char *)w + k * stride);
		if (x < wk)
			return k;
		x -= wk;
	}
	return n - 1;
}

static void
make_addr(struct rng *r, struct addr *a)
{
	a->city =
	    (unsigned char)pick_weighted(r, &cities[0].weight, NELEM(cities), sizeof(cities[0]));
	a->street = (unsigned char)rng_below(r, cities[a->city].nstreets);
	/* small house numbers are the common ones */
	a->house = (unsigned short)(1 + rng_below(r, rng_unit(r) < 0.7 ? 60 : 240));
	a->hsuf = rng_unit(r) < 0.05 ? (unsigned char)(1 + rng_below(r, 3)) : 0;
	a->flat = rng_unit(r) < 0.75 ? (unsigned short)(1 + rng_below(r, 250)) : 0;
}

static int
addr_eq(const struct addr *a, const struct addr *b)
{
	return a->city == b->city && a->street == b->street && a->house == b->house &&
	       a->hsuf == b->hsuf && a->flat == b->flat;
}

/* "г. Алматы, ул. Сатпаева, д. 15, кв. 42"; a typo drops or adds a digit. */
static void
addr_put(struct buf *b, const struct addr *a0, int typo, unsigned fl)
{
	static const char *const suf[] = {"", "А", "/1", "/2"};
	struct addr a = *a0;
	static struct buf t; /* scratch */

	if (typo) {
		if (a.flat)
			a.flat = a.flat >= 10 ? a.flat / 10 : a.flat + 10;
		else
			a.house = a.house >= 10 ? a.house / 10 : a.house + 10;
	}
	t.n = 0;
	bput(&t, "г. ");
	bput(&t, cities[a.city].name);
	bput(&t, ", ");
	bput(&t, cities[a.city].streets[a.street]);
	bput(&t, ", д. ");
	bputu(&t, a.house);
	bput(&t, suf[a.hsuf]);
	if (a.flat) {
		bput(&t, ", кв. ");
		bputu(&t, a.flat);
	}
	text_put(b, bstr(&t), fl, 0);
}

static void
make_phone(const struct gen *g, uint64_t x, char out[11])
{
	uint64_t k = perm(x, PHONE_SPACE, g->key_phone);
	unsigned sub = (unsigned)(k % 10000000);

	memcpy(out, phone_ops[k / 10000000], 3);
	for (int d = 9; d >= 3; d--, sub /= 10)
		out[d] = (char)('0' + sub % 10);
	out[10] = 0;
}

/*
 * A local part built from the name, then a number that is a bijection of
 * the index: the trailing digits alone tell persons apart, so no two
 * persons (nor a person's later address) share an e-mail.
 */
static void
make_email(const struct gen *g, const struct person *p, uint64_t x, struct rng *r, char *out,
           size_t cap)
{
	char f[64], s[64];
	unsigned dom;
	uint64_t num = perm(x, 2 * g->universe, g->key_email) + 1;

	latin_lower(f, sizeof(f), p->first);
	latin_lower(s, sizeof(s), p->sur);
	dom = pick_weighted(r, &email_domains[0].weight, NELEM(email_domains),
	                    sizeof(email_domains[0]));
	const char *d = email_domains[dom].domain;
	/* local part styles: first.last, last.first, first_last, f.last, last, first */
	static struct buf b; /* scratch */
	unsigned style = rng_below(r, 6);
	const char *a = style == 1 || style == 4 ? s : f, *z = style == 1 ? f : s;
	b.n = 0;
	if (style == 3)
		bputc(&b, f[0]);
	else
		bput(&b, a);
	if (style < 4) {
		bputc(&b, style == 2 ? '_' : '.');
		bput(&b, z);
	}
	bputu(&b, num);
	bputc(&b, '@');
	bput(&b, d);
	scpy(out, cap, bstr(&b));
}

static void
person_make(const struct gen *g, uint64_t i, struct person *p)
{
	struct rng r;
	double u;

	p->idx = i;
	person_iin(g, i, p);
	p->has_email = has_email(g, i);
	rng_init(&r, g->seed, i, T_PERSON);
	u = rng_unit(&r);
	p->eth = u < 0.65 ? 0 : u < 0.93 ? 1 : 2;
	const char *fa;
	if (p->eth == 0) {
		const char *s = kz_surnames[rng_below(&r, NELEM(kz_surnames))];
		set_str(p->sur, sizeof(p->sur), s,
		        p->female &&
		                (ends_with(s, "ов") || ends_with(s, "ев") || ends_with(s, "ин"))
		            ? "а"
		            : NULL);
		set_str(p->first, sizeof(p->first),
		        p->female ? kz_female[rng_below(&r, NELEM(kz_female))]
		                  : kz_male[rng_below(&r, NELEM(kz_male))],
		        NULL);
		fa = kz_male[rng_below(&r, NELEM(kz_male))];
		u = rng_unit(&r);
		if (u < 0.60) {
			/* Russian-style patronymic, from the Russian spelling of the name */
			static struct buf t; /* scratch */
			t.n = 0;
			text_put(&t, fa, TX_DOWNGRADE, 0);
			bput(&t, p->female ? "овна" : "ович");
			set_str(p->patr, sizeof(p->patr), bstr(&t), NULL);
		} else if (u < 0.95) {
			set_str(p->patr, sizeof(p->patr), fa, p->female ? "қызы" : "ұлы");
		} else {
			p->patr[0] = 0;
		}
	} else {
		const char *s = p->eth == 1 ? ru_surnames[rng_below(&r, NELEM(ru_surnames))]
		                            : other_surnames[rng_below(&r, NELEM(other_surnames))];
		set_str(p->sur, sizeof(p->sur), s, p->female && p->eth == 1 ? "а" : NULL);
		set_str(p->first, sizeof(p->first),
		        p->female ? ru_female[rng_below(&r, NELEM(ru_female))]
		                  : ru_male[rng_below(&r, NELEM(ru_male))][0],
		        NULL);
		fa = ru_male[rng_below(&r, NELEM(ru_male))][1];
		if (p->eth == 2 && rng_unit(&r) < 0.1)
			p->patr[0] = 0;
		else
			set_str(p->patr, sizeof(p->patr), fa, p->female ? "на" : "ич");
	}
	make_typo(p->sur, h3(g->seed, i, T_TYPOFORM), p->sur_typo, sizeof(p->sur_typo));
	p->tstyle = rng_unit(&r) < 0.3;
	make_phone(g, i, p->phone);
	if (p->has_email)
		make_email(g, p, i, &r, p->email, sizeof(p->email));
	else
		p->email[0] = 0;
	make_addr(&r, &p->addr[0]);
	p->moved = rng_unit(&r) < 0.15;
	p->addr[1] = p->addr[0];
	while (p->moved && addr_eq(&p->addr[1], &p->addr[0]))
		make_addr(&r, &p->addr[1]);
	p->doc_passport = rng_unit(&r) < 0.3;
	unsigned num = (unsigned)perm(i, 100000000, p->doc_passport ? g->key_pp : g->key_id);
	p->doc[0] = p->doc_passport ? 'N' : '0';
	for (int d = 8; d >= 1; d--, num /= 10)
		p->doc[d] = (char)('0' + num % 10);
	p->doc[9] = 0;
	u = rng_unit(&r);
	/* a weak password: from the list, or a name with a year or 123 */
	char f[64], y[8];
	latin_lower(f, sizeof(f), u < 0.9 ? p->first : p->sur);
	y[0] = (char)('0' + p->birth.y / 1000);
	y[1] = (char)('0' + p->birth.y / 100 % 10);
	y[2] = (char)('0' + p->birth.y / 10 % 10);
	y[3] = (char)('0' + p->birth.y % 10);
	y[4] = 0;
	if (u < 0.55)
		scpy(p->password, sizeof(p->password),
		     weak_passwords[rng_below(&r, NELEM(weak_passwords))]);
	else
		set_str(p->password, sizeof(p->password), f, u < 0.8 ? y : u < 0.9 ? "123" : y + 2);
}

/* ------------------------------------------------------------------ */
/* Facts: which value of a person a leak holds, and how to write it. */

#define VAR_FRESH 8 /* a value in no leak: the compiler's update */
#define VAR_NONE (-1)

static int
typo(const struct gen *g, int L, uint64_t i, int c)
{
	if (c != C_NAME && c != C_PHONE && c != C_EMAIL && c != C_ADDR)
		return 0;
	return unit(h3(g->seed, i, T_TYPO + (uint64_t)(L * NCOL + c))) < g->f_typo;
}

/* The version of fact c that leak L holds for p: values are equal
 * after normalization exactly when their versions are. */
static int
fact_var(const struct gen *g, int L, const struct person *p, int c)
{
	int t = typo(g, L, p->idx, c);

	if (c == C_ADDR)
		return (p->moved && leakdefs[L].addr_new) + 2 * t;
	return t;
}

static int
holds(const struct gen *g, int L, const struct person *p, int c)
{
	if (!(g->memb[p->idx] & (1u << L)) || !(leakdefs[L].cols & (1u << c)))
		return 0;
	return c != C_EMAIL || p->has_email;
}

/* Phone formats: X is a digit of the national number. */
enum { PF_PLUS, PF_8PAREN, PF_7, PF_PLUS_SP, PF_8, PF_PLUS_PAREN, PF_8SP, PF_PLUS_SP2 };
static const char *const phone_fmts[] = {
    "+7XXXXXXXXXX", "8 (XXX) XXX-XX-XX",  "7XXXXXXXXXX",     "+7 XXX XXX XXXX",
    "8XXXXXXXXXX",  "+7 (XXX) XXX-XX-XX", "8 XXX XXX XX XX", "+7 XXX XXXXXXX",
};

/* Digits into a format; see phone_fmts. */
static void
phone_put(struct buf *b, const char *digits, int fmt)
{
	const char *t = phone_fmts[fmt];
	size_t start = b->n;

	for (; *t; t++) {
		if (*t != 'X') {
			bputc(b, *t);
			continue;
		}
		if (!*digits)
			break;
		bputc(b, *digits++);
	}
	/* a short (mistyped) number: no dangling separators */
	while (b->n > start && !(b->p[b->n - 1] >= '0' && b->p[b->n - 1] <= '9'))
		b->n--;
}

/* The phone digits of version v: a typo drops one subscriber digit. */
static void
phone_digits(const struct gen *g, const struct person *p, int v, char out[12])
{
	if (v == VAR_FRESH) {
		make_phone(g, g->universe + p->idx, out);
		return;
	}
	memcpy(out, p->phone, 11);
	if (v == 1) {
		int k = 3 + (int)(h3(g->seed, p->idx, T_TYPOFORM + C_PHONE) % 7);
		memmove(out + k, out + k + 1, (size_t)(10 - k));
	}
}

static void
email_value(const struct gen *g, const struct person *p, int v, char *out, size_t cap)
{
	if (v == VAR_FRESH) {
		struct rng r;
		rng_init(&r, g->seed, p->idx, T_FRESH);
		make_email(g, p, g->universe + p->idx, &r, out, cap);
		return;
	}
	scpy(out, cap, p->email);
	if (v == 1) {
		/* swap two letters of the domain: gmail.com -> gamil.com */
		char *d = strchr(out, '@') + 1, *dot = strchr(d, '.');
		int k = dot - d >= 3 ? 1 : 0;
		char t = d[k];
		d[k] = d[k + 1];
		d[k + 1] = t;
	}
}

static void
fresh_addr(const struct gen *g, const struct person *p, struct addr *a)
{
	struct rng r;

	rng_init(&r, g->seed, p->idx, T_FRESHADDR);
	do
		make_addr(&r, a);
	while (addr_eq(a, &p->addr[0]) || addr_eq(a, &p->addr[1]));
}

/* Version v of the person's address into b; its city. */
static unsigned
addr_value(const struct gen *g, const struct person *p, int v, struct buf *b, unsigned fl)
{
	struct addr a;

	if (v == VAR_FRESH) {
		fresh_addr(g, p, &a);
		addr_put(b, &a, 0, fl);
		return a.city;
	}
	addr_put(b, &p->addr[v & 1], v >> 1, fl);
	return p->addr[v & 1].city;
}

/* Name styles. */
enum {
	NM_PATR = 16,       /* with the patronymic */
	NM_FIRSTFIRST = 32, /* first name before the surname */
	NM_DBLSPACE = 64,   /* noise: two spaces after the surname */
};

/* Surname, first name and maybe the patronymic, with the typo of
 * version 1, written the way fl says. */
static void
name_put(struct buf *b, const struct person *p, int v, unsigned fl)
{
	const char *sur = v ? p->sur_typo : p->sur;
	const char *a = fl & NM_FIRSTFIRST ? p->first : sur,
	           *c = fl & NM_FIRSTFIRST ? sur : p->first;
	unsigned tx = fl & 15;

	text_put(b, a, tx, p->tstyle);
	bput(b, fl & NM_DBLSPACE ? "  " : " ");
	text_put(b, c, tx, p->tstyle);
	if ((fl & NM_PATR) && p->patr[0]) {
		bputc(b, ' ');
		text_put(b, p->patr, tx, p->tstyle);
	}
}

/* Harmless noise for 1% of a leak's rows (kind: which of a few). */
static int
noise(const struct gen *g, int L, uint64_t i, int *kind)
{
	uint64_t h = h3(g->seed, i, T_NOISE + (uint64_t)L);

	*kind = (int)((h >> 3) & 3);
	return unit(h) < 0.01;
}

/* A day between two ISO dates, both included. */
static struct date
rand_date(struct rng *r, const char *from, const char *to)
{
	int64_t a = parse_iso(from), b = parse_iso(to);
	return civil_from_days(a + (int64_t)rng_below(r, (unsigned)(b - a + 1)));
}

/* ------------------------------------------------------------------ */
/* The earlier leaks */

/* A table of a relational leak after its first, written apart and appended at the end. */
struct sqltab {
	struct out o;
	const char *table;
	const struct fkdef *fk;
	uint64_t id, batch;
};

struct leakw {
	int L;
	struct out o;
	const char *file, *table;
	const struct fkdef *fk; /* the first table's foreign key (--relational) */
	uint64_t rows, id, batch;
	int first;
	struct sqltab aux[2]; /* --relational: the tables it references or that reference it */
	int naux;
	struct {
		uint64_t person;
		unsigned wait;
	} pend[64];
	unsigned npend;
};

/* A foreign key of a relational leak's table (--relational): column, table it references. */
struct fkdef {
	const char *col, *table;
};

/* What mysqldump 5.7 writes before a table's data: its structure, then the lock. */
static void
mysql_table(struct out *o, const char *table, const char *const cols[][3], int ncols,
            const struct fkdef *fk)
{
	struct buf *b = &o->b;

	bput(b, "--\n-- Table structure for table `");
	bput(b, table);
	bput(b, "`\n--\n\nDROP TABLE IF EXISTS `");
	bput(b, table);
	bput(b, "`;\n/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
	        "/*!40101 SET character_set_client = utf8 */;\nCREATE TABLE `");
	bput(b, table);
	bput(b, "` (\n");
	for (int k = 0; k < ncols; k++) {
		bput(b, "  `");
		bput(b, cols[k][0]);
		bput(b, "` ");
		bput(b, cols[k][1]);
		bput(b, ",\n");
	}
	bput(b, "  PRIMARY KEY (`id`)");
	if (fk) {
		/* as mysqldump writes them: the index, then the constraint */
		bput(b, ",\n  KEY `");
		bput(b, fk->col);
		bput(b, "` (`");
		bput(b, fk->col);
		bput(b, "`),\n  CONSTRAINT `");
		bput(b, table);
		bput(b, "_ibfk_1` FOREIGN KEY (`");
		bput(b, fk->col);
		bput(b, "`) REFERENCES `");
		bput(b, fk->table);
		bput(b, "` (`id`)");
	}
	bput(b, "\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
	        "/*!40101 SET character_set_client = @saved_cs_client */;\n\n"
	        "--\n-- Dumping data for table `");
	bput(b, table);
	bput(b, "`\n--\n\nLOCK TABLES `");
	bput(b, table);
	bput(b, "` WRITE;\n/*!40000 ALTER TABLE `");
	bput(b, table);
	bput(b, "` DISABLE KEYS */;\n");
}

/* What mysqldump writes after a table's data. */
static void
mysql_table_end(struct out *o, const char *table)
{
	struct buf *b = &o->b;

	bput(b, "/*!40000 ALTER TABLE `");
	bput(b, table);
	bput(b, "` ENABLE KEYS */;\nUNLOCK TABLES;\n");
}

/* What mysqldump 5.7 writes before the first table. */
static void
mysql_header(struct out *o, const char *db)
{
	struct buf *b = &o->b;

	bput(b, "-- MySQL dump 10.13  Distrib 5.7.29, for Linux (x86_64)\n--\n-- Host: localhost   "
	        " Database: ");
	bput(b, db);
	bput(b,
	     "\n-- ------------------------------------------------------\n"
	     "-- Server version\t5.7.29-0ubuntu0.18.04.1\n\n"
	     "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
	     "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n"
	     "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n"
	     "/*!40101 SET NAMES utf8mb4 */;\n"
	     "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n"
	     "/*!40103 SET TIME_ZONE='+00:00' */;\n"
	     "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n"
	     "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
	     "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
	     "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n\n");
}

/* What mysqldump writes after the last table. */
static void
mysql_footer(struct out *o, const char *when)
{
	struct buf *b = &o->b;

	bput(b, "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\n"
	        "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
	        "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n"
	        "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n"
	        "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
	        "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n"
	        "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n"
	        "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n-- Dump completed on ");
	bput(b, when);
	bput(b, "  3:12:44\n");
}

/* What pg_dump 12 writes before the first table. */
static void
pg_header(struct out *o)
{
	struct buf *b = &o->b;

	bput(b, "--\n-- PostgreSQL database dump\n--\n\n"
	        "-- Dumped from database version 12.9 (Ubuntu 12.9-0ubuntu0.20.04.1)\n"
	        "-- Dumped by pg_dump version 12.9 (Ubuntu 12.9-0ubuntu0.20.04.1)\n\n"
	        "SET statement_timeout = 0;\nSET lock_timeout = 0;\n"
	        "SET idle_in_transaction_session_timeout = 0;\nSET client_encoding = 'UTF8';\n"
	        "SET standard_conforming_strings = on;\n"
	        "SELECT pg_catalog.set_config('search_path', '', false);\n"
	        "SET check_function_bodies = false;\nSET xmloption = content;\n"
	        "SET client_min_messages = warning;\nSET row_security = off;\n\n"
	        "SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n");
}

/* What pg_dump 12 writes before a table's data: the table, then COPY. */
static void
pg_table(struct out *o, const char *owner, const char *table, const char *const cols[][3],
         int ncols)
{
	struct buf *b = &o->b;

	bput(b, "--\n-- Name: ");
	bput(b, table);
	bput(b, "; Type: TABLE; Schema: public; Owner: ");
	bput(b, owner);
	bput(b, "\n--\n\nCREATE TABLE public.");
	bput(b, table);
	bput(b, " (\n");
	for (int k = 0; k < ncols; k++) {
		bput(b, "    ");
		bput(b, cols[k][0]);
		bputc(b, ' ');
		bput(b, cols[k][2]);
		bput(b, k + 1 < ncols ? ",\n" : "\n");
	}
	bput(b, ");\n\n\nALTER TABLE public.");
	bput(b, table);
	bput(b, " OWNER TO ");
	bput(b, owner);
	bput(b, ";\n\n--\n-- Data for Name: ");
	bput(b, table);
	bput(b, "; Type: TABLE DATA; Schema: public; Owner: ");
	bput(b, owner);
	bput(b, "\n--\n\nCOPY public.");
	bput(b, table);
	bput(b, " (");
	for (int k = 0; k < ncols; k++) {
		bput(b, cols[k][0]);
		bput(b, k + 1 < ncols ? ", " : ") FROM stdin;\n");
	}
}

/* A table's constraint as pg_dump writes it after the data: its primary key, or fk. */
static void
pg_constraint(struct out *o, const char *owner, const char *table, const struct fkdef *fk)
{
	struct buf *b = &o->b;

	bput(b, "--\n-- Name: ");
	bput(b, table);
	bputc(b, ' ');
	bput(b, table);
	if (fk) {
		bputc(b, '_');
		bput(b, fk->col);
	}
	bput(b, fk ? "_fkey; Type: FK CONSTRAINT; Schema: public; Owner: "
	           : "_pkey; Type: CONSTRAINT; Schema: public; Owner: ");
	bput(b, owner);
	bput(b, "\n--\n\nALTER TABLE ONLY public.");
	bput(b, table);
	bput(b, "\n    ADD CONSTRAINT ");
	bput(b, table);
	if (fk) {
		bputc(b, '_');
		bput(b, fk->col);
		bput(b, "_fkey FOREIGN KEY (");
		bput(b, fk->col);
		bput(b, ") REFERENCES public.");
		bput(b, fk->table);
		bput(b, "(id);\n\n\n");
	} else {
		bput(b, "_pkey PRIMARY KEY (id);\n\n\n");
	}
}

/* name, MySQL type, PostgreSQL type */
static const char *const shop_cols[][3] = {
    {"id", "int(11) NOT NULL AUTO_INCREMENT", "integer NOT NULL"},
    {"first_name", "varchar(64) DEFAULT NULL", "character varying(64)"},
    {"last_name", "varchar(64) DEFAULT NULL", "character varying(64)"},
    {"email", "varchar(128) DEFAULT NULL", "character varying(128)"},
    {"phone", "varchar(32) DEFAULT NULL", "character varying(32)"},
    {"password_hash", "char(32) DEFAULT NULL", "character(32)"},
    {"city", "varchar(64) DEFAULT NULL", "character varying(64)"},
    {"created_at", "datetime DEFAULT NULL", "timestamp without time zone"},
    {"delivery_note", "text", "text"},
};
static const char *const telecom_cols[][3] = {
    {"id", "int(11) NOT NULL AUTO_INCREMENT", "integer NOT NULL"},
    {"msisdn", "varchar(16) DEFAULT NULL", "character varying(16)"},
    {"iin", "char(12) DEFAULT NULL", "character(12)"},
    {"full_name", "varchar(255) DEFAULT NULL", "character varying(255)"},
    {"doc_type", "varchar(32) DEFAULT NULL", "character varying(32)"},
    {"doc_number", "varchar(16) DEFAULT NULL", "character varying(16)"},
    {"address", "varchar(255) DEFAULT NULL", "character varying(255)"},
    {"contract_date", "date DEFAULT NULL", "date"},
    {"tariff", "varchar(64) DEFAULT NULL", "character varying(64)"},
};

/*
 * --relational: the shop's customers keep their phones in a table of
 * their own (phones.customer_id REFERENCES customers) and their city by
 * its id; the operator's subscribers their address by its id
 * (subscribers.address_id REFERENCES addresses, addresses.city_id
 * REFERENCES cities). The claimed dump, which has the phone beside the
 * name and the address beside the IIN, then joins the leak's tables.
 */
static const char *const shop_rel_cols[][3] = {
    {"id", "int(11) NOT NULL AUTO_INCREMENT", "integer NOT NULL"},
    {"first_name", "varchar(64) DEFAULT NULL", "character varying(64)"},
    {"last_name", "varchar(64) DEFAULT NULL", "character varying(64)"},
    {"email", "varchar(128) DEFAULT NULL", "character varying(128)"},
    {"password_hash", "char(32) DEFAULT NULL", "character(32)"},
    {"city_id", "int(11) DEFAULT NULL", "integer"},
    {"created_at", "datetime DEFAULT NULL", "timestamp without time zone"},
    {"delivery_note", "text", "text"},
};
static const char *const phones_cols[][3] = {
    {"id", "int(11) NOT NULL AUTO_INCREMENT", "integer NOT NULL"},
    {"customer_id", "int(11) NOT NULL", "integer NOT NULL"},
    {"phone", "varchar(32) DEFAULT NULL", "character varying(32)"},
};
static const char *const telecom_rel_cols[][3] = {
    {"id", "int(11) NOT NULL AUTO_INCREMENT", "integer NOT NULL"},
    {"msisdn", "varchar(16) DEFAULT NULL", "character varying(16)"},
    {"iin", "char(12) DEFAULT NULL", "character(12)"},
    {"full_name", "varchar(255) DEFAULT NULL", "character varying(255)"},
    {"doc_type", "varchar(32) DEFAULT NULL", "character varying(32)"},
    {"doc_number", "varchar(16) DEFAULT NULL", "character varying(16)"},
    {"address_id", "int(11) DEFAULT NULL", "integer"},
    {"contract_date", "date DEFAULT NULL", "date"},
    {"tariff", "varchar(64) DEFAULT NULL", "character varying(64)"},
};
static const char *const addresses_cols[][3] = {
    {"id", "int(11) NOT NULL AUTO_INCREMENT", "integer NOT NULL"},
    {"address", "varchar(255) DEFAULT NULL", "character varying(255)"},
    {"city_id", "int(11) DEFAULT NULL", "integer"},
};
static const char *const cities_cols[][3] = {
    {"id", "int(11) NOT NULL AUTO_INCREMENT", "integer NOT NULL"},
    {"city", "varchar(64) DEFAULT NULL", "character varying(64)"},
};
static const struct fkdef fk_city = {"city_id", "cities"}, fk_customer = {"customer_id", "customers"},
                          fk_address = {"address_id", "addresses"};

/* The SQL leaks: mysqldump writes 1000 tuples per INSERT, pg_dump COPY
 * one line per row. Variant b swaps the two dialects. */
static int
leak_is_pg(const struct gen *g, int L)
{
	return (L == L_TELECOM) != (g->variant == 1);
}

static const char *const leak_files[2][NLEAK] = {
    {"voters_2019.csv", "shop_2020.sql", "clinic_2021.jsonl", "telecom_2022.sql", "combo_2022.txt"},
    {"voters_2019.tsv", "shop_2020.sql", "clinic_2021.json", "telecom_2022.sql", "combo_2022.txt"},
};

static const char *
leak_format(const struct gen *g, int L)
{
	switch (L) {
	case L_VOTERS:
		return g->variant ? "tsv" : "csv";
	case L_SHOP:
	case L_TELECOM:
		return leak_is_pg(g, L) ? "pg_dump" : "mysqldump";
	case L_CLINIC:
		return g->variant ? "json" : "jsonl";
	}
	return "combo";
}

static void aux_begin(const struct gen *g, struct leakw *w, const char *owner);
static void aux_end(const struct gen *g, struct leakw *w);
static void sql_table_end(int pg, struct out *o, const char *table, uint64_t batch);

static void
leak_begin(const struct gen *g, struct leakw *w, int L)
{
	struct buf *b;

	memset(w, 0, sizeof(*w));
	w->L = L;
	w->first = 1;
	w->file = leak_files[g->variant][L];
	out_open(&w->o, g->out, w->file,
	         L == L_VOTERS ? (g->variant ? ENC_KOI8R : ENC_CP1251) : ENC_UTF8);
	b = &w->o.b;
	switch (L) {
	case L_VOTERS:
		if (g->variant)
			bput(b, "ИИН\tФамилия\tИмя\tОтчество\tДата рождения\tАдрес\n");
		else
			bput(b, "ИИН;ФИО;Дата рождения;Адрес\r\n");
		break;
	case L_SHOP:
	case L_TELECOM: {
		int pg = leak_is_pg(g, L);
		const char *db = L == L_SHOP ? "shop" : "billing";
		const char *const(*cols)[3] = L == L_SHOP ? shop_cols : telecom_cols;
		int ncols = 9;
		w->table = L == L_SHOP ? "customers" : "subscribers";
		if (g->relational) {
			cols = L == L_SHOP ? shop_rel_cols : telecom_rel_cols;
			ncols = L == L_SHOP ? (int)NELEM(shop_rel_cols) : (int)NELEM(telecom_rel_cols);
			w->fk = L == L_SHOP ? &fk_city : &fk_address;
		}
		if (pg) {
			pg_header(&w->o);
			pg_table(&w->o, db, w->table, cols, ncols);
		} else {
			mysql_header(&w->o, db);
			mysql_table(&w->o, w->table, cols, ncols, w->fk);
		}
		if (g->relational)
			aux_begin(g, w, db);
		break;
	}
	case L_CLINIC:
		if (g->variant)
			bput(b, "[\n");
		break;
	}
}

static void
leak_end(const struct gen *g, struct leakw *w)
{
	struct buf *b = &w->o.b;

	switch (w->L) {
	case L_SHOP:
	case L_TELECOM:
		sql_table_end(leak_is_pg(g, w->L), &w->o, w->table, w->batch);
		aux_end(g, w);
		if (leak_is_pg(g, w->L)) {
			const char *owner = w->L == L_SHOP ? "shop" : "billing";
			pg_constraint(&w->o, owner, w->table, NULL);
			for (int k = 0; k < w->naux; k++)
				pg_constraint(&w->o, owner, w->aux[k].table, NULL);
			if (w->fk)
				pg_constraint(&w->o, owner, w->table, w->fk);
			for (int k = 0; k < w->naux; k++)
				if (w->aux[k].fk)
					pg_constraint(&w->o, owner, w->aux[k].table, w->aux[k].fk);
			bput(b, "--\n-- PostgreSQL database dump complete\n--\n\n");
		} else {
			mysql_footer(&w->o, leakdefs[w->L].breach);
		}
		break;
	case L_CLINIC:
		if (g->variant)
			bput(b, "\n]\n");
		break;
	}
	out_close(&w->o);
}

/* A row of table into b, the batch-th of its INSERT (mysqldump). */
static void
sql_row_open(int pg, struct buf *b, const char *table, uint64_t batch, struct sqlrow *r)
{
	r->b = b;
	r->pg = pg;
	r->n = 0;
	if (r->pg)
		return;
	if (batch == 0) {
		bput(r->b, "INSERT INTO `");
		bput(r->b, table);
		bput(r->b, "` VALUES (");
	} else {
		bput(r->b, ",(");
	}
}

static void
sql_row_close(struct sqlrow *r, uint64_t *batch)
{
	if (r->pg) {
		bputc(r->b, '\n');
		return;
	}
	bputc(r->b, ')');
	if (++*batch == 1000) {
		bput(r->b, ";\n");
		*batch = 0;
	}
}

static void
sql_row_begin(const struct gen *g, struct leakw *w, struct sqlrow *r)
{
	sql_row_open(leak_is_pg(g, w->L), &w->o.b, w->table, w->batch, r);
}

static void
sql_row_end(struct leakw *w, struct sqlrow *r)
{
	sql_row_close(r, &w->batch);
}

/* The end of a table's data: the last INSERT's ';' and the unlock, or COPY's end. */
static void
sql_table_end(int pg, struct out *o, const char *table, uint64_t batch)
{
	if (pg) {
		bput(&o->b, "\\.\n\n\n");
		return;
	}
	if (batch)
		bput(&o->b, ";\n");
	mysql_table_end(o, table);
}

/* The other tables of a relational leak: opened apart; the cities written at once. */
static void
aux_begin(const struct gen *g, struct leakw *w, const char *owner)
{
	int pg = leak_is_pg(g, w->L), shop = w->L == L_SHOP;
	static const char *const names[2][2] = {{"addresses", "cities"}, {"phones", "cities"}};
	const char *const(*cols[2])[3] = {shop ? phones_cols : addresses_cols, cities_cols};
	int ncols[2] = {shop ? (int)NELEM(phones_cols) : (int)NELEM(addresses_cols),
	                (int)NELEM(cities_cols)};
	char part[256];

	w->naux = 2;
	for (int k = 0; k < 2; k++) {
		struct sqltab *t = &w->aux[k];
		snprintf(part, sizeof(part), "%s.part%d", w->file, k);
		out_open(&t->o, g->out, part, ENC_UTF8);
		t->table = names[shop][k];
		t->fk = k ? NULL : shop ? &fk_customer : &fk_city;
		if (pg) {
			pg_table(&t->o, owner, t->table, cols[k], ncols[k]);
		} else {
			bputc(&t->o.b, '\n');
			mysql_table(&t->o, t->table, cols[k], ncols[k], t->fk);
		}
	}
	struct sqltab *c = &w->aux[1];
	for (size_t i = 0; i < NELEM(cities); i++) {
		struct sqlrow q;
		static struct buf t;
		sql_row_open(pg, &c->o.b, c->table, c->batch, &q);
		sql_int(&q, ++c->id);
		t.n = 0;
		text_put(&t, cities[i].name, shop ? TX_LATIN : 0, 0);
		sql_str(&q, bstr(&t));
		sql_row_close(&q, &c->batch);
	}
}

/* The other tables ended and appended to the leak's file, in order. */
static void
aux_end(const struct gen *g, struct leakw *w)
{
	int pg = leak_is_pg(g, w->L);
	char buf[1 << 16];

	out_flush(&w->o);
	for (int k = 0; k < w->naux; k++) {
		struct sqltab *t = &w->aux[k];
		char *path = xrealloc(NULL, strlen(t->o.path) + 1);
		strcpy(path, t->o.path);
		sql_table_end(pg, &t->o, t->table, t->batch);
		out_close(&t->o);
		FILE *f = fopen(path, "rb");
		size_t n;
		if (!f)
			die("cannot read '%s': %s", path, strerror(errno));
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			if (fwrite(buf, 1, n, w->o.f) != n)
				die("cannot write '%s': %s", w->o.path, strerror(errno));
			w->o.bytes += n;
		}
		if (ferror(f))
			die("cannot read '%s': %s", path, strerror(errno));
		fclose(f);
		if (remove(path) != 0)
			die("cannot remove '%s': %s", path, strerror(errno));
		free(path);
	}
}

/* One row per leak and format; each draws its own record values (dates,
 * notes) from a stream of its own, so a duplicate row comes out the same. */
static void
voters_row(const struct gen *g, struct leakw *w, const struct person *p)
{
	struct buf *b = &w->o.b;
	int kind, nz = noise(g, L_VOTERS, p->idx, &kind);
	int nv = fact_var(g, L_VOTERS, p, C_NAME), av = fact_var(g, L_VOTERS, p, C_ADDR);
	unsigned fl = TX_UPPER | TX_DOWNGRADE;

	bput(b, p->iin);
	if (g->variant) {
		/* KOI8-R, tab-separated, the name in three columns */
		bputc(b, '\t');
		text_put(b, nv ? p->sur_typo : p->sur, fl, 0);
		if (nz && kind == 0)
			bputc(b, ' ');
		bputc(b, '\t');
		text_put(b, p->first, fl, 0);
		bputc(b, '\t');
		text_put(b, p->patr, fl, 0);
		bputc(b, '\t');
	} else {
		bputc(b, ';');
		name_put(b, p, nv, fl | NM_PATR | (nz && kind == 0 ? NM_DBLSPACE : 0));
		if (nz && kind == 1)
			bputc(b, ' ');
		bputc(b, ';');
	}
	date_put(b, p->birth, DF_DOT);
	bputc(b, g->variant ? '\t' : ';');
	addr_value(g, p, av, b, nz && kind == 2 ? TX_UPPER : 0);
	bput(b, g->variant ? "\n" : "\r\n");
}

static void
shop_row(const struct gen *g, struct leakw *w, const struct person *p)
{
	struct rng r;
	struct sqlrow q;
	static struct buf t; /* scratch */
	char v[128], d[12], hash[33];
	int kind, nz = noise(g, L_SHOP, p->idx, &kind);

	rng_init(&r, g->seed, p->idx, T_REC + L_SHOP);
	sql_row_begin(g, w, &q);
	sql_int(&q, ++w->id);
	t.n = 0;
	text_put(&t, p->first, TX_LATIN | (nz && kind == 1 ? TX_UPPER : 0), p->tstyle);
	sql_str(&q, bstr(&t));
	t.n = 0;
	text_put(&t, fact_var(g, L_SHOP, p, C_NAME) ? p->sur_typo : p->sur, TX_LATIN, p->tstyle);
	sql_str(&q, bstr(&t));
	email_value(g, p, fact_var(g, L_SHOP, p, C_EMAIL), v, sizeof(v));
	if (nz && kind == 0)
		v[0] = (char)(v[0] - 32);
	sql_str(&q, v);
	t.n = 0;
	phone_digits(g, p, fact_var(g, L_SHOP, p, C_PHONE), d);
	phone_put(&t, d, g->variant ? PF_8SP : PF_8PAREN);
	if (g->relational) {
		/* the phone in phones, by the customer's id; the city by its own */
		struct sqltab *ph = &w->aux[0];
		struct sqlrow pr;
		sql_row_open(q.pg, &ph->o.b, ph->table, ph->batch, &pr);
		sql_int(&pr, ++ph->id);
		sql_int(&pr, w->id);
		sql_str(&pr, bstr(&t));
		sql_row_close(&pr, &ph->batch);
		out_row(&ph->o);
		md5_hex(p->password, hash);
		sql_str(&q, hash);
		sql_int(&q, p->addr[0].city + 1u);
	} else {
		sql_str(&q, bstr(&t));
		md5_hex(p->password, hash);
		sql_str(&q, hash);
		t.n = 0;
		text_put(&t, cities[p->addr[0].city].name, TX_LATIN, 0);
		sql_str(&q, bstr(&t));
	}
	t.n = 0;
	date_put(&t, rand_date(&r, leakdefs[L_SHOP].rec_from, leakdefs[L_SHOP].breach), DF_ISO);
	for (int k = 0; k < 3; k++) {
		bputc(&t, k ? ':' : ' ');
		bputz(&t, rng_below(&r, k ? 60 : 24), 2);
	}
	sql_str(&q, bstr(&t));
	if (rng_unit(&r) < 0.08)
		sql_str(&q, delivery_notes[rng_below(&r, NELEM(delivery_notes))]);
	else
		sql_null(&q);
	sql_row_end(w, &q);
}

static void
clinic_row(const struct gen *g, struct leakw *w, const struct person *p)
{
	struct buf *b = &w->o.b;
	static struct buf t; /* scratch */
	struct rng r;
	char d[12];
	int kind, nz = noise(g, L_CLINIC, p->idx, &kind);
	int64_t from = parse_iso(leakdefs[L_CLINIC].rec_from),
	        to = parse_iso(leakdefs[L_CLINIC].breach);

	rng_init(&r, g->seed, p->idx, T_REC + L_CLINIC);
	if (g->variant && !w->first)
		bput(b, ",\n");
	w->first = 0;
	bput(b, "{\"patient\":{\"iin\":\"");
	bput(b, p->iin);
	bput(b, "\",\"name\":{\"last\":");
	t.n = 0;
	text_put(&t, fact_var(g, L_CLINIC, p, C_NAME) ? p->sur_typo : p->sur,
	         nz && kind == 0 ? TX_UPPER : 0, 0);
	json_str(b, bstr(&t));
	bput(b, ",\"first\":");
	json_str(b, p->first);
	bput(b, ",\"middle\":");
	if (p->patr[0])
		json_str(b, p->patr);
	else
		bput(b, "null");
	bput(b, "},\"birth_date\":\"");
	date_put(b, p->birth, DF_ISO);
	bput(b, p->female ? "\",\"sex\":\"F\"},\"phone\":\"" : "\",\"sex\":\"M\"},\"phone\":\"");
	phone_digits(g, p, fact_var(g, L_CLINIC, p, C_PHONE), d);
	phone_put(b, d, g->variant ? PF_8SP : nz && kind == 1 ? PF_PLUS_SP2 : PF_PLUS);
	bput(b, "\",\"address\":");
	t.n = 0;
	addr_value(g, p, fact_var(g, L_CLINIC, p, C_ADDR), &t, 0);
	json_str(b, bstr(&t));
	bput(b, ",\"visits\":[");
	/* one to three visits, in date order */
	unsigned nv = 1 + rng_below(&r, 3);
	int64_t day = from;
	for (unsigned k = 0; k < nv; k++) {
		day += (int64_t)rng_below(&r, (unsigned)((to - day) / (nv - k) + 1));
		bput(b, k ? ",{\"date\":\"" : "{\"date\":\"");
		date_put(b, civil_from_days(day), DF_ISO);
		bput(b, "\",\"doctor\":");
		json_str(b, doctors[rng_below(&r, NELEM(doctors))]);
		bput(b, ",\"icd\":\"");
		bput(b, icd_codes[rng_below(&r, NELEM(icd_codes))]);
		bput(b, "\"}");
	}
	bput(b, g->variant ? "]}" : "]}\n");
}

static void
telecom_row(const struct gen *g, struct leakw *w, const struct person *p)
{
	struct rng r;
	struct sqlrow q;
	static struct buf t; /* scratch */
	char d[12];
	int kind, nz = noise(g, L_TELECOM, p->idx, &kind);

	rng_init(&r, g->seed, p->idx, T_REC + L_TELECOM);
	sql_row_begin(g, w, &q);
	sql_int(&q, ++w->id);
	phone_digits(g, p, fact_var(g, L_TELECOM, p, C_PHONE), d);
	t.n = 0;
	phone_put(&t, d, PF_7);
	sql_str(&q, bstr(&t));
	sql_str(&q, p->iin);
	t.n = 0;
	name_put(&t, p, fact_var(g, L_TELECOM, p, C_NAME),
	         NM_PATR | (nz && kind == 0 ? NM_DBLSPACE : 0));
	sql_str(&q, bstr(&t));
	sql_str(&q, p->doc_passport ? "паспорт" : "удостоверение личности");
	sql_str(&q, p->doc);
	t.n = 0;
	unsigned city = addr_value(g, p, fact_var(g, L_TELECOM, p, C_ADDR), &t, 0);
	if (nz && kind == 1)
		bputc(&t, ' ');
	if (g->relational) {
		/* the address in addresses, by its id; its city by the city's */
		struct sqltab *ad = &w->aux[0];
		struct sqlrow ar;
		sql_row_open(q.pg, &ad->o.b, ad->table, ad->batch, &ar);
		sql_int(&ar, ++ad->id);
		sql_str(&ar, bstr(&t));
		sql_int(&ar, city + 1u);
		sql_row_close(&ar, &ad->batch);
		out_row(&ad->o);
		sql_int(&q, ad->id);
	} else {
		sql_str(&q, bstr(&t));
	}
	t.n = 0;
	date_put(&t, rand_date(&r, leakdefs[L_TELECOM].rec_from, leakdefs[L_TELECOM].breach),
	         DF_ISO);
	sql_str(&q, bstr(&t));
	sql_str(&q, tariffs[rng_below(&r, NELEM(tariffs))]);
	sql_row_end(w, &q);
}

static void
combo_row(const struct gen *g, struct leakw *w, const struct person *p)
{
	struct buf *b = &w->o.b;
	char v[128], hash[33];
	int kind, nz = noise(g, L_COMBO, p->idx, &kind);
	uint64_t h = h3(g->seed, p->idx, T_REC + L_COMBO);

	email_value(g, p, fact_var(g, L_COMBO, p, C_EMAIL), v, sizeof(v));
	if (nz && kind == 0)
		v[0] = (char)(v[0] - 32);
	bput(b, v);
	bputc(b, ':');
	/* some lines never got cracked: the hash instead of the password */
	if (unit(h) < 0.15) {
		md5_hex(p->password, hash);
		bput(b, hash);
	} else {
		bput(b, p->password);
	}
	bput(b, g->variant ? "\r\n" : "\n");
}

static void
leak_row(const struct gen *g, struct leakw *w, const struct person *p)
{
	switch (w->L) {
	case L_VOTERS:
		voters_row(g, w, p);
		break;
	case L_SHOP:
		shop_row(g, w, p);
		break;
	case L_CLINIC:
		clinic_row(g, w, p);
		break;
	case L_TELECOM:
		telecom_row(g, w, p);
		break;
	case L_COMBO:
		combo_row(g, w, p);
		break;
	}
	w->rows++;
	out_row(&w->o);
}

/* A row is written again a few rows later in about 0.5% of cases, as
 * leaks merged from several exports are. */
static void
leak_dups(const struct gen *g, struct leakw *w, uint64_t i)
{
	struct person q;

	for (unsigned k = 0; k < w->npend;) {
		if (--w->pend[k].wait) {
			k++;
			continue;
		}
		person_make(g, w->pend[k].person, &q);
		leak_row(g, w, &q);
		w->pend[k] = w->pend[--w->npend];
	}
	uint64_t h = h3(g->seed, i, T_LEAKDUP + (uint64_t)w->L);
	if (unit(h) < 0.005 && w->npend < NELEM(w->pend)) {
		w->pend[w->npend].person = i;
		w->pend[w->npend++].wait = 1 + (unsigned)((h >> 5) % 40);
	}
}

/* All five leaks in one pass over the persons, each person made once. */
static void
write_leaks(struct gen *g)
{
	struct leakw w[NLEAK];
	struct person p;

	for (int L = 0; L < NLEAK; L++)
		leak_begin(g, &w[L], L);
	for (uint64_t i = 0; i < g->persons; i++) {
		unsigned m = g->memb[i];
		if (!m)
			continue;
		person_make(g, i, &p);
		for (int L = 0; L < NLEAK; L++) {
			if (!(m & (1u << L)))
				continue;
			leak_row(g, &w[L], &p);
			g->leak_persons[L]++;
			leak_dups(g, &w[L], i);
		}
	}
	for (int L = 0; L < NLEAK; L++) {
		/* the duplicates still waiting go at the end */
		for (unsigned k = 0; k < w[L].npend; k++) {
			person_make(g, w[L].pend[k].person, &p);
			leak_row(g, &w[L], &p);
		}
		g->leak_rows[L] = w[L].rows;
		leak_end(g, &w[L]);
	}
}

/* ------------------------------------------------------------------ */
/* The dumps: claimed_2025 (a recompilation) and control_2025 (new). */

enum { ST_COPIED, ST_MERGED, ST_UPDATED, ST_NEW, ST_UNATTR, NSTATUS };
static const char *const status_names[NSTATUS] = {"copied", "merged", "updated", "new",
                                                  "unattributed"};

/* A row of a dump, as a recipe: the person, the version of each cell,
 * how the cells are written. Duplicates are made from the same recipe. */
struct crow {
	uint64_t person;
	uint64_t dup_of; /* row number, 0 for none */
	int source;      /* the block's leak, SRC_NEW, or the control's */
	signed char var[NCOL];
	unsigned char fields[NCOL]; /* leaks holding the same value */
	unsigned char person_leaks; /* leaks holding some fact of the person's */
	unsigned char drawn;        /* leaks the values were taken from */
	unsigned char leaks;
	int status;
	unsigned name_fl;
	int phone_fmt, date_fmt, addr_upper, reformatted;
	int vary;            /* VY_*: the variation the compiler brought into one cell */
	signed char vary_col; /* its column */
};

/*
 * Variations of a copied value (issue 15): the compiler re-typed it with
 * two letters swapped, exported it through CP1251 (Kazakh letters become
 * '?'), shortened the first name to an initial, swapped the birth date's
 * day and month (or got one digit wrong), wrote the address's street words
 * in full, or re-typed the IIN with one digit wrong. Such a row is still
 * the copy the truth says it is; its cell is a variation of the leak's.
 */
enum { VY_NONE, VY_TYPO, VY_LOSSY, VY_INITIAL, VY_DATE, VY_ADDR, VY_IIN, NVARY };
static const char *const vary_names[NVARY] = {"none", "typo", "lossy_cp1251", "initial",
                                              "date", "address", "iin"};

struct seg {
	uint64_t from, to;
	int source;
};

struct dumpw {
	const char *name;
	struct out csv, truth;
	uint64_t rows;
	uint64_t status[NSTATUS], dup_exact, dup_reformat, varied;
	uint64_t leak_rows[NLEAK], leak_cols[NLEAK][NCOL], leak_person_rows[NLEAK];
	struct seg *segs;
	size_t nsegs;
	int latest; /* yyyymmdd of the latest date in the data */
	unsigned drawn_all;
	/* duplicates waiting for their row: a binary heap on the due row */
	struct pend {
		uint64_t due;
		struct crow row;
	} * heap;
	size_t nheap;
	struct rng r;
};

#define HEAP_CAP 4096

/* The heap of waiting duplicates: push, and pop the earliest due. */
static void
heap_push(struct dumpw *d, uint64_t due, const struct crow *row)
{
	size_t k = d->nheap++;

	while (k) {
		size_t up = (k - 1) / 2;
		if (d->heap[up].due <= due)
			break;
		d->heap[k] = d->heap[up];
		k = up;
	}
	d->heap[k].due = due;
	d->heap[k].row = *row;
}

static struct crow
heap_pop(struct dumpw *d)
{
	struct crow top = d->heap[0].row;
	struct pend last = d->heap[--d->nheap];
	size_t k = 0;

	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= d->nheap)
			break;
		if (c + 1 < d->nheap && d->heap[c + 1].due < d->heap[c].due)
			c++;
		if (last.due <= d->heap[c].due)
			break;
		d->heap[k] = d->heap[c];
		k = c;
	}
	if (d->nheap)
		d->heap[k] = last;
	return top;
}

/* The column order and header of the dumps in each variant. */
static const int order_a[NCOL] = {C_IIN, C_NAME, C_BIRTH, C_PHONE, C_EMAIL, C_ADDR, C_DOC};
static const int order_b[NCOL] = {C_NAME, C_IIN, C_BIRTH, C_PHONE, C_DOC, C_ADDR, C_EMAIL};
static const char *const header_b[NCOL] = {
    "ИИН", "ФИО", "Дата рождения", "Телефон", "E-mail", "Адрес", "Паспорт/УДЛ",
};

/* Open a dump and its truth, write the header. */
static void
dump_open(const struct gen *g, struct dumpw *d, const char *name)
{
	char file[64];
	const int *order = g->variant ? order_b : order_a;

	memset(d, 0, sizeof(*d));
	d->name = name;
	d->heap = xrealloc(NULL, HEAP_CAP * sizeof(*d->heap));
	rng_init(&d->r, g->seed, !strcmp(name, "control_2025"), T_DUMP);
	snprintf(file, sizeof(file), "%s.csv", name);
	out_open(&d->csv, g->out, file, ENC_UTF8);
	snprintf(file, sizeof(file), "truth/%s.truth.jsonl", name);
	out_open(&d->truth, g->out, file, ENC_UTF8);
	if (g->variant)
		bput(&d->csv.b, "\xef\xbb\xbf"); /* Excel's UTF-8 mark */
	for (int k = 0; k < NCOL; k++) {
		if (k)
			bputc(&d->csv.b, g->variant ? ';' : ',');
		bput(&d->csv.b, g->variant ? header_b[order[k]] : col_names[order[k]]);
	}
	bput(&d->csv.b, g->variant ? "\r\n" : "\n");
}

/* How rows drawn from each source are written (the compiler pasted
 * blocks as they came, so each keeps its source's habits). */
static void
row_style(const struct gen *g, int src, struct crow *row)
{
	static const struct {
		unsigned name;
		int phone, date;
	} st[2][NLEAK + 1] = {
	    {
	        {TX_UPPER | TX_DOWNGRADE | NM_PATR, PF_PLUS, DF_DOT},
	        {TX_LATIN, PF_8PAREN, DF_ISO},
	        {NM_PATR, PF_PLUS, DF_ISO},
	        {NM_PATR, PF_7, DF_ISO},
	        {NM_PATR, PF_PLUS, DF_ISO},
	        {NM_PATR, PF_PLUS_SP, DF_ISO},
	    },
	    {
	        {TX_UPPER | TX_DOWNGRADE | NM_PATR, PF_8, DF_DOT},
	        {TX_LATIN | TX_UPPER | NM_FIRSTFIRST, PF_8PAREN, DF_DOT},
	        {NM_PATR, PF_PLUS_PAREN, DF_DOT},
	        {TX_UPPER | NM_PATR, PF_7, DF_COMPACT},
	        {NM_PATR, PF_PLUS, DF_DOT},
	        {NM_PATR, PF_8SP, DF_DOT},
	    },
	};

	row->name_fl = st[g->variant][src].name;
	row->phone_fmt = st[g->variant][src].phone;
	row->date_fmt = st[g->variant][src].date;
	row->addr_upper = 0;
}

/* A reformatted duplicate: same values, other case and formats. */
static void
reformat(struct crow *row)
{
	row->name_fl ^= TX_UPPER;
	row->phone_fmt = row->phone_fmt == PF_PLUS_PAREN ? PF_8SP : PF_PLUS_PAREN;
	row->date_fmt = row->date_fmt == DF_DOT ? DF_ISO : DF_DOT;
	row->addr_upper = 1;
	row->reformatted = 1;
}

/* Per DESIGN.md: the fields' sources give the row's class. */
static void
row_truth(const struct gen *g, const struct person *p, struct crow *row)
{
	unsigned facts = 0, inter = 0xff, uni = 0, known_id = 0, unknown = 0;
	unsigned anchors = 0, ids = 0;

	row->person_leaks = 0;
	for (int c = 0; c < NCOL; c++) {
		row->fields[c] = 0;
		if (row->var[c] == VAR_NONE)
			continue;
		if (row->var[c] != VAR_FRESH && p->idx < g->persons)
			for (int L = 0; L < NLEAK; L++)
				if (holds(g, L, p, c) && fact_var(g, L, p, c) == row->var[c])
					row->fields[c] |= (unsigned char)(1u << L);
		if (c != C_BIRTH)
			row->person_leaks |= row->fields[c];
		if (IDENT_COLS & (1u << c)) {
			ids = 1;
			anchors |= row->fields[c];
		}
	}
	/*
	 * A name, address or birth date comes from leak L when L holds it
	 * with one of the row's identifiers (the association DESIGN.md
	 * names): the same name elsewhere, with none of the row's
	 * identifiers, cannot be told from another person's. Without any
	 * identifier the name or address is all there is; a date alone is
	 * no one's (DESIGN.md: low-entropy values count only in
	 * associations).
	 */
	/*
	 * Without an identifier, a name with a birth date or an address is
	 * linked through them (quasi-identifiers): to the leaks that hold the
	 * name and one of the two as the row has them; such a row is new when
	 * none does. A name alone, or no name, is unattributed.
	 */
	int linkable = !ids && row->var[C_NAME] != VAR_NONE &&
		       (row->var[C_BIRTH] != VAR_NONE || row->var[C_ADDR] != VAR_NONE);
	if (linkable)
		anchors = row->fields[C_NAME] &
			  ((row->var[C_BIRTH] != VAR_NONE ? row->fields[C_BIRTH] : 0) |
			   (row->var[C_ADDR] != VAR_NONE ? row->fields[C_ADDR] : 0));
	if (ids || linkable) {
		for (int c = 0; c < NCOL; c++)
			if (!(IDENT_COLS & (1u << c)))
				row->fields[c] &= (unsigned char)anchors;
	} else {
		row->fields[C_BIRTH] = 0; /* a date alone means nothing */
	}
	for (int c = 0; c < NCOL; c++) {
		if (row->var[c] == VAR_NONE)
			continue;
		if (c == C_BIRTH && !linkable)
			continue; /* derived from the IIN: not a fact of its own */
		facts |= 1u << c;
		inter &= row->fields[c];
		uni |= row->fields[c];
		if (!row->fields[c])
			unknown = 1;
		else if (IDENT_COLS & (1u << c))
			known_id = 1;
	}
	row->leaks = (unsigned char)uni;
	if (linkable)
		known_id = anchors != 0;
	if (!(facts & IDENT_COLS) && !linkable) {
		row->status = ST_UNATTR;
	} else if (!known_id) {
		row->status = ST_NEW;
	} else if (unknown) {
		row->status = ST_UPDATED;
	} else if (inter) {
		row->status = ST_COPIED;
		row->leaks = (unsigned char)inter;
	} else {
		row->status = ST_MERGED;
	}
}

static void
row_init(const struct gen *g, struct crow *row, uint64_t i, int src)
{
	memset(row, 0, sizeof(*row));
	row->person = i;
	row->source = src;
	for (int c = 0; c < NCOL; c++)
		row->var[c] = VAR_NONE;
	row_style(g, src, row);
}

/* Does the name have a Kazakh letter (one CP1251 lacks)? */
static int
has_kz(const char *s)
{
	while (*s) {
		uint32_t c = utf8_next(&s);
		if (kz_letter(c))
			return 1;
	}
	return 0;
}

/*
 * Maybe one variation for a copied or merged row (f_vary of them), of a
 * kind its cells allow: a name for a typo or an initial, a Kazakh one for
 * CP1251, a birth date that the source leak holds, an address with street
 * words, an IIN whose leak holds the row's name and birth date with it.
 */
static void
row_vary(const struct gen *g, const struct person *p, int s, struct crow *row)
{
	uint64_t h = h3(g->seed, p->idx, T_VARY);
	int cand[NVARY], nc = 0;
	unsigned src = 1u << s;

	row->vary = VY_NONE;
	if (g->f_vary <= 0 || unit(h) >= g->f_vary)
		return;
	if (row->var[C_NAME] != VAR_NONE && (row->fields[C_NAME] & src)) {
		cand[nc++] = VY_TYPO;
		cand[nc++] = VY_INITIAL;
		if (has_kz(p->sur) || has_kz(p->first))
			cand[nc++] = VY_LOSSY;
	}
	if (row->var[C_BIRTH] != VAR_NONE && (row->fields[C_BIRTH] & src))
		cand[nc++] = VY_DATE;
	if (row->var[C_ADDR] != VAR_NONE && (row->fields[C_ADDR] & src))
		cand[nc++] = VY_ADDR;
	if (row->var[C_IIN] != VAR_NONE && (row->fields[C_IIN] & src) &&
	    (row->fields[C_NAME] & src) && (row->fields[C_BIRTH] & src))
		cand[nc++] = VY_IIN;
	if (!nc)
		return;
	row->vary = cand[(h >> 20) % (uint64_t)nc];
	row->vary_col = (signed char)(row->vary == VY_DATE ? C_BIRTH
	                              : row->vary == VY_ADDR ? C_ADDR
	                              : row->vary == VY_IIN  ? C_IIN
	                                                     : C_NAME);
}

/* The varied cell: its text as written, changed as row->vary says; 0 when it could not be. */
static int
vary_cell(const struct crow *row, uint64_t h, struct buf *cell)
{
	int changed = 0;
	static struct buf t;
	uint32_t cp[256];
	int n = 0;
	const char *s = bstr(cell);
	while (*s && n < 256)
		cp[n++] = utf8_next(&s);
	t.n = 0;
	switch (row->vary) {
	case VY_TYPO: {
		/*
		 * two letters swapped in the first name (the leaks' own typos are
		 * the surname's), not its first one
		 */
		int w = (row->name_fl & NM_FIRSTFIRST) ? 0 : 1, beg = 0;
		for (int seen = 0; beg < n && seen < w; beg++)
			if (cp[beg] == ' ')
				seen++;
		int end = beg;
		while (end < n && cp[end] != ' ')
			end++;
		int cand[64], nc = 0;
		for (int k = beg + 1; k + 1 < end && nc < 64; k++)
			if (cp_lower(cp[k]) != cp_lower(cp[k + 1]))
				cand[nc++] = k;
		if (nc) {
			int k = cand[h % (uint64_t)nc];
			uint32_t x = cp[k];
			cp[k] = cp[k + 1];
			cp[k + 1] = x;
			changed = 1;
		}
		break;
	}
	case VY_LOSSY:
		for (int k = 0; k < n; k++)
			if (kz_letter(cp[k])) {
				cp[k] = '?';
				changed = 1;
			}
		break;
	case VY_INITIAL: {
		/* the first name to its initial and a dot: the second word, or the first when it leads */
		int w = (row->name_fl & NM_FIRSTFIRST) ? 0 : 1, k = 0;
		for (int seen = 0; k < n && seen < w; k++)
			if (cp[k] == ' ')
				seen++;
		while (k < n && cp[k] == ' ')
			k++;
		int e = k;
		while (e < n && cp[e] != ' ')
			e++;
		if (e - k > 1) {
			cp[k + 1] = '.';
			memmove(cp + k + 2, cp + e, (size_t)(n - e) * sizeof(cp[0]));
			n -= e - k - 2;
			changed = 1;
		}
		break;
	}
	case VY_IIN: {
		/* one digit of the serial part wrong */
		int k = 6 + (int)(h % 4);
		if (k < n && cp[k] >= '0' && cp[k] <= '9') {
			cp[k] = '0' + (cp[k] - '0' + 1 + (uint32_t)(h >> 8) % 9) % 10;
			changed = 1;
		}
		break;
	}
	case VY_ADDR: {
		/* the street words written in full */
		static const char *const ab[][2] = {
		    {"ул. ", "улица "}, {"д. ", "дом "}, {"кв. ", "квартира "},
		    {"пр. ", "проспект "}, {"мкр. ", "микрорайон "},
		};
		for (int k = 0; k < n; k++) {
			int done = 0;
			for (size_t a = 0; a < sizeof(ab) / sizeof(ab[0]) && !done; a++) {
				const char *x = ab[a][0], *q = x;
				int j = k;
				while (*q && j < n && cp[j] == utf8_next(&q))
					j++;
				if (!*q && (k == 0 || cp[k - 1] == ' ')) {
					bput(&t, ab[a][1]);
					k = j - 1;
					done = changed = 1;
				}
			}
			if (!done)
				bput_cp(&t, cp[k]);
		}
		cell->n = 0;
		bput(cell, bstr(&t));
		return changed;
	}
	default:
		return 0;
	}
	for (int k = 0; k < n; k++)
		bput_cp(&t, cp[k]);
	cell->n = 0;
	bput(cell, bstr(&t));
	return changed;
}

/*
 * A known person's row drawn from leak s: its cells, then maybe more
 * cells from the person's other leaks (merged), maybe one value the
 * compiler had from elsewhere (updated), maybe the identifiers stripped
 * (unattributed). A control row is a plain copy.
 */
static void
row_known(const struct gen *g, const struct person *p, int s, int plain, struct crow *row)
{
	struct rng r;
	double u;

	row_init(g, row, p->idx, s);
	rng_init(&r, g->seed, p->idx, T_ROW);
	for (int c = 0; c < NCOL; c++) {
		if (holds(g, s, p, c)) {
			row->var[c] = (signed char)fact_var(g, s, p, c);
			row->drawn |= (unsigned char)(1u << s);
		}
	}
	if (!plain && rng_unit(&r) < g->f_merge) {
		for (int c = 0; c < NCOL; c++) {
			int cand[NLEAK], nc = 0;
			if (row->var[c] != VAR_NONE || c == C_BIRTH || rng_unit(&r) >= 0.75)
				continue;
			for (int L = 0; L < NLEAK; L++)
				if (L != s && holds(g, L, p, c))
					cand[nc++] = L;
			if (!nc)
				continue;
			int L = cand[rng_below(&r, (unsigned)nc)];
			row->var[c] = (signed char)fact_var(g, L, p, c);
			row->drawn |= (unsigned char)(1u << L);
		}
		/* a birth date worked out from the IIN */
		if (row->var[C_IIN] != VAR_NONE && row->var[C_BIRTH] == VAR_NONE &&
		    rng_unit(&r) < 0.5)
			row->var[C_BIRTH] = 0;
	}
	u = rng_unit(&r);
	if (plain) {
		/* nothing */
	} else if (u < g->f_unattr) {
		row->var[C_IIN] = row->var[C_PHONE] = row->var[C_EMAIL] = row->var[C_DOC] =
		    VAR_NONE;
	} else if (u < g->f_unattr + g->f_update) {
		u = rng_unit(&r);
		int c = u < 0.6 ? C_PHONE : u < 0.85 || !p->has_email ? C_ADDR : C_EMAIL;
		row->var[c] = VAR_FRESH;
	}
	row_truth(g, p, row);
	if (!plain && (row->status == ST_COPIED || row->status == ST_MERGED))
		row_vary(g, p, s, row);
}

/* A person in no leak: most cells filled, none known. */
static void
row_new(const struct gen *g, const struct person *p, struct crow *row)
{
	struct rng r;

	row_init(g, row, p->idx, SRC_NEW);
	rng_init(&r, g->seed, p->idx, T_ROW);
	for (int c = 0; c < NCOL; c++) {
		if (c == C_EMAIL && !p->has_email)
			continue;
		if (c == C_IIN || c == C_NAME || rng_unit(&r) < 0.9)
			row->var[c] = 0;
	}
	row_truth(g, p, row);
}

/* A JSON list of leak names from a bit mask, in family order. */
static void
leak_list(struct buf *b, unsigned mask)
{
	int n = 0;

	bputc(b, '[');
	for (int L = 0; L < NLEAK; L++) {
		if (!(mask & (1u << L)))
			continue;
		if (n++)
			bputc(b, ',');
		bputc(b, '"');
		bput(b, leakdefs[L].name);
		bputc(b, '"');
	}
	bputc(b, ']');
}

static void
dump_emit(const struct gen *g, struct dumpw *d, struct crow *row)
{
	struct person p;
	static struct buf cell; /* scratch */
	const int *order = g->variant ? order_b : order_a;
	char delim = g->variant ? ';' : ',', v[128], dg[12];
	struct buf *b = &d->csv.b, *t = &d->truth.b;

	person_make(g, row->person, &p);
	d->rows++;
	for (int k = 0; k < NCOL; k++) {
		int c = order[k], var = row->var[c];
		if (k)
			bputc(b, delim);
		if (var == VAR_NONE)
			continue;
		cell.n = 0;
		switch (c) {
		case C_IIN:
			bput(&cell, p.iin);
			break;
		case C_NAME:
			name_put(&cell, &p, var, row->name_fl);
			break;
		case C_BIRTH: {
			struct date bd = p.birth;
			if (row->vary == VY_DATE) {
				/* day and month swapped when both could be a month, else one digit of the day wrong */
				if (bd.d <= 12 && bd.d != bd.m) {
					int x = bd.d;
					bd.d = bd.m;
					bd.m = x;
				} else
					bd.d = bd.d == 30 ? 20 : bd.d % 10 != 9 && bd.d < 28 ? bd.d + 1 : bd.d - 1;
			}
			date_put(&cell, bd, row->date_fmt);
			int ymd = p.birth.y * 10000 + p.birth.m * 100 + p.birth.d;
			if (ymd > d->latest)
				d->latest = ymd;
			break;
		}
		case C_PHONE:
			phone_digits(g, &p, var, dg);
			phone_put(&cell, dg, row->phone_fmt);
			break;
		case C_EMAIL:
			email_value(g, &p, var, v, sizeof(v));
			bput(&cell, v);
			break;
		case C_ADDR:
			addr_value(g, &p, var, &cell, row->addr_upper ? TX_UPPER : 0);
			break;
		case C_DOC:
			bput(&cell, p.doc);
			break;
		}
		if (row->vary && row->vary_col == c && row->vary != VY_DATE &&
		    !vary_cell(row, h3(g->seed, row->person, T_VARY + 1), &cell))
			row->vary = VY_NONE; /* nothing to vary as it is written (no Kazakh letter left) */
		csv_field(b, bstr(&cell), delim);
	}
	bput(b, g->variant ? "\r\n" : "\n");

	bput(t, "{\"row\":");
	bputu(t, d->rows);
	bput(t, ",\"status\":\"");
	bput(t, status_names[row->status]);
	bput(t, "\",\"leaks\":");
	leak_list(t, row->leaks);
	bput(t, ",\"drawn_from\":");
	leak_list(t, row->drawn);
	bput(t, ",\"fields\":{");
	for (int c = 0; c < NCOL; c++) {
		if (c)
			bputc(t, ',');
		bputc(t, '"');
		bput(t, col_names[c]);
		bput(t, "\":");
		if (row->var[c] == VAR_NONE)
			bput(t, "null");
		else
			leak_list(t, row->fields[c]);
	}
	bputc(t, '}');
	if (row->vary) {
		bput(t, ",\"variation\":\"");
		bput(t, vary_names[row->vary]);
		bput(t, "\",\"near\":[\"");
		bput(t, col_names[(int)row->vary_col]);
		bput(t, "\"]");
	}
	bput(t, ",\"duplicate_of\":");
	if (row->dup_of)
		bputu(t, row->dup_of);
	else
		bput(t, "null");
	bput(t, ",\"person\":");
	bputu(t, row->person);
	bput(t, "}\n");
	out_row(&d->csv);
	out_row(&d->truth);

	d->status[row->status]++;
	d->varied += row->vary != VY_NONE;
	if (row->dup_of)
		*(row->reformatted ? &d->dup_reformat : &d->dup_exact) += 1;
	d->drawn_all |= row->drawn;
	for (int L = 0; L < NLEAK; L++) {
		int any = 0;
		for (int c = 0; c < NCOL; c++) {
			if (!(row->fields[c] & (1u << L)))
				continue;
			d->leak_cols[L][c]++;
			any |= c != C_BIRTH;
		}
		d->leak_rows[L] += (uint64_t)any;
		d->leak_person_rows[L] += (row->person_leaks >> L) & 1u;
	}
	/* about f_dup of the rows come back later, half of them reformatted */
	if (!row->dup_of && rng_unit(&d->r) < g->f_dup && d->nheap < HEAP_CAP) {
		struct crow dup = *row;
		dup.dup_of = d->rows;
		if (rng_unit(&d->r) < 0.5)
			reformat(&dup);
		heap_push(d, d->rows + 1 + rng_below(&d->r, 2000), &dup);
	}
}

/* Write the duplicates whose turn has come (all of them at the end). */
static void
dump_due(const struct gen *g, struct dumpw *d, int all)
{
	while (d->nheap && (all || d->heap[0].due <= d->rows + 1)) {
		struct crow row = heap_pop(d);
		dump_emit(g, d, &row);
	}
}

static void
dump_segment(struct dumpw *d, uint64_t from, int source)
{
	if (d->rows < from)
		return;
	if (d->nsegs && d->segs[d->nsegs - 1].source == source) {
		d->segs[d->nsegs - 1].to = d->rows;
		return;
	}
	d->segs = xrealloc(d->segs, (d->nsegs + 1) * sizeof(*d->segs));
	d->segs[d->nsegs].from = from;
	d->segs[d->nsegs].to = d->rows;
	d->segs[d->nsegs++].source = source;
}

static const char *
source_name(int s)
{
	return s == SRC_NEW ? "new" : leakdefs[s].name;
}

static void
dump_close(const struct gen *g, struct dumpw *d)
{
	struct out o;
	struct buf *b;
	char file[64];
	const char *asof = NULL;

	out_close(&d->csv);
	out_close(&d->truth);
	snprintf(file, sizeof(file), "truth/%s.truth.json", d->name);
	out_open(&o, g->out, file, ENC_UTF8);
	b = &o.b;
	bput(b, "{\n  \"dump\": \"");
	bput(b, d->name);
	bput(b, "\",\n  \"file\": \"");
	bput(b, d->name);
	bput(b, ".csv\",\n  \"rows\": ");
	bputu(b, d->rows);
	bput(b, ",\n  \"columns\": {");
	for (int c = 0; c < NCOL; c++) {
		bput(b, c ? ", \"" : "\"");
		bput(b, col_names[c]);
		bput(b, "\": ");
		json_str(b, g->variant ? header_b[c] : col_names[c]);
	}
	bput(b, "},\n  \"status\": {");
	for (int s = 0; s < NSTATUS; s++) {
		bput(b, s ? ", \"" : "\"");
		bput(b, status_names[s]);
		bput(b, "\": ");
		bputu(b, d->status[s]);
	}
	bput(b, "},\n  \"varied\": ");
	bputu(b, d->varied);
	bput(b, ",\n  \"duplicates\": {\"exact\": ");
	bputu(b, d->dup_exact);
	bput(b, ", \"reformatted\": ");
	bputu(b, d->dup_reformat);
	bput(b, "},\n  \"leaks\": {");
	for (int L = 0; L < NLEAK; L++) {
		bput(b, L ? ",\n    \"" : "\n    \"");
		bput(b, leakdefs[L].name);
		bput(b, "\": {\"rows\": ");
		bputu(b, d->leak_rows[L]);
		for (int c = 0; c < NCOL; c++) {
			if (!(leakdefs[L].cols & (1u << c)))
				continue;
			bput(b, ", \"");
			bput(b, col_names[c]);
			bput(b, "\": ");
			bputu(b, d->leak_cols[L][c]);
		}
		bput(b, ", \"person_rows\": ");
		bputu(b, d->leak_person_rows[L]);
		bputc(b, '}');
		if (d->drawn_all & (1u << L))
			asof = leakdefs[L].breach; /* breach dates grow with L */
	}
	bput(b, "\n  },\n  \"segments\": [");
	for (size_t k = 0; k < d->nsegs; k++) {
		bput(b, k ? ",\n    {\"from\": " : "\n    {\"from\": ");
		bputu(b, d->segs[k].from);
		bput(b, ", \"to\": ");
		bputu(b, d->segs[k].to);
		bput(b, ", \"source\": \"");
		bput(b, source_name(d->segs[k].source));
		bput(b, "\"}");
	}
	bput(b, "\n  ],\n  \"latest_date\": ");
	if (d->latest) {
		char t[48];
		snprintf(t, sizeof(t), "\"%04d-%02d-%02d\"", d->latest / 10000,
		         d->latest / 100 % 100, d->latest % 100);
		bput(b, t);
	} else {
		bput(b, "null");
	}
	bput(b, ",\n  \"current_as_of\": ");
	if (asof) {
		bputc(b, '"');
		bput(b, asof);
		bputc(b, '"');
	} else {
		bput(b, "null");
	}
	bput(b, "\n}\n");
	out_close(&o);
	free(d->segs);
	free(d->heap);
}

struct block {
	int source;
	uint64_t n;
};

/*
 * The block plan of the claimed dump: each source's persons split into a
 * few blocks of uneven size, the blocks shuffled so that no two of the
 * same source touch where that can be helped.
 */
static size_t
plan_blocks(const struct gen *g, const uint64_t count[NSRC_BLOCK], struct block *bl)
{
	struct rng r;
	size_t n = 0;

	rng_init(&r, g->seed, 0, T_SCHED);
	for (int s = 0; s < NSRC_BLOCK; s++) {
		uint64_t nb = count[s] / 200, left = count[s];
		double w[8], sum = 0;
		nb = nb < 1 ? 1 : nb > 8 ? 8 : nb;
		if (!count[s])
			continue;
		for (uint64_t k = 0; k < nb; k++)
			sum += w[k] = 0.4 + rng_unit(&r);
		for (uint64_t k = 0; k < nb; k++) {
			uint64_t m = k + 1 == nb ? left : (uint64_t)((double)count[s] * w[k] / sum);
			m = m > left ? left : m;
			left -= m;
			bl[n].source = s;
			bl[n++].n = m;
		}
	}
	for (size_t k = n; k > 1; k--) {
		size_t j = rng_below(&r, (unsigned)k);
		struct block t = bl[k - 1];
		bl[k - 1] = bl[j];
		bl[j] = t;
	}
	for (size_t k = 1; k < n; k++) {
		if (bl[k].source != bl[k - 1].source)
			continue;
		for (size_t j = k + 1; j < n; j++) {
			if (bl[j].source != bl[k - 1].source) {
				struct block t = bl[k];
				bl[k] = bl[j];
				bl[j] = t;
				break;
			}
		}
	}
	return n;
}

/* The next person from *cur on with this pick: each source keeps its
 * own cursor, so persons appear in index order within a source. */
static uint64_t
next_pick(const struct gen *g, uint64_t *cur, int want)
{
	while (*cur < g->persons && g->pick[*cur] != want)
		(*cur)++;
	uint64_t i = (*cur)++;
	/* new persons past the population: after the control's indices */
	return i < g->persons ? i : i + g->control;
}

/* The claimed dump: the planned blocks one after the other, each with its
 * share of the new persons mixed in at random places. */
static void
write_claimed(struct gen *g)
{
	uint64_t count[PICK_NEW + 1] = {0}, cur[NSRC_BLOCK] = {0}, curnew = 0;
	struct block bl[NSRC_BLOCK * 8];
	struct dumpw d;
	struct person p;
	struct crow row;

	for (uint64_t i = 0; i < g->persons; i++)
		if (g->pick[i] <= PICK_NEW)
			count[g->pick[i]]++;
	count[PICK_NEW] += g->extra_new;
	size_t nb = plan_blocks(g, count, bl);
	uint64_t rem_known = 0, rem_new = count[PICK_NEW];
	for (size_t k = 0; k < nb; k++)
		rem_known += bl[k].n;

	dump_open(g, &d, "claimed_2025");
	for (size_t k = 0; k < nb; k++) {
		uint64_t from = d.rows + 1, kn = bl[k].n;
		/* this block's share of the new persons, sprinkled through it */
		uint64_t nn =
		    rem_known ? (uint64_t)((double)rem_new * (double)kn / (double)rem_known + 0.5)
		              : rem_new;
		nn = nn > rem_new ? rem_new : nn;
		rem_known -= kn;
		rem_new -= nn;
		while (kn + nn) {
			dump_due(g, &d, 0);
			if (rng_unit(&d.r) * (double)(kn + nn) < (double)nn) {
				nn--;
				person_make(g, next_pick(g, &curnew, PICK_NEW), &p);
				row_new(g, &p, &row);
			} else {
				kn--;
				person_make(g, next_pick(g, &cur[bl[k].source], bl[k].source), &p);
				row_known(g, &p, bl[k].source, 0, &row);
			}
			dump_emit(g, &d, &row);
		}
		if (k + 1 == nb)
			dump_due(g, &d, 1);
		dump_segment(&d, from, bl[k].source);
	}
	g->claimed_rows = d.rows;
	dump_close(g, &d);
}

/* The control: new persons (indices past the leaks' population) and a
 * small share of known ones, copied plainly. */
static void
write_control(struct gen *g)
{
	struct dumpw d;
	struct person p;
	struct crow row;
	uint64_t known = 0, cur = 0;

	for (uint64_t i = 0; i < g->persons; i++)
		known += (g->memb[i] & 15) != 0;
	uint64_t nk = (uint64_t)((double)g->control * 0.05 / 0.95 + 0.5), nn = g->control;
	double q = known ? (double)nk / (double)known : 0;
	nk = known ? nk : 0;

	dump_open(g, &d, "control_2025");
	for (uint64_t i = g->persons; nk + nn;) {
		dump_due(g, &d, 0);
		if (rng_unit(&d.r) * (double)(nk + nn) < (double)nk) {
			/* the next person picked for the control's known share */
			while (cur < g->persons &&
			       (!(g->memb[cur] & 15) || unit(h3(g->seed, cur, T_CTRLPICK)) >= q))
				cur++;
			if (cur >= g->persons) {
				nk = 0;
				continue;
			}
			person_make(g, cur, &p);
			unsigned m = g->memb[cur] & 15,
			         k = (unsigned)(h3(g->seed, cur, T_CTRLSRC) %
			                        (unsigned)__builtin_popcount(m));
			int s = 0;
			for (; s < NSRC_BLOCK; s++)
				if ((m & (1u << s)) && k-- == 0)
					break;
			row_known(g, &p, s, 1, &row);
			cur++;
			nk--;
		} else {
			person_make(g, i++, &p);
			row_new(g, &p, &row);
			nn--;
		}
		dump_emit(g, &d, &row);
	}
	dump_due(g, &d, 1);
	dump_segment(&d, 1, SRC_NEW);
	g->control_rows = d.rows;
	dump_close(g, &d);
}

/* ------------------------------------------------------------------ */
/* Who is where: leak membership, and each person's part in the claimed
 * dump (one of the leaks' blocks, a new person, or absent). */

static void
plan_persons(struct gen *g)
{
	uint64_t pool = 0, included = 0;

	g->memb = xrealloc(NULL, g->persons);
	g->pick = xrealloc(NULL, g->persons);
	for (uint64_t i = 0; i < g->persons; i++) {
		unsigned m = memb_mask(g, i), blk = m & 15;
		g->memb[i] = (uint8_t)m;
		g->pick[i] = PICK_NONE;
		if (!m) {
			pool++;
		} else if (blk && unit(h3(g->seed, i, T_INCLUDE)) < 0.8) {
			unsigned k = (unsigned)(h3(g->seed, i, T_SOURCE) %
			                        (unsigned)__builtin_popcount(blk));
			for (int s = 0; s < NSRC_BLOCK; s++)
				if ((blk & (1u << s)) && k-- == 0)
					g->pick[i] = (uint8_t)s;
			included++;
		}
	}
	/* enough new persons that they make f_new of the rows: first from those
	 * in no leak, then, past them, from indices after the control's */
	double want = g->f_new < 1 ? (double)included * g->f_new / (1 - g->f_new) : (double)pool;
	double q = pool ? want / (double)pool : 0;
	g->extra_new = want > (double)pool ? (uint64_t)(want - (double)pool + 0.5) : 0;
	for (uint64_t i = 0; i < g->persons; i++)
		if (!g->memb[i] && unit(h3(g->seed, i, T_NEWPICK)) < q)
			g->pick[i] = PICK_NEW;
}

/* ------------------------------------------------------------------ */
/* The manifest */

static void
write_manifest(const struct gen *g, const char *args)
{
	static const char *const enc_b[NLEAK] = {"koi8-r", "utf-8", "utf-8", "utf-8", "utf-8"};
	static const char *const enc_a[NLEAK] = {"cp1251", "utf-8", "utf-8", "utf-8", "utf-8"};
	struct out o;
	struct buf *b;
	char t[256];

	out_open(&o, g->out, "family.json", ENC_UTF8);
	b = &o.b;
	bput(b, "{\n  \"generator\": \"samples/gen\",\n  \"args\": ");
	json_str(b, args);
	snprintf(t, sizeof(t),
	         ",\n  \"seed\": %" PRIu64 ",\n  \"persons\": %" PRIu64
	         ",\n  \"control_persons\": %" PRIu64 ",\n  \"extra_new_persons\": %" PRIu64
	         ",\n  \"variant\": \"%c\",\n",
	         g->seed, g->persons, g->control, g->extra_new, 'a' + g->variant);
	bput(b, t);
	snprintf(
	    t, sizeof(t),
	    "  \"fractions\": {\"new\": %g, \"updated\": %g, \"merged\": %g, \"unattributed\": %g, "
	    "\"duplicates\": %g, \"typos\": %g, \"variation\": %g},\n",
	    g->f_new, g->f_update, g->f_merge, g->f_unattr, g->f_dup, g->f_typo, g->f_vary);
	bput(b, t);
	bput(b, "  \"leaks\": [");
	for (int L = 0; L < NLEAK; L++) {
		bput(b, L ? ",\n    {\"name\": \"" : "\n    {\"name\": \"");
		bput(b, leakdefs[L].name);
		bput(b, "\", \"file\": \"");
		bput(b, leak_files[g->variant][L]);
		bput(b, "\", \"format\": \"");
		bput(b, leak_format(g, L));
		bput(b, "\", \"encoding\": \"");
		bput(b, (g->variant ? enc_b : enc_a)[L]);
		bput(b, "\",\n     \"breach_date\": \"");
		bput(b, leakdefs[L].breach);
		bput(b, "\", \"title\": ");
		json_str(b, leakdefs[L].title);
		bput(b, ", \"columns\": [");
		for (int c = 0, n = 0; c < NCOL; c++) {
			if (!(leakdefs[L].cols & (1u << c)))
				continue;
			bput(b, n++ ? ", \"" : "\"");
			bput(b, col_names[c]);
			bputc(b, '"');
		}
		snprintf(t, sizeof(t), "],\n     \"persons\": %" PRIu64 ", \"rows\": %" PRIu64,
		         g->leak_persons[L], g->leak_rows[L]);
		bput(b, t);
		if (L == L_VOTERS)
			bput(b, g->variant ? ", \"delimiter\": \"\\t\", \"line_end\": \"lf\""
			                   : ", \"delimiter\": \";\", \"line_end\": \"crlf\"");
		if (L == L_SHOP)
			bput(b, g->relational ? ", \"table\": \"customers\", \"tables\": "
			                        "[\"customers\", \"phones\", \"cities\"]"
			                      : ", \"table\": \"customers\"");
		if (L == L_TELECOM)
			bput(b, g->relational ? ", \"table\": \"subscribers\", \"tables\": "
			                        "[\"subscribers\", \"addresses\", \"cities\"]"
			                      : ", \"table\": \"subscribers\"");
		if (L == L_COMBO)
			bput(b, g->variant ? ", \"line_end\": \"crlf\"" : ", \"line_end\": \"lf\"");
		bputc(b, '}');
	}
	bput(b, "\n  ],\n  \"dumps\": [");
	for (int k = 0; k < 2; k++) {
		const char *n = k ? "control_2025" : "claimed_2025";
		snprintf(t, sizeof(t),
		         "%s\n    {\"name\": \"%s\", \"file\": \"%s.csv\", \"format\": \"csv\", "
		         "\"encoding\": "
		         "\"utf-8\", \"delimiter\": \"%s\",\n     \"rows\": %" PRIu64
		         ", \"truth\": \"%s.truth.jsonl\", \"summary\": \"%s.truth.json\"}",
		         k ? "," : "", n, n, g->variant ? ";" : ",",
		         k ? g->control_rows : g->claimed_rows, n, n);
		bput(b, t);
	}
	bput(b, "\n  ]\n}\n");
	out_close(&o);
}

/* ------------------------------------------------------------------ */

static void
usage(FILE *f)
{
	fputs("usage: gen [OPTIONS] --out DIR\n"
	      "\n"
	      "Writes a synthetic family of Kazakhstani leaks with ground truth into DIR:\n"
	      "five earlier leaks (voters_2019, shop_2020, clinic_2021, telecom_2022,\n"
	      "combo_2022), a claimed_2025 dump recompiled from them and a control_2025\n"
	      "dump of mostly new persons, each dump with a .truth.jsonl (one line per\n"
	      "row) and a .truth.json summary, and family.json, the manifest.\n"
	      "\n"
	      "  --out DIR            where to write (created if missing)\n"
	      "  --seed N             the seed; the same seed gives the same files (default 1)\n"
	      "  --persons N          persons in the population (default 20000)\n"
	      "  --control N          new persons in the control dump (default persons/10)\n"
	      "  --variant a|b        b: other formats, charsets, headers and column order\n"
	      "  --relational         the SQL leaks in tables that reference each other\n"
	      "                       (customers, phones, cities; subscribers, addresses,\n"
	      "                       cities): the claimed dump joins them\n"
	      "  --new F              share of the claimed rows that are new persons (0.03)\n"
	      "  --updated F          share of known rows with a value in no leak (0.04)\n"
	      "  --merged F           share of known rows merged from several leaks (0.35)\n"
	      "  --unattributed F     share of known rows without any identifier (0.01)\n"
	      "  --duplicates F       share of rows that come back later (0.02)\n"
	      "  --typos F            per leak and field, share of values mistyped (0.01)\n"
	      "  --variation F        share of copied and merged claimed rows with one cell\n"
	      "                       varied: a typo, CP1251 '?', an initial, a date, an\n"
	      "                       address, a re-typed IIN (0)\n"
	      "  -q, --quiet          no summary\n",
	      f);
}

static uint64_t
parse_count(const char *opt, const char *s, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || *s == '-')
		die("bad value for %s: '%s'", opt, s);
	return v;
}

static double
parse_frac(const char *opt, const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= 0 && v <= 1))
		die("bad value for %s: '%s' (a fraction from 0 to 1)", opt, s);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"seed", required_argument, NULL, 's'},
	    {"persons", required_argument, NULL, 'p'},
	    {"control", required_argument, NULL, 'c'},
	    {"variant", required_argument, NULL, 'v'},
	    {"relational", no_argument, NULL, 'R'},
	    {"new", required_argument, NULL, 'N'},
	    {"updated", required_argument, NULL, 'U'},
	    {"merged", required_argument, NULL, 'M'},
	    {"unattributed", required_argument, NULL, 'A'},
	    {"duplicates", required_argument, NULL, 'D'},
	    {"typos", required_argument, NULL, 'T'},
	    {"variation", required_argument, NULL, 'V'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct gen g = {
	    .seed = 1,
	    .persons = 20000,
	    .f_new = 0.03,
	    .f_update = 0.04,
	    .f_merge = 0.35,
	    .f_unattr = 0.01,
	    .f_dup = 0.02,
	    .f_typo = 0.01,
	};
	int control_set = 0, c;
	struct buf args = {0};
	clock_t t0 = clock();

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			g.out = optarg;
			break;
		case 's':
			g.seed = parse_count("--seed", optarg, UINT64_MAX);
			break;
		case 'p':
			g.persons = parse_count("--persons", optarg, 100000000);
			break;
		case 'c':
			g.control = parse_count("--control", optarg, 10000000);
			control_set = 1;
			break;
		case 'v':
			if (strcmp(optarg, "a") && strcmp(optarg, "b"))
				die("bad value for --variant: '%s' (a or b)", optarg);
			g.variant = optarg[0] == 'b';
			break;
		case 'R':
			g.relational = 1;
			break;
		case 'N':
			g.f_new = parse_frac("--new", optarg);
			break;
		case 'U':
			g.f_update = parse_frac("--updated", optarg);
			break;
		case 'M':
			g.f_merge = parse_frac("--merged", optarg);
			break;
		case 'A':
			g.f_unattr = parse_frac("--unattributed", optarg);
			break;
		case 'D':
			g.f_dup = parse_frac("--duplicates", optarg);
			break;
		case 'T':
			g.f_typo = parse_frac("--typos", optarg);
			break;
		case 'V':
			g.f_vary = parse_frac("--variation", optarg);
			break;
		case 'q':
			g.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !g.out) {
		usage(stderr);
		return 2;
	}
	if (g.persons < 100)
		die("bad value for --persons: %" PRIu64 " (at least 100)", g.persons);
	if (g.f_unattr + g.f_update > 1)
		die("--unattributed and --updated add up to more than 1");
	if (!control_set)
		g.control = g.persons / 10;
	g.day0 = days_from_civil(BIRTH_Y0, 1, 1);
	g.ndays = (uint64_t)(days_from_civil(BIRTH_Y1, 12, 31) - g.day0 + 1);
	g.key_iin = h3(g.seed, 0, T_KEYS);
	g.key_phone = h3(g.seed, 1, T_KEYS);
	g.key_email = h3(g.seed, 2, T_KEYS);
	g.key_id = h3(g.seed, 3, T_KEYS);
	g.key_pp = h3(g.seed, 4, T_KEYS);

	/* the arguments that reproduce these files, for the manifest */
	{
		char t[512];
		snprintf(t, sizeof(t), "--seed %" PRIu64 " --persons %" PRIu64, g.seed, g.persons);
		bput(&args, t);
		if (control_set) {
			snprintf(t, sizeof(t), " --control %" PRIu64, g.control);
			bput(&args, t);
		}
		if (g.variant)
			bput(&args, " --variant b");
		if (g.relational)
			bput(&args, " --relational");
#define FRAC_ARG(name, v, def)                                                                     \
	if ((v) != (def)) {                                                                        \
		snprintf(t, sizeof(t), " --%s %.17g", name, v);                                    \
		bput(&args, t);                                                                    \
	}
		FRAC_ARG("new", g.f_new, 0.03)
		FRAC_ARG("updated", g.f_update, 0.04)
		FRAC_ARG("merged", g.f_merge, 0.35)
		FRAC_ARG("unattributed", g.f_unattr, 0.01)
		FRAC_ARG("duplicates", g.f_dup, 0.02)
		FRAC_ARG("typos", g.f_typo, 0.01)
		FRAC_ARG("variation", g.f_vary, 0)
#undef FRAC_ARG
	}
	if (mkdir(g.out, 0777) != 0 && errno != EEXIST)
		die("cannot create '%s': %s", g.out, strerror(errno));
	{
		/* the ground truth apart, so that the dumps alone match DIR/ */
		char tdir[4096];
		snprintf(tdir, sizeof(tdir), "%s/truth", g.out);
		if (mkdir(tdir, 0777) != 0 && errno != EEXIST)
			die("cannot create '%s': %s", tdir, strerror(errno));
	}

	plan_persons(&g);
	/* the phone and e-mail bijections cover every index and its update */
	g.universe = g.persons + g.control + g.extra_new;
	if (g.universe > 2 * g.ndays * 5000 || 2 * g.universe > PHONE_SPACE)
		die("too many persons: %" PRIu64, g.universe);
	write_leaks(&g);
	write_claimed(&g);
	write_control(&g);
	write_manifest(&g, bstr(&args));
	if (!g.quiet) {
		printf("gen: %s: %" PRIu64 " persons (seed %" PRIu64
		       ", variant %c) in %.1f s CPU\n",
		       g.out, g.persons, g.seed, 'a' + g.variant,
		       (double)(clock() - t0) / CLOCKS_PER_SEC);
		for (int L = 0; L < NLEAK; L++)
			printf("  %-13s %10" PRIu64 " rows\n", leakdefs[L].name, g.leak_rows[L]);
		printf("  %-13s %10" PRIu64 " rows\n  %-13s %10" PRIu64 " rows\n", "claimed_2025",
		       g.claimed_rows, "control_2025", g.control_rows);
	}
	free(g.memb);
	free(g.pick);
	free(args.p);
	return 0;
}
