#!/bin/sh
# The library holds no personal data: a generated leak family is ingested
# (every leak and the claimed dump), then every e-mail, phone and IIN of
# those dumps, in every spelling they have there and normalized, is
# searched for in every byte of the library. None may be found.
. "$TOP_SRCDIR/tests/lib.sh"

GEN="$TOP_BUILDDIR/samples/gen"
[ -x "$GEN" ] || skip_all "samples/gen is not built"
"$GEN" -q --seed 11 --persons 3000 --out fam
ok $? "generate a leak family"

L="$T_TMP/lib"
for f in fam/*.csv fam/*.sql fam/*.jsonl fam/*.txt; do
	n=$(basename "$f"); n=${n%.*}
	dt ingest -q --library "$L" --name "$n" "$f" || echo "ingest $f failed"
done >out 2>&1
is "$(cat out)" "" "ingest every dump of the family"

# what a thief would look for, from the dumps themselves (charset-blind:
# the Latin and digit parts are the same bytes in CP1251 and UTF-8)
LC_ALL=C cat fam/*.csv fam/*.sql fam/*.jsonl fam/*.txt >all
LC_ALL=C grep -aoE '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}' all | sort -u >emails
tr 'A-Z' 'a-z' <emails | sort -u >>emails
LC_ALL=C grep -aoE '(^|[^0-9])[0-9]{12}([^0-9]|$)' all | tr -cd '0-9\n' | sort -u >iins
LC_ALL=C grep -aoE '(\+7|8|7)[ (-]*7[0-9]{2}[) -]*[0-9]{3}[ -]*[0-9]{2}[ -]*[0-9]{1,2}' all |
	sort -u >phones_raw
tr -cd '0-9\n' <phones_raw | sed 's/^8/7/' | sort -u >phones
cut -c2- phones | sort -u >phones10
n_e=$(wc -l <emails); n_i=$(wc -l <iins); n_p=$(wc -l <phones)
[ "$n_e" -gt 1000 ] && [ "$n_i" -gt 1000 ] && [ "$n_p" -gt 1000 ]
ok $? "the dumps hold $n_e e-mail spellings, $n_i IINs, $n_p phones to look for"

cat emails iins phones_raw phones phones10 >needles
files=$(find "$L" -type f | wc -l)
[ "$files" -gt 20 ]
ok $? "the library has $files files to search"
LC_ALL=C grep -r -a -F -o -f needles "$L" >found
is "$(wc -l <found)" "0" "no e-mail, phone or IIN anywhere in the library"
head -5 found | sed 's/^/# found: /'

# the check is able to fail: a needle planted in a library file is found
cp -r "$L" planted
head -1 emails >>planted/catalog.db
LC_ALL=C grep -r -a -F -q -f needles planted
ok $? "the search finds a planted e-mail"

# names are not kept either: the skeletons of the family's surnames
LC_ALL=C grep -aoE "'[A-Z][a-z]{3,}'" fam/shop_2020.sql | tr -d "'" | sort -u >names
LC_ALL=C grep -r -a -F -o -w -f names "$L" | grep -v -e 'catalog.db' >found_names
is "$(wc -l <found_names)" "0" "no name in the set files"

done_testing
