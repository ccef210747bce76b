/*
 * The record pipeline: one thread reads (readers are sequential by
 * nature), the others work. The reading thread copies records into
 * batches - one arena of bytes, one array of fields, one of records, all
 * reused - and hands full batches to worker threads; each batch's results
 * come back to the consumer in input order, so sequence numbers, segments
 * and "first occurrence" keep their meaning whatever the thread count.
 *
 * A batch is the unit of everything here: memory (a fixed number of
 * batches in flight bounds it), locking (once per batch, not per record)
 * and work.
 */
#ifndef DT_PIPE_H
#define DT_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/dynbuf.h"
#include "core/record.h"

struct batch {
	struct dynbuf arena;	  /* names, values, table names */
	struct field *fields;	  /* pointers into arena, fixed up on hand-over */
	size_t nfields, fields_alloc;
	struct record *recs;	  /* fields pointers into the array above */
	size_t nrecs, recs_alloc;
	size_t *fld_off;	  /* where each record's fields start */
	uint64_t first_seq;	  /* sequence number of recs[0] */
	int stream;		  /* the caller's number for the input stream */
	const void *tag;	  /* the caller's, e.g. the schema of the records; never moves */
	void *user;		  /* per-batch results, owned by the caller's code */
	size_t user_size;
};

/* Copies rec into the batch; 0, or -1 when the batch is full. */
int batch_add(struct batch *b, const struct record *rec);

/*
 * Turns a batch filled with batch_add() into readable records; nothing may
 * be added after. pipe_submit() does it; a batch used outside a pipe (a
 * sample kept aside) calls it itself.
 */
void batch_seal(struct batch *b);

/* Empties a batch for reuse (keeping its memory). */
void batch_reset(struct batch *b);
void batch_release(struct batch *b);

/* How much a batch may hold before it is handed over. */
#define BATCH_RECORDS 4096
#define BATCH_BYTES (4u << 20)

/* Work done on a batch by a worker thread, with that worker's context. */
typedef void (*pipe_work_fn)(void *wctx, struct batch *b);
/* The consumer, on the caller's thread, batches in input order. */
typedef void (*pipe_done_fn)(void *ctx, struct batch *b);

struct pipe;

/*
 * Starts threads-1 workers (threads 0 or 1: everything on the caller's
 * thread, no threads at all). wctx[i] is worker i's context; the caller's
 * thread uses wctx[0] when it works itself.
 */
struct pipe *pipe_new(unsigned threads, pipe_work_fn work, void **wctx, pipe_done_fn done,
		      void *ctx);

/* A batch to fill (empty, stream set to -1); blocks while too many are in flight. */
struct batch *pipe_batch(struct pipe *p);

/* Hands a filled batch over; the consumer sees it later, in order. */
void pipe_submit(struct pipe *p, struct batch *b);

/*
 * Adds rec to *cur, the batch being filled: a batch of another stream, or
 * a full one, is submitted first and a new one taken from p, with stream
 * and tag set. Returns 1 when rec opened that new batch (the caller may
 * then set its first_seq or user), 0 when it joined *cur.
 */
int pipe_add(struct pipe *p, struct batch **cur, int stream, const void *tag,
	     const struct record *rec);

/* Waits for every batch to be consumed and stops the workers. */
void pipe_free(struct pipe *p);

#endif
