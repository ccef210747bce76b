#!/bin/sh
# The sql reader on scripts as each database's own tools write them, one
# fixture per dialect and construct: MySQL DELIMITER blocks, T-SQL batches
# (GO, no ';', SET IDENTITY_INSERT, [names], N'', CAST/CONVERT, hex
# datetimes, IF ... BEGIN ... END, procedures), Oracle SQL*Plus scripts
# (SET DEFINE OFF, PROMPT, REM, '/', || and chr(), to_date, q'', unistr,
# PL/SQL blocks), DB2 terminators, PostgreSQL values (ARRAY[], casts,
# adjacent literals, non-reserved column names), SQLite triggers, binary
# values, and loss counted in rows. Each is read whole and in 1-byte and
# 7-byte pieces, which must give the same records.
. "$TOP_SRCDIR/tests/lib.sh"

jl() { dt cat -q --output-format jsonl "$@" 2>/dev/null | sed 's/^{"_input":"[^"]*",/{/'; }

# check NAME DESCRIPTION: NAME.sql read gives NAME.expected, exit 0, in pieces too
check() {
	jl "$1.sql" >"$1.out"
	same_file "$1.out" "$1.expected" "$2"
	dt cat -q --output-format jsonl "$1.sql" >/dev/null 2>&1
	is $? 0 "$1: nothing rejected"
	for n in 1 7; do
		jl --chunk $n "$1.sql" >"$1.$n.out"
		same_file "$1.$n.out" "$1.out" "$1: the same records in $n-byte pieces"
	done
}

