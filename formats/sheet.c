/*
 * Cells to records and serial numbers to dates, for the spreadsheet
 * readers. See sheet.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "formats/sheet.h"

void
sheet_table_init(struct sheet_table *t)
{
	memset(t, 0, sizeof(*t));
	dynbuf_init(&t->names, SIZE_MAX);
	dynbuf_init(&t->extra, SIZE_MAX);
}

void
sheet_table_reset(struct sheet_table *t)
{
	dynbuf_reset(&t->names);
	t->width = 0;
	t->has_header = 0;
}

void
sheet_table_release(struct sheet_table *t)
{
	dynbuf_release(&t->names);
	dynbuf_release(&t->extra);
	free(t->name_at);
	free(t->out);
	free(t->tmp);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* Makes room for column col in the slot map, every new slot empty. */
static void
slots_for(struct sheet_table *t, size_t cols)
{
	size_t had = t->slot_alloc;
	if (cols <= had)
		return;
	t->slot = xgrow(t->slot, &t->slot_alloc, cols, sizeof(*t->slot));
	for (size_t i = had; i < t->slot_alloc; i++)
		t->slot[i] = -1;
}

int
sheet_table_header(struct sheet_table *t, const struct sheet_cell *cells, size_t n,
                   size_t max_fields, size_t max_bytes, char *why, size_t whylen)
{
	size_t width = 0, cap, *set;

	for (size_t i = 0; i < n; i++)
		if (cells[i].len && cells[i].col + (size_t)1 > width)
			width = cells[i].col + (size_t)1;
	if (width > max_fields) {
		snprintf(why, whylen,
		         "header row with %zu columns, more than the --max-fields limit (%zu)",
		         width, max_fields);
		return -1;
	}
	slots_for(t, width);
	for (size_t i = 0; i < n; i++)
		if (cells[i].col < width)
			t->slot[cells[i].col] = (int32_t)i;

	sheet_table_reset(t);
	free(t->name_at);
	t->name_at = xmalloc((width + 1) * sizeof(*t->name_at)); /* and the end */
	for (cap = 16; cap < 2 * width; cap *= 2)
		;
	set = xcalloc(cap, sizeof(*set)); /* column index + 1 of each name taken */
	int st = 0;
	for (size_t c = 0; c < width && !st; c++) {
		int32_t k = t->slot[c];
		size_t at = t->names.len, base_len;
		if (k >= 0 && cells[k].len)
			dynbuf_add(&t->names, cells[k].val, cells[k].len);
		else
			dynbuf_printf(&t->names, "col%zu", c + 1);
		base_len = t->names.len - at;
		for (unsigned dup = 2;; dup++) {
			const char *nm = t->names.buf + at;
			size_t nl = t->names.len - at, h = (size_t)hash_bytes(nm, nl) & (cap - 1);
			int taken = 0;
			for (; set[h]; h = (h + 1) & (cap - 1)) {
				size_t o = t->name_at[set[h] - 1];
				if (!strncmp(t->names.buf + o, nm, nl) &&
				    t->names.buf[o + nl] == '\0') {
					taken = 1;
					break;
				}
			}
			if (!taken) {
				set[h] = c + 1;
				break;
			}
			t->names.len = at + base_len;
			dynbuf_printf(&t->names, "_%u", dup);
		}
		dynbuf_addc(&t->names, '\0');
		t->name_at[c] = at;
		if (t->names.len > max_bytes) {
			snprintf(why, whylen,
			         "header row longer than the --max-record limit (%zu bytes)",
			         max_bytes);
			st = -1;
		}
	}
	free(set);
	t->name_at[width] = t->names.len;
	for (size_t i = 0; i < n; i++)
		if (cells[i].col < width)
			t->slot[cells[i].col] = -1;
	if (st)
		return st;
	t->width = width;
	t->has_header = 1;
	return 0;
}

static int
cmp_cell(const void *a, const void *b)
{
	const struct sheet_cell *x = a, *y = b;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	/* the later of two cells in one column wins: keep input order */
	uintptr_t i = (uintptr_t)x->val, j = (uintptr_t)y->val;
	return i < j ? -1 : i > j;
}

int
sheet_table_row(struct sheet_table *t, const struct sheet_cell *cells, size_t n, size_t max_fields,
                struct record *rec, char *why, size_t whylen)
{
	size_t w = t->width, nx = 0, nf;

