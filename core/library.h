/*
 * The known-leak library (DESIGN.md, "The library"): what dumptrace
 * remembers of each leak it has ingested, without its personal data.
 *
 * A library is one directory (and its shards, when library_split() put
 * them elsewhere); copy it and you have shared it:
 *   catalog.db    SQLite: the leaks' metadata (Have I Been Pwned's names),
 *                 sources, column schema and sketches, counts, date
 *                 profiles, e-mail domains, and the list of each leak's
 *                 fingerprint sets (the schema is in the README)
 *   sets/L<hex>/  one directory per leak: its fingerprint sets
 *                 (core/fpset.h), one file per kind and type
 *   tmp/          staging directories of ingests under way, each
 *                 flocked by its ingest while it lives
 *   writer.lock   flock: one writer at a time (a concurrent ingest holds
 *                 it to open, to begin and to commit only)
 *   readers.lock  flock: readers hold it shared while they run
 *
 * Atomicity: an ingest writes its sets into a staging directory under
 * tmp/, fsyncs them, renames the directory into sets/ and only then
 * inserts the leak into the catalog in one SQLite transaction. Killed
 * before that commit, the library is as it was (the staging or renamed
 * directory is referenced by nothing and is removed by the next writer);
 * after it, fully updated. Set files are never changed in place, so
 * readers see the state of the catalog they read. Directories no longer
 * referenced (a removed or replaced leak) are deleted only while no
 * reader holds readers.lock; otherwise the next writer does it.
 *
 * core/ never prints: every function reports through its err buffer, and
 * corruption messages name the leak, the set and the block.
 */
#ifndef DT_LIBRARY_H
#define DT_LIBRARY_H

#include <stddef.h>
#include <stdint.h>

#include "core/fp.h"
#include "core/fpset.h"
#include "core/types.h"

#define LIB_FORMAT_VERSION 2 /* a new library's */
#define LIB_FORMAT_SHARDED 3 /* one split into shards (library_split()): earlier dumptraces refuse it */

/*
 * Where the library is: opt (--library) when not NULL, else
 * $DUMPTRACE_LIBRARY, else $XDG_DATA_HOME/dumptrace/library, else
 * $HOME/.local/share/dumptrace/library. 0, or -1 with the reason in err
 * (no HOME, a path too long for out).
 */
int library_locate(const char *opt, char *out, size_t outlen, char *err, size_t errlen);

enum lib_mode { LIB_READ = 0, LIB_WRITE = 1 };

struct lib_open_opts {
	enum lib_mode mode;
	int create; /* LIB_WRITE: make the directory and the catalog if absent */
	int nowait; /* LIB_WRITE: fail at once when another writer holds the lock */
	/* LIB_WRITE: called once when the lock is busy and we wait for it */
	void (*waiting)(void *ctx, const char *path);
	void *ctx;
	/*
	 * LIB_WRITE: let other writers work beside this one: writer.lock is
	 * held while the library opens (and cleans) and library_begin() makes
	 * the staging directory, then let go, and taken again (waiting, never
	 * failing at once) for lib_txn_commit() only. The staging directory
	 * holds a lock of its own that tells a live ingest's from a leftover.
	 */
	int concurrent;
	/*
	 * LIB_READ of a sharded library: 1 + the one shard whose parts
	 * library_open_set() opens (a reduce step of the analysis, on a
	 * machine that holds that shard only); 0: every shard, as one set.
	 */
	unsigned only_shard;
};

struct library;

/*
 * Opens the library at path. LIB_READ takes readers.lock shared; LIB_WRITE
 * takes writer.lock exclusive (waiting for it unless nowait) and removes
 * what interrupted writers left behind. A missing library is an error
 * for LIB_READ ("no library at 'PATH'"), with errno left ENOENT so that
 * a caller may say it more kindly. A catalog of a newer format version is
 * refused. NULL with the reason in err.
 */
struct library *library_open(const char *path, const struct lib_open_opts *o, char *err,
			     size_t errlen);
/*
 * A sharded library (library_split()) keeps the catalog in its directory
 * and each leak's set files split by key range: shard i holds the keys
 * whose highest byte is in [lo, hi), in PATH/sets/L<hex>/ as an
 * unsharded library does. The ranges are fixed (fingerprints are
 * uniform: equal ranges hold equal shares). Readers see one set over the
 * parts (fpset_open_union()); an ingest splits its sets at the commit.
 */
