/*
 * The SQL dump reader: mysqldump and mariadb-dump output, pg_dump output
 * (COPY blocks and the --inserts forms) and SQLite's .dump, turned into one
 * record per row, each tagged with its table (rec->table, the bare name:
 * no schema, no quotes). Every table is its own stream of records.
 *
 * It is a hand-written tokenizer over the source window, in three parts:
 *  - between statements, and in statements that hold no data (SET, LOCK,
 *    ALTER, functions with dollar-quoted bodies, rows of tables that
 *    --table does not select), a resumable byte machine that knows just
 *    enough (quotes, comments, dollar quotes, parentheses, the statement
 *    delimiter) to find where the statement ends, consuming as it goes;
 *  - the head of a data statement (INSERT ... VALUES, COPY ... FROM stdin,
 *    CREATE TABLE for the column names), parsed from its first byte; when
 *    the window ends inside it, the window grows to twice its size and the
 *    head is parsed again, so the work stays linear;
 *  - rows, one at a time: a tuple of an INSERT (so a 100 MB extended
 *    INSERT is streamed and only one row must fit in --max-record) or a
 *    line of COPY data, with the same grow-and-retry rule. Values without
 *    escapes point into the window; the others are decoded into one
 *    reused arena.
 *
 * Choices worth knowing:
 *  - backslash escapes apply to MySQL (and unknown-dialect) strings, to
 *    PostgreSQL E'...' strings and to plain strings after
 *    "SET standard_conforming_strings = off"; never to SQLite. A MySQL
 *    escape that MySQL does not define (\ followed by a space, \%, \_ ...)
 *    keeps its backslash: mysqldump never writes one, so the file was
 *    written by something that meant a literal backslash;
 *  - hex literals (0x4142, X'4142') stay hex text ("0x4142"): they are
 *    usually hashes or ids in binary columns, not text. A _binary '...'
 *    string is kept as text when it is valid UTF-8 without NUL, else
 *    turned into the same hex text, so binary columns do not reject rows;
 *  - SQLite's replace(...,char(10)) and char() are evaluated; any other
 *    function call or parenthesised expression is kept as written;
 *  - a row whose value count differs from the column count, a syntax
 *    error in a data statement, or a statement that is not SQL at all is
 *    rejected with its line and byte offset; after a syntax error the
 *    reader goes on after the next ';' at statement level (after the next
 *    line in COPY data).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "formats/format.h"
#include "formats/sqldate.h"

#define PEEK_SIZE (64u << 10)
#define MIN_GROW (64u << 10) /* smallest window growth before a retry */
#define MAX_IDENT 1024       /* longest table or column name */
#define MAX_TABLES 100000
#define MAX_NEST 8 /* function calls inside function calls */

enum dialect { D_UNKNOWN, D_MYSQL, D_POSTGRES, D_SQLITE, D_TSQL, D_ORACLE, D_DB2 };
static const char *const dialect_name[] = {"unknown", "mysql",  "postgres", "sqlite",
                                           "tsql",    "oracle", "db2"};

/* How backslashes in a string literal are read. */
enum esc { ES_NONE, ES_MYSQL, ES_PG };

/* Parse results of the retrying parts. */
enum { P_OK, P_MORE, P_ERR, P_END, P_TAIL, P_NEXT };

/* What the reader is doing between calls. */
enum mode {
	M_TOP,       /* between statements */
	M_SKIP,      /* in a statement (or a row) it does not read */
	M_LINE,      /* skipping to the end of the line (psql meta-commands) */
	M_ROWS,      /* in INSERT ... VALUES, before a row */
	M_COPY,      /* in the data lines of COPY ... FROM stdin */
	M_COPY_SKIP, /* in the data lines of a COPY it does not read */
	M_DONE
};

/* The skip machine's states and targets. */
enum { K_CODE, K_QUOTE, K_LINE, K_BLOCK, K_DOLLAR };
enum {
	U_STMT,  /* the statement's end: the delimiter, or what the dialect adds */
	U_ROW,   /* the ')' that closes the row begun */
	U_BATCH, /* T-SQL: the next GO line (a routine is a batch of its own) */
	U_SLASH, /* Oracle, DB2: the next line holding only '/' (PL/SQL blocks) */
	U_BLOCK  /* a routine body: the delimiter outside BEGIN ... END */
};

/* Column names: NUL-separated in names, one struct field per column. */
struct colset {
	char *names;
	struct field *f;
	size_t n;
};

struct table {
	char *name; /* NUL-terminated: rec->table */
	struct colset cols;
	int implicit; /* col1..colN, made up from the first row */
};

/* A value of the row being read: in the window or in the arena. */
struct val {
	size_t off, len;
	unsigned char in_arena, is_null;
	unsigned char is_str; /* a string literal (adjacent ones concatenate) */
	unsigned char is_hex; /* 0x.., X'..': binary */
	unsigned char is_arr; /* an array's {..} text: nested unquoted */
};

struct sqlr {
	enum dialect dialect;
	const char *tool;
	int std_strings; /* PostgreSQL standard_conforming_strings */
	char delim[16];  /* MySQL DELIMITER */
	size_t delim_len;
	unsigned char code_tab[256];  /* bytes the skip machine stops at */
	unsigned char block_tab[256]; /* ... and in a routine body, letters */
	size_t peek_tables;
	int peek_whole;

	enum mode mode;
	size_t pending;    /* bytes of the last record, consumed at the next call */
	int pending_lines; /* lines in them, when known (COPY); else -1 */
	uint64_t line;     /* line number of the window's first byte */
	int eof;

	/* the skip machine */
	int k, until, kesc, kbs, top_comment, mid_line;
	int line_rules;                 /* a statement may also end at a line (GO, /, a keyword) */
	long bdepth;                    /* U_BLOCK: BEGIN ... END nesting */
	int end_pending;                /* U_BLOCK: an END whose next word decides */
	int count_tuples;               /* count the rows skipped (after a bad row) */
	uint64_t tuples;                /* ... how many */
	uint64_t tuple_line, tuple_off; /* where the skipping began */
	enum mode line_then;            /* M_LINE: where to go after the line */
	char kq;
	long depth;
	unsigned char prev, prev2;
	char tag[66];
	size_t tag_len;

	/* the data statement being read */
	struct table *tab;
	struct colset stmt_cols;
	int has_stmt_cols;
	uint64_t nrows;  /* rows read from it so far */
	int insert_all;  /* Oracle's INSERT ALL: more INTO t VALUES (..) may follow */
	int select_rows; /* INSERT ... SELECT constants [UNION ALL SELECT ...] */
	size_t scanned;  /* COPY: window bytes searched for the line end */

	/* the row being read */
	struct dynbuf arena;
	struct val *vals;
	size_t nvals, vals_alloc;
	struct field *fields;
	size_t fields_alloc;
	struct dynbuf scratch; /* names while a statement head is parsed */
	size_t *scratch_at;
	size_t nscratch, scratch_alloc;

	char err[160];
	size_t err_at;
	/* the opening quote of a string the last parse did not see closed (window offset), or -1 */
	size_t str_open;
	int swallowed; /* ... or saw close only after statements it swallowed */

	uint64_t statements; /* statements seen, data or not */
	int said_empty;      /* the end's "no data" was said */
	/* rows known lost (skipped after an error), each one rejection owed */
	uint64_t owed, owed_line, owed_off;
	const char *copy_reject; /* a COPY block read as rejections, and why */

	struct table **tables;
	size_t ntables, tables_alloc;
	struct table *last;
	char tname[MAX_IDENT + 1];
	/* the foreign keys of the statement being read, told once it is read whole */
	struct pend_fk {
		char col[128], rtable[128], rcol[128];
	} fks[16];
	unsigned nfks;
};

/* --- bytes ---------------------------------------------------------- */

static inline int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline int
is_ident(unsigned char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '$' || c >= 0x80;
}

static inline int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The first byte of b[p..e) equal to c1 or c2, or e: eight bytes at a
 * time, since values and fields are short and many (memchr's call costs
 * more than the search).
 */
static inline size_t
find2(const char *b, size_t p, size_t e, unsigned char c1, unsigned char c2)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	const uint64_t k1 = ones * c1, k2 = ones * c2;

	while (p + 8 <= e) {
		uint64_t w, x, y, m;
		memcpy(&w, b + p, 8);
		x = w ^ k1;
		y = w ^ k2;
		/* a zero byte in x or y; the lowest flagged byte is exact */
		m = ((x - ones) & ~x & highs) | ((y - ones) & ~y & highs);
		if (m)
			return p + ((size_t)__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < e && (unsigned char)b[p] != c1 && (unsigned char)b[p] != c2)
		p++;
	return p;
}

static uint64_t
count_nl(const char *p, size_t n)
{
	const char *e = p + n;
	uint64_t k = 0;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

static int
has(const char *b, size_t n, const char *s)
{
	return memmem(b, n, s, strlen(s)) != NULL;
}

static int
kw(const char *w, size_t wl, const char *k)
{
	return wl == strlen(k) && !strncasecmp(w, k, wl);
}

/* Drops n window bytes, keeping the line count. */
static void
advance(struct reader *r, struct sqlr *s, size_t n)
{
	size_t len;
	const char *buf = source_data(r->src, &len);

	if (n > len)
		n = len;
	s->line += count_nl(buf, n);
	source_consume(r->src, n);
}

/*
 * Grows the window past have bytes: to at least twice as many, so that a
 * parse retried from the start after each growth stays linear overall.
 * 1 when it grew, 0 when it cannot (end of input, or the window is at its
 * cap), -1 on a source error.
 */
static int
grow(struct reader *r, struct sqlr *s, size_t have)
{
	size_t want = have + (have < MIN_GROW ? MIN_GROW : have), len = have;

	while (len < want) {
		ssize_t k = source_fill(r->src);
		if (k > 0) {
			len += (size_t)k;
			continue;
		}
		if (k == 0)
			s->eof = 1;
		else if (k == -1)
			return -1;
		break;
	}
	return len > have;
}

static int
source_failed(struct reader *r, struct sqlr *s)
{
	return reader_fail(r, s->line, source_offset(r->src), "%s", source_error(r->src));
}

/* --- tables and columns --------------------------------------------- */

static void
colset_free(struct colset *c)
{
	free(c->names);
	free(c->f);
	memset(c, 0, sizeof(*c));
}

/* Sets c from n NUL-terminated names packed in names[0..len). */
static void
colset_set(struct colset *c, const char *names, size_t len, size_t n)
{
	colset_free(c);
	c->names = xmalloc(len ? len : 1);
	memcpy(c->names, names, len);
	c->f = xcalloc(n ? n : 1, sizeof(*c->f));
	c->n = n;
	for (size_t i = 0, at = 0; i < n; i++) {
		c->f[i].name = c->names + at;
		c->f[i].name_len = strlen(c->names + at);
		at += c->f[i].name_len + 1;
	}
}

static void
colset_implicit(struct colset *c, size_t n)
{
	struct dynbuf b;

	dynbuf_init(&b, (size_t)-1);
	for (size_t i = 0; i < n; i++) {
		dynbuf_printf(&b, "col%zu", i + 1);
		dynbuf_addc(&b, '\0');
	}
	colset_set(c, b.buf, b.len, n);
	dynbuf_release(&b);
}

/* The table called name (bare), created on first sight; NULL past the cap. */
static struct table *
table_get(struct sqlr *s, const char *name)
{
	if (s->last && !strcmp(s->last->name, name))
		return s->last;
	for (size_t i = 0; i < s->ntables; i++)
		if (!strcmp(s->tables[i]->name, name))
			return s->last = s->tables[i];
	if (s->ntables >= MAX_TABLES)
		return NULL;
	s->tables = xgrow(s->tables, &s->tables_alloc, s->ntables + 1, sizeof(*s->tables));
	struct table *t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	s->tables[s->ntables++] = t;
	return s->last = t;
}

/* Does --table select this table? Case does not matter, nor a schema. */
static int
table_wanted(struct reader *r, const char *name)
{
	const char *want = r->opts.table, *dot;

	if (!want)
		return 1;
	if (!strcasecmp(want, name))
		return 1;
	dot = strrchr(want, '.');
	return dot && !strcasecmp(dot + 1, name);
}

static void
scratch_reset(struct sqlr *s)
{
	dynbuf_reset(&s->scratch);
	s->nscratch = 0;
}

/* Ends the name being built in scratch; -1 when it is not fit to be one. */
static int
scratch_end(struct sqlr *s, size_t start)
{
	size_t at;

	if (s->scratch.len == start ||
	    reader_check_value(s->scratch.buf + start, s->scratch.len - start, &at) ||
	    dynbuf_addc(&s->scratch, '\0') < 0)
		return -1;
	s->scratch_at =
	    xgrow(s->scratch_at, &s->scratch_alloc, s->nscratch + 1, sizeof(*s->scratch_at));
	s->scratch_at[s->nscratch++] = start;
	return 0;
}

/* --- the skip machine ----------------------------------------------- */

static enum esc
plain_esc(const struct sqlr *s)
{
	if (s->dialect == D_MYSQL || s->dialect == D_UNKNOWN)
		return ES_MYSQL;
	if (s->dialect == D_POSTGRES && !s->std_strings)
		return ES_PG;
	return ES_NONE;
}

/* '#' starts a comment in MySQL only (T-SQL has #temp tables, Oracle c##user). */
static int
hash_comments(const struct sqlr *s)
{
	return s->dialect == D_MYSQL || s->dialect == D_UNKNOWN;
}

/* [name] is a quoted name in T-SQL and SQLite; elsewhere '[' is an array. */
static int
bracket_names(const struct sqlr *s)
{
	return s->dialect == D_TSQL || s->dialect == D_SQLITE || s->dialect == D_UNKNOWN;
}

static void
build_code_tab(struct sqlr *s)
{
	static const char stops[] = "'\"`[-#/$();";

	memset(s->code_tab, 0, sizeof(s->code_tab));
	for (const char *p = stops; *p; p++)
		s->code_tab[(unsigned char)*p] = 1;
	s->code_tab[(unsigned char)s->delim[0]] = 1;
	/*
	 * Where a statement may end at a line (T-SQL's GO and statements
	 * without ';', Oracle's '/', the mysql client's DELIMITER), the
	 * machine looks at each line start.
	 */
	s->line_rules = s->dialect != D_POSTGRES && s->dialect != D_SQLITE;
	if (s->line_rules)
		s->code_tab['\n'] = 1;
	memcpy(s->block_tab, s->code_tab, sizeof(s->block_tab));
	for (int c = 'a'; c <= 'z'; c++)
		s->block_tab[c] = s->block_tab[c - 32] = 1;
}

static void
set_dialect(struct sqlr *s, enum dialect d)
{
	if (s->dialect == D_UNKNOWN) {
		s->dialect = d;
		build_code_tab(s);
	}
}

static void
skip_start(struct sqlr *s, int until)
{
	s->mode = M_SKIP;
	s->until = until;
	s->k = K_CODE;
	s->kbs = 0;
	s->depth = 0;
	s->bdepth = 0;
	s->end_pending = 0;
	s->prev = s->prev2 = ' ';
}

/*
 * Is the line at b[i] a T-SQL batch separator: GO, an optional count,
 * nothing else but blanks or a -- comment? 1, 0, or -1 when b ends first.
 */
static int
go_line(const char *b, size_t n, int eof, size_t i)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t'))
		i++;
	if (i + 3 > n && !eof)
		return -1;
	if (i + 2 > n || (b[i] | 0x20) != 'g' || (b[i + 1] | 0x20) != 'o')
		return 0;
	i += 2;
	if (i < n && is_ident((unsigned char)b[i]))
		return 0;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || is_digit((unsigned char)b[i])))
		i++;
	if (i >= n)
		return eof ? 1 : -1;
	if (b[i] == '-')
		return i + 1 < n ? b[i + 1] == '-' : eof ? 0 : -1;
	return b[i] == '\n' || b[i] == '\r';
}

/* A line holding only '/' (SQL*Plus and DB2 run the block above): 1, 0, -1. */
static int
slash_line(const char *b, size_t n, int eof, size_t i)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t'))
		i++;
	if (i >= n)
		return eof ? 0 : -1;
	if (b[i] != '/')
		return 0;
	for (i++; i < n; i++)
		if (b[i] == '\n')
			return 1;
		else if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r')
			return 0;
	return eof ? 1 : -1;
}

/* Words that start a T-SQL statement (one that needs no ';' before it). */
static int
tsql_start(const char *w, size_t wl)
{
	static const char *const k[] = {
	    "ALTER",    "BACKUP", "BEGIN",    "COMMIT", "CREATE",    "DBCC",    "DECLARE", "DELETE",
	    "DENY",     "DROP",   "ELSE",     "END",    "EXEC",      "EXECUTE", "GO",      "GRANT",
	    "IF",       "INSERT", "MERGE",    "PRINT",  "RAISERROR", "RESTORE", "RETURN",  "REVOKE",
	    "ROLLBACK", "SET",    "TRUNCATE", "UPDATE", "USE",       "WHILE",   NULL};
	for (size_t i = 0; k[i]; i++)
		if (kw(w, wl, k[i]))
			return 1;
	return 0;
}

/*
 * At a line start b[i] in a statement being skipped (outside quotes and
 * parentheses): does the statement end before this line? 1, 0, or -1
 * when b ends first.
 */
static int
line_ends(const struct sqlr *s, const char *b, size_t n, int eof, size_t i)
{
	size_t j = i;

	while (j < n && (b[j] == ' ' || b[j] == '\t'))
		j++;
	size_t w = j;
	while (j < n && j - w < 24 && is_ident((unsigned char)b[j]))
		j++;
	if (j >= n && !eof)
		return -1;
	size_t wl = j - w;
	if (s->dialect == D_ORACLE || s->dialect == D_DB2)
		return s->until != U_ROW && wl == 0 ? slash_line(b, n, eof, i) : 0;
	if (s->dialect == D_TSQL) {
		if (s->until == U_BATCH || (s->until == U_STMT && kw(b + w, wl, "GO")))
			return go_line(b, n, eof, i);
		return s->until == U_STMT && wl > 0 && tsql_start(b + w, wl) &&
		       (j >= n || !is_ident((unsigned char)b[j]));
	}
	/* the mysql client reads DELIMITER at a line start */
	if (s->until != U_ROW && kw(b + w, wl, "DELIMITER") && j < n &&
	    (b[j] == ' ' || b[j] == '\t'))
		return 1;
	/*
	 * A statement that lost its ';' must not take the rows after it: a
	 * line that starts INSERT INTO ends it (routine bodies, where that
	 * would be wrong, are skipped to other targets).
	 */
	if (s->until != U_STMT || !kw(b + w, wl, "INSERT"))
		return 0;
	while (j < n && (b[j] == ' ' || b[j] == '\t'))
		j++;
	if (n - j < 5)
		return eof ? 0 : -1;
	return !strncasecmp(b + j, "INTO", 4) && is_space((unsigned char)b[j + 4]);
}

/*
 * U_BLOCK: a word at b[i] (its first letter) in a routine body: BEGIN and
 * CASE open a block, END closes one unless END IF, END LOOP, ... follow.
 * The index past the word, or (size_t)-1 when b ends inside it.
 */
