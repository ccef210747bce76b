#!/bin/sh
# Installs what dumptrace needs on Debian 12 (when something is missing)
# and builds it out of tree: build/ for the normal build, build-asan/ with
# --sanitizers. Idempotent: run it as often as you like. --werror (and
# CI=true) builds with warnings as errors, as scripts/test.sh does.
set -eu
cd "$(dirname "$0")/.."

variant=build
confopts=""
tests=0
werror=0
[ "${CI:-}" != true ] || werror=1
for arg in "$@"; do
	case "$arg" in
	--sanitizers) variant=build-asan; confopts="--enable-sanitizers" ;;
	--tests) tests=1 ;;
	--werror) werror=1 ;;
	--quiet) ;;
	*) echo "usage: scripts/setup.sh [--sanitizers] [--tests] [--werror]" >&2; exit 2 ;;
	esac
done
[ "$werror" -eq 0 ] || confopts="$confopts --enable-werror"

# Build tools, the libraries, and what the tests and benchmarks use.
PKGS="build-essential autoconf automake libtool pkg-config git
libcsv-dev libarchive-dev libxxhash-dev libzstd-dev libpcre2-dev libutf8proc-dev
libsqlite3-dev libyajl-dev nettle-dev libexpat1-dev libfreexl-dev zlib1g-dev libbson-dev libsodium-dev libmicrohttpd-dev libcurl4-openssl-dev
jq zstd xz-utils lz4 bzip2 gzip zip p7zip-full libarchive-tools sqlite3 miller time
python3-openpyxl python3-xlwt
groff-base"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ -n "$missing" ]; then
	echo "setup: installing$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# --tests: what only some tests use (the HTML report and serve's page in a
# real browser, an HTML checker, curl and the npm client of serve's API, wrk
# for bench/serve.sh, GNU parallel and Slurm with munge for the cluster
# test, which starts its own daemons); best effort: without them those
# checks skip with a message
# (the cluster's packages in an apt-get of their own: their services may
# fail to start where there is no init, which must not cost the others)
if [ "$tests" -eq 1 ]; then
	for set in "chromium libxml2-utils curl nodejs npm wrk" "parallel munge slurmctld slurmd slurm-client"; do
		missing=""
		for p in $set; do
			dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
				missing="$missing $p"
		done
		if [ -n "$missing" ]; then
			echo "setup: installing$missing (for the tests)" >&2
			if ! { $SUDO apt-get update -qq &&
				DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; }; then
				# one that conflicts with what is here (npm with a nodejs from elsewhere) costs only itself
				for p in $missing; do
					DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
						echo "setup: could not install $p: the tests that need it will skip" >&2
				done
			fi
		fi
	done
fi

# autoreconf -i also installs build-aux/tap-driver.sh (configure.ac requires it)
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
mkdir -p "$variant"
cd "$variant"
want=$(echo $confopts)
have=$want
[ ! -f config.status ] || have=$(./config.status --config | tr -d "'")
if [ ! -f Makefile ] || [ ../configure -nt Makefile ] || [ "$have" != "$want" ]; then
	# configure removes stray core dumps with rm, which complains about core/
	../configure -q $confopts 2>configure.err || { cat configure.err >&2; exit 1; }
	grep -v "cannot remove 'core'" configure.err >&2 || true
	# built before with other options (-Werror or not): every object again
	[ "$have" = "$want" ] || make -s clean >/dev/null
fi
make -s -j"$(nproc)" >/dev/null
echo "setup: built $variant/dumptrace" >&2
