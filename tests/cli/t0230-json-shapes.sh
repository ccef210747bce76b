#!/bin/sh
# The JSON shapes beyond one record a value: an object of tables, the
# Elasticsearch _bulk body, _search responses (one, or scroll pages one
# after another), elasticdump lines; a JSON Lines file whose records merely
# have an "index" key stays plain. Each is read whole and in 1- and 7-byte
# pieces, and its counts add up. Last, Chinook as an object of tables made
# with sqlite3 and jq.
. "$TOP_SRCDIR/tests/lib.sh"

# records without the input name
records() { dt cat --quiet "$@" | sed 's/^{"_input":"[^"]*",/{/'; }
# sniff's figures for one input: shape, parsed, rejected, total, metadata
figures() {
	dt sniff --json --quiet "$@" 2>/dev/null |
		jq -r '.inputs[0] | "\(.dialect.shape) \(.records.parsed) \(.records.rejected) \(.records.total) \(.dialect.metadata)"'
}
# the records of each table: "name count ..." in order of appearance
tables() {
	dt sniff --json --quiet "$@" 2>/dev/null | jq -r '[.inputs[0].tables[] | "\(.name)=\(.records)"] | join(" ")'
}

# --- an object of tables ---
# metadata (scalars, an array of scalars, an object with no table in it),
# a table of 1500 rows (past the 1000-element cap of an array in a record),
# a table of arrays, an empty one, and one nested a level down
awk 'BEGIN {
	printf "{\n  \"version\": 3,\n  \"count\": 1500,\n  \"tags\": [\"export\", \"full\"],\n"
	printf "  \"meta\": {\"exported\": \"2024-05-01\", \"by\": \"admin\"},\n  \"People\": [\n"
	for (i = 1; i <= 1500; i++)
		printf "    {\"id\": %d, \"iin\": \"8704213%05d\", \"phones\": [\"+7701%07d\"]}%s\n", i, i, i, i < 1500 ? "," : ""
	printf "  ],\n  \"Rows\": [[1, \"a\"], [2, \"b\"]],\n  \"Empty\": [],\n"
	printf "  \"archive\": {\"note\": \"old\", \"People2019\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]}\n}\n"
}' >tables.json
is "$(figures tables.json)" "tables 1505 0 1505 6" "object of tables: 1505 records, none rejected, 6 metadata values"
is "$(tables tables.json)" "People=1500 Rows=2 People2019=3" "object of tables: each table's records"
records tables.json >got.out 2>err; is $? 0 "object of tables: exit 0"
is "$(sed -n 1500p got.out)" '{"_table":"People","id":"1500","iin":"870421301500","phones.0":"+77010001500"}' \
	"object of tables: a record of the long table"
is "$(sed -n 1501p got.out)" '{"_table":"Rows","0":"1","1":"a"}' "object of tables: a row that is an array"
is "$(tail -1 got.out)" '{"_table":"People2019","id":"3"}' "object of tables: the table nested a level down"
dt sniff tables.json 2>/dev/null | grep -q 'json layout=object shape=tables'; ok $? "sniff: layout=object shape=tables"
# the same on one line, as jq -c writes it
jq -c . tables.json >tables1.json
records tables1.json >got1.out; same_file got1.out got.out "object of tables on one line: the same records"

printf '{"data": [{"a": 1}, {"a": 2}]}\n' >data.json
is "$(records data.json | tr '\n' ' ')" '{"_table":"data","a":"1"} {"_table":"data","a":"2"} ' \
	"{\"data\": [...]}: a table named data"
printf '{"results": [{"a": 1}], "count": 1}\n' >results.json
is "$(figures results.json)" "tables 1 0 1 1" "{\"results\": [...], \"count\": 1}: one record, the count is metadata"
# one record with a list in it stays one record
printf '{"name": "Нурлан", "patient": {"iin": "870421300123"}, "orders": [{"id": 1}, {"id": 2}]}\n' >one.json
is "$(records one.json)" '{"_table":null,"name":"Нурлан","patient.iin":"870421300123","orders.0.id":"1","orders.1.id":"2"}' \
	"an object with a member object that holds no table: one record"
