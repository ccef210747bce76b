#!/bin/sh
# The analysis with its joins as reduce steps over a library in 4 shards
# (analyze --work-dir): its JSON and records are byte for byte those of
# the plain analysis, with the steps as child processes, under GNU
# parallel, and through a command that runs each step with every other
# shard moved away (a step needs only its own). A step killed midway is
# run again and the result is the same; a step that always fails fails
# the analysis with exit 2 and its shard named; a library changed under
# the analysis is refused by the steps. An unsharded library is one shard.
. "$TOP_SRCDIR/tests/lib.sh"

F="$TOP_SRCDIR/samples/family"
L="$T_TMP/lib"
W="$T_TMP/work"
lib() { dt "$@" --library "$L"; }
analysis() { # analysis TAG [OPTIONS...]: the claimed dump into TAG.json and TAG.jsonl
	tag=$1
	shift
	dt analyze -q --library "$L" --json "$tag.json" --records "$tag.jsonl" "$@" "$F/claimed_2025.csv"
}

for l in voters_2019.csv shop_2020.sql clinic_2021.jsonl telecom_2022.sql combo_2022.txt; do
	lib ingest -q --name "${l%.*}" "$F/$l" || break
done
ok $? "ingest the sample family"
analysis plain1
ok $? "analyze, the library unsharded"
analysis unsharded --work-dir "$W"
ok $? "... and with --work-dir: one shard"
same_file unsharded.json plain1.json "... the same JSON"
lib shard -q --shards 4
ok $? "split the library into 4 shards"
analysis plain
same_file plain.json plain1.json "the plain analysis of the sharded library: the same"

analysis local --work-dir "$W"
ok $? "the joins as reduce steps, run here as child processes"
same_file local.json plain.json "... analyze --json is byte for byte the same"
same_file local.jsonl plain.jsonl "... and --records"
is "$(ls -A "$W")" "" "... the work directory is left empty"

if command -v parallel >/dev/null; then
	analysis par --work-dir "$W" --reducers \
		'parallel --will-cite -j 2 "$DUMPTRACE" reduce -q --work "$DUMPTRACE_WORK" --round "$DUMPTRACE_ROUND" --shard {} ::: $DUMPTRACE_SHARDS'
	ok $? "the steps under GNU parallel"
	same_file par.json plain.json "... the same JSON"
	same_file par.jsonl plain.jsonl "... and records"
else
	skip "GNU parallel is not installed"
	skip "GNU parallel is not installed"
	skip "GNU parallel is not installed"
fi

# each step with the other shards out of sight: it reads its own only
mkdir hidden
cat >alone.sh <<EOF
for s in \$DUMPTRACE_SHARDS; do
	for o in 0 1 2 3; do [ \$o = \$s ] || mv "$L/shards/00\$o" hidden/; done
	"\$DUMPTRACE" reduce -q --work "\$DUMPTRACE_WORK" --round "\$DUMPTRACE_ROUND" --shard \$s; r=\$?
	mv hidden/* "$L/shards/"
	[ \$r = 0 ] || exit \$r
done
EOF
analysis alone --work-dir "$W" --reducers "sh $T_TMP/alone.sh"
ok $? "each step run with the three other shards moved away"
same_file alone.json plain.json "... the same JSON: a step needs its own shard only"

# a step killed midway (SIGKILL), once: run again, the same result
cat >kill.sh <<EOF
for s in \$DUMPTRACE_SHARDS; do
	if [ \$s = 2 ] && [ "\$DUMPTRACE_ROUND" = 1 ] && [ ! -e killed ]; then
		: >killed
		"\$DUMPTRACE" reduce -q --work "\$DUMPTRACE_WORK" --round 1 --shard 2 & p=\$!
		kill -9 \$p
		wait \$p
		continue
	fi
	"\$DUMPTRACE" reduce -q --work "\$DUMPTRACE_WORK" --round "\$DUMPTRACE_ROUND" --shard \$s || exit 1
done
EOF
analysis killed --work-dir "$W" --reducers "sh $T_TMP/kill.sh" 2>killed.err
ok $? "shard 2's first step killed: the analysis succeeds"
[ -e killed ]
ok $? "... it was killed"
same_file killed.json plain.json "... the same JSON after the retry"
same_file killed.jsonl plain.jsonl "... and records"

# a step that always fails: the analysis fails, naming it
analysis failing --work-dir "$W" --retries 1 \
	--reducers 'for s in $DUMPTRACE_SHARDS; do [ $s = 3 ] || "$DUMPTRACE" reduce -q --work "$DUMPTRACE_WORK" --round "$DUMPTRACE_ROUND" --shard $s; done; exit 1' \
	2>failing.err
is $? 2 "a step that never ends well: exit 2"
grep -q "reduce step of shard 3 (round 1) failed 2 times" failing.err
ok $? "... naming the shard, the round and the tries"

# the library changed under the analysis: the steps refuse it
cat >change.sh <<EOF
[ -e changed ] || { : >changed; "\$DUMPTRACE" ingest -q --library "$L" --name late "$F/control_2025.csv"; }
for s in \$DUMPTRACE_SHARDS; do
	"\$DUMPTRACE" reduce -q --work "\$DUMPTRACE_WORK" --round "\$DUMPTRACE_ROUND" --shard \$s 2>>change.err
done
EOF
analysis changed --work-dir "$W" --retries 0 --reducers "sh $T_TMP/change.sh" 2>/dev/null
is $? 2 "a leak added while the analysis runs: exit 2"
grep -q "changed since the analysis began" change.err
ok $? "... the steps say the library changed"
lib remove late >/dev/null 2>&1

# usage
dt reduce --work "$W" --round 1 2>/dev/null
is $? 2 "reduce without --shard: usage error"
dt reduce -q --work "$T_TMP/none" --round 1 --shard 0 2>r.err
is $? 2 "reduce without a job: exit 2"
grep -q "cannot read the job" r.err
ok $? "... saying so"
dt analyze --reducers true "$F/claimed_2025.csv" 2>/dev/null
is $? 2 "--reducers without --work-dir: usage error"

done_testing
