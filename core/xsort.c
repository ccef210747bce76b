/*
 * External sort of 64-bit keys with optional payloads; see xsort.h.
 *
 * An entry is one word (the key) or two (key, payload), held in one buffer
 * of cap entries and a scratch buffer of the same size for the radix sort.
 * A full buffer is sorted as two halves, one per thread, and each half is
 * written as its own run: the merge does the rest. When nothing was
 * spilled, the two sorted halves are merged into the scratch buffer by two
 * threads (each makes half of the output), and reading is a copy. A run
 * is a list of blocks in the run file, each the
 * varint deltas of its keys, then the varints of its payloads, compressed
 * with zstd level 1. The merge is a loser tree of sources, each a run
 * (one decoded block at a time) or a sorted array still in memory.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "core/xalloc.h"
#include "core/xio.h"
#include "core/xsort.h"

#define RBITS 8
#define RADIX (1u << RBITS)
#define RDIGITS 8
#define MSD_MIN 65536 /* fewer entries fit in cache: LSD only */
#define BLOCK_MAX 8192 /* entries a run block: small, so that a merge reads hundreds of runs at once */
#define PAR_MIN 65536 /* fewer entries are not worth a thread */
#define FANIN_MIN 4
#define MEM_MIN (1u << 20)

struct blk { /* one compressed block of a run */
	uint64_t off;
	uint32_t csize, n;
};

struct run {
	size_t first, nblk; /* its blocks in xsort.blks */
};

struct writer { /* one per thread: its compressor and the blocks it wrote */
	ZSTD_CCtx *cctx;
	uint8_t *raw, *cbuf;
	size_t ccap;
	struct blk *blks;
	size_t nblk, balloc;
	int err_no; /* non-zero after a failed write */
};

struct src {               /* a source of the merge */
	const uint64_t *e; /* its current entries */
	size_t pos, n;
	const struct run *run; /* NULL for a sorted half in memory */
	size_t next_blk;
	uint64_t *dec; /* a run's decoded block */
};

struct node {
	uint64_t k;
	uint32_t leaf;
};

struct merge {
	struct src *src;
	size_t nsrc;
	size_t p;           /* leaves of the loser tree: nsrc rounded up to a power of 2 */
	uint64_t *cur;      /* each leaf's current key */
	uint8_t *done;      /* each leaf's source is exhausted (or padding) */
	struct node *loser; /* the loser at each inner node, 1 .. p - 1, with its key */
	uint32_t winner;
	size_t live;   /* sources not exhausted */
	uint64_t left; /* entries not yet popped */
	ZSTD_DCtx *dctx;
	uint8_t *raw, *cbuf; /* shared: a block is decoded at once */
};

struct xsort {
	struct xsort_opts o;
	size_t esz;          /* words an entry */
	uint64_t *buf, *tmp; /* cap entries each */
	size_t cap, n;
	size_t block;   /* entries a run block */
	size_t fanin;   /* runs one merge may read at once */
	uint64_t count; /* entries added */
	int fd;
	_Atomic uint64_t file_end;
	struct writer w[2];
	struct blk *blks;
	size_t nblks, blks_alloc;
	struct run *runs;
	size_t nruns, runs_alloc;
	uint64_t runs_written;
	unsigned passes;
	int finished, unique, failed;
	struct merge m;
	char err[256];
};

/*
 * LSD passes over digits [0, ndig) of n entries of w words (the key first)
 * from a with scratch t, given the digits' counts; returns the one of the
 * two that holds the result. A digit that is the same in every key costs
 * no pass. Inlined with a constant w.
 */
static inline __attribute__((always_inline)) uint64_t *
lsd(uint64_t *a, uint64_t *t, size_t n, const size_t w, unsigned ndig, size_t (*cnt)[RADIX])
{
	for (unsigned d = 0; d < ndig && n; d++) {
		unsigned sh = d * RBITS;
		size_t *c = cnt[d], sum = 0;
		if (c[(a[0] >> sh) & (RADIX - 1)] == n)
			continue;
		for (unsigned b = 0; b < RADIX; b++) {
			size_t x = c[b];
			c[b] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t k = a[i * w];
			size_t p = c[(k >> sh) & (RADIX - 1)]++;
			t[p * w] = k;
			if (w == 2)
				t[p * w + 1] = a[i * w + 1];
		}
		uint64_t *x = a;
		a = t;
		t = x;
	}
	return a;
}

