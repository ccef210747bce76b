/*
 * The private lookup's server side: its sets and buckets (core/private.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts.h"
#include "core/fpset.h"
#include "core/oprf.h"
#include "core/private.h"
#include "core/xalloc.h"

static const enum dt_type ptypes[PRIVATE_TYPES] = { DT_NATIONAL_ID, DT_PHONE, DT_PASSPORT };

int
private_type_index(enum dt_type t)
{
	for (int i = 0; i < PRIVATE_TYPES; i++)
		if (ptypes[i] == t)
			return i;
	return -1;
}

enum dt_type
private_type(int i)
{
	return ptypes[i];
}

unsigned
private_bits(uint64_t n, unsigned bucket)
{
	unsigned b = 0;
	if (!bucket)
		bucket = 1;
	while (b < PRIVATE_BITS_MAX && (n >> (b + 1)) >= bucket)
		b++;
	return b;
}

int
private_open(struct library *lib, struct private_sets *ps, unsigned bucket, lib_report_fn report,
	     void *ctx, char *err, size_t errlen)
{
	memset(ps, 0, sizeof(*ps));
	for (int i = 0; i < PRIVATE_TYPES; i++) {
		struct lib_vset *vals = NULL;
		size_t nvals = 0, alloc = 0;
		if (library_value_sets(lib, LIB_PRIVATE, ptypes[i], &ps->v[i], &ps->n[i], report, ctx, err,
				       errlen) < 0 ||
		    library_value_sets(lib, LIB_VALUE, ptypes[i], &vals, &nvals, report, ctx, err, errlen) < 0) {
			private_close(ps);
			return -1;
		}
		for (size_t k = 0; k < ps->n[i]; k++)
			ps->keys[i] += fpset_count(ps->v[i][k].set);
		ps->bits[i] = private_bits(ps->keys[i], bucket);
		/* both lists are in name order */
		for (size_t a = 0, b = 0; a < nvals; a++) {
			while (b < ps->n[i] && strcmp(ps->v[i][b].leak.name, vals[a].leak.name) < 0)
				b++;
			if (b < ps->n[i] && !strcmp(ps->v[i][b].leak.name, vals[a].leak.name))
				continue;
			ps->missing[i] = xgrow(ps->missing[i], &alloc, ps->nmissing[i] + 1, sizeof(char *));
			ps->missing[i][ps->nmissing[i]++] = xstrdup(vals[a].leak.name);
		}
		lib_vsets_free(vals, nvals);
	}
	return 0;
}

void
private_close(struct private_sets *ps)
{
	for (int i = 0; i < PRIVATE_TYPES; i++) {
		lib_vsets_free(ps->v[i], ps->n[i]);
		for (size_t k = 0; k < ps->nmissing[i]; k++)
			free(ps->missing[i][k]);
		free(ps->missing[i]);
	}
	memset(ps, 0, sizeof(*ps));
}