static size_t
block_word(struct sqlr *s, const char *b, size_t n, int eof, size_t i)
{
	size_t j = i;

	while (j < n && is_ident((unsigned char)b[j]))
		j++;
	if (j >= n && !eof && j - i < 16)
		return (size_t)-1;
	const char *w = b + i;
	size_t wl = j - i;
	if (s->end_pending) {
		s->end_pending = 0;
		if (kw(w, wl, "IF") || kw(w, wl, "LOOP") || kw(w, wl, "WHILE") ||
		    kw(w, wl, "REPEAT") || kw(w, wl, "FOR"))
			return j;
		s->bdepth--;
		if (kw(w, wl, "CASE"))
			return j; /* END CASE */
	}
	if (kw(w, wl, "BEGIN") || kw(w, wl, "CASE"))
		s->bdepth++;
	else if (kw(w, wl, "END"))
		s->end_pending = 1;
	return j;
}

/*
 * Runs the machine over b[*ip..n): 1 when its target is reached
 * (*ip just past it), 0 when it needs more bytes (*ip: what it is done
 * with; it never needs more than 66 bytes kept).
 */
static int
skip_scan(struct sqlr *s, const char *b, size_t n, int eof, size_t *ip)
{
	size_t i = *ip;
	int done = 0;
	const unsigned char *tab = s->until == U_BLOCK ? s->block_tab : s->code_tab;

	while (i < n && !done) {
		unsigned char c;
		switch (s->k) {
		case K_CODE:
			while (i < n && !tab[(unsigned char)b[i]])
				i++;
			if (i >= n)
				break;
			c = (unsigned char)b[i];
			unsigned char p1 = i > 0 ? (unsigned char)b[i - 1] : s->prev;
			unsigned char p2 = i > 1    ? (unsigned char)b[i - 2]
			                   : i == 1 ? s->prev
			                            : s->prev2;
			if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
				/* U_BLOCK: a word */
				if (is_ident(p1)) {
					i++;
					break;
				}
				size_t j = block_word(s, b, n, eof, i);
				if (j == (size_t)-1)
					goto need;
				i = j;
				break;
			}
			if (s->end_pending) {
				s->end_pending = 0;
				s->bdepth--;
			}
			if (c == (unsigned char)s->delim[0]) {
				if (i + s->delim_len > n && !eof)
					goto need;
				if (i + s->delim_len <= n &&
				    !memcmp(b + i, s->delim, s->delim_len)) {
					i += s->delim_len;
					/* a ';' in a routine body does not end it */
					int custom = s->delim_len > 1 || s->delim[0] != ';';
					if (s->until == U_BATCH || s->until == U_SLASH ||
					    (s->until == U_BLOCK && s->bdepth > 0 && !custom))
						break;
					s->mode = M_TOP;
					done = 1;
					break;
				}
			}
			if (c == '\n') {
				i++;
				if (s->depth > 0 && s->until != U_BATCH && s->until != U_SLASH)
					break;
				int e = line_ends(s, b, n, eof, i);
				if (e < 0) {
					i--;
					goto need;
				}
				if (e) {
					s->mode = M_TOP;
					done = 1;
				}
				break;
			}
			if (c == '\'') {
				s->kq = '\'';
				s->kesc = plain_esc(s) != ES_NONE ||
				          ((p1 | 0x20) == 'e' && !is_ident(p2));
				s->k = K_QUOTE;
			} else if (c == '"' || c == '`') {
				s->kq = (char)c;
				s->kesc = c == '"' && plain_esc(s) == ES_MYSQL;
				s->k = K_QUOTE;
			} else if (c == '[' && bracket_names(s)) {
				s->kq = ']';
				s->kesc = 0;
				s->k = K_QUOTE;
			} else if (c == '-' || c == '/') {
				if (i + 1 >= n && !eof)
					goto need;
				if (i + 1 < n && b[i + 1] == (c == '-' ? '-' : '*')) {
					s->k = c == '-' ? K_LINE : K_BLOCK;
					i++;
				}
			} else if (c == '#' && hash_comments(s)) {
				s->k = K_LINE;
			} else if (c == '$' && s->dialect != D_MYSQL && !is_ident(p1)) {
				/* $tag$ opens a dollar-quoted body */
				size_t j = i + 1;
				while (j < n && j - i <= 64 && is_ident((unsigned char)b[j]) &&
				       b[j] != '$')
					j++;
				if (j >= n && !eof)
					goto need;
				if (j < n && b[j] == '$' && j - i <= 64 &&
				    !is_digit((unsigned char)b[i + 1])) {
					s->tag_len = j - i + 1;
					memcpy(s->tag, b + i, s->tag_len);
					s->k = K_DOLLAR;
					i = j;
				}
			} else if (c == '(') {
				if (s->depth <= 0 && s->count_tuples && s->until == U_STMT)
					s->tuples++;
				s->depth++;
			} else if (c == ')') {
				if (--s->depth <= 0 && s->until == U_ROW) {
					s->mode = M_ROWS;
					done = 1;
				}
			}
			i++;
			break;
		case K_QUOTE:
			if (s->kbs) {
				s->kbs = 0;
				i++;
				break;
			}
			if (!s->kesc) {
				const char *q = memchr(b + i, s->kq, n - i);
				if (!q) {
					i = n;
					break;
				}
				i = (size_t)(q - b) + 1;
				s->k = K_CODE;
				break;
			}
			while (i < n && b[i] != s->kq && b[i] != '\\')
				i++;
			if (i >= n)
				break;
			if (b[i] == '\\')
				s->kbs = 1;
			else
				s->k = K_CODE;
			i++;
			break;
		case K_LINE: {
			const char *nl = memchr(b + i, '\n', n - i);
			i = nl ? (size_t)(nl - b) + 1 : n;
			if (nl)
				s->k = K_CODE;
			break;
		}
		case K_BLOCK: {
			const char *e = memmem(b + i, n - i, "*/", 2);
			if (e) {
				i = (size_t)(e - b) + 2;
				s->k = K_CODE;
			} else if (eof)
				i = n;
			else {
				if (n - i > 1)
					i = n - 1; /* keep a '*' that may start the end */
				goto need;
			}
			break;
		}
		case K_DOLLAR: {
			const char *e = memmem(b + i, n - i, s->tag, s->tag_len);
			if (e) {
				i = (size_t)(e - b) + s->tag_len;
				s->k = K_CODE;
			} else if (eof)
				i = n;
			else {
				if (n - i >= s->tag_len)
					i = n - s->tag_len + 1;
				goto need;
			}
			break;
		}
		}
	}
	if (0) {
	need:
		done = 0;
	}
	if (i > 0) {
		s->prev = (unsigned char)b[i - 1];
		s->prev2 = i > 1 ? (unsigned char)b[i - 2] : s->prev;
	}
	*ip = i;
	return done;
}

/*
 * The rows skipped after a bad one (count_tuples) are owed as rejections:
 * one each, at the place the skipping began.
 */
static void
skip_owe(struct sqlr *s)
{
	if (s->count_tuples && s->tuples) {
		s->owed += s->tuples;
		s->owed_line = s->tuple_line;
		s->owed_off = s->tuple_off;
	}
	s->count_tuples = 0;
	s->tuples = 0;
}

/* M_SKIP: runs the machine, consuming, until its target or the end. */
static int
skip_run(struct reader *r, struct sqlr *s)
{
	for (;;) {
		size_t len, i = 0;
		const char *buf = source_data(r->src, &len);
		int done = skip_scan(s, buf, len, s->eof, &i);

		advance(r, s, i);
		if (done) {
			skip_owe(s);
			return 1;
		}
		if (s->eof && i >= len) {
			skip_owe(s);
			s->mode = M_TOP;
			return 1;
		}
		int g = grow(r, s, len - i);
		if (g < 0)
			return source_failed(r, s);
	}
}

/* M_LINE: drops the rest of the line. */
static int
line_run(struct reader *r, struct sqlr *s)
{
	for (;;) {
		size_t len;
		const char *buf = source_data(r->src, &len);
		const char *nl = memchr(buf, '\n', len);

		if (nl) {
			advance(r, s, (size_t)(nl - buf) + 1);
			s->mode = s->line_then;
			return 1;
		}
		advance(r, s, len);
		if (s->eof) {
			s->mode = M_TOP;
			return 1;
		}
		if (grow(r, s, 0) < 0)
			return source_failed(r, s);
	}
}

/* --- the lexer of statement heads and rows (over a whole buffer) ---- */

struct lx {
	const char *b;
	size_t n, i;
	int eof, hash;
	int names_in_quotes; /* a table's name may be a 'string' */
};

/* Skips white space and comments; -1 when the buffer ends first. */
static int
lx_ws_slow(struct lx *l)
{
	for (;;) {
		while (l->i < l->n && is_space((unsigned char)l->b[l->i]))
			l->i++;
		if (l->i >= l->n)
			return -1;
		char c = l->b[l->i];
		char d = l->i + 1 < l->n ? l->b[l->i + 1] : 0;
		if ((c == '-' || c == '/') && l->i + 1 >= l->n)
			return l->eof ? 0 : -1;
		if ((c == '-' && d == '-') || (c == '#' && l->hash)) {
			const char *nl = memchr(l->b + l->i, '\n', l->n - l->i);
			if (!nl) {
				l->i = l->n;
				return -1;
			}
			l->i = (size_t)(nl - l->b) + 1;
		} else if (c == '/' && d == '*') {
			const char *e = memmem(l->b + l->i + 2, l->n - l->i - 2, "*/", 2);
			if (!e) {
				l->i = l->n;
				return -1;
			}
			l->i = (size_t)(e - l->b) + 2;
		} else
			return 0;
	}
}

/* lx_ws_slow(), with the common case (a token right here) inline. */
static inline int
lx_ws(struct lx *l)
{
	if (l->i < l->n) {
		unsigned char c = (unsigned char)l->b[l->i];
		if (!is_space(c) && c != '-' && c != '/' && c != '#')
			return 0;
	}
	return lx_ws_slow(l);
}

/* A bare word at l->i: its length (0 if none), -1 when the buffer cuts it. */
static long
lx_word(struct lx *l, const char **w)
{
	size_t j = l->i;

	*w = l->b + j;
	while (j < l->n && is_ident((unsigned char)l->b[j]))
		j++;
	if (j >= l->n && !l->eof)
		return -1;
	long k = (long)(j - l->i);
	l->i = j;
	return k;
}

static int
need(struct sqlr *s, struct lx *l, const char *what)
{
	if (!strcmp(what, "a string") && s->str_open == (size_t)-1)
		s->str_open = l->i; /* lx_skip_quoted()'s: its opening quote */
	if (!l->eof)
		return P_MORE;
	snprintf(s->err, sizeof(s->err), "unexpected end of input in %s", what);
	s->err_at = l->i < l->n ? l->i : l->n;
	return P_ERR;
}

static int
syntax(struct sqlr *s, struct lx *l, const char *what)
{
	snprintf(s->err, sizeof(s->err), "syntax error: %s", what);
	s->err_at = l->i;
	return P_ERR;
}

/*
 * One identifier, quoted (`x`, "x", [x]) or bare, unquoted into scratch.
 * P_OK, P_MORE, or P_ERR (none there, or too long).
 */
static int
lx_ident(struct sqlr *s, struct lx *l)
{
	char c = l->b[l->i];
	char close = c == '`' ? '`' : c == '"' ? '"' : c == '[' ? ']' : 0;

	if (c == '\'' && l->names_in_quotes)
		close = '\''; /* SQLite and MySQL take 'name' for a name here */
	if (close) {
		if (c == '`')
			set_dialect(s, D_MYSQL);
		size_t j = l->i + 1;
		for (;;) {
			const char *q = memchr(l->b + j, close, l->n - j);
			if (!q)
				return need(s, l, "a quoted name");
			size_t e = (size_t)(q - l->b);
			if (dynbuf_add(&s->scratch, l->b + j, e - j) < 0)
				return syntax(s, l, "name too long");
			if (e + 1 >= l->n && !l->eof)
				return P_MORE;
			if (e + 1 < l->n && l->b[e + 1] == close) {
				dynbuf_addc(&s->scratch, close); /* a doubled quote */
				j = e + 2;
				continue;
			}
			l->i = e + 1;
			return P_OK;
		}
	}
	const char *w;
	size_t hash = 0;
	while (s->dialect == D_TSQL && l->i + hash < l->n && l->b[l->i + hash] == '#' && hash < 2)
		hash++; /* #temp and ##global tables */
	l->i += hash;
	long wl = lx_word(l, &w);
	if (wl < 0)
		return P_MORE;
	if (wl == 0)
		return syntax(s, l, "name expected");
	if (dynbuf_add(&s->scratch, w - hash, (size_t)wl + hash) < 0)
		return syntax(s, l, "name too long");
	return P_OK;
}

/* A possibly qualified name (schema.table); only its last part is kept. */
static int
lx_qname(struct sqlr *s, struct lx *l)
{
	for (;;) {
		size_t start = s->scratch.len;
		int st = lx_ident(s, l);
		if (st != P_OK)
			return st;
		size_t save = l->i;
		if (lx_ws(l) < 0 && !l->eof)
			return P_MORE;
		if (l->i < l->n && l->b[l->i] == '.') {
			l->i++;
			if (lx_ws(l) < 0)
				return need(s, l, "a name");
			s->scratch.len = start; /* keep only the last part */
			continue;
		}
		l->i = save;
		if (s->scratch.len - start > MAX_IDENT)
			return syntax(s, l, "name too long");
		return P_OK;
	}
}

static int is_statement(const char *w, size_t wl);

/*
 * Did the string opened at buf[from] swallow statements: a line of it,
 * after a ';' line end, that starts with INSERT, COPY or another statement?
 */
static int
swallowed(const char *buf, size_t from, size_t len)
{
	for (const char *p = buf + from; (p = memchr(p, '\n', len - (size_t)(p - buf))); ) {
		const char *e = p;
		while (e > buf + from && (e[-1] == '\r' || e[-1] == ' '))
			e--;
		p++;
		if (e == buf + from || e[-1] != ';')
			continue;
		size_t i = (size_t)(p - buf), j = i;
		while (j < len && is_ident((unsigned char)buf[j]))
			j++;
		if (j > i && (kw(buf + i, j - i, "INSERT") || kw(buf + i, j - i, "REPLACE") ||
			      kw(buf + i, j - i, "COPY") || is_statement(buf + i, j - i)))
			return 1;
	}
	return 0;
}

/* A string at l->i that ran into the next statements: P_ERR, rows_step() resyncs on its line. */
static int
swallow(struct sqlr *s, struct lx *l)
{
	s->str_open = l->i;
	s->swallowed = 1;
	snprintf(s->err, sizeof(s->err), "a string runs on into the statements after it");
	s->err_at = l->i;
	return P_ERR;
}

/* Skips the quoted string or name at l->i (its opening quote). */
static int
lx_skip_quoted(struct sqlr *s, struct lx *l, enum esc esc)
{
	char q = l->b[l->i];
	size_t j = l->i + 1;

	for (;;) {
		if (j >= l->n)
			return need(s, l, "a string");
		if (l->b[j] == '\\' && esc != ES_NONE && q != '`') {
			j += 2;
			continue;
		}
		if (l->b[j] == q)
			break;
		j++;
	}
	if (q == '\'' && memchr(l->b + l->i, '\n', j - l->i) && swallowed(l->b, l->i, j))
		return swallow(s, l);
	l->i = j + 1;
	return P_OK;
}

/*
 * Skips a balanced (...) group starting at l->i, strings and comments
 * included. P_OK with l->i past it.
 */
static int
lx_balanced(struct sqlr *s, struct lx *l, enum esc esc)
{
	long depth = 0;

	while (l->i < l->n) {
		char c = l->b[l->i];
		if (c == '\'' || c == '"' || c == '`') {
			int st = lx_skip_quoted(s, l, esc);
			if (st != P_OK)
				return st;
			continue;
		}
		if (c == '-' || c == '/' || c == '#') {
			size_t before = l->i;
			if (lx_ws(l) < 0)
				return need(s, l, "parentheses");
			if (l->i != before)
				continue; /* a comment */
		}
		l->i++;
		if (c == '(')
			depth++;
		else if (c == ')' && --depth <= 0)
			return P_OK;
	}
	return need(s, l, "parentheses");
}

/* --- values ---------------------------------------------------------- */

