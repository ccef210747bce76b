/*
 * The walk over inputs: paths, their streams, their records, with the
 * accounting and the messages every reading command shows. See walk.h.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/status.h"
#include "core/walk.h"
#include "core/xalloc.h"

void
walk_opts_init(struct walk_opts *o)
{
	memset(o, 0, sizeof(*o));
	source_opts_init(&o->src);
	reader_opts_init(&o->rd);
}

int
walk_forced_type(const struct walk_opts *o, const char *name, size_t len)
{
	for (size_t i = 0; i < o->ntypes; i++)
		if (strlen(o->types[i].column) == len && !strncasecmp(o->types[i].column, name, len))
			return o->types[i].type;
	return 0;
}

void
walk_say(const struct walk_opts *o, const char *fmt, ...)
{
	char buf[2048], *msg = buf;
	va_list ap, ap2;
	if (o->silent || !o->message)
		return;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf)) { /* a long path: the whole message all the same */
		msg = xmalloc((size_t)n + 1);
		vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	va_end(ap);
	o->message(o->hook_ctx, msg);
	if (msg != buf)
		free(msg);
}

static void
write_reject(const struct walk_opts *o, const char *name, struct reader *r)
{
	if (!o->rejects)
		return;
	fprintf(o->rejects, "# %s:%" PRIu64 ":%" PRIu64 ": %s\n", name, r->last.line, r->last.offset,
		r->last.reason);
	if (r->raw && r->raw_len) {
		fwrite(r->raw, 1, r->raw_len, o->rejects);
		if (r->raw[r->raw_len - 1] != '\n')
			fputc('\n', o->rejects);
	}
}

static void
lost(const struct walk_opts *o, const struct walk_cb *cb, struct walk_totals *t, const char *name,
     const char *msg)
{
	walk_say(o, "%s", msg);
	t->failed++;
	if (cb->input_error)
		cb->input_error(cb->ctx, name, msg);
}

/* The records of one open stream; 1 when the walk is to stop. */
static int
walk_records(const struct walk_opts *o, struct source *src, struct reader *r, const char *name,
	     const struct walk_cb *cb, struct walk_totals *t, uint64_t bytes_done, int *failed)
{
	struct record rec;
	int k = 0;
	for (;;) {
		int st = reader_next(r, &rec);
		if (st == DT_OK) {
			if (cb->record && cb->record(cb->ctx, r, &rec) < 0)
				return 1;
		} else if (st == DT_WARN) {
			if (!o->quiet && r->rejected <= READER_FIRST_REJECTIONS)
				walk_say(o, "'%s': line %" PRIu64 ", byte %" PRIu64 ": %s; record rejected", name,
					 r->last.line, r->last.offset, r->last.reason);
			write_reject(o, name, r);
			if (cb->reject)
				cb->reject(cb->ctx, r);
		} else if (st == DT_FAILED) {
			if (r->empty)
				walk_say(o, "'%s': %s; no record read", name, r->last.reason);
			else
				walk_say(o, "'%s': line %" PRIu64 ", byte %" PRIu64 ": %s; rest of input lost",
					 name, r->last.line, r->last.offset, r->last.reason);
			*failed = 1;
			return 0;
		} else
			return 0;
		if (o->progress && (++k & 0x3fff) == 0)
			o->progress(o->hook_ctx, bytes_done + source_offset(src), t->parsed + r->parsed + r->rejected);
	}
}

/* One stream, opened to its end; 1 when the walk is to stop. */
static int
walk_stream(const struct walk_opts *o, struct source *src, const struct walk_cb *cb,
	    struct walk_totals *t)
{
	struct source_info si;
	struct reader r;
	source_info(src, &si);
	t->streams++;
	if (reader_open(&r, src, &o->rd) != DT_OK) {
		walk_say(o, "'%s': %s", si.name, r.last.reason);
		t->failed++;
		if (cb->input_error)
			cb->input_error(cb->ctx, si.name, r.last.reason);
		reader_close(&r);
		return 0;
	}
	if (cb->begin)
		cb->begin(cb->ctx, src, &r);
	int failed = 0;
	int stop = walk_records(o, src, &r, si.name, cb, t, t->bytes, &failed);
	source_info(src, &si);
	if (r.rejected > READER_FIRST_REJECTIONS && !o->quiet)
		walk_say(o, "'%s': %" PRIu64 " records rejected in all", si.name, r.rejected);
	if (si.bad_sequences) {
		walk_say(o, "'%s': %" PRIu64 " byte sequences not valid %s, the first at byte %" PRIu64
			    "; each replaced by U+FFFD",
			 si.name, si.bad_sequences, si.encoding, si.first_bad);
		t->bad_sequences += si.bad_sequences;
	}
	if (si.page_lines && !o->quiet)
		walk_say(o, "'%s': mixed encodings: %" PRIu64 " lines decoded as %s, the others UTF-8",
			 si.name, si.page_lines, strchr(si.encoding, '+') + 1);
	if (r.no_records && !failed && r.parsed == 0 && r.rejected == 0)
		walk_say(o, "'%s': %s; no records in it, skipped", si.name, r.no_records);
	/* a binary reader given a plain file's path (source_spool) decodes no byte */
	if (si.bytes_out == 0 && !failed && r.parsed == 0 && r.rejected == 0) {
		walk_say(o, "'%s': empty input, nothing to read", si.name);
		t->empty++;
	}
	t->parsed += r.parsed;
	t->rejected += r.rejected;
	t->failed += (uint64_t)failed;
	t->bytes += si.bytes_out;
	if (cb->end)
		cb->end(cb->ctx, src, &r, failed);
	reader_close(&r);
	return stop;
}

int
walk_paths(const struct walk_opts *o, char **paths, int n, const struct walk_cb *cb,
	   struct walk_totals *t)
{
	char err[1024];
	int stop = 0;

	struct source_opts so = o->src;

	/* a binary reader named by --format reads the bytes as they are */
	if (format_is_binary(o->rd.format))
		so.binary = 1;
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < n && !stop; i++) {
		struct input *in = input_open(paths[i], &so, err, sizeof(err));
		t->paths++;
		if (!in) {
			lost(o, cb, t, paths[i], err);
			continue;
		}
		int errs = 0;
		while (!stop) {
			struct source *src;
			int st = input_next(in, &src, err, sizeof(err));
			if (st == DT_EOF)
				break;
			if (st != DT_OK) {
				lost(o, cb, t, paths[i], err);
				errs++;
				continue;
			}
			stop = walk_stream(o, src, cb, t);
		}
		if (!stop && !input_count(in) && !errs) {
			/* an archive of directories only, a zip with no entry: nothing was read */
			char m[1200];
			snprintf(m, sizeof(m), "'%s': an archive with no file in it, nothing to read", paths[i]);
			lost(o, cb, t, paths[i], m);
		}
		input_close(in);
	}
	t->stopped = stop;
	return walk_status(t);
}

int
walk_status(const struct walk_totals *t)
{
	return t->failed || t->rejected || t->empty || t->bad_sequences ? 1 : 0;
}
