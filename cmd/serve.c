/*
 * dumptrace serve: the library as a read-only HTTP service, Have I Been
 * Pwned API v3 compatible (core/serve.h).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/serve.h"

static volatile sig_atomic_t serve_stop;

static void
on_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
}

static void
help(void)
{
	tprintf("usage: dumptrace serve [OPTIONS]\n"
	       "\n"
	       "Serves the library, read-only, over HTTP with Have I Been Pwned's API v3\n"
	       "for e-mail addresses and user names: /api/v3/breaches, /api/v3/breach/NAME,\n"
	       "/api/v3/breachedaccount/ACCOUNT (truncateResponse, domain,\n"
	       "includeUnverified), /api/v3/dataclasses, and a page with a form at /.\n"
	       "IINs, phones and passport numbers get the private lookup at\n"
	       "/api/private/v1 (an oblivious PRF: the server never sees the identifier;\n"
	       "`dumptrace lookup --server URL` is its client), over the private sets\n"
	       "that `ingest --private-lookup` makes.\n"
	       "Ingests may run meanwhile: a commit is seen at the next request.\n"
	       "SIGINT or SIGTERM stops it.\n"
	       "\n"
	       "  --listen ADDR        the address to bind (default 127.0.0.1)\n"
	       "  --port N             the port (default 8080; 0: any free one, printed)\n"
	       "  --rate N             requests a minute per client address (default 600;\n"
	       "                       0: none); past it, 429 with retry-after\n"
	       "  --private-rate N     private lookup evaluations a minute per client address\n"
	       "                       (default 30; 0: none): each tests one identifier\n"
	       "  --bucket N           keys a private lookup bucket holds, about (default\n"
	       "                       256): the more, the less the server learns\n"
	       "  --api-keys FILE      accepted hibp-api-key values, one a line: the account\n"
	       "                       search and the private lookup then need one (401)\n"
	       "  --max-connections N  at once (default 1024)\n"
	       "  --per-ip N           connections per client address (default 64)\n"
	       "  -j, --threads N      threads (default: every core)\n"
	       "  --library PATH       the library (default $DUMPTRACE_LIBRARY, else\n"
	       "                       $XDG_DATA_HOME/dumptrace/library)\n"
	       "  --key-file FILE      the library's key from FILE, not the key directory\n"
	       "  --region CC          phone region for normalization (default KZ)\n"
	       "  -q, --quiet          no line per request on stderr (the lines name the\n"
	       "                       route and status, never the account)\n");
}

static void
on_ready(void *ctx, unsigned port)
{
	const struct serve_opts *o = ctx;
	teprintf("dumptrace: serving on http://%s%s%s:%u/\n", strchr(o->address, ':') ? "[" : "",
		 o->address, strchr(o->address, ':') ? "]" : "", port);
	fflush(stderr);
}

static void
on_log(void *ctx, const char *line)
{
	(void)ctx;
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	teprintf("%s %s\n", ts, line);
}

static unsigned
num(const char *opt, const char *v, unsigned max)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n > max)
		die_usage("serve", "%s wants a number up to %u, not '%s'", opt, max, v);
	return (unsigned)n;
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "port", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "api-keys", required_argument, NULL, 'A' },
		{ "private-rate", required_argument, NULL, 'E' },
		{ "bucket", required_argument, NULL, 'B' },
		{ "max-connections", required_argument, NULL, 'M' },
		{ "per-ip", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 'j' },
		{ "library", required_argument, NULL, 'l' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "region", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct serve_opts o;
	char err[1024];
	int opt, quiet = 0;

	serve_opts_init(&o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "hqj:", opts, NULL)) != -1) {
		switch (opt) {
		case 'L':
			o.address = optarg;
			break;
		case 'p':
			o.port = num("--port", optarg, 65535);
			break;
		case 'r':
			o.rate = num("--rate", optarg, 1000000);
			break;
		case 'A':
			o.api_keys = optarg;
			break;
		case 'E':
			o.private_rate = num("--private-rate", optarg, 1000000);
			break;
		case 'B':
			o.bucket = num("--bucket", optarg, 1u << 20);
			if (!o.bucket)
				die_usage("serve", "--bucket must be at least 1");
			break;
		case 'M':
			o.max_connections = num("--max-connections", optarg, 100000);
			break;
		case 'P':
			o.per_ip = num("--per-ip", optarg, 100000);
			break;
		case 'j':
			o.threads = num("--threads", optarg, 256);
			break;
		case 'l':
			o.library = optarg;
			break;
		case 'k':
			o.key_file = optarg;
			break;
		case 'R':
			o.region = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help();
			return EXIT_CLEAN;
		default:
			die_usage("serve", "bad option");
		}
	}
	if (optind < argc)
		die_usage("serve", "unexpected argument '%s'", argv[optind]);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	o.stop = &serve_stop;
	o.ready = on_ready;
	o.log = quiet ? NULL : on_log;
	o.ctx = &o;
	if (serve_run(&o, err, sizeof(err)) < 0)
		die("%s", err);
	return EXIT_CLEAN;
}
