/*
 * dumptrace lookup: which known leaks contain this e-mail, phone, IIN...:
 * the check a citizen or a help desk runs. The value is normalized and
 * fingerprinted as ingest did, then looked up in each leak's value set of
 * its type; nothing but the fingerprint meets the library.
 *
 * With --server, the same question of a `dumptrace serve`: IINs, phones
 * and passport numbers through its private lookup (core/private.h: the
 * server never sees them), e-mails and user names through HIBP's account
 * search (the server sees them, as HIBP does).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/dynbuf.h"
#include "core/facts.h"
#include "core/fp.h"
#include "core/jsonw.h"
#include "core/keys.h"
#include "core/library.h"
#include "core/norm.h"
#include "core/private.h"
#include "core/remote.h"
#include "core/xalloc.h"

struct query {
	enum dt_type type;
	const char *value;
};

struct lctx {
	struct jsonw *jw; /* JSON output, else text */
	unsigned found;
};

static void
found(void *ctx, const struct lib_leak *l)
{
	struct lctx *c = ctx;
	c->found++;
	if (c->jw) {
		jsonw_str(c->jw, l->name);
		return;
	}
	tprintf("  %-24s breached %-10s  %s\n", l->name, l->breach_date ? l->breach_date : "-",
	       l->title ? l->title : "");
}

static void
report(void *ctx, int severity, const char *leak, const char *msg)
{
	(void)ctx;
	warnx("%s: leak '%s': %s", severity >= 2 ? "error" : "note", leak ? leak : "?", msg);
}

static void
print_start(struct lctx *c, struct dynbuf *jb, struct jsonw *jw, int json, const struct query *q)
{
	c->jw = NULL;
	c->found = 0;
	if (json) {
		dynbuf_init(jb, 1u << 24);
		jsonw_init(jw, jb);
		jsonw_obj_open(jw);
		jsonw_key(jw, "type");
		jsonw_str(jw, types_name(q->type));
		jsonw_key(jw, "found");
		jsonw_arr_open(jw);
		c->jw = jw;
	} else
		tprintf("%s '%s':\n", types_name(q->type), q->value);
}

static void
print_end(struct lctx *c, struct dynbuf *jb, struct jsonw *jw, int json, int partial)
{
	if (json) {
		jsonw_arr_close(jw);
		jsonw_obj_close(jw);
		printf("%s\n", dynbuf_str(jb)); /* JSON */
		dynbuf_release(jb);
	} else if (!c->found)
		tprintf(partial ? "  in none of the known leaks that could be read\n" : "  in no known leak\n");
}

/* --server: each query asked of the service. */
static int
lookup_remote(const char *url, const char *api_key, const char *region, const struct query *q, size_t nq,
	      int json)
{
	char err[1024];
	struct remote *r = remote_open(url, api_key, err, sizeof(err));
	if (!r)
		die("%s", err);
	struct norm_ctx *norm = norm_ctx_new(region);
	struct dynbuf out;
	dynbuf_init(&out, 1u << 20);
	unsigned any = 0;
	for (size_t i = 0; i < nq; i++) {
		if (!norm_value(norm, q[i].type, q[i].value, strlen(q[i].value), &out))
			die("'%s' is not a valid %s", q[i].value, types_name(q[i].type));
		struct remote_leak *l;
		size_t n;
		unsigned retry = 0;
		int rc = private_type_index(q[i].type) >= 0
				 ? remote_private(r, q[i].type, out.buf, out.len, &l, &n, &retry, err, sizeof(err))
				 : remote_account(r, dynbuf_str(&out), &l, &n, &retry, err, sizeof(err));
		if (rc)
			die("%s", err);
		struct lctx c;
		struct dynbuf jb;
		struct jsonw jw;
		print_start(&c, &jb, &jw, json, &q[i]);
		for (size_t k = 0; k < n; k++) {
			struct lib_leak x = { .name = l[k].name, .title = l[k].title, .breach_date = l[k].breach_date };
			found(&c, &x);
		}
		print_end(&c, &jb, &jw, json, 0);
		any += n > 0;
		remote_leaks_free(l, n);
	}
	dynbuf_release(&out);
	norm_ctx_free(norm);
	remote_close(r);
	return any ? EXIT_CLEAN : EXIT_REJECTS;
}

static void
help(void)
{
	tprintf("usage: dumptrace lookup [OPTIONS] (--email X | --phone X | --iin X | --value TYPE=X)...\n"
	       "\n"
	       "Says which known leaks of the library hold an identifier. The value is\n"
	       "normalized as in the library (an e-mail in any case, a phone in any\n"
	       "format) and only its fingerprint is compared. Exit code 0 when some leak\n"
	       "holds a value, 1 when none does, 2 on error.\n"
	       "\n"
	       "  --email X          an e-mail address\n"
	       "  --phone X          a phone number (any format; --region for local ones)\n"
	       "  --iin X            a Kazakh IIN (national_id)\n"
	       "  --passport X       a passport number\n"
	       "  --username X       a user name\n"
	       "  --value TYPE=X     a value of any type that has value fingerprints\n"
	       "                     (full_name, address, password_hash, card, ip...)\n"
	       "  --library PATH     the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                     $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --region CC        phone region for normalization (default KZ)\n"
	       "  --key-file FILE    the library's secret key, if it was built with one\n"
	       "  --server URL       ask a `dumptrace serve` instead of a library here: IINs,\n"
	       "                     phones and passports through its private lookup (the\n"
	       "                     server never sees them), e-mails and user names\n"
	       "                     through its HIBP API (the server sees those)\n"
	       "  --api-key KEY      the server's hibp-api-key, when it wants one\n"
	       "  --json             one JSON object per value: {type, found: [leaks]}\n");
}

