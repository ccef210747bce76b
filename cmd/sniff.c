/*
 * dumptrace sniff: what each input is. For every stream (a file, a
 * decompressed stream, an archive member): container and compression,
 * charset, format and dialect, the tables and columns with their inferred
 * type and the share of values that validate as it, and how many records
 * were parsed and rejected, with the first reasons.
 * It reads every record, so its counts are the real ones.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/dynbuf.h"
#include "core/jsonw.h"
#include "core/types.h"
#include "core/xalloc.h"

#define TYPE_SAMPLE 10000 /* records per table looked at for column types */

struct column {
	char *name;
	struct type_guess guess;
};

struct table {
	char *name; /* NULL for formats without tables */
	uint64_t records;
	struct column *cols;
	size_t ncols, cols_alloc;
};

struct stream {
	struct source_info si;
	char *name, *container, *compression, *encoding;
	struct dynbuf dialect; /* "key\0value\0" pairs */
	size_t ndialect;
	struct table *tables;
	size_t ntables, tables_alloc;
	uint64_t parsed, rejected;
	struct rejection first[READER_FIRST_REJECTIONS];
	unsigned nfirst;
	int failed;
	int empty; /* it failed by holding no record at all */
	char *error; /* could not be read at all */
};

/* The stream being read: each is printed as it ends and forgotten (an archive of 300,000 members). */
struct sniff {
	struct common *co;
	struct stream *s;
	size_t n, alloc;
	size_t printed;
	int json;
};

static void text_stream(struct sniff *sn, const struct stream *s, size_t i);
static void json_stream(struct sniff *sn, const struct stream *s, struct jsonw *w);

static void
stream_free(struct stream *s)
{
	for (size_t k = 0; k < s->ntables; k++) {
		for (size_t j = 0; j < s->tables[k].ncols; j++) {
			free(s->tables[k].cols[j].name);
			types_guess_release(&s->tables[k].cols[j].guess);
		}
		free(s->tables[k].cols);
		free(s->tables[k].name);
	}
	free(s->tables);
	free(s->name);
	free(s->container);
	free(s->compression);
	free(s->encoding);
	free(s->error);
	dynbuf_release(&s->dialect);
}

/* Prints the stream just ended (JSON: the inputs array's next element) and forgets it. */
static void
flush_stream(struct sniff *sn)
{
	struct stream *s = &sn->s[sn->n - 1];
	progress_clear();
	if (sn->json) {
		struct dynbuf out;
		struct jsonw w;
		dynbuf_init(&out, (size_t)1 << 40);
		jsonw_init(&w, &out);
		json_stream(sn, s, &w);
		fputs(sn->printed ? "," : "{\"inputs\":[", stdout);
		fwrite(out.buf, 1, out.len, stdout);
		dynbuf_release(&out);
	} else
		text_stream(sn, s, sn->printed);
	sn->printed++;
	stream_free(s);
	sn->n--;
}

/* The table's columns typed together (types_table); the caller frees. */
static struct type_col *
table_types(const struct table *tb)
{
	struct type_col *tc = xcalloc(tb->ncols ? tb->ncols : 1, sizeof(*tc));
	const struct type_guess **g = xcalloc(tb->ncols ? tb->ncols : 1, sizeof(*g));

	for (size_t j = 0; j < tb->ncols; j++)
		g[j] = &tb->cols[j].guess;
	types_table(tb->name, g, tb->ncols, tc);
	free(g);
	return tc;
}

static struct stream *
new_stream(struct sniff *sn)
{
	sn->s = xgrow(sn->s, &sn->alloc, sn->n + 1, sizeof(*sn->s));
	struct stream *s = &sn->s[sn->n++];
	memset(s, 0, sizeof(*s));
	dynbuf_init(&s->dialect, 1u << 16);
	return s;
}

static void
add_dialect(void *ctx, const char *k, const char *v)
{
	struct stream *s = ctx;
	dynbuf_add(&s->dialect, k, strlen(k) + 1);
	dynbuf_add(&s->dialect, v, strlen(v) + 1);
	s->ndialect++;
}

static void
sniff_begin(void *ctx, struct source *src, struct reader *r)
{
	struct sniff *sn = ctx;
	struct stream *s = new_stream(sn);
	source_info(src, &s->si);
	s->name = xstrdup(s->si.name);
	s->container = xstrdup(s->si.container);
	s->compression = xstrdup(s->si.compression);
	s->encoding = xstrdup(s->si.encoding);
	(void)r; /* the dialect is taken at the end, when the reader knows it all */
}

