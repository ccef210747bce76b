/*
 * The CSV/TSV reader, on libcsv.
 *
 * open() sniffs the dialect from the peeked start of the stream: the
 * delimiter among , ; TAB | (the one whose count per row is steadiest),
 * the line ends, and whether the first row names the columns. next() feeds
 * libcsv one line at a time, found with memchr, so that every record knows
 * the line and byte offset it starts at, and keeps the bytes of the record
 * in progress in the source window until it is complete, so that a
 * rejected record can be written out as it was.
 *
 * A fast path splits the common lines itself, with memchr and without
 * copying: lines whose fields are plain, or wholly quoted with no doubled
 * quote inside, read exactly as libcsv reads them (surrounding blanks of
 * plain fields trimmed, quoted fields kept verbatim). Anything else - a
 * doubled quote, a quote inside a plain field, a quote left open, a lone
 * CR - goes to libcsv. libcsv alone parses about 350-420 MB/s here; the
 * fast path lets the reader as a whole stay above that. The fuzz target
 * checks both paths give the same records (--no-fast-path).
 *
 * What is rejected, and how the reader finds its feet again:
 *  - a row with another number of fields than the header (a ragged row);
 *    when it spans several lines (a quote that opened and never closed
 *    where it should), only its first line is rejected and parsing starts
 *    again on the next line, so one stray quote costs one line;
 *  - a value holding a NUL byte or invalid UTF-8;
 *  - a record longer than --max-record (same resynchronisation);
 *  - a quoted field still open at the end of the input.
 *
 * A field that is exactly \N is NULL in every dialect, quoted or not:
 * MySQL writes NULL so whatever its FIELDS options (ENCLOSED BY '"'
 * included), and no export writes those two characters meaning themselves
 * (MySQL and PostgreSQL's text format escape them as \\N; PostgreSQL's
 * CSV mode would, for that one value, and loses). Quoted or not, because
 * libcsv does not say whether a field was quoted and both paths must read
 * alike.
 *
 * The backslash-escaped dialect (mysqldump --tab, SELECT ... INTO OUTFILE,
 * mysql --batch, PostgreSQL's COPY TO in text format) is sniffed, or forced
 * with --escape, and read by a loop of its own (esc_next): no quoting; \N
 * alone is NULL; \\ \t \n \r \b \f \v \Z stand for their characters
 * and a backslash before any other byte for that byte, so a backslash
 * before a real separator or line end keeps it in the field (MySQL writes
 * an embedded TAB or newline so). \0 is a NUL byte, which no value may
 * hold: the record is rejected, as the SQL reader rejects '\0' in a string.
 * Octal and \x escapes, which PostgreSQL reads but never writes, are not
 * decoded (MySQL would read them as digits and an x).
 */
#include "config.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "formats/format.h"

/* libcsv's parser states (csv.h does not name them). */
#define CSV_FIELD_STEP (1u << 20) /* see parser_reset() */
#define CSVP_ROW_NOT_BEGUN 0
#define CSVP_FIELD_BEGUN 2

#define SNIFF_ROWS 200

/* Why libcsv's record cannot be taken. */
enum { OVER_BYTES = 1, OVER_CR, OVER_FIELDS };

struct csvr {
	struct csv_parser p;
	unsigned char delim;
	char term; /* '\n', or '\r' for old Mac files */
	int header, header_guessed, delim_guessed;
	int crlf;
	int esc; /* the backslash-escaped dialect, read by esc_next() */

	/* column names: NUL-separated in names, one struct field per column */
	struct dynbuf names;
	struct field *cols;
	size_t ncols;

	/* the record being assembled */
	struct dynbuf arena;
	size_t *off, *len;
	size_t nf, nf_alloc;
	struct field *fields;
	size_t fields_alloc;
	int done;	/* libcsv or the fast path ended a record */
	int fast;	/* the record came from the fast path: fields point into the window */
	int overflow;	/* OVER_BYTES, OVER_CR or OVER_FIELDS */
	size_t max_fields;
	size_t lines;	/* lines the record spans so far */
	size_t first_eol; /* window offset just past its first line */
	size_t drop;	  /* bytes of a rejected first line, consumed by the next call */

	/* where we are: the window starts at the record in progress */
	size_t fed;	/* window bytes already given to libcsv */
	size_t scanned; /* window bytes searched for a line end */
	uint64_t line;	/* line number of the window's start */
	uint64_t blank;
	int eof;
};

static void
on_field(void *s, size_t n, void *data)
{
	struct csvr *c = data;

	if (c->done) {
		/* a lone CR ended a record in the middle of the line */
		c->overflow = OVER_CR;
		return;
	}
	if (c->nf >= c->max_fields) {
		/* counted as they come: a line of commas must not grow the arrays */
		c->overflow = OVER_FIELDS;
		return;
	}
	if (c->nf >= c->nf_alloc) {
		size_t a = c->nf_alloc;
		c->off = xgrow(c->off, &a, c->nf + 1, sizeof(*c->off));
		c->len = xrealloc(c->len, a * sizeof(*c->len));
		c->nf_alloc = a;
	}
	c->off[c->nf] = c->arena.len;
	c->len[c->nf] = n;
	c->nf++;
	if (dynbuf_add(&c->arena, s, n) < 0)
		c->overflow = OVER_BYTES;
}

static void
on_record(int term, void *data)
{
	struct csvr *c = data;
	(void)term;
	c->done = 1;
}

