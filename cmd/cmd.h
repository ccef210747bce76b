/*
 * What the subcommands share: the options every command that reads dumps
 * takes, the walk over inputs (paths, archive members, readers) with its
 * messages and accounting, progress on the terminal, and exit codes.
 * Only cmd/ prints or exits.
 */
#ifndef DT_CMD_H
#define DT_CMD_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "core/fmt.h"
#include "core/record.h"
#include "core/walk.h"
#include "formats/format.h"
#include "formats/source.h"

/* Exit codes, documented in the man page. */
enum {
	EXIT_CLEAN = 0,	  /* every input read, every record parsed */
	EXIT_REJECTS = 1, /* some records or inputs were rejected */
	EXIT_USAGE = 2	  /* bad usage, or a fatal error */
};

/*
 * The input options as parsed: in is what the engines read (its types
 * point at this struct's own, its hooks at cmd's messages and progress
 * line once common_start() ran).
 */
struct common {
	struct walk_opts in;
	struct walk_type *types; /* --type COLUMN=TYPE, owned */
	size_t ntypes;
	const char *rejects_path;
	int progress; /* a progress line is allowed */
};

/* Options every reading command accepts; their codes start at 0x1000. */
#define COMMON_LONG_OPTIONS                                               \
	{ "format", required_argument, NULL, 0x1000 },                   \
	{ "encoding", required_argument, NULL, 0x1001 },                 \
	{ "delimiter", required_argument, NULL, 0x1002 },                \
	{ "no-header", no_argument, NULL, 0x1003 },                      \
	{ "table", required_argument, NULL, 0x1004 },                    \
	{ "rejects", required_argument, NULL, 0x1005 },                  \
	{ "max-record", required_argument, NULL, 0x1006 },               \
	{ "max-member-size", required_argument, NULL, 0x1007 },          \
	{ "max-ratio", required_argument, NULL, 0x1008 },                \
	{ "chunk", required_argument, NULL, 0x1009 },                    \
	{ "no-fast-path", no_argument, NULL, 0x100a },                   \
	{ "type", required_argument, NULL, 0x100b },                     \
	{ "escape", required_argument, NULL, 0x100c },                   \
	{ "password-file", required_argument, NULL, 0x100d },            \
	{ "quiet", no_argument, NULL, 'q' }

#define COMMON_HELP                                                                       \
	"Input options:\n"                                                                \
	"  --format NAME          read as NAME (csv, json, sql, sqlite, xml, combo, lines, bson, pgdump, xlsx, xls) instead of sniffing\n" \
	"  --encoding NAME        input charset (utf-8, utf-16le, cp1251, koi8-r, cp866, cp1252...)\n" \
	"  --delimiter C          CSV delimiter or combo separator (, ; : | or 'tab')\n"  \
	"  --no-header            the first CSV row is data, not column names\n"         \
	"  --escape MODE          CSV escapes: backslash (mysqldump --tab, COPY TO) or none\n" \
	"  --table NAME           read only this table of a SQL dump\n"                  \
	"  --rejects FILE         write rejected records, with their location, to FILE\n" \
	"  --type COLUMN=TYPE     force a column's type (email, phone, national_id, ...)\n" \
	"  --max-record SIZE      reject records longer than SIZE (default 16M)\n"       \
	"  --max-member-size SIZE stop archive members larger than SIZE (default 256G)\n" \
	"  --password-file FILE   the password of encrypted zip and 7z archives (its first line)\n" \
	"  --max-ratio N          stop members that decompress more than N:1 (default 500)\n" \
	"  -q, --quiet            no progress line, no per-record warnings\n"

/*
 * The options of the commands that fingerprint and sort (dedup, ingest,
 * analyze), handled in one place: each command points at its own fields.
 */
struct work_opts {
	const char **region, **key_file, **tmpdir;
	uint64_t *memory;
	unsigned *threads;
	uint64_t memory_min;
};

#define WORK_LONG_OPTIONS                                   \
	{ "region", required_argument, NULL, 0x1100 },     \
	{ "key-file", required_argument, NULL, 0x1101 },   \
	{ "memory", required_argument, NULL, 0x1102 },     \
	{ "tmpdir", required_argument, NULL, 0x1103 },     \
	{ "threads", required_argument, NULL, 'j' }

