#!/bin/sh
# Benchmark and fault run of `dumptrace serve` on loopback (issue 16),
# bounded in count and time: the sample family's five leaks in a library;
# wrk (Debian's) at 64 connections for at least 100,000 account lookups
# (found and not found); 10,000 random requests (junk bytes, bad methods,
# long paths, cut-off headers), each answered or closed, and the server
# still answering after; an ingest committing during a load run (no error,
# the leak seen after); the server killed (SIGKILL) and restarted in the
# middle of a load run; the private lookup's evaluations, buckets and whole
# lookups, and what --private-lookup costs an ingest. Figures only:
# requests/s, p50/p99, errors.
#
# usage: bench/serve.sh   (BENCH_SERVE_SECONDS: each wrk run, default 15)
. "$(dirname "$0")/lib.sh"
need wrk || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
SECS=${BENCH_SERVE_SECONDS:-15}
LIB=$BENCH_DIR/serve-lib
FAM=$TOP/samples/family
mkdir -p "$BENCH_DIR"
rm -rf "$LIB"
for l in shop_2020.sql clinic_2021.jsonl telecom_2022.sql combo_2022.txt; do
	"$DUMPTRACE" ingest -q --library "$LIB" --name "${l%.*}" "$FAM/$l" || exit 2
done
EMAIL=$(sed -n 3p "$FAM/combo_2022.txt" | cut -d: -f1)

start() {
	"$DUMPTRACE" serve -q --library "$LIB" --port "${1:-0}" --rate 0 --per-ip 10000 \
		--max-connections 4096 2>"$BENCH_DIR/serve.err" &
	SPID=$!
	PORT=
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's|^dumptrace: serving on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$BENCH_DIR/serve.err")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "bench: the server did not start" >&2
	exit 2
}
load() { # load LABEL URL-PATH [wrk args]: one wrk run, its figures in a line
	label=$1 path=$2
	shift 2
	taskset -c 0,1 wrk -t2 -c64 -d"${SECS}s" --latency -H "User-Agent: bench" "$@" \
		"http://127.0.0.1:$PORT$path" >"$BENCH_DIR/wrk.out" 2>&1
	awk -v l="$label" '
		/requests in/ { n = $1 } /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		/Non-2xx/ { non = $NF } /Socket errors/ { sub(/.*Socket errors: /, ""); se = $0 }
		END { printf "%-44s %9s req %9s req/s  p50 %-8s p99 %-8s non-2xx %s; socket errors %s\n", l, n, rps, p50, p99, non ? non : 0, se ? se : "none" }' \
		"$BENCH_DIR/wrk.out"
}

start
echo "serve: $(nproc) cores; library of 4 leaks; wrk -t2 -c64, ${SECS} s a run"
load "breachedaccount, found (200)" "/api/v3/breachedaccount/$EMAIL"
load "breachedaccount, in no leak (404)" "/api/v3/breachedaccount/nobody@nowhere.example"
load "breaches (the catalog)" "/api/v3/breaches"

# an ingest committing during a load run
(sleep 3; "$DUMPTRACE" ingest -q --library "$LIB" --name voters_2019 "$FAM/voters_2019.csv" ||
	echo "bench: the ingest during the load failed" >&2) &
ipid=$!
load "found, while an ingest commits" "/api/v3/breachedaccount/$EMAIL"
wait "$ipid"
n=$(curl -s -A bench "http://127.0.0.1:$PORT/api/v3/breaches" | jq length)
echo "after the ingest: $n leaks listed (5 expected)"

# 10,000 random requests
python3 - "$PORT" <<'PY'
import os, random, socket, sys, time
port = int(sys.argv[1]); random.seed(16)
kinds = [lambda: os.urandom(random.randint(1, 512)),
         lambda: b"GET /" + os.urandom(random.randint(0, 64)).hex().encode() + b" HTTP/1.1\r\nUser-Agent: x\r\n\r\n",
         lambda: random.choice([b"POST", b"PUT", b"DELETE", b"BREW", b"G\x00T"]) + b" /api/v3/breaches HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde",
         lambda: b"GET /api/v3/breachedaccount/" + b"a" * random.randint(100, 70000) + b" HTTP/1.1\r\nUser-Agent: x\r\n\r\n",
         lambda: b"GET /api/v3/breaches HTTP/1.1\r\nUser-Agent: x\r\n" + b"X-A: " + b"b" * random.randint(1, 100000),
         lambda: b"GET /api/v3/breaches HTTP/1.1\r\n" + b"X: y\r\n" * random.randint(1, 3000) + b"\r\n",
         lambda: b"GET /%zz%00%ff/../../etc/passwd HTTP/1.0\r\nUser-Agent: x\r\n\r\n"]
