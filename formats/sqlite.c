/*
 * The SQLite database reader, through libsqlite3: every table of a
 * database file, one record per row, tagged with its table (rec->table) as
 * the SQL reader tags the rows of a .dump. A binary format: identify()
 * knows the file by its header, and the source hands over its bytes as
 * they are.
 *
 * SQLite wants a file, so open() asks source_spool() for one: a plain file
 * is opened where it is; an archive member, a decompressed stream or
 * standard input is first copied into a temporary file (at most
 * SPOOL_MAX bytes; a member is held to --max-member-size by the source as
 * it is decompressed, the tighter cap), which close() removes.
 *
 * What is read:
 *  - the tables of sqlite_schema, in the order they were made (.dump's
 *    order). The internal sqlite_* tables (sqlite_sequence, sqlite_stat1
 *    ...) hold no data of the application and are passed over, though a
 *    .dump writes sqlite_sequence's rows. Virtual tables (FTS, R-Tree) are
 *    passed over too: reading one would run its module's code on the
 *    file's arguments, and their shadow tables, ordinary tables, hold the
 *    same data and are read. Views, indexes and triggers are never data.
 *  - the columns of PRAGMA table_xinfo that are stored: generated columns
 *    are left out (a .dump leaves them out too, and computing one would run
 *    an expression of the file's schema).
 *  - each table through its own b-tree (NOT INDEXED, or INDEXED BY its
 *    primary key for a WITHOUT ROWID table: an index of a damaged or
 *    crafted file need not agree with its table), in rowid order, or in
 *    primary-key order for a WITHOUT ROWID table.
 *
 * Values are text as `sqlite3 .dump` writes them, so that a database and
 * its dump give the same records: INTEGER as %lld; REAL as .dump writes it
 * (an integral value as %lld.0, infinities as 1e999 and -1e999, any other
 * with SQLite's own printf("%!.20g"), not sqlite3_column_text()'s lossy
 * 15 digits); TEXT as it is (UTF-8, converted by SQLite from a UTF-16
 * database) or, when it is not valid UTF-8 or holds a NUL byte, as hex like
 * a BLOB, so that no row is lost for it; BLOB as 0x and lower-case hex (the
 * SQL reader's convention, typed binary by core/types); NULL as NULL.
 *
 * Errors: a rejection's line is the row's number in its table (1-based,
 * rejected rows counted) and its offset 0; the reason names the table. A
 * row whose values are longer than --max-record in all is rejected and
 * reading goes on. A single value longer than that is refused by SQLite
 * itself (SQLITE_LIMIT_LENGTH, which keeps memory bounded), which ends the
 * statement: in a rowid table the row is rejected and the scan starts
 * again after its rowid; in a WITHOUT ROWID table the rest of the table
 * is given up. A damaged page (SQLITE_CORRUPT) or any other error in a
 * table rejects one record with SQLite's message and reading goes on with
 * the next table. A file SQLite cannot open or whose schema it cannot
 * read fails the input.
 *
 * Security: the file may be crafted. It is opened read-only and immutable
 * (no locks, no journal or WAL file looked at: rows only in a -wal file
 * beside it are not read), and the connection is made defensive:
 * SQLITE_DBCONFIG_DEFENSIVE, no triggers, no views, an untrusted schema
 * (trusted_schema off: the schema may call innocuous functions only), no
 * extension loading, no double-quoted strings in our statements,
 * cell_size_check on, no memory-mapped I/O, nothing attached. PRAGMA
 * quick_check walks every page of a small file first (QUICK_CHECK_MAX) and
 * its verdict is shown by sniff; a large one is only read, since a damaged
 * page then rejects what it holds anyway.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "formats/format.h"

#define HEADER_SIZE 100
#define SPOOL_MAX (256ull << 30)      /* the source's default --max-member-size */
#define QUICK_CHECK_MAX (32ull << 20) /* files checked whole by open() */

/* One table of the schema, its columns found when its turn comes. */
struct sqtable {
	char *sql_name; /* as stored: what the statements name */
	char *name;     /* rec->table: the same, made valid UTF-8 */
	char *names;    /* the stored columns' names made valid, NUL-separated */
	char *raw;      /* the same as stored: what the statements name */
	size_t *raw_at; /* where each of them starts in raw */
	struct field *f;
	size_t ncols;
};

