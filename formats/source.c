/*
 * Byte sources; see source.h.
 *
 * Three layers, bottom up:
 *  - a raw stream: a file descriptor, or the data of one libarchive entry,
 *    with the few bytes already peeked to sniff it replayed first;
 *  - an archive stack: libarchive readers, each reading from a raw stream
 *    of the level below, so that a .csv.gz inside a .tar.zst is reached by
 *    two levels without touching the disk;
 *  - the window: UTF-8 bytes for the reader, filled by read() or by
 *    archive_read_data() straight into it, or through iconv from a staging
 *    buffer when the charset is not UTF-8.
 * Buffers are allocated once per input and reused for every member.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/status.h"
#include "core/xalloc.h"
#include "formats/charset.h"
#include "formats/format.h"
#include "formats/source.h"

#define SAMPLE_SIZE (64u << 10)	  /* bytes looked at to guess the charset */
#define MAGIC_SIZE 512		  /* bytes looked at to spot an archive */
#define MAX_DEPTH 6		  /* archives and compressed layers inside each other */
#define RATIO_FLOOR (64ull << 20) /* ratio cap applies past this output */

enum rs_kind { RS_FD, RS_ENTRY, RS_MEM };

struct rawstream {
	enum rs_kind kind;
	int fd;
	const char *mem; /* RS_MEM: the bytes, and how many are left */
	size_t mem_left;
	struct level *lvl; /* RS_ENTRY: the archive it is a member of */
	const char *blk;   /* RS_ENTRY: the block libarchive lent us */
	size_t blk_len;
	char prefix[MAGIC_SIZE];
	size_t prefix_len, prefix_pos;
	uint64_t produced; /* bytes delivered, prefix included */
	int eof;
};

struct level {
	struct input *in;
	struct archive *a;
	struct rawstream *under; /* what this archive reads from */
	char *name;		 /* display name of the archive itself */
	char *cbuf;		 /* libarchive client buffer */
	char compression[64];	 /* that of the stream it was opened over */
	uint64_t out_total;	 /* bytes decompressed from it so far */
	/* where the member being read began: bytes out, compressed bytes in */
	uint64_t member_out0;
	int64_t member_in0;
	int failures;		 /* consecutive header failures */
};

struct source {
	struct input *in;
	struct rawstream *rs;
	char *name;
	char container[16];
	char compression[64];
	struct charset_guess cs;
	int guessed;
	iconv_t cd;
	int unit; /* bytes to skip past an undecodable sequence */
	/*
	 * Mixed UTF-8 and code page lines (charset.h): each line is looked at
	 * whole (up to the staging buffer) and copied, or decoded through
	 * cd_line; ln_left bytes of the line being passed on are left.
	 */
	iconv_t cd_line;
	size_t ln_left;
	int ln_conv;
	uint64_t page_lines;
	char enc[48]; /* "utf-8+cp1251" */
	/* UTF-8 by its sample: later fills watched for a code page's lines
	 * (watch_fill()); wbol: the last fill ended a line */
	int watch, wbol;

	/* staging: raw bytes read but not yet passed on */
	int deferred_fail; /* an error came after the staged bytes */
	char *raw;
	size_t raw_pos, raw_len;
	uint64_t raw_base; /* raw offset of raw[0] */
	int raw_eof;
	int pending_fffd;

	/* window: decoded bytes for the reader */
	char *win;
	size_t win_alloc, start, end;
	uint64_t win_offset; /* decoded offset of win[start] */
	int eof, failed;

	uint64_t bytes_in, bytes_out, bad, first_bad;
	char err[512];
	const struct format *fmt; /* a binary format its raw bytes were identified as */
	int spool_fd;		  /* source_spool()'s unlinked copy, or -1 */
};

struct input {
	struct source_opts o;
	char *path;
	int fd;
	int borrowed; /* fd is an alias's (source_opts), not to be closed */
	int seekable;
	int plain_pending; /* a plain file waits to be yielded */
	int done;
	unsigned count;
	struct rawstream top;
	struct level *stack[MAX_DEPTH];
	struct rawstream *entries[MAX_DEPTH]; /* entry stream per level */
	int depth;
	struct source src;
	int src_open;
	char *raw_buf, *win_buf;
	size_t win_alloc;
};

void
source_opts_init(struct source_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_member_size = 256ull << 30;
	o->max_ratio = 500;
	o->max_window = 64u << 20;
	o->bufsize = 1u << 20;
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int magic_kind(const unsigned char *p, size_t n);

/*
 * Does the start of a stream look like something libarchive must open?
 * 1: a compressed stream (gzip, ..., lz4); 2: an archive (zip, tar, ...).
 * An archive that is a binary dump of its own (an .xlsx is a zip, a
 * pg_dump -Ft archive a tar) is not opened: its reader takes it whole.
 */
static int
magic_is_archive(const unsigned char *p, size_t n)
{
	int kind = magic_kind(p, n);

	if (kind == 2 && (format_identify((const char *)p, n, 0) ||
	                  format_not_a_dump((const char *)p, n)))
		return 0;
	/*
	 * A BSON document 0x..8b1f bytes long starts as gzip does; one whole
	 * and valid in the sample is a document, not a gzip header.
	 */
	if (kind == 1 && format_identify_min((const char *)p, n, 0, 50))
		return 0;
	return kind;
}

/*
 * A tar header without the ustar magic (V7 and old GNU tar): its checksum
 * field, octal, is the sum of the header's bytes with that field counted
 * as spaces. Random text passes this by chance about never.
 */
static int
looks_like_v7_tar(const unsigned char *p, size_t n)
{
	unsigned long want = 0, sum = 0;
	size_t i = 148;

	if (n < 512 || p[0] == 0)
		return 0;
	while (i < 156 && p[i] == ' ')
		i++;
	if (i == 156 || p[i] < '0' || p[i] > '7')
		return 0;
	for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++)
		want = want * 8 + (unsigned long)(p[i] - '0');
	for (; i < 156; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return 0;
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : p[i];
	/* the name and the mode are text: a NUL-padded name, octal digits */
	return sum == want && p[100] >= ' ';
}

/*
 * Does the gzip stream starting at p inflate as far as the sample goes?
 * Its three magic bytes also start a BSON document of 0x..088b1f bytes;
 * zlib tells a real header and deflate data from one in a few bytes.
 */
static int
gzip_inflates(const unsigned char *p, size_t n)
{
	unsigned char out[4096];
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return 1; /* cannot tell: let libarchive try */
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		r = inflate(&z, Z_NO_FLUSH);
	} while (r == Z_OK && z.avail_in > 0);
	inflateEnd(&z);
	return r != Z_DATA_ERROR && r != Z_STREAM_ERROR && r != Z_NEED_DICT;
}

