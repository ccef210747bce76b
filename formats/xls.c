/*
 * The Excel 97-2003 reader (.xls, BIFF5 and BIFF8 in an OLE2 compound
 * file; BIFF2-4 too), through FreeXL: each worksheet a table (rec->table
 * is its name), the first row with a value naming the columns, each later
 * row with a value a record (sheet.h says how cells become fields).
 *
 * FreeXL wants a path, so the stream is made a file first (source_spool():
 * a plain file is used in place), and it reads the whole workbook at
 * freexl_open(): memory holds every cell of every sheet (FreeXL refuses a
 * sheet of more than 256 MB of cells; BIFF8 stops at 65536 x 256). Values:
 * text as FreeXL converts it to UTF-8, integers and numbers (the shortest
 * form that reads back the same double), and dates, times and date-times
 * as FreeXL writes them (YYYY-MM-DD, HH:MM:SS, YYYY-MM-DD HH:MM:SS) from the
 * cell's number format, in the workbook's date system. FreeXL gives
 * booleans and error cells as the integers 1 and 0, and so do we.
 *
 * OLE2 is also the container of Word (.doc), PowerPoint (.ppt), Outlook
 * (.msg) and encrypted Office 2007+ files: FreeXL finds no workbook stream
 * in them, and the directory's entry names then say which it is.
 */
#include "config.h"

#include <freexl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "core/xio.h"
#include "formats/format.h"
#include "formats/sheet.h"

#define SPOOL_MAX (2ull << 30) /* an .xls spooled out of an archive */
#define SCAN_MAX (256u << 20)  /* bytes searched for directory entries */

struct xls {
	char path[4096];
	int temp;
	const void *h;
	unsigned nsheets, date_mode, biff;
	unsigned cur; /* the sheet being read */
	int sheet_open;
	const char *name; /* its name (FreeXL's) */
	char name_buf[32];
	unsigned rows, row;
	unsigned short cols;
	struct sheet_table table;
	struct sheet_cell *cells;
	size_t *offs; /* where each number cell's text starts in the arena */
	size_t cells_alloc;
	struct dynbuf arena; /* numbers written out, for the row in progress */
	char why[200];
	/* FreeXL in a child process (xls_open()): it, its pipe, the record read back */
	pid_t pid;
	int fd;
	struct dynbuf msg;
	struct field *pf;
	size_t pf_alloc;
	int ended;
	unsigned used_rows, used_cols; /* the extent of the cells with a value, from the pre-check */
};

/* The compound file signature: .xls, .doc, .ppt, .msg, encrypted .xlsx. */
static int
xls_identify(const char *raw, size_t len, int eof)
{
	(void)eof;
	return len >= 8 && !memcmp(raw, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) ? 64 : 0;
}

static const char *
freexl_why(int rc)
{
	switch (rc) {
	case FREEXL_FILE_NOT_FOUND:
		return "the file cannot be opened";
	case FREEXL_INSUFFICIENT_MEMORY:
		return "a sheet needs more than 256 MB of cells";
	case FREEXL_INVALID_CFBF_HEADER:
		return "invalid compound file header";
	case FREEXL_CFBF_READ_ERROR:
		return "the compound file cannot be read (cut off?)";
	case FREEXL_CFBF_SEEK_ERROR:
		return "the compound file cannot be read (cut off?)";
	case FREEXL_CFBF_INVALID_SIGNATURE:
		return "invalid compound file signature";
	case FREEXL_CFBF_INVALID_SECTOR_SIZE:
		return "invalid compound file sector size";
	case FREEXL_CFBF_EMPTY_FAT_CHAIN:
		return "empty compound file allocation table";
	case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
		return "broken compound file allocation table";
	case FREEXL_BIFF_INVALID_BOF:
		return "broken workbook stream (BOF record)";
	case FREEXL_BIFF_INVALID_SST:
		return "broken shared string table";
	case FREEXL_BIFF_ILLEGAL_SST_INDEX:
		return "shared string index out of range";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
		return "no workbook stream";
	case FREEXL_INVALID_CHARACTER:
		return "text not valid in its code page";
	case FREEXL_UNSUPPORTED_CHARSET:
		return "unsupported code page";
	case FREEXL_ILLEGAL_CELL_ROW_COL:
		return "a cell outside its sheet's dimensions";
	case FREEXL_ILLEGAL_RK_VALUE:
		return "broken RK number";
	case FREEXL_INVALID_MINI_STREAM:
		return "broken compound file mini stream";
	case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY:
		return "broken compound file mini allocation table";
	case FREEXL_CRAFTED_FILE:
		return "a severely corrupted (maybe crafted) file";
	default:
		return "unreadable workbook";
	}
}

/*
 * What a compound file FreeXL cannot read holds, from the names of its
 * directory entries (128 bytes each, sector-aligned, each opening with its
 * UTF-16LE name): a message, or NULL when it has a workbook stream.
 */
static const char *
ole2_kind(const char *path)
{
	static const struct {
		const char *name;
		int prefix;
		const char *what;
	} k[] = {
	    {"Workbook", 0, NULL},
	    {"Book", 0, NULL},
	    {"EncryptedPackage", 0,
	     "an encrypted (password-protected) Office file; save it without a password first"},
	    {"WordDocument", 0, "a Word document (.doc), not a dump"},
	    {"PowerPoint Document", 0, "a PowerPoint presentation (.ppt), not a dump"},
	    {"__substg1.0_", 1, "an Outlook message (.msg), not a dump"},
	    {"VisioDocument", 0, "a Visio drawing (.vsd), not a dump"},
	};
	const char *found = "an OLE2 document that is not an Excel workbook, not a dump";
	int best = (int)(sizeof(k) / sizeof(k[0]));
	FILE *f = fopen(path, "rb");
	static char buf[1u << 16];
	size_t n, done = 0;

	if (!f)
		return found;
	while (done < SCAN_MAX && (n = fread(buf, 1, sizeof(buf), f)) >= 128) {
		for (size_t at = 0; at + 128 <= n; at += 128) {
			const unsigned char *e = (const unsigned char *)buf + at;
			unsigned nl = (unsigned)e[64] | (unsigned)e[65] << 8;
			if (e[1] != 0 || nl < 4 || nl > 64)
				continue;
			for (int i = 0; i < best; i++) {
				size_t l = strlen(k[i].name), j;
				if (!k[i].prefix && nl != 2 * (l + 1))
					continue;
				for (j = 0; j < l && e[2 * j] == (unsigned char)k[i].name[j] &&
				            !e[2 * j + 1];
				     j++)
					;
				if (j == l) {
					best = i;
					break;
				}
			}
		}
		done += n;
		if (n < sizeof(buf))
			break;
	}
	fclose(f);
	return best < (int)(sizeof(k) / sizeof(k[0])) ? k[best].what : found;
}

