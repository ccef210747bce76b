/*
 * The pg_dump archive reader: custom (pg_dump -Fc) and tar (pg_dump -Ft)
 * archives read natively, without PostgreSQL, one record per row of each
 * table's COPY data, tagged with its table (rec->table, the TOC tag: the
 * bare name, as the SQL reader gives it).
 *
 * The layout (pg_dump's src/bin/pg_dump/pg_backup_archiver.c, read from the
 * format, not from its code): "PGDMP", the archive version (major, minor,
 * revision bytes), the size of an integer and of a file offset, the format
 * (1 custom, 3 tar), the compression (an int level before 1.15, an
 * algorithm byte after), the creation time, the database name and the
 * server's and pg_dump's versions. Then the TOC: a count and as many
 * entries, each a dumpId, a tag ("orders"), a desc ("TABLE DATA"), the
 * statements that create and drop the object and, for table data, the
 * COPY statement whose column list names the fields, and more. An integer
 * is a sign byte and intsize bytes, least significant first; a string an
 * integer length (-1: NULL) and its bytes.
 *  - custom: data blocks follow the TOC, each a type byte (1 table data,
 *    3 large objects), the dumpId and chunks (an integer length and that
 *    many bytes; length 0 ends the block) whose concatenation is the COPY
 *    text, compressed as one zlib, lz4 or zstd stream when the archive says
 *    so. They are read in file order, so that an archive written to a pipe
 *    (whose TOC has no data offsets) reads the same as one written to a
 *    file: nothing seeks.
 *  - tar: members toc.dat (the header and TOC, format 3), NNNN.dat (the
 *    COPY text of the entry with dumpId NNNN; NNNN.dat.gz from old pg_dump
 *    -Ft -Z), blob files and restore.sql. libarchive reads the tar through
 *    callbacks over the source window (streaming: no spool to disk), and
 *    each data member maps to its TOC entry by the dumpId in its name.
 *
 * COPY text: one row a line, fields split at TAB, \N alone is NULL, and
 * \b \f \n \r \t \v \\, \ooo (octal) and \xhh (hex) escapes, any other
 * escaped byte standing for itself; a line "\." ends the data. Values are
 * decoded into one reused arena; a value that is not UTF-8 text or holds a
 * NUL becomes "0x" and its bytes in lower-case hex, as the SQL reader
 * does with binary data, and is never a reason to reject the row.
 *
 * Locations: a record's or a rejection's line is its line within its data
 * block and its byte offset the offset of that line in the block's
 * decompressed COPY text; the message of a rejection names the block
 * ("data block 3438 line 17: ..."). Failures in the header or the TOC give
 * the byte offset in the archive (in toc.dat for a tar).
 *
 * Errors: a row whose field count differs from the COPY column list, or
 * longer than --max-record, is rejected and reading goes on at the next
 * line. A data block that cannot be read row by row (its dumpId is not in
 * the TOC; it holds INSERT statements from pg_dump --inserts) is one
 * rejection, and reading goes on at the next block. What cannot be gone
 * past (a truncated archive, a TOC whose count or lengths run past the
 * end, compressed data that does not inflate, a version newer than this
 * reader knows) fails the input with a message. Every length is read
 * against what the stream still holds: skipped strings and chunks are
 * consumed as they arrive, kept strings are capped at --max-record, and
 * the decompressed text may not outgrow the compressed data more than
 * 1000 times past the first 16 MiB, so no input makes memory grow without
 * bound or the reader loop without consuming.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "formats/format.h"

#define VERS(a, b, c) (((a)*256 + (b)) * 256 + (c))
#define V_OLDEST VERS(1, 10, 0)  /* tablespaces */
#define V_SECTION VERS(1, 11, 0) /* a section in each TOC entry */
#define V_TABLEAM VERS(1, 14, 0) /* a table access method */
#define V_ALGO VERS(1, 15, 0)    /* a compression algorithm byte */
#define V_RELKIND VERS(1, 16, 0) /* a relkind in each TOC entry */
#define V_NEWEST VERS(1, 16, 255)

enum { FMT_CUSTOM = 1, FMT_TAR = 3, FMT_DIRECTORY = 5 };
enum { BLK_DATA = 1, BLK_BLOBS = 3 };
enum { OFF_NOT_SET = 1, OFF_NO_DATA = 3 }; /* data offset flags */
enum codec { C_NONE, C_GZIP, C_LZ4, C_ZSTD };
static const char *const codec_name[] = {"none", "gzip", "lz4", "zstd"};

/* What a TOC entry's data is to the reader. */
enum kind {
	E_OTHER,   /* no table data (schema, sequences, large objects) */
	E_COPY,    /* COPY text, its columns named by the COPY statement */
	E_BADCOPY, /* COPY text under a COPY statement that cannot be read */
	E_INSERTS  /* TABLE DATA as INSERT statements (pg_dump --inserts) */
};

enum mode {
	M_BLOCK, /* between data blocks (tar: members) */
	M_LINES, /* in the COPY text of a block */
	M_SKIP,  /* in a line longer than --max-record */
	M_DRAIN, /* in the rest of a block that is not read */
	M_DONE
};

/* The steps of next() also return this: the mode changed, go on. */
#define STEP 100

#define PIECE (64u << 10)         /* most text decompressed at once */
#define MAX_ENTRIES (16u << 20)   /* TOC entries */
#define MAX_SMALL 4096            /* kept strings that are names */
#define RATIO 1000                /* decompressed:compressed allowed ... */
#define RATIO_FLOOR (16ull << 20) /* ... past this many bytes */
#define TAR_NAME "toc.dat"

struct entry {
	int32_t id;
	unsigned char kind;
	char *table;        /* NUL-terminated: rec->table */
	char *names;        /* the column names, each NUL-terminated */
	struct field *cols; /* name and name_len of each column */
	size_t ncols;
};

/* A value of the line being read: in the line, or decoded into the arena. */
struct val {
	size_t off, len;
	unsigned char in_arena, is_null;
};

struct pgr {
	int format; /* FMT_CUSTOM or FMT_TAR: how the archive is stored */
	int version, intsize, offsize;
	enum codec arch_codec; /* what the header says */
	enum codec codec;      /* of the block being read */
	char *dbname, *server, *dumper;
	struct entry *ents; /* sorted by id once the TOC is read */
	size_t nents, ents_alloc;
	size_t ntables, nblobs;
	uint64_t pos;      /* archive bytes consumed (tar: of toc.dat) */
	const char *where; /* what is being read, for messages */
	char where_buf[160];

	/* tar: libarchive over the source, and toc.dat staged for the cursor */
	struct archive *ar;
	size_t handed; /* source bytes lent to libarchive */
	char *stage;
	size_t stage_start, stage_len, stage_alloc;
	int stage_eof;
	char member[256];

