/*
 * dumptrace shard: shows how the library is split into shards, or splits
 * it (--shards N): each leak's fingerprint sets by range of the keys'
 * highest byte, shard i in a directory of its own (--into DIR, one per
 * shard, on other disks if need be). The catalog stays in the library.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/library.h"
#include "core/xalloc.h"

static void
help(void)
{
	tprintf("usage: dumptrace shard [--library PATH] [--no-wait] [-q]\n"
	       "                       [--shards N [--into DIR]...]\n"
	       "\n"
	       "Without --shards, shows the library's shards: each one's range of the\n"
	       "keys' highest byte and its directory. With --shards N, splits every\n"
	       "leak's fingerprint sets into N shards of equal ranges (1 to 256); a\n"
	       "sharded library is split anew the same way, and --shards 1 without\n"
	       "--into makes it one directory again. Analyses read a sharded library\n"
	       "as they read any other; ingests split their sets as they commit.\n"
	       "\n"
	       "  --library PATH   the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                   $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --shards N       split into N shards\n"
	       "  --into DIR       a shard's directory, given once per shard in order\n"
	       "                   (default: the library's shards/000, shards/001...)\n"
	       "  --no-wait        fail at once when another writer holds the library\n"
	       "  -q, --quiet      no progress on stderr\n");
}

static void
progress(void *ctx, const char *leak)
{
	if (!*(int *)ctx)
		teprintf("dumptrace: splitting '%s'\n", leak);
}

static void
show(struct library *lib, const char *path)
{
	const struct lib_shard *v;
	size_t n = library_shards(lib, &v);
	if (!n) {
		tprintf("library '%s' is not sharded: its sets are under '%s/sets'\n", path, path);
		return;
	}
	tprintf("library '%s': %zu shards by the keys' highest byte\n", path, n);
	for (size_t i = 0; i < n; i++)
		tprintf("  %03zu  %02x-%02x  %s\n", i, v[i].lo, v[i].hi - 1, v[i].path);
}

int
cmd_shard(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "library", required_argument, NULL, 'l' },
		{ "shards", required_argument, NULL, 'n' },
		{ "into", required_argument, NULL, 'i' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *libopt = NULL;
	const char **into = NULL;
	size_t ninto = 0, cap = 0;
	long shards = 0;
	int nowait = 0, quiet = 0, opt;
	char path[4096], err[1024], *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			libopt = optarg;
			break;
		case 'n':
			shards = strtol(optarg, &end, 10);
			if (*end || end == optarg || shards < 1 || shards > 256)
				die_usage("shard", "--shards takes a number from 1 to 256");
			break;
		case 'i':
			into = xgrow(into, &cap, ninto + 1, sizeof(*into));
			into[ninto++] = optarg;
			break;
		case 'W':
			nowait = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("shard", "bad option");
		}
	}
	if (optind < argc)
		die_usage("shard", "no arguments, only options");
	if (ninto && !shards)
		die_usage("shard", "--into goes with --shards");
	if (ninto && ninto != (size_t)shards)
		die_usage("shard", "--into is given once per shard: %zu for %ld shards", ninto, shards);
	if (!shards) {
		struct library *lib = open_library(libopt, 0, 0, path, sizeof(path));
		show(lib, path);
		library_close(lib);
		free(into);
		return EXIT_CLEAN;
	}
	struct library *lib = open_library(libopt, 1, nowait, path, sizeof(path));
	char **left = NULL;
	size_t nleft = 0;
	if (library_split(lib, (size_t)shards, ninto ? into : NULL, progress, &quiet, &left, &nleft, err,
			  sizeof(err)) < 0)
		die("%s", err);
	if (!quiet)
		show(lib, path);
	for (size_t i = 0; i < nleft; i++) {
		warnx("'%s' is no longer a shard of this library: its leftovers can be removed", left[i]);
		free(left[i]);
	}
	free(left);
	library_close(lib);
	free(into);
	return EXIT_CLEAN;
}
