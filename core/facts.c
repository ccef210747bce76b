/*
 * The facts of a record and their library keys; see facts.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/facts.h"
#include "core/iin.h"
#include "core/norm.h"
#include "core/oprf.h"
#include "core/xalloc.h"

int
facts_init(struct facts *f, const struct fp_key *key, const char *region)
{
	memset(f, 0, sizeof(*f));
	f->key = key;
	f->norm = norm_ctx_new(region);
	if (!f->norm)
		return -1;
	dynbuf_init(&f->out, 1u << 20);
	dynbuf_init(&f->name, 1u << 20);
	dynbuf_init(&f->lossy, 1u << 20);
	return 0;
}

void
facts_release(struct facts *f)
{
	norm_ctx_free(f->norm);
	dynbuf_release(&f->out);
	dynbuf_release(&f->name);
	dynbuf_release(&f->lossy);
	free(f->keys);
	free(f->priv_cache);
	sodium_memzero(f->priv_sk, sizeof(f->priv_sk));
	memset(f, 0, sizeof(*f));
}

#define PRIV_CACHE (1u << 16) /* recent values' private keys, per thread: 1 MiB */

void
facts_private(struct facts *f, const unsigned char sk[32])
{
	memcpy(f->priv_sk, sk, sizeof(f->priv_sk));
	if (!f->priv_cache)
		f->priv_cache = xcalloc(2 * PRIV_CACHE, sizeof(*f->priv_cache));
}

int
facts_is_private(enum dt_type t)
{
	return t == DT_NATIONAL_ID || t == DT_PHONE || t == DT_PASSPORT;
}

/* The private key of the value in f->out, whose value fingerprint is fp: a repeat from the cache. */
static uint64_t
private_key(struct facts *f, enum dt_type t, uint64_t fp)
{
	uint64_t *c = &f->priv_cache[2 * (fp & (PRIV_CACHE - 1))];
	if (c[1] && c[0] == fp)
		return c[1];
	unsigned char in[OPRF_INPUT_MAX], y[OPRF_OUTPUT];
	size_t n = oprf_input(types_name(t), f->out.buf, f->out.len, in);
	if (!n || oprf_eval_direct(f->priv_sk, in, n, y) < 0)
		return 0;
	uint64_t k = oprf_fp(y);
	k += !k; /* 0 is "none" */
	c[0] = fp;
	c[1] = k;
	return k;
}

int
facts_has_value_set(enum dt_type t)
{
	return t != DT_NONE && t != DT_TEXT && t != DT_NUMBER && t != DT_BINARY &&
	       !types_is_low_entropy(t);
}

static int
is_fact_type(enum dt_type t)
{
	return t != DT_NONE && t != DT_TEXT && t != DT_NUMBER && t != DT_BINARY &&
	       types_is_column_type(t);
}

static int
is_name_part(enum dt_type t)
{
	return t == DT_FIRST_NAME || t == DT_LAST_NAME || t == DT_PATRONYMIC;
}

static int
is_name_type(enum dt_type t)
{
	return t == DT_FULL_NAME || t == DT_FIRST_NAME || t == DT_LAST_NAME;
}

/*
 * The type whose signatures a value gets: the name types share the full
 * name's, so that a lone surname and the same word in a full name sign
 * alike (quasi-identifier blocks compare them).
 */
static unsigned
sig_type(enum dt_type t)
{
	return is_name_type(t) ? DT_FULL_NAME : t;
}

