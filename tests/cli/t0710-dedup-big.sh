#!/bin/sh
# dedup --lines with --memory 64M on a 1 GB input gives the same output as
# an unbounded run (and as awk on a sample of it).
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C
[ -z "${DUMPTRACE_SANITIZED:-}" ] || skip_all "1 GB is too slow under the sanitizers; t0700 covers spilling there"
avail=$(df -Pk . | awk 'NR == 2 { print $4 }')
[ "$avail" -gt 4000000 ] || skip_all "fewer than 4 GB free in $(pwd)"

# 24.5 million lines, 1.2 GB, a third of them repeats of earlier ones
f='user%.0f@example-mail.kz:Password!Passw0rd#2022'
{ seq -f "$f" 1 16000000; seq -f "$f" 8000000 16000000; seq -f "$f" 1 500000; } >big.txt
size=$(stat -c %s big.txt)
test "$size" -gt 1000000000; ok $? "the input is over 1 GB ($size bytes)"
dt dedup --lines big.txt --json >full.txt 2>full.json; is $? 0 "unbounded run"
dt dedup --lines --memory 64M big.txt --json >small.txt 2>small.json; is $? 0 "--memory 64M run"
test "$(jq -r .spill_runs small.json)" -gt 0; ok $? "the 64M run spilled"
cmp -s full.txt small.txt; ok $? "the same output"
is "$(jq -c '[.records_in,.unique,.duplicates]' small.json)" "$(jq -c '[.records_in,.unique,.duplicates]' full.json)" "the same counts"
is "$(wc -l <full.txt | tr -d ' ')" 16000000 "as many lines as there are distinct ones"
rm -f big.txt full.txt small.txt
done_testing
