/*
 * Foreign keys followed at ingest: a relational leak keeps a person's
 * e-mail in customer, the address in address and the city in city, and
 * a dump that joins them back (customer JOIN address JOIN city) holds
 * associations no single table of the leak has. So each row with facts
 * is remembered by its table and its key columns; at the end every
 * reference (customer.address_id to the address whose address_id is the
 * same, then that address's city_id to its city: two hops) is resolved,
 * and the keys of the joined row go into the library as a row of a flat
 * file with those facts would make them (associations, near keys, the
 * person's quasi-identifier blocks; not a record key).
 *
 * A reference: a column whose header names an id or a key of another
 * table ("address_id", "AddressID", "city_id"), resolved against the
 * table of that name (singular or plural: "address", "addresses", "city",
 * "cities") by its own key column ("address_id", "AddressID" or "id").
 * Declared keys (REFERENCES, FOREIGN KEY, ALTER TABLE ... ADD FOREIGN
 * KEY, as the SQL reader tells them) are followed too, whatever their
 * names (invoice.SupportRepId to employee.EmployeeId), when declared
 * before the table is typed: mysqldump and scripts declare them in
 * CREATE TABLE; pg_dump after the data, which is in time only for a
 * table still within its typing sample. A row is found by its first own
 * key column (its id, or the declared one, whichever comes first): a key
 * declared against another column of a table that has an id is not
 * followed, rather than joined to the wrong row. Memory:
 * for each row with facts in a table with key columns, 24 bytes, 24 per
 * fact and 16 per key column, not bounded by --memory (it is not
 * spilled).
 */
#ifndef DT_JOINS_H
#define DT_JOINS_H

#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/fp.h"
#include "core/schema.h"

/* A schema's key columns; made once, when it is typed (joins_schema_new). */
struct joins_schema;

/* A declared foreign key: table.col references ref_table.ref_col (NULL: its primary key). */
struct joins_decl {
	uint64_t table, ref_table; /* the tables, as their names are compared */
	char *col, *ref_col;
};

/* d from the names the reader gave (copied); joins_decl_release() frees it. */
void joins_decl_init(struct joins_decl *d, const char *table, const char *col, const char *ref_table,
		     const char *ref_col);
void joins_decl_release(struct joins_decl *d);

/* The key columns of s, by their names and by the declarations d[0..nd). */
struct joins_schema *joins_schema_new(const struct schema *s, const struct joins_decl *d, size_t nd);
void joins_schema_free(struct joins_schema *m);

/* One worker's rows (no lock); joins_finish() takes them all. */
struct joins_rows {
	struct jrow *rows;
	size_t nrows, rows_alloc;
	struct fact *facts;
	size_t nfacts, facts_alloc;
	uint64_t *keys; /* per key column: its target table's hash, its value's hash */
	size_t nkeys, keys_alloc;
};

/* The row rec of schema s, whose facts f has just extracted. */
void joins_row(struct joins_rows *jr, const struct joins_schema *m, const struct schema *s,
	       const struct record *rec, const struct facts *f);

/* Receives each association key, its set (FACT_SET(FACT_ASSOC, ...)). */
typedef int (*joins_emit_fn)(void *ctx, uint64_t key, unsigned set);

/*
 * Resolves the references of all rows of the n workers and emits the
 * associations across them; *refs gets the references resolved. 0, or
 * what emit returned when it failed. The rows are freed.
 */
int joins_finish(struct joins_rows *jr, unsigned n, const struct fp_key *key, joins_emit_fn emit,
		 void *ctx, uint64_t *refs);

void joins_rows_release(struct joins_rows *jr);

#endif
