/*
 * The findings' writers: the JSON schema and the text summary, both from
 * the model alone. See findings.h.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/findings.h"
#include "core/fmt.h"
#include "core/jsonw.h"
#include "core/safetext.h"

static double
frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

/* A string, or null. */
static void
str_or_null(struct jsonw *jw, const char *s)
{
	if (s)
		jsonw_str(jw, s);
	else
		jsonw_null(jw);
}

static void
json_head(const struct findings *F, struct jsonw *jw)
{
	jsonw_key(jw, "records");
	jsonw_obj_open(jw);
	jsonw_key(jw, "total");
	jsonw_u64(jw, F->total);
	jsonw_key(jw, "parsed");
	jsonw_u64(jw, F->parsed);
	jsonw_key(jw, "rejected");
	jsonw_u64(jw, F->rejected);
	jsonw_key(jw, "duplicates");
	jsonw_u64(jw, F->dup_norm);
	jsonw_key(jw, "duplicates_exact");
	jsonw_u64(jw, F->dup_exact);
	jsonw_obj_close(jw);

	jsonw_key(jw, "verdict");
	jsonw_obj_open(jw);
	jsonw_key(jw, "label");
	jsonw_str(jw, F->label);
	jsonw_key(jw, "known_fraction");
	jsonw_dbl(jw, F->known);
	jsonw_key(jw, "thresholds");
	jsonw_obj_open(jw);
	jsonw_key(jw, "recompilation");
	jsonw_dbl(jw, F->v.recompilation);
	jsonw_key(jw, "partial");
	jsonw_dbl(jw, F->v.partial);
	jsonw_obj_close(jw);
	jsonw_key(jw, "evidence");
	jsonw_arr_open(jw);
	for (int i = 0; i < F->nevidence; i++)
		jsonw_str(jw, F->evidence[i]);
	jsonw_arr_close(jw);
	jsonw_obj_close(jw);

	jsonw_key(jw, "status_counts");
	jsonw_obj_open(jw);
	for (int c = 0; c < RC_COUNT; c++) {
		jsonw_key(jw, analysis_class_name((enum row_class)c));
		jsonw_u64(jw, F->status[c]);
	}
	jsonw_obj_close(jw);
	jsonw_key(jw, "variation");
	jsonw_obj_open(jw);
	jsonw_key(jw, "rows");
	jsonw_u64(jw, F->varied);
	jsonw_key(jw, "near_values");
	jsonw_u64(jw, F->near_facts);
	jsonw_key(jw, "retyped_identifiers");
	jsonw_u64(jw, F->retyped);
	jsonw_obj_close(jw);
	jsonw_key(jw, "linkage");
	jsonw_obj_open(jw);
	jsonw_key(jw, "threshold");
	jsonw_dbl(jw, F->link_threshold);
	jsonw_key(jw, "linkable_rows");
	jsonw_u64(jw, F->linkable);
	jsonw_key(jw, "linked_rows");
	jsonw_u64(jw, F->linked);
	jsonw_key(jw, "weakest_link");
	if (F->linked)
		jsonw_dbl(jw, floor(F->link_min * 10 + 0.5) / 10);
	else
		jsonw_null(jw);
	jsonw_obj_close(jw);
}

