/*
 * Password-hash recognition by shape, and $HEX[...] decoding. See
 * pwhash.h for the contract and the ambiguities.
 *
 * The combo reader calls pwhash_kind() once per record, so the common case
 * (a clear-text password of a dozen characters) must cost next to nothing:
 * anything shorter than the shortest hash (13, descrypt) is turned away on
 * its length, the rest on its first byte and length before any scanning.
 */
#include "config.h"

#include <string.h>

#include "core/pwhash.h"

/* Character classes, one bit each, for one table lookup per byte. */
enum {
	C_DIGIT = 1,  /* 0-9 */
	C_HEXLO = 2,  /* a-f */
	C_HEXUP = 4,  /* A-F */
	C_ALPHA = 8,  /* A-Z a-z */
	C_CRYPT = 16, /* ./0-9A-Za-z: crypt(3)'s base 64 */
	C_B64 = 32,   /* A-Za-z0-9+/=: RFC 4648 base 64 with padding */
	C_UPPER = 64  /* A-Z */
};

/* The classes of byte c (a computation rather than a table: no set-up). */
static inline unsigned
cls(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return C_DIGIT | C_CRYPT | C_B64;
	if (c >= 'a' && c <= 'z')
		return C_ALPHA | C_CRYPT | C_B64 | (c <= 'f' ? C_HEXLO : 0);
	if (c >= 'A' && c <= 'Z')
		return C_ALPHA | C_CRYPT | C_B64 | C_UPPER | (c <= 'F' ? C_HEXUP : 0);
	if (c == '/')
		return C_CRYPT | C_B64;
	if (c == '.')
		return C_CRYPT;
	if (c == '+' || c == '=')
		return C_B64;
	return 0;
}

/* Are all n bytes of s of class k? */
static int
all_of(const char *s, size_t n, unsigned k)
{
	for (size_t i = 0; i < n; i++)
		if (!(cls((unsigned char)s[i]) & k))
			return 0;
	return 1;
}

/*
 * A hex digest: all digits of one case, with at least one digit and one
 * letter (an all-digit string is a number; an all-letter one a word).
 */
static int
is_digest(const char *s, size_t n)
{
	unsigned seen = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned k = cls((unsigned char)s[i]) & (C_DIGIT | C_HEXLO | C_HEXUP);
		if (!k)
			return 0;
		seen |= k;
	}
	return (seen & C_DIGIT) && (seen & (C_HEXLO | C_HEXUP)) &&
	       (seen & (C_HEXLO | C_HEXUP)) != (C_HEXLO | C_HEXUP);
}

static const char *
digest_name(size_t n)
{
	switch (n) {
	case 16:
		return "mysql323";
	case 32:
		return "md5";
	case 40:
		return "sha1";
	case 56:
		return "sha224";
	case 64:
		return "sha256";
	case 96:
		return "sha384";
	case 128:
		return "sha512";
	}
	return NULL;
}

static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && !memcmp(s, p, k);
}

/*
 * The tail of a crypt(3) string after its "$id$": an optional
 * "rounds=N$", a salt of at most maxsalt bytes without '$' or ':', a '$'
 * and hashlen bytes of crypt base 64.
 */
static int
crypt_tail(const char *s, size_t n, size_t maxsalt, size_t hashlen)
{
	if (n > 7 && !memcmp(s, "rounds=", 7)) {
		size_t i = 7;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == 7 || i >= n || s[i] != '$')
			return 0;
		s += i + 1;
		n -= i + 1;
	}
	const char *d = memchr(s, '$', n);
	if (!d)
		return 0;
	size_t salt = (size_t)(d - s);
	if (salt > maxsalt || memchr(s, ':', salt))
		return 0;
	return n - salt - 1 == hashlen && all_of(d + 1, hashlen, C_CRYPT);
}

/*
 * Loose check for the "$id$params$salt$hash" families whose parameters
 * vary (argon2, yescrypt, scrypt, pbkdf2): at least minparts '$'-separated
 * parts after the prefix, each non-empty and of base 64 or parameter
 * characters.
 */
static int
dollar_parts(const char *s, size_t n, int minparts)
{
	int parts = 1;
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '$') {
			if (run == 0)
				return 0;
			parts++;
			run = 0;
		} else if ((cls(c) & (C_CRYPT | C_B64)) || c == ',' || c == '-' || c == '_') {
			run++;
		} else
			return 0;
	}
	return run > 0 && parts >= minparts;
}

