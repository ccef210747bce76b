#!/bin/sh
# The sql reader on small dumps written by hand, one per dialect and one
# per kind of breakage: what each syntax feature reads as, what is
# rejected and where, --table, sniff's table list, chunked reading, and a
# 100 MB extended INSERT read in bounded memory.
. "$TOP_SRCDIR/tests/lib.sh"

jl() { dt cat -q --output-format jsonl "$@" 2>/dev/null | sed 's/^{"_input":"[^"]*",/{/'; }

# --- mysqldump / mariadb-dump ------------------------------------------------
cat >my.sql <<'EOF'
-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `email` varchar(80) DEFAULT 'x,y' COMMENT 'it\'s (an) email',
  name text,
  `hash` varbinary(16),
  PRIMARY KEY (`id`),
  UNIQUE KEY `email` (`email`),
  KEY `n` (`name`(10)),
  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `other` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `users` WRITE;
/*!40000 ALTER TABLE `users` DISABLE KEYS */;
INSERT INTO `users` VALUES (1,'a@x.kz','O\'Brien \\ \"Bob\"',0x00FF),(2,'b@x.kz','two\nlines\r\ttab',X'4142'),
(3,'c@x.kz','it''s \Z end',_binary 'abc'),(4,NULL,-12.5e3,_binary '\0\Z');
/*!40000 ALTER TABLE `users` ENABLE KEYS */;
UNLOCK TABLES;
# a hash comment
INSERT IGNORE INTO `users` (`id`, `email`, `name`, `hash`) VALUES (5,'e@x.kz','five',NULL);
REPLACE INTO `users` (`email`,`id`,`name`,`hash`) VALUES ('f@x.kz',6,'six',NULL);
INSERT
  INTO users
  VALUES
  (7,   -- a comment inside
   'g@x.kz', /* another */ 'se;ven', NULL)
  ON DUPLICATE KEY UPDATE name = VALUES(name);
INSERT INTO `users` VALUES (8,'h@x.kz','C:\\dir\ x',NULL);
EOF
cat >my.expected <<'EOF'
{"_table":"users","id":"1","email":"a@x.kz","name":"O'Brien \\ \"Bob\"","hash":"0x00ff"}
{"_table":"users","id":"2","email":"b@x.kz","name":"two\nlines\r\ttab","hash":"0x4142"}
{"_table":"users","id":"3","email":"c@x.kz","name":"it's \u001a end","hash":"abc"}
{"_table":"users","id":"4","email":null,"name":"-12.5e3","hash":"0x001a"}
{"_table":"users","id":"5","email":"e@x.kz","name":"five","hash":null}
{"_table":"users","email":"f@x.kz","id":"6","name":"six","hash":null}
{"_table":"users","id":"7","email":"g@x.kz","name":"se;ven","hash":null}
{"_table":"users","id":"8","email":"h@x.kz","name":"C:\\dir\\ x","hash":null}
EOF
jl my.sql >my.out
same_file my.out my.expected "mysqldump: keys skipped, escapes, NULL, numbers, hex, _binary, comments, IGNORE, REPLACE, column lists"
dt sniff my.sql >sniff.out 2>&1
grep -q "format      sql dialect=mysql tool=mysqldump strings=backslash-escapes" sniff.out
ok $? "mysqldump: sniff names the format and dialect"
grep -q "table       users: 8 records" sniff.out
ok $? "mysqldump: sniff lists the table with its row count"

