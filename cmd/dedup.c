/*
 * dumptrace dedup: removes repeated lines (--lines) or repeated records,
 * first occurrence kept, order preserved, in bounded memory, on every core.
 * The options are read here and the outputs named; the work is
 * core/dedup_run.h's, which opens the outputs through the functions below
 * once its first pass is done, so a run that fails early leaves an
 * existing file alone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/dedup_run.h"
#include "core/jsonw.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "core/xio.h"

/* An output: a file opened when the engine asks, or standard output. */
struct outfile {
	const char *path;
	int fd;
};

static int
outfile_open(void *ctx)
{
	struct outfile *f = ctx;
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	return f->fd < 0 ? -1 : 0;
}

static int
outfile_write(void *ctx, const char *p, size_t n)
{
	struct outfile *f = ctx;
	return xio_write_all(f->fd, p, n);
}

static int
outfile_close(void *ctx)
{
	struct outfile *f = ctx;
	int r = close(f->fd);
	f->fd = -1;
	return r;
}

/* The sink for the file path, or for standard output when path is NULL. */
static void
outfile_sink(struct dedup_run_sink *s, struct outfile *f, const char *path, const char *name)
{
	memset(s, 0, sizeof(*s));
	f->path = path;
	f->fd = 1;
	s->name = name;
	s->write = outfile_write;
	s->ctx = f;
	if (path) {
		s->open = outfile_open;
		s->close = outfile_close;
	}
}

/* The statistics: JSON on stderr with --json, else a line unless quiet. */
static void
print_stats(const struct dedup_run_opts *o, const struct dedup_run_result *r, int json)
{
	if (json) {
		struct dynbuf b;
		struct jsonw w;
		dynbuf_init(&b, 1u << 20);
		jsonw_init(&w, &b);
		jsonw_obj_open(&w);
		jsonw_key(&w, "mode");
		jsonw_str(&w, o->lines ? "lines" : "records");
		jsonw_key(&w, "records_in");
		jsonw_u64(&w, r->records_in);
		jsonw_key(&w, "unique");
		jsonw_u64(&w, r->dedup.unique);
		jsonw_key(&w, "duplicates");
		jsonw_u64(&w, r->dedup.duplicates);
		jsonw_key(&w, "rejected");
		jsonw_u64(&w, r->rejected);
		if (o->lines) {
			jsonw_key(&w, "bytes_out");
			jsonw_u64(&w, r->bytes_out);
		}
		jsonw_key(&w, "spill_runs");
		jsonw_u64(&w, r->dedup.spill_runs);
		if (o->lines) {
			jsonw_key(&w, "spilled_bytes");
			jsonw_u64(&w, r->dedup.spilled_bytes);
		}
		jsonw_obj_close(&w);
		fprintf(stderr, "%s\n", dynbuf_str(&b)); /* JSON: escaped as JSON */
		dynbuf_release(&b);
	} else if (!o->in->quiet) {
		char a[32], b[32], c[32], e[32];
		if (o->lines)
			fprintf(stderr,
				"dumptrace: %s lines in, %s unique, %s duplicates removed\n",
				fmt_count(r->records_in, a), fmt_count(r->dedup.unique, b),
				fmt_count(r->dedup.duplicates, c));
		else
			teprintf("dumptrace: %s records in, %s unique, %s duplicates removed, "
					"%s rejected\n",
				fmt_count(r->records_in, a), fmt_count(r->dedup.unique, b),
				fmt_count(r->dedup.duplicates, c), fmt_count(r->rejected, e));
	}
}

