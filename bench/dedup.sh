#!/bin/sh
# Benchmark of the dedup issue, on 2 cores, warm page cache:
#  1. line mode: dumptrace dedup --lines -j 2 on a 40-million-line
#     email:password list (about 1.5 GB, 25% repeated lines spread through
#     the file) against LC_ALL=C sort -u --parallel=2, awk '!seen[$0]++'
#     (mawk, as Debian ships it), rling and duplicut; dumptrace's output
#     must be byte-identical to awk's, and each peer that keeps the order
#     is compared with awk too;
#  2. record mode: a 500 MB person CSV (25% repeated rows) against
#     mlr head -n 1 -g <all columns> and sort -u; dumptrace's row only
#     once record mode is built.
# Targets: dumptrace at least 10x faster than sort -u and than rling, with
# a smaller peak memory than rling. Figures only: nothing fails on time.
#
# usage: bench/dedup.sh [LINES [CSV_ROWS]]
#   (default 40,000,000 lines, about 1.5 GB; 3,200,000 CSV rows, 500 MB)
# Peers come from bench/peers.sh ($PEERS_DIR); a missing one loses its
# row. awk runs AWK_RUNS times (default 1: it takes minutes). The
# generated inputs are deleted at the end unless BENCH_KEEP=1.
. "$(dirname "$0")/lib.sh"
LINES=${1:-40000000}
CSV_ROWS=${2:-3200000}
DUP=25
IN=$BENCH_DIR/combo-dedup.txt
CSV=$BENCH_DIR/persons-dedup.csv
CORES="taskset -c 0,1" # every command gets the same two cores

