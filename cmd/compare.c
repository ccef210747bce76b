/*
 * dumptrace compare A B: the analysis of B against A alone, without a
 * library. A is ingested, exactly as `ingest` does it, into a library made
 * for the occasion in a temporary directory, under its file name; B is
 * analyzed against that library as `analyze` does it; the directory is
 * removed afterwards, whatever happened.
 *
 * The work runs in a child process and the parent only waits and cleans
 * up: ingest and analyze end the program with exit() on a fatal error,
 * and ingest catches SIGINT for its own clean-up, so a process that stays
 * out of both is the one place sure to see the end and remove the
 * temporary library (SIGKILL aside). No option is read twice: compare
 * checks the values up front, then hands each option to the step (or both)
 * it belongs to, so a bad --fail-on fails before A is read, not after.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/norm.h"
#include "core/xalloc.h"

/* Where an option goes. */
#define TO_INGEST 1u
#define TO_ANALYZE 2u
#define TO_BOTH (TO_INGEST | TO_ANALYZE)

/* Seconds a child that was passed a signal has to end before it is killed. */
#define COMPARE_GRACE 2

/* A leak name's limit in ingest. */
#define NAME_MAX_BYTES 200

/* An argument vector under construction, NULL-terminated; its "--NAME" strings are owned. */
struct compare_argv {
	char **v;
	size_t n, alloc;
	char **owned;
	size_t nowned, owned_alloc;
};

/* The child's pid, for the signal handler to pass signals on. */
static volatile pid_t compare_child;
/* The first termination signal the parent got, if any. */
static volatile sig_atomic_t compare_signal;

