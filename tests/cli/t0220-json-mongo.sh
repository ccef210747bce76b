#!/bin/sh
# Real exports: MongoDB mongoexport files (extended JSON, one document a
# line) and the Chinook customers as JSON Lines and as one array.
. "$TOP_SRCDIR/tests/lib.sh"
need_corpora mongo

for f in "$CORPORA"/mongo/*.json; do
	name=$(basename "$f")
	dt cat --quiet "$f" >out.jsonl 2>err; rc=$?
	is "$rc $(wc -l <out.jsonl | tr -d ' ')" "0 $(wc -l <"$f" | tr -d ' ')" "$name: one record per line, none rejected"
done
# extended JSON reads as plain values
dt cat --quiet "$CORPORA/mongo/grades.json" | head -1 | jq -r ._id >id.txt
is "$(cat id.txt)" "50b59cd75bed76f46522c34e" "{\"\$oid\": x} reads as x"
dt cat --quiet "$CORPORA/mongo/profiles.json" | head -1 | jq -r .ts >ts.txt
is "$(cat ts.txt)" "2012-11-20T20:02:24.386Z" "{\"\$date\": text} reads as the text"
dt cat --quiet "$CORPORA/mongo/grades.json" | head -1 | jq -r '."scores.4.type"' >t.txt
is "$(cat t.txt)" "homework" "arrays of objects are indexed"

if [ -f "$CORPORA/exports/chinook_customer.jsonl" ]; then
	strip() { dt cat --quiet "$1" | sed 's/^{"_input":"[^"]*",/{/'; }
	strip "$CORPORA/exports/chinook_customer.jsonl" >lines.out
	strip "$CORPORA/exports/chinook_customer_array.json" >array.out
	is "$(wc -l <lines.out | tr -d ' ')" 59 "chinook customers as JSON Lines: 59 records"
	is "$(wc -l <array.out | tr -d ' ')" 59 "chinook customers as an array: 59 records"
	same_file array.out lines.out "the array gives the same records as the lines"
	dt sniff "$CORPORA/exports/chinook_customer_array.json" >sniff.out 2>/dev/null
	grep -q "layout=array" sniff.out; ok $? "sniff says array"
else
	skip "corpus $CORPORA/exports is absent"
fi
done_testing
