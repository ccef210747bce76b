#!/bin/sh
# A library in shards (dumptrace shard): split into 4 under the library,
# analyze's JSON and records are byte for byte those of the unsharded
# library; ingests into the sharded library match ingests into an
# unsharded copy, and so do lookup and serve's answers; split anew into 3 directories elsewhere, and back into
# one. verify finds a flipped byte in one shard, a part moved to another
# shard, a missing shard directory. A split killed before its commit
# leaves the library as it was, and the next writer removes what it
# left. A concurrent ingest begun before a split commits after it. A catalog naming a shard outside the library's tree by '..' is
# refused; usage errors exit 2.
. "$TOP_SRCDIR/tests/lib.sh"

F="$TOP_SRCDIR/samples/family"
L="$T_TMP/lib"
U="$T_TMP/unsharded"
lib() { dt "$@" --library "$L"; }
analysis() { # analysis LIBRARY TAG: analyze of the claimed dump into TAG.json and TAG.jsonl
	dt analyze -q --library "$1" --json "$2.json" --records "$2.jsonl" "$F/claimed_2025.csv"
}
set_count() { # set_count DIR: the set files under DIR/sets
	find "$1/sets" -name '*.fps' 2>/dev/null | wc -l | tr -d ' '
}

for l in voters_2019.csv shop_2020.sql clinic_2021.jsonl; do
	lib ingest -q --name "${l%.*}" "$F/$l" || break
done
ok $? "ingest three leaks"
analysis "$L" before
ok $? "analyze against the library as it is"
cp -R "$L" "$U" # the same library (its id, so its key) left unsharded

lib shard -q --shards 4
ok $? "split into 4 shards"
out=$(lib shard)
echo "$out" | grep -q "4 shards" && echo "$out" | grep -q "000  00-3f  .*/shards/000" &&
	echo "$out" | grep -q "003  c0-ff  .*/shards/003"
ok $? "shard shows the four ranges and directories"
is "$(set_count "$L")" 0 "the library's own sets/ holds nothing now"
n=$(set_count "$L/shards/000")
[ "$n" -gt 0 ] && [ "$(set_count "$L/shards/003")" = "$n" ]
ok $? "every shard holds a part of every set ($n files each)"
if command -v sqlite3 >/dev/null; then
	is "$(sqlite3 "$L/catalog.db" "select group_concat(lo || '-' || hi || ':' || path, ' ') from shards")" \
		"0-64:shards/000 64-128:shards/001 128-192:shards/002 192-256:shards/003" \
		"the catalog keeps the shards, relative to the library"
	is "$(sqlite3 "$L/catalog.db" "select value from meta where key = 'format_version'")" 3 \
		"... at format 3, which earlier dumptraces refuse"
else
	skip "no sqlite3 to read the catalog"
	skip "no sqlite3 to read the catalog"
fi
analysis "$L" sharded
same_file sharded.json before.json "analyze --json of the sharded library is byte for byte the same"
same_file sharded.jsonl before.jsonl "... and so are its --records"
lib verify >v.out 2>&1
ok $? "verify: the sharded library is sound"

for l in telecom_2022.sql combo_2022.txt; do
	lib ingest -q --name "${l%.*}" "$F/$l" && dt ingest -q --library "$U" --name "${l%.*}" "$F/$l" || break
done
ok $? "two more leaks into the sharded library and into the unsharded copy"
[ "$(set_count "$L")" = 0 ] && [ -z "$(ls -A "$L/tmp")" ] && [ -z "$(ls -A "$L/shards/002/tmp")" ]
ok $? "... their sets split into the shards, nothing left in tmp/"
analysis "$L" s5
analysis "$U" u5
same_file s5.json u5.json "the five-leak analysis: sharded and unsharded agree, byte for byte"
same_file s5.jsonl u5.jsonl "... records too"
addr='erlan.shakenov5112@gmail.com' # in the shop and the combo list
is "$(lib lookup --json --email "$addr" | jq -c .found)" \
	"$(dt lookup --json --library "$U" --email "$addr" | jq -c .found)" "lookup answers the same"
lib lookup --email "$addr" | grep -q shop_2020
ok $? "... and finds the address in the shop"
if command -v curl >/dev/null && serve_start "$L"; then
	got=$(curl -s -A t0850 "http://127.0.0.1:$SERVE_PORT/api/v3/breachedaccount/$addr?truncateResponse=true")
	kill "$SERVE_PID"
	wait "$SERVE_PID" 2>/dev/null
	is "$got" '[{"Name":"combo_2022"},{"Name":"shop_2020"}]' "serve answers from the shards"
else
	skip "no curl, or serve did not start"
fi
is "$(lib list --json | jq -c '[.[] | [.name, .records]]')" \
	"$(dt list --library "$U" --json | jq -c '[.[] | [.name, .records]]')" "list says the same"

# split anew: into three directories of the user's, outside the library
lib shard -q --shards 3 --into "$T_TMP/disk0/s" --into "$T_TMP/disk1/s" --into "$T_TMP/disk2/s"
ok $? "split anew into 3 shards elsewhere"
[ ! -e "$L/shards" ] && [ "$(set_count "$T_TMP/disk1/s")" -gt 0 ]
ok $? "... the old shards under the library removed, the new ones filled"
analysis "$L" s3
same_file s3.json u5.json "three shards: the same analysis"
lib verify >/dev/null 2>&1
ok $? "... verify passes"

