#!/bin/sh
# Counts that do not mislead (issue 18): one broken record costs itself, not
# the rest of the input. A SQL string whose quote is lost, a JSON array
# element nested too deep, a 50 MB CSV field: each is one rejection with a
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

# CSV: one quoted field of 50 MB with line ends in it, then 1,000 rows
python3 - <<'PY'
with open("big.csv", "w") as f:
    f.write("iin;name;note\n900101300017;Ivan;\"")
    for i in range(51200):
        f.write("x" * 1000 + "\n")
    f.write("\"\n")
    for i in range(1000):
        f.write("9001013%05d;P%d;ok\n" % (i, i))
PY
dt cat -q big.csv >out 2>err
grep -q "1,000 records parsed, 1 rejected" err
ok $? "a 50 MB quoted CSV field: one rejection, the 1,000 rows after it read"

done_testing
