/*
 * Charset detection; see charset.h. The single-byte code pages are scored
 * by the letter frequencies of Russian text after decoding the sample's
 * high bytes through each candidate: the right code page yields common
 * letters (о, е, а, и, н), the wrong ones yield rare letters or box
 * drawing. The byte-to-code-point tables come from iconv itself, so no
 * code page is typed in by hand.
 */
#include "config.h"

#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "formats/charset.h"

struct codepage {
	const char *name;
	const char *iconv;
	unsigned map[128]; /* code point of byte 0x80 + i, 0 when undefined */
};

static struct codepage pages[] = {
	{ "cp1251", "CP1251", { 0 } },
	{ "koi8-r", "KOI8-R", { 0 } },
	{ "cp866", "CP866", { 0 } },
};
#define NPAGES (sizeof(pages) / sizeof(pages[0]))

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void
build_tables(void)
{
	for (size_t k = 0; k < NPAGES; k++) {
		iconv_t cd = iconv_open("UTF-32LE", pages[k].iconv);
		if (cd == (iconv_t)-1)
			continue;
		for (int b = 0x80; b < 0x100; b++) {
			char in = (char)b, out[8];
			char *ip = &in, *op = out;
			size_t il = 1, ol = sizeof(out);
			iconv(cd, NULL, NULL, NULL, NULL);
			if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && ol == 4) {
				unsigned char *u = (unsigned char *)out;
				pages[k].map[b - 0x80] = u[0] | u[1] << 8 | u[2] << 16 | (unsigned)u[3] << 24;
			}
		}
		iconv_close(cd);
	}
}

/* Per-mille frequency of the Russian letters а..я (ё folded into е). */
static const double ru_freq[32] = {
	80.1, 15.9, 45.4, 17.0, 29.8, 84.5, 9.4,  16.5, 73.5, 12.1, 34.9,
	44.0, 32.1, 67.0, 109.7, 28.1, 47.3, 54.7, 62.6, 26.2, 2.6, 9.7,
	4.8,  14.4, 7.3,  3.6,  0.4,  19.0, 17.4, 3.2,  6.4,  20.1,
};

/* Score of one decoded code point: log-frequency, or a penalty. */
static double
letter_score(unsigned cp)
{
	if (cp >= 0x0410 && cp <= 0x042F)
		cp += 0x20; /* upper to lower */
	if (cp >= 0x0430 && cp <= 0x044F)
		return log(ru_freq[cp - 0x0430] + 0.5);
	if (cp == 0x0401 || cp == 0x0451)
		return log(ru_freq[5] * 0.05 + 0.5);
	if (cp >= 0x0400 && cp <= 0x04FF)
		return 0.0; /* other Cyrillic: Kazakh, Ukrainian letters */
	if (cp == 0x00A0 || cp == 0x00AB || cp == 0x00BB || cp == 0x2116 ||
	    cp == 0x2013 || cp == 0x2014 || cp == 0x2018 || cp == 0x2019 ||
	    cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x00B0)
		return 0.0; /* typographic punctuation */
	return -8.0;	    /* box drawing, undefined, symbols */
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
	if ((eof ? utf8_invalid(sample, n) : utf8_invalid_prefix(sample, n)) == (size_t)-1) {
		g->name = "utf-8";
		return;
	}
	/*
	 * A dump that declares UTF-8 (mysqldump's SET NAMES utf8mb4, pg_dump's
	 * client_encoding) is UTF-8 whatever else it holds: the bytes that
	 * are not are BLOBs dumped raw, which the reader keeps as binary.
	 */
	if (memmem(sample, n, "SET NAMES utf8", 14) ||
	    memmem(sample, n, "client_encoding = 'UTF8'", 24)) {
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
	if (good >= 8 && good >= bad * 8) {
		g->name = "utf-8";
		g->confident = 0;
		return;
	}

	pthread_once(&tables_once, build_tables);
	double best = -1e300;
	size_t bestk = 0;
	for (size_t k = 0; k < NPAGES; k++) {
		double s = 0;
		for (size_t i = 0; i < n; i++)
			if (p[i] >= 0x80)
				s += letter_score(pages[k].map[p[i] - 0x80]);
		if (s > best) {
			best = s;
			bestk = k;
		}
	}
	g->name = pages[bestk].name;
	g->iconv = pages[bestk].iconv;
	/* Mostly penalties: not Cyrillic text at all; say so. */
	g->confident = best > 0;
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
		{ "latin1", "iso-8859-1", "ISO-8859-1" },
		{ "cp1252", "cp1252", "CP1252" },
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
