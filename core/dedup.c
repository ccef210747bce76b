/*
 * Exact deduplication by partitioned fingerprints; see dedup.h.
 *
 * A part is the keys one thread produced from one share of the input,
 * numbered from the part's base. Each part keeps one list of pairs per
 * bucket, in key order: growing chunks in memory, preceded by any blocks
 * spilled to the run file. Finishing walks every bucket (buckets split
 * between the threads), part by part in order, so a key meets the earlier
 * keys of its bucket before the later ones: the first occurrence goes into
 * the table, every later equal key is marked in the duplicate bitmap. Keys
 * may also arrive out of order (records typed after a sample): the table
 * keeps the smallest sequence number of equal keys, so the first
 * occurrence wins whatever the order of arrival.
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

#define XXH_INLINE_ALL
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "core/dedup.h"
#include "core/xalloc.h"
#include "core/xio.h"

#define SEQ_BITS 40 /* a part may hold a trillion keys */
#define SEQ_MASK ((1ull << SEQ_BITS) - 1)
#define EMPTY UINT64_MAX
#define READ_BUF (4u << 20)
#define CHUNK_MIN 256
#define CHUNK_MAX 8192
#define SLAB_MAX (32u << 20) /* chunks are carved from slabs of huge pages */
#define MAX_THREADS 64

struct ent {
	uint64_t a; /* the low 64 bits of the fingerprint */
	uint64_t b; /* 24 more bits << SEQ_BITS | sequence number in the part */
};

struct chunk {
	struct chunk *next;
	uint32_t n, cap;
	struct ent e[];
};

struct sref { /* one spilled block */
	uint64_t off;
	uint32_t csize, n;
};

struct plist {
	struct chunk *head, *tail;
	uint64_t n; /* pairs, spilled ones included */
	struct sref *sp;
	size_t nsp, spalloc;
};

/*
 * Chunks come from a part's slabs, large mappings asked for huge pages:
 * the page faults of a fresh chunk per bucket cost more than the hashing
 * here. A spilled part keeps its slabs and fills them again.
 */
struct slab {
	struct slab *next;
	char *base;
	size_t size, used;
};

struct part {
	uint64_t base, n;
	struct plist *lists;
	uint64_t mem; /* bytes of chunks it holds */
	struct slab *slabs, *cur;
};

struct dedup {
	struct dedup_opts o;
	unsigned nbits; /* buckets = 1 << nbits */
	size_t slab;	/* bytes per slab: a small budget gets small slabs */
	struct part **parts;
	size_t nparts, parts_alloc;
	struct part *fp_part; /* the open part of dedup_add_fp() */
	uint64_t total;	      /* keys so far */
	_Atomic uint64_t mem;
	uint64_t pairs_budget; /* bytes of chunks before a part spills */
	int spill_fd;
	_Atomic uint64_t spill_end;
	_Atomic unsigned spill_runs;
	pthread_mutex_t spill_lock;
	_Atomic uint64_t *bitmap;
	uint64_t dups;
	int fp_failed; /* a spill write failed in dedup_add_fp() */
	char *buf[MAX_THREADS]; /* read buffers, one per thread, reused */
};

struct dedup *
dedup_new(const struct dedup_opts *o, char *err, size_t errlen)
{
	struct dedup *d = xcalloc(1, sizeof(*d));

	d->o = *o;
	if (!d->o.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		d->o.threads = n > 0 ? (unsigned)n : 1;
	}
	if (d->o.threads > MAX_THREADS)
		d->o.threads = MAX_THREADS;
	if (!d->o.memory)
		d->o.memory = 1ull << 30;
	/*
	 * 256 buckets: the chunk tails being written stay in cache while the
	 * pairs are scattered (a wider fan-out misses the cache on every
	 * pair). More only when a bucket would pass 2 million pairs, so that
	 * its table stays in memory.
	 */
	if (d->o.memory < (8u << 20))
		d->o.memory = 8u << 20;
	/* the pairs in memory: 7/8 of the budget; the finish's tables, the rest at least */
	d->pairs_budget = d->o.memory - d->o.memory / 8;
	d->slab = (size_t)(d->o.memory / (8 * d->o.threads));
	if (d->slab > SLAB_MAX)
		d->slab = SLAB_MAX;
	if (d->slab < (256u << 10))
		d->slab = 256u << 10;
	d->nbits = 8;
	while (d->nbits < 16 && (d->o.expect_keys >> d->nbits) > (2u << 20))
		d->nbits++;
	pthread_mutex_init(&d->spill_lock, NULL);

	d->spill_fd = xio_tmpfile(o->tmpdir, "spill", NULL, 0);
	if (d->spill_fd < 0) {
		snprintf(err, errlen, "cannot create a spill file in '%s': %s",
			 o->tmpdir ? o->tmpdir : "/tmp", strerror(errno));
		free(d);
		return NULL;
	}
	return d;
}

