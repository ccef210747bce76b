#!/bin/sh
# The main job on the bundled samples: the five earlier leaks of the
# synthetic family go into a fresh library (build/sample-library), then
# the "new" dump claimed_2025.csv is analyzed against it, and the control
# dump after it. Run from the top of the tree after scripts/setup.sh.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dt=${DUMPTRACE:-$top/build/dumptrace}
lib=${DUMPTRACE_LIBRARY:-$top/build/sample-library}
fam=$top/samples/family
[ -x "$dt" ] || { echo "demo: build dumptrace first (sh scripts/setup.sh)" >&2; exit 2; }
# the earlier sample library and its key (kept in the key directory,
# ~/.config/dumptrace/keys, outside the library: dumptrace key --help)
if [ -f "$lib/catalog.db" ]; then
	key=$("$dt" key path --library "$lib" 2>/dev/null) && rm -f "$key"
fi
rm -rf "$lib"
# each leak with its title and breach date, from the family's description
for leak in voters_2019.csv shop_2020.sql clinic_2021.jsonl telecom_2022.sql combo_2022.txt; do
	name=${leak%.*}
	title=$(jq -r --arg n "$name" '.leaks[] | select(.name == $n) | .title' "$fam/family.json")
	date=$(jq -r --arg n "$name" '.leaks[] | select(.name == $n) | .breach_date' "$fam/family.json")
	"$dt" ingest --library "$lib" --name "$name" --title "$title" --breach-date "$date" "$fam/$leak"
done
echo
"$dt" list --library "$lib"
echo
echo "== dumptrace analyze samples/family/claimed_2025.csv"
"$dt" analyze --library "$lib" "$fam/claimed_2025.csv"
echo
echo "== dumptrace analyze samples/family/control_2025.csv"
"$dt" analyze --library "$lib" "$fam/control_2025.csv"
