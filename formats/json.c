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
 * Shapes, also chosen by open() from the sample, by structure alone:
 *  - tables: the stream is one object (nothing follows it in the sample)
 *    with a member whose value is an array whose first element is an
 *    object or an array: {"Artist": [{...}, ...], "Album": [...]}. One
 *    record with a list in it looks the same, {"name": .., "orders":
 *    [{...}]}; an object member that holds no table ("patient": {"iin":
 *    ..}) says it is one, unless a member array is too long for a record
 *    (over 1000 elements, or past the sample): {"data": [...], "meta":
 *    {...}} is then tables, one record when it is small. Each
 *    element of each such member array is a record, rec->table the
 *    member's name ("data" in {"data": [...]} too: one rule for one table
 *    or many). One level of nesting is followed, {"db": {"t1": [...]}},
 *    and the table is then "t1" (the SQL reader drops a schema the same
 *    way). Other members (scalars, arrays of scalars, deeper objects) are
 *    metadata, not records: skipped, counted neither parsed nor rejected
 *    (describe() says how many). The member arrays are not records, so
 *    the 1000-element cap is not theirs; records stream one at a time as
 *    in an array. More top-level values after the object are read alike.
 *  - search: Elasticsearch _search responses, {"took":..,"hits":{"hits":
 *    [...]}}, one or several (scroll pages, concatenated or one a line):
 *    as tables, but only hits.hits holds records (_shards.failures and
 *    aggregations are metadata).
 *  - bulk: an Elasticsearch _bulk body, its first value an action line:
 *    an object with one member, index, create, update or delete, whose
 *    value is an object of scalars holding _index or _id, or empty (a
 *    record that merely has an "index" key is no action line, nor is one
 *    with more keys). Action lines are metadata; the document line after
 *    each (none after delete) is a record with rec->table its _index and
 *    the action's _id as a first field "_id"; for update only the "doc"
 *    object is kept, or "upsert" when there is no "doc". A value where an
 *    action line is due but that is none is a record with no table.
 *  - hits: the first record is an object with an "_index" string and a
 *    "_source" object (elasticdump lines, an array of _search hits). Such
 *    a record, here and in the shapes above, is the _source flattened, its
 *    fields named as in _source, plus "_id"; _index is its rec->table and
 *    the rest (_type, _score, sort, ...) goes. Plain records (no shape
 *    found in the sample) are not looked at for any of this: it costs.
 * Records of a table whose name is longer than 1024 bytes or not valid
 * UTF-8 are rejected. In the tables and search shapes a syntax error fails
 * the input as in an array: there is no safe place to start again.
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
 * longer than --max-record is rejected, and yajl's own buffers are capped.
 * An element of the top-level array or of a table's array that long (one
 * long string, number or nesting, or many fields) is passed over by a
 * scan of its strings, escapes and brackets, without yajl, to the comma or
 * bracket that ends it; yajl then starts again inside the array (for a
 * table, fed the containers it was in with no callback acting, our own
 * state as it was) and the elements after it are read. Elsewhere in an
 * object of tables (its metadata) such a value is parsed on without
 * keeping anything, unless one token or the nesting alone is that long,
 * which fails the input.
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

#define MAX_TABLE 1024 /* longest table name */

enum layout { L_LINES, L_CONCAT, L_ARRAY };
enum shape { S_RECORDS, S_TABLES, S_SEARCH, S_BULK, S_HITS };
enum kind { K_STR, K_NUM, K_BOOL, K_NULL, K_LONG };
enum ext { X_NONE, X_OID, X_DATE, X_LONG, X_INT, X_DOUBLE, X_DECIMAL };
enum qkind { Q_OK, Q_REJECT, Q_FAIL };

static const char *const ext_names[] = {
    "", "$oid", "$date", "$numberLong", "$numberInt", "$numberDouble", "$numberDecimal",
};

/* Classes of a record's own keys, for the Elasticsearch shapes. */
enum { KC_OTHER, KC_INDEX, KC_CREATE, KC_UPDATE, KC_DELETE, KC_SOURCE, KC__INDEX };
/* _bulk: what the next top-level value is (EITHER: after a broken one) */
enum { B_ACTION, B_DOC, B_EITHER };

/*
 * What a record looks like from outside, kept as it is parsed (by the
 * sample's parser too): is it a _bulk action line, a _search hit?
 */
struct vshape {
	unsigned keys;          /* members of the record object */
	unsigned char obj;      /* the record is an object */
	unsigned char cur;      /* class of the member being read */
	unsigned char op;       /* first member: index, create, update, delete */
	unsigned char op_obj;   /* ... and its value is an object */
	unsigned char op_deep;  /* ... holding a container */
	unsigned char op_keyed; /* ... with members */
	unsigned char op_ids;   /* ... among them _index or _id */
	unsigned char src_obj;  /* a member "_source" that is an object */
	unsigned char idx_str;  /* a member "_index" that is a string */
};

