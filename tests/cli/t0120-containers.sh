#!/bin/sh
# The same CSV in every container, compression and charset gives the same
# records: fixtures are made here from one source file.
. "$TOP_SRCDIR/tests/lib.sh"

cat >src.csv <<'CSV'
iin;fio;phone;city
870421300123;АХМЕТОВ НУРЛАН СЕРИКОВИЧ;8 (701) 234-56-78;Алматы
900101400456;ИВАНОВА МАРИЯ ПЕТРОВНА;+7 707 987 65 43;Астана
850615350789;СМИРНОВ ПЁТР;87751112233;Караганда
CSV
# records without the input name, which differs by container
records() { dt cat --quiet "$@" | sed 's/^{"_input":"[^"]*",/{/'; }
records src.csv >want.out
test -s want.out; ok $? "the source file reads"

check() { # check DESCRIPTION FILE [OPTIONS]
	d=$1; shift
	records "$@" >got.out 2>err
	same_file got.out want.out "$d"
}

gzip -c src.csv >s.csv.gz;        check "gzip" s.csv.gz
zstd -q -c src.csv >s.csv.zst;    check "zstd" s.csv.zst
xz -c src.csv >s.csv.xz;          check "xz" s.csv.xz
bzip2 -c src.csv >s.csv.bz2;      check "bzip2" s.csv.bz2
lz4 -q -c src.csv >s.csv.lz4;     check "lz4" s.csv.lz4
zip -q s.zip src.csv;             check "zip member" s.zip
tar cf s.tar src.csv;             check "tar member" s.tar
tar czf s.tar.gz src.csv;         check "tar.gz member" s.tar.gz
tar cf - src.csv | zstd -q >s.tar.zst; check "tar.zst member" s.tar.zst
tar --format=v7 -cf s-v7.tar src.csv; check "V7 tar member (no ustar magic)" s-v7.tar
gzip -c s-v7.tar >s-v7.tar.gz;        check "V7 tar in gzip" s-v7.tar.gz
if command -v bsdcpio >/dev/null; then
	echo src.csv | bsdcpio -o --quiet --format bin >s.cpio; check "binary cpio member" s.cpio
else
	skip "bsdcpio (libarchive-tools) is not installed"
fi
dt sniff --json s.tar.gz s.tar.zst >tgz.json 2>/dev/null
is "$(jq -r '[.inputs[] | .name + " " + .container + " " + .compression] | join(", ")' tgz.json)" \
	"s.tar.gz:src.csv tar gzip, s.tar.zst:src.csv tar zstd" "a compressed tar: its member named, container tar, the compression kept"
if command -v 7z >/dev/null; then
	7z a -bd s.7z src.csv >/dev/null; check "7z member" s.7z
else
	skip "7z is not installed"
fi
cp s.csv.gz inner.csv.gz && zip -q nested.zip inner.csv.gz
check "a .csv.gz inside a zip" nested.zip
check "standard input" - <src.csv
check "gzip on standard input" - <s.csv.gz

printf '\357\273\277' >bom.csv && cat src.csv >>bom.csv; check "UTF-8 with BOM" bom.csv
iconv -f UTF-8 -t UTF-16LE src.csv >u16.csv;          check "UTF-16LE without BOM" u16.csv
{ printf '\377\376'; cat u16.csv; } >u16bom.csv;      check "UTF-16LE with BOM" u16bom.csv
iconv -f UTF-8 -t UTF-16BE src.csv >u16be.csv;        check "UTF-16BE without BOM" u16be.csv
iconv -f UTF-8 -t CP1251 src.csv >cp1251.csv;         check "CP1251" cp1251.csv
iconv -f UTF-8 -t KOI8-R src.csv >koi8.csv;           check "KOI8-R" koi8.csv
iconv -f UTF-8 -t CP866 src.csv >cp866.csv;           check "CP866" cp866.csv
gzip -c cp1251.csv >cp1251.csv.gz;                    check "CP1251 inside gzip" cp1251.csv.gz
check "CP1251 forced by --encoding" cp1251.csv --encoding cp1251
check "chunked CP1251 (conversion across fills)" cp1251.csv --chunk 3
check "chunked UTF-16 (conversion across fills)" u16.csv --chunk 1

# names and what sniff says about containers
dt sniff --json s.zip nested.zip cp1251.csv.gz >sn.json 2>/dev/null
is "$(jq -r '.inputs[0].name' sn.json)" "s.zip:src.csv" "member named archive:path"
is "$(jq -r '.inputs[0].container' sn.json)" "zip" "container zip"
is "$(jq -r '.inputs[1].name' sn.json)" "nested.zip:inner.csv.gz" "nested member named"
is "$(jq -r '.inputs[1].compression' sn.json)" "gzip" "nested member compression"
is "$(jq -r '.inputs[2].encoding' sn.json)" "cp1251" "CP1251 detected inside gzip"
is "$(jq -r '.inputs[2].compression' sn.json)" "gzip" "gzip named"

# an archive with several members gives one input each, in order
printf 'a,b\n1,2\n' >m1.csv
printf 'name;city;phone\nАхметов;Алматы;87012345678\nИванов;Астана;87011112233\n' >m2.csv
zip -q multi.zip m1.csv m2.csv
dt sniff --json multi.zip >sn.json 2>/dev/null
is "$(jq -r '[.inputs[].records.parsed] | join(",")' sn.json)" "1,2" "each member is its own input"
is "$(jq -r '.inputs[1].dialect.delimiter' sn.json)" ";" "each member has its own dialect"
done_testing
