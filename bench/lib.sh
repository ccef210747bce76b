# Shared helpers for the benchmarks: timing with medians, peak memory,
# and a side-by-side table with ratios; the input generator (gen-dump.c)
# and the peers built by peers.sh. Benchmarks print figures; they never
# pass or fail on a time (these machines are noisy).
set -u
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "$0")" && pwd)/work}
TOP=$(cd "$(dirname "$0")/.." && pwd)
DUMPTRACE=${DUMPTRACE:-$TOP/build/dumptrace}
mkdir -p "$BENCH_DIR"
: >"$BENCH_DIR/results.tsv"

need() { # need COMMAND [DEBIAN-PACKAGE]
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "bench: $1 is missing (apt-get install ${2:-$1}); its row is left out" >&2
	return 1
}

# measure LABEL BYTES COMMAND...: runs COMMAND $BENCH_RUNS times (output
# discarded), records the median wall time and the largest peak RSS.
measure() {
	label=$1; bytes=$2; shift 2
	times=""; rss=0
	i=0
	while [ $i -lt "$BENCH_RUNS" ]; do
		/usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.out" "$@" >/dev/null 2>"$BENCH_DIR/err.out"
		rc=$?
		if [ $rc -gt 1 ]; then
			echo "bench: '$label' failed (exit $rc):" >&2; tail -3 "$BENCH_DIR/err.out" >&2
		fi
		# GNU time puts "Command exited with non-zero status N" first when it failed
		tail -n 1 "$BENCH_DIR/time.out" >"$BENCH_DIR/time.last"
		read -r t m <"$BENCH_DIR/time.last"
		times="$times $t"
		[ "$m" -gt "$rss" ] && rss=$m
		i=$((i + 1))
	done
	med=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$med" "$bytes" "$rss" "$times" >>"$BENCH_DIR/results.tsv"
	printf '  %-44s %8.2f s  (runs:%s)\n' "$label" "$med" "$times" >&2
}

# report REFERENCE-LABEL: the table, with each row's time as a ratio of
# the reference row's (>1: slower than the reference).
report() {
	ref=$1
	awk -F'\t' -v ref="$ref" '
	{ label[NR]=$1; t[NR]=$2; b[NR]=$3; m[NR]=$4; if ($1 == ref) rt = $2 }
	END {
		printf "%-44s %9s %10s %11s %12s\n", "command", "median s", "MB/s", "peak MiB", "time ratio"
		for (i = 1; i <= NR; i++) {
			mbs = t[i] > 0 ? b[i] / 1e6 / t[i] : 0
			r = rt > 0 ? t[i] / rt : 0
			printf "%-44s %9.2f %10.1f %11.1f %11.2fx\n", label[i], t[i], mbs, m[i] / 1024, r
		}
	}' "$BENCH_DIR/results.tsv"
}

# results_reset: starts a new table (report reads what measure wrote since).
results_reset() {
	: >"$BENCH_DIR/results.tsv"
}

# load_avg: the load average now, for the record (shared machines).
load_avg() {
	uptime | sed 's/.*\(load average\)/\1/'
}

# gen_dump_build: compiles bench/gen-dump.c (the fast generator of big
# inputs) into $BENCH_DIR when missing or older than its source; sets
# GEN_DUMP to it.
gen_dump_build() {
	GEN_DUMP=$BENCH_DIR/gen-dump
	_src=$TOP/bench/gen-dump.c
	if [ ! -x "$GEN_DUMP" ] || [ "$_src" -nt "$GEN_DUMP" ]; then
		${CC:-cc} -O2 -o "$GEN_DUMP" "$_src" || { echo "bench: cannot compile $_src" >&2; exit 2; }
	fi
}

# peer NAME: prints the path of a peer program built by bench/peers.sh
# ($PEERS_DIR/NAME/NAME) or found on PATH; else says so and fails, and
# the caller leaves its row out.
PEERS_DIR=${PEERS_DIR:-/work/peers}
peer() {
	if [ -x "$PEERS_DIR/$1/$1" ]; then
		echo "$PEERS_DIR/$1/$1"
	elif command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
	else
		echo "bench: $1 is not built (bench/peers.sh); its row is left out" >&2
		return 1
	fi
}

# result LABEL FIELD: a figure of a measured row (2 median s, 3 bytes,
# 4 peak KiB), empty when the row was not measured.
result() {
	awk -F'\t' -v l="$1" -v f="$2" '$1 == l { v = $f } END { print v }' "$BENCH_DIR/results.tsv"
}
