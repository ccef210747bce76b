/*
 * Allocation that cannot fail: out of memory is the one error that ends
 * the run from inside core/ (git's xmalloc discipline). Everything else is
 * reported and counted.
 */
#ifndef DT_XALLOC_H
#define DT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size sz to at least want elements. */
void *xgrow(void *p, size_t *nmemb, size_t want, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A formatted string, allocated. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
