/*
 * The library as a read-only HTTP service; see serve.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>
#include <yajl/yajl_tree.h>

#include "core/dynbuf.h"
#include "core/fp.h"
#include "core/fpset.h"
#include "core/jsonw.h"
#include "core/library.h"
#include "core/norm.h"
#include "core/oprf.h"
#include "core/private.h"
#include "core/serve.h"
#include "core/types.h"
#include "core/xalloc.h"

#define RATE_SLOTS 4096 /* clients remembered for their rate */
#define ACCOUNT_MAX 256
#define API_KEYS_MAX 1024

struct client {
	unsigned char addr[16];
	int used;
	double tokens, last;
};

struct srv {
	const struct serve_opts *o;
	pthread_mutex_t mu; /* the library, its key, the normalizer */
	struct library *lib;
	struct fp_key key;
	int have_key;
	char path[4096];
	struct stat cat; /* the catalog when the library was opened */
	struct lib_vset *vs[2]; /* the value sets of e-mails and user names, opened once */
	size_t nvs[2];
	struct norm_ctx *norm;
	struct dynbuf nb;
	struct private_sets ps;		  /* the private lookup's sets */
	unsigned char psk[OPRF_SCALAR];	  /* ... and its OPRF key */
	char **keys;
	size_t nkeys;
	pthread_mutex_t rmu; /* the rates */
	struct client *clients, *pclients; /* requests; private evaluations */
};

void
serve_opts_init(struct serve_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->address = "127.0.0.1";
	o->port = 8080;
	o->rate = 600;
	o->private_rate = 30;
	o->bucket = PRIVATE_BUCKET;
	o->max_connections = 1024;
	o->per_ip = 64;
	o->region = "KZ";
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
on_report(void *ctx, int severity, const char *leak, const char *msg)
{
	(void)ctx;
	(void)severity;
	(void)leak;
	(void)msg; /* a damaged set: left out, as lookup leaves it out (verify names it) */
}

static void
srv_close(struct srv *s)
{
	for (int i = 0; i < 2; i++) {
		lib_vsets_free(s->vs[i], s->nvs[i]);
		s->vs[i] = NULL;
		s->nvs[i] = 0;
	}
	private_close(&s->ps);
	sodium_memzero(s->psk, sizeof(s->psk));
	if (s->lib)
		library_close(s->lib);
	s->lib = NULL;
	if (s->have_key)
		fp_key_release(&s->key);
	s->have_key = 0;
}

/* The library as it is now: opened again when its catalog changed (an ingest committed). */
static int
srv_library(struct srv *s, char *err, size_t errlen)
{
	char cat[4200];
	struct stat st;
	snprintf(cat, sizeof(cat), "%s/catalog.db", s->path);
	int have = stat(cat, &st) == 0;
	if (s->lib && have && st.st_ino == s->cat.st_ino && st.st_size == s->cat.st_size &&
	    st.st_mtim.tv_sec == s->cat.st_mtim.tv_sec && st.st_mtim.tv_nsec == s->cat.st_mtim.tv_nsec)
		return 0;
	srv_close(s);
	if (!have)
		return 0; /* no library yet: no leak */
	struct lib_open_opts lo = { .mode = LIB_READ };
	s->lib = library_open(s->path, &lo, err, errlen);
	if (!s->lib)
		return -1;
	if (library_key(s->lib, s->o->key_file, 0, &s->key, err, errlen) < 0) {
		library_close(s->lib);
		s->lib = NULL;
		return -1;
	}
	s->have_key = 1;
	unsigned char kb[FP_KEY_SIZE];
	if (library_key_bytes(s->lib, s->o->key_file, 0, kb, err, errlen) < 0) {
		srv_close(s);
		return -1;
	}
	oprf_key_from_library(kb, s->psk);
	sodium_memzero(kb, sizeof(kb));
	if (private_open(s->lib, &s->ps, s->o->bucket, on_report, s, err, errlen) < 0) {
		srv_close(s);
		return -1;
	}
	s->cat = st;
	static const enum dt_type types[2] = { DT_EMAIL, DT_USERNAME };
	for (int i = 0; i < 2; i++)
		if (library_value_sets(s->lib, LIB_VALUE, types[i], &s->vs[i], &s->nvs[i], on_report, s, err, errlen) < 0) {
			srv_close(s);
			return -1;
		}
	return 0;
}

/* May this client ask now? 0, or the seconds to wait. */
static unsigned
rate_wait(struct srv *s, struct client *clients, unsigned rate, const struct sockaddr *sa)
{
	unsigned char a[16] = { 0 };
	if (!rate || !sa)
		return 0;
	if (sa->sa_family == AF_INET)
		memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 8); /* a /64: one client */
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	double t = now_s(), per_s = rate / 60.0, cap = rate;
	unsigned wait = 0;
	pthread_mutex_lock(&s->rmu);
	struct client *c = &clients[h % RATE_SLOTS];
	if (!c->used || memcmp(c->addr, a, 16)) {
		/* a new client (or one forgotten for it): a full bucket */
		memcpy(c->addr, a, 16);
		c->used = 1;
		c->tokens = cap;
		c->last = t;
	}
	c->tokens += (t - c->last) * per_s;
	if (c->tokens > cap)
		c->tokens = cap;
	c->last = t;
	if (c->tokens >= 1)
		c->tokens -= 1;
	else
		wait = (unsigned)ceil((1 - c->tokens) / per_s);
	pthread_mutex_unlock(&s->rmu);
	return wait;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *type, const char *body, size_t n,
      unsigned retry_after)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (retry_after) {
		char v[16];
		snprintf(v, sizeof(v), "%u", retry_after);
		MHD_add_response_header(r, "retry-after", v);
	}
	if (type && !strncmp(type, "text/html", 9))
		MHD_add_response_header(r, "Content-Security-Policy",
					"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
					"connect-src 'self'; form-action 'self'; base-uri 'none'");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