[ -x "$DUMPTRACE" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
need taskset util-linux || exit 2
gen_dump_build

# generate KIND ROWS FILE: the input, unless the same one is already there
generate() {
	stamp="$1 $2 $DUP $(cksum <"$TOP/bench/gen-dump.c")"
	if [ ! -f "$3" ] || [ "$(cat "$3.stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "bench: generating $2 $1 rows into $3" >&2
		"$GEN_DUMP" "$1" "$2" "$DUP" >"$3" || exit 2
		echo "$stamp" >"$3.stamp"
	fi
}

# same A B WHAT: says whether two outputs are byte-identical
same() {
	if cmp -s "$1" "$2"; then
		echo "check: $3: OK (byte-identical)"
	else
		echo "check: $3: DIFFERENT"
	fi
}

# ratio A B: A / B with two decimals, or "n/a" when either is missing
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'
}

# ---------------------------------------------------------------- lines
generate combo "$LINES" "$IN"
BYTES=$(stat -c %s "$IN")
cat "$IN" >/dev/null # warm the page cache
AWK_NAME=$(awk -W version 2>/dev/null | head -1 | cut -d' ' -f1-2)
echo "bench: $(nproc) cores; $LINES lines, $((BYTES / 1000000)) MB, $DUP% repeated;" \
	"median of $BENCH_RUNS runs (awk: ${AWK_RUNS:-1}); $(load_avg)" >&2

O=$BENCH_DIR/dedup-out
L_DT="dumptrace dedup --lines -j 2"
L_SORT="LC_ALL=C sort -u --parallel=2 -S 50%"
L_AWK="awk '!seen[\$0]++' (${AWK_NAME:-awk})"
measure "$L_DT" "$BYTES" $CORES "$DUMPTRACE" dedup --lines -q -j 2 -o "$O.dt" "$IN"
# mawk's table slows down as it grows (about 10 minutes for 40M lines):
# one run unless AWK_RUNS says otherwise
runs=$BENCH_RUNS; BENCH_RUNS=${AWK_RUNS:-1}
measure "$L_AWK" "$BYTES" sh -c 'exec taskset -c 0,1 awk "!seen[\$0]++" "$1" >"$2"' sh "$IN" "$O.awk"
BENCH_RUNS=$runs
measure "$L_SORT" "$BYTES" env LC_ALL=C $CORES sort -u --parallel=2 -S 50% -T "$BENCH_DIR" -o "$O.sort" "$IN"
CHECKS=$(same "$O.dt" "$O.awk" "dumptrace output vs awk's")
CHECKS="$CHECKS
check: sort -u: $(wc -l <"$O.sort") lines, awk: $(wc -l <"$O.awk") lines (sort -u does not keep the order)"
rm -f "$O.dt" "$O.sort"
if RLING=$(peer rling); then
	measure "rling -t 2" "$BYTES" $CORES "$RLING" -t 2 "$IN" "$O.rling"
	CHECKS="$CHECKS
$(same "$O.rling" "$O.awk" "rling output vs awk's")"
	rm -f "$O.rling"
fi
if DUPLICUT=$(peer duplicut); then
	measure "duplicut -t 2" "$BYTES" $CORES "$DUPLICUT" -t 2 "$IN" -o "$O.duplicut"
	CHECKS="$CHECKS
$(same "$O.duplicut" "$O.awk" "duplicut output vs awk's")"
	rm -f "$O.duplicut"
fi
rm -f "$O.awk"

echo
echo "line mode: $LINES lines, $((BYTES / 1000000)) MB, $DUP% repeated; 2 cores; $(load_avg)"
report "$L_DT"
echo "$CHECKS"
t_dt=$(result "$L_DT" 2)
echo "targets: dumptrace at least 10x faster than sort -u and than rling, peak memory below rling's"
echo "  sort -u time / dumptrace time: $(ratio "$(result "$L_SORT" 2)" "$t_dt")"
echo "  rling time / dumptrace time:   $(ratio "$(result "rling -t 2" 2)" "$t_dt")"
echo "  dumptrace peak / rling peak:   $(ratio "$(result "$L_DT" 4)" "$(result "rling -t 2" 4)")"

# ---------------------------------------------------------------- records
results_reset
generate csv "$CSV_ROWS" "$CSV"
CBYTES=$(stat -c %s "$CSV")
cat "$CSV" >/dev/null
COLS=$(head -1 "$CSV")
echo >&2
echo "bench: record mode: $CSV_ROWS rows, $((CBYTES / 1000000)) MB, $DUP% repeated" >&2
R_DT="dumptrace dedup -j 2 (records)"
R_MLR="mlr head -n 1 -g <all columns>"
R_SORT="LC_ALL=C sort -u --parallel=2 -S 50%"
RECORDS=no
# record mode is there once dedup documents a key choice
"$DUMPTRACE" dedup --help 2>/dev/null | grep -q -- '--key' && RECORDS=yes
RCHECKS=""
if [ $RECORDS = yes ]; then
	# every column is the key when none is named
	measure "$R_DT" "$CBYTES" $CORES "$DUMPTRACE" dedup -q -j 2 -o "$O.dt" "$CSV"
fi
if need mlr miller; then
	measure "$R_MLR" "$CBYTES" sh -c 'exec taskset -c 0,1 mlr --icsv --ocsv head -n 1 -g "$1" "$2" >"$3"' \
		sh "$COLS" "$CSV" "$O.mlr"
	[ $RECORDS = yes ] && RCHECKS=$(same "$O.dt" "$O.mlr" "dumptrace records vs mlr's")
fi
measure "$R_SORT" "$CBYTES" env LC_ALL=C $CORES sort -u --parallel=2 -S 50% -T "$BENCH_DIR" -o "$O.sort" "$CSV"
rm -f "$O.dt" "$O.mlr" "$O.sort"

echo
echo "record mode: $CSV_ROWS rows, $((CBYTES / 1000000)) MB, $DUP% repeated; 2 cores; $(load_avg)"
if [ $RECORDS = yes ]; then
	report "$R_DT"
	[ -n "$RCHECKS" ] && echo "$RCHECKS"
else
	report "$R_SORT"
	echo "record mode: not built yet (ratios are to sort -u)"
fi

if [ "${BENCH_KEEP:-0}" != 1 ]; then
	rm -f "$IN" "$IN.stamp" "$CSV" "$CSV.stamp"
fi