static inline __attribute__((always_inline)) void
count(const uint64_t *a, size_t n, const size_t w, unsigned ndig, size_t (*cnt)[RADIX])
{
	memset(cnt, 0, ndig * sizeof(*cnt));
	for (size_t i = 0; i < n; i++) {
		uint64_t k = a[i * w];
		for (unsigned d = 0; d < ndig; d++)
			cnt[d][(k >> (d * RBITS)) & (RADIX - 1)]++;
	}
}

/*
 * Sorts n entries of w words in a (scratch t), the result in a. Large
 * arrays take one MSD pass on their highest varying digit first, so that
 * the LSD passes on the lower digits run bucket by bucket in cache: out of
 * cache, every pass over a large array costs TLB and cache misses.
 */
static inline __attribute__((always_inline)) void
radix_words(uint64_t *a, uint64_t *t, size_t n, const size_t w)
{
	size_t(*cnt)[RADIX] = xmalloc(RDIGITS * sizeof(*cnt));
	size_t start[RADIX + 1];
	int top = RDIGITS - 1;
	uint64_t *r;

	count(a, n, w, RDIGITS, cnt);
	if (n < MSD_MIN) {
		if ((r = lsd(a, t, n, w, RDIGITS, cnt)) != a)
			memcpy(a, r, n * w * sizeof(*a));
		free(cnt);
		return;
	}
	while (top >= 0 && cnt[top][(a[0] >> (top * RBITS)) & (RADIX - 1)] == n)
		top--;
	if (top < 0) { /* all keys equal */
		free(cnt);
		return;
	}
	unsigned sh = (unsigned)top * RBITS;
	start[0] = 0;
	for (unsigned b = 0; b < RADIX; b++)
		start[b + 1] = start[b] + cnt[top][b];
	memcpy(cnt[top], start, RADIX * sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		uint64_t k = a[i * w];
		size_t p = cnt[top][(k >> sh) & (RADIX - 1)]++;
		t[p * w] = k;
		if (w == 2)
			t[p * w + 1] = a[i * w + 1];
	}
	for (unsigned b = 0; b < RADIX; b++) {
		size_t s = start[b], m = start[b + 1] - s;
		if (!m)
			continue;
		count(t + s * w, m, w, (unsigned)top, cnt);
		r = lsd(t + s * w, a + s * w, m, w, (unsigned)top, cnt);
		if (r != a + s * w)
			memcpy(a + s * w, r, m * w * sizeof(*a));
	}
	free(cnt);
}

static void
radix_1(uint64_t *a, uint64_t *t, size_t n)
{
	radix_words(a, t, n, 1);
}

static void
radix_2(uint64_t *a, uint64_t *t, size_t n)
{
	radix_words(a, t, n, 2);
}

void
xsort_radix(uint64_t *a, uint64_t *tmp, size_t n)
{
	radix_1(a, tmp, n);
}

void
xsort_radix_pairs(uint64_t *a, uint64_t *tmp, size_t n)
{
	radix_2(a, tmp, n);
}

static size_t
raw_cap(const struct xsort *s)
{
	return s->block * s->esz * 10;
}

static void
writer_init(struct xsort *s, struct writer *w)
{
	if (w->cctx)
		return;
	w->cctx = ZSTD_createCCtx();
	w->raw = xmalloc(raw_cap(s));
	w->ccap = ZSTD_compressBound(raw_cap(s));
	w->cbuf = xmalloc(w->ccap);
}

/* Writes n sorted entries as blocks of a run; the blocks go on w's list. */
static void
write_entries(struct xsort *s, struct writer *w, const uint64_t *e, size_t n)
{
	size_t esz = s->esz;

	for (size_t at = 0; at < n && !w->err_no; at += s->block) {
		size_t m = n - at < s->block ? n - at : s->block;
		const uint64_t *b = e + at * esz;
		uint8_t *p = w->raw;
		uint64_t prev = 0;
		for (size_t i = 0; i < m; i++) {
			p = xio_put_varint(p, b[i * esz] - prev);
			prev = b[i * esz];
		}
		if (esz == 2)
			for (size_t i = 0; i < m; i++)
				p = xio_put_varint(p, b[i * 2 + 1]);
		size_t cs =
		    ZSTD_compressCCtx(w->cctx, w->cbuf, w->ccap, w->raw, (size_t)(p - w->raw), 1);
		if (ZSTD_isError(cs)) {
			w->err_no = EIO;
			break;
		}
		uint64_t off = atomic_fetch_add(&s->file_end, cs);
		if (xio_pwrite_all(s->fd, w->cbuf, cs, off) < 0) {
			w->err_no = errno ? errno : EIO;
			break;
		}
		w->blks = xgrow(w->blks, &w->balloc, w->nblk + 1, sizeof(*w->blks));
		w->blks[w->nblk++] = (struct blk){off, (uint32_t)cs, (uint32_t)m};
	}
}

