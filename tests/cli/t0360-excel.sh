#!/bin/sh
# The Excel readers: xlsx (zip of XML, libarchive + expat) and xls (FreeXL).
# The real workbooks of ../shared/corpora/real; workbooks written by hand
# (every cell type, shared and inline strings, rich text, _xHHHH_
# escapes, formulas' cached values, dates in both systems and around
# Lotus's 1900-02-29, gaps, empty rows, a broken sheet); workbooks written
# by openpyxl and xlwt when Python has them (Kazakh text, a sheet name
# with spaces, merged cells, booleans); a zip bomb inside an xlsx; Word
# files refused by name; an xlsx inside a zip, gzip-compressed, on
# standard input and read 7 bytes at a time, giving the same records.
. "$TOP_SRCDIR/tests/lib.sh"

jl() { dt cat -q --output-format jsonl "$@" 2>/dev/null | sed 's/^{"_input":"[^"]*",/{/'; }

# a Python with zipfile, and ones with openpyxl and xlwt (Debian's
# python3-openpyxl and python3-xlwt live in /usr/bin/python3's path)
PY= PYX= PYW=
for p in python3 /usr/bin/python3; do
	command -v "$p" >/dev/null 2>&1 || continue
	[ -n "$PY" ] || ! "$p" -c 'import zipfile' 2>/dev/null || PY=$p
	[ -n "$PYX" ] || ! "$p" -c 'import openpyxl' 2>/dev/null || PYX=$p
	[ -n "$PYW" ] || ! "$p" -c 'import xlwt' 2>/dev/null || PYW=$p
done

# --- the real workbooks ------------------------------------------------------
R="$CORPORA/real"
if [ -f "$R/sheets.xlsx" ] && [ -f "$R/dummy.xlsx" ] && [ -f "$R/dummy.xls" ]; then
	is "$(jl "$R/dummy.xlsx")" '{"_table":"Sheet1","a":"1","b":"2","c":"3"}' "dummy.xlsx: one record, shared-string header"
	is "$(jl "$R/dummy.xls")" '{"_table":"Sheet1","a":"1","b":"2","c":"3"}' "dummy.xls: the same through FreeXL"
	cat >sheets.expected <<'EOF'
{"_table":"data","text":"Chicago Reader","date":"1971-01-01","integer":"40","boolean":"true","float":"1","datetime":"1971-01-01 04:14:00","empty_column":""}
{"_table":"data","text":"Chicago Sun-Times","date":"1948-01-01","integer":"63","boolean":"true","float":"1.27","datetime":"1948-01-01 14:57:13","empty_column":"","col8":"Extra data beyond headers will be trimmed"}
{"_table":"data","text":"Chicago Tribune","date":"1920-01-01","integer":"164","boolean":"false","float":"41800000.009999998","datetime":"1920-01-01","empty_column":""}
{"_table":"data","text":"This row has blanks","date":"","integer":"","boolean":"","float":"","datetime":"","empty_column":""}
{"_table":"data","text":"Unicode! Σ","date":"","integer":"","boolean":"","float":"","datetime":"","empty_column":""}
{"_table":"ʤ","a":"1","b":"2","c":"3"}
EOF
	jl "$R/sheets.xlsx" >sheets.out
	same_file sheets.out sheets.expected "sheets.xlsx: 6 records in 3 sheets, 1904 dates, booleans, a cell right of the header"
	dt sniff "$R/sheets.xlsx" >sniff.out 2>&1
	grep -q "format      xlsx sheets=3 date_system=1904" sniff.out
	ok $? "sheets.xlsx: sniff says 3 sheets and the 1904 date system"
	grep -q "table       data: 5 records" sniff.out && grep -q "table       ʤ: 1 records" sniff.out
	ok $? "sheets.xlsx: each sheet a table with its row count (the empty one has none)"
	dt sniff "$R/dummy.xls" >sniff.out 2>&1
	grep -q "format      xls sheets=1 date_system=1900 biff=8" sniff.out
	ok $? "dummy.xls: sniff names the format, BIFF8"
	is "$(jl --table 'ʤ' "$R/sheets.xlsx")" '{"_table":"ʤ","a":"1","b":"2","c":"3"}' "--table reads one sheet"
else
	skip "corpus $CORPORA/real is absent (../shared/corpora not beside the project)"
fi

if [ -z "$PY" ]; then
	skip "no python3: the generated workbooks are not tested"
	done_testing
	exit $?