/* A container open above the records (tables and search shapes). */
struct ofr {
	size_t name_len; /* tname up to its member name */
	size_t key_off;  /* where its member name starts in tname */
	unsigned char kind;
};
enum { O_OBJ, O_PEND, O_TABLE }; /* object; array, undecided; table */

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
	size_t why;   /* offset of the reason in jsonr.why */
	size_t table; /* offset of its table in jsonr.tabs, or -1 */
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
	 * array: an element longer than --max-record is passed over by a scan
	 * of its bytes (strings, escapes, brackets), without yajl, which
	 * would hold a long token whole; es_pos is how far it has looked
	 */
	int eskip, es_str, es_esc;
	uint64_t es_depth, es_pos;
	int replay; /* yajl is fed the containers it was in: no callback acts */
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

	/* the shapes (see the top of the file) */
	enum shape shape;
	int mongo_meta;      /* mongodump collection metadata: no record */
	int tables;          /* tables or search: top-level objects hold tables */
	int track;           /* any shape but records: vs is kept */
	struct vshape vs;    /* the record in progress */
	struct ofr ofr[3];   /* tables: the containers at depth 1 to 3 */
	struct dynbuf tname; /* tables: member names down to the current one */
	size_t tab_off;      /* tables: the table's own name in tname */
	int tname_long;      /* tables: a name did not fit */
	size_t key_off;      /* tables: the current member's name in tname */
	char tab_why[64];    /* tables: why the table's records are rejected */
	int skipping;        /* tables: in metadata, until depth is skip_to */
	unsigned skip_to;
	int bstate, bop;       /* bulk: what comes next; the last action */
	int has_id, has_index; /* bulk: what the last action named */
	int rec_id, rec_doc;   /* bulk: the record got _id; is a document */
	struct dynbuf bulk_id, bulk_index;
	uint64_t metadata;  /* values skipped as metadata, for describe() */
	struct dynbuf tabs; /* the tables of queued records, NUL-terminated */
	size_t tab_last, tab_last_len;

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

/* --- the shape of a record (both parsers) --- */

static inline unsigned char
key_class(const unsigned char *k, size_t n)
{
	/* most keys are none of these: one look at the first byte */
	if (n < 5 || n > 7 || !strchr("icud_", k[0]))
		return KC_OTHER;
	switch (n) {
	case 5:
		if (!memcmp(k, "index", 5))
			return KC_INDEX;
		break;
	case 6:
		if (!memcmp(k, "create", 6))
			return KC_CREATE;
		if (!memcmp(k, "update", 6))
			return KC_UPDATE;
		if (!memcmp(k, "delete", 6))
			return KC_DELETE;
		if (!memcmp(k, "_index", 6))
			return KC__INDEX;
		break;
	case 7:
		if (!memcmp(k, "_source", 7))
			return KC_SOURCE;
		break;
	}
	return KC_OTHER;
}

/* lvl: containers open inside the record before the event (0: the record itself) */
static inline void
vs_open(struct vshape *v, unsigned lvl, int is_array)
{
	if (lvl == 0) {
		memset(v, 0, sizeof(*v));
		v->obj = !is_array;
	} else if (lvl == 1 && !is_array) {
		if (v->op && v->keys == 1)
			v->op_obj = 1;
		else if (v->cur == KC_SOURCE)
			v->src_obj = 1;
	} else if (lvl == 2 && v->op_obj && v->keys == 1)
		v->op_deep = 1;
}

static inline __attribute__((always_inline)) void
vs_key(struct vshape *v, unsigned lvl, const unsigned char *k, size_t n)
{
	if (lvl == 1) {
		v->cur = key_class(k, n);
		if (v->keys++ == 0 && v->cur >= KC_INDEX && v->cur <= KC_DELETE)
			v->op = v->cur;
	} else if (lvl == 2 && v->op_obj && v->keys == 1) {
		v->op_keyed = 1;
		if ((n == 6 && !memcmp(k, "_index", 6)) || (n == 3 && !memcmp(k, "_id", 3)))
			v->op_ids = 1;
	}
}

static inline void
vs_scalar(struct vshape *v, unsigned lvl, int is_str)
{
	if (lvl == 0)
		memset(v, 0, sizeof(*v));
	else if (lvl == 1 && is_str && v->cur == KC__INDEX)
		v->idx_str = 1;
}

/* {"index": {"_index": "users", "_id": "1"}}, and no other shape */
static int
vs_action(const struct vshape *v)
{
	return v->obj && v->keys == 1 && v->op && v->op_obj && !v->op_deep &&
	       (!v->op_keyed || v->op_ids);
}

/* {"_index": "users", "_id": "1", "_source": {...}} */
static int
vs_hit(const struct vshape *v)
{
	return v->obj && v->src_obj && v->idx_str;
}

/* --- the sample: bid() and open() parse the peeked start alone --- */

struct stats {
	unsigned depth, rdepth, max_depth;
	int array, top_open;
	int too_deep; /* the sample went past MAX_DEPTH */
	uint64_t records;
	int mongo;
	/* the shapes: what the first values look like */
	struct vshape v;
	unsigned arr_bits;       /* which of depths 1 to 3 are arrays */
	int hits1, hits2;        /* the member being read at depth 1, 2 is "hits" */
	unsigned pend;           /* depth of a member array whose first element decides */
	unsigned tdepth, tcount; /* the member array found a table: its depth, elements */
	int tlong;               /* a table too long for a record's array */
	int nest_open, nest_keys, nest_tab; /* an object member: has members, a table */
	int rec_like;                       /* an object member with members and no table */
	int tables, search, more;
	int bulk, bstate, hit;
};

