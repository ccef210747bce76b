/*
 * Column typing: which type of the design (e-mail, phone, national id,
 * names, dates, ...) each column holds, decided once per column from its
 * header name and a sample of its values; the type then picks the
 * normalizer (norm.h) and the fingerprint's type byte for every value of
 * the column. Header names are hints in English, Russian and Kazakh;
 * values are tested by pcre2 patterns and validators (IIN checksum, Luhn,
 * real dates, phones that parse). See types_guess_result() for how the
 * two combine.
 *
 * The coarse classes (email, phone, number, date, text) further down are
 * the older per-value test, kept for callers that want no more.
 */
#ifndef DT_TYPES_H
#define DT_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "core/dynbuf.h"

/* The types; the numbers are part of the fingerprints: append only. */
enum dt_type {
	DT_NONE = 0,
	DT_EMAIL,
	DT_PHONE,
	DT_NATIONAL_ID,
	DT_PASSPORT,
	DT_FULL_NAME,
	DT_FIRST_NAME,
	DT_LAST_NAME,
	DT_PATRONYMIC,
	DT_BIRTH_DATE,
	DT_DATE,
	DT_ADDRESS,
	DT_CITY,
	DT_USERNAME,
	DT_PASSWORD,
	DT_PASSWORD_HASH,
	DT_IP,
	DT_URL,
	DT_CARD,
	DT_NUMBER,
	DT_TEXT,
	DT_BINARY, /* bytes that are not text, as 0x... hex (BLOBs) */
	DT_POSTCODE,
	/*
	 * Not column types: the blocks of quasi-identifier linkage (a name
	 * word with a birth date or a postcode, a birth date with a postcode)
	 * and the person tag kept under them (core/facts.h), named in the
	 * library's sets as types are.
	 */
	DT_QI_BLOCK,
	DT_QI_PERSON,
	DT_TYPE_COUNT
};

/* The type's name ("email", "national_id", ...); "none" for DT_NONE. */
const char *types_name(enum dt_type t);

/*
 * The type named name (any case), as --type COL=TYPE takes it; a few
 * aliases are accepted too ("iin", "dob", "fio", "login", "hash", ...).
 * DT_NONE when unknown.
 */
enum dt_type types_from_name(const char *name);

/* Is t a type a column can have (not a linkage block's)? */
#define types_is_column_type(t) ((t) > DT_NONE && (t) < DT_QI_BLOCK)

/* Anchors of associations: national_id, email, phone, passport, username. */
int types_is_identifier(enum dt_type t);

/*
 * Values that mean nothing alone and count only in associations: dates,
 * birth dates, cities, first names, patronymics.
 */
int types_is_low_entropy(enum dt_type t);

/*
 * The type a column name suggests (DT_NONE when it suggests none): "ИИН",
 * "ЖСН", "iin", "Фамилия", "e-mail", "почта", "туған күні", ... Case and
 * separators do not matter ("FirstName", "first_name", "FIRST NAME").
 */
enum dt_type types_header_hint(const char *name, size_t n);

/* Evidence classes counted per column; see types.c. */
enum {
	TG_EMAIL,
	TG_PHONE,
	TG_IIN,      /* twelve digits, checksum correct */
	TG_DIGITS12, /* twelve digits, checksum or not */
	TG_CARD,
	TG_HASH,
	TG_IP,
	TG_URL,
	TG_DATE,     /* a real date (no unix time) */
	TG_UNIXTIME, /* digits that are a plausible unix time */
	TG_TIME,     /* ... with a time */
	TG_NUMBER,
	TG_PASSPORT,
	TG_NAME,       /* letters, one to five words */
	TG_NAME_CAP,   /* ... each word with a capital */
	TG_NAME_MULTI, /* ... two words or more */
	TG_PATRONYMIC, /* one word with a patronymic ending */
	TG_SURNAME,    /* one word with a surname ending */
	TG_ADDRESS,    /* street, house or flat markers */
	TG_USERNAME,
	TG_DOCNUM, /* 6-10 digits alone: a document number under a hint */
	TG_STRONG, /* of an identifier's shape (e-mail ... passport) */
	TG_BINARY, /* 0x and an even number of hex digits, as readers write bytes */
	TG_INTEGER, /* digits alone, a '-' before them at most */
	TG_POSTCODE, /* 3-10 letters and digits, two digits at least */
	TG_COUNT
};

