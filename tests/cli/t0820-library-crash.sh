#!/bin/sh
# Ingest is atomic: an ingest killed with SIGKILL at twenty pseudo-random
# moments of a large ingest (half of them new leaks, half --replace of a
# leak whose old and new inputs differ in record count) leaves the library
# as before or fully updated, and verify, list and lookup work after each
# kill. Then the four steps of the commit (DUMPTRACE_LIB_CRASH_AT), and a
# last ingest that spills: it cleans what the kills left, and its spill
# files are unlinked from $TMPDIR as soon as they are made.
. "$TOP_SRCDIR/tests/lib.sh"

GEN="$TOP_BUILDDIR/samples/gen"
[ -x "$GEN" ] || skip_all "samples/gen is not built"
[ -d /proc/self/fd ] || skip_all "no /proc to see a process's open files"

# A and B: about one second of ingest in either build (the sanitizers are
# slower still per input file than per record: fewer files there)
if [ -z "${DUMPTRACE_SANITIZED:-}" ]; then
	persons=150000
	B="fam/claimed_2025.csv fam/control_2025.csv fam/voters_2019.csv fam/shop_2020.sql fam/telecom_2022.sql fam/clinic_2021.jsonl"
else
	persons=15000
	B="fam/shop_2020.sql fam/telecom_2022.sql"
fi
A="$B fam/combo_2022.txt"
"$GEN" -q --seed 7 --persons "$persons" --out fam
ok $? "generate a leak family of $persons persons"

# every ingest spills (if it does) into a directory of ours, to be checked
mkdir spill
TMPDIR="$T_TMP/spill"
export TMPDIR
L="$T_TMP/lib"
lib() { dt "$@" --library "$L"; }
now_ms() { date +%s%N | cut -c1-13; }
records() { lib list --json | jq -r --arg n "$1" '[.[] | select(.name == $n) | .records] | first // "absent"'; }

# one ingest's duration (the shorter of two: the machine may be busy a
# moment), and the record counts of inputs A and B
t0=$(now_ms)
lib ingest -q --name big $A
ok $? "ingest of the large input A"
t1=$(now_ms)
lib ingest -q --name probe $A 2>/dev/null && lib remove probe 2>/dev/null
ok $? "ingest it again under another name, and remove that"
t2=$(now_ms)
dur_ms=$((t1 - t0))
[ $((t2 - t1)) -lt "$dur_ms" ] && dur_ms=$((t2 - t1))
lib ingest -q --name rep $B 2>/dev/null
ok $? "ingest of input B, to be replaced back and forth"
n_a=$(records big)
n_b=$(records rep)
[ "$n_a" -gt "$n_b" ] && [ "$n_b" -gt 0 ]
ok $? "A has $n_a records, B $n_b: old and new can be told apart; one ingest takes $dur_ms ms"

# an e-mail of the shop, which A and B both hold: every leak must hold it
email=$(LC_ALL=C grep -aoE "'[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}'" fam/shop_2020.sql | head -1 | tr -d "'")
is "$(lib lookup --json --email "$email" | jq -r '.found | join(" ")')" "big rep" \
	"lookup of an e-mail of the shop finds both leaks"