static struct table *
find_table(struct stream *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++) {
		struct table *t = &s->tables[i];
		if ((!t->name && !name) || (t->name && name && !strcmp(t->name, name)))
			return t;
	}
	s->tables = xgrow(s->tables, &s->tables_alloc, s->ntables + 1, sizeof(*s->tables));
	struct table *t = &s->tables[s->ntables++];
	memset(t, 0, sizeof(*t));
	t->name = name ? xstrdup(name) : NULL;
	return t;
}

static int
sniff_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct sniff *sn = ctx;
	struct stream *s = &sn->s[sn->n - 1];
	struct table *t = find_table(s, rec->table);
	(void)r;

	if (t->records++ >= TYPE_SAMPLE)
		return 0;
	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		struct column *c = NULL;
		/* columns by name: JSON records may differ in their keys */
		if (i < t->ncols && t->cols[i].name && strlen(t->cols[i].name) == f->name_len &&
		    !memcmp(t->cols[i].name, f->name, f->name_len))
			c = &t->cols[i];
		for (size_t j = 0; !c && j < t->ncols; j++)
			if (strlen(t->cols[j].name) == f->name_len && !memcmp(t->cols[j].name, f->name, f->name_len))
				c = &t->cols[j];
		if (!c) {
			if (t->ncols >= 4096)
				continue;
			t->cols = xgrow(t->cols, &t->cols_alloc, t->ncols + 1, sizeof(*t->cols));
			c = &t->cols[t->ncols++];
			memset(c, 0, sizeof(*c));
			c->name = xstrndup(f->name ? f->name : "", f->name_len);
			types_guess_init(&c->guess, c->name, f->name_len);
		}
		if (!f->is_null)
			types_guess_add(&c->guess, f->val, f->len);
	}
	return 0;
}

static void
sniff_end(void *ctx, struct source *src, struct reader *r, int failed)
{
	struct sniff *sn = ctx;
	struct stream *s = &sn->s[sn->n - 1];
	source_info(src, &s->si);
	/* the encoding again: a stream UTF-8 by its sample may have turned mixed */
	if (s->si.encoding && (!s->encoding || strcmp(s->encoding, s->si.encoding))) {
		free(s->encoding);
		s->encoding = xstrdup(s->si.encoding);
	}
	/* the dialect again: some readers learn it as they go (SQL tables) */
	dynbuf_reset(&s->dialect);
	s->ndialect = 0;
	reader_describe(r, add_dialect, s);
	s->si.name = s->name;
	s->si.container = s->container;
	s->si.compression = s->compression;
	s->si.encoding = s->encoding;
	s->parsed = r->parsed;
	s->rejected = r->rejected;
	s->failed = failed;
	s->empty = r && r->empty;
	s->nfirst = r->nfirst;
	memcpy(s->first, r->first, sizeof(s->first));
	flush_stream(sn);
}

static void
sniff_input_error(void *ctx, const char *name, const char *msg)
{
	struct sniff *sn = ctx;
	struct stream *s = new_stream(sn);
	s->name = xstrdup(name);
	s->error = xstrdup(msg);
	flush_stream(sn);
}

/* One stream in text, the i-th printed. */
/*
 * Column j's type and rate as reported: a type --type forces wins (rate 1:
 * not measured; *forced set).
 */
static enum dt_type
shown_type(struct sniff *sn, const struct table *tb, const struct type_col *tc, size_t j,
	   double *rate, int *forced)
{
	enum dt_type f = (enum dt_type)walk_forced_type(&sn->co->in, tb->cols[j].name,
							strlen(tb->cols[j].name));
	*forced = f != DT_NONE;
	*rate = *forced ? 1.0 : tc[j].rate;
	return *forced ? f : tc[j].type;
}

