/*
 * dumptrace analyze: is this dump new, or a recompilation of known leaks?
 * (DESIGN.md, "The analysis".)
 *
 * 1. The dump is read as ingest reads a leak: typed, normalized, turned
 *    into facts and keys (core/facts.h) by worker threads. Each row's
 *    summary (its schema, facts, non-empty columns) goes in input order
 *    to a spill file; each key, with its set, row and facts, to the
 *    bucketed sort of core/bsort.h.
 * 2. The sort gives each set's keys back in ascending order, bucket by
 *    bucket, on both threads (repeated record keys are counted on the
 *    way: the dump's own duplicates).
 * 3. Each chunk of a set's keys is joined with every known leak's set of
 *    that kind, block by block (fpset_join): every hit, (row, facts,
 *    leak), goes to a second sorter, keyed by row.
 * 4. The rows are read back in order beside their hits and classified
 *    (core/analysis.h); counts, sources per field, segments and the
 *    per-row records come out of that one pass.
 * Memory stays bounded: everything that grows with the dump is sorted
 * with spill or streamed from a file.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "cmd/cmd.h"
#include "cmd/recout.h"
#include "core/analysis.h"
#include "core/facts.h"
#include "core/iin.h"
#include "core/fpset.h"
#include "core/jsonw.h"
#include "core/kmv.h"
#include "core/library.h"
#include "core/norm.h"
#include "core/pipe.h"
#include "core/profile.h"
#include "core/bsort.h"
#include "core/report_html.h"
#include "core/schema.h"
#include "core/xalloc.h"
#include "core/xio.h"
#include "core/xsort.h"

#define SET_RAW (3u << 10) /* the raw record's hash: exact duplicates, never joined */
#define JOIN_CHUNK 65536 /* pairs of one set joined at once */
#define ROW_BITS 48
#define SLOT_BITS 14

struct aopts {
	struct common co;
	const char *library, *key_file, *region, *tmpdir;
	const char *json_path, *records_path, *fail_on, *html_path;
	int records_csv, show_values;
	int argc; /* the command line, for the HTML report's "how to reproduce" */
	char **argv;
	uint64_t memory;
	unsigned threads;
	struct verdict_opts v;
	uint64_t segment_min;
};

/* A worker's output for one batch: per record its summary, then its keys. One allocation. */
struct abuf {
	size_t len, cap; /* bytes of data */
	uint8_t data[];
};

struct aworker {
	struct facts f;
	struct profile prof;
	uint64_t hex; /* passwords in a cracker's $HEX[] notation */
	int show_values; /* the cells' values go along (--show-values) */
	struct bsort *bs;
	unsigned index; /* its producer index in the sort */
	uint64_t *kv; /* a batch's (key, set, payload) triples */
	size_t nkv, kv_alloc;
	int iin_ymd;
	int birth_ymd[FACTS_MAX];
	uint8_t derived[FACTS_MAX];
};

struct an {
	struct aopts *o;
	struct schemas ss;
	struct pipe *pipe;
	struct batch *cur;
	struct bsort *bs;
	struct fp_key key;
	uint64_t emitted; /* records handed to the workers so far */
	uint64_t rows;	  /* rows written to the rows file so far */
	int rows_fd;
	uint8_t *rbuf; /* buffered writes to rows_fd */
	size_t rlen;
	int failed;
	char err[512];
};

static int
put_bytes(struct an *a, const void *p, size_t n)
{
	if (a->rlen + n > (1u << 20)) {
		if (xio_write_all(a->rows_fd, a->rbuf, a->rlen) < 0)
			return -1;
		a->rlen = 0;
	}
	memcpy(a->rbuf + a->rlen, p, n);
	a->rlen += n;
	return 0;
}

static struct abuf *
abuf_room(struct abuf *b, size_t more)
{
	if (b && b->len + more <= b->cap)
		return b;
	size_t cap = b ? b->cap : 1u << 16;
	while (cap < (b ? b->len : 0) + more)
		cap *= 2;
	struct abuf *n = xrealloc(b, sizeof(*n) + cap);
	if (!b)
		n->len = 0;
	n->cap = cap;
	return n;
}

/* yyyymmdd of a normalized date "YYYY-MM-DD" (not NUL-terminated), or 0. */
static int
ymd_of(const char *v, size_t n)
{
	int x = 0;
	if (n != 10)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7) {
			if (v[i] < '0' || v[i] > '9')
				return 0;
			x = x * 10 + (v[i] - '0');
		}
	return x;
}

/* Facts as they are made: what a birth date needs to be told derived from the IIN. */
static void
an_seen(void *ctx, const struct schema *s, const struct fact *f, const char *norm, size_t len)
{
	struct aworker *w = ctx;
	size_t i = w->f.n - 1;
	profile_seen(&w->prof, s, f, norm, len);
	if (f->type == DT_NATIONAL_ID) {
		int y, m, d;
		if (iin_birth(norm, len, &y, &m, &d, NULL))
			w->iin_ymd = y * 10000 + m * 100 + d;
	} else if (f->type == DT_BIRTH_DATE && i < FACTS_MAX)
		w->birth_ymd[i] = ymd_of(norm, len);
}

static void
an_bad(void *ctx, const struct schema *s, size_t col)
{
	struct aworker *w = ctx;
	profile_bad(&w->prof, s, col);
}

/*
 * Worker: per record, its summary and keys into the batch's buffer:
 *   nfacts u8, then per fact type u8, flags u8, col u16;
 *   ncells u16, then the non-empty columns u16 each (with --show-values,
 *   each followed by its value: length u32, bytes);
 * and its keys, with its row number (from the batch's first), straight
 * into a sorter.
 */
static void
an_work(void *wctx, struct batch *b)
{
	struct aworker *w = wctx;
	const struct schema *s = b->tag;
	struct abuf *ab = b->user;

	if (ab)
		ab->len = 0;
	w->nkv = 0;
	for (size_t r = 0; r < b->nrecs; r++) {
		const struct record *rec = &b->recs[r];
		uint64_t row = b->first_seq + r + 1;
		w->iin_ymd = 0;
		memset(w->birth_ymd, 0, sizeof(w->birth_ymd));
		size_t nf = facts_extract(&w->f, s, rec);
		size_t nk = facts_keys(&w->f);
		size_t vbytes = 0;
		if (w->show_values)
			for (size_t i = 0; i < rec->nfields; i++)
				vbytes += 4 + rec->fields[i].len;
		ab = abuf_room(ab, 4 + nf * 4 + 2 + 2 * rec->nfields + vbytes);
		uint8_t *p = ab->data + ab->len;
		*p++ = (uint8_t)nf;
		for (size_t i = 0; i < nf; i++) {
			const struct fact *f = &w->f.v[i];
			int derived = f->type == DT_BIRTH_DATE && w->iin_ymd && w->birth_ymd[i] == w->iin_ymd;
			*p++ = f->type;
			*p++ = (uint8_t)(f->flags | (derived ? AF_DERIVED : 0));
			memcpy(p, &f->col, 2);
			p += 2;
		}
		uint8_t *cnt = p;
		uint16_t ncells = 0;
		p += 2;
		uint64_t raw = 0x72617721ull;
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct field *fl = &rec->fields[i];
			size_t c = schema_col(s, fl, i);
			raw = XXH3_64bits_withSeed(fl->val, fl->is_null ? 0 : fl->len, raw + fl->is_null);
			if (c == (size_t)-1 || fl->is_null || !fl->len)
				continue;
			/* $HEX[...] as crackers write it; the combo reader decodes it and says so in "hex" */
			if ((s->types[c] == DT_PASSWORD && fl->len > 6 && !memcmp(fl->val, "$HEX[", 5)) ||
			    (fl->name_len == 3 && !memcmp(fl->name, "hex", 3) && fl->len == 7 &&
			     !memcmp(fl->val, "decoded", 7)))
				w->hex++;
			uint16_t c16 = (uint16_t)c;
			memcpy(p, &c16, 2);
			p += 2;
			if (w->show_values) {
				uint32_t n32 = (uint32_t)fl->len;
				memcpy(p, &n32, 4);
				memcpy(p + 4, fl->val, fl->len);
				p += 4 + fl->len;
			}
			ncells++;
		}
		memcpy(cnt, &ncells, 2);
		if (w->nkv + 3 * (nk + 1) > w->kv_alloc)
			w->kv = xgrow(w->kv, &w->kv_alloc, w->nkv + 3 * (nk + 1), sizeof(*w->kv));
		for (size_t i = 0; i <= nk; i++) {
			uint64_t set = i < nk ? w->f.keys[i].set : SET_RAW;
			unsigned fa = i < nk ? w->f.keys[i].a : 255, fb = i < nk ? w->f.keys[i].b : 255;
			w->kv[w->nkv++] = i < nk ? w->f.keys[i].key : raw;
			w->kv[w->nkv++] = set;
			w->kv[w->nkv++] = row << 24 | set << 12 | (uint64_t)(fa & 63) << 6 | (fb & 63);
		}
		ab->len = (size_t)(p - ab->data);
	}
	b->user = ab;
	bsort_add(w->bs, w->index, w->kv, w->nkv / 3); /* a failure is seen by bsort_failed() */
}