/* Moves the blocks w wrote into a new run. */
static void
close_run(struct xsort *s, struct writer *w)
{
	if (!w->nblk)
		return;
	s->blks = xgrow(s->blks, &s->blks_alloc, s->nblks + w->nblk, sizeof(*s->blks));
	memcpy(s->blks + s->nblks, w->blks, w->nblk * sizeof(*w->blks));
	s->runs = xgrow(s->runs, &s->runs_alloc, s->nruns + 1, sizeof(*s->runs));
	s->runs[s->nruns++] = (struct run){s->nblks, w->nblk};
	s->nblks += w->nblk;
	s->runs_written++;
	w->nblk = 0;
}

struct half {
	struct xsort *s;
	uint64_t *a, *t, *res;
	size_t n;
	struct writer *w; /* NULL: sort only */
};

static void *
sort_half(void *arg)
{
	struct half *h = arg;
	if (h->s->esz == 1)
		radix_1(h->a, h->t, h->n);
	else
		radix_2(h->a, h->t, h->n);
	h->res = h->a;
	if (h->w)
		write_entries(h->s, h->w, h->res, h->n);
	return NULL;
}

/*
 * Sorts the buffer, as two halves by two threads when it is large, and
 * writes each half as a run (with write) or leaves the sorted halves in
 * h[0..*nh) for the merge.
 */
static int
sort_buffer(struct xsort *s, int write, struct half h[2], size_t *nh)
{
	size_t k = s->o.threads >= 2 && s->n >= PAR_MIN ? 2 : 1;
	size_t cut[3] = {0, k == 2 ? s->n / 2 : s->n, s->n};
	pthread_t tid;
	int threaded = 0;

	for (size_t i = 0; i < k; i++) {
		size_t off = cut[i] * s->esz;
		h[i] =
		    (struct half){s, s->buf + off, s->tmp + off, NULL, cut[i + 1] - cut[i], NULL};
		if (write) {
			writer_init(s, &s->w[i]);
			h[i].w = &s->w[i];
		}
	}
	if (k == 2 && pthread_create(&tid, NULL, sort_half, &h[1]) == 0)
		threaded = 1;
	sort_half(&h[0]);
	if (threaded)
		pthread_join(tid, NULL);
	else if (k == 2)
		sort_half(&h[1]);
	*nh = k;
	if (!write)
		return 0;
	for (size_t i = 0; i < k; i++) {
		if (s->w[i].err_no) {
			snprintf(s->err, sizeof(s->err), "cannot write a sort run: %s",
			         strerror(s->w[i].err_no));
			s->failed = 1;
		}
		close_run(s, &s->w[i]);
	}
	s->n = 0;
	return s->failed ? -1 : 0;
}

struct mjob {
	const uint64_t *a, *b;
	size_t na, nb;
	uint64_t *out;
	size_t w;
};

/* Merges two sorted arrays of w-word entries into out. */
static void *
merge_two(void *arg)
{
	struct mjob *j = arg;
	const uint64_t *a = j->a, *b = j->b, *ae = a + j->na * j->w, *be = b + j->nb * j->w;
	uint64_t *o = j->out;
	size_t w = j->w;

	while (a < ae && b < be) {
		const uint64_t *x = *b < *a ? b : a;
		o[0] = x[0];
		if (w == 2)
			o[1] = x[1];
		o += w;
		if (x == a)
			a += w;
		else
			b += w;
	}
	memcpy(o, a, (size_t)(ae - a) * sizeof(*a));
	o += ae - a;
	memcpy(o, b, (size_t)(be - b) * sizeof(*b));
	return NULL;
}

/*
 * Merges the two sorted halves into one array, out, by two threads: the
 * first makes the first n/2 entries, the second the rest, each from its
 * share of both halves (found by a binary search), so that the merge of
 * xsort_next() has one source and nothing to compare.
 */
