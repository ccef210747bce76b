/*
 * dumptrace remove NAME...: forgets known leaks. One transaction per leak;
 * the fingerprint files go once no reader is using them.
 */
#include "config.h"

#include <string.h>

#include "cmd/cmd.h"
#include "core/library.h"

static void
help(void)
{
	tprintf("usage: dumptrace remove [--library PATH] [--no-wait] NAME...\n"
	       "\n"
	       "Removes known leaks from the library. A name that is not there is an\n"
	       "error (exit code 1); the others are removed all the same.\n"
	       "\n"
	       "  --library PATH   the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                   $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --no-wait        fail at once when another writer holds the library\n");
}

int
cmd_remove(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "library", required_argument, NULL, 'l' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *libopt = NULL;
	int nowait = 0, opt, rc = EXIT_CLEAN;
	char path[4096], err[1024];

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			libopt = optarg;
			break;
		case 'W':
			nowait = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("remove", "bad option");
		}
	}
	if (optind >= argc)
		die_usage("remove", "give the names of the leaks to remove");
	struct library *lib = open_library(libopt, 1, nowait, path, sizeof(path));
	for (int i = optind; i < argc; i++) {
		int r = library_remove(lib, argv[i], err, sizeof(err));
		if (r < 0)
			die("%s", err);
		if (!r) {
			warnx("no leak '%s' in library '%s'", argv[i], path);
			rc = EXIT_REJECTS;
		} else
			teprintf("dumptrace: removed '%s'\n", argv[i]);
	}
	library_close(lib);
	return rc;
}
