#!/bin/sh
# Benchmark of the known-leak library issue: dumptrace ingest of a
# generated person CSV (16 million rows, about 2.5 GB) on 2 cores, warm page
# cache, into a fresh library each run, side by side with loading the same
# CSV into SQLite with an index on each identifier column (iin, phone,
# email). After the runs it reads the last library back (show --json) and
# prints the fingerprint storage: bytes per key for each set and each kind
# (record, value, assoc), library bytes per million rows, and the total.
# Targets: at least 100 MB/s end to end, peak memory within the --memory
# budget, at most 6 bytes per key. Figures only: nothing fails on time or
# size. It does fail when dumptrace or sqlite3 fails.
#
# usage: bench/ingest.sh
#   BENCH_INGEST_ROWS    person rows (default 16,000,000)
#   BENCH_INGEST_MEMORY  the --memory budget (default 1G), also SQLite's
#                        page cache, so that both get the same memory
#   BENCH_INGEST_SQLITE_RUNS  runs of the SQLite row (default BENCH_RUNS;
#                        0 leaves it out)
#   BENCH_BASELINE       another dumptrace binary, run after each run of
#                        $DUMPTRACE on the same input (A B A B ...); the
#                        two medians and new/baseline ratios are printed
# The generated CSV is kept in $BENCH_DIR for the next run (delete
# persons-ingest.csv* by hand); the libraries and the SQLite database are
# deleted at the end.
. "$(dirname "$0")/lib.sh"
ROWS=${BENCH_INGEST_ROWS:-16000000}
MEMORY=${BENCH_INGEST_MEMORY:-1G}
SQLITE_RUNS=${BENCH_INGEST_SQLITE_RUNS:-$BENCH_RUNS}
CSV=$BENCH_DIR/persons-ingest.csv
LIB=$BENCH_DIR/ingest-lib
DB=$BENCH_DIR/ingest.sqlite
JSON=$BENCH_DIR/ingest.json
FAIL=$BENCH_DIR/ingest.failed
SQL=$BENCH_DIR/ingest-sqlite.sql

