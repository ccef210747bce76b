/*
 * Near matches: the signatures and their comparison; see near.h.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "core/near.h"
#include "core/norm.h"
#include "core/types.h"

#define WORD_BITS 24 /* a word's six letters; 4 bits of its length above them */
#define ID_BITS 30

enum near_kind
near_kind_of(unsigned type)
{
	switch (type) {
	case DT_FULL_NAME:
	case DT_FIRST_NAME:
	case DT_LAST_NAME:
	case DT_CITY:
		return NEAR_WORD;
	case DT_BIRTH_DATE:
		return NEAR_DATE; /* not a record's other dates: a typo there changes nothing of a person */
	case DT_ADDRESS:
		return NEAR_ADDRESS;
	case DT_NATIONAL_ID:
	case DT_PASSPORT:
	case DT_PHONE:
	case DT_CARD:
	case DT_POSTCODE:
		return NEAR_IDPOS;
	case DT_EMAIL:
	case DT_USERNAME:
		return NEAR_IDGRAM;
	default:
		return NEAR_NONE;
	}
}

int
near_is_qi_attr(unsigned type)
{
	enum near_kind k = near_kind_of(type);
	return (k == NEAR_IDPOS || k == NEAR_IDGRAM) && type != DT_POSTCODE;
}

static unsigned
popcount32(uint32_t x)
{
	return (unsigned)__builtin_popcount(x);
}

/*
 * The secret of the signatures of type t: a keyed fingerprint, taken once
 * per thread, key and type; each letter's code and each pair's bit are
 * then a mix of it (splitmix64's finalizer), cheap enough to take per
 * letter: as secret as the key, and nothing without it.
 */
static uint64_t
type_seed(const struct fp_key *k, unsigned t)
{
	static _Thread_local const struct fp_key *cached;
	static _Thread_local uint64_t cached_id, seed[FP_TYPES];
	static _Thread_local uint32_t have;
	t &= FP_TYPES - 1;
	if (cached != k || cached_id != k->id) {
		cached = k;
		cached_id = k->id;
		have = 0;
	}
	if (!(have >> t & 1)) {
		seed[t] = fp_value(k, t ^ 0x15, "near-signature", 14);
		have |= 1u << t;
	}
	return seed[t];
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* The bit of a pair of bytes (a letter pair, or a position and a character), chosen by the key. */
static unsigned
gram_bit(const struct fp_key *k, unsigned t, const char *g, size_t n, unsigned bits)
{
	uint64_t v = (unsigned char)g[0] | (n > 1 ? (uint64_t)(unsigned char)g[1] << 8 : 0);
	return (unsigned)(mix64(type_seed(k, t) ^ (v + 0x10000)) % bits);
}

/*
 * A word's signature: its first three and last three letters, each as a
 * 4-bit value chosen by the key (0: a letter lost, the marker '0', or
 * none), and its length: 24 + 4 bits. One letter changed, added, dropped
 * or two swapped leaves most of the six as they were; another word rarely
 * agrees in four of them and its length.
 */
static unsigned
letter_code(const struct fp_key *k, unsigned t, char c)
{
	if (c == '0')
		return 0;
	return 1 + (unsigned)(mix64(type_seed(k, t) ^ (unsigned char)c) % 15);
}

static uint32_t
word_sig(const struct fp_key *k, unsigned t, const char *w, size_t n, int *known)
{
	uint32_t m = 0;
	*known = 0;
	for (size_t i = 0; i < 6; i++) {
		/* slots 0-2 from the start, 3-5 from the end (overlapping in short words) */
		size_t pos = i < 3 ? i : n + i - 6;
		unsigned c = 0;
		if (i < 3 ? i < n : n + i >= 6)
			c = letter_code(k, t, w[pos]);
		*known += c != 0;
		m |= (uint32_t)c << (4 * i);
	}
	return m | (uint32_t)(n > 15 ? 15 : n) << WORD_BITS;
}

static unsigned
fnv8(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return (h ^ h >> 8 ^ h >> 16 ^ h >> 24) & 255;
}

/* Street-type words and the like: dropped from an address before it is compared. */
static int
address_noise(const char *w, size_t n)
{
	static const char *const words[] = {
	    "ул",     "улица",  "пр",      "просп",    "проспект", "пр-т",   "мкр",     "микрорайон",
	    "д",      "дом",    "кв",      "квартира", "корп",     "корпус", "стр",     "строение",
	    "г",      "город",  "пер",     "переулок", "б-р",      "бульвар", "шоссе",  "ш",
	    "обл",    "область", "р-н",    "район",    "көшесі",   "көш",    "даңғылы", "даң",
	    "ауданы", "st",     "street",  "str",      "rd",       "road",   "ave",     "avenue",
	    "av",     "blvd",   "boulevard", "ln",     "lane",     "dr",     "drive",   "apt",
	    "apartment", "flat", "unit",   "no",       "house",    "bldg",   "building", "ct",
	    "court",  "pl",     "place",   "sq",       "square",   "hwy",    "highway", "cres",
	    "crescent", "tce",  "terrace", "ul",       "kv",       "d",      "mkr",     "pr",
	    "koshesi", "kosesi", "dangyly", "the",     "of",
	};
	/* a set of them, built once: 256 slots, open addressing on an FNV-1a hash */
	static const char *slot[256];
	static unsigned char slen[256];
	static int ready;
	if (n > 20)
		return 0;
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
		pthread_mutex_lock(&mu);
		if (!ready) {
			for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
				size_t l = strlen(words[i]);
				unsigned h = fnv8(words[i], l);
				while (slot[h])
					h = (h + 1) & 255;
				slot[h] = words[i];
				slen[h] = (unsigned char)l;
			}
			__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&mu);
	}
	for (unsigned h = fnv8(w, n); slot[h]; h = (h + 1) & 255)
		if (slen[h] == n && !memcmp(slot[h], w, n))
			return 1;
	return 0;
}