/* Consumer, in input order: the rows' summaries into the rows file. */
static void
an_done(void *ctx, struct batch *b)
{
	struct an *a = ctx;
	const struct schema *s = b->tag;
	struct abuf *ab = b->user;
	const uint8_t *p = ab ? ab->data : NULL, *end = ab ? ab->data + ab->len : NULL;

	for (size_t r = 0; r < b->nrecs && p < end; r++) {
		const uint8_t *start = p;
		uint32_t sid = (uint32_t)s->id;
		a->rows++;
		size_t nf = *p++;
		p += 4 * nf;
		uint16_t ncells;
		memcpy(&ncells, p, 2);
		p += 2;
		for (size_t k = 0; k < ncells; k++) {
			p += 2;
			if (a->o->show_values) {
				uint32_t n32;
				memcpy(&n32, p, 4);
				p += 4 + n32;
			}
		}
		/* the summary: schema id, then the facts and cells as the worker wrote them */
		if (!a->failed && (put_bytes(a, &sid, 4) < 0 || put_bytes(a, start, (size_t)(p - start)) < 0)) {
			a->failed = 1;
			snprintf(a->err, sizeof(a->err), "cannot write a spill file: %s", strerror(errno));
		}
	}
}

static void
an_emit(void *ctx, struct schema *s, const struct record *rec, uint64_t seq)
{
	struct an *a = ctx;
	(void)seq;
	if (a->cur && a->cur->stream != s->id) {
		pipe_submit(a->pipe, a->cur);
		a->cur = NULL;
	}
	for (;;) {
		if (!a->cur) {
			a->cur = pipe_batch(a->pipe);
			a->cur->stream = s->id;
			a->cur->tag = s;
			a->cur->first_seq = a->emitted; /* rows are numbered as they are handed on */
		}
		if (batch_add(a->cur, rec) == 0) {
			a->emitted++;
			return;
		}
		pipe_submit(a->pipe, a->cur);
		a->cur = NULL;
	}
}

static enum dt_type
an_forced(void *ctx, const char *name, size_t len)
{
	struct an *a = ctx;
	return (enum dt_type)common_forced_type(&a->o->co, name, len);
}

static void
an_begin(void *ctx, struct source *src, struct reader *r)
{
	struct an *a = ctx;
	(void)src;
	(void)r;
	schemas_stream(&a->ss);
}

static int
an_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct an *a = ctx;
	(void)r;
	if (a->failed || bsort_failed(a->bs))
		return -1;
	schemas_record(&a->ss, rec, 0);
	return 0;
}

static void
an_end(void *ctx, struct source *src, struct reader *r, int failed)
{
	struct an *a = ctx;
	(void)src;
	(void)r;
	(void)failed;
	schemas_end_stream(&a->ss);
}

/* What the report needs of each known leak. */
struct aleak {
	struct lib_leak l;
	struct lib_set *sets;
	size_t nsets;
	uint64_t rows;			  /* rows with a fact found in it */
	uint64_t ids[DT_TYPE_COUNT];	  /* identifiers found in it, by type */
	uint64_t assocs, records;	  /* association and record keys found */
	uint64_t dominant;		  /* rows it is the dominant source of */
	int unreadable;
};

/* Per column of the dump (schema, column): values and where they were found. */
struct acol {
	uint64_t values;
	uint64_t *found; /* per leak */
	uint64_t found_any;
};

#define STRIP_BINS 500  /* the row-order strip: the file in this many bands at most */
#define COMBOS_MAX 4096 /* distinct combinations of leaks counted; later ones go to "other" */

/* Rows by the set of leaks their facts come from (for an UpSet-style chart). */
struct combo {
	uint64_t *m; /* words bits; NULL for a free slot */
	uint64_t rows;
};

struct report {
	uint64_t total, parsed, rejected;
	uint64_t dup_exact, dup_norm;
	uint64_t status[RC_COUNT];
	struct segments seg;
	struct acol **cols; /* [schema][column] */
	int problems;
	/* the strip: per bin, rows by main source (the leaks, then "new", then no identifier) */
	size_t bins;
	uint64_t *strip;
	struct combo *combos; /* 2 * COMBOS_MAX slots, open addressing */
	size_t ncombos;
	uint64_t combos_other;
};

static void
combo_add(struct report *rep, const uint64_t *m, size_t w)
{
	uint64_t h = XXH3_64bits(m, w * sizeof(*m));
	for (size_t i = h & (2 * COMBOS_MAX - 1);; i = (i + 1) & (2 * COMBOS_MAX - 1)) {
		struct combo *c = &rep->combos[i];
		if (!c->m) {
			if (rep->ncombos >= COMBOS_MAX) {
				rep->combos_other++;
				return;
			}
			c->m = xmalloc(w * sizeof(*m));
			memcpy(c->m, m, w * sizeof(*m));
			c->rows = 1;
			rep->ncombos++;
			return;
		}
		if (!memcmp(c->m, m, w * sizeof(*m))) {
			c->rows++;
			return;
		}
	}
}

/*
 * Which leaks have a set of each code, and the sets opened so far. The
 * sort hands out two sets at once on two threads: what is per set (its
 * chunk, its hit flags) needs no lock; what is shared (the open sets,
 * the hits sorter, the per-leak counts, the report's problems) is under mu.
 */
struct joiner {
	struct library *lib;
	struct aleak *leaks;
	size_t nleaks;
	struct xsort *hs;	 /* the hits, by row */
	struct report *rep;
	uint64_t *ck[FACT_SETS], *cv[FACT_SETS]; /* per set: keys and payloads waiting */
	uint8_t *hit[FACT_SETS];
	size_t n[FACT_SETS];
	struct fpset **open; /* [leak * nsets + set index], opened on first use */
	size_t *nsets, *base;
	size_t nopen;
	uint64_t last_rec, last_raw; /* the previous record and raw keys: duplicates */
	int have_rec, have_raw;
	pthread_mutex_t mu;
	char err[512];
};

#define OPEN_MAX 512 /* set files kept open at once; past it, opened for one use */

/* Leak li's set si, or NULL (then the leak is unreadable); *temp: close it after use. */
static struct fpset *
joiner_set(struct joiner *j, size_t li, size_t si, int *temp)
{
	struct fpset **slot = &j->open[j->base[li] + si];
	struct fpset *set;
	char err[1024];

	*temp = 0;
	pthread_mutex_lock(&j->mu);
	set = *slot;
	pthread_mutex_unlock(&j->mu);
	if (set)
		return set;
	if (!(set = library_open_set(j->lib, &j->leaks[li].l, &j->leaks[li].sets[si], err, sizeof(err)))) {
		pthread_mutex_lock(&j->mu);
		warnx("error: leak '%s': %s", j->leaks[li].l.name, err);
		j->leaks[li].unreadable = 1;
		j->rep->problems++;
		pthread_mutex_unlock(&j->mu);
		return NULL;
	}
	pthread_mutex_lock(&j->mu);
	if (j->nopen < OPEN_MAX) {
		*slot = set;
		j->nopen++;
	} else {
		*temp = 1;
	}
	pthread_mutex_unlock(&j->mu);
	return set;
}

static unsigned
set_code(const struct lib_set *s)
{
	return FACT_SET(s->kind, s->kind == LIB_RECORD ? 0 : s->type, s->kind == LIB_ASSOC ? s->attr : 0);
}

/*
 * Joins the waiting pairs of set code with every leak that has that set;
 * hits into j->hs. 0, or -1 with the reason in j->err.
 */
static int
joiner_flush(struct joiner *j, unsigned code)
{
	const uint64_t *q = j->ck[code], *pv = j->cv[code];
	size_t n = j->n[code];
	uint8_t *hit = j->hit[code];
	if (!n)
		return 0;
	for (size_t li = 0; li < j->nleaks; li++) {
		struct aleak *L = &j->leaks[li];
		if (L->unreadable)
			continue;
		for (size_t si = 0; si < L->nsets; si++) {
			if (set_code(&L->sets[si]) != code)
				continue;
			int temp;
			struct fpset *set = joiner_set(j, li, si, &temp);
			char e[1024];
			if (!set)
				break;
			memset(hit, 0, n);
			int jr = fpset_join(set, q, n, hit, e, sizeof(e));
			if (temp)
				fpset_close(set);
			if (jr < 0) {
				/* a damaged set: named, and the analysis goes on without this leak */
				pthread_mutex_lock(&j->mu);
				warnx("error: leak '%s': set '%s': %s", L->l.name, L->sets[si].file, e);
				L->unreadable = 1;
				j->rep->problems++;
				pthread_mutex_unlock(&j->mu);
				break;
			}
			uint64_t assocs = 0, records = 0;
			int rc = 0;
			pthread_mutex_lock(&j->mu);
			for (size_t i = 0; i < n && !rc; i++) {
				if (!hit[i])
					continue;
				uint64_t v = pv[i];
				uint64_t row = v >> 24, slot = v & ((1u << 12) - 1);
				unsigned kind = (unsigned)(v >> 22) & 3;
				assocs += kind == FACT_ASSOC;
				records += kind == FACT_RECORD;
				if (xsort_add(j->hs, row << SLOT_BITS | (uint64_t)kind << 12 | slot, li) < 0) {
					snprintf(j->err, sizeof(j->err), "%s", xsort_error(j->hs));
					rc = -1;
				}
			}
			L->assocs += assocs;
			L->records += records;
			pthread_mutex_unlock(&j->mu);
			if (rc < 0)
				return -1;
		}
	}
	j->n[code] = 0;
	return 0;
}

/*
 * The sort's sink: a set's (key, payload) pairs in ascending key order,
 * gathered in chunks and joined with each known leak's set of that kind
 * (fpset_join decodes only the blocks a chunk falls in); the repeated
 * record keys (rows equal after normalization) and raw keys (rows equal
 * byte for byte) counted on the way. Two sets may come at once.
 */
