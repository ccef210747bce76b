/*
 * The BSON reader, on libbson: MongoDB's binary dumps, one document a
 * record, streamed one document at a time (never the whole input).
 *
 * Layouts, told apart by identify() on the raw bytes:
 *  - bson: what mongodump writes per collection (DB/COLLECTION.bson, or
 *    .bson.gz with --gzip): BSON documents back to back, each an int32
 *    little-endian total length, its elements and a 0x00. The table is the
 *    collection, from the stream's name ("dump.zip:db/users.bson" ->
 *    "users", mongodump's %XX escapes undone); NULL for other names.
 *  - mongodump-archive: mongodump --archive, one file for everything: the
 *    magic 0x8199e26d, a prelude block (a header document, one metadata
 *    document per collection, a terminator 0xFFFFFFFF), then blocks of a
 *    namespace header {db, collection, EOF, CRC}, that collection's
 *    documents, and a terminator. Segments of different collections may
 *    interleave; each document's table is its block's collection. The
 *    header, prelude and namespace headers are not records.
 * Compressed dumps (--gzip, .bson.gz, an archive in a zip or tar) reach
 * the reader decompressed through the source layer.
 *
 * Records are flattened as the JSON reader flattens JSON, so that a
 * mongoexport of a collection and a mongodump of it give the same records:
 * embedded documents as dotted names ("address.city"), arrays indexed
 * ("phones.0", "scores.1.type"), more than 1000 elements in one array or
 * nesting deeper than 64 levels rejects the record, empty documents and
 * arrays give no field. Values: strings as they are (a NUL, or a byte that
 * is not UTF-8, becomes U+FFFD, as mongoexport writes it), ObjectId as 24
 * lower-case hex digits, UTC datetime as ISO 8601 with milliseconds, as
 * json.c reads {"$date": {"$numberLong": ...}}, int32/int64 in decimal,
 * double as the shortest text that reads back the same ("5.0", "0.1",
 * "1e+16", "NaN", "Infinity"), decimal128 as its string form, booleans
 * true/false, null and undefined is_null, binary as 0x and lower-case hex,
 * regex as /pattern/options, code (with or without scope) and symbol as
 * their text, timestamp as "Timestamp(t, i)", MinKey/MaxKey as those
 * words, DBPointer as "DBPointer(ns, oid)".
 *
 * Damage: a document longer than --max-record (or 16 MiB + 16 KiB, BSON's
 * own limit) is rejected and skipped by its length, its bytes let go as
 * they are read. A document cut off by the end of the input is rejected
 * with its offset. A document whose structure does not hold is rejected;
 * reading goes on after its length when a plausible document (or the end)
 * stands there, else, in a .bson file, the bytes are scanned for the next
 * plausible document start (a length that fits, a valid element type, a
 * document that validates whole and is followed by another plausible
 * start or the end). A length that cannot be one (negative, below 5) does
 * the same: one rejection for the whole damaged stretch, however many
 * documents it held, so that records_in = parsed + rejected. The
 * structure of an archive cannot be resynchronised (a header and a body
 * document look alike), so there a bad length fails the input, as
 * mongorestore does; an archive that just stops between documents (a
 * mongodump cut short) ends without complaint. A record's "line" is its
 * 1-based document number. --table selects a collection ("users" or
 * "shop.users", case ignored, as for SQL): another collection's .bson
 * gives nothing, another collection's blocks in an archive are skipped
 * unread, and an archive without it fails as a SQL dump without the
 * table does.
 */
#include "config.h"

#include <bson/bson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "formats/format.h"

#define DOC_MAX ((16u << 20) + (16u << 10)) /* BSON's limit, with the oplog's slack */
#define MAX_ARRAY 1000                      /* as json.c */
#define MAX_NEST 64                         /* as json.c */
#define CHECK_NEST 200                      /* plausibility checks: MongoDB nests 100 deep */
#define MAX_NAMESPACES 1024                 /* distinct collections counted */
#define TERMINATOR 0xFFFFFFFFu
static const unsigned char archive_magic[4] = {0x6d, 0xe2, 0x99, 0x81};

enum astate { A_NONE, A_PRELUDE_HEADER, A_PRELUDE_BODY, A_NS_HEADER, A_BODY };
enum take { D_DOC, D_TERM, D_EOF, D_TRUNC, D_LONG, D_CORRUPT, D_ERR };
enum flat { FL_OK, FL_REJECT, FL_CORRUPT };

/* A field of the record being built: offsets, as the arena moves. */
struct bfield {
	size_t name, name_len, val, len;
	unsigned char name_doc, val_doc; /* in the document, else in the arena */
	unsigned char is_null;
};

struct bsonr {
	struct reader *r;
	int archive;
	enum astate st;
	size_t limit;   /* the longest document read */
	size_t pending; /* bytes of the last document, consumed at the next call */
	int scanning;   /* looking for the next plausible document start */
	int done;
	char fail_next[160]; /* a failure that follows the rejection just given */
	uint64_t fail_at;

	/* the record in progress */
	const uint8_t *doc;
	struct dynbuf arena, path;
	struct bfield *qf;
	size_t nqf, qf_alloc;
	struct field *out;
	size_t out_alloc;
	char why[160];

	/* tables */
	char *table; /* the collection, or NULL */
	int skip;    /* --table names another collection */
	char **seen; /* archive: distinct namespaces, for describe() */
	size_t nseen, seen_alloc;
	unsigned prelude_collections;
	char server_version[32], tool_version[32];
};

static inline uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int
type_ok(unsigned t)
{
	return (t >= 0x01 && t <= 0x13) || t == 0x7F || t == 0xFF;
}

/* Could a document start with these bytes (n >= 5)? */
static int
start_ok(const uint8_t *p, size_t lim)
{
	uint32_t len = le32(p);
	if (len < 5 || len > lim)
		return 0;
	return len == 5 ? p[4] == 0 : type_ok(p[4]);
}

/* The key's length: libbson before 1.23 has no bson_iter_key_len(). */
static size_t
key_len(const bson_iter_t *it)
{
	return it->d1 - it->key - 1;
}

