/*
 * dumptrace dedup: removes repeated lines (--lines) or repeated records,
 * first occurrence kept, order preserved, in bounded memory, on every core.
 *
 * Line mode is the job of rling, duplicut and awk '!seen[$0]++': the
 * engine (core/dedup.c) fingerprints every line and marks the repeats;
 * this file feeds it the inputs (plain files directly, anything else -
 * standard input, compressed files, archive members - spooled once to an
 * unlinked temporary file) and then writes the lines that are kept, in a
 * second sequential pass.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/dedup.h"
#include "core/dynbuf.h"
#include "core/jsonw.h"
#include "core/status.h"
#include "core/xalloc.h"

#define OUT_BUF (4u << 20)

struct dd_input {
	char *name;
	int fd;
	uint64_t size;
};

struct dd {
	struct common co;
	int lines;
	int json;
	const char *out_path, *dups_path, *tmpdir;
	uint64_t memory;
	unsigned threads;
	struct dd_input *in;
	size_t nin, in_alloc;
};

/* Buffered output to a file descriptor; dies on a write error. */
struct outbuf {
	int fd;
	const char *name;
	char *buf;
	size_t len;
	uint64_t bytes;
};

static void
out_flush(struct outbuf *o)
{
	size_t off = 0;
	while (off < o->len) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die("cannot write '%s': %s", o->name, strerror(errno));
		off += (size_t)w;
	}
	o->bytes += o->len;
	o->len = 0;
}

