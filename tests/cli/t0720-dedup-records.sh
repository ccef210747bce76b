#!/bin/sh
# dedup in record mode: records equal after normalization are removed, the
# first kept, whatever the spelling, format, column order or thread count.
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C

cat >p.csv <<'CSV'
iin,full_name,phone,email
870421300123,АХМЕТОВ НҰРЛАН,8 (701) 234-56-78,Nurlan@Mail.ru
870421300123,Akhmetov Nurlan,+77012345678,nurlan@mail.ru
900101400456,Иванова Мария,87079876543,maria@x.kz
870421300123,Ахметов Нурлан,+7 701 234 5678, NURLAN@mail.ru 
900101400456,Иванова Мария,87079876543,other@x.kz
CSV
dt dedup p.csv >out.csv 2>err; is $? 0 "exit 0"
is "$(cat out.csv)" "$(printf 'iin,full_name,phone,email\n870421300123,АХМЕТОВ НҰРЛАН,8 (701) 234-56-78,Nurlan@Mail.ru\n900101400456,Иванова Мария,87079876543,maria@x.kz\n900101400456,Иванова Мария,87079876543,other@x.kz')" \
	"spellings, phone formats and e-mail case are one record; the first kept"
grep -q "5 records in, 3 unique, 2 duplicates removed, 0 rejected" err; ok $? "statistics"
dt dedup --key iin p.csv 2>/dev/null | tail -n +2 | cut -d, -f1 >keys
is "$(cat keys | tr '\n' ' ')" "870421300123 900101400456 " "--key iin: one record per IIN"
dt dedup --key national_id p.csv 2>/dev/null | tail -n +2 | cut -d, -f1 >keys2
same_file keys2 keys "--key by type name"
dt dedup --output-format jsonl p.csv 2>/dev/null >out.jsonl
is "$(jq -r .iin out.jsonl | tr '\n' ' ')" "870421300123 900101400456 900101400456 " "--output-format jsonl"

# --type: a column read as text unless told it holds phones
printf 'id,contact\n1,8 (701) 111-22-33\n2,+77011112233\n3,n/a\n4,unknown\n5,ask\n6,n/a\n' >ph.csv
is "$(dt dedup -q --key contact ph.csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "1 2 3 4 5 " \
	"a column of mixed values is text: two phone spellings differ"
is "$(dt dedup -q --key contact --type contact=phone ph.csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "1 3 4 5 " \
	"--type contact=phone: the two spellings are one; other values still count"

# the same records in another column order and under other names
printf 'EMAIL;Телефон;ФИО;ИИН\nnurlan@mail.ru;87012345678;Nurlan Akhmetov;870421300123\nnew@x.kz;87000000000;Новый Человек;850615350789\n' >q.csv
dt dedup -q p.csv q.csv --output-format jsonl >both.jsonl
is "$(jq -r '.email // .EMAIL' both.jsonl | tr '\n' ' ')" "Nurlan@Mail.ru maria@x.kz other@x.kz new@x.kz " "two inputs with other column names and order"

# --dups, and accounting with rejected records
printf 'a,b\n1,2\n1,2\n3\n4,5\n' >bad.csv
dt dedup bad.csv --dups d.csv >k.csv 2>err; is $? 1 "a rejected record: exit 1"
grep -q "4 records in, 2 unique, 1 duplicates removed, 1 rejected" err; ok $? "counts add up: 4 = 2 + 1 + 1"
is "$(cat d.csv)" "$(printf 'a,b\n1,2')" "--dups writes the removed record"

# generated: exact repeats among many rows; record mode agrees with line mode
awk 'BEGIN { srand(9); print "id,email,phone,name"
	for (i = 0; i < 60000; i++) { r = int(rand() * 40000)
		printf "%d,user%d@mail.kz,+7701%07d,Name%d Surname%d\n", r, r, r, r % 977, r % 1013 } }' >gen.csv
{ head -1 gen.csv; tail -n +2 gen.csv | awk '!seen[$0]++'; } >want.csv
dt dedup -q gen.csv >got.csv; same_file got.csv want.csv "generated: the same rows as line dedup"
dt dedup -q -j 1 gen.csv >got1.csv; same_file got1.csv want.csv "one thread: the same"
dt dedup -q --memory 8M gen.csv >got2.csv; same_file got2.csv want.csv "--memory 8M: the same"

# records big enough to fill the typing sample by bytes before 1000 records
awk 'BEGIN { pad = "x"; while (length(pad) < 20000) pad = pad pad
	for (i = 0; i < 400; i++) printf "{\"id\":\"%d\",\"blob\":\"%s\"}\n", i % 300, pad }' >big.jsonl
is "$(dt dedup -q --key id big.jsonl | wc -l | tr -d ' ')" 300 "big records: every one fingerprinted, 100 repeats removed"

# other formats: a SQL dump's tables, JSON Lines, standard input
cat >d.sql <<'SQL'
CREATE TABLE `u` (`id` int, `email` varchar(64));
INSERT INTO `u` VALUES (1,'A@x.kz'),(2,'a@x.kz'),(3,'b@x.kz');
SQL
is "$(dt dedup -q --key email d.sql | jq -r .id | tr '\n' ' ')" "1 3 " "SQL dump: jsonl out, e-mails compared normalized"
printf '{"e":"X@y.kz"}\n{"e":"x@y.kz"}\n' | dt dedup -q - >o.jsonl
is "$(wc -l <o.jsonl | tr -d ' ')" 1 "standard input, read twice from a copy"
done_testing
