#!/bin/sh
# Word lists (format "lines"): one value a line, kept byte for byte; what
# is sniffed as a word list and what stays CSV or combo; empty lines,
# rejections, line ends, chunked feeding, containers; the real lists; and
# Western single-byte charsets (CP1252, ISO-8859-1/15) told from Cyrillic.
. "$TOP_SRCDIR/tests/lib.sh"
command -v jq >/dev/null || skip_all "jq is not installed"

# fmt FILE [OPTIONS]: the format sniff picks
fmt() {
	f=$1
	shift
	dt sniff --json -q "$@" "$f" 2>/dev/null | jq -r '.inputs[0].dialect.format'
}
# field FILE KEY [OPTIONS]: one value of sniff's JSON for the first input
field() {
	f=$1 k=$2
	shift 2
	dt sniff --json -q "$@" "$f" 2>/dev/null | jq -r ".inputs[0].$k"
}
# values FILE [OPTIONS]: the records' values, one a line
values() {
	f=$1
	shift
	dt cat -q "$@" "$f" 2>/dev/null | jq -r .value
}
# lines FILE: the file's non-empty lines, line ends removed
lines() { sed 's/\r$//' "$1" | grep -v '^$'; }

# --- values are kept byte for byte ---
printf '%s\n' password 123456 'hello world' ' leading space' 'trailing space ' '"quoted"' \
	'a,b,c' 'semi;colon' 'tab	inside' 'pipe|x' "it's" "'single'" '\N' 'back\slash' \
	'"unbalanced' '=1+2' '  ' 'iloveyou' 'qwerty' 'monkey' 'dragon' >list.txt
is "$(fmt list.txt)" lines "a password list is a word list"
values list.txt >got.txt
lines list.txt >want.txt
same_file got.txt want.txt "every value as written: blanks, quotes, separators, backslashes"
is "$(head -1 got.txt)" password "a first line that looks like a header is a record"
is "$(field list.txt records.parsed)/$(field list.txt records.rejected)" "21/0" "21 lines, 21 records"
is "$(dt cat -q list.txt | head -1 | jq -c 'del(._input, ._table)')" '{"value":"password"}' \
	"one field, named value"
dt cat -q --output-format csv list.txt >out.csv
is "$(head -1 out.csv)" value "CSV output: a header named value"
# (but \N, which CSV reads as NULL whoever wrote it)
dt cat -q --format csv --delimiter , out.csv | jq -r .value | grep -vx null >back.txt
grep -vx '\\N' want.txt >want-csv.txt
same_file back.txt want-csv.txt "CSV output reads back to the same values"
dt cat -q list.txt >/dev/null 2>&1
is "$?" 0 "a clean list: exit 0"

# --- empty lines are no records; blank ones are ---
printf 'one\n\ntwo\n\n\n   \nthree' >empty.txt
is "$(values empty.txt | tr '\n' '|')" "one|two|   |three|" "empty lines skipped, a blank line and the last one kept"
is "$(field empty.txt dialect.empty_lines)" 3 "empty lines counted"
is "$(field empty.txt records.parsed)" 4 "empty lines are not records"

# --- line ends ---
printf 'alpha\r\nbe ta\r\n\r\ngam,ma\r\n' >crlf.txt
printf 'alpha\nbe ta\n\ngam,ma\n' >lf.txt
is "$(values crlf.txt | od -c)" "$(values lf.txt | od -c)" "CRLF and LF give the same values"
is "$(field crlf.txt dialect.line_ends)" CRLF "CRLF seen"
printf 'a\rb\nc\n' >cr.txt
is "$(values cr.txt --format lines | od -c | head -1)" "$(printf 'a\rb\nc\n' | od -c | head -1)" \
	"a CR inside a line is a byte of the value"