static int
arena_add(struct sqlr *s, struct lx *l, const void *p, size_t n)
{
	if (dynbuf_add(&s->arena, p, n) < 0) {
		snprintf(s->err, sizeof(s->err), "row longer than the --max-record limit");
		s->err_at = l->i;
		return -1;
	}
	return 0;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The C letter escapes every dialect shares (\b \f \n \r \t \v), each
 * dialect allowing its own subset: the byte for c, or -1.
 */
static int
letter_escape(unsigned char c, const char *allowed)
{
	static const char from[] = "bfnrtv", to[] = "\b\f\n\r\t\v";
	const char *p = c ? strchr(from, c) : NULL;
	return p && strchr(allowed, c) ? to[p - from] : -1;
}

/*
 * Decodes one escape at b[j] (just past the backslash) into the arena;
 * returns the bytes read past the backslash, or 0 when more are needed.
 */
static size_t
unescape(struct sqlr *s, struct lx *l, size_t j, enum esc esc)
{
	unsigned char c = (unsigned char)l->b[j];
	char out[8];
	size_t o = 0, used = 1;

	int e = letter_escape(c, esc == ES_MYSQL ? "bnrt" : "bfnrt");
	if (e >= 0) {
		out[o++] = (char)e;
	} else if (esc == ES_MYSQL) {
		if (c == '0')
			out[o++] = '\0';
		else if (c == 'Z')
			out[o++] = 0x1a;
		else if (c == '\\' || c == '\'' || c == '"')
			out[o++] = (char)c;
		else {
			/* not a MySQL escape: the backslash was meant */
			out[o++] = '\\';
			used = 0;
		}
	} else {
		/* PostgreSQL E'' strings */
		unsigned v = 0;
		switch (c) {
		case 'x':
			while (used < 3 && j + used < l->n &&
			       hexval((unsigned char)l->b[j + used]) >= 0)
				v = v * 16 + (unsigned)hexval((unsigned char)l->b[j + used++]);
			if (used == 1)
				out[o++] = 'x';
			else
				out[o++] = (char)v;
			break;
		case 'u':
		case 'U': {
			size_t nd = c == 'u' ? 4 : 8;
			if (j + nd >= l->n && !l->eof)
				return 0;
			for (size_t k = 1; k <= nd; k++) {
				int h = j + k < l->n ? hexval((unsigned char)l->b[j + k]) : -1;
				if (h < 0) {
					v = 0xFFFFFFFF;
					break;
				}
				v = v * 16 + (unsigned)h;
			}
			if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
				out[o++] = (char)c; /* not a code point: keep the letter */
			else {
				o = utf8_encode(v, out);
				used = nd + 1;
			}
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				while (used < 3 && j + used < l->n && l->b[j + used] >= '0' &&
				       l->b[j + used] <= '7')
					used++;
				for (size_t k = 0; k < used; k++)
					v = v * 8 + (unsigned)(l->b[j + k] - '0');
				out[o++] = (char)(v & 0xFF);
			} else
				out[o++] = (char)c;
		}
		if (j + used >= l->n && !l->eof && (c == 'x' || (c >= '0' && c <= '7')))
			return 0; /* the number may go on in the next bytes */
	}
	if (arena_add(s, l, out, o) < 0)
		return (size_t)-1;
	return used;
}

/*
 * A string literal at l->i (the opening quote). Without escapes or
 * doubled quotes the value points into the window; else it is decoded
 * into the arena.
 */
static int
lx_string(struct sqlr *s, struct lx *l, enum esc esc, struct val *v)
{
	char q = l->b[l->i];
	size_t j = l->i + 1, end = j;

	s->str_open = l->i; /* until it closes: the line resync's anchor (rows_step) */
	/* the common case first: one pass to the closing quote */
	if (esc == ES_NONE) {
		const char *e = memchr(l->b + j, q, l->n - j);
		end = e ? (size_t)(e - l->b) : l->n;
	} else
		end = find2(l->b, j, l->n, (unsigned char)q, '\\');
	if (end >= l->n)
		return need(s, l, "a string");
	/* a string of many lines: a lost quote, if the lines look like statements */
	if (memchr(l->b + j, '\n', end - j) && swallowed(l->b, j, end))
		return swallow(s, l);
	if (l->b[end] == q) {
		if (end + 1 >= l->n && !l->eof)
			return P_MORE; /* the quote may be doubled */
		if (end + 1 >= l->n || l->b[end + 1] != q) {
			v->off = j;
			v->len = end - j;
			v->in_arena = 0;
			l->i = end + 1;
			s->str_open = (size_t)-1;
			return P_OK;
		}
	}
	/* the slow way, into the arena */
	v->off = s->arena.len;
	v->in_arena = 1;
	for (;;) {
		size_t k = j;
		while (k < l->n && l->b[k] != q && !(l->b[k] == '\\' && esc != ES_NONE))
			k++;
		if (arena_add(s, l, l->b + j, k - j) < 0)
			return P_ERR;
		if (k >= l->n)
			return need(s, l, "a string");
		if (l->b[k] == '\\') {
			if (k + 1 >= l->n)
				return need(s, l, "a string");
			size_t used = unescape(s, l, k + 1, esc);
			if (used == (size_t)-1)
				return P_ERR;
			if (used == 0 && esc == ES_PG)
				return P_MORE;
			j = k + 1 + used;
			continue;
		}
		if (k + 1 >= l->n && !l->eof)
			return P_MORE;
		if (k + 1 < l->n && l->b[k + 1] == q) {
			if (arena_add(s, l, &q, 1) < 0)
				return P_ERR;
			j = k + 2;
			continue;
		}
		l->i = k + 1;
		v->len = s->arena.len - v->off;
		s->str_open = (size_t)-1;
		return P_OK;
	}
}

/* Rewrites v as hex text 0x... in the arena (binary data); -1 past the cap. */
static int
to_hex(struct sqlr *s, struct val *v, const char *base)
{
	static const char hx[] = "0123456789abcdef";
	size_t n = v->len;
	char *d = dynbuf_reserve(&s->arena, 2 + 2 * n);

	if (!d)
		return -1;
	const unsigned char *p =
	    (const unsigned char *)(v->in_arena ? s->arena.buf : base) + v->off;
	d[0] = '0';
	d[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		d[2 + 2 * i] = hx[p[i] >> 4];
		d[3 + 2 * i] = hx[p[i] & 15];
	}
	v->off = s->arena.len;
	v->len = 2 + 2 * n;
	v->in_arena = 1;
	v->is_hex = 1;
	s->arena.len += v->len;
	return 0;
}

static const char *
val_ptr(const struct sqlr *s, const struct val *v, const char *base)
{
	return (v->in_arena ? s->arena.buf : base) + v->off;
}

/* v becomes the n bytes at p, copied into the arena (p must not be in it). */
static int
val_set(struct sqlr *s, struct lx *l, struct val *v, const char *p, size_t n)
{
	size_t off = s->arena.len;

	if (arena_add(s, l, p, n) < 0)
		return P_ERR;
	v->off = off;
	v->len = n;
	v->in_arena = 1;
	v->is_null = 0;
	return P_OK;
}

/* v becomes v followed by w (concatenation), in the arena. */
static int
val_concat(struct sqlr *s, struct lx *l, struct val *v, const struct val *w)
{
	size_t off = s->arena.len, n = v->len + w->len;
	char *d = dynbuf_reserve(&s->arena, n ? n : 1);

	if (!d) {
		snprintf(s->err, sizeof(s->err), "row longer than the --max-record limit");
		s->err_at = l->i;
		return P_ERR;
	}
	/* the reserve may have moved the arena: the sources are found anew */
	memmove(d, val_ptr(s, v, l->b), v->len);
	memmove(d + v->len, val_ptr(s, w, l->b), w->len);
	s->arena.len += n;
	v->off = off;
	v->len = n;
	v->in_arena = 1;
	return P_OK;
}

static int lx_value(struct sqlr *s, struct lx *l, struct val *v, int nest);

/* White space, a value, white space: P_OK with l->i at what follows. */
static int
lx_spaced_value(struct sqlr *s, struct lx *l, struct val *v, int nest, const char *what)
{
	if (lx_ws(l) < 0)
		return need(s, l, what);
	int st = lx_value(s, l, v, nest);
	if (st != P_OK)
		return st;
	return lx_ws(l) < 0 ? need(s, l, what) : P_OK;
}
static int hex_lower(struct sqlr *s, struct lx *l, struct val *v);
static int head_target(struct sqlr *s, struct lx *l);
static int start_data(struct reader *r, struct sqlr *s, enum mode m);

/*
 * The arguments of a function call at l->i (the '('), as values; *nargs
 * holds how many (at most max).
 */
static int
lx_args(struct sqlr *s, struct lx *l, struct val *args, size_t max, size_t *nargs, int nest)
{
	*nargs = 0;
	l->i++;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a function call");
		if (l->b[l->i] == ')' && *nargs == 0) {
			l->i++;
			return P_OK;
		}
		if (*nargs >= max)
			return syntax(s, l, "too many arguments");
		int st = lx_value(s, l, &args[(*nargs)++], nest + 1);
		if (st != P_OK)
			return st;
		if (lx_ws(l) < 0)
			return need(s, l, "a function call");
		char c = l->b[l->i++];
		if (c == ')')
			return P_OK;
		if (c != ',')
			return syntax(s, l, "',' or ')' expected in a function call");
	}
}

/* An integer argument (a code point, a style): 0 and *out, or -1. */
static int
val_int(const struct sqlr *s, const struct lx *l, const struct val *a, unsigned long *out)
{
	const char *p = val_ptr(s, a, l->b);

	*out = 0;
	if (a->is_null || a->is_str || a->len == 0 || a->len > 9)
		return -1;
	for (size_t k = 0; k < a->len; k++) {
		if (!is_digit((unsigned char)p[k]))
			return -1;
		*out = *out * 10 + (unsigned long)(p[k] - '0');
	}
	return 0;
}

/* char(n, ...), chr(n), nchar(n): code points to UTF-8. */
static int
eval_char(struct sqlr *s, struct lx *l, const struct val *a, size_t na, struct val *v)
{
	struct val out = {s->arena.len, 0, 1, 0, 1, 0, 0};

	for (size_t i = 0; i < na; i++) {
		unsigned long cp;
		char u[4];
		if (val_int(s, l, &a[i], &cp) < 0 || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return syntax(s, l, "bad code point in char()");
		if (arena_add(s, l, u, utf8_encode((unsigned)cp, u)) < 0)
			return P_ERR;
	}
	out.len = s->arena.len - out.off;
	*v = out;
	return P_OK;
}

/* replace(x, from, to), as SQLite's .dump writes for line ends. */
static int
eval_replace(struct sqlr *s, struct lx *l, const struct val *a, struct val *v)
{
	if (a[0].is_null || a[1].is_null || a[2].is_null) {
		v->is_null = 1;
		v->len = 0;
		return P_OK;
	}
	/* copy the arguments first: the arena may move while the result grows */
	size_t xl = a[0].len, fl = a[1].len, tl = a[2].len;
	char *tmp = xmalloc(xl + fl + tl + 1);
	memcpy(tmp, val_ptr(s, &a[0], l->b), xl);
	memcpy(tmp + xl, val_ptr(s, &a[1], l->b), fl);
	memcpy(tmp + xl + fl, val_ptr(s, &a[2], l->b), tl);
	const char *x = tmp, *f = tmp + xl, *t = tmp + xl + fl;
	size_t off = s->arena.len, k = 0;
	int st = P_OK;

	while (k < xl) {
		const char *hit = fl ? memmem(x + k, xl - k, f, fl) : NULL;
		size_t stop = hit ? (size_t)(hit - x) : xl;
		if (arena_add(s, l, x + k, stop - k) < 0 || (hit && arena_add(s, l, t, tl) < 0)) {
			st = P_ERR;
			break;
		}
		k = hit ? stop + fl : xl;
	}
	free(tmp);
	v->off = off;
	v->len = s->arena.len - off;
	v->in_arena = 1;
	v->is_null = 0;
	v->is_str = 1;
	return st;
}

/* Oracle's unistr('a\00e9'): \XXXX UTF-16 units, \\ a backslash. */
static int
eval_unistr(struct sqlr *s, struct lx *l, const struct val *a, struct val *v)
{
	const char *p = val_ptr(s, a, l->b);
	size_t n = a->len, off = s->arena.len;
	char *tmp = xmalloc(n + 1);

	memcpy(tmp, p, n);
	p = tmp;
	for (size_t i = 0; i < n;) {
		if (p[i] != '\\') {
			if (arena_add(s, l, p + i, 1) < 0)
				goto fail;
			i++;
			continue;
		}
		if (i + 1 < n && p[i + 1] == '\\') {
			if (arena_add(s, l, "\\", 1) < 0)
				goto fail;
			i += 2;
			continue;
		}
		/* \XXXX (Oracle), and SQLite's \uXXXX, \+XXXXXX, \UXXXXXXXX */
		size_t skip = 1, nd = 4;
		if (i + 1 < n && (p[i + 1] == 'u' || p[i + 1] == '+' || p[i + 1] == 'U')) {
			skip = 2;
			nd = p[i + 1] == 'u' ? 4 : p[i + 1] == '+' ? 6 : 8;
		}
		unsigned u = 0;
		for (size_t k = 0; k < nd; k++) {
			int h = i + skip + k < n ? hexval((unsigned char)p[i + skip + k]) : -1;
			if (h < 0)
				goto bad;
			u = u * 16 + (unsigned)h;
		}
		i += skip + nd;
		if (u > 0x10FFFF)
			goto bad;
		if (u >= 0xD800 && u <= 0xDBFF && i + 5 <= n && p[i] == '\\') {
			unsigned lo = 0;
			for (size_t k = 1; k <= 4; k++) {
				int h = hexval((unsigned char)p[i + k]);
				if (h < 0)
					goto bad;
				lo = lo * 16 + (unsigned)h;
			}
			if (lo < 0xDC00 || lo > 0xDFFF)
				goto bad;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i += 5;
		} else if (u >= 0xD800 && u <= 0xDFFF)
			goto bad;
		char out[4];
		if (arena_add(s, l, out, utf8_encode(u, out)) < 0)
			goto fail;
	}
	free(tmp);
	v->off = off;
	v->len = s->arena.len - off;
	v->in_arena = 1;
	v->is_null = 0;
	v->is_str = 1;
	return P_OK;
bad:
	syntax(s, l, "bad escape in unistr()");
fail:
	free(tmp);
	return P_ERR;
}

/* A date made by a function, as ISO text; P_ERR when it does not parse. */
static int
val_date(struct sqlr *s, struct lx *l, struct val *v, int len, const char *text)
{
	if (len < 0)
		return syntax(s, l, "not a date the function's format reads");
	return val_set(s, l, v, text, (size_t)len);
}

/* to_date(s [, model]), to_timestamp(s [, model]): ISO text. */
static int
eval_to_date(struct sqlr *s, struct lx *l, const struct val *a, size_t na, struct val *v)
{
	char out[SQLDATE_MAX];
	int k;

	if (na < 1 || na > 3 || (na >= 2 && a[1].is_null))
		return syntax(s, l, "to_date() takes a string and a format");
	if (a[0].is_null) {
		*v = a[0];
		return P_OK;
	}
	const char *p = val_ptr(s, &a[0], l->b);
	if (na == 1) {
		k = sqldate_guess(p, a[0].len, out);
		if (k < 0) {
			*v = a[0]; /* the default format is the session's: keep the text */
			return P_OK;
		}
	} else
		k = sqldate_model(p, a[0].len, val_ptr(s, &a[1], l->b), a[1].len, out);
	return val_date(s, l, v, k, out);
}

/* Is this type name a date or time type? */
static int
date_type(const char *w, size_t wl)
{
	return kw(w, wl, "date") || kw(w, wl, "datetime") || kw(w, wl, "datetime2") ||
	       kw(w, wl, "smalldatetime") || kw(w, wl, "timestamp") || kw(w, wl, "datetimeoffset");
}

/* A cast's value: the value itself, dates made ISO, T-SQL's hex datetimes read. */
static int
cast_value(struct sqlr *s, struct lx *l, struct val *v, const char *type, size_t tl)
{
	char out[SQLDATE_MAX];
	int k = -1;

	if (v->is_null || !date_type(type, tl))
		return P_OK;
	const char *p = val_ptr(s, v, l->b);
	if (v->is_hex && v->len > 2 && (kw(type, tl, "datetime") || kw(type, tl, "smalldatetime")))
		k = sqldate_tsql_binary(p + 2, v->len - 2, out);
	else if (v->is_str)
		k = sqldate_guess(p, v->len, out);
	if (k >= 0)
		return val_set(s, l, v, out, (size_t)k);
	return P_OK;
}

/* Skips a type name (words, (n, m), [], quoted) up to ')' or ','; its first word. */
static int
lx_type(struct sqlr *s, struct lx *l, const char **w, size_t *wl)
{
	*w = NULL;
	*wl = 0;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a type");
		char c = l->b[l->i];
		if (c == ')' || c == ',')
			return P_OK;
		if (c == '(') {
			int st = lx_balanced(s, l, ES_NONE);
			if (st != P_OK)
				return st;
		} else if (c == '[' && s->dialect == D_TSQL) {
			size_t m = s->scratch.len;
			int st = lx_ident(s, l);
			if (st == P_OK && !*w) {
				/* [datetime]: the name is kept in the window, unquoted */
				*w = l->b + l->i - 1 - (s->scratch.len - m);
				*wl = s->scratch.len - m;
			}
			s->scratch.len = m;
			if (st != P_OK)
				return st;
		} else if (is_ident((unsigned char)c)) {
			const char *x;
			long xl = lx_word(l, &x);
			if (xl < 0)
				return P_MORE;
			if (!*w) {
				*w = x;
				*wl = (size_t)xl;
			}
		} else if (c == '[' || c == ']' || c == '.' || c == '"') {
			l->i++;
		} else
			return syntax(s, l, "bad type in a cast");
	}
}

/* The type that ends a CAST or a CONVERT, its ')', and the value cast to it. */
static int
cast_type(struct sqlr *s, struct lx *l, struct val *v)
{
	const char *t;
	size_t tl;
	int st = lx_type(s, l, &t, &tl);

	if (st != P_OK)
		return st;
	if (l->b[l->i] != ')')
		return syntax(s, l, "')' expected after a type");
	l->i++;
	return t ? cast_value(s, l, v, t, tl) : P_OK;
}

/* CAST(x AS type) at l->i (the '('). */
static int
eval_cast(struct sqlr *s, struct lx *l, struct val *v, int nest)
{
	const char *w;
	long wl;

	l->i++;
	int st = lx_spaced_value(s, l, v, nest + 1, "a CAST");
	if (st != P_OK)
		return st;
	if ((wl = lx_word(l, &w)) < 0)
		return P_MORE;
	if (!kw(w, (size_t)wl, "AS"))
		return syntax(s, l, "AS expected in a CAST");
	return cast_type(s, l, v);
}

/*
 * CONVERT at l->i (the '('): T-SQL's CONVERT(type, x [, style]) (the
 * style reads dates), MySQL's CONVERT(x, type) and CONVERT(x USING cs).
 */
static int
eval_convert(struct sqlr *s, struct lx *l, struct val *v, int nest)
{
	const char *w, *t = NULL;
	size_t tl = 0;
	int st;

	l->i++;
	if (lx_ws(l) < 0)
		return need(s, l, "a CONVERT");
	size_t save = l->i;
	long wl = lx_word(l, &w);
	if (wl < 0)
		return P_MORE;
	if (lx_ws(l) < 0)
		return need(s, l, "a CONVERT");
	int tsql = (wl > 0 && !kw(w, (size_t)wl, "NULL") && l->b[l->i] != '\'' &&
	            (l->b[l->i] == ',' || l->b[l->i] == '(')) ||
	           l->b[save] == '[';
	l->i = save;
	if (tsql) {
		if ((st = lx_type(s, l, &t, &tl)) != P_OK)
			return st;
		if (l->b[l->i] != ',')
			return syntax(s, l, "',' expected in a CONVERT");
		l->i++;
		if ((st = lx_spaced_value(s, l, v, nest + 1, "a CONVERT")) != P_OK)
			return st;
		unsigned long style = 0;
		int has_style = 0;
		if (l->b[l->i] == ',') {
			struct val sv;
			l->i++;
			if (lx_ws(l) < 0)
				return need(s, l, "a CONVERT");
			if ((st = lx_value(s, l, &sv, nest + 1)) != P_OK)
				return st;
			if (val_int(s, l, &sv, &style) < 0)
				return syntax(s, l, "bad style in a CONVERT");
			has_style = 1;
			if (lx_ws(l) < 0)
				return need(s, l, "a CONVERT");
		}
		if (l->b[l->i] != ')')
			return syntax(s, l, "')' expected after a CONVERT");
		l->i++;
		if (has_style && v->is_str && t && date_type(t, tl)) {
			char out[SQLDATE_MAX];
			int k = sqldate_tsql_style(val_ptr(s, v, l->b), v->len, (int)style, out);
			return val_date(s, l, v, k, out);
		}
		return t ? cast_value(s, l, v, t, tl) : P_OK;
	}
	if ((st = lx_value(s, l, v, nest + 1)) != P_OK)
		return st;
	if (lx_ws(l) < 0)
		return need(s, l, "a CONVERT");
	if (l->b[l->i] == ',')
		l->i++;
	else if ((wl = lx_word(l, &w)) < 0)
		return P_MORE;
	else if (!kw(w, (size_t)wl, "USING"))
		return syntax(s, l, "',' or USING expected in a CONVERT");
	return cast_type(s, l, v);
}

/* Functions whose value is their one argument, unchanged. */
static int
identity_call(const char *w, size_t wl)
{
	static const char *const k[] = {"to_char",         "to_nchar",  "to_clob",
	                                "to_nclob",        "to_number", "to_binary_double",
	                                "to_binary_float", "text",      NULL};
	for (size_t i = 0; k[i]; i++)
		if (kw(w, wl, k[i]))
			return 1;
	return 0;
}

