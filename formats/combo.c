/*
 * The combo-list reader: credential lists of one login and one password a
 * line, as credential-stuffing "combos" and info-stealer logs hold them.
 *
 *   alice@example.com:hunter2            login:password
 *   bob;pa:ss;2021-04-01                 login;password;extra
 *   https://site.com/login:carol:s3cret  URL:login:password
 *   android://Xq1f==@com.app/:dave:pw    (stealer logs)
 *   site.com:erin:pw                     bare domain as the URL
 *
 * Every record has the same fields, so that columns are stable: url (empty
 * when the line has none), login, password, extra (only when the file has
 * a third column), hash (the kind of hash the password looks like, from
 * core/pwhash.c: "md5", "bcrypt", ... or empty) and hex ("decoded" when
 * the password was a cracker's $HEX[...] and is given decoded, "kept" when
 * its bytes are not valid UTF-8 or hold a NUL and it is left as written,
 * else empty: the artefact is never lost and a password is never dropped).
 * 32 hex digits are reported as "md5", though NTLM looks the same.
 *
 * How a line is split. open() picks the file's separator among : ; | TAB
 * (the one that most often comes first in the sampled lines, after any URL
 * scheme), or takes --delimiter. A line that does not hold the file's
 * separator may use another of the four: merged lists mix them; so may a
 * line where another one follows an email ("a@b.c;pa:ss" in a ':' file:
 * emails hold none of the four, passwords any). After the URL, if any, the
 * login ends at the first separator and the rest is the password,
 * separators included ("a@b.c:pa:ss" has the password "pa:ss"). Only when
 * the sample shows a consistent third column (at least 80% of its lines
 * with two or more separators after the URL, half with exactly two) does
 * the file get an extra column: then the extra is what follows the last
 * separator and the password what lies between, so that a password
 * holding the separator still stays whole. A URL is a scheme (https://,
 * android://...) up to the separator, a ":port/" being part of it; or, on
 * a line with at least two separators, a bare domain with a path or a
 * www. (site.com/login:u:p), or any bare domain when most of the sample's
 * lines start with one (site.com:u:p).
 *
 * The bid (see sample_bid()): at least 80% of the sampled lines must be
 * login<sep>password shaped (a login without blanks, quotes, commas or
 * brackets) and not four columns or more. With ':', which no CSV file is
 * split at, plain logins do; with ; | TAB the logins must be mostly
 * emails or the lines start with URLs, and no header row may name the
 * columns, so that CSV files stay CSV. JSON, XML and SQL text bids 0.
 *
 * Rejected, each with its line and byte offset: a line with a control byte
 * (other than TAB, and the CR of a CRLF), invalid UTF-8 or a NUL, no
 * separator, an empty login, a URL with no login and password after it,
 * or more bytes than --max-record. Empty lines (and lines of nothing but
 * blanks) are not records and are only counted.
 *
 * Lines are found with memchr and split in place in the source window;
 * nothing is allocated per record except when a $HEX[] password is
 * decoded, into one reused buffer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dynbuf.h"
#include "core/pwhash.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "formats/format.h"

#define SAMPLE_LINES 2000
#define SAMPLE_BYTES (64u << 10)
#define MAX_LOGIN 256 /* longer "logins" are text, not credentials (bid only) */

static const unsigned char cands[] = {':', ';', '|', '\t'};
#define NCANDS (sizeof(cands))

/* How the lines of a file are split; decided once, from the sample. */
struct dialect {
	unsigned char sep; /* the file's separator */
	int forced;        /* --delimiter: no other separator is tolerated */
	int has_extra;     /* a third column */
	int domain_urls;   /* a bare domain first is a URL: site.com:u:p */
};

/* One line split into its parts, pointers into the line. */
struct parts {
	const char *url, *login, *pass, *extra;
	size_t url_len, login_len, pass_len, extra_len;
	unsigned char sep; /* the separator this line uses */
	int url_scheme;    /* the URL has a scheme:// */
	int domain_first;  /* the first field is a bare domain (URL or not) */
};

