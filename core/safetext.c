/*
 * Text from the input, made safe to print; see safetext.h.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <utf8proc.h>

#include "core/safetext.h"

/* Is code point cp one that is escaped though well-formed? */
static int
escaped_cp(int32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
	       cp == 0x2029;
}

/*
 * The next unit of s[i..n): its length in *len; 1 when it is to be
 * escaped (*cp the code point, or -1 for a byte that is not UTF-8).
 */
static int
next_unit(const char *s, size_t n, size_t i, size_t *len, int32_t *cp)
{
	unsigned char c = (unsigned char)s[i];
	if (c < 0x80) {
		*len = 1;
		*cp = c;
		return c < 0x20 || c == 0x7f;
	}
	utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					      (utf8proc_ssize_t)(n - i), cp);
	if (r <= 0) {
		*len = 1;
		*cp = -1;
		return 1;
	}
	*len = (size_t)r;
	return escaped_cp(*cp);
}

int
safe_needed(const char *s, size_t n)
{
	for (size_t i = 0, len; i < n; i += len) {
		int32_t cp;
		if (next_unit(s, n, i, &len, &cp))
			return 1;
	}
	return 0;
}

int
safe_text(struct dynbuf *b, const char *s, size_t n)
{
	size_t run = 0, i = 0, len;
	while (i < n) {
		int32_t cp;
		if (!next_unit(s, n, i, &len, &cp)) {
			i += len;
			continue;
		}
		if (dynbuf_add(b, s + run, i - run) < 0)
			return -1;
		char e[12];
		if (cp == '\t' || cp == '\n' || cp == '\r')
			snprintf(e, sizeof(e), "\\%c", cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
		else if (cp < 0)
			snprintf(e, sizeof(e), "\\x%02x", (unsigned char)s[i]);
		else if (cp < 0x80)
			snprintf(e, sizeof(e), "\\x%02x", (unsigned)cp);
		else
			snprintf(e, sizeof(e), "\\u%04x", (unsigned)cp);
		if (dynbuf_add(b, e, strlen(e)) < 0)
			return -1;
		i += len;
		run = i;
	}
	return dynbuf_add(b, s + run, n - run);
}

/* Appends a %s argument: escaped, padded to width (left with '-'). */
static int
put_str(struct dynbuf *b, const char *s, size_t n, int width, int left)
{
	size_t before = b->len;
	if (safe_text(b, s, n) < 0)
		return -1;
	size_t w = b->len - before;
	if (width > 0 && w < (size_t)width) {
		size_t pad = (size_t)width - w;
		if (!left) {
			/* the padding goes first: moved in front of what was appended */
			for (size_t k = 0; k < pad; k++)
				if (dynbuf_addc(b, ' ') < 0)
					return -1;
			memmove(b->buf + before + pad, b->buf + before, w);
			memset(b->buf + before, ' ', pad);
		} else
			for (size_t k = 0; k < pad; k++)
				if (dynbuf_addc(b, ' ') < 0)
					return -1;
	}
	return 0;
}

int
safe_vprintf(struct dynbuf *b, const char *fmt, va_list ap)
{
	const char *p = fmt;
	while (*p) {
		const char *lit = p;
		while (*p && *p != '%')
			p++;
		if (p > lit && dynbuf_add(b, lit, (size_t)(p - lit)) < 0)
			return -1;
		if (!*p)
			break;
		const char *start = p++;
		if (*p == '%') {
			if (dynbuf_addc(b, '%') < 0)
				return -1;
			p++;
			continue;
		}
		/* one conversion: flags, width, precision, length, its letter */
		char spec[64];
		size_t sl = 0;
		int left = 0, width = -1, prec = -1;
		spec[sl++] = '%';
		while (*p && strchr("-+ #0'", *p)) {
			left |= *p == '-';
			if (sl < 40)
				spec[sl++] = *p;
			p++;
		}
		if (*p == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			p++;
		} else if (*p >= '0' && *p <= '9') {
			width = 0;
			while (*p >= '0' && *p <= '9')
				width = width * 10 + (*p++ - '0');
		}
		if (width >= 0)
			sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, "%d", width);
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				prec = va_arg(ap, int);
				p++;
			} else
				while (*p >= '0' && *p <= '9')
					prec = prec * 10 + (*p++ - '0');
			if (prec >= 0)
				sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, ".%d", prec);
		}
		char lm[3] = { 0 };
		if (*p == 'h' || *p == 'l') {
			lm[0] = *p++;
			if (*p == lm[0])
				lm[1] = *p++;
		} else if (*p == 'j' || *p == 'z' || *p == 't' || *p == 'L')
			lm[0] = *p++;
		char conv = *p;
		if (!conv)
			return dynbuf_add(b, start, strlen(start));
		p++;
		memcpy(spec + sl, lm, strlen(lm));
		sl += strlen(lm);
		spec[sl++] = conv;
		spec[sl] = 0;
		char tmp[512];
		int r = 0;
		switch (conv) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
			if (put_str(b, s, n, width, left) < 0)
				return -1;
			continue;
		}
		case 'c': /* the program's own separators: as printf writes them */
			r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, int));
			break;
		case 'd':
		case 'i':
			if (!strcmp(lm, "ll"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, long long));
			else if (!strcmp(lm, "l"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, long));
			else if (!strcmp(lm, "j"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, intmax_t));
			else if (!strcmp(lm, "z"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, ssize_t));
			else if (!strcmp(lm, "t"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, ptrdiff_t));
			else
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, int));
			break;
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			if (!strcmp(lm, "ll"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, unsigned long long));
			else if (!strcmp(lm, "l"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, unsigned long));
			else if (!strcmp(lm, "j"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, uintmax_t));
			else if (!strcmp(lm, "z"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, size_t));
			else if (!strcmp(lm, "t"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, ptrdiff_t));
			else
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, unsigned));
			break;
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			if (!strcmp(lm, "L"))
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, long double));
			else
				r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, double));
			break;
		case 'p':
			r = snprintf(tmp, sizeof(tmp), spec, va_arg(ap, void *));
			break;
		default:
			/* %n and the unknown: written as they are, no argument taken */
			if (dynbuf_add(b, start, (size_t)(p - start)) < 0)
				return -1;
			continue;
		}
		if (r < 0)
			r = 0;
		if ((size_t)r >= sizeof(tmp))
			r = (int)sizeof(tmp) - 1;
		if (dynbuf_add(b, tmp, (size_t)r) < 0)
			return -1;
	}
	return 0;
}

int
safe_printf(struct dynbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = safe_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}
