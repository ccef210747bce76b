/*
 * Foreign keys followed at ingest: a relational leak keeps a person's
 * e-mail in customer, the address in address and the city in city, and
 * a dump that joins them back (customer JOIN address JOIN city) holds
 * associations no single table of the leak has. So each row with facts
 * in a table with key columns is remembered (in a temporary file) by its
 * table, its facts and its key columns; at the end every reference
 * (customer.address_id to the address whose address_id is the same, then
 * that address's city_id to its city: two hops) is resolved, and the keys
 * of the joined row go into the library as a row of a flat file with
 * those facts would make them (associations, near keys, the person's
 * quasi-identifier blocks; not a record key).
 *
 * A reference: a column whose header names an id or a key of another
 * table ("address_id", "AddressID", "city_id"), resolved against the
 * table of that name (singular or plural: "address", "addresses", "city",
 * "cities") by its first own key column ("address_id", "AddressID" or
 * "id"). Declared keys (REFERENCES, FOREIGN KEY, ALTER TABLE ... ADD
 * FOREIGN KEY, as the SQL reader tells them) are followed too, whatever
 * their names (invoice.SupportRepId to employee.EmployeeId), resolved by
 * the column they name, and wherever they are declared: mysqldump and
 * scripts declare them in CREATE TABLE, pg_dump after the data, and a dump
 * in files per table may declare them in a file of its own. For that, the
 * number and short text columns of a table (up to JOINS_UNDECIDED of
 * them) are remembered too, as keys that a declaration may make.
 *
 * Memory: the rows go to a file (24 bytes, 40 a fact and 16 a key
 * column each); at the end only the rows of tables that some reference
 * names are read back into memory, up to the budget given, and indexed;
 * the rows past it are counted (joins_stats.unindexed), not joined.
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

/* The key columns of s, by their names and by the declarations d[0..nd) made before it was typed. */
struct joins_schema *joins_schema_new(const struct schema *s, const struct joins_decl *d, size_t nd);
void joins_schema_free(struct joins_schema *m);

#define JOINS_UNDECIDED 4 /* a table's columns kept as keys a late declaration may make */

/* One worker's rows (no lock), into a temporary file in tmpdir; joins_finish() takes them all. */
struct joins_rows {
	const char *tmpdir; /* the caller's */
	int fd, open;	    /* the file, open once the buffer was first written */
	int err;	    /* errno of a failed write: the rows are lost */
	unsigned char *buf;
	size_t len, cap;
	uint64_t nrows;
};

/* The row rec of schema s, whose facts f has just extracted. */
void joins_row(struct joins_rows *jr, const struct joins_schema *m, const struct schema *s,
	       const struct record *rec, const struct facts *f);

/* Receives each association key, its set (FACT_SET(FACT_ASSOC, ...)). */
typedef int (*joins_emit_fn)(void *ctx, uint64_t key, unsigned set);

struct joins_stats {
	uint64_t refs;	    /* references resolved */
	uint64_t rows;	    /* rows remembered */
	uint64_t indexed;   /* rows of referenced tables read back and indexed */
	uint64_t unindexed; /* rows of referenced tables past the memory budget: not joined */
};

/*
 * Resolves the references of all rows of the n workers, by the key
 * columns of the schemas m[0..nm) and the declarations d[0..nd) (all the
 * leak's, wherever they came), and emits the associations across them.
 * memory: the budget of the rows read back. 0, what emit returned when it
 * failed, or -1 when a temporary file could not be written or read
 * (errno). The rows are freed.
 */
int joins_finish(struct joins_rows *jr, unsigned n, struct joins_schema *const *m, size_t nm,
		 const struct joins_decl *d, size_t nd, const struct fp_key *key, uint64_t memory,
		 joins_emit_fn emit, void *ctx, struct joins_stats *st);

void joins_rows_release(struct joins_rows *jr);

#endif