# \0 gives a NUL byte, and bytes that are not text are binary: the value
# becomes hex (as --hex-blob writes it) and the row is kept
printf "INSERT INTO t VALUES ('a\\\\0b'),('ok'),('c\\\\'d');\n" >nul.sql
is "$(jl nul.sql)" '{"_table":"t","col1":"0x610062"}
{"_table":"t","col1":"ok"}
{"_table":"t","col1":"c'"'"'d"}' "a \\0 escape (NUL byte): the value becomes hex, no row is lost"
dt cat nul.sql >/dev/null 2>err
is $? 0 "a NUL in a value rejects nothing"

# a raw NUL byte, and bytes that are not UTF-8 (a BLOB dumped without --hex-blob)
printf "/*!40101 SET NAMES utf8mb4 */;\nINSERT INTO t VALUES ('a\0b'),('ok'),('\377\330\377\340');\n" >rawnul.sql
is "$(jl rawnul.sql)" '{"_table":"t","col1":"0x610062"}
{"_table":"t","col1":"ok"}
{"_table":"t","col1":"0xffd8ffe0"}' "raw binary bytes in a string: hex, the rows kept"

# --- pg_dump ------------------------------------------------------------------
{
	cat <<'EOF'
--
-- PostgreSQL database dump
--

\restrict abcdef
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.customer (
    id integer NOT NULL,
    "Full Name" character varying(40),
    note text DEFAULT 'a;b'::text,
    CONSTRAINT c CHECK ((id > 0))
);

CREATE FUNCTION public.trg() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
BEGIN
  INSERT INTO customer VALUES (99, 'not data', 'x');
  RETURN NEW; -- 'quote
END;
$_$;

CREATE FUNCTION public.f2() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;

EOF
	printf 'COPY public.customer (id, "Full Name", note) FROM stdin;\n'
	printf '1\tAnna\ta\\tb\\nc\\\\d\n'
	printf '2\t\\N\t\\b\\f\\r\\v\n'
	printf '3\tB\\303\\251la\t\\x41\\x4a\\101z\n'
	printf '4\t\t\n'
	printf '\\.\n'
	cat <<'EOF'

INSERT INTO public.customer VALUES (5, 'C:\dir', E'tab\there\\ \x41\101\u00e9');
INSERT INTO public.customer (id, "Full Name", note) VALUES (6, 'O''Hara', NULL), (7, 'seven', '{1,2}'::text[]);
INSERT INTO "public"."customer" VALUES
	(8, 'rows-per-insert', ''),
	(9, 'nine', 'x') ON CONFLICT DO NOTHING;

ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (id);
EOF
} >pg.sql
cat >pg.expected <<'EOF'
{"_table":"customer","id":"1","Full Name":"Anna","note":"a\tb\nc\\d"}
{"_table":"customer","id":"2","Full Name":null,"note":"\b\f\r\u000b"}
{"_table":"customer","id":"3","Full Name":"Béla","note":"AJAz"}
{"_table":"customer","id":"4","Full Name":"","note":""}
{"_table":"customer","id":"5","Full Name":"C:\\dir","note":"tab\there\\ AAé"}
{"_table":"customer","id":"6","Full Name":"O'Hara","note":null}
{"_table":"customer","id":"7","Full Name":"seven","note":"{1,2}"}
{"_table":"customer","id":"8","Full Name":"rows-per-insert","note":""}
{"_table":"customer","id":"9","Full Name":"nine","note":"x"}
EOF
jl pg.sql >pg.out
same_file pg.out pg.expected "pg_dump: COPY escapes, \\N, standard and E'' strings, dollar-quoted bodies, quoted names"
dt sniff pg.sql >sniff.out 2>&1
grep -q "dialect=postgres tool=pg_dump strings=standard" sniff.out
ok $? "pg_dump: sniff names the dialect"

# standard_conforming_strings off: backslashes escape in plain strings
cat >pgoff.sql <<'EOF'
SET standard_conforming_strings = off;
INSERT INTO t VALUES ('a\tb\\c');
SET standard_conforming_strings = on;
INSERT INTO t VALUES ('a\tb');
EOF
is "$(jl pgoff.sql)" '{"_table":"t","col1":"a\tb\\c"}
{"_table":"t","col1":"a\\tb"}' "standard_conforming_strings off, then on"

# --- SQLite .dump ---------------------------------------------------------------
cat >lite.sql <<'EOF'
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE [people] ([id] INTEGER PRIMARY KEY, "name" TEXT, bio TEXT, pic BLOB);
INSERT INTO people VALUES(1,'it''s me',replace(replace('a\nb\rc','\r',char(13)),'\n',char(10)),X'00ff');
INSERT INTO "people" VALUES(2,'back\slash',NULL,NULL);
CREATE TRIGGER tr AFTER INSERT ON people BEGIN INSERT INTO log VALUES(new.id); END;
CREATE INDEX i ON people(name);
COMMIT;
EOF
cat >lite.expected <<'EOF'
{"_table":"people","id":"1","name":"it's me","bio":"a\nb\rc","pic":"0x00ff"}
{"_table":"people","id":"2","name":"back\\slash","bio":null,"pic":null}
EOF
jl lite.sql >lite.out
same_file lite.out lite.expected "sqlite .dump: [names], '' quoting, replace()/char(), blobs, triggers skipped"
dt sniff lite.sql >sniff.out 2>&1
grep -q "dialect=sqlite tool=sqlite3 strings=standard" sniff.out
ok $? "sqlite: sniff names the dialect"

# --- several tables, --table, sniff ---------------------------------------------
cat >multi.sql <<'EOF'
CREATE TABLE a (x int, y text);
CREATE TABLE b (z int);
INSERT INTO a VALUES (1,'one'),(2,'two');
INSERT INTO b VALUES (10),(20),(30);
INSERT INTO public.a VALUES (3,'three');
INSERT INTO c VALUES ('no create', 1);
EOF
dt sniff multi.sql >sniff.out 2>&1
is "$(grep '^  table' sniff.out)" "  table       a: 3 records
  table       b: 3 records
  table       c: 1 records" "sniff lists every table with its row count"
grep -q "col2" sniff.out
ok $? "a table without CREATE TABLE gets col1..colN"
is "$(jl --table b multi.sql | tr -d '\n')" '{"_table":"b","z":"10"}{"_table":"b","z":"20"}{"_table":"b","z":"30"}' \
	"--table b reads only b"
is "$(jl --table public.a multi.sql | wc -l | tr -d ' ')" 3 "--table schema.a matches a"
is "$(jl --table nope multi.sql | wc -l | tr -d ' ')" 0 "--table of no table: nothing"

# --- bad inputs -------------------------------------------------------------------
cat >bad.sql <<'EOF'
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1,'x'),(2,'y','extra'),(3,'z');
this is not sql;
INSERT INTO t VALUES (4 'w'),(5,'v');
INSERT INTO t VALUES (6,'u');
INSERT INTO t (a) VALUES (7);
INSERT INTO t VALUES (8,'never closed);
EOF
dt cat -q --rejects rej.txt --output-format jsonl bad.sql >bad.out 2>bad.err
is $? 1 "bad inputs: exit 1"
is "$(sed 's/^{"_input":"[^"]*",//' bad.out | tr -d '\n')" \
	'"_table":"t","a":"1","b":"x"}"_table":"t","a":"3","b":"z"}"_table":"t","a":"5","b":"v"}"_table":"t","a":"6","b":"u"}"_table":"t","a":"7"}' \
	"bad inputs: the good rows are read, (5,'v') after a bad row of its statement too"
grep -q "5 records parsed, 4 rejected" bad.err
ok $? "bad inputs: the counts add up"
is "$(grep '^#' rej.txt | sed 's/^# bad.sql://')" "2:61: row has 3 values, table 't' has 2 columns
3:86: not an SQL statement
4:124: row has 1 values, table 't' has 2 columns
7:225: the input ends inside a string: a string not closed; the rest of its line is skipped, reading goes on at the next line" "bad inputs: reasons with line and byte"
grep -q "^(2,'y','extra')$" rej.txt
ok $? "bad inputs: the rejected row is kept as written"

# garbage that never ends, and a string open at the end
printf 'INSERT INTO t VALUES (1);\n\001\002garbage' >garbage.sql
dt cat -q garbage.sql >/dev/null 2>err
grep -q "1 records parsed, 1 rejected" err
ok $? "garbage at the end: rejected, the row before it read"

# --- chunked reading: same records for every fixture ------------------------------
for f in my pg pgoff lite multi bad nul; do
	dt cat -q --output-format jsonl "$f.sql" >whole.out 2>/dev/null
	dt cat -q --chunk 1 --output-format jsonl "$f.sql" >c1.out 2>/dev/null
	dt cat -q --chunk 31 --output-format jsonl "$f.sql" >c31.out 2>/dev/null
	cmp -s whole.out c1.out && cmp -s whole.out c31.out
	ok $? "$f.sql: --chunk 1 and --chunk 31 give the same records"
done

# --- sniffing: every fixture is found to be sql -----------------------------------
for f in my pg pgoff lite multi bad; do
	dt sniff "$f.sql" 2>/dev/null | grep -q "format      sql"
	ok $? "$f.sql is sniffed as sql"
done
printf '[{"a": "INSERT INTO t VALUES (1);"}]\n' >j.json
dt sniff j.json 2>/dev/null | grep -q "format      sql"
is $? 1 "JSON text mentioning INSERT INTO is not sniffed as sql"

# --- --max-record: a row too long is rejected, the next ones read ------------------
{
	printf "INSERT INTO t VALUES (1,'short'),(2,'"
	head -c 5000 /dev/zero | tr '\0' 'a'
	printf "'),(3,'after');\n"
} >long.sql
is "$(jl --max-record 1k long.sql | tr -d '\n')" '{"_table":"t","col1":"1","col2":"short"}{"_table":"t","col1":"3","col2":"after"}' \
	"a row longer than --max-record is rejected alone"

# --- a 100 MB extended INSERT on one line: streamed, bounded memory ---------------
awk 'BEGIN {
	printf "CREATE TABLE big (id int, email text, name text);\nINSERT INTO big VALUES "
	for (i = 1; i <= 1000000; i++)
		printf "%s(%d,'\''user%d@example.kz'\'','\''Name \\'\''%d\\'\'' with some padding text, a little longer ....... ok'\'')",
			(i > 1 ? "," : ""), i, i, i
	printf ";\n"
}' >big.sql
size=$(wc -c <big.sql)
test "$size" -gt 100000000
ok $? "the generated INSERT is over 100 MB ($size bytes)"
if /usr/bin/time -f %M true 2>/dev/null; then
	/usr/bin/time -f %M -o mem.txt "$DUMPTRACE" sniff -q --max-record 1k big.sql >sniff.out 2>/dev/null
	grep -q "table       big: 1,000,000 records" sniff.out
	ok $? "all 1,000,000 rows of the 100 MB line come out"
	kb=$(tail -1 mem.txt)
	test "$kb" -lt 200000
	ok $? "memory stays bounded (max RSS ${kb} KiB < 200 MB)"
else
	skip "/usr/bin/time is not usable"
	skip "/usr/bin/time is not usable"
fi
dt cat -q --output-format jsonl big.sql 2>/dev/null | tail -1 >last.out
is "$(cat last.out)" '{"_input":"big.sql","_table":"big","id":"1000000","email":"user1000000@example.kz","name":"Name '"'"'1000000'"'"' with some padding text, a little longer ....... ok"}' \
	"the last row of the 100 MB line is read whole"
rm -f big.sql

done_testing