# --- rejections: invalid UTF-8, NUL, too long; each alone ---
printf 'good1\nbad\377x\ngood2\nnul\000x\ngood3\n%04000d\ngood4\n' 0 >bad.txt
dt cat --format lines --encoding utf-8 --max-record 1000 --rejects rej.txt bad.txt >bad.out 2>bad.err
is "$?" 1 "rejected lines: exit 1"
is "$(jq -r .value bad.out | tr '\n' ' ')" "good1 good2 good3 good4 " "the other lines are read"
grep -q "line 2, byte 6: invalid UTF-8 at byte 3 of the line" bad.err
ok $? "invalid UTF-8: its line and byte"
grep -q "line 4, byte 18: NUL byte at byte 3 of the line" bad.err
ok $? "NUL byte: its line and byte"
grep -q "line 6, byte 30: line longer than the --max-record limit (1000 bytes)" bad.err
ok $? "too long: rejected alone"
grep -q "4 records parsed, 3 rejected" bad.err
ok $? "counts add up"
is "$(grep -c '^#' rej.txt)" 3 "three rejections in --rejects"

# --- chunked feeding gives the same records and rejections ---
cat list.txt crlf.txt bad.txt empty.txt >mix.txt
dt cat --format lines --encoding utf-8 --max-record 1000 mix.txt >whole.out 2>whole.err
for c in 1 7; do
	dt cat --format lines --encoding utf-8 --max-record 1000 --chunk $c mix.txt >chunk.out 2>chunk.err
	same_file chunk.out whole.out "--chunk $c: the same records"
	same_file chunk.err whole.err "--chunk $c: the same rejections"
done

# --- lists of other things: typed by their values ---
printf '%s\n' alice@example.com bob.smith@mail.ru carol_1990@gmail.com d.kim@yandex.kz \
	'e, f@x.com' >emails.txt
is "$(fmt emails.txt)" lines "an e-mail list is a word list"
is "$(field emails.txt 'tables[0].columns[0].type')" email "its column is typed email"
printf '%s\n' '+7 701 234 56 78' 87079876543 '8 (775) 111-22-33' +77011234567 '8-701-555-44-33' >phones.txt
is "$(fmt phones.txt)" lines "a phone list is a word list"
is "$(field phones.txt 'tables[0].columns[0].type')" phone "its column is typed phone"
printf '%s\n' https://example.com/login http://a.b/c 'ftp://x.y:21/z' >urls.txt
is "$(fmt urls.txt)" lines "a list of URLs (a ':' on every line) is a word list"

# --- what stays CSV, combo or TSV ---
printf 'name,email,phone\nAlice,a@x.com,123\nBob,b@x.com,456\n' >t.csv
is "$(fmt t.csv)" csv "a CSV with a header is CSV"
printf 'a@x.com:pw1\nb@x.com:pw2\nc@x.com:pw:3\n' >combo.txt
is "$(fmt combo.txt)" combo "an email:password list is combo"
printf 'id\tname\n1\tAlice\n2\tBob\n3\tCarl\n' >t.tsv
is "$(fmt t.tsv)" csv "a TSV is CSV"
printf 'first;last\nAnna;Berg\nCarl;Dahl\nEva;Falk\n' >semi.csv
is "$(fmt semi.csv)" csv "a ; CSV is CSV"
printf 'a,b\n1,"two\nlines"\n3,"x, y"\n' >q.csv
is "$(fmt q.csv)" csv "quoted fields holding line ends and commas: CSV"
printf '%s\n' 'hello, world' 'no comma here' 'one, two, three' 'just words' 'a, b' \
	'nothing' 'x,y,z,w' >prose.txt
is "$(fmt prose.txt)" lines "commas at random places, in no consistent number: a word list"
printf '%s\n' 'a,b' c d e f g h >minor.txt
is "$(fmt minor.txt)" lines "a separator in a minority of lines: a word list"
is "$(values t.csv --format lines | head -1)" "name,email,phone" "--format lines forces it"
dt sniff --format nope t.csv >/dev/null 2>err
grep -q "lines" err
ok $? "the unknown-format message names lines"

# --- containers ---
gzip -c list.txt >list.txt.gz
values list.txt.gz >got.txt
same_file got.txt want.txt "a list inside gzip"
zip -q list.zip list.txt crlf.txt
dt cat -q list.zip | jq -r '._input + " " + .value' >zip.out
grep '^list.zip:list.txt ' zip.out | cut -d' ' -f2- >got.txt
same_file got.txt want.txt "a list inside zip"
is "$(grep -c '^list.zip:crlf.txt ' zip.out)" 3 "the second member of the zip"