enum { SPLIT_OK = 0, SPLIT_NO_SEP = -1, SPLIT_EMPTY_LOGIN = -2, SPLIT_URL_ONLY = -3 };

enum { F_URL, F_LOGIN, F_PASSWORD, F_EXTRA, F_HASH, F_HEX, F_MAX };

struct combo {
	struct dialect d;
	int has_url; /* the sample holds URL-prefixed lines */
	int crlf;
	int sep_guessed;

	struct field fields[F_MAX]; /* url login password [extra] hash hex */
	size_t nfields;
	struct dynbuf hex; /* a decoded $HEX[] password */

	size_t pos;     /* window bytes already read (consumed lazily) */
	size_t scanned; /* bytes after pos searched for a line end */
	uint64_t line;  /* number of the line at pos */
	uint64_t blank;
	int eof;
};

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_cand(unsigned char c)
{
	return c == ':' || c == ';' || c == '|' || c == '\t';
}

/* The length of a leading "scheme://", or 0. */
static size_t
scheme_len(const char *p, size_t n)
{
	size_t i = 0;

	if (n < 4 || !is_alpha((unsigned char)p[0]))
		return 0;
	while (i < n && i < 32) {
		unsigned char c = (unsigned char)p[i];
		if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
			break;
		i++;
	}
	if (i + 3 <= n && p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/')
		return i + 3;
	return 0;
}

/*
 * The first separator candidate in p[0..n), or NULL. Eight bytes at a
 * time, as this runs over the login of every line: a word holds one of
 * the four when one of its bytes XORed with it is zero.
 */
static const char *
first_cand(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, hi = 0x8080808080808080ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, a, b, c, d, m;
		memcpy(&x, p + i, 8);
		a = x ^ (ones * ':');
		b = x ^ (ones * ';');
		c = x ^ (ones * '|');
		d = x ^ (ones * '\t');
		m = (((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c) |
		     ((d - ones) & ~d)) &
		    hi;
		if (!m)
			continue;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* the lowest flag is exact: false ones only follow a true one */
		return p + i + ((unsigned)__builtin_ctzll(m) >> 3);
#else
		break; /* in these eight bytes: find it below */
#endif
	}
	for (; i < n; i++)
		if (is_cand((unsigned char)p[i]))
			return p + i;
	return NULL;
}

/* A ":digits/" at c is a URL's port: the '/' after it, else NULL. */
static const char *
port_end(const char *c, const char *end)
{
	const char *d = c + 1;

	while (d < end && d - c <= 5 && is_digit((unsigned char)*d))
		d++;
	return d > c + 1 && d < end && *d == '/' ? d : NULL;
}

/*
 * The separator that ends a URL starting at p (after its scheme): the
 * first sep, a ":port/" being part of the URL; or NULL.
 */
static const char *
url_end(const char *p, const char *end, unsigned char sep)
{
	for (;;) {
		const char *q = memchr(p, sep, (size_t)(end - p));
		if (!q || sep != ':' || !(p = port_end(q, end)))
			return q;
	}
}

/* The same, for the first separator candidate of any kind. */
static const char *
first_sep_after_url(const char *p, size_t n, size_t sch)
{
	const char *q = p + sch, *end = p + n;

	for (;;) {
		const char *c = first_cand(q, (size_t)(end - q));
		if (!c || *c != ':' || !(q = port_end(c, end)))
			return c;
	}
}

static int
tld_known(const char *t, size_t n)
{
	static const char *const tlds[] = {
	    "com",  "net",  "org",  "info",   "biz",   "edu",     "gov",   "mil",  "int", "io",
	    "app",  "dev",  "xyz",  "online", "site",  "store",   "shop",  "club", "top", "pro",
	    "mobi", "name", "tech", "live",   "space", "website", "cloud", "asia"};
	if (n == 2)
		return 1; /* a country */
	for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++)
		if (strlen(tlds[i]) == n && !strncasecmp(tlds[i], t, n))
			return 1;
	return 0;
}

