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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/dedup.h"
#include "core/dynbuf.h"
#include "core/fp.h"
#include "core/jsonw.h"
#include "core/norm.h"
#include "core/pipe.h"
#include "core/recout.h"
#include "core/schema.h"
#include "core/status.h"
#include "core/types.h"
#include "core/xalloc.h"
#include "core/xio.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#define OUT_BUF (4u << 20)

struct dd_input {
	char *name;
	int fd;
	uint64_t size;
};

struct dd {
	struct common co;
	int lines;
	int out_csv; /* -1: as the input, 0: jsonl, 1: csv */
	const char *region;
	const char *key_file;
	char **keys; /* --key: column names or type names */
	size_t nkeys;
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
	if (xio_write_all(o->fd, o->buf, o->len) < 0)
		die("cannot write '%s': %s", o->name, strerror(errno));
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

/* Copies a source whole into an unlinked temporary file. */
static int
spool(struct dd *d, struct source *src, const char *name, uint64_t *size)
{
	int fd = xio_tmpfile(d->tmpdir, "spool", NULL, 0);
	if (fd < 0)
		die("cannot create a temporary file in '%s': %s", d->tmpdir, strerror(errno));
	*size = 0;
	for (;;) {
		size_t len;
		const char *p = source_data(src, &len);
		if (len) {
			if (xio_write_all(fd, p, len) < 0)
				die("cannot write a temporary file in '%s': %s", d->tmpdir, strerror(errno));
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

	d->co.in.src.binary = 1; /* lines are bytes: no charset conversion */
	for (int i = 0; i < npaths; i++) {
		struct input *in = input_open(paths[i], &d->co.in.src, err, sizeof(err));
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
	} else if (!d->co.in.quiet) {
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

/*
 * Record mode. Records are equal when their typed, normalized values are
 * equal: each value's fingerprint is mixed with its type and with its rank
 * among the columns of that type (the second phone column stays apart
 * from the first), so column names and order do not matter, and two dumps
 * with the same columns under other names deduplicate together. --key
 * limits the comparison to some columns (by name, or by type name).
 */
struct rseq {
	uint64_t seq, hi, lo;
};

struct rm {
	struct dd *d;
	struct schemas ss;
	uint64_t seq; /* the next parsed record's number */
	struct pipe *pipe;
	struct batch *cur;
	struct dedup *dd;
	struct fp_key key;
	int first_format_csv; /* -1 until the first stream is seen */
};

struct rm_worker {
	struct rm *rm;
	struct norm_ctx *norm;
	struct dynbuf out;
	uint64_t *fps;
	size_t fps_alloc;
};

static void
rm_emit(void *ctx, struct schema *s, const struct record *rec, uint64_t seq)
{
	struct rm *rm = ctx;
	int sid = s->id;
	if (rm->cur && rm->cur->stream != sid) {
		pipe_submit(rm->pipe, rm->cur);
		rm->cur = NULL;
	}
	for (;;) {
		if (!rm->cur) {
			rm->cur = pipe_batch(rm->pipe);
			rm->cur->stream = sid;
			rm->cur->tag = s; /* workers must not index rm->ss.v: it grows */
			if (!rm->cur->user)
				rm->cur->user = xmalloc(BATCH_RECORDS * sizeof(struct rseq));
		}
		if (batch_add(rm->cur, rec) == 0)
			break;
		pipe_submit(rm->pipe, rm->cur);
		rm->cur = NULL;
	}
	((struct rseq *)rm->cur->user)[rm->cur->nrecs - 1].seq = seq;
}

/* Which columns of a freshly typed schema are compared: all, or those --key names. */
static void
rm_typed(void *ctx, struct schema *s)
{
	struct rm *rm = ctx;
	int *use = xcalloc(s->ncols ? s->ncols : 1, sizeof(*use));
	for (size_t c = 0; c < s->ncols; c++) {
		use[c] = rm->d->nkeys == 0;
		for (size_t k = 0; k < rm->d->nkeys; k++)
			if (!strcasecmp(rm->d->keys[k], s->names[c]) ||
			    !strcasecmp(rm->d->keys[k], types_name(s->types[c])))
				use[c] = 1;
	}
	s->user = use;
}

static enum dt_type
rm_forced(void *ctx, const char *name, size_t len)
{
	struct rm *rm = ctx;
	return (enum dt_type)walk_forced_type(&rm->d->co.in, name, len);
}

static void
rm_begin(void *ctx, struct source *src, struct reader *r)
{
	struct rm *rm = ctx;
	(void)src;
	schemas_stream(&rm->ss);
	if (rm->first_format_csv < 0)
		rm->first_format_csv = !strcmp(r->fmt->name, "csv");
}

static int
rm_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct rm *rm = ctx;
	(void)r;
	schemas_record(&rm->ss, rec, rm->seq++);
	return 0;
}

static void
rm_end(void *ctx, struct source *src, struct reader *r, int failed)
{
	struct rm *rm = ctx;
	(void)src;
	(void)r;
	(void)failed;
	schemas_end_stream(&rm->ss);
}

/* Worker: the 128-bit fingerprint of every record of a batch. */
static void
rm_work(void *wctx, struct batch *b)
{
	struct rm_worker *w = wctx;
	struct rm *rm = w->rm;
	const struct schema *s = b->tag;
	const int *use = s->user;
	struct rseq *out = b->user;

	for (size_t r = 0; r < b->nrecs; r++) {
		const struct record *rec = &b->recs[r];
		size_t k = 0;
		if (rec->nfields > w->fps_alloc)
			w->fps = xgrow(w->fps, &w->fps_alloc, rec->nfields, sizeof(*w->fps));
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct field *f = &rec->fields[i];
			size_t c = schema_col(s, f, i);
			if (c == (size_t)-1 || !use[c] || f->is_null)
				continue;
			enum dt_type t = s->types[c];
			/* a value its type does not take ("n/a" for a phone) still counts, as text */
			if (!norm_value(w->norm, t, f->val, f->len, &w->out)) {
				t = DT_TEXT;
				if (!norm_value(w->norm, t, f->val, f->len, &w->out))
					continue; /* blank */
			}
			uint64_t v = fp_value(&rm->key, t, w->out.buf, w->out.len);
			w->fps[k++] = v + 0x9E3779B97F4A7C15ull * s->rank[c];
		}
		out[r].lo = fp_record(&rm->key, w->fps, k);
		out[r].hi = XXH3_64bits_withSeed(w->fps, k * sizeof(*w->fps), 0x7265636f7264ull);
	}
}

static void
rm_done(void *ctx, struct batch *b)
{
	struct rm *rm = ctx;
	struct rseq *out = b->user;
	for (size_t r = 0; r < b->nrecs; r++)
		dedup_add_fp(rm->dd, out[r].seq, out[r].hi, out[r].lo);
}

/* A record output: its stream and its name, for messages. */
struct rm_file {
	FILE *f;
	const char *name;
	struct recout ro;
};

static int
rm_file_write(void *ctx, const char *p, size_t n)
{
	struct rm_file *f = ctx;
	return fwrite(p, 1, n, f->f) == n ? 0 : -1;
}

/* Flushes what is buffered, then the stream; dies on a write error. */
static void
rm_file_finish(struct rm_file *f)
{
	if (recout_flush(&f->ro) < 0 || fflush(f->f) != 0)
		die("cannot write '%s': %s", f->name, strerror(errno));
	recout_release(&f->ro);
}

struct rm_out {
	struct dedup *dd;
	uint64_t seq;
	struct rm_file kept, dups;
	int have_dups;
	const char *input;
};

static void
out_begin(void *ctx, struct source *src, struct reader *r)
{
	struct rm_out *o = ctx;
	struct source_info si;
	(void)r;
	source_info(src, &si);
	o->input = si.name;
}

static int
out_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct rm_out *o = ctx;
	(void)r;
	struct rm_file *f = !dedup_is_dup(o->dd, o->seq) ? &o->kept : o->have_dups ? &o->dups : NULL;
	if (f && recout_write(&f->ro, o->input, rec) < 0)
		die("cannot write '%s': %s", f->name, strerror(errno));
	o->seq++;
	return 0;
}

static int
run_records(struct dd *d, char **paths, int npaths)
{
	char err[1024];
	struct rm rm;
	char **spooled = xcalloc((size_t)npaths, sizeof(*spooled));

	memset(&rm, 0, sizeof(rm));
	rm.d = d;
	rm.first_format_csv = -1;
	struct schemas_opts so = { .region = d->region, .emit = rm_emit, .typed = rm_typed,
				   .forced = rm_forced, .ctx = &rm };
	schemas_init(&rm.ss, &so);
	if (d->key_file) {
		if (fp_key_from_file(&rm.key, d->key_file, err, sizeof(err)) < 0)
			die("%s", err);
	} else
		fp_key_default(&rm.key);

	/* standard input is read twice: keep a copy */
	for (int i = 0; i < npaths; i++)
		if (!strcmp(paths[i], "-")) {
			char path[4096], buf[65536];
			int fd = xio_tmpfile(d->tmpdir, "stdin", path, sizeof(path));
			ssize_t r;
			if (fd < 0)
				die("cannot create a temporary file in '%s': %s", d->tmpdir, strerror(errno));
			while ((r = read(0, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
				if (r > 0 && xio_write_all(fd, buf, (size_t)r) < 0)
					die("cannot write '%s': %s", path, strerror(errno));
			if (r < 0)
				die("cannot read standard input: %s", strerror(errno));
			close(fd);
			spooled[i] = xstrdup(path);
			paths[i] = spooled[i];
		}

	struct dedup_opts dopts = { .threads = d->threads, .memory = d->memory, .tmpdir = d->tmpdir };
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) == 0)
			dopts.expect_keys += (uint64_t)st.st_size / 64;
	}
	rm.dd = dedup_new(&dopts, err, sizeof(err));
	if (!rm.dd)
		die("%s", err);
	unsigned nthreads = d->threads;
	if (!nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (unsigned)n : 1;
	}
	struct rm_worker *w = xcalloc(nthreads, sizeof(*w));
	void **wctx = xcalloc(nthreads, sizeof(*wctx));
	for (unsigned i = 0; i < nthreads; i++) {
		w[i].rm = &rm;
		w[i].norm = norm_ctx_new(d->region);
		if (!w[i].norm)
			die_usage("dedup", "unknown --region '%s'", d->region);
		dynbuf_init(&w[i].out, 1u << 20);
		wctx[i] = &w[i];
	}
	rm.pipe = pipe_new(nthreads, rm_work, wctx, rm_done, &rm);

	struct walk_cb cb = { .ctx = &rm, .begin = rm_begin, .record = rm_record, .end = rm_end };
	struct walk_totals t;
	int rc = walk_paths(&d->co.in, paths, npaths, &cb, &t);
	if (rm.cur)
		pipe_submit(rm.pipe, rm.cur);
	pipe_free(rm.pipe);
	struct dedup_stats st;
	if (dedup_finish(rm.dd, &st, err, sizeof(err)) < 0)
		die("%s", err);

	/* pass two: the same records in the same order, the kept ones written */
	struct rm_out o;
	memset(&o, 0, sizeof(o));
	o.dd = rm.dd;
	int csv = d->out_csv >= 0 ? d->out_csv : rm.first_format_csv > 0;
	FILE *out = stdout, *dups = NULL;
	if (d->out_path && strcmp(d->out_path, "-") && !(out = fopen(d->out_path, "w")))
		die("cannot open '%s' for writing: %s", d->out_path, strerror(errno));
	if (d->dups_path && !(dups = fopen(d->dups_path, "w")))
		die("cannot open '%s' for writing: %s", d->dups_path, strerror(errno));
	o.kept.f = out;
	o.kept.name = d->out_path ? d->out_path : "standard output";
	recout_init(&o.kept.ro, csv, rm_file_write, &o.kept);
	if (dups) {
		o.dups.f = dups;
		o.dups.name = d->dups_path;
		recout_init(&o.dups.ro, csv, rm_file_write, &o.dups);
		o.have_dups = 1;
	}
	struct walk_opts co2 = d->co.in;
	co2.quiet = co2.silent = 1; /* everything was told in pass one */
	co2.progress = NULL;
	co2.rejects = NULL;
	struct walk_cb cb2 = { .ctx = &o, .begin = out_begin, .record = out_record };
	struct walk_totals t2;
	walk_paths(&co2, paths, npaths, &cb2, &t2);
	rm_file_finish(&o.kept);
	if (out != stdout && fclose(out) != 0)
		die("cannot write '%s': %s", d->out_path, strerror(errno));
	if (dups) {
		rm_file_finish(&o.dups);
		if (fclose(dups) != 0)
			die("cannot write '%s': %s", d->dups_path, strerror(errno));
	}
	if (t2.parsed != t.parsed)
		die("the inputs changed while being read (%llu records, then %llu)",
		    (unsigned long long)t.parsed, (unsigned long long)t2.parsed);

	if (d->json) {
		struct dynbuf b;
		struct jsonw jw;
		dynbuf_init(&b, 1u << 20);
		jsonw_init(&jw, &b);
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "mode");
		jsonw_str(&jw, "records");
		jsonw_key(&jw, "records_in");
		jsonw_u64(&jw, t.parsed + t.rejected);
		jsonw_key(&jw, "unique");
		jsonw_u64(&jw, st.unique);
		jsonw_key(&jw, "duplicates");
		jsonw_u64(&jw, st.duplicates);
		jsonw_key(&jw, "rejected");
		jsonw_u64(&jw, t.rejected);
		jsonw_key(&jw, "spill_runs");
		jsonw_u64(&jw, st.spill_runs);
		jsonw_obj_close(&jw);
		fprintf(stderr, "%s\n", dynbuf_str(&b));
		dynbuf_release(&b);
	} else if (!d->co.in.quiet) {
		char a[32], b[32], c[32], e[32];
		fprintf(stderr, "dumptrace: %s records in, %s unique, %s duplicates removed, %s rejected\n",
			fmt_count(t.parsed + t.rejected, a), fmt_count(st.unique, b),
			fmt_count(st.duplicates, c), fmt_count(t.rejected, e));
	}

	for (size_t i = 0; i < rm.ss.n; i++)
		free(rm.ss.v[i]->user);
	schemas_release(&rm.ss);
	for (unsigned i = 0; i < nthreads; i++) {
		norm_ctx_free(w[i].norm);
		dynbuf_release(&w[i].out);
		free(w[i].fps);
	}
	free(w);
	free(wctx);
	for (int i = 0; i < npaths; i++)
		if (spooled[i]) {
			unlink(spooled[i]);
			free(spooled[i]);
		}
	free(spooled);
	fp_key_release(&rm.key);
	dedup_free(rm.dd);
	return rc;
}

static void
help(void)
{
	printf("usage: dumptrace dedup [--lines] [OPTIONS] FILE...\n"
	       "\n"
	       "Removes repeated records, keeping the first occurrence of each, in input\n"
	       "order. Several inputs are deduplicated together, as if concatenated.\n"
	       "\n"
	       "Record mode (the default): records are equal when their values are equal\n"
	       "after typing and normalization (an e-mail in any case, a phone in any\n"
	       "format, a name in Cyrillic or Latin), whatever the column names and order.\n"
	       "Line mode (--lines): exact lines, as awk '!seen[$0]++' keeps them; CRLF\n"
	       "and LF endings of the same text are the same line; nothing is dropped for\n"
	       "being long, binary or not UTF-8.\n"
	       "\n"
	       "  --lines                line mode\n"
	       "  --key COLS             record mode: compare only these columns (names or\n"
	       "                         types, comma-separated: --key email,phone)\n"
	       "  --output-format F      record mode: csv or jsonl (default: csv for CSV input)\n"
	       "  --region CC            phone region for normalization (default KZ)\n"
	       "  --key-file FILE        fingerprint with a secret key\n"
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
		WORK_LONG_OPTIONS,
		{ "lines", no_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "dups", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "key", required_argument, NULL, 'K' },
		{ "output-format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dd d;
	int opt;

	memset(&d, 0, sizeof(d));
	d.out_csv = -1;
	common_init(&d.co);
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	d.memory = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz / 4 : 1ull << 30;
	d.tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct work_opts work = { &d.region, &d.key_file, &d.tmpdir, &d.memory, &d.threads,
				  1 << 20 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qho:j:", opts, NULL)) != -1) {
		if (common_option(&d.co, opt, optarg))
			continue;
		if (work_option(&work, "dedup", opt, optarg))
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
		case 'J':
			d.json = 1;
			break;
		case 'K': {
			char *list = xstrdup(optarg), *save = NULL;
			for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				d.keys = xrealloc(d.keys, (d.nkeys + 1) * sizeof(*d.keys));
				d.keys[d.nkeys++] = xstrdup(tok);
			}
			free(list);
			break;
		}
		case 'F':
			if (!strcmp(optarg, "csv"))
				d.out_csv = 1;
			else if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json"))
				d.out_csv = 0;
			else
				die_usage("dedup", "unknown output format '%s' (csv, jsonl)", optarg);
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
	if (d.lines && (d.nkeys || d.out_csv >= 0))
		die_usage("dedup", "--key and --output-format are for record mode, not --lines");
	common_start(&d.co);
	int rc = d.lines ? run_lines(&d, argv + optind, argc - optind)
			 : run_records(&d, argv + optind, argc - optind);
	for (size_t i = 0; i < d.nkeys; i++)
		free(d.keys[i]);
	free(d.keys);
	common_finish(&d.co);
	return rc;
}