static void
parser_reset(struct csvr *c)
{
	csv_free(&c->p);
	csv_init(&c->p, CSV_STRICT_FINI);
	/* libcsv grows a field's buffer by this much at a time (128 bytes by
	 * default: a field of megabytes is then as many reallocations) */
	csv_set_blk_size(&c->p, CSV_FIELD_STEP);
	csv_set_delim(&c->p, c->delim);
	c->nf = 0;
	c->done = 0;
	c->fast = 0;
	c->overflow = 0;
	c->lines = 0;
	dynbuf_reset(&c->arena);
}

/*
 * Delimiter sniffing: count each candidate per row outside quotes over the
 * first rows. The winner appears the same non-zero number of times in the
 * most rows; ties go to the earlier candidate (, ; TAB |). With esc, as
 * the backslash-escaped dialect reads: quotes are text, and the byte after
 * a backslash is neither a separator nor a line end.
 */
static unsigned char
sniff_delim(const char *buf, size_t len, int esc, int *confident)
{
	static const unsigned char cand[] = { ',', ';', '\t', '|' };
	enum { NC = sizeof(cand) };
	unsigned counts[NC][SNIFF_ROWS];
	unsigned cur[NC] = { 0 };
	size_t rows = 0;
	int inq = 0;

	for (size_t i = 0; i < len && rows < SNIFF_ROWS; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (esc && ch == '\\')
			i++;
		else if (ch == '"' && !esc)
			inq = !inq;
		else if (!inq && (ch == '\n' || (ch == '\r' && (i + 1 >= len || buf[i + 1] != '\n')))) {
			for (int k = 0; k < NC; k++) {
				counts[k][rows] = cur[k];
				cur[k] = 0;
			}
			rows++;
		} else if (!inq)
			for (int k = 0; k < NC; k++)
				cur[k] += ch == cand[k];
	}
	if (rows == 0 || (rows < SNIFF_ROWS && len > 0)) {
		/* the last row, unterminated or cut by the sample */
		int any = 0;
		for (int k = 0; k < NC; k++)
			any |= cur[k] != 0;
		if (any || rows == 0) {
			for (int k = 0; k < NC; k++)
				counts[k][rows] = cur[k];
			rows++;
		}
	}

	int best = 0;
	double best_score = -1;
	for (int k = 0; k < NC; k++) {
		/* the mode of the per-row counts and how many rows have it */
		unsigned mode = 0, mode_n = 0;
		for (size_t i = 0; i < rows; i++) {
			unsigned v = counts[k][i], n = 0;
			if (!v)
				continue;
			for (size_t j = 0; j < rows; j++)
				n += counts[k][j] == v;
			if (n > mode_n || (n == mode_n && v > mode)) {
				mode = v;
				mode_n = n;
			}
		}
		if (!mode)
			continue;
		double score = (double)mode_n / (double)rows + mode * 1e-6;
		if (score > best_score + 1e-9) {
			best_score = score;
			best = k;
		}
	}
	*confident = best_score >= 0.9;
	return best_score < 0 ? ',' : cand[best];
}

/* Is the value \N, a NULL in every dialect? */
static inline int
is_null_mark(const char *v, size_t n)
{
	return n == 2 && v[0] == '\\' && v[1] == 'N';
}

/*
 * Backslash-escape sniffing, over the whole lines of the sample, with the
 * separator already chosen. The writers of the dialect never quote, and
 * put a backslash only before a backslash, N (NULL), 0, b, f, n, r, t, v,
 * Z, the separator or a line end; a Windows path (C:\new\table) also shows
 * backslash-letter pairs, so those alone prove nothing. The rule:
 *  - no field starts with a double quote;
 *  - every backslash starts one of those pairs: any other, such as the \U
 *    \d \P of a path, means backslashes are plain text, for a writer of
 *    the dialect would have doubled them;
 *  - and there is proof: a field that is exactly \N, or a backslash
 *    before a real separator or line end with every record of the sample
 *    then having the same number of fields (a path ending in a backslash
 *    before the separator, C:\tmp\<TAB>, would join two fields of its row
 *    and leave it short).
 */
static int
sniff_escape(const struct csvr *c, const char *buf, size_t len, int eof)
{
	unsigned char d = c->delim;
	int null_seen = 0, esc_seen = 0, ragged = 0, start = 1, empty = 1;
	size_t nf = 1, want = 0;

	if (d == '\\')
		return 0; /* a forced --delimiter '\\': backslashes separate */
	if (!eof)
		while (len > 0 && buf[len - 1] != c->term)
			len--;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || buf[i] == c->term) {
			/* a record ends: the same number of fields as the first? */
			if (!empty && !want)
				want = nf;
			else if (!empty && nf != want)
				ragged = 1;
			nf = 1;
			start = empty = 1;
			continue;
		}
		unsigned char ch = (unsigned char)buf[i];
		int at_start = start;
		start = ch == d;
		nf += ch == d;
		empty &= ch == '\r';
		if (at_start && ch == '"')
			return 0;
		if (ch != '\\')
			continue;
		if (i + 1 >= len)
			break; /* the last byte of the input: a backslash taken as itself */
		unsigned char e = (unsigned char)buf[++i];
		size_t j = i + 1;
		if (e == d || e == '\n' || e == '\r') {
			esc_seen = 1;
			if (e == '\r' && c->crlf && j < len && buf[j] == '\n')
				i++; /* the LF of an escaped CRLF is escaped too (esc_eol_escaped) */
		} else if (e == 'N' && at_start &&
			   (j >= len || buf[j] == (char)d || buf[j] == c->term ||
			    (buf[j] == '\r' && j + 1 < len && buf[j + 1] == '\n')))
			null_seen = 1;
		else if (e == '\0' || !strchr("\\N0bfnrtvZ", e))
			return 0;
	}
	return null_seen || (esc_seen && !ragged);
}

