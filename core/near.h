/*
 * Near matches: a value that is not the one a leak holds for a person,
 * but a variation of it (a typo, letters lost in a charset conversion,
 * an initial, a shortened name, a date with day and month swapped or one
 * digit wrong, an address written otherwise, an identifier re-typed with
 * one mistake). A copy with such variation is a copy, not an update.
 *
 * The library holds no value, so what it keeps for this is a signature
 * under the person: a 64-bit key whose upper 32 bits name the person and
 * the attribute's type (the prefix: derived from the anchor's keyed
 * fingerprint) and whose lower 32 bits are a signature of the value,
 * masked by a pad drawn from the key and the prefix:
 *
 *   names, cities  one key per word (the three longest): its first and
 *                  last three letters, 4 bits each as the key chooses,
 *                  its length, and a mode (plain, an initial, letters
 *                  lost to '?');
 *   dates          the date's eight digits, 4 bits each;
 *   addresses      a hash of the address with street-type words,
 *                  punctuation and leading zeros dropped, words sorted;
 *   identifiers    under the person's name and birth date (the prefix is
 *                  theirs, not an identifier's): a Bloom filter of the
 *                  identifier's (position, character) pairs or letter pairs.
 *
 * Without the key a signature is uniformly random: nothing is read back.
 * With the key, one can test a guessed value against a person whose
 * identifier one already knows, which the association keys allow anyway.
 *
 * Both sides compute the same keys (facts_keys()); the analysis finds,
 * for each key of the dump, the library's keys with its prefix and asks
 * near_compare() whether the two signatures are a variation of one value.
 */
#ifndef DT_NEAR_H
#define DT_NEAR_H

#include <stddef.h>
#include <stdint.h>

#include "core/fp.h"

#define NEAR_WORDS 3 /* words of a name that get a key */

/* The signature modes of a word (bits 30-31). */
#define NEAR_PLAIN 0u
#define NEAR_LOSSY 1u   /* letters were lost ('?', U+FFFD): compare by containment */
#define NEAR_INITIAL 2u /* one letter: an initial */

/* How a type's values are compared; 0: the type has no near keys. */
enum near_kind { NEAR_NONE = 0, NEAR_WORD, NEAR_DATE, NEAR_ADDRESS, NEAR_IDPOS, NEAR_IDGRAM };

enum near_kind near_kind_of(unsigned type);

/* Does an identifier of this type get near keys under a person's name and birth date? */
int near_is_qi_attr(unsigned type);

/*
 * The signatures of value v (its normalized form) of type t into sig[],
 * at most NEAR_WORDS; returns how many (0: none, the value says too
 * little). lossy: the raw value had letters replaced by '?' or U+FFFD,
 * and v is its normal form with each of them as the digit '0'.
 */
size_t near_sigs(const struct fp_key *k, unsigned t, const char *v, size_t n, int lossy,
		 uint32_t sig[NEAR_WORDS]);

/* The prefix (upper 32 bits of the key) for attribute type bt under anchor (at, a). */
uint32_t near_prefix(unsigned at, uint64_t a, unsigned bt);

/* ... under a person's name and birth date (their fingerprints). */
uint32_t near_prefix_qi(uint64_t name, uint64_t birth, unsigned bt);

/* The key: prefix and the signature masked by the pad; near_open() undoes the mask. */
uint64_t near_key(const struct fp_key *k, uint32_t prefix, uint32_t sig);
uint32_t near_open(const struct fp_key *k, uint64_t key);

/* The pad of a prefix: a key's signature is its lower half XOR this. */
uint32_t near_pad(const struct fp_key *k, uint32_t prefix);

/*
 * Are the signatures q (the dump's) and l (a leak's) of type t a variation
 * of one value? The similarity in percent (100: the same), or -1. A word
 * that differs only by letters lost in a conversion is at least
 * NEAR_STRONG; a typo, a word cut short or an initial, below it.
 */
#define NEAR_STRONG 90
/* A word at least this similar is one typo away: a letter changed, added, dropped, two swapped. */
#define NEAR_TYPO 69

/* Two dates, yyyymmdd, compared as near_compare() compares dates: the similarity, or -1. */
int near_dates(int a, int b);
int near_compare(unsigned t, uint32_t q, uint32_t l);

#endif
