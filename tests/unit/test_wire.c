/*
 * The map steps' files (core/wire.h): schemas, profiles and link
 * frequencies saved and read back as they were, and every cut or damaged
 * copy refused without a crash or a read past its end.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/link.h"
#include "core/profile.h"
#include "core/schema.h"
#include "core/wire.h"
#include "tests/unit/tap.h"

static void
emit(void *ctx, struct schema *s, const struct record *rec, uint64_t seq)
{
	(void)s;
	(void)rec;
	(void)seq;
	(*(int *)ctx)++;
}

/* One stream of n records of columns names[] (a table, or NULL), values from vals(). */
static void
stream(struct schemas *ss, const char *table, const char *const *names, size_t ncols, size_t n,
       const char *(*val)(size_t row, size_t col, char *buf))
{
	struct field f[8];
	char bufs[8][64];
	schemas_stream(ss);
	for (size_t r = 0; r < n; r++) {
		for (size_t c = 0; c < ncols; c++) {
			f[c].name = names[c];
			f[c].name_len = strlen(names[c]);
			f[c].val = val(r, c, bufs[c]);
			f[c].len = strlen(f[c].val);
			f[c].is_null = 0;
		}
		struct record rec = { f, ncols, table, r + 1, 0 };
		schemas_record(ss, &rec, r);
	}
	schemas_end_stream(ss);
}

static const char *
person(size_t row, size_t col, char *buf)
{
	switch (col) {
	case 0:
		snprintf(buf, 64, "user%zu@mail.kz", row);
		break;
	case 1:
		snprintf(buf, 64, "+7701%07zu", row);
		break;
	default:
		snprintf(buf, 64, "%zu", row * 7);
	}
	return buf;
}

static int
same_schema(const struct schema *a, const struct schema *b)
{
	if (a->ncols != b->ncols || a->stream != b->stream || a->shape != b->shape || a->typed != b->typed ||
	    !a->table != !b->table || (a->table && strcmp(a->table, b->table)))
		return 0;
	for (size_t c = 0; c < a->ncols; c++)
		if (a->name_len[c] != b->name_len[c] || memcmp(a->names[c], b->names[c], a->name_len[c]) ||
		    a->types[c] != b->types[c] || a->rate[c] != b->rate[c] || a->rank[c] != b->rank[c] ||
		    a->why[c] != b->why[c] || !a->shown[c] != !b->shown[c] ||
		    (a->shown[c] && strcmp(a->shown[c], b->shown[c])))
			return 0;
	return 1;
}