static struct part *
part_new(struct dedup *d, uint64_t base)
{
	struct part *p = xcalloc(1, sizeof(*p));
	p->base = base;
	p->lists = xcalloc((size_t)1 << d->nbits, sizeof(*p->lists));
	d->parts = xgrow(d->parts, &d->parts_alloc, d->nparts + 1, sizeof(*d->parts));
	d->parts[d->nparts++] = p;
	return p;
}

/* Carves sz bytes from part p's slabs; NULL when a new slab would be needed. */
static void *
slab_take(struct part *p, size_t sz)
{
	while (p->cur && (p->cur->size & ~(size_t)1) - p->cur->used < sz)
		p->cur = p->cur->next;
	if (!p->cur)
		return NULL;
	void *r = p->cur->base + p->cur->used;
	p->cur->used += sz;
	return r;
}

static void
slab_add(struct part *p, size_t size)
{
	struct slab *sl = xcalloc(1, sizeof(*sl));
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		m = xmalloc(size);
		sl->size = size | 1; /* marks a malloc'ed slab */
	} else {
#ifdef MADV_HUGEPAGE
		madvise(m, size, MADV_HUGEPAGE);
#endif
		sl->size = size;
	}
	sl->base = m;
	/* appended: the slabs are filled in order, again after a spill */
	struct slab **t = &p->slabs;
	while (*t)
		t = &(*t)->next;
	*t = sl;
	if (!p->cur)
		p->cur = sl;
}

static void
slabs_free(struct part *p)
{
	struct slab *sl, *next;
	for (sl = p->slabs; sl; sl = next) {
		next = sl->next;
		if (sl->size & 1)
			free(sl->base);
		else
			munmap(sl->base, sl->size);
		free(sl);
	}
	p->slabs = p->cur = NULL;
}

/* Writes every chunk of part p to the run file; its slabs are reused. */
static int
spill_part(struct dedup *d, struct part *p)
{
	size_t nb = (size_t)1 << d->nbits;
	size_t cap = ZSTD_compressBound(CHUNK_MAX * sizeof(struct ent));
	char *cbuf = xmalloc(cap);
	int rc = 0;

	for (size_t b = 0; b < nb && rc == 0; b++) {
		struct plist *l = &p->lists[b];
		struct chunk *c = l->head, *next;
		for (; c; c = next) {
			next = c->next;
			if (rc == 0 && c->n) {
				size_t cs = ZSTD_compress(cbuf, cap, c->e, c->n * sizeof(struct ent), 1);
				uint64_t off = atomic_fetch_add(&d->spill_end, cs);
				if (ZSTD_isError(cs) || xio_pwrite_all(d->spill_fd, cbuf, cs, off) < 0)
					rc = -1;
				l->sp = xgrow(l->sp, &l->spalloc, l->nsp + 1, sizeof(*l->sp));
				l->sp[l->nsp++] = (struct sref){ off, (uint32_t)cs, c->n };
			}
		}
		l->head = l->tail = NULL;
	}
	for (struct slab *sl = p->slabs; sl; sl = sl->next)
		sl->used = 0;
	p->cur = p->slabs;
	atomic_fetch_add(&d->spill_runs, 1);
	free(cbuf);
	return rc;
}

