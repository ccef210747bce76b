/*
 * Writing JSON text into a dynbuf: string escaping and the punctuation of
 * objects and arrays, tracked so that callers never think about commas.
 * Output is always valid JSON and valid UTF-8 (invalid bytes in a value
 * become U+FFFD, so a report can never be broken by a hostile input).
 */
#ifndef DT_JSONW_H
#define DT_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "core/dynbuf.h"

#define JSONW_DEPTH 32

struct jsonw {
	struct dynbuf *out;
	int depth;
	int first[JSONW_DEPTH]; /* no member written yet at this depth */
	int after_key;
};

void jsonw_init(struct jsonw *w, struct dynbuf *out);
void jsonw_obj_open(struct jsonw *w);
void jsonw_obj_close(struct jsonw *w);
void jsonw_arr_open(struct jsonw *w);
void jsonw_arr_close(struct jsonw *w);
/* A key inside an object; the next value call writes its value. */
void jsonw_key(struct jsonw *w, const char *k);
void jsonw_keyn(struct jsonw *w, const char *k, size_t n);
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_u64(struct jsonw *w, uint64_t v);
void jsonw_i64(struct jsonw *w, int64_t v);
void jsonw_dbl(struct jsonw *w, double v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);

/* Appends s[0..n) to b as a quoted JSON string. */
void json_quote(struct dynbuf *b, const char *s, size_t n);

#endif
