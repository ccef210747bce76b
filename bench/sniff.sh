#!/bin/sh
# Benchmark of the foundation issue: full parse and count of a plain UTF-8
# person CSV of at least 500 MB, warm page cache, side by side with
# wc -l, Miller (mlr --icsv count) and sqlite3 .import.
# Target: dumptrace sniff >= 300 MB/s on one core, >= 4x Miller.
# usage: bench/sniff.sh [ROWS]   (default 5,000,000 rows, about 560 MB)
. "$(dirname "$0")/lib.sh"
ROWS=${1:-5000000}
CSV=$BENCH_DIR/persons.csv

[ -x "$DUMPTRACE" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
if [ ! -f "$CSV" ] || [ "$(wc -l <"$CSV")" -ne $((ROWS + 1)) ]; then
	echo "bench: generating $ROWS rows into $CSV" >&2
	awk -v rows="$ROWS" -v seed=1 -f "$(dirname "$0")/gen-persons.awk" >"$CSV"
fi
BYTES=$(stat -c %s "$CSV")
echo "bench: $(nproc) cores; input $((BYTES / 1000000)) MB, $ROWS rows; median of $BENCH_RUNS runs" >&2
cat "$CSV" >/dev/null # warm the page cache

measure "wc -l" "$BYTES" wc -l "$CSV"
measure "dumptrace sniff (1 core)" "$BYTES" taskset -c 0 "$DUMPTRACE" sniff -q "$CSV"
need mlr miller && measure "mlr --icsv --ojson count" "$BYTES" mlr --icsv --ojson count "$CSV"
need sqlite3 && measure "sqlite3 :memory: .import" "$BYTES" \
	sqlite3 :memory: -cmd ".mode csv" ".import '$CSV' t"
echo
report "dumptrace sniff (1 core)"
