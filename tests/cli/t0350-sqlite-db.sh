#!/bin/sh
# The sqlite reader against Debian's sqlite3 shell: a database built here
# with what real app databases hold (every storage class, hard strings,
# 100 KB values, Kazakh and Russian text, names that need quoting, WITHOUT
# ROWID, AUTOINCREMENT, ANALYZE, an FTS5 table, a generated column, an
# index, a view, triggers, an empty table) is read as a file, and every
# table's records must equal what sqlite3 itself selects from it, value for
# value, and what the sql reader reads from its .dump.
#
# The truth is t0315's: sqlite3 -json over a query that renders each value
# as .dump spells it (INTEGER as %lld; REAL as %lld.0 when integral, 1e999
# and -1e999, else printf('%!.20g'); BLOB as 0x and lower-case hex; TEXT as
# it is), over the stored columns (not the generated ones) of every table
# but the internal sqlite_* ones and the virtual one (whose shadow tables
# are read instead). Then: the Chinook database, the file inside a zip and
# gzip-compressed (spooled to a temporary file), standard input, damaged and
# truncated files, --max-record, --table, UTF-16 and WAL-mode databases.
. "$TOP_SRCDIR/tests/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 is not installed"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"

# spool files go here, so that the test can see that none is left behind
mkdir spool
TMPDIR="$T_TMP/spool"
export TMPDIR

jl() { dt cat -q --output-format jsonl "$@" 2>/dev/null | jq -c 'del(._input)'; }

# --- the database ----------------------------------------------------------------
sqlite3 app.db <<'EOF' || skip_all "sqlite3 cannot build the test database (FTS5 and generated columns need 3.31 or later)"
-- every storage class, the edges of the numbers
CREATE TABLE kinds (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n NUMERIC, u);
INSERT INTO kinds VALUES (1, 0, 0.0, '', X'', 0, NULL);
INSERT INTO kinds VALUES (2, -1, -2.5, 'text', X'00FF10', '1e3', 'untyped');
INSERT INTO kinds VALUES (3, 9223372036854775807, 1.5e300, '007', X'DEADBEEF', '0x1A', 42);
INSERT INTO kinds VALUES (4, -9223372036854775808, 1e-300, '-12.5e3', zeroblob(3), ' 12 ', -0.5);
INSERT INTO kinds VALUES (5, 9223372036854775808, -2.5e-10, '3.0', 'text in a blob column', 3.0, X'41');
INSERT INTO kinds VALUES (6, 123456789012, 6.02214076e23, 'NULL', NULL, -17, 1.0e20);
INSERT INTO kinds VALUES (7, NULL, 4.9e-324, 'X''00''', NULL, 2.5, 1e999);
INSERT INTO kinds VALUES (8, -0, 1.7976931348623157e308, 'char(10)', NULL, NULL, -1e999);
INSERT INTO kinds VALUES (9, 1, 0.1, ' ', NULL, 1e15, -0.0);
INSERT INTO kinds VALUES (10, 3, 123456789.123456789, NULL, NULL, NULL, 1.5);
INSERT INTO kinds VALUES (11, 2, -9223372036854775808.0, 'min', NULL, 9223372036854775808.0, 0.30000000000000004);

-- strings that break readers
CREATE TABLE strings (id INTEGER PRIMARY KEY AUTOINCREMENT, s TEXT NOT NULL);
INSERT INTO strings (s) VALUES
	('it''s'), ('''') , (''''''), ('say "hi"'), ('"'), ('back\slash'), ('C:\'), ('\\'),
	('a,b'), ('a;b'), (';'), ('x -- not a comment'), ('/* not */ a comment'),
	('a' || char(10) || 'b'), ('a' || char(13) || 'b'), ('crlf' || char(13) || char(10) || 'end'),
	('tab' || char(9) || 'here'), ('esc' || char(27) || '[0m bell' || char(7) || char(1) || char(127)),
	('Сәлем, әлем! Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і'), ('Привет, мир; "ёлки" — «ёлки»'),
	('emoji 😀👍🏽👨‍👩‍👧 🇰🇿'), ('日本語テキスト'), ('''); DROP TABLE strings; --'),
	('{"json": "va\"lue", "list": [1, 2]}'), ('trailing space '), (' leading');

