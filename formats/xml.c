/*
 * The XML dump reader, on expat: `mysqldump --xml` / `mariadb-dump --xml`
 * output and phpMyAdmin's XML export, one record per row, tagged with
 * its table (rec->table) as the SQL reader does.
 *
 *  - mysqldump: <mysqldump><database name=D><table_data name=T><row>
 *    <field name="c">v</field>... </row>; xsi:nil="true" is NULL, an empty
 *    field without it the empty string. <table_structure>, <routines> and
 *    the rest hold no rows and are passed over.
 *  - phpMyAdmin: <pma_xml_export><database name=D><table name=T>
 *    <column name="c">v</column>...</table>: each <table> directly inside
 *    a <database> is one row of T. phpMyAdmin writes NULL as the text
 *    "NULL" (it has no other way), so that text is NULL here too. The
 *    <pma:structure_schemas> part holds CREATE statements, not rows.
 *
 * Streaming: expat is a push parser that copies what it is given, so the
 * window is fed to it in pieces and let go as soon as no rejection could
 * need the bytes. The handler of a row's end tag suspends the parser
 * (XML_StopParser(p, XML_TRUE)), next() returns that row, and the next
 * call resumes it (XML_ResumeParser): one row per call, and memory holds
 * one row (capped at --max-record), one piece and expat's partial token.
 * A token that alone grows past --max-record (a 20 MB attribute) fails
 * the input, since expat would otherwise buffer it whole.
 *
 * Bytes XML forbids: mysqldump writes values as they are, control bytes
 * and stray binary included, which expat would take for a broken document.
 * Before a piece reaches expat, every such byte (C0 controls other than
 * TAB, LF and CR; U+FFFE and U+FFFF; NUL; bytes of invalid UTF-8) is
 * replaced by '?' and noted with its stream offset, so that offsets do not
 * move. Where the byte turns out to lie in a value, a control character
 * (valid UTF-8, just not XML) is put back; NUL and invalid UTF-8 reject
 * the row; anywhere else in a row it rejects the row too.
 *
 * Errors: a row with too many fields, longer than --max-record, or with a
 * bad value is rejected and reading goes on at the next row. A
 * well-formedness error cannot be stepped over: expat stops for good, and
 * an XML stream has no point where one could safely start again (the open
 * elements, and whether the next '<' is markup or inside a comment or a
 * CDATA section, are known only from what came before). So the row it is
 * in (or, between rows, the spot) is rejected with expat's message and
 * line, and the rest of the input is given up with reader_fail(). The one
 * clean point is the start of another document after the root element has
 * closed (dumps put end to end): a fresh parser reads on from there.
 *
 * Security: no external entity is ever loaded (no external entity handler,
 * parameter entity parsing off), and any entity declaration stops the
 * input: a dump never has one, and refusing them all is the simple answer
 * to billion-laughs expansion. A reference to an entity that an unread DTD
 * would declare rejects its row.
 */
#include "config.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "formats/format.h"

#define PIECE (64u << 10)  /* given to expat at once */
#define SAMPLE (64u << 10) /* peeked by open() */
#define MAX_DEPTH 64       /* open elements; a dump nests 5 deep */
#define MAX_IDENT 1024     /* longest table name */
#define MAX_TABLES 100000  /* distinct tables counted for describe() */
#define MAX_BAD 4096       /* forbidden bytes noted at once */

enum shape { SH_UNKNOWN, SH_MYSQLDUMP, SH_PMA };
static const char *const tool_name[] = {"unknown", "mysqldump-xml", "phpmyadmin-xml"};

/* What an open element is to the reader. */
enum kind { K_OTHER, K_ROOT, K_DATABASE, K_TABLE_DATA, K_ROW, K_FIELD, K_INNER };

/* A forbidden byte replaced by '?' before expat saw it. */
enum { B_CTRL, B_NUL, B_UTF8 };
struct bad {
	uint64_t at;
	unsigned char orig, kind, done;
};

/* A field of the row in progress: offsets into the arena, which moves. */
struct xfield {
	size_t name, name_len, val, len;
	int is_null;
};

/* What next() returns once the parse is over. */
enum end { E_NONE, E_FAIL, E_EOF };

struct xmlr {
	struct reader *r;
	XML_Parser p;
	enum shape shape;
	uint64_t abs0;    /* stream offset of expat's byte 0 */
	uint64_t line0;   /* the line expat calls 1 */
	uint64_t fed_abs; /* stream offset up to which expat has been fed */
	uint64_t ev_end;  /* end of the last event expat reported */
	int eof, suspended, final;

	/* a token cut by the end of a piece is lexed again from its start at
	 * each call: after a piece in which nothing happened, the next one is
	 * twice as long (the JSON reader's rule) */
	uint64_t events;
	size_t piece;
	int hungry;
	int no_hold; /* the window filled up: keep nothing for raw text */

	enum end end;
	uint64_t end_line, end_off;
	char end_why[200];

	/* a handler asked expat to stop for good */
	int aborted, abort_lossless;
	char abort_why[200];