static int
join_emit(void *ctx, unsigned set, const uint64_t *kv, size_t n)
{
	struct joiner *j = ctx;

	if (set == SET_RAW || set == FACT_SET(FACT_RECORD, 0, 0)) {
		int raw = set == SET_RAW;
		uint64_t *last = raw ? &j->last_raw : &j->last_rec, *dup = raw ? &j->rep->dup_exact : &j->rep->dup_norm;
		int *have = raw ? &j->have_raw : &j->have_rec;
		for (size_t i = 0; i < n; i++) {
			*dup += *have && kv[2 * i] == *last;
			*last = kv[2 * i];
			*have = 1;
		}
	}
	if (set >= FACT_SETS)
		return 0;
	if (!j->ck[set]) {
		j->ck[set] = xmalloc(JOIN_CHUNK * sizeof(uint64_t));
		j->cv[set] = xmalloc(JOIN_CHUNK * sizeof(uint64_t));
		j->hit[set] = xmalloc(JOIN_CHUNK);
	}
	for (size_t i = 0; i < n; i++) {
		j->ck[set][j->n[set]] = kv[2 * i];
		j->cv[set][j->n[set]] = kv[2 * i + 1];
		if (++j->n[set] == JOIN_CHUNK && joiner_flush(j, set) < 0)
			return -1;
	}
	return 0;
}

/* The dump's keys, sorted, joined set by set with each known leak. */
static int
join_all(struct an *a, struct joiner *j, unsigned threads, char *err, size_t errlen)
{
	pthread_mutex_init(&j->mu, NULL);
	int rc = bsort_finish(a->bs, threads, join_emit, j, err, errlen);
	if (rc < 0 && !err[0])
		snprintf(err, errlen, "%s", j->err);
	for (unsigned c = 0; c < FACT_SETS && !rc; c++)
		if (joiner_flush(j, c) < 0) {
			snprintf(err, errlen, "%s", j->err);
			rc = -1;
		}
	pthread_mutex_destroy(&j->mu);
	return rc;
}

/* Reads the rows file sequentially. */
struct rowin {
	int fd;
	uint8_t *buf;
	size_t pos, len;
	uint64_t off;
};

static int
rowin_get(struct rowin *ri, void *out, size_t n)
{
	uint8_t *o = out;
	while (n) {
		if (ri->pos == ri->len) {
			ssize_t r = pread(ri->fd, ri->buf, 1u << 20, (off_t)ri->off);
			if (r <= 0)
				return -1;
			ri->off += (uint64_t)r;
			ri->len = (size_t)r;
			ri->pos = 0;
		}
		size_t c = ri->len - ri->pos < n ? ri->len - ri->pos : n;
		memcpy(o, ri->buf + ri->pos, c);
		ri->pos += c;
		o += c;
		n -= c;
	}
	return 0;
}

struct pass2 {
	struct an *a;
	struct aleak *leaks;
	size_t nleaks, words;
	struct report *rep;
	FILE *records;
	int records_csv;
	struct dynbuf line;
	struct dynbuf values; /* the row's cell values, --show-values */
	int prev; /* the previous row's dominant source */
};

static void
leak_list_json(struct jsonw *jw, const struct pass2 *p2, const uint64_t *m)
{
	jsonw_arr_open(jw);
	for (size_t k = 0; k < p2->nleaks; k++)
		if (m[k / 64] >> (k % 64) & 1)
			jsonw_str(jw, p2->leaks[k].l.name);
	jsonw_arr_close(jw);
}

/* Leak names separated by '|', as one CSV cell. */
static void
leak_list_csv(struct dynbuf *b, const struct pass2 *p2, const uint64_t *m)
{
	struct dynbuf tmp;
	int n = 0;
	dynbuf_init(&tmp, 1u << 20);
	for (size_t k = 0; k < p2->nleaks; k++)
		if (m[k / 64] >> (k % 64) & 1) {
			if (n++)
				dynbuf_addc(&tmp, '|');
			dynbuf_add(&tmp, p2->leaks[k].l.name, strlen(p2->leaks[k].l.name));
		}
	recout_csv_cell(b, tmp.buf ? tmp.buf : "", tmp.len);
	dynbuf_release(&tmp);
}

/* The columns of every schema, by name, for the wide CSV of --records. */
struct colnames {
	char **name;
	size_t n, alloc;
	size_t **map; /* [schema][column] -> index in name */
};

static void
colnames_build(struct colnames *cn, const struct schemas *ss)
{
	memset(cn, 0, sizeof(*cn));
	cn->map = xcalloc(ss->n ? ss->n : 1, sizeof(*cn->map));
	for (size_t i = 0; i < ss->n; i++) {
		const struct schema *s = ss->v[i];
		cn->map[i] = xcalloc(s->ncols ? s->ncols : 1, sizeof(**cn->map));
		for (size_t c = 0; c < s->ncols; c++) {
			size_t k;
			for (k = 0; k < cn->n; k++)
				if (!strcmp(cn->name[k], s->names[c]))
					break;
			if (k == cn->n) {
				cn->name = xgrow(cn->name, &cn->alloc, cn->n + 1, sizeof(*cn->name));
				cn->name[cn->n++] = s->names[c];
			}
			cn->map[i][c] = k;
		}
	}
}

/*
 * Pass two: each row beside its hits, in row order: classified, counted,
 * its record written.
 */
