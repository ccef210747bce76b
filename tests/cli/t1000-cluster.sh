#!/bin/sh
# scripts/dumptrace-batch (issue 17): the sample family's leaks ingested and
# its two dumps analyzed on one host, under GNU parallel and on a Slurm
# cluster this test starts itself (a munge key made here, munged, slurmctld
# and slurmd with a slurm.conf in a temporary directory, private ports, one
# node of 2 CPUs), each result byte for byte the single-machine run's; one
# analysis killed mid-run (SIGKILL) and run again by the driver with the same
# result; every daemon started here stopped at the end. The Slurm part skips
# with the reason only where Slurm cannot start here. Then one analysis as
# map and reduce steps, each step a task of a job array, one map task
# killed mid-run and submitted again, the result the single-machine one.
. "$TOP_SRCDIR/tests/lib.sh"

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
BATCH="sh $TOP_SRCDIR/scripts/dumptrace-batch"
F=$TOP_SRCDIR/samples/family
LEAKS="voters_2019=$F/voters_2019.csv shop_2020=$F/shop_2020.sql clinic_2021=$F/clinic_2021.jsonl
telecom_2022=$F/telecom_2022.sql combo_2022=$F/combo_2022.txt"
ING=""
for l in $LEAKS; do ING="$ING --ingest $l"; done

# the single-machine run, under one key so that every library matches it
dt key new -o key.bin
for l in $LEAKS; do
	dt ingest -q --memory 256M --key-file key.bin --library ref --name "${l%%=*}" "${l#*=}" || exit 1
done
for d in claimed_2025 control_2025; do
	dt analyze -q --memory 256M --key-file key.bin --library ref --json "ref-$d.json" "$F/$d.csv" >"ref-$d.txt"
done

# check RUN WHAT: the batch's outputs in RUN/ against the single-machine run
check() {
	for d in claimed_2025 control_2025; do
		same_file "$1/$d.json" "ref-$d.json" "$2: $d's analyze --json byte for byte the single-machine one"
	done
	same_file "$1/claimed_2025.txt" "ref-claimed_2025.txt" "$2: ... and its report"
	is "$(cut -f1,2 "$1/summary.tsv" | tr '\t\n' ':,')" \
		"dump:verdict,claimed_2025:$(jq -r .verdict.label ref-claimed_2025.json),control_2025:$(jq -r .verdict.label ref-control_2025.json)," \
		"$2: the summary, a line a dump"
	is "$(ls -A "$1" | grep -c '^\.')" 0 "$2: no temporary output left"
}

# a program that is dumptrace, except that the first analysis of the claimed
# dump is killed mid-run, the task with it (as a node lost, or scancel -s KILL)
cat >shim <<EOF
#!/bin/sh
case " \$* " in
*" reduce "*" --round 1 --shard 1 "*)
	if mkdir "$T_TMP/killed.reduce" 2>/dev/null; then
		"$DUMPTRACE" "\$@" &
		sleep 0.05
		kill -9 \$! \$\$
	fi ;;
*" map "*" --split 1 "*)
	if mkdir "$T_TMP/killed.map" 2>/dev/null; then
		DUMPTRACE_TEST_MAP_KILL=1 exec "$DUMPTRACE" "\$@"
	fi ;;
*" analyze "*claimed_2025*)
	if mkdir "$T_TMP/killed.\$KILL_TAG" 2>/dev/null; then
		"$DUMPTRACE" "\$@" &
		sleep 0.1
		kill -9 \$! \$\$
	fi ;;
esac
exec "$DUMPTRACE" "\$@"
EOF
chmod +x shim

# ---------------------------------------------------------------- local
$BATCH --runner local --dumptrace "$DUMPTRACE" --key-file key.bin --memory 256M --library lib-local \
	--out out-local $ING "$F/claimed_2025.csv" "$F/control_2025.csv" 2>local.err
