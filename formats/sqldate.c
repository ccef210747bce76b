/*
 * Dates in SQL function values; see sqldate.h. Oracle's format models are
 * lenient, and so is this: punctuation in the model matches any run of
 * punctuation or blanks in the value, numbers may have fewer digits than
 * the model's letters (to_date('1962-2-18', 'yyyy-mm-dd')), and month
 * names are English. YY takes the century 2000 (Oracle's rule: the
 * current century), RR and T-SQL's two-digit styles the 1950-2049 window.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/sqldate.h"

struct dt {
	int y, mo, d, h, mi, sec;
	int has_time, h12, pm;
	char frac[10];
	int nfrac;
};

static int
is_dig(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_dig(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in(int y, int m)
{
	static const int k[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : k[m - 1];
}

/* Up to max digits at s[*i]: how many were read (0: none). */
static int
num(const char *s, size_t n, size_t *i, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (*i < n && k < max && is_dig(s[*i])) {
		*v = *v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k;
}

/* An English month name or its three letters at s[*i]: 1-12, or 0. */
static int
month_name(const char *s, size_t n, size_t *i)
{
	static const char *const m[12] = {"january",   "february", "march",    "april",
	                                  "may",       "june",     "july",     "august",
	                                  "september", "october",  "november", "december"};
	for (int k = 0; k < 12; k++) {
		size_t fl = strlen(m[k]);
		if (n - *i >= fl && !strncasecmp(s + *i, m[k], fl)) {
			*i += fl;
			return k + 1;
		}
	}
	for (int k = 0; k < 12; k++)
		if (n - *i >= 3 && !strncasecmp(s + *i, m[k], 3)) {
			*i += 3;
			return k + 1;
		}
	return 0;
}

/* The result as text; -1 when it is no real date. */
static int
put(struct dt *t, char out[SQLDATE_MAX])
{
	if (t->h12) {
		if (t->h < 1 || t->h > 12)
			return -1;
		t->h = t->h % 12 + (t->pm ? 12 : 0);
	}
	if (t->y < 1 || t->y > 9999 || t->mo < 1 || t->mo > 12 || t->d < 1 ||
	    t->d > days_in(t->y, t->mo) || t->h > 23 || t->mi > 59 || t->sec > 60)
		return -1;
	int k = snprintf(out, SQLDATE_MAX, "%04d-%02d-%02d", t->y, t->mo, t->d);
	if (t->has_time) {
		k += snprintf(out + k, (size_t)(SQLDATE_MAX - k), " %02d:%02d:%02d", t->h, t->mi,
		              t->sec);
		/* the fraction without its trailing zeros: .500000000 and .5 are one time */
		while (t->nfrac > 0 && t->frac[t->nfrac - 1] == '0')
			t->nfrac--;
		if (t->nfrac)
			k += snprintf(out + k, (size_t)(SQLDATE_MAX - k), ".%.*s", t->nfrac,
			              t->frac);
	}
	return k;
}

static int
two_digit_year(int v, int digits, int window)
{
	if (digits > 2)
		return v;
	if (!window)
		return 2000 + v;
	return v < 50 ? 2000 + v : 1900 + v;
}

/* [ T]HH:MI[:SS[.fff]] [AM|PM] after a date; 1 read, 0 none there, -1 bad. */
static int
trailing_time(const char *s, size_t n, size_t *ip, struct dt *t)
{
	size_t i = *ip;
	int v;

	if (i >= n || (s[i] != ' ' && s[i] != 'T' && s[i] != 't'))
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == 'T' || s[i] == 't'))
		i++;
	if (!num(s, n, &i, 2, &t->h) || i >= n || s[i++] != ':' || num(s, n, &i, 2, &t->mi) != 2)
		return -1;
	if (i < n && s[i] == ':') {
		i++;
		if (num(s, n, &i, 2, &t->sec) != 2)
			return -1;
		if (i < n && s[i] == '.') {
			i++;
			size_t f = i;
			while (i < n && is_dig(s[i])) {
				if (t->nfrac < 9)
					t->frac[t->nfrac++] = s[i];
				i++;
			}
			if (i == f)
				return -1;
		}
	}
	while (i < n && s[i] == ' ')
		i++;
	if (n - i >= 2 && (!strncasecmp(s + i, "AM", 2) || !strncasecmp(s + i, "PM", 2))) {
		t->h12 = 1;
		t->pm = (s[i] | 0x20) == 'p';
		i += 2;
	}
	(void)v;
	t->has_time = 1;
	*ip = i;
	return 1;
}

