/*
 * The JSON reader, on yajl 2 (push parser, never the whole input in
 * memory): JSON Lines, concatenated values (pretty-printed objects one
 * after the other), and one top-level array of records, 10 GB or more.
 *
 * Layout, chosen by open() from the peeked start of the stream:
 *  - array: the first non-blank byte is '[' and the first lines do not each
 *    hold a whole value; each element of the top-level array is a record,
 *    and nothing but white space may follow the array;
 *  - lines: most of the first lines parse on their own; each top-level
 *    value is a record and must end on the line it starts on;
 *  - concatenated: anything else; each top-level value is a record.
 *
 * Records: a top-level object (or array element) flattens to dotted field
 * names, "patient.iin"; arrays inside a record are indexed, "phones.0",
 * "scores.1.type". An array of more than 1000 elements, or nesting deeper
 * than 64 levels inside a record, rejects the record (its fields would be
 * noise, and the cap keeps one record's field list small). A record that
 * is a scalar has one field, "value". Strings are their text ("\u0000"
 * becomes U+FFFD, since no field may hold a NUL byte), numbers their
 * literal text, true/false the words, null is_null. Empty objects and
 * arrays yield no field. MongoDB extended JSON reads as the plain value
 * when an object holds exactly one of these keys: {"$oid": x} -> x,
 * {"$date": "text"} -> the text, {"$date": {"$numberLong": "ms"}} or
 * {"$date": ms} -> ISO 8601 UTC, {"$numberLong"|"$numberInt"|
 * "$numberDouble"|"$numberDecimal": v} -> v.
 *
 * Strictness beyond yajl: a scalar sharing a line with another top-level
 * value is trailing garbage ('{"a":1} "x"' rejects the "x"); \v and \f are
 * not white space; a stream with no value at all fails.
 *
 * Feeding: yajl gets the window piece by piece, a whole line at a time for
 * JSON Lines (so that a line that ends inside a record is caught on that
 * line) and 64 KiB otherwise, more while one long token is being read.
 * Callbacks copy names and values into one arena and queue the records a
 * piece completes; next() hands them out one by one and feeds the next
 * piece only once the queue is empty, so the queue never holds more than
 * one piece's worth. The window keeps the
 * bytes of the record in progress, for the location and the raw text of a
 * rejection. Each piece is checked for UTF-8 and NUL bytes once, whole;
 * strings yajl hands out from inside it need no check of their own, only
 * those it decoded from escapes or assembled across pieces.
 *
 * Errors: in lines and concatenated layouts a syntax error rejects the
 * record (its start as location, the error's line and column in the
 * reason) and parsing starts again with a new yajl handle on the next line
 * (concatenated: the next line that starts with '{' or '['). In an array
 * there is no safe place to start again: the input fails with the error's
 * position, after the records before it. Memory stays bounded: a record
 * longer than --max-record is rejected (in an array it is parsed on
 * without keeping anything, unless one token or the nesting alone is that
 * long, which fails the input), and yajl's own buffers are capped.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "formats/format.h"

#define PIECE (64u << 10)  /* the most given to yajl at once */
#define SAMPLE (64u << 10) /* peeked by open() */
#define MAX_ARRAY 1000     /* elements of an array inside a record */
#define MAX_NEST 64        /* containers open inside one record */
#define MAX_DEPTH 1024     /* containers open at all: yajl's stack grows by 128 */
#define LINE_TESTS 32      /* lines parsed alone to tell lines from concatenated */

enum layout { L_LINES, L_CONCAT, L_ARRAY };
enum kind { K_STR, K_NUM, K_BOOL, K_NULL, K_LONG };
enum ext { X_NONE, X_OID, X_DATE, X_LONG, X_INT, X_DOUBLE, X_DECIMAL };
enum qkind { Q_OK, Q_REJECT, Q_FAIL };

static const char *const ext_names[] = {
    "", "$oid", "$date", "$numberLong", "$numberInt", "$numberDouble", "$numberDecimal",
};

/* A field of a queued record: offsets into the arena, which moves. */
struct qfield {
	size_t name, name_len, val, len;
	unsigned char is_null, kind;
};

/* A queued record, rejection or failure, in input order. */
struct qrec {
	size_t f0, nf;
	uint64_t line, offset;
	uint64_t raw_abs; /* rejections: raw text, still in the window */
	size_t raw_len;
	size_t why; /* offset of the reason in jsonr.why */
	int kind;
};

/* A container open inside the record. */
struct frame {
	size_t path_len; /* its own name: the prefix of its children's */
	size_t field0;   /* fields queued before it opened */
	unsigned n;      /* keys or elements so far */
	unsigned char is_array, ext;
};

struct jsonr {
	struct reader *r;
	yajl_handle h;
	size_t ymem; /* bytes yajl holds: capped, as no input may grow memory */
	enum layout layout;

	/* the window as yajl sees it during one yajl_parse() */
	const char *wbuf;
	uint64_t wabs, wend, piece_abs;
	int finishing;
	/* the piece checked whole: strings yajl hands out from inside it are
	 * known good, only those it decoded (escapes) are checked one by one */
	const char *piece_lo, *piece_hi;

	uint64_t fed_abs;           /* stream offset up to which yajl has been fed */
	uint64_t scanned_abs;       /* lines: searched for a line end up to here */
	uint64_t scan_from;         /* where the next record's start is looked for */
	int gap_nl;                 /* a line end since the last record ended */
	int last_scalar;            /* the last top-level record was a scalar */
	uint64_t line_abs, line_no; /* line_no is the line of byte line_abs */

	/* parse state */
	unsigned depth, rdepth; /* open containers; records start at rdepth */
	int top_open, top_done; /* array layout: the top-level array */
	struct frame fr[MAX_NEST];
	struct dynbuf path;

	/* the record in progress */
	int in_rec, rec_bad, rec_scalar, dropped;
	uint64_t rec_abs, rec_line, drop_abs, drop_line;
	size_t rec_f0, rec_a0;
	char rec_why[160];

