#!/bin/sh
# The Chinook sample database dumped seven ways (the Chinook project's own
# MySQL, PostgreSQL and SQLite scripts, mariadb-dump with extended and with
# complete inserts, pg_dump with COPY and with --inserts): the sql reader
# must find the same tables, the same row counts and, table by table, the
# same values in every one of them.
#
# Table names differ between dialects (InvoiceLine, invoice_line): they are
# compared lower-cased without underscores. Rows are compared as tuples of
# values in column order, sorted. Normalised, and only this:
#  - values are trimmed;
#  - dates: the Chinook MySQL and PostgreSQL scripts write '1962/2/18'
#    where the others have '1962-02-18 00:00:00';
#  - backslashes are dropped and runs of spaces squeezed: those scripts
#    write 'Cavalleria Rusticana \ Act' and MariaDB, loading the MySQL one,
#    read "\ " as a space, so its dump has two spaces there (4 tracks).
. "$TOP_SRCDIR/tests/lib.sh"
need_corpora sql
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
C="$CORPORA/sql"

norm() {
	jq -r '[(._table | ascii_downcase | gsub("_"; ""))]
	  + ([to_entries[2:][] | .value] | map(
		if . == null then "\\N"
		else gsub("^\\s+|\\s+$"; "") | gsub("\\\\"; "") | gsub("  +"; " ")
		  | if test("^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$") then
			(split("/") | map(if length == 1 then "0" + . else . end)
			 | "\(.[0])-\(.[1])-\(.[2]) 00:00:00")
		    else . end
		end))
	  | @tsv'
}

all="album 347
artist 275
customer 59
employee 8
genre 25
invoice 412
invoiceline 2240
mediatype 5
playlist 18
playlisttrack 8715
track 3503"

files="chinook_pg_dump_copy chinook_pg_dump_inserts Chinook_PostgreSql Chinook_MySql Chinook_Sqlite
chinook_mariadb_dump chinook_mariadb_dump_complete_insert"

for f in $files; do
	if [ ! -f "$C/$f.sql" ]; then
		skip "$f.sql is absent"
		continue
	fi
	dt cat -q --output-format jsonl "$C/$f.sql" >"$f.jsonl" 2>"$f.err"
	ok $? "$f: read with nothing rejected"
	norm <"$f.jsonl" | LC_ALL=C sort >"$f.tsv"
	got=$(cut -f1 "$f.tsv" | uniq -c | awk '{ print $2, $1 }')
	if [ "$f" = chinook_mariadb_dump_complete_insert ]; then
		# this dump holds only two tables
		is "$got" "customer 59
employee 8" "$f: tables and row counts"
	else
		is "$got" "$all" "$f: tables and row counts"
	fi
done

# value equality, table by table, against pg_dump's COPY output
ref=chinook_pg_dump_copy
if [ -f "$ref.tsv" ]; then
	for f in $files; do
		[ "$f" = $ref ] || [ ! -f "$f.tsv" ] && continue
		bad=""
		for t in $(cut -f1 "$f.tsv" | uniq); do
			grep "^$t	" "$f.tsv" >a.tsv
			grep "^$t	" "$ref.tsv" >b.tsv
			cmp -s a.tsv b.tsv || { bad="$bad $t"; diff a.tsv b.tsv | head -4 | sed 's/^/# /'; }
		done
		is "$bad" "" "$f: same values as $ref, table by table"
	done
fi

# sniff names the dialect and the tool
dt sniff "$C/chinook_pg_dump_copy.sql" >sniff.out 2>&1
grep -q "dialect=postgres tool=pg_dump" sniff.out
ok $? "sniff: pg_dump dialect"
dt sniff "$C/chinook_mariadb_dump.sql" >sniff.out 2>&1
grep -q "dialect=mysql tool=mariadb-dump" sniff.out
ok $? "sniff: mariadb-dump dialect"
dt sniff "$C/Chinook_Sqlite.sql" >sniff.out 2>&1
grep -q "dialect=sqlite" sniff.out
ok $? "sniff: sqlite dialect"

# chunked reading gives the same records
for f in chinook_pg_dump_copy chinook_mariadb_dump Chinook_Sqlite; do
	dt cat -q --chunk 31 --output-format jsonl "$C/$f.sql" >c31.jsonl 2>/dev/null
	same_file c31.jsonl "$f.jsonl" "$f: --chunk 31 gives the same records"
done
dt cat -q --chunk 1 --output-format jsonl "$C/chinook_pg_dump_inserts.sql" >c1.jsonl 2>/dev/null
same_file c1.jsonl chinook_pg_dump_inserts.jsonl "chinook_pg_dump_inserts: --chunk 1 gives the same records"

# --table reads one table, by its bare name, whatever the case
dt cat -q --table InvoiceLine --output-format jsonl "$C/chinook_pg_dump_copy.sql" >t.jsonl 2>/dev/null
is "$(wc -l <t.jsonl | tr -d ' ')" 0 "--table InvoiceLine does not match invoice_line"
dt cat -q --table invoice_line --output-format jsonl "$C/chinook_pg_dump_copy.sql" >t.jsonl 2>/dev/null
is "$(jq -r ._table t.jsonl | sort -u)|$(wc -l <t.jsonl | tr -d ' ')" "invoice_line|2240" "--table invoice_line"
dt cat -q --table TRACK --output-format jsonl "$C/Chinook_MySql.sql" >t.jsonl 2>/dev/null
is "$(jq -r ._table t.jsonl | sort -u)|$(wc -l <t.jsonl | tr -d ' ')" "Track|3503" "--table TRACK (case does not matter)"

done_testing
