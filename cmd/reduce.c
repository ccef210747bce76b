/*
 * dumptrace reduce: one reduce step of a distributed analysis (analyze
 * --work-dir; core/analyze.h, "Shuffle and reduce"): the keys of one shard
 * of one round, sorted and joined with that shard of the library. Run by
 * analyze itself, or by the command given to analyze --reducers (a Slurm
 * job array, GNU parallel) on any machine that sees the work directory
 * and the shard.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/analyze.h"
#include "core/status.h"

static void
help(void)
{
	tprintf("usage: dumptrace reduce --work DIR --round R --shard S [OPTIONS]\n"
	       "\n"
	       "One reduce step of a distributed analysis (analyze --work-dir): the keys\n"
	       "of shard S in round R, sorted and joined with that shard of the library\n"
	       "the job names. Its results go to DIR, its marker last; a step killed\n"
	       "midway leaves no marker, and analyze runs it again.\n"
	       "\n"
	       "  --work DIR             the analysis's work directory\n"
	       "  --round R              1, 2 or 3\n"
	       "  --shard S              0 to the number of shards less one\n"
	       "  --memory SIZE          memory budget for the sort (default 1G)\n"
	       "  --tmpdir DIR           where spill files go (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        threads (default 1)\n"
	       "  -q, --quiet            no progress\n");
}

static unsigned
parse_uint(const char *opt, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || end == s || v < 0 || v > 65535)
		die_usage("reduce", "bad %s '%s'", opt, s);
	return (unsigned)v;
}

int
cmd_reduce(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		WORK_LONG_OPTIONS,
		{ "work", required_argument, NULL, 'w' },
		{ "round", required_argument, NULL, 'R' },
		{ "shard", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct reduce_opts o;
	struct common co;
	const char *region = NULL, *key_file = NULL, *tmpdir = getenv("TMPDIR");
	uint64_t memory = 1ull << 30;
	unsigned threads = 1;
	int opt, have_round = 0, have_shard = 0;
	char err[1024];

	memset(&o, 0, sizeof(o));
	common_init(&co);
	struct work_opts work = { &region, &key_file, &tmpdir, &memory, &threads, 4 << 20 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
		if (common_option(&co, opt, optarg))
			continue;
		if (work_option(&work, "reduce", opt, optarg))
			continue;
		switch (opt) {
		case 'w':
			o.work_dir = optarg;
			break;
		case 'R':
			o.round = parse_uint("--round", optarg);
			have_round = 1;
			break;
		case 's':
			o.shard = parse_uint("--shard", optarg);
			have_shard = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("reduce", "bad option");
		}
	}
	if (!o.work_dir || !have_round || !have_shard)
		die_usage("reduce", "give --work, --round and --shard");
	if (optind < argc)
		die_usage("reduce", "no arguments, only options");
	o.tmpdir = tmpdir && *tmpdir ? tmpdir : "/tmp";
	o.memory = memory;
	o.threads = threads ? threads : 1;
	o.in = &co.in;
	common_start(&co);
	int rc = analyze_reduce(&o, err, sizeof(err));
	common_finish(&co);
	if (rc != DT_OK)
		die("shard %u, round %u: %s", o.shard, o.round, err);
	return EXIT_CLEAN;
}
