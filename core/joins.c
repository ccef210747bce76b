/*
 * Foreign keys followed at ingest; see joins.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "core/joins.h"
#include "core/types.h"
#include "core/xalloc.h"

#define JOIN_HOPS 2 /* customer -> address -> city */

struct jcol {
	size_t col;
	uint64_t target; /* hash of the table it names ("address" for address_id) */
};

struct joins_schema {
	uint64_t table; /* its own name's hash */
	struct jcol *cols;
	size_t ncols;
};

struct jrow {
	uint64_t table;
	uint32_t fact_off, key_off;
	uint8_t nfacts, nkeys;
};

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
	for (size_t c = 0; c < s->ncols; c++) {
		uint64_t t;
		/* an identifier under an "_id" header (national_id) is a fact, not a key */
		if (types_is_identifier(s->types[c]) || s->types[c] == DT_CARD)
			continue;
		int declared = 0;
		for (size_t k = 0; k < nd && !declared; k++) {
			const char *nm = s->names[c];
			size_t nl = s->name_len[c];
			if (d[k].table == m->table && same_name(nm, nl, d[k].col)) {
				t = d[k].ref_table; /* it references */
				declared = 1;
			} else if (d[k].ref_col && d[k].ref_table == m->table && same_name(nm, nl, d[k].ref_col)) {
				t = m->table; /* it is referenced: the table's own key */
				declared = 1;
			}
		}
		if (declared || key_column(s->names[c], s->name_len[c], m->table, &t))
			m->cols[m->ncols++] = (struct jcol){ c, t };
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

void
joins_row(struct joins_rows *jr, const struct joins_schema *m, const struct schema *s,
	  const struct record *rec, const struct facts *f)
{
	if (!m || !m->ncols || !f->n)
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
				kv[2 * nk] = m->cols[k].target;
				kv[2 * nk + 1] = value_hash(fl->val, fl->len);
				nk++;
				break;
			}
	}
	if (!nk)
		return;
	if (jr->nrows == jr->rows_alloc)
		jr->rows = xgrow(jr->rows, &jr->rows_alloc, jr->nrows + 1, sizeof(*jr->rows));
	if (jr->nfacts + f->n > jr->facts_alloc)
		jr->facts = xgrow(jr->facts, &jr->facts_alloc, jr->nfacts + f->n, sizeof(*jr->facts));
	if (jr->nkeys + 2 * nk > jr->keys_alloc)
		jr->keys = xgrow(jr->keys, &jr->keys_alloc, jr->nkeys + 2 * nk, sizeof(*jr->keys));
	struct jrow *r = &jr->rows[jr->nrows++];
	r->table = m->table;
	r->fact_off = (uint32_t)jr->nfacts;
	r->nfacts = (uint8_t)f->n;
	r->key_off = (uint32_t)jr->nkeys;
	r->nkeys = (uint8_t)nk;
	memcpy(jr->facts + jr->nfacts, f->v, f->n * sizeof(*f->v));
	jr->nfacts += f->n;
	memcpy(jr->keys + jr->nkeys, kv, 2 * nk * sizeof(*kv));
	jr->nkeys += 2 * nk;
}

void
joins_rows_release(struct joins_rows *jr)
{
	free(jr->rows);
	free(jr->facts);
	free(jr->keys);
	memset(jr, 0, sizeof(*jr));
}

/* A row of all the workers': which worker, which row. */
struct ref {
	struct joins_rows *w;
	struct jrow *r;
};

struct index {
	uint64_t *key; /* table hash ^ mixed value hash; 0 empty */
	struct ref *row;
	size_t mask;
};

static uint64_t
index_key(uint64_t table, uint64_t value)
{
	uint64_t k = table ^ (value * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
	return k ? k : 1;
}

static struct ref *
index_find(const struct index *ix, uint64_t k)
{
	for (size_t i = (size_t)(k * 0xff51afd7ed558ccdull >> 7) & ix->mask;; i = (i + 1) & ix->mask) {
		if (!ix->key[i])
			return NULL;
		if (ix->key[i] == k)
			return &ix->row[i];
	}
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

int
joins_finish(struct joins_rows *jr, unsigned n, const struct fp_key *key, joins_emit_fn emit,
	     void *ctx, uint64_t *refs)
{
	size_t total = 0;
	int rc = 0;
	*refs = 0;
	for (unsigned w = 0; w < n; w++)
		total += jr[w].nrows;
	if (!total)
		goto done;
	/* the rows by their own keys ("address_id" of address, "id") */
	struct index ix;
	size_t cap = 16;
	while (cap < 2 * total)
		cap *= 2;
	ix.mask = cap - 1;
	ix.key = xcalloc(cap, sizeof(*ix.key));
	ix.row = xcalloc(cap, sizeof(*ix.row));
	for (unsigned w = 0; w < n; w++)
		for (size_t i = 0; i < jr[w].nrows; i++) {
			struct jrow *r = &jr[w].rows[i];
			const uint64_t *kv = jr[w].keys + r->key_off;
			for (size_t k = 0; k < r->nkeys; k++) {
				if (kv[2 * k] != r->table)
					continue;
				uint64_t h = index_key(r->table, kv[2 * k + 1]);
				size_t s = (size_t)(h * 0xff51afd7ed558ccdull >> 7) & ix.mask;
				while (ix.key[s] && ix.key[s] != h)
					s = (s + 1) & ix.mask;
				if (!ix.key[s]) { /* a second row of one key: the first stands */
					ix.key[s] = h;
					ix.row[s] = (struct ref){ &jr[w], r };
				}
				break;
			}
		}
	/* each reference, and the target's own, JOIN_HOPS deep */
	struct fact *far = xmalloc(FACTS_MAX * JOIN_HOPS * sizeof(*far));
	struct facts *jf = xcalloc(1, sizeof(*jf)); /* facts_keys() alone: no normalizer */
	jf->key = key;
	jf->near_all = 1;
	for (unsigned w = 0; w < n && !rc; w++)
		for (size_t i = 0; i < jr[w].nrows && !rc; i++) {
			struct jrow *r = &jr[w].rows[i];
			const struct fact *rf = jr[w].facts + r->fact_off;
			size_t nfar = 0;
			struct ref cur = { &jr[w], r };
			struct ref level[16];
			size_t nlevel = 1;
			level[0] = cur;
			for (int hop = 0; hop < JOIN_HOPS && nlevel; hop++) {
				struct ref next[16];
				size_t nnext = 0;
				for (size_t l = 0; l < nlevel; l++) {
					const uint64_t *kv = level[l].w->keys + level[l].r->key_off;
					for (size_t k = 0; k < level[l].r->nkeys; k++) {
						if (kv[2 * k] == level[l].r->table)
							continue; /* its own key */
						struct ref *t =
						    index_find(&ix, index_key(kv[2 * k], kv[2 * k + 1]));
						if (!t || t->r == r)
							continue;
						(*refs)++;
						const struct fact *tf = t->w->facts + t->r->fact_off;
						for (size_t q = 0; q < t->r->nfacts && nfar < FACTS_MAX * JOIN_HOPS; q++)
							far[nfar++] = tf[q];
						if (nnext < 16)
							next[nnext++] = *t;
					}
				}
				memcpy(level, next, nnext * sizeof(*next));
				nlevel = nnext;
			}
			if (nfar)
				rc = joined_keys(jf, rf, r->nfacts, far, nfar, emit, ctx);
		}
	free(jf->keys);
	free(jf);
	free(far);
	free(ix.key);
	free(ix.row);
done:
	for (unsigned w = 0; w < n; w++)
		joins_rows_release(&jr[w]);
	return rc;
}
