/*
 * Normalizers, one per type; see norm.h for what each one does. They run
 * on every typed field of every record (16 million rows x 7 fields in the
 * analysis), so each has an ASCII fast path, Cyrillic goes through a table
 * rather than utf8proc, utf8proc only sees the rest, and nothing is
 * allocated per call: the context's buffers grow to the longest value and
 * stay.
 *
 * Names are the hard part. A name becomes words of lower-case Latin
 * (Cyrillic transliterated by one table, Latin diacritics stripped by
 * utf8proc, with ş/ç/ž/š/č first turned into ш/ч/ж so that they keep
 * their two-letter Latin), and each word is then reduced to a skeleton
 * that the usual spellings share (see skeleton()).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "core/dynbuf.h"
#include "core/iin.h"
#include "core/norm.h"
#include "core/pwhash.h"
#include "core/xalloc.h"

#define NORM_MAX_WORDS 16           /* a name has fewer; more are dropped */
#define NORM_SCRATCH_CAP (1u << 22) /* longer values do not normalize */

struct region {
	char code[3];
	char cc[4];        /* country calling code */
	char trunk[3];     /* national trunk prefix */
	unsigned char nsn; /* digits of a national number */
	unsigned char mdy; /* 1: 01/02/2020 is 2 January */
	char lead[8];      /* the digits a national number begins with ("": any) */
};

/*
 * lead: Kazakhstan's numbers begin with 6 or 7 (+7 6xx, 7xx), so a bare
 * ten digits that begin with the trunk 8 are a number one digit short
 * written with its trunk prefix (the same number as "+7" and those nine
 * digits), not a national number 8xx; Russia's begin with 3, 4, 8 or 9,
 * and there 8 12 ... is St Petersburg.
 */
static const struct region regions[] = {
    {"KZ", "7", "8", 10, 0, "67"},  {"RU", "7", "8", 10, 0, ""},   {"UA", "380", "0", 9, 0, ""},
    {"BY", "375", "80", 9, 0, ""},  {"UZ", "998", "8", 9, 0, ""},  {"KG", "996", "0", 9, 0, ""},
    {"US", "1", "1", 10, 1, ""},    {"GB", "44", "0", 10, 0, ""},  {"TR", "90", "0", 10, 0, ""},
};

struct word {
	size_t off, len;   /* the word's key (skeleton) */
	size_t poff, plen; /* the word as transliterated, in ctx->a (norm_plain()) */
};

struct norm_ctx {
	const struct region *rg;
	utf8proc_int32_t *cp; /* utf8proc's code points, then its UTF-8 */
	size_t cp_alloc;
	struct dynbuf a, b; /* scratch */
	struct dynbuf plain; /* the last name's words as transliterated (norm_plain()) */
	struct word w[NORM_MAX_WORDS];
};

static const struct region *
find_region(const char *code)
{
	if (!code)
		code = "KZ";
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		const char *c = regions[i].code;
		if (code[0] && (code[0] & ~0x20) == c[0] && code[1] && (code[1] & ~0x20) == c[1] &&
		    !code[2])
			return &regions[i];
	}
	return NULL;
}

int
norm_region_known(const char *region)
{
	return find_region(region) != NULL;
}

struct norm_ctx *
norm_ctx_new(const char *region)
{
	const struct region *rg = find_region(region);
	if (!rg)
		return NULL;
	struct norm_ctx *ctx = xcalloc(1, sizeof(*ctx));
	ctx->rg = rg;
	dynbuf_init(&ctx->a, NORM_SCRATCH_CAP);
	dynbuf_init(&ctx->b, NORM_SCRATCH_CAP);
	dynbuf_init(&ctx->plain, NORM_SCRATCH_CAP);
	return ctx;
}

void
norm_ctx_free(struct norm_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->cp);
	dynbuf_release(&ctx->a);
	dynbuf_release(&ctx->b);
	dynbuf_release(&ctx->plain);
	free(ctx);
}

/* ------------------------------------------------------------------ */
/* Small helpers */

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isblank_ascii(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int
lower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
isalnum_ascii(int c)
{
	return isdig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Drops ASCII blanks and no-break spaces (U+00A0) at both ends. */
static void
trim(const char **vp, size_t *np)
{
	const char *v = *vp;
	size_t n = *np;

	for (;;) {
		if (n && isblank_ascii((unsigned char)v[0])) {
			v++;
			n--;
		} else if (n >= 2 && (unsigned char)v[0] == 0xC2 && (unsigned char)v[1] == 0xA0) {
			v += 2;
			n -= 2;
		} else
			break;
	}
	for (;;) {
		if (n && isblank_ascii((unsigned char)v[n - 1]))
			n--;
		else if (n >= 2 && (unsigned char)v[n - 2] == 0xC2 &&
		         (unsigned char)v[n - 1] == 0xA0)
			n -= 2;
		else
			break;
	}
	*vp = v;
	*np = n;
}

static int
is_ascii(const char *v, size_t n)
{
	size_t i = 0;
	uint64_t acc = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, v + i, 8);
		acc |= x;
	}
	for (; i < n; i++)
		acc |= (unsigned char)v[i];
	return !(acc & 0x8080808080808080ull);
}