/* HIBP's error body: {"statusCode":N,"message":"..."}. */
static enum MHD_Result
reply_error(struct MHD_Connection *c, unsigned status, const char *msg, unsigned retry_after)
{
	struct dynbuf b;
	struct jsonw w;
	dynbuf_init(&b, 1u << 16);
	jsonw_init(&w, &b);
	jsonw_obj_open(&w);
	jsonw_key(&w, "statusCode");
	jsonw_u64(&w, status);
	jsonw_key(&w, "message");
	jsonw_str(&w, msg);
	jsonw_obj_close(&w);
	enum MHD_Result r = reply(c, status, "application/json; charset=utf-8", b.buf, b.len, retry_after);
	dynbuf_release(&b);
	return r;
}

/* A leak's data classes: its stored JSON array of strings. */
static void
data_classes(struct jsonw *w, const struct lib_leak *l)
{
	char e[128];
	yajl_val v = l->data_classes ? yajl_tree_parse(l->data_classes, e, sizeof(e)) : NULL;
	jsonw_arr_open(w);
	if (v && YAJL_IS_ARRAY(v))
		for (size_t i = 0; i < v->u.array.len; i++)
			if (YAJL_IS_STRING(v->u.array.values[i]))
				jsonw_str(w, YAJL_GET_STRING(v->u.array.values[i]));
	jsonw_arr_close(w);
	yajl_tree_free(v);
}

static void
kv_str(struct jsonw *w, const char *k, const char *v)
{
	jsonw_key(w, k);
	jsonw_str(w, v ? v : "");
}

static void
kv_bool(struct jsonw *w, const char *k, int v)
{
	jsonw_key(w, k);
	jsonw_bool(w, v);
}

/* HIBP's breach model; truncated: the name alone. */
static void
breach(struct jsonw *w, const struct lib_leak *l, int truncated)
{
	jsonw_obj_open(w);
	kv_str(w, "Name", l->name);
	if (truncated) {
		jsonw_obj_close(w);
		return;
	}
	char added[40];
	snprintf(added, sizeof(added), "%.10sT00:00:00Z", l->added_date ? l->added_date : "1970-01-01");
	kv_str(w, "Title", l->title ? l->title : l->name);
	kv_str(w, "Domain", l->domain);
	kv_str(w, "BreachDate", l->breach_date);
	kv_str(w, "AddedDate", added);
	kv_str(w, "ModifiedDate", added);
	jsonw_key(w, "PwnCount");
	jsonw_u64(w, l->pwn_count >= 0 ? (uint64_t)l->pwn_count : l->records);
	kv_str(w, "Description", l->description);
	kv_str(w, "LogoPath", "");
	jsonw_key(w, "DataClasses");
	data_classes(w, l);
	kv_bool(w, "IsVerified", l->is_verified);
	kv_bool(w, "IsFabricated", l->is_fabricated);
	kv_bool(w, "IsSensitive", 0);
	kv_bool(w, "IsRetired", 0);
	kv_bool(w, "IsSpamList", l->is_spam_list);
	kv_bool(w, "IsMalware", 0);
	kv_bool(w, "IsSubscriptionFree", 0);
	jsonw_obj_close(w);
}