/* A model token at m[*j]: its name's length, matched case-insensitively. */
static size_t
token(const char *m, size_t ml, size_t j, const char *name)
{
	size_t k = strlen(name);
	return ml - j >= k && !strncasecmp(m + j, name, k) ? k : 0;
}

static int
model(const char *s, size_t n, const char *m, size_t ml, int window, int allow_time,
      char out[SQLDATE_MAX])
{
	struct dt t = {1, 1, 1, 0, 0, 0, 0, 0, 0, {0}, 0};
	size_t i = 0, j = 0, k;
	int v, d;

	while (i < n && s[i] == ' ')
		i++;
	while (j < ml) {
		char c = m[j];
		if (!is_alnum(c) && c != '"') {
			while (j < ml && !is_alnum(m[j]) && m[j] != '"')
				j++;
			while (i < n && !is_alnum(s[i]))
				i++;
			continue;
		}
		if (c == '"') {
			const char *q = memchr(m + j + 1, '"', ml - j - 1);
			if (!q)
				return -1;
			size_t ll = (size_t)(q - (m + j + 1));
			if (n - i < ll || strncasecmp(s + i, m + j + 1, ll))
				return -1;
			i += ll;
			j += ll + 2;
			continue;
		}
		/* the next model letter decides how wide a number may be */
		if ((k = token(m, ml, j, "FX")) || (k = token(m, ml, j, "FM"))) {
			j += k;
			continue;
		}
		if ((k = token(m, ml, j, "SYYYY")) || (k = token(m, ml, j, "YYYY")) ||
		    (k = token(m, ml, j, "RRRR"))) {
			if (!(d = num(s, n, &i, 4, &t.y)))
				return -1;
			t.y = two_digit_year(t.y, d, token(m, ml, j, "RRRR") > 0);
		} else if ((k = token(m, ml, j, "YY")) || (k = token(m, ml, j, "RR"))) {
			int wide = j + 2 >= ml || !is_alnum(m[j + 2]);
			if (!(d = num(s, n, &i, wide ? 4 : 2, &t.y)))
				return -1;
			t.y = two_digit_year(t.y, d, window || (m[j] | 0x20) == 'r');
		} else if ((k = token(m, ml, j, "MONTH")) || (k = token(m, ml, j, "MON"))) {
			if (!(t.mo = month_name(s, n, &i)))
				return -1;
		} else if ((k = token(m, ml, j, "MM"))) {
			if (!num(s, n, &i, 2, &t.mo))
				return -1;
		} else if ((k = token(m, ml, j, "DAY")) || (k = token(m, ml, j, "DY"))) {
			while (i < n && is_alnum(s[i]) && !is_dig(s[i]))
				i++;
		} else if ((k = token(m, ml, j, "DD"))) {
			if (!num(s, n, &i, 2, &t.d))
				return -1;
		} else if ((k = token(m, ml, j, "HH24"))) {
			if (!num(s, n, &i, 2, &t.h))
				return -1;
			t.has_time = 1;
		} else if ((k = token(m, ml, j, "HH12")) || (k = token(m, ml, j, "HH"))) {
			if (!num(s, n, &i, 2, &t.h))
				return -1;
			t.has_time = t.h12 = 1;
		} else if ((k = token(m, ml, j, "MI"))) {
			if (!num(s, n, &i, 2, &t.mi))
				return -1;
			t.has_time = 1;
		} else if ((k = token(m, ml, j, "SS"))) {
			if (!num(s, n, &i, 2, &t.sec))
				return -1;
			t.has_time = 1;
		} else if ((k = token(m, ml, j, "FF")) || (k = token(m, ml, j, "MS")) ||
		           (k = token(m, ml, j, "US"))) {
			if (k == 2 && (m[j] | 0x20) == 'f' && j + 2 < ml && is_dig(m[j + 2]))
				k = 3; /* FF1 .. FF9 */
			size_t f = i;
			while (i < n && is_dig(s[i])) {
				if (t.nfrac < 9)
					t.frac[t.nfrac++] = s[i];
				i++;
			}
			if (i == f)
				return -1;
			t.has_time = 1;
		} else if ((k = token(m, ml, j, "X"))) {
			/* the radix character before FF: '.' or ',' */
			if (i < n && (s[i] == '.' || s[i] == ','))
				i++;
		} else if ((k = token(m, ml, j, "A.M.")) || (k = token(m, ml, j, "P.M.")) ||
		           (k = token(m, ml, j, "AM")) || (k = token(m, ml, j, "PM"))) {
			if (n - i >= 4 &&
			    (!strncasecmp(s + i, "A.M.", 4) || !strncasecmp(s + i, "P.M.", 4))) {
				t.pm = (s[i] | 0x20) == 'p';
				i += 4;
			} else if (n - i >= 2 &&
			           (!strncasecmp(s + i, "AM", 2) || !strncasecmp(s + i, "PM", 2))) {
				t.pm = (s[i] | 0x20) == 'p';
				i += 2;
			} else
				return -1;
			t.h12 = 1;
		} else
			return -1; /* a model element not read here (DDD, J, TZH ...) */
		j += k;
	}
	if (allow_time && trailing_time(s, n, &i, &t) < 0)
		return -1;
	while (i < n && s[i] == ' ')
		i++;
	if (i != n)
		return -1;
	(void)v;
	return put(&t, out);
}