/*
 * Did an iteration end at the document's terminator? bson_iter_next()
 * returns false both at the end and on corruption: at the end it stood on
 * the last byte and left err_off 0.
 */
static int
iter_ended(const bson_iter_t *it, uint32_t len)
{
	return it->err_off == 0 && it->off == len - 1;
}

/*
 * Structural check of a whole document (identify, resynchronising): what
 * bson_validate() checks, without its unbounded recursion.
 */
static int
doc_check(const uint8_t *p, size_t len, unsigned depth)
{
	bson_iter_t it;

	if (depth > CHECK_NEST || len < 5 || !bson_iter_init_from_data(&it, p, len))
		return 0;
	while (bson_iter_next(&it)) {
		bson_type_t t = bson_iter_type(&it);
		if (t == BSON_TYPE_DOCUMENT || t == BSON_TYPE_ARRAY) {
			uint32_t l;
			const uint8_t *d;
			if (t == BSON_TYPE_DOCUMENT)
				bson_iter_document(&it, &l, &d);
			else
				bson_iter_array(&it, &l, &d);
			if (!doc_check(d, l, depth + 1))
				return 0;
		}
	}
	return iter_ended(&it, (uint32_t)len);
}

/* --- identify --- */

/*
 * The size of a value of type t at p[o..] inside a document ending at lim,
 * of which have bytes are known: > 0 or 0 (no value), -1 corrupt, -2 when
 * the known bytes end first.
 */
static long long
value_size(unsigned t, const uint8_t *p, size_t o, size_t lim, size_t have)
{
	uint32_t l;

	switch (t) {
	case 0x01:
	case 0x09:
	case 0x11:
	case 0x12:
		return 8;
	case 0x07:
		return 12;
	case 0x10:
		return 4;
	case 0x13:
		return 16;
	case 0x06:
	case 0x0A:
	case 0x7F:
	case 0xFF:
		return 0;
	case 0x08:
		if (o >= have)
			return -2;
		return p[o] <= 1 ? 1 : -1;
	case 0x0B: {
		size_t i = o;
		for (int k = 0; k < 2; k++) {
			while (i < have && i < lim && p[i])
				i++;
			if (i >= lim)
				return -1;
			if (i >= have)
				return -2;
			i++;
		}
		return (long long)(i - o);
	}
	default:
		break;
	}
	if (o + 4 > have)
		return -2;
	l = le32(p + o);
	switch (t) {
	case 0x02:
	case 0x0D:
	case 0x0E: /* string: int32 length with its NUL */
		if (l < 1 || l > lim - o - 4)
			return -1;
		if (o + 4 + l <= have && p[o + 4 + l - 1] != 0)
			return -1;
		return 4 + (long long)l;
	case 0x03:
	case 0x04:
		if (l < 5 || l > lim - o)
			return -1;
		if (o + l <= have && !doc_check(p + o, l, 1))
			return -1;
		return l;
	case 0x05:
		if ((long long)l + 5 > (long long)(lim - o))
			return -1;
		return 5 + (long long)l;
	case 0x0C:
		if (l < 1 || (long long)l + 16 > (long long)(lim - o))
			return -1;
		return 16 + (long long)l;
	case 0x0F:
		if (l < 14 || l > lim - o)
			return -1;
		return l;
	default:
		return -1;
	}
}

/*
 * The elements of a document longer than the sample, as far as the
 * sample goes: how many are whole, or -1 when one cannot be.
 */
static int
prefix_elements(const uint8_t *p, size_t have, uint32_t len)
{
	size_t o = 4, lim = len - 1;
	int whole = 0;

	while (o < have && o < lim) {
		unsigned t = p[o];
		size_t k = o + 1;
		if (!type_ok(t))
			return -1;
		while (k < have && k < lim && p[k])
			k++;
		if (k >= lim)
			return -1;
		if (k >= have)
			return whole;
		long long n = value_size(t, p, k + 1, lim, have);
		if (n == -1)
			return -1;
		if (n == -2)
			return whole;
		o = k + 1 + (size_t)n;
		if (o > lim)
			return -1;
		whole++;
	}
	return whole;
}

/* How sure are we that p[0..len) starts a stream of BSON documents? */
static int
doc_score(const uint8_t *p, size_t len, int eof)
{
	uint32_t l, l2;

	if (len < 5 || !start_ok(p, DOC_MAX))
		return 0;
	l = le32(p);
	if (l > len) {
		/* the first document is longer than the sample */
		int whole = prefix_elements(p, len, l);
		if (whole < 0)
			return 0;
		if (eof)
			return whole > 0 ? 10 : 0; /* a cut-off document alone */
		return whole > 0 ? 30 : 15;
	}
	if (p[l - 1] != 0 || !doc_check(p, l, 0))
		return 0;
	if (l == 5 && len < 10)
		return 0; /* "{}" alone says nothing */
	if (l == len)
		return eof ? 60 : 50;
	if (len - l < 5)
		return eof ? 20 : 50;
	if (!start_ok(p + l, DOC_MAX))
		return l == 5 ? 0 : 20;
	l2 = le32(p + l);
	if (l2 > len - l)
		return eof ? 20 : 60;
	if (p[l + l2 - 1] != 0 || !doc_check(p + l, l2, 0))
		return l == 5 ? 0 : 20;
	return 90;
}

static int
bson_identify(const char *raw, size_t len, int eof)
{
	const uint8_t *p = (const uint8_t *)raw;

	if (len >= 4 && !memcmp(p, archive_magic, 4)) {
		/* the magic, then the prelude's header document */
		if (len >= 9 && start_ok(p + 4, DOC_MAX))
			return 100;
		return len < 9 && eof ? 0 : 40;
	}
	return doc_score(p, len, eof);
}

/* --- reading documents --- */

/* Fills until want bytes are there; *eof when the stream ends first. */
static size_t
peek(struct reader *r, size_t want, int *eof, int *err)
{
	int st;
	size_t len = reader_peek(r, want, &st);
	*err = st == -1;
	*eof = st == 0 && len < want;
	return len;
}

