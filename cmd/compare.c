/*
 * dumptrace compare A B: the analysis of B against A alone, without a
 * library. A is ingested (core/ingest.h) into a library made for the
 * occasion in a temporary directory, under its file name; B is analyzed
 * against it (core/analyze.h) and reported as `analyze` reports; the
 * directory is removed afterwards, whatever happened: on every return, on
 * every exit (die() included, through atexit), and on SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT, which stop the engines at the next record (or at
 * once while a read waits for input) and are raised again once the
 * directory is gone, so that the shell sees them. A second signal ends
 * the program at once. Every option's value is checked before A is read.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/analyze.h"
#include "core/ingest.h"
#include "core/keys.h"
#include "core/norm.h"
#include "core/status.h"
#include "core/xalloc.h"

/* A leak name's limit in ingest. */
#define NAME_MAX_BYTES 200

/* The temporary directory, for the exit handler; NULL once removed. */
static char *compare_dir;
/* The first termination signal, if any. */
static volatile sig_atomic_t compare_signal;

static const int compare_sigs[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void
help(void)
{
	tprintf("usage: dumptrace compare [OPTIONS] A B\n"
	       "\n"
	       "Analyzes the dump B against the dump A alone, without a library: which of\n"
	       "B's rows are copied from A, updated or new, with the verdict and the rest\n"
	       "of the analysis (see 'dumptrace analyze --help'). A is ingested under its\n"
	       "file name into a temporary library, removed at the end. Each of A and B\n"
	       "is one file, an archive, or - for standard input. No personal data is\n"
	       "printed.\n"
	       "\n"
	       "  --json FILE            the findings as JSON (- for standard output)\n"
	       "  --records FILE         one line per row of B: its class, leaks and the\n"
	       "                         leaks of each field (JSON Lines, or CSV)\n"
	       "  --records-format F     jsonl (default) or csv\n"
	       "  --fail-on LABEL        exit code 3 when the verdict is recompilation, or\n"
	       "                         (--fail-on partial) recompilation or partial\n"
	       "  --recompilation-threshold X  share of known rows for \"recompilation\" (0.8)\n"
	       "  --partial-threshold X  share of known rows for \"partial\" (0.2)\n"
	       "  --link-threshold BITS  weight a row without an identifier needs to be linked\n"
	       "                         to a person of A by its quasi-identifiers (16)\n"
	       "  --segment-min N        shortest run of rows kept as a segment (default\n"
	       "                         one row in 10,000, at least 8)\n"
	       "  --region CC            phone region for normalization, of both (default KZ)\n"
	       "  --key-file FILE        fingerprint with this secret key\n"
	       "  --memory SIZE          memory budget for the sorts (default 1G)\n"
	       "  --tmpdir DIR           where the temporary library and spill files go\n"
	       "                         (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        worker threads (default: all cores)\n"
	       "\n"
	       "The input options apply to both A and B, except --rejects: B's only.\n"
	       "Exit status as analyze's: 0, 1 when records of A, or an input of A or B,\n"
	       "could not be read, 2 on bad usage or a fatal error, 3 with --fail-on.\n"
	       "\n" COMMON_HELP);
}

/*
 * A's leak name: its file name, with what ingest refuses made harmless
 * (control characters, more than 200 bytes; cut on a character boundary).
 */
static char *
compare_leak_name(const char *path)
{
	if (!strcmp(path, "-"))
		return xstrdup("stdin");
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *base = path;
	for (size_t i = 0; i + 1 < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	size_t n = len - (size_t)(base - path);
	if (n > NAME_MAX_BYTES) {
		n = NAME_MAX_BYTES;
		while (n && ((unsigned char)base[n] & 0xc0) == 0x80)
			n--;
	}
	char *name = xstrndup(base, n);
	for (char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (!*name || !strcmp(name, "/")) {
		free(name);
		name = xstrdup("A");
	}
	return name;
}

static int
compare_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0 && errno != ENOENT)
		warnx("warning: cannot remove '%s': %s", path, strerror(errno));
	return 0;
}

/* Removes the temporary library, depth first, without following links. */
static void
compare_cleanup(const char *dir)
{
	if (nftw(dir, compare_unlink, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
		warnx("warning: cannot remove '%s': %s", dir, strerror(errno));
}

static void
compare_atexit(void)
{
	if (compare_dir) {
		compare_cleanup(compare_dir);
		free(compare_dir);
		compare_dir = NULL;
	}
}

/* The first signal stops the engines; a second one ends the program as it would have. */
static void
compare_on_signal(int sig)
{
	if (compare_signal) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	compare_signal = sig;
}

/* Catches the termination signals (one ignored when we started, nohup say, stays ignored). */
static void
compare_catch(struct sigaction old[4])
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = compare_on_signal;
	for (int i = 0; i < 4; i++) {
		sigaction(compare_sigs[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(compare_sigs[i], &sa, NULL);
	}
}

/* The analysis options of compare, as analyze's; the ones for A are copied from them. */
static int
compare_options(int argc, char **argv, struct common *co, struct analyze_opts *an,
		struct analyze_out *out)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		{ "json", required_argument, NULL, 'J' },
		{ "records", required_argument, NULL, 'r' },
		{ "records-format", required_argument, NULL, 'F' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "recompilation-threshold", required_argument, NULL, 'X' },
		{ "partial-threshold", required_argument, NULL, 'P' },
		{ "link-threshold", required_argument, NULL, 'L' },
		{ "segment-min", required_argument, NULL, 'S' },
		{ "region", required_argument, NULL, 'R' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "memory", required_argument, NULL, 'M' },
		{ "tmpdir", required_argument, NULL, 'T' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	int64_t v;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
		if (common_option(co, opt, optarg))
			continue;
		switch (opt) {
		case 'J':
			out->json_path = optarg;
			break;
		case 'r':
			out->records_path = optarg;
			break;
		case 'F':
			if (!strcmp(optarg, "csv"))
				an->records_csv = 1;
			else if (strcmp(optarg, "jsonl") && strcmp(optarg, "json"))
				die_usage("compare", "unknown records format '%s' (jsonl, csv)", optarg);
			else
				an->records_csv = 0;
			break;
		case 'f':
			if (strcmp(optarg, "recompilation") && strcmp(optarg, "partial"))
				die_usage("compare", "bad --fail-on '%s' (recompilation, partial)", optarg);
			out->fail_on = optarg;
			break;
		case 'X':
			an->v.recompilation = parse_share("compare", "--recompilation-threshold", optarg);
			break;
		case 'P':
			an->v.partial = parse_share("compare", "--partial-threshold", optarg);
			break;
		case 'L':
			an->link_threshold = parse_link_threshold("compare", optarg);
			break;
		case 'S':
			if ((v = parse_size(optarg)) < 1)
				die_usage("compare", "bad --segment-min '%s'", optarg);
			an->segment_min = (uint64_t)v;
			break;
		case 'R':
			if (!norm_region_known(optarg))
				die_usage("compare", "unknown --region '%s'", optarg);
			an->region = optarg;
			break;
		case 'k':
			an->key_file = optarg;
			break;
		case 'M':
			/* analyze's floor, the higher of the two */
			if ((v = parse_size(optarg)) < (4 << 20))
				die_usage("compare", "bad size '%s' for --memory (at least 4M)", optarg);
			an->memory = (uint64_t)v;
			break;
		case 'T':
			an->tmpdir = optarg;
			break;
		case 'j':
			v = atoi(optarg);
			if (v < 1 || v > 64)
				die_usage("compare", "bad thread count '%s' (1 to 64)", optarg);
			an->threads = (unsigned)v;
			break;
		case 'h':
			help();
			return -1;
		default:
			die_usage("compare", "bad option");
		}
	}
	if (an->v.partial > an->v.recompilation)
		die_usage("compare", "--partial-threshold is above --recompilation-threshold");
	if (argc - optind != 2)
		die_usage("compare", "compare takes two inputs, A and B (%d given)", argc - optind);
	if (!strcmp(argv[optind], "-") && !strcmp(argv[optind + 1], "-"))
		die_usage("compare", "A and B cannot both be standard input");
	return optind;
}

/* Ingests A into the library lib; the exit code so far (0 or 1), or -1 when stopped by a signal. */
static int
compare_ingest(const struct common *co, const struct analyze_opts *an, const char *lib, char *a_path)
{
	struct walk_opts in = co->in; /* --rejects is B's only */
	struct ingest_opts o;
	struct ingest_result r;
	char *name = compare_leak_name(a_path);

	in.rejects = NULL;
	ingest_opts_init(&o, &in);
	o.library = lib;
	o.meta.name = name;
	o.key_file = an->key_file;
	o.region = an->region;
	o.tmpdir = an->tmpdir;
	o.memory = an->memory;
	o.threads = an->threads;
	o.stop = &compare_signal;
	int st = ingest_run(&o, &a_path, 1, &r);
	progress_clear();
	if (st != DT_OK && compare_signal) {
		free(name);
		return -1;
	}
	if (st != DT_OK)
		die("%s", r.err);
	ingest_print(&o, &r, 0);
	free(name);
	return walk_status(&r.walk) ? EXIT_REJECTS : EXIT_CLEAN;
}

int
cmd_compare(int argc, char **argv)
{
	struct common co;
	struct analyze_opts an;
	struct analyze_out out;
	struct sigaction old[4];

	common_init(&co);
	analyze_opts_init(&an, &co.in);
	memset(&out, 0, sizeof(out));
	out.argc = argc;
	out.argv = argv;
	int first = compare_options(argc, argv, &co, &an, &out);
	if (first < 0) {
		common_finish(&co);
		return EXIT_CLEAN;
	}
	size_t n = strlen(an.tmpdir) + 64;
	char *dir = xmalloc(n), *lib = xmalloc(n + 8);
	snprintf(dir, n, "%s/dumptrace-compare.XXXXXX", an.tmpdir);
	if (!mkdtemp(dir))
		die("cannot create a temporary directory in '%s': %s", an.tmpdir, strerror(errno));
	/* a library ingest creates itself, inside the directory we own */
	snprintf(lib, n + 8, "%s/library", dir);
	compare_dir = dir;
	atexit(compare_atexit);
	compare_catch(old);
	char *keyfile = NULL;
	if (!an.key_file) {
		/* the temporary library's key lives and goes with it, not in the key directory */
		unsigned char k[FP_KEY_SIZE];
		char err[1024];
		keyfile = xmalloc(n + 8);
		snprintf(keyfile, n + 8, "%s/key", dir);
		key_new(k);
		if (key_write(keyfile, k, 0, err, sizeof(err)) < 0)
			die("%s", err);
		an.key_file = keyfile;
	}

	common_start(&co);
	co.in.src.stop = &compare_signal;
	an.stop = &compare_signal;
	an.library = lib;
	int rc = compare_ingest(&co, &an, lib, argv[first]);
	if (rc >= 0 && !compare_signal) {
		int rc2 = analyze_report(&an, &out, &co, argv + first + 1, 1);
		rc = rc2 == EXIT_CLEAN ? rc : rc2;
	}
	common_finish(&co);
	compare_atexit();
	for (int i = 0; i < 4; i++)
		sigaction(compare_sigs[i], &old[i], NULL);
	free(lib);
	free(keyfile);
	if (compare_signal) {
		/* end as if killed by it, so that the shell sees the signal */
		int sig = compare_signal;
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return rc;
}
