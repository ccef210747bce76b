/*
 * The analysis as a self-contained HTML page (issue "A report a
 * journalist can publish from"): rendered from the analysis's JSON
 * document (core/findings.c writes it for --json; see the README for its
 * keys), so that the page shows exactly what the JSON says, and nothing
 * the JSON does not hold: no personal data can reach the page unless the
 * JSON had it. Inline CSS and SVG written here, no script, no font or
 * file from the network; printable; readable at a phone's width.
 */
#ifndef DT_REPORT_HTML_H
#define DT_REPORT_HTML_H

#include <stddef.h>

#include "core/dynbuf.h"

struct html_meta {
	const char *input;	   /* the dump's name(s) as given */
	const char *command;	   /* the command line, to reproduce */
	const char *version;	   /* dumptrace's */
	const char *library;	   /* the library's path */
	const char *library_id;	   /* its random id (names its key; derived from nothing) */
	const char *generated;	   /* UTC time, ISO 8601 */
	int show_values;	   /* --show-values was given: a warning banner */
};

/*
 * Appends the page for the analysis JSON json[0..len) to out. 0, or -1
 * with the reason in err (JSON that is not an analysis, out's cap).
 */
int report_html(const char *json, size_t len, const struct html_meta *meta, struct dynbuf *out,
		char *err, size_t errlen);

#endif
