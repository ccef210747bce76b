/*
 * The analysis engine: the dump read, its keys sorted and joined with the
 * library, its rows classified, the findings made. See analyze.h for the
 * steps and the contract.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "core/analyze.h"
#include "core/analysis.h"
#include "core/facts.h"
#include "core/fmt.h"
#include "core/iin.h"
#include "core/fpset.h"
#include "core/jsonw.h"
#include "core/kmv.h"
#include "core/keys.h"
#include "core/library.h"
#include "core/link.h"
#include "core/near.h"
#include "core/norm.h"
#include "core/pipe.h"
#include "core/profile.h"
#include "core/bsort.h"
#include "core/schema.h"
#include "core/status.h"
#include "core/wire.h"
#include "core/xalloc.h"
#include "core/xio.h"
#include "core/xsort.h"

#define SET_RAW (3u << 10) /* the raw record's hash: exact duplicates, never joined */
#define SET_ROW (SET_RAW + 1) /* every column normalized: duplicates, never joined */
#define JOIN_CHUNK 65536 /* pairs of one set joined at once */
#define ROW_BITS 48
#define SLOT_BITS 14
#define NEAR_BUF 65536 /* a worker's deferred near keys (pairs) written at once */
#define EXACT_FACTS 8 /* facts per row whose exact hits are remembered for the near round */

/* A worker's output for one batch: per record its summary, then its keys. One allocation. */
struct abuf {
	size_t len, cap; /* bytes of data */
	uint8_t data[];
};

struct aworker {
	struct facts f;
	struct dynbuf rowv;     /* a column's value normalized for the row key */
	uint8_t *covered;       /* columns whose value a fact holds */
	size_t covered_alloc;
	struct profile prof;
	uint64_t hex; /* passwords in a cracker's $HEX[] notation */
	int show_values; /* the cells' values go along (--show-values) */
	struct bsort *bs;
	unsigned index; /* its producer index in the sort */
	uint64_t *kv; /* a batch's (key, set, payload) triples */
	size_t nkv, kv_alloc;
	int iin_ymd;
	int row_date; /* the newest of the row's record dates (not birth dates), yyyymmdd */
	int today;    /* yyyymmdd: later dates are no evidence of freshness */
	int birth_ymd[FACTS_MAX];
	uint8_t derived[FACTS_MAX];
	struct link_freq *lf; /* the dump's quasi-identifier frequencies */
	struct an *a;
	uint64_t *near; /* its deferred near keys: (key, payload) pairs (near_round()) */
	size_t nnear;
};

struct an {
	const struct analyze_opts *o;
	volatile sig_atomic_t *stop;
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
	struct link_freq lf; /* the quasi-identifiers' frequencies (core/link.h) */
	int near_fd;	     /* the deferred near keys, in no order (near_round()) */
	uint64_t near_pairs; /* written there */
	int near_failed;     /* a write there failed (errno in near_errno) */
	int near_errno;
	pthread_mutex_t near_mu;
	char err[512];
	/* a map step (analyze_map()): its rows and near files named, a schema its first stream may share */
	const char *rows_path, *near_path;
	struct schema *seed;
	int first_done;	     /* its first record was seen */
	int have_first;	     /* it opened the first stream, with no table: its columns in first */
	struct dynbuf first; /* their count, then each name (core/wire.h) */
};

/*
 * Is a lookup's key of this set deferred to the near round? The near keys
 * of the attributes (under the anchor, under name and birth date); not the
 * quasi-identifier blocks, whose round is their own.
 */
static int
near_deferred(unsigned set)
{
	return FACT_SET_KIND(set) == FACT_NEAR && FACT_SET_TYPE(set) != DT_QI_BLOCK &&
	       FACT_SET_TYPE(set) != DT_QI_PERSON;
}

/* A worker's deferred near keys onto the near file (under its lock). */
static void
near_flush(struct aworker *w)
{
	struct an *a = w->a;
	if (!w->nnear)
		return;
	pthread_mutex_lock(&a->near_mu);
	if (!a->near_failed && xio_write_all(a->near_fd, w->near, w->nnear * 2 * sizeof(*w->near)) < 0) {
		a->near_failed = 1;
		a->near_errno = errno;
	}
	a->near_pairs += w->nnear;
	pthread_mutex_unlock(&a->near_mu);
	w->nnear = 0;
}

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
		if (iin_birth_unchecked(norm, len, &y, &m, &d))
			w->iin_ymd = y * 10000 + m * 100 + d;
	} else if (f->type == DT_BIRTH_DATE && i < FACTS_MAX)
		w->birth_ymd[i] = ymd_of(norm, len);
	else if (f->type == DT_DATE) {
		int d = ymd_of(norm, len);
		if (d > w->row_date && d <= w->today)
			w->row_date = d;
	}
}

static void
an_bad(void *ctx, const struct schema *s, size_t col)
{
	struct aworker *w = ctx;
	profile_bad(&w->prof, s, col);
}

/*
 * A row's key for duplicates: every non-empty column, numbers and text
 * included, each under its column's name, so that two rows are one only
 * when all their columns agree after normalization (film_actor's
 * (actor_id, film_id) pairs are not repeats of one another because their
 * last_update is). A column a fact holds counts by that fact's
 * fingerprint (its type's normalization); a number by its normal form;
 * other text trimmed, blanks collapsed, ASCII in lower case (cheap: the
 * full Unicode folding is for facts). Order-independent (a sum), so that
 * JSON records with their keys in another order agree. 0: no column.
 */
/* Per fact of a row that quasi-identifiers may link: its signatures' count, u8, and three, u32. */
#define QI_FACT_BYTES (1 + 4 * NEAR_WORDS)
#define QI_CANDS 16 /* persons a row is weighed against, at most */
#define QI_FAN 8    /* a block shared by more persons than this is too common to block on */

/* The type a fact is weighed as in linkage (the name types as one), 0: not weighed. */
static unsigned
link_type(unsigned t)
{
	switch (t) {
	case DT_FULL_NAME:
	case DT_FIRST_NAME:
	case DT_LAST_NAME:
		return DT_FULL_NAME;
	case DT_BIRTH_DATE:
	case DT_POSTCODE:
	case DT_CITY:
	case DT_ADDRESS:
		return t;
	default:
		return 0;
	}
}

static uint64_t
row_key(struct aworker *w, const struct schema *s, const struct record *rec, size_t nf)
{
	uint64_t h = 0;
	int any = 0;

	/* covered[c]: schema column c is held by a fact (its fingerprint counts, not its text) */
	if (s->ncols > w->covered_alloc)
		w->covered = xgrow(w->covered, &w->covered_alloc, s->ncols, 1);
	memset(w->covered, 0, s->ncols);
	for (size_t i = 0; i < nf; i++) {
		const struct fact *f = &w->f.v[i];
		if ((f->flags & FACT_COMPOSED) || f->col >= s->ncols)
			continue; /* a composed name's parts are hashed as text below */
		w->covered[f->col] = 1;
		uint64_t nh = XXH3_64bits(s->names[f->col], s->name_len[f->col]);
		h += XXH3_64bits_withSeed(&f->fp, sizeof(f->fp), nh);
		any = 1;
	}
	for (size_t k = 0; k < rec->nfields; k++) {
		const struct field *fl = &rec->fields[k];
		if (fl->is_null || !fl->len)
			continue;
		size_t c = schema_col(s, fl, k);
		if (c != (size_t)-1 && w->covered[c])
			continue;
		const char *v = fl->val;
		size_t n = fl->len;
		dynbuf_reset(&w->rowv);
		if (c != (size_t)-1 && s->types[c] == DT_NUMBER &&
		    norm_value(w->f.norm, DT_NUMBER, v, n, &w->rowv)) {
			v = w->rowv.buf;
			n = w->rowv.len;
		} else {
			int blank = 1;
			for (size_t i = 0; i < fl->len; i++) {
				unsigned char ch = (unsigned char)fl->val[i];
				if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
					blank = 1;
					continue;
				}
				if (blank && w->rowv.len && dynbuf_add(&w->rowv, " ", 1) < 0)
					break;
				blank = 0;
				char lc = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
				if (dynbuf_add(&w->rowv, &lc, 1) < 0)
					break;
			}
			if (!w->rowv.len)
				continue;
			v = w->rowv.buf;
			n = w->rowv.len;
		}
		uint64_t nh = XXH3_64bits(fl->name, fl->name_len);
		h += XXH3_64bits_withSeed(v, n, nh ^ 0x726f77ull);
		any = 1;
	}
	return any ? (h ? h : 1) : 0;
}

/*
 * Worker: per record, its summary and keys into the batch's buffer:
 *   nfacts u8, then per fact type u8, flags u8, col u16;
 *   the newest record date of its date columns, yyyymmdd i32 (0: none);
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
		w->row_date = 0;
		memset(w->birth_ymd, 0, sizeof(w->birth_ymd));
		size_t nf = facts_extract(&w->f, s, rec);
		size_t nk = facts_keys(&w->f);
		uint64_t rowkey = row_key(w, s, rec, nf);
		size_t vbytes = 0;
		if (w->show_values)
			for (size_t i = 0; i < rec->nfields; i++)
				vbytes += 4 + rec->fields[i].len;
		/* a row without an identifier that quasi-identifiers can link: their frequencies */
		uint64_t qb[FACTS_QI_BLOCKS];
		int qi = facts_qi_block(&w->f, qb) > 0;
		ab = abuf_room(ab, 4 + nf * 4 + 1 + (qi ? nf * QI_FACT_BYTES : 0) + 4 + 2 +
					   2 * rec->nfields + vbytes);
		uint8_t *p = ab->data + ab->len;
		*p++ = (uint8_t)nf;
		for (size_t i = 0; i < nf; i++) {
			const struct fact *f = &w->f.v[i];
			/* a birth date that is the IIN's, or a variation of it (a typo of derived data) */
			int derived = f->type == DT_BIRTH_DATE && w->iin_ymd && w->birth_ymd[i] &&
			              near_dates(w->birth_ymd[i], w->iin_ymd) >= 0;
			*p++ = f->type;
			*p++ = (uint8_t)(f->flags | (derived ? AF_DERIVED : 0));
			memcpy(p, &f->col, 2);
			p += 2;
		}
		/* its quasi-identifiers' signatures (facts_qi_sigs()), counted for their frequency */
		*p++ = (uint8_t)qi;
		for (size_t i = 0; qi && i < nf; i++) {
			uint32_t sig[NEAR_WORDS] = { 0 };
			unsigned t, ns = facts_qi_sigs(&w->f.v[i], sig, &t);
			for (unsigned k = 0; k < ns; k++)
				if (t != DT_FULL_NAME || sig[k] >> 30 == NEAR_PLAIN)
					link_freq_add(w->lf, t, sig[k]);
			*p++ = (uint8_t)ns;
			memcpy(p, sig, sizeof(sig));
			p += sizeof(sig);
		}
		int32_t rd = w->row_date;
		memcpy(p, &rd, 4);
		p += 4;
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
		size_t nx = nk + 1 + (rowkey != 0);
		if (w->nkv + 3 * nx > w->kv_alloc)
			w->kv = xgrow(w->kv, &w->kv_alloc, w->nkv + 3 * nx, sizeof(*w->kv));
		for (size_t i = 0; i < nx; i++) {
			uint64_t set = i < nk ? w->f.keys[i].set : i == nk ? SET_RAW : SET_ROW;
			unsigned fa = i < nk ? w->f.keys[i].a : 255, fb = i < nk ? w->f.keys[i].b : 255;
			uint64_t pv = row << 24 | set << 12 | (uint64_t)(fa & 63) << 6 | (fb & 63);
			if (i < nk && w->near && near_deferred((unsigned)set)) {
				w->near[2 * w->nnear] = w->f.keys[i].key;
				w->near[2 * w->nnear + 1] = pv;
				if (++w->nnear == NEAR_BUF)
					near_flush(w);
				continue;
			}
			w->kv[w->nkv++] = i < nk ? w->f.keys[i].key : i == nk ? raw : rowkey;
			w->kv[w->nkv++] = set;
			w->kv[w->nkv++] = pv;
		}
		ab->len = (size_t)(p - ab->data);
	}
	b->user = ab;
	bsort_add(w->bs, w->index, w->kv, w->nkv / 3); /* a failure is seen by bsort_failed() */
}

/*
 * The length of the row summary at p, as an_work() writes it (no schema
 * id), or 0 when [p, end) does not hold it all.
 */
static size_t
summary_len(const uint8_t *p, const uint8_t *end, int show_values)
{
	const uint8_t *q = p;
	if (end - q < 1)
		return 0;
	size_t nf = *q++;
	if ((size_t)(end - q) < 4 * nf + 1)
		return 0;
	q += 4 * nf;
	size_t need = (*q++ ? nf * QI_FACT_BYTES : 0) + 4 + 2;
	if ((size_t)(end - q) < need)
		return 0;
	q += need;
	uint16_t nc;
	memcpy(&nc, q - 2, 2);
	for (size_t k = 0; k < nc; k++) {
		if (end - q < 2)
			return 0;
		q += 2;
		if (show_values) {
			uint32_t n32;
			if (end - q < 4)
				return 0;
			memcpy(&n32, q, 4);
			q += 4;
			if ((size_t)(end - q) < n32)
				return 0;
			q += n32;
		}
	}
	return (size_t)(q - p);
}

/* Consumer, in input order: the rows' summaries into the rows file. */
static void
an_done(void *ctx, struct batch *b)
{
	struct an *a = ctx;
	const struct schema *s = b->tag;
	struct abuf *ab = b->user;
	const uint8_t *p = ab ? ab->data : NULL, *end = ab ? ab->data + ab->len : NULL;

	size_t l;
	for (size_t r = 0; r < b->nrecs && p < end && (l = summary_len(p, end, a->o->show_values)) > 0; r++) {
		uint32_t sid = (uint32_t)s->id;
		a->rows++;
		/* the summary: schema id, then the facts and cells as the worker wrote them */
		if (!a->failed && (put_bytes(a, &sid, 4) < 0 || put_bytes(a, p, l) < 0)) {
			a->failed = 1;
			snprintf(a->err, sizeof(a->err), "cannot write a spill file: %s", strerror(errno));
		}
		p += l;
	}
}

static void
an_emit(void *ctx, struct schema *s, const struct record *rec, uint64_t seq)
{
	struct an *a = ctx;
	(void)seq;
	if (pipe_add(a->pipe, &a->cur, s->id, s, rec))
		a->cur->first_seq = a->emitted; /* rows are numbered as they are handed on */
	a->emitted++;
}

static enum dt_type
an_forced(void *ctx, const char *name, size_t len)
{
	struct an *a = ctx;
	return (enum dt_type)walk_forced_type(a->o->in, name, len);
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
	if (a->failed || bsort_failed(a->bs) || *a->stop)
		return -1;
	if (a->rows_path && !a->first_done) {
		/* what the split before needs to know whether this stream shares its schema (run_maps()) */
		a->first_done = 1;
		if (a->ss.stream == 0 && !rec->table) {
			a->have_first = wire_u64(&a->first, rec->nfields) == 0;
			for (size_t i = 0; i < rec->nfields && a->have_first; i++)
				a->have_first = wire_bytes(&a->first, rec->fields[i].name, rec->fields[i].name_len) == 0;
		}
	}
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
	uint64_t nears;			  /* near keys that found a variation of their value */
	uint64_t linked;		  /* rows without an identifier linked to one of its persons */
	uint64_t dominant;		  /* rows it is the dominant source of */
	int unreadable;
};

/* Per column of the dump (schema, column): values and where they were found. */
struct acol {
	uint64_t values;
	uint64_t found_near; /* of them, known only as a variation */
	uint64_t *found; /* per leak */
	uint64_t found_any;
};

#define STRIP_BINS 500  /* the row-order strip: the file in this many bands at most */
#define SEGMENTS_CAP (1u << 18) /* runs held before the closed ones are smoothed (40 bytes each) */
#define COMBOS_MAX 4096 /* distinct combinations of leaks counted; later ones go to "other" */

/* Rows by the set of leaks their facts come from (for an UpSet-style chart). */
struct combo {
	uint64_t *m; /* words bits; NULL for a free slot */
	uint64_t rows;
};

struct report {
	struct walk_totals walk;
	uint64_t total, parsed, rejected;
	uint64_t dup_exact, dup_norm;
	uint64_t status[RC_COUNT];
	uint64_t varied;       /* copied or merged rows with a fact known only as a variation */
	uint64_t near_facts;   /* facts known only as a variation */
	uint64_t retyped;      /* of those, identifiers (found under name and birth date) */
	uint64_t linkable, linked; /* rows without an identifier, linkable and linked (core/link.h) */
	double link_min;	   /* the weakest link's weight */
	int date_known, date_new; /* the newest record dates of known rows and of new ones */
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
	const struct walk_opts *in; /* its hook gets the messages */
	volatile sig_atomic_t *stop;
	struct library *lib;
	struct aleak *leaks;
	size_t nleaks;
	struct xsort *hs;	 /* the hits, by row */
	struct xsort *cand;	 /* quasi-identifier candidates: (row, person tag), leak */
	struct report *rep;
	const struct fp_key *key; /* opens the near signatures */
	uint64_t *ck[FACT_SETS], *cv[FACT_SETS]; /* per set: keys and payloads waiting */
	uint8_t *hit[FACT_SETS];
	size_t n[FACT_SETS];
	struct fpset **open; /* [leak * nsets + set index], opened on first use */
	size_t *nsets, *base;
	size_t nopen;
	/*
	 * per row, a bit for each of its facts [0, EXACT_FACTS) found as it
	 * is with another (an association, the record), or for an identifier
	 * known as a value (near_round()); a byte a row, so that the bits of
	 * 16M rows stay in the cache as the hits, in key order, set them
	 */
	uint8_t *exact;
	uint64_t nexact;
	uint64_t last_rec, last_raw; /* the previous record and raw keys: duplicates */
	int have_rec, have_raw;
	/* a reduce step's: the hits and candidates to these files instead of hs and cand */
	FILE *hits_out, *cand_out;
	struct shuffle *sh; /* the joins as reduce steps (o->work_dir): join_all() hands them out */
	pthread_mutex_t mu;
	char err[512];
};