is "$?" 0 "local: five leaks ingested, two dumps analyzed"
check out-local local
is "$(dt list --library lib-local --json 2>/dev/null | jq length)" 5 "local: the five leaks in the library"

# the same --out again: nothing left to do, nothing run
$BATCH --runner local --dumptrace /bin/false --key-file key.bin --library lib-local --out out-local \
	$ING "$F/claimed_2025.csv" "$F/control_2025.csv" 2>again.err
is "$?" 0 "local: run again with the same --out, every task already done (the program never called)"

# a task that fails every time: said, with its log, after the retries
cat >failing <<EOF
#!/bin/sh
case " \$* " in *control_2025*) exit 1 ;; esac
exec "$DUMPTRACE" "\$@"
EOF
chmod +x failing
$BATCH --runner local --dumptrace ./failing --key-file key.bin --retries 1 --library lib-local \
	--out out-fail "$F/claimed_2025.csv" "$F/control_2025.csv" 2>fail.err
is "$?" 1 "a task failing each time: exit 1 after its retries"
grep -q "analyze tasks 1 failed 2 times" fail.err
ok $? "... which names it and the tries"
ok "$([ -f out-fail/claimed_2025.json ] && [ ! -f out-fail/control_2025.json ] && [ ! -f out-fail/summary.tsv ]; echo $?)" \
	"... the other done, no summary"
if ! command -v sbatch >/dev/null 2>&1; then
	$BATCH --runner slurm --dumptrace "$DUMPTRACE" --library x --out y "$F/claimed_2025.csv" 2>/dev/null
	is "$?" 2 "--runner slurm without sbatch: a usage error"
fi
$BATCH --runner local --dumptrace "$DUMPTRACE" --library x --out y "$T_TMP/no-such-dump" 2>missing.err
is "$?" 2 "a dump that cannot be read: a usage error, before anything runs"

# ---------------------------------------------------------------- GNU parallel
if command -v parallel >/dev/null 2>&1; then
	KILL_TAG=parallel $BATCH --runner parallel --jobs 2 --dumptrace "$T_TMP/shim" --key-file key.bin \
		--memory 256M --library lib-par --out out-par $ING "$F/claimed_2025.csv" "$F/control_2025.csv" 2>par.err
	is "$?" 0 "parallel: the batch done, one analysis killed on its way"
	ok "$([ -d killed.parallel ] && grep -q "again (try 2 of 3): analyze 0" par.err; echo $?)" \
		"parallel: ... and run again"
	check out-par parallel
else
	skip "GNU parallel is not installed (apt-get install parallel)"
fi

# ---------------------------------------------------------------- Slurm
slurm_skip() {
	echo "# Slurm: $1"
	skip "Slurm could not start here: $1"
	done_testing
	exit
}
for c in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
	command -v $c >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v $c >/dev/null 2>&1 || slurm_skip "$c is not installed (apt-get install slurmctld slurmd slurm-client munge)"
done

S=$T_TMP/slurm
MS=$(mktemp -d --tmpdir=/tmp) # under /tmp whatever TMPDIR says: a socket path has at most 107 bytes
mkdir -p "$S/state" "$S/spool" "$S/log"
chmod 700 "$MS"
MUNGED_PID="" SLURM_UP=""
stop_all() {
	if [ -n "$SLURM_UP" ]; then
		scontrol shutdown >/dev/null 2>&1
		for _ in $(seq 1 50); do
			pgrep -f "slurm(ctld -c|d) -f $S/slurm.conf" >/dev/null || break
			sleep 0.1
		done
		pkill -9 -f "slurm(ctld -c|d) -f $S/slurm.conf" 2>/dev/null
	fi
	[ -z "$MUNGED_PID" ] || kill "$MUNGED_PID" 2>/dev/null
	rm -rf "$MS"
	chmod -R u+rwx "$T_TMP" 2>/dev/null
	rm -rf "$T_TMP"
}
trap stop_all EXIT

