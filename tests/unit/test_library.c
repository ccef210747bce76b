/*
 * The known-leak library: create and open, locate, commit and read back a
 * whole profile, replace and remove, lookup, verify (and what it says of a
 * corrupt block, leftovers and a hostile catalog), the locks, and commits
 * killed at each step (the DUMPTRACE_LIB_CRASH_AT hook, and SIGKILL at
 * random instants).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/dynbuf.h"
#include "core/fpset.h"
#include "core/kmv.h"
#include "core/keys.h"
#include "core/library.h"
#include "core/xalloc.h"
#include "core/xsort.h"
#include "tests/unit/tap.h"

static char root[64], libdir[128];
static char err[1024];

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* n distinct random keys, ascending. */
static uint64_t *
make_keys(size_t n, uint64_t seed)
{
	uint64_t *k = xmalloc(n * sizeof(*k)), *t = xmalloc(n * sizeof(*k));
	for (size_t i = 0; i < n; i++)
		k[i] = mix(seed * 0x100000000ull + i);
	xsort_radix(k, t, n);
	free(t);
	return k;
}

static struct library *
open_lib(enum lib_mode mode, int create, int nowait)
{
	struct lib_open_opts o = { .mode = mode, .create = create, .nowait = nowait };
	struct library *lib = library_open(libdir, &o, err, sizeof(err));
	if (!lib)
		printf("# %s\n", err);
	return lib;
}

