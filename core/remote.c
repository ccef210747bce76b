/*
 * The client of a `dumptrace serve`: see core/remote.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <sodium.h>
#include <yajl/yajl_tree.h>

#include "core/dynbuf.h"
#include "core/oprf.h"
#include "core/remote.h"
#include "core/xalloc.h"

#define BODY_MAX (16u << 20) /* an answer past this is refused */

struct remote {
	CURL *curl;
	char *base; /* without a trailing '/' */
	struct curl_slist *headers;
	struct dynbuf body;
	int too_big;
	unsigned retry_after;
};

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct remote *r = ctx;
	size_t len = size * n;
	if (r->body.len + len > BODY_MAX) {
		r->too_big = 1;
		return 0;
	}
	if (dynbuf_add(&r->body, p, len) < 0) {
		r->too_big = 1;
		return 0;
	}
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct remote *r = ctx;
	size_t len = size * n;
	if (len > 12 && !strncasecmp(p, "retry-after:", 12)) {
		char v[16];
		size_t k = len - 12 < sizeof(v) - 1 ? len - 12 : sizeof(v) - 1;
		memcpy(v, p + 12, k);
		v[k] = 0;
		r->retry_after = (unsigned)strtoul(v, NULL, 10);
	}
	return len;
}

struct remote *
remote_open(const char *url, const char *api_key, char *err, size_t errlen)
{
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		snprintf(err, errlen, "'%s' is not an http:// or https:// URL", url);
		return NULL;
	}
	static int inited;
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	struct remote *r = xcalloc(1, sizeof(*r));
	if (!(r->curl = curl_easy_init())) {
		free(r);
		snprintf(err, errlen, "cannot start an HTTP client");
		return NULL;
	}
	r->base = xstrdup(url);
	size_t n = strlen(r->base);
	while (n && r->base[n - 1] == '/')
		r->base[--n] = 0;
	dynbuf_init(&r->body, BODY_MAX + 1);
	r->headers = curl_slist_append(NULL, "Accept: application/json");
	if (api_key) {
		char h[600];
		snprintf(h, sizeof(h), "hibp-api-key: %s", api_key);
		r->headers = curl_slist_append(r->headers, h);
	}
	curl_easy_setopt(r->curl, CURLOPT_USERAGENT, "dumptrace/" PACKAGE_VERSION);
	curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->curl, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(r->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
	return r;
}

void
remote_close(struct remote *r)
{
	if (!r)
		return;
	curl_slist_free_all(r->headers);
	curl_easy_cleanup(r->curl);
	dynbuf_release(&r->body);
	free(r->base);
	free(r);
}

void
remote_leaks_free(struct remote_leak *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].title);
		free(l[i].breach_date);
	}
	free(l);
}

/*
 * GET base + path: the answer's JSON in *tree (NULL for a 404, which
 * *status says). 0; 1 on 429 (*retry); -1 (err).
 */
static int
get(struct remote *r, const char *path, yajl_val *tree, long *status, unsigned *retry, char *err,
    size_t errlen)
{
	char *url = xmalloc(strlen(r->base) + strlen(path) + 1);
	strcpy(url, r->base);
	strcat(url, path);
	dynbuf_reset(&r->body);
	r->too_big = 0;
	r->retry_after = 0;
	*tree = NULL;
	curl_easy_setopt(r->curl, CURLOPT_URL, url);
	CURLcode cc = curl_easy_perform(r->curl);
	free(url);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", r->base, r->too_big ? "the answer is too long" : curl_easy_strerror(cc));
		return -1;
	}
	curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, status);
	char e[256];
	yajl_val t = r->body.len ? yajl_tree_parse(dynbuf_str(&r->body), e, sizeof(e)) : NULL;
	if (*status == 429) {
		*retry = r->retry_after ? r->retry_after : 1;
		snprintf(err, errlen, "%s: too many requests: try again in %u s", r->base, *retry);
		yajl_tree_free(t);
		return 1;
	}
	if (*status == 404 && (!t || !strncmp(path, "/api/v3/breachedaccount/", 24))) {
		yajl_tree_free(t);
		return 0; /* nothing found */
	}
	if (*status != 200 || !t) {
		const char *path_msg[] = { "message", NULL };
		yajl_val m = t ? yajl_tree_get(t, path_msg, yajl_t_string) : NULL;
		snprintf(err, errlen, "%s: HTTP %ld%s%s", r->base, *status, m ? ": " : "", m ? YAJL_GET_STRING(m) : "");
		yajl_tree_free(t);
		return -1;
	}
	*tree = t;
	return 0;
}

static const char *
str_at(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_string);
	return x ? YAJL_GET_STRING(x) : NULL;
}

static int
num_at(yajl_val v, const char *key, long long *out)
{
	const char *path[] = { key, NULL };
	yajl_val x = yajl_tree_get(v, path, yajl_t_number);
	if (!x || !YAJL_IS_INTEGER(x))
		return -1;
	*out = YAJL_GET_INTEGER(x);
	return 0;
}