/* A hit (or a candidate: cand) into its sorter, or a reduce step's file. Under j->mu. */
static int
hit_put(struct joiner *j, int cand, uint64_t k, uint64_t v)
{
	FILE *f = cand ? j->cand_out : j->hits_out;
	if (f) {
		uint64_t kv[2] = { k, v };
		if (fwrite(kv, sizeof(kv), 1, f) == 1)
			return 0;
		snprintf(j->err, sizeof(j->err), "cannot write a reduce step's file: %s", strerror(errno));
		return -1;
	}
	struct xsort *x = cand ? j->cand : j->hs;
	if (xsort_add(x, k, v) == 0)
		return 0;
	snprintf(j->err, sizeof(j->err), "%s", xsort_error(x));
	return -1;
}

#define OPEN_MAX 512 /* set files kept open at once; past it, opened for one use */
enum { QI_JOIN_BLOCK = 1, QI_JOIN_PERSON = 2 }; /* near_join()'s quasi-identifier modes */

/* The sets a joiner opened, its buffers, its lock (the joiner itself is the caller's). */
static void
joiner_release(struct joiner *j, size_t nleaks)
{
	pthread_mutex_destroy(&j->mu);
	for (size_t i = 0; i < j->base[nleaks]; i++)
		if (j->open[i])
			fpset_close(j->open[i]);
	for (unsigned c = 0; c < FACT_SETS; c++) {
		free(j->ck[c]);
		free(j->cv[c]);
		free(j->hit[c]);
	}
	free(j->open);
	free(j->base);
}

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
		walk_say(j->in, "error: leak '%s': %s", j->leaks[li].l.name, err);
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
	return FACT_SET(s->kind, s->kind == LIB_RECORD ? 0 : s->type, lib_kind_has_attr(s->kind) ? s->attr : 0);
}

/*
 * A near set joined: for each of the ascending queries q[0..n), the keys
 * of the set under its prefix (the person and the attribute's type), their
 * signatures opened and compared with the query's (core/near.h); the best
 * that is a variation of the query's value is a hit of kind FACT_NEAR,
 * its similarity above the leak's index in the hit's payload. The set is
 * read once, forward (fpset_iter_seek), whatever the queries. 0; -1 for
 * a damaged set, the reason in err; -2 when the hits cannot be kept (j->err).
 */
static int
near_join(struct joiner *j, const struct fpset *set, size_t li, unsigned qi_type, unsigned attr,
	  const uint64_t *q, const uint64_t *pv, size_t n, char *err, size_t errlen)
{
	struct fpset_iter it;
	uint64_t *lk = NULL, pend = 0, *hk = NULL;
	size_t nl = 0, alloc = 0, nh = 0, nh_alloc = 0;
	int have_pend = 0, at_end = 0, rc = 0;
	int qi = qi_type;

	fpset_iter_init(&it, set);
	for (size_t i = 0; i < n && !rc;) {
		uint32_t pre = (uint32_t)(q[i] >> 32);
		/* the set's keys under pre into lk[0..nl) */
		nl = 0;
		if (!(have_pend && pend >> 32 > pre)) {
			if (have_pend && pend >> 32 == pre) {
				lk = xgrow(lk, &alloc, 1, sizeof(*lk));
				lk[nl++] = pend;
				have_pend = 0;
			} else if (!at_end) {
				have_pend = 0;
				fpset_iter_seek(&it, (uint64_t)pre << 32);
			}
			while (!at_end && !have_pend) {
				uint64_t k;
				int r = fpset_iter_next(&it, &k);
				if (r < 0) {
					snprintf(err, errlen, "%s", it.err);
					rc = -1;
					break;
				}
				if (r == 0) {
					at_end = 1;
					break;
				}
				if (k >> 32 == pre) {
					if (nl == alloc)
						lk = xgrow(lk, &alloc, nl + 1, sizeof(*lk));
					lk[nl++] = k;
				} else if (k >> 32 > pre) {
					pend = k;
					have_pend = 1;
				}
			}
		}
		/* the queries under pre, their pad once (the set's keys there share it) */
		uint32_t pad = nl ? near_pad(j->key, pre) : 0;
		for (; i < n && (uint32_t)(q[i] >> 32) == pre; i++) {
			if (!nl)
				continue;
			if (qi == QI_JOIN_BLOCK) {
				/* a block: the tags of the persons sharing it, as candidates (row, tag) */
				uint64_t row = pv[i] >> 24;
				if (nl > QI_FAN || row >> 32)
					continue;
				for (size_t k = 0; k < nl; k++) {
					if (nh == nh_alloc)
						hk = xgrow(hk, &nh_alloc, nh + 1, 2 * sizeof(*hk));
					hk[2 * nh] = row << 32 | near_open(j->key, lk[k]);
					hk[2 * nh + 1] = li;
					nh++;
				}
				continue;
			}
			if (qi == QI_JOIN_PERSON) {
				/* a person's attribute: its best similarity, or QI_DISAGREE (another value) */
				uint64_t v = pv[i], row = v >> 24, slot = v & ((1u << 12) - 1);
				uint32_t qs = (uint32_t)q[i] ^ pad;
				int best = -1;
				for (size_t k = 0; k < nl && best < 100; k++) {
					/* no exact key here: the same signature is the same value */
					uint32_t ls = (uint32_t)lk[k] ^ pad;
					int sim = ls == qs ? 100 : near_compare(attr, qs, ls);
					best = sim > best ? sim : best;
				}
				if (nh == nh_alloc)
					hk = xgrow(hk, &nh_alloc, nh + 1, 2 * sizeof(*hk));
				hk[2 * nh] = row << SLOT_BITS | (uint64_t)FACT_NEAR << 12 | slot;
				hk[2 * nh + 1] = QI_HIT | (uint64_t)(best < 0 ? QI_DISAGREE : (unsigned)best) << 48 | li;
				nh++;
				continue;
			}
			uint32_t qs = (uint32_t)q[i] ^ pad;
			int best = -1;
			for (size_t k = 0; k < nl && best < 100; k++) {
				int sim = near_compare(attr, qs, (uint32_t)lk[k] ^ pad);
				best = sim > best ? sim : best;
			}
			if (best < 0)
				continue;
			uint64_t v = pv[i], row = v >> 24, slot = v & ((1u << 12) - 1);
			if (nh == nh_alloc)
				hk = xgrow(hk, &nh_alloc, nh + 1, 2 * sizeof(*hk));
			hk[2 * nh] = row << SLOT_BITS | (uint64_t)FACT_NEAR << 12 | slot;
			hk[2 * nh + 1] = (uint64_t)best << 48 | li;
			nh++;
		}
	}
	fpset_iter_release(&it);
	free(lk);
	/* the hits (a block's: the candidates), under one lock */
	pthread_mutex_lock(&j->mu);
	for (size_t h = 0; h < nh && rc != -2; h++)
		if (hit_put(j, qi == QI_JOIN_BLOCK, hk[2 * h], hk[2 * h + 1]) < 0)
			rc = -2;
	if (!qi)
		j->leaks[li].nears += nh;
	pthread_mutex_unlock(&j->mu);
	free(hk);
	return rc;
}

/*
 * The exact hits of a chunk of set code into j->exact: a pair of facts, the
 * record (all its facts), an identifier's value. Two sets may be joined at
 * once, so the bits are set atomically; the rows come in key order, so
 * each row's byte is fetched a few hits ahead.
 */