	/* the data block being read */
	enum mode mode;
	struct entry *ent;
	int32_t blk_id;
	uint64_t chunk_left; /* custom: bytes of the current chunk still to come */
	int blk_end;         /* custom: the zero-length chunk was read */
	size_t taken;        /* custom: source bytes lent as the current piece */
	const unsigned char *in_p;
	size_t in_n;
	int raw_done, raw_failed, z_live, z_end, zs_left;
	uint64_t raw_in, text_out;
	z_stream z;
	ZSTD_DStream *zs;
	struct archive *lz;

	/* the block's COPY text, and the line cut from it */
	char *tb;
	size_t tstart, tlen, talloc, tcap;
	size_t scanned, pend;
	int text_end;
	uint64_t bline, boff;

	struct dynbuf arena;
	struct val *vals;
	size_t vals_alloc;
	struct field *fields;
	size_t fields_alloc;
};

/* --- the byte cursor: the source, or toc.dat through libarchive --------- */

static void where(struct pgr *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
where(struct pgr *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->where_buf, sizeof(s->where_buf), fmt, ap);
	va_end(ap);
	s->where = s->where_buf;
}

static int
truncated(struct reader *r, struct pgr *s)
{
	reader_fail(r, 0, s->pos, "truncated pg_dump archive: it ends inside %s", s->where);
	return -1;
}

/*
 * Makes n bytes available at *p; returns how many there are (fewer than n
 * only at the end of the stream), or -1 (the input failed).
 */
static ssize_t
cur_need(struct reader *r, struct pgr *s, size_t n, const unsigned char **p)
{
	if (s->format == FMT_CUSTOM) {
		int st;
		size_t len = reader_peek(r, n, &st);
		if (st == -1) {
			reader_fail(r, 0, s->pos, "%s", source_error(r->src));
			return -1;
		}
		if (st == -2 && len < n) {
			reader_fail(r, 0, s->pos, "%s is longer than the window limit", s->where);
			return -1;
		}
		*p = (const unsigned char *)source_data(r->src, &len);
		return (ssize_t)len;
	}
	while (s->stage_len - s->stage_start < n && !s->stage_eof) {
		if (s->stage_start) {
			memmove(s->stage, s->stage + s->stage_start, s->stage_len - s->stage_start);
			s->stage_len -= s->stage_start;
			s->stage_start = 0;
		}
		if (s->stage_alloc - s->stage_len < PIECE) {
			s->stage_alloc =
			    s->stage_alloc * 2 > n + PIECE ? s->stage_alloc * 2 : n + PIECE;
			s->stage = xrealloc(s->stage, s->stage_alloc);
		}
		la_ssize_t k = archive_read_data(s->ar, s->stage + s->stage_len,
		                                 s->stage_alloc - s->stage_len);
		if (k < 0) {
			reader_fail(r, 0, s->pos, "cannot read '%s' in the tar: %s", TAR_NAME,
			            archive_error_string(s->ar));
			return -1;
		}
		if (k == 0)
			s->stage_eof = 1;
		s->stage_len += (size_t)k;
	}
	*p = (const unsigned char *)s->stage + s->stage_start;
	return (ssize_t)(s->stage_len - s->stage_start);
}

static void
cur_drop(struct reader *r, struct pgr *s, size_t n)
{
	if (s->format == FMT_CUSTOM)
		source_consume(r->src, n);
	else
		s->stage_start += n;
	s->pos += n;
}

static int
rd_byte(struct reader *r, struct pgr *s, int *out)
{
	const unsigned char *p;
	ssize_t n = cur_need(r, s, 1, &p);
	if (n < 0)
		return -1;
	if (n < 1)
		return truncated(r, s);
	*out = p[0];
	cur_drop(r, s, 1);
	return 0;
}

/* An integer: a sign byte, then intsize bytes, least significant first. */
static int
rd_int(struct reader *r, struct pgr *s, int64_t *out)
{
	const unsigned char *p;
	size_t want = 1 + (size_t)s->intsize;
	ssize_t n = cur_need(r, s, want, &p);
	uint64_t v = 0;

	if (n < 0)
		return -1;
	if ((size_t)n < want)
		return truncated(r, s);
	for (int i = 0; i < s->intsize; i++) {
		if (i >= 4 && p[1 + i]) {
			reader_fail(r, 0, s->pos,
			            "an integer out of range in %s: a corrupt archive", s->where);
			return -1;
		}
		v |= (uint64_t)p[1 + i] << (8 * i);
	}
	if (p[0] > 1) {
		reader_fail(r, 0, s->pos, "a bad integer sign in %s: a corrupt archive", s->where);
		return -1;
	}
	*out = p[0] ? -(int64_t)v : (int64_t)v;
	cur_drop(r, s, want);
	return 0;
}

/* Skips n bytes as they arrive. */
static int
skip_bytes(struct reader *r, struct pgr *s, uint64_t n)
{
	while (n) {
		const unsigned char *p;
		ssize_t k = cur_need(r, s, 1, &p);
		if (k < 0)
			return -1;
		if (k == 0)
			return truncated(r, s);
		size_t t = (uint64_t)k < n ? (size_t)k : (size_t)n;
		cur_drop(r, s, t);
		n -= t;
	}
	return 0;
}

/*
 * A string: into a fresh NUL-terminated *out (NULL for a NULL string) when
 * out is given, at most cap bytes long; else skipped. *present says whether
 * it was not NULL.
 */
static int
rd_str(struct reader *r, struct pgr *s, char **out, size_t cap, int *present)
{
	int64_t len;

	if (out)
		*out = NULL;
	if (rd_int(r, s, &len) < 0)
		return -1;
	if (present)
		*present = len >= 0;
	if (len < -1) {
		reader_fail(r, 0, s->pos, "a string of %lld bytes in %s: a corrupt archive",
		            (long long)len, s->where);
		return -1;
	}
	if (len <= 0) {
		if (out && len == 0)
			*out = xstrdup("");
		return 0;
	}
	if (!out)
		return skip_bytes(r, s, (uint64_t)len);
	if ((uint64_t)len > cap) {
		reader_fail(r, 0, s->pos,
		            "a string of %lld bytes in %s, longer than the %zu allowed",
		            (long long)len, s->where, cap);
		return -1;
	}
	const unsigned char *p;
	ssize_t n = cur_need(r, s, (size_t)len, &p);
	if (n < 0)
		return -1;
	if (n < len)
		return truncated(r, s);
	*out = xstrndup((const char *)p, (size_t)len);
	cur_drop(r, s, (size_t)len);
	return 0;
}

/* --- the header and the TOC ------------------------------------------- */