static void
put_cp(struct dynbuf *out, uint32_t cp, int *bad)
{
	char e[4];
	size_t len;

	if (cp < 0x80) {
		*bad |= dynbuf_addc(out, (char)cp);
		return;
	}
	if (cp < 0x800) {
		e[0] = (char)(0xC0 | (cp >> 6));
		e[1] = (char)(0x80 | (cp & 0x3F));
		len = 2;
	} else if (cp < 0x10000) {
		e[0] = (char)(0xE0 | (cp >> 12));
		e[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		e[2] = (char)(0x80 | (cp & 0x3F));
		len = 3;
	} else {
		e[0] = (char)(0xF0 | (cp >> 18));
		e[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		e[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		e[3] = (char)(0x80 | (cp & 0x3F));
		len = 4;
	}
	*bad |= dynbuf_add(out, e, len);
}

/* Lower case for the Cyrillic block U+0400..U+04FF (its pairing rules). */
static uint32_t
cyr_lower(uint32_t c)
{
	if (c >= 0x410 && c <= 0x42F)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	if (((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
	     (c >= 0x4D0 && c <= 0x4FF)) &&
	    !(c & 1))
		return c + 1;
	if (c >= 0x4C1 && c <= 0x4CE && (c & 1))
		return c + 1;
	if (c == 0x4C0)
		return 0x4CF;
	return c;
}

/*
 * Is every code point of v ASCII or Cyrillic (U+0400..U+04FF)? Those
 * case-fold by cyr_lower() and are their own NFKC, so utf8proc can be
 * skipped. 0 also for malformed UTF-8 (utf8proc then reports it).
 */
static int
ascii_cyrillic(const char *v, size_t n)
{
	const unsigned char *s = (const unsigned char *)v;
	for (size_t i = 0; i < n;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] != 0xD0 && s[i] != 0xD1 && s[i] != 0xD2 && s[i] != 0xD3)
			return 0;
		if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
			return 0;
		i += 2;
	}
	return 1;
}

/* Runs utf8proc over v; returns the count of code points in ctx->cp, -1 on bad input. */
static utf8proc_ssize_t
run_utf8proc(struct norm_ctx *ctx, const char *v, size_t n, utf8proc_option_t opts,
             utf8proc_custom_func fn)
{
	utf8proc_ssize_t r;

	if (n > NORM_SCRATCH_CAP)
		return -1;
	for (;;) {
		r = utf8proc_decompose_custom((const utf8proc_uint8_t *)v, (utf8proc_ssize_t)n,
		                              ctx->cp, (utf8proc_ssize_t)ctx->cp_alloc, opts, fn,
		                              NULL);
		if (r < 0)
			return -1;
		if ((size_t)r <= ctx->cp_alloc)
			return r;
		if ((size_t)r > NORM_SCRATCH_CAP)
			return -1;
		/* grows once to the longest value, then is reused */
		ctx->cp_alloc = (size_t)r + 64;
		ctx->cp = xrealloc(ctx->cp, ctx->cp_alloc * sizeof(*ctx->cp));
	}
}

/*
 * Appends NFKC + case fold of v[0..n) to out. Returns 0 on malformed
 * UTF-8 or past out's cap.
 */
static int
casefold(struct norm_ctx *ctx, const char *v, size_t n, struct dynbuf *out)
{
	if (is_ascii(v, n) || ascii_cyrillic(v, n)) {
		/* lower case keeps every letter of these blocks at its length */
		const unsigned char *s = (const unsigned char *)v;
		unsigned char *d = (unsigned char *)dynbuf_reserve(out, n);
		if (!d)
			return 0;
		for (size_t i = 0; i < n; i++) {
			if (s[i] < 0x80) {
				d[i] = (unsigned char)lower_ascii(s[i]);
				continue;
			}
			uint32_t c = cyr_lower(((uint32_t)(s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F));
			d[i] = (unsigned char)(0xC0 | (c >> 6));
			d[i + 1] = (unsigned char)(0x80 | (c & 0x3F));
			i++;
		}
		out->len += n;
		return 1;
	}
	utf8proc_option_t opts =
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE;
	utf8proc_ssize_t r = run_utf8proc(ctx, v, n, opts, NULL);
	if (r < 0)
		return 0;
	r = utf8proc_reencode(ctx->cp, r, opts);
	if (r < 0)
		return 0;
	return dynbuf_add(out, ctx->cp, (size_t)r) == 0;
}

/*
 * Appends s[0..n) to out with runs of ASCII blanks collapsed to one blank
 * and none at either end. With commas set, no blank before a comma and
 * exactly one after it (addresses). 0 past out's cap.
 */
static int
collapse(const char *s, size_t n, struct dynbuf *out, int commas)
{
	char *p = dynbuf_reserve(out, 2 * n);
	size_t j = 0;
	int space = 0;

	if (!p)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (isblank_ascii((unsigned char)c)) {
			space = 1;
			continue;
		}
		if (commas && c == ',') {
			p[j++] = ',';
			space = 1;
			continue;
		}
		if (space && j)
			p[j++] = ' ';
		space = 0;
		p[j++] = c;
	}
	out->len += j;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Text, usernames, cities, addresses, e-mails */

enum text_mode { TM_TEXT, TM_ADDRESS, TM_CITY, TM_USERNAME };

static int
norm_text(struct norm_ctx *ctx, enum text_mode mode, const char *v, size_t n, struct dynbuf *out)
{
	trim(&v, &n);
	if (mode == TM_USERNAME && n && v[0] == '@') {
		v++;
		n--;
	}
	dynbuf_reset(&ctx->a);
	if (!n || !casefold(ctx, v, n, &ctx->a) ||
	    !collapse(ctx->a.buf, ctx->a.len, out, mode == TM_ADDRESS))
		return 0;
	if (mode == TM_CITY) {
		/* "г. Алматы", "г Алматы", "город Алматы" are Алматы */
		static const char *const pre[] = {"город ", "г. ", "г.", "г "};
		for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
			size_t k = strlen(pre[i]);
			if (out->len > k && !memcmp(out->buf, pre[i], k)) {
				memmove(out->buf, out->buf + k, out->len - k);
				out->len -= k;
				if (out->buf[0] == ' ')
					memmove(out->buf, out->buf + 1, --out->len);
				break;
			}
		}
	}
	return out->len > 0;
}

static int
norm_email(struct norm_ctx *ctx, const char *v, size_t n, struct dynbuf *out)
{
	trim(&v, &n);
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
		v++;
		n -= 2;
	}
	if (n > 7 && !strncasecmp(v, "mailto:", 7)) {
		v += 7;
		n -= 7;
	}
	trim(&v, &n);
	if (!n || !casefold(ctx, v, n, out))
		return 0;
	/* exactly one '@', text on both sides, no blank anywhere */
	const char *p = out->buf, *at = memchr(p, '@', out->len);
	if (!at || at == p || at == p + out->len - 1 ||
	    memchr(at + 1, '@', (size_t)(p + out->len - at - 1)))
		return 0;
	for (size_t i = 0; i < out->len; i++)
		if (isblank_ascii((unsigned char)p[i]) || p[i] == ',' || p[i] == ';')
			return 0;
	if (out->buf[out->len - 1] == '.') /* a trailing root dot */
		out->len--;
	return out->len > 0;
}

/* ------------------------------------------------------------------ */
/* Phones */

static int
has_prefix(const char *d, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && !memcmp(d, pre, k);
}

/*
 * Parses a phone number into E.164 digits (without '+') in out[16].
 * Returns the digit count, or 0 when it is not a phone. *plain is set
 * when the value was digits alone (no '+', separator or extension), which
 * the column typing treats with more suspicion.
 */
static size_t
phone_parse(const struct region *rg, const char *v, size_t n, char out[16], int *plain)
{
	char d[24];
	size_t nd = 0;
	int plus = 0, marks = 0;

	trim(&v, &n);
	if (n > 4 && !strncasecmp(v, "tel:", 4)) {
		v += 4;
		n -= 4;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (isdig(c)) {
			if (nd >= 20)
				return 0;
			d[nd++] = (char)c;
		} else if (c == '+') {
			if (nd || plus)
				return 0;
			plus = 1;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' ||
		           c == '\t') {
			marks = 1;
		} else if (c == 0xC2 && i + 1 < n && (unsigned char)v[i + 1] == 0xA0) {
			marks = 1;
			i++;
		} else if (nd >= 7 &&
		           (c == 'x' || c == 'X' || c == '#' || c == ',' || c == ';' ||
		            ((c == 'e' || c == 'E') && i + 2 < n && (v[i + 1] | 0x20) == 'x') ||
		            (c == 0xD0 && i + 1 < n &&
		             (unsigned char)v[i + 1] == 0xB4) /* доб. */)) {
			/* an extension: the number ends here */
			marks = 1;
			break;
		} else
			return 0;
	}
	*plain = !plus && !marks;
	const char *p = d;
	size_t cc = strlen(rg->cc), tr = strlen(rg->trunk);
	if (plus) {
		/* "+8 701 ..." is the national number written with a stray '+' */
		if (tr && nd == tr + rg->nsn && has_prefix(d, nd, rg->trunk) &&
		    strcmp(rg->trunk, rg->cc)) {
			p += tr;
			nd -= tr;
			goto national;
		}
		goto international;
	}
	if (nd > 2 && d[0] == '0' && d[1] == '0') {
		p += 2;
		nd -= 2;
		goto international;
	}
	if (nd == cc + rg->nsn && has_prefix(d, nd, rg->cc))
		goto international;
	if (tr && nd == tr + rg->nsn && has_prefix(d, nd, rg->trunk)) {
		p += tr;
		nd -= tr;
		goto national;
	}
	if (nd == rg->nsn && tr && *rg->lead && has_prefix(d, nd, rg->trunk) &&
	    !strchr(rg->lead, d[0]) && strchr(rg->lead, d[tr])) {
		/* no national number begins so: the trunk, and a number a digit short */
		p += tr;
		nd -= tr;
		goto national;
	}
	if (nd == rg->nsn)
		goto national;
	if (nd >= 11 && nd <= 15)
		goto international;
	return 0;
national:
	memcpy(out, rg->cc, cc);
	memcpy(out + cc, p, nd);
	return cc + nd;
international:
	if (nd < 8 || nd > 15 || p[0] == '0')
		return 0;
	memcpy(out, p, nd);
	return nd;
}

static int
norm_phone(struct norm_ctx *ctx, const char *v, size_t n, struct dynbuf *out)
{
	char d[16];
	int plain;
	size_t k = phone_parse(ctx->rg, v, n, d, &plain);
	return k && dynbuf_add(out, d, k) == 0;
}

/* ------------------------------------------------------------------ */
/* Identifiers: IIN, passports, cards, numbers */

static int
norm_natid(struct norm_ctx *ctx, const char *v, size_t n, struct dynbuf *out)
{
	size_t nd = 0, other = 0;

	trim(&v, &n);
	char *d = dynbuf_reserve(out, n + 1);
	if (!d)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (isdig(c))
			d[nd++] = (char)c;
		else if (c != ' ' && c != '-' && c != '.' && c != '\t')
			other++;
	}
	if (!other) {
		if (nd == 11) {
			/* a spreadsheet dropped the leading 0 of a 2000s birth year */
			char t[12];
			t[0] = '0';
			memcpy(t + 1, d, 11);
			if (iin_valid(t, 12)) {
				memcpy(d, t, 12);
				nd = 12;
			}
		}
		out->len = nd;
		return nd > 0;
	}
	/* not digits: a generic id, letters and digits in lower case */
	dynbuf_reset(&ctx->a);
	if (!casefold(ctx, v, n, &ctx->a))
		return 0;
	for (size_t i = 0; i < ctx->a.len; i++) {
		unsigned char c = (unsigned char)ctx->a.buf[i];
		if (c >= 0x80 || isalnum_ascii(c))
			if (dynbuf_addc(out, (char)c))
				return 0;
	}
	return out->len > 0;
}