static void
json_leak(const struct findings *F, const struct findings_leak *L, struct jsonw *jw)
{
	jsonw_obj_open(jw);
	jsonw_key(jw, "name");
	jsonw_str(jw, L->name);
	jsonw_key(jw, "records_matched");
	jsonw_u64(jw, L->rows);
	jsonw_key(jw, "fraction");
	jsonw_dbl(jw, frac(L->rows, F->rows));
	jsonw_key(jw, "dominant_rows");
	jsonw_u64(jw, L->dominant);
	jsonw_key(jw, "identifiers");
	jsonw_obj_open(jw);
	for (int t = 0; t < DT_TYPE_COUNT; t++)
		if (L->ids[t]) {
			jsonw_key(jw, types_name((enum dt_type)t));
			jsonw_u64(jw, L->ids[t]);
		}
	jsonw_obj_close(jw);
	jsonw_key(jw, "associations");
	jsonw_u64(jw, L->assocs);
	jsonw_key(jw, "near_matches");
	jsonw_u64(jw, L->nears);
	jsonw_key(jw, "linked_rows");
	jsonw_u64(jw, L->linked);
	jsonw_key(jw, "records_identical");
	jsonw_u64(jw, L->records);
	jsonw_key(jw, "unreadable");
	jsonw_bool(jw, L->unreadable);
	/* what the library says of the leak itself */
	jsonw_key(jw, "known");
	jsonw_obj_open(jw);
	jsonw_key(jw, "title");
	str_or_null(jw, L->title);
	jsonw_key(jw, "domain");
	str_or_null(jw, L->domain);
	jsonw_key(jw, "breach_date");
	str_or_null(jw, L->breach_date);
	jsonw_key(jw, "added_date");
	str_or_null(jw, L->added_date);
	jsonw_key(jw, "records");
	jsonw_u64(jw, L->known_records);
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);
}

static void
json_column(const struct findings *F, const struct findings_column *c, struct jsonw *jw)
{
	jsonw_obj_open(jw);
	jsonw_key(jw, "name");
	jsonw_strn(jw, c->name, c->name_len);
	jsonw_key(jw, "table");
	str_or_null(jw, c->table);
	jsonw_key(jw, "type");
	jsonw_str(jw, types_name(c->type));
	jsonw_key(jw, "values");
	jsonw_u64(jw, c->values);
	jsonw_key(jw, "known_fraction");
	jsonw_dbl(jw, frac(c->found_any, c->values));
	jsonw_key(jw, "near_fraction");
	jsonw_dbl(jw, frac(c->found_near, c->values));
	jsonw_key(jw, "leaks");
	jsonw_obj_open(jw);
	for (size_t k = 0; k < F->nleaks; k++)
		if (c->found[k]) {
			jsonw_key(jw, F->leaks[k].name);
			jsonw_dbl(jw, frac(c->found[k], c->values));
		}
	jsonw_obj_close(jw);
	jsonw_key(jw, "lineage");
	if (c->lineage_leak >= 0 && c->lineage_containment > 0) {
		jsonw_obj_open(jw);
		jsonw_key(jw, "leak");
		jsonw_str(jw, F->leaks[c->lineage_leak].name);
		jsonw_key(jw, "column");
		jsonw_str(jw, c->lineage_column ? c->lineage_column : "");
		jsonw_key(jw, "containment");
		jsonw_dbl(jw, c->lineage_containment);
		jsonw_obj_close(jw);
	} else
		jsonw_null(jw);
	jsonw_obj_close(jw);
}

/* The segments, the row-order strip (pre-binned: a page stays small whatever the dump), the combinations. */
static void
json_layout(const struct findings *F, struct jsonw *jw)
{
	jsonw_key(jw, "segments");
	jsonw_arr_open(jw);
	for (size_t i = 0; i < F->seg.n; i++) {
		const struct segment *g = &F->seg.v[i];
		jsonw_obj_open(jw);
		jsonw_key(jw, "from");
		jsonw_u64(jw, g->from);
		jsonw_key(jw, "to");
		jsonw_u64(jw, g->to);
		jsonw_key(jw, "source");
		jsonw_str(jw, g->source >= 0 ? F->leaks[g->source].name : "new");
		jsonw_key(jw, "share");
		jsonw_dbl(jw, frac(g->agreeing, g->rows));
		jsonw_obj_close(jw);
	}
	jsonw_arr_close(jw);

	jsonw_key(jw, "strip");
	jsonw_obj_open(jw);
	jsonw_key(jw, "bins");
	jsonw_u64(jw, F->bins);
	jsonw_key(jw, "rows");
	jsonw_u64(jw, F->rows);
	jsonw_key(jw, "sources");
	jsonw_arr_open(jw);
	for (size_t k = 0; k < F->nleaks; k++)
		jsonw_str(jw, F->leaks[k].name);
	jsonw_str(jw, "new");
	jsonw_str(jw, "unattributed");
	jsonw_arr_close(jw);
	jsonw_key(jw, "counts");
	jsonw_arr_open(jw);
	for (size_t bi = 0; bi < F->bins; bi++) {
		jsonw_arr_open(jw);
		for (size_t k = 0; k < F->nleaks + 2; k++)
			jsonw_u64(jw, F->strip[bi * (F->nleaks + 2) + k]);
		jsonw_arr_close(jw);
	}
	jsonw_arr_close(jw);
	jsonw_obj_close(jw);

	jsonw_key(jw, "combinations");
	jsonw_arr_open(jw);
	for (size_t i = 0; i < F->ncombos; i++) {
		jsonw_obj_open(jw);
		jsonw_key(jw, "leaks");
		jsonw_arr_open(jw);
		for (size_t k = 0; k < F->nleaks; k++)
			if (F->combos[i].leaks[k / 64] >> (k % 64) & 1)
				jsonw_str(jw, F->leaks[k].name);
		jsonw_arr_close(jw);
		jsonw_key(jw, "rows");
		jsonw_u64(jw, F->combos[i].rows);
		jsonw_obj_close(jw);
	}
	jsonw_arr_close(jw);
}

