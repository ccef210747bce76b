/*
 * dumptrace analyze: is this dump new, or a recompilation of known leaks?
 * The options are read here, the analysis is core/analyze.h's; its
 * findings come back as a model (core/findings.h), written here as text,
 * JSON or the HTML page, and the per-row records go to --records.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/analyze.h"
#include "core/report_html.h"
#include "core/status.h"

struct aopts {
	struct analyze_opts an;
	struct analyze_out out;
};

static int
records_write(void *ctx, const char *line, size_t len)
{
	return fwrite(line, 1, len, ctx) == len ? 0 : -1;
}

/* "dumptrace analyze ...", each word quoted for the shell when it needs it. */
static void
command_line(struct dynbuf *cmd, int argc, char **argv)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+@%-";
	dynbuf_printf(cmd, "dumptrace");
	for (int i = 0; i < argc; i++) {
		const char *word = argv[i];
		if (*word && strspn(word, plain) == strlen(word)) {
			dynbuf_printf(cmd, " %s", word);
			continue;
		}
		dynbuf_printf(cmd, " '");
		for (; *word; word++)
			if (*word == '\'')
				dynbuf_add(cmd, "'\\''", 4);
			else
				dynbuf_addc(cmd, *word);
		dynbuf_printf(cmd, "'");
	}
}

static void
write_json(const struct analyze_out *o, const struct findings *F)
{
	struct dynbuf b;
	dynbuf_init(&b, (size_t)1 << 32);
	findings_json(F, &b);
	FILE *jf = !strcmp(o->json_path, "-") ? stdout : fopen(o->json_path, "w");
	if (!jf)
		die("cannot open '%s' for writing: %s", o->json_path, strerror(errno));
	fprintf(jf, "%s\n", dynbuf_str(&b));
	if (jf != stdout && fclose(jf) != 0)
		die("cannot write '%s': %s", o->json_path, strerror(errno));
	dynbuf_release(&b);
}

/* The page is drawn from the JSON: it can show nothing the JSON does not hold. */
static void
write_html(const struct analyze_out *o, int show_values, const struct findings *F, char **paths,
	   int npaths)
{
	struct dynbuf b, page, cmd, in;
	char id[40], now[32], err[1024];
	time_t now_t = time(NULL);
	struct tm tm;
	dynbuf_init(&b, (size_t)1 << 32);
	dynbuf_init(&page, (size_t)1 << 30);
	dynbuf_init(&cmd, (size_t)1 << 24);
	dynbuf_init(&in, (size_t)1 << 24);
	findings_json(F, &b);
	command_line(&cmd, o->argc, o->argv);
	for (int i = 0; i < npaths; i++)
		dynbuf_printf(&in, "%s%s", i ? " " : "", paths[i]);
	snprintf(id, sizeof(id), "%s", *F->library_id ? F->library_id : "none");
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now_t, &tm));
	struct html_meta m = { dynbuf_str(&in), dynbuf_str(&cmd), PACKAGE_VERSION, F->library, id, now,
			       show_values };
	if (report_html(b.buf, b.len, &m, &page, err, sizeof(err)) < 0)
		die("cannot write the report '%s': %s", o->html_path, err);
	FILE *hf = fopen(o->html_path, "w");
	if (!hf)
		die("cannot open '%s' for writing: %s", o->html_path, strerror(errno));
	if (fwrite(page.buf, 1, page.len, hf) != page.len || fclose(hf) != 0)
		die("cannot write '%s': %s", o->html_path, strerror(errno));
	dynbuf_release(&b);
	dynbuf_release(&page);
	dynbuf_release(&cmd);
	dynbuf_release(&in);
}

int
analyze_report(struct analyze_opts *an, const struct analyze_out *o, const struct common *co,
	       char **paths, int npaths)
{
	char err[1024];
	struct findings F;
	FILE *records = NULL;

	if (o->records_path) {
		records = !strcmp(o->records_path, "-") ? stdout : fopen(o->records_path, "w");
		if (!records)
			die("cannot open '%s' for writing: %s", o->records_path, strerror(errno));
		an->records = records_write;
		an->records_ctx = records;
	}
	int st = analyze_run(an, paths, npaths, &F, err, sizeof(err));
	progress_clear();
	if (st != DT_OK && an->stop && *an->stop) {
		if (records && records != stdout)
			fclose(records);
		return -1;
	}
	if (st != DT_OK)
		die("%s", err);
	if (records && records != stdout && fclose(records) != 0)
		die("cannot write '%s': %s", o->records_path, strerror(errno));
	if (o->json_path)
		write_json(o, &F);
	if (o->html_path)
		write_html(o, an->show_values, &F, paths, npaths);
	if (!o->json_path || strcmp(o->json_path, "-"))
		if (!co->in.quiet || (!o->json_path && !o->html_path)) {
			struct dynbuf t;
			dynbuf_init(&t, 1u << 24);
			findings_text(&F, &t);
			fputs(dynbuf_str(&t), o->records_path && !strcmp(o->records_path, "-") ? stderr : stdout);
			dynbuf_release(&t);
		}
	int fail = 0;
	if (o->fail_on)
		fail = !strcmp(F.label, "recompilation") ||
		       (!strcmp(o->fail_on, "partial") && !strcmp(F.label, "partial"));
	/* rejected records are counted in the report; a lost input or library part is an error */
	int rc = fail ? 3 : F.problems || F.walk.failed ? EXIT_REJECTS : EXIT_CLEAN;
	findings_release(&F);
	return rc;
}

