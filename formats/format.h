/*
 * The format registry and the reader contract (libarchive's format
 * plug-ins): one struct format per reader, in one table. A bid looks only
 * at the peeked start of a stream and says how sure it is; the highest bid
 * wins, and --format overrides. A reader turns a source into records, each
 * one parsed (DT_OK) or rejected (DT_WARN) with a reason and a location, so
 * that for every input records_in = parsed + rejected.
 */
#ifndef DT_FORMAT_H
#define DT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "formats/source.h"

struct reader_opts {
	const char *format;  /* forced reader, or NULL to sniff */
	int delimiter;	     /* CSV/combo: forced separator byte, or 0 */
	int no_header;	     /* CSV: the first row is data */
	int escape;	     /* CSV: 1 backslash escapes, -1 none, 0 sniff */
	const char *table;   /* SQL: read only this table */
	size_t max_record;   /* longest record accepted, in bytes */
	size_t max_fields;   /* most fields in one record */
	int no_fast_path;    /* CSV: every line through libcsv (tests compare) */
};

/* Fills o with the defaults (16 MiB records, 65536 fields). */
void reader_opts_init(struct reader_opts *o);

struct reader;

/* Called by describe() once per property of the dialect. */
typedef void (*describe_fn)(void *ctx, const char *key, const char *value);

struct format {
	const char *name;
	/*
	 * How sure the reader is that buf (the first len bytes of the stream;
	 * all of it when eof) is its own: 0 for not at all, more for more
	 * evidence (roughly the bits checked). No I/O.
	 */
	int (*bid)(const char *buf, size_t len, int eof);
	/* Sets r->state; DT_OK or DT_FAILED (reason via reader_fail()). */
	int (*open)(struct reader *r);
	/* DT_OK (rec filled), DT_EOF, DT_WARN (reader_reject()), DT_FAILED. */
	int (*next)(struct reader *r, struct record *rec);
	void (*close)(struct reader *r);
	/* The dialect found by open(), as key/value pairs for sniff. */
	void (*describe)(struct reader *r, describe_fn fn, void *ctx);
	/*
	 * Binary formats only (SQLite, Excel, BSON, pg_dump archives; NULL for
	 * text ones, whose bid is NULL instead): how sure the reader is that
	 * raw, the first len bytes of the stream as stored (before any charset
	 * conversion; all of it when eof), is its own. The source of a stream
	 * a binary format claims, or that --format names, gives its bytes as
	 * they are, and that reader reads it without a bid.
	 */
	int (*identify)(const char *raw, size_t len, int eof);
};

/* The table of readers; NULL-terminated. */
extern const struct format *const formats[];

/* The reader called name, or NULL. */
const struct format *format_find(const char *name);

/* Is the reader called name a binary one (its source must give raw bytes)? */
int format_is_binary(const char *name);

/*
 * The binary format that claims raw[0..len) (the stream's first bytes as
 * stored), or NULL when none does and the text readers bid.
 */
const struct format *format_identify(const char *raw, size_t len, int eof);

/* The same, claimed with at least min of identify()'s score (0 to 100). */
const struct format *format_identify_min(const char *raw, size_t len, int eof, int min);

/*
 * What raw[0..len) is when it is a known kind of file that holds no dump
 * this tool reads ("a PDF document", "a PNG image", "an ELF executable",
 * ...), or NULL. Checked after format_identify(): such an input is
 * reported by what it is and skipped, never read as text.
 */
const char *format_not_a_dump(const char *raw, size_t len);

struct rejection {
	uint64_t line;	 /* 1-based; 0 when unknown */
	uint64_t offset; /* byte offset in the decoded stream */
	char reason[200];
};

#define READER_FIRST_REJECTIONS 5

struct reader {
	const struct format *fmt;
	void *state; /* the format's own */
	struct source *src;
	struct reader_opts opts;

	uint64_t parsed, rejected;
	/* The last rejection or failure, and the raw text of a rejected record. */
	struct rejection last;
	const char *raw;
	size_t raw_len;
	int raw_truncated;
	/* The first rejections of the input, for reports. */
	struct rejection first[READER_FIRST_REJECTIONS];
	unsigned nfirst;
	int failed;
	int empty; /* failed because it holds no record at all (no rest was lost) */
	/*
	 * Set by a reader that reads no record from an input that is no
	 * failure (mongodump's collection metadata): what the input is.
	 */
	const char *no_records;
	/*
	 * Set by the caller after reader_open() (or NULL): told of each foreign
	 * key a dump declares (SQL: REFERENCES, FOREIGN KEY, ALTER TABLE ADD
	 * FOREIGN KEY), by bare table and column names; ref_col NULL for the
	 * referenced table's primary key. The strings last for the call only.
	 */
	void (*on_fk)(void *ctx, const char *table, const char *col, const char *ref_table,
		      const char *ref_col);
	void *fk_ctx;
};

/*
 * Picks the reader (o->format, else the best bid on the first 64 KiB) and
 * opens it on src. DT_OK, or DT_FAILED with the reason in r->last.
 */
int reader_open(struct reader *r, struct source *src, const struct reader_opts *o);

/*
 * The next record: DT_OK, DT_EOF, DT_WARN (one record rejected: r->last
 * says why and where, r->raw holds its text) or DT_FAILED (the rest of the
 * input is lost: r->last says why). Counts are kept on r.
 */
int reader_next(struct reader *r, struct record *rec);

/* Calls the format's describe(), after the name of the format. */
void reader_describe(struct reader *r, describe_fn fn, void *ctx);

void reader_close(struct reader *r);

/* For readers: reject the current record; returns DT_WARN. */
int reader_reject(struct reader *r, uint64_t line, uint64_t offset, const char *raw, size_t raw_len,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* For readers: give up the input; returns DT_FAILED. */
int reader_fail(struct reader *r, uint64_t line, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * For readers: fills the window until it holds at least want bytes, or the
 * stream ends. Returns the bytes available; *status is 0, or -1 (source
 * error) or -2 (window at its cap).
 */
size_t reader_peek(struct reader *r, size_t want, int *status);

/* A separator as sniff shows it: "\t" for TAB, the character otherwise. */
const char *format_sep_name(unsigned char sep, char buf[8]);

/* Checks a value for what no field may hold (bad UTF-8, NUL); NULL if fine. */
const char *reader_check_value(const char *p, size_t n, size_t *at);

#endif
