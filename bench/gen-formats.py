#!/usr/bin/env python3
"""Turns a CSV of bench/gen-dump rows into the formats of bench/formats.sh,
the same rows in each, written the way the tools that make them write them:

  gen-formats.py KIND IN.csv OUT
    sqlite  a SQLite database, one table "people" (Python's sqlite3)
    xlsx    an Excel 2007+ workbook: shared strings, a date style for the
            birth dates, sheets of at most 1,048,576 rows, deflated
    xls     an Excel 97 workbook (python3-xlwt), sheets of 65,535 rows
    bson    a mongodump collection file: one document a row, dates as BSON
            dates, numbers as int64
    tables  a JSON object of tables: {"people": [{...}, ...]}
    copy    pg_dump COPY text (for tests/fuzz/gen-pgdump.py --copy)
  gen-formats.py lines IN.txt OUT.csv
            a word list (one value a line) as the CSV an export makes of
            it: a header, then the values, quoted where CSV needs it

Columns of IN.csv: id,iin,full_name,birth_date,phone,email,city,address.
"""
import csv, datetime, io, json, sqlite3, struct, sys, zipfile
from xml.sax.saxutils import escape

kind, src, out = sys.argv[1:4]


def rows():
    with open(src, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        head = next(r)
        for row in r:
            yield head, row


def header():
    with open(src, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


if kind == "sqlite":
    db = sqlite3.connect(out)
    h = header()
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, %s)" %
               ", ".join("%s TEXT" % c for c in h[1:]))
    db.executemany("INSERT INTO people VALUES (%s)" % ",".join("?" * len(h)),
                   ([int(r[0])] + r[1:] for _, r in rows()))
    db.commit()
    db.close()

elif kind == "xlsx":
    h = header()
    SHEET_ROWS = 1048576
    EPOCH = datetime.date(1899, 12, 30)
    sst, sst_list = {}, []

    def s(v):
        i = sst.get(v)
        if i is None:
            i = sst[v] = len(sst_list)
            sst_list.append(v)
        return i

    def col(n):
        c = ""
        n += 1
        while n:
            n, m = divmod(n - 1, 26)
            c = chr(65 + m) + c
        return c

    cols = [col(i) for i in range(len(h))]
    z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
    sheets = []
    w = None
    n = 0
    for _, r in rows():
        if w is None or n == SHEET_ROWS:
            if w:
                w.write(b"</sheetData></worksheet>")
                w.close()
            sheets.append("xl/worksheets/sheet%d.xml" % (len(sheets) + 1))
            w = io.BufferedWriter(z.open(sheets[-1], "w", force_zip64=True), 1 << 20)
            w.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b"<sheetData>")
            w.write(('<row r="1">%s</row>' % "".join(
                '<c r="%s1" t="s"><v>%d</v></c>' % (cols[i], s(v)) for i, v in enumerate(h))).encode())
            n = 1
        n += 1
        cells = ['<c r="A%d"><v>%s</v></c>' % (n, r[0])]
        for i in range(1, len(r)):
            if h[i] == "birth_date" and len(r[i]) == 10:
                d = (datetime.date.fromisoformat(r[i]) - EPOCH).days
                cells.append('<c r="%s%d" s="1"><v>%d</v></c>' % (cols[i], n, d))
            else:
                cells.append('<c r="%s%d" t="s"><v>%d</v></c>' % (cols[i], n, s(r[i])))
        w.write(('<row r="%d">%s</row>' % (n, "".join(cells))).encode())
    w.write(b"</sheetData></worksheet>")
    w.close()
    with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
        b = io.BufferedWriter(f, 1 << 20)
        b.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                 'count="%d" uniqueCount="%d">' % (len(sst_list), len(sst_list))).encode())
        for v in sst_list:
            b.write(("<si><t>%s</t></si>" % escape(v)).encode())
        b.write(b"</sst>")
        b.flush()
    z.writestr("xl/styles.xml",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
               "</cellXfs></styleSheet>")
    rels = "".join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1)
                   for i in range(len(sheets)))
    rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/sharedStrings" Target="sharedStrings.xml"/>'
             '<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/styles" Target="styles.xml"/>')
    z.writestr("xl/_rels/workbook.xml.rels",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               + rels + "</Relationships>")
    z.writestr("xl/workbook.xml",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
               + "".join('<sheet name="people%d" sheetId="%d" r:id="rId%d"/>' % (i + 1, i + 1, i + 1)
                         for i in range(len(sheets)))
               + "</sheets></workbook>")
    z.writestr("_rels/.rels",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
               'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("[Content_Types].xml",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/xl/workbook.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    z.close()

elif kind == "xls":
    import xlwt
    h = header()
    book = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sh = None
    n = 0
    k = 0
    for _, r in rows():
        if sh is None or n == 65536:
            if sh is not None:
                sh.flush_row_data()
            k += 1
            sh = book.add_sheet("people%d" % k)
            for i, v in enumerate(h):
                sh.write(0, i, v)
            n = 1
        sh.write(n, 0, int(r[0]))
        for i in range(1, len(r)):
            if h[i] == "birth_date" and len(r[i]) == 10:
                sh.write(n, i, datetime.date.fromisoformat(r[i]), date)
            else:
                sh.write(n, i, r[i])
        n += 1
        if n % 4096 == 0:
            sh.flush_row_data()
    book.save(out)

elif kind == "bson":
    def cstr(k):
        return k.encode() + b"\0"

    def el(k, v):
        if isinstance(v, int):
            return b"\x12" + cstr(k) + struct.pack("<q", v)
        if isinstance(v, datetime.datetime):
            ms = int((v - datetime.datetime(1970, 1, 1)).total_seconds() * 1000)
            return b"\x09" + cstr(k) + struct.pack("<q", ms)
        b = v.encode() + b"\0"
        return b"\x02" + cstr(k) + struct.pack("<i", len(b)) + b

    with open(out, "wb") as f:
        for h, r in rows():
            body = el("_id", int(r[0]))
            for i in range(1, len(r)):
                v = r[i]
                if h[i] == "birth_date" and len(v) == 10:
                    v = datetime.datetime.fromisoformat(v)
                body += el(h[i], v)
            f.write(struct.pack("<i", len(body) + 5) + body + b"\0")

elif kind == "tables":
    with open(out, "w", encoding="utf-8") as f:
        f.write('{"people": [\n')
        first = True
        for h, r in rows():
            if not first:
                f.write(",\n")
            first = False
            d = dict(zip(h, r))
            d["id"] = int(r[0])
            f.write(json.dumps(d, ensure_ascii=False))
        f.write("\n]}\n")

elif kind == "copy":
    tr = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
    with open(out, "w", encoding="utf-8") as f:
        f.write("\t".join(header()) + "\n")
        for _, r in rows():
            f.write("\t".join(v.translate(tr) for v in r) + "\n")

elif kind == "lines":
    with open(src, "rb") as fin, open(out, "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["value"])
        for line in fin:
            line = line.rstrip(b"\n").rstrip(b"\r")
            if line:
                w.writerow([line.decode("utf-8", "surrogateescape")])

else:
    sys.exit("gen-formats.py: unknown kind " + kind)
