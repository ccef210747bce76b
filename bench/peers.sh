#!/bin/sh
# Builds the peers that bench/dedup.sh compares against - rling and
# duplicut - outside the project tree, from a git checkout or mirror
# that is already on this machine, and installs DuckDB's Node API
# (@duckdb/node-api, which ships the native library) from the npm
# registry into $PEERS_DIR/duckdb for bench/analyze.sh. Nothing is
# vendored: a peer whose source is absent, or the registry out of reach,
# is skipped with a message, and the benchmarks then run without its row
# (CI cannot reach GitHub).
#
# usage: bench/peers.sh [NAME=GITDIR...]
#   PEERS_DIR   where checkouts and binaries go (default /work/peers)
#   NAME=GITDIR a git directory or repository to clone NAME from, e.g.
#               rling=/work/.mirror/Cynosureprime+rling/repo
#               duplicut=/work/.mirror/nil0x42+duplicut/repo
# With no argument the /work/.mirror paths above are tried. A checkout
# already in $PEERS_DIR/NAME is built as it is (not updated).
# Afterwards bench/dedup.sh finds $PEERS_DIR/rling/rling and
# $PEERS_DIR/duplicut/duplicut by itself, and bench/analyze.sh
# $PEERS_DIR/duckdb (DUCKDB_VERSION picks another version).
set -u
PEERS_DIR=${PEERS_DIR:-/work/peers}
MIRRORS=${MIRRORS:-/work/.mirror}
RLING_SRC=$MIRRORS/Cynosureprime+rling/repo
DUPLICUT_SRC=$MIRRORS/nil0x42+duplicut/repo
for a in "$@"; do
	case $a in
	rling=*) RLING_SRC=${a#rling=} ;;
	duplicut=*) DUPLICUT_SRC=${a#duplicut=} ;;
	*) echo "peers: unknown argument '$a' (rling=GITDIR or duplicut=GITDIR)" >&2; exit 2 ;;
	esac
done
mkdir -p "$PEERS_DIR" || exit 2

# checkout NAME SRC: clones SRC into $PEERS_DIR/NAME unless a checkout
# is already there; fails (with a message) when neither is present.
checkout() {
	name=$1; src=$2; dst=$PEERS_DIR/$name
	if [ -d "$dst/.git" ] || [ -f "$dst/.git" ]; then
		return 0
	fi
	if [ ! -d "$src" ]; then
		echo "peers: no source for $name (looked for '$src' and '$dst'); skipped" >&2
		return 1
	fi
	git clone -q "$src" "$dst" || {
		echo "peers: cannot clone '$src' into '$dst'; $name skipped" >&2
		return 1
	}
}

# header FILE PACKAGE: a build dependency present, or a hint to install it
header() {
	[ -f "/usr/include/$1" ] && return 0
	echo "peers: /usr/include/$1 is missing (apt-get install $2)" >&2
	return 1
}

built=""
if checkout rling "$RLING_SRC" && header zlib.h zlib1g-dev; then
	# only the rling program: the makefile's other tools (dedupe) want libjudy
	if make -s -C "$PEERS_DIR/rling" rling >"$PEERS_DIR/rling.build.log" 2>&1; then
		built="$built rling@$(git -C "$PEERS_DIR/rling" rev-parse --short=12 HEAD)"
	else
		echo "peers: rling did not build; see $PEERS_DIR/rling.build.log" >&2
	fi
fi
if checkout duplicut "$DUPLICUT_SRC"; then
	# its release target builds with -O2 and strips; -mtune=native is in its CFLAGS
	if make -s -C "$PEERS_DIR/duplicut" >"$PEERS_DIR/duplicut.build.log" 2>&1; then
		built="$built duplicut@$(git -C "$PEERS_DIR/duplicut" rev-parse --short=12 HEAD)"
	else
		echo "peers: duplicut did not build; see $PEERS_DIR/duplicut.build.log" >&2
	fi
fi
# DuckDB through its Node API, the version pinned so that figures compare
DUCKDB_VERSION=${DUCKDB_VERSION:-1.5.6-r.1}
if [ -d "$PEERS_DIR/duckdb/node_modules/@duckdb/node-api" ]; then
	built="$built duckdb@$(node -p "require('$PEERS_DIR/duckdb/node_modules/@duckdb/node-api/package.json').version" 2>/dev/null)"
elif ! command -v npm >/dev/null 2>&1; then
	echo "peers: npm is missing (apt-get install npm); DuckDB skipped" >&2
elif mkdir -p "$PEERS_DIR/duckdb" && npm install --no-audit --no-fund --prefix "$PEERS_DIR/duckdb" \
	"@duckdb/node-api@$DUCKDB_VERSION" >"$PEERS_DIR/duckdb.install.log" 2>&1; then
	built="$built duckdb@$DUCKDB_VERSION"
else
	echo "peers: npm could not install @duckdb/node-api; see $PEERS_DIR/duckdb.install.log" >&2
fi
echo "peers: built in $PEERS_DIR:${built:- nothing}"