/*
 * Does p[0..n) look like a bare domain, "site.com" or "www.site.com/login"?
 * *strong is set when it has a path or starts with www., which no login
 * does; a plain domain needs a known top-level domain.
 */
static int
domain_like(const char *p, size_t n, int *strong)
{
	const char *slash = memchr(p, '/', n);
	size_t h = slash ? (size_t)(slash - p) : n;
	size_t labels = 0, run = 0, tld_at = 0;
	int tld_alpha = 1;

	*strong = 0;
	if (h < 4 || h > 253)
		return 0;
	for (size_t i = 0; i <= h; i++) {
		unsigned char c = i < h ? (unsigned char)p[i] : '.';
		if (c == '.') {
			if (run == 0 || run > 63)
				return 0;
			labels++;
			if (i < h) {
				tld_at = i + 1;
				tld_alpha = 1;
			}
			run = 0;
		} else if (is_alpha(c) || is_digit(c) || c == '-') {
			run++;
			if (!is_alpha(c))
				tld_alpha = 0;
		} else
			return 0;
	}
	size_t tl = h - tld_at;
	if (labels < 2 || !tld_alpha || tl < 2 || tl > 24)
		return 0;
	*strong = slash != NULL || (h > 4 && !strncasecmp(p, "www.", 4));
	return *strong || tld_known(p + tld_at, tl);
}

static int
is_email(const char *p, size_t n)
{
	const char *at = memchr(p, '@', n);
	if (!at || at == p)
		return 0;
	size_t rest = n - (size_t)(at - p) - 1;
	const char *dot = memchr(at + 1, '.', rest);
	return dot && dot > at + 1 && dot < p + n - 1;
}

/*
 * Splits line p[0..n) under dialect d: SPLIT_OK and o filled, or
 * SPLIT_NO_SEP, SPLIT_EMPTY_LOGIN, SPLIT_URL_ONLY (a URL, then at most one
 * field). The common line (a login, the file's separator, a password)
 * costs one look at each byte of the login.
 */
static int
split_line(const struct dialect *d, const char *p, size_t n, struct parts *o)
{
	const char *end = p + n, *f, *s, *start = p;
	size_t sch = 0;

	o->url = p;
	o->url_len = 0;
	o->url_scheme = 0;
	o->domain_first = 0;
	o->extra = end;
	o->extra_len = 0;

	/* the first field; "xyz://" starts a URL */
	f = d->forced ? memchr(p, d->sep, n) : first_cand(p, n);
	if (d->forced || (f && *f == ':' && end - f >= 3 && f[1] == '/' && f[2] == '/'))
		sch = scheme_len(p, n);

	if (sch) {
		/* the URL ends at the file's separator, else at the first other */
		s = NULL;
		if (memchr(p + sch, d->sep, n - sch))
			s = url_end(p + sch, end, d->sep);
		if (!s && !d->forced)
			s = first_sep_after_url(p, n, sch);
		if (!s)
			return SPLIT_URL_ONLY;
		o->sep = (unsigned char)*s;
		o->url_len = (size_t)(s - p);
		o->url_scheme = 1;
		start = s + 1;
		s = memchr(start, o->sep, (size_t)(end - start));
		if (!s)
			return SPLIT_URL_ONLY;
	} else {
		if (!f)
			return SPLIT_NO_SEP;
		/*
		 * The line's separator: the file's when it has it, else the
		 * first other; but an email followed by another one
		 * ("a@b.c;pa:ss" in a ':' file) takes that other.
		 */
		if (*f != (char)d->sep && !is_email(p, (size_t)(f - p))) {
			const char *g = memchr(f + 1, d->sep, (size_t)(end - f - 1));
			if (g)
				f = g;
		}
		o->sep = (unsigned char)*f;
		s = f;
		/* a bare domain first is a URL only on a line of three fields */
		int strong;
		if ((s = memchr(f + 1, o->sep, (size_t)(end - f - 1))) != NULL &&
		    domain_like(p, (size_t)(f - p), &strong)) {
			o->domain_first = 1;
			if (strong || d->domain_urls) {
				o->url_len = (size_t)(f - p);
				start = f + 1;
			} else
				s = f;
		} else
			s = f;
	}

	o->login = start;
	o->login_len = (size_t)(s - start);
	o->pass = s + 1;
	o->pass_len = (size_t)(end - s - 1);
	if (d->has_extra) {
		const char *l = memrchr(o->pass, o->sep, o->pass_len);
		if (l) {
			o->extra = l + 1;
			o->extra_len = (size_t)(end - l - 1);
			o->pass_len = (size_t)(l - o->pass);
		}
	}
	if (o->login_len == 0)
		return SPLIT_EMPTY_LOGIN;
	return SPLIT_OK;
}

