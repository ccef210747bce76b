/*
 * The profile of a dump; see profile.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#include "core/iin.h"
#include "core/profile.h"
#include "core/wire.h"
#include "core/xalloc.h"

#define DOM_SLOTS (2 * PROFILE_DOMAINS_MAX)

void
profile_init(struct profile *p, unsigned kmv_k)
{
	time_t now = time(NULL);
	struct tm tm;
	memset(p, 0, sizeof(*p));
	p->kmv_k = kmv_k;
	if (gmtime_r(&now, &tm))
		p->today = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void
profile_release(struct profile *p)
{
	for (size_t s = 0; s < p->nschemas; s++) {
		for (size_t c = 0; c < p->ncols[s]; c++) {
			if (p->cols[s][c].sketch.v)
				kmv_release(&p->cols[s][c].sketch);
			free(p->cols[s][c].months);
		}
		free(p->cols[s]);
	}
	free(p->cols);
	free(p->ncols);
	if (p->dom)
		for (size_t i = 0; i < DOM_SLOTS; i++)
			free(p->dom[i].name);
	free(p->dom);
	memset(p, 0, sizeof(*p));
}

/* The stats of column col of schema s, made on first use. */
static struct profile_col *
col_get(struct profile *p, int schema, size_t col)
{
	size_t s = (size_t)schema;
	if (s >= p->nschemas) {
		size_t n = s + 1;
		p->cols = xrealloc(p->cols, n * sizeof(*p->cols));
		p->ncols = xrealloc(p->ncols, n * sizeof(*p->ncols));
		for (size_t i = p->nschemas; i < n; i++) {
			p->cols[i] = NULL;
			p->ncols[i] = 0;
		}
		p->nschemas = n;
	}
	if (col >= p->ncols[s]) {
		size_t n = col + 1;
		p->cols[s] = xrealloc(p->cols[s], n * sizeof(**p->cols));
		memset(&p->cols[s][p->ncols[s]], 0, (n - p->ncols[s]) * sizeof(**p->cols));
		p->ncols[s] = n;
	}
	struct profile_col *c = &p->cols[s][col];
	if (!c->sketch.v)
		kmv_init(&c->sketch, p->kmv_k);
	return c;
}

struct profile_col *
profile_col(const struct profile *p, int schema, size_t col)
{
	if (schema < 0 || (size_t)schema >= p->nschemas || col >= p->ncols[schema])
		return NULL;
	struct profile_col *c = &p->cols[schema][col];
	return c->values || c->invalid ? c : NULL;
}

static void
date_add(struct profile_col *c, int y, int m, int d, uint64_t n)
{
	if (y < PROFILE_YEAR_MIN || y > PROFILE_YEAR_MAX || m < 1 || m > 12)
		return;
	if (!c->months)
		c->months = xcalloc(PROFILE_YEARS * 12, sizeof(*c->months));
	c->months[(y - PROFILE_YEAR_MIN) * 12 + m - 1] += (uint32_t)n;
	c->dates += n;
	int ymd = y * 10000 + m * 100 + d;
	if (!c->min || ymd < c->min)
		c->min = ymd;
	if (ymd > c->max)
		c->max = ymd;
}

/* Adds addresses to a domain's distinct ones, up to PROFILE_DOMAIN_PEOPLE. */
static void
dom_who(struct profile_dom *e, const uint64_t *who, unsigned nwho)
{
	for (unsigned k = 0; k < nwho && e->nwho < PROFILE_DOMAIN_PEOPLE; k++) {
		unsigned j = 0;
		while (j < e->nwho && e->who[j] != who[k])
			j++;
		if (j == e->nwho)
			e->who[e->nwho++] = who[k];
	}
}

static void
dom_add(struct profile *p, const char *d, size_t n, uint64_t count, const uint64_t *who, unsigned nwho)
{
	if (!p->dom)
		p->dom = xcalloc(DOM_SLOTS, sizeof(*p->dom));
	size_t i = XXH3_64bits(d, n) & (DOM_SLOTS - 1);
	for (;; i = (i + 1) & (DOM_SLOTS - 1)) {
		struct profile_dom *e = &p->dom[i];
		if (!e->name) {
			if (p->ndom >= PROFILE_DOMAINS_MAX) {
				p->dom_dropped += count;
				return;
			}
			e->name = xstrndup(d, n);
			e->n = count;
			dom_who(e, who, nwho);
			p->ndom++;
			return;
		}
		if (!strncmp(e->name, d, n) && !e->name[n]) {
			e->n += count;
			dom_who(e, who, nwho);
			return;
		}
	}
}

static int
num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

