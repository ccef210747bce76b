#!/bin/sh
# The combo-list reader: separators, URL prefixes, a third column, hashes,
# $HEX[], junk lines, line ends, chunked feeding, compression, and that
# CSV, JSON and SQL files are not taken for combo lists.
. "$TOP_SRCDIR/tests/lib.sh"
command -v jq >/dev/null || skip_all "jq is not installed"

# dialect FILE KEY [OPTIONS]: one dialect value as sniff finds it
dialect() {
	f=$1 k=$2
	shift 2
	dt sniff --json -q "$@" "$f" 2>/dev/null | jq -r ".inputs[0].dialect.$k"
}
# rows FILE [OPTIONS]: the records as compact JSON arrays, fields in order
rows() {
	f=$1
	shift
	dt cat -q "$@" "$f" 2>/dev/null | jq -c '[to_entries[] | select(.key | startswith("_") | not) | .value]'
}
# names FILE [OPTIONS]: the field names of the first record
names() {
	f=$1
	shift
	dt cat -q "$@" "$f" 2>/dev/null | head -1 | jq -r '[keys_unsorted[] | select(startswith("_") | not)] | join(",")'
}

# --- separators, detected per file ---
printf 'alice@example.com:hunter2\nbob@example.org:letmein\ncarol@example.net:qwerty\n' >colon.txt
printf 'alice@example.com;hunter2\nbob@example.org;letmein\ncarol@example.net;qwerty\n' >semi.txt
printf 'alice@example.com|hunter2\nbob@example.org|letmein\ncarol@example.net|qwerty\n' >pipe.txt
printf 'alice@example.com\thunter2\nbob@example.org\tletmein\ncarol@example.net\tqwerty\n' >tab.txt
for f in colon semi pipe tab; do
	is "$(dialect $f.txt format)" combo "$f: sniffed as combo"
	rows $f.txt >$f.rows
done
is "$(dialect colon.txt separator)" ":" "colon separator"
is "$(dialect semi.txt separator)" ";" "semicolon separator"
is "$(dialect pipe.txt separator)" "|" "pipe separator"
is "$(dialect tab.txt separator)" '\t' "tab separator"
is "$(names colon.txt)" "url,login,password,hash,hex" "stable field names"
cat >want.rows <<'EOF'
["","alice@example.com","hunter2","",""]
["","bob@example.org","letmein","",""]
["","carol@example.net","qwerty","",""]
EOF
for f in colon semi pipe tab; do
	same_file $f.rows want.rows "$f: records"
done
is "$(dialect colon.txt has_extra)/$(dialect colon.txt has_url)" "no/no" "no extra, no url"

# plain logins, and a file that mixes separators line by line
printf 'admin:admin\nroot:toor\nuser_1:pass\n' >plain.txt
is "$(dialect plain.txt format)" combo "plain logins: combo"
printf 'a@x.com:one\nb@x.com;two\nc@x.com|three\nd@x.com\tfour\ne@x.com:fi;ve\nf@x.com;si:x\n' >mixed.txt
cat >want.rows <<'EOF'
["","a@x.com","one","",""]
["","b@x.com","two","",""]
["","c@x.com","three","",""]
["","d@x.com","four","",""]
["","e@x.com","fi;ve","",""]
["","f@x.com","si:x","",""]
EOF
rows mixed.txt >got.rows
same_file got.rows want.rows "another separator on a line is tolerated"
is "$(dialect mixed.txt separator)" ":" "the most common separator is the file's"
printf 'a@x.com:pw\nxX|Sn|Xx:pw2\nb@x.com:pw3\n' >nick.txt
is "$(rows nick.txt --format combo | sed -n 2p)" '["","xX|Sn|Xx","pw2","",""]' \
	"a login holding another separator, before the file's"

# --- a password holding the separator stays whole ---
printf 'a@x.com:pa:ss\nb@x.com:plain\nc@x.com:x:y:z\nd@x.com::\n' >sepinpw.txt
cat >want.rows <<'EOF'
["","a@x.com","pa:ss","",""]
["","b@x.com","plain","",""]
["","c@x.com","x:y:z","",""]
["","d@x.com",":","",""]
EOF
rows sepinpw.txt >got.rows
same_file got.rows want.rows "password with the separator, two columns"
is "$(dialect sepinpw.txt has_extra)" no "occasional extra separators are no column"