static int
pass2_run(struct pass2 *p2, struct xsort *hs, struct colnames *cn, char *err, size_t errlen)
{
	struct an *a = p2->a;
	struct report *rep = p2->rep;
	size_t w = p2->words;
	struct rowin ri = { a->rows_fd, xmalloc(1u << 20), 0, 0, 0 };
	/* every per-row bit set in one allocation, reused row after row */
	uint64_t *bits = xcalloc((2 * FACTS_MAX + 4) * w, sizeof(*bits));
	uint64_t *vbits = bits + FACTS_MAX * w; /* value hits of facts that are no identifier */
	uint64_t *record = vbits + FACTS_MAX * w, *all = record + w, *rowleaks = all + w,
		 *cellbits = rowleaks + w;
	struct arow_fact f[FACTS_MAX];
	uint64_t hk = 0, hv = 0;
	int hrc = xsort_next(hs, &hk, &hv);
	uint16_t *cells = xmalloc(65536 * sizeof(*cells));
	struct { size_t off, len; } *vals = xmalloc(65536 * sizeof(*vals));
	const struct fp_key *unused = NULL;
	(void)unused;

	for (uint64_t row = 1; row <= a->rows; row++) {
		uint32_t sid;
		uint8_t nf, fb[4];
		uint16_t ncells;
		if (rowin_get(&ri, &sid, 4) < 0 || rowin_get(&ri, &nf, 1) < 0 || sid >= a->ss.n) {
			snprintf(err, errlen, "cannot read a spill file back");
			goto fail;
		}
		memset(bits, 0, 2 * FACTS_MAX * w * sizeof(*bits));
		memset(record, 0, w * sizeof(*record));
		struct arow r = { row, nf, f, record, w };
		for (size_t i = 0; i < nf; i++) {
			if (rowin_get(&ri, fb, 4) < 0)
				goto fail_read;
			f[i].type = fb[0];
			f[i].flags = fb[1];
			memcpy(&f[i].col, fb + 2, 2);
			f[i].src = bits + i * w;
		}
		if (rowin_get(&ri, &ncells, 2) < 0)
			goto fail_read;
		dynbuf_reset(&p2->values);
		for (size_t k = 0; k < ncells; k++) {
			if (rowin_get(&ri, &cells[k], 2) < 0)
				goto fail_read;
			if (p2->a->o->show_values) {
				uint32_t n32;
				char *dst;
				if (rowin_get(&ri, &n32, 4) < 0 || !(dst = dynbuf_reserve(&p2->values, n32)) ||
				    rowin_get(&ri, dst, n32) < 0)
					goto fail_read;
				vals[k].off = p2->values.len;
				vals[k].len = n32;
				p2->values.len += n32;
			}
		}
		/* this row's hits */
		while (hrc > 0 && hk >> SLOT_BITS == row) {
			unsigned kind = (unsigned)(hk >> 12) & 3, fa = (unsigned)(hk >> 6) & 63,
				 fbi = (unsigned)hk & 63;
			uint64_t bit = 1ull << (hv % 64);
			size_t word = (size_t)(hv / 64);
			if (kind == FACT_RECORD)
				record[word] |= bit;
			else if (kind == FACT_VALUE && fa < nf && types_is_identifier(f[fa].type))
				f[fa].src[word] |= bit;
			else if (kind == FACT_VALUE && fa < nf)
				vbits[fa * w + word] |= bit;
			else if (kind == FACT_ASSOC && fa < nf && fbi < nf) {
				f[fbi].src[word] |= bit;
				if (types_is_identifier(f[fbi].type))
					f[fa].src[word] |= bit;
			}
			hrc = xsort_next(hs, &hk, &hv);
		}
		if (hrc < 0) {
			snprintf(err, errlen, "%s", xsort_error(hs));
			goto fail;
		}
		/*
		 * A name or an address is this person's in a leak only with one
		 * of the row's identifiers (an association): the same value
		 * there may be anyone's. A row without any identifier has
		 * nothing but its values.
		 */
		int ids = 0;
		for (size_t i = 0; i < nf; i++)
			ids += types_is_identifier(f[i].type);
		if (!ids)
			for (size_t i = 0; i < nf; i++)
				memcpy(f[i].src, vbits + i * w, w * sizeof(*vbits));
		int dom;
		enum row_class rc = analysis_classify(&r, all, &dom, p2->prev);
		rep->status[rc]++;
		int has_src = rc != RC_UNATTRIBUTED;
		segments_add(&rep->seg, row, dom, has_src);
		{
			size_t bin = (size_t)((row - 1) * rep->bins / a->rows);
			size_t src = dom >= 0 ? (size_t)dom : rc == RC_UNATTRIBUTED ? p2->nleaks + 1 : p2->nleaks;
			rep->strip[bin * (p2->nleaks + 2) + src]++;
		}
		if (dom >= 0) {
			p2->leaks[dom].dominant++;
			p2->prev = dom;
		}

		/* per leak and column: what was found */
		memset(rowleaks, 0, w * sizeof(*rowleaks));
		const struct schema *s = a->ss.v[sid];
		for (size_t i = 0; i < nf; i++) {
			for (size_t k = 0; k < w; k++)
				rowleaks[k] |= f[i].src[k];
			struct acol *ac = f[i].col < s->ncols ? &rep->cols[sid][f[i].col] : NULL;
			if (ac) {
				ac->values++;
				int any = 0;
				for (size_t k = 0; k < p2->nleaks; k++)
					if (f[i].src[k / 64] >> (k % 64) & 1) {
						ac->found[k]++;
						any = 1;
						if (types_is_identifier(f[i].type))
							p2->leaks[k].ids[f[i].type]++;
					}
				ac->found_any += any;
			}
		}
		for (size_t k = 0; k < p2->nleaks; k++)
			p2->leaks[k].rows += rowleaks[k / 64] >> (k % 64) & 1;
		if (rc != RC_UNATTRIBUTED)
			combo_add(rep, rowleaks, w);

		if (p2->records) {
			struct dynbuf *b = &p2->line;
			struct jsonw jw;
			dynbuf_reset(b);
			if (p2->records_csv) {
				dynbuf_printf(b, "%llu,%s,", (unsigned long long)row, analysis_class_name(rc));
				leak_list_csv(b, p2, rowleaks);
			} else {
				jsonw_init(&jw, b);
				jsonw_obj_open(&jw);
				jsonw_key(&jw, "row");
				jsonw_u64(&jw, row);
				jsonw_key(&jw, "status");
				jsonw_str(&jw, analysis_class_name(rc));
				jsonw_key(&jw, "leaks");
				leak_list_json(&jw, p2, rowleaks);
				jsonw_key(&jw, "fields");
				jsonw_obj_open(&jw);
			}
			/* each column: null when empty, else the leaks of its fact(s) */
			for (size_t c = 0; c < s->ncols; c++) {
				int filled = 0, facts = 0;
				for (size_t k = 0; k < ncells; k++)
					filled |= cells[k] == c;
				memset(cellbits, 0, w * sizeof(*cellbits));
				int part = s->types[c] == DT_FIRST_NAME || s->types[c] == DT_LAST_NAME ||
					   s->types[c] == DT_PATRONYMIC;
				for (size_t i = 0; i < nf; i++)
					if (f[i].col == c || (part && (f[i].flags & FACT_COMPOSED))) {
						facts++;
						for (size_t k = 0; k < w; k++)
							cellbits[k] |= f[i].src[k];
					}
				if (p2->records_csv) {
					(void)facts;
					continue;
				}
				jsonw_keyn(&jw, s->names[c], s->name_len[c]);
				if (!filled)
					jsonw_null(&jw);
				else
					leak_list_json(&jw, p2, cellbits);
			}
			if (p2->records_csv) {
				/* wide: every column of every table, in the order first seen */
				for (size_t g = 0; g < cn->n; g++) {
					dynbuf_addc(b, ',');
					size_t c;
					for (c = 0; c < s->ncols; c++)
						if (cn->map[sid][c] == g)
							break;
					if (c == s->ncols)
						continue;
					int filled = 0;
					for (size_t k = 0; k < ncells; k++)
						filled |= cells[k] == c;
					if (!filled)
						continue;
					memset(cellbits, 0, w * sizeof(*cellbits));
					int part = s->types[c] == DT_FIRST_NAME || s->types[c] == DT_LAST_NAME ||
						   s->types[c] == DT_PATRONYMIC;
					for (size_t i = 0; i < nf; i++)
						if (f[i].col == c || (part && (f[i].flags & FACT_COMPOSED)))
							for (size_t k = 0; k < w; k++)
								cellbits[k] |= f[i].src[k];
					leak_list_csv(b, p2, cellbits);
				}
			} else {
				jsonw_obj_close(&jw);
				if (p2->a->o->show_values) {
					/* asked for: the personal data itself */
					jsonw_key(&jw, "values");
					jsonw_obj_open(&jw);
					for (size_t k = 0; k < ncells; k++)
						if (cells[k] < s->ncols) {
							jsonw_keyn(&jw, s->names[cells[k]], s->name_len[cells[k]]);
							jsonw_strn(&jw, p2->values.buf + vals[k].off, vals[k].len);
						}
					jsonw_obj_close(&jw);
				}
				jsonw_obj_close(&jw);
			}
			dynbuf_addc(b, '\n');
			if (fwrite(b->buf, 1, b->len, p2->records) != b->len) {
					snprintf(err, errlen, "cannot write the records: %s", strerror(errno));
				goto fail;
			}
		}
		continue;
	fail_read:
		snprintf(err, errlen, "cannot read a spill file back");
		goto fail;
	}
	free(ri.buf);
	free(bits);
	free(cells);
	free(vals);
	return 0;
fail:
	free(ri.buf);
	free(bits);
	free(cells);
	free(vals);
	return -1;
}

/* The best known column for a dump column: the leak, its column, the estimated containment. */
struct lineage {
	int leak;
	const char *column;
	double containment;
};

static void
lineage_find(struct kmv *col, enum dt_type t, struct lib_profile *lp, size_t nleaks,
	     struct lineage *out)
{
	out->leak = -1;
	out->column = NULL;
	out->containment = 0;
	for (size_t k = 0; k < nleaks; k++)
		for (size_t c = 0; c < lp[k].ncolumns; c++) {
			struct lib_column *lc = &lp[k].columns[c];
			struct kmv other;
			char e[128];
			if (lc->type != t || !lc->sketch || kmv_load(&other, lc->sketch, lc->sketch_len, e, sizeof(e)) < 0)
				continue;
			double x = kmv_containment(col, &other);
			kmv_release(&other);
			if (x > out->containment) {
				out->containment = x;
				out->leak = (int)k;
				out->column = lc->name;
			}
		}
}

static double
frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

static int
leak_order(const void *x, const void *y, void *ctx)
{
	const struct aleak *L = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	if (L[a].rows != L[b].rows)
		return L[a].rows > L[b].rows ? -1 : 1;
	return strcmp(L[a].l.name, L[b].l.name);
}

static void
ymd_text(int ymd, char out[16])
{
	if (!ymd)
		snprintf(out, 16, "-");
	else
		snprintf(out, 16, "%04d-%02d-%02d", ymd / 10000 % 10000, ymd / 100 % 100, ymd % 100);
}

struct findings {
	struct an *a;
	struct report *rep;
	struct aleak *leaks;
	size_t nleaks;
	size_t *order; /* leaks by rows matched */
	struct profile *prof;
	struct lib_profile *lp;
	const char *label;
	double known;
	uint64_t with_id;
	char evidence[10][256];
	int nevidence;
	int latest;
	/* plausibility */
	uint64_t values, invalid;	/* non-empty typed values, and those their type rejects */
	uint64_t ids12, checksum;	/* twelve-digit national ids, and those failing the IIN checksum */
	uint64_t dates, future, ancient;
	uint64_t hex;
	double domain_skew; /* total variation distance of the e-mail domains, -1 when unknown */
};

/* Sums the plausibility counters over the dump's columns; the domain skew against the library. */
static void
plausibility(struct findings *F)
{
	struct an *a = F->a;
	for (size_t s = 0; s < a->ss.n; s++)
		for (size_t c = 0; c < a->ss.v[s]->ncols; c++) {
			struct profile_col *pc = profile_col(F->prof, (int)s, c);
			if (!pc)
				continue;
			F->values += pc->values + pc->invalid;
			F->invalid += pc->invalid;
			if (a->ss.v[s]->types[c] == DT_NATIONAL_ID) {
				F->ids12 += pc->values;
				F->checksum += pc->checksum;
			}
			F->dates += pc->dates;
			F->future += pc->future;
			F->ancient += pc->ancient;
		}
	/* the dump's domain shares against the known leaks' (their top 50 each) */
	const struct profile_dom *top[50];
	size_t n = profile_top_domains(F->prof, top, 50);
	uint64_t dtotal = 0, ltotal = 0;
	for (size_t i = 0; i < n; i++)
		dtotal += top[i]->n;
	for (size_t k = 0; k < F->nleaks; k++)
		for (size_t i = 0; i < F->lp[k].ndomains; i++)
			ltotal += F->lp[k].domains[i].n;
	F->domain_skew = -1;
	if (!dtotal || !ltotal)
		return;
	double tvd = 0, dseen = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t ln = 0;
		for (size_t k = 0; k < F->nleaks; k++)
			for (size_t j = 0; j < F->lp[k].ndomains; j++)
				if (!strcmp(F->lp[k].domains[j].key, top[i]->name))
					ln += F->lp[k].domains[j].n;
		double dp = (double)top[i]->n / (double)dtotal, lpct = (double)ln / (double)ltotal;
		tvd += fabs(dp - lpct);
		dseen += lpct;
	}
	tvd += 1 - dseen; /* the leaks' domains the dump does not have */
	F->domain_skew = tvd / 2;
}