# damage, one shard at a time
part=$(find "$T_TMP/disk1/s/sets" -name value-email.fps | head -1)
cp "$part" part.bak
size=$(wc -c <"$part")
printf '\377' | dd of="$part" bs=1 seek=100 conv=notrunc 2>/dev/null
lib verify >v.out 2>&1
rc=$?
is "$rc" 1 "a flipped byte in shard 1: verify exits 1"
grep -q "disk1/s/sets/.*value-email.fps" v.out
ok $? "... and names the part's file in that shard"
cp part.bak "$part"
other=$(echo "$part" | sed 's|/disk1/|/disk0/|')
cp "$other" moved.bak
cp "$part" "$other" # shard 1's keys in shard 0's place
lib verify >v.out 2>&1
is $? 1 "a part in the wrong shard: verify exits 1"
grep -q "another shard\|not above" v.out
ok $? "... and says so"
cp moved.bak "$other"
mv "$T_TMP/disk2" "$T_TMP/gone"
lib verify >v.out 2>&1
is $? 1 "a shard directory missing: verify exits 1"
grep -q "missing from shard 2" v.out
ok $? "... naming the shard"
analysis "$L" partial 2>a.err
grep -q "error: leak" a.err
ok $? "analyze without a shard names the leaks it cannot read"
mv "$T_TMP/gone" "$T_TMP/disk2"
lib verify >/dev/null 2>&1
ok $? "all restored: verify passes"

# a split killed before its commit: the library as it was, the leftovers cleaned
DUMPTRACE_LIB_CRASH_AT=5 dt shard -q --library "$L" --shards 2 >/dev/null 2>&1
is $? 99 "a split killed after moving its parts, before the catalog"
lib shard | grep -q "3 shards"
ok $? "... the library still has its 3 shards"
analysis "$L" crashed
same_file crashed.json u5.json "... and analyzes the same"
lib verify >v.out 2>&1
grep -q "leftover of an interrupted" v.out
ok $? "... verify notes what the split left"
lib remove no_such_leak >/dev/null 2>&1
lib verify >v.out 2>&1
! grep -q "not in the catalog\|staging" v.out && [ ! -e "$L/shards" ]
ok $? "... which the next writer removes"

# back to one directory
lib shard -q --shards 1
ok $? "--shards 1: one directory again"
lib shard | grep -q "not sharded"
ok $? "... shard says so"
[ "$(set_count "$L")" -gt 0 ] && [ "$(set_count "$T_TMP/disk0/s")" = 0 ]
ok $? "... the sets back under the library, the shard directories emptied"
analysis "$L" one
same_file one.json u5.json "... the same analysis"

# an ingest begun before a split (concurrent, its sets staged whole): split at its commit
mkfifo in.fifo
"$DUMPTRACE" ingest -q --concurrent --library "$L" --name late - <in.fifo 2>late.err &
pid=$!
exec 3>in.fifo
head -1001 "$F/control_2025.csv" >&3
n=0
until [ -n "$(ls -A "$L/tmp" 2>/dev/null)" ] || [ $n -ge 300 ]; do n=$((n + 1)); sleep 0.1; done
lib shard -q --shards 2
ok $? "a split while a concurrent ingest stages"
tail -n +1002 "$F/control_2025.csv" >&3
exec 3>&-
wait $pid
ok $? "... that ingest commits after it, its sets split at the commit"
dt ingest -q --library "$U" --name late "$F/control_2025.csv"
analysis "$L" late
analysis "$U" ulate
same_file late.json ulate.json "... and the analysis is the unsharded copy's"
lib verify >/dev/null 2>&1
ok $? "... verify passes"

# a hostile catalog, usage errors
if command -v sqlite3 >/dev/null; then
	cp -R "$L" "$T_TMP/evil"
	dt shard -q --library "$T_TMP/evil" --shards 2
	sqlite3 "$T_TMP/evil/catalog.db" "update shards set path = '../../etc' where idx = 1"
	dt list --library "$T_TMP/evil" >/dev/null 2>e.err
	is $? 2 "a catalog whose shard climbs out with '..' is refused"
	grep -q "shard 1 is not valid" e.err
	ok $? "... saying which"
else
	skip "no sqlite3 to edit a catalog"
	skip "no sqlite3 to edit a catalog"
fi
lib shard --shards 0 2>/dev/null
is $? 2 "--shards 0 is a usage error"
lib shard --shards 257 2>/dev/null
is $? 2 "--shards 257 too"
lib shard --shards 2 --into "$T_TMP/x" 2>e.err
is $? 2 "--into given once for two shards"
grep -q "once per shard" e.err
ok $? "... says it is once per shard"
lib shard --shards 2 --into "$T_TMP/y" --into "$T_TMP/y" 2>e.err
is $? 2 "the same directory for two shards is refused"
analysis "$L" after
same_file after.json ulate.json "... and the library is untouched"

done_testing
