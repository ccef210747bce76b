/*
 * Typed record streams: the "schema" step of the pipeline (DESIGN.md).
 * Records arrive from a reader, stream after stream, table after table.
 * For each (stream, table) this learns the columns and types them from a
 * sample of its first records (header hints, patterns and validators,
 * core/types.h), then hands every record on, in input order, with its
 * schema. The sample is held back until its schema is typed, so a record
 * is never seen before its columns' types are known.
 *
 * Used by dedup (record mode), ingest and analyze: they differ only in
 * what they do with a typed record.
 */
#ifndef DT_SCHEMA_H
#define DT_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/pipe.h"
#include "core/record.h"
#include "core/types.h"

#define SCHEMA_SAMPLE 1000   /* records of a table looked at before typing it */
#define SCHEMA_MAX_COLS 4096 /* columns past this are ignored */

struct schema {
	int id;	    /* its index among the schemas: batches carry it */
	int stream; /* the input stream it belongs to */
	int shape;  /* its profile's slot (core/profile.h): its id unless the typed hook shares one; -1: none */
	char *table;
	size_t ncols;
	char **names;
	size_t *name_len;
	enum dt_type *types;
	double *rate;	  /* validation rate of each column's type over the sample */
	unsigned *rank;	  /* rank of the column among those of its type */
	const char **why; /* why a column's type is not its header's or values' own (types_table) */
	char **shown;	  /* a name holding personal data (core/pii.h) as shown: "(withheld column 3)"; else NULL */
	int typed;
	void *user; /* the caller's per-schema data */
	/* private */
	size_t cols_alloc;
	struct batch sample;
	uint64_t *sample_seq;
};

/*
 * Column c's name as it may leave the process (the catalog, a report): its
 * own, or "(withheld column N)" when it holds personal data (core/pii.h).
 */
static inline const char *
schema_name(const struct schema *s, size_t c)
{
	return s->shown && s->shown[c] ? s->shown[c] : s->names[c];
}

/* The length of schema_name(s, c): a column's own name may hold any byte. */
static inline size_t
schema_name_len(const struct schema *s, size_t c)
{
	return s->shown && s->shown[c] ? strlen(s->shown[c]) : s->name_len[c];
}

/* What a typed record is handed to: its schema, the record, its sequence number. */
typedef void (*schemas_emit_fn)(void *ctx, struct schema *s, const struct record *rec,
				uint64_t seq);
/* Called once per schema when it has been typed, before its first record. */
typedef void (*schemas_typed_fn)(void *ctx, struct schema *s);
/* The type --type forces on a column, or DT_NONE. */
typedef enum dt_type (*schemas_forced_fn)(void *ctx, const char *name, size_t len);

struct schemas_opts {
	const char *region; /* phone region for the validators; NULL = KZ */
	schemas_emit_fn emit;
	schemas_typed_fn typed; /* may be NULL */
	schemas_forced_fn forced; /* may be NULL */
	/*
	 * A stream without tables whose first record has the columns of the
	 * stream before's (typed) schema shares that schema, typed once: the
	 * members of an archive split in parts, 300,000 of one line each, are
	 * one schema, not 300,000.
	 */
	int share;
	void *ctx;
};

struct schemas {
	struct schemas_opts o;
	struct schema **v;
	size_t n, alloc;
	int stream;
	struct schema *last; /* the schema of the previous record */
};

void schemas_init(struct schemas *ss, const struct schemas_opts *o);
void schemas_release(struct schemas *ss);

/* A new input stream begins: its tables get schemas of their own. */
void schemas_stream(struct schemas *ss);

/*
 * One parsed record of the current stream, with its sequence number:
 * handed to emit now, or once its schema is typed.
 */
void schemas_record(struct schemas *ss, const struct record *rec, uint64_t seq);

/* The current stream ended: types what is still sampling and hands it on. */
void schemas_end_stream(struct schemas *ss);

/*
 * Saved schemas (a map step's, core/analyze.h): schemas_save() appends
 * ss's schemas to b (0, or -1 past b's cap); schema_load() reads one back
 * (NULL with r->bad when it is not one: nothing in it is trusted), which
 * schemas_adopt() makes ss's last schema (its id and shape the next, its
 * stream ss's current one: before the first stream, the stream before it,
 * whose schema the first stream shares when its columns are the same) or
 * schema_drop() frees.
 */
struct dynbuf;
struct wire_r;
int schemas_save(const struct schemas *ss, struct dynbuf *b);
struct schema *schema_load(struct wire_r *r);
void schemas_adopt(struct schemas *ss, struct schema *s);
void schema_drop(struct schema *s);

/* The column of a schema a field belongs to (hint: where it was last time), or (size_t)-1. */
size_t schema_col(const struct schema *s, const struct field *f, size_t hint);

#endif