static void
findings_json(struct findings *F, struct dynbuf *b)
{
	struct jsonw jw;
	struct report *rep = F->rep;
	struct an *a = F->a;
	jsonw_init(&jw, b);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "records");
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "total");
	jsonw_u64(&jw, rep->total);
	jsonw_key(&jw, "parsed");
	jsonw_u64(&jw, rep->parsed);
	jsonw_key(&jw, "rejected");
	jsonw_u64(&jw, rep->rejected);
	jsonw_key(&jw, "duplicates");
	jsonw_u64(&jw, rep->dup_norm);
	jsonw_key(&jw, "duplicates_exact");
	jsonw_u64(&jw, rep->dup_exact);
	jsonw_obj_close(&jw);

	jsonw_key(&jw, "verdict");
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "label");
	jsonw_str(&jw, F->label);
	jsonw_key(&jw, "known_fraction");
	jsonw_dbl(&jw, F->known);
	jsonw_key(&jw, "thresholds");
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "recompilation");
	jsonw_dbl(&jw, a->o->v.recompilation);
	jsonw_key(&jw, "partial");
	jsonw_dbl(&jw, a->o->v.partial);
	jsonw_obj_close(&jw);
	jsonw_key(&jw, "evidence");
	jsonw_arr_open(&jw);
	for (int i = 0; i < F->nevidence; i++)
		jsonw_str(&jw, F->evidence[i]);
	jsonw_arr_close(&jw);
	jsonw_obj_close(&jw);

	jsonw_key(&jw, "status_counts");
	jsonw_obj_open(&jw);
	for (int c = 0; c < RC_COUNT; c++) {
		jsonw_key(&jw, analysis_class_name((enum row_class)c));
		jsonw_u64(&jw, rep->status[c]);
	}
	jsonw_obj_close(&jw);

	jsonw_key(&jw, "leaks");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < F->nleaks; i++) {
		struct aleak *L = &F->leaks[F->order[i]];
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "name");
		jsonw_str(&jw, L->l.name);
		jsonw_key(&jw, "records_matched");
		jsonw_u64(&jw, L->rows);
		jsonw_key(&jw, "fraction");
		jsonw_dbl(&jw, frac(L->rows, a->rows));
		jsonw_key(&jw, "dominant_rows");
		jsonw_u64(&jw, L->dominant);
		jsonw_key(&jw, "identifiers");
		jsonw_obj_open(&jw);
		for (int t = 0; t < DT_TYPE_COUNT; t++)
			if (L->ids[t]) {
				jsonw_key(&jw, types_name((enum dt_type)t));
				jsonw_u64(&jw, L->ids[t]);
			}
		jsonw_obj_close(&jw);
		jsonw_key(&jw, "associations");
		jsonw_u64(&jw, L->assocs);
		jsonw_key(&jw, "records_identical");
		jsonw_u64(&jw, L->records);
		jsonw_key(&jw, "unreadable");
		jsonw_bool(&jw, L->unreadable);
		/* what the library says of the leak itself */
		jsonw_key(&jw, "known");
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "title");
		if (L->l.title)
			jsonw_str(&jw, L->l.title);
		else
			jsonw_null(&jw);
		jsonw_key(&jw, "domain");
		if (L->l.domain)
			jsonw_str(&jw, L->l.domain);
		else
			jsonw_null(&jw);
		jsonw_key(&jw, "breach_date");
		if (L->l.breach_date)
			jsonw_str(&jw, L->l.breach_date);
		else
			jsonw_null(&jw);
		jsonw_key(&jw, "added_date");
		if (L->l.added_date)
			jsonw_str(&jw, L->l.added_date);
		else
			jsonw_null(&jw);
		jsonw_key(&jw, "records");
		jsonw_u64(&jw, L->l.records);
		jsonw_obj_close(&jw);
		jsonw_obj_close(&jw);
	}
	jsonw_arr_close(&jw);

	jsonw_key(&jw, "columns");
	jsonw_arr_open(&jw);
	for (size_t s = 0; s < a->ss.n; s++) {
		const struct schema *sc = a->ss.v[s];
		for (size_t c = 0; c < sc->ncols; c++) {
			struct acol *ac = &rep->cols[s][c];
			jsonw_obj_open(&jw);
			jsonw_key(&jw, "name");
			jsonw_strn(&jw, sc->names[c], sc->name_len[c]);
			jsonw_key(&jw, "table");
			if (sc->table)
				jsonw_str(&jw, sc->table);
			else
				jsonw_null(&jw);
			jsonw_key(&jw, "type");
			jsonw_str(&jw, types_name(sc->types[c]));
			jsonw_key(&jw, "values");
			jsonw_u64(&jw, ac->values);
			jsonw_key(&jw, "known_fraction");
			jsonw_dbl(&jw, frac(ac->found_any, ac->values));
			jsonw_key(&jw, "leaks");
			jsonw_obj_open(&jw);
			for (size_t k = 0; k < F->nleaks; k++)
				if (ac->found[k]) {
					jsonw_key(&jw, F->leaks[k].l.name);
					jsonw_dbl(&jw, frac(ac->found[k], ac->values));
				}
			jsonw_obj_close(&jw);
			jsonw_key(&jw, "lineage");
			struct profile_col *pc = profile_col(F->prof, (int)s, c);
			struct lineage lin = { -1, NULL, 0 };
			if (pc)
				lineage_find(&pc->sketch, sc->types[c], F->lp, F->nleaks, &lin);
			if (lin.leak >= 0 && lin.containment > 0) {
				jsonw_obj_open(&jw);
				jsonw_key(&jw, "leak");
				jsonw_str(&jw, F->leaks[lin.leak].l.name);
				jsonw_key(&jw, "column");
				jsonw_str(&jw, lin.column ? lin.column : "");
				jsonw_key(&jw, "containment");
				jsonw_dbl(&jw, lin.containment);
				jsonw_obj_close(&jw);
			} else
				jsonw_null(&jw);
			jsonw_obj_close(&jw);
		}
	}
	jsonw_arr_close(&jw);

	jsonw_key(&jw, "segments");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < rep->seg.n; i++) {
		struct segment *g = &rep->seg.v[i];
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "from");
		jsonw_u64(&jw, g->from);
		jsonw_key(&jw, "to");
		jsonw_u64(&jw, g->to);
		jsonw_key(&jw, "source");
		jsonw_str(&jw, g->source >= 0 ? F->leaks[g->source].l.name : "new");
		jsonw_key(&jw, "share");
		jsonw_dbl(&jw, frac(g->agreeing, g->rows));
		jsonw_obj_close(&jw);
	}
	jsonw_arr_close(&jw);

	/* the row-order strip, pre-binned: a page stays small whatever the dump */
	jsonw_key(&jw, "strip");
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "bins");
	jsonw_u64(&jw, rep->bins);
	jsonw_key(&jw, "rows");
	jsonw_u64(&jw, a->rows);
	jsonw_key(&jw, "sources");
	jsonw_arr_open(&jw);
	for (size_t k = 0; k < F->nleaks; k++)
		jsonw_str(&jw, F->leaks[k].l.name);
	jsonw_str(&jw, "new");
	jsonw_str(&jw, "unattributed");
	jsonw_arr_close(&jw);
	jsonw_key(&jw, "counts");
	jsonw_arr_open(&jw);
	for (size_t bi = 0; bi < rep->bins; bi++) {
		jsonw_arr_open(&jw);
		for (size_t k = 0; k < F->nleaks + 2; k++)
			jsonw_u64(&jw, rep->strip[bi * (F->nleaks + 2) + k]);
		jsonw_arr_close(&jw);
	}
	jsonw_arr_close(&jw);
	jsonw_obj_close(&jw);

	/* rows by the combination of leaks their facts come from, most first */
	jsonw_key(&jw, "combinations");
	jsonw_arr_open(&jw);
	{
		struct combo **v = xmalloc((rep->ncombos ? rep->ncombos : 1) * sizeof(*v));
		size_t n = 0, words = (F->nleaks + 63) / 64 ? (F->nleaks + 63) / 64 : 1;
		for (size_t i = 0; i < 2 * COMBOS_MAX; i++)
			if (rep->combos[i].m)
				v[n++] = &rep->combos[i];
		for (size_t i = 1; i < n; i++) /* insertion sort: a few thousand at most */
			for (size_t j = i; j > 0 && v[j]->rows > v[j - 1]->rows; j--) {
				struct combo *t = v[j];
				v[j] = v[j - 1];
				v[j - 1] = t;
			}
		for (size_t i = 0; i < n && i < 32; i++) {
			jsonw_obj_open(&jw);
			jsonw_key(&jw, "leaks");
			jsonw_arr_open(&jw);
			for (size_t k = 0; k < F->nleaks && k < words * 64; k++)
				if (v[i]->m[k / 64] >> (k % 64) & 1)
					jsonw_str(&jw, F->leaks[k].l.name);
			jsonw_arr_close(&jw);
			jsonw_key(&jw, "rows");
			jsonw_u64(&jw, v[i]->rows);
			jsonw_obj_close(&jw);
		}
		free(v);
	}
	jsonw_arr_close(&jw);

	jsonw_key(&jw, "plausibility");
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "rejected_fraction");
	jsonw_dbl(&jw, frac(rep->rejected, rep->total));
	jsonw_key(&jw, "invalid_values_fraction");
	jsonw_dbl(&jw, frac(F->invalid, F->values));
	jsonw_key(&jw, "iin_checksum_failures");
	jsonw_u64(&jw, F->checksum);
	jsonw_key(&jw, "iin_checksum_failure_fraction");
	jsonw_dbl(&jw, frac(F->checksum, F->ids12));
	jsonw_key(&jw, "future_dates");
	jsonw_u64(&jw, F->future);
	jsonw_key(&jw, "birth_dates_before_1900");
	jsonw_u64(&jw, F->ancient);
	jsonw_key(&jw, "cracker_artefacts");
	jsonw_u64(&jw, F->hex);
	jsonw_key(&jw, "email_domain_skew");
	if (F->domain_skew >= 0)
		jsonw_dbl(&jw, F->domain_skew);
	else
		jsonw_null(&jw);
	jsonw_key(&jw, "columns");
	jsonw_arr_open(&jw);
	for (size_t s = 0; s < a->ss.n; s++)
		for (size_t c = 0; c < a->ss.v[s]->ncols; c++) {
			struct profile_col *pc = profile_col(F->prof, (int)s, c);
			if (!pc || !pc->invalid)
				continue;
			jsonw_obj_open(&jw);
			jsonw_key(&jw, "name");
			jsonw_strn(&jw, a->ss.v[s]->names[c], a->ss.v[s]->name_len[c]);
			jsonw_key(&jw, "type");
			jsonw_str(&jw, types_name(a->ss.v[s]->types[c]));
			jsonw_key(&jw, "invalid_fraction");
			jsonw_dbl(&jw, frac(pc->invalid, pc->invalid + pc->values));
			jsonw_obj_close(&jw);
		}
	jsonw_arr_close(&jw);
	jsonw_obj_close(&jw);

	jsonw_key(&jw, "freshness");
	jsonw_obj_open(&jw);
	char d[16];
	ymd_text(F->latest, d);
	jsonw_key(&jw, "latest_date");
	if (F->latest)
		jsonw_str(&jw, d);
	else
		jsonw_null(&jw);
	jsonw_key(&jw, "dates");
	jsonw_arr_open(&jw);
	for (size_t s = 0; s < a->ss.n; s++) {
		const struct schema *sc = a->ss.v[s];
		for (size_t c = 0; c < sc->ncols; c++) {
			struct profile_col *pc = profile_col(F->prof, (int)s, c);
			if (!pc || !pc->dates)
				continue;
			jsonw_obj_open(&jw);
			jsonw_key(&jw, "column");
			jsonw_strn(&jw, sc->names[c], sc->name_len[c]);
			ymd_text(pc->min, d);
			jsonw_key(&jw, "min");
			jsonw_str(&jw, d);
			ymd_text(pc->max, d);
			jsonw_key(&jw, "max");
			jsonw_str(&jw, d);
			jsonw_key(&jw, "count");
			jsonw_u64(&jw, pc->dates);
			jsonw_key(&jw, "by_month");
			jsonw_obj_open(&jw);
			for (int k = 0; k < PROFILE_YEARS * 12; k++)
				if (pc->months[k]) {
					char ms[16];
					snprintf(ms, sizeof(ms), "%04d-%02d", PROFILE_YEAR_MIN + k / 12, k % 12 + 1);
					jsonw_key(&jw, ms);
					jsonw_u64(&jw, pc->months[k]);
				}
			jsonw_obj_close(&jw);
			jsonw_key(&jw, "by_year");
			jsonw_obj_open(&jw);
			for (int y = 0; y < PROFILE_YEARS; y++) {
				uint64_t n = 0;
				for (int m = 0; m < 12; m++)
					n += pc->months[y * 12 + m];
				if (n) {
					char ys[16];
					snprintf(ys, sizeof(ys), "%d", PROFILE_YEAR_MIN + y);
					jsonw_key(&jw, ys);
					jsonw_u64(&jw, n);
				}
			}
			jsonw_obj_close(&jw);
			jsonw_obj_close(&jw);
		}
	}
	jsonw_arr_close(&jw);
	jsonw_key(&jw, "birth_years");
	jsonw_obj_open(&jw);
	for (int y = 0; y < PROFILE_YEARS; y++)
		if (F->prof->years[y]) {
			char ys[16];
			snprintf(ys, sizeof(ys), "%d", PROFILE_YEAR_MIN + y);
			jsonw_key(&jw, ys);
			jsonw_u64(&jw, F->prof->years[y]);
		}
	jsonw_obj_close(&jw);
	jsonw_obj_close(&jw);
	jsonw_obj_close(&jw);
}