/* A value ended at the record level: the _bulk sequence, the first hit. */
static void
st_done(struct stats *s)
{
	int act = vs_action(&s->v);
	if (++s->records == 1) {
		s->bulk = act;
		s->hit = vs_hit(&s->v);
	} else if (s->bulk && s->bstate == B_ACTION && !act)
		s->bulk = 0;
	else if (s->bstate == B_DOC) {
		s->bulk &= !act; /* a document that looks like an action: not _bulk */
		s->bstate = B_ACTION;
		return;
	}
	s->bstate = act && s->v.op != KC_DELETE ? B_DOC : B_ACTION;
}

/* A value starts at depth s->depth: notes table members of the first one. */
static void
st_tables(struct stats *s, int container, int is_array)
{
	unsigned d = s->depth;

	if (d == s->rdepth && s->records > 0)
		s->more = 1;
	if (s->array || s->records > 0 || d > 3)
		return;
	/* arr_bits: bit k says the container at depth k + 1 is an array */
	if (s->tdepth && d == s->tdepth && ++s->tcount > MAX_ARRAY)
		s->tlong = 1;
	if (s->pend && s->pend == d) {
		/* the first element of a member array */
		if (container) {
			s->tables = 1;
			s->tdepth = d;
			s->tcount = 1;
			s->nest_tab |= d == 3;
		}
		s->pend = 0;
	} else if (d == 1 && container && !is_array && !(s->arr_bits & 1)) {
		s->nest_open = 1;
		s->nest_keys = s->nest_tab = 0;
	} else if (d > 0 && d <= 2 && container && is_array && !(s->arr_bits & 1) &&
	           !((s->arr_bits >> (d - 1)) & 1)) {
		/* an array member of the top-level object, or of an object in it */
		s->pend = d + 1;
		if (d == 2 && s->hits1 && s->hits2)
			s->search = 1;
	}
	if (container && d < 3)
		s->arr_bits = (s->arr_bits & ~(1u << d)) | ((unsigned)is_array << d);
}

static int
st_value(struct stats *s, int is_str)
{
	st_tables(s, 0, 0);
	if (s->depth >= s->rdepth)
		vs_scalar(&s->v, s->depth - s->rdepth, is_str);
	if (s->depth == s->rdepth)
		st_done(s);
	return 1;
}

static int
st_null(void *ctx)
{
	return st_value(ctx, 0);
}

static int
st_bool(void *ctx, int b)
{
	(void)b;
	return st_value(ctx, 0);
}

static int
st_number(void *ctx, const char *v, size_t n)
{
	(void)v;
	(void)n;
	return st_value(ctx, 0);
}

static int
st_string(void *ctx, const unsigned char *v, size_t n)
{
	(void)v;
	(void)n;
	return st_value(ctx, 1);
}

static int
st_key(void *ctx, const unsigned char *k, size_t n)
{
	struct stats *s = ctx;
	if (n >= 4 && k[0] == '$')
		for (int x = X_OID; x <= X_DECIMAL; x++)
			if (strlen(ext_names[x]) == n && !memcmp(ext_names[x], k, n))
				s->mongo = 1;
	if (s->depth > s->rdepth)
		vs_key(&s->v, s->depth - s->rdepth, k, n);
	if (s->depth == 1)
		s->hits1 = n == 4 && !memcmp(k, "hits", 4);
	else if (s->depth == 2) {
		s->hits2 = n == 4 && !memcmp(k, "hits", 4);
		s->nest_keys += s->nest_open;
	}
	return 1;
}

static int
st_open_as(struct stats *s, int is_array)
{
	if (s->depth >= MAX_DEPTH) {
		s->too_deep = 1; /* JSON so far: the reader rejects the record that is too deep */
		return 0;
	}
	if (s->array && s->depth == 0 && !s->top_open) {
		s->top_open = 1;
		s->rdepth = 1;
		s->depth++;
		return 1;
	}
	if (s->depth + 1 - s->rdepth > s->max_depth)
		s->max_depth = s->depth + 1 - s->rdepth;
	st_tables(s, 1, is_array);
	if (s->depth >= s->rdepth)
		vs_open(&s->v, s->depth - s->rdepth, is_array);
	s->depth++;
	return 1;
}

static int
st_open_map(void *ctx)
{
	return st_open_as(ctx, 0);
}

static int
st_open_array(void *ctx)
{
	return st_open_as(ctx, 1);
}

