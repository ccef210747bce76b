/*
 * The ingest engine: a leak's records into fingerprint sets, a profile and
 * one commit. See ingest.h for the pipeline and the contract.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <sodium.h>
#include <xxhash.h>

#include "core/facts.h"
#include "core/fmt.h"
#include "core/fpset.h"
#include "core/ingest.h"
#include "core/joins.h"
#include "core/kmv.h"
#include "core/norm.h"
#include "core/oprf.h"
#include "core/pii.h"
#include "core/pipe.h"
#include "core/profile.h"
#include "core/schema.h"
#include "core/status.h"
#include "core/xalloc.h"

/* One stream read: a source of the leak. */
struct stream {
	int path;  /* index into the paths */
	int fold;  /* the row of an input's members past SOURCES_PER_INPUT */
	struct lib_source src;
};

/*
 * Sources listed one by one per input; the members of an archive past
 * these make one row ("a.tar.gz:(299,900 more members)"), so that an
 * archive of 300,000 tiny files costs neither a row nor memory apiece.
 */
#define SOURCES_PER_INPUT 100

/* The SHA-256 of each input file, computed beside the parsing. */
struct hasher {
	pthread_t tid;
	volatile sig_atomic_t *stop;
	char **paths;
	int npaths;
	char (*hex)[65];
	uint64_t *size;
	char **err; /* per path, NULL when hashed */
};

struct ing {
	const struct ingest_opts *o;
	struct joins_decl *fks; /* the foreign keys the stream declares (ing_fk()) */
	size_t nfks, fks_alloc;
	struct joins_decl *all_fks; /* every input's, for joins_finish(): pg_dump declares them after the data */
	size_t nall_fks, all_fks_alloc;
	volatile sig_atomic_t *stop;
	struct schemas ss;
	struct pipe *pipe;
	struct batch *cur;
	struct worker *w;
	unsigned nw;
	struct bsort *bs;
	struct fp_key key;
	int private_lookup; /* the private sets are made, under priv_sk */
	unsigned char priv_sk[32];
	uint64_t seq;
	char **paths;
	int npaths;
	struct stream *streams;
	size_t nstreams, streams_alloc;
	size_t cur_stream; /* the stream (row) being read */
	int last_path;	     /* the input of the last one, and how many rows it has */
	size_t path_rows;
	int *schema_stream; /* per schema: its stream's index */
	size_t schema_alloc;
	/* the table shapes (table, column names and types) seen, each one profile: ing_shape() */
	struct shape_slot *shapes;
	size_t nshapes;
};

#define SHAPES_MAX 4096 /* profiles kept: the members of an archive share their shapes' */
#define SHAPE_SLOTS 8192 /* open addressing, at most half full */

struct shape_slot {
	uint64_t hash;
	int schema; /* the first schema of this shape, -1: free */
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
	struct joins_rows jr; /* its rows with keys, for the foreign keys */
};


/* Never set: the flag of an engine that cannot be stopped. */
static volatile sig_atomic_t never;

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
		while (!*h->stop && ((r = read(fd, buf, cap)) > 0 || (r < 0 && errno == EINTR)))
			if (r > 0) {
				sha256_update(&c, (size_t)r, buf);
				size += (uint64_t)r;
			}
		close(fd);
		if (r < 0 || *h->stop)
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
fks_clear(struct ing *g)
{
	for (size_t i = 0; i < g->nfks; i++)
		joins_decl_release(&g->fks[i]);
	g->nfks = 0;
}

#define FKS_MAX 4096	     /* declared foreign keys kept per input */
#define FKS_ALL_MAX 65536 /* ... and per leak */