static void
json_plausibility(const struct findings *F, struct jsonw *jw)
{
	jsonw_key(jw, "plausibility");
	jsonw_obj_open(jw);
	jsonw_key(jw, "rejected_fraction");
	jsonw_dbl(jw, frac(F->rejected, F->total));
	jsonw_key(jw, "invalid_values_fraction");
	jsonw_dbl(jw, frac(F->invalid, F->values));
	jsonw_key(jw, "iin_checksum_failures");
	jsonw_u64(jw, F->checksum);
	jsonw_key(jw, "iin_checksum_failure_fraction");
	jsonw_dbl(jw, frac(F->checksum, F->ids12));
	jsonw_key(jw, "future_dates");
	jsonw_u64(jw, F->future);
	jsonw_key(jw, "birth_dates_before_1900");
	jsonw_u64(jw, F->ancient);
	jsonw_key(jw, "cracker_artefacts");
	jsonw_u64(jw, F->hex);
	jsonw_key(jw, "email_domain_skew");
	if (F->domain_skew >= 0)
		jsonw_dbl(jw, F->domain_skew);
	else
		jsonw_null(jw);
	jsonw_key(jw, "columns");
	jsonw_arr_open(jw);
	for (size_t i = 0; i < F->ncols; i++) {
		const struct findings_column *c = &F->cols[i];
		if (!c->profiled || !c->invalid)
			continue;
		jsonw_obj_open(jw);
		jsonw_key(jw, "name");
		jsonw_strn(jw, c->name, c->name_len);
		jsonw_key(jw, "type");
		jsonw_str(jw, types_name(c->type));
		jsonw_key(jw, "invalid_fraction");
		jsonw_dbl(jw, frac(c->invalid, c->invalid + c->valid));
		jsonw_obj_close(jw);
	}
	jsonw_arr_close(jw);
	jsonw_obj_close(jw);
}

/* A date column: its range and its dates by month and by year. */
static void
json_dates(const struct findings_column *c, struct jsonw *jw)
{
	char d[16];
	jsonw_obj_open(jw);
	jsonw_key(jw, "column");
	jsonw_strn(jw, c->name, c->name_len);
	fmt_ymd(c->date_min, d);
	jsonw_key(jw, "min");
	jsonw_str(jw, d);
	fmt_ymd(c->date_max, d);
	jsonw_key(jw, "max");
	jsonw_str(jw, d);
	jsonw_key(jw, "count");
	jsonw_u64(jw, c->dates);
	jsonw_key(jw, "by_month");
	jsonw_obj_open(jw);
	for (int k = 0; k < PROFILE_YEARS * 12; k++)
		if (c->months[k]) {
			char ms[16];
			snprintf(ms, sizeof(ms), "%04d-%02d", PROFILE_YEAR_MIN + k / 12, k % 12 + 1);
			jsonw_key(jw, ms);
			jsonw_u64(jw, c->months[k]);
		}
	jsonw_obj_close(jw);
	jsonw_key(jw, "by_year");
	jsonw_obj_open(jw);
	for (int y = 0; y < PROFILE_YEARS; y++) {
		uint64_t n = 0;
		for (int m = 0; m < 12; m++)
			n += c->months[y * 12 + m];
		if (n) {
			char ys[16];
			snprintf(ys, sizeof(ys), "%d", PROFILE_YEAR_MIN + y);
			jsonw_key(jw, ys);
			jsonw_u64(jw, n);
		}
	}
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);
}