	/* records done and not yet handed out */
	struct dynbuf arena, why;
	struct qfield *qf;
	size_t nqf, qf_alloc;
	struct qrec *q;
	size_t nq, q_alloc, qhead;
	struct field *out;
	size_t out_alloc;

	int skip_eol, skip_lines; /* resynchronising after an error */
	/*
	 * yajl lexes a token cut by the end of a piece again from its start
	 * at each call: a long token fed in small pieces costs its length
	 * squared. After a piece in which nothing happened (events did not
	 * move) the next one is twice as long, and waits for that much data.
	 */
	uint64_t events;
	size_t piece;
	int hungry;
	int eof, done, saw_value;

	/* what open() saw in the sample, for describe() */
	unsigned s_depth;
	uint64_t s_records;
	int s_mongo;
};

/* --- yajl's memory, counted (its lexer buffers whole tokens) --- */

#define YHDR 16

static void *
y_malloc(void *ctx, size_t n)
{
	size_t *used = ctx;
	char *p = xmalloc(n + YHDR);
	memcpy(p, &n, sizeof(n));
	*used += n;
	return p + YHDR;
}

static void *
y_realloc(void *ctx, void *ptr, size_t n)
{
	size_t *used = ctx, old;
	char *p;
	if (!ptr)
		return y_malloc(ctx, n);
	p = (char *)ptr - YHDR;
	memcpy(&old, p, sizeof(old));
	p = xrealloc(p, n + YHDR);
	memcpy(p, &n, sizeof(n));
	*used = *used - old + n;
	return p + YHDR;
}

static void
y_free(void *ctx, void *ptr)
{
	size_t *used = ctx, old;
	char *p;
	if (!ptr)
		return;
	p = (char *)ptr - YHDR;
	memcpy(&old, p, sizeof(old));
	*used -= old;
	free(p);
}

static yajl_handle
y_open(const yajl_callbacks *cb, size_t *used, void *ctx, int multiple)
{
	yajl_alloc_funcs af = {y_malloc, y_realloc, y_free, used};
	yajl_handle h = yajl_alloc(cb, &af, ctx);
	if (!h)
		abort(); /* only on allocation failure, which xmalloc() ends first */
	/* strings are checked by reader_check_value(), which says where */
	yajl_config(h, yajl_dont_validate_strings, 1);
	if (multiple)
		yajl_config(h, yajl_allow_multiple_values, 1);
	return h;
}

/* yajl's message without "parse error: " and the full stop. */
static void
y_error(yajl_handle h, char *out, size_t outlen)
{
	unsigned char *e = yajl_get_error(h, 0, NULL, 0);
	const char *s = (const char *)e;
	if (!strncmp(s, "parse error: ", 13))
		s += 13;
	else if (!strncmp(s, "lexical error: ", 15))
		s += 15;
	snprintf(out, outlen, "%s", s);
	size_t n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '.' || out[n - 1] == ' '))
		out[--n] = '\0';
	yajl_free_error(h, e);
}

static int
is_ws(unsigned char ch)
{
	return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
}

/* --- the sample: bid() and open() parse the peeked start alone --- */

struct stats {
	unsigned depth, rdepth, max_depth;
	int array, top_open;
	uint64_t records;
	int mongo;
};

static int
st_value(struct stats *s)
{
	if (s->depth == s->rdepth)
		s->records++;
	return 1;
}

static int
st_null(void *ctx)
{
	return st_value(ctx);
}

static int
st_bool(void *ctx, int b)
{
	(void)b;
	return st_value(ctx);
}

static int
st_number(void *ctx, const char *v, size_t n)
{
	(void)v;
	(void)n;
	return st_value(ctx);
}

static int
st_string(void *ctx, const unsigned char *v, size_t n)
{
	(void)v;
	(void)n;
	return st_value(ctx);
}

static int
st_key(void *ctx, const unsigned char *k, size_t n)
{
	struct stats *s = ctx;
	if (n >= 4 && k[0] == '$')
		for (int x = X_OID; x <= X_DECIMAL; x++)
			if (strlen(ext_names[x]) == n && !memcmp(ext_names[x], k, n))
				s->mongo = 1;
	return 1;
}

static int
st_open(void *ctx)
{
	struct stats *s = ctx;
	if (s->depth >= MAX_DEPTH)
		return 0;
	if (s->array && s->depth == 0 && !s->top_open) {
		s->top_open = 1;
		s->rdepth = 1;
	} else if (s->depth + 1 - s->rdepth > s->max_depth)
		s->max_depth = s->depth + 1 - s->rdepth;
	s->depth++;
	return 1;
}

static int
st_close(void *ctx)
{
	struct stats *s = ctx;
	s->depth--;
	if (s->top_open && s->depth == 0) {
		s->top_open = 0;
		s->rdepth = 0;
	} else if (s->depth == s->rdepth)
		s->records++;
	return 1;
}

static const yajl_callbacks st_callbacks = {
    st_null, st_bool, NULL,     NULL,    st_number, st_string,
    st_open, st_key,  st_close, st_open, st_close,
};

/*
 * Parses buf alone: 1 when it is all well-formed (a cut-off end allowed
 * unless eof), 0 when yajl found an error. s gets what was seen, and
 * *err_at (unless NULL) where the error is.
 */
static int
sample_parse(const char *buf, size_t len, int eof, int array, struct stats *s, size_t *err_at)
{
	size_t used = 0;
	int ok;

	memset(s, 0, sizeof(*s));
	s->array = array;
	yajl_handle h = y_open(&st_callbacks, &used, s, !array);
	ok = yajl_parse(h, (const unsigned char *)buf, len) == yajl_status_ok;
	if (err_at)
		*err_at = ok ? len : yajl_get_bytes_consumed(h);
	if (ok && eof)
		ok = yajl_complete_parse(h) == yajl_status_ok;
	yajl_free(h);
	/* yajl takes \v and \f for white space; JSON does not */
	if (memchr(buf, '\v', len) || memchr(buf, '\f', len))
		ok = 0;
	return ok;
}

