/*
 * A JSON writer; see jsonw.h. Reading JSON is yajl's job (formats/json.c);
 * writing it is a few lines of escaping, done here.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/utf8.h"

void
json_quote(struct dynbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	dynbuf_addc(b, '"');
	while (i < n) {
		size_t run = i;
		while (run < n) {
			unsigned char c = (unsigned char)s[run];
			if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
				break;
			run++;
		}
		if (run > i) {
			dynbuf_add(b, s + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t bad = utf8_invalid(s + i, n - i < 4 ? n - i : 4);
			size_t l = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
			if (bad == 0 || (bad != (size_t)-1 && bad < l) || l > n - i) {
				dynbuf_add(b, "\xEF\xBF\xBD", 3);
				i++;
			} else {
				dynbuf_add(b, s + i, l);
				i += l;
			}
			continue;
		}
		switch (c) {
		case '"': dynbuf_add(b, "\\\"", 2); break;
		case '\\': dynbuf_add(b, "\\\\", 2); break;
		case '\n': dynbuf_add(b, "\\n", 2); break;
		case '\r': dynbuf_add(b, "\\r", 2); break;
		case '\t': dynbuf_add(b, "\\t", 2); break;
		case '\b': dynbuf_add(b, "\\b", 2); break;
		case '\f': dynbuf_add(b, "\\f", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			dynbuf_add(b, u, 6);
		}
		}
		i++;
	}
	dynbuf_addc(b, '"');
}

void
jsonw_init(struct jsonw *w, struct dynbuf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = 1;
}

/* Writes the comma before a value or key, unless it follows a key. */
static void
sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->first[w->depth])
		dynbuf_addc(w->out, ',');
	w->first[w->depth] = 0;
}

static void
open_(struct jsonw *w, char c)
{
	sep(w);
	dynbuf_addc(w->out, c);
	if (w->depth < JSONW_DEPTH - 1)
		w->depth++;
	w->first[w->depth] = 1;
}

static void
close_(struct jsonw *w, char c)
{
	dynbuf_addc(w->out, c);
	if (w->depth > 0)
		w->depth--;
}

void jsonw_obj_open(struct jsonw *w) { open_(w, '{'); }
void jsonw_obj_close(struct jsonw *w) { close_(w, '}'); }
void jsonw_arr_open(struct jsonw *w) { open_(w, '['); }
void jsonw_arr_close(struct jsonw *w) { close_(w, ']'); }

void
jsonw_keyn(struct jsonw *w, const char *k, size_t n)
{
	sep(w);
	json_quote(w->out, k, n);
	dynbuf_addc(w->out, ':');
	w->after_key = 1;
}

void
jsonw_key(struct jsonw *w, const char *k)
{
	jsonw_keyn(w, k, strlen(k));
}

void
jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	sep(w);
	json_quote(w->out, s, n);
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	jsonw_strn(w, s, strlen(s));
}

void
jsonw_u64(struct jsonw *w, uint64_t v)
{
	sep(w);
	dynbuf_printf(w->out, "%llu", (unsigned long long)v);
}

void
jsonw_i64(struct jsonw *w, int64_t v)
{
	sep(w);
	dynbuf_printf(w->out, "%lld", (long long)v);
}

void
jsonw_dbl(struct jsonw *w, double v)
{
	sep(w);
	if (!isfinite(v))
		dynbuf_add(w->out, "null", 4);
	else
		dynbuf_printf(w->out, "%.6g", v);
}

void
jsonw_bool(struct jsonw *w, int v)
{
	sep(w);
	dynbuf_add(w->out, v ? "true" : "false", v ? 4 : 5);
}

void
jsonw_null(struct jsonw *w)
{
	sep(w);
	dynbuf_add(w->out, "null", 4);
}