struct sqliter {
	sqlite3 *db;
	char path[PATH_MAX];
	int temp; /* path is a spool file of ours */

	struct sqtable *t;
	size_t nt, cur;  /* the tables to read; the next to start */
	size_t nvirtual; /* passed over */

	/* the table being read: its rows, in rowid order when has_rowid */
	struct sqtable *tab;
	sqlite3_stmt *st;
	sqlite3_stmt *seek; /* the first rowid at or after ?1 */
	int has_rowid;
	sqlite3_int64 last_rowid;
	int any_rowid;
	uint64_t row; /* rows of the table met so far */

	/* the record: numbers and hex in the arena, at offsets until it is whole */
	struct field *f;
	size_t *at;
	size_t falloc;
	struct dynbuf arena;

	/* for describe(), from the header */
	unsigned page_size;
	const char *encoding;
	char version[24];
	const char *check;
	uint32_t app_id;
	char msg[160]; /* db_err()'s */
};

/* --- identify ----------------------------------------------------------- */

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The page size the header states, or 0 when it is none SQLite writes. */
static unsigned
header_page_size(const unsigned char *p)
{
	unsigned ps = be16(p + 16);

	if (ps == 1)
		return 65536;
	if (ps < 512 || ps > 32768 || (ps & (ps - 1)))
		return 0;
	return ps;
}

/*
 * The 16-byte magic "SQLite format 3\0" and a page size SQLite writes (a
 * power of two from 512 to 65536, stored as 1 for 65536): 16 bytes and a
 * few bits more. A file too short to hold the page size is not claimed.
 */
static int
sqlite_identify(const char *raw, size_t len, int eof)
{
	const unsigned char *p = (const unsigned char *)raw;

	(void)eof;
	if (len < 18 || memcmp(raw, "SQLite format 3", 16) || !header_page_size(p))
		return 0;
	return 140;
}

/* --- open --------------------------------------------------------------- */

/*
 * The URI of path: "file:" and the path with every byte that a URI gives a
 * meaning to (?, #, %, ...) percent-encoded. An absolute path gets an empty
 * authority ("file:///..."), so that "//x" is never taken for a host.
 */
static char *
file_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *u = xmalloc(n * 3 + 32), *o = u;

	o += sprintf(o, path[0] == '/' ? "file://" : "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p))
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	strcpy(o, "?immutable=1&mode=ro");
	return u;
}

/* The connection made safe for a file that may be crafted; 0 or -1. */
static int
harden(sqlite3 *db, size_t max_record)
{
	static const int off[] = {
	    SQLITE_DBCONFIG_ENABLE_TRIGGER,
	    SQLITE_DBCONFIG_TRUSTED_SCHEMA,
	    SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
	    SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
	    SQLITE_DBCONFIG_DQS_DML,
#ifdef SQLITE_DBCONFIG_ENABLE_VIEW
	    SQLITE_DBCONFIG_ENABLE_VIEW,
#endif
	};
	int len = max_record > INT_MAX ? INT_MAX : max_record < 1 ? 1 : (int)max_record;

	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK)
		return -1;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (sqlite3_db_config(db, off[i], 0, (int *)NULL) != SQLITE_OK)
			return -1;
	sqlite3_enable_load_extension(db, 0);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, len);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
	/* before the schema is read, so that its pages are checked too */
	return sqlite3_exec(db,
	                    "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0; PRAGMA query_only=ON;",
	                    NULL, NULL, NULL) == SQLITE_OK
	           ? 0
	           : -1;
}

/* Makes each byte of bad UTF-8 or NUL in s[0..n) a '?'. */
static void
make_valid(char *s, size_t n)
{
	size_t at, off = 0;

	while (off < n && reader_check_value(s + off, n - off, &at)) {
		s[off + at] = '?';
		off += at + 1;
	}
}

