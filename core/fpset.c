/*
 * Fingerprint sets on disk; see fpset.h for the layout.
 *
 * The writer buffers one block of keys, codes it and appends it; the
 * index grows in memory and goes at the end, the header is written last
 * over its placeholder. The reader keeps the header and the index in
 * memory and reads blocks with pread() (or from the caller's memory) into
 * reused buffers; every block is checked (checksum, sizes, keys strictly
 * ascending, below the next block's min key) each time it is decoded.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/fpset.h"
#include "core/xio.h"
#include "core/xalloc.h"

#define MAGIC "DTFPSET1"
#define END_MAGIC "DTFPEND1"
#define FORMAT_VERSION 1
#define HEADER_SIZE 72
#define FOOTER_SIZE 24
#define ENTRY_SIZE 32
#define BLOCK_HEAD 5 /* L u8, zstd size u32 */
#define ZLEVEL 3

struct entry {
	uint64_t min, off;
	uint32_t size, n;
	uint64_t sum;
	uint32_t part; /* a union's: the part the block is in (fpset_open_union()) */
};

struct fpset_dec { /* buffers to decode one block, reused */
	ZSTD_DCtx *dctx;
	uint8_t *buf;  /* the block's bytes, 8 bytes of padding after */
	uint8_t *high; /* its decompressed high parts */
	size_t bufcap, highcap;
};

struct fpset {
	char *name; /* for messages */
	int fd;
	const uint8_t *mem; /* fpset_open_mem() */
	uint64_t size;
	uint64_t keys, nblocks, index_off;
	uint32_t bsize;
	struct entry *idx;
	struct fpset_dec dec; /* for fpset_contains() */
	uint64_t *cache;      /* the last block fpset_contains() decoded */
	uint64_t cache_block; /* its number; nblocks when none */
	size_t cache_n;
	struct fpset **parts; /* a union's parts, and the first block of each */
	uint64_t *first;
	size_t nparts;
	char err[512];
};

struct fpset_writer {
	int fd;
	char *path;
	uint32_t bsize;
	uint64_t *keys; /* the block being filled */
	size_t n;
	uint64_t last; /* the last key added */
	uint64_t total, off;
	struct entry *idx;
	size_t nidx, idx_alloc;
	ZSTD_CCtx *cctx;
	uint8_t *high, *zbuf, *low;
	size_t zcap;
	int failed;
	char err[512];
};