	slots_for(t, w);
	for (size_t i = 0; i < n; i++) {
		if (cells[i].col < w)
			t->slot[cells[i].col] = (int32_t)i;
		else
			nx++;
	}
	if (nx) {
		/* cells right of the header, in column order, one per column */
		if (nx > t->tmp_alloc)
			t->tmp = xgrow(t->tmp, &t->tmp_alloc, nx, sizeof(*t->tmp));
		nx = 0;
		for (size_t i = 0; i < n; i++)
			if (cells[i].col >= w) {
				t->tmp[nx] = cells[i];
				t->tmp[nx].val =
				    (const char *)(uintptr_t)i; /* order, for the sort */
				nx++;
			}
		qsort(t->tmp, nx, sizeof(*t->tmp), cmp_cell);
		size_t k = 0;
		for (size_t i = 0; i < nx; i++) {
			if (k && t->tmp[k - 1].col == t->tmp[i].col)
				k--;
			t->tmp[k++] = t->tmp[i];
		}
		nx = k;
		for (size_t i = 0; i < nx; i++) {
			size_t at = (size_t)(uintptr_t)t->tmp[i].val;
			t->tmp[i].val = cells[at].val;
		}
	}
	nf = w + nx;
	if (nf > max_fields) {
		for (size_t i = 0; i < n; i++)
			if (cells[i].col < w)
				t->slot[cells[i].col] = -1;
		snprintf(why, whylen, "row with %zu fields, more than the --max-fields limit (%zu)",
		         nf, max_fields);
		return -1;
	}
	if (nf > t->out_alloc)
		t->out = xgrow(t->out, &t->out_alloc, nf, sizeof(*t->out));
	for (size_t c = 0; c < w; c++) {
		struct field *f = &t->out[c];
		int32_t k = t->slot[c];
		f->name = t->names.buf + t->name_at[c];
		f->name_len = t->name_at[c + 1] - t->name_at[c] - 1;
		f->val = k >= 0 ? cells[k].val : "";
		f->len = k >= 0 ? cells[k].len : 0;
		f->is_null = 0;
		t->slot[c] = -1;
	}
	dynbuf_reset(&t->extra);
	for (size_t i = 0; i < nx; i++)
		dynbuf_printf(&t->extra, "col%lu%c", (unsigned long)t->tmp[i].col + 1, '\0');
	for (size_t i = 0, at = 0; i < nx; i++) {
		struct field *f = &t->out[w + i];
		f->name = t->extra.buf + at;
		f->name_len = strlen(f->name);
		at += f->name_len + 1;
		f->val = t->tmp[i].val;
		f->len = t->tmp[i].len;
		f->is_null = 0;
	}
	rec->fields = t->out;
	rec->nfields = nf;
	return 0;
}

/* --- number formats and dates ------------------------------------------- */

enum sheet_numfmt
sheet_numfmt_kind(const char *code)
{
	int date = 0, time = 0, month = 0;

	for (const char *p = code; *p; p++) {
		switch (*p) {
		case '"':
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
			continue;
		case '[':
			while (p[1] && p[1] != ']')
				p++;
			if (p[1])
				p++;
			continue;
		case '\\':
		case '_':
		case '*':
			if (p[1])
				p++; /* an escaped, padding or fill character */
			continue;
		case 'd':
		case 'D':
		case 'y':
		case 'Y':
			date = 1;
			break;
		case 'h':
		case 'H':
		case 's':
		case 'S':
			time = 1;
			break;
		case 'm':
		case 'M':
			month = 1;
			break;
		default:
			break;
		}
	}
	if (date)
		return SHEET_DATE;
	if (time)
		return SHEET_TIME; /* m next to h or s is minutes */
	return month ? SHEET_DATE : SHEET_NUMBER;
}

enum sheet_numfmt
sheet_numfmt_builtin(unsigned id)
{
	if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
		return SHEET_DATE;
	if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
		return SHEET_TIME;
	return SHEET_NUMBER;
}

/* Howard Hinnant's civil_from_days: days since 1970-01-01 to y-m-d. */
static void
civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Writes v as exactly w decimal digits; returns w. */
static size_t
put_digits(char *out, unsigned v, size_t w)
{
	for (size_t i = w; i-- > 0; v /= 10)
		out[i] = (char)('0' + v % 10);
	return w;
}

/* HH:MM:SS of a time of day in seconds; returns 8. */
static size_t
put_time(char *out, unsigned tod)
{
	put_digits(out, tod / 3600, 2);
	out[2] = ':';
	put_digits(out + 3, tod / 60 % 60, 2);
	out[5] = ':';
	put_digits(out + 6, tod % 60, 2);
	out[8] = '\0';
	return 8;
}

size_t
sheet_date(double serial, int date1904, enum sheet_numfmt kind, char out[32])
{
	if (!isfinite(serial) || serial < 0 || serial >= 3000000.0)
		return 0;
	int64_t secs = llround(serial * 86400.0), days = secs / 86400;
	unsigned tod = (unsigned)(secs % 86400);
	size_t n = 0;

	if ((kind == SHEET_TIME && days == 0) || (!date1904 && days == 0)) {
		if (kind != SHEET_TIME && tod == 0)
			return 0; /* "1900-01-00": no date at all */
		return put_time(out, tod);
	}
	int64_t y;
	unsigned m, d;
	if (date1904)
		civil(days - 24107, &y, &m, &d); /* serial 0 is 1904-01-01 */
	else if (days == 60) {
		y = 1900, m = 2, d = 29; /* Lotus 1-2-3's leap day, which Excel shows */
	} else
		civil(days - (days < 60 ? 25568 : 25569), &y, &m, &d);
	if (y > 9999)
		return 0;
	/* by hand, not snprintf(): a sheet of dates has millions of them */
	n += put_digits(out + n, (unsigned)y, 4);
	out[n++] = '-';
	n += put_digits(out + n, m, 2);
	out[n++] = '-';
	n += put_digits(out + n, d, 2);
	if (tod) {
		out[n++] = ' ';
		n += put_time(out + n, tod);
	}
	out[n] = '\0';
	return n;
}
