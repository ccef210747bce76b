/*
 * The format registry and the reader bookkeeping common to every format:
 * bidding, counting, and keeping the first rejections. See format.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "core/utf8.h"
#include "formats/format.h"

extern const struct format format_csv;
extern const struct format format_json;
extern const struct format format_sql;
extern const struct format format_xml;
extern const struct format format_combo;
extern const struct format format_bson;
extern const struct format format_sqlite;
extern const struct format format_pgdump;
extern const struct format format_xlsx;
extern const struct format format_xls;
extern const struct format format_wordlist;

/* Ties go to the earlier entry; csv, the fallback, bids lowest. */
const struct format *const formats[] = {
	&format_json,
	&format_sql,
	&format_xml,
	&format_combo,
	&format_pgdump,
	&format_wordlist, /* bids 2, only where no table is: before csv */
	&format_csv,
	&format_sqlite, /* binary: identifies, does not bid */
	&format_xlsx, /* binary: identifies, does not bid */
	&format_xls,
	&format_bson, /* binary: identifies, does not bid */
	NULL,
};

#define BID_SAMPLE (64u << 10)

void
reader_opts_init(struct reader_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_record = 16u << 20;
	o->max_fields = 65536;
}

const struct format *
format_find(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

int
format_is_binary(const char *name)
{
	const struct format *f = name ? format_find(name) : NULL;
	return f && f->identify;
}

const struct format *
format_identify(const char *raw, size_t len, int eof)
{
	return format_identify_min(raw, len, eof, 1);
}

const struct format *
format_identify_min(const char *raw, size_t len, int eof, int min)
{
	const struct format *best = NULL;
	int score = min - 1;

	for (size_t i = 0; formats[i]; i++) {
		if (!formats[i]->identify)
			continue;
		int b = formats[i]->identify(raw, len, eof);
		if (b > score) {
			score = b;
			best = formats[i];
		}
	}
	return best;
}

const char *
format_not_a_dump(const char *raw, size_t len)
{
	static const struct {
		size_t off, len;
		const char *magic, *what;
	} k[] = {
	    {0, 5, "%PDF-", "a PDF document"},
	    {0, 8, "\x89PNG\r\n\x1a\n", "a PNG image"},
	    {0, 3, "\xff\xd8\xff", "a JPEG image"},
	    {0, 6, "GIF87a", "a GIF image"},
	    {0, 6, "GIF89a", "a GIF image"},
	    {0, 4, "II*\0", "a TIFF image"},
	    {0, 4, "MM\0*", "a TIFF image"},
	    {8, 4, "WEBP", "a WebP image"},
	    {8, 4, "WAVE", "a WAV sound"},
	    {8, 4, "AVI ", "an AVI video"},
	    {4, 4, "ftyp", "an MP4 or QuickTime video"},
	    {0, 4, "\x1a\x45\xdf\xa3", "a Matroska or WebM video"},
	    {0, 4, "OggS", "an Ogg stream"},
	    {0, 4, "fLaC", "a FLAC sound"},
	    {0, 3, "ID3", "an MP3 sound"},
	    {0, 4, "\x7f" "ELF", "an ELF executable"},
	    {0, 4, "\xfe\xed\xfa\xce", "a Mach-O executable"},
	    {0, 4, "\xfe\xed\xfa\xcf", "a Mach-O executable"},
	    {0, 4, "\xce\xfa\xed\xfe", "a Mach-O executable"},
	    {0, 4, "\xcf\xfa\xed\xfe", "a Mach-O executable"},
	    {0, 4, "\xca\xfe\xba\xbe", "a Java class or Mach-O executable"},
	    {0, 4, "\0asm", "a WebAssembly module"},
	    {0, 8, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 document (Word, Outlook, ...)"},
	    {30, 8, "mimetype", "an OpenDocument file"},
	};
	const unsigned char *p = (const unsigned char *)raw;

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (len < k[i].off + k[i].len ||
		    memcmp(raw + k[i].off, k[i].magic, k[i].len))
			continue;
		if (k[i].off == 8 && memcmp(raw, "RIFF", 4))
			continue; /* WEBP, WAVE, AVI live in a RIFF container */
		if (k[i].off == 30 && memcmp(raw, "PK\x03\x04", 4))
			continue; /* an ODF zip names its mimetype entry first */
		return k[i].what;
	}
	/* a Windows executable: MZ, and its PE header where e_lfanew says */
	if (len >= 64 && p[0] == 'M' && p[1] == 'Z') {
		uint32_t off = (uint32_t)p[60] | (uint32_t)p[61] << 8 | (uint32_t)p[62] << 16 |
		               (uint32_t)p[63] << 24;
		if (off + 4 <= len && !memcmp(raw + off, "PE\0\0", 4))
			return "a Windows executable";
	}
	/* a BMP image: BM, a size, then four reserved zero bytes */
	if (len >= 14 && p[0] == 'B' && p[1] == 'M' && !p[6] && !p[7] && !p[8] && !p[9])
		return "a BMP image";
	return NULL;
}

size_t
reader_peek(struct reader *r, size_t want, int *status)
{
	size_t len;
	*status = 0;
	source_data(r->src, &len);
	while (len < want) {
		ssize_t n = source_fill(r->src);
		if (n == 0)
			break;
		if (n < 0) {
			*status = (int)n;
			break;
		}
		source_data(r->src, &len);
	}
	return len;
}

int
reader_open(struct reader *r, struct source *src, const struct reader_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->src = src;
	r->opts = *o;
	if (o->format) {
		r->fmt = format_find(o->format);
		if (!r->fmt)
			return reader_fail(r, 0, 0, "unknown format '%s'", o->format);
	} else if ((r->fmt = source_format(src)) != NULL) {
		/* identified by its raw bytes: a binary format */
	} else {
		int st, best = -1;
		size_t len = reader_peek(r, BID_SAMPLE, &st);
		const char *buf = source_data(src, &len);
		int eof = st == 0 && len < BID_SAMPLE;

		if (st == -1)
			return reader_fail(r, 0, len, "%s", source_error(src));
		for (size_t i = 0; formats[i]; i++) {
			if (!formats[i]->bid)
				continue; /* binary formats identify, they do not bid */
			int b = formats[i]->bid(buf, len, eof);
			if (b > best) {
				best = b;
				r->fmt = formats[i];
			}
		}
	}
	return r->fmt->open(r);
}

static void
note_rejection(struct reader *r)
{
	if (r->nfirst < READER_FIRST_REJECTIONS)
		r->first[r->nfirst++] = r->last;
}

int
reader_next(struct reader *r, struct record *rec)
{
	int st;

	if (r->failed)
		return DT_EOF;
	rec->table = NULL;
	st = r->fmt->next(r, rec);
	if (st == DT_OK)
		r->parsed++;
	else if (st == DT_WARN) {
		r->rejected++;
		note_rejection(r);
	} else if (st == DT_FAILED) {
		r->failed = 1;
		note_rejection(r);
	}
	return st;
}

void
reader_describe(struct reader *r, describe_fn fn, void *ctx)
{
	fn(ctx, "format", r->fmt->name);
	if (r->fmt->describe && r->state)
		r->fmt->describe(r, fn, ctx);
}

void
reader_close(struct reader *r)
{
	if (r->fmt && r->fmt->close)
		r->fmt->close(r);
	r->state = NULL;
}

static void
vset(struct reader *r, uint64_t line, uint64_t offset, const char *fmt, va_list ap)
{
	r->last.line = line;
	r->last.offset = offset;
	vsnprintf(r->last.reason, sizeof(r->last.reason), fmt, ap);
}

int
reader_reject(struct reader *r, uint64_t line, uint64_t offset, const char *raw, size_t raw_len,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(r, line, offset, fmt, ap);
	va_end(ap);
	r->raw = raw;
	r->raw_len = raw_len;
	r->raw_truncated = 0;
	return DT_WARN;
}

int
reader_fail(struct reader *r, uint64_t line, uint64_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(r, line, offset, fmt, ap);
	va_end(ap);
	r->raw = NULL;
	r->raw_len = 0;
	return DT_FAILED;
}

const char *
format_sep_name(unsigned char sep, char buf[8])
{
	if (sep == '\t')
		snprintf(buf, 8, "\\t");
	else
		snprintf(buf, 8, "%c", sep);
	return buf;
}

const char *
reader_check_value(const char *p, size_t n, size_t *at)
{
	size_t bad = utf8_invalid(p, n);
	const char *nul = memchr(p, '\0', bad == (size_t)-1 ? n : bad);

	if (nul) {
		*at = (size_t)(nul - p);
		return "NUL byte";
	}
	if (bad != (size_t)-1) {
		*at = bad;
		return "invalid UTF-8";
	}
	return NULL;
}