/*
 * A cpio header past its magic: "070701"/"070702" (newc) is followed by 13
 * fields of 8 hex digits, "070707" (odc) by 70 octal digits. Text that
 * starts with an IIN of someone born 2007-07-01 ("070701...") does not.
 */
static int
cpio_header_ok(const unsigned char *p, size_t n)
{
	int odc = p[5] == '7';
	size_t end = odc ? 76 : 110;
	if (n < end)
		return 0;
	for (size_t i = 6; i < end; i++)
		if (odc ? (p[i] < '0' || p[i] > '7') : !isxdigit(p[i]))
			return 0;
	return 1;
}

static int
magic_kind(const unsigned char *p, size_t n)
{
	static const struct {
		size_t off, len;
		const char *m;
	} magics[] = {
		/*
		 * gzip with deflate and no reserved flag; bzip2 with its block
		 * size digit and the magic of a first block or of the end: the
		 * bare two or three bytes also start BSON documents and text.
		 */
		{ 0, 3, "\x1f\x8b\x08" },		/* gzip */
		{ 0, 3, "BZh" },			/* bzip2 */
		{ 0, 6, "\xfd" "7zXZ\0" },		/* xz */
		{ 0, 4, "\x28\xb5\x2f\xfd" },		/* zstd */
		{ 0, 4, "\x04\x22\x4d\x18" },		/* lz4 */
		{ 0, 4, "PK\x03\x04" },			/* zip */
		{ 0, 4, "PK\x05\x06" },			/* empty zip */
		{ 0, 4, "PK\x07\x08" },			/* spanned zip */
		{ 0, 6, "7z\xbc\xaf\x27\x1c" },		/* 7z */
		{ 0, 6, "Rar!\x1a\x07" },		/* rar 4 and 5 */
		{ 257, 5, "ustar" },			/* tar */
		{ 0, 6, "070707" },			/* cpio */
		{ 0, 6, "070701" },
		{ 0, 6, "070702" },
	};
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		if (n < magics[i].off + magics[i].len ||
		    memcmp(p + magics[i].off, magics[i].m, magics[i].len))
			continue;
		if (i == 0 && (n < 4 || (p[3] & 0xe0) || !gzip_inflates(p, n)))
			continue;
		if (i == 1 && (n < 10 || p[3] < '1' || p[3] > '9' ||
			       (memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) &&
				memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6))))
			continue;
		if (magics[i].m[0] == '0' && !cpio_header_ok(p, n))
			continue;
		return i < 5 ? 1 : 2;
	}
	if (n >= 2 && ((p[0] == 0xc7 && p[1] == 0x71) || (p[0] == 0x71 && p[1] == 0xc7)))
		return 2; /* binary cpio */
	return looks_like_v7_tar(p, n) ? 2 : 0;
}

/*
 * Reads up to n raw bytes; 0 at the end, -1 on error (err set). Entry
 * streams enforce the decompression-bomb caps here, where every byte of a
 * member passes.
 */