static void
help(void)
{
	tprintf("usage: dumptrace analyze [OPTIONS] FILE...\n"
	       "\n"
	       "Says whether a dump is new or a recompilation of the known leaks in the\n"
	       "library: which share of its rows and fields come from which leak, which\n"
	       "are in none, how the file was stitched together, how fresh it is, with a\n"
	       "verdict and the evidence behind it. No personal data is printed.\n"
	       "\n"
	       "  --library PATH         the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                         $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --json FILE            the findings as JSON (- for standard output)\n"
	       "  --html FILE            a self-contained HTML report (charts, no personal data)\n"
	       "  --records FILE         one line per input row: its class, leaks and the\n"
	       "                         leaks of each field (JSON Lines, or CSV)\n"
	       "  --records-format F     jsonl (default) or csv\n"
	       "  --show-values          add each row's values to the JSON Lines records: PERSONAL\n"
	       "                         DATA, off by default (nothing else ever prints a value)\n"
	       "  --fail-on LABEL        exit code 3 when the verdict is recompilation, or\n"
	       "                         (--fail-on partial) recompilation or partial\n"
	       "  --recompilation-threshold X  share of known rows for \"recompilation\" (0.8)\n"
	       "  --partial-threshold X  share of known rows for \"partial\" (0.2)\n"
	       "  --segment-min N        shortest run of rows kept as a segment (default\n"
	       "                         one row in 10,000, at least 8)\n"
	       "  --link-threshold BITS  weight a row without an identifier needs to be linked\n"
	       "                         to a known person by name, birth date, postcode, city\n"
	       "                         and address (default 16: odds of 65,536 to 1)\n"
	       "  --region CC            phone region for normalization (default KZ)\n"
	       "  --key-file FILE        the library's secret key, if it was built with one\n"
	       "  --memory SIZE          memory budget for the sorts (default 1G)\n"
	       "  --tmpdir DIR           where spill files go (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        worker threads (default: all cores)\n"
	       "  --work-dir DIR         the joins as reduce steps, one a shard of the library,\n"
	       "                         their files in DIR (shared by the machines that run them)\n"
	       "  --reducers CMD         runs a round's steps (sh -c, once a round), e.g. a Slurm\n"
	       "                         job array; default: as child processes here\n"
	       "  --splits N             the dump read by N map steps, its FILEs cut into N runs\n"
	       "                         of about equal size (with --work-dir and a library)\n"
	       "  --mappers CMD          runs the map steps (sh -c), e.g. a Slurm job array;\n"
	       "                         default: as child processes here\n"
	       "  --retries N            runs again the steps that left no result (default 2)\n"
	       "\n" COMMON_HELP);
}