void
profile_seen(void *ctx, const struct schema *s, const struct fact *f, const char *norm, size_t len)
{
	struct profile *p = ctx;
	/* a schema without a slot (past the shapes kept) still counts in the leak's totals */
	static struct profile_col none;
	struct profile_col *c = s->shape >= 0 ? col_get(p, s->shape, f->col) : &none;
	if (s->shape >= 0) {
		c->values++;
		kmv_add(&c->sketch, f->fp);
	}
	switch (f->type) {
	case DT_DATE:
	case DT_BIRTH_DATE:
		/* normalized dates are YYYY-MM-DD */
		if (len == 10) {
			int y = num(norm, 4), m = num(norm + 5, 2), d = num(norm + 8, 2);
			if (s->shape < 0)
				break;
			date_add(c, y, m, d, 1);
			if (p->today && y * 10000 + m * 100 + d > p->today)
				c->future++;
			if (f->type == DT_BIRTH_DATE && y < 1900)
				c->ancient++;
		}
		break;
	case DT_NATIONAL_ID: {
		int y;
		if (iin_checksum_fails(norm, len) && s->shape >= 0)
			c->checksum++;
		if (iin_birth(norm, len, &y, NULL, NULL, NULL) && y >= PROFILE_YEAR_MIN &&
		    y <= PROFILE_YEAR_MAX) {
			p->years[y - PROFILE_YEAR_MIN]++;
			p->iins++;
		}
		break;
	}
	case DT_EMAIL: {
		const char *at = memrchr(norm, '@', len);
		if (at && at + 1 < norm + len)
			dom_add(p, at + 1, (size_t)(norm + len - at - 1), 1, &f->fp, 1);
		break;
	}
	default:
		break;
	}
}

void
profile_bad(void *ctx, const struct schema *s, size_t col)
{
	if (s->shape >= 0)
		col_get(ctx, s->shape, col)->invalid++;
}

/* Adds column a's counts and sketch to b's. */
static void
col_merge(struct profile_col *b, const struct profile_col *a)
{
	b->values += a->values;
	b->invalid += a->invalid;
	b->checksum += a->checksum;
	b->future += a->future;
	b->ancient += a->ancient;
	for (size_t i = 0; i < a->sketch.n; i++)
		kmv_add(&b->sketch, a->sketch.v[i]);
	if (a->months)
		for (int k = 0; k < PROFILE_YEARS * 12; k++)
			if (a->months[k]) {
				if (!b->months)
					b->months = xcalloc(PROFILE_YEARS * 12, sizeof(*b->months));
				b->months[k] += a->months[k];
			}
	b->dates += a->dates;
	if (a->min && (!b->min || a->min < b->min))
		b->min = a->min;
	if (a->max > b->max)
		b->max = a->max;
}

void
profile_merge(struct profile *dst, const struct profile *src)
{
	for (size_t s = 0; s < src->nschemas; s++)
		for (size_t c = 0; c < src->ncols[s]; c++) {
			const struct profile_col *a = &src->cols[s][c];
			if (a->values || a->invalid)
				col_merge(col_get(dst, (int)s, c), a);
		}
	for (int y = 0; y < PROFILE_YEARS; y++)
		dst->years[y] += src->years[y];
	dst->iins += src->iins;
	if (src->dom)
		for (size_t i = 0; i < DOM_SLOTS; i++)
			if (src->dom[i].name)
				dom_add(dst, src->dom[i].name, strlen(src->dom[i].name), src->dom[i].n, src->dom[i].who,
					src->dom[i].nwho);
	dst->dom_dropped += src->dom_dropped;
}

/* ------------------------------------------------------------------ */
/* Saved profiles: a map step's, merged by the analysis (core/wire.h). */

