/*
 * Dates written as function values in SQL scripts, turned into ISO text
 * (YYYY-MM-DD, or YYYY-MM-DD HH:MM:SS[.fff] when the source has a time):
 * Oracle's and PostgreSQL's to_date/to_timestamp format models, T-SQL's
 * CONVERT styles, and the hexadecimal datetime that SQL Server's script
 * generator writes. Pure functions over bytes: the SQL reader calls them
 * while it evaluates a value, and a date that does not parse is left to
 * the caller (it keeps the value as written).
 */
#ifndef DT_SQLDATE_H
#define DT_SQLDATE_H

#include <stddef.h>

/* Room for any result, NUL included. */
#define SQLDATE_MAX 40

/*
 * The date in s[0..n) read by the format model (YYYY, RRRR, YY, RR, MM,
 * MON, MONTH, DD, HH24, HH12, HH, MI, SS, X, FF[1-9], MS, US, AM/PM, DY/DAY,
 * quoted "text", FX; punctuation in the model matches any punctuation).
 * Its length in out, or -1 when s does not fit the model or is no real
 * date.
 */
int sqldate_model(const char *s, size_t n, const char *model, size_t model_len,
		  char out[SQLDATE_MAX]);

/*
 * A date without a model: ISO text (kept, its 'T' made a space) or
 * Oracle's default DD-MON-RR. Length, or -1.
 */
int sqldate_guess(const char *s, size_t n, char out[SQLDATE_MAX]);

/* T-SQL CONVERT(datetime, s, style): the styles of dates; -1 for others. */
int sqldate_tsql_style(const char *s, size_t n, int style, char out[SQLDATE_MAX]);

/*
 * CAST(0x... AS DateTime / SmallDateTime): hex digits (no 0x) of the
 * 8-byte datetime (days since 1900-01-01, then 1/300 s) or the 4-byte
 * smalldatetime (days, then minutes). Length, or -1.
 */
int sqldate_tsql_binary(const char *hex, size_t n, char out[SQLDATE_MAX]);

#endif