/*
 * A function call: name at w, l->i at its '('. The functions dumps write
 * for constants are evaluated; any other call is P_ERR, which the row
 * turns into the call's text as written.
 */
static int
lx_call(struct sqlr *s, struct lx *l, const char *w, size_t wl, struct val *v, int nest)
{
	struct val a[16];
	size_t na;
	int st;

	if (nest >= MAX_NEST)
		return syntax(s, l, "values nested too deep");
	if (kw(w, wl, "CAST"))
		return eval_cast(s, l, v, nest);
	if (kw(w, wl, "CONVERT"))
		return eval_convert(s, l, v, nest);
	int known = kw(w, wl, "char") || kw(w, wl, "chr") || kw(w, wl, "nchar") ||
	            kw(w, wl, "replace") || kw(w, wl, "concat") || kw(w, wl, "to_date") ||
	            kw(w, wl, "to_timestamp") || kw(w, wl, "unistr") || kw(w, wl, "empty_clob") ||
	            kw(w, wl, "empty_blob") || kw(w, wl, "hextoraw") || kw(w, wl, "unhex") ||
	            identity_call(w, wl);
	if (!known)
		return syntax(s, l, "a function call that is not a constant");
	if ((st = lx_args(s, l, a, 16, &na, nest)) != P_OK)
		return st;
	if (kw(w, wl, "char") || kw(w, wl, "chr") || kw(w, wl, "nchar"))
		return eval_char(s, l, a, na, v);
	if (kw(w, wl, "replace"))
		return na == 3 ? eval_replace(s, l, a, v)
		               : syntax(s, l, "replace() takes 3 values");
	if (kw(w, wl, "to_date") || kw(w, wl, "to_timestamp"))
		return eval_to_date(s, l, a, na, v);
	if (kw(w, wl, "empty_clob") || kw(w, wl, "empty_blob")) {
		v->off = v->len = 0;
		v->in_arena = v->is_null = 0;
		v->is_str = 1;
		return P_OK;
	}
	if (kw(w, wl, "concat")) {
		/* NULLs count as empty (T-SQL, PostgreSQL) */
		struct val out = {s->arena.len, 0, 1, 0, 1, 0, 0};
		for (size_t i = 0; i < na; i++)
			if (!a[i].is_null && val_concat(s, l, &out, &a[i]) != P_OK)
				return P_ERR;
		*v = out;
		return P_OK;
	}
	if (na != 1)
		return syntax(s, l, "one value expected");
	if (kw(w, wl, "unistr"))
		return a[0].is_null ? (*v = a[0], P_OK) : eval_unistr(s, l, &a[0], v);
	*v = a[0];
	if ((kw(w, wl, "hextoraw") || kw(w, wl, "unhex")) && !a[0].is_null) {
		struct val h = a[0];
		if (val_set(s, l, v, "0x", 2) != P_OK || val_concat(s, l, v, &h) != P_OK)
			return P_ERR;
		v->is_hex = 1;
		v->is_str = 0;
		return hex_lower(s, l, v);
	}
	return P_OK;
}

/* ARRAY[a, b] and its nested [..]: PostgreSQL's text form {a,b}. */
static int
lx_array(struct sqlr *s, struct lx *l, struct val *v, int nest)
{
	struct val out = {s->arena.len, 0, 1, 0, 1, 0, 0}, e;
	int first = 1;

	if (nest >= MAX_NEST)
		return syntax(s, l, "arrays nested too deep");
	l->i++; /* '[' */
	if (arena_add(s, l, "{", 1) < 0)
		return P_ERR;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "an array");
		char c = l->b[l->i];
		if (c == ']' && first) {
			l->i++;
			break;
		}
		if (!first && arena_add(s, l, ",", 1) < 0)
			return P_ERR;
		size_t at = s->arena.len; /* out ends here */
		int st = c == '[' ? lx_array(s, l, &e, nest + 1) : lx_value(s, l, &e, nest + 1);
		if (st != P_OK)
			return st;
		/* e may lie anywhere: copy it out, drop what its making left */
		char *tmp = xmalloc(e.len + 1);
		memcpy(tmp, val_ptr(s, &e, l->b), e.len);
		s->arena.len = at;
		int q = 0, bad = 0;
		if (e.is_null)
			bad = arena_add(s, l, "NULL", 4) < 0;
		else {
			/* quote what the array syntax would misread */
			int nested = c == '[' || e.is_arr;
			q = !nested && (e.len == 0 || (e.len == 4 && !strncasecmp(tmp, "NULL", 4)));
			for (size_t k = 0; !nested && k < e.len && !q; k++)
				q = strchr("{},\"\\ \t\n\r", tmp[k]) != NULL;
			bad = q && arena_add(s, l, "\"", 1) < 0;
			for (size_t k = 0; k < e.len && !bad; k++)
				bad = (q && (tmp[k] == '"' || tmp[k] == '\\') &&
				       arena_add(s, l, "\\", 1) < 0) ||
				      arena_add(s, l, tmp + k, 1) < 0;
			bad = bad || (q && arena_add(s, l, "\"", 1) < 0);
		}
		free(tmp);
		if (bad)
			return P_ERR;
		out.len = s->arena.len - out.off;
		first = 0;
		if (lx_ws(l) < 0)
			return need(s, l, "an array");
		c = l->b[l->i++];
		if (c == ']')
			break;
		if (c != ',')
			return syntax(s, l, "',' or ']' expected in an array");
	}
	if (arena_add(s, l, "}", 1) < 0)
		return P_ERR;
	out.len = s->arena.len - out.off;
	out.is_arr = 1;
	out.is_str = 0;
	*v = out;
	return P_OK;
}

/* Oracle's alternative quoting q'[it's]' at l->i (the quote after q). */
static int
lx_qquote(struct sqlr *s, struct lx *l, struct val *v)
{
	if (l->i + 1 >= l->n)
		return need(s, l, "a q'' string");
	char open = l->b[l->i + 1];
	char close = open == '['   ? ']'
	             : open == '{' ? '}'
	             : open == '(' ? ')'
	             : open == '<' ? '>'
	                           : open;
	if (is_space((unsigned char)open))
		return syntax(s, l, "bad q'' string");
	for (size_t j = l->i + 2; j + 1 < l->n; j++)
		if (l->b[j] == close && l->b[j + 1] == '\'') {
			v->off = l->i + 2;
			v->len = j - (l->i + 2);
			v->in_arena = 0;
			v->is_str = 1;
			l->i = j + 2;
			return P_OK;
		}
	return need(s, l, "a q'' string");
}

/*
 * A value as written that cannot be evaluated, at l->i: its text up to the
 * next ',' or ')' outside quotes and brackets, trailing blanks off. The
 * row keeps it and survives.
 */
static int
lx_raw(struct sqlr *s, struct lx *l, struct val *v)
{
	size_t start = l->i;
	long depth = 0;
	enum esc esc = plain_esc(s);

	while (l->i < l->n) {
		char c = l->b[l->i];
		if (c == '\'' || c == '"' || c == '`') {
			int st = lx_skip_quoted(s, l, esc);
			if (st != P_OK)
				return st;
			continue;
		}
		if (c == '-' || c == '/') {
			size_t before = l->i;
			if (lx_ws(l) < 0)
				return need(s, l, "a value");
			if (l->i != before)
				continue; /* a comment */
		}
		if ((c == ',' || c == ')') && depth <= 0)
			break;
		if (c == '(' || c == '[')
			depth++;
		else if (c == ')' || c == ']')
			depth--;
		l->i++;
	}
	if (l->i >= l->n)
		return need(s, l, "a value");
	size_t end = l->i;
	while (end > start && is_space((unsigned char)l->b[end - 1]))
		end--;
	if (end == start)
		return syntax(s, l, "value expected");
	v->off = start;
	v->len = end - start;
	v->in_arena = v->is_null = v->is_str = v->is_hex = v->is_arr = 0;
	return P_OK;
}

/*
 * Binary as hex text in one spelling, 0x and lower-case digits, whether
 * it was written 0xFF, X'FF' or raw bytes: the same BLOB reads the same
 * from every dump of it.
 */
static int
hex_lower(struct sqlr *s, struct lx *l, struct val *v)
{
	const char *p = val_ptr(s, v, l->b);
	size_t k = 0;

	while (k < v->len && !(p[k] >= 'A' && p[k] <= 'Z'))
		k++;
	if (k == v->len)
		return P_OK;
	if (!v->in_arena) {
		struct val w = *v;
		if (val_set(s, l, v, val_ptr(s, &w, l->b), w.len) != P_OK)
			return P_ERR;
		v->is_hex = 1;
	}
	char *d = s->arena.buf + v->off;
	for (k = 0; k < v->len; k++)
		if (d[k] >= 'A' && d[k] <= 'Z')
			d[k] = (char)(d[k] + 32);
	return P_OK;
}

/* A number at l->i: digits, '.', exponent, 0x.. (a '+' sign is dropped). */
static int
lx_number(struct sqlr *s, struct lx *l, struct val *v)
{
	size_t start = l->i, j = l->i + 1;

	(void)s;
	while (j < l->n) {
		unsigned char d = (unsigned char)l->b[j];
		if (is_ident(d) || d == '.' ||
		    ((d == '-' || d == '+') && (l->b[j - 1] | 0x20) == 'e'))
			j++;
		else
			break;
	}
	if (j >= l->n && !l->eof)
		return P_MORE;
	if (l->b[start] == '+')
		start++;
	v->off = start;
	v->len = j - start;
	v->is_hex = v->len > 2 && l->b[start] == '0' && (l->b[start + 1] | 0x20) == 'x';
	l->i = j;
	return v->is_hex ? hex_lower(s, l, v) : P_OK;
}

/* One operand at l->i (white space skipped). */
static int
lx_primary(struct sqlr *s, struct lx *l, struct val *v, int nest)
{
	unsigned char c = (unsigned char)l->b[l->i];
	size_t start = l->i;

	v->is_null = v->in_arena = v->is_str = v->is_hex = v->is_arr = 0;
	if (c == '\'') {
		v->is_str = 1;
		return lx_string(s, l, plain_esc(s), v);
	}
	if (c == '"') {
		v->is_str = 1;
		return lx_string(s, l, plain_esc(s) == ES_MYSQL ? ES_MYSQL : ES_NONE, v);
	}
	if (is_digit(c) || c == '.')
		return lx_number(s, l, v);
	if (c == '-' || c == '+') {
		if (l->i + 1 >= l->n && !l->eof)
			return P_MORE;
		unsigned char d = l->i + 1 < l->n ? (unsigned char)l->b[l->i + 1] : 0;
		if (is_digit(d) || d == '.')
			return lx_number(s, l, v);
		/* - 5, -(5): the sign of what follows */
		if (nest >= MAX_NEST)
			return syntax(s, l, "values nested too deep");
		l->i++;
		if (lx_ws(l) < 0)
			return need(s, l, "a value");
		int st = lx_primary(s, l, v, nest + 1);
		if (st != P_OK || v->is_null || c == '+')
			return st;
		const char *p = val_ptr(s, v, l->b);
		if (v->is_str || v->len == 0 || !(is_digit((unsigned char)p[0]) || p[0] == '.'))
			return syntax(s, l, "a sign before what is not a number");
		struct val w = *v;
		if (val_set(s, l, v, "-", 1) != P_OK)
			return P_ERR;
		return val_concat(s, l, v, &w);
	}
	if (c == '(') {
		if (nest >= MAX_NEST)
			return syntax(s, l, "values nested too deep");
		l->i++;
		int st = lx_spaced_value(s, l, v, nest + 1, "a value");
		if (st != P_OK)
			return st;
		if (l->b[l->i] != ')')
			return syntax(s, l, "')' expected");
		l->i++;
		return P_OK;
	}
	if (!is_ident(c))
		return syntax(s, l, "value expected");

	const char *w;
	long wl = lx_word(l, &w);
	if (wl < 0)
		return P_MORE;
	if (l->i >= l->n && !l->eof)
		return P_MORE;
	char nx = l->i < l->n ? l->b[l->i] : 0;
	if (nx == '\'' && wl <= 2) {
		char p = (char)(w[0] | 0x20);
		if (wl == 2 && p == 'n' && (w[1] | 0x20) == 'q')
			p = 'q';
		else if (wl == 2)
			p = 0;
		if (p == 'n') {
			v->is_str = 1;
			return lx_string(s, l, plain_esc(s), v);
		}
		if (p == 'e') {
			v->is_str = 1;
			return lx_string(s, l, ES_PG, v);
		}
		if (p == 'q' && s->dialect != D_MYSQL)
			return lx_qquote(s, l, v);
		if (p == 'x' || p == 'b') {
			/* X'..' becomes 0x..; b'..' stays as written */
			int st = lx_string(s, l, ES_NONE, v);
			if (st != P_OK || p == 'b') {
				v->off = start;
				v->len = l->i - start;
				v->in_arena = 0;
				return st;
			}
			struct val h = *v;
			if (val_set(s, l, v, "0x", 2) != P_OK || val_concat(s, l, v, &h) != P_OK)
				return P_ERR;
			v->is_hex = 1;
			return hex_lower(s, l, v);
		}
	}
	if (w[0] == '_' && wl > 1) {
		/* a MySQL charset introducer: _utf8mb4'..', _binary '..' */
		size_t save = l->i;
		if (lx_ws(l) < 0)
			return need(s, l, "a value");
		if (l->b[l->i] == '\'' || l->b[l->i] == '"') {
			int st = lx_string(s, l, plain_esc(s), v);
			v->is_str = 1;
			return st;
		}
		if (is_digit((unsigned char)l->b[l->i]))
			return lx_primary(s, l, v, nest);
		l->i = save;
	}
	if (kw(w, (size_t)wl, "NULL")) {
		v->is_null = 1;
		v->off = start;
		v->len = 0;
		return P_OK;
	}
	if (kw(w, (size_t)wl, "TRUE") || kw(w, (size_t)wl, "FALSE")) {
		v->off = (size_t)(kw(w, (size_t)wl, "TRUE") ? "true" : "false" - 0);
		return val_set(s, l, v, kw(w, (size_t)wl, "TRUE") ? "true" : "false",
		               kw(w, (size_t)wl, "TRUE") ? 4 : 5);
	}
	size_t save = l->i;
	if (lx_ws(l) < 0 && !l->eof)
		return P_MORE;
	nx = l->i < l->n ? l->b[l->i] : 0;
	if (nx == '\'' && (kw(w, (size_t)wl, "DATE") || kw(w, (size_t)wl, "TIMESTAMP") ||
	                   kw(w, (size_t)wl, "TIME") || kw(w, (size_t)wl, "TIMESTAMPTZ"))) {
		/* DATE '1962-02-18': the typed literal's text */
		int st = lx_string(s, l, ES_NONE, v);
		v->is_str = 1;
		return st == P_OK ? cast_value(s, l, v, "timestamp", 9) : st;
	}
	if (nx == '[' && kw(w, (size_t)wl, "ARRAY"))
		return lx_array(s, l, v, nest);
	if (nx == '(')
		return lx_call(s, l, w, (size_t)wl, v, nest);
	/* a bare word: DEFAULT, CURRENT_TIMESTAMP, SYSDATE */
	l->i = save;
	v->off = start;
	v->len = (size_t)wl;
	return P_OK;
}

/* Skips a PostgreSQL cast (::type, ::character varying(10)[]) after a value. */
static int
lx_pgcast(struct sqlr *s, struct lx *l)
{
	l->i += 2;
	for (;;) {
		if (lx_ws(l) < 0)
			return l->eof ? P_OK : P_MORE;
		const char *w;
		char c = l->b[l->i];
		if (c == '(') {
			int st = lx_balanced(s, l, ES_NONE);
			if (st != P_OK)
				return st;
		} else if (c == '[') {
			if (l->i + 1 >= l->n)
				return need(s, l, "a cast");
			l->i += 2;
		} else if (c == '"') {
			size_t m = s->scratch.len;
			int st = lx_ident(s, l);
			s->scratch.len = m;
			if (st != P_OK)
				return st;
		} else if (is_ident((unsigned char)c)) {
			if (lx_word(l, &w) < 0)
				return P_MORE;
		} else if (c == '.') {
			l->i++; /* public.mpaa_rating */
		} else
			return P_OK;
	}
}

/*
 * One value at l->i: an operand and what may follow it, evaluated when
 * it is a constant: 'a' || 'b', adjacent literals 'a' 'b', x::type,
 * COLLATE name. P_ERR for anything else, which the row turns into the
 * value's text as written.
 */
static int
lx_value(struct sqlr *s, struct lx *l, struct val *v, int nest)
{
	int st = lx_primary(s, l, v, nest);

	if (st != P_OK)
		return st;
	for (;;) {
		if (l->i < l->n && (l->b[l->i] == ',' || l->b[l->i] == ')'))
			return P_OK; /* the common case */
		if (lx_ws(l) < 0)
			return l->eof ? P_OK : P_MORE;
		char c = l->b[l->i];
		if (l->i + 1 >= l->n && !l->eof && (c == ':' || c == '|'))
			return P_MORE;
		char d = l->i + 1 < l->n ? l->b[l->i + 1] : 0;
		if (c == ':' && d == ':') {
			if ((st = lx_pgcast(s, l)) != P_OK)
				return st;
			continue;
		}
		struct val w;
		if ((c == '|' && d == '|') || (c == '\'' && v->is_str) ||
		    (c == '+' && v->is_str && s->dialect == D_TSQL)) {
			/* 'a' || 'b', 'a' 'b', and T-SQL's N'a' + N'b' */
			if (c != '\'') {
				l->i += c == '|' ? 2 : 1;
				if (lx_ws(l) < 0)
					return need(s, l, "a value");
			}
			if (nest >= MAX_NEST)
				return syntax(s, l, "values nested too deep");
			if ((st = lx_primary(s, l, &w, nest + 1)) != P_OK)
				return st;
			if (c == '+' && !w.is_str && !w.is_null)
				return syntax(s, l, "'+' of a string and a number");
			if (w.is_null || v->is_null) {
				/* Oracle takes NULL for ''; the others make it all NULL */
				if (s->dialect != D_ORACLE) {
					v->is_null = 1;
					v->len = 0;
					continue;
				}
				if (v->is_null) {
					*v = w;
					v->is_str = 1;
					continue;
				}
				continue;
			}
			if ((st = val_concat(s, l, v, &w)) != P_OK)
				return st;
			v->is_str = 1;
			continue;
		}
		if (is_ident((unsigned char)c)) {
			const char *x;
			size_t save = l->i;
			long xl = lx_word(l, &x);
			if (xl < 0)
				return P_MORE;
			if (kw(x, (size_t)xl, "COLLATE")) {
				if (lx_ws(l) < 0)
					return need(s, l, "a collation");
				size_t m = s->scratch.len;
				st = lx_qname(s, l);
				s->scratch.len = m;
				if (st != P_OK)
					return st;
				continue;
			}
			l->i = save;
		}
		return P_OK;
	}
}

/* --- rows ------------------------------------------------------------ */

