/*
 * Typed record streams; see schema.h.
 *
 * Records come in runs of one table, so the schema of the previous record
 * is tried first. A schema samples its first SCHEMA_SAMPLE records into a
 * batch (a copy: the reader's memory is borrowed only until its next
 * record), types its columns from them, emits them, and from then on
 * emits records as they come.
 */
#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/pii.h"
#include "core/schema.h"
#include "core/wire.h"
#include "core/xalloc.h"

void
schemas_init(struct schemas *ss, const struct schemas_opts *o)
{
	memset(ss, 0, sizeof(*ss));
	ss->o = *o;
	ss->stream = -1;
}

static void
schema_free(struct schema *s)
{
	for (size_t c = 0; c < s->ncols; c++) {
		free(s->names[c]);
		if (s->shown)
			free(s->shown[c]);
	}
	free(s->names);
	free(s->shown);
	free(s->name_len);
	free(s->types);
	free(s->rate);
	free(s->rank);
	free(s->why);
	free(s->table);
	free(s->sample_seq);
	batch_release(&s->sample);
	free(s);
}

void
schemas_release(struct schemas *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		schema_free(ss->v[i]);
	free(ss->v);
	memset(ss, 0, sizeof(*ss));
}

void
schemas_stream(struct schemas *ss)
{
	ss->stream++;
}

size_t
schema_col(const struct schema *s, const struct field *f, size_t hint)
{
	if (hint < s->ncols && s->name_len[hint] == f->name_len &&
	    !memcmp(s->names[hint], f->name, f->name_len))
		return hint;
	for (size_t i = 0; i < s->ncols; i++)
		if (s->name_len[i] == f->name_len && !memcmp(s->names[i], f->name, f->name_len))
			return i;
	return (size_t)-1;
}

/* Adds the columns of rec that the schema does not know yet (JSON records differ). */
static void
schema_learn(struct schema *s, const struct record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		if (schema_col(s, &rec->fields[i], i) != (size_t)-1 || s->ncols >= SCHEMA_MAX_COLS)
			continue;
		size_t a = s->cols_alloc;
		s->names = xgrow(s->names, &a, s->ncols + 1, sizeof(*s->names));
		s->name_len = xrealloc(s->name_len, a * sizeof(*s->name_len));
		s->types = xrealloc(s->types, a * sizeof(*s->types));
		s->rate = xrealloc(s->rate, a * sizeof(*s->rate));
		s->rank = xrealloc(s->rank, a * sizeof(*s->rank));
		s->why = xrealloc(s->why, a * sizeof(*s->why));
		s->shown = xrealloc(s->shown, a * sizeof(*s->shown));
		s->cols_alloc = a;
		s->names[s->ncols] = xstrndup(rec->fields[i].name, rec->fields[i].name_len);
		s->name_len[s->ncols] = rec->fields[i].name_len;
		s->types[s->ncols] = DT_NONE;
		s->rate[s->ncols] = 0;
		s->why[s->ncols] = NULL;
		s->shown[s->ncols] = NULL;
		if (pii_in_name(rec->fields[i].name, rec->fields[i].name_len)) {
			char w[48];
			snprintf(w, sizeof(w), "(withheld column %zu)", s->ncols + 1);
			s->shown[s->ncols] = xstrdup(w);
		}
		s->ncols++;
	}
}

static int
same_table(const struct schema *s, const char *table)
{
	return (!s->table && !table) || (s->table && table && !strcmp(s->table, table));
}

/* Are rec's fields, in order, the schema's columns? */
static int
same_columns(const struct schema *s, const struct record *rec)
{
	if (rec->nfields != s->ncols)
		return 0;
	for (size_t i = 0; i < s->ncols; i++)
		if (s->name_len[i] != rec->fields[i].name_len ||
		    memcmp(s->names[i], rec->fields[i].name, s->name_len[i]))
			return 0;
	return 1;
}

