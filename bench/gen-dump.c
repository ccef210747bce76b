/*
 * bench/gen-dump: the big deterministic inputs of the benchmarks, written
 * to standard output fast enough that a 1.5 GB file takes seconds, not the
 * minutes awk would need. bench/lib.sh compiles it into $BENCH_DIR.
 *
 *   gen-dump FORMAT ROWS [DUP_PERCENT [SEED]]
 *     combo   email:password lines (bench/dedup.sh, bench/readers.sh)
 *     csv     person rows, with a header (record-mode dedup)
 *     mysql   person rows as mysqldump writes them, 1000 tuples per INSERT
 *     pgcopy  person rows in pg_dump's COPY ... FROM stdin block
 *     jsonl   person rows, one JSON object per line
 *     short   email,phone,name rows of about 30 bytes (bench/bounded.sh:
 *             350 million of them make 10 GB): DUP_PERCENT 100 is one row
 *             repeated, 0 all distinct, 50 every other row the same one
 *
 * Every unique line or row is rendered from its own number k alone (hashes
 * of k, no state carried between rows), so a repeat is just an earlier
 * number rendered again: row i is, with DUP_PERCENT chance, a repeat of an
 * earlier unique row drawn uniformly from all before it (repeats spread
 * through the file, not clustered), else the next new one. The counts go
 * to standard error.
 *
 * Combo lines: the e-mail's local part holds a keyed bijection of k split
 * into first name, last name and digits, so two numbers never give the
 * same line. Passwords mix common ones (shared by many logins),
 * word+digits, name+year and random strings, as real combo lists do.
 *
 * Person rows hold the columns of gen-persons.awk: id, a valid IIN,
 * Cyrillic name, birth date, phone, e-mail (empty or NULL in one row of
 * ten), city and an address with a comma, and now and then a quote, an
 * apostrophe or a backslash, so that every format's escaping is exercised.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_SIZE (1u << 20)

static char obuf[OUT_SIZE + 4096];
static size_t olen;

static void
out_flush(void)
{
	if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
		perror("gen-dump: write");
		exit(1);
	}
	olen = 0;
}

/* Lines are short: flushing before each one keeps every write in bounds. */
static inline void
out_room(void)
{
	if (olen > OUT_SIZE)
		out_flush();
}

static inline void
put(const char *s)
{
	size_t n = strlen(s);
	memcpy(obuf + olen, s, n);
	olen += n;
}

static inline void
putc_(char c)
{
	obuf[olen++] = c;
}

