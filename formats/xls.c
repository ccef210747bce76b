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
#include <sys/types.h>
#include <unistd.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/xalloc.h"
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
	unsigned rows, row;
	unsigned short cols;
	struct sheet_table table;
	struct sheet_cell *cells;
	size_t *offs; /* where each number cell's text starts in the arena */
	size_t cells_alloc;
	struct dynbuf arena; /* numbers written out, for the row in progress */
	char why[200];
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

/*
 * FreeXL 1.0.6 converts the names of the directory entries it looks at
 * (those of the first directory sector, up to the workbook's) from UTF-16
 * with the length the entry claims, unchecked: past the 64 bytes a name
 * has, iconv reads on beyond FreeXL's stack buffer. The same walk here
 * first: -1 when an entry claims more.
 */
static int
ole2_names_ok(const char *path)
{
	unsigned char h[512], dir[4096];
	FILE *f = fopen(path, "rb");
	int ok = 0;

	if (!f)
		return 0; /* FreeXL says why */
	if (fread(h, 1, sizeof(h), f) == sizeof(h)) {
		unsigned shift = (unsigned)h[30] | (unsigned)h[31] << 8;
		size_t size = shift == 12 ? 4096 : 512, entries = size / 128;
		uint32_t first = (uint32_t)h[48] | (uint32_t)h[49] << 8 | (uint32_t)h[50] << 16 |
		                 (uint32_t)h[51] << 24;
		if (fseeko(f, ((off_t)first + 1) * (off_t)size, SEEK_SET) == 0 &&
		    fread(dir, 1, size, f) == size) {
			for (size_t i = 0; i < entries; i++) {
				const unsigned char *e = dir + 128 * i;
				unsigned nl = (unsigned)e[64] | (unsigned)e[65] << 8;
				if (nl > 64) {
					ok = -1;
					break;
				}
				if ((nl >= 18 && !memcmp(e, "W\0o\0r\0k\0b\0o\0o\0k\0\0\0", 18)) ||
				    (nl >= 10 && !memcmp(e, "B\0o\0o\0k\0\0\0", 10)))
					break; /* FreeXL stops at the workbook */
			}
		}
	}
	fclose(f);
	return ok;
}

static int
xls_open(struct reader *r)
{
	struct xls *x = xcalloc(1, sizeof(*x));
	char err[512];
	unsigned info;
	int rc;

	r->state = x;
	sheet_table_init(&x->table);
	dynbuf_init(&x->arena, r->opts.max_record + 64);
	if (source_spool(r->src, SPOOL_MAX, x->path, sizeof(x->path), &x->temp, err, sizeof(err)) <
	    0)
		return reader_fail(r, 0, 0, "%s", err);
	if (!x->temp && !strcmp(x->path, "-"))
		snprintf(x->path, sizeof(x->path), "/dev/stdin"); /* a regular file as stdin */
	if (ole2_names_ok(x->path) < 0)
		return reader_fail(
		    r, 0, 0,
		    "a corrupted compound file (a directory entry name longer than 64 "
		    "bytes), not read");
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
	if (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &x->nsheets) != FREEXL_OK)
		x->nsheets = 0;
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

	x->name = NULL;
	if (freexl_get_worksheet_name(x->h, (unsigned short)x->cur, &x->name) != FREEXL_OK ||
	    !x->name)
		x->name = "";
	if (!sheet_wanted(r, x->name))
		return 0;
	if (freexl_select_active_worksheet(x->h, (unsigned short)x->cur) != FREEXL_OK ||
	    freexl_worksheet_dimensions(x->h, &rows, &cols) != FREEXL_OK)
		return 0;
	x->rows = rows;
	x->cols = cols;
	x->row = 0;
	sheet_table_reset(&x->table);
	x->sheet_open = 1;
	return 1;
}

static int
xls_next(struct reader *r, struct record *rec)
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

static void
xls_close(struct reader *r)
{
	struct xls *x = r->state;

	if (!x)
		return;
	if (x->h)
		freexl_close(x->h);
	if (x->temp)
		unlink(x->path);
	sheet_table_release(&x->table);
	free(x->cells);
	free(x->offs);
	dynbuf_release(&x->arena);
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
