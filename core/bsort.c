/*
 * Bucketed sort of (key, set) pairs; see bsort.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "core/bsort.h"
#include "core/xalloc.h"
#include "core/xio.h"
#include "core/xsort.h"

#define NBUCKET 256    /* by the key's highest byte */
#define ENTRY 9        /* a pair in a block, without payload: see put() */
#define BLOCK_MAX 7281 /* pairs in a block: 64 KiB */
#define BLOCK_MIN 64
#define UNIT_MIN 4096 /* pairs a finishing thread holds at least */
/*
 * Full blocks kept in memory at most, whatever the budget: enough for a
 * small input to need no file, no more, as writing a block to the page
 * cache and reading it back costs less than a fresh block's first-touch
 * page faults on these virtual machines (2M person rows: 3.1 s spilling
 * 380 MB against 3.5 s keeping it all).
 */
#define KEEP_MAX (64ull << 20)
#define PACK_AFTER (4ull << 30) /* spill written as it is before blocks are packed: see pack() */

/*
 * A full block: in memory (mem), or at off in the file, compressed to
 * clen bytes (0: as it is; see pack()).
 */
struct block {
	uint8_t *mem;
	uint64_t off;
	uint32_t n, clen;
};

struct bucket {
	struct block *v;
	size_t n, alloc;
	uint64_t pairs;
};

/* A producer's own: its block in the making per bucket, the sets it saw. */
struct producer {
	uint8_t *stage[NBUCKET];
	uint32_t fill[NBUCKET];
	uint8_t *seen; /* per set number */
	uint64_t pairs;
	ZSTD_CCtx *cz; /* pack()'s, made at the first spill */
	uint8_t *plane, *z;
	size_t zcap;
};

struct bsort {
	struct bsort_opts o;
	size_t esz;        /* bytes a pair: ENTRY, and 8 with a payload */
	unsigned words;    /* words a pair when sorted: 1, or 2 with a payload */
	uint32_t block;    /* pairs a block */
	uint64_t keep_max; /* bytes of full blocks kept in memory */
	uint64_t unit_max; /* pairs a finishing thread holds */
	uint64_t unit_bytes; /* the budget those take */
	pthread_mutex_t mu; /* the buckets' lists, kept, the file */
	struct bucket bk[NBUCKET];
	struct producer *p;
	struct bucket *sub; /* split_bucket()'s parts, nsub of them, of nsplit buckets */
	size_t nsub, nsplit;
	uint64_t kept;
	int fd;
	uint64_t end; /* of the file */
	atomic_uint_fast64_t end_seen; /* the same, read outside the lock */
	uint64_t spilled_blocks;
	atomic_uint_fast64_t packed_blocks;
	uint64_t passes;
	atomic_uint_fast64_t external; /* units sorted by xsort (too many equal keys) */
	atomic_int failed;
	char err[256];
};

/*
 * A pair in 9 bytes: the key's low 56 bits (its highest byte is the
 * bucket's) and the set's low byte in one native word, the set's high
 * byte after it. The file is this process's own: native order is fine.
 */
#define LOW56 0x00ffffffffffffffull

static inline void
put(uint8_t *d, uint64_t key, unsigned set)
{
	uint64_t w = (key & LOW56) | (uint64_t)(set & 0xff) << 56;
	memcpy(d, &w, 8);
	d[8] = (uint8_t)(set >> 8);
}

/* The key, given its bucket k. */
static inline uint64_t
get_key(const uint8_t *d, unsigned k)
{
	uint64_t w;
	memcpy(&w, d, 8);
	return (w & LOW56) | (uint64_t)k << 56;
}

static inline unsigned
get_set(const uint8_t *d)
{
	uint64_t w;
	memcpy(&w, d, 8);
	return (unsigned)(w >> 56) | (unsigned)d[8] << 8;
}

