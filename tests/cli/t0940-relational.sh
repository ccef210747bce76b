#!/bin/sh
# Relational dumps (issue 15): columns typed with the rest of their table
# (ids and keys are numbers, a bare name beside a surname is a first name,
# names of things are not people's, codes are not dates or phones, a
# header the values do not bear out is said), and duplicates only when
# every column agrees, numbers included. Fixtures made here, then the real
# sakila, pagila, Northwind and Chinook dumps when ../shared/corpora is
# there.
. "$TOP_SRCDIR/tests/lib.sh"

# type TABLE COLUMN: the column's type in sniff.json
type() { jq -r --arg t "$1" --arg c "$2" \
	'[.inputs[].tables[] | select(.name == $t) | .columns[] | select(.name == $c) | .type] | first' sniff.json; }

# --- a small relational dump -------------------------------------------
cat >shop.sql <<'EOF'
CREATE TABLE city (city_id int, city varchar(50));
INSERT INTO city VALUES (1,'Алматы'),(2,'Астана'),(3,'Шымкент'),(4,'Караганда'),(5,'Актобе'),
 (6,'Тараз'),(7,'Павлодар'),(8,'Семей'),(9,'Костанай'),(10,'Атырау'),(11,'Орал');
CREATE TABLE customer (customer_id int, name varchar(40), surname varchar(40), email varchar(60),
 city_id int, AddressID int, phone varchar(20));
INSERT INTO customer VALUES
 (1,'Нурлан','Ахметов','n1@mail.kz',1,101,'n/a'),(2,'Мария','Иванова','m2@mail.kz',2,102,'-'),
 (3,'Ерлан','Серiков','e3@mail.kz',3,103,'none'),(4,'Айгүл','Ким','a4@mail.kz',4,104,'ask'),
 (5,'Пётр','Смирнов','p5@mail.kz',5,105,'n/a'),(6,'Ольга','Петрова','o6@mail.kz',6,106,'-'),
 (7,'Дамир','Омаров','d7@mail.kz',7,107,'no'),(8,'Жанар','Бекова','z8@mail.kz',8,108,'n/a'),
 (9,'Асель','Нурова','a9@mail.kz',9,109,'-'),(10,'Арман','Алиев','r10@mail.kz',10,110,'none'),
 (11,'Алия','Жумабаева','l11@mail.kz',11,111,'ask');
CREATE TABLE film (film_id int, title varchar(60), isbn varchar(13), last_update timestamp);
INSERT INTO film VALUES
 (1,'ACADEMY DINOSAUR','9780316769488','2006-02-15 05:03:42'),(2,'ACE GOLDFINGER','9780141439518','2006-02-15 05:03:42'),
 (3,'ADAPTATION HOLES','9780061120084','2006-02-15 05:03:42'),(4,'AFFAIR PREJUDICE','9780743273565','2006-02-15 05:03:42'),
 (5,'AFRICAN EGG','9780451524935','2006-02-15 05:03:42'),(6,'AGENT TRUMAN','9780060935467','2006-02-15 05:03:42'),
 (7,'AIRPLANE SIERRA','9780307474278','2006-02-15 05:03:42'),(8,'AIRPORT POLLOCK','9780547928227','2006-02-15 05:03:42'),
 (9,'ALABAMA DEVIL','9780140283334','2006-02-15 05:03:42'),(10,'ALADDIN CALENDAR','9780062315007','2006-02-15 05:03:42'),
 (11,'ALAMO VIDEOTAPE','9780679783268','2006-02-15 05:03:42');
CREATE TABLE genre (GenreId int, Name varchar(30));
INSERT INTO genre VALUES (1,'Rock'),(2,'Jazz'),(3,'Metal'),(4,'Alternative Punk'),(5,'Bossa Nova'),
 (6,'Blues'),(7,'Latin'),(8,'Reggae'),(9,'Pop'),(10,'Easy Listening'),(11,'Heavy Metal');
