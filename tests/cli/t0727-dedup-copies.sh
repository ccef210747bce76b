#!/bin/sh
# What dedup copies (issue 18): record mode reads its inputs twice, so
# standard input and named pipes are copied into a temporary file, which
# holds the raw dump. It is unlinked as soon as it is made: after SIGINT,
# SIGTERM, SIGKILL or a full disk nothing is left in the temporary
# directory. A named pipe is read once, not waited on a second time. A
# SQLite file inside a compressed stream, copied for SQLite to open, is
# unlinked the same way.
. "$TOP_SRCDIR/tests/lib.sh"

mkdir tmp
left() { ls -A tmp | wc -l | tr -d ' '; }

# waits (up to 10 s) until process $1 holds an unlinked temporary file in
# ./tmp (one with no name at all where O_TMPFILE is, "#1234 (deleted)";
# "dumptrace-$2-" and six random letters where the file system has no
# O_TMPFILE); 0 when it does
holds_unlinked() {
	i=0
	while [ $i -lt 100 ]; do
		ls -l /proc/"$1"/fd 2>/dev/null | grep -q "$T_TMP/tmp/\(#\|dumptrace-$2\).*(deleted)" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

[ -d /proc/self/fd ] || skip_all "no /proc: the copies are named files there"

# a copy of standard input being written, then a signal
for sig in INT TERM KILL; do
	{ yes "user@example.com:password123" | head -c 2000000000; } |
		"$DUMPTRACE" dedup --tmpdir tmp - >/dev/null 2>&1 &
	pid=$! # the pipeline's last process: dumptrace itself
	holds_unlinked "$pid" stdin
	ok $? "SIG$sig: the copy of standard input is unlinked while it is written"
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	is "$(left)" 0 "... and after SIG$sig nothing is left in the temporary directory"
done

# a full disk (a file size limit: writes fail as on a full disk)
if command -v prlimit >/dev/null 2>&1; then
	(
		trap '' XFSZ
		yes "user@example.com:password123" | head -c 20000000 |
			prlimit --fsize=1000000 -- "$DUMPTRACE" dedup --tmpdir tmp - >/dev/null 2>err
		echo $? >rc
	)
	is "$(cat rc)" 2 "a copy that cannot be written: exit 2"
	grep -q "cannot write a temporary file in 'tmp'" err
	ok $? "... which says why"
	is "$(left)" 0 "... and nothing is left in the temporary directory"
else
	skip "prlimit (util-linux) is not installed"
	skip "prlimit (util-linux) is not installed"
	skip "prlimit (util-linux) is not installed"
fi

# standard input: read under its own name, a rejection located in it
printf 'iin;name\n900101300017;A\n900101300017;A\n900101300025;"B\n' |
	dt dedup --tmpdir tmp --output-format jsonl - >out 2>err
grep -q "^dumptrace: '-': line 4" err
ok $? "standard input is named '-' in the messages"
is "$(jq -r ._input out | sort -u)" "-" "... and in the records"
is "$(wc -l <out | tr -d ' ')" 1 "... one unique record, one rejected"

# a named pipe: read once, not waited on again in the second pass
if mkfifo ff 2>/dev/null; then
	printf 'iin;name\n900101300017;A\n900101300017;A\n900101300025;B\n' >ff &
	timeout 20 "$DUMPTRACE" dedup --tmpdir tmp --output-format jsonl ff >out 2>err
	is "$?" 0 "record mode over a named pipe ends"
	is "$(jq -r '"\(._input) \(.iin)"' out | tr '\n' ' ')" "ff 900101300017 ff 900101300025 " \
		"... each unique record once, under the pipe's name"
	printf 'a\nb\na\n' >ff &
	is "$(timeout 20 "$DUMPTRACE" dedup --lines --tmpdir tmp ff 2>/dev/null | tr '\n' ' ')" "a b " \
		"line mode over a named pipe"
	is "$(left)" 0 "... nothing left in the temporary directory"
else
	skip "mkfifo failed"
	skip "mkfifo failed"
	skip "mkfifo failed"
	skip "mkfifo failed"
fi

# SQLite inside gzip: the copy SQLite opens is unlinked while it is read
if command -v python3 >/dev/null 2>&1 && python3 -c 'import sqlite3' 2>/dev/null; then
	python3 - <<'PY'
import sqlite3
c = sqlite3.connect("big.db")
c.execute("create table p (iin text, name text, note text)")
c.executemany("insert into p values (?, ?, ?)",
              (("9001013%05d" % i, "P%d" % i, "x" * 200) for i in range(300000)))
c.commit()
PY
	gzip -1 big.db
	TMPDIR=$T_TMP/tmp "$DUMPTRACE" cat big.db.gz >/dev/null 2>&1 &
	pid=$!
	holds_unlinked "$pid" spool
	ok $? "a SQLite file from a gzip stream: its copy is unlinked while SQLite reads it"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	is "$(left)" 0 "... and after SIGKILL nothing is left"
	TMPDIR=$T_TMP/tmp dt cat -q big.db.gz | wc -l >n
	is "$(tr -d ' ' <n)" 300000 "... every row read through it"
else
	skip "python3 with sqlite3 is not installed"
	skip "python3 with sqlite3 is not installed"
	skip "python3 with sqlite3 is not installed"
fi

done_testing
