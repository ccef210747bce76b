/*
 * Fuzz target for one reader (FUZZ_FORMAT: "csv", "json", ...) or for the
 * whole input stack ("auto": archives, charsets, format sniffing). It
 * reads every record and checks the invariants every reader promises:
 * it ends, counts add up, every value is valid UTF-8 without NUL bytes.
 * Built for libFuzzer with --enable-fuzzing, and linked with replay.c into
 * a plain program that `make check` runs over the kept corpus.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/utf8.h"
#include "formats/format.h"
#include "formats/source.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT "auto"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_opts so;
	struct reader_opts ro;
	char err[512];
	struct input *in;
	struct source *src;

	source_opts_init(&so);
	so.max_member_size = 64u << 20;
	so.max_window = 4u << 20;
	/* odd-sized fills shake out reader state bugs; vary by input */
	so.chunk = size ? (size_t)data[0] % 64 + 1 : 1;
	reader_opts_init(&ro);
	ro.max_record = 1u << 20;
	if (strcmp(FUZZ_FORMAT, "auto"))
		ro.format = FUZZ_FORMAT;

	in = input_open_mem("fuzz", data, size, &so, err, sizeof(err));
	if (!in)
		return 0;
	for (int guard = 0; guard < 64; guard++) {
		int st = input_next(in, &src, err, sizeof(err));
		if (st == DT_EOF)
			break;
		if (st != DT_OK)
			continue;
		struct reader r;
		struct record rec;
		if (reader_open(&r, src, &ro) == DT_OK) {
			uint64_t ok = 0, bad = 0;
			for (;;) {
				st = reader_next(&r, &rec);
				if (st == DT_OK) {
					ok++;
					for (size_t i = 0; i < rec.nfields; i++) {
						const struct field *f = &rec.fields[i];
						if (utf8_invalid(f->val, f->len) != (size_t)-1 ||
						    memchr(f->val, 0, f->len))
							abort();
						if (f->name_len && utf8_invalid(f->name, f->name_len) != (size_t)-1)
							abort();
					}
				} else if (st == DT_WARN)
					bad++;
				else
					break;
			}
			if (ok != r.parsed || bad != r.rejected)
				abort();
		}
		reader_close(&r);
	}
	input_close(in);
	return 0;
}