/* Is this line nothing but blanks? (A TAB alone is a separator, but nothing to read.) */
static int
is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/*
 * Could this be a login? No blanks, quotes, commas or brackets, which
 * are the marks of CSV rows, prose, code and logs; and not too long.
 */
static int
login_shaped(const char *p, size_t n)
{
	if (n == 0 || n > MAX_LOGIN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= ' ' || is_cand(c) || strchr("\",<>\\{}[]()=", c))
			return 0;
	}
	return 1;
}

static int
has_control(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 && p[i] != '\t')
			return 1;
	return 0;
}

/* Words that name the columns of a CSV header row. */
static int
header_word(const char *p, size_t n)
{
	static const char *const words[] = {
	    "email", "e-mail", "mail",  "login", "user", "username",   "user_name", "password",
	    "pass",  "passwd", "pwd",   "hash",  "salt", "name",       "id",        "url",
	    "site",  "domain", "phone", "ip",    "date", "first_name", "last_name"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncasecmp(words[i], p, n))
			return 1;
	return 0;
}

/*
 * Could the first line name columns? Returns 0 when a field is not
 * identifier-like (a letter first, then letters, digits, '_', '-' or
 * blanks, at most 32 bytes), else 1, or 2 when one is a known column name.
 */
static int
is_header(const char *p, size_t n, unsigned char sep)
{
	int known = 0;
	size_t i = 0;

	while (i <= n) {
		const char *e = memchr(p + i, sep, n - i);
		size_t k = e ? (size_t)(e - p) - i : n - i;
		const char *f = p + i;
		if (k == 0 || k > 32 ||
		    !(is_alpha((unsigned char)f[0]) || (unsigned char)f[0] >= 0x80))
			return 0;
		for (size_t j = 0; j < k; j++) {
			unsigned char c = (unsigned char)f[j];
			if (!is_alpha(c) && !is_digit(c) && c < 0x80 && c != '_' && c != '-' &&
			    c != ' ')
				return 0;
		}
		known |= header_word(f, k);
		i += k + 1;
		if (!e)
			break;
	}
	return 1 + known;
}

/* What the peeked sample says: the dialect, and how combo-like it is. */
struct sample {
	struct dialect d;
	unsigned lines;  /* non-blank whole lines looked at */
	unsigned shaped; /* of them, login<sep>password shaped */
	unsigned strong; /* of those, with an email login or a URL */
	unsigned wide;   /* of those, with 3 or more separators after the login */
	unsigned quoted; /* lines holding a double quote */
	int has_url, crlf, not_text;
	int header;       /* is_header() of the first line */
	int first_strong; /* the first line has an email login or a URL */
};

/* The whole, non-blank lines of a sample, at most SAMPLE_LINES of them. */
struct lines {
	const char *buf;
	size_t len, at;
	int eof;
	unsigned n;
};