/* Writes a set of the given keys into the staging directory and lists it in p. */
static void
put_set(struct lib_txn *t, struct lib_profile *p, enum lib_kind k, enum dt_type ty, enum dt_type at,
        const uint64_t *keys, size_t n)
{
	char path[512];
	struct lib_set *s = &p->sets[p->nsets++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->type = ty;
	s->attr = at;
	lib_set_file(s);
	snprintf(path, sizeof(path), "%s/%s", lib_txn_dir(t), s->file);
	struct fpset_writer *w = fpset_writer_open(path, 64, err, sizeof(err));
	for (size_t i = 0; i < n; i++)
		fpset_writer_add(w, keys[i]);
	if (fpset_writer_close(w, err, sizeof(err)) < 0)
		printf("# %s\n", err);
}

static struct lib_count
count(const char *k, uint64_t n)
{
	return (struct lib_count){xstrdup(k), n};
}

/* A profile with every field given; its sets are written by the caller. */
static void
make_profile(struct lib_profile *p, const char *name, uint64_t digest)
{
	struct kmv k;
	struct dynbuf b;

	memset(p, 0, sizeof(*p));
	p->leak.name = xstrdup(name);
	p->leak.title = xstrdup("Voters 2019");
	p->leak.domain = xstrdup("example.kz");
	p->leak.breach_date = xstrdup("2019-03-01");
	p->leak.description = xstrdup("A \"voters\" list");
	p->leak.data_classes = xstrdup("[\"Email addresses\",\"Phone numbers\"]");
	p->leak.pwn_count = -1;
	p->leak.is_verified = 1;
	p->leak.is_spam_list = 1;
	p->leak.records = 1000;
	p->leak.rejected = 3;
	p->leak.duplicates = 7;
	p->leak.digest = digest;
	p->nsources = 2;
	p->sources = xcalloc(2, sizeof(*p->sources));
	p->sources[0].path = xstrdup("voters.zip:a.csv");
	p->sources[0].size = 12345;
	memset(p->sources[0].sha256, 'a', 64);
	p->sources[0].format = xstrdup("csv");
	p->sources[0].encoding = xstrdup("cp1251");
	p->sources[0].records = 600;
	p->sources[0].rejected = 1;
	p->sources[1].path = xstrdup("-");
	p->sources[1].format = xstrdup("sql");
	p->sources[1].table = xstrdup("users");
	p->sources[1].records = 400;
	p->sources[1].rejected = 2;
	p->ncolumns = 2;
	p->columns = xcalloc(2, sizeof(*p->columns));
	p->columns[0].name = xstrdup("email");
	p->columns[0].type = DT_EMAIL;
	p->columns[0].validation_rate = 0.75;
	p->columns[0].values = 590;
	p->columns[0].distinct = 580.5;
	kmv_init(&k, 1024);
	for (int i = 0; i < 5000; i++)
		kmv_add(&k, mix((uint64_t)i));
	dynbuf_init(&b, 1 << 20);
	kmv_serialize(&k, &b);
	p->columns[0].sketch = xmalloc(b.len);
	memcpy(p->columns[0].sketch, b.buf, b.len);
	p->columns[0].sketch_len = b.len;
	dynbuf_release(&b);
	kmv_release(&k);
	p->columns[1].source = 1;
	p->columns[1].table = xstrdup("users");
	p->columns[1].name = xstrdup("phone");
	p->columns[1].position = 4;
	p->columns[1].type = DT_PHONE;
	p->columns[1].validation_rate = 1;
	p->columns[1].values = 400;
	p->columns[1].distinct = 399;
	p->sets = xcalloc(8, sizeof(*p->sets));
	p->ndates = 1;
	p->dates = xcalloc(1, sizeof(*p->dates));
	p->dates[0].column = xstrdup("birth");
	strcpy(p->dates[0].min, "1950-01-02");
	strcpy(p->dates[0].max, "2001-12-31");
	p->dates[0].count = 900;
	p->dates[0].nmonths = 2;
	p->dates[0].months = xcalloc(2, sizeof(struct lib_count));
	p->dates[0].months[0] = count("1950-01", 1);
	p->dates[0].months[1] = count("2001-12", 899);
	p->nbirth_years = 2;
	p->birth_years = xcalloc(2, sizeof(struct lib_count));
	p->birth_years[0] = count("1950", 10);
	p->birth_years[1] = count("1982", 20);
	p->ndomains = 2;
	p->domains = xcalloc(2, sizeof(struct lib_count));
	p->domains[0] = count("mail.ru", 500);
	p->domains[1] = count("gmail.com", 100);
}

/* Compares a profile read back with the one committed. */
static int
same_profile(const struct lib_profile *a, const struct lib_profile *b)
{
#define S(x, y) ((x) == NULL ? (y) == NULL : (y) != NULL && !strcmp((x), (y)))
	int g = 1;
	const struct lib_leak *x = &a->leak, *y = &b->leak;
	g &= x->id == y->id && S(x->name, y->name) && S(x->title, y->title) &&
	     S(x->domain, y->domain) && S(x->breach_date, y->breach_date) &&
	     S(x->added_date, y->added_date) && S(x->description, y->description) &&
	     S(x->data_classes, y->data_classes) && x->is_verified == y->is_verified &&
	     x->is_fabricated == y->is_fabricated && x->is_spam_list == y->is_spam_list &&
	     x->records == y->records && x->rejected == y->rejected &&
	     x->duplicates == y->duplicates && x->digest == y->digest && x->bytes == y->bytes &&
	     S(x->dir, y->dir);
	if (!g)
		printf("# leak fields differ\n");
	g &= a->nsources == b->nsources && a->ncolumns == b->ncolumns && a->nsets == b->nsets &&
	     a->ndates == b->ndates && a->nbirth_years == b->nbirth_years &&
	     a->ndomains == b->ndomains;
	if (!g)
		return 0;
	for (size_t i = 0; i < a->nsources; i++) {
		const struct lib_source *s = &a->sources[i], *t = &b->sources[i];
		g &= S(s->path, t->path) && s->size == t->size && !strcmp(s->sha256, t->sha256) &&
		     S(s->format, t->format) && S(s->encoding, t->encoding) &&
		     S(s->table, t->table) && s->records == t->records &&
		     s->rejected == t->rejected;
	}
	for (size_t i = 0; i < a->ncolumns; i++) {
		const struct lib_column *s = &a->columns[i], *t = &b->columns[i];
		g &= s->source == t->source && S(s->table, t->table) && S(s->name, t->name) &&
		     s->position == t->position && s->type == t->type &&
		     s->validation_rate == t->validation_rate && s->values == t->values &&
		     s->distinct == t->distinct && s->sketch_len == t->sketch_len &&
		     (!s->sketch_len || !memcmp(s->sketch, t->sketch, s->sketch_len));
	}
	for (size_t i = 0; i < a->nsets; i++) {
		const struct lib_set *s = &a->sets[i], *t = &b->sets[i];
		g &= s->kind == t->kind && s->type == t->type && s->attr == t->attr &&
		     !strcmp(s->file, t->file) && s->keys == t->keys && s->bytes == t->bytes &&
		     s->blocks == t->blocks;
	}
	for (size_t i = 0; i < a->ndates; i++) {
		const struct lib_dates *s = &a->dates[i], *t = &b->dates[i];
		g &= S(s->column, t->column) && !strcmp(s->min, t->min) &&
		     !strcmp(s->max, t->max) && s->count == t->count && s->nmonths == t->nmonths;
		for (size_t j = 0; g && j < s->nmonths; j++)
			g &= S(s->months[j].key, t->months[j].key) &&
			     s->months[j].n == t->months[j].n;
	}
	for (size_t i = 0; i < a->nbirth_years; i++)
		g &= S(a->birth_years[i].key, b->birth_years[i].key) &&
		     a->birth_years[i].n == b->birth_years[i].n;
	for (size_t i = 0; i < a->ndomains; i++)
		g &= S(a->domains[i].key, b->domains[i].key) && a->domains[i].n == b->domains[i].n;
	return g;
#undef S
}

/* What report() was told. */
struct reports {
	int problems, notes;
	char text[8192];
};

static void
on_report(void *ctx, int severity, const char *leak, const char *msg)
{
	struct reports *r = ctx;
	size_t len = strlen(r->text);
	if (severity >= 2)
		r->problems++;
	else
		r->notes++;
	snprintf(r->text + len, sizeof(r->text) - len, "%d %s: %s\n", severity, leak ? leak : "-",
	         msg);
	printf("# report %d %s: %s\n", severity, leak ? leak : "-", msg);
}

static void
on_found(void *ctx, const struct lib_leak *leak)
{
	struct reports *r = ctx;
	size_t len = strlen(r->text);
	snprintf(r->text + len, sizeof(r->text) - len, "found %s\n", leak->name);
}

static int
verify(struct library *lib, struct reports *r)
{
	memset(r, 0, sizeof(*r));
	int n = library_verify(lib, on_report, r, err, sizeof(err));
	if (n < 0)
		printf("# verify: %s\n", err);
	return n;
}

static int
exists(const char *fmt_, const char *a)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), fmt_, libdir, a);
	return stat(p, &st) == 0;
}

