#!/bin/sh
# pg_dump archives (custom -Fc and tar -Ft), read without PostgreSQL. Small
# crafted archives (the fuzz seeds: every compression, versions 1.10 to
# 1.16, COPY escapes, large objects, --inserts data, a block missing from
# the TOC) always; then, when ../shared/corpora is there, the real
# northwind archives against their plain script: the true count, table by
# table, record by record, in 7-byte pieces, from a pipe, and cut or lied
# about (patched bytes): a clear failure or rejection, never a crash.
. "$TOP_SRCDIR/tests/lib.sh"
S="$TOP_SRCDIR/tests/fuzz/corpus/pgdump"
noinput() { sed 's/"_input":"[^"]*",//'; }
count() { # count FILE: "parsed rejected exit-status"
	dt sniff --json "$@" >sniff.json 2>/dev/null
	rc=$?
	echo "$(jq -r '.inputs[0].records.parsed' sniff.json) $(jq -r '.inputs[0].records.rejected' sniff.json) $rc"
}

# --- crafted archives ---------------------------------------------------

cat >want.jsonl <<'EOF'
{"_table":"t1","id":"1","name":"name 1","pad":"x"}
{"_table":"t1","id":"2","name":"name 2","pad":"xx"}
{"_table":"t1","id":"3","name":"name 3","pad":"xxx"}
{"_table":"Mixed Case","Order ID":"7","when":"2020-01-01"}
{"_table":"Mixed Case","Order ID":"8","when":null}
EOF
for f in custom-gzip.dump custom-none.dump custom-zstd.dump custom-lz4.dump v1.10.dump \
	tar-none.tar tar-gzip.tar; do
	dt cat -q --output-format jsonl "$S/$f" 2>/dev/null | noinput >got.jsonl
	same_file got.jsonl want.jsonl "$f: its rows, tables and quoted column names"
	dt cat -q --chunk 3 --output-format jsonl "$S/$f" 2>/dev/null | noinput >got3.jsonl
	same_file got3.jsonl want.jsonl "$f: the same in 3-byte pieces"
done
dt sniff --json "$S/custom-zstd.dump" >z.json 2>/dev/null
is "$(jq -r '.inputs[0].dialect | [.format, .archive, .archive_version, .database, .tables, .compression] | join(" ")' z.json)" \
	"pgdump custom 1.16 testdb 3 zstd" "sniff: reader, archive kind, version, database, tables, compression"
dt sniff --json "$S/tar-none.tar" >t.json 2>/dev/null
is "$(jq -r '.inputs[0].dialect | [.archive, .archive_version] | join(" ")' t.json)" "tar 1.14" \
	"sniff: a tar archive (the tar is read whole, not unpacked)"

gzip -c "$S/tar-none.tar" >tar-none.tar.gz
dt cat -q --output-format jsonl tar-none.tar.gz 2>/dev/null | noinput >got.jsonl
same_file got.jsonl want.jsonl "a gzipped -Ft archive: read whole by the pgdump reader, not unpacked"
dt sniff --json tar-none.tar.gz >t.json 2>/dev/null
is "$(jq -r '.inputs[0] | [.name, .compression, .dialect.archive] | join(" ")' t.json)" "tar-none.tar.gz gzip tar" \
	"sniff: a gzipped -Ft archive is one input, its compression named"

cat >want-esc.jsonl <<'EOF'
{"_table":"esc","id":"1","name":"plain","Odd \"col\"":null}
{"_table":"esc","id":"2","name":"tab\there","Odd \"col\"":"nl\nline"}
{"_table":"esc","id":"3","name":"back\\slash","Odd \"col\"":"0x414200"}
{"_table":"esc","id":"4","name":"0x62696efffe","Odd \"col\"":"cr\r\u000b\f\b"}
{"_table":"esc","id":"5","name":"utf8 é€","Odd \"col\"":""}
EOF
dt cat -q --output-format jsonl "$S/escapes.dump" 2>/dev/null | noinput >got.jsonl
same_file got.jsonl want-esc.jsonl "COPY text: \\N, escapes, octal and hex; NUL and non-UTF-8 values as 0x hex"

is "$(count "$S/blobs.dump") $(jq -r '.inputs[0].dialect.large_objects' sniff.json)" "5 0 0 2" \
	"large objects are passed over (and counted), the tables read"
is "$(count "$S/inserts.dump")" "5 1 1" "an --inserts data block is one rejection, the rest read"
grep -q 'holds INSERT statements' sniff.json
ok $? "... which says why"
is "$(count "$S/orphan.dump")" "6 1 1" "a data block not in the TOC is one rejection; the blocks after it are read"
grep -q 'data block 9999 is not in the TOC' sniff.json
ok $? "... which names the block"
is "$(dt cat -q --table 'Mixed Case' --output-format jsonl "$S/custom-gzip.dump" 2>/dev/null | wc -l | tr -d ' ')" 2 \
	"--table reads one table of an archive"

# a later archive version is refused, by name
cp "$S/custom-none.dump" v17.dump && chmod u+w v17.dump
printf '\021' | dd of=v17.dump bs=1 seek=6 conv=notrunc 2>/dev/null
dt sniff v17.dump >v17.out 2>&1
is "$? $(grep -c 'pg_dump archive version 1.17 is newer than this reader knows' v17.out)" "1 2" \
	"archive version 1.17: refused as newer than the reader knows"

# --- the real northwind archives -----------------------------------------

