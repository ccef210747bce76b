/*
 * The word-list reader (format "lines"): plain lists of one value a line,
 * as password lists (rockyou, the SecLists leaks) and lists of user names,
 * e-mails or phones hold them.
 *
 *   123456
 *   my pass, "2"        one value: its blanks, comma and quotes included
 *   alice@example.com
 *
 * The CSV reader, made for tables, loses such values: it takes the first
 * line for a header, rejects every line that holds its guessed delimiter
 * and strips the quotes and blanks CSV gives a meaning to. Here every
 * line that is not empty is one record of one field, "value", whose bytes
 * are the line's as they are: nothing trimmed, unquoted or split; only
 * the line end (LF, or the CR LF of a CRLF line) is removed. There is no
 * header, and the column has no name to hint at its type: core/types
 * types it by its values (email, phone, username, ...; a password list
 * comes out as text unless --type value=password says what it is).
 *
 * An empty line (nothing between two line ends, CRLF included) is no
 * record: it is skipped and only counted (empty_lines in sniff). A line
 * of blanks is a value: " " is a password. Rejected, each with its line
 * number and byte offset: a line that is not valid UTF-8 (after the
 * source's charset conversion), one holding a NUL byte, one longer than
 * --max-record (dropped alone, without keeping its text).
 *
 * The reader is the simplest and meant to be the fastest: line ends are
 * found with memchr, a record points into the source window, and the
 * bytes are checked in blocks, eight at a time, for anything that is not
 * ASCII or is NUL; only a line in a block that holds some is checked
 * alone for UTF-8.
 *
 * The bid: see wordlist_bid().
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/xalloc.h"
#include "formats/format.h"

#define SAMPLE_LINES 4000
#define MAX_COUNT 255           /* per-line separator counts above it are lumped */
#define CLEAN_AHEAD (64u << 10) /* bytes checked in one block, ahead of the line */

/* The separators CSV splits at; see wordlist_bid() for why not ':'. */
static const unsigned char seps[] = {',', ';', '\t', '|'};
#define NSEPS (sizeof(seps))

struct wordlist {
	struct field field;
	/*
	 * The source window as last seen: only this reader consumes or fills
	 * it, so it changes only where win_refresh() follows.
	 */
	const char *win;
	size_t win_len;
	uint64_t win_off; /* source_offset() of win[0] */
	size_t pos;       /* window bytes already read (consumed lazily) */
	size_t scanned;   /* bytes after pos searched for a line end */
	size_t clean;     /* the window holds only ASCII without NUL before this */
	uint64_t line;    /* number of the line at pos */
	uint64_t empty;   /* empty lines skipped */
	int crlf;
	int eof;
};

/*
 * How many lines of the sample hold each separator how many times: the
 * histogram of the per-line counts (hist[d][k]: lines with k of seps[d]),
 * over rows lines.
 */
struct counts {
	unsigned hist[NSEPS][MAX_COUNT + 1];
	unsigned rows;
};

/* The share of rows that the best separator splits into one number of fields. */
static double
structure(const struct counts *c)
{
	unsigned best = 0;

	if (c->rows == 0)
		return 0;
	for (size_t d = 0; d < NSEPS; d++)
		for (unsigned k = 1; k <= MAX_COUNT; k++)
			if (c->hist[d][k] > best)
				best = c->hist[d][k];
	return (double)best / c->rows;
}

static void
count_row(struct counts *c, const unsigned cur[NSEPS])
{
	for (size_t d = 0; d < NSEPS; d++)
		c->hist[d][cur[d] > MAX_COUNT ? MAX_COUNT : cur[d]]++;
	c->rows++;
}

/*
 * How much of a table the sample looks, from 0 to 1: the statistic of the
 * bid. Counted over the whole, non-empty lines, twice: on the raw bytes,
 * and outside double quotes as CSV's own sniffing counts (a quote may
 * span lines; a row ends at a line end outside quotes), the larger taken.
 * The second count only when the quotes leave at least half as many rows
 * as lines: a stray quote in a word list must not make one huge "row".
 */
