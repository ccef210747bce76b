/*
 * Shared command-line plumbing: common options, messages, number
 * formatting, the progress line, and the walk over inputs that every
 * reading command runs. See cmd.h.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/library.h"
#include "core/norm.h"
#include "core/status.h"
#include "core/types.h"
#include "core/xalloc.h"

void
warnx(const char *fmt, ...)
{
	va_list ap;
	progress_clear();
	fputs("dumptrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
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
	vfprintf(stderr, fmt, ap);
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
	vfprintf(stderr, fmt, ap);
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
	source_opts_init(&co->src);
	reader_opts_init(&co->rd);
	co->progress = 1;
}

int
common_option(struct common *co, int c, const char *arg)
{
	int64_t v;

	switch (c) {
	case 0x1000:
		if (!format_find(arg))
			die_usage(NULL, "unknown format '%s' (csv, json, sql, combo)", arg);
		co->rd.format = arg;
		return 1;
	case 0x1001:
		co->src.encoding = arg;
		return 1;
	case 0x1002:
		if (!strcmp(arg, "tab") || !strcmp(arg, "\\t") || !strcmp(arg, "TAB"))
			co->rd.delimiter = '\t';
		else if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n' && arg[0] != '\r')
			co->rd.delimiter = (unsigned char)arg[0];
		else
			die_usage(NULL, "bad delimiter '%s': one character, or 'tab'", arg);
		return 1;
	case 0x1003:
		co->rd.no_header = 1;
		return 1;
	case 0x1004:
		co->rd.table = arg;
		return 1;
	case 0x1005:
		co->rejects_path = arg;
		return 1;
	case 0x1006:
		if ((v = parse_size(arg)) < 16)
			die_usage(NULL, "bad size '%s' for --max-record", arg);
		co->rd.max_record = (size_t)v;
		if (co->src.max_window < (size_t)v * 2 + (1u << 20))
			co->src.max_window = (size_t)v * 2 + (1u << 20);
		return 1;
	case 0x1007:
		if ((v = parse_size(arg)) < 1)
			die_usage(NULL, "bad size '%s' for --max-member-size", arg);
		co->src.max_member_size = (uint64_t)v;
		return 1;
	case 0x1008:
		if ((v = parse_size(arg)) < 1)
			die_usage(NULL, "bad ratio '%s' for --max-ratio", arg);
		co->src.max_ratio = (uint64_t)v;
		return 1;
	case 0x1009:
		if ((v = parse_size(arg)) < 1)
			die_usage(NULL, "bad size '%s' for --chunk", arg);
		co->src.chunk = (size_t)v;
		return 1;
	case 0x100a:
		co->rd.no_fast_path = 1;
		return 1;
	case 0x100b: {
		const char *eq = strrchr(arg, '=');
		enum dt_type t = eq ? types_from_name(eq + 1) : DT_NONE;
		if (!eq || eq == arg || t == DT_NONE)
			die_usage(NULL, "bad --type '%s': COLUMN=TYPE, with TYPE one of email, phone, "
					"national_id, passport, full_name, first_name, last_name, patronymic, "
					"birth_date, date, address, city, username, password, password_hash, "
					"ip, url, card, number, text", arg);
		co->types = xrealloc(co->types, (co->ntypes + 1) * sizeof(*co->types));
		co->types[co->ntypes].column = xstrndup(arg, (size_t)(eq - arg));
		co->types[co->ntypes].type = (int)t;
		co->ntypes++;
		return 1;
	}
	case 'q':
		co->quiet = 1;
		co->progress = 0;
		return 1;
	}
	return 0;
}

int
common_forced_type(const struct common *co, const char *name, size_t len)
{
	for (size_t i = 0; i < co->ntypes; i++)
		if (strlen(co->types[i].column) == len && !strncasecmp(co->types[i].column, name, len))
			return co->types[i].type;
	return 0;
}

void
common_start(struct common *co)
{
	if (co->rejects_path) {
		co->rejects = fopen(co->rejects_path, "w");
		if (!co->rejects)
			die("cannot open '%s' for writing: %s", co->rejects_path, strerror(errno));
	}
	if (!isatty(2))
		co->progress = 0;
}

void
common_finish(struct common *co)
{
	progress_clear();
	if (co->rejects && fclose(co->rejects) != 0)
		die("cannot write '%s': %s", co->rejects_path, strerror(errno));
	co->rejects = NULL;
	for (size_t i = 0; i < co->ntypes; i++)
		free(co->types[i].column);
	free(co->types);
	co->types = NULL;
	co->ntypes = 0;
}

const char *
fmt_count(uint64_t v, char buf[32])
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v), o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *
fmt_bytes(uint64_t v, char buf[32])
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;
	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, 32, u ? "%.1f %s" : "%.0f %s", d, units[u]);
	return buf;
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

static void
write_reject(struct common *co, const char *name, struct reader *r)
{
	if (!co->rejects)
		return;
	fprintf(co->rejects, "# %s:%" PRIu64 ":%" PRIu64 ": %s\n", name, r->last.line, r->last.offset,
		r->last.reason);
	if (r->raw && r->raw_len) {
		fwrite(r->raw, 1, r->raw_len, co->rejects);
		if (r->raw[r->raw_len - 1] != '\n')
			fputc('\n', co->rejects);
	}
}

/* Messages of the walk, unless the caller asked for silence. */
#define WALK_WARN(...)                     \
	do {                               \
		if (!co->silent)           \
			warnx(__VA_ARGS__); \
	} while (0)