/* Appends a pair to part p's list of bucket b. */
static inline int
push(struct dedup *d, struct part *p, size_t b, uint64_t a, uint64_t bword)
{
	struct plist *l = &p->lists[b];
	struct chunk *c = l->tail;

	if (!c || c->n == c->cap) {
		uint32_t cap = c ? (c->cap < CHUNK_MAX ? c->cap * 2 : CHUNK_MAX) : CHUNK_MIN;
		size_t sz = sizeof(*c) + (size_t)cap * sizeof(struct ent);
		c = slab_take(p, sz);
		if (!c) {
			/*
			 * A new slab past the budget: the part spills instead
			 * (and fills its slabs again), once it holds its share
			 * of the budget, so that runs are large however small
			 * the budget is.
			 */
			if (atomic_load(&d->mem) + d->slab > d->pairs_budget &&
			    p->mem >= d->pairs_budget / (2 * d->o.threads) && p->slabs) {
				if (spill_part(d, p) < 0)
					return -1;
				p->mem = 0;
			} else {
				slab_add(p, d->slab);
				atomic_fetch_add(&d->mem, d->slab);
			}
			c = slab_take(p, sz);
			if (!c) {
				slab_add(p, d->slab);
				atomic_fetch_add(&d->mem, d->slab);
				c = slab_take(p, sz);
			}
		}
		c->next = NULL;
		c->n = 0;
		c->cap = cap;
		if (l->tail)
			l->tail->next = c;
		else
			l->head = c;
		l->tail = c;
		p->mem += sz;
	}
	c->e[c->n++] = (struct ent){ a, bword };
	l->n++;
	return 0;
}

static inline int
add_hash(struct dedup *d, struct part *p, XXH128_hash_t h)
{
	unsigned nb = d->nbits;
	size_t b = (size_t)(h.high64 >> (64 - nb));
	uint64_t extra = (h.high64 >> (64 - nb - 24)) & 0xFFFFFF;
	return push(d, p, b, h.low64, extra << SEQ_BITS | p->n++);
}

void
dedup_add_fp(struct dedup *d, uint64_t seq, uint64_t hi, uint64_t lo)
{
	if (!d->fp_part)
		d->fp_part = part_new(d, 0);
	struct part *p = d->fp_part;
	unsigned nb = d->nbits;
	size_t b = (size_t)(hi >> (64 - nb));
	uint64_t extra = (hi >> (64 - nb - 24)) & 0xFFFFFF;
	if (push(d, p, b, lo, extra << SEQ_BITS | (seq & SEQ_MASK)) < 0)
		d->fp_failed = 1;
	p->n++;
	if (seq + 1 > d->total)
		d->total = seq + 1;
}

struct line_job {
	struct dedup *d;
	struct part *p;
	int fd;
	uint64_t from, to;
	char *buf;
	int failed;
	char err[256];
};

/*
 * The fingerprint of a line's key p[0..kl): in one go, or ending the
 * pieces of a line longer than the buffer (a CR held back from the last
 * piece is in p: it belongs to the key unless it ends the line).
 */
static XXH128_hash_t
line_hash(XXH3_state_t **st, const char *p, size_t kl)
{
	XXH128_hash_t h;
	if (!*st)
		return XXH3_128bits(p, kl);
	XXH3_128bits_update(*st, p, kl);
	h = XXH3_128bits_digest(*st);
	XXH3_freeState(*st);
	*st = NULL;
	return h;
}