	unsigned depth;
	unsigned char kind[MAX_DEPTH];
	int saw_root;

	/* the table whose rows come now */
	char table[MAX_IDENT + 1];
	int table_skip;        /* --table does not select it */
	const char *table_bad; /* why its rows are rejected, or NULL */
	char **tables;         /* the distinct names seen: an open-addressing hash set */
	size_t ntables, tables_cap;
	size_t peek_tables;
	int peek_whole;

	/* the row in progress */
	int in_row, row_skip, row_bad;
	uint64_t row_abs, row_line, row_end;
	char why[200];
	long field; /* index of the field whose text is read, or -1 */
	struct dynbuf arena;
	struct xfield *qf;
	size_t nqf, qf_alloc;
	struct field *out;
	size_t out_alloc;

	/* forbidden bytes, in stream order, from bad_head on */
	struct bad *bad;
	size_t nbad, bad_head, bad_alloc, bad_cur;
	/*
	 * More than MAX_BAD at once, which can only be inside one row or one
	 * token (what lies before is parsed and forgotten): D_ROW rejects the
	 * row and notes nothing more in it; D_TOKEN keeps only the span of
	 * the token's, which rejects a row it overlaps. Either way pieces then
	 * end at each '>', so that the row or token ends where a piece does and
	 * nothing after it goes unnoted.
	 */
	enum { D_NONE, D_ROW, D_TOKEN } drop;
	int full; /* sanitize() stopped at a byte it had no room to note */
	int lost;
	uint64_t lost_lo, lost_hi;
};

static int
is_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* --- the bid ------------------------------------------------------------ */

/* Where the tag <name (a whole name) first stands in buf, or NULL. */
static const char *
find_tag(const char *buf, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = buf, *e = buf + len;

	while ((p = memmem(p, (size_t)(e - p), name, n)) != NULL) {
		if (p > buf && p[-1] == '<' &&
		    (p + n == e || is_space((unsigned char)p[n]) || p[n] == '>' || p[n] == '/'))
			return p - 1;
		p += n;
	}
	return NULL;
}

/* The shape whose root element comes first in the sample. */
static enum shape
sample_shape(const char *buf, size_t len)
{
	const char *my = find_tag(buf, len, "mysqldump"),
	           *pma = find_tag(buf, len, "pma_xml_export");

	if (my && (!pma || my < pma))
		return SH_MYSQLDUMP;
	return pma ? SH_PMA : SH_UNKNOWN;
}

/*
 * An XML declaration and the root element of one of the two dumps: above
 * sql (at most 100 for a banner and SQL statements, 0 for a '<' start) and
 * json (90). The root alone, the declaration left out: 70. Other XML is
 * not bid for: this reader reads only these two shapes.
 */
static int
xml_bid(const char *buf, size_t len, int eof)
{
	size_t i = 0;

	(void)eof;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && is_space((unsigned char)buf[i]))
		i++;
	if (i >= len || buf[i] != '<' || sample_shape(buf + i, len - i) == SH_UNKNOWN)
		return 0;
	return len - i >= 6 && !memcmp(buf + i, "<?xml", 5) && is_space((unsigned char)buf[i + 5])
	           ? 110
	           : 70;
}

/* --- positions and forbidden bytes -------------------------------------- */

/* The line expat is at, in the stream. */
static uint64_t
cur_line(const struct xmlr *c)
{
	return c->line0 + (uint64_t)XML_GetCurrentLineNumber(c->p) - 1;
}

/* Notes the event expat is in: its stream offset, and its length in *cnt. */
static uint64_t
event(struct xmlr *c, uint64_t *cnt)
{
	XML_Index i = XML_GetCurrentByteIndex(c->p);
	int n = XML_GetCurrentByteCount(c->p);
	uint64_t at = c->abs0 + (i > 0 ? (uint64_t)i : 0);

	*cnt = n > 0 ? (uint64_t)n : 0;
	c->events++;
	if (at + *cnt > c->ev_end)
		c->ev_end = at + *cnt;
	return at;
}

/* Notes a forbidden byte; -1 when there is no room for it. */
static int
note_bad(struct xmlr *c, uint64_t at, unsigned char orig, int kind)
{
	if (c->drop == D_ROW)
		return 0;
	if (c->drop == D_TOKEN) {
		if (!c->lost)
			c->lost_lo = at;
		c->lost = 1;
		c->lost_hi = at;
		return 0;
	}
	if (c->nbad - c->bad_head >= MAX_BAD) {
		c->full = 1;
		return -1;
	}
	if (c->nbad >= c->bad_alloc && c->bad_head > 0) {
		memmove(c->bad, c->bad + c->bad_head, (c->nbad - c->bad_head) * sizeof(*c->bad));
		c->nbad -= c->bad_head;
		c->bad_cur = c->bad_cur > c->bad_head ? c->bad_cur - c->bad_head : 0;
		c->bad_head = 0;
	}
	if (c->nbad >= c->bad_alloc)
		c->bad = xgrow(c->bad, &c->bad_alloc, c->nbad + 1, sizeof(*c->bad));
	c->bad[c->nbad++] = (struct bad){at, orig, (unsigned char)kind, 0};
	return 0;
}