/* Skips a UTF-8 BOM the source did not see (inside a member) and blanks. */
static size_t
skip_start(const char *buf, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && is_ws((unsigned char)buf[i]))
		i++;
	return i;
}

static unsigned lines_alone(const char *buf, size_t len, int eof, unsigned *tested);

static int
json_bid(const char *buf, size_t len, int eof)
{
	struct stats s;
	size_t i = skip_start(buf, len), err_at;
	unsigned tested;

	if (i >= len || (buf[i] != '{' && buf[i] != '['))
		return 0;
	if (sample_parse(buf + i, len - i, eof, buf[i] == '[', &s, &err_at))
		return eof ? 90 : 80;
	/* broken, but ours after a whole value or a whole line */
	if (s.records > 0 || lines_alone(buf, len, eof, &tested) > 0)
		return 40;
	if (memchr(buf + i, '\n', err_at))
		return 20;
	return 0; /* "[2024-01-01] log line", "{name}": text */
}

/*
 * How many of the first complete lines are a whole JSON text on their own
 * (*tested: how many non-blank lines were tried).
 */
static unsigned
lines_alone(const char *buf, size_t len, int eof, unsigned *tested)
{
	unsigned ok = 0;
	size_t at = 0;

	*tested = 0;
	while (at < len && *tested < LINE_TESTS) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - buf) : len;
		struct stats s;
		if (!nl && !eof)
			break;
		if (skip_start(buf + at, end - at) < end - at) {
			(*tested)++;
			ok += sample_parse(buf + at, end - at, 1, 0, &s, NULL) && s.records > 0;
		}
		at = end + 1;
	}
	return ok;
}

/* --- positions --- */

/* Stream offset yajl has reached inside the piece being parsed. */
static uint64_t
cur_abs(struct jsonr *c)
{
	if (c->finishing)
		return c->fed_abs;
	return c->piece_abs + yajl_get_bytes_consumed(c->h);
}

/* Counts line ends up to stream offset to (within the window). */
static void
advance_line(struct jsonr *c, const char *buf, uint64_t base, uint64_t to)
{
	if (c->line_abs < base)
		c->line_abs = base; /* cannot happen: kept bytes are never dropped */
	if (to <= c->line_abs)
		return;
	const char *p = buf + (c->line_abs - base), *end = buf + (to - base);
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c->line_no++;
		p++;
	}
	c->line_abs = to;
}

/* The line of stream offset at >= line_abs, without moving the count. */
static uint64_t
line_of(struct jsonr *c, const char *buf, uint64_t base, uint64_t at, uint64_t *col)
{
	uint64_t from = c->line_abs < base ? base : c->line_abs, line = c->line_no, bol = from;
	if (at < from) {
		if (col)
			*col = 1;
		return line;
	}
	const char *p = buf + (from - base), *end = buf + (at - base);
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
		bol = base + (uint64_t)(p - buf);
	}
	if (col)
		*col = at - bol + 1;
	return line;
}

/*
 * Moves scan_from over white space (and, in the array, the commas between
 * elements) up to limit, noting line ends; returns the first other byte's
 * offset, or limit.
 */
static uint64_t
skip_gap(struct jsonr *c, const char *buf, uint64_t base, uint64_t limit)
{
	uint64_t at = c->scan_from < base ? base : c->scan_from;
	while (at < limit) {
		unsigned char ch = (unsigned char)buf[at - base];
		if (ch == '\n')
			c->gap_nl = 1;
		else if (!is_ws(ch) && !(ch == ',' && c->rdepth))
			break;
		at++;
	}
	c->scan_from = at;
	return at;
}

/* --- the queue --- */