CREATE TABLE film_actor (actor_id int, film_id int, last_update timestamp);
INSERT INTO film_actor VALUES (1,1,'2006-02-15 05:05:03'),(1,2,'2006-02-15 05:05:03'),
 (2,1,'2006-02-15 05:05:03'),(2,3,'2006-02-15 05:05:03'),(3,1,'2006-02-15 05:05:03'),
 (3,4,'2006-02-15 05:05:03'),(1,2,'2006-02-15 05:05:03'),(2,3,'2006-02-15T05:05:03');
EOF
dt sniff --json shop.sql >sniff.json 2>/dev/null
ok $? "sniff reads the dump"
is "$(type customer customer_id) $(type customer city_id) $(type customer AddressID) $(type city city_id)" \
	"number number number number" "ids and keys over integers are numbers (city_id is no city, AddressID no address)"
is "$(jq -r '[.inputs[].tables[] | select(.name == "customer") | .columns[] | select(.name == "AddressID") | .header_type, .why] | join(": ")' sniff.json)" \
	"address: an id or a key: its integers are numbers" "... and sniff says what the header said and why"
is "$(type customer name) $(type customer surname)" "first_name last_name" "a bare name beside a surname: the first name"
is "$(type film title) $(type genre Name)" "text text" "film titles and a genre's Name: not people's names"
is "$(type film isbn)" "text" "ISBNs: a code, not a date"
is "$(type city city)" "city" "the city's name stays a city"
is "$(jq -r '[.inputs[].tables[] | select(.name == "customer") | .columns[] | select(.name == "phone") | .header_type, .type] | join(" ")' sniff.json)" \
	"phone text" "a phone column of no phones: not typed phone"
test -n "$(jq -r '[.inputs[].tables[] | select(.name == "customer") | .columns[] | select(.name == "phone") | .why] | first // empty' sniff.json)"
ok $? "... and it is said"
dt sniff shop.sql 2>/dev/null | grep -q 'phone  *text .*(header says phone: the values are not what the header says)'
ok $? "... in the text report too"

# duplicates: only rows whose every column agrees, numbers included
dt compare -q --json cmp.json "$TOP_SRCDIR/samples/family/telecom_2022.sql" shop.sql >/dev/null 2>&1
is "$(jq -c '[.records.duplicates, .records.duplicates_exact]' cmp.json)" "[2,1]" \
	"film_actor: distinct (actor_id, film_id) pairs with one last_update are no duplicates; (1,2) again is, and (2,3) again with its date written otherwise"

# --- "current as of": record dates of known and new rows apart --------------
cat >leak.csv <<'EOF'
iin,full_name,birth_date,email,created
870421300123,Ахметов Нурлан,1987-04-21,n1@mail.kz,2019-05-01
900101400456,Иванова Мария,1990-01-01,m2@mail.kz,2020-11-30
850615350789,Смирнов Пётр,1985-06-15,p3@mail.kz,2021-03-12
EOF
cat >claimed.csv <<'EOF'
iin,full_name,birth_date,email,created
870421300123,Ахметов Нурлан,1987-04-21,n1@mail.kz,2019-05-01
900101400456,Иванова Мария,1990-01-01,m2@mail.kz,2020-11-30
050505500111,Омаров Дамир,2005-05-05,d4@mail.kz,2024-02-29
EOF
dt ingest -q --library lib --name shop --breach-date 2021-06-01 leak.csv >/dev/null 2>&1
dt analyze -q --library lib --json fresh.json claimed.csv >/dev/null 2>&1
is "$(jq -c '.freshness | [.current_as_of, .latest_known_date, .latest_new_date, .newest_source_breach, .newest_source_leak, .youngest_birth_date, .adults_only_current_from]' fresh.json)" \
	'["2024-02-29","2020-11-30","2024-02-29","2021-06-01","shop","2005-05-05","2023-05-05"]' \
	"freshness: known rows' dates, new rows' dates, the source's breach, the youngest birth (never a latest date)"