static void
findings_text(struct findings *F, FILE *out)
{
	struct report *rep = F->rep;
	char a1[32], a2[32], a3[32];
	fprintf(out, "verdict: %s (%.1f%% of the %s rows with an identifier are in known leaks)\n",
		F->label, 100 * F->known, fmt_count(F->with_id, a1));
	for (int i = 0; i < F->nevidence; i++)
		fprintf(out, "  - %s\n", F->evidence[i]);
	char a4[32];
	fprintf(out, "\nrecords: %s read, %s rejected, %s duplicates (%s byte for byte)\n",
		fmt_count(rep->total, a1), fmt_count(rep->rejected, a2), fmt_count(rep->dup_norm, a3),
		fmt_count(rep->dup_exact, a4));
	fprintf(out, "rows:");
	for (int c = 0; c < RC_COUNT; c++)
		fprintf(out, " %s %s (%.1f%%)%s", analysis_class_name((enum row_class)c),
			fmt_count(rep->status[c], a1), 100 * frac(rep->status[c], F->a->rows),
			c + 1 < RC_COUNT ? "," : "\n");
	if (F->nleaks) {
		fprintf(out, "\n%-24s %12s %7s %12s\n", "known leak", "rows", "share", "main source");
		for (size_t i = 0; i < F->nleaks; i++) {
			struct aleak *L = &F->leaks[F->order[i]];
			if (!L->rows)
				continue;
			fprintf(out, "%-24s %12s %6.1f%% %12s%s\n", L->l.name, fmt_count(L->rows, a1),
				100 * frac(L->rows, F->a->rows), fmt_count(L->dominant, a2),
				L->unreadable ? "  (partly unreadable)" : "");
		}
	}
	if (rep->seg.n) {
		fprintf(out, "\nsegments:\n");
		size_t shown = rep->seg.n < 12 ? rep->seg.n : 12;
		for (size_t i = 0; i < shown; i++) {
			struct segment *g = &rep->seg.v[i];
			fprintf(out, "  rows %s-%s: %s (%.1f%%)\n", fmt_count(g->from, a1), fmt_count(g->to, a2),
				g->source >= 0 ? F->leaks[g->source].l.name : "new",
				100 * frac(g->agreeing, g->rows));
		}
		if (rep->seg.n > shown)
			fprintf(out, "  ... %zu more (--json lists them)\n", rep->seg.n - shown);
	}
	char d[16];
	ymd_text(F->latest, d);
	fprintf(out, "\nlatest date seen: %s\n", d);
	fprintf(out, "plausibility: %.2f%% of values fail their type, %.2f%% of IINs fail the checksum, "
		     "%s future dates, %s birth dates before 1900, %s $HEX[] passwords",
		100 * frac(F->invalid, F->values), 100 * frac(F->checksum, F->ids12),
		fmt_count(F->future, a1), fmt_count(F->ancient, a2), fmt_count(F->hex, a3));
	if (F->domain_skew >= 0)
		fprintf(out, ", e-mail domain skew %.2f against the known leaks", F->domain_skew);
	fputc('\n', out);
}

