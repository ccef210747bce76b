/*
 * A growable byte buffer with a mandatory cap (curl's dynbuf): no input can
 * make it grow without bound. Appending past the cap fails and leaves the
 * buffer as it was, so the caller can reject the record that asked for it.
 */
#ifndef DT_DYNBUF_H
#define DT_DYNBUF_H

#include <stdarg.h>
#include <stddef.h>

struct dynbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t cap; /* the most bytes it may ever hold */
};

/* Starts empty; nothing is allocated until the first append. */
void dynbuf_init(struct dynbuf *b, size_t cap);
/* Frees the memory; the buffer may be initialised again. */
void dynbuf_release(struct dynbuf *b);
/* Empties the buffer, keeping its memory for reuse. */
static inline void
dynbuf_reset(struct dynbuf *b)
{
	b->len = 0;
}
/* Appends n bytes; returns 0, or -1 (nothing appended) past the cap. */
int dynbuf_add(struct dynbuf *b, const void *p, size_t n);
int dynbuf_addc(struct dynbuf *b, char c);
/* Appends a formatted string; -1 past the cap. */
int dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same with a va_list (for callers with printf-like functions of their own). */
int dynbuf_vprintf(struct dynbuf *b, const char *fmt, va_list ap);
/* Ensures room for n more bytes; returns a pointer to it or NULL past the cap. */
char *dynbuf_reserve(struct dynbuf *b, size_t n);
/* NUL-terminates (not counted in len) and returns the bytes; never NULL. */
const char *dynbuf_str(struct dynbuf *b);

/* Appends v[0..n) as one CSV cell, quoted when a reader would otherwise see something else. */
void dynbuf_csv_cell(struct dynbuf *b, const char *v, size_t n);

#endif