/* Forgets the forbidden bytes before stream offset at. */
static void
prune_bad(struct xmlr *c, uint64_t at)
{
	while (c->bad_head < c->nbad && c->bad[c->bad_head].at < at)
		c->bad_head++;
	if (c->bad_head == c->nbad)
		c->bad_head = c->nbad = 0;
	if (c->bad_cur < c->bad_head)
		c->bad_cur = c->bad_head;
	if (c->lost && c->lost_hi < at)
		c->lost = 0;
}

/* The first forbidden byte in [lo, hi) not put back, or NULL. */
static const struct bad *
bad_in(const struct xmlr *c, uint64_t lo, uint64_t hi)
{
	for (size_t i = c->bad_head; i < c->nbad && c->bad[i].at < hi; i++)
		if (c->bad[i].at >= lo && !c->bad[i].done)
			return &c->bad[i];
	return NULL;
}

/* 1 when bytes 0..2 are U+FFFE or U+FFFF, which XML does not allow. */
static int
is_nonchar(const unsigned char *s)
{
	return s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF);
}

/*
 * Copies src[0..n) (at stream offset at) into dst for expat, each byte XML
 * forbids replaced by '?' and noted. Returns the bytes taken: fewer than n
 * when a UTF-8 sequence is cut by the end and more may follow.
 */
static size_t
sanitize(struct xmlr *c, const char *src, size_t n, char *dst, uint64_t at, int more)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && s[j] >= 0x20 && s[j] < 0x80)
			j++;
		while (j < n && (s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
			j++;
		if (j > i) {
			memcpy(dst + i, src + i, j - i);
			i = j;
			continue;
		}
		if (s[i] < 0x20) {
			if (note_bad(c, at + i, s[i], s[i] ? B_CTRL : B_NUL) < 0)
				break;
			dst[i++] = '?';
			continue;
		}
		size_t l = s[i] < 0xE0 ? 2 : s[i] < 0xF0 ? 3 : 4;
		size_t avail = n - i < l ? n - i : l;
		if (utf8_invalid_prefix(src + i, avail) != (size_t)-1 || (avail < l && !more)) {
			if (note_bad(c, at + i, s[i], B_UTF8) < 0)
				break;
			dst[i++] = '?';
			continue;
		}
		if (avail < l)
			break; /* the rest of the character is in the next piece */
		if (l == 3 && is_nonchar(s + i)) {
			if (c->drop == D_NONE && c->nbad - c->bad_head + 3 > MAX_BAD) {
				c->full = 1;
				break;
			}
			for (size_t k = 0; k < 3; k++) {
				note_bad(c, at + i + k, s[i + k], B_CTRL);
				dst[i + k] = '?';
			}
		} else
			memcpy(dst + i, src + i, l);
		i += l;
	}
	return i;
}

/* --- the handlers -------------------------------------------------------- */

static void abort_parse(struct xmlr *c, int lossless, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stops expat for good from a handler, with the reason. */
static void
abort_parse(struct xmlr *c, int lossless, const char *fmt, ...)
{
	va_list ap;

	if (c->aborted)
		return;
	va_start(ap, fmt);
	vsnprintf(c->abort_why, sizeof(c->abort_why), fmt, ap);
	va_end(ap);
	c->aborted = 1;
	c->abort_lossless = lossless;
	XML_StopParser(c->p, XML_FALSE);
}

static void row_bad(struct xmlr *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks the row in progress rejected (the first reason wins). */
static void
row_bad(struct xmlr *c, const char *fmt, ...)
{
	va_list ap;

	if (c->row_bad)
		return;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	c->row_bad = 1;
	c->field = -1;
}

static const char *
attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(atts[i], name))
			return atts[i + 1];
	return NULL;
}

/* xsi:nil="true", whatever the prefix is called. */
static int
attr_nil(const XML_Char **atts)
{
	for (size_t i = 0; atts[i]; i += 2) {
		const char *colon = strchr(atts[i], ':');
		if (colon && !strcmp(colon + 1, "nil"))
			return !strcmp(atts[i + 1], "true") || !strcmp(atts[i + 1], "1");
	}
	return 0;
}

/* Does --table select this table? Case does not matter, nor a schema. */
static int
table_wanted(const struct reader *r, const char *name)
{
	const char *want = r->opts.table, *dot;

	if (!want || !strcasecmp(want, name))
		return 1;
	dot = strrchr(want, '.');
	return dot && !strcasecmp(dot + 1, name);
}

static size_t
name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (size_t)h;
}