static int
run(struct aopts *o, char **paths, int npaths)
{
	char err[1024], libpath[4096];
	struct an a;
	struct report rep;
	memset(&a, 0, sizeof(a));
	memset(&rep, 0, sizeof(rep));
	a.o = o;

	if (o->key_file) {
		if (fp_key_from_file(&a.key, o->key_file, err, sizeof(err)) < 0)
			die("%s", err);
	} else
		fp_key_default(&a.key);
	struct library *lib = open_library(o->library, 0, 0, libpath, sizeof(libpath));
	if (lib && library_check_key(lib, a.key.id, 0, err, sizeof(err)) < 0)
		die("%s", err);
	struct lib_leak *ll = NULL;
	size_t nleaks = 0;
	if (lib && library_leaks(lib, &ll, &nleaks, err, sizeof(err)) < 0)
		die("%s", err);
	if (!nleaks)
		warnx("note: the library '%s' holds no known leak: every row will be new", libpath);
	struct aleak *leaks = xcalloc(nleaks ? nleaks : 1, sizeof(*leaks));
	struct lib_profile *lp = xcalloc(nleaks ? nleaks : 1, sizeof(*lp));
	for (size_t i = 0; i < nleaks; i++) {
		leaks[i].l = ll[i];
		if (library_sets(lib, ll[i].id, &leaks[i].sets, &leaks[i].nsets, err, sizeof(err)) < 0 ||
		    library_profile(lib, ll[i].name, &lp[i], err, sizeof(err)) < 0) {
			warnx("error: leak '%s': %s", ll[i].name, err);
			leaks[i].unreadable = 1;
			rep.problems++;
		}
	}

	a.rows_fd = xio_tmpfile(o->tmpdir, "rows", NULL, 0);
	if (a.rows_fd < 0)
		die("cannot create a temporary file in '%s': %s", o->tmpdir, strerror(errno));
	a.rbuf = xmalloc(1u << 20);
	struct schemas_opts so = { .region = o->region, .emit = an_emit, .forced = an_forced, .ctx = &a };
	schemas_init(&a.ss, &so);

	unsigned nthreads = o->threads;
	if (!nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (unsigned)n : 1;
	}
	/*
	 * The workers hand their keys to the sort (core/bsort.h), each as a
	 * producer of its own; half the budget goes to it, the rest to the
	 * hits' sort and the buffers.
	 */
	struct bsort_opts bo = { .memory = o->memory / 2, .tmpdir = o->tmpdir, .producers = nthreads,
				 .nsets = SET_RAW + 1, .with_values = 1 };
	if (!(a.bs = bsort_new(&bo, err, sizeof(err))))
		die("%s", err);
	struct aworker *w = xcalloc(nthreads, sizeof(*w));
	void **wctx = xcalloc(nthreads, sizeof(*wctx));
	for (unsigned i = 0; i < nthreads; i++) {
		w[i].bs = a.bs;
		w[i].index = i;
		if (facts_init(&w[i].f, &a.key, o->region) < 0)
			die_usage("analyze", "unknown --region '%s'", o->region);
		profile_init(&w[i].prof, 0);
		w[i].f.seen = an_seen;
		w[i].f.bad = an_bad;
		w[i].show_values = o->show_values;
		w[i].f.ctx = &w[i];
		wctx[i] = &w[i];
	}
	a.pipe = pipe_new(nthreads, an_work, wctx, an_done, &a);
	struct walk_cb cb = { .ctx = &a, .begin = an_begin, .record = an_record, .end = an_end };
	struct walk_totals t;
	int rc = walk_paths(&o->co, paths, npaths, &cb, &t);
	if (a.cur)
		pipe_submit(a.pipe, a.cur);
	pipe_free(a.pipe);
	if (a.failed)
		die("%s", a.err);
	if (a.rlen && xio_write_all(a.rows_fd, a.rbuf, a.rlen) < 0)
		die("cannot write a spill file: %s", strerror(errno));
	struct profile prof;
	uint64_t hex = 0;
	profile_init(&prof, 0);
	for (unsigned i = 0; i < nthreads; i++) {
		profile_merge(&prof, &w[i].prof);
		profile_release(&w[i].prof);
		facts_release(&w[i].f);
		hex += w[i].hex;
		free(w[i].kv);
	}
	free(w);
	free(wctx);
	rep.total = t.parsed + t.rejected;
	rep.parsed = t.parsed;
	rep.rejected = t.rejected;

	/* 2-3. the dump's keys, sorted, joined set by set with each known leak */
	struct xsort_opts ho = { .memory = o->memory / 2 < (256ull << 20) ? o->memory / 2 : 256ull << 20,
				 .tmpdir = o->tmpdir, .with_values = 1, .threads = o->threads == 1 ? 1 : 2 };
	struct xsort *hs = xsort_new(&ho, err, sizeof(err));
	if (!hs)
		die("%s", err);
	struct joiner j;
	memset(&j, 0, sizeof(j));
	j.lib = lib;
	j.leaks = leaks;
	j.nleaks = nleaks;
	j.hs = hs;
	j.rep = &rep;
	j.base = xcalloc(nleaks + 1, sizeof(*j.base));
	for (size_t i = 0; i < nleaks; i++)
		j.base[i + 1] = j.base[i] + leaks[i].nsets;
	j.open = xcalloc(j.base[nleaks] ? j.base[nleaks] : 1, sizeof(*j.open));
	if (join_all(&a, &j, nthreads, err, sizeof(err)) < 0)
		die("%s", err);
	bsort_free(a.bs);
	a.bs = NULL;
	for (size_t i = 0; i < j.base[nleaks]; i++)
		if (j.open[i])
			fpset_close(j.open[i]);
	for (unsigned c = 0; c < FACT_SETS; c++) {
		free(j.ck[c]);
		free(j.cv[c]);
		free(j.hit[c]);
	}
	free(j.open);
	free(j.base);
	if (xsort_finish(hs, 0, err, sizeof(err)) < 0)
		die("%s", err);

	/* 4. the rows, in order, beside their hits */
	rep.cols = xcalloc(a.ss.n ? a.ss.n : 1, sizeof(*rep.cols));
	for (size_t s = 0; s < a.ss.n; s++) {
		rep.cols[s] = xcalloc(a.ss.v[s]->ncols ? a.ss.v[s]->ncols : 1, sizeof(**rep.cols));
		for (size_t c = 0; c < a.ss.v[s]->ncols; c++)
			rep.cols[s][c].found = xcalloc(nleaks ? nleaks : 1, sizeof(uint64_t));
	}
	struct pass2 p2 = { &a, leaks, nleaks, (nleaks + 63) / 64 ? (nleaks + 63) / 64 : 1, &rep,
			    NULL, o->records_csv, { 0 }, { 0 }, -1 };
	dynbuf_init(&p2.line, 1u << 26);
	rep.bins = a.rows < STRIP_BINS ? (size_t)a.rows : STRIP_BINS;
	rep.strip = xcalloc(rep.bins ? rep.bins * (nleaks + 2) : 1, sizeof(*rep.strip));
	rep.combos = xcalloc(2 * COMBOS_MAX, sizeof(*rep.combos));
	dynbuf_init(&p2.values, (size_t)1 << 30);
	struct colnames cn;
	colnames_build(&cn, &a.ss);
	if (o->records_path) {
		p2.records = !strcmp(o->records_path, "-") ? stdout : fopen(o->records_path, "w");
		if (!p2.records)
			die("cannot open '%s' for writing: %s", o->records_path, strerror(errno));
		if (o->records_csv) {
			fputs("row,status,leaks", p2.records);
			for (size_t g = 0; g < cn.n; g++) {
				struct dynbuf cell;
				dynbuf_init(&cell, 1u << 20);
				dynbuf_addc(&cell, ',');
				recout_csv_cell(&cell, cn.name[g], strlen(cn.name[g]));
				fwrite(cell.buf, 1, cell.len, p2.records);
				dynbuf_release(&cell);
			}
			fputc('\n', p2.records);
		}
	}
	if (pass2_run(&p2, hs, &cn, err, sizeof(err)) < 0)
		die("%s", err);
	if (p2.records && p2.records != stdout && fclose(p2.records) != 0)
		die("cannot write '%s': %s", o->records_path, strerror(errno));
	xsort_free(hs);
	close(a.rows_fd);
	segments_smooth(&rep.seg, o->segment_min ? o->segment_min
						 : (a.rows / 10000 > 8 ? a.rows / 10000 : 8));

	/* 5. the findings */
	struct findings F;
	memset(&F, 0, sizeof(F));
	F.a = &a;
	F.rep = &rep;
	F.leaks = leaks;
	F.nleaks = nleaks;
	F.prof = &prof;
	F.lp = lp;
	F.order = xcalloc(nleaks ? nleaks : 1, sizeof(*F.order));
	for (size_t i = 0; i < nleaks; i++)
		F.order[i] = i;
	qsort_r(F.order, nleaks, sizeof(*F.order), leak_order, leaks);
	plausibility(&F);
	F.hex += hex;
	uint64_t known = rep.status[RC_COPIED] + rep.status[RC_MERGED] + rep.status[RC_UPDATED];
	F.with_id = known + rep.status[RC_NEW];
	F.known = frac(known, F.with_id);
	F.label = analysis_verdict(&o->v, F.known);
	for (size_t s = 0; s < a.ss.n; s++)
		for (size_t c = 0; c < a.ss.v[s]->ncols; c++) {
			struct profile_col *pc = profile_col(&prof, (int)s, c);
			if (pc && pc->max > F.latest)
				F.latest = pc->max;
		}
	char a1[32], a2[32];
#define EVIDENCE(...) \
	if (F.nevidence < 10) \
		snprintf(F.evidence[F.nevidence++], sizeof(F.evidence[0]), __VA_ARGS__)
	EVIDENCE("%s of %s rows with an identifier are in known leaks (%.1f%%; %s at least %.0f%%, %s at least %.0f%%)",
		 fmt_count(known, a1), fmt_count(F.with_id, a2), 100 * F.known, "recompilation",
		 100 * o->v.recompilation, "partial", 100 * o->v.partial);
	if (!F.with_id)
		EVIDENCE("no row has an identifier (IIN, e-mail, phone, passport, user name): nothing could be "
			 "traced, and \"new\" means only that no known leak was found");
	EVIDENCE("copied from one leak: %.1f%%, merged from several: %.1f%%, known with a changed or added field: %.1f%%, in no known leak: %.1f%%",
		 100 * frac(rep.status[RC_COPIED], F.with_id), 100 * frac(rep.status[RC_MERGED], F.with_id),
		 100 * frac(rep.status[RC_UPDATED], F.with_id), 100 * frac(rep.status[RC_NEW], F.with_id));
	if (nleaks && leaks[F.order[0]].rows) {
		int shown = 0;
		char list[200] = "";
		for (size_t i = 0; i < nleaks && shown < 4; i++) {
			struct aleak *L = &leaks[F.order[i]];
			if (!L->rows)
				break;
			size_t n = strlen(list);
			snprintf(list + n, sizeof(list) - n, "%s%s %.0f%%", shown ? ", " : "", L->l.name,
				 100 * frac(L->rows, a.rows));
			shown++;
		}
		EVIDENCE("rows found per known leak: %s", list);
	}
	if (rep.seg.n)
		EVIDENCE("%zu segment%s by dominant source (blocks of rows taken from one earlier dump read as few, long segments)",
			 rep.seg.n, rep.seg.n == 1 ? "" : "s");
	if (F.latest) {
		char d[16];
		ymd_text(F.latest, d);
		EVIDENCE("latest date in the dump: %s", d);
	}
	if (rep.dup_norm)
		EVIDENCE("%s rows repeat an earlier row (%s byte for byte)", fmt_count(rep.dup_norm, a1),
			 fmt_count(rep.dup_exact, a2));
	if (F.checksum && frac(F.checksum, F.ids12) >= 0.01)
		EVIDENCE("%.1f%% of the IINs fail their checksum: typed by hand or made up",
			 100 * frac(F.checksum, F.ids12));
	if (F.future || F.ancient)
		EVIDENCE("impossible dates: %s in the future, %s birth dates before 1900", fmt_count(F.future, a1),
			 fmt_count(F.ancient, a2));
	if (F.hex)
		EVIDENCE("%s passwords in $HEX[] notation: a password cracker's output was merged in",
			 fmt_count(F.hex, a1));
	if (F.domain_skew >= 0.3)
		EVIDENCE("the e-mail domains are mixed unlike the known leaks' (skew %.2f of 1)", F.domain_skew);
	if (rep.problems)
		EVIDENCE("%d part%s of the library could not be read: the figures may be too low", rep.problems,
			 rep.problems == 1 ? "" : "s");
#undef EVIDENCE

	if (o->json_path) {
		struct dynbuf b;
		dynbuf_init(&b, (size_t)1 << 32);
		findings_json(&F, &b);
		FILE *jf = !strcmp(o->json_path, "-") ? stdout : fopen(o->json_path, "w");
		if (!jf)
			die("cannot open '%s' for writing: %s", o->json_path, strerror(errno));
		fprintf(jf, "%s\n", dynbuf_str(&b));
		if (jf != stdout && fclose(jf) != 0)
			die("cannot write '%s': %s", o->json_path, strerror(errno));
		dynbuf_release(&b);
	}
	if (o->html_path) {
		struct dynbuf b, page, cmd, in;
		char id[24], now[32];
		time_t now_t = time(NULL);
		struct tm tm;
		dynbuf_init(&b, (size_t)1 << 32);
		dynbuf_init(&page, (size_t)1 << 30);
		dynbuf_init(&cmd, (size_t)1 << 24);
		dynbuf_init(&in, (size_t)1 << 24);
		findings_json(&F, &b);
		/* "dumptrace analyze ...", each word quoted for the shell when it needs it */
		dynbuf_printf(&cmd, "dumptrace");
		for (int i = 0; i < o->argc; i++) {
			const char *word = o->argv[i];
			static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+@%-";
			if (*word && strspn(word, plain) == strlen(word)) {
				dynbuf_printf(&cmd, " %s", word);
				continue;
			}
			dynbuf_printf(&cmd, " '");
			for (; *word; word++)
				if (*word == '\'')
					dynbuf_add(&cmd, "'\\''", 4);
				else
					dynbuf_addc(&cmd, *word);
			dynbuf_printf(&cmd, "'");
		}
		for (int i = 0; i < npaths; i++)
			dynbuf_printf(&in, "%s%s", i ? " " : "", paths[i]);
		snprintf(id, sizeof(id), "%016llx", (unsigned long long)a.key.id);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now_t, &tm));
		struct html_meta m = { dynbuf_str(&in), dynbuf_str(&cmd), PACKAGE_VERSION, libpath, id, now,
				       o->show_values };
		if (report_html(b.buf, b.len, &m, &page, err, sizeof(err)) < 0)
			die("cannot write the report '%s': %s", o->html_path, err);
		FILE *hf = fopen(o->html_path, "w");
		if (!hf)
			die("cannot open '%s' for writing: %s", o->html_path, strerror(errno));
		if (fwrite(page.buf, 1, page.len, hf) != page.len || fclose(hf) != 0)
			die("cannot write '%s': %s", o->html_path, strerror(errno));
		dynbuf_release(&b);
		dynbuf_release(&page);
		dynbuf_release(&cmd);
		dynbuf_release(&in);
	}
	if (!o->json_path || strcmp(o->json_path, "-"))
		if (!o->co.quiet || (!o->json_path && !o->html_path))
			findings_text(&F, o->records_path && !strcmp(o->records_path, "-") ? stderr : stdout);

	int fail = 0;
	if (o->fail_on)
		fail = !strcmp(F.label, "recompilation") ||
		       (!strcmp(o->fail_on, "partial") && !strcmp(F.label, "partial"));

	for (size_t s = 0; s < a.ss.n; s++) {
		for (size_t c = 0; c < a.ss.v[s]->ncols; c++)
			free(rep.cols[s][c].found);
		free(rep.cols[s]);
		free(cn.map[s]);
	}
	free(cn.map);
	free(cn.name);
	free(rep.cols);
	segments_release(&rep.seg);
	free(rep.strip);
	for (size_t i = 0; i < 2 * COMBOS_MAX; i++)
		free(rep.combos[i].m);
	free(rep.combos);
	for (size_t i = 0; i < nleaks; i++) {
		free(leaks[i].sets);
		lib_profile_release(&lp[i]);
	}
	lib_leaks_free(ll, nleaks);
	free(leaks);
	free(lp);
	free(F.order);
	dynbuf_release(&p2.line);
	dynbuf_release(&p2.values);
	profile_release(&prof);
	schemas_release(&a.ss);
	free(a.rbuf);
	fp_key_release(&a.key);
	if (lib)
		library_close(lib);
	/* rejected records are counted in the report; a lost input or library part is an error */
	(void)rc;
	if (fail)
		return 3;
	return rep.problems || t.failed ? EXIT_REJECTS : EXIT_CLEAN;
}

