/*
 * The library as a read-only HTTP service (libmicrohttpd): the Have I Been
 * Pwned API v3 for e-mail addresses and user names, over the library's
 * fingerprints, so that a help desk or a citizen's check can ask "is this
 * account in a known leak" of a library that holds no address.
 *
 *   GET /api/v3/breaches[?domain=D]      every leak, as HIBP's breach model
 *   GET /api/v3/breach/NAME              one leak (404 when none)
 *   GET /api/v3/breachedaccount/ACCOUNT  the leaks that hold it (404 when
 *       none); truncateResponse (default true: names only), domain,
 *       includeUnverified (default true)
 *   GET /api/v3/dataclasses              the data classes of every leak
 *   GET /                                a page with a form, no external resource
 *
 * As HIBP: a request without a User-Agent is refused (403); with API keys
 * configured, one without a valid hibp-api-key header too (401); a client
 * past its rate gets 429 with retry-after. Binds to 127.0.0.1 unless told
 * otherwise; per-IP connection, request size and time limits; the log
 * names the route, never the account asked about.
 *
 * A commit by an ingest is seen at the next request (the catalog's change
 * reopens the library).
 *
 *   GET /api/private/v1[/evaluate/TYPE/ELEMENT | /range/TYPE/BITS/PREFIX]
 *       the private lookup of IINs, phones and passport numbers: an
 *       oblivious PRF, then a bucket of keys (core/private.h); the
 *       evaluations have a rate of their own per client
 *
 * No TLS here: put a reverse proxy in front (dumptrace(1), "SERVE").
 */
#ifndef DT_SERVE_H
#define DT_SERVE_H

#include <signal.h>
#include <stddef.h>

struct serve_opts {
	const char *library;	  /* NULL: the default library */
	const char *key_file;	  /* the library's key, else the key directory's */
	const char *region;	  /* phone region for normalization */
	const char *address;	  /* to bind to (default 127.0.0.1) */
	unsigned port;		  /* 0: any (see *bound_port) */
	unsigned rate;		  /* requests a minute per client, 0: unlimited */
	unsigned private_rate;	  /* private lookup evaluations a minute per client, 0: unlimited */
	unsigned bucket;	  /* keys a private lookup bucket holds, about */
	unsigned threads;	  /* 0: every core */
	unsigned max_connections; /* default 1024 */
	unsigned per_ip;	  /* connections per client address, default 64 */
	const char *api_keys;	  /* a file of accepted hibp-api-key values, one a line */
	volatile sig_atomic_t *stop; /* set by a signal: the service ends */
	void (*ready)(void *ctx, unsigned port); /* listening */
	void (*log)(void *ctx, const char *line); /* one line a request (no account in it) */
	void *ctx;
};

void serve_opts_init(struct serve_opts *o);

/* Serves until *o->stop; 0, or -1 with the reason in err. */
int serve_run(const struct serve_opts *o, char *err, size_t errlen);

#endif