static int
analyze_main(int argc, char **argv, const struct map_step *ms)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		WORK_LONG_OPTIONS,
		{ "library", required_argument, NULL, 'l' },
		{ "json", required_argument, NULL, 'J' },
		{ "html", required_argument, NULL, 'H' },
		{ "records", required_argument, NULL, 'r' },
		{ "records-format", required_argument, NULL, 'F' },
		{ "show-values", no_argument, NULL, 'V' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "recompilation-threshold", required_argument, NULL, 'X' },
		{ "partial-threshold", required_argument, NULL, 'P' },
		{ "segment-min", required_argument, NULL, 'S' },
		{ "link-threshold", required_argument, NULL, 'L' },
		{ "work-dir", required_argument, NULL, 'W' },
		{ "reducers", required_argument, NULL, 'C' },
		{ "retries", required_argument, NULL, 'T' },
		{ "splits", required_argument, NULL, 'N' },
		{ "mappers", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct aopts o;
	struct common co;
	struct reducers red = { 0 }, mappers = { 0 };
	int opt;
	int64_t v;

	memset(&o, 0, sizeof(o));
	common_init(&co);
	analyze_opts_init(&o.an, &co.in);
	o.an.retries = 2;
	o.out.argc = argc;
	o.out.argv = argv;
	struct work_opts work = { &o.an.region, &o.an.key_file, &o.an.tmpdir, &o.an.memory,
				  &o.an.threads, 4 << 20 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
		if (common_option(&co, opt, optarg))
			continue;
		if (work_option(&work, "analyze", opt, optarg))
			continue;
		switch (opt) {
		case 'l':
			o.an.library = optarg;
			break;
		case 'J':
			o.out.json_path = optarg;
			break;
		case 'H':
			o.out.html_path = optarg;
			break;
		case 'r':
			o.out.records_path = optarg;
			break;
		case 'F':
			if (!strcmp(optarg, "csv"))
				o.an.records_csv = 1;
			else if (strcmp(optarg, "jsonl") && strcmp(optarg, "json"))
				die_usage("analyze", "unknown records format '%s' (jsonl, csv)", optarg);
			break;
		case 'V':
			o.an.show_values = 1;
			break;
		case 'f':
			if (strcmp(optarg, "recompilation") && strcmp(optarg, "partial"))
				die_usage("analyze", "bad --fail-on '%s' (recompilation, partial)", optarg);
			o.out.fail_on = optarg;
			break;
		case 'X':
			o.an.v.recompilation = parse_share("analyze", "--recompilation-threshold", optarg);
			break;
		case 'P':
			o.an.v.partial = parse_share("analyze", "--partial-threshold", optarg);
			break;
		case 'S':
			if ((v = parse_size(optarg)) < 1)
				die_usage("analyze", "bad --segment-min '%s'", optarg);
			o.an.segment_min = (uint64_t)v;
			break;
		case 'L':
			o.an.link_threshold = parse_link_threshold("analyze", optarg);
			break;
		case 'W':
			o.an.work_dir = optarg;
			break;
		case 'C':
			red.command = optarg;
			break;
		case 'T':
			if ((v = parse_size(optarg)) < 0 || v > 100)
				die_usage("analyze", "bad --retries '%s' (0 to 100)", optarg);
			o.an.retries = (unsigned)v;
			break;
		case 'N':
			if ((v = parse_size(optarg)) < 1 || v > 65536)
				die_usage("analyze", "bad --splits '%s' (1 to 65,536)", optarg);
			o.an.splits = (unsigned)v;
			break;
		case 'M':
			mappers.command = optarg;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("analyze", "bad option");
		}
	}
	if (o.an.v.partial > o.an.v.recompilation)
		die_usage("analyze", "--partial-threshold is above --recompilation-threshold");
	if (optind >= argc)
		die_usage("analyze", "no input given (use - for standard input)");
	if (red.command && !o.an.work_dir)
		die_usage("analyze", "--reducers goes with --work-dir");
	if ((o.an.splits > 1 || mappers.command) && !o.an.work_dir)
		die_usage("analyze", "--splits and --mappers go with --work-dir");
	if (mappers.command && o.an.splits < 2)
		die_usage("analyze", "--mappers goes with --splits N (2 or more)");
	for (int i = optind; o.an.splits > 1 && i < argc; i++)
		if (!strcmp(argv[i], "-"))
			die_usage("analyze", "standard input cannot be split: give files with --splits");
	if (ms) {
		/* a map step: the analysis's options, with the step's own budget, and its split alone */
		char err[1024];
		if (ms->memory)
			o.an.memory = ms->memory;
		if (ms->have_threads)
			o.an.threads = ms->threads;
		if (ms->tmpdir)
			o.an.tmpdir = ms->tmpdir;
		co.in.quiet |= ms->quiet;
		if (!o.an.work_dir)
			die("the saved analysis has no --work-dir");
		common_start(&co);
		int st = analyze_map(&o.an, argv + optind, argc - optind, ms->split, err, sizeof(err));
		common_finish(&co);
		if (st != DT_OK)
			die("split %u: %s", ms->split, err);
		return EXIT_CLEAN;
	}
	if (o.an.work_dir) {
		if (mkdir(o.an.work_dir, 0777) < 0 && errno != EEXIST)
			die("cannot create '%s': %s", o.an.work_dir, strerror(errno));
		red.memory = o.an.memory / 4; /* the analysis holds its hits and rows meanwhile */
		red.tmpdir = o.an.tmpdir;
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		red.parallel = o.an.threads ? o.an.threads : cores > 0 && cores < 1024 ? (unsigned)cores : 1;
		o.an.reduce = reducers_run;
		o.an.reduce_ctx = &red;
		/* the map steps run while this process waits: they share the whole budget */
		mappers.memory = o.an.memory;
		mappers.tmpdir = o.an.tmpdir;
		mappers.parallel = red.parallel;
		mappers.share_threads = 1;
		o.an.map = mappers_run;
		o.an.map_ctx = &mappers;
		if (o.an.splits > 1 && map_args_write(o.an.work_dir, argc, argv) < 0)
			die("cannot write in '%s': %s", o.an.work_dir, strerror(errno));
	}
	if (o.an.show_values && (!o.out.records_path || o.an.records_csv))
		die_usage("analyze", "--show-values puts the values in the JSON Lines of --records: give --records FILE");
	if (o.an.show_values)
		warnx("warning: --show-values: '%s' will hold personal data; handle it as the dump itself",
		      o.out.records_path);
	common_start(&co);
	int rc = analyze_report(&o.an, &o.out, &co, argv + optind, argc - optind);
	common_finish(&co);
	return rc;
}

int
cmd_analyze(int argc, char **argv)
{
	return analyze_main(argc, argv, NULL);
}

int
analyze_map_step(int argc, char **argv, const struct map_step *ms)
{
	return analyze_main(argc, argv, ms);
}