/* A word with lost letters that is a patronymic (-ұлы, -қызы) once they are put back. */
static int
lossy_patronymic(const char *w, size_t n)
{
	char buf[64];
	if (n > sizeof(buf))
		return 0;
	for (const char *c = "ukoagnh"; *c; c++) {
		/* the letters put back, the spelling as the name key has it (y as i) */
		for (size_t i = 0; i < n; i++)
			buf[i] = w[i] == '0' ? *c : w[i] == 'y' ? 'i' : w[i];
		if (norm_is_patronymic(buf, n))
			return 1;
	}
	return 0;
}

/*
 * A word as its signature reads it: the spellings that transliteration
 * and typing make of one name brought to one (both sides get the same
 * fold, so it only has to agree with itself):
 *   - y as i: Latin "Seyitova", "Sergey", "Lyubov" and the Cyrillic's
 *     "seiitova", "sergei", "liubov" agree (not more: a fold that drops
 *     the i of "ia" or a doubled letter turns the typos "Nian", "Ddiar"
 *     into other words);
 *   - h dropped but as a first letter: the consonant digraphs (zh, kh,
 *     ch, sh) become their first letter, and so does a digraph that a
 *     swap broke ("Ezrhan" for "Erzhan", "Gaukahr" for "Gaukhar");
 *     ts is t. An initial is the word's first letter ("Z." for "Zhanar").
 * Up to cap bytes into out; its length.
 */
static size_t
fold_digraphs(const char *w, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o < cap; i++) {
		char c = w[i] == 'y' ? 'i' : w[i];
		if (c == 'h' && i > 0)
			continue;
		if (c == 't' && i + 1 < n && w[i + 1] == 's')
			i++;
		out[o++] = c;
	}
	return o;
}

struct span {
	const char *p;
	size_t n;
};

static int
span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	size_t k = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->p, b->p, k);
	return c ? c : (a->n > b->n) - (a->n < b->n);
}