static void
text_stream(struct sniff *sn, const struct stream *s, size_t i)
{
	char a[32], b[32];

	if (i)
		tprintf("\n");
	tprintf("%s\n", s->name);
	if (s->error) {
		tprintf("  error       %s\n", s->error);
		return;
	}
	tprintf("  container   %s%s%s\n", s->container, *s->compression ? ", " : "", s->compression);
	if (s->si.size)
		tprintf("  size        %s\n", fmt_bytes(s->si.size, a));
	tprintf("  encoding    %s%s\n", s->encoding,
	       !s->si.encoding_guessed ? " (forced)" : s->si.encoding_confident ? " (detected)" : " (guessed)");
	if (s->si.page_lines)
		tprintf("              %s lines in %s, the others UTF-8\n", fmt_count(s->si.page_lines, a),
			strchr(s->encoding, '+') + 1);
	if (s->si.bad_sequences)
		tprintf("              %s undecodable sequences, first at byte %" PRIu64 "\n",
		       fmt_count(s->si.bad_sequences, a), s->si.first_bad);
	const char *d = s->dialect.buf;
	tprintf("  format     ");
	for (size_t k = 0; k < s->ndialect; k++) {
		const char *key = d, *val = d + strlen(d) + 1;
		d = val + strlen(val) + 1;
		if (!strcmp(key, "format"))
			tprintf(" %s", val);
		else
			tprintf(" %s=%s", key, val);
	}
	tprintf("\n  records     %s parsed, %s rejected%s\n", fmt_count(s->parsed, a),
	       fmt_count(s->rejected, b),
	       s->empty ? " (no data in it)" : s->failed ? " (input abandoned part way)" : "");
	for (unsigned k = 0; k < s->nfirst; k++)
		tprintf("    line %" PRIu64 ", byte %" PRIu64 ": %s\n", s->first[k].line, s->first[k].offset,
		       s->first[k].reason);
	for (size_t k = 0; k < s->ntables; k++) {
		struct table *tb = &s->tables[k];
		if (tb->name)
			tprintf("  table       %s: %s records\n", tb->name, fmt_count(tb->records, a));
		tprintf("  columns     %zu\n", tb->ncols);
		struct type_col *tc = table_types(tb);
		for (size_t j = 0; j < tb->ncols; j++) {
			double rate;
			int forced;
			enum dt_type ty = shown_type(sn, tb, tc, j, &rate, &forced);
			/* pad by characters, not bytes: Cyrillic names line up too */
			const char *nm = tb->cols[j].name;
			size_t chars = 0;
			for (const char *q = nm; *q; q++)
				chars += ((unsigned char)*q & 0xC0) != 0x80;
			tprintf("    %3zu  %s%*s %-13s", j + 1, nm, chars < 28 ? (int)(28 - chars) : 0, "",
			       types_name(ty));
			if (forced)
				tprintf("  forced");
			else if (ty != DT_NONE)
				tprintf(" %5.1f%%", rate * 100);
			if (!forced && tc[j].why && tc[j].header != DT_NONE && tc[j].header != DT_TEXT &&
			    tc[j].header != ty)
				tprintf("  (header says %s: %s)", types_name(tc[j].header), tc[j].why);
			else if (!forced && tc[j].why)
				tprintf("  (%s)", tc[j].why);
			tprintf("\n");
		}
		free(tc);
	}
}

static void
print_text(struct sniff *sn, const struct walk_totals *t)
{
	char a[32], b[32], c[32];

	if (sn->printed > 1)
		tprintf("\n%s inputs: %s records parsed, %s rejected\n", fmt_count(t->streams, a),
		       fmt_count(t->parsed, b), fmt_count(t->rejected, c));
}

