/*
 * Shared command-line plumbing: common options, messages, number
 * formatting, the progress line, and the walk over inputs that every
 * reading command runs. See cmd.h.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/dynbuf.h"
#include "core/library.h"
#include "core/norm.h"
#include "core/safetext.h"
#include "core/status.h"
#include "core/types.h"
#include "core/xalloc.h"

/*
 * Text written from a format whose %s arguments may come from the input
 * (a member name, a path, a column, an excerpt): escaped (core/safetext.h),
 * so that no dump can put a control sequence on the terminal.
 */
static void
safe_vwrite(FILE *f, const char *fmt, va_list ap)
{
	struct dynbuf b;
	dynbuf_init(&b, 1u << 26);
	safe_vprintf(&b, fmt, ap);
	if (b.len)
		fwrite(b.buf, 1, b.len, f);
	dynbuf_release(&b);
}

void
tprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	safe_vwrite(stdout, fmt, ap);
	va_end(ap);
}

void
teprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	safe_vwrite(stderr, fmt, ap);
	va_end(ap);
}

void
warnx(const char *fmt, ...)
{
	va_list ap;
	progress_clear();
	fputs("dumptrace: ", stderr);
	va_start(ap, fmt);
	safe_vwrite(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
die(const char *fmt, ...)
{
	va_list ap;
	progress_clear();
	fputs("dumptrace: ", stderr);
	va_start(ap, fmt);
	safe_vwrite(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

void
die_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("dumptrace: ", stderr);
	va_start(ap, fmt);
	safe_vwrite(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry 'dumptrace %s --help'.\n", cmd);
	else
		fprintf(stderr, "\nTry 'dumptrace --help'.\n");
	exit(EXIT_USAGE);
}

int64_t
parse_size(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double m = 1;
	switch (*end) {
	case 'k': case 'K': m = 1024.0; end++; break;
	case 'm': case 'M': m = 1024.0 * 1024; end++; break;
	case 'g': case 'G': m = 1024.0 * 1024 * 1024; end++; break;
	case 't': case 'T': m = 1024.0 * 1024 * 1024 * 1024; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' && end[1] == 'B' ? 2 : 1;
	if (*end)
		return -1;
	v *= m;
	if (v > 9e18)
		return -1;
	return (int64_t)v;
}

void
common_init(struct common *co)
{
	memset(co, 0, sizeof(*co));
	walk_opts_init(&co->in);
	co->progress = 1;
}

int
common_option(struct common *co, int c, const char *arg)
{
	int64_t v;

	switch (c) {
	case 0x1000:
		if (!format_find(arg))
			die_usage(NULL, "unknown format '%s' (csv, json, sql, sqlite, xml, combo, lines, bson, pgdump, xlsx, xls)", arg);
		co->in.rd.format = arg;
		return 1;
	case 0x1001:
		co->in.src.encoding = arg;
		return 1;
	case 0x1002:
		if (!strcmp(arg, "tab") || !strcmp(arg, "\\t") || !strcmp(arg, "TAB"))
			co->in.rd.delimiter = '\t';
		else if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n' && arg[0] != '\r')
			co->in.rd.delimiter = (unsigned char)arg[0];
		else
			die_usage(NULL, "bad delimiter '%s': one character, or 'tab'", arg);
		return 1;
	case 0x1003:
		co->in.rd.no_header = 1;
		return 1;
	case 0x1004:
		co->in.rd.table = arg;
		return 1;
	case 0x1005:
		co->rejects_path = arg;
		return 1;
	case 0x1006:
		if ((v = parse_size(arg)) < 16)
			die_usage(NULL, "bad size '%s' for --max-record", arg);
		co->in.rd.max_record = (size_t)v;
		if (co->in.src.max_window < (size_t)v * 2 + (1u << 20))
			co->in.src.max_window = (size_t)v * 2 + (1u << 20);
		return 1;
	case 0x1007:
		if ((v = parse_size(arg)) < 1)
			die_usage(NULL, "bad size '%s' for --max-member-size", arg);
		co->in.src.max_member_size = (uint64_t)v;
		return 1;
	case 0x1008:
		if ((v = parse_size(arg)) < 1)
			die_usage(NULL, "bad ratio '%s' for --max-ratio", arg);
		co->in.src.max_ratio = (uint64_t)v;
		return 1;
	case 0x1009:
		if ((v = parse_size(arg)) < 1)
			die_usage(NULL, "bad size '%s' for --chunk", arg);
		co->in.src.chunk = (size_t)v;
		return 1;
	case 0x100a:
		co->in.rd.no_fast_path = 1;
		return 1;
	case 0x100c:
		if (!strcmp(arg, "backslash"))
			co->in.rd.escape = 1;
		else if (!strcmp(arg, "none"))
			co->in.rd.escape = -1;
		else
			die_usage(NULL, "bad escape mode '%s': backslash or none", arg);
		return 1;
	case 0x100d: {
		/* the first line of the file: never on the command line, seen by ps */
		FILE *f = fopen(arg, "r");
		char line[1024];
		if (!f)
			die("cannot open '%s': %s", arg, strerror(errno));
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
		line[strcspn(line, "\r\n")] = '\0';
		free((char *)co->in.src.password);
		co->in.src.password = xstrdup(line);
		explicit_bzero(line, sizeof(line));
		return 1;
	}
	case 0x100b: {
		const char *eq = strrchr(arg, '=');
		enum dt_type t = eq ? types_from_name(eq + 1) : DT_NONE;
		if (!eq || eq == arg || !types_is_column_type(t))
			die_usage(NULL, "bad --type '%s': COLUMN=TYPE, with TYPE one of email, phone, "
					"national_id, passport, full_name, first_name, last_name, patronymic, "
					"birth_date, date, address, city, postcode, username, password, "
					"password_hash, ip, url, card, number, text, binary", arg);
		co->types = xrealloc(co->types, (co->ntypes + 1) * sizeof(*co->types));
		co->types[co->ntypes].column = xstrndup(arg, (size_t)(eq - arg));
		co->types[co->ntypes].type = (int)t;
		co->ntypes++;
		co->in.types = co->types;
		co->in.ntypes = co->ntypes;
		return 1;
	}
	case 'q':
		co->in.quiet = 1;
		co->progress = 0;
		return 1;
	}
	return 0;
}

void
common_message(void *ctx, const char *msg)
{
	(void)ctx;
	warnx("%s", msg);
}

static void
common_progress(void *ctx, uint64_t bytes, uint64_t records)
{
	progress_update(ctx, bytes, records);
}

void
common_start(struct common *co)
{
	if (co->rejects_path) {
		co->in.rejects = fopen(co->rejects_path, "w");
		if (!co->in.rejects)
			die("cannot open '%s' for writing: %s", co->rejects_path, strerror(errno));
	}
	if (!isatty(2))
		co->progress = 0;
	co->in.message = common_message;
	co->in.progress = co->progress ? common_progress : NULL;
	co->in.hook_ctx = co;
}

void
common_finish(struct common *co)
{
	progress_clear();
	if (co->in.rejects && fclose(co->in.rejects) != 0)
		die("cannot write '%s': %s", co->rejects_path, strerror(errno));
	co->in.rejects = NULL;
	for (size_t i = 0; i < co->ntypes; i++)
		free(co->types[i].column);
	free(co->types);
	co->types = NULL;
	co->ntypes = 0;
	co->in.types = NULL;
	co->in.ntypes = 0;
	if (co->in.src.password) {
		/* no copy of the password outlives the run in memory */
		char *pw = (char *)co->in.src.password;
		explicit_bzero(pw, strlen(pw));
		free(pw);
		co->in.src.password = NULL;
	}
}

/* The progress line: redrawn at most four times a second. */
static struct timespec progress_t0, progress_last;
static int progress_shown, progress_started;

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void
progress_update(struct common *co, uint64_t bytes, uint64_t records)
{
	struct timespec now;
	if (!co->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!progress_started) {
		progress_t0 = progress_last = now;
		progress_started = 1;
		return;
	}
	/* DUMPTRACE_PROGRESS_AFTER (seconds) lets the tests see the line at once */
	static double after = -1;
	if (after < 0) {
		const char *e = getenv("DUMPTRACE_PROGRESS_AFTER");
		after = e ? atof(e) : 1.0;
	}
	double el = since(&progress_t0, &now);
	if (el < after || (since(&progress_last, &now) < 0.25 && progress_shown))
		return;
	progress_last = now;
	char b1[32], b2[32], b3[32], b4[32];
	fprintf(stderr, "\r\033[K%s  %s records  %s records/s  %s/s", fmt_bytes(bytes, b1),
		fmt_count(records, b2), fmt_count((uint64_t)((double)records / el), b3),
		fmt_bytes((uint64_t)((double)bytes / el), b4));
	progress_shown = 1;
}

void
progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

struct library *
open_library(const char *opt, int write, int nowait, char *path, size_t pathlen)
{
	char err[1024];
	struct lib_open_opts lo = { .mode = write ? LIB_WRITE : LIB_READ, .nowait = nowait };
	if (library_locate(opt, path, pathlen, err, sizeof(err)) < 0)
		die("%s", err);
	errno = 0;
	struct library *lib = library_open(path, &lo, err, sizeof(err));
	if (!lib && errno == ENOENT && !write)
		return NULL;
	if (!lib)
		die("%s", err);
	return lib;
}

int
library_cmd_options(int argc, char **argv, const char *cmd, void (*help)(void), const char **libopt,
		    int *json)
{
	static const struct option opts[] = {
		{ "library", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			*libopt = optarg;
			break;
		case 'J':
			*json = 1;
			break;
		case 'h':
			help();
			return -1;
		default:
			die_usage(cmd, "bad option");
		}
	}
	return optind;
}

int
work_option(const struct work_opts *w, const char *cmd, int c, const char *arg)
{
	int64_t v;
	char min[32];

	switch (c) {
	case 0x1100:
		if (!norm_region_known(arg))
			die_usage(cmd, "unknown --region '%s'", arg);
		*w->region = arg;
		return 1;
	case 0x1101:
		*w->key_file = arg;
		return 1;
	case 0x1102:
		if ((v = parse_size(arg)) < 0 || (uint64_t)v < w->memory_min)
			die_usage(cmd, "bad size '%s' for --memory (at least %s)", arg,
				  fmt_bytes(w->memory_min, min));
		*w->memory = (uint64_t)v;
		return 1;
	case 0x1103:
		*w->tmpdir = arg;
		return 1;
	case 'j':
		v = atoi(arg);
		if (v < 1 || v > 64)
			die_usage(cmd, "bad thread count '%s' (1 to 64)", arg);
		*w->threads = (unsigned)v;
		return 1;
	default:
		return 0;
	}
}

double
parse_share(const char *cmd, const char *opt, const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v >= 0 && v <= 1))
		die_usage(cmd, "bad share '%s' for %s (0 to 1)", s, opt);
	return v;
}

double
parse_link_threshold(const char *cmd, const char *s)
{
	char *end;
	errno = 0;
	double t = strtod(s, &end);
	if (errno || end == s || *end || !(t > -1000 && t < 1000))
		die_usage(cmd, "bad --link-threshold '%s' (bits, such as 16)", s);
	return t;
}