static void
add_fact(struct facts *f, const struct schema *s, size_t col, enum dt_type t, int flags)
{
	if (f->n >= FACTS_MAX)
		return;
	struct fact *x = &f->v[f->n++];
	x->fp = fp_value(f->key, t, f->out.buf, f->out.len);
	x->col = (uint16_t)col;
	x->type = (uint8_t)t;
	x->flags = (uint8_t)flags;
	x->priv = f->priv_cache && facts_is_private(t) ? private_key(f, t, x->fp) : 0;
	if (t == DT_NATIONAL_ID && f->out.len == 12 && !iin_valid(f->out.buf, 12))
		x->flags |= FACT_UNSURE;
	if (near_kind_of(t) != NEAR_NONE && !(flags & FACT_LOSSY)) {
		/* a name's from its words as transliterated (norm_plain()), the rest from the key */
		size_t pl;
		const char *p = norm_plain(f->norm, &pl);
		int name = is_name_type(t);
		size_t ns = near_sigs(f->key, sig_type(t), name ? p : f->out.buf, name ? pl : f->out.len, 0,
				      x->sig);
		x->flags = (uint8_t)(x->flags | ns << 4);
	}
	if (f->seen)
		f->seen(f->ctx, s, x, f->out.buf, f->out.len);
}

/* Is this code point, at v, a letter of a name (or a letter lost to '?' / U+FFFD)? */
static size_t
name_letter(const char *v, size_t n, int *lost)
{
	unsigned char c = (unsigned char)v[0];
	size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (len > n)
		len = n;
	*lost = c == '?' || (len == 3 && !memcmp(v, "\xEF\xBF\xBD", 3));
	if (c < 0x80 && !*lost && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		return 0;
	return len;
}

/*
 * A name with letters lost in a charset conversion ('?' or U+FFFD) or a
 * word of one letter (an initial): its near signatures come from a
 * marked copy (marked_copy()). 1 when it has either.
 */
static int
name_is_marked(const char *v, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		int lost;
		size_t l = name_letter(v + i, n - i, &lost);
		if (lost)
			return 1;
		if (l) {
			run++;
			i += l;
			continue;
		}
		if (run == 1)
			return 1;
		run = 0;
		i++;
	}
	return run == 1;
}

/*
 * The marked copy: each lost letter as the digit '0' (which the name key
 * keeps, so that a word keeps its length and what is left of it), each
 * one-letter word followed by a vowel and the digit '9' (so that the name
 * key spells its letter as at the start of a word: "Ж." as "Жа9", whose
 * key starts as "Жасұлан"'s does; near_sigs() reads it as an initial).
 */
static void
marked_copy(struct dynbuf *out, const char *v, size_t n)
{
	dynbuf_reset(out);
	for (size_t i = 0; i < n;) {
		/* the word from i */
		size_t e = i, letters = 0;
		int lost, any_lost = 0;
		size_t l;
		while (e < n && (l = name_letter(v + e, n - e, &lost)) > 0) {
			any_lost |= lost;
			letters++;
			e += l;
		}
		if (e == i) {
			dynbuf_addc(out, v[i]);
			i++;
			continue;
		}
		for (size_t k = i; k < e;) {
			size_t m = name_letter(v + k, e - k, &lost);
			if (lost)
				dynbuf_addc(out, '0');
			else
				dynbuf_add(out, v + k, m);
			k += m;
		}
		if (letters == 1 && !any_lost)
			dynbuf_add(out, (unsigned char)v[i] >= 0x80 ? "\xD0\xB0" "9" : "a9",
				   (unsigned char)v[i] >= 0x80 ? 3 : 2);
		i = e;
	}
}

/* The near signatures of the last fact from the marked copy of its raw value. */
static void
marked_sigs(struct facts *f, enum dt_type t, const char *v, size_t n)
{
	struct fact *x = &f->v[f->n - 1];
	marked_copy(&f->lossy, v, n);
	if (!norm_value(f->norm, t, f->lossy.buf, f->lossy.len, &f->out))
		return;
	size_t pl;
	const char *p = norm_plain(f->norm, &pl);
	size_t ns = near_sigs(f->key, sig_type(t), is_name_type(t) ? p : f->out.buf,
			      is_name_type(t) ? pl : f->out.len, 1, x->sig);
	x->flags = (uint8_t)((x->flags & ~0x30u) | ns << 4);
}

