#!/bin/sh
# An endless input (issue 18): ingest, sniff and cat of /dev/zero end on
# SIGINT and SIGTERM, within seconds, and ingest leaves the library as it
# was (no leak half written).
. "$TOP_SRCDIR/tests/lib.sh"

[ -r /dev/zero ] || skip_all "no /dev/zero"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
# a job started with & ignores SIGINT (the shell's rule without job
# control): the command is started with it back at its default
bg_run() {
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$@" &
}
printf 'iin;name\n900101300017;Ivan\n' >one.csv
dt ingest -q --library lib --name one one.csv || exit 1
cp lib/catalog.db before.db

# ends_within PID SECONDS: 0 when the process has ended by then
ends_within() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

for sig in INT TERM; do
	bg_run "$DUMPTRACE" ingest -q --library lib --name zero /dev/zero >/dev/null 2>err
	pid=$!
	sleep 1
	kill -s "$sig" "$pid"
	ends_within "$pid" 10
	ok $? "ingest /dev/zero ends on SIG$sig"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	test "$rc" -ne 0
	ok $? "... not with success (exit $rc)"
	grep -q "abandoned, library unchanged" err
	ok $? "... and says the library is unchanged"
	dt list --library lib >list.txt 2>&1
	if grep -q zero list.txt; then ok 1 "... no leak 'zero' in it"; else ok 0 "... no leak 'zero' in it"; fi
done
cmp -s lib/catalog.db before.db
ok $? "the catalog is byte for byte as before"
for cmd in sniff cat; do
	bg_run "$DUMPTRACE" $cmd /dev/zero >/dev/null 2>&1
	pid=$!
	sleep 1
	kill -s INT "$pid"
	ends_within "$pid" 10
	ok $? "$cmd /dev/zero ends on SIGINT"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done

done_testing
