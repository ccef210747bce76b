/*
 * Fuzz target for the HTML report (core/report_html.h): the analysis JSON
 * it draws carries names that come from users and dumps (leak names and
 * titles, column names), and a JSON document edited by hand must not
 * crash it either. Any bytes go in; the page, when there is one, must be
 * free of markup the input could inject: no "<script" anywhere.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynbuf.h"
#include "core/report_html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct html_meta m = { "dump.csv", "dumptrace analyze dump.csv", "0", "lib", "0", "now", 0 };
	struct dynbuf out;
	char err[256];

	if (size > (1u << 20))
		return 0;
	m.show_values = size & 1;
	dynbuf_init(&out, (size_t)64 << 20);
	if (report_html((const char *)data, size, &m, &out, err, sizeof(err)) == 0 && out.len) {
		/* case-blind: a browser runs <SCRIPT> as well */
		for (size_t i = 0; i + 7 <= out.len; i++)
			if (out.buf[i] == '<' && (out.buf[i + 1] | 0x20) == 's' &&
			    (out.buf[i + 2] | 0x20) == 'c' && (out.buf[i + 3] | 0x20) == 'r' &&
			    (out.buf[i + 4] | 0x20) == 'i' && (out.buf[i + 5] | 0x20) == 'p' &&
			    (out.buf[i + 6] | 0x20) == 't')
				abort();
	}
	dynbuf_release(&out);
	return 0;
}