static double
sample_structure(const char *buf, size_t len, int eof, int *lf)
{
	struct counts raw, quoted;
	unsigned cur_raw[NSEPS] = {0}, cur_q[NSEPS] = {0};
	int inq = 0, nonempty_q = 0;
	size_t i = 0, line_start = 0;

	memset(&raw, 0, sizeof(raw));
	memset(&quoted, 0, sizeof(quoted));
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = line_start = 3;
	*lf = memchr(buf, '\n', len) != NULL;
	if (!eof) {
		/* only whole lines: the sample may end mid-line */
		const char *last = memrchr(buf, '\n', len);
		len = last ? (size_t)(last - buf) + 1 : 0;
	}
	for (; i < len && raw.rows < SAMPLE_LINES; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == '\n') {
			size_t n = i - line_start;
			if (n && buf[i - 1] == '\r')
				n--;
			if (n)
				count_row(&raw, cur_raw);
			if (!inq && nonempty_q)
				count_row(&quoted, cur_q);
			if (!inq) {
				memset(cur_q, 0, sizeof(cur_q));
				nonempty_q = 0;
			}
			memset(cur_raw, 0, sizeof(cur_raw));
			line_start = i + 1;
			continue;
		}
		if (ch == '"')
			inq = !inq;
		if (ch != '\r')
			nonempty_q = 1;
		for (size_t d = 0; d < NSEPS; d++)
			if (ch == seps[d]) {
				cur_raw[d]++;
				cur_q[d] += !inq;
			}
	}
	if (i == len && line_start < len) {
		/* the last line, at the end of the stream without a line end */
		count_row(&raw, cur_raw);
		if (!inq && nonempty_q)
			count_row(&quoted, cur_q);
	}
	/*
	 * The sample ends inside a quoted field (one of megabytes, lines in
	 * it): the rows before it and the one it opens are what the structure
	 * is, not the lines of the field.
	 */
	int open_end = inq && !eof && quoted.rows >= 1;
	if (open_end && nonempty_q)
		count_row(&quoted, cur_q);
	double s = structure(&raw);
	if (quoted.rows * 2 >= raw.rows || (open_end && quoted.rows >= 2)) {
		double q = structure(&quoted);
		if (q > s)
			s = q;
	}
	return raw.rows ? s : -1;
}

/*
 * The bid. CSV is the fallback and bids 1, combo bids 8 or 40 for
 * login:password lines, JSON, SQL and XML 20 and more: a word list bids
 * 2, above CSV alone, when and only when the sample holds no table.
 *
 * The statistic: for each separator d that CSV splits at (, ; TAB |) and
 * each whole non-empty line of the sample (4,000 at most), k_d is the
 * number of d in the line; m_d is the most common non-zero k_d; then
 *
 *     S = max over d of  #{lines with k_d = m_d} / #lines
 *
 * is the share of lines that the best separator splits into the same
 * number (m_d + 1 > 1) of fields. S > 1/2 is a table: the bid is 0 and
 * CSV (or combo, for a TSV of e-mails and passwords) reads it. k_d is
 * counted on the raw bytes and outside quotes (sample_structure()), the
 * larger S taken, so that a CSV whose quoted fields hold the separator or
 * line ends stays CSV.
 *
 * Why a half: a table of n >= 2 columns writes n - 1 separators on every
 * row, and only the rows whose fields hold a separator or a line end
 * differ, so S is close to 1 (CSV's own sniffing calls 0.9 confident).
 * Every csv-spectrum file, the chinook CSV export and the generated
 * family's CSV and TSV dumps have S = 1 counted outside quotes (0.998 for
 * one); on the raw bytes the worst, a quoted field over three lines, has
 * 3 lines out of 5. In a word list a separator is a character of a few
 * values, at random places and in random numbers: 0.17% of the lines of
 * myspace.txt hold a ',' and 0.007% of rockyou-75.txt's, so S is near 0
 * (0.001 and 0.000 on their first 4,000 lines); even a list of phrases
 * that mostly hold commas seldom has a majority with the same number of
 * them. A separator in a minority of lines is under a half by definition.
 * "Most lines" is the rule, and a half lies far from both sides.
 *
 * ':' is no candidate: CSV does not split at it, so a colon file that
 * combo does not claim (URLs, times, "Key: value") is one column either
 * way and is better read here, and one that combo claims is combo's by
 * its higher bid. Bid 0 also for a sample with no whole line, and for old
 * Mac files (CR and no LF), which only CSV splits into lines.
 */
static int
wordlist_bid(const char *buf, size_t len, int eof)
{
	int lf;
	double s = sample_structure(buf, len, eof, &lf);

	if (s < 0 || (!lf && memchr(buf, '\r', len)))
		return 0;
	return s * 2 > 1 ? 0 : 2;
}

static void
win_refresh(struct reader *r, struct wordlist *w)
{
	w->win = source_data(r->src, &w->win_len);
	w->win_off = source_offset(r->src);
}

static int
wordlist_open(struct reader *r)
{
	struct wordlist *w = xcalloc(1, sizeof(*w));
	int st;
	size_t len = reader_peek(r, 4096, &st);
	const char *buf;

	r->state = w;
	if (st == -1)
		return reader_fail(r, 0, len, "%s", source_error(r->src));
	buf = source_data(r->src, &len);
	const char *lf = memchr(buf, '\n', len);
	w->crlf = lf && lf > buf && lf[-1] == '\r';
	w->field.name = "value";
	w->field.name_len = 5;
	w->line = 1;
	win_refresh(r, w);
	return DT_OK;
}

/*
 * The offset of the first byte of p[from..to) that is not ASCII or is
 * NUL, or to. Eight bytes at a time: word lists are mostly ASCII.
 */