static void
help(void)
{
	printf("usage: dumptrace compare [OPTIONS] A B\n"
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

static void
compare_argv_push(struct compare_argv *a, const char *s)
{
	a->v = xgrow(a->v, &a->alloc, a->n + 2, sizeof(*a->v));
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void
compare_argv_init(struct compare_argv *a, const char *cmd)
{
	memset(a, 0, sizeof(*a));
	compare_argv_push(a, cmd);
}

/* Pushes "--NAME", then its value when it has one. */
static void
compare_argv_option(struct compare_argv *a, const char *name, const char *value)
{
	size_t n = strlen(name) + 3;
	char *s = xmalloc(n);
	snprintf(s, n, "--%s", name);
	a->owned = xgrow(a->owned, &a->owned_alloc, a->nowned + 1, sizeof(*a->owned));
	a->owned[a->nowned++] = s;
	compare_argv_push(a, s);
	if (value)
		compare_argv_push(a, value);
}

static void
compare_argv_release(struct compare_argv *a)
{
	for (size_t i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
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

/* What common_option() allocated for --type, only checked here. */
static void
compare_types_release(struct common *co)
{
	for (size_t i = 0; i < co->ntypes; i++)
		free(co->types[i].column);
	free(co->types);
	co->types = NULL;
	co->ntypes = 0;
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

/*
 * The parent passes termination signals on to the child. Ingest only
 * notes them and may not look again (done already, or blocked on a silent
 * standard input), so a child still there after the grace period is
 * killed: nothing is lost, its library is thrown away anyway.
 */
static void
compare_on_signal(int sig)
{
	if (!compare_signal) {
		compare_signal = sig;
		alarm(COMPARE_GRACE);
	}
	if (compare_child > 0)
		kill(compare_child, sig);
}

static void
compare_on_alarm(int sig)
{
	(void)sig;
	if (compare_child > 0)
		kill(compare_child, SIGKILL);
}

/*
 * The child: ingest A, then analyze B. Never returns; its exit code is
 * analyze's, or 1 when analyze said 0 but some records of A were rejected.
 */
static _Noreturn void
compare_child_run(struct compare_argv *ing, struct compare_argv *an, const int *sigs,
		  const struct sigaction *old, int nsigs)
{
	int rc = cmd_ingest((int)ing->n, ing->v);
	/* ingest left its handlers, which only set a flag: analyze must stop on Ctrl-C */
	for (int i = 0; i < nsigs; i++)
		sigaction(sigs[i], &old[i], NULL);
	int rc2 = cmd_analyze((int)an->n, an->v);
	if (rc2 == EXIT_CLEAN)
		rc2 = rc;
	compare_argv_release(ing);
	compare_argv_release(an);
	fflush(NULL);
	exit(rc2);
}

int
cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		{ "json", required_argument, NULL, 'J' },
		{ "records", required_argument, NULL, 'r' },
		{ "records-format", required_argument, NULL, 'F' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "recompilation-threshold", required_argument, NULL, 'X' },
		{ "partial-threshold", required_argument, NULL, 'P' },
		{ "segment-min", required_argument, NULL, 'S' },
		{ "region", required_argument, NULL, 'R' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "memory", required_argument, NULL, 'M' },
		{ "tmpdir", required_argument, NULL, 'T' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common co; /* only to check the input options' values */
	struct compare_argv ing, an;
	double recompilation = 0.8, partial = 0.2;
	const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int opt, idx;
	int64_t v;

	common_init(&co);
	compare_argv_init(&ing, "ingest");
	compare_argv_init(&an, "analyze");
	optind = 1;
	for (;;) {
		idx = -1;
		if ((opt = getopt_long(argc, argv, "qhj:", opts, &idx)) == -1)
			break;
		unsigned to = TO_ANALYZE;
		if (common_option(&co, opt, optarg))
			to = opt == 0x1005 ? TO_ANALYZE : TO_BOTH;
		else
			switch (opt) {
			case 'F':
				if (strcmp(optarg, "csv") && strcmp(optarg, "jsonl") && strcmp(optarg, "json"))
					die_usage("compare", "unknown records format '%s' (jsonl, csv)", optarg);
				break;
			case 'f':
				if (strcmp(optarg, "recompilation") && strcmp(optarg, "partial"))
					die_usage("compare", "bad --fail-on '%s' (recompilation, partial)", optarg);
				break;
			case 'X':
				recompilation = parse_share("compare", "--recompilation-threshold", optarg);
				break;
			case 'P':
				partial = parse_share("compare", "--partial-threshold", optarg);
				break;
			case 'S':
				if (parse_size(optarg) < 1)
					die_usage("compare", "bad --segment-min '%s'", optarg);
				break;
			case 'R':
				if (!norm_region_known(optarg))
					die_usage("compare", "unknown --region '%s'", optarg);
				to = TO_BOTH;
				break;
			case 'k':
				to = TO_BOTH;
				break;
			case 'M':
				/* analyze's floor, the higher of the two */
				if (parse_size(optarg) < (4 << 20))
					die_usage("compare", "bad size '%s' for --memory (at least 4M)", optarg);
				to = TO_BOTH;
				break;
			case 'T':
				tmpdir = optarg;
				to = TO_BOTH;
				break;
			case 'j':
				v = atoi(optarg);
				if (v < 1 || v > 64)
					die_usage("compare", "bad thread count '%s' (1 to 64)", optarg);
				to = TO_BOTH;
				break;
			case 'J':
			case 'r':
				break;
			case 'h':
				help();
				compare_argv_release(&ing);
				compare_argv_release(&an);
				compare_types_release(&co);
				return EXIT_CLEAN;
			default:
				die_usage("compare", "bad option");
			}
		/* short options give no index: -q and -j are the only ones */
		const char *name = idx >= 0 ? opts[idx].name : opt == 'q' ? "quiet" : "threads";
		int flag = idx >= 0 ? opts[idx].has_arg == no_argument : opt == 'q';
		const char *value = flag ? NULL : optarg;
		if (to & TO_INGEST)
			compare_argv_option(&ing, name, value);
		if (to & TO_ANALYZE)
			compare_argv_option(&an, name, value);
	}
	compare_types_release(&co);
	if (partial > recompilation)
		die_usage("compare", "--partial-threshold is above --recompilation-threshold");
	if (argc - optind != 2)
		die_usage("compare", "compare takes two inputs, A and B (%d given)", argc - optind);
	const char *a_path = argv[optind], *b_path = argv[optind + 1];
	if (!strcmp(a_path, "-") && !strcmp(b_path, "-"))
		die_usage("compare", "A and B cannot both be standard input");

	size_t n = strlen(tmpdir) + 64;
	char *dir = xmalloc(n), *lib = xmalloc(n + 8);
	snprintf(dir, n, "%s/dumptrace-compare.XXXXXX", tmpdir);
	if (!mkdtemp(dir))
		die("cannot create a temporary directory in '%s': %s", tmpdir, strerror(errno));
	/* a library ingest creates itself, inside the directory we own */
	snprintf(lib, n + 8, "%s/library", dir);
	char *name = compare_leak_name(a_path);
	compare_argv_push(&ing, "--library");
	compare_argv_push(&ing, lib);
	compare_argv_push(&ing, "--name");
	compare_argv_push(&ing, name);
	compare_argv_push(&ing, "--");
	compare_argv_push(&ing, a_path);
	compare_argv_push(&an, "--library");
	compare_argv_push(&an, lib);
	compare_argv_push(&an, "--");
	compare_argv_push(&an, b_path);

	/*
	 * Installed before the fork: a signal in between is passed on once the
	 * pid is known. A signal ignored when we started (nohup, a background
	 * job's SIGINT) stays ignored, in the parent and in the child.
	 */
	struct sigaction sa, old[5];
	static const int sigs[5] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM };
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	fflush(NULL);
	for (int i = 0; i < 5; i++) {
		sigaction(sigs[i], NULL, &old[i]);
		sa.sa_handler = sigs[i] == SIGALRM ? compare_on_alarm : compare_on_signal;
		if (old[i].sa_handler != SIG_IGN || sigs[i] == SIGALRM)
			sigaction(sigs[i], &sa, NULL);
	}
	pid_t pid = fork();
	if (pid < 0) {
		compare_cleanup(dir);
		die("cannot start a process: %s", strerror(errno));
	}
	if (pid == 0) {
		for (int i = 0; i < 5; i++)
			sigaction(sigs[i], &old[i], NULL);
		free(dir);
		compare_child_run(&ing, &an, sigs, old, 5);
	}
	compare_child = pid;
	if (compare_signal)
		kill(pid, compare_signal);

	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			warnx("error: cannot wait for the comparison: %s", strerror(errno));
			status = EXIT_USAGE << 8;
			break;
		}
	alarm(0);
	compare_cleanup(dir);
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &old[i], NULL);
	compare_argv_release(&ing);
	compare_argv_release(&an);
	free(name);
	free(lib);
	free(dir);

	/* the signal we were sent, rather than the SIGKILL that may have ended the child */
	int sig = compare_signal ? compare_signal : WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT || sig == SIGPIPE ||
	    sig == SIGKILL) {
		/* end as the child did, so that the shell sees the signal */
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	if (WIFSIGNALED(status)) {
		warnx("error: the comparison ended by signal %d (%s)", sig, strsignal(sig));
		return EXIT_USAGE;
	}
	return WEXITSTATUS(status);
}
