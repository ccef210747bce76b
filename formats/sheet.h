/*
 * What the spreadsheet readers (xlsx.c, xls.c) share: turning a sheet's
 * cells into records. The first row that holds a value names the columns;
 * each later row is a record with one field per column, in column order,
 * a missing cell giving an empty value; a cell right of the last named
 * column keeps its value under the name colN (N its column, from 1)
 * rather than being dropped. Also the spreadsheet date: a serial day
 * number as an ISO date.
 */
#ifndef DT_SHEET_H
#define DT_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "core/dynbuf.h"
#include "core/record.h"

/* One cell with a value; col counts from 0. The value is borrowed. */
struct sheet_cell {
	uint32_t col;
	const char *val;
	size_t len;
};

/* The column names of a sheet, and the fields of its current record. */
struct sheet_table {
	struct dynbuf names; /* the header's names, each NUL-terminated */
	size_t *name_at;     /* offset of column i's name in names; [width] is the end */
	size_t width;        /* named columns */
	int has_header;
	struct dynbuf extra; /* colN names of cells right of the header */
	struct field *out;
	size_t out_alloc;
	struct sheet_cell *tmp;
	size_t tmp_alloc;
	int32_t *slot; /* column -> cell index, -1 for none */
	size_t slot_alloc;
};

void sheet_table_init(struct sheet_table *t);
/* Forgets the header (for the next sheet), keeping the memory. */
void sheet_table_reset(struct sheet_table *t);
void sheet_table_release(struct sheet_table *t);

/*
 * Names the columns from the cells of the header row (any order, at
 * least one with a value): the last column with a value ends the header;
 * an empty name becomes colN, a name already taken gets _2, _3, ...
 * Returns 0, or -1 with the reason in why when the header has more than
 * max_fields columns or its names more than max_bytes bytes.
 */
int sheet_table_header(struct sheet_table *t, const struct sheet_cell *cells, size_t n,
                       size_t max_fields, size_t max_bytes, char *why, size_t whylen);

/*
 * Fills rec->fields and rec->nfields from the cells of a data row (any
 * order; of two cells in one column the later wins). The fields borrow
 * the cells' values and stay valid until the next call. Returns 0, or -1
 * with the reason in why when the record would have more than max_fields
 * fields.
 */
int sheet_table_row(struct sheet_table *t, const struct sheet_cell *cells, size_t n,
                    size_t max_fields, struct record *rec, char *why, size_t whylen);

/* The kind of a number format, as far as dates go. */
enum sheet_numfmt { SHEET_NUMBER = 0, SHEET_DATE, SHEET_TIME };

/*
 * The kind of a number format code ("yyyy-mm-dd", "h:mm", "0.00"): a date
 * when it has d, y, or m without h or s, a time when it has h or s and no
 * d or y, outside quoted text, [brackets] and escaped characters.
 */
enum sheet_numfmt sheet_numfmt_kind(const char *code);

/* The kind of built-in number format id (14-22, 45-47; 27-36, 50-58 in CJK locales). */
enum sheet_numfmt sheet_numfmt_builtin(unsigned id);

/*
 * Writes serial (a spreadsheet day number, in the 1900 system with
 * Lotus's leap day 1900-02-29 as serial 60, or the 1904 one) as
 * "YYYY-MM-DD", with " HH:MM:SS" when it has a time of day, or as
 * "HH:MM:SS" alone for a time format or a serial below 1 in the 1900
 * system. Returns the length, or 0 when serial is no date (negative,
 * past 9999, 0 in the 1900 system with a date format): keep the number.
 */
size_t sheet_date(double serial, int date1904, enum sheet_numfmt kind, char out[32]);

#endif
