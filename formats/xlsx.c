/*
 * The Excel 2007+ reader (.xlsx, .xlsm): a zip of XML parts. Each
 * worksheet is a table (rec->table is its name), its first row with a
 * value names the columns, and each later row with a value is a record
 * (sheet.h says how cells become fields).
 *
 * The stream is made a file (source_spool(): a plain file is used in
 * place) and read with libarchive. A zip is read in its stored order, and
 * writers put the parts in any order (Excel writes sharedStrings.xml after
 * the sheets; openpyxl too), so instead of one pass that would have to
 * hold whole sheets until the shared strings came, each part is read by
 * opening the file again and skipping to its entry: the seekable zip
 * reader goes by the central directory, so the skip costs nothing, and
 * memory holds only what a part leaves behind. The parts, in order:
 *
 *   _rels/.rels              where the workbook part is
 *   xl/workbook.xml          the sheets (name, r:id) and the date1904 flag
 *   xl/_rels/workbook.xml.rels   r:id -> part, and which part is what
 *   xl/sharedStrings.xml     the shared-string table, held whole but
 *                            capped (16 x --max-record, at least 64 MiB)
 *   xl/styles.xml            number format of each cell style: dates
 *   xl/worksheets/sheetN.xml each streamed through expat, suspended at
 *                            each row's end: one row per next() call
 *
 * Values: shared and inline strings (rich-text runs joined, phonetic runs
 * left out, OOXML's _xHHHH_ escapes decoded), booleans as true/false,
 * errors as written (#N/A), numbers as written, a formula's cached value,
 * and a number in a date or time style as an ISO date (sheet_date()).
 *
 * Safety: every part is capped as source.c caps a member (64 GiB out, and
 * past 64 MiB a 500:1 ratio to the compressed bytes read: a zip bomb
 * stops the workbook), and so is the sum of all parts against the file's
 * size (one part named by 4000 sheets is read 4000 times); no more than
 * 4096 sheets (each costs a pass over the zip's directory); no entity
 * declaration is accepted (as xml.c); one
 * XML token longer than --max-record stops the part, since expat would
 * hold it whole; a row longer than --max-record is rejected and reading
 * goes on. A sheet whose XML breaks, or whose entry cannot be read on, is
 * rejected at that point and the next sheet read.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
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
#include "formats/sheet.h"

#define PIECE (64u << 10)         /* given to expat at once */
#define SPOOL_MAX (4ull << 30)    /* an .xlsx spooled out of an archive */
#define PART_MAX (64ull << 30)    /* decompressed bytes of one part */
#define RATIO_FLOOR (64ull << 20) /* the ratio cap applies past this */
#define MAX_RATIO 500             /* decompressed : compressed */
/*
 * The shared strings may always take this: a workbook of a million rows of
 * unique e-mails, names and phones holds some 300 MB of them. A bomb can
 * make them no larger than this either (MAX_RATIO bounds the part).
 */
#define SST_MIN (1ull << 30)
#define MAX_SHEETS 4096           /* each is a pass over the zip's directory */
#define MAX_RELS 200000
#define MAX_RELS_BYTES (16 << 20) /* their ids and targets */
#define MAX_XF (1u << 20)         /* Excel itself stops at 64000 */
#define MAX_NUMFMT 65536
#define MAX_NAME 4096 /* sheet names, targets, format codes */
#define MAX_DEPTH 64

/* Elements that matter, by where they stand. */
enum kind {
	K_OTHER,
	K_SHEETDATA,
	K_ROW,
	K_C,
	K_V,
	K_IS,
	K_R,
	K_T, /* sheets (and si, r, t) */
	K_SI,
	K_RPH, /* shared strings */
	K_NUMFMTS,
	K_CELLXFS, /* styles */
};

/* What a relationship points at. */
enum relkind { R_OTHER, R_WORKSHEET, R_SST, R_STYLES, R_DOC };

struct rel {
	char *id, *target;
	enum relkind kind;
};

struct sheet {
	char *name, *rid;
	char *path; /* the part, once resolved; NULL when it has none */
	enum relkind kind;
};

/* A cell of the row in progress. */
enum cval { CV_ARENA, CV_SST, CV_TRUE, CV_FALSE };
enum ctype { T_N, T_S, T_B, T_E, T_STR, T_INLINE, T_D };
struct xcell {
	uint32_t col;
	unsigned char val, type;
	uint32_t style;
	size_t off, len; /* CV_ARENA: into the arena; CV_SST: index in off */
};

/* One zip entry being read. */
struct part {
	struct archive *a;
	char name[MAX_NAME];
	uint64_t out;
	int64_t in0;
};

enum pending { P_NONE, P_ROW, P_BAD };

struct xlsx {
	struct reader *r;
	char path[4096];
	int temp;
	uint64_t file_size, total_out; /* the zip's size; what its parts gave so far */

	/* the workbook */
	char *wb_path;
	int date1904;
	struct sheet *sheets;
	size_t nsheets, sheets_alloc, nworksheets;
	struct rel *rels;
	size_t nrels, rels_alloc, rels_bytes;
	char *sst_path, *styles_path, *doc_target;

	/* the shared strings: NUL-free text back to back, and each one's start */
	struct dynbuf sst;
	size_t *sst_at;
	size_t nsst, sst_alloc, sst_cap;
	size_t si_start;

	/* styles: custom formats (id, kind) and each cell style's kind */
	struct {
		uint32_t id;
		unsigned char kind;
	} * numfmt;
	size_t nnumfmt, numfmt_alloc;
	uint32_t *xf_fmt;
	size_t nxf, xf_alloc;
	unsigned char *xf_kind;

	/* the parse in progress, whichever part it is */
	XML_Parser p;
	unsigned depth;
	unsigned char kind[MAX_DEPTH];
	int collect; /* text goes to the arena */
	uint64_t events;
	int aborted, abort_fatal;
	char abort_why[200];

	/* the sheet being read */
	struct part part;
	size_t cur;
	struct sheet *sh;
	int sheet_open, suspended, final;
	uint64_t quiet; /* bytes fed since expat last reported anything */
	struct sheet_table table;

	/* the row in progress */
	enum pending pending;
	uint64_t row_num, row_prev;
	uint64_t row_off;
	int in_row, row_bad;
	char why[200];
	uint32_t col_prev;
	struct xcell *cells;
	size_t ncells, cells_alloc;
	struct dynbuf arena;
	size_t row_bytes;
	struct sheet_cell *scells;
	size_t scells_alloc;
};

