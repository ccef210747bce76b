/*
 * dumptrace ingest: adds a known leak to the library (DESIGN.md, "The
 * library"). Its records are parsed, typed, normalized and turned into
 * facts and keys (core/facts.h) by worker threads; the keys go, tagged with
 * their set, into a bucketed sort (core/bsort.h) that gives each set's keys
 * back in order, bucket by bucket, to the leak's fingerprint sets
 * (core/fpset.h), several written at once in the library's staging
 * directory. The profile (schema,
 * sketches, dates, domains) is gathered on the way, the source files are
 * hashed (SHA-256) by a thread of their own, and everything is committed
 * in one step (core/library.h): killed at any instant, the library is as
 * before or fully updated.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <xxhash.h>

#include "cmd/cmd.h"
#include "core/facts.h"
#include "core/fpset.h"
#include "core/jsonw.h"
#include "core/kmv.h"
#include "core/library.h"
#include "core/norm.h"
#include "core/pipe.h"
#include "core/profile.h"
#include "core/bsort.h"
#include "core/schema.h"
#include "core/xalloc.h"


struct ingest_opts {
	struct common co;
	const char *library;
	struct lib_leak meta;
	int replace, nowait, json;
	const char *key_file, *region, *tmpdir;
	uint64_t memory;
	unsigned threads;
};

/* One stream read: a source of the leak. */
struct stream {
	int path;  /* index into the paths */
	struct lib_source src;
};

/* The SHA-256 of each input file, computed beside the parsing. */
struct hasher {
	pthread_t tid;
	char **paths;
	int npaths;
	char (*hex)[65];
	uint64_t *size;
	char **err; /* per path, NULL when hashed */
};

struct ing {
	struct ingest_opts *o;
	struct schemas ss;
	struct pipe *pipe;
	struct batch *cur;
	struct worker *w;
	unsigned nw;
	struct bsort *bs;
	struct fp_key key;
	uint64_t seq;
	char **paths;
	int npaths;
	struct stream *streams;
	size_t nstreams, streams_alloc;
	int *schema_stream; /* per schema: its stream's index */
	size_t schema_alloc;
};

/* A worker thread's own: its scratch, its profile, its keys of a batch. */
struct worker {
	struct facts f;
	struct profile prof;
	uint64_t with_facts;
	uint64_t *kv; /* key, set, key, set... */
	size_t nkv, kv_alloc;
	unsigned index; /* its producer index in the sort */
	struct bsort *bs;
};


static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

static void *
hash_files(void *arg)
{
	struct hasher *h = arg;
	size_t cap = 1u << 20;
	uint8_t *buf = xmalloc(cap);
	for (int i = 0; i < h->npaths; i++) {
		struct sha256_ctx c;
		uint8_t d[SHA256_DIGEST_SIZE];
		struct stat st;
		int fd;
		ssize_t r = 0;
		if (!strcmp(h->paths[i], "-"))
			continue;
		if ((fd = open(h->paths[i], O_RDONLY)) < 0 || fstat(fd, &st) < 0 ||
		    !S_ISREG(st.st_mode)) {
			if (fd >= 0)
				close(fd);
			continue; /* the walk reports what cannot be read */
		}
		sha256_init(&c);
		uint64_t size = 0;
		while (!interrupted && ((r = read(fd, buf, cap)) > 0 || (r < 0 && errno == EINTR)))
			if (r > 0) {
				sha256_update(&c, (size_t)r, buf);
				size += (uint64_t)r;
			}
		close(fd);
		if (r < 0 || interrupted)
			continue;
		sha256_digest(&c, sizeof(d), d);
		for (size_t k = 0; k < sizeof(d); k++)
			snprintf(h->hex[i] + 2 * k, 3, "%02x", d[k]);
		h->size[i] = size;
	}
	free(buf);
	return NULL;
}

/* The input path a stream named name ("a.zip:x.csv") comes from. */
static int
path_of(struct ing *g, const char *name)
{
	for (int i = 0; i < g->npaths; i++) {
		size_t n = strlen(g->paths[i]);
		if (!strncmp(name, g->paths[i], n) && (!name[n] || name[n] == ':'))
			return i;
	}
	return -1;
}