static void
lines_init(struct lines *it, const char *buf, size_t len, int eof)
{
	it->buf = buf;
	it->len = len;
	it->at = 0;
	it->eof = eof;
	it->n = 0;
}

/* The next line (without its line end) in *p, *n; 0 when there is none. */
static int
lines_next(struct lines *it, const char **p, size_t *n)
{
	while (it->at < it->len && it->n < SAMPLE_LINES) {
		const char *s = it->buf + it->at;
		const char *e = memchr(s, '\n', it->len - it->at);
		if (!e && !it->eof)
			return 0; /* cut by the sample's end */
		size_t k = e ? (size_t)(e - s) : it->len - it->at;
		it->at += k + 1;
		if (k && s[k - 1] == '\r')
			k--;
		if (is_blank(s, k))
			continue;
		it->n++;
		*p = s;
		*n = k;
		return 1;
	}
	return 0;
}

/* Does the text start like JSON, XML/HTML or a SQL dump? */
static int
not_combo_text(const char *buf, size_t len)
{
	/* clang-format off */
	static const char *const sql[] = {
		"-- ", "--\n", "--\r", "/*", "insert ", "create ", "drop ", "set ", "lock ",
		"use ", "begin", "copy ", "alter ", "pragma ", "start transaction",
	};
	/* clang-format on */
	size_t i = 0;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < len && (buf[i] == '{' || buf[i] == '[' || buf[i] == '<'))
		return 1;
	for (size_t k = 0; k < sizeof(sql) / sizeof(sql[0]); k++) {
		size_t l = strlen(sql[k]);
		if (len - i >= l && !strncasecmp(buf + i, sql[k], l))
			return 1;
	}
	return 0;
}

/*
 * Looks at the sample in three passes: which separator comes first most
 * often; whether bare domains lead most lines; then, with both decided,
 * how many columns the lines have and whether they are shaped like
 * credentials.
 */
static void
sample_scan(const char *buf, size_t len, int eof, int forced_sep, struct sample *s)
{
	unsigned votes[NCANDS] = {0};
	unsigned dom = 0, nonscheme = 0, r1 = 0, r1plus = 0;
	struct parts pt;
	struct lines it;
	const char *p;
	size_t n;

	memset(s, 0, sizeof(*s));
	s->not_text = not_combo_text(buf, len);
	{
		const char *lf = memchr(buf, '\n', len);
		s->crlf = lf && lf > buf && lf[-1] == '\r';
	}
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		buf += 3;
		len -= 3;
	}

	if (forced_sep) {
		s->d.sep = (unsigned char)forced_sep;
		s->d.forced = 1;
	} else {
		lines_init(&it, buf, len, eof);
		while (lines_next(&it, &p, &n)) {
			const char *c = first_sep_after_url(p, n, scheme_len(p, n));
			for (size_t k = 0; c && k < NCANDS; k++)
				votes[k] += *c == (char)cands[k];
		}
		size_t best = 0;
		for (size_t k = 1; k < NCANDS; k++)
			if (votes[k] > votes[best])
				best = k;
		s->d.sep = cands[best];
	}

	lines_init(&it, buf, len, eof);
	while (lines_next(&it, &p, &n)) {
		if (split_line(&s->d, p, n, &pt) != SPLIT_OK || pt.url_scheme)
			continue;
		nonscheme++;
		dom += pt.domain_first;
	}
	s->d.domain_urls = dom > 0 && dom * 2 >= nonscheme;

	lines_init(&it, buf, len, eof);
	while (lines_next(&it, &p, &n)) {
		s->lines++;
		if (s->lines == 1 && s->d.sep != ':')
			s->header = is_header(p, n, s->d.sep);
		s->quoted += memchr(p, '"', n) != NULL;
		if (has_control(p, n) || split_line(&s->d, p, n, &pt) != SPLIT_OK)
			continue;
		if (pt.url_len)
			s->has_url = 1;
		if (!login_shaped(pt.login, pt.login_len))
			continue;
		/* "Key: value" is a header or YAML, not a login and a password */
		if (pt.sep == ':' && pt.pass_len && pt.pass[0] == ' ')
			continue;
		s->shaped++;
		int strong = pt.url_len || is_email(pt.login, pt.login_len);
		s->strong += strong;
		if (s->lines == 1)
			s->first_strong = strong;
		unsigned r = 0;
		const char *q = pt.pass, *e = pt.pass + pt.pass_len;
		while ((q = memchr(q, pt.sep, (size_t)(e - q))) != NULL) {
			r++;
			q++;
		}
		r1 += r == 1;
		r1plus += r >= 1;
		s->wide += r >= 2;
	}
	/* a consistent third column: most lines have exactly two separators */
	s->d.has_extra = r1 >= 3 && r1 * 2 >= s->shaped && r1plus * 10 >= s->shaped * 8;
}

