#!/bin/sh
# Broken inputs: a clear message with a location, counts that add up, the
# right exit code, no crash; and the run goes on with the other inputs.
. "$TOP_SRCDIR/tests/lib.sh"

good() { printf 'a,b\n1,2\n3,4\n'; }
good >good.csv

# truncated compressed streams
seq 1 200000 | sed 's/$/,x/' | { echo 'n,v'; cat; } >big.csv
gzip -c big.csv | head -c 200000 >trunc.csv.gz
dt sniff --json trunc.csv.gz good.csv >out.json 2>err
is $? 1 "truncated gzip: exit 1"
grep -q "trunc.csv.gz" err && grep -qi "rest of input lost\|truncated\|unexpected" err
ok $? "truncated gzip: message names the file"
grep -q "line [0-9]*, byte [0-9]*" err; ok $? "truncated gzip: message gives line and byte"
is "$(jq -r '.inputs[0].abandoned' out.json)" true "truncated gzip: input marked abandoned"
is "$(jq -r '.inputs[1].records.parsed' out.json)" 2 "the next input is still read"
zstd -q -c big.csv | head -c 50000 >trunc.csv.zst
dt sniff trunc.csv.zst >/dev/null 2>err; is $? 1 "truncated zstd: exit 1"
grep -q "trunc.csv.zst" err; ok $? "truncated zstd: message names the file"

# a member over the size cap, and a decompression bomb by ratio
head -c 3000000 big.csv >m1.csv
zip -q cap.zip m1.csv good.csv
dt sniff --json --max-member-size 1M cap.zip >out.json 2>err
is $? 1 "member over --max-member-size: exit 1"
grep -q "cap.zip:m1.csv.*passes the cap" err; ok $? "member over the cap: clear message"
is "$(jq -r '.inputs[1].name' out.json)" "cap.zip:good.csv" "the next member is still read"
is "$(jq -r '.inputs[1].records.parsed' out.json)" 2 "the next member's records"
head -c 80000000 /dev/zero | tr '\0' 'a' | gzip -9 >bomb.gz
dt sniff bomb.gz good.csv >/dev/null 2>err; is $? 1 "decompression bomb: exit 1"
grep -q "decompression ratio passes 500:1" err; ok $? "decompression bomb: stopped by ratio"
# padding elsewhere in a zip (4 MB stored at random) does not dilute one
# member's ratio (275 MB at 515:1): the member is stopped, at the cap per
# member, not read in full (the archive's own ratio is 61:1)
if command -v python3 >/dev/null 2>&1; then
	python3 - <<'PY'
import os, zipfile
zi = zipfile.ZipInfo("b.txt")
zi.compress_type = zipfile.ZIP_DEFLATED
with zipfile.ZipFile("pad.zip", "w") as z:
    z.writestr(zipfile.ZipInfo("a.bin"), os.urandom(4 << 20), compress_type=zipfile.ZIP_STORED)
    with z.open(zi, "w", force_zip64=True) as f:
        chunk = b"abcdefghij\n" * (1 << 16)
        for i in range(400):
            f.write(chunk)
PY
	dt sniff --json --max-ratio 100 pad.zip >out.json 2>err
	grep -q "pad.zip:b.txt'.*decompression ratio passes 100:1" err
	ok $? "a bomb member behind padding: stopped by its own ratio"
	n=$(jq -r '.inputs[] | select(.name == "pad.zip:b.txt") | .records.parsed' out.json)
	test "$n" -gt 1000000 && test "$n" -lt 15000000
	ok $? "... after 1 to 15 million of its 26 million lines ($n)"
else
	skip "python3 is not installed"
	skip "python3 is not installed"
fi

# an unbalanced quote costs one line, not the rest of the file
printf 'a,b\n1,2\n3,"4\n5,6\n7,8\n' >quote.csv
dt cat quote.csv --rejects rej.txt >out.jsonl 2>err; is $? 1 "unbalanced quote: exit 1"
is "$(wc -l <out.jsonl | tr -d ' ')" 3 "unbalanced quote: the other rows parsed"
grep -q "line 3, byte 8:" err; ok $? "unbalanced quote: line and byte of the bad row"
is "$(head -1 rej.txt)" "# quote.csv:3:8: quoted field not closed" "rejects file: location and reason"
is "$(sed -n 2p rej.txt)" '3,"4' "rejects file: the raw text"
grep -q '3 records parsed, 1 rejected' err; ok $? "counts add up: 4 rows = 3 + 1"

# ragged rows and NUL bytes
printf 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n\0,1,2\n10,11,12\n' >ragged.csv
dt sniff --json ragged.csv >out.json 2>err; is $? 1 "ragged rows: exit 1"
is "$(jq -r '.inputs[0].records.parsed' out.json)" 2 "ragged: parsed"
is "$(jq -r '.inputs[0].records.rejected' out.json)" 3 "ragged: rejected"
is "$(jq -r '.inputs[0].rejections[0].reason' out.json)" "expected 3 fields, found 2" "ragged: reason"
is "$(jq -r '.inputs[0].rejections[0].line' out.json)" 3 "ragged: line"
is "$(jq -r '.inputs[0].rejections[2].reason' out.json)" "NUL byte in field 1 (a)" "NUL byte: reason"

