/*
 * Near matches (core/near.h): which variations of a value are found and
 * which different values are not, on names, dates, addresses and
 * identifiers; and that a signature tells nothing without the key.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/facts.h"
#include "core/keys.h"
#include "core/near.h"
#include "core/norm.h"
#include "core/types.h"
#include "tests/unit/tap.h"

static struct fp_key key;
static struct facts fx;

/* The signatures of a raw value as facts_extract() makes them. */
static size_t
sigs(unsigned t, const char *raw, uint32_t *out)
{
	return facts_sigs(&fx, (enum dt_type)t, raw, strlen(raw), out);
}

/*
 * As the analysis decides it for one person whose known value is known: every
 * word of the dump's value found, each against the best of the known
 * one's, one of them exactly (or with only lost letters) when there are
 * several. The mean similarity, or -1.
 */
static int
near(unsigned t, const char *known, const char *dump)
{
	uint32_t qk[NEAR_WORDS], qd[NEAR_WORDS];
	size_t nk = sigs(t, known, qk), nd = sigs(t, dump, qd);
	int sum = 0, strong = 0;
	if (!nk || !nd)
		return -1;
	for (size_t i = 0; i < nd; i++) {
		int best = -1;
		for (size_t j = 0; j < nk; j++) {
			int s = near_compare(t, qd[i], qk[j]);
			best = s > best ? s : best;
		}
		if (best < 0)
			return -1;
		sum += best;
		strong += best >= NEAR_STRONG;
	}
	if (nd > 1 && !strong)
		return -1;
	return sum / (int)nd;
}