/*
 * How sure the sample is a combo list (see format.h); 0 for not at all.
 * A ':' file has no other reading (CSV does not split at ':'), so plain
 * logins will do; with ; | or TAB, which CSV files use, the logins must
 * be emails or the lines start with URLs, and no header row may name the
 * columns: a row of words that names a known column, or one that heads
 * lines of emails without being one.
 */
static int
sample_bid(const struct sample *s)
{
	if (s->not_text || s->lines == 0)
		return 0;
	/* most lines must be login<sep>password */
	if (s->shaped * 10 < s->lines * 8)
		return 0;
	/* four or more columns, or quoting: a CSV file */
	if (s->wide * 2 > s->shaped || s->quoted * 5 > s->lines)
		return 0;
	int strong = s->strong * 2 >= s->shaped;
	if (s->d.sep != ':') {
		if (!strong || s->header == 2 || (s->header == 1 && !s->first_strong))
			return 0;
		return 40;
	}
	return strong ? 40 : 8;
}

static int
combo_bid(const char *buf, size_t len, int eof)
{
	struct sample s;
	sample_scan(buf, len, eof, 0, &s);
	return sample_bid(&s);
}

static int
combo_open(struct reader *r)
{
	struct combo *c = xcalloc(1, sizeof(*c));
	struct sample s;
	int st;
	size_t len = reader_peek(r, SAMPLE_BYTES, &st);
	const char *buf;

	r->state = c;
	if (st == -1)
		return reader_fail(r, 0, len, "%s", source_error(r->src));
	buf = source_data(r->src, &len);
	sample_scan(buf, len, st == 0 && len < SAMPLE_BYTES, r->opts.delimiter, &s);
	c->d = s.d;
	c->has_url = s.has_url;
	c->crlf = s.crlf;
	c->sep_guessed = !r->opts.delimiter;

	/* the same columns for every record of the file */
	static const char *const names[F_MAX] = {"url",   "login", "password",
	                                         "extra", "hash",  "hex"};
	for (int i = 0; i < F_MAX; i++) {
		if (i == F_EXTRA && !c->d.has_extra)
			continue;
		c->fields[c->nfields].name = names[i];
		c->fields[c->nfields].name_len = strlen(names[i]);
		c->nfields++;
	}
	dynbuf_init(&c->hex, r->opts.max_record);
	c->line = 1;
	return DT_OK;
}

/*
 * The offset of the first byte no line may hold (a control byte other
 * than TAB), or n; *high says whether there are non-ASCII bytes to check.
 * Eight bytes at a time: a line is mostly plain ASCII.
 */