/* Counts the table called name once, for describe(). */
static void
table_count(struct xmlr *c, const char *name)
{
	size_t i;

	if (c->ntables >= MAX_TABLES)
		return;
	if (c->ntables * 2 >= c->tables_cap) {
		size_t cap = c->tables_cap ? c->tables_cap * 2 : 64;
		char **t = xcalloc(cap, sizeof(*t));
		for (size_t k = 0; k < c->tables_cap; k++)
			if (c->tables[k]) {
				for (i = name_hash(c->tables[k]) & (cap - 1); t[i];
				     i = (i + 1) & (cap - 1))
					;
				t[i] = c->tables[k];
			}
		free(c->tables);
		c->tables = t;
		c->tables_cap = cap;
	}
	for (i = name_hash(name) & (c->tables_cap - 1); c->tables[i];
	     i = (i + 1) & (c->tables_cap - 1))
		if (!strcmp(c->tables[i], name))
			return;
	c->tables[i] = xstrdup(name);
	c->ntables++;
}

/* Makes name the current table; the tag it came from was [lo, hi). */
static void
set_table(struct xmlr *c, const char *name, uint64_t lo, uint64_t hi)
{
	size_t n = name ? strlen(name) : 0;
	const struct bad *b;

	c->table_bad = NULL;
	if (n > MAX_IDENT) {
		c->table_bad = "table name longer than 1024 bytes";
		n = MAX_IDENT;
	} else if (!name)
		c->table_bad = "table without a name attribute";
	else if ((b = bad_in(c, lo, hi)) != NULL)
		c->table_bad = b->kind == B_UTF8 ? "invalid UTF-8 in the table name"
		               : b->kind == B_NUL
		                   ? "NUL byte in the table name"
		                   : "a character XML does not allow in the table name";
	/* phpMyAdmin names the table in every row: most often the same again */
	if (!c->ntables || strncmp(c->table, name ? name : "", n) || c->table[n] != '\0') {
		memcpy(c->table, name ? name : "", n);
		c->table[n] = '\0';
		table_count(c, c->table);
		c->table_skip = !table_wanted(c->r, c->table);
	}
}

static void
row_begin(struct xmlr *c, uint64_t at, const XML_Char **atts)
{
	c->in_row = 1;
	c->row_abs = at;
	c->row_line = cur_line(c);
	c->row_bad = 0;
	c->field = -1;
	c->nqf = 0;
	c->no_hold = 0;
	dynbuf_reset(&c->arena);
	prune_bad(c, at);
	if (c->shape == SH_PMA)
		set_table(c, attr(atts, "name"), at, c->ev_end);
	c->row_skip = c->table_skip;
	if (!c->row_skip && c->table_bad)
		row_bad(c, "%s", c->table_bad);
}

static void
field_begin(struct xmlr *c, const XML_Char *el, const XML_Char **atts)
{
	struct reader *r = c->r;
	const char *name = attr(atts, "name");

	if (c->row_skip || c->row_bad)
		return;
	if (c->nqf >= r->opts.max_fields) {
		row_bad(c, "row has more than %zu fields", r->opts.max_fields);
		return;
	}
	if (!name)
		name = el; /* a field without a name: its element's own */
	size_t n = strlen(name), at = c->arena.len;
	if (dynbuf_add(&c->arena, name, n) < 0) {
		row_bad(c, "row longer than the --max-record limit (%zu bytes)",
		        r->opts.max_record);
		return;
	}
	if (c->nqf >= c->qf_alloc)
		c->qf = xgrow(c->qf, &c->qf_alloc, c->nqf + 1, sizeof(*c->qf));
	c->qf[c->nqf] = (struct xfield){at, n, c->arena.len, 0, attr_nil(atts)};
	c->field = (long)c->nqf++;
}

static void XMLCALL
on_start(void *ctx, const XML_Char *el, const XML_Char **atts)
{
	struct xmlr *c = ctx;
	uint64_t cnt, at = event(c, &cnt);
	enum kind parent = c->depth ? (enum kind)c->kind[c->depth - 1] : K_OTHER, k = K_OTHER;

	if (c->aborted)
		return;
	if (c->depth >= MAX_DEPTH) {
		abort_parse(c, 0, "elements nested deeper than %d levels", MAX_DEPTH);
		return;
	}
	if (c->depth == 0) {
		enum shape sh = !strcmp(el, "mysqldump")        ? SH_MYSQLDUMP
		                : !strcmp(el, "pma_xml_export") ? SH_PMA
		                                                : SH_UNKNOWN;
		if (sh == SH_UNKNOWN) {
			abort_parse(
			    c, 1,
			    "not a mysqldump or phpMyAdmin XML dump: the root element is <%.60s>",
			    el);
			return;
		}
		c->shape = sh;
		c->saw_root = 1;
		k = K_ROOT;
	} else if (parent == K_ROOT && !strcmp(el, "database"))
		k = K_DATABASE;
	else if (c->shape == SH_MYSQLDUMP && (parent == K_DATABASE || parent == K_ROOT) &&
	         !strcmp(el, "table_data"))
		k = K_TABLE_DATA;
	else if ((c->shape == SH_MYSQLDUMP && parent == K_TABLE_DATA && !strcmp(el, "row")) ||
	         (c->shape == SH_PMA && parent == K_DATABASE && !strcmp(el, "table")))
		k = K_ROW;
	else if (parent == K_ROW)
		k = K_FIELD;
	else if (parent == K_FIELD || parent == K_INNER)
		k = K_INNER;
	c->kind[c->depth++] = (unsigned char)k;

	if (k == K_TABLE_DATA)
		set_table(c, attr(atts, "name"), at, c->ev_end);
	else if (k == K_ROW)
		row_begin(c, at, atts);
	else if (k == K_FIELD)
		field_begin(c, el, atts);
}