struct lib_shard {
	unsigned lo, hi; /* of a key's highest byte; hi exclusive, at most 256 */
	char *path;      /* the shard's directory */
	char *given;     /* as the catalog has it: relative to the library, or absolute */
};

/* The library's shards (*out, the library's own), or 0 when it is not sharded. */
size_t library_shards(const struct library *lib, const struct lib_shard **out);
/* A key's shard by its highest byte (256 entries, the library's own; all 0 when it is not sharded). */
const uint8_t *library_part_of(const struct library *lib);

/*
 * Splits the library (LIB_WRITE, no ingest under way) into n shards of
 * equal ranges (1 to 256), shard i in paths[i], or in the library's own
 * shards/NNN when paths is NULL; n == 1 with paths NULL makes it
 * unsharded again. A sharded library is split anew the same way. Every
 * set is rewritten into the new layout under the shards' tmp/, moved
 * into place, and the catalog switched in one transaction; what the old
 * layout held is removed once no reader holds the library (else by the
 * next writer). An old shard directory that is no longer a shard and
 * still holds something (a reader had it) is named in *left, for the
 * caller to say. progress(ctx, leak) is called before each leak. 0, or
 * -1 with the reason in err (the library as it was).
 */
int library_split(struct library *lib, size_t n, const char *const *paths,
		  void (*progress)(void *ctx, const char *leak), void *ctx, char ***left, size_t *nleft,
		  char *err, size_t errlen);

/* Closes the library; an ingest under way must be committed or aborted first. */
void library_close(struct library *lib);
const char *library_path(const struct library *lib);

/* The library's random id (32 hex digits): its key's name in the key directory. */
const char *library_id(const struct library *lib);

/* library_key() flags */
#define LIB_KEY_SET 1     /* LIB_WRITE: a library with no key check yet takes this key's */
#define LIB_KEY_NOSTORE 2 /* a new key is not written to the key directory */

/*
 * The library's key (core/keys.h): from key_file when given, else from the
 * key directory under the library's id. A library that never had a key
 * check (no leak was fingerprinted) takes a fresh random one, stored in
 * the key directory when opened for writing (unless LIB_KEY_NOSTORE). A
 * key that is not the library's, or a library whose key is not here, is
 * an error that says so ("has no key on this machine"): without its key a
 * library matches nothing. 0, or -1 with the reason in err.
 */
int library_key(struct library *lib, const char *key_file, int flags, struct fp_key *k, char *err,
		size_t errlen);
/* ... the key's bytes (for `dumptrace key export`). */
int library_key_bytes(struct library *lib, const char *key_file, int flags,
		      unsigned char key[FP_KEY_SIZE], char *err, size_t errlen);

/*
 * Does the library keep private sets (LIB_PRIVATE) for serve's private
 * lookup? Set by the first `ingest --private-lookup`; every ingest after
 * it makes them too, so that no leak is missing from the lookup. 1, 0, or
 * -1 (err).
 */
int library_private_lookup(struct library *lib, char *err, size_t errlen);
/* ... from now on (LIB_WRITE). 0, or -1 (err). */
int library_set_private_lookup(struct library *lib, char *err, size_t errlen);

/* A leak's catalog row; strings are owned by the struct (NULL = not given). */
struct lib_leak {
	int64_t id;
	char *name, *title, *domain, *breach_date, *added_date, *description;
	char *data_classes; /* a JSON array of strings, as HIBP writes it */
	int64_t pwn_count;  /* -1 = not given: the records count stands */
	int is_verified, is_fabricated, is_spam_list;
	uint64_t records, rejected, duplicates;
	uint64_t digest; /* XXH3 of its record set's keys: same content, same digest */
	uint64_t bytes;  /* of its set files */
	char *dir;       /* its directory under sets/ */
};

void lib_leak_release(struct lib_leak *l);

/*
 * Every leak, by name: *out (xmalloc'ed, free with lib_leaks_free()) and
 * *n. 0, or -1 with the reason in err.
 */
int library_leaks(struct library *lib, struct lib_leak **out, size_t *n, char *err, size_t errlen);
void lib_leaks_free(struct lib_leak *l, size_t n);