static int
read_header(struct reader *r, struct pgr *s, int want_format)
{
	const unsigned char *p;
	ssize_t n;
	int fmt, algo;
	int64_t v;

	where(s, "the archive header");
	n = cur_need(r, s, 11, &p);
	if (n < 0)
		return -1;
	if (n < 5 || memcmp(p, "PGDMP", 5)) {
		reader_fail(r, 0, s->pos, "not a pg_dump archive (no PGDMP header)");
		return -1;
	}
	if (n < 11)
		return truncated(r, s);
	if (VERS(p[5], p[6], p[7]) > V_NEWEST) {
		reader_fail(r, 0, 5,
		            "pg_dump archive version %d.%d is newer than this reader knows", p[5],
		            p[6]);
		return -1;
	}
	s->version = VERS(p[5], p[6], p[7]);
	if (s->version < V_OLDEST) {
		reader_fail(r, 0, 5,
		            "pg_dump archive version %d.%d is older than this reader knows (1.10 "
		            "and later)",
		            p[5], p[6]);
		return -1;
	}
	s->intsize = p[8];
	s->offsize = p[9];
	fmt = p[10];
	if (s->intsize < 1 || s->intsize > 32 || s->offsize < 1 || s->offsize > 32) {
		reader_fail(r, 0, 8,
		            "pg_dump archive with %d-byte integers and %d-byte offsets: "
		            "a corrupt header",
		            s->intsize, s->offsize);
		return -1;
	}
	cur_drop(r, s, 11);
	if (fmt != want_format) {
		if (want_format == FMT_CUSTOM && (fmt == FMT_TAR || fmt == FMT_DIRECTORY))
			reader_fail(r, 0, 10,
			            "a pg_dump %s TOC without its data files: read the archive it "
			            "came from",
			            fmt == FMT_TAR ? "tar archive's" : "directory archive's");
		else
			reader_fail(r, 0, 10, "pg_dump archive of format %d where %d was expected",
			            fmt, want_format);
		return -1;
	}
	if (s->version >= V_ALGO) {
		if (rd_byte(r, s, &algo) < 0)
			return -1;
		if (algo > C_ZSTD) {
			reader_fail(r, 0, s->pos - 1, "pg_dump archive with unknown compression %d",
			            algo);
			return -1;
		}
		s->arch_codec = (enum codec)algo;
	} else {
		if (rd_int(r, s, &v) < 0)
			return -1;
		s->arch_codec = v != 0 ? C_GZIP : C_NONE;
	}
	for (int i = 0; i < 7; i++) /* the creation time */
		if (rd_int(r, s, &v) < 0)
			return -1;
	if (rd_str(r, s, &s->dbname, MAX_SMALL, NULL) < 0 ||
	    rd_str(r, s, &s->server, MAX_SMALL, NULL) < 0 ||
	    rd_str(r, s, &s->dumper, MAX_SMALL, NULL) < 0)
		return -1;
	return 0;
}

/* Names become text: each byte of invalid UTF-8 a '?'. */
static void
name_clean(char *p, size_t n)
{
	size_t at;

	while (n && (at = utf8_invalid(p, n)) != (size_t)-1) {
		p[at] = '?';
		p += at + 1;
		n -= at + 1;
	}
}

/* An identifier of a COPY statement at *pp: "quoted" ("" for ") or bare. */
static int
copy_ident(const char **pp, struct dynbuf *out)
{
	const char *p = *pp;

	if (*p == '"') {
		for (p++;; p++) {
			if (!*p)
				return -1;
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			dynbuf_addc(out, *p);
		}
		p++;
	} else {
		const char *b = p;
		while (*p && !strchr(" \t\r\n.,()\";", *p))
			p++;
		if (p == b)
			return -1;
		dynbuf_add(out, b, (size_t)(p - b));
	}
	*pp = p;
	return 0;
}

static void
copy_ws(const char **pp)
{
	while (**pp == ' ' || **pp == '\t' || **pp == '\r' || **pp == '\n')
		(*pp)++;
}

/*
 * The columns of "COPY schema.table (a, "B c") [WITH OIDS] FROM stdin;"
 * into e; -1 when it is not such a statement. No list: no columns.
 */
static int
copy_columns(struct entry *e, const char *stmt, int oids)
{
	struct dynbuf names, name;
	const char *p = stmt;
	size_t n = 0;
	int st = -1;

	dynbuf_init(&names, (size_t)1 << 30);
	dynbuf_init(&name, (size_t)1 << 30);
	copy_ws(&p);
	if (strncasecmp(p, "COPY", 4) || !strchr(" \t\r\n", p[4]))
		goto out;
	p += 4;
	copy_ws(&p);
	for (;;) {
		dynbuf_reset(&name);
		if (copy_ident(&p, &name) < 0)
			goto out;
		if (*p != '.')
			break;
		p++;
	}
	copy_ws(&p);
	if (oids) {
		dynbuf_add(&names, "oid", 4);
		n++;
	}
	if (*p == '(') {
		p++;
		for (;;) {
			copy_ws(&p);
			dynbuf_reset(&name);
			if (copy_ident(&p, &name) < 0)
				goto out;
			dynbuf_add(&names, name.buf, name.len);
			dynbuf_addc(&names, '\0');
			n++;
			copy_ws(&p);
			if (*p == ')')
				break;
			if (*p != ',')
				goto out;
			p++;
		}
	}
	e->names = xmalloc(names.len + 1);
	if (names.len)
		memcpy(e->names, names.buf, names.len);
	name_clean(e->names, names.len);
	e->ncols = n;
	e->cols = xcalloc(n ? n : 1, sizeof(*e->cols));
	for (size_t i = 0, at = 0; i < n; i++) {
		e->cols[i].name = e->names + at;
		e->cols[i].name_len = strlen(e->names + at);
		at += e->cols[i].name_len + 1;
	}
	st = 0;
out:
	dynbuf_release(&names);
	dynbuf_release(&name);
	return st;
}

static int
entry_cmp(const void *a, const void *b)
{
	int32_t x = ((const struct entry *)a)->id, y = ((const struct entry *)b)->id;
	return x < y ? -1 : x > y;
}

static struct entry *
entry_find(struct pgr *s, int64_t id)
{
	struct entry key = {.id = (int32_t)id};
	if (id <= 0 || id > INT32_MAX || !s->nents)
		return NULL;
	return bsearch(&key, s->ents, s->nents, sizeof(*s->ents), entry_cmp);
}

