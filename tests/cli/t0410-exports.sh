#!/bin/sh
# One table, four exports: the chinook customers as CSV, JSON Lines, a JSON
# array and an email:password combo list must give the same 59 customers;
# the CSV, JSONL and array the same field values.
. "$TOP_SRCDIR/tests/lib.sh"
need_corpora exports
command -v jq >/dev/null || skip_all "jq is not installed"
E="$CORPORA/exports"

# values FILE [OPTIONS]: each record's fields as a JSON object of strings, a
# null (JSON null, or nothing in CSV) and a number given as text alike
values() {
	f=$1
	shift
	dt cat -q "$@" "$f" | jq -c 'del(._input, ._table) | map_values(if . == null then "" else tostring end)'
}

dt cat -q "$E/chinook_customer.csv" >csv.jsonl
is "$?" 0 "csv: read cleanly"
is "$(wc -l <csv.jsonl | tr -d ' ')" 59 "csv: 59 customers"
jq -r '.email | ascii_downcase' csv.jsonl | sort >csv.emails

dt cat -q "$E/chinook_customer_combo.txt" >combo.jsonl
is "$?" 0 "combo: read cleanly"
is "$(wc -l <combo.jsonl | tr -d ' ')" 59 "combo: 59 customers"
is "$(dt sniff --json -q "$E/chinook_customer_combo.txt" | jq -r '.inputs[0].dialect.format')" combo \
	"combo: sniffed as combo"
jq -r '.login | ascii_downcase' combo.jsonl | sort >combo.emails
same_file combo.emails csv.emails "combo and csv: the same emails"
# the export wrote first and last name as the password
jq -r '[.email, .first_name + .last_name] | @tsv' csv.jsonl | sort >csv.pairs
jq -r '[.login, .password] | @tsv' combo.jsonl | sort >combo.pairs
same_file combo.pairs csv.pairs "combo and csv: the same login/password pairs"

# The JSON reader: skip its part only while it is a placeholder.
dt cat -q --format json "$E/chinook_customer.jsonl" >/dev/null 2>json.err
if grep -q "not built yet" json.err; then
	for t in "jsonl: same emails" "array: same emails" "jsonl: same values as csv" \
		"array: same values as csv" "jsonl and array: 59 records"; do
		skip "$t: the JSON reader is not built yet"
	done
else
	dt cat -q "$E/chinook_customer.jsonl" | jq -r '.email | ascii_downcase' | sort >jsonl.emails
	dt cat -q "$E/chinook_customer_array.json" | jq -r '.email | ascii_downcase' | sort >array.emails
	same_file jsonl.emails csv.emails "jsonl: same emails"
	same_file array.emails csv.emails "array: same emails"
	values "$E/chinook_customer.csv" >csv.values
	values "$E/chinook_customer.jsonl" >jsonl.values
	values "$E/chinook_customer_array.json" >array.values
	same_file jsonl.values csv.values "jsonl: same values as csv"
	same_file array.values csv.values "array: same values as csv"
	is "$(cat jsonl.values array.values | wc -l | tr -d ' ')" 118 "jsonl and array: 59 records"
fi

done_testing