int
main(void)
{
	int n = 0;
	struct schemas_opts so = { .emit = emit, .share = 1, .ctx = &n };
	struct schemas ss;
	schemas_init(&ss, &so);
	static const char *const cols[] = { "email", "phone", "id" };
	static const char *const pcols[] = { "email", "password" };
	stream(&ss, NULL, cols, 3, 1200, person);
	stream(&ss, NULL, cols, 3, 10, person); /* shares the first's */
	stream(&ss, "users", pcols, 2, 5, person);
	is_int(ss.n, 2, "two schemas: the second stream shares the first's");
	is_int(n, 1215, "every record handed on");

	struct dynbuf b;
	dynbuf_init(&b, 1u << 24);
	ok(schemas_save(&ss, &b) == 0, "schemas saved (%zu bytes)", b.len);
	struct wire_r r = { (const uint8_t *)b.buf, (const uint8_t *)b.buf + b.len, 0 };
	size_t cnt = wire_get_count(&r, 40);
	is_int(cnt, 2, "... their count");
	int same = 1;
	for (size_t i = 0; i < cnt; i++) {
		struct schema *s = schema_load(&r);
		if (!s) {
			same = 0;
			break;
		}
		s->id = ss.v[i]->id;
		same &= same_schema(s, ss.v[i]);
		schema_drop(s);
	}
	ok(same && !r.bad && r.p == r.end, "... read back as they were: columns, types, rates, ranks, whys, shown names");

	/* every cut of it: refused, never read past */
	int refused = 1;
	for (size_t len = 0; len < b.len; len++) {
		uint8_t *cut = malloc(len ? len : 1);
		memcpy(cut, b.buf, len);
		struct wire_r c = { cut, cut + len, 0 };
		size_t k = wire_get_count(&c, 40);
		size_t got = 0;
		for (size_t i = 0; i < k; i++) {
			struct schema *s = schema_load(&c);
			if (!s)
				break;
			got++;
			schema_drop(s);
		}
		refused &= c.bad || got < 2 || k < 2;
		free(cut);
	}
	ok(refused, "each of the %zu cuts of the saved schemas refused", b.len);
	/* damaged bytes: never a crash; a column's type out of range is refused */
	for (size_t at = 0; at < b.len; at += 3) {
		uint8_t *bad = malloc(b.len);
		memcpy(bad, b.buf, b.len);
		bad[at] ^= 0xa5;
		struct wire_r c = { bad, bad + b.len, 0 };
		size_t k = wire_get_count(&c, 40);
		for (size_t i = 0; i < k && !c.bad; i++)
			schema_drop(schema_load(&c));
		free(bad);
	}
	ok(1, "damaged copies of the schemas read without a crash");

	/* a schema adopted: the next id, the current stream */
	r = (struct wire_r){ (const uint8_t *)b.buf, (const uint8_t *)b.buf + b.len, 0 };
	wire_get_count(&r, 40);
	struct schema *first = schema_load(&r);
	struct schemas ss2;
	schemas_init(&ss2, &so);
	schemas_adopt(&ss2, first);
	is_int(first->id, 0, "adopted: id 0");
	is_int(first->stream, -1, "... the stream before the first (a seed)");
	stream(&ss2, NULL, cols, 3, 3, person);
	is_int(ss2.n, 1, "the first stream shares the adopted schema (same columns)");
	schemas_release(&ss2);

	/* profiles: saved, then merged under a map of schema ids, as profile_merge() would */
	struct profile p, got;
	profile_init(&p, 0);
	profile_init(&got, 0);
	struct fact f;
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 3000; i++) {
		f.type = DT_EMAIL;
		f.col = 0;
		f.fp = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		char e[64];
		int len = snprintf(e, sizeof(e), "u%d@d%d.kz", i, i % 7);
		profile_seen(&p, ss.v[i % 2], &f, e, (size_t)len);
		f.type = DT_BIRTH_DATE;
		f.col = 1;
		len = snprintf(e, sizeof(e), "19%02d-%02d-1%d", 50 + i % 40, 1 + i % 12, i % 9);
		profile_seen(&p, ss.v[i % 2], &f, e, (size_t)len);
	}
	/* what the analysis would hold: schema 0 as 1, 1 as 0 */
	dynbuf_reset(&b);
	ok(profile_save(&p, &b) == 0, "a profile saved (%zu bytes)", b.len);
	int map[2] = { 1, 0 };
	r = (struct wire_r){ (const uint8_t *)b.buf, (const uint8_t *)b.buf + b.len, 0 };
	ok(profile_load_merge(&got, &r, map, 2) == 0 && r.p == r.end, "... merged back, its schemas renumbered");
	for (size_t s = 0; s < p.nschemas; s++)
		for (size_t c = 0; c < p.ncols[s]; c++) {
			struct profile_col *a = profile_col(&p, (int)s, c), *g = profile_col(&got, map[s], c);
			ok(a && g && a->values == g->values && a->dates == g->dates && a->min == g->min &&
				   a->max == g->max && kmv_distinct(&a->sketch) == kmv_distinct(&g->sketch) &&
				   (!a->months || !memcmp(a->months, g->months, PROFILE_YEARS * 12 * sizeof(*a->months))),
			   "schema %zu column %zu: counts, dates, months and sketch as they were", s, c);
		}
	is_int(got.ndom, p.ndom, "... the domains");
	int bad_ok = 1;
	for (size_t len = 0; len + 1 < b.len; len += 97) {
		struct profile t;
		profile_init(&t, 0);
		struct wire_r c = { (const uint8_t *)b.buf, (const uint8_t *)b.buf + len, 0 };
		bad_ok &= profile_load_merge(&t, &c, map, 2) < 0;
		profile_release(&t);
	}
	ok(bad_ok, "cut profiles refused");
	struct wire_r c = { (const uint8_t *)b.buf, (const uint8_t *)b.buf + b.len, 0 };
	struct profile t;
	profile_init(&t, 0);
	ok(profile_load_merge(&t, &c, map, 1) < 0, "a profile of more schemas than the map: refused");
	profile_release(&t);

	/* link frequencies: added */
	struct link_freq lf, sum;
	link_freq_init(&lf);
	link_freq_init(&sum);
	for (uint32_t i = 0; i < 1000; i++)
		link_freq_add(&lf, DT_BIRTH_DATE, i * 2654435761u);
	dynbuf_reset(&b);
	ok(link_freq_save(&lf, &b) == 0, "link frequencies saved");
	for (int k = 0; k < 2; k++) {
		r = (struct wire_r){ (const uint8_t *)b.buf, (const uint8_t *)b.buf + b.len, 0 };
		link_freq_load_add(&sum, &r);
	}
	int twice = 1;
	for (size_t i = 0; i < 4 * 65536; i++)
		twice &= sum.c[i] == 2 * lf.c[i];
	ok(twice, "read back twice: every counter doubled");
	is_int(sum.n[DT_BIRTH_DATE & 31], 2000, "... their counts added");
	r = (struct wire_r){ (const uint8_t *)b.buf, (const uint8_t *)b.buf + b.len / 2, 0 };
	ok(link_freq_load_add(&sum, &r) < 0, "cut frequencies refused");

	link_freq_release(&lf);
	link_freq_release(&sum);
	profile_release(&p);
	profile_release(&got);
	dynbuf_release(&b);
	schemas_release(&ss);
	return done_testing();
}
