/*
 * Charset detection; see charset.h. A sample that is not UTF-8 is decoded
 * through each single-byte code page (the byte-to-code-point tables come
 * from iconv itself, so no code page is typed in by hand) and the one
 * whose decoding reads most like text in its languages wins:
 *
 *  - each high byte scores the log-frequency of the letter it decodes to,
 *    in Russian for Cyrillic letters (о, е, а, и, н are common) and in the
 *    Western languages for accented Latin ones (é, á, í, ó, à, ä, ü, ç,
 *    ã ... per mille of the letters of Portuguese, Spanish, French, German,
 *    Italian and the Nordic languages); typographic punctuation scores 0,
 *    rarer symbols less, box drawing, C1 controls and undefined bytes much
 *    less;
 *  - and by its neighbours, because a wrong code page turns letters into
 *    letters too (CP1251 reads "Luís" as "Luнs", CP1252 reads "Иванов" as
 *    "Èâàíîâ"): a Cyrillic letter next to an ASCII letter is a word of two
 *    scripts, which Cyrillic text does not write, while every accented
 *    letter of Western text sits inside an ASCII word; an accented Latin
 *    letter between two other non-ASCII letters (a run of three) is what
 *    Cyrillic words decoded as Latin-1 look like and Western words almost
 *    never are, and one alone, no letter beside it, is a Russian one-letter
 *    word (в, с, к) unless it is the à, è, é or ó that are words of French,
 *    Italian, Portuguese and Spanish; a Cyrillic letter alone counts only
 *    on a line that holds other Cyrillic letters (Cyrillic text is mostly
 *    high bytes, Western text mostly ASCII: "É Uma Partida" is no "И"),
 *    and a sign inside an ASCII word ("S°nder" for "Sønder") is a letter
 *    misread, unless it is an apostrophe (don’t).
 *
 * Among the Western pages the bytes decide: CP1252 puts punctuation (’ “ ”
 * – — … €) and Š Œ Ž š œ ž Ÿ at 0x80-0x9F, where ISO-8859-1 and -15 have C1
 * controls that no text holds; ISO-8859-15 differs from -1 at eight bytes
 * (€ at 0xA4 for ¤, Š š Ž ž Œ œ Ÿ for ¦ ¨ ´ ¸ ¼ ½ ¾). A sample with none of
 * those decodes alike in the three and is called CP1252, whose printable
 * characters are a superset of ISO-8859-1's, so that the rest of the
 * stream still converts if it holds a ’ or a €. ISO-8859-1 is chosen only when
 * the sample holds a byte that CP1252 leaves undefined (0x81 0x8D 0x8F
 * 0x90 0x9D), which only it can convert.
 */
#include "config.h"

#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "formats/charset.h"

enum { C_OTHER, C_CYR, C_LAT }; /* what a high byte decodes to */

struct codepage {
	const char *name;
	const char *iconv;
	unsigned map[128];	/* code point of byte 0x80 + i, 0 when undefined */
	double score[128];	/* cp_score() of map[i] */
	unsigned char cls[128]; /* C_CYR, C_LAT or C_OTHER */
};

/* Ties go to the earlier page: CP1252 before the ISO pages it covers, -1 before -15. */
static struct codepage pages[] = {
	{ "cp1251", "CP1251", { 0 }, { 0 }, { 0 } },
	{ "koi8-r", "KOI8-R", { 0 }, { 0 }, { 0 } },
	{ "cp866", "CP866", { 0 }, { 0 }, { 0 } },
	{ "cp1252", "WINDOWS-1252", { 0 }, { 0 }, { 0 } },
	{ "iso-8859-1", "ISO-8859-1", { 0 }, { 0 }, { 0 } },
	{ "iso-8859-15", "ISO-8859-15", { 0 }, { 0 }, { 0 } },
};
#define NPAGES (sizeof(pages) / sizeof(pages[0]))
#define SAMPLE_FOREIGN (64u << 10) /* code page lines of a sample scored together */
#define MIXED_LETTERS 24	   /* of them, at least, to call a file mixed */