/* key: "YYYY-MM-DD", or null for 0 */
static void
json_ymd(struct jsonw *jw, const char *key, int ymd)
{
	char d[16];
	jsonw_key(jw, key);
	if (ymd) {
		fmt_ymd(ymd, d);
		jsonw_str(jw, d);
	} else
		jsonw_null(jw);
}

static void
json_freshness(const struct findings *F, struct jsonw *jw)
{
	jsonw_key(jw, "freshness");
	jsonw_obj_open(jw);
	json_ymd(jw, "current_as_of", F->current_as_of);
	json_ymd(jw, "latest_date", F->latest);
	json_ymd(jw, "latest_known_date", F->latest_known);
	json_ymd(jw, "latest_new_date", F->latest_new);
	json_ymd(jw, "newest_source_breach", F->newest_breach);
	jsonw_key(jw, "newest_source_leak");
	if (F->breach_leak >= 0)
		jsonw_str(jw, F->leaks[F->breach_leak].name);
	else
		jsonw_null(jw);
	json_ymd(jw, "youngest_birth_date", F->youngest_birth);
	/* a register of adults only is current no earlier than this */
	json_ymd(jw, "adults_only_current_from", F->youngest_birth ? F->youngest_birth + 180000 : 0);
	jsonw_key(jw, "dates");
	jsonw_arr_open(jw);
	for (size_t i = 0; i < F->ncols; i++)
		if (F->cols[i].profiled && F->cols[i].dates && F->cols[i].months)
			json_dates(&F->cols[i], jw);
	jsonw_arr_close(jw);
	jsonw_key(jw, "birth_years");
	jsonw_obj_open(jw);
	for (int y = 0; y < PROFILE_YEARS; y++)
		if (F->birth_years[y]) {
			char ys[16];
			snprintf(ys, sizeof(ys), "%d", PROFILE_YEAR_MIN + y);
			jsonw_key(jw, ys);
			jsonw_u64(jw, F->birth_years[y]);
		}
	jsonw_obj_close(jw);
	jsonw_obj_close(jw);
}

void
findings_json(const struct findings *F, struct dynbuf *b)
{
	struct jsonw jw;
	jsonw_init(&jw, b);
	jsonw_obj_open(&jw);
	json_head(F, &jw);
	jsonw_key(&jw, "leaks");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < F->nleaks; i++)
		json_leak(F, &F->leaks[F->order[i]], &jw);
	jsonw_arr_close(&jw);
	jsonw_key(&jw, "columns");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < F->ncols; i++)
		json_column(F, &F->cols[i], &jw);
	jsonw_arr_close(&jw);
	json_layout(F, &jw);
	json_plausibility(F, &jw);
	json_freshness(F, &jw);
	jsonw_obj_close(&jw);
}

