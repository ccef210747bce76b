/*
 * dumptrace list: the known leaks of the library, one line each, or as
 * JSON (the catalog's fields, Have I Been Pwned's names).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "cmd/cmd.h"
#include "core/jsonw.h"
#include "core/library.h"

static void
help(void)
{
	tprintf("usage: dumptrace list [--library PATH] [--json]\n"
	       "\n"
	       "Lists the known leaks of the library: name, records, breach date, date\n"
	       "added, size of its fingerprints, title.\n"
	       "\n"
	       "  --library PATH   the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                   $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --json           a JSON array, one object per leak\n");
}

/* A leak's catalog fields as a JSON object (also used by show). */
void
list_leak_json(struct jsonw *jw, const struct lib_leak *l)
{
	jsonw_obj_open(jw);
	jsonw_key(jw, "name");
	jsonw_str(jw, l->name);
#define OPT_STR(k, v)                 \
	jsonw_key(jw, k);             \
	if (v)                        \
		jsonw_str(jw, v);     \
	else                          \
		jsonw_null(jw);
	OPT_STR("title", l->title)
	OPT_STR("domain", l->domain)
	OPT_STR("breach_date", l->breach_date)
	OPT_STR("added_date", l->added_date)
	OPT_STR("description", l->description)
#undef OPT_STR
	jsonw_key(jw, "pwn_count");
	jsonw_i64(jw, l->pwn_count);
	jsonw_key(jw, "data_classes");
	jsonw_arr_open(jw);
	/* a JSON array of strings in the catalog: parsed, never pasted */
	yajl_val v = l->data_classes ? yajl_tree_parse(l->data_classes, NULL, 0) : NULL;
	if (YAJL_IS_ARRAY(v))
		for (size_t i = 0; i < v->u.array.len; i++)
			if (YAJL_IS_STRING(v->u.array.values[i]))
				jsonw_str(jw, YAJL_GET_STRING(v->u.array.values[i]));
	yajl_tree_free(v);
	jsonw_arr_close(jw);
	jsonw_key(jw, "is_verified");
	jsonw_bool(jw, l->is_verified);
	jsonw_key(jw, "is_fabricated");
	jsonw_bool(jw, l->is_fabricated);
	jsonw_key(jw, "is_spam_list");
	jsonw_bool(jw, l->is_spam_list);
	jsonw_key(jw, "records");
	jsonw_u64(jw, l->records);
	jsonw_key(jw, "rejected");
	jsonw_u64(jw, l->rejected);
	jsonw_key(jw, "duplicates");
	jsonw_u64(jw, l->duplicates);
	jsonw_key(jw, "bytes");
	jsonw_u64(jw, l->bytes);
	jsonw_obj_close(jw);
}

int
cmd_list(int argc, char **argv)
{
	const char *libopt = NULL;
	int json = 0;
	char path[4096], err[1024];
	int first = library_cmd_options(argc, argv, "list", help, &libopt, &json);

	if (first < 0)
		return EXIT_CLEAN;
	if (first < argc)
		die_usage("list", "unexpected argument '%s'", argv[first]);
	struct library *lib = open_library(libopt, 0, 0, path, sizeof(path));
	struct lib_leak *leaks = NULL;
	size_t n = 0;
	if (lib && library_leaks(lib, &leaks, &n, err, sizeof(err)) < 0)
		die("%s", err);
	if (json) {
		struct dynbuf b;
		struct jsonw jw;
		dynbuf_init(&b, (size_t)1 << 30);
		jsonw_init(&jw, &b);
		jsonw_arr_open(&jw);
		for (size_t i = 0; i < n; i++)
			list_leak_json(&jw, &leaks[i]);
		jsonw_arr_close(&jw);
		printf("%s\n", dynbuf_str(&b)); /* JSON */
		dynbuf_release(&b);
	} else if (!n) {
		teprintf("dumptrace: no known leaks in '%s' yet (add one with 'dumptrace ingest')\n",
			path);
	} else {
		tprintf("%-24s %12s  %-10s  %-10s  %9s  %s\n", "NAME", "RECORDS", "BREACHED", "ADDED",
		       "SIZE", "TITLE");
		for (size_t i = 0; i < n; i++) {
			char a[32], b[32];
			tprintf("%-24s %12s  %-10s  %-10s  %9s  %s\n", leaks[i].name,
			       fmt_count(leaks[i].records, a),
			       leaks[i].breach_date ? leaks[i].breach_date : "-",
			       leaks[i].added_date ? leaks[i].added_date : "-",
			       fmt_bytes(leaks[i].bytes, b), leaks[i].title ? leaks[i].title : "");
		}
	}
	lib_leaks_free(leaks, n);
	if (lib)
		library_close(lib);
	return EXIT_CLEAN;
}