/* Does a value look like data rather than a column name? */
static int
looks_like_data(const char *v, size_t n)
{
	size_t digits = 0, letters = 0;

	if (n == 0 || n > 64)
		return 1;
	if (is_null_mark(v, n))
		return 1; /* a NULL names no column */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch == '@')
			return 1;
		if (ch >= '0' && ch <= '9')
			digits++;
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')
			letters++;
		else if (ch >= 0x80)
			letters++; /* a byte of a non-ASCII letter */
	}
	/* numbers, dates, phones: mostly digits */
	return letters == 0 || digits * 2 > n;
}

struct rows {
	struct dynbuf text;
	size_t *off, *len, *rowstart;
	size_t n, alloc, nrows, rows_alloc;
	int in_row;
};

static void
rows_field(void *s, size_t n, void *data)
{
	struct rows *r = data;
	if (!r->in_row) {
		r->rowstart = xgrow(r->rowstart, &r->rows_alloc, r->nrows + 2, sizeof(size_t));
		r->rowstart[r->nrows] = r->n;
		r->in_row = 1;
	}
	if (r->n + 1 > r->alloc) {
		size_t a = r->alloc;
		r->off = xgrow(r->off, &a, r->n + 1, sizeof(size_t));
		r->len = xrealloc(r->len, a * sizeof(size_t));
		r->alloc = a;
	}
	r->off[r->n] = r->text.len;
	r->len[r->n] = n;
	r->n++;
	if (dynbuf_add(&r->text, s, n) < 0)
		r->len[r->n - 1] = 0;
}

static void
rows_end(int term, void *data)
{
	struct rows *r = data;
	(void)term;
	if (!r->in_row)
		rows_field("", 0, r);
	r->nrows++;
	r->rowstart[r->nrows] = r->n;
	r->in_row = 0;
}

/*
 * The sample's whole records split as esc_next() splits them, the fields
 * left escaped (enough to tell names from data: \N is data).
 */
static void
esc_sample_rows(struct csvr *c, const char *buf, size_t len, int eof, struct rows *r)
{
	size_t fs = 0, i = 0;

	for (; i < len; i++) {
		char ch = buf[i];
		if (ch == '\\') {
			if (++i + 1 < len && c->crlf && buf[i] == '\r' && buf[i + 1] == '\n')
				i++; /* an escaped CRLF */
		} else if ((unsigned char)ch == c->delim) {
			rows_field((void *)(buf + fs), i - fs, r);
			fs = i + 1;
		} else if (ch == c->term) {
			size_t e = i;
			if (c->crlf && e > fs && buf[e - 1] == '\r')
				e--;
			if (e > fs || r->in_row)
				rows_field((void *)(buf + fs), e - fs, r);
			if (r->in_row)
				rows_end(0, r); /* a blank line is no row */
			fs = i + 1;
		}
	}
	if (eof && fs < len) {
		rows_field((void *)(buf + fs), len - fs, r);
		rows_end(0, r);
	}
}

/*
 * Header detection: the first row names the columns when none of its
 * values looks like data (a number, a date, an email, empty, \N), they are
 * all different, and no later row repeats one of them in the same column.
 * The backslash-escaped exports seldom have one (mysqldump --tab, INTO
 * OUTFILE and COPY TO write none; mysql --batch does): the same test, on
 * rows split as that dialect splits them, and one more below.
 */
static int
sniff_header(struct csvr *c, const char *buf, size_t len, int eof)
{
	struct rows r;
	int header = 1;

	memset(&r, 0, sizeof(r));
	dynbuf_init(&r.text, 8u << 20);
	/* only whole lines: the sample may end mid-row */
	size_t use = len;
	if (!eof)
		while (use > 0 && buf[use - 1] != c->term)
			use--;
	if (c->esc)
		esc_sample_rows(c, buf, use, eof, &r);
	else {
		struct csv_parser p;
		csv_init(&p, 0);
		csv_set_delim(&p, c->delim);
		csv_parse(&p, buf, use, rows_field, rows_end, &r);
		if (eof)
			csv_fini(&p, rows_field, rows_end, &r);
		csv_free(&p);
	}

	if (r.nrows == 0) {
		header = 0;
		goto out;
	}
	size_t n0 = r.rowstart[1] - r.rowstart[0];
	for (size_t i = 0; i < n0 && header; i++) {
		const char *v = r.text.buf + r.off[i];
		size_t vl = r.len[i];
		if (vl && v[vl - 1] == '\r')
			vl--;
		if (looks_like_data(v, vl))
			header = 0;
		for (size_t j = 0; j < i && header; j++)
			if (r.len[j] == r.len[i] && !memcmp(r.text.buf + r.off[j], v, r.len[i]))
				header = 0;
		for (size_t row = 1; row < r.nrows && header; row++) {
			size_t k = r.rowstart[row] + i;
			if (k < r.rowstart[row + 1] && r.len[k] == r.len[i] &&
			    !memcmp(r.text.buf + r.off[k], v, r.len[i]))
				header = 0;
		}
	}
	/*
	 * The escaped exports mostly have none, and a first row of names over
	 * rows of names would pass for one: there, some column must also hold
	 * data below its name, and nothing else (NULLs aside).
	 */
	if (header && c->esc) {
		int typed = 0;
		for (size_t i = 0; i < n0 && !typed; i++) {
			int data = 0, text = 0;
			for (size_t row = 1; row < r.nrows && !text; row++) {
				size_t k = r.rowstart[row] + i;
				if (k >= r.rowstart[row + 1] || is_null_mark(r.text.buf + r.off[k], r.len[k]))
					continue;
				if (looks_like_data(r.text.buf + r.off[k], r.len[k]))
					data = 1;
				else
					text = 1;
			}
			typed = data && !text;
		}
		header = typed;
	}
out:
	dynbuf_release(&r.text);
	free(r.off);
	free(r.len);
	free(r.rowstart);
	return header;
}

