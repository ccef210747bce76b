/*
 * The record model every reader yields and every later stage consumes: an
 * ordered list of (name, value) fields plus where the record came from.
 * All memory is borrowed from the reader and valid until its next call;
 * a stage that keeps a record copies what it needs.
 */
#ifndef DT_RECORD_H
#define DT_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct field {
	const char *name; /* column name, not NUL-terminated */
	size_t name_len;
	const char *val;  /* the value as text, UTF-8, not NUL-terminated */
	size_t len;
	int is_null;	  /* SQL NULL, JSON null, \N: no value at all */
};

struct record {
	struct field *fields;
	size_t nfields;
	const char *table; /* table of a SQL dump, NUL-terminated; NULL otherwise */
	uint64_t line;	   /* 1-based line where the record starts */
	uint64_t offset;   /* byte offset of its start in the decoded stream */
};

#endif