size_t
facts_sigs(struct facts *f, enum dt_type t, const char *v, size_t n, uint32_t sig[NEAR_WORDS])
{
	int marked = near_kind_of(t) == NEAR_WORD && name_is_marked(v, n);
	if (near_kind_of(t) == NEAR_NONE)
		return 0;
	if (marked)
		marked_copy(&f->lossy, v, n);
	if (!norm_value(f->norm, t, marked ? f->lossy.buf : v, marked ? f->lossy.len : n, &f->out))
		return 0;
	size_t pl;
	const char *p = norm_plain(f->norm, &pl);
	if (is_name_type(t))
		return near_sigs(f->key, sig_type(t), p, pl, marked, sig);
	return near_sigs(f->key, t, f->out.buf, f->out.len, marked, sig);
}

/* The value normalized and, when its type accepts it, a fact; 1 when it became one. */
static int
add_value(struct facts *f, const struct schema *s, size_t col, enum dt_type t, int flags,
	  const char *v, size_t n)
{
	int marked = near_kind_of(t) == NEAR_WORD && name_is_marked(v, n);
	if (!norm_value(f->norm, t, v, n, &f->out))
		return 0;
	size_t before = f->n;
	add_fact(f, s, col, t, flags | (marked ? FACT_LOSSY : 0));
	if (marked && f->n > before)
		marked_sigs(f, t, v, n);
	return 1;
}

size_t
facts_extract(struct facts *f, const struct schema *s, const struct record *rec)
{
	/* the name parts, found on the way: [0] last, [1] first, [2] middle */
	const struct field *part[3] = { NULL, NULL, NULL };
	size_t part_col[3] = { 0, 0, 0 };

	f->n = 0;
	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *fl = &rec->fields[i];
		size_t c = schema_col(s, fl, i);
		if (c == (size_t)-1 || fl->is_null || !fl->len)
			continue;
		enum dt_type t = s->types[c];
		if (!is_fact_type(t))
			continue;
		if (is_name_part(t)) {
			int k = t == DT_LAST_NAME ? 0 : t == DT_FIRST_NAME ? 1 : 2;
			if (!part[k]) {
				part[k] = fl;
				part_col[k] = c;
			}
			continue;
		}
		if (!add_value(f, s, c, t, 0, fl->val, fl->len) && f->bad)
			f->bad(f->ctx, s, c);
	}
	if (part[0] && part[1]) {
		/* "last first middle": the name key sorts words and drops the patronymic */
		dynbuf_reset(&f->name);
		for (int k = 0; k < 3; k++)
			if (part[k] && (dynbuf_add(&f->name, part[k]->val, part[k]->len) < 0 ||
					dynbuf_add(&f->name, " ", 1) < 0))
				break;
		add_value(f, s, part_col[0], DT_FULL_NAME, FACT_COMPOSED, f->name.buf, f->name.len);
	} else {
		/* a lone part is a fact of its own type */
		for (int k = 0; k < 3; k++) {
			if (!part[k])
				continue;
			enum dt_type t = s->types[part_col[k]];
			add_value(f, s, part_col[k], t, 0, part[k]->val, part[k]->len);
		}
	}
	return f->n;
}

static void
add_key(struct facts *f, uint64_t key, unsigned set, unsigned a, unsigned b)
{
	if (f->nkeys == f->keys_alloc)
		f->keys = xgrow(f->keys, &f->keys_alloc, f->nkeys + 1, sizeof(*f->keys));
	struct fact_key *k = &f->keys[f->nkeys++];
	k->key = key;
	k->set = (uint16_t)set;
	k->a = (uint8_t)a;
	k->b = (uint8_t)b;
}