static int
st_close(void *ctx)
{
	struct stats *s = ctx;
	s->depth--;
	if (s->pend == s->depth + 1)
		s->pend = 0; /* an empty member array */
	if (s->tdepth == s->depth + 1)
		s->tdepth = 0; /* the table ends */
	if (s->depth == 1 && s->nest_open && !((s->arr_bits >> 1) & 1)) {
		s->nest_open = 0;
		s->rec_like |= s->nest_keys && !s->nest_tab;
	}
	if (s->top_open && s->depth == 0) {
		s->top_open = 0;
		s->rdepth = 0;
	} else if (s->depth == s->rdepth)
		st_done(s);
	return 1;
}

static const yajl_callbacks st_callbacks = {
    st_null,     st_bool, NULL,     NULL,          st_number, st_string,
    st_open_map, st_key,  st_close, st_open_array, st_close,
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
	/* broken, but ours after a whole value or a whole line, or only too deep */
	if (s.records > 0 || s.too_deep || lines_alone(buf, len, eof, &tested) > 0)
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
	e->table = (size_t)-1;
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

static inline void emit_as(struct jsonr *c, const char *name, size_t name_len, const char *v,
                           size_t n, int kind);

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
	c->rec_id = 0;
	/* a scalar after another value on its line is trailing garbage */
	if (c->rdepth == 0 && !gap && (scalar || c->last_scalar))
		bad(c, "value on the same line as a scalar value before it");
	if (c->tab_why[0])
		bad(c, "%s", c->tab_why);
	/* a _bulk document: its action's _id first */
	if (c->shape == S_BULK && c->bstate == B_DOC && c->has_id) {
		emit_as(c, "_id", 3, dynbuf_str(&c->bulk_id), c->bulk_id.len, K_STR);
		c->rec_id = 1;
	}
}

/*
 * The table of queued records, NUL-terminated in tabs: an offset, or
 * (size_t)-2 when tabs is full. Records in a row mostly share one.
 */
static size_t
tab_ref(struct jsonr *c, const char *t, size_t n)
{
	size_t at = c->tabs.len;

	if (c->tab_last != (size_t)-1 && c->tab_last_len == n &&
	    !memcmp(c->tabs.buf + c->tab_last, t, n))
		return c->tab_last;
	if (dynbuf_add(&c->tabs, t, n) < 0 || dynbuf_addc(&c->tabs, '\0') < 0) {
		c->tabs.len = at;
		return (size_t)-2;
	}
	c->tab_last = at;
	c->tab_last_len = n;
	return at;
}

static int
is_name(const struct jsonr *c, const struct qfield *q, const char *name, size_t n)
{
	return q->name_len == n && !memcmp(c->arena.buf + q->name, name, n);
}

/*
 * A _search hit or elasticdump line: the _source's fields under their own
 * names, _id, and _index as the table; the rest goes.
 */
static void
hit_fields(struct jsonr *c, const char **tab, size_t *tlen)
{
	size_t out = c->rec_f0;

	for (size_t i = c->rec_f0; i < c->nqf; i++) {
		struct qfield q = c->qf[i];
		if (q.name_len >= 8 && !memcmp(c->arena.buf + q.name, "_source.", 8)) {
			q.name += 8;
			q.name_len -= 8;
		} else if (!is_name(c, &q, "_id", 3)) {
			if (is_name(c, &q, "_index", 6) && q.kind == K_STR) {
				*tab = c->arena.buf + q.val;
				*tlen = q.len;
			}
			continue;
		}
		c->qf[out++] = q;
	}
	c->nqf = out;
}

/* A _bulk update: the "doc" object (else "upsert") under its own names. */
static void
update_fields(struct jsonr *c)
{
	static const char *const keep[] = {"doc.", "upsert."};
	size_t from = c->rec_f0 + (size_t)c->rec_id, out = from;

	for (int k = 0; k < 2 && out == from; k++) {
		size_t n = strlen(keep[k]);
		for (size_t i = from; i < c->nqf; i++) {
			struct qfield q = c->qf[i];
			if (q.name_len < n || memcmp(c->arena.buf + q.name, keep[k], n))
				continue;
			q.name += n;
			q.name_len -= n;
			c->qf[out++] = q;
		}
	}
	c->nqf = out;
}

/* Copies a field's value to b (empty for null); 1 if there was one. */
static int
keep_value(struct jsonr *c, const struct qfield *q, struct dynbuf *b)
{
	dynbuf_reset(b);
	return !q->is_null && dynbuf_add(b, c->arena.buf + q->val, q->len) == 0;
}

/*
 * _bulk, at the end of a top-level value: an action line is taken in (its
 * _index and _id kept for the document after it) and is no record (1);
 * anything else is one (0), a document when one is due.
 */