/* A foreign key the reader found declared, for the tables typed after it (joins.h). */
static void
ing_fk(void *ctx, const char *table, const char *col, const char *ref_table, const char *ref_col)
{
	struct ing *g = ctx;
	if (g->nfks == FKS_MAX)
		return;
	if (g->nfks == g->fks_alloc)
		g->fks = xgrow(g->fks, &g->fks_alloc, g->nfks + 1, sizeof(*g->fks));
	joins_decl_init(&g->fks[g->nfks++], table, col, ref_table, ref_col);
	if (g->nall_fks == FKS_ALL_MAX)
		return;
	if (g->nall_fks == g->all_fks_alloc)
		g->all_fks = xgrow(g->all_fks, &g->all_fks_alloc, g->nall_fks + 1, sizeof(*g->all_fks));
	joins_decl_init(&g->all_fks[g->nall_fks++], table, col, ref_table, ref_col);
}

static void
ing_begin(void *ctx, struct source *src, struct reader *r)
{
	struct ing *g = ctx;
	struct source_info si;
	fks_clear(g); /* an input's keys are its own */
	r->on_fk = ing_fk;
	r->fk_ctx = g;
	source_info(src, &si);
	schemas_stream(&g->ss);
	int path = path_of(g, si.name);
	if (g->nstreams && path == g->last_path && g->path_rows >= SOURCES_PER_INPUT) {
		struct stream *f = &g->streams[g->nstreams - 1];
		if (!f->fold) {
			g->streams = xgrow(g->streams, &g->streams_alloc, g->nstreams + 1, sizeof(*g->streams));
			f = &g->streams[g->nstreams++];
			memset(f, 0, sizeof(*f));
			f->path = path;
			f->fold = 1;
			f->src.format = xstrdup(r->fmt->name);
			f->src.encoding = xstrdup(si.encoding);
		} else if (f->src.format && strcmp(f->src.format, r->fmt->name)) {
			free(f->src.format);
			f->src.format = xstrdup("mixed");
		}
		if (f->src.encoding && strcmp(f->src.encoding, si.encoding)) {
			free(f->src.encoding);
			f->src.encoding = xstrdup("mixed");
		}
		f->fold++;
		g->cur_stream = g->nstreams - 1;
		return;
	}
	if (path != g->last_path || !g->nstreams)
		g->path_rows = 0;
	g->last_path = path;
	g->path_rows++;
	g->streams = xgrow(g->streams, &g->streams_alloc, g->nstreams + 1, sizeof(*g->streams));
	struct stream *s = &g->streams[g->nstreams++];
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->src.path = xstrdup(si.name);
	s->src.format = xstrdup(r->fmt->name);
	s->src.encoding = xstrdup(si.encoding);
	g->cur_stream = g->nstreams - 1;
}

static void
ing_end(void *ctx, struct source *src, struct reader *r, int failed)
{
	struct ing *g = ctx;
	(void)failed;
	schemas_end_stream(&g->ss);
	struct stream *s = &g->streams[g->cur_stream];
	struct source_info si;
	source_info(src, &si);
	s->src.records += r->parsed + r->rejected;
	s->src.rejected += r->rejected;
	s->src.size += si.bytes_in; /* the file's own size replaces it when it is hashed */
}

static void
ing_emit(void *ctx, struct schema *s, const struct record *rec, uint64_t seq)
{
	struct ing *g = ctx;
	(void)seq;
	pipe_add(g->pipe, &g->cur, s->id, s, rec);
}

