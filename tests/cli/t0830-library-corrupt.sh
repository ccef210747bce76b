#!/bin/sh
# A damaged library: a byte flipped in a block of a fingerprint set (at the
# start and at the end of the blocks), a set file truncated or deleted, a
# leak's directory deleted, a damaged column sketch, a catalog with garbage
# appended or written over its header. verify finds each, naming the leak,
# the set and the block; lookup still answers from the other leaks and
# names the damage; list and show work; an untouched copy stays clean.
. "$TOP_SRCDIR/tests/lib.sh"

F="$TOP_SRCDIR/samples/family"
L="$T_TMP/lib"
lib() { dt "$@" --library "$L"; }

# three leaks that share e-mails; each one's directory found by elimination
ingest() { # ingest NAME FILE: sets $dir to the directory it made
	ls "$L/sets" 2>/dev/null >before
	lib ingest -q --name "$1" "$2" 2>/dev/null &&
		dir=$(ls "$L/sets" | grep -v -x -F -f before)
}
ingest shop_2020 "$F/shop_2020.sql" && dir_a=$dir &&
	ingest combo_2022 "$F/combo_2022.txt" &&
	ingest claimed_2025 "$F/claimed_2025.csv" && dir_c=$dir
ok $? "ingest three leaks that share e-mails"
set_a="$L/sets/$dir_a/value-email.fps"
rec_c="$L/sets/$dir_c/record.fps"
[ -f "$set_a" ] && [ -f "$rec_c" ]
ok $? "the shop's e-mail set and the claimed dump's record set are found"
if command -v sqlite3 >/dev/null; then
	is "$(sqlite3 "$L/catalog.db" "select dir from leaks where name = 'shop_2020'")" "$dir_a" \
		"... as the catalog says"
fi
cp -r "$L" clean
cp -r "$L" orig

shared=' Erlan.Shakenov5112@GMAIL.com ' # in all three
only_a=saule8650@gmail.com              # in the shop only
phone='+7 778 570 7224'                 # in the shop and the claimed dump
lib lookup --json --email "$shared" --email "$only_a" --phone "$phone" | jq -r '.found | join(" ")' >want
printf '%s\n' "claimed_2025 combo_2022 shop_2020" "shop_2020" "claimed_2025 shop_2020" | cmp -s - want
ok $? "lookups on the sound library"