static int
read_entry(struct reader *r, struct pgr *s, int64_t i, int64_t count)
{
	char *tag = NULL, *desc = NULL, *copy = NULL, *oids = NULL;
	int64_t id, v;
	size_t cap = r->opts.max_record;
	int present, st = -1;

	where(s, "TOC entry %lld of %lld", (long long)i + 1, (long long)count);
	if (rd_int(r, s, &id) < 0)
		return -1;
	if (id <= 0 || id > INT32_MAX) {
		reader_fail(r, 0, s->pos, "%s has dumpId %lld: a corrupt TOC", s->where,
		            (long long)id);
		return -1;
	}
	if (rd_int(r, s, &v) < 0 ||                   /* hadDumper */
	    rd_str(r, s, NULL, 0, NULL) < 0 ||        /* tableoid */
	    rd_str(r, s, NULL, 0, NULL) < 0 ||        /* oid */
	    rd_str(r, s, &tag, cap, NULL) < 0 ||      /* tag: the name */
	    rd_str(r, s, &desc, MAX_SMALL, NULL) < 0) /* "TABLE DATA", ... */
		goto out;
	if (s->version >= V_SECTION && rd_int(r, s, &v) < 0)
		goto out;
	if (rd_str(r, s, NULL, 0, NULL) < 0 ||    /* defn */
	    rd_str(r, s, NULL, 0, NULL) < 0 ||    /* dropStmt */
	    rd_str(r, s, &copy, cap, NULL) < 0 || /* copyStmt */
	    rd_str(r, s, NULL, 0, NULL) < 0 ||    /* namespace */
	    rd_str(r, s, NULL, 0, NULL) < 0)      /* tablespace */
		goto out;
	if (s->version >= V_TABLEAM && rd_str(r, s, NULL, 0, NULL) < 0)
		goto out;
	if (s->version >= V_RELKIND && rd_int(r, s, &v) < 0)
		goto out;
	if (rd_str(r, s, NULL, 0, NULL) < 0 ||        /* owner */
	    rd_str(r, s, &oids, MAX_SMALL, NULL) < 0) /* withOids */
		goto out;
	for (;;) { /* the dependencies, up to a NULL */
		if (rd_str(r, s, NULL, 0, &present) < 0)
			goto out;
		if (!present)
			break;
	}
	if (s->format == FMT_CUSTOM) {
		int flag;
		if (rd_byte(r, s, &flag) < 0)
			goto out;
		if (flag < OFF_NOT_SET || flag > OFF_NO_DATA) {
			reader_fail(r, 0, s->pos - 1, "%s has data offset flag %d: a corrupt TOC",
			            s->where, flag);
			goto out;
		}
		if (skip_bytes(r, s, (uint64_t)s->offsize) < 0)
			goto out;
	} else if (rd_str(r, s, NULL, 0, NULL) < 0) { /* the data file's name */
		goto out;
	}

	if (s->nents == s->ents_alloc)
		s->ents = xgrow(s->ents, &s->ents_alloc, s->nents + 1, sizeof(*s->ents));
	struct entry *e = &s->ents[s->nents++];
	memset(e, 0, sizeof(*e));
	e->id = (int32_t)id;
	if (copy && *copy) {
		e->kind =
		    copy_columns(e, copy, oids && !strcmp(oids, "true")) < 0 ? E_BADCOPY : E_COPY;
		s->ntables++;
	} else if (desc && !strcmp(desc, "TABLE DATA")) {
		e->kind = E_INSERTS;
		s->ntables++;
	}
	if (e->kind != E_OTHER) {
		e->table = tag ? tag : xstrdup("?");
		tag = NULL;
		name_clean(e->table, strlen(e->table));
	}
	st = 0;
out:
	free(tag);
	free(desc);
	free(copy);
	free(oids);
	return st;
}

static int
read_toc(struct reader *r, struct pgr *s)
{
	int64_t count;

	where(s, "the TOC");
	if (rd_int(r, s, &count) < 0)
		return -1;
	if (count < 0 || count > MAX_ENTRIES) {
		reader_fail(r, 0, s->pos, "a TOC of %lld entries: a corrupt archive",
		            (long long)count);
		return -1;
	}
	/* each entry is read as it comes: a count larger than the file runs out */
	for (int64_t i = 0; i < count; i++)
		if (read_entry(r, s, i, count) < 0)
			return -1;
	if (s->nents > 1)
		qsort(s->ents, s->nents, sizeof(*s->ents), entry_cmp);
	return 0;
}

/* --- data: raw pieces of a block, decompressed into COPY text ---------- */

/*
 * The next raw bytes of the current block at *p: 1, 0 at its end, -1 when
 * the input failed. A piece stays valid until the next call.
 */
static int
raw_piece(struct reader *r, struct pgr *s, const unsigned char **p, size_t *n)
{
	if (s->format == FMT_TAR) {
		for (;;) {
			const void *b;
			size_t len;
			la_int64_t off;
			int st = archive_read_data_block(s->ar, &b, &len, &off);
			if (st == ARCHIVE_EOF)
				return 0;
			if (st < ARCHIVE_WARN) {
				s->raw_failed = 1;
				reader_fail(r, 0, 0, "cannot read '%s' in the tar: %s", s->member,
				            archive_error_string(s->ar));
				return -1;
			}
			if (len) {
				*p = b;
				*n = len;
				s->raw_in += len;
				return 1;
			}
		}
	}
	if (s->taken) {
		cur_drop(r, s, s->taken);
		s->taken = 0;
	}
	if (s->blk_end)
		return 0;
	if (s->chunk_left == 0 && s->intsize == 4) {
		/* the common case, without the general path's calls: a row a chunk */
		size_t have;
		const unsigned char *d = (const unsigned char *)source_data(r->src, &have);
		if (have > 5 && d[0] == 0) {
			uint32_t v = (uint32_t)d[1] | (uint32_t)d[2] << 8 | (uint32_t)d[3] << 16 |
			             (uint32_t)d[4] << 24;
			if (v) {
				cur_drop(r, s, 5);
				s->chunk_left = v;
				*p = d + 5;
				*n = have - 5 < v ? have - 5 : v;
				s->chunk_left -= *n;
				s->taken = *n;
				s->raw_in += *n;
				return 1;
			}
		}
	}
	if (s->chunk_left == 0) {
		int64_t len;
		if (rd_int(r, s, &len) < 0) {
			s->raw_failed = 1;
			return -1;
		}
		if (len == 0) {
			s->blk_end = 1;
			return 0;
		}
		if (len < 0) {
			s->raw_failed = 1;
			reader_fail(r, 0, s->pos, "a chunk of %lld bytes in %s: a corrupt archive",
			            (long long)len, s->where);
			return -1;
		}
		s->chunk_left = (uint64_t)len;
	}
	ssize_t k = cur_need(r, s, 1, p);
	if (k <= 0) {
		s->raw_failed = 1;
		return k < 0 ? -1 : truncated(r, s);
	}
	*n = (uint64_t)k < s->chunk_left ? (size_t)k : (size_t)s->chunk_left;
	s->chunk_left -= *n;
	s->taken = *n;
	s->raw_in += *n;
	return 1;
}

/* libarchive's read callback for lz4 data: the block's raw pieces. */
static la_ssize_t
lz_read(struct archive *a, void *ctx, const void **buf)
{
	struct reader *r = ctx;
	const unsigned char *p;
	size_t n;
	int st = raw_piece(r, r->state, &p, &n);

	if (st < 0) {
		archive_set_error(a, -1, "%s", r->last.reason);
		return -1;
	}
	if (st == 0)
		return 0;
	*buf = p;
	return (la_ssize_t)n;
}

static void
codec_stop(struct pgr *s)
{
	if (s->z_live)
		inflateEnd(&s->z);
	s->z_live = 0;
	if (s->lz)
		archive_read_free(s->lz);
	s->lz = NULL;
}