static const XML_Memory_Handling_Suite mem = {xmalloc, xrealloc, free};

/* --- identify ------------------------------------------------------------- */

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/*
 * A zip whose first entry is an Office Open XML part: any such package
 * (Word and PowerPoint too, which open() then names and refuses: a zip
 * that is a document is not unpacked, and its XML not read as a dump).
 */
static int
xlsx_identify(const char *raw, size_t len, int eof)
{
	static const struct {
		const char *name;
		int prefix, score;
	} first[] = {
	    {"xl/", 1, 120},         {"[Content_Types].xml", 0, 100},
	    {"_rels/.rels", 0, 100}, {"docProps/", 1, 90},
	    {"word/", 1, 90},        {"ppt/", 1, 90},
	};
	const unsigned char *p = (const unsigned char *)raw;

	(void)eof;
	if (len < 30 || memcmp(raw, "PK\3\4", 4))
		return 0;
	size_t n = le16(p + 26);
	if (n == 0 || 30 + n > len)
		return 0;
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		size_t k = strlen(first[i].name);
		if ((first[i].prefix ? n > k : n == k) && !strncasecmp(raw + 30, first[i].name, k))
			return first[i].score;
	}
	return 0;
}

/* --- part names ------------------------------------------------------------ */

/* Do two part names match (case and a leading '/' aside, '\' as '/')? */
static int
name_eq(const char *a, const char *b)
{
	while (*a == '/')
		a++;
	while (*b == '/')
		b++;
	for (; *a && *b; a++, b++) {
		int x = *a == '\\' ? '/' : (unsigned char)*a,
		    y = *b == '\\' ? '/' : (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/*
 * The part a relationship's target names: absolute ("/xl/x.xml") or
 * relative to the folder of the part whose relationships these are, with
 * "." and ".." resolved. A new string.
 */
static char *
resolve(const char *base_dir, const char *target)
{
	struct dynbuf b;
	char *out;
	size_t n = 0, seg[256];

	dynbuf_init(&b, SIZE_MAX);
	if (target[0] != '/')
		dynbuf_add(&b, base_dir, strlen(base_dir));
	dynbuf_add(&b, target, strlen(target));
	dynbuf_addc(&b, '\0');
	out = xmalloc(b.len);
	/* segment by segment into out */
	size_t o = 0;
	for (char *s = b.buf; *s;) {
		char *e = s;
		while (*e && *e != '/' && *e != '\\')
			e++;
		size_t l = (size_t)(e - s);
		if (l == 0 || (l == 1 && s[0] == '.'))
			;
		else if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (n)
				o = seg[--n];
		} else {
			if (n < 256)
				seg[n++] = o;
			if (o)
				out[o++] = '/';
			memcpy(out + o, s, l);
			o += l;
		}
		s = *e ? e + 1 : e;
	}
	out[o] = '\0';
	dynbuf_release(&b);
	return out;
}

/* The folder of a part ("xl/" for "xl/workbook.xml"), a new string. */
static char *
dir_of(const char *part)
{
	const char *slash = strrchr(part, '/');
	return slash ? xstrndup(part, (size_t)(slash - part) + 1) : xstrdup("");
}

/* The relationships part of a part: "xl/_rels/workbook.xml.rels". */
static char *
rels_of(const char *part)
{
	const char *slash = strrchr(part, '/');
	const char *base = slash ? slash + 1 : part;
	size_t dl = slash ? (size_t)(slash - part) + 1 : 0;
	char *s = xmalloc(dl + strlen(base) + 12);
	memcpy(s, part, dl);
	sprintf(s + dl, "_rels/%s.rels", base);
	return s;
}

/* --- reading a part ------------------------------------------------------- */

static void
part_close(struct part *pt)
{
	if (pt->a)
		archive_read_free(pt->a);
	pt->a = NULL;
}

/*
 * Opens the workbook again and stops at the entry called want: 1, 0 when
 * there is none, -1 with the reason in err.
 */
static int
part_open(struct xlsx *x, const char *want, struct part *pt, char *err, size_t errlen)
{
	struct archive_entry *e;
	int st;

	memset(pt, 0, sizeof(*pt));
	pt->a = archive_read_new();
	archive_read_support_format_zip(pt->a);
	if (archive_read_open_filename(pt->a, x->path, 64u << 10) != ARCHIVE_OK) {
		snprintf(err, errlen, "cannot read the workbook as a zip: %s",
		         archive_error_string(pt->a) ? archive_error_string(pt->a)
		                                     : "unknown error");
		part_close(pt);
		return -1;
	}
	while ((st = archive_read_next_header(pt->a, &e)) == ARCHIVE_OK || st == ARCHIVE_WARN) {
		const char *nm = archive_entry_pathname_utf8(e);
		if (!nm)
			nm = archive_entry_pathname(e);
		if (nm && name_eq(nm, want)) {
			snprintf(pt->name, sizeof(pt->name), "%s", want);
			pt->in0 = archive_filter_bytes(pt->a, -1);
			return 1;
		}
	}
	if (st == ARCHIVE_EOF) {
		part_close(pt);
		return 0;
	}
	snprintf(err, errlen, "cannot read the workbook's zip directory: %s",
	         archive_error_string(pt->a) ? archive_error_string(pt->a) : "unknown error");
	part_close(pt);
	return -1;
}

/*
 * Reads up to n bytes of the entry: the count (0 at its end), -1 when it
 * cannot be read on, -2 when it passes the caps (a zip bomb), the reason
 * in err either way.
 */
static ssize_t
part_read(struct xlsx *x, struct part *pt, char *buf, size_t n, char *err, size_t errlen)
{
	la_ssize_t k = archive_read_data(pt->a, buf, n);

	if (k < 0) {
		const char *m = archive_error_string(pt->a);
		snprintf(err, errlen, "cannot read '%.150s': %.100s", pt->name,
		         m ? m : "zip error");
		return -1;
	}
	pt->out += (uint64_t)k;
	x->total_out += (uint64_t)k;
	if (x->total_out > RATIO_FLOOR && x->total_out / x->file_size > MAX_RATIO) {
		/* each part within the caps, but one part read for sheet after sheet */
		snprintf(err, errlen,
		         "the workbook's parts decompress to more than %d times its size, a likely "
		         "zip bomb; workbook abandoned",
		         MAX_RATIO);
		return -2;
	}
	if (pt->out > PART_MAX) {
		snprintf(err, errlen,
		         "'%.150s' decompresses to more than %llu bytes; workbook abandoned",
		         pt->name, (unsigned long long)PART_MAX);
		return -2;
	}
	if (pt->out > RATIO_FLOOR) {
		int64_t cin = archive_filter_bytes(pt->a, -1) - pt->in0;
		if (cin <= 0 || pt->out / (uint64_t)cin > MAX_RATIO) {
			snprintf(err, errlen,
			         "'%.150s': decompression ratio passes %d:1, a likely zip bomb; "
			         "workbook abandoned",
			         pt->name, MAX_RATIO);
			return -2;
		}
	}
	return (ssize_t)k;
}

/* --- handlers common to every part ---------------------------------------- */

static const char *
lname(const char *n)
{
	/* element names are short: look for a prefix only where one can end */
	for (const char *p = n; *p; p++)
		if (*p == ':')
			return p + 1;
	return n;
}

/* The attribute whose local name is name (any prefix; prefixed when pfx). */
static const char *
attr(const XML_Char **atts, const char *name, int pfx)
{
	for (size_t i = 0; atts[i]; i += 2) {
		const char *c = strrchr(atts[i], ':');
		if (pfx ? c && !strcmp(c + 1, name) : !c && !strcmp(atts[i], name))
			return atts[i + 1];
	}
	return NULL;
}

static void abort_parse(struct xlsx *x, int fatal, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stops expat for good from a handler, with the reason. */
static void
abort_parse(struct xlsx *x, int fatal, const char *fmt, ...)
{
	va_list ap;

	if (x->aborted)
		return;
	va_start(ap, fmt);
	vsnprintf(x->abort_why, sizeof(x->abort_why), fmt, ap);
	va_end(ap);
	x->aborted = 1;
	x->abort_fatal = fatal;
	XML_StopParser(x->p, XML_FALSE);
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
	abort_parse(ctx, 1, "entity declaration '%.60s' refused: a workbook has none", name);
}

/* Opens a new element of kind k (deeper than MAX_DEPTH: not kept). */
static void
push(struct xlsx *x, enum kind k)
{
	if (x->depth < MAX_DEPTH)
		x->kind[x->depth] = (unsigned char)k;
	x->depth++;
}

static enum kind
parent(const struct xlsx *x)
{
	return x->depth == 0 || x->depth > MAX_DEPTH ? K_OTHER : (enum kind)x->kind[x->depth - 1];
}

static enum kind
pop(struct xlsx *x)
{
	if (x->depth == 0)
		return K_OTHER;
	x->depth--;
	return x->depth < MAX_DEPTH ? (enum kind)x->kind[x->depth] : K_OTHER;
}

static void XMLCALL
on_text_count(void *ctx, const XML_Char *s, int len)
{
	(void)s;
	(void)len;
	((struct xlsx *)ctx)->events++;
}

static void XMLCALL
on_end_pop(void *ctx, const XML_Char *el)
{
	struct xlsx *x = ctx;
	(void)el;
	x->events++;
	pop(x);
}

/* A fresh parser for a part; the handlers are set by the caller. */
static void
parser_new(struct xlsx *x)
{
	if (x->p)
		XML_ParserReset(x->p, NULL);
	else if (!(x->p = XML_ParserCreate_MM(NULL, &mem, NULL)))
		abort(); /* out of memory, which xmalloc() ends first */
	XML_SetUserData(x->p, x);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetCharacterDataHandler(x->p, on_text_count);
	x->depth = 0;
	x->collect = 0;
	x->aborted = x->abort_fatal = 0;
	x->quiet = 0;
}

/* Decodes OOXML's _xHHHH_ escapes in s[0..n) in place; the new length. */
static size_t
unescape_x(char *s, size_t n)
{
	size_t i = 0, o = 0;

	if (n == 0 || !memchr(s, '_', n))
		return n;
	while (i < n) {
		unsigned cp = 0;
		int ok = s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_';
		for (size_t k = 2; ok && k < 6; k++) {
			char ch = s[i + k];
			unsigned d = ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
			             : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
			             : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
			                                      : 16u;
			ok = d < 16;
			cp = cp << 4 | d;
		}
		if (ok && cp >= 0xD800 && cp <= 0xDBFF && i + 13 < n && s[i + 7] == '_' &&
		    s[i + 8] == 'x' && s[i + 13] == '_') {
			char h[5] = {s[i + 9], s[i + 10], s[i + 11], s[i + 12], 0};
			char *end;
			unsigned long lo = strtoul(h, &end, 16);
			if (*end == '\0' && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (unsigned)(lo - 0xDC00);
				char u[4];
				size_t l = utf8_encode(cp, u);
				memcpy(s + o, u, l);
				o += l;
				i += 14;
				continue;
			}
		}
		if (ok && cp != 0 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
			char u[4];
			size_t l = utf8_encode(cp, u);
			memcpy(s + o, u, l);
			o += l;
			i += 7;
			continue;
		}
		s[o++] = s[i++];
	}
	return o;
}

/*
 * Reads a whole metadata part through expat (the handlers set up by
 * setup). 1 when read, 0 when there is no such part, or DT_FAILED.
 */
static int
parse_part(struct reader *r, struct xlsx *x, const char *name, void (*setup)(struct xlsx *))
{
	struct part pt;
	char err[300];
	int st = part_open(x, name, &pt, err, sizeof(err));

	if (st < 0)
		return reader_fail(r, 0, 0, "%s", err);
	if (st == 0)
		return 0;
	parser_new(x);
	setup(x);
	for (;;) {
		char *buf = XML_GetBuffer(x->p, PIECE);
		if (!buf)
			abort();
		ssize_t k = part_read(x, &pt, buf, PIECE, err, sizeof(err));
		if (k < 0) {
			part_close(&pt);
			return reader_fail(r, 0, 0, "%s", err);
		}
		uint64_t ev = x->events;
		enum XML_Status s = XML_ParseBuffer(x->p, (int)k, k == 0);
		if (s == XML_STATUS_ERROR) {
			unsigned long line = (unsigned long)XML_GetCurrentLineNumber(x->p);
			enum XML_Error code = XML_GetErrorCode(x->p);
			part_close(&pt);
			if (code == XML_ERROR_ABORTED)
				return reader_fail(r, 0, 0, "'%s': %s", name, x->abort_why);
			return reader_fail(r, line, 0, "broken XML in '%s' at line %lu: %s", name,
			                   line, XML_ErrorString(code));
		}
		x->quiet = x->events == ev ? x->quiet + (uint64_t)k : 0;
		if (x->quiet > r->opts.max_record + PIECE) {
			part_close(&pt);
			return reader_fail(
			    r, 0, 0,
			    "'%s': one XML token longer than the --max-record limit (%zu bytes)",
			    name, r->opts.max_record);
		}
		if (k == 0)
			break;
	}
	part_close(&pt);
	return 1;
}

/* --- relationships -------------------------------------------------------- */

static enum relkind
rel_kind(const char *type)
{
	const char *t = type ? strrchr(type, '/') : NULL;
	t = t ? t + 1 : type ? type : "";
	if (!strcmp(t, "worksheet"))
		return R_WORKSHEET;
	if (!strcmp(t, "sharedStrings"))
		return R_SST;
	if (!strcmp(t, "styles"))
		return R_STYLES;
	if (!strcmp(t, "officeDocument"))
		return R_DOC;
	return R_OTHER;
}

static void XMLCALL
on_rel_start(void *ctx, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx *x = ctx;
	const char *id, *target, *mode;

	x->events++;
	push(x, K_OTHER);
	if (strcmp(lname(el), "Relationship"))
		return;
	id = attr(atts, "Id", 0);
	target = attr(atts, "Target", 0);
	mode = attr(atts, "TargetMode", 0);
	if (!id || !target || (mode && !strcmp(mode, "External")))
		return;
	if (x->nrels >= MAX_RELS) {
		abort_parse(x, 0, "more than %d relationships", MAX_RELS);
		return;
	}
	if (strlen(id) > MAX_NAME || strlen(target) > MAX_NAME) {
		abort_parse(x, 0, "a relationship longer than %d bytes", MAX_NAME);
		return;
	}
	x->rels_bytes += strlen(id) + strlen(target) + 2;
	if (x->rels_bytes > MAX_RELS_BYTES) {
		abort_parse(x, 0, "relationships longer than %d bytes in all", MAX_RELS_BYTES);
		return;
	}
	if (x->nrels >= x->rels_alloc)
		x->rels = xgrow(x->rels, &x->rels_alloc, x->nrels + 1, sizeof(*x->rels));
	x->rels[x->nrels++] =
	    (struct rel){xstrdup(id), xstrdup(target), rel_kind(attr(atts, "Type", 0))};
}

static void
setup_rels(struct xlsx *x)
{
	XML_SetElementHandler(x->p, on_rel_start, on_end_pop);
}

static void
rels_clear(struct xlsx *x)
{
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].target);
	}
	x->nrels = 0;
	x->rels_bytes = 0;
}

