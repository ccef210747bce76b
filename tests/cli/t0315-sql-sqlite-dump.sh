#!/bin/sh
# The sql reader against Debian's sqlite3 shell: a database built here with
# what real app databases hold (every storage class, hard strings, 100 KB
# values, names that need quoting, WITHOUT ROWID, AUTOINCREMENT, ANALYZE,
# an FTS5 table, a generated column, an index, a view, triggers) is written
# with `.dump`, and every table's records must equal what sqlite3 itself
# selects from the database, value for value.
#
# The truth is sqlite3 -json over a query that renders each value as the
# dump spells it, so both sides are JSON strings (or null) and compare
# exactly:
#  - TEXT as it is; INTEGER as CAST(x AS TEXT), the %lld .dump writes;
#  - REAL as .dump writes it: one that holds an integer as %lld.0 (3.0,
#    -63.0: SQLite's printf('%!.20g') would give -63.000000000000000001),
#    +-Inf as 1e999 and -1e999, any other with printf('%!.20g');
#  - BLOB as 0x and lower-case hex (dumptrace prints binary values so);
#    sqlite3 -json itself would print the blob's raw bytes.
# Generated columns are not in the dump (INSERT INTO g VALUES holds the
# stored columns only), so they are not in the truth either. Tables the
# dump never creates (sqlite_sequence, sqlite_stat1) have no column names
# for dumptrace to know: for them only the values are compared.
# Debian 12's sqlite3 is 3.40: newlines and carriage returns come as
# replace(replace('..\r..\n..','\r',char(13)),'\n',char(10)), with other
# escape names (\012, \015, (\n0)) when the text holds those already; the
# newer shells' unistr() is not used.
. "$TOP_SRCDIR/tests/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 is not installed"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"

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

-- strings that break readers
CREATE TABLE strings (id INTEGER PRIMARY KEY AUTOINCREMENT, s TEXT NOT NULL);
INSERT INTO strings (s) VALUES
	('it''s'), ('''') , (''''''), ('say "hi"'), ('"'), ('back\slash'), ('C:\'), ('\\'),
	('\'''), ('a,b'), ('a;b'), (';'), ('x -- not a comment'), ('--'), ('/* not */ a comment'),
	('/*'), ('*/'), ('a' || char(10) || 'b'), ('a' || char(13) || 'b'),
	('crlf' || char(13) || char(10) || 'end'), (char(10)), (char(13) || char(10)),
	('tab' || char(9) || 'here'), ('C:\new' || char(10) || 'dir'),
	('\n\r\012\015' || char(10) || char(13) || 'all of them'),
	('\n \012 (\n0) (\n1)' || char(10)), ('esc' || char(27) || '[0m bell' || char(7) || char(1) || char(127)),
	('Сәлем, әлем! Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і'), ('Привет, мир; "ёлки" — «ёлки»'),
	('emoji 😀👍🏽👨‍👩‍👧 🇰🇿'), ('日本語テキスト'), ('''); DROP TABLE strings; --'),
	('INSERT INTO strings VALUES(999,''fake'');'), ('END;'), ('replace(''a'',''b'',char(10))'),
	('unistr(''\u000a'')'), ('{"json": "va\"lue", "list": [1, 2]}'), ('https://x.kz/?a=1&b=''2''#frag'),
	('trailing space '), (' leading'), ('VALUES('), (')'), ('),(');

-- names that need quoting; key and fulltext need none in SQLite
CREATE TABLE "Client Accounts" ("Account ID" INTEGER PRIMARY KEY, "First Name" TEXT, LastName TEXT,
	"order" INTEGER, key TEXT, "index" INTEGER, "check" TEXT, fulltext TEXT, "primary" TEXT,
	"unique" TEXT, "we""ird" TEXT);