/* A NUL-terminated copy of the n bytes at p, made valid UTF-8. */
static char *
valid_name(const char *p, size_t n)
{
	char *s = xmalloc(n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	make_valid(s, n);
	return s;
}

/*
 * SQLite's last message, made valid UTF-8: it can quote a name of the
 * file's ("malformed database schema (x)"), which may be any bytes.
 */
static const char *
db_err(struct sqliter *q)
{
	snprintf(q->msg, sizeof(q->msg), "%s", q->db ? sqlite3_errmsg(q->db) : "out of memory");
	make_valid(q->msg, strlen(q->msg));
	return q->msg;
}

/* Is the SQL text sql a CREATE VIRTUAL TABLE? */
static int
is_virtual(const char *sql)
{
	static const char *const w[] = {"create", "virtual", "table"};

	if (!sql)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
			sql++;
		size_t n = strlen(w[i]);
		if (strncasecmp(sql, w[i], n))
			return 0;
		sql += n;
	}
	return 1;
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

/* The tables to read, from the schema (which SQLite reads here first). */
static int
list_tables(struct reader *r, struct sqliter *q)
{
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc = sqlite3_prepare_v2(q->db,
	                            "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' "
	                            "ORDER BY rowid",
	                            -1, &st, NULL);

	if (rc != SQLITE_OK)
		return reader_fail(r, 0, 0, "cannot read the database schema: %s", db_err(q));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 1);

		if (!name || !*name || !strncasecmp(name, "sqlite_", 7))
			continue; /* internal: sqlite_sequence, sqlite_stat1, ... */
		if (is_virtual(sql)) {
			q->nvirtual++;
			continue;
		}
		if (!table_wanted(r, name))
			continue;
		q->t = xgrow(q->t, &alloc, q->nt + 1, sizeof(*q->t));
		struct sqtable *t = &q->t[q->nt++];
		memset(t, 0, sizeof(*t));
		t->sql_name = xstrdup(name);
		t->name = valid_name(name, strlen(name));
	}
	if (rc != SQLITE_DONE) {
		int ret = reader_fail(r, 0, 0, "cannot read the database schema: %s", db_err(q));
		sqlite3_finalize(st);
		return ret;
	}
	sqlite3_finalize(st);
	return DT_OK;
}

/* PRAGMA quick_check's verdict on a small file: "ok", "corrupt" or "skipped". */
static const char *
quick_check(struct sqliter *q)
{
	struct stat sb;
	sqlite3_stmt *st;
	const char *v = "corrupt";

	if (stat(q->path, &sb) < 0 || (uint64_t)sb.st_size > QUICK_CHECK_MAX)
		return "skipped";
	if (sqlite3_prepare_v2(q->db, "PRAGMA main.quick_check(1)", -1, &st, NULL) != SQLITE_OK)
		return v;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && !strcmp(t, "ok"))
			v = "ok";
	}
	sqlite3_finalize(st);
	return v;
}

/*
 * The header's facts, for describe(), read from the file itself: peeking at
 * the source first would fill its window, and a plain file would then be
 * copied instead of opened where it is.
 */
static void
read_header(struct sqliter *q)
{
	static const char *const enc[] = {"UTF-8", "UTF-16le", "UTF-16be"};
	unsigned char h[HEADER_SIZE];
	int fd = open(q->path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, h, sizeof(h), 0);

	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(h))
		return;
	uint32_t e = be32(h + 56), v = be32(h + 96);
	q->page_size = header_page_size(h);
	q->encoding = e >= 1 && e <= 3 ? enc[e - 1] : NULL;
	q->app_id = be32(h + 68);
	if (v >= 3000000 && v < 4000000)
		snprintf(q->version, sizeof(q->version), "%u.%u.%u", v / 1000000, v / 1000 % 1000,
		         v % 1000);
}

static int
sqlite_open(struct reader *r)
{
	struct sqliter *q = xcalloc(1, sizeof(*q));
	char err[512];
	int st;

	r->state = q;
	dynbuf_init(&q->arena, r->opts.max_record + 64);

	/*
	 * Standard input redirected from a regular file is a plain file to the
	 * source, whose path, "-", SQLite cannot open: a byte peeked makes the
	 * source copy it instead.
	 */
	struct source_info si;
	source_info(r->src, &si);
	if (!strcmp(si.name, "-"))
		reader_peek(r, 1, &st);
	if (source_spool(r->src, SPOOL_MAX, 1, q->path, sizeof(q->path), &q->temp, err, sizeof(err)) <
	    0)
		return reader_fail(r, 0, 0, "%s", err);
	read_header(q);
	char *uri = file_uri(q->path);
	int rc = sqlite3_open_v2(
	    uri, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return reader_fail(r, 0, 0, "cannot open the SQLite database: %s",
		                   q->db ? db_err(q) : sqlite3_errstr(rc));
	if (harden(q->db, r->opts.max_record) < 0)
		return reader_fail(r, 0, 0, "cannot read the SQLite database: %s", db_err(q));
	if ((st = list_tables(r, q)) != DT_OK)
		return st;
	/* SQLite has the copy open (immutable: it opens nothing else): it goes */
	if (q->temp) {
		unlink(q->path);
		q->temp = 0;
	}
	q->check = quick_check(q);
	return DT_OK;
}

/* --- a table ------------------------------------------------------------ */

/* Appends name to b as a quoted SQL identifier ("a""b"). */
static void
add_ident(struct dynbuf *b, const char *name)
{
	dynbuf_addc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			dynbuf_addc(b, '"');
		dynbuf_addc(b, *p);
	}
	dynbuf_addc(b, '"');
}

