#!/bin/sh
# Names, paths, columns and excerpts that come from a dump are printed
# escaped (issue 16): an ESC or OSC sequence, a C0 or C1 control, a bidi
# override or a byte that is not UTF-8 never reaches the terminal raw from
# sniff, analyze, ingest, show, list or a message; JSON stays JSON and
# HTML stays HTML. Cyrillic names are kept as they are.
. "$TOP_SRCDIR/tests/lib.sh"

ESC=$(printf '\033') BEL=$(printf '\007') RLO=$(printf '\342\200\256') CSI1=$(printf '\302\233')
evil="evil${ESC}[2J${ESC}]0;pwned${BEL}${RLO}gpj.csv"
printf 'email,na%s[31mme,phone\na@b.kz,x,87011234567\nc@d.kz,y,87017654321\n' "$ESC" >"$evil"
printf 'email\n\200\201bad\n' >"bad${CSI1}x.csv"
/usr/bin/python3 - <<'PY' || exit 1
import zipfile
z = zipfile.ZipFile('names.zip', 'w')
z.writestr('in\x1b[5mside\u202e.csv', 'email,phone\ne@f.kz,87011112233\n')
z.writestr('клиенты.csv', 'email,phone\ng@h.kz,87014445566\n')
z.close()
PY

# raw RAW FILE...: does any file hold a raw control, C1, bidi override?
raw() {
	LC_ALL=C grep -q -e "$ESC" -e "$BEL" -e "$RLO" -e "$CSI1" "$@"
}

dt sniff "$evil" "bad${CSI1}x.csv" names.zip >sniff.out 2>sniff.err
! raw sniff.out sniff.err
ok $? "sniff: no raw control, C1 control or bidi override on the terminal"
grep -qF 'evil\x1b[2J\x1b]0;pwned\x07\u202egpj.csv' sniff.out
ok $? "... the file name escaped, as git quotes it"
grep -qF 'na\x1b[31mme' sniff.out
ok $? "... the column name too"
grep -qF 'bad\u009bx.csv' sniff.out
ok $? "... a C1 control as \\u009b"
grep -qF 'names.zip:in\x1b[5mside\u202e.csv' sniff.out
ok $? "... a member name of a zip"
grep -qF 'names.zip:клиенты.csv' sniff.out
ok $? "... and a Cyrillic member name kept as it is (UTF-8 names of a zip)"

dt ingest --library lib --name leak --title "T${ESC}[1m" "$evil" names.zip >ing.out 2>ing.err
ok $? "ingest the hostile inputs"
! raw ing.out ing.err
ok $? "... its messages escaped"
dt show --library lib leak >show.out 2>&1 && dt list --library lib >list.out 2>&1
ok $? "show and list"
! raw show.out list.out
ok $? "... nothing raw in them"
grep -qF 'na\x1b[31mme' show.out && grep -qF 'T\x1b[1m' list.out
ok $? "... the column and the title escaped"
dt show --library lib --json leak | jq -e '.columns | map(.name) | index("na\u001b[31mme") != null' >/dev/null
ok $? "show --json: the name as JSON has it"

dt analyze --library lib --html a.html --json a.json "$evil" "bad${CSI1}x.csv" >an.out 2>an.err
! raw an.out an.err a.html
ok $? "analyze: text, messages and HTML with nothing raw"
jq -e '.columns | map(.name) | index("na\u001b[31mme") != null' a.json >/dev/null
ok $? "... the JSON keeps the column's name, JSON-escaped"
grep -q 'evil&#\|evil\\x1b\|evil' a.html
ok $? "... the HTML names the input"

# a message naming a file that cannot be read
dt sniff "no-such-${ESC}]52;c;Zm9v${BEL}.csv" >/dev/null 2>miss.err
! raw miss.err
ok $? "an error message naming the file escapes it"
grep -qF 'no-such-\x1b]52;c;Zm9v\x07.csv' miss.err
ok $? "... visibly: $(head -c 120 miss.err)"

done_testing
