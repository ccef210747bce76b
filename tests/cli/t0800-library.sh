#!/bin/sh
# The library commands on the sample leak family: ingest (metadata, one
# leak from several inputs, refusal and --replace, same content under
# another name reported), list, show, lookup (found, normalized, not
# found, types without value sets refused), remove, verify, and the
# library's location ($DUMPTRACE_LIBRARY, $XDG_DATA_HOME).
. "$TOP_SRCDIR/tests/lib.sh"

F="$TOP_SRCDIR/samples/family"
L="$T_TMP/lib"
lib() { dt "$@" --library "$L"; }

lib ingest -q --name voters_2019 --title "Voters 2019" --breach-date 2019-06-01 \
	--domain cec.example.kz --data-classes "Names, National IDs,Addresses" --verified \
	"$F/voters_2019.csv"
ok $? "ingest a CP1251 CSV leak"
for x in shop_2020.sql clinic_2021.jsonl telecom_2022.sql combo_2022.txt; do
	lib ingest -q --name "${x%.*}" "$F/$x" || echo "ingest $x failed"
done >out 2>&1
is "$(cat out)" "" "ingest a mysqldump, JSON Lines, a pg_dump and a combo list"

lib list >list.txt
is "$(awk 'NR > 1 { print $1 }' list.txt | tr '\n' ' ')" \
	"clinic_2021 combo_2022 shop_2020 telecom_2022 voters_2019 " "list: the five leaks by name"
lib list --json >list.json
is "$(jq -r '.[] | select(.name == "voters_2019") | [.title, .breach_date, .domain, .is_verified, (.data_classes | join("|")), .records] | @tsv' list.json)" \
	"$(printf 'Voters 2019\t2019-06-01\tcec.example.kz\ttrue\tNames|National IDs|Addresses\t3295')" \
	"list --json: HIBP fields as given"
is "$(jq -r '.[] | select(.name == "shop_2020") | .pwn_count' list.json)" "1789" \
	"pwn_count defaults to the records read"

lib show --json telecom_2022 >show.json
ok $? "show --json"
is "$(jq -r '[.columns[] | select(.name == "msisdn" or .name == "iin" or .name == "full_name") | .type] | join(" ")' show.json)" \
	"phone national_id full_name" "show: the columns' types"
is "$(jq -r '.sources[0] | [.format, .encoding, (.sha256 | length)] | @tsv' show.json)" \
	"$(printf 'sql\tutf-8\t64')" "show: the source's format, encoding and SHA-256"
is "$(jq -r '.sources[0].sha256' show.json)" "$(sha256sum "$F/telecom_2022.sql" | cut -d' ' -f1)" \
	"the SHA-256 is the file's"
is "$(jq -r '[.sets[] | select(.kind == "assoc" and .type == "phone" and .attr_type == "national_id")] | length' show.json)" \
	"1" "show: an association set (phone, national_id)"
is "$(jq -r '.dates[0] | [.column, .min, .max] | @tsv' show.json)" \
	"$(printf 'subscribers.contract_date\t2008-01\t2022-08')" "show: the date profile (months, not days)"
is "$(jq -r '[.birth_years[]] | add' show.json)" "2388" "show: one birth year per IIN"
lib show --json shop_2020 | jq -r '.email_domains[0] | "\(.count) \(.domain)"' >dom.txt
want=$(grep -o "@[a-z0-9.-]*'" "$F/shop_2020.sql" | tr -d "@'" | sort | uniq -c | sort -rn | head -1)
is "$(cat dom.txt)" "$(echo $want)" "show: the top e-mail domain and its count, as counted in the file"
lib show voters_2019 >show.txt
ok $? "show as text"
grep -q 'Voters 2019' show.txt && grep -q 'by decade' show.txt
ok $? "show text has the title and the birth decades"

# lookup: normalized as ingest normalized it
lib lookup --json --email ' Erlan.Shakenov5112@GMAIL.com ' >l1.json
is "$(jq -r '.found | join(" ")' l1.json)" "combo_2022 shop_2020" "lookup an e-mail in any case"
lib lookup --json --phone '+7 778 570 7224' >l2.json
is "$(jq -r '.found | join(" ")' l2.json)" "shop_2020 telecom_2022" "lookup a phone in another format"
lib lookup --json --iin 600514373322 >l3.json
is "$(jq -r '.found | join(" ")' l3.json)" "telecom_2022 voters_2019" "lookup an IIN"
lib lookup --json --value 'full_name=ШАКЕНОВ ЕРЛАН' >l4.json
ok $? "lookup a name in Cyrillic capitals"
jq -e '.found | index("shop_2020")' l4.json >/dev/null
ok $? "... found in the leak that spells it in Latin"
lib lookup --email nobody@example.org >l5.txt
is "$?" "1" "lookup of an unknown e-mail: exit code 1"
grep -q 'in no known leak' l5.txt
ok $? "... and says so"
lib lookup --value birth_date=1990-01-01 2>err.txt
is "$?" "2" "lookup of a type kept only in associations is refused"
lib lookup --email not-an-email 2>err.txt
is "$?" "2" "lookup of an invalid e-mail is refused"

