/*
 * The dedup engine, line mode and record mode; see dedup_run.h. Both
 * modes make two passes: the first finds the repeats (core/dedup.c), the
 * second writes every line or record to the output or to the duplicates'
 * output, in input order.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/dedup_run.h"
#include "core/dynbuf.h"
#include "core/fp.h"
#include "core/keys.h"
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

/* Line mode's read and write buffers. */
#define OUT_BUF (4u << 20)

void
dedup_run_opts_init(struct dedup_run_opts *o, const struct walk_opts *in)
{
	memset(o, 0, sizeof(*o));
	o->out_csv = -1;
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	o->memory = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz / 4 : 1ull << 30;
	o->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	o->in = in;
}

static int fail(struct dedup_run_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The run cannot go on: the reason in res->err; returns DT_FATAL. */
static int
fail(struct dedup_run_result *res, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->err, sizeof(res->err), fmt, ap);
	va_end(ap);
	return DT_FATAL;
}

static int
sink_open(const struct dedup_run_sink *s, struct dedup_run_result *res)
{
	if (s->open && s->open(s->ctx) < 0)
		return fail(res, "cannot open '%s' for writing: %s", s->name, strerror(errno));
	return DT_OK;
}

static int
sink_close(const struct dedup_run_sink *s, struct dedup_run_result *res)
{
	if (s->close && s->close(s->ctx) < 0)
		return fail(res, "cannot write '%s': %s", s->name, strerror(errno));
	return DT_OK;
}

/* ------------------------------------------------------------------ */
/* Line mode */

/* An input as a regular file: a plain file's own descriptor (dup'ed), or a copy's. */
struct lm_input {
	char *name;
	int fd;
	uint64_t size;
};

/* Buffered output to a sink. */
struct obuf {
	const struct dedup_run_sink *sink; /* NULL: lines sent here are dropped */
	int open;			   /* opened, not closed yet */
	char *buf;
	size_t len;
	uint64_t bytes;
};

struct lm {
	const struct dedup_run_opts *o;
	struct dedup_run_result *res;
	struct source_opts src;
	struct lm_input *in;
	size_t nin, in_alloc;
	uint64_t total_size;
	struct dedup *dd;
	struct obuf out, dups;
	char *buf;
};

/* 0, or -1 with errno set. */
static int
obuf_flush(struct obuf *o)
{
	if (o->len && o->sink->write(o->sink->ctx, o->buf, o->len) < 0)
		return -1;
	o->bytes += o->len;
	o->len = 0;
	return 0;
}

