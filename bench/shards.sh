#!/bin/sh
# The library in shards and the analysis's joins as reduce steps (issue
# 17), on this machine: the synthetic family of bench/analyze.sh (at a
# tenth of its size by default), its five leaks ingested once (untimed),
# then side by side on 2 cores:
#   - dumptrace shard --shards N of that library (the split), and the
#     shards' sizes (largest over smallest: the fixed ranges' balance);
#   - analyze of the claimed dump against the unsharded library, against
#     the sharded one, and with --work-dir (the three rounds of joins as
#     reduce steps, 1 at a time and 2 at a time, as child processes);
#   - the claimed dump cut into PARTS files (one header each) and analyzed
#     by one process, then with --splits 2 and --splits PARTS (map steps,
#     2 at a time), and once with every step under time(1): the CPU of the
#     map steps, of the reduce steps and of the analyzing process;
#   - the ingest of one more leak into each (the sharded one splits its
#     sets at the commit).
# Every analysis's JSON is checked to be byte for byte the first one's.
# Ratios are to the unsharded analysis (and ingest). Figures only.
#
# usage: bench/shards.sh [PERSONS [SHARDS [PARTS]]]   (default 2,220,000,
#   4 and 8; 22,200,000 is analyze.sh's full size, about 16M claimed rows)
. "$(dirname "$0")/lib.sh"
PERSONS=${1:-2220000}
SHARDS=${2:-4}
PARTS=${3:-8}
GEN=$TOP/build/samples/gen
FAM=$BENCH_DIR/family-shards
CORES="taskset -c 0,1"
[ -x "$DUMPTRACE" ] && [ -x "$GEN" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
need taskset util-linux || exit 2
need jq || exit 2
stamp="gen --persons $PERSONS --seed 1 $(cksum <"$GEN")"
if [ "$(cat "$FAM/.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$FAM"
	echo "bench: generating the family (--persons $PERSONS)" >&2
	"$GEN" -q --out "$FAM" --persons "$PERSONS" --seed 1 || { rm -rf "$FAM"; exit 2; }
	echo "$stamp" >"$FAM/.stamp"
fi
U=$BENCH_DIR/shards-unsharded
S=$BENCH_DIR/shards-sharded
W=$BENCH_DIR/shards-work
rm -rf "$U" "$S" "$W" "$BENCH_DIR"/shards-*.json
echo "bench: ingesting the four first leaks (untimed)" >&2
for l in voters_2019.csv shop_2020.sql clinic_2021.jsonl telecom_2022.sql; do
	"$DUMPTRACE" ingest -q --library "$U" --name "${l%.*}" "$FAM/$l" || exit 2
done
claimed=$FAM/claimed_2025.csv
rows=$(($(wc -l <"$claimed") - 1))
bytes=$(stat -c %s "$claimed")
echo "shards: $rows claimed rows ($((bytes / 1048576)) MiB), $SHARDS shards, 2 cores; $(load_avg)"

# the split, from a fresh copy each run
label="shard --shards $SHARDS"
times=""
i=0
while [ $i -lt "$BENCH_RUNS" ]; do
	rm -rf "$S" && cp -R "$U" "$S"
	run_timed $CORES "$DUMPTRACE" shard -q --library "$S" --shards "$SHARDS"
	times="$times $T"
	i=$((i + 1))
done
record "$label" "$(du -sb "$U/sets" | cut -f1)" "$M" "$times"
sizes=$(for d in "$S"/shards/*; do du -sb "$d/sets" | cut -f1; done | sort -n)
echo "  shard sizes (bytes): $(echo $sizes)" \
	"largest/smallest $(echo "$sizes" | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.3f", b / a }')" >&2
report "$label"

results_reset
measure "analyze, unsharded library" "$bytes" \
	$CORES "$DUMPTRACE" analyze -q -j 2 --library "$U" --json "$BENCH_DIR/shards-u.json" "$claimed"
measure "analyze, sharded library" "$bytes" \
	$CORES "$DUMPTRACE" analyze -q -j 2 --library "$S" --json "$BENCH_DIR/shards-s.json" "$claimed"
measure "analyze --work-dir, 1 reducer at a time" "$bytes" \
	$CORES "$DUMPTRACE" analyze -q -j 1 --library "$S" --work-dir "$W" --json "$BENCH_DIR/shards-w1.json" "$claimed"
measure "analyze --work-dir, 2 reducers at a time" "$bytes" \
	$CORES "$DUMPTRACE" analyze -q -j 2 --library "$S" --work-dir "$W" --json "$BENCH_DIR/shards-w2.json" "$claimed"
for x in s w1 w2; do
	if cmp -s "$BENCH_DIR/shards-u.json" "$BENCH_DIR/shards-$x.json"; then
		echo "  check: shards-$x.json byte for byte the unsharded analysis's" >&2
	else
		echo "  WRONG: shards-$x.json differs from the unsharded analysis's" >&2
	fi
done
report "analyze, unsharded library"

# the reading as map steps (analyze --splits): the claimed dump as a
# compilation of PARTS files, each with the header, analyzed whole by one
# process, then by map steps (child processes, the threads shared)
results_reset
P=$BENCH_DIR/shards-parts
rm -rf "$P" && mkdir -p "$P"
head -n 1 "$claimed" >"$P/head"
tail -n +2 "$claimed" >"$P/body" && split -n "l/$PARTS" -a 2 -d "$P/body" "$P/part." && rm "$P/body"
for f in "$P"/part.??; do cat "$P/head" "$f" >"$f.csv" && rm "$f"; done
measure "analyze of the $PARTS parts, one process" "$bytes" \
	$CORES "$DUMPTRACE" analyze -q -j 2 --library "$S" --json "$BENCH_DIR/shards-p.json" "$P"/part.*.csv
for n in 2 $PARTS; do
	measure "analyze --splits $n (map steps, 2 at a time)" "$bytes" \
		$CORES "$DUMPTRACE" analyze -q -j 2 --library "$S" --work-dir "$W" --splits $n \
		--json "$BENCH_DIR/shards-m$n.json" "$P"/part.*.csv
	if cmp -s "$BENCH_DIR/shards-p.json" "$BENCH_DIR/shards-m$n.json"; then
		echo "  check: shards-m$n.json byte for byte the one process's" >&2
	else
		echo "  WRONG: shards-m$n.json differs from the one process's" >&2
	fi
done
report "analyze of the $PARTS parts, one process"
# where the CPU goes with the steps: each step under time(1), the rest the analyzing process's
C=$BENCH_DIR/shards-cpu
: >"$C.map"
: >"$C.reduce"
/usr/bin/time -f '%e %U %S' -o "$C.all" $CORES "$DUMPTRACE" analyze -q -j 2 --library "$S" --work-dir "$W" \
	--splits "$PARTS" --json "$BENCH_DIR/shards-mc.json" \
	--mappers "for s in \$DUMPTRACE_SPLITS; do /usr/bin/time -a -o '$C.map' -f '%e %U %S' \"\$DUMPTRACE\" map -q -j 1 --work \"\$DUMPTRACE_WORK\" --split \$s & done; wait" \
	--reducers "for s in \$DUMPTRACE_SHARDS; do /usr/bin/time -a -o '$C.reduce' -f '%e %U %S' \"\$DUMPTRACE\" reduce -q --work \"\$DUMPTRACE_WORK\" --round \$DUMPTRACE_ROUND --shard \$s; done" \
	"$P"/part.*.csv >/dev/null 2>"$BENCH_DIR/err.out" || { echo "bench: the timed steps failed" >&2; tail -3 "$BENCH_DIR/err.out" >&2; }
awk -v parts="$PARTS" '
FILENAME ~ /map$/ { m += $2 + $3; nm++ }
FILENAME ~ /reduce$/ { r += $2 + $3; nr++ }
FILENAME ~ /all$/ && NF == 3 { wall = $1; all = $2 + $3 }
END {
	c = all - m - r
	printf "  CPU with %d map steps: %.2f s in all; map steps %.2f (%.0f%%, %d), reduce steps %.2f (%.0f%%, %d), the analyzing process %.2f (%.0f%%); wall %.2f s\n",
		parts, all, m, 100 * m / all, nm, r, 100 * r / all, nr, c, 100 * c / all, wall
}' "$C.map" "$C.reduce" "$C.all" >&2
rm -rf "$P" "$C".*

results_reset
leak=$FAM/combo_2022.txt
lb=$(stat -c %s "$leak")
for lib in "$U" "$S"; do
	times=""
	i=0
	while [ $i -lt "$BENCH_RUNS" ]; do
		run_timed $CORES "$DUMPTRACE" ingest -q -j 2 --replace --library "$lib" --name combo_2022 "$leak"
		times="$times $T"
		i=$((i + 1))
	done
	case $lib in "$U") l="ingest of one more leak, unsharded" ;; *) l="ingest of one more leak, $SHARDS shards" ;; esac
	record "$l" "$lb" "$M" "$times"
done
report "ingest of one more leak, unsharded"
rm -rf "$U" "$S" "$W"