/*
 * Looks at the window's start: D_DOC with *doc and *len (the whole
 * document is in the window), D_TERM (an archive terminator, consumed),
 * D_EOF, D_TRUNC (the stream ends inside it: *len announced, *have left),
 * D_LONG (longer than the limit: *len), D_CORRUPT (*len cannot be a
 * length) or D_ERR.
 */
static int
take_doc(struct reader *r, struct bsonr *c, const uint8_t **doc, uint32_t *len, size_t *have)
{
	int eof, err;
	size_t n = peek(r, 4, &eof, &err);
	const uint8_t *p;

	if (err)
		return D_ERR;
	*have = n;
	*len = 0;
	if (n == 0)
		return D_EOF;
	if (n < 4)
		return D_TRUNC;
	p = (const uint8_t *)source_data(r->src, &n);
	*len = le32(p);
	if (c->archive && *len == TERMINATOR) {
		source_consume(r->src, 4);
		return D_TERM;
	}
	if (*len < 5 || *len > INT32_MAX)
		return D_CORRUPT;
	if (*len > c->limit)
		return D_LONG;
	n = peek(r, *len, &eof, &err);
	if (err)
		return D_ERR;
	*have = n;
	if (n < *len)
		return eof ? D_TRUNC : D_LONG; /* not eof: the window is at its cap */
	*doc = (const uint8_t *)source_data(r->src, &n);
	return D_DOC;
}

/* Drops n bytes as they come; 1 when the stream ends first, -1 on error. */
static int
skip_bytes(struct reader *r, uint64_t n)
{
	while (n > 0) {
		size_t len;
		source_data(r->src, &len);
		if (len == 0) {
			ssize_t k = source_fill(r->src);
			if (k == 0)
				return 1;
			if (k < 0)
				return -1;
			continue;
		}
		size_t take = len < n ? len : (size_t)n;
		source_consume(r->src, take);
		n -= take;
	}
	return 0;
}

/*
 * After a document of len bytes at the window's start: does a plausible
 * one (or the end of the stream, or an archive terminator) follow?
 */
static int
lands_well(struct reader *r, struct bsonr *c, uint32_t len, int strict)
{
	int eof, err;
	size_t n = peek(r, (size_t)len + 5, &eof, &err);
	const uint8_t *p = (const uint8_t *)source_data(r->src, &n);

	if (err)
		return 1; /* the error is reported at the next read */
	if (n == len)
		return eof || !strict;
	if (n < (size_t)len + 4)
		return eof && !strict; /* a few bytes before the end: reported then */
	if (c->archive && le32(p + len) == TERMINATOR)
		return 1;
	if (n < (size_t)len + 5)
		return !strict;
	return start_ok(p + len, c->limit);
}

/*
 * Scans for the next plausible document start (a .bson file after
 * damage) and stops with it at the window's start: 1, 0 at the end of
 * the stream, -1 on a source error.
 */
static int
rescan(struct reader *r, struct bsonr *c)
{
	for (;;) {
		int eof, err;
		size_t n = peek(r, 5, &eof, &err), i;
		const uint8_t *p = (const uint8_t *)source_data(r->src, &n);

		if (err)
			return -1;
		if (n < 5) {
			source_consume(r->src, n);
			return 0;
		}
		for (i = 0; i + 5 <= n; i++) {
			if (!start_ok(p + i, c->limit))
				continue;
			uint32_t len = le32(p + i);
			if (i + len + 5 > n) {
				/* the candidate first in the window, and all of it there */
				source_consume(r->src, i);
				n = peek(r, (size_t)len + 5, &eof, &err);
				p = (const uint8_t *)source_data(r->src, &n);
				i = 0;
				if (err)
					return -1;
				if (n < len)
					continue; /* cut off, or past the window: not one */
			}
			if (p[i + len - 1] == 0 && doc_check(p + i, len, 0)) {
				source_consume(r->src, i);
				if (lands_well(r, c, len, 1))
					return 1;
				p = (const uint8_t *)source_data(r->src, &n);
				i = 0;
			}
		}
		/* keep the last 4 bytes: they may start a document */
		source_consume(r->src, i);
		n = peek(r, 4096, &eof, &err);
		if (err)
			return -1;
		if (eof && n < 5) {
			source_consume(r->src, n);
			return 0;
		}
	}
}

/* --- flattening --- */

static int reject(struct bsonr *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
reject(struct bsonr *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return FL_REJECT;
}

/* A field name for a reason: at most 60 bytes, cut on a character. */
static int
short_name(const char *p, size_t n)
{
	if (n <= 60)
		return (int)n;
	n = 60;
	while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

static int
too_long(struct bsonr *c)
{
	return reject(c, "record longer than the --max-record limit (%zu bytes)",
	              c->r->opts.max_record);
}

/*
 * Is text as it is fit for a field (UTF-8, no NUL)? Plain ASCII, most keys
 * and values, is seen without a call.
 */
static inline int
text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, at;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if ((w | ((w - 0x0101010101010101ULL) & ~w)) & 0x8080808080808080ULL)
			goto check;
	}
	for (; i < n; i++)
		if (p[i] == 0 || p[i] >= 0x80)
			goto check;
	return 1;
check:
	return reader_check_value(s, n, &at) == NULL;
}

/*
 * Appends p[0..n) to b with each NUL and each byte that does not start a
 * well-formed UTF-8 sequence written as U+FFFD (as mongoexport does).
 */
static int
add_fixed(struct dynbuf *b, const char *p, size_t n)
{
	if (text_ok(p, n))
		return dynbuf_add(b, p, n);
	while (n > 0) {
		size_t bad = utf8_invalid(p, n);
		const char *z = memchr(p, '\0', bad == (size_t)-1 ? n : bad);
		size_t good = z ? (size_t)(z - p) : bad == (size_t)-1 ? n : bad;
		if (dynbuf_add(b, p, good) < 0)
			return -1;
		if (good == n)
			break;
		if (dynbuf_add(b, "\xEF\xBF\xBD", 3) < 0)
			return -1;
		p += good + 1;
		n -= good + 1;
	}
	return 0;
}

