#!/bin/sh
# Archives of many tiny members (issue 18): ingest, sniff and analyze of a
# .tar.gz of 10,000, 100,000 and 300,000 one-record CSV members; the time
# and peak memory of each, and the time per member, which should stay flat
# (it was quadratic: 300,000 members took ingest 495 s and 2.4 GB).
# BENCH_BASELINE=BIN runs another build beside it.
#
# usage: bench/archives.sh   (BENCH_MEMBERS: the sizes, default "10000 100000 300000")
. "$(dirname "$0")/lib.sh"
need python3 || exit 2
SIZES=${BENCH_MEMBERS:-10000 100000 300000}
for n in $SIZES; do
	f=$BENCH_DIR/members-$n.tar.gz
	[ -s "$f" ] || python3 - "$n" "$f" <<'PY' || exit 2
import io, sys, tarfile
n, out = int(sys.argv[1]), sys.argv[2]
with tarfile.open(out, "w:gz", compresslevel=1) as t:
    for i in range(n):
        d = ("iin;name\n%d;P%d\n" % (900101300017 + 13 * i, i)).encode()
        ti = tarfile.TarInfo("m/%d.csv" % i)
        ti.size = len(d)
        t.addfile(ti, io.BytesIO(d))
PY
done
echo "archives: $(nproc) cores; members of one record each; median of $BENCH_RUNS runs"
printf '%-10s %-9s %-10s %10s %10s %12s\n' members build step seconds "peak MiB" "us/member"
bins="$DUMPTRACE"
[ -n "$BENCH_BASELINE" ] && bins="$bins $BENCH_BASELINE"
for n in $SIZES; do
	f=$BENCH_DIR/members-$n.tar.gz
	for bin in $bins; do
		b=new; [ "$bin" = "$DUMPTRACE" ] || b=baseline
		for step in ingest sniff analyze; do
			times= rss=0
			i=0
			while [ $i -lt "$BENCH_RUNS" ]; do
				rm -rf "$BENCH_DIR/members-lib-$b"
				case $step in
				ingest) label="ingest $n" run_timed "$bin" ingest -q --library "$BENCH_DIR/members-lib-$b" --name m "$f" ;;
				sniff) label="sniff $n" run_timed "$bin" sniff "$f" ;;
				analyze)
					"$bin" ingest -q --library "$BENCH_DIR/members-lib-$b" --name m "$f" >/dev/null 2>&1
					label="analyze $n" run_timed "$bin" analyze -q --library "$BENCH_DIR/members-lib-$b" --json /dev/null "$f" ;;
				esac
				times="$times $T"
				[ "$M" -gt "$rss" ] && rss=$M
				i=$((i + 1))
			done
			med=$(printf '%s\n' $times | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
			printf '%-10s %-9s %-10s %10.2f %10.1f %12.1f\n' "$n" "$b" "$step" "$med" "$(echo "$rss" | awk '{print $1 / 1024}')" \
				"$(awk -v t="$med" -v n="$n" 'BEGIN {print t * 1e6 / n}')"
		done
	done
done
rm -rf "$BENCH_DIR"/members-lib-*
