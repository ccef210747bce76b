#!/bin/sh
# dedup --lines: the same output as awk '!seen[$0]++' (and the same set as
# sort -u) on inputs with CRLF, long lines, NUL bytes and non-UTF-8 bytes;
# the same output with a small --memory (spilled runs) as without.
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C

# generated combo-like lines with repeats, plus the awkward ones
awk 'BEGIN { srand(5); for (i = 0; i < 700000; i++) { r = int(rand() * 400000); printf "user%d@mail%d.kz:pass%d\n", r, r % 89, r * 3 } }' >gen.txt
{
	cat gen.txt
	printf 'caf\351:latin1\n\320\220\320\221:cyr\nbin\001\002\377\n'
	printf 'with\0nul:x\nwith\0nul:x\n'
	head -c 3000000 /dev/zero | tr '\0' 'L'; printf '\n'
	head -c 3000000 /dev/zero | tr '\0' 'L'; printf '\n'
	head -c 5000000 /dev/zero | tr '\0' 'M'; printf '\n'
	printf '\n\n  \n'
	tail -5000 gen.txt
	printf 'no-final-newline'
} >in.txt
awk '!seen[$0]++' in.txt >want.txt
dt dedup --lines in.txt >got.txt 2>err; is $? 0 "exit 0"
same_file got.txt want.txt "the same output as awk '!seen[\$0]++'"
sort -u in.txt >s1; sort -u got.txt >s2
same_file s2 s1 "the same set of lines as sort -u"
grep -q "lines in, .* unique, .* duplicates removed" err; ok $? "statistics on stderr"

dt dedup --lines -j 1 in.txt >got1.txt 2>/dev/null
same_file got1.txt want.txt "one thread: the same output"
dt dedup --lines --memory 8M in.txt --json >got2.txt 2>stats.json
same_file got2.txt want.txt "--memory 8M (spilled): the same output"
test "$(jq -r .spill_runs stats.json)" -gt 0; ok $? "--memory 8M did spill"
is "$(jq -r '.records_in - .unique - .duplicates' stats.json)" 0 "counts add up"

# CRLF and LF endings of the same text are one line, the first kept as it was
printf 'a\r\nb\na\nb\r\nc\r\n' >crlf.txt
dt dedup --lines crlf.txt >got.txt 2>/dev/null
is "$(od -An -c got.txt | tr -s ' ')" "$(printf 'a\r\nb\nc\r\n' | od -An -c | tr -s ' ')" "CRLF and LF are the same line"

# several inputs together, compressed and on standard input
head -100 gen.txt >p1; sed -n 50,150p gen.txt >p2; gzip -c p2 >p2.gz
cat p1 p2 | awk '!seen[$0]++' >want.txt
dt dedup --lines p1 p2.gz >got.txt 2>/dev/null
same_file got.txt want.txt "two inputs, one gzip: deduplicated together"
dt dedup --lines - <p1 >got.txt 2>/dev/null
awk '!seen[$0]++' p1 >want.txt
same_file got.txt want.txt "standard input"

# --dups and -o
dt dedup --lines -o kept.txt --dups dups.txt in.txt 2>/dev/null
awk 'seen[$0]++' in.txt >wantdups.txt
same_file dups.txt wantdups.txt "--dups writes every removed line"
awk '!seen[$0]++' in.txt >want.txt
same_file kept.txt want.txt "-o FILE"

# empty input and errors
: >empty
dt dedup --lines empty >got.txt 2>/dev/null; is $? 0 "empty input: exit 0"
test ! -s got.txt; ok $? "empty input: empty output"
dt dedup --lines missing.txt >/dev/null 2>err; is $? 1 "missing input: exit 1"
grep -q "cannot open 'missing.txt'" err; ok $? "missing input: message"
dt dedup --lines --key email x 2>err >/dev/null; is $? 2 "--key with --lines: exit 2"
done_testing