static struct schema *
schema_for(struct schemas *ss, const struct record *rec)
{
	const char *table = rec->table;
	if (ss->last && ss->last->stream == ss->stream && same_table(ss->last, table))
		return ss->last;
	for (size_t i = ss->n; i-- > 0;) {
		struct schema *s = ss->v[i];
		if (s->stream != ss->stream)
			break;
		if (same_table(s, table))
			return ss->last = s;
	}
	if (ss->o.share && !table && ss->n) {
		struct schema *p = ss->v[ss->n - 1];
		if (p->typed && !p->table && p->stream == ss->stream - 1 && same_columns(p, rec)) {
			p->stream = ss->stream;
			return ss->last = p;
		}
	}
	struct schema *s = xcalloc(1, sizeof(*s));
	s->id = (int)ss->n;
	s->shape = s->id;
	s->stream = ss->stream;
	s->table = table ? xstrdup(table) : NULL;
	batch_reset(&s->sample);
	s->sample_seq = xmalloc(SCHEMA_SAMPLE * sizeof(*s->sample_seq));
	ss->v = xgrow(ss->v, &ss->alloc, ss->n + 1, sizeof(*ss->v));
	ss->v[ss->n++] = s;
	return ss->last = s;
}

/* Types a schema from its sample, then emits the sample. */
static void
schema_type(struct schemas *ss, struct schema *s)
{
	struct type_guess *g = xcalloc(s->ncols ? s->ncols : 1, sizeof(*g));
	batch_seal(&s->sample);
	for (size_t c = 0; c < s->ncols; c++) {
		types_guess_init(&g[c], s->names[c], s->name_len[c]);
		if (ss->o.region)
			types_guess_set_region(&g[c], ss->o.region);
	}
	for (size_t r = 0; r < s->sample.nrecs; r++) {
		const struct record *rec = &s->sample.recs[r];
		for (size_t i = 0; i < rec->nfields; i++) {
			size_t c = schema_col(s, &rec->fields[i], i);
			if (c != (size_t)-1 && !rec->fields[i].is_null)
				types_guess_add(&g[c], rec->fields[i].val, rec->fields[i].len);
		}
	}
	unsigned per_type[DT_TYPE_COUNT] = { 0 };
	const struct type_guess **gp = xcalloc(s->ncols ? s->ncols : 1, sizeof(*gp));
	struct type_col *tc = xcalloc(s->ncols ? s->ncols : 1, sizeof(*tc));
	for (size_t c = 0; c < s->ncols; c++)
		gp[c] = &g[c];
	types_table(s->table, gp, s->ncols, tc);
	for (size_t c = 0; c < s->ncols; c++) {
		s->types[c] = tc[c].type;
		s->rate[c] = tc[c].rate;
		s->why[c] = tc[c].why;
		enum dt_type forced =
			ss->o.forced ? ss->o.forced(ss->o.ctx, s->names[c], s->name_len[c]) : DT_NONE;
		if (forced != DT_NONE) {
			s->types[c] = forced;
			s->why[c] = NULL;
		}
		if (s->types[c] == DT_NONE)
			s->types[c] = DT_TEXT;
		s->rank[c] = per_type[s->types[c]]++;
		types_guess_release(&g[c]);
	}
	free(g);
	free(gp);
	free(tc);
	s->typed = 1;
	if (ss->o.typed)
		ss->o.typed(ss->o.ctx, s);
	for (size_t r = 0; r < s->sample.nrecs; r++)
		ss->o.emit(ss->o.ctx, s, &s->sample.recs[r], s->sample_seq[r]);
	batch_release(&s->sample);
	free(s->sample_seq); /* a typed schema keeps no sample: archives of many members */
	s->sample_seq = NULL;
}

void
schemas_record(struct schemas *ss, const struct record *rec, uint64_t seq)
{
	struct schema *s = schema_for(ss, rec);
	if (s->typed) {
		ss->o.emit(ss->o.ctx, s, rec, seq);
		return;
	}
	schema_learn(s, rec);
	if (batch_add(&s->sample, rec) < 0) {
		/* the sample is full by bytes (big records): type from it, go on */
		schema_type(ss, s);
		ss->o.emit(ss->o.ctx, s, rec, seq);
		return;
	}
	s->sample_seq[s->sample.nrecs - 1] = seq;
	if (s->sample.nrecs >= SCHEMA_SAMPLE)
		schema_type(ss, s);
}

