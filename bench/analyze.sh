#!/bin/sh
# Benchmark of the "dumptrace analyze" issue: the seed case at full size.
# samples/gen writes a synthetic family whose recompiled dump
# claimed_2025.csv has about 16 million rows (about 2.2 GB), with its five
# earlier leaks (about 40 million rows in all). The five leaks go into a
# library once, untimed. Then `dumptrace analyze` of the claimed dump runs
# on 2 cores, warm page cache, side by side with what a user would script
# without it: the leaks (converted to UTF-8 CSV by `dumptrace cat`, untimed)
# and the dump imported into SQLite, identifiers normalized in SQL, indexed
# and joined, and the rows found in each leak counted.
# The same joins run in DuckDB too (issue 17), through its Node API from
# the npm registry (bench/peers.sh installs it in $PEERS_DIR/duckdb), with
# 2 threads and the same memory: the tool a data journalist would pick.
# DuckDB reads the same converted CSVs (it reads neither SQL dumps nor
# CP1251) and normalizes the identifiers with the same SQL expressions;
# its counts are checked against SQLite's.
# Targets: analyze in under 60 s, peak memory under 4 GB, at least 10x
# faster than SQLite; at least 5x faster than DuckDB, and ingest + analyze
# at least 2x faster than DuckDB's whole script (issue 17). Figures only:
# nothing fails on time or size. It does fail when dumptrace, jq, sqlite3
# or DuckDB fails. Without node or the DuckDB package its row is left out.
#
# usage: bench/analyze.sh
#   BENCH_ANALYZE_PERSONS       --persons of samples/gen (default 22,200,000,
#                               which gives about 16.0M claimed rows)
#   BENCH_ANALYZE_SQLITE_RUNS   runs of the SQLite row (default BENCH_RUNS;
#                               at full size one run takes minutes)
#   BENCH_ANALYZE_DUCKDB_RUNS   runs of the DuckDB row (default BENCH_RUNS)
#   BENCH_BASELINE              another dumptrace binary, run after each run
#                               of $DUMPTRACE on the same dump and library
#                               (A B A B ...); the two medians and
#                               new/baseline ratios are printed
# The generated family is kept in $BENCH_DIR/family-big for the next run
# (about 9 GB at full size: delete it by hand); the library, the converted
# CSVs and the SQLite database are deleted at the end. The SQL script is
# kept in $BENCH_DIR/analyze-sqlite.sql to be read.
. "$(dirname "$0")/lib.sh"
PERSONS=${BENCH_ANALYZE_PERSONS:-22200000}
SQLITE_RUNS=${BENCH_ANALYZE_SQLITE_RUNS:-$BENCH_RUNS}
DUCKDB_RUNS=${BENCH_ANALYZE_DUCKDB_RUNS:-$BENCH_RUNS}
MEMORY=1G   # analyze's default --memory; also SQLite's page cache
BUDGET_MIB=1024
TARGET_S=60
TARGET_MIB=4096
TARGET_RATIO=10
GEN=$TOP/build/samples/gen
FAM=$BENCH_DIR/family-big
LIB=$BENCH_DIR/analyze-lib
CONV=$BENCH_DIR/analyze-csv
DB=$BENCH_DIR/analyze.sqlite
SQL=$BENCH_DIR/analyze-sqlite.sql
SQLOUT=$BENCH_DIR/analyze-sqlite.out
DUCKSQL=$BENCH_DIR/analyze-duckdb.sql
DUCKOUT=$BENCH_DIR/analyze-duckdb.out
DUCKDB_DIR=$PEERS_DIR/duckdb
JSON=$BENCH_DIR/analyze.json
FAIL=$BENCH_DIR/analyze.failed
# the five earlier leaks: name (as in the library and in SQLite) and file
LEAKS="voters_2019:voters_2019.csv shop_2020:shop_2020.sql clinic_2021:clinic_2021.jsonl
telecom_2022:telecom_2022.sql combo_2022:combo_2022.txt"

