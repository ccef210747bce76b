#!/usr/bin/env python3
"""Writes small pg_dump archives by hand (no PostgreSQL needed): the seeds of
tests/fuzz/corpus/pgdump, which t0380 also reads, and big ones for benchmarks.
The layout is pg_dump's (see formats/pgdump.c); pg_restore 15 reads what this
writes for archive versions up to 1.14.

  gen-pgdump.py OUT [--version 1.10..1.17] [--codec none|gzip|zstd|lz4] [--tar]
                [--case basic|escapes|inserts|blobs|orphan|big] [--big MB]
                [--chunk N] [--rows N] [--copy FILE]

The seeds were made with:
  custom-gzip.dump  --codec gzip            custom-none.dump --codec none --version 1.12
  custom-zstd.dump  --codec zstd --version 1.16
  custom-lz4.dump   --codec lz4 --version 1.15 (zstd and lz4 need their command-line tools)
  escapes.dump      --case escapes --codec none
  blobs.dump        --case blobs            inserts.dump --case inserts --codec none
  orphan.dump       --case orphan           v1.10.dump --version 1.10 --codec none
  tar-none.tar      --tar                   tar-gzip.tar --tar --codec gzip
and northwind-cut.dump / northwind-cut.tar are the first 24,000 / 30,720 bytes
of ../shared/corpora/real/northwind.dump / northwind.tar.
"""
import argparse, io, struct, subprocess, sys, tarfile, zlib, time

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--version", default="1.14")
ap.add_argument("--codec", default="gzip")
ap.add_argument("--tar", action="store_true")
ap.add_argument("--case", default="basic")
ap.add_argument("--rows", type=int, default=3)
ap.add_argument("--chunk", type=int, default=4096)
ap.add_argument("--big", type=int, default=0, help="MB of generated rows (bench)")
ap.add_argument("--copy", help="COPY text, a header line of tab-separated column names "
                "first: the data of one table 'people' (bench/formats.sh)")
a = ap.parse_args()

vmaj, vmin = (int(x) for x in a.version.split("."))
V = (vmaj * 256 + vmin) * 256
INTSIZE, OFFSIZE = 4, 8

def pint(v):
    return bytes([1 if v < 0 else 0]) + struct.pack("<I", abs(v))

def pstr(s):
    if s is None:
        return pint(-1)
    b = s.encode() if isinstance(s, str) else s
    return pint(len(b)) + b

def head(fmt, codec):
    b = b"PGDMP" + bytes([vmaj, vmin, 0, INTSIZE, OFFSIZE, fmt])
    if V >= (1 * 256 + 15) * 256:
        b += bytes([{"none": 0, "gzip": 1, "lz4": 2, "zstd": 3}[codec]])
    else:
        b += pint(0 if codec == "none" else -1)
    for v in (1, 2, 3, 4, 5, 124, 0):
        b += pint(v)
    b += pstr("testdb") + pstr("16.1") + pstr("16.1")
    return b

# tables: (dumpId, name, columns, copy text)
def tables():
    if a.copy:
        # bytes as latin-1 code points: written back byte for byte below
        text = open(a.copy, "rb").read().decode("latin-1")
        head, _, body = text.partition("\n")
        return [(4001, "people", head.split("\t"), body + "\\.\n\n\n")]
    if a.case == "escapes":
        text = ("1\tplain\t\\N\n"
                "2\ttab\\there\tnl\\nline\n"
                "3\tback\\\\slash\t\\x41\\102\\0\n"
                "4\tbin\\377\\376\tcr\\r\\v\\f\\b\n"
                "5\tutf8 \xc3\xa9\xe2\x82\xac\t\n"
                "\\.\n\n\n")
        return [(3001, "esc", ["id", "name", "Odd \"col\""], text)]
    if a.case == "big":
        import random
        rnd = random.Random(1)
        out = []
        size = 0
        n = 0
        target = a.big << 20
        words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
        while size < target:
            n += 1
            line = ("%d\t%s.%s%d@example.com\t+7 701 %07d\t%s %s\t%d-%02d-%02d\t\\N\n" % (
                n, rnd.choice(words), rnd.choice(words), rnd.randrange(1000),
                rnd.randrange(10**7), rnd.choice(words).title(), rnd.choice(words).title(),
                rnd.randrange(1950, 2010), rnd.randrange(1, 13), rnd.randrange(1, 29)))
            out.append(line)
            size += len(line)
        out.append("\\.\n\n\n")
        return [(4001, "people", ["id", "email", "phone", "name", "birth", "note"], "".join(out))]
    rows = "".join("%d\tname %d\t%s\n" % (i, i, "x" * (i % 7)) for i in range(1, a.rows + 1))
    t = [(3001, "t1", ["id", "name", "pad"], rows + "\\.\n\n\n"),
         (3002, "empty", ["a"], "\\.\n\n\n"),
         (3003, "Mixed Case", ["Order ID", "when"], "7\t2020-01-01\n8\t\\N\n\\.\n\n\n")]
    return t