static ssize_t
raw_read(struct input *in, struct rawstream *rs, char *dst, size_t n, char *err, size_t errlen,
	 const char *name)
{
	ssize_t r;

	if (rs->prefix_pos < rs->prefix_len) {
		size_t k = rs->prefix_len - rs->prefix_pos;
		if (k > n)
			k = n;
		memcpy(dst, rs->prefix + rs->prefix_pos, k);
		rs->prefix_pos += k;
		rs->produced += k;
		return (ssize_t)k;
	}
	if (rs->eof)
		return 0;
	if (rs->kind == RS_MEM) {
		r = (ssize_t)(n < rs->mem_left ? n : rs->mem_left);
		memcpy(dst, rs->mem, (size_t)r);
		rs->mem += r;
		rs->mem_left -= (size_t)r;
	} else if (rs->kind == RS_FD) {
		volatile sig_atomic_t *stop = in->o.stop;
		if (!in->seekable && stop) {
			/*
			 * A pipe or a terminal may stay silent: wait in short
			 * polls, so that a signal that came just before the
			 * read (no EINTR then) still stops it.
			 */
			struct pollfd pf = { .fd = rs->fd, .events = POLLIN };
			while (!*stop && poll(&pf, 1, 200) == 0)
				;
		}
		do
			r = stop && *stop ? (errno = EINTR, -1) : read(rs->fd, dst, n);
		while (r < 0 && errno == EINTR && !(stop && *stop));
		if (r < 0 && errno == EINTR) {
			seterr(err, errlen, "reading '%s' interrupted", name);
			return -1;
		}
		if (r < 0) {
			seterr(err, errlen, "cannot read '%s': %s", name, strerror(errno));
			return -1;
		}
	} else {
		/*
		 * The block API, not archive_read_data(): that one drops the bytes
		 * it had gathered when an error follows them, and a truncated dump
		 * must still yield every record before the cut.
		 */
		struct level *l = rs->lvl;
		while (rs->blk_len == 0) { /* an empty block is not the end: ask again */
			const void *b;
			size_t bl;
			la_int64_t boff;
			int ar = archive_read_data_block(l->a, &b, &bl, &boff);
			if (ar == ARCHIVE_EOF) {
				rs->eof = 1;
				return 0;
			}
			if (ar < ARCHIVE_WARN) {
				const char *m = archive_error_string(l->a);
				seterr(err, errlen, "cannot read '%s': %s", name, m ? m : "archive error");
				return -1;
			}
			rs->blk = b;
			rs->blk_len = bl;
		}
		r = (ssize_t)(n < rs->blk_len ? n : rs->blk_len);
		if (r > 0)
			memcpy(dst, rs->blk, (size_t)r);
		rs->blk += r;
		rs->blk_len -= (size_t)r;
		l->out_total += (uint64_t)r;
		if (rs->produced + (uint64_t)r > in->o.max_member_size) {
			seterr(err, errlen,
			       "'%s': decompressed size passes the cap of %llu bytes "
			       "(--max-member-size); member stopped",
			       name, (unsigned long long)in->o.max_member_size);
			return -1;
		}
		/*
		 * The ratio of the member (its bytes out against the compressed
		 * bytes read since it began, plus one read's worth that may have
		 * come before it: padding elsewhere in the archive cannot dilute
		 * it), and of the archive so far (many small members together).
		 */
		uint64_t mout = l->out_total - l->member_out0;
		if (mout > RATIO_FLOOR || l->out_total > RATIO_FLOOR) {
			int64_t cin = archive_filter_bytes(l->a, -1);
			uint64_t min = (uint64_t)(cin > l->member_in0 ? cin - l->member_in0 : 0) +
				       in->o.bufsize;
			if ((mout > RATIO_FLOOR && mout / min > in->o.max_ratio) ||
			    (l->out_total > RATIO_FLOOR && cin > 0 &&
			     l->out_total / (uint64_t)cin > in->o.max_ratio)) {
				seterr(err, errlen,
				       "'%s': decompression ratio passes %llu:1 (--max-ratio), "
				       "a likely decompression bomb; member stopped",
				       name, (unsigned long long)in->o.max_ratio);
				return -1;
			}
		}
	}
	if (r == 0)
		rs->eof = 1;
	rs->produced += (uint64_t)r;
	return r;
}

/* Fills rs->prefix with up to MAGIC_SIZE bytes of the stream. */
static int
fill_prefix(struct input *in, struct rawstream *rs, char *err, size_t errlen, const char *name)
{
	char tmp[MAGIC_SIZE];
	size_t have = 0;

	while (have < MAGIC_SIZE) {
		ssize_t r = raw_read(in, rs, tmp + have, MAGIC_SIZE - have, err, errlen, name);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		have += (size_t)r;
	}
	memcpy(rs->prefix, tmp, have);
	rs->prefix_len = have;
	rs->prefix_pos = 0;
	rs->produced = 0;
	return 0;
}

/* libarchive callbacks: an archive reads from the raw stream below it. */
static la_ssize_t
level_read_cb(struct archive *a, void *ud, const void **buf)
{
	struct level *l = ud;
	char err[512];
	ssize_t r = raw_read(l->in, l->under, l->cbuf, l->in->o.bufsize, err, sizeof(err), l->name);

	if (r < 0) {
		archive_set_error(a, EIO, "%s", err);
		return -1;
	}
	*buf = l->cbuf;
	return r;
}

static la_int64_t
level_seek_cb(struct archive *a, void *ud, la_int64_t off, int whence)
{
	struct level *l = ud;
	off_t r = lseek(l->under->fd, (off_t)off, whence);
	(void)a;
	l->under->eof = 0; /* zip and 7z read the end first, then come back */
	return r < 0 ? ARCHIVE_FATAL : (la_int64_t)r;
}

static la_int64_t
level_skip_cb(struct archive *a, void *ud, la_int64_t request)
{
	struct level *l = ud;
	off_t cur = lseek(l->under->fd, 0, SEEK_CUR);
	(void)a;
	if (cur < 0 || lseek(l->under->fd, (off_t)request, SEEK_CUR) < 0)
		return 0;
	return request;
}

static void
level_free(struct level *l)
{
	if (!l)
		return;
	archive_read_free(l->a);
	free(l->name);
	free(l->cbuf);
	free(l);
}

/*
 * Opens an archive (or compressed stream) over rs. Seeking is offered only
 * on a regular file at the top, which 7z and zip's central directory use.
 */
static int
level_push(struct input *in, struct rawstream *rs, const char *name, int kind, int seekable,
	   const char *compression, char *err, size_t errlen)
{
	struct level *l;

	if (in->depth >= MAX_DEPTH) {
		seterr(err, errlen, "'%s': archives nested deeper than %d levels; not opened", name,
		       MAX_DEPTH);
		return -1;
	}
	l = xcalloc(1, sizeof(*l));
	l->in = in;
	l->under = rs;
	l->name = xstrdup(name);
	l->cbuf = xmalloc(in->o.bufsize);
	l->a = archive_read_new();
	archive_read_support_filter_all(l->a);
	/*
	 * Not format_all: mtree and others bid on plain text. A compressed
	 * stream is opened raw and what it holds is looked at again, as a
	 * file would be: a .tar.gz becomes a tar over a gzip stream, and a
	 * gzipped pg_dump -Ft archive stays whole for its reader instead of
	 * being unpacked member by member.
	 */
	if (kind == 2) {
		archive_read_support_format_tar(l->a);
		archive_read_support_format_gnutar(l->a);
		archive_read_support_format_cpio(l->a);
		archive_read_support_format_zip(l->a);
		archive_read_support_format_7zip(l->a);
		archive_read_support_format_rar(l->a);
		archive_read_support_format_rar5(l->a);
	} else
		archive_read_support_format_raw(l->a);
	if (compression)
		snprintf(l->compression, sizeof(l->compression), "%s", compression);
	if (in->o.password)
		archive_read_add_passphrase(l->a, in->o.password);
	archive_read_set_callback_data(l->a, l);
	archive_read_set_read_callback(l->a, level_read_cb);
	if (seekable) {
		archive_read_set_seek_callback(l->a, level_seek_cb);
		archive_read_set_skip_callback(l->a, level_skip_cb);
	}
	if (archive_read_open1(l->a) != ARCHIVE_OK) {
		const char *m = archive_error_string(l->a);
		seterr(err, errlen, "cannot open '%s': %s", name, m ? m : "unrecognised archive");
		level_free(l);
		return -1;
	}
	in->stack[in->depth++] = l;
	return 0;
}