if [ ! -d "$CORPORA/real" ]; then
	skip "corpus $CORPORA/real is absent (../shared/corpora not beside the project)"
	done_testing
	exit
fi
R="$CORPORA/real"

for f in northwind.dump northwind.tar; do
	is "$(count "$R/$f")" "3362 0 0" "$f: all 3,362 records (README), none rejected, exit 0"
done
dt sniff "$R/northwind.sql" 2>/dev/null | grep '^  table' | sort >sql.tables
for f in northwind.dump northwind.tar; do
	dt sniff "$R/$f" 2>/dev/null | grep '^  table' | sort >arch.tables
	same_file arch.tables sql.tables "$f: the same tables and counts as the plain script"
done

# Record by record. The archive was made by loading northwind.sql: its
# REAL columns (unit_price, discount, freight) went through float4, which
# pg_dump writes shortest ("9.8" for the script's "9.80000019"). They are
# compared to 6 significant digits; everything else must be identical.
dt cat -q --output-format jsonl "$R/northwind.sql" 2>/dev/null | noinput | sort >sql.jsonl
jq -c 'del(.unit_price, .discount, .freight)' sql.jsonl | sort >sql.other
reals() {
	jq -r '[._table, (.unit_price // "-"), (.discount // "-"), (.freight // "-")] | @tsv' "$1" |
		awk -F'\t' -v OFS='\t' '{ for (i = 2; i <= 4; i++) if ($i != "-" && $i != "") $i = sprintf("%.6g", $i); print }' |
		sort
}
reals sql.jsonl >sql.reals
for f in northwind.dump northwind.tar; do
	dt cat -q --output-format jsonl "$R/$f" 2>/dev/null | noinput | sort >arch.jsonl
	jq -c 'del(.unit_price, .discount, .freight)' arch.jsonl | sort >arch.other
	same_file arch.other sql.other "$f: every record as in the plain script, column order and values"
	reals arch.jsonl >arch.reals
	same_file arch.reals sql.reals "$f: the float4 columns equal to 6 digits"
	dt cat -q --output-format jsonl "$R/$f" >whole.out 2>/dev/null
	dt cat -q --chunk 7 --output-format jsonl "$R/$f" >part.out 2>/dev/null
	same_file part.out whole.out "$f: the same records in 7-byte pieces"
	dt cat -q --output-format jsonl - <"$R/$f" 2>/dev/null | noinput >pipe.out
	noinput <whole.out >whole.noinput
	same_file pipe.out whole.noinput "$f: the same from a pipe"
done
if command -v pg_restore >/dev/null 2>&1; then
	# PostgreSQL's own reading of the archive, as a plain script: exactly the same
	pg_restore -f restored.sql "$R/northwind.dump" 2>/dev/null
	dt cat -q --output-format jsonl restored.sql 2>/dev/null | noinput | sort >restored.jsonl
	dt cat -q --output-format jsonl "$R/northwind.dump" 2>/dev/null | noinput | sort >arch.jsonl
	same_file arch.jsonl restored.jsonl "northwind.dump: identical to what pg_restore makes of it"
else
	skip "pg_restore is not installed"
fi

# cut short: the rows before the cut, and the cut said
head -c 40000 "$R/northwind.dump" >cut.dump
is "$(count cut.dump)" "2321 0 1" "a custom archive cut in a data block: the rows before the cut, exit 1"
grep -q "truncated pg_dump archive: it ends inside data block 3438 (table 'orders')" sniff.json
ok $? "... and where it was cut"
head -c 10000 "$R/northwind.dump" >cut2.dump
dt sniff cut2.dump >cut2.out 2>&1
is "$? $(grep -c 'truncated pg_dump archive: it ends inside TOC entry 30 of 59' cut2.out)" "1 2" \
	"a custom archive cut in its TOC: failed, saying where"
head -c 100000 "$R/northwind.tar" >cut.tar
dt sniff cut.tar >cut.out 2>&1
test $? -eq 1 && grep -q 'cannot read' cut.out
ok $? "a tar archive cut short: failed with libarchive's reason"

# lying: patched bytes give a message, never a crash or a hang
lie() { # lie OFFSET BYTES: a copy of northwind.dump with BYTES (printf) at OFFSET
	cp "$R/northwind.dump" lie.dump && chmod u+w lie.dump
	printf "$2" | dd of=lie.dump bs=1 seek="$1" conv=notrunc 2>/dev/null
	dt sniff lie.dump >lie.out 2>&1
	echo $?
}
is "$(lie 129 '\377\177') $(grep -c 'of 32767 has dumpId' lie.out)" "1 2" \
	"a TOC count larger than the file: failed at the first entry that is not one"
is "$(lie 129 '\377\377\377\177') $(grep -c 'a TOC of 2147483647 entries' lie.out)" "1 2" \
	"a TOC count past any archive: refused at once"
is "$(lie 52 '\377\377\377\177') $(grep -c 'a string of 2147483647 bytes in the archive header' lie.out)" "1 2" \
	"a string length past the end: refused, not allocated"
lie 20827 '\017\047' >/dev/null
is "$(count lie.dump)" "3354 1 1" "a data block whose dumpId is not in the TOC: one rejection, the other tables read"
is "$(lie 20840 '\377\377\377\377\377\377\377\377') $(grep -c 'does not inflate' lie.out)" "1 2" \
	"compressed data that does not inflate: failed, saying which block"

done_testing