static uint64_t *ekeys, *akeys; /* voters' e-mails; alpha's, one of them in voters' block 3 */

/* Ingests a leak named name (voters-like sets from seed); returns the commit's result. */
static int
ingest(struct library *lib, const char *name, uint64_t seed, int replace, struct lib_profile *p)
{
	struct lib_txn *t = library_begin(lib, err, sizeof(err));
	memset(p, 0, sizeof(*p));
	if (!t) {
		printf("# %s\n", err);
		return -1;
	}
	make_profile(p, name, seed);
	uint64_t *r = make_keys(500, seed + 10), *ph = make_keys(300, seed + 20);
	put_set(t, p, LIB_RECORD, DT_NONE, DT_NONE, r, 500);
	put_set(t, p, LIB_VALUE, DT_EMAIL, DT_NONE, seed == 1 ? ekeys : akeys,
	        seed == 1 ? 1000 : 3);
	put_set(t, p, LIB_VALUE, DT_PHONE, DT_NONE, ph, 300);
	put_set(t, p, LIB_ASSOC, DT_EMAIL, DT_PHONE, r, 200);
	free(r);
	free(ph);
	int rc = lib_txn_commit(t, p, replace, err, sizeof(err));
	if (rc)
		printf("# commit: %s\n", err);
	return rc;
}

static void
test_locate(void)
{
	char out[256];
	unsetenv("DUMPTRACE_LIBRARY");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/u", 1);
	ok(library_locate(NULL, out, sizeof(out), err, sizeof(err)) == 0 &&
	       !strcmp(out, "/home/u/.local/share/dumptrace/library"),
	   "locate: HOME");
	setenv("XDG_DATA_HOME", "/x", 1);
	ok(library_locate(NULL, out, sizeof(out), err, sizeof(err)) == 0 &&
	       !strcmp(out, "/x/dumptrace/library"),
	   "locate: XDG_DATA_HOME");
	setenv("DUMPTRACE_LIBRARY", "rel/lib", 1);
	ok(library_locate(NULL, out, sizeof(out), err, sizeof(err)) == 0 && !strcmp(out, "rel/lib"),
	   "locate: DUMPTRACE_LIBRARY, relative");
	ok(library_locate("opt", out, sizeof(out), err, sizeof(err)) == 0 && !strcmp(out, "opt"),
	   "locate: --library wins");
	ok(library_locate("0123456789", out, 8, err, sizeof(err)) < 0, "locate: too long: %s", err);
	unsetenv("DUMPTRACE_LIBRARY");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	ok(library_locate(NULL, out, sizeof(out), err, sizeof(err)) < 0 && strstr(err, "HOME"),
	   "locate: no HOME: %s", err);
}