static void
level_pop(struct input *in)
{
	in->depth--;
	level_free(in->stack[in->depth]);
	in->stack[in->depth] = NULL;
	free(in->entries[in->depth]);
	in->entries[in->depth] = NULL;
}

/* Keeps sizes sane whatever the caller set. */
static void
input_fix_opts(struct source_opts *o)
{
	if (o->bufsize < SAMPLE_SIZE)
		o->bufsize = SAMPLE_SIZE;
	if (o->max_window < 2 * o->bufsize)
		o->max_window = 2 * o->bufsize;
}

struct input *
input_open(const char *path, const struct source_opts *o, char *err, size_t errlen)
{
	struct input *in = xcalloc(1, sizeof(*in));
	struct stat st;
	int is_stdin = !strcmp(path, "-");

	in->o = *o;
	input_fix_opts(&in->o);
	in->path = xstrdup(path);
	in->fd = is_stdin ? 0 : -2;
	for (size_t i = 0; i < o->naliases; i++)
		if (!strcmp(o->aliases[i].path, path)) {
			in->fd = o->aliases[i].fd;
			in->borrowed = 1;
			if (lseek(in->fd, 0, SEEK_SET) < 0) {
				seterr(err, errlen, "cannot read '%s': %s", path, strerror(errno));
				in->fd = -1;
				goto fail;
			}
			break;
		}
	if (in->fd == -2)
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		seterr(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(in->fd, &st) < 0) {
		seterr(err, errlen, "cannot stat '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "cannot read '%s': Is a directory", path);
		goto fail;
	}
	in->seekable = S_ISREG(st.st_mode);
	in->top.kind = RS_FD;
	in->top.fd = in->fd;
	if (in->seekable) {
		ssize_t r = pread(in->fd, in->top.prefix, MAGIC_SIZE, 0);
		if (r < 0) {
			seterr(err, errlen, "cannot read '%s': %s", path, strerror(errno));
			goto fail;
		}
		/* peeked without consuming: the stream starts at 0 again */
		in->top.prefix_len = 0;
		int kind = magic_is_archive((unsigned char *)in->top.prefix, (size_t)r);
		if (kind) {
			if (level_push(in, &in->top, path, kind, 1, NULL, err, errlen) < 0)
				goto fail;
		} else
			in->plain_pending = 1;
	} else {
		if (fill_prefix(in, &in->top, err, errlen, path) < 0)
			goto fail;
		int kind = magic_is_archive((unsigned char *)in->top.prefix, in->top.prefix_len);
		if (kind) {
			if (level_push(in, &in->top, path, kind, 0, NULL, err, errlen) < 0)
				goto fail;
		} else
			in->plain_pending = 1;
	}
	in->raw_buf = xmalloc(in->o.bufsize);
	in->win_alloc = 4 * in->o.bufsize < in->o.max_window ? 4 * in->o.bufsize : in->o.max_window;
	in->win_buf = xmalloc(in->win_alloc);
	return in;
fail:
	input_close(in);
	return NULL;
}

struct input *
input_open_mem(const char *name, const void *data, size_t len, const struct source_opts *o,
	       char *err, size_t errlen)
{
	struct input *in = xcalloc(1, sizeof(*in));

	in->o = *o;
	input_fix_opts(&in->o);
	in->path = xstrdup(name);
	in->fd = -1;
	in->top.kind = RS_MEM;
	in->top.mem = data;
	in->top.mem_left = len;
	if (fill_prefix(in, &in->top, err, errlen, name) < 0) {
		input_close(in);
		return NULL;
	}
	int kind = magic_is_archive((unsigned char *)in->top.prefix, in->top.prefix_len);
	if (kind) {
		if (level_push(in, &in->top, name, kind, 0, NULL, err, errlen) < 0) {
			input_close(in);
			return NULL;
		}
	} else
		in->plain_pending = 1;
	in->raw_buf = xmalloc(in->o.bufsize);
	in->win_alloc = 4 * in->o.bufsize < in->o.max_window ? 4 * in->o.bufsize : in->o.max_window;
	in->win_buf = xmalloc(in->win_alloc);
	return in;
}

static const char *
format_short(int fmt)
{
	switch (fmt & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_TAR: return "tar";
	case ARCHIVE_FORMAT_ZIP: return "zip";
	case ARCHIVE_FORMAT_7ZIP: return "7zip";
	case ARCHIVE_FORMAT_RAR: return "rar";
	case ARCHIVE_FORMAT_RAR_V5: return "rar";
	case ARCHIVE_FORMAT_CPIO: return "cpio";
	default: return NULL;
	}
}

/* "gzip", "zstd+...": the filters of archive a outermost last. */
static void
filter_names(struct archive *a, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < archive_filter_count(a); i++) {
		if (archive_filter_code(a, i) == ARCHIVE_FILTER_NONE)
			continue;
		const char *n = archive_filter_name(a, i);
		int k = snprintf(out + used, outlen - used, "%s%s", used ? "+" : "", n ? n : "?");
		if (k < 0 || (size_t)k >= outlen - used)
			break;
		used += (size_t)k;
	}
}

