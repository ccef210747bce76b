/*
 * The known-leak library's storage; see library.h for the layout, the
 * locks and the atomicity argument. This file owns the catalog (SQLite),
 * the directories under sets/ and tmp/, and the two lock files; the set
 * files themselves are core/fpset.c's, written by the ingest into the
 * staging directory that library_begin() makes.
 *
 * The catalog (user-readable with sqlite3; journal_mode DELETE, so the
 * library stays one copyable directory and opens on read-only media):
 *
 *   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
 *     -- 'format_version' (2), 'library_id' (32 hex, random: names the
 *     -- library's key in the key directory, core/keys.h), 'key_check' (32
 *     -- hex: tells its key from another), 'created' (ISO UTC)
 *   CREATE TABLE leaks (
 *     id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,
 *     title TEXT, domain TEXT, breach_date TEXT, added_date TEXT,
 *     pwn_count INTEGER, data_classes TEXT, description TEXT,
 *     is_verified INTEGER, is_fabricated INTEGER, is_spam_list INTEGER,
 *     records INTEGER, rejected INTEGER, duplicates INTEGER,
 *     digest TEXT, bytes INTEGER, dir TEXT UNIQUE NOT NULL);
 *   CREATE INDEX leaks_digest ON leaks(digest);
 *   CREATE TABLE sources (
 *     leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,
 *     ord INTEGER NOT NULL, path TEXT, size INTEGER, sha256 TEXT,
 *     format TEXT, encoding TEXT, table_name TEXT,
 *     records INTEGER, rejected INTEGER, PRIMARY KEY (leak_id, ord));
 *   CREATE INDEX sources_sha256 ON sources(sha256);
 *   CREATE TABLE columns (
 *     leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,
 *     source INTEGER, table_name TEXT, name TEXT, position INTEGER,
 *     type TEXT, validation_rate REAL, "values" INTEGER,
 *     distinct_estimate REAL, sketch BLOB);
 *   CREATE INDEX columns_leak ON columns(leak_id);
 *   CREATE TABLE sets (
 *     leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,
 *     kind TEXT NOT NULL, type TEXT, attr_type TEXT, file TEXT NOT NULL,
 *     keys INTEGER, bytes INTEGER, blocks INTEGER, UNIQUE (leak_id, file));
 *   CREATE INDEX sets_type ON sets(kind, type);
 *   CREATE TABLE dates (
 *     leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,
 *     column_name TEXT, min TEXT, max TEXT, count INTEGER);
 *   CREATE INDEX dates_leak ON dates(leak_id);
 *   CREATE TABLE date_months (
 *     leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,
 *     column_name TEXT, month TEXT, count INTEGER);
 *   CREATE INDEX date_months_leak ON date_months(leak_id, column_name);
 *   CREATE TABLE birth_years (
 *     leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,
 *     year INTEGER, count INTEGER);
 *   CREATE INDEX birth_years_leak ON birth_years(leak_id);
 *   CREATE TABLE email_domains (
 *     leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,
 *     domain TEXT, count INTEGER);
 *   CREATE INDEX email_domains_leak ON email_domains(leak_id);
 *
 * Types are stored by name (types_name(): "email", "national_id"); a
 * record set has type and attr_type NULL, a value set attr_type NULL;
 * columns.source is sources.ord; a source's sha256 is NULL for stdin,
 * a date column's min and max NULL when it had no date.
 *
 * Everything read back is checked: a catalog is hostile input like a
 * dump (copied from someone, edited by hand), so a bad kind, a set file
 * name with a '/', a negative count is an error naming the leak, never a
 * path outside the library or a crash.
 *
 * Test hook: DUMPTRACE_LIB_CRASH_AT=N makes lib_txn_commit() _exit(99) at
 * step N (1 staging dir synced, 2 renamed into sets/, 3 rows inserted,
 * 4 committed), and library_split() at step 5 (every leak's parts moved
 * into the shards, the catalog not yet switched), for the crash tests in
 * tests/unit/test_library.c and tests/cli.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/keys.h"
#include "core/kmv.h"
#include "core/library.h"
#include "core/xalloc.h"
#include "core/xio.h"

#define BUSY_MS 10000
#define RM_DEPTH 8 /* staging and set directories are flat: deeper is not ours */

struct library {
	char *path;
	enum lib_mode mode;
	sqlite3 *db;
	int lock_fd;         /* writer.lock (LIB_WRITE) or readers.lock (LIB_READ) */
	struct lib_txn *txn; /* the ingest under way, whose staging dir gc spares */
	char id[33];         /* meta 'library_id' */
	int concurrent;      /* writer.lock let go between library_begin() and the commit */
	void (*waiting)(void *ctx, const char *path);
	void *ctx;
	struct lib_shard *shard; /* a sharded library's (format 3): where each range's sets are */
	size_t nshards;          /* 0: unsharded, the sets under path/sets */
	uint8_t part_of[256];    /* a key's highest byte -> its shard */
	unsigned only_shard;     /* lib_open_opts' */
};

struct lib_txn {
	struct library *lib;
	char name[64]; /* ingest-PID-HEX, under tmp/ */
	char *dir;
	int lock_fd; /* the staging directory, flocked while the ingest lives */
	char **parts; /* lib_txn_parts(): each shard's staging of the sets' parts, as the layout was */
	size_t nparts;
};

static const char *const kind_names[] = {"record", "value", "assoc", "near", "private"};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS leaks (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
    " title TEXT, domain TEXT, breach_date TEXT, added_date TEXT, pwn_count INTEGER,"
    " data_classes TEXT, description TEXT, is_verified INTEGER, is_fabricated INTEGER,"
    " is_spam_list INTEGER, records INTEGER, rejected INTEGER, duplicates INTEGER,"
    " digest TEXT, bytes INTEGER, dir TEXT UNIQUE NOT NULL);"
    "CREATE INDEX IF NOT EXISTS leaks_digest ON leaks(digest);"
    "CREATE TABLE IF NOT EXISTS sources ("
    " leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, path TEXT, size INTEGER, sha256 TEXT, format TEXT,"
    " encoding TEXT, table_name TEXT, records INTEGER, rejected INTEGER,"
    " PRIMARY KEY (leak_id, ord));"
    "CREATE INDEX IF NOT EXISTS sources_sha256 ON sources(sha256);"
    "CREATE TABLE IF NOT EXISTS columns ("
    " leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,"
    " source INTEGER, table_name TEXT, name TEXT, position INTEGER, type TEXT,"
    " validation_rate REAL, \"values\" INTEGER, distinct_estimate REAL, sketch BLOB);"
    "CREATE INDEX IF NOT EXISTS columns_leak ON columns(leak_id);"
    "CREATE TABLE IF NOT EXISTS sets ("
    " leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL, type TEXT, attr_type TEXT, file TEXT NOT NULL,"
    " keys INTEGER, bytes INTEGER, blocks INTEGER, UNIQUE (leak_id, file));"
    "CREATE INDEX IF NOT EXISTS sets_type ON sets(kind, type);"
    "CREATE TABLE IF NOT EXISTS dates ("
    " leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,"
    " column_name TEXT, min TEXT, max TEXT, count INTEGER);"
    "CREATE INDEX IF NOT EXISTS dates_leak ON dates(leak_id);"
    "CREATE TABLE IF NOT EXISTS date_months ("
    " leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,"
    " column_name TEXT, month TEXT, count INTEGER);"
    "CREATE INDEX IF NOT EXISTS date_months_leak ON date_months(leak_id, column_name);"
    "CREATE TABLE IF NOT EXISTS birth_years ("
    " leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,"
    " year INTEGER, count INTEGER);"
    "CREATE INDEX IF NOT EXISTS birth_years_leak ON birth_years(leak_id);"
    "CREATE TABLE IF NOT EXISTS email_domains ("
    " leak_id INTEGER NOT NULL REFERENCES leaks(id) ON DELETE CASCADE,"
    " domain TEXT, count INTEGER);"
    "CREATE INDEX IF NOT EXISTS email_domains_leak ON email_domains(leak_id);";

/* The leak columns, in the order read_leak() takes them. */
#define LEAK_COLS                                                                                  \
	"l.id, l.name, l.title, l.domain, l.breach_date, l.added_date, l.pwn_count,"               \
	" l.data_classes, l.description, l.is_verified, l.is_fabricated, l.is_spam_list,"          \
	" l.records, l.rejected, l.duplicates, l.digest, l.bytes, l.dir"
#define LEAK_NCOLS 18
#define SET_COLS "s.kind, s.type, s.attr_type, s.file, s.keys, s.bytes, s.blocks"

/* An xmalloc'ed printf. */
#define fmt xasprintf /* core/xalloc.h */

/* 16 random hex digits: getrandom(), else /dev/urandom, else the clock. */
static void
rand_hex(char out[17])
{
	static unsigned counter;
	uint64_t x = 0;

	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != (ssize_t)sizeof(x)) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, &x, sizeof(x)) != (ssize_t)sizeof(x)) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
			    (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid() << 40 ^ counter++;
		}
		if (fd >= 0)
			close(fd);
	}
	snprintf(out, 17, "%016" PRIx64, x);
}

static int
is_hex16(const char *s)
{
	for (int i = 0; i < 16; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[16] == '\0';
}

/* A leak directory's name: L and 16 hex digits, nothing that walks out of sets/. */
static int
valid_dir(const char *s)
{
	return s && s[0] == 'L' && is_hex16(s + 1);
}

/* A root's sets/ and tmp/, made when absent (best effort: what fails is said by their first use). */
static void
root_subdirs(const char *root_path)
{
	char *p = fmt("%s/sets", root_path);
	mkdir(p, 0777);
	free(p);
	p = fmt("%s/tmp", root_path);
	mkdir(p, 0777);
	free(p);
}

/* Where leak directories are: the library's own sets/ (one root), or each shard's. */
static size_t
nroots(const struct library *lib)
{
	return lib->nshards ? lib->nshards : 1;
}

static const char *
root(const struct library *lib, size_t i)
{
	return lib->nshards ? lib->shard[i].path : lib->path;
}

static int
fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/*
 * Removes name under dirfd and, for a directory, what it holds (never
 * following a link). Best effort: 0 when it is gone, -1 otherwise.
 */
static int
rm_tree(int dirfd, const char *name, int depth)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) || depth > RM_DEPTH)
		return -1;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rm_tree(fd, e->d_name, depth + 1);
	closedir(d);
	return unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

static int
rm_path(const char *path)
{
	return rm_tree(AT_FDCWD, path, 0);
}

/* --- the catalog ------------------------------------------------------- */

static int
db_fail(struct library *lib, const char *verb, char *err, size_t errlen)
{
	snprintf(err, errlen, "cannot %s '%s/catalog.db': %s", verb, lib->path,
	         lib->db ? sqlite3_errmsg(lib->db) : "out of memory");
	return -1;
}