static void
exact_mark(struct joiner *j, unsigned code, const uint64_t *pv, const uint8_t *hit, size_t n)
{
	unsigned kind = FACT_SET_KIND(code);
	for (size_t i = 0; i < n; i++) {
		if (i + 16 < n && (pv[i + 16] >> 24) < j->nexact)
			__builtin_prefetch(&j->exact[pv[i + 16] >> 24], 1, 0);
		uint64_t row = pv[i] >> 24;
		if (!hit[i] || row >= j->nexact)
			continue;
		unsigned fa = (unsigned)(pv[i] >> 6) & 63, fb = (unsigned)pv[i] & 63;
		unsigned m = kind == FACT_RECORD ? 0xFFu
			     : (fa < EXACT_FACTS ? 1u << fa : 0) | (fb < EXACT_FACTS ? 1u << fb : 0);
		if (m && (j->exact[row] & m) != m)
			__atomic_fetch_or(&j->exact[row], (uint8_t)m, __ATOMIC_RELAXED);
	}
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
			int jr;
			if (FACT_SET_KIND(code) == FACT_NEAR) {
				unsigned at = FACT_SET_TYPE(code);
				jr = near_join(j, set, li,
					       at == DT_QI_PERSON ? QI_JOIN_PERSON : at == DT_QI_BLOCK ? QI_JOIN_BLOCK : 0,
					       FACT_SET_ATTR(code), q, pv, n, e, sizeof(e));
				if (temp)
					fpset_close(set);
				if (jr == -2)
					return -1;
				if (jr < 0) {
					pthread_mutex_lock(&j->mu);
					walk_say(j->in, "error: leak '%s': set '%s': %s", L->l.name,
						 L->sets[si].file, e);
					L->unreadable = 1;
					j->rep->problems++;
					pthread_mutex_unlock(&j->mu);
					break;
				}
				continue;
			}
			memset(hit, 0, n);
			jr = fpset_join(set, q, n, hit, e, sizeof(e));
			if (temp)
				fpset_close(set);
			if (jr < 0) {
				/* a damaged set: named, and the analysis goes on without this leak */
				pthread_mutex_lock(&j->mu);
				walk_say(j->in, "error: leak '%s': set '%s': %s", L->l.name, L->sets[si].file, e);
				L->unreadable = 1;
				j->rep->problems++;
				pthread_mutex_unlock(&j->mu);
				break;
			}
			uint64_t assocs = 0, records = 0;
			int rc = 0;
			if (j->exact && (FACT_SET_KIND(code) != FACT_VALUE || types_is_identifier(FACT_SET_TYPE(code))))
				exact_mark(j, code, pv, hit, n);
			pthread_mutex_lock(&j->mu);
			for (size_t i = 0; i < n && !rc; i++) {
				if (!hit[i])
					continue;
				uint64_t v = pv[i];
				uint64_t row = v >> 24, slot = v & ((1u << 12) - 1);
				unsigned kind = (unsigned)(v >> 22) & 3;
				assocs += kind == FACT_ASSOC;
				records += kind == FACT_RECORD;
				if (hit_put(j, 0, row << SLOT_BITS | (uint64_t)kind << 12 | slot, li) < 0)
					rc = -1;
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
 * row keys (rows whose every column agrees after normalization: row_key())
 * and raw keys (rows equal byte for byte) counted on the way. Two sets may come at once.
 */
static int
join_emit(void *ctx, unsigned set, const uint64_t *kv, size_t n)
{
	struct joiner *j = ctx;

	if (*j->stop) {
		snprintf(j->err, sizeof(j->err), "interrupted");
		return -1;
	}
	if (set == SET_RAW || set == SET_ROW) {
		int raw = set == SET_RAW;
		uint64_t *last = raw ? &j->last_raw : &j->last_rec, *dup = raw ? &j->rep->dup_exact : &j->rep->dup_norm;
		int *have = raw ? &j->have_raw : &j->have_rec;
		for (size_t i = 0; i < n; i++) {
			*dup += *have && kv[2 * i] == *last;
			*last = kv[2 * i];
			*have = 1;
		}
	}
	if (set >= FACT_SETS || set == SET_RAW || set == SET_ROW)
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

static int shuffle_join(struct bsort *bs, struct joiner *j, unsigned threads, char *err, size_t errlen);

/* The keys of bs, sorted, joined set by set with each known leak (by reduce steps: shuffle_join()). */
static int
join_all(struct bsort *bs, struct joiner *j, unsigned threads, char *err, size_t errlen)
{
	if (j->sh)
		return shuffle_join(bs, j, threads, err, errlen);
	int rc = bsort_finish(bs, threads, join_emit, j, err, errlen);
	if (rc < 0 && !err[0])
		snprintf(err, errlen, "%s", j->err);
	for (unsigned c = 0; c < FACT_SETS && !rc; c++)
		if (joiner_flush(j, c) < 0) {
			snprintf(err, errlen, "%s", j->err);
			rc = -1;
		}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Shuffle and reduce (analyze.h): the joins over the library's shards. */

struct shuffle {
	const struct analyze_opts *o;
	size_t nshards;
	uint8_t part_of[256]; /* a key's highest byte -> its shard */
	unsigned round;
	FILE **in;            /* the round's keys, per shard */
	pthread_mutex_t mu;
};

#define JOB_MAGIC "dumptrace-job 1"

/* The library's layout: a key's shard by its highest byte, the shards' count (an unsharded library is one). */
static void
shuffle_layout(struct shuffle *sh, const struct library *lib)
{
	const struct lib_shard *sv;
	size_t ns = library_shards(lib, &sv);
	sh->nshards = ns ? ns : 1;
	memcpy(sh->part_of, library_part_of(lib), sizeof(sh->part_of));
}

static char *
work_path(const char *dir, const char *what, unsigned round, unsigned shard)
{
	return round ? xasprintf("%s/r%u.%s.%u", dir, round, what, shard) : xasprintf("%s/%s", dir, what);
}

static char *
map_path(const char *dir, unsigned split, const char *what)
{
	return xasprintf("%s/m%u.%s", dir, split, what);
}

static char *
map_in_path(const char *dir, unsigned split, unsigned shard)
{
	return xasprintf("%s/m%u.in.%u", dir, split, shard);
}

/* Removes split k's files (an earlier run's too); its keys with with_in, its seed with with_seed. */
static void
map_clean(const char *dir, unsigned k, size_t nshards, int with_in, int with_seed)
{
	static const char *const what[] = { "meta", "meta.part", "done", "rows", "near", "seed" };
	for (size_t w = 0; w < sizeof(what) / sizeof(*what) - !with_seed; w++) {
		char *p = map_path(dir, k, what[w]);
		unlink(p);
		free(p);
	}
	for (unsigned s = 0; with_in && s < nshards; s++) {
		char *p = map_in_path(dir, k, s);
		unlink(p);
		free(p);
	}
}

/*
 * The map side's sink (bsort_drain()): a run of (key, set, payload)
 * triples, unsorted, of one bucket (one value of the keys' highest byte,
 * so of one shard), to the file of their shard as [n u32, 0 u32] and the
 * triples. The reduce step sorts them.
 */
static int
shuffle_emit(void *ctx, const uint64_t *kv, size_t n)
{
	struct joiner *j = ctx;
	struct shuffle *sh = j->sh;
	if (*j->stop) {
		snprintf(j->err, sizeof(j->err), "interrupted");
		return -1;
	}
	FILE *f = sh->in[sh->part_of[kv[0] >> 56]];
	uint32_t head[2] = { (uint32_t)n, 0 };
	pthread_mutex_lock(&sh->mu);
	int bad = fwrite(head, sizeof(head), 1, f) != 1 || fwrite(kv, 3 * sizeof(*kv), n, f) != n;
	pthread_mutex_unlock(&sh->mu);
	if (bad) {
		snprintf(j->err, sizeof(j->err), "cannot write in '%s': %s", sh->o->work_dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The job: what every reduce step needs to know, written once. 0, or -1 (err). */
static int
job_write(struct joiner *j, const char *libpath, uint64_t rows, const uint64_t *map_off, unsigned nmaps, char *err,
	  size_t errlen)
{
	const struct analyze_opts *o = j->sh->o;
	char *p = work_path(o->work_dir, "job.part", 0, 0), *to = work_path(o->work_dir, "job", 0, 0);
	FILE *f = fopen(p, "we");
	int rc = f ? 0 : -1;
	char *real = realpath(libpath, NULL); /* the reduce steps may run elsewhere, in another directory */
	if (real)
		libpath = real;
	if (f) {
		fprintf(f, "%s\nlibrary ", JOB_MAGIC);
		wire_hex(f, libpath);
		fprintf(f, "\nkey_file ");
		char *kf = o->key_file ? realpath(o->key_file, NULL) : NULL; /* the steps run elsewhere */
		wire_hex(f, kf ? kf : o->key_file ? o->key_file : "");
		free(kf);
		fprintf(f, "\nrows %" PRIu64 "\nexact %" PRIu64 "\nshards %zu\nleaks %zu\n", rows, j->nexact,
			j->sh->nshards, j->nleaks);
		for (size_t i = 0; i < j->nleaks; i++)
			fprintf(f, "leak %" PRId64 " %zu %016" PRIx64 " %d\n", j->leaks[i].l.id, j->leaks[i].nsets,
				j->leaks[i].l.digest, j->leaks[i].unreadable);
		/* the map steps' keys of round 1, their rows numbered after the splits before (run_maps()) */
		fprintf(f, "maps %u\n", nmaps);
		for (unsigned k = 0; k < nmaps; k++)
			fprintf(f, "map %u %" PRIu64 "\n", k, map_off[k]);
		rc = fflush(f) || ferror(f) ? -1 : 0;
		rc |= fclose(f);
	}
	if (!rc && rename(p, to) < 0)
		rc = -1;
	if (rc)
		snprintf(err, errlen, "cannot write '%s': %s", to, strerror(errno));
	free(real);
	free(p);
	free(to);
	return rc;
}

/* A whole file into memory: its bytes (xmalloc'ed, *len), or NULL. At most max bytes. */
static uint8_t *
slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *b = xmalloc(cap);
	size_t r;
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			if (cap >= max) {
				fclose(f);
				free(b);
				return NULL;
			}
			cap *= 2;
			b = xrealloc(b, cap);
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(b);
		return NULL;
	}
	*len = n;
	return b;
}

/* Reads a file of (key, value) pairs into x. 0, or -1 (err). */
static int
pairs_into(const char *path, struct xsort *x, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0; /* none */
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	uint64_t kv[2 * 4096];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(kv, 2 * sizeof(*kv), 4096, f)) > 0)
		for (size_t i = 0; i < n && !rc; i++)
			if (xsort_add(x, kv[2 * i], kv[2 * i + 1]) < 0) {
				snprintf(err, errlen, "%s", xsort_error(x));
				rc = -1;
			}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* One shard's results of this round into the joiner, as its own joins would have left them. */
static int
shuffle_collect(struct joiner *j, unsigned shard, char *err, size_t errlen)
{
	struct shuffle *sh = j->sh;
	const char *dir = sh->o->work_dir;
	char *p = work_path(dir, "hits", sh->round, shard);
	int rc = pairs_into(p, j->hs, err, errlen);
	free(p);
	if (!rc && j->cand) {
		p = work_path(dir, "cand", sh->round, shard);
		rc = pairs_into(p, j->cand, err, errlen);
		free(p);
	}
	if (!rc && j->exact) {
		p = work_path(dir, "exact", sh->round, shard);
		FILE *f = fopen(p, "re");
		if (f) {
			uint8_t b[65536];
			uint64_t at = 0;
			size_t n;
			while ((n = fread(b, 1, sizeof(b), f)) > 0 && at < j->nexact) {
				for (size_t i = 0; i < n && at + i < j->nexact; i++)
					j->exact[at + i] |= b[i];
				at += n;
			}
			fclose(f);
		}
		free(p);
	}
	if (rc)
		return rc;
	p = work_path(dir, "count", sh->round, shard);
	size_t len = 0;
	uint8_t *b = slurp(p, 64u << 20, &len);
	free(p);
	if (!b) {
		snprintf(err, errlen, "shard %u: its counts of round %u cannot be read", shard, sh->round);
		return -1;
	}
	b = xrealloc(b, len + 1);
	b[len] = '\0';
	char *save = NULL;
	for (char *line = strtok_r((char *)b, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v1, v2, v3, v4, v5;
		if (sscanf(line, "problems %llu", &v1) == 1)
			j->rep->problems += (int)v1;
		else if (sscanf(line, "dups %llu %llu", &v1, &v2) == 2) {
			j->rep->dup_exact += v1;
			j->rep->dup_norm += v2;
		} else if (sscanf(line, "leak %llu %llu %llu %llu %llu", &v1, &v2, &v3, &v4, &v5) == 5 &&
			   v1 < j->nleaks) {
			j->leaks[v1].assocs += v2;
			j->leaks[v1].records += v3;
			j->leaks[v1].nears += v4;
			j->leaks[v1].unreadable |= v5 != 0;
		}
	}
	free(b);
	return 0;
}

/* Removes round r's files, those of an earlier run in the same directory too. */
static void
round_clean(const struct shuffle *sh, unsigned round)
{
	static const char *const what[] = { "in", "hits", "cand", "exact", "count", "done", "hits.part",
					    "cand.part", "exact.part", "count.part" };
	for (unsigned i = 0; i < sh->nshards; i++)
		for (size_t w = 0; w < sizeof(what) / sizeof(*what); w++) {
			char *p = work_path(sh->o->work_dir, what[w], round, i);
			unlink(p);
			free(p);
		}
}

/*
 * join_all() over reduce steps: the keys of bs, sorted, to the files of
 * their shards; the steps run (o->reduce, again for those that left no
 * result, up to o->retries times); their results read back.
 */
static int
shuffle_join(struct bsort *bs, struct joiner *j, unsigned threads, char *err, size_t errlen)
{
	struct shuffle *sh = j->sh;
	const struct analyze_opts *o = sh->o;
	int rc = 0;

	sh->round++;
	round_clean(sh, sh->round);
	sh->in = xcalloc(sh->nshards, sizeof(*sh->in));
	for (unsigned i = 0; i < sh->nshards && !rc; i++) {
		char *p = work_path(o->work_dir, "in", sh->round, i);
		if (!(sh->in[i] = fopen(p, "we"))) {
			snprintf(err, errlen, "cannot create '%s': %s", p, strerror(errno));
			rc = -1;
		}
		free(p);
	}
	(void)threads; /* the steps sort, with theirs */
	if (!rc) {
		rc = bsort_drain(bs, shuffle_emit, j, err, errlen);
		if (rc < 0 && !err[0])
			snprintf(err, errlen, "%s", j->err);
	}
	for (unsigned i = 0; i < sh->nshards; i++)
		if (sh->in[i] && fclose(sh->in[i]) != 0 && !rc) {
			snprintf(err, errlen, "cannot write in '%s': %s", o->work_dir, strerror(errno));
			rc = -1;
		}
	free(sh->in);
	sh->in = NULL;
	unsigned *missing = xcalloc(sh->nshards, sizeof(*missing));
	for (unsigned tries = 0; !rc; tries++) {
		size_t n = 0;
		for (unsigned i = 0; i < sh->nshards; i++) {
			char *p = work_path(o->work_dir, "done", sh->round, i);
			if (access(p, F_OK) != 0)
				missing[n++] = i;
			free(p);
		}
		if (!n)
			break;
		if (tries > o->retries) {
			snprintf(err, errlen, "the reduce step of shard %u (round %u) failed %u time%s", missing[0],
				 sh->round, tries, tries == 1 ? "" : "s");
			rc = -1;
			break;
		}
		if (*j->stop) {
			snprintf(err, errlen, "interrupted");
			rc = -1;
			break;
		}
		char e[512] = "";
		if (o->reduce(o->reduce_ctx, o->work_dir, sh->round, missing, n, e, sizeof(e)) < 0 && e[0])
			walk_say(o->in, "warning: round %u of the reduce steps: %s", sh->round, e);
	}
	free(missing);
	for (unsigned i = 0; i < sh->nshards && !rc; i++)
		rc = shuffle_collect(j, i, err, errlen);
	round_clean(sh, sh->round);
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


/* The columns of every schema, by name, for the wide CSV of --records. */
struct colnames {
	const char **name;
	size_t n, alloc;
	size_t **map; /* [schema][column] -> index in name */
};

/* A cell's value in the row's values buffer (--show-values). */
struct rval {
	size_t off, len;
};

/*
 * Pass two: each row beside its hits, in row order. What is per row lives
 * here and is reused from row to row: its facts with their leaks (bit
 * sets, words words each, all in one allocation), its non-empty cells.
 */
struct pass2 {
	struct an *a;
	struct aleak *leaks;
	size_t nleaks, words;
	struct report *rep;
	struct colnames cn;
	struct dynbuf line;
	struct dynbuf values; /* the row's cell values, --show-values */
	int prev; /* the previous row's dominant source */
	struct xsort *hs;
	uint64_t hk, hv; /* the next hit, when hrc > 0 */
	int hrc;
	struct rowin ri;
	/* the row */
	uint32_t sid;
	uint8_t nf;
	int32_t rdate; /* the row's newest record date, yyyymmdd, 0: none */
	uint16_t ncells;
	struct arow_fact f[FACTS_MAX];
	uint64_t *bits, *vbits, *record, *all, *rowleaks, *cellbits;
	uint16_t *cells;
	struct rval *vals;
	/* the row's near hits, and per fact the leaks holding a variation of it, its similarity */
	struct nearhit *nh;
	size_t nnh, nh_alloc;
	uint64_t *nbits;
	uint8_t nsim[FACTS_MAX];
	int varied; /* a fact of the row is known only as a variation */
	/* quasi-identifier linkage (core/link.h): the row's frequencies, hits, and its link */
	const struct link_freq *lf;
	double threshold;
	uint8_t qi; /* no identifier, but blocks to link through */
	uint8_t qn[FACTS_MAX];		   /* its facts' signatures under a person tag */
	uint32_t qsig[FACTS_MAX][NEAR_WORDS];
	struct qihit *qh;
	size_t nqh, qh_alloc;
	int linked;	   /* the row's link: its leak, weight and person tag */
	double link_w;
	uint32_t link_tag;
};

/* A hit of a candidate person c (the row's c-th) in a leak: its tag (fact 63), or a fact's word compared. */
struct qihit {
	uint32_t leak, tag;
	uint8_t cand, fact, word, sim;
};

static int
qihit_cmp(const void *x, const void *y)
{
	const struct qihit *a = x, *b = y;
	if (a->leak != b->leak)
		return a->leak < b->leak ? -1 : 1;
	if (a->cand != b->cand)
		return a->cand < b->cand ? -1 : 1;
	if (a->fact != b->fact)
		return a->fact < b->fact ? -1 : 1;
	return a->word < b->word ? -1 : a->word > b->word;
}

struct nearhit {
	uint8_t fact, anchor, sim;
	uint32_t leak;
};

static int
nearhit_cmp(const void *x, const void *y)
{
	const struct nearhit *a = x, *b = y;
	if (a->fact != b->fact)
		return a->fact < b->fact ? -1 : 1;
	if (a->anchor != b->anchor)
		return a->anchor < b->anchor ? -1 : 1;
	return (a->leak > b->leak) - (a->leak < b->leak);
}

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
	dynbuf_csv_cell(b, tmp.buf ? tmp.buf : "", tmp.len);
	dynbuf_release(&tmp);
}

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
				if (!strcmp(cn->name[k], schema_name(s, c)))
					break;
			if (k == cn->n) {
				cn->name = xgrow(cn->name, &cn->alloc, cn->n + 1, sizeof(*cn->name));
				cn->name[cn->n++] = schema_name(s, c);
			}
			cn->map[i][c] = k;
		}
	}
}

static void
colnames_release(struct colnames *cn, size_t nschemas)
{
	for (size_t s = 0; s < nschemas; s++)
		free(cn->map[s]);
	free(cn->map);
	free(cn->name);
}

/* The row's summary from the rows file: schema, facts, non-empty cells (and values). */
static int
p2_read_row(struct pass2 *p2)
{
	struct rowin *ri = &p2->ri;
	uint8_t fb[4];
	size_t w = p2->words;
	if (rowin_get(ri, &p2->sid, 4) < 0 || rowin_get(ri, &p2->nf, 1) < 0 || p2->sid >= p2->a->ss.n)
		return -1;
	memset(p2->bits, 0, 2 * FACTS_MAX * w * sizeof(*p2->bits));
	memset(p2->record, 0, w * sizeof(*p2->record));
	for (size_t i = 0; i < p2->nf; i++) {
		if (rowin_get(ri, fb, 4) < 0)
			return -1;
		p2->f[i].type = fb[0];
		p2->f[i].flags = fb[1];
		memcpy(&p2->f[i].col, fb + 2, 2);
		p2->f[i].src = p2->bits + i * w;
	}
	if (rowin_get(ri, &p2->qi, 1) < 0)
		return -1;
	for (size_t i = 0; p2->qi && i < p2->nf; i++)
		if (rowin_get(ri, &p2->qn[i], 1) < 0 || rowin_get(ri, p2->qsig[i], sizeof(p2->qsig[i])) < 0)
			return -1;
	if (rowin_get(ri, &p2->rdate, 4) < 0 || rowin_get(ri, &p2->ncells, 2) < 0)
		return -1;
	dynbuf_reset(&p2->values);
	for (size_t k = 0; k < p2->ncells; k++) {
		if (rowin_get(ri, &p2->cells[k], 2) < 0)
			return -1;
		if (p2->a->o->show_values) {
			uint32_t n32;
			char *dst;
			if (rowin_get(ri, &n32, 4) < 0 || !(dst = dynbuf_reserve(&p2->values, n32)) ||
			    rowin_get(ri, dst, n32) < 0)
				return -1;
			p2->vals[k].off = p2->values.len;
			p2->vals[k].len = n32;
			p2->values.len += n32;
		}
	}
	return 0;
}

/*
 * This row's hits onto its facts' bit sets. A name or an address is this
 * person's in a leak only with one of the row's identifiers (an
 * association): the same value there may be anyone's. A row without any
 * identifier has nothing but its values. 0, or -1 (err).
 */
static void p2_near(struct pass2 *p2);
static void p2_link(struct pass2 *p2);

static int
p2_hits(struct pass2 *p2, uint64_t row, char *err, size_t errlen)
{
	struct arow_fact *f = p2->f;
	size_t nf = p2->nf, w = p2->words;
	while (p2->hrc > 0 && p2->hk >> SLOT_BITS == row) {
		uint64_t hk = p2->hk, hv = p2->hv;
		unsigned kind = (unsigned)(hk >> 12) & 3, fa = (unsigned)(hk >> 6) & 63, fbi = (unsigned)hk & 63;
		uint64_t bit = 1ull << (hv % 64);
		size_t word = (size_t)(hv / 64);
		if (kind == FACT_RECORD)
			p2->record[word] |= bit;
		else if (kind == FACT_VALUE && fa < nf && types_is_identifier(f[fa].type))
			f[fa].src[word] |= bit;
		else if (kind == FACT_VALUE && fa < nf)
			p2->vbits[fa * w + word] |= bit;
		else if (kind == FACT_ASSOC && fa < nf && fbi < nf) {
			f[fbi].src[word] |= bit;
			if (types_is_identifier(f[fbi].type))
				f[fa].src[word] |= bit;
			if (!types_is_identifier(f[fa].type)) {
				/* under name and birth date (facts_keys()): the name is the person's, the date too */
				f[fa].src[word] |= bit;
				for (size_t k = 0; k < nf; k++)
					if (f[k].type == DT_BIRTH_DATE) {
						f[k].src[word] |= bit;
						break;
					}
			}
		} else if (kind == FACT_NEAR && (hv & QI_HIT)) {
			/* a candidate person's tag, or how one of its attributes compares (near_join()) */
			int tag = (hv & QI_TAG) != 0;
			uint64_t leak = tag ? hv & 0xFFFFFF : hv & 0xFFFFFFFFFFFFull;
			unsigned slot = (unsigned)hk & 0xFFF;
			if (p2->qi && leak < p2->nleaks && ((slot & 63) < nf || tag)) {
				if (p2->nqh == p2->qh_alloc)
					p2->qh = xgrow(p2->qh, &p2->qh_alloc, p2->nqh + 1, sizeof(*p2->qh));
				p2->qh[p2->nqh++] = (struct qihit){ (uint32_t)leak, tag ? (uint32_t)(hv >> 24) : 0,
								    (uint8_t)(slot >> 8), tag ? 63 : (uint8_t)(slot & 63),
								    (uint8_t)(slot >> 6 & 3),
								    tag ? 0 : (uint8_t)(hv >> 48) };
			}
		} else if (kind == FACT_NEAR && fa < nf && fbi < nf && (hv & 0xFFFFFFFFFFFFull) < p2->nleaks) {
			if (p2->nnh == p2->nh_alloc)
				p2->nh = xgrow(p2->nh, &p2->nh_alloc, p2->nnh + 1, sizeof(*p2->nh));
			p2->nh[p2->nnh++] = (struct nearhit){ (uint8_t)fbi, (uint8_t)fa, (uint8_t)(hv >> 48),
							      (uint32_t)(hv & 0xFFFFFFFFFFFFull) };
		}
		p2->hrc = xsort_next(p2->hs, &p2->hk, &p2->hv);
	}
	if (p2->hrc < 0) {
		snprintf(err, errlen, "%s", xsort_error(p2->hs));
		return -1;
	}
	p2_near(p2);
	int ids = 0;
	for (size_t i = 0; i < nf; i++)
		ids += types_is_identifier(f[i].type);
	p2->linked = -1;
	if (!ids && p2->qi)
		p2_link(p2);
	p2->nqh = 0;
	/*
	 * No identifier: what quasi-identifiers linked; a row they could link
	 * but did not is no known person's; one they cannot has its values
	 * found alone (weak: anyone's)
	 */
	if (!ids && p2->linked < 0)
		for (size_t i = 0; i < nf; i++) {
			if (p2->qi)
				memset(f[i].src, 0, w * sizeof(*f[i].src));
			else
				memcpy(f[i].src, p2->vbits + i * w, w * sizeof(*p2->vbits));
		}
	return 0;
}

/* The chance u of word k of fact i's value (its signature's frequency in the dump). */
static double
qi_u(const struct pass2 *p2, size_t i, unsigned k)
{
	unsigned t = link_type(p2->f[i].type);
	uint32_t sig = p2->qsig[i][k];
	if (t == DT_FULL_NAME && sig >> 30 != NEAR_PLAIN)
		return link_u(p2->lf, t, 0); /* an initial: the floor */
	return link_u(p2->lf, t, sig);
}

/*
 * A candidate's hits qh[b..e) (a leak, a person): its weight, and when
 * apply, the row's facts it agrees on into that leak's bits (a variation
 * into the near bits, as p2_near() does) and its tag into p2->link_tag.
 */
static double
qi_cand_weight(struct pass2 *p2, size_t b, size_t e, int apply)
{
	struct arow_fact *f = p2->f;
	size_t w = p2->words;
	uint32_t leak = p2->qh[b].leak;
	uint64_t bit = 1ull << (leak % 64);
	size_t word = leak / 64;
	double W = 0;

	for (size_t i = b; i < e;) {
		unsigned fi = p2->qh[i].fact;
		int sim[NEAR_WORDS] = { -1, -1, -1 };
		size_t x = i;
		for (; x < e && p2->qh[x].fact == fi; x++) {
			const struct qihit *h = &p2->qh[x];
			if (fi == 63) {
				if (apply)
					p2->link_tag = h->tag;
				continue;
			}
			if (h->word >= NEAR_WORDS)
				continue;
			int hs = h->sim;
			/* the same word asked through two blocks: its best */
			int *cur = &sim[h->word];
			if (*cur < 0 || (*cur == (int)QI_DISAGREE && hs != (int)QI_DISAGREE) ||
			    (hs != (int)QI_DISAGREE && hs > *cur))
				*cur = hs;
		}
		i = x;
		if (fi == 63 || fi >= p2->nf)
			continue;
		unsigned t = link_type(f[fi].type);
		int isname = t == DT_FULL_NAME, dis = 0, lo = 100, best = -1;
		for (unsigned k = 0; k < NEAR_WORDS; k++) {
			if (sim[k] < 0)
				continue;
			if (isname)
				W += link_weight(t, sim[k], qi_u(p2, fi, k));
			if (sim[k] == (int)QI_DISAGREE)
				dis++;
			else {
				best = sim[k] > best ? sim[k] : best;
				lo = sim[k] < lo ? sim[k] : lo;
			}
		}
		/* another attribute: its best signature (an address or a date has one) */
		if (!isname)
			W += link_weight(t, best >= 0 ? best : dis ? (int)QI_DISAGREE : -1, qi_u(p2, fi, 0));
		if (!apply || (isname ? dis > 0 || best < 0 : best < 0))
			continue;
		/*
		 * An equal signature is no equal value (a word's keeps 4 bits of
		 * six of its letters, as the key chooses: "Журавлёв" and
		 * "Жруавлёв" share one under one key in about sixteen): only the
		 * fingerprint says a value is there as it is, and the exact pass
		 * has set that already. Here it is a variation, however near.
		 */
		int s2 = isname ? lo : best;
		if (!(f[fi].src[word] & bit)) {
			p2->nbits[fi * w + word] |= bit;
			if (s2 > p2->nsim[fi])
				p2->nsim[fi] = (uint8_t)s2;
		}
	}
	return W;
}

/*
 * A row without an identifier, linked (core/link.h): per leak, the best
 * of its blocks' weights; each leak whose best reaches the threshold
 * holds what that block agrees on. p2->linked: the leak of the highest
 * weight, or -1.
 */
static void
p2_link(struct pass2 *p2)
{
	struct arow_fact *f = p2->f;
	size_t nf = p2->nf, w = p2->words;

	if (!p2->nqh)
		return;
	qsort(p2->qh, p2->nqh, sizeof(*p2->qh), qihit_cmp);
	double top = -1e9;
	for (size_t i = 0; i < p2->nqh;) {
		/* one leak: its candidates, the best kept */
		uint32_t leak = p2->qh[i].leak;
		size_t bb = i, be = i;
		double bw = -1e9;
		while (i < p2->nqh && p2->qh[i].leak == leak) {
			size_t e = i;
			while (e < p2->nqh && p2->qh[e].leak == leak && p2->qh[e].cand == p2->qh[i].cand)
				e++;
			double W = qi_cand_weight(p2, i, e, 0);
			if (W > bw) {
				bw = W;
				bb = i;
				be = e;
			}
			i = e;
		}
		if (bw < p2->threshold)
			continue;
		uint32_t tag = p2->link_tag;
		qi_cand_weight(p2, bb, be, 1);
		if (bw > top) {
			top = bw;
			p2->linked = (int)leak;
			p2->link_w = bw;
		} else
			p2->link_tag = tag; /* the tag of the best link */
	}
	/* a fact known only as a variation: as p2_near() leaves it */
	for (size_t k = 0; k < nf; k++) {
		int any = 0, near = 0;
		for (size_t x = 0; x < w; x++) {
			any |= f[k].src[x] != 0;
			near |= p2->nbits[k * w + x] != 0;
		}
		if (!any && near) {
			memcpy(f[k].src, p2->nbits + k * w, w * sizeof(*f[k].src));
			p2->varied = 1;
		} else if (any)
			p2->nsim[k] = 0;
		memset(p2->nbits + k * w, 0, w * sizeof(*p2->nbits));
	}
}

/*
 * The row's near hits onto its facts. Under an anchor, a fact is a
 * variation of what a leak holds for that person when each of its words
 * (signatures) found one there, one word at least exactly when it has
 * several, or, under a valid IIN (one person's, where a phone or an
 * e-mail may be a family's), each of them a typo away (NEAR_TYPO: not a
 * word cut short or an initial beside a different name); under the
 * person's name and birth date, an identifier with a near signature is a
 * re-typed one, and that name and birth date are this person's in that
 * leak. A fact found exactly anywhere is exact: its near leaks are not
 * added. Sets p2->nsim (the similarity of the facts that are variations)
 * and p2->varied.
 */
static void
p2_near(struct pass2 *p2)
{
	struct arow_fact *f = p2->f;
	size_t nf = p2->nf, w = p2->words;
	memset(p2->nsim, 0, sizeof(p2->nsim));
	p2->varied = 0;
	if (!p2->nnh)
		return;
	qsort(p2->nh, p2->nnh, sizeof(*p2->nh), nearhit_cmp);
	uint8_t touched[FACTS_MAX] = { 0 };
	for (size_t i = 0; i < p2->nnh;) {
		size_t e = i;
		unsigned exact = 0, sum = 0, lo = 100;
		while (e < p2->nnh && p2->nh[e].fact == p2->nh[i].fact && p2->nh[e].anchor == p2->nh[i].anchor &&
		       p2->nh[e].leak == p2->nh[i].leak) {
			exact += p2->nh[e].sim >= NEAR_STRONG;
			sum += p2->nh[e].sim;
			if (p2->nh[e].sim < lo)
				lo = p2->nh[e].sim;
			e++;
		}
		const struct nearhit *h = &p2->nh[i];
		size_t m = e - i, fi = h->fact, ai = h->anchor;
		i = e;
		uint64_t bit = 1ull << (h->leak % 64);
		size_t word = h->leak / 64;
		if (fi >= nf || ai >= nf)
			continue;
		unsigned nsig = FACT_NSIG(f[fi].flags) ? FACT_NSIG(f[fi].flags) : 1;
		if (types_is_identifier(f[ai].type)) {
			/* a typo in every word only under the IIN: a phone or an e-mail a family shares */
			int typos = lo >= NEAR_TYPO && f[ai].type == DT_NATIONAL_ID && !(f[ai].flags & FACT_UNSURE);
			if (m < nsig || (nsig > 1 && !exact && !typos))
				continue;
		} else {
			/* under name and birth date: those two are the person's in that leak */
			f[ai].src[word] |= bit;
			for (size_t k = 0; k < nf; k++)
				if (f[k].type == DT_BIRTH_DATE) {
					f[k].src[word] |= bit;
					break;
				}
		}
		p2->nbits[fi * w + word] |= bit;
		unsigned sim = sum / (unsigned)m;
		if (sum == 100 * m && near_kind_of(f[fi].type) == NEAR_WORD)
			sim = 95; /* every word is there, the name is not: a word more or less */
		if (sim > p2->nsim[fi])
			p2->nsim[fi] = (uint8_t)sim;
		touched[fi] = 1;
	}
	for (size_t k = 0; k < nf; k++) {
		if (!touched[k])
			continue;
		int any = 0;
		for (size_t x = 0; x < w; x++)
			any |= f[k].src[x] != 0;
		if (!any) {
			memcpy(f[k].src, p2->nbits + k * w, w * sizeof(*f[k].src));
			p2->varied = 1;
		} else
			p2->nsim[k] = 0; /* found as it is */
		memset(p2->nbits + k * w, 0, w * sizeof(*p2->nbits));
	}
	p2->nnh = 0;
}

/* The row classified and counted: classes, segments, strip, leaks, columns, combinations. */
static enum row_class
p2_count(struct pass2 *p2, uint64_t row)
{
	struct report *rep = p2->rep;
	struct arow_fact *f = p2->f;
	size_t w = p2->words, nf = p2->nf;
	struct arow r = { row, nf, f, p2->record, w, p2->linked >= 0, p2->qi };
	int dom;
	enum row_class rc = analysis_classify(&r, p2->all, &dom, p2->prev);
	rep->status[rc]++;
	if (p2->varied && (rc == RC_COPIED || rc == RC_MERGED))
		rep->varied++;
	rep->linkable += p2->qi;
	if (p2->linked >= 0) {
		if (!rep->linked || p2->link_w < rep->link_min)
			rep->link_min = p2->link_w;
		rep->linked++;
		p2->leaks[p2->linked].linked++;
	}
	if (rc == RC_NEW || rc == RC_UNATTRIBUTED) {
		if (p2->rdate > rep->date_new)
			rep->date_new = p2->rdate;
	} else if (p2->rdate > rep->date_known)
		rep->date_known = p2->rdate;
	segments_add(&rep->seg, row, dom, rc != RC_UNATTRIBUTED);
	size_t bin = (size_t)((row - 1) * rep->bins / p2->a->rows);
	size_t src = dom >= 0 ? (size_t)dom : rc == RC_UNATTRIBUTED ? p2->nleaks + 1 : p2->nleaks;
	rep->strip[bin * (p2->nleaks + 2) + src]++;
	if (dom >= 0) {
		p2->leaks[dom].dominant++;
		p2->prev = dom;
	}

	/* per leak and column: what was found */
	uint64_t *rowleaks = p2->rowleaks;
	memset(rowleaks, 0, w * sizeof(*rowleaks));
	const struct schema *s = p2->a->ss.v[p2->sid];
	for (size_t i = 0; i < nf; i++) {
		for (size_t k = 0; k < w; k++)
			rowleaks[k] |= f[i].src[k];
		struct acol *ac = f[i].col < s->ncols ? &rep->cols[p2->sid][f[i].col] : NULL;
		if (!ac)
			continue;
		ac->values++;
		if (p2->nsim[i]) {
			ac->found_near++;
			rep->near_facts++;
			rep->retyped += types_is_identifier(f[i].type);
		}
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
	for (size_t k = 0; k < p2->nleaks; k++)
		p2->leaks[k].rows += rowleaks[k / 64] >> (k % 64) & 1;
	if (rc != RC_UNATTRIBUTED)
		combo_add(rep, rowleaks, w);
	return rc;
}

/* Column c of the row: filled or empty, and the leaks of its fact(s) into cellbits. */
static int
p2_cell(struct pass2 *p2, const struct schema *s, size_t c)
{
	int filled = 0;
	for (size_t k = 0; k < p2->ncells; k++)
		filled |= p2->cells[k] == c;
	memset(p2->cellbits, 0, p2->words * sizeof(*p2->cellbits));
	int part = s->types[c] == DT_FIRST_NAME || s->types[c] == DT_LAST_NAME || s->types[c] == DT_PATRONYMIC;
	for (size_t i = 0; i < p2->nf; i++)
		if (p2->f[i].col == c || (part && (p2->f[i].flags & FACT_COMPOSED)))
			for (size_t k = 0; k < p2->words; k++)
				p2->cellbits[k] |= p2->f[i].src[k];
	return filled;
}

/* The row's JSON Lines record: class, leaks, each column's leaks (and, asked for, values). */
static void
p2_record_json(struct pass2 *p2, uint64_t row, enum row_class rc)
{
	const struct schema *s = p2->a->ss.v[p2->sid];
	struct jsonw jw;
	jsonw_init(&jw, &p2->line);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "row");
	jsonw_u64(&jw, row);
	jsonw_key(&jw, "status");
	jsonw_str(&jw, analysis_class_name(rc));
	jsonw_key(&jw, "varied");
	jsonw_bool(&jw, p2->varied);
	jsonw_key(&jw, "leaks");
	leak_list_json(&jw, p2, p2->rowleaks);
	if (p2->linked >= 0) {
		/* no identifier: linked through quasi-identifiers, the evidence (core/link.h) */
		char tag[16];
		snprintf(tag, sizeof(tag), "%08" PRIx32, p2->link_tag);
		jsonw_key(&jw, "link");
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "leak");
		jsonw_str(&jw, p2->leaks[p2->linked].l.name);
		jsonw_key(&jw, "weight");
		jsonw_dbl(&jw, floor(p2->link_w * 10 + 0.5) / 10);
		jsonw_key(&jw, "person");
		jsonw_str(&jw, tag);
		jsonw_obj_close(&jw);
	}
	if (p2->varied) {
		/* the columns known only as a variation, with their similarity */
		jsonw_key(&jw, "near");
		jsonw_obj_open(&jw);
		for (size_t i = 0; i < p2->nf; i++)
			if (p2->nsim[i] && p2->f[i].col < s->ncols) {
				jsonw_key(&jw, schema_name(s, p2->f[i].col));
				jsonw_dbl(&jw, p2->nsim[i] / 100.0);
			}
		jsonw_obj_close(&jw);
	}
	jsonw_key(&jw, "fields");
	jsonw_obj_open(&jw);
	/* each column: null when empty, else the leaks of its fact(s) */
	for (size_t c = 0; c < s->ncols; c++) {
		int filled = p2_cell(p2, s, c);
		jsonw_key(&jw, schema_name(s, c));
		if (!filled)
			jsonw_null(&jw);
		else
			leak_list_json(&jw, p2, p2->cellbits);
	}
	jsonw_obj_close(&jw);
	if (p2->a->o->show_values) {
		/* asked for: the personal data itself */
		jsonw_key(&jw, "values");
		jsonw_obj_open(&jw);
		for (size_t k = 0; k < p2->ncells; k++)
			if (p2->cells[k] < s->ncols) {
				jsonw_keyn(&jw, s->names[p2->cells[k]], s->name_len[p2->cells[k]]);
				jsonw_strn(&jw, p2->values.buf + p2->vals[k].off, p2->vals[k].len);
			}
		jsonw_obj_close(&jw);
	}
	jsonw_obj_close(&jw);
}

/* The row's CSV record: wide, every column of every table in the order first seen. */
static void
p2_record_csv(struct pass2 *p2, uint64_t row, enum row_class rc)
{
	const struct schema *s = p2->a->ss.v[p2->sid];
	struct dynbuf *b = &p2->line;
	dynbuf_printf(b, "%llu,%s,", (unsigned long long)row, analysis_class_name(rc));
	leak_list_csv(b, p2, p2->rowleaks);
	dynbuf_add(b, p2->varied ? ",1" : ",", p2->varied ? 2 : 1);
	for (size_t g = 0; g < p2->cn.n; g++) {
		dynbuf_addc(b, ',');
		size_t c;
		for (c = 0; c < s->ncols; c++)
			if (p2->cn.map[p2->sid][c] == g)
				break;
		if (c < s->ncols && p2_cell(p2, s, c))
			leak_list_csv(b, p2, p2->cellbits);
	}
}

/* The CSV records' header: row, status, leaks, then every column's name. */
static int
p2_csv_header(struct pass2 *p2)
{
	struct dynbuf *b = &p2->line;
	dynbuf_reset(b);
	dynbuf_add(b, "row,status,leaks,varied", 23);
	for (size_t g = 0; g < p2->cn.n; g++) {
		dynbuf_addc(b, ',');
		dynbuf_csv_cell(b, p2->cn.name[g], strlen(p2->cn.name[g]));
	}
	dynbuf_addc(b, '\n');
	const struct analyze_opts *o = p2->a->o;
	return o->records(o->records_ctx, b->buf, b->len);
}

static void
pass2_init(struct pass2 *p2, struct an *a, struct aleak *leaks, size_t nleaks, struct report *rep,
	   struct xsort *hs)
{
	memset(p2, 0, sizeof(*p2));
	p2->a = a;
	p2->leaks = leaks;
	p2->nleaks = nleaks;
	p2->words = (nleaks + 63) / 64 ? (nleaks + 63) / 64 : 1;
	p2->rep = rep;
	p2->prev = -1;
	p2->hs = hs;
	dynbuf_init(&p2->line, 1u << 26);
	dynbuf_init(&p2->values, (size_t)1 << 30);
	colnames_build(&p2->cn, &a->ss);
	p2->ri = (struct rowin){ a->rows_fd, xmalloc(1u << 20), 0, 0, 0 };
	/* every per-row bit set in one allocation, reused row after row */
	size_t w = p2->words;
	p2->bits = xcalloc((2 * FACTS_MAX + 4) * w, sizeof(*p2->bits));
	p2->vbits = p2->bits + FACTS_MAX * w; /* value hits of facts that are no identifier */
	p2->record = p2->vbits + FACTS_MAX * w;
	p2->all = p2->record + w;
	p2->rowleaks = p2->all + w;
	p2->cellbits = p2->rowleaks + w;
	p2->cells = xmalloc(65536 * sizeof(*p2->cells));
	p2->vals = xmalloc(65536 * sizeof(*p2->vals));
	p2->nbits = xcalloc(FACTS_MAX * w, sizeof(*p2->nbits));
	p2->lf = &a->lf;
	p2->threshold = a->o->link_threshold;
	p2->linked = -1;
}

static void
pass2_release(struct pass2 *p2)
{
	colnames_release(&p2->cn, p2->a->ss.n);
	dynbuf_release(&p2->line);
	dynbuf_release(&p2->values);
	free(p2->ri.buf);
	free(p2->bits);
	free(p2->nbits);
	free(p2->nh);
	free(p2->qh);
	free(p2->cells);
	free(p2->vals);
}

/* Pass two: each row beside its hits, in row order: classified, counted, its record written. */
static int
pass2_run(struct pass2 *p2, char *err, size_t errlen)
{
	const struct analyze_opts *o = p2->a->o;
	p2->hrc = xsort_next(p2->hs, &p2->hk, &p2->hv);
	if (o->records && o->records_csv && p2_csv_header(p2) < 0)
		goto fail_write;
	for (uint64_t row = 1; row <= p2->a->rows; row++) {
		if (*p2->a->stop) {
			snprintf(err, errlen, "interrupted");
			return -1;
		}
		if (p2_read_row(p2) < 0) {
			snprintf(err, errlen, "cannot read a spill file back");
			return -1;
		}
		if (p2_hits(p2, row, err, errlen) < 0)
			return -1;
		enum row_class rc = p2_count(p2, row);
		if (!o->records)
			continue;
		dynbuf_reset(&p2->line);
		if (o->records_csv)
			p2_record_csv(p2, row, rc);
		else
			p2_record_json(p2, row, rc);
		dynbuf_addc(&p2->line, '\n');
		if (o->records(o->records_ctx, p2->line.buf, p2->line.len) < 0)
			goto fail_write;
	}
	return 0;
fail_write:
	snprintf(err, errlen, "cannot write the records: %s", strerror(errno));
	return -1;
}

/* The best known column for a dump column: the leak, its column, the estimated containment. */
static void
lineage_find(struct kmv *col, enum dt_type t, const struct lib_profile *lp, size_t nleaks,
	     struct findings_column *out)
{
	const char *best = NULL;
	out->lineage_leak = -1;
	out->lineage_containment = 0;
	for (size_t k = 0; k < nleaks; k++)
		for (size_t c = 0; c < lp[k].ncolumns; c++) {
			const struct lib_column *lc = &lp[k].columns[c];
			struct kmv other;
			char e[128];
			if (lc->type != t || !lc->sketch || kmv_load(&other, lc->sketch, lc->sketch_len, e, sizeof(e)) < 0)
				continue;
			double x = kmv_containment(col, &other);
			kmv_release(&other);
			if (x > out->lineage_containment) {
				out->lineage_containment = x;
				out->lineage_leak = (int)k;
				best = lc->name;
			}
		}
	out->lineage_column = best ? xstrdup(best) : NULL;
}

static double
frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

static int
leak_order(const void *x, const void *y, void *ctx)
{
	const struct findings_leak *L = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	if (L[a].rows != L[b].rows)
		return L[a].rows > L[b].rows ? -1 : 1;
	return strcmp(L[a].name, L[b].name);
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The known leaks as the findings show them, most rows first in F->order. */
static void
fill_leaks(struct findings *F, const struct aleak *leaks, size_t nleaks)
{
	F->nleaks = nleaks;
	F->words = (nleaks + 63) / 64 ? (nleaks + 63) / 64 : 1;
	F->leaks = xcalloc(nleaks ? nleaks : 1, sizeof(*F->leaks));
	F->order = xcalloc(nleaks ? nleaks : 1, sizeof(*F->order));
	for (size_t i = 0; i < nleaks; i++) {
		const struct aleak *A = &leaks[i];
		struct findings_leak *L = &F->leaks[i];
		L->name = xstrdup(A->l.name);
		L->title = dup_or_null(A->l.title);
		L->domain = dup_or_null(A->l.domain);
		L->breach_date = dup_or_null(A->l.breach_date);
		L->added_date = dup_or_null(A->l.added_date);
		L->known_records = A->l.records;
		L->rows = A->rows;
		L->dominant = A->dominant;
		memcpy(L->ids, A->ids, sizeof(L->ids));
		L->assocs = A->assocs;
		L->nears = A->nears;
		L->linked = A->linked;
		L->records = A->records;
		L->unreadable = A->unreadable;
		F->order[i] = i;
	}
	qsort_r(F->order, nleaks, sizeof(*F->order), leak_order, F->leaks);
}

/* The dump's columns: their matches (taken from rep), lineage and profile figures. */
static void
fill_columns(struct findings *F, const struct schemas *ss, struct report *rep, struct profile *prof,
	     const struct lib_profile *lp)
{
	size_t n = 0;
	for (size_t s = 0; s < ss->n; s++)
		n += ss->v[s]->ncols;
	F->cols = xcalloc(n ? n : 1, sizeof(*F->cols));
	for (size_t s = 0; s < ss->n; s++) {
		const struct schema *sc = ss->v[s];
		for (size_t c = 0; c < sc->ncols; c++) {
			struct findings_column *fc = &F->cols[F->ncols++];
			struct acol *ac = &rep->cols[s][c];
			struct profile_col *pc = profile_col(prof, (int)s, c);
			fc->name = xstrndup(schema_name(sc, c), schema_name_len(sc, c));
			fc->name_len = schema_name_len(sc, c);
			fc->table = dup_or_null(sc->table);
			fc->type = sc->types[c];
			fc->values = ac->values;
			fc->found_any = ac->found_any;
			fc->found_near = ac->found_near;
			fc->found = ac->found;
			ac->found = NULL;
			fc->lineage_leak = -1;
			if (!pc)
				continue;
			lineage_find(&pc->sketch, sc->types[c], lp, F->nleaks, fc);
			fc->profiled = 1;
			fc->valid = pc->values;
			fc->invalid = pc->invalid;
			fc->dates = pc->dates;
			fc->date_min = pc->min;
			fc->date_max = pc->max;
			if (pc->dates && pc->months) {
				fc->months = xmalloc(PROFILE_YEARS * 12 * sizeof(*fc->months));
				memcpy(fc->months, pc->months, PROFILE_YEARS * 12 * sizeof(*fc->months));
			}
			F->values += pc->values + pc->invalid;
			F->invalid += pc->invalid;
			if (sc->types[c] == DT_NATIONAL_ID) {
				F->ids12 += pc->values;
				F->checksum += pc->checksum;
			}
			F->dates += pc->dates;
			F->future += pc->future;
			F->ancient += pc->ancient;
			if (sc->types[c] == DT_BIRTH_DATE) {
				if (pc->max > F->youngest_birth && (!prof->today || pc->max <= prof->today))
					F->youngest_birth = pc->max;
			}
		}
	}
}

/* yyyymmdd of a library's breach date: "2022-06-01", "2022-06" or "2022" */
static int
breach_ymd(const char *s)
{
	int y = 0, m = 0, d = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) < 1 || y < 1900 || y > 2100)
		return 0;
	if (m < 1 || m > 12)
		m = 12, d = 31; /* a year alone: current at its end at the latest */
	if (d < 1 || d > 31)
		d = 28;
	return y * 10000 + m * 100 + d;
}