static struct bfield *
new_field(struct bsonr *c)
{
	if (c->nqf >= c->r->opts.max_fields) {
		reject(c, "record has more than %zu fields", c->r->opts.max_fields);
		return NULL;
	}
	if (c->nqf >= c->qf_alloc)
		c->qf = xgrow(c->qf, &c->qf_alloc, c->nqf + 1, sizeof(*c->qf));
	struct bfield *f = &c->qf[c->nqf];
	memset(f, 0, sizeof(*f));
	return f;
}

/*
 * Sets the field's name: the key itself, in the document, or (from_path)
 * the dotted path built so far.
 */
static int
set_name(struct bsonr *c, struct bfield *f, const char *key, size_t klen, int from_path)
{
	if (!from_path) {
		f->name_doc = 1;
		f->name = (size_t)((const uint8_t *)key - c->doc);
		f->name_len = klen;
		return FL_OK;
	}
	f->name = c->arena.len;
	if (dynbuf_add(&c->arena, c->path.buf, c->path.len) < 0)
		return too_long(c);
	f->name_len = c->path.len;
	return FL_OK;
}

/* A value in the document, as it is when it is good text. */
static int
val_text(struct bsonr *c, struct bfield *f, const char *v, size_t n)
{
	if (text_ok(v, n)) {
		f->val_doc = 1;
		f->val = (size_t)((const uint8_t *)v - c->doc);
		f->len = n;
		return 0;
	}
	f->val = c->arena.len;
	if (add_fixed(&c->arena, v, n) < 0)
		return too_long(c);
	f->len = c->arena.len - f->val;
	return 0;
}

