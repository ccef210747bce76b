/*
 * Character set detection for the bytes at the start of a stream: a BOM,
 * the NUL pattern of UTF-16, valid UTF-8, or the single-byte code page
 * whose decoding reads most like text of its languages: a Cyrillic one
 * (CP1251, KOI8-R, CP866) for Russian or Kazakh, a Western one (CP1252,
 * ISO-8859-15, ISO-8859-1) for Portuguese, Spanish, French, German and
 * their neighbours. Pure function of the sample: no I/O.
 */
#ifndef DT_CHARSET_H
#define DT_CHARSET_H

#include <stddef.h>

struct charset_guess {
	const char *name;  /* our name: "utf-8", "utf-16le", "cp1251", "cp1252", ... */
	const char *iconv; /* name for iconv_open(), NULL for UTF-8 as is */
	size_t bom_len;	   /* bytes of byte-order mark to skip */
	int confident;	   /* 0 when the guess is a fallback */
	/*
	 * Mixed: UTF-8 lines and lines of a code page in one file (a dump
	 * stitched from sources of two encodings). name is "utf-8", and a
	 * line that charset_line_kind() calls the page's is decoded from
	 * this page ("cp1251" and "CP1251"); NULL otherwise.
	 */
	const char *line_name, *line_iconv;
	/*
	 * UTF-8 by its sample, not declared so, and more to come: the lines
	 * after the sample are watched, and a code page's among them turn
	 * the stream to mixed from there (charset_later_page()).
	 */
	int watch;
};

/*
 * Guesses the charset of sample[0..n); eof says whether the sample is the
 * whole stream (so a sequence cut at its end is an error, not a cut).
 */
void charset_detect(const char *sample, size_t n, int eof, struct charset_guess *g);

/*
 * Maps a user's --encoding to an iconv name and our canonical name;
 * returns -1 when iconv does not know it.
 */
int charset_lookup(const char *user, struct charset_guess *g);

/*
 * A line's bytes: 1 when they are UTF-8, 0 when they hold bytes that are
 * not, at least as many as the multi-byte UTF-8 characters among them (a
 * code page's line), -1 when they hold fewer (a broken UTF-8 line). A
 * sequence cut off at the end of p[0..n) counts as UTF-8 when cut is set.
 */
int charset_line_kind(const char *p, size_t n, int cut);

/*
 * After a UTF-8 sample, p[0..n) from a line that is not UTF-8 on: 1 when
 * its code page lines (one at least, MIXED_LETTERS bytes past ASCII) read
 * as text in one page, g->line_name and line_iconv set to it.
 */
int charset_later_page(const char *p, size_t n, int eof, struct charset_guess *g);

#endif