flip() { # flip FILE OFFSET: inverts one byte
	b=$(od -A n -t u1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
index_offset() { od -A n -t u8 -j 40 -N 8 "$1" | tr -d ' '; } # fpset.h: header field
restore() { rm -rf "$L" && cp -r orig "$L"; }

# the effects of a damaged e-mail set of the shop, whatever the damage
damaged_a() { # damaged_a WHAT PATTERN
	lib verify >v.out 2>&1
	is "$?" 1 "$1: verify exits 1"
	grep -q "error: leak 'shop_2020': .*$2" v.out
	ok $? "... naming the leak and the damage"
	sed 's/^/# /' v.out
	grep -q "1 problem$" v.out
	ok $? "... and nothing else"
	lib lookup --json --email "$shared" >l.out 2>l.err
	is "$?" 0 "$1: lookup of an e-mail of three leaks exits 0"
	is "$(jq -r '.found | join(" ")' l.out)" "claimed_2025 combo_2022" "... and finds it in the other two"
	grep -q "error: leak 'shop_2020': .*$2" l.err
	ok $? "... and names the damage"
	lib lookup --email "$only_a" >l.out 2>l.err
	is "$?" 2 "$1: lookup of an e-mail of the damaged leak only exits 2"
	grep -q "error: leak 'shop_2020': .*$2" l.err
	ok $? "... and names the damage"
	lib lookup --json --phone "$phone" >l.out 2>l.err
	is "$?:$(jq -r '.found | join(" ")' l.out):$(cat l.err)" "0:claimed_2025 shop_2020:" \
		"$1: lookup of a phone (a sound set of that leak) is unaffected"
	is "$(lib list --json | jq -r '[.[].name] | join(" ")')" "claimed_2025 combo_2022 shop_2020" \
		"$1: list works"
	lib show shop_2020 >/dev/null && lib show --json shop_2020 >s.json &&
		jq -e '[.sets[] | select(.kind == "value" and .type == "email")] | length == 1' s.json >/dev/null
	ok $? "$1: show works"
}

flip "$set_a" 100
damaged_a "a byte flipped at offset 100" "set 'value-email.fps': block 0: checksum mismatch"
if dt analyze --help >/dev/null 2>&1; then
	dt analyze --library "$L" "$F/shop_2020.sql" >a.out 2>a.err
	ok $((! $?)) "analyze of a dump against it fails"
	grep -q "leak 'shop_2020'.*value-email.fps.*block 0" a.err
	ok $? "... naming the leak, the set and the block"
fi

restore
end=$(index_offset "$set_a")
flip "$set_a" $((end - 1))
damaged_a "the last byte of the blocks flipped" "set 'value-email.fps': block 0: checksum mismatch"

restore
end=$(index_offset "$rec_c")
[ "$(od -A n -t u8 -j 24 -N 8 "$rec_c" | tr -d ' ')" = 2 ]
ok $? "the claimed dump's record set has two blocks"
flip "$rec_c" $((end - 2))
lib verify >v.out 2>&1
is "$?" 1 "a byte flipped in the last block of another set: verify exits 1"
grep -q "error: leak 'claimed_2025': set 'record.fps': block 1: checksum mismatch" v.out
ok $? "... naming the leak, the set and block 1"
sed 's/^/# /' v.out
is "$(lib lookup --json --email "$shared" --email "$only_a" --phone "$phone" 2>&1 | jq -r '.found | join(" ")')" \
	"$(cat want)" "lookups, which read no record set, are unaffected"

restore
truncate -s 5000 "$set_a"
damaged_a "a set file truncated" "set 'value-email.fps'"

restore
rm "$set_a"
damaged_a "a set file deleted" "set 'value-email.fps'"

restore
rm -r "$L/sets/$dir_a"
lib verify >v.out 2>&1
is "$?" 1 "a leak's directory deleted: verify exits 1"
grep -q "error: leak 'shop_2020': directory 'sets/$dir_a' is missing" v.out
ok $? "... and says so"
lib lookup --json --email "$shared" >l.out 2>l.err
is "$?:$(jq -r '.found | join(" ")' l.out)" "0:claimed_2025 combo_2022" "... lookup finds the others"
grep -q "error: leak 'shop_2020'" l.err
ok $? "... and names the leak it cannot read"
lib ingest -q --name voters_2019 "$F/voters_2019.csv"
ok $? "... an ingest still works"
lib remove shop_2020 2>/dev/null
ok $? "... and the damaged leak can be removed"
lib verify 2>/dev/null
ok $? "... after which verify is clean"

# a column sketch damaged in the catalog (a byte of the blob inverted)
restore
if command -v sqlite3 >/dev/null; then
	sqlite3 "$L/catalog.db" "update columns set sketch = cast(substr(sketch, 1, 19) ||
		case when substr(sketch, 20, 1) = x'41' then x'42' else x'41' end ||
		substr(sketch, 21) as blob)
		where rowid = (select c.rowid from columns c join leaks l on l.id = c.leak_id
		where l.name = 'combo_2022' and c.sketch is not null limit 1)"
	lib verify >v.out 2>&1
	is "$?" 1 "a column sketch damaged: verify exits 1"
	grep -q "error: leak 'combo_2022': column '.*': corrupt column sketch" v.out
	ok $? "... naming the leak and the column"
	grep -q "does not match its digest" v.out && grep -q "2 problems$" v.out
	ok $? "... and the catalog's digest, nothing else"
	sed 's/^/# /' v.out
else
	skip "sqlite3 is not installed"
	skip "sqlite3 is not installed"
fi

# garbage after the catalog's pages: SQLite goes by the page count in its
# header and ignores it; nothing may break
restore
yes "GARBAGE 0123456789" | head -c 5000 >>"$L/catalog.db"
lib verify >v.out 2>&1 && grep -q "3 leaks, 0 problems: ok" v.out
ok $? "garbage appended to the catalog: verify is clean (SQLite ignores it)"
is "$(lib lookup --json --email "$shared" --email "$only_a" --phone "$phone" | jq -r '.found | join(" ")')" \
	"$(cat want)" "... lookups work"
lib ingest -q --name voters_2019 "$F/voters_2019.csv" && lib verify 2>/dev/null
ok $? "... an ingest works"

# garbage over the catalog's header: the library is damaged, not absent
restore
printf 'GARBAGE GARBAGE GARBAGE' | dd of="$L/catalog.db" bs=1 seek=0 conv=notrunc 2>/dev/null
lib verify >v.out 2>&1
is "$?" 2 "the catalog's header overwritten: verify exits 2"
sed 's/^/# /' v.out
! grep -q "no library" v.out && grep -q "catalog.db" v.out
ok $? "... naming the damaged catalog"
lib list >l.out 2>l.err
ok $((! $?)) "list fails"
sed 's/^/# /' l.err
lib lookup --email "$shared" >l.out 2>l.err
ok $(($? != 2)) "lookup exits 2"
sed 's/^/# /' l.out l.err
lib show shop_2020 >l.out 2>l.err
! grep -q "no library" l.err
ok $? "show does not call it absent"
sed 's/^/# /' l.err
lib ingest -q --name voters_2019 "$F/voters_2019.csv" 2>i.err
is "$?" 2 "ingest refuses it"
grep -q "catalog.db" i.err
ok $? "... naming the catalog"
is "$(ls "$L/sets")" "$(ls orig/sets)" "... and leaves the sets alone"

lib() { dt "$@" --library "$T_TMP/clean"; }
lib verify 2>v.out
ok $? "the untouched copy is clean"
grep -q "3 leaks, 0 problems: ok" v.out
ok $? "... and says so"

done_testing