jq -r '.verdict.evidence[]' fresh.json | grep -q "the new rows are more recent than the known ones (2024-02-29 against 2020-11-30)"
ok $? "... and the evidence says the new rows are more recent"

# --- foreign keys followed at ingest: a join of the leak's own tables is a copy ----
cat >rel-leak.sql <<'EOF'
CREATE TABLE city (city_id int, city varchar(50));
INSERT INTO city VALUES (1,'Алматы'),(2,'Астана'),(3,'Шымкент');
CREATE TABLE addresses (AddressID int, address varchar(80), CityID int, phone varchar(20));
INSERT INTO addresses VALUES (10,'ул. Абая 1, кв. 5',1,'+7 701 234 5678'),(11,'пр. Назарбаева 12, кв. 7',2,'+7 702 111 2233'),(12,'ул. Толе би 30, кв. 1',3,'+7 705 999 8877');
CREATE TABLE customer (customer_id int, first_name varchar(40), last_name varchar(40), email varchar(60), address_id int);
INSERT INTO customer VALUES (1,'Нурлан','Ахметов','n1@mail.kz',10),(2,'Мария','Иванова','m2@mail.kz',11),(3,'Ерлан','Сериков','e3@mail.kz',12);
EOF
cat >rel-joined.csv <<'EOF'
first_name,last_name,email,address,phone,city
Нурлан,Ахметов,n1@mail.kz,"ул. Абая 1, кв. 5",+7 701 234 5678,Алматы
Мария,Иванова,m2@mail.kz,"пр. Назарбаева 12, кв. 7",+7 702 111 2233,Астана
Ерлан,Сериков,e3@mail.kz,"ул. Толе би 30, кв. 1",+7 705 999 8877,Шымкент
Ерлан,Сериков,e3@mail.kz,"ул. Толе би 30, кв. 1",+7 705 999 8877,Астана
EOF
dt ingest --json --library rel-lib --name shop rel-leak.sql >rel-ingest.json 2>/dev/null
is "$(jq .references_followed rel-ingest.json)" 9 \
	"ingest --json: 9 references followed (3 customers to their address and its city, 3 addresses to their city)"
dt analyze -q --library rel-lib --json rel.json rel-joined.csv >/dev/null 2>&1
is "$(jq -c '[.status_counts.copied, .status_counts.updated]' rel.json)" "[3,1]" \
	"customer JOIN addresses JOIN city (address_id, AddressID/CityID, two hops): copied; the row with another city: updated"

# --- declared foreign keys, whatever their names ---------------------------
# phones.owner REFERENCES clients(cust_no) as a table constraint, notes.about
# inline; then as pg_dump writes it, ALTER TABLE ... FOREIGN KEY after the data
# (the fixtures are fuzz seeds too: tests/fuzz/corpus/sql)
cp "$TOP_SRCDIR/tests/fuzz/corpus/sql/declared-fk.sql" decl.sql
cp "$TOP_SRCDIR/tests/fuzz/corpus/sql/declared-fk-pg.sql" decl-pg.sql
printf 'first_name,last_name,email,phone,passport\n%s\n%s\n%s\n%s\n' \
	'Нурлан,Ахметов,n1@mail.kz,+7 701 234 5678,N12345678' 'Мария,Иванова,m2@mail.kz,+7 702 111 2233,' \
	'Ерлан,Сериков,e3@mail.kz,+7 705 999 8877,N87654321' 'Ерлан,Сериков,e3@mail.kz,+7 705 999 0000,' >decl-joined.csv
cut -d, -f1-4 decl-joined.csv >decl-joined-pg.csv
dt ingest --json --library decl-lib --name shop decl.sql >decl.json 2>/dev/null
is "$(jq .references_followed decl.json)" 5 \
	"declared keys followed whatever their names: 3 phones to their owner (FOREIGN KEY), 2 notes (inline REFERENCES)"
