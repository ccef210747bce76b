/*
 * Foreign keys followed at ingest; see joins.h.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/joins.h"
#include "core/types.h"
#include "core/xio.h"
#include "core/xalloc.h"

#define JOIN_HOPS 2	   /* customer -> address -> city */
#define JOIN_BUF (1 << 20) /* a worker's rows written at once; a file read back by as much */

struct jcol {
	size_t col;
	uint64_t colid;	 /* its table's and its own name's hash (col_id()) */
	uint64_t target; /* hash of the table it names ("address" for address_id); 0: undecided */
};

struct joins_schema {
	uint64_t table; /* its own name's hash */
	struct jcol *cols;
	size_t ncols;
};

/* A row as it is written: this, its facts, then 2 words a key column (its colid, its value's hash). */
struct jhdr {
	uint64_t table;
	uint32_t nfacts, nkeys;
};

/* A fact as a row keeps it: no private key (the row itself gave it), 24 bytes, not 40. */
struct cfact {
	uint64_t fp;
	uint32_t sig[NEAR_WORDS];
	uint16_t col;
	uint8_t type, flags;
};

_Static_assert(sizeof(struct cfact) % 8 == 0, "rows are read in place: 8-byte parts");

static void
fact_pack(struct cfact *c, const struct fact *f)
{
	c->fp = f->fp;
	memcpy(c->sig, f->sig, sizeof(c->sig));
	c->col = f->col;
	c->type = f->type;
	c->flags = f->flags;
}

static void
fact_unpack(struct fact *f, const struct cfact *c)
{
	memset(f, 0, sizeof(*f));
	f->fp = c->fp;
	memcpy(f->sig, c->sig, sizeof(f->sig));
	f->col = c->col;
	f->type = c->type;
	f->flags = c->flags;
}

/*
 * The name in lower case, letters and digits only, a plural's "s" (or
 * "es", "ies" for "y") dropped: "Addresses" and "address" are one table,
 * "cities" and "city" too.
 */
static uint64_t
name_hash(const char *p, size_t n)
{
	char b[256];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < sizeof(b); i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 'A' && c <= 'Z')
			b[k++] = (char)(c + 32);
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			b[k++] = (char)c;
	}
	if (k > 4 && b[k - 1] == 's' && b[k - 2] == 'e' && b[k - 3] == 's')
		k -= 2; /* addresses */
	else if (k > 4 && b[k - 1] == 's' && b[k - 2] == 'e' && b[k - 3] == 'i')
		b[k - 3] = 'y', k -= 2; /* cities, companies */
	else if (k > 3 && b[k - 1] == 's' && b[k - 2] != 's')
		k--;
	return XXH3_64bits(b, k) | 1; /* never 0 */
}

/*
 * A key column: "id" (the table's own), "<table>_id", "<table>Id",
 * "<table>ID", "id_<table>". *target: the table it names, 0 for its own.
 */
static int
key_column(const char *p, size_t n, uint64_t own, uint64_t *target)
{
	if ((n == 2 && (p[0] | 0x20) == 'i' && (p[1] | 0x20) == 'd')) {
		*target = own;
		return 1;
	}
	if (n > 3 && (p[n - 2] == 'I' || p[n - 2] == 'i') && (p[n - 1] | 0x20) == 'd') {
		size_t k = n - 2;
		int sep = p[k - 1] == '_' || p[k - 1] == ' ' || p[k - 1] == '-';
		/* "address_id", or camel case "addressId"/"AddressID"; not "paid" */
		if (!sep && !(p[n - 2] == 'I' && p[k - 1] >= 'a' && p[k - 1] <= 'z'))
			return 0;
		while (k && (p[k - 1] == '_' || p[k - 1] == ' ' || p[k - 1] == '-'))
			k--;
		if (!k)
			return 0;
		*target = name_hash(p, k);
		return 1;
	}
	if (n > 3 && (p[0] | 0x20) == 'i' && (p[1] | 0x20) == 'd' && p[2] == '_') {
		*target = name_hash(p + 3, n - 3);
		return 1;
	}
	return 0;
}

