/*
 * dumptrace ingest: adds a known leak to the library. The options are
 * read here, the work is core/ingest.h's; a signal stops it at the next
 * record (or at once while a read waits for input), the library as it was.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/ingest.h"
#include "core/jsonw.h"
#include "core/status.h"
#include "core/xalloc.h"

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

static void
print_json(const struct ingest_opts *o, const struct ingest_result *r)
{
	struct dynbuf b;
	struct jsonw jw;
	dynbuf_init(&b, 1u << 20);
	jsonw_init(&jw, &b);
	jsonw_obj_open(&jw);
	jsonw_key(&jw, "name");
	jsonw_str(&jw, o->meta.name);
	jsonw_key(&jw, "records");
	jsonw_u64(&jw, r->records);
	jsonw_key(&jw, "rejected");
	jsonw_u64(&jw, r->rejected);
	jsonw_key(&jw, "duplicates");
	jsonw_u64(&jw, r->duplicates);
	jsonw_key(&jw, "references_followed");
	jsonw_u64(&jw, r->joined);
	jsonw_key(&jw, "references_unjoined_rows");
	jsonw_u64(&jw, r->joins_unindexed);
	jsonw_key(&jw, "private_lookup");
	jsonw_bool(&jw, r->private_lookup);
	jsonw_key(&jw, "sets");
	jsonw_u64(&jw, r->sets);
	jsonw_key(&jw, "keys");
	jsonw_u64(&jw, r->keys);
	jsonw_key(&jw, "bytes");
	jsonw_u64(&jw, r->bytes);
	jsonw_key(&jw, "sort_keys");
	jsonw_u64(&jw, r->sort.pairs);
	jsonw_key(&jw, "spill_blocks");
	jsonw_u64(&jw, r->sort.spilled_blocks);
	jsonw_key(&jw, "spilled_bytes");
	jsonw_u64(&jw, r->sort.spilled_bytes);
	/* where the time went: reading (parse, type, fingerprint, sort runs), then writing the sets */
	jsonw_key(&jw, "read_seconds");
	jsonw_dbl(&jw, r->read_seconds);
	jsonw_key(&jw, "write_seconds");
	jsonw_dbl(&jw, r->write_seconds);
	jsonw_obj_close(&jw);
	printf("%s\n", dynbuf_str(&b)); /* JSON: escaped as JSON */
	dynbuf_release(&b);
}

/*
 * Runs the engine with SIGINT, SIGTERM and SIGHUP caught (the handlers
 * restored after); prints the result. Returns the exit code.
 */
static int
run(struct ingest_opts *o, int json, char **paths, int npaths)
{
	struct ingest_result r;
	struct sigaction sa, old_int, old_term, old_hup;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	int st = ingest_run(o, paths, npaths, &r);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	progress_clear();
	if (st != DT_OK)
		die("%s", r.err);
	ingest_print(o, &r, json);
	return walk_status(&r.walk) ? EXIT_REJECTS : EXIT_CLEAN;
}

void
ingest_print(const struct ingest_opts *o, const struct ingest_result *r, int json)
{
	if (json)
		print_json(o, r);
	else if (!o->in->quiet) {
		char a[32], b[32], c[32], d[32], e[32], f[64] = "";
		if (r->joined)
			snprintf(f, sizeof(f), "; %s references between its tables followed",
				 fmt_count(r->joined, d));
		if (r->joins_unindexed)
			fprintf(stderr,
				"dumptrace: warning: %s rows of referenced tables were past the memory budget: "
				"references to them not followed (a larger --memory follows them)\n",
				fmt_count(r->joins_unindexed, a));
		fprintf(stderr,
			"dumptrace: ingested '%s': %s records (%s rejected, %s duplicates), %zu sets, %s keys, %s%s\n",
			o->meta.name, fmt_count(r->records, a), fmt_count(r->rejected, b),
			fmt_count(r->duplicates, c), r->sets, fmt_count(r->keys, d), fmt_bytes(r->bytes, e), f);
	}
}

static void
help(void)
{
	tprintf("usage: dumptrace ingest --name NAME [OPTIONS] FILE...\n"
	       "\n"
	       "Adds a known leak to the library: its fingerprints (records, values,\n"
	       "associations), schema, counts and profile, never its personal data.\n"
	       "Several inputs (archives too) make one leak. The library is updated in one\n"
	       "step: interrupted at any moment, it stays as it was.\n"
	       "\n"
	       "Leak metadata (Have I Been Pwned's fields):\n"
	       "  --name NAME            the leak's name in the library (required)\n"
	       "  --title TEXT           a human title\n"
	       "  --domain DOMAIN        the breached site's domain\n"
	       "  --breach-date DATE     when it was breached (YYYY-MM-DD)\n"
	       "  --added-date DATE      when it became known (default: today)\n"
	       "  --description TEXT     a description\n"
	       "  --data-classes LIST    comma-separated (\"Email addresses,Phone numbers\")\n"
	       "  --pwn-count N          accounts affected (default: the records read)\n"
	       "  --verified, --fabricated, --spam-list   HIBP's flags\n"
	       "\n"
	       "  --library PATH         the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                         $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --replace              replace a leak of the same name (default: refuse)\n"
	       "  --no-wait              fail at once when another ingest holds the library\n"
	       "  --concurrent           let other ingests into the library run beside this\n"
	       "                         one: the library is held to begin and to commit only\n"
	       "  --region CC            phone region for normalization (default KZ)\n"
	       "  --key-file FILE        fingerprint with a secret key (the whole library must)\n"
	       "  --private-lookup       also keep the private sets of IINs, phones and passport\n"
	       "                         numbers for `dumptrace serve`'s private lookup (about\n"
	       "                         80 us per distinct value); every later ingest into\n"
	       "                         this library makes them too\n"
	       "  --memory SIZE          memory budget for sorting (default 1G); past it,\n"
	       "                         sorted runs spill to --tmpdir\n"
	       "  --tmpdir DIR           where spill runs go (default $TMPDIR or /tmp)\n"
	       "  -j, --threads N        worker threads (default: all cores)\n"
	       "  --json                 print the result as JSON\n"
	       "\n" COMMON_HELP);
}