/* Handles a work option of cmd; 1 if it was one, 0 if not; exits on a bad value. */
int work_option(const struct work_opts *w, const char *cmd, int c, const char *arg);

void common_init(struct common *co);
/* Handles a common option; 1 if it was one, 0 if not, exits on a bad value. */
int common_option(struct common *co, int c, const char *arg);
/* Opens --rejects and sets the walk's hooks (messages, progress); exits on failure. */
void common_start(struct common *co);
void common_finish(struct common *co);

/* The walk's message hook: warnx(), the progress line cleared first. */
void common_message(void *ctx, const char *msg);

/* A share in [0, 1] for option opt of cmd; exits on anything else (an empty string too). */
double parse_share(const char *cmd, const char *opt, const char *s);

/* --link-threshold's bits (-1000 to 1000) for cmd; exits on anything else. */
double parse_link_threshold(const char *cmd, const char *s);

/* "16M", "1G", "4096": bytes; -1 when malformed. */
int64_t parse_size(const char *s);

/* Messages, git style: "dumptrace: problem 'subject': detail". */
/* printf to stdout, stderr, with every %s argument escaped (core/safetext.h): for text from the input. */
void tprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void teprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress on stderr: shown when allowed, stderr is a terminal and a second passed. */
void progress_update(struct common *co, uint64_t bytes, uint64_t records);
void progress_clear(void);

struct library;
/*
 * Opens the library --library names (or the default one; its path is
 * copied to path): for reading, or for writing (waiting for another
 * writer unless nowait). A library that does not exist yet gives NULL
 * when read; every other failure ends the program.
 */
struct library *open_library(const char *opt, int write, int nowait, char *path, size_t pathlen);

/*
 * Parses the options of list and show: --library, --json, --help (which
 * calls help and returns -1). Returns the index of the first operand.
 */
int library_cmd_options(int argc, char **argv, const char *cmd, void (*help)(void),
			const char **libopt, int *json);

struct jsonw;
struct lib_leak;
/* A leak's catalog fields as one JSON object (list --json, show --json). */
void list_leak_json(struct jsonw *jw, const struct lib_leak *l);

struct analyze_opts;
/* Where analyze and compare write an analysis. */
struct analyze_out {
	const char *json_path, *records_path, *fail_on, *html_path;
	int argc; /* the command line, for the HTML report's "how to reproduce" */
	char **argv;
};

/*
 * Runs the analysis an of paths and writes it as out says: the text
 * summary, --json, --html, --records. Returns the exit code, or -1 when
 * an->stop stopped it; dies on a fatal error.
 */
int analyze_report(struct analyze_opts *an, const struct analyze_out *out, const struct common *co,
		   char **paths, int npaths);

struct ingest_opts;
struct ingest_result;
/* The result of an ingest, as ingest prints it: JSON on stdout, or a line on stderr unless quiet. */
void ingest_print(const struct ingest_opts *o, const struct ingest_result *r, int json);

/* Subcommands. */
int cmd_sniff(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_shard(int argc, char **argv);
int cmd_reduce(int argc, char **argv);

/* How analyze --work-dir runs its map and reduce steps (cmd/reducers.c). */
struct reducers {
	const char *command; /* --reducers, --mappers: run by sh once a round; NULL: children here */
	unsigned parallel;   /* children at once */
	uint64_t memory;     /* shared by them */
	const char *tmpdir;
	int share_threads;   /* fewer steps than parallel: each gets its share of the threads; else one */
};
/* analyze_opts.reduce for struct reducers (ctx). */
int reducers_run(void *ctx, const char *work_dir, unsigned round, const unsigned *shards, size_t n, char *err,
		 size_t errlen);
/* analyze_opts.map for struct reducers (ctx). */
int mappers_run(void *ctx, const char *work_dir, const unsigned *splits, size_t n, char *err, size_t errlen);
int cmd_map(int argc, char **argv);
/* The map step of split (cmd/analyze.c): argv is analyze's, as the analysis saved it (cmd/map.c). */
struct map_step {
	unsigned split;
	uint64_t memory; /* 0: analyze's --memory */
	unsigned threads, have_threads;
	const char *tmpdir; /* NULL: analyze's */
	int quiet;
};
int analyze_map_step(int argc, char **argv, const struct map_step *ms);
/* The analysis's own options and cwd, for its map steps to run it again (WORK/map.args). 0, or -1. */
int map_args_write(const char *work_dir, int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
