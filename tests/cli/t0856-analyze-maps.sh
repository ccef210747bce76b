#!/bin/sh
# The reading of the dump as map steps over input splits (analyze --splits
# N, with --work-dir): the JSON and records are byte for byte those of the
# plain analysis of the same files, for 2 to more splits than files, on a
# library in one shard and in 4, with the steps as child processes and
# under GNU parallel. A stream that shares the schema of the stream before
# it across a split, typed differently on its own, is read again with that
# schema (and says so); the result is the same. A step killed midway
# (SIGKILL) is run again; one that always fails fails the analysis with
# its split named; usage errors are usage errors.
. "$TOP_SRCDIR/tests/lib.sh"

F="$TOP_SRCDIR/samples/family"
L="$T_TMP/lib"
W="$T_TMP/work"
lib() { dt "$@" --library "$L"; }

for l in voters_2019.csv shop_2020.sql clinic_2021.jsonl telecom_2022.sql combo_2022.txt; do
	lib ingest -q --name "${l%.*}" "$F/$l" || break
done
ok $? "ingest the sample family"

# a compilation of many files: the claimed dump in parts, each with its
# header (one schema, shared from part to part), then other formats
head -n 1 "$F/claimed_2025.csv" >head.csv
tail -n +2 "$F/claimed_2025.csv" | split -l 900 -a 1 - part.
for p in part.?; do cat head.csv "$p" >"$p.csv" && rm "$p"; done
# two files of one header typed apart: the second's "note" holds e-mails,
# the first's numbers; read together, the second shares the first's types
awk 'BEGIN { print "email,note"; for (i = 0; i < 1500; i++) printf "a%d@mail.kz,%d\n", i, 1000000007 * (i + 1) % 9999999967 }' >typed1.csv
awk 'BEGIN { print "email,note"; for (i = 0; i < 1500; i++) printf "b%d@mail.kz,c%d@box.kz\n", i, i }' >typed2.csv
set -- part.*.csv "$F/control_2025.csv" "$F/shop_2020.sql" typed1.csv typed2.csv "$F/clinic_2021.jsonl"
analysis() { # analysis TAG [OPTIONS...]: the files into TAG.json and TAG.jsonl
	tag=$1
	shift
	dt analyze -q --library "$L" --json "$tag.json" --records "$tag.jsonl" "$@" $FILES
}
FILES="$*"
analysis plain
ok $? "the plain analysis of $# files"

for n in 2 3 5 64; do
	analysis "s$n" --work-dir "$W" --splits $n 2>"s$n.err"
	ok $? "--splits $n: the map steps as child processes"
	same_file "s$n.json" plain.json "... analyze --json byte for byte the plain one"
	same_file "s$n.jsonl" plain.jsonl "... and --records"
done
grep -q "split [0-9]* is read again: its first stream shares the schema of the split before" s5.err
ok $? "a stream typed apart from the one before it, across a split: read again, and said"
is "$(ls -A "$W")" "" "the work directory is left empty"

# the typed pair alone, split between them: the second split is read again
dt analyze -q --library "$L" --json t.json typed1.csv typed2.csv
dt analyze --library "$L" --json t2.json --work-dir "$W" --splits 2 typed1.csv typed2.csv >/dev/null 2>t2.err
ok $? "two files, one header, typed apart: --splits 2"
same_file t2.json t.json "... the same JSON"
is "$(grep -c 'is read again' t2.err)" 1 "... the second split read again, once"
note() { jq -r '[.columns[] | select(.name == "note") | .type] | join(",")' "$1"; }
dt analyze -q --library "$L" --json t1only.json typed1.csv
dt analyze -q --library "$L" --json t2only.json typed2.csv
is "$(note t.json)" "$(note t1only.json)" "... one column, the second file's typed as the first's, as one process reads them"
ok "$([ "$(note t2only.json)" != "$(note t1only.json)" ]; echo $?)" "... the second typed alone comes out otherwise ($(note t2only.json))"

lib shard -q --shards 4
ok $? "split the library into 4 shards"
analysis plain4
same_file plain4.json plain.json "the plain analysis of the sharded library: the same"
analysis s4 --work-dir "$W" --splits 4
ok $? "4 splits, 4 shards"
same_file s4.json plain.json "... the same JSON"
same_file s4.jsonl plain.jsonl "... and records"