/* A schema's table and columns, as one hash. */
static uint64_t
shape_hash(const struct schema *s)
{
	XXH3_state_t *st = XXH3_createState();
	XXH3_64bits_reset(st);
	if (s->table)
		XXH3_64bits_update(st, s->table, strlen(s->table) + 1);
	XXH3_64bits_update(st, &s->ncols, sizeof(s->ncols));
	for (size_t c = 0; c < s->ncols; c++) {
		XXH3_64bits_update(st, s->names[c], s->name_len[c]);
		XXH3_64bits_update(st, &s->types[c], sizeof(s->types[c]));
	}
	uint64_t h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

static int
same_shape(const struct schema *a, const struct schema *b)
{
	if (a->ncols != b->ncols || !a->table != !b->table || (a->table && strcmp(a->table, b->table)))
		return 0;
	for (size_t c = 0; c < a->ncols; c++)
		if (a->types[c] != b->types[c] || a->name_len[c] != b->name_len[c] ||
		    memcmp(a->names[c], b->names[c], a->name_len[c]))
			return 0;
	return 1;
}

/*
 * The profile slot of a typed schema: that of the first schema of the same
 * table and columns (the 300,000 members of an archive, one profile), its
 * own for a new shape, none past SHAPES_MAX shapes (its records are still
 * fingerprinted and counted; its columns are not profiled).
 */
static void
ing_shape(struct ing *g, struct schema *s)
{
	if (!g->shapes) {
		g->shapes = xmalloc(SHAPE_SLOTS * sizeof(*g->shapes));
		for (size_t i = 0; i < SHAPE_SLOTS; i++)
			g->shapes[i].schema = -1;
	}
	uint64_t h = shape_hash(s);
	for (size_t i = h & (SHAPE_SLOTS - 1);; i = (i + 1) & (SHAPE_SLOTS - 1)) {
		struct shape_slot *x = &g->shapes[i];
		if (x->schema < 0) {
			if (g->nshapes >= SHAPES_MAX) {
				s->shape = -1;
				return;
			}
			x->hash = h;
			x->schema = s->id;
			g->nshapes++;
			s->shape = s->id;
			return;
		}
		if (x->hash == h && same_shape(g->ss.v[x->schema], s)) {
			s->shape = x->schema;
			return;
		}
	}
}

static void
ing_typed(void *ctx, struct schema *s)
{
	struct ing *g = ctx;
	ing_shape(g, s);
	g->schema_stream = xgrow(g->schema_stream, &g->schema_alloc, (size_t)s->id + 1,
				 sizeof(*g->schema_stream));
	g->schema_stream[s->id] = (int)g->cur_stream;
	s->user = joins_schema_new(s, g->fks, g->nfks); /* read by the workers, after this */
}

static enum dt_type
ing_forced(void *ctx, const char *name, size_t len)
{
	struct ing *g = ctx;
	return (enum dt_type)walk_forced_type(g->o->in, name, len);
}

static int
ing_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct ing *g = ctx;
	(void)r;
	if (*g->stop)
		return -1;
	if (bsort_failed(g->bs))
		return -1; /* a spill failed: no use reading on */
	schemas_record(&g->ss, rec, g->seq++);
	return 0;
}

/* The associations joins_finish() makes, into the sort as producer 0 (the workers are done). */
struct join_out {
	struct bsort *bs;
	uint64_t kv[2 * 4096];
	size_t n;
};

static int
join_flush(struct join_out *jo)
{
	int rc = jo->n ? bsort_add(jo->bs, 0, jo->kv, jo->n) : 0;
	jo->n = 0;
	return rc < 0 ? -1 : 0;
}