# --- tsql ---
cat >tsql.sql <<'EOF'
/****** Object:  Table [dbo].[Person Data]    Script Date: 1/1/2020 ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[Person Data](
	[Id] [int] IDENTITY(1,1) NOT NULL,
	[Full Name] [nvarchar](100) NULL,
	[Born] [datetime] NULL,
	[Key] [nvarchar](10) NULL,
	[Total] AS ([Id]*(2)),
 CONSTRAINT [PK_Person] PRIMARY KEY CLUSTERED 
(
	[Id] ASC
)WITH (PAD_INDEX = OFF) ON [PRIMARY]
) ON [PRIMARY]
GO
SET IDENTITY_INSERT [dbo].[Person Data] ON 
GO
INSERT [dbo].[Person Data] ([Id], [Full Name], [Born], [Key]) VALUES (1, N'Әлия Қасымова', CAST(N'1985-03-07T00:00:00.000' AS DateTime), N'a]]b')
GO
INSERT [dbo].[Person Data] ([Id], [Full Name], [Born], [Key]) VALUES (2, N'O''Brien', CAST(0x00007A4E00A4CB80 AS DateTime), NULL)
INSERT [dbo].[Person Data] ([Id], [Full Name], [Born], [Key]) VALUES (3, N'C:\dir\', CONVERT(datetime, '03/07/1985', 101), N'x')
GO
SET IDENTITY_INSERT [dbo].[Person Data] OFF
GO
IF NOT EXISTS (SELECT 1 FROM sys.objects WHERE name = N'x;y')
BEGIN
	INSERT [dbo].[Person Data] ([Id], [Full Name], [Born]) VALUES (4, N'in a block', CAST(N'2001-02-03' AS Date))
END
GO
CREATE PROCEDURE [dbo].[AddPerson] @name nvarchar(100)
AS
BEGIN
	SET NOCOUNT ON;
	INSERT INTO [dbo].[Person Data] ([Full Name]) VALUES (@name);
END
GO
CREATE VIEW [dbo].[v] AS
SELECT [Id] FROM [dbo].[Person Data]
INSERT INTO x VALUES (1)
GO
INSERT INTO [dbo].[Person Data] ([Id], [Full Name]) VALUES (5, N'after the procedure'), (6, N'multi-row')
GO 2
INSERT INTO #tmp ([a]) VALUES (7)
go
EOF
cat >tsql.expected <<'EOF'
{"_table":"Person Data","Id":"1","Full Name":"Әлия Қасымова","Born":"1985-03-07 00:00:00","Key":"a]]b"}
{"_table":"Person Data","Id":"2","Full Name":"O'Brien","Born":"1985-09-22 10:00:00","Key":null}
{"_table":"Person Data","Id":"3","Full Name":"C:\\dir\\","Born":"1985-03-07","Key":"x"}
{"_table":"Person Data","Id":"4","Full Name":"in a block","Born":"2001-02-03"}
{"_table":"Person Data","Id":"5","Full Name":"after the procedure"}
{"_table":"Person Data","Id":"6","Full Name":"multi-row"}
{"_table":"#tmp","a":"7"}
EOF
check tsql "T-SQL (SSMS scripts): GO batches, no ';', [names], N'', CAST and CONVERT dates, hex datetime, IF blocks, procedures and views skipped, #temp"

# --- ora ---
cat >ora.sql <<'EOF'
SET DEFINE OFF;
PROMPT Loading PEOPLE
REM INSERTING into PEOPLE
conn c##app/app
CREATE TABLE "APP"."PEOPLE" 
   (	"ID" NUMBER(10,0), 
	"NAME" VARCHAR2(100 BYTE), 
	"BORN" DATE, 
	"NOTE" VARCHAR2(200)
   ) SEGMENT CREATION IMMEDIATE TABLESPACE "USERS" ;
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (1,'R'||chr(38)||'B',to_date('1962-2-18 00:00:00','yyyy-mm-dd hh24:mi:ss'),q'[it's]');
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (2,'Jo'||'hn',to_date('18-FEB-62','DD-MON-RR'),unistr('\00c9cole'));
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (3,'Null '||NULL,TO_TIMESTAMP('2019-01-01 10:20:30.500','YYYY-MM-DD HH24:MI:SS.FF'),DATE '2020-05-06');
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (4,'Raw',SYSDATE,nextval('x'));
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (5,'Bad date',to_date('1962-13-45','yyyy-mm-dd'),'kept as written');
CREATE OR REPLACE PROCEDURE add_person(p_name VARCHAR2) IS
  v_id NUMBER;
BEGIN
  INSERT INTO PEOPLE (ID, NAME) VALUES (99, p_name);
  COMMIT;
END;
/
BEGIN
  INSERT INTO PEOPLE (ID, NAME) VALUES (98, 'in a block');
END;
/
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (6,'after',null,'x');
commit;
EOF
cat >ora.expected <<'EOF'
{"_table":"PEOPLE","ID":"1","NAME":"R&B","BORN":"1962-02-18 00:00:00","NOTE":"it's"}
{"_table":"PEOPLE","ID":"2","NAME":"John","BORN":"1962-02-18","NOTE":"École"}
{"_table":"PEOPLE","ID":"3","NAME":"Null ","BORN":"2019-01-01 10:20:30.5","NOTE":"2020-05-06"}
{"_table":"PEOPLE","ID":"4","NAME":"Raw","BORN":"SYSDATE","NOTE":"nextval('x')"}
{"_table":"PEOPLE","ID":"5","NAME":"Bad date","BORN":"to_date('1962-13-45','yyyy-mm-dd')","NOTE":"kept as written"}
{"_table":"PEOPLE","ID":"6","NAME":"after","BORN":null,"NOTE":"x"}
EOF
check ora "Oracle (SQL*Plus): SET DEFINE OFF, PROMPT, REM, conn, ||, chr(), to_date models, q'', unistr, DATE '', PL/SQL to '/', non-constants kept as written"

# Oracle's multi-row form: INSERT ALL INTO .. VALUES (..) INTO .. SELECT FROM dual
cat >all.sql <<'EOF'
INSERT ALL
  INTO t (a, b) VALUES (1, 'x')
  INTO t (a, b) VALUES (2, 'y')
  INTO u VALUES (3)
SELECT * FROM dual;
INSERT INTO t (a,b) VALUES (4,'z');
EOF
cat >all.expected <<'EOF'
{"_table":"t","a":"1","b":"x"}
{"_table":"t","a":"2","b":"y"}
{"_table":"u","col1":"3"}
{"_table":"t","a":"4","b":"z"}
EOF
check all "Oracle: INSERT ALL, a row per INTO, the tables it names"

# Firebird's SET TERM, SQL Developer's timestamps, SQLite's unistr, H2's MEMORY tables
cat >misc.sql <<'EOF'
SET TERM ^ ;
CREATE TABLE t (a int, b varchar(40))^
CREATE PROCEDURE p AS BEGIN INSERT INTO t VALUES (9, 'body'); END^
SET TERM ;^
INSERT INTO t VALUES (1, to_timestamp('01-JAN-19 12.30.00.500000000 PM','DD-MON-RR HH.MI.SSXFF AM'));
INSERT INTO t VALUES (2, unistr('caf\u00e9 \+01f600'));
CREATE MEMORY TABLE m (x int);
INSERT INTO m VALUES (3);
EOF
cat >misc.expected <<'EOF'
{"_table":"t","a":"1","b":"2019-01-01 12:30:00.5"}
{"_table":"t","a":"2","b":"café 😀"}
{"_table":"m","x":"3"}
EOF
check misc "SET TERM (Firebird), to_timestamp with X and AM, unistr's \\u and \\+ forms, CREATE MEMORY TABLE"

# many rows as INSERT ... SELECT constants UNION ALL SELECT ... (old T-SQL, Oracle's FROM dual);
# a SELECT from a table is a query, no data, and nothing is lost
cat >sel.sql <<'EOF'
CREATE TABLE [dbo].[T] ([a] int, [b] nvarchar(10), [c] datetime)
GO
INSERT INTO [dbo].[T] ([a], [b], [c])
SELECT 1, N'x', '2001-01-01' UNION ALL
SELECT 2 AS a, N'y' AS b, NULL c UNION ALL
SELECT 3, N'z' + N'!', NULL
GO
INSERT INTO T (a, b) SELECT 4, 'w' FROM dual UNION SELECT 5, 'v' FROM DUAL;
INSERT INTO T (a, b) SELECT a, b FROM other;
INSERT INTO T (a, b) VALUES (6, 'u');
EOF
cat >sel.expected <<'EOF'
{"_table":"T","a":"1","b":"x","c":"2001-01-01"}
{"_table":"T","a":"2","b":"y","c":null}
{"_table":"T","a":"3","b":"z!","c":null}
{"_table":"T","a":"4","b":"w"}
{"_table":"T","a":"5","b":"v"}
{"_table":"T","a":"6","b":"u"}
EOF
check sel "INSERT ... SELECT rows of constants (UNION ALL, aliases, FROM dual, T-SQL's +)"

# --- pg ---
cat >pg.sql <<'EOF'
CREATE TABLE public.film (
    film_id integer DEFAULT nextval('public.film_film_id_seq'::regclass) NOT NULL,
    title character varying(255) NOT NULL,
    key text,
    index integer,
    fulltext tsvector NOT NULL,
    special_features text[],
    unique boolean,
    check character varying(10),
    rating public.mpaa_rating DEFAULT 'G'::public.mpaa_rating,
    CONSTRAINT film_pk PRIMARY KEY (film_id),
    UNIQUE (title),
    CHECK (film_id > 0)
);
INSERT INTO public.film VALUES (1, 'ACADEMY DINOSAUR', 'k', 3, '''academi'':1 ''dinosaur'':2', '{"Deleted Scenes","Behind the Scenes"}', true, 'c', 'PG');
INSERT INTO public.film VALUES (2, 'ACE' 'S' -- adjacent literals
  ' HIGH', NULL, NULL, '''ace'':1', ARRAY['Trailers','Deleted Scenes', NULL], FALSE, E'tab\there', 'G'::public.mpaa_rating);
INSERT INTO public.film VALUES (3, 'E''s', 'k', - 5, 'x', ARRAY[]::text[], NULL, 'c', 'G'), (4, 'TS', 'k', + 7, 'y', NULL, NULL, 'c', 'R' COLLATE "C");
INSERT INTO public.film VALUES (5, 'neg', 'k', -(8), 'z', ARRAY[ARRAY[1,2],ARRAY[3,4]], NULL, to_timestamp('2020-01-02 03:04:05', 'YYYY-MM-DD HH24:MI:SS')::date, 'G');
EOF
cat >pg.expected <<'EOF'
{"_table":"film","film_id":"1","title":"ACADEMY DINOSAUR","key":"k","index":"3","fulltext":"'academi':1 'dinosaur':2","special_features":"{\"Deleted Scenes\",\"Behind the Scenes\"}","unique":"true","check":"c","rating":"PG"}
{"_table":"film","film_id":"2","title":"ACES HIGH","key":null,"index":null,"fulltext":"'ace':1","special_features":"{Trailers,\"Deleted Scenes\",NULL}","unique":"false","check":"tab\there","rating":"G"}
{"_table":"film","film_id":"3","title":"E's","key":"k","index":"-5","fulltext":"x","special_features":"{}","unique":null,"check":"c","rating":"G"}
{"_table":"film","film_id":"4","title":"TS","key":"k","index":"7","fulltext":"y","special_features":null,"unique":null,"check":"c","rating":"R"}
{"_table":"film","film_id":"5","title":"neg","key":"k","index":"-8","fulltext":"z","special_features":"{{1,2},{3,4}}","unique":null,"check":"2020-01-02 03:04:05","rating":"G"}
EOF
check pg "PostgreSQL: key/index/fulltext/unique/check are columns, ARRAY[], casts, adjacent literals, E'', signs, COLLATE, TRUE/FALSE"

# --- db2 ---
cat >db2.sql <<'EOF'
--#SET TERMINATOR @
CONNECT TO sample@
CREATE TABLE t (id INT, name VARCHAR(20))@
INSERT INTO t VALUES (1, 'a;b')@
CREATE PROCEDURE p() LANGUAGE SQL BEGIN INSERT INTO t VALUES (9, 'body'); END@
INSERT INTO t VALUES (2, 'b')@
EOF
cat >db2.expected <<'EOF'
{"_table":"t","id":"1","name":"a;b"}
{"_table":"t","id":"2","name":"b"}
EOF
check db2 "DB2: --#SET TERMINATOR @, a procedure body skipped"

# --- lite ---
cat >lite.sql <<'EOF'
CREATE TABLE t(a, b);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.a, 'x'); UPDATE t SET b = CASE WHEN a > 0 THEN 1 ELSE 0 END; END;
INSERT INTO t VALUES (1, 'one');
CREATE TRIGGER tr2 AFTER DELETE ON t BEGIN
  INSERT INTO log VALUES (old.a, 'y');
END;
INSERT INTO t VALUES (2, 'two');
EOF
cat >lite.expected <<'EOF'
{"_table":"t","a":"1","b":"one"}
{"_table":"t","a":"2","b":"two"}
EOF
check lite "SQLite: trigger bodies with ';' and CASE ... END skipped"

# --- MySQL: DELIMITER blocks, routines, binary values ---
cat >my.sql <<'EOF'
-- MySQL dump of routines and data (mysql client script)
/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `t` (`id` int, `name` varchar(20), `pic` blob);
DELIMITER //
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW
BEGIN
  INSERT INTO log VALUES (NEW.id, 'trigger; not data');
  IF NEW.id > 0 THEN SET NEW.name = 'x'; END IF;
END//
DELIMITER ;
INSERT INTO `t` VALUES (1,'one',NULL);
DELIMITER $$
CREATE PROCEDURE p()
BEGIN
  INSERT INTO t VALUES (99,'body',NULL);
  SELECT 'a $ b';
END $$
CREATE FUNCTION f() RETURNS INT DETERMINISTIC
BEGIN
  RETURN 1;
END $$
DELIMITER ;
INSERT INTO `t` VALUES (2,'two',_binary 'PNG'),(3,'three',X'00FF');
delimiter ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t2` AFTER INSERT ON `t` FOR EACH ROW INSERT INTO log VALUES (1) */;;
delimiter ;
INSERT INTO `t` VALUES (4,'four',0xFFD8FFE0);
EOF
# a BLOB dumped raw (no --hex-blob): escapes, then bytes that are not UTF-8
printf "INSERT INTO \`t\` VALUES (5,'raw blob','\\\\0\\\\0\377\330\\\\'\\\\\\\\x');\n" >>my.sql
cat >my.expected <<'EOF'
{"_table":"t","id":"1","name":"one","pic":null}
{"_table":"t","id":"2","name":"two","pic":"PNG"}
{"_table":"t","id":"3","name":"three","pic":"0x00ff"}
{"_table":"t","id":"4","name":"four","pic":"0xffd8ffe0"}
{"_table":"t","id":"5","name":"raw blob","pic":"0x0000ffd8275c78"}
EOF
check my "MySQL: DELIMITER // and \$\$ (END \$\$ spaced), routine bodies skipped, version-comment triggers, binary as lower-case hex"
dt sniff my.sql >sniff.out 2>&1
grep -q "table       t: 5 records" sniff.out
ok $? "MySQL: sniff counts the rows after the DELIMITER blocks"