/* Hashes the lines of [from, to) of the file; a share starts on a line. */
static void *
hash_lines(void *arg)
{
	struct line_job *j = arg;
	struct dedup *d = j->d;
	uint64_t pos = j->from;
	size_t have = 0;
	XXH3_state_t *st = NULL; /* a line longer than the buffer, hashed in pieces */

	while (pos < j->to || have) {
		size_t want = READ_BUF - have;
		ssize_t r = 0;
		if (pos < j->to) {
			if (want > j->to - pos)
				want = (size_t)(j->to - pos);
			r = pread(j->fd, j->buf + have, want, (off_t)pos);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				snprintf(j->err, sizeof(j->err), "%s", strerror(errno));
				j->failed = 1;
				break;
			}
			if (r == 0) { /* the file shrank under us */
				snprintf(j->err, sizeof(j->err), "file shrank while being read");
				j->failed = 1;
				break;
			}
			pos += (uint64_t)r;
		}
		size_t len = have + (size_t)r, i = 0;
		int at_end = pos >= j->to;
		const char *b = j->buf;

		for (;;) {
			const char *nl = memchr(b + i, '\n', len - i);
			if (!nl)
				break;
			size_t ll = (size_t)(nl - (b + i)) + 1;
			if (add_hash(d, j->p, line_hash(&st, b + i, dedup_key_len(b + i, ll))) < 0)
				goto spill_failed;
			i += ll;
		}
		if (at_end && i < len) {
			/* the last line of the file, without LF */
			if (add_hash(d, j->p, line_hash(&st, b + i, dedup_key_len(b + i, len - i))) < 0)
				goto spill_failed;
			i = len;
		}
		have = len - i;
		if (have == READ_BUF) {
			/* no LF in the whole buffer: hash it in pieces, keeping a last CR */
			if (!st) {
				st = XXH3_createState();
				XXH3_128bits_reset(st);
			}
			size_t k = b[have - 1] == '\r' ? have - 1 : have;
			XXH3_128bits_update(st, b, k);
			memmove(j->buf, b + k, have - k);
			have -= k;
			continue;
		}
		if (have)
			memmove(j->buf, b + i, have);
		if (at_end && !have)
			break;
	}
	if (st)
		XXH3_freeState(st);
	return NULL;
spill_failed:
	snprintf(j->err, sizeof(j->err), "cannot write the spill file: %s", strerror(errno));
	j->failed = 1;
	if (st)
		XXH3_freeState(st);
	return NULL;
}

/* The first line start at or after off (size when none). */
static uint64_t
next_line_start(int fd, uint64_t off, uint64_t size)
{
	char b[65536];
	if (off == 0)
		return 0;
	off--; /* a line starts right after an LF, which may sit just before off */
	while (off < size) {
		ssize_t r = pread(fd, b, sizeof(b), (off_t)off);
		if (r <= 0)
			return size;
		const char *nl = memchr(b, '\n', (size_t)r);
		if (nl)
			return off + (uint64_t)(nl - b) + 1;
		off += (uint64_t)r;
	}
	return size;
}

int64_t
dedup_add_file(struct dedup *d, int fd, uint64_t size, char *err, size_t errlen)
{
	unsigned t = d->o.threads;
	struct line_job jobs[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	uint64_t cut[MAX_THREADS + 1];

	d->fp_part = NULL;
	if (size < (64u << 10) * t)
		t = 1; /* a small file is not worth the threads */
	cut[0] = 0;
	for (unsigned i = 1; i < t; i++)
		cut[i] = next_line_start(fd, size / t * i, size);
	cut[t] = size;
	for (unsigned i = 0; i < t; i++) {
		if (!d->buf[i])
			d->buf[i] = xmalloc(READ_BUF);
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].d = d;
		jobs[i].p = part_new(d, 0);
		jobs[i].fd = fd;
		jobs[i].from = cut[i] < cut[i + 1] ? cut[i] : cut[i + 1];
		jobs[i].to = cut[i + 1];
		jobs[i].buf = d->buf[i];
	}
	for (unsigned i = 1; i < t; i++)
		if (pthread_create(&tid[i], NULL, hash_lines, &jobs[i]) != 0) {
			jobs[i].failed = 1;
			snprintf(jobs[i].err, sizeof(jobs[i].err), "cannot start a thread");
		}
	hash_lines(&jobs[0]);
	for (unsigned i = 1; i < t; i++)
		if (!jobs[i].failed || strcmp(jobs[i].err, "cannot start a thread"))
			pthread_join(tid[i], NULL);
	uint64_t lines = 0;
	for (unsigned i = 0; i < t; i++) {
		if (jobs[i].failed) {
			snprintf(err, errlen, "%s", jobs[i].err);
			return -1;
		}
		jobs[i].p->base = d->total + lines;
		lines += jobs[i].p->n;
	}
	d->total += lines;
	return (int64_t)lines;
}

struct finish_job {
	struct dedup *d;
	unsigned id;
	uint64_t dups;
	int failed;
};

/*
 * One pass over bucket b: the keys whose pass number (a mix of their bits,
 * not those that chose the bucket) is pass of npass go into the table,
 * grown as distinct keys come, up to tmax slots. 0 when done (*dups
 * counted), 1 when the table would pass tmax (the bucket needs more
 * passes), -1 on a read error. A pass left unfinished marks only true
 * duplicates in the bitmap (the bit is set again by the next try) and
 * counts none.
 */
