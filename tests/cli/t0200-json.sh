#!/bin/sh
# The JSON reader on fixtures made here: the three layouts, flattening,
# MongoDB extended JSON, broken lines and arrays, limits, chunked feeding.
. "$TOP_SRCDIR/tests/lib.sh"

# records without the input name, which differs between fixtures
records() { dt cat --quiet "$@" | sed 's/^{"_input":"[^"]*","_table":null,/{/'; }

# --- layouts: the same two records each way ---
printf '{"iin":"870421300123","name":"Нурлан","age":41}\n{"iin":"900101400456","name":"Мария","age":null}\n' >l.jsonl
cat >want.out <<'EOF'
{"iin":"870421300123","name":"Нурлан","age":"41"}
{"iin":"900101400456","name":"Мария","age":null}
EOF
records l.jsonl >got.out 2>err; is $? 0 "JSON Lines: exit 0"
same_file got.out want.out "JSON Lines records"
printf '[{"iin":"870421300123","name":"Нурлан","age":41},\n {"iin":"900101400456","name":"Мария","age":null}]\n' >a.json
records a.json >got.out 2>err; is $? 0 "array: exit 0"
same_file got.out want.out "array of objects"
printf '[{"iin":"870421300123","name":"Нурлан","age":41},{"iin":"900101400456","name":"Мария","age":null}]' >a1.json
records a1.json >got.out; same_file got.out want.out "array on one line, no final line end"
printf '{"iin":"870421300123","name":"Нурлан","age":41}{"iin":"900101400456",\n"name":"Мария","age":null}' >c.json
records c.json >got.out; same_file got.out want.out "concatenated values"
cat >p.json <<'EOF'
{
  "iin": "870421300123",
  "name": "Нурлан",
  "age": 41
}
{
  "iin": "900101400456",
  "name": "Мария",
  "age": null
}
EOF
records p.json >got.out 2>err; is $? 0 "pretty-printed: exit 0"
same_file got.out want.out "pretty-printed objects over several lines"
printf '\357\273\277{"iin":"870421300123","name":"Нурлан","age":41}\r\n\r\n{"iin":"900101400456","name":"Мария","age":null}\r\n' >bom.jsonl
records bom.jsonl >got.out; same_file got.out want.out "BOM, CRLF and a blank line"

dt sniff l.jsonl a.json p.json >sniff.out 2>/dev/null
is "$(grep -c 'json layout=lines' sniff.out)" 1 "sniff: lines layout"
is "$(grep -c 'json layout=array' sniff.out)" 1 "sniff: array layout"
is "$(grep -c 'json layout=concatenated' sniff.out)" 1 "sniff: concatenated layout"

# --- locations: line and byte offset of each record's start ---
dt cat --quiet --output-format csv p.json >/dev/null
printf '{"a":1}\n\n  {"a":2}\n[{"x":1},\n{"x":\n{"a":3}\n' >loc.jsonl
dt cat --rejects rej.txt loc.jsonl >/dev/null 2>err
grep -q "line 4, byte 19: line ends inside the record at column 10" err; ok $? "a broken line: its line and byte"
grep -q "line 5, byte 29: line ends inside the record at column 6" err; ok $? "the next broken line is reported on its own"

# --- flattening ---
printf '{"patient":{"iin":"870421300123","phones":["+77012345678","+77079876543"]},"scores":[{"type":"exam","v":1.5e3},{"type":"quiz"}],"ok":true,"no":false,"e":{},"z":[]}\n' >n.jsonl
cat >want.out <<'EOF'
{"patient.iin":"870421300123","patient.phones.0":"+77012345678","patient.phones.1":"+77079876543","scores.0.type":"exam","scores.0.v":"1.5e3","scores.1.type":"quiz","ok":"true","no":"false"}
EOF
records n.jsonl >got.out; same_file got.out want.out "nested objects and arrays flatten to dotted names"
printf '1\n"text"\nnull\n[1,[2,3]]\n' >s.jsonl
cat >want.out <<'EOF'
{"value":"1"}
{"value":"text"}
{"value":null}
{"0":"1","1.0":"2","1.1":"3"}
EOF
records --format json s.jsonl >got.out; same_file got.out want.out "top-level scalars are one field named value"
printf '["a",2,{"k":"v"}]\n' >sa.json
printf '{"value":"a"}\n{"value":"2"}\n{"k":"v"}\n' >want.out
records sa.json >got.out; same_file got.out want.out "scalars inside the top-level array"
printf '{"k":"a\\u0000b","esc":"\\"\\\\\\/\\n\\u00e9\\ud834\\udd1e"}\n' >esc.jsonl
printf '{"k":"a\357\277\275b","esc":"\\"\\\\/\\n\303\251\360\235\204\236"}\n' >want.out
records esc.jsonl >got.out; same_file got.out want.out "escapes decoded, \\u0000 as U+FFFD"