static void
help(void)
{
	tprintf("usage: dumptrace dedup [--lines] [OPTIONS] FILE...\n"
	       "\n"
	       "Removes repeated records, keeping the first occurrence of each, in input\n"
	       "order. Several inputs are deduplicated together, as if concatenated.\n"
	       "\n"
	       "Record mode (the default): records are equal when their values are equal\n"
	       "after typing and normalization (an e-mail in any case, a phone in any\n"
	       "format, a name in Cyrillic or Latin), whatever the column names and order.\n"
	       "Line mode (--lines): exact lines, as awk '!seen[$0]++' keeps them; CRLF\n"
	       "and LF endings of the same text are the same line; nothing is dropped for\n"
	       "being long, binary or not UTF-8.\n"
	       "\n"
	       "  --lines                line mode\n"
	       "  --key COLS             record mode: compare only these columns (names or\n"
	       "                         types, comma-separated: --key email,phone)\n"
	       "  --output-format F      record mode: csv or jsonl (default: csv for CSV input)\n"
	       "  --region CC            phone region for normalization (default KZ)\n"
	       "  --key-file FILE        fingerprint with a secret key\n"
	       "  -o, --output FILE      write the kept lines to FILE (default: standard output)\n"
	       "  --dups FILE            write the removed lines to FILE\n"
	       "  --memory SIZE          memory budget for fingerprints (default: a quarter of RAM);\n"
	       "                         past it, sorted runs spill to --tmpdir\n"
	       "  --tmpdir DIR           where spill runs and spooled inputs go (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        worker threads (default: all cores)\n"
	       "  --json                 statistics as JSON on stderr\n"
	       "  -q, --quiet            no statistics line\n"
	       "\n" COMMON_HELP);
}

int
cmd_dedup(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		WORK_LONG_OPTIONS,
		{ "lines", no_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "dups", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "key", required_argument, NULL, 'K' },
		{ "output-format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common co;
	struct dedup_run_opts o;
	const char *out_path = NULL, *dups_path = NULL;
	char **keys = NULL; /* --key: column names or type names */
	size_t nkeys = 0;
	int opt, json = 0;

	common_init(&co);
	dedup_run_opts_init(&o, &co.in);
	struct work_opts work = { &o.region, &o.key_file, &o.tmpdir, &o.memory, &o.threads,
				  1 << 20 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qho:j:", opts, NULL)) != -1) {
		if (common_option(&co, opt, optarg))
			continue;
		if (work_option(&work, "dedup", opt, optarg))
			continue;
		switch (opt) {
		case 'L':
			o.lines = 1;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'D':
			dups_path = optarg;
			break;
		case 'J':
			json = 1;
			break;
		case 'K': {
			char *list = xstrdup(optarg), *save = NULL;
			for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				keys = xrealloc(keys, (nkeys + 1) * sizeof(*keys));
				keys[nkeys++] = xstrdup(tok);
			}
			free(list);
			break;
		}
		case 'F':
			if (!strcmp(optarg, "csv"))
				o.out_csv = 1;
			else if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json"))
				o.out_csv = 0;
			else
				die_usage("dedup", "unknown output format '%s' (csv, jsonl)", optarg);
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("dedup", "bad option");
		}
	}
	if (optind >= argc)
		die_usage("dedup", "no input given (use - for standard input)");
	if (o.lines && (nkeys || o.out_csv >= 0))
		die_usage("dedup", "--key and --output-format are for record mode, not --lines");
	o.keys = keys;
	o.nkeys = nkeys;

	/* "-o -" is standard output, so named in line mode's messages, "-" in record mode's */
	struct outfile outf, dupsf;
	struct dedup_run_sink out, dups;
	int to_stdout = !out_path || !strcmp(out_path, "-");
	outfile_sink(&out, &outf, to_stdout ? NULL : out_path,
		     o.lines ? (to_stdout ? "standard output" : out_path)
			     : (out_path ? out_path : "standard output"));
	o.out = &out;
	if (dups_path) {
		outfile_sink(&dups, &dupsf, dups_path, dups_path);
		o.dups = &dups;
	}

	common_start(&co);
	struct dedup_run_result r;
	if (dedup_run(&o, argv + optind, argc - optind, &r) != DT_OK)
		die("%s", r.err);
	print_stats(&o, &r, json);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	common_finish(&co);
	return r.incomplete ? EXIT_REJECTS : EXIT_CLEAN;
}