# --- a consistent third column ---
printf 'a@x.com:pw1:1.2.3.4\nb@x.com:pw2:5.6.7.8\nc@x.com:p:w:9.9.9.9\nd@x.com:nox\ne@x.com:pw5:2021\n' >extra.txt
is "$(dialect extra.txt has_extra)" yes "third column found"
is "$(names extra.txt)" "url,login,password,extra,hash,hex" "extra column named"
cat >want.rows <<'EOF'
["","a@x.com","pw1","1.2.3.4","",""]
["","b@x.com","pw2","5.6.7.8","",""]
["","c@x.com","p:w","9.9.9.9","",""]
["","d@x.com","nox","","",""]
["","e@x.com","pw5","2021","",""]
EOF
rows extra.txt >got.rows
same_file got.rows want.rows "extra is after the last separator, the password whole"

# --- URL prefixes, as in stealer logs ---
cat >urls.txt <<'EOF'
https://accounts.example.com/login:alice@example.com:hunter2
http://site.kz:8080/auth:bob:pa:ss
android://Xq1fJ2a_bC==@com.example.app/:carol:s3cret
https://www.example.org/:dave:
www.shop.com/signin:erin:pw
eve@example.com:plain
EOF
cat >want.rows <<'EOF'
["https://accounts.example.com/login","alice@example.com","hunter2","",""]
["http://site.kz:8080/auth","bob","pa:ss","",""]
["android://Xq1fJ2a_bC==@com.example.app/","carol","s3cret","",""]
["https://www.example.org/","dave","","",""]
["www.shop.com/signin","erin","pw","",""]
["","eve@example.com","plain","",""]
EOF
rows urls.txt >got.rows
same_file got.rows want.rows "URL prefixes: scheme, port, android, path"
is "$(dialect urls.txt has_url)" yes "has_url"
is "$(dialect urls.txt format)" combo "URL lines are combo"

cat >domains.txt <<'EOF'
example.com:alice@example.com:hunter2
shop.kz:bob:letmein
mail.ru:carol:pa:ss
EOF
cat >want.rows <<'EOF'
["example.com","alice@example.com","hunter2","",""]
["shop.kz","bob","letmein","",""]
["mail.ru","carol","pa:ss","",""]
EOF
rows domains.txt >got.rows
same_file got.rows want.rows "bare domains first: site.com:user:pass"
is "$(dialect domains.txt bare_domain_urls)" yes "bare_domain_urls"
printf 'john.smith:pw:x\nanna.lee:pw2\n' >dotted.txt
is "$(rows dotted.txt | head -1)" '["","john.smith","pw:x","",""]' "a dotted login is not a domain"

# --- hashes ---
cat >hashes.txt <<'EOF'
a@x.com:5f4dcc3b5aa765d61d8327deb882cf99
b@x.com:5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8
c@x.com:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
d@x.com:$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy
e@x.com:$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/
f@x.com:*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19
g@x.com:abJnggxhB/yWI
h@x.com:$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG
i@x.com:password
j@x.com:12345678901234567890123456789012
EOF
got=$(dt cat -q hashes.txt | jq -r .hash | tr '\n' ' ')
is "$got" "md5 sha1 sha256 bcrypt sha512crypt mysql41 descrypt argon2   " "hash kinds"

# --- $HEX[] passwords ---
cat >hex.txt <<'EOF'
a@x.com:$HEX[70617373776f7264]
b@x.com:$HEX[613a62]
c@x.com:$HEX[d0bfd0b0d180d0bed0bbd18c]
d@x.com:$HEX[ff00]
e@x.com:$HEX[6]
f@x.com:$HEX[]
g@x.com:$HEX[3566346463633362356161373635643631643833323764656238383263663939]
EOF
cat >want.rows <<'EOF'
["","a@x.com","password","","decoded"]
["","b@x.com","a:b","","decoded"]
["","c@x.com","пароль","","decoded"]
["","d@x.com","$HEX[ff00]","","kept"]
["","e@x.com","$HEX[6]","","kept"]
["","f@x.com","","","decoded"]
["","g@x.com","5f4dcc3b5aa765d61d8327deb882cf99","md5","decoded"]
EOF
rows hex.txt >got.rows
same_file got.rows want.rows "\$HEX[] decoded when text, kept and flagged when not"

