/*
 * Password-hash recognition and $HEX[...] decoding: what a value in a
 * password column is. Combo lists and database dumps mix clear-text
 * passwords with hashes of many kinds, and crackers write passwords that
 * are not plain text as $HEX[hex digits]. The combo reader tags each
 * password with its hash kind; the column typing uses the same test to
 * tell a password_hash column from a password column.
 *
 * Recognition is by shape only (length, alphabet, prefix), so some kinds
 * cannot be told apart: 32 hex digits are md5, md4, NTLM or LM alike, and
 * pwhash_kind() says "md5" unless a context says otherwise (see
 * pwhash_kind_ctx()). Hex digests must be of one case and hold both a
 * digit and a letter: "0123456789..." and mixed-case words are not hashes.
 */
#ifndef DT_PWHASH_H
#define DT_PWHASH_H

#include <stddef.h>

#include "core/dynbuf.h"

/*
 * The kind of hash that s[0..n) looks like, as a static lower-case name
 * ("md5", "sha1", "sha256", "sha512", "bcrypt", "argon2", "md5crypt",
 * "sha512crypt", "descrypt", "mysql41", ...), or NULL when it is not a
 * recognised hash. Reads s only; no allocation; cheap for short values.
 */
const char *pwhash_kind(const char *s, size_t n);

/*
 * Like pwhash_kind(), with a context: a column name or a file name, or
 * NULL. A context naming NTLM ("ntlm", "nthash", "nt_hash") makes 32 hex
 * digits "ntlm", one naming MD4 "md4"; otherwise the answer is the same.
 */
const char *pwhash_kind_ctx(const char *s, size_t n, const char *context);

/* pwhash_hex_decode() results. */
enum {
	PWHASH_HEX_OK = 0,     /* decoded */
	PWHASH_HEX_NOT = -1,   /* not of the form $HEX[...] at all */
	PWHASH_HEX_BAD = -2,   /* $HEX[...] with an odd count or a non-hex digit */
	PWHASH_HEX_TOOBIG = -3 /* the decoded bytes do not fit under out's cap */
};

/* Is s[0..n) of the form $HEX[...] (well formed or not)? */
int pwhash_is_hex(const char *s, size_t n);

/*
 * Decodes a cracker's $HEX[4142...] (either case of digits; "$HEX[]" is the
 * empty password) and appends the bytes to out. The bytes may be anything,
 * NUL and invalid UTF-8 included: checking them is the caller's job.
 * Returns PWHASH_HEX_OK, or one of the codes above with out unchanged.
 */
int pwhash_hex_decode(const char *s, size_t n, struct dynbuf *out);

#endif