static inline void
put32(uint8_t *p, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

static inline void
put64(uint8_t *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- writing ---- */

struct fpset_writer *
fpset_writer_open(const char *path, unsigned block_keys, char *err, size_t errlen)
{
	struct fpset_writer *w;
	uint8_t zero[HEADER_SIZE] = {0};
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (xio_write_all(fd, zero, sizeof(zero)) < 0) { /* the header goes here at the end */
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->path = xstrdup(path);
	w->bsize = block_keys ? block_keys : FPSET_BLOCK_DEFAULT;
	if (w->bsize > FPSET_BLOCK_MAX)
		w->bsize = FPSET_BLOCK_MAX;
	w->keys = xmalloc(w->bsize * sizeof(*w->keys));
	w->high = xmalloc((size_t)w->bsize * 10);
	w->zcap = ZSTD_compressBound((size_t)w->bsize * 10);
	w->zbuf = xmalloc(w->zcap);
	w->low = xmalloc((size_t)w->bsize * 8 + 8);
	w->cctx = ZSTD_createCCtx();
	w->off = HEADER_SIZE;
	return w;
}

/* The number of low bits of each gap: two below the mean gap's, so that high parts average 4-8. */
static unsigned
low_bits(uint64_t span, size_t gaps)
{
	uint64_t mean = span / gaps;
	if (mean < 8)
		return 0;
	unsigned l = 63 - (unsigned)__builtin_clzll(mean) - 2;
	return l > 56 ? 56 : l;
}

/* Codes the buffered keys as a block and appends it. */
static int
flush_block(struct fpset_writer *w)
{
	const uint64_t *k = w->keys;
	size_t n = w->n, zlen = 0, lowlen = 0;
	unsigned L = 0;
	uint8_t head[BLOCK_HEAD];

	if (!n)
		return 0;
	if (n > 1) {
		L = low_bits(k[n - 1] - k[0], n - 1);
		uint64_t mask = L ? (1ull << L) - 1 : 0, acc = 0;
		unsigned nacc = 0;
		uint8_t *h = w->high, *lo = w->low;
		for (size_t i = 1; i < n; i++) {
			uint64_t g = k[i] - k[i - 1], hi = g >> L;
			while (hi >= 0x80) {
				*h++ = (uint8_t)(hi | 0x80);
				hi >>= 7;
			}
			*h++ = (uint8_t)hi;
			/* the low bits, packed little-endian, flushed a byte at a time */
			acc |= (g & mask) << nacc;
			nacc += L;
			while (nacc >= 8) {
				*lo++ = (uint8_t)acc;
				acc >>= 8;
				nacc -= 8;
			}
		}
		if (nacc)
			*lo++ = (uint8_t)acc;
		lowlen = (size_t)(lo - w->low);
		zlen = ZSTD_compressCCtx(w->cctx, w->zbuf, w->zcap, w->high, (size_t)(h - w->high),
		                         ZLEVEL);
		if (ZSTD_isError(zlen)) {
			snprintf(w->err, sizeof(w->err), "cannot compress a block: %s",
			         ZSTD_getErrorName(zlen));
			return -1;
		}
	}
	head[0] = (uint8_t)L;
	put32(head + 1, (uint32_t)zlen);
	XXH3_state_t st;
	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, head, sizeof(head));
	XXH3_64bits_update(&st, w->zbuf, zlen);
	XXH3_64bits_update(&st, w->low, lowlen);
	if (xio_write_all(w->fd, head, sizeof(head)) < 0 || xio_write_all(w->fd, w->zbuf, zlen) < 0 ||
	    xio_write_all(w->fd, w->low, lowlen) < 0) {
		snprintf(w->err, sizeof(w->err), "cannot write '%s': %s", w->path, strerror(errno));
		return -1;
	}
	uint32_t size = (uint32_t)(sizeof(head) + zlen + lowlen);
	w->idx = xgrow(w->idx, &w->idx_alloc, w->nidx + 1, sizeof(*w->idx));
	w->idx[w->nidx++] =
	    (struct entry){k[0], w->off, size, (uint32_t)n, XXH3_64bits_digest(&st), 0};
	w->off += size;
	w->n = 0;
	return 0;
}

int
fpset_writer_add(struct fpset_writer *w, uint64_t key)
{
	if (w->failed)
		return -1;
	if (w->total) {
		if (key == w->last)
			return 0;
		if (key < w->last) {
			snprintf(w->err, sizeof(w->err), "keys out of order writing '%s'", w->path);
			w->failed = 1;
			return -1;
		}
	}
	w->keys[w->n++] = key;
	w->last = key;
	w->total++;
	if (w->n == w->bsize && flush_block(w) < 0) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

static void
writer_free(struct fpset_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	free(w->path);
	free(w->keys);
	free(w->high);
	free(w->zbuf);
	free(w->low);
	free(w->idx);
	free(w);
}

int64_t
fpset_writer_close(struct fpset_writer *w, char *err, size_t errlen)
{
	uint8_t head[HEADER_SIZE], foot[FOOTER_SIZE], e[ENTRY_SIZE];
	uint64_t index_off;
	XXH3_state_t st;
	int64_t total = -1;

	if (w->failed || flush_block(w) < 0)
		goto out;
	index_off = w->off;
	XXH3_64bits_reset(&st);
	for (size_t i = 0; i < w->nidx; i++) {
		put64(e, w->idx[i].min);
		put64(e + 8, w->idx[i].off);
		put32(e + 16, w->idx[i].size);
		put32(e + 20, w->idx[i].n);
		put64(e + 24, w->idx[i].sum);
		XXH3_64bits_update(&st, e, sizeof(e));
		if (xio_write_all(w->fd, e, sizeof(e)) < 0)
			goto io;
	}
	put64(foot, index_off);
	put64(foot + 8, w->nidx);
	memcpy(foot + 16, END_MAGIC, 8);
	if (xio_write_all(w->fd, foot, sizeof(foot)) < 0)
		goto io;
	memcpy(head, MAGIC, 8);
	put32(head + 8, FORMAT_VERSION);
	put32(head + 12, 0);
	put64(head + 16, w->total);
	put64(head + 24, w->nidx);
	put32(head + 32, w->bsize);
	put32(head + 36, 0);
	put64(head + 40, index_off);
	put64(head + 48, (uint64_t)w->nidx * ENTRY_SIZE);
	put64(head + 56, XXH3_64bits_digest(&st));
	put64(head + 64, XXH3_64bits(head, 64));
	if (pwrite(w->fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) || fsync(w->fd) < 0)
		goto io;
	if (close(w->fd) < 0) {
		w->fd = -1;
		goto io;
	}
	w->fd = -1;
	total = (int64_t)(index_off + (uint64_t)w->nidx * ENTRY_SIZE + FOOTER_SIZE);
	goto out;
io:
	snprintf(w->err, sizeof(w->err), "cannot write '%s': %s", w->path, strerror(errno));
out:
	if (total < 0)
		snprintf(err, errlen, "%s", w->err);
	writer_free(w);
	return total;
}

void
fpset_writer_abort(struct fpset_writer *w)
{
	if (w)
		writer_free(w);
}

/* ---- reading ---- */

static int
read_at(const struct fpset *set, void *dst, size_t n, uint64_t off)
{
	if (set->mem) {
		if (off > set->size || n > set->size - off)
			return -1;
		memcpy(dst, set->mem + off, n);
		return 0;
	}
	return xio_pread_all(set->fd, dst, n, off);
}

static void
dec_release(struct fpset_dec *d)
{
	ZSTD_freeDCtx(d->dctx);
	free(d->buf);
	free(d->high);
	memset(d, 0, sizeof(*d));
}

/*
 * Decodes block b into keys (room for the block size). Returns its number
 * of keys, or -1 with the reason, naming the block, in err.
 */
static int64_t
decode_block(const struct fpset *set, struct fpset_dec *d, uint64_t b, uint64_t *keys, char *err,
             size_t errlen)
{
	const struct entry *e = &set->idx[b];
	const char *why;
	size_t n = e->n;
	const struct fpset *from = set; /* the file the block is in, and its number there */
	uint64_t fb = b;
	if (set->nparts) {
		from = set->parts[e->part];
		fb = b - set->first[e->part];
	}

	/* sizes were checked by fpset_open(): within the file, n within the block size */
	if (e->size + (size_t)8 > d->bufcap) {
		free(d->buf);
		d->bufcap = e->size + (size_t)8;
		d->buf = xmalloc(d->bufcap);
	}
	if (read_at(from, d->buf, e->size, e->off) < 0) {
		snprintf(err, errlen, "cannot read '%s': block %llu: %s", from->name,
		         (unsigned long long)fb, errno ? strerror(errno) : "short read");
		return -1;
	}
	memset(d->buf + e->size, 0, 8); /* the bit reader loads 8 bytes at a time */
	if (XXH3_64bits(d->buf, e->size) != e->sum) {
		why = "checksum mismatch";
		goto bad;
	}
	unsigned L = d->buf[0];
	uint64_t zlen = get32(d->buf + 1);
	if (L > 56 || zlen > e->size - BLOCK_HEAD) {
		why = "bad block header";
		goto bad;
	}
	uint64_t lowlen = e->size - BLOCK_HEAD - zlen;
	if (lowlen != ((uint64_t)(n - 1) * L + 7) / 8 || (n == 1 && zlen)) {
		why = "bad block sizes";
		goto bad;
	}
	keys[0] = e->min;
	if (n == 1)
		return 1;
	if (!d->dctx)
		d->dctx = ZSTD_createDCtx();
	if (d->highcap < (n - 1) * 10) {
		free(d->high);
		d->highcap = (n - 1) * 10;
		d->high = xmalloc(d->highcap);
	}
	size_t hl = ZSTD_decompressDCtx(d->dctx, d->high, d->highcap, d->buf + BLOCK_HEAD, zlen);
	if (ZSTD_isError(hl)) {
		why = "cannot decompress";
		goto bad;
	}
	const uint8_t *h = d->high, *hend = d->high + hl, *lo = d->buf + BLOCK_HEAD + zlen;
	uint64_t mask = L ? (1ull << L) - 1 : 0, k = e->min, bit = 0;
	for (size_t i = 1; i < n; i++) {
		uint64_t hi = 0;
		unsigned sh = 0;
		if (h < hend && *h < 0x80)
			hi = *h++; /* the usual one-byte high part */
		else
			for (;;) {
				if (h == hend || sh > 63) {
					why = "bad high parts";
					goto bad;
				}
				uint8_t c = *h++;
				hi |= (uint64_t)(c & 0x7f) << sh;
				if (!(c & 0x80))
					break;
				sh += 7;
			}
		uint64_t word;
		memcpy(&word, lo + (bit >> 3), 8);
		uint64_t g = (le64toh(word) >> (bit & 7)) & mask;
		bit += L;
		if (L && hi > (UINT64_MAX >> L)) {
			why = "gap out of range";
			goto bad;
		}
		g |= hi << L;
		if (g == 0 || g > UINT64_MAX - k) {
			why = "keys not ascending";
			goto bad;
		}
		k += g;
		keys[i] = k;
	}
	if (h != hend) {
		why = "bad high parts";
		goto bad;
	}
	if (b + 1 < set->nblocks && k >= set->idx[b + 1].min) {
		why = "keys overlap the next block";
		goto bad;
	}
	return (int64_t)n;
bad:
	/* at a part's last block, "overlap the next block" means the next part's first */
	snprintf(err, errlen, "corrupt fingerprint set '%s': block %llu: %s", from->name,
	         (unsigned long long)fb, why);
	return -1;
}

/* Checks the header, footer and index read from the start and end of the set. */
static struct fpset *
open_common(struct fpset *set, char *err, size_t errlen)
{
	uint8_t head[HEADER_SIZE], foot[FOOTER_SIZE];
	const char *why;
	uint8_t *raw = NULL;

	set->cache_block = UINT64_MAX;
	if (set->size < HEADER_SIZE + FOOTER_SIZE) {
		why = "too short";
		goto bad;
	}
	if (read_at(set, head, HEADER_SIZE, 0) < 0 ||
	    read_at(set, foot, FOOTER_SIZE, set->size - FOOTER_SIZE) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", set->name,
		         errno ? strerror(errno) : "short read");
		goto fail;
	}
	if (memcmp(head, MAGIC, 8)) {
		why = "not a fingerprint set";
		goto bad;
	}
	if (get32(head + 8) != FORMAT_VERSION) {
		why = "unknown version";
		goto bad;
	}
	if (XXH3_64bits(head, 64) != get64(head + 64)) {
		why = "header checksum mismatch";
		goto bad;
	}
	set->keys = get64(head + 16);
	set->nblocks = get64(head + 24);
	set->bsize = get32(head + 32);
	set->index_off = get64(head + 40);
	uint64_t isize = get64(head + 48);
	if (get32(head + 12) != 0 || set->bsize == 0 || set->bsize > FPSET_BLOCK_MAX) {
		why = "bad header fields";
		goto bad;
	}
	if (memcmp(foot + 16, END_MAGIC, 8) || get64(foot) != set->index_off ||
	    get64(foot + 8) != set->nblocks) {
		why = "footer does not match the header";
		goto bad;
	}
	/* the index fills the space between the blocks and the footer, exactly */
	if (set->nblocks > set->size / ENTRY_SIZE || isize != set->nblocks * ENTRY_SIZE ||
	    set->index_off < HEADER_SIZE || set->index_off > set->size - FOOTER_SIZE ||
	    set->size - FOOTER_SIZE - set->index_off != isize) {
		why = "bad index position";
		goto bad;
	}
	if (set->nblocks > set->keys || set->keys > set->nblocks * set->bsize) {
		why = "key and block counts disagree";
		goto bad;
	}
	raw = xmalloc(isize ? isize : 1);
	if (read_at(set, raw, isize, set->index_off) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", set->name,
		         errno ? strerror(errno) : "short read");
		goto fail;
	}
	if (XXH3_64bits(raw, isize) != get64(head + 56)) {
		why = "index checksum mismatch";
		goto bad;
	}
	set->idx = xmalloc((set->nblocks ? set->nblocks : 1) * sizeof(*set->idx));
	uint64_t sum = 0;
	for (uint64_t b = 0; b < set->nblocks; b++) {
		const uint8_t *p = raw + b * ENTRY_SIZE;
		struct entry *e = &set->idx[b];
		*e = (struct entry){get64(p), get64(p + 8), get32(p + 16), get32(p + 20),
		                    get64(p + 24), 0};
		/* n distinct keys from min need room below the next block's min */
		if (e->n == 0 || e->n > set->bsize || e->size < BLOCK_HEAD ||
		    e->off < HEADER_SIZE || e->size > set->index_off ||
		    e->off > set->index_off - e->size || (b && e->min <= set->idx[b - 1].min) ||
		    (b && e->min - set->idx[b - 1].min < set->idx[b - 1].n) ||
		    e->n - 1 > UINT64_MAX - e->min) {
			snprintf(err, errlen,
			         "corrupt fingerprint set '%s': block %llu: bad index entry",
			         set->name, (unsigned long long)b);
			goto fail;
		}
		sum += e->n;
	}
	if (sum != set->keys) {
		why = "key count does not match the blocks";
		goto bad;
	}
	free(raw);
	set->cache = xmalloc(set->bsize * sizeof(*set->cache));
	set->cache_block = set->nblocks;
	return set;
bad:
	snprintf(err, errlen, "corrupt fingerprint set '%s': %s", set->name, why);
fail:
	free(raw);
	fpset_close(set);
	return NULL;
}

struct fpset *
fpset_open(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		         errno ? strerror(errno) : "not a regular file");
		close(fd);
		return NULL;
	}
	struct fpset *set = xcalloc(1, sizeof(*set));
	set->name = xstrdup(path);
	set->fd = fd;
	set->size = (uint64_t)st.st_size;
	return open_common(set, err, errlen);
}

