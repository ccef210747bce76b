#!/bin/sh
# The backslash-escaped dialect (mysqldump --tab, SELECT ... INTO OUTFILE,
# mysql --batch, PostgreSQL COPY TO text): sniffed, forced, read right, the
# same in 1-byte and 13-byte pieces; and plain CSV with backslashes left alone.
. "$TOP_SRCDIR/tests/lib.sh"

dialect() { # dialect FILE KEY [OPTIONS]
	f=$1; k=$2; shift 2
	dt sniff --json "$@" "$f" 2>/dev/null | jq -r ".inputs[0].dialect.$k"
}
jl() { dt cat -q --output-format jsonl "$@" 2>/dev/null | sed 's/^{"_input":"[^"]*","_table":null,/{/'; }

# mysqldump --tab / INTO OUTFILE: no header, \N, an escaped TAB and newline
# (a backslash before the real byte), \\, \t, non-ASCII text
printf '1\tAlice\t\\N\tC:\\\\dir\\\\file\n' >my.txt
printf '2\tBob\\\tTab\tline one\\\nline two\t\\N\n' >>my.txt
printf '3\tÖzgür Şahin\tИванов\\tИван\tx\\\\y\n' >>my.txt
printf '4\t\\N\t\\\\N\t\\n\n' >>my.txt
is "$(dialect my.txt format)" csv "mysqldump --tab: read as CSV"
is "$(dialect my.txt escape)" backslash "mysqldump --tab: escape=backslash"
is "$(dialect my.txt quote)" none "mysqldump --tab: no quote"
is "$(dialect my.txt delimiter)" '\t' "mysqldump --tab: TAB"
is "$(dialect my.txt header)" no "mysqldump --tab: no header"
dt sniff my.txt 2>/dev/null | grep -q 'escape=backslash'
ok $? "sniff names the dialect"
jl my.txt >my.out
cat >my.want <<'EOF'
{"col1":"1","col2":"Alice","col3":null,"col4":"C:\\dir\\file"}
{"col1":"2","col2":"Bob\tTab","col3":"line one\nline two","col4":null}
{"col1":"3","col2":"Özgür Şahin","col3":"Иванов\tИван","col4":"x\\y"}
{"col1":"4","col2":null,"col3":"\\N","col4":"\n"}
EOF
same_file my.out my.want "mysqldump --tab: NULL, escaped TAB and newline, escaped backslash, letter escapes, UTF-8"
is "$(dt sniff --json my.txt 2>/dev/null | jq -r '.inputs[0].records.parsed')" 4 \
	"an escaped newline ends no record"
# a rejected record after an escaped newline: its line is counted right
printf '1\tone\\\ntwo\n2\tnul\\0\n3\tok\n' >lines.txt
dt cat -q --rejects lines.rej lines.txt >/dev/null 2>&1
grep -qx '# lines.txt:3:11: NUL byte in field 2 (col2)' lines.rej
ok $? "the line after an escaped newline is line 3"

# PostgreSQL COPY TO (text): \N, \t, \n, \\ and the letter escapes
printf '1\tИванов Иван\t\\N\t2020-01-01\n' >pg.txt
printf '2\ttab\\there\tnew\\nline\\r\t\\N\n' >>pg.txt
printf '3\tback\\\\slash\t\\b\\f\\v\t\\N\n' >>pg.txt
is "$(dialect pg.txt escape)" backslash "COPY TO: escape=backslash"
jl pg.txt >pg.out
cat >pg.want <<'EOF'
{"col1":"1","col2":"Иванов Иван","col3":null,"col4":"2020-01-01"}
{"col1":"2","col2":"tab\there","col3":"new\nline\r","col4":null}
{"col1":"3","col2":"back\\slash","col3":"\b\f\u000b","col4":null}
EOF
same_file pg.out pg.want "COPY TO: NULL and escapes decoded"