static int
bucket_pass(struct dedup *d, size_t b, unsigned pass, unsigned npass, struct ent **tabp, size_t *tcapp,
	    size_t tmax, uint64_t total, struct ent *scratch, char *cbuf, uint64_t *dups)
{
	struct ent *tab = *tabp;
	size_t need = 64, used = 0;
	uint64_t nd = 0;
	while (need < tmax && need < 2 * (total / npass + 32))
		need *= 2;
	if (need > *tcapp) {
		free(tab);
		tab = *tabp = xmalloc(need * sizeof(*tab));
		*tcapp = need;
	}
	size_t mask = need - 1;
	for (size_t i = 0; i < need; i++)
		tab[i].b = EMPTY;

	for (size_t k = 0; k < d->nparts; k++) {
		struct part *p = d->parts[k];
		struct plist *l = &p->lists[b];
		struct chunk *c = l->head;
		size_t s = 0;
		for (;;) {
			const struct ent *e;
			size_t n;
			if (s < l->nsp) {
				/* the spilled blocks come first: they are older */
				struct sref *r = &l->sp[s++];
				if (xio_pread_all(d->spill_fd, cbuf, r->csize, r->off) < 0 ||
				    ZSTD_decompress(scratch, CHUNK_MAX * sizeof(struct ent), cbuf, r->csize) !=
					    r->n * sizeof(struct ent))
					return -1;
				e = scratch;
				n = r->n;
			} else if (c) {
				e = c->e;
				n = c->n;
				c = c->next;
			} else
				break;
			for (size_t i = 0; i < n; i++) {
				if (npass > 1 &&
				    ((e[i].a * 0x9E3779B97F4A7C15ull) >> 40 & (npass - 1)) != pass)
					continue;
				uint64_t hi = e[i].b >> SEQ_BITS;
				uint64_t seq = p->base + (e[i].b & SEQ_MASK);
				size_t h = (size_t)e[i].a & mask;
				for (;;) {
					if (tab[h].b == EMPTY) {
						tab[h].a = e[i].a;
						tab[h].b = hi << SEQ_BITS | seq;
						used++;
						break;
					}
					if (tab[h].a == e[i].a && tab[h].b >> SEQ_BITS == hi) {
						/* the smaller number is the first occurrence */
						uint64_t old = tab[h].b & SEQ_MASK, dup = seq;
						if (seq < old) {
							dup = old;
							tab[h].b = hi << SEQ_BITS | seq;
						}
						atomic_fetch_or_explicit(&d->bitmap[dup >> 6], 1ull << (dup & 63),
									 memory_order_relaxed);
						nd++;
						break;
					}
					h = (h + 1) & mask;
				}
				if (2 * used <= need)
					continue;
				/* half full: twice the slots, or more passes */
				if (2 * need > tmax)
					return 1;
				struct ent *big = xmalloc(2 * need * sizeof(*big));
				size_t bmask = 2 * need - 1;
				for (size_t x = 0; x < 2 * need; x++)
					big[x].b = EMPTY;
				for (size_t x = 0; x < need; x++) {
					if (tab[x].b == EMPTY)
						continue;
					size_t y = (size_t)tab[x].a & bmask;
					while (big[y].b != EMPTY)
						y = (y + 1) & bmask;
					big[y] = tab[x];
				}
				free(tab);
				tab = *tabp = big;
				need *= 2;
				*tcapp = need;
				mask = bmask;
			}
		}
	}
	*dups += nd;
	return 0;
}