if command -v parallel >/dev/null; then
	analysis par --work-dir "$W" --splits 3 --mappers \
		'parallel --will-cite -j 2 "$DUMPTRACE" map -q --work "$DUMPTRACE_WORK" --split {} ::: $DUMPTRACE_SPLITS' \
		--reducers 'parallel --will-cite -j 2 "$DUMPTRACE" reduce -q --work "$DUMPTRACE_WORK" --round "$DUMPTRACE_ROUND" --shard {} ::: $DUMPTRACE_SHARDS'
	ok $? "the map and reduce steps under GNU parallel"
	same_file par.json plain.json "... the same JSON"
	same_file par.jsonl plain.jsonl "... and records"
else
	skip "GNU parallel is not installed"
	skip "GNU parallel is not installed"
	skip "GNU parallel is not installed"
fi

# a step killed midway (SIGKILL, its rows written, its keys not), once: run again
cat >kill.sh <<EOF
for s in \$DUMPTRACE_SPLITS; do
	if [ \$s = 1 ] && mkdir killed 2>/dev/null; then
		DUMPTRACE_TEST_MAP_KILL=1 "\$DUMPTRACE" map -q --work "\$DUMPTRACE_WORK" --split 1
		echo "exit \$?" >killed/status
		continue
	fi
	"\$DUMPTRACE" map -q --work "\$DUMPTRACE_WORK" --split \$s || exit 1
done
EOF
analysis killed --work-dir "$W" --splits 3 --mappers "sh $T_TMP/kill.sh" 2>killed.err
ok $? "split 1's first step killed: the analysis succeeds"
is "$(cat killed/status 2>/dev/null)" "exit 137" "... it was killed by SIGKILL"
same_file killed.json plain.json "... the same JSON after the retry"
same_file killed.jsonl plain.jsonl "... and records"

# a step that always fails: the analysis fails, naming it
analysis failing --work-dir "$W" --splits 3 --retries 1 \
	--mappers 'for s in $DUMPTRACE_SPLITS; do [ $s = 2 ] || "$DUMPTRACE" map -q --work "$DUMPTRACE_WORK" --split $s; done; exit 1' \
	2>failing.err
is $? 2 "a map step that never ends well: exit 2"
grep -q "map step of split 2 failed 2 times" failing.err
ok $? "... naming the split and the tries"

# steps that do not find the library's key: refused
analysis nokey --work-dir "$W" --splits 2 --retries 0 \
	--mappers 'for s in $DUMPTRACE_SPLITS; do DUMPTRACE_KEY_DIR=$PWD/elsewhere "$DUMPTRACE" map -q --work "$DUMPTRACE_WORK" --split $s; done' \
	2>nokey.err
is $? 2 "map steps that cannot use the library's key: exit 2"
grep -q "split 0: library .* has no key on this machine" nokey.err
ok $? "... the step says why"

# a step's results damaged after its marker: refused, the split named
analysis damaged --work-dir "$W" --splits 2 --retries 0 \
	--mappers 'for s in $DUMPTRACE_SPLITS; do "$DUMPTRACE" map -q --work "$DUMPTRACE_WORK" --split $s; done; head -c 100 "$DUMPTRACE_WORK/m1.meta" >"$DUMPTRACE_WORK/cut" && mv "$DUMPTRACE_WORK/cut" "$DUMPTRACE_WORK/m1.meta"' \
	2>damaged.err
is $? 2 "a map step's meta file cut short: exit 2"
grep -q "split 1: .*m1.meta' is damaged" damaged.err
ok $? "... naming the split and the file"

# usage
dt analyze --splits 2 "$F/claimed_2025.csv" 2>/dev/null
is $? 2 "--splits without --work-dir: usage error"
dt analyze --work-dir "$W" --mappers true "$F/claimed_2025.csv" 2>/dev/null
is $? 2 "--mappers without --splits: usage error"
dt analyze --work-dir "$W" --splits 2 - <"$F/claimed_2025.csv" 2>/dev/null
is $? 2 "--splits of standard input: usage error"
dt map --work "$W" 2>/dev/null
is $? 2 "map without --split: usage error"
dt map -q --work "$T_TMP/none" --split 0 2>m.err
is $? 2 "map without an analysis: exit 2"
grep -q "cannot read the analysis's options" m.err
ok $? "... saying so"

done_testing