static int
csv_bid(const char *buf, size_t len, int eof)
{
	(void)buf;
	(void)len;
	(void)eof;
	return 1; /* the fallback: anything that is text is at least one column */
}

static int
csv_open(struct reader *r)
{
	struct csvr *c = xcalloc(1, sizeof(*c));
	int st;
	size_t len = reader_peek(r, 64u << 10, &st);
	const char *buf;

	r->state = c;
	if (st == -1)
		return reader_fail(r, 0, len, "%s", source_error(r->src));
	buf = source_data(r->src, &len);

	/* line ends: CRLF, LF, or CR alone */
	const char *lf = memchr(buf, '\n', len);
	const char *cr = memchr(buf, '\r', len);
	c->term = (!lf && cr) ? '\r' : '\n';
	c->crlf = lf && lf > buf && lf[-1] == '\r';

	int eof = st == 0 && len < (64u << 10);
	int confident;
	if (r->opts.delimiter)
		c->delim = (unsigned char)r->opts.delimiter;
	else {
		c->delim = sniff_delim(buf, len, r->opts.escape > 0, &confident);
		c->delim_guessed = 1;
	}
	if (r->opts.escape)
		c->esc = r->opts.escape > 0;
	else if (!(c->esc = sniff_escape(c, buf, len, eof)) && !r->opts.delimiter) {
		/*
		 * Those files hold quotes as text, and a lone one (5" disk)
		 * throws the quote-aware count off: try again with the
		 * separator counted as the escaped dialect reads.
		 */
		unsigned char d = c->delim;
		c->delim = sniff_delim(buf, len, 1, &confident);
		if (c->delim != d && !(c->esc = sniff_escape(c, buf, len, eof)))
			c->delim = d;
	}
	if (r->opts.no_header)
		c->header = 0;
	else {
		c->header = sniff_header(c, buf, len, eof);
		c->header_guessed = 1;
	}
	dynbuf_init(&c->names, 1u << 20);
	dynbuf_init(&c->arena, r->opts.max_record);
	c->max_fields = r->opts.max_fields;
	c->line = 1;
	csv_init(&c->p, 0);
	parser_reset(c);
	return DT_OK;
}

/* Points the record's fields at the values libcsv gathered in the arena. */
static void
make_fields(struct csvr *c)
{
	if (c->nf > c->fields_alloc)
		c->fields = xgrow(c->fields, &c->fields_alloc, c->nf, sizeof(*c->fields));
	for (size_t i = 0; i < c->nf; i++) {
		c->fields[i].val = c->arena.buf + c->off[i];
		c->fields[i].len = c->len[i];
		c->fields[i].is_null = is_null_mark(c->fields[i].val, c->len[i]);
		if (c->fields[i].is_null)
			c->fields[i].len = 0;
	}
}

/* Names the columns from the first record (or col1..colN). */
static void
set_columns(struct csvr *c, int from_record)
{
	size_t n = c->nf;
	size_t *at = xmalloc((n + 1) * sizeof(size_t));

	dynbuf_reset(&c->names);
	for (size_t i = 0; i < n; i++) {
		at[i] = c->names.len;
		size_t bad;
		if (from_record && !reader_check_value(c->fields[i].val, c->fields[i].len, &bad)) {
			const char *v = c->fields[i].val;
			size_t vl = c->fields[i].len;
			if (i == 0 && vl >= 3 && !memcmp(v, "\xEF\xBB\xBF", 3)) {
				v += 3; /* a BOM the source did not see (inside a member) */
				vl -= 3;
			}
			if (vl == 0)
				dynbuf_printf(&c->names, "col%zu", i + 1);
			else
				dynbuf_add(&c->names, v, vl);
		} else
			dynbuf_printf(&c->names, "col%zu", i + 1);
		dynbuf_addc(&c->names, '\0');
	}
	c->cols = xrealloc(c->cols, (n ? n : 1) * sizeof(*c->cols));
	for (size_t i = 0; i < n; i++) {
		c->cols[i].name = c->names.buf + at[i];
		c->cols[i].name_len = strlen(c->cols[i].name);
	}
	c->ncols = n;
	free(at);
}

/*
 * Do the lines of buf[from..len) look like rows of the table (as many
 * delimiters outside quotes as the header has, in half of them or more)?
 * The lines after a quote that opened: rows mean a stray quote (resync on
 * the next line), anything else a field of many lines.
 */