/* An anchor's strength for near keys: 0 the strongest; 5 for a fact that is no anchor. */
static unsigned
anchor_rank(unsigned t)
{
	switch (t) {
	case DT_NATIONAL_ID:
		return 0;
	case DT_PASSPORT:
		return 1;
	case DT_PHONE:
		return 2;
	case DT_EMAIL:
		return 3;
	case DT_USERNAME:
		return 4;
	default:
		return 5;
	}
}

/* Is (a, b) the canonical order of a pair of anchors? */
static int
anchor_first(const struct fact *a, const struct fact *b)
{
	return a->type < b->type || (a->type == b->type && a->fp < b->fp);
}

/* Is t compared under a quasi-identifier block (as the name, or an attribute)? */
static int
is_qi_type(enum dt_type t)
{
	return is_name_type(t) || t == DT_BIRTH_DATE || t == DT_POSTCODE || t == DT_CITY ||
	       t == DT_ADDRESS;
}

int
facts_qi_block(const struct facts *f, uint64_t b[FACTS_QI_BLOCKS])
{
	/* the quasi-identifiers: name words, birth date, postcode, city, address (one each) */
	enum { W0, W1, BIRTH, POST, CITY, ADDR, NQ };
	uint64_t v[NQ] = { 0 };
	int have[NQ] = { 0 };
	const struct fact *nm = NULL;
	for (size_t i = 0; i < f->n; i++) {
		const struct fact *x = &f->v[i];
		int q = x->type == DT_BIRTH_DATE ? BIRTH : x->type == DT_POSTCODE ? POST : x->type == DT_CITY ? CITY
			: x->type == DT_ADDRESS && FACT_NSIG(x->flags) ? ADDR : -1;
		if (types_is_identifier(x->type) && !f->near_all)
			return 0; /* a lookup links through identifiers when it has them */
		if (!nm && is_name_type(x->type) && FACT_NSIG(x->flags))
			nm = x;
		if (q >= 0 && !have[q]) {
			have[q] = 1;
			v[q] = x->fp;
		}
	}
	if (!nm)
		return 0;
	for (unsigned k = 0, words = 0; k < FACT_NSIG(nm->flags) && words < 2; k++)
		if (nm->sig[k] >> 30 == NEAR_PLAIN) { /* an initial or a word with letters lost blocks nothing */
			have[W0 + words] = 1;
			v[W0 + words++] = nm->sig[k];
		}
	if (!have[W0] || (!have[BIRTH] && !have[POST] && !have[CITY] && !have[ADDR]))
		return 0;
	if (have[W1] && v[W1] < v[W0]) { /* the two words in either order: swapped names block alike */
		uint64_t t = v[W0];
		v[W0] = v[W1];
		v[W1] = t;
	}
	static const uint8_t pairs[FACTS_QI_BLOCKS][2] = {
		{ W0, BIRTH }, { W1, BIRTH }, { W0, POST }, { W1, POST }, { W0, CITY }, { W1, CITY },
		{ W0, ADDR },  { W1, ADDR },  { W0, W1 },   { BIRTH, POST }, { BIRTH, ADDR },
		{ BIRTH, CITY }, { POST, ADDR }, { CITY, ADDR },
	};
	int nb = 0;
	for (unsigned i = 0; i < FACTS_QI_BLOCKS; i++) {
		/* a word's block is the same whichever of the two it is: its kind is the other field's */
		unsigned x = pairs[i][0], y = pairs[i][1], kind = x == W1 ? i - 1 : i;
		if (have[x] && have[y])
			b[nb++] = fp_assoc(f->key, DT_QI_BLOCK, (uint64_t)kind << 32 ^ v[x], DT_QI_BLOCK, v[y]);
	}
	return nb;
}

unsigned
facts_qi_sigs(const struct fact *x, uint32_t sig[NEAR_WORDS], unsigned *type)
{
	int name = is_name_type(x->type);
	*type = name ? DT_FULL_NAME : x->type;
	if (!is_qi_type(x->type) || (name && !FACT_NSIG(x->flags)))
		return 0;
	/* a value too short for a signature ("10", a house number) is compared whole */
	if (!FACT_NSIG(x->flags)) {
		sig[0] = (uint32_t)x->fp;
		return 1;
	}
	for (unsigned k = 0; k < FACT_NSIG(x->flags); k++)
		sig[k] = x->sig[k];
	return FACT_NSIG(x->flags);
}