[ -x "$DUMPTRACE" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
need taskset util-linux || exit 2
need jq || exit 2
need sqlite3 || exit 2
if [ ! -x "$GEN" ]; then
	make -C "$TOP/build" samples/gen >&2 || { echo "bench: cannot build samples/gen" >&2; exit 2; }
fi

cleanup() {
	rm -rf "$LIB" "$LIB.baseline" "$CONV" "$DB" "$DB-journal" "$SQLOUT" "$JSON" "$FAIL" "$JSON.baseline" \
		"$DUCKOUT" "$BENCH_DIR/duckdb.tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# now, elapsed T0 T1: wall-clock seconds with a fraction, for the steps
# run once (generation, conversion, ingest)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", b - a }'; }

# ---------------------------------------------------------------- input
# the family, unless the same one is already there (same --persons, same
# generator binary); the truth files and the control dump are not used
# here and are deleted at once (about 6 GB at full size)
stamp="gen --persons $PERSONS --seed 1 $(cksum <"$GEN")"
if [ "$(cat "$FAM/bench.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "bench: generating a family of $PERSONS persons into $FAM" >&2
	rm -rf "$FAM"
	t0=$(now)
	"$GEN" -q --out "$FAM" --persons "$PERSONS" --seed 1 || { rm -rf "$FAM"; exit 2; }
	t1=$(now)
	rm -rf "$FAM/truth" "$FAM/control_2025.csv"
	elapsed "$t0" "$t1" >"$FAM/bench.gen-seconds"
	echo "$stamp" >"$FAM/bench.stamp"
	GEN_NOTE="generated now"
else
	GEN_NOTE="reused, generated earlier"
fi
CLAIMED=$FAM/claimed_2025.csv
ROWS=$(jq '.dumps[] | select(.name == "claimed_2025") | .rows' "$FAM/family.json")
LEAK_ROWS=$(jq '[.leaks[].rows] | add' "$FAM/family.json")
BYTES=$(stat -c %s "$CLAIMED")
LEAK_BYTES=0
for l in $LEAKS; do
	LEAK_BYTES=$((LEAK_BYTES + $(stat -c %s "$FAM/${l#*:}")))
done
echo "bench: family of $PERSONS persons ($GEN_NOTE in $(cat "$FAM/bench.gen-seconds") s):" \
	"claimed_2025 $ROWS rows, $((BYTES / 1000000)) MB; five earlier leaks" \
	"$LEAK_ROWS rows, $((LEAK_BYTES / 1000000)) MB" >&2

# failed WHAT: stops the benchmark when a run of WHAT left its mark
failed() {
	[ -f "$FAIL" ] || return 0
	echo "bench: $1 failed (exit $(cat "$FAIL")), see its messages above; stopping" >&2
	exit 2
}

# ---------------------------------------------------------------- library
# the known leaks, once, on the same 2 cores; not part of analyze's time
rm -rf "$LIB"
echo "bench: ingesting the five earlier leaks into $LIB" >&2
t0=$(now)
for l in $LEAKS; do
	taskset -c 0,1 "$DUMPTRACE" ingest -q -j 2 --library "$LIB" --name "${l%%:*}" \
		--memory "$MEMORY" --tmpdir "$BENCH_DIR" "$FAM/${l#*:}" ||
		{ echo "bench: dumptrace ingest of ${l#*:} failed" >&2; exit 2; }
done
t1=$(now)
INGEST_S=$(elapsed "$t0" "$t1")
LIB_BYTES=$(du -sb "$LIB" | cut -f1)
# the baseline analyzes a library of its own making (a format it reads,
# its own fingerprints), built the same way
if [ -n "$BENCH_BASELINE" ]; then
	rm -rf "$LIB.baseline"
	echo "bench: ingesting the five earlier leaks with the baseline into $LIB.baseline" >&2
	for l in $LEAKS; do
		taskset -c 0,1 "$BENCH_BASELINE" ingest -q -j 2 --library "$LIB.baseline" \
			--name "${l%%:*}" --memory "$MEMORY" --tmpdir "$BENCH_DIR" "$FAM/${l#*:}" ||
			{ echo "bench: baseline ingest of ${l#*:} failed" >&2; exit 2; }
	done
fi

# ---------------------------------------------------------------- conversion
# sqlite3 reads neither SQL dumps, nor JSON, nor CP1251: dumptrace cat
# turns each leak into UTF-8 CSV, the part a user would script anyway.
# The JSON Lines leak has a varying number of visits per patient, so its
# CSV header changes along the file; jq keeps the patient's columns only.
mkdir -p "$CONV"
echo "bench: converting the five leaks to UTF-8 CSV in $CONV" >&2
t0=$(now)
for l in $LEAKS; do
	name=${l%%:*}; file=$FAM/${l#*:}
	case $file in
	*.jsonl)
		taskset -c 0,1 "$DUMPTRACE" cat -q "$file" | jq -r -n \
			'["patient.iin", "patient.name.last", "patient.name.first", "patient.name.middle",
			  "patient.birth_date", "patient.sex", "phone", "address"] as $c |
			 $c, (inputs | [.[$c[]]]) | @csv' >"$CONV/$name.csv" ;;
	*shop*.sql)
		taskset -c 0,1 "$DUMPTRACE" cat -q --output-format csv --table customers \
			-o "$CONV/$name.csv" "$file" ;;
	*telecom*.sql)
		taskset -c 0,1 "$DUMPTRACE" cat -q --output-format csv --table subscribers \
			-o "$CONV/$name.csv" "$file" ;;
	*)
		taskset -c 0,1 "$DUMPTRACE" cat -q --output-format csv -o "$CONV/$name.csv" "$file" ;;
	esac || { echo "bench: converting $file failed" >&2; exit 2; }
