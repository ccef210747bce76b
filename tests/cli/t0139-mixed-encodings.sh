#!/bin/sh
# Mixed encodings (issue 18): a dump stitched from a UTF-8 source and a
# code page source holds lines of both. Decoded with one charset, the
# other's lines turn to garbage and known people read as "updated".
# Detected as mixed, each line is decoded by its own kind, sniff and the
# messages say so, and the counts of a file that is not mixed do not move.
. "$TOP_SRCDIR/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"

python3 - <<'PY'
import random
random.seed(7)
first = ["Иван", "Ольга", "Пётр", "Мария", "Сергей", "Анна", "Дмитрий", "Елена", "Алексей", "Наталья"]
last = ["Иванов", "Петрова", "Сидоров", "Кузнецова", "Смирнов", "Попова", "Васильев", "Новикова"]
cities = ["Алматы", "Астана", "Шымкент", "Караганда", "Актобе"]
lines = ["iin;name;city\n"]
for i in range(1039):
    lines.append("%d;%s %s;%s\n" % (900101300017 + 13 * i, random.choice(first),
                                    random.choice(last), random.choice(cities)))
def write(name, enc):
    with open(name, "wb") as o:
        for i, l in enumerate(lines):
            o.write(l.encode(enc(i)))
write("truth.csv", lambda i: "utf-8")
write("mixed.csv", lambda i: "cp1251" if i % 4 == 1 else "utf-8")
write("mostly.csv", lambda i: "utf-8" if i in (5, 50, 500) else "cp1251")
write("koi.csv", lambda i: "koi8-r" if i % 3 == 0 else "utf-8")
write("pure.csv", lambda i: "cp1251")
write("one.csv", lambda i: "cp1251" if i == 10 else "utf-8")
# a UTF-8 file with three lines of stray bytes: not text, not a code page
with open("stray.csv", "wb") as o:
    for i, l in enumerate(lines):
        o.write(l.encode())
        if i in (100, 200, 300):
            o.write(b"900101300017;\x81\x82\x83\xfe\xff;x\n")
names = ["José García", "François Dupont", "Jürgen Müller", "Inês Conceição", "Søren Ærø"]
with open("west.csv", "wb") as o:
    o.write(b"id;name\n")
    for i in range(600):
        o.write(("%d;%s\n" % (i, names[i % 5])).encode("cp1252" if i % 5 == 0 else "utf-8"))
PY

dt cat -q truth.csv | jq -c 'del(._input)' >truth.jsonl
for f in mixed mostly koi; do
	dt cat -q $f.csv | jq -c 'del(._input)' >$f.jsonl
	same_file $f.jsonl truth.jsonl "$f.csv: every line decoded by its own kind, as the UTF-8 original"
done
dt sniff --json mixed.csv >sniff.json
is "$(jq -r '.inputs[0] | "\(.encoding) \(.code_page_lines)"' sniff.json)" "utf-8+cp1251 260" \
	"sniff: utf-8+cp1251, 260 lines of the code page"
dt sniff mixed.csv | grep -q "260 lines in cp1251, the others UTF-8"
ok $? "... said in its text report"
dt cat mixed.csv 2>&1 >/dev/null | grep -q "'mixed.csv': mixed encodings: 260 lines decoded as cp1251"
ok $? "... and by cat, as a message"
is "$(dt sniff --json koi.csv | jq -r '.inputs[0].encoding')" "utf-8+koi8-r" "KOI8-R lines among UTF-8 ones"
is "$(dt cat -q west.csv | jq -r .name | sort -u | tr '\n' ',')" \
	"François Dupont,Inês Conceição,José García,Jürgen Müller,Søren Ærø," "CP1252 lines among UTF-8 ones"

# two dumps concatenated: 41,560 UTF-8 rows (2.2 MB, past the sample a first
# read makes, up to 1 MiB), then the 1,039 rows again in CP1251: the stream
# turns mixed where they begin, whatever the size of the reads (from 4 KiB:
# a read must hold 24 letters of the page to tell it)
python3 - <<'PY'
lines = open("truth.csv", encoding="utf-8").read().splitlines(True)
with open("concat.csv", "wb") as o, open("concat-truth.csv", "wb") as t:
    o.write(lines[0].encode())
    t.write(lines[0].encode())
    for r in range(40):
        for l in lines[1:]:
            o.write(l.encode())
            t.write(l.encode())
    for l in lines[1:]:
        o.write(l.encode("cp1251"))
        t.write(l.encode())
PY
dt cat -q concat-truth.csv | jq -c 'del(._input)' >ct.jsonl
for ch in 0 4096 100000; do
	if [ $ch = 0 ]; then dt cat -q concat.csv; else dt cat -q --chunk $ch concat.csv; fi |
		jq -c 'del(._input)' >c.jsonl
	same_file c.jsonl ct.jsonl "a CP1251 dump after a UTF-8 one (reads of $ch bytes, 0: as they come): every row as the original"
done
is "$(dt sniff --json concat.csv | jq -r '.inputs[0] | "\(.encoding) \(.code_page_lines) \(.records.rejected)"')" \
	"utf-8+cp1251 1039 0" "... sniff: utf-8+cp1251 from there, 1,039 lines of the page, none rejected"

# what is not mixed stays as it was
is "$(dt sniff --json pure.csv | jq -r '.inputs[0].encoding')" "cp1251" "a CP1251 file is CP1251"
dt cat -q pure.csv | jq -c 'del(._input)' >pure.jsonl
same_file pure.jsonl truth.jsonl "... read whole"
dt sniff --json stray.csv >s.json
is "$(jq -r '.inputs[0] | "\(.encoding) \(.records.rejected)"' s.json)" "utf-8 3" \
	"three lines of stray bytes in UTF-8: not a code page, three rejections"
is "$(dt sniff --json one.csv | jq -r '.inputs[0] | "\(.encoding) \(.records.rejected)"')" "utf-8 1" \
	"one CP1251 line in a UTF-8 sample: too little to call mixed, rejected"

# the analysis: the mixed dump is the leak's copy, not an update of it
dt ingest -q --library lib --name truth truth.csv || exit 1
dt analyze -q --library lib --json an.json mixed.csv
is "$(jq -c .status_counts an.json)" '{"copied":1039,"merged":0,"updated":0,"new":0,"unattributed":0}' \
	"analyze: every row of the mixed dump copied from the leak, none updated"

done_testing