def one(i):
    rnd = random.Random(i)
    k = kinds[i % len(kinds)]
    random.seed(i)
    data = k()
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        d = s.recv(64)
        return "answered" if d.startswith(b"HTTP/") else "closed"
    except socket.timeout:
        return "waited"  # a request cut off: the server closes it at its idle timeout (10 s)
    except OSError:
        return "closed"
    finally:
        s.close()
from concurrent.futures import ThreadPoolExecutor
t0 = time.time()
with ThreadPoolExecutor(48) as ex:
    res = list(ex.map(one, range(10000)))
print("10,000 random requests (48 at a time) in %.1f s: %d answered, %d closed by the server, "
      "%d cut-off requests left to the server's idle timeout (no answer within 2 s)" %
      (time.time() - t0, res.count("answered"), res.count("closed"), res.count("waited")))
PY
echo "after them: $(curl -s -o /dev/null -w '%{http_code}' -A bench "http://127.0.0.1:$PORT/api/v3/breaches") (200 expected)"

# the private lookup (IINs, phones, passports): the evaluation (one
# ristretto255 multiplication a request; any valid element costs the same:
# RFC 9497's test vector's), a bucket, and whole lookups by the client
"$DUMPTRACE" ingest -q --library "$LIB" --name voters_private --private-lookup "$FAM/voters_2019.csv" || exit 2
ELEM=609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
"$DUMPTRACE" serve -q --library "$LIB" --port 0 --rate 0 --private-rate 0 --per-ip 10000 \
	--max-connections 4096 2>"$BENCH_DIR/serve.err" &
SPID=$!
for _ in $(seq 1 100); do
	PORT=$(sed -n 's|^dumptrace: serving on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$BENCH_DIR/serve.err")
	[ -n "$PORT" ] && break
	sleep 0.1
done
load "private: evaluate (OPRF)" "/api/private/v1/evaluate/national_id/$ELEM"
bits=$(curl -s -A bench "http://127.0.0.1:$PORT/api/private/v1" | jq -r '.Types[0].PrefixBits')
load "private: a bucket ($bits bits)" "/api/private/v1/range/national_id/$bits/1"
sed -n '2,201p' "$FAM/voters_2019.csv" | cut -d';' -f1 | sed 's/^/--iin /' | tr '\n' ' ' >"$BENCH_DIR/iins"
t0=$(date +%s.%N)
# shellcheck disable=SC2046
"$DUMPTRACE" lookup --server "http://127.0.0.1:$PORT" --json $(cat "$BENCH_DIR/iins") >"$BENCH_DIR/priv.json"
t1=$(date +%s.%N)
echo "private: 200 IINs by lookup --server, one after another: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f ms a lookup", (b - a) * 1000 / 200}'), $(jq -r 'select(.found | length > 0)' "$BENCH_DIR/priv.json" | jq -s length) found"

# what --private-lookup costs an ingest: 100,000 generated rows, each with an IIN and a phone
gen_dump_build
"$GEN_DUMP" csv 100000 0 >"$BENCH_DIR/priv.csv" || exit 2
for run in 1 2 3; do
	for mode in plain private; do
		rm -rf "$BENCH_DIR/priv-lib"
		opt=; [ $mode = private ] && opt=--private-lookup
		label="ingest $mode" run_timed "$DUMPTRACE" ingest -q --library "$BENCH_DIR/priv-lib" --name p $opt "$BENCH_DIR/priv.csv"
		eval "t_$mode=\"\${t_$mode:-} $T\""
	done
done
med() { printf '%s\n' $1 | sort -n | sed -n 2p; }
echo "ingest of 100,000 rows, median of 3: plain $(med "$t_plain") s, --private-lookup $(med "$t_private") s ($(awk -v a="$(med "$t_private")" -v b="$(med "$t_plain")" 'BEGIN {printf "%.2f", a / b}')x)"
rm -rf "$BENCH_DIR/priv-lib" "$BENCH_DIR/priv.csv"

# killed and restarted in the middle of a load run
(sleep 4; kill -KILL "$SPID"; sleep 1; start "$PORT"; echo "$SPID" >"$BENCH_DIR/serve.pid") &
kpid=$!
load "found, the server killed at 4 s, restarted at 5 s" "/api/v3/breachedaccount/$EMAIL"
wait "$kpid"
SPID=$(cat "$BENCH_DIR/serve.pid")
echo "after the restart: $(curl -s -o /dev/null -w '%{http_code}' -A bench "http://127.0.0.1:$PORT/api/v3/breachedaccount/$EMAIL") (200 expected)"
kill -TERM "$SPID"
wait "$SPID" 2>/dev/null
rm -rf "$LIB"