# a statement that lost its ';' does not take the rows after it
printf 'CREATE TABLE t (a int)\nINSERT INTO t VALUES (1);\nSET x = 1\nINSERT INTO t VALUES (2);\n' >nosemi.sql
printf '{"_table":"t","a":"1"}\n{"_table":"t","a":"2"}\n' >nosemi.expected
check nosemi "a CREATE TABLE and a SET without ';': the INSERTs after them are read"

# --- loss is counted in rows ---
cat >loss.sql <<'EOF'
CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1,'a'),2,(3,'c'),(4,'d');
INSERT INTO t VALUES (5,'e' 'f' 'g'),(6,'h',7),(8,'i');
COPY t (a, b) FROM stdin WITH (FORMAT csv);
9,j
10,k
\.
INSERT INTO t VALUES (11,'l');
EOF
dt cat -q --rejects rej.txt --output-format jsonl loss.sql >loss.out 2>loss.err
is $? 1 "loss: exit 1"
is "$(sed 's/^{"_input":"[^"]*",//' loss.out | tr -d '\n')" \
	'"_table":"t","a":"1","b":"a"}"_table":"t","a":"5","b":"efg"}"_table":"t","a":"8","b":"i"}"_table":"t","a":"11","b":"l"}' \
	"loss: every row that can be read is read"
grep -q "4 records parsed, 6 rejected" loss.err
ok $? "loss: 10 rows written, 4 parsed + 6 rejected"
is "$(grep '^#' rej.txt | sed 's/^# loss.sql://')" "2:61: syntax error: '(' expected
2:61: row skipped with its statement after a syntax error
2:61: row skipped with its statement after a syntax error
3:117: row has 3 values, table 't' has 2 columns
5:180: COPY data in CSV or binary format is not read
6:184: COPY data in CSV or binary format is not read" "loss: one rejection per row lost, each with its place"
is "$(jl --table nope loss.sql | wc -l | tr -d ' ')" 0 "--table of another table: the unread COPY block is skipped, not rejected"

# --- statements, but no data ---
cat >schema.sql <<'EOF'
CREATE TABLE a (x int);
CREATE INDEX i ON a (x);
EOF
dt sniff schema.sql >sniff.out 2>sniff.err
is $? 1 "a schema without rows: sniff exits 1"
grep -q "2 SQL statements but not one row of data" sniff.err
ok $? "... and says why"
grep -q "0 parsed, 0 rejected (no data in it)" sniff.out
ok $? "... and sniff shows it"
dt cat -q --table nope loss.sql >/dev/null 2>err
grep -q "no row of table 'nope'" err
ok $? "--table naming no table of the dump says so"

# --- sniffing: scripts of every dialect are SQL, prose is not ---
printf 'REM INSERTING into EXPORT_TABLE\nSET DEFINE OFF;\nInsert into EXPORT_TABLE (A,B) values (1,%sx%s);\n' "'" "'" >s1.txt
printf 'IF EXISTS (SELECT 1 FROM sys.tables WHERE name = N%st%s)\n\tDROP TABLE [t]\nGO\nINSERT [t] ([a]) VALUES (1)\nGO\n' "'" "'" >s2.txt
printf 'PROMPT loading\nInsert into T (A) values (1);\n' >s3.txt
printf -- '--#SET TERMINATOR @\nCONNECT TO db@\nINSERT INTO t VALUES (1)@\n' >s4.txt
printf '/*!40101 SET NAMES utf8mb4 */;\nINSERT INTO t VALUES (1);\n' >s5.txt
printf '/****** Object:  Table [dbo].[t] ******/\nSET ANSI_NULLS ON\nGO\nINSERT [dbo].[t] ([a]) VALUES (1)\nGO\n' >s6.txt
for f in s1 s2 s3 s4 s5 s6; do
	dt sniff $f.txt >sniff.out 2>&1
	grep -q "format      sql" sniff.out && grep -q "1 parsed, 0 rejected" sniff.out
	ok $? "sniff: $(head -1 $f.txt | cut -c1-40) ... is SQL, its row read"
done
printf 'if you can read this, it is not SQL\nif only\n' >prose.txt
dt sniff prose.txt >sniff.out 2>&1
grep -Eq "format      (csv|lines)" sniff.out
ok $? "sniff: prose starting with 'if' is not SQL"

done_testing