int
cmd_lookup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "phone", required_argument, NULL, 'p' },
		{ "iin", required_argument, NULL, 'i' },
		{ "passport", required_argument, NULL, 'P' },
		{ "username", required_argument, NULL, 'u' },
		{ "value", required_argument, NULL, 'v' },
		{ "library", required_argument, NULL, 'l' },
		{ "region", required_argument, NULL, 'R' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "server", required_argument, NULL, 'S' },
		{ "api-key", required_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct query *q = xcalloc((size_t)argc, sizeof(*q));
	size_t nq = 0;
	const char *libopt = NULL, *region = NULL, *key_file = NULL, *server = NULL, *api_key = NULL;
	int json = 0, opt;
	char path[4096], err[1024];

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
		case 'p':
		case 'i':
		case 'P':
		case 'u':
			q[nq].type = opt == 'e' ? DT_EMAIL : opt == 'p' ? DT_PHONE : opt == 'i' ? DT_NATIONAL_ID
				     : opt == 'P' ? DT_PASSPORT : DT_USERNAME;
			q[nq++].value = optarg;
			break;
		case 'v': {
			const char *eq = strchr(optarg, '=');
			char tname[64];
			if (!eq || (size_t)(eq - optarg) >= sizeof(tname))
				die_usage("lookup", "bad --value '%s' (TYPE=VALUE)", optarg);
			memcpy(tname, optarg, (size_t)(eq - optarg));
			tname[eq - optarg] = 0;
			enum dt_type t = types_from_name(tname);
			if (!types_is_column_type(t))
				die_usage("lookup", "unknown type '%s'", tname);
			if (!facts_has_value_set(t))
				die_usage("lookup",
					  "%s values are not kept alone in the library (they mean little "
					  "alone; only in associations)",
					  types_name(t));
			q[nq].type = t;
			q[nq++].value = eq + 1;
			break;
		}
		case 'l':
			libopt = optarg;
			break;
		case 'R':
			if (!norm_region_known(optarg))
				die_usage("lookup", "unknown --region '%s'", optarg);
			region = optarg;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'S':
			server = optarg;
			break;
		case 'K':
			api_key = optarg;
			break;
		case 'J':
			json = 1;
			break;
		case 'h':
			help();
			free(q);
			return EXIT_CLEAN;
		default:
			die_usage("lookup", "bad option");
		}
	}
	if (optind < argc)
		die_usage("lookup", "unexpected argument '%s'", argv[optind]);
	if (!nq)
		die_usage("lookup", "nothing to look up (--email, --phone, --iin, --value TYPE=X)");
	if (server) {
		if (libopt || key_file)
			die_usage("lookup", "--server asks the server's library: no --library or --key-file");
		for (size_t i = 0; i < nq; i++)
			if (private_type_index(q[i].type) < 0 && q[i].type != DT_EMAIL && q[i].type != DT_USERNAME)
				die_usage("lookup", "a server answers for IINs, phones, passports, e-mails and user "
						    "names, not %s", types_name(q[i].type));
		int rc = lookup_remote(server, api_key, region, q, nq, json);
		free(q);
		return rc;
	}

	struct fp_key key;
	struct library *lib = open_library(libopt, 0, 0, path, sizeof(path));
	if (lib) {
		if (library_key(lib, key_file, 0, &key, err, sizeof(err)) < 0)
			die("%s", err);
	} else {
		unsigned char k[FP_KEY_SIZE]; /* no library: nothing to find, under a key of its own */
		key_new(k);
		fp_key_from_secret(&key, k);
	}
	struct norm_ctx *norm = norm_ctx_new(region);
	struct dynbuf out;
	dynbuf_init(&out, 1u << 20);
	unsigned any = 0;
	int problems = 0;
	for (size_t i = 0; i < nq; i++) {
		if (!norm_value(norm, q[i].type, q[i].value, strlen(q[i].value), &out))
			die("'%s' is not a valid %s", q[i].value, types_name(q[i].type));
		uint64_t fp = fp_value(&key, q[i].type, out.buf, out.len);
		struct lctx c;
		struct dynbuf jb;
		struct jsonw jw;
		print_start(&c, &jb, &jw, json, &q[i]);
		int before = problems;
		if (lib && library_lookup(lib, q[i].type, fp, found, report, &c, &problems, err,
					  sizeof(err)) < 0)
			die("%s", err);
		print_end(&c, &jb, &jw, json, problems > before);
		any += c.found > 0;
	}
	dynbuf_release(&out);
	norm_ctx_free(norm);
	fp_key_release(&key);
	if (lib)
		library_close(lib);
	free(q);
	if (problems && !any)
		return EXIT_USAGE;
	return any ? EXIT_CLEAN : EXIT_REJECTS;
}