/* The crypt(3) and friends family: everything that starts with '$'. */
static const char *
kind_dollar(const char *s, size_t n)
{
	if (n == 60 && s[1] == '2' && s[3] == '$' && strchr("abxy", s[2]) && s[4] >= '0' &&
	    s[4] <= '3' && s[5] >= '0' && s[5] <= '9' && s[6] == '$' && all_of(s + 7, 53, C_CRYPT))
		return "bcrypt";
	if (has_prefix(s, n, "$1$"))
		return crypt_tail(s + 3, n - 3, 8, 22) ? "md5crypt" : NULL;
	if (has_prefix(s, n, "$5$"))
		return crypt_tail(s + 3, n - 3, 16, 43) ? "sha256crypt" : NULL;
	if (has_prefix(s, n, "$6$"))
		return crypt_tail(s + 3, n - 3, 16, 86) ? "sha512crypt" : NULL;
	if (has_prefix(s, n, "$apr1$"))
		return crypt_tail(s + 6, n - 6, 8, 22) ? "apr1" : NULL;
	if ((has_prefix(s, n, "$P$") || has_prefix(s, n, "$H$")) && n == 34 &&
	    all_of(s + 3, 31, C_CRYPT))
		return "phpass";
	if (has_prefix(s, n, "$S$") && n == 55 && all_of(s + 3, 52, C_CRYPT))
		return "drupal7";
	if (has_prefix(s, n, "$argon2id$") || has_prefix(s, n, "$argon2i$") ||
	    has_prefix(s, n, "$argon2d$")) {
		/* $argon2id$v=19$m=65536,t=3,p=4$salt$hash: the v= part is optional */
		const char *p = memchr(s + 1, '$', n - 1);
		size_t k = (size_t)(p - s) + 1;
		return dollar_parts(s + k, n - k, 3) ? "argon2" : NULL;
	}
	if (has_prefix(s, n, "$y$"))
		return dollar_parts(s + 3, n - 3, 3) ? "yescrypt" : NULL;
	if (has_prefix(s, n, "$7$"))
		return dollar_parts(s + 3, n - 3, 2) ? "scrypt" : NULL;
	if (has_prefix(s, n, "$sha1$"))
		return dollar_parts(s + 6, n - 6, 3) ? "sha1crypt" : NULL;
	if (has_prefix(s, n, "$pbkdf2"))
		return dollar_parts(s + 1, n - 1, 4) ? "pbkdf2" : NULL;
	return NULL;
}

/* LDAP's {SCHEME}base64 userPassword values. */
static const char *
kind_ldap(const char *s, size_t n)
{
	static const struct {
		const char *prefix, *name;
		size_t len; /* exact base 64 length, or 0 for "at least 12" (salted) */
	} tab[] = {
	    {"{SHA}", "ldap-sha1", 28},      {"{SSHA}", "ldap-ssha", 0},
	    {"{MD5}", "ldap-md5", 24},       {"{SMD5}", "ldap-smd5", 0},
	    {"{SHA256}", "ldap-sha256", 44}, {"{SSHA256}", "ldap-ssha256", 0},
	    {"{SHA512}", "ldap-sha512", 88}, {"{SSHA512}", "ldap-ssha512", 0},
	};

	if (has_prefix(s, n, "{CRYPT}") && n > 7 && s[7] == '$')
		return kind_dollar(s + 7, n - 7);
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		size_t k = strlen(tab[i].prefix);
		if (!has_prefix(s, n, tab[i].prefix))
			continue;
		size_t b = n - k;
		if (tab[i].len ? b != tab[i].len : (b < 12 || b % 4))
			return NULL;
		return all_of(s + k, b, C_B64) ? tab[i].name : NULL;
	}
	return NULL;
}

/*
 * The traditional DES crypt: 13 bytes of crypt base 64. The last byte
 * holds only 4 bits, so it is one of 16 characters; and 11 random
 * characters nearly always mix upper case, lower case and digits, which
 * keeps words such as "Administrator" out.
 */
static int
is_descrypt(const char *s)
{
	static const char last[] = ".26AEIMQUYcgkosw";
	unsigned upper = 0, lower = 0, other = 0;

	if (!strchr(last, s[12]) || !all_of(s, 13, C_CRYPT))
		return 0;
	for (int i = 0; i < 13; i++) {
		unsigned k = cls((unsigned char)s[i]);
		if (k & C_UPPER)
			upper = 1;
		else if (k & C_ALPHA)
			lower = 1;
		else
			other = 1;
	}
	return upper && lower && other;
}

