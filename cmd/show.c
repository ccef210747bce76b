/*
 * dumptrace show NAME: what the library knows of one leak: its metadata,
 * sources, column schema, counts, fingerprint sets and profile (dates by
 * year, IIN birth years by decade, top e-mail domains). Never a value.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/jsonw.h"
#include "core/library.h"


static void
help(void)
{
	tprintf("usage: dumptrace show [--library PATH] [--json] NAME\n"
	       "\n"
	       "Shows a known leak: metadata, sources (with SHA-256), columns and their\n"
	       "types, counts, fingerprint sets, date ranges, IIN birth years and the\n"
	       "most common e-mail domains.\n"
	       "\n"
	       "  --library PATH   the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                   $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --json           as one JSON object\n");
}

static void
set_label(const struct lib_set *s, char *buf, size_t n)
{
	if (s->kind == LIB_RECORD)
		snprintf(buf, n, "record");
	else if (!lib_kind_has_attr(s->kind))
		snprintf(buf, n, "%s %s", lib_kind_name(s->kind), types_name(s->type));
	else
		snprintf(buf, n, "%s %s+%s", lib_kind_name(s->kind), types_name(s->type),
		         types_name(s->attr));
}

static void
counts_json(struct jsonw *jw, const char *key, const struct lib_count *c, size_t n)
{
	jsonw_key(jw, key);
	jsonw_obj_open(jw);
	for (size_t i = 0; i < n; i++) {
		jsonw_key(jw, c[i].key);
		jsonw_u64(jw, c[i].n);
	}
	jsonw_obj_close(jw);
}

static void
show_json(const struct lib_profile *p)
{
	struct dynbuf b;
	struct jsonw jw;
	dynbuf_init(&b, (size_t)1 << 30);
	jsonw_init(&jw, &b);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "leak");
	list_leak_json(&jw, &p->leak);
	jsonw_key(&jw, "sources");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < p->nsources; i++) {
		const struct lib_source *s = &p->sources[i];
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "path");
		jsonw_str(&jw, s->path ? s->path : "");
		jsonw_key(&jw, "size");
		jsonw_u64(&jw, s->size);
		jsonw_key(&jw, "sha256");
		jsonw_str(&jw, s->sha256);
		jsonw_key(&jw, "format");
		jsonw_str(&jw, s->format ? s->format : "");
		jsonw_key(&jw, "encoding");
		jsonw_str(&jw, s->encoding ? s->encoding : "");
		jsonw_key(&jw, "records");
		jsonw_u64(&jw, s->records);
		jsonw_key(&jw, "rejected");
		jsonw_u64(&jw, s->rejected);
		jsonw_obj_close(&jw);
	}
	jsonw_arr_close(&jw);
	jsonw_key(&jw, "columns");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < p->ncolumns; i++) {
		const struct lib_column *c = &p->columns[i];
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "source");
		jsonw_i64(&jw, c->source);
		jsonw_key(&jw, "table");
		if (c->table)
			jsonw_str(&jw, c->table);
		else
			jsonw_null(&jw);
		jsonw_key(&jw, "name");
		jsonw_str(&jw, c->name ? c->name : "");
		jsonw_key(&jw, "position");
		jsonw_i64(&jw, c->position);
		jsonw_key(&jw, "type");
		jsonw_str(&jw, types_name(c->type));
		jsonw_key(&jw, "validation_rate");
		jsonw_dbl(&jw, c->validation_rate);
		jsonw_key(&jw, "values");
		jsonw_u64(&jw, c->values);
		jsonw_key(&jw, "distinct_estimate");
		jsonw_dbl(&jw, c->distinct);
		jsonw_obj_close(&jw);
	}
	jsonw_arr_close(&jw);
	jsonw_key(&jw, "sets");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < p->nsets; i++) {
		const struct lib_set *s = &p->sets[i];
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "kind");
		jsonw_str(&jw, lib_kind_name(s->kind));
		jsonw_key(&jw, "type");
		if (s->kind == LIB_RECORD)
			jsonw_null(&jw);
		else
			jsonw_str(&jw, types_name(s->type));
		jsonw_key(&jw, "attr_type");
		if (lib_kind_has_attr(s->kind))
			jsonw_str(&jw, types_name(s->attr));
		else
			jsonw_null(&jw);
		jsonw_key(&jw, "keys");
		jsonw_u64(&jw, s->keys);
		jsonw_key(&jw, "bytes");
		jsonw_u64(&jw, s->bytes);
		jsonw_key(&jw, "blocks");
		jsonw_u64(&jw, s->blocks);
		jsonw_obj_close(&jw);
	}
	jsonw_arr_close(&jw);
	jsonw_key(&jw, "dates");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < p->ndates; i++) {
		const struct lib_dates *d = &p->dates[i];
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "column");
		jsonw_str(&jw, d->column ? d->column : "");
		jsonw_key(&jw, "min");
		jsonw_str(&jw, d->min);
		jsonw_key(&jw, "max");
		jsonw_str(&jw, d->max);
		jsonw_key(&jw, "count");
		jsonw_u64(&jw, d->count);
		counts_json(&jw, "months", d->months, d->nmonths);
		jsonw_obj_close(&jw);
	}
	jsonw_arr_close(&jw);
	counts_json(&jw, "birth_years", p->birth_years, p->nbirth_years);
	jsonw_key(&jw, "email_domains");
	jsonw_arr_open(&jw);
	for (size_t i = 0; i < p->ndomains; i++) {
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "domain");
		jsonw_str(&jw, p->domains[i].key);
		jsonw_key(&jw, "count");
		jsonw_u64(&jw, p->domains[i].n);
		jsonw_obj_close(&jw);
	}
	jsonw_arr_close(&jw);
	jsonw_obj_close(&jw);
	printf("%s\n", dynbuf_str(&b)); /* JSON */
	dynbuf_release(&b);
}