/* --- the pre-check: what FreeXL would do with the file ----------------------- */

/*
 * FreeXL 1.0.6 trusts what a file says in places where a crafted one hurts:
 *
 *  - it converts the names of the directory entries it looks at (those of
 *    the first directory sector, up to the workbook's) from UTF-16 with the
 *    length each claims, unchecked: past the 64 bytes a name has, iconv
 *    reads on beyond FreeXL's stack buffer;
 *  - it allocates a sheet's cells (16 bytes each, up to 256 MB) at each
 *    DIMENSION record, and a second one for the same sheet leaks the first;
 *    a sheet without one gets cells for the highest row and column seen;
 *  - it turns a serial into a date by counting days from 1900 one at a
 *    time: a date cell holding 2e9 costs seconds, and a file can hold
 *    thousands.
 *
 * So before FreeXL sees a file, its directory is looked at as FreeXL looks
 * at it, and the workbook stream is walked record by record (following
 * the allocation tables, as FreeXL does) to add up the cells FreeXL would
 * allocate and the days it would count. A file that would overread,
 * declare a sheet twice, make FreeXL hold more than CELLS_MAX bytes of
 * cells or count more than DATE_STEPS_MAX days for dates past the year
 * 9999 (no real date is) is refused.
 */
#define CELLS_MAX (1ull << 30)
#define SHEET_CELLS_MAX (256ull << 20) /* FreeXL's own cap per allocation */
/*
 * Cells a file may claim for its size: a workbook's declared sheets are
 * about as big as what it holds (16 bytes of FreeXL's a cell, a few
 * bytes of the file's); a 2 KB file that declares 65536 x 256 cells makes
 * FreeXL clear 256 MB for each sheet. One sheet's worth is always let by.
 */
#define CELLS_PER_BYTE 2048
/* days FreeXL may count for dates past 9999 (no real one is): a few ms */
#define DATE_STEPS_MAX (16ull << 20)