/* Per-mille frequency of the Russian letters а..я (ё folded into е). */
static const double ru_freq[32] = {
	80.1, 15.9, 45.4, 17.0, 29.8, 84.5, 9.4,  16.5, 73.5, 12.1, 34.9,
	44.0, 32.1, 67.0, 109.7, 28.1, 47.3, 54.7, 62.6, 26.2, 2.6, 9.7,
	4.8,  14.4, 7.3,  3.6,  0.4,  19.0, 17.4, 3.2,  6.4,  20.1,
};

/*
 * Per-mille frequency of the accented letters à..ÿ (U+00E0..U+00FF, ÷ a
 * symbol) among all the letters of Western text, pooled over Portuguese,
 * Spanish, French, German, Italian and the Nordic languages: é for
 * French, á í ó ã ç for Portuguese and Spanish, ä ö ü for German.
 */
static const double west_freq[32] = {
	3.0, 3.0, 0.8, 1.5, 3.0, 0.8, 0.3, 2.0, /* à á â ã ä å æ ç */
	2.0, 8.0, 1.0, 0.2, 0.3, 3.0, 0.4, 0.2, /* è é ê ë ì í î ï */
	0.1, 1.0, 0.3, 3.0, 0.5, 0.3, 2.0, 0.0, /* ð ñ ò ó ô õ ö ÷ */
	0.5, 0.2, 1.0, 0.2, 2.0, 0.1, 0.1, 0.05, /* ø ù ú û ü ý þ ÿ */
};

#define P_JUNK (-8.0)	   /* box drawing, C1 controls, symbols no text uses */
#define P_UNDEF (-10.0)	   /* a byte the code page does not define: lost */
#define P_SYMBOL (-3.0)	   /* Latin-1 signs that text seldom holds: ¤ ¦ ¨ ± ¼ ... */
#define P_MIXED (-10.0)	   /* a Cyrillic letter touching an ASCII letter */
#define P_RUN (-6.0)	   /* an accented Latin letter inside a run of three */
#define P_ALONE (-4.0)	   /* a letter with no letter beside it (see page_score()) */

