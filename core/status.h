/*
 * Graded return codes shared by every layer, after libarchive's
 * ARCHIVE_OK/WARN/FAILED/FATAL: a caller can tell "this record was bad"
 * from "this input is lost" from "stop everything" with one comparison.
 * The detail of an error (what, where) lives on the context object that
 * returned it; core/ and formats/ never print.
 */
#ifndef DT_STATUS_H
#define DT_STATUS_H

enum {
	DT_OK = 0,	 /* success; a record or chunk is available */
	DT_EOF = 1,	 /* no more records in this stream */
	DT_WARN = -20,	 /* one record rejected (counted, located); go on */
	DT_FAILED = -25, /* this input abandoned; go on with the next */
	DT_FATAL = -30	 /* the run cannot go on */
};

#endif
