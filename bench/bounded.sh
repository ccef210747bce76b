#!/bin/sh
# Bounded memory at full size (issue 16): dedup, ingest and analyze of
# ROWS short records (email,phone,name, about 30 bytes: 350 million make
# 10 GB) in three shapes, one record repeated, all distinct, and every
# other record the same one, each under --memory MEMORY. Prints, per run,
# the wall time, the peak resident memory and what it took beyond
# --memory; checks the outputs' counts. The repeated shape is also
# deduplicated from a .gz, the input of the bug (346 million records in
# a 10 GB gzip asked for 16 GiB). tests/cli/t0725 runs the same shapes at
# 3 million records under a 1 GiB address-space limit.
#
# usage: bench/bounded.sh [ROWS [MEMORY [SHAPES]]]
#   (default 350000000 1G "dist rep half"; dist is always made first: the
#   analyses run against its library)
# Disk: the largest input is about 11.5 GB, the all-distinct library about
# 6 GB, and the sorts spill to BENCH_TMPDIR (default $BENCH_DIR/bounded/tmp):
# analyze of 350M records spills tens of GB (about 33 GB free was not
# enough). Inputs are deleted after their runs unless BENCH_KEEP=1. One
# run each (minutes per run).
. "$(dirname "$0")/lib.sh"
ROWS=${1:-350000000}
MEMORY=${2:-1G}
CORES="taskset -c 0,1"
[ -x "$DUMPTRACE" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
need taskset util-linux || exit 2
need jq || exit 2
gen_dump_build

budget_kib=$(echo "$MEMORY" | awk '{ n = $1 + 0; u = toupper(substr($1, length($1)));
	print int(n * (u == "G" ? 1048576 : u == "M" ? 1024 : u == "K" ? 1 : 1 / 1024)) }')
echo "bounded: $ROWS records a shape, --memory $MEMORY, 2 cores; $(load_avg)"
printf '%-44s %9s %10s %11s  %s\n' run seconds "peak MiB" "over MiB" check

# timed LABEL COMMAND...: run_timed, its failure message naming LABEL
timed() {
	label=$1
	shift
	run_timed "$@"
}

# row LABEL CHECK: prints the last run_timed's figures
row() {
	printf '%-44s %9.1f %10.1f %11.1f  %s\n' "$1" "$T" "$(echo "$M" | awk '{ print $1 / 1024 }')" \
		"$(echo "$M $budget_kib" | awk '{ print ($1 - $2) / 1024 }')" "$2"
	record "$1" 0 "$M" "$T"
}

# expect WHAT GOT WANTED
expect() {
	if [ "$2" = "$3" ]; then echo "OK ($1 $2)"; else echo "WRONG: $1 $2, expected $3"; fi
}

W=$BENCH_DIR/bounded
TMP=${BENCH_TMPDIR:-$W/tmp} # the sorts' spill
rm -rf "$W" && mkdir -p "$W" "$TMP"
LIBD=$W/lib-dist

SHAPES=${3:-dist rep half}
case " $SHAPES " in *" dist "*) ;; *) SHAPES="dist $SHAPES" ;; esac
for shape in $SHAPES; do
	case $shape in
	dist) dup=0 kept=$((ROWS + 1)) dups=0 ;;
	rep) dup=100 kept=2 dups=$((ROWS - 1)) ;;
	half) dup=50 kept=$((ROWS / 2 + 2)) dups=$((ROWS - ROWS / 2 - 1)) ;;
	esac
	IN=$W/$shape.csv
	echo "bench: generating $ROWS $shape records" >&2
	"$GEN_DUMP" short "$ROWS" "$dup" >"$IN" 2>/dev/null || exit 2
	l="dedup $shape ($(($(stat -c %s "$IN") / 1048576)) MiB)"
	timed "$l" $CORES "$DUMPTRACE" dedup -q -j 2 --memory "$MEMORY" --tmpdir "$TMP" -o "$W/out" "$IN"
	row "$l" "$(expect "records kept+header" "$(wc -l <"$W/out" | tr -d ' ')" "$kept")"
	rm -f "$W/out"
	if [ $shape = rep ]; then
		gzip -1 -c "$IN" >"$IN.gz"
		l="dedup rep from .gz ($(($(stat -c %s "$IN.gz") / 1048576)) MiB)"
		timed "$l" $CORES "$DUMPTRACE" dedup -q -j 2 --memory "$MEMORY" --tmpdir "$TMP" -o "$W/out" "$IN.gz"
		row "$l" \
			"$(expect "records kept+header" "$(wc -l <"$W/out" | tr -d ' ')" "$kept")"
		rm -f "$W/out" "$IN.gz"
	fi
	lib=$W/lib-$shape
	timed "ingest $shape" $CORES "$DUMPTRACE" ingest -q -j 2 --memory "$MEMORY" --tmpdir "$TMP" \
		--library "$lib" --name "$shape" "$IN"
	row "ingest $shape" "$(expect leaks "$("$DUMPTRACE" list --library "$lib" 2>/dev/null | grep -c "$shape")" 1)"
	timed "analyze $shape" $CORES "$DUMPTRACE" analyze -q -j 2 --memory "$MEMORY" --tmpdir "$TMP" \
		--library "$LIBD" --json "$W/a.json" "$IN"
	row "analyze $shape against dist" "$(expect duplicates "$(jq .records.duplicates "$W/a.json" 2>/dev/null)" "$dups")"
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$IN"
	[ $shape = dist ] || [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$lib"
done
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$W"