/* Is name[0..n) the NUL-terminated c, in any case? */
static int
same_name(const char *name, size_t n, const char *c)
{
	return strlen(c) == n && !strncasecmp(name, c, n);
}

/* A column as keys name it: its table's hash and its name in lower case. */
static uint64_t
col_id(uint64_t table, const char *p, size_t n)
{
	char b[256];
	size_t k = n < sizeof(b) ? n : sizeof(b);
	for (size_t i = 0; i < k; i++)
		b[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
	return XXH3_64bits_withSeed(b, k, table) | 1;
}

void
joins_decl_init(struct joins_decl *d, const char *table, const char *col, const char *ref_table,
		const char *ref_col)
{
	d->table = name_hash(table, strlen(table));
	d->ref_table = name_hash(ref_table, strlen(ref_table));
	d->col = xstrdup(col);
	d->ref_col = ref_col ? xstrdup(ref_col) : NULL;
}

void
joins_decl_release(struct joins_decl *d)
{
	free(d->col);
	free(d->ref_col);
}

struct joins_schema *
joins_schema_new(const struct schema *s, const struct joins_decl *d, size_t nd)
{
	struct joins_schema *m = xcalloc(1, sizeof(*m));
	m->table = s->table ? name_hash(s->table, strlen(s->table)) : 0;
	if (!m->table)
		return m; /* a flat file: nothing to join */
	m->cols = xcalloc(s->ncols ? s->ncols : 1, sizeof(*m->cols));
	size_t undecided = 0;
	/* the keys by name or declaration, then numbers, then short texts a later declaration may name */
	for (int pass = 0; pass < 3; pass++)
		for (size_t c = 0; c < s->ncols; c++) {
			uint64_t t = 0;
			/* an identifier under an "_id" header (national_id) is a fact, not a key */
			if (types_is_identifier(s->types[c]) || s->types[c] == DT_CARD)
				continue;
			const char *nm = s->names[c];
			size_t nl = s->name_len[c];
			int key = 0;
			for (size_t k = 0; k < nd && !key; k++) {
				if (d[k].table == m->table && same_name(nm, nl, d[k].col)) {
					t = d[k].ref_table; /* it references */
					key = 1;
				} else if (d[k].ref_col && d[k].ref_table == m->table && same_name(nm, nl, d[k].ref_col)) {
					t = m->table; /* it is referenced: the table's own key */
					key = 1;
				}
			}
			if (!key)
				key = key_column(nm, nl, m->table, &t);
			if (pass == 0 ? !key
				      : key || undecided == JOINS_UNDECIDED ||
					    s->types[c] != (pass == 1 ? DT_NUMBER : DT_TEXT))
				continue;
			if (!key) {
				t = 0;
				undecided++;
			}
			m->cols[m->ncols++] = (struct jcol){ c, col_id(m->table, nm, nl), t };
		}
	return m;
}

void
joins_schema_free(struct joins_schema *m)
{
	if (!m)
		return;
	free(m->cols);
	free(m);
}

/* The value as a key: blanks around it dropped, a number's leading zeros too. */
static uint64_t
value_hash(const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	while (n > 1 && *v == '0')
		v++, n--;
	return XXH3_64bits(v, n);
}

static void
rows_flush(struct joins_rows *jr)
{
	if (!jr->len || jr->err)
		return;
	if (!jr->open) {
		jr->fd = xio_tmpfile(jr->tmpdir ? jr->tmpdir : "/tmp", "joins", NULL, 0);
		if (jr->fd < 0) {
			jr->err = errno ? errno : EIO;
			jr->len = 0;
			return;
		}
		jr->open = 1;
	}
	if (xio_write_all(jr->fd, jr->buf, jr->len) < 0)
		jr->err = errno ? errno : EIO;
	jr->len = 0;
}

void
joins_row(struct joins_rows *jr, const struct joins_schema *m, const struct schema *s,
	  const struct record *rec, const struct facts *f)
{
	if (!m || !m->ncols || !f->n || jr->err)
		return;
	uint64_t kv[2 * 16];
	size_t nk = 0;
	for (size_t i = 0; i < rec->nfields && nk < 16; i++) {
		const struct field *fl = &rec->fields[i];
		if (fl->is_null || !fl->len)
			continue;
		size_t c = schema_col(s, fl, i);
		for (size_t k = 0; k < m->ncols; k++)
			if (m->cols[k].col == c) {
				kv[2 * nk] = m->cols[k].colid;
				kv[2 * nk + 1] = value_hash(fl->val, fl->len);
				nk++;
				break;
			}
	}
	if (!nk)
		return;
	struct jhdr h = { m->table, (uint32_t)f->n, (uint32_t)nk };
	size_t need = sizeof(h) + f->n * sizeof(struct cfact) + 2 * nk * sizeof(*kv);
	if (!jr->cap) {
		jr->cap = JOIN_BUF;
		jr->buf = xmalloc(jr->cap);
	}
	if (jr->len + need > jr->cap)
		rows_flush(jr);
	if (jr->err)
		return; /* joins_finish() says why */
	memcpy(jr->buf + jr->len, &h, sizeof(h));
	for (size_t i = 0; i < f->n; i++) {
		struct cfact c;
		fact_pack(&c, &f->v[i]);
		memcpy(jr->buf + jr->len + sizeof(h) + i * sizeof(c), &c, sizeof(c));
	}
	memcpy(jr->buf + jr->len + sizeof(h) + f->n * sizeof(struct cfact), kv, 2 * nk * sizeof(*kv));
	jr->len += need;
	jr->nrows++;
}

void
joins_rows_release(struct joins_rows *jr)
{
	if (jr->open)
		close(jr->fd);
	free(jr->buf);
	const char *tmpdir = jr->tmpdir;
	memset(jr, 0, sizeof(*jr));
	jr->tmpdir = tmpdir;
}

/* A worker's rows read back in order: from its file, then what its buffer holds. */
struct scan {
	struct joins_rows *jr;
	unsigned char *buf; /* JOIN_BUF: the file's bytes */
	size_t len, pos;
	uint64_t off;
	int in_file, err;
};

struct srow {
	struct jhdr h;
	const struct cfact *facts;
	const uint64_t *keys;
};

/* The next row into *r: 1, 0 at the end, -1 on a read error (errno). */
static int
scan_next(struct scan *sc, struct srow *r)
{
	for (;;) {
		const unsigned char *p = sc->in_file ? sc->buf : sc->jr->buf;
		size_t len = sc->in_file ? sc->len : sc->jr->len;
		if (sc->pos + sizeof(struct jhdr) <= len) {
			struct jhdr h;
			memcpy(&h, p + sc->pos, sizeof(h));
			size_t need = sizeof(h) + h.nfacts * sizeof(struct cfact) + 2 * (size_t)h.nkeys * 8;
			if (sc->pos + need <= len) {
				r->h = h;
				/* every part a multiple of 8 bytes from an aligned buffer: aligned */
				r->facts = (const struct cfact *)(const void *)(p + sc->pos + sizeof(h));
				r->keys = (const uint64_t *)(const void *)(p + sc->pos + sizeof(h) +
									 h.nfacts * sizeof(struct cfact));
				sc->pos += need;
				return 1;
			}
		}
		if (!sc->in_file)
			return 0; /* the buffer holds whole rows */
		/* the rest of the file's bytes to the front, then more */
		memmove(sc->buf, sc->buf + sc->pos, sc->len - sc->pos);
		sc->len -= sc->pos;
		sc->pos = 0;
		ssize_t got = pread(sc->jr->fd, sc->buf + sc->len, JOIN_BUF - sc->len, (off_t)sc->off);
		if (got < 0)
			return -1;
		if (got == 0) {
			/* the file done: the buffer's rows are next */
			sc->in_file = 0;
			sc->pos = 0;
			continue;
		}
		sc->off += (uint64_t)got;
		sc->len += (size_t)got;
	}
}

static void
scan_start(struct scan *sc, struct joins_rows *jr, unsigned char *buf)
{
	*sc = (struct scan){ .jr = jr, .buf = buf, .in_file = jr->open };
}

/* What the keys say of a column (by its colid): the table it references, or its own; by which column. */
struct colinfo {
	uint64_t colid, table, target, refcol; /* refcol: the referenced column's colid, 0 for its first key */
};

struct colmap {
	struct colinfo *v;
	size_t mask;
};

static struct colinfo *
colmap_slot(struct colmap *cm, uint64_t colid)
{
	size_t i = (size_t)(colid * 0x9E3779B97F4A7C15ull >> 17) & cm->mask;
	while (cm->v[i].colid && cm->v[i].colid != colid)
		i = (i + 1) & cm->mask;
	return &cm->v[i];
}

static const struct colinfo *
colmap_get(const struct colmap *cm, uint64_t colid)
{
	const struct colinfo *c = colmap_slot((struct colmap *)cm, colid);
	return c->colid && c->target ? c : NULL;
}

static void
colmap_put(struct colmap *cm, uint64_t colid, uint64_t table, uint64_t target, uint64_t refcol)
{
	struct colinfo *c = colmap_slot(cm, colid);
	*c = (struct colinfo){ colid, table, target, refcol };
}

/* An in-memory row of a referenced table. */
struct mrow {
	uint64_t ord; /* its worker and place, to know a row that references itself */
	uint64_t table;
	uint32_t fact_off, key_off;
	uint32_t nfacts, nkeys;
};

struct index {
	uint64_t *key; /* index_key(); 0 empty */
	uint32_t *row;
	size_t mask;
};

static uint64_t
index_key(uint64_t by, uint64_t value)
{
	uint64_t k = by ^ (value * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
	return k ? k : 1;
}

static void
index_put(struct index *ix, uint64_t k, uint32_t row)
{
	size_t s = (size_t)(k * 0xff51afd7ed558ccdull >> 7) & ix->mask;
	while (ix->key[s] && ix->key[s] != k)
		s = (s + 1) & ix->mask;
	if (!ix->key[s]) { /* a second row of one key: the first stands */
		ix->key[s] = k;
		ix->row[s] = row;
	}
}

static long
index_find(const struct index *ix, uint64_t k)
{
	for (size_t i = (size_t)(k * 0xff51afd7ed558ccdull >> 7) & ix->mask;; i = (i + 1) & ix->mask) {
		if (!ix->key[i])
			return -1;
		if (ix->key[i] == k)
			return (long)ix->row[i];
	}
}

/* The row a reference names: by the referenced column, or by its table's first own key. */
static long
resolve(const struct index *ix, const struct colinfo *c, uint64_t value)
{
	return index_find(ix, index_key(c->refcol ? c->refcol : c->target, value));
}

/*
 * The keys of the joined row, r's facts and those its references reach,
 * as facts_keys() makes them for a row of a flat file: the associations
 * across the tables, and also the near keys under each anchor and the
 * quasi-identifier blocks and signatures of the person (a dump that
 * joins the tables has the name beside the address: a row without an
 * identifier is then linked as it is to a flat leak). Not its record
 * key: the leak's records are its rows, not their joins.
 */
static int
joined_keys(struct facts *jf, const struct fact *r, size_t nr, const struct fact *t, size_t nt,
	    joins_emit_fn emit, void *ctx)
{
	jf->n = 0;
	for (size_t i = 0; i < nr + nt && jf->n < FACTS_MAX; i++) {
		const struct fact *x = i < nr ? &r[i] : &t[i - nr];
		size_t k = 0;
		while (k < jf->n && !(jf->v[k].type == x->type && jf->v[k].fp == x->fp))
			k++;
		if (k == jf->n)
			jf->v[jf->n++] = *x;
	}
	size_t n = facts_keys(jf);
	for (size_t i = 0; i < n; i++) {
		if (FACT_SET_KIND(jf->keys[i].set) == FACT_RECORD)
			continue;
		int rc = emit(ctx, jf->keys[i].key, jf->keys[i].set);
		if (rc)
			return rc;
	}
	return 0;
}

/* Where a table is among those some reference names (sorted, distinct); -1: not there. */
static long
target_index(const uint64_t *t, size_t n, uint64_t table)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid] < table)
			lo = mid + 1;
		else if (t[mid] > table)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