/* The row ends: checks what only the whole row tells, and suspends. */
static void
row_end(struct xmlr *c)
{
	struct reader *r = c->r;
	const struct bad *b;

	c->in_row = 0;
	c->field = -1;
	c->row_end = c->ev_end;
	if (c->row_skip)
		return;
	if (!c->row_bad && c->lost && c->lost_lo < c->row_end && c->lost_hi >= c->row_abs)
		row_bad(c, "more than %d characters XML does not allow in one tag of the row",
		        MAX_BAD);
	if (!c->row_bad && (b = bad_in(c, c->row_abs, c->row_end)) != NULL)
		row_bad(c, "%s in the markup of the row (byte %llu)",
		        b->kind == B_UTF8  ? "invalid UTF-8"
		        : b->kind == B_NUL ? "NUL byte"
		                           : "a character XML does not allow",
		        (unsigned long long)b->at);
	if (!c->row_bad && c->row_end - c->row_abs > r->opts.max_record)
		row_bad(c, "row longer than the --max-record limit (%zu bytes)",
		        r->opts.max_record);
	for (size_t i = 0; i < c->nqf && !c->row_bad; i++) {
		const struct xfield *f = &c->qf[i];
		size_t at;
		const char *e = reader_check_value(c->arena.buf + f->name, f->name_len, &at);
		if (e || (e = reader_check_value(c->arena.buf + f->val, f->len, &at)) != NULL)
			row_bad(c, "%s in field %zu (%.*s) of table '%s'", e, i + 1,
			        (int)(f->name_len > 64 ? 64 : f->name_len), c->arena.buf + f->name,
			        c->table);
	}
	XML_StopParser(c->p, XML_TRUE);
}

static void XMLCALL
on_end(void *ctx, const XML_Char *el)
{
	struct xmlr *c = ctx;
	enum kind k;
	uint64_t cnt;

	(void)el;
	event(c, &cnt);
	if (c->aborted || c->depth == 0)
		return;
	k = (enum kind)c->kind[--c->depth];
	if (k == K_ROW)
		row_end(c);
	else if (k == K_FIELD && c->field >= 0) {
		struct xfield *f = &c->qf[c->field];
		f->len = c->arena.len - f->val;
		if (c->shape == SH_PMA && f->len == 4 && !memcmp(c->arena.buf + f->val, "NULL", 4))
			f->is_null = 1;
		c->field = -1;
	}
}

static void XMLCALL
on_text(void *ctx, const XML_Char *s, int len)
{
	struct xmlr *c = ctx;
	uint64_t cnt, at = event(c, &cnt);
	size_t v = c->arena.len;
	struct xfield *f;

	if (c->aborted || !c->in_row || c->row_skip || c->row_bad)
		return;
	/* the forbidden bytes of the text: put back, or the row rejected */
	while (c->bad_cur < c->nbad && c->bad[c->bad_cur].at < at)
		c->bad_cur++;
	f = c->field >= 0 ? &c->qf[c->field] : NULL;
	if (f && f->is_null)
		f = NULL; /* nil wins over any text */
	if (f && dynbuf_add(&c->arena, s, (size_t)len) < 0) {
		row_bad(c, "row longer than the --max-record limit (%zu bytes)",
		        c->r->opts.max_record);
		return;
	}
	for (; c->bad_cur < c->nbad && c->bad[c->bad_cur].at < at + cnt; c->bad_cur++) {
		struct bad *b = &c->bad[c->bad_cur];
		if (cnt != (uint64_t)len)
			break; /* not the text as written (a reference): left to row_end() */
		b->done = 1;
		if (!f)
			continue; /* text between fields: dropped anyway */
		if (b->kind == B_CTRL) {
			c->arena.buf[v + (b->at - at)] = (char)b->orig;
			continue;
		}
		row_bad(c, "%s in field %ld (%.*s) of table '%s'",
		        b->kind == B_NUL ? "NUL byte" : "invalid UTF-8", c->field + 1,
		        (int)(f->name_len > 64 ? 64 : f->name_len), c->arena.buf + f->name,
		        c->table);
		return;
	}
}

static void XMLCALL
on_other(void *ctx, const XML_Char *s, int len)
{
	uint64_t cnt;

	(void)s;
	(void)len;
	event(ctx, &cnt);
}

static void XMLCALL
on_entity(void *ctx, const XML_Char *name, int is_param, const XML_Char *value, int value_len,
          const XML_Char *base, const XML_Char *system_id, const XML_Char *public_id,
          const XML_Char *notation)
{
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)system_id;
	(void)public_id;
	(void)notation;
	abort_parse(ctx, 0,
	            "entity declaration '%.60s' refused: a dump has none, and expanding "
	            "entities can blow up",
	            name);
}