const char *
pwhash_kind(const char *s, size_t n)
{
	const char *name;

	if (n < 13 || n > 256)
		return NULL;
	switch (s[0]) {
	case '$':
		return kind_dollar(s, n);
	case '{':
		return kind_ldap(s, n);
	case '*':
		/* MySQL 4.1+: '*' and the upper-case SHA1 of the SHA1 */
		return n == 41 && is_digest(s + 1, 40) ? "mysql41" : NULL;
	case '_':
		return n == 20 && all_of(s + 1, 19, C_CRYPT) ? "bsdicrypt" : NULL;
	}
	if (n == 13)
		return is_descrypt(s) ? "descrypt" : NULL;
	if ((name = digest_name(n)) != NULL)
		return is_digest(s, n) ? name : NULL;
	switch (s[0]) {
	case '0':
		/* MSSQL: 0x0100 + salt + SHA1 (2005), 0x0200 + salt + SHA512 (2012) */
		if (n == 54 && has_prefix(s, n, "0x0100") && is_digest(s + 6, 48))
			return "mssql2005";
		if (n == 142 && has_prefix(s, n, "0x0200") && is_digest(s + 6, 136))
			return "mssql2012";
		break;
	case 'p':
		/* Django: algorithm$iterations$salt$hash */
		if (has_prefix(s, n, "pbkdf2_sha256$") || has_prefix(s, n, "pbkdf2_sha1$"))
			return dollar_parts(s, n, 4) ? "django-pbkdf2" : NULL;
		break;
	case 's':
	case 'm':
		/* Django's older sha1$salt$hexdigest and md5$salt$hexdigest */
		if (has_prefix(s, n, "sha1$") || has_prefix(s, n, "md5$")) {
			size_t at = s[0] == 's' ? 5 : 4;
			const char *d = memchr(s + at, '$', n - at);
			size_t k = d ? n - (size_t)(d - s) - 1 : 0;
			if (d && (k == 40 || k == 32) && is_digest(d + 1, k))
				return k == 40 ? "django-sha1" : "django-md5";
			return NULL;
		}
		break;
	}
	/* hash:salt, as dumps of vBulletin, osCommerce and many forums hold */
	static const struct {
		size_t len;
		const char *name;
	} salted[] = {
	    {32, "md5-salted"}, {40, "sha1-salted"}, {64, "sha256-salted"}, {128, "sha512-salted"}};
	for (size_t i = 0; i < sizeof(salted) / sizeof(salted[0]); i++) {
		size_t k = salted[i].len;
		if (n >= k + 2 && n <= k + 65 && s[k] == ':' &&
		    !memchr(s + k + 1, ':', n - k - 1) && is_digest(s, k))
			return salted[i].name;
	}
	return NULL;
}

/* Does the context (a column or file name) contain word, in any case? */
static int
ctx_has(const char *ctx, const char *word)
{
	size_t k = strlen(word);
	for (const char *p = ctx; *p; p++) {
		size_t i = 0;
		while (i < k && p[i] &&
		       ((p[i] >= 'A' && p[i] <= 'Z') ? p[i] | 0x20 : p[i]) == word[i])
			i++;
		if (i == k)
			return 1;
	}
	return 0;
}

const char *
pwhash_kind_ctx(const char *s, size_t n, const char *context)
{
	const char *k = pwhash_kind(s, n);

	if (!k || !context || strcmp(k, "md5"))
		return k;
	if (ctx_has(context, "ntlm") || ctx_has(context, "nthash") || ctx_has(context, "nt_hash"))
		return "ntlm";
	if (ctx_has(context, "md4"))
		return "md4";
	return k;
}

int
pwhash_is_hex(const char *s, size_t n)
{
	return n >= 6 && !memcmp(s, "$HEX[", 5) && s[n - 1] == ']';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
pwhash_hex_decode(const char *s, size_t n, struct dynbuf *out)
{
	if (!pwhash_is_hex(s, n))
		return PWHASH_HEX_NOT;
	s += 5;
	n -= 6;
	if (n % 2)
		return PWHASH_HEX_BAD;
	/* check every digit first, so that a bad one leaves out as it was */
	for (size_t i = 0; i < n; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return PWHASH_HEX_BAD;
	char *p = dynbuf_reserve(out, n / 2);
	if (!p)
		return PWHASH_HEX_TOOBIG;
	for (size_t i = 0; i < n; i += 2)
		*p++ = (char)(hexval((unsigned char)s[i]) << 4 | hexval((unsigned char)s[i + 1]));
	out->len += n / 2;
	return PWHASH_HEX_OK;
}
