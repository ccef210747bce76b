/* The binary encoding of the steps' files (core/wire.h). */
#include "config.h"

#include <stdlib.h>

#include "core/wire.h"
#include "core/xalloc.h"

char *
wire_get_str(struct wire_r *r, size_t *len)
{
	uint64_t n = wire_get_u64(r);
	*len = 0;
	if (r->bad || n == UINT64_MAX)
		return NULL;
	const uint8_t *p = wire_get_raw(r, n > SIZE_MAX - 1 ? SIZE_MAX : (size_t)n);
	if (!p)
		return NULL;
	char *s = xmalloc((size_t)n + 1);
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

void
wire_hex(FILE *f, const char *s)
{
	for (; *s; s++)
		fprintf(f, "%02x", (unsigned char)*s);
}

char *
wire_unhex(const char *s)
{
	size_t n = strlen(s);
	if (n % 2)
		return NULL;
	char *out = xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1 || !v) {
			free(out);
			return NULL;
		}
		out[i] = (char)v;
	}
	out[n / 2] = '\0';
	return out;
}