/* A query argument as a boolean ("true"/"false", any case), or def. */
static int
arg_bool(struct MHD_Connection *c, const char *name, int def)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
	if (!v)
		return def;
	return !strcasecmp(v, "true") || !strcmp(v, "1");
}

static int
domain_ok(const struct lib_leak *l, const char *domain)
{
	return !domain || !*domain || (l->domain && !strcasecmp(l->domain, domain));
}

struct hits {
	struct lib_leak *v;
	size_t n, alloc;
};

static void
on_found(void *ctx, const struct lib_leak *l)
{
	struct hits *h = ctx;
	h->v = xgrow(h->v, &h->alloc, h->n + 1, sizeof(*h->v));
	struct lib_leak *x = &h->v[h->n++];
	memset(x, 0, sizeof(*x));
	x->id = l->id;
	x->name = l->name ? xstrdup(l->name) : NULL;
	x->title = l->title ? xstrdup(l->title) : NULL;
	x->domain = l->domain ? xstrdup(l->domain) : NULL;
	x->breach_date = l->breach_date ? xstrdup(l->breach_date) : NULL;
	x->added_date = l->added_date ? xstrdup(l->added_date) : NULL;
	x->description = l->description ? xstrdup(l->description) : NULL;
	x->data_classes = l->data_classes ? xstrdup(l->data_classes) : NULL;
	x->pwn_count = l->pwn_count;
	x->is_verified = l->is_verified;
	x->is_fabricated = l->is_fabricated;
	x->is_spam_list = l->is_spam_list;
	x->records = l->records;
}

/* The leaks holding account (an e-mail address, else a user name), under s->mu. */
static int
find_account(struct srv *s, const char *account, struct hits *h, char *err, size_t errlen)
{
	enum dt_type t = strchr(account, '@') ? DT_EMAIL : DT_USERNAME;
	if (!norm_value(s->norm, t, account, strlen(account), &s->nb))
		return 0;
	if (!s->lib)
		return 0;
	uint64_t fp = fp_value(&s->key, t, s->nb.buf, s->nb.len);
	int k = t == DT_EMAIL ? 0 : 1;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < s->nvs[k]; i++)
		if (fpset_contains(s->vs[k][i].set, fp) == 1) /* a block that fails its check: left out */
			on_found(h, &s->vs[k][i].leak);
	return 0;
}