static struct val *
new_val(struct sqlr *s)
{
	if (s->nvals >= s->vals_alloc)
		s->vals = xgrow(s->vals, &s->vals_alloc, s->nvals + 1, sizeof(*s->vals));
	return &s->vals[s->nvals++];
}

/* Words after a SELECT row's values: the row ends there. */
static int
select_stop(const char *w, size_t wl)
{
	return kw(w, wl, "FROM") || kw(w, wl, "UNION") || kw(w, wl, "WHERE") ||
	       kw(w, wl, "ORDER") || kw(w, wl, "GROUP") || kw(w, wl, "GO") || kw(w, wl, "INSERT");
}

/*
 * One row of INSERT ... SELECT v, ... [FROM dual] [UNION [ALL] SELECT ..],
 * the form old T-SQL and Oracle scripts write many rows in. Only rows of
 * constants are data: a SELECT from a table is a query, skipped as such.
 */
static int
parse_select_row(struct reader *r, struct sqlr *s, struct lx *l, size_t *at, size_t *end)
{
	const char *w;
	long wl;
	int st;

	if (lx_ws(l) < 0)
		return l->eof ? (*end = l->n, P_END) : P_MORE;
	char c = l->b[l->i];
	if (s->nrows > 0) {
		if (c == ';' || (c == s->delim[0] && s->delim_len <= l->n - l->i &&
		                 !memcmp(l->b + l->i, s->delim, s->delim_len))) {
			*end = l->i + (c == ';' ? 1 : s->delim_len);
			return P_END;
		}
		if ((wl = lx_word(l, &w)) < 0)
			return P_MORE;
		if (!kw(w, (size_t)wl, "UNION")) {
			*end = l->i - (size_t)wl; /* the statement ended without ';' */
			return P_END;
		}
		if (lx_ws(l) < 0)
			return need(s, l, "a UNION");
		size_t save = l->i;
		if ((wl = lx_word(l, &w)) < 0)
			return P_MORE;
		if (!kw(w, (size_t)wl, "ALL"))
			l->i = save;
		if (lx_ws(l) < 0)
			return need(s, l, "a UNION");
	}
	*at = l->i;
	if ((wl = lx_word(l, &w)) < 0)
		return P_MORE;
	if (!kw(w, (size_t)wl, "SELECT"))
		return syntax(s, l, "SELECT expected after UNION");
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a row");
		if (s->nvals > r->opts.max_fields)
			return syntax(s, l, "too many values");
		if ((st = lx_value(s, l, new_val(s), 0)) != P_OK)
			return st;
		if (lx_ws(l) < 0 && !l->eof)
			return P_MORE;
		if (l->i < l->n && is_ident((unsigned char)l->b[l->i])) {
			/* an alias: AS name, or a bare name */
			size_t save = l->i;
			if ((wl = lx_word(l, &w)) < 0)
				return P_MORE;
			if (select_stop(w, (size_t)wl))
				l->i = save;
			else if (kw(w, (size_t)wl, "AS")) {
				size_t m = s->scratch.len;
				if (lx_ws(l) < 0)
					return need(s, l, "an alias");
				st = lx_ident(s, l);
				s->scratch.len = m;
				if (st != P_OK)
					return st;
			}
			if (lx_ws(l) < 0 && !l->eof)
				return P_MORE;
		}
		if (l->i < l->n && l->b[l->i] == ',') {
			l->i++;
			continue;
		}
		if (l->i < l->n && !is_ident((unsigned char)l->b[l->i]) && l->b[l->i] != ';' &&
		    l->b[l->i] != s->delim[0])
			return syntax(s, l, "',' expected after a value");
		break;
	}
	*end = l->i;
	size_t save = l->i;
	wl = 0;
	if (l->i < l->n && (wl = lx_word(l, &w)) > 0 && kw(w, (size_t)wl, "FROM")) {
		/* FROM dual (Oracle), SYSIBM.SYSDUMMY1 (DB2): still constants */
		if (lx_ws(l) < 0)
			return need(s, l, "a FROM");
		size_t m = s->scratch.len;
		st = lx_qname(s, l);
		int dual = st == P_OK && (s->scratch.len - m == 4 || s->scratch.len - m == 9) &&
		           (!strncasecmp(s->scratch.buf + m, "dual", 4) ||
		            !strncasecmp(s->scratch.buf + m, "sysdummy1", 9));
		s->scratch.len = m;
		if (st != P_OK)
			return st;
		if (!dual) {
			/* a query over tables moves rows the dump does not hold: no data */
			*end = *at;
			return P_TAIL;
		}
		*end = l->i;
	} else if (wl < 0)
		return P_MORE;
	else
		l->i = save;
	return P_OK;
}

/*
 * One row of INSERT ... VALUES from the window's start: the ',' before it
 * (after the first), then (v, ...). P_OK with *at the '(' and *end past
 * the ')'; P_END at the statement's end (*end past it); P_TAIL at a tail
 * to skip (ON DUPLICATE KEY UPDATE, ON CONFLICT, RETURNING).
 */
static int
parse_row(struct reader *r, struct sqlr *s, struct lx *l, size_t *at, size_t *end)
{
	s->nvals = 0;
	dynbuf_reset(&s->arena);
	if (s->select_rows)
		return parse_select_row(r, s, l, at, end);
	if (lx_ws(l) < 0)
		return l->eof ? (*end = l->n, P_END) : P_MORE;
	char c = l->b[l->i];
	if (s->nrows > 0 || c != '(') {
		if (c == (unsigned char)s->delim[0] && c != ';') {
			if (l->i + s->delim_len > l->n && !l->eof)
				return P_MORE;
			if (l->i + s->delim_len <= l->n &&
			    !memcmp(l->b + l->i, s->delim, s->delim_len)) {
				*end = l->i + s->delim_len;
				return P_END;
			}
		}
		if (c == ';') {
			*end = l->i + 1;
			return P_END;
		}
		if (s->nrows == 0)
			return syntax(s, l, "'(' expected");
		if (c != ',') {
			/*
			 * The statement ended without its delimiter (T-SQL needs
			 * none: the next statement starts here) or has a tail to
			 * skip: ON DUPLICATE KEY UPDATE, ON CONFLICT, RETURNING.
			 */
			const char *w;
			long wl = lx_word(l, &w);
			if (wl < 0)
				return P_MORE;
			if (s->insert_all && kw(w, (size_t)wl, "INTO")) {
				/* INSERT ALL: the next target, then its row */
				int st = head_target(s, l);
				*end = l->i;
				return st == P_OK ? P_NEXT : st;
			}
			*end = l->i - (size_t)wl;
			return kw(w, (size_t)wl, "ON") || kw(w, (size_t)wl, "RETURNING") ||
			               kw(w, (size_t)wl, "AS")
			           ? P_TAIL
			           : P_END;
		}
		l->i++;
		if (lx_ws(l) < 0)
			return need(s, l, "a row");
		if (l->b[l->i] != '(')
			return syntax(s, l, "'(' expected");
	}
	*at = l->i++;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a row");
		if (l->b[l->i] == ')' && s->nvals == 0)
			return syntax(s, l, "empty row");
		if (s->nvals > r->opts.max_fields)
			return syntax(s, l, "too many values");
		struct val *v = new_val(s);
		size_t vstart = l->i, mark = s->arena.len;
		int st = lx_value(s, l, v, 0);
		if (st == P_OK && lx_ws(l) < 0)
			st = need(s, l, "a row");
		if (st == P_OK && l->b[l->i] != ',' && l->b[l->i] != ')')
			st = P_ERR;
		if (st == P_ERR) {
			/* not a constant we evaluate: keep it as written */
			l->i = vstart;
			s->arena.len = mark;
			st = lx_raw(s, l, v);
		}
		if (st != P_OK)
			return st;
		c = l->b[l->i++];
		if (c == ')')
			break;
		if (c != ',') {
			l->i--;
			return syntax(s, l, "',' or ')' expected after a value");
		}
	}
	*end = l->i;
	return P_OK;
}

/*
 * Turns the parsed values into rec, or rejects the row (value count,
 * bad text). raw is the row as written, kept until the next call.
 */
static int
emit(struct reader *r, struct sqlr *s, struct record *rec, const char *base, const char *raw,
     size_t raw_len, uint64_t line, uint64_t off)
{
	struct table *t = s->tab;
	struct colset *cs = s->has_stmt_cols ? &s->stmt_cols : &t->cols;

	if (cs->n == 0 && !s->has_stmt_cols) {
		colset_implicit(&t->cols, s->nvals);
		t->implicit = 1;
	}
	if (s->nvals != cs->n)
		return reader_reject(r, line, off, raw, raw_len,
		                     "row has %zu values, table '%s' has %zu columns", s->nvals,
		                     t->name, cs->n);
	if (s->nvals > s->fields_alloc)
		s->fields = xgrow(s->fields, &s->fields_alloc, s->nvals, sizeof(*s->fields));
	/*
	 * One check of the row as written covers every value that points into
	 * it: they are cut at ASCII bytes, so they are valid when it is.
	 * Decoded values (escapes can make anything) are checked one by one.
	 * Bytes that are not text (a BLOB dumped raw, a NUL from \0) are no
	 * reason to lose the row: they become hex, 0x..., as --hex-blob writes
	 * them, so the same BLOB reads the same from either dump.
	 */
	size_t bad;
	int row_ok = !reader_check_value(raw, raw_len, &bad);
	for (size_t i = 0; i < s->nvals; i++) {
		struct val *v = &s->vals[i];
		if (v->is_null || (row_ok && !v->in_arena))
			continue;
		if (reader_check_value(val_ptr(s, v, base), v->len, &bad) && to_hex(s, v, base) < 0)
			return reader_reject(r, line, off, raw, raw_len,
			                     "row longer than the --max-record limit");
	}
	for (size_t i = 0; i < s->nvals; i++) {
		struct field *f = &s->fields[i];
		const struct val *v = &s->vals[i];
		f->name = cs->f[i].name;
		f->name_len = cs->f[i].name_len;
		f->val = v->is_null ? "" : val_ptr(s, v, base);
		f->len = v->is_null ? 0 : v->len;
		f->is_null = v->is_null;
	}
	rec->fields = s->fields;
	rec->nfields = s->nvals;
	rec->table = t->name;
	rec->line = line;
	rec->offset = off;
	return DT_OK;
}

/* The raw text to show for a bad row: from its start to the line's end. */
static size_t
raw_extent(const char *buf, size_t len, size_t from, size_t at)
{
	const char *nl = at < len ? memchr(buf + at, '\n', len - at) : NULL;
	size_t e = nl ? (size_t)(nl - buf) : len;
	return e > from ? e - from : 0;
}


/*
 * A row whose string does not close (a quote lost, a dump cut short): the
 * row is rejected to the end of the line its string opened on, and reading
 * goes on at the next line as between statements, so that one stray quote
 * costs a line, not the rest of the file (a string that really spans
 * lines and is longer than the limits is lost the same way).
 */
static int
row_resync(struct reader *r, struct sqlr *s, const char *buf, size_t len, const char *why)
{
	size_t q = s->str_open < len ? s->str_open : len;
	const char *nl = memchr(buf + q, '\n', len - q);
	size_t to = nl ? (size_t)(nl - buf) + 1 : len;
	uint64_t qline = s->line + count_nl(buf, q);
	s->nrows++;
	/* where the string opens: the line and byte of its quote */
	int rc = reader_reject(r, qline, source_offset(r->src) + q, buf, raw_extent(buf, len, 0, q),
			       "%s: a string not closed; the rest of its line is skipped, reading goes on "
			       "at the next line",
			       why);
	advance(r, s, to);
	s->mode = M_TOP;
	s->insert_all = 0;
	s->str_open = (size_t)-1;
	return rc;
}

/* M_ROWS: the next row of an INSERT. */
static int
rows_step(struct reader *r, struct sqlr *s, struct record *rec)
{
	for (;;) {
		size_t len, at = (size_t)-1, end = 0;
		const char *buf = source_data(r->src, &len);
		struct lx l = {buf, len, 0, s->eof, hash_comments(s), 0};
		s->str_open = (size_t)-1;
		s->swallowed = 0;
		int st = parse_row(r, s, &l, &at, &end);
		if (s->swallowed)
			return row_resync(r, s, buf, len, "a lost quote");

		if (st == P_MORE && s->str_open != (size_t)-1 && len > r->opts.max_record &&
		    swallowed(buf, s->str_open, len))
			return row_resync(r, s, buf, len, "row longer than the --max-record limit");
		if (st == P_ERR && s->eof && s->str_open != (size_t)-1)
			return row_resync(r, s, buf, len, "the input ends inside a string");
		if (st == P_MORE) {
			if (len > r->opts.max_record) {
				uint64_t off = source_offset(r->src);
				uint64_t line = s->line;
				skip_start(s, U_ROW);
				s->nrows++;
				return reader_reject(
				    r, line, off, buf, raw_extent(buf, len, 0, 0),
				    "row longer than the --max-record limit (%zu bytes)",
				    r->opts.max_record);
			}
			int g = grow(r, s, len);
			if (g < 0)
				return source_failed(r, s);
			if (g == 0 && !s->eof && s->str_open != (size_t)-1 && swallowed(buf, s->str_open, len))
				return row_resync(r, s, buf, len, "row longer than the window limit");
			if (g == 0 && !s->eof) {
				skip_start(s, U_ROW);
				s->nrows++;
				return reader_reject(r, s->line, source_offset(r->src), buf,
				                     raw_extent(buf, len, 0, 0),
				                     "row longer than the window limit");
			}
			continue;
		}
		if (st == P_END) {
			advance(r, s, end);
			s->mode = M_TOP;
			s->insert_all = 0;
			return 1;
		}
		if (st == P_TAIL) {
			advance(r, s, end);
			skip_start(s, U_STMT);
			s->insert_all = 0;
			return 1;
		}
		if (st == P_NEXT) {
			/* INSERT ALL's next target: its rows start here */
			advance(r, s, end);
			if (start_data(r, s, M_ROWS) != P_OK) {
				skip_start(s, U_STMT);
				return reader_reject(r, s->line, source_offset(r->src), NULL, 0,
				                     "%s", s->err);
			}
			return 1;
		}
		if (st == P_ERR) {
			uint64_t line = s->line + count_nl(buf, s->err_at);
			uint64_t off = source_offset(r->src) + s->err_at;
			if (at != (size_t)-1 && !s->select_rows) {
				/* a bad row: rejected, and reading goes on after its ')' */
				s->pending = at;
				s->pending_lines = -1;
				skip_start(s, U_ROW);
				s->nrows++;
			} else {
				/* between rows: the rest is skipped, each row in it owed */
				skip_start(s, U_STMT);
				s->count_tuples = 1;
				s->tuples = 0;
				s->tuple_line = line;
				s->tuple_off = off;
			}
			return reader_reject(r, line, off, buf, raw_extent(buf, len, 0, s->err_at),
			                     "%s", s->err);
		}
		s->nrows++;
		s->pending = end;
		s->pending_lines = -1;
		if (end - at > r->opts.max_record)
			return reader_reject(r, s->line + count_nl(buf, at),
			                     source_offset(r->src) + at, buf + at, end - at,
			                     "row longer than the --max-record limit (%zu bytes)",
			                     r->opts.max_record);
		return emit(r, s, rec, buf, buf + at, end - at, s->line + count_nl(buf, at),
		            source_offset(r->src) + at);
	}
}

/* --- COPY data ------------------------------------------------------- */

/* One field of COPY text format with a backslash, [p, e): \N or escapes. */
static int
copy_field(struct sqlr *s, const char *base, size_t p, size_t e, struct val *v)
{
	const char *b = base + p;
	size_t n = e - p;

	v->is_null = 0;
	if (n == 2 && b[0] == '\\' && b[1] == 'N') {
		v->is_null = 1;
		v->off = p;
		v->len = 0;
		v->in_arena = 0;
		return 0;
	}
	v->off = s->arena.len;
	v->in_arena = 1;
	for (size_t i = 0; i < n;) {
		const char *bs = memchr(b + i, '\\', n - i);
		size_t k = bs ? (size_t)(bs - b) : n;
		if (dynbuf_add(&s->arena, b + i, k - i) < 0)
			return -1;
		if (k >= n)
			break;
		i = k + 1;
		if (i >= n) {
			dynbuf_addc(&s->arena, '\\'); /* a lone backslash at the end */
			break;
		}
		unsigned char c = (unsigned char)b[i++];
		unsigned val = 0;
		int le = letter_escape(c, "bfnrtv");
		char o = (char)le;
		switch (le >= 0 ? -1 : (int)c) {
		case -1: /* a letter escape, done above */
			break;
		case 'x':
			if (i < n && hexval((unsigned char)b[i]) >= 0) {
				val = (unsigned)hexval((unsigned char)b[i++]);
				if (i < n && hexval((unsigned char)b[i]) >= 0)
					val = val * 16 + (unsigned)hexval((unsigned char)b[i++]);
				o = (char)val;
			} else
				o = 'x';
			break;
		default:
			if (c >= '0' && c <= '7') {
				val = c - '0';
				for (int d = 0; d < 2 && i < n && b[i] >= '0' && b[i] <= '7'; d++)
					val = val * 8 + (unsigned)(b[i++] - '0');
				o = (char)(val & 0xFF);
			} else
				o = (char)c;
		}
		if (dynbuf_addc(&s->arena, o) < 0)
			return -1;
	}
	v->len = s->arena.len - v->off;
	return 0;
}

/* M_COPY: the next data line of a COPY block. */
static int
copy_step(struct reader *r, struct sqlr *s, struct record *rec)
{
	for (;;) {
		size_t len;
		const char *buf = source_data(r->src, &len);
		const char *nl =
		    s->scanned < len ? memchr(buf + s->scanned, '\n', len - s->scanned) : NULL;
		size_t e, next;

		if (!nl) {
			s->scanned = len;
			if (!s->eof) {
				if (len > r->opts.max_record) {
					/* drop the line, then come back to the block */
					s->mode = M_LINE;
					s->line_then = M_COPY;
					s->scanned = 0;
					return reader_reject(
					    r, s->line, source_offset(r->src), buf, len,
					    "row longer than the --max-record limit (%zu bytes)",
					    r->opts.max_record);
				}
				int g = grow(r, s, len);
				if (g < 0)
					return source_failed(r, s);
				if (g == 0 && !s->eof) {
					s->scanned = 0;
					s->line_then = M_COPY;
					s->mode = M_LINE;
					return reader_reject(r, s->line, source_offset(r->src), buf,
					                     len,
					                     "row longer than the window limit");
				}
				continue;
			}
			if (len == 0) {
				s->mode = M_TOP; /* the input ended without \. */
				s->copy_reject = NULL;
				return 1;
			}
			e = next = len;
		} else {
			e = (size_t)(nl - buf);
			next = e + 1;
		}
		s->scanned = 0;
		if (e > 0 && buf[e - 1] == '\r')
			e--; /* CRLF line ends from a converted file */
		if (e == 2 && buf[0] == '\\' && buf[1] == '.') {
			advance(r, s, next);
			s->mode = M_TOP;
			s->copy_reject = NULL;
			return 1;
		}
		if (s->copy_reject) {
			/* a block that cannot be read: each line a rejected row */
			s->pending = next;
			s->pending_lines = nl != NULL;
			return reader_reject(r, s->line, source_offset(r->src), buf, e, "%s",
			                     s->copy_reject);
		}
		/* split on tabs */
		s->nvals = 0;
		dynbuf_reset(&s->arena);
		int too_long = 0, too_many = 0;
		/* one pass for tabs and backslashes: fields are short */
		int line_bs = memchr(buf, '\\', e) != NULL;
		for (size_t p = 0;;) {
			size_t fe = find2(buf, p, e, '\t', '\t');
			int bs = line_bs && memchr(buf + p, '\\', fe - p);
			if (s->nvals > r->opts.max_fields) {
				too_many = 1;
				break;
			}
			struct val *v = new_val(s);
			if (!bs) {
				v->off = p;
				v->len = fe - p;
				v->in_arena = v->is_null = 0;
			} else if (copy_field(s, buf, p, fe, v) < 0) {
				too_long = 1;
				break;
			}
			if (fe >= e)
				break;
			p = fe + 1;
		}
		s->nrows++;
		s->pending = next;
		s->pending_lines = nl != NULL;
		uint64_t off = source_offset(r->src);
		too_long |= e > r->opts.max_record;
		if (too_long || too_many)
			return reader_reject(r, s->line, off, buf, e, "%s",
			                     too_long ? "row longer than the --max-record limit"
			                              : "too many fields");
		return emit(r, s, rec, buf, buf, e, s->line, off);
	}
}