static sqlite3_stmt *
prep(struct library *lib, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(lib->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(lib, "read", err, errlen);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static int
db_exec(struct library *lib, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(lib->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot update '%s/catalog.db': %s", lib->path,
		         msg ? msg : sqlite3_errmsg(lib->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void
rollback(struct library *lib)
{
	if (!sqlite3_get_autocommit(lib->db))
		sqlite3_exec(lib->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A text column, xstrdup'ed; NULL stays NULL. */
static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

/* A count: an integer >= 0 (NULL reads as 0); -1 for anything else. */
static int
col_count(sqlite3_stmt *st, int i, uint64_t *out)
{
	int t = sqlite3_column_type(st, i);
	*out = 0;
	if (t == SQLITE_NULL)
		return 0;
	if (t != SQLITE_INTEGER || sqlite3_column_int64(st, i) < 0)
		return -1;
	*out = (uint64_t)sqlite3_column_int64(st, i);
	return 0;
}

/* A real in [0, max] (NULL reads as 0). */
static int
col_real(sqlite3_stmt *st, int i, double max, double *out)
{
	int t = sqlite3_column_type(st, i);
	*out = 0;
	if (t == SQLITE_NULL)
		return 0;
	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
		return -1;
	double v = sqlite3_column_double(st, i);
	if (!(v >= 0 && v <= max))
		return -1;
	*out = v;
	return 0;
}

static int
bind_str(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

/* Binds a count; SQLite's integers are signed, so counts past 2^63 are refused. */
static int
bind_count(sqlite3_stmt *st, int i, uint64_t v)
{
	return v > INT64_MAX ? SQLITE_RANGE : sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

/* One meta value (xmalloc'ed in *out, NULL when absent); 0 or -1. */
static int
meta_get(struct library *lib, const char *key, char **out, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib, "SELECT value FROM meta WHERE key = ?1", err, errlen);
	*out = NULL;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = col_str(st, 0);
	else if (rc != SQLITE_DONE)
		db_fail(lib, "read", err, errlen);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
meta_set(struct library *lib, const char *key, const char *value, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(lib->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
	                       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return db_fail(lib, "update", err, errlen);
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(lib, "update", err, errlen);
}

/*
 * The catalog's digest: per table, the count of its rows and the sums of
 * a 128-bit hash (BLAKE2b) of each row's values, tables in a fixed order,
 * hashed again: order-free (SQLite may reorder rows), and any changed,
 * added or deleted row changes it. Kept in meta 'catalog_digest' by every
 * change dumptrace makes; verify recomputes it. It guards against damage
 * (a flipped byte, rows lost to a bad copy or an edit by hand), not
 * against someone who recomputes it on purpose.
 */
static const char *const digest_tables[] = { "meta", "leaks", "sources", "columns", "sets",
					     "dates", "date_months", "birth_years", "email_domains",
					     "shards" };
#define DIGEST_OPTIONAL "shards" /* only a sharded catalog has it: left out where absent */

/* Does sql (one ?1, bound to arg) give a row? 1, 0, -1 on error. */
static int
db_has_row(struct library *lib, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(lib->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
table_exists(struct library *lib, const char *name)
{
	return db_has_row(lib, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", name);
}

static int
catalog_digest(struct library *lib, char out[33], char *err, size_t errlen)
{
	crypto_generichash_state all;
	crypto_generichash_init(&all, NULL, 0, 16);
	for (size_t t = 0; t < sizeof(digest_tables) / sizeof(digest_tables[0]); t++) {
		char q[128];
		if (!strcmp(digest_tables[t], DIGEST_OPTIONAL)) {
			int have = table_exists(lib, DIGEST_OPTIONAL);
			if (have < 0)
				return db_fail(lib, "read", err, errlen);
			if (!have)
				continue;
		}
		snprintf(q, sizeof(q), "SELECT * FROM %s%s", digest_tables[t],
			 t == 0 ? " WHERE key <> 'catalog_digest'" : "");
		sqlite3_stmt *st = prep(lib, q, err, errlen);
		if (!st)
			return -1;
		uint64_t rows = 0, lo = 0, hi = 0;
		int rc, nc = sqlite3_column_count(st);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			crypto_generichash_state h;
			unsigned char d[16];
			crypto_generichash_init(&h, NULL, 0, sizeof(d));
			for (int c = 0; c < nc; c++) {
				unsigned char ty = (unsigned char)sqlite3_column_type(st, c);
				const void *v = sqlite3_column_blob(st, c);
				uint32_t n = (uint32_t)sqlite3_column_bytes(st, c);
				crypto_generichash_update(&h, &ty, 1);
				crypto_generichash_update(&h, (const unsigned char *)&n, sizeof(n));
				if (v && n)
					crypto_generichash_update(&h, v, n);
			}
			crypto_generichash_final(&h, d, sizeof(d));
			uint64_t a, b;
			memcpy(&a, d, 8);
			memcpy(&b, d + 8, 8);
			lo += a;
			hi += b;
			rows++;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(lib, "read", err, errlen);
		crypto_generichash_update(&all, (const unsigned char *)digest_tables[t], strlen(digest_tables[t]) + 1);
		crypto_generichash_update(&all, (const unsigned char *)&rows, 8);
		crypto_generichash_update(&all, (const unsigned char *)&lo, 8);
		crypto_generichash_update(&all, (const unsigned char *)&hi, 8);
	}
	unsigned char d[16];
	crypto_generichash_final(&all, d, sizeof(d));
	sodium_bin2hex(out, 33, d, sizeof(d));
	return 0;
}

/*
 * Before a change: a catalog that no longer matches its digest is marked
 * damaged for good (meta 'catalog_damaged'), so that the change's new
 * digest does not hide it; verify reports the mark.
 */
static int
digest_guard(struct library *lib, char *err, size_t errlen)
{
	char *want = NULL, have[33];
	if (meta_get(lib, "catalog_digest", &want, err, errlen) < 0)
		return -1;
	int rc = 0;
	if (want && (rc = catalog_digest(lib, have, err, errlen)) == 0 && strcmp(want, have)) {
		char when[64];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		rc = meta_set(lib, "catalog_damaged", when, err, errlen);
	}
	free(want);
	return rc;
}

/* Stores the digest of the catalog as it is now: the last step of every change (in its transaction). */
static int
digest_store(struct library *lib, char *err, size_t errlen)
{
	char d[33];
	if (catalog_digest(lib, d, err, errlen) < 0)
		return -1;
	return meta_set(lib, "catalog_digest", d, err, errlen);
}

int
library_private_lookup(struct library *lib, char *err, size_t errlen)
{
	char *v;
	if (meta_get(lib, "private_lookup", &v, err, errlen) < 0)
		return -1;
	int on = v && !strcmp(v, "1");
	free(v);
	return on;
}

int
library_set_private_lookup(struct library *lib, char *err, size_t errlen)
{
	if (lib->mode != LIB_WRITE) {
		snprintf(err, errlen, "the library is open for reading only");
		return -1;
	}
	if (digest_guard(lib, err, errlen) < 0 || meta_set(lib, "private_lookup", "1", err, errlen) < 0)
		return -1;
	return digest_store(lib, err, errlen);
}

/* The catalog's format version: 1.., 0 when absent or not a number, -1 on error. */
static int
format_version(struct library *lib, char *err, size_t errlen)
{
	char *v, *end;
	if (meta_get(lib, "format_version", &v, err, errlen) < 0)
		return -1;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || *end || end == v || n < 1 || n > INT_MAX)
		n = 0;
	free(v);
	return (int)n;
}

/* --- leaks and sets read back ------------------------------------------ */

void
lib_leak_release(struct lib_leak *l)
{
	if (!l)
		return;
	free(l->name);
	free(l->title);
	free(l->domain);
	free(l->breach_date);
	free(l->added_date);
	free(l->description);
	free(l->data_classes);
	free(l->dir);
	memset(l, 0, sizeof(*l));
}

void
lib_leaks_free(struct lib_leak *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lib_leak_release(&l[i]);
	free(l);
}

static int
col_flag(sqlite3_stmt *st, int i, int *out)
{
	uint64_t v;
	if (col_count(st, i, &v) < 0 || v > 1)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * Reads a leak row (LEAK_COLS from column 0) into l; -1 with what is
 * wrong in err, without the leak's name (l is then released).
 */
static int
read_leak(sqlite3_stmt *st, struct lib_leak *l, char *err, size_t errlen)
{
	const char *bad = NULL;
	memset(l, 0, sizeof(*l));
	if (sqlite3_column_type(st, 0) != SQLITE_INTEGER)
		bad = "id";
	l->id = sqlite3_column_int64(st, 0);
	l->name = col_str(st, 1);
	l->title = col_str(st, 2);
	l->domain = col_str(st, 3);
	l->breach_date = col_str(st, 4);
	l->added_date = col_str(st, 5);
	int t = sqlite3_column_type(st, 6);
	if (t == SQLITE_NULL)
		l->pwn_count = -1;
	else if (t != SQLITE_INTEGER || (l->pwn_count = sqlite3_column_int64(st, 6)) < -1)
		bad = "pwn_count";
	l->data_classes = col_str(st, 7);
	l->description = col_str(st, 8);
	if (col_flag(st, 9, &l->is_verified) < 0)
		bad = "is_verified";
	if (col_flag(st, 10, &l->is_fabricated) < 0)
		bad = "is_fabricated";
	if (col_flag(st, 11, &l->is_spam_list) < 0)
		bad = "is_spam_list";
	if (col_count(st, 12, &l->records) < 0)
		bad = "records";
	if (col_count(st, 13, &l->rejected) < 0)
		bad = "rejected";
	if (col_count(st, 14, &l->duplicates) < 0)
		bad = "duplicates";
	const char *d = (const char *)sqlite3_column_text(st, 15);
	if (!d || strlen(d) != 16 || !is_hex16(d))
		bad = "digest";
	else
		l->digest = strtoull(d, NULL, 16);
	if (col_count(st, 16, &l->bytes) < 0)
		bad = "bytes";
	l->dir = col_str(st, 17);
	if (!valid_dir(l->dir))
		bad = "dir";
	if (!l->name || !*l->name)
		bad = "name";
	if (bad) {
		snprintf(err, errlen, "bad %s in the catalog", bad);
		lib_leak_release(l);
		return -1;
	}
	return 0;
}

const char *
lib_kind_name(enum lib_kind k)
{
	return (unsigned)k <= LIB_PRIVATE ? kind_names[k] : "unknown";
}

void
lib_set_file(struct lib_set *s)
{
	if (s->kind == LIB_RECORD)
		snprintf(s->file, sizeof(s->file), "record.fps");
	else if (!lib_kind_has_attr(s->kind))
		snprintf(s->file, sizeof(s->file), "%s-%s.fps", lib_kind_name(s->kind), types_name(s->type));
	else
		snprintf(s->file, sizeof(s->file), "%s-%s-%s.fps", lib_kind_name(s->kind),
		         types_name(s->type), types_name(s->attr));
}

/* A type named in the catalog (never DT_NONE); -1 when unknown. */
static int
type_named(const unsigned char *s, enum dt_type *out)
{
	*out = s ? types_from_name((const char *)s) : DT_NONE;
	return *out == DT_NONE ? -1 : 0;
}

/*
 * Reads a set row (SET_COLS from column c); its file name must be the one
 * lib_set_file() gives, so no catalog can name a path outside the leak's
 * directory. -1 with what is wrong in err.
 */
static int
read_set(sqlite3_stmt *st, int c, struct lib_set *s, char *err, size_t errlen)
{
	const char *kind = (const char *)sqlite3_column_text(st, c);
	const char *file = (const char *)sqlite3_column_text(st, c + 3);
	struct lib_set want;

	memset(s, 0, sizeof(*s));
	if (!kind || (strcmp(kind, "record") && strcmp(kind, "value") && strcmp(kind, "assoc") &&
	              strcmp(kind, "near") && strcmp(kind, "private"))) {
		snprintf(err, errlen, "set '%s': bad kind '%s' in the catalog", file ? file : "?",
		         kind ? kind : "NULL");
		return -1;
	}
	s->kind = !strcmp(kind, "record")  ? LIB_RECORD
	          : !strcmp(kind, "value") ? LIB_VALUE
	          : !strcmp(kind, "assoc") ? LIB_ASSOC
	          : !strcmp(kind, "near")  ? LIB_NEAR
	                                   : LIB_PRIVATE;
	if ((s->kind != LIB_RECORD && type_named(sqlite3_column_text(st, c + 1), &s->type) < 0) ||
	    (lib_kind_has_attr(s->kind) && type_named(sqlite3_column_text(st, c + 2), &s->attr) < 0)) {
		snprintf(err, errlen, "set '%s': bad type in the catalog", file ? file : "?");
		return -1;
	}
	want = *s;
	lib_set_file(&want);
	if (!file || strcmp(file, want.file)) {
		snprintf(err, errlen, "set '%.64s': bad file name in the catalog (want '%s')",
		         file ? file : "NULL", want.file);
		return -1;
	}
	memcpy(s->file, want.file, sizeof(s->file));
	if (col_count(st, c + 4, &s->keys) < 0 || col_count(st, c + 5, &s->bytes) < 0 ||
	    col_count(st, c + 6, &s->blocks) < 0) {
		snprintf(err, errlen, "set '%s': bad counts in the catalog", s->file);
		return -1;
	}
	return 0;
}

/*
 * Rewrites fpset's message about path ("corrupt fingerprint set 'PATH':
 * block 3: checksum mismatch") to name the set by its file only ("set
 * 'value-email.fps': block 3: checksum mismatch").
 */
static void
set_msg(char *out, size_t outlen, const char *file, const char *path, const char *e)
{
	static const char corrupt[] = "corrupt fingerprint set ";
	char *needle = fmt("'%s': ", path);
	const char *p = strstr(e, needle);

	if (!p)
		snprintf(out, outlen, "set '%s': %s", file, e);
	else if ((size_t)(p - e) == strlen(corrupt) && !strncmp(e, corrupt, strlen(corrupt)))
		snprintf(out, outlen, "set '%s': %s", file, p + strlen(needle));
	else
		snprintf(out, outlen, "set '%s': %.*s: %s", file, (int)(p - e > 0 ? p - e - 1 : 0),
		         e, p + strlen(needle));
	free(needle);
}

/* s when its keys and blocks are the catalog's (NULL, or closed with err saying so). */
static struct fpset *
set_counted(struct fpset *s, const struct lib_set *set, const char *where, char *err, size_t errlen)
{
	if (s && (fpset_count(s) != set->keys || fpset_blocks(s) != set->blocks)) {
		snprintf(err, errlen,
		         "set '%s': %" PRIu64 " keys in %" PRIu64
		         " blocks%s, the catalog says %" PRIu64 " in %" PRIu64,
		         set->file, fpset_count(s), fpset_blocks(s), where, set->keys, set->blocks);
		fpset_close(s);
		s = NULL;
	}
	return s;
}

/*
 * A sharded library's set: its part in each shard, as one (fpset_open_union()).
 * Each part's first key must be in its shard's range (verify checks the last).
 */
static struct fpset *
open_parts(struct library *lib, const struct lib_leak *leak, const struct lib_set *set, char *err,
	   size_t errlen)
{
	struct fpset **parts = xcalloc(lib->nshards, sizeof(*parts));
	char e[512];
	size_t from = lib->only_shard ? lib->only_shard - 1 : 0;
	size_t to = lib->only_shard ? lib->only_shard : lib->nshards;
	for (size_t i = from; i < to; i++) {
		char *path = fmt("%s/sets/%s/%s", lib->shard[i].path, leak->dir, set->file);
		parts[i] = fpset_open(path, e, sizeof(e));
		if (!parts[i])
			set_msg(err, errlen, set->file, path, e);
		else if (fpset_count(parts[i]) && (fpset_first_key(parts[i]) >> 56 < lib->shard[i].lo ||
						   fpset_first_key(parts[i]) >> 56 >= lib->shard[i].hi)) {
			snprintf(err, errlen, "set '%s': its part '%s' holds keys of another shard", set->file,
				 path);
			fpset_close(parts[i]);
			parts[i] = NULL;
		}
		free(path);
		if (!parts[i]) {
			for (size_t j = from; j < i; j++)
				fpset_close(parts[j]);
			free(parts);
			return NULL;
		}
	}
	if (lib->only_shard) { /* one part: the catalog's counts are of them all */
		struct fpset *one = parts[from];
		free(parts);
		return one;
	}
	struct fpset *u = fpset_open_union(parts, lib->nshards, e, sizeof(e));
	if (!u)
		snprintf(err, errlen, "set '%s': %s", set->file, e);
	return set_counted(u, set, " over its shards", err, errlen);
}

/* Opens a set; err names the set but not the leak (the caller adds it). */
static struct fpset *
open_set(struct library *lib, const struct lib_leak *leak, const struct lib_set *set, char *err,
         size_t errlen)
{
	char e[512];
	struct lib_set want = *set;

	lib_set_file(&want);
	if (!valid_dir(leak->dir) || strcmp(want.file, set->file)) {
		snprintf(err, errlen, "set '%.64s': bad name", set->file);
		return NULL;
	}
	if (lib->nshards)
		return open_parts(lib, leak, set, err, errlen);
	char *path = fmt("%s/sets/%s/%s", lib->path, leak->dir, set->file);
	struct fpset *s = fpset_open(path, e, sizeof(e));
	if (!s)
		set_msg(err, errlen, set->file, path, e);
	s = set_counted(s, set, "", err, errlen);
	free(path);
	return s;
}

struct fpset *
library_open_set(struct library *lib, const struct lib_leak *leak, const struct lib_set *set,
                 char *err, size_t errlen)
{
	char e[768];
	struct fpset *s = open_set(lib, leak, set, e, sizeof(e));
	if (!s)
		snprintf(err, errlen, "leak '%s': %s", leak->name ? leak->name : "?", e);
	return s;
}

/*
 * The sets of leak id. A bad row fails the call, unless report is given:
 * then it is reported (severity 2, counted in *problems) and skipped.
 */
static int
get_sets(struct library *lib, int64_t id, const char *leak, struct lib_set **out, size_t *n,
         lib_report_fn report, void *ctx, int *problems, char *err, size_t errlen)
{
	sqlite3_stmt *st =
	    prep(lib, "SELECT " SET_COLS " FROM sets s WHERE s.leak_id = ?1 ORDER BY s.rowid", err,
	         errlen);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lib_set s;
		char e[512];
		if (read_set(st, 0, &s, e, sizeof(e)) < 0) {
			if (!report) {
				snprintf(err, errlen, "leak '%s': %s", leak, e);
				goto fail;
			}
			report(ctx, 2, leak, e);
			(*problems)++;
			continue;
		}
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		(*out)[(*n)++] = s;
	}
	if (rc != SQLITE_DONE) {
		db_fail(lib, "read", err, errlen);
		goto fail;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

int
library_sets(struct library *lib, int64_t leak_id, struct lib_set **out, size_t *n, char *err,
             size_t errlen)
{
	char name[32];
	snprintf(name, sizeof(name), "#%" PRId64, leak_id);
	return get_sets(lib, leak_id, name, out, n, NULL, NULL, NULL, err, errlen);
}

/* --- opening, locks, garbage collection -------------------------------- */

const char *
library_path(const struct library *lib)
{
	return lib->path;
}

int
library_locate(const char *opt, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *e;
	int n;

	if (opt && *opt)
		n = snprintf(out, outlen, "%s", opt);
	else if ((e = getenv("DUMPTRACE_LIBRARY")) && *e)
		n = snprintf(out, outlen, "%s", e);
	else if ((e = getenv("XDG_DATA_HOME")) && *e)
		n = snprintf(out, outlen, "%s/dumptrace/library", e);
	else if ((e = getenv("HOME")) && *e)
		n = snprintf(out, outlen, "%s/.local/share/dumptrace/library", e);
	else {
		snprintf(err, errlen, "cannot find the library: HOME is not set (use --library)");
		return -1;
	}
	if (n < 0 || (size_t)n >= outlen) {
		snprintf(err, errlen, "library path too long: '%.64s...'", out);
		return -1;
	}
	return 0;
}

/* mkdir -p */
static int
make_dirs(const char *path, char *err, size_t errlen)
{
	char *p = xstrdup(path);
	struct stat st;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			break;
		*s = '/';
	}
	int r = mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
	if (r < 0 || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot create library '%s': %s", path,
		         r < 0 || errno ? strerror(errno) : "not a directory");
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

/* Is the directory empty but for what a library holds (an interrupted create)? */
static int
only_library_files(const char *path)
{
	static const char *const ours[] = {"catalog.db",  "catalog.db-journal", "sets",  "tmp",
	                                   "writer.lock", "readers.lock",       "shards"};
	DIR *d = opendir(path);
	struct dirent *e;
	int ok = 1;

	if (!d)
		return 0;
	while (ok && (e = readdir(d))) {
		int known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
		for (size_t i = 0; i < sizeof(ours) / sizeof(*ours); i++)
			known |= !strcmp(e->d_name, ours[i]);
		ok = known;
	}
	closedir(d);
	return ok;
}

/* flock() that retries when a signal interrupts it. */
static int
xflock(int fd, int op)
{
	int r;
	while ((r = flock(fd, op)) < 0 && errno == EINTR)
		;
	return r;
}

/* writer.lock on the open lib->lock_fd: at once, or waited for (lib->waiting told) unless nowait. */
static int
writer_take(struct library *lib, int nowait, char *err, size_t errlen)
{
	if (xflock(lib->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK) {
		snprintf(err, errlen, "cannot lock library '%s': %s", lib->path, strerror(errno));
		return -1;
	}
	if (nowait) {
		snprintf(err, errlen, "library '%s' is locked by another writer", lib->path);
		return -1;
	}
	if (lib->waiting)
		lib->waiting(lib->ctx, lib->path);
	if (xflock(lib->lock_fd, LOCK_EX) < 0) {
		snprintf(err, errlen, "cannot lock library '%s': %s", lib->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
lock_writer(struct library *lib, const struct lib_open_opts *o, char *err, size_t errlen)
{
	char *p = fmt("%s/writer.lock", lib->path);
	lib->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	free(p);
	if (lib->lock_fd < 0) {
		snprintf(err, errlen, "cannot lock library '%s': %s", lib->path, strerror(errno));
		return -1;
	}
	return writer_take(lib, o->nowait, err, errlen);
}

/*
 * Readers hold readers.lock shared. A library on read-only media may lack
 * the file and cannot have a writer: it is then read without the lock.
 */
static int
lock_reader(struct library *lib, char *err, size_t errlen)
{
	char *p = fmt("%s/readers.lock", lib->path);
	lib->lock_fd = open(p, O_RDONLY | O_CLOEXEC);
	if (lib->lock_fd < 0 && errno == ENOENT)
		lib->lock_fd = open(p, O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
	free(p);
	if (lib->lock_fd < 0)
		return 0;
	if (xflock(lib->lock_fd, LOCK_SH) < 0 && errno != ENOLCK && errno != EOPNOTSUPP) {
		snprintf(err, errlen, "cannot lock library '%s': %s", lib->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Is dir the directory of a leak in the catalog? 1, 0, -1 on error. */
static int
dir_in_catalog(struct library *lib, const char *dir)
{
	return db_has_row(lib, "SELECT 1 FROM leaks WHERE dir = ?1", dir);
}

/*
 * Is tmp/name a live ingest's staging directory? Its ingest holds a flock
 * on it (library_begin()); a leftover's went with its process.
 */
static int
staging_alive(int tmpfd, const char *name)
{
	int fd = openat(tmpfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	int busy = xflock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

/*
 * A writer removes what interrupted writers left: every staging directory
 * in tmp/ that no live ingest holds (concurrent ingests stage beside us)
 * and every leak directory in sets/ the catalog does not reference, the
 * latter only while no reader holds readers.lock (a reader may still use
 * a directory its catalog snapshot named). Best effort: what stays is
 * removed by the next writer.
 */
static void gc_roots(struct library *lib, const char *const *roots, size_t nr);

/*
 * The shard directories an interrupted split was writing (its staging
 * directory's "roots" file: library_split()), other than roots[0..nr):
 * appended to *extra. Read before gc_roots() removes that staging
 * directory. Only absolute paths without control characters are taken.
 */
static void
split_roots(struct library *lib, const char *const *roots, size_t nr, char ***extra, size_t *n)
{
	char *p = fmt("%s/tmp", lib->path);
	int tmpfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = tmpfd >= 0 ? fdopendir(tmpfd) : NULL;
	struct dirent *e;
	size_t cap = 0;
	char **real = xcalloc(nr ? nr : 1, sizeof(*real)); /* the roots as the file has them */

	free(p);
	for (size_t i = 0; i < nr; i++)
		real[i] = realpath(roots[i], NULL);
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (lib->txn && !strcmp(e->d_name, lib->txn->name)) || staging_alive(dirfd(d), e->d_name))
			continue;
		p = fmt("%s/tmp/%s/roots", lib->path, e->d_name);
		FILE *f = fopen(p, "re");
		free(p);
		char line[4200];
		while (f && fgets(line, sizeof(line), f)) {
			size_t l = strcspn(line, "\n");
			int bad = line[l] != '\n' || line[0] != '/';
			line[l] = '\0';
			for (size_t i = 0; i < l && !bad; i++)
				bad = (unsigned char)line[i] < 0x20 || line[i] == 0x7f;
			for (size_t i = 0; i < nr && !bad; i++)
				bad = !strcmp(roots[i], line) || (real[i] && !strcmp(real[i], line));
			for (size_t i = 0; i < *n && !bad; i++)
				bad = !strcmp((*extra)[i], line);
			if (bad)
				continue;
			*extra = xgrow(*extra, &cap, *n + 1, sizeof(**extra));
			(*extra)[(*n)++] = xstrdup(line);
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	else if (tmpfd >= 0)
		close(tmpfd);
	for (size_t i = 0; i < nr; i++)
		free(real[i]);
	free(real);
}

/* Empties what is ours out of a directory that is no longer a shard: rmdir, the library's own too. */
static int
unroot(struct library *lib, const char *path)
{
	char *self = realpath(lib->path, NULL);
	char *ps = fmt("%s/sets", path), *pt = fmt("%s/tmp", path), *own = fmt("%s/shards/", self ? self : lib->path);
	free(self);
	char *rp = realpath(path, NULL);
	int gone = (rmdir(ps) == 0 || errno == ENOENT) & (rmdir(pt) == 0 || errno == ENOENT);
	if (gone && rp && !strncmp(rp, own, strlen(own)))
		rmdir(path);
	free(rp);
	free(ps);
	free(pt);
	free(own);
	return gone;
}

static void
lib_gc(struct library *lib)
{
	const char **roots = xcalloc(lib->nshards + 1, sizeof(*roots));
	char **extra = NULL;
	size_t nextra = 0;
	roots[0] = lib->path;
	for (size_t i = 0; i < lib->nshards; i++)
		roots[i + 1] = lib->shard[i].path;
	split_roots(lib, roots, lib->nshards + 1, &extra, &nextra);
	roots = xrealloc(roots, (lib->nshards + 1 + nextra) * sizeof(*roots));
	for (size_t i = 0; i < nextra; i++)
		roots[lib->nshards + 1 + i] = extra[i];
	gc_roots(lib, roots, lib->nshards + 1 + nextra);
	for (size_t i = 0; i < nextra; i++) {
		unroot(lib, extra[i]);
		free(extra[i]);
	}
	free(extra);
	free(roots);
	char *sh = fmt("%s/shards", lib->path);
	rmdir(sh); /* when empty: no shard of ours is left under it */
	free(sh);
}

/* lib_gc() over the library's own directory and shard directories roots[0..nr). */
static void
gc_roots(struct library *lib, const char *const *roots, size_t nr)
{
	char *p = fmt("%s/tmp", lib->path);
	int tmpfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	char **orphans = NULL;
	size_t n = 0, cap = 0;
	int unreadable = 0;

	free(p);
	/*
	 * Staging directories: the library's own tmp/, and each shard's,
	 * whose entries are named after the staging directory they belong to
	 * (alive while it is).
	 */
	for (size_t r = 0; r < nr; r++) {
		p = fmt("%s/tmp", roots[r]);
		d = opendir(p);
		free(p);
		if (!d)
			continue;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    !(lib->txn && !strcmp(e->d_name, lib->txn->name)) &&
			    !(tmpfd >= 0 && staging_alive(tmpfd, e->d_name)))
				rm_tree(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	if (tmpfd >= 0)
		close(tmpfd);
	/* leak directories no catalog row names, under every root (the library's own too) */
	for (size_t r = 0; r < nr && !unreadable; r++) {
		p = fmt("%s/sets", roots[r]);
		d = opendir(p);
		free(p);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			if (!valid_dir(e->d_name))
				continue;
			int in = dir_in_catalog(lib, e->d_name);
			if (in < 0) { /* the catalog unreadable: delete nothing */
				unreadable = 1;
				break;
			}
			if (!in) {
				orphans = xgrow(orphans, &cap, n + 1, sizeof(*orphans));
				orphans[n++] = fmt("%s/sets/%s", roots[r], e->d_name);
			}
		}
		closedir(d);
	}
	if (n && !unreadable) {
		p = fmt("%s/readers.lock", lib->path);
		int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		free(p);
		if (fd >= 0 && xflock(fd, LOCK_EX | LOCK_NB) == 0)
			for (size_t i = 0; i < n; i++)
				rm_path(orphans[i]);
		if (fd >= 0)
			close(fd); /* releases the lock */
	}
	for (size_t i = 0; i < n; i++)
		free(orphans[i]);
	free(orphans);
}

static void
shards_free(struct lib_shard *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].given);
	}
	free(v);
}

/* A shard's path as the catalog keeps it: under the library, relative to it. */
static char *
shard_abs(const struct library *lib, const char *given)
{
	return given[0] == '/' ? xstrdup(given) : fmt("%s/%s", lib->path, given);
}

/*
 * A sharded catalog's shards (format 3), checked as hostile input: their
 * ranges of a key's highest byte cover 0-255 in order, each path is
 * plain text that names no parent. 0, or -1 (err).
 */
static int
load_shards(struct library *lib, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib, "SELECT idx, lo, hi, path FROM shards ORDER BY idx", err, errlen);
	struct lib_shard *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 3);
		int64_t idx = sqlite3_column_int64(st, 0), lo = sqlite3_column_int64(st, 1),
			hi = sqlite3_column_int64(st, 2);
		int bad = idx != (int64_t)n || lo != (n ? (int64_t)v[n - 1].hi : 0) || hi <= lo || hi > 256 ||
			  !path || !*path || strlen(path) > 4000 || strstr(path, "..") ||
			  !strcmp(path, ".") || !strncmp(path, "./", 2) || strstr(path, "/./");
		for (const char *c = path; c && *c && !bad; c++)
			bad = (unsigned char)*c < 0x20 || *c == 0x7f;
		if (bad) {
			sqlite3_finalize(st);
			shards_free(v, n);
			snprintf(err, errlen, "library '%s': its catalog's shard %lld is not valid", lib->path,
				 (long long)idx);
			return -1;
		}
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n].lo = (unsigned)lo;
		v[n].hi = (unsigned)hi;
		v[n].given = xstrdup(path);
		v[n].path = shard_abs(lib, path);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || !n || v[n - 1].hi != 256) {
		shards_free(v, n);
		if (rc != SQLITE_DONE)
			return db_fail(lib, "read", err, errlen);
		snprintf(err, errlen, "library '%s': its catalog's shards do not cover every key", lib->path);
		return -1;
	}
	shards_free(lib->shard, lib->nshards);
	lib->shard = v;
	lib->nshards = n;
	for (size_t i = 0; i < n; i++)
		for (unsigned b = v[i].lo; b < v[i].hi; b++)
			lib->part_of[b] = (uint8_t)i;
	return 0;
}

/* The shards again from the catalog (none when it is of format 2). 0, or -1 (err). */
static int
reload_shards(struct library *lib, char *err, size_t errlen)
{
	int v = format_version(lib, err, errlen);
	if (v < 0)
		return -1;
	if (v == LIB_FORMAT_SHARDED)
		return load_shards(lib, err, errlen);
	shards_free(lib->shard, lib->nshards);
	lib->shard = NULL;
	lib->nshards = 0;
	return 0;
}

size_t
library_shards(const struct library *lib, const struct lib_shard **out)
{
	*out = lib->shard;
	return lib->nshards;
}

const uint8_t *
library_part_of(const struct library *lib)
{
	static const uint8_t one[256];
	return lib->nshards ? lib->part_of : one;
}

/* Opens the catalog connection with the pragmas of the mode. */
static int
open_db(struct library *lib, int flags, char *err, size_t errlen)
{
	char *p = fmt("%s/catalog.db", lib->path);
	int rc = sqlite3_open_v2(p, &lib->db, flags, NULL);
	free(p);
	if (rc != SQLITE_OK)
		return db_fail(lib, "open", err, errlen);
	sqlite3_busy_timeout(lib->db, BUSY_MS);
	if (flags & SQLITE_OPEN_READWRITE)
		return db_exec(lib,
		               "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;"
		               " PRAGMA foreign_keys = ON;",
		               err, errlen);
	return 0;
}

/*
 * A writer killed inside COMMIT leaves a hot journal that a read-only
 * connection cannot roll back (SQLITE_READONLY_ROLLBACK): a read-write
 * connection, when we may have one, rolls it back; SQLite's own locks
 * make that safe against a live writer.
 */
static int
recover_hot_journal(struct library *lib, char *err, size_t errlen)
{
	sqlite3_close(lib->db);
	lib->db = NULL;
	if (open_db(lib, SQLITE_OPEN_READWRITE, err, errlen) < 0 ||
	    db_exec(lib, "SELECT count(*) FROM sqlite_master", err, errlen) < 0) {
		snprintf(
		    err, errlen,
		    "library '%s' was left by an interrupted write; open it for writing once to "
		    "recover",
		    lib->path);
		return -1;
	}
	sqlite3_close(lib->db);
	lib->db = NULL;
	return open_db(lib, SQLITE_OPEN_READONLY, err, errlen);
}

struct library *
library_open(const char *path, const struct lib_open_opts *o, char *err, size_t errlen)
{
	struct library *lib = xcalloc(1, sizeof(*lib));
	int create = o->mode == LIB_WRITE && o->create;
	struct stat st;
	char *p;

	lib->path = xstrdup(path);
	lib->mode = o->mode;
	lib->lock_fd = -1;
	lib->concurrent = o->mode == LIB_WRITE && o->concurrent;
	lib->only_shard = o->mode == LIB_READ ? o->only_shard : 0;
	lib->waiting = o->waiting;
	lib->ctx = o->ctx;
	if (create && make_dirs(path, err, errlen) < 0)
		goto fail;
	p = fmt("%s/catalog.db", path);
	int have = stat(p, &st) == 0;
	int e = errno;
	free(p);
	if (!have && (e != ENOENT || !create || !only_library_files(path))) {
		if (e == ENOENT && create)
			snprintf(err, errlen, "'%s' is not a dumptrace library (and not empty)",
			         path);
		else if (e == ENOENT || e == ENOTDIR)
			snprintf(err, errlen, "no library at '%s'", path);
		else
			snprintf(err, errlen, "cannot open library '%s': %s", path, strerror(e));
		library_close(lib);
		errno = e;
		return NULL;
	}
	if (o->mode == LIB_WRITE) {
		root_subdirs(path);
		if (lock_writer(lib, o, err, errlen) < 0 ||
		    open_db(lib, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), err,
		            errlen) < 0)
			goto fail;
		if (create) {
			/* a new catalog's random id (not an old one's: its version says what it is) */
			unsigned char rid[16];
			char hid[33];
			key_random(rid, sizeof(rid));
			sodium_bin2hex(hid, sizeof(hid), rid, sizeof(rid));
			char *q = fmt("BEGIN IMMEDIATE; %s INSERT OR IGNORE INTO meta (key, value) "
			              "SELECT 'library_id', '%s' WHERE NOT EXISTS (SELECT 1 FROM meta "
			              "WHERE key = 'format_version'); INSERT OR IGNORE INTO meta (key, value) "
			              "VALUES ('format_version', '%d'), ('created', "
			              "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now')); COMMIT;",
			              schema, hid, LIB_FORMAT_VERSION);
			int r = db_exec(lib, q, err, errlen);
			free(q);
			if (r < 0) {
				rollback(lib);
				goto fail;
			}
		}
	} else if (lock_reader(lib, err, errlen) < 0 ||
	           open_db(lib, SQLITE_OPEN_READONLY, err, errlen) < 0)
		goto fail;
	int v = format_version(lib, err, errlen);
	if (v < 0 && o->mode == LIB_READ &&
	    sqlite3_extended_errcode(lib->db) == SQLITE_READONLY_ROLLBACK) {
		if (recover_hot_journal(lib, err, errlen) < 0)
			goto fail;
		v = format_version(lib, err, errlen);
	}
	if (v < 0)
		goto fail;
	if (v == 0) {
		snprintf(err, errlen, "'%s' is not a dumptrace library (no format version)", path);
		goto fail;
	}
	if (v > LIB_FORMAT_SHARDED) {
		snprintf(err, errlen,
		         "library '%s' is of format %d, newer than this dumptrace reads (%d)", path,
		         v, LIB_FORMAT_SHARDED);
		goto fail;
	}
	if (v < LIB_FORMAT_VERSION) {
		snprintf(err, errlen,
		         "library '%s' is of format %d, made by an earlier dumptrace with unkeyed "
		         "fingerprints that anyone holding it can test; this dumptrace reads format %d "
		         "only: ingest its leaks again into a new library",
		         path, v, LIB_FORMAT_VERSION);
		goto fail;
	}
	char *id = NULL;
	if (meta_get(lib, "library_id", &id, err, errlen) < 0)
		goto fail;
	if (!id || strlen(id) != 32 || strspn(id, "0123456789abcdef") != 32) {
		free(id);
		snprintf(err, errlen, "library '%s' has no valid library id in its catalog", path);
		goto fail;
	}
	memcpy(lib->id, id, 33);
	free(id);
	if (v == LIB_FORMAT_SHARDED && load_shards(lib, err, errlen) < 0)
		goto fail;
	if (lib->only_shard > (lib->nshards ? lib->nshards : 1)) {
		snprintf(err, errlen, "library '%s' has no shard %u", path, lib->only_shard - 1);
		goto fail;
	}
	if (o->mode == LIB_WRITE)
		lib_gc(lib);
	return lib;
fail:
	library_close(lib);
	/* a library that is there but unreadable is not a missing one (SQLite leaves ENOENT behind) */
	errno = EIO;
	return NULL;
}

void
library_close(struct library *lib)
{
	if (!lib)
		return;
	if (lib->db)
		sqlite3_close(lib->db);
	if (lib->lock_fd >= 0)
		close(lib->lock_fd);
	shards_free(lib->shard, lib->nshards);
	free(lib->path);
	free(lib);
}

const char *
library_id(const struct library *lib)
{
	return lib->id;
}

int
library_key_bytes(struct library *lib, const char *key_file, int flags,
		  unsigned char key[FP_KEY_SIZE], char *err, size_t errlen)
{
	char *have = NULL, check[33], path[4200];
	if (meta_get(lib, "key_check", &have, err, errlen) < 0)
		return -1;
	int r;
	if (key_file) {
		r = key_read(key_file, key, err, errlen);
		if (r == 1)
			snprintf(err, errlen, "no key file '%s'", key_file);
		if (r != 0)
			goto fail;
	} else {
		if (keys_path(lib->id, path, sizeof(path), err, errlen) < 0)
			goto fail;
		r = key_read(path, key, err, errlen);
		if (r < 0)
			goto fail;
		if (r == 1) {
			if (have) {
				snprintf(err, errlen,
					 "library '%s' has no key on this machine (%s is missing): its "
					 "fingerprints are keyed, and without the key it matches nothing; "
					 "import the key it was made with (dumptrace key import --library "
					 "%s FILE) or give --key-file",
					 lib->path, path, lib->path);
				goto fail;
			}
			key_new(key); /* no leak was ever fingerprinted with another */
			if (lib->mode == LIB_WRITE && !(flags & LIB_KEY_NOSTORE) &&
			    key_write(path, key, 1, err, errlen) < 0)
				goto fail;
		}
	}
	key_check(key, lib->id, check);
	if (have && sodium_memcmp(have, check, 32) != 0) {
		snprintf(err, errlen,
			 "%s is not the key of library '%s' (its fingerprints were made with another)",
			 key_file ? key_file : path, lib->path);
		goto fail;
	}
	if (!have && lib->mode == LIB_WRITE && (flags & LIB_KEY_SET) &&
	    (digest_guard(lib, err, errlen) < 0 || meta_set(lib, "key_check", check, err, errlen) < 0 ||
	     digest_store(lib, err, errlen) < 0))
		goto fail;
	free(have);
	return 0;
fail:
	free(have);
	sodium_memzero(key, FP_KEY_SIZE);
	return -1;
}

int
library_key(struct library *lib, const char *key_file, int flags, struct fp_key *k, char *err,
	    size_t errlen)
{
	unsigned char key[FP_KEY_SIZE];
	if (library_key_bytes(lib, key_file, flags, key, err, errlen) < 0)
		return -1;
	fp_key_from_secret(k, key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

/* --- reading leaks and profiles ---------------------------------------- */

/* err = "leak 'NAME': e", the name from the row st is on. */
static void
leak_err(sqlite3_stmt *st, const char *e, char *err, size_t errlen)
{
	const char *name = (const char *)sqlite3_column_text(st, 1);
	snprintf(err, errlen, "leak '%s': %s", name ? name : "?", e);
}

int
library_leaks(struct library *lib, struct lib_leak **out, size_t *n, char *err, size_t errlen)
{
	char e[512];
	sqlite3_stmt *st =
	    prep(lib, "SELECT " LEAK_COLS " FROM leaks l ORDER BY l.name", err, errlen);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		if (read_leak(st, &(*out)[*n], e, sizeof(e)) < 0) {
			leak_err(st, e, err, errlen);
			goto fail;
		}
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		db_fail(lib, "read", err, errlen);
		goto fail;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	lib_leaks_free(*out, *n);
	*out = NULL;
	*n = 0;
	return -1;
}

int
library_leak(struct library *lib, const char *name, struct lib_leak *out, char *err, size_t errlen)
{
	sqlite3_stmt *st =
	    prep(lib, "SELECT " LEAK_COLS " FROM leaks l WHERE l.name = ?1", err, errlen);
	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), r;
	if (rc == SQLITE_ROW) {
		char e[512];
		r = 1;
		if (read_leak(st, out, e, sizeof(e)) < 0) {
			leak_err(st, e, err, errlen);
			r = -1;
		}
	} else if (rc == SQLITE_DONE)
		r = 0;
	else
		r = db_fail(lib, "read", err, errlen);
	sqlite3_finalize(st);
	return r;
}

void
lib_profile_release(struct lib_profile *p)
{
	if (!p)
		return;
	lib_leak_release(&p->leak);
	for (size_t i = 0; i < p->nsources; i++) {
		free(p->sources[i].path);
		free(p->sources[i].format);
		free(p->sources[i].encoding);
		free(p->sources[i].table);
	}
	free(p->sources);
	for (size_t i = 0; i < p->ncolumns; i++) {
		free(p->columns[i].table);
		free(p->columns[i].name);
		free(p->columns[i].sketch);
	}
	free(p->columns);
	free(p->sets);
	for (size_t i = 0; i < p->ndates; i++) {
		free(p->dates[i].column);
		for (size_t j = 0; j < p->dates[i].nmonths; j++)
			free(p->dates[i].months[j].key);
		free(p->dates[i].months);
	}
	free(p->dates);
	for (size_t i = 0; i < p->nbirth_years; i++)
		free(p->birth_years[i].key);
	free(p->birth_years);
	for (size_t i = 0; i < p->ndomains; i++)
		free(p->domains[i].key);
	free(p->domains);
	memset(p, 0, sizeof(*p));
}

/* Copies a short text column into a fixed buffer; -1 when it does not fit. */
static int
col_fixed(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	buf[0] = '\0';
	if (!s)
		return 0;
	if (strlen(s) >= size)
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

static int
read_sources(struct library *lib, struct lib_profile *p, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib,
	                        "SELECT ord, path, size, sha256, format, encoding, table_name,"
	                        " records, rejected FROM sources WHERE leak_id = ?1 ORDER BY ord",
	                        err, errlen);
	size_t cap = 0;
	int rc;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->leak.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->sources = xgrow(p->sources, &cap, p->nsources + 1, sizeof(*p->sources));
		struct lib_source *s = &p->sources[p->nsources++];
		memset(s, 0, sizeof(*s));
		s->path = col_str(st, 1);
		s->format = col_str(st, 4);
		s->encoding = col_str(st, 5);
		s->table = col_str(st, 6);
		if (sqlite3_column_int64(st, 0) != (int64_t)p->nsources - 1 ||
		    col_count(st, 2, &s->size) < 0 || col_fixed(st, 3, s->sha256, 65) < 0 ||
		    col_count(st, 7, &s->records) < 0 || col_count(st, 8, &s->rejected) < 0) {
			snprintf(err, errlen, "leak '%s': bad source %zu in the catalog",
			         p->leak.name, p->nsources - 1);
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(lib, "read", err, errlen);
}

static int
read_columns(struct library *lib, struct lib_profile *p, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib,
	                        "SELECT source, table_name, name, position, type, validation_rate,"
	                        " \"values\", distinct_estimate, sketch FROM columns"
	                        " WHERE leak_id = ?1 ORDER BY rowid",
	                        err, errlen);
	size_t cap = 0;
	int rc;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->leak.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->columns = xgrow(p->columns, &cap, p->ncolumns + 1, sizeof(*p->columns));
		struct lib_column *c = &p->columns[p->ncolumns++];
		uint64_t src = 0, pos = 0;
		memset(c, 0, sizeof(*c));
		c->table = col_str(st, 1);
		c->name = col_str(st, 2);
		const unsigned char *t = sqlite3_column_text(st, 4);
		c->type = t ? types_from_name((const char *)t) : DT_NONE;
		int bad = col_count(st, 0, &src) < 0 || src >= p->nsources ||
		          col_count(st, 3, &pos) < 0 || pos > INT_MAX ||
		          (c->type == DT_NONE && t && strcmp((const char *)t, "none")) ||
		          col_real(st, 5, 1, &c->validation_rate) < 0 ||
		          col_count(st, 6, &c->values) < 0 ||
		          col_real(st, 7, 1e30, &c->distinct) < 0;
		c->source = (int)(src < p->nsources ? src : 0);
		c->position = (int)(pos <= INT_MAX ? pos : 0);
		int bt = sqlite3_column_type(st, 8);
		if (bt == SQLITE_BLOB) {
			c->sketch_len = (size_t)sqlite3_column_bytes(st, 8);
			c->sketch = xmalloc(c->sketch_len ? c->sketch_len : 1);
			if (c->sketch_len)
				memcpy(c->sketch, sqlite3_column_blob(st, 8), c->sketch_len);
		} else if (bt != SQLITE_NULL)
			bad = 1;
		if (bad) {
			snprintf(err, errlen, "leak '%s': bad column '%s' in the catalog",
			         p->leak.name, c->name ? c->name : "?");
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(lib, "read", err, errlen);
}

/* Rows of (key, count) for one query with ?1 = leak id (and ?2 = text when given). */
static int
read_counts(struct library *lib, const char *sql, int64_t id, const char *arg2, int numeric_key,
            struct lib_count **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib, sql, err, errlen);
	size_t cap = 0;
	int rc;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (arg2)
		sqlite3_bind_text(st, 2, arg2, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kt = sqlite3_column_type(st, 0);
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		struct lib_count *c = &(*out)[(*n)++];
		c->key = col_str(st, 0);
		if (!c->key || (numeric_key && kt != SQLITE_INTEGER) ||
		    col_count(st, 1, &c->n) < 0) {
			snprintf(err, errlen, "bad count '%s' in the catalog",
			         c->key ? c->key : "NULL");
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(lib, "read", err, errlen);
}

static int
read_dates(struct library *lib, struct lib_profile *p, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib,
	                        "SELECT column_name, min, max, count FROM dates WHERE leak_id = ?1"
	                        " ORDER BY rowid",
	                        err, errlen);
	size_t cap = 0;
	int rc;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->leak.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->dates = xgrow(p->dates, &cap, p->ndates + 1, sizeof(*p->dates));
		struct lib_dates *d = &p->dates[p->ndates++];
		memset(d, 0, sizeof(*d));
		d->column = col_str(st, 0);
		if (!d->column || col_fixed(st, 1, d->min, sizeof(d->min)) < 0 ||
		    col_fixed(st, 2, d->max, sizeof(d->max)) < 0 ||
		    col_count(st, 3, &d->count) < 0) {
			snprintf(err, errlen, "leak '%s': bad date column '%s' in the catalog",
			         p->leak.name, d->column ? d->column : "NULL");
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(lib, "read", err, errlen);
	for (size_t i = 0; i < p->ndates; i++) {
		char e[256];
		if (read_counts(lib,
		                "SELECT month, count FROM date_months WHERE leak_id = ?1 AND"
		                " column_name = ?2 ORDER BY month",
		                p->leak.id, p->dates[i].column, 0, &p->dates[i].months,
		                &p->dates[i].nmonths, e, sizeof(e)) < 0) {
			snprintf(err, errlen, "leak '%s': date column '%s': %s", p->leak.name,
			         p->dates[i].column, e);
			return -1;
		}
	}
	return 0;
}

/* The profile; verify reads it without the sets, which it checks row by row. */
static int
read_profile(struct library *lib, const char *name, int with_sets, struct lib_profile *out,
             char *err, size_t errlen)
{
	char e[512];
	memset(out, 0, sizeof(*out));
	int r = library_leak(lib, name, &out->leak, err, errlen);
	if (r <= 0)
		return r;
	if (read_sources(lib, out, err, errlen) < 0 || read_columns(lib, out, err, errlen) < 0 ||
	    (with_sets && get_sets(lib, out->leak.id, name, &out->sets, &out->nsets, NULL, NULL,
	                           NULL, err, errlen) < 0) ||
	    read_dates(lib, out, err, errlen) < 0)
		goto fail;
	if (read_counts(lib, "SELECT year, count FROM birth_years WHERE leak_id = ?1 ORDER BY year",
	                out->leak.id, NULL, 1, &out->birth_years, &out->nbirth_years, e,
	                sizeof(e)) < 0 ||
	    read_counts(lib,
	                "SELECT domain, count FROM email_domains WHERE leak_id = ?1"
	                " ORDER BY count DESC, domain",
	                out->leak.id, NULL, 0, &out->domains, &out->ndomains, e, sizeof(e)) < 0) {
		snprintf(err, errlen, "leak '%s': %s", name, e);
		goto fail;
	}
	return 1;
fail:
	lib_profile_release(out);
	return -1;
}

int
library_profile(struct library *lib, const char *name, struct lib_profile *out, char *err,
                size_t errlen)
{
	return read_profile(lib, name, 1, out, err, errlen);
}

/* --- same content, same file ------------------------------------------- */

void
lib_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int
names_of(struct library *lib, sqlite3_stmt *st, char ***names, size_t *n, char *err, size_t errlen)
{
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *s = col_str(st, 0);
		if (!s)
			continue;
		*names = xgrow(*names, &cap, *n + 1, sizeof(**names));
		(*names)[(*n)++] = s;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	lib_names_free(*names, *n);
	*names = NULL;
	*n = 0;
	return db_fail(lib, "read", err, errlen);
}

int
library_same_content(struct library *lib, uint64_t digest, char ***names, size_t *n, char *err,
                     size_t errlen)
{
	char d[17];
	sqlite3_stmt *st =
	    prep(lib, "SELECT name FROM leaks WHERE digest = ?1 ORDER BY name", err, errlen);
	*names = NULL;
	*n = 0;
	if (!st)
		return -1;
	snprintf(d, sizeof(d), "%016" PRIx64, digest);
	sqlite3_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
	return names_of(lib, st, names, n, err, errlen);
}

int
library_same_file(struct library *lib, const char *sha256, char ***names, size_t *n, char *err,
                  size_t errlen)
{
	*names = NULL;
	*n = 0;
	if (!sha256 || !*sha256) /* stdin: nothing to compare */
		return 0;
	sqlite3_stmt *st =
	    prep(lib,
	         "SELECT DISTINCT l.name FROM leaks l JOIN sources s ON s.leak_id = l.id"
	         " WHERE s.sha256 = ?1 ORDER BY l.name",
	         err, errlen);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_TRANSIENT);
	return names_of(lib, st, names, n, err, errlen);
}

/* --- shards: a set split by key range, the split of a whole library --- */

/*
 * Writes the keys of src into one part per shard of v[0..n) (part_of: a
 * key's highest byte -> its shard), each at ROOT/tmp/STAGE/DIR/FILE,
 * fsynced; *blocks and *bytes are the parts' sums. 0, or -1 (err).
 */
static int
split_set(const struct lib_shard *v, size_t n, const uint8_t *part_of, const char *stage,
	  const char *dir, const char *file, const struct fpset *src, uint64_t *blocks, uint64_t *bytes,
	  char *err, size_t errlen)
{
	struct fpset_writer **w = xcalloc(n, sizeof(*w));
	char **paths = xcalloc(n, sizeof(*paths));
	struct fpset_iter it;
	uint64_t k;
	int rc = 0, r;

	*blocks = *bytes = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		paths[i] = fmt("%s/tmp/%s/%s/%s", v[i].path, stage, dir, file);
		if (!(w[i] = fpset_writer_open(paths[i], 0, err, errlen)))
			rc = -1;
	}
	fpset_iter_init(&it, src);
	while (!rc && (r = fpset_iter_next(&it, &k)) != 0) {
		if (r < 0) {
			snprintf(err, errlen, "set '%s': %s", file, it.err);
			rc = -1;
		} else if (fpset_writer_add(w[part_of[k >> 56]], k) < 0) {
			snprintf(err, errlen, "cannot write '%s'", paths[part_of[k >> 56]]);
			rc = -1;
		}
	}
	fpset_iter_release(&it);
	for (size_t i = 0; i < n; i++) {
		if (!w[i])
			continue;
		if (rc) {
			fpset_writer_abort(w[i]);
			continue;
		}
		int64_t b = fpset_writer_close(w[i], err, errlen);
		struct fpset *f = b < 0 ? NULL : fpset_open(paths[i], err, errlen);
		if (!f) {
			rc = -1;
			continue;
		}
		*blocks += fpset_blocks(f);
		*bytes += (uint64_t)b;
		fpset_close(f);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(w);
	return rc;
}

/* mkdir ROOT/tmp/STAGE/DIR for every shard. 0, or -1 (err). */
static int
stage_dirs(const struct lib_shard *v, size_t n, const char *stage, const char *dir, char *err,
	   size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		char *p = fmt("%s/tmp/%s/%s", v[i].path, stage, dir);
		int r = make_dirs(p, err, errlen);
		free(p);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* ROOT/tmp/STAGE/DIR to ROOT/sets/DIR for every shard, synced. 0, or -1 (err). */
static int
stage_publish(const struct lib_shard *v, size_t n, const char *stage, const char *dir, char *err,
	      size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		char *from = fmt("%s/tmp/%s/%s", v[i].path, stage, dir);
		char *to = fmt("%s/sets/%s", v[i].path, dir);
		char *sets = fmt("%s/sets", v[i].path);
		int r = fsync_path(from, O_RDONLY | O_DIRECTORY) < 0 || rename(from, to) < 0 ||
			fsync_path(sets, O_RDONLY | O_DIRECTORY) < 0;
		if (r)
			snprintf(err, errlen, "cannot move '%s' to '%s': %s", from, to, strerror(errno));
		free(from);
		free(to);
		free(sets);
		if (r)
			return -1;
	}
	return 0;
}

/* Removes ROOT/tmp/STAGE of every shard, and ROOT/sets/DIR when dir is given. */
static void
stage_remove(const struct lib_shard *v, size_t n, const char *stage, const char *dir)
{
	for (size_t i = 0; i < n; i++) {
		char *p = fmt("%s/tmp/%s", v[i].path, stage);
		rm_path(p);
		free(p);
		if (dir) {
			p = fmt("%s/sets/%s", v[i].path, dir);
			rm_path(p);
			free(p);
		}
	}
}

/* A leak directory's fresh name, in no root's sets/ (old or new). */
static void
fresh_dir(struct library *lib, const struct lib_shard *v, size_t n, char dir[18])
{
	for (int tries = 0;; tries++) {
		char hex[17];
		struct stat st;
		int taken = 0;
		rand_hex(hex);
		snprintf(dir, 18, "L%s", hex);
		for (size_t i = 0; i < nroots(lib) + n && !taken; i++) {
			char *p = fmt("%s/sets/%s", i < nroots(lib) ? root(lib, i) : v[i - nroots(lib)].path, dir);
			taken = lstat(p, &st) == 0 || errno != ENOENT;
			free(p);
		}
		if (!taken || tries > 8)
			return; /* a clash after 8 draws of 64 bits: the rename says so */
	}
}

/* Equal ranges of the highest byte for n shards (1 to 256), and the table of a byte's shard. */
static void
shard_ranges(struct lib_shard *v, size_t n, uint8_t part_of[256])
{
	for (size_t i = 0; i < n; i++) {
		v[i].lo = (unsigned)(256 * i / n);
		v[i].hi = (unsigned)(256 * (i + 1) / n);
		for (unsigned b = v[i].lo; b < v[i].hi; b++)
			part_of[b] = (uint8_t)i;
	}
}

/* Makes a shard's directory with its sets/ and tmp/; its real path in *real. 0, or -1 (err). */
static int
shard_dir(const char *path, char **real, char *err, size_t errlen)
{
	if (make_dirs(path, err, errlen) < 0)
		return -1;
	root_subdirs(path);
	if (!(*real = realpath(path, NULL))) {
		snprintf(err, errlen, "cannot resolve '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}


/* --- ingest: staging, commit, abort, remove ---------------------------- */

struct lib_txn *
library_begin(struct library *lib, char *err, size_t errlen)
{
	char hex[17];
	if (lib->mode != LIB_WRITE) {
		snprintf(err, errlen, "library '%s' is open for reading only", lib->path);
		return NULL;
	}
	if (lib->txn) {
		snprintf(err, errlen, "library '%s': an ingest is already under way", lib->path);
		return NULL;
	}
	struct lib_txn *t = xcalloc(1, sizeof(*t));
	for (int tries = 0;; tries++) {
		rand_hex(hex);
		snprintf(t->name, sizeof(t->name), "ingest-%ld-%s", (long)getpid(), hex);
		free(t->dir);
		t->dir = fmt("%s/tmp/%s", lib->path, t->name);
		if (mkdir(t->dir, 0777) == 0)
			break;
		if (errno != EEXIST || tries > 8) {
			snprintf(err, errlen, "cannot create '%s': %s", t->dir, strerror(errno));
			free(t->dir);
			free(t);
			return NULL;
		}
	}
	/* locked before writer.lock is let go: another writer's gc never takes it for a leftover */
	t->lock_fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->lock_fd < 0 || xflock(t->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errlen, "cannot lock '%s': %s", t->dir, strerror(errno));
		if (t->lock_fd >= 0)
			close(t->lock_fd);
		rm_path(t->dir);
		free(t->dir);
		free(t);
		return NULL;
	}
	t->lib = lib;
	lib->txn = t;
	if (lib->concurrent)
		xflock(lib->lock_fd, LOCK_UN); /* others ingest beside us until the commit */
	return t;
}

const char *
lib_txn_dir(const struct lib_txn *t)
{
	return t->dir;
}

size_t
lib_txn_parts(struct lib_txn *t, const char *const **dirs, const uint8_t **part_of, char *err, size_t errlen)
{
	struct library *lib = t->lib;
	*dirs = NULL;
	if (!lib->nshards)
		return 0;
	if (!t->nparts) {
		t->parts = xcalloc(lib->nshards, sizeof(*t->parts));
		for (size_t i = 0; i < lib->nshards; i++) {
			t->parts[i] = fmt("%s/tmp/%s/parts", lib->shard[i].path, t->name);
			if (make_dirs(t->parts[i], err, errlen) < 0) {
				for (size_t j = 0; j <= i; j++)
					free(t->parts[j]);
				free(t->parts);
				t->parts = NULL;
				return (size_t)-1;
			}
		}
		t->nparts = lib->nshards;
	}
	*dirs = (const char *const *)t->parts;
	*part_of = lib->part_of;
	return t->nparts;
}

/*
 * The sets' parts, as lib_txn_parts() staged them: each checked (its
 * name, its shard's range), synced, its keys, blocks and bytes summed
 * into the profile's set. 0, or -1 (err).
 */
static int
stage_check_parts(struct lib_txn *t, struct lib_profile *p, char *err, size_t errlen)
{
	struct library *lib = t->lib;
	for (size_t i = 0; i < p->nsets; i++) {
		struct lib_set *s = &p->sets[i], want = *s;
		if (s->kind == LIB_RECORD)
			want.type = want.attr = DT_NONE;
		else if (!lib_kind_has_attr(s->kind))
			want.attr = DT_NONE;
		lib_set_file(&want);
		if ((unsigned)s->kind > LIB_PRIVATE || strcmp(want.file, s->file)) {
			snprintf(err, errlen, "set '%.64s': bad kind or name", s->file);
			return -1;
		}
		s->keys = s->blocks = s->bytes = 0;
		for (size_t r = 0; r < t->nparts; r++) {
			char e[512], *path = fmt("%s/%s", t->parts[r], s->file);
			struct stat st;
			struct fpset *f = NULL;
			int bad = 1;
			if (stat(path, &st) < 0)
				snprintf(err, errlen, "set '%s': its part for shard %zu was not written: %s", s->file, r,
					 strerror(errno));
			else if (!(f = fpset_open(path, e, sizeof(e))))
				snprintf(err, errlen, "set '%s': its part for shard %zu: %s", s->file, r, e);
			else
				bad = 0;
			if (bad)
				;
			else if (fpset_count(f) && (fpset_first_key(f) >> 56 < lib->shard[r].lo ||
						    fpset_first_key(f) >> 56 >= lib->shard[r].hi)) {
				snprintf(err, errlen, "set '%s': its part for shard %zu holds keys of another", s->file, r);
				bad = 1;
			} else if (fsync_path(path, O_RDONLY) < 0) {
				snprintf(err, errlen, "cannot sync '%s': %s", path, strerror(errno));
				bad = 1;
			} else {
				s->keys += fpset_count(f);
				s->blocks += fpset_blocks(f);
				s->bytes += (uint64_t)st.st_size;
			}
			fpset_close(f);
			free(path);
			if (bad)
				return -1;
		}
		s->kind = want.kind;
		s->type = want.type;
		s->attr = want.attr;
	}
	return 0;
}

static void
txn_free(struct lib_txn *t)
{
	for (size_t i = 0; i < t->nparts; i++)
		free(t->parts[i]);
	free(t->parts);
	if (t->lib && t->lib->txn == t)
		t->lib->txn = NULL;
	if (t->lock_fd >= 0)
		close(t->lock_fd);
	free(t->dir);
	free(t);
}

void
lib_txn_abort(struct lib_txn *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nparts; i++) { /* each shard's staging, parent of its parts */
		char *up = xstrdup(t->parts[i]), *slash = strrchr(up, '/');
		if (slash)
			*slash = '\0';
		rm_path(up);
		free(up);
	}
	rm_path(t->dir);
	txn_free(t);
}

/* The test hook (see the top of the file): dies at step n when asked. */
static void
crash_point(int n)
{
	const char *s = getenv("DUMPTRACE_LIB_CRASH_AT");
	if (s && atoi(s) == n)
		_exit(99);
}

/*
 * Checks the profile's sets against the staging directory and takes their
 * keys, blocks and bytes from the files, so the catalog says what is on
 * disk; then fsyncs every file there and the directory itself.
 */
static int
stage_check(struct lib_txn *t, struct lib_profile *p, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->nsets; i++) {
		struct lib_set *s = &p->sets[i], want = *s;
		struct stat st;
		char e[512];
		if ((unsigned)s->kind > LIB_PRIVATE || (unsigned)s->type >= DT_TYPE_COUNT ||
		    (unsigned)s->attr >= DT_TYPE_COUNT ||
		    (s->kind != LIB_RECORD && s->type == DT_NONE) ||
		    (lib_kind_has_attr(s->kind) && s->attr == DT_NONE)) {
			snprintf(err, errlen, "set '%.64s': bad kind or type", s->file);
			return -1;
		}
		if (s->kind == LIB_RECORD)
			want.type = want.attr = DT_NONE;
		else if (!lib_kind_has_attr(s->kind))
			want.attr = DT_NONE;
		lib_set_file(&want);
		if (strcmp(want.file, s->file)) {
			snprintf(err, errlen, "set '%.64s': should be named '%s'", s->file,
			         want.file);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->sets[j].file, s->file)) {
				snprintf(err, errlen, "set '%s' given twice", s->file);
				return -1;
			}
		char *path = fmt("%s/%s", t->dir, s->file);
		struct fpset *f = NULL;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			snprintf(err, errlen, "set '%s' was not written: %s", s->file,
			         errno ? strerror(errno) : "not a regular file");
		else if (!(f = fpset_open(path, e, sizeof(e))))
			set_msg(err, errlen, s->file, path, e);
		else if (fsync_path(path, O_RDONLY) < 0)
			snprintf(err, errlen, "cannot sync '%s': %s", path, strerror(errno));
		else {
			s->kind = want.kind;
			s->type = want.type;
			s->attr = want.attr;
			s->keys = fpset_count(f);
			s->blocks = fpset_blocks(f);
			s->bytes = (uint64_t)st.st_size;
			fpset_close(f);
			free(path);
			continue;
		}
		fpset_close(f);
		free(path);
		return -1;
	}
	if (fsync_path(t->dir, O_RDONLY | O_DIRECTORY) < 0) {
		snprintf(err, errlen, "cannot sync '%s': %s", t->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Runs a prepared insert to completion and resets it for the next row. */
static int
step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
is_sha256(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64 || i == 0;
}

/* Inserts the leak's child rows (the leak row is in, p->leak.id set). */
static int
insert_children(struct library *lib, struct lib_profile *p, char *err, size_t errlen)
{
	static const char *const sql[] = {
	    "INSERT INTO sources (leak_id, ord, path, size, sha256, format, encoding,"
	    " table_name, records, rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	    "INSERT INTO columns (leak_id, source, table_name, name, position, type,"
	    " validation_rate, \"values\", distinct_estimate, sketch)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	    "INSERT INTO sets (leak_id, kind, type, attr_type, file, keys, bytes, blocks)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	    "INSERT INTO dates (leak_id, column_name, min, max, count)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	    "INSERT INTO date_months (leak_id, column_name, month, count) VALUES (?1, ?2, ?3, ?4)",
	    "INSERT INTO birth_years (leak_id, year, count) VALUES (?1, ?2, ?3)",
	    "INSERT INTO email_domains (leak_id, domain, count) VALUES (?1, ?2, ?3)",
	};
	sqlite3_stmt *st[7] = {0};
	const char *bad = NULL;
	int64_t id = p->leak.id;
	int r = -1;

	for (int i = 0; i < 7; i++)
		if (sqlite3_prepare_v2(lib->db, sql[i], -1, &st[i], NULL) != SQLITE_OK)
			goto dbfail;
	for (size_t i = 0; i < p->nsources; i++) {
		struct lib_source *s = &p->sources[i];
		if (!s->path || !is_sha256(s->sha256)) {
			bad = "source";
			goto out;
		}
		sqlite3_bind_int64(st[0], 1, id);
		sqlite3_bind_int64(st[0], 2, (int64_t)i);
		bind_str(st[0], 3, s->path);
		bind_count(st[0], 4, s->size);
		bind_str(st[0], 5, *s->sha256 ? s->sha256 : NULL);
		bind_str(st[0], 6, s->format);
		bind_str(st[0], 7, s->encoding);
		bind_str(st[0], 8, s->table);
		if (bind_count(st[0], 9, s->records) || bind_count(st[0], 10, s->rejected)) {
			bad = "source counts";
			goto out;
		}
		if (step_reset(st[0]) < 0)
			goto dbfail;
	}
	for (size_t i = 0; i < p->ncolumns; i++) {
		struct lib_column *c = &p->columns[i];
		if (c->source < 0 || (size_t)c->source >= p->nsources || c->position < 0 ||
		    (unsigned)c->type >= DT_TYPE_COUNT || !(c->validation_rate >= 0) ||
		    c->validation_rate > 1 || !(c->distinct >= 0) || c->distinct > 1e30 ||
		    bind_count(st[1], 8, c->values)) {
			bad = "column";
			goto out;
		}
		sqlite3_bind_int64(st[1], 1, id);
		sqlite3_bind_int(st[1], 2, c->source);
		bind_str(st[1], 3, c->table);
		bind_str(st[1], 4, c->name);
		sqlite3_bind_int(st[1], 5, c->position);
		bind_str(st[1], 6, types_name(c->type));
		sqlite3_bind_double(st[1], 7, c->validation_rate);
		sqlite3_bind_double(st[1], 9, c->distinct);
		if (c->sketch)
			sqlite3_bind_blob64(st[1], 10, c->sketch, c->sketch_len, SQLITE_STATIC);
		if (step_reset(st[1]) < 0)
			goto dbfail;
	}
	for (size_t i = 0; i < p->nsets; i++) {
		struct lib_set *s = &p->sets[i];
		sqlite3_bind_int64(st[2], 1, id);
		bind_str(st[2], 2, lib_kind_name(s->kind));
		bind_str(st[2], 3, s->kind != LIB_RECORD ? types_name(s->type) : NULL);
		bind_str(st[2], 4, lib_kind_has_attr(s->kind) ? types_name(s->attr) : NULL);
		bind_str(st[2], 5, s->file);
		if (bind_count(st[2], 6, s->keys) || bind_count(st[2], 7, s->bytes) ||
		    bind_count(st[2], 8, s->blocks)) {
			bad = "set counts";
			goto out;
		}
		if (step_reset(st[2]) < 0)
			goto dbfail;
	}
	for (size_t i = 0; i < p->ndates; i++) {
		struct lib_dates *d = &p->dates[i];
		if (!d->column || bind_count(st[3], 5, d->count)) {
			bad = "date column";
			goto out;
		}
		sqlite3_bind_int64(st[3], 1, id);
		bind_str(st[3], 2, d->column);
		bind_str(st[3], 3, *d->min ? d->min : NULL);
		bind_str(st[3], 4, *d->max ? d->max : NULL);
		if (step_reset(st[3]) < 0)
			goto dbfail;
		for (size_t j = 0; j < d->nmonths; j++) {
			if (!d->months[j].key || bind_count(st[4], 4, d->months[j].n)) {
				bad = "date month";
				goto out;
			}
			sqlite3_bind_int64(st[4], 1, id);
			bind_str(st[4], 2, d->column);
			bind_str(st[4], 3, d->months[j].key);
			if (step_reset(st[4]) < 0)
				goto dbfail;
		}
	}
	for (size_t i = 0; i < p->nbirth_years; i++) {
		char *end;
		const char *k = p->birth_years[i].key;
		long y = k ? strtol(k, &end, 10) : 0;
		if (!k || !*k || *end || y < 0 || y > 9999 ||
		    bind_count(st[5], 3, p->birth_years[i].n)) {
			bad = "birth year";
			goto out;
		}
		sqlite3_bind_int64(st[5], 1, id);
		sqlite3_bind_int64(st[5], 2, y);
		if (step_reset(st[5]) < 0)
			goto dbfail;
	}
	for (size_t i = 0; i < p->ndomains; i++) {
		if (!p->domains[i].key || bind_count(st[6], 3, p->domains[i].n)) {
			bad = "e-mail domain";
			goto out;
		}
		sqlite3_bind_int64(st[6], 1, id);
		bind_str(st[6], 2, p->domains[i].key);
		if (step_reset(st[6]) < 0)
			goto dbfail;
	}
	r = 0;
	goto out;
dbfail:
	db_fail(lib, "update", err, errlen);
out:
	if (bad)
		snprintf(err, errlen, "leak '%s': bad %s", p->leak.name, bad);
	for (int i = 0; i < 7; i++)
		sqlite3_finalize(st[i]);
	return r;
}

/* Inserts the leak row; p->leak.id is set. */
static int
insert_leak(struct library *lib, struct lib_profile *p, const char *dir, char *err, size_t errlen)
{
	struct lib_leak *l = &p->leak;
	sqlite3_stmt *st = NULL;
	char digest[17];
	uint64_t bytes = 0;

	for (size_t i = 0; i < p->nsets; i++)
		bytes += p->sets[i].bytes;
	snprintf(digest, sizeof(digest), "%016" PRIx64, l->digest);
	if (sqlite3_prepare_v2(
	        lib->db,
	        "INSERT INTO leaks (name, title, domain, breach_date, added_date,"
	        " pwn_count, data_classes, description, is_verified, is_fabricated,"
	        " is_spam_list, records, rejected, duplicates, digest, bytes, dir)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	        " ?15, ?16, ?17)",
	        -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return db_fail(lib, "update", err, errlen);
	}
	bind_str(st, 1, l->name);
	bind_str(st, 2, l->title);
	bind_str(st, 3, l->domain);
	bind_str(st, 4, l->breach_date);
	bind_str(st, 5, l->added_date);
	bind_str(st, 7, l->data_classes);
	bind_str(st, 8, l->description);
	sqlite3_bind_int(st, 9, !!l->is_verified);
	sqlite3_bind_int(st, 10, !!l->is_fabricated);
	sqlite3_bind_int(st, 11, !!l->is_spam_list);
	bind_str(st, 15, digest);
	bind_str(st, 17, dir);
	if (bind_count(st, 6, l->pwn_count < 0 ? l->records : (uint64_t)l->pwn_count) ||
	    bind_count(st, 12, l->records) || bind_count(st, 13, l->rejected) ||
	    bind_count(st, 14, l->duplicates) || bind_count(st, 16, bytes)) {
		sqlite3_finalize(st);
		snprintf(err, errlen, "leak '%s': counts too large", l->name);
		return -1;
	}
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(lib, "update", err, errlen);
	l->id = sqlite3_last_insert_rowid(lib->db);
	l->bytes = bytes;
	return 0;
}

/* A leak's id and dir by name: 1 found, 0 none, -1 error. */
static int
find_leak(struct library *lib, const char *name, int64_t *id, char **dir, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib, "SELECT id, dir FROM leaks WHERE name = ?1", err, errlen);
	*dir = NULL;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), r;
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*dir = col_str(st, 1);
		r = 1;
	} else
		r = rc == SQLITE_DONE ? 0 : db_fail(lib, "read", err, errlen);
	sqlite3_finalize(st);
	return r;
}

static int txn_commit(struct lib_txn *t, struct lib_profile *p, int replace, char *err, size_t errlen);

int
lib_txn_commit(struct lib_txn *t, struct lib_profile *p, int replace, char *err, size_t errlen)
{
	struct library *lib = t->lib;
	if (!lib->concurrent)
		return txn_commit(t, p, replace, err, errlen);
	/* the writer lock again, for the commit: waited for (another commit is short) */
	if (writer_take(lib, 0, err, errlen) < 0) {
		lib_txn_abort(t);
		return -1;
	}
	int r = txn_commit(t, p, replace, err, errlen);
	xflock(lib->lock_fd, LOCK_UN);
	return r;
}

static int
txn_commit(struct lib_txn *t, struct lib_profile *p, int replace, char *err, size_t errlen)
{
	struct library *lib = t->lib;
	char hex[17], *final = NULL, *old_dir = NULL, dir[18];
	int64_t old_id = 0;
	int r = -1, renamed = 0;

	if (!p->leak.name || !*p->leak.name) {
		snprintf(err, errlen, "a leak needs a name");
		goto fail;
	}
	for (const char *c = p->leak.name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(err, errlen, "bad leak name '%s'", p->leak.name);
			goto fail;
		}
	/* the layout as the catalog has it now: a split may have run since this library opened */
	if (reload_shards(lib, err, errlen) < 0)
		goto fail;
	if (t->nparts) { /* parts staged for the layout of the begin: still the layout? */
		int same = t->nparts == lib->nshards;
		for (size_t i = 0; i < t->nparts && same; i++) {
			char *want = fmt("%s/tmp/%s/parts", lib->shard[i].path, t->name);
			same = !strcmp(want, t->parts[i]);
			free(want);
		}
		if (!same) {
			snprintf(err, errlen, "the library was split again while this ingest ran: ingest again");
			goto fail;
		}
	}
	/* 1: the set files and the staging directory are on disk */
	if (t->nparts ? stage_check_parts(t, p, err, errlen) < 0 : stage_check(t, p, err, errlen) < 0)
		goto fail;
	if (!p->leak.added_date) {
		char today[16];
		time_t now = time(NULL);
		struct tm tm;
		strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
		p->leak.added_date = xstrdup(today);
	}
	crash_point(1);
	/* 2: the write transaction; the name is free or being replaced */
	if (db_exec(lib, "BEGIN IMMEDIATE", err, errlen) < 0)
		goto fail;
	if (digest_guard(lib, err, errlen) < 0)
		goto fail;
	int found = find_leak(lib, p->leak.name, &old_id, &old_dir, err, errlen);
	if (found < 0)
		goto fail;
	if (found && !replace) {
		snprintf(err, errlen, "leak '%s' is already in the library (use --replace)",
		         p->leak.name);
		r = 1;
		goto fail;
	}
	/* 3 (sharded): the sets split into the shards under a fresh name, moved into their sets/ */
	if (lib->nshards && t->nparts) { /* the ingest wrote the parts: each shard's into its sets/ */
		fresh_dir(lib, NULL, 0, dir);
		renamed = 1; /* from here, the shards' directories go on failure */
		for (size_t i = 0; i < lib->nshards; i++) {
			char *to = fmt("%s/sets/%s", lib->shard[i].path, dir);
			char *sets = fmt("%s/sets", lib->shard[i].path);
			int bad = fsync_path(t->parts[i], O_RDONLY | O_DIRECTORY) < 0 || rename(t->parts[i], to) < 0 ||
				  fsync_path(sets, O_RDONLY | O_DIRECTORY) < 0;
			if (bad)
				snprintf(err, errlen, "cannot move '%s' to '%s': %s", t->parts[i], to, strerror(errno));
			free(to);
			free(sets);
			if (bad)
				goto fail;
		}
		goto rows;
	}
	if (lib->nshards) { /* staged whole (begun before a split): split now */
		fresh_dir(lib, NULL, 0, dir);
		if (stage_dirs(lib->shard, lib->nshards, t->name, dir, err, errlen) < 0)
			goto fail;
		renamed = 1; /* from here, the shards' directories go on failure */
		for (size_t i = 0; i < p->nsets; i++) {
			char e[768], *path = fmt("%s/%s", t->dir, p->sets[i].file);
			struct fpset *src = fpset_open(path, e, sizeof(e));
			free(path);
			if (!src || split_set(lib->shard, lib->nshards, lib->part_of, t->name, dir, p->sets[i].file,
					      src, &p->sets[i].blocks, &p->sets[i].bytes, e, sizeof(e)) < 0) {
				snprintf(err, errlen, "%s", e);
				fpset_close(src);
				goto fail;
			}
			fpset_close(src);
		}
		if (stage_publish(lib->shard, lib->nshards, t->name, dir, err, errlen) < 0)
			goto fail;
		goto rows;
	}
	/* 3: into sets/ under a fresh name; synced, so the catalog never names a lost dir */
	for (int tries = 0;; tries++) {
		struct stat st;
		rand_hex(hex);
		snprintf(dir, sizeof(dir), "L%s", hex);
		free(final);
		final = fmt("%s/sets/%s", lib->path, dir);
		if (lstat(final, &st) < 0 && errno == ENOENT)
			break;
		if (tries > 8) {
			snprintf(err, errlen, "cannot name a directory in '%s/sets'", lib->path);
			goto fail;
		}
	}
	if (rename(t->dir, final) < 0) {
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", t->dir, final,
		         strerror(errno));
		goto fail;
	}
	renamed = 1;
	char *sets = fmt("%s/sets", lib->path), *tmp = fmt("%s/tmp", lib->path);
	int sync = fsync_path(sets, O_RDONLY | O_DIRECTORY) < 0 ||
	           fsync_path(tmp, O_RDONLY | O_DIRECTORY) < 0;
	free(sets);
	free(tmp);
	if (sync) {
		snprintf(err, errlen, "cannot sync '%s/sets': %s", lib->path, strerror(errno));
		goto fail;
	}
rows:
	crash_point(2);
	/* 4: the rows; the replaced leak's go by cascade */
	if (found) {
		sqlite3_stmt *st = prep(lib, "DELETE FROM leaks WHERE id = ?1", err, errlen);
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, old_id);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			db_fail(lib, "update", err, errlen);
			goto fail;
		}
	}
	if (insert_leak(lib, p, dir, err, errlen) < 0 || insert_children(lib, p, err, errlen) < 0 ||
	    digest_store(lib, err, errlen) < 0)
		goto fail;
	crash_point(3);
	/* 5: the commit point */
	if (db_exec(lib, "COMMIT", err, errlen) < 0) {
		/*
		 * Whether the commit stands is SQLite's to say now (a hot
		 * journal may undo it): leave the directory to the next
		 * writer's gc, which asks the catalog.
		 */
		rollback(lib);
		free(p->leak.dir);
		p->leak.dir = NULL;
		renamed = 0;
		goto fail_kept;
	}
	free(p->leak.dir);
	p->leak.dir = xstrdup(dir);
	crash_point(4);
	if (lib->nshards) { /* the whole sets were staged here; their parts are in the shards */
		stage_remove(lib->shard, lib->nshards, t->name, NULL);
		rm_path(t->dir);
	}
	/* 6: the replaced leak's directory, unless a reader still uses it */
	txn_free(t);
	if (found)
		lib_gc(lib);
	free(final);
	free(old_dir);
	return 0;
fail:
	rollback(lib);
	if (renamed && lib->nshards)
		stage_remove(lib->shard, lib->nshards, t->name, dir);
	else if (renamed)
		rm_path(final);
fail_kept:
	if (lib->nshards)
		stage_remove(lib->shard, lib->nshards, t->name, NULL);
	lib_txn_abort(t);
	free(final);
	free(old_dir);
	return r;
}


/* The catalog's side of a split, inside the caller's transaction. */
static int
split_catalog(struct library *lib, const struct lib_shard *v, size_t n, const struct lib_leak *ll,
	      size_t nl, char (*dirs)[18], struct lib_set **sets, size_t *nsets, char *err, size_t errlen)
{
	if (db_exec(lib,
		    "DROP TABLE IF EXISTS shards; CREATE TABLE shards (idx INTEGER PRIMARY KEY,"
		    " lo INTEGER NOT NULL, hi INTEGER NOT NULL, path TEXT NOT NULL)",
		    err, errlen) < 0)
		return -1;
	if (!v) {
		if (db_exec(lib, "DROP TABLE shards", err, errlen) < 0)
			return -1;
	} else {
		sqlite3_stmt *st = prep(lib, "INSERT INTO shards (idx, lo, hi, path) VALUES (?1, ?2, ?3, ?4)",
					err, errlen);
		if (!st)
			return -1;
		for (size_t i = 0; i < n; i++) {
			sqlite3_bind_int64(st, 1, (int64_t)i);
			sqlite3_bind_int64(st, 2, v[i].lo);
			sqlite3_bind_int64(st, 3, v[i].hi);
			bind_str(st, 4, v[i].given);
			if (step_reset(st) < 0) {
				sqlite3_finalize(st);
				return db_fail(lib, "update", err, errlen);
			}
		}
		sqlite3_finalize(st);
	}
	sqlite3_stmt *ul = prep(lib, "UPDATE leaks SET dir = ?1, bytes = ?2 WHERE id = ?3", err, errlen);
	sqlite3_stmt *us = ul ? prep(lib, "UPDATE sets SET blocks = ?1, bytes = ?2 WHERE leak_id = ?3 AND file = ?4",
				     err, errlen) : NULL;
	int rc = ul && us ? 0 : -1;
	for (size_t l = 0; l < nl && !rc; l++) {
		uint64_t bytes = 0;
		for (size_t i = 0; i < nsets[l] && !rc; i++) {
			bytes += sets[l][i].bytes;
			bind_count(us, 1, sets[l][i].blocks);
			bind_count(us, 2, sets[l][i].bytes);
			sqlite3_bind_int64(us, 3, ll[l].id);
			bind_str(us, 4, sets[l][i].file);
			rc = step_reset(us);
		}
		bind_str(ul, 1, dirs[l]);
		bind_count(ul, 2, bytes);
		sqlite3_bind_int64(ul, 3, ll[l].id);
		if (!rc)
			rc = step_reset(ul);
		if (rc)
			db_fail(lib, "update", err, errlen);
	}
	sqlite3_finalize(ul);
	sqlite3_finalize(us);
	if (!rc)
		rc = meta_set(lib, "format_version", v ? "3" : "2", err, errlen);
	return rc;
}

int
library_split(struct library *lib, size_t n, const char *const *paths,
	      void (*progress)(void *ctx, const char *leak), void *ctx, char ***left, size_t *nleft,
	      char *err, size_t errlen)
{
	struct lib_shard *v = NULL, *old = NULL;
	size_t nold = 0, nl = 0, left_cap = 0;
	struct lib_leak *ll = NULL;
	struct lib_set **sets = NULL;
	size_t *nsets = NULL;
	char (*dirs)[18] = NULL;
	uint8_t part_of[256];
	char *self = NULL; /* the library's real path */
	int rc = -1, unshard = n == 1 && !paths, began = 0, published = 0;

	*left = NULL;
	*nleft = 0;
	if (lib->mode != LIB_WRITE || lib->txn) {
		snprintf(err, errlen, "library '%s': %s", lib->path,
			 lib->mode != LIB_WRITE ? "open for reading only" : "an ingest is under way");
		return -1;
	}
	if (n < 1 || n > 256) {
		snprintf(err, errlen, "%zu shards: 1 to 256", n);
		return -1;
	}
	/* the staging name, flocked as an ingest's (its tmp/ counterparts in the shards go with it) */
	struct lib_txn *t = library_begin(lib, err, errlen);
	if (!t)
		return -1;
	v = xcalloc(n, sizeof(*v));
	if (unshard) {
		v[0].lo = 0;
		v[0].hi = 256;
		v[0].path = xstrdup(lib->path);
		memset(part_of, 0, sizeof(part_of));
	} else {
		self = realpath(lib->path, NULL);
		shard_ranges(v, n, part_of);
		for (size_t i = 0; i < n; i++) {
			char *want = paths ? xstrdup(paths[i]) : fmt("%s/shards/%03zu", lib->path, i);
			int r = shard_dir(want, &v[i].path, err, errlen);
			free(want);
			if (r < 0)
				goto out;
			for (size_t j = 0; j < i; j++)
				if (!strcmp(v[j].path, v[i].path)) {
					snprintf(err, errlen, "shard directory '%s' given twice", v[i].path);
					goto out;
				}
			if (self && !strcmp(self, v[i].path)) {
				snprintf(err, errlen, "a shard cannot be the library's own directory");
				goto out;
			}
			/* under the library: kept relative, so that the library copies whole */
			size_t sl = self ? strlen(self) : 0;
			v[i].given = self && !strncmp(v[i].path, self, sl) && v[i].path[sl] == '/'
					 ? xstrdup(v[i].path + sl + 1)
					 : xstrdup(v[i].path);
			free(v[i].path); /* as it will be read back */
			v[i].path = shard_abs(lib, v[i].given);
		}
	}
	/* where this split writes, for the gc of the next writer should it be killed */
	{
		char *rp = fmt("%s/roots", t->dir);
		FILE *f = fopen(rp, "we");
		for (size_t i = 0; f && i < n; i++) {
			char *real = realpath(v[i].path, NULL);
			fprintf(f, "%s\n", real ? real : v[i].path);
			free(real);
		}
		int bad = !f || fflush(f) != 0 || fsync(fileno(f)) != 0;
		if (f)
			fclose(f);
		free(rp);
		if (bad) {
			snprintf(err, errlen, "cannot write in '%s': %s", t->dir, strerror(errno));
			goto out;
		}
	}
	if (library_leaks(lib, &ll, &nl, err, errlen) < 0)
		goto out;
	sets = xcalloc(nl ? nl : 1, sizeof(*sets));
	nsets = xcalloc(nl ? nl : 1, sizeof(*nsets));
	dirs = xcalloc(nl ? nl : 1, sizeof(*dirs));
	for (size_t l = 0; l < nl; l++) {
		if (progress)
			progress(ctx, ll[l].name);
		fresh_dir(lib, v, n, dirs[l]);
		if (get_sets(lib, ll[l].id, ll[l].name, &sets[l], &nsets[l], NULL, NULL, NULL, err, errlen) < 0 ||
		    stage_dirs(v, n, t->name, dirs[l], err, errlen) < 0)
			goto out;
		for (size_t i = 0; i < nsets[l]; i++) {
			char e[768];
			struct fpset *src = open_set(lib, &ll[l], &sets[l][i], e, sizeof(e));
			if (!src) {
				snprintf(err, errlen, "leak '%s': %s", ll[l].name, e);
				goto out;
			}
			int r = split_set(v, n, part_of, t->name, dirs[l], sets[l][i].file, src, &sets[l][i].blocks,
					  &sets[l][i].bytes, e, sizeof(e));
			fpset_close(src);
			if (r < 0) {
				snprintf(err, errlen, "leak '%s': %s", ll[l].name, e);
				goto out;
			}
		}
	}
	for (size_t l = 0; l < nl; l++)
		if (stage_publish(v, n, t->name, dirs[l], err, errlen) < 0)
			goto out;
	published = 1;
	crash_point(5);
	if (db_exec(lib, "BEGIN IMMEDIATE", err, errlen) < 0)
		goto out;
	began = 1;
	if (digest_guard(lib, err, errlen) < 0 ||
	    split_catalog(lib, unshard ? NULL : v, n, ll, nl, dirs, sets, nsets, err, errlen) < 0 ||
	    digest_store(lib, err, errlen) < 0 || db_exec(lib, "COMMIT", err, errlen) < 0)
		goto out;
	began = 0;
	rc = 0;
	/* the new layout in memory; the old one's directories are now leftovers */
	old = lib->shard;
	nold = lib->nshards;
	lib->shard = NULL;
	lib->nshards = 0;
	if (!unshard) {
		lib->shard = v;
		lib->nshards = n;
		memcpy(lib->part_of, part_of, sizeof(part_of));
		v = NULL;
	}
out:
	if (began)
		rollback(lib);
	{
		const struct lib_shard *sv = v ? v : lib->shard;
		size_t sn = v ? n : lib->nshards;
		stage_remove(sv, sn, t->name, NULL);
		if (rc && published)
			for (size_t l = 0; l < nl; l++)
				for (size_t i = 0; i < sn; i++) {
					char *p = fmt("%s/sets/%s", sv[i].path, dirs[l]);
					rm_path(p);
					free(p);
				}
	}
	lib_txn_abort(t);
	if (!rc) {
		lib_gc(lib);
		/*
		 * Old shard directories that are no longer shards: what is ours in
		 * them goes as leftovers do (once no reader holds the library), then
		 * their sets/ and tmp/, and the directory itself when it is the
		 * library's own (shards/NNN). What stays is named for the caller.
		 */
		for (size_t i = 0; i < nold; i++) {
			int still = 0;
			for (size_t j = 0; j < lib->nshards && !still; j++)
				still = !strcmp(old[i].path, lib->shard[j].path);
			if (still)
				continue;
			const char *one = old[i].path;
			gc_roots(lib, &one, 1);
			if (!unroot(lib, one)) {
				*left = xgrow(*left, &left_cap, *nleft + 1, sizeof(**left));
				(*left)[(*nleft)++] = xstrdup(one);
			}
		}
		char *sh = fmt("%s/shards", lib->path);
		rmdir(sh);
		free(sh);
	}
	shards_free(old, nold);
	free(self);
	if (v)
		shards_free(v, n);
	for (size_t l = 0; l < nl; l++)
		free(sets[l]);
	free(sets);
	free(nsets);
	free(dirs);
	lib_leaks_free(ll, nl);
	return rc;
}

int
library_remove(struct library *lib, const char *name, char *err, size_t errlen)
{
	int64_t id;
	char *dir;
	if (lib->mode != LIB_WRITE) {
		snprintf(err, errlen, "library '%s' is open for reading only", lib->path);
		return -1;
	}
	if (db_exec(lib, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	if (digest_guard(lib, err, errlen) < 0) {
		rollback(lib);
		return -1;
	}
	int found = find_leak(lib, name, &id, &dir, err, errlen);
	free(dir);
	if (found <= 0) {
		rollback(lib);
		return found;
	}
	sqlite3_stmt *st = prep(lib, "DELETE FROM leaks WHERE id = ?1", err, errlen);
	if (!st) {
		rollback(lib);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(lib, "update", err, errlen);
		rollback(lib);
		return -1;
	}
	if (digest_store(lib, err, errlen) < 0 || db_exec(lib, "COMMIT", err, errlen) < 0) {
		rollback(lib);
		return -1;
	}
	lib_gc(lib);
	return 1;
}

/* --- lookup and verify ------------------------------------------------- */

/*
 * Each leak's value set of type t, opened, in name order: use(c, leak,
 * set, f), which owns the leak and f. A leak or set that cannot be read
 * is reported (severity 2) and counted in *problems. 0, or -1 when the
 * catalog cannot be read (err).
 */
typedef void (*vset_fn)(void *c, struct lib_leak *leak, const struct lib_set *set, struct fpset *f);

static int
each_value_set(struct library *lib, enum lib_kind kind, enum dt_type t, vset_fn use, void *c,
	       lib_report_fn report, void *ctx, int *problems, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib,
	                        "SELECT " LEAK_COLS ", " SET_COLS " FROM leaks l JOIN sets s ON"
	                        " s.leak_id = l.id WHERE s.kind = ?2 AND s.type = ?1"
	                        " ORDER BY l.name",
	                        err, errlen);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, types_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lib_kind_name(kind), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lib_leak l;
		struct lib_set set;
		char e[768];
		struct fpset *f;
		const char *name = (const char *)sqlite3_column_text(st, 1);
		char *keep = name ? xstrdup(name) : NULL;
		if (read_leak(st, &l, e, sizeof(e)) < 0) {
			report(ctx, 2, keep, e);
			(*problems)++;
			free(keep);
			continue;
		}
		free(keep);
		if (read_set(st, LEAK_NCOLS, &set, e, sizeof(e)) < 0 || !(f = open_set(lib, &l, &set, e, sizeof(e)))) {
			report(ctx, 2, l.name, e);
			(*problems)++;
			lib_leak_release(&l);
			continue;
		}
		use(c, &l, &set, f);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(lib, "read", err, errlen);
}

struct lookup_ctx {
	struct library *lib;
	uint64_t fp;
	lib_found_fn found;
	lib_report_fn report;
	void *ctx;
	int *problems, hits;
};

static void
lookup_one(void *c, struct lib_leak *l, const struct lib_set *set, struct fpset *f)
{
	struct lookup_ctx *q = c;
	int in = fpset_contains(f, q->fp);
	if (in < 0) {
		char e[768];
		char *path = fmt("%s/sets/%s/%s", root(q->lib, 0), l->dir, set->file);
		set_msg(e, sizeof(e), set->file, path, fpset_error(f));
		free(path);
		q->report(q->ctx, 2, l->name, e);
		(*q->problems)++;
	} else if (in) {
		q->found(q->ctx, l);
		q->hits++;
	}
	fpset_close(f);
	lib_leak_release(l);
}

int
library_lookup(struct library *lib, enum dt_type t, uint64_t fp, lib_found_fn found,
               lib_report_fn report, void *ctx, int *problems, char *err, size_t errlen)
{
	struct lookup_ctx q = { lib, fp, found, report, ctx, problems, 0 };
	if (each_value_set(lib, LIB_VALUE, t, lookup_one, &q, report, ctx, problems, err, errlen) < 0)
		return -1;
	return q.hits;
}

struct vsets_ctx {
	struct lib_vset *v;
	size_t n, alloc;
};

static void
vsets_keep(void *c, struct lib_leak *l, const struct lib_set *set, struct fpset *f)
{
	struct vsets_ctx *q = c;
	(void)set;
	q->v = xgrow(q->v, &q->alloc, q->n + 1, sizeof(*q->v));
	q->v[q->n].leak = *l;
	q->v[q->n++].set = f;
}

int
library_value_sets(struct library *lib, enum lib_kind kind, enum dt_type t, struct lib_vset **out,
		   size_t *n, lib_report_fn report, void *ctx, char *err, size_t errlen)
{
	struct vsets_ctx q = { NULL, 0, 0 };
	int problems = 0;
	int r = each_value_set(lib, kind, t, vsets_keep, &q, report, ctx, &problems, err, errlen);
	if (r < 0) {
		lib_vsets_free(q.v, q.n);
		q.v = NULL;
		q.n = 0;
	}
	*out = q.v;
	*n = q.n;
	return r;
}

void
lib_vsets_free(struct lib_vset *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lib_leak_release(&v[i].leak);
		fpset_close(v[i].set);
	}
	free(v);
}

static void
vreport(lib_report_fn report, void *ctx, int severity, const char *leak, const char *f, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, f);
	vsnprintf(msg, sizeof(msg), f, ap);
	va_end(ap);
	report(ctx, severity, leak, msg);
}

/* Checks one leak's directory, sets and sketches; returns its problems. */
/* Each part of a sharded set within its shard's range (its first and last keys). Problems found. */
static int
verify_ranges(struct library *lib, const struct lib_leak *l, const struct lib_set *s, lib_report_fn report,
	      void *ctx)
{
	int problems = 0;
	for (size_t r = 0; r < lib->nshards; r++) {
		char e[512], *path = fmt("%s/sets/%s/%s", lib->shard[r].path, l->dir, s->file);
		struct fpset *f = fpset_open(path, e, sizeof(e));
		uint64_t last = 0;
		int have = f ? fpset_last_key(f, &last, e, sizeof(e)) : -1;
		if (have < 0) {
			vreport(report, ctx, 2, l->name, "set '%s': %s", s->file, e);
			problems++;
		} else if (have && (fpset_first_key(f) >> 56 < lib->shard[r].lo || last >> 56 >= lib->shard[r].hi)) {
			vreport(report, ctx, 2, l->name, "set '%s': its part in shard %zu ('%s') holds keys of another shard",
				s->file, r, lib->shard[r].path);
			problems++;
		}
		fpset_close(f);
		free(path);
	}
	return problems;
}

static int
verify_leak(struct library *lib, const struct lib_leak *l, lib_report_fn report, void *ctx)
{
	struct lib_set *sets = NULL;
	size_t n = 0;
	int problems = 0;
	char e[768], why[512];
	struct stat st;
	struct lib_profile p;

	/* every row of the leak's profile reads back (no bad value anywhere) */
	if (read_profile(lib, l->name, 0, &p, e, sizeof(e)) < 0) {
		const char *m = e;
		if (!strncmp(m, "leak '", 6) && strstr(m, "': ")) /* the leak is named apart */
			m = strstr(m, "': ") + 3;
		report(ctx, 2, l->name, m);
		problems++;
	} else
		lib_profile_release(&p);
	int missing = 0;
	for (size_t r = 0; r < nroots(lib); r++) {
		char *dir = fmt("%s/sets/%s", root(lib, r), l->dir);
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			if (lib->nshards)
				vreport(report, ctx, 2, l->name, "directory 'sets/%s' is missing from shard %zu ('%s')",
					l->dir, r, root(lib, r));
			else
				vreport(report, ctx, 2, l->name, "directory 'sets/%s' is missing", l->dir);
			missing++;
		}
		free(dir);
	}
	if (missing)
		return problems + missing;
	if (get_sets(lib, l->id, l->name, &sets, &n, report, ctx, &problems, e, sizeof(e)) < 0) {
		report(ctx, 2, l->name, e);
		problems++;
	}
	for (size_t i = 0; i < n; i++) {
		const struct lib_set *s = &sets[i];
		uint64_t bad;
		struct fpset *f = open_set(lib, l, s, e, sizeof(e));
		if (!f) {
			report(ctx, 2, l->name, e);
			problems++;
			continue;
		}
		if (fpset_verify(f, &bad, why, sizeof(why)) < 0) {
			char *path = fmt("%s/sets/%s/%s", root(lib, 0), l->dir, s->file);
			set_msg(e, sizeof(e), s->file, path, why);
			free(path);
			report(ctx, 2, l->name, e);
			problems++;
		} else if (lib->nshards) {
			problems += verify_ranges(lib, l, s, report, ctx);
		}
		fpset_close(f);
		uint64_t bytes = 0;
		int all = 1;
		for (size_t r = 0; r < nroots(lib); r++) {
			char *path = fmt("%s/sets/%s/%s", root(lib, r), l->dir, s->file);
			if (stat(path, &st) == 0)
				bytes += (uint64_t)st.st_size;
			else
				all = 0;
			free(path);
		}
		if (all && bytes != s->bytes) {
			vreport(report, ctx, 2, l->name,
			        "set '%s': %llu bytes%s, the catalog says %" PRIu64, s->file,
			        (unsigned long long)bytes, lib->nshards ? " over its shards" : "", s->bytes);
			problems++;
		}
	}
	/*
	 * files the catalog does not know: a set file (every one an ingest
	 * wrote is in the catalog) means the catalog lost its row, and analyze
	 * would not see those fingerprints; anything else is harmless
	 */
	for (size_t r = 0; r < nroots(lib); r++) {
		char *dir = fmt("%s/sets/%s", root(lib, r), l->dir);
		char *shown = lib->nshards ? xstrdup(dir) : fmt("sets/%s", l->dir);
		DIR *d = opendir(dir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			int known = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
			for (size_t i = 0; i < n && !known; i++)
				known = !strcmp(de->d_name, sets[i].file);
			size_t fl = strlen(de->d_name);
			int set = fl > 4 && !strcmp(de->d_name + fl - 4, ".fps");
			if (!known) {
				vreport(report, ctx, set ? 2 : 1, l->name,
					set ? "set file '%s/%s' is not in the catalog: its row was lost"
					    : "file '%s/%s' is not in the catalog",
					shown, de->d_name);
				problems += set;
			}
		}
		if (d)
			closedir(d);
		free(dir);
		free(shown);
	}
	free(sets);
	/* the column sketches */
	sqlite3_stmt *q =
	    prep(lib, "SELECT name, sketch FROM columns WHERE leak_id = ?1", e, sizeof(e));
	if (!q) {
		report(ctx, 2, l->name, e);
		return problems + 1;
	}
	sqlite3_bind_int64(q, 1, l->id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct kmv k;
		const unsigned char *name = sqlite3_column_text(q, 0);
		char *cname = xstrdup(name ? (const char *)name : "?");
		if (sqlite3_column_type(q, 1) == SQLITE_NULL) {
			free(cname);
			continue;
		}
		const void *blob = sqlite3_column_blob(q, 1);
		size_t len = (size_t)sqlite3_column_bytes(q, 1);
		if (kmv_load(&k, blob ? blob : "", len, why, sizeof(why)) < 0) {
			vreport(report, ctx, 2, l->name, "column '%s': %s", cname, why);
			problems++;
		} else
			kmv_release(&k);
		free(cname);
	}
	sqlite3_finalize(q);
	return problems;
}

/* Is a writer at work now? Asked without waiting, and let go at once. */
static int
writer_active(struct library *lib)
{
	char *p = fmt("%s/writer.lock", lib->path);
	int fd = open(p, O_RDONLY | O_CLOEXEC), busy = 0;
	free(p);
	if (fd < 0)
		return 0;
	if (lib->mode == LIB_WRITE)
		busy = 0; /* that is us */
	else if (xflock(fd, LOCK_SH | LOCK_NB) < 0)
		busy = errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

/* Notes for what interrupted writers left in sets/ and tmp/ (each shard's too). */
static int
verify_leftovers(struct library *lib, lib_report_fn report, void *ctx, char *err, size_t errlen)
{
	int live = writer_active(lib);
	const char *why = live ? "in use by an ingest under way"
	                       : "the leftover of an interrupted ingest, removed by the next write";
	char *p = fmt("%s/tmp", lib->path);
	int tmpfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(p);
	for (size_t r = 0; r <= lib->nshards; r++) {
		const char *rp = r ? lib->shard[r - 1].path : lib->path;
		/* under the library, relative; a shard's, by its path */
		char *shown = r ? fmt("%s/", rp) : xstrdup("");
		p = fmt("%s/sets", rp);
		DIR *d = opendir(p);
		struct dirent *e;
		free(p);
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (!valid_dir(e->d_name)) {
				vreport(report, ctx, 1, NULL, "'%ssets/%s' is not part of the library", shown,
					e->d_name);
				continue;
			}
			int in = dir_in_catalog(lib, e->d_name);
			if (in < 0) {
				closedir(d);
				free(shown);
				if (tmpfd >= 0)
					close(tmpfd);
				return db_fail(lib, "read", err, errlen);
			}
			if (!in)
				vreport(report, ctx, 1, NULL, "directory '%ssets/%s' is not in the catalog: %s", shown,
					e->d_name, why);
		}
		if (d)
			closedir(d);
		p = fmt("%s/tmp", rp);
		d = opendir(p);
		free(p);
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    !(lib->txn && !strcmp(e->d_name, lib->txn->name)))
				vreport(report, ctx, 1, NULL, "staging directory '%stmp/%s' is %s", shown, e->d_name,
					live || (tmpfd >= 0 && staging_alive(tmpfd, e->d_name))
					    ? "in use by an ingest under way"
					    : why);
		if (d)
			closedir(d);
		free(shown);
	}
	if (tmpfd >= 0)
		close(tmpfd);
	return 0;
}

int
library_verify(struct library *lib, lib_report_fn report, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st = prep(lib, "PRAGMA integrity_check", err, errlen);
	int problems = 0, rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if (s && strcmp(s, "ok")) {
			vreport(report, ctx, 2, NULL, "catalog: %s", s);
			problems++;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(lib, "read", err, errlen);
	int v = format_version(lib, err, errlen);
	if (v < 0)
		return -1;
	if ((v != LIB_FORMAT_VERSION && v != LIB_FORMAT_SHARDED) ||
	    (v == LIB_FORMAT_SHARDED) != (lib->nshards > 0)) {
		vreport(report, ctx, 2, NULL, "catalog: bad format version");
		problems++;
	}
	/* the catalog's digest: rows changed or lost outside dumptrace */
	char *want = NULL, have[33];
	if (meta_get(lib, "catalog_digest", &want, err, errlen) < 0 || catalog_digest(lib, have, err, errlen) < 0) {
		free(want);
		return -1;
	}
	if (!want)
		vreport(report, ctx, 1, NULL,
			"catalog: no digest yet (a library made before digests); the next ingest or remove makes it");
	else if (strcmp(want, have)) {
		vreport(report, ctx, 2, NULL,
			"catalog: its content does not match its digest: rows were changed, added or deleted "
			"outside dumptrace (a damaged or edited catalog; its findings cannot be trusted)");
		problems++;
	}
	free(want);
	char *damaged = NULL;
	if (meta_get(lib, "catalog_damaged", &damaged, err, errlen) < 0)
		return -1;
	if (damaged) {
		vreport(report, ctx, 2, NULL,
			"catalog: found not matching its digest at %.32s, before a change: it was damaged or "
			"edited outside dumptrace then; rebuild the library from its dumps to trust it again",
			damaged);
		problems++;
		free(damaged);
	}
	/* the key: the one on this machine must be the one the catalog's check names */
	char *check = NULL, kp[4200], e2[512];
	unsigned char key[FP_KEY_SIZE];
	if (meta_get(lib, "key_check", &check, err, errlen) < 0)
		return -1;
	if (check && keys_path(lib->id, kp, sizeof(kp), e2, sizeof(e2)) == 0) {
		int r = key_read(kp, key, e2, sizeof(e2));
		char mine[33];
		if (r == 0) {
			key_check(key, lib->id, mine);
			if (strcmp(mine, check)) {
				vreport(report, ctx, 2, NULL,
					"catalog: the key in the key directory (%s) does not pass the catalog's key check: "
					"another key, or a damaged check", kp);
				problems++;
			}
		} else if (r == 1)
			vreport(report, ctx, 1, NULL, "no key on this machine (%s): its fingerprints match nothing here", kp);
		else {
			vreport(report, ctx, 2, NULL, "key: %s", e2);
			problems++;
		}
		sodium_memzero(key, sizeof(key));
	}
	free(check);
	/* the leaks, one by one: a bad one does not stop the others' check */
	if (!(st = prep(lib, "SELECT " LEAK_COLS " FROM leaks l ORDER BY l.name", err, errlen)))
		return -1;
	struct lib_leak *leaks = NULL;
	size_t n = 0, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char e[512];
		const char *name = (const char *)sqlite3_column_text(st, 1);
		char *keep = xstrdup(name ? name : "?");
		leaks = xgrow(leaks, &cap, n + 1, sizeof(*leaks));
		if (read_leak(st, &leaks[n], e, sizeof(e)) < 0) {
			report(ctx, 2, keep, e);
			problems++;
		} else
			n++;
		free(keep);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		lib_leaks_free(leaks, n);
		return db_fail(lib, "read", err, errlen);
	}
	for (size_t i = 0; i < n; i++)
		problems += verify_leak(lib, &leaks[i], report, ctx);
	lib_leaks_free(leaks, n);
	if (verify_leftovers(lib, report, ctx, err, errlen) < 0)
		return -1;
	return problems;
}