static size_t
line_scan(const char *p, size_t n, int *high)
{
	const uint64_t ones = 0x0101010101010101ull, hi = 0x8080808080808080ull;
	uint64_t h = 0;
	size_t i = 0;

	for (;;) {
		uint64_t x;
		if (i + 8 > n) {
			if (n < 8 || i == n)
				break;
			i = n - 8; /* the tail as one word, overlapping what was seen */
		}
		memcpy(&x, p + i, 8);
		h |= x;
		/* nonzero exactly when some byte is below 0x20 */
		if (((x - 0x20 * ones) & ~x & hi) != 0)
			for (size_t j = i; j < i + 8; j++)
				if ((unsigned char)p[j] < 0x20 && p[j] != '\t')
					return j;
		i += 8;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 && c != '\t')
			return i;
		h |= c;
	}
	*high = (h & hi) != 0;
	return n;
}

/* Checks and splits one line (without its line end) into rec. */
static int
parse_line(struct reader *r, struct combo *c, const char *p, size_t n, uint64_t line, uint64_t off,
           struct record *rec)
{
	const char *raw = p;
	size_t raw_n = n;
	struct parts pt;

	if (line == 1 && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		p += 3; /* a BOM the source did not see (inside a member) */
		n -= 3;
	}
	int high = 0;
	size_t i = line_scan(p, n, &high);
	if (i < n) {
		if (p[i] == 0)
			return reader_reject(r, line, off, raw, raw_n,
			                     "NUL byte at byte %zu of the line", i);
		return reader_reject(r, line, off, raw, raw_n,
		                     "control byte 0x%02x at byte %zu of the line",
		                     (unsigned char)p[i], i);
	}
	if (high) {
		size_t at;
		const char *why = reader_check_value(p, n, &at);
		if (why)
			return reader_reject(r, line, off, raw, raw_n, "%s at byte %zu of the line",
			                     why, at);
	}

	int st = split_line(&c->d, p, n, &pt);
	if (st == SPLIT_NO_SEP) {
		if (c->d.forced && c->d.sep == '\t')
			return reader_reject(r, line, off, raw, raw_n,
			                     "no tab separator in the line");
		if (c->d.forced)
			return reader_reject(r, line, off, raw, raw_n,
			                     "no '%c' separator in the line", c->d.sep);
		return reader_reject(r, line, off, raw, raw_n,
		                     "no separator (: ; | or tab) in the line");
	}
	if (st == SPLIT_EMPTY_LOGIN)
		return reader_reject(r, line, off, raw, raw_n, "empty login");
	if (st == SPLIT_URL_ONLY)
		return reader_reject(r, line, off, raw, raw_n,
		                     "no login and password after the URL");

	const char *hex = "";
	if (pt.pass_len >= 6 && pt.pass[0] == '$' && pwhash_is_hex(pt.pass, pt.pass_len)) {
		size_t at;
		dynbuf_reset(&c->hex);
		if (pwhash_hex_decode(pt.pass, pt.pass_len, &c->hex) == PWHASH_HEX_OK &&
		    !reader_check_value(c->hex.buf ? c->hex.buf : "", c->hex.len, &at)) {
			pt.pass = c->hex.buf ? c->hex.buf : "";
			pt.pass_len = c->hex.len;
			hex = "decoded";
		} else
			hex = "kept"; /* not text: the password stays as written */
	}
	const char *kind = hex[0] == 'k' ? NULL : pwhash_kind(pt.pass, pt.pass_len);

	/* the fields in their fixed order; extra only when the file has it */
	struct field *f = c->fields;
	f[0].val = pt.url;
	f[0].len = pt.url_len;
	f[1].val = pt.login;
	f[1].len = pt.login_len;
	f[2].val = pt.pass;
	f[2].len = pt.pass_len;
	if (c->d.has_extra) {
		f[3].val = pt.extra;
		f[3].len = pt.extra_len;
		f++;
	}
	f[3].val = kind ? kind : "";
	f[3].len = kind ? strlen(kind) : 0;
	f[4].val = hex;
	f[4].len = hex[0] ? strlen(hex) : 0;
	rec->fields = c->fields;
	rec->nfields = c->nfields;
	rec->line = line;
	rec->offset = off;
	return DT_OK;
}

