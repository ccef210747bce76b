/*
 * dumptrace key: a library's key (core/keys.h): a new one, its export to
 * share a library on purpose, its import on another machine, where it
 * lives.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"
#include "core/keys.h"
#include "core/library.h"

static void
help(void)
{
	tprintf("usage: dumptrace key new [-o FILE]\n"
	       "       dumptrace key export [--library PATH] [-o FILE]\n"
	       "       dumptrace key import [--library PATH] FILE\n"
	       "       dumptrace key path [--library PATH]\n"
	       "\n"
	       "A library's fingerprints are keyed with a random 256-bit key kept outside it,\n"
	       "in the key directory ($DUMPTRACE_KEY_DIR, else $XDG_CONFIG_HOME/dumptrace/keys,\n"
	       "else ~/.config/dumptrace/keys), so that a copy of the library shares nothing\n"
	       "that can be tested. Whoever holds the key can test guessed values against the\n"
	       "library: share it only on purpose.\n"
	       "\n"
	       "  new       write a fresh key (for --key-file), to FILE (mode 0600) or stdout\n"
	       "  export    write the library's key, to FILE (mode 0600) or stdout\n"
	       "  import    keep FILE's key in the key directory for the library (checked\n"
	       "            against the library when it holds leaks)\n"
	       "  path      print where the library's key is kept\n"
	       "\n"
	       "  --library PATH   the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                   $XDG_DATA_HOME/dumptrace/library)\n"
	       "  -o, --output FILE   write the key there (never over another file)\n");
}

/* The key to FILE, or its line to stdout. */
static void
put_key(const unsigned char key[FP_KEY_SIZE], const char *out)
{
	char err[1024], hex[2 * FP_KEY_SIZE + 1];
	if (out) {
		if (key_write(out, key, 0, err, sizeof(err)) < 0)
			die("%s", err);
		return;
	}
	sodium_bin2hex(hex, sizeof(hex), key, FP_KEY_SIZE);
	tprintf("%s %s\n", KEY_FILE_MAGIC, hex);
	sodium_memzero(hex, sizeof(hex));
	if (fflush(stdout) != 0)
		die("cannot write the key: %s", strerror(errno));
}

int
cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "library", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *libopt = NULL, *out = NULL;
	char path[4096], kpath[4200], err[1024];
	unsigned char key[FP_KEY_SIZE];
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			libopt = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("key", "bad option");
		}
	}
	if (optind >= argc)
		die_usage("key", "which: new, export, import or path?");
	const char *what = argv[optind++];
	int want_file = !strcmp(what, "import");
	if (argc - optind != want_file)
		die_usage("key", want_file ? "import takes one FILE" : "unexpected argument '%s'",
			  argv[optind]);
	if (!strcmp(what, "new")) {
		key_new(key);
		put_key(key, out);
		sodium_memzero(key, sizeof(key));
		return EXIT_CLEAN;
	}
	if (strcmp(what, "export") && strcmp(what, "import") && strcmp(what, "path"))
		die_usage("key", "no such key command '%s'", what);
	struct library *lib = open_library(libopt, 0, 0, path, sizeof(path));
	if (!lib)
		die("no library at '%s'", path);
	if (keys_path(library_id(lib), kpath, sizeof(kpath), err, sizeof(err)) < 0)
		die("%s", err);
	if (!strcmp(what, "path")) {
		tprintf("%s\n", kpath);
	} else if (!strcmp(what, "export")) {
		if (library_key_bytes(lib, NULL, LIB_KEY_NOSTORE, key, err, sizeof(err)) < 0)
			die("%s", err);
		put_key(key, out);
	} else {
		if (library_key_bytes(lib, argv[optind], 0, key, err, sizeof(err)) < 0)
			die("%s", err);
		if (key_write(kpath, key, 1, err, sizeof(err)) < 0)
			die("%s", err);
		teprintf("dumptrace: the key of library '%s' is now in %s\n", path, kpath);
	}
	sodium_memzero(key, sizeof(key));
	library_close(lib);
	return EXIT_CLEAN;
}
