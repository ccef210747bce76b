/*
 * Normalizers: what makes two spellings of a value one value. Each typed
 * field goes through norm_value() before it is fingerprinted (XXH3 of the
 * type byte and the normalized bytes), so everything here decides what
 * counts as "the same e-mail, phone, name, date" across leaks. The rules,
 * type by type (DESIGN.md, "Normalization"):
 *
 * email          trimmed, "mailto:" and <...> dropped, lower case (Unicode
 *                case fold for non-ASCII); must hold one '@' with text on
 *                both sides and no blank inside, else not an e-mail (0).
 * phone          E.164 digits without '+', for the context's region: in KZ
 *                "8 (701) 234-56-78", "+7 701 234 5678", "87012345678",
 *                "7012345678", "8-701-234-56-78" are all "77012345678".
 *                Blanks, dots, dashes, slashes and parentheses are
 *                separators; "tel:" is dropped; an extension ("ext", "x",
 *                "#", "доб", ",", ";" after the number) is dropped. A '+'
 *                number is taken as it is (8 to 15 digits; "+8 701..." in
 *                a region whose trunk prefix is 8 is the national number);
 *                "00" is the international prefix; otherwise a trunk-prefix
 *                number, a country-code number or a bare national number
 *                of the region's length; other 11-15 digit numbers are
 *                taken as international numbers written without '+'.
 *                Letters or fewer digits: not a phone (0).
 * national_id    digits only (blanks, dashes, dots dropped). Twelve digits
 *                are kept whether or not the IIN checksum holds (a dump
 *                with bad checksums must still match; iin_valid() says
 *                which are real). Eleven digits that become a valid IIN
 *                with a leading 0 get it back (spreadsheets strip the 0 of
 *                people born in 2000-2009). Other ids (not all digits):
 *                letters and digits only, lower case.
 * passport       letters and digits only, lower case; Cyrillic letters
 *                transliterated ("Н12345678" and "N12345678" are one).
 * full_name      the name key: NFKC, case fold, Cyrillic (Russian and
 * first_name     Kazakh) and Latin spellings (ICAO passport style, older
 * last_name      habits, the 2021 Kazakh Latin alphabet) reduced to one
 *                Latin skeleton per word (see norm.c for the rules: kh/h/x,
 *                zh/j/dzh, yu/iu/ju, ya/ia/ja, ye/e, yo/e, ts/c, q/k,
 *                w/v, doubled letters, й/и/ы/і alike, ё/е alike); words
 *                split at blanks, hyphens, dots and commas, then sorted.
 *                For full_name the patronymic (-ович, -евич, -овна,
 *                -евна, -ична, -ұлы/-улы, -қызы/-кызы, Latin -ovich,
 *                -ovna, -uly, -kyzy, or a separate "ұлы"/"қызы" word) is
 *                left out, unless it would be the first word (surname
 *                first is the usual order). 0 when no word is left.
 * patronymic     the patronymic alone: its words' skeletons joined without
 *                a blank ("Серік ұлы" = "Серікұлы" = "Serikuly").
 * birth_date     ISO YYYY-MM-DD from 21.04.1982, 21-04-1982, 1982-04-21,
 * date           1982/04/21, 1982.04.21, 04/21/1982, 21/04/1982, 19820421,
 *                21041982, 21.04.82 and timestamps ("1982-04-21 10:00:00",
 *                "1982-04-21T10:00:00Z": the time is ignored). With a
 *                slash, the day comes first in every region but US, where
 *                the month does; a part above 12 decides it either way
 *                (04/21/1982 is 21 April everywhere). With dots and dashes
 *                the day comes first (unless the second part is above 12).
 *                Two-digit years: 00-29 are 20xx, 30-99 are 19xx (a fixed
 *                pivot, so results never depend on today's date). Years
 *                1850-2100 only; impossible dates (31.02) give 0. For date
 *                (not birth_date), unix seconds (9-10 digits) and
 *                milliseconds (12-13 digits) from 1990 to 2038 are dates.
 * password       exactly as it is (no trimming, no case fold); a cracker's
 *                $HEX[...] is decoded to its bytes.
 * password_hash  trimmed; hex digests (also MySQL's '*' and "0x" forms) in
 *                lower case; other hashes (bcrypt, crypt, base64) as they
 *                are, their case being part of the value.
 * ip             IPv4 dotted quad without leading zeros; IPv6 in its
 *                canonical text form (lower case, "::"); an IPv4-mapped
 *                IPv6 address is the IPv4 address.
 * url            trimmed; scheme and host in lower case; a lone "/" path
 *                dropped.
 * card           digits only, 12-19 of them, Luhn checked (0 otherwise).
 * number         sign, digits, '.' as the decimal mark (',' accepted),
 *                no leading zeros, no trailing fractional zeros; blanks
 *                and apostrophes between digit groups dropped.
 * username       like text, and a leading '@' dropped.
 * city           like text, and a leading "г.", "г " or "город " dropped.
 * address        like text, with one blank after each comma and none
 *                before it.
 * text, other    trimmed, white space collapsed to one blank, NFKC and
 *                case fold (utf8proc; ASCII and Cyrillic by table).
 *
 * Every value is expected to be valid UTF-8 (the readers reject anything
 * else); invalid UTF-8 gives 0 from the Unicode-aware normalizers.
 */
