#!/bin/sh
# Counts that do not mislead (issue 18): one broken record costs itself, not
# the rest of the input. A SQL string whose quote is lost, a JSON array
# element nested too deep or longer than --max-record, a 50 MB CSV field: each is one rejection with a
# reason, and the records after it are read.
. "$TOP_SRCDIR/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"

# SQL: a quote lost in the second statement of 10,001
python3 - <<'PY'
with open("lost.sql", "w") as f:
    f.write("CREATE TABLE t (id int, iin varchar(12), name varchar(20));\n")
    f.write("INSERT INTO t VALUES (1, '900101300017', 'Ivan);\n")
    for i in range(10000):
        f.write("INSERT INTO t VALUES (%d, '9001013%05d', 'P%d');\n" % (i + 2, i, i))
    f.write("INSERT INTO t VALUES (99999, 'a\nb;\nc', 'a string of lines, no statement in them');\n")
PY
dt cat lost.sql >out 2>err
is $? 1 "a lost quote in a SQL dump: exit 1"
grep -q "10,001 records parsed, 1 rejected" err
ok $? "... 10,001 rows read, one rejected (the rest of the dump is not lost)"
grep -q "line 2, byte [0-9]*: a lost quote: a string not closed" err
ok $? "... with the line of the quote and why"
is "$(grep -c '"id":"99999"' out)" 1 "... and a real string of several lines is still read"
# one quote never closed at all, at the very end
{ cat lost.sql; echo "INSERT INTO t VALUES (100000, 'never closed);"; } >end.sql
dt cat -q end.sql >/dev/null 2>err
grep -q "10,001 records parsed, 2 rejected" err
ok $? "a string open at the end of the input: one more rejection"

# JSON: an element of the top-level array nested 2,000 deep, then more elements
python3 -c "print('[{\"iin\": \"900101300017\"},' + '[' * 2000 + ']' * 2000 + ',{\"iin\": \"900101300025\"}]')" >deep.json
dt cat -q deep.json >out 2>err
is $? 1 "a JSON array element nested 2,000 deep: exit 1"
grep -q "2 records parsed, 1 rejected" err
ok $? "... one rejection, and the element after it read"
grep -q "900101300025" out
ok $? "... which is there"
python3 -c "print('[' * 5000 + ']' * 5000)" >deeponly.json
dt sniff deeponly.json >out 2>&1
grep -q "format      json" out
ok $? "a document of nesting only is JSON (not text), rejected as too deep"