T = tables()

def toc(fmt, extra):
    ents = []
    ents.append((1, 0, "ENCODING", "ENCODING", "SET client_encoding = 'UTF8';\n", None, None))
    did = 200
    for (i, name, cols, _) in T:
        did += 1
        q = lambda c: c if c.islower() and c.replace("_", "").isalnum() else '"%s"' % c.replace('"', '""')
        defn = "CREATE TABLE public.%s (%s);\n" % (q(name), ", ".join("%s text" % q(c) for c in cols))
        ents.append((did, 0, name, "TABLE", defn, None, None))
    for (i, name, cols, _) in T:
        q = lambda c: c if c.islower() and c.replace("_", "").isalnum() else '"%s"' % c.replace('"', '""')
        copy = "COPY public.%s (%s) FROM stdin;\n" % (q(name), ", ".join(q(c) for c in cols))
        ents.append((i, 1, name, "TABLE DATA", "", None, copy))
    if a.case == "inserts":
        ents.append((3100, 1, "ins", "TABLE DATA", "", None, None))
    if a.case == "blobs":
        ents.append((3200, 1, "BLOBS", "BLOBS", "", None, None))
    b = pint(len(ents))
    for (i, had, tag, desc, defn, drop, copy) in ents:
        b += pint(i) + pint(had) + pstr("0") + pstr(str(16000 + i)) + pstr(tag) + pstr(desc)
        if V >= (1 * 256 + 11) * 256:
            b += pint(2 if desc.endswith("DATA") or desc == "BLOBS" else 1)
        b += pstr(defn) + pstr(drop or "") + pstr(copy) + pstr("public") + pstr("")
        if V >= (1 * 256 + 14) * 256:
            b += pstr("heap" if desc == "TABLE" else "")
        if V >= (1 * 256 + 16) * 256:
            b += pint(114 if desc == "TABLE" else 0)
        b += pstr("postgres") + pstr("false")
        if desc == "TABLE DATA":
            b += pstr(str(i - 2800))
        b += pstr(None)
        b += extra(i, had)
    return b

def compress(data):
    if a.codec == "none":
        return data
    if a.codec == "gzip":
        return zlib.compress(data, 6)
    tool = {"zstd": ["zstd", "-q", "-c"], "lz4": ["lz4", "-q", "-c"]}[a.codec]
    return subprocess.run(tool, input=data, stdout=subprocess.PIPE, check=True).stdout

def chunks(data):
    b = []
    for k in range(0, len(data), a.chunk):
        b.append(pint(len(data[k:k + a.chunk])) + data[k:k + a.chunk])
    b.append(pint(0))
    return b"".join(b)

if not a.tar:
    out = head(1, a.codec)
    out += toc(1, lambda i, had: bytes([1 if had else 3]) + bytes(OFFSIZE))
    for (i, name, cols, text) in T:
        if a.codec == "none":
            # pg_dump writes one chunk per row when it does not compress
            b = []
            for line in text.encode("latin-1").split(b"\n")[:-1]:
                b.append(pint(len(line) + 1) + line + b"\n")
            out += bytes([1]) + pint(i) + b"".join(b) + pint(0)
        else:
            out += bytes([1]) + pint(i) + chunks(compress(text.encode("latin-1")))
    if a.case == "inserts":
        out += bytes([1]) + pint(3100) + chunks(compress(b"INSERT INTO public.ins VALUES (1);\n"))
    if a.case == "blobs":
        out += bytes([3]) + pint(3200)
        for oid in (5001, 5002):
            out += pint(oid) + chunks(compress(b"\x00\x01binary large object"))
        out += pint(0)
    if a.case == "orphan":
        out += bytes([1]) + pint(9999) + chunks(compress(b"1\t2\n\\.\n"))
        out += bytes([1]) + pint(3001) + chunks(compress(b"99\tafter\torphan\n\\.\n"))
    open(a.out, "wb").write(out)
else:
    ext = ".dat.gz" if a.codec == "gzip" else ".dat"
    tocdat = head(3, "none") + toc(3, lambda i, had: pstr(("%d" % i) + ext if had else ""))
    bio = open(a.out, "wb")
    tf = tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT)
    def add(name, data):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 1700000000
        ti.uname = ti.gname = "postgres"
        ti.mode = 0o600
        tf.addfile(ti, io.BytesIO(data))
    add("toc.dat", tocdat)
    for (i, name, cols, text) in T:
        data = text.encode("latin-1")
        if a.codec == "gzip":
            import gzip
            add("%d.dat.gz" % i, gzip.compress(data, mtime=0))
        else:
            add("%d.dat" % i, data)
    if a.case == "orphan":
        add("9999.dat", b"1\t2\n\\.\n")
    add("restore.sql", b"--\n-- restore script\n--\n")
    tf.close()
    bio.close()