static void source_close(struct source *s);
static int source_start(struct input *in, struct rawstream *rs, const char *name,
			const char *container, const char *compression, char *err, size_t errlen);

int
input_next(struct input *in, struct source **src, char *err, size_t errlen)
{
	if (in->src_open)
		source_close(&in->src);
	if (in->done)
		return DT_EOF;
	if (in->plain_pending) {
		in->plain_pending = 0;
		in->done = 1;
		if (source_start(in, &in->top, in->path,
				 in->top.kind == RS_MEM ? "memory" : in->fd == 0 && !in->seekable ? "stdin" : "file",
				 "", err, errlen) < 0)
			return DT_FAILED;
		*src = &in->src;
		in->count++;
		return DT_OK;
	}
	while (in->depth > 0) {
		struct level *l = in->stack[in->depth - 1];
		struct archive_entry *e;
		int r = archive_read_next_header(l->a, &e);

		if (r == ARCHIVE_EOF) {
			level_pop(in);
			continue;
		}
		if (r < ARCHIVE_WARN) {
			const char *m = archive_error_string(l->a);
			if (m && strstr(m, "header is encrypted"))
				seterr(err, errlen,
				       "'%s': a 7z archive with encrypted names, which libarchive "
				       "cannot decrypt; extract it first (7z x -p '%s')",
				       l->name, l->name);
			else
				seterr(err, errlen, "cannot read '%s': %s", l->name,
				       m ? m : "archive error");
			if (r == ARCHIVE_FATAL || ++l->failures >= 3)
				level_pop(in);
			return DT_FAILED;
		}
		l->failures = 0;
		l->member_out0 = l->out_total;
		l->member_in0 = archive_filter_bytes(l->a, -1);
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (archive_entry_is_encrypted(e) &&
		    (!in->o.password || archive_format(l->a) == ARCHIVE_FORMAT_7ZIP)) {
			const char *m = archive_entry_pathname(e);
			if (archive_format(l->a) == ARCHIVE_FORMAT_7ZIP)
				seterr(err, errlen,
				       "'%s:%s': encrypted 7z content, which libarchive cannot "
				       "decrypt; extract it first (7z x -p '%s')",
				       l->name, m ? m : "?", l->name);
			else
				seterr(err, errlen,
				       "'%s:%s': encrypted; give its password with --password-file FILE",
				       l->name, m ? m : "?");
			return DT_FAILED;
		}

		char compression[64], name[4096];
		const char *container = format_short(archive_format(l->a));
		const char *member = archive_entry_pathname_utf8(e);
		if (!member)
			member = archive_entry_pathname(e);
		if (!member)
			member = "?";
		filter_names(l->a, compression, sizeof(compression));
		if (!compression[0])
			snprintf(compression, sizeof(compression), "%s", l->compression);
		if (container)
			snprintf(name, sizeof(name), "%s:%s", l->name, member);
		else
			snprintf(name, sizeof(name), "%s", l->name); /* a compressed stream */
		int raw_stream = !container;
		if (!container)
			container = in->depth > 1 ? "member" : in->seekable ? "file" : "stdin";

		free(in->entries[in->depth - 1]);
		struct rawstream *rs = xcalloc(1, sizeof(*rs));
		in->entries[in->depth - 1] = rs;
		rs->kind = RS_ENTRY;
		rs->lvl = l;
		if (fill_prefix(in, rs, err, errlen, name) < 0)
			return DT_FAILED;
		int kind = magic_is_archive((unsigned char *)rs->prefix, rs->prefix_len);
		if (kind) {
			/* a tar in a gzip stream is a .tar.gz: the compression carries over */
			if (level_push(in, rs, name, kind, 0, raw_stream ? compression : NULL, err,
				       errlen) < 0)
				return DT_FAILED;
			continue;
		}
		if (source_start(in, rs, name, container, compression, err, errlen) < 0)
			return DT_FAILED;
		*src = &in->src;
		in->count++;
		return DT_OK;
	}
	in->done = 1;
	return DT_EOF;
}

unsigned
input_count(const struct input *in)
{
	return in->count;
}

void
input_close(struct input *in)
{
	if (!in)
		return;
	if (in->src_open)
		source_close(&in->src);
	while (in->depth > 0)
		level_pop(in);
	if (in->fd > 0 && !in->borrowed)
		close(in->fd);
	free(in->path);
	free(in->raw_buf);
	free(in->win_buf);
	free(in);
}

/* Reads into the staging buffer until it holds want bytes or the end. */
static int
stage_more(struct source *s, size_t want)
{
	if (s->raw_pos > 0) {
		memmove(s->raw, s->raw + s->raw_pos, s->raw_len - s->raw_pos);
		s->raw_base += s->raw_pos;
		s->raw_len -= s->raw_pos;
		s->raw_pos = 0;
	}
	while (!s->raw_eof && s->raw_len < want) {
		ssize_t r = raw_read(s->in, s->rs, s->raw + s->raw_len, s->in->o.bufsize - s->raw_len, s->err,
				     sizeof(s->err), s->name);
		if (r < 0 && s->raw_len > s->raw_pos) {
			/* hand over what came before the error first */
			s->deferred_fail = 1;
			s->raw_eof = 1;
			break;
		}
		if (r < 0) {
			s->failed = 1;
			return -1;
		}
		if (r == 0)
			s->raw_eof = 1;
		s->raw_len += (size_t)r;
		s->bytes_in += (uint64_t)r;
	}
	return 0;
}

