#!/bin/sh
# cat: JSON Lines and CSV output, rejects kept out of the output.
. "$TOP_SRCDIR/tests/lib.sh"

printf 'name,note\nAlice,"say ""hi"", ok"\nBob,"two\nlines"\nCarl, padded \n' >in.csv
dt cat in.csv >out.jsonl 2>err; is $? 0 "cat exits 0"
is "$(wc -l <out.jsonl | tr -d ' ')" 3 "one line per record"
is "$(jq -r ._input out.jsonl | sort -u)" in.csv "_input names the input"
is "$(jq -r ._table out.jsonl | sort -u)" null "_table is null for CSV"
dt cat --output-format csv in.csv >out.csv 2>/dev/null; is $? 0 "csv output"
is "$(head -1 out.csv)" "name,note" "csv header"
dt cat out.csv 2>/dev/null | sed 's/"_input":"out.csv"/"_input":"in.csv"/' >round.jsonl
same_file round.jsonl out.jsonl "csv output reads back to the same records"
dt cat -o file.jsonl in.csv 2>/dev/null
same_file file.jsonl out.jsonl "-o FILE"
printf 'a,b\n1,2\n3\n4,5\n' >bad.csv
dt cat bad.csv --rejects rej.txt >o.jsonl 2>err; is $? 1 "a rejected record: exit 1"
is "$(wc -l <o.jsonl | tr -d ' ')" 2 "the rejected record is not in the output"
grep -q "2 records parsed, 1 rejected" err; ok $? "counts on stderr"
is "$(cat rej.txt)" "$(printf '# bad.csv:3:8: expected 2 fields, found 1\n3')" "rejects file"
dt cat --output-format xml in.csv >/dev/null 2>&1; is $? 2 "unknown output format: exit 2"
printf 'a,b\n1,2\n' | dt cat - 2>/dev/null | jq -r ._input >name; is "$(cat name)" "-" "standard input is named -"
done_testing