/* M_COPY_SKIP: drops data lines up to the \. line. */
static int
copy_skip(struct reader *r, struct sqlr *s)
{
	for (;;) {
		size_t len, i = 0;
		const char *buf = source_data(r->src, &len);

		while (i < len) {
			if (s->mid_line) {
				const char *nl = memchr(buf + i, '\n', len - i);
				if (!nl) {
					i = len;
					break;
				}
				i = (size_t)(nl - buf) + 1;
				s->mid_line = 0;
				continue;
			}
			if (len - i < 4 && !s->eof)
				break; /* "\.\r\n" may be cut */
			if (buf[i] == '\\' && i + 1 < len && buf[i + 1] == '.' &&
			    (i + 2 >= len || buf[i + 2] == '\n' || buf[i + 2] == '\r')) {
				s->mid_line = 1;
				advance(r, s, i);
				s->mode = M_LINE;
				s->line_then = M_TOP;
				return 1;
			}
			s->mid_line = 1;
		}
		advance(r, s, i);
		if (s->eof && i >= len) {
			s->mode = M_TOP;
			return 1;
		}
		if (grow(r, s, len - i) < 0)
			return source_failed(r, s);
	}
}

/* --- statement heads --------------------------------------------------- */

/* A column list (a, b, "c") into stmt_cols. */
static int
lx_collist(struct sqlr *s, struct lx *l)
{
	scratch_reset(s);
	l->i++;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a column list");
		if (l->b[l->i] == ')' && s->nscratch == 0) {
			l->i++;
			break;
		}
		size_t start = s->scratch.len;
		int st = lx_ident(s, l);
		if (st != P_OK)
			return st;
		if (scratch_end(s, start) < 0)
			return syntax(s, l, "bad column name");
		if (lx_ws(l) < 0)
			return need(s, l, "a column list");
		char c = l->b[l->i++];
		if (c == ')')
			break;
		if (c != ',')
			return syntax(s, l, "',' or ')' expected in a column list");
	}
	colset_set(&s->stmt_cols, s->scratch.buf, s->scratch.len, s->nscratch);
	s->has_stmt_cols = 1;
	return P_OK;
}

/*
 * Declared foreign keys (issue 15): the text of a CREATE TABLE item or an
 * ALTER TABLE clause, read by a tokenizer of its own (words, quoted names,
 * punctuation; strings skipped), for
 *   [CONSTRAINT n] FOREIGN KEY (col) REFERENCES [schema.]table [(col)]
 *   col type ... REFERENCES [schema.]table [(col)]   (own: col)
 * Keys of several columns are not kept. Into s->fks; 0 when none.
 */
struct fktok {
	const char *p;
	size_t n;
	char kind; /* 'w' word, 'q' quoted name, or the punctuation itself */
};

static size_t
fk_tokens(const char *p, size_t n, struct fktok *t, size_t cap)
{
	size_t nt = 0;
	for (size_t i = 0; i < n && nt < cap;) {
		unsigned char c = (unsigned char)p[i];
		if (c == '`' || c == '"' || c == '[') {
			char close = c == '[' ? ']' : (char)c;
			const char *e = memchr(p + i + 1, close, n - i - 1);
			if (!e)
				break;
			t[nt++] = (struct fktok){ p + i + 1, (size_t)(e - p - i - 1), 'q' };
			i = (size_t)(e - p) + 1;
		} else if (c == '\'') {
			const char *e = memchr(p + i + 1, '\'', n - i - 1);
			if (!e)
				break;
			i = (size_t)(e - p) + 1;
		} else if (c == '(' || c == ')' || c == ',' || c == '.') {
			t[nt++] = (struct fktok){ p + i, 1, (char)c };
			i++;
		} else if (c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
			   ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
			size_t j = i;
			while (j < n && (p[j] == '_' || p[j] == '$' || (unsigned char)p[j] >= 0x80 ||
					 (p[j] >= '0' && p[j] <= '9') || ((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z')))
				j++;
			t[nt++] = (struct fktok){ p + i, j - i, 'w' };
			i = j;
		} else {
			i++;
		}
	}
	return nt;
}

static int
fk_name(const struct fktok *t)
{
	return t->kind == 'w' || t->kind == 'q';
}

/* The one name inside t[*i] == '(' ... ')' into out (empty: several or none); *i past ')'. */
static int
fk_one(const struct fktok *t, size_t nt, size_t *i, char *out, size_t cap)
{
	size_t k = *i + 1, names = 0;
	out[0] = '\0';
	for (; k < nt && t[k].kind != ')'; k++)
		if (fk_name(&t[k]) && names++ == 0 && t[k].n < cap) {
			memcpy(out, t[k].p, t[k].n);
			out[t[k].n] = '\0';
		}
	if (k == nt)
		return -1;
	*i = k + 1;
	if (names != 1)
		out[0] = '\0';
	return 0;
}

static void
fk_parse(struct sqlr *s, const char *p, size_t n, int column)
{
	struct fktok t[64];
	size_t nt = fk_tokens(p, n, t, 64), ref = nt;
	for (size_t i = 0; i < nt; i++)
		if (t[i].kind == 'w' && kw(t[i].p, t[i].n, "REFERENCES")) {
			ref = i;
			break;
		}
	if (ref == nt || s->nfks == sizeof(s->fks) / sizeof(s->fks[0]))
		return;
	struct pend_fk *f = &s->fks[s->nfks];
	f->col[0] = f->rtable[0] = f->rcol[0] = '\0';
	for (size_t i = 0; i + 2 < ref; i++)
		if (t[i].kind == 'w' && kw(t[i].p, t[i].n, "FOREIGN") && t[i + 1].kind == 'w' &&
		    kw(t[i + 1].p, t[i + 1].n, "KEY")) {
			size_t k = i + 2;
			while (k < ref && t[k].kind != '(')
				k++; /* FOREIGN KEY name (col): MySQL's index name */
			if (k < ref && fk_one(t, nt, &k, f->col, sizeof(f->col)) < 0)
				return;
			break;
		}
	if (!f->col[0] && column && fk_name(&t[0]) && t[0].n < sizeof(f->col)) {
		memcpy(f->col, t[0].p, t[0].n); /* col type REFERENCES ... */
		f->col[t[0].n] = '\0';
	}
	size_t i = ref + 1;
	for (; i < nt && fk_name(&t[i]); i += 2) {
		if (t[i].n >= sizeof(f->rtable))
			return;
		memcpy(f->rtable, t[i].p, t[i].n); /* the last part of schema.table */
		f->rtable[t[i].n] = '\0';
		if (i + 1 >= nt || t[i + 1].kind != '.') {
			i++;
			break;
		}
	}
	if (i < nt && t[i].kind == '(' && fk_one(t, nt, &i, f->rcol, sizeof(f->rcol)) < 0)
		return;
	if (f->col[0] && f->rtable[0])
		s->nfks++;
}

/* Does p[0..n) say REFERENCES, in any case? (Cheap: before fk_parse().) */
static int
fk_mentioned(const char *p, size_t n)
{
	for (size_t i = 0; i + 10 <= n; i++)
		if ((p[i] | 0x20) == 'r' && !strncasecmp(p + i, "references", 10))
			return 1;
	return 0;
}

/* The statement's foreign keys, of table, to the caller. */
static void
fk_tell(struct reader *r, struct sqlr *s, const char *table)
{
	for (unsigned k = 0; k < s->nfks && r->on_fk; k++)
		r->on_fk(r->fk_ctx, table, s->fks[k].col, s->fks[k].rtable,
			 s->fks[k].rcol[0] ? s->fks[k].rcol : NULL);
	s->nfks = 0;
}

/*
 * ALTER TABLE [ONLY] [IF EXISTS] name ADD [CONSTRAINT n] FOREIGN KEY ...,
 * ADD ...: p[0..n) from after ALTER, read to the statement's ';' or n.
 */
static void
alter_fk(struct reader *r, struct sqlr *s, const char *p, size_t n)
{
	const char *semi = memchr(p, ';', n);
	if (semi)
		n = (size_t)(semi - p);
	struct fktok t[64];
	size_t nt = fk_tokens(p, n, t, 64), i = 0;
	if (!nt || t[0].kind != 'w' || !kw(t[0].p, t[0].n, "TABLE"))
		return;
	for (i = 1; i < nt && t[i].kind == 'w' &&
		    (kw(t[i].p, t[i].n, "ONLY") || kw(t[i].p, t[i].n, "IF") || kw(t[i].p, t[i].n, "EXISTS"));
	     i++)
		;
	char table[128] = "";
	for (; i < nt && fk_name(&t[i]); i += 2) {
		if (t[i].n >= sizeof(table))
			return;
		memcpy(table, t[i].p, t[i].n);
		table[t[i].n] = '\0';
		if (i + 1 >= nt || t[i + 1].kind != '.') {
			i++;
			break;
		}
	}
	if (!table[0] || i >= nt)
		return;
	/* each ADD clause, to the next ',' outside parentheses */
	s->nfks = 0;
	size_t from = (size_t)(t[i].p - p);
	int depth = 0;
	for (size_t k = from; k <= n; k++) {
		if (k < n && p[k] == '(')
			depth++;
		else if (k < n && p[k] == ')')
			depth--;
		if (k == n || (p[k] == ',' && depth == 0)) {
			fk_parse(s, p + from, k - from, 0);
			from = k + 1;
		}
	}
	fk_tell(r, s, table);
}

/* Takes the table name from scratch into tname. */
static int
take_name(struct sqlr *s, struct lx *l)
{
	size_t at;

	if (s->scratch.len == 0 || s->scratch.len > MAX_IDENT ||
	    reader_check_value(s->scratch.buf, s->scratch.len, &at))
		return syntax(s, l, "bad table name");
	memcpy(s->tname, s->scratch.buf, s->scratch.len);
	s->tname[s->scratch.len] = '\0';
	return P_OK;
}

/* INSERT/REPLACE ... up to VALUES. */
static int
head_insert(struct sqlr *s, struct lx *l)
{
	const char *w;
	long wl;

	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "an INSERT");
		size_t save = l->i;
		if ((wl = lx_word(l, &w)) < 0)
			return P_MORE;
		if (kw(w, (size_t)wl, "INTO"))
			break;
		if (kw(w, (size_t)wl, "ALL")) {
			s->insert_all = 1; /* Oracle: INSERT ALL INTO t VALUES (..) INTO .. */
			continue;
		}
		if (kw(w, (size_t)wl, "LOW_PRIORITY") || kw(w, (size_t)wl, "DELAYED") ||
		    kw(w, (size_t)wl, "HIGH_PRIORITY") || kw(w, (size_t)wl, "IGNORE") ||
		    kw(w, (size_t)wl, "OR") || kw(w, (size_t)wl, "REPLACE") ||
		    kw(w, (size_t)wl, "ABORT") || kw(w, (size_t)wl, "FAIL") ||
		    kw(w, (size_t)wl, "ROLLBACK"))
			continue;
		l->i = save; /* INSERT t VALUES: INTO is optional in MySQL */
		break;
	}
	return head_target(s, l);
}

/* The target of an INSERT: name [(columns)] ... VALUES. */
static int
head_target(struct sqlr *s, struct lx *l)
{
	const char *w;
	long wl;

	if (lx_ws(l) < 0)
		return need(s, l, "an INSERT");
	scratch_reset(s);
	l->names_in_quotes = 1;
	int st = lx_qname(s, l);
	l->names_in_quotes = 0;
	if (st != P_OK || (st = take_name(s, l)) != P_OK)
		return st;
	s->has_stmt_cols = 0;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "an INSERT");
		if (l->b[l->i] == '(') {
			if ((st = lx_collist(s, l)) != P_OK)
				return st;
			continue;
		}
		if ((wl = lx_word(l, &w)) < 0)
			return P_MORE;
		if (kw(w, (size_t)wl, "VALUES") || kw(w, (size_t)wl, "VALUE"))
			return P_OK;
		if (kw(w, (size_t)wl, "SELECT")) {
			/* INSERT ... SELECT 1, 'a' UNION ALL SELECT ...: rows too */
			s->select_rows = 1;
			l->i -= (size_t)wl;
			return P_OK;
		}
		if (kw(w, (size_t)wl, "PARTITION") || kw(w, (size_t)wl, "AS") ||
		    kw(w, (size_t)wl, "OVERRIDING") || kw(w, (size_t)wl, "SYSTEM") ||
		    kw(w, (size_t)wl, "USER")) {
			if (kw(w, (size_t)wl, "PARTITION")) {
				if (lx_ws(l) < 0)
					return need(s, l, "an INSERT");
				if ((st = lx_balanced(s, l, ES_NONE)) != P_OK)
					return st;
			} else if (kw(w, (size_t)wl, "AS")) {
				if (lx_ws(l) < 0)
					return need(s, l, "an INSERT");
				if ((wl = lx_word(l, &w)) < 0)
					return P_MORE;
			}
			continue;
		}
		l->i -= (size_t)wl;
		return syntax(
		    s, l,
		    "INSERT without VALUES (SELECT, SET and DEFAULT VALUES forms are not read)");
	}
}

/* COPY name (cols) FROM stdin ...; and the end of that line. */
static int
head_copy(struct sqlr *s, struct lx *l, int *not_data)
{
	const char *w;
	long wl;
	int st;

	*not_data = 0;
	if (lx_ws(l) < 0)
		return need(s, l, "a COPY");
	if (l->b[l->i] == '(') {
		*not_data = 1; /* COPY (query) TO */
		return P_OK;
	}
	scratch_reset(s);
	if ((st = lx_qname(s, l)) != P_OK || (st = take_name(s, l)) != P_OK)
		return st;
	s->has_stmt_cols = 0;
	if (lx_ws(l) < 0)
		return need(s, l, "a COPY");
	if (l->b[l->i] == '(' && (st = lx_collist(s, l)) != P_OK)
		return st;
	if (lx_ws(l) < 0)
		return need(s, l, "a COPY");
	if ((wl = lx_word(l, &w)) < 0)
		return P_MORE;
	if (!kw(w, (size_t)wl, "FROM")) {
		*not_data = 1;
		return P_OK;
	}
	if (lx_ws(l) < 0)
		return need(s, l, "a COPY");
	if ((wl = lx_word(l, &w)) < 0)
		return P_MORE;
	if (!kw(w, (size_t)wl, "stdin")) {
		*not_data = 1;
		return P_OK;
	}
	/* options up to ';': only the text format is read */
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a COPY");
		char c = l->b[l->i];
		if (c == ';')
			break;
		if (c == '(' || c == ')' || c == ',' || c == '=' || c == '\'') {
			if (c == '\'') {
				struct val v;
				if ((st = lx_string(s, l, ES_NONE, &v)) != P_OK)
					return st;
			} else
				l->i++;
			continue;
		}
		if ((wl = lx_word(l, &w)) < 0)
			return P_MORE;
		if (wl == 0)
			return syntax(s, l, "bad COPY options");
		if (kw(w, (size_t)wl, "CSV") || kw(w, (size_t)wl, "BINARY"))
			return syntax(s, l, "COPY in CSV or binary format is not read");
	}
	/* the data starts on the next line */
	const char *nl = memchr(l->b + l->i, '\n', l->n - l->i);
	if (!nl)
		return need(s, l, "a COPY");
	l->i = (size_t)(nl - l->b) + 1;
	return P_OK;
}

/* What a CREATE statement creates, as far as reading goes. */
enum { CR_OTHER, CR_TABLE, CR_ROUTINE, CR_VIEW };

/*
 * The kind of CREATE from the words before the name: CREATE [OR REPLACE |
 * OR ALTER] [DEFINER = ...] [SQL SECURITY ...] [TEMPORARY ...] TABLE |
 * PROCEDURE ... P_OK with l->i past the kind's word.
 */
static int
create_kind(struct sqlr *s, struct lx *l, int *kind)
{
	static const char *const routine[] = {"PROCEDURE", "PROC",    "FUNCTION", "TRIGGER",
	                                      "EVENT",     "PACKAGE", "TYPE",     NULL};
	static const char *const filler[] = {
	    "OR",        "REPLACE",     "ALTER",          "GLOBAL",
	    "LOCAL",     "TEMP",        "TEMPORARY",      "UNLOGGED",
	    "DEFINER",   "SQL",         "SECURITY",       "INVOKER",
	    "ALGORITHM", "UNDEFINED",   "MERGE",          "TEMPTABLE",
	    "AGGREGATE", "EDITIONABLE", "NONEDITIONABLE", "FORCE",
	    "NOFORCE",   "CONSTRAINT",  "VOLATILE",       "MULTISET",
	    "SET",       "MEMORY",      "CACHED",         "COLUMN",
	    "ROW",       "VIRTUAL",     "TRANSIENT",      NULL};
	const char *w;
	long wl;

	*kind = CR_OTHER;
	for (int guard = 0; guard < 32; guard++) {
		if (lx_ws(l) < 0)
			return need(s, l, "a CREATE");
		char c = l->b[l->i];
		if (c == '=' || c == '@' || c == '\'' || c == '`' || c == '"') {
			/* DEFINER = `user`@`host`, CURRENT_USER */
			if (c == '=' || c == '@') {
				l->i++;
				continue;
			}
			size_t m = s->scratch.len;
			int st = c == '\'' ? (l->i++, P_OK) : lx_ident(s, l);
			s->scratch.len = m;
			if (st != P_OK)
				return st;
			if (c == '\'') {
				const char *q = memchr(l->b + l->i, '\'', l->n - l->i);
				if (!q)
					return need(s, l, "a CREATE");
				l->i = (size_t)(q - l->b) + 1;
			}
			continue;
		}
		if ((wl = lx_word(l, &w)) < 0)
			return P_MORE;
		if (wl == 0)
			return P_OK;
		if (kw(w, (size_t)wl, "TABLE")) {
			*kind = CR_TABLE;
			return P_OK;
		}
		if (kw(w, (size_t)wl, "VIEW")) {
			*kind = CR_VIEW;
			return P_OK;
		}
		for (size_t k = 0; routine[k]; k++)
			if (kw(w, (size_t)wl, routine[k])) {
				*kind = CR_ROUTINE;
				return P_OK;
			}
		int fill = kw(w, (size_t)wl, "CURRENT_USER");
		for (size_t k = 0; filler[k] && !fill; k++)
			fill = kw(w, (size_t)wl, filler[k]);
		if (!fill)
			return P_OK; /* CREATE INDEX, SEQUENCE, SCHEMA ... */
	}
	return P_OK;
}