void
findings_text(const struct findings *F, struct dynbuf *out)
{
	char a1[32], a2[32], a3[32], a4[32];
	safe_printf(out, "verdict: %s (%.1f%% of the %s traceable rows are in known leaks)\n",
		      F->label, 100 * F->known, fmt_count(F->with_id, a1));
	for (int i = 0; i < F->nevidence; i++)
		safe_printf(out, "  - %s\n", F->evidence[i]);
	safe_printf(out, "\nrecords: %s read, %s rejected, %s duplicates (%s byte for byte)\n",
		      fmt_count(F->total, a1), fmt_count(F->rejected, a2), fmt_count(F->dup_norm, a3),
		      fmt_count(F->dup_exact, a4));
	safe_printf(out, "rows:");
	for (int c = 0; c < RC_COUNT; c++)
		safe_printf(out, " %s %s (%.1f%%)%c", analysis_class_name((enum row_class)c),
			      fmt_count(F->status[c], a1), 100 * frac(F->status[c], F->rows),
			      c + 1 < RC_COUNT ? ',' : '\n');
	if (F->varied)
		safe_printf(out, "copies with variation: %s of the copied and merged rows (%s values near, %s re-typed identifiers)\n",
			      fmt_count(F->varied, a1), fmt_count(F->near_facts, a2), fmt_count(F->retyped, a3));
	if (F->linkable)
		safe_printf(out, "linked without an identifier: %s of %s rows, by name, birth date, postcode, city and address (threshold %.1f bits)\n",
			      fmt_count(F->linked, a1), fmt_count(F->linkable, a2), F->link_threshold);
	if (F->nleaks) {
		safe_printf(out, "\n%-24s %12s %7s %12s\n", "known leak", "rows", "share", "main source");
		for (size_t i = 0; i < F->nleaks; i++) {
			const struct findings_leak *L = &F->leaks[F->order[i]];
			if (!L->rows)
				continue;
			safe_printf(out, "%-24s %12s %6.1f%% %12s%s\n", L->name, fmt_count(L->rows, a1),
				      100 * frac(L->rows, F->rows), fmt_count(L->dominant, a2),
				      L->unreadable ? "  (partly unreadable)" : "");
		}
	}
	if (F->seg.n) {
		safe_printf(out, "\nsegments:\n");
		size_t shown = F->seg.n < 12 ? F->seg.n : 12;
		for (size_t i = 0; i < shown; i++) {
			const struct segment *g = &F->seg.v[i];
			safe_printf(out, "  rows %s-%s: %s (%.1f%%)\n", fmt_count(g->from, a1),
				      fmt_count(g->to, a2), g->source >= 0 ? F->leaks[g->source].name : "new",
				      100 * frac(g->agreeing, g->rows));
		}
		if (F->seg.n > shown)
			safe_printf(out, "  ... %zu more (--json lists them)\n", F->seg.n - shown);
	}
	char d[16], k[16], n[16], b[16], y[16];
	fmt_ymd(F->current_as_of, d);
	fmt_ymd(F->latest_known, k);
	fmt_ymd(F->latest_new, n);
	fmt_ymd(F->newest_breach, b);
	fmt_ymd(F->youngest_birth, y);
	safe_printf(out, "\ncurrent as of: %s (record dates: known rows %s, new rows %s; newest source "
			   "leak: %s %s; youngest birth date %s)\n",
		      d, k, n, F->breach_leak >= 0 ? F->leaks[F->breach_leak].name : "-", b, y);
	safe_printf(out, "plausibility: %.2f%% of values fail their type, %.2f%% of IINs fail the checksum, "
			   "%s future dates, %s birth dates before 1900, %s $HEX[] passwords",
		      100 * frac(F->invalid, F->values), 100 * frac(F->checksum, F->ids12),
		      fmt_count(F->future, a1), fmt_count(F->ancient, a2), fmt_count(F->hex, a3));
	if (F->domain_skew >= 0)
		safe_printf(out, ", e-mail domain skew %.2f against the known leaks", F->domain_skew);
	dynbuf_addc(out, '\n');
}

void
findings_release(struct findings *F)
{
	for (size_t i = 0; i < F->nleaks; i++) {
		struct findings_leak *L = &F->leaks[i];
		free(L->name);
		free(L->title);
		free(L->domain);
		free(L->breach_date);
		free(L->added_date);
	}
	for (size_t i = 0; i < F->ncols; i++) {
		free(F->cols[i].name);
		free(F->cols[i].table);
		free(F->cols[i].found);
		free(F->cols[i].lineage_column);
		free(F->cols[i].months);
	}
	for (size_t i = 0; i < F->ncombos; i++)
		free(F->combos[i].leaks);
	free(F->leaks);
	free(F->order);
	free(F->cols);
	free(F->combos);
	free(F->strip);
	segments_release(&F->seg);
	memset(F, 0, sizeof(*F));
}