static int
join_emit(void *ctx, uint64_t key, unsigned set)
{
	struct join_out *jo = ctx;
	jo->kv[2 * jo->n] = key;
	jo->kv[2 * jo->n + 1] = set;
	if (++jo->n == 4096)
		return join_flush(jo) ? 1 : 0; /* 1: the sort's failure, not joins_finish()'s -1 */
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
		joins_row(&w->jr, s->user, s, &b->recs[r], &w->f);
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
	volatile sig_atomic_t *stop;
	struct fpset_writer *w[FACT_SETS_ALL];
	/* a sharded library's: each set as its parts (lib_txn_parts()), pw[code][shard] */
	const char *const *pdirs;
	const uint8_t *part_of;
	size_t nparts;
	struct fpset_writer **pw[FACT_SETS_ALL];
	uint64_t keys[FACT_SETS_ALL];
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
	ls->attr = lib_kind_has_attr(ls->kind) ? (enum dt_type)FACT_SET_ATTR(code) : DT_NONE;
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

/* A set's part for shard i: its writer, opened at its first use. NULL (so->err). */
static struct fpset_writer *
part_writer(struct sets_out *so, unsigned code, size_t i)
{
	char err[512];
	if (!so->pw[code])
		so->pw[code] = xcalloc(so->nparts, sizeof(*so->pw[code]));
	if (!so->pw[code][i]) {
		struct lib_set ls;
		char path[4096];
		set_of(code, &ls);
		snprintf(path, sizeof(path), "%s/%s", so->pdirs[i], ls.file);
		if (!(so->pw[code][i] = fpset_writer_open(path, 0, err, sizeof(err))))
			sets_fail(so, err);
	}
	return so->pw[code][i];
}

/* sets_emit() for a sharded library: each key into its shard's part. */
static int
parts_emit(struct sets_out *so, unsigned code, const uint64_t *keys, size_t n)
{
	char err[512];
	so->keys[code] += n;
	if (code == FACT_SET(FACT_RECORD, 0, 0))
		XXH3_64bits_update(so->digest, keys, n * sizeof(*keys));
	for (size_t i = 0; i < n;) {
		size_t part = so->part_of[keys[i] >> 56], e = i;
		while (e < n && so->part_of[keys[e] >> 56] == part)
			e++;
		struct fpset_writer *w = part_writer(so, code, part);
		if (!w)
			return -1;
		for (; i < e; i++)
			if (fpset_writer_add(w, keys[i]) < 0) {
				fpset_writer_close(w, err, sizeof(err)); /* it has the reason */
				so->pw[code][part] = NULL;
				return sets_fail(so, err);
			}
	}
	return 0;
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

	if (*so->stop)
		return sets_fail(so, "interrupted");
	if (so->nparts)
		return parts_emit(so, code, keys, n);
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
	so->stop = g->stop;
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
		struct stream *f = &g->streams[i];
		if (f->fold) {
			char c[32], row[4200];
			snprintf(row, sizeof(row), "%s:(%s more member%s)", f->path >= 0 ? g->paths[f->path] : "-",
				 fmt_count((uint64_t)f->fold - 1, c), f->fold - 1 == 1 ? "" : "s");
			f->src.path = xstrdup(row);
		}
		p->sources[i] = g->streams[i].src;
		memset(&g->streams[i].src, 0, sizeof(g->streams[i].src));
		char *safe = pii_path(p->sources[i].path); /* a member named <email>.csv */
		free(p->sources[i].path);
		p->sources[i].path = safe;
	}
	p->nsources = g->nstreams;

	size_t ncols = 0;
	for (size_t i = 0; i < g->ss.n; i++)
		if (g->ss.v[i]->shape == g->ss.v[i]->id)
			ncols += g->ss.v[i]->ncols;
	p->columns = xcalloc(ncols ? ncols : 1, sizeof(*p->columns));
	p->dates = xcalloc(ncols ? ncols : 1, sizeof(*p->dates));
	for (size_t i = 0; i < g->ss.n; i++) {
		struct schema *s = g->ss.v[i];
		if (!s->typed || s->shape != s->id)
			continue; /* one shape, one profile: under its first source */
		for (size_t c = 0; c < s->ncols; c++) {
			struct lib_column *lc = &p->columns[p->ncolumns++];
			struct profile_col *pc = profile_col(prof, s->id, c);
			lc->source = g->schema_stream[s->id];
			lc->table = s->table ? xstrdup(s->table) : NULL;
			lc->name = xstrdup(schema_name(s, c));
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
				 s->table ? "." : "", schema_name(s, c));
			for (size_t k = 0; k + 1 < p->ndates; k++)
				if (!strcmp(p->dates[k].column, name)) {
					size_t n = strlen(name);
					snprintf(name + n, sizeof(name) - n, " #%d", lc->source + 1);
					break;
				}
			d->column = xstrdup(name);
			/* months, not days: the oldest and youngest birth dates are a person's */
			ymd_str(pc->min, d->min);
			ymd_str(pc->max, d->max);
			d->min[7] = d->max[7] = 0;
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
	walk_say(ctx, "waiting for another writer of library '%s' to finish", path);
}

/* Notes: the same records as a known leak, or a file already ingested. */
static void
report_same(struct library *lib, struct lib_profile *p, const struct walk_opts *in)
{
	char err[512], **names;
	size_t n;
	if (in->quiet)
		return;
	if (library_same_content(lib, p->leak.digest, &names, &n, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], p->leak.name))
				walk_say(in, "note: '%s' has the same records as the known leak '%s'",
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
				walk_say(in, "note: '%s' was already ingested as part of '%s'", p->sources[s].path,
					 names[i]);
		lib_names_free(names, n);
	}
}