# the kill times: uniform in [0, 1.2 x duration], the same on every run
awk -v d="$dur_ms" 'BEGIN { srand(820); for (i = 0; i < 20; i++) printf "%.3f\n", rand() * 1.2 * d / 1000 }' >times
before=0 after=0 finished=0 i=0
while read -r t; do
	i=$((i + 1))
	if [ $((i % 2)) -eq 1 ]; then
		name=new$i
		old=absent new=$n_a
		set -- --name "$name" $A
	else
		name=rep
		old=$(records rep)
		if [ "$old" = "$n_a" ]; then new=$n_b; set -- --name rep --replace $B
		else new=$n_a; set -- --name rep --replace $A; fi
	fi
	"$DUMPTRACE" ingest -q --library "$L" "$@" </dev/null >/dev/null 2>ingest.err &
	pid=$!
	sleep "$t"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	why=""
	lib verify >verify.out 2>&1 || why="$why verify failed;"
	! grep -q error verify.out || why="$why verify printed an error;"
	got=$(records "$name")
	case $got in
	"$old") before=$((before + 1)) ;;
	"$new") after=$((after + 1)) ;;
	*) why="$why '$name' has $got records, want $old or $new;" ;;
	esac
	[ "$rc" = 137 ] || [ "$rc" = 0 ] || why="$why exit code $rc;"
	[ "$rc" = 0 ] && finished=$((finished + 1))
	[ "$rc" = 0 ] && [ "$got" != "$new" ] && why="$why finished but not committed;"
	names=$(lib list --json | jq -r '[.[].name] | join(" ")') || why="$why list failed;"
	found=$(lib lookup --json --email "$email" | jq -r '.found | join(" ")') ||
		why="$why lookup failed;"
	[ "$found" = "$names" ] || why="$why lookup found '$found', list has '$names';"
	# keep the library small: the next writer also clears what this one left
	[ "$name" = rep ] || [ "$got" = absent ] || lib remove "$name" 2>/dev/null ||
		why="$why remove failed;"
	state="has $got records"
	[ "$got" = absent ] && state="is absent"
	is "$why" "" "kill $i at ${t}s ($name, exit $rc): '$name' $state, verify clean"
	[ -z "$why" ] || sed 's/^/# /' verify.out ingest.err
done <times
is "$((before + after))" 20 "20 kills: $before left the library as before, $after fully updated ($finished ingests had finished)"

# the commit's steps: 1 staged, 2 renamed into sets/, 3 rows inserted, 4 committed
for step in 1 2 3 4; do
	DUMPTRACE_LIB_CRASH_AT=$step lib ingest -q --name crash$step "$TOP_SRCDIR/samples/family/combo_2022.txt"
	is "$?" 99 "DUMPTRACE_LIB_CRASH_AT=$step: the ingest dies at commit step $step"
	want=absent
	[ "$step" = 4 ] && want=1773
	is "$(records crash$step)" "$want" "... and the leak is $want"
	lib verify >verify.out 2>&1 && ! grep -q error verify.out
	ok $? "... verify is clean"
	if [ "$step" != 4 ]; then
		grep -q "note: .*leftover of an interrupted ingest" verify.out
		ok $? "... and notes the leftover"
	fi
done

# a last ingest, with a small memory budget so that it spills; from a FIFO
# so that it can be held while its spill files are open
mkfifo in.fifo
"$DUMPTRACE" ingest --json --memory 1M --library "$L" --name last - <in.fifo >last.json 2>last.err 3>&- &
pid=$!
exec 3>in.fifo
cat fam/claimed_2025.csv >&3
n=0
while ! ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$TMPDIR/.*(deleted)"; do
	n=$((n + 1))
	[ "$n" -le 600 ] && kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$TMPDIR/.*(deleted)"
ok $? "the ingest has spill files open in \$TMPDIR"
is "$(ls -A "$TMPDIR")" "" "... which are unlinked: \$TMPDIR is empty while it runs"
exec 3>&-
wait "$pid"
ok $? "the last ingest succeeds"
sed 's/^/# /' last.err
jq -e '.spill_blocks > 0' last.json >/dev/null
ok $? "... and it spilled ($(jq .spill_blocks last.json) blocks)"

is "$(ls -A "$L/tmp")" "" "no staging directory is left in tmp/"
is "$(ls "$L/sets" | wc -l)" "$(lib list --json | jq length)" "one directory in sets/ per leak"
is "$(lib list --json | jq -r '[.[].name] | join(" ")')" "big crash4 last rep" "the leaks"
is "$(ls -A "$TMPDIR")" "" "nothing is left in \$TMPDIR"
lib verify >verify.out 2>&1
ok $? "verify passes at the end"
is "$(grep -c -e error -e note verify.out)" "0" "... with no problem and no note"

done_testing