static void
ing_begin(void *ctx, struct source *src, struct reader *r)
{
	struct ing *g = ctx;
	struct source_info si;
	source_info(src, &si);
	schemas_stream(&g->ss);
	g->streams = xgrow(g->streams, &g->streams_alloc, g->nstreams + 1, sizeof(*g->streams));
	struct stream *s = &g->streams[g->nstreams++];
	memset(s, 0, sizeof(*s));
	s->path = path_of(g, si.name);
	s->src.path = xstrdup(si.name);
	s->src.format = xstrdup(r->fmt->name);
	s->src.encoding = xstrdup(si.encoding);
}

static void
ing_end(void *ctx, struct source *src, struct reader *r, int failed)
{
	struct ing *g = ctx;
	(void)failed;
	schemas_end_stream(&g->ss);
	struct stream *s = &g->streams[g->nstreams - 1];
	struct source_info si;
	source_info(src, &si);
	s->src.records = r->parsed + r->rejected;
	s->src.rejected = r->rejected;
	s->src.size = si.bytes_in; /* the file's own size replaces it when it is hashed */
}

static void
ing_emit(void *ctx, struct schema *s, const struct record *rec, uint64_t seq)
{
	struct ing *g = ctx;
	(void)seq;
	if (g->cur && g->cur->stream != s->id) {
		pipe_submit(g->pipe, g->cur);
		g->cur = NULL;
	}
	for (;;) {
		if (!g->cur) {
			g->cur = pipe_batch(g->pipe);
			g->cur->stream = s->id;
			g->cur->tag = s;
		}
		if (batch_add(g->cur, rec) == 0)
			return;
		pipe_submit(g->pipe, g->cur);
		g->cur = NULL;
	}
}

static void
ing_typed(void *ctx, struct schema *s)
{
	struct ing *g = ctx;
	g->schema_stream = xgrow(g->schema_stream, &g->schema_alloc, (size_t)s->id + 1,
				 sizeof(*g->schema_stream));
	g->schema_stream[s->id] = (int)g->nstreams - 1;
}

static enum dt_type
ing_forced(void *ctx, const char *name, size_t len)
{
	struct ing *g = ctx;
	return (enum dt_type)common_forced_type(&g->o->co, name, len);
}

static int
ing_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct ing *g = ctx;
	(void)r;
	if (interrupted)
		return -1;
	if (bsort_failed(g->bs))
		return -1; /* a spill failed: no use reading on */
	schemas_record(&g->ss, rec, g->seq++);
	return 0;
}

/* Worker: the facts and keys of every record of a batch, then into the sort. */
static void
ing_work(void *wctx, struct batch *b)
{
	struct worker *w = wctx;
	const struct schema *s = b->tag;

	w->nkv = 0;
	for (size_t r = 0; r < b->nrecs; r++) {
		if (!facts_extract(&w->f, s, &b->recs[r]))
			continue;
		w->with_facts++;
		size_t n = facts_keys(&w->f);
		if (w->nkv + 2 * n > w->kv_alloc)
			w->kv = xgrow(w->kv, &w->kv_alloc, w->nkv + 2 * n, sizeof(*w->kv));
		for (size_t i = 0; i < n; i++) {
			w->kv[w->nkv++] = w->f.keys[i].key;
			w->kv[w->nkv++] = w->f.keys[i].set;
		}
	}
	bsort_add(w->bs, w->index, w->kv, w->nkv / 2); /* a failure is seen by bsort_failed() */
}

static void
ing_done(void *ctx, struct batch *b)
{
	(void)ctx;
	(void)b;
}

/* The sets being written, by set number, opened as their first keys come. */
struct sets_out {
	const char *dir;
	struct fpset_writer *w[FACT_SETS];
	uint64_t keys[FACT_SETS];
	XXH3_state_t *digest; /* over the record set's keys */
	pthread_mutex_t mu;   /* err */
	char err[512];
};