struct cfb {
	FILE *f;
	size_t ss;            /* sector size */
	uint64_t nsect;       /* sectors the file holds */
	uint64_t size;        /* its bytes */
	uint32_t *fat, *mfat; /* allocation tables, big and mini */
	size_t nfat, nmfat;
	unsigned char *mini; /* the mini stream (small: its streams are < 4096 bytes) */
	size_t mini_len;
	/* the stream being read */
	int in_mini;
	uint32_t sect;
	uint64_t left, steps;
	unsigned char buf[4096];
	size_t pos, len;
	/* the highest row and column, plus one, that any cell with a value has (biff_walk()) */
	unsigned used_rows, used_cols;
};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned
le16x(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Reads big sector n into dst (ss bytes) where FreeXL would; -1 past the file's end. */
static int
cfb_sector(struct cfb *c, uint32_t n, unsigned char *dst)
{
	/* FreeXL computes the offset in 32 bits: a huge sector number wraps */
	uint32_t off = (n + 1u) * (uint32_t)c->ss;
	if ((uint64_t)off + c->ss > c->size || fseeko(c->f, (off_t)off, SEEK_SET) != 0 ||
	    fread(dst, 1, c->ss, c->f) != c->ss)
		return -1;
	return 0;
}

/* Appends the 32-bit entries of big sector n to a table; -1 when unreadable. */
static int
cfb_table_add(struct cfb *c, uint32_t n, uint32_t **t, size_t *len, size_t *alloc)
{
	unsigned char s[4096];
	if (cfb_sector(c, n, s) < 0)
		return -1;
	if (*len + c->ss / 4 > *alloc)
		*t = xgrow(*t, alloc, *len + c->ss / 4, sizeof(**t));
	for (size_t i = 0; i < c->ss / 4; i++)
		(*t)[(*len)++] = le32(s + 4 * i);
	return 0;
}

/* The whole chain of big sectors from n, as a table's entries (minifat). */
static int
cfb_chain_table(struct cfb *c, uint32_t n, uint32_t **t, size_t *len)
{
	size_t alloc = 0;
	for (uint64_t steps = 0; n < 0xFFFFFFFA; steps++) {
		if (steps > c->nsect || n >= c->nfat || cfb_table_add(c, n, t, len, &alloc) < 0)
			return -1;
		n = c->fat[n];
	}
	return 0;
}

/* Starts reading the stream at sector start, size bytes long. */
static void
cfb_stream(struct cfb *c, uint32_t start, uint64_t size, int in_mini)
{
	c->in_mini = in_mini;
	c->sect = start;
	c->left = size;
	c->steps = 0;
	c->pos = c->len = 0;
}

/* Reads n bytes of the stream into dst (NULL: skip them); -1 at its end. */
static int
cfb_read(struct cfb *c, unsigned char *dst, size_t n)
{
	while (n) {
		if (c->pos == c->len) {
			size_t unit = c->in_mini ? 64 : c->ss;
			if (c->left == 0 || c->sect >= 0xFFFFFFFA ||
			    ++c->steps > c->nsect * 64 + 64)
				return -1;
			if (c->in_mini) {
				if ((uint64_t)c->sect * 64 + 64 > c->mini_len ||
				    c->sect >= c->nmfat)
					return -1;
				memcpy(c->buf, c->mini + (size_t)c->sect * 64, 64);
				c->sect = c->mfat[c->sect];
			} else {
				if (c->sect >= c->nfat || cfb_sector(c, c->sect, c->buf) < 0)
					return -1;
				c->sect = c->fat[c->sect];
			}
			c->len = c->left < unit ? (size_t)c->left : unit;
			c->left -= c->len;
			c->pos = 0;
		}
		size_t k = c->len - c->pos < n ? c->len - c->pos : n;
		if (dst) {
			memcpy(dst, c->buf + c->pos, k);
			dst += k;
		}
		c->pos += k;
		n -= k;
	}
	return 0;
}

/* Is entry e (128 bytes) called name, as FreeXL compares it? */
static int
entry_is(const unsigned char *e, const char *name)
{
	size_t l = strlen(name);
	unsigned nl = le16x(e + 64);
	if (nl < 2 * (l + 1))
		return 0;
	for (size_t i = 0; i <= l; i++)
		if (e[2 * i] != (unsigned char)(i < l ? name[i] : 0) || e[2 * i + 1])
			return 0;
	return 1;
}

/* FreeXL's test of a format string: letters counted anywhere, quotes or not. */
static int
freexl_date_kind(const unsigned char *s, size_t n, int wide)
{
	int y = 0, m = 0, d = 0, h = 0;
	for (size_t i = 0; i < n; i += wide ? 2 : 1) {
		if (wide && s[i + 1])
			continue;
		switch (s[i] | 0x20) {
		case 'y':
			y = 1;
			break;
		case 'm':
			m = 1;
			break;
		case 'd':
			d = 1;
			break;
		case 'h':
			h = 1;
			break;
		default:
			break;
		}
	}
	/* 1: a date or date-time, whose day FreeXL counts one by one; times cost nothing */
	return (y && m && d && h) || (y && m) || (m && d);
}

/* A number as FreeXL decodes an RK value. */
static double
rk_value(uint32_t rk)
{
	double v;
	if (rk & 2) {
		v = (double)((int32_t)rk >> 2);
	} else {
		uint64_t bits = (uint64_t)(rk & 0xfffffffcu) << 32;
		memcpy(&v, &bits, sizeof(v));
	}
	return rk & 1 ? v / 100 : v;
}

/* The days FreeXL's date loop would count for serial v in a date format. */
static uint64_t
date_steps(double v)
{
	if (!(v > 2958465.0)) /* up to 9999-12-31: a real date, and NaN */
		return 0;
	return v >= 2147483647.0 ? 2147483647u : (uint64_t)v;
}

/*
 * The strings of an SST record or its CONTINUE from p to end, read as
 * FreeXL 1.0.6 reads them (parse_SST): a string's length, its option
 * byte and the optional fields FreeXL skips (a 32-bit one first, then a
 * 16-bit one, as it has them), then its characters; one that does not
 * fit is finished in the next CONTINUE. FreeXL takes the rest of a
 * string from a CONTINUE without looking at that record's size, and a
 * string whose header runs past its record's end makes it read the
 * characters from beyond: -1 for either, 0 when it reads them in bounds.
 */
struct sst_walk {
	uint64_t total, index;
	uint64_t pend;  /* characters of a string still to come in a CONTINUE */
	unsigned skip;  /* what FreeXL skips after that string */
	int active;
};

static int
sst_strings(struct sst_walk *w, const unsigned char *p, const unsigned char *end)
{
	while (w->index < w->total) {
		if (p >= end)
			return 0; /* the record is done: the next CONTINUE goes on */
		if (end - p < 3)
			return -1;
		unsigned len = le16x(p), mask = p[2];
		size_t off = 2 + 1 + ((mask & 4) ? 4 : 0) + ((mask & 8) ? 2 : 0);
		if ((size_t)(end - p) < off)
			return -1; /* FreeXL's "available" would wrap around */
		unsigned skip = ((mask & 4) ? le16x(p + 3) : 0) + ((mask & 8) ? 4u * le16x(p + 3 + ((mask & 4) ? 4 : 0)) : 0);
		p += off;
		size_t need = (mask & 1) ? 2u * len : len, avail = (size_t)(end - p);
		if (need > avail) {
			w->pend = len - ((mask & 1) ? avail / 2 : avail);
			w->skip = skip;
			return 0;
		}
		p += need;
		if (skip > (size_t)(end - p))
			return 0; /* skipped past the end: FreeXL stops this record there */
		p += skip;
		w->index++;
	}
	return 0;
}

/* An SST's CONTINUE: the rest of a split string first (its own option byte), then more strings. */
static int
sst_continue(struct sst_walk *w, const unsigned char *rec, size_t size)
{
	const unsigned char *p = rec, *end = rec + size;
	if (w->pend) {
		if (size < 1)
			return -1;
		size_t need = (p[0] & 1) ? 2 * w->pend : w->pend;
		if (need > size - 1)
			return -1; /* FreeXL would copy it from past the record */
		p += 1 + need;
		w->pend = 0;
		w->index++;
		if (w->skip > (size_t)(end - p))
			return 0; /* skipped past the end: FreeXL stops this record there */
		p += w->skip;
	}
	return sst_strings(w, p, end);
}

/*
 * Does the string of a record FreeXL reads one from (FORMAT, BOUNDSHEET,
 * LABEL, RSTRING) fit in it? Its offset, the size of its length, then in
 * BIFF8 an option byte (bit 0: two bytes a character).
 */
static int
string_fits(unsigned type, unsigned biff, const unsigned char *rec, size_t size)
{
	size_t at, lenb;
	switch (type) {
	case 0x041E: /* FORMAT: index, then the string */
		at = 2;
		lenb = biff == 8 ? 2 : 1;
		break;
	case 0x0085: /* BOUNDSHEET: position, kind, then the name */
		at = 6;
		lenb = 1;
		break;
	case 0x0204: /* LABEL, RSTRING: row, column, XF, then the text */
	case 0x00D6:
		at = 6;
		lenb = 2;
		break;
	default:
		return 1;
	}
	if (size < at + lenb)
		return size <= at; /* no string at all: FreeXL reads nothing of it */
	size_t len = lenb == 2 ? le16x(rec + at) : rec[at], need = at + lenb;
	if (biff == 8) {
		if (size < need + 1)
			return len == 0;
		need += 1 + ((rec[need] & 1) ? 2 * len : len);
	} else
		need += len;
	return need <= size;
}

/*
 * Walks the workbook stream's records: adds up the cells FreeXL would
 * allocate, and the days its date loop would count for dates past the
 * year 9999. 0, or -1 with the reason in why.
 */
static int
biff_walk(struct cfb *c, char *why, size_t whylen)
{
	unsigned char h[4], *rec = xmalloc(65536 + 16);
	unsigned biff = 0, sheets = 0, dims = 0;
	int in_sub = 0, sub_dims = 0, first = 1, st = 0;
	uint64_t cells = 0, rows = 0, cols = 0; /* the last sheet's size, as FreeXL keeps it */
	uint64_t steps = 0;
	unsigned char *xf_date = xcalloc(65536, 1), fmt_date[65536 / 8] = {0};
	size_t nxf = 0;
	struct sst_walk sst = { 0, 0, 0, 0, 0 };

	for (unsigned id = 14; id <= 22; id++)
		if (id < 18 || id == 22)
			fmt_date[id / 8] |= (unsigned char)(1u << (id % 8));
	while (cfb_read(c, h, 4) == 0) {
		unsigned type = le16x(h), size = le16x(h + 2);
		memset(rec, 0, 16);
		/*
		 * BIFF records hold at most 8224 bytes (2080 before BIFF8); one
		 * that claims more, or runs past the end of the stream, FreeXL
		 * copies out of its buffer regardless (the fuzzer's 10 KB file
		 * with a 64 KB record): refused.
		 */
		if (size > 8224 || cfb_read(c, rec, size) < 0) {
			snprintf(why, whylen,
			         size > 8224 ? "a corrupted workbook (a record of %u bytes, more than "
			                       "BIFF allows), not read"
			                     : "a corrupted workbook (a record of %u bytes runs past the "
			                       "end of its stream), not read",
			         size);
			st = -1;
			goto done;
		}
		if (type != 0x003C && type != 0x00FC)
			sst.active = 0;
		/*
		 * A string's length FreeXL takes as it is and copies that much
		 * out of the record (the fuzzer's FORMAT claiming 65526 wide
		 * characters in 15 bytes): the string must fit in its record.
		 */
		if (!string_fits(type, biff, rec, size)) {
			snprintf(why, whylen,
			         "a corrupted workbook (a string longer than its record), not read");
			st = -1;
			goto done;
		}
		switch (type) {
		case 0x00FC: /* SST */
			if (size < 8) {
				sst.active = 0;
				break;
			}
			sst = (struct sst_walk){ le32(rec + 4), 0, 0, 0, 1 };
			/* FreeXL holds a pointer per string at once: no more than the stream has room for */
			if (sst.total > c->left / 3 + size / 3 + 16 || sst_strings(&sst, rec + 8, rec + size) < 0)
				goto bad_sst;
			break;
		case 0x003C: /* CONTINUE */
			if (sst.active && sst_continue(&sst, rec, size) < 0)
				goto bad_sst;
			break;
		case 0x0809: /* BOF */
			if (first)
				biff = le16x(rec) == 0x0600 ? 8 : 5;
			else
				in_sub = 1;
			first = 0;
			sub_dims = 0;
			rows = cols = 0;
			break;
		case 0x0085: /* BOUNDSHEET */
			sheets++;
			break;
		case 0x041E: { /* FORMAT */
			unsigned id = le16x(rec), n;
			int kind;
			if (biff == 8) {
				n = le16x(rec + 2);
				int wide = rec[4] & 1;
				n = n * (wide ? 2u : 1u);
				n = n < (size > 5 ? size - 5 : 0) ? n : (size > 5 ? size - 5 : 0);
				kind = freexl_date_kind(rec + 5, n & ~(unsigned)wide, wide);
			} else {
				n = rec[2];
				n = n < (size > 3 ? size - 3 : 0) ? n : (size > 3 ? size - 3 : 0);
				kind = freexl_date_kind(rec + 3, n, 0);
			}
			if (kind)
				fmt_date[id / 8] |= (unsigned char)(1u << (id % 8));
			break;
		}
		case 0x00E0: /* XF */
			if (nxf < 65536) {
				unsigned f = le16x(rec + 2);
				xf_date[nxf++] = (fmt_date[f / 8] >> (f % 8)) & 1;
			}
			break;
		case 0x0200: { /* DIMENSION */
			rows = biff == 8 ? le32(rec + 4) : le16x(rec + 2);
			cols = biff == 8 ? le16x(rec + 10) : le16x(rec + 6);
			uint64_t b = rows * cols * 16;
			if (in_sub && ++sub_dims > 1) {
				snprintf(why, whylen,
				         "a crafted workbook (a sheet with two DIMENSION records), "
				         "not read");
				st = -1;
				goto done;
			}
			dims++;
			cells += b <= SHEET_CELLS_MAX ? b : 0; /* more: FreeXL refuses it */
			break;
		}
		case 0x0203:
		case 0x027E:
		case 0x00FD:
		case 0x0204:
		case 0x0205:
		case 0x0006:
		case 0x0201:
		case 0x00BD:
		case 0x00BE:
		case 0x00D6: { /* cells */
			unsigned row = le16x(rec), col = le16x(rec + 2), xf = le16x(rec + 4);
			if ((type == 0x00BD || type == 0x00BE) && size >= 6)
				col += (size - 6) / (type == 0x00BD ? 6 : 2); /* MULRK, MULBLANK */
			if (in_sub && type != 0x0201 && type != 0x00BE) { /* blanks hold no value */
				c->used_rows = row + 1u > c->used_rows ? row + 1u : c->used_rows;
				c->used_cols = col + 1u > c->used_cols ? col + 1u : c->used_cols;
			}
			if (!sub_dims) { /* FreeXL sizes an undeclared sheet by its cells */
				rows = row + 1u > rows ? row + 1u : rows;
				cols = col + 1u > cols ? col + 1u : cols;
			}
			if (type == 0x0203 && size >= 14 && xf_date[xf]) {
				double v;
				memcpy(&v, rec + 6, sizeof(v));
				steps += date_steps(v);
			} else if (type == 0x027E && size >= 10 && xf_date[xf])
				steps += date_steps(rk_value(le32(rec + 6)));
			else if (type == 0x00BD)
				for (unsigned off = 4; off + 6 < size; off += 6)
					if (xf_date[le16x(rec + off)])
						steps += date_steps(rk_value(le32(rec + off + 2)));
			break;
		}
		default:
			break;
		}
		if (cells > CELLS_MAX || steps > DATE_STEPS_MAX)
			break;
	}
	if (sheets > dims) {
		/* for each sheet without DIMENSION FreeXL allocates, again, the cells of
		 * the last sheet it read (leaking the ones before) */
		uint64_t b = (rows + 1) * (cols + 1) * 16;
		cells += (uint64_t)(sheets - dims) * (b <= SHEET_CELLS_MAX ? b : 0);
	}
	uint64_t cap = c->size * CELLS_PER_BYTE;
	if (cap < SHEET_CELLS_MAX)
		cap = SHEET_CELLS_MAX;
	if (cap > CELLS_MAX)
		cap = CELLS_MAX;
	if (cells > cap) {
		snprintf(why, whylen,
		         "its sheets claim %llu MiB of cells, more than a file of its size holds "
		         "(FreeXL would hold them all at once); not read",
		         (unsigned long long)(cells >> 20));
		st = -1;
	} else if (steps > DATE_STEPS_MAX) {
		snprintf(why, whylen,
		         "a crafted workbook (dates past the year 9999, which FreeXL would count "
		         "out day by day for minutes), not read");
		st = -1;
	}
done:
	free(rec);
	free(xf_date);
	return st;
bad_sst:
	snprintf(why, whylen,
	         "a corrupted workbook (a shared string table FreeXL would read past), not read");
	st = -1;
	goto done;
}

/* 0 when FreeXL may be given the file; -1 with the reason in why. */
static int
precheck(const char *path, char *why, size_t whylen, unsigned *used_rows, unsigned *used_cols)
{
	struct cfb c;
	unsigned char h[512], dir[4096];
	int st = 0;

	memset(&c, 0, sizeof(c));
	if (!(c.f = fopen(path, "rb")))
		return 0; /* FreeXL says why */
	if (fread(h, 1, sizeof(h), c.f) != sizeof(h) || fseeko(c.f, 0, SEEK_END) != 0)
		goto done;
	c.ss = le16x(h + 30) == 12 ? 4096 : 512; /* as FreeXL reads it */
	c.size = (uint64_t)ftello(c.f);
	c.nsect = c.size / c.ss;
	c.nsect = c.nsect ? c.nsect - 1 : 0;

	/*
	 * FreeXL reads as many mini FAT sectors as the header counts, one
	 * allocation per entry: a count past the file's sectors (the fuzzer's
	 * 2 KB file counting four billion took 36 s and 24 GB) is refused.
	 */
	if ((uint64_t)le32(h + 64) > c.nsect + 1) {
		snprintf(why, whylen,
		         "a corrupted compound file (its header counts %u mini FAT sectors in a file of "
		         "%llu), not read",
		         le32(h + 64), (unsigned long long)c.nsect + 1);
		st = -1;
		goto done;
	}

	/* the first directory sector, FreeXL's view of it */
	uint32_t root = 0xFFFFFFFE, wb = 0xFFFFFFFE;
	int found = 0;
	uint64_t root_len = 0, wb_len = 0;
	if (cfb_sector(&c, le32(h + 48), dir) < 0)
		goto done;
	for (size_t i = 0; i < c.ss / 128; i++) {
		const unsigned char *e = dir + 128 * i;
		if (le16x(e + 64) > 64) {
			snprintf(why, whylen,
			         "a corrupted compound file (a directory entry name longer than 64 "
			         "bytes), not read");
			st = -1;
			goto done;
		}
		if (entry_is(e, "Root Entry")) {
			root = le32(e + 116);
			root_len = le32(e + 120);
		}
		if ((entry_is(e, "Workbook") || entry_is(e, "Book")) &&
		    le32(e + 116) != 0xFFFFFFFF) {
			wb = le32(e + 116);
			wb_len = le32(e + 120);
			found = 1;
			break; /* FreeXL stops at the workbook (one starting at 0xFFFFFFFF is none
			          to it) */
		}
	}
	if (!found)
		goto done; /* no workbook: FreeXL says so */
	/*
	 * From here on a workbook is there: a table or chain this walk cannot
	 * follow is one FreeXL would follow wrongly (out of its tables, into
	 * sectors that are not there), so the file is refused, not handed on.
	 */
	st = -1;
	snprintf(why, whylen,
	         "a corrupted compound file (its allocation tables cannot be followed), not read");

	/* the allocation table: its sectors from the header, then the DIFAT chain */
	size_t fat_alloc = 0;
	uint32_t ndifat = le32(h + 72), difat = le32(h + 68);
	for (size_t i = 0; i < 109; i++) /* all 109, the unused ones skipped, as FreeXL */
		if (le32(h + 76 + 4 * i) != 0xFFFFFFFF &&
		    cfb_table_add(&c, le32(h + 76 + 4 * i), &c.fat, &c.nfat, &fat_alloc) < 0)
			goto done;
	for (uint64_t k = 0; k < ndifat && difat < 0xFFFFFFFA; k++) { /* the DIFAT sectors */
		unsigned char s[4096];
		if (k > c.nsect || cfb_sector(&c, difat, s) < 0)
			goto done;
		for (size_t i = 0; i + 1 < c.ss / 4; i++)
			if (le32(s + 4 * i) != 0xFFFFFFFF &&
			    cfb_table_add(&c, le32(s + 4 * i), &c.fat, &c.nfat, &fat_alloc) < 0)
				goto done;
		difat = le32(s + c.ss - 4);
	}

	/* FreeXL takes the mini-stream cutoff only from a header that counts mini FAT sectors */
	uint32_t cutoff = le32(h + 64) ? le32(h + 56) : 0;
	if (wb_len < cutoff) {
		/* a small workbook lives in the mini stream */
		if (wb_len > 65536 || root_len > (64u << 20) ||
		    cfb_chain_table(&c, le32(h + 60), &c.mfat, &c.nmfat) < 0)
			goto done;
		c.mini = xmalloc(root_len ? (size_t)root_len : 1);
		cfb_stream(&c, root, root_len, 0);
		if (cfb_read(&c, c.mini, (size_t)root_len) < 0)
			goto done;
		c.mini_len = (size_t)root_len;
		cfb_stream(&c, wb, wb_len, 1);
	} else
		cfb_stream(&c, wb, wb_len, 0);
	why[0] = 0;
	st = biff_walk(&c, why, whylen);
	if (st == 0) {
		*used_rows = c.used_rows;
		*used_cols = c.used_cols;
	}
done:
	fclose(c.f);
	free(c.fat);
	free(c.mfat);
	free(c.mini);
	return st;
}

/* The file FreeXL will read (the input, or a spooled copy), looked at first; DT_OK or DT_FAILED. */
static int
xls_prepare(struct reader *r, struct xls *x)
{
	char err[512];

	r->state = x;
	x->fd = -1;
	sheet_table_init(&x->table);
	dynbuf_init(&x->arena, r->opts.max_record + 64);
	dynbuf_init(&x->msg, 2 * r->opts.max_record + r->opts.max_fields * 16 + 65536);
	if (source_spool(r->src, SPOOL_MAX, 0, x->path, sizeof(x->path), &x->temp, err, sizeof(err)) <
	    0)
		return reader_fail(r, 0, 0, "%s", err);
	if (!x->temp && !strcmp(x->path, "-"))
		snprintf(x->path, sizeof(x->path), "/dev/stdin"); /* a regular file as stdin */
	/* DUMPTRACE_XLS_NO_PRECHECK=1: for the tests of what the child contains */
	const char *np = getenv("DUMPTRACE_XLS_NO_PRECHECK");
	x->used_rows = x->used_cols = UINT_MAX; /* unknown: FreeXL's dimensions as they are */
	if (!(np && *np && strcmp(np, "0")) &&
	    precheck(x->path, err, sizeof(err), &x->used_rows, &x->used_cols) < 0)
		return reader_fail(r, 0, 0, "%s", err);
	return DT_OK;
}

/* FreeXL opens the workbook: DT_OK or DT_FAILED. */
static int
xls_book(struct reader *r, struct xls *x)
{
	unsigned info;
	int rc;

	rc = freexl_open(x->path, &x->h);
	if (rc != FREEXL_OK) {
		if (x->h)
			freexl_close(x->h);
		x->h = NULL;
		const char *what = ole2_kind(x->path);
		if (what)
			return reader_fail(r, 0, 0, "%s", what);
		return reader_fail(r, 0, 0, "cannot read the Excel workbook: %s", freexl_why(rc));
	}
	if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED)
		return reader_fail(
		    r, 0, 0,
		    "a password-protected Excel workbook; save it without a password first");
	/*
	 * FreeXL 1.0.6 opens some big workbooks (seen from about 80 MB, a
	 * million shared strings) and then answers nothing of them: that is
	 * a failure, not an empty workbook.
	 */
	if (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &x->nsheets) != FREEXL_OK)
		return reader_fail(r, 0, 0,
		                   "FreeXL opened the Excel workbook but reads nothing of it (a "
		                   "damaged workbook, or one too big for FreeXL: seen from 80 MB); "
		                   "save it as .xlsx or CSV and read that");
	if (freexl_get_info(x->h, FREEXL_BIFF_DATEMODE, &x->date_mode) != FREEXL_OK)
		x->date_mode = FREEXL_UNKNOWN;
	if (freexl_get_info(x->h, FREEXL_BIFF_VERSION, &x->biff) != FREEXL_OK)
		x->biff = FREEXL_UNKNOWN;
	return DT_OK;
}