/* Counts "YYYY-MM" or "YYYY" keys by year (div 1) or decade (div 10): one short line. */
static void
print_by(const char *label, const struct lib_count *c, size_t n, int div)
{
	long cur = -1;
	uint64_t sum = 0;
	tprintf("  %s:", label);
	for (size_t i = 0; i <= n; i++) {
		long y = i < n ? atol(c[i].key) / div * div : -2;
		if (y != cur && cur >= 0) {
			char a[32];
			tprintf(" %ld%s %s", cur, div == 10 ? "s" : "", fmt_count(sum, a));
			sum = 0;
		}
		if (i < n) {
			cur = y;
			sum += c[i].n;
		}
	}
	tprintf("\n");
}

static void
show_text(const struct lib_profile *p)
{
	const struct lib_leak *l = &p->leak;
	char a[32], b[32], c[32];
	uint64_t keys = 0;
	for (size_t i = 0; i < p->nsets; i++)
		keys += p->sets[i].keys;

	tprintf("%s%s%s\n", l->name, l->title ? " - " : "", l->title ? l->title : "");
	tprintf("  domain %s, breached %s, added %s, pwn count %s\n", l->domain ? l->domain : "-",
	       l->breach_date ? l->breach_date : "-", l->added_date ? l->added_date : "-",
	       fmt_count(l->pwn_count < 0 ? 0 : (uint64_t)l->pwn_count, a));
	if (l->is_verified || l->is_fabricated || l->is_spam_list)
		tprintf("  flags:%s%s%s\n", l->is_verified ? " verified" : "",
		       l->is_fabricated ? " fabricated" : "", l->is_spam_list ? " spam-list" : "");
	if (l->data_classes)
		tprintf("  data classes: %s\n", l->data_classes);
	if (l->description)
		tprintf("  %s\n", l->description);
	tprintf("  records %s (%s rejected, %s duplicates)\n", fmt_count(l->records, a),
	       fmt_count(l->rejected, b), fmt_count(l->duplicates, c));
	tprintf("  fingerprints: %zu sets, %s keys, %s (%.2f bytes a key)\n", p->nsets,
	       fmt_count(keys, a), fmt_bytes(l->bytes, b), keys ? (double)l->bytes / (double)keys : 0);

	tprintf("\nSources\n");
	for (size_t i = 0; i < p->nsources; i++) {
		const struct lib_source *s = &p->sources[i];
		tprintf("  %s  %s, %s, %s records, %s rejected, %s\n    sha256 %s\n", s->path,
		       s->format ? s->format : "?", s->encoding ? s->encoding : "?",
		       fmt_count(s->records, a), fmt_count(s->rejected, b), fmt_bytes(s->size, c),
		       s->sha256[0] ? s->sha256 : "-");
	}
	tprintf("\nColumns\n  %-3s %-28s %-14s %6s %12s %12s\n", "SRC", "NAME", "TYPE", "VALID",
	       "VALUES", "DISTINCT~");
	for (size_t i = 0; i < p->ncolumns; i++) {
		const struct lib_column *col = &p->columns[i];
		char name[300];
		snprintf(name, sizeof(name), "%s%s%s", col->table ? col->table : "", col->table ? "." : "",
			 col->name ? col->name : "");
		tprintf("  %-3d %-28s %-14s %5.1f%% %12s %12s\n", col->source + 1, name,
		       types_name(col->type), 100 * col->validation_rate, fmt_count(col->values, a),
		       fmt_count((uint64_t)(col->distinct + 0.5), b));
	}
	tprintf("\nSets\n");
	for (size_t i = 0; i < p->nsets; i++) {
		const struct lib_set *s = &p->sets[i];
		char label[96];
		set_label(s, label, sizeof(label));
		tprintf("  %-36s %12s keys %10s  %.2f B/key\n", label, fmt_count(s->keys, a),
		       fmt_bytes(s->bytes, b), s->keys ? (double)s->bytes / (double)s->keys : 0);
	}
	if (p->ndates) {
		tprintf("\nDates\n");
		for (size_t i = 0; i < p->ndates; i++) {
			const struct lib_dates *d = &p->dates[i];
			tprintf("  %s: %s .. %s, %s dates\n", d->column, d->min, d->max,
			       fmt_count(d->count, a));
			print_by("  by year", d->months, d->nmonths, 1);
		}
	}
	if (p->nbirth_years) {
		tprintf("\nBirth years (from IINs)\n");
		print_by("by decade", p->birth_years, p->nbirth_years, 10);
	}
	if (p->ndomains) {
		uint64_t total = 0;
		for (size_t i = 0; i < p->ndomains; i++)
			total += p->domains[i].n;
		tprintf("\nE-mail domains (top %zu)\n", p->ndomains);
		for (size_t i = 0; i < p->ndomains && i < 10; i++)
			tprintf("  %-28s %12s  %5.1f%%\n", p->domains[i].key,
			       fmt_count(p->domains[i].n, a), 100.0 * (double)p->domains[i].n / (double)total);
		if (p->ndomains > 10)
			tprintf("  ... %zu more (--json lists them)\n", p->ndomains - 10);
	}
}

int
cmd_show(int argc, char **argv)
{
	const char *libopt = NULL;
	int json = 0;
	char path[4096], err[1024];
	int first = library_cmd_options(argc, argv, "show", help, &libopt, &json);

	if (first < 0)
		return EXIT_CLEAN;
	if (first != argc - 1)
		die_usage("show", "give one leak name");
	const char *name = argv[first];
	struct library *lib = open_library(libopt, 0, 0, path, sizeof(path));
	if (!lib)
		die("no leak '%s': there is no library at '%s' yet", name, path);
	struct lib_profile p;
	int r = library_profile(lib, name, &p, err, sizeof(err));
	if (r < 0)
		die("%s", err);
	if (!r)
		die("no leak '%s' in library '%s' (see 'dumptrace list')", name, path);
	if (json)
		show_json(&p);
	else
		show_text(&p);
	lib_profile_release(&p);
	library_close(lib);
	return EXIT_CLEAN;
}