static int
source_start(struct input *in, struct rawstream *rs, const char *name, const char *container,
	     const char *compression, char *err, size_t errlen)
{
	struct source *s = &in->src;

	memset(s, 0, sizeof(*s));
	s->in = in;
	s->rs = rs;
	s->name = xstrdup(name);
	snprintf(s->container, sizeof(s->container), "%s", container);
	snprintf(s->compression, sizeof(s->compression), "%s", compression);
	s->raw = in->raw_buf;
	s->win = in->win_buf;
	s->win_alloc = in->win_alloc;
	s->cd = s->cd_line = (iconv_t)-1;
	s->spool_fd = -1;
	in->src_open = 1;

	if (stage_more(s, SAMPLE_SIZE) < 0) {
		seterr(err, errlen, "%s", s->err);
		return -1;
	}
	if (!in->o.binary && !in->o.encoding) {
		s->fmt = format_identify(s->raw, s->raw_len, s->raw_eof);
		const char *what = s->fmt ? NULL : format_not_a_dump(s->raw, s->raw_len);
		if (what) {
			seterr(err, errlen, "'%s': %s, not a dump; skipped", name, what);
			return -1;
		}
	}
	if (in->o.binary || s->fmt) {
		/* bytes as they are: a binary format's, or asked for */
		s->cs.name = "binary";
		s->cs.confident = 1;
	} else if (in->o.encoding) {
		if (charset_lookup(in->o.encoding, &s->cs) < 0) {
			seterr(err, errlen, "unknown encoding '%s'", in->o.encoding);
			return -1;
		}
		/* A forced UTF-8 or UTF-16 still drops its byte-order mark. */
		const unsigned char *p = (const unsigned char *)s->raw;
		if (!s->cs.iconv && s->raw_len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
			s->cs.bom_len = 3;
		else if (s->cs.iconv && !strncmp(s->cs.name, "utf-16", 6) && s->raw_len >= 2 &&
			 ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
			s->cs.bom_len = 2;
	} else {
		charset_detect(s->raw, s->raw_len, s->raw_eof, &s->cs);
		s->guessed = 1;
	}
	s->raw_pos = s->cs.bom_len;
	if (s->cs.iconv) {
		s->cd = iconv_open("UTF-8", s->cs.iconv);
		if (s->cd == (iconv_t)-1) {
			seterr(err, errlen, "cannot convert from '%s': %s", s->cs.name, strerror(errno));
			return -1;
		}
		s->unit = !strncmp(s->cs.name, "utf-16", 6) ? 2 : 1;
	}
	s->watch = s->guessed && s->cs.watch;
	s->wbol = 1;
	if (s->cs.line_iconv) {
		s->cd_line = iconv_open("UTF-8", s->cs.line_iconv);
		if (s->cd_line == (iconv_t)-1) {
			seterr(err, errlen, "cannot convert from '%s': %s", s->cs.line_name,
			       strerror(errno));
			return -1;
		}
		snprintf(s->enc, sizeof(s->enc), "%s+%s", s->cs.name, s->cs.line_name);
	}
	return 0;
}

static void
source_close(struct source *s)
{
	if (s->cd != (iconv_t)-1)
		iconv_close(s->cd);
	if (s->cd_line != (iconv_t)-1)
		iconv_close(s->cd_line);
	if (s->spool_fd >= 0)
		close(s->spool_fd);
	s->spool_fd = -1;
	free(s->name);
	s->in->src_open = 0;
	s->name = NULL;
}

void
source_info(const struct source *s, struct source_info *out)
{
	out->name = s->name;
	out->container = s->container;
	out->compression = s->compression;
	out->encoding = *s->enc ? s->enc : s->cs.name;
	out->encoding_guessed = s->guessed;
	out->encoding_confident = s->cs.confident;
	out->size = 0;
	if (s->rs->kind == RS_FD && s->in->seekable) {
		struct stat st;
		if (fstat(s->rs->fd, &st) == 0)
			out->size = (uint64_t)st.st_size;
	}
	out->bytes_in = s->bytes_in;
	out->bytes_out = s->bytes_out;
	out->bad_sequences = s->bad;
	out->page_lines = s->page_lines;
	out->first_bad = s->first_bad;
}

const char *
source_data(const struct source *s, size_t *len)
{
	*len = s->end - s->start;
	return s->win + s->start;
}

void
source_consume(struct source *s, size_t n)
{
	if (n > s->end - s->start)
		n = s->end - s->start;
	s->start += n;
	s->win_offset += n;
	if (s->start == s->end)
		s->start = s->end = 0;
}

const struct format *
source_format(const struct source *s)
{
	return s->fmt;
}

int
source_spool(struct source *s, uint64_t max, int named, char *path, size_t pathlen, int *temp,
	     char *err, size_t errlen)
{
	*temp = 0;
	/*
	 * The file itself, opened anew by its name whatever was read of it;
	 * standard input redirected from a file by the name Linux gives its
	 * descriptor (the stream starts at 0, as input_open() peeked it).
	 */
	int pfd = s->rs->kind == RS_FD && s->in->seekable && s->cd == (iconv_t)-1 &&
			  s->cd_line == (iconv_t)-1 &&
			  !s->cs.bom_len && !s->cs.iconv && !s->in->o.chunk
		      ? s->rs->fd
		      : -1;
	if (pfd >= 0) {
		if (strcmp(s->in->path, "-") && !s->in->borrowed) {
			seterr(path, pathlen, "%s", s->in->path);
			return 0;
		}
		seterr(path, pathlen, "/proc/self/fd/%d", pfd);
		if (access(path, R_OK) == 0)
			return 0;
	}
	const char *dir = getenv("TMPDIR");
	seterr(path, pathlen, "%s/dumptrace-spool.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		seterr(err, errlen, "cannot make a temporary file for '%s': %s", s->name,
		       strerror(errno));
		return -1;
	}
	/* unlinked at once where /proc names it by its descriptor: a copy of
	 * a member holds personal data, and no signal may leave it behind */
	char byfd[64];
	snprintf(byfd, sizeof(byfd), "/proc/self/fd/%d", fd);
	int unlinked = !named && access(byfd, R_OK) == 0 && unlink(path) == 0;
	*temp = !unlinked;
	uint64_t done = 0;
	for (;;) {
		size_t len;
		const char *p = source_data(s, &len);
		if (len) {
			if (done + len > max) {
				seterr(err, errlen, "'%s' is larger than the %llu bytes allowed to spool",
				       s->name, (unsigned long long)max);
				goto fail;
			}
			for (size_t off = 0; off < len;) {
				ssize_t w = write(fd, p + off, len - off);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0) {
					seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
					goto fail;
				}
				off += (size_t)w;
			}
			done += len;
			source_consume(s, len);
		}
		ssize_t n = source_fill(s);
		if (n == 0)
			break;
		if (n < 0) {
			seterr(err, errlen, "%s", n == -1 ? source_error(s) : "window full");
			goto fail;
		}
	}
	if (unlinked) {
		if (s->spool_fd >= 0)
			close(s->spool_fd);
		s->spool_fd = fd;
		seterr(path, pathlen, "%s", byfd);
		return 0;
	}
	if (close(fd) < 0) {
		fd = -1;
		seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (!unlinked)
		unlink(path);
	*temp = 0;
	return -1;
}

int
source_plain_fd(const struct source *s)
{
	if (s->rs->kind != RS_FD || !s->in->seekable || s->cd != (iconv_t)-1 ||
	    s->cd_line != (iconv_t)-1 || s->cs.bom_len ||
	    s->win_offset || s->end)
		return -1;
	return s->rs->fd;
}

uint64_t
source_offset(const struct source *s)
{
	return s->win_offset;
}

const char *
source_error(const struct source *s)
{
	return s->failed ? s->err : NULL;
}

/* Makes room at the window's end; -2 when it is full at its cap. */
static int
make_room(struct source *s)
{
	if (s->end + 8 <= s->win_alloc)
		return 0;
	if (s->start > 0) {
		memmove(s->win, s->win + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
		return 0;
	}
	if (s->win_alloc >= s->in->o.max_window)
		return -2;
	size_t n = s->win_alloc * 2;
	if (n > s->in->o.max_window)
		n = s->in->o.max_window;
	s->in->win_buf = s->win = xrealloc(s->win, n);
	s->in->win_alloc = s->win_alloc = n;
	return 0;
}

/* Converts staged bytes through iconv into the window; returns bytes made. */
static ssize_t
convert(struct source *s, size_t room)
{
	char *out = s->win + s->end, *op = out;
	size_t ol = room;

	for (;;) {
		if (s->pending_fffd) {
			if (ol < 3)
				break;
			memcpy(op, "\xEF\xBF\xBD", 3);
			op += 3;
			ol -= 3;
			s->pending_fffd = 0;
		}
		if (s->raw_pos == s->raw_len || (s->raw_len - s->raw_pos < 4 && !s->raw_eof)) {
			if (op > out)
				break; /* hand over what we have before blocking */
			if (stage_more(s, s->raw_len - s->raw_pos + 1) < 0)
				return -1;
			if (s->raw_pos == s->raw_len) {
				/* flush the shift state at the very end */
				iconv(s->cd, NULL, NULL, &op, &ol);
				break;
			}
		}
		char *ip = s->raw + s->raw_pos;
		size_t il = s->raw_len - s->raw_pos;
		size_t r = iconv(s->cd, &ip, &il, &op, &ol);
		s->raw_pos = (size_t)(ip - s->raw);
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG)
			break;
		if (errno == EINVAL && !s->raw_eof) {
			if (op > out)
				break;
			if (stage_more(s, s->raw_len - s->raw_pos + 1) < 0)
				return -1;
			continue;
		}
		/* EILSEQ, or a sequence cut off by the end: count, mark, skip */
		if (!s->bad++)
			s->first_bad = s->raw_base + s->raw_pos;
		size_t skip = (size_t)s->unit;
		if (skip > s->raw_len - s->raw_pos)
			skip = s->raw_len - s->raw_pos;
		s->raw_pos += skip;
		s->pending_fffd = 1;
	}
	return op - out;
}

/*
 * Mixed lines: each line copied when it is UTF-8 (or broken UTF-8, which
 * the reader rejects), decoded from the code page when it is that page's;
 * returns bytes made.
 */
static ssize_t
convert_lines(struct source *s, size_t room)
{
	char *out = s->win + s->end, *op = out;
	size_t ol = room;

	while (ol > 0) {
		if (s->ln_left == 0) {
			size_t avail = s->raw_len - s->raw_pos;
			const char *p = s->raw + s->raw_pos;
			const char *nl = avail ? memchr(p, '\n', avail) : NULL;
			if (!nl && !s->raw_eof && avail < s->in->o.bufsize) {
				if (op > out)
					break; /* hand over what we have before blocking */
				if (stage_more(s, avail + 1) < 0)
					return -1;
				continue;
			}
			if (avail == 0)
				break;
			size_t len = nl ? (size_t)(nl - p) + 1 : avail;
			int k = charset_line_kind(p, len, !nl && !s->raw_eof);
			s->ln_left = len;
			s->ln_conv = k == 0;
			s->page_lines += k == 0;
		}
		char *p = s->raw + s->raw_pos;
		if (!s->ln_conv) {
			size_t take = s->ln_left < ol ? s->ln_left : ol;
			memcpy(op, p, take);
			op += take;
			ol -= take;
			s->raw_pos += take;
			s->ln_left -= take;
			continue;
		}
		char *ip = p;
		size_t il = s->ln_left;
		size_t r = iconv(s->cd_line, &ip, &il, &op, &ol);
		s->raw_pos += (size_t)(ip - p);
		s->ln_left = il;
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG)
			break;
		/* a byte the page does not have: count, mark, skip */
		if (ol < 3)
			break;
		if (!s->bad++)
			s->first_bad = s->raw_base + s->raw_pos;
		memcpy(op, "\xEF\xBF\xBD", 3);
		op += 3;
		ol -= 3;
		s->raw_pos++;
		s->ln_left--;
	}
	return op - out;
}