/* --- the workbook ----------------------------------------------------------- */

static int
is_true(const char *v)
{
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "on"));
}

static void XMLCALL
on_wb_start(void *ctx, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx *x = ctx;
	const char *n = lname(el);

	x->events++;
	push(x, K_OTHER);
	if (!strcmp(n, "workbookPr") && x->depth == 2) { /* not x14:workbookPr in extLst */
		x->date1904 = is_true(attr(atts, "date1904", 0));
		return;
	}
	if (strcmp(n, "sheet"))
		return;
	const char *name = attr(atts, "name", 0), *rid = attr(atts, "id", 1);
	if (!name || !rid)
		return;
	if (x->nsheets >= MAX_SHEETS) {
		abort_parse(x, 0, "more than %d sheets", MAX_SHEETS);
		return;
	}
	if (strlen(name) > MAX_NAME || strlen(rid) > MAX_NAME) {
		abort_parse(x, 0, "a sheet name longer than %d bytes", MAX_NAME);
		return;
	}
	if (x->nsheets >= x->sheets_alloc)
		x->sheets = xgrow(x->sheets, &x->sheets_alloc, x->nsheets + 1, sizeof(*x->sheets));
	char place[32];
	if (!*name) { /* no name: its place instead */
		snprintf(place, sizeof(place), "sheet%zu", x->nsheets + 1);
		name = place;
	}
	x->sheets[x->nsheets++] = (struct sheet){xstrdup(name), xstrdup(rid), NULL, R_OTHER};
}

