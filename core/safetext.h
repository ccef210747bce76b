/*
 * Text from the input, made safe to print. A dump's member names, paths,
 * column names and excerpts are written by whoever made it: an ESC or OSC
 * sequence, a C0 or C1 control, a bidi override or a stray byte printed
 * raw can rewrite the investigator's terminal or make a name read as
 * another. Escaped here, as git and ls quote file names:
 *
 *   tab, newline, carriage return   \t \n \r
 *   other C0 controls, DEL          \xHH   (ESC is \x1b)
 *   C1 controls (U+0080-U+009F),    \uHHHH
 *   bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069),
 *   line and paragraph separators (U+2028, U+2029)
 *   a byte that is not well-formed UTF-8   \xHH
 *
 * Everything else, Cyrillic included, is kept. JSON and HTML have their
 * own escaping (jsonw, report_html); this is for text and messages.
 */
#ifndef DT_SAFETEXT_H
#define DT_SAFETEXT_H

#include <stdarg.h>
#include <stddef.h>

#include "core/dynbuf.h"

/* Does s[0..n) hold anything that safe_text() would escape? */
int safe_needed(const char *s, size_t n);

/* Appends s[0..n) to b, escaped; -1 when b is full. */
int safe_text(struct dynbuf *b, const char *s, size_t n);

/*
 * dynbuf_printf() with every %s argument escaped as safe_text() does;
 * the format itself (its newlines) and %c (a separator of the program's)
 * are kept: pass separators such as "\n" in the format or as %c, never
 * as %s. Width and precision
 * apply as printf applies them (in bytes; the precision to the raw
 * argument). -1 when b is full.
 */
int safe_printf(struct dynbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int safe_vprintf(struct dynbuf *b, const char *fmt, va_list ap);

#endif