static void
add_leak(struct remote_leak **out, size_t *n, size_t *alloc, yajl_val l)
{
	const char *name = str_at(l, "Name"), *title = str_at(l, "Title"), *date = str_at(l, "BreachDate");
	if (!name)
		return;
	*out = xgrow(*out, alloc, *n + 1, sizeof(**out));
	struct remote_leak *x = &(*out)[(*n)++];
	x->name = xstrdup(name);
	x->title = title ? xstrdup(title) : NULL;
	x->breach_date = date ? xstrdup(date) : NULL;
}

int
remote_private(struct remote *r, enum dt_type t, const char *v, size_t len, struct remote_leak **out,
	       size_t *n, unsigned *retry, char *err, size_t errlen)
{
	unsigned char x[OPRF_INPUT_MAX], rs[OPRF_SCALAR], b[OPRF_ELEMENT], z[OPRF_ELEMENT], y[OPRF_OUTPUT];
	char hex[2 * OPRF_ELEMENT + 1], path[256];
	size_t alloc = 0;
	long status;
	yajl_val tree;
	int rc;

	*out = NULL;
	*n = 0;
	size_t xn = oprf_input(types_name(t), v, len, x);
	if (!xn || oprf_blind(x, xn, NULL, rs, b) < 0) {
		snprintf(err, errlen, "the value cannot be blinded");
		return -1;
	}
	sodium_bin2hex(hex, sizeof(hex), b, sizeof(b));
	snprintf(path, sizeof(path), "/api/private/v1/evaluate/%s/%s", types_name(t), hex);
	if ((rc = get(r, path, &tree, &status, retry, err, errlen)) != 0)
		goto out;
	const char *ev = tree ? str_at(tree, "EvaluatedElement") : NULL;
	long long bits = -1;
	if (!ev || num_at(tree, "PrefixBits", &bits) < 0 || bits < 0 || bits > 32 || strlen(ev) != 64 ||
	    sodium_hex2bin(z, sizeof(z), ev, 64, NULL, NULL, NULL) != 0 || oprf_finalize(x, xn, rs, z, y) < 0) {
		snprintf(err, errlen, "%s: not a private lookup's evaluation (HTTP %ld)", r->base, status);
		yajl_tree_free(tree);
		rc = -1;
		goto out;
	}
	yajl_tree_free(tree);
	uint64_t key = oprf_fp(y);
	key += !key; /* as the library keeps it */
	uint64_t prefix = bits ? key >> (64 - bits) : 0;
	char want[17];
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)key);
	snprintf(path, sizeof(path), "/api/private/v1/range/%s/%lld/%llx", types_name(t), bits,
		 (unsigned long long)prefix);
	if ((rc = get(r, path, &tree, &status, retry, err, errlen)) != 0)
		goto out;
	const char *kp[] = { "Keys", NULL }, *lp[] = { "Leaks", NULL };
	yajl_val keys = tree ? yajl_tree_get(tree, kp, yajl_t_array) : NULL;
	yajl_val leaks = tree ? yajl_tree_get(tree, lp, yajl_t_array) : NULL;
	if (!keys || !leaks) {
		snprintf(err, errlen, "%s: not a private lookup's bucket (HTTP %ld)", r->base, status);
		yajl_tree_free(tree);
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < keys->u.array.len; i++) {
		yajl_val k = keys->u.array.values[i];
		const char *kh = str_at(k, "Key");
		yajl_val ls = yajl_tree_get(k, lp, yajl_t_array);
		if (!kh || !ls || strcmp(kh, want))
			continue;
		for (size_t j = 0; j < ls->u.array.len; j++) {
			yajl_val ix = ls->u.array.values[j];
			if (YAJL_IS_INTEGER(ix) && YAJL_GET_INTEGER(ix) >= 0 &&
			    (size_t)YAJL_GET_INTEGER(ix) < leaks->u.array.len)
				add_leak(out, n, &alloc, leaks->u.array.values[YAJL_GET_INTEGER(ix)]);
		}
	}
	yajl_tree_free(tree);
out:
	sodium_memzero(rs, sizeof(rs));
	sodium_memzero(x, sizeof(x));
	return rc;
}

int
remote_account(struct remote *r, const char *account, struct remote_leak **out, size_t *n, unsigned *retry,
	       char *err, size_t errlen)
{
	long status;
	yajl_val tree;
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	char *esc = curl_easy_escape(r->curl, account, 0);
	if (!esc) {
		snprintf(err, errlen, "cannot escape the account");
		return -1;
	}
	char *path = xmalloc(strlen(esc) + 64);
	sprintf(path, "/api/v3/breachedaccount/%s?truncateResponse=false", esc);
	curl_free(esc);
	int rc = get(r, path, &tree, &status, retry, err, errlen);
	free(path);
	if (rc || !tree)
		return rc;
	if (!YAJL_IS_ARRAY(tree)) {
		snprintf(err, errlen, "%s: not a list of breaches", r->base);
		yajl_tree_free(tree);
		return -1;
	}
	for (size_t i = 0; i < tree->u.array.len; i++)
		add_leak(out, n, &alloc, tree->u.array.values[i]);
	yajl_tree_free(tree);
	return 0;
}