# JSON Lines of such objects: one record a line, as always
printf '{"t": [{"a": 1}]}\n{"t": [{"a": 2}]}\n' >two.jsonl
is "$(figures two.jsonl)" "records 2 0 2 null" "several objects with arrays of objects: one record each"

# --- Elasticsearch _bulk: all four actions ---
cat >bulk.ndjson <<'EOF'
{"index":{"_index":"users","_id":"1"}}
{"name":"Alice","email":"alice@example.com"}
{"create":{"_index":"users","_id":"2"}}
{"name":"Bob","email":"bob@example.com"}
{"delete":{"_index":"users","_id":"3"}}
{"update":{"_index":"orders","_id":"4"}}
{"doc":{"status":"paid","total":10},"doc_as_upsert":true}
{"update":{"_index":"orders","_id":"5"}}
{"script":{"source":"ctx._source.n++"},"upsert":{"status":"new"}}
{"index":{}}
{"name":"Carl"}
EOF
cat >want.out <<'EOF'
{"_table":"users","_id":"1","name":"Alice","email":"alice@example.com"}
{"_table":"users","_id":"2","name":"Bob","email":"bob@example.com"}
{"_table":"orders","_id":"4","status":"paid","total":"10"}
{"_table":"orders","_id":"5","status":"new"}
{"_table":null,"name":"Carl"}
EOF
records bulk.ndjson >got.out 2>err; is $? 0 "_bulk: exit 0"
same_file got.out want.out "_bulk: one record a document, _index as table, _id kept, update's doc or upsert"
is "$(figures bulk.ndjson)" "bulk 5 0 5 6" "_bulk: 5 records for 6 action lines, the actions not counted"
# a broken action line: its document comes without metadata
printf '{"index":{"_index":"u","_id":"1"}}\n{"a":1}\n{"index":{"_index":"u",\n{"a":2}\n{"index":{"_index":"u","_id":"3"}}\n{"a":3}\n' >bulkb.ndjson
dt cat --quiet bulkb.ndjson >/dev/null 2>&1; is $? 1 "_bulk with a broken action line: exit 1"
records bulkb.ndjson >got.out
is "$(jq -c '[._table, ._id, .a]' got.out | tr '\n' ' ')" '["u","1","1"] [null,null,"2"] ["u","3","3"] ' \
	"_bulk with a broken action line: the documents around it"
is "$(figures bulkb.ndjson)" "bulk 3 1 4 2" "_bulk with a broken action line: counts add up"

# --- a JSON Lines file whose records have an "index" key stays plain ---
printf '{"index": 5, "name": "x"}\n{"index": {"a": 1}}\n{"index": {"_id": 1}, "name": "y"}\n{"index": {"_id": {"n": 1}}}\n' >index.jsonl
is "$(figures index.jsonl)" "records 4 0 4 null" "records with an index key: plain JSON Lines"
is "$(records index.jsonl | head -2 | tr '\n' ' ')" '{"_table":null,"index":"5","name":"x"} {"_table":null,"index.a":"1"} ' \
	"records with an index key: read as they are"
# an action line first, then one where its document is due
printf '{"index": {"_id": "1"}}\n{"index": {"_id": "2"}}\n' >index2.jsonl
is "$(figures index2.jsonl)" "records 2 0 2 null" "two action-like lines in a row: plain JSON Lines"

