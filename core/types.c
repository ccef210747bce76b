/*
 * Coarse value classes; see types.h. Hand-written scanners rather than
 * regular expressions: each runs over a value once, and sniff calls them
 * on every value of the sample.
 */
#include "config.h"

#include <string.h>

#include "core/types.h"

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_email(const char *v, size_t n)
{
	const char *at = memchr(v, '@', n);
	if (!at || at == v || at == v + n - 1)
		return 0;
	if (memchr(at + 1, '@', (size_t)(v + n - at - 1)))
		return 0;
	const char *dot = memchr(at + 1, '.', (size_t)(v + n - at - 1));
	if (!dot || dot == at + 1 || dot == v + n - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] == ' ' || v[i] == ',' || v[i] == ';' || (unsigned char)v[i] < 0x20)
			return 0;
	return 1;
}

static int
is_number(const char *v, size_t n)
{
	size_t i = 0, digits = 0;
	int dot = 0;
	if (i < n && (v[i] == '-' || v[i] == '+'))
		i++;
	for (; i < n; i++) {
		if (isdig(v[i]))
			digits++;
		else if ((v[i] == '.' || v[i] == ',') && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0;
}

static int
is_phone(const char *v, size_t n)
{
	size_t digits = 0, marks = 0;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (isdig(c))
			digits++;
		else if (c == '+' && i == 0)
			marks++;
		else if (c == '(' || c == ')' || c == '-' || c == ' ' || c == '.')
			marks++;
		else
			return 0;
	}
	if (digits < 10 || digits > 15)
		return 0;
	/* bare digits: only the 11-digit +7/8 form, not any long number */
	return marks > 0 || (digits == 11 && (v[0] == '7' || v[0] == '8'));
}

/* d+ sep d+ sep d+, with an optional time after a space or 'T'. */
static int
is_date(const char *v, size_t n)
{
	size_t i = 0, parts[3] = { 0 }, p = 0;
	char sep = 0;

	if (n == 8) { /* 19820421 */
		for (i = 0; i < 8; i++)
			if (!isdig(v[i]))
				return 0;
		int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100, m = (v[4] - '0') * 10 + v[5] - '0';
		int d = (v[6] - '0') * 10 + v[7] - '0';
		return (y == 1900 || y == 2000) && m >= 1 && m <= 12 && d >= 1 && d <= 31;
	}
	for (; i < n && p < 3; i++) {
		if (isdig(v[i]))
			parts[p]++;
		else if ((v[i] == '.' || v[i] == '-' || v[i] == '/') && p < 2 && parts[p] &&
			 (!sep || sep == v[i])) {
			sep = v[i];
			p++;
		} else
			break;
	}
	if (p != 2 || !parts[2])
		return 0;
	int ok = (parts[0] == 4 && parts[1] <= 2 && parts[2] <= 2) ||
		 (parts[0] <= 2 && parts[1] <= 2 && (parts[2] == 4 || parts[2] == 2));
	if (!ok)
		return 0;
	if (i < n && v[i] != ' ' && v[i] != 'T')
		return 0;
	return 1;
}

enum coarse_type
types_coarse(const char *v, size_t n)
{
	while (n && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (!n)
		return CT_EMPTY;
	if (is_email(v, n))
		return CT_EMAIL;
	if (is_date(v, n))
		return CT_DATE;
	if (is_phone(v, n))
		return CT_PHONE;
	if (is_number(v, n))
		return CT_NUMBER;
	return CT_TEXT;
}

const char *
types_coarse_name(enum coarse_type t)
{
	static const char *const names[CT_COUNT] = { "empty", "email", "phone", "date", "number", "text" };
	return t < CT_COUNT ? names[t] : "text";
}

enum coarse_type
types_tally_verdict(const struct type_tally *t, double *rate)
{
	uint64_t total = 0, best = 0;
	enum coarse_type bt = CT_TEXT;

	for (int i = CT_EMAIL; i < CT_COUNT; i++) {
		total += t->n[i];
		if (t->n[i] > best) {
			best = t->n[i];
			bt = (enum coarse_type)i;
		}
	}
	if (!total) {
		*rate = 0;
		return CT_EMPTY;
	}
	/* phones mixed with plain numbers are still phones */
	if (bt == CT_NUMBER && t->n[CT_PHONE] * 2 > t->n[CT_NUMBER]) {
		bt = CT_PHONE;
		best = t->n[CT_PHONE] + t->n[CT_NUMBER];
	}
	*rate = (double)best / (double)total;
	if (*rate < 0.8) {
		*rate = (double)t->n[CT_TEXT] / (double)total;
		return CT_TEXT;
	}
	return bt;
}