/* A referenced table's rows and bytes in memory; taken when they fit. */
struct tsize {
	uint64_t bytes, rows;
	int taken;
};

static int
tsize_cmp(const void *a, const void *b)
{
	const struct tsize *x = *(const struct tsize *const *)a, *y = *(const struct tsize *const *)b;
	return x->bytes < y->bytes ? -1 : x->bytes > y->bytes;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * What a row read back takes: itself, its facts and keys, and its index
 * slots (one per own key and one under the table; the index has twice
 * the slots it needs, rounded up to a power of two: 48 bytes a slot at most).
 */
static uint64_t
row_bytes(const struct srow *r)
{
	return sizeof(struct mrow) + r->h.nfacts * sizeof(struct cfact) + 2 * (uint64_t)r->h.nkeys * 8 +
	       48 * (uint64_t)(r->h.nkeys + 1);
}

/* The read-back rows of referenced tables. */
struct mem {
	struct mrow *rows;
	size_t nrows, rows_alloc;
	struct cfact *facts;
	size_t nfacts, facts_alloc;
	uint64_t *keys;
	size_t nkeys, keys_alloc;
	uint64_t bytes;
};

static void
mem_add(struct mem *M, uint64_t ord, const struct srow *r)
{
	if (M->nrows == M->rows_alloc)
		M->rows = xgrow(M->rows, &M->rows_alloc, M->nrows + 1, sizeof(*M->rows));
	if (M->nfacts + r->h.nfacts > M->facts_alloc)
		M->facts = xgrow(M->facts, &M->facts_alloc, M->nfacts + r->h.nfacts, sizeof(*M->facts));
	if (M->nkeys + 2 * r->h.nkeys > M->keys_alloc)
		M->keys = xgrow(M->keys, &M->keys_alloc, M->nkeys + 2 * r->h.nkeys, sizeof(*M->keys));
	M->rows[M->nrows++] = (struct mrow){ ord, r->h.table, (uint32_t)M->nfacts, (uint32_t)M->nkeys,
					     r->h.nfacts, r->h.nkeys };
	memcpy(M->facts + M->nfacts, r->facts, r->h.nfacts * sizeof(*r->facts));
	M->nfacts += r->h.nfacts;
	memcpy(M->keys + M->nkeys, r->keys, 2 * r->h.nkeys * sizeof(*r->keys));
	M->nkeys += 2 * r->h.nkeys;
	M->bytes += row_bytes(r);
}

int
joins_finish(struct joins_rows *jr, unsigned n, struct joins_schema *const *m, size_t nm,
	     const struct joins_decl *d, size_t nd, const struct fp_key *key, uint64_t memory,
	     joins_emit_fn emit, void *ctx, struct joins_stats *st)
{
	int rc = 0;
	memset(st, 0, sizeof(*st));
	for (unsigned w = 0; w < n; w++)
		st->rows += jr[w].nrows;
	if (!st->rows)
		goto done;

	/* what each key column is: its name's reading, then the declarations (all of them, late ones too) */
	size_t ncols = 2 * nd;
	for (size_t i = 0; i < nm; i++)
		ncols += m[i] ? m[i]->ncols : 0;
	struct colmap cm;
	size_t cap = 16;
	while (cap < 2 * ncols)
		cap *= 2;
	cm.mask = cap - 1;
	cm.v = xcalloc(cap, sizeof(*cm.v));
	for (size_t i = 0; i < nm; i++)
		for (size_t c = 0; m[i] && c < m[i]->ncols; c++)
			if (m[i]->cols[c].target && !colmap_slot(&cm, m[i]->cols[c].colid)->colid)
				colmap_put(&cm, m[i]->cols[c].colid, m[i]->table, m[i]->cols[c].target, 0);
	for (size_t k = 0; k < nd; k++) {
		uint64_t refcol = 0;
		if (d[k].ref_col) {
			refcol = col_id(d[k].ref_table, d[k].ref_col, strlen(d[k].ref_col));
			colmap_put(&cm, refcol, d[k].ref_table, d[k].ref_table, 0); /* its table's own key */
		}
		colmap_put(&cm, col_id(d[k].table, d[k].col, strlen(d[k].col)), d[k].table, d[k].ref_table, refcol);
	}
	/* the tables some reference names */
	uint64_t *targets = xmalloc(cap * sizeof(*targets));
	size_t ntargets = 0;
	for (size_t i = 0; i <= cm.mask; i++)
		if (cm.v[i].colid && cm.v[i].target && cm.v[i].target != cm.v[i].table)
			targets[ntargets++] = cm.v[i].target;
	qsort(targets, ntargets, sizeof(*targets), u64_cmp);
	size_t nt = 0;
	for (size_t i = 0; i < ntargets; i++)
		if (!nt || targets[nt - 1] != targets[i])
			targets[nt++] = targets[i];
	ntargets = nt;

	unsigned char *buf = xmalloc(JOIN_BUF);
	struct tsize *tsize = NULL;
	struct mem M = { 0 };
	struct index ix = { 0 };
	struct fact *far = xmalloc(FACTS_MAX * JOIN_HOPS * sizeof(*far)), *rf = xmalloc(FACTS_MAX * sizeof(*rf));
	struct facts *jf = xcalloc(1, sizeof(*jf)); /* facts_keys() alone: no normalizer */
	if (!ntargets)
		goto out; /* keys, but no reference among them: the rows were not needed */
	for (unsigned w = 0; w < n; w++)
		if (jr[w].err) {
			errno = jr[w].err;
			rc = -1;
			goto out;
		}

	/*
	 * What each referenced table takes in memory; the tables that fit in
	 * the budget, the smallest first (a city table that every address
	 * names before the customers that one order names), whole.
	 */
	tsize = xcalloc(ntargets, sizeof(*tsize));
	for (unsigned w = 0; w < n; w++) {
		struct scan sc;
		struct srow r;
		int got = 0;
		scan_start(&sc, &jr[w], buf);
		while ((got = scan_next(&sc, &r)) > 0) {
			long t = target_index(targets, ntargets, r.h.table);
			if (t >= 0)
				tsize[t].bytes += row_bytes(&r), tsize[t].rows++;
		}
		if (got < 0) {
			rc = -1;
			goto out;
		}
	}
	struct tsize **order = xmalloc(ntargets * sizeof(*order));
	for (size_t t = 0; t < ntargets; t++)
		order[t] = &tsize[t];
	qsort(order, ntargets, sizeof(*order), tsize_cmp);
	uint64_t sum = 0, nsum = 0;
	for (size_t t = 0; t < ntargets; t++) {
		if (sum + order[t]->bytes <= memory && nsum + order[t]->rows < UINT32_MAX - 1) {
			order[t]->taken = 1;
			sum += order[t]->bytes;
			nsum += order[t]->rows;
		} else
			st->unindexed += order[t]->rows;
	}
	free(order);
	/* their rows, back into memory */
	for (unsigned w = 0; w < n; w++) {
		struct scan sc;
		struct srow r;
		int got = 0;
		scan_start(&sc, &jr[w], buf);
		for (uint64_t i = 0; (got = scan_next(&sc, &r)) > 0; i++) {
			long t = target_index(targets, ntargets, r.h.table);
			if (t >= 0 && tsize[t].taken)
				mem_add(&M, (uint64_t)w << 48 | i, &r);
		}
		if (got < 0) {
			rc = -1;
			goto out;
		}
	}
	st->indexed = M.nrows;
	if (!M.nrows)
		goto out;
	/* by each own key column, and by the first under the table's name */
	cap = 16;
	while (cap < 2 * (M.nrows + M.nkeys / 2))
		cap *= 2;
	ix.mask = cap - 1;
	ix.key = xcalloc(cap, sizeof(*ix.key));
	ix.row = xcalloc(cap, sizeof(*ix.row));
	for (size_t i = 0; i < M.nrows; i++) {
		const struct mrow *r = &M.rows[i];
		const uint64_t *kv = M.keys + r->key_off;
		int first = 1;
		for (size_t k = 0; k < r->nkeys; k++) {
			const struct colinfo *c = colmap_get(&cm, kv[2 * k]);
			if (!c || c->target != r->table)
				continue;
			index_put(&ix, index_key(kv[2 * k], kv[2 * k + 1]), (uint32_t)i);
			if (first)
				index_put(&ix, index_key(r->table, kv[2 * k + 1]), (uint32_t)i);
			first = 0;
		}
	}

	/* each row's references, and the target's own, JOIN_HOPS deep */
	jf->key = key;
	jf->near_all = 1;
	for (unsigned w = 0; w < n && !rc; w++) {
		struct scan sc;
		struct srow r;
		int got = 0;
		scan_start(&sc, &jr[w], buf);
		for (uint64_t i = 0; !rc && (got = scan_next(&sc, &r)) > 0; i++) {
			uint64_t ord = (uint64_t)w << 48 | i;
			size_t nfar = 0;
			long level[16], next[16];
			size_t nlevel = 0, nnext;
			/* hop 1: the scanned row's own references */
			for (size_t k = 0; k < r.h.nkeys && nlevel < 16; k++) {
				const struct colinfo *c = colmap_get(&cm, r.keys[2 * k]);
				if (!c || c->target == r.h.table)
					continue; /* not a key, or its own */
				long t = resolve(&ix, c, r.keys[2 * k + 1]);
				if (t >= 0 && M.rows[t].ord != ord)
					level[nlevel++] = t;
			}
			for (int hop = 0; hop < JOIN_HOPS && nlevel; hop++) {
				nnext = 0;
				for (size_t l = 0; l < nlevel; l++) {
					const struct mrow *t = &M.rows[level[l]];
					st->refs++;
					const struct cfact *tf = M.facts + t->fact_off;
					for (size_t q = 0; q < t->nfacts && nfar < FACTS_MAX * JOIN_HOPS; q++)
						fact_unpack(&far[nfar++], &tf[q]);
					if (hop + 1 == JOIN_HOPS)
						continue;
					const uint64_t *kv = M.keys + t->key_off;
					for (size_t k = 0; k < t->nkeys && nnext < 16; k++) {
						const struct colinfo *c = colmap_get(&cm, kv[2 * k]);
						if (!c || c->target == t->table)
							continue;
						long u = resolve(&ix, c, kv[2 * k + 1]);
						if (u >= 0 && M.rows[u].ord != ord)
							next[nnext++] = u;
					}
				}
				memcpy(level, next, nnext * sizeof(*next));
				nlevel = nnext;
			}
			if (nfar) {
				size_t nr = r.h.nfacts < FACTS_MAX ? r.h.nfacts : FACTS_MAX;
				for (size_t q = 0; q < nr; q++)
					fact_unpack(&rf[q], &r.facts[q]);
				rc = joined_keys(jf, rf, nr, far, nfar, emit, ctx);
			}
		}
		if (got < 0 && !rc)
			rc = -1;
	}
out:
	free(jf->keys);
	free(jf);
	free(far);
	free(rf);
	free(ix.key);
	free(ix.row);
	free(M.rows);
	free(M.facts);
	free(M.keys);
	free(buf);
	free(tsize);
	free(targets);
	free(cm.v);
done:
	for (unsigned w = 0; w < n; w++)
		joins_rows_release(&jr[w]);
	return rc;
}