/* Score of one decoded code point (its class in *cls): log-frequency, or a penalty. */
static double
cp_score(unsigned cp, unsigned char *cls)
{
	*cls = C_OTHER;
	if (cp == 0)
		return P_UNDEF;
	if (cp >= 0x0410 && cp <= 0x042F)
		cp += 0x20; /* upper to lower */
	if (cp >= 0x0400 && cp <= 0x04FF)
		*cls = C_CYR;
	if (cp >= 0x0430 && cp <= 0x044F)
		return log(ru_freq[cp - 0x0430] + 0.5);
	if (cp == 0x0401 || cp == 0x0451)
		return log(ru_freq[5] * 0.05 + 0.5);
	if (cp >= 0x0400 && cp <= 0x04FF)
		return 0.0; /* other Cyrillic: Kazakh, Ukrainian letters */

	/* Latin letters: upper to lower, then the Western frequencies */
	if (cp >= 0x00C0 && cp <= 0x00DE && cp != 0x00D7)
		cp += 0x20;
	else if (cp == 0x0152 || cp == 0x0160 || cp == 0x017D)
		cp++; /* Œ Š Ž */
	else if (cp == 0x0178)
		cp = 0x00FF; /* Ÿ */
	if ((cp >= 0x00DF && cp <= 0x00FF && cp != 0x00F7) || cp == 0x0153 || cp == 0x0161 ||
	    cp == 0x017E) {
		*cls = C_LAT;
		double f = cp == 0x00DF ? 0.8 : cp > 0x00FF ? 0.2 : west_freq[cp - 0x00E0];
		return log(f + 0.5);
	}

	switch (cp) {
	case 0x00A0: case 0x00AB: case 0x00BB: case 0x2116: case 0x2013: case 0x2014:
	case 0x2018: case 0x2019: case 0x201A: case 0x201C: case 0x201D: case 0x201E:
	case 0x00B0: case 0x2026: case 0x2022: case 0x20AC: case 0x00A3: case 0x00A7:
	case 0x00A9: case 0x00AE: case 0x2122: case 0x00A1: case 0x00BF: case 0x00BA:
	case 0x00AA: case 0x00B7: case 0x00B4:
		return 0.0; /* typographic punctuation, currencies, ordinals */
	}
	if ((cp >= 0x00A1 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7 || cp == 0x0192 ||
	    (cp >= 0x2020 && cp <= 0x2030) || cp == 0x02C6 || cp == 0x02DC || cp == 0x2039 ||
	    cp == 0x203A)
		return P_SYMBOL;
	return P_JUNK; /* box drawing, C1 controls, undefined */
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void
build_tables(void)
{
	for (size_t k = 0; k < NPAGES; k++) {
		iconv_t cd = iconv_open("UTF-32LE", pages[k].iconv);
		if (cd != (iconv_t)-1) {
			for (int b = 0x80; b < 0x100; b++) {
				char in = (char)b, out[8];
				char *ip = &in, *op = out;
				size_t il = 1, ol = sizeof(out);
				iconv(cd, NULL, NULL, NULL, NULL);
				if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && ol == 4) {
					unsigned char *u = (unsigned char *)out;
					pages[k].map[b - 0x80] = u[0] | u[1] << 8 | u[2] << 16 |
								 (unsigned)u[3] << 24;
				}
			}
			iconv_close(cd);
		}
		for (int i = 0; i < 128; i++)
			pages[k].score[i] = cp_score(pages[k].map[i], &pages[k].cls[i]);
	}
}

static int
ascii_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Is cp a mark that may stand inside a word: an apostrophe (don’t, d´Ávila)? */
static int
apostrophe(unsigned cp)
{
	return cp == 0x2019 || cp == 0x2018 || cp == 0x00B4 || cp == 0x02BC;
}

/* How much p[0..n) reads like text through code page cp; see the top. */
static double
page_score(const struct codepage *cp, const unsigned char *p, size_t n)
{
	double s = 0;
	size_t line = 0, cyr = 0; /* the line's start; its Cyrillic letters */

	for (size_t i = 0; i < n; i++) {
		if (i == line) {
			/* a new line: how many Cyrillic letters it holds */
			cyr = 0;
			for (size_t j = i; j < n && p[j] != '\n'; j++)
				cyr += p[j] >= 0x80 && cp->cls[p[j] - 0x80] == C_CYR;
		}
		if (p[i] == '\n')
			line = i + 1;
		if (p[i] < 0x80)
			continue;
		unsigned char c = cp->cls[p[i] - 0x80];
		unsigned char a = i > 0 ? p[i - 1] : ' ', b = i + 1 < n ? p[i + 1] : ' ';
		int near_ascii = ascii_letter(a) || ascii_letter(b);
		int la = a >= 0x80 && cp->cls[a - 0x80] != C_OTHER;
		int lb = b >= 0x80 && cp->cls[b - 0x80] != C_OTHER;
		s += cp->score[p[i] - 0x80];
		if (c == C_OTHER) {
			/* a sign inside an ASCII word ("S°nder"): a letter misread */
			if (ascii_letter(a) && ascii_letter(b) && !apostrophe(cp->map[p[i] - 0x80]))
				s += P_SYMBOL;
		} else if (c == C_CYR) {
			if (near_ascii)
				s += P_MIXED;
			else if (!la && !lb && cyr < 2)
				s += P_ALONE; /* a one-letter "word" on a line of no other Cyrillic */
		} else if (la && lb)
			s += P_RUN;
		else if (!near_ascii && !la && !lb) {
			unsigned u = cp->map[p[i] - 0x80] | 0x20; /* à è é ó and capitals */
			if (u != 0xE0 && u != 0xE8 && u != 0xE9 && u != 0xF3)
				s += P_ALONE;
		}
	}
	return s;
}

static int mixed(const char *sample, size_t n, int eof, struct charset_guess *g);
static int lines_page(const char *sample, size_t n, int eof, size_t utf8_min, struct charset_guess *g);

/* The page whose decoding of p[0..n) reads most like text; its score in *best. */
static size_t
best_page(const unsigned char *p, size_t n, double *best)
{
	size_t bestk = 0;
	*best = -1e300;
	for (size_t k = 0; k < NPAGES; k++) {
		double s = page_score(&pages[k], p, n);
		if (s > *best) {
			*best = s;
			bestk = k;
		}
	}
	return bestk;
}

void
charset_detect(const char *sample, size_t n, int eof, struct charset_guess *g)
{
	const unsigned char *p = (const unsigned char *)sample;

	memset(g, 0, sizeof(*g));
	g->confident = 1;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		g->name = "utf-8-bom";
		g->bom_len = 3;
		return;
	}
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		g->name = "utf-16le";
		g->iconv = "UTF-16LE";
		g->bom_len = 2;
		return;
	}
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		g->name = "utf-16be";
		g->iconv = "UTF-16BE";
		g->bom_len = 2;
		return;
	}
	/* UTF-16 without a BOM: ASCII text leaves every other byte NUL. */
	if (n >= 4) {
		size_t even0 = 0, odd0 = 0, pairs = n / 2;
		for (size_t i = 0; i + 1 < n; i += 2) {
			even0 += p[i] == 0;
			odd0 += p[i + 1] == 0;
		}
		if (odd0 * 10 > pairs * 3 && even0 * 10 < pairs) {
			g->name = "utf-16le";
			g->iconv = "UTF-16LE";
			return;
		}
		if (even0 * 10 > pairs * 3 && odd0 * 10 < pairs) {
			g->name = "utf-16be";
			g->iconv = "UTF-16BE";
			return;
		}
	}
	int declared = memmem(sample, n, "SET NAMES utf8", 14) ||
		       memmem(sample, n, "client_encoding = 'UTF8'", 24);
	if ((eof ? utf8_invalid(sample, n) : utf8_invalid_prefix(sample, n)) == (size_t)-1) {
		g->name = "utf-8";
		g->watch = !declared && !eof;
		return;
	}
	/*
	 * A dump that declares UTF-8 (mysqldump's SET NAMES utf8mb4, pg_dump's
	 * client_encoding) is UTF-8 whatever else it holds: the bytes that
	 * are not are BLOBs dumped raw, which the reader keeps as binary.
	 */
	if (declared) {
		g->name = "utf-8";
		return;
	}
	/*
	 * Mostly well-formed UTF-8 with a few stray bytes is UTF-8 with errors
	 * (the reader rejects those records), not a code page: converting it
	 * would turn every real Cyrillic letter into two wrong ones.
	 */
	size_t good = 0, bad = 0;
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_invalid_prefix(sample + i, n - i < 4 ? n - i : 4);
		size_t l = p[i] < 0xE0 ? 2 : p[i] < 0xF0 ? 3 : 4;
		if (k == (size_t)-1 || k >= l) {
			good++;
			i += l;
		} else {
			bad++;
			i++;
		}
	}
	pthread_once(&tables_once, build_tables);
	if (good >= 8 && mixed(sample, n, eof, g))
		return;
	if (good >= 8 && good >= bad * 8) {
		g->name = "utf-8";
		g->confident = 0;
		g->watch = !eof;
		return;
	}

	double best;
	size_t bestk = best_page(p, n, &best);
	g->name = pages[bestk].name;
	g->iconv = pages[bestk].iconv;
	/* Mostly penalties: not text in any of them; say so. */
	g->confident = best > 0;
}