static void
setup_workbook(struct xlsx *x)
{
	XML_SetElementHandler(x->p, on_wb_start, on_end_pop);
}

/* --- shared strings --------------------------------------------------------- */

static void XMLCALL
on_sst_start(void *ctx, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx *x = ctx;
	const char *n = lname(el);
	enum kind up = parent(x), k = K_OTHER;

	(void)atts;
	x->events++;
	if (!strcmp(n, "si")) {
		k = K_SI;
		x->si_start = x->sst.len;
	} else if (!strcmp(n, "r") && up == K_SI)
		k = K_R;
	else if (!strcmp(n, "rPh"))
		k = K_RPH;
	else if (!strcmp(n, "t") && (up == K_SI || up == K_R)) {
		k = K_T;
		x->collect = 1;
	}
	push(x, k);
}

static void XMLCALL
on_sst_text(void *ctx, const XML_Char *s, int len)
{
	struct xlsx *x = ctx;

	x->events++;
	if (x->collect && !x->aborted &&
	    (x->sst.len + (size_t)len + (x->nsst + 1) * sizeof(size_t) > x->sst_cap ||
	     dynbuf_add(&x->sst, s, (size_t)len) < 0))
		abort_parse(x, 0,
		            "the shared strings pass %zu bytes (1 GiB, or 16 times "
		            "--max-record when that is more); raise --max-record to read this workbook",
		            x->sst_cap);
}

