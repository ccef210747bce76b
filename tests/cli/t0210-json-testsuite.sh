#!/bin/sh
# JSONTestSuite (Nicolas Seriot): every y_ file is accepted with nothing
# rejected, every n_ file is refused with a message, and no file, i_ ones
# included, crashes the reader or makes it hang. One line per group, with
# the names of the files that went wrong.
. "$TOP_SRCDIR/tests/lib.sh"
need_corpora json/JSONTestSuite
dir="$CORPORA/json/JSONTestSuite/test_parsing"

# run FILE: the exit status; stderr in run.err
run() { timeout 10 "$DUMPTRACE" cat --quiet --format json "$1" >/dev/null 2>run.err; }

check_group() { # check_group PREFIX DESCRIPTION TEST
	bad= n=0
	for f in "$dir"/$1_*.json; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		run "$f"; rc=$?
		eval "$3" || bad="$bad $(basename "$f")"
	done
	[ -z "$bad" ]; ok $? "$2 ($n files)"
	[ -z "$bad" ] || echo "#   failing:$bad"
}

# accepted: exit 0 and silent
check_group y "y_: accepted" '[ $rc -eq 0 ] && [ ! -s run.err ]'
# refused: exit 1 (never 0, 2, a signal or the timeout) and a message
check_group n "n_: refused with a message" '[ $rc -eq 1 ] && [ -s run.err ]'
# either way, but no crash or hang: exit 0 or 1
check_group i "i_: no crash or hang" '[ $rc -le 1 ]'
done_testing