/*
 * Quasi-identifier linkage (rows without a reliable identifier, core/link.h).
 * A library's record: under each of its blocks, its person tag (32 bits
 * of the record fingerprint); under the tag, the signatures of its
 * quasi-identifiers (sets DT_QI_PERSON-TYPE). A lookup's row: under each
 * block, a key with the signature 0, which finds the tags of the persons
 * sharing the block; the analysis then asks under each tag with the row's
 * own signatures (facts_qi_sigs()) and weighs what agrees.
 */
static void
qi_blocks(struct facts *f, uint64_t rec)
{
	uint64_t b[FACTS_QI_BLOCKS];
	int nb = facts_qi_block(f, b);
	uint32_t tag = (uint32_t)rec;
	for (int i = 0; i < nb; i++)
		add_key(f, near_key(f->key, near_prefix(DT_QI_BLOCK, b[i], DT_QI_PERSON), f->near_all ? tag : 0),
			FACT_SET(FACT_NEAR, DT_QI_BLOCK, DT_QI_PERSON), 63, 63);
	if (!nb || !f->near_all)
		return;
	for (size_t j = 0; j < f->n; j++) {
		uint32_t sig[NEAR_WORDS];
		unsigned at, ns = facts_qi_sigs(&f->v[j], sig, &at);
		uint32_t pre = near_prefix(DT_QI_PERSON, tag, at);
		for (unsigned k = 0; k < ns; k++)
			add_key(f, near_key(f->key, pre, sig[k]), FACT_SET(FACT_NEAR, DT_QI_PERSON, at), 63,
				(unsigned)j);
	}
}