static void XMLCALL
on_sst_end(void *ctx, const XML_Char *el)
{
	struct xlsx *x = ctx;
	enum kind k = pop(x);

	(void)el;
	x->events++;
	if (k == K_T)
		x->collect = 0;
	if (k != K_SI || x->aborted)
		return;
	size_t n =
	    unescape_x(x->sst.buf ? x->sst.buf + x->si_start : NULL, x->sst.len - x->si_start);
	x->sst.len = x->si_start + n;
	if ((x->nsst + 2) * sizeof(size_t) + x->sst.len > x->sst_cap) {
		abort_parse(x, 0,
		            "the shared strings pass %zu bytes (1 GiB, or 16 times "
		            "--max-record when that is more); raise --max-record to read this workbook",
		            x->sst_cap);
		return;
	}
	if (x->nsst + 1 >= x->sst_alloc)
		x->sst_at = xgrow(x->sst_at, &x->sst_alloc, x->nsst + 2, sizeof(*x->sst_at));
	x->sst_at[x->nsst++] = x->si_start;
	x->sst_at[x->nsst] = x->sst.len;
}

static void
setup_sst(struct xlsx *x)
{
	XML_SetElementHandler(x->p, on_sst_start, on_sst_end);
	XML_SetCharacterDataHandler(x->p, on_sst_text);
}

/* --- styles ----------------------------------------------------------------- */

static int
parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long n;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end || errno || n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static void XMLCALL
on_styles_start(void *ctx, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx *x = ctx;
	const char *n = lname(el);
	enum kind up = parent(x), k = K_OTHER;
	uint32_t id;

	x->events++;
	if (!strcmp(n, "numFmts"))
		k = K_NUMFMTS;
	else if (!strcmp(n, "cellXfs"))
		k = K_CELLXFS;
	else if (!strcmp(n, "numFmt") && up == K_NUMFMTS) {
		const char *code = attr(atts, "formatCode", 0);
		if (code && parse_u32(attr(atts, "numFmtId", 0), &id) == 0 &&
		    x->nnumfmt < MAX_NUMFMT) {
			if (x->nnumfmt >= x->numfmt_alloc)
				x->numfmt = xgrow(x->numfmt, &x->numfmt_alloc, x->nnumfmt + 1,
				                  sizeof(*x->numfmt));
			x->numfmt[x->nnumfmt].id = id;
			x->numfmt[x->nnumfmt++].kind = (unsigned char)sheet_numfmt_kind(code);
		}
	} else if (!strcmp(n, "xf") && up == K_CELLXFS && x->nxf < MAX_XF) {
		if (parse_u32(attr(atts, "numFmtId", 0), &id) < 0)
			id = 0;
		if (x->nxf >= x->xf_alloc)
			x->xf_fmt = xgrow(x->xf_fmt, &x->xf_alloc, x->nxf + 1, sizeof(*x->xf_fmt));
		x->xf_fmt[x->nxf++] = id;
	}
	push(x, k);
}

static void
setup_styles(struct xlsx *x)
{
	XML_SetElementHandler(x->p, on_styles_start, on_end_pop);
}

static int
cmp_numfmt(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Each cell style's kind, from its number format. */
static void
styles_resolve(struct xlsx *x)
{
	if (x->nnumfmt)
		qsort(x->numfmt, x->nnumfmt, sizeof(*x->numfmt), cmp_numfmt);
	x->xf_kind = xmalloc(x->nxf ? x->nxf : 1);
	for (size_t i = 0; i < x->nxf; i++) {
		uint32_t id = x->xf_fmt[i];
		size_t lo = 0, hi = x->nnumfmt;
		enum sheet_numfmt k = sheet_numfmt_builtin(id);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (x->numfmt[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < x->nnumfmt && x->numfmt[lo].id == id)
			k = (enum sheet_numfmt)x->numfmt[lo].kind;
		x->xf_kind[i] = (unsigned char)k;
	}
}

/* --- sheets ------------------------------------------------------------------ */

static void row_bad(struct xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks the row in progress rejected (the first reason wins). */
static void
row_bad(struct xlsx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->row_bad)
		return;
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof(x->why), fmt, ap);
	va_end(ap);
	x->row_bad = 1;
	x->collect = 0;
}

/* The column of a reference like "C5" (0-based), or -1. */
static long
ref_col(const char *s)
{
	long c = 0;
	int n = 0;

	for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++) {
		if (++n > 7)
			return -1;
		c = c * 26 + ((*s | 0x20) - 'a' + 1);
	}
	return n ? c - 1 : -1;
}

static enum ctype
cell_type(const char *t)
{
	if (!t || !strcmp(t, "n"))
		return T_N;
	if (!strcmp(t, "s"))
		return T_S;
	if (!strcmp(t, "b"))
		return T_B;
	if (!strcmp(t, "e"))
		return T_E;
	if (!strcmp(t, "str"))
		return T_STR;
	if (!strcmp(t, "inlineStr"))
		return T_INLINE;
	if (!strcmp(t, "d"))
		return T_D;
	return T_STR; /* unknown: the text as it is */
}

static void
row_start(struct xlsx *x, const XML_Char **atts)
{
	uint32_t n;
	XML_Index at = XML_GetCurrentByteIndex(x->p);

	x->in_row = 1;
	x->row_bad = 0;
	x->ncells = 0;
	x->row_bytes = 0;
	x->col_prev = UINT32_MAX; /* the first cell without r is A */
	dynbuf_reset(&x->arena);
	x->row_num = parse_u32(attr(atts, "r", 0), &n) == 0 && n > 0 ? n : x->row_prev + 1;
	x->row_prev = x->row_num;
	x->row_off = at > 0 ? (uint64_t)at : 0;
}

static void
cell_start(struct xlsx *x, const XML_Char **atts)
{
	const char *ref = NULL, *t = NULL, *sv = NULL;
	uint32_t style = 0;

	/* one pass over the attributes: a sheet has millions of cells */
	for (size_t i = 0; atts[i]; i += 2) {
		const char *a = atts[i];
		if (a[0] && !a[1]) {
			if (a[0] == 'r')
				ref = atts[i + 1];
			else if (a[0] == 't')
				t = atts[i + 1];
			else if (a[0] == 's')
				sv = atts[i + 1];
		}
	}
	long col = ref ? ref_col(ref) : -1;

	if (col < 0)
		col = (long)x->col_prev + 1; /* UINT32_MAX + 1 wraps to column A */
	col &= 0xffffffffL;
	x->col_prev = (uint32_t)col;
	if (x->row_bad)
		return;
	if ((size_t)col >= x->r->opts.max_fields) {
		row_bad(x, "cell in column %ld, past the --max-fields limit (%zu)", col + 1,
		        x->r->opts.max_fields);
		return;
	}
	if (sv && parse_u32(sv, &style) < 0)
		style = 0;
	if (x->ncells >= x->r->opts.max_fields) {
		row_bad(x, "row with more than %zu cells (--max-fields)", x->r->opts.max_fields);
		return;
	}
	if (x->ncells >= x->cells_alloc)
		x->cells = xgrow(x->cells, &x->cells_alloc, x->ncells + 1, sizeof(*x->cells));
	struct xcell *c = &x->cells[x->ncells++];
	c->col = (uint32_t)col;
	c->val = CV_ARENA;
	c->type = (unsigned char)cell_type(t);
	c->style = style;
	c->off = x->arena.len;
	c->len = 0;
}