static void
merge_halves(struct xsort *s, const struct half h[2], uint64_t *out)
{
	const uint64_t *A = h[0].res, *B = h[1].res;
	size_t na = h[0].n, nb = h[1].n, w = s->esz, k = (na + nb) / 2;
	size_t lo = k > nb ? k - nb : 0, hi = k < na ? k : na, i = lo;
	struct mjob j[2];
	pthread_t tid;

	while (lo <= hi) { /* i from A and k - i from B, each below the rest */
		i = lo + (hi - lo) / 2;
		size_t jj = k - i;
		if (i > 0 && jj < nb && A[(i - 1) * w] > B[jj * w])
			hi = i - 1;
		else if (jj > 0 && i < na && B[(jj - 1) * w] > A[i * w])
			lo = i + 1;
		else
			break;
	}
	j[0] = (struct mjob){A, B, i, k - i, out, w};
	j[1] = (struct mjob){A + i * w, B + (k - i) * w, na - i, nb - (k - i), out + k * w, w};
	if (pthread_create(&tid, NULL, merge_two, &j[1]) == 0) {
		merge_two(&j[0]);
		pthread_join(tid, NULL);
	} else {
		merge_two(&j[0]);
		merge_two(&j[1]);
	}
}

struct xsort *
xsort_new(const struct xsort_opts *o, char *err, size_t errlen)
{
	struct xsort *s = xcalloc(1, sizeof(*s));
	const char *dir = o->tmpdir ? o->tmpdir : "/tmp";

	s->o = *o;
	if (!s->o.memory)
		s->o.memory = 1ull << 30;
	if (s->o.memory < MEM_MIN)
		s->o.memory = MEM_MIN;
	if (!s->o.threads)
		s->o.threads = 2;
	s->esz = o->with_values ? 2 : 1;
	s->cap = (size_t)(s->o.memory / (2 * s->esz * sizeof(uint64_t)));
	/* blocks small beside a run, so that a merge can read many runs at once */
	s->block = s->cap / 16 < BLOCK_MAX ? s->cap / 16 : BLOCK_MAX;
	/* half the budget for the decoded blocks of the merge, minus the shared buffers */
	size_t per = s->block * s->esz * sizeof(uint64_t);
	size_t half = (size_t)(s->o.memory / 2), shared = 3 * raw_cap(s);
	size_t avail = half > shared ? half - shared : 0;
	s->fanin = avail / per > FANIN_MIN ? avail / per : FANIN_MIN;
	s->fd = -1;

	s->fd = xio_tmpfile(dir, "sort", NULL, 0); /* unlinked: the space goes with the fd */
	if (s->fd < 0) {
		snprintf(err, errlen, "cannot create a sort run in '%s': %s", dir, strerror(errno));
		free(s);
		return NULL;
	}
	/* the buffers are allocated on first use, so an empty sort costs nothing */
	return s;
}

/*
 * A large buffer, on huge pages where the kernel has them: page faults
 * are costly on virtual machines, and the radix passes miss the TLB less.
 */
static uint64_t *
big_alloc(size_t bytes)
{
	uint64_t *p = xmalloc(bytes);
#ifdef MADV_HUGEPAGE
	uintptr_t lo = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)((2u << 20) - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
	return p;
}

/* Makes room for one more entry: allocates, or spills a full buffer. */
static int
room(struct xsort *s)
{
	struct half h[2];
	size_t nh;

	if (s->failed || s->finished)
		return -1;
	if (!s->buf) {
		s->buf = big_alloc(s->cap * s->esz * sizeof(uint64_t));
		s->tmp = big_alloc(s->cap * s->esz * sizeof(uint64_t));
	}
	if (s->n == s->cap)
		return sort_buffer(s, 1, h, &nh);
	return 0;
}

int
xsort_add(struct xsort *s, uint64_t key, uint64_t val)
{
	if (s->n == s->cap || !s->buf || s->finished)
		if (room(s) < 0)
			return -1;
	if (s->esz == 1)
		s->buf[s->n] = key;
	else {
		s->buf[2 * s->n] = key;
		s->buf[2 * s->n + 1] = val;
	}
	s->n++;
	s->count++;
	return 0;
}