-- names that need quoting
CREATE TABLE "Client Accounts" ("Account ID" INTEGER PRIMARY KEY, "First Name" TEXT, LastName TEXT,
	"order" INTEGER, key TEXT, "index" INTEGER, "check" TEXT, "we""ird" TEXT, "Аты-жөні" TEXT);
INSERT INTO "Client Accounts" VALUES (1, 'Әсел', 'Қасымова', 3, 'k1', 10, 'yes', 'w', 'Әсел Қасымова');
INSERT INTO "Client Accounts" VALUES (2, 'Ivan', 'O''Neil', NULL, NULL, -1, NULL, '"', NULL);
CREATE TABLE "order" (id INTEGER PRIMARY KEY, total REAL DEFAULT 0.0, note TEXT CHECK (note <> 'x)'),
	status TEXT NOT NULL DEFAULT 'new' COLLATE NOCASE);
INSERT INTO "order" VALUES (1, 1500.75, 'first', 'paid'), (2, -3.0, NULL, 'refund');
CREATE TABLE [app.settings] ([key] TEXT PRIMARY KEY, [value]) WITHOUT ROWID;
INSERT INTO [app.settings] VALUES ('theme', 'dark'), ('font.size', 14), ('avatar', X'89504E470D0A1A0A');
CREATE TABLE "Пользователи" (id INTEGER PRIMARY KEY, "Имя" TEXT, "e-mail" TEXT);
INSERT INTO "Пользователи" VALUES (1, 'Админ', 'admin@example.kz');
-- a table that takes the names rowid and _rowid_: oid still reaches its rows
CREATE TABLE shadowed (rowid TEXT, _rowid_ TEXT, v INTEGER);
INSERT INTO shadowed VALUES ('a', 'b', 1), ('c', 'd', 2);

-- Android Room style: backticks, AUTOINCREMENT, a foreign key
CREATE TABLE IF NOT EXISTS `chats` (`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, `title` TEXT);
CREATE TABLE IF NOT EXISTS `messages` (`id` INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chat_id` INTEGER NOT NULL, `body` TEXT, `sent_at` INTEGER NOT NULL DEFAULT 0, `thumb` BLOB,
	FOREIGN KEY(`chat_id`) REFERENCES `chats`(`id`) ON UPDATE NO ACTION ON DELETE CASCADE);
INSERT INTO chats (title) VALUES ('Family 👨‍👩‍👧'), ('Work; "urgent"');
INSERT INTO messages (chat_id, body, sent_at, thumb) VALUES
	(1, 'Сәлем!' || char(10) || 'Қалайсың?', 1700000000123, NULL),
	(2, 'see /* this */ -- and that', 1700000000456, X'FFD8FFE0'),
	(2, NULL, 0, X'00');
CREATE TABLE audit (at INTEGER, what TEXT);
INSERT INTO audit VALUES (1, 'created');

-- WITHOUT ROWID keyed by text, a generated column
CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB, n INT) WITHOUT ROWID;
INSERT INTO kv VALUES ('b', X'0102', 2), ('a', 'plain', 1), ('c', NULL, NULL);
CREATE TABLE gen (a INTEGER, b TEXT, twice INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL,
	up TEXT GENERATED ALWAYS AS (upper(b)) STORED);
INSERT INTO gen (a, b) VALUES (21, 'x'), (-1, 'yz');

-- 100 KB values and a 64 KiB blob
CREATE TABLE long_values (id INTEGER PRIMARY KEY, t TEXT, b BLOB);
INSERT INTO long_values VALUES
	(1, substr(replace(hex(zeroblob(10000)), '00', 'lorem, ''ipsum''; \ '), 1, 100000), NULL),
	(2, substr(replace(hex(zeroblob(10000)), '00', 'ӘҒҚҢӨҰҮҺІ, '), 1, 100000), randomblob(65536));