/* The cell's text is complete: what it stands for. */
static void
cell_end(struct xlsx *x)
{
	struct xcell *c;
	char *v, num[64];

	if (x->row_bad || x->ncells == 0)
		return;
	c = &x->cells[x->ncells - 1];
	v = x->arena.buf ? x->arena.buf + c->off : NULL;
	c->len = x->arena.len - c->off;
	switch ((enum ctype)c->type) {
	case T_S: {
		uint32_t i;
		if (c->len == 0)
			break;
		if (c->len >= sizeof(num))
			c->len = sizeof(num) - 1;
		memcpy(num, v, c->len);
		num[c->len] = '\0';
		if (parse_u32(num, &i) < 0 || i >= x->nsst) {
			row_bad(x, "shared string '%.20s' out of range (the table has %zu)", num,
			        x->nsst);
			return;
		}
		x->arena.len = c->off;
		c->val = CV_SST;
		c->off = i;
		c->len = x->sst_at[i + 1] - x->sst_at[i];
		break;
	}
	case T_B:
		if (c->len == 1 && (v[0] == '0' || v[0] == '1')) {
			c->val = v[0] == '1' ? CV_TRUE : CV_FALSE;
			c->len = v[0] == '1' ? 4 : 5;
			x->arena.len = c->off;
		}
		break;
	case T_STR:
	case T_INLINE:
		if (c->len) {
			c->len = unescape_x(v, c->len);
			x->arena.len = c->off + c->len;
		}
		break;
	case T_N:
		if (c->len && c->len < sizeof(num) && c->style < x->nxf && x->xf_kind[c->style]) {
			char *end, iso[32];
			memcpy(num, v, c->len);
			num[c->len] = '\0';
			double d = strtod(num, &end);
			size_t n = *end ? 0
			                : sheet_date(d, x->date1904,
			                             (enum sheet_numfmt)x->xf_kind[c->style], iso);
			if (n) {
				x->arena.len = c->off;
				if (dynbuf_add(&x->arena, iso, n) < 0) {
					row_bad(
					    x, "row longer than the --max-record limit (%zu bytes)",
					    x->r->opts.max_record);
					return;
				}
				c->len = n;
			}
		}
		break;
	default:
		break;
	}
	if (c->len == 0) {
		x->ncells--; /* a blank cell is no cell */
		return;
	}
	x->row_bytes += c->len;
	if (x->row_bytes > x->r->opts.max_record)
		row_bad(x, "row longer than the --max-record limit (%zu bytes)",
		        x->r->opts.max_record);
}

/* The row is complete: header, record (suspend) or nothing. */
static void
row_end(struct xlsx *x)
{
	x->in_row = 0;
	if (x->row_bad) {
		x->pending = P_BAD;
		XML_StopParser(x->p, XML_TRUE);
		return;
	}
	if (x->ncells == 0)
		return; /* an empty row is no record */
	if (x->ncells > x->scells_alloc)
		x->scells = xgrow(x->scells, &x->scells_alloc, x->ncells, sizeof(*x->scells));
	for (size_t i = 0; i < x->ncells; i++) {
		const struct xcell *c = &x->cells[i];
		struct sheet_cell *s = &x->scells[i];
		s->col = c->col;
		s->len = c->len;
		s->val = c->val == CV_SST     ? x->sst.buf + x->sst_at[c->off]
		         : c->val == CV_TRUE  ? "true"
		         : c->val == CV_FALSE ? "false"
		                              : x->arena.buf + c->off;
	}
	if (!x->table.has_header) {
		for (size_t i = 0; i < x->ncells; i++) {
			size_t at;
			const char *e = reader_check_value(x->scells[i].val, x->scells[i].len, &at);
			if (e) {
				row_bad(x, "%s in the header, column %lu", e,
				        (unsigned long)x->scells[i].col + 1);
				break;
			}
		}
		if (!x->row_bad &&
		    sheet_table_header(&x->table, x->scells, x->ncells, x->r->opts.max_fields,
		                       x->r->opts.max_record, x->why, sizeof(x->why)) < 0)
			x->row_bad = 1;
		if (x->row_bad) {
			x->pending = P_BAD;
			XML_StopParser(x->p, XML_TRUE);
		}
		return;
	}
	x->pending = P_ROW;
	XML_StopParser(x->p, XML_TRUE);
}

static void XMLCALL
on_sheet_start(void *ctx, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx *x = ctx;
	const char *n = lname(el);
	enum kind up = parent(x), k = K_OTHER;

	x->events++;
	switch (up) {
	case K_OTHER:
		if (!strcmp(n, "sheetData"))
			k = K_SHEETDATA;
		break;
	case K_SHEETDATA:
		if (!strcmp(n, "row")) {
			k = K_ROW;
			row_start(x, atts);
		}
		break;
	case K_ROW:
		if (!strcmp(n, "c")) {
			k = K_C;
			cell_start(x, atts);
		}
		break;
	case K_C:
		if (!strcmp(n, "v")) {
			k = K_V;
			x->collect = !x->row_bad;
		} else if (!strcmp(n, "is"))
			k = K_IS;
		break;
	case K_IS:
	case K_R:
		if (!strcmp(n, "t")) {
			k = K_T;
			x->collect = !x->row_bad;
		} else if (up == K_IS && !strcmp(n, "r"))
			k = K_R;
		break;
	default:
		break;
	}
	push(x, k);
}

static void XMLCALL
on_sheet_text(void *ctx, const XML_Char *s, int len)
{
	struct xlsx *x = ctx;

	x->events++;
	if (x->collect && dynbuf_add(&x->arena, s, (size_t)len) < 0)
		row_bad(x, "row longer than the --max-record limit (%zu bytes)",
		        x->r->opts.max_record);
}