static int
bulk_value(struct jsonr *c)
{
	int was = c->bstate, act = !c->dropped && vs_action(&c->vs);

	c->rec_doc = 0;
	if (c->dropped) {
		/* too long to see its shape: either may come next */
		c->bstate = was == B_DOC ? B_ACTION : B_EITHER;
		c->has_id = c->has_index = 0;
		return 0;
	}
	if (was == B_DOC || (was == B_EITHER && !act)) {
		c->rec_doc = 1;
		c->bstate = B_ACTION;
		return 0;
	}
	c->has_id = c->has_index = 0;
	if (!act)
		return 0; /* a value where an action is due: a record of its own */
	c->bop = c->vs.op;
	c->bstate = c->bop == KC_DELETE ? B_ACTION : B_DOC;
	if (c->rec_bad)
		return 0; /* rejected as a record; its document comes without metadata */
	for (size_t i = c->rec_f0; i < c->nqf; i++) {
		const struct qfield *q = &c->qf[i];
		const char *nm = c->arena.buf + q->name, *dot = memchr(nm, '.', q->name_len);
		size_t rest = dot ? q->name_len - (size_t)(dot + 1 - nm) : 0;
		if (rest == 6 && !memcmp(dot + 1, "_index", 6))
			c->has_index = keep_value(c, q, &c->bulk_index);
		else if (rest == 3 && !memcmp(dot + 1, "_id", 3))
			c->has_id = keep_value(c, q, &c->bulk_id);
	}
	c->nqf = c->rec_f0;
	c->arena.len = c->rec_a0;
	c->metadata++;
	return 1;
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
	if (c->shape == S_BULK && c->rdepth == 0 && bulk_value(c))
		goto done; /* an action line: metadata */
	const char *tab = NULL;
	size_t tlen = 0, tref = (size_t)-1;
	if (!c->rec_bad && !c->dropped) {
		if (c->rdepth && c->tables) {
			tab = c->tname.buf + c->tab_off;
			tlen = c->tname.len - c->tab_off;
		}
		if (vs_hit(&c->vs))
			hit_fields(c, &tab, &tlen);
		else if (c->rec_doc) {
			if (c->has_index) {
				tab = dynbuf_str(&c->bulk_index);
				tlen = c->bulk_index.len;
			}
			if (c->bop == KC_UPDATE)
				update_fields(c);
		}
		if (tab && tlen > MAX_TABLE)
			bad(c, "table name longer than %d bytes", MAX_TABLE);
		else if (tab && (tref = tab_ref(c, tab, tlen)) == (size_t)-2)
			bad(c, "too many table names at once");
	}
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
		e->table = tref;
	}
done:
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