# --- MongoDB extended JSON ---
cat >m.json <<'EOF'
{"_id":{"$oid":"50b59cd75bed76f46522c34e"},"d1":{"$date":"2012-11-20T20:02:24.386Z"},"d2":{"$date":{"$numberLong":"1356998400123"}},"d3":{"$date":-86400000},"n":{"$numberLong":"9007199254740993"},"i":{"$numberInt":"7"},"f":{"$numberDouble":"NaN"},"dec":{"$numberDecimal":"1.10"}}
{"q":{"$exists":true},"two":{"$oid":"x","y":1},"deep":{"$oid":{"a":1}},"top":1}
EOF
cat >want.out <<'EOF'
{"_id":"50b59cd75bed76f46522c34e","d1":"2012-11-20T20:02:24.386Z","d2":"2013-01-01T00:00:00.123Z","d3":"1969-12-31T00:00:00.000Z","n":"9007199254740993","i":"7","f":"NaN","dec":"1.10"}
{"q.$exists":"true","two.$oid":"x","two.y":"1","deep.$oid.a":"1","top":"1"}
EOF
records m.json >got.out; same_file got.out want.out "MongoDB extended JSON reads as plain values"

# --- broken input ---
printf '{"a":1}\n{"a":2,\n{"a":3}\n{"a":4} x\n{"a":"5"}\n' >b.jsonl
dt cat --rejects rej.txt b.jsonl >got.jsonl 2>err; is $? 1 "a broken line: exit 1"
is "$(jq -r .a got.jsonl | tr '\n' ' ')" "1 3 4 5 " "the other lines are parsed"
grep -q "4 records parsed, 2 rejected" err; ok $? "counts add up"
grep -q "^# b.jsonl:2:8: line ends inside the record at column 8" rej.txt; ok $? "rejects file: where and why"
grep -qx '{"a":2,' rej.txt; ok $? "rejects file: the raw line"
grep -q "b.jsonl': line 4, byte 32: invalid char in json text at column 9; record rejected" err
ok $? "garbage after a value: line, byte and column"

printf '[{"a":1},\n{"a":2},\n{"a" 3},\n{"a":4}]\n' >ba.json
dt cat ba.json >got.jsonl 2>err; rc=$?
is $rc 1 "a broken array: exit 1"
is "$(jq -r .a got.jsonl | tr '\n' ' ')" "1 2 " "records before the break are kept"
grep -q "ba.json': line 3, byte 24: object key and value must be separated by a colon (':'); rest of input lost" err
ok $? "a broken array: where and why"
printf '[{"a":1},{"a":2}' >open.json
dt cat open.json >/dev/null 2>err; is $? 1 "an array cut off: exit 1"
grep -q "the top-level array is not closed at the end of the input" err; ok $? "an array cut off: the reason"
printf '[{"a":1}] [2]\n' >two.json
dt cat two.json >/dev/null 2>err; is $? 1 "data after the array: exit 1"
printf '{"a":"ok"}\n{"a":"bad \377 byte"}\n{"a":"fine"}\n' >u.jsonl
dt cat --encoding utf-8 u.jsonl >got.jsonl 2>err; is $? 1 "invalid UTF-8 in a string: exit 1"
is "$(jq -r .a got.jsonl | tr '\n' ' ')" "ok fine " "invalid UTF-8: only that record goes"
grep -q "invalid UTF-8 in field 'a' (byte 5 of the value)" err; ok $? "invalid UTF-8: the field and byte"
printf '{"a":"ok"}\n{"a\376":1}\n' >uk.jsonl
dt cat --encoding utf-8 uk.jsonl >/dev/null 2>err; grep -q "invalid UTF-8 in a field name" err; ok $? "invalid UTF-8 in a name"
printf '   \n\n' >ws.json
dt cat --format json ws.json >/dev/null 2>err; is $? 1 "nothing but white space: exit 1"
grep -q "no JSON value in the input" err; ok $? "nothing but white space: the reason"
printf '{\n  "a": 1,\n  "b" 2\n}\n{\n  "a": 3\n}\n' >bp.json
dt cat bp.json >got.jsonl 2>err; is $? 1 "a broken pretty-printed object: exit 1"
is "$(jq -r .a got.jsonl | tr '\n' ' ')" "3 " "the next object is found again"