struct bsort *
bsort_new(const struct bsort_opts *o, char *err, size_t errlen)
{
	struct bsort *b;
	uint64_t mem = o->memory ? o->memory : 1ull << 30;
	unsigned np = o->producers ? o->producers : 1;

	if (o->nsets == 0 || o->nsets > 65536) {
		snprintf(err, errlen, "bsort: %u sets (1 to 65,536)", o->nsets);
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->o = *o;
	b->o.producers = np;
	if (!b->o.pack_after)
		b->o.pack_after = PACK_AFTER;
	b->esz = ENTRY + (o->with_values ? 8 : 0);
	b->words = o->with_values ? 2 : 1;
	b->fd = -1;
	pthread_mutex_init(&b->mu, NULL);
	/*
	 * An eighth of the budget for the blocks in the making, half of
	 * the rest for full blocks kept in memory (at most KEEP_MAX), the
	 * other half for the end's buffers (shared by its threads: see
	 * bsort_finish()): a pair, its key (and payload), the radix scratch.
	 */
	uint64_t block = mem / 8 / ((uint64_t)np * NBUCKET * b->esz);
	b->block = (uint32_t)(block < BLOCK_MIN ? BLOCK_MIN : block > BLOCK_MAX ? BLOCK_MAX : block);
	uint64_t staging = (uint64_t)np * NBUCKET * b->block * b->esz;
	b->keep_max = mem / 2 > staging ? mem / 2 - staging : 0;
	if (b->keep_max > KEEP_MAX)
		b->keep_max = KEEP_MAX;
	b->unit_bytes = b->esz + 2 * b->words * sizeof(uint64_t);
	b->unit_max = mem / 2 / b->unit_bytes;
	b->p = xcalloc(np, sizeof(*b->p));
	for (unsigned i = 0; i < np; i++)
		b->p[i].seen = xcalloc(o->nsets, 1);
	return b;
}

/*
 * Past the first pack_after bytes of spill (bsort_opts), a block goes to
 * the file byte-transposed (the first bytes of its pairs, then the
 * second bytes...) and compressed by zstd at a fast level. Transposed,
 * the planes a block repeats (a set's byte, a payload's high bytes;
 * every plane when a dump repeats one record) are runs zstd takes for
 * nearly nothing, and a key's random bytes stay as they are. analyze's
 * sort of 4 million rows (bench/README.md, "Packed spill"): one record
 * repeated, 545 MB as it is and 2 MB packed; half of them that record,
 * 216 MB; all distinct, 224 MB of 341. Packing costs about a tenth more
 * CPU while the spill sits in the page cache, so the first gigabytes
 * (PACK_AFTER) go as they are: it is for the spill that outgrows the
 * disk (350 million rows of one record: 47 GB as it is). A block that
 * packs to more than 7/8 of its size is written as it is (clen 0).
 */
#define PACK_LEVEL (-1)

static inline void
transpose_n(uint8_t *dst, const uint8_t *src, size_t n, size_t esz, int back)
{
	size_t i = 0;
	if (!back) { /* plane by plane: each written in order */
		for (size_t c = 0; c < esz; c++)
			for (i = 0; i < n; i++)
				dst[c * n + i] = src[i * esz + c];
		return;
	}
	for (; i + 16 <= n; i += 16) { /* 16 pairs at a time, copied out whole */
		uint8_t t[16 * (ENTRY + 8)];
		for (size_t c = 0; c < esz; c++)
			for (size_t k = 0; k < 16; k++)
				t[k * esz + c] = src[c * n + i + k];
		memcpy(dst + i * esz, t, 16 * esz);
	}
	for (; i < n; i++)
		for (size_t c = 0; c < esz; c++)
			dst[i * esz + c] = src[c * n + i];
}

/* With the pair's size a constant the compiler unrolls the loops. */
static void
transpose(uint8_t *dst, const uint8_t *src, size_t n, size_t esz, int back)
{
	if (esz == ENTRY)
		transpose_n(dst, src, n, ENTRY, back);
	else
		transpose_n(dst, src, n, ENTRY + 8, back);
}

/* Producer p's block at stage, n pairs: *out and its length, packed when that pays (else clen 0). */
static uint32_t
pack(struct bsort *b, struct producer *p, const uint8_t *stage, uint32_t n, const uint8_t **out,
     size_t *len)
{
	size_t bytes = (size_t)n * b->esz;
	*out = stage;
	*len = bytes;
	if (!p->cz) {
		if (!(p->cz = ZSTD_createCCtx()))
			return 0;
		ZSTD_CCtx_setParameter(p->cz, ZSTD_c_compressionLevel, PACK_LEVEL);
		p->zcap = ZSTD_compressBound((size_t)b->block * b->esz);
		p->z = xmalloc(p->zcap);
		p->plane = xmalloc((size_t)b->block * b->esz);
	}
	transpose(p->plane, stage, n, b->esz, 0);
	size_t c = ZSTD_compress2(p->cz, p->z, p->zcap, p->plane, bytes);
	if (ZSTD_isError(c) || c > bytes / 8 * 7)
		return 0;
	atomic_fetch_add(&b->packed_blocks, 1);
	*out = p->z;
	*len = c;
	return (uint32_t)c;
}

static void
fail(struct bsort *b, const char *what, int e)
{
	pthread_mutex_lock(&b->mu);
	if (!atomic_load(&b->failed))
		snprintf(b->err, sizeof(b->err), "%s: %s", what, strerror(e));
	atomic_store(&b->failed, 1);
	pthread_mutex_unlock(&b->mu);
}

/*
 * Producer p's block of bucket k is done (full, or the last): kept in
 * memory while the budget allows, else written at the file's end. The
 * file is opened at the first spill.
 */
static int
flush(struct bsort *b, struct producer *p, unsigned k, int last)
{
	struct bucket *bk = &b->bk[k];
	struct block blk = { .n = p->fill[k] };
	const uint8_t *out = NULL;
	size_t bytes = 0;
	int keep, e = 0;

	if (!blk.n)
		return 0;
	pthread_mutex_lock(&b->mu);
	keep = b->kept + (uint64_t)b->block * b->esz <= b->keep_max;
	if (keep) {
		b->kept += (uint64_t)b->block * b->esz;
		blk.mem = p->stage[k];
	}
	pthread_mutex_unlock(&b->mu);
	if (!keep) { /* packed outside the lock: the other producers go on */
		out = p->stage[k];
		bytes = (size_t)blk.n * b->esz;
		if (atomic_load(&b->end_seen) >= b->o.pack_after)
			blk.clen = pack(b, p, p->stage[k], blk.n, &out, &bytes);
	}
	pthread_mutex_lock(&b->mu);
	if (!keep) {
		if (b->fd < 0 && (b->fd = xio_tmpfile(b->o.tmpdir, "bsort", NULL, 0)) < 0)
			e = errno;
		blk.off = b->end;
		b->end += bytes;
		atomic_store(&b->end_seen, b->end);
		b->spilled_blocks++;
	}
	if (!e) {
		bk->v = xgrow(bk->v, &bk->alloc, bk->n + 1, sizeof(*bk->v));
		bk->v[bk->n++] = blk;
		bk->pairs += blk.n;
	}
	pthread_mutex_unlock(&b->mu);
	if (e) {
		fail(b, "cannot create a temporary file", e);
		return -1;
	}
	p->fill[k] = 0;
	if (keep) {
		p->stage[k] = last ? NULL : xmalloc((size_t)b->block * b->esz);
	} else if (xio_pwrite_all(b->fd, out, bytes, blk.off) < 0) {
		fail(b, "cannot write the temporary file", errno);
		return -1;
	}
	return 0;
}

int
bsort_add(struct bsort *b, unsigned pi, const uint64_t *kv, size_t n)
{
	struct producer *p = &b->p[pi % b->o.producers];
	const uint64_t nsets = b->o.nsets;
	const uint32_t block = b->block;
	const size_t esz = b->esz, stride = b->o.with_values ? 3 : 2;
	uint64_t added = 0;
	int rc = 0;

	if (atomic_load_explicit(&b->failed, memory_order_relaxed))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const uint64_t *t = kv + i * stride;
		uint64_t key = t[0], set = t[1];
		unsigned k = (unsigned)(key >> 56);
		if (set >= nsets)
			continue;
		uint8_t *stage = p->stage[k];
		if (!stage)
			stage = p->stage[k] = xmalloc((size_t)block * esz);
		uint32_t fill = p->fill[k];
		uint8_t *d = stage + (size_t)fill * esz;
		put(d, key, (unsigned)set);
		if (stride == 3)
			memcpy(d + ENTRY, &t[2], 8);
		p->seen[set] = 1;
		added++;
		p->fill[k] = ++fill;
		if (fill == block && flush(b, p, k, 0) < 0) {
			rc = -1;
			break;
		}
	}
	p->pairs += added;
	return rc;
}

