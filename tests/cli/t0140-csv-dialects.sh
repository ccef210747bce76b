#!/bin/sh
# Dialect sniffing: delimiter, line ends, header; and the overrides.
. "$TOP_SRCDIR/tests/lib.sh"

dialect() { # dialect FILE KEY [OPTIONS]
	f=$1; k=$2; shift 2
	dt sniff --json "$@" "$f" 2>/dev/null | jq -r ".inputs[0].dialect.$k"
}
rows() { dt sniff --json "$@" 2>/dev/null | jq -r '.inputs[0].records.parsed'; }

printf 'a,b,c\n1,2,3\n4,5,6\n' >comma.csv
printf 'iin;fio;phone\n870421300123;Ахметов, Нурлан;87012345678\n' >semi.csv
printf 'a\tb\n1\t2\n' >tab.tsv
printf 'email|pass|site\nx@y.kz|p,w;d|a.kz\nz@y.kz|q|b.kz\n' >pipe.csv
printf 'a,b\r\n1,2\r\n' >crlf.csv
printf 'a,b\r1,2\r3,4\r' >cr.csv
is "$(dialect comma.csv delimiter)" "," "comma"
is "$(dialect semi.csv delimiter)" ";" "semicolon despite a comma inside a value"
is "$(dialect tab.tsv delimiter)" '\t' "tab"
is "$(dialect pipe.csv delimiter)" "|" "pipe despite , and ; inside values"
is "$(dialect comma.csv line_ends)" LF "LF"
is "$(dialect crlf.csv line_ends)" CRLF "CRLF"
is "$(dialect cr.csv line_ends)" CR "CR alone"
is "$(rows cr.csv)" 2 "CR-only file: two records"
is "$(dt cat cr.csv 2>/dev/null | jq -r .b | tr '\n' ' ')" "2 4 " "CR-only file: values without CR"

# header detection
printf 'name,email\nAlice,a@x.kz\nBob,b@x.kz\n' >hdr.csv
printf 'Alice,a@x.kz\nBob,b@x.kz\n' >nohdr.csv
printf '870421300123,87012345678\n900101400456,87079876543\n' >digits.csv
printf 'fio;city\nИванов;Алматы\nПетров;Алматы\n' >cyr.csv
is "$(dialect hdr.csv header)" yes "a row of names is a header"
is "$(dialect nohdr.csv header)" no "an email in the first row: no header"
is "$(dialect digits.csv header)" no "digits in the first row: no header"
is "$(dialect cyr.csv header)" yes "Cyrillic column names"
is "$(dt cat nohdr.csv 2>/dev/null | head -1 | jq -r .col2)" a@x.kz "no header: columns col1..colN"
is "$(rows nohdr.csv)" 2 "no header: every row is a record"

# overrides
is "$(dialect hdr.csv header --no-header)" no "--no-header"
is "$(rows hdr.csv --no-header)" 3 "--no-header: the first row is data"
is "$(dialect semi.csv delimiter --delimiter ,)" "," "--delimiter ,"
is "$(dialect tab.tsv delimiter --delimiter tab)" '\t' "--delimiter tab"
printf 'a;b\n1;2\n' >s2.csv
is "$(dt cat --delimiter , s2.csv 2>/dev/null | jq -r '.["a;b"]')" "1;2" "a forced delimiter is obeyed"

# coarse types in sniff
printf 'iin,email,phone,dob,name,amount\n870421300123,a@x.kz,+7 701 234 5678,21.04.1987,Ахметов,12.5\n900101400456,b@y.ru,8 (707) 987-65-43,1990-01-01,Иванова,7\n' >types.csv
dt sniff --json types.csv >t.json 2>/dev/null
is "$(jq -r '[.inputs[0].tables[0].columns[].type] | join(",")' t.json)" "national_id,email,phone,birth_date,full_name,number" "column types"

# --type overrides the inferred type
printf 'a,b\nx@y.kz,12\nz@y.kz,13\n' >ty.csv
dt sniff --json --type b=phone ty.csv >t.json 2>/dev/null
is "$(jq -r '[.inputs[0].tables[0].columns[] | "\(.type):\(.forced)"] | join(",")' t.json)" "email:false,phone:true" "--type COLUMN=TYPE"
dt sniff --type b=bogus ty.csv >/dev/null 2>err; is $? 2 "--type with an unknown type: exit 2"
grep -q "bad --type 'b=bogus'" err; ok $? "--type: the message names it"

# plain values lose surrounding blanks (libcsv's rule); quoted values are kept
# verbatim, delimiters, newlines and blanks included; both paths agree
printf 'a,b,c\n  x  ,"y,\nz"," q "\n' >sp.csv
is "$(dt cat sp.csv 2>/dev/null | jq -c '[.a,.b,.c]')" '["x","y,\nz"," q "]' "plain values trimmed, quoted kept verbatim"
printf 'a,b\n  x\t," q "\n "p" ,2\nab"c,"d""e"\n' >paths.csv
dt cat paths.csv >fast.out 2>&1; dt cat --no-fast-path paths.csv >slow.out 2>&1
same_file fast.out slow.out "fast path and libcsv give the same records"
done_testing
