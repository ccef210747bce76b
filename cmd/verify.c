/*
 * dumptrace verify: checks the whole library: SQLite's integrity check,
 * the catalog against the files, every block of every fingerprint set
 * (its checksum and its keys), every column sketch. Prints each problem
 * with the leak, set and block it concerns; leftovers of an interrupted
 * ingest are notes, not problems.
 */
#include "config.h"

#include <string.h>

#include "cmd/cmd.h"
#include "core/library.h"

struct vctx {
	unsigned problems, notes;
	int quiet;
};

static void
report(void *ctx, int severity, const char *leak, const char *msg)
{
	struct vctx *v = ctx;
	if (severity >= 2)
		v->problems++;
	else
		v->notes++;
	if (severity < 2 && v->quiet)
		return;
	if (leak)
		teprintf("dumptrace: %s: leak '%s': %s\n", severity >= 2 ? "error" : "note",
			leak, msg);
	else
		teprintf("dumptrace: %s: %s\n", severity >= 2 ? "error" : "note", msg);
}

static void
help(void)
{
	tprintf("usage: dumptrace verify [--library PATH] [-q]\n"
	       "\n"
	       "Checks the library: the catalog (SQLite's integrity check, its format),\n"
	       "every fingerprint set block by block (checksums, keys in order, counts\n"
	       "against the catalog) and every column sketch. Exit code 0 when all is\n"
	       "well, 1 when something is damaged (each problem is named), 2 when the\n"
	       "catalog cannot be read at all.\n"
	       "\n"
	       "  --library PATH   the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                   $XDG_DATA_HOME/dumptrace/library)\n"
	       "  -q, --quiet      print problems only\n");
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "library", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *libopt = NULL;
	int opt;
	char path[4096], err[1024];
	struct vctx v = { 0, 0, 0 };

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			libopt = optarg;
			break;
		case 'q':
			v.quiet = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("verify", "bad option");
		}
	}
	if (optind < argc)
		die_usage("verify", "unexpected argument '%s'", argv[optind]);
	struct library *lib = open_library(libopt, 0, 0, path, sizeof(path));
	if (!lib)
		die("no library at '%s'", path);
	struct lib_leak *leaks = NULL;
	size_t n = 0;
	int r = library_verify(lib, report, &v, err, sizeof(err));
	if (r < 0)
		die("%s", err);
	if (library_leaks(lib, &leaks, &n, err, sizeof(err)) < 0)
		n = 0;
	lib_leaks_free(leaks, n);
	library_close(lib);
	if (!v.quiet || v.problems)
		teprintf("dumptrace: library '%s': %zu leaks, %u problem%s%s\n", path, n,
			v.problems, v.problems == 1 ? "" : "s", v.problems ? "" : ": ok");
	return v.problems ? EXIT_REJECTS : EXIT_CLEAN;
}