static inline void
putu(uint64_t v)
{
	char t[24];
	int n = 0;
	do
		t[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		obuf[olen++] = t[--n];
}

/* v in exactly w digits, zero padded */
static inline void
putz(uint64_t v, int w)
{
	for (int i = w - 1; i >= 0; i--, v /= 10)
		obuf[olen + i] = (char)('0' + v % 10);
	olen += w;
}

static inline uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull; /* splitmix64's finalizer */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* ------------------------------------------------------------------ */
/* Combo lines */

static const char *const first[] = {
    "alex",    "anna",   "maria",  "john",    "david",  "olga",  "sergey", "elena",
    "michael", "sarah",  "dmitry", "irina",   "james",  "laura", "ivan",   "natasha",
    "peter",   "kate",   "arman",  "aigerim", "nurlan", "dana",  "chris",  "emma",
    "max",     "sofia",  "daniel", "julia",   "andrey", "yulia", "tom",    "lisa",
    "paul",    "nina",   "mark",   "eva",     "oleg",   "vera",  "igor",   "alina",
    "ruslan",  "asel",   "timur",  "zhanna",  "kevin",  "linda", "ryan",   "amy",
    "denis",   "oksana", "artem",  "polina",  "roman",  "diana", "nikita", "lena",
    "ali",     "fatima", "omar",   "leila",   "ben",    "mia",   "jack",   "zoe",
};
static const char *const last[] = {
    "smith",     "ivanov",    "petrova",  "johnson",   "brown",  "kim",         "lee",
    "sidorov",   "miller",    "wilson",   "kuznetsov", "popova", "taylor",      "moore",
    "akhmetov",  "nurlanova", "garcia",   "martin",    "volkov", "orlova",      "white",
    "clark",     "lewis",     "sokolov",  "lebedeva",  "hall",   "young",       "king",
    "wright",    "morozov",   "novikova", "green",     "baker",  "adams",       "nelson",
    "hill",      "pavlov",    "fedorova", "scott",     "turner", "zhaksybekov", "omarova",
    "tulegenov", "bekova",    "seitkali", "evans",     "parker", "collins",     "edwards",
    "stewart",   "semenov",   "egorova",  "morris",    "rogers", "reed",        "cook",
    "bell",      "murphy",    "bailey",   "cooper",    "kozlov", "stepanova",   "gray",
    "ward",
};
static const char *const domain[] = {
    "gmail.com",  "gmail.com",   "gmail.com", "gmail.com",   "mail.ru",  "mail.ru",
    "yahoo.com",  "hotmail.com", "yandex.ru", "outlook.com", "inbox.kz", "icloud.com",
    "rambler.ru", "list.ru",     "aol.com",   "bk.ru",
};
static const char *const common_pw[] = {
    "123456", "password", "qwerty",  "111111", "123456789", "iloveyou", "qwerty123", "1q2w3e4r",
    "000000", "abc123",   "zxcvbnm", "dragon", "monkey",    "letmein",  "football",  "12345678",
};
static const char *const word[] = {
    "sunshine", "shadow",  "master", "summer", "love",     "star",   "tiger",  "angel",
    "hello",    "freedom", "soccer", "killer", "princess", "cookie", "flower", "lucky",
    "batman",   "pepper",  "ginger", "secret", "winter",   "orange", "silver", "hunter",
    "qwe",      "pass",    "admin",  "kazakh", "almaty",   "moscow", "dragon", "maverick",
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char symb[] = "abcdefghijkmnpqrstuvwxyz23456789ABCDEFGHJKLMNPQRSTUVWXYZ!@#$%&*?._-";

static unsigned ubits; /* the bijection works on numbers of this many bits */
static uint64_t seedk; /* keys everything drawn from a line's number */

/* A keyed bijection of [0, 2^ubits): xorshifts and odd multipliers. */
static uint64_t
perm(uint64_t k)
{
	uint64_t mask = (1ull << ubits) - 1, s = ubits / 2 + 1;
	k = (k ^ seedk) & mask;
	for (int r = 0; r < 3; r++) {
		k ^= k >> s;
		k = (k * (0x9e3779b97f4a7c15ull | 1)) & mask;
	}
	return k;
}

/* Unique line number k: its e-mail (injective in k) and its password. */
static void
combo_line(uint64_t k)
{
	uint64_t p = perm(k), h = mix(k ^ seedk), g = mix(h);

	put(first[p % N(first)]);
	p /= N(first);
	putc_(".__"[h & 3 ? 0 : (h >> 2) & 1 ? 1 : 2]);
	put(last[p % N(last)]);
	p /= N(last);
	putu(p); /* the rest of the bijection: names alone repeat */
	putc_('@');
	put(domain[(h >> 8) % N(domain)]);
	putc_(':');
	unsigned kind = (unsigned)(g % 100);
	g >>= 8;
	if (kind < 15) { /* the passwords everybody uses */
		put(common_pw[g % N(common_pw)]);
	} else if (kind < 50) { /* word and a few digits */
		const char *w = word[g % N(word)];
		g >>= 8;
		if (g & 1)
			putc_((char)(w[0] - 'a' + 'A')), put(w + 1);
		else
			put(w);
		g >>= 1;
		unsigned nd = g % 5;
		g >>= 3;
		for (unsigned i = 0; i < nd; i++, g /= 10)
			putc_((char)('0' + g % 10));
	} else if (kind < 70) { /* a name and a year */
		put(first[g % N(first)]);
		g >>= 8;
		putu(1960 + g % 50);
	} else if (kind < 90) { /* random letters and digits */
		unsigned n = 8 + g % 5;
		g = mix(g);
		for (unsigned i = 0; i < n; i++, g /= sizeof(alnum) - 1)
			putc_(alnum[g % (sizeof(alnum) - 1)]);
	} else { /* generated, with symbols */
		unsigned n = 10 + g % 7;
		g = mix(g);
		for (unsigned i = 0; i < n; i++) {
			if (i == 9)
				g = mix(g);
			putc_(symb[g % (sizeof(symb) - 1)]);
			g /= sizeof(symb) - 1;
		}
	}
	putc_('\n');
}

static void
gen_combo(uint64_t rows, unsigned dup_pct, uint64_t seed)
{
	uint64_t fresh = 0; /* unique lines written so far */

	seedk = mix(seed);
	for (ubits = 16; ubits < 62 && (1ull << ubits) < rows; ubits++)
		;
	for (uint64_t i = 0; i < rows; i++) {
		uint64_t h = mix(i ^ (seedk << 1));
		uint64_t k;
		if (fresh && h % 100 < dup_pct)
			k = (h >> 8) % fresh; /* any earlier line, uniformly */
		else
			k = fresh++;
		out_room();
		combo_line(k);
	}
	out_flush();
	fprintf(stderr, "gen-dump: %" PRIu64 " lines, %" PRIu64 " unique, %" PRIu64 " repeats\n",
	        rows, fresh, rows - fresh);
}

/* ------------------------------------------------------------------ */
/* Person rows */

static const char *const sur[] = {"Ахметов", "Иванов",  "Сейткали",   "Нұрланов",
                                  "Петрова", "Смирнов", "Жақсыбеков", "Ким",
                                  "Омарова", "Беков",   "Тулегенов",  "Кузнецова"};
static const char *const fir[] = {"Нурлан", "Айгерим", "Ерлан",  "Мария",  "Асель", "Дмитрий",
                                  "Данияр", "Әлия",    "Сергей", "Гүлнар", "Арман", "Ольга"};
static const char *const city[] = {"Алматы", "Астана", "Шымкент",  "Караганда",
                                   "Актобе", "Тараз",  "Павлодар", "Семей"};
static const char *const street[] = {"ул. Абая",     "пр. Достык",       "ул. Сатпаева",
                                     "мкр. Самал-2", "ЖК \"Нурлы Тау\"", "ул. Д'Артаньяна",
                                     "ул. Толе би",  "пр. Аль-Фараби"};
static const char *const edom[] = {"mail.ru", "gmail.com", "inbox.kz", "yandex.kz", "list.ru"};

enum fmt { F_MYSQL, F_PGCOPY, F_JSONL, F_CSV };
static const char *const fmt_name[] = {"mysql", "pgcopy", "jsonl", "csv"};

/*
 * A valid IIN: YYMMDD, the century-and-sex digit, a 4-digit serial and the
 * check digit (weights 1..11 mod 11, else 3..11,1,2; a serial for which
 * both give 10 has no IIN, so the next serial is taken).
 */
static void
iin(char *t, unsigned y, unsigned m, unsigned d, unsigned cs, unsigned serial)
{
	for (;; serial = (serial + 1) % 10000) {
		unsigned s1 = 0, s2 = 0;
		snprintf(t, 13, "%02u%02u%02u%u%04u", y, m, d, cs, serial);
		for (int i = 0; i < 11; i++) {
			s1 += (unsigned)(t[i] - '0') * (unsigned)(i + 1);
			s2 += (unsigned)(t[i] - '0') * (unsigned)((i + 2) % 11 + 1);
		}
		unsigned c = s1 % 11 != 10 ? s1 % 11 : s2 % 11;
		if (c != 10) {
			t[11] = (char)('0' + c);
			t[12] = 0;
			return;
		}
	}
}

/* A string value, escaped as the format writes it (quotes included). */
static void
put_str(enum fmt f, const char *s)
{
	if (f == F_CSV) { /* quoted only when it must be, as spreadsheets do */
		if (!strpbrk(s, ",\"")) {
			put(s);
			return;
		}
		putc_('"');
		for (; *s; s++) {
			if (*s == '"')
				putc_('"');
			putc_(*s);
		}
		putc_('"');
		return;
	}
	if (f == F_MYSQL)
		putc_('\'');
	else if (f == F_JSONL)
		putc_('"');
	for (; *s; s++) {
		char c = *s;
		if (c == '\\' || (c == '\'' && f == F_MYSQL) || (c == '"' && f != F_PGCOPY))
			putc_('\\'); /* mysqldump escapes both quotes; JSON only its own */
		putc_(c);
	}
	if (f == F_MYSQL)
		putc_('\'');
	else if (f == F_JSONL)
		putc_('"');
}

static const char *const cols[] = {"id",    "iin",   "full_name", "birth_date",
                                   "phone", "email", "city",      "address"};

/* One person, as a tuple, a COPY line or a JSON object (no terminator). */
static void
person(enum fmt f, uint64_t id, uint64_t seed)
{
	uint64_t h = mix(id ^ seed), g = mix(h), e = mix(g);
	unsigned y = 50 + h % 50, m = 1 + (h >> 8) % 12, d = 1 + (h >> 16) % 28;
	char sep = f == F_PGCOPY ? '\t' : ',';
	char tmp[256];

	if (f == F_MYSQL)
		putc_('(');
	else if (f == F_JSONL)
		putc_('{');
	for (int c = 0; c < 8; c++) {
		if (c)
			putc_(sep);
		if (f == F_JSONL) {
			putc_('"');
			put(cols[c]);
			put("\":");
		}
		switch (c) {
		case 0:
			putu(id);
			break;
		case 1:
			iin(tmp, y, m, d, 3 + (unsigned)(h >> 24) % 2, (unsigned)(g % 10000));
			put_str(f, tmp);
			break;
		case 2:
			snprintf(tmp, sizeof(tmp), "%s %s", sur[(g >> 32) % N(sur)],
			         fir[(g >> 40) % N(fir)]);
			put_str(f, tmp);
			break;
		case 3:
			snprintf(tmp, sizeof(tmp), "19%02u-%02u-%02u", y, m, d);
			put_str(f, tmp);
			break;
		case 4:
			snprintf(tmp, sizeof(tmp), "+7 7%02u %03u %04u", (unsigned)(e % 100),
			         (unsigned)(e >> 8) % 1000, (unsigned)(e >> 20) % 10000);
			put_str(f, tmp);
			break;
		case 5:
			if ((e >> 36) % 10 == 0) { /* no e-mail on file */
				put(f == F_PGCOPY  ? "\\N"
				    : f == F_MYSQL ? "NULL"
				    : f == F_JSONL ? "null"
				                   : "");
				break;
			}
			snprintf(tmp, sizeof(tmp), "user%" PRIu64 "@%s", id,
			         edom[(e >> 40) % N(edom)]);
			put_str(f, tmp);
			break;
		case 6:
			put_str(f, city[(e >> 44) % N(city)]);
			break;
		case 7:
			snprintf(tmp, sizeof(tmp), "%s, %s %u, кв. %u%s", city[(e >> 48) % N(city)],
			         street[(e >> 52) % N(street)], 1 + (unsigned)(h >> 28) % 200,
			         1 + (unsigned)(h >> 36) % 300,
			         (h >> 48) % 50 == 0 ? " \\ корп. 2" : "");
			put_str(f, tmp);
			break;
		}
	}
	if (f == F_MYSQL)
		putc_(')');
	else if (f == F_JSONL)
		putc_('}');
}

static void
gen_persons(enum fmt f, uint64_t rows, unsigned dup_pct, uint64_t seed)
{
	uint64_t fresh = 0; /* persons written so far; a repeat is an earlier one */

	static const char *const types[] = {
	    "int(11) NOT NULL",         "char(12) NOT NULL",        "varchar(200) NOT NULL",
	    "date DEFAULT NULL",        "varchar(32) DEFAULT NULL", "varchar(100) DEFAULT NULL",
	    "varchar(64) DEFAULT NULL", "varchar(255) DEFAULT NULL"};
	seed = mix(seed);
	if (f == F_CSV) {
		for (int c = 0; c < 8; c++) {
			put(cols[c]);
			putc_(c < 7 ? ',' : '\n');
		}
	} else if (f == F_MYSQL) {
		put("-- MySQL dump 10.13  Distrib 5.7.29, for Linux (x86_64)\n--\n"
		    "-- Host: localhost    Database: registry\n"
		    "-- ------------------------------------------------------\n"
		    "-- Server version\t5.7.29-0ubuntu0.18.04.1\n\n"
		    "/*!40101 SET NAMES utf8mb4 */;\n"
		    "/*!40103 SET TIME_ZONE='+00:00' */;\n"
		    "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\n"
		    "DROP TABLE IF EXISTS `persons`;\nCREATE TABLE `persons` (\n");
		for (int c = 0; c < 8; c++) {
			put("  `");
			put(cols[c]);
			put("` ");
			put(types[c]);
			put(",\n");
		}
		put("  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
		    "LOCK TABLES `persons` WRITE;\n"
		    "/*!40000 ALTER TABLE `persons` DISABLE KEYS */;\n");
	} else if (f == F_PGCOPY) {
		put("--\n-- PostgreSQL database dump\n--\n\n"
		    "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
		    "SET standard_conforming_strings = on;\n\n"
		    "CREATE TABLE public.persons (\n    id integer NOT NULL,\n"
		    "    iin character(12),\n    full_name text,\n    birth_date date,\n"
		    "    phone text,\n    email text,\n    city text,\n    address text\n);\n\n"
		    "ALTER TABLE public.persons OWNER TO registry;\n\n"
		    "--\n-- Data for Name: persons; Type: TABLE DATA; Schema: public; Owner: "
		    "registry\n"
		    "--\n\nCOPY public.persons (id, iin, full_name, birth_date, phone, email, "
		    "city, "
		    "address) FROM stdin;\n");
	}
	for (uint64_t i = 1; i <= rows; i++) {
		out_room();
		if (f == F_MYSQL)
			put(i % 1000 == 1 ? "INSERT INTO `persons` VALUES " : ",");
		uint64_t h = mix(i ^ (seed << 1));
		if (fresh && h % 100 < dup_pct)
			person(f, 1 + (h >> 8) % fresh, seed);
		else
			person(f, ++fresh, seed);
		if (f == F_MYSQL)
			put(i % 1000 == 0 || i == rows ? ";\n" : "");
		else
			putc_('\n');
	}
	if (f == F_MYSQL)
		put("/*!40000 ALTER TABLE `persons` ENABLE KEYS */;\nUNLOCK TABLES;\n\n"
		    "-- Dump completed on 2024-03-01 12:00:00\n");
	else if (f == F_PGCOPY)
		put("\\.\n\n\nALTER TABLE ONLY public.persons\n"
		    "    ADD CONSTRAINT persons_pkey PRIMARY KEY (id);\n\n"
		    "--\n-- PostgreSQL database dump complete\n--\n\n");
	out_flush();
	fprintf(stderr, "gen-dump: %" PRIu64 " %s rows, %" PRIu64 " unique, %" PRIu64 " repeats\n",
	        rows, fmt_name[f], fresh, rows - fresh);
}

/* The shapes of the bounded-memory runs: row i is "same@x.kz,..." when
 * it is a repeat (every row at 100%, the odd rows at 50%), else its own
 * e-mail and phone, made of i alone. */
static void
gen_short(uint64_t rows, unsigned dup_pct)
{
	uint64_t fresh = 0;
	put("email,phone,name\n");
	for (uint64_t i = 0; i < rows; i++) {
		out_room();
		if (dup_pct >= 100 || (dup_pct >= 50 && (i & 1))) {
			put("same@x.kz,87010000000,Same\n");
			continue;
		}
		fresh++;
		put("u");
		putz(i, 9);
		put("@x.kz,87");
		putz(i % 1000000000, 9);
		put(",N");
		putu(i % 1000);
		putc_('\n');
	}
	out_flush();
	fprintf(stderr, "gen-dump: %" PRIu64 " short rows, %" PRIu64 " distinct of their own\n", rows,
	        fresh);
}

static uint64_t
num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || end == s) {
		fprintf(stderr, "gen-dump: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	if (argc < 3 || argc > 5) {
		fprintf(stderr,
		        "usage: gen-dump combo|csv|mysql|pgcopy|jsonl|short ROWS [DUP_PERCENT [SEED]]\n");
		return 2;
	}
	uint64_t rows = num(argv[2]), seed = argc > 4 ? num(argv[4]) : 1;
	unsigned dup = argc > 3 ? (unsigned)num(argv[3]) : 0;
	if (dup > 100) {
		fprintf(stderr, "gen-dump: DUP_PERCENT is 0 to 100\n");
		return 2;
	}
	if (!strcmp(argv[1], "combo")) {
		gen_combo(rows, dup, seed);
	} else if (!strcmp(argv[1], "short")) {
		gen_short(rows, dup);
	} else {
		unsigned f = 0;
		while (f < N(fmt_name) && strcmp(argv[1], fmt_name[f]))
			f++;
		if (f == N(fmt_name)) {
			fprintf(stderr, "gen-dump: unknown format '%s'\n", argv[1]);
			return 2;
		}
		gen_persons((enum fmt)f, rows, dup, seed);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen-dump: write");
		return 1;
	}
	return 0;
}
