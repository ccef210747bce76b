#!/bin/sh
# The bson reader: mongodump .bson files and mongodump --archive, written
# here byte by byte (a small BSON encoder in Python, no bson module): every
# BSON type, nesting and arrays as the JSON reader flattens them, Kazakh
# text, ObjectIds, dates before 1970, damaged files (a truncated last
# document, lying lengths, a bad length in the middle, a 17 MiB document),
# the MongoDB corpora as mongoexport JSON beside the same data as BSON,
# mongodump directories in a zip and a tar.gz, .bson.gz, an archive with
# two interleaved collections (also gzipped), and chunked reading.
. "$TOP_SRCDIR/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is absent (the test writes its BSON with it)"

jl() { dt cat -q --output-format jsonl "$@" 2>/dev/null | sed 's/^{"_input":"[^"]*",/{/'; }
counts() { dt cat "$@" 2>&1 >/dev/null | tail -1; }

cat >mkbson.py <<'PY_END'
# A small BSON encoder (no dependency): enough for the tests.
import struct, sys, json, datetime
class OID(bytes): pass
class Date(int): pass          # milliseconds since 1970
class Bin:                       # binary with a subtype
    def __init__(s, data, sub=0): s.data, s.sub = data, sub
class Regex:
    def __init__(s, p, o=''): s.p, s.o = p, o
class Code(str): pass
class Sym(str): pass
class CodeWS:
    def __init__(s, code, scope): s.code, s.scope = code, scope
class TS:
    def __init__(s, t, i): s.t, s.i = t, i
class I64(int): pass
class Dec:                       # raw 16 bytes of a decimal128
    def __init__(s, raw): s.raw = raw
class Undef: pass
class MinKey: pass
class MaxKey: pass
class DBPtr:
    def __init__(s, ns, oid): s.ns, s.oid = ns, oid
class Raw:                       # raw element bytes (type, value) for breakage
    def __init__(s, t, b): s.t, s.b = t, b