# --- junk lines: rejected with line and offset, counts add up ---
printf '\320\260\320\273\320\270\321\201\320\260@example.com:\320\277\320\260\321\200\320\276\320\273\321\214\n\nno separator here\nbob@example.org:pw\n:nologin\nbin\001ary:x\n   \ncarol@example.net:p\377w\ndave@example.com:ok\nnul\000@x.com:pw\nlast@example.com:end' >junk.txt
dt cat --format combo --rejects rej.txt junk.txt >out.jsonl 2>err.txt
is "$?" 1 "junk: exit 1"
is "$(wc -l <out.jsonl | tr -d ' ')" 4 "junk: four records"
is "$(tail -1 err.txt)" "dumptrace: 4 records parsed, 5 rejected" "junk: counts add up (blank lines are no records)"
is "$(grep -ac '^# junk.txt:' rej.txt)" 5 "junk: five rejections in --rejects"
is "$(grep -a '^# ' rej.txt | cut -d' ' -f2- | head -5 | tr '\n' '|')" \
	"junk.txt:3:37: no separator (: ; | or tab) in the line|junk.txt:5:74: empty login|junk.txt:6:83: control byte 0x01 at byte 3 of the line|junk.txt:8:97: invalid UTF-8 at byte 19 of the line|junk.txt:10:139: NUL byte at byte 3 of the line|" \
	"junk: reasons, lines and byte offsets"
is "$(dt sniff --json -q --format combo junk.txt | jq -c .inputs[0].records)" \
	'{"total":9,"parsed":4,"rejected":5}' "junk: sniff counts"
dt cat --format combo -q --chunk 1 junk.txt >out1.jsonl 2>/dev/null
same_file out1.jsonl out.jsonl "junk: same records fed a byte at a time"

# a line longer than --max-record is rejected, the next ones read
{
	printf 'a@x.com:pw\n'
	head -c 5000 /dev/zero | tr '\0' 'x'
	printf ':long\nb@x.com:pw\n'
} >long.txt
dt cat --format combo --max-record 1k long.txt >out.jsonl 2>err.txt
is "$?" 1 "long line: exit 1"
is "$(jq -r .login out.jsonl | tr '\n' ' ')" "a@x.com b@x.com " "long line: the others read"
ok "$(grep -c 'line 2, byte 11: line longer than the --max-record limit' err.txt >/dev/null; echo $?)" \
	"long line: reason and place"

# --- line ends, chunks, compression ---
cat colon.txt urls.txt hashes.txt hex.txt extra.txt >all.txt
sed 's/$/\r/' all.txt >all-crlf.txt
rows all.txt >lf.rows
rows all-crlf.txt >crlf.rows
same_file crlf.rows lf.rows "CRLF and LF give the same records"
is "$(dialect all-crlf.txt line_ends)" CRLF "CRLF seen"
dt cat -q all-crlf.txt >c0.out 2>&1
dt cat -q --chunk 1 all-crlf.txt >c1.out 2>&1
dt cat -q --chunk 31 all-crlf.txt >c31.out 2>&1
same_file c1.out c0.out "--chunk 1 gives the same output"
same_file c31.out c0.out "--chunk 31 gives the same output"
dt cat -q --format combo --chunk 1 urls.txt >u1.out
dt cat -q --format combo --chunk 31 urls.txt >u31.out
dt cat -q --format combo urls.txt >u0.out
same_file u1.out u0.out "URLs: --chunk 1"
same_file u31.out u0.out "URLs: --chunk 31"
dt sniff -q --json --chunk 7 junk.txt --format combo | jq -c '.inputs[0].rejections' >r7.out
dt sniff -q --json junk.txt --format combo | jq -c '.inputs[0].rejections' >r0.out
same_file r7.out r0.out "rejection places do not depend on chunks"

