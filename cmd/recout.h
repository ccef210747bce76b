/*
 * Writing records out, for cat and dedup: JSON Lines (one object per
 * record, _input and _table first, then the columns) or CSV (a header
 * line, and a new one, after a blank line, whenever the columns change,
 * as Miller does). Output goes through a large buffer.
 */
#ifndef DT_RECOUT_H
#define DT_RECOUT_H

#include <stdio.h>

#include "core/dynbuf.h"
#include "core/record.h"

struct recout {
	int csv;
	FILE *out;
	const char *path; /* for messages */
	struct dynbuf buf, header, h;
	int wrote_header;
};

void recout_init(struct recout *o, FILE *out, const char *path, int csv);
/* Writes one record of input (the stream's name); dies on a write error. */
void recout_write(struct recout *o, const char *input, const struct record *rec);
/* Flushes and releases; dies on a write error. */
void recout_finish(struct recout *o);


#endif