void
private_config(const struct private_sets *ps, struct jsonw *w)
{
	jsonw_obj_open(w);
	jsonw_key(w, "Suite");
	jsonw_str(w, OPRF_SUITE);
	jsonw_key(w, "Mode");
	jsonw_str(w, "base (RFC 9497)");
	jsonw_key(w, "Input");
	jsonw_str(w, "TYPE:VALUE, the value normalized as the library does");
	jsonw_key(w, "Types");
	jsonw_arr_open(w);
	for (int i = 0; i < PRIVATE_TYPES; i++) {
		jsonw_obj_open(w);
		jsonw_key(w, "Type");
		jsonw_str(w, types_name(ptypes[i]));
		jsonw_key(w, "Keys");
		jsonw_u64(w, ps->keys[i]);
		jsonw_key(w, "Leaks");
		jsonw_u64(w, ps->n[i]);
		jsonw_key(w, "PrefixBits");
		jsonw_u64(w, ps->bits[i]);
		jsonw_key(w, "LeaksWithoutPrivateSet");
		jsonw_arr_open(w);
		for (size_t k = 0; k < ps->nmissing[i]; k++)
			jsonw_str(w, ps->missing[i][k]);
		jsonw_arr_close(w);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
}

struct hit {
	uint64_t key;
	uint32_t leak;
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->leak < y->leak ? -1 : x->leak > y->leak;
}

int
private_range(const struct private_sets *ps, int ti, unsigned bits, uint64_t prefix, struct jsonw *w,
	      char *err, size_t errlen)
{
	unsigned min = ps->bits[ti] > PRIVATE_BITS_SLACK ? ps->bits[ti] - PRIVATE_BITS_SLACK : 0;
	if (bits > PRIVATE_BITS_MAX || bits < min) {
		snprintf(err, errlen, "a prefix of %u bits: this library answers %u to %u bits for %s", bits, min,
			 PRIVATE_BITS_MAX, types_name(ptypes[ti]));
		return 1;
	}
	if (bits < 64 && prefix >> bits) {
		snprintf(err, errlen, "the prefix is longer than %u bits", bits);
		return 1;
	}
	uint64_t lo = bits ? prefix << (64 - bits) : 0;
	uint64_t hi = bits ? lo | (UINT64_MAX >> bits) : UINT64_MAX;
	struct hit *h = NULL;
	size_t nh = 0, alloc = 0;
	int rc = 0;
	for (size_t k = 0; k < ps->n[ti] && !rc; k++) {
		struct fpset_iter it;
		uint64_t key;
		int r;
		fpset_iter_init(&it, ps->v[ti][k].set);
		fpset_iter_seek(&it, lo);
		while ((r = fpset_iter_next(&it, &key)) == 1 && key <= hi) {
			if (nh >= PRIVATE_RANGE_MAX) {
				snprintf(err, errlen, "the bucket holds more than %u keys: ask a longer prefix",
					 PRIVATE_RANGE_MAX);
				rc = 1;
				break;
			}
			h = xgrow(h, &alloc, nh + 1, sizeof(*h));
			h[nh].key = key;
			h[nh++].leak = (uint32_t)k;
		}
		if (r < 0) {
			snprintf(err, errlen, "leak '%s': private set: %s", ps->v[ti][k].leak.name, it.err);
			rc = -1;
		}
		fpset_iter_release(&it);
	}
	if (rc) {
		free(h);
		return rc;
	}
	qsort(h, nh, sizeof(*h), hit_cmp);
	/* the leaks this bucket names, in the catalog's order, numbered as they are listed */
	uint32_t *num = xcalloc(ps->n[ti] + 1, sizeof(*num));
	for (size_t i = 0; i < nh; i++)
		num[h[i].leak] = 1;
	char hex[24];
	jsonw_obj_open(w);
	jsonw_key(w, "Type");
	jsonw_str(w, types_name(ptypes[ti]));
	jsonw_key(w, "PrefixBits");
	jsonw_u64(w, bits);
	jsonw_key(w, "Prefix");
	snprintf(hex, sizeof(hex), "%llx", (unsigned long long)prefix);
	jsonw_str(w, hex);
	jsonw_key(w, "Leaks");
	jsonw_arr_open(w);
	uint32_t next = 0;
	for (size_t k = 0; k < ps->n[ti]; k++) {
		if (!num[k])
			continue;
		num[k] = next++;
		const struct lib_leak *l = &ps->v[ti][k].leak;
		jsonw_obj_open(w);
		jsonw_key(w, "Name");
		jsonw_str(w, l->name);
		jsonw_key(w, "Title");
		jsonw_str(w, l->title ? l->title : l->name);
		jsonw_key(w, "BreachDate");
		if (l->breach_date)
			jsonw_str(w, l->breach_date);
		else
			jsonw_null(w);
		jsonw_obj_close(w);
	}
	jsonw_arr_close(w);
	jsonw_key(w, "Keys");
	jsonw_arr_open(w);
	for (size_t i = 0; i < nh;) {
		jsonw_obj_open(w);
		jsonw_key(w, "Key");
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h[i].key);
		jsonw_str(w, hex);
		jsonw_key(w, "Leaks");
		jsonw_arr_open(w);
		size_t j = i;
		for (; j < nh && h[j].key == h[i].key; j++)
			jsonw_u64(w, num[h[j].leak]);
		jsonw_arr_close(w);
		jsonw_obj_close(w);
		i = j;
	}
	jsonw_arr_close(w);
	jsonw_obj_close(w);
	free(num);
	free(h);
	return 0;
}