# the same name again: refused, then replaced
lib ingest -q --name shop_2020 "$F/shop_2020.sql" 2>err.txt
is "$?" "2" "re-ingest under the same name is refused"
grep -q "already in library" err.txt
ok $? "... with a message"
lib ingest -q --name shop_2020 --title "Shop, again" --replace "$F/shop_2020.sql"
ok $? "--replace replaces it"
is "$(lib list --json | jq -r '[.[] | select(.name == "shop_2020")] | length')" "1" \
	"one shop_2020 remains"
is "$(lib list --json | jq -r '.[] | select(.name == "shop_2020") | .title')" "Shop, again" \
	"... with the new metadata"

# the same content under another name: allowed and reported
lib ingest --name shop_copy "$F/shop_2020.sql" 2>err.txt
ok $? "the same files under another name are allowed"
grep -q "same records as the known leak 'shop_2020'" err.txt
ok $? "... and reported"
lib remove shop_copy 2>/dev/null
ok $? "remove"
lib remove shop_copy 2>err.txt
is "$?" "1" "removing an absent leak: exit code 1"
is "$(lib list --json | jq length)" "5" "five leaks again"
is "$(ls "$L/sets" | wc -l)" "5" "the removed leak's files are gone"

lib verify 2>verify.txt
ok $? "verify: the library is sound"
grep -q "0 problems: ok" verify.txt
ok $? "... and says so"

# one leak from several inputs, archives included
zip -q -j both.zip "$F/voters_2019.csv" "$F/combo_2022.txt"
lib ingest -q --name bundle both.zip "$F/clinic_2021.jsonl"
ok $? "one leak from a zip and a file"
is "$(lib show --json bundle | jq -r '[.sources[].path | sub(".*/"; "")] | join(" ")')" \
	"both.zip:voters_2019.csv both.zip:combo_2022.txt clinic_2021.jsonl" "its sources, members named"
is "$(lib show --json bundle | jq -r '.leak.records')" "$((3295 + 1773 + 1543))" "its records, all inputs"

# where the library is
mkdir -p xdg
XDG_DATA_HOME="$T_TMP/xdg" dt ingest -q --name c "$F/combo_2022.txt"
ok $? "ingest into the default library"
test -f xdg/dumptrace/library/catalog.db
ok $? "... which is \$XDG_DATA_HOME/dumptrace/library"
DUMPTRACE_LIBRARY="$T_TMP/env-lib" dt ingest -q --name c "$F/combo_2022.txt" &&
	DUMPTRACE_LIBRARY="$T_TMP/env-lib" dt list --json | jq -e 'length == 1' >/dev/null
ok $? "\$DUMPTRACE_LIBRARY names the library"
dt list --library "$T_TMP/nowhere" 2>err.txt
ok $? "list of a library that does not exist yet is no error"
grep -q "no known leaks" err.txt
ok $? "... and says it is empty"

