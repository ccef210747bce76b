/*
 * The Kazakh IIN and BIN (individual and business identification numbers):
 * twelve digits with a check digit. The column typing uses iin_valid() as
 * the evidence that a column of twelve-digit numbers holds national ids;
 * the analysis uses iin_birth() for freshness (birth years) and to tell a
 * birth-date field that merely repeats the IIN from a separate fact.
 *
 * Layout of an individual's IIN: YYMMDD, a century-and-sex digit (1-6:
 * 1/2 born in the 1800s, 3/4 in the 1900s, 5/6 in the 2000s, odd men,
 * even women), four serial digits, the check digit. A BIN starts with the
 * year and month of registration and has 4, 5 or 6 as its fifth digit;
 * both share the checksum:
 *   sum(d[i] * i, i = 1..11) mod 11; when that is 10, the weights
 *   3,4,5,6,7,8,9,10,11,1,2 instead; when it is 10 again, no number is
 *   valid with these eleven digits.
 */
#ifndef DT_IIN_H
#define DT_IIN_H

#include <stddef.h>

/*
 * The check digit for the eleven digits d[0..11) (ASCII), or -1 when the
 * second weighting gives 10 too (no valid number starts with them).
 */
int iin_check_digit(const char *d);

/*
 * Is v[0..n) exactly twelve ASCII digits with a correct check digit? True
 * for IINs and BINs alike; nothing else (no spaces) is accepted.
 */
int iin_valid(const char *v, size_t n);

/*
 * Is v[0..n) twelve ASCII digits whose check digit is wrong (a number
 * typed by hand or made up)? For the analysis's plausibility checks.
 */
int iin_checksum_fails(const char *v, size_t n);

/*
 * An individual's birth date and sex from a valid IIN: returns 1 and sets
 * *year (four digits), *month, *day and *sex (1 man, 2 woman; ISO 5218),
 * or returns 0 and sets nothing when v[0..n) is not a valid IIN, its
 * seventh digit is not 1-6 (a BIN, a foreigner's number) or its first six
 * digits are not a real date. Any of the pointers may be NULL.
 */
int iin_birth(const char *v, size_t n, int *year, int *month, int *day, int *sex);

/*
 * The same for twelve digits whose checksum may fail: a re-typed IIN's
 * birth date is still the person's when the mistake is in its serial
 * part (the analysis tells a derived birth date by it).
 */
int iin_birth_unchecked(const char *v, size_t n, int *year, int *month, int *day);

#endif
