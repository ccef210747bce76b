#!/bin/sh
# verify and a damaged catalog (issue 18): the catalog keeps a digest of
# its rows; a flipped byte of the key check, deleted rows of its sets, a
# changed count are problems (exit 1), set files on disk that the catalog
# lost are problems, and damage found before a change stays reported
# after it.
. "$TOP_SRCDIR/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 is not installed"
F="$TOP_SRCDIR/samples/family"
dt ingest -q --library lib --name voters "$F/voters_2019.csv" || exit 1
dt ingest -q --library lib --name telecom "$F/telecom_2022.sql" || exit 1
dt ingest -q --library lib --name shop "$F/shop_2020.sql" || exit 1
dt remove -q --library lib shop >/dev/null 2>&1 || dt remove --library lib shop >/dev/null 2>&1
dt verify --library lib >out 2>&1
is $? 0 "a library after ingests and a remove: verify passes"
sqlite3 lib/catalog.db "SELECT count(*) FROM meta WHERE key = 'catalog_digest'" >n
is "$(cat n)" 1 "... its catalog keeps a digest"

damage() { # damage NAME SQL: a copy of lib with SQL run on its catalog, verified
	rm -rf "$1"
	cp -r lib "$1"
	sqlite3 "$1/catalog.db" "$2"
	dt verify --library "$1" >"$1.out" 2>&1
}
damage k "UPDATE meta SET value = substr(value, 1, 5) || CASE substr(value, 6, 1) WHEN 'a' THEN 'b' ELSE 'a' END || substr(value, 7) WHERE key = 'key_check'"
is $? 1 "one byte of the key check flipped: verify fails"
grep -q "does not match its digest" k.out && grep -q "does not pass the catalog's key check" k.out
ok $? "... naming the digest and the key check"
damage s "DELETE FROM sets WHERE kind = 'value' AND leak_id = (SELECT id FROM leaks WHERE name = 'telecom')"
is $? 1 "rows of the sets table deleted: verify fails"
grep -q "is not in the catalog: its row was lost" s.out
ok $? "... the set files on disk the catalog lost are named"
damage c "UPDATE leaks SET records = records + 1 WHERE name = 'voters'"
is $? 1 "a count changed: verify fails"
damage x "DELETE FROM birth_years WHERE rowid IN (SELECT rowid FROM birth_years LIMIT 1)"
is $? 1 "a row of a profile deleted: verify fails"

# a change after the damage does not hide it
damage r "UPDATE leaks SET records = records + 1 WHERE name = 'voters'"
dt remove --library r voters >/dev/null 2>&1
dt verify --library r >r.out 2>&1
is $? 1 "damaged, then a leak removed: verify still fails"
grep -q "found not matching its digest at" r.out
ok $? "... saying when the damage was found"

# a key that is not the library's
cp -r lib w
id=$(sqlite3 w/catalog.db "SELECT value FROM meta WHERE key = 'library_id'")
dt key new -o other.key >/dev/null 2>&1
mkdir -p otherkeys && cp other.key "otherkeys/$id.key" && chmod 600 "otherkeys/$id.key"
DUMPTRACE_KEY_DIR=$T_TMP/otherkeys "$DUMPTRACE" verify --library w >w.out 2>&1
is $? 1 "another key in the key directory: verify fails"
grep -q "does not pass the catalog's key check" w.out
ok $? "... saying so"
DUMPTRACE_KEY_DIR=$T_TMP/nokeys "$DUMPTRACE" verify --library w >n.out 2>&1
is $? 0 "no key on this machine: a note, not a problem"
grep -q "no key on this machine" n.out
ok $? "... the note"

done_testing