/*
 * "Current as of": the record dates of known and new rows apart, the
 * newest breach among the leaks that rows come from (1% of the rows at
 * least), and the latest of them. Birth dates are not among them (fill_columns keeps the youngest
 * apart): a register of adults is current no earlier than the youngest
 * one's eighteenth birthday, which the reports derive from it.
 */
static void
fill_freshness(struct findings *F, const struct report *rep)
{
	F->latest_known = rep->date_known;
	F->latest_new = rep->date_new;
	F->latest = F->latest_known > F->latest_new ? F->latest_known : F->latest_new;
	F->breach_leak = -1;
	for (size_t i = 0; i < F->nleaks; i++) {
		int d = breach_ymd(F->leaks[i].breach_date);
		/* a source of a few chance rows says nothing of when the dump was made */
		if (F->leaks[i].rows && F->leaks[i].rows * 100 >= F->rows && d > F->newest_breach) {
			F->newest_breach = d;
			F->breach_leak = (int)i;
		}
	}
	F->current_as_of = F->latest > F->newest_breach ? F->latest : F->newest_breach;
}

/* The combinations of leaks, most rows first (a stable sort of the table's slots), the first few. */
static void
fill_combos(struct findings *F, const struct report *rep)
{
	struct combo **v = xmalloc((rep->ncombos ? rep->ncombos : 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < 2 * COMBOS_MAX; i++)
		if (rep->combos[i].m)
			v[n++] = &rep->combos[i];
	for (size_t i = 1; i < n; i++) /* insertion sort: a few thousand at most */
		for (size_t j = i; j > 0 && v[j]->rows > v[j - 1]->rows; j--) {
			struct combo *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	F->ncombos = n < FINDINGS_COMBOS ? n : FINDINGS_COMBOS;
	F->combos = xcalloc(F->ncombos ? F->ncombos : 1, sizeof(*F->combos));
	for (size_t i = 0; i < F->ncombos; i++) {
		F->combos[i].leaks = xmalloc(F->words * sizeof(uint64_t));
		memcpy(F->combos[i].leaks, v[i]->m, F->words * sizeof(uint64_t));
		F->combos[i].rows = v[i]->rows;
	}
	free(v);
}

/* The dump's e-mail domain shares against the known leaks' (their top 50 each): the skew. */
static double
domain_skew(struct profile *prof, const struct lib_profile *lp, size_t nleaks)
{
	const struct profile_dom *top[50];
	size_t n = profile_top_domains(prof, top, 50);
	uint64_t dtotal = 0, ltotal = 0;
	for (size_t i = 0; i < n; i++)
		dtotal += top[i]->n;
	for (size_t k = 0; k < nleaks; k++)
		for (size_t i = 0; i < lp[k].ndomains; i++)
			ltotal += lp[k].domains[i].n;
	if (!dtotal || !ltotal)
		return -1;
	double tvd = 0, dseen = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t ln = 0;
		for (size_t k = 0; k < nleaks; k++)
			for (size_t j = 0; j < lp[k].ndomains; j++)
				if (!strcmp(lp[k].domains[j].key, top[i]->name))
					ln += lp[k].domains[j].n;
		double dp = (double)top[i]->n / (double)dtotal, lpct = (double)ln / (double)ltotal;
		tvd += fabs(dp - lpct);
		dseen += lpct;
	}
	tvd += 1 - dseen; /* the leaks' domains the dump does not have */
	return tvd / 2;
}

#define EVIDENCE(...)                            \
	if (F->nevidence < FINDINGS_EVIDENCE) \
	snprintf(F->evidence[F->nevidence++], sizeof(F->evidence[0]), __VA_ARGS__)

/* The lines after the verdict that a reader checks it by: shares, sources, oddities. */
static void
fill_evidence(struct findings *F, uint64_t known)
{
	char a1[32], a2[32], a3[32];
	EVIDENCE("%s of %s traceable rows are in known leaks (%.1f%%; %s at least %.0f%%, %s at least %.0f%%)",
		 fmt_count(known, a1), fmt_count(F->with_id, a2), 100 * F->known, "recompilation",
		 100 * F->v.recompilation, "partial", 100 * F->v.partial);
	if (!F->with_id)
		EVIDENCE("no row has an identifier (IIN, e-mail, phone, passport, user name), nor a name with a "
			 "birth date, postcode, city or address: nothing could be traced, and \"new\" means "
			 "only that no known leak was found");
	if (F->linkable)
		EVIDENCE("%s of %s rows without an identifier linked to a known person by name, birth date, postcode, city and address (Fellegi-Sunter weights from %.1f bits; threshold %.1f)",
			 fmt_count(F->linked, a1), fmt_count(F->linkable, a2), F->linked ? F->link_min : 0,
			 F->link_threshold);
	EVIDENCE("copied from one leak: %.1f%%, merged from several: %.1f%%, known with a changed or added field: %.1f%%, in no known leak: %.1f%%",
		 100 * frac(F->status[RC_COPIED], F->with_id), 100 * frac(F->status[RC_MERGED], F->with_id),
		 100 * frac(F->status[RC_UPDATED], F->with_id), 100 * frac(F->status[RC_NEW], F->with_id));
	if (F->varied)
		EVIDENCE("%s copied or merged rows (%.1f%%) differ from their source only by variation: %s values with a typo, lost letters, an initial, a swapped date or re-typed identifiers (%s) - copies, not updates",
			 fmt_count(F->varied, a1), 100 * frac(F->varied, F->with_id),
			 fmt_count(F->near_facts, a2), fmt_count(F->retyped, a3));
	if (F->nleaks && F->leaks[F->order[0]].rows) {
		int shown = 0;
		char list[200] = "";
		for (size_t i = 0; i < F->nleaks && shown < 4; i++) {
			const struct findings_leak *L = &F->leaks[F->order[i]];
			if (!L->rows)
				break;
			size_t n = strlen(list);
			snprintf(list + n, sizeof(list) - n, "%s%s %.0f%%", shown ? ", " : "", L->name,
				 100 * frac(L->rows, F->rows));
			shown++;
		}
		EVIDENCE("rows found per known leak: %s", list);
	}
	if (F->seg.n)
		EVIDENCE("%zu segment%s by dominant source (blocks of rows taken from one earlier dump read as few, long segments)",
			 F->seg.n, F->seg.n == 1 ? "" : "s");
	if (F->seg.raised)
		EVIDENCE("runs shorter than %" PRIu64 " rows merged into their neighbours, more than --segment-min "
			 "asked: the dump's sources change too often to keep every run",
			 F->seg.min_rows);
	if (F->current_as_of) {
		char d[16], k[16], n[16], b[16];
		fmt_ymd(F->current_as_of, d);
		fmt_ymd(F->latest_known, k);
		fmt_ymd(F->latest_new, n);
		fmt_ymd(F->newest_breach, b);
		char why[160] = "";
		if (F->breach_leak >= 0)
			snprintf(why, sizeof(why), "the newest source leak, %s, breached %s",
				 F->leaks[F->breach_leak].name, b);
		if (F->latest) {
			size_t l = strlen(why);
			snprintf(why + l, sizeof(why) - l, "%srecord dates up to %s in known rows, %s in new rows",
				 l ? "; " : "", F->latest_known ? k : "none", F->latest_new ? n : "none");
		}
		EVIDENCE("current as of %s (%s)", d, why);
		if (F->latest_new > F->latest_known && F->latest_known && F->latest_new > F->newest_breach)
			EVIDENCE("the new rows are more recent than the known ones (%s against %s): supplemented after the leaks",
				 n, k);
	}
	if (F->dup_norm)
		EVIDENCE("%s rows repeat an earlier row (%s byte for byte)", fmt_count(F->dup_norm, a1),
			 fmt_count(F->dup_exact, a2));
	if (F->checksum && frac(F->checksum, F->ids12) >= 0.01)
		EVIDENCE("%.1f%% of the IINs fail their checksum: typed by hand or made up",
			 100 * frac(F->checksum, F->ids12));
	if (F->future || F->ancient)
		EVIDENCE("impossible dates: %s in the future, %s birth dates before 1900", fmt_count(F->future, a1),
			 fmt_count(F->ancient, a2));
	if (F->hex)
		EVIDENCE("%s passwords in $HEX[] notation: a password cracker's output was merged in",
			 fmt_count(F->hex, a1));
	if (F->domain_skew >= 0.3)
		EVIDENCE("the e-mail domains are mixed unlike the known leaks' (skew %.2f of 1)", F->domain_skew);
	if (F->problems)
		EVIDENCE("%d part%s of the library could not be read: the figures may be too low", F->problems,
			 F->problems == 1 ? "" : "s");
}
#undef EVIDENCE

/* Everything one run holds, released by run_release() whatever happened. */
struct an_run {
	struct an a;
	struct library *lib;
	struct lib_leak *ll;
	struct aleak *leaks;
	struct lib_profile *lp;
	size_t nleaks;
	struct report rep;
	struct profile prof;
	uint64_t hex; /* $HEX[] passwords, from the workers */
	struct xsort *hs;
	char libpath[4096];
	uint64_t *map_off; /* the rows before each map step's split (run_maps()) */
	unsigned nmaps;
};

/* Step 5: the findings, from the counts of pass two and the profile. */
static void
findings_fill(struct an_run *R, struct findings *F)
{
	struct an *a = &R->a;
	struct report *rep = &R->rep;
	F->total = rep->total;
	F->parsed = rep->parsed;
	F->rejected = rep->rejected;
	F->dup_norm = rep->dup_norm;
	F->dup_exact = rep->dup_exact;
	F->rows = a->rows;
	memcpy(F->status, rep->status, sizeof(F->status));
	F->varied = rep->varied;
	F->near_facts = rep->near_facts;
	F->retyped = rep->retyped;
	F->linkable = rep->linkable;
	F->linked = rep->linked;
	F->link_min = rep->link_min;
	F->link_threshold = a->o->link_threshold;
	F->v = a->o->v;
	F->seg = rep->seg;
	memset(&rep->seg, 0, sizeof(rep->seg));
	F->bins = rep->bins;
	F->strip = rep->strip;
	rep->strip = NULL;
	F->problems = rep->problems;
	snprintf(F->library_id, sizeof(F->library_id), "%s", R->lib ? library_id(R->lib) : "");
	fill_leaks(F, R->leaks, R->nleaks);
	fill_columns(F, &a->ss, rep, &R->prof, R->lp);
	fill_combos(F, rep);
	fill_freshness(F, rep);
	F->hex = R->hex;
	F->domain_skew = domain_skew(&R->prof, R->lp, R->nleaks);
	memcpy(F->birth_years, R->prof.years, sizeof(F->birth_years));
	uint64_t known = rep->status[RC_COPIED] + rep->status[RC_MERGED] + rep->status[RC_UPDATED];
	F->with_id = known + rep->status[RC_NEW];
	F->known = frac(known, F->with_id);
	F->label = analysis_verdict(&a->o->v, F->known);
	fill_evidence(F, known);
}

/* Never set: the flag of a run that cannot be stopped. */
static volatile sig_atomic_t never;

void
analyze_opts_init(struct analyze_opts *o, const struct walk_opts *in)
{
	memset(o, 0, sizeof(*o));
	o->memory = 1ull << 30;
	o->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	o->v.recompilation = 0.8;
	o->v.partial = 0.2;
	o->link_threshold = LINK_THRESHOLD;
	o->in = in;
}

/*
 * The key and the library: its leaks, their sets and profiles. A library
 * that does not exist is an empty one. 0, or -1 (err).
 */
static int
run_library(struct an_run *R, char *err, size_t errlen)
{
	const struct analyze_opts *o = R->a.o;
	struct lib_open_opts lo = { .mode = LIB_READ };
	char e[1024];

	if (library_locate(o->library, R->libpath, sizeof(R->libpath), err, errlen) < 0)
		return -1;
	errno = 0;
	R->lib = library_open(R->libpath, &lo, e, sizeof(e));
	if (!R->lib && errno != ENOENT) {
		snprintf(err, errlen, "%s", e);
		return -1;
	}
	if (!R->lib) {
		/* no library: nothing to match, under a key of this run's own */
		unsigned char k[FP_KEY_SIZE];
		key_new(k);
		fp_key_from_secret(&R->a.key, k);
	} else if (library_key(R->lib, o->key_file, 0, &R->a.key, err, errlen) < 0 ||
		   library_leaks(R->lib, &R->ll, &R->nleaks, err, errlen) < 0)
		return -1;
	if (!R->nleaks)
		walk_say(o->in, "note: the library '%s' holds no known leak: every row will be new", R->libpath);
	R->leaks = xcalloc(R->nleaks ? R->nleaks : 1, sizeof(*R->leaks));
	R->lp = xcalloc(R->nleaks ? R->nleaks : 1, sizeof(*R->lp));
	for (size_t i = 0; i < R->nleaks; i++) {
		R->leaks[i].l = R->ll[i];
		if (library_sets(R->lib, R->ll[i].id, &R->leaks[i].sets, &R->leaks[i].nsets, e, sizeof(e)) < 0 ||
		    library_profile(R->lib, R->ll[i].name, &R->lp[i], e, sizeof(e)) < 0) {
			walk_say(o->in, "error: leak '%s': %s", R->ll[i].name, e);
			R->leaks[i].unreadable = 1;
			R->rep.problems++;
		}
	}
	return 0;
}

/* The report's record counts, from the walk's. */
static void
walk_counted(struct an_run *R)
{
	R->rep.total = R->rep.walk.parsed + R->rep.walk.rejected;
	R->rep.parsed = R->rep.walk.parsed;
	R->rep.rejected = R->rep.walk.rejected;
}

/* A spill file: path (a map step's), or a temporary one in o->tmpdir. The descriptor, or -1 (err). */
static int
spill_open(const struct analyze_opts *o, const char *path, const char *what, char *err, size_t errlen)
{
	int fd = path ? open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : xio_tmpfile(o->tmpdir, what, NULL, 0);
	if (fd < 0 && path)
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
	else if (fd < 0)
		snprintf(err, errlen, "cannot create a temporary file in '%s': %s", o->tmpdir, strerror(errno));
	return fd;
}

/*
 * Step 1: the dump through the workers: row summaries into the rows
 * file, keys into the sort, the profile merged. 0, or -1 (err).
 */
static int
run_read(struct an_run *R, char **paths, int npaths, unsigned nthreads, char *err, size_t errlen)
{
	struct an *a = &R->a;
	const struct analyze_opts *o = a->o;

	if ((a->rows_fd = spill_open(o, a->rows_path, "rows", err, errlen)) < 0 ||
	    (a->near_fd = spill_open(o, a->near_path, "near", err, errlen)) < 0)
		return -1;
	a->rbuf = xmalloc(1u << 20);
	if (link_freq_init(&a->lf) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/*
	 * The workers hand their keys to the sort (core/bsort.h), each as a
	 * producer of its own; half the budget goes to it, the rest to the
	 * hits' sort and the buffers.
	 */
	struct bsort_opts bo = { .memory = o->memory / 2, .tmpdir = o->tmpdir, .producers = nthreads,
				 .nsets = FACT_SETS, .with_values = 1 };
	if (!(a->bs = bsort_new(&bo, err, errlen)))
		return -1;
	struct aworker *w = xcalloc(nthreads, sizeof(*w));
	void **wctx = xcalloc(nthreads, sizeof(*wctx));
	int rc = 0;
	for (unsigned i = 0; i < nthreads; i++) {
		w[i].bs = a->bs;
		w[i].index = i;
		facts_init(&w[i].f, &a->key, o->region); /* the region was checked by analyze_run() */
		dynbuf_init(&w[i].rowv, 1u << 20);
		profile_init(&w[i].prof, 0);
		w[i].f.seen = an_seen;
		w[i].f.bad = an_bad;
		w[i].today = w[i].prof.today ? w[i].prof.today : 99991231;
		w[i].show_values = o->show_values;
		w[i].lf = &a->lf;
		w[i].a = a;
		w[i].near = xmalloc(NEAR_BUF * 2 * sizeof(*w[i].near));
		w[i].f.ctx = &w[i];
		wctx[i] = &w[i];
	}
	struct schemas_opts so = { .region = o->region, .emit = an_emit, .forced = an_forced, .share = 1, .ctx = a };
	schemas_init(&a->ss, &so);
	if (a->seed) { /* the schema of the stream before this map step's first (analyze_map()) */
		schemas_adopt(&a->ss, a->seed);
		a->seed = NULL;
	}
	a->pipe = pipe_new(nthreads, an_work, wctx, an_done, a);
	struct walk_cb cb = { .ctx = a, .begin = an_begin, .record = an_record, .end = an_end };
	walk_paths(o->in, paths, npaths, &cb, &R->rep.walk);
	if (a->cur)
		pipe_submit(a->pipe, a->cur);
	pipe_free(a->pipe);
	for (unsigned i = 0; i < nthreads; i++)
		near_flush(&w[i]);
	if (a->near_failed && !a->failed) {
		a->failed = 1;
		snprintf(a->err, sizeof(a->err), "cannot write a spill file: %s", strerror(a->near_errno));
	}
	if (a->failed) {
		snprintf(err, errlen, "%s", a->err);
		rc = -1;
	} else if (a->rlen && xio_write_all(a->rows_fd, a->rbuf, a->rlen) < 0) {
		snprintf(err, errlen, "cannot write a spill file: %s", strerror(errno));
		rc = -1;
	} else if (*a->stop) {
		snprintf(err, errlen, "interrupted");
		rc = -1;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		profile_merge(&R->prof, &w[i].prof);
		profile_release(&w[i].prof);
		facts_release(&w[i].f);
		dynbuf_release(&w[i].rowv);
		free(w[i].covered);
		R->hex += w[i].hex;
		free(w[i].kv);
		free(w[i].near);
	}
	free(w);
	free(wctx);
	walk_counted(R);
	return rc;
}

/* Steps 2-3: the dump's keys, sorted, joined set by set with each known leak; hits into R->hs. */
static int near_round(struct an_run *R, struct joiner *j, unsigned nthreads, char *err, size_t errlen);
static int qi_round(struct an_run *R, struct joiner *j, unsigned nthreads, char *err, size_t errlen);

static int
run_join(struct an_run *R, unsigned nthreads, char *err, size_t errlen)
{
	struct an *a = &R->a;
	const struct analyze_opts *o = a->o;
	struct xsort_opts ho = { .memory = o->memory / 2 < (256ull << 20) ? o->memory / 2 : 256ull << 20,
				 .tmpdir = o->tmpdir, .with_values = 1, .threads = o->threads == 1 ? 1 : 2 };
	if (!(R->hs = xsort_new(&ho, err, errlen)))
		return -1;
	struct joiner j;
	memset(&j, 0, sizeof(j));
	j.in = o->in;
	j.stop = a->stop;
	j.lib = R->lib;
	j.leaks = R->leaks;
	j.nleaks = R->nleaks;
	j.hs = R->hs;
	j.rep = &R->rep;
	j.key = &a->key;
	j.base = xcalloc(R->nleaks + 1, sizeof(*j.base));
	for (size_t i = 0; i < R->nleaks; i++)
		j.base[i + 1] = j.base[i] + R->leaks[i].nsets;
	j.open = xcalloc(j.base[R->nleaks] ? j.base[R->nleaks] : 1, sizeof(*j.open));
	struct xsort_opts co = { .memory = o->memory / 8 < (64ull << 20) ? o->memory / 8 : 64ull << 20,
				 .tmpdir = o->tmpdir, .with_values = 1, .threads = 1 };
	pthread_mutex_init(&j.mu, NULL);
	/* the facts found as they are, per row, for the near round: a byte a row, within a quarter */
	if (a->near_pairs && (a->rows + 1) * sizeof(*j.exact) <= o->memory / 4 &&
	    (j.exact = calloc(a->rows + 1, sizeof(*j.exact))))
		j.nexact = a->rows + 1;
	int rc = (j.cand = xsort_new(&co, err, errlen)) ? 0 : -1;
	/* the joins as reduce steps over the shards (analyze.h), when asked and there is a library */
	struct shuffle sh;
	memset(&sh, 0, sizeof(sh));
	if (!rc && o->work_dir && R->lib) {
		sh.o = o;
		shuffle_layout(&sh, R->lib);
		pthread_mutex_init(&sh.mu, NULL);
		j.sh = &sh;
		rc = job_write(&j, R->libpath, a->rows, R->map_off, R->nmaps, err, errlen);
	}
	if (!rc)
		rc = join_all(a->bs, &j, nthreads, err, errlen);
	bsort_free(a->bs);
	a->bs = NULL;
	for (unsigned k = 0; k < R->nmaps; k++) /* round 1 has read the map steps' keys */
		map_clean(o->work_dir, k, sh.nshards, 1, 1);
	if (!rc)
		rc = near_round(R, &j, nthreads, err, errlen);
	free(j.exact);
	j.exact = NULL;
	if (!rc)
		rc = qi_round(R, &j, nthreads, err, errlen);
	xsort_free(j.cand);
	if (j.sh) {
		char *jp = work_path(o->work_dir, "job", 0, 0);
		unlink(jp);
		free(jp);
		pthread_mutex_destroy(&sh.mu);
	}
	joiner_release(&j, R->nleaks);
	if (rc == 0 && xsort_finish(R->hs, 0, err, errlen) < 0)
		rc = -1;
	return rc;
}

/*
 * Step 3a, the near round: the near keys of a row's attributes (a name
 * with a typo under the IIN, an identifier re-typed under name and birth
 * date) are asked only for the facts no exact hit found: the keys the
 * workers put aside (near_deferred()) are read back, those of a fact
 * j->exact has and those under an identifier no leak knows (a new
 * person's) are dropped, the rest sorted and joined. On a
 * recompilation most rows are found as they are, and their near keys
 * (about a third of a lookup's keys) are never sorted. A near hit of a
 * fact found as it is would be dropped by pass two anyway (p2_near()),
 * but for the name and birth date it vouches for. Without j->exact (its
 * memory past a quarter of --memory) every key is joined. 0, or -1 (err).
 */
static int
near_round(struct an_run *R, struct joiner *j, unsigned nthreads, char *err, size_t errlen)
{
	struct an *a = &R->a;
	if (!a->near_pairs)
		return 0;
	/* a quarter: the hits' sort and j->exact hold the rest */
	struct bsort_opts bo = { .memory = a->o->memory / 4, .tmpdir = a->o->tmpdir, .producers = 1,
				 .nsets = FACT_SETS, .with_values = 1 };
	struct bsort *bs = bsort_new(&bo, err, errlen);
	if (!bs)
		return -1;
	size_t cap = NEAR_BUF;
	uint64_t *in = xmalloc(cap * 2 * sizeof(*in)), *kv = xmalloc(cap * 3 * sizeof(*kv));
	uint64_t off = 0, left = a->near_pairs;
	int rc = 0;
	while (left && !rc) {
		size_t n = left < cap ? (size_t)left : cap;
		if (xio_pread_all(a->near_fd, in, n * 2 * sizeof(*in), off) < 0) {
			snprintf(err, errlen, "cannot read back a spill file: %s", strerror(errno));
			rc = -1;
			break;
		}
		off += n * 2 * sizeof(*in);
		left -= n;
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			uint64_t pv = in[2 * i + 1], row = pv >> 24;
			unsigned fa = (unsigned)(pv >> 6) & 63, fb = (unsigned)pv & 63;
			unsigned set = (unsigned)(pv >> 12) & 0xFFF;
			if (j->exact && row < j->nexact) {
				unsigned x = j->exact[row];
				if (fb < EXACT_FACTS && (x >> fb & 1))
					continue; /* the fact is in a leak as it is (an identifier: known) */
				/* under an identifier no leak has: nothing is under it either */
				if (FACT_SET_TYPE(set) != DT_BIRTH_DATE && fa < EXACT_FACTS && !(x >> fa & 1))
					continue;
			}
			kv[3 * m] = in[2 * i];
			kv[3 * m + 1] = set;
			kv[3 * m + 2] = pv;
			m++;
		}
		if (m && bsort_add(bs, 0, kv, m) < 0) {
			snprintf(err, errlen, "cannot write a spill file: %s", strerror(errno));
			rc = -1;
		}
	}
	free(in);
	free(kv);
	if (!rc)
		rc = join_all(bs, j, nthreads, err, errlen);
	bsort_free(bs);
	return rc;
}

/*
 * Step 3b, quasi-identifier linkage's second round (core/link.h): the
 * candidates of the first (a row, the tag of a person sharing one of its
 * blocks, the leak), in row order beside the rows file, become the row's
 * signatures under each candidate's tag, sorted and joined with the
 * leaks' person sets; each candidate's tag goes to the hits as it is.
 * 0, or -1 (err).
 */
static int
qi_round(struct an_run *R, struct joiner *j, unsigned nthreads, char *err, size_t errlen)
{
	struct an *a = &R->a;
	if (!xsort_count(j->cand))
		return 0;
	if (xsort_finish(j->cand, 0, err, errlen) < 0)
		return -1;
	struct bsort_opts bo = { .memory = a->o->memory / 4, .tmpdir = a->o->tmpdir, .producers = 1,
				 .nsets = FACT_SETS, .with_values = 1 };
	struct bsort *bs = bsort_new(&bo, err, errlen);
	if (!bs)
		return -1;
	struct pass2 p2;
	pass2_init(&p2, a, R->leaks, R->nleaks, &R->rep, NULL);
	uint64_t ck = 0, cv = 0, *kv = NULL;
	size_t nkv = 0, kv_alloc = 0;
	int crc = xsort_next(j->cand, &ck, &cv), rc = 0;
	for (uint64_t row = 1; row <= a->rows && crc > 0 && !rc; row++) {
		if (p2_read_row(&p2) < 0) {
			snprintf(err, errlen, "cannot read back a spill file");
			rc = -1;
			break;
		}
		uint64_t seen[QI_CANDS];
		unsigned c = 0;
		for (; crc > 0 && ck >> 32 == row; crc = xsort_next(j->cand, &ck, &cv)) {
			uint32_t tag = (uint32_t)ck;
			uint64_t id = (uint64_t)tag << 32 | (cv & 0xFFFFFF);
			int dup = 0;
			for (unsigned k = 0; k < c; k++)
				dup |= seen[k] == id;
			if (dup || c == QI_CANDS || !p2.qi || cv > 0xFFFFFF)
				continue;
			seen[c] = id;
			if (xsort_add(R->hs, row << SLOT_BITS | (uint64_t)FACT_NEAR << 12 | c << 8 | 3u << 6 | 63,
				      QI_HIT | QI_TAG | (uint64_t)tag << 24 | cv) < 0) {
				snprintf(err, errlen, "%s", xsort_error(R->hs));
				rc = -1;
				break;
			}
			for (size_t fi = 0; fi < p2.nf; fi++) {
				unsigned at = link_type(p2.f[fi].type);
				unsigned set = FACT_SET(FACT_NEAR, DT_QI_PERSON, at);
				uint32_t pre = near_prefix(DT_QI_PERSON, tag, at);
				for (unsigned k = 0; k < p2.qn[fi] && k < NEAR_WORDS; k++) {
					if (nkv + 3 > kv_alloc)
						kv = xgrow(kv, &kv_alloc, nkv + 3, sizeof(*kv));
					kv[nkv++] = near_key(&a->key, pre, p2.qsig[fi][k]);
					kv[nkv++] = set;
					kv[nkv++] = row << 24 | (uint64_t)set << 12 | c << 8 | k << 6 | fi;
				}
			}
			c++;
		}
		if (nkv >= 3 * 4096) {
			bsort_add(bs, 0, kv, nkv / 3);
			nkv = 0;
		}
	}
	if (crc < 0 && !rc) {
		snprintf(err, errlen, "%s", xsort_error(j->cand));
		rc = -1;
	}
	if (nkv)
		bsort_add(bs, 0, kv, nkv / 3);
	free(kv);
	pass2_release(&p2);
	if (!rc)
		rc = join_all(bs, j, nthreads, err, errlen);
	bsort_free(bs);
	return rc;
}

/* Step 4: the rows, in order, beside their hits. */
static int
run_rows(struct an_run *R, char *err, size_t errlen)
{
	struct an *a = &R->a;
	struct report *rep = &R->rep;
	rep->cols = xcalloc(a->ss.n ? a->ss.n : 1, sizeof(*rep->cols));
	for (size_t s = 0; s < a->ss.n; s++) {
		rep->cols[s] = xcalloc(a->ss.v[s]->ncols ? a->ss.v[s]->ncols : 1, sizeof(**rep->cols));
		for (size_t c = 0; c < a->ss.v[s]->ncols; c++)
			rep->cols[s][c].found = xcalloc(R->nleaks ? R->nleaks : 1, sizeof(uint64_t));
	}
	rep->bins = a->rows < STRIP_BINS ? (size_t)a->rows : STRIP_BINS;
	rep->strip = xcalloc(rep->bins ? rep->bins * (R->nleaks + 2) : 1, sizeof(*rep->strip));
	rep->combos = xcalloc(2 * COMBOS_MAX, sizeof(*rep->combos));
	/* the runs smoothed as they grow past SEGMENTS_CAP (one a row when sources alternate) */
	rep->seg.min_rows = a->o->segment_min ? a->o->segment_min : (a->rows / 10000 > 8 ? a->rows / 10000 : 8);
	rep->seg.cap = SEGMENTS_CAP;
	struct pass2 p2;
	pass2_init(&p2, a, R->leaks, R->nleaks, rep, R->hs);
	int rc = pass2_run(&p2, err, errlen);
	pass2_release(&p2);
	if (rc == 0)
		segments_smooth(&rep->seg, rep->seg.min_rows);
	return rc;
}

static void
run_release(struct an_run *R)
{
	struct an *a = &R->a;
	struct report *rep = &R->rep;
	link_freq_release(&a->lf);
	if (rep->cols) {
		for (size_t s = 0; s < a->ss.n; s++) {
			for (size_t c = 0; c < a->ss.v[s]->ncols; c++)
				free(rep->cols[s][c].found);
			free(rep->cols[s]);
		}
		free(rep->cols);
	}
	segments_release(&rep->seg);
	free(rep->strip);
	if (rep->combos)
		for (size_t i = 0; i < 2 * COMBOS_MAX; i++)
			free(rep->combos[i].m);
	free(rep->combos);
	for (size_t i = 0; i < R->nleaks; i++) {
		free(R->leaks[i].sets);
		lib_profile_release(&R->lp[i]);
	}
	lib_leaks_free(R->ll, R->nleaks);
	free(R->leaks);
	free(R->lp);
	if (R->hs)
		xsort_free(R->hs);
	if (a->bs)
		bsort_free(a->bs);
	if (a->rows_fd >= 0)
		close(a->rows_fd);
	if (a->near_fd >= 0)
		close(a->near_fd);
	pthread_mutex_destroy(&a->near_mu);
	profile_release(&R->prof);
	schemas_release(&a->ss);
	schema_drop(a->seed);
	dynbuf_release(&a->first);
	free(a->rbuf);
	fp_key_release(&a->key);
	if (R->lib)
		library_close(R->lib);
	free(R->map_off);
}

static int run_maps(struct an_run *R, char **paths, int npaths, char *err, size_t errlen);

int
analyze_run(const struct analyze_opts *o, char **paths, int npaths, struct findings *F, char *err,
	    size_t errlen)
{
	struct an_run R;

	memset(&R, 0, sizeof(R));
	memset(F, 0, sizeof(*F));
	err[0] = '\0';
	R.a.o = o;
	R.a.stop = o->stop ? o->stop : &never;
	R.a.rows_fd = -1;
	R.a.near_fd = -1;
	pthread_mutex_init(&R.a.near_mu, NULL);
	profile_init(&R.prof, 0);
	unsigned nthreads = o->threads;
	if (!nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (unsigned)n : 1;
	}
	if (o->region && !norm_region_known(o->region)) {
		snprintf(err, errlen, "unknown region '%s'", o->region);
		run_release(&R);
		return DT_FATAL;
	}
	int rc = run_library(&R, err, errlen);
	if (!rc && o->work_dir && o->splits > 1 && R.lib && o->map)
		rc = run_maps(&R, paths, npaths, err, errlen);
	else if (!rc) {
		if (o->splits > 1)
			walk_say(o->in, "note: no library: the dump is read here, not by map steps");
		rc = run_read(&R, paths, npaths, nthreads, err, errlen);
	}
	if (!rc)
		rc = run_join(&R, nthreads, err, errlen);
	if (!rc)
		rc = run_rows(&R, err, errlen);
	if (!rc) {
		findings_fill(&R, F);
		F->walk = R.rep.walk;
		snprintf(F->library, sizeof(F->library), "%s", R.libpath);
	}
	run_release(&R);
	return rc ? DT_FATAL : DT_OK;
}

/* ------------------------------------------------------------------ */
/* Map steps (analyze.h): the reading over input splits. */

#define SPLITS_MAGIC "dumptrace-splits 1"
#define MAP_MAGIC "dumptrace-map 1"
#define MAP_CHECK "dumptrace map step: the key" /* its keyed fingerprint tells the same key, and nothing of it */
#define MAPS_MAX 65536
#define MAP_HEAD 17 /* the meta file's counts after its magic (map_finish(), mapmeta_read()) */

/* A small file written under a temporary name, then renamed into place. 0, or -1 (err). */
static int
put_file(const char *path, const void *p, size_t n, char *err, size_t errlen)
{
	char *part = xasprintf("%s.part", path);
	FILE *f = fopen(part, "we");
	int rc = !f || (n && fwrite(p, 1, n, f) != n);
	rc |= f && fclose(f) != 0;
	if (!rc && rename(part, path) < 0)
		rc = 1;
	if (rc) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		unlink(part);
	}
	free(part);
	return rc ? -1 : 0;
}