static void XMLCALL
on_sheet_end(void *ctx, const XML_Char *el)
{
	struct xlsx *x = ctx;

	(void)el;
	x->events++;
	switch (pop(x)) {
	case K_V:
	case K_T:
		x->collect = 0;
		break;
	case K_C:
		cell_end(x);
		break;
	case K_ROW:
		row_end(x);
		break;
	default:
		break;
	}
}

/* Does --table select this sheet? Case does not matter. */
static int
sheet_wanted(const struct reader *r, const char *name)
{
	return !r->opts.table || !strcasecmp(r->opts.table, name);
}

static void
sheet_close(struct xlsx *x)
{
	part_close(&x->part);
	x->sheet_open = 0;
	x->suspended = 0;
}

/*
 * Starts the next sheet: 1 when open, 0 when it has no rows to read (a
 * chart sheet, not selected), DT_WARN when its part is missing, DT_FAILED.
 */
static int
sheet_start(struct reader *r, struct xlsx *x, struct sheet *sh)
{
	char err[300];
	int st;

	if (sh->kind != R_WORKSHEET || !sheet_wanted(r, sh->name))
		return 0;
	if (!sh->path)
		return reader_reject(r, 0, 0, NULL, 0,
		                     "sheet '%s': no part for its relationship '%s'", sh->name,
		                     sh->rid);
	st = part_open(x, sh->path, &x->part, err, sizeof(err));
	if (st < 0)
		return reader_fail(r, 0, 0, "%s", err);
	if (st == 0)
		return reader_reject(r, 0, 0, NULL, 0, "sheet '%s': its part '%s' is missing",
		                     sh->name, sh->path);
	x->sh = sh;
	parser_new(x);
	XML_SetElementHandler(x->p, on_sheet_start, on_sheet_end);
	XML_SetCharacterDataHandler(x->p, on_sheet_text);
	sheet_table_reset(&x->table);
	x->sheet_open = 1;
	x->suspended = x->final = 0;
	x->row_prev = 0;
	x->in_row = 0;
	x->pending = P_NONE;
	return 1;
}

/* A row was suspended on: hands it out. */
static int
deliver(struct reader *r, struct xlsx *x, struct record *rec)
{
	enum pending p = x->pending;

	x->pending = P_NONE;
	if (p == P_BAD)
		return reader_reject(r, x->row_num, x->row_off, NULL, 0, "sheet '%s', row %llu: %s",
		                     x->sh->name, (unsigned long long)x->row_num, x->why);
	if (sheet_table_row(&x->table, x->scells, x->ncells, r->opts.max_fields, rec, x->why,
	                    sizeof(x->why)) < 0)
		return reader_reject(r, x->row_num, x->row_off, NULL, 0, "sheet '%s', row %llu: %s",
		                     x->sh->name, (unsigned long long)x->row_num, x->why);
	for (size_t i = 0; i < rec->nfields; i++) {
		size_t at;
		const char *e = reader_check_value(rec->fields[i].val, rec->fields[i].len, &at);
		if (e)
			return reader_reject(
			    r, x->row_num, x->row_off, NULL, 0,
			    "sheet '%s', row %llu: %s in field %zu (%.*s)", x->sh->name,
			    (unsigned long long)x->row_num, e, i + 1,
			    (int)(rec->fields[i].name_len > 64 ? 64 : rec->fields[i].name_len),
			    rec->fields[i].name);
	}
	rec->table = x->sh->name;
	rec->line = x->row_num;
	rec->offset = x->row_off;
	return DT_OK;
}

#define MORE 1000

/* Feeds the sheet's next piece (or resumes): MORE, or what next() returns. */
static int
sheet_step(struct reader *r, struct xlsx *x, struct record *rec)
{
	enum XML_Status s;
	char err[300];

	if (x->suspended) {
		x->suspended = 0;
		s = XML_ResumeParser(x->p);
	} else {
		char *buf = XML_GetBuffer(x->p, PIECE);
		if (!buf)
			abort();
		ssize_t k = part_read(x, &x->part, buf, PIECE, err, sizeof(err));
		if (k == -2) {
			sheet_close(x);
			x->cur = x->nsheets;
			return reader_fail(r, x->row_num, 0, "%s", err);
		}
		if (k < 0) {
			sheet_close(x);
			return reader_reject(r, x->row_num, 0, NULL, 0,
			                     "sheet '%s': %s; the rest of the sheet is lost",
			                     x->sh->name, err);
		}
		uint64_t ev = x->events;
		x->final = k == 0;
		s = XML_ParseBuffer(x->p, (int)k, x->final);
		x->quiet = x->events == ev ? x->quiet + (uint64_t)k : 0;
		if (s != XML_STATUS_ERROR && x->quiet > r->opts.max_record + PIECE) {
			sheet_close(x);
			return reader_reject(
			    r, x->row_num, 0, NULL, 0,
			    "sheet '%s': one XML token longer than the --max-record "
			    "limit (%zu bytes); the rest of the sheet is lost",
			    x->sh->name, r->opts.max_record);
		}
	}
	if (s == XML_STATUS_SUSPENDED) {
		x->suspended = 1;
		return x->pending == P_NONE ? MORE : deliver(r, x, rec);
	}
	if (s == XML_STATUS_ERROR) {
		enum XML_Error code = XML_GetErrorCode(x->p);
		unsigned long line = (unsigned long)XML_GetCurrentLineNumber(x->p);
		unsigned long col = (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1;
		sheet_close(x);
		if (code == XML_ERROR_ABORTED) {
			if (x->abort_fatal) {
				x->cur = x->nsheets;
				return reader_fail(r, line, 0, "sheet '%s': %s", x->sh->name,
				                   x->abort_why);
			}
			return reader_reject(r, line, 0, NULL, 0, "sheet '%s': %s", x->sh->name,
			                     x->abort_why);
		}
		return reader_reject(r, line, 0, NULL, 0,
		                     "sheet '%s': broken XML at line %lu, column %lu: %s; the rest "
		                     "of the sheet is lost",
		                     x->sh->name, line, col, XML_ErrorString(code));
	}
	if (x->final)
		sheet_close(x);
	return MORE;
}

/* --- the reader --------------------------------------------------------------- */

/* What a zip with Office parts but no workbook is, for the message. */
static const char *
not_a_workbook(struct xlsx *x)
{
	static const struct {
		const char *part, *what;
	} k[] = {
	    {"word/document.xml", "a Word document, not a dump"},
	    {"ppt/presentation.xml", "a PowerPoint presentation, not a dump"},
	    {"xl/workbook.bin",
	     "an Excel binary workbook (.xlsb), which dumptrace cannot read; save it as .xlsx"},
	    {"visio/document.xml", "a Visio drawing, not a dump"},
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct part pt;
		char err[300];
		if (part_open(x, k[i].part, &pt, err, sizeof(err)) == 1) {
			part_close(&pt);
			return k[i].what;
		}
	}
	return "an Office Open XML package with no workbook, not a dump";
}

/* The target of the first relationship of kind k, or NULL. */
static const char *
rel_target(const struct xlsx *x, enum relkind k)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (x->rels[i].kind == k)
			return x->rels[i].target;
	return NULL;
}