gzip -c all.txt >all.txt.gz
is "$(dialect all.txt.gz format)" combo "gzip: sniffed as combo"
dt cat -q all.txt.gz | jq -c 'del(._input)' >gz.out
dt cat -q all.txt | jq -c 'del(._input)' >plain.out
same_file gz.out plain.out "gzip: same records"
printf '\357\273\277a@x.com:pw\nb@x.com:pw2\n' >bom.txt
is "$(rows bom.txt | head -1)" '["","a@x.com","pw","",""]' "a BOM is not part of the login"

# --- --delimiter forces the separator, and no other is tolerated ---
printf 'a@x.com|p:w\nb@x.com:pw\n' >forced.txt
dt cat -q --format combo --delimiter '|' forced.txt >out.jsonl 2>/dev/null
is "$?" 1 "forced: a line without it is rejected"
is "$(jq -r .password out.jsonl)" "p:w" "forced: split at the forced separator"
printf 'https://a.com:8080/x|u|p:w\n' >forced-url.txt
is "$(rows forced-url.txt --format combo --delimiter '|')" '["https://a.com:8080/x","u","p:w","",""]' \
	"forced: URL lines"
printf 'https://site.com/login\nhttps://site.com/login:onlyuser\na@x.com:pw\n' >urlonly.txt
dt sniff -q --json --format combo urlonly.txt | jq -r '.inputs[0].rejections[].reason' >got.txt
printf 'no login and password after the URL\nno login and password after the URL\n' >want.txt
same_file got.txt want.txt "a URL without a login and a password is rejected"

# --- what is not a combo list ---
cat >people.csv <<'EOF'
id;email;first_name;last_name;city
1;alice@example.com;Alice;Smith;Almaty
2;bob@example.org;Bob;Jones;Astana
3;carol@example.net;Carol;Lee;Shymkent
EOF
is "$(dialect people.csv format)" csv "a ; CSV with a header and 5 columns is CSV"
cat >pw.csv <<'EOF'
email;password
alice@example.com;hunter2
bob@example.org;letmein
EOF
is "$(dialect pw.csv format)" csv "a two-column CSV with a header is CSV"
printf 'name\tcity\tphone\nAlice\tAlmaty\t+7 701 234 5678\nBob\tAstana\t+7 702 000 0000\n' >t.tsv
is "$(dialect t.tsv format)" csv "a TSV with a header is CSV"
printf 'id,email,password\n1,a@x.com,pw\n2,b@x.com,pw2\n' >comma.csv
is "$(dialect comma.csv format)" csv "a comma CSV is CSV"
printf 'Ivanov;Ivan\nPetrov;Petr\nSidorov;Sidor\n' >names.csv
is "$(dialect names.csv format)" csv "two ; columns of plain values are CSV"
printf 'mail_address;secret\na@x.com;pw\nb@x.com;pw2\nc@x.com;pw3\n' >hdr2.csv
is "$(dialect hdr2.csv format)" csv "a row of words over emails is a header: CSV"
printf 'a\tb\n1\t2\n' >ab.tsv
is "$(dialect ab.tsv format)" csv "a tiny TSV is CSV"
printf '1;Alice;Almaty\n2;Bob;Astana\n3;Carol;Shymkent\n' >nohead.csv
is "$(dialect nohead.csv format)" csv "three ; columns of plain values are CSV"
printf 'Host: example.com\nAccept: */*\nUser-Agent: curl\n' >headers.txt
ok "$(test "$(dialect headers.txt format)" != combo; echo $?)" "Key: value lines are no combo list"
printf '{"email":"a@x.com","password":"pw"}\n{"email":"b@x.com","password":"pw"}\n' >j.jsonl
ok "$(test "$(dialect j.jsonl format)" != combo; echo $?)" "JSON Lines are no combo list"
printf 'INSERT INTO users VALUES (1,\x27a@x.com:pw\x27);\n' >d.sql
ok "$(test "$(dialect d.sql format)" != combo; echo $?)" "SQL is no combo list"
if [ -d "$CORPORA/exports" ]; then
	is "$(dialect "$CORPORA/exports/chinook_customer.csv" format)" csv "the chinook CSV export is CSV"
else
	skip "corpus $CORPORA/exports is absent"
fi

done_testing
