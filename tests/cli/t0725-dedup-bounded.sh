#!/bin/sh
# Bounded memory whatever the input (issue 16): dedup, ingest and analyze
# of one record repeated millions of times, of all-distinct records and of
# half and half, under an address-space limit of 1 GiB with --memory 256M
# (before, one repeated record made dedup's table grow with the records:
# 346 million of them asked for 16 GiB). The 10 GB runs are bench/dedup.sh.
. "$TOP_SRCDIR/tests/lib.sh"

command -v prlimit >/dev/null 2>&1 || skip_all "prlimit (util-linux) is not installed"
# the sanitizers reserve terabytes of address space: no limit means anything there
[ -z "${DUMPTRACE_SANITIZED:-}" ] || skip_all "an address-space limit cannot be tested under the sanitizers"
N=${DT_BOUNDED_ROWS:-3000000}
AS=1073741824
lim() { prlimit --as=$AS -- "$DUMPTRACE" "$@"; }

{ echo "email,phone,name"; yes 'erlan@example.kz,87011234567,Шәкенов Ерлан' | head -n "$N"; } >rep.csv
awk -v n="$N" 'BEGIN { print "email,phone,name"; for (i = 0; i < n; i++) printf "u%d@example.kz,8701%07d,Name%d\n", i, i, i }' >dist.csv
awk -v n="$N" 'BEGIN { print "email,phone,name"; for (i = 0; i < n; i++) if (i % 2) print "same@example.kz,87010000000,Same"; else printf "u%d@example.kz,8702%07d,Name%d\n", i, i, i }' >half.csv

# the case of the bug, tight: --memory 64M in 256 MiB of address space (the
# table of the build before grew to 2^23 slots, 128 MiB, for 3M records of one
# key, and that build aborts here)
prlimit --as=268435456 -- "$DUMPTRACE" dedup -q -j 2 --memory 64M -o rep64.out rep.csv 2>rep64.err
is "$?" 0 "dedup of one record repeated $N times, --memory 64M, in 256 MiB of address space"
is "$(wc -l <rep64.out | tr -d ' ')" 2 "... one record kept"

for f in rep dist half; do
	lim dedup -q -j 2 --memory 256M -o "$f.out" "$f.csv" 2>"$f.err"
	is "$?" 0 "dedup of $f.csv ($N records) under a 1 GiB address space, --memory 256M"
done
is "$(wc -l <rep.out | tr -d ' ')" 2 "... one repeated record: its header and one record kept"
is "$(wc -l <dist.out | tr -d ' ')" "$((N + 1))" "... all distinct: every one kept"
is "$(wc -l <half.out | tr -d ' ')" "$((N / 2 + 2))" "... half and half: the distinct half and one of the others"
lim dedup -q -j 2 --lines --memory 256M -o rep.lines rep.csv
is "$?$(wc -l <rep.lines | tr -d ' ')" "02" "dedup --lines of the repeated line, bounded too"

lim ingest -q -j 2 --memory 256M --library lib --name rep rep.csv
is "$?" 0 "ingest of the repeated record, bounded"
lim ingest -q -j 2 --memory 256M --library lib --name half half.csv
is "$?" 0 "ingest of half and half, bounded"
lim analyze -q -j 2 --memory 256M --library lib --json a.json rep.csv >/dev/null
is "$?" 0 "analyze of the repeated record against them, bounded"
is "$(jq .records.duplicates a.json)" "$((N - 1))" "... every repeat a duplicate"

done_testing