static int
looks_like_rows(const struct csvr *c, const char *buf, size_t from, size_t len)
{
	unsigned lines = 0, rows = 0;
	for (size_t i = from; i < len && lines < 64;) {
		const char *nl = memchr(buf + i, c->term, len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		unsigned d = 0;
		for (size_t k = i; k < end; k++)
			d += buf[k] == c->delim;
		lines++;
		rows += c->ncols > 1 && d + 1 == c->ncols;
		i = end + 1;
	}
	return lines && rows * 2 >= lines;
}

/*
 * The record at stream offset off, nl lines from c->line, skipped: the
 * parser starts again after it (closed: at the field's end, else the
 * input's), and the record is rejected once.
 */
static int
long_field_rejected(struct reader *r, struct csvr *c, uint64_t off, uint64_t nl, int closed)
{
	uint64_t line0 = c->line;

	parser_reset(c);
	c->fed = c->scanned = 0;
	c->first_eol = 0;
	c->line += nl;
	return reader_reject(r, line0, off, NULL, 0,
			     "a quoted field longer than the --max-record limit (%zu bytes); the record is "
			     "skipped to %s (line %llu)",
			     r->opts.max_record, closed ? "the field's end" : "the end of the input",
			     (unsigned long long)(line0 + nl - 1));
}

/*
 * A quoted field longer than --max-record whose lines are not rows (a
 * document, a blob of 50 MB): the record is skipped, streaming, to the
 * field's closing quote and the end of that line, and rejected once.
 */
static int
skip_long_field(struct reader *r, struct csvr *c)
{
	const char *buf;
	size_t len, i = c->first_eol;
	uint64_t off = source_offset(r->src), nl = 1;
	int q = 0, closed = 0;

	for (;;) {
		buf = source_data(r->src, &len);
		for (; i < len; i++) {
			char ch = buf[i];
			if (!closed) {
				if (q && ch != '"') {
					closed = 1; /* the quote before was the closing one */
				} else {
					q = ch == '"' && !q;
					if (ch == c->term)
						nl++;
					continue;
				}
			}
			if (ch == c->term) {
				source_consume(r->src, i + 1);
				nl++;
				goto done;
			}
		}
		source_consume(r->src, len);
		i = 0;
		ssize_t k = source_fill(r->src);
		if (k < 0)
			return reader_fail(r, c->line, source_offset(r->src), "%s", source_error(r->src));
		if (k == 0) {
			c->eof = 1;
			break;
		}
	}
done:
	return long_field_rejected(r, c, off, nl, closed);
}

/*
 * The same, when the window held the whole record, c->lines lines up to
 * c->fed: rejected once, whole.
 */
static int
reject_long_record(struct reader *r, struct csvr *c)
{
	uint64_t off = source_offset(r->src);

	source_consume(r->src, c->fed);
	return long_field_rejected(r, c, off, c->lines, 1);
}

/*
 * Gives up the record in progress after its first line: reject that line,
 * drop it from the window and parse again from the next one.
 */
static int
reject_first_line(struct reader *r, struct csvr *c, const char *why)
{
	const char *buf;
	size_t len, n = c->first_eol;

	buf = source_data(r->src, &len);
	if (n == 0 || n > len)
		n = c->fed;
	if (n == 0)
		n = len; /* nothing fed yet (a window full of one line): drop it all, but move on */
	int st = reader_reject(r, c->line, source_offset(r->src), buf, n, "%s", why);
	/* the caller writes r->raw before the next call; keep it in place */
	c->line += 1;
	c->fed = 0;
	c->scanned = 0;
	parser_reset(c);
	c->drop = n;
	return st;
}

/*
 * Feeds one complete line (or the tail at EOF) to libcsv. libcsv's own
 * terminators (CR, LF) and blank handling are used as they are: a custom
 * is_term or is_space is an indirect call per byte and costs a fifth of
 * the reader's time.
 */
static void
feed(struct csvr *c, const char *p, size_t n)
{
	csv_parse(&c->p, p, n, on_field, on_record, c);
}

static int
is_blank(unsigned char ch, unsigned char delim)
{
	return (ch == ' ' || ch == '\t') && ch != delim;
}

/*
 * The fast path over one whole line p[0..n) (its LF included): fills
 * c->fields pointing into the line and returns 1, returns 2 for a line of
 * nothing but blanks, or 0 when the line needs libcsv.
 */
static int
fast_line(struct csvr *c, const char *p, size_t n, size_t max_fields)
{
	const char *end = p + n, *q = p;
	unsigned char d = c->delim;
	size_t nf = 0;

	if (end > p && end[-1] == '\n')
		end--;
	if (end > p && end[-1] == '\r')
		end--;
	for (;;) {
		const char *v, *ve, *stop;
		if (nf >= c->fields_alloc)
			c->fields = xgrow(c->fields, &c->fields_alloc, nf + 1, sizeof(*c->fields));
		if (q < end && *q == '"') {
			/* wholly quoted: the next quote must close it */
			v = q + 1;
			ve = memchr(v, '"', (size_t)(end - v));
			if (!ve)
				return 0;
			stop = ve + 1;
			if (stop < end && (unsigned char)*stop != d)
				return 0;
		} else {
			stop = memchr(q, d, (size_t)(end - q));
			if (!stop)
				stop = end;
			v = q;
			ve = stop;
			/* a quote or a CR in a plain field: libcsv's business */
			if (memchr(v, '"', (size_t)(ve - v)) || memchr(v, '\r', (size_t)(ve - v)))
				return 0;
			while (v < ve && is_blank((unsigned char)*v, d))
				v++;
			while (ve > v && is_blank((unsigned char)ve[-1], d))
				ve--;
			if (*q == ' ' && v < ve && *v == '"')
				return 0; /* blanks before a quote: libcsv opens a quoted field */
		}
		c->fields[nf].val = v;
		c->fields[nf].len = (size_t)(ve - v);
		c->fields[nf].is_null = is_null_mark(v, c->fields[nf].len);
		if (c->fields[nf].is_null)
			c->fields[nf].len = 0;
		if (++nf > max_fields)
			return 0;
		if (stop >= end)
			break;
		q = stop + 1;
	}
	if (nf == 1 && c->fields[0].len == 0 && !c->fields[0].is_null && (end == p || *p != '"'))
		return 2; /* blanks only: libcsv reports no record */
	c->nf = nf;
	return 1;
}

/* The byte a backslash escape stands for (\0 gives NUL: the record is rejected). */
static char
esc_char(unsigned char e)
{
	switch (e) {
	case '0': return '\0';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	case 'Z': return '\x1a';
	default: return (char)e; /* \\, the separator, a line end, anything else */
	}
}

/*
 * Is the line end at buf[k] escaped: after an odd run of backslashes (or
 * one before its CR, in a CRLF file)? The run cannot start before the
 * record, which begins after a line end that was not escaped.
 */
static int
esc_eol_escaped(const struct csvr *c, const char *buf, size_t k)
{
	size_t n = 0;

	if (c->crlf && k > 0 && buf[k - 1] == '\r')
		k--;
	while (k > n && buf[k - n - 1] == '\\')
		n++;
	return n & 1;
}

/*
 * Splits the record buf[0..n) (line end excluded) of the escaped dialect
 * into c->fields: a field without a backslash points into the window, \N
 * is NULL, the others are decoded into the arena (reserved whole first, so
 * that it cannot move under the fields already made). Sets *decoded when
 * some field was. NULL, or the reason the record cannot be taken.
 */
static const char *
esc_split(struct csvr *c, const char *buf, size_t n, size_t max_fields, int *decoded)
{
	const char *p = buf, *e = buf + n;
	unsigned char d = c->delim;
	int reserved = 0;
	size_t nf = 0;

	dynbuf_reset(&c->arena);
	*decoded = 0;
	for (;;) {
		const char *stop = memchr(p, d, (size_t)(e - p));
		if (!stop)
			stop = e;
		const char *bs = memchr(p, '\\', (size_t)(stop - p));
		if (nf >= max_fields)
			return "record has too many fields";
		if (nf >= c->fields_alloc)
			c->fields = xgrow(c->fields, &c->fields_alloc, nf + 1, sizeof(*c->fields));
		struct field *f = &c->fields[nf++];
		f->is_null = 0;
		if (!bs) {
			f->val = p;
			f->len = (size_t)(stop - p);
		} else {
			/* the separator found may be escaped: walk the pairs to the real one */
			const char *q = bs;
			while (q < e && (unsigned char)*q != d)
				q += *q == '\\' && q + 1 < e ? 2 : 1;
			stop = q;
			if (is_null_mark(p, (size_t)(stop - p))) {
				f->val = p;
				f->len = 0;
				f->is_null = 1;
			} else {
				if (!reserved && !dynbuf_reserve(&c->arena, n))
					return "record longer than the --max-record limit";
				reserved = 1;
				char *o = c->arena.buf + c->arena.len;
				memcpy(o, p, (size_t)(bs - p));
				char *w = o + (bs - p);
				for (q = bs; q < stop; q++) {
					if (*q == '\\' && q + 1 < stop)
						*w++ = esc_char((unsigned char)*++q);
					else
						*w++ = *q; /* a backslash ending the record is itself */
				}
				f->val = o;
				f->len = (size_t)(w - o);
				c->arena.len += f->len;
				*decoded = 1;
			}
		}
		if (stop >= e)
			break;
		p = stop + 1;
	}
	c->nf = nf;
	return NULL;
}

/*
 * reject_first_line() for esc_next(), which may have met the end of the
 * input: the lines after the first are read again.
 */
static int
esc_reject_first(struct reader *r, struct csvr *c, const char *why)
{
	c->eof = 0;
	return reject_first_line(r, c, why);
}

/*
 * next() for the backslash-escaped dialect: a record ends at the first
 * line end that is not escaped. The window holds the record until the
 * next call, as in csv_next(), so that a rejected one is written out as it
 * was; lines too long or records too many lines long are dropped as there.
 */
static int
esc_next(struct reader *r, struct record *rec)
{
	struct csvr *c = r->state;
	const char *buf;
	size_t len, end, cend;

again:
	if (c->drop) {
		source_consume(r->src, c->drop);
		c->drop = 0;
	} else if (c->fed) {
		source_consume(r->src, c->fed);
		c->line += c->lines;
	}
	c->fed = c->scanned = c->lines = c->first_eol = 0;
	if (c->eof)
		return DT_EOF;

	for (;;) {
		buf = source_data(r->src, &len);
		const char *eol =
		    c->scanned < len ? memchr(buf + c->scanned, c->term, len - c->scanned) : NULL;
		if (eol) {
			size_t k = (size_t)(eol - buf);
			c->scanned = k + 1;
			if (++c->lines == 1)
				c->first_eol = k + 1;
			if (k > r->opts.max_record) {
				if (c->lines > 1)
					return esc_reject_first(r, c, "record longer than the --max-record limit");
				/* as csv_next() drops a line it never saw the end of */
				c->fed = k + 1;
				return reader_reject(r, c->line, source_offset(r->src), NULL, 0,
						     "line longer than the --max-record limit (%zu bytes)",
						     r->opts.max_record);
			}
			if (esc_eol_escaped(c, buf, k))
				continue;
			end = k + 1;
			cend = k;
			break;
		}
		if (len > r->opts.max_record) {
			if (c->lines > 0)
				return reject_first_line(r, c, "record longer than the --max-record limit");
			/* one line longer than the limit: drop it to its end */
			uint64_t off = source_offset(r->src);
			for (;;) {
				buf = source_data(r->src, &len);
				eol = memchr(buf, c->term, len);
				if (eol) {
					source_consume(r->src, (size_t)(eol - buf) + 1);
					break;
				}
				source_consume(r->src, len);
				ssize_t k = source_fill(r->src);
				if (k < 0)
					return reader_fail(r, c->line, source_offset(r->src), "%s",
							   source_error(r->src));
				if (k == 0) {
					c->eof = 1;
					break;
				}
			}
			int st = reader_reject(r, c->line, off, NULL, 0,
					       "line longer than the --max-record limit (%zu bytes)",
					       r->opts.max_record);
			c->line++;
			return st;
		}
		ssize_t k = source_fill(r->src);
		if (k > 0)
			continue;
		if (k == -1)
			return reader_fail(r, c->line, source_offset(r->src), "%s", source_error(r->src));
		if (k == -2)
			return reject_first_line(r, c, "record longer than the window limit");
		/* the end: the unterminated last line, if any */
		buf = source_data(r->src, &len);
		c->eof = 1;
		if (len == 0)
			return DT_EOF;
		if (++c->lines == 1)
			c->first_eol = len;
		end = cend = len;
		break;
	}
	if (c->crlf && cend > 0 && buf[cend - 1] == '\r')
		cend--;
	c->fed = end;
	if (cend == 0) {
		c->blank++;
		goto again;
	}

	uint64_t off = source_offset(r->src);
	int decoded;
	const char *why = esc_split(c, buf, cend, r->opts.max_fields, &decoded);
	if (why)
		return esc_reject_first(r, c, why);
	if (c->ncols == 0) {
		set_columns(c, c->header);
		if (c->header)
			goto again; /* the header is not a record */
	}
	if (c->nf != c->ncols) {
		if (c->lines > 1)
			return esc_reject_first(r, c, "row spans lines and has the wrong number of fields");
		return reader_reject(r, c->line, off, buf, end, "expected %zu fields, found %zu", c->ncols,
				     c->nf);
	}
	/* the raw bytes first (fast on ASCII); a decoded \0 shows only in the values */
	size_t at;
	if (decoded || reader_check_value(buf, cend, &at))
		for (size_t i = 0; i < c->nf; i++) {
			why = reader_check_value(c->fields[i].val, c->fields[i].len, &at);
			if (why)
				return reader_reject(r, c->line, off, buf, end, "%s in field %zu (%s)", why,
						     i + 1, c->cols[i].name);
		}
	for (size_t i = 0; i < c->nf; i++) {
		c->fields[i].name = c->cols[i].name;
		c->fields[i].name_len = c->cols[i].name_len;
	}
	rec->fields = c->fields;
	rec->nfields = c->nf;
	rec->line = c->line;
	rec->offset = off;
	return DT_OK;
}

static int
csv_next(struct reader *r, struct record *rec)
{
	struct csvr *c = r->state;
	const char *buf;
	size_t len;

	if (c->esc)
		return esc_next(r, rec);
again:
	/* drop what the previous call returned or rejected */
	if (c->drop) {
		source_consume(r->src, c->drop);
		c->drop = 0;
		c->first_eol = 0;
	} else if (c->fed) {
		source_consume(r->src, c->fed);
		c->line += c->lines;
		c->fed = 0;
		c->scanned = 0;
		parser_reset(c);
	}
	if (c->eof)
		return DT_EOF;

	for (;;) {
		buf = source_data(r->src, &len);
		const char *eol = NULL;
		size_t from = c->scanned > c->fed ? c->scanned : c->fed;

		if (from < len)
			eol = memchr(buf + from, c->term, len - from);
		if (eol) {
			size_t end = (size_t)(eol - buf) + 1;
			int fast = 0;
			if (c->lines == 0 && c->p.pstate == CSVP_ROW_NOT_BEGUN && !r->opts.no_fast_path)
				fast = fast_line(c, buf, end, r->opts.max_fields);
			if (fast == 2) {
				c->blank++;
				source_consume(r->src, end);
				c->line++;
				c->fed = c->scanned = 0;
				continue;
			}
			if (fast) {
				c->done = c->fast = 1;
			} else
				feed(c, buf + c->fed, end - c->fed);
			c->fed = c->scanned = end;
			c->lines++;
			if (c->lines == 1)
				c->first_eol = end;
		} else {
			c->scanned = len;
			if (len > r->opts.max_record) {
				if (c->lines > 1 && c->ncols && c->p.pstate == CSVP_FIELD_BEGUN && c->p.quoted &&
				    !looks_like_rows(c, buf, c->first_eol, len))
					return skip_long_field(r, c);
				if (c->lines > 0)
					return reject_first_line(r, c, "record longer than the --max-record limit");
				/* one line longer than the limit: drop it to its end */
				uint64_t off = source_offset(r->src);
				for (;;) {
					buf = source_data(r->src, &len);
					eol = memchr(buf, c->term, len);
					if (eol) {
						source_consume(r->src, (size_t)(eol - buf) + 1);
						break;
					}
					source_consume(r->src, len);
					ssize_t k = source_fill(r->src);
					if (k < 0)
						return reader_fail(r, c->line, source_offset(r->src), "%s",
								   source_error(r->src));
					if (k == 0) {
						c->eof = 1;
						break;
					}
				}
				parser_reset(c);
				c->fed = c->scanned = 0;
				int st = reader_reject(r, c->line, off, NULL, 0,
						       "line longer than the --max-record limit (%zu bytes)",
						       r->opts.max_record);
				c->line++;
				return st;
			}
			ssize_t k = source_fill(r->src);
			if (k > 0)
				continue;
			if (k == -1)
				return reader_fail(r, c->line, source_offset(r->src) + c->fed, "%s",
						   source_error(r->src));
			if (k == -2)
				return reject_first_line(r, c, "record longer than the window limit");
			/* the end: the unterminated last line, then the parser's */
			buf = source_data(r->src, &len);
			if (c->fed < len) {
				feed(c, buf + c->fed, len - c->fed);
				c->fed = len;
				c->lines++;
				if (c->lines == 1)
					c->first_eol = len;
			}
			c->eof = 1;
			/* libcsv reports an open quote at the end only in strict mode */
			int open_quote = c->p.pstate == CSVP_FIELD_BEGUN && c->p.quoted;
			if (!c->done && (open_quote || csv_fini(&c->p, on_field, on_record, c) != 0)) {
				if (c->lines > 1) {
					c->eof = 0;
					return reject_first_line(r, c, "quoted field not closed");
				}
				int st = reader_reject(r, c->line, source_offset(r->src), buf, c->fed,
						       "quoted field not closed at the end of the input");
				c->lines = 1;
				return st;
			}
		}

		if (!c->done) {
			if (c->lines > 0 && c->nf == 0 && c->p.pstate == CSVP_ROW_NOT_BEGUN) {
				/* a blank line: not a record */
				c->blank++;
				source_consume(r->src, c->fed);
				c->line += c->lines;
				c->fed = c->scanned = 0;
				c->lines = 0;
			}
			if (c->eof)
				return DT_EOF;
			continue;
		}

		/* a whole record: check it */
		buf = source_data(r->src, &len);
		uint64_t off = source_offset(r->src);
		if (c->overflow == OVER_CR)
			return reject_first_line(r, c, "carriage return inside an unquoted field");
		if (c->overflow == OVER_FIELDS || c->nf > r->opts.max_fields)
			return reject_first_line(r, c, "record has too many fields");
		if (c->overflow) {
			/* a field of many lines that are not rows: one record, as in skip_long_field() */
			if (c->lines > 1 && c->ncols && c->first_eol && c->fed <= len &&
			    !looks_like_rows(c, buf, c->first_eol, c->fed))
				return reject_long_record(r, c);
			return reject_first_line(r, c, "record longer than the --max-record limit");
		}
		if (!c->fast)
			make_fields(c);
		if (c->ncols == 0) {
			set_columns(c, c->header);
			if (c->header)
				goto again; /* the header is not a record */
		}
		if (c->nf != c->ncols) {
			if (c->nf == 1 && c->fields[0].len == 0 && !c->fields[0].is_null) {
				c->blank++; /* a line of nothing but a CR */
				goto again;
			}
			if (c->lines > 1)
				return reject_first_line(r, c, "row spans lines and has the wrong number of fields");
			return reader_reject(r, c->line, off, buf, c->fed, "expected %zu fields, found %zu",
					     c->ncols, c->nf);
		}
		/*
		 * One check over the record's raw bytes (fast on ASCII) instead of
		 * one per field; only a record that fails is looked at field by
		 * field, to name the field in the reason.
		 */
		size_t at;
		if (reader_check_value(buf, c->fed, &at))
			for (size_t i = 0; i < c->nf; i++) {
				const char *why = reader_check_value(c->fields[i].val, c->fields[i].len, &at);
				if (why)
					return reader_reject(r, c->line, off, buf, c->fed, "%s in field %zu (%s)",
							     why, i + 1, i < c->ncols ? c->cols[i].name : "?");
			}
		for (size_t i = 0; i < c->nf; i++) {
			c->fields[i].name = c->cols[i].name;
			c->fields[i].name_len = c->cols[i].name_len;
		}
		rec->fields = c->fields;
		rec->nfields = c->nf;
		rec->line = c->line;
		rec->offset = off;
		return DT_OK;
	}
}

static void
csv_close(struct reader *r)
{
	struct csvr *c = r->state;
	if (!c)
		return;
	csv_free(&c->p);
	dynbuf_release(&c->names);
	dynbuf_release(&c->arena);
	free(c->cols);
	free(c->off);
	free(c->len);
	free(c->fields);
	free(c);
}

static void
csv_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct csvr *c = r->state;
	char d[8];

	fn(ctx, "delimiter", format_sep_name(c->delim, d));
	fn(ctx, "quote", c->esc ? "none" : "\"");
	fn(ctx, "escape", c->esc ? "backslash" : "none");
	fn(ctx, "line_ends", c->term == '\r' ? "CR" : c->crlf ? "CRLF" : "LF");
	fn(ctx, "header", c->header ? "yes" : "no");
	fn(ctx, "header_guessed", c->header_guessed ? "yes" : "no");
}

const struct format format_csv = {
	.name = "csv",
	.bid = csv_bid,
	.open = csv_open,
	.next = csv_next,
	.close = csv_close,
	.describe = csv_describe,
};