struct fpset *
fpset_open_mem(const void *buf, size_t len, char *err, size_t errlen)
{
	struct fpset *set = xcalloc(1, sizeof(*set));
	set->name = xstrdup("(memory)");
	set->fd = -1;
	set->mem = buf;
	set->size = len;
	return open_common(set, err, errlen);
}

struct fpset *
fpset_open_union(struct fpset **parts, size_t n, char *err, size_t errlen)
{
	struct fpset *set = xcalloc(1, sizeof(*set));
	set->fd = -1;
	set->parts = parts;
	set->nparts = n;
	set->first = xcalloc(n ? n : 1, sizeof(*set->first));
	set->name = xstrdup(n ? parts[0]->name : "(no parts)");
	for (size_t i = 0; i < n; i++) {
		set->first[i] = set->nblocks;
		set->nblocks += parts[i]->nblocks;
		set->keys += parts[i]->keys;
		if (parts[i]->bsize > set->bsize)
			set->bsize = parts[i]->bsize;
	}
	set->bsize = set->bsize ? set->bsize : 1;
	set->idx = xmalloc((set->nblocks ? set->nblocks : 1) * sizeof(*set->idx));
	for (size_t i = 0, b = 0; i < n; i++)
		for (uint64_t k = 0; k < parts[i]->nblocks; k++, b++) {
			struct entry *e = &set->idx[b];
			*e = parts[i]->idx[k];
			e->part = (uint32_t)i;
			/* each part's blocks were checked by its open; here, across parts */
			if (b && k == 0 && (e->min <= set->idx[b - 1].min ||
					    e->min - set->idx[b - 1].min < set->idx[b - 1].n)) {
				snprintf(err, errlen,
					 "corrupt fingerprint set '%s': its first keys are not above those of '%s'",
					 parts[i]->name, parts[i - 1]->name);
				fpset_close(set);
				return NULL;
			}
		}
	set->cache = xmalloc(set->bsize * sizeof(*set->cache));
	set->cache_block = set->nblocks;
	return set;
}