int
bsort_failed(const struct bsort *b)
{
	return atomic_load_explicit(&((struct bsort *)b)->failed, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* The end: buckets in key order, by several threads. */

/* A bucket, or one range of its keys when it does not fit a thread. */
struct unit {
	unsigned bucket, part, parts;
	const struct bucket *src; /* its blocks: the bucket's, or its part's alone (split_bucket()) */
};

struct fin {
	struct bsort *b;
	bsort_emit_fn emit;
	void *ctx;
	struct unit *u;
	size_t nu;
	atomic_size_t take; /* the next unit to take */
	size_t cap;         /* pairs a thread's buffer holds at first */
	unsigned *sets;     /* the set numbers seen, ascending */
	size_t nsets;
	uint16_t *dense; /* set number -> its index in sets */
	size_t *next;    /* per index: the unit whose keys it takes next */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	char err[256];
};

static void
stop(struct fin *f, const char *msg)
{
	pthread_mutex_lock(&f->mu);
	if (!f->stop && msg)
		snprintf(f->err, sizeof(f->err), "%s", msg);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* A finishing thread's buffers. */
struct work {
	unsigned bucket; /* the unit's */
	uint8_t *e;      /* its pairs */
	size_t n, cap, hard; /* pairs, room, the most before the unit goes to xsort */
	uint64_t *keys, *tmp; /* by set, sorted: keys, or (key, payload) */
	size_t kcap;
	size_t *off; /* per set index: its pairs' start; off[nsets] = the end */
	uint8_t *bounce; /* a block read from the file */
	uint8_t *zin, *plane; /* a packed one, and its planes */
	ZSTD_DCtx *dz;
};

/* Unit u's blocks one by one (read back from the file when spilled). */
static const uint8_t *
block_data(struct fin *f, struct work *w, const struct block *blk)
{
	struct bsort *b = f->b;
	if (blk->mem)
		return blk->mem;
	size_t bytes = (size_t)blk->n * b->esz;
	if (!w->bounce)
		w->bounce = xmalloc((size_t)b->block * b->esz);
	if (blk->clen && !w->zin) {
		w->zin = xmalloc(ZSTD_compressBound((size_t)b->block * b->esz));
		w->plane = xmalloc((size_t)b->block * b->esz);
		if (!(w->dz = ZSTD_createDCtx())) {
			stop(f, "out of memory");
			return NULL;
		}
	}
	if (xio_pread_all(b->fd, blk->clen ? w->zin : w->bounce, blk->clen ? blk->clen : bytes, blk->off) < 0) {
		char msg[256];
		snprintf(msg, sizeof(msg), "cannot read the temporary file back: %s", strerror(errno));
		stop(f, msg);
		return NULL;
	}
	if (blk->clen) {
		size_t d = ZSTD_decompressDCtx(w->dz, w->plane, bytes, w->zin, blk->clen);
		if (ZSTD_isError(d) || d != bytes) {
			stop(f, "the temporary file read back is not what was written");
			return NULL;
		}
		transpose(w->bounce, w->plane, blk->n, b->esz, 1);
	}
	return w->bounce;
}

/* Is the pair at d in unit u? (The part: a range of the key's next 24 bits.) */
static inline int
in_unit(const struct unit *u, const uint8_t *d)
{
	return u->parts == 1 || ((get_key(d, u->bucket) << 8 >> 40) * u->parts >> 24) == u->part;
}

/*
 * w->e[0..n) into w->keys grouped by set (w->off gives the groups), each
 * group sorted by key: without a payload each key once, with one every
 * pair, as (key, payload).
 */
static void
sort_unit(struct fin *f, struct work *w)
{
	struct bsort *b = f->b;
	size_t *off = w->off, ns = f->nsets, wd = b->words;

	if (w->n > w->kcap) {
		w->kcap = w->n;
		free(w->keys);
		free(w->tmp);
		w->keys = xmalloc(w->kcap * wd * sizeof(*w->keys));
		w->tmp = xmalloc(w->kcap * wd * sizeof(*w->tmp));
	}
	memset(off, 0, (ns + 1) * sizeof(*off));
	for (size_t i = 0; i < w->n; i++)
		off[f->dense[get_set(w->e + i * b->esz)] + 1]++;
	for (size_t s = 0; s < ns; s++)
		off[s + 1] += off[s];
	for (size_t i = 0; i < w->n; i++) {
		const uint8_t *d = w->e + i * b->esz;
		size_t at = off[f->dense[get_set(d)]]++;
		w->keys[at * wd] = get_key(d, w->bucket);
		if (wd == 2)
			memcpy(&w->keys[at * 2 + 1], d + ENTRY, 8);
	}
	/*
	 * off[s] is now the end of group s: sort each in place (tmp is the
	 * scratch); without a payload, drop repeats, moving the groups down.
	 */
	size_t start = 0, out = 0;
	for (size_t s = 0; s < ns; s++) {
		size_t end = off[s], m = end - start;
		uint64_t *g = w->keys + start * wd;
		off[s] = out;
		if (wd == 2) {
			if (m > 1)
				xsort_radix_pairs(g, w->tmp, m);
			out += m; /* out == start: every pair stays */
		} else {
			if (m > 1)
				xsort_radix(g, w->tmp, m);
			for (size_t i = 0; i < m; i++) /* out <= start + i */
				if (i == 0 || g[i] != g[i - 1])
					w->keys[out++] = g[i];
		}
		start = end;
	}
	off[ns] = out;
}

/* Back from groups to pairs: what is left after repeats went (no payload). */
static void
compact(struct fin *f, struct work *w)
{
	sort_unit(f, w);
	w->n = 0;
	for (size_t s = 0; s < f->nsets; s++)
		for (size_t i = w->off[s]; i < w->off[s + 1]; i++)
			put(w->e + w->n++ * ENTRY, w->keys[i], f->sets[s]);
}

/*
 * Reads unit u's pairs into w->e: 0; 1 when they are too many for the
 * thread's share even without repeats (many equal keys: the caller sorts
 * the unit externally); -1 with the reason given to stop().
 */
static int
gather(struct fin *f, struct work *w, const struct unit *u)
{
	struct bsort *b = f->b;
	const struct bucket *bk = u->src;
	const size_t esz = b->esz;

	w->n = 0;
	w->bucket = u->bucket;
	for (size_t i = 0; i < bk->n; i++) {
		const struct block *blk = &bk->v[i];
		const uint8_t *src = block_data(f, w, blk);
		if (!src)
			return -1;
		for (uint32_t j = 0; j < blk->n; j++) {
			const uint8_t *d = src + (size_t)j * esz;
			if (!in_unit(u, d))
				continue;
			if (w->n == w->cap) {
				if (!b->o.with_values)
					compact(f, w); /* repeats out first */
				if (w->n > w->cap / 2) {
					if (w->cap >= w->hard)
						return 1;
					w->e = xgrow(w->e, &w->cap, w->cap + 1, esz);
				}
			}
			memcpy(w->e + w->n++ * esz, d, esz);
		}
	}
	return 0;
}

/* Waits for set index s's turn at unit u: 0, or -1 when the end was stopped. */
static int
turn_wait(struct fin *f, size_t s, size_t u)
{
	pthread_mutex_lock(&f->mu);
	while (f->next[s] != u && !f->stop)
		pthread_cond_wait(&f->cv, &f->mu);
	int stopped = f->stop;
	pthread_mutex_unlock(&f->mu);
	return stopped ? -1 : 0;
}

static void
turn_pass(struct fin *f, size_t s, size_t u)
{
	pthread_mutex_lock(&f->mu);
	f->next[s] = u + 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/*
 * A unit with too many equal keys for memory (a dump of one row repeated
 * millions of times): each set's pairs of it through an external sort
 * (core/xsort.h), which handles any number within its budget. Slow, and
 * only for such input. 0, or -1 (stop() has the reason).
 */
static int
unit_external(struct fin *f, struct work *w, size_t ui)
{
	struct bsort *b = f->b;
	const struct unit *u = &f->u[ui];
	const struct bucket *bk = u->src;
	const size_t wd = b->words, chunk = 65536;
	uint64_t *keys = xmalloc(chunk * sizeof(*keys)), *vals = xmalloc(chunk * sizeof(*vals));
	uint64_t *kv = xmalloc(chunk * wd * sizeof(*kv));
	char err[256];
	int rc = 0;

	atomic_fetch_add(&b->external, 1);
	for (size_t s = 0; s < f->nsets && !rc; s++) {
		struct xsort_opts xo = { .memory = b->unit_max * b->unit_bytes, .tmpdir = b->o.tmpdir,
					 .with_values = wd == 2, .threads = 1 };
		struct xsort *x = xsort_new(&xo, err, sizeof(err));
		if (!x) {
			stop(f, err);
			rc = -1;
			break;
		}
		for (size_t i = 0; i < bk->n && !rc; i++) {
			const uint8_t *src = block_data(f, w, &bk->v[i]);
			if (!src) {
				rc = -1;
				break;
			}
			for (uint32_t j = 0; j < bk->v[i].n; j++) {
				const uint8_t *d = src + (size_t)j * b->esz;
				uint64_t val = 0;
				if (get_set(d) != f->sets[s] || !in_unit(u, d))
					continue;
				if (wd == 2)
					memcpy(&val, d + ENTRY, 8);
				if (xsort_add(x, get_key(d, u->bucket), val) < 0)
					break; /* xsort_finish() says why */
			}
		}
		if (!rc && xsort_finish(x, wd == 1, err, sizeof(err)) < 0) {
			stop(f, err);
			rc = -1;
		}
		if (!rc && turn_wait(f, s, ui) < 0)
			rc = -1;
		int64_t m;
		while (!rc && (m = xsort_read(x, keys, wd == 2 ? vals : NULL, chunk)) > 0) {
			for (int64_t i = 0; i < m; i++) {
				kv[i * wd] = keys[i];
				if (wd == 2)
					kv[i * 2 + 1] = vals[i];
			}
			if (f->emit(f->ctx, f->sets[s], kv, (size_t)m) < 0) {
				stop(f, NULL);
				rc = -1;
			}
		}
		if (!rc && m < 0) {
			stop(f, xsort_error(x));
			rc = -1;
		}
		xsort_free(x);
		if (!rc)
			turn_pass(f, s, ui);
	}
	free(keys);
	free(vals);
	free(kv);
	return rc;
}

static void *
finisher(void *arg)
{
	struct fin *f = arg;
	struct bsort *b = f->b;
	struct work w = { 0 };

	w.cap = f->cap;
	w.hard = 2 * (size_t)b->unit_max + 1;
	w.e = xmalloc(w.cap * b->esz);
	w.off = xmalloc((f->nsets + 1) * sizeof(*w.off));
	for (;;) {
		size_t u = atomic_fetch_add(&f->take, 1);
		if (u >= f->nu)
			break;
		int g = gather(f, &w, &f->u[u]);
		if (g == 1) {
			/* the grown buffer goes back before xsort takes the share */
			free(w.e);
			w.cap = f->cap;
			w.e = xmalloc(w.cap * b->esz);
			if (unit_external(f, &w, u) < 0)
				break;
			continue;
		}
		if (g < 0)
			break;
		sort_unit(f, &w);
		for (size_t s = 0; s < f->nsets; s++) {
			if (turn_wait(f, s, u) < 0)
				goto out;
			size_t m = w.off[s + 1] - w.off[s];
			if (m && f->emit(f->ctx, f->sets[s], w.keys + w.off[s] * b->words, m) < 0) {
				stop(f, NULL);
				goto out;
			}
			turn_pass(f, s, u);
		}
	}
out:
	free(w.e);
	free(w.keys);
	free(w.tmp);
	free(w.off);
	free(w.bounce);
	free(w.zin);
	free(w.plane);
	ZSTD_freeDCtx(w.dz);
	return NULL;
}

/* No more adds: the blocks in the making are the last of their buckets. 0, or -1 (err). */
static int
flush_all(struct bsort *b, char *err, size_t errlen)
{
	err[0] = '\0';
	for (unsigned i = 0; i < b->o.producers; i++)
		for (unsigned k = 0; k < NBUCKET; k++)
			if (!atomic_load(&b->failed) && flush(b, &b->p[i], k, 1) < 0)
				break;
	if (atomic_load(&b->failed)) {
		snprintf(err, errlen, "%s", b->err);
		return -1;
	}
	return 0;
}

/*
 * A bucket read in more than SPLIT_PARTS passes would be read whole once
 * a pass: a dump of one record repeated puts hundreds of millions of
 * pairs in a few buckets, and the passes grow with the dump, so the reads
 * grow with its square (350M records: 35 passes over 6 GB each). Such a
 * bucket is read once instead and its pairs written to one list of blocks
 * a part (sub[0..parts), always to the file, packed as any spill), each
 * part's unit then reading its own: one more write of that bucket, and
 * the reads stay linear. Each block read is punched out of the file as it
 * is read (fallocate(2); where the file system cannot, it stays), so the
 * disk holds the bucket about once. A bucket of a few passes is read that
 * many times instead: cheaper than writing it again. 0, or -1 (b->err, or
 * stop()'s).
 */
#define SPLIT_PARTS 8

/* A part's block of split_bucket() to the file (packed past pack_after) and its list. 0, or -1. */
static int
sub_flush(struct bsort *b, struct producer *wp, const uint8_t *stage, uint32_t n, struct bucket *sub)
{
	struct block nb = { .n = n };
	const uint8_t *out = stage;
	size_t bytes = (size_t)n * b->esz;
	if (atomic_load(&b->end_seen) >= b->o.pack_after)
		nb.clen = pack(b, wp, stage, n, &out, &bytes);
	nb.off = b->end;
	b->end += bytes;
	atomic_store(&b->end_seen, b->end);
	b->spilled_blocks++;
	if (xio_pwrite_all(b->fd, out, bytes, nb.off) < 0) {
		fail(b, "cannot write the temporary file", errno);
		return -1;
	}
	sub->v = xgrow(sub->v, &sub->alloc, sub->n + 1, sizeof(*sub->v));
	sub->v[sub->n++] = nb;
	sub->pairs += n;
	return 0;
}

static int
split_bucket(struct bsort *b, struct fin *f, struct work *w, unsigned k, unsigned parts, struct bucket *sub)
{
	const struct bucket *bk = &b->bk[k];
	const size_t esz = b->esz;
	struct producer wp = { 0 }; /* pack()'s context and buffers */
	uint8_t **stage = xcalloc(parts, sizeof(*stage));
	uint32_t *fill = xcalloc(parts, sizeof(*fill));
	int rc = 0;

	if (b->fd < 0 && (b->fd = xio_tmpfile(b->o.tmpdir, "bsort", NULL, 0)) < 0) {
		fail(b, "cannot create a temporary file", errno);
		rc = -1;
	}
	for (size_t i = 0; i < bk->n && !rc; i++) {
		const struct block *blk = &bk->v[i];
		const uint8_t *src = block_data(f, w, blk);
		if (!src) {
			rc = -1;
			break;
		}
#ifdef FALLOC_FL_PUNCH_HOLE
		if (!blk->mem) /* its bytes are in w's buffer now: the disk they took goes back */
			(void)fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)blk->off,
					(off_t)(blk->clen ? blk->clen : (size_t)blk->n * esz));
#endif
		for (uint32_t j = 0; j < blk->n && !rc; j++) {
			const uint8_t *d = src + (size_t)j * esz;
			unsigned pt = (unsigned)((get_key(d, k) << 8 >> 40) * parts >> 24);
			if (!stage[pt])
				stage[pt] = xmalloc((size_t)b->block * esz);
			memcpy(stage[pt] + (size_t)fill[pt]++ * esz, d, esz);
			if (fill[pt] == b->block) {
				rc = sub_flush(b, &wp, stage[pt], fill[pt], &sub[pt]);
				fill[pt] = 0;
			}
		}
	}
	for (unsigned pt = 0; pt < parts && !rc; pt++)
		if (fill[pt])
			rc = sub_flush(b, &wp, stage[pt], fill[pt], &sub[pt]);
	for (unsigned pt = 0; pt < parts; pt++)
		free(stage[pt]);
	free(stage);
	free(fill);
	ZSTD_freeCCtx(wp.cz);
	free(wp.plane);
	free(wp.z);
	return rc;
}

int
bsort_finish(struct bsort *b, unsigned threads, bsort_emit_fn emit, void *ctx, char *err,
	     size_t errlen)
{
	struct fin f = { .b = b, .emit = emit, .ctx = ctx };
	int rc = 0;

	if (flush_all(b, err, errlen) < 0)
		return -1;

	/* the sets seen, and a dense index for each */
	f.dense = xcalloc(b->o.nsets, sizeof(*f.dense));
	f.sets = xmalloc(b->o.nsets * sizeof(*f.sets));
	for (unsigned s = 0; s < b->o.nsets; s++) {
		int seen = 0;
		for (unsigned i = 0; i < b->o.producers; i++)
			seen |= b->p[i].seen[s];
		if (seen) {
			f.dense[s] = (uint16_t)f.nsets;
			f.sets[f.nsets++] = s;
		}
	}

	/* the units: a bucket in as many parts as a thread's share needs */
	if (!threads)
		threads = 1;
	uint64_t per = b->unit_max / threads;
	if (per < UNIT_MIN)
		per = UNIT_MIN;
	b->unit_max = per;
	size_t nu = 0;
	for (unsigned k = 0; k < NBUCKET; k++)
		if (b->bk[k].pairs)
			nu += (size_t)((b->bk[k].pairs + per - 1) / per);
	f.u = xcalloc(nu ? nu : 1, sizeof(*f.u));
	pthread_mutex_init(&f.mu, NULL);
	pthread_cond_init(&f.cv, NULL);
	b->sub = xcalloc(nu ? nu : 1, sizeof(*b->sub));
	struct work sw = { 0 };
	for (unsigned k = 0; k < NBUCKET && !f.stop; k++) {
		unsigned parts = (unsigned)((b->bk[k].pairs + per - 1) / per);
		struct bucket *sub = NULL;
		if (parts > SPLIT_PARTS) {
			sub = b->sub + b->nsub;
			b->nsub += parts;
			b->nsplit++;
			if (split_bucket(b, &f, &sw, k, parts, sub) < 0 && !f.stop)
				stop(&f, b->err);
		}
		for (unsigned j = 0; j < parts; j++)
			f.u[f.nu++] = (struct unit){ k, j, parts, sub ? &sub[j] : &b->bk[k] };
	}
	free(sw.bounce);
	free(sw.zin);
	free(sw.plane);
	ZSTD_freeDCtx(sw.dz);
	b->passes = f.nu;
	for (unsigned k = 0; k < NBUCKET; k++)
		if (b->bk[k].pairs > f.cap)
			f.cap = (size_t)b->bk[k].pairs;
	if (f.cap > per)
		f.cap = (size_t)per;
	f.cap++;
	f.next = xcalloc(f.nsets ? f.nsets : 1, sizeof(*f.next));
	atomic_init(&f.take, 0);

	if (threads > f.nu)
		threads = f.nu ? (unsigned)f.nu : 1;
	pthread_t *tid = xcalloc(threads, sizeof(*tid));
	unsigned started = 0;
	for (unsigned i = 1; i < threads && !f.stop; i++) { /* none when a split failed */
		if (pthread_create(&tid[i], NULL, finisher, &f) != 0)
			break;
		started++;
	}
	if (!f.stop)
		finisher(&f);
	for (unsigned i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	if (f.stop) {
		snprintf(err, errlen, "%s", f.err);
		rc = -1;
	}
	pthread_mutex_destroy(&f.mu);
	pthread_cond_destroy(&f.cv);
	free(tid);
	free(f.u);
	free(f.next);
	free(f.sets);
	free(f.dense);
	return rc;
}

int
bsort_drain(struct bsort *b, bsort_drain_fn fn, void *ctx, char *err, size_t errlen)
{
	struct fin f = { .b = b };
	struct work w = { 0 };
	const size_t stride = b->o.with_values ? 3 : 2;
	uint64_t *kv = xmalloc((size_t)b->block * stride * sizeof(*kv));
	int rc = 0;

	if (flush_all(b, err, errlen) < 0) {
		free(kv);
		return -1;
	}
	pthread_mutex_init(&f.mu, NULL);
	pthread_cond_init(&f.cv, NULL);
	for (unsigned k = 0; k < NBUCKET && !rc; k++)
		for (size_t i = 0; i < b->bk[k].n && !rc; i++) {
			const struct block *blk = &b->bk[k].v[i];
			const uint8_t *src = block_data(&f, &w, blk);
			if (!src) {
				snprintf(err, errlen, "%s", f.err);
				rc = -1;
				break;
			}
			for (uint32_t j = 0; j < blk->n; j++) {
				const uint8_t *d = src + (size_t)j * b->esz;
				kv[j * stride] = get_key(d, k);
				kv[j * stride + 1] = get_set(d);
				if (stride == 3)
					memcpy(&kv[j * 3 + 2], d + ENTRY, 8);
			}
			if (fn(ctx, kv, blk->n) < 0)
				rc = -1; /* err empty: the caller has its reason */
		}
	pthread_mutex_destroy(&f.mu);
	pthread_cond_destroy(&f.cv);
	free(w.bounce);
	free(w.zin);
	free(w.plane);
	ZSTD_freeDCtx(w.dz);
	free(kv);
	return rc;
}

void
bsort_stats(const struct bsort *b, struct bsort_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < b->o.producers; i++)
		st->pairs += b->p[i].pairs;
	st->spilled_blocks = b->spilled_blocks;
	st->packed_blocks = atomic_load(&b->packed_blocks);
	st->spilled_bytes = b->end;
	st->passes = b->passes;
	st->external = atomic_load(&b->external);
	st->split = b->nsplit;
}

void
bsort_free(struct bsort *b)
{
	if (!b)
		return;
	for (unsigned k = 0; k < NBUCKET; k++) {
		for (size_t i = 0; i < b->bk[k].n; i++)
			free(b->bk[k].v[i].mem);
		free(b->bk[k].v);
	}
	for (size_t i = 0; i < b->nsub; i++)
		free(b->sub[i].v);
	free(b->sub);
	for (unsigned i = 0; i < b->o.producers; i++) {
		for (unsigned k = 0; k < NBUCKET; k++)
			free(b->p[i].stage[k]);
		free(b->p[i].seen);
		ZSTD_freeCCtx(b->p[i].cz);
		free(b->p[i].plane);
		free(b->p[i].z);
	}
	free(b->p);
	if (b->fd >= 0)
		close(b->fd);
	pthread_mutex_destroy(&b->mu);
	free(b);
}