[ -x "$DUMPTRACE" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
need taskset util-linux || exit 2
need jq || exit 2
gen_dump_build

cleanup() {
	rm -rf "$LIB" "$DB" "$DB-journal" "$JSON" "$FAIL" "$SQL" \
		"$BENCH_DIR/ingest-show.json" "$BENCH_DIR/ingest-sets.tsv" \
		"$LIB.baseline" "$JSON.baseline"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the budget in MiB, read as dumptrace's parse_size reads it (K, M, G, T
# are powers of 1024)
BUDGET_MIB=$(echo "$MEMORY" | awk '{
	v = $0 + 0; u = toupper(substr($0, match($0, /[KMGT]/), 1))
	m = RSTART ? (u == "K" ? 1/1024 : u == "M" ? 1 : u == "G" ? 1024 : 1048576) : 1/1048576
	printf "%.0f\n", v * m }')
[ "${BUDGET_MIB:-0}" -ge 1 ] || { echo "bench: bad BENCH_INGEST_MEMORY '$MEMORY'" >&2; exit 2; }

# the input, unless the same one is already there (same rows, same
# generator); no repeats, so every row is a distinct person
stamp="csv $ROWS 0 $(cksum <"$TOP/bench/gen-dump.c")"
if [ ! -f "$CSV" ] || [ "$(cat "$CSV.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "bench: generating $ROWS csv rows into $CSV" >&2
	"$GEN_DUMP" csv "$ROWS" 0 >"$CSV" || exit 2
	echo "$stamp" >"$CSV.stamp"
fi
BYTES=$(stat -c %s "$CSV")
cat "$CSV" >/dev/null # warm the page cache
START_LOAD=$(load_avg)
echo "bench: $(nproc) cores; $ROWS rows, $((BYTES / 1000000)) MB; --memory $MEMORY;" \
	"median of $BENCH_RUNS runs; $START_LOAD" >&2

# failed WHAT: stops the benchmark when a run of WHAT left its mark
failed() {
	[ -f "$FAIL" ] || return 0
	echo "bench: $1 failed (exit $(cat "$FAIL")), see its messages above; stopping" >&2
	exit 2
}

# dumptrace: a fresh library each run. The rm -rf of the previous one runs
# inside the timed command (a few files, milliseconds); spill runs go to
# $BENCH_DIR, as SQLite's temporary files do.
# With BENCH_BASELINE, the baseline binary runs after each dumptrace run,
# on the same input, into its own library and JSON (LIB.baseline,
# JSON.baseline: @SFX@, see measure_dt in lib.sh).
L_DT="dumptrace ingest -j 2 --memory $MEMORY"
rm -f "$FAIL"
measure_dt "$L_DT" "$BYTES" sh -c 'rm -rf "$1" &&
	taskset -c 0,1 "$2" ingest -q -j 2 --name bench --library "$1" --memory "$3" \
		--tmpdir "$4" --json "$5" >"$6" ||
	{ rc=$?; echo $rc >"$7"; exit $((rc > 1 ? rc : 2)); }' \
	sh "$LIB@SFX@" @DT@ "$MEMORY" "$BENCH_DIR" "$CSV" "$JSON@SFX@" "$FAIL"
failed "dumptrace ingest"

# SQLite at its fastest: no rollback journal, no fsync, a page cache as big
# as dumptrace's budget and two sorter threads for CREATE INDEX; one index
# per identifier, since a lookup comes by any one of them
cat >"$SQL" <<EOF
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA cache_size=-$((BUDGET_MIB * 1024));
PRAGMA threads=2;
.mode csv
.import '$CSV' persons
CREATE INDEX persons_iin ON persons(iin);
CREATE INDEX persons_phone ON persons(phone);
CREATE INDEX persons_email ON persons(email);
EOF
L_SQL="sqlite3 .import + 3 indexes"
if [ "$SQLITE_RUNS" -gt 0 ] && need sqlite3; then
	runs=$BENCH_RUNS; BENCH_RUNS=$SQLITE_RUNS
	measure "$L_SQL" "$BYTES" sh -c 'rm -f "$1" &&
		SQLITE_TMPDIR="$3" taskset -c 0,1 sqlite3 -bail "$1" <"$2" ||
		{ rc=$?; echo $rc >"$4"; exit $((rc > 1 ? rc : 2)); }' \
		sh "$DB" "$SQL" "$BENCH_DIR" "$FAIL"
	BENCH_RUNS=$runs
	failed "sqlite3"
fi

echo
echo "ingest: $ROWS rows, $((BYTES / 1000000)) MB; 2 cores ($(nproc) on the machine);" \
	"--memory $MEMORY; at the start $START_LOAD"
report "$L_DT"
report_ab "$L_DT"

# ---------------------------------------------------------------- checks
t_dt=$(result "$L_DT" 2)
rss_dt=$(result "$L_DT" 4)
echo
jq -r --arg rows "$ROWS" '"check: records \(.records), rejected \(.rejected), duplicates \(.duplicates): " +
	(if .records == ($rows | tonumber) and .rejected == 0 then "OK" else "DIFFERENT" end)' "$JSON"
if [ -f "$DB" ]; then
	n=$(sqlite3 "$DB" 'SELECT count(*) FROM persons')
	echo "check: sqlite3 rows $n: $([ "$n" = "$ROWS" ] && echo OK || echo DIFFERENT)"
fi
if [ -n "$BENCH_BASELINE" ]; then
	# the same result from both: ingest --json without its timings and
	# spill counters (which vary run to run with two threads), and the
	# fingerprint set files byte for byte
	same_json=$(jq -c 'del(.read_seconds, .write_seconds, .spill_blocks, .spilled_bytes)' "$JSON")
	base_json=$(jq -c 'del(.read_seconds, .write_seconds, .spill_blocks, .spilled_bytes)' "$JSON.baseline")
	echo "check: the baseline's ingest --json (timings and spill counters aside): $([ "$same_json" = "$base_json" ] && echo same || echo DIFFERENT)"
	sets_new=$(cd "$LIB"/sets/L* && md5sum -- *.fps)
	sets_base=$(cd "$LIB.baseline"/sets/L* && md5sum -- *.fps)
	echo "check: the baseline's fingerprint sets ($(echo "$sets_new" | wc -l) files): $([ "$sets_new" = "$sets_base" ] && echo byte-identical || echo DIFFERENT)"
fi
jq -r '"last dumptrace run: read \(.read_seconds * 100 | round / 100) s, write \(.write_seconds * 100 | round / 100) s, " +
	"\(.spill_blocks) spilled blocks (\(.spilled_bytes / 1e6 | round) MB), \(.keys) keys in \(.sets) sets, \(.sort_keys) keys sorted"' "$JSON"

# ---------------------------------------------------------------- library
echo
echo "fingerprint sets of the last library (show --json):"
"$DUMPTRACE" show --json --library "$LIB" bench >"$BENCH_DIR/ingest-show.json" ||
	{ echo "bench: dumptrace show failed" >&2; exit 2; }
jq -r '.sets[] | [.kind, ([.type, .attr_type] | map(select(.)) | join("-")), .keys, .bytes] | @tsv' \
	"$BENCH_DIR/ingest-show.json" >"$BENCH_DIR/ingest-sets.tsv" || exit 2
awk -F'\t' -v rows="$ROWS" '
{
	printf "  %-6s %-26s %11.0f keys %13.0f bytes %6.2f bytes/key\n", $1, $2, $3, $4, $3 ? $4 / $3 : 0
	n[$1]++; k[$1] += $3; b[$1] += $4; K += $3; B += $4
}
END {
	printf "\n%-8s %5s %14s %15s %10s %18s\n", "kind", "sets", "keys", "bytes", "bytes/key", "MB per M rows"
	split("record value assoc near", order, " ")
	for (i = 1; i <= 4; i++) {
		c = order[i]
		if (!n[c])
			continue
		printf "%-8s %5d %14.0f %15.0f %10.2f %18.2f\n", c, n[c], k[c], b[c], b[c] / k[c], b[c] / 1e6 / (rows / 1e6)
	}
	printf "%-8s %5d %14.0f %15.0f %10.2f %18.2f\n", "total", NR, K, B, K ? B / K : 0, B / 1e6 / (rows / 1e6)
	printf "target: at most 6 bytes per key: %.2f\n", K ? B / K : 0
}' "$BENCH_DIR/ingest-sets.tsv"
lib_bytes=$(du -sb "$LIB" | cut -f1)
echo "library on disk (du, catalog and sets): $((lib_bytes / 1000000)) MB"
[ -f "$DB" ] && echo "sqlite3 database with its 3 indexes: $(($(stat -c %s "$DB") / 1000000)) MB"

# ---------------------------------------------------------------- targets
echo
awk -v rows="$ROWS" -v bytes="$BYTES" -v t="$t_dt" -v rss="$rss_dt" -v budget="$BUDGET_MIB" \
	-v ts="$(result "$L_SQL" 2)" 'BEGIN {
	printf "dumptrace median run: %.0f rows/s, %.1f MB/s (target: at least 100 MB/s)\n", rows / t, bytes / 1e6 / t
	printf "peak RSS %.1f MiB, budget %d MiB: %.2f of it (target: within the budget)\n", rss / 1024, budget, rss / 1024 / budget
	if (ts != "")
		printf "sqlite3 time / dumptrace time: %.2f\n", ts / t
}'