INSERT INTO "Client Accounts" VALUES (1, 'Әсел', 'Қасымова', 3, 'k1', 10, 'yes', 'ft', 'p', 'u', 'w');
INSERT INTO "Client Accounts" VALUES (2, 'Ivan', 'O''Neil', NULL, NULL, -1, NULL, '', '', NULL, '"');
CREATE TABLE "order" (
	id INTEGER PRIMARY KEY, -- the order number, it's unique
	/* money; in tenge */ total REAL DEFAULT 0.0,
	note TEXT DEFAULT 'n/a, none; (really)' CHECK (note <> 'x)'),
	status TEXT NOT NULL DEFAULT 'new' COLLATE NOCASE,
	UNIQUE (note, status) ON CONFLICT REPLACE
);
INSERT INTO "order" VALUES (1, 1500.75, 'first', 'paid'), (2, -3.0, NULL, 'refund');
CREATE TABLE [app.settings] ([key] TEXT PRIMARY KEY, [value]) WITHOUT ROWID;
INSERT INTO [app.settings] VALUES ('theme', 'dark'), ('font.size', 14), ('avatar', X'89504E470D0A1A0A');
CREATE TABLE UserProfile ("UserId" INTEGER PRIMARY KEY, DisplayName TEXT, "e-mail" TEXT);
INSERT INTO UserProfile VALUES (1, 'Admin', 'admin@example.kz');

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

-- 100 KB values: plain, with newlines (one replace() around it all),
-- Cyrillic and Kazakh (two bytes a letter), and a 64 KiB blob
CREATE TABLE long_values (id INTEGER PRIMARY KEY, t TEXT, b BLOB);
INSERT INTO long_values VALUES
	(1, substr(replace(hex(zeroblob(10000)), '00', 'lorem, ''ipsum''; \ '), 1, 100000), NULL),
	(2, substr(replace(hex(zeroblob(10000)), '00', 'line;''q''' || char(10) || '--x' || char(13)), 1, 100000), NULL),
	(3, substr(replace(hex(zeroblob(10000)), '00', 'ӘҒҚҢӨҰҮҺІ, '), 1, 100000), randomblob(65536));

-- many rows, one INSERT each in the dump
CREATE TABLE bulk (id INTEGER PRIMARY KEY, email TEXT, score REAL, phone TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1500)
INSERT INTO bulk SELECT i, 'user' || i || '@example.kz', i * 0.37 - 100,
	CASE WHEN i % 7 = 0 THEN NULL ELSE printf('+7 7%09d', i) END FROM c;

CREATE TABLE empty (a INTEGER, b TEXT);

-- full-text search: shadow tables with single-quoted names, a schema row
CREATE VIRTUAL TABLE search USING fts5(title, body);
INSERT INTO search VALUES ('hello', 'world, it''s me'), ('Сәлем', 'әлем');

-- the schema beyond tables: none of it is data
CREATE INDEX messages_by_chat ON messages (chat_id, sent_at DESC);
CREATE UNIQUE INDEX "Client Accounts by name" ON "Client Accounts" ("First Name", LastName)
	WHERE "First Name" <> 'x;y';
CREATE VIEW recent AS SELECT id, body FROM messages WHERE body <> 'a;b' ORDER BY sent_at DESC;
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
	INSERT INTO audit VALUES (new.sent_at, 'message; added');
	UPDATE chats SET title = title || ' (new)' WHERE id = new.chat_id;
	SELECT CASE WHEN new.body IS NULL THEN 'empty' ELSE 'full' END;
	INSERT INTO audit (at, what) VALUES (0, 'END;'), (1, 'after the CASE END');
	DELETE FROM audit WHERE at < 0;
END;
CREATE TRIGGER recent_io INSTEAD OF DELETE ON recent BEGIN
	DELETE FROM messages WHERE id = old.id; INSERT INTO audit VALUES (-1, 'deleted');
END;
ANALYZE;
EOF
sqlite3 app.db .dump >dump.sql
ok $? "sqlite3 .dump writes the database ($(wc -c <dump.sql | tr -d ' ') bytes)"

# --- the truth, table by table -----------------------------------------------------
# tables with rows in the dump: every real table, and sqlite_schema for the
# virtual table's row (.dump writes it with PRAGMA writable_schema=ON)
sqlite3 app.db "SELECT name FROM sqlite_schema WHERE type = 'table'
	AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name" >tables.txt