/* An address's words (letters, digits, '-' inside), street-type words out, zeros off numbers, sorted. */
static uint32_t
address_sig(const char *v, size_t n, int *ok)
{
	struct span w[32];
	size_t nw = 0;
	for (size_t i = 0; i < n && nw < 32;) {
		unsigned char c = (unsigned char)v[i];
		if (!(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) {
			i++;
			continue;
		}
		size_t e = i;
		while (e < n) {
			unsigned char d = (unsigned char)v[e];
			if (!(d >= 0x80 || (d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || d == '-'))
				break;
			e++;
		}
		const char *p = v + i;
		size_t len = e - i;
		while (len && *p == '-')
			p++, len--;
		while (len && p[len - 1] == '-')
			len--;
		int digits = len > 0;
		for (size_t j = 0; j < len; j++)
			digits &= p[j] >= '0' && p[j] <= '9';
		if (digits)
			while (len > 1 && *p == '0')
				p++, len--;
		if (len && !address_noise(p, len)) {
			w[nw].p = p;
			w[nw].n = len;
			nw++;
		}
		i = e;
	}
	*ok = nw >= 2;
	qsort(w, nw, sizeof(w[0]), span_cmp);
	char buf[512];
	size_t len = 0;
	for (size_t i = 0; i < nw && len + w[i].n + 1 <= sizeof(buf); i++) {
		memcpy(buf + len, w[i].p, w[i].n);
		len += w[i].n;
		buf[len++] = ' ';
	}
	return (uint32_t)XXH3_64bits(buf, len);
}

/* A yyyy-mm-dd date as 8 digits, 4 bits each. */
static int
date_sig(const char *v, size_t n, uint32_t *sig)
{
	static const size_t pos[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	uint32_t m = 0;
	if (n < 10 || v[4] != '-' || v[7] != '-')
		return 0;
	for (int i = 0; i < 8; i++) {
		char c = v[pos[i]];
		if (c < '0' || c > '9')
			return 0;
		m = m << 4 | (uint32_t)(c - '0');
	}
	*sig = m;
	return 1;
}

size_t
near_sigs(const struct fp_key *k, unsigned t, const char *v, size_t n, int lossy,
	  uint32_t sig[NEAR_WORDS])
{
	switch (near_kind_of(t)) {
	case NEAR_WORD: {
		/* the longest words, in their order */
		struct span w[NEAR_WORDS];
		size_t nw = 0;
		for (size_t i = 0; i < n;) {
			if (v[i] == ' ') {
				i++;
				continue;
			}
			size_t e = i;
			while (e < n && v[e] != ' ')
				e++;
			struct span x = { v + i, e - i };
			if (nw < NEAR_WORDS)
				w[nw++] = x;
			else {
				size_t m = 0;
				for (size_t j = 1; j < nw; j++)
					if (w[j].n < w[m].n)
						m = j;
				if (x.n > w[m].n)
					w[m] = x;
			}
			i = e;
		}
		size_t out = 0;
		char fb[NEAR_WORDS][64];
		for (size_t i = 0; i < nw; i++) {
			w[i].n = fold_digraphs(w[i].p, w[i].n, fb[i], sizeof(fb[i]));
			w[i].p = fb[i];
		}
		for (size_t i = 0; i < nw; i++) {
			int known;
			if (lossy && w[i].n >= 2 && w[i].p[w[i].n - 1] == '9') {
				/* an initial, marked (facts.c): its first letter is all there is */
				uint32_t s = word_sig(k, t, w[i].p, 1, &known);
				sig[out++] = s | NEAR_INITIAL << 30;
				continue;
			}
			int lost = memchr(w[i].p, '0', w[i].n) != NULL;
			if (lossy && lost && lossy_patronymic(w[i].p, w[i].n))
				continue; /* a patronymic whose ending was lost: the name key drops those */
			uint32_t s = word_sig(k, t, w[i].p, w[i].n, &known);
			if (known < 2)
				continue; /* too little left of it */
			s |= (w[i].n == 1 && !lost ? NEAR_INITIAL : lost && lossy ? NEAR_LOSSY : NEAR_PLAIN) << 30;
			sig[out++] = s;
		}
		return out;
	}
	case NEAR_DATE:
		return date_sig(v, n, &sig[0]);
	case NEAR_ADDRESS: {
		int ok;
		sig[0] = address_sig(v, n, &ok);
		return ok ? 1 : 0;
	}
	case NEAR_IDPOS:
	case NEAR_IDGRAM: {
		uint32_t m = 0;
		int pos = near_kind_of(t) == NEAR_IDPOS;
		if (n < 4)
			return 0;
		for (size_t i = 0; i < n + !pos; i++) {
			char g[2];
			if (pos) {
				/* phones from their end (country codes vary), the others from the start */
				size_t p = t == DT_PHONE ? n - 1 - i : i;
				g[0] = (char)(i > 63 ? 63 : i);
				g[1] = v[p];
			} else {
				g[0] = i ? v[i - 1] : '^';
				g[1] = i < n ? v[i] : '$';
			}
			m |= 1u << gram_bit(k, t, g, 2, ID_BITS);
		}
		sig[0] = m;
		return 1;
	}
	default:
		return 0;
	}
}

uint32_t
near_prefix(unsigned at, uint64_t a, unsigned bt)
{
	uint64_t buf[2] = { (uint64_t)at << 40 | (uint64_t)bt << 32 | 0x6e656172u, a };
	return (uint32_t)(XXH3_64bits(buf, sizeof(buf)) >> 32);
}

uint32_t
near_prefix_qi(uint64_t name, uint64_t birth, unsigned bt)
{
	uint64_t buf[3] = { (uint64_t)bt << 32 | 0x7169u, name, birth };
	return (uint32_t)(XXH3_64bits(buf, sizeof(buf)) >> 32);
}

uint32_t
near_pad(const struct fp_key *k, uint32_t prefix)
{
	char buf[8] = { 'n', 'e', 'a', 'r' };
	memcpy(buf + 4, &prefix, 4);
	return (uint32_t)fp_of_fps(k, FP_TYPES - 2, buf, sizeof(buf)); /* the prefix is of fingerprints */
}

uint64_t
near_key(const struct fp_key *k, uint32_t prefix, uint32_t sig)
{
	return (uint64_t)prefix << 32 | (sig ^ near_pad(k, prefix));
}

uint32_t
near_open(const struct fp_key *k, uint64_t key)
{
	return (uint32_t)key ^ near_pad(k, (uint32_t)(key >> 32));
}

static int
sim_of(unsigned diff, unsigned total)
{
	return total ? 100 - (int)(100 * diff / total) : 0;
}

/* One date's digits against another's: one digit wrong, two next to each other swapped, day and month. */
static int
date_compare(uint32_t q, uint32_t l)
{
	int dq[8], dl[8], diff = 0;
	for (int i = 0; i < 8; i++) {
		dq[i] = (int)(q >> (28 - 4 * i) & 15);
		dl[i] = (int)(l >> (28 - 4 * i) & 15);
		diff += dq[i] != dl[i];
	}
	if (diff == 0)
		return 100;
	if (diff == 1)
		return 88;
	/* day and month swapped: yyyy mm dd against yyyy dd mm */
	if (dq[0] == dl[0] && dq[1] == dl[1] && dq[2] == dl[2] && dq[3] == dl[3] && dq[4] == dl[6] &&
	    dq[5] == dl[7] && dq[6] == dl[4] && dq[7] == dl[5])
		return 90;
	if (diff == 2)
		for (int i = 0; i + 1 < 8; i++)
			if (dq[i] != dl[i] && dq[i] == dl[i + 1] && dq[i + 1] == dl[i])
				return 85;
	return -1;
}

/* Slots of a and b that disagree (a lost letter agrees with any), from..to-1 of a against b shifted. */
static int
slots_differ(const unsigned *a, const unsigned *b, int from, int to, int shift)
{
	int d = 0;
	for (int i = from; i < to; i++) {
		unsigned x = a[i], y = b[i + shift];
		d += x && y && x != y;
	}
	return d;
}

static int
word_compare(uint32_t q, uint32_t l)
{
	unsigned mq = q >> 30, ml = l >> 30;
	int lq = (int)(q >> WORD_BITS & 15), ll = (int)(l >> WORD_BITS & 15);
	unsigned a[6], b[6];
	for (int i = 0; i < 6; i++) {
		a[i] = q >> (4 * i) & 15;
		b[i] = l >> (4 * i) & 15;
	}

	if (ml == NEAR_INITIAL && mq != NEAR_INITIAL)
		return word_compare(l, q); /* the leak holds the initial: the same test */
	if (mq == NEAR_INITIAL)
		return ml == NEAR_INITIAL ? (a[0] == b[0] ? 100 : -1) : a[0] == b[0] && ll > 1 ? 60 : -1;
	if (q == l)
		return 100;
	int dl = lq - ll, d = slots_differ(a, b, 0, 6, 0);
	if (mq == NEAR_LOSSY || ml == NEAR_LOSSY)
		/* letters lost: what is left agrees (a letter beside a lost one may read otherwise), the length too */
		return lq == ll && d <= 1 ? NEAR_STRONG + 5 - 5 * d : -1;
	if (dl == 0 && d == 0)
		return 85; /* a letter in the middle changed */
	if (dl >= -1 && dl <= 1 && d <= 2)
		return 85 - 8 * d - 5 * (dl != 0); /* one letter changed, added or dropped */
	if (dl == 1 || dl == -1) {
		/* a letter added or dropped near an end: the other end agrees, this one shifted */
		const unsigned *s = dl < 0 ? a : b, *g = dl < 0 ? b : a; /* shorter, longer */
		if (slots_differ(s, g, 0, 2, 1) == 0 && slots_differ(s, g, 3, 6, 0) <= 1)
			return 70;
		if (slots_differ(s, g, 4, 6, -1) == 0 && slots_differ(s, g, 0, 3, 0) <= 1)
			return 70;
	}
	if (dl == 0 && lq >= 2) {
		/*
		 * two letters next to each other swapped: positions k and k+1 of
		 * the word, in every slot that holds them (a short word's slots
		 * overlap); a slot whose partner is in the middle becomes unknown.
		 * Then a letter moved by two (a rotation of k..k+2): a swap in
		 * Cyrillic of a letter with one that transliterates to two
		 * ("Ілися" for "Ілияс": ilisia, iliias; "Лбюовь": lbiuov, liubov).
		 */
		int pos[6];
		for (int i = 0; i < 6; i++)
			pos[i] = i < 3 ? i : lq - 6 + i;
		for (int span = 2; span <= 3; span++)
			for (int k = 0; k + span <= lq; k++)
				for (int dir = 0; dir < (span == 2 ? 1 : 2); dir++) {
					unsigned t[6];
					for (int i = 0; i < 6; i++) {
						int r = pos[i] - k, want = -1;
						if (r >= 0 && r < span) /* the source of position k + r */
							want = k + (dir ? (r + span - 1) % span : (r + 1) % span);
						t[i] = a[i];
						if (want < 0)
							continue;
						t[i] = 0;
						for (int j = 0; j < 6; j++)
							if (pos[j] == want)
								t[i] = a[j];
					}
					if (slots_differ(t, b, 0, 6, 0) == 0)
						return span == 2 ? 75 : 72;
				}
	}
	if (lq >= 3 && lq < ll && slots_differ(a, b, 0, 3, 0) == 0)
		return 65; /* cut short */
	return -1;
}

static uint32_t
bcd_of(int ymd)
{
	uint32_t m = 0;
	for (int i = 0, d = 10000000; i < 8; i++, d /= 10)
		m = m << 4 | (uint32_t)(ymd / d % 10);
	return m;
}

int
near_dates(int a, int b)
{
	if (a <= 0 || b <= 0)
		return -1;
	return a == b ? 100 : date_compare(bcd_of(a), bcd_of(b));
}

int
near_compare(unsigned t, uint32_t q, uint32_t l)
{
	switch (near_kind_of(t)) {
	case NEAR_WORD:
		return word_compare(q, l);
	case NEAR_DATE:
		return date_compare(q, l);
	case NEAR_ADDRESS:
		return q == l ? 95 : -1;
	case NEAR_IDPOS:
	case NEAR_IDGRAM: {
		/*
		 * one digit wrong moves at most two bits; one letter of an e-mail,
		 * four; so do two digits of a postcode swapped (a postcode is no
		 * identifier: a swap there is as likely as a wrong digit)
		 */
		unsigned h = popcount32(q ^ l), max = near_kind_of(t) == NEAR_IDPOS && t != DT_POSTCODE ? 2 : 4;
		if (q == l)
			return 99; /* the same bits, not the same value (the exact key would say so) */
		return h <= max ? sim_of(h, popcount32(q) + popcount32(l)) : -1;
	}
	default:
		return -1;
	}
}