/* One leak by name: 1 found (out filled), 0 none, -1 error. */
int library_leak(struct library *lib, const char *name, struct lib_leak *out, char *err,
		 size_t errlen);

/* Fingerprint kinds (DESIGN.md, "Fingerprints"). */
/*
 * LIB_PRIVATE: per identifier type, the first 64 bits of the oblivious PRF
 * of each value (core/oprf.h), for serve's private lookup; made only by
 * `ingest --private-lookup` (and every ingest after it in that library).
 */
enum lib_kind { LIB_RECORD = 0, LIB_VALUE = 1, LIB_ASSOC = 2, LIB_NEAR = 3, LIB_PRIVATE = 4 };

/* "record", "value", "assoc", "near" (core/near.h), "private" */
const char *lib_kind_name(enum lib_kind k);

/* Does a set of this kind have an attribute type (its file names two types)? */
static inline int
lib_kind_has_attr(enum lib_kind k)
{
	return k == LIB_ASSOC || k == LIB_NEAR;
}

/*
 * One fingerprint set of a leak. type is the value's type (LIB_VALUE) or
 * the anchor's (LIB_ASSOC); attr the attribute's type (LIB_ASSOC only,
 * DT_NONE otherwise). file is relative to the leak's directory.
 */
struct lib_set {
	enum lib_kind kind;
	enum dt_type type, attr;
	char file[64];
	uint64_t keys, bytes, blocks;
};

/* The file name a set gets: "record.fps", "value-email.fps", "assoc-email-phone.fps". */
void lib_set_file(struct lib_set *s);

/* One source file of a leak. */
struct lib_source {
	char *path;     /* as given; "a.zip:dir/x.csv" for a member */
	uint64_t size;  /* bytes of the file as stored (compressed) */
	char sha256[65];/* of those bytes, lower-case hex; "" for stdin */
	char *format, *encoding, *table;
	uint64_t records, rejected;
};

/* One column of one source (and table). */
struct lib_column {
	int source; /* index into the profile's sources */
	char *table;
	char *name;
	int position;
	enum dt_type type;
	double validation_rate; /* share of its sampled values its type accepts */
	uint64_t values;	/* non-empty values */
	double distinct;	/* estimated distinct values (KMV) */
	void *sketch;		/* kmv_serialize() blob */
	size_t sketch_len;
};

/* A labelled count: a month "YYYY-MM", a year "1982", a domain. */
struct lib_count {
	char *key;
	uint64_t n;
};

/* The profile of one date column. */
struct lib_dates {
	char *column;
	char min[11], max[11]; /* ISO dates; "" when none */
	uint64_t count;
	struct lib_count *months; /* by month, ascending */
	size_t nmonths;
};

/* Everything the catalog holds about one leak. */
struct lib_profile {
	struct lib_leak leak;
	struct lib_source *sources;
	size_t nsources;
	struct lib_column *columns;
	size_t ncolumns;
	struct lib_set *sets;
	size_t nsets;
	struct lib_dates *dates;
	size_t ndates;
	struct lib_count *birth_years; /* from IINs, ascending */
	size_t nbirth_years;
	struct lib_count *domains; /* e-mail domains, top 50, most first */
	size_t ndomains;
};

void lib_profile_release(struct lib_profile *p);

/* A leak's whole profile by name: 1 found, 0 none, -1 error. */
int library_profile(struct library *lib, const char *name, struct lib_profile *out, char *err,
		    size_t errlen);

/*
 * The sets of a leak (by its id): *out (xmalloc'ed, free()) and *n.
 * 0, or -1 with the reason in err.
 */
int library_sets(struct library *lib, int64_t leak_id, struct lib_set **out, size_t *n,
		 char *err, size_t errlen);

/*
 * Opens one set of a leak. NULL with the reason in err, which names the
 * leak and the set ("leak 'x': set 'value-email.fps': ...").
 */
struct fpset *library_open_set(struct library *lib, const struct lib_leak *leak,
			       const struct lib_set *set, char *err, size_t errlen);

/* Names of leaks whose digest is digest (same content), or one of whose sources has sha256. */
int library_same_content(struct library *lib, uint64_t digest, char ***names, size_t *n,
			 char *err, size_t errlen);