static void
flip_block(const char *leakdir, const char *file, uint64_t block)
{
	char p[512];
	uint8_t b[32], c;
	snprintf(p, sizeof(p), "%s/sets/%s/%s", libdir, leakdir, file);
	int fd = open(p, O_RDWR);
	uint64_t idx = 0, off = 0;
	uint32_t size = 0;
	if (pread(fd, b, 8, 40) == 8)
		memcpy(&idx, b, 8); /* little-endian hosts only, as the test machines are */
	if (pread(fd, b, 32, (off_t)(idx + 32 * block)) == 32) {
		memcpy(&off, b + 8, 8);
		memcpy(&size, b + 16, 4);
	}
	if (pread(fd, &c, 1, (off_t)(off + size / 2)) == 1) {
		c ^= 0x10;
		if (pwrite(fd, &c, 1, (off_t)(off + size / 2)) != 1)
			printf("# cannot write\n");
	}
	close(fd);
}

/* Runs sql on the catalog behind the library's back (a hand-edited catalog). */
static void
edit(const char *sql)
{
	char p[512];
	sqlite3 *db;
	snprintf(p, sizeof(p), "%s/catalog.db", libdir);
	sqlite3_open(p, &db);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		printf("# edit: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void
test_hostile(void)
{
	static const char *const bad[][2] = {
	    {"UPDATE sets SET kind = 'bogus' WHERE file = 'record.fps'",
	     "UPDATE sets SET kind = 'record' WHERE file = 'record.fps'"},
	    {"UPDATE sets SET file = '../x' WHERE file = 'record.fps'",
	     "UPDATE sets SET file = 'record.fps' WHERE file = '../x'"},
	    {"UPDATE sets SET keys = -5 WHERE file = 'record.fps'",
	     "UPDATE sets SET keys = 500 WHERE file = 'record.fps'"},
	    {"UPDATE sets SET type = 'bogus' WHERE file = 'value-email.fps'",
	     "UPDATE sets SET type = 'email' WHERE file = 'value-email.fps'"},
	    {"UPDATE leaks SET dir = '../../etc' WHERE name = 'alpha'",
	     "UPDATE leaks SET dir = (SELECT value FROM meta WHERE key = 'alpha_dir')"
	     " WHERE name = 'alpha'"},
	    {"UPDATE leaks SET records = -1 WHERE name = 'alpha'",
	     "UPDATE leaks SET records = 1000 WHERE name = 'alpha'"},
	    {"UPDATE columns SET sketch = x'0102' WHERE name = 'email'",
	     "UPDATE columns SET sketch = (SELECT value FROM meta WHERE key = 'sketch')"
	     " WHERE name = 'email'"},
	    {"UPDATE columns SET type = 'bogus', \"values\" = 'x' WHERE name = 'phone'",
	     "UPDATE columns SET type = 'phone', \"values\" = 400 WHERE name = 'phone'"},
	    {"UPDATE email_domains SET count = -3", "UPDATE email_domains SET count = 3"},
	};
	struct reports r;
	struct lib_profile p;
	struct lib_leak *leaks;
	size_t n;

	/* the edits change the catalog's digest: the catalog as it was comes back after them */
	char keep[1200];
	snprintf(keep, sizeof(keep), "cp '%s/catalog.db' '%s/catalog.keep'", libdir, libdir);
	if (system(keep) != 0)
		printf("# cannot keep the catalog\n");
	edit("INSERT INTO meta SELECT 'alpha_dir', dir FROM leaks WHERE name = 'alpha'");
	edit("INSERT INTO meta SELECT 'sketch', sketch FROM columns WHERE name = 'email' LIMIT 1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		edit(bad[i][0]);
		struct library *lib = open_lib(LIB_READ, 0, 0);
		int v = lib ? verify(lib, &r) : -2;
		ok(v >= 1, "hostile catalog (%s): verify finds %d problem(s)", bad[i][0], v);
		int a = lib ? library_profile(lib, "alpha", &p, err, sizeof(err)) : -2;
		if (a == 1)
			lib_profile_release(&p);
		int l = lib ? library_leaks(lib, &leaks, &n, err, sizeof(err)) : -2;
		if (l == 0)
			lib_leaks_free(leaks, n);
		int problems = 0;
		int lk = lib ? library_lookup(lib, DT_EMAIL, akeys[0], on_found, on_report, &r,
		                              &problems, err, sizeof(err))
		             : -2;
		ok(a == -1 || l == -1 || lk >= 0, "... profile %d, leaks %d, lookup %d: %s", a, l,
		   lk, err);
		library_close(lib);
		if (bad[i][1])
			edit(bad[i][1]);
	}
	edit("DELETE FROM meta WHERE key IN ('alpha_dir', 'sketch')");
	snprintf(keep, sizeof(keep), "mv '%s/catalog.keep' '%s/catalog.db'", libdir, libdir);
	if (system(keep) != 0)
		printf("# cannot restore the catalog\n");
}

/* Holds the writer lock in a child for a while; returns its pid. */
static pid_t
hold_writer(int seconds)
{
	int pfd[2];
	char c;
	if (pipe(pfd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		struct library *lib = open_lib(LIB_WRITE, 0, 0);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		sleep((unsigned)seconds);
		library_close(lib);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		printf("# child failed\n");
	close(pfd[0]);
	return pid;
}

static int waited;

static void
on_wait(void *ctx, const char *path)
{
	waited++;
}

static void
test_locks(void)
{
	pid_t pid = hold_writer(1);
	struct lib_open_opts o = { .mode = LIB_WRITE, .nowait = 1, .waiting = on_wait };
	struct library *lib = library_open(libdir, &o, err, sizeof(err));
	ok(!lib && strstr(err, "is locked by another writer"), "nowait: %s", err);
	o.nowait = 0;
	lib = library_open(libdir, &o, err, sizeof(err));
	ok(lib && waited == 1, "waits for the writer, telling once (%d)", waited);
	library_close(lib);
	waitpid(pid, NULL, 0);

	/* in one process: flock locks are per open file description */
	lib = open_lib(LIB_WRITE, 0, 0);
	struct library *l2 = open_lib(LIB_WRITE, 0, 1);
	ok(lib && !l2, "a second writer in the same process is refused");
	struct library *rd = open_lib(LIB_READ, 0, 0);
	ok(rd != NULL, "a reader opens while a writer holds the library");
	library_close(rd);
	library_close(lib);
}

/* Children commit a leak "crash", dying at step n (the hook) or killed at random. */
static void
test_crash(void)
{
	struct reports r;
	struct lib_leak l;

	for (int step = 1; step <= 4; step++) {
		pid_t pid = fork();
		if (pid == 0) {
			char s[16];
			struct lib_profile p;
			snprintf(s, sizeof(s), "%d", step);
			setenv("DUMPTRACE_LIB_CRASH_AT", s, 1);
			struct library *lib = open_lib(LIB_WRITE, 0, 0);
			ingest(lib, "crash", 2, 1, &p);
			_exit(0);
		}
		int status = 0;
		waitpid(pid, &status, 0);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 99, "crash at step %d: died there",
		   step);
		struct library *lib = open_lib(LIB_READ, 0, 0);
		int v = lib ? verify(lib, &r) : -1;
		int found = lib ? library_leak(lib, "crash", &l, err, sizeof(err)) : -1;
		lib_leak_release(&l);
		ok(v == 0, "crash at step %d: verify finds no problem (%d notes)", step, r.notes);
		is_int(found, step == 4 ? 1 : 0, "crash at step %d: the leak is %s", step,
		       step == 4 ? "in" : "not in");
		library_close(lib);
		lib = open_lib(LIB_WRITE, 0, 0); /* cleans up */
		if (lib && step == 4)
			library_remove(lib, "crash", err, sizeof(err));
		library_close(lib);
	}

	/*
	 * A writer dead with pages of its transaction already in the catalog
	 * (a small cache spills): the journal is hot, and a reader, which
	 * opens the catalog read-only, must still read the library as it was.
	 */
	pid_t pid = fork();
	if (pid == 0) {
		char path[512];
		sqlite3 *db;
		snprintf(path, sizeof(path), "%s/catalog.db", libdir);
		sqlite3_open(path, &db);
		sqlite3_exec(
		    db,
		    "PRAGMA cache_size = 2; BEGIN; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL"
		    " SELECT x + 1 FROM c WHERE x < 20000) INSERT INTO email_domains SELECT"
		    " l.id, 'd' || x, x FROM leaks l, c; UPDATE leaks SET title = 'x'",
		    NULL, NULL, NULL);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	ok(exists("%s/%s", "catalog.db-journal"), "a hot journal is left");
	struct library *lib = open_lib(LIB_READ, 0, 0);
	struct lib_leak l2;
	ok(lib && library_leak(lib, "alpha", &l2, err, sizeof(err)) == 1 &&
	       !strcmp(l2.title, "Voters 2019"),
	   "a reader rolls it back");
	lib_leak_release(&l2);
	is_int(lib ? verify(lib, &r) : -1, 0, "... and finds no problem");
	library_close(lib);

	/* SIGKILL at random instants of replace-commits */
	int bad = 0, tries = 40, present = 0;
	srand(7);
	for (int i = 0; i < tries; i++) {
		pid_t kid = fork();
		if (kid == 0) {
			struct lib_profile p;
			struct library *w = open_lib(LIB_WRITE, 0, 0);
			for (int j = 0; j < 50; j++) {
				ingest(w, "crash", 2, 1, &p);
				lib_profile_release(&p);
			}
			library_close(w);
			_exit(0);
		}
		usleep((useconds_t)(rand() % 80000));
		kill(kid, SIGKILL);
		waitpid(kid, NULL, 0);
		lib = open_lib(LIB_READ, 0, 0);
		int v = lib ? verify(lib, &r) : -1;
		if (v != 0) {
			bad++;
			printf("# kill %d: %d problems\n%s", i, v, r.text);
		}
		present += lib && library_leak(lib, "crash", &l2, err, sizeof(err)) == 1;
		lib_leak_release(&l2);
		library_close(lib);
	}
	printf("# the leak was there after %d kills of %d\n", present, tries);
	ok(bad == 0, "killed at %d random instants: the library is never broken", tries);
	lib = open_lib(LIB_WRITE, 0, 0);
	if (lib)
		library_remove(lib, "crash", err, sizeof(err));
	library_close(lib);
}

int
main(void)
{
	struct lib_profile p, q, a;
	struct reports r;
	struct lib_leak *leaks;
	size_t n;
	char **names;

	strcpy(root, "/tmp/dt-libtest-XXXXXX");
	if (!mkdtemp(root))
		return 1;
	snprintf(libdir, sizeof(libdir), "%s/a/b/lib", root);
	char keydir[128], otherkey[160];
	snprintf(keydir, sizeof(keydir), "%s/keys", root);
	snprintf(otherkey, sizeof(otherkey), "%s/other.key", root);
	ekeys = make_keys(1000, 1);
	akeys = xmalloc(3 * sizeof(*akeys));
	akeys[0] = ekeys[3 * 64 + 5]; /* in voters' block 3 */
	akeys[1] = ekeys[999] + 1;
	akeys[2] = ekeys[999] + 2;

	test_locate();

	struct library *lib = open_lib(LIB_READ, 0, 0);
	ok(!lib && errno == ENOENT && strstr(err, "no library at"), "no library: %s", err);
	lib = open_lib(LIB_WRITE, 0, 0);
	ok(!lib && strstr(err, "no library at"), "no library, no create: %s", err);
	lib = open_lib(LIB_WRITE, 1, 0);
	ok(lib != NULL, "created (with its parents)");
	library_close(lib);
	lib = open_lib(LIB_READ, 0, 0);
	ok(lib && library_leaks(lib, &leaks, &n, err, sizeof(err)) == 0 && n == 0,
	   "an empty library reads");
	struct fp_key fk;
	setenv("DUMPTRACE_KEY_DIR", keydir, 1);
	ok(library_key(lib, NULL, 0, &fk, err, sizeof(err)) == 0 && fk.keyed,
	   "empty, reading: a key of its own (%s)", err);
	fp_key_release(&fk);
	ok(access(keydir, F_OK) != 0, "... not stored");
	ok(library_begin(lib, err, sizeof(err)) == NULL, "no ingest when reading: %s", err);
	library_close(lib);
	{
		char junk[256];
		snprintf(junk, sizeof(junk), "%s/junk", root);
		mkdir(junk, 0777);
		snprintf(junk, sizeof(junk), "%s/junk/f", root);
		close(open(junk, O_CREAT | O_WRONLY, 0666));
		snprintf(junk, sizeof(junk), "%s/junk", root);
		struct lib_open_opts o = { .mode = LIB_WRITE, .create = 1 };
		struct library *j = library_open(junk, &o, err, sizeof(err));
		ok(!j && strstr(err, "not a dumptrace library"),
		   "no library made in a full dir: %s", err);
	}

	lib = open_lib(LIB_WRITE, 0, 0);
	ok(library_key(lib, NULL, LIB_KEY_SET, &fk, err, sizeof(err)) == 0, "writing: a new key (%s)", err);
	uint64_t first = fp_value(&fk, 1, "a@x.kz", 6);
	fp_key_release(&fk);
	char kp[4300];
	struct stat kst;
	snprintf(kp, sizeof(kp), "%s/%s.key", keydir, library_id(lib));
	ok(stat(kp, &kst) == 0 && (kst.st_mode & 0777) == 0600, "... kept in the key directory, mode 0600");
	ok(library_key(lib, NULL, 0, &fk, err, sizeof(err)) == 0 && fp_value(&fk, 1, "a@x.kz", 6) == first,
	   "the same key again: the same fingerprints");
	fp_key_release(&fk);
	unsigned char ok2[FP_KEY_SIZE];
	key_new(ok2);
	ok(key_write(otherkey, ok2, 0, err, sizeof(err)) == 0, "another key file");

	/* a whole profile, committed and read back */
	is_int(ingest(lib, "voters_2019", 1, 0, &p), 0, "voters_2019 committed");
	ok(p.leak.id > 0 && p.leak.dir && exists("%s/sets/%s", p.leak.dir), "its dir %s",
	   p.leak.dir);
	ok(p.leak.added_date && strlen(p.leak.added_date) == 10, "added today: %s",
	   p.leak.added_date);
	ok(p.sets[1].keys == 1000 && p.sets[1].blocks == 16 && p.sets[1].bytes > 0,
	   "set counts taken from the file");
	ok(library_key(lib, otherkey, LIB_KEY_SET, &fk, err, sizeof(err)) < 0 && strstr(err, "another"),
	   "another key is refused: %s", err);
	rename(kp, otherkey);
	ok(library_key(lib, NULL, 0, &fk, err, sizeof(err)) < 0 && strstr(err, "no key on this machine"),
	   "no key is refused: %s", err);
	ok(library_key(lib, otherkey, 0, &fk, err, sizeof(err)) == 0, "its key, from a file, matches");
	fp_key_release(&fk);
	rename(otherkey, kp);
	ok(library_profile(lib, "voters_2019", &q, err, sizeof(err)) == 1, "profile read");
	p.leak.pwn_count = 1000; /* not given: the records count stands */
	ok(same_profile(&p, &q) && q.leak.pwn_count == 1000, "profile: every field round-trips");
	lib_profile_release(&q);
	ok(library_profile(lib, "nope", &q, err, sizeof(err)) == 0, "profile: none");
	lib_profile_release(&q);
	is_int(ingest(lib, "alpha", 2, 0, &a), 0, "alpha committed");
	lib_profile_release(&a);
	ok(library_leaks(lib, &leaks, &n, err, sizeof(err)) == 0 && n == 2 &&
	       !strcmp(leaks[0].name, "alpha") && !strcmp(leaks[1].name, "voters_2019"),
	   "leaks by name");
	lib_leaks_free(leaks, n);

	/* same name: refused, then replaced */
	struct lib_profile p2;
	is_int(ingest(lib, "voters_2019", 1, 0, &p2), 1, "same name refused");
	ok(strstr(err, "is already in the library (use --replace)") != NULL, "... saying so");
	lib_profile_release(&p2);
	char old[32];
	snprintf(old, sizeof(old), "%s", p.leak.dir);
	is_int(ingest(lib, "voters_2019", 1, 1, &p2), 0, "replaced");
	ok(!exists("%s/sets/%s", old) && exists("%s/sets/%s", p2.leak.dir), "old dir gone");
	ok(library_same_content(lib, 1, &names, &n, err, sizeof(err)) == 0 && n == 1 &&
	       !strcmp(names[0], "voters_2019"),
	   "same content");
	lib_names_free(names, n);
	ok(library_same_file(lib, p.sources[0].sha256, &names, &n, err, sizeof(err)) == 0 && n == 2,
	   "same file");
	lib_names_free(names, n);
	ok(library_same_file(lib, "", &names, &n, err, sizeof(err)) == 0 && n == 0,
	   "stdin: no same file");
	lib_profile_release(&p);
	lib_profile_release(&p2);

	/* lookup */
	memset(&r, 0, sizeof(r));
	int pr0 = 0;
	int hits = library_lookup(lib, DT_EMAIL, akeys[0], on_found, on_report, &r, &pr0, err,
	                          sizeof(err));
	ok(hits == 2 && !strcmp(r.text, "found alpha\nfound voters_2019\n"),
	   "lookup: found in both");
	memset(&r, 0, sizeof(r));
	int pr = 0;
	hits = library_lookup(lib, DT_EMAIL, 12345, on_found, on_report, &r, &pr, err, sizeof(err));
	ok(hits == 0 && !pr, "lookup: not found");
	hits = library_lookup(lib, DT_PASSPORT, akeys[0], on_found, on_report, &r, &pr, err,
	                      sizeof(err));
	ok(hits == 0, "lookup: no set of that type");
	is_int(verify(lib, &r), 0, "verify: clean");
	is_int(r.notes, 0, "verify: no notes");
	library_close(lib);

	/* a corrupt block: named, and the other leaks still searched */
	lib = open_lib(LIB_READ, 0, 0);
	struct lib_leak v;
	library_leak(lib, "voters_2019", &v, err, sizeof(err));
	flip_block(v.dir, "value-email.fps", 3);
	is_int(verify(lib, &r), 1, "corrupt block: one problem");
	ok(strstr(r.text, "2 voters_2019: set 'value-email.fps': block 3: checksum mismatch") !=
	       NULL,
	   "... naming the leak, the set and the block");
	memset(&r, 0, sizeof(r));
	int problems = 0;
	hits = library_lookup(lib, DT_EMAIL, akeys[0], on_found, on_report, &r, &problems, err,
	                      sizeof(err));
	ok(hits == 1 && problems == 1 && r.problems == 1 && strstr(r.text, "found alpha") &&
	       strstr(r.text, "voters_2019: set 'value-email.fps': block 3"),
	   "lookup: reports the block, finds the value in alpha");
	flip_block(v.dir, "value-email.fps", 3);
	is_int(verify(lib, &r), 0, "repaired");
	library_close(lib);

	/* leftovers: notes, gone after the next writer */
	char d[512];
	snprintf(d, sizeof(d), "%s/tmp/ingest-1-00", libdir);
	mkdir(d, 0777);
	snprintf(d, sizeof(d), "%s/tmp/ingest-1-00/record.fps", libdir);
	close(open(d, O_CREAT | O_WRONLY, 0666));
	snprintf(d, sizeof(d), "%s/sets/L0123456789abcdef", libdir);
	mkdir(d, 0777);
	snprintf(d, sizeof(d), "%s/sets/L0123456789abcdef/record.fps", libdir);
	close(open(d, O_CREAT | O_WRONLY, 0666));
	snprintf(d, sizeof(d), "%s/sets/%s/stray", libdir, v.dir);
	close(open(d, O_CREAT | O_WRONLY, 0666));
	lib = open_lib(LIB_READ, 0, 0);
	is_int(verify(lib, &r), 0, "leftovers: no problem");
	is_int(r.notes, 3, "leftovers: three notes");
	ok(strstr(r.text, "tmp/ingest-1-00") && strstr(r.text, "sets/L0123456789abcdef") &&
	       strstr(r.text, "stray"),
	   "... naming them");
	library_close(lib);
	unlink(d);
	lib = open_lib(LIB_WRITE, 0, 0);
	ok(!exists("%s/tmp/%s", "ingest-1-00") && !exists("%s/sets/%s", "L0123456789abcdef"),
	   "leftovers removed by the writer");

	/* a reader during a write sees the old leaks, and keeps its replaced sets */
	struct library *rd = open_lib(LIB_READ, 0, 0);
	struct lib_leak *before;
	size_t nb;
	library_leaks(rd, &before, &nb, err, sizeof(err));
	struct lib_txn *t = library_begin(lib, err, sizeof(err));
	ok(library_leaks(rd, &leaks, &n, err, sizeof(err)) == 0 && n == 2,
	   "a reader during an ingest sees the old leaks");
	lib_leaks_free(leaks, n);
	lib_txn_abort(t);
	is_int(ingest(lib, "voters_2019", 1, 1, &p2), 0, "replaced while a reader runs");
	lib_profile_release(&p2);
	ok(exists("%s/sets/%s", v.dir), "the reader's dir stays");
	struct lib_set *sets;
	size_t ns;
	library_sets(rd, before[1].id, &sets, &ns, err, sizeof(err));
	struct fpset *f =
	    ns > 1 ? library_open_set(rd, &before[1], &sets[1], err, sizeof(err)) : NULL;
	ok(f && fpset_contains(f, akeys[0]) == 1, "the reader still reads its sets");
	fpset_close(f);
	free(sets);
	lib_leaks_free(before, nb);
	library_close(rd);
	is_int(library_remove(lib, "alpha", err, sizeof(err)), 1, "removed");
	is_int(library_remove(lib, "alpha", err, sizeof(err)), 0, "removed: no longer there");
	ok(!exists("%s/sets/%s", v.dir), "the replaced dir goes once no reader holds it");
	is_int(ingest(lib, "alpha", 2, 0, &a), 0, "alpha again");
	lib_profile_release(&a);
	library_close(lib);
	lib_leak_release(&v);

	test_locks();
	test_hostile();
	test_crash();

	lib = open_lib(LIB_READ, 0, 0);
	is_int(verify(lib, &r), 0, "in the end: clean");
	library_close(lib);
	free(ekeys);
	free(akeys);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", root);
	return done_testing();
}