static const char page[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Is this account in a known leak?</title>\n"
    "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}"
    "input{font:inherit;padding:.3em;width:70%}button{font:inherit;padding:.3em 1em}"
    "#out{margin-top:1em}li{margin:.3em 0}</style></head><body>\n"
    "<h1>Is this account in a known leak?</h1>\n"
    "<p>Type an e-mail address or a user name. This service keeps no address: it compares a "
    "keyed fingerprint of what you type with those of the known leaks, and logs no account.</p>\n"
    "<form id=\"f\"><input id=\"a\" name=\"account\" autocomplete=\"off\" required maxlength=\"256\" "
    "aria-label=\"e-mail address or user name\"> <button>Check</button></form>\n"
    "<div id=\"out\" role=\"status\"></div>\n"
    "<script>\n"
    "async function check(a) {\n"
    "  var out = document.getElementById('out');\n"
    "  out.textContent = 'Checking...';\n"
    "  var r = await fetch('/api/v3/breachedaccount/' + encodeURIComponent(a) + "
    "'?truncateResponse=false');\n"
    "  out.textContent = '';\n"
    "  if (r.status === 404) { out.textContent = 'Not found in any known leak.'; return; }\n"
    "  if (r.status === 429) { out.textContent = 'Too many checks: try again in ' + "
    "r.headers.get('retry-after') + ' s.'; return; }\n"
    "  if (!r.ok) { out.textContent = 'The check failed (' + r.status + ').'; return; }\n"
    "  var list = await r.json(), p = document.createElement('p'), ul = document.createElement('ul');\n"
    "  p.textContent = 'Found in ' + list.length + ' known leak' + (list.length === 1 ? '' : 's') + ':';\n"
    "  list.forEach(function (b) { var li = document.createElement('li');\n"
    "    li.textContent = (b.Title || b.Name) + (b.BreachDate ? ' (' + b.BreachDate + ')' : '') +\n"
    "      (b.DataClasses && b.DataClasses.length ? ': ' + b.DataClasses.join(', ') : '');\n"
    "    ul.appendChild(li); });\n"
    "  out.appendChild(p); out.appendChild(ul);\n"
    "}\n"
    "document.getElementById('f').addEventListener('submit', function (e) {\n"
    "  e.preventDefault(); check(document.getElementById('a').value.trim());\n"
    "});\n"
    "/* a link to /#ACCOUNT checks it: the part after # never reaches a server */\n"
    "if (location.hash.length > 1) {\n"
    "  var h = decodeURIComponent(location.hash.slice(1));\n"
    "  document.getElementById('a').value = h; check(h);\n"
    "}\n"
    "</script></body></html>\n";

/* What a request asks for: a route's template, for the log (never the account). */
static const char *
route_of(const char *url)
{
	if (!strcmp(url, "/"))
		return "/";
	if (!strcmp(url, "/api/v3/breaches"))
		return "/api/v3/breaches";
	if (!strncmp(url, "/api/v3/breach/", 15))
		return "/api/v3/breach/{name}";
	if (!strncmp(url, "/api/v3/breachedaccount/", 24))
		return "/api/v3/breachedaccount/{account}";
	if (!strcmp(url, "/api/v3/dataclasses"))
		return "/api/v3/dataclasses";
	if (!strcmp(url, "/api/private/v1"))
		return "/api/private/v1";
	if (!strncmp(url, "/api/private/v1/evaluate/", 25))
		return "/api/private/v1/evaluate/{type}/{element}";
	if (!strncmp(url, "/api/private/v1/range/", 22))
		return "/api/private/v1/range/{type}/{bits}/{prefix}";
	return "(other)";
}

static int
key_ok(struct srv *s, struct MHD_Connection *c)
{
	if (!s->nkeys)
		return 1;
	const char *k = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "hibp-api-key");
	if (!k)
		return 0;
	for (size_t i = 0; i < s->nkeys; i++)
		if (!strcmp(k, s->keys[i]))
			return 1;
	return 0;
}

/* A private lookup type named in a URL, up to the next '/': its index, -1 for none. */
static int
url_type(const char **p)
{
	char name[32];
	size_t n = strcspn(*p, "/");
	if (n >= sizeof(name))
		return -1;
	memcpy(name, *p, n);
	name[n] = 0;
	*p += n + ((*p)[n] == '/');
	enum dt_type t = types_from_name(name);
	return t == DT_NONE ? -1 : private_type_index(t);
}

