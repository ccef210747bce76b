#!/bin/sh
# An archive of 100,000 tiny members (issue 18): work and memory per member
# constant. Under a 1 GiB address-space limit, ingest, sniff, cat and
# analyze read every member; the catalog lists the first 100 members of an
# input and one row for the rest; members of one header share one schema
# and one profile. (The times of 10,000 / 100,000 / 300,000 members are
# bench/archives.sh's.)
. "$TOP_SRCDIR/tests/lib.sh"

command -v prlimit >/dev/null 2>&1 || skip_all "prlimit (util-linux) is not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
python3 - <<'PY' || exit 1
import io, tarfile
with tarfile.open("m.tar.gz", "w:gz", compresslevel=1) as t:
    for i in range(100000):
        d = ("iin;name\n%d;P%d\n" % (900101300017 + 13 * i, i)).encode()
        ti = tarfile.TarInfo("m/%d.csv" % i)
        ti.size = len(d)
        t.addfile(ti, io.BytesIO(d))
PY
AS=1073741824
# the sanitizers reserve terabytes of address space: there the members are
# read without the limit (the bound is the normal build's to keep)
if [ -n "${DUMPTRACE_SANITIZED:-}" ]; then
	lim() { "$DUMPTRACE" "$@"; }
	W="(no limit under the sanitizers)"
else
	W="within 1 GiB"
	lim() { prlimit --as=$AS -- "$DUMPTRACE" "$@"; }
fi

lim ingest -q --library lib --name m --json m.tar.gz >ing.json
is $? 0 "ingest of 100,000 members $W"
is "$(jq -r .records ing.json)" 100000 "... every member's record"
dt show --library lib --json m >show.json
is "$(jq -r '.sources | length' show.json)" 101 "... the catalog: 100 member rows and one for the rest"
is "$(jq -r '.sources[100] | "\(.path) \(.records)"' show.json)" "m.tar.gz:(99,900 more members) 99900" \
	"... which counts them"
is "$(jq -r '.columns | length' show.json)" 2 "... one profile for the one header"
lim sniff --json m.tar.gz >sniff.json
is $? 0 "sniff $W"
is "$(jq -r '.inputs | length' sniff.json)" 100000 "... each member reported"
is "$(jq -r '.totals.parsed' sniff.json)" 100000 "... and counted"
is "$(lim cat m.tar.gz 2>/dev/null | wc -l)" 100000 "cat $W: every record"
lim analyze -q --library lib --json - m.tar.gz >an.json
is $? 0 "analyze $W"
is "$(jq -r '.status_counts.copied' an.json)" 100000 "... every row found in the leak"

done_testing
