#!/bin/sh
# Benchmark of issue 14's readers: SQLite databases, Excel xlsx and xls,
# MongoDB BSON, pg_dump -Fc and -Ft archives, JSON objects of tables and
# word lists. Each reads a file of at least MB megabytes (default 210;
# xls: XLS_MB, default 64, the most FreeXL reads, see below),
# one core, warm page cache, beside wc -l on the same file and beside the
# CSV reader on the same rows exported as CSV (gen-dump csv; for the word
# list, the list as a one-column CSV). The rows of each file are made from
# that CSV by bench/gen-formats.py (and tests/fuzz/gen-pgdump.py), so
# before timing one untimed run checks that the reader gives the CSV's
# records value for value (BSON: its count; its dates and _id differ by
# design). Figures only: nothing fails on time.
#
# usage: bench/formats.sh [MB] [FORMAT...]
#   FORMAT: sqlite xlsx xls bson pgdump-custom pgdump-tar json-tables lines
# Needs python3 (Debian's, with python3-xlwt for xls) and jq. Generating
# the inputs takes a few minutes; they are kept in $BENCH_DIR with a
# stamp and reused. Deleted at the end unless BENCH_KEEP=1.
. "$(dirname "$0")/lib.sh"
MB=${1:-210}
[ $# -gt 0 ] && shift
ONLY=${*:-sqlite xlsx xls bson pgdump-custom pgdump-tar json-tables lines}
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

[ -x "$DUMPTRACE" ] || { echo "bench: build first (scripts/setup.sh)" >&2; exit 2; }
need taskset util-linux || exit 2
need jq || exit 2
gen_dump_build
GENF=$TOP/bench/gen-formats.py
GENPG=$TOP/tests/fuzz/gen-pgdump.py

# FreeXL 1.0.6 opens an xlwt workbook of 83 MB (1.3M shared strings) and
# then reads nothing of it; 68 MB it reads. The xls file is made this big.
XLS_MB=${XLS_MB:-64}

# rows_for KIND: rows of gen-dump csv that make a KIND file of $MB MB
# (xls: $XLS_MB at most), from a 20,000-row sample converted to KIND.
rows_for() {
	s=$BENCH_DIR/formats-sample
	mb=$MB
	[ "$1" = xls ] && [ "$XLS_MB" -lt "$mb" ] && mb=$XLS_MB
	"$GEN_DUMP" csv 20000 2>/dev/null >"$s.csv"
	convert "$1" "$s.csv" "$s.$1" >/dev/null 2>&1 || { echo 0; return; }
	stat -c %s "$s.$1" | awk -v mb="$mb" '{ printf "%d\n", mb * 1e6 * 20000 / $1 + 1 }'
	rm -f "$s".*
}

# convert KIND CSV OUT
convert() {
	case $1 in
	pgdump-custom)
		"$PY" "$GENF" copy "$2" "$3.copy" && "$PY" "$GENPG" "$3" --copy "$3.copy" --codec gzip
		rc=$?; rm -f "$3.copy"; return $rc ;;
	pgdump-tar)
		"$PY" "$GENF" copy "$2" "$3.copy" && "$PY" "$GENPG" "$3" --copy "$3.copy" --tar --codec none
		rc=$?; rm -f "$3.copy"; return $rc ;;
	json-tables) "$PY" "$GENF" tables "$2" "$3" ;;
	*) "$PY" "$GENF" "$1" "$2" "$3" ;;
	esac
}

# records FILE: its records without _input and _table, as one digest
records() {
	"$DUMPTRACE" cat -q "$@" 2>/dev/null | sed 's/^{"_input":"[^"]*","_table":[^,]*,/{/' | md5sum
}