/* Finds t's stored columns; DT_OK, or -1 with SQLite's message in err. */
static int
load_columns(struct sqliter *q, struct sqtable *t, char *err, size_t errlen, int *rowid_free)
{
	static const char *const rowid_names[] = {"rowid", "_rowid_", "oid"};
	sqlite3_stmt *st;
	struct dynbuf names, raw;
	size_t n = 0, *off = NULL, *raw_at = NULL, off_alloc = 0, raw_alloc = 0;
	int rc = sqlite3_prepare_v2(q->db,
	                            "SELECT name, hidden FROM pragma_table_xinfo(?1, 'main') "
	                            "ORDER BY cid",
	                            -1, &st, NULL);

	*rowid_free = 7; /* a bit for each of rowid_names no column takes */
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", db_err(q));
		return -1;
	}
	dynbuf_init(&names, (size_t)-1);
	dynbuf_init(&raw, (size_t)-1);
	sqlite3_bind_text(st, 1, t->sql_name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int len = sqlite3_column_bytes(st, 0);
		if (!name)
			name = "";
		for (int k = 0; k < 3; k++)
			if (!strcasecmp(name, rowid_names[k]))
				*rowid_free &= ~(1 << k);
		if (sqlite3_column_int(st, 1) != 0)
			continue; /* generated, or hidden */
		off = xgrow(off, &off_alloc, n + 1, sizeof(*off));
		raw_at = xgrow(raw_at, &raw_alloc, n + 1, sizeof(*raw_at));
		off[n] = names.len;
		raw_at[n++] = raw.len;
		dynbuf_add(&raw, name, strlen(name) + 1);
		char *v = valid_name(name, (size_t)len);
		dynbuf_add(&names, v, strlen(v) + 1);
		free(v);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", db_err(q));
		sqlite3_finalize(st);
		dynbuf_release(&names);
		dynbuf_release(&raw);
		free(off);
		free(raw_at);
		return -1;
	}
	sqlite3_finalize(st);
	t->names = names.buf ? names.buf : xstrdup("");
	t->raw = raw.buf ? raw.buf : xstrdup("");
	t->raw_at = raw_at;
	t->ncols = n;
	t->f = xcalloc(n ? n : 1, sizeof(*t->f));
	for (size_t i = 0; i < n; i++) {
		t->f[i].name = t->names + off[i];
		t->f[i].name_len = strlen(t->f[i].name);
	}
	free(off);
	return DT_OK;
}