/*
 * Looks past the first word w of an item of CREATE TABLE (l->i just after
 * it) to tell a column from a constraint or index by its place, not by a
 * list of reserved words: `key text` and `index integer` are columns (as
 * PostgreSQL writes non-reserved words unquoted), `KEY idx (a, b)` and
 * `UNIQUE (a)` are not. 1 for a constraint, 0 for a column, P_MORE as -1.
 * l->i is left where it was.
 */
static int
item_is_constraint(struct sqlr *s, struct lx *l, const char *w, size_t wl)
{
	size_t save = l->i, m = s->scratch.len;
	int res = 0;
	const char *x;
	long xl = 0;

	if (kw(w, wl, "CONSTRAINT") || kw(w, wl, "LIKE"))
		return 1; /* reserved everywhere: never an unquoted column */
	int keyish = kw(w, wl, "KEY") || kw(w, wl, "INDEX") || kw(w, wl, "UNIQUE") ||
	             kw(w, wl, "FULLTEXT") || kw(w, wl, "SPATIAL");
	if (!keyish && !kw(w, wl, "PRIMARY") && !kw(w, wl, "FOREIGN") && !kw(w, wl, "CHECK") &&
	    !kw(w, wl, "EXCLUDE") && !kw(w, wl, "PERIOD"))
		return 0;
	if (lx_ws(l) < 0)
		goto more;
	char c = l->b[l->i];
	if (c == '(') {
		/* KEY (a), CHECK (x > 0), UNIQUE (a), EXCLUDE (...) */
		res = keyish || kw(w, wl, "CHECK") || kw(w, wl, "EXCLUDE");
		goto out;
	}
	if (c == '`' || c == '"' || c == '[') {
		/* KEY `idx` (...): a quoted name can only be an index's here */
		res = keyish;
		goto out;
	}
	if ((xl = lx_word(l, &x)) < 0)
		goto more;
	if (kw(w, wl, "PRIMARY") || kw(w, wl, "FOREIGN")) {
		res = kw(x, (size_t)xl, "KEY");
		goto out;
	}
	if (kw(w, wl, "PERIOD")) {
		res = kw(x, (size_t)xl, "FOR");
		goto out;
	}
	if (kw(w, wl, "EXCLUDE")) {
		res = kw(x, (size_t)xl, "USING");
		goto out;
	}
	if (!keyish || xl == 0)
		goto out;
	if (kw(x, (size_t)xl, "KEY") || kw(x, (size_t)xl, "INDEX") || kw(x, (size_t)xl, "USING") ||
	    kw(x, (size_t)xl, "NULLS")) {
		res = 1;
		goto out;
	}
	/*
	 * KEY name (parts) against key type(10): an index's parts start with
	 * a name, a type's arguments with a number or a string.
	 */
	if (lx_ws(l) < 0)
		goto more;
	c = l->b[l->i];
	if (c == '(') {
		l->i++;
		if (lx_ws(l) < 0)
			goto more;
		c = l->b[l->i];
		res = !is_digit((unsigned char)c) && c != '\'' && c != ')';
	} else if (is_ident((unsigned char)c)) {
		const char *y;
		long yl = lx_word(l, &y);
		if (yl < 0)
			goto more;
		res = kw(y, (size_t)yl, "USING") || kw(y, (size_t)yl, "CLUSTERED") ||
		      kw(y, (size_t)yl, "NONCLUSTERED");
	}
out:
	l->i = save;
	s->scratch.len = m;
	return res;
more:
	l->i = save;
	s->scratch.len = m;
	return l->eof ? 0 : -1;
}

/*
 * CREATE [..] TABLE [IF NOT EXISTS] name (col ..., ...): the column
 * names into the table. P_OK with l->i after the list; *not_data when the
 * statement is another CREATE, with *kind saying which.
 */
static int
head_create(struct sqlr *s, struct lx *l, int *not_data, int *kind)
{
	const char *w;
	long wl;
	int st;

	*not_data = 1;
	if ((st = create_kind(s, l, kind)) != P_OK || *kind != CR_TABLE)
		return st;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a CREATE TABLE");
		size_t save = l->i;
		if ((wl = lx_word(l, &w)) < 0)
			return P_MORE;
		if (kw(w, (size_t)wl, "IF") || kw(w, (size_t)wl, "NOT") ||
		    kw(w, (size_t)wl, "EXISTS") || kw(w, (size_t)wl, "ONLY"))
			continue;
		l->i = save;
		break;
	}
	scratch_reset(s);
	l->names_in_quotes = 1;
	st = lx_qname(s, l);
	l->names_in_quotes = 0;
	if (st != P_OK || (st = take_name(s, l)) != P_OK)
		return st;
	if (lx_ws(l) < 0)
		return need(s, l, "a CREATE TABLE");
	if (l->b[l->i] != '(')
		return P_OK; /* AS SELECT, PARTITION OF: no column list */
	l->i++;
	scratch_reset(s);
	s->nfks = 0;
	for (;;) {
		if (lx_ws(l) < 0)
			return need(s, l, "a CREATE TABLE");
		char c = l->b[l->i];
		int column = 1;
		size_t item = l->i;
		if (c == ')') {
			l->i++;
			break;
		}
		size_t start = s->scratch.len;
		if (c == '`' || c == '"' || c == '[') {
			if ((st = lx_ident(s, l)) != P_OK)
				return st;
		} else {
			if ((wl = lx_word(l, &w)) < 0)
				return P_MORE;
			if (wl == 0)
				return syntax(s, l, "column name expected");
			int k = item_is_constraint(s, l, w, (size_t)wl);
			if (k < 0)
				return P_MORE;
			column = !k;
			if (column && dynbuf_add(&s->scratch, w, (size_t)wl) < 0)
				return syntax(s, l, "name too long");
		}
		if (column && scratch_end(s, start) < 0)
			return syntax(s, l, "bad column name");
		/*
		 * The rest of the item, to ',' or ')' at this level. AS (expr)
		 * makes a generated (computed) column, which an INSERT without
		 * a column list gives no value: it is not one of the table's.
		 */
		int after_as = 0;
		for (;;) {
			if (lx_ws(l) < 0)
				return need(s, l, "a CREATE TABLE");
			c = l->b[l->i];
			if (c == ',' || c == ')')
				break;
			if (c == '(') {
				if (after_as && column) {
					s->scratch.len = start;
					s->nscratch--;
					column = 0;
				}
				if ((st = lx_balanced(s, l, plain_esc(s))) != P_OK)
					return st;
			} else if (c == '\'' || c == '"' || c == '`' || c == '[') {
				struct val v;
				size_t m = s->scratch.len, a = s->arena.len;
				if (c == '\'' || c == '"')
					st =
					    lx_string(s, l, c == '\'' ? plain_esc(s) : ES_NONE, &v);
				else
					st = lx_ident(s, l);
				s->scratch.len = m;
				s->arena.len = a;
				if (st != P_OK)
					return st;
			} else if (is_ident((unsigned char)c)) {
				if ((wl = lx_word(l, &w)) < 0)
					return P_MORE;
				after_as = kw(w, (size_t)wl, "AS");
				continue;
			} else
				l->i++;
			after_as = 0;
		}
		if (fk_mentioned(l->b + item, l->i - item))
			fk_parse(s, l->b + item, l->i - item, column);
		if (l->b[l->i++] == ')')
			break;
	}
	*not_data = 0;
	return P_OK;
}

/* SET standard_conforming_strings = on|off: how later strings read. */
static void
head_set(struct sqlr *s, struct lx *l)
{
	const char *w;
	long wl;

	if (lx_ws(l) < 0 || (wl = lx_word(l, &w)) <= 0 ||
	    !kw(w, (size_t)wl, "standard_conforming_strings"))
		return;
	set_dialect(s, D_POSTGRES);
	if (lx_ws(l) < 0)
		return;
	if (l->b[l->i] == '=')
		l->i++;
	else if ((wl = lx_word(l, &w)) <= 0 || !kw(w, (size_t)wl, "TO"))
		return;
	if (lx_ws(l) < 0)
		return;
	if (l->b[l->i] == '\'')
		l->i++;
	if ((wl = lx_word(l, &w)) <= 0)
		return;
	if (kw(w, (size_t)wl, "off"))
		s->std_strings = 0;
	else if (kw(w, (size_t)wl, "on"))
		s->std_strings = 1;
	build_code_tab(s);
}

/* Statements that hold no data, skipped without a word. */
static int
is_statement(const char *w, size_t wl)
{
	static const char *const k[] = {
	    "ABORT",   "ALTER",    "ANALYZE",    "ATTACH",    "BACKUP",     "BEGIN",     "BREAK",
	    "CALL",    "CHANGE",   "CHECKPOINT", "CHECKSUM",  "CLOSE",      "CLUSTER",   "COMMENT",
	    "COMMIT",  "CONTINUE", "CREATE",     "DBCC",      "DEALLOCATE", "DECLARE",   "DELETE",
	    "DENY",    "DETACH",   "DISCARD",    "DO",        "DROP",       "ELSE",      "END",
	    "EXEC",    "EXECUTE",  "EXPLAIN",    "EXPORT",    "FETCH",      "FLUSH",     "GRANT",
	    "HANDLER", "IF",       "IMPORT",     "INSTALL",   "KILL",       "LISTEN",    "LOAD",
	    "LOCK",    "MERGE",    "MOVE",       "NOTIFY",    "OPEN",       "OPTIMIZE",  "PRAGMA",
	    "PREPARE", "PRINT",    "PURGE",      "RAISERROR", "REASSIGN",   "REFRESH",   "REINDEX",
	    "RELEASE", "RENAME",   "REORG",      "REPAIR",    "RESET",      "RESTORE",   "RETURN",
	    "REVOKE",  "ROLLBACK", "RUNSTATS",   "SAVEPOINT", "SECURITY",   "SELECT",    "SET",
	    "SHOW",    "START",    "TERMINATE",  "THROW",     "TRUNCATE",   "UNINSTALL", "UNLISTEN",
	    "UNLOCK",  "UPDATE",   "USE",        "VACUUM",    "VALUES",     "WAITFOR",   "WHILE",
	    "WITH",    "XA",       "TABLE",      "SOURCE",    "CONNECT",    "COMMENT",   NULL,
	};
	for (size_t i = 0; k[i]; i++)
		if (kw(w, wl, k[i]))
			return 1;
	return 0;
}

/*
 * SQL*Plus commands, one line each and no ';' needed (Oracle scripts:
 * SET DEFINE OFF, PROMPT, REM INSERTING into ...).
 */
static int
sqlplus_command(const char *w, size_t wl)
{
	static const char *const k[] = {
	    "ACCEPT",   "BREAK",    "BTITLE", "CLEAR", "COL",      "COLUMN", "COMPUTE",    "CONN",
	    "CONNECT",  "DEF",      "DEFINE", "DESC",  "DESCRIBE", "DISC",   "DISCONNECT", "EXIT",
	    "HOST",     "PAUSE",    "PROMPT", "QUIT",  "REM",      "REMARK", "SET",        "SHO",
	    "SHOW",     "SPO",      "SPOOL",  "START", "TTITLE",   "UNDEF",  "UNDEFINE",   "VAR",
	    "VARIABLE", "WHENEVER", "PRO",    NULL};
	for (size_t i = 0; k[i]; i++)
		if (kw(w, wl, k[i]))
			return 1;
	return 0;
}

/* Where the skipping of a routine's body ends, by dialect. */
static int
routine_end(const struct sqlr *s)
{
	if (s->dialect == D_TSQL)
		return U_BATCH;
	if ((s->dialect == D_ORACLE || s->dialect == D_DB2) && !strcmp(s->delim, ";"))
		return U_SLASH;
	return U_BLOCK;
}

/* Reads a DELIMITER (or \d) line's delimiter at buf[i..e). */
static void
set_delimiter(struct sqlr *s, const char *buf, size_t i, size_t e)
{
	while (i < e && is_space((unsigned char)buf[i]))
		i++;
	size_t j = i;
	while (j < e && !is_space((unsigned char)buf[j]))
		j++;
	if (j > i && j - i < sizeof(s->delim)) {
		memcpy(s->delim, buf + i, j - i);
		s->delim[j - i] = '\0';
		s->delim_len = j - i;
		build_code_tab(s);
	}
}

/*
 * Firebird's (and InterBase's) SET TERM new old: a line of its own, like
 * DELIMITER; 1 when this is one, the new terminator taken.
 */
static int
set_term(struct sqlr *s, struct lx *l, size_t eol)
{
	const char *w;
	size_t save = l->i;
	long wl;

	if (lx_ws(l) < 0 || (wl = lx_word(l, &w)) <= 0 || !kw(w, (size_t)wl, "TERM") ||
	    l->i >= eol) {
		l->i = save;
		return 0;
	}
	size_t i = l->i;
	while (i < eol && (l->b[i] == ' ' || l->b[i] == '\t'))
		i++;
	size_t j = i;
	while (j < eol && !is_space((unsigned char)l->b[j]))
		j++;
	/* SET TERM ^; : the old terminator glued to the new one */
	if (j - i > s->delim_len && !memcmp(l->b + j - s->delim_len, s->delim, s->delim_len))
		j -= s->delim_len;
	l->i = save;
	if (j == i)
		return 0;
	set_delimiter(s, l->b, i, j);
	return 1;
}

/* The statement is a line of its own (GO, '/', DELIMITER, SQL*Plus): drop it. */
static int
line_statement(struct sqlr *s)
{
	s->mode = M_LINE;
	s->line_then = M_TOP;
	return 1;
}

/* Sets up reading the rows of the statement whose head was parsed. */
static int
start_data(struct reader *r, struct sqlr *s, enum mode m)
{
	s->tab = table_get(s, s->tname);
	s->nrows = 0;
	s->scanned = 0;
	if (!s->tab) {
		snprintf(s->err, sizeof(s->err), "more than %d tables", MAX_TABLES);
		return P_ERR;
	}
	if (!table_wanted(r, s->tab->name)) {
		if (m == M_COPY) {
			s->mode = M_COPY_SKIP;
			s->mid_line = 0;
		} else
			skip_start(s, U_STMT);
		return P_OK;
	}
	s->mode = m;
	return P_OK;
}

/*
 * At a statement's first byte (window offset 0): reads its head and
 * decides what to do with the rest. 1 to go on, or DT_WARN / DT_FAILED.
 */
static int
statement(struct reader *r, struct sqlr *s)
{
	for (;;) {
		size_t len;
		const char *buf = source_data(r->src, &len);
		struct lx l = {buf, len, 0, s->eof, hash_comments(s), 0};
		const char *w;
		long wl = lx_word(&l, &w);
		int st = P_OK, not_data = 0, until = U_STMT, g;
		enum mode m = M_SKIP;
		const char *nl = memchr(buf, '\n', len < 4096 ? len : 4096);

		if ((wl < 0 || !nl) && len < 256 && !s->eof)
			st = P_MORE;
		else if (wl < 0)
			wl = (long)len; /* a very long word: not a keyword */
		if (st == P_MORE)
			;
		else if (wl == 0 && buf[0] == '\\') {
			if (len > 2 && buf[1] == 'd' && is_space((unsigned char)buf[2]) &&
			    s->dialect != D_POSTGRES) {
				/* the mysql client's \d: DELIMITER */
				set_delimiter(s, buf, 2, nl ? (size_t)(nl - buf) : len);
				return line_statement(s);
			}
			/* a psql meta-command (\connect, \restrict): one line */
			set_dialect(s, D_POSTGRES);
			return line_statement(s);
		} else if (wl == 0 && slash_line(buf, len, s->eof, 0) == 1) {
			/* SQL*Plus and DB2 run the block above; its end was found */
			return line_statement(s);
		} else if (kw(w, (size_t)wl, "GO") && go_line(buf, len, s->eof, 0) == 1) {
			set_dialect(s, D_TSQL);
			return line_statement(s);
		} else if ((s->dialect == D_ORACLE && sqlplus_command(w, (size_t)wl)) ||
		           (s->dialect == D_UNKNOWN &&
		            (kw(w, (size_t)wl, "PROMPT") || kw(w, (size_t)wl, "REM") ||
		             kw(w, (size_t)wl, "REMARK") || kw(w, (size_t)wl, "SPOOL") ||
		             kw(w, (size_t)wl, "WHENEVER")))) {
			set_dialect(s, D_ORACLE); /* only SQL*Plus has these */
			return line_statement(s);
		} else if ((s->dialect == D_ORACLE || s->dialect == D_DB2) &&
		           (kw(w, (size_t)wl, "BEGIN") || kw(w, (size_t)wl, "DECLARE"))) {
			/* an anonymous PL/SQL block, to its '/' line */
			not_data = 1;
			until = routine_end(s);
		} else if (kw(w, (size_t)wl, "INSERT") || kw(w, (size_t)wl, "REPLACE")) {
			s->insert_all = s->select_rows = 0;
			st = head_insert(s, &l);
			m = M_ROWS;
		} else if (kw(w, (size_t)wl, "COPY")) {
			set_dialect(s, D_POSTGRES);
			st = head_copy(s, &l, &not_data);
			m = M_COPY;
		} else if (kw(w, (size_t)wl, "CREATE")) {
			int kind;
			st = head_create(s, &l, &not_data, &kind);
			if (st == P_OK && !not_data) {
				struct table *t = table_get(s, s->tname);
				if (t) {
					colset_set(&t->cols, s->scratch.buf, s->scratch.len,
					           s->nscratch);
					t->implicit = 0;
				}
				fk_tell(r, s, s->tname);
				not_data = 1; /* the rest is skipped */
			}
			if (st == P_OK &&
			    (kind == CR_ROUTINE || (kind == CR_VIEW && s->dialect == D_TSQL)))
				until = routine_end(s);
			l.i = 0;
		} else if (kw(w, (size_t)wl, "DELIMITER") && s->dialect != D_POSTGRES) {
			/* the mysql client's DELIMITER: a line of its own */
			set_delimiter(s, buf, l.i, nl ? (size_t)(nl - buf) : len);
			return line_statement(s);
		} else if (kw(w, (size_t)wl, "SET") &&
		           set_term(s, &l, nl ? (size_t)(nl - buf) : len)) {
			return line_statement(s);
		} else if (kw(w, (size_t)wl, "SET")) {
			head_set(s, &l);
			not_data = 1;
			l.i = 0;
		} else if (kw(w, (size_t)wl, "ALTER")) {
			alter_fk(r, s, buf + l.i, len - l.i);
			not_data = 1;
			l.i = 0;
		} else if (wl > 0 && is_statement(w, (size_t)wl)) {
			not_data = 1;
			l.i = 0;
		} else {
			/* not SQL: reject it and go on after its end */
			uint64_t line = s->line;
			skip_start(s, U_STMT);
			s->statements++;
			return reader_reject(r, line, source_offset(r->src), buf,
			                     raw_extent(buf, len, 0, 0), "not an SQL statement");
		}

		if (st == P_MORE) {
			if (len > r->opts.max_record) {
				uint64_t line = s->line;
				skip_start(s, U_STMT);
				return reader_reject(
				    r, line, source_offset(r->src), buf, raw_extent(buf, len, 0, 0),
				    "statement head longer than the --max-record limit");
			}
			if ((g = grow(r, s, len)) < 0)
				return source_failed(r, s);
			if (g == 0 && !s->eof) {
				skip_start(s, U_STMT);
				return reader_reject(r, s->line, source_offset(r->src), buf,
				                     raw_extent(buf, len, 0, 0),
				                     "statement longer than the window limit");
			}
			continue;
		}
		s->statements++;
		if (st == P_ERR) {
			uint64_t line = s->line + count_nl(buf, s->err_at);
			uint64_t off = source_offset(r->src) + s->err_at;
			skip_start(s, U_STMT);
			const char *e = m == M_COPY && s->err_at < len
			                    ? memchr(buf + s->err_at, '\n', len - s->err_at)
			                    : NULL;
			if (e && memchr(buf, ';', (size_t)(e - buf)) &&
			    (has(buf, (size_t)(e - buf), "stdin") ||
			     has(buf, (size_t)(e - buf), "STDIN"))) {
				/*
				 * A COPY block we cannot read (CSV, binary): each data
				 * line a rejected row, or skipped when --table wants
				 * another table.
				 */
				if (!table_wanted(r, s->tname)) {
					s->mode = M_COPY_SKIP;
					s->mid_line = 1;
					return 1;
				}
				s->mode = M_LINE;
				s->line_then = M_COPY;
				s->copy_reject = "COPY data in CSV or binary format is not read";
				s->tab = NULL;
				return 1;
			}
			return reader_reject(r, line, off, buf, raw_extent(buf, len, 0, s->err_at),
			                     "%s", s->err);
		}
		if (not_data) {
			advance(r, s, l.i);
			skip_start(s, until);
			return 1;
		}
		advance(r, s, l.i);
		st = start_data(r, s, m);
		if (st != P_OK) {
			skip_start(s, U_STMT);
			return reader_reject(r, s->line, source_offset(r->src), NULL, 0, "%s",
			                     s->err);
		}
		return 1;
	}
}
/*
 * Goes on with a comment met between statements (1: line, 2: block) at
 * b[*ip]: 1 when it ended, 0 when the bytes ran out (*ip: done with).
 */
