#!/bin/sh
# Inputs that must not vanish (issue 18): a compressed stream whose content
# starts with NUL bytes (as an empty tar archive does), text that starts as
# a cpio header would ("070701", an IIN of someone born 2007-07-01), and
# archives that hold no file. Each is read, or said to hold nothing, and
# counted as such; the others inputs of the run are read all the same.
. "$TOP_SRCDIR/tests/lib.sh"

printf 'iin;name\n900101300017;Test Person\n' >good.csv
{ head -c 512 /dev/zero; printf 'iin;name\n900101300017;Test Person\n900101300025;Other Person\n'; } >nul.csv
for z in gzip xz zstd bzip2; do
	command -v $z >/dev/null 2>&1 || { skip "$z is not installed"; continue; }
	$z -c nul.csv >"nul.$z"
	dt cat "nul.$z" >out 2>err
	rc=$?
	grep -q "'nul.$z'.*NUL byte" err
	ok $? "$z of text after 512 NUL bytes: the NULs are rejected with a reason, not read as an empty tar"
	is "$rc" 1 "... exit 1"
	is "$(grep -c 900101300025 out)" 1 "... and the records after them are read"
done
tar cf empty.tar --files-from /dev/null
gzip -c empty.tar >empty.tar.gz
dt cat empty.tar.gz >out 2>err
is $? 1 "an empty tar archive in gzip: exit 1"
test -s err
ok $? "... with a message"

printf '070701300017;Иванов Иван\n900101300017;Test Person\n' >iin.csv
is "$(dt cat iin.csv 2>/dev/null | wc -l)" 2 "text starting 070701 (an IIN) is no cpio archive"
is "$(dt cat --format csv iin.csv 2>/dev/null | wc -l)" 2 "... with --format csv too"
printf '070707%s\n' "not an odc header" >odc.txt
is "$(dt cat odc.txt 2>/dev/null | wc -l)" 1 "text starting 070707 is read as text"
if command -v bsdtar >/dev/null 2>&1; then
	bsdtar --format newc -cf n.cpio good.csv && bsdtar --format odc -cf o.cpio good.csv
	is "$(dt cat n.cpio o.cpio 2>/dev/null | wc -l)" 2 "real newc and odc cpio archives are still opened"
else
	skip "bsdtar is not installed"
fi

mkdir -p d/e
tar cf dirs.tar d
dt cat dirs.tar >out 2>err
is $? 1 "a tar of directories only: exit 1"
grep -q "'dirs.tar': an archive with no file in it" err
ok $? "... saying it holds no file"
if command -v zip >/dev/null 2>&1; then
	zip -qr dirs.zip d
	dt sniff dirs.zip >out 2>err
	is $? 1 "a zip of directories only: sniff exits 1"
fi

# among other inputs: the good one is ingested, the others counted as failed
gzip -c nul.csv >hidden.gz
dt ingest --library lib --name g --json good.csv hidden.gz dirs.tar >res.json 2>err
is $? 1 "ingest good.csv hidden.gz dirs.tar: exit 1 (the leak committed, inputs lost)"
grep -q "hidden.gz" err && grep -q "dirs.tar" err
ok $? "... both bad inputs named"
is "$(jq -r .records res.json)" 4 "... the records of both readable inputs counted (1 + 2, 1 rejected)"

done_testing