/* 0, or -1 with errno set. */
static inline int
obuf_add(struct obuf *o, const char *p, size_t n)
{
	if (o->len + n > OUT_BUF) {
		if (obuf_flush(o) < 0)
			return -1;
		if (n > OUT_BUF) {
			/* write a long piece straight from where it lies */
			if (o->sink->write(o->sink->ctx, p, n) < 0)
				return -1;
			o->bytes += n;
			return 0;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

static int
lm_write_failed(struct lm *L, const struct obuf *o)
{
	return fail(L->res, "cannot write '%s': %s", o->sink->name, strerror(errno));
}

/*
 * Copies a source whole into an unlinked temporary file, x->fd. A read
 * error part way is told and ends the copy: what came before it is still
 * deduplicated. 0, or DT_FATAL when the copy cannot be written.
 */
static int
lm_spool(struct lm *L, struct source *src, const char *name, struct lm_input *x)
{
	const char *tmpdir = L->o->tmpdir;
	x->fd = xio_tmpfile(tmpdir, "spool", NULL, 0);
	if (x->fd < 0)
		return fail(L->res, "cannot create a temporary file in '%s': %s", tmpdir,
			    strerror(errno));
	x->size = 0;
	for (;;) {
		size_t len;
		const char *p = source_data(src, &len);
		if (len) {
			if (xio_write_all(x->fd, p, len) < 0)
				return fail(L->res, "cannot write a temporary file in '%s': %s",
					    tmpdir, strerror(errno));
			x->size += len;
			source_consume(src, len);
		}
		ssize_t r = source_fill(src);
		if (r == 0)
			break;
		if (r < 0) {
			walk_say(L->o->in, "'%s': byte %" PRIu64 ": %s; rest of input lost", name,
				 x->size, source_error(src));
			break;
		}
	}
	return 0;
}

/* Every stream of every path as a regular file in L->in; 0, or DT_FATAL. */
static int
lm_gather(struct lm *L, char **paths, int npaths)
{
	struct walk_totals *t = &L->res->walk;
	char err[1024];

	for (int i = 0; i < npaths; i++) {
		struct input *in = input_open(paths[i], &L->src, err, sizeof(err));
		t->paths++;
		if (!in) {
			walk_say(L->o->in, "%s", err);
			t->failed++;
			continue;
		}
		struct source *src;
		int st;
		while ((st = input_next(in, &src, err, sizeof(err))) != DT_EOF) {
			if (st != DT_OK) {
				walk_say(L->o->in, "%s", err);
				t->failed++;
				continue;
			}
			struct source_info si;
			source_info(src, &si);
			L->in = xgrow(L->in, &L->in_alloc, L->nin + 1, sizeof(*L->in));
			struct lm_input *x = &L->in[L->nin++];
			x->name = xstrdup(si.name);
			x->fd = -1;
			x->size = 0;
			t->streams++;
			int fd = source_plain_fd(src);
			if (fd >= 0) {
				struct stat stt;
				x->fd = dup(fd);
				x->size = fstat(fd, &stt) == 0 ? (uint64_t)stt.st_size : 0;
			} else {
				if (lm_spool(L, src, si.name, x) < 0) {
					input_close(in);
					return DT_FATAL;
				}
				if (source_error(src))
					t->failed++;
			}
			L->total_size += x->size;
		}
		input_close(in);
	}
	t->bytes = L->total_size;
	return DT_OK;
}

/* The first pass: every line fingerprinted, the repeats found. 0, or DT_FATAL. */
static int
lm_find(struct lm *L)
{
	const struct dedup_run_opts *o = L->o;
	char err[1024];
	struct dedup_opts dopts = {
		.threads = o->threads,
		.memory = o->memory,
		.tmpdir = o->tmpdir,
		.expect_keys = L->total_size / 16 + 1,
	};

	L->dd = dedup_new(&dopts, err, sizeof(err));
	if (!L->dd)
		return fail(L->res, "%s", err);
	for (size_t i = 0; i < L->nin; i++) {
		if (dedup_add_file(L->dd, L->in[i].fd, L->in[i].size, err, sizeof(err)) < 0)
			return fail(L->res, "cannot read '%s': %s", L->in[i].name, err);
		if (o->in->progress)
			o->in->progress(o->in->hook_ctx, 0, 0);
	}
	if (dedup_finish(L->dd, &L->res->dedup, err, sizeof(err)) < 0)
		return fail(L->res, "%s", err);
	return DT_OK;
}

/*
 * The second pass over one input: each line to out, or to dups when it
 * repeats an earlier one, *seq counting the lines. A line longer than the
 * buffer passes through in pieces. 0, or DT_FATAL.
 */
static int
lm_write_input(struct lm *L, const struct lm_input *x, uint64_t *seqp)
{
	const struct dedup *dd = L->dd;
	struct obuf *out = &L->out, *dups = &L->dups;
	char *buf = L->buf;
	uint64_t seq = *seqp, pos = 0, size = x->size;
	size_t have = 0;
	int mid = 0, mid_dup = 0; /* inside a line longer than the buffer */

	while (pos < size || have) {
		ssize_t r = 0;
		if (pos < size) {
			size_t want = OUT_BUF - have;
			if (want > size - pos)
				want = (size_t)(size - pos);
			r = pread(x->fd, buf + have, want, (off_t)pos);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return fail(L->res, "cannot read '%s' again: %s", x->name,
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
			struct obuf *to = isdup ? dups : out;
			/* a last line without LF gets one, as awk ends every line */
			if (to->sink &&
			    (obuf_add(to, buf + i, ll) < 0 || (!nl && obuf_add(to, "\n", 1) < 0)))
				return lm_write_failed(L, to);
			seq++;
			mid = 0;
			i += ll;
			if (!nl)
				break;
		}
		have = len - i;
		if (have == OUT_BUF) {
			if (!mid) {
				mid = 1;
				mid_dup = dedup_is_dup(dd, seq);
			}
			struct obuf *to = mid_dup ? dups : out;
			if (to->sink && obuf_add(to, buf, have) < 0)
				return lm_write_failed(L, to);
			have = 0;
			continue;
		}
		if (have)
			memmove(buf, buf + i, have);
	}
	*seqp = seq;
	return DT_OK;
}

/* The second pass: the outputs opened, every input written, the outputs closed. 0, or DT_FATAL. */
static int
lm_write(struct lm *L)
{
	const struct dedup_run_opts *o = L->o;
	struct dedup_run_result *res = L->res;

	if (sink_open(o->out, res) < 0)
		return DT_FATAL;
	L->out.sink = o->out;
	L->out.open = 1;
	if (o->dups) {
		if (sink_open(o->dups, res) < 0)
			return DT_FATAL;
		L->dups.sink = o->dups;
		L->dups.open = 1;
		L->dups.buf = xmalloc(OUT_BUF);
	}
	L->out.buf = xmalloc(OUT_BUF);
	L->buf = xmalloc(OUT_BUF);

	uint64_t seq = 0;
	for (size_t k = 0; k < L->nin; k++)
		if (lm_write_input(L, &L->in[k], &seq) < 0)
			return DT_FATAL;
	if (obuf_flush(&L->out) < 0)
		return lm_write_failed(L, &L->out);
	if (L->dups.sink) {
		if (obuf_flush(&L->dups) < 0)
			return lm_write_failed(L, &L->dups);
		L->dups.open = 0;
		if (sink_close(o->dups, res) < 0)
			return DT_FATAL;
	}
	res->bytes_out = L->out.bytes;
	L->out.open = 0;
	return sink_close(o->out, res);
}

/* Closes what is still open (after a failure), frees everything. */
static void
lm_release(struct lm *L)
{
	struct obuf *ob[2] = { &L->dups, &L->out };
	for (int i = 0; i < 2; i++) {
		if (ob[i]->open && ob[i]->sink->close)
			ob[i]->sink->close(ob[i]->sink->ctx);
		free(ob[i]->buf);
	}
	for (size_t k = 0; k < L->nin; k++) {
		if (L->in[k].fd >= 0)
			close(L->in[k].fd);
		free(L->in[k].name);
	}
	free(L->in);
	free(L->buf);
	dedup_free(L->dd);
}

static int
run_lines(const struct dedup_run_opts *o, char **paths, int npaths, struct dedup_run_result *res)
{
	struct lm L;

	memset(&L, 0, sizeof(L));
	L.o = o;
	L.res = res;
	L.src = o->in->src;
	L.src.binary = 1; /* lines are bytes: no charset conversion */
	int st = lm_gather(&L, paths, npaths);
	if (st == DT_OK)
		st = lm_find(&L);
	if (st == DT_OK)
		st = lm_write(&L);
	res->records_in = res->dedup.keys;
	res->incomplete = res->walk.failed > 0;
	lm_release(&L);
	return st;
}

/* ------------------------------------------------------------------ */
/* Record mode */

/* A record's number and fingerprint, made by a worker. */
struct rseq {
	uint64_t seq, hi, lo;
};

struct rm_worker {
	struct rm *rm;
	struct norm_ctx *norm;
	struct dynbuf out;
	uint64_t *fps;
	size_t fps_alloc;
};

struct rm {
	const struct dedup_run_opts *o;
	struct dedup_run_result *res;
	char **paths;	 /* the caller's */
	int npaths;
	struct source_alias *copies; /* of standard input and pipes: unlinked files */
	size_t ncopies;
	struct walk_opts in; /* the caller's, those paths reading their copies */
	struct fp_key key;
	int have_key;
	struct schemas ss;
	uint64_t seq; /* the next parsed record's number */
	struct dedup *dd;
	struct rm_worker *w;
	void **wctx;
	unsigned nthreads;
	struct pipe *pipe;
	struct batch *cur;
	int first_format_csv; /* -1 until the first stream is seen */
};

/* The schemas' consumer: a typed record into the current batch, with its number. */
static void
rm_emit(void *ctx, struct schema *s, const struct record *rec, uint64_t seq)
{
	struct rm *rm = ctx;
	/* the tag: workers must not index rm->ss.v, it grows */
	if (pipe_add(rm->pipe, &rm->cur, s->id, s, rec) && !rm->cur->user)
		rm->cur->user = xmalloc(BATCH_RECORDS * sizeof(struct rseq));
	((struct rseq *)rm->cur->user)[rm->cur->nrecs - 1].seq = seq;
}

/* Which columns of a freshly typed schema are compared: all, or those the keys name. */
static void
rm_typed(void *ctx, struct schema *s)
{
	struct rm *rm = ctx;
	const struct dedup_run_opts *o = rm->o;
	int *use = xcalloc(s->ncols ? s->ncols : 1, sizeof(*use));
	for (size_t c = 0; c < s->ncols; c++) {
		use[c] = o->nkeys == 0;
		for (size_t k = 0; k < o->nkeys; k++)
			if (!strcasecmp(o->keys[k], s->names[c]) ||
			    !strcasecmp(o->keys[k], types_name(s->types[c])))
				use[c] = 1;
	}
	s->user = use;
}

static enum dt_type
rm_forced(void *ctx, const char *name, size_t len)
{
	struct rm *rm = ctx;
	return (enum dt_type)walk_forced_type(rm->o->in, name, len);
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
			/* a value its type does not take ("n/a" for a phone) counts as text */
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

/* The consumer, in input order: each record's fingerprint to the deduplicator. */
static void
rm_done(void *ctx, struct batch *b)
{
	struct rm *rm = ctx;
	struct rseq *out = b->user;
	for (size_t r = 0; r < b->nrecs; r++)
		dedup_add_fp(rm->dd, out[r].seq, out[r].hi, out[r].lo);
}

/*
 * Inputs read twice that cannot be: standard input ("-") and anything not
 * a regular file or a directory (a named pipe, a device, a process
 * substitution; opened again it would wait for a writer or yield other
 * bytes). Each is copied once into a temporary file unlinked at once (the
 * raw dump: whatever ends the process, nothing of it is left behind),
 * which both passes then read under the input's own name. A path named
 * twice is copied once. A signal (o->in->src.stop) ends a copy.
 */
static int
rm_spool_streams(struct rm *rm)
{
	const char *tmpdir = rm->o->tmpdir;
	volatile sig_atomic_t *stop = rm->o->in->src.stop;

	for (int i = 0; i < rm->npaths; i++) {
		const char *path = rm->paths[i];
		struct stat st;
		int is_stdin = !strcmp(path, "-");
		if (!is_stdin && (stat(path, &st) < 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
			continue; /* a file, or what the walk will say cannot be read */
		size_t k;
		for (k = 0; k < rm->ncopies && strcmp(rm->copies[k].path, path); k++)
			;
		if (k < rm->ncopies)
			continue;
		int in = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
		if (in < 0)
			continue; /* the walk says why */
		int fd = xio_tmpfile(tmpdir, "stdin", NULL, 0);
		if (fd < 0) {
			if (!is_stdin)
				close(in);
			return fail(rm->res, "cannot create a temporary file in '%s': %s", tmpdir,
				    strerror(errno));
		}
		rm->copies = xrealloc(rm->copies, (rm->ncopies + 1) * sizeof(*rm->copies));
		rm->copies[rm->ncopies].path = path;
		rm->copies[rm->ncopies++].fd = fd;
		char buf[65536];
		ssize_t r;
		int werr = 0;
		while ((r = read(in, buf, sizeof(buf))) > 0 ||
		       (r < 0 && errno == EINTR && !(stop && *stop)))
			if (r > 0 && xio_write_all(fd, buf, (size_t)r) < 0) {
				werr = errno;
				break;
			}
		int rerr = errno;
		if (!is_stdin)
			close(in);
		if (werr)
			return fail(rm->res, "cannot write a temporary file in '%s': %s", tmpdir,
				    strerror(werr));
		if (r < 0)
			return fail(rm->res, "cannot read '%s': %s", is_stdin ? "standard input" : path,
				    stop && *stop ? "interrupted" : strerror(rerr));
	}
	rm->in.src.aliases = rm->copies;
	rm->in.src.naliases = rm->ncopies;
	return DT_OK;
}

/* The key, the copy of standard input, the deduplicator, the workers. 0, or DT_FATAL. */
static int
rm_start(struct rm *rm)
{
	const struct dedup_run_opts *o = rm->o;
	char err[1024];

	if (o->key_file) {
		unsigned char k[FP_KEY_SIZE];
		int r = key_read(o->key_file, k, err, sizeof(err));
		if (r == 1)
			return fail(rm->res, "no key file '%s'", o->key_file);
		if (r < 0)
			return fail(rm->res, "%s", err);
		fp_key_from_secret(&rm->key, k);
	} else
		fp_key_default(&rm->key); /* nothing of it is kept: the public seed will do */
	rm->have_key = 1;
	if (rm_spool_streams(rm) < 0)
		return DT_FATAL;

	struct dedup_opts dopts = {
		.threads = o->threads,
		.memory = o->memory,
		.tmpdir = o->tmpdir,
	};
	for (int i = 0; i < rm->npaths; i++) {
		struct stat st;
		size_t k;
		for (k = 0; k < rm->ncopies && strcmp(rm->copies[k].path, rm->paths[i]); k++)
			;
		if (k < rm->ncopies ? fstat(rm->copies[k].fd, &st) == 0 : stat(rm->paths[i], &st) == 0)
			dopts.expect_keys += (uint64_t)st.st_size / 64;
	}
	rm->dd = dedup_new(&dopts, err, sizeof(err));
	if (!rm->dd)
		return fail(rm->res, "%s", err);

	unsigned nthreads = o->threads;
	if (!nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (unsigned)n : 1;
	}
	rm->nthreads = nthreads;
	rm->w = xcalloc(nthreads, sizeof(*rm->w));
	rm->wctx = xcalloc(nthreads, sizeof(*rm->wctx));
	for (unsigned i = 0; i < nthreads; i++) {
		struct rm_worker *w = &rm->w[i];
		w->rm = rm;
		w->norm = norm_ctx_new(o->region);
		if (!w->norm)
			return fail(rm->res, "unknown region '%s'", o->region);
		dynbuf_init(&w->out, 1u << 20);
		rm->wctx[i] = w;
	}
	rm->pipe = pipe_new(nthreads, rm_work, rm->wctx, rm_done, rm);
	return DT_OK;
}

/* Pass one: every record typed and fingerprinted, the repeats found. 0, or DT_FATAL. */
static int
rm_find(struct rm *rm)
{
	struct walk_cb cb = { .ctx = rm, .begin = rm_begin, .record = rm_record, .end = rm_end };
	char err[1024];

	walk_paths(&rm->in, rm->paths, rm->npaths, &cb, &rm->res->walk);
	if (rm->cur)
		pipe_submit(rm->pipe, rm->cur);
	rm->cur = NULL;
	pipe_free(rm->pipe);
	rm->pipe = NULL;
	if (dedup_finish(rm->dd, &rm->res->dedup, err, sizeof(err)) < 0)
		return fail(rm->res, "%s", err);
	return DT_OK;
}

/* A record output of pass two: its sink and writer. */
struct rm_sink {
	const struct dedup_run_sink *sink; /* NULL: not wanted */
	int open;			   /* opened, not closed yet */
	struct recout ro;
	uint64_t bytes;
};

struct rm_out {
	const struct dedup *dd;
	uint64_t seq;
	struct rm_sink kept, dups;
	const char *input;
	struct rm_sink *failed; /* the sink a write failed on, errno saved */
	int err;
};

static int
rm_sink_write(void *ctx, const char *p, size_t n)
{
	struct rm_sink *s = ctx;
	if (s->sink->write(s->sink->ctx, p, n) < 0)
		return -1;
	s->bytes += n;
	return 0;
}

static int
rm_sink_open(struct rm_sink *s, const struct dedup_run_sink *sink, struct dedup_run_result *res)
{
	if (sink_open(sink, res) < 0)
		return DT_FATAL;
	s->sink = sink;
	s->open = 1;
	return DT_OK;
}

/* What is buffered written, then the sink closed. 0, or DT_FATAL. */
static int
rm_sink_finish(struct rm_sink *s, struct dedup_run_result *res)
{
	if (recout_flush(&s->ro) < 0)
		return fail(res, "cannot write '%s': %s", s->sink->name, strerror(errno));
	s->open = 0;
	return sink_close(s->sink, res);
}

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
	struct rm_sink *s = &o->kept;
	if (dedup_is_dup(o->dd, o->seq))
		s = o->dups.sink ? &o->dups : NULL;
	o->seq++;
	if (s && recout_write(&s->ro, o->input, rec) < 0) {
		o->failed = s;
		o->err = errno;
		return -1; /* stops the walk */
	}
	return 0;
}

/* Pass two: the same records in the same order, each written where it goes. 0, or DT_FATAL. */
static int
rm_write(struct rm *rm, struct rm_out *out)
{
	const struct dedup_run_opts *o = rm->o;
	struct dedup_run_result *res = rm->res;
	int csv = o->out_csv >= 0 ? o->out_csv : rm->first_format_csv > 0;

	out->dd = rm->dd;
	recout_init(&out->kept.ro, csv, rm_sink_write, &out->kept);
	recout_init(&out->dups.ro, csv, rm_sink_write, &out->dups);
	if (rm_sink_open(&out->kept, o->out, res) < 0 ||
	    (o->dups && rm_sink_open(&out->dups, o->dups, res) < 0))
		return DT_FATAL;

	struct walk_opts in2 = rm->in;
	in2.quiet = in2.silent = 1; /* everything was told in pass one */
	in2.progress = NULL;
	in2.rejects = NULL;
	struct walk_cb cb = { .ctx = out, .begin = out_begin, .record = out_record };
	struct walk_totals t2;
	walk_paths(&in2, rm->paths, rm->npaths, &cb, &t2);
	if (out->failed)
		return fail(res, "cannot write '%s': %s", out->failed->sink->name,
			    strerror(out->err));
	if (rm_sink_finish(&out->kept, res) < 0 || (o->dups && rm_sink_finish(&out->dups, res) < 0))
		return DT_FATAL;
	res->bytes_out = out->kept.bytes;
	if (t2.parsed != res->walk.parsed)
		return fail(res, "the inputs changed while being read (%llu records, then %llu)",
			    (unsigned long long)res->walk.parsed, (unsigned long long)t2.parsed);
	return DT_OK;
}

/* Closes what is still open (after a failure), removes the copies, frees everything. */
static void
rm_release(struct rm *rm, struct rm_out *out)
{
	struct rm_sink *s[2] = { &out->kept, &out->dups };
	for (int i = 0; i < 2; i++) {
		if (s[i]->open && s[i]->sink->close)
			s[i]->sink->close(s[i]->sink->ctx);
		recout_release(&s[i]->ro);
	}
	if (rm->pipe) {
		if (rm->cur)
			pipe_submit(rm->pipe, rm->cur);
		pipe_free(rm->pipe);
	}
	for (size_t i = 0; i < rm->ss.n; i++)
		free(rm->ss.v[i]->user);
	schemas_release(&rm->ss);
	for (unsigned i = 0; i < rm->nthreads; i++) {
		norm_ctx_free(rm->w[i].norm);
		dynbuf_release(&rm->w[i].out);
		free(rm->w[i].fps);
	}
	free(rm->w);
	free(rm->wctx);
	for (size_t i = 0; i < rm->ncopies; i++)
		close(rm->copies[i].fd);
	free(rm->copies);
	free(rm->paths);
	if (rm->have_key)
		fp_key_release(&rm->key);
	dedup_free(rm->dd);
}

static int
run_records(const struct dedup_run_opts *o, char **paths, int npaths, struct dedup_run_result *res)
{
	struct rm rm;
	struct rm_out out;
	size_t n = npaths > 0 ? (size_t)npaths : 1;

	memset(&rm, 0, sizeof(rm));
	memset(&out, 0, sizeof(out));
	rm.o = o;
	rm.res = res;
	rm.npaths = npaths;
	rm.paths = xcalloc(n, sizeof(*rm.paths));
	if (npaths > 0)
		memcpy(rm.paths, paths, (size_t)npaths * sizeof(*paths));
	rm.in = *o->in;
	rm.first_format_csv = -1;
	struct schemas_opts so = { .region = o->region, .emit = rm_emit, .typed = rm_typed,
				   .forced = rm_forced, .ctx = &rm };
	schemas_init(&rm.ss, &so);

	int st = rm_start(&rm);
	if (st == DT_OK)
		st = rm_find(&rm);
	if (st == DT_OK)
		st = rm_write(&rm, &out);
	res->records_in = res->walk.parsed + res->walk.rejected;
	res->rejected = res->walk.rejected;
	res->incomplete = walk_status(&res->walk);
	rm_release(&rm, &out);
	return st;
}

int
dedup_run(const struct dedup_run_opts *o, char **paths, int npaths, struct dedup_run_result *res)
{
	memset(res, 0, sizeof(*res));
	return o->lines ? run_lines(o, paths, npaths, res) : run_records(o, paths, npaths, res);
}