echo "bench: $(nproc) cores; each file at least $MB MB; median of $BENCH_RUNS runs; $(load_avg)" >&2
CHECKS=""
rm -f "$BENCH_DIR/formats.meta"
for kind in $ONLY; do
	file=$BENCH_DIR/formats-$kind.in
	csv=$BENCH_DIR/formats-$kind.csv
	if [ "$kind" = lines ]; then
		# a password list: the passwords of gen-dump's combo list
		rows=$("$GEN_DUMP" combo 200000 2>/dev/null | cut -d: -f2- | wc -c |
			awk -v mb="$MB" '{ printf "%d\n", mb * 1e6 * 200000 / $1 + 1 }')
	else
		rows=$(rows_for "$kind")
	fi
	[ "$rows" -gt 0 ] || { echo "bench: cannot make $kind (see gen-formats.py); left out" >&2; continue; }
	stamp="$kind $rows $(cat "$TOP/bench/gen-dump.c" "$GENF" "$GENPG" | cksum)"
	if [ ! -f "$file" ] || [ "$(cat "$file.stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "bench: generating $rows rows as $kind into $file" >&2
		if [ "$kind" = lines ]; then
			"$GEN_DUMP" combo "$rows" 2>/dev/null | cut -d: -f2- >"$file" &&
				"$PY" "$GENF" lines "$file" "$csv" || exit 2
			rows=$(grep -c . "$file")
		else
			"$GEN_DUMP" csv "$rows" 2>/dev/null >"$csv" && rm -f "$file" &&
				convert "$kind" "$csv" "$file" || exit 2
		fi
		echo "$stamp" >"$file.stamp"
	fi
	[ "$kind" = lines ] && rows=$(grep -c . "$file")
	fbytes=$(stat -c %s "$file") # not "bytes": measure() sets that
	cbytes=$(stat -c %s "$csv")
	cat "$file" "$csv" >/dev/null # warm the page cache

	# the untimed check: every row read, the same values as the CSV's
	got=$("$DUMPTRACE" sniff --json "$file" 2>/dev/null |
		jq -r '[.inputs[].records.parsed] | add | tostring' 2>/dev/null)
	got="$got $("$DUMPTRACE" sniff --json "$file" 2>/dev/null |
		jq -r '[.inputs[].records.rejected] | add | tostring' 2>/dev/null)"
	same=""
	case $kind in
	bson) same="(values: BSON dates and _id by design differ from the CSV's)" ;;
	*) if [ "$(records "$file")" = "$(records --format csv "$csv")" ]; then
		same="and the same values as the CSV's"
	   else
		same="but NOT the same values as the CSV's"
	   fi ;;
	esac
	if [ "$got" = "$rows 0" ]; then
		CHECKS="$CHECKS
check: $kind: $rows rows made, $rows read, 0 rejected, $same: OK"
	else
		CHECKS="$CHECKS
check: $kind: $rows rows made; read and rejected: ${got:-no answer}; $same: DIFFERENT"
	fi

	measure "$kind: wc -l" "$fbytes" taskset -c 0 wc -l "$file"
	measure "$kind: reader" "$fbytes" taskset -c 0 "$DUMPTRACE" sniff -q "$file"
	measure "$kind: wc -l csv" "$cbytes" taskset -c 0 wc -l "$csv"
	measure "$kind: csv reader" "$cbytes" taskset -c 0 "$DUMPTRACE" sniff -q --format csv "$csv"
	echo "$kind $fbytes $cbytes $rows" >>"$BENCH_DIR/formats.meta"
done

echo
echo "issue 14's readers on one core (taskset -c 0), warm cache; $(load_avg)"
echo "file: the format's own file; csv: the same rows as CSV; time ratio: reader / CSV reader"
awk -F'\t' '
	FILENAME == ARGV[1] { split($0, m, " "); rows[m[1]] = m[4]; order[++n] = m[1]; next }
	{ split($1, p, ": "); t[p[1], p[2]] = $2; b[p[1], p[2]] = $3; rss[p[1], p[2]] = $4 }
	END {
		printf "%-14s %8s %10s %8s %9s %9s %8s %9s %8s %8s %8s\n", "format", "file MB", "rows",
			"wc MB/s", "read MB/s", "Mrows/s", "csv MB", "csv MB/s", "wc csv", "ratio", "peak MiB"
		for (i = 1; i <= n; i++) {
			f = order[i]
			fb = b[f, "reader"]; cb = b[f, "csv reader"]
			rd = t[f, "reader"]; cr = t[f, "csv reader"]; w = t[f, "wc -l"]; wc = t[f, "wc -l csv"]
			wmb = (w > 0) ? fb / 1e6 / w : 0
			rmb = (rd > 0) ? fb / 1e6 / rd : 0
			rrs = (rd > 0) ? rows[f] / 1e6 / rd : 0
			cmb = (cr > 0) ? cb / 1e6 / cr : 0
			wcmb = (wc > 0) ? cb / 1e6 / wc : 0
			ratio = (cr > 0) ? rd / cr : 0
			printf "%-14s %8.0f %10d %8.0f %9.1f %9.2f %8.0f %9.1f %8.0f %7.2fx %8.1f\n", f,
				fb / 1e6, rows[f], wmb, rmb, rrs, cb / 1e6, cmb, wcmb, ratio, rss[f, "reader"] / 1024
		}
	}' "$BENCH_DIR/formats.meta" "$BENCH_DIR/results.tsv"
rm -f "$BENCH_DIR/formats.meta"
echo "$CHECKS"
if [ "${BENCH_KEEP:-0}" != 1 ]; then
	for kind in $ONLY; do
		rm -f "$BENCH_DIR/formats-$kind.in" "$BENCH_DIR/formats-$kind.in.stamp" "$BENCH_DIR/formats-$kind.csv"
	done
fi