done
t1=$(now)
CONV_S=$(elapsed "$t0" "$t1")
CONV_BYTES=$(du -sb "$CONV" | cut -f1)

# ---------------------------------------------------------------- the SQL
# digits EXPR, phone D: the phone as a user normalizes it in SQLite, which
# has no regexp_replace: strip the characters that occur, then a leading
# 8 of an 11-digit number becomes 7
digits() {
	echo "replace(replace(replace(replace(replace(trim($1), ' ', ''), '(', ''), ')', ''), '-', ''), '+', '')"
}
phone() {
	echo "CASE WHEN length($1) = 11 AND substr($1, 1, 1) = '8' THEN '7' || substr($1, 2) ELSE nullif($1, '') END"
}
email() {
	echo "nullif(lower(trim($1)), '')"
}
iin() {
	echo "nullif(trim($1), '')"
}
cat >"$SQL" <<EOF
-- The obvious alternative to dumptrace analyze (bench/analyze.sh): import
-- the earlier leaks and the claimed dump, normalize the identifiers, index
-- them and count, for the claimed rows, those whose IIN, e-mail or phone is
-- found in each leak. One sqlite3 invocation, a fresh database.
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA cache_size=-$((BUDGET_MIB * 1024));
PRAGMA threads=2;
.mode csv
.import '$CONV/voters_2019.csv' voters_2019
.import '$CONV/shop_2020.csv' shop_2020
.import '$CONV/clinic_2021.csv' clinic_2021
.import '$CONV/telecom_2022.csv' telecom_2022
.import '$CONV/combo_2022.csv' combo_2022
.import '$CLAIMED' claimed

-- normalized identifiers: e-mail lower case, phone digits only with 7 for
-- a leading 8, IIN trimmed; an empty value is NULL and matches nothing
CREATE TABLE voters_2019_n AS SELECT $(iin '"ИИН"') AS iin FROM voters_2019;
CREATE TABLE shop_2020_n AS SELECT email, $(phone d) AS phone
	FROM (SELECT $(email email) AS email, $(digits phone) AS d FROM shop_2020);
CREATE TABLE clinic_2021_n AS SELECT iin, $(phone d) AS phone
	FROM (SELECT $(iin '"patient.iin"') AS iin, $(digits phone) AS d FROM clinic_2021);
CREATE TABLE telecom_2022_n AS SELECT iin, $(phone d) AS phone
	FROM (SELECT $(iin iin) AS iin, $(digits msisdn) AS d FROM telecom_2022);
CREATE TABLE combo_2022_n AS SELECT $(email login) AS email FROM combo_2022;
CREATE TABLE claimed_n AS SELECT rowid AS row, iin, email, $(phone d) AS phone
	FROM (SELECT $(iin iin) AS iin, $(email email) AS email, $(digits phone) AS d FROM claimed);

CREATE INDEX voters_2019_iin ON voters_2019_n(iin);
CREATE INDEX shop_2020_email ON shop_2020_n(email);
CREATE INDEX shop_2020_phone ON shop_2020_n(phone);
CREATE INDEX clinic_2021_iin ON clinic_2021_n(iin);
CREATE INDEX clinic_2021_phone ON clinic_2021_n(phone);
CREATE INDEX telecom_2022_iin ON telecom_2022_n(iin);
CREATE INDEX telecom_2022_phone ON telecom_2022_n(phone);
CREATE INDEX combo_2022_email ON combo_2022_n(email);