int
charset_line_kind(const char *p, size_t n, int cut)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t good = 0, bad = 0;
	for (size_t i = 0; i < n;) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = u[i] < 0xE0 ? 2 : u[i] < 0xF0 ? 3 : 4;
		size_t k = utf8_invalid_prefix(p + i, n - i < l ? n - i : l);
		if (k == (size_t)-1 && (i + l <= n || cut)) {
			good++;
			i += l;
		} else {
			bad++;
			i++;
		}
	}
	/* a code page's letters make a UTF-8 character now and then (CP1251 "ё"
	 * after "П" is one): a line is the page's when most of its bytes are not */
	return !bad ? 1 : bad >= good ? 0 : -1;
}

/*
 * Mixed UTF-8 and code page lines (see charset.h): at least two lines of
 * each kind in the sample, the code page lines holding MIXED_LETTERS bytes
 * past ASCII or more (a few stray bytes are no text), and together text in
 * one of the pages. 1 when g was set so.
 */
static int
mixed(const char *sample, size_t n, int eof, struct charset_guess *g)
{
	if (!lines_page(sample, n, eof, 2, g))
		return 0;
	g->name = "utf-8";
	g->confident = 1;
	return 1;
}

int
charset_later_page(const char *p, size_t n, int eof, struct charset_guess *g)
{
	pthread_once(&tables_once, build_tables);
	return lines_page(p, n, eof, 0, g);
}