int
fpset_last_key(const struct fpset *set, uint64_t *key, char *err, size_t errlen)
{
	if (!set->nblocks)
		return 0;
	struct fpset_dec d = {0};
	uint64_t *keys = xmalloc(set->bsize * sizeof(*keys));
	int64_t n = decode_block(set, &d, set->nblocks - 1, keys, err, errlen);
	if (n > 0)
		*key = keys[n - 1];
	dec_release(&d);
	free(keys);
	return n < 0 ? -1 : 1;
}

uint64_t
fpset_first_key(const struct fpset *set)
{
	return set->nblocks ? set->idx[0].min : 0;
}

void
fpset_close(struct fpset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->nparts; i++)
		fpset_close(set->parts[i]);
	free(set->parts);
	free(set->first);
	if (set->fd >= 0)
		close(set->fd);
	dec_release(&set->dec);
	free(set->idx);
	free(set->cache);
	free(set->name);
	free(set);
}

uint64_t
fpset_count(const struct fpset *set)
{
	return set->keys;
}

uint64_t
fpset_blocks(const struct fpset *set)
{
	return set->nblocks;
}

const char *
fpset_error(const struct fpset *set)
{
	return set->err;
}

/* The last block in [from, nblocks) whose min key is <= key; from - 1 when none. */
static uint64_t
find_block(const struct fpset *set, uint64_t from, uint64_t key)
{
	uint64_t lo = from, hi = set->nblocks; /* answer in [lo - 1, hi) */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (set->idx[mid].min <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/* The first of a[lo..n) that is >= key. */
static size_t
lower_bound(const uint64_t *a, size_t lo, size_t n, uint64_t key)
{
	size_t hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
fpset_contains(struct fpset *set, uint64_t key)
{
	if (!set->nblocks || key < set->idx[0].min)
		return 0;
	uint64_t b = find_block(set, 0, key);
	if (b != set->cache_block) {
		int64_t n = decode_block(set, &set->dec, b, set->cache, set->err, sizeof(set->err));
		if (n < 0) {
			set->cache_block = set->nblocks;
			return -1;
		}
		set->cache_block = b;
		set->cache_n = (size_t)n;
	}
	size_t i = lower_bound(set->cache, 0, set->cache_n, key);
	return i < set->cache_n && set->cache[i] == key;
}

int
fpset_verify(const struct fpset *set, uint64_t *bad_block, char *err, size_t errlen)
{
	struct fpset_dec d = {0};
	uint64_t *keys = xmalloc(set->bsize * sizeof(*keys));
	int rc = 0;

	for (uint64_t b = 0; b < set->nblocks; b++)
		if (decode_block(set, &d, b, keys, err, errlen) < 0) {
			*bad_block = b;
			rc = -1;
			break;
		}
	dec_release(&d);
	free(keys);
	return rc;
}

int64_t
fpset_join(const struct fpset *set, const uint64_t *q, size_t n, uint8_t *hit, char *err,
           size_t errlen)
{
	struct fpset_dec d = {0};
	uint64_t *keys = NULL;
	uint64_t b = 0;
	size_t i = 0;
	int64_t found = 0;

	while (i < n && b < set->nblocks) {
		/* queries below the block's min key are in no block */
		if (q[i] < set->idx[b].min) {
			i++;
			continue;
		}
		b = find_block(set, b, q[i]); /* skips the blocks no query falls in */
		if (!keys)
			keys = xmalloc(set->bsize * sizeof(*keys));
		int64_t kn = decode_block(set, &d, b, keys, err, errlen);
		if (kn < 0) {
			found = -1;
			break;
		}
		uint64_t last = keys[kn - 1];
		size_t j = 0;
		while (i < n && q[i] <= last) {
			while (keys[j] < q[i]) /* keys[kn - 1] >= q[i] stops it */
				j++;
			if (keys[j] == q[i]) {
				hit[i] = 1;
				found++;
			}
			i++;
		}
		b++;
	}
	dec_release(&d);
	free(keys);
	return found;
}

/* ---- iteration ---- */

void
fpset_iter_init(struct fpset_iter *it, const struct fpset *set)
{
	memset(it, 0, sizeof(*it));
	it->set = set;
}

static int
iter_load(struct fpset_iter *it, uint64_t b)
{
	const struct fpset *set = it->set;
	if (!it->keys) {
		it->keys = xmalloc(set->bsize * sizeof(*it->keys));
		it->dec = xcalloc(1, sizeof(*it->dec));
	}
	int64_t n = decode_block(set, it->dec, b, it->keys, it->err, sizeof(it->err));
	if (n < 0)
		return -1;
	it->n = (size_t)n;
	it->pos = 0;
	it->block = b + 1;
	return 0;
}

void
fpset_iter_seek(struct fpset_iter *it, uint64_t key)
{
	const struct fpset *set = it->set;
	if (it->pos < it->n && it->keys[it->n - 1] >= key) {
		it->pos = lower_bound(it->keys, it->pos, it->n, key);
		return;
	}
	it->pos = it->n; /* the current block holds nothing >= key */
	if (it->block >= set->nblocks)
		return;
	uint64_t b = find_block(set, it->block, key);
	if (b + 1 == it->block)
		return; /* the next block starts above key: next() takes it */
	if (iter_load(it, b) < 0) {
		it->n = it->pos = 0;
		it->block = UINT64_MAX; /* the error sticks */
		return;
	}
	it->pos = lower_bound(it->keys, 0, it->n, key);
}

int
fpset_iter_next(struct fpset_iter *it, uint64_t *key)
{
	while (it->pos == it->n) {
		if (it->block == UINT64_MAX)
			return -1;
		if (it->block >= it->set->nblocks)
			return 0;
		if (iter_load(it, it->block) < 0) {
			it->block = UINT64_MAX;
			return -1;
		}
	}
	*key = it->keys[it->pos++];
	return 1;
}

void
fpset_iter_release(struct fpset_iter *it)
{
	if (it->dec) {
		dec_release(it->dec);
		free(it->dec);
	}
	free(it->keys);
	it->keys = NULL;
	it->dec = NULL;
}