int
xsort_add_many(struct xsort *s, const uint64_t *keys, size_t n)
{
	while (n) {
		if (s->n == s->cap || !s->buf || s->finished)
			if (room(s) < 0)
				return -1;
		size_t m = s->cap - s->n < n ? s->cap - s->n : n;
		if (s->esz == 1)
			memcpy(s->buf + s->n, keys, m * sizeof(*keys));
		else
			for (size_t i = 0; i < m; i++) {
				s->buf[2 * (s->n + i)] = keys[i];
				s->buf[2 * (s->n + i) + 1] = 0;
			}
		s->n += m;
		s->count += m;
		keys += m;
		n -= m;
	}
	return 0;
}

/* Decodes block b of a run into dst; -1 with the reason in s->err. */
static int
read_block(struct xsort *s, struct merge *m, const struct blk *b, uint64_t *dst)
{
	size_t esz = s->esz;

	if (xio_pread_all(s->fd, m->cbuf, b->csize, b->off) < 0) {
		snprintf(s->err, sizeof(s->err), "cannot read back a sort run: %s",
		         errno ? strerror(errno) : "short read");
		return -1;
	}
	size_t rl = ZSTD_decompressDCtx(m->dctx, m->raw, raw_cap(s), m->cbuf, b->csize);
	const uint8_t *p = m->raw, *end = m->raw + (ZSTD_isError(rl) ? 0 : rl);
	uint64_t prev = 0, d;
	for (size_t i = 0; i < b->n; i++) {
		if (xio_get_varint(&p, end, &d) < 0)
			goto bad;
		prev += d;
		dst[i * esz] = prev;
	}
	if (esz == 2)
		for (size_t i = 0; i < b->n; i++)
			if (xio_get_varint(&p, end, &dst[i * 2 + 1]) < 0)
				goto bad;
	if (p != end)
		goto bad;
	return 0;
bad:
	snprintf(s->err, sizeof(s->err), "sort run block at byte %llu is corrupt",
	         (unsigned long long)b->off);
	return -1;
}

/* Loads a source's next block: 1, 0 when it has none, -1 on error. */
static int
src_fill(struct xsort *s, struct merge *m, struct src *r)
{
	if (!r->run || r->next_blk == r->run->first + r->run->nblk)
		return 0;
	const struct blk *b = &s->blks[r->next_blk++];
	if (read_block(s, m, b, r->dec) < 0)
		return -1;
	r->e = r->dec;
	r->pos = 0;
	r->n = b->n;
	return 1;
}

/*
 * Replays the matches of leaf w, whose key changed, up to the root. The
 * nodes hold their losers' keys, and the selects compile to conditional
 * moves: a replay is a short chain of loads and compares, no branch to
 * mispredict. An exhausted leaf has key UINT64_MAX; see merge_pop().
 */
static inline void
replay(struct merge *m, uint32_t w)
{
	uint64_t k = m->cur[w];
	for (size_t n = (w + m->p) >> 1; n; n >>= 1) {
		struct node t = m->loser[n];
		int lt = t.k < k;
		m->loser[n].k = lt ? k : t.k;
		m->loser[n].leaf = lt ? w : t.leaf;
		k = lt ? t.k : k;
		w = lt ? t.leaf : w;
	}
	m->winner = w;
}

/* Leaf w's source moved on: its next key, or exhausted. 0, or -1 on error. */
static inline int
advance(struct xsort *s, struct merge *m, uint32_t w)
{
	struct src *r = &m->src[w];
	if (r->pos == r->n) {
		int rc = src_fill(s, m, r);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			m->cur[w] = UINT64_MAX;
			m->done[w] = 1;
			m->live--;
			return 0;
		}
	}
	m->cur[w] = r->e[r->pos * s->esz];
	return 0;
}

static void
merge_release(struct merge *m)
{
	for (size_t i = 0; i < m->nsrc; i++)
		free(m->src[i].dec);
	free(m->src);
	free(m->cur);
	free(m->done);
	free(m->loser);
	free(m->raw);
	free(m->cbuf);
	ZSTD_freeDCtx(m->dctx);
	memset(m, 0, sizeof(*m));
}

/*
 * Opens a merge of runs[0..nruns) and of the sorted halves h[0..nh):
 * 0, or -1 with the reason in s->err.
 */