void
ingest_opts_init(struct ingest_opts *o, const struct walk_opts *in)
{
	memset(o, 0, sizeof(*o));
	o->meta.pwn_count = -1;
	o->memory = 1ull << 30;
	o->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	o->in = in;
}

static double
seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The key, the library open for writing, the leak's name free (or replaced), a transaction. */
static struct lib_txn *
ing_open(struct ing *g, struct library **libp, struct ingest_result *res)
{
	const struct ingest_opts *o = g->o;
	char err[1024];
	struct lib_open_opts lo = { .mode = LIB_WRITE, .create = 1, .nowait = o->nowait, .concurrent = o->concurrent,
				    .waiting = say_waiting, .ctx = (void *)o->in };
	struct library *lib;
	struct lib_leak old;

	*libp = NULL;
	if (library_locate(o->library, res->library, sizeof(res->library), err, sizeof(err)) < 0)
		goto fail;
	if (!(lib = library_open(res->library, &lo, err, sizeof(err))))
		goto fail;
	*libp = lib;
	if (library_key(lib, o->key_file, LIB_KEY_SET | (o->key_nostore ? LIB_KEY_NOSTORE : 0), &g->key,
			err, sizeof(err)) < 0)
		goto fail;
	int priv = o->private_lookup ? 1 : library_private_lookup(lib, err, sizeof(err));
	if (priv < 0)
		goto fail;
	if (priv) {
		unsigned char kb[FP_KEY_SIZE];
		if (library_key_bytes(lib, o->key_file, 0, kb, err, sizeof(err)) < 0)
			goto fail;
		oprf_key_from_library(kb, g->priv_sk);
		sodium_memzero(kb, sizeof(kb));
		g->private_lookup = 1;
	}
	int have = library_leak(lib, o->meta.name, &old, err, sizeof(err));
	if (have < 0)
		goto fail;
	if (have) {
		lib_leak_release(&old);
		if (!o->replace) {
			snprintf(res->err, sizeof(res->err),
				 "leak '%s' is already in library '%s' (use --replace to replace it)",
				 o->meta.name, res->library);
			return NULL;
		}
	}
	struct lib_txn *txn = library_begin(lib, err, sizeof(err));
	if (txn)
		return txn;
fail:
	snprintf(res->err, sizeof(res->err), "%s", err);
	return NULL;
}

/*
 * Reads every input through the workers into the sort, the files hashed
 * beside; the workers' profiles merged into prof (initialized by the
 * caller). 0, or -1 with the reason in err.
 */