#ifndef DT_NORM_H
#define DT_NORM_H

#include <stddef.h>

#include "core/dynbuf.h"
#include "core/types.h"

/* Reusable scratch (code-point buffers, name tokens): one per thread. */
struct norm_ctx;

/*
 * A context for region (an ISO 3166 code, either case: "KZ", "RU", "UA",
 * "BY", "UZ", "KG", "US", "GB", "TR"; NULL means "KZ"). The region gives
 * phones their country code, trunk prefix and national length, and dates
 * written with '/' their order. Returns NULL for a region it does not
 * know. Free with norm_ctx_free().
 */
struct norm_ctx *norm_ctx_new(const char *region);
void norm_ctx_free(struct norm_ctx *ctx);

/* Is region a code that norm_ctx_new() knows? */
int norm_region_known(const char *region);

/*
 * Normalizes v[0..n) as type t into out (reset first). Returns 1 when a
 * value came out, 0 when v is empty (or blank) or does not validate for
 * its type (see above); out is then empty. A value too big for out's cap
 * also gives 0. Allocates nothing per call once the context's buffers
 * have grown to the longest value seen. DT_NONE and unknown types are
 * normalized as text.
 */
int norm_value(struct norm_ctx *ctx, enum dt_type t, const char *v, size_t n, struct dynbuf *out);

/*
 * After norm_value() of a name: its words as it found them (the
 * patronymic dropped from a full name, in the key's order), each
 * transliterated but not reduced to its key, so that what a typo did to
 * the letters is still there to compare (core/near.h). Empty after any
 * other type. Valid until the next call.
 */
const char *norm_plain(struct norm_ctx *ctx, size_t *len);

/*
 * Is the name-key word w[0..n) (a skeleton word as norm_value() makes for
 * names) a patronymic by its ending? Used by the column typing.
 */
int norm_is_patronymic(const char *w, size_t n);

/*
 * For the column typing, which wants more than norm_value() accepts: is
 * v[0..n) a phone of ctx's region written as people write phones? Digits
 * alone count only in the country-code or trunk-prefix form of the region
 * ("77012345678", "87012345678" in KZ), not as any ten-digit number.
 */
int norm_phone_shape(struct norm_ctx *ctx, const char *v, size_t n);

/*
 * For the column typing: is v[0..n) a date as birth_date reads it? Sets
 * *year and *has_time (a time followed the date) when it is.
 */
int norm_date_shape(struct norm_ctx *ctx, const char *v, size_t n, int *year, int *has_time);

/*
 * Digits of v[0..n) with the Luhn check: 1 when v holds 12-19 digits
 * (blanks and dashes allowed between them) and the check holds.
 */
int norm_luhn_ok(const char *v, size_t n);

#endif