/*
 * The first byte of p[0..n) that starts a UTF-8 sequence (0xC0 and up)
 * not followed by a continuation byte, or (size_t)-1: what a code page's
 * letters do at once (CP1251 "ов" is 0xEE 0xE2), and checked eight bytes
 * at a time, so that watching a UTF-8 stream costs little. It is no
 * validation (the readers validate): a lead byte cut off at the end of
 * the buffer passes.
 */
static size_t
first_suspect(const char *s8, size_t n)
{
	const unsigned char *p = (const unsigned char *)s8;
	size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t hi = 0x8080808080808080ull;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (!(w & hi))
			continue;
		uint64_t lead = w & (w << 1) & hi;  /* bits 7 and 6: 0xC0 and up */
		uint64_t cont = w & ~(w << 1) & hi; /* bit 7 alone: 0x80 to 0xBF */
		uint64_t bad = lead & ~(cont >> 8) & 0x0080808080808080ull;
		if (bad)
			return i + (size_t)(__builtin_ctzll(bad) >> 3);
		if ((lead >> 56) && i + 8 < n && (p[i + 8] & 0xC0) != 0x80)
			return i + 7;
	}
#endif
	for (; i + 1 < n; i++)
		if (p[i] >= 0xC0 && (p[i + 1] & 0xC0) != 0x80)
			return i;
	return (size_t)-1;
}