fi

# --- a workbook written by hand: every kind of cell ---------------------------
cat >raw.py <<'EOF'
import sys, zipfile
out, method = sys.argv[1], zipfile.ZIP_STORED if sys.argv[2:] == ["stored"] else zipfile.ZIP_DEFLATED
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
RT = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
def rels(items):
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + ''.join('<Relationship Id="%s" Type="%s%s" Target="%s"/>' % i for i in items) + '</Relationships>')
parts = [
 ('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
 ('_rels/.rels', rels([('rId1', RT, 'officeDocument', 'xl/workbook.xml')])),
 ('xl/workbook.xml', '<?xml version="1.0"?><workbook %s><workbookPr/><sheets>'
    '<sheet name="raw" sheetId="1" r:id="rId1"/><sheet name="chart" sheetId="2" r:id="rId2"/>'
    '<sheet name="broken" sheetId="3" r:id="rId3"/><sheet name="after" sheetId="4" r:id="rId4"/></sheets>'
    '<extLst><ext><x14:workbookPr xmlns:x14="urn:x14" date1904="1"/></ext></extLst></workbook>' % NS),
 # the sheets come before the strings and styles they use, as Excel writes them
 ('xl/worksheets/sheet1.xml', '<?xml version="1.0"?><worksheet %s><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="C2" t="s"><v>4</v></c></row>'
    '<row r="3"><c r="A3" t="str"><f>CONCAT("a","b")</f><v>ab</v></c><c r="B3"><f>1+1</f><v>2</v></c><c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    '<row r="4"><c r="A4" t="b"><v>0</v></c><c r="B4" t="e"><v>#N/A</v></c><c r="C4" t="s"><v>5</v></c></row>'
    '<row r="5"><c r="A5" s="1"><v>59</v></c><c r="B5" s="1"><v>60</v></c><c r="C5" s="1"><v>61</v></c></row>'
    '<row r="6"><c r="A6" s="2"><v>45000.5</v></c><c r="B6" s="3"><v>0.75</v></c><c r="C6" s="4"><v>3.5</v></c></row>'
    '<row r="7"><c><v>x</v></c><c><v>y</v></c><c r="E7"><v>beyond</v></c></row>'
    '<row r="9"/><row r="10"><c r="A10"/><c r="B10" t="s"/></row>'
    '<row><c r="C11" t="inlineStr"><is><t>only C, row 11</t></is></c></row>'
    '<row r="12"><c r="A12" s="1"><v>1</v></c><c r="B12" s="1"><v>-1</v></c><c r="C12" s="1"><v>2958465</v></c></row>'
    '</sheetData></worksheet>' % NS),
 ('xl/worksheets/sheet3.xml', '<?xml version="1.0"?><worksheet %s><sheetData>'
    '<row r="1"><c t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c t="inlineStr"><is><t>kept</t></is></c></row>'
    '<row r="3"><c t="inlineStr"><is><t>lost</t></is></c></rw></sheetData></worksheet>' % NS),
 ('xl/worksheets/sheet4.xml', '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
    '<x:row r="1"><x:c t="inlineStr"><x:is><x:t>h</x:t></x:is></x:c></x:row><x:row r="2"><x:c t="inlineStr"><x:is><x:t>after the break</x:t></x:is></x:c></x:row>'
    '</x:sheetData></x:worksheet>'),
 ('xl/_rels/workbook.xml.rels', rels([('rId1', RT, 'worksheet', 'worksheets/sheet1.xml'), ('rId2', RT, 'chartsheet', 'chartsheets/sheet1.xml'),
    ('rId3', RT, 'worksheet', '/xl/worksheets/sheet3.xml'), ('rId4', RT, 'worksheet', './worksheets/../worksheets/sheet4.xml'),
    ('rId8', RT, 'sharedStrings', 'sharedStrings.xml'), ('rId9', RT, 'styles', 'styles.xml')])),
 ('xl/sharedStrings.xml', '<?xml version="1.0"?><sst %s count="6" uniqueCount="6">'
    '<si><t>name</t></si><si><t>value</t></si><si><t>kind</t></si>'
    '<si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and plain</t></r></si>'
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>'
    '<si><t>line_x000D__x000A_two _x005F_x0041_ _xD83D__xDE00_</t></si></sst>' % NS),
 ('xl/styles.xml', '<?xml version="1.0"?><styleSheet %s><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00&quot; days&quot;"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="20"/><xf numFmtId="165"/></cellXfs></styleSheet>' % NS),
]
with zipfile.ZipFile(out, 'w', method) as z:
    for name, text in parts:
        z.writestr(name, text)
EOF
"$PY" raw.py raw.xlsx && "$PY" raw.py raw-stored.xlsx stored
cat >raw.expected <<'EOF'
{"_table":"raw","name":"Bold and plain","value":"inline","kind":"東京"}
{"_table":"raw","name":"ab","value":"2","kind":"#DIV/0!"}
{"_table":"raw","name":"false","value":"#N/A","kind":"line\r\ntwo _x0041_ 😀"}
{"_table":"raw","name":"1900-02-28","value":"1900-02-29","kind":"1900-03-01"}
{"_table":"raw","name":"2023-03-15 12:00:00","value":"18:00:00","kind":"3.5"}
{"_table":"raw","name":"x","value":"y","kind":"","col5":"beyond"}
{"_table":"raw","name":"","value":"","kind":"only C, row 11"}
{"_table":"raw","name":"1900-01-01","value":"-1","kind":"9999-12-31"}
{"_table":"broken","h":"kept"}
{"_table":"after","h":"after the break"}
EOF
jl raw.xlsx >raw.out
same_file raw.out raw.expected "hand-written xlsx: strings, rich text, escapes, formulas, errors, booleans, 1900 dates, gaps, empty rows"
jl raw-stored.xlsx >raw-stored.out
same_file raw-stored.out raw.expected "... the same with its parts stored, not deflated"
dt cat --output-format jsonl raw.xlsx >/dev/null 2>err
is $? 1 "a broken sheet: exit 1"
grep -q "'raw.xlsx': line 1, byte 0: sheet 'broken': broken XML at line 1, column 355: mismatched tag; the rest of the sheet is lost; record rejected" err
ok $? "... rejected where it breaks, the sheets after it read"
grep -q "10 records parsed, 1 rejected" err
ok $? "... counted: 10 parsed, 1 rejected"
dt sniff raw.xlsx >sniff.out 2>&1
grep -q "format      xlsx sheets=3 date_system=1900" sniff.out
ok $? "sniff: 3 worksheets (a chart sheet is none), 1900 dates (x14:workbookPr is not the workbook's)"
dt cat --max-record 20 --output-format jsonl raw.xlsx >long.out 2>err
is "$(wc -l <long.out | tr -d ' ')" 5 "--max-record 20: the rows within it read"
grep -q "'raw.xlsx': line 2, byte 288: sheet 'raw', row 2: row longer than the --max-record limit (20 bytes); record rejected" err &&
	grep -q "5 records parsed, 6 rejected" err
ok $? "... each longer row rejected with its sheet and row, reading going on"

# the same workbook inside a zip, gzip-compressed, on standard input, by 7 bytes
zip -q -X raw.zip raw.xlsx 2>/dev/null || "$PY" -c 'import zipfile; zipfile.ZipFile("raw.zip", "w").write("raw.xlsx")'
gzip -c raw.xlsx >raw.xlsx.gz
jl raw.zip >zip.out
same_file zip.out raw.expected "an xlsx inside a zip: spooled, the same records"
dt cat -q --output-format jsonl raw.zip 2>/dev/null | head -1 | grep -q '^{"_input":"raw.zip:raw.xlsx","_table":"raw",'
ok $? "... named as the member"
jl raw.xlsx.gz >gz.out
same_file gz.out raw.expected "an xlsx compressed with gzip: the same records"
jl - <raw.xlsx >stdin.out
same_file stdin.out raw.expected "an xlsx on standard input (a file): the same records"
cat raw.xlsx | jl - >pipe.out
same_file pipe.out raw.expected "an xlsx through a pipe: the same records"
jl --chunk 7 raw.xlsx >chunk.out
same_file chunk.out raw.expected "--chunk 7: the same records as whole"
jl --format xlsx raw.xlsx >forced.out
same_file forced.out raw.expected "--format xlsx: the same records"

# --- not workbooks -------------------------------------------------------------
"$PY" - <<'EOF'
import zipfile
with zipfile.ZipFile("w.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>secret</w:t></w:r></w:p></w:body></w:document>')
with zipfile.ZipFile("p.pptx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>')
    z.writestr("ppt/presentation.xml", '<?xml version="1.0"?><p:presentation xmlns:p="urn:p"/>')
EOF
dt cat -q --output-format jsonl w.docx >out 2>err
is $? 1 "a .docx: exit 1"
is "$(cat out)" "" "... no record read out of it"
grep -q "'w.docx': a Word document, not a dump" err
ok $? "... refused as a Word document, not unpacked and read as XML"
dt sniff p.pptx >out 2>err
grep -q "'p.pptx': a PowerPoint presentation, not a dump" err
ok $? "a .pptx: refused as a PowerPoint presentation"

# OLE2 files that are not workbooks: their directory says what they are
cat >ole.py <<'EOF'
import struct, sys
hdr = bytearray(512)
hdr[0:8] = bytes.fromhex('D0CF11E0A1B11AE1')
struct.pack_into('<HHHHH', hdr, 24, 0x3E, 3, 0xFFFE, 9, 6)
struct.pack_into('<III', hdr, 44, 1, 1, 0)
struct.pack_into('<IIIII', hdr, 56, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
for i in range(109):
    struct.pack_into('<I', hdr, 76 + 4 * i, 0 if i == 0 else 0xFFFFFFFF)
fat = bytearray(b'\xff' * 512)
struct.pack_into('<III', fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
d = bytearray(512)
for i, n in enumerate(['Root Entry'] + sys.argv[2:]):
    e = n.encode('utf-16-le') + b'\0\0'
    d[128 * i:128 * i + len(e)] = e
    struct.pack_into('<HBB', d, 128 * i + 64, len(e), 5 if i == 0 else 2, 1)
    struct.pack_into('<III', d, 128 * i + 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if i == 0 else 0xFFFFFFFF)
    struct.pack_into('<II', d, 128 * i + 116, 0xFFFFFFFE if i == 0 else 2, 0)
open(sys.argv[1], 'wb').write(bytes(hdr + fat + d + bytearray(512)))
EOF
"$PY" ole.py x.doc WordDocument 1Table && "$PY" ole.py enc.xlsx EncryptionInfo EncryptedPackage &&
	"$PY" ole.py x.ole Something
dt sniff x.doc enc.xlsx x.ole >out 2>err
is $? 1 "OLE2 files that are not workbooks: exit 1"
is "$(grep "^dumptrace: '" err)" "dumptrace: 'x.doc': a Word document (.doc), not a dump
dumptrace: 'enc.xlsx': an encrypted (password-protected) Office file; save it without a password first
dumptrace: 'x.ole': an OLE2 document that is not an Excel workbook, not a dump" "... each named: .doc, encrypted Office, other OLE2"

# crafted .xls files that FreeXL 1.0.6 would mishandle: refused before it sees them
cat >minixls.py <<'EOF'
import struct, sys
def rec(t, body): return struct.pack('<HH', t, len(body)) + body
# a workbook stream small enough for the mini stream, one sheet: its DIMENSION
# twice (dims), or ten cells in a date style holding 2e9 (dates)
dims = sys.argv[2] == 'dims'
biff = rec(0x0809, struct.pack('<HHHHII', 0x0600, 5, 0, 0, 0, 0))
if sys.argv[2] == 'sst':
    # a string of 10 characters split after 4, its CONTINUE holding one
    biff += rec(0x00FC, struct.pack('<IIHB', 2, 2, 10, 0) + b'abcd') + rec(0x003C, b'\x00e')
if sys.argv[2] == 'sstcount':
    # two billion strings declared in a stream of a few hundred bytes
    biff += rec(0x00FC, struct.pack('<IIHB', 2000000000, 2000000000, 1, 0) + b'a')
biff += rec(0x00E0, struct.pack('<HH', 0, 14) + bytes(16))
biff += rec(0x0085, struct.pack('<IBBBB', 61, 0, 0, 1, 0) + b's') + rec(0x000A, b'')
biff += rec(0x0809, struct.pack('<HHHHII', 0x0600, 0x10, 0, 0, 0, 0))
biff += rec(0x0200, struct.pack('<IIHHH', 0, 60000 if dims else 10, 0, 250 if dims else 1, 0)) * (2 if dims else 1)
biff += b''.join(rec(0x0203, struct.pack('<HHHd', r, 0, 0, 1.5 if dims else 2e9)) for r in range(1 if dims else 10))
biff += rec(0x000A, b'')
n = (len(biff) + 63) // 64
hdr = bytearray(512)
hdr[0:8] = bytes.fromhex('D0CF11E0A1B11AE1')
struct.pack_into('<HHHHH', hdr, 24, 0x3E, 3, 0xFFFE, 9, 6)
struct.pack_into('<III', hdr, 44, 1, 1, 0)
struct.pack_into('<IIIII', hdr, 56, 4096, 2, 1, 0xFFFFFFFE, 0)
for i in range(109):
    struct.pack_into('<I', hdr, 76 + 4 * i, 0 if i == 0 else 0xFFFFFFFF)
fat = bytearray(b'\xff' * 512)
struct.pack_into('<IIII', fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE, 0xFFFFFFFE)
mfat = bytearray(b'\xff' * 512)
for i in range(n):
    struct.pack_into('<I', mfat, 4 * i, i + 1 if i + 1 < n else 0xFFFFFFFE)
d = bytearray(512)
for i, (nm, t, start, size) in enumerate([('Root Entry', 5, 3, 512), ('Workbook', 2, 0, len(biff))]):
    e = nm.encode('utf-16-le') + b'\0\0'
    d[128 * i:128 * i + len(e)] = e
    struct.pack_into('<HBB', d, 128 * i + 64, len(e), t, 1)
    struct.pack_into('<III', d, 128 * i + 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if i == 0 else 0xFFFFFFFF)
    struct.pack_into('<II', d, 128 * i + 116, start, size)
mini = bytearray(512)
mini[:len(biff)] = biff
open(sys.argv[1], 'wb').write(bytes(hdr + fat + d + mfat + mini))
EOF
"$PY" minixls.py dims.xls dims && "$PY" minixls.py dates.xls dates
"$PY" minixls.py sst.xls sst && "$PY" minixls.py sstcount.xls sstcount
dt cat -q --output-format jsonl "$TOP_SRCDIR/tests/fuzz/corpus/xls/crash-no-minifat-cutoff.xls" >out 2>err
grep -q "a corrupted workbook (a string longer than its record), not read" err && [ ! -s out ]
ok $? "an .xls whose header gives a mini-stream cutoff but no mini FAT (FreeXL then reads the big stream, as the pre-check now does): its overlong string refused"

dt cat -q --output-format jsonl "$TOP_SRCDIR/tests/fuzz/corpus/xls/oom-minifat-count.xls" >out 2>err
grep -q "a corrupted compound file (its header counts 4294836225 mini FAT sectors in a file of 4), not read" err &&
	[ ! -s out ]
ok $? "an .xls whose header counts four billion mini FAT sectors (FreeXL took 36 s and 24 GB): refused"

# FreeXL runs in a child process: what it leaks on a damaged workbook (the
# fuzzer's leak-cells.xls: 134 MB of cells each time) goes with the child,
# so a batch of them does not pile up; in the process (as the fuzz target
# runs it) it does. The pre-check now refuses that file, so it is let
# through here (DUMPTRACE_XLS_NO_PRECHECK) to show what the child contains.
if /usr/bin/time -f %M true 2>/dev/null; then
	for i in 1 2 3 4 5 6; do cp "$TOP_SRCDIR/tests/fuzz/corpus/xls/leak-cells.xls" leak$i.xls; done
	DUMPTRACE_XLS_NO_PRECHECK=1 /usr/bin/time -f %M -o child.rss "$DUMPTRACE" cat -q leak1.xls \
		leak2.xls leak3.xls leak4.xls leak5.xls leak6.xls >/dev/null 2>err
	DUMPTRACE_XLS_NO_PRECHECK=1 DUMPTRACE_XLS_IN_PROCESS=1 /usr/bin/time -f %M -o here.rss \
		"$DUMPTRACE" cat -q leak1.xls leak2.xls leak3.xls leak4.xls leak5.xls leak6.xls >/dev/null 2>&1
	c=$(tail -1 child.rss) h=$(tail -1 here.rss)
	[ "$c" -lt 400000 ] && [ "$h" -gt $((c + 300000)) ]
	ok $? "six workbooks FreeXL leaks on: peak $c KB with FreeXL in a child, $h KB in the process"
	is "$(grep -c "empty input" err)" 6 "... and each is reported, the run going on"
else
	skip "/usr/bin/time is not usable"
	skip "/usr/bin/time is not usable"
fi

# ... and a real one whose shared strings run over 56 CONTINUE records is read whole
cat >sstbig.py <<'EOF'
import xlwt
wb = xlwt.Workbook(encoding='utf-8')
ws = wb.add_sheet('people')
ws.write(0, 0, 'name'); ws.write(0, 1, 'city')
for r in range(1, 5001):
    ws.write(r, 0, 'Person Ахметов Нұрлан %d' % r)
    ws.write(r, 1, 'Алматы район %d' % (r * 7))
wb.save('sstbig.xls')
EOF
if [ -n "$PYW" ] && "$PYW" sstbig.py; then
	dt cat -q --output-format jsonl sstbig.xls >out 2>err
	is "$(wc -l <out | tr -d ' ') $(tail -1 out | jq -r .city)" "5000 Алматы район 35000" \
		"an xlwt workbook of 10,002 shared strings over CONTINUE records: all 5,000 rows"
else
	skip "python3-xlwt is not installed"
fi
for f in sst sstcount; do
	dt cat -q --output-format jsonl $f.xls >out 2>err
	grep -q "'$f.xls': a corrupted workbook (a shared string table FreeXL would read past), not read" err &&
		[ ! -s out ]
	ok $? "an .xls whose shared strings FreeXL would read past ($f): refused"
done
dt cat -q --output-format jsonl dims.xls >out 2>err
grep -q "'dims.xls': a crafted workbook (a sheet with two DIMENSION records), not read" err
ok $? "an .xls declaring a sheet's size twice (FreeXL would leak 240 MB each time): refused"
dt cat -q --output-format jsonl dates.xls >out 2>err
grep -q "'dates.xls': a crafted workbook (dates past the year 9999, which FreeXL would count out day by day for minutes), not read" err
ok $? "an .xls of dates in the year 5 million (FreeXL counts days one by one): refused"
dt cat -q --output-format jsonl "$TOP_SRCDIR/tests/fuzz/corpus/xls/crash-date-steps.xls" >out 2>err
grep -q "dates past the year 9999" err
ok $? "a 2.5 KB .xls the fuzzer made, whose dates kept FreeXL busy for 5 s: refused at once"
dt cat -q --output-format jsonl "$TOP_SRCDIR/tests/fuzz/corpus/xls/crash-dirname-overread.xls" >out 2>err
grep -q "a corrupted compound file (a directory entry name longer than 64 bytes), not read" err
ok $? "an .xls whose directory entry claims a 15 KB name (FreeXL would read past its buffer): refused"
dt cat -q --output-format jsonl "$TOP_SRCDIR/tests/fuzz/corpus/xls/crafted-bad-minifat.xls" >out 2>err
grep -q "a corrupted compound file (its allocation tables cannot be followed), not read" err && [ ! -s out ]
ok $? "an .xls whose mini allocation table starts past the file's end (FreeXL read on and kept 240 MB): refused"
dt cat -q --output-format jsonl "$TOP_SRCDIR/tests/fuzz/corpus/xls/crash-oversized-record.xls" >out 2>err
grep -q "a corrupted workbook (a string longer than its record), not read" err && [ ! -s out ]
ok $? "an .xls whose sheet name claims more than its record holds (FreeXL copied 128 KB out of its buffer): refused"
dt cat -q --output-format jsonl "$TOP_SRCDIR/tests/fuzz/corpus/xls/crash-long-format-string.xls" >out 2>err
grep -q "a corrupted workbook (a string longer than its record), not read" err && [ ! -s out ]
ok $? "an .xls with a FORMAT of 65526 wide characters in 15 bytes (the same overread): refused"

# --- a zip bomb inside an xlsx: 2 GiB of zeros in one sheet ----------------------
cat >bomb.py <<'EOF'
import zipfile
W = '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="bomb" sheetId="1" r:id="rId1"/></sheets></workbook>'
R = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
with zipfile.ZipFile("bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("xl/workbook.xml", W)
    z.writestr("xl/_rels/workbook.xml.rels", R)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c><v>')
        zeros = b"0" * (1 << 20)
        for i in range(2048):
            f.write(zeros)
        f.write(b"</v></c></row></sheetData></worksheet>")
EOF
"$PY" bomb.py
if command -v /usr/bin/time >/dev/null 2>&1; then
	/usr/bin/time -f "%M" -o rss "$DUMPTRACE" cat -q --output-format jsonl bomb.xlsx >out 2>err
	st=$?
	is "$st" 1 "a zip bomb in a sheet: exit 1"
	rss=$(tail -1 rss)
	[ "$rss" -lt 400000 ]
	ok $? "... in bounded memory ($rss KB at most)"
else
	dt cat -q --output-format jsonl bomb.xlsx >out 2>err
	is $? 1 "a zip bomb in a sheet: exit 1"
	skip "no /usr/bin/time: memory not measured"
fi
grep -q "'bomb.xlsx': line 2, byte 0: 'xl/worksheets/sheet1.xml': decompression ratio passes 500:1, a likely zip bomb; workbook abandoned; rest of input lost" err
ok $? "... stopped as a likely zip bomb, with the part named"
rm -f bomb.xlsx

# one 400 KB sheet named by 4000 sheets: each read is within the caps, the sum is not
cat >reuse.py <<'EOF'
import random, zipfile
random.seed(2)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
rows = ''.join('<row r="%d"><c t="inlineStr"><is><t>%s</t></is></c></row>' % (i + 1, ''.join(random.choice('ab') for _ in range(20))) for i in range(8000))
with zipfile.ZipFile('reuse.xlsx', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('xl/workbook.xml', '<workbook %s><sheets>%s</sheets></workbook>' % (NS, ''.join('<sheet name="s%d" sheetId="%d" r:id="rId1"/>' % (i, i + 1) for i in range(4000))))
    z.writestr('xl/_rels/workbook.xml.rels', '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr('xl/worksheets/sheet1.xml', '<worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, rows))
EOF
"$PY" reuse.py
dt cat -q --output-format jsonl reuse.xlsx >out 2>err
is $? 1 "one sheet part read for 4000 sheets: exit 1"
grep -q "the workbook's parts decompress to more than 500 times its size, a likely zip bomb; workbook abandoned; rest of input lost" err
ok $? "... stopped once the parts read add up to 500 times the file"

# --- workbooks written by openpyxl ---------------------------------------------------
if [ -n "$PYX" ]; then
	cat >gen.py <<'EOF'
import datetime as dt
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Клиенттер тізімі"
ws.append(["id", "аты-жөні", "email", "туған күні", "тіркелген", "белсенді", "сома", "ескерту"])
ws.append([1, "Әсел Қасымова", "asel@example.kz", dt.date(1990, 5, 17), dt.datetime(2023, 1, 2, 3, 4, 5), True, 12.5, "ұлы"])
ws.append([])
ws.append([2, "Нұрлан Өмірзақ", "nurlan@example.kz", dt.date(1900, 3, 1), dt.datetime(1900, 1, 1, 12, 0), False, -3, None])
ws.append([3, "Ғалым Іңкәр", None, dt.date(2100, 12, 31), None, None, 1e-7, "бірікті"])
ws.merge_cells("G5:H5")
ws.append([None] * 8)
ws.append([4, "Һ", "x@y.kz", None, None, True, 0.1, None, "артық"])
d = wb.create_sheet("dups")
d.append(["name", None, "name", "name_2", "  "])
d.append(["a", "b", "c", "d", "e"])
wb.save("gen.xlsx")
w2 = openpyxl.Workbook()
w2.epoch = CALENDAR_MAC_1904
s = w2.active
s.title = "mac dates"
s.append(["when", "at"])
s.append([dt.date(1904, 1, 1), dt.datetime(2000, 2, 29, 23, 59, 59)])
s.append([dt.date(1971, 1, 1), dt.datetime(1904, 1, 2, 6, 0)])
w2.save("gen1904.xlsx")
EOF
	"$PYX" gen.py
	cat >gen.expected <<'EOF'
{"_table":"Клиенттер тізімі","id":"1","аты-жөні":"Әсел Қасымова","email":"asel@example.kz","туған күні":"1990-05-17","тіркелген":"2023-01-02 03:04:05","белсенді":"true","сома":"12.5","ескерту":"ұлы"}
{"_table":"Клиенттер тізімі","id":"2","аты-жөні":"Нұрлан Өмірзақ","email":"nurlan@example.kz","туған күні":"1900-03-01","тіркелген":"1900-01-01 12:00:00","белсенді":"false","сома":"-3","ескерту":""}
{"_table":"Клиенттер тізімі","id":"3","аты-жөні":"Ғалым Іңкәр","email":"","туған күні":"2100-12-31","тіркелген":"","белсенді":"","сома":"1e-07","ескерту":""}
{"_table":"Клиенттер тізімі","id":"4","аты-жөні":"Һ","email":"x@y.kz","туған күні":"","тіркелген":"","белсенді":"true","сома":"0.1","ескерту":"","col9":"артық"}
{"_table":"dups","name":"a","col2":"b","name_2":"c","name_2_2":"d","  ":"e"}
EOF
	jl gen.xlsx >gen.out
	same_file gen.out gen.expected "openpyxl: Kazakh text and sheet name, dates, booleans, empty rows, a merged cell (its first cell only), duplicate names"
	cat >gen1904.expected <<'EOF'
{"_table":"mac dates","when":"1904-01-01","at":"2000-02-29 23:59:59"}
{"_table":"mac dates","when":"1971-01-01","at":"1904-01-02 06:00:00"}
EOF
	jl gen1904.xlsx >gen1904.out
	same_file gen1904.out gen1904.expected "openpyxl, 1904 date system: the same dates"
	dt sniff gen1904.xlsx >sniff.out 2>&1
	grep -q "format      xlsx sheets=1 date_system=1904" sniff.out
	ok $? "... sniff says date_system=1904"
else
	skip "no openpyxl (apt-get install python3-openpyxl): its workbooks are not tested"
fi

# --- workbooks written by xlwt (.xls) ----------------------------------------------
if [ -n "$PYW" ]; then
	cat >genxls.py <<'EOF'
import datetime as dt, xlwt
for name, mac in (("gen.xls", False), ("gen1904.xls", True)):
    wb = xlwt.Workbook(encoding="utf-8")
    wb.dates_1904 = mac
    dfmt = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    tfmt = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
    ws = wb.add_sheet("Клиенттер тізімі")
    for c, h in enumerate(["id", "аты-жөні", "туған күні", "тіркелген", "белсенді", "сома", "ескерту"]):
        ws.write(0, c, h)
    rows = [[1, "Әсел Қасымова", dt.datetime(1990, 5, 17), dt.datetime(2023, 1, 2, 3, 4, 5), True, 12.5, "ұлы"],
            None,
            [2, "Нұрлан Өмірзақ", dt.datetime(1971, 1, 1), dt.datetime(2000, 2, 29, 23, 59, 59), False, -3, None],
            [3, "Ғалым Іңкәр", None, None, None, 0.1, None, "артық"]]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row or []):
            if v is None:
                continue
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, tfmt if v.hour or v.minute or v.second else dfmt)
            else:
                ws.write(r, c, v)
    s2 = wb.add_sheet("second sheet")
    s2.write(0, 0, "a"); s2.write(0, 1, "a"); s2.write(1, 0, 1); s2.write(1, 1, 123456789.125)
    wb.save(name)
EOF
	"$PYW" genxls.py
	cat >xls.expected <<'EOF'
{"_table":"Клиенттер тізімі","id":"1","аты-жөні":"Әсел Қасымова","туған күні":"1990-05-17","тіркелген":"2023-01-02 03:04:05","белсенді":"1","сома":"12.5","ескерту":"ұлы"}
{"_table":"Клиенттер тізімі","id":"2","аты-жөні":"Нұрлан Өмірзақ","туған күні":"1971-01-01","тіркелген":"2000-02-29 23:59:59","белсенді":"0","сома":"-3","ескерту":""}
{"_table":"Клиенттер тізімі","id":"3","аты-жөні":"Ғалым Іңкәр","туған күні":"","тіркелген":"","белсенді":"","сома":"0.1","ескерту":"","col8":"артық"}
{"_table":"second sheet","a":"1","a_2":"123456789.125"}
EOF
	jl gen.xls >xls.out
	same_file xls.out xls.expected "xlwt .xls: Kazakh text, a sheet name with spaces, dates, an empty row, booleans as 1/0"
	jl gen1904.xls >xls1904.out
	same_file xls1904.out xls.expected "xlwt .xls in the 1904 system: the same dates"
	dt sniff gen1904.xls >sniff.out 2>&1
	grep -q "format      xls sheets=2 date_system=1904 biff=8" sniff.out
	ok $? "... sniff says date_system=1904"
	gzip -c gen.xls >gen.xls.gz
	jl gen.xls.gz >xlsgz.out
	same_file xlsgz.out xls.expected "an .xls compressed with gzip: spooled, the same records"
	jl --chunk 7 gen.xls >xlschunk.out
	same_file xlschunk.out xls.expected "an .xls read 7 bytes at a time: the same records"
else
	skip "no xlwt (apt-get install python3-xlwt): generated .xls files are not tested"
fi

done_testing