-- many rows
CREATE TABLE bulk (id INTEGER PRIMARY KEY, email TEXT, score REAL, phone TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1500)
INSERT INTO bulk SELECT i, 'user' || i || '@example.kz', i * 0.37 - 100,
	CASE WHEN i % 7 = 0 THEN NULL ELSE printf('+7 7%09d', i) END FROM c;

CREATE TABLE empty (a INTEGER, b TEXT);

-- full-text search: a virtual table and its shadow tables
CREATE VIRTUAL TABLE search USING fts5(title, body);
INSERT INTO search VALUES ('hello', 'world, it''s me'), ('Сәлем', 'әлем');

-- the schema beyond tables: none of it is data
CREATE INDEX messages_by_chat ON messages (chat_id, sent_at DESC);
CREATE UNIQUE INDEX "Client Accounts by name" ON "Client Accounts" ("First Name", LastName);
CREATE INDEX bulk_all ON bulk (id, email, score, phone);
CREATE INDEX kv_by_n ON kv (n, k, v);
CREATE VIEW recent AS SELECT id, body FROM messages WHERE body <> 'a;b' ORDER BY sent_at DESC;
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
	INSERT INTO audit VALUES (new.sent_at, 'message; added');
END;
ANALYZE;
EOF
ok $? "sqlite3 builds the database ($(wc -c <app.db | tr -d ' ') bytes)"

# --- the truth, table by table -----------------------------------------------------
sqlite3 app.db "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
	AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY rowid" >tables.txt
ok $? "sqlite3 lists $(wc -l <tables.txt | tr -d ' ') tables (the FTS5 shadow tables among them)"