static void
set_of(unsigned code, struct lib_set *ls)
{
	memset(ls, 0, sizeof(*ls));
	ls->kind = (enum lib_kind)FACT_SET_KIND(code);
	ls->type = ls->kind == LIB_RECORD ? DT_NONE : (enum dt_type)FACT_SET_TYPE(code);
	ls->attr = ls->kind == LIB_ASSOC ? (enum dt_type)FACT_SET_ATTR(code) : DT_NONE;
	lib_set_file(ls);
}

static int
sets_fail(struct sets_out *so, const char *msg)
{
	pthread_mutex_lock(&so->mu);
	if (!so->err[0])
		snprintf(so->err, sizeof(so->err), "%s", msg);
	pthread_mutex_unlock(&so->mu);
	return -1;
}

/*
 * The sort's sink: keys of one set, ascending, above the set's earlier
 * ones, into its file (opened at the set's first keys). Two sets may come
 * at once from two threads, one set never.
 */
static int
sets_emit(void *ctx, unsigned code, const uint64_t *keys, size_t n)
{
	struct sets_out *so = ctx;
	char err[512];

	if (interrupted)
		return sets_fail(so, "interrupted");
	if (!so->w[code]) {
		struct lib_set ls;
		char path[4096];
		set_of(code, &ls);
		snprintf(path, sizeof(path), "%s/%s", so->dir, ls.file);
		if (!(so->w[code] = fpset_writer_open(path, 0, err, sizeof(err))))
			return sets_fail(so, err);
	}
	so->keys[code] += n;
	if (code == FACT_SET(FACT_RECORD, 0, 0))
		XXH3_64bits_update(so->digest, keys, n * sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		if (fpset_writer_add(so->w[code], keys[i]) < 0) {
			fpset_writer_close(so->w[code], err, sizeof(err)); /* it has the reason */
			so->w[code] = NULL;
			return sets_fail(so, err);
		}
	return 0;
}

/*
 * Sorts the (key, set) pairs into the sets' files under dir. Returns 0,
 * or -1 with the reason in err.
 */
static int
write_sets(struct ing *g, const char *dir, struct sets_out *so, char *err, size_t errlen)
{
	so->dir = dir;
	so->digest = XXH3_createState();
	XXH3_64bits_reset(so->digest);
	pthread_mutex_init(&so->mu, NULL);
	int rc = bsort_finish(g->bs, g->nw, sets_emit, so, err, errlen);
	if (rc < 0 && !err[0])
		snprintf(err, errlen, "%s", so->err);
	pthread_mutex_destroy(&so->mu);
	return rc;
}

static char *
ymd_str(int ymd, char out[11])
{
	if (!ymd) {
		out[0] = 0;
		return out;
	}
	char tmp[48];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", ymd / 10000 % 10000, ymd / 100 % 100, ymd % 100);
	memcpy(out, tmp, 10);
	out[10] = 0;
	return out;
}

/* The catalog's view of what was read: sources, columns, dates, years, domains. */
static void
build_profile(struct ing *g, struct profile *prof, struct lib_profile *p)
{
	p->sources = xcalloc(g->nstreams ? g->nstreams : 1, sizeof(*p->sources));
	for (size_t i = 0; i < g->nstreams; i++) {
		p->sources[i] = g->streams[i].src;
		memset(&g->streams[i].src, 0, sizeof(g->streams[i].src));
	}
	p->nsources = g->nstreams;

	size_t ncols = 0;
	for (size_t i = 0; i < g->ss.n; i++)
		ncols += g->ss.v[i]->ncols;
	p->columns = xcalloc(ncols ? ncols : 1, sizeof(*p->columns));
	p->dates = xcalloc(ncols ? ncols : 1, sizeof(*p->dates));
	for (size_t i = 0; i < g->ss.n; i++) {
		struct schema *s = g->ss.v[i];
		if (!s->typed)
			continue;
		for (size_t c = 0; c < s->ncols; c++) {
			struct lib_column *lc = &p->columns[p->ncolumns++];
			struct profile_col *pc = profile_col(prof, s->id, c);
			lc->source = g->schema_stream[s->id];
			lc->table = s->table ? xstrdup(s->table) : NULL;
			lc->name = xstrdup(s->names[c]);
			lc->position = (int)c;
			lc->type = s->types[c];
			lc->validation_rate = s->rate[c];
			if (!pc)
				continue;
			lc->values = pc->values;
			lc->distinct = kmv_distinct(&pc->sketch);
			struct dynbuf blob;
			dynbuf_init(&blob, 64u << 20);
			if (kmv_serialize(&pc->sketch, &blob) == 0) {
				lc->sketch = blob.buf;
				lc->sketch_len = blob.len;
			} else
				dynbuf_release(&blob);
			if (!pc->dates)
				continue;
			/* the catalog tells date columns apart by name: make it unique */
			struct lib_dates *d = &p->dates[p->ndates++];
			char name[512];
			snprintf(name, sizeof(name), "%s%s%s", s->table ? s->table : "",
				 s->table ? "." : "", s->names[c]);
			for (size_t k = 0; k + 1 < p->ndates; k++)
				if (!strcmp(p->dates[k].column, name)) {
					size_t n = strlen(name);
					snprintf(name + n, sizeof(name) - n, " #%d", lc->source + 1);
					break;
				}
			d->column = xstrdup(name);
			ymd_str(pc->min, d->min);
			ymd_str(pc->max, d->max);
			d->count = pc->dates;
			for (int k = 0; k < PROFILE_YEARS * 12; k++)
				if (pc->months[k])
					d->nmonths++;
			d->months = xcalloc(d->nmonths ? d->nmonths : 1, sizeof(*d->months));
			size_t m = 0;
			for (int k = 0; k < PROFILE_YEARS * 12; k++)
				if (pc->months[k]) {
					char key[16];
					snprintf(key, sizeof(key), "%04d-%02d", PROFILE_YEAR_MIN + k / 12,
						 k % 12 + 1);
					d->months[m].key = xstrdup(key);
					d->months[m++].n = pc->months[k];
				}
		}
	}
	for (int y = 0; y < PROFILE_YEARS; y++)
		if (prof->years[y])
			p->nbirth_years++;
	p->birth_years = xcalloc(p->nbirth_years ? p->nbirth_years : 1, sizeof(*p->birth_years));
	for (int y = 0, k = 0; y < PROFILE_YEARS; y++)
		if (prof->years[y]) {
			char key[16];
			snprintf(key, sizeof(key), "%d", PROFILE_YEAR_MIN + y);
			p->birth_years[k].key = xstrdup(key);
			p->birth_years[k++].n = prof->years[y];
		}
	const struct profile_dom *top[50];
	p->ndomains = profile_top_domains(prof, top, 50);
	p->domains = xcalloc(p->ndomains ? p->ndomains : 1, sizeof(*p->domains));
	for (size_t i = 0; i < p->ndomains; i++) {
		p->domains[i].key = xstrdup(top[i]->name);
		p->domains[i].n = top[i]->n;
	}
}

static void
say_waiting(void *ctx, const char *path)
{
	(void)ctx;
	warnx("waiting for another writer of library '%s' to finish", path);
}

static void
report_same(struct library *lib, struct lib_profile *p, int quiet)
{
	char err[512], **names;
	size_t n;
	if (quiet)
		return;
	if (library_same_content(lib, p->leak.digest, &names, &n, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], p->leak.name))
				warnx("note: '%s' has the same records as the known leak '%s'",
				      p->leak.name, names[i]);
		lib_names_free(names, n);
	}
	for (size_t s = 0; s < p->nsources; s++) {
		if (!p->sources[s].sha256[0] || (s && !strcmp(p->sources[s].sha256, p->sources[s - 1].sha256)))
			continue;
		if (library_same_file(lib, p->sources[s].sha256, &names, &n, err, sizeof(err)) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], p->leak.name))
				warnx("note: '%s' was already ingested as part of '%s'", p->sources[s].path,
				      names[i]);
		lib_names_free(names, n);
	}
}