def cstr(s): return s.encode() + b'\0'
def bstr(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack('<i', len(b) + 1) + b + b'\0'

def element(k, v):
    k = cstr(k) if isinstance(k, str) else k + b'\0'
    if isinstance(v, Raw): return bytes([v.t]) + k + v.b
    if isinstance(v, bool): return b'\x08' + k + (b'\x01' if v else b'\x00')
    if isinstance(v, OID): return b'\x07' + k + v
    if isinstance(v, Date): return b'\x09' + k + struct.pack('<q', v)
    if isinstance(v, I64): return b'\x12' + k + struct.pack('<q', v)
    if isinstance(v, int):
        if -2**31 <= v < 2**31: return b'\x10' + k + struct.pack('<i', v)
        return b'\x12' + k + struct.pack('<q', v)
    if isinstance(v, float): return b'\x01' + k + struct.pack('<d', v)
    if isinstance(v, Code): return b'\x0d' + k + bstr(v)
    if isinstance(v, Sym): return b'\x0e' + k + bstr(v)
    if isinstance(v, (str, bytes)) and not isinstance(v, OID): return b'\x02' + k + bstr(v)
    if isinstance(v, dict): return b'\x03' + k + doc(v)
    if isinstance(v, list): return b'\x04' + k + doc({str(i): x for i, x in enumerate(v)})
    if isinstance(v, Bin):
        d = v.data
        if v.sub == 2: d = struct.pack('<i', len(d)) + d
        return b'\x05' + k + struct.pack('<i', len(d)) + bytes([v.sub]) + d
    if isinstance(v, Undef): return b'\x06' + k
    if v is None: return b'\x0a' + k
    if isinstance(v, Regex): return b'\x0b' + k + cstr(v.p) + cstr(v.o)
    if isinstance(v, DBPtr): return b'\x0c' + k + bstr(v.ns) + v.oid
    if isinstance(v, CodeWS):
        body = bstr(v.code) + doc(v.scope)
        return b'\x0f' + k + struct.pack('<i', len(body) + 4) + body
    if isinstance(v, TS): return b'\x11' + k + struct.pack('<II', v.i, v.t)
    if isinstance(v, Dec): return b'\x13' + k + v.raw
    if isinstance(v, MinKey): return b'\xff' + k
    if isinstance(v, MaxKey): return b'\x7f' + k
    raise TypeError(type(v))

def doc(d):
    body = b''.join(element(k, v) for k, v in d.items()) + b'\0'
    return struct.pack('<i', len(body) + 4) + body

# extended JSON (mongoexport, legacy or v2) to Python values
def from_ext(v):
    if isinstance(v, dict):
        if len(v) == 1:
            (k, x), = v.items()
            if k == '$oid': return OID(bytes.fromhex(x))
            if k == '$numberLong': return I64(int(x))
            if k == '$numberInt': return int(x)
            if k == '$numberDouble': return float(x)
            if k == '$date':
                if isinstance(x, dict): return Date(int(from_ext(x)))
                if isinstance(x, int): return Date(x)
                t = datetime.datetime.fromisoformat(x.replace('Z', '+00:00'))
                return Date(round(t.timestamp() * 1000))
        return {k: from_ext(x) for k, x in v.items()}
    if isinstance(v, list): return [from_ext(x) for x in v]
    return v

def jsonl_to_bson(src, dst):
    with open(src, encoding='utf-8') as f, open(dst, 'wb') as out:
        for line in f:
            if line.strip():
                out.write(doc(from_ext(json.loads(line))))

TERM = b'\xff\xff\xff\xff'
def archive(colls, order=None, server='7.0.2', tool='100.9.4'):
    """colls: {(db, coll): [docs]}; order: list of (db, coll, ndocs) segments."""
    out = struct.pack('<I', 0x8199e26d)
    out += doc({'concurrent_collections': 4, 'version': '0.1', 'server_version': server, 'tool_version': tool})
    for (d, c), docs in colls.items():
        out += doc({'db': d, 'collection': c, 'metadata': '{"indexes":[]}', 'size': sum(len(doc(x)) for x in docs), 'type': 'collection'})
    out += TERM
    pos = {k: 0 for k in colls}
    if order is None: order = [(d, c, len(v)) for (d, c), v in colls.items()]
    for d, c, n in order:
        out += doc({'db': d, 'collection': c, 'EOF': False, 'CRC': I64(0)})
        for x in colls[(d, c)][pos[(d, c)]:pos[(d, c)] + n]: out += doc(x)
        pos[(d, c)] += n
        out += TERM
    for d, c in colls:
        out += doc({'db': d, 'collection': c, 'EOF': True, 'CRC': I64(0)}) + TERM
    return out
PY_END
mk() { python3 -c "import sys; sys.path.insert(0, '.'); from mkbson import *; $1"; }

# --- a document whose length bytes start as a gzip or bzip2 header does ----
mk "
for name, size in (('gz', 0x8b1f), ('gz8', 0x088b1f), ('bz', 0x685a42)):
    base = len(doc({'_id': 1, 'pad': ''}))
    d = doc({'_id': 1, 'pad': 'x' * (size - base)})
    assert len(d) == size
    open(name + '.bson', 'wb').write(d + doc({'_id': 2, 'pad': 'y'}))
"
for f in gz gz8 bz; do
	is "$(counts $f.bson)" "dumptrace: 2 records parsed, 0 rejected" \
		"$f.bson: a document whose length reads 1f 8b or BZh is BSON, not compressed"
done

# --- every type ------------------------------------------------------------
mk "
dec15 = Dec(struct.pack('<QQ', 15, 0x303E000000000000))
open('types.bson', 'wb').write(doc({
 '_id': OID(bytes.fromhex('5f1d7a2b3c4d5e6f70819203')), 'name': 'Айгүл Сәрсенқызы',
 'i32': -42, 'i64': I64(1 << 40), 'dbl': 1.5, 'whole': 5.0, 'third': 1 / 3, 'tiny': 1e-7,
 'huge': 1e22, 'nan': float('nan'), 'ninf': float('-inf'), 'negz': -0.0, 'dec': dec15,
 't': True, 'f': False, 'nil': None, 'u': Undef(),
 'bin': Bin(b'\x00\xffab'), 'old': Bin(b'xy', 2), 'uuid': Bin(bytes(range(16)), 4),
 're': Regex('^a.*', 'i'), 'code': Code('function(){}'), 'sym': Sym('s'),
 'cws': CodeWS('x+1', {'x': 1}), 'ts': TS(1412180887, 3), 'min': MinKey(), 'max': MaxKey(),
 'ptr': DBPtr('db.c', bytes.fromhex('000102030405060708090a0b')),
 'addr': {'city': 'Алматы', 'geo': {'lat': 43.25}}, 'tags': ['a', {'x': 1}, [True]],
 'empty': {}, 'none': [], 'nul': 'a\0b', 'bad': b'x\xffy', b'k\xfe': 1,
 'd1': Date(-1), 'd2': Date(-2208988800000), 'd3': Date(-62135596800000),
 'd4': Date(253402300799999), 'd5': Date(1353442944386), 'd6': Date(10 ** 15)}))
"
cat >types.want <<'END'
{"_table":"types","_id":"5f1d7a2b3c4d5e6f70819203","name":"Айгүл Сәрсенқызы","i32":"-42","i64":"1099511627776","dbl":"1.5","whole":"5.0","third":"0.3333333333333333","tiny":"1e-07","huge":"1e+22","nan":"NaN","ninf":"-Infinity","negz":"-0.0","dec":"1.5","t":"true","f":"false","nil":null,"u":null,"bin":"0x00ff6162","old":"0x7879","uuid":"0x000102030405060708090a0b0c0d0e0f","re":"/^a.*/i","code":"function(){}","sym":"s","cws":"x+1","ts":"Timestamp(1412180887, 3)","min":"MinKey","max":"MaxKey","ptr":"DBPointer(db.c, 000102030405060708090a0b)","addr.city":"Алматы","addr.geo.lat":"43.25","tags.0":"a","tags.1.x":"1","tags.2.0":"true","nul":"a�b","bad":"x�y","k�":"1","d1":"1969-12-31T23:59:59.999Z","d2":"1900-01-01T00:00:00.000Z","d3":"0001-01-01T00:00:00.000Z","d4":"9999-12-31T23:59:59.999Z","d5":"2012-11-20T20:22:24.386Z","d6":"1000000000000000"}
END
jl types.bson >types.out
same_file types.out types.want "every BSON type: ObjectId, dates before 1970, numbers, binary as hex, regex, code, timestamp, Kazakh text, nesting, U+FFFD for NUL and bad UTF-8"
dt sniff types.bson >sniff.out 2>&1
grep -q "format      bson layout=bson collection=types" sniff.out
ok $? "sniff: identified as bson by its bytes, the collection from the file name"
grep -q "table       types: 1 records" sniff.out
ok $? "sniff: the table is the collection"
for n in 1 7; do
	jl --chunk $n types.bson >chunk.out
	same_file chunk.out types.want "every type: --chunk $n reads the same"
done

# --- flattening: the same documents as JSON Lines read the same -------------
mk "
import json
def deep(n):
    d = 1
    for _ in range(n): d = {'a': d}
    return d
docs = [{'a': {'b': {'c': 'x'}}, 'arr': [1, [2, 3], {'k': 'v'}], 'dot.ted': 'y', '': 'empty key'},
        {'n': deep(63)}, {'n': deep(64)}, {'xs': list(range(1000))}, {'xs': list(range(1001))},
        {'e': {}, 'l': [], 'z': 0}, {'s': 'tab\there \"q\" \\\\ é ✓ 𝄞', 'neg': -7, 'f': 2.5e-300},
        {'nul': 'a\u0000b'}, {'k': {}}]
with open('flat.jsonl', 'w') as f:
    for d in docs: f.write(json.dumps(d, ensure_ascii=False) + '\n')
open('flat.bson', 'wb').write(b''.join(doc(d) for d in docs))
"
jl --rejects rj.txt flat.jsonl >flat-json.out
sed -n 's/^# [^:]*:[0-9]*:[0-9]*: //p' rj.txt >flat-json.rej
jl --rejects rb.txt flat.bson | sed 's/^{"_table":"flat",/{"_table":null,/; s/^{"_table":"flat"}/{"_table":null}/' >flat-bson.out
sed -n 's/^# [^:]*:[0-9]*:[0-9]*: //p' rb.txt >flat-bson.rej
same_file flat-bson.out flat-json.out "flattening as the JSON reader: dotted names, indexed arrays, 63 levels, 1000 elements, empty containers, escapes"
same_file flat-bson.rej flat-json.rej "rejected as the JSON reader: 64 levels, 1001 elements"
is "$(counts flat.bson)" "dumptrace: 7 records parsed, 2 rejected" "flattening: counts"

# --- damage -------------------------------------------------------------------
mk "
d = [doc({'i': i, 's': 'x' * i}) for i in range(6)]
open('trunc.bson', 'wb').write(b''.join(d) + d[5][:-3])
lie = bytearray(d[2]); struct.pack_into('<i', lie, 0, len(lie) + 40)    # says 40 more
open('long.bson', 'wb').write(d[0] + d[1] + bytes(lie) + d[3] + d[4])
lie = bytearray(d[3]); struct.pack_into('<i', lie, 0, len(lie) - 6)     # says 6 fewer
open('short.bson', 'wb').write(d[0] + d[1] + d[2] + bytes(lie) + d[4] + d[5])
open('neg.bson', 'wb').write(d[0] + d[1] + b'\xfe\xff\xff\xff' + b'garbage!!' + d[2] + d[3])
bad = bytearray(d[4]); bad[4] = 0x55                                     # no such type
open('badtype.bson', 'wb').write(d[0] + d[1] + bytes(bad) + d[5])
open('big.bson', 'wb').write(d[0] + doc({'blob': Bin(b'\x01' * (17 << 20))}) + d[1])
open('max.bson', 'wb').write(d[0] + doc({'s': 'y' * 5000}) + d[1])
"
ids() { jl "$@" | sed 's/.*"i":"\([0-9]*\)".*/\1/' | tr '\n' ' '; }
is "$(ids trunc.bson)" "0 1 2 3 4 5 " "a truncated last document: the others read"
is "$(counts trunc.bson)" "dumptrace: 6 records parsed, 1 rejected" "a truncated last document: rejected, counted"
dt cat -q --rejects r.txt trunc.bson >/dev/null 2>&1
is "$(cat r.txt)" "# trunc.bson:7:135: truncated document: 25 bytes long, the input ends after 22" \
	"a truncated last document: its number and offset"
is "$(ids long.bson)" "0 1 3 4 " "a length 40 bytes too long: that document rejected, the next found again"
is "$(counts long.bson)" "dumptrace: 4 records parsed, 1 rejected" "a length too long: counts"
is "$(ids short.bson)" "0 1 2 4 5 " "a length 6 bytes too short: that document rejected, the next found again"
is "$(counts short.bson)" "dumptrace: 5 records parsed, 1 rejected" "a length too short: counts"
is "$(ids neg.bson)" "0 1 2 3 " "a negative length and garbage: one rejection, reading goes on after it"
dt cat -q --rejects r.txt neg.bson >/dev/null 2>&1
is "$(cat r.txt)" "# neg.bson:3:41: corrupt document length -2; skipped to the next document that reads" \
	"a negative length: the reason and the offset"
is "$(ids badtype.bson)" "0 1 5 " "an unknown element type: that document rejected, skipped by its length"
is "$(ids big.bson)" "0 1 " "a 17 MiB document: rejected alone"
dt cat -q --rejects r.txt big.bson >/dev/null 2>&1
is "$(cat r.txt)" "# big.bson:2:20: document of 17825808 bytes, more than BSON's 16 MiB" "a 17 MiB document: why"
is "$(ids --max-record 4K max.bson)" "0 1 " "a document over --max-record: rejected alone"
for f in trunc long short neg badtype; do
	ids $f.bson >whole.out
	for n in 1 7; do
		ids --chunk $n $f.bson >chunk.out
		same_file chunk.out whole.out "$f.bson: --chunk $n reads the same"
	done
done

# not BSON: text is never taken for it, and --format bson says why it fails
printf 'id,name\n1,x\n' >plain.csv
dt sniff plain.csv 2>&1 | grep -q "format      csv"
ok $? "a CSV file is not taken for BSON"
dt cat --format bson plain.csv >/dev/null 2>err
is "$? $(head -1 err)" "1 dumptrace: 'plain.csv': line 1, byte 0: not a BSON document: its length would be 1848403049; rest of input lost" \
	"--format bson on text: the input fails, with the reason"

# --- the MongoDB corpora: mongoexport JSON and the same data as BSON ----------
# The BSON is the export read back by Python (extended JSON to types); both
# go through dumptrace. Numbers are compared as numbers (the export's text,
# "1.2467e+06", "68.19567810587429", is not always the shortest text of its
# double), and the books' dates, given with a UTC offset, as instants (a
# BSON date is UTC).
cat >same.py <<'PY_END'
import json, sys, datetime
def inst(s):
    try: return datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%f%z')
    except (TypeError, ValueError): return None
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
bad = abs(len(a) - len(b))
for x, y in zip(a, b):
    for d in (x, y):
        d.pop('_input', None)
        d.pop('_table', None)
    if list(x) != list(y):
        bad += 1
        continue
    for k in x:
        u, v = x[k], y[k]
        if u == v: continue
        try:
            if float(u) == float(v): continue
        except (TypeError, ValueError): pass
        if inst(u) and inst(u) == inst(v.replace('Z', '+0000')): continue
        bad += 1
        if bad < 4: print('#', k, u, v)
print(bad)
PY_END
if [ -d "$CORPORA/mongo" ]; then
	for f in "$CORPORA"/mongo/*.json; do
		b=$(basename "$f" .json)
		mk "jsonl_to_bson('$f', '$b.bson')"
		jl "$f" >"$b.json.out"
		jl "$b.bson" >"$b.bson.out"
		is "$(wc -l <"$b.bson.out" | tr -d ' ') $(python3 same.py "$b.json.out" "$b.bson.out" | tail -1)" \
			"$(wc -l <"$f" | tr -d ' ') 0" "mongo/$b: the BSON gives the export's records"
	done
	# where no number or date is spelled differently: byte for byte
	for b in students restaurant; do
		sed 's/"_table":[^,]*,//' "$b.json.out" >j.out
		sed 's/"_table":[^,]*,//' "$b.bson.out" >b.out
		same_file b.out j.out "mongo/$b: the same records byte for byte"
	done
else
	skip "corpus $CORPORA/mongo is absent"
fi

# --- mongodump directories: zip, tar.gz, .bson.gz ----------------------------
mkdir -p dump/shop
mk "
open('dump/shop/users.bson', 'wb').write(b''.join(doc({'_id': i, 'email': 'u%d@x.kz' % i}) for i in range(3)))
open('dump/shop/orders.bson', 'wb').write(b''.join(doc({'_id': i, 'sum': i + 0.5}) for i in range(2)))
open('dump/shop/a%2fb.bson', 'wb').write(doc({'k': 'v'}))
"
cat >dump/shop/users.metadata.json <<'END'
{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"}],"uuid":"0123456789abcdef0123456789abcdef","collectionName":"users","type":"collection"}
END
(cd dump && zip -qr ../dump.zip shop) && tar czf dump.tar.gz dump
cat >dump.want <<'END'
{"_table":"users","_id":"0","email":"u0@x.kz"}
{"_table":"users","_id":"1","email":"u1@x.kz"}
{"_table":"users","_id":"2","email":"u2@x.kz"}
{"_table":"orders","_id":"0","sum":"0.5"}
{"_table":"orders","_id":"1","sum":"1.5"}
{"_table":"a/b","k":"v"}
END
# the members come in the archive's order: compare sorted
sort dump.want >want.sorted
for a in dump.zip dump.tar.gz; do
	dt cat -q --output-format jsonl "$a" 2>/dev/null | grep '^{"_input":"[^"]*\.bson"' |
		sed 's/^{"_input":"[^"]*",/{/' | sort >got.sorted
	same_file got.sorted want.sorted "$a: each .bson member's table is its collection (mongodump's %2f undone)"
done
dt cat -q --output-format jsonl --table orders dump.zip 2>/dev/null | grep -c '"_input":"[^"]*\.bson"' >n.out
is "$(cat n.out)" 2 "--table orders: only orders.bson of the dump directory"
# the metadata beside it holds indexes, not documents: passed over, said so, no failure
dt sniff dump.zip 2>/dev/null | grep -A4 "users.metadata.json" | grep -q "shape=mongodump-metadata"
ok $? "sniff: a .metadata.json member is known as mongodump's collection metadata"
dt cat -q --output-format jsonl dump.tar.gz 2>err | grep -c '"_input":"[^"]*metadata.json"' >n.out
is "$(cat n.out) $(grep -c 'users.metadata.json.: mongodump collection metadata (its indexes and options); no records in it, skipped' err)" \
	"0 1" "... read as no record, and said so"
is "$(counts dump.zip)" "dumptrace: 6 records parsed, 0 rejected" "a mongodump directory in a zip: its documents only, exit 0"
echo '{"indexes":[1],"options":{}}' >other.json
is "$(counts other.json)" "dumptrace: 1 records parsed, 0 rejected" "the same object under another name is a record"
gzip -c dump/shop/users.bson >users.bson.gz
is "$(jl users.bson.gz | head -1)" '{"_table":"users","_id":"0","email":"u0@x.kz"}' ".bson.gz (mongodump --gzip): decompressed, the table from the name"
dt cat -q --output-format jsonl - <dump/shop/users.bson 2>/dev/null | head -1 >stdin.out
is "$(cat stdin.out)" '{"_input":"-","_table":null,"_id":"0","email":"u0@x.kz"}' "standard input: no table"

# --- mongodump --archive ------------------------------------------------------
mk "
u = [{'_id': i, 'email': 'u%d@x.kz' % i} for i in range(5)]
o = [{'_id': i, 'total': i * 1.5} for i in range(4)]
a = archive({('shop', 'users'): u, ('shop', 'orders'): o},
            [('shop', 'users', 2), ('shop', 'orders', 3), ('shop', 'users', 3), ('shop', 'orders', 1)])
open('shop.archive', 'wb').write(a)
open('cut.archive', 'wb').write(a[:a.index(doc(o[3])) + 10])
bad = bytearray(a); i = a.index(doc(u[3])); bad[i:i + 4] = b'\x02\x00\x00\x00'
open('bad.archive', 'wb').write(bytes(bad))
"
cat >archive.want <<'END'
{"_table":"users","_id":"0","email":"u0@x.kz"}
{"_table":"users","_id":"1","email":"u1@x.kz"}
{"_table":"orders","_id":"0","total":"0.0"}
{"_table":"orders","_id":"1","total":"1.5"}
{"_table":"orders","_id":"2","total":"3.0"}
{"_table":"users","_id":"2","email":"u2@x.kz"}
{"_table":"users","_id":"3","email":"u3@x.kz"}
{"_table":"users","_id":"4","email":"u4@x.kz"}
{"_table":"orders","_id":"3","total":"4.5"}
END
jl shop.archive >archive.out
same_file archive.out archive.want "--archive: two interleaved collections, each document with its collection as table"
dt sniff shop.archive >sniff.out 2>&1
grep -q "format      bson layout=mongodump-archive collections=2 server_version=7.0.2 tool_version=100.9.4" sniff.out
ok $? "--archive: sniff names the layout, the collections and the versions"
grep -q "table       users: 5 records" sniff.out && grep -q "table       orders: 4 records" sniff.out
ok $? "--archive: sniff counts the records per collection"
gzip -c shop.archive >shop.archive.gz
jl shop.archive.gz >archive-gz.out
same_file archive-gz.out archive.want "--archive --gzip: the same records"
for n in 1 7; do
	jl --chunk $n shop.archive >chunk.out
	same_file chunk.out archive.want "--archive: --chunk $n reads the same"
done
grep '"users"' archive.want >users.want
jl --table users shop.archive >users.out
same_file users.out users.want "--archive --table users: that collection only"
is "$(jl --table shop.orders shop.archive | wc -l | tr -d ' ')" 4 "--archive --table db.collection"
dt cat --table nope shop.archive >/dev/null 2>err
is "$? $(head -1 err)" "1 dumptrace: 'shop.archive': no document of collection 'nope' in the archive; no record read" \
	"--archive --table of no collection there: the input fails"
is "$(counts cut.archive)" "dumptrace: 8 records parsed, 1 rejected" "a cut archive: its last document rejected"
dt cat -q bad.archive >/dev/null 2>err
grep -q "corrupt archive: 2 is neither a document length nor a terminator; rest of input lost" err
ok $? "a bad length in an archive: the input fails, as mongorestore does"
is "$(counts bad.archive)" "dumptrace: 6 records parsed, 0 rejected" "a bad length in an archive: the records before it kept"

done_testing