dt analyze -q --library decl-lib --json decl-a.json decl-joined.csv >/dev/null 2>&1
is "$(jq -c '[.status_counts.copied, .status_counts.updated]' decl-a.json)" "[3,1]" \
	"clients JOIN phones JOIN notes by declared keys: copied; the row with another phone: updated"
dt ingest --json --library decl-pg --name shop decl-pg.sql >decl.json 2>/dev/null
is "$(jq .references_followed decl.json)" 3 \
	"pg_dump's ALTER TABLE ... ADD FOREIGN KEY after the data: followed (tables still in their typing sample)"
dt analyze -q --library decl-pg --json decl-a.json decl-joined-pg.csv >/dev/null 2>&1
is "$(jq -c '[.status_counts.copied, .status_counts.updated]' decl-a.json)" "[3,1]" "... and the join is traced"

# the same past the typing sample (3,000 rows a table: typed long before the
# ALTER TABLE at the end), then with the declaration in a file of its own
# (a dump in files per table), then with the referenced rows over the budget
awk 'BEGIN {
	print "CREATE TABLE public.clients (cust_no integer NOT NULL, first_name character varying(40), last_name character varying(40), email character varying(60));"
	print "CREATE TABLE public.phones (n integer NOT NULL, owner integer NOT NULL, phone character varying(20));"
	print "COPY public.clients (cust_no, first_name, last_name, email) FROM stdin;"
	for (i = 1; i <= 3000; i++) printf "%d\tНурлан\tАхметов%d\tn%d@mail.kz\n", 100000 + i, i, i
	print "\\."
	print "COPY public.phones (n, owner, phone) FROM stdin;"
	for (i = 1; i <= 3000; i++) printf "%d\t%d\t+7 701 %07d\n", i, 100000 + i, i
	print "\\."
}' >big-pg.sql
printf '%s\n' 'ALTER TABLE ONLY public.phones' \
	'    ADD CONSTRAINT phones_owner_fkey FOREIGN KEY (owner) REFERENCES public.clients(cust_no);' >big-post.sql
awk 'BEGIN { print "first_name,last_name,email,phone"
	for (i = 1; i <= 3000; i++) printf "Нурлан,Ахметов%d,n%d@mail.kz,+7 701 %07d\n", i, i, i }' >big-joined.csv
cat big-pg.sql big-post.sql >big-one.sql
dt ingest --json --library big-pg --name shop big-one.sql >big.json 2>/dev/null
is "$(jq -c '[.references_followed, .references_unjoined_rows]' big.json)" "[3000,0]" \
	"pg_dump's ALTER TABLE ... FOREIGN KEY after 3,000 rows of each table: all 3,000 followed"
dt analyze -q --library big-pg --json big-a.json big-joined.csv >/dev/null 2>&1
is "$(jq -c '[.status_counts.copied, .status_counts.updated]' big-a.json)" "[3000,0]" "... and the join is traced: copied"
dt ingest --json --library big-split --name shop big-pg.sql big-post.sql >big.json 2>/dev/null
is "$(jq .references_followed big.json)" 3000 "... the declaration in a file of its own, after the tables' file: followed"
# over the budget: whole tables are read back, the smallest first (the 3
# towns every client names, not the 9,000 clients the phones name)
awk 'BEGIN {
	print "CREATE TABLE towns (town_no integer, town varchar(40));"
	print "INSERT INTO towns VALUES (1,\x27Алматы\x27),(2,\x27Астана\x27),(3,\x27Шымкент\x27);"
	print "COPY public.clients (cust_no, first_name, last_name, email, town) FROM stdin;"
	for (i = 1; i <= 9000; i++) printf "%d\tНурлан\tАхметов%d\tn%d@mail.kz\t%d\n", 100000 + i, i, i, i % 3 + 1
	print "\\."
	print "COPY public.phones (n, owner, phone) FROM stdin;"
	for (i = 1; i <= 9000; i++) printf "%d\t%d\t+7 701 %07d\n", i, 100000 + i, i
	print "\\."
	print "ALTER TABLE ONLY public.phones ADD CONSTRAINT f1 FOREIGN KEY (owner) REFERENCES public.clients(cust_no);"
	print "ALTER TABLE ONLY public.clients ADD CONSTRAINT f2 FOREIGN KEY (town) REFERENCES towns(town_no);"
}' >towns.sql
dt ingest --json --library big-t --name shop towns.sql >big.json 2>/dev/null
is "$(jq -c '[.references_followed, .references_unjoined_rows]' big.json)" "[27000,0]" \
	"clients to their town, phones to their client and its town: 27,000 references"