/* &name; of an entity never declared (an external DTD is never read). */
static void XMLCALL
on_skipped(void *ctx, const XML_Char *name, int is_param)
{
	struct xmlr *c = ctx;
	uint64_t cnt;

	(void)is_param;
	event(c, &cnt);
	if (c->in_row && !c->row_skip)
		row_bad(c, "reference to the undeclared entity '&%.60s;'", name);
}

/* --- feeding ------------------------------------------------------------- */

/* Results of the steps, besides the DT_ codes next() returns. */
#define MORE 1000

static void parser_setup(struct xmlr *c, uint64_t at, uint64_t line);

/*
 * Junk after the root element, at stream offset at: when it is the start of
 * another dump (files put end to end), a fresh parser starts there. That
 * is no resynchronisation: a document's start is a clean point. 1 if so.
 */
static int
next_document(struct reader *r, struct xmlr *c, uint64_t at)
{
	size_t len;
	const char *buf = source_data(r->src, &len);
	uint64_t base = source_offset(r->src);

	if (c->no_hold || at < base || at >= base + len)
		return 0; /* the bytes are no longer in the window */
	const char *p = buf + (at - base);
	size_t n = (size_t)(base + len - at);
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		p += 3; /* the second file's BOM */
		n -= 3;
		at += 3;
	}
	if (!((n >= 6 && !memcmp(p, "<?xml", 5) && is_space((unsigned char)p[5])) ||
	      find_tag(p, n < 16 ? n : 16, "mysqldump") == p ||
	      find_tag(p, n < 21 ? n : 21, "pma_xml_export") == p))
		return 0;
	uint64_t line = cur_line(c);
	if (XML_ParserReset(c->p, "UTF-8") != XML_TRUE)
		return 0;
	parser_setup(c, at, line);
	return 1;
}

/*
 * The parse stopped with an error. Rejects what was lost (the row it was
 * in, or the spot), unless nothing was (no root, a root of another kind);
 * the next call then gives the input up.
 */
static int
broken(struct reader *r, struct xmlr *c)
{
	enum XML_Error code = XML_GetErrorCode(c->p);
	unsigned long line = (unsigned long)cur_line(c);
	unsigned long col = (unsigned long)XML_GetCurrentColumnNumber(c->p) + 1;
	XML_Index i = XML_GetCurrentByteIndex(c->p);
	uint64_t at = i >= 0 ? c->abs0 + (uint64_t)i : c->fed_abs;
	const char *msg = code == XML_ERROR_ABORTED ? c->abort_why : XML_ErrorString(code);
	char why[200];

	if ((code == XML_ERROR_JUNK_AFTER_DOC_ELEMENT || code == XML_ERROR_MISPLACED_XML_PI ||
	     code == XML_ERROR_INVALID_TOKEN /* a BOM */) &&
	    c->saw_root && c->depth == 0 && next_document(r, c, at))
		return MORE;

	if (code == XML_ERROR_ABORTED)
		snprintf(why, sizeof(why), "%s", msg);
	else if (c->final)
		snprintf(why, sizeof(why), "the input is cut off at line %lu (expat: %.120s)", line,
		         msg);
	else
		snprintf(why, sizeof(why), "broken XML at line %lu, column %lu: %.120s", line, col,
		         msg);
	c->end = E_FAIL;
	c->end_line = line;
	c->end_off = at;
	if ((code == XML_ERROR_ABORTED && c->abort_lossless) ||
	    (!c->saw_root && code == XML_ERROR_NO_ELEMENTS)) {
		if (code == XML_ERROR_NO_ELEMENTS)
			snprintf(why, sizeof(why), "no XML element in the input");
		return reader_fail(r, line, at, "%s", why);
	}
	snprintf(c->end_why, sizeof(c->end_why), "XML cannot be read on past an error");

	if (c->in_row && !c->row_skip) {
		size_t len;
		const char *buf = source_data(r->src, &len), *raw = NULL;
		uint64_t base = source_offset(r->src), stop = at < base + len ? at : base + len;
		if (c->row_abs >= base && stop > c->row_abs) {
			const char *nl =
			    memchr(buf + (stop - base), '\n', (size_t)(base + len - stop));
			raw = buf + (c->row_abs - base);
			stop = nl ? base + (uint64_t)(nl - buf) : base + len;
			if (stop - c->row_abs > r->opts.max_record)
				raw = NULL;
		}
		return reader_reject(r, c->row_line, c->row_abs, raw,
		                     raw ? (size_t)(stop - c->row_abs) : 0, "%s", why);
	}
	return reader_reject(r, line, at, NULL, 0, "%s", why);
}