/* Sets up the decompressor of a block; -1 when it cannot be (fails r). */
static int
codec_start(struct reader *r, struct pgr *s)
{
	s->in_n = 0;
	s->raw_done = s->raw_failed = s->z_end = 0;
	s->zs_left = 0;
	switch (s->codec) {
	case C_NONE:
		break;
	case C_GZIP:
		memset(&s->z, 0, sizeof(s->z));
		/* zlib (custom) or gzip (tar .dat.gz) headers, told apart by zlib */
		if (inflateInit2(&s->z, 15 + 32) != Z_OK) {
			reader_fail(r, 0, s->pos, "cannot start zlib: %s",
			            s->z.msg ? s->z.msg : "out of memory");
			return -1;
		}
		s->z_live = 1;
		break;
	case C_ZSTD:
		if (!s->zs)
			s->zs = ZSTD_createDStream();
		if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs))) {
			reader_fail(r, 0, s->pos, "cannot start zstd");
			return -1;
		}
		break;
	case C_LZ4:
		s->lz = archive_read_new();
		if (archive_read_support_filter_lz4(s->lz) != ARCHIVE_OK ||
		    archive_read_support_format_raw(s->lz) != ARCHIVE_OK) {
			reader_fail(
			    r, 0, s->pos,
			    "lz4-compressed pg_dump archives need libarchive built with lz4");
			return -1;
		}
		struct archive_entry *e;
		if (archive_read_open(s->lz, r, NULL, lz_read, NULL) != ARCHIVE_OK ||
		    archive_read_next_header(s->lz, &e) != ARCHIVE_OK) {
			if (s->raw_failed)
				return -1;
			if (s->raw_in == 0) {
				s->raw_done = 1; /* an empty block */
				return 0;
			}
			reader_fail(r, 0, s->pos, "%s does not decompress as lz4: %s", s->where,
			            archive_error_string(s->lz));
			return -1;
		}
		if (archive_filter_code(s->lz, 0) != ARCHIVE_FILTER_LZ4) {
			reader_fail(r, 0, s->pos, "%s is not lz4 data", s->where);
			return -1;
		}
		break;
	}
	return 0;
}

/* Makes room for PIECE more bytes of text; -1 when the text is at its cap. */
static int
text_room(struct pgr *s)
{
	if (s->talloc - s->tlen >= PIECE)
		return 0;
	if (s->tstart) {
		memmove(s->tb, s->tb + s->tstart, s->tlen - s->tstart);
		s->tlen -= s->tstart;
		s->tstart = 0;
		if (s->talloc - s->tlen >= PIECE)
			return 0;
	}
	if (s->talloc >= s->tcap)
		return -1;
	size_t n = s->talloc ? s->talloc * 2 : 4 * PIECE;
	if (n > s->tcap)
		n = s->tcap;
	s->tb = xrealloc(s->tb, n);
	s->talloc = n;
	return s->talloc - s->tlen >= PIECE ? 0 : -1;
}

/*
 * Appends more of the block's text: 1, 0 at the end of the block, -1 when
 * the input failed.
 */
static int
text_more(struct reader *r, struct pgr *s)
{
	if (text_room(s) < 0) {
		reader_fail(r, s->bline, s->boff, "%s: internal error: the text buffer is full",
		            s->where);
		return -1;
	}
	for (size_t got = 0;;) {
		unsigned char *out = (unsigned char *)s->tb + s->tlen;
		size_t room = s->talloc - s->tlen, made = 0, used = 0;

		if (s->codec == C_LZ4) {
			if (s->raw_done)
				return 0;
			la_ssize_t k = archive_read_data(s->lz, out, room);
			if (k < 0) {
				if (!s->raw_failed)
					reader_fail(r, s->bline, s->boff,
					            "%s does not decompress as lz4: %s", s->where,
					            archive_error_string(s->lz));
				return -1;
			}
			if (k == 0) {
				s->raw_done = 1;
				return 0;
			}
			made = (size_t)k;
		} else {
			if (s->in_n == 0 && !s->raw_done) {
				int st = raw_piece(r, s, &s->in_p, &s->in_n);
				if (st < 0)
					return -1;
				if (st == 0)
					s->raw_done = 1;
			}
			switch (s->codec) {
			case C_NONE:
				made = s->in_n < room ? s->in_n : room;
				if (made)
					memcpy(out, s->in_p, made);
				used = made;
				break;
			case C_GZIP: {
				if (s->z_end && s->in_n) {
					/* another stream after the first: read on */
					inflateReset(&s->z);
					s->z_end = 0;
				}
				if (s->z_end)
					break;
				s->z.next_in = (Bytef *)(uintptr_t)s->in_p;
				s->z.avail_in = (uInt)(s->in_n > UINT_MAX ? UINT_MAX : s->in_n);
				s->z.next_out = out;
				s->z.avail_out = (uInt)room;
				uInt had = s->z.avail_in;
				int zr = inflate(&s->z, Z_NO_FLUSH);
				if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
					reader_fail(r, s->bline, s->boff, "%s does not inflate: %s",
					            s->where, s->z.msg ? s->z.msg : "bad data");
					return -1;
				}
				used = had - s->z.avail_in;
				made = room - s->z.avail_out;
				if (zr == Z_STREAM_END)
					s->z_end = 1;
				break;
			}
			case C_ZSTD: {
				ZSTD_inBuffer zi = {s->in_p, s->in_n, 0};
				ZSTD_outBuffer zo = {out, room, 0};
				size_t zr = ZSTD_decompressStream(s->zs, &zo, &zi);
				if (ZSTD_isError(zr)) {
					reader_fail(r, s->bline, s->boff,
					            "%s does not decompress as zstd: %s", s->where,
					            ZSTD_getErrorName(zr));
					return -1;
				}
				s->zs_left = zr != 0;
				used = zi.pos;
				made = zo.pos;
				break;
			}
			case C_LZ4:
				break;
			}
			s->in_p += used;
			s->in_n -= used;
		}
		s->tlen += made;
		s->text_out += made;
		if (s->codec != C_NONE && s->text_out > RATIO_FLOOR &&
		    s->text_out / RATIO > s->raw_in) {
			reader_fail(
			    r, s->bline, s->boff,
			    "%s decompresses more than %d times its size: a decompression bomb?",
			    s->where, RATIO);
			return -1;
		}
		got += made;
		if (made && s->codec == C_NONE && !s->raw_done && s->talloc - s->tlen >= 256)
			continue; /* uncompressed chunks are one row each: gather more */
		if (got)
			return 1;
		if (s->raw_done && !s->in_n) {
			if ((s->codec == C_GZIP && !s->z_end && s->raw_in) ||
			    (s->codec == C_ZSTD && s->zs_left)) {
				reader_fail(r, s->bline, s->boff,
				            "%s ends inside its compressed data", s->where);
				return -1;
			}
			return 0;
		}
		if (!used && s->in_n) {
			/* neither in nor out: data after the end of a stream */
			reader_fail(r, s->bline, s->boff, "%s: data after its compressed stream",
			            s->where);
			return -1;
		}
	}
}