/*
 * The splits: paths[] cut into at most want contiguous runs of about
 * equal bytes (a path that is not a regular file counts one byte), to
 * WORK/splits. Their number, or 0 (err).
 */
static unsigned
splits_write(const char *dir, char **paths, int npaths, unsigned want, char *err, size_t errlen)
{
	uint64_t *size = xcalloc((size_t)npaths, sizeof(*size)), total = 0;
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		size[i] = stat(paths[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 ? (uint64_t)st.st_size : 1;
		total += size[i];
	}
	unsigned m = want < (unsigned)npaths ? want : (unsigned)npaths;
	struct dynbuf b;
	dynbuf_init(&b, 1u << 30);
	dynbuf_printf(&b, "%s\npaths %d\nsplits %u\n", SPLITS_MAGIC, npaths, m);
	int at = 0;
	uint64_t cum = 0;
	for (unsigned k = 0; k < m; k++) {
		int to = at + 1;
		cum += size[at];
		/* on to the path whose middle passes the split's share, leaving one a split after */
		long double share = (long double)total * (k + 1) / m;
		while (to < npaths - (int)(m - 1 - k) && (k == m - 1 || cum + size[to] / 2 < share))
			cum += size[to++];
		dynbuf_printf(&b, "split %u %d %d\n", k, at, to);
		at = to;
	}
	free(size);
	char *p = xasprintf("%s/splits", dir);
	int rc = put_file(p, b.buf, b.len, err, errlen);
	free(p);
	dynbuf_release(&b);
	return rc ? 0 : m;
}

/* Split k's paths, [*lo, *hi) of npaths, from WORK/splits. 0, or -1 (err). */
static int
splits_read(const char *dir, int npaths, unsigned k, int *lo, int *hi, char *err, size_t errlen)
{
	char *p = xasprintf("%s/splits", dir);
	size_t len = 0;
	uint8_t *b = slurp(p, 64u << 20, &len);
	int n = -1, found = 0;
	if (!b) {
		snprintf(err, errlen, "cannot read the splits '%s': %s", p, strerror(errno));
		free(p);
		return -1;
	}
	b = xrealloc(b, len + 1);
	b[len] = '\0';
	char *save = NULL;
	int ok = !strncmp((char *)b, SPLITS_MAGIC "\n", strlen(SPLITS_MAGIC) + 1);
	for (char *line = strtok_r((char *)b, "\n", &save); line && ok; line = strtok_r(NULL, "\n", &save)) {
		unsigned sk;
		int x, y;
		if (sscanf(line, "paths %d", &x) == 1)
			n = x;
		else if (sscanf(line, "split %u %d %d", &sk, &x, &y) == 3 && sk == k) {
			*lo = x;
			*hi = y;
			found = 1;
		}
	}
	free(b);
	int rc = -1;
	if (!ok || n < 0)
		snprintf(err, errlen, "'%s' is not a list of splits", p);
	else if (!found)
		snprintf(err, errlen, "'%s' has no split %u", p, k);
	else if (n != npaths || *lo < 0 || *hi > npaths || *lo >= *hi)
		snprintf(err, errlen, "the splits in '%s' are of %d inputs, this step was given %d", dir, n, npaths);
	else
		rc = 0;
	free(p);
	return rc;
}

static uint64_t
key_check_of(const struct fp_key *k)
{
	return fp_value(k, 0, MAP_CHECK, strlen(MAP_CHECK));
}

/* The library's key and layout for a map step: its shards' part_of, their number. 0, or -1 (err). */
static int
map_library(struct an_run *R, struct shuffle *sh, char *err, size_t errlen)
{
	const struct analyze_opts *o = R->a.o;
	struct lib_open_opts lo = { .mode = LIB_READ };
	if (library_locate(o->library, R->libpath, sizeof(R->libpath), err, errlen) < 0 ||
	    !(R->lib = library_open(R->libpath, &lo, err, errlen)) ||
	    library_key(R->lib, o->key_file, 0, &R->a.key, err, errlen) < 0)
		return -1;
	shuffle_layout(sh, R->lib);
	return 0;
}

/* The step's meta file (analyze.h), then its marker. 0, or -1 (err). */
static int
map_finish(struct an_run *R, unsigned split, size_t nshards, int seeded, char *err, size_t errlen)
{
	struct an *a = &R->a;
	const char *dir = a->o->work_dir;
	const struct walk_totals *t = &R->rep.walk;
	struct dynbuf b;
	dynbuf_init(&b, (size_t)1 << 34);
	int rc = wire_bytes(&b, MAP_MAGIC, strlen(MAP_MAGIC));
	uint64_t head[MAP_HEAD] = { nshards, key_check_of(&a->key), a->rows, a->near_pairs, (uint64_t)(a->ss.stream + 1),
			    t->paths, t->streams, t->failed, t->empty, t->parsed, t->rejected, t->bad_sequences,
			    t->bytes, (uint64_t)t->stopped, R->hex, (uint64_t)seeded, (uint64_t)a->have_first };
	for (size_t i = 0; i < sizeof(head) / sizeof(*head); i++)
		rc |= wire_u64(&b, head[i]);
	if (a->have_first)
		rc |= dynbuf_add(&b, a->first.buf, a->first.len);
	rc |= schemas_save(&a->ss, &b) | profile_save(&R->prof, &b) | link_freq_save(&a->lf, &b);
	rc |= wire_u64(&b, XXH3_64bits(b.buf, b.len));
	char *p = map_path(dir, split, "meta");
	if (rc)
		snprintf(err, errlen, "split %u: its results take too much memory", split);
	else
		rc = put_file(p, b.buf, b.len, err, errlen);
	free(p);
	dynbuf_release(&b);
	if (!rc) {
		p = map_path(dir, split, "done");
		rc = put_file(p, "", 0, err, errlen);
		free(p);
	}
	return rc ? -1 : 0;
}

int
analyze_map(const struct analyze_opts *o, char **paths, int npaths, unsigned split, char *err, size_t errlen)
{
	struct an_run R;
	struct shuffle sh;
	struct joiner j;
	int lo = 0, hi = 0, seeded = 0;

	memset(&R, 0, sizeof(R));
	memset(&sh, 0, sizeof(sh));
	memset(&j, 0, sizeof(j));
	err[0] = '\0';
	R.a.o = o;
	R.a.stop = o->stop ? o->stop : &never;
	R.a.rows_fd = R.a.near_fd = -1;
	pthread_mutex_init(&R.a.near_mu, NULL);
	pthread_mutex_init(&sh.mu, NULL);
	profile_init(&R.prof, 0);
	dynbuf_init(&R.a.first, (size_t)1 << 30); /* a record's names: never near that */
	unsigned nthreads = o->threads;
	if (!nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (unsigned)n : 1;
	}
	char *rows = map_path(o->work_dir, split, "rows"), *near = map_path(o->work_dir, split, "near");
	char *seed = map_path(o->work_dir, split, "seed");
	R.a.rows_path = rows;
	R.a.near_path = near;
	sh.o = o;
	int rc = 0;
	if (o->region && !norm_region_known(o->region)) {
		snprintf(err, errlen, "unknown region '%s'", o->region);
		rc = -1;
	}
	if (!rc)
		rc = splits_read(o->work_dir, npaths, split, &lo, &hi, err, errlen);
	if (!rc)
		rc = map_library(&R, &sh, err, errlen);
	size_t slen = 0;
	uint8_t *sb = rc ? NULL : slurp(seed, 64u << 20, &slen);
	if (sb) { /* the schema this split's first stream shares (run_maps()) */
		struct wire_r r = { sb, sb + slen, 0 };
		if (!(R.a.seed = schema_load(&r)) || r.p != r.end) {
			snprintf(err, errlen, "'%s' is damaged", seed);
			rc = -1;
		}
		seeded = 1;
		free(sb);
	}
	map_clean(o->work_dir, split, sh.nshards, 1, 0);
	if (!rc)
		rc = run_read(&R, paths + lo, hi - lo, nthreads, err, errlen);
	if (!rc && getenv("DUMPTRACE_TEST_MAP_KILL")) /* the tests: a step lost midway, its rows written, no keys yet */
		raise(SIGKILL);
	/* the keys, unsorted, to their shards' files: the reduce steps of round 1 read them */
	sh.in = xcalloc(sh.nshards ? sh.nshards : 1, sizeof(*sh.in));
	for (unsigned i = 0; i < sh.nshards && !rc; i++) {
		char *p = map_in_path(o->work_dir, split, i);
		if (!(sh.in[i] = fopen(p, "we"))) {
			snprintf(err, errlen, "cannot create '%s': %s", p, strerror(errno));
			rc = -1;
		}
		free(p);
	}
	j.sh = &sh;
	j.stop = R.a.stop;
	if (!rc && (rc = bsort_drain(R.a.bs, shuffle_emit, &j, err, errlen)) < 0 && !err[0])
		snprintf(err, errlen, "%s", j.err);
	for (unsigned i = 0; i < sh.nshards; i++)
		if (sh.in[i] && fclose(sh.in[i]) != 0 && !rc) {
			snprintf(err, errlen, "cannot write in '%s': %s", o->work_dir, strerror(errno));
			rc = -1;
		}
	free(sh.in);
	if (!rc && fsync(R.a.rows_fd) == 0 && fsync(R.a.near_fd) == 0)
		rc = map_finish(&R, split, sh.nshards, seeded, err, errlen);
	else if (!rc) {
		snprintf(err, errlen, "cannot write in '%s': %s", o->work_dir, strerror(errno));
		rc = -1;
	}
	pthread_mutex_destroy(&sh.mu);
	run_release(&R);
	free(rows);
	free(near);
	free(seed);
	return rc ? DT_FATAL : DT_OK;
}

/* What run_maps() reads of a map step's meta file. */
struct mapmeta {
	uint8_t *buf;
	struct wire_r r; /* at its schemas once read */
	uint64_t nshards, check, rows, near_pairs, streams, hex, seeded;
	struct walk_totals t;
	int have_first;
	struct wire_r first; /* the first record's column count and names */
	struct schema **ls;  /* its schemas */
	size_t nls;
};

static void
mapmeta_release(struct mapmeta *m)
{
	for (size_t i = 0; i < m->nls; i++)
		schema_drop(m->ls[i]);
	free(m->ls);
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

/* Split k's meta file, read up to its profile. 0, or -1 (err). */
static int
mapmeta_read(const char *dir, unsigned k, struct mapmeta *m, char *err, size_t errlen)
{
	char *p = map_path(dir, k, "meta");
	size_t len = 0;
	memset(m, 0, sizeof(*m));
	m->buf = slurp(p, (size_t)1 << 34, &len);
	struct wire_r *r = &m->r;
	*r = (struct wire_r){ m->buf, m->buf + len, 0 };
	uint64_t sum = 0;
	if (m->buf && len >= 8)
		for (int i = 0; i < 8; i++)
			sum |= (uint64_t)m->buf[len - 8 + i] << (8 * i);
	int ok = m->buf && len >= 8 && XXH3_64bits(m->buf, len - 8) == sum;
	if (ok) {
		size_t ml = 0;
		r->end -= 8;
		char *magic = wire_get_str(r, &ml);
		ok = magic && !strcmp(magic, MAP_MAGIC);
		free(magic);
	}
	uint64_t v[MAP_HEAD];
	for (size_t i = 0; i < MAP_HEAD && ok; i++)
		v[i] = wire_get_u64(r);
	if (ok && !r->bad) {
		m->nshards = v[0], m->check = v[1], m->rows = v[2], m->near_pairs = v[3], m->streams = v[4];
		m->t = (struct walk_totals){ v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13] != 0 };
		m->hex = v[14], m->seeded = v[15], m->have_first = v[16] != 0;
		if (m->have_first) {
			m->first = *r;
			size_t n = wire_get_count(r, 8);
			for (size_t i = 0; i < n && !r->bad; i++) {
				size_t l = wire_get_count(r, 1);
				wire_get_raw(r, l);
			}
		}
		m->nls = wire_get_count(r, 40);
		m->ls = xcalloc(m->nls ? m->nls : 1, sizeof(*m->ls));
		for (size_t i = 0; i < m->nls && !r->bad; i++)
			m->ls[i] = schema_load(r);
		ok = !r->bad && m->streams <= INT32_MAX && m->nls <= (size_t)INT32_MAX;
	}
	if (!ok) {
		snprintf(err, errlen, "split %u: '%s' %s", k, p, m->buf ? "is damaged" : "cannot be read");
		mapmeta_release(m);
	}
	free(p);
	return ok ? 0 : -1;
}

/* Are the first record's columns (m->first) schema s's, in order? */
static int
first_is(const struct mapmeta *m, const struct schema *s)
{
	struct wire_r r = m->first;
	if (wire_get_count(&r, 8) != s->ncols)
		return 0;
	for (size_t c = 0; c < s->ncols; c++) {
		size_t l = wire_get_count(&r, 1);
		const uint8_t *n = wire_get_raw(&r, l);
		if (!n || l != s->name_len[c] || memcmp(n, s->names[c], l))
			return 0;
	}
	return !r.bad;
}

/* Do two schemas read the same records the same way: columns, types and ranks? */
static int
schema_same(const struct schema *a, const struct schema *b)
{
	if (a->ncols != b->ncols || !a->table != !b->table || (a->table && strcmp(a->table, b->table)))
		return 0;
	for (size_t c = 0; c < a->ncols; c++)
		if (a->name_len[c] != b->name_len[c] || memcmp(a->names[c], b->names[c], a->name_len[c]) ||
		    a->types[c] != b->types[c] || a->rank[c] != b->rank[c])
			return 0;
	return 1;
}

/* Runs the map steps of splits[0..n) that left no marker, again up to o->retries times. 0, or -1 (err). */
static int
maps_run(const struct analyze_opts *o, const unsigned *splits, size_t n, char *err, size_t errlen)
{
	unsigned *missing = xcalloc(n ? n : 1, sizeof(*missing));
	int rc = 0;
	for (unsigned tries = 0;; tries++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			char *p = map_path(o->work_dir, splits[i], "done");
			if (access(p, F_OK) != 0)
				missing[m++] = splits[i];
			free(p);
		}
		if (!m)
			break;
		if (tries > o->retries) {
			snprintf(err, errlen, "the map step of split %u failed %u time%s", missing[0], tries,
				 tries == 1 ? "" : "s");
			rc = -1;
			break;
		}
		if (o->stop && *o->stop) {
			snprintf(err, errlen, "interrupted");
			rc = -1;
			break;
		}
		char e[512] = "";
		if (o->map(o->map_ctx, o->work_dir, missing, m, e, sizeof(e)) < 0 && e[0])
			walk_say(o->in, "warning: the map steps: %s", e);
	}
	free(missing);
	return rc;
}