static int
valid_date(const char *s)
{
	int y, m, d;
	char tail;
	return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
	       m <= 12 && d >= 1 && d <= 31;
}

/* "a,b,c" as a JSON array of strings. */
static char *
json_list(const char *list)
{
	struct dynbuf b;
	struct jsonw jw;
	char *copy = xstrdup(list), *save = NULL;
	dynbuf_init(&b, 1u << 20);
	jsonw_init(&jw, &b);
	jsonw_arr_open(&jw);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		size_t n = strlen(tok);
		while (n && tok[n - 1] == ' ')
			n--;
		if (n)
			jsonw_strn(&jw, tok, n);
	}
	jsonw_arr_close(&jw);
	char *out = xstrdup(dynbuf_str(&b));
	dynbuf_release(&b);
	free(copy);
	return out;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTIONS,
		WORK_LONG_OPTIONS,
		{ "name", required_argument, NULL, 'n' },
		{ "title", required_argument, NULL, 't' },
		{ "domain", required_argument, NULL, 'd' },
		{ "breach-date", required_argument, NULL, 'b' },
		{ "added-date", required_argument, NULL, 'a' },
		{ "description", required_argument, NULL, 'e' },
		{ "data-classes", required_argument, NULL, 'c' },
		{ "pwn-count", required_argument, NULL, 'p' },
		{ "verified", no_argument, NULL, 'V' },
		{ "fabricated", no_argument, NULL, 'F' },
		{ "spam-list", no_argument, NULL, 'S' },
		{ "library", required_argument, NULL, 'l' },
		{ "replace", no_argument, NULL, 'r' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "concurrent", no_argument, NULL, 'C' },
		{ "private-lookup", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ingest_opts o;
	struct common co;
	int opt, json = 0;
	char *classes = NULL;

	common_init(&co);
	ingest_opts_init(&o, &co.in);
	struct work_opts work = { &o.region, &o.key_file, &o.tmpdir, &o.memory, &o.threads,
				  1 << 20 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "qhj:", opts, NULL)) != -1) {
		if (common_option(&co, opt, optarg))
			continue;
		if (work_option(&work, "ingest", opt, optarg))
			continue;
		switch (opt) {
		case 'n':
			o.meta.name = optarg;
			break;
		case 't':
			o.meta.title = optarg;
			break;
		case 'd':
			o.meta.domain = optarg;
			break;
		case 'b':
		case 'a':
			if (!valid_date(optarg))
				die_usage("ingest", "bad date '%s' (YYYY-MM-DD)", optarg);
			*(opt == 'b' ? &o.meta.breach_date : &o.meta.added_date) = optarg;
			break;
		case 'e':
			o.meta.description = optarg;
			break;
		case 'P':
			o.private_lookup = 1;
			break;
		case 'c':
			free(classes);
			classes = json_list(optarg);
			o.meta.data_classes = classes;
			break;
		case 'p': {
			char *end;
			errno = 0;
			long long n = strtoll(optarg, &end, 10);
			if (errno || *end || n < 0)
				die_usage("ingest", "bad count '%s' for --pwn-count", optarg);
			o.meta.pwn_count = n;
			break;
		}
		case 'V':
			o.meta.is_verified = 1;
			break;
		case 'F':
			o.meta.is_fabricated = 1;
			break;
		case 'S':
			o.meta.is_spam_list = 1;
			break;
		case 'l':
			o.library = optarg;
			break;
		case 'r':
			o.replace = 1;
			break;
		case 'W':
			o.nowait = 1;
			break;
		case 'C':
			o.concurrent = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("ingest", "bad option");
		}
	}
	if (!o.meta.name || !*o.meta.name)
		die_usage("ingest", "no --name given for the leak");
	if (strlen(o.meta.name) > 200 || strpbrk(o.meta.name, "\n\r\t"))
		die_usage("ingest", "bad leak name '%s' (at most 200 characters, no control characters)",
			  o.meta.name);
	if (optind >= argc)
		die_usage("ingest", "no input given (use - for standard input)");
	common_start(&co);
	co.in.src.stop = &interrupted;
	o.stop = &interrupted;
	int rc = run(&o, json, argv + optind, argc - optind);
	common_finish(&co);
	free(classes);
	return rc;
}