/* --- COPY text lines into records --------------------------------------- */

static int
hexify(struct pgr *s, struct val *v, const char *line)
{
	static const char hx[] = "0123456789abcdef";
	size_t n = v->len, off = s->arena.len;
	char *d = dynbuf_reserve(&s->arena, 2 + 2 * n);
	const unsigned char *p;

	if (!d)
		return -1;
	p = (const unsigned char *)(v->in_arena ? s->arena.buf : line) + v->off;
	d[0] = '0';
	d[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		d[2 + 2 * i] = hx[p[i] >> 4];
		d[3 + 2 * i] = hx[p[i] & 15];
	}
	s->arena.len += 2 + 2 * n;
	v->off = off;
	v->len = 2 + 2 * n;
	v->in_arena = 1;
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

/* A COPY field with a backslash, b[0..n): \N, or decoded into the arena. */
static void
copy_decode(struct pgr *s, const char *b, size_t n, size_t at, struct val *v)
{
	static const char from[] = "bfnrtv", to[] = "\b\f\n\r\t\v";

	v->is_null = 0;
	if (n == 2 && b[0] == '\\' && b[1] == 'N') {
		v->is_null = 1;
		v->off = at;
		v->len = 0;
		v->in_arena = 0;
		return;
	}
	v->off = s->arena.len;
	v->in_arena = 1;
	for (size_t i = 0; i < n;) {
		const char *bs = memchr(b + i, '\\', n - i);
		size_t k = bs ? (size_t)(bs - b) : n;
		dynbuf_add(&s->arena, b + i, k - i);
		if (k >= n)
			break;
		i = k + 1;
		if (i >= n) {
			dynbuf_addc(&s->arena, '\\'); /* a lone backslash at the end */
			break;
		}
		unsigned char c = (unsigned char)b[i++];
		const char *l = strchr(from, c);
		char o = (char)c;
		if (c && l) {
			o = to[l - from];
		} else if (c == 'x' && i < n && hexval((unsigned char)b[i]) >= 0) {
			unsigned x = (unsigned)hexval((unsigned char)b[i++]);
			if (i < n && hexval((unsigned char)b[i]) >= 0)
				x = x * 16 + (unsigned)hexval((unsigned char)b[i++]);
			o = (char)x;
		} else if (c >= '0' && c <= '7') {
			unsigned x = c - '0';
			for (int d = 0; d < 2 && i < n && b[i] >= '0' && b[i] <= '7'; d++)
				x = x * 8 + (unsigned)(b[i++] - '0');
			o = (char)(x & 0xFF);
		}
		dynbuf_addc(&s->arena, o);
	}
	v->len = s->arena.len - v->off;
}

/* One line of COPY text, b[0..e), into rec; or its rejection. */
static int
emit_line(struct reader *r, struct pgr *s, struct record *rec, const char *b, size_t e)
{
	struct entry *t = s->ent;
	size_t nv = 0;

	if (t->kind == E_BADCOPY)
		return reader_reject(r, s->bline, s->boff, b, e,
		                     "data block %d line %llu: table '%s' has a COPY statement "
		                     "that names no columns this reader can read",
		                     s->blk_id, (unsigned long long)s->bline, t->table);
	if (e > r->opts.max_record)
		return reader_reject(r, s->bline, s->boff, b, e,
		                     "data block %d line %llu: row longer than the --max-record "
		                     "limit (%zu bytes)",
		                     s->blk_id, (unsigned long long)s->bline, r->opts.max_record);
	dynbuf_reset(&s->arena);
	/* the next backslash at or after p: one search per backslash, not per field */
	const char *bsp = memchr(b, '\\', e);
	size_t bs = bsp ? (size_t)(bsp - b) : e;
	if (!(t->ncols == 0 && e == 0)) {
		for (size_t p = 0;;) {
			const char *tab = memchr(b + p, '\t', e - p);
			size_t fe = tab ? (size_t)(tab - b) : e;
			if (nv >= r->opts.max_fields || nv > t->ncols)
				break; /* more than the table has: rejected below */
			if (nv == s->vals_alloc)
				s->vals = xgrow(s->vals, &s->vals_alloc, nv + 1, sizeof(*s->vals));
			struct val *v = &s->vals[nv++];
			if (bs < p) {
				bsp = memchr(b + p, '\\', e - p);
				bs = bsp ? (size_t)(bsp - b) : e;
			}
			if (bs < fe) {
				copy_decode(s, b + p, fe - p, p, v);
			} else {
				v->off = p;
				v->len = fe - p;
				v->in_arena = v->is_null = 0;
			}
			if (!tab)
				break;
			p = fe + 1;
		}
	}
	if (nv != t->ncols)
		return reader_reject(
		    r, s->bline, s->boff, b, e,
		    "data block %d line %llu: row has %s%zu values, table '%s' has "
		    "%zu columns",
		    s->blk_id, (unsigned long long)s->bline, nv > t->ncols ? "more than " : "",
		    nv > t->ncols ? t->ncols : nv, t->table, t->ncols);
	/*
	 * One check of the line covers the values that point into it (cut at
	 * TABs, they are valid when it is); decoded ones are checked each.
	 */
	size_t bad;
	int line_ok = !reader_check_value(b, e, &bad);
	for (size_t i = 0; i < nv; i++) {
		struct val *v = &s->vals[i];
		if (v->is_null || (line_ok && !v->in_arena))
			continue;
		if (reader_check_value((v->in_arena ? s->arena.buf : b) + v->off, v->len, &bad) &&
		    hexify(s, v, b) < 0)
			return reader_reject(r, s->bline, s->boff, b, e,
			                     "data block %d line %llu: row longer than the "
			                     "--max-record limit once decoded",
			                     s->blk_id, (unsigned long long)s->bline);
	}
	if (nv > s->fields_alloc)
		s->fields = xgrow(s->fields, &s->fields_alloc, nv, sizeof(*s->fields));
	for (size_t i = 0; i < nv; i++) {
		const struct val *v = &s->vals[i];
		struct field *f = &s->fields[i];
		f->name = t->cols[i].name;
		f->name_len = t->cols[i].name_len;
		f->val = v->is_null ? "" : (v->in_arena ? s->arena.buf : b) + v->off;
		f->len = v->is_null ? 0 : v->len;
		f->is_null = v->is_null;
	}
	rec->fields = s->fields;
	rec->nfields = nv;
	rec->table = t->table;
	rec->line = s->bline;
	rec->offset = s->boff;
	return DT_OK;
}

/* M_LINES and M_SKIP: the next line of the block; DT_OK, DT_WARN, DT_FAILED or STEP. */
static int
line_step(struct reader *r, struct pgr *s, struct record *rec)
{
	if (s->pend) {
		s->tstart += s->pend;
		s->boff += s->pend;
		s->pend = 0;
	}
	for (;;) {
		const char *b = s->tb + s->tstart;
		size_t len = s->tlen - s->tstart, e, next;
		const char *nl =
		    s->scanned < len ? memchr(b + s->scanned, '\n', len - s->scanned) : NULL;

		if (s->mode == M_SKIP) {
			/* the rest of a line already rejected */
			size_t k = nl ? (size_t)(nl - b) + 1 : len;
			s->tstart += k;
			s->boff += k;
			s->scanned = 0;
			if (nl) {
				s->mode = M_LINES;
				continue;
			}
		} else if (nl) {
			e = (size_t)(nl - b);
			next = e + 1;
			goto line;
		} else {
			s->scanned = len;
			if (len > r->opts.max_record && !s->text_end) {
				s->bline++;
				s->mode = M_SKIP;
				s->pend = len;
				s->scanned = 0;
				return reader_reject(r, s->bline, s->boff, b, len,
				                     "data block %d line %llu: row longer than the "
				                     "--max-record limit (%zu bytes)",
				                     s->blk_id, (unsigned long long)s->bline,
				                     r->opts.max_record);
			}
		}
		if (s->text_end) {
			if (s->mode == M_SKIP || len == 0) {
				s->mode = M_DRAIN; /* the block ended without "\." */
				return STEP;
			}
			e = next = len; /* a last line without LF */
			goto line;
		}
		int st = text_more(r, s);
		if (st < 0)
			return DT_FAILED;
		if (st == 0)
			s->text_end = 1;
		continue;
	line:
		s->scanned = 0;
		s->bline++;
		s->pend = next;
		if (e == 2 && b[0] == '\\' && b[1] == '.') {
			s->mode = M_DRAIN; /* the end of the data: the rest is blank */
			return STEP;
		}
		if (e > 0 && b[e - 1] == '\r')
			e--; /* CRLF, as the SQL reader allows */
		return emit_line(r, s, rec, b, e);
	}
}

/* M_DRAIN: drops the rest of the block, undecoded. */
static int
drain(struct reader *r, struct pgr *s)
{
	codec_stop(s);
	s->tstart = s->tlen = s->pend = s->scanned = 0;
	if (s->format == FMT_CUSTOM) {
		for (;;) {
			const unsigned char *p;
			size_t n;
			int st = raw_piece(r, s, &p, &n);
			if (st < 0)
				return -1;
			if (st == 0)
				break;
		}
	}
	/* tar: the next header skips the rest of the member */
	s->mode = M_BLOCK;
	return 0;
}

/* Skips the large objects of a BLOBS block: (oid, chunks)* then oid 0. */
static int
skip_blobs(struct reader *r, struct pgr *s)
{
	for (;;) {
		int64_t oid;
		if (rd_int(r, s, &oid) < 0)
			return -1;
		if (oid == 0)
			return 0;
		s->nblobs++;
		s->chunk_left = 0;
		s->blk_end = 0;
		for (;;) {
			const unsigned char *p;
			size_t n;
			int st = raw_piece(r, s, &p, &n);
			if (st < 0)
				return -1;
			if (st == 0)
				break;
		}
	}
}

/*
 * The data block (or tar member) s->blk_id begins: decides how it is read.
 * Returns STEP (s->mode set), DT_WARN (the block is one rejection) or
 * DT_FAILED.
 */
static int
block_begin(struct reader *r, struct pgr *s)
{
	struct entry *e = entry_find(s, s->blk_id);

	s->ent = e;
	s->bline = s->boff = 0;
	s->tstart = s->tlen = s->scanned = s->pend = 0;
	s->text_end = 0;
	s->raw_in = s->text_out = 0; /* the bomb ratio is per block */
	if (e && e->kind != E_OTHER)
		where(s, "data block %d (table '%s')", s->blk_id, e->table);
	else
		where(s, "data block %d", s->blk_id);
	s->mode = M_DRAIN;
	/* a whole block's location: its offset in a custom archive */
	uint64_t at = s->format == FMT_CUSTOM ? s->pos : 0;
	if (!e)
		return reader_reject(r, 0, at, NULL, 0,
		                     "data block %d is not in the TOC: its rows cannot be read",
		                     s->blk_id);
	if (e->kind == E_OTHER)
		return STEP;
	if (r->opts.table && strcmp(r->opts.table, e->table))
		return STEP;
	if (e->kind == E_INSERTS)
		return reader_reject(r, 0, at, NULL, 0,
		                     "data block %d (table '%s') holds INSERT statements (pg_dump "
		                     "--inserts), which this reader does not read",
		                     s->blk_id, e->table);
	if (codec_start(r, s) < 0)
		return DT_FAILED;
	s->mode = M_LINES;
	return STEP;
}

/* M_BLOCK, custom: the next block's header. STEP, DT_EOF, DT_WARN, DT_FAILED. */
static int
next_block_custom(struct reader *r, struct pgr *s)
{
	const unsigned char *p;
	int64_t id;
	int type;

	if (s->taken) {
		cur_drop(r, s, s->taken);
		s->taken = 0;
	}
	where(s, "a data block header");
	ssize_t n = cur_need(r, s, 1, &p);
	if (n < 0)
		return DT_FAILED;
	if (n == 0)
		return DT_EOF;
	uint64_t at = s->pos;
	type = p[0];
	cur_drop(r, s, 1);
	if (rd_int(r, s, &id) < 0)
		return DT_FAILED;
	if (id <= 0 || id > INT32_MAX)
		return reader_fail(r, 0, at, "a data block with dumpId %lld: a corrupt archive",
		                   (long long)id);
	s->blk_id = (int32_t)id;
	s->chunk_left = 0;
	s->blk_end = 0;
	s->codec = s->arch_codec;
	if (type == BLK_BLOBS) {
		where(s, "the large objects of data block %d", s->blk_id);
		if (skip_blobs(r, s) < 0)
			return DT_FAILED;
		return STEP; /* still M_BLOCK */
	}
	if (type != BLK_DATA)
		return reader_fail(r, 0, at, "a data block of unknown type %d: a corrupt archive",
		                   type);
	return block_begin(r, s);
}

/* M_BLOCK, tar: the next member. STEP, DT_EOF, DT_WARN, DT_FAILED. */
static int
next_block_tar(struct reader *r, struct pgr *s)
{
	struct archive_entry *ae;

	for (;;) {
		int st = archive_read_next_header(s->ar, &ae);
		if (st == ARCHIVE_EOF)
			return DT_EOF;
		if (st < ARCHIVE_WARN)
			return reader_fail(r, 0, 0, "cannot read the tar after '%s': %s", s->member,
			                   archive_error_string(s->ar));
		const char *name = archive_entry_pathname(ae);
		const char *base = name ? strrchr(name, '/') : NULL;
		base = base ? base + 1 : name ? name : "";
		snprintf(s->member, sizeof(s->member), "%s", base);
		if (!strncmp(base, "blob_", 5))
			s->nblobs++;
		char *end;
		long id = strtol(base, &end, 10);
		if (base[0] < '0' || base[0] > '9' || id <= 0 || id > INT32_MAX)
			continue; /* toc.dat again, restore.sql, blobs.toc, blob_N.dat */
		if (!strcmp(end, ".dat"))
			s->codec = C_NONE;
		else if (!strcmp(end, ".dat.gz"))
			s->codec = C_GZIP;
		else
			continue;
		s->blk_id = (int32_t)id;
		return block_begin(r, s);
	}
}

/* --- the tar: libarchive over the source ------------------------------ */

static la_ssize_t
tar_read(struct archive *a, void *ctx, const void **buf)
{
	struct reader *r = ctx;
	struct pgr *s = r->state;
	size_t len;
	const char *p;

	if (s->handed) {
		source_consume(r->src, s->handed);
		s->handed = 0;
	}
	p = source_data(r->src, &len);
	if (!len) {
		ssize_t n = source_fill(r->src);
		if (n < 0) {
			archive_set_error(a, -1, "%s",
			                  n == -1 ? source_error(r->src) : "window full");
			return -1;
		}
		if (n == 0)
			return 0;
		p = source_data(r->src, &len);
	}
	s->handed = len;
	*buf = p;
	return (la_ssize_t)len;
}

static int
tar_open(struct reader *r, struct pgr *s)
{
	struct archive_entry *ae;

	s->ar = archive_read_new();
	archive_read_support_format_tar(s->ar);
	if (archive_read_open(s->ar, r, NULL, tar_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(s->ar, &ae) < ARCHIVE_WARN) {
		reader_fail(r, 0, 0, "cannot read the tar: %s", archive_error_string(s->ar));
		return -1;
	}
	const char *name = archive_entry_pathname(ae);
	snprintf(s->member, sizeof(s->member), "%s", name ? name : "?");
	if (!name || strcmp(name, TAR_NAME)) {
		reader_fail(r, 0, 0,
		            "not a pg_dump tar archive: its first member is '%s', not '%s'",
		            s->member, TAR_NAME);
		return -1;
	}
	if (read_header(r, s, FMT_TAR) < 0 || read_toc(r, s) < 0)
		return -1;
	free(s->stage);
	s->stage = NULL;
	s->stage_alloc = s->stage_len = s->stage_start = 0;
	return 0;
}

/* --- the format --------------------------------------------------------- */

static int
is_tar_toc(const unsigned char *p, size_t len)
{
	return len >= 512 && !memcmp(p + 257, "ustar", 5) && !memcmp(p, TAR_NAME "\0", 8);
}

static int
pgdump_identify(const char *raw, size_t len, int eof)
{
	const unsigned char *p = (const unsigned char *)raw;

	if (len >= 11 && !memcmp(p, "PGDMP", 5) && p[8] >= 1 && p[8] <= 32 && p[9] >= 1 &&
	    p[9] <= 32 && (p[10] == FMT_CUSTOM || p[10] == FMT_TAR || p[10] == FMT_DIRECTORY))
		return 60;
	if (is_tar_toc(p, len))
		return len >= 517 && !memcmp(p + 512, "PGDMP", 5) ? 140 : 100;
	return 0;
}

static int
pgdump_open(struct reader *r)
{
	struct pgr *s = xcalloc(1, sizeof(*s));
	int st;
	size_t len;

	r->state = s;
	/* a line's values decoded, some as hex: about three times the line */
	dynbuf_init(&s->arena, 3 * r->opts.max_record + 2 * r->opts.max_fields + 64);
	s->tcap = r->opts.max_record + 4 * PIECE;
	s->mode = M_BLOCK;
	len = reader_peek(r, 512, &st);
	if (st == -1)
		return reader_fail(r, 0, 0, "%s", source_error(r->src));
	const unsigned char *p = (const unsigned char *)source_data(r->src, &len);
	if (len >= 5 && !memcmp(p, "PGDMP", 5)) {
		s->format = FMT_CUSTOM;
		if (read_header(r, s, FMT_CUSTOM) < 0 || read_toc(r, s) < 0)
			return DT_FAILED;
		return DT_OK;
	}
	if (len >= 512 && !memcmp(p + 257, "ustar", 5)) {
		s->format = FMT_TAR;
		if (tar_open(r, s) < 0)
			return DT_FAILED;
		return DT_OK;
	}
	return reader_fail(r, 0, 0, "not a pg_dump archive (no PGDMP header, no %s first in a tar)",
	                   TAR_NAME);
}

static int
pgdump_next(struct reader *r, struct record *rec)
{
	struct pgr *s = r->state;

	for (;;) {
		int st;
		switch (s->mode) {
		case M_BLOCK:
			st = s->format == FMT_CUSTOM ? next_block_custom(r, s)
			                             : next_block_tar(r, s);
			if (st == DT_EOF)
				s->mode = M_DONE;
			else if (st != STEP)
				return st;
			break;
		case M_LINES:
		case M_SKIP:
			st = line_step(r, s, rec);
			if (st != STEP)
				return st;
			break;
		case M_DRAIN:
			if (drain(r, s) < 0)
				return DT_FAILED;
			break;
		case M_DONE:
			return DT_EOF;
		}
	}
}

static void
pgdump_close(struct reader *r)
{
	struct pgr *s = r->state;

	if (!s)
		return;
	codec_stop(s);
	if (s->zs)
		ZSTD_freeDStream(s->zs);
	if (s->ar)
		archive_read_free(s->ar);
	for (size_t i = 0; i < s->nents; i++) {
		free(s->ents[i].table);
		free(s->ents[i].names);
		free(s->ents[i].cols);
	}
	free(s->ents);
	free(s->dbname);
	free(s->server);
	free(s->dumper);
	free(s->stage);
	free(s->tb);
	free(s->vals);
	free(s->fields);
	dynbuf_release(&s->arena);
	free(s);
	r->state = NULL;
}

static void
pgdump_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct pgr *s = r->state;
	char buf[64];

	if (!s->format)
		return;
	/* not "format": sniff --json keeps one value per key, and that one is the reader's */
	fn(ctx, "archive", s->format == FMT_CUSTOM ? "custom" : "tar");
	if (!s->version)
		return;
	snprintf(buf, sizeof(buf), "%d.%d", s->version >> 16, (s->version >> 8) & 255);
	fn(ctx, "archive_version", buf);
	if (s->dbname && *s->dbname)
		fn(ctx, "database", s->dbname);
	if (s->dumper && *s->dumper) {
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(s->dumper, " "), s->dumper);
		fn(ctx, "pg_dump", buf);
	}
	snprintf(buf, sizeof(buf), "%zu", s->ntables);
	fn(ctx, "tables", buf);
	fn(ctx, "compression", codec_name[s->arch_codec]);
	if (s->nblobs) {
		snprintf(buf, sizeof(buf), "%zu", s->nblobs);
		fn(ctx, "large_objects", buf);
	}
}

const struct format format_pgdump = {
    .name = "pgdump",
    .bid = NULL,
    .open = pgdump_open,
    .next = pgdump_next,
    .close = pgdump_close,
    .describe = pgdump_describe,
    .identify = pgdump_identify,
};