/* One stream as a JSON object into w. */
static void
json_stream(struct sniff *sn, const struct stream *s, struct jsonw *w)
{
	jsonw_obj_open(w);
	jsonw_key(w, "name");
	jsonw_str(w, s->name);
	if (s->error) {
		jsonw_key(w, "error");
		jsonw_str(w, s->error);
		jsonw_obj_close(w);
		return;
	}
	jsonw_key(w, "container");
	jsonw_str(w, s->container);
	jsonw_key(w, "compression");
	jsonw_str(w, s->compression);
	jsonw_key(w, "size");
	jsonw_u64(w, s->si.size);
	jsonw_key(w, "bytes");
	jsonw_u64(w, s->si.bytes_out);
	jsonw_key(w, "encoding");
	jsonw_str(w, s->encoding);
	jsonw_key(w, "encoding_detected");
	jsonw_bool(w, s->si.encoding_guessed);
	jsonw_key(w, "undecodable_sequences");
	jsonw_u64(w, s->si.bad_sequences);
	jsonw_key(w, "code_page_lines");
	jsonw_u64(w, s->si.page_lines);
	const char *d = s->dialect.buf;
	jsonw_key(w, "dialect");
	jsonw_obj_open(w);
	for (size_t k = 0; k < s->ndialect; k++) {
		const char *key = d, *val = d + strlen(d) + 1;
		d = val + strlen(val) + 1;
		jsonw_key(w, key);
		jsonw_str(w, val);
	}
	jsonw_obj_close(w);
	jsonw_key(w, "records");
	jsonw_obj_open(w);
	jsonw_key(w, "total");
	jsonw_u64(w, s->parsed + s->rejected);
	jsonw_key(w, "parsed");
	jsonw_u64(w, s->parsed);
	jsonw_key(w, "rejected");
	jsonw_u64(w, s->rejected);
	jsonw_obj_close(w);
	jsonw_key(w, "abandoned");
	jsonw_bool(w, s->failed);
	jsonw_key(w, "rejections");
	jsonw_arr_open(w);
	for (unsigned k = 0; k < s->nfirst; k++) {
		jsonw_obj_open(w);
		jsonw_key(w, "line");
		jsonw_u64(w, s->first[k].line);
		jsonw_key(w, "offset");
		jsonw_u64(w, s->first[k].offset);
		jsonw_key(w, "reason");
		jsonw_str(w, s->first[k].reason);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_key(w, "tables");
	jsonw_arr_open(w);
	for (size_t k = 0; k < s->ntables; k++) {
		struct table *tb = &s->tables[k];
		jsonw_obj_open(w);
		jsonw_key(w, "name");
		jsonw_str(w, tb->name);
		jsonw_key(w, "records");
		jsonw_u64(w, tb->records);
		jsonw_key(w, "columns");
		jsonw_arr_open(w);
		struct type_col *tc = table_types(tb);
		for (size_t j = 0; j < tb->ncols; j++) {
			double rate;
			int forced;
			enum dt_type ty = shown_type(sn, tb, tc, j, &rate, &forced);
			jsonw_obj_open(w);
			jsonw_key(w, "name");
			jsonw_str(w, tb->cols[j].name);
			jsonw_key(w, "type");
			jsonw_str(w, types_name(ty));
			jsonw_key(w, "rate");
			jsonw_dbl(w, rate);
			jsonw_key(w, "forced");
			jsonw_bool(w, forced != 0);
			jsonw_key(w, "header_type");
			if (tc[j].header != DT_NONE)
				jsonw_str(w, types_name(tc[j].header));
			else
				jsonw_null(w);
			jsonw_key(w, "why");
			if (!forced && tc[j].why)
				jsonw_str(w, tc[j].why);
			else
				jsonw_null(w);
			jsonw_obj_close(w);
		}
		free(tc);
		jsonw_arr_close(w);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

static void
print_json(struct sniff *sn, const struct walk_totals *t)
{
	struct dynbuf out;
	struct jsonw w;

	dynbuf_init(&out, (size_t)1 << 20);
	jsonw_init(&w, &out);
	jsonw_obj_open(&w);
	jsonw_key(&w, "totals");
	jsonw_obj_open(&w);
	jsonw_key(&w, "inputs");
	jsonw_u64(&w, t->streams);
	jsonw_key(&w, "failed");
	jsonw_u64(&w, t->failed);
	jsonw_key(&w, "empty");
	jsonw_u64(&w, t->empty);
	jsonw_key(&w, "parsed");
	jsonw_u64(&w, t->parsed);
	jsonw_key(&w, "rejected");
	jsonw_u64(&w, t->rejected);
	jsonw_obj_close(&w);
	jsonw_obj_close(&w);
	/* after the streams, each printed as it ended: "],"totals":{...}}" */
	fputs(sn->printed ? "]," : "{\"inputs\":[],", stdout);
	fwrite(out.buf + 1, 1, out.len - 1, stdout);
	fputc('\n', stdout);
	dynbuf_release(&out);
}

static void
help(void)
{
	tprintf("usage: dumptrace sniff [OPTIONS] FILE...\n"
	       "\n"
	       "Reads every input whole and says what it is: container and compression,\n"
	       "charset, format and dialect, tables and columns with their type and the\n"
	       "share of values that validate as it (from the first 10,000 records), and\n"
	       "how many records were parsed and rejected, with the first reasons.\n"
	       "FILE may be - for standard input; archives give one input per member.\n"
	       "\n"
	       "  --json                 print JSON instead of text\n"
	       "\n" COMMON_HELP);
}

int
cmd_sniff(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common co;
	struct sniff sn;
	int opt;

	common_init(&co);
	memset(&sn, 0, sizeof(sn));
	sn.co = &co;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (common_option(&co, opt, optarg))
			continue;
		switch (opt) {
		case 'j':
			sn.json = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("sniff", "bad option");
		}
	}
	if (optind >= argc)
		die_usage("sniff", "no input given (use - for standard input)");
	common_start(&co);

	struct walk_cb cb = {
		.ctx = &sn,
		.begin = sniff_begin,
		.record = sniff_record,
		.end = sniff_end,
		.input_error = sniff_input_error,
	};
	struct walk_totals t;
	int rc = walk_paths(&co.in, argv + optind, argc - optind, &cb, &t);
	progress_clear();
	if (sn.json)
		print_json(&sn, &t);
	else
		print_text(&sn, &t);
	common_finish(&co); /* after the printing: it frees the --type list the summary reads */
	free(sn.s);
	if (fflush(stdout) != 0)
		die("cannot write output");
	return rc;
}