/* Does --table select this sheet? Case does not matter. */
static int
sheet_wanted(const struct reader *r, const char *name)
{
	return !r->opts.table || !strcasecmp(r->opts.table, name);
}

/* Writes a double as the shortest text that reads back as the same value. */
static int
put_double(struct dynbuf *b, double d)
{
	char s[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	return dynbuf_add(b, s, strlen(s));
}

/*
 * Gathers the cells of row x->row with a value into x->cells (numbers
 * written into the arena). 0, or -1 with the reason in x->why.
 */
static int
gather(struct reader *r, struct xls *x, size_t *n)
{
	size_t bytes = 0;

	*n = 0;
	dynbuf_reset(&x->arena);
	for (unsigned short c = 0; c < x->cols; c++) {
		FreeXL_CellValue v;
		const char *s = NULL;
		size_t len = 0, off = x->arena.len;
		int st = 0;

		if (freexl_get_cell_value(x->h, x->row, c, &v) != FREEXL_OK)
			continue;
		switch (v.type) {
		case FREEXL_CELL_INT:
			st = dynbuf_printf(&x->arena, "%d", v.value.int_value);
			len = x->arena.len - off;
			break;
		case FREEXL_CELL_DOUBLE:
			st = put_double(&x->arena, v.value.double_value);
			len = x->arena.len - off;
			break;
		case FREEXL_CELL_TEXT:
		case FREEXL_CELL_SST_TEXT:
		case FREEXL_CELL_DATE:
		case FREEXL_CELL_DATETIME:
		case FREEXL_CELL_TIME:
			s = v.value.text_value;
			len = s ? strlen(s) : 0;
			break;
		default:
			break;
		}
		if (st < 0 || (bytes += len) > r->opts.max_record) {
			snprintf(x->why, sizeof(x->why),
			         "row longer than the --max-record limit (%zu bytes)",
			         r->opts.max_record);
			return -1;
		}
		if (len == 0)
			continue;
		if (*n >= x->cells_alloc) {
			x->cells = xgrow(x->cells, &x->cells_alloc, *n + 1, sizeof(*x->cells));
			x->offs = xrealloc(x->offs, x->cells_alloc * sizeof(*x->offs));
		}
		x->cells[*n].col = c;
		x->cells[*n].val = s;
		x->cells[*n].len = len;
		x->offs[*n] = off;
		(*n)++;
	}
	/* the arena no longer moves: point at the numbers */
	for (size_t i = 0; i < *n; i++)
		if (!x->cells[i].val)
			x->cells[i].val = x->arena.buf + x->offs[i];
	return 0;
}

/* Starts sheet x->cur: 1, or 0 when it is to be passed over. */
static int
sheet_start(struct reader *r, struct xls *x)
{
	unsigned int rows = 0;
	unsigned short cols = 0;

	const char *nm = NULL;
	size_t at;
	if (freexl_get_worksheet_name(x->h, (unsigned short)x->cur, &nm) != FREEXL_OK || !nm ||
	    !*nm || strlen(nm) > 4096 || reader_check_value(nm, strlen(nm), &at)) {
		/* no name, or none that can be a table's: its place instead */
		snprintf(x->name_buf, sizeof(x->name_buf), "sheet%u", x->cur + 1);
		nm = x->name_buf;
	}
	x->name = nm;
	if (!sheet_wanted(r, x->name))
		return 0;
	if (freexl_select_active_worksheet(x->h, (unsigned short)x->cur) != FREEXL_OK ||
	    freexl_worksheet_dimensions(x->h, &rows, &cols) != FREEXL_OK)
		return 0;
	/*
	 * No sheet has a value past the cells the walk saw: a sheet that
	 * declares 65,536 x 256 cells and holds three is not read cell by
	 * cell (the fuzzer's 2.6 KB file took 10 s so).
	 */
	x->rows = rows < x->used_rows ? rows : x->used_rows;
	x->cols = cols < x->used_cols ? cols : (unsigned short)x->used_cols;
	x->row = 0;
	sheet_table_reset(&x->table);
	x->sheet_open = 1;
	return 1;
}

static int
xls_next_here(struct reader *r, struct record *rec)
{
	struct xls *x = r->state;

	for (;;) {
		if (!x->sheet_open) {
			if (x->cur >= x->nsheets)
				return DT_EOF;
			int st = sheet_start(r, x);
			x->cur++;
			if (!st)
				continue;
		}
		if (x->row >= x->rows) {
			x->sheet_open = 0;
			continue;
		}
		size_t n;
		uint64_t line = (uint64_t)x->row + 1;
		int st = gather(r, x, &n);
		x->row++;
		if (st == 0 && n == 0)
			continue; /* an empty row is no record */
		if (st == 0) {
			for (size_t i = 0; i < n && st == 0; i++) {
				size_t at;
				const char *e =
				    reader_check_value(x->cells[i].val, x->cells[i].len, &at);
				if (e) {
					snprintf(x->why, sizeof(x->why), "%s in column %lu", e,
					         (unsigned long)x->cells[i].col + 1);
					st = -1;
				}
			}
		}
		if (st == 0 && !x->table.has_header) {
			if (sheet_table_header(&x->table, x->cells, n, r->opts.max_fields,
			                       r->opts.max_record, x->why, sizeof(x->why)) == 0)
				continue;
			st = -1;
		}
		if (st == 0 && sheet_table_row(&x->table, x->cells, n, r->opts.max_fields, rec,
		                               x->why, sizeof(x->why)) == 0) {
			rec->table = x->name;
			rec->line = line;
			rec->offset = 0;
			return DT_OK;
		}
		return reader_reject(r, line, 0, NULL, 0, "sheet '%s', row %llu: %s", x->name,
		                     (unsigned long long)line, x->why);
	}
}

/*
 * FreeXL in a child process. FreeXL 1.0.6 overreads, leaks and loops on
 * damaged workbooks in more ways than the pre-check can foresee (the
 * fuzzer keeps finding new ones), so the parent reads the file only
 * through a child that does the FreeXL part and sends back, over a pipe,
 * what the reader would have returned: a crash, a leak or a hang of
 * FreeXL costs the child, and the parent reports the input as failed and
 * goes on. Messages: a type byte, a 32-bit length, then
 *   'I' sheets, date system, BIFF version (32 bits each): the book is open
 *   'F' the reason: it could not be read (further)
 *   'R' line (64 bits), table name with its NUL, the field count (32
 *       bits), then per field its name's and value's lengths (32 bits
 *       each), a null flag byte, the name, the value: a record
 *   'J' line (64 bits), the reason: a row rejected
 *   'E' nothing: the end.
 * DUMPTRACE_XLS_IN_PROCESS=1 keeps FreeXL in the process (the fuzz target
 * sets it, so that the fuzzer sees into FreeXL).
 */
#define CHILD_SILENCE_S 300 /* a child that says nothing this long is stuck */

static void
msg_put(struct dynbuf *b, int type, const void *p, size_t n)
{
	uint32_t n32 = (uint32_t)n;
	char t = (char)type;
	dynbuf_add(b, &t, 1);
	dynbuf_add(b, &n32, 4);
	if (n)
		dynbuf_add(b, p, n);
}

/*
 * The child's address space: what it has from the parent and CHILD_MEMORY
 * more, so that a workbook making FreeXL allocate without end fails the
 * child, not the machine (the pre-check bounds the cells to 1 GiB). Not
 * under AddressSanitizer, whose shadow memory is terabytes of address space.
 */
#define CHILD_MEMORY (3ull << 30)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define DT_ASAN 1
#endif
static void
child_limit(void)
{
#ifndef DT_ASAN
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long pages = 0;
	if (!f)
		return;
	if (fscanf(f, "%llu", &pages) == 1) {
		struct rlimit rl;
		rl.rlim_cur = rl.rlim_max = pages * (unsigned long long)sysconf(_SC_PAGESIZE) + CHILD_MEMORY;
		setrlimit(RLIMIT_AS, &rl);
	}
	fclose(f);
#endif
}

/* The child: opens the book, sends every record, and exits. */
static void
child_serve(struct reader *r, struct xls *x, int fd)
{
	struct dynbuf out, m;
	struct record rec;
	int st;

	dynbuf_init(&out, (size_t)1 << 30);
	dynbuf_init(&m, (size_t)1 << 30);
	child_limit();
	if (xls_book(r, x) != DT_OK) {
		msg_put(&out, 'F', r->last.reason, strlen(r->last.reason));
		xio_write_all(fd, out.buf, out.len);
		_exit(0);
	}
	uint32_t info[3] = { x->nsheets, x->date_mode, x->biff };
	msg_put(&out, 'I', info, sizeof(info));
	do {
		memset(&rec, 0, sizeof(rec));
		st = xls_next_here(r, &rec);
		dynbuf_reset(&m);
		if (st == DT_OK) {
			uint64_t line = rec.line;
			uint32_t nf = (uint32_t)rec.nfields;
			const char *t = rec.table ? rec.table : "";
			dynbuf_add(&m, &line, 8);
			dynbuf_add(&m, t, strlen(t) + 1);
			dynbuf_add(&m, &nf, 4);
			for (size_t i = 0; i < rec.nfields; i++) {
				const struct field *f = &rec.fields[i];
				uint32_t l[2] = { (uint32_t)f->name_len, (uint32_t)f->len };
				char null = (char)(f->is_null != 0);
				dynbuf_add(&m, l, 8);
				dynbuf_add(&m, &null, 1);
				dynbuf_add(&m, f->name, f->name_len);
				dynbuf_add(&m, f->val, f->len);
			}
			msg_put(&out, 'R', m.buf, m.len);
		} else if (st == DT_WARN) {
			uint64_t line = r->last.line;
			dynbuf_add(&m, &line, 8);
			dynbuf_add(&m, r->last.reason, strlen(r->last.reason));
			msg_put(&out, 'J', m.buf, m.len);
		} else if (st == DT_FAILED)
			msg_put(&out, 'F', r->last.reason, strlen(r->last.reason));
		else
			msg_put(&out, 'E', NULL, 0);
		if (out.len > (1u << 20) || st == DT_EOF || st == DT_FAILED) {
			if (xio_write_all(fd, out.buf, out.len) < 0)
				_exit(1); /* the parent is gone */
			out.len = 0;
		}
	} while (st == DT_OK || st == DT_WARN);
	_exit(0);
}

/* n bytes from the child into dst; 0, or -1 at its end, an error or a silence too long. */
static int
child_read(struct xls *x, void *dst, size_t n)
{
	char *p = dst;
	while (n) {
		struct pollfd pf = { x->fd, POLLIN, 0 };
		int pr = poll(&pf, 1, CHILD_SILENCE_S * 1000);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		ssize_t k = read(x->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The child ended or is ended: why, for the failure message. */
static void
child_reap(struct xls *x, char *why, size_t whylen)
{
	int status = 0;
	if (x->pid <= 0)
		return;
	if (waitpid(x->pid, &status, WNOHANG) == 0) {
		kill(x->pid, SIGKILL);
		waitpid(x->pid, &status, 0);
		snprintf(why, whylen, "FreeXL stopped answering on this workbook (%d s); not read further",
		         CHILD_SILENCE_S);
	} else if (WIFSIGNALED(status))
		snprintf(why, whylen,
		         "FreeXL failed on this workbook (it crashed: signal %d); not read further",
		         WTERMSIG(status));
	else
		snprintf(why, whylen, "FreeXL failed on this workbook; not read further");
	x->pid = 0;
}

/* The child's next message into x->msg: its type, or 0 when there is none (it died). */
static int
child_msg(struct xls *x)
{
	unsigned char h[5];
	uint32_t n;
	if (child_read(x, h, 5) < 0)
		return 0;
	memcpy(&n, h + 1, 4);
	dynbuf_reset(&x->msg);
	char *dst = dynbuf_reserve(&x->msg, (size_t)n + 1);
	if (!dst || child_read(x, dst, n) < 0)
		return 0;
	x->msg.len = n;
	dst[n] = 0;
	return h[0];
}

static int
xls_open(struct reader *r)
{
	struct xls *x = xcalloc(1, sizeof(*x));
	const char *here = getenv("DUMPTRACE_XLS_IN_PROCESS");
	char why[256];
	int p[2];

	if (xls_prepare(r, x) != DT_OK)
		return DT_FAILED;
	if (here && *here && strcmp(here, "0"))
		return xls_book(r, x);
	if (pipe(p) < 0)
		return reader_fail(r, 0, 0, "cannot start FreeXL: %s", strerror(errno));
	fflush(NULL);
	x->pid = fork();
	if (x->pid < 0) {
		close(p[0]);
		close(p[1]);
		return reader_fail(r, 0, 0, "cannot start FreeXL: %s", strerror(errno));
	}
	if (x->pid == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_DFL);
		child_serve(r, x, p[1]);
	}
	close(p[1]);
	x->fd = p[0];
	int t = child_msg(x);
	if (t == 'I' && x->msg.len >= 12) {
		uint32_t info[3];
		memcpy(info, x->msg.buf, sizeof(info));
		x->nsheets = info[0];
		x->date_mode = info[1];
		x->biff = info[2];
		return DT_OK;
	}
	if (t == 'F') {
		x->ended = 1;
		return reader_fail(r, 0, 0, "%s", x->msg.buf);
	}
	child_reap(x, why, sizeof(why));
	x->ended = 1;
	return reader_fail(r, 0, 0, "%s", why);
}

static int
xls_next(struct reader *r, struct record *rec)
{
	struct xls *x = r->state;
	char why[256];

	if (!x->pid && x->fd < 0)
		return xls_next_here(r, rec);
	if (x->ended)
		return DT_EOF;
	int t = child_msg(x);
	const char *p = x->msg.buf, *end = x->msg.buf + x->msg.len;
	uint64_t line;
	switch (t) {
	case 'R': {
		uint32_t nf;
		if (end - p < 8)
			break;
		memcpy(&line, p, 8);
		p += 8;
		const char *table = p;
		p += strnlen(p, (size_t)(end - p)) + 1;
		if (p + 4 > end)
			break;
		memcpy(&nf, p, 4);
		p += 4;
		if (nf > x->pf_alloc)
			x->pf = xgrow(x->pf, &x->pf_alloc, nf, sizeof(*x->pf));
		size_t i;
		for (i = 0; i < nf && p + 9 <= end; i++) {
			uint32_t l[2];
			memcpy(l, p, 8);
			struct field *f = &x->pf[i];
			f->is_null = p[8] != 0;
			p += 9;
			if ((size_t)(end - p) < (size_t)l[0] + l[1])
				break;
			f->name = p;
			f->name_len = l[0];
			f->val = p + l[0];
			f->len = l[1];
			p += (size_t)l[0] + l[1];
		}
		if (i < nf)
			break;
		rec->fields = x->pf;
		rec->nfields = nf;
		rec->table = *table ? table : NULL;
		rec->line = line;
		rec->offset = 0;
		return DT_OK;
	}
	case 'J':
		if (end - p < 8)
			break;
		memcpy(&line, p, 8);
		return reader_reject(r, line, 0, NULL, 0, "%s", p + 8);
	case 'F':
		x->ended = 1;
		return reader_fail(r, 0, 0, "%s", x->msg.buf);
	case 'E':
		x->ended = 1;
		return DT_EOF;
	default:
		break;
	}
	x->ended = 1;
	child_reap(x, why, sizeof(why));
	return reader_fail(r, 0, 0, "%s", why);
}

static void
xls_close(struct reader *r)
{
	struct xls *x = r->state;

	if (!x)
		return;
	if (x->fd >= 0)
		close(x->fd);
	if (x->pid > 0) {
		/* ended or not, the child goes (it may be stuck in FreeXL) */
		kill(x->pid, SIGKILL);
		waitpid(x->pid, NULL, 0);
	}
	if (x->h)
		freexl_close(x->h);
	if (x->temp)
		unlink(x->path);
	sheet_table_release(&x->table);
	free(x->cells);
	free(x->offs);
	free(x->pf);
	dynbuf_release(&x->arena);
	dynbuf_release(&x->msg);
	free(x);
}

static void
xls_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct xls *x = r->state;
	char n[32];

	snprintf(n, sizeof(n), "%u", x->nsheets);
	fn(ctx, "sheets", n);
	fn(ctx, "date_system", x->date_mode == FREEXL_BIFF_DATEMODE_1904 ? "1904" : "1900");
	if (x->biff) {
		snprintf(n, sizeof(n), "%u", x->biff);
		fn(ctx, "biff", n);
	}
}

const struct format format_xls = {
    .name = "xls",
    .bid = NULL,
    .open = xls_open,
    .next = xls_next,
    .close = xls_close,
    .describe = xls_describe,
    .identify = xls_identify,
};