void
schemas_end_stream(struct schemas *ss)
{
	/* the stream's schemas are the last ones: the work is the stream's, not all streams' */
	size_t first = ss->n;
	while (first > 0 && ss->v[first - 1]->stream == ss->stream)
		first--;
	for (size_t i = first; i < ss->n; i++)
		if (!ss->v[i]->typed)
			schema_type(ss, ss->v[i]);
}

/* ------------------------------------------------------------------ */
/* Saved schemas: a map step's, read back by the analysis (core/wire.h). */

int
schemas_save(const struct schemas *ss, struct dynbuf *b)
{
	int rc = wire_u64(b, ss->n);
	for (size_t i = 0; i < ss->n && !rc; i++) {
		const struct schema *s = ss->v[i];
		rc |= wire_u64(b, (uint64_t)(s->stream + 1)) | wire_u64(b, (uint64_t)(s->shape + 1)) |
		      wire_str(b, s->table) | wire_u64(b, (uint64_t)s->typed) | wire_u64(b, s->ncols);
		for (size_t c = 0; c < s->ncols && !rc; c++) {
			uint64_t rate;
			memcpy(&rate, &s->rate[c], sizeof(rate));
			rc |= wire_bytes(b, s->names[c], s->name_len[c]) | wire_u64(b, (uint64_t)s->types[c]) |
			      wire_u64(b, rate) | wire_u64(b, s->rank[c]) | wire_str(b, s->why[c]) |
			      wire_str(b, s->shown[c]);
		}
	}
	return rc ? -1 : 0;
}

struct schema *
schema_load(struct wire_r *r)
{
	uint64_t stream = wire_get_u64(r), shape = wire_get_u64(r);
	size_t len;
	char *table = wire_get_str(r, &len);
	uint64_t typed = wire_get_u64(r);
	size_t ncols = wire_get_count(r, 48); /* a column takes at least 48 bytes */
	if (r->bad || ncols > SCHEMA_MAX_COLS || stream > (uint64_t)INT32_MAX || shape > (uint64_t)INT32_MAX ||
	    typed > 1) {
		r->bad = 1;
		free(table);
		return NULL;
	}
	struct schema *s = xcalloc(1, sizeof(*s));
	s->stream = (int)stream - 1;
	s->shape = (int)shape - 1;
	s->table = table;
	s->typed = (int)typed;
	batch_reset(&s->sample);
	size_t a = ncols ? ncols : 1;
	s->cols_alloc = a;
	s->names = xcalloc(a, sizeof(*s->names));
	s->name_len = xcalloc(a, sizeof(*s->name_len));
	s->types = xcalloc(a, sizeof(*s->types));
	s->rate = xcalloc(a, sizeof(*s->rate));
	s->rank = xcalloc(a, sizeof(*s->rank));
	s->why = xcalloc(a, sizeof(*s->why));
	s->shown = xcalloc(a, sizeof(*s->shown));
	for (size_t c = 0; c < ncols && !r->bad; c++) {
		s->names[c] = wire_get_str(r, &s->name_len[c]);
		uint64_t type = wire_get_u64(r), rate = wire_get_u64(r), rank = wire_get_u64(r);
		char *why = wire_get_str(r, &len);
		if (why && !(s->why[c] = types_why_intern(why, len)))
			r->bad = 1; /* not a why of this build's */
		free(why);
		s->shown[c] = wire_get_str(r, &len);
		if (!s->names[c] || type >= DT_TYPE_COUNT || rank > SCHEMA_MAX_COLS)
			r->bad = 1;
		s->types[c] = (enum dt_type)type;
		memcpy(&s->rate[c], &rate, sizeof(rate));
		s->rank[c] = (unsigned)rank;
		s->ncols = c + 1;
	}
	if (r->bad) {
		schema_free(s);
		return NULL;
	}
	return s;
}

void
schemas_adopt(struct schemas *ss, struct schema *s)
{
	s->id = (int)ss->n;
	s->shape = s->id;
	s->stream = ss->stream;
	ss->v = xgrow(ss->v, &ss->alloc, ss->n + 1, sizeof(*ss->v));
	ss->v[ss->n++] = s;
}

void
schema_drop(struct schema *s)
{
	if (s)
		schema_free(s);
}
