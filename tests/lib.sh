# Shared helpers for the command-line tests (TAP output, git's t/ habit).
# Each test sources this, calls ok/is/skip, and ends with done_testing.
set -u
: "${DUMPTRACE:?DUMPTRACE must point at the dumptrace binary}"
T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dumptrace-test.XXXXXX")
trap 'chmod -R u+rwx "$T_TMP" 2>/dev/null; rm -rf "$T_TMP"' EXIT
cd "$T_TMP" || exit 1
# libraries' keys in the test's own key directory, never the user's
DUMPTRACE_KEY_DIR=$T_TMP/keys
export DUMPTRACE_KEY_DIR

dt() { "$DUMPTRACE" "$@"; }

ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; T_FAILED=$((T_FAILED + 1)); fi
}

is() { # is GOT WANT DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $T_N - $3"
	else
		echo "not ok $T_N - $3"
		printf '#   got: %s\n#  want: %s\n' "$1" "$2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

same_file() { # same_file GOT WANT DESCRIPTION
	T_N=$((T_N + 1))
	if cmp -s "$1" "$2"; then
		echo "ok $T_N - $3"
	else
		echo "not ok $T_N - $3"
		diff "$2" "$1" | head -20 | sed 's/^/# /'
		T_FAILED=$((T_FAILED + 1))
	fi
}

skip() { # skip REASON
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP $1"
}

skip_all() { # skip_all REASON: nothing here can run
	echo "1..0 # SKIP $1"
	exit 0
}

need_corpora() { # need_corpora SUBDIR
	[ -d "$CORPORA/$1" ] || skip_all "corpus $CORPORA/$1 is absent (../shared/corpora not beside the project)"
}

# serve_start LIBRARY SERVE-ARGS...: dumptrace serve of LIBRARY on a free port of
# 127.0.0.1, its messages in srv.err; sets $SERVE_PID and $SERVE_PORT (1 when it
# did not start within 5 s)
serve_start() {
	_lib=$1
	shift
	rm -f srv.err
	"$DUMPTRACE" serve --library "$_lib" --port 0 "$@" 2>srv.err & # not dt: $! must be the server
	SERVE_PID=$!
	SERVE_PORT=
	for _ in $(seq 1 50); do
		SERVE_PORT=$(sed -n 's|^dumptrace: serving on http://127.0.0.1:\([0-9]*\)/$|\1|p' srv.err)
		[ -n "$SERVE_PORT" ] && return 0
		sleep 0.1
	done
	return 1
}

done_testing() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}