# keys (issue 16): every library is keyed with a random key kept outside it
dt ingest -q --library keyed --name combo "$F/combo_2022.txt"
ok $? "a new library"
kp=$(dt key path --library keyed)
case "$kp" in "$DUMPTRACE_KEY_DIR"/*.key) r=0 ;; *) r=1 ;; esac
ok $r "its key is in the key directory, named by the library's id ($kp)"
is "$(stat -c %a "$kp") $(stat -c %a "$DUMPTRACE_KEY_DIR")" "600 700" "... mode 0600, in a directory of mode 0700"
is "$(wc -c <"$kp" | tr -d ' ')" 81 "... one line: dumptrace-key-1 and 64 hex digits"
! grep -rq "$(cut -d' ' -f2 "$kp")" keyed/ 2>/dev/null
ok $? "the key is nowhere in the library"
is "$(dt lookup --library keyed --json --email erlan.shakenov5112@gmail.com | jq -r '.found[0]')" \
	"combo" "lookup with the library's key finds it"
dt key export --library keyed -o exported.key
ok $? "key export"
cmp -s exported.key "$kp"
ok $? "... writes the key as it is kept"
is "$(stat -c %a exported.key)" 600 "... mode 0600"
# a copy of the library elsewhere: without the key it says so and matches nothing
cp -r keyed copied
DUMPTRACE_KEY_DIR=$T_TMP/other-keys dt lookup --library copied --email erlan.shakenov5112@gmail.com 2>err.txt
is "$?" "2" "a copy of the library without its key: lookup refused"
grep -q "has no key on this machine" err.txt
ok $? "... saying why: $(head -c 160 err.txt)"
DUMPTRACE_KEY_DIR=$T_TMP/other-keys dt analyze -q --library copied "$F/combo_2022.txt" >/dev/null 2>err.txt
is "$?" "2" "... analyze refused too"
is "$(DUMPTRACE_KEY_DIR=$T_TMP/other-keys dt lookup --library copied --key-file exported.key --json \
	--email erlan.shakenov5112@gmail.com | jq -r '.found[0]')" "combo" "... with --key-file it matches"
DUMPTRACE_KEY_DIR=$T_TMP/other-keys dt key import --library copied exported.key 2>/dev/null &&
	is "$(DUMPTRACE_KEY_DIR=$T_TMP/other-keys dt lookup --library copied --json \
		--email erlan.shakenov5112@gmail.com | jq -r '.found[0]')" "combo" "key import: then it matches without --key-file"
dt key new -o other.key
ok $? "key new"
dt lookup --library keyed --key-file other.key --email erlan.shakenov5112@gmail.com 2>err.txt
is "$?" "2" "another key is refused"
grep -q "not the key of library" err.txt
ok $? "... saying why"
dt key import --library keyed other.key 2>err.txt
is "$?" "2" "importing another key is refused"
cmp -s exported.key "$kp"
ok $? "... and the key kept is unchanged"
printf 'a secret of more than sixteen bytes, and of thirty-two too\n' >weak.key
dt ingest -q --library weak --key-file weak.key --name combo "$F/combo_2022.txt" 2>err.txt
is "$?" "2" "a passphrase as a key file is refused"
grep -q "can be guessed" err.txt
ok $? "... saying why"
head -c 64 /dev/urandom >raw.key
dt ingest -q --library raw --key-file raw.key --name combo "$F/combo_2022.txt" &&
	is "$(dt lookup --library raw --key-file raw.key --json --email erlan.shakenov5112@gmail.com | jq -r '.found[0]')" \
		"combo" "64 random bytes are a key"
dt lookup --library raw --email erlan.shakenov5112@gmail.com 2>/dev/null
is "$?" "2" "a library made with --key-file is not matched without it"
# two libraries of the same leak under their own keys share no fingerprint
dt ingest -q --library twin --name combo "$F/combo_2022.txt"
f1=$(find keyed/sets -name 'value-email*' | head -1) f2=$(find twin/sets -name 'value-email*' | head -1)
[ -n "$f1" ] && [ -n "$f2" ] && ! cmp -s "$f1" "$f2"
ok $? "the same leak in two libraries: different fingerprints"
# a library of the earlier, unkeyed format is refused with a message
cp -r keyed old
sqlite3 old/catalog.db "UPDATE meta SET value = '1' WHERE key = 'format_version'" 2>/dev/null ||
	/usr/bin/python3 -c "import sqlite3; c = sqlite3.connect('old/catalog.db'); c.execute(\"UPDATE meta SET value = '1' WHERE key = 'format_version'\"); c.commit()"
dt list --library old 2>err.txt
is "$?" "2" "a format 1 library is refused"
grep -q "unkeyed fingerprints" err.txt && grep -q "ingest its leaks again" err.txt
ok $? "... saying what to do: $(head -c 200 err.txt)"

# inputs that give nothing, standard input, a truncated input
lib ingest -q --name none "$T_TMP/nonexistent.csv" 2>err.txt
is "$?" "2" "nothing readable: the ingest is abandoned"
is "$(lib list --json | jq '[.[] | select(.name == "none")] | length')" "0" "... and the library unchanged"
printf 'email,phone\nx@y.kz,87011234567\n' | lib ingest -q --name piped -
ok $? "ingest from standard input"
is "$(lib show --json piped | jq -r '.sources[0] | "\(.path) \(.size) \(.records)"')" "- 31 1" \
	"its source: '-', the bytes read, the records"
head -c 150000 "$F/voters_2019.csv" | gzip >cut.csv.gz
head -c 30000 cut.csv.gz >truncated.csv.gz
lib ingest -q --name cut truncated.csv.gz 2>err.txt
is "$?" "1" "a truncated input: what could be read is ingested, exit code 1"
grep -q "truncated.csv.gz" err.txt
ok $? "... and the input is named"
lib show --json cut | jq -e '.leak.records > 0' >/dev/null
ok $? "... with its records"

# bad usage
lib ingest "$F/combo_2022.txt" 2>/dev/null
is "$?" "2" "ingest without --name"
lib ingest --name x --breach-date 2019-13-45 "$F/combo_2022.txt" 2>/dev/null
is "$?" "2" "ingest with a bad date"
lib show nosuch 2>/dev/null
is "$?" "2" "show of an unknown leak"

done_testing