int
profile_save(struct profile *p, struct dynbuf *b)
{
	int rc = wire_u64(b, p->nschemas);
	for (size_t s = 0; s < p->nschemas && !rc; s++) {
		size_t used = 0;
		for (size_t c = 0; c < p->ncols[s]; c++)
			used += p->cols[s][c].values || p->cols[s][c].invalid;
		rc |= wire_u64(b, used);
		for (size_t c = 0; c < p->ncols[s] && !rc; c++) {
			struct profile_col *a = &p->cols[s][c];
			if (!a->values && !a->invalid)
				continue;
			rc |= wire_u64(b, c) | wire_u64(b, a->values) | wire_u64(b, a->invalid) |
			      wire_u64(b, a->checksum) | wire_u64(b, a->future) | wire_u64(b, a->ancient) |
			      wire_u64(b, a->dates) | wire_u64(b, (uint64_t)(uint32_t)a->min) |
			      wire_u64(b, (uint64_t)(uint32_t)a->max);
			size_t at = b->len;
			rc |= wire_u64(b, 0) | kmv_serialize(&a->sketch, b);
			if (!rc) /* the sketch's length, in front of it */
				for (int i = 0; i < 8; i++)
					b->buf[at + i] = (char)((b->len - at - 8) >> (8 * i));
			rc |= wire_bytes(b, a->months, a->months ? PROFILE_YEARS * 12 * sizeof(*a->months) : 0);
		}
	}
	for (int y = 0; y < PROFILE_YEARS && !rc; y++)
		rc |= wire_u64(b, p->years[y]);
	rc |= wire_u64(b, p->iins) | wire_u64(b, p->dom_dropped) | wire_u64(b, p->ndom);
	for (size_t i = 0; p->dom && i < DOM_SLOTS && !rc; i++) {
		const struct profile_dom *e = &p->dom[i];
		if (!e->name)
			continue;
		rc |= wire_str(b, e->name) | wire_u64(b, e->n) | wire_u64(b, e->nwho);
		for (unsigned k = 0; k < e->nwho; k++)
			rc |= wire_u64(b, e->who[k]);
	}
	return rc ? -1 : 0;
}

int
profile_load_merge(struct profile *dst, struct wire_r *r, const int *sid_map, size_t nmap)
{
	size_t ns = wire_get_count(r, 8);
	if (ns > nmap)
		r->bad = 1;
	for (size_t s = 0; s < ns && !r->bad; s++) {
		size_t used = wire_get_count(r, 80);
		for (size_t k = 0; k < used && !r->bad; k++) {
			struct profile_col a;
			char e[128];
			memset(&a, 0, sizeof(a));
			uint64_t c = wire_get_u64(r);
			a.values = wire_get_u64(r);
			a.invalid = wire_get_u64(r);
			a.checksum = wire_get_u64(r);
			a.future = wire_get_u64(r);
			a.ancient = wire_get_u64(r);
			a.dates = wire_get_u64(r);
			a.min = (int)(uint32_t)wire_get_u64(r);
			a.max = (int)(uint32_t)wire_get_u64(r);
			size_t klen = wire_get_count(r, 1);
			const uint8_t *kb = wire_get_raw(r, klen);
			if (!kb || c >= SCHEMA_MAX_COLS || sid_map[s] < 0 || kmv_load(&a.sketch, kb, klen, e, sizeof(e)) < 0) {
				r->bad = 1;
				break;
			}
			size_t mlen = wire_get_count(r, 1);
			const uint8_t *mb = wire_get_raw(r, mlen);
			if (mlen && mlen != PROFILE_YEARS * 12 * sizeof(*a.months))
				r->bad = 1;
			else if (mlen) {
				a.months = xmalloc(mlen);
				memcpy(a.months, mb, mlen);
			}
			if (!r->bad)
				col_merge(col_get(dst, sid_map[s], (size_t)c), &a);
			kmv_release(&a.sketch);
			free(a.months);
		}
	}
	for (int y = 0; y < PROFILE_YEARS; y++)
		dst->years[y] += wire_get_u64(r);
	dst->iins += wire_get_u64(r);
	dst->dom_dropped += wire_get_u64(r);
	size_t nd = wire_get_count(r, 24);
	for (size_t i = 0; i < nd && !r->bad; i++) {
		size_t len;
		char *name = wire_get_str(r, &len);
		uint64_t n = wire_get_u64(r), nwho = wire_get_u64(r), who[PROFILE_DOMAIN_PEOPLE];
		if (!name || nwho > PROFILE_DOMAIN_PEOPLE)
			r->bad = 1;
		for (unsigned k = 0; k < nwho && !r->bad; k++)
			who[k] = wire_get_u64(r);
		if (!r->bad)
			dom_add(dst, name, len, n, who, (unsigned)nwho);
		free(name);
	}
	return r->bad ? -1 : 0;
}

static int
dom_cmp(const void *a, const void *b)
{
	const struct profile_dom *x = *(const struct profile_dom *const *)a;
	const struct profile_dom *y = *(const struct profile_dom *const *)b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t
profile_top_domains(const struct profile *p, const struct profile_dom **out, size_t max)
{
	if (!p->dom || !max)
		return 0;
	const struct profile_dom **all = xmalloc((p->ndom ? p->ndom : 1) * sizeof(*all));
	size_t n = 0;
	for (size_t i = 0; i < DOM_SLOTS; i++)
		if (p->dom[i].name && p->dom[i].nwho >= PROFILE_DOMAIN_PEOPLE)
			all[n++] = &p->dom[i];
	qsort(all, n, sizeof(*all), dom_cmp);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*all));
	free(all);
	return n;
}
