/*
 * dumptrace map: one map step of a distributed analysis (analyze
 * --splits; core/analyze.h, "Map steps"): one split of the dump read as
 * the analysis would read it, its keys written by shard for the reduce
 * steps. The analysis saved its own options and directory in
 * WORK/map.args; the step runs them again on its split, on any machine
 * that sees the work directory, the inputs and the library.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/wire.h"
#include "core/xalloc.h"

#define ARGS_MAGIC "dumptrace-map-args 1"

static void
hex_line(FILE *f, const char *tag, const char *s)
{
	fprintf(f, "%s ", tag);
	wire_hex(f, s);
	fputc('\n', f);
}

int
map_args_write(const char *work_dir, int argc, char **argv)
{
	char *cwd = getcwd(NULL, 0);
	char *p = xasprintf("%s/map.args.part", work_dir), *to = xasprintf("%s/map.args", work_dir);
	FILE *f = cwd ? fopen(p, "we") : NULL;
	int rc = f ? 0 : -1;
	if (f) {
		fprintf(f, "%s\n", ARGS_MAGIC);
		hex_line(f, "cwd", cwd);
		for (int i = 1; i < argc; i++)
			hex_line(f, "arg", argv[i]);
		rc = fclose(f) != 0 || rename(p, to) < 0 ? -1 : 0;
	}
	free(cwd);
	free(p);
	free(to);
	return rc;
}

static void
help(void)
{
	tprintf("usage: dumptrace map --work DIR --split K [OPTIONS]\n"
	       "\n"
	       "One map step of a distributed analysis (analyze --work-dir DIR --splits N):\n"
	       "split K of the dump read with the analysis's own options, in its directory,\n"
	       "its keys written by shard for the reduce steps. Its results go to DIR, its\n"
	       "marker last; a step killed midway leaves no marker, and analyze runs it again.\n"
	       "\n"
	       "  --work DIR             the analysis's work directory\n"
	       "  --split K              0 to the number of splits less one\n"
	       "  --memory SIZE          memory budget (default: the analysis's)\n"
	       "  --tmpdir DIR           where spill files go (default: the analysis's)\n"
	       "  -j, --threads N        worker threads (default: the analysis's)\n"
	       "  -q, --quiet            no progress\n");
}

int
cmd_map(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "work", required_argument, NULL, 'w' },
		{ "split", required_argument, NULL, 's' },
		{ "memory", required_argument, NULL, 'm' },
		{ "tmpdir", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct map_step ms;
	const char *work = NULL;
	int opt, have_split = 0;
	int64_t v;

	memset(&ms, 0, sizeof(ms));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			work = optarg;
			break;
		case 's':
			if ((v = parse_size(optarg)) < 0 || v >= 65536)
				die_usage("map", "bad --split '%s'", optarg);
			ms.split = (unsigned)v;
			have_split = 1;
			break;
		case 'm':
			if ((v = parse_size(optarg)) < (4 << 20))
				die_usage("map", "bad --memory '%s' (at least 4M)", optarg);
			ms.memory = (uint64_t)v;
			break;
		case 't':
			ms.tmpdir = optarg;
			break;
		case 'j':
			if ((v = parse_size(optarg)) < 0 || v > 1024)
				die_usage("map", "bad --threads '%s'", optarg);
			ms.threads = (unsigned)v;
			ms.have_threads = 1;
			break;
		case 'q':
			ms.quiet = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("map", "bad option");
		}
	}
	if (!work || !have_split)
		die_usage("map", "give --work and --split");
	if (optind < argc)
		die_usage("map", "no arguments, only options");
	char *p = xasprintf("%s/map.args", work);
	FILE *f = fopen(p, "re");
	if (!f)
		die("cannot read the analysis's options '%s': %s", p, strerror(errno));
	char *line = NULL, *cwd = NULL;
	size_t cap = 0, n = 1, av_alloc = 64;
	char **av = xcalloc(av_alloc, sizeof(*av));
	av[0] = "analyze";
	int bad = 0, first = 1;
	ssize_t len;
	while (!bad && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (first) {
			bad = strcmp(line, ARGS_MAGIC) != 0;
			first = 0;
		} else if (!strncmp(line, "cwd ", 4) && !cwd)
			bad = !(cwd = wire_unhex(line + 4));
		else if (!strncmp(line, "arg ", 4)) {
			/* as many as the analysis was given: a compilation of 100,000 files is 100,000 */
			av = xgrow(av, &av_alloc, n + 2, sizeof(*av));
			bad = !(av[n++] = wire_unhex(line + 4));
		}
		else
			bad = 1;
	}
	av[n] = NULL; /* argv's end, as main()'s */
	free(line);
	fclose(f);
	if (bad || first || !cwd)
		die("'%s' is not an analysis's options", p);
	if (chdir(cwd) < 0)
		die("cannot enter the analysis's directory '%s': %s", cwd, strerror(errno));
	free(p);
	free(cwd);
	int rc = analyze_map_step((int)n, av, &ms);
	for (size_t i = 1; i < n; i++)
		free(av[i]);
	free(av);
	return rc;
}