/*
 * The page of the code page lines of p[0..n): at least two of them (one
 * when utf8_min is 0), MIXED_LETTERS bytes past ASCII in them, utf8_min
 * UTF-8 lines with such bytes beside them, and together text in the page
 * (g->line_name and line_iconv set). 1 when so.
 */
static int
lines_page(const char *sample, size_t n, int eof, size_t utf8_min, struct charset_guess *g)
{
	static _Thread_local unsigned char foreign[SAMPLE_FOREIGN];
	size_t nf = 0, cp_lines = 0, utf8_lines = 0, high = 0;
	for (size_t at = 0; at < n;) {
		const char *nl = memchr(sample + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - sample) : n;
		if (!nl && !eof)
			break; /* a line cut by the sample's end says nothing */
		int k = charset_line_kind(sample + at, end - at, 0);
		if (k == 0) {
			cp_lines++;
			for (size_t i = at; i < end; i++)
				high += (unsigned char)sample[i] >= 0x80;
			size_t take = end - at < SAMPLE_FOREIGN - nf ? end - at : SAMPLE_FOREIGN - nf;
			memcpy(foreign + nf, sample + at, take);
			nf += take;
			if (nf < SAMPLE_FOREIGN)
				foreign[nf++] = '\n';
		} else if (k == 1) {
			for (size_t i = at; i < end; i++)
				if ((unsigned char)sample[i] >= 0x80) {
					utf8_lines++;
					break;
				}
		}
		at = end + 1;
	}
	if (cp_lines < (utf8_min ? 2u : 1u) || utf8_lines < utf8_min || high < MIXED_LETTERS)
		return 0;
	double best;
	size_t bestk = best_page(foreign, nf, &best);
	if (best <= 0)
		return 0; /* stray bytes, not text: UTF-8 with errors */
	g->line_name = pages[bestk].name;
	g->line_iconv = pages[bestk].iconv;
	return 1;
}

int
charset_lookup(const char *user, struct charset_guess *g)
{
	static const struct {
		const char *alias, *name, *iconv;
	} known[] = {
		{ "utf-8", "utf-8", NULL },	  { "utf8", "utf-8", NULL },
		{ "utf-16le", "utf-16le", "UTF-16LE" }, { "utf-16be", "utf-16be", "UTF-16BE" },
		{ "cp1251", "cp1251", "CP1251" }, { "windows-1251", "cp1251", "CP1251" },
		{ "koi8-r", "koi8-r", "KOI8-R" }, { "koi8r", "koi8-r", "KOI8-R" },
		{ "cp866", "cp866", "CP866" },	  { "ibm866", "cp866", "CP866" },
		{ "cp1252", "cp1252", "WINDOWS-1252" }, { "windows-1252", "cp1252", "WINDOWS-1252" },
		{ "iso-8859-1", "iso-8859-1", "ISO-8859-1" }, { "latin1", "iso-8859-1", "ISO-8859-1" },
		{ "iso-8859-15", "iso-8859-15", "ISO-8859-15" }, { "latin9", "iso-8859-15", "ISO-8859-15" },
	};
	memset(g, 0, sizeof(*g));
	g->confident = 1;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcasecmp(user, known[i].alias)) {
			g->name = known[i].name;
			g->iconv = known[i].iconv;
			return 0;
		}
	iconv_t cd = iconv_open("UTF-8", user);
	if (cd == (iconv_t)-1)
		return -1;
	iconv_close(cd);
	g->name = user;
	g->iconv = user;
	return 0;
}