# mysql --batch: a header row of names over ids; escaped, with \Z
printf 'id\tname\tnote\n1\tAlice\t\\N\n2\tBob\tctrl\\Zz\n' >batch.txt
is "$(dialect batch.txt header)" yes "mysql --batch: names over ids are a header"
is "$(jl batch.txt | tail -1)" '{"id":"2","name":"Bob","note":"ctrl\u001az"}' "mysql --batch: backslash-Z is 0x1a"
# a table of names only: in this dialect not taken for a header
printf 'Alice\tAlmaty\tq\nBob\t\\N\tx\n' >names.txt
is "$(dialect names.txt header)" no "names over names, escaped: no header"

# \0 is a NUL byte, which no value may hold: that record is rejected with
# its place, as the SQL reader rejects '\0' in a string; the others are read
printf '1\tok\t\\N\n2\tnul\\0x\ty\n3\tok\tz\n' >nul.txt
dt cat -q --rejects rej.txt --output-format jsonl nul.txt >nul.out 2>/dev/null
is $? 1 "backslash-0: exit 1"
is "$(sed 's/^{"_input":"[^"]*","_table":null,/{/' nul.out | tr '\n' ' ')" \
	'{"col1":"1","col2":"ok","col3":null} {"col1":"3","col2":"ok","col3":"z"} ' "backslash-0: the other records read"
grep -qx '# nul.txt:2:8: NUL byte in field 2 (col2)' rej.txt
ok $? "backslash-0: the reason and the line"

# a quote is text in this dialect, even a lone one
printf '1\t5" disk\t\\N\n2\tsay "hi\tx\n3\tplain\ty\n' >q.txt
is "$(dialect q.txt escape)" backslash "a lone quote in the text: still escaped"
is "$(jl q.txt | head -2 | tr '\n' ' ')" '{"col1":"1","col2":"5\" disk","col3":null} {"col1":"2","col2":"say \"hi","col3":"x"} ' \
	"quotes kept as text"

# CRLF line ends; an escaped CR LF is kept
printf '1\ta\\\r\nb\t\\N\r\n2\tc\tx\r\n' >crlf.txt
is "$(dialect crlf.txt escape)" backslash "CRLF: escaped"
is "$(jl crlf.txt | tr '\n' ' ')" '{"col1":"1","col2":"a\r\nb","col3":null} {"col1":"2","col2":"c","col3":"x"} ' \
	"CRLF: an escaped line end stays in the field"

# a ragged row caused by a backslash at the end of a line: only its first
# line is rejected, the next one is read again
printf '1\ta\t\\N\n2\tb\\\n3\tc\tz\n4\td\tw\n' >rag.txt
dt cat -q --output-format jsonl rag.txt >rag.out 2>rag.err
is "$(sed 's/^{"_input":"[^"]*","_table":null,/{/' rag.out | tr '\n' ' ')" \
	'{"col1":"1","col2":"a","col3":null} {"col1":"3","col2":"c","col3":"z"} {"col1":"4","col2":"d","col3":"w"} ' \
	"a spanning row of the wrong width: its first line rejected"

# --max-record counts a record's lines together; the same in pieces
printf '1\t\\N\n22\t0123456789012\n3\tabcdef\\\nghijklmn\n4\tok\n' >long.txt
for n in 0 1 13; do
	opt=""; [ $n -gt 0 ] && opt="--chunk $n"
	dt cat -q --max-record 16 $opt --rejects long$n.rej --output-format jsonl long.txt 2>/dev/null |
		sed 's/^{"_input":"[^"]*","_table":null,/{/' | tr '\n' ' ' >long$n.out
done
is "$(cat long0.out)" '{"col1":"1","col2":null} {"col1":"22","col2":"0123456789012"} {"col1":"4","col2":"ok"} ' \
	"--max-record: a 16-byte record read, a longer one spanning lines rejected"
is "$(grep -c '^# ' long0.rej)" 2 "--max-record: its first line rejected, then the rest"
same_file long1.out long0.out "--max-record: the same in 1-byte chunks"
same_file long13.rej long0.rej "--max-record: the same rejections in 13-byte chunks"

# plain CSV with Windows paths: not escaped, backslashes kept
printf 'id,path,note\n1,C:\\new\\table,x\n2,C:\\Users\\bob\\file.txt,y\n3,"D:\\data\\x",z\n' >win.csv
is "$(dialect win.csv escape)" none "Windows paths: escape=none"
is "$(dialect win.csv quote)" '"' "Windows paths: quote"
is "$(jl win.csv | tr '\n' ' ')" \
	'{"id":"1","path":"C:\\new\\table","note":"x"} {"id":"2","path":"C:\\Users\\bob\\file.txt","note":"y"} {"id":"3","path":"D:\\data\\x","note":"z"} ' \
	"Windows paths: read as written"
# only letter pairs that escapes also use, and a backslash before the
# separator: the row it joins comes out short, so still not escaped
printf 'path\tsize\nC:\\new\\table\t1\nC:\\tmp\\\t2\n' >win.tsv
is "$(dialect win.tsv escape --format csv)" none "a path ending in a backslash before TAB: escape=none"
is "$(jl --format csv win.tsv | tail -1)" '{"path":"C:\\tmp\\","size":"2"}' "a path ending in a backslash before TAB: read as written"

# \N alone is NULL in every dialect
printf 'a,b\n1,\\N\n\\N,"x"\n' >null.csv
is "$(dialect null.csv escape)" none "quoted CSV with NULLs: not escaped"
is "$(jl null.csv | tr '\n' ' ')" '{"a":"1","b":null} {"a":null,"b":"x"} ' "quoted CSV: backslash-N is NULL"
is "$(jl --no-fast-path null.csv | tr '\n' ' ')" '{"a":"1","b":null} {"a":null,"b":"x"} ' "quoted CSV: backslash-N is NULL through libcsv too"

# forcing
printf '1\ta\\tb\n2\tc\\\\d\n' >noproof.txt
is "$(dialect noproof.txt escape)" none "letter escapes alone prove nothing"
is "$(dialect noproof.txt escape --escape backslash)" backslash "--escape backslash"
is "$(jl --escape backslash noproof.txt | tr '\n' ' ')" '{"col1":"1","col2":"a\tb"} {"col1":"2","col2":"c\\d"} ' \
	"--escape backslash: decoded"
is "$(dialect my.txt escape --escape none)" none "--escape none"
is "$(jl --escape none my.txt | head -1)" '{"col1":"1","col2":"Alice","col3":null,"col4":"C:\\\\dir\\\\file"}' \
	"--escape none: backslashes kept"
dt cat --escape bogus my.txt >/dev/null 2>err
is $? 2 "--escape with an unknown mode: exit 2"
grep -q "bad escape mode 'bogus'" err
ok $? "--escape: the message names it"

# every file: the same records and rejections whole, in 1-byte and 13-byte pieces
for f in my.txt lines.txt pg.txt batch.txt names.txt nul.txt q.txt crlf.txt rag.txt win.csv win.tsv null.csv; do
	dt cat -q --format csv --rejects whole.rej --output-format jsonl "$f" >whole.out 2>whole.err
	rc=$?
	for n in 1 13; do
		dt cat -q --format csv --chunk $n --rejects part.rej --output-format jsonl "$f" >part.out 2>part.err
		is $? $rc "$f: same exit code in $n-byte chunks"
		same_file part.out whole.out "$f: same records in $n-byte chunks"
		same_file part.rej whole.rej "$f: same rejections in $n-byte chunks"
	done
	dt cat -q --format csv --no-fast-path --output-format jsonl "$f" >slow.out 2>slow.err
	same_file slow.out whole.out "$f: same records through libcsv"
done
done_testing
