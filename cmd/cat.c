/*
 * dumptrace cat: the records exactly as the readers produce them, as JSON
 * Lines (column names as keys, plus _input and _table) or CSV, so that any
 * dump can be handed to jq, Miller or a database, and so that the readers
 * can be compared with each other.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/dynbuf.h"
#include "core/jsonw.h"

struct cat {
	int csv;
	FILE *out;
	struct dynbuf buf;
	const char *input; /* name of the stream being read */
	struct dynbuf header; /* CSV: the column names last written */
	int wrote_header;
};

static void
csv_cell(struct dynbuf *b, const char *v, size_t n)
{
	int quote = n == 0 ? 0 : (v[0] == ' ' || v[n - 1] == ' ');
	for (size_t i = 0; i < n && !quote; i++)
		quote = v[i] == ',' || v[i] == '"' || v[i] == '\n' || v[i] == '\r';
	if (!quote) {
		dynbuf_add(b, v, n);
		return;
	}
	dynbuf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"')
			dynbuf_addc(b, '"');
		dynbuf_addc(b, v[i]);
	}
	dynbuf_addc(b, '"');
}

static void
cat_begin(void *ctx, struct source *src, struct reader *r)
{
	struct cat *c = ctx;
	struct source_info si;
	(void)r;
	source_info(src, &si);
	c->input = si.name;
}

static void
flush(struct cat *c)
{
	if (c->buf.len > (1u << 20)) {
		if (fwrite(c->buf.buf, 1, c->buf.len, c->out) != c->buf.len)
			die("cannot write output: %s", strerror(errno));
		dynbuf_reset(&c->buf);
	}
}

static int
cat_record(void *ctx, struct reader *r, const struct record *rec)
{
	struct cat *c = ctx;
	(void)r;

	if (c->csv) {
		/* a new header whenever the columns change, as Miller does */
		struct dynbuf h;
		dynbuf_init(&h, (size_t)1 << 30);
		for (size_t i = 0; i < rec->nfields; i++) {
			if (i)
				dynbuf_addc(&h, ',');
			csv_cell(&h, rec->fields[i].name, rec->fields[i].name_len);
		}
		if (!c->wrote_header || h.len != c->header.len || memcmp(h.buf, c->header.buf, h.len)) {
			if (c->wrote_header)
				dynbuf_addc(&c->buf, '\n');
			dynbuf_add(&c->buf, h.buf, h.len);
			dynbuf_addc(&c->buf, '\n');
			dynbuf_reset(&c->header);
			dynbuf_add(&c->header, h.buf, h.len);
			c->wrote_header = 1;
		}
		dynbuf_release(&h);
		for (size_t i = 0; i < rec->nfields; i++) {
			if (i)
				dynbuf_addc(&c->buf, ',');
			if (!rec->fields[i].is_null)
				csv_cell(&c->buf, rec->fields[i].val, rec->fields[i].len);
		}
		dynbuf_addc(&c->buf, '\n');
	} else {
		struct jsonw w;
		jsonw_init(&w, &c->buf);
		jsonw_obj_open(&w);
		jsonw_key(&w, "_input");
		jsonw_str(&w, c->input);
		jsonw_key(&w, "_table");
		jsonw_str(&w, rec->table);
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct field *f = &rec->fields[i];
			jsonw_keyn(&w, f->name, f->name_len);
			if (f->is_null)
				jsonw_null(&w);
			else
				jsonw_strn(&w, f->val, f->len);
		}
		jsonw_obj_close(&w);
		dynbuf_addc(&c->buf, '\n');
	}
	flush(c);
	return 0;
}

static void
help(void)
{
	printf("usage: dumptrace cat [OPTIONS] FILE...\n"
	       "\n"
	       "Prints the records of each input as the readers produce them. Rejected\n"
	       "records never reach the output: they are counted on stderr and written\n"
	       "to --rejects FILE.\n"
	       "\n"
	       "  --output-format F      jsonl (default: one object per record, with _input\n"
	       "                         and _table) or csv (a new header when columns change)\n"
	       "  -o, --output FILE      write to FILE instead of standard output\n"
	       "\n" COMMON_HELP);
}

int
cmd_cat(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		{ "output-format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common co;
	struct cat c;
	const char *outpath = NULL;
	int opt;

	common_init(&co);
	memset(&c, 0, sizeof(c));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qho:", opts, NULL)) != -1) {
		if (common_option(&co, opt, optarg))
			continue;
		switch (opt) {
		case 'F':
			if (!strcmp(optarg, "csv"))
				c.csv = 1;
			else if (strcmp(optarg, "jsonl") && strcmp(optarg, "json"))
				die_usage("cat", "unknown output format '%s' (jsonl, csv)", optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("cat", "bad option");
		}
	}
	if (optind >= argc)
		die_usage("cat", "no input given (use - for standard input)");
	c.out = stdout;
	if (outpath && strcmp(outpath, "-")) {
		c.out = fopen(outpath, "w");
		if (!c.out)
			die("cannot open '%s' for writing: %s", outpath, strerror(errno));
	}
	dynbuf_init(&c.buf, (size_t)1 << 40);
	dynbuf_init(&c.header, (size_t)1 << 30);
	common_start(&co);

	struct walk_cb cb = { .ctx = &c, .begin = cat_begin, .record = cat_record };
	struct walk_totals t;
	int rc = walk_paths(&co, argv + optind, argc - optind, &cb, &t);

	if (c.buf.len && fwrite(c.buf.buf, 1, c.buf.len, c.out) != c.buf.len)
		die("cannot write output: %s", strerror(errno));
	if (fflush(c.out) != 0 || (c.out != stdout && fclose(c.out) != 0))
		die("cannot write output: %s", strerror(errno));
	common_finish(&co);
	if (!co.quiet || rc != EXIT_CLEAN) {
		char a[32], b[32];
		fprintf(stderr, "dumptrace: %s records parsed, %s rejected\n", fmt_count(t.parsed, a),
			fmt_count(t.rejected, b));
	}
	dynbuf_release(&c.buf);
	dynbuf_release(&c.header);
	return rc;
}