static int
xlsx_open(struct reader *r)
{
	struct xlsx *x = xcalloc(1, sizeof(*x));
	char err[512];
	int st;

	r->state = x;
	x->r = r;
	sheet_table_init(&x->table);
	dynbuf_init(&x->arena, r->opts.max_record);
	x->sst_cap = r->opts.max_record > SIZE_MAX / 16 ? SIZE_MAX : r->opts.max_record * 16;
	if (x->sst_cap < SST_MIN)
		x->sst_cap = SST_MIN;
	dynbuf_init(&x->sst, x->sst_cap);
	dynbuf_reserve(&x->sst, 64); /* never NULL, even for empty strings */
	dynbuf_reserve(&x->arena, 64);
	if (source_spool(r->src, SPOOL_MAX, 0, x->path, sizeof(x->path), &x->temp, err, sizeof(err)) <
	    0)
		return reader_fail(r, 0, 0, "%s", err);
	if (!x->temp && !strcmp(x->path, "-"))
		snprintf(x->path, sizeof(x->path), "/dev/stdin"); /* a regular file as stdin */
	struct stat st_;
	if (stat(x->path, &st_) < 0)
		return reader_fail(r, 0, 0, "cannot stat '%s': %s", x->path, strerror(errno));
	x->file_size = st_.st_size > 0 ? (uint64_t)st_.st_size : 1;

	/* the package's relationships: where the workbook is */
	if ((st = parse_part(r, x, "_rels/.rels", setup_rels)) < 0)
		return st;
	const char *doc = rel_target(x, R_DOC);
	if (doc) {
		char *p = resolve("", doc);
		const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
		if (strncasecmp(base, "workbook", 8)) {
			free(p);
			return reader_fail(r, 0, 0, "%s", not_a_workbook(x));
		}
		x->wb_path = p;
	} else
		x->wb_path = xstrdup("xl/workbook.xml");
	rels_clear(x);

	if ((st = parse_part(r, x, x->wb_path, setup_workbook)) < 0)
		return st;
	if (st == 0)
		return reader_fail(r, 0, 0, "%s", not_a_workbook(x));

	/* the workbook's relationships: its sheets, strings and styles */
	char *rels = rels_of(x->wb_path), *dir = dir_of(x->wb_path);
	st = parse_part(r, x, rels, setup_rels);
	if (st == 0)
		st = reader_fail(r, 0, 0, "the workbook has no relationships part '%s'", rels);
	free(rels);
	if (st < 0) {
		free(dir);
		return st;
	}
	for (size_t i = 0; i < x->nsheets; i++) {
		struct sheet *sh = &x->sheets[i];
		for (size_t k = 0; k < x->nrels; k++)
			if (!strcmp(x->rels[k].id, sh->rid)) {
				sh->kind = x->rels[k].kind;
				sh->path = resolve(dir, x->rels[k].target);
				break;
			}
		if (!sh->path)
			sh->kind = R_WORKSHEET; /* no relationship: said when it is read */
		if (sh->kind == R_WORKSHEET)
			x->nworksheets++;
	}
	const char *t;
	if ((t = rel_target(x, R_SST)) != NULL)
		x->sst_path = resolve(dir, t);
	if ((t = rel_target(x, R_STYLES)) != NULL)
		x->styles_path = resolve(dir, t);
	free(dir);
	rels_clear(x);

	if (x->sst_path && (st = parse_part(r, x, x->sst_path, setup_sst)) < 0)
		return st;
	if (x->styles_path && (st = parse_part(r, x, x->styles_path, setup_styles)) < 0)
		return st;
	styles_resolve(x);
	return DT_OK;
}

static int
xlsx_next(struct reader *r, struct record *rec)
{
	struct xlsx *x = r->state;

	for (;;) {
		if (!x->sheet_open) {
			if (x->cur >= x->nsheets)
				return DT_EOF;
			int st = sheet_start(r, x, &x->sheets[x->cur++]);
			if (st == 0)
				continue;
			if (st != 1)
				return st;
		}
		int st = sheet_step(r, x, rec);
		if (st != MORE)
			return st;
	}
}

static void
xlsx_close(struct reader *r)
{
	struct xlsx *x = r->state;

	if (!x)
		return;
	part_close(&x->part);
	if (x->p)
		XML_ParserFree(x->p);
	if (x->temp)
		unlink(x->path);
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
		free(x->sheets[i].path);
	}
	free(x->sheets);
	rels_clear(x);
	free(x->rels);
	free(x->wb_path);
	free(x->sst_path);
	free(x->styles_path);
	dynbuf_release(&x->sst);
	free(x->sst_at);
	free(x->numfmt);
	free(x->xf_fmt);
	free(x->xf_kind);
	sheet_table_release(&x->table);
	free(x->cells);
	free(x->scells);
	dynbuf_release(&x->arena);
	free(x);
}

static void
xlsx_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct xlsx *x = r->state;
	char n[32];

	snprintf(n, sizeof(n), "%zu", x->nworksheets);
	fn(ctx, "sheets", n);
	fn(ctx, "date_system", x->date1904 ? "1904" : "1900");
}

const struct format format_xlsx = {
    .name = "xlsx",
    .bid = NULL,
    .open = xlsx_open,
    .next = xlsx_next,
    .close = xlsx_close,
    .describe = xlsx_describe,
    .identify = xlsx_identify,
};