static size_t add_why(struct jsonr *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
add_why(struct jsonr *c, const char *fmt, ...)
{
	char tmp[200];
	va_list ap;
	size_t at = c->why.len;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (dynbuf_add(&c->why, tmp, strlen(tmp) + 1) < 0)
		return (size_t)-1;
	return at;
}

static struct qrec *
push(struct jsonr *c, int kind, uint64_t line, uint64_t offset)
{
	if (c->nq >= c->q_alloc)
		c->q = xgrow(c->q, &c->q_alloc, c->nq + 1, sizeof(*c->q));
	struct qrec *e = &c->q[c->nq++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->line = line;
	e->offset = offset;
	e->why = (size_t)-1;
	return e;
}

static void bad(struct jsonr *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks the record in progress rejected; the first reason wins. */
static void
bad(struct jsonr *c, const char *fmt, ...)
{
	va_list ap;
	if (c->rec_bad)
		return;
	c->rec_bad = 1;
	va_start(ap, fmt);
	vsnprintf(c->rec_why, sizeof(c->rec_why), fmt, ap);
	va_end(ap);
	/* its fields are of no use any more */
	c->nqf = c->rec_f0;
	c->arena.len = c->rec_a0;
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

/* --- building records (yajl callbacks) --- */

static void
rec_begin(struct jsonr *c, int scalar)
{
	uint64_t now = cur_abs(c), start;
	int gap;

	c->saw_value = 1;
	start = skip_gap(c, c->wbuf, c->wabs, now);
	gap = c->gap_nl;
	if (c->dropped) {
		start = c->drop_abs;
		c->rec_line = c->drop_line;
	} else {
		advance_line(c, c->wbuf, c->wabs, start);
		c->rec_line = c->line_no;
	}
	c->in_rec = 1;
	c->rec_abs = start;
	c->rec_bad = 0;
	c->rec_scalar = scalar;
	c->rec_f0 = c->nqf;
	c->rec_a0 = c->arena.len;
	c->path.len = 0;
	/* a scalar after another value on its line is trailing garbage */
	if (c->layout != L_ARRAY && !gap && (scalar || c->last_scalar))
		bad(c, "value on the same line as a scalar value before it");
}

static void
rec_end(struct jsonr *c)
{
	uint64_t end = cur_abs(c);
	struct qrec *e;

	/* long in the input though not in its fields (white space, escapes) */
	if (!c->dropped && end - c->rec_abs > c->r->opts.max_record)
		bad(c, "record longer than the --max-record limit (%zu bytes)",
		    c->r->opts.max_record);
	if (c->rec_bad || c->dropped) {
		e = push(c, Q_REJECT, c->rec_line, c->rec_abs);
		if (!c->rec_bad)
			snprintf(c->rec_why, sizeof(c->rec_why),
			         "record longer than the --max-record limit (%zu bytes)",
			         c->r->opts.max_record);
		e->why = add_why(c, "%s", c->rec_why);
		if (!c->dropped && c->rec_abs >= c->wabs && end <= c->wend) {
			e->raw_abs = c->rec_abs;
			e->raw_len = (size_t)(end - c->rec_abs);
		}
	} else {
		e = push(c, Q_OK, c->rec_line, c->rec_abs);
		e->f0 = c->rec_f0;
		e->nf = c->nqf - c->rec_f0;
	}
	c->in_rec = 0;
	c->dropped = 0;
	c->last_scalar = c->rec_scalar;
	c->scan_from = end;
	c->gap_nl = 0;
}

/* Appends n bytes of a decoded string, "\u0000" turned into U+FFFD. */
static int
add_text(struct dynbuf *b, const char *v, size_t n)
{
	const char *z;
	while ((z = memchr(v, '\0', n)) != NULL) {
		if (dynbuf_add(b, v, (size_t)(z - v)) < 0 || dynbuf_add(b, "\xEF\xBF\xBD", 3) < 0)
			return -1;
		n -= (size_t)(z - v) + 1;
		v = z + 1;
	}
	return dynbuf_add(b, v, n);
}

/*
 * Checks the n bytes just appended at b->buf + at: a NUL (only "\u0000"
 * decodes to one) is written again as U+FFFD, then the text is checked.
 * Returns NULL, or what is wrong and where (*bad_at).
 */
static const char *
check_text(struct dynbuf *b, size_t at, size_t *bad_at, int *full)
{
	const char *why = reader_check_value(b->buf + at, b->len - at, bad_at);
	if (!why || strcmp(why, "NUL byte"))
		return why;
	/* rare: copy it again with the replacement */
	size_t n = b->len - at;
	char *tmp = xmalloc(n ? n : 1);
	memcpy(tmp, b->buf + at, n);
	b->len = at;
	*full = add_text(b, tmp, n) < 0;
	free(tmp);
	return *full ? NULL : reader_check_value(b->buf + at, b->len - at, bad_at);
}

/* dynbuf_reserve() without the call when there is room: the hot path. */
static inline char *
room(struct dynbuf *b, size_t n)
{
	if (b->alloc - b->len > n && b->len + n <= b->cap)
		return b->buf + b->len;
	return dynbuf_reserve(b, n);
}

/* Is v one of the bytes of the piece checked whole? */
static inline int
in_piece(const struct jsonr *c, const char *v, size_t n)
{
	return v >= c->piece_lo && v + n <= c->piece_hi;
}

/* Queues one field: the current path (or "value") and v. */
static void
emit(struct jsonr *c, const char *v, size_t n, int kind)
{
	struct reader *r = c->r;
	const char *name = c->path.buf;
	size_t name_len = c->path.len;
	int full = 0;

	if (c->rec_bad || c->dropped)
		return;
	if (c->depth == c->rdepth) {
		name = "value";
		name_len = 5;
	}
	if (c->nqf - c->rec_f0 >= r->opts.max_fields) {
		bad(c, "record has more than %zu fields", r->opts.max_fields);
		return;
	}
	if (c->arena.len - c->rec_a0 + name_len + n > r->opts.max_record) {
		bad(c, "record longer than the --max-record limit (%zu bytes)", r->opts.max_record);
		return;
	}
	if (c->nqf >= c->qf_alloc)
		c->qf = xgrow(c->qf, &c->qf_alloc, c->nqf + 1, sizeof(*c->qf));
	/* one reservation for name and value: this is the hot path */
	char *p = room(&c->arena, name_len + n);
	if (!p) {
		bad(c, "record longer than the --max-record limit (%zu bytes)", r->opts.max_record);
		return;
	}
	struct qfield *f = &c->qf[c->nqf];
	f->name = c->arena.len;
	f->name_len = name_len;
	f->val = c->arena.len + name_len;
	f->len = n;
	f->is_null = kind == K_NULL;
	f->kind = (unsigned char)kind;
	memcpy(p, name, name_len);
	memcpy(p + name_len, v, n);
	c->arena.len += name_len + n;
	if (kind == K_STR && !in_piece(c, v, n)) {
		size_t at;
		const char *why = check_text(&c->arena, f->val, &at, &full);
		if (full) {
			bad(c, "record longer than the --max-record limit (%zu bytes)",
			    r->opts.max_record);
			return;
		}
		if (why) {
			bad(c, "%s in field '%.*s' (byte %zu of the value)", why,
			    short_name(name, name_len), name, at + 1);
			return;
		}
		f->len = c->arena.len - f->val;
	}
	c->nqf++;
}

/*
 * The start of any value: a new record at the record level, else the
 * element's index as its name inside an array.
 */
static void
value_begin(struct jsonr *c, int scalar)
{
	if (c->depth == c->rdepth) {
		rec_begin(c, scalar);
		return;
	}
	unsigned lvl = c->depth - c->rdepth;
	if (c->rec_bad || c->dropped || lvl > MAX_NEST)
		return;
	struct frame *f = &c->fr[lvl - 1];
	if (!f->is_array)
		return;
	if (f->n >= MAX_ARRAY) {
		bad(c, "array of more than %d elements in '%.*s'", MAX_ARRAY,
		    short_name(c->path.buf, f->path_len), c->path.buf);
		return;
	}
	char num[16], *e = num + sizeof(num), *d = e;
	unsigned i = f->n++;
	do
		*--d = (char)('0' + i % 10);
	while ((i /= 10) != 0);
	c->path.len = f->path_len;
	if ((f->path_len && dynbuf_addc(&c->path, '.') < 0) ||
	    dynbuf_add(&c->path, d, (size_t)(e - d)) < 0)
		bad(c, "field name too long");
}

static int
scalar(struct jsonr *c, const char *v, size_t n, int kind)
{
	c->events++;
	value_begin(c, 1);
	emit(c, v, n, kind);
	if (c->depth == c->rdepth)
		rec_end(c);
	return 1;
}

static int
cb_null(void *ctx)
{
	return scalar(ctx, "", 0, K_NULL);
}

static int
cb_bool(void *ctx, int b)
{
	return scalar(ctx, b ? "true" : "false", b ? 4 : 5, K_BOOL);
}

static int
cb_number(void *ctx, const char *v, size_t n)
{
	return scalar(ctx, v, n, K_NUM);
}

static int
cb_string(void *ctx, const unsigned char *v, size_t n)
{
	return scalar(ctx, (const char *)v, n, K_STR);
}

static int
open_container(struct jsonr *c, int is_array)
{
	c->events++;
	if (c->layout == L_ARRAY && c->depth == 0 && is_array && !c->top_done) {
		/* the top-level array: its elements are the records */
		c->saw_value = 1;
		c->top_open = 1;
		c->rdepth = 1;
		c->depth = 1;
		c->scan_from = cur_abs(c);
		return 1;
	}
	value_begin(c, 0);
	unsigned lvl = c->depth - c->rdepth;
	if (c->depth >= MAX_DEPTH)
		return 0; /* stops yajl: feed() says why */
	c->depth++;
	if (c->rec_bad || c->dropped)
		return 1;
	if (lvl >= MAX_NEST) {
		bad(c, "nested deeper than %d levels", MAX_NEST);
		return 1;
	}
	struct frame *f = &c->fr[lvl];
	f->path_len = lvl ? c->path.len : 0;
	f->field0 = c->nqf;
	f->n = 0;
	f->is_array = (unsigned char)is_array;
	f->ext = X_NONE;
	return 1;
}

static int
cb_start_map(void *ctx)
{
	return open_container(ctx, 0);
}

static int
cb_start_array(void *ctx)
{
	return open_container(ctx, 1);
}

static int
cb_key(void *ctx, const unsigned char *k, size_t n)
{
	struct jsonr *c = ctx;
	unsigned lvl = c->depth - c->rdepth;
	c->events++;
	if (c->rec_bad || c->dropped || lvl > MAX_NEST)
		return 1;
	struct frame *f = &c->fr[lvl - 1];
	if (f->n++ == 0 && n >= 4 && k[0] == '$')
		for (int x = X_OID; x <= X_DECIMAL; x++)
			if (strlen(ext_names[x]) == n && !memcmp(ext_names[x], k, n))
				f->ext = (unsigned char)x;
	c->path.len = f->path_len;
	char *p = room(&c->path, n + 1);
	if (!p) {
		bad(c, "field name too long");
		return 1;
	}
	if (f->path_len)
		*p++ = '.';
	memcpy(p, k, n);
	c->path.len = (size_t)(p - c->path.buf) + n;
	if (in_piece(c, (const char *)k, n))
		return 1;
	size_t at;
	int full = 0;
	const char *why = check_text(&c->path, c->path.len - n, &at, &full);
	if (full)
		bad(c, "field name too long");
	else if (why)
		bad(c, "%s in a field name (byte %zu of the name)", why, at + 1);
	return 1;
}

/* Milliseconds since 1970 as ISO 8601 UTC text; 0 unless v is an integer. */
static int
iso_date(const char *v, size_t n, char out[48])
{
	long long ms = 0;
	size_t i = 0;
	int neg = 0;

	if (n && v[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n || n - i > 15)
		return 0; /* beyond +-30,000 years: leave the text */
	for (; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		ms = ms * 10 + (v[i] - '0');
	}
	if (neg)
		ms = -ms;
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
	return snprintf(out, 48, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", y, m, d,
	                rem / 3600000, rem / 60000 % 60, rem / 1000 % 60, rem % 1000);
}

/*
 * MongoDB extended JSON: a map with one $-key and one plain value becomes
 * that value under the map's own name (the field's name is cut back).
 */
static void
mongo_collapse(struct jsonr *c, struct frame *f)
{
	if (!f->ext || f->n != 1 || f->path_len == 0 || c->nqf != f->field0 + 1)
		return;
	struct qfield *q = &c->qf[c->nqf - 1];
	if (q->is_null || q->name_len != f->path_len + 1 + strlen(ext_names[f->ext]))
		return; /* not the key's own value, e.g. {"$oid": {"a": 1}} */
	switch (f->ext) {
	case X_OID:
		if (q->kind != K_STR)
			return;
		break;
	case X_DATE:
		if (q->kind == K_NUM || q->kind == K_LONG) {
			char iso[48];
			int k = iso_date(c->arena.buf + q->val, q->len, iso);
			size_t at = c->arena.len;
			if (k > 0 && dynbuf_add(&c->arena, iso, (size_t)k) == 0) {
				q->val = at;
				q->len = (size_t)k;
			}
			q->kind = K_STR;
		} else if (q->kind != K_STR)
			return;
		break;
	default:
		if (q->kind != K_STR && q->kind != K_NUM)
			return;
		if (f->ext == X_LONG)
			q->kind = K_LONG;
		break;
	}
	q->name_len = f->path_len;
}

static int
close_container(struct jsonr *c)
{
	c->events++;
	c->depth--;
	if (c->top_open && c->depth == 0) {
		c->top_open = 0;
		c->top_done = 1;
		c->rdepth = 0;
		c->scan_from = cur_abs(c);
		return 1;
	}
	unsigned lvl = c->depth - c->rdepth;
	if (!c->rec_bad && !c->dropped && lvl < MAX_NEST && !c->fr[lvl].is_array)
		mongo_collapse(c, &c->fr[lvl]);
	if (lvl == 0)
		rec_end(c);
	return 1;
}

static int
cb_end(void *ctx)
{
	return close_container(ctx);
}

static const yajl_callbacks callbacks = {
    cb_null,      cb_bool, NULL,   NULL,           cb_number, cb_string,
    cb_start_map, cb_key,  cb_end, cb_start_array, cb_end,
};

/* --- feeding --- */

static void
parser_reset(struct jsonr *c)
{
	if (c->h)
		yajl_free(c->h);
	c->h = y_open(&callbacks, &c->ymem, c, c->layout != L_ARRAY);
	if (c->in_rec) {
		c->nqf = c->rec_f0;
		c->arena.len = c->rec_a0;
	}
	c->depth = c->rdepth = 0;
	c->in_rec = c->dropped = c->rec_bad = 0;
	c->top_open = 0;
	c->last_scalar = 0;
	c->gap_nl = 1;
}

/*
 * A syntax error (or a record too long to follow) at stream offset at. In
 * an array the input fails; otherwise the record is rejected and parsing
 * starts again after the line.
 */
static void
broken(struct jsonr *c, const char *buf, uint64_t base, size_t len, uint64_t at, const char *msg)
{
	struct reader *r = c->r;
	uint64_t col, eline, start;

	if (at > base + len)
		at = base + len;
	eline = line_of(c, buf, base, at, &col);
	if (c->layout == L_ARRAY) {
		struct qrec *e = push(c, Q_FAIL, eline, at);
		e->why = add_why(c, "%s", msg);
		c->done = 1;
		return;
	}
	/* the record: the one in progress, or whatever stands there */
	if (c->in_rec)
		start = c->dropped ? c->drop_abs : c->rec_abs;
	else {
		start = skip_gap(c, buf, base, at);
		if (start > at)
			start = at;
	}
	uint64_t sline =
	    c->in_rec && c->dropped ? c->drop_line : line_of(c, buf, base, start, NULL);
	advance_line(c, buf, base, start < base ? base : start);
	const char *nl = memchr(buf + (at - base), '\n', (size_t)(base + len - at));
	uint64_t end = nl ? base + (uint64_t)(nl - buf) + 1 : base + len;

	struct qrec *e = push(c, Q_REJECT, sline, start);
	if (!strncmp(msg, "record longer", 13))
		e->why = add_why(c, "%s", msg); /* where it ends says nothing */
	else if (eline == sline)
		e->why = add_why(c, "%s at column %llu", msg, (unsigned long long)col);
	else
		e->why = add_why(c, "%s at line %llu, column %llu", msg, (unsigned long long)eline,
		                 (unsigned long long)col);
	if (start >= base && !(c->in_rec && c->dropped) && end - start <= r->opts.max_record) {
		e->raw_abs = start;
		e->raw_len = (size_t)(end - start);
	}
	c->saw_value = 1;
	parser_reset(c);
	/* the rest of the line goes, and in concatenated input every line up
	 * to one that starts a value */
	c->fed_abs = c->scanned_abs = c->scan_from = end;
	c->skip_eol = nl == NULL;
	c->skip_lines = c->layout == L_CONCAT;
}

/* Gives yajl n bytes at stream offset fed_abs. */
static void
feed(struct jsonr *c, const char *buf, uint64_t base, size_t len, size_t n)
{
	size_t off = (size_t)(c->fed_abs - base), take = n;
	const char *p = buf + off;
	const char *vt = memchr(p, '\v', n), *ff = memchr(p, '\f', n);
	char msg[160];

	/* yajl takes \v and \f for white space; JSON does not */
	if (vt || ff) {
		const char *x = vt && (!ff || vt < ff) ? vt : ff;
		take = (size_t)(x - p);
	}
	c->wbuf = buf;
	c->wabs = base;
	c->wend = base + len;
	c->piece_abs = c->fed_abs;
	size_t bad_at;
	c->piece_lo = c->piece_hi = NULL;
	if (!reader_check_value(p, take, &bad_at)) {
		c->piece_lo = p;
		c->piece_hi = p + take;
	}
	yajl_status st = yajl_parse(c->h, (const unsigned char *)p, take);
	c->piece_lo = c->piece_hi = NULL;
	if (st != yajl_status_ok) {
		/* yajl stands just past the offending byte or token */
		size_t k = yajl_get_bytes_consumed(c->h);
		uint64_t at = c->piece_abs + (k ? k - 1 : 0);
		if (st == yajl_status_client_canceled)
			snprintf(msg, sizeof(msg), "nested deeper than %d levels", MAX_DEPTH);
		else
			y_error(c->h, msg, sizeof(msg));
		broken(c, buf, base, len, at, msg);
		return;
	}
	c->fed_abs += take;
	if (take < n) {
		broken(c, buf, base, len, c->fed_abs, "invalid char in json text");
		return;
	}
	if (c->layout == L_LINES && p[n - 1] == '\n') {
		if (c->depth > c->rdepth) {
			broken(c, buf, base, len, c->fed_abs - 1, "line ends inside the record");
			return;
		}
		/* the piece was one line: its only line end is its last byte */
		if (c->line_abs >= c->piece_abs && c->line_abs < c->fed_abs) {
			c->line_abs = c->fed_abs;
			c->line_no++;
		}
	}
	/* a token or a nesting as long as a record: stop before yajl grows */
	if (c->ymem > c->r->opts.max_record + (1u << 20)) {
		if (c->layout == L_ARRAY)
			snprintf(
			    msg, sizeof(msg),
			    "one value or nesting longer than the --max-record limit (%zu bytes); "
			    "the array cannot be followed past it",
			    c->r->opts.max_record);
		else
			snprintf(msg, sizeof(msg),
			         "record longer than the --max-record limit (%zu bytes)",
			         c->r->opts.max_record);
		broken(c, buf, base, len, c->fed_abs, msg);
	}
}

/* At the end of the stream: what yajl still holds, then the checks. */
static void
finish(struct jsonr *c, const char *buf, uint64_t base, size_t len)
{
	char msg[160];

	c->done = 1;
	if (c->skip_eol || c->skip_lines)
		return;
	c->wbuf = buf;
	c->wabs = base;
	c->wend = base + len;
	uint64_t at = skip_gap(c, buf, base, base + len);
	if (c->depth > 0 || at < base + len) {
		c->finishing = 1;
		yajl_status st = yajl_complete_parse(c->h);
		c->finishing = 0;
		if (st != yajl_status_ok) {
			y_error(c->h, msg, sizeof(msg));
			if (!strcmp(msg, "premature EOF"))
				snprintf(msg, sizeof(msg), "%s",
				         c->layout == L_ARRAY ? "the top-level array is not closed "
				                                "at the end of the input"
				                              : "the input ends inside a record");
			broken(c, buf, base, len, base + len, msg);
			c->done = 1;
			return;
		}
	}
	if (!c->saw_value && c->fed_abs > 0) {
		struct qrec *e = push(c, Q_FAIL, c->line_no, c->fed_abs);
		e->why = add_why(c, "no JSON value in the input");
	}
}

/* Drops from the window what no queued or coming record needs. */
static void
release(struct reader *r, struct jsonr *c)
{
	size_t len;
	const char *buf = source_data(r->src, &len);
	uint64_t base = source_offset(r->src), hold;

	if (c->in_rec && !c->dropped)
		hold = c->rec_abs;
	else if (c->dropped)
		hold = c->fed_abs;
	else
		hold = skip_gap(c, buf, base, c->fed_abs);
	if (hold > c->fed_abs)
		hold = c->fed_abs;
	if (hold <= base)
		return;
	advance_line(c, buf, base, hold);
	source_consume(r->src, (size_t)(hold - base));
}

/*
 * A record longer than --max-record: rejected (array: parsed on, its bytes
 * let go). Returns 1 when it was dealt with.
 */
static int
too_long(struct jsonr *c, const char *buf, uint64_t base, size_t len)
{
	struct reader *r = c->r;
	uint64_t start;

	if (c->dropped)
		return 0;
	start = c->in_rec ? c->rec_abs : c->scan_from;
	if (c->fed_abs - start <= r->opts.max_record)
		return 0;
	if (c->layout != L_ARRAY) {
		char msg[160];
		snprintf(msg, sizeof(msg), "record longer than the --max-record limit (%zu bytes)",
		         r->opts.max_record);
		broken(c, buf, base, len, c->fed_abs, msg);
		return 1;
	}
	if (!c->in_rec)
		start = skip_gap(c, buf, base, c->fed_abs);
	advance_line(c, buf, base, start);
	c->drop_abs = start;
	c->drop_line = c->line_no;
	c->dropped = 1;
	if (c->in_rec)
		bad(c, "record longer than the --max-record limit (%zu bytes)", r->opts.max_record);
	return 0;
}

/* One step: skip, feed a piece, or read more. May queue records. */
static void
step(struct reader *r, struct jsonr *c)
{
	size_t len;
	const char *buf;
	uint64_t base;

	release(r, c);
	buf = source_data(r->src, &len);
	base = source_offset(r->src);
	size_t fed = (size_t)(c->fed_abs - base), unfed = len - fed;

	if (c->skip_eol || c->skip_lines) {
		if (c->skip_eol && unfed) {
			const char *nl = memchr(buf + fed, '\n', unfed);
			c->fed_abs = nl ? base + (uint64_t)(nl - buf) + 1 : base + len;
			c->scan_from = c->scanned_abs = c->fed_abs;
			c->skip_eol = nl == NULL;
			return;
		}
		if (!c->skip_eol && unfed) {
			/* concatenated: a line that starts a value ends the skip */
			if (buf[fed] == '{' || buf[fed] == '[')
				c->skip_lines = 0;
			else
				c->skip_eol = 1;
			return;
		}
	} else if (too_long(c, buf, base, len))
		return;
	else if (unfed) {
		size_t n = unfed < c->piece ? unfed : c->piece;
		if (c->layout == L_LINES) {
			/* a whole line, in one piece (see hungry) */
			size_t from =
			    c->scanned_abs > c->fed_abs ? (size_t)(c->scanned_abs - base) : fed;
			const char *nl = memchr(buf + from, '\n', len - from);
			n = nl ? (size_t)(nl - buf) + 1 - fed : unfed;
			if (!nl && !c->eof) {
				c->scanned_abs = base + len;
				if (unfed > r->opts.max_record) {
					char msg[160];
					snprintf(
					    msg, sizeof(msg),
					    "record longer than the --max-record limit (%zu bytes)",
					    r->opts.max_record);
					broken(c, buf, base, len, base + len, msg);
					return;
				}
				n = 0; /* wait for the line end */
			}
		} else if (c->hungry && unfed < c->piece && !c->eof)
			n = 0; /* a long token: wait for a longer piece */
		if (n) {
			uint64_t ev = c->events;
			feed(c, buf, base, len, n);
			c->hungry = c->events == ev && !c->skip_eol && !c->skip_lines && !c->done;
			if (!c->hungry)
				c->piece = PIECE;
			else {
				size_t p = (n > c->piece ? n : c->piece) * 2;
				c->piece = p < r->opts.max_record ? p : r->opts.max_record;
			}
			return;
		}
	}
	if (c->eof) {
		finish(c, buf, base, len);
		return;
	}
	ssize_t k = source_fill(r->src);
	if (k > 0)
		return;
	if (k == 0) {
		c->eof = 1;
		return;
	}
	if (k == -2 && c->hungry && unfed) {
		c->hungry = 0; /* the window is full: feed what it holds */
		return;
	}
	buf = source_data(r->src, &len);
	uint64_t at = source_offset(r->src) + len;
	struct qrec *e = push(c, Q_FAIL, line_of(c, buf, source_offset(r->src), at, NULL), at);
	if (k == -1)
		e->why = add_why(c, "%s", source_error(r->src));
	else
		e->why = add_why(c, "record longer than the window limit");
	c->done = 1;
}

/* --- the reader --- */

static int
json_open(struct reader *r)
{
	struct jsonr *c = xcalloc(1, sizeof(*c));
	int st;
	size_t len = reader_peek(r, SAMPLE, &st);
	const char *buf;
	struct stats s;

	r->state = c;
	c->r = r;
	if (st == -1)
		return reader_fail(r, 0, len, "%s", source_error(r->src));
	buf = source_data(r->src, &len);
	int eof = st == 0 && len < SAMPLE;

	/* a BOM inside a member: not part of the text */
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		source_consume(r->src, 3);
		buf = source_data(r->src, &len);
	}
	size_t i = skip_start(buf, len);
	unsigned tested, alone = lines_alone(buf, len, eof, &tested);
	if (i < len && buf[i] == '[')
		c->layout = tested >= 2 && alone * 10 >= tested * 8 ? L_LINES : L_ARRAY;
	else
		c->layout = tested == 0 || alone * 2 >= tested ? L_LINES : L_CONCAT;
	sample_parse(buf, len, eof, c->layout == L_ARRAY, &s, NULL);
	c->s_depth = s.max_depth;
	c->s_records = s.records;
	c->s_mongo = s.mongo;

	c->fed_abs = c->scanned_abs = c->scan_from = c->line_abs = source_offset(r->src);
	c->line_no = 1;
	dynbuf_init(&c->path, r->opts.max_record);
	dynbuf_reserve(&c->path, 256); /* never NULL, even for an empty name */
	dynbuf_init(&c->arena, r->opts.max_record * 4 + (16u << 20));
	dynbuf_init(&c->why, 1u << 20);
	c->h = y_open(&callbacks, &c->ymem, c, c->layout != L_ARRAY);
	c->gap_nl = 1;
	c->piece = PIECE;
	return DT_OK;
}

/* Keeps only the record in progress in the arena once the queue is empty. */
static void
compact(struct jsonr *c)
{
	c->nq = c->qhead = 0;
	dynbuf_reset(&c->why);
	if (!c->in_rec || c->rec_bad || c->dropped) {
		c->nqf = 0;
		dynbuf_reset(&c->arena);
		c->rec_f0 = c->rec_a0 = 0;
		return;
	}
	if (c->rec_a0 == 0 && c->rec_f0 == 0)
		return;
	size_t a0 = c->rec_a0, nf = c->nqf - c->rec_f0;
	memmove(c->arena.buf, c->arena.buf + a0, c->arena.len - a0);
	c->arena.len -= a0;
	memmove(c->qf, c->qf + c->rec_f0, nf * sizeof(*c->qf));
	for (size_t i = 0; i < nf; i++) {
		c->qf[i].name -= a0;
		c->qf[i].val -= a0;
	}
	for (unsigned i = 0; i < MAX_NEST; i++)
		c->fr[i].field0 = c->fr[i].field0 >= c->rec_f0 ? c->fr[i].field0 - c->rec_f0 : 0;
	c->nqf = nf;
	c->rec_f0 = 0;
	c->rec_a0 = 0;
}

static int
json_next(struct reader *r, struct record *rec)
{
	struct jsonr *c = r->state;

	if (c->qhead == c->nq) {
		compact(c);
		while (c->nq == 0 && !c->done)
			step(r, c);
		if (c->nq == 0)
			return DT_EOF;
	}
	struct qrec *e = &c->q[c->qhead++];
	const char *why = e->why == (size_t)-1 ? "record rejected" : c->why.buf + e->why;
	if (e->kind == Q_FAIL)
		return reader_fail(r, e->line, e->offset, "%s", why);
	if (e->kind == Q_REJECT) {
		size_t len;
		const char *buf = source_data(r->src, &len), *raw = NULL;
		uint64_t base = source_offset(r->src);
		if (e->raw_len && e->raw_abs >= base && e->raw_abs + e->raw_len <= base + len)
			raw = buf + (e->raw_abs - base);
		return reader_reject(r, e->line, e->offset, raw, raw ? e->raw_len : 0, "%s", why);
	}
	if (e->nf > c->out_alloc)
		c->out = xgrow(c->out, &c->out_alloc, e->nf, sizeof(*c->out));
	for (size_t i = 0; i < e->nf; i++) {
		const struct qfield *q = &c->qf[e->f0 + i];
		struct field *f = &c->out[i];
		f->name = c->arena.buf + q->name;
		f->name_len = q->name_len;
		f->val = c->arena.buf + q->val;
		f->len = q->len;
		f->is_null = q->is_null;
	}
	rec->fields = c->out;
	rec->nfields = e->nf;
	rec->line = e->line;
	rec->offset = e->offset;
	return DT_OK;
}

static void
json_close(struct reader *r)
{
	struct jsonr *c = r->state;
	if (!c)
		return;
	if (c->h)
		yajl_free(c->h);
	dynbuf_release(&c->path);
	dynbuf_release(&c->arena);
	dynbuf_release(&c->why);
	free(c->qf);
	free(c->q);
	free(c->out);
	free(c);
}

static void
json_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct jsonr *c = r->state;
	static const char *const names[] = {"lines", "concatenated", "array"};
	char n[32];

	fn(ctx, "layout", names[c->layout]);
	snprintf(n, sizeof(n), "%u", c->s_depth);
	fn(ctx, "nesting", n);
	snprintf(n, sizeof(n), "%llu", (unsigned long long)c->s_records);
	fn(ctx, "sample_records", n);
	fn(ctx, "mongo_extended", c->s_mongo ? "yes" : "no");
}

const struct format format_json = {
    .name = "json",
    .bid = json_bid,
    .open = json_open,
    .next = json_next,
    .close = json_close,
    .describe = json_describe,
};