size_t
facts_keys(struct facts *f)
{
	f->nkeys = 0;
	if (!f->n)
		return 0;
	for (size_t i = 0; i < f->n; i++)
		f->scratch[i] = f->v[i].fp;
	uint64_t rec = fp_record(f->key, f->scratch, f->n);
	add_key(f, rec, FACT_SET(FACT_RECORD, 0, 0), 255, 255);

	unsigned anchors = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct fact *a = &f->v[i];
		if (facts_has_value_set(a->type))
			add_key(f, a->fp, FACT_SET(FACT_VALUE, a->type, 0), (unsigned)i, (unsigned)i);
		if (a->priv)
			add_key(f, a->priv, FACT_SET(FACT_PRIVATE, a->type, 0), (unsigned)i, (unsigned)i);
		if (!types_is_identifier(a->type) || anchors >= FACTS_MAX_ANCHORS)
			continue;
		anchors++;
		for (size_t j = 0; j < f->n; j++) {
			const struct fact *b = &f->v[j];
			if (j == i || (types_is_identifier(b->type) && !anchor_first(a, b)))
				continue;
			if (a->type == b->type && a->fp == b->fp)
				continue; /* the same value twice */
			add_key(f, fp_assoc(f->key, a->type, a->fp, b->type, b->fp),
				FACT_SET(FACT_ASSOC, a->type, b->type), (unsigned)i, (unsigned)j);
		}
	}

	/*
	 * Near keys of the facts that may vary (names, cities, birth dates,
	 * addresses, the IIN): a library keeps them under every anchor of the record;
	 * a lookup asks under the row's FACTS_NEAR_ANCHORS (4) strongest
	 * anchors (by type, not by column; an IIN failing its checksum,
	 * maybe re-typed, is not counted), which meet the leak's whenever the
	 * leak holds one of them: a row that differs from its leak in all is
	 * found under its name and birth date (below). More than one is for
	 * the row whose name varies from a shop's under its e-mail or phone
	 * while the leak of its IIN and passport spells the name otherwise (a
	 * typo of that leak's own): under the IIN alone it read as updated.
	 * The near round asks only the keys that need it (a fact not found as
	 * it is, under an anchor some leak has), so four anchors cost the
	 * bench's analysis about 4% against two, 6% against one (it was 1.7
	 * times for a second before the round).
	 */
	uint8_t strong[FACTS_MAX] = { 0 };
	size_t ntop = 0;
	for (unsigned rank = 0; rank < 5 && ntop < FACTS_NEAR_ANCHORS; rank++)
		for (size_t i = 0; i < f->n && ntop < FACTS_NEAR_ANCHORS; i++)
			if (anchor_rank(f->v[i].type) == rank) {
				strong[i] = 1;
				ntop += !(f->v[i].flags & FACT_UNSURE);
			}
	for (size_t i = 0, seen = 0; i < f->n && seen < FACTS_MAX_ANCHORS; i++) {
		const struct fact *a = &f->v[i];
		if (!types_is_identifier(a->type))
			continue;
		seen++;
		if (!f->near_all && !strong[i])
			continue;
		for (size_t j = 0; j < f->n; j++) {
			const struct fact *b = &f->v[j];
			/*
			 * identifiers are compared under the person's name and birth
			 * date (below), the IIN under the other anchors too, and the
			 * other identifiers under the IIN: a re-typed one (or a number
			 * cut short, written with another prefix) whose leak has no
			 * birth date is still found
			 */
			if (j == i || !FACT_NSIG(b->flags) ||
			    (types_is_identifier(b->type) && b->type != DT_NATIONAL_ID &&
			     a->type != DT_NATIONAL_ID) ||
			    (a->type == b->type && a->fp == b->fp))
				continue;
			uint32_t pre = near_prefix(a->type, a->fp, b->type);
			for (unsigned k = 0; k < FACT_NSIG(b->flags); k++)
				add_key(f, near_key(f->key, pre, b->sig[k]),
					FACT_SET(FACT_NEAR, a->type, b->type), (unsigned)i, (unsigned)j);
		}
	}

	/*
	 * Under the person's name and birth date (set type DT_BIRTH_DATE, which
	 * no identifier is): the other facts, and the identifiers' near
	 * signatures, so that one re-typed with a mistake is found and the
	 * rest of its row with it.
	 */
	size_t name = f->n, birth = f->n;
	for (size_t i = 0; i < f->n; i++) {
		if (name == f->n && f->v[i].type == DT_FULL_NAME)
			name = i;
		if (birth == f->n && f->v[i].type == DT_BIRTH_DATE)
			birth = i;
	}
	if (name < f->n && birth < f->n)
		for (size_t j = 0; j < f->n; j++) {
			const struct fact *b = &f->v[j];
			if (j == name || j == birth)
				continue;
			/*
			 * the person's name and birth date with this fact: known as such
			 * when an identifier is re-typed (identifiers are found by value)
			 */
			if (!types_is_identifier(b->type)) {
				uint64_t qi = fp_assoc(f->key, DT_FULL_NAME, f->v[name].fp, DT_BIRTH_DATE,
						       f->v[birth].fp);
				add_key(f, fp_assoc(f->key, DT_BIRTH_DATE, qi, b->type, b->fp),
					FACT_SET(FACT_ASSOC, DT_BIRTH_DATE, b->type), (unsigned)name,
					(unsigned)j);
			}
			if (!near_is_qi_attr(b->type) || !FACT_NSIG(b->flags))
				continue;
			uint32_t pre = near_prefix_qi(f->v[name].fp, f->v[birth].fp, b->type);
			add_key(f, near_key(f->key, pre, b->sig[0]),
				FACT_SET(FACT_NEAR, DT_BIRTH_DATE, b->type), (unsigned)name, (unsigned)j);
		}
	qi_blocks(f, rec);
	return f->nkeys;
}