static int
run(struct ingest_opts *o, char **paths, int npaths)
{
	char err[1024], libpath[4096];
	struct ing g;
	struct lib_open_opts lo = { .mode = LIB_WRITE, .create = 1, .nowait = o->nowait,
				    .waiting = say_waiting };
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.paths = paths;
	g.npaths = npaths;

	if (o->key_file) {
		if (fp_key_from_file(&g.key, o->key_file, err, sizeof(err)) < 0)
			die("%s", err);
	} else
		fp_key_default(&g.key);
	if (library_locate(o->library, libpath, sizeof(libpath), err, sizeof(err)) < 0)
		die("%s", err);
	struct library *lib = library_open(libpath, &lo, err, sizeof(err));
	if (!lib)
		die("%s", err);
	if (library_check_key(lib, g.key.id, 1, err, sizeof(err)) < 0)
		die("%s", err);
	struct lib_leak old;
	int have = library_leak(lib, o->meta.name, &old, err, sizeof(err));
	if (have < 0)
		die("%s", err);
	if (have) {
		lib_leak_release(&old);
		if (!o->replace) {
			library_close(lib);
			die("leak '%s' is already in library '%s' (use --replace to replace it)",
			    o->meta.name, libpath);
		}
	}
	struct lib_txn *txn = library_begin(lib, err, sizeof(err));
	if (!txn)
		die("%s", err);

	/* a signal stops the ingest at the next record, or at once when a read waits for input */
	struct sigaction sa, old_int, old_term, old_hup;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	o->co.src.stop = &interrupted;

	struct hasher h = { .paths = paths, .npaths = npaths };
	h.hex = xcalloc((size_t)npaths, sizeof(*h.hex));
	h.size = xcalloc((size_t)npaths, sizeof(*h.size));
	if (pthread_create(&h.tid, NULL, hash_files, &h) != 0)
		die("cannot start a thread: %s", strerror(errno));

	struct schemas_opts so = { .region = o->region, .emit = ing_emit, .typed = ing_typed,
				   .forced = ing_forced, .ctx = &g };
	schemas_init(&g.ss, &so);

	unsigned nthreads = o->threads;
	if (!nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (unsigned)n : 1;
	}
	/*
	 * The workers hand their keys to the sort, each as a producer of its
	 * own (no lock); seven eighths of the budget go to the sort, the rest
	 * is batches, sketches, buffers.
	 */
	struct bsort_opts bo = { .memory = o->memory / 8 * 7, .tmpdir = o->tmpdir,
				 .producers = nthreads, .nsets = FACT_SETS };
	struct worker *w = xcalloc(nthreads, sizeof(*w));
	void **wctx = xcalloc(nthreads, sizeof(*wctx));
	g.w = w;
	g.nw = nthreads;
	if (!(g.bs = bsort_new(&bo, err, sizeof(err)))) {
		lib_txn_abort(txn);
		die("%s", err);
	}
	for (unsigned i = 0; i < nthreads; i++) {
		w[i].bs = g.bs;
		w[i].index = i;
		if (facts_init(&w[i].f, &g.key, o->region) < 0)
			die_usage("ingest", "unknown --region '%s'", o->region);
		profile_init(&w[i].prof, 0);
		w[i].f.seen = profile_seen;
		w[i].f.ctx = &w[i].prof;
		wctx[i] = &w[i];
	}
	g.pipe = pipe_new(nthreads, ing_work, wctx, ing_done, &g);

	struct walk_cb cb = { .ctx = &g, .begin = ing_begin, .record = ing_record, .end = ing_end };
	struct walk_totals t;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = walk_paths(&o->co, paths, npaths, &cb, &t);
	if (g.cur)
		pipe_submit(g.pipe, g.cur);
	pipe_free(g.pipe);
	pthread_join(h.tid, NULL);

	struct profile prof;
	profile_init(&prof, 0);
	uint64_t with_facts = 0;
	for (unsigned i = 0; i < nthreads; i++) {
		profile_merge(&prof, &w[i].prof);
		profile_release(&w[i].prof);
		facts_release(&w[i].f);
		with_facts += w[i].with_facts;
	}
	free(wctx);

	struct sets_out sets;
	memset(&sets, 0, sizeof(sets));
	int failed = interrupted != 0;
	if (interrupted)
		snprintf(err, sizeof(err), "interrupted");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!failed && write_sets(&g, lib_txn_dir(txn), &sets, err, sizeof(err)) < 0)
		failed = 1;
	clock_gettime(CLOCK_MONOTONIC, &t2);

	struct lib_profile p;
	memset(&p, 0, sizeof(p));
	p.leak = o->meta;
	p.sets = xcalloc(64, sizeof(*p.sets));
	size_t sets_alloc = 64;
	for (unsigned code = 0; code < FACT_SETS; code++) {
		if (!sets.w[code])
			continue;
		char e2[512];
		int64_t bytes = fpset_writer_close(sets.w[code], e2, sizeof(e2));
		if (bytes < 0 && !failed) {
			snprintf(err, sizeof(err), "%s", e2);
			failed = 1;
		}
		p.sets = xgrow(p.sets, &sets_alloc, p.nsets + 1, sizeof(*p.sets));
		struct lib_set *ls = &p.sets[p.nsets++];
		set_of(code, ls);
		ls->keys = sets.keys[code];
		ls->bytes = bytes > 0 ? (uint64_t)bytes : 0;
		ls->blocks = (ls->keys + FPSET_BLOCK_DEFAULT - 1) / FPSET_BLOCK_DEFAULT;
	}
	if (!failed && !t.parsed) {
		snprintf(err, sizeof(err), "no record could be read from the input%s", npaths > 1 ? "s" : "");
		failed = 1;
	}
	if (failed) {
		lib_txn_abort(txn);
		library_close(lib);
		die("ingest of '%s' abandoned, library unchanged: %s", o->meta.name, err);
	}

	p.leak.digest = XXH3_64bits_digest(sets.digest);
	XXH3_freeState(sets.digest);
	p.leak.records = t.parsed + t.rejected;
	p.leak.rejected = t.rejected;
	uint64_t distinct = sets.keys[FACT_SET(FACT_RECORD, 0, 0)];
	p.leak.duplicates = with_facts > distinct ? with_facts - distinct : 0;
	build_profile(&g, &prof, &p);
	for (size_t i = 0; i < p.nsources; i++) {
		int k = g.streams[i].path;
		if (k >= 0 && h.hex[k][0]) {
			memcpy(p.sources[i].sha256, h.hex[k], 65);
			p.sources[i].size = h.size[k];
		}
	}
	report_same(lib, &p, o->co.quiet);
	int c = lib_txn_commit(txn, &p, o->replace, err, sizeof(err));
	if (c != 0) {
		library_close(lib);
		die("ingest of '%s' abandoned, library unchanged: %s", o->meta.name, err);
	}

	uint64_t keys = 0, bytes = 0;
	for (size_t i = 0; i < p.nsets; i++) {
		keys += p.sets[i].keys;
		bytes += p.sets[i].bytes;
	}
	struct bsort_stats bst;
	bsort_stats(g.bs, &bst);
	if (o->json) {
		struct dynbuf b;
		struct jsonw jw;
		dynbuf_init(&b, 1u << 20);
		jsonw_init(&jw, &b);
		jsonw_obj_open(&jw);
		jsonw_key(&jw, "name");
		jsonw_str(&jw, p.leak.name);
		jsonw_key(&jw, "records");
		jsonw_u64(&jw, p.leak.records);
		jsonw_key(&jw, "rejected");
		jsonw_u64(&jw, p.leak.rejected);
		jsonw_key(&jw, "duplicates");
		jsonw_u64(&jw, p.leak.duplicates);
		jsonw_key(&jw, "sets");
		jsonw_u64(&jw, p.nsets);
		jsonw_key(&jw, "keys");
		jsonw_u64(&jw, keys);
		jsonw_key(&jw, "bytes");
		jsonw_u64(&jw, bytes);
		jsonw_key(&jw, "sort_keys");
		jsonw_u64(&jw, bst.pairs);
		jsonw_key(&jw, "spill_blocks");
		jsonw_u64(&jw, bst.spilled_blocks);
		jsonw_key(&jw, "spilled_bytes");
		jsonw_u64(&jw, bst.spilled_bytes);
		/* where the time went: reading (parse, type, fingerprint, sort runs), then writing the sets */
		jsonw_key(&jw, "read_seconds");
		jsonw_dbl(&jw, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		jsonw_key(&jw, "write_seconds");
		jsonw_dbl(&jw, (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9);
		jsonw_obj_close(&jw);
		printf("%s\n", dynbuf_str(&b));
		dynbuf_release(&b);
	} else if (!o->co.quiet) {
		char a[32], b2[32], c2[32], d[32], e[32];
		fprintf(stderr,
			"dumptrace: ingested '%s': %s records (%s rejected, %s duplicates), %zu sets, %s keys, %s\n",
			p.leak.name, fmt_count(p.leak.records, a), fmt_count(p.leak.rejected, b2),
			fmt_count(p.leak.duplicates, c2), p.nsets, fmt_count(keys, d),
			fmt_bytes(bytes, e));
	}

	/* the commit made these two; the other strings are the options' */
	if (p.leak.added_date != o->meta.added_date)
		free(p.leak.added_date);
	free(p.leak.dir);
	p.leak = (struct lib_leak){ 0 };
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	lib_profile_release(&p);
	profile_release(&prof);
	schemas_release(&g.ss);
	for (size_t i = 0; i < g.nstreams; i++) {
		free(g.streams[i].src.path);
		free(g.streams[i].src.format);
		free(g.streams[i].src.encoding);
	}
	free(g.streams);
	free(g.schema_stream);
	free(h.hex);
	free(h.size);
	for (unsigned i = 0; i < g.nw; i++)
		free(w[i].kv);
	bsort_free(g.bs);
	free(g.w);
	library_close(lib);
	fp_key_release(&g.key);
	return rc;
}

static void
help(void)
{
	printf("usage: dumptrace ingest --name NAME [OPTIONS] FILE...\n"
	       "\n"
	       "Adds a known leak to the library: its fingerprints (records, values,\n"
	       "associations), schema, counts and profile, never its personal data.\n"
	       "Several inputs (archives too) make one leak. The library is updated in one\n"
	       "step: interrupted at any moment, it stays as it was.\n"
	       "\n"
	       "Leak metadata (Have I Been Pwned's fields):\n"
	       "  --name NAME            the leak's name in the library (required)\n"
	       "  --title TEXT           a human title\n"
	       "  --domain DOMAIN        the breached site's domain\n"
	       "  --breach-date DATE     when it was breached (YYYY-MM-DD)\n"
	       "  --added-date DATE      when it became known (default: today)\n"
	       "  --description TEXT     a description\n"
	       "  --data-classes LIST    comma-separated (\"Email addresses,Phone numbers\")\n"
	       "  --pwn-count N          accounts affected (default: the records read)\n"
	       "  --verified, --fabricated, --spam-list   HIBP's flags\n"
	       "\n"
	       "  --library PATH         the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                         $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --replace              replace a leak of the same name (default: refuse)\n"
	       "  --no-wait              fail at once when another ingest holds the library\n"
	       "  --region CC            phone region for normalization (default KZ)\n"
	       "  --key-file FILE        fingerprint with a secret key (the whole library must)\n"
	       "  --memory SIZE          memory budget for sorting (default 1G); past it,\n"
	       "                         sorted runs spill to --tmpdir\n"
	       "  --tmpdir DIR           where spill runs go (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        worker threads (default: all cores)\n"
	       "  --json                 print the result as JSON\n"
	       "\n" COMMON_HELP);
}

static int
valid_date(const char *s)
{
	int y, m, d;
	char tail;
	return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
	       m <= 12 && d >= 1 && d <= 31;
}

/* "a,b,c" as a JSON array of strings. */
static char *
json_list(const char *list)
{
	struct dynbuf b;
	struct jsonw jw;
	char *copy = xstrdup(list), *save = NULL;
	dynbuf_init(&b, 1u << 20);
	jsonw_init(&jw, &b);
	jsonw_arr_open(&jw);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		size_t n = strlen(tok);
		while (n && tok[n - 1] == ' ')
			n--;
		if (n)
			jsonw_strn(&jw, tok, n);
	}
	jsonw_arr_close(&jw);
	char *out = xstrdup(dynbuf_str(&b));
	dynbuf_release(&b);
	free(copy);
	return out;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		WORK_LONG_OPTIONS,
		{ "name", required_argument, NULL, 'n' },
		{ "title", required_argument, NULL, 't' },
		{ "domain", required_argument, NULL, 'd' },
		{ "breach-date", required_argument, NULL, 'b' },
		{ "added-date", required_argument, NULL, 'a' },
		{ "description", required_argument, NULL, 'e' },
		{ "data-classes", required_argument, NULL, 'c' },
		{ "pwn-count", required_argument, NULL, 'p' },
		{ "verified", no_argument, NULL, 'V' },
		{ "fabricated", no_argument, NULL, 'F' },
		{ "spam-list", no_argument, NULL, 'S' },
		{ "library", required_argument, NULL, 'l' },
		{ "replace", no_argument, NULL, 'r' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ingest_opts o;
	int opt;
	char *classes = NULL;

	memset(&o, 0, sizeof(o));
	common_init(&o.co);
	o.meta.pwn_count = -1;
	o.memory = 1ull << 30;
	o.tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct work_opts work = { &o.region, &o.key_file, &o.tmpdir, &o.memory, &o.threads,
				  1 << 20 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
		if (common_option(&o.co, opt, optarg))
			continue;
		if (work_option(&work, "ingest", opt, optarg))
			continue;
		switch (opt) {
		case 'n':
			o.meta.name = optarg;
			break;
		case 't':
			o.meta.title = optarg;
			break;
		case 'd':
			o.meta.domain = optarg;
			break;
		case 'b':
		case 'a':
			if (!valid_date(optarg))
				die_usage("ingest", "bad date '%s' (YYYY-MM-DD)", optarg);
			*(opt == 'b' ? &o.meta.breach_date : &o.meta.added_date) = optarg;
			break;
		case 'e':
			o.meta.description = optarg;
			break;
		case 'c':
			free(classes);
			classes = json_list(optarg);
			o.meta.data_classes = classes;
			break;
		case 'p': {
			char *end;
			errno = 0;
			long long n = strtoll(optarg, &end, 10);
			if (errno || *end || n < 0)
				die_usage("ingest", "bad count '%s' for --pwn-count", optarg);
			o.meta.pwn_count = n;
			break;
		}
		case 'V':
			o.meta.is_verified = 1;
			break;
		case 'F':
			o.meta.is_fabricated = 1;
			break;
		case 'S':
			o.meta.is_spam_list = 1;
			break;
		case 'l':
			o.library = optarg;
			break;
		case 'r':
			o.replace = 1;
			break;
		case 'W':
			o.nowait = 1;
			break;
		case 'J':
			o.json = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("ingest", "bad option");
		}
	}
	if (!o.meta.name || !*o.meta.name)
		die_usage("ingest", "no --name given for the leak");
	if (strlen(o.meta.name) > 200 || strpbrk(o.meta.name, "\n\r\t"))
		die_usage("ingest", "bad leak name '%s' (at most 200 characters, no control characters)",
			  o.meta.name);
	if (optind >= argc)
		die_usage("ingest", "no input given (use - for standard input)");
	common_start(&o.co);
	int rc = run(&o, argv + optind, argc - optind);
	common_finish(&o.co);
	free(classes);
	return rc;
}