# --- Western single-byte charsets ---
printf 'Lu\355s\nJos\351\nFran\347ois\nM\374ller\n' >names1252.txt
is "$(field names1252.txt encoding)" cp1252 "CP1252 names: the charset"
is "$(values names1252.txt | tr '\n' ' ')" "Luís José François Müller " "CP1252 names read right"
printf 'id,name\n1,Lu\355s\n2,Jos\351\n3,Fran\347ois\n4,M\374ller\n' >names1252.csv
is "$(fmt names1252.csv)/$(field names1252.csv encoding)" csv/cp1252 "a CP1252 CSV of names"
is "$(dt cat -q names1252.csv | jq -r .name | tr '\n' ' ')" "Luís José François Müller " \
	"the CSV's names read right"
printf 'produto;pre\347o\nCaf\351 \223Tr\352s Cora\347\365es\224;12,50 \200\n' >typo1252.csv
is "$(field typo1252.csv encoding)" cp1252 "CP1252 quotes and euro at 0x80-0x9F"
is "$(dt cat -q typo1252.csv | jq -r .produto)" "Café “Três Corações”" "CP1252 quotes read right"
printf 'article;prix\nLe c\275ur;25 \244\nS\275ur Anne;10 \244\n' >latin9.csv
is "$(field latin9.csv encoding)" iso-8859-15 "ISO-8859-15 by its euro at 0xA4"
is "$(dt cat -q latin9.csv | jq -r .prix | head -1)" "25 €" "ISO-8859-15 euro read right"
is "$(values names1252.txt --encoding cp1251 | head -1)" "Luнs" "--encoding still overrides"
is "$(values names1252.txt --encoding iso-8859-1 | head -1)" "Luís" "--encoding iso-8859-1"
is "$(field names1252.txt encoding --encoding windows-1252)" cp1252 "--encoding windows-1252"
printf '\320\230\320\262\320\260\320\275\320\276\320\262\n' | iconv -f UTF-8 -t CP1251 >ru.txt
is "$(field ru.txt encoding)" cp1251 "a Russian word in CP1251 is still CP1251"

# --- the real lists ---
if [ -d "$CORPORA/real" ]; then
	R=$CORPORA/real
	is "$(fmt "$R/myspace.txt")" lines "myspace.txt: a word list"
	is "$(field "$R/myspace.txt" records.parsed)/$(field "$R/myspace.txt" records.rejected)" \
		"37126/0" "myspace.txt: 37,126 records, none rejected"
	values "$R/myspace.txt" >got.txt
	lines "$R/myspace.txt" >want.txt
	same_file got.txt want.txt "myspace.txt: every value byte for byte"
	is "$(fmt "$R/rockyou-75.txt")" lines "rockyou-75.txt: a word list"
	is "$(field "$R/rockyou-75.txt" records.parsed)/$(field "$R/rockyou-75.txt" records.rejected)" \
		"59187/0" "rockyou-75.txt: 59,187 records, none rejected"
	is "$(field "$R/rockyou-75.txt" dialect.empty_lines)" 2 "rockyou-75.txt: its 2 empty lines"
	values "$R/rockyou-75.txt" >got.txt
	lines "$R/rockyou-75.txt" >want.txt
	same_file got.txt want.txt "rockyou-75.txt: every value byte for byte"
	dt cat -q --chunk 7 "$R/rockyou-75.txt" | jq -r .value >chunk.txt
	same_file chunk.txt want.txt "rockyou-75.txt: --chunk 7"
	# what CP1252 can write of it (its Thai and such left out)
	iconv -c -f UTF-8 -t WINDOWS-1252 "$R/rockyou-75.txt" >rockyou1252.txt 2>/dev/null
	iconv -f WINDOWS-1252 -t UTF-8 rockyou1252.txt >rockyou-back.txt
	is "$(field rockyou1252.txt encoding)" cp1252 "rockyou-75.txt in CP1252: detected"
	values rockyou1252.txt >got.txt
	lines rockyou-back.txt >want.txt
	same_file got.txt want.txt "rockyou-75.txt in CP1252: contraseña and the others read right"
else
	skip "corpus $CORPORA/real is absent (../shared/corpora not beside the project)"
fi

done_testing