# --- an Elasticsearch _search response ---
cat >search.json <<'EOF'
{
  "took": 5, "timed_out": false,
  "_shards": {"total": 2, "successful": 1, "skipped": 0, "failed": 1,
              "failures": [{"shard": 1, "index": "users", "reason": {"type": "x"}}]},
  "hits": {
    "total": {"value": 3, "relation": "eq"}, "max_score": 1.0,
    "hits": [
      {"_index": "users", "_type": "_doc", "_id": "1", "_score": 1.0,
       "_source": {"name": "Alice", "address": {"city": "Almaty"}, "phones": ["+77011234567"]}},
      {"_index": "users", "_id": "2", "_score": 1.0, "_source": {"name": "Bob"}, "sort": [2]},
      {"_index": "staff", "_id": "3", "_score": 0.5, "_source": {"name": "Carl", "_id": "x"}}
    ]
  },
  "aggregations": {"by_city": {"buckets": [{"key": "Almaty", "doc_count": 1}]}}
}
EOF
cat >want.out <<'EOF'
{"_table":"users","_id":"1","name":"Alice","address.city":"Almaty","phones.0":"+77011234567"}
{"_table":"users","_id":"2","name":"Bob"}
{"_table":"staff","_id":"3","name":"Carl","_id":"x"}
EOF
records search.json >got.out 2>err; is $? 0 "_search: exit 0"
same_file got.out want.out "_search: each hit a record, _source flattened, _index as table, _id kept"
is "$(figures search.json)" "search 3 0 3 10" "_search: 3 records; _shards, totals and aggregations are metadata"
is "$(tables search.json)" "users=2 staff=1" "_search: the tables are the indexes"

# --- scroll pages: responses one after another, and one a line ---
page() { # page N FIRST-ID: a response with two hits
	printf '{"_scroll_id": "s%d", "took": 1, "hits": {"total": {"value": 6}, "hits": [' "$1"
	printf '{"_index": "users", "_id": "%d", "_source": {"n": %d}}, ' "$2" "$2"
	printf '{"_index": "users", "_id": "%d", "_source": {"n": %d}}]}}\n' $(($2 + 1)) $(($2 + 1))
}
{ page 1 1; page 2 3; page 3 5; printf '{"_scroll_id": "s4", "took": 1, "hits": {"total": {"value": 6}, "hits": []}}\n'; } >scroll.jsonl
jq . scroll.jsonl >scroll.json
for f in scroll.jsonl scroll.json; do
	is "$(figures $f | cut -d' ' -f1-4)" "search 6 0 6" "scroll pages ($f): 6 records"
	is "$(records $f | jq -r ._id | tr '\n' ' ')" "1 2 3 4 5 6 " "scroll pages ($f): every hit in order"
done

# --- elasticdump lines ---
cat >dump.jsonl <<'EOF'
{"_index":"users","_type":"_doc","_id":"1","_score":1,"_source":{"name":"Alice","iin":"870421300123"}}
{"_index":"users","_type":"_doc","_id":"2","_score":1,"_source":{"name":"Bob","iin":"900101400456"}}
EOF
cat >want.out <<'EOF'
{"_table":"users","_id":"1","name":"Alice","iin":"870421300123"}
{"_table":"users","_id":"2","name":"Bob","iin":"900101400456"}
EOF
records dump.jsonl >got.out; same_file got.out want.out "elasticdump lines: _source with _index and _id"
is "$(figures dump.jsonl)" "hits 2 0 2 null" "elasticdump lines: shape hits"

