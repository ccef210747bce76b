# Shared helpers for the benchmarks: timing with medians, peak memory,
# and a side-by-side table with ratios; the input generator (gen-dump.c)
# and the peers built by peers.sh. Benchmarks print figures; they never
# pass or fail on a time (these machines are noisy).
set -u
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "$0")" && pwd)/work}
TOP=$(cd "$(dirname "$0")/.." && pwd)
DUMPTRACE=${DUMPTRACE:-$TOP/build/dumptrace}
# the bench libraries' keys beside them, not in the user's key directory
DUMPTRACE_KEY_DIR=${DUMPTRACE_KEY_DIR:-$BENCH_DIR/keys}
export DUMPTRACE_KEY_DIR
mkdir -p "$BENCH_DIR"
: >"$BENCH_DIR/results.tsv"

need() { # need COMMAND [DEBIAN-PACKAGE]
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "bench: $1 is missing (apt-get install ${2:-$1}); its row is left out" >&2
	return 1
}

# run_timed COMMAND...: one run of COMMAND (output discarded) under
# /usr/bin/time; sets T (wall seconds) and M (peak RSS in KiB). $label
# names it in the message when it fails.
run_timed() {
	/usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.out" "$@" >/dev/null 2>"$BENCH_DIR/err.out"
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "bench: '$label' failed (exit $rc):" >&2; tail -3 "$BENCH_DIR/err.out" >&2
	fi
	# GNU time puts "Command exited with non-zero status N" first when it failed
	tail -n 1 "$BENCH_DIR/time.out" >"$BENCH_DIR/time.last"
	read -r T M <"$BENCH_DIR/time.last"
}

# record LABEL BYTES PEAK-KIB TIMES: adds a measured row to the table
# (the median of TIMES) and prints it on stderr.
record() {
	med=$(printf '%s\n' $4 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$med" "$2" "$3" "$4" >>"$BENCH_DIR/results.tsv"
	printf '  %-44s %8.2f s  (runs:%s)\n' "$1" "$med" "$4" >&2
}

# measure LABEL BYTES COMMAND...: runs COMMAND $BENCH_RUNS times (output
# discarded), records the median wall time and the largest peak RSS.
measure() {
	label=$1; bytes=$2; shift 2
	times=""; rss=0
	i=0
	while [ $i -lt "$BENCH_RUNS" ]; do
		run_timed "$@"
		times="$times $T"
		[ "$M" -gt "$rss" ] && rss=$M
		i=$((i + 1))
	done
	record "$label" "$bytes" "$rss" "$times"
}

# BENCH_BASELINE: another dumptrace binary (say, the build of the commit
# before a change) to run beside $DUMPTRACE on the same input.
BENCH_BASELINE=${BENCH_BASELINE:-}
if [ -n "$BENCH_BASELINE" ] && [ ! -x "$BENCH_BASELINE" ]; then
	echo "bench: BENCH_BASELINE '$BENCH_BASELINE' is not an executable" >&2
	exit 2
fi

# run_dt BIN SUFFIX COMMAND...: run_timed COMMAND with every "@DT@" in its
# arguments replaced by BIN and every "@SFX@" by SUFFIX (so that each
# binary writes its own outputs: "$LIB@SFX@").
run_dt() {
	_bin=$1; _sfx=$2; shift 2
	_n=$#
	while [ "$_n" -gt 0 ]; do
		_arg=$1; shift
		case $_arg in
		*@DT@* | *@SFX@*)
			_arg=$(printf '%s\n' "$_arg" | sed "s|@DT@|$_bin|g; s|@SFX@|$_sfx|g") ;;
		esac
		set -- "$@" "$_arg"
		_n=$((_n - 1))
	done
	run_timed "$@"
}

# measure_dt LABEL BYTES COMMAND...: measure for a command of dumptrace,
# written with @DT@ for the binary and @SFX@ in the names of its outputs
# (see run_dt). Without BENCH_BASELINE it is measure of COMMAND with
# @DT@ = $DUMPTRACE and @SFX@ empty. With it, each of the $BENCH_RUNS
# rounds runs $DUMPTRACE then the baseline (A B A B ...: both see the
# same machine load and page cache), the baseline with @SFX@ = .baseline,
# and two rows are recorded: LABEL and "LABEL (baseline)"; report_ab
# prints them side by side.
measure_dt() {
	label0=$1; bytes=$2; shift 2
	times=""; rss=0; btimes=""; brss=0
	i=0
	while [ $i -lt "$BENCH_RUNS" ]; do
		label=$label0
		run_dt "$DUMPTRACE" "" "$@"
		times="$times $T"
		[ "$M" -gt "$rss" ] && rss=$M
		if [ -n "$BENCH_BASELINE" ]; then
			label="$label0 (baseline)"
			run_dt "$BENCH_BASELINE" .baseline "$@"
			btimes="$btimes $T"
			[ "$M" -gt "$brss" ] && brss=$M
		fi
		i=$((i + 1))
	done
	record "$label0" "$bytes" "$rss" "$times"
	[ -n "$BENCH_BASELINE" ] && record "$label0 (baseline)" "$bytes" "$brss" "$btimes"
	label=$label0
}

# report_ab LABEL: with BENCH_BASELINE, dumptrace's row LABEL beside the
# baseline's ("LABEL (baseline)"): medians of time, MB/s and peak memory,
# and each as a ratio new/baseline (time and memory: below 1 is better;
# MB/s: above 1 is better). Nothing without BENCH_BASELINE.
report_ab() {
	[ -n "$BENCH_BASELINE" ] || return 0
	echo
	echo "new vs baseline, interleaved runs (A B A B ...), $BENCH_RUNS each:"
	echo "  new:      $DUMPTRACE ($("$DUMPTRACE" --version 2>&1 | head -n 1))"
	echo "  baseline: $BENCH_BASELINE ($("$BENCH_BASELINE" --version 2>&1 | head -n 1))"
	awk -F'\t' -v a="$1" -v b="$1 (baseline)" '
	$1 == a { ta = $2; ma = $4; by = $3; ra = $5 }
	$1 == b { tb = $2; mb = $4; rb = $5 }
	END {
		if (ta == "" || tb == "") { print "  (not measured)"; exit }
		sa = (ta > 0 ? by / 1e6 / ta : 0); sb = (tb > 0 ? by / 1e6 / tb : 0)
		printf "  %-12s %12s %12s %14s\n", "", "new", "baseline", "new/baseline"
		printf "  %-12s %12.2f %12.2f %13.3fx\n", "median s", ta, tb, (tb > 0 ? ta / tb : 0)
		printf "  %-12s %12.1f %12.1f %13.3fx\n", "MB/s", sa, sb, (sb > 0 ? sa / sb : 0)
		printf "  %-12s %12.1f %12.1f %13.3fx\n", "peak MiB", ma / 1024, mb / 1024, (mb > 0 ? ma / mb : 0)
		printf "  runs (s): new%s; baseline%s\n", ra, rb
	}' "$BENCH_DIR/results.tsv"
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