int
sqldate_model(const char *s, size_t n, const char *m, size_t ml, char out[SQLDATE_MAX])
{
	return model(s, n, m, ml, 0, 0, out);
}

int
sqldate_guess(const char *s, size_t n, char out[SQLDATE_MAX])
{
	static const char iso[] = "YYYY-MM-DD";
	int k;

	if (n >= 8 && is_dig(s[0]) && is_dig(s[1]) && is_dig(s[2]) && is_dig(s[3]) && s[4] == '-')
		return model(s, n, iso, sizeof(iso) - 1, 0, 1, out);
	if ((k = model(s, n, "DD-MON-RR", 9, 1, 1, out)) >= 0)
		return k;
	return -1;
}

int
sqldate_tsql_style(const char *s, size_t n, int style, char out[SQLDATE_MAX])
{
	static const struct {
		int style;
		const char *model;
	} k[] = {
	    {1, "MM/DD/YY"},      {101, "MM/DD/YYYY"},   {2, "YY.MM.DD"},  {102, "YYYY.MM.DD"},
	    {3, "DD/MM/YY"},      {103, "DD/MM/YYYY"},   {4, "DD.MM.YY"},  {104, "DD.MM.YYYY"},
	    {5, "DD-MM-YY"},      {105, "DD-MM-YYYY"},   {10, "MM-DD-YY"}, {110, "MM-DD-YYYY"},
	    {11, "YY/MM/DD"},     {111, "YYYY/MM/DD"},   {12, "YYMMDD"},   {112, "YYYYMMDD"},
	    {106, "DD MON YYYY"}, {107, "MON DD, YYYY"}, {6, "DD MON YY"}, {7, "MON DD, YY"},
	};
	if (style == 0 || style == 20 || style == 21 || style == 23 || style == 120 ||
	    style == 121 || style == 126 || style == 127)
		return sqldate_guess(s, n, out);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (k[i].style == style)
			return model(s, n, k[i].model, strlen(k[i].model), 1, 1, out);
	return -1;
}

/* The civil date of day z after 1970-01-01 (H. Hinnant's algorithm). */
static void
civil(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned long doe = (unsigned long)(z - era * 146097);
	unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned long mp = (5 * doy + 2) / 153;
	unsigned long dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned long mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int
sqldate_tsql_binary(const char *hex, size_t n, char out[SQLDATE_MAX])
{
	unsigned long long v = 0;
	struct dt t = {0};

	if (n != 16 && n != 8)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = (char)(hex[i] | 0x20);
		int h = is_dig(hex[i]) ? hex[i] - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (h < 0)
			return -1;
		v = v << 4 | (unsigned)h;
	}
	long days;
	unsigned long ms;
	if (n == 16) {
		days = (long)(int)(unsigned)(v >> 32); /* signed: before 1900 */
		unsigned long ticks = (unsigned long)(v & 0xFFFFFFFFu);
		if (ticks >= 300ul * 86400)
			return -1;
		ms = (ticks * 10 + 1) / 3;
	} else {
		days = (long)(v >> 16);
		unsigned long mins = (unsigned long)(v & 0xFFFF);
		if (mins >= 1440)
			return -1;
		ms = mins * 60000;
	}
	civil(days - 25567, &t.y, &t.mo, &t.d);
	t.has_time = 1;
	t.h = (int)(ms / 3600000);
	t.mi = (int)(ms / 60000 % 60);
	t.sec = (int)(ms / 1000 % 60);
	if (ms % 1000)
		t.nfrac = snprintf(t.frac, sizeof(t.frac), "%03lu", ms % 1000);
	return put(&t, out);
}