int
main(void)
{
	/*
	 * a library's key, fixed so that the run is the same every time: a
	 * letter's code in a word signature is 4 bits, so under one key in 15
	 * two given letters share it, and a case below turns (two initials
	 * alike, a typo read as none); over keys, different names taken as
	 * near range from 2 to 21 pairs in 990
	 */
	unsigned char lk[FP_KEY_SIZE];
	for (int i = 0; i < FP_KEY_SIZE; i++)
		lk[i] = (unsigned char)(i * 29 + 1);
	fp_key_from_secret(&key, lk);
	if (facts_init(&fx, &key, "KZ") < 0)
		return 1;

	/* names */
	ok(near(DT_FULL_NAME, "Smith John", "Smtih John") > 0, "a name with two letters swapped is near");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Ахметов Нурлна") > 0, "... in Cyrillic too");
	ok(near(DT_FULL_NAME, "Ахметов Нұрлан", "Ахметов Н?рлан") > 0,
	   "a Kazakh letter lost to '?' in a CP1251 export is near");
	ok(near(DT_FULL_NAME, "Жұмабаева Гүлнұр", "Ж\xEF\xBF\xBDмабаева Г\xEF\xBF\xBDлн\xEF\xBF\xBDр") > 0,
	   "... and letters lost to U+FFFD");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Ахметов Н") > 0, "an initial is near");
	ok(near(DT_FULL_NAME, "Жақсылықов Жасұлан", "Жақсылықов Ж.") > 0, "... one the name key spells otherwise alone (Ж)");
	ok(near(DT_FULL_NAME, "Керімбаева Шынар", "Керімбаева Ш.") > 0, "... or in two letters (Ш)");
	ok(near(DT_FULL_NAME, "Керімбаева Шынар", "Керімбаева Д.") < 0, "another initial is not near");
	ok(near(DT_FULL_NAME, "Жүсіпов Қайрат Әлібекұлы", "Ж?сіпов ?айрат ?лібек?лы") > 0,
	   "a Kazakh patronymic whose ending was lost too is dropped as the name key drops it");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Ахметов Нурл") > 0, "a name cut short is near");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Ахмедов Нурлан") > 0, "one letter changed is near");
	ok(near(DT_FULL_NAME, "Никитина Нина Евгеньевна", "Никитина Нниа Евгеньевна") > 0,
	   "two letters swapped in a short word");
	ok(near(DT_FULL_NAME, "Қожахметов Қайрат Нуржанович", "Қожахметов Қайарт Нуржанович") > 0,
	   "two letters swapped in the middle");
	ok(near(DT_FULL_NAME, "Абенова Ұлжан", "Абенова Ұжлан") > 0,
	   "two letters swapped, one of them two in Latin (ж: zh)");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Нурлан Ахметов") == 100, "word order does not matter");
	/* a Latin copy signs as the Cyrillic's transliteration does (y as i, h dropped) */
	ok(near(DT_FULL_NAME, "Сейітова Гаухар", "SEYITOVA GAUKHAR") >= NEAR_STRONG,
	   "a Latin copy of a Kazakh name agrees in every word (Seyitova: seiitova)");
	ok(near(DT_FULL_NAME, "Цветков Сергей", "SERGEY TSVETKOV") >= NEAR_STRONG, "... Sergey: sergei");
	ok(near(DT_FULL_NAME, "Сейітова Гаухар", "SEYITOVA GAUKHRA") > 0,
	   "a typo in a Latin copy is near (the surname spelt otherwise is still exact)");
	ok(near(DT_FULL_NAME, "Сейітова Гаухар", "GAUKAHR SEYITOVA") > 0,
	   "a swap that breaks the digraph kh is near");
	ok(near(DT_FULL_NAME, "Алиев Ержан", "EZRHAN ALIEV") > 0, "... and zh");
	ok(near(DT_FULL_NAME, "Ыбыраев Айбек", "YBYRAEV ABYEK") > 0, "a swap with й (y in Latin)");
	ok(near(DT_FULL_NAME, "Сейітова Айым", "A. SEYITOVA") > 0, "a Latin initial");
	ok(near(DT_FULL_NAME, "Яковлева Нина", "NIAN IAKOVLEVA") > 0, "a swap that makes an 'ia' is near");
	ok(near(DT_FULL_NAME, "Кайратов Дидар", "DDIAR KAIRATOV") > 0, "... and one that doubles a letter");
	ok(near(DT_FULL_NAME, "Құдайбергенов Ілияс", "Құдайбергенов Ілися") > 0,
	   "a swap of a letter with я (ya: two in Latin) is near");
	ok(near(DT_FULL_NAME, "Егорова Любовь", "Егорова Лбюовь") > 0, "... and with ю (yu)");
	ok(near(DT_FULL_NAME, "Егорова Любовь", "Егорова Лбвоюь") < 0, "letters moved further are not");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Петров Нурлан") < 0, "another surname is not near");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Ахметов Серик") < 0, "another first name is not near");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "Ахмедов Нурлна") < 0,
	   "typos in both words are not near (a different name as likely)");
	ok(near(DT_FULL_NAME, "Ахметов Нурлан", "??????? ??????") < 0,
	   "a name whose letters are all lost says nothing");

	/* dates */
	ok(near(DT_BIRTH_DATE, "1990-03-04", "1990-04-03") == 90, "day and month swapped");
	ok(near(DT_BIRTH_DATE, "1990-03-04", "1990-03-07") == 88, "one digit wrong");
	ok(near(DT_BIRTH_DATE, "1982-03-04", "1928-03-04") == 85, "two digits swapped");
	ok(near(DT_BIRTH_DATE, "1990-03-04", "1991-07-04") < 0, "two digits wrong: another date");

	/* addresses */
	ok(near(DT_ADDRESS, "ул. Абая 10, кв. 5", "улица Абая д 10 квартира 05") == 95,
	   "an address with street words and numbering written otherwise");
	ok(near(DT_ADDRESS, "12 Tullaroop Street", "12 tullaroop st") == 95, "Street and st");
	ok(near(DT_ADDRESS, "ул. Абая 10", "ул. Абая 12") < 0, "another house is not near");

	/* identifiers */
	ok(near(DT_NATIONAL_ID, "900101300125", "900101300128") > 0, "an IIN with one digit wrong");
	ok(near(DT_NATIONAL_ID, "900101300125", "900101377777") < 0, "another IIN is not near");
	ok(near(DT_PHONE, "+77012345601", "+77012345608") > 0, "a phone with one digit wrong");
	ok(near(DT_PHONE, "+77012345601", "+77019876543") < 0, "another phone is not near");
	ok(near(DT_EMAIL, "nurlan.akhmetov@mail.kz", "nurlan.akhmetiv@mail.kz") > 0,
	   "an e-mail with one letter wrong");
	ok(near(DT_EMAIL, "nurlan.akhmetov@mail.kz", "serik1985@gmail.com") < 0, "another e-mail is not");

	/* typos on many names: most found, few different names taken for one */
	static const char *const names[] = {
	    "waller",  "berry",   "lachlan", "campbell", "matthews", "white",   "zachary", "jessica",
	    "thomas",  "reid",    "stewart", "bradley",  "morrison", "hughes",  "isabella", "joshua",
	    "nguyen",  "kelly",   "sarah",   "oliver",   "harrison", "emily",   "hayden",  "chloe",
	    "lachlan", "ryan",    "coleman", "ahmetov",  "nurlan",   "aigerim", "serikov", "bekova",
	};
	size_t nn = sizeof(names) / sizeof(names[0]), found = 0, wrong = 0, tries = 0, pairs = 0;
	unsigned seed = 7;
	for (size_t i = 0; i < nn; i++)
		for (int k = 0; k < 8; k++) {
			char w[64];
			size_t l = strlen(names[i]);
			memcpy(w, names[i], l + 1);
			seed = seed * 1103515245u + 12345u;
			size_t p = (seed >> 8) % l;
			switch ((seed >> 20) % 4) {
			case 0:
				w[p] = (char)('a' + (seed >> 4) % 26);
				break;
			case 1:
				memmove(w + p + 1, w + p, l - p + 1);
				w[p] = (char)('a' + (seed >> 4) % 26);
				break;
			case 2:
				memmove(w + p, w + p + 1, l - p);
				break;
			default:
				if (p + 1 < l) {
					char c = w[p];
					w[p] = w[p + 1];
					w[p + 1] = c;
				}
			}
			tries++;
			found += near(DT_FIRST_NAME, names[i], w) >= 0;
		}
	for (size_t i = 0; i < nn; i++)
		for (size_t j = 0; j < nn; j++)
			if (strcmp(names[i], names[j])) {
				pairs++;
				wrong += near(DT_FIRST_NAME, names[i], names[j]) >= 0;
			}
	printf("# one-edit typos found: %zu of %zu; different names taken as near: %zu of %zu\n", found,
	       tries, wrong, pairs);
	ok(found >= tries * 92 / 100, "92%% of one-edit typos are found");
	ok(wrong <= pairs / 50, "at most 2%% of pairs of different names are near");

	/* without the key, a signature is noise: the same name under two persons differs */
	uint32_t s[NEAR_WORDS];
	ok(sigs(DT_FIRST_NAME, "Nurlan", s) == 1, "a word, a signature");
	uint64_t k1 = near_key(&key, near_prefix(DT_NATIONAL_ID, 1, DT_FIRST_NAME), s[0]);
	uint64_t k2 = near_key(&key, near_prefix(DT_NATIONAL_ID, 2, DT_FIRST_NAME), s[0]);
	ok((uint32_t)k1 != (uint32_t)k2, "one name under two persons: two unrelated signatures");
	ok(near_open(&key, k1) == s[0] && near_open(&key, k2) == s[0], "the key opens both");

	/*
	 * What the library's near keys show without the key: one birth date
	 * under a thousand persons gives a thousand unrelated lower halves, and
	 * their nibbles take all 16 values (a date's digits, read as they are,
	 * would take 10), so no date, and no frequency of one, can be read.
	 */
	uint32_t d[NEAR_WORDS];
	ok(sigs(DT_BIRTH_DATE, "1990-03-04", d) == 1, "a date, a signature");
	uint32_t low[1000];
	unsigned nib[16] = { 0 };
	size_t distinct = 0;
	for (uint64_t pi = 0; pi < 1000; pi++) {
		uint64_t anchor = 0x9E3779B97F4A7C15ull * (pi + 1);
		uint64_t k = near_key(&key, near_prefix(DT_NATIONAL_ID, anchor, DT_BIRTH_DATE), d[0]);
		low[pi] = (uint32_t)k;
		for (int b = 0; b < 8; b++)
			nib[(low[pi] >> (4 * b)) & 15]++;
		int seen = 0;
		for (uint64_t pj = 0; pj < pi && !seen; pj++)
			seen = low[pj] == low[pi];
		distinct += !seen;
	}
	unsigned over9 = 0;
	for (int v = 10; v < 16; v++)
		over9 += nib[v];
	ok(distinct == 1000, "one date under 1000 persons: %zu distinct signatures", distinct);
	ok(over9 > 8000 * 6 / 16 * 9 / 10 && over9 < 8000 * 6 / 16 * 11 / 10,
	   "their nibbles are uniform (%u of 8000 above 9, about 3000), not digits", over9);
	struct fp_key other;
	unsigned char ok2[FP_KEY_SIZE];
	key_new(ok2);
	fp_key_from_secret(&other, ok2);
	uint64_t kk = near_key(&key, near_prefix(DT_NATIONAL_ID, 1, DT_BIRTH_DATE), d[0]);
	ok(near_open(&other, kk) != d[0], "another key does not open a signature");
	fp_key_release(&other);

	facts_release(&fx);
	fp_key_release(&key);
	return done_testing();
}