# a stray CP1251 byte among UTF-8 Cyrillic: UTF-8, and only that record rejected
{ printf 'a,b\n'; i=0; while [ $i -lt 50 ]; do echo "$i,Ахметов"; i=$((i+1)); done; printf '9,\310\n'; } >stray.csv
dt sniff --json stray.csv >out.json 2>err; is $? 1 "stray byte: exit 1"
is "$(jq -r '.inputs[0].encoding' out.json)" utf-8 "stray byte: still UTF-8"
is "$(jq -r '.inputs[0].records.parsed' out.json)" 50 "stray byte: the UTF-8 records parsed"
is "$(jq -r '.inputs[0].records.rejected' out.json)" 1 "stray byte: one rejected"

# invalid UTF-8 in a file that starts as UTF-8
{ printf 'a,b\n'; i=0; while [ $i -lt 200000 ]; do echo "$i,x"; i=$((i+1)); done; printf '9,\310\302\n'; } >mixed.csv
dt sniff --json mixed.csv >out.json 2>err; is $? 1 "invalid UTF-8: exit 1"
is "$(jq -r '.inputs[0].rejections[0].reason' out.json)" "invalid UTF-8 in field 2 (b)" "invalid UTF-8: reason"
is "$(jq -r '.inputs[0].records.rejected' out.json)" 1 "invalid UTF-8: only that record"

# a 50 MB single line
{ printf 'a,b\n1,2\n'; head -c 50000000 /dev/zero | tr '\0' 'x'; printf ',y\n3,4\n'; } >long.csv
dt sniff --json long.csv >out.json 2>err; is $? 1 "50 MB line: exit 1"
grep -q "line 3, byte 8: line longer than the --max-record limit" err; ok $? "50 MB line: message with location"
is "$(jq -r '.inputs[0].records.parsed' out.json)" 2 "50 MB line: the rows around it parsed"
dt sniff --json --max-record 64M long.csv >out.json 2>err; is $? 0 "--max-record 64M: the long line is a record"
is "$(jq -r '.inputs[0].records.parsed' out.json)" 3 "a long line within the limit is parsed"

# three million fields on one line (through libcsv: a quote in a plain field)
{ printf 'a,b\n1,2\nx"y'; head -c 3000000 /dev/zero | tr '\0' ','; printf '\n3,4\n'; } >commas.csv
/usr/bin/time -f %M -o rss "$DUMPTRACE" sniff --json commas.csv >out.json 2>/dev/null
is "$(jq -r '.inputs[0].rejections[0].reason' out.json)" "record has too many fields" "a line of commas: rejected"
is "$(jq -r '.inputs[0].records.parsed' out.json)" 2 "a line of commas: the rows around it parsed"
test "$(tail -1 rss)" -lt 200000; ok $? "a line of commas: memory stays bounded ($(tail -1 rss) KB)"

# empty files, directories, missing and unreadable files
: >empty.csv
dt sniff empty.csv >/dev/null 2>err; is $? 1 "empty file: exit 1"
grep -q "'empty.csv': empty input" err; ok $? "empty file: message"
mkdir dir
dt sniff dir good.csv >out 2>err; is $? 1 "directory: exit 1"
grep -q "cannot read 'dir': Is a directory" err; ok $? "directory: message"
grep -q "2 records parsed" out || grep -q "records *2 parsed" out; ok $? "directory: the run goes on"
dt sniff missing.csv >/dev/null 2>err; is $? 1 "missing file: exit 1"
grep -q "cannot open 'missing.csv': No such file or directory" err; ok $? "missing file: message"
good >unreadable.csv
LD_PRELOAD="$TOP_BUILDDIR/tests/failio.so" FAILIO_SUFFIX=unreadable.csv FAILIO_AFTER=0 \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" dt sniff unreadable.csv good.csv >out 2>err
is $? 1 "unreadable file: exit 1"
grep -q "cannot read 'unreadable.csv': Input/output error" err; ok $? "unreadable file: message"
LD_PRELOAD="$TOP_BUILDDIR/tests/failio.so" FAILIO_SUFFIX=big.csv FAILIO_AFTER=1000000 \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" dt sniff big.csv >out 2>err
is $? 1 "read error part way: exit 1"
grep -q "'big.csv': line [0-9]*, byte [0-9]*: cannot read 'big.csv': Input/output error; rest of input lost" err
ok $? "read error part way: message with location"

# not even text
head -c 100000 /dev/urandom >random.bin
dt sniff random.bin >/dev/null 2>&1; rc=$?
test $rc -le 1; ok $? "random bytes: no crash (exit $rc)"
done_testing