static int
comment_scan(struct sqlr *s, const char *b, size_t n, int eof, size_t *ip)
{
	size_t i = *ip;

	if (s->top_comment == 1) {
		const char *nl = memchr(b + i, '\n', n - i);
		*ip = nl ? (size_t)(nl - b) + 1 : n;
		return nl != NULL;
	}
	const char *e = memmem(b + i, n - i, "*/", 2);
	if (e) {
		*ip = (size_t)(e - b) + 2;
		return 1;
	}
	*ip = eof || n - i < 2 ? (eof ? n : i) : n - 1; /* keep a '*' that may start the end */
	return 0;
}

/* M_TOP: white space, comments and empty statements, then a statement. */
static int
top_step(struct reader *r, struct sqlr *s)
{
	for (;;) {
		size_t len, i = 0;
		const char *buf = source_data(r->src, &len);

		while (i < len) {
			if (s->top_comment) {
				if (!comment_scan(s, buf, len, s->eof, &i))
					break;
				s->top_comment = 0;
				continue;
			}
			unsigned char c = (unsigned char)buf[i];
			if (is_space(c) || c == ';') {
				i++;
				continue;
			}
			if (c == (unsigned char)s->delim[0] && s->delim_len > 1) {
				/* an empty statement: the delimiter alone */
				if (i + s->delim_len > len && !s->eof)
					break;
				if (i + s->delim_len <= len &&
				    !memcmp(buf + i, s->delim, s->delim_len)) {
					i += s->delim_len;
					continue;
				}
			}
			if ((c == '-' || c == '/') && i + 1 >= len && !s->eof)
				break;
			if (c == '-' && i + 1 < len && buf[i + 1] == '-') {
				/* DB2's --#SET TERMINATOR x sets the delimiter */
				static const char term[] = "--#SET TERMINATOR ";
				size_t tl = sizeof(term) - 1;
				if (len - i < tl + 2 && !s->eof)
					break;
				if (len - i >= tl && !strncasecmp(buf + i, term, tl)) {
					const char *e = memchr(buf + i, '\n', len - i);
					if (!e && !s->eof && len - i < 256)
						break;
					set_dialect(s, D_DB2);
					set_delimiter(s, buf, i + tl, e ? (size_t)(e - buf) : len);
				}
				s->top_comment = 1;
				i += 2;
				continue;
			}
			if (c == '#' && hash_comments(s)) {
				s->top_comment = 1;
				i++;
				continue;
			}
			if (c == '/' && i + 1 < len && buf[i + 1] == '*') {
				if (i + 2 < len && buf[i + 2] == '!')
					set_dialect(s, D_MYSQL);
				s->top_comment = 2;
				i += 2;
				continue;
			}
			if (c == 0xEF && len - i >= 3 && !memcmp(buf + i, "\xEF\xBB\xBF", 3)) {
				i += 3; /* a BOM inside an archive member */
				continue;
			}
			advance(r, s, i);
			return statement(r, s);
		}
		advance(r, s, i);
		if (s->eof && i >= len) {
			s->mode = M_DONE;
			return 1;
		}
		if (grow(r, s, len - i) < 0)
			return source_failed(r, s);
	}
}

/* --- the format --------------------------------------------------------- */

/* Skips white space and comments in a bid sample; the index after them. */
static size_t
bid_skip(const char *b, size_t n, size_t i)
{
	while (i < n) {
		if (is_space((unsigned char)b[i]) || b[i] == ';')
			i++; /* empty statements, as after a version comment */
		else if (i + 1 < n && b[i] == '-' && b[i + 1] == '-') {
			const char *nl = memchr(b + i, '\n', n - i);
			i = nl ? (size_t)(nl - b) + 1 : n;
		} else if (i + 1 < n && b[i] == '/' && b[i + 1] == '*') {
			const char *e = memmem(b + i + 2, n - i - 2, "*/", 2);
			i = e ? (size_t)(e - b) + 2 : n;
		} else if (b[i] == '#') {
			const char *nl = memchr(b + i, '\n', n - i);
			i = nl ? (size_t)(nl - b) + 1 : n;
		} else
			break;
	}
	return i;
}

/* The sample in lower case (ASCII), for the marks below; free() it. */
static char *
lower_copy(const char *b, size_t n)
{
	char *l = xmalloc(n + 2);

	l[0] = '\n'; /* so that "\nmark" finds a mark on the first line too */
	for (size_t i = 0; i < n; i++)
		l[i + 1] = (char)(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
	return l;
}

/* T-SQL batch separators: lines that hold GO (b in lower case). */
static int
has_go_line(const char *b, size_t n)
{
	for (const char *p = b, *e = b + n; (p = memmem(p, (size_t)(e - p), "\ngo", 3)); p += 3)
		if (go_line(b, n, 1, (size_t)(p - b) + 1) == 1)
			return 1;
	return 0;
}

/*
 * The dialect a script's habits tell, when no tool's banner does: each
 * dialect's telling marks in the sample, weighed; the most evidence wins.
 * D_UNKNOWN (MySQL's string rules) when nothing tells.
 */
static enum dialect
guess_dialect(const char *b, size_t n)
{
	static const struct {
		enum dialect d;
		int w;
		const char *mark; /* in lower case: matched ignoring case */
	} k[] = {
	    {D_MYSQL, 3, "`"},
	    {D_MYSQL, 3, "/*!"},
	    {D_MYSQL, 2, "engine="},
	    {D_MYSQL, 2, "lock tables"},
	    {D_MYSQL, 1, "auto_increment"},
	    {D_POSTGRES, 3, "standard_conforming_strings"},
	    {D_POSTGRES, 3, "\n\\connect"},
	    {D_POSTGRES, 3, "\n\\c "},
	    {D_POSTGRES, 3, " from stdin;"},
	    {D_POSTGRES, 2, "owner to"},
	    {D_POSTGRES, 2, "nextval("},
	    {D_POSTGRES, 1, "::"},
	    {D_POSTGRES, 1, "serial"},
	    {D_SQLITE, 3, "pragma "},
	    {D_SQLITE, 2, "begin transaction;"},
	    {D_SQLITE, 2, "without rowid"},
	    {D_SQLITE, 1, "autoincrement"},
	    {D_SQLITE, 1, "create table ["},
	    {D_SQLITE, 2, "sqlite"}, /* a comment naming the server */
	    {D_TSQL, 4, "set identity_insert"},
	    {D_TSQL, 3, "set ansi_nulls"},
	    {D_TSQL, 3, "set quoted_identifier"},
	    {D_TSQL, 3, "[dbo]."},
	    {D_TSQL, 3, "set nocount on"},
	    {D_TSQL, 1, "create table ["},
	    {D_TSQL, 2, "sql server"},
	    {D_TSQL, 2, "insert ["},
	    {D_TSQL, 1, "nvarchar"},
	    {D_TSQL, 1, "identity("},
	    {D_TSQL, 1, " n'"},
	    {D_ORACLE, 4, "set define off"},
	    {D_ORACLE, 4, "rem inserting"},
	    {D_ORACLE, 3, "varchar2"},
	    {D_ORACLE, 2, "\nprompt "},
	    {D_ORACLE, 2, "to_date("},
	    {D_ORACLE, 2, "||chr("},
	    {D_ORACLE, 2, "\nconn "},
	    {D_ORACLE, 2, "\nspool "},
	    {D_ORACLE, 2, "whenever sqlerror"},
	    {D_ORACLE, 1, "number("},
	    {D_ORACLE, 1, "sysdate"},
	    {D_DB2, 5, "--#set terminator"},
	    {D_DB2, 5, "db2look"},
	    {D_DB2, 2, "connect to "},
	    {D_DB2, 2, "vargraphic"},
	    {D_DB2, 2, "organize by"},
	    {D_DB2, 2, "db2"},
	};
	int score[D_DB2 + 1] = {0};
	enum dialect best = D_UNKNOWN;

	char *lb = lower_copy(b, n);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (has(lb, n + 1, k[i].mark))
			score[k[i].d] += k[i].w;
	if (has_go_line(lb, n + 1))
		score[D_TSQL] += 4;
	free(lb);
	if (slash_line(b, n, 1, 0) == 1 || has(b, n, "\n/\n") || has(b, n, "\n/\r\n"))
		score[D_ORACLE] += 2;
	for (int d = D_MYSQL; d <= D_DB2; d++)
		if (score[d] > score[best])
			best = (enum dialect)d;
	return best;
}

/*
 * A dump announces itself: a tool's banner, or a first statement that is
 * SQL. Above CSV's 1 for any of that; 0 for what starts like JSON.
 */
static int
sql_bid(const char *buf, size_t len, int eof)
{
	static const char *const first[] = {
	    "CREATE", "INSERT",  "COPY",  "PRAGMA", "BEGIN",  "SET",       "DROP",   "LOCK",
	    "USE",    "REPLACE", "START", "ALTER",  "SELECT", "DELIMITER", "COMMIT", NULL};
	/* words that start scripts too, but also prose: they need SQL after them */
	static const char *const weak[] = {
	    "IF",    "GO",      "PRINT",  "EXEC",     "EXECUTE", "DECLARE", "PROMPT",
	    "REM",   "REMARK",  "SPOOL",  "WHENEVER", "CONNECT", "CONN",    "TRUNCATE",
	    "GRANT", "COMMENT", "UPDATE", "DELETE",   "CALL",    "WITH",    NULL};
	size_t i = 0;
	int score = 0;

	(void)eof;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	if (has(buf, len, "-- MySQL dump") || has(buf, len, "-- MariaDB dump") ||
	    has(buf, len, "-- phpMyAdmin SQL Dump") || has(buf, len, "-- Adminer ") ||
	    has(buf, len, "PostgreSQL database dump"))
		score = 60;
	i = bid_skip(buf, len, i);
	if (i >= len)
		return score;
	if (buf[i] == '{' || buf[i] == '[')
		return 0;
	/* SQL in the sample: what a script that holds data shows */
	char *lb = lower_copy(buf, len);
	int content = has(lb, len + 1, "insert into") || has(lb, len + 1, "create table") ||
	              has(buf, len, "COPY ") || has(lb, len + 1, "\ninsert [") ||
	              has(lb, len + 1, "\ninsert \"") || has_go_line(lb, len + 1);
	free(lb);
	size_t j = i;
	while (j < len && is_ident((unsigned char)buf[j]))
		j++;
	int first_ok = 0, weak_ok = 0;
	if (j < len && (is_space((unsigned char)buf[j]) || buf[j] == ';')) {
		for (size_t k = 0; first[k]; k++)
			first_ok |= kw(buf + i, j - i, first[k]);
		for (size_t k = 0; weak[k]; k++)
			weak_ok |= kw(buf + i, j - i, weak[k]);
	}
	if (first_ok || (weak_ok && content))
		score += 30;
	else if (buf[i] == '\\' && i + 1 < len && (buf[i + 1] == 'c' || buf[i + 1] == 'r'))
		score += 20; /* psql's \connect, \restrict */
	else if (buf[i] == '/' && content && slash_line(buf, len, 1, i) == 1)
		score += 30; /* a SQL*Plus script's '/' line */
	else if (score == 0)
		return 0;
	if (content)
		score += 10;
	return score;
}

static int
sql_open(struct reader *r)
{
	struct sqlr *s = xcalloc(1, sizeof(*s));
	int st;
	size_t len = reader_peek(r, PEEK_SIZE, &st);
	const char *buf;

	r->state = s;
	if (st == -1)
		return reader_fail(r, 0, 0, "%s", source_error(r->src));
	buf = source_data(r->src, &len);

	/* the dialect, from banners first, then from telling habits */
	if (has(buf, len, "-- MySQL dump")) {
		s->dialect = D_MYSQL;
		s->tool = "mysqldump";
	} else if (has(buf, len, "-- phpMyAdmin SQL Dump")) {
		s->dialect = D_MYSQL;
		s->tool = "phpmyadmin";
	} else if (has(buf, len, "-- Adminer ") && has(buf, len, "MySQL")) {
		s->dialect = D_MYSQL;
		s->tool = "adminer";
	} else if (has(buf, len, "-- MariaDB dump")) {
		s->dialect = D_MYSQL;
		s->tool = "mariadb-dump";
	} else if (has(buf, len, "PostgreSQL database dump")) {
		s->dialect = D_POSTGRES;
		s->tool = "pg_dump";
	} else if (has(buf, len, "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;")) {
		s->dialect = D_SQLITE;
		s->tool = "sqlite3";
	} else
		s->dialect = guess_dialect(buf, len);
	s->std_strings = !has(buf, len, "standard_conforming_strings = off");
	for (const char *p = buf, *e = buf + len;
	     (p = memmem(p, (size_t)(e - p), "CREATE TABLE", 12)); p += 12)
		s->peek_tables++;
	s->peek_whole = st == 0 && len < PEEK_SIZE;

	strcpy(s->delim, ";");
	s->delim_len = 1;
	build_code_tab(s);
	s->line = 1;
	s->pending_lines = -1;
	s->mode = M_TOP;
	dynbuf_init(&s->arena, r->opts.max_record);
	dynbuf_init(&s->scratch, r->opts.max_record);
	return DT_OK;
}

/*
 * At the end: statements that gave not one record are no dump of data
 * (a schema, a script, or a dialect misread), and the input says so.
 */
static int
sql_end(struct reader *r, struct sqlr *s)
{
	if (r->parsed || r->rejected || s->said_empty)
		return DT_EOF;
	s->said_empty = 1;
	r->empty = 1;
	if (r->opts.table)
		return reader_fail(r, s->line, source_offset(r->src),
		                   "no row of table '%s' in %llu SQL statements", r->opts.table,
		                   (unsigned long long)s->statements);
	if (s->statements)
		return reader_fail(r, s->line, source_offset(r->src),
		                   "%llu SQL statements but not one row of data (no INSERT "
		                   "or COPY data)",
		                   (unsigned long long)s->statements);
	return DT_EOF;
}

static int
sql_next(struct reader *r, struct record *rec)
{
	struct sqlr *s = r->state;

	if (s->pending) {
		if (s->pending_lines >= 0) {
			s->line += (uint64_t)s->pending_lines;
			source_consume(r->src, s->pending);
		} else
			advance(r, s, s->pending);
		s->pending = 0;
		s->pending_lines = -1;
	}
	if (s->owed) {
		s->owed--;
		return reader_reject(r, s->owed_line, s->owed_off, NULL, 0,
		                     "row skipped with its statement after a syntax error");
	}
	for (;;) {
		int st;
		switch (s->mode) {
		case M_TOP:
			st = top_step(r, s);
			break;
		case M_SKIP:
			st = skip_run(r, s);
			break;
		case M_LINE:
			st = line_run(r, s);
			break;
		case M_ROWS:
			st = rows_step(r, s, rec);
			break;
		case M_COPY:
			st = copy_step(r, s, rec);
			break;
		case M_COPY_SKIP:
			st = copy_skip(r, s);
			break;
		default:
			return sql_end(r, s);
		}
		if (st != 1)
			return st;
		if (s->owed)
			return sql_next(r, rec);
	}
}

static void
sql_close(struct reader *r)
{
	struct sqlr *s = r->state;

	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++) {
		free(s->tables[i]->name);
		colset_free(&s->tables[i]->cols);
		free(s->tables[i]);
	}
	free(s->tables);
	colset_free(&s->stmt_cols);
	dynbuf_release(&s->arena);
	dynbuf_release(&s->scratch);
	free(s->scratch_at);
	free(s->vals);
	free(s->fields);
	free(s);
}

static void
sql_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct sqlr *s = r->state;
	char n[32];

	fn(ctx, "dialect", dialect_name[s->dialect]);
	if (s->tool)
		fn(ctx, "tool", s->tool);
	fn(ctx, "strings", plain_esc(s) == ES_NONE ? "standard" : "backslash-escapes");
	if (s->ntables)
		snprintf(n, sizeof(n), "%zu", s->ntables);
	else
		snprintf(n, sizeof(n), "%zu%s", s->peek_tables, s->peek_whole ? "" : "+");
	fn(ctx, "tables_declared", n);
}

const struct format format_sql = {
    .name = "sql",
    .bid = sql_bid,
    .open = sql_open,
    .next = sql_next,
    .close = sql_close,
    .describe = sql_describe,
};