/* Reads up to n bytes: fewer only at the end of the file. The count, or -1 (errno). */
static ssize_t
read_full(int fd, void *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Split k's rows onto the analysis's rows file, their schema ids as the analysis numbers them. 0, or -1 (err). */
static int
rows_append(struct an *a, const char *path, const struct mapmeta *m, const int *sid_map, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 1u << 20, have = 0;
	uint8_t *b = xmalloc(cap);
	uint64_t rows = 0;
	int rc = 0, eof = 0;
	while (!rc) {
		if (!eof) {
			if (have == cap) {
				if (cap >= (1u << 30)) {
					rc = -2;
					break;
				}
				b = xrealloc(b, cap *= 2);
			}
			ssize_t got = read_full(fd, b + have, cap - have);
			if (got < 0) {
				snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
				rc = -1;
				break;
			}
			eof = (size_t)got < cap - have;
			have += (size_t)got;
		}
		size_t at = 0, l;
		while (have - at > 4 && (l = summary_len(b + at + 4, b + have, a->o->show_values)) > 0) {
			l += 4; /* its schema id first */
			uint32_t sid;
			memcpy(&sid, b + at, 4);
			if (sid >= m->nls || ++rows > m->rows) {
				rc = -2;
				break;
			}
			uint32_t to = (uint32_t)sid_map[sid];
			if (put_bytes(a, &to, 4) < 0 || put_bytes(a, b + at + 4, l - 4) < 0) {
				snprintf(err, errlen, "cannot write a spill file: %s", strerror(errno));
				rc = -1;
				break;
			}
			at += l;
		}
		memmove(b, b + at, have - at);
		have -= at;
		if (eof && !rc) {
			rc = have || rows != m->rows ? -2 : 0;
			break;
		}
	}
	if (rc == -2)
		snprintf(err, errlen, "'%s' is damaged", path);
	free(b);
	close(fd);
	return rc ? -1 : 0;
}

/* Split k's near keys onto the analysis's near file, their rows numbered after the splits before. */
static int
near_append(struct an *a, const char *path, const struct mapmeta *m, uint64_t off, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	uint64_t *kv = xmalloc(NEAR_BUF * 2 * sizeof(*kv)), n = 0;
	ssize_t got;
	int rc = 0;
	while (!rc && (got = read_full(fd, kv, NEAR_BUF * 2 * sizeof(*kv))) > 0) {
		size_t np = (size_t)got / (2 * sizeof(*kv));
		if ((size_t)got % (2 * sizeof(*kv)) || (n += np) > m->near_pairs) {
			rc = -2;
			break;
		}
		for (size_t i = 0; i < np; i++)
			kv[2 * i + 1] += off << 24;
		if (xio_write_all(a->near_fd, kv, np * 2 * sizeof(*kv)) < 0) {
			snprintf(err, errlen, "cannot write a spill file: %s", strerror(errno));
			rc = -1;
		}
	}
	if (!rc && got < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	} else if (rc == -2 || (!rc && n != m->near_pairs)) {
		snprintf(err, errlen, "'%s' is damaged", path);
		rc = -1;
	}
	a->near_pairs += n;
	free(kv);
	close(fd);
	return rc;
}

/* Split k's results into the analysis, as if it had read them itself. 0, or -1 (err). */
static int
map_merge(struct an_run *R, unsigned k, struct mapmeta *m, int share, uint64_t soff, char *err, size_t errlen)
{
	struct an *a = &R->a;
	const char *dir = a->o->work_dir;
	int *sid_map = xcalloc(m->nls ? m->nls : 1, sizeof(*sid_map));
	for (size_t i = 0; i < m->nls; i++) {
		struct schema *s = m->ls[i];
		if (i == 0 && share) { /* the schema of the split before's last stream, shared */
			struct schema *p = a->ss.v[a->ss.n - 1];
			sid_map[0] = p->id;
			p->stream = (int)(soff + (uint64_t)s->stream);
			schema_drop(s);
		} else {
			int stream = s->stream;
			schemas_adopt(&a->ss, s);
			s->stream = (int)(soff + (uint64_t)stream);
			sid_map[i] = s->id;
		}
		m->ls[i] = NULL;
	}
	int rc = profile_load_merge(&R->prof, &m->r, sid_map, m->nls) < 0 || link_freq_load_add(&a->lf, &m->r) < 0 ||
			 m->r.p != m->r.end
		     ? -1
		     : 0;
	if (rc)
		snprintf(err, errlen, "split %u: its meta file is damaged", k);
	char *p = map_path(dir, k, "rows");
	if (!rc)
		rc = rows_append(a, p, m, sid_map, err, errlen);
	free(p);
	p = map_path(dir, k, "near");
	if (!rc)
		rc = near_append(a, p, m, a->rows, err, errlen);
	free(p);
	free(sid_map);
	struct walk_totals *t = &R->rep.walk;
	t->paths += m->t.paths;
	t->streams += m->t.streams;
	t->failed += m->t.failed;
	t->empty += m->t.empty;
	t->parsed += m->t.parsed;
	t->rejected += m->t.rejected;
	t->bad_sequences += m->t.bad_sequences;
	t->bytes += m->t.bytes;
	t->stopped |= m->t.stopped;
	R->hex += m->hex;
	a->rows += m->rows;
	a->emitted += m->rows;
	return rc;
}

/* A seed: schema s alone, saved for split k's step to share (analyze_map()). */
static int
seed_write(const char *dir, unsigned k, struct schema *s, char *err, size_t errlen)
{
	struct schemas one;
	memset(&one, 0, sizeof(one));
	one.v = &s;
	one.n = 1;
	struct dynbuf b;
	dynbuf_init(&b, 1u << 30);
	int rc = schemas_save(&one, &b);
	char *p = map_path(dir, k, "seed");
	/* schemas_save() wrote the count first: a seed is the schema alone */
	if (!rc)
		rc = put_file(p, b.buf + 8, b.len - 8, err, errlen);
	else
		snprintf(err, errlen, "cannot save the schema for split %u", k);
	free(p);
	dynbuf_release(&b);
	return rc;
}

/*
 * Step 1 over map steps (analyze.h, "Map steps"): the splits written, the
 * steps run, their results read back in order. 0, or -1 (err).
 */
static int
run_maps(struct an_run *R, char **paths, int npaths, char *err, size_t errlen)
{
	struct an *a = &R->a;
	const struct analyze_opts *o = a->o;
	const char *dir = o->work_dir;
	const struct lib_shard *sv;
	size_t ns = library_shards(R->lib, &sv);
	ns = ns ? ns : 1;

	if ((a->rows_fd = spill_open(o, NULL, "rows", err, errlen)) < 0 ||
	    (a->near_fd = spill_open(o, NULL, "near", err, errlen)) < 0)
		return -1;
	a->rbuf = xmalloc(1u << 20);
	if (link_freq_init(&a->lf) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct schemas_opts so = { .region = o->region, .share = 1, .ctx = a };
	schemas_init(&a->ss, &so);
	/* the keys went to the shards' files: the analysis's own sort stays empty */
	struct bsort_opts bo = { .memory = 4u << 20, .tmpdir = o->tmpdir, .producers = 1, .nsets = FACT_SETS,
				 .with_values = 1 };
	if (!(a->bs = bsort_new(&bo, err, errlen)))
		return -1;
	unsigned m = splits_write(dir, paths, npaths, o->splits < MAPS_MAX ? o->splits : MAPS_MAX, err, errlen);
	if (!m)
		return -1;
	R->map_off = xcalloc(m, sizeof(*R->map_off));
	R->nmaps = m;
	unsigned *all = xcalloc(m, sizeof(*all));
	for (unsigned k = 0; k < m; k++) {
		all[k] = k;
		map_clean(dir, k, ns, 1, 1);
	}
	int rc = maps_run(o, all, m, err, errlen);
	free(all);
	uint64_t check = key_check_of(&a->key), soff = 0;
	for (unsigned k = 0; k < m && !rc; k++) {
		struct mapmeta mm;
		int share = 0;
		for (unsigned again = 0; !rc; again++) {
			if ((rc = mapmeta_read(dir, k, &mm, err, errlen)) < 0)
				break;
			if (mm.nshards != ns || mm.check != check) {
				snprintf(err, errlen, "split %u was read %s", k,
					 mm.check != check ? "under another key" : "for another layout of the library");
				rc = -1;
				break;
			}
			/* would its first stream have shared the schema of the split before's last? */
			struct schema *p = a->ss.n ? a->ss.v[a->ss.n - 1] : NULL;
			share = p && mm.have_first && p->typed && !p->table && (uint64_t)(p->stream + 1) == soff &&
				first_is(&mm, p);
			int fine = share ? mm.nls && schema_same(mm.ls[0], p) : !mm.seeded;
			if (fine)
				break;
			mapmeta_release(&mm);
			if (again) {
				snprintf(err, errlen, "split %u: its step does not share the schema it was given", k);
				rc = -1;
				break;
			}
			/* typed apart, it came out different: read it again with the schema given (or, given
			 * one it should not share, an earlier run's, without) */
			map_clean(dir, k, ns, 1, 1);
			if (share) {
				rc = seed_write(dir, k, p, err, errlen);
				walk_say(o->in,
					 "note: split %u is read again: its first stream shares the schema of the split before",
					 k);
			}
			unsigned one = k;
			if (!rc)
				rc = maps_run(o, &one, 1, err, errlen);
		}
		if (rc)
			break;
		R->map_off[k] = a->rows;
		rc = map_merge(R, k, &mm, share, soff, err, errlen);
		soff += mm.streams;
		mapmeta_release(&mm);
		map_clean(dir, k, ns, 0, 1); /* its keys stay for round 1 */
	}
	if (!rc && a->rlen && xio_write_all(a->rows_fd, a->rbuf, a->rlen) < 0) {
		snprintf(err, errlen, "cannot write a spill file: %s", strerror(errno));
		rc = -1;
	}
	a->rlen = 0;
	if (!rc && *a->stop) {
		snprintf(err, errlen, "interrupted");
		rc = -1;
	}
	char *p = xasprintf("%s/splits", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/map.args", dir); /* the map steps' options (cmd/map.c) */
	unlink(p);
	free(p);
	walk_counted(R);
	return rc;
}

/* ------------------------------------------------------------------ */
/* A reduce step (analyze.h: "Shuffle and reduce"). */

struct job {
	char *library, *key_file;
	uint64_t rows, nexact;
	size_t nshards, nleaks;
	int64_t *ids;
	size_t *nsets;
	uint64_t *digests;
	int *unreadable; /* left out by the analyzing process: left out here too */
	unsigned nmaps;	 /* map steps whose keys round 1 reads too */
	uint64_t *map_off;
};

static void
job_release(struct job *jb)
{
	free(jb->library);
	free(jb->key_file);
	free(jb->ids);
	free(jb->nsets);
	free(jb->digests);
	free(jb->unreadable);
	free(jb->map_off);
}

static int
job_read(const char *dir, struct job *jb, char *err, size_t errlen)
{
	char *p = work_path(dir, "job", 0, 0);
	size_t len = 0, got = 0;
	uint8_t *b = slurp(p, 64u << 20, &len);
	memset(jb, 0, sizeof(*jb));
	if (!b) {
		snprintf(err, errlen, "cannot read the job '%s': %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	b = xrealloc(b, len + 1);
	b[len] = '\0';
	int bad = strncmp((char *)b, JOB_MAGIC "\n", strlen(JOB_MAGIC) + 1) != 0;
	char *save = NULL;
	for (char *line = strtok_r((char *)b, "\n", &save); line && !bad; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long a, c;
		long long id;
		size_t ns;
		int ur;
		if (!strncmp(line, "library ", 8))
			bad = !(jb->library = wire_unhex(line + 8)) || !*jb->library;
		else if (!strncmp(line, "key_file ", 9))
			bad = !(jb->key_file = wire_unhex(line + 9));
		else if (sscanf(line, "rows %llu", &a) == 1)
			jb->rows = a;
		else if (sscanf(line, "exact %llu", &a) == 1)
			jb->nexact = a;
		else if (sscanf(line, "shards %zu", &ns) == 1)
			jb->nshards = ns;
		else if (sscanf(line, "leaks %zu", &ns) == 1) {
			bad = ns > (1u << 20) || jb->ids;
			if (!bad) {
				jb->nleaks = ns;
				jb->ids = xcalloc(ns ? ns : 1, sizeof(*jb->ids));
				jb->nsets = xcalloc(ns ? ns : 1, sizeof(*jb->nsets));
				jb->digests = xcalloc(ns ? ns : 1, sizeof(*jb->digests));
				jb->unreadable = xcalloc(ns ? ns : 1, sizeof(*jb->unreadable));
			}
		} else if (sscanf(line, "maps %llu", &a) == 1) {
			bad = a > MAPS_MAX || jb->map_off;
			if (!bad) {
				jb->nmaps = (unsigned)a;
				jb->map_off = xcalloc(a ? a : 1, sizeof(*jb->map_off));
			}
		} else if (sscanf(line, "map %llu %llu", &a, &c) == 2) {
			bad = !jb->map_off || a >= jb->nmaps || c > jb->rows;
			if (!bad)
				jb->map_off[a] = c;
		} else if (sscanf(line, "leak %lld %zu %llx %d", &id, &ns, &c, &ur) == 4) {
			bad = !jb->ids || got >= jb->nleaks;
			if (!bad) {
				jb->ids[got] = id;
				jb->nsets[got] = ns;
				jb->unreadable[got] = ur != 0;
				jb->digests[got++] = c;
			}
		}
	}
	free(b);
	if (bad || !jb->library || got != jb->nleaks || !jb->nshards || jb->nexact > jb->rows + 1) {
		snprintf(err, errlen, "the job in '%s' is not valid", dir);
		job_release(jb);
		return -1;
	}
	if (jb->key_file && !*jb->key_file) {
		free(jb->key_file);
		jb->key_file = NULL;
	}
	return 0;
}

/* The round's keys of one shard into bs, off added to their rows. 0, or -1 (err). */
static int
reduce_read(const char *path, struct bsort *bs, uint64_t off, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	uint64_t *t = NULL;
	uint32_t head[2];
	int rc = 0;
	while (!rc && fread(head, sizeof(head), 1, f) == 1) {
		size_t n = head[0];
		if (!n || n > (1u << 24) || head[1]) {
			snprintf(err, errlen, "'%s' is damaged", path);
			rc = -1;
			break;
		}
		if (n > cap) {
			cap = n;
			free(t);
			t = xmalloc(cap * 3 * sizeof(*t));
		}
		if (fread(t, 3 * sizeof(*t), n, f) != n) {
			snprintf(err, errlen, "'%s' is cut short", path);
			rc = -1;
			break;
		}
		for (size_t i = 0; off && i < n; i++)
			t[3 * i + 2] += off << 24;
		/* a set out of range is dropped by bsort_add() */
		if (bsort_add(bs, 0, t, n) < 0) {
			snprintf(err, errlen, "cannot write a spill file");
			rc = -1;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	free(t);
	return rc;
}

/* Round 1's keys from the map steps too, their rows numbered after the splits before. 0, or -1 (err). */
static int
reduce_maps(const struct reduce_opts *o, const struct job *jb, struct bsort *bs, char *err, size_t errlen)
{
	for (unsigned k = 0; o->round == 1 && k < jb->nmaps; k++) {
		char *p = map_in_path(o->work_dir, k, o->shard);
		int rc = reduce_read(p, bs, jb->map_off[k], err, errlen);
		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Writes the step's counts and exact bits, then renames its files into place, the marker last. */
static int
reduce_finish(const struct reduce_opts *o, struct joiner *j, char *err, size_t errlen)
{
	static const char *const outs[] = { "hits", "cand", "exact", "count" };
	int rc = 0;
	if (j->exact) {
		char *p = work_path(o->work_dir, "exact.part", o->round, o->shard);
		FILE *f = fopen(p, "we");
		rc = !f || fwrite(j->exact, 1, j->nexact, f) != j->nexact;
		rc |= f && fclose(f) != 0;
		free(p);
	}
	char *p = work_path(o->work_dir, "count.part", o->round, o->shard);
	FILE *f = fopen(p, "we");
	free(p);
	if (f) {
		fprintf(f, "problems %d\ndups %" PRIu64 " %" PRIu64 "\n", j->rep->problems, j->rep->dup_exact,
			j->rep->dup_norm);
		for (size_t i = 0; i < j->nleaks; i++)
			fprintf(f, "leak %zu %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n", i, j->leaks[i].assocs,
				j->leaks[i].records, j->leaks[i].nears, j->leaks[i].unreadable);
		rc |= fclose(f) != 0;
	} else
		rc = 1;
	for (size_t i = 0; i < sizeof(outs) / sizeof(*outs) && !rc; i++) {
		char *pw = xasprintf("%s.part", outs[i]);
		char *part = work_path(o->work_dir, pw, o->round, o->shard);
		free(pw);
		char *to = work_path(o->work_dir, outs[i], o->round, o->shard);
		if (rename(part, to) < 0 && errno != ENOENT)
			rc = 1;
		free(part);
		free(to);
	}
	p = work_path(o->work_dir, "done", o->round, o->shard);
	if (!rc) {
		f = fopen(p, "we");
		rc = !f || fclose(f) != 0;
	}
	if (rc)
		snprintf(err, errlen, "cannot write in '%s': %s", o->work_dir, strerror(errno));
	free(p);
	return rc ? -1 : 0;
}

int
analyze_reduce(const struct reduce_opts *o, char *err, size_t errlen)
{
	static volatile sig_atomic_t never_r;
	struct job jb;
	struct joiner j;
	struct report rep;
	struct fp_key key;
	struct library *lib = NULL;
	struct lib_leak *ll = NULL;
	struct aleak *leaks = NULL;
	size_t nl = 0;
	struct bsort *bs = NULL;
	char e[1024];
	int rc = -1;

	memset(&j, 0, sizeof(j));
	memset(&rep, 0, sizeof(rep));
	memset(&key, 0, sizeof(key));
	err[0] = '\0';
	if (job_read(o->work_dir, &jb, err, errlen) < 0)
		return DT_FATAL;
	if (o->shard >= jb.nshards || !o->round || o->round > 3) {
		snprintf(err, errlen, "round %u, shard %u: the job has %zu shards and 3 rounds", o->round, o->shard,
			 jb.nshards);
		job_release(&jb);
		return DT_FATAL;
	}
	struct lib_open_opts lo = { .mode = LIB_READ, .only_shard = o->shard + 1 };
	if (!(lib = library_open(jb.library, &lo, err, errlen)))
		goto out;
	const struct lib_shard *sv;
	size_t ns = library_shards(lib, &sv);
	if ((ns ? ns : 1) != jb.nshards) {
		snprintf(err, errlen, "library '%s' has %zu shards, the analysis %zu: it was split again since",
			 jb.library, ns ? ns : 1, jb.nshards);
		goto out;
	}
	if (library_key(lib, jb.key_file, 0, &key, err, errlen) < 0 || library_leaks(lib, &ll, &nl, err, errlen) < 0)
		goto out;
	if (nl != jb.nleaks) {
		snprintf(err, errlen, "library '%s' changed since the analysis began (%zu leaks, %zu then)", jb.library,
			 nl, jb.nleaks);
		goto out;
	}
	leaks = xcalloc(nl ? nl : 1, sizeof(*leaks));
	for (size_t i = 0; i < nl; i++) {
		leaks[i].l = ll[i];
		if (library_sets(lib, ll[i].id, &leaks[i].sets, &leaks[i].nsets, e, sizeof(e)) < 0) {
			walk_say(o->in, "error: leak '%s': %s", ll[i].name, e);
			leaks[i].unreadable = 1;
			rep.problems += !jb.unreadable[i]; /* the analyzing process counted its own */
		}
		if (ll[i].id != jb.ids[i] || ll[i].digest != jb.digests[i] ||
		    (!jb.unreadable[i] && !leaks[i].unreadable && leaks[i].nsets != jb.nsets[i])) {
			snprintf(err, errlen, "library '%s' changed since the analysis began (leak '%s')", jb.library,
				 ll[i].name);
			goto out;
		}
		leaks[i].unreadable |= jb.unreadable[i]; /* left out there, left out here */
	}
	j.in = o->in;
	j.stop = o->stop ? o->stop : &never_r;
	j.lib = lib;
	j.leaks = leaks;
	j.nleaks = nl;
	j.rep = &rep;
	j.key = &key;
	j.base = xcalloc(nl + 1, sizeof(*j.base));
	for (size_t i = 0; i < nl; i++)
		j.base[i + 1] = j.base[i] + leaks[i].nsets;
	j.open = xcalloc(j.base[nl] ? j.base[nl] : 1, sizeof(*j.open));
	pthread_mutex_init(&j.mu, NULL);
	if (o->round == 1 && jb.nexact) {
		j.exact = xcalloc(jb.nexact, 1);
		j.nexact = jb.nexact;
	}
	char *hp = work_path(o->work_dir, "hits.part", o->round, o->shard);
	char *cp = work_path(o->work_dir, "cand.part", o->round, o->shard);
	j.hits_out = fopen(hp, "we");
	j.cand_out = fopen(cp, "we");
	free(hp);
	free(cp);
	struct bsort_opts bo = { .memory = o->memory / 2, .tmpdir = o->tmpdir, .producers = 1,
				 .nsets = FACT_SETS, .with_values = 1 };
	char *ip = work_path(o->work_dir, "in", o->round, o->shard);
	if (!j.hits_out || !j.cand_out)
		snprintf(err, errlen, "cannot write in '%s': %s", o->work_dir, strerror(errno));
	else if ((bs = bsort_new(&bo, err, errlen)) && reduce_read(ip, bs, 0, err, errlen) == 0 &&
		 reduce_maps(o, &jb, bs, err, errlen) == 0 && join_all(bs, &j, o->threads ? o->threads : 1, err, errlen) == 0) {
		int c1 = fclose(j.hits_out), c2 = fclose(j.cand_out);
		j.hits_out = j.cand_out = NULL;
		if (c1 || c2)
			snprintf(err, errlen, "cannot write in '%s': %s", o->work_dir, strerror(errno));
		else if (reduce_finish(o, &j, err, errlen) == 0)
			rc = 0;
	}
	free(ip);
	if (j.hits_out)
		fclose(j.hits_out);
	if (j.cand_out)
		fclose(j.cand_out);
	bsort_free(bs);
	free(j.exact);
	joiner_release(&j, nl);
out:
	if (leaks)
		for (size_t i = 0; i < nl; i++)
			free(leaks[i].sets);
	free(leaks);
	lib_leaks_free(ll, nl);
	fp_key_release(&key);
	library_close(lib);
	job_release(&jb);
	return rc ? DT_FATAL : DT_OK;
}
