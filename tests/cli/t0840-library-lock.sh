#!/bin/sh
# One writer at a time, readers beside it: while an ingest fed from a FIFO
# holds the library, a second writer with --no-wait fails with a clear
# message, one without it waits and then completes, and list, show,
# lookup and verify run and see the library as it was. An ingest
# interrupted (SIGINT) says it abandoned and leaves the library unchanged.
# A small --memory spills and writes the same sets as the default.
. "$TOP_SRCDIR/tests/lib.sh"
[ -d /proc/self/fd ] || skip_all "no /proc to see a process's signal handlers"

F="$TOP_SRCDIR/samples/family"
CSV="$F/claimed_2025.csv"
L="$T_TMP/lib"
lib() { dt "$@" --library "$L"; }
shared=' Erlan.Shakenov5112@GMAIL.com ' # in the shop and the claimed dump

wait_for() { # wait_for COMMAND...: polls for up to 60 s; the exit status of the last try
	n=0
	until "$@"; do
		n=$((n + 1))
		[ "$n" -lt 600 ] || return 1
		sleep 0.1
	done
}
has_files() { [ -n "$(ls -A "$1" 2>/dev/null)" ]; }
# SIGINT (2) is in the process's mask of caught signals: its handler is set
catches_int() { [ $((0x$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0) & 2)) -ne 0 ]; }
names() { lib list --json | jq -r '[.[].name] | join(" ")'; }

lib ingest -q --name shop_2020 "$F/shop_2020.sql"
ok $? "ingest a first leak"

# the writer: an ingest of a CSV from a FIFO, half fed and held open
mkfifo in.fifo
"$DUMPTRACE" ingest --library "$L" --name streamed - <in.fifo >w1.out 2>w1.err 3>&- &
pid1=$!
exec 3>in.fifo
head -2001 "$CSV" >&3
wait_for has_files "$L/tmp"
ok $? "the writer holds the library (its staging directory is in tmp/)"

lib ingest --no-wait -q --name combo_2022 "$F/combo_2022.txt" 2>err
is "$?" 2 "a second writer with --no-wait fails with exit code 2"
grep -q "library '.*' is locked by another writer" err
ok $? "... saying the library is locked by another writer"
sed 's/^/# /' err
lib remove --no-wait shop_2020 2>err
is "$?" 2 "remove --no-wait fails too"
is "$(names)" "shop_2020" "list works during the write and shows the library as it was"
lib show shop_2020 >/dev/null
ok $? "show works"
lib show streamed 2>/dev/null
is "$?" 2 "show does not see the leak being written"
is "$(lib lookup --json --email "$shared" | jq -r '.found | join(" ")')" "shop_2020" \
	"lookup works and does not see the leak being written"
lib verify >v.out 2>&1 && ! grep -q error v.out
ok $? "verify is clean during the write"
grep -q "note: .*tmp/ingest-.* in use by an ingest under way" v.out
ok $? "... and notes the ingest under way"
sed 's/^/# /' v.out
grep -q "is in use by an ingest under way" v.out
ok $? "... in a sentence"

# a second writer that waits
"$DUMPTRACE" ingest --library "$L" --name combo_2022 "$F/combo_2022.txt" >w2.out 2>w2.err 3>&- &
pid2=$!
wait_for grep -q "waiting for another writer" w2.err
ok $? "a second writer without --no-wait says it is waiting"
kill -0 "$pid2" 2>/dev/null
ok $? "... and waits"
tail -n +2002 "$CSV" >&3
exec 3>&-
wait "$pid1"
ok $? "the first writer completes when its input ends"
wait "$pid2"
ok $? "... and then the second one"
sed 's/^/# /' w1.err w2.err
is "$(names)" "combo_2022 shop_2020 streamed" "both leaks are listed"
is "$(lib list --json | jq '.[] | select(.name == "streamed") | .records')" "$(($(wc -l <"$CSV") - 1))" \
	"the streamed leak has every row of its input"
is "$(lib lookup --json --email "$shared" | jq -r '.found | join(" ")')" "combo_2022 shop_2020 streamed" \
	"lookup sees them"
lib verify >v.out 2>&1
ok $? "verify is clean"
is "$(grep -c note v.out)" "0" "... with nothing left over"

# SIGINT during an ingest: abandoned, the library as it was
lib list --json >list0.json
ls "$L/sets" >sets0
mkfifo in2.fifo
"$DUMPTRACE" ingest --library "$L" --name interrupted - <in2.fifo >i.out 2>i.err 3>&- &
pid=$!
exec 3>in2.fifo
head -2001 "$CSV" >&3
wait_for catches_int "$pid"
ok $? "the ingest has set its SIGINT handler"
wait_for has_files "$L/tmp"
ok $? "... and has a staging directory"
kill -INT "$pid"
tail -n +2002 "$CSV" >&3 2>/dev/null
exec 3>&-
wait "$pid"
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ]
ok $? "an ingest interrupted by SIGINT exits non-zero ($rc), not killed by the signal"
grep -q "ingest of 'interrupted' abandoned, library unchanged" i.err
ok $? "... and says it abandoned the ingest"
sed 's/^/# /' i.err
lib list --json >list1.json
same_file list1.json list0.json "... list as before"
ls "$L/sets" >sets1
same_file sets1 sets0 "... the same directories in sets/"
is "$(ls -A "$L/tmp")" "" "... tmp/ empty"
lib verify >v.out 2>&1 && ! grep -q -e error -e note v.out
ok $? "... verify clean"

