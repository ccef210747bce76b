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

#include "core/dynbuf.h"
#include "core/status.h"
#include "core/utf8.h"
#include "formats/format.h"
#include "formats/source.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT "auto"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set by run(): a stream came out of an archive or a decompressor. */
static int packed;

/*
 * Reads everything, checks the invariants, and writes each record and
 * rejection into out so that two runs can be compared.
 */
static void
run(const uint8_t *data, size_t size, int no_fast, int whole, struct dynbuf *out)
{
	struct source_opts so;
	struct reader_opts ro;
	char err[512];
	struct input *in;
	struct source *src;

	source_opts_init(&so);
	so.max_member_size = 64u << 20;
	so.max_window = 1u << 20;
	so.bufsize = 64u << 10; /* small buffers: more runs per second */
	/* odd-sized fills shake out reader state bugs; vary by input */
	so.chunk = whole ? 0 : size ? (size_t)data[0] % 64 + 1 : 1;
	reader_opts_init(&ro);
	ro.max_record = 256u << 10;
	ro.no_fast_path = no_fast;
	if (strcmp(FUZZ_FORMAT, "auto"))
		ro.format = FUZZ_FORMAT;
	so.binary = format_is_binary(ro.format); /* raw bytes for a binary reader */

	in = input_open_mem("fuzz", data, size, &so, err, sizeof(err));
	if (!in)
		return;
	for (int guard = 0; guard < 64; guard++) {
		int st = input_next(in, &src, err, sizeof(err));
		if (st == DT_EOF)
			break;
		if (st != DT_OK) {
			packed = 1;
			continue;
		}
		struct source_info si;
		source_info(src, &si);
		packed |= strcmp(si.container, "memory") || *si.compression;
		struct reader r;
		struct record rec;
		if (reader_open(&r, src, &ro) == DT_OK) {
			uint64_t ok = 0, bad = 0;
			for (;;) {
				st = reader_next(&r, &rec);
				if (st == DT_OK) {
					ok++;
					dynbuf_printf(out, "R%llu:", (unsigned long long)rec.line);
					if (rec.table) {
						/* a table is a NUL-terminated name, valid UTF-8 */
						size_t tn = strlen(rec.table);
						if (utf8_invalid(rec.table, tn) != (size_t)-1)
							abort();
						dynbuf_printf(out, "T%s:", rec.table);
					}
					for (size_t i = 0; i < rec.nfields; i++) {
						const struct field *f = &rec.fields[i];
						if (utf8_invalid(f->val, f->len) != (size_t)-1 ||
						    memchr(f->val, 0, f->len))
							abort();
						if (f->name_len && utf8_invalid(f->name, f->name_len) != (size_t)-1)
							abort();
						dynbuf_add(out, f->name, f->name_len);
						dynbuf_addc(out, '=');
						dynbuf_add(out, f->val, f->len);
						dynbuf_addc(out, '\x1f');
					}
					dynbuf_addc(out, '\n');
				} else if (st == DT_WARN) {
					bad++;
					dynbuf_printf(out, "W%llu:%s\n", (unsigned long long)r.last.line, r.last.reason);
				} else
					break;
			}
			if (ok != r.parsed || bad != r.rejected)
				abort();
		}
		reader_close(&r);
	}
	input_close(in);
}

/*
 * libFuzzer calls this first (the replay in make check does not): FreeXL
 * is then run in this process, so that the fuzzer sees its crashes and
 * coverage; the replay goes through the child process as dumptrace does.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("DUMPTRACE_XLS_IN_PROCESS", "1", 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dynbuf a, b;

	dynbuf_init(&a, (size_t)1 << 30);
	packed = 0;
	run(data, size, 0, 0, &a);
	/* JSON: only plain input (archives and decompressors are not the reader's) */
	if (!strcmp(FUZZ_FORMAT, "csv") || !strcmp(FUZZ_FORMAT, "lines") ||
	    (!strcmp(FUZZ_FORMAT, "json") && !packed)) {
		/*
		 * the CSV fast path must read exactly as libcsv does; a word
		 * list or JSON must read the same fed in pieces as fed whole
		 */
		int csv = !strcmp(FUZZ_FORMAT, "csv");
		dynbuf_init(&b, (size_t)1 << 30);
		run(data, size, csv, !csv, &b);
		if (a.len != b.len || (a.len && memcmp(a.buf, b.buf, a.len)))
			abort();
		dynbuf_release(&b);
	}
	dynbuf_release(&a);
	return 0;
}
