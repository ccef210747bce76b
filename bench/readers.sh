#!/bin/sh
# Benchmark of the readers issue: throughput of each reader on one core,
# warm page cache, on a generated input of at least 500 MB - mysqldump with
# 1000-row INSERTs, pg_dump COPY, JSON Lines, a combo list - side by side
# with wc -l on the same file. Before timing, one untimed run checks that
# sniff parsed every generated row and rejected none.
# Targets on one core: mysqldump, COPY and combo >= 400 MB/s,
# JSON Lines >= 150 MB/s. Figures only: nothing fails on time.
#
# usage: bench/readers.sh [MB]   (each input about MB megabytes, default 520)
# The generated inputs are deleted at the end unless BENCH_KEEP=1.
. "$(dirname "$0")/lib.sh"
MB=${1:-520}

[ -x "$DUMPTRACE" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
need taskset util-linux || exit 2
need jq || exit 2
gen_dump_build

# name, generator kind, --format, target MB/s
FORMATS="mysqldump:mysql:sql:400 pg_dump-COPY:pgcopy:sql:400 JSON-Lines:jsonl:json:150 combo:combo:combo:400"

# rows_for KIND: how many rows make $MB megabytes, from a 20,000-row sample
rows_for() {
	"$GEN_DUMP" "$1" 20000 2>/dev/null | wc -c |
		awk -v mb="$MB" '{ printf "%d\n", mb * 1e6 * 20000 / $1 + 1 }'
}

echo "bench: $(nproc) cores; each input about $MB MB; median of $BENCH_RUNS runs; $(load_avg)" >&2
CHECKS=""
rm -f "$BENCH_DIR/readers.meta"
for f in $FORMATS; do
	IFS=: read -r name kind fmt target <<EOF
$f
EOF
	file=$BENCH_DIR/readers-$kind.in
	rows=$(rows_for "$kind")
	stamp="$kind $rows $(cksum <"$TOP/bench/gen-dump.c")"
	if [ ! -f "$file" ] || [ "$(cat "$file.stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "bench: generating $rows $kind rows into $file" >&2
		"$GEN_DUMP" "$kind" "$rows" 2>/dev/null >"$file" || exit 2
		echo "$stamp" >"$file.stamp"
	fi
	bytes=$(stat -c %s "$file")
	cat "$file" >/dev/null # warm the page cache

	# the untimed check: every generated row parsed, none rejected
	got=$("$DUMPTRACE" sniff --json --format "$fmt" "$file" 2>/dev/null |
		jq -r '.inputs[0].records | "\(.parsed) \(.rejected)"')
	if [ "$got" = "$rows 0" ]; then
		CHECKS="$CHECKS
check: $name: $rows rows generated, $rows parsed, 0 rejected: OK"
	else
		CHECKS="$CHECKS
check: $name: $rows rows generated; parsed and rejected: ${got:-no answer}: DIFFERENT"
	fi

	measure "$name: wc -l" "$bytes" taskset -c 0 wc -l "$file"
	measure "$name: sniff" "$bytes" taskset -c 0 "$DUMPTRACE" sniff -q --format "$fmt" "$file"
	echo "$name $bytes $rows $target" >>"$BENCH_DIR/readers.meta"
done

echo
echo "readers on one core (taskset -c 0), warm cache; $(load_avg)"
# one line per format, from the measured rows and what was generated
awk -F'\t' '
	FILENAME == ARGV[1] { split($0, m, " "); meta[m[1]] = $0; order[++n] = m[1]; next }
	{ split($1, p, ": "); t[p[1], p[2]] = $2; rss[p[1], p[2]] = $4 }
	END {
		printf "%-14s %8s %11s %10s %10s %9s %9s %8s\n", "format", "MB", "rows", "wc -l MB/s",
			"sniff MB/s", "sniff/wc", "peak MiB", "target"
		for (i = 1; i <= n; i++) {
			f = order[i]; split(meta[f], m, " ")
			wc = t[f, "wc -l"] > 0 ? m[2] / 1e6 / t[f, "wc -l"] : 0
			sn = t[f, "sniff"] > 0 ? m[2] / 1e6 / t[f, "sniff"] : 0
			printf "%-14s %8.0f %11d %10.0f %10.1f %8.3fx %9.1f %8s\n", f, m[2] / 1e6, m[3], wc, sn,
				(wc > 0 ? sn / wc : 0), rss[f, "sniff"] / 1024, ">= " m[4]
		}
	}' "$BENCH_DIR/readers.meta" "$BENCH_DIR/results.tsv"
rm -f "$BENCH_DIR/readers.meta"
echo "$CHECKS" | sed 1d
echo "targets (MB/s, one core): mysqldump, pg_dump COPY and combo >= 400, JSON Lines >= 150"

if [ "${BENCH_KEEP:-0}" != 1 ]; then
	for f in $FORMATS; do
		kind=$(echo "$f" | cut -d: -f2)
		rm -f "$BENCH_DIR/readers-$kind.in" "$BENCH_DIR/readers-$kind.in.stamp"
	done
fi