/* The name of the index that is t's primary key (a WITHOUT ROWID table itself), or NULL. */
static char *
pk_index(struct sqliter *q, const struct sqtable *t)
{
	sqlite3_stmt *st;
	char *name = NULL;

	if (sqlite3_prepare_v2(q->db,
	                       "SELECT name FROM pragma_index_list(?1, 'main') WHERE origin = 'pk'",
	                       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, t->sql_name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		name = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return name;
}

/*
 * The statement over t's rows: with the rowid first, from ?1 on, when the
 * table has one that a name can reach; else (WITHOUT ROWID) its columns.
 */
static int
prepare_rows(struct sqliter *q, struct sqtable *t, int rowid_free)
{
	static const char *const rowid_names[] = {"rowid", "_rowid_", "oid"};
	const char *rid = NULL;
	struct dynbuf cols, sql;
	int rc = SQLITE_ERROR;

	for (int k = 0; k < 3 && !rid; k++)
		if (rowid_free & (1 << k))
			rid = rowid_names[k];
	dynbuf_init(&cols, (size_t)-1);
	dynbuf_init(&sql, (size_t)-1);
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			dynbuf_addc(&cols, ',');
		add_ident(&cols, t->raw + t->raw_at[i]);
	}
	q->has_rowid = 0;
	if (rid) {
		dynbuf_printf(&sql, "SELECT %s,%s FROM main.", rid, dynbuf_str(&cols));
		add_ident(&sql, t->sql_name);
		dynbuf_printf(&sql, " NOT INDEXED WHERE %s>=?1 ORDER BY %s", rid, rid);
		rc = sqlite3_prepare_v2(q->db, dynbuf_str(&sql), -1, &q->st, NULL);
		if (rc == SQLITE_OK) {
			q->has_rowid = 1;
			dynbuf_reset(&sql);
			dynbuf_printf(&sql, "SELECT %s FROM main.", rid);
			add_ident(&sql, t->sql_name);
			dynbuf_printf(&sql, " NOT INDEXED WHERE %s>=?1 ORDER BY %s LIMIT 1", rid,
			              rid);
			if (sqlite3_prepare_v2(q->db, dynbuf_str(&sql), -1, &q->seek, NULL) !=
			    SQLITE_OK)
				q->seek = NULL;
			sqlite3_bind_int64(q->st, 1, INT64_MIN);
		}
	}
	if (rc != SQLITE_OK) {
		/*
		 * WITHOUT ROWID: NOT INDEXED does not keep SQLite 3.40 from a
		 * covering index, so the primary key's own b-tree is named.
		 */
		char *pk = pk_index(q, t);
		dynbuf_reset(&sql);
		dynbuf_printf(&sql, "SELECT %s FROM main.", dynbuf_str(&cols));
		add_ident(&sql, t->sql_name);
		if (pk) {
			dynbuf_printf(&sql, " INDEXED BY ");
			add_ident(&sql, pk);
			free(pk);
		} else
			dynbuf_printf(&sql, " NOT INDEXED");
		rc = sqlite3_prepare_v2(q->db, dynbuf_str(&sql), -1, &q->st, NULL);
	}
	dynbuf_release(&cols);
	dynbuf_release(&sql);
	return rc;
}

static void
end_table(struct sqliter *q)
{
	sqlite3_finalize(q->st);
	sqlite3_finalize(q->seek);
	q->st = q->seek = NULL;
	q->tab = NULL;
}

/*
 * Starts the next table: DT_OK with its statement ready, or DT_WARN when
 * it cannot be read at all (one rejection for it).
 */
static int
start_table(struct reader *r, struct sqliter *q)
{
	struct sqtable *t = &q->t[q->cur++];
	char err[256];
	int rowid_free;

	q->tab = t;
	q->row = 0;
	q->any_rowid = 0;
	if (load_columns(q, t, err, sizeof(err), &rowid_free) < 0) {
		q->tab = NULL;
		return reader_reject(r, 1, 0, NULL, 0, "table '%s': cannot read its columns: %s",
		                     t->name, err);
	}
	if (t->ncols > r->opts.max_fields) {
		q->tab = NULL;
		return reader_reject(r, 1, 0, NULL, 0,
		                     "table '%s': %zu columns, more than the %zu allowed "
		                     "(--max-fields); table skipped",
		                     t->name, t->ncols, r->opts.max_fields);
	}
	if (prepare_rows(q, t, rowid_free) != SQLITE_OK) {
		int ret = reader_reject(r, 1, 0, NULL, 0, "table '%s': cannot read it: %s", t->name,
		                        db_err(q));
		end_table(q);
		return ret;
	}
	if (q->falloc < t->ncols) {
		q->falloc = t->ncols;
		q->f = xrealloc(q->f, q->falloc * sizeof(*q->f));
		q->at = xrealloc(q->at, q->falloc * sizeof(*q->at));
	}
	return DT_OK;
}

/* --- rows --------------------------------------------------------------- */

/* An integer in decimal, as %lld writes it (snprintf is a third of the time). */
static size_t
render_int(sqlite3_int64 v, char *out)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(out, p, n);
	return n;
}

