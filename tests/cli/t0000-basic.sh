#!/bin/sh
# The command line itself: help, version, dispatch, exit codes for usage.
. "$TOP_SRCDIR/tests/lib.sh"

dt --version >out 2>&1; ok $? "--version exits 0"
grep -q '^dumptrace [0-9]' out; ok $? "--version prints the version"
dt --help >out 2>&1; ok $? "--help exits 0"
grep -q 'sniff' out && grep -q 'cat' out; ok $? "--help lists the commands"
for c in sniff cat; do
	dt $c --help >out 2>&1; ok $? "$c --help exits 0"
	grep -q "usage: dumptrace $c" out; ok $? "$c --help prints its usage"
done
dt >/dev/null 2>&1; is $? 2 "no command: exit 2"
dt frobnicate >/dev/null 2>err; is $? 2 "unknown command: exit 2"
grep -q "'frobnicate' is not a dumptrace command" err; ok $? "unknown command named in the message"
dt sniff >/dev/null 2>err; is $? 2 "sniff without input: exit 2"
dt sniff --no-such-option x >/dev/null 2>&1; is $? 2 "unknown option: exit 2"
dt sniff --format nope x >/dev/null 2>err; is $? 2 "unknown --format: exit 2"
grep -q "unknown format 'nope'" err; ok $? "unknown format named"
dt sniff --max-record banana x >/dev/null 2>&1; is $? 2 "bad size: exit 2"
printf 'a,b\n1,2\n' >ok.csv
dt sniff ok.csv >out 2>err; is $? 0 "a clean file: exit 0"
test ! -s err; ok $? "a clean file: nothing on stderr"
# the progress line: on a terminal only, not with -q, not into a pipe
if command -v script >/dev/null; then
	seq 1 100000 | sed 's/$/,x/' | { echo 'n,v'; cat; } >many.csv
	DUMPTRACE_PROGRESS_AFTER=0 script -qec "'$DUMPTRACE' sniff many.csv >/dev/null" /dev/null </dev/null >tty.out 2>&1
	grep -aq 'records/s' tty.out; ok $? "a progress line on a terminal"
	DUMPTRACE_PROGRESS_AFTER=0 script -qec "'$DUMPTRACE' sniff -q many.csv >/dev/null" /dev/null </dev/null >tty.out 2>&1
	grep -aq 'records/s' tty.out; ok $(( ! $? )) "none with -q"
	DUMPTRACE_PROGRESS_AFTER=0 dt sniff many.csv >/dev/null 2>err.out
	grep -aq 'records/s' err.out; ok $(( ! $? )) "none when stderr is not a terminal"
else
	skip "script(1) is missing: no terminal to test the progress line on"
fi
done_testing