static int
ing_read(struct ing *g, struct hasher *h, struct profile *prof, uint64_t *with_facts,
	 struct ingest_result *res, char *err, size_t errlen)
{
	const struct ingest_opts *o = g->o;
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
				 .producers = nthreads, .nsets = FACT_SETS_ALL };
	if (!(g->bs = bsort_new(&bo, err, errlen)))
		return -1;
	struct worker *w = g->w = xcalloc(nthreads, sizeof(*w));
	void **wctx = xcalloc(nthreads, sizeof(*wctx));
	g->nw = nthreads;
	for (unsigned i = 0; i < nthreads; i++) {
		w[i].bs = g->bs;
		w[i].index = i;
		if (facts_init(&w[i].f, &g->key, o->region) < 0) {
			snprintf(err, errlen, "unknown region '%s'", o->region);
			for (unsigned k = 0; k < i; k++) {
				facts_release(&w[k].f);
				profile_release(&w[k].prof);
			}
			free(wctx);
			return -1;
		}
		w[i].f.near_all = 1; /* a library: near keys under every anchor */
		w[i].jr.tmpdir = o->tmpdir;
		if (g->private_lookup)
			facts_private(&w[i].f, g->priv_sk);
		profile_init(&w[i].prof, 0);
		w[i].f.seen = profile_seen;
		w[i].f.ctx = &w[i].prof;
		wctx[i] = &w[i];
	}
	if (pthread_create(&h->tid, NULL, hash_files, h) != 0) {
		snprintf(err, errlen, "cannot start a thread: %s", strerror(errno));
		for (unsigned k = 0; k < nthreads; k++) {
			facts_release(&w[k].f);
			profile_release(&w[k].prof);
		}
		free(wctx);
		return -1;
	}
	struct schemas_opts so = { .region = o->region, .emit = ing_emit, .typed = ing_typed,
				   .forced = ing_forced, .share = 1, .ctx = g };
	schemas_init(&g->ss, &so);
	g->pipe = pipe_new(nthreads, ing_work, wctx, ing_done, g);

	struct walk_cb cb = { .ctx = g, .begin = ing_begin, .record = ing_record, .end = ing_end };
	walk_paths(o->in, g->paths, g->npaths, &cb, &res->walk);
	if (g->cur)
		pipe_submit(g->pipe, g->cur);
	pipe_free(g->pipe);
	pthread_join(h->tid, NULL);

	/* the foreign keys: associations across the tables, as a join would make them */
	struct joins_rows *jr = xcalloc(nthreads, sizeof(*jr));
	for (unsigned i = 0; i < nthreads; i++) {
		jr[i] = w[i].jr;
		memset(&w[i].jr, 0, sizeof(w[i].jr));
	}
	struct joins_schema **js = xcalloc(g->ss.n ? g->ss.n : 1, sizeof(*js));
	for (size_t i = 0; i < g->ss.n; i++)
		js[i] = g->ss.v[i]->user;
	struct join_out jo = { .bs = g->bs };
	struct joins_stats jst;
	/*
	 * The rows of referenced tables read back: half the budget. The sort
	 * holds at most KEEP_MAX (64 MiB) of blocks and its producers' stages
	 * now; its own share is taken at its finish, after these are freed.
	 */
	uint64_t jmem = o->memory / 2;
	int jrc = joins_finish(jr, nthreads, js, g->ss.n, g->all_fks, g->nall_fks, &g->key, jmem,
			       join_emit, &jo, &jst);
	free(js);
	free(jr);
	res->joined = jst.refs;
	res->joins_unindexed = jst.unindexed;
	if (jrc < 0)
		snprintf(err, errlen, "the rows kept for the foreign keys: a temporary file in '%s': %s",
			 o->tmpdir ? o->tmpdir : "/tmp", strerror(errno));
	else if (jrc == 0)
		join_flush(&jo); /* a failure is the sort's: bsort_failed() tells the writer */

	*with_facts = 0;
	for (unsigned i = 0; i < nthreads; i++) {
		profile_merge(prof, &w[i].prof);
		profile_release(&w[i].prof);
		facts_release(&w[i].f);
		*with_facts += w[i].with_facts;
	}
	free(wctx);
	return jrc < 0 ? -1 : 0;
}