/* A REAL as .dump writes it (out holds 64 bytes). */
static size_t
render_real(double d, char *out, size_t n)
{
	if (isinf(d))
		return (size_t)snprintf(out, n, "%s", d > 0 ? "1e999" : "-1e999");
	if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
		sqlite3_int64 i = (sqlite3_int64)d;
		if ((double)i == d) {
			size_t k = render_int(i, out);
			memcpy(out + k, ".0", 2);
			return k + 2;
		}
	}
	sqlite3_snprintf((int)n, out, "%!.20g", d);
	return strlen(out);
}

/* Appends "0x" and the bytes in lower-case hex; -1 past the arena's cap. */
static int
add_hex(struct dynbuf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o;

	if (n > (b->cap - 2) / 2 || !(o = dynbuf_reserve(b, 2 + 2 * n)))
		return -1;
	*o++ = '0';
	*o++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
	}
	b->len += 2 + 2 * n;
	return 0;
}

/* The current row as rec; DT_OK, or DT_WARN when it is too long. */
static int
make_record(struct reader *r, struct sqliter *q, struct record *rec)
{
	struct sqtable *t = q->tab;
	int base = q->has_rowid;
	size_t total = 0;
	char num[64];

	if (q->has_rowid) {
		q->last_rowid = sqlite3_column_int64(q->st, 0);
		q->any_rowid = 1;
	}
	dynbuf_reset(&q->arena);
	for (size_t i = 0; i < t->ncols; i++) {
		struct field *f = &q->f[i];
		int c = base + (int)i, bad = 0;
		size_t at, n;

		f->name = t->f[i].name;
		f->name_len = t->f[i].name_len;
		f->is_null = 0;
		f->val = NULL;
		f->len = 0;
		q->at[i] = (size_t)-1;
		switch (sqlite3_column_type(q->st, c)) {
		case SQLITE_NULL:
			f->is_null = 1;
			f->val = "";
			continue;
		case SQLITE_INTEGER:
			n = render_int(sqlite3_column_int64(q->st, c), num);
			q->at[i] = q->arena.len;
			bad = dynbuf_add(&q->arena, num, n);
			break;
		case SQLITE_FLOAT:
			n = render_real(sqlite3_column_double(q->st, c), num, sizeof(num));
			q->at[i] = q->arena.len;
			bad = dynbuf_add(&q->arena, num, n);
			break;
		case SQLITE_TEXT: {
			const char *p = (const char *)sqlite3_column_text(q->st, c);
			n = (size_t)sqlite3_column_bytes(q->st, c);
			if (!p)
				p = "";
			if (!reader_check_value(p, n, &at)) {
				f->val = p;
				break;
			}
			q->at[i] = q->arena.len;
			bad = add_hex(&q->arena, (const unsigned char *)p, n);
			n = 2 + 2 * n;
			break;
		}
		default: { /* SQLITE_BLOB */
			const unsigned char *p = sqlite3_column_blob(q->st, c);
			n = (size_t)sqlite3_column_bytes(q->st, c);
			q->at[i] = q->arena.len;
			bad = add_hex(&q->arena, p, p ? n : 0);
			n = 2 + 2 * (p ? n : 0);
			break;
		}
		}
		f->len = n;
		total += n;
		if (bad || total > r->opts.max_record)
			return reader_reject(
			    r, q->row, 0, NULL, 0,
			    "table '%s', row %llu: longer than %zu bytes (--max-record)", t->name,
			    (unsigned long long)q->row, r->opts.max_record);
	}
	for (size_t i = 0; i < t->ncols; i++)
		if (q->at[i] != (size_t)-1)
			q->f[i].val = q->arena.buf + q->at[i];
	rec->fields = q->f;
	rec->nfields = t->ncols;
	rec->table = t->name;
	rec->line = q->row;
	rec->offset = 0;
	return DT_OK;
}

/*
 * A value SQLite would not load (longer than SQLITE_LIMIT_LENGTH) ended
 * the statement at the row after the last one read: in a rowid table,
 * reject that row and go on after it; DT_WARN either way.
 */
