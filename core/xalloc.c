/*
 * The xmalloc family: abort the process with a message on allocation
 * failure, so that no caller has to carry an out-of-memory path.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

static void
oom(size_t n)
{
	char msg[96];
	int len = snprintf(msg, sizeof(msg), "dumptrace: out of memory (%zu bytes)\n", n);
	if (len > 0 && write(2, msg, (size_t)len) < 0)
		(void)0;
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void *
xgrow(void *p, size_t *nmemb, size_t want, size_t sz)
{
	size_t n = *nmemb;
	if (want <= n)
		return p;
	n = n ? n : 8;
	while (n < want) {
		if (n > ((size_t)-1) / 2 / sz)
			oom((size_t)-1);
		n *= 2;
	}
	*nmemb = n;
	return xrealloc(p, n * sz);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	char *s = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, f);
	vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, f, ap);
	va_end(ap);
	return s;
}
