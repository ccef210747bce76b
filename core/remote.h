/*
 * The client of a `dumptrace serve` (libcurl): the private lookup of an
 * identifier (core/private.h) and HIBP's account search, for `dumptrace
 * lookup --server URL`.
 */
#ifndef DT_REMOTE_H
#define DT_REMOTE_H

#include <stddef.h>

#include "core/types.h"

struct remote;

struct remote_leak {
	char *name, *title, *breach_date;
};

/* A client of the service at url (http:// or https://); api_key may be NULL. NULL (err). */
struct remote *remote_open(const char *url, const char *api_key, char *err, size_t errlen);
void remote_close(struct remote *r);

/*
 * Which leaks of the service hold the identifier v (normalized, of a
 * private lookup type): *out (free with remote_leaks_free()) and *n. The
 * identifier never leaves this process: the service sees a blinded
 * element and a bucket. 0; -1 (err); 1 when the service asks us to wait
 * (*retry seconds, err says so).
 */
int remote_private(struct remote *r, enum dt_type t, const char *v, size_t len, struct remote_leak **out,
		   size_t *n, unsigned *retry, char *err, size_t errlen);

/* ... an e-mail address or user name, through HIBP's account search (the service sees it). */
int remote_account(struct remote *r, const char *account, struct remote_leak **out, size_t *n,
		   unsigned *retry, char *err, size_t errlen);

void remote_leaks_free(struct remote_leak *l, size_t n);

#endif