dt ingest --json --library big-lm --name shop --memory 1M towns.sql >big.json 2>big.err
is "$(jq -c '[.references_followed, .references_unjoined_rows]' big.json)" "[9000,9000]" \
	"--memory 1M: the towns read back, the 9,000 clients past the budget (half of it) counted, not joined"
dt ingest --library big-lm2 --name shop --memory 1M towns.sql 2>&1 | grep -q "warning: 9,000 rows of referenced tables were past the memory budget"
ok $? "... and warned of"

# where the rows cannot be kept (more than the 1 MiB a worker holds): said, library unchanged
awk 'BEGIN { print "COPY public.clients (cust_no, first_name, last_name, email) FROM stdin;"
	for (i = 1; i <= 12000; i++) printf "%d\tНурлан\tАхметов%d\tn%d@mail.kz\n", 100000 + i, i, i
	print "\\." }' >many.sql
TMPDIR=$T_TMP/none dt ingest -q -j 1 --library big-none --name shop many.sql big-post.sql 2>err.txt
is "$?" 2 "no temporary directory for the rows of the keys: exit 2"
grep -q "the rows kept for the foreign keys: a temporary file in '$T_TMP/none'" err.txt
ok $? "... and why: $(head -c 200 err.txt)"

# --- the real dumps --------------------------------------------------------
if [ -d "$CORPORA/real" ]; then
	R="$CORPORA/real"
	for f in pg-sakila-plain.sql sakila-mysql-full.sql; do
		dt sniff --json "$R/$f" >sniff.json 2>/dev/null
		is "$(type address address_id) $(type address city_id) $(type customer address_id) $(type city city_id)" \
			"number number number number" "$f: address_id and city_id are numbers"
		is "$(type category name) $(type language name) $(type film title)" "text text text" \
			"$f: a category's, a language's name and film titles are text"
		is "$(type actor first_name) $(type actor last_name) $(type customer email)" \
			"first_name last_name email" "$f: people stay people"
		dt compare -q --json cmp.json "$R/northwind.sql" "$R/$f" >/dev/null 2>&1
		is "$(jq -c '[.records.duplicates, .records.duplicates_exact]' cmp.json)" "[0,0]" \
			"$f: no row of sakila repeats another (film_actor's 5,462 pairs were 'duplicates' once)"
	done
	dt sniff --json "$R/northwind.sql" >sniff.json 2>/dev/null
	is "$(type orders ship_address) $(type customers company_name) $(type customers contact_name) $(type products product_name)" \
		"address text full_name text" "Northwind: ship_address is an address (no IP), company and product names text, contacts people"
else
	for i in 1 2 3 4 5 6 7 8 9; do skip "corpus $CORPORA/real is absent"; done
fi
if [ -f "$CORPORA/sql/Chinook_PostgreSql.sql" ]; then
	dt sniff --json "$CORPORA/sql/Chinook_PostgreSql.sql" >sniff.json 2>/dev/null
	is "$(type artist name) $(type track name) $(type genre name) $(type track genre_id) $(type customer first_name)" \
		"text text text number first_name" "Chinook: artists, tracks, genres are things; genre_id a number; customers people"
else
	skip "corpus $CORPORA/sql is absent"
fi

done_testing