int library_same_file(struct library *lib, const char *sha256, char ***names, size_t *n,
		      char *err, size_t errlen);
void lib_names_free(char **names, size_t n);

/*
 * An ingest (LIB_WRITE only): a staging directory to write the leak's set
 * files into (lib_txn_dir()), then lib_txn_commit() or lib_txn_abort().
 */
struct lib_txn;

struct lib_txn *library_begin(struct library *lib, char *err, size_t errlen);
const char *lib_txn_dir(const struct lib_txn *t);
/*
 * A sharded library's ingest writes each set as its parts, one a shard,
 * part i into dirs[i] (its keys whose highest byte b has part_of[b] == i),
 * named as the whole set would be; every part of a set is written, an
 * empty one too. The number of shards (0: unsharded, the sets whole into
 * lib_txn_dir()), or (size_t)-1 (err). The commit checks that the
 * library was not split again meanwhile.
 */
size_t lib_txn_parts(struct lib_txn *t, const char *const **dirs, const uint8_t **part_of, char *err,
		     size_t errlen);

/*
 * Makes the leak p part of the library: fsyncs the staging directory,
 * renames it into sets/, inserts p (leak, sources, columns, sets, dates,
 * birth years, domains) into the catalog in one transaction. p->leak.dir
 * and p->leak.id are set here, and each set's keys, blocks and bytes are
 * taken from its file (the catalog says what is on disk); each set's file
 * must be named as lib_set_file() names it. added_date is today (UTC)
 * when NULL. A leak of the same name is replaced when replace, else the
 * commit fails (1 returned, err says so). 0 on success, -1 on error (the
 * staging directory is removed). Frees t either way. Test hook:
 * DUMPTRACE_LIB_CRASH_AT=N makes it _exit(99) at step N (see library.c).
 */
int lib_txn_commit(struct lib_txn *t, struct lib_profile *p, int replace, char *err,
		   size_t errlen);

/* Abandons an ingest: removes its staging directory, frees t. */
void lib_txn_abort(struct lib_txn *t);

/* Removes a leak (LIB_WRITE): 1 removed, 0 no such leak, -1 error. */
int library_remove(struct library *lib, const char *name, char *err, size_t errlen);

/*
 * Which leaks hold the value fingerprint fp of type t in their value set
 * of that type: calls found(ctx, leak) for each, in name order. A leak
 * whose set cannot be read (a corrupt block) is reported through report
 * (severity 2, naming the leak, the set and the block), counted in
 * *problems, and skipped: the others are still searched. Returns the
 * number of leaks found, or -1 when the catalog cannot be read (err).
 */
typedef void (*lib_found_fn)(void *ctx, const struct lib_leak *leak);
typedef void (*lib_report_fn)(void *ctx, int severity, const char *leak, const char *msg);
int library_lookup(struct library *lib, enum dt_type t, uint64_t fp, lib_found_fn found,
		   lib_report_fn report, void *ctx, int *problems, char *err, size_t errlen);

/*
 * Every leak's set of kind LIB_VALUE (or LIB_PRIVATE) and type t, opened
 * once, for a service that asks many times (fpset_contains() on each):
 * *out (free with lib_vsets_free()) and *n. A leak whose set cannot be
 * opened is reported and left out. 0, or -1 when the catalog cannot be
 * read (err).
 */
struct lib_vset {
	struct lib_leak leak;
	struct fpset *set;
};
int library_value_sets(struct library *lib, enum lib_kind kind, enum dt_type t, struct lib_vset **out,
		       size_t *n, lib_report_fn report, void *ctx, char *err, size_t errlen);
void lib_vsets_free(struct lib_vset *v, size_t n);

/*
 * Checks the library: SQLite's integrity check, the catalog's format, and
 * for every leak its directory, every set (fpset_verify(): every block's
 * checksum; keys and blocks against the catalog) and every sketch. Calls
 * report for each problem (severity 2) and each note (severity 1: left-
 * overs of an interrupted ingest, which do no harm); leak is NULL for the
 * library as a whole. Returns the number of problems, or -1 when the
 * catalog cannot be read at all (reason in err).
 */
int library_verify(struct library *lib, lib_report_fn report, void *ctx, char *err, size_t errlen);

#endif