-- per claimed row, whether an identifier of it is in each leak; then the
-- rows counted by the combination of leaks they are found in (32 at most)
.mode tabs
.once '$SQLOUT'
WITH flags AS MATERIALIZED (
	SELECT
		EXISTS (SELECT 1 FROM voters_2019_n l WHERE l.iin = c.iin) AS voters_2019,
		EXISTS (SELECT 1 FROM shop_2020_n l WHERE l.email = c.email)
			OR EXISTS (SELECT 1 FROM shop_2020_n l WHERE l.phone = c.phone) AS shop_2020,
		EXISTS (SELECT 1 FROM clinic_2021_n l WHERE l.iin = c.iin)
			OR EXISTS (SELECT 1 FROM clinic_2021_n l WHERE l.phone = c.phone) AS clinic_2021,
		EXISTS (SELECT 1 FROM telecom_2022_n l WHERE l.iin = c.iin)
			OR EXISTS (SELECT 1 FROM telecom_2022_n l WHERE l.phone = c.phone) AS telecom_2022,
		EXISTS (SELECT 1 FROM combo_2022_n l WHERE l.email = c.email) AS combo_2022
	FROM claimed_n c
)
SELECT voters_2019, shop_2020, clinic_2021, telecom_2022, combo_2022, count(*)
FROM flags
GROUP BY 1, 2, 3, 4, 5;
EOF

# DuckDB: the same normalization (the same expressions: DuckDB has every
# function they use), the same per-row EXISTS flags, grouped the same way
DUCK=""
if need node nodejs && [ -d "$DUCKDB_DIR/node_modules/@duckdb/node-api" ]; then
	DUCK=1
else
	[ -z "$(command -v node)" ] || echo "bench: DuckDB is not installed (bench/peers.sh); its row is left out" >&2
fi
csv() {
	echo "read_csv('$1', header = true, all_varchar = true)"
}
cat >"$DUCKSQL" <<EOF
-- bench/analyze.sh: the SQLite script's joins in DuckDB, run by
-- bench/duckdb-run.cjs with 2 threads and a 1 GB memory limit.
SET preserve_insertion_order = false;
CREATE TABLE voters_2019_n AS SELECT $(iin '"ИИН"') AS iin FROM $(csv "$CONV/voters_2019.csv");
CREATE TABLE shop_2020_n AS SELECT email, $(phone d) AS phone
	FROM (SELECT $(email email) AS email, $(digits phone) AS d FROM $(csv "$CONV/shop_2020.csv"));
CREATE TABLE clinic_2021_n AS SELECT iin, $(phone d) AS phone
	FROM (SELECT $(iin '"patient.iin"') AS iin, $(digits phone) AS d FROM $(csv "$CONV/clinic_2021.csv"));
CREATE TABLE telecom_2022_n AS SELECT iin, $(phone d) AS phone
	FROM (SELECT $(iin iin) AS iin, $(digits msisdn) AS d FROM $(csv "$CONV/telecom_2022.csv"));
CREATE TABLE combo_2022_n AS SELECT $(email login) AS email FROM $(csv "$CONV/combo_2022.csv");
CREATE TABLE claimed_n AS SELECT iin, email, $(phone d) AS phone
	FROM (SELECT $(iin iin) AS iin, $(email email) AS email, $(digits phone) AS d FROM $(csv "$CLAIMED"));
COPY (
	SELECT
		CAST(EXISTS (SELECT 1 FROM voters_2019_n l WHERE l.iin = c.iin) AS INTEGER) AS voters_2019,
		CAST(EXISTS (SELECT 1 FROM shop_2020_n l WHERE l.email = c.email)
			OR EXISTS (SELECT 1 FROM shop_2020_n l WHERE l.phone = c.phone) AS INTEGER) AS shop_2020,
		CAST(EXISTS (SELECT 1 FROM clinic_2021_n l WHERE l.iin = c.iin)
			OR EXISTS (SELECT 1 FROM clinic_2021_n l WHERE l.phone = c.phone) AS INTEGER) AS clinic_2021,
		CAST(EXISTS (SELECT 1 FROM telecom_2022_n l WHERE l.iin = c.iin)
			OR EXISTS (SELECT 1 FROM telecom_2022_n l WHERE l.phone = c.phone) AS INTEGER) AS telecom_2022,
		CAST(EXISTS (SELECT 1 FROM combo_2022_n l WHERE l.email = c.email) AS INTEGER) AS combo_2022,
		count(*)
	FROM claimed_n c
	GROUP BY ALL
) TO '$DUCKOUT' (FORMAT csv, DELIMITER '\t', HEADER false);
EOF