static size_t
first_unclean(const char *p, size_t from, size_t to)
{
	const uint64_t ones = 0x0101010101010101ull, hi = 0x8080808080808080ull;
	size_t i = from;

	for (; i + 32 <= to; i += 32) {
		uint64_t a, b, c, d;
		memcpy(&a, p + i, 8);
		memcpy(&b, p + i + 8, 8);
		memcpy(&c, p + i + 16, 8);
		memcpy(&d, p + i + 24, 8);
		/* a high bit, or a zero byte ((x - 1) & ~x sets the high bit of a NUL) */
		uint64_t m = ((a | b | c | d) & hi) | (((a - ones) & ~a) & hi) |
		             (((b - ones) & ~b) & hi) | (((c - ones) & ~c) & hi) |
		             (((d - ones) & ~d) & hi);
		if (m)
			break;
	}
	for (; i < to; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == 0 || ch >= 0x80)
			return i;
	}
	return to;
}

/*
 * The line at pos is longer than the limit (or than the window can hold):
 * drop it to its end and reject it, without keeping its text.
 */
static int
skip_long_line(struct reader *r, struct wordlist *w, const char *why)
{
	uint64_t off = source_offset(r->src) + w->pos;
	uint64_t line = w->line++;
	size_t len;

	source_consume(r->src, w->pos);
	w->pos = w->scanned = w->clean = 0;
	for (;;) {
		const char *buf = source_data(r->src, &len);
		const char *eol = memchr(buf, '\n', len);
		if (eol) {
			source_consume(r->src, (size_t)(eol - buf) + 1);
			break;
		}
		source_consume(r->src, len);
		ssize_t k = source_fill(r->src);
		if (k < 0)
			return reader_fail(r, line, source_offset(r->src), "%s",
			                   k == -1 ? source_error(r->src) : "window limit reached");
		if (k == 0) {
			w->eof = 1;
			break;
		}
	}
	win_refresh(r, w);
	return reader_reject(r, line, off, NULL, 0, "%s (%zu bytes)", why, r->opts.max_record);
}

static int
wordlist_next(struct reader *r, struct record *rec)
{
	struct wordlist *w = r->state;

	for (;;) {
		size_t len = w->win_len, n, adv;
		const char *buf = w->win;
		const char *p = buf + w->pos;
		size_t avail = len - w->pos;
		const char *eol = NULL;

		if (w->scanned < avail)
			eol = memchr(p + w->scanned, '\n', avail - w->scanned);
		if (eol) {
			n = (size_t)(eol - p);
			adv = n + 1;
		} else if (w->eof) {
			if (avail == 0)
				return DT_EOF;
			n = adv = avail; /* the last line, without a line end */
		} else {
			w->scanned = avail;
			if (avail > r->opts.max_record)
				return skip_long_line(r, w,
				                      "line longer than the --max-record limit");
			/* give back what was read, then ask for more */
			source_consume(r->src, w->pos);
			w->clean = w->clean > w->pos ? w->clean - w->pos : 0;
			w->pos = 0;
			ssize_t k = source_fill(r->src);
			win_refresh(r, w);
			if (k == -1)
				return reader_fail(r, w->line, source_offset(r->src) + avail, "%s",
				                   source_error(r->src));
			if (k == -2)
				return skip_long_line(r, w, "line longer than the window limit");
			if (k == 0)
				w->eof = 1;
			continue;
		}

		uint64_t line = w->line++;
		uint64_t off = w->win_off + w->pos;
		size_t at = w->pos;
		w->pos += adv;
		w->scanned = 0;
		if (eol && n && p[n - 1] == '\r')
			n--; /* the CR of a CRLF; a CR anywhere else is a byte of the value */
		if (off == 0 && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
			p += 3; /* a BOM the source did not see (inside a member) */
			n -= 3;
			at += 3;
		}
		if (n == 0) {
			w->empty++; /* not a record */
			continue;
		}
		if (n > r->opts.max_record)
			return reader_reject(r, line, off, p, n,
			                     "line longer than the --max-record limit (%zu bytes)",
			                     r->opts.max_record);
		if (at + n > w->clean) {
			/* check a block ahead at once; only a line in a dirty one alone */
			size_t from = at > w->clean ? at : w->clean;
			size_t to = from + CLEAN_AHEAD < len ? from + CLEAN_AHEAD : len;
			if (to < at + n)
				to = at + n;
			w->clean = first_unclean(buf, from, to);
			if (at + n > w->clean) {
				size_t bad;
				const char *why = reader_check_value(p, n, &bad);
				if (why)
					return reader_reject(r, line, off, p, n,
					                     "%s at byte %zu of the line", why,
					                     bad);
			}
		}
		w->field.val = p;
		w->field.len = n;
		rec->fields = &w->field;
		rec->nfields = 1;
		rec->line = line;
		rec->offset = off;
		return DT_OK;
	}
}

static void
wordlist_close(struct reader *r)
{
	free(r->state);
}

static void
wordlist_describe(struct reader *r, describe_fn fn, void *ctx)
{
	struct wordlist *w = r->state;
	char n[32];

	fn(ctx, "line_ends", w->crlf ? "CRLF" : "LF");
	snprintf(n, sizeof(n), "%llu", (unsigned long long)w->empty);
	fn(ctx, "empty_lines", n);
}

const struct format format_wordlist = {
    .name = "lines",
    .bid = wordlist_bid,
    .open = wordlist_open,
    .next = wordlist_next,
    .close = wordlist_close,
    .describe = wordlist_describe,
};