echo sqlite_schema >>tables.txt

# the SELECT that renders each value of table $1 as the dump spells it,
# written by sqlite3 from one template, @ standing for the column
truth_query() {
	if [ "$1" = sqlite_schema ]; then
		echo "SELECT type, name, tbl_name, CAST(rootpage AS TEXT) AS rootpage, sql
			FROM sqlite_schema WHERE sql LIKE 'CREATE VIRTUAL TABLE%';"
		return
	fi
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
	|| ' FROM "' || replace('$tq', '"', '""') || '";'
FROM (SELECT name FROM pragma_table_xinfo('$tq') WHERE hidden = 0 ORDER BY cid);
EOF
}

# one JSON object a line, "_table" first, then the columns in order; for
# the tables the dump never creates, "_table" and the values only
shape='if (._table | test("^sqlite_(sequence|stat[0-9])$")) then [._table] + [.[]][1:] else . end'

: >truth.jsonl
while IFS= read -r t; do
	truth_query "$t" | sqlite3 -json app.db | jq -c --arg t "$t" ".[] | {_table: \$t} + . | $shape" >>truth.jsonl
done <tables.txt

dt cat -q --output-format jsonl dump.sql >whole.out 2>cat.err
is $? 0 "dumptrace cat reads the dump with exit 0"
is "$(cat cat.err)" "" "nothing rejected, nothing said on stderr"
jq -c "del(._input) | $shape" whole.out >got.jsonl
ok $? "dumptrace's output is JSON"

# --- values, table by table -------------------------------------------------------
while IFS= read -r t; do
	jq -c --arg t "$t" 'select((if type == "array" then .[0] else ._table end) == $t)' truth.jsonl >want.t
	jq -c --arg t "$t" 'select((if type == "array" then .[0] else ._table end) == $t)' got.jsonl >got.t
	same_file got.t want.t "table '$t': $(wc -l <want.t | tr -d ' ') records, the same values as sqlite3 selects"
done <tables.txt
jq -r 'if type == "array" then .[0] else ._table end' got.jsonl | LC_ALL=C sort -u >got.tables
LC_ALL=C sort -u tables.txt | grep -Fxf got.tables >known.tables
is "$(grep -Fxvf known.tables got.tables)" "" "no records of other tables (a trigger or view body read as data)"
is "$(wc -l <got.jsonl | tr -d ' ')" "$(wc -l <truth.jsonl | tr -d ' ')" "as many records in all as sqlite3 holds"

# --- sniff: each table's count, nothing rejected ----------------------------------
dt sniff dump.sql >sniff.out 2>&1
is $? 0 "sniff: exit 0"
grep -q "format      sql dialect=sqlite tool=sqlite3" sniff.out
ok $? "sniff: sqlite dialect, sqlite3 tool"
grep -q "records     $(sqlite3 app.db "SELECT printf('%,d', $(wc -l <truth.jsonl))") parsed, 0 rejected" sniff.out
ok $? "sniff: every record parsed, 0 rejected"
while IFS= read -r t; do
	n=$(jq -c --arg t "$t" 'select((if type == "array" then .[0] else ._table end) == $t)' truth.jsonl | wc -l)
	if [ "$n" -eq 0 ]; then
		# an empty table is listed with 0 records or not at all
		grep -F "table       $t: " sniff.out | grep -vqF "table       $t: 0 records"
		is $? 1 "sniff: table '$t' has no records"
	else
		grep -qF "table       $t: $(sqlite3 app.db "SELECT printf('%,d', $n)") records" sniff.out
		ok $? "sniff: table '$t': $n records"
	fi
done <tables.txt

# --- odd-sized pieces give the same records ---------------------------------------
for c in 1 7; do
	dt cat -q --chunk $c --output-format jsonl dump.sql >chunk.out 2>/dev/null
	same_file chunk.out whole.out "--chunk $c gives the same records as the whole read"
done

done_testing