/* A row was suspended on: hands it out. */
static int
deliver(struct reader *r, struct xmlr *c, struct record *rec)
{
	if (c->row_bad) {
		size_t len;
		const char *buf = source_data(r->src, &len), *raw = NULL;
		uint64_t base = source_offset(r->src);
		if (c->row_abs >= base && c->row_end <= base + len &&
		    c->row_end - c->row_abs <= r->opts.max_record)
			raw = buf + (c->row_abs - base);
		return reader_reject(r, c->row_line, c->row_abs, raw,
		                     raw ? (size_t)(c->row_end - c->row_abs) : 0, "%s", c->why);
	}
	if (c->nqf > c->out_alloc)
		c->out = xgrow(c->out, &c->out_alloc, c->nqf, sizeof(*c->out));
	for (size_t i = 0; i < c->nqf; i++) {
		const struct xfield *q = &c->qf[i];
		struct field *f = &c->out[i];
		f->name = c->arena.buf + q->name;
		f->name_len = q->name_len;
		f->val = q->is_null ? "" : c->arena.buf + q->val;
		f->len = q->is_null ? 0 : q->len;
		f->is_null = q->is_null;
	}
	rec->fields = c->out;
	rec->nfields = c->nqf;
	rec->table = c->table;
	rec->line = c->row_line;
	rec->offset = c->row_abs;
	return DT_OK;
}

/* What expat said after a piece, the end, or a resume. */
static int
parsed(struct reader *r, struct xmlr *c, enum XML_Status st, struct record *rec)
{
	if (st == XML_STATUS_SUSPENDED) {
		c->suspended = 1;
		return deliver(r, c, rec);
	}
	if (st == XML_STATUS_ERROR)
		return broken(r, c);
	if (c->final) {
		c->end = E_EOF;
		return DT_EOF;
	}
	/* one token as long as a record: expat would hold it whole */
	if (c->fed_abs - c->ev_end > r->opts.max_record + PIECE) {
		unsigned long line = (unsigned long)cur_line(c);
		c->end = E_FAIL;
		c->end_line = line;
		c->end_off = c->ev_end;
		snprintf(c->end_why, sizeof(c->end_why),
		         "XML cannot be read on past a token that long");
		if (c->in_row && !c->row_skip)
			return reader_reject(r, c->row_line, c->row_abs, NULL, 0,
			                     "one XML token longer than the --max-record limit "
			                     "(%zu bytes) at line %lu",
			                     r->opts.max_record, line);
		return reader_reject(r, line, c->ev_end, NULL, 0,
		                     "one XML token longer than the --max-record limit (%zu bytes)",
		                     r->opts.max_record);
	}
	return MORE;
}

/* Drops from the window what neither expat nor a rejection can need. */
static void
release(struct reader *r, struct xmlr *c)
{
	uint64_t base = source_offset(r->src), hold;

	if (c->in_row && !c->row_skip && c->fed_abs - c->row_abs > r->opts.max_record)
		c->no_hold = 1; /* too long to be shown whole */
	if (c->no_hold)
		hold = c->fed_abs;
	else if (c->in_row && !c->row_skip)
		hold = c->row_abs;
	else
		hold = c->ev_end; /* a row's start tag may be in what follows */
	if (!c->in_row)
		prune_bad(c, c->ev_end);
	if (hold > c->fed_abs)
		hold = c->fed_abs;
	if (hold > base)
		source_consume(r->src, (size_t)(hold - base));
}

/* Feeds a piece, ends the parse, or reads more. */
static int
step(struct reader *r, struct xmlr *c, struct record *rec)
{
	size_t len;
	const char *buf;
	uint64_t base;

	if ((c->drop == D_ROW && !c->in_row) ||
	    (c->drop == D_TOKEN && (c->in_row || c->ev_end > c->lost_hi)))
		c->drop = D_NONE;
	release(r, c);
	buf = source_data(r->src, &len);
	base = source_offset(r->src);
	size_t off = (size_t)(c->fed_abs - base), unfed = len - off;

	if (unfed && !(c->hungry && unfed < c->piece && !c->eof)) {
		size_t n = unfed < c->piece ? unfed : c->piece;
		if (c->drop != D_NONE) {
			const char *gt = memchr(buf + off, '>', n);
			if (gt)
				n = (size_t)(gt - (buf + off)) + 1;
		}
		char *dst = XML_GetBuffer(c->p, (int)n);
		if (!dst)
			abort(); /* out of memory, which xmalloc() ends first */
		c->full = 0;
		size_t took = sanitize(c, buf + off, n, dst, c->fed_abs, n < unfed || !c->eof);
		if (took) {
			uint64_t ev = c->events;
			c->fed_abs += took;
			enum XML_Status st = XML_ParseBuffer(c->p, (int)took, 0);
			c->hungry = c->events == ev;
			if (!c->hungry)
				c->piece = PIECE;
			else {
				size_t p = (took > c->piece ? took : c->piece) * 2,
				       cap = r->opts.max_record;
				if (cap > (1u << 30))
					cap = 1u << 30;
				c->piece = p < cap ? p : cap > PIECE ? cap : PIECE;
			}
			return parsed(r, c, st, rec);
		}
		if (c->full) {
			/* no room, and expat has parsed all it had: see drop */
			if (c->in_row) {
				if (!c->row_skip)
					row_bad(
					    c,
					    "more than %d characters XML does not allow in the row",
					    MAX_BAD);
				c->drop = D_ROW;
			} else {
				c->lost_lo = c->lost ? c->lost_lo : c->bad[c->bad_head].at;
				c->lost_hi = c->bad[c->nbad - 1].at;
				c->lost = 1;
				c->drop = D_TOKEN;
			}
			c->nbad = c->bad_head = c->bad_cur = 0;
			return MORE;
		}
	} else if (c->eof) {
		c->final = 1;
		return parsed(r, c, XML_Parse(c->p, NULL, 0, 1), rec);
	}
	ssize_t k = source_fill(r->src);
	if (k > 0)
		return MORE;
	if (k == 0) {
		c->eof = 1;
		return MORE;
	}
	if (k == -2 && (!c->no_hold || c->hungry)) {
		c->no_hold = 1; /* the window is full: let go of the row's text */
		c->hungry = 0;
		return MORE;
	}
	c->end = E_FAIL;
	return reader_fail(r, cur_line(c), base + len, "%s",
	                   k == -1 ? source_error(r->src) : "record longer than the window limit");
}