# --concurrent: ingests beside each other, holding the library to begin and
# to commit only; a live one's staging directory is never another writer's
# leftover, a killed one's is
C="$T_TMP/clib"
clib() { dt "$@" --library "$C"; }
cnames() { clib list --json | jq -r '[.[].name] | join(" ")'; }
mkfifo in3.fifo
"$DUMPTRACE" ingest --concurrent --library "$C" --name streamed - <in3.fifo >c1.out 2>c1.err 3>&- &
cpid=$!
exec 3>in3.fifo
head -2001 "$CSV" >&3
wait_for has_files "$C/tmp"
ok $? "--concurrent: the streamed ingest is staging"
stage=$(ls "$C/tmp")
clib ingest --no-wait -q --concurrent --name shop_2020 "$F/shop_2020.sql" 2>c2.err
is "$?" 0 "--concurrent: a second one, --no-wait, runs beside it and commits"
sed 's/^/# /' c2.err
clib ingest --no-wait -q --name combo_2022 "$F/combo_2022.txt" 2>c3.err
is "$?" 0 "... and so does an ingest without --concurrent (its own writer's gc run)"
is "$(ls "$C/tmp")" "$stage" "... the live staging directory left alone by both"
clib verify >cv.out 2>&1
grep -q "tmp/$stage' is in use by an ingest under way" cv.out
ok $? "verify calls it in use, though no writer holds the library"
is "$(cnames)" "combo_2022 shop_2020" "list: the two committed, not the one still staging"
tail -n +2002 "$CSV" >&3
exec 3>&-
wait "$cpid"
ok $? "the streamed ingest commits when its input ends"
sed 's/^/# /' c1.err
is "$(cnames)" "combo_2022 shop_2020 streamed" "... all three listed"
is "$(clib list --json | jq '.[] | select(.name == "streamed") | .records')" "$(($(wc -l <"$CSV") - 1))" \
	"... the streamed one with every row"
clib verify >cv.out 2>&1 && ! grep -q -e error -e note cv.out
ok $? "... verify clean, tmp/ empty"

# a concurrent ingest killed while staging: its directory is a leftover now
mkfifo in4.fifo
"$DUMPTRACE" ingest --concurrent --library "$C" --name killed - <in4.fifo >/dev/null 2>&1 3>&- &
kpid=$!
exec 3>in4.fifo
head -2001 "$CSV" >&3
wait_for has_files "$C/tmp"
kill -9 "$kpid"
wait "$kpid" 2>/dev/null
exec 3>&-
clib verify >cv.out 2>&1
grep -q "the leftover of an interrupted ingest" cv.out
ok $? "a killed concurrent ingest's staging directory: a leftover for verify"
clib ingest -q --concurrent --name voters_2019 "$F/voters_2019.csv"
is "$?$(ls -A "$C/tmp")" 0 "... removed by the next writer"
is "$(cnames)" "combo_2022 shop_2020 streamed voters_2019" "... and the killed one never listed"

# --memory: a small budget spills, and the sets are the same
set -- "$F/voters_2019.csv" "$F/shop_2020.sql" "$F/clinic_2021.jsonl" "$F/telecom_2022.sql" \
	"$F/combo_2022.txt" "$CSV" "$F/control_2025.csv"
dt key new -o mk # one key for both, so that their fingerprints can be compared
dt ingest --json --library m1 --key-file mk --name all --memory 1M "$@" >m1.json
ok $? "ingest with --memory 1M"
dt ingest --json --library m0 --key-file mk --name all "$@" >m0.json
ok $? "ingest with the default memory"
jq -e '.spill_blocks > 0' m1.json >/dev/null
ok $? "--memory 1M spills ($(jq .spill_blocks m1.json) blocks)"
is "$(jq .spill_blocks m0.json)" 0 "the default does not"
sets() { dt show --json --library "$1" all | jq -c '[.sets[] | [.kind, .type, .attr_type, .keys, .bytes, .blocks]] | sort'; }
sets m1 >s1
sets m0 >s0
[ -s s0 ] && [ "$(wc -c <s0)" -gt 100 ]
ok $? "show --json lists the sets"
same_file s1 s0 "the same sets, keys and bytes either way"
cmp -s m1/sets/*/record.fps m0/sets/*/record.fps && cmp -s m1/sets/*/value-email.fps m0/sets/*/value-email.fps
ok $? "... byte for byte"

done_testing