/*
 * The line at pos is longer than the limit (or than the window can hold):
 * drop it to its end and reject it, without keeping its text.
 */
static int
skip_long_line(struct reader *r, struct combo *c, const char *why)
{
	uint64_t off = source_offset(r->src) + c->pos;
	uint64_t line = c->line++;
	size_t len;

	source_consume(r->src, c->pos);
	c->pos = c->scanned = 0;
	for (;;) {
		const char *buf = source_data(r->src, &len);
		const char *eol = memchr(buf, '\n', len);
		if (eol) {
			source_consume(r->src, (size_t)(eol - buf) + 1);
			break;
		}
		source_consume(r->src, len);
		ssize_t k = source_fill(r->src);
		if (k < 0)
			return reader_fail(r, line, source_offset(r->src), "%s",
			                   k == -1 ? source_error(r->src) : "window limit reached");
		if (k == 0) {
			c->eof = 1;
			break;
		}
	}
	return reader_reject(r, line, off, NULL, 0, "%s (%zu bytes)", why, r->opts.max_record);
}

static int
combo_next(struct reader *r, struct record *rec)
{
	struct combo *c = r->state;

	for (;;) {
		size_t len, n, adv;
		const char *buf = source_data(r->src, &len);
		const char *p = buf + c->pos;
		size_t avail = len - c->pos;
		const char *eol = NULL;

		if (c->scanned < avail)
			eol = memchr(p + c->scanned, '\n', avail - c->scanned);
		if (eol) {
			n = (size_t)(eol - p);
			adv = n + 1;
		} else if (c->eof) {
			if (avail == 0)
				return DT_EOF;
			n = adv = avail; /* the last line, without a line end */
		} else {
			c->scanned = avail;
			if (avail > r->opts.max_record)
				return skip_long_line(r, c,
				                      "line longer than the --max-record limit");
			/* give back what was read, then ask for more */
			source_consume(r->src, c->pos);
			c->pos = 0;
			ssize_t k = source_fill(r->src);
			if (k == -1)
				return reader_fail(r, c->line, source_offset(r->src) + avail, "%s",
				                   source_error(r->src));
			if (k == -2)
				return skip_long_line(r, c, "line longer than the window limit");
			if (k == 0)
				c->eof = 1;
			continue;
		}

		uint64_t line = c->line++;
		uint64_t off = source_offset(r->src) + c->pos;
		c->pos += adv;
		c->scanned = 0;
		if (n && p[n - 1] == '\r')
			n--;
		if (is_blank(p, n)) {
			c->blank++; /* not a record */
			continue;
		}
		if (n > r->opts.max_record)
			return reader_reject(r, line, off, p, n,
			                     "line longer than the --max-record limit (%zu bytes)",
			                     r->opts.max_record);
		return parse_line(r, c, p, n, line, off, rec);
	}
}

static void
combo_close(struct reader *r)
{
	struct combo *c = r->state;
	if (!c)
		return;
	dynbuf_release(&c->hex);
	free(c);
}

static void
combo_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct combo *c = r->state;
	char d[8];

	fn(ctx, "separator", format_sep_name((unsigned char)c->d.sep, d));
	fn(ctx, "separator_guessed", c->sep_guessed ? "yes" : "no");
	fn(ctx, "has_url", c->has_url ? "yes" : "no");
	fn(ctx, "bare_domain_urls", c->d.domain_urls ? "yes" : "no");
	fn(ctx, "has_extra", c->d.has_extra ? "yes" : "no");
	fn(ctx, "line_ends", c->crlf ? "CRLF" : "LF");
}

const struct format format_combo = {
    .name = "combo",
    .bid = combo_bid,
    .open = combo_open,
    .next = combo_next,
    .close = combo_close,
    .describe = combo_describe,
};