/* --- the reader ---------------------------------------------------------- */

/* Sets expat up for a document that starts at stream offset at, line line. */
static void
parser_setup(struct xmlr *c, uint64_t at, uint64_t line)
{
	XML_SetUserData(c->p, c);
	XML_SetElementHandler(c->p, on_start, on_end);
	XML_SetCharacterDataHandler(c->p, on_text);
	XML_SetDefaultHandlerExpand(c->p, on_other);
	XML_SetEntityDeclHandler(c->p, on_entity);
	XML_SetSkippedEntityHandler(c->p, on_skipped);
	XML_SetParamEntityParsing(c->p, XML_PARAM_ENTITY_PARSING_NEVER);
	c->abs0 = c->fed_abs = c->ev_end = at;
	c->line0 = line;
	c->piece = PIECE;
	c->hungry = c->suspended = c->final = 0;
	c->field = -1;
	c->depth = 0;
	c->saw_root = 0;
	c->nbad = c->bad_head = c->bad_cur = 0;
	c->lost = c->full = 0;
	c->drop = D_NONE;
}

static int
xml_open(struct reader *r)
{
	static const XML_Memory_Handling_Suite mem = {xmalloc, xrealloc, free};
	struct xmlr *c = xcalloc(1, sizeof(*c));
	int st;
	size_t len = reader_peek(r, SAMPLE, &st);
	const char *buf;

	r->state = c;
	c->r = r;
	if (st == -1)
		return reader_fail(r, 0, len, "%s", source_error(r->src));
	buf = source_data(r->src, &len);
	c->shape = sample_shape(buf, len);
	c->peek_whole = st == 0 && len < SAMPLE;
	for (const char *p = buf, *e = buf + len;
	     (p = find_tag(p, (size_t)(e - p), c->shape == SH_PMA ? "pma:table" : "table_data"));
	     p++)
		c->peek_tables++;

	/* the source has made the text UTF-8, whatever the declaration says */
	c->p = XML_ParserCreate_MM("UTF-8", &mem, NULL);
	if (!c->p)
		abort();
	parser_setup(c, source_offset(r->src), 1);
	dynbuf_init(&c->arena, r->opts.max_record);
	dynbuf_reserve(&c->arena, 256); /* never NULL, even for empty names */
	return DT_OK;
}

static int
xml_next(struct reader *r, struct record *rec)
{
	struct xmlr *c = r->state;

	if (c->end == E_FAIL)
		return reader_fail(r, c->end_line, c->end_off, "%s", c->end_why);
	if (c->end == E_EOF)
		return DT_EOF;
	for (;;) {
		int st;
		if (c->suspended) {
			c->suspended = 0;
			st = parsed(r, c, XML_ResumeParser(c->p), rec);
		} else
			st = step(r, c, rec);
		if (st != MORE)
			return st;
	}
}

static void
xml_close(struct reader *r)
{
	struct xmlr *c = r->state;

	if (!c)
		return;
	if (c->p)
		XML_ParserFree(c->p);
	for (size_t i = 0; i < c->tables_cap; i++)
		free(c->tables[i]);
	free(c->tables);
	dynbuf_release(&c->arena);
	free(c->qf);
	free(c->out);
	free(c->bad);
	free(c);
}

static void
xml_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct xmlr *c = r->state;
	char n[32];

	fn(ctx, "tool", tool_name[c->shape]);
	if (c->ntables || c->end == E_EOF)
		snprintf(n, sizeof(n), "%zu", c->ntables);
	else
		snprintf(n, sizeof(n), "%zu%s", c->peek_tables, c->peek_whole ? "" : "+");
	fn(ctx, "tables", n);
}

const struct format format_xml = {
    .name = "xml",
    .bid = xml_bid,
    .open = xml_open,
    .next = xml_next,
    .close = xml_close,
    .describe = xml_describe,
};
