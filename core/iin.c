/*
 * The IIN/BIN checksum and the birth date an IIN encodes; see iin.h.
 */
#include "config.h"

#include "core/iin.h"

static int
all_digits(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	return 1;
}

int
iin_check_digit(const char *d)
{
	static const int w2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
	int s = 0;

	for (int i = 0; i < 11; i++)
		s += (d[i] - '0') * (i + 1);
	s %= 11;
	if (s != 10)
		return s;
	/* the second weighting exists only for this case */
	s = 0;
	for (int i = 0; i < 11; i++)
		s += (d[i] - '0') * w2[i];
	s %= 11;
	return s == 10 ? -1 : s;
}

int
iin_valid(const char *v, size_t n)
{
	if (n != 12 || !all_digits(v, 12))
		return 0;
	int c = iin_check_digit(v);
	return c >= 0 && c == v[11] - '0';
}

static int
birth_of(const char *v, size_t n, int checked, int *year, int *month, int *day, int *sex)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (checked ? !iin_valid(v, n) : n != 12 || !all_digits(v, 12))
		return 0;
	int cs = v[6] - '0';
	if (cs < 1 || cs > 6)
		return 0;
	int y = 1800 + 100 * ((cs - 1) / 2) + (v[0] - '0') * 10 + (v[1] - '0');
	int m = (v[2] - '0') * 10 + (v[3] - '0');
	int d = (v[4] - '0') * 10 + (v[5] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	/* 29 February only in a leap year */
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	if (year)
		*year = y;
	if (month)
		*month = m;
	if (day)
		*day = d;
	if (sex)
		*sex = cs % 2 ? 1 : 2;
	return 1;
}

int
iin_birth(const char *v, size_t n, int *year, int *month, int *day, int *sex)
{
	return birth_of(v, n, 1, year, month, day, sex);
}

int
iin_birth_unchecked(const char *v, size_t n, int *year, int *month, int *day)
{
	return birth_of(v, n, 0, year, month, day, NULL);
}

int
iin_checksum_fails(const char *v, size_t n)
{
	return n == 12 && all_digits(v, n) && !iin_valid(v, n);
}