# the SELECT that renders each value of table $1 as .dump spells it, read
# from the table's own b-tree: NOT INDEXED, or for a WITHOUT ROWID table
# INDEXED BY its primary key (NOT INDEXED lets SQLite 3.40 scan a covering
# index there, in the index's order)
truth_query() {
	tq=$(printf '%s' "$1" | sed "s/'/''/g")
	sqlite3 app.db <<EOF
SELECT 'SELECT ' || group_concat(replace('CASE typeof(@)
	WHEN ''blob'' THEN ''0x'' || lower(hex(@))
	WHEN ''real'' THEN CASE
		WHEN @ = 1e999 THEN ''1e999'' WHEN @ = -1e999 THEN ''-1e999''
		WHEN @ BETWEEN -9223372036854775808 AND 9223372036854775807 AND @ = CAST(@ AS INTEGER)
		THEN CAST(CAST(@ AS INTEGER) AS TEXT) || ''.0''
		ELSE printf(''%!.20g'', @) END
	ELSE CAST(@ AS TEXT) END AS @', '@', '"' || replace(name, '"', '""') || '"'), ', ')
	|| ' FROM "' || replace('$tq', '"', '""') || '" ' || (SELECT CASE WHEN wr
		THEN 'INDEXED BY "' || replace((SELECT name FROM pragma_index_list('$tq') WHERE origin = 'pk'), '"', '""') || '"'
		ELSE 'NOT INDEXED' END FROM pragma_table_list('$tq') WHERE schema = 'main') || ';'
FROM (SELECT name FROM pragma_table_xinfo('$tq') WHERE hidden = 0 ORDER BY cid);
EOF
}

: >truth.jsonl
while IFS= read -r t; do
	truth_query "$t" | sqlite3 -json app.db | jq -c --arg t "$t" '.[] | {_table: $t} + .' >>truth.jsonl
done <tables.txt

dt cat -q --output-format jsonl app.db >whole.out 2>cat.err
is $? 0 "dumptrace cat reads the database with exit 0"
is "$(cat cat.err)" "" "nothing rejected, nothing said on stderr"
jq -c 'del(._input)' whole.out >got.jsonl
ok $? "dumptrace's output is JSON"

while IFS= read -r t; do
	jq -c --arg t "$t" 'select(._table == $t)' truth.jsonl >want.t
	jq -c --arg t "$t" 'select(._table == $t)' got.jsonl >got.t
	same_file got.t want.t "table '$t': $(wc -l <want.t | tr -d ' ') records, the same values as sqlite3 selects"
done <tables.txt
is "$(jq -r ._table got.jsonl | LC_ALL=C sort -u | grep -Fxvf tables.txt)" "" \
	"no records of other tables (sqlite_sequence, sqlite_stat1, the virtual table, a view)"
is "$(wc -l <got.jsonl | tr -d ' ')" "$(wc -l <truth.jsonl | tr -d ' ')" "as many records in all as sqlite3 holds"
same_file got.jsonl truth.jsonl "the tables come in the order they were made"
is "$(jq -c 'select(._table == "gen")' got.jsonl | head -1)" '{"_table":"gen","a":"21","b":"x"}' \
	"generated columns are not read (as .dump leaves them out)"
is "$(jq -c 'select(._table == "kinds" and .id == "7") | .u' got.jsonl)" '"1e999"' "infinity reads as 1e999, as .dump writes it"
is "$(jq -r 'select(._table == "kv") | .k' got.jsonl | tr '\n' ' ')" "a b c " \
	"a WITHOUT ROWID table is read in its key's order, not through a covering index"

# --- the database and its .dump read the same ----------------------------------------
sqlite3 app.db .dump >dump.sql
dt cat -q --output-format jsonl dump.sql 2>/dev/null | jq -c 'del(._input)
	| select(._table | test("^sqlite_(schema|master|sequence|stat[0-9])$") | not)' >dump.jsonl
# sorted: .dump's SELECT * reads kv through its covering index, in another order
LC_ALL=C sort got.jsonl >got.sorted
LC_ALL=C sort dump.jsonl >dump.sorted
same_file got.sorted dump.sorted "the sql reader reads the same records from the .dump"

# --- sniff: the format, each table's count -------------------------------------------
dt sniff app.db >sniff.out 2>&1
is $? 0 "sniff: exit 0"
grep -q "format      sqlite tables=$(wc -l <tables.txt | tr -d ' ') virtual_skipped=1 page_size=4096 encoding=UTF-8 written_by=3\.[0-9.]* quick_check=ok$" sniff.out
ok $? "sniff: the format, its tables, the skipped virtual one, page size, encoding, writer, check"
grep -q "records     $(sqlite3 app.db "SELECT printf('%,d', $(wc -l <truth.jsonl))") parsed, 0 rejected" sniff.out
ok $? "sniff: every record parsed, 0 rejected"
for t in kinds bulk "Client Accounts" app.settings search_content; do
	n=$(jq -c --arg t "$t" 'select(._table == $t)' truth.jsonl | wc -l)
	grep -qF "table       $t: $(sqlite3 app.db "SELECT printf('%,d', $n)") records" sniff.out
	ok $? "sniff: table '$t': $n records"
done
grep -qF "table       empty:" sniff.out
is $? 1 "sniff: the empty table has no records"

# --- the same file through other sources ----------------------------------------------
gzip -c app.db >app.db.gz
jl app.db.gz >gz.jsonl
same_file gz.jsonl got.jsonl "gzip-compressed (spooled to a temporary file): the same records"
zip -q app.zip app.db 2>/dev/null || cp app.db.gz app.zip.skip
if [ -f app.zip ]; then
	jl app.zip >zip.jsonl
	same_file zip.jsonl got.jsonl "inside a zip (spooled): the same records"
	dt sniff app.zip 2>&1 | grep -q "format      sqlite tables="
	ok $? "sniff: a zip member is known as a SQLite database"
else
	skip "zip is not installed"
	skip "zip is not installed"
fi
TMPDIR="$T_TMP/nowhere" jl - <app.db >stdin.jsonl
same_file stdin.jsonl got.jsonl "standard input redirected from the file: the same records, read in place"
cat app.db | jl - >pipe.jsonl
same_file pipe.jsonl got.jsonl "standard input from a pipe (spooled): the same records"
TMPDIR="$T_TMP/nowhere" jl app.db >inplace.jsonl
same_file inplace.jsonl got.jsonl "a plain file is opened where it is (no temporary directory needed)"
TMPDIR="$T_TMP/nowhere" dt cat -q app.db.gz >/dev/null 2>nowhere.err
is $? 1 "a compressed one with no temporary directory: exit 1"
grep -q "'app.db.gz': cannot make a temporary file for 'app.db.gz': No such file or directory" nowhere.err
ok $? "... saying why"
jl --chunk 7 app.db >chunk.jsonl
same_file chunk.jsonl got.jsonl "--chunk 7 (spooled): the same records"
is "$(ls spool)" "" "no spool file is left behind"

# --- the Chinook database ---------------------------------------------------------------
if [ -f "$CORPORA/sql/Chinook_Sqlite.sql" ]; then
	sqlite3 chinook.db <"$CORPORA/sql/Chinook_Sqlite.sql"
	dt sniff chinook.db >chinook.out 2>&1
	is $? 0 "Chinook: sniff exits 0"
	grep -q "records     15,607 parsed, 0 rejected" chinook.out
	ok $? "Chinook: 15,607 records, none rejected"
	is "$(grep -c '^  table ' chinook.out)" 11 "Chinook: 11 tables"
	grep -q "table       InvoiceLine: 2,240 records" chinook.out
	ok $? "Chinook: InvoiceLine has its 2,240 rows"
else
	skip "corpus $CORPORA/sql is absent"
	skip "corpus $CORPORA/sql is absent"
	skip "corpus $CORPORA/sql is absent"
	skip "corpus $CORPORA/sql is absent"
fi

# --- text that is not UTF-8, a NUL in text: hex, never a rejection ---------------------------
sqlite3 bad.db "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT);
	INSERT INTO t VALUES (1, CAST(X'C0FFEE' AS TEXT)), (2, CAST(X'610062' AS TEXT)), (3, 'ok')"
is "$(jl bad.db)" '{"_table":"t","id":"1","s":"0xc0ffee"}
{"_table":"t","id":"2","s":"0x610062"}
{"_table":"t","id":"3","s":"ok"}' "invalid UTF-8 and a NUL byte in TEXT read as hex, like a BLOB"
dt cat -q bad.db >/dev/null 2>&1
is $? 0 "... and nothing is rejected"

# --- UTF-16 and WAL-mode databases -------------------------------------------------------
sqlite3 u16.db "PRAGMA encoding = 'UTF-16be'; CREATE TABLE t (a TEXT, b INT);
	INSERT INTO t VALUES ('Сәлем, әлем', 1), ('日本語', 2), ('emoji 😀', 3)"
sqlite3 u8.db "CREATE TABLE t (a TEXT, b INT); INSERT INTO t VALUES ('Сәлем, әлем', 1), ('日本語', 2), ('emoji 😀', 3)"
is "$(jl u16.db)" "$(jl u8.db)" "a UTF-16be database reads as the same UTF-8 records"
dt sniff u16.db 2>&1 | grep -q "encoding=UTF-16be"
ok $? "sniff: the encoding of a UTF-16be database"
sqlite3 wal.db "PRAGMA journal_mode = WAL; CREATE TABLE t (a); INSERT INTO t VALUES ('in wal mode');" >/dev/null
is "$(jl wal.db)" '{"_table":"t","a":"in wal mode"}' "a WAL-mode database (checkpointed on close) reads"

# --- --table, --max-record ------------------------------------------------------------------
is "$(jl --table KV app.db | wc -l | tr -d ' ')" 3 "--table reads one table, its name in any case"
dt cat -q --table nope app.db >/dev/null 2>err
is $? 1 "--table of a table that is not there: exit 1"
grep -q "no table 'nope' in the database" err
ok $? "... saying so"

sqlite3 big.db "CREATE TABLE t (id INTEGER PRIMARY KEY, v);
	INSERT INTO t VALUES (1, 'a'), (2, zeroblob(300000)), (3, 'c'), (4, randomblob(200000)), (5, 'e');
	CREATE TABLE w (k PRIMARY KEY, v) WITHOUT ROWID;
	INSERT INTO w VALUES (1, 'a'), (2, zeroblob(300000)), (3, 'c')"
dt cat --output-format jsonl --max-record 100000 big.db >big.out 2>big.err
is $? 1 "--max-record: exit 1"
is "$(jq -c 'del(._input)' big.out)" '{"_table":"t","id":"1","v":"a"}
{"_table":"t","id":"3","v":"c"}
{"_table":"t","id":"5","v":"e"}
{"_table":"w","k":"1","v":"a"}' "rows with a value past --max-record are rejected and the rowid table read on"
grep -q "'big.db': line 2, byte 0: table 't', row 2: a value longer than 100000 bytes (--max-record); record rejected" big.err
ok $? "... the rejection names the table and the row"
grep -q "table 'w', row 2: .*rest of the table lost" big.err
ok $? "... in a WITHOUT ROWID table the rest of the table is lost, and said so"
grep -q "4 records parsed, 3 rejected" big.err
ok $? "... and counted"
dt cat --output-format jsonl --max-record 250000 big.db 2>big2.err | jq -r '._table + " " + (.id // .k)' | tr '\n' ' ' >big2.out
is "$(cat big2.out)" "t 1 t 3 t 5 w 1 " "--max-record 250000: the same rows read"
grep -q "table 't', row 4: longer than 250000 bytes (--max-record); record rejected" big2.err
ok $? "... a 200 KB blob, 400 KB in hex, is rejected as a row too long, alone"

# --- damaged files: rejections or a failure, with a message, never a crash --------------------
sqlite3 dmg.db "PRAGMA page_size = 1024; CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT);
	WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000)
	INSERT INTO t SELECT i, 'row number ' || i FROM c;
	CREATE TABLE after (a); INSERT INTO after VALUES ('read on')"
pages=$(($(wc -c <dmg.db) / 1024))
cp dmg.db dmg1.db
# a leaf page in the middle: its header and first cells overwritten
printf '\015\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of=dmg1.db bs=1 seek=$(((pages / 2 - 1) * 1024)) conv=notrunc 2>/dev/null
dt cat --output-format jsonl dmg1.db >dmg1.out 2>dmg1.err
st=$?
is $st 1 "a damaged page: exit 1, no crash"
grep -q "table 't', after row [0-9]*: database disk image is malformed; rest of the table lost; record rejected" dmg1.err
ok $? "... the table's rejection says where and what SQLite found"
n=$(jq -c 'select(._table == "t")' dmg1.out | wc -l)
[ "$n" -gt 0 ] && [ "$n" -lt 2000 ]
ok $? "... the rows before the damage are read ($n)"
is "$(jq -c 'select(._table == "after") | del(._input)' dmg1.out)" '{"_table":"after","a":"read on"}' \
	"... and the next table is read"
dt sniff dmg1.db 2>/dev/null | grep -q "quick_check=corrupt"
ok $? "sniff: quick_check finds the damage"

cp dmg.db dmg2.db
# the schema: page 1 after the header
printf '\377\377\377\377\377\377\377\377' | dd of=dmg2.db bs=1 seek=100 conv=notrunc 2>/dev/null
dt cat -q dmg2.db >/dev/null 2>dmg2.err
is $? 1 "a damaged schema page: exit 1, no crash"
grep -q "'dmg2.db': cannot read the database schema: " dmg2.err
ok $? "... with a message"

head -c $((pages / 2 * 1024 + 300)) dmg.db >trunc.db
dt cat -q --output-format jsonl trunc.db >trunc.out 2>trunc.err
is $? 1 "a truncated database: exit 1, no crash"
grep -q "'trunc.db': " trunc.err
ok $? "... with a message"
head -c 50 dmg.db >short.db
dt cat -q short.db >/dev/null 2>short.err
st=$?
[ $st -eq 1 ] || [ $st -eq 0 ]
ok $? "a file of 50 bytes of a header: no crash (exit $st)"

printf 'not a database at all\n' >text.db
dt cat -q --format sqlite text.db >/dev/null 2>text.err
is $? 1 "--format sqlite on a text file: exit 1"
grep -q "'text.db': cannot read the database schema: file is not a database" text.err
ok $? "... SQLite says it is not a database"

sqlite3 none.db "CREATE TABLE t (a); DROP TABLE t; VACUUM"
dt cat -q none.db >/dev/null 2>none.err
is $? 1 "a database without tables: exit 1 (nothing in it)"
grep -q "no table of data in the database; no record read" none.err
ok $? "... saying so"
is "$(ls spool)" "" "still no spool file left behind"

done_testing