static int
skip_big_row(struct reader *r, struct sqliter *q)
{
	struct sqtable *t = q->tab;
	sqlite3_int64 from = q->any_rowid ? q->last_rowid + 1 : INT64_MIN;
	int ret;

	q->row++;
	if (q->seek && (!q->any_rowid || q->last_rowid < INT64_MAX)) {
		sqlite3_reset(q->seek);
		sqlite3_bind_int64(q->seek, 1, from);
		if (sqlite3_step(q->seek) == SQLITE_ROW) {
			sqlite3_int64 big = sqlite3_column_int64(q->seek, 0);
			sqlite3_reset(q->seek);
			ret =
			    reader_reject(r, q->row, 0, NULL, 0,
			                  "table '%s', row %llu: a value longer than %zu bytes "
			                  "(--max-record)",
			                  t->name, (unsigned long long)q->row, r->opts.max_record);
			q->last_rowid = big;
			q->any_rowid = 1;
			sqlite3_reset(q->st);
			if (big == INT64_MAX)
				end_table(q);
			else
				sqlite3_bind_int64(q->st, 1, big + 1);
			return ret;
		}
	}
	ret = reader_reject(r, q->row, 0, NULL, 0,
	                    "table '%s', row %llu: a value longer than %zu bytes (--max-record); "
	                    "rest of the table lost",
	                    t->name, (unsigned long long)q->row, r->opts.max_record);
	end_table(q);
	return ret;
}

/* Nothing more: the end, or a database with no row to give. */
static int
sqlite_end(struct reader *r, struct sqliter *q)
{
	if (r->parsed || r->rejected || r->empty)
		return DT_EOF;
	r->empty = 1;
	if (r->opts.table && !q->nt)
		return reader_fail(r, 0, 0, "no table '%s' in the database", r->opts.table);
	if (!q->nt)
		return reader_fail(r, 0, 0, "no table of data in the database%s",
		                   q->nvirtual ? " (only virtual ones)" : "");
	return reader_fail(r, 0, 0, "%zu table%s but not one row", q->nt, q->nt == 1 ? "" : "s");
}

static int
sqlite_next(struct reader *r, struct record *rec)
{
	struct sqliter *q = r->state;

	for (;;) {
		if (!q->st) {
			if (q->cur >= q->nt)
				return sqlite_end(r, q);
			int st = start_table(r, q);
			if (st != DT_OK)
				return st;
		}
		int rc = sqlite3_step(q->st);
		if (rc == SQLITE_ROW) {
			q->row++;
			return make_record(r, q, rec);
		}
		if (rc == SQLITE_DONE) {
			end_table(q);
			continue;
		}
		if ((rc & 0xff) == SQLITE_TOOBIG)
			return skip_big_row(r, q);
		int ret = reader_reject(r, q->row + 1, 0, NULL, 0,
		                        "table '%s', after row %llu: %s; rest of the table lost",
		                        q->tab->name, (unsigned long long)q->row, db_err(q));
		end_table(q);
		return ret;
	}
}

static void
sqlite_close(struct reader *r)
{
	struct sqliter *q = r->state;

	if (!q)
		return;
	end_table(q);
	if (q->db)
		sqlite3_close(q->db);
	if (q->temp)
		unlink(q->path);
	for (size_t i = 0; i < q->nt; i++) {
		free(q->t[i].sql_name);
		free(q->t[i].name);
		free(q->t[i].names);
		free(q->t[i].raw);
		free(q->t[i].raw_at);
		free(q->t[i].f);
	}
	free(q->t);
	free(q->f);
	free(q->at);
	dynbuf_release(&q->arena);
	free(q);
	r->state = NULL;
}

static void
sqlite_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct sqliter *q = r->state;
	char n[32];

	snprintf(n, sizeof(n), "%zu", q->nt);
	fn(ctx, "tables", n);
	if (q->nvirtual) {
		snprintf(n, sizeof(n), "%zu", q->nvirtual);
		fn(ctx, "virtual_skipped", n);
	}
	if (q->page_size) {
		snprintf(n, sizeof(n), "%u", q->page_size);
		fn(ctx, "page_size", n);
	}
	if (q->encoding)
		fn(ctx, "encoding", q->encoding);
	if (q->version[0])
		fn(ctx, "written_by", q->version);
	if (q->app_id) {
		snprintf(n, sizeof(n), "0x%08x", (unsigned)q->app_id);
		fn(ctx, "application_id", n);
	}
	if (q->check)
		fn(ctx, "quick_check", q->check);
}

const struct format format_sqlite = {
    .name = "sqlite",
    .bid = NULL,
    .open = sqlite_open,
    .next = sqlite_next,
    .close = sqlite_close,
    .describe = sqlite_describe,
    .identify = sqlite_identify,
};