/* A value written into the arena. */
static int val_printf(struct bsonr *c, struct bfield *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
val_printf(struct bsonr *c, struct bfield *f, const char *fmt, ...)
{
	va_list ap;
	int k;
	f->val = c->arena.len;
	va_start(ap, fmt);
	k = dynbuf_vprintf(&c->arena, fmt, ap);
	va_end(ap);
	if (k < 0)
		return too_long(c);
	f->len = c->arena.len - f->val;
	return 0;
}

static int
val_bytes(struct bsonr *c, struct bfield *f, const char *v, size_t n)
{
	f->val = c->arena.len;
	if (dynbuf_add(&c->arena, v, n) < 0)
		return too_long(c);
	f->len = n;
	return 0;
}

/* Integers without printf: the hot path of most dumps. */
static size_t
fmt_int(long long v, char out[24])
{
	char tmp[24], *e = tmp + sizeof(tmp), *d = e;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do
		*--d = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--d = '-';
	memcpy(out, d, (size_t)(e - d));
	return (size_t)(e - d);
}

/*
 * A double as the shortest text that reads back as the same double, laid
 * out as Python's repr() and JSON writers do: "5.0", "0.001", "1e+16",
 * "1.5e-05"; "NaN", "Infinity" and "-Infinity" as extended JSON names them.
 */
static size_t
fmt_double(double v, char out[40])
{
	char e[40], digits[20];
	int prec, x, nd = 0;
	size_t n = 0;

	if (isnan(v))
		return (size_t)snprintf(out, 40, "NaN");
	if (isinf(v))
		return (size_t)snprintf(out, 40, "%s", v > 0 ? "Infinity" : "-Infinity");
	/*
	 * Most doubles in a dump are short decimals (prices, scores): the
	 * fewest fractional digits k for which m / 10^k is v exactly is the
	 * shortest text. Below 2^50 in the scaled domain no two candidates
	 * round to v, so m is the nearest one too.
	 */
	static const double p10[] = {1,   1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	double a = fabs(v);
	if (a >= 1e-4 && a < 1e15) {
		for (int k = 0; k < 16; k++) {
			double sc = a * p10[k];
			if (sc >= 1125899906842624.0) /* 2^50 */
				break;
			long long m = llround(sc);
			if ((double)m / p10[k] != a)
				continue;
			char tmp[24];
			size_t md = fmt_int(m, tmp);
			if (signbit(v))
				out[n++] = '-';
			if ((int)md <= k) {
				out[n++] = '0';
				out[n++] = '.';
				for (int i = 0; i < k - (int)md; i++)
					out[n++] = '0';
				memcpy(out + n, tmp, md);
				return n + md;
			}
			memcpy(out + n, tmp, md - (size_t)k);
			n += md - (size_t)k;
			out[n++] = '.';
			if (k == 0)
				out[n++] = '0';
			memcpy(out + n, tmp + md - k, (size_t)k);
			return n + (size_t)k;
		}
	} else if (a == 0)
		return (size_t)snprintf(out, 40, "%s", signbit(v) ? "-0.0" : "0.0");
	/* 15 digits always read back but for subnormals, which have fewer */
	for (prec = a < 2.2250738585072014e-308 ? 1 : 15; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(e, sizeof(e), "%.16e", v);
	/* e: [-]d.ddde[+-]xx */
	const char *s = e;
	if (*s == '-') {
		out[n++] = '-';
		s++;
	}
	for (; *s && *s != 'e'; s++)
		if (*s != '.')
			digits[nd++] = *s;
	x = atoi(s + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (x >= -4 && x < 16) {
		if (x < 0) {
			out[n++] = '0';
			out[n++] = '.';
			for (int i = 0; i < -x - 1; i++)
				out[n++] = '0';
			memcpy(out + n, digits, (size_t)nd);
			n += (size_t)nd;
		} else {
			for (int i = 0; i <= x; i++)
				out[n++] = i < nd ? digits[i] : '0';
			out[n++] = '.';
			if (nd > x + 1) {
				memcpy(out + n, digits + x + 1, (size_t)(nd - x - 1));
				n += (size_t)(nd - x - 1);
			} else
				out[n++] = '0';
		}
	} else {
		out[n++] = digits[0];
		if (nd > 1) {
			out[n++] = '.';
			memcpy(out + n, digits + 1, (size_t)(nd - 1));
			n += (size_t)(nd - 1);
		}
		n +=
		    (size_t)snprintf(out + n, 40 - n, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
	}
	return n;
}

/* n decimal digits of v, zero-padded. */
static char *
digits(char *p, long long v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/*
 * Milliseconds since 1970 as ISO 8601 UTC, as json.c writes a $date:
 * beyond 15 digits (+-30,000 years) the number itself.
 */
static size_t
fmt_date(int64_t ms, char out[48])
{
	if (ms > 999999999999999LL || ms < -999999999999999LL)
		return fmt_int(ms, out);
	long long days = ms / 86400000, rem = ms % 86400000;
	if (rem < 0) {
		rem += 86400000;
		days--;
	}
	/* civil_from_days (H. Hinnant) */
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	long long m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) /* as printf's %04lld writes them */
		return (size_t)snprintf(
		    out, 48, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", y, m, d,
		    rem / 3600000, rem / 60000 % 60, rem / 1000 % 60, rem % 1000);
	char *p = digits(out, y, 4);
	*p++ = '-';
	p = digits(p, m, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	*p++ = 'T';
	p = digits(p, rem / 3600000, 2);
	*p++ = ':';
	p = digits(p, rem / 60000 % 60, 2);
	*p++ = ':';
	p = digits(p, rem / 1000 % 60, 2);
	*p++ = '.';
	p = digits(p, rem % 1000, 3);
	*p++ = 'Z';
	return (size_t)(p - out);
}

static int
val_hex(struct bsonr *c, struct bfield *f, const uint8_t *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = dynbuf_reserve(&c->arena, 2 + 2 * n);
	if (!p)
		return too_long(c);
	f->val = c->arena.len;
	*p++ = '0';
	*p++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*p++ = hex[v[i] >> 4];
		*p++ = hex[v[i] & 15];
	}
	f->len = 2 + 2 * n;
	c->arena.len += f->len;
	return 0;
}

static int flatten(struct bsonr *c, const uint8_t *p, uint32_t len, int is_array, unsigned lvl);

/* One element: a field, or the fields of an embedded document or array. */
static int
element(struct bsonr *c, bson_iter_t *it, unsigned lvl, int from_path)
{
	bson_type_t t = bson_iter_type(it);
	struct bfield *f;
	char num[48];
	uint32_t n;
	int st;

	if (t == BSON_TYPE_DOCUMENT || t == BSON_TYPE_ARRAY) {
		const uint8_t *d;
		if (lvl + 1 >= MAX_NEST)
			return reject(c, "nested deeper than %d levels", MAX_NEST);
		if (t == BSON_TYPE_DOCUMENT)
			bson_iter_document(it, &n, &d);
		else
			bson_iter_array(it, &n, &d);
		return flatten(c, d, n, t == BSON_TYPE_ARRAY, lvl + 1);
	}
	if ((f = new_field(c)) == NULL)
		return FL_REJECT;
	if (set_name(c, f, bson_iter_key(it), key_len(it), from_path) != FL_OK)
		return FL_REJECT;
	switch (t) {
	case BSON_TYPE_UTF8: {
		const char *s = bson_iter_utf8(it, &n);
		st = val_text(c, f, s, n);
		break;
	}
	case BSON_TYPE_INT32:
		st = val_bytes(c, f, num, fmt_int(bson_iter_int32(it), num));
		break;
	case BSON_TYPE_INT64:
		st = val_bytes(c, f, num, fmt_int(bson_iter_int64(it), num));
		break;
	case BSON_TYPE_DOUBLE:
		st = val_bytes(c, f, num, fmt_double(bson_iter_double(it), num));
		break;
	case BSON_TYPE_BOOL:
		st = bson_iter_bool(it) ? val_bytes(c, f, "true", 4) : val_bytes(c, f, "false", 5);
		break;
	case BSON_TYPE_NULL:
	case BSON_TYPE_UNDEFINED:
		f->is_null = 1;
		st = FL_OK;
		break;
	case BSON_TYPE_OID: {
		char hex[25];
		bson_oid_to_string(bson_iter_oid(it), hex);
		st = val_bytes(c, f, hex, 24);
		break;
	}
	case BSON_TYPE_DATE_TIME:
		st = val_bytes(c, f, num, fmt_date(bson_iter_date_time(it), num));
		break;
	case BSON_TYPE_DECIMAL128: {
		bson_decimal128_t dec;
		char s[BSON_DECIMAL128_STRING];
		bson_iter_decimal128(it, &dec);
		bson_decimal128_to_string(&dec, s);
		st = val_bytes(c, f, s, strlen(s));
		break;
	}
	case BSON_TYPE_BINARY: {
		bson_subtype_t sub;
		const uint8_t *b;
		bson_iter_binary(it, &sub, &n, &b);
		st = val_hex(c, f, b, n);
		break;
	}
	case BSON_TYPE_REGEX: {
		const char *opts, *re = bson_iter_regex(it, &opts);
		size_t at = c->arena.len;
		st = val_printf(c, f, "/%s/%s", re, opts);
		if (st == FL_OK && !text_ok(c->arena.buf + at, f->len)) {
			/* rare: written again with the replacements */
			char *tmp = xstrndup(c->arena.buf + at, f->len);
			c->arena.len = at;
			st = add_fixed(&c->arena, tmp, strlen(tmp)) < 0 ? too_long(c) : FL_OK;
			f->len = c->arena.len - at;
			free(tmp);
		}
		break;
	}
	case BSON_TYPE_CODE: {
		const char *s = bson_iter_code(it, &n);
		st = val_text(c, f, s, n);
		break;
	}
	case BSON_TYPE_SYMBOL: {
		const char *s = bson_iter_symbol(it, &n);
		st = val_text(c, f, s, n);
		break;
	}
	case BSON_TYPE_CODEWSCOPE: {
		uint32_t slen;
		const uint8_t *scope;
		const char *s = bson_iter_codewscope(it, &n, &slen, &scope);
		st = val_text(c, f, s, n);
		break;
	}
	case BSON_TYPE_TIMESTAMP: {
		uint32_t ts, inc;
		bson_iter_timestamp(it, &ts, &inc);
		st = val_printf(c, f, "Timestamp(%u, %u)", ts, inc);
		break;
	}
	case BSON_TYPE_DBPOINTER: {
		const char *ns;
		const bson_oid_t *oid;
		char hex[25];
		bson_iter_dbpointer(it, &n, &ns, &oid);
		bson_oid_to_string(oid, hex);
		size_t at = c->arena.len;
		f->val = at;
		if (dynbuf_add(&c->arena, "DBPointer(", 10) < 0 ||
		    add_fixed(&c->arena, ns, n) < 0 || dynbuf_printf(&c->arena, ", %s)", hex) < 0)
			st = too_long(c);
		else {
			f->len = c->arena.len - at;
			st = FL_OK;
		}
		break;
	}
	case BSON_TYPE_MINKEY:
		st = val_bytes(c, f, "MinKey", 6);
		break;
	case BSON_TYPE_MAXKEY:
		st = val_bytes(c, f, "MaxKey", 6);
		break;
	default:
		return FL_CORRUPT; /* bson_iter_next() lets no other type through */
	}
	if (st == FL_OK)
		c->nqf++;
	return st;
}

/*
 * The elements of the document (or array) p[0..len) at nesting level lvl
 * (0: the record), under the name in c->path.
 */
static int
flatten(struct bsonr *c, const uint8_t *p, uint32_t len, int is_array, unsigned lvl)
{
	bson_iter_t it;
	size_t plen = c->path.len;
	unsigned i = 0;

	if (len < 5 || !bson_iter_init_from_data(&it, p, len)) {
		snprintf(c->why, sizeof(c->why),
		         "corrupt document: a bad embedded document at byte %zu",
		         (size_t)(p - c->doc));
		return FL_CORRUPT;
	}
	while (bson_iter_next(&it)) {
		bson_type_t t = bson_iter_type(&it);
		const char *k;
		char idx[24];
		size_t kn;
		int st;

		if (is_array) {
			if (i >= MAX_ARRAY)
				return reject(c, "array of more than %d elements in '%.*s'",
				              MAX_ARRAY, short_name(c->path.buf, plen),
				              c->path.buf);
			kn = fmt_int(i, idx);
			k = idx;
		} else {
			k = bson_iter_key(&it);
			kn = key_len(&it);
		}
		/* a top-level scalar's name is its key, in the document */
		int from_path =
		    lvl > 0 || t == BSON_TYPE_DOCUMENT || t == BSON_TYPE_ARRAY || !text_ok(k, kn);
		if (from_path) {
			c->path.len = plen;
			if ((plen && dynbuf_addc(&c->path, '.') < 0) ||
			    add_fixed(&c->path, k, kn) < 0)
				return reject(c, "field name too long");
		}
		st = element(c, &it, lvl, from_path);
		if (st != FL_OK)
			return st;
		i++;
	}
	c->path.len = plen;
	if (!iter_ended(&it, len)) {
		snprintf(c->why, sizeof(c->why), "corrupt document: a bad element at byte %zu",
		         (size_t)(p - c->doc) + (it.err_off ? it.err_off : it.off));
		return FL_CORRUPT;
	}
	return FL_OK;
}

/* Flattens the document at the window's start into rec. */
static int
build(struct bsonr *c, const uint8_t *doc, uint32_t len, struct record *rec)
{
	int st;

	c->doc = doc;
	c->nqf = 0;
	dynbuf_reset(&c->arena);
	c->path.len = 0;
	st = flatten(c, doc, len, 0, 0);
	if (st != FL_OK)
		return st;
	if (c->nqf > c->out_alloc)
		c->out = xgrow(c->out, &c->out_alloc, c->nqf, sizeof(*c->out));
	for (size_t i = 0; i < c->nqf; i++) {
		const struct bfield *q = &c->qf[i];
		struct field *f = &c->out[i];
		f->name = q->name_doc ? (const char *)doc + q->name : c->arena.buf + q->name;
		f->name_len = q->name_len;
		f->val = q->val_doc ? (const char *)doc + q->val : c->arena.buf + q->val;
		f->len = q->len;
		f->is_null = q->is_null;
	}
	rec->fields = c->out;
	rec->nfields = c->nqf;
	rec->table = c->table;
	return FL_OK;
}

/* --- tables --- */

/* A name as a table name: NUL-terminated good text. */
static char *
table_dup(const char *p, size_t n)
{
	struct dynbuf b;
	dynbuf_init(&b, 4096);
	if (add_fixed(&b, p, n) < 0)
		b.len = 0;
	char *s = xstrdup(dynbuf_str(&b));
	dynbuf_release(&b);
	return s;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * The collection a stream called name holds: "dump.zip:db/users.bson" and
 * "db/users.bson.gz" are "users" (mongodump writes DB/COLLECTION.bson and
 * escapes some bytes of a name as %XX); NULL for other names.
 */
static char *
table_from_name(const char *name)
{
	static const char *const zext[] = {".gz", ".bz2", ".xz", ".zst", ".lz4"};
	const char *base = name, *p;
	size_t n;

	for (p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == '\\')
			base = p + 1;
	n = strlen(base);
	for (size_t i = 0; i < sizeof(zext) / sizeof(zext[0]); i++) {
		size_t k = strlen(zext[i]);
		if (n > k && !strcmp(base + n - k, zext[i])) {
			n -= k;
			break;
		}
	}
	if (n <= 5 || strncmp(base + n - 5, ".bson", 5))
		return NULL;
	n -= 5;
	char *s = xmalloc(n + 1), *w = s;
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (base[i] == '%' && i + 2 < n && (h = hexval(base[i + 1])) >= 0 &&
		    (l = hexval(base[i + 2])) >= 0 && (h || l)) {
			*w++ = (char)(h << 4 | l);
			i += 2;
		} else
			*w++ = base[i];
	}
	char *t = table_dup(s, (size_t)(w - s));
	free(s);
	return t;
}

/* --- the archive's own documents --- */

/* The string value of key in a whole document, or NULL. */
static const char *
doc_string(const uint8_t *doc, uint32_t len, const char *key, uint32_t *n)
{
	bson_iter_t it;
	if (!bson_iter_init_from_data(&it, doc, len) || !bson_iter_find(&it, key) ||
	    !BSON_ITER_HOLDS_UTF8(&it))
		return NULL;
	return bson_iter_utf8(&it, n);
}

/* Keeps a version for describe(): short, and only characters sniff can show. */
static void
keep_version(char *out, size_t outlen, const char *v, uint32_t n)
{
	size_t i;
	out[0] = '\0';
	if (!v || n == 0 || n >= outlen)
		return;
	for (i = 0; i < n; i++)
		if (!v[i] ||
		    !strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+_",
		            v[i]))
			return;
	memcpy(out, v, n);
	out[n] = '\0';
}

/*
 * Does --table select the collection coll of database db (NULL when not
 * known)? As for SQL, case does not matter, and "db.collection" names one
 * in its database.
 */
static int
table_wanted(struct reader *r, const char *db, const char *coll)
{
	const char *want = r->opts.table;
	size_t n;

	if (!want)
		return 1;
	if (!coll)
		return 0;
	if (!strcasecmp(want, coll))
		return 1;
	n = db ? strlen(db) : 0;
	return db && *db && !strncasecmp(want, db, n) && want[n] == '.' &&
	       !strcasecmp(want + n + 1, coll);
}

/* A namespace header: the collection becomes the table. 0, or -1 if it is not one. */
static int
ns_header(struct bsonr *c, const uint8_t *doc, uint32_t len)
{
	uint32_t n = 0, dn = 0;
	const char *coll, *db;

	if (!doc_check(doc, len, 0) || (coll = doc_string(doc, len, "collection", &n)) == NULL)
		return -1;
	db = doc_string(doc, len, "db", &dn);
	free(c->table);
	c->table = table_dup(coll, n);
	char *dbname = table_dup(db ? db : "", dn);
	c->skip = !table_wanted(c->r, dbname, c->table);
	free(dbname);
	/* distinct namespaces, for describe() */
	char *ns = xmalloc((size_t)dn + n + 2);
	memcpy(ns, db ? db : "", dn);
	ns[dn] = '\n';
	memcpy(ns + dn + 1, coll, n);
	ns[dn + 1 + n] = '\0';
	size_t nslen = (size_t)dn + 1 + n;
	for (size_t i = 0; i < c->nseen; i++)
		if (strlen(c->seen[i]) == nslen && !memcmp(c->seen[i], ns, nslen)) {
			free(ns);
			return 0;
		}
	if (c->nseen < MAX_NAMESPACES) {
		c->seen = xgrow(c->seen, &c->seen_alloc, c->nseen + 1, sizeof(*c->seen));
		c->seen[c->nseen++] = ns;
	} else
		free(ns);
	return 0;
}

/* --- the reader --- */

/* A document could not be read whole: rejected, or the input fails. */
static int
corrupt_length(struct reader *r, struct bsonr *c, uint64_t no, uint64_t off, uint32_t len)
{
	if (c->archive)
		return reader_fail(
		    r, no, off, "corrupt archive: %d is neither a document length nor a terminator",
		    (int32_t)len);
	if (r->parsed + r->rejected == 0)
		return reader_fail(r, no, off, "not a BSON document: its length would be %d",
		                   (int32_t)len);
	c->scanning = 1;
	source_consume(r->src, 1);
	return reader_reject(r, no, off, NULL, 0,
	                     "corrupt document length %d; skipped to the next document that reads",
	                     (int32_t)len);
}

static int
bson_next(struct reader *r, struct record *rec)
{
	struct bsonr *c = r->state;

	if (c->pending) {
		source_consume(r->src, c->pending);
		c->pending = 0;
	}
	for (;;) {
		const uint8_t *doc = NULL;
		uint32_t len;
		size_t have;
		uint64_t no = r->parsed + r->rejected + 1, off;
		int k;

		if (c->fail_next[0]) {
			c->done = 1;
			return reader_fail(r, no, c->fail_at, "%s", c->fail_next);
		}
		if (c->done)
			return DT_EOF;
		if (c->scanning) {
			k = rescan(r, c);
			if (k < 0)
				return reader_fail(r, no, source_offset(r->src), "%s",
				                   source_error(r->src));
			c->scanning = 0;
			if (k == 0) {
				c->done = 1;
				return DT_EOF;
			}
		}
		off = source_offset(r->src);
		k = take_doc(r, c, &doc, &len, &have);
		int header =
		    c->st == A_PRELUDE_HEADER || c->st == A_PRELUDE_BODY || c->st == A_NS_HEADER;
		switch (k) {
		case D_ERR:
			return reader_fail(r, no, off, "%s", source_error(r->src));
		case D_EOF:
			c->done = 1;
			if (c->st == A_PRELUDE_HEADER || c->st == A_PRELUDE_BODY)
				return reader_fail(r, 0, off,
				                   "the archive ends inside its prelude");
			if (c->archive && r->opts.table && r->parsed + r->rejected == 0) {
				r->empty = 1;
				return reader_fail(r, 0, off,
				                   "no document of collection '%s' in the archive",
				                   r->opts.table);
			}
			return DT_EOF;
		case D_TERM:
			if (c->st == A_PRELUDE_HEADER)
				return reader_fail(r, 0, off, "corrupt archive: no prelude header");
			c->st = A_NS_HEADER;
			continue;
		case D_TRUNC:
			c->done = 1;
			source_consume(r->src, have);
			if (c->skip && !header)
				return DT_EOF; /* another collection's */
			if (header)
				return reader_fail(r, 0, off,
				                   "the archive ends inside a block header");
			if (have < 4)
				return reader_reject(
				    r, no, off, NULL, 0,
				    "truncated document: the input ends %zu bytes into its "
				    "length",
				    have);
			return reader_reject(
			    r, no, off, NULL, 0,
			    "truncated document: %u bytes long, the input ends after %zu", len,
			    have);
		case D_CORRUPT:
			return corrupt_length(r, c, no, off, len);
		case D_LONG: {
			size_t n;
			const uint8_t *p = (const uint8_t *)source_data(r->src, &n);
			if (header)
				return reader_fail(
				    r, 0, off, "corrupt archive: a block header of %u bytes", len);
			/* a length past BSON's own limit must at least start well */
			if (len > DOC_MAX) {
				int eof, err;
				n = peek(r, 4096, &eof, &err);
				p = (const uint8_t *)source_data(r->src, &n);
			}
			if ((n >= 5 && !type_ok(p[4])) ||
			    (len > DOC_MAX && prefix_elements(p, n < len ? n : len, len) < 0))
				return corrupt_length(r, c, no, off, len);
			k = skip_bytes(r, len);
			if (k < 0)
				return reader_fail(r, no, off, "%s", source_error(r->src));
			if (k > 0)
				c->done = 1;
			if (c->skip)
				continue;
			if (len > DOC_MAX)
				return reader_reject(
				    r, no, off, NULL, 0,
				    "document of %u bytes, more than BSON's 16 MiB%s", len,
				    k > 0 ? "; the input ends inside it" : "");
			return reader_reject(
			    r, no, off, NULL, 0,
			    "record longer than the --max-record limit (%zu bytes)%s",
			    r->opts.max_record, k > 0 ? "; the input ends inside it" : "");
		}
		default:
			break;
		}
		/* a whole document */
		if (c->st == A_PRELUDE_HEADER) {
			uint32_t n = 0, tn = 0;
			if (!doc_check(doc, len, 0))
				return reader_fail(r, 0, off,
				                   "corrupt archive: a bad prelude header");
			const char *sv = doc_string(doc, len, "server_version", &n);
			keep_version(c->server_version, sizeof(c->server_version), sv, n);
			const char *tv = doc_string(doc, len, "tool_version", &tn);
			keep_version(c->tool_version, sizeof(c->tool_version), tv, tn);
			source_consume(r->src, len);
			c->st = A_PRELUDE_BODY;
			continue;
		}
		if (c->st == A_PRELUDE_BODY) {
			/* one metadata document per collection */
			c->prelude_collections++;
			source_consume(r->src, len);
			continue;
		}
		if (c->st == A_NS_HEADER) {
			if (ns_header(c, doc, len) < 0)
				return reader_fail(
				    r, 0, off,
				    "corrupt archive: not a namespace header (a document "
				    "without its collection)");
			source_consume(r->src, len);
			c->st = A_BODY;
			continue;
		}
		if (c->skip) {
			/* another collection's: skipped whole, not looked into */
			source_consume(r->src, len);
			continue;
		}
		int st = build(c, doc, len, rec);
		if (st == FL_OK) {
			rec->line = no;
			rec->offset = off;
			c->pending = len;
			return DT_OK;
		}
		if (st == FL_REJECT) {
			c->pending = len;
			return reader_reject(r, no, off, NULL, 0, "%s", c->why);
		}
		/* the structure does not hold: after it, or the next that reads */
		if (lands_well(r, c, len, 0))
			c->pending = len;
		else if (c->archive) {
			c->pending = len;
			snprintf(c->fail_next, sizeof(c->fail_next),
			         "corrupt archive: no document or terminator after the damaged "
			         "document at offset %llu",
			         (unsigned long long)off);
			c->fail_at = off + len;
		} else {
			c->pending = 1;
			c->scanning = 1;
		}
		return reader_reject(r, no, off, NULL, 0, "%s", c->why);
	}
}

static int
bson_open(struct reader *r)
{
	struct bsonr *c = xcalloc(1, sizeof(*c));
	struct source_info si;
	int eof, err;
	size_t n;

	r->state = c;
	c->r = r;
	c->limit = r->opts.max_record < DOC_MAX ? r->opts.max_record : DOC_MAX;
	dynbuf_init(&c->arena, r->opts.max_record * 4 + (16u << 20));
	dynbuf_init(&c->path, r->opts.max_record);
	dynbuf_reserve(&c->path, 256);
	n = peek(r, 4, &eof, &err);
	if (err)
		return reader_fail(r, 0, 0, "%s", source_error(r->src));
	const char *p = source_data(r->src, &n);
	if (n >= 4 && !memcmp(p, archive_magic, 4)) {
		c->archive = 1;
		c->st = A_PRELUDE_HEADER;
		source_consume(r->src, 4);
	} else {
		source_info(r->src, &si);
		c->table = si.name ? table_from_name(si.name) : NULL;
		/* --table: another collection's file gives nothing (a dump holds many) */
		if (!table_wanted(r, NULL, c->table))
			c->done = 1;
	}
	return DT_OK;
}

static void
bson_close(struct reader *r)
{
	struct bsonr *c = r->state;
	if (!c)
		return;
	dynbuf_release(&c->arena);
	dynbuf_release(&c->path);
	for (size_t i = 0; i < c->nseen; i++)
		free(c->seen[i]);
	free(c->seen);
	free(c->qf);
	free(c->out);
	free(c->table);
	free(c);
}

static void
bson_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct bsonr *c = r->state;
	char n[32];

	fn(ctx, "layout", c->archive ? "mongodump-archive" : "bson");
	if (!c->archive) {
		/* sniff shows key=value pairs between blanks */
		int plain = c->table && *c->table;
		for (const char *p = c->table; plain && *p; p++)
			plain = (unsigned char)*p > ' ';
		if (plain)
			fn(ctx, "collection", c->table);
		return;
	}
	snprintf(n, sizeof(n), "%zu",
	         c->prelude_collections > c->nseen ? (size_t)c->prelude_collections : c->nseen);
	fn(ctx, "collections", n);
	if (c->server_version[0])
		fn(ctx, "server_version", c->server_version);
	if (c->tool_version[0])
		fn(ctx, "tool_version", c->tool_version);
}

const struct format format_bson = {
    .name = "bson",
    .bid = NULL,
    .open = bson_open,
    .next = bson_next,
    .close = bson_close,
    .describe = bson_describe,
    .identify = bson_identify,
};
