#!/bin/sh
# Conformance on real dumps that database tools wrote (../shared/corpora/real,
# true counts in its README): each file gives exactly its true number of
# records and rejects none, the table of results printed file by file; the
# MySQL sakila script and the pg_dump of pagila (the same database) agree
# table by table; and reading in odd-sized pieces changes nothing.
. "$TOP_SRCDIR/tests/lib.sh"
need_corpora real
R="$CORPORA/real"

echo "# file                      true  parsed  rejected  dialect"
for spec in sakila-mysql-full.sql:46273 pg-sakila-plain.sql:46273 northwind.sql:3362 instnwnd.sql:3308; do
	f=${spec%%:*}
	want=${spec#*:}
	dt sniff --json "$R/$f" >"$f.json" 2>/dev/null
	rc=$?
	got=$(jq -r '.inputs[0].records.parsed' "$f.json")
	rej=$(jq -r '.inputs[0].records.rejected' "$f.json")
	dia=$(jq -r '.inputs[0].dialect.dialect // "-"' "$f.json")
	printf '# %-24s %6s %7s %9s  %s\n' "$f" "$want" "$got" "$rej" "$dia"
	is "$got $rej $rc" "$want 0 0" "$f: all $want records, none rejected, exit 0"
done

# the same database written by two tools: the same rows in every table
dt sniff "$R/sakila-mysql-full.sql" 2>/dev/null | grep '^  table' | sort >my.tables
dt sniff "$R/pg-sakila-plain.sql" 2>/dev/null | grep '^  table' | sort >pg.tables
same_file my.tables pg.tables "sakila (MySQL script with DELIMITER blocks) and pagila (pg_dump) agree table by table"
test "$(wc -l <my.tables)" -ge 15
ok $? "... over every one of their $(wc -l <my.tables | tr -d ' ') tables"

# no routine body is read as data: its INSERT targets no table of the data
dt sniff "$R/sakila-mysql-full.sql" 2>/dev/null | grep '^  table' | grep -v -E ' (actor|address|category|city|country|customer|film|film_actor|film_category|film_text|inventory|language|payment|rental|staff|store): ' >extra.tables
is "$(cat extra.tables)" "" "sakila: no table but the schema's own (trigger and procedure bodies skipped)"

# the staff rows hold a picture BLOB and the e-mail and password: kept
is "$(dt cat -q --table staff --output-format jsonl "$R/sakila-mysql-full.sql" 2>/dev/null | wc -l | tr -d ' ')" 2 \
	"sakila: both staff rows, with their BLOB"

# T-SQL: the Categories pictures are hex literals, kept as hex
dt cat -q --table Categories --output-format jsonl "$R/instnwnd.sql" 2>/dev/null | head -1 >cat1.json
is "$(jq -r '.Picture | .[0:6]' cat1.json) $(jq -r '.CategoryName' cat1.json)" "0x151c Beverages" \
	"instnwnd: an image column is hex, the row whole"

for f in sakila-mysql-full.sql instnwnd.sql; do
	dt cat -q --output-format jsonl "$R/$f" >whole.out 2>/dev/null
	dt cat -q --chunk 4093 --output-format jsonl "$R/$f" >part.out 2>/dev/null
	same_file part.out whole.out "$f: the same records in 4093-byte pieces"
done

done_testing
