/*
 * dumptrace cat: the records exactly as the readers produce them, as JSON
 * Lines (column names as keys, plus _input and _table) or CSV, so that any
 * dump can be handed to jq, Miller or a database, and so that the readers
 * can be compared with each other.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/recout.h"

struct cat {
	struct recout ro;
	FILE *out;
	const char *outname; /* for messages */
	const char *input;   /* name of the stream being read */
};

static int
cat_write(void *ctx, const char *p, size_t n)
{
	struct cat *c = ctx;
	return fwrite(p, 1, n, c->out) == n ? 0 : -1;
}

static void
cat_begin(void *ctx, struct source *src, struct reader *r)
{
	struct cat *c = ctx;
	struct source_info si;
	(void)r;
	source_info(src, &si);
	c->input = si.name;
}

static int
cat_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct cat *c = ctx;
	(void)r;
	if (recout_write(&c->ro, c->input, rec) < 0)
		die("cannot write '%s': %s", c->outname, strerror(errno));
	return 0;
}

static void
help(void)
{
	tprintf("usage: dumptrace cat [OPTIONS] FILE...\n"
	       "\n"
	       "Prints the records of each input as the readers produce them. Rejected\n"
	       "records never reach the output: they are counted on stderr and written\n"
	       "to --rejects FILE.\n"
	       "\n"
	       "  --output-format F      jsonl (default: one object per record, with _input\n"
	       "                         and _table) or csv (a new header when columns change)\n"
	       "  -o, --output FILE      write to FILE instead of standard output\n"
	       "\n" COMMON_HELP);
}

int
cmd_cat(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		{ "output-format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common co;
	struct cat c;
	const char *outpath = NULL;
	int opt, csv = 0;
	FILE *out = stdout;

	common_init(&co);
	memset(&c, 0, sizeof(c));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qho:", opts, NULL)) != -1) {
		if (common_option(&co, opt, optarg))
			continue;
		switch (opt) {
		case 'F':
			if (!strcmp(optarg, "csv"))
				csv = 1;
			else if (strcmp(optarg, "jsonl") && strcmp(optarg, "json"))
				die_usage("cat", "unknown output format '%s' (jsonl, csv)", optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("cat", "bad option");
		}
	}
	if (optind >= argc)
		die_usage("cat", "no input given (use - for standard input)");
	if (outpath && strcmp(outpath, "-")) {
		out = fopen(outpath, "w");
		if (!out)
			die("cannot open '%s' for writing: %s", outpath, strerror(errno));
	}
	c.out = out;
	c.outname = outpath ? outpath : "standard output";
	recout_init(&c.ro, csv, cat_write, &c);
	common_start(&co);

	struct walk_cb cb = { .ctx = &c, .begin = cat_begin, .record = cat_record };
	struct walk_totals t;
	int rc = walk_paths(&co.in, argv + optind, argc - optind, &cb, &t);
	progress_clear();

	if (recout_flush(&c.ro) < 0 || fflush(out) != 0)
		die("cannot write '%s': %s", c.outname, strerror(errno));
	recout_release(&c.ro);
	if (out != stdout && fclose(out) != 0)
		die("cannot write '%s': %s", outpath, strerror(errno));
	common_finish(&co);
	if (!co.in.quiet || rc != EXIT_CLEAN) {
		char a[32], b[32];
		teprintf("dumptrace: %s records parsed, %s rejected\n", fmt_count(t.parsed, a),
			fmt_count(t.rejected, b));
	}
	return rc;
}