static int
unhex(const char *h, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = h[2 * i + k];
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (d < 0)
				return -1;
			v = v << 4 | d;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

static enum MHD_Result
answer_json(struct MHD_Connection *c, struct dynbuf *b, unsigned *status)
{
	*status = 200;
	enum MHD_Result r = reply(c, 200, "application/json; charset=utf-8", b->buf, b->len, 0);
	dynbuf_release(b);
	return r;
}

/*
 * Takes the lock and opens the library as it is now; -1 when it cannot be
 * read (the lock released, b freed: no_library() answers).
 */
static int
lock_library(struct srv *s, struct dynbuf *b)
{
	char err[1024];
	pthread_mutex_lock(&s->mu);
	if (srv_library(s, err, sizeof(err)) == 0)
		return 0;
	pthread_mutex_unlock(&s->mu);
	dynbuf_release(b);
	return -1;
}

static enum MHD_Result
no_library(struct MHD_Connection *c, unsigned *status)
{
	*status = 503;
	return reply_error(c, 503, "The library cannot be read", 0);
}

/* /api/private/v1...: the private lookup (core/private.h). */
static enum MHD_Result
answer_private(struct srv *s, struct MHD_Connection *c, const char *url, unsigned *status)
{
	char err[1024];
	struct dynbuf b;
	struct jsonw w;
	const char *p = url + 15; /* after /api/private/v1 */
	int ev = !strncmp(p, "/evaluate/", 10);

	if (*p && !ev && strncmp(p, "/range/", 7)) {
		*status = 404;
		return reply_error(c, 404, "Not found", 0);
	}
	dynbuf_init(&b, 1u << 24);
	jsonw_init(&w, &b);
	if (lock_library(s, &b) < 0)
		return no_library(c, status);
	if (!*p) {
		private_config(&s->ps, &w);
		pthread_mutex_unlock(&s->mu);
		return answer_json(c, &b, status);
	}
	p += ev ? 10 : 7;
	int ti = url_type(&p);
	if (ti < 0) {
		pthread_mutex_unlock(&s->mu);
		dynbuf_release(&b);
		*status = 404;
		return reply_error(c, 404, "No private lookup for this type (national_id, phone, passport)", 0);
	}
	if (ev) {
		unsigned char sk[OPRF_SCALAR], be[OPRF_ELEMENT], z[OPRF_ELEMENT];
		unsigned bits = s->ps.bits[ti];
		uint64_t keys = s->ps.keys[ti];
		memcpy(sk, s->psk, sizeof(sk));
		pthread_mutex_unlock(&s->mu); /* the multiplication without the lock */
		int bad = strlen(p) != 2 * OPRF_ELEMENT || unhex(p, OPRF_ELEMENT, be) < 0 ||
			  oprf_evaluate(sk, be, z) < 0;
		sodium_memzero(sk, sizeof(sk));
		if (bad) {
			dynbuf_release(&b);
			*status = 400;
			return reply_error(c, 400, "Bad request: the blinded element is not a ristretto255 element "
						   "(64 hex digits)", 0);
		}
		char hex[2 * OPRF_ELEMENT + 1];
		sodium_bin2hex(hex, sizeof(hex), z, sizeof(z));
		jsonw_obj_open(&w);
		jsonw_key(&w, "Type");
		jsonw_str(&w, types_name(private_type(ti)));
		jsonw_key(&w, "EvaluatedElement");
		jsonw_str(&w, hex);
		jsonw_key(&w, "PrefixBits");
		jsonw_u64(&w, bits);
		jsonw_key(&w, "Keys");
		jsonw_u64(&w, keys);
		jsonw_obj_close(&w);
		return answer_json(c, &b, status);
	}
	/* range/TYPE/BITS/PREFIX */
	char *end;
	unsigned long bits = strtoul(p, &end, 10);
	uint64_t prefix = 0;
	int bad = end == p || *end != '/' || bits > PRIVATE_BITS_MAX;
	if (!bad) {
		p = end + 1;
		size_t n = strlen(p);
		bad = n == 0 || n > 8;
		for (size_t i = 0; i < n && !bad; i++) {
			char ch = p[i];
			int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
			bad = d < 0;
			prefix = prefix << 4 | (uint64_t)(d & 15);
		}
	}
	int rc = bad ? 1 : private_range(&s->ps, ti, (unsigned)bits, prefix, &w, err, sizeof(err));
	pthread_mutex_unlock(&s->mu);
	if (rc) {
		dynbuf_release(&b);
		*status = rc > 0 ? 400 : 503;
		if (bad)
			snprintf(err, sizeof(err), "the range is /range/TYPE/BITS/PREFIX, the prefix in lower-case hex");
		char m[1100];
		snprintf(m, sizeof(m), "%s: %s", rc > 0 ? "Bad request" : "The library cannot be read", err);
		return reply_error(c, *status, m, 0);
	}
	return answer_json(c, &b, status);
}

static enum MHD_Result
answer(struct srv *s, struct MHD_Connection *c, const char *url, unsigned *status)
{
	char err[1024];
	struct dynbuf b;
	struct jsonw w;
	enum MHD_Result r;

	if (!strcmp(url, "/")) {
		*status = 200;
		return reply(c, 200, "text/html; charset=utf-8", page, sizeof(page) - 1, 0);
	}
	const char *route = route_of(url);
	if (!strncmp(route, "/api/private/v1", 15))
		return answer_private(s, c, url, status);
	if (!strcmp(route, "(other)")) {
		*status = 404;
		return reply_error(c, 404, "Not found", 0);
	}
	dynbuf_init(&b, 1u << 26);
	jsonw_init(&w, &b);
	if (lock_library(s, &b) < 0)
		return no_library(c, status);
	struct lib_leak *all = NULL;
	size_t n = 0;
	int found = 1, fail = 0;
	if (!strcmp(route, "/api/v3/breachedaccount/{account}")) {
		const char *account = url + 24;
		if (!*account || strlen(account) > ACCOUNT_MAX || strchr(account, '/')) {
			pthread_mutex_unlock(&s->mu);
			dynbuf_release(&b);
			*status = 400;
			return reply_error(c, 400, "Bad request: the account does not comply with an acceptable format", 0);
		}
		struct hits h = { NULL, 0, 0 };
		fail = find_account(s, account, &h, err, sizeof(err)) < 0;
		pthread_mutex_unlock(&s->mu);
		int truncated = arg_bool(c, "truncateResponse", 1), unverified = arg_bool(c, "includeUnverified", 1);
		const char *domain = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "domain");
		size_t shown = 0;
		jsonw_arr_open(&w);
		for (size_t i = 0; i < h.n; i++)
			if (domain_ok(&h.v[i], domain) && (unverified || h.v[i].is_verified)) {
				breach(&w, &h.v[i], truncated);
				shown++;
			}
		jsonw_arr_close(&w);
		lib_leaks_free(h.v, h.n);
		found = shown > 0;
	} else {
		if (s->lib && library_leaks(s->lib, &all, &n, err, sizeof(err)) < 0)
			fail = 1;
		pthread_mutex_unlock(&s->mu);
		if (!strcmp(route, "/api/v3/breaches")) {
			const char *domain = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "domain");
			jsonw_arr_open(&w);
			for (size_t i = 0; i < n; i++)
				if (domain_ok(&all[i], domain))
					breach(&w, &all[i], 0);
			jsonw_arr_close(&w);
		} else if (!strcmp(route, "/api/v3/breach/{name}")) {
			found = 0;
			for (size_t i = 0; i < n && !found; i++)
				if (all[i].name && !strcasecmp(all[i].name, url + 15)) {
					breach(&w, &all[i], 0);
					found = 1;
				}
		} else {
			/* the data classes of every leak, each once, sorted */
			char **v = NULL;
			size_t nv = 0, va = 0;
			for (size_t i = 0; i < n; i++) {
				char e[128];
				yajl_val d = all[i].data_classes ? yajl_tree_parse(all[i].data_classes, e, sizeof(e)) : NULL;
				if (d && YAJL_IS_ARRAY(d))
					for (size_t k = 0; k < d->u.array.len; k++) {
						const char *x = YAJL_GET_STRING(d->u.array.values[k]);
						int seen = !x;
						for (size_t m = 0; m < nv && !seen; m++)
							seen = !strcmp(v[m], x);
						if (!seen) {
							v = xgrow(v, &va, nv + 1, sizeof(*v));
							v[nv++] = xstrdup(x);
						}
					}
				yajl_tree_free(d);
			}
			for (size_t i = 1; i < nv; i++)
				for (size_t k = i; k > 0 && strcmp(v[k - 1], v[k]) > 0; k--) {
					char *t = v[k];
					v[k] = v[k - 1];
					v[k - 1] = t;
				}
			jsonw_arr_open(&w);
			for (size_t i = 0; i < nv; i++) {
				jsonw_str(&w, v[i]);
				free(v[i]);
			}
			jsonw_arr_close(&w);
			free(v);
		}
		lib_leaks_free(all, n);
	}
	if (fail) {
		*status = 503;
		r = reply_error(c, 503, "The library cannot be read", 0);
	} else if (!found) {
		*status = 404;
		r = reply(c, 404, NULL, "", 0, 0); /* HIBP: 404 with no body when nothing is found */
	} else {
		*status = 200;
		r = reply(c, 200, "application/json; charset=utf-8", b.buf, b.len, 0);
	}
	dynbuf_release(&b);
	return r;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
       const char *upload, size_t *upload_size, void **con_cls)
{
	struct srv *s = cls;
	static int marker;
	(void)version;
	(void)upload;
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	if (!*con_cls) {
		*con_cls = &marker;
		/* the headers alone: another method, or a body, is answered now (the body is not read) */
		const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (!get)
			return reply_error(c, 405, "Method not allowed", 0);
		if ((len && strcmp(len, "0")) ||
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
			return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "A request has no body here", 0);
		return MHD_YES; /* the answer on the next call */
	}
	if (*upload_size) {
		*upload_size = 0; /* a body after all: not read */
		return MHD_YES;
	}
	double t0 = now_s();
	unsigned status;
	enum MHD_Result r;
	if (!get) {
		status = 405;
		r = reply_error(c, 405, "Method not allowed", 0);
	} else if (!MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT)) {
		status = 403;
		r = reply_error(c, 403, "A user agent is required (the User-Agent header)", 0);
	} else if ((!strncmp(url, "/api/v3/breachedaccount/", 24) || !strncmp(url, "/api/private/v1/", 16)) &&
		   !key_ok(s, c)) {
		/* as HIBP: the account search needs a key (when keys are set); the catalog of breaches does not */
		status = 401;
		r = reply_error(c, 401, "Access denied due to missing or invalid hibp-api-key.", 0);
	} else {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const struct sockaddr *sa = ci ? ci->client_addr : NULL;
		unsigned wait = rate_wait(s, s->clients, s->o->rate, sa);
		if (!wait && !strncmp(url, "/api/private/v1/evaluate/", 25))
			wait = rate_wait(s, s->pclients, s->o->private_rate, sa); /* each one an identifier tested */
		if (wait) {
			char m[96];
			snprintf(m, sizeof(m), "Rate limit is exceeded. Try again in %u seconds.", wait);
			status = 429;
			r = reply_error(c, 429, m, wait);
		} else
			r = answer(s, c, url, &status);
	}
	if (s->o->log) {
		char line[256];
		snprintf(line, sizeof(line), "%s %s %u %.1f ms", method, route_of(url), status,
			 (now_s() - t0) * 1000);
		s->o->log(s->o->ctx, line);
	}
	return r;
}