# --- limits ---
awk 'BEGIN { printf "{\"a\":1}\n{\"big\":\""; for (i = 0; i < 3000; i++) printf "xxxxxxxxxx"; printf "\"}\n{\"a\":2}\n" }' >huge.jsonl
dt cat --max-record 16K huge.jsonl >got.jsonl 2>err; is $? 1 "a record over --max-record: exit 1"
is "$(jq -r .a got.jsonl | tr '\n' ' ')" "1 2 " "the records around it are kept"
grep -q "longer than the --max-record limit" err; ok $? "over --max-record: the reason"
{ printf '[{"a":1},{"big":"'; awk 'BEGIN { for (i = 0; i < 3000; i++) printf "xxxxxxxxxx" }'; printf '"},{"a":2}]'; } >huge.json
dt cat --max-record 16K huge.json >got.jsonl 2>err; is $? 1 "an array element over --max-record: exit 1"
awk 'BEGIN { printf "{\"a\":1}\n{\"b\":["; for (i = 0; i < 1001; i++) printf "%s%d", i ? "," : "", i; printf "]}\n{\"a\":2}\n" }' >arr.jsonl
dt cat arr.jsonl >got.jsonl 2>err; is "$(jq -r .a got.jsonl | tr '\n' ' ')" "1 2 " "an array over 1000 elements rejects its record"
grep -q "array of more than 1000 elements in 'b'" err; ok $? "over 1000 elements: the reason"
awk 'BEGIN { printf "{\"a\":1}\n"; for (i = 0; i < 70; i++) printf "{\"x\":"; printf "1"; for (i = 0; i < 70; i++) printf "}"; printf "\n{\"a\":2}\n" }' >deep.jsonl
dt cat deep.jsonl >got.jsonl 2>err; is "$(jq -r .a got.jsonl | tr '\n' ' ')" "1 2 " "nesting over 64 levels rejects its record"
awk 'BEGIN { printf "{\"a\":1}\n"; for (i = 0; i < 5000; i++) printf "["; printf "\n{\"a\":2}\n" }' >deeper.jsonl
dt cat deeper.jsonl >got.jsonl 2>err; is "$(jq -r .a got.jsonl | tr '\n' ' ')" "1 2 " "5000 open brackets cost one line"
grep -q "nested deeper than 1024 levels" err; ok $? "over 1024 levels: the reason"

printf '["a",1]\n["b",2]\n["c",3]\n' >rows.jsonl
printf '{"0":"a","1":"1"}\n{"0":"b","1":"2"}\n{"0":"c","1":"3"}\n' >want.out
records rows.jsonl >got.out; same_file got.out want.out "JSON Lines of arrays: one record a line"

# --- long lines and a long array stream through ---
awk 'BEGIN { printf "{\"long\":\""; for (i = 0; i < 10000; i++) printf "0123456789"; printf "\",\"n\":1}\n{\"n\":2}\n" }' >long.jsonl
records long.jsonl >got.out 2>err; is "$? $(jq -r .n got.out | tr '\n' ' ')" "0 1 2 " "a line longer than a 64 KiB piece"
awk 'BEGIN { printf "["; for (i = 0; i < 100000; i++) printf "%s\n{\"id\":%d,\"name\":\"n%d\",\"tags\":[\"a\",\"b\"]}", i ? "," : "", i, i; printf "]\n" }' >many.json
dt cat --quiet many.json >many.out 2>err; is "$? $(wc -l <many.out | tr -d ' ')" "0 100000" "an array of 100000 records"
is "$(tail -1 many.out | jq -c '[.id, ."tags.1"]')" '["99999","b"]' "the last of them"

# --- chunked feeding gives the same records ---
for f in l.jsonl a.json c.json p.json n.jsonl m.json b.jsonl ba.json esc.jsonl u.jsonl bp.json arr.jsonl long.jsonl loc.jsonl s.jsonl; do
	records --encoding utf-8 "$f" >whole.out 2>whole.err
	records --encoding utf-8 --chunk 1 "$f" >c1.out 2>c1.err
	records --encoding utf-8 --chunk 31 "$f" >c31.out 2>c31.err
	cmp -s whole.out c1.out && cmp -s whole.out c31.out && cmp -s whole.err c1.err && cmp -s whole.err c31.err
	ok $? "--chunk 1 and --chunk 31 read $f the same"
done

# --- compressed input ---
gzip -c p.json >p.json.gz
records p.json >want.out; records p.json.gz >got.out
same_file got.out want.out "gzip-compressed input"
done_testing