int
walk_paths(struct common *co, char **paths, int n, const struct walk_cb *cb, struct walk_totals *t)
{
	char err[1024];
	uint64_t bytes_done = 0;
	int stop = 0;

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < n && !stop; i++) {
		struct input *in = input_open(paths[i], &co->src, err, sizeof(err));
		t->paths++;
		if (!in) {
			WALK_WARN("%s", err);
			t->failed++;
			if (cb->input_error)
				cb->input_error(cb->ctx, paths[i], err);
			continue;
		}
		for (;;) {
			struct source *src;
			struct reader r;
			struct record rec;
			int st = input_next(in, &src, err, sizeof(err));

			if (st == DT_EOF)
				break;
			if (st != DT_OK) {
				WALK_WARN("%s", err);
				t->failed++;
				if (cb->input_error)
					cb->input_error(cb->ctx, paths[i], err);
				continue;
			}
			struct source_info si;
			source_info(src, &si);
			t->streams++;
			if (reader_open(&r, src, &co->rd) != DT_OK) {
				WALK_WARN("'%s': %s", si.name, r.last.reason);
				t->failed++;
				if (cb->input_error)
					cb->input_error(cb->ctx, si.name, r.last.reason);
				reader_close(&r);
				continue;
			}
			if (cb->begin)
				cb->begin(cb->ctx, src, &r);
			int failed = 0, k = 0;
			for (;;) {
				st = reader_next(&r, &rec);
				if (st == DT_OK) {
					if (cb->record && cb->record(cb->ctx, &r, &rec) < 0) {
						stop = 1;
						break;
					}
				} else if (st == DT_WARN) {
					if (!co->quiet && r.rejected <= READER_FIRST_REJECTIONS)
						WALK_WARN("'%s': line %" PRIu64 ", byte %" PRIu64 ": %s; record rejected",
						      si.name, r.last.line, r.last.offset, r.last.reason);
					write_reject(co, si.name, &r);
					if (cb->reject)
						cb->reject(cb->ctx, &r);
				} else if (st == DT_FAILED) {
					WALK_WARN("'%s': line %" PRIu64 ", byte %" PRIu64 ": %s; rest of input lost",
					      si.name, r.last.line, r.last.offset, r.last.reason);
					failed = 1;
					break;
				} else
					break;
				if (co->progress && (++k & 0x3fff) == 0)
					progress_update(co, bytes_done + source_offset(src),
							t->parsed + r.parsed + r.rejected);
			}
			source_info(src, &si);
			if (r.rejected > READER_FIRST_REJECTIONS && !co->quiet)
				WALK_WARN("'%s': %" PRIu64 " records rejected in all", si.name, r.rejected);
			if (si.bad_sequences) {
				WALK_WARN("'%s': %" PRIu64 " byte sequences not valid %s, the first at byte %" PRIu64
				      "; each replaced by U+FFFD",
				      si.name, si.bad_sequences, si.encoding, si.first_bad);
				t->bad_sequences += si.bad_sequences;
			}
			if (si.bytes_out == 0 && !failed) {
				WALK_WARN("'%s': empty input, nothing to read", si.name);
				t->empty++;
			}
			t->parsed += r.parsed;
			t->rejected += r.rejected;
			t->failed += (uint64_t)failed;
			bytes_done += si.bytes_out;
			t->bytes += si.bytes_out;
			if (cb->end)
				cb->end(cb->ctx, src, &r, failed);
			reader_close(&r);
			if (stop)
				break;
		}
		input_close(in);
	}
	progress_clear();
	return t->failed || t->rejected || t->empty || t->bad_sequences ? EXIT_REJECTS : EXIT_CLEAN;
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