static int
load_keys(struct srv *s, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t alloc = 0;
	if (!f) {
		snprintf(err, errlen, "cannot open the API keys '%s': %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) && s->nkeys < API_KEYS_MAX) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line || *line == '#')
			continue;
		s->keys = xgrow(s->keys, &alloc, s->nkeys + 1, sizeof(*s->keys));
		s->keys[s->nkeys++] = xstrdup(line);
	}
	fclose(f);
	if (!s->nkeys) {
		snprintf(err, errlen, "no API key in '%s'", path);
		return -1;
	}
	return 0;
}

int
serve_run(const struct serve_opts *o, char *err, size_t errlen)
{
	struct srv s;
	int rc = -1;
	memset(&s, 0, sizeof(s));
	s.o = o;
	pthread_mutex_init(&s.mu, NULL);
	pthread_mutex_init(&s.rmu, NULL);
	s.clients = xcalloc(RATE_SLOTS, sizeof(*s.clients));
	s.pclients = xcalloc(RATE_SLOTS, sizeof(*s.pclients));
	dynbuf_init(&s.nb, 1u << 16);
	s.norm = norm_ctx_new(o->region ? o->region : "KZ");
	struct MHD_Daemon *d = NULL;

	if (library_locate(o->library, s.path, sizeof(s.path), err, errlen) < 0)
		goto out;
	if (o->api_keys && load_keys(&s, o->api_keys, err, errlen) < 0)
		goto out;
	if (srv_library(&s, err, errlen) < 0)
		goto out; /* a library that is there must open with its key from the start */

	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, o->address, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, o->address, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", o->address);
		goto out;
	}
	unsigned threads = o->threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, handle, &s, MHD_OPTION_SOCK_ADDR, sa,
			     MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
			     o->max_connections ? o->max_connections : 1024, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			     o->per_ip ? o->per_ip : 64, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768, MHD_OPTION_END);
	if (!d) {
		snprintf(err, errlen, "cannot listen on %s port %u: %s", o->address, o->port, strerror(errno));
		goto out;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (o->ready)
		o->ready(o->ctx, di ? di->port : o->port);
	while (!o->stop || !*o->stop)
		usleep(100 * 1000);
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	srv_close(&s);
	for (size_t i = 0; i < s.nkeys; i++)
		free(s.keys[i]);
	free(s.keys);
	free(s.clients);
	free(s.pclients);
	dynbuf_release(&s.nb);
	norm_ctx_free(s.norm);
	pthread_mutex_destroy(&s.mu);
	pthread_mutex_destroy(&s.rmu);
	return rc;
}