# warm the page cache: the dump, the converted leaks, the library
cat "$CLAIMED" "$CONV"/*.csv >/dev/null
START_LOAD=$(load_avg)
echo "bench: $(nproc) cores; median of $BENCH_RUNS runs (SQLite: $SQLITE_RUNS); $START_LOAD" >&2

# ---------------------------------------------------------------- runs
# With BENCH_BASELINE, the baseline binary analyzes the same dump against
# its own library (LIB.baseline, built above) after each dumptrace run,
# writing its own JSON (JSON.baseline: @SFX@, see measure_dt in lib.sh).
L_DT="dumptrace analyze -j 2"
rm -f "$FAIL"
measure_dt "$L_DT" "$BYTES" sh -c 'taskset -c 0,1 "$1" analyze -q -j 2 --library "$2" \
		--tmpdir "$3" --json "$4" "$5" ||
	{ rc=$?; echo $rc >"$6"; exit $((rc > 1 ? rc : 2)); }' \
	sh @DT@ "$LIB@SFX@" "$BENCH_DIR" "$JSON@SFX@" "$CLAIMED" "$FAIL"
failed "dumptrace analyze"

# SQLite: a fresh database each run (its rm is inside the timed command)
L_SQL="sqlite3 import + normalize + index + join"
runs=$BENCH_RUNS; BENCH_RUNS=$SQLITE_RUNS
measure "$L_SQL" "$BYTES" sh -c 'rm -f "$1" &&
	SQLITE_TMPDIR="$3" taskset -c 0,1 sqlite3 -bail "$1" <"$2" ||
	{ rc=$?; echo $rc >"$4"; exit $((rc > 1 ? rc : 2)); }' \
	sh "$DB" "$SQL" "$BENCH_DIR" "$FAIL"
BENCH_RUNS=$runs
failed "sqlite3"

# DuckDB: a fresh in-memory database each run, its spill in $BENCH_DIR
L_DUCK="duckdb read_csv + normalize + join"
if [ -n "$DUCK" ]; then
	runs=$BENCH_RUNS; BENCH_RUNS=$DUCKDB_RUNS
	mkdir -p "$BENCH_DIR/duckdb.tmp"
	measure "$L_DUCK" "$BYTES" sh -c 'taskset -c 0,1 node "$1" "$2" 2 "$3" "$4" "$5" ||
		{ rc=$?; echo $rc >"$6"; exit $((rc > 1 ? rc : 2)); }' \
		sh "$TOP/bench/duckdb-run.cjs" "$DUCKDB_DIR" "${BUDGET_MIB}MB" "$BENCH_DIR/duckdb.tmp" "$DUCKSQL" "$FAIL"
	BENCH_RUNS=$runs
	failed "duckdb"
fi

echo
echo "analyze: claimed_2025 $ROWS rows, $((BYTES / 1000000)) MB, against 5 leaks of $LEAK_ROWS rows;" \
	"2 cores ($(nproc) on the machine); at the start $START_LOAD"
report "$L_DT"
report_ab "$L_DT"

# ---------------------------------------------------------------- figures
t_dt=$(result "$L_DT" 2)
rss_dt=$(result "$L_DT" 4)
t_sql=$(result "$L_SQL" 2)
echo
echo "family: $PERSONS persons, $GEN_NOTE in $(cat "$FAM/bench.gen-seconds") s (samples/gen, one core);" \
	"claimed_2025 $ROWS rows, $((BYTES / 1000000)) MB; earlier leaks $LEAK_ROWS rows, $((LEAK_BYTES / 1000000)) MB:"
jq -r '.leaks[] | "  \(.name) \(.rows) rows (\(.format), \(.encoding))"' "$FAM/family.json"
echo "library (ingest of the five leaks, once, -j 2, untimed above): $INGEST_S s, $((LIB_BYTES / 1000000)) MB on disk"
echo "conversion of the five leaks to UTF-8 CSV for SQLite (dumptrace cat, jq for the JSON; untimed above):" \
	"$CONV_S s, $((CONV_BYTES / 1000000)) MB"
[ -f "$DB" ] && echo "sqlite3 database of the last run, with its 8 indexes: $(($(stat -c %s "$DB") / 1000000)) MB"
echo "SQL: $SQL"
[ -z "$DUCK" ] || echo "DuckDB $(node -p "require('$DUCKDB_DIR/node_modules/@duckdb/node-api/package.json').version" 2>/dev/null): $DUCKSQL"

echo
jq -r --arg rows "$ROWS" '"check: records \(.records.total), parsed \(.records.parsed), rejected \(.records.rejected): " +
	(if .records.total == ($rows | tonumber) and .records.rejected == 0 then "OK" else "DIFFERENT" end)' "$JSON"
if [ -f "$DB" ]; then
	n=$(sqlite3 "$DB" 'SELECT count(*) FROM claimed')
	echo "check: sqlite3 claimed rows $n: $([ "$n" = "$ROWS" ] && echo OK || echo DIFFERENT)"
fi
if [ -n "$BENCH_BASELINE" ]; then
	echo "check: the baseline's analyze --json: $(cmp -s "$JSON" "$JSON.baseline" && echo byte-identical || echo DIFFERENT)"
fi
jq -r '"verdict: \(.verdict.label), known fraction \(.verdict.known_fraction)",
	"status counts: " + (.status_counts | to_entries | map("\(.key) \(.value)") | join(", "))' "$JSON"

# rows found per leak: SQLite's flags summed from its GROUP BY, beside
# dumptrace's records_matched (not with BENCH_ANALYZE_SQLITE_RUNS=0)
if [ -f "$SQLOUT" ]; then
echo
jq -r '.leaks[] | "\(.name)\t\(.records_matched)"' "$JSON" >"$BENCH_DIR/analyze-leaks.tsv"
awk -F'\t' '
NR == FNR { dt[$1] = $2; next }
{
	split("voters_2019 shop_2020 clinic_2021 telecom_2022 combo_2022", name, " ")
	k = 0
	for (i = 1; i <= 5; i++) {
		if ($i) { found[name[i]] += $6; k++ }
	}
	if (k == 0) none += $6; else if (k == 1) one += $6; else several += $6
	total += $6
}
END {
	printf "%-14s %16s %18s\n", "rows found in", "sqlite3 (ids)", "dumptrace matched"
	for (i = 1; i <= 5; i++)
		printf "%-14s %16d %18d\n", name[i], found[name[i]], dt[name[i]]
	printf "sqlite3: %d rows, %d in no leak, %d in one, %d in several\n", total, none, one, several
}' "$BENCH_DIR/analyze-leaks.tsv" "$SQLOUT"
rm -f "$BENCH_DIR/analyze-leaks.tsv"
fi
if [ -n "$DUCK" ] && [ -f "$SQLOUT" ]; then
	sort "$SQLOUT" >"$SQLOUT.sorted"
	sort "$DUCKOUT" >"$DUCKOUT.sorted"
	echo "check: DuckDB's counts by combination of leaks against SQLite's:" \
		"$(cmp -s "$SQLOUT.sorted" "$DUCKOUT.sorted" && echo identical || echo DIFFERENT)"
	rm -f "$SQLOUT.sorted" "$DUCKOUT.sorted"
fi
echo "(they differ: SQLite matches the IIN, e-mail and phone strings only; dumptrace also counts" \
	"a row for a leak by its names, dates, addresses and associations, typed and normalized)"

# ---------------------------------------------------------------- targets
echo
t_duck=$(result "$L_DUCK" 2)
awk -v rows="$ROWS" -v bytes="$BYTES" -v t="$t_dt" -v rss="$rss_dt" -v ts="$t_sql" -v td="$t_duck" \
	-v ti="$INGEST_S" -v tc="$CONV_S" -v ttarget="$TARGET_S" -v mtarget="$TARGET_MIB" \
	-v rtarget="$TARGET_RATIO" 'BEGIN {
	printf "dumptrace median run: %.0f rows/s, %.1f MB/s\n", rows / t, bytes / 1e6 / t
	printf "time %.2f s (target: under %d s)\n", t, ttarget
	printf "peak RSS %.1f MiB (target: under %d MiB): %.2f of it\n", rss / 1024, mtarget, rss / 1024 / mtarget
	if (ts != "") {
		printf "sqlite3 time / dumptrace time: %.2fx (target: at least %dx)\n", ts / t, rtarget
		printf "with the library built in the same run: sqlite3 / (ingest + analyze) %.2fx;" \
			" with the CSV conversion added to sqlite3: %.2fx\n", ts / (ti + t), (ts + tc) / (ti + t)
	}
	if (td != "") {
		printf "duckdb time / dumptrace time: %.2fx (target: at least 5x)\n", td / t
		printf "duckdb / (ingest + analyze): %.2fx (target: at least 2x); with the CSV conversion added" \
			" to duckdb: %.2fx\n", td / (ti + t), (td + tc) / (ti + t)
	}
}'