int
norm_luhn_ok(const char *v, size_t n)
{
	int sum = 0, nd = 0;

	/* from the right: every second digit doubled */
	for (size_t i = n; i-- > 0;) {
		char c = v[i];
		if (isdig(c)) {
			int x = c - '0';
			if (nd++ & 1) {
				x *= 2;
				if (x > 9)
					x -= 9;
			}
			sum += x;
		} else if (c != ' ' && c != '-')
			return 0;
	}
	return nd >= 12 && nd <= 19 && sum % 10 == 0;
}

static int
norm_card(const char *v, size_t n, struct dynbuf *out)
{
	trim(&v, &n);
	if (!norm_luhn_ok(v, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (isdig(v[i]) && dynbuf_addc(out, v[i]))
			return 0;
	return 1;
}

/*
 * A postcode: 3 to 10 letters and digits, two digits at least, spaces
 * and hyphens dropped, letters in upper case ("sw1a 1aa" is "SW1A1AA",
 * "050000" stays itself: leading zeros are part of a code).
 */
static int
norm_postcode(const char *v, size_t n, struct dynbuf *out)
{
	size_t len = 0, digits = 0;

	trim(&v, &n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == ' ' || c == '-')
			continue;
		if (isdig(c))
			digits++;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
		if (++len > 10 || dynbuf_addc(out, (char)(c >= 'a' && c <= 'z' ? c - 32 : c)))
			return 0;
	}
	return len >= 3 && digits >= 2;
}

static int
norm_number(const char *v, size_t n, struct dynbuf *out)
{
	char ip[64], fp[64];
	size_t ni = 0, nf = 0;
	int neg = 0, dot = 0, any = 0;

	trim(&v, &n);
	size_t i = 0;
	if (i < n && (v[i] == '-' || v[i] == '+'))
		neg = v[i++] == '-';
	for (; i < n; i++) {
		char c = v[i];
		if (isdig(c)) {
			any = 1;
			if (dot) {
				if (nf >= sizeof(fp))
					return 0;
				fp[nf++] = c;
			} else {
				if (ni >= sizeof(ip))
					return 0;
				/* leading zeros do not count */
				if (ni || c != '0')
					ip[ni++] = c;
			}
		} else if ((c == '.' || c == ',') && !dot) {
			dot = 1;
		} else if ((c == ' ' || c == '\'') && any && !dot && i + 1 < n && isdig(v[i + 1])) {
			continue; /* a thousands separator */
		} else
			return 0;
	}
	if (!any)
		return 0;
	while (nf && fp[nf - 1] == '0')
		nf--;
	if (!ni && !nf)
		neg = 0; /* -0 is 0 */
	int bad = 0;
	if (neg)
		bad |= dynbuf_addc(out, '-');
	if (ni)
		bad |= dynbuf_add(out, ip, ni);
	else
		bad |= dynbuf_addc(out, '0');
	if (nf) {
		bad |= dynbuf_addc(out, '.');
		bad |= dynbuf_add(out, fp, nf);
	}
	return !bad;
}

static int
norm_password(const char *v, size_t n, struct dynbuf *out)
{
	if (!n)
		return 0;
	if (pwhash_is_hex(v, n)) {
		int r = pwhash_hex_decode(v, n, out);
		if (r == PWHASH_HEX_OK)
			return 1;
		dynbuf_reset(out);
		if (r == PWHASH_HEX_TOOBIG)
			return 0;
	}
	return dynbuf_add(out, v, n) == 0;
}

static int
norm_hash(const char *v, size_t n, struct dynbuf *out)
{
	size_t i = 0;

	trim(&v, &n);
	if (!n)
		return 0;
	if (v[0] == '*')
		i = 1;
	else if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		i = 2;
	size_t k = i;
	for (; k < n; k++)
		if (!isdig(v[k]) && !((v[k] | 0x20) >= 'a' && (v[k] | 0x20) <= 'f'))
			break;
	if (k < n || k == i)
		return dynbuf_add(out, v, n) == 0; /* not hex: case matters */
	char *d = dynbuf_reserve(out, n);
	if (!d)
		return 0;
	for (size_t j = 0; j < n; j++)
		d[j] = (char)lower_ascii((unsigned char)v[j]);
	out->len += n;
	return 1;
}

static int norm_passport(struct norm_ctx *ctx, const char *v, size_t n, struct dynbuf *out);

/* ------------------------------------------------------------------ */
/* IP addresses and URLs */

/* A dotted quad, each part 0-255 with at most 3 digits; canonical into out. */
static int
ipv4_parse(const char *v, size_t n, unsigned char q[4])
{
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		unsigned x = 0, nd = 0;
		while (i < n && isdig(v[i]) && nd < 4) {
			x = x * 10 + (unsigned)(v[i++] - '0');
			nd++;
		}
		if (!nd || nd > 3 || x > 255)
			return 0;
		q[k] = (unsigned char)x;
		if (k < 3) {
			if (i >= n || v[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

static int
norm_ip(const char *v, size_t n, struct dynbuf *out)
{
	unsigned char q[16];
	char s[64];

	trim(&v, &n);
	if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
		v++;
		n -= 2;
	}
	if (ipv4_parse(v, n, q))
		return dynbuf_printf(out, "%u.%u.%u.%u", q[0], q[1], q[2], q[3]) == 0;
	if (n >= sizeof(s) || !memchr(v, ':', n))
		return 0;
	memcpy(s, v, n);
	s[n] = 0;
	if (inet_pton(AF_INET6, s, q) != 1)
		return 0;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(q, mapped, 12))
		return dynbuf_printf(out, "%u.%u.%u.%u", q[12], q[13], q[14], q[15]) == 0;
	if (!inet_ntop(AF_INET6, q, s, sizeof(s)))
		return 0;
	return dynbuf_add(out, s, strlen(s)) == 0;
}

static int
norm_url(const char *v, size_t n, struct dynbuf *out)
{
	trim(&v, &n);
	if (!n || dynbuf_add(out, v, n))
		return 0;
	char *p = out->buf;
	size_t i = 0, host;
	/* the scheme, then the host: both case-insensitive */
	const char *sep = n > 3 ? memchr(p, ':', n) : NULL;
	host = sep && (size_t)(sep - p) + 3 <= n && sep[1] == '/' && sep[2] == '/'
	           ? (size_t)(sep - p) + 3
	           : 0;
	for (i = 0; i < host; i++)
		p[i] = (char)lower_ascii((unsigned char)p[i]);
	for (i = host; i < n && p[i] != '/' && p[i] != '?' && p[i] != '#'; i++)
		p[i] = (char)lower_ascii((unsigned char)p[i]);
	if (i == n - 1 && p[i] == '/')
		out->len--;
	return out->len > 0;
}

/* ------------------------------------------------------------------ */
/* Dates */

static int
leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
date_ok(int y, int m, int d)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1850 || y > 2100 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= md[m - 1] + (m == 2 && leap(y));
}

/* Two-digit years: a fixed pivot, so that nothing depends on today. */
static int
year2(int yy)
{
	return yy < 30 ? 2000 + yy : 1900 + yy;
}

static int
num(const char *s, size_t k)
{
	int x = 0;
	for (size_t i = 0; i < k; i++)
		x = x * 10 + (s[i] - '0');
	return x;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/*
 * Parses a date; 1 with *y, *m, *d set, else 0. unix: whether bare
 * 9-13 digit numbers may be unix time. *has_time is set when a time
 * followed the date.
 */
static int
date_parse(const struct region *rg, const char *v, size_t n, int unix_ok, int *y, int *m, int *d,
           int *has_time)
{
	size_t part[3], len[3], np = 0, i = 0;
	char sep = 0;

	trim(&v, &n);
	*has_time = 0;
	/* up to three digit groups with one kind of separator */
	while (np < 3) {
		size_t s = i;
		while (i < n && isdig(v[i]))
			i++;
		if (i == s || i - s > 13)
			return 0;
		part[np] = s;
		len[np++] = i - s;
		if (np == 3 || i >= n)
			break;
		char c = v[i];
		if (c != '.' && c != '-' && c != '/')
			break;
		if (sep && c != sep)
			return 0;
		sep = c;
		i++;
	}
	/* what may follow: a time, "г." (год), a time zone after ISO */
	if (i < n) {
		char c = v[i];
		if (c == 'T' || c == ' ' || c == '\t') {
			size_t k = i + 1;
			while (k < n && v[k] == ' ')
				k++;
			if (k < n && isdig(v[k]))
				*has_time = 1;
			else if (!(k < n && (unsigned char)v[k] == 0xD0 && k + 1 < n &&
			           (unsigned char)v[k + 1] == 0xB3))
				return 0;
		} else if (!(np == 3 && (unsigned char)c == 0xD0 && i + 1 < n &&
		             (unsigned char)v[i + 1] == 0xB3))
			return 0;
	}
	if (np == 1) {
		const char *p = v + part[0];
		if (len[0] == 8) {
			/* 19820421, else 21041982 */
			*y = num(p, 4), *m = num(p + 4, 2), *d = num(p + 6, 2);
			if (date_ok(*y, *m, *d))
				return 1;
			*d = num(p, 2), *m = num(p + 2, 2), *y = num(p + 4, 4);
			return date_ok(*y, *m, *d);
		}
		if (unix_ok && !*has_time && i == n &&
		    (len[0] == 9 || len[0] == 10 || len[0] == 12 || len[0] == 13)) {
			long long t = 0;
			for (size_t k = 0; k < len[0]; k++)
				t = t * 10 + (p[k] - '0');
			if (len[0] >= 12)
				t /= 1000;
			/* 1990-01-01 .. 2038-01-19: a plausible record date */
			if (t < 631152000LL || t > 2147483647LL)
				return 0;
			civil_from_days(t / 86400, y, m, d);
			return 1;
		}
		return 0;
	}
	if (np != 3)
		return 0;
	const char *a = v + part[0], *b = v + part[1], *c = v + part[2];
	if (len[0] == 4 && len[1] <= 2 && len[2] <= 2) {
		*y = num(a, 4), *m = num(b, len[1]), *d = num(c, len[2]);
		return date_ok(*y, *m, *d);
	}
	if (len[0] > 2 || len[1] > 2 || (len[2] != 4 && len[2] != 2))
		return 0;
	int x = num(a, len[0]), z = num(b, len[1]);
	*y = len[2] == 4 ? num(c, 4) : year2(num(c, 2));
	if (x > 12 && z <= 12)
		*d = x, *m = z;
	else if (z > 12 && x <= 12)
		*m = x, *d = z;
	else if (sep == '/' && rg->mdy)
		*m = x, *d = z;
	else
		*d = x, *m = z;
	return date_ok(*y, *m, *d);
}

static int
norm_date(struct norm_ctx *ctx, int unix_ok, const char *v, size_t n, struct dynbuf *out)
{
	int y, m, d, t;
	char s[16];

	if (!date_parse(ctx->rg, v, n, unix_ok, &y, &m, &d, &t))
		return 0;
	s[0] = (char)('0' + y / 1000);
	s[1] = (char)('0' + y / 100 % 10);
	s[2] = (char)('0' + y / 10 % 10);
	s[3] = (char)('0' + y % 10);
	s[4] = '-';
	s[5] = (char)('0' + m / 10);
	s[6] = (char)('0' + m % 10);
	s[7] = '-';
	s[8] = (char)('0' + d / 10);
	s[9] = (char)('0' + d % 10);
	return dynbuf_add(out, s, 10) == 0;
}

/* ------------------------------------------------------------------ */
/* Names */

/*
 * Latin for one lower-case Cyrillic letter (Russian, Kazakh, Ukrainian,
 * Belarusian), passport style; NULL when cp is not one we know.
 */
static const char *
cyr_latin(uint32_t cp)
{
	static const char *const ru[32] = {
	    "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "i",    "k", "l", "m", "n", "o",  "p",
	    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "iu", "ia",
	};
	static const char *const ext[16] = {
	    "e", "e", "dj", "g", "ie", "dz", "i", "i", "j", "l", "n", "c", "k", "i", "u", "dzh",
	};

	if (cp >= 0x430 && cp <= 0x44F)
		return ru[cp - 0x430];
	if (cp >= 0x450 && cp <= 0x45F)
		return ext[cp - 0x450];
	switch (cp) {
	case 0x491:
		return "g"; /* ґ */
	case 0x493:
		return "g"; /* ғ */
	case 0x497:
		return "zh"; /* җ */
	case 0x49B:
		return "k"; /* қ */
	case 0x4A3:
		return "n"; /* ң */
	case 0x4AF:
		return "u"; /* ү */
	case 0x4B1:
		return "u"; /* ұ */
	case 0x4BB:
		return "h"; /* һ */
	case 0x4D9:
		return "a"; /* ә */
	case 0x4E9:
		return "o"; /* ө */
	case 0x4D1:
		return "a"; /* ӑ */
	case 0x4D3:
		return "a"; /* ӓ */
	case 0x4E7:
		return "o"; /* ӧ */
	case 0x4F1:
		return "u"; /* ӱ */
	}
	return NULL;
}

/* Latin letters that utf8proc leaves as they are after stripping marks. */
static const char *
latin_extra(uint32_t cp)
{
	switch (cp) {
	case 0x131:
		return "i"; /* ı, Kazakh 2021 І */
	case 0xF8:
		return "o"; /* ø */
	case 0xE6:
		return "ae"; /* æ */
	case 0x153:
		return "oe"; /* œ */
	case 0x111:
		return "d"; /* đ */
	case 0x142:
		return "l"; /* ł */
	case 0xF0:
		return "d"; /* ð */
	case 0xFE:
		return "th"; /* þ */
	case 0x259:
		return "a"; /* ə, Azerbaijani and early Kazakh Latin */
	case 0x2BC:
	case 0x2019:
	case 0x2BB:
	case 0x60:
	case 0x27:
	case 0xB4:
		return ""; /* apostrophes join: O'Brien, Qo'shiq */
	}
	return NULL;
}

/*
 * Before utf8proc strips diacritics: the letters whose Latin is two
 * letters become their Cyrillic originals (ş -> ш -> "sh").
 */
static utf8proc_int32_t
name_custom(utf8proc_int32_t c, void *data)
{
	(void)data;
	switch (c) {
	case 0x15E:
	case 0x15F:
	case 0x160:
	case 0x161:
	case 0x15C:
	case 0x15D:
		return 0x448; /* ş š ŝ: ш */
	case 0xC7:
	case 0xE7:
	case 0x10C:
	case 0x10D:
	case 0x106:
	case 0x107:
		return 0x447; /* ç č ć: ч */
	case 0x17D:
	case 0x17E:
		return 0x436; /* ž: ж */
	case 0x2116:
		return ' '; /* №, not "No" */
	}
	return c;
}

/*
 * Appends the Latin for one code point of a name to out; a separator
 * (anything that is neither letter nor digit) becomes one blank.
 */
static void
name_cp(uint32_t c, struct dynbuf *out, int *bad)
{
	const char *t;

	if (c < 0x80) {
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if ((c >= 'a' && c <= 'z') || isdig((int)c))
			*bad |= dynbuf_addc(out, (char)c);
		else if (c == '\'' || c == '`')
			; /* joins */
		else if (out->len && out->buf[out->len - 1] != ' ')
			*bad |= dynbuf_addc(out, ' ');
		return;
	}
	if (c >= 0x400 && c <= 0x4FF && (t = cyr_latin(cyr_lower(c))) != NULL) {
		*bad |= dynbuf_add(out, t, strlen(t));
		return;
	}
	if ((t = latin_extra(c)) != NULL) {
		*bad |= dynbuf_add(out, t, strlen(t));
		return;
	}
	utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
	if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) {
		if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)
			return; /* a mark left by the fast path: drop */
		put_cp(out, (uint32_t)utf8proc_tolower((utf8proc_int32_t)c), bad);
	} else if (out->len && out->buf[out->len - 1] != ' ')
		*bad |= dynbuf_addc(out, ' ');
}

/*
 * Writes the lower-case Latin words of name v into ctx->a, separated by
 * single blanks. 0 on malformed UTF-8 or past the cap.
 */
static int
name_latin(struct norm_ctx *ctx, const char *v, size_t n)
{
	struct dynbuf *a = &ctx->a;
	int bad = 0;

	dynbuf_reset(a);
	if (is_ascii(v, n) || ascii_cyrillic(v, n)) {
		/* by table, straight into the buffer: at most "shch" for 2 bytes */
		const unsigned char *s = (const unsigned char *)v;
		char *d = dynbuf_reserve(a, 2 * n);
		size_t j = 0;
		if (!d)
			return 0;
		for (size_t i = 0; i < n; i++) {
			unsigned c = s[i];
			if (c < 0x80) {
				c = (unsigned)lower_ascii((int)c);
				if ((c >= 'a' && c <= 'z') || isdig((int)c))
					d[j++] = (char)c;
				else if (c != '\'' && c != '`' && j && d[j - 1] != ' ')
					d[j++] = ' ';
				continue;
			}
			uint32_t cp = cyr_lower(((uint32_t)(c & 0x1F) << 6) | (s[++i] & 0x3F));
			const char *t = cyr_latin(cp);
			if (t) {
				while (*t)
					d[j++] = *t++;
			} else if (utf8proc_category((utf8proc_int32_t)cp) <=
			           UTF8PROC_CATEGORY_LO) {
				d[j++] =
				    (char)(0xC0 | (cp >> 6)); /* a letter we do not transliterate */
				d[j++] = (char)(0x80 | (cp & 0x3F));
			} else if (j && d[j - 1] != ' ')
				d[j++] = ' ';
		}
		a->len = j;
	} else {
		/* decomposed, case-folded, marks stripped: ä -> a, й -> и */
		utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
		                         UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK;
		utf8proc_ssize_t r = run_utf8proc(ctx, v, n, opts, name_custom);
		if (r < 0)
			return 0;
		for (utf8proc_ssize_t k = 0; k < r; k++)
			name_cp((uint32_t)ctx->cp[k], a, &bad);
	}
	return !bad;
}

static int
vowel(int c)
{
	return c == 'a' || c == 'e' || c == 'o' || c == 'u' || c == 'i' || c == 'y';
}

static int
glide(int c)
{
	return c == 'i' || c == 'y' || c == 'j';
}

/*
 * The skeleton of one Latin word s[0..n), appended to out. The rules, in
 * order, make the spellings below meet:
 *  1. shch/sch -> sh, tsch/tch -> ch, ts/tz -> c, kh -> h, gh -> g,
 *     zh/dzh/dj -> j, ph -> f, ck -> k, q -> k, w -> v, and x -> h
 *     (Axmetov) except between vowels, where it is ks (Alexey);
 *  2. a run of i/y/j is one glide: before e it goes (Yerlan = Erlan,
 *     Sergeyev = Sergeev), before o after a consonant it is ё written
 *     yo and becomes e (Fyodor = Fedor), before another vowel it is j
 *     (Yuri = Iurii = Juri, Mariya = Mariia), otherwise it is i (Dmitriy
 *     = Dmitrii = Dmitry, ы = и);
 *  3. doubled letters are single (Kirill = Kiril).
 * The cost of rule 2 is that ж (j) and the glides meet: Жана and Яна
 * share a skeleton. Bytes of other scripts are copied.
 */
static int
skeleton(const char *s, size_t n, struct dynbuf *out)
{
	size_t start = out->len;
	char *p = dynbuf_reserve(out, 2 * n + 1);
	if (!p)
		return 0;
	size_t j = 0;

	for (size_t i = 0; i < n;) {
		char c = s[i];
		size_t left = n - i;
		char nx = left > 1 ? s[i + 1] : 0;
		/* one switch on the letter: most letters are copied at once */
		switch (c) {
		case 's':
			if (nx == 'h' && left >= 4 && s[i + 2] == 'c' && s[i + 3] == 'h') {
				p[j++] = 's', p[j++] = 'h', i += 4;
				continue;
			}
			if (nx == 'c' && left >= 3 && s[i + 2] == 'h') {
				p[j++] = 's', p[j++] = 'h', i += 3;
				continue;
			}
			break;
		case 't':
			if (nx == 's' && left >= 4 && s[i + 2] == 'c' && s[i + 3] == 'h') {
				p[j++] = 'c', p[j++] = 'h', i += 4;
				continue;
			}
			if (nx == 'c' && left >= 3 && s[i + 2] == 'h') {
				p[j++] = 'c', p[j++] = 'h', i += 3;
				continue;
			}
			if (nx == 's' || nx == 'z') {
				p[j++] = 'c', i += 2;
				continue;
			}
			break;
		case 'k':
			if (nx == 'h') {
				p[j++] = 'h', i += 2;
				continue;
			}
			break;
		case 'g':
			if (nx == 'h') {
				p[j++] = 'g', i += 2;
				continue;
			}
			break;
		case 'z':
			if (nx == 'h') {
				p[j++] = 'j', i += 2;
				continue;
			}
			break;
		case 'd':
			if (nx == 'z' && left >= 3 && s[i + 2] == 'h') {
				p[j++] = 'j', i += 3;
				continue;
			}
			if (nx == 'j') {
				p[j++] = 'j', i += 2;
				continue;
			}
			break;
		case 'p':
			if (nx == 'h') {
				p[j++] = 'f', i += 2;
				continue;
			}
			break;
		case 'c':
			if (nx == 'k') {
				p[j++] = 'k', i += 2;
				continue;
			}
			break;
		case 'q':
			p[j++] = 'k', i++;
			continue;
		case 'w':
			p[j++] = 'v', i++;
			continue;
		case 'x':
			if (j && vowel(p[j - 1]) && vowel(nx))
				p[j++] = 'k', p[j++] = 's';
			else
				p[j++] = 'h';
			i++;
			continue;
		}
		p[j++] = c, i++;
	}
	/* glides, in place: the result is never longer */
	size_t m = j, w = 0;
	for (size_t i = 0; i < m;) {
		char c = p[i];
		if (!glide(c)) {
			p[w++] = c, i++;
			continue;
		}
		size_t k = i;
		while (k < m && glide(p[k]))
			k++;
		char nx = k < m ? p[k] : 0;
		if (nx == 'e') {
			/* ye, ie, je: the e alone */
		} else if (nx == 'o' && w && !vowel(p[w - 1]) && (unsigned char)p[w - 1] < 0x80) {
			p[w++] = 'e';
			k++;
		} else if (nx == 'a' || nx == 'o' || nx == 'u') {
			p[w++] = 'j';
		} else {
			p[w++] = 'i';
		}
		i = k;
	}
	/* doubled letters */
	m = w, w = 0;
	for (size_t i = 0; i < m; i++) {
		char c = p[i];
		if (w && p[w - 1] == c && ((c >= 'a' && c <= 'z')))
			continue;
		p[w++] = c;
	}
	out->len = start + w;
	return 1;
}

/* The patronymic markers as separate words ("Серік ұлы"). */
static int
patronymic_word(const char *w, size_t n)
{
	return (n == 3 && (!memcmp(w, "uli", 3) || !memcmp(w, "ulu", 3))) ||
	       (n == 4 && (!memcmp(w, "kizi", 4) || !memcmp(w, "ogli", 4)));
}

int
norm_is_patronymic(const char *w, size_t n)
{
	/* skeletons: -ович/-ovich, -евич, -овна, -евна, -ична, -ұлы/-uly, -қызы/-kyzy */
	static const struct {
		const char *s;
		size_t n;
	} suf[] = {{"ovich", 5}, {"evich", 5}, {"ovna", 4}, {"evna", 4}, {"ichna", 5},
	           {"uli", 3},   {"ulu", 3},   {"kizi", 4}, {"ogli", 4}};
	if (n < 3 || (w[n - 1] != 'h' && w[n - 1] != 'a' && w[n - 1] != 'i' && w[n - 1] != 'u'))
		return 0;
	for (size_t i = 0; i < sizeof(suf) / sizeof(suf[0]); i++)
		if (n > suf[i].n + 1 && !memcmp(w + n - suf[i].n, suf[i].s, suf[i].n))
			return 1;
	return patronymic_word(w, n);
}

static int
word_cmp(const char *base, const struct word *x, const struct word *y)
{
	size_t k = x->len < y->len ? x->len : y->len;
	int c = memcmp(base + x->off, base + y->off, k);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int
norm_name(struct norm_ctx *ctx, enum dt_type t, const char *v, size_t n, struct dynbuf *out)
{
	dynbuf_reset(&ctx->plain);
	trim(&v, &n);
	if (!n || !name_latin(ctx, v, n))
		return 0;
	/* each word to its skeleton, in ctx->b */
	struct dynbuf *b = &ctx->b;
	struct word *w = ctx->w;
	size_t nw = 0;
	const char *a = ctx->a.buf;
	dynbuf_reset(b);
	for (size_t i = 0; i < ctx->a.len && nw < NORM_MAX_WORDS;) {
		if (a[i] == ' ') {
			i++;
			continue;
		}
		size_t e = i;
		while (e < ctx->a.len && a[e] != ' ')
			e++;
		w[nw].off = b->len;
		if (!skeleton(a + i, e - i, b))
			return 0;
		w[nw].len = b->len - w[nw].off;
		w[nw].poff = i;
		w[nw].plen = e - i;
		if (w[nw].len)
			nw++;
		i = e;
	}
	if (!nw)
		return 0;
	if (t == DT_PATRONYMIC) {
		for (size_t i = 0; i < nw; i++)
			if (dynbuf_add(out, b->buf + w[i].off, w[i].len))
				return 0;
		return 1;
	}
	if (t == DT_FULL_NAME) {
		/* drop the patronymic (never the first word: the surname) */
		size_t k = 1;
		for (size_t i = 1; i < nw; i++) {
			const char *s = b->buf + w[i].off;
			if (patronymic_word(s, w[i].len)) {
				if (k > 1)
					k--; /* "Серік ұлы": the father's name goes too */
				continue;
			}
			if (norm_is_patronymic(s, w[i].len))
				continue;
			w[k++] = w[i];
		}
		nw = k;
	}
	/* word order does not matter: sort (few words, insertion sort) */
	for (size_t i = 1; i < nw; i++) {
		struct word x = w[i];
		size_t j = i;
		while (j > 0 && word_cmp(b->buf, &w[j - 1], &x) > 0) {
			w[j] = w[j - 1];
			j--;
		}
		w[j] = x;
	}
	for (size_t i = 0; i < nw; i++) {
		if ((i && dynbuf_addc(out, ' ')) || dynbuf_add(out, b->buf + w[i].off, w[i].len) ||
		    (i && dynbuf_addc(&ctx->plain, ' ')) ||
		    dynbuf_add(&ctx->plain, ctx->a.buf + w[i].poff, w[i].plen))
			return 0;
	}
	return 1;
}

const char *
norm_plain(struct norm_ctx *ctx, size_t *len)
{
	*len = ctx->plain.len;
	return ctx->plain.buf;
}

static int
norm_passport(struct norm_ctx *ctx, const char *v, size_t n, struct dynbuf *out)
{
	trim(&v, &n);
	if (!n)
		return 0;
	if (is_ascii(v, n)) {
		for (size_t i = 0; i < n; i++)
			if (isalnum_ascii((unsigned char)v[i]) &&
			    dynbuf_addc(out, (char)lower_ascii((unsigned char)v[i])))
				return 0;
		return out->len > 0;
	}
	/* Cyrillic series letters through the name table; "№" and the like go */
	if (!name_latin(ctx, v, n))
		return 0;
	for (size_t i = 0; i < ctx->a.len; i++)
		if (ctx->a.buf[i] != ' ' && dynbuf_addc(out, ctx->a.buf[i]))
			return 0;
	return out->len > 0;
}

/* ------------------------------------------------------------------ */

int
norm_value(struct norm_ctx *ctx, enum dt_type t, const char *v, size_t n, struct dynbuf *out)
{
	int r;

	dynbuf_reset(out);
	dynbuf_reset(&ctx->plain);
	switch (t) {
	case DT_EMAIL:
		r = norm_email(ctx, v, n, out);
		break;
	case DT_PHONE:
		r = norm_phone(ctx, v, n, out);
		break;
	case DT_NATIONAL_ID:
		r = norm_natid(ctx, v, n, out);
		break;
	case DT_PASSPORT:
		r = norm_passport(ctx, v, n, out);
		break;
	case DT_FULL_NAME:
	case DT_FIRST_NAME:
	case DT_LAST_NAME:
	case DT_PATRONYMIC:
		r = norm_name(ctx, t, v, n, out);
		break;
	case DT_BIRTH_DATE:
		r = norm_date(ctx, 0, v, n, out);
		break;
	case DT_DATE:
		r = norm_date(ctx, 1, v, n, out);
		break;
	case DT_PASSWORD:
		r = norm_password(v, n, out);
		break;
	case DT_PASSWORD_HASH:
		r = norm_hash(v, n, out);
		break;
	case DT_IP:
		r = norm_ip(v, n, out);
		break;
	case DT_URL:
		r = norm_url(v, n, out);
		break;
	case DT_CARD:
		r = norm_card(v, n, out);
		break;
	case DT_NUMBER:
		r = norm_number(v, n, out);
		break;
	case DT_POSTCODE:
		r = norm_postcode(v, n, out);
		break;
	case DT_USERNAME:
		r = norm_text(ctx, TM_USERNAME, v, n, out);
		break;
	case DT_CITY:
		r = norm_text(ctx, TM_CITY, v, n, out);
		break;
	case DT_ADDRESS:
		r = norm_text(ctx, TM_ADDRESS, v, n, out);
		break;
	default:
		r = norm_text(ctx, TM_TEXT, v, n, out);
		break;
	}
	if (!r)
		dynbuf_reset(out);
	return r;
}

int
norm_phone_shape(struct norm_ctx *ctx, const char *v, size_t n)
{
	char d[16];
	int plain;
	size_t k = phone_parse(ctx->rg, v, n, d, &plain);
	if (!k)
		return 0;
	if (!plain)
		return 1;
	/* digits alone: only the country-code or trunk forms of the region */
	trim(&v, &n);
	const struct region *rg = ctx->rg;
	return (n == strlen(rg->cc) + rg->nsn && has_prefix(v, n, rg->cc)) ||
	       (n == strlen(rg->trunk) + rg->nsn && has_prefix(v, n, rg->trunk));
}

int
norm_date_shape(struct norm_ctx *ctx, const char *v, size_t n, int *year, int *has_time)
{
	int m, d;
	return date_parse(ctx->rg, v, n, 0, year, &m, &d, has_time);
}