static void
help(void)
{
	printf("usage: dumptrace analyze [OPTIONS] FILE...\n"
	       "\n"
	       "Says whether a dump is new or a recompilation of the known leaks in the\n"
	       "library: which share of its rows and fields come from which leak, which\n"
	       "are in none, how the file was stitched together, how fresh it is, with a\n"
	       "verdict and the evidence behind it. No personal data is printed.\n"
	       "\n"
	       "  --library PATH         the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                         $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --json FILE            the findings as JSON (- for standard output)\n"
	       "  --html FILE            a self-contained HTML report (charts, no personal data)\n"
	       "  --records FILE         one line per input row: its class, leaks and the\n"
	       "                         leaks of each field (JSON Lines, or CSV)\n"
	       "  --records-format F     jsonl (default) or csv\n"
	       "  --show-values          add each row's values to the JSON Lines records: PERSONAL\n"
	       "                         DATA, off by default (nothing else ever prints a value)\n"
	       "  --fail-on LABEL        exit code 3 when the verdict is recompilation, or\n"
	       "                         (--fail-on partial) recompilation or partial\n"
	       "  --recompilation-threshold X  share of known rows for \"recompilation\" (0.8)\n"
	       "  --partial-threshold X  share of known rows for \"partial\" (0.2)\n"
	       "  --segment-min N        shortest run of rows kept as a segment (default\n"
	       "                         one row in 10,000, at least 8)\n"
	       "  --region CC            phone region for normalization (default KZ)\n"
	       "  --key-file FILE        the library's secret key, if it was built with one\n"
	       "  --memory SIZE          memory budget for the sorts (default 1G)\n"
	       "  --tmpdir DIR           where spill files go (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        worker threads (default: all cores)\n"
	       "\n" COMMON_HELP);
}

int
cmd_analyze(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		WORK_LONG_OPTIONS,
		{ "library", required_argument, NULL, 'l' },
		{ "json", required_argument, NULL, 'J' },
		{ "html", required_argument, NULL, 'H' },
		{ "records", required_argument, NULL, 'r' },
		{ "records-format", required_argument, NULL, 'F' },
		{ "show-values", no_argument, NULL, 'V' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "recompilation-threshold", required_argument, NULL, 'X' },
		{ "partial-threshold", required_argument, NULL, 'P' },
		{ "segment-min", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct aopts o;
	int opt;
	int64_t v;

	memset(&o, 0, sizeof(o));
	common_init(&o.co);
	o.memory = 1ull << 30;
	o.v.recompilation = 0.8;
	o.v.partial = 0.2;
	o.tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	o.argc = argc;
	o.argv = argv;
	struct work_opts work = { &o.region, &o.key_file, &o.tmpdir, &o.memory, &o.threads,
				  4 << 20 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
		if (common_option(&o.co, opt, optarg))
			continue;
		if (work_option(&work, "analyze", opt, optarg))
			continue;
		switch (opt) {
		case 'l':
			o.library = optarg;
			break;
		case 'J':
			o.json_path = optarg;
			break;
		case 'H':
			o.html_path = optarg;
			break;
		case 'r':
			o.records_path = optarg;
			break;
		case 'F':
			if (!strcmp(optarg, "csv"))
				o.records_csv = 1;
			else if (strcmp(optarg, "jsonl") && strcmp(optarg, "json"))
				die_usage("analyze", "unknown records format '%s' (jsonl, csv)", optarg);
			break;
		case 'V':
			o.show_values = 1;
			break;
		case 'f':
			if (strcmp(optarg, "recompilation") && strcmp(optarg, "partial"))
				die_usage("analyze", "bad --fail-on '%s' (recompilation, partial)", optarg);
			o.fail_on = optarg;
			break;
		case 'X':
			o.v.recompilation = parse_share("analyze", "--recompilation-threshold", optarg);
			break;
		case 'P':
			o.v.partial = parse_share("analyze", "--partial-threshold", optarg);
			break;
		case 'S':
			if ((v = parse_size(optarg)) < 1)
				die_usage("analyze", "bad --segment-min '%s'", optarg);
			o.segment_min = (uint64_t)v;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("analyze", "bad option");
		}
	}
	if (o.v.partial > o.v.recompilation)
		die_usage("analyze", "--partial-threshold is above --recompilation-threshold");
	if (optind >= argc)
		die_usage("analyze", "no input given (use - for standard input)");
	if (o.show_values && (!o.records_path || o.records_csv))
		die_usage("analyze", "--show-values puts the values in the JSON Lines of --records: give --records FILE");
	if (o.show_values)
		warnx("warning: --show-values: '%s' will hold personal data; handle it as the dump itself",
		      o.records_path);
	common_start(&o.co);
	int rc = run(&o, argv + optind, argc - optind);
	common_finish(&o.co);
	return rc;
}