dd if=/dev/urandom of="$MS/munge.key" bs=1024 count=1 2>/dev/null && chmod 400 "$MS/munge.key"
munged -f --socket="$MS/sock" --key-file="$MS/munge.key" --log-file="$MS/log" --pid-file="$MS/pid" \
	--seed-file="$MS/seed" 2>munged.err || slurm_skip "munged did not start: $(tail -n 1 munged.err)"
for _ in $(seq 1 50); do [ -s "$MS/pid" ] && break; sleep 0.1; done
MUNGED_PID=$(cat "$MS/pid" 2>/dev/null)

ports=$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))' 2>/dev/null) || ports="$((20000 + $$ % 20000)) $((40001 + $$ % 20000))"
set -- $ports
HOST=$(hostname -s)
U=$(id -un)
cat >"$S/slurm.conf" <<EOF
ClusterName=dttest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=$U
SlurmdUser=$U
AuthType=auth/munge
AuthInfo=socket=$MS/sock
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/ctld.pid
SlurmdPidFile=$S/d.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
InactiveLimit=0
KillWait=5
Waittime=0
MinJobAge=60
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=dt Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
SLURM_CONF=$S/slurm.conf
export SLURM_CONF
SLURM_UP=1
slurmctld -c -f "$S/slurm.conf" 2>ctld.err || slurm_skip "slurmctld did not start: $(tail -n 1 ctld.err)"
slurmd -f "$S/slurm.conf" 2>d.err || slurm_skip "slurmd did not start: $(tail -n 1 d.err)"
up=""
for _ in $(seq 1 100); do
	[ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ] && { up=1; break; }
	sleep 0.2
done
[ -n "$up" ] || slurm_skip "the node is not idle after 20 s ($(sinfo -h -N -o %t 2>&1 | head -n 1); $(tail -n 1 "$S/log/slurmctld.log" 2>/dev/null))"
is "$(sinfo -h -N -o %c)" 2 "slurm: a cluster of one node with 2 CPUs, started here"

KILL_TAG=slurm timeout 300 $BATCH --runner slurm --dumptrace "$T_TMP/shim" --key-file key.bin --memory 256M \
	--library lib-slurm --out out-slurm $ING "$F/claimed_2025.csv" "$F/control_2025.csv" 2>slurm.err
rc=$?
is "$rc" 0 "slurm: five leaks ingested (a job array, side by side), two dumps analyzed (an array after it, afterok)"
[ "$rc" -eq 0 ] || sed 's/^/# /' slurm.err
grep -q "submitted ingest job [0-9]* analyze job [0-9]*" slurm.err
ok $? "slurm: ... submitted together, the analyses depending on the ingests"
ok "$([ -d killed.slurm ] && grep -q "again (try 2 of 3): analyze 0" slurm.err; echo $?)" \
	"slurm: the analysis killed mid-run submitted again"
check out-slurm slurm
is "$(dt list --library lib-slurm --json 2>/dev/null | jq length)" 5 "slurm: the five leaks in the library"
is "$(squeue -h | wc -l | tr -d ' ')" 0 "slurm: nothing left in the queue"

# the joins of one analysis as reduce steps over the library's 4 shards, a job array a round
dt shard -q --library lib-slurm --shards 4
ok $? "slurm: the library split into 4 shards"
cat >reduce.sbatch <<EOF
#!/bin/sh
exec "$T_TMP/shim" reduce -q --memory 256M --work "\$DUMPTRACE_WORK" --round "\$DUMPTRACE_ROUND" --shard "\$SLURM_ARRAY_TASK_ID"
EOF
timeout 300 "$DUMPTRACE" analyze -q --memory 256M --key-file key.bin --library lib-slurm --json dist.json \
	--work-dir "$T_TMP/work" \
	--reducers "sbatch -Q --wait -o '$T_TMP/reduce-%A-%a.out' --array=\$(echo \$DUMPTRACE_SHARDS | tr ' ' ,) '$T_TMP/reduce.sbatch'" \
	"$F/claimed_2025.csv" >dist.txt 2>dist.err