static int
merge_open(struct xsort *s, struct merge *m, const struct run *runs, size_t nruns,
           const struct half *h, size_t nh)
{
	memset(m, 0, sizeof(*m));
	m->p = 1;
	while (m->p < nruns + nh)
		m->p *= 2;
	m->src = xcalloc(m->p, sizeof(*m->src));
	m->cur = xcalloc(m->p, sizeof(*m->cur));
	m->done = xcalloc(m->p, 1);
	m->loser = xcalloc(m->p, sizeof(*m->loser));
	for (size_t i = 0; i < nruns; i++)
		for (size_t b = 0; b < runs[i].nblk; b++)
			m->left += s->blks[runs[i].first + b].n;
	for (size_t i = 0; i < nh; i++)
		m->left += h[i].n;
	if (nruns) {
		m->dctx = ZSTD_createDCtx();
		m->raw = xmalloc(raw_cap(s));
		m->cbuf = xmalloc(ZSTD_compressBound(raw_cap(s)));
	}
	for (size_t i = 0; i < m->p; i++) {
		struct src *r = &m->src[i];
		if (i < nruns) {
			r->run = &runs[i];
			r->next_blk = runs[i].first;
			r->dec = xmalloc(s->block * s->esz * sizeof(uint64_t));
		} else if (i < nruns + nh) {
			r->e = h[i - nruns].res;
			r->n = h[i - nruns].n;
		}
		m->nsrc++;
		m->live++;
		if (advance(s, m, (uint32_t)i) < 0)
			return -1;
	}
	/* the first tournament, bottom up: each inner node keeps its loser */
	uint32_t *win = xmalloc(2 * m->p * sizeof(*win));
	for (size_t i = 0; i < m->p; i++)
		win[m->p + i] = (uint32_t)i;
	for (size_t n = m->p - 1; n >= 1; n--) {
		uint32_t a = win[2 * n], b = win[2 * n + 1];
		int ab = m->cur[a] <= m->cur[b];
		win[n] = ab ? a : b;
		m->loser[n] = (struct node){m->cur[ab ? b : a], ab ? b : a};
	}
	m->winner = win[1];
	free(win);
	return 0;
}

/* The smallest entry of the merge: 1, 0 at the end, -1 on error. */
static inline int
merge_pop(struct xsort *s, struct merge *m, uint64_t *key, uint64_t *val)
{
	uint32_t w = m->winner;
	if (!m->left)
		return 0;
	if (m->done[w]) {
		/*
		 * An exhausted leaf won a tie at UINT64_MAX: what is left is keys
		 * UINT64_MAX, in the sources not exhausted. Rare: no tree.
		 */
		for (w = 0; m->done[w]; w++)
			;
	}
	struct src *r = &m->src[w];
	*key = m->cur[w];
	*val = s->esz == 2 ? r->e[r->pos * 2 + 1] : 0;
	r->pos++;
	m->left--;
	if (advance(s, m, w) < 0)
		return -1;
	if (w == m->winner)
		replay(m, w);
	return 1;
}

/* Merges the first fanin runs into one new run at the end of the list. */
static int
merge_pass(struct xsort *s)
{
	struct merge m;
	size_t k = s->fanin, n = 0;
	struct run *group = xmalloc(k * sizeof(*group));
	uint64_t *out = xmalloc(s->block * s->esz * sizeof(uint64_t));
	uint64_t key, val;
	int rc;

	memcpy(group, s->runs, k * sizeof(*group));
	writer_init(s, &s->w[0]);
	rc = merge_open(s, &m, group, k, NULL, 0);
	while (rc >= 0 && (rc = merge_pop(s, &m, &key, &val)) > 0) {
		out[n * s->esz] = key;
		if (s->esz == 2)
			out[n * 2 + 1] = val;
		if (++n == s->block) {
			write_entries(s, &s->w[0], out, n);
			n = 0;
		}
	}
	if (rc == 0 && n)
		write_entries(s, &s->w[0], out, n);
	merge_release(&m);
	free(out);
	free(group);
	if (rc < 0)
		return -1;
	if (s->w[0].err_no) {
		snprintf(s->err, sizeof(s->err), "cannot write a sort run: %s",
		         strerror(s->w[0].err_no));
		return -1;
	}
	memmove(s->runs, s->runs + k, (s->nruns - k) * sizeof(*s->runs));
	s->nruns -= k;
	close_run(s, &s->w[0]);
	s->passes++;
	return 0;
}