/* Queues one field of the record in progress. */
static inline __attribute__((always_inline)) void
emit_as(struct jsonr *c, const char *name, size_t name_len, const char *v, size_t n, int kind)
{
	struct reader *r = c->r;
	int full = 0;

	if (c->rec_bad || c->dropped)
		return;
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

/* Queues one field: the current path (or "value") and v. */
static inline void
emit(struct jsonr *c, const char *v, size_t n, int kind)
{
	int top = c->depth == c->rdepth;
	emit_as(c, top ? "value" : c->path.buf, top ? 5 : c->path.len, v, n, kind);
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

/*
 * --- tables and search: the containers above the records ---
 *
 * ofr[d - 1] is the container at depth d (1 to 3): the top-level object,
 * an object in it, or a member array. A member array is a table once its
 * first element is a container (rdepth is then its depth, and its elements
 * are records); an array of scalars, and members beyond, are metadata,
 * skipped whole with their contents.
 */

/* Outside records, after an event: the next record starts after here. */
static void
t_mark(struct jsonr *c)
{
	c->scan_from = cur_abs(c);
	c->dropped = 0; /* what was too long was no record */
	c->gap_nl = 0;
	c->last_scalar = 0;
}

/* Why the records of the table just found are rejected, if they are. */
static void
t_check(struct jsonr *c)
{
	size_t n = c->tname.len - c->tab_off, at;
	const char *why;

	c->tab_why[0] = '\0';
	if (c->tname_long || n > MAX_TABLE)
		snprintf(c->tab_why, sizeof(c->tab_why), "table name longer than %d bytes",
		         MAX_TABLE);
	else if ((why = reader_check_value(c->tname.buf + c->tab_off, n, &at)) != NULL)
		snprintf(c->tab_why, sizeof(c->tab_why), "%s in the table name", why);
}

/* A scalar outside records: 1 when taken here, 0 when it is a record. */
static int
t_scalar(struct jsonr *c)
{
	if (!c->skipping) {
		if (c->depth == 0 || (c->rdepth && c->depth == c->rdepth))
			return 0;
		if (c->depth <= 3 && c->ofr[c->depth - 1].kind == O_PEND) {
			/* an array of scalars: metadata to its end */
			c->skipping = 1;
			c->skip_to = c->depth - 1;
		}
		c->metadata++;
	}
	t_mark(c);
	return 1;
}

/* A container opens outside records: 1 taken here, 0 a record, -1 too deep. */
static int
t_open(struct jsonr *c, int is_array)
{
	unsigned d = c->depth;

	if (c->skipping) {
		if (d >= MAX_DEPTH)
			return -1;
	} else if (d == 0) {
		if (is_array)
			return 0; /* a top-level array: one record, as it always was */
		c->saw_value = 1;
		c->ofr[0].kind = O_OBJ;
		c->ofr[0].name_len = c->ofr[0].key_off = 0;
	} else if (c->rdepth && d == c->rdepth)
		return 0;
	else if (d <= 3 && c->ofr[d - 1].kind == O_PEND) {
		/* the first element is a container: the array is a table */
		c->ofr[d - 1].kind = O_TABLE;
		c->rdepth = d;
		c->tab_off = c->ofr[d - 1].key_off;
		t_check(c);
		return 0;
	} else if (!is_array && d == 1) {
		c->ofr[1].kind = O_OBJ; /* {"db": {"t1": [...]}} */
		c->ofr[1].name_len = c->tname.len;
		c->ofr[1].key_off = c->key_off;
	} else if (is_array && d <= 2 &&
	           (c->shape != S_SEARCH ||
	            (c->tname.len == 9 && !memcmp(c->tname.buf, "hits.hits", 9)))) {
		c->ofr[d].kind = O_PEND;
		c->ofr[d].name_len = c->tname.len;
		c->ofr[d].key_off = c->key_off;
	} else {
		c->metadata++; /* an object too deep, or no table of a search */
		c->skipping = 1;
		c->skip_to = d;
	}
	c->depth++;
	t_mark(c);
	return 1;
}

/* A member name outside records: the path to a table. */
static void
t_key(struct jsonr *c, const unsigned char *k, size_t n)
{
	const struct ofr *o;
	size_t at, len;
	int full = 0;

	if (c->skipping)
		return;
	if (c->depth > 2)
		return; /* cannot happen: keys above records are at depth 1 or 2 */
	o = &c->ofr[c->depth - 1];
	if (c->depth == 1)
		c->tname_long = 0;
	c->tname.len = o->name_len;
	if (o->name_len && dynbuf_addc(&c->tname, '.') < 0) {
		c->tname_long = 1;
		return;
	}
	c->key_off = len = c->tname.len;
	if (dynbuf_add(&c->tname, k, n) < 0) {
		c->tname_long = 1;
		return;
	}
	/* "\u0000" as U+FFFD; what is wrong with it is said at t_check() */
	if (!in_piece(c, (const char *)k, n))
		check_text(&c->tname, len, &at, &full);
	c->tname_long |= full;
}

static void
t_close(struct jsonr *c)
{
	c->depth--;
	if (c->skipping) {
		c->skipping = c->depth != c->skip_to;
	} else if (c->depth < 3 && c->ofr[c->depth].kind == O_TABLE) {
		c->rdepth = 0; /* the table ends */
		c->tab_why[0] = '\0';
	}
	t_mark(c);
}

/* --- the callbacks --- */

static int
scalar(struct jsonr *c, const char *v, size_t n, int kind)
{
	if (c->replay)
		return 1;
	c->events++;
	if (c->track) {
		if (c->tables && !c->in_rec && t_scalar(c))
			return 1;
		vs_scalar(&c->vs, c->depth - c->rdepth, kind == K_STR);
	}
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
	if (c->replay)
		return 1;
	c->events++;
	if (c->tables && !c->in_rec) {
		int t = t_open(c, is_array);
		if (t)
			return t > 0; /* -1 stops yajl: feed() says why */
	}
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
	if (c->track)
		vs_open(&c->vs, lvl, is_array);
	/*
	 * Past MAX_DEPTH: inside an element of the top-level array the element
	 * is rejected (it is, past MAX_NEST) and yajl follows it to its end,
	 * a byte of its stack a level, bounded by the --max-record check of
	 * feed(); the array's next elements are read. Elsewhere yajl stops:
	 * feed() says why.
	 */
	if (c->depth >= MAX_DEPTH && !(c->layout == L_ARRAY && c->in_rec))
		return 0;
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
	if (c->replay)
		return 1;
	unsigned lvl = c->depth - c->rdepth;
	c->events++;
	if (c->track) {
		if (c->tables && !c->in_rec) {
			t_key(c, k, n);
			t_mark(c);
			return 1;
		}
		if (lvl <= 2)
			vs_key(&c->vs, lvl, k, n);
	}
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
	if (c->replay)
		return 1;
	c->events++;
	if (c->tables && !c->in_rec) {
		t_close(c);
		return 1;
	}
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
	if (c->layout == L_ARRAY || c->tables) {
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
	/* _bulk: the broken value was what was due, or, if an action was, either */
	if (c->shape == S_BULK) {
		c->bstate = c->bstate == B_DOC ? B_ACTION : B_EITHER;
		c->has_id = c->has_index = 0;
		c->bop = 0;
	}
	/* the rest of the line goes, and in concatenated input every line up
	 * to one that starts a value */
	c->fed_abs = c->scanned_abs = c->scan_from = end;
	c->skip_eol = nl == NULL;
	c->skip_lines = c->layout == L_CONCAT;
}

static int skip_element(struct jsonr *c, const char *buf, uint64_t base, uint64_t start);

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
		if (!c->dropped &&
		    skip_element(c, buf, base,
		                 c->in_rec ? c->rec_abs : skip_gap(c, buf, base, c->fed_abs)))
			return;
		if (c->layout == L_ARRAY || c->tables)
			snprintf(
			    msg, sizeof(msg),
			    "one value or nesting longer than the --max-record limit (%zu bytes); "
			    "the %s cannot be followed past it",
			    c->r->opts.max_record, c->tables ? "object of tables" : "array");
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
	if (c->eskip) {
		struct qrec *e = push(c, Q_REJECT, c->rec_line, c->rec_abs);
		e->why = add_why(c, "%s; the input ends inside it", c->rec_why);
		e = push(c, Q_FAIL, line_of(c, buf, base, base + len, NULL), base + len);
		e->why = add_why(c, "%s", c->tables ? "the object of tables is not closed at the end of the input"
						: "the top-level array is not closed at the end of the input");
		return;
	}
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
				         : c->tables && !c->in_rec
				             ? "the object of tables is not closed at the end of "
				               "the input"
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

	if (c->eskip)
		hold = c->es_pos;
	else if (c->in_rec && !c->dropped)
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
 * An element of the top-level array or of a table's array that
 * starts at stream offset start and is longer than --max-record, or holds
 * a token or a nesting that long: rejected, and passed over by
 * skip_scan() to the comma or bracket that ends it, so that the elements
 * after it are read. Returns 0 where this is no such element.
 */
static int
skip_element(struct jsonr *c, const char *buf, uint64_t base, uint64_t start)
{
	if (c->eskip)
		return 0;
	if (c->tables ? c->rdepth < 2 || c->skipping || c->depth < c->rdepth
		      : c->layout != L_ARRAY || c->rdepth != 1)
		return 0;
	if (c->in_rec) {
		c->nqf = c->rec_f0; /* its fields are of no use */
		c->arena.len = c->rec_a0;
	} else {
		advance_line(c, buf, base, start);
		c->rec_line = c->line_no;
		c->rec_abs = start;
	}
	if (!c->in_rec || !c->rec_bad)
		snprintf(c->rec_why, sizeof(c->rec_why),
		         "record longer than the --max-record limit (%zu bytes)",
		         c->r->opts.max_record);
	c->in_rec = c->rec_bad = 0;
	yajl_free(c->h);
	c->h = NULL;
	c->eskip = 1;
	c->es_str = c->es_esc = 0;
	c->es_depth = 0;
	c->es_pos = start;
	c->hungry = 0;
	c->piece = PIECE;
	return 1;
}

/*
 * The skipped element ends at stream offset at, a comma (comma) or the
 * closing bracket: its rejection is queued and yajl starts again inside
 * the array, after the comma or at the bracket.
 */
static void
skip_done(struct jsonr *c, uint64_t at, int comma)
{
	struct qrec *e = push(c, Q_REJECT, c->rec_line, c->rec_abs);
	e->why = add_why(c, "%s", c->rec_why);
	c->eskip = 0;
	c->es_pos = at;
	if (c->tables) {
		/* yajl is told of the containers it was in, the object (or
		 * objects) and the table's array; our own state is as it was */
		c->h = y_open(&callbacks, &c->ymem, c, c->layout != L_ARRAY);
		c->replay = 1;
		for (unsigned d = 0; d + 2 < c->rdepth; d++)
			yajl_parse(c->h, (const unsigned char *)"{\"k\":", 5);
		yajl_parse(c->h, (const unsigned char *)"{\"k\":[", 6);
		c->replay = 0;
		c->depth = c->rdepth;
		c->fed_abs = c->scanned_abs = c->scan_from = comma ? at + 1 : at;
		c->gap_nl = 0;
		return;
	}
	c->h = y_open(&callbacks, &c->ymem, c, 0);
	c->depth = c->rdepth = 0;
	c->top_open = 0;
	c->fed_abs = c->scanned_abs = comma ? at + 1 : at;
	/* yajl is told of the array it is in: open_container() takes it as
	 * the top-level one, its elements' start looked for from fed_abs */
	c->piece_abs = c->fed_abs - 1;
	c->finishing = 0;
	yajl_parse(c->h, (const unsigned char *)"[", 1);
	c->scan_from = c->fed_abs;
	c->gap_nl = 0;
}

/*
 * Scans the skipped element's bytes in the window: strings (with their
 * escapes) and the depth of brackets, up to a comma or closing bracket
 * outside both. Returns 0 when there was nothing new to scan.
 */
static int
skip_scan(struct jsonr *c, const char *buf, uint64_t base, size_t len)
{
	const char *p = buf + (c->es_pos - base), *end = buf + len;

	if (p >= end)
		return 0;
	while (p < end) {
		unsigned char ch = (unsigned char)*p++;
		if (c->es_str) {
			if (c->es_esc)
				c->es_esc = 0;
			else if (ch == '\\')
				c->es_esc = 1;
			else if (ch == '"')
				c->es_str = 0;
			continue;
		}
		if (ch == '"')
			c->es_str = 1;
		else if (ch == '[' || ch == '{')
			c->es_depth++;
		else if (ch == ']' || ch == '}') {
			if (c->es_depth == 0) {
				skip_done(c, base + (uint64_t)(p - 1 - buf), 0);
				return 1;
			}
			c->es_depth--;
		} else if (ch == ',' && c->es_depth == 0) {
			skip_done(c, base + (uint64_t)(p - 1 - buf), 1);
			return 1;
		}
	}
	c->es_pos = c->fed_abs = base + len; /* scanned: none of it is yajl's */
	return 1;
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
	/* tables: white space between records or metadata is no record */
	if (!c->in_rec && c->tables)
		start = skip_gap(c, buf, base, c->fed_abs);
	if (c->fed_abs - start <= r->opts.max_record)
		return 0;
	if (c->layout != L_ARRAY && !c->tables) {
		char msg[160];
		snprintf(msg, sizeof(msg), "record longer than the --max-record limit (%zu bytes)",
		         r->opts.max_record);
		broken(c, buf, base, len, c->fed_abs, msg);
		return 1;
	}
	if (!c->in_rec)
		start = skip_gap(c, buf, base, c->fed_abs);
	if (skip_element(c, buf, base, start))
		return 1;
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

	if (c->eskip) {
		if (skip_scan(c, buf, base, len))
			return;
	} else if (c->skip_eol || c->skip_lines) {
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

/*
 * A mongodump directory holds coll.metadata.json beside coll.bson: one
 * object of the collection's indexes and options, no document of it.
 * Known by its name and its members, it is passed over, not read as a
 * record.
 */
static int
mongodump_metadata(struct reader *r, const char *buf, size_t len, int eof, const struct stats *s)
{
	struct source_info si;
	static const char suffix[] = ".metadata.json";
	const size_t sl = sizeof(suffix) - 1;

	source_info(r->src, &si);
	if (!si.name || strlen(si.name) < sl || strcmp(si.name + strlen(si.name) - sl, suffix))
		return 0;
	if (!eof || s->records != 1 || len == 0 || buf[0] != '{')
		return 0;
	/* its keys, as mongodump writes them: "indexes" and one of the others */
	return memmem(buf, len, "\"indexes\"", 9) &&
	       (memmem(buf, len, "\"options\"", 9) || memmem(buf, len, "\"collectionName\"", 16) ||
		memmem(buf, len, "\"uuid\"", 6));
}

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
	/* the shape, by structure (see the top of the file) */
	if (c->layout != L_ARRAY && s.bulk)
		c->shape = S_BULK;
	else if (c->layout != L_ARRAY && s.search)
		c->shape = S_SEARCH;
	else if (c->layout != L_ARRAY && s.tables && !s.more &&
	         (!s.rec_like || s.tlong || s.tdepth))
		c->shape = S_TABLES;
	else if (s.hit)
		c->shape = S_HITS;
	c->tables = c->shape == S_TABLES || c->shape == S_SEARCH;
	c->track = c->shape != S_RECORDS;
	if (mongodump_metadata(r, buf + i, len - i, eof, &s)) {
		r->no_records = "mongodump collection metadata (its indexes and options)";
		c->mongo_meta = 1;
		c->done = 1;
	}
	if (c->tables)
		c->layout = L_CONCAT; /* one object may be one long line */

	c->fed_abs = c->scanned_abs = c->scan_from = c->line_abs = source_offset(r->src);
	c->line_no = 1;
	dynbuf_init(&c->path, r->opts.max_record);
	dynbuf_reserve(&c->path, 256); /* never NULL, even for an empty name */
	dynbuf_init(&c->arena, r->opts.max_record * 4 + (16u << 20));
	dynbuf_init(&c->why, 1u << 20);
	dynbuf_init(&c->tname, r->opts.max_record);
	dynbuf_reserve(&c->tname, 256);
	dynbuf_init(&c->bulk_id, r->opts.max_record);
	dynbuf_init(&c->bulk_index, r->opts.max_record);
	dynbuf_init(&c->tabs, r->opts.max_record * 4 + (16u << 20));
	c->tab_last = (size_t)-1;
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
	dynbuf_reset(&c->tabs);
	c->tab_last = (size_t)-1;
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
	rec->table = e->table == (size_t)-1 ? NULL : c->tabs.buf + e->table;
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
	dynbuf_release(&c->tname);
	dynbuf_release(&c->bulk_id);
	dynbuf_release(&c->bulk_index);
	dynbuf_release(&c->tabs);
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
	static const char *const shapes[] = {"records", "tables", "search", "bulk", "hits"};
	char n[32];

	fn(ctx, "layout", c->tables ? "object" : names[c->layout]);
	fn(ctx, "shape", c->mongo_meta ? "mongodump-metadata" : shapes[c->shape]);
	snprintf(n, sizeof(n), "%u", c->s_depth);
	fn(ctx, "nesting", n);
	snprintf(n, sizeof(n), "%llu", (unsigned long long)c->s_records);
	fn(ctx, "sample_records", n);
	fn(ctx, "mongo_extended", c->s_mongo ? "yes" : "no");
	if (c->tables || c->shape == S_BULK) {
		/* members or action lines skipped: not records, neither parsed nor rejected */
		snprintf(n, sizeof(n), "%llu", (unsigned long long)c->metadata);
		fn(ctx, "metadata", n);
	}
}

const struct format format_json = {
    .name = "json",
    .bid = json_bid,
    .open = json_open,
    .next = json_next,
    .close = json_close,
    .describe = json_describe,
};