# --- broken objects of tables fail, as an array does ---
printf '{"t": [{"a": 1}, {"a": 2}, {"a" 3}, {"a": 4}]}\n' >broken.json
dt cat --format json broken.json >got.out 2>err; is $? 1 "a broken object of tables: exit 1"
is "$(jq -r .a got.out | tr '\n' ' ')" "1 2 " "a broken object of tables: the records before the break are kept"
grep -q "rest of input lost" err; ok $? "a broken object of tables: the rest is lost, and it says so"
printf '{"t": [{"a": 1}, {"a": 2}' >cut.json
dt cat --format json cut.json >got.out 2>err; is $? 1 "an object of tables cut off: exit 1"
grep -q "the object of tables is not closed at the end of the input" err; ok $? "an object of tables cut off: the reason"
printf '{"ok": [{"a": 1}], "bad\377": [{"a": 2}], "n\\u0000": [{"a": 3}]}\n' >names.json
dt cat --encoding utf-8 names.json >got.out 2>err; is $? 1 "a table name that is not UTF-8: exit 1"
grep -q "invalid UTF-8 in the table name" err; ok $? "a table name that is not UTF-8: its records rejected"
is "$(jq -r ._table got.out | tr '\n' ' ')" "ok n$(printf '\357\277\275') " "\\u0000 in a table name reads as U+FFFD"
awk 'BEGIN { printf "{\"t\": [{\"a\": 1}, {\"big\": \""; for (i = 0; i < 3000; i++) printf "xxxxxxxxxx"; printf "\"}, {\"a\": 2}], \"pad\": \""; for (i = 0; i < 3000; i++) printf "yyyyyyyyyy"; printf "\", \"u\": [{\"a\": 3}]}\n" }' >long.json
dt cat --max-record 16K long.json >got.out 2>err; is $? 1 "a record over --max-record in a table: exit 1"
is "$(jq -r .a got.out | tr '\n' ' ')" "1 2 3 " "a record over --max-record in a table: the others kept, long metadata skipped"

# --- in pieces, the same records ---
for f in tables.json tables1.json data.json results.json one.json two.jsonl bulk.ndjson bulkb.ndjson index.jsonl \
	index2.jsonl search.json scroll.jsonl scroll.json dump.jsonl broken.json cut.json names.json long.json; do
	records --format json --encoding utf-8 --max-record 16K "$f" >whole.out 2>whole.err
	records --format json --encoding utf-8 --max-record 16K --chunk 1 "$f" >c1.out 2>c1.err
	records --format json --encoding utf-8 --max-record 16K --chunk 7 "$f" >c7.out 2>c7.err
	cmp -s whole.out c1.out && cmp -s whole.out c7.out && cmp -s whole.err c1.err && cmp -s whole.err c7.err
	ok $? "--chunk 1 and --chunk 7 read $f the same"
done

# --- Chinook as an object of tables, from the SQLite dump ---
sql="$CORPORA/sql/Chinook_Sqlite.sql"
if [ ! -f "$sql" ]; then
	skip "corpus $CORPORA/sql is absent (../shared/corpora not beside the project)"
elif ! command -v sqlite3 >/dev/null 2>&1; then
	skip "sqlite3 is not installed"
else
	sqlite3 chinook.db <"$sql" 2>/dev/null
	list=$(sqlite3 chinook.db "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	for t in $list; do
		sqlite3 -json chinook.db "SELECT * FROM \"$t\"" | jq -c --arg t "$t" '{($t): .}'
	done | jq -s add >chinook.json
	want=""
	for t in $list; do want="$want $t=$(sqlite3 chinook.db "SELECT count(*) FROM \"$t\"")"; done
	is "$(figures chinook.json)" "tables 15607 0 15607 0" "Chinook: 15,607 records, none rejected"
	is " $(tables chinook.json)" "$want" "Chinook: each of the 11 tables' counts, as sqlite3 counts them"
	# the records are the rows, values as text
	sqlite3 -json chinook.db 'SELECT * FROM "Track"' |
		jq -c '.[] | map_values(if . == null then null else tostring end)' >want.out
	dt cat --quiet chinook.json | jq -c 'select(._table == "Track") | del(._input, ._table)' >got.out
	same_file got.out want.out "Chinook: the Track records are sqlite3's rows"
	dt cat --quiet chinook.json >whole.out
	dt cat --quiet --chunk 7 chinook.json >c7.out
	same_file c7.out whole.out "Chinook: --chunk 7 reads the same"
fi
done_testing
