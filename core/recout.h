/*
 * Writing records out, for cat and dedup: JSON Lines (one object per
 * record, _input and _table first, then the columns) or CSV (a header
 * line, and a new one, after a blank line, whenever the columns change,
 * as Miller does). Output gathers in a buffer of about a megabyte and
 * goes to the caller's write function; a write error comes back as a
 * value, errno saying why, and the caller names the output in its message.
 */
#ifndef DT_RECOUT_H
#define DT_RECOUT_H

#include <stddef.h>

#include "core/dynbuf.h"
#include "core/record.h"

/*
 * Writes n bytes whole: 0, or -1 with errno set. Called with a megabyte
 * or so at a time, and with what is left by recout_flush().
 */
typedef int (*recout_write_fn)(void *ctx, const char *p, size_t n);

struct recout {
	int csv;
	recout_write_fn write;
	void *ctx;
	struct dynbuf buf, header, h;
	int wrote_header;
};

/* CSV when csv, else JSON Lines, to write(ctx, ...); the caller's write and ctx. */
void recout_init(struct recout *o, int csv, recout_write_fn write, void *ctx);

/*
 * Adds one record of input (the stream's name, for _input). 0, or -1
 * with errno set when a full buffer could not be written: the output is
 * then short and o is only good for recout_release().
 */
int recout_write(struct recout *o, const char *input, const struct record *rec);

/* Writes what is buffered: 0, or -1 with errno set. */
int recout_flush(struct recout *o);

/* Frees the buffers; what was not flushed is dropped. */
void recout_release(struct recout *o);

#endif
