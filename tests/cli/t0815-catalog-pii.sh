#!/bin/sh
# Nothing from the input but counts, types and coarse profiles reaches the
# catalog or a report (issue 18): column names that are data (JSON objects
# keyed by e-mail), member names that are data (<IIN>.csv, <email>.csv),
# the exact oldest and youngest birth dates, one-person e-mail domains.
. "$TOP_SRCDIR/tests/lib.sh"

command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v zip >/dev/null 2>&1 || skip_all "zip is not installed"

# JSON objects keyed by e-mail address; members named by an IIN and an e-mail
printf '{"ivan.petrov@mail.kz": {"name": "Ivan", "iin": "900101300017"}, "olga@corp.kz": {"name": "Olga", "iin": "900101300025"}}\n' >byemail.json
mkdir m
printf 'iin;name;birth_date\n880101300013;Ivan;1988-01-17\n' >m/880101300013.csv
printf 'iin;name;birth_date\n900101300025;Olga;1990-02-03\n' >m/olga.kim@corp.kz.csv
printf 'iin;name;birth_date\n910101300014;Petr;1991-03-04\n' >"m/+7 701 123 45 67.csv"
(cd m && zip -q ../m.zip ./*.csv)
# addresses: five people at one domain, one at a domain of his own
{
	echo "email;name"
	for i in 1 2 3 4 5; do echo "user$i@bigcorp.kz;User $i"; done
	echo "ivan@petrov-family.kz;Ivan Petrov"
	echo "ivan@petrov-family.kz;Ivan Petrov"
} >mails.csv
dt ingest -q --library lib --name j byemail.json m.zip mails.csv || exit 1

grep -q "(withheld column 1)" lib/catalog.db
ok $? "a column named by an e-mail address is stored withheld"
for s in ivan.petrov@mail.kz olga@corp.kz 880101300013.csv olga.kim@corp.kz "701 123 45 67" 1988-01-17 1991-03-04 \
	petrov-family.kz; do
	if LC_ALL=C grep -aqF "$s" lib/catalog.db; then ok 1 "'$s' is not in the catalog"; else ok 0 "'$s' is not in the catalog"; fi
done
dt show --library lib --json j >show.json
is "$(jq -r '[.sources[].path] | join(" ")' show.json)" \
	"byemail.json m.zip:(withheld) m.zip:(withheld) m.zip:(withheld) mails.csv" "member names with an IIN, an e-mail, a phone: withheld"
is "$(jq -r '[.dates[] | .min, .max] | join(" ")' show.json)" "1988-01 1991-03" "birth dates: months, not days"
is "$(jq -r '[.email_domains[].domain] | join(" ")' show.json)" "bigcorp.kz" \
	"e-mail domains: one of five people, not a one-person domain"
LC_ALL=C grep -aq "bigcorp.kz" lib/catalog.db
ok $? "... which is kept"

# the reports
dt analyze -q --library lib --json an.json --html an.html --records rec.jsonl byemail.json
for f in an.json an.html rec.jsonl; do
	if grep -q "ivan.petrov@mail.kz\|olga@corp.kz" "$f"; then ok 1 "$f: no e-mail in a column name"; else ok 0 "$f: no e-mail in a column name"; fi
done
grep -q "withheld column" an.json
ok $? "... the columns are there, withheld"
dt analyze -q --library lib --json an2.json mails.csv
if grep -q "petrov-family" an2.json; then ok 1 "analyze --json: no one-person domain"; else ok 0 "analyze --json: no one-person domain"; fi

done_testing