/*
 * A fill of n bytes of a stream UTF-8 by its sample: checked, and at the
 * first line of it that is a code page's (one that starts in this fill,
 * the page found in what follows it), the stream turns mixed: the bytes
 * from that line on go back to the staging buffer for convert_lines().
 * Returns the bytes the window keeps (or, when none, what
 * convert_lines() made).
 */
static ssize_t
watch_fill(struct source *s, size_t n, size_t room)
{
	char *p = s->win + s->end;
	size_t at = 0;

	while (at < n) {
		size_t k = first_suspect(p + at, n - at);
		if (k == (size_t)-1)
			break;
		size_t q = at + k, b = q;
		while (b > 0 && p[b - 1] != '\n')
			b--;
		const char *nl = memchr(p + q, '\n', n - q);
		size_t e = nl ? (size_t)(nl - p) + 1 : n;
		struct charset_guess g;
		memset(&g, 0, sizeof(g));
		/* a line begun in a fill the reader has: it stays as it is */
		if ((b == 0 && !s->wbol) || charset_line_kind(p + b, e - b, !nl) != 0) {
			at = e;
			continue;
		}
		/* what follows it is no page's text (raw BLOBs, say): the rest of
		 * the fill is not scored again line after line */
		if (!charset_later_page(p + b, n - b, 0, &g))
			break;
		iconv_t cd = iconv_open("UTF-8", g.line_iconv);
		if (cd == (iconv_t)-1) {
			at = e;
			continue;
		}
		s->cd_line = cd;
		s->cs.line_name = g.line_name;
		s->cs.line_iconv = g.line_iconv;
		snprintf(s->enc, sizeof(s->enc), "%s+%s", s->cs.name, g.line_name);
		s->watch = 0;
		s->ln_left = 0;
		memcpy(s->raw, p + b, n - b);
		s->raw_pos = 0;
		s->raw_len = n - b;
		s->raw_base = s->bytes_in - (n - b);
		if (b)
			return (ssize_t)b;
		/* one converted character must fit, as in source_fill() */
		return convert_lines(s, room < 8 && s->win_alloc - s->end >= 8 ? 8 : room);
	}
	s->wbol = p[n - 1] == '\n';
	return (ssize_t)n;
}

ssize_t
source_fill(struct source *s)
{
	ssize_t n;
	size_t room;

	if (s->failed)
		return -1;
	if (s->eof)
		return 0;
	if (make_room(s) < 0)
		return -2;
	room = s->win_alloc - s->end;
	if (s->in->o.chunk && room > s->in->o.chunk)
		room = s->in->o.chunk;

	if (s->cd != (iconv_t)-1 || s->cd_line != (iconv_t)-1) {
		if (room < 8 && s->win_alloc - s->end >= 8)
			room = 8; /* one converted character must fit */
		n = s->cd != (iconv_t)-1 ? convert(s, room) : convert_lines(s, room);
	} else if (s->raw_pos < s->raw_len) {
		/* the sample read for detection goes first */
		n = (ssize_t)(s->raw_len - s->raw_pos < room ? s->raw_len - s->raw_pos : room);
		memcpy(s->win + s->end, s->raw + s->raw_pos, (size_t)n);
		s->raw_pos += (size_t)n;
		if (n > 0)
			s->wbol = s->win[s->end + (size_t)n - 1] == '\n';
	} else if (s->raw_eof) {
		n = 0;
	} else {
		if (s->watch && room > s->in->o.bufsize)
			room = s->in->o.bufsize; /* what watch_fill() hands back must fit the staging */
		n = raw_read(s->in, s->rs, s->win + s->end, room, s->err, sizeof(s->err), s->name);
		if (n < 0)
			s->failed = 1;
		else {
			s->bytes_in += (uint64_t)n;
			if (s->watch && n > 0)
				n = watch_fill(s, (size_t)n, room);
		}
	}
	if (n < 0)
		return -1;
	if (n == 0 && s->deferred_fail) {
		s->failed = 1;
		return -1;
	}
	if (n == 0) {
		s->eof = 1;
		return 0;
	}
	s->end += (size_t)n;
	s->bytes_out += (uint64_t)n;
	return n;
}