struct norm_ctx;

/*
 * Per-column inference over a sample: types_guess_init() with the header
 * name (NULL, 0 when there is none), types_guess_add() for each value of
 * the sample (blank values count as empty), types_guess_result() at any
 * time, types_guess_release() at the end. The caller owns the struct;
 * its fields are public for reading only.
 */
struct type_guess {
	enum dt_type hint; /* from the header */
	int generic_name;  /* ... from a bare "name": whose, the table says */
	int key_like;      /* the header names an id or a key ("city_id", "CustomerID") */
	int code;          /* ... a code: ISBN, stock number, postcode */
	uint64_t empty, nonempty;
	uint64_t n[TG_COUNT];
	int min_year, max_year; /* over the dates */
	struct norm_ctx *ctx;   /* validators' scratch */
	void *md;               /* pcre2 match data */
	struct dynbuf out;      /* a normalized value */
};

void types_guess_init(struct type_guess *g, const char *header, size_t header_len);

/*
 * Phones are judged for region (see norm_ctx_new(); "KZ" unless set).
 * Returns 0 and changes nothing when the region is unknown. Call before
 * the first value.
 */
int types_guess_set_region(struct type_guess *g, const char *region);
void types_guess_add(struct type_guess *g, const char *v, size_t n);

/*
 * The column's type and, in *validation_rate (may be NULL), the share of
 * its non-empty values that validate as that type (for text, password,
 * address and city: that are not of an identifier-like shape). A header
 * hint wins when at least half the values validate for it (twelve-digit
 * values count for national_id whatever their checksum); otherwise, or
 * without a hint, a type whose validator passes on 80% of the values
 * wins (a column named phone full of e-mails is email); otherwise the
 * hint stands, unless ten values or more and under 10% of them fit it;
 * without one, or when the hint fell, the value shapes decide (numbers, names,
 * addresses), and text is the rest. DT_NONE for a column with neither a
 * hint nor a non-empty value.
 */
enum dt_type types_guess_result(const struct type_guess *g, double *validation_rate);
void types_guess_release(struct type_guess *g);

/* A column of a table typed with the others. */
struct type_col {
	enum dt_type type;   /* its type */
	double rate;         /* the share of its values that validate as it */
	enum dt_type header; /* what its header alone suggests (DT_NONE: nothing) */
	const char *why;     /* why the type is not the header's or the values' own, or NULL */
};

/*
 * The columns of one table (its name, or NULL) typed together: each
 * column's own result, then what only the whole table tells (relational
 * dumps): a header of an id or a key over integers is a number whatever
 * else it names ("address_id", "CityID"); a bare "name" beside a surname
 * is a first name (beside a first name, a surname); names of things are
 * not names of people: a bare "name", or values shaped like names under
 * no header hint, in a table with no other column of a person (e-mail,
 * phone, ids, birth date, name parts, login, password) and a table name
 * that names no person (customer, user, employee, actor, ...), are text.
 * A header's hint that the values do not bear out is said in why.
 * g[c] for c below ncols; out[] receives ncols entries.
 */
void types_table(const char *table, const struct type_guess *const *g, size_t ncols,
		 struct type_col *out);

/* The why of types_table() whose text is s[0..n), or NULL: a saved schema's read back. */
const char *types_why_intern(const char *s, size_t n);

enum coarse_type { CT_EMPTY = 0, CT_EMAIL, CT_PHONE, CT_DATE, CT_NUMBER, CT_TEXT, CT_COUNT };

/* The class of one value (CT_EMPTY for nothing but spaces). */
enum coarse_type types_coarse(const char *v, size_t n);

const char *types_coarse_name(enum coarse_type t);

/* A per-column tally of value classes over a sample. */
struct type_tally {
	uint64_t n[CT_COUNT];
};

/*
 * The column's class: the class of at least 80% of its non-empty values,
 * else text; *rate is the share of non-empty values of that class.
 */
enum coarse_type types_tally_verdict(const struct type_tally *t, double *rate);

#endif