/* Closes the sets' writers into p's set list; 0, or -1 with the first reason in err. */
static int
ing_close_sets(struct sets_out *sets, struct lib_profile *p, char *err, size_t errlen)
{
	size_t sets_alloc = 64;
	int rc = 0;
	p->sets = xcalloc(sets_alloc, sizeof(*p->sets));
	for (unsigned code = 0; code < FACT_SETS_ALL && sets->nparts; code++) {
		if (!sets->pw[code])
			continue;
		/* every part of a set, those with no key too; the commit counts them */
		uint64_t bytes = 0;
		for (size_t i = 0; i < sets->nparts; i++) {
			char e2[512];
			struct fpset_writer *w = sets->pw[code][i] ? sets->pw[code][i] : (err ? part_writer(sets, code, i) : NULL);
			int64_t b = w ? fpset_writer_close(w, e2, sizeof(e2)) : -1;
			sets->pw[code][i] = NULL;
			if (b < 0 && !rc && err) {
				snprintf(err, errlen, "%s", w ? e2 : sets->err);
				rc = -1;
			}
			bytes += b > 0 ? (uint64_t)b : 0;
		}
		free(sets->pw[code]);
		sets->pw[code] = NULL;
		p->sets = xgrow(p->sets, &sets_alloc, p->nsets + 1, sizeof(*p->sets));
		struct lib_set *ls = &p->sets[p->nsets++];
		set_of(code, ls);
		ls->keys = sets->keys[code];
		ls->bytes = bytes;
	}
	for (unsigned code = 0; code < FACT_SETS_ALL; code++) {
		if (!sets->w[code])
			continue;
		char e2[512];
		int64_t bytes = fpset_writer_close(sets->w[code], e2, sizeof(e2));
		if (bytes < 0 && !rc) {
			snprintf(err, errlen, "%s", e2);
			rc = -1;
		}
		p->sets = xgrow(p->sets, &sets_alloc, p->nsets + 1, sizeof(*p->sets));
		struct lib_set *ls = &p->sets[p->nsets++];
		set_of(code, ls);
		ls->keys = sets->keys[code];
		ls->bytes = bytes > 0 ? (uint64_t)bytes : 0;
		ls->blocks = (ls->keys + FPSET_BLOCK_DEFAULT - 1) / FPSET_BLOCK_DEFAULT;
	}
	return rc;
}

/* The leak's counts, profile and sources' hashes, then the commit; 0 or -1 (err). */
static int
ing_commit(struct ing *g, struct lib_txn *txn, struct library *lib, struct sets_out *sets,
	   struct lib_profile *p, struct profile *prof, const struct hasher *h, uint64_t with_facts,
	   struct ingest_result *res, char *err, size_t errlen)
{
	const struct ingest_opts *o = g->o;
	p->leak.digest = XXH3_64bits_digest(sets->digest);
	p->leak.records = res->walk.parsed + res->walk.rejected;
	p->leak.rejected = res->walk.rejected;
	uint64_t distinct = sets->keys[FACT_SET(FACT_RECORD, 0, 0)];
	p->leak.duplicates = with_facts > distinct ? with_facts - distinct : 0;
	build_profile(g, prof, p);
	for (size_t i = 0; i < p->nsources; i++) {
		int k = g->streams[i].path;
		if (k >= 0 && h->hex[k][0]) {
			memcpy(p->sources[i].sha256, h->hex[k], 65);
			p->sources[i].size = h->size[k];
		}
	}
	report_same(lib, p, o->in);
	if (lib_txn_commit(txn, p, o->replace, err, errlen) != 0)
		return -1;
	/* after the commit: a failed ingest leaves the library as it was */
	if (o->private_lookup && library_set_private_lookup(lib, err, errlen) < 0)
		return -1;
	res->private_lookup = g->private_lookup;
	res->records = p->leak.records;
	res->rejected = p->leak.rejected;
	res->duplicates = p->leak.duplicates;
	res->sets = p->nsets;
	for (size_t i = 0; i < p->nsets; i++) {
		res->keys += p->sets[i].keys;
		res->bytes += p->sets[i].bytes;
	}
	bsort_stats(g->bs, &res->sort);
	/* the commit made these two; the other strings are the options' */
	if (p->leak.added_date != o->meta.added_date)
		free(p->leak.added_date);
	free(p->leak.dir);
	p->leak = (struct lib_leak){ 0 };
	return 0;
}

