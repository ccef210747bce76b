/*
 * The rules of the analysis; see analysis.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/types.h"
#include "core/xalloc.h"

const char *
analysis_class_name(enum row_class c)
{
	static const char *const names[RC_COUNT] = { "copied", "merged", "updated", "new",
						     "unattributed" };
	return c < RC_COUNT ? names[c] : "?";
}

static int
empty(const uint64_t *m, size_t words)
{
	for (size_t i = 0; i < words; i++)
		if (m[i])
			return 0;
	return 1;
}

static int
first_bit(const uint64_t *m, size_t words)
{
	for (size_t i = 0; i < words; i++)
		if (m[i])
			return (int)(i * 64 + (size_t)__builtin_ctzll(m[i]));
	return -1;
}

enum row_class
analysis_classify(const struct arow *r, uint64_t *all, int *dominant, int prefer)
{
	size_t w = r->words;
	int ids = 0, known_ids = 0, unknown = 0;

	*dominant = -1;
	for (size_t i = 0; i < r->nfacts; i++) {
		const struct arow_fact *f = &r->f[i];
		int known = !empty(f->src, w);
		if (types_is_identifier(f->type)) {
			ids++;
			known_ids += known;
		}
		if (!known && !(f->flags & AF_DERIVED))
			unknown++;
	}
	if (!ids && !r->linked)
		return r->linkable ? RC_NEW : RC_UNATTRIBUTED;
	if (ids && !known_ids)
		return RC_NEW;

	/* the leaks that hold every fact (derived ones excepted) */
	for (size_t k = 0; k < w; k++)
		all[k] = ~0ull;
	for (size_t i = 0; i < r->nfacts; i++)
		if (!(r->f[i].flags & AF_DERIVED))
			for (size_t k = 0; k < w; k++)
				all[k] &= r->f[i].src[k];
	if (!unknown && !empty(all, w)) {
		/* the previous row's source when it holds everything: blocks stay blocks */
		if (prefer >= 0 && (size_t)prefer < w * 64 && (all[prefer / 64] >> (prefer % 64) & 1)) {
			*dominant = prefer;
			return RC_COPIED;
		}
		/* else a leak that holds the record itself */
		for (size_t k = 0; k < w; k++)
			if (all[k] & r->record[k]) {
				uint64_t m[1] = { all[k] & r->record[k] };
				*dominant = (int)(k * 64) + first_bit(m, 1);
				return RC_COPIED;
			}
		*dominant = first_bit(all, w);
		return RC_COPIED;
	}
	/* the leak with the most facts */
	int best = -1, best_n = 0;
	for (size_t k = 0; k < w * 64; k++) {
		int n = 0;
		for (size_t i = 0; i < r->nfacts; i++)
			n += (r->f[i].src[k / 64] >> (k % 64)) & 1;
		if (n > best_n || (n == best_n && n && (int)k == prefer)) {
			best_n = n;
			best = (int)k;
		}
	}
	/* a merged row inside a block stays with the block when its leak holds nearly as much */
	if (prefer >= 0 && (size_t)prefer < w * 64 && best != prefer) {
		int n = 0;
		for (size_t i = 0; i < r->nfacts; i++)
			n += (r->f[i].src[prefer / 64] >> (prefer % 64)) & 1;
		if (n && n + 1 >= best_n)
			best = prefer;
	}
	*dominant = best;
	return unknown ? RC_UPDATED : RC_MERGED;
}

/* The list at its cap: the closed runs smoothed (more coarsely while that is not enough), the open one kept. */
static void
segments_compact(struct segments *s)
{
	struct segment open = s->v[--s->n];
	if (!s->min_rows)
		s->min_rows = 1;
	for (;;) {
		segments_smooth(s, s->min_rows);
		if (s->n <= s->cap / 2 || s->n <= 1) /* one run is as far as smoothing goes, whatever the cap */
			break;
		s->min_rows *= 2;
		s->raised = 1;
	}
	struct segment *last = s->n ? &s->v[s->n - 1] : NULL;
	if (last && last->source == open.source) {
		last->to = open.to;
		last->rows += open.rows;
		last->agreeing += open.agreeing;
	} else {
		s->v[s->n++] = open;
	}
}

void
segments_add(struct segments *s, uint64_t row, int source, int has_source)
{
	struct segment *last = s->n ? &s->v[s->n - 1] : NULL;
	if (last && (!has_source || last->source == source)) {
		last->to = row;
		last->rows++;
		last->agreeing += has_source;
		return;
	}
	if (s->cap && s->n >= s->cap)
		segments_compact(s);
	s->v = xgrow(s->v, &s->alloc, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = (struct segment){ row, row, has_source ? source : -1, 1, (uint64_t)has_source };
}

void
segments_smooth(struct segments *s, uint64_t min_rows)
{
	/*
	 * In one linear pass: a short run goes into the run before it (or, at
	 * the start, the run before goes into it when that one is short and it
	 * is not), and neighbours with one source join. Two passes settle runs
	 * that a first pass made long enough.
	 */
	for (int pass = 0; pass < 2; pass++) {
		size_t n = 0;
		for (size_t i = 0; i < s->n; i++) {
			struct segment r = s->v[i];
			struct segment *last = n ? &s->v[n - 1] : NULL;
			if (last && (r.rows < min_rows || last->source == r.source ||
				     last->rows < min_rows)) {
				if (last->rows < min_rows && r.rows >= min_rows) {
					last->source = r.source;
					last->agreeing = r.agreeing;
				} else if (last->source == r.source)
					last->agreeing += r.agreeing;
				last->to = r.to;
				last->rows += r.rows;
				continue;
			}
			s->v[n++] = r;
		}
		s->n = n;
	}
}

void
segments_release(struct segments *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const char *
analysis_verdict(const struct verdict_opts *o, double known)
{
	if (known >= o->recompilation)
		return "recompilation";
	if (known >= o->partial)
		return "partial";
	return "new";
}
