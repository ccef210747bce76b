/*
 * Names that carry personal data: see core/pii.h.
 */
#include "config.h"

#include <string.h>

#include "core/dynbuf.h"
#include "core/pii.h"
#include "core/xalloc.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

/* An e-mail address around the '@' at s[at]: a local part before, a dotted domain after. */
static int
email_at(const char *s, size_t n, size_t at)
{
	size_t i = at;
	size_t local = 0;
	while (i > 0 && (is_alnum(s[i - 1]) || strchr("._%+-", s[i - 1]))) {
		i--;
		local++;
	}
	if (!local)
		return 0;
	size_t dots = 0, label = 0, j = at + 1;
	for (; j < n && (is_alnum(s[j]) || s[j] == '.' || s[j] == '-'); j++) {
		if (s[j] == '.') {
			if (!label)
				return 0;
			dots++;
			label = 0;
		} else
			label++;
	}
	return dots > 0 && label >= 2;
}

int
pii_in_name(const char *s, size_t n)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '@' && email_at(s, n, i))
			return 1;
		if (is_digit(c)) {
			if (++digits >= 9)
				return 1;
		} else if (!(digits && strchr(" +-()", c)))
			digits = 0;
	}
	return 0;
}

char *
pii_path(const char *path)
{
	struct dynbuf b;
	dynbuf_init(&b, strlen(path) + 4096);
	for (const char *p = path;;) {
		size_t n = strcspn(p, "/:");
		if (pii_in_name(p, n))
			dynbuf_add(&b, "(withheld)", 10);
		else
			dynbuf_add(&b, p, n);
		if (!p[n])
			break;
		dynbuf_addc(&b, p[n]);
		p += n + 1;
	}
	char *out = xstrdup(dynbuf_str(&b));
	dynbuf_release(&b);
	return out;
}