static void
ing_release(struct ing *g, struct hasher *h)
{
	for (size_t i = 0; i < g->ss.n; i++) {
		joins_schema_free(g->ss.v[i]->user);
		g->ss.v[i]->user = NULL;
	}
	schemas_release(&g->ss);
	for (size_t i = 0; i < g->nstreams; i++) {
		free(g->streams[i].src.path);
		free(g->streams[i].src.format);
		free(g->streams[i].src.encoding);
	}
	free(g->streams);
	free(g->schema_stream);
	free(g->shapes);
	fks_clear(g);
	free(g->fks);
	for (size_t i = 0; i < g->nall_fks; i++)
		joins_decl_release(&g->all_fks[i]);
	free(g->all_fks);
	free(h->hex);
	free(h->size);
	for (unsigned i = 0; i < g->nw; i++) {
		free(g->w[i].kv);
		joins_rows_release(&g->w[i].jr);
	}
	if (g->bs)
		bsort_free(g->bs);
	free(g->w);
	fp_key_release(&g->key);
	sodium_memzero(g->priv_sk, sizeof(g->priv_sk));
}

int
ingest_run(const struct ingest_opts *o, char **paths, int npaths, struct ingest_result *res)
{
	char err[1024] = "";
	struct ing g;
	struct library *lib;
	struct profile prof;
	struct lib_profile p;
	struct sets_out sets;
	struct timespec t0, t1, t2;
	uint64_t with_facts = 0;

	memset(res, 0, sizeof(*res));
	memset(&g, 0, sizeof(g));
	memset(&p, 0, sizeof(p));
	memset(&sets, 0, sizeof(sets));
	g.o = o;
	g.stop = o->stop ? o->stop : &never;
	g.paths = paths;
	g.npaths = npaths;
	struct hasher h = { .stop = g.stop, .paths = paths, .npaths = npaths };
	h.hex = xcalloc((size_t)npaths, sizeof(*h.hex));
	h.size = xcalloc((size_t)npaths, sizeof(*h.size));

	struct lib_txn *txn = ing_open(&g, &lib, res);
	if (!txn) {
		if (lib)
			library_close(lib);
		ing_release(&g, &h);
		return DT_FATAL;
	}
	profile_init(&prof, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int failed = ing_read(&g, &h, &prof, &with_facts, res, err, sizeof(err)) < 0;
	if (!failed && *g.stop) {
		snprintf(err, sizeof(err), "interrupted");
		failed = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	size_t np = failed ? 0 : lib_txn_parts(txn, &sets.pdirs, &sets.part_of, err, sizeof(err));
	if (np == (size_t)-1)
		failed = 1;
	else
		sets.nparts = np;
	if (!failed && write_sets(&g, lib_txn_dir(txn), &sets, err, sizeof(err)) < 0)
		failed = 1;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	res->read_seconds = seconds(&t0, &t1);
	res->write_seconds = seconds(&t1, &t2);
	p.leak = o->meta;
	if (ing_close_sets(&sets, &p, failed ? NULL : err, failed ? 0 : sizeof(err)) < 0)
		failed = 1;
	if (!failed && !res->walk.parsed) {
		snprintf(err, sizeof(err), "no record could be read from the input%s", npaths > 1 ? "s" : "");
		failed = 1;
	}
	if (failed)
		lib_txn_abort(txn);
	else if (ing_commit(&g, txn, lib, &sets, &p, &prof, &h, with_facts, res, err, sizeof(err)) < 0)
		failed = 1;
	if (failed)
		snprintf(res->err, sizeof(res->err), "ingest of '%s' abandoned, library unchanged: %s",
			 o->meta.name, err);
	if (sets.digest)
		XXH3_freeState(sets.digest);
	profile_release(&prof);
	if (failed)
		p.leak = (struct lib_leak){ 0 }; /* the options' strings */
	lib_profile_release(&p);
	library_close(lib);
	ing_release(&g, &h);
	return failed ? DT_FATAL : DT_OK;
}
