/*
 * UTF-8 validation: readers check every value so that later stages
 * (normalization, hashing) only ever see well-formed text, and a record
 * holding a stray CP1251 byte is rejected with the byte's position
 * instead of being hashed as garbage.
 */
#ifndef DT_UTF8_H
#define DT_UTF8_H

#include <stddef.h>

/*
 * Returns the offset of the first byte of p[0..n) that does not start a
 * well-formed UTF-8 sequence (overlongs, surrogates and code points above
 * U+10FFFF included), or (size_t)-1 when all n bytes are valid.
 */
size_t utf8_invalid(const char *p, size_t n);

/*
 * Like utf8_invalid(), but a sequence cut off by the end of the buffer is
 * not an error: used on a sample that may end mid-character.
 */
size_t utf8_invalid_prefix(const char *p, size_t n);

/* Encodes code point cp (at most U+10FFFF) into out; returns its length. */
size_t utf8_encode(unsigned cp, char out[4]);

#endif