static void *
finish_buckets(void *arg)
{
	struct finish_job *j = arg;
	struct dedup *d = j->d;
	size_t nb = (size_t)1 << d->nbits;
	struct ent *tab = NULL, *scratch = xmalloc(CHUNK_MAX * sizeof(struct ent));
	size_t tcap = 0;
	size_t cbcap = ZSTD_compressBound(CHUNK_MAX * sizeof(struct ent));
	char *cbuf = xmalloc(cbcap);
	/*
	 * A table's slots: within what the pairs still in memory leave of the
	 * budget (at least its eighth), shared by the threads, a table and
	 * the one twice its size it grows into counted. A bucket with more
	 * distinct keys than half of that is done in passes over its keys:
	 * memory stays within the budget whatever the input (one line
	 * repeated 346 million times is one bucket of one key; all distinct,
	 * many buckets of their share).
	 */
	uint64_t held = atomic_load(&d->mem), avail = d->o.memory > held ? d->o.memory - held : 0;
	if (avail < d->o.memory / 8)
		avail = d->o.memory / 8;
	size_t tmax = 1u << 12;
	while ((uint64_t)tmax * 2 * 3 * sizeof(struct ent) <= avail / d->o.threads)
		tmax *= 2;

	for (size_t b = j->id; b < nb; b += d->o.threads) {
		uint64_t total = 0;
		for (size_t k = 0; k < d->nparts; k++)
			total += d->parts[k]->lists[b].n;
		if (total < 2)
			continue;
		unsigned npass = 1;
		uint64_t before = j->dups;
		for (unsigned pass = 0; pass < npass;) {
			int r = bucket_pass(d, b, pass, npass, &tab, &tcap, tmax, total, scratch, cbuf, &j->dups);
			if (r < 0) {
				j->failed = 1;
				goto out;
			}
			if (r == 0) {
				pass++;
				continue;
			}
			if (npass >= (1u << 24)) {
				j->failed = 1; /* cannot happen: 2^24 passes of a full table */
				goto out;
			}
			/* the bucket again from its first pass, with twice as many (and its count again) */
			npass *= 2;
			pass = 0;
			j->dups = before;
		}
	}
out:
	free(tab);
	free(scratch);
	free(cbuf);
	return NULL;
}

int
dedup_finish(struct dedup *d, struct dedup_stats *st, char *err, size_t errlen)
{
	unsigned t = d->o.threads;
	struct finish_job jobs[MAX_THREADS];
	pthread_t tid[MAX_THREADS];

	if (d->fp_failed) {
		snprintf(err, errlen, "cannot write the spill file: %s", strerror(errno));
		return -1;
	}
	d->bitmap = xcalloc((size_t)(d->total / 64 + 1), sizeof(*d->bitmap));
	for (unsigned i = 0; i < t; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].d = d;
		jobs[i].id = i;
	}
	for (unsigned i = 1; i < t; i++)
		if (pthread_create(&tid[i], NULL, finish_buckets, &jobs[i]) != 0)
			jobs[i].failed = 2;
	finish_buckets(&jobs[0]);
	d->dups = 0;
	int failed = 0;
	for (unsigned i = 1; i < t; i++) {
		if (jobs[i].failed == 2) { /* no thread: do its buckets here */
			jobs[i].failed = 0;
			finish_buckets(&jobs[i]);
		} else
			pthread_join(tid[i], NULL);
	}
	for (unsigned i = 0; i < t; i++) {
		d->dups += jobs[i].dups;
		failed |= jobs[i].failed;
	}
	if (failed) {
		snprintf(err, errlen, "cannot read back the spill file");
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->keys = d->total;
	st->duplicates = d->dups;
	st->unique = d->total - d->dups;
	st->spilled_bytes = atomic_load(&d->spill_end);
	st->spill_runs = atomic_load(&d->spill_runs);
	return 0;
}

int
dedup_is_dup(const struct dedup *d, uint64_t seq)
{
	return seq < d->total && (atomic_load_explicit(&d->bitmap[seq >> 6], memory_order_relaxed) >>
				  (seq & 63)) & 1;
}

void
dedup_free(struct dedup *d)
{
	if (!d)
		return;
	size_t nb = (size_t)1 << d->nbits;
	for (size_t k = 0; k < d->nparts; k++) {
		struct part *p = d->parts[k];
		for (size_t b = 0; b < nb; b++)
			free(p->lists[b].sp);
		slabs_free(p);
		free(p->lists);
		free(p);
	}
	free(d->parts);
	for (unsigned i = 0; i < MAX_THREADS; i++)
		free(d->buf[i]);
	free((void *)d->bitmap);
	if (d->spill_fd >= 0)
		close(d->spill_fd);
	pthread_mutex_destroy(&d->spill_lock);
	free(d);
}