rc=$?
is "$rc" 0 "slurm: analyze --work-dir, each round's reduce steps a job array of 4 tasks"
[ "$rc" -eq 0 ] || sed 's/^/# /' dist.err
ok "$([ -d killed.reduce ] && grep -q "round 1 of the reduce steps" dist.err; echo $?)" \
	"slurm: ... shard 1's first step killed mid-run, its array failed, the step submitted again"
same_file dist.json ref-claimed_2025.json "slurm: ... analyze --json byte for byte the single-machine one"
same_file dist.txt ref-claimed_2025.txt "slurm: ... and its report"
is "$(squeue -h | wc -l | tr -d ' ')" 0 "slurm: nothing left in the queue"

# the whole analysis as steps: the claimed dump in 3 parts read by map
# steps (a job array), split 1's first step killed mid-run (SIGKILL), then
# each round's reduce steps (a job array a round)
head -n 1 "$F/claimed_2025.csv" >head.csv
tail -n +2 "$F/claimed_2025.csv" | split -l 1500 -a 1 - cpart.
for p in cpart.?; do cat head.csv "$p" >"$p.csv" && rm "$p"; done
dt analyze -q --memory 256M --key-file key.bin --library ref --json ref-parts.json --records ref-parts.jsonl \
	cpart.*.csv >ref-parts.txt
cat >map.sbatch <<EOF
#!/bin/sh
exec "$T_TMP/shim" map -q --memory 256M --work "\$DUMPTRACE_WORK" --split "\$SLURM_ARRAY_TASK_ID"
EOF
timeout 300 "$DUMPTRACE" analyze -q --memory 256M --key-file key.bin --library lib-slurm --json mr.json \
	--records mr.jsonl --work-dir "$T_TMP/work" --splits 3 \
	--mappers "sbatch -Q --wait -o '$T_TMP/map-%A-%a.out' --array=\$(echo \$DUMPTRACE_SPLITS | tr ' ' ,) '$T_TMP/map.sbatch'" \
	--reducers "sbatch -Q --wait -o '$T_TMP/reduce-%A-%a.out' --array=\$(echo \$DUMPTRACE_SHARDS | tr ' ' ,) '$T_TMP/reduce.sbatch'" \
	cpart.*.csv >mr.txt 2>mr.err
rc=$?
is "$rc" 0 "slurm: analyze --splits 3, the map steps a job array of 3 tasks, then the reduce steps"
[ "$rc" -eq 0 ] || sed 's/^/# /' mr.err
ok "$([ -d killed.map ] && grep -q "warning: the map steps" mr.err; echo $?)" \
	"slurm: ... split 1's first map step killed mid-run, its array failed, the step submitted again"
same_file mr.json ref-parts.json "slurm: ... analyze --json byte for byte the single-machine one"
same_file mr.jsonl ref-parts.jsonl "slurm: ... and --records"
same_file mr.txt ref-parts.txt "slurm: ... and its report"
is "$(ls -A "$T_TMP/work" | wc -l | tr -d ' ')" 0 "slurm: ... the work directory left empty"
is "$(squeue -h | wc -l | tr -d ' ')" 0 "slurm: nothing left in the queue"

# the daemons stopped, by the same code as at exit
ctld=$(pgrep -f "slurmctld -c -f $S/slurm.conf") d=$(pgrep -f "slurmd -f $S/slurm.conf")
is "$(echo $ctld $d | wc -w | tr -d ' ')" 2 "slurm: slurmctld and slurmd found running (to be stopped)"
stop_all
trap - EXIT
alive=0
for p in $ctld $d $MUNGED_PID; do
	for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$p" 2>/dev/null || alive=$((alive + 1))
done
is "$alive" 0 "slurmctld, slurmd and munged stopped"
done_testing
