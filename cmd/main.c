/*
 * dumptrace: tells whether a "new" data-leak dump is really new or a
 * recompilation of leaks already known. This file is the dispatch table
 * (git's builtin table): one entry per subcommand, each in cmd/NAME.c.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "sniff", cmd_sniff, "say what each input is: container, charset, format, columns, counts" },
	{ "cat", cmd_cat, "print the records of any dump as JSON Lines or CSV" },
	{ "dedup", cmd_dedup, "remove repeated lines or records, first occurrence kept" },
	{ "analyze", cmd_analyze, "is this dump new or a recompilation of known leaks? which row from where" },
	{ "compare", cmd_compare, "the analysis of B against A alone, without a library" },
	{ "ingest", cmd_ingest, "add a known leak to the library (fingerprints, no personal data)" },
	{ "list", cmd_list, "list the known leaks in the library" },
	{ "show", cmd_show, "show what the library knows of one leak" },
	{ "remove", cmd_remove, "remove a leak from the library" },
	{ "verify", cmd_verify, "check the library: every block's checksum, the catalog" },
	{ "shard", cmd_shard, "split the library into shards by fingerprint range, or show them" },
	{ "map", cmd_map, "one map step of a distributed analysis (analyze --splits)" },
	{ "reduce", cmd_reduce, "one reduce step of a distributed analysis (analyze --work-dir)" },
	{ "lookup", cmd_lookup, "which known leaks hold this e-mail, phone or IIN" },
	{ "key", cmd_key, "a library's key: new, export, import, where it is kept" },
	{ "serve", cmd_serve, "serve the library over HTTP: Have I Been Pwned's API v3, a page" },
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: dumptrace [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"Tells whether a data-leak dump is new or a recompilation of known leaks.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'dumptrace COMMAND --help' for the options of one command.\n"
		   "Exit status: 0 all good, 1 some records or inputs rejected, 2 usage or fatal error.\n");
}

int
main(int argc, char **argv)
{
	/*
	 * UTF-8 as the character type, whatever the user's locale: libarchive
	 * converts member names to it (under "C" a zip's UTF-8 name such as
	 * "клиенты.csv" cannot be converted and is lost); the rest of dumptrace
	 * does not depend on the locale (numbers and messages stay "C")
	 */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "C.utf8");
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *sub[] = { argv[2], "--help", NULL };
			for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				if (!strcmp(commands[i].name, argv[2]))
					return commands[i].fn(2, sub);
		}
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		tprintf("dumptrace %s\n", PACKAGE_VERSION);
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, argv[1]))
			return commands[i].fn(argc - 1, argv + 1);
	teprintf("dumptrace: '%s' is not a dumptrace command; see 'dumptrace --help'\n", argv[1]);
	return EXIT_USAGE;
}
