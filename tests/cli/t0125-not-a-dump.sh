#!/bin/sh
# Identify before guessing: files that hold no dump (PDF, images,
# executables, OpenDocument) are reported by what they are, counted as
# failed inputs and never read as text or ingested, alone or inside an
# archive; encrypted archives say so, and --password-file opens a zip.
. "$TOP_SRCDIR/tests/lib.sh"

printf '%%PDF-1.4\n%%\342\343\317\323\n1 0 obj\n<< /Type /Catalog >>\nendobj\n' >x.pdf
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1' >x.png
printf '\377\330\377\340\0\020JFIF\0' >x.jpg
printf 'GIF89a\1\0\1\0' >x.gif
cp "$DUMPTRACE" x.bin
printf 'email,name\na@x.kz,Ali\nb@x.kz,Bo\n' >ok.csv

for f in x.pdf x.png x.jpg x.gif x.bin; do
	dt sniff $f >out 2>err
	is $? 1 "$f: sniff exits 1"
done
dt sniff x.pdf x.png x.jpg x.gif x.bin >out 2>err
is "$(cat err)" "dumptrace: 'x.pdf': a PDF document, not a dump; skipped
dumptrace: 'x.png': a PNG image, not a dump; skipped
dumptrace: 'x.jpg': a JPEG image, not a dump; skipped
dumptrace: 'x.gif': a GIF image, not a dump; skipped
dumptrace: 'x.bin': an ELF executable, not a dump; skipped" "each is named by what it is"
is "$(dt cat -q --output-format jsonl x.pdf 2>/dev/null | wc -l | tr -d ' ')" 0 "cat reads no record out of a PDF"

# inside an archive: the member is skipped, the others read
if command -v zip >/dev/null 2>&1; then
	zip -q docs.zip x.pdf ok.csv x.png
	dt cat -q --output-format jsonl docs.zip >out 2>err
	is $? 1 "a zip with a PDF and a CSV: exit 1"
	is "$(wc -l <out | tr -d ' ')" 2 "... the CSV's two records read"
	grep -q "'docs.zip:x.pdf': a PDF document, not a dump; skipped" err
	ok $? "... the PDF member named"

	# an OpenDocument file is a zip that names its mimetype first
	mkdir od && printf 'application/vnd.oasis.opendocument.spreadsheet' >od/mimetype &&
		printf '<office:document-content/>' >od/content.xml
	(cd od && zip -q -X -0 ../x.ods mimetype && zip -q -X ../x.ods content.xml)
	dt sniff x.ods >out 2>err
	is $? 1 "an .ods: exit 1"
	grep -q "'x.ods': an OpenDocument file, not a dump; skipped" err
	ok $? "... named, not unpacked and read as XML"

	# encrypted zip
	zip -q -P s3cret enc.zip ok.csv
	dt cat -q enc.zip >out 2>err
	is $? 1 "an encrypted zip without a password: exit 1"
	grep -q "'enc.zip:ok.csv': encrypted; give its password with --password-file FILE" err
	ok $? "... and says how to open it"
	echo s3cret >pw
	is "$(dt cat -q --password-file pw --output-format jsonl enc.zip 2>/dev/null | wc -l | tr -d ' ')" 2 \
		"--password-file opens it"
	echo wrong >pw2
	dt cat -q --password-file pw2 enc.zip >out 2>err
	is $? 1 "a wrong password: exit 1"
	# (ZipCrypto checks one byte: 1 time in 256 a wrong password passes it and
	# the error is then in the inflated data; either way the member fails)
	grep -q "cannot read 'enc.zip:ok.csv'" err
	ok $? "... and says so"
else
	for i in 1 2 3 4 5 6 7 8 9 10 11; do skip "zip is not installed"; done
fi

if command -v 7z >/dev/null 2>&1; then
	7z a -ps3cret enc.7z ok.csv >/dev/null
	dt cat -q --password-file pw enc.7z >out 2>err
	is $? 1 "an encrypted 7z: exit 1"
	grep -q "encrypted 7z content, which libarchive cannot decrypt" err
	ok $? "... and says why and what to do"
else
	skip "7z is not installed"
	skip "7z is not installed"
fi

# never ingested
DUMPTRACE_LIBRARY=$PWD/lib
export DUMPTRACE_LIBRARY
dt ingest -q --name pdf x.pdf >out 2>err
test $? -ne 0
ok $? "ingest of a PDF fails"
is "$(dt list 2>/dev/null | grep -c pdf)" 0 "... and adds no leak"

done_testing