static inline void
out_add(struct outbuf *o, const char *p, size_t n)
{
	if (o->len + n > OUT_BUF) {
		out_flush(o);
		if (n > OUT_BUF) {
			o->len = n; /* write a long piece straight from where it lies */
			const char *save = o->buf;
			o->buf = (char *)p;
			out_flush(o);
			o->buf = (char *)save;
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static int
tmpfile_in(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/dumptrace-spool-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Copies a source whole into an unlinked temporary file. */
static int
spool(struct dd *d, struct source *src, const char *name, uint64_t *size)
{
	int fd = tmpfile_in(d->tmpdir);
	if (fd < 0)
		die("cannot create a temporary file in '%s': %s", d->tmpdir, strerror(errno));
	*size = 0;
	for (;;) {
		size_t len;
		const char *p = source_data(src, &len);
		if (len) {
			size_t off = 0;
			while (off < len) {
				ssize_t w = write(fd, p + off, len - off);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0)
					die("cannot write a temporary file in '%s': %s", d->tmpdir, strerror(errno));
				off += (size_t)w;
			}
			*size += len;
			source_consume(src, len);
		}
		ssize_t r = source_fill(src);
		if (r == 0)
			break;
		if (r < 0) {
			warnx("'%s': byte %" PRIu64 ": %s; rest of input lost", name, *size, source_error(src));
			return fd; /* what came before the error is still deduplicated */
		}
	}
	return fd;
}

static int
run_lines(struct dd *d, char **paths, int npaths)
{
	char err[1024];
	int rc = EXIT_CLEAN;
	uint64_t total_size = 0;

	d->co.src.binary = 1; /* lines are bytes: no charset conversion */
	for (int i = 0; i < npaths; i++) {
		struct input *in = input_open(paths[i], &d->co.src, err, sizeof(err));
		if (!in) {
			warnx("%s", err);
			rc = EXIT_REJECTS;
			continue;
		}
		struct source *src;
		int st;
		while ((st = input_next(in, &src, err, sizeof(err))) != DT_EOF) {
			if (st != DT_OK) {
				warnx("%s", err);
				rc = EXIT_REJECTS;
				continue;
			}
			struct source_info si;
			source_info(src, &si);
			struct dd_input *x;
			d->in = xgrow(d->in, &d->in_alloc, d->nin + 1, sizeof(*d->in));
			x = &d->in[d->nin++];
			x->name = xstrdup(si.name);
			int fd = source_plain_fd(src);
			if (fd >= 0) {
				struct stat stt;
				x->fd = dup(fd);
				x->size = fstat(fd, &stt) == 0 ? (uint64_t)stt.st_size : 0;
			} else {
				x->fd = spool(d, src, si.name, &x->size);
				if (source_error(src))
					rc = EXIT_REJECTS;
			}
			total_size += x->size;
		}
		input_close(in);
	}

	struct dedup_opts dopts = {
		.threads = d->threads,
		.memory = d->memory,
		.tmpdir = d->tmpdir,
		.expect_keys = total_size / 16 + 1,
	};
	struct dedup *dd = dedup_new(&dopts, err, sizeof(err));
	if (!dd)
		die("%s", err);
	for (size_t i = 0; i < d->nin; i++) {
		if (dedup_add_file(dd, d->in[i].fd, d->in[i].size, err, sizeof(err)) < 0)
			die("cannot read '%s': %s", d->in[i].name, err);
		if (d->co.progress)
			progress_update(&d->co, 0, 0);
	}
	struct dedup_stats st;
	if (dedup_finish(dd, &st, err, sizeof(err)) < 0)
		die("%s", err);

	/* the second pass: write what is kept, in order */
	struct outbuf out = { .fd = 1, .name = "standard output" }, dups = { .fd = -1, .name = d->dups_path };
	if (d->out_path && strcmp(d->out_path, "-")) {
		out.fd = open(d->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		out.name = d->out_path;
		if (out.fd < 0)
			die("cannot open '%s' for writing: %s", d->out_path, strerror(errno));
	}
	if (d->dups_path) {
		dups.fd = open(d->dups_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (dups.fd < 0)
			die("cannot open '%s' for writing: %s", d->dups_path, strerror(errno));
		dups.buf = xmalloc(OUT_BUF);
	}
	out.buf = xmalloc(OUT_BUF);
	char *buf = xmalloc(OUT_BUF);
	uint64_t seq = 0;
	for (size_t k = 0; k < d->nin; k++) {
		uint64_t pos = 0, size = d->in[k].size;
		size_t have = 0;
		int mid = 0, mid_dup = 0; /* inside a line longer than the buffer */
		while (pos < size || have) {
			ssize_t r = 0;
			if (pos < size) {
				size_t want = OUT_BUF - have;
				if (want > size - pos)
					want = (size_t)(size - pos);
				r = pread(d->in[k].fd, buf + have, want, (off_t)pos);
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					die("cannot read '%s' again: %s", d->in[k].name,
					    r < 0 ? strerror(errno) : "file shrank");
				pos += (uint64_t)r;
			}
			size_t len = have + (size_t)r, i = 0;
			int at_end = pos >= size;
			for (;;) {
				const char *nl = memchr(buf + i, '\n', len - i);
				if (!nl && !(at_end && i < len))
					break;
				size_t ll = nl ? (size_t)(nl - (buf + i)) + 1 : len - i;
				int isdup = mid ? mid_dup : dedup_is_dup(dd, seq);
				struct outbuf *to = isdup ? &dups : &out;
				if (to->fd >= 0) {
					out_add(to, buf + i, ll);
					if (!nl)
						out_add(to, "\n", 1); /* as awk ends every line */
				}
				seq++;
				mid = 0;
				i += ll;
				if (!nl)
					break;
			}
			have = len - i;
			if (have == OUT_BUF) {
				/* a line longer than the buffer: pass it through in pieces */
				if (!mid) {
					mid = 1;
					mid_dup = dedup_is_dup(dd, seq);
				}
				struct outbuf *to = mid_dup ? &dups : &out;
				if (to->fd >= 0)
					out_add(to, buf, have);
				have = 0;
				continue;
			}
			if (have)
				memmove(buf, buf + i, have);
		}
	}
	out_flush(&out);
	if (dups.fd >= 0) {
		out_flush(&dups);
		if (close(dups.fd) != 0)
			die("cannot write '%s': %s", d->dups_path, strerror(errno));
	}
	if (out.fd != 1 && close(out.fd) != 0)
		die("cannot write '%s': %s", d->out_path, strerror(errno));

	if (d->json) {
		struct dynbuf b;
		struct jsonw w;
		dynbuf_init(&b, 1u << 20);
		jsonw_init(&w, &b);
		jsonw_obj_open(&w);
		jsonw_key(&w, "mode");
		jsonw_str(&w, "lines");
		jsonw_key(&w, "records_in");
		jsonw_u64(&w, st.keys);
		jsonw_key(&w, "unique");
		jsonw_u64(&w, st.unique);
		jsonw_key(&w, "duplicates");
		jsonw_u64(&w, st.duplicates);
		jsonw_key(&w, "rejected");
		jsonw_u64(&w, 0);
		jsonw_key(&w, "bytes_out");
		jsonw_u64(&w, out.bytes);
		jsonw_key(&w, "spill_runs");
		jsonw_u64(&w, st.spill_runs);
		jsonw_key(&w, "spilled_bytes");
		jsonw_u64(&w, st.spilled_bytes);
		jsonw_obj_close(&w);
		fprintf(stderr, "%s\n", dynbuf_str(&b));
		dynbuf_release(&b);
	} else if (!d->co.quiet) {
		char a[32], b[32], c[32];
		fprintf(stderr, "dumptrace: %s lines in, %s unique, %s duplicates removed\n",
			fmt_count(st.keys, a), fmt_count(st.unique, b), fmt_count(st.duplicates, c));
	}
	for (size_t k = 0; k < d->nin; k++) {
		close(d->in[k].fd);
		free(d->in[k].name);
	}
	free(d->in);
	free(buf);
	free(out.buf);
	free(dups.buf);
	dedup_free(dd);
	return rc;
}

static void
help(void)
{
	printf("usage: dumptrace dedup --lines [OPTIONS] FILE...\n"
	       "\n"
	       "Removes repeated lines, keeping the first occurrence of each, in input\n"
	       "order, as awk '!seen[$0]++' does: CRLF and LF endings of the same text are\n"
	       "the same line; nothing is dropped for being long, binary or not UTF-8.\n"
	       "Several inputs are deduplicated together, as if concatenated.\n"
	       "\n"
	       "  --lines                line mode (exact lines)\n"
	       "  -o, --output FILE      write the kept lines to FILE (default: standard output)\n"
	       "  --dups FILE            write the removed lines to FILE\n"
	       "  --memory SIZE          memory budget for fingerprints (default: a quarter of RAM);\n"
	       "                         past it, sorted runs spill to --tmpdir\n"
	       "  --tmpdir DIR           where spill runs and spooled inputs go (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        worker threads (default: all cores)\n"
	       "  --json                 statistics as JSON on stderr\n"
	       "  -q, --quiet            no statistics line\n"
	       "\n" COMMON_HELP);
}

int
cmd_dedup(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		{ "lines", no_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "dups", required_argument, NULL, 'D' },
		{ "memory", required_argument, NULL, 'M' },
		{ "tmpdir", required_argument, NULL, 'T' },
		{ "threads", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dd d;
	int opt;
	int64_t v;

	memset(&d, 0, sizeof(d));
	common_init(&d.co);
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	d.memory = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz / 4 : 1ull << 30;
	d.tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qho:j:", opts, NULL)) != -1) {
		if (common_option(&d.co, opt, optarg))
			continue;
		switch (opt) {
		case 'L':
			d.lines = 1;
			break;
		case 'o':
			d.out_path = optarg;
			break;
		case 'D':
			d.dups_path = optarg;
			break;
		case 'M':
			if ((v = parse_size(optarg)) < (1 << 20))
				die_usage("dedup", "bad size '%s' for --memory (at least 1M)", optarg);
			d.memory = (uint64_t)v;
			break;
		case 'T':
			d.tmpdir = optarg;
			break;
		case 'j':
			v = atoi(optarg);
			if (v < 1 || v > 64)
				die_usage("dedup", "bad thread count '%s' (1 to 64)", optarg);
			d.threads = (unsigned)v;
			break;
		case 'J':
			d.json = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("dedup", "bad option");
		}
	}
	if (optind >= argc)
		die_usage("dedup", "no input given (use - for standard input)");
	if (!d.lines)
		die_usage("dedup", "record mode is not built yet: use --lines");
	common_start(&d.co);
	int rc = run_lines(&d, argv + optind, argc - optind);
	common_finish(&d.co);
	return rc;
}