# JSON: array elements longer than --max-record (a long string, number,
# nesting, many fields; escaped quotes and brackets inside a string), first,
# in the middle and last: each one rejection, every other element read
python3 - <<'PY'
import json
M = 1 << 20
rec = lambda i: json.dumps({"iin": str(900101300017 + 13 * i), "name": "P%d" % i})
bigs = {
    "str": json.dumps({"iin": "1", "name": "x" * (2 * M)}),
    "esc": json.dumps({"iin": "1", "name": 'a\\"],{[' * (M // 2)}),
    "scalar": json.dumps("y" * (2 * M)),
    "number": "1" * (2 * M),
    "deep": "[" * (2 * M) + "]" * (2 * M),
    "fields": json.dumps({("k%d" % j): j for j in range(200000)}),
}
for k, big in bigs.items():
    for w, pos in (("first", 0), ("mid", 3), ("last", 6)):
        els = [rec(i) for i in range(6)]
        els.insert(pos, big)
        with open("long-%s-%s.json" % (k, w), "w") as f:
            f.write("[\n" + ",\n".join(els) + "\n]\n")
PY
for f in long-*.json; do
	dt cat -q --max-record 1M "$f" >out 2>err
	got="$? $(grep -c 900101300 out) $(tail -n 1 err)"
	is "$got" "1 6 dumptrace: 6 records parsed, 1 rejected" "$f: one rejection, the six others read"
done
dt cat --max-record 1M long-str-mid.json 2>&1 >/dev/null | grep -q "line 5, byte [0-9]*: record longer than the --max-record limit"
ok $? "... with the element's line and why"
# 300 MB in one string: memory stays small
python3 -c "
import sys
sys.stdout.write('[{\"iin\": \"900101300017\"},\"' + 'z' * (300 << 20) + '\",{\"iin\": \"900101300025\"}]')" >huge.json
# (the sanitizers reserve terabytes of address space: no limit under them)
lim=""
[ -n "${DUMPTRACE_SANITIZED:-}" ] || ! command -v prlimit >/dev/null 2>&1 || lim="prlimit --as=1073741824 --"
$lim "$DUMPTRACE" cat -q --max-record 1M huge.json >out 2>err
is "$?:$(grep -c 900101300 out)" "1:2" "a 300 MB string element (within 1 GiB): rejected, both records around it read"
rm -f huge.json
# the same inside an object of tables, one level down, and in a _search response
python3 - <<'PY'
import json
M = 1 << 20
rec = lambda i: {"iin": str(900101300017 + 13 * i), "name": "P%d" % i}
big = {"iin": "1", "name": "x" * (2 * M)}
def arr(pos, n=4):
    a = [rec(i) for i in range(n)]
    a.insert(pos, big)
    return a
open("tab1.json", "w").write(json.dumps({"people": arr(1), "meta": {"v": 1}, "other": [rec(10), rec(11)]}))
open("tab2.json", "w").write(json.dumps({"db": {"people": arr(4), "more": arr(0)}}))
hit = lambda i, s: {"_index": "x", "_id": str(i), "_source": s}
open("tab3.json", "w").write(json.dumps({"took": 1, "hits": {"total": 5, "hits":
    [hit(0, rec(0)), hit(1, rec(1)), hit(9, big), hit(2, rec(2)), hit(3, rec(3))]}}))
PY
dt cat -q --max-record 1M tab1.json >out 2>err
is "$(jq -r '"\(._table):\(.iin)"' out | tr '\n' ' ')$(tail -n 1 err)" \
	"people:900101300017 people:900101300030 people:900101300043 people:900101300056 other:900101300147 other:900101300160 dumptrace: 6 records parsed, 1 rejected" \
	"an object of tables: the long element one rejection, its table and the next one read"
dt cat -q --max-record 1M tab2.json >out 2>err
is "$(jq -r ._table out | sort | uniq -c | tr -s ' ' | tr '\n' ',')$(tail -n 1 err)" \
	" 4 more, 4 people,dumptrace: 8 records parsed, 2 rejected" "... one level down, last and first in their tables"
dt cat -q --max-record 1M tab3.json >out 2>err
is "$(wc -l <out | tr -d ' ') $(tail -n 1 err)" "4 dumptrace: 4 records parsed, 1 rejected" "... a _search response's long hit"

# the input ends inside the long element: it is rejected, the array failed
head -c 1500000 long-str-mid.json >cut.json
dt cat --max-record 1M cut.json >out 2>err
grep -q "the input ends inside it" err && grep -q "the top-level array is not closed" err
ok $? "an input that ends inside a long element: rejected, and the array said unclosed"
is "$(grep -c 900101300 out)" 3 "... the three elements before it read"

# CSV: one quoted field of 20 MB (the window holds the whole record) or
# 50 MB (it does not) with line ends in it, then 1,000 rows
for mb in 20 50; do
	python3 - "$mb" <<'PY'
import sys
mb = int(sys.argv[1])
with open("big.csv", "w") as f:
    f.write("iin;name;note\n900101300017;Ivan;\"")
    for i in range(mb * 1024):
        f.write("x" * 1000 + "\n")
    f.write("\"\n")
    for i in range(1000):
        f.write("9001013%05d;P%d;ok\n" % (i, i))
PY
	dt cat -q big.csv >out 2>err
	grep -q "1,000 records parsed, 1 rejected" err
	ok $? "a $mb MB quoted CSV field: one rejection, the 1,000 rows after it read"
done

done_testing