int
xsort_finish(struct xsort *s, int unique, char *err, size_t errlen)
{
	struct half h[2];
	size_t nh = 0;

	if (s->finished) {
		snprintf(err, errlen, "the sort is finished already");
		return -1;
	}
	s->finished = 1;
	s->unique = unique;
	if (s->failed)
		goto failed;
	if (s->nruns && s->nruns + 2 > s->fanin) {
		/* too many runs to read at once: all to disk, then merge passes */
		if (s->n && sort_buffer(s, 1, h, &nh) < 0)
			goto failed;
		nh = 0;
		free(s->buf);
		free(s->tmp);
		s->buf = s->tmp = NULL;
		while (s->nruns > s->fanin)
			if (merge_pass(s) < 0)
				goto failed;
	} else if (s->n) {
		sort_buffer(s, 0, h, &nh);
		if (s->nruns) { /* the sorted halves are in buf: tmp goes back for the merge */
			free(s->tmp);
			s->tmp = NULL;
		} else if (nh == 2) {
			merge_halves(s, h, s->tmp);
			h[0].res = s->tmp;
			h[0].n += h[1].n;
			nh = 1;
		}
	}
	for (int i = 0; i < 2; i++) { /* the compressors are done */
		ZSTD_freeCCtx(s->w[i].cctx);
		free(s->w[i].raw);
		free(s->w[i].cbuf);
		s->w[i].cctx = NULL;
		s->w[i].raw = s->w[i].cbuf = NULL;
	}
	if (merge_open(s, &s->m, s->runs, s->nruns, h, nh) < 0)
		goto failed;
	return 0;
failed:
	s->failed = 1;
	snprintf(err, errlen, "%s", s->err);
	return -1;
}

int
xsort_next(struct xsort *s, uint64_t *key, uint64_t *val)
{
	uint64_t k, v, v2;
	int rc;

	if (s->failed || !s->finished)
		return -1;
	rc = merge_pop(s, &s->m, &k, &v);
	if (rc > 0 && s->unique) {
		/* equal keys meet at the root of the tree: keep the smallest payload */
		while (s->m.left && s->m.cur[s->m.winner] == k) {
			if ((rc = merge_pop(s, &s->m, &k, &v2)) < 0)
				break;
			if (v2 < v)
				v = v2;
		}
	}
	if (rc < 0) {
		s->failed = 1;
		return -1;
	}
	if (rc > 0) {
		*key = k;
		if (val)
			*val = v;
	}
	return rc;
}

int64_t
xsort_read(struct xsort *s, uint64_t *keys, uint64_t *vals, size_t max)
{
	struct merge *m = &s->m;
	size_t i = 0;

	if (s->failed || !s->finished)
		return -1;
	while (i < max) {
		if (m->live == 1 && !s->unique) {
			/* one source left: copy a stretch, nothing to compare */
			uint32_t w = m->winner;
			while (m->done[w]) /* it lost a tie at UINT64_MAX */
				w = (w + 1) % (uint32_t)m->p;
			struct src *r = &m->src[w];
			size_t c = r->n - r->pos < max - i ? r->n - r->pos : max - i;
			for (size_t x = 0; x < c; x++) {
				keys[i + x] = r->e[(r->pos + x) * s->esz];
				if (vals)
					vals[i + x] = s->esz == 2 ? r->e[(r->pos + x) * 2 + 1] : 0;
			}
			i += c;
			r->pos += c;
			m->left -= c;
			if (advance(s, m, w) < 0) {
				s->failed = 1;
				return -1;
			}
			continue;
		}
		uint64_t v;
		int rc = xsort_next(s, &keys[i], &v);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		if (vals)
			vals[i] = v;
		i++;
	}
	return (int64_t)i;
}

const char *
xsort_error(const struct xsort *s)
{
	return s->err;
}

uint64_t
xsort_count(const struct xsort *s)
{
	return s->count;
}

void
xsort_stats(const struct xsort *s, struct xsort_stats *st)
{
	st->keys = s->count;
	st->runs = s->runs_written;
	st->spilled_bytes = atomic_load(&s->file_end);
	st->merge_passes = s->passes;
}

void
xsort_free(struct xsort *s)
{
	if (!s)
		return;
	merge_release(&s->m);
	for (int i = 0; i < 2; i++) {
		ZSTD_freeCCtx(s->w[i].cctx);
		free(s->w[i].raw);
		free(s->w[i].cbuf);
		free(s->w[i].blks);
	}
	free(s->buf);
	free(s->tmp);
	free(s->blks);
	free(s->runs);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}
