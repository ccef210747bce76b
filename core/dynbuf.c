/*
 * Capped growable buffers; see dynbuf.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynbuf.h"
#include "core/xalloc.h"

void
dynbuf_init(struct dynbuf *b, size_t cap)
{
	b->buf = NULL;
	b->len = b->alloc = 0;
	b->cap = cap;
}

void
dynbuf_release(struct dynbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}

char *
dynbuf_reserve(struct dynbuf *b, size_t n)
{
	size_t need;

	if (n > b->cap || b->len > b->cap - n)
		return NULL;
	need = b->len + n + 1; /* room for a terminating NUL */
	if (need > b->alloc) {
		size_t a = b->alloc ? b->alloc : 256;
		while (a < need)
			a = a > ((size_t)-1) / 2 ? need : a * 2;
		b->buf = xrealloc(b->buf, a);
		b->alloc = a;
	}
	return b->buf + b->len;
}

int
dynbuf_add(struct dynbuf *b, const void *p, size_t n)
{
	char *d = dynbuf_reserve(b, n);
	if (!d)
		return -1;
	if (n)
		memcpy(d, p, n);
	b->len += n;
	return 0;
}

int
dynbuf_addc(struct dynbuf *b, char c)
{
	if (b->len + 1 < b->alloc && b->len < b->cap) {
		b->buf[b->len++] = c;
		return 0;
	}
	return dynbuf_add(b, &c, 1);
}

int
dynbuf_vprintf(struct dynbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	char tmp[256];
	int n;

	va_copy(again, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	if (n < 0 || (size_t)n < sizeof(tmp)) {
		va_end(again);
		return n < 0 ? -1 : dynbuf_add(b, tmp, (size_t)n);
	}
	if (!dynbuf_reserve(b, (size_t)n)) {
		va_end(again);
		return -1;
	}
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, again);
	va_end(again);
	b->len += (size_t)n;
	return 0;
}

int
dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = dynbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
dynbuf_str(struct dynbuf *b)
{
	if (!b->buf && !dynbuf_reserve(b, 0))
		return "";
	b->buf[b->len] = '\0';
	return b->buf;
}

void
dynbuf_csv_cell(struct dynbuf *b, const char *v, size_t n)
{
	/* quoted when a reader would otherwise see something else */
	int quote = n > 0 && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t');
	for (size_t i = 0; i < n && !quote; i++)
		quote = v[i] == ',' || v[i] == '"' || v[i] == '\n' || v[i] == '\r';
	if (!quote) {
		dynbuf_add(b, v, n);
		return;
	}
	dynbuf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"')
			dynbuf_addc(b, '"');
		dynbuf_addc(b, v[i]);
	}
	dynbuf_addc(b, '"');
}
