#!/usr/bin/python3
"""Write modelgate's end-to-end fixture tree: benign/, malicious/, examples/, expected.json.

Run from anywhere with the interpreter that has torch 1.13, numpy 1.24, joblib 1.2, sklearn 1.2 and
py7zr (on the build machine that is /usr/bin/python3, not the python3 first on PATH):

    /usr/bin/python3 testdata/generate.py          # rewrite the tree
    /usr/bin/python3 testdata/generate.py --dis    # also print pickletools.dis of every malicious pickle

Safety: this script WRITES files only. It never unpickles anything it writes: no pickle.load,
torch.load, joblib.load or np.load(allow_pickle=True). Malicious payloads are harmless
(`touch /tmp/modelgate-fixture-<name>`) and are made by pickling an object whose __reduce__
returns (os.system, (cmd,)), or by writing opcodes by hand, or by splicing opcodes into a real
pickle. Pickle streams are inspected with pickletools.genops (a reader, it executes nothing).

Output is deterministic: fixed seeds, fixed archive timestamps, gzip mtime 0. Only the three
folders it owns (benign/, malicious/, examples/) and expected.json are deleted and rewritten.
"""

import base64
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import pickle
import pickletools
import runpy
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import uuid
import zipfile
import zlib

import _bootsubprocess
import joblib
import joblib.numpy_pickle
import numpy as np
import py7zr
import torch
import torch.nn as nn
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.abspath(__file__))
OWNED = ("benign", "malicious", "examples")
FIXED_MTIME = 315532800  # 1980-01-01T00:00:00Z, the zip epoch

ENTRIES = []
DIS = "--dis" in sys.argv


# ---------------------------------------------------------------- payloads


def cmd(name):
    """The harmless shell command every payload runs."""
    return "touch /tmp/modelgate-fixture-" + name


class Reduce:
    """Pickles as a call of fn(*args): the pickler asks __reduce__ and writes GLOBAL+REDUCE."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def system_pickle(name, protocol):
    return pickle.dumps(Reduce(os.system, (cmd(name),)), protocol=protocol)


def op_global(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def op_binunicode(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def op_short_binunicode(s):
    b = s.encode()
    assert len(b) < 256
    return b"\x8c" + bytes([len(b)]) + b


def splice_ops(name):
    """GLOBAL posix system, BINUNICODE cmd, TUPLE1, REDUCE, POP: runs and leaves the stack as it was."""
    return op_global("posix", "system") + op_binunicode(cmd(name)) + b"\x85R0"


def splice_after_proto(data, name):
    """Insert splice_ops right after the PROTO opcode of a protocol>=2 pickle (before any FRAME)."""
    assert data[:1] == b"\x80", data[:4]
    return data[:2] + splice_ops(name) + data[2:]


# ---------------------------------------------------------------- pickle reader (never executes)

OPS = {op.code.encode("latin-1"): op for op in pickletools.opcodes}
STRING_OPS = {"STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE",
              "BINUNICODE8"}
BYTES_OPS = {"BINBYTES", "SHORT_BINBYTES", "BINBYTES8"}


class Global(str):
    """A global on the simulated stack."""


class Opaque:
    pass


def walk(data, start=0, skips=None):
    """Yield (pos, op, arg) like pickletools.genops, jumping over the byte ranges in skips
    (start -> end: joblib's raw array bytes). Raises ValueError on a bad or truncated opcode."""
    skips = skips or {}
    f = io.BytesIO(data)
    f.seek(start)
    while True:
        pos = f.tell()
        if pos in skips:
            f.seek(skips[pos])
            continue
        code = f.read(1)
        if not code:
            raise ValueError("truncated at %d: no STOP" % pos)
        op = OPS.get(code)
        if op is None:
            raise ValueError("invalid opcode %r at %d" % (code, pos))
        arg = op.arg.reader(f) if op.arg is not None else None
        yield pos, op, arg
        if op.name == "STOP":
            return


def analyse(data, start=0, skips=None):
    """Simulate the unpickler's stack and memo with opaque values (nothing is imported or called).
    Returns {"imports": [(pos, name)], "calls": [(pos, kind, name)], "end": pos after STOP or None,
    "error": str or None, "bytes_args": [bytes literals]}."""
    stack, marks, memo = [], [], {}
    res = {"imports": [], "calls": [], "end": None, "error": None, "bytes_args": []}

    def pop_mark():
        m = marks.pop()
        items = stack[m:]
        del stack[m:]
        return items

    try:
        for pos, op, arg in walk(data, start, skips):
            n = op.name
            if n in STRING_OPS:
                stack.append(str(arg))
            elif n in BYTES_OPS:
                stack.append(bytes(arg))
                res["bytes_args"].append(bytes(arg))
            elif n == "GLOBAL":
                g = Global(arg.replace(" ", ".", 1))
                res["imports"].append((pos, str(g)))
                stack.append(g)
            elif n == "STACK_GLOBAL":
                name, mod = stack.pop(), stack.pop()
                g = Global("%s.%s" % (mod, name))
                res["imports"].append((pos, str(g)))
                stack.append(g)
            elif n == "INST":
                g = arg.replace(" ", ".", 1)
                res["imports"].append((pos, g))
                res["calls"].append((pos, "inst", g))
                pop_mark()
                stack.append(Opaque())
            elif n == "OBJ":
                items = pop_mark()
                res["calls"].append((pos, "obj", str(items[0])))
                stack.append(Opaque())
            elif n in ("EXT1", "EXT2", "EXT4"):
                g = Global("ext:%d" % arg)
                res["imports"].append((pos, str(g)))
                stack.append(g)
            elif n == "REDUCE":
                stack.pop()
                fn = stack.pop()
                res["calls"].append((pos, "reduce", str(fn) if isinstance(fn, Global) else "?"))
                stack.append(Opaque())
            elif n in ("NEWOBJ", "NEWOBJ_EX"):
                if n == "NEWOBJ_EX":
                    stack.pop()
                stack.pop()
                cls = stack.pop()
                res["calls"].append((pos, "newobj", str(cls) if isinstance(cls, Global) else "?"))
                stack.append(Opaque())
            elif n == "BUILD":
                stack.pop()
                if isinstance(stack[-1], Global):
                    res["calls"].append((pos, "build", str(stack[-1])))
            elif n in ("PUT", "BINPUT", "LONG_BINPUT"):
                memo[arg] = stack[-1]
            elif n == "MEMOIZE":
                memo[len(memo)] = stack[-1]
            elif n in ("GET", "BINGET", "LONG_BINGET"):
                stack.append(memo[arg])
            elif n == "MARK":
                marks.append(len(stack))
            elif n == "POP":
                if marks and marks[-1] == len(stack):
                    marks.pop()
                else:
                    stack.pop()
            elif n == "POP_MARK":
                pop_mark()
            elif n == "DUP":
                stack.append(stack[-1])
            elif n in ("PROTO", "FRAME"):
                pass
            elif n == "STOP":
                res["end"] = pos + 1
                res["balanced"] = len(stack) == 1 and not marks
            else:
                before, after = op.stack_before, op.stack_after
                if pickletools.markobject in before:
                    k = before.index(pickletools.markobject)
                    pop_mark()
                    for _ in range(k):
                        stack.pop()
                else:
                    for _ in before:
                        stack.pop()
                for _ in after:
                    stack.append(Opaque())
    except (ValueError, IndexError, KeyError) as e:
        res["error"] = str(e) or type(e).__name__
    return res


def split_pickles(data, count):
    """Byte ranges of `count` pickles written one after another from offset 0."""
    out, pos = [], 0
    for _ in range(count):
        r = analyse(data, pos)
        assert r["end"] is not None, r["error"]
        out.append((pos, r["end"]))
        pos = r["end"]
    return out


def after_reduce(data):
    """Offset just past the first REDUCE opcode."""
    for pos, op, _ in walk(data):
        if op.name == "REDUCE":
            return pos + 1
    raise ValueError("no REDUCE")


def is_pickle(data):
    if data[:1] != b"\x80" or len(data) < 3:
        return False
    r = analyse(data)
    return r["end"] == len(data)


# ---------------------------------------------------------------- writing helpers


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return data


def read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return f.read()


def tmpfile(suffix=""):
    fd, p = tempfile.mkstemp(suffix=suffix)
    os.close(fd)
    return p


def zip_members(data):
    """[(name, bytes)] of a zip, in central-directory order (reads bytes, unpickles nothing)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def normalize_zip_times(data):
    """Set every local and central header's DOS time/date to 1980-01-01 00:00 (not covered by CRC)."""
    b = bytearray(data)
    eocd = b.rfind(b"PK\x05\x06")
    n, cd_size, cd_off = struct.unpack_from("<HII", b, eocd + 10)
    p = cd_off
    for _ in range(n):
        assert b[p:p + 4] == b"PK\x01\x02"
        struct.pack_into("<HH", b, p + 12, 0, 0x21)
        nlen, elen, clen = struct.unpack_from("<HHH", b, p + 28)
        loc = struct.unpack_from("<I", b, p + 42)[0]
        if loc == 0xFFFFFFFF:  # zip64 extra holds the offset
            extra = b[p + 46 + nlen:p + 46 + nlen + elen]
            loc = zip64_offset(bytes(extra), struct.unpack_from("<II", b, p + 20))
        assert b[loc:loc + 4] == b"PK\x03\x04"
        struct.pack_into("<HH", b, loc + 10, 0, 0x21)
        p += 46 + nlen + elen + clen
    return bytes(b)


def zip64_offset(extra, sizes):
    i = 0
    while i + 4 <= len(extra):
        hid, ln = struct.unpack_from("<HH", extra, i)
        if hid == 1:
            fields = extra[i + 4:i + 4 + ln]
            j = 0
            for s in sizes:  # csize, usize present only when 0xFFFFFFFF
                if s == 0xFFFFFFFF:
                    j += 8
            return struct.unpack_from("<Q", fields, j)[0]
        i += 4 + ln
    raise ValueError("no zip64 offset")


def zip_write(members):
    """A plain stored zip written by Python's zipfile with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def zip_raw(members, zip64=False, flag_bits=None, local_names=None, bad_crc=()):
    """A stored zip written byte by byte, for the quirks Python's zipfile will not write:
    flag_bits {name: bits} set in both headers, local_names {name: other name} for the local
    header only, bad_crc names whose CRC (both headers) is wrong, zip64 records everywhere."""
    flag_bits, local_names = flag_bits or {}, local_names or {}
    out, central = bytearray(), bytearray()
    for name, data in members:
        crc = zlib.crc32(data)
        if name in bad_crc:
            crc ^= 0x5A5A5A5A
        flags = flag_bits.get(name, 0)
        ver = 45 if zip64 else 20
        off = len(out)
        lname = local_names.get(name, name).encode()
        if zip64:
            lextra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
            lsize = 0xFFFFFFFF
        else:
            lextra, lsize = b"", len(data)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", ver, flags, 0, 0, 0x21, crc, lsize, lsize,
                           len(lname), len(lextra)) + lname + lextra + data
        cname = name.encode()
        if zip64:
            cextra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), off)
            csize, coff = 0xFFFFFFFF, 0xFFFFFFFF
        else:
            cextra, csize, coff = b"", len(data), off
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", (3 << 8) | ver, ver, flags, 0, 0,
                               0x21, crc, csize, csize, len(cname), len(cextra), 0, 0, 0, 0o100644 << 16,
                               coff) + cname + cextra
    cd_off, n = len(out), len(members)
    out += central
    if zip64:
        z64 = len(out)
        out += struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, (3 << 8) | 45, 45, 0, 0, n, n, len(central),
                           cd_off)
        out += struct.pack("<4sIQI", b"PK\x06\x07", 0, z64, 1)
        out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central), cd_off, 0)
    return bytes(out)


def tar_write(members):
    """A tar (PAX, the default) with fixed metadata."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode = len(data), FIXED_MTIME, 0o644
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = ""
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def sevenz_write(members):
    """A 7z written by py7zr from temporary files with a fixed mtime."""
    d = tempfile.mkdtemp()
    try:
        out = os.path.join(d, "out.7z")
        with py7zr.SevenZipFile(out, "w") as z:
            for i, (name, data) in enumerate(members):
                src = os.path.join(d, "m%d" % i)
                with open(src, "wb") as f:
                    f.write(data)
                os.utime(src, (FIXED_MTIME, FIXED_MTIME))
                z.write(src, name)
        with open(out, "rb") as f:
            return f.read()
    finally:
        shutil.rmtree(d)


def gzip_bytes(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def zero_gzip_mtime(data):
    assert data[:2] == b"\x1f\x8b"
    return data[:4] + b"\0\0\0\0" + data[8:]


# ---------------------------------------------------------------- manifest


def add(path, verdict, severity, fmt, technique, member="", callables=(), pickles=None, note=None,
        nested_callables=None, offsets=True):
    """Record one expected.json entry. pickles maps every member chain that is a pickle to
    (bytes, start, skips) or a list of such (several streams in one member). The entry's imports
    come from simulating those streams; for a malicious entry the named callables must be among
    them (a self-check of the fixture), and offsets lists where their global opcodes are."""
    pickles = pickles or {}
    data = read(path)
    imports, offs, calls = set(), {}, set()
    for chain, streams in pickles.items():
        if not isinstance(streams, list):
            streams = [streams]
        for s in streams:
            blob, start, skips = (s + (0, None))[:3] if isinstance(s, tuple) else (s, 0, None)
            r = analyse(blob, start, skips)
            # A stream that reaches STOP must leave exactly its result on the stack: spliced payloads
            # (REDUCE + POP) keep the original value, so the file still loads as before.
            assert r["end"] is None or r["balanced"], (path, chain, start)
            for pos, name in r["imports"]:
                imports.add(name)
                if name in callables or name.startswith("ext:"):
                    offs.setdefault(chain, []).append(pos - start)
            for _, kind, name in r["calls"]:
                calls.add(name)
            if DIS and verdict == "malicious":
                print("==== %s :: %s (start %d)" % (path, chain or "<file>", start))
                try:
                    if skips:  # joblib: pickletools.dis cannot jump over raw array bytes
                        for pos, op, arg in walk(blob, start, skips):
                            print("%6d: %-16s %s" % (pos, op.name, "" if arg is None else repr(arg)[:70]))
                    else:
                        pickletools.dis(blob[start:], annotate=0)
                except Exception as e:  # the dis of a broken stream ends with an error
                    print("  (dis stopped: %s)" % e)
    for c in callables:
        assert c in imports, "%s: %s not among %s" % (path, c, sorted(imports))
    e = {
        "path": path,
        "verdict": verdict,
        "max_severity": severity,
        "format": fmt,
        "member": member,
        "callables": list(callables),
        "technique": technique,
        "pickle_members": sorted(pickles),
    }
    if nested_callables:
        e["nested_callables"] = list(nested_callables)
    if verdict == "malicious" and offsets and offs:
        e["offsets"] = {k: sorted(v) for k, v in sorted(offs.items())}
    e["imports"] = sorted(imports)
    if note:
        e["note"] = note
    e["size"] = len(data)
    e["sha256"] = hashlib.sha256(data).hexdigest()
    ENTRIES.append(e)


def zip_pickles(data, chain_prefix=""):
    """Every member of a zip that is a complete pickle by content, as {chain: bytes}."""
    return {chain_prefix + name: m for name, m in zip_members(data) if is_pickle(m)}


# ---------------------------------------------------------------- models


class TinyNet(nn.Module):
    """A user-defined module: saved whole it pickles as __main__.TinyNet (an unknown class)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.fc2 = nn.Linear(6, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def sequential():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def torch_save(rel, obj, **kw):
    """torch.save to a real path: the zip's top folder is the file's stem, as torch 1.13 writes it."""
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(obj, path, **kw)
    return read(rel)


def torch_save_bytes(obj, **kw):
    """torch.save to a buffer: the zip's top folder is `archive`."""
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


def stable_legacy(data):
    """Legacy torch names storages by memory address (str(storage._cdata)) and writes their bytes
    in the sorted order of those names, so two runs differ. Rename the keys in order of first use
    (BINUNICODE args of pickle #4), rewrite pickle #5 (the sorted key list, as torch writes it) and
    put the storage blocks in the new order. Everything else is torch's own output."""
    spans = split_pickles(data, 5)
    (a4, b4), (a5, b5) = spans[3], spans[4]
    keys = [arg for _, op, arg in walk(data, a5) if op.name in STRING_OPS]
    assert data[a5:b5] == pickle.dumps(keys, protocol=2)
    assert {g for _, g in analyse(data, a4)["imports"] if g.endswith("Storage")} == {"torch.FloatStorage"}
    blocks, pos = {}, b5
    for k in keys:  # each block: int64 element count, then count * 4 bytes (float32)
        n = 8 + struct.unpack_from("<q", data, pos)[0] * 4
        blocks[k], pos = data[pos:pos + n], pos + n
    assert pos == len(data)
    order = []
    for _, op, arg in walk(data, a4):
        if op.name in STRING_OPS and arg in blocks and arg not in order:
            order.append(arg)
    assert sorted(order) == sorted(keys)
    rename = {k: str(94000000000000 + 64 * i) for i, k in enumerate(order)}
    p4 = data[a4:b4]
    for k, v in rename.items():
        assert op_binunicode(k) in p4
        p4 = p4.replace(op_binunicode(k), op_binunicode(v))
    p5 = pickle.dumps(sorted(rename.values()), protocol=2)
    out = data[:a4] + p4 + p5 + b"".join(blocks[k] for k in order)
    assert [g for g in analyse(out, a4)["imports"]] and analyse(out, a4)["end"] == a4 + len(p4)
    return out


def legacy_chains(data):
    """The five pickles of a legacy torch file as {"pickle#N": (data, start)}, N from 0."""
    return {"pickle#%d" % i: (data, a) for i, (a, _) in enumerate(split_pickles(data, 5))}


def sklearn_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)
    return X, y


class ArrayRanges:
    """Records where joblib writes each array's raw bytes (uncompressed stream offsets)."""

    def __enter__(self):
        self.ranges = []
        self.orig = joblib.numpy_pickle.NumpyArrayWrapper.write_array
        rec = self.ranges
        orig = self.orig

        def write_array(wrapper, array, pickler):
            start = pickler.file_handle.tell()
            orig(wrapper, array, pickler)
            rec.append((start, pickler.file_handle.tell(), bool(array.dtype.hasobject)))

        joblib.numpy_pickle.NumpyArrayWrapper.write_array = write_array
        return self

    def __exit__(self, *exc):
        joblib.numpy_pickle.NumpyArrayWrapper.write_array = self.orig


def joblib_dump(obj, compress=0):
    """joblib.dump to a temp file: (file bytes, uncompressed stream, array ranges)."""
    p = tmpfile(".joblib")
    try:
        with ArrayRanges() as ar:
            joblib.dump(obj, p, compress=compress)
        with open(p, "rb") as f:
            data = f.read()
    finally:
        os.remove(p)
    method = compress[0] if isinstance(compress, tuple) else None
    raw = {None: lambda d: d, "zlib": zlib.decompress, "gzip": gzip.decompress, "bz2": bz2.decompress,
           "xz": lzma.decompress, "lzma": lzma.decompress}[method](data)
    if method == "gzip":
        data = zero_gzip_mtime(data)
    return data, raw, ar.ranges


def joblib_streams(raw, ranges):
    """The pickle streams of a joblib stream: the main one (skipping raw array bytes and
    embedded object-array pickles) and each embedded object-array pickle."""
    skips = {a: b for a, b, _ in ranges}
    out = [(raw, 0, skips)]
    out += [(raw, a, None) for a, _, obj in ranges if obj]
    return out


JOBLIB_COMPRESS = [
    ("", 0, "joblib"),
    (".z", ("zlib", 3), "joblib-zlib"),
    (".gz", ("gzip", 3), "joblib-gzip"),
    (".bz2", ("bz2", 3), "joblib-bz2"),
    (".xz", ("xz", 3), "joblib-xz"),
    (".lzma", ("lzma", 3), "joblib-lzma"),
]


# ---------------------------------------------------------------- benign


TRACE_SRC = """
import sys, torch, torch.nn as nn
torch.manual_seed(0)
m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
torch.jit.save(torch.jit.trace(m, torch.zeros(1, 4)), sys.argv[1])
"""


def benign_torch():
    sd = sequential().state_dict()
    for proto in (2, 4):
        rel = "benign/torch/state_dict_p%d.pt" % proto
        data = torch_save(rel, sd, pickle_protocol=proto)
        add(rel, "benign", "none", "torch-zip", "state-dict-protocol-%d" % proto,
            member="state_dict_p%d/data.pkl" % proto, pickles=zip_pickles(data))

    rel = "benign/torch/sequential_whole.pt"
    data = torch_save(rel, sequential())
    add(rel, "benign", "none", "torch-zip", "whole-standard-module", member="sequential_whole/data.pkl",
        pickles=zip_pickles(data), note="torch.save(nn.Sequential(Linear, ReLU, Linear)): torch.nn classes only")

    rel = "benign/torch/tinynet_whole.pt"
    torch.manual_seed(0)
    data = torch_save(rel, TinyNet())
    add(rel, "benign", "medium", "torch-zip", "whole-user-module", member="tinynet_whole/data.pkl",
        pickles=zip_pickles(data),
        note="user-defined class __main__.TinyNet saved whole: expected MEDIUM unknown class, not more")

    rel = "benign/torch/legacy_state_dict.pt"
    data = write(rel, stable_legacy(torch_save_bytes(sd, _use_new_zipfile_serialization=False)))
    add(rel, "benign", "none", "torch-legacy", "legacy-state-dict", member="pickle#3",
        pickles=legacy_chains(data))

    rel = "benign/torch/legacy_sequential_whole.pt"
    data = write(rel, stable_legacy(torch_save_bytes(sequential(), _use_new_zipfile_serialization=False)))
    add(rel, "benign", "none", "torch-legacy", "legacy-whole-standard-module", member="pickle#3",
        pickles=legacy_chains(data), note="legacy whole module: persistent ids carry the classes' source text")

    torch.manual_seed(0)
    rel = "benign/torch/scripted.pt"
    path = os.path.join(ROOT, rel)
    torch.jit.save(torch.jit.script(sequential()), path)
    data = read(rel)
    add(rel, "benign", "none", "torchscript", "torchscript-script", member="scripted/data.pkl",
        pickles=zip_pickles(data), note="torch.jit.script; data.pkl, constants.pkl and *.debug_pkl are pickles")

    rel = "benign/torch/traced.pt"
    # The tracer stores the Python call stack (file:line) in *.debug_pkl: trace in a child whose only
    # frame is "<string>", so that no path or line number of this script ends up in the file.
    subprocess.run([sys.executable, "-c", TRACE_SRC, os.path.join(ROOT, rel)], check=True)
    data = read(rel)
    add(rel, "benign", "none", "torchscript", "torchscript-trace", member="traced/data.pkl",
        pickles=zip_pickles(data))

    rel = "benign/torch/checkpoint_optimizer.pth"
    m = sequential()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    loss = m(torch.ones(3, 4)).sum()
    loss.backward()
    opt.step()
    data = write(rel, torch_save_bytes({"epoch": 3, "model_state_dict": m.state_dict(),
                                        "optimizer_state_dict": opt.state_dict(), "loss": 0.25}))
    add(rel, "benign", "none", "torch-zip", "training-checkpoint", member="archive/data.pkl",
        pickles=zip_pickles(data), note="model + Adam optimizer state + epoch, saved to a buffer (folder `archive`)")

    rel = "benign/torch/legacy_tar.pt"
    data = write(rel, legacy_tar(pickle.dumps({"epoch": 1, "note": "tiny"}, protocol=2)))
    add(rel, "benign", "none", "torch-tar", "legacy-tar-container", member="pickle",
        pickles=legacy_tar_pickles(data))

    rel = "benign/containers/checkpoint.7z"
    inner = read("benign/torch/state_dict_p2.pt")
    data = write(rel, sevenz_write([("model.pt", inner)]))
    add(rel, "benign", "none", "7z", "7z-wrapped-torch-zip", member="model.pt/state_dict_p2/data.pkl",
        pickles=zip_pickles(inner, "model.pt/"))


def legacy_tar(obj_pickle):
    """The pre-1.0 torch tar container that torch 1.13's legacy_load still reads: members
    sys_info, pickle (obj_pickle, the object), tensors, storages (here 0 storages, 0 tensors)."""
    sys_info = pickle.dumps({"protocol_version": 1001, "little_endian": True,
                             "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    storages = pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2)
    tensors = pickle.dumps(0, protocol=2)
    return tar_write([("sys_info", sys_info), ("pickle", obj_pickle), ("tensors", tensors),
                      ("storages", storages)])


def legacy_tar_pickles(data):
    out = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        for m in t.getmembers():
            b = t.extractfile(m).read()
            streams, pos = [], 0
            while pos < len(b):
                r = analyse(b, pos)
                assert r["end"], (m.name, r["error"])
                streams.append((b, pos))
                pos = r["end"]
            out[m.name] = streams
    return out


def benign_sklearn():
    X, y = sklearn_data()
    models = {
        "pipeline": Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(random_state=0))]),
        "random_forest": RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0),
        "gradient_boosting": GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0),
    }
    for name, model in models.items():
        model.fit(X, y)
        for ext, comp, fmt in JOBLIB_COMPRESS:
            rel = "benign/sklearn/%s.joblib%s" % (name, ext)
            data, raw, ranges = joblib_dump(model, comp)
            write(rel, data)
            add(rel, "benign", "none", fmt, "sklearn-%s" % name.replace("_", "-"),
                pickles={"": joblib_streams(raw, ranges)},
                note=None if not comp else "joblib compress=%r; the pickle is the decompressed stream" % (comp,))

    rel = "benign/sklearn/arrays.joblib"
    arrays = {"weights": np.arange(32, dtype=np.float32).reshape(8, 4) / 7,
              "ids": np.arange(10, dtype=np.int64),
              "labels": np.array(["cat", "dog", None, 3], dtype=object)}
    data, raw, ranges = joblib_dump(arrays)
    write(rel, data)
    add(rel, "benign", "none", "joblib", "joblib-raw-arrays", pickles={"": joblib_streams(raw, ranges)},
        note="numeric arrays inline as raw bytes after NumpyArrayWrapper BUILD; the object array is an "
             "embedded protocol-2 pickle at that place")
    rel = "benign/sklearn/arrays.joblib.gz"
    data, raw, ranges = joblib_dump(arrays, ("gzip", 3))
    write(rel, data)
    add(rel, "benign", "none", "joblib-gzip", "joblib-raw-arrays", pickles={"": joblib_streams(raw, ranges)})


def npy_pickle_start(data):
    """Offset of the pickle in an object-dtype .npy (after magic, version, header)."""
    assert data[:6] == b"\x93NUMPY"
    major = data[6]
    if major == 1:
        hl = struct.unpack_from("<H", data, 8)[0]
        return 10 + hl
    hl = struct.unpack_from("<I", data, 8)[0]
    return 12 + hl


def np_save_bytes(arr, allow_pickle=False):
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def savez_bytes(compressed=False, **arrays):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return normalize_zip_times(buf.getvalue())


def npz_pickles(data, chain_prefix=""):
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            m = z.read(name)
            if b"'O'" in m[:128] or b"|O" in m[:128]:
                out[chain_prefix + name] = (m, npy_pickle_start(m))
    return out


def benign_numpy():
    rng = np.random.RandomState(0)
    f4 = rng.normal(size=(6, 5)).astype(np.float32)
    write("benign/numpy/float32_2d.npy", np_save_bytes(f4))
    add("benign/numpy/float32_2d.npy", "benign", "none", "npy", "npy-f4-2d")
    write("benign/numpy/fortran_order.npy", np_save_bytes(np.asfortranarray(f4)))
    add("benign/numpy/fortran_order.npy", "benign", "none", "npy", "npy-fortran-order")
    rec = np.array([(1, 0.5, b"ab"), (2, 1.5, b"cd")], dtype=[("id", "<i4"), ("score", "<f8"), ("tag", "S2")])
    write("benign/numpy/structured.npy", np_save_bytes(rec))
    add("benign/numpy/structured.npy", "benign", "none", "npy", "npy-structured-dtype")

    obj = np.array(["alpha", 1, 2.5, None, ("t", 1)], dtype=object)
    data = write("benign/numpy/object.npy", np_save_bytes(obj, allow_pickle=True))
    add("benign/numpy/object.npy", "benign", "none", "npy", "npy-object-dtype",
        pickles={"": (data, npy_pickle_start(data))}, note="object dtype: a protocol-3 pickle after the header")

    for compressed, rel in ((False, "benign/numpy/arrays.npz"), (True, "benign/numpy/arrays_compressed.npz")):
        data = write(rel, savez_bytes(compressed, weights=f4, ids=np.arange(5), labels=obj))
        add(rel, "benign", "none", "npz", "npz-compressed" if compressed else "npz",
            member="labels.npy", pickles=npz_pickles(data),
            note="np.savez%s: members weights.npy, ids.npy, labels.npy (object dtype, a pickle)"
                 % ("_compressed" if compressed else ""))


def benign_pickles():
    rng = np.random.RandomState(0)
    d = {"w": rng.normal(size=(3, 2)).astype(np.float32), "b": np.zeros(2, dtype=np.float64),
         "steps": np.arange(4, dtype=np.int64), "name": "tiny"}
    for proto in range(6):
        rel = "benign/pickle/arrays_p%d.pkl" % proto
        data = write(rel, pickle.dumps(d, protocol=proto))
        add(rel, "benign", "none", "pickle", "pickle-numpy-dict-protocol-%d" % proto, pickles={"": data},
            note="protocol 0/1 write array bytes through _codecs.encode; protocol 5 through "
                 "numpy.core.numeric._frombuffer" if proto in (0, 1, 5) else None)
    inner = pickle.dumps(d, protocol=4)
    rel = "benign/containers/arrays.pkl.gz"
    write(rel, gzip_bytes(inner))
    add(rel, "benign", "none", "gzip", "gzip-pickle", member="arrays.pkl", pickles={"arrays.pkl": inner},
        note="gzip member chain is named after the file without .gz")
    rel = "benign/containers/arrays.tar"
    write(rel, tar_write([("model/arrays.pkl", inner), ("model/README.txt", b"tiny arrays\n")]))
    add(rel, "benign", "none", "tar", "tar-pickle", member="model/arrays.pkl",
        pickles={"model/arrays.pkl": inner})


def png_bytes(w=8, h=8):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\0" + bytes((x * 29 + y * 13) & 255 for x in range(w)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def benign_nonmodel():
    files = {
        "benign/nonmodel/README.md": b"# Tiny classifier\n\nTrained on synthetic data. See train.py.\n",
        "benign/nonmodel/train.py": b"import torch\n\nmodel = torch.nn.Linear(4, 2)\n"
                                    b"torch.save(model.state_dict(), 'model.pt')\n",
        "benign/nonmodel/config.json": json.dumps({"hidden_size": 8, "num_labels": 2, "architectures":
                                                   ["TinyNet"]}, indent=2).encode() + b"\n",
        "benign/nonmodel/preview.png": png_bytes(),
        "benign/nonmodel/CMakeLists.txt": b"cmake_minimum_required(VERSION 3.10)\nproject(tiny C)\n"
                                          b"add_executable(tiny main.c)\n",
        "benign/nonmodel/NOTICE": b"(c) The modelgate authors. Licensed under the Apache License 2.0.\n",
        "benign/nonmodel/square.scm": b"(define (square x)\n  (* x x))\n",
    }
    for rel, data in files.items():
        write(rel, data)
        add(rel, "benign", "none", "none", "non-model-file",
            note="text starting with 'c' or '(' (protocol-0 GLOBAL/MARK bytes) must not be read as a pickle"
            if data[:1] in b"c(" else None)


# ---------------------------------------------------------------- malicious

SYS = ["posix.system"]


def mal(rel, data, technique, fmt="pickle", member="", callables=SYS, severity="critical", pickles=None,
        **kw):
    write(rel, data)
    if pickles is None:
        pickles = {member: data}
    add(rel, "malicious", severity, fmt, technique, member=member, callables=callables, pickles=pickles, **kw)


def malicious_raw():
    for proto in (0, 1, 2, 4, 5):
        name = "os-system-p%d" % proto
        mal("malicious/pickle/os_system_p%d.pkl" % proto, system_pickle(name, proto),
            "reduce-os-system-protocol-%d" % proto)

    code = "import os; os.system(%r)" % cmd("exec")
    mal("malicious/pickle/builtins_exec.pkl", pickle.dumps(Reduce(exec, (code,)), protocol=2), "builtins-exec",
        callables=["__builtin__.exec"], note="protocol 2 writes builtins as __builtin__ (fix_imports)")
    expr = "__import__('os').system(%r)" % cmd("eval")
    mal("malicious/pickle/builtins_eval.pkl", pickle.dumps(Reduce(eval, (expr,)), protocol=4), "builtins-eval",
        callables=["builtins.eval"])
    mal("malicious/pickle/subprocess_popen.pkl",
        pickle.dumps(Reduce(subprocess.Popen, (["touch", "/tmp/modelgate-fixture-popen"],)), protocol=3),
        "subprocess-popen", callables=["subprocess.Popen"])
    code = "import os; os.system(%r)" % cmd("runpy")
    mal("malicious/pickle/runpy_run_code.pkl", pickle.dumps(Reduce(runpy._run_code, (code, {})), protocol=2),
        "runpy-run-code", callables=["runpy._run_code"])
    mal("malicious/pickle/unlisted_bootsubprocess.pkl",
        pickle.dumps(Reduce(_bootsubprocess.check_output, (["touch", "/tmp/modelgate-fixture-bootsubprocess"],)),
                     protocol=4),
        "unlisted-callable", callables=["_bootsubprocess.check_output"], severity="high",
        note="_bootsubprocess.check_output runs os.system(cmd); on no public denylist: must be flagged as an "
             "unknown call (high) at least")
    mal("malicious/pickle/uuid_get_command_stdout.pkl",
        pickle.dumps(Reduce(uuid._get_command_stdout, ("touch", "/tmp/modelgate-fixture-uuid")), protocol=2),
        "obscure-callable", callables=["uuid._get_command_stdout"], severity="high",
        note="uuid._get_command_stdout runs a program; listed by only some scanners")

    # Handwritten protocol 4: STACK_GLOBAL('pathlib', 'os.system') resolves pathlib.os.system.
    data = (b"\x80\x04" + op_short_binunicode("pathlib") + op_short_binunicode("os.system") + b"\x93"
            + op_short_binunicode(cmd("dotted")) + b"\x85R.")
    mal("malicious/pickle/dotted_stack_global.pkl", data, "dotted-stack-global", callables=["pathlib.os.system"],
        note="PROTO 4, SHORT_BINUNICODE 'pathlib', SHORT_BINUNICODE 'os.system', STACK_GLOBAL, "
             "SHORT_BINUNICODE cmd, TUPLE1, REDUCE, STOP; the loader resolves the dotted name to os.system")

    # Memo desync: MEMOIZE after POP stores the stack top ('posix'/'system'), not the last pushed decoy.
    data = (b"\x80\x04" + op_short_binunicode("posix") + op_short_binunicode("builtins") + b"0\x94"
            + op_short_binunicode("system") + op_short_binunicode("len") + b"0\x94"
            + b"00" + b"h\x00h\x01\x93" + op_short_binunicode(cmd("memo-desync")) + b"\x85R.")
    mal("malicious/pickle/memo_desync.pkl", data, "memo-desync",
        note="'posix' 'builtins' POP MEMOIZE(0='posix') 'system' 'len' POP MEMOIZE(1='system') POP POP "
             "BINGET 0 BINGET 1 STACK_GLOBAL: a reader that memoizes the previous string sees builtins.len")

    good = system_pickle("no-stop", 2)
    cut = after_reduce(good)
    mal("malicious/pickle/payload_no_stop.pkl", good[:cut], "broken-after-payload-no-stop",
        note="the stream ends right after REDUCE: no STOP; the call has run before the unpickler fails")
    good = system_pickle("bad-opcode", 2)
    cut = after_reduce(good)
    mal("malicious/pickle/payload_bad_opcode.pkl", good[:cut] + b"\xff" + good[cut:],
        "broken-after-payload-invalid-opcode", note="invalid opcode 0xff right after REDUCE")

    first = pickle.dumps({"epoch": 1, "acc": 0.5}, protocol=2)
    second = system_pickle("second-pickle", 2)
    data = first + second
    mal("malicious/pickle/second_pickle.pkl", data, "payload-in-second-pickle", member="pickle#1",
        pickles={"pickle#0": (data, 0), "pickle#1": (data, len(first))},
        note="pickle.load returns the first (benign) object; a second load on the same file runs the payload")

    inner = system_pickle("nested", 2)
    mal("malicious/pickle/nested_loads.pkl", pickle.dumps(Reduce(pickle.loads, (inner,)), protocol=4),
        "nested-pickle-bytes", callables=["_pickle.loads"], nested_callables=SYS,
        note="pickle.loads(<bytes literal>); the literal is a pickle calling posix.system")
    inner = system_pickle("nested-b64", 2)
    outer = Reduce(pickle.loads, (Reduce(base64.b64decode, (base64.b64encode(inner),)),))
    mal("malicious/pickle/nested_base64.pkl", pickle.dumps(outer, protocol=2), "nested-pickle-base64",
        callables=["pickle.loads", "base64.b64decode"], nested_callables=SYS,
        note="pickle.loads(base64.b64decode(<bytes>)) at protocol 2: _pickle is written as pickle and the "
             "bytes literal goes through _codecs.encode; the inner pickle calls posix.system")

    data = b"(V" + cmd("inst").encode() + b"\niposix\nsystem\n."
    mal("malicious/pickle/inst_p0.pkl", data, "inst-opcode", note="protocol 0: MARK UNICODE INST posix system STOP")
    data = b"(" + op_global("posix", "system") + op_binunicode(cmd("obj")) + b"o."
    mal("malicious/pickle/obj_p1.pkl", data, "obj-opcode", note="protocol 1: MARK GLOBAL BINUNICODE OBJ STOP")

    data = (b"\x80\x02" + op_global("tempfile", "mkdtemp") + b"N}" + op_binunicode("__defaults__")
            + b"(NX" + struct.pack("<I", 18) + b"modelgate-fixture-" + op_binunicode("/tmp/modelgate-fixture-attr")
            + b"ts\x86b0}.")
    mal("malicious/pickle/build_on_function.pkl", data, "attribute-poisoning", callables=["tempfile.mkdtemp"],
        severity="high",
        note="GLOBAL tempfile.mkdtemp, state (None, {'__defaults__': (...)}), BUILD: setattr on the imported "
             "function; the pickle then returns {}")
    data = (b"\x80\x02" + op_global("numpy", "prod") + b"}" + op_binunicode("__doc__")
            + op_binunicode("poisoned by modelgate fixture") + b"sb0}.")
    mal("malicious/pickle/build_on_numpy_prod.pkl", data, "attribute-poisoning", callables=["numpy.prod"],
        severity="high", note="GLOBAL numpy.prod, dict state, BUILD: writes into the function's __dict__")

    data = b"\x80\x02\x82\x42" + op_binunicode(cmd("ext1")) + b"\x85R."
    mal("malicious/pickle/ext1.pkl", data, "extension-registry-ext1", callables=[], severity="high",
        note="EXT1 0x42: the callable comes from copyreg's extension registry of the loading process")
    data = b"\x80\x02\x83\x39\x30" + op_binunicode(cmd("ext2")) + b"\x85R."
    mal("malicious/pickle/ext2.pkl", data, "extension-registry-ext2", callables=[], severity="high",
        note="EXT2 12345")

    # Extension lies and plain containers.
    p = system_pickle("weights", 4)
    mal("malicious/names/weights", p, "extension-lie-no-extension")
    p = system_pickle("png", 0)
    mal("malicious/names/x.png", p, "extension-lie-png", note="protocol 0: no \\x80 magic to sniff")
    p = system_pickle("safetensors", 2)
    mal("malicious/names/model.safetensors", p, "extension-lie-safetensors")
    p = system_pickle("bin", 2)
    mal("malicious/names/pytorch_model.bin", p, "raw-pickle-as-torch-bin",
        note="a plain pickle named like a torch checkpoint: a torch parser fails; the generic scan must run")

    p = system_pickle("gzip", 2)
    mal("malicious/containers/model.pkl.gz", gzip_bytes(p), "gzip-pickle", fmt="gzip", member="model.pkl",
        pickles={"model.pkl": p})
    p = system_pickle("tar", 4)
    mal("malicious/containers/model.tar", tar_write([("model/config.json", b"{}\n"), ("model/model.pkl", p)]),
        "tar-pickle", fmt="tar", member="model/model.pkl", pickles={"model/model.pkl": p})
    p = system_pickle("zip", 4)
    mal("malicious/containers/model.zip", zip_write([("README.txt", b"model\n"), ("model.pkl", p)]),
        "zip-pickle", fmt="zip", member="model.pkl", pickles={"model.pkl": p})

    lfs = (b"version https://git-lfs.github.com/spec/v1\n"
           b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 123456789\n")
    for rel in ("malicious/lfs/model.bin", "malicious/lfs/pytorch_model.safetensors"):
        mal(rel, lfs, "git-lfs-pointer", fmt="lfs-pointer", callables=[], severity="high", pickles={},
            note="not a model: the content was never checked out; the gate must fail (not scanned)")


def rename_top(members, new):
    return [(new + "/" + n.split("/", 1)[1], d) for n, d in members]


def malicious_torch():
    base = torch_save_bytes(sequential().state_dict())  # folder `archive`
    members = zip_members(base)
    names = [n for n, _ in members]
    assert "archive/data.pkl" in names, names

    def spliced(name):
        return [(n, splice_after_proto(d, name) if n.endswith("/data.pkl") else d) for n, d in members]

    def entry(rel, data, technique, member="archive/data.pkl", severity="critical", prefix="", **kw):
        pk = kw.pop("pickles", None) or zip_pickles(data[len(prefix):] if prefix else data)
        mal(rel, data, technique, fmt="torch-zip", member=member, severity=severity, pickles=pk, **kw)

    ms = spliced("torch-zip")
    entry("malicious/torch/spliced_data_pkl.pt", zip_write(ms), "torch-zip-spliced-reduce",
          note="GLOBAL posix system, BINUNICODE, TUPLE1, REDUCE, POP inserted after PROTO of a real data.pkl; "
               "rewritten with zipfile (stored); the checkpoint still loads to its state dict")
    ms = rename_top(spliced("torch-renamed"), "x")
    entry("malicious/torch/renamed_folder.pt", zip_write(ms), "torch-zip-renamed-folder", member="x/data.pkl",
          note="top-level folder `x` instead of the file stem or `archive`")
    clean = rename_top(members, "x")
    ms = clean + [("x/weights.bin", system_pickle("hidden-weights-bin", 2))]
    entry("malicious/torch/hidden_member_weights_bin.pt", zip_write(ms), "torch-zip-hidden-pickle-member",
          member="x/weights.bin", severity="high",
          note="data.pkl is benign; an extra member x/weights.bin is a pickle by content")
    ms = clean + [("x/.data/version", system_pickle("hidden-data-version", 4))]
    entry("malicious/torch/hidden_member_data_version.pt", zip_write(ms), "torch-zip-hidden-pickle-member",
          member="x/.data/version", severity="high",
          note="an extra member x/.data/version (a name newer torch uses for a text file) is a pickle by content")

    # Zip quirks on the spliced checkpoint.
    ms = spliced("zip-bad-crc")
    entry("malicious/torch/zip_bad_crc.pt", zip_raw(ms, bad_crc={"archive/data.pkl"}), "zip-bad-crc",
          pickles={"archive/data.pkl": dict(ms)["archive/data.pkl"]},
          note="CRC-32 of archive/data.pkl wrong in both headers: zipfile raises BadZipFile on read")
    for bit in (0x1, 0x20, 0x40):
        ms = spliced("zip-flag-%x" % bit)
        entry("malicious/torch/zip_flag_0x%02x.pt" % bit, zip_raw(ms, flag_bits={n: bit for n, _ in ms}),
              "zip-flag-bits-0x%02x" % bit, severity="high",
              pickles={"archive/data.pkl": dict(ms)["archive/data.pkl"]},
              note="general-purpose flag 0x%02x set in every local and central header; data is stored "
                   "plaintext; zipfile refuses the member" % bit)
    ms = spliced("zip-name-mismatch")
    entry("malicious/torch/zip_name_mismatch.pt",
          zip_raw(ms, local_names={"archive/data.pkl": "archive/evil.pkl"}), "zip-local-central-name-mismatch",
          pickles={"archive/data.pkl": dict(ms)["archive/data.pkl"]},
          note="central directory says archive/data.pkl, the local header says archive/evil.pkl (same length)")
    junk = (b"modelgate junk bytes. " * 50)[:1000]
    ms = spliced("zip-junk-prefix")
    entry("malicious/torch/zip_junk_prefix.pt", junk + zip_write(ms), "zip-prepended-junk", prefix=junk,
          note="1000 junk bytes before the first local header; central offsets not adjusted")
    ms = spliced("zip64")
    data = zip_raw(ms, zip64=True)
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # zipfile must read it back
        assert z.read("archive/data.pkl") == dict(ms)["archive/data.pkl"]
    entry("malicious/torch/zip64.pt", data, "zip64-records",
          note="zip64 extra fields in every local and central header, zip64 end record and locator")
    ms = spliced("zip64-zipfile")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for n, d in ms:
            with z.open(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), "w", force_zip64=True) as w:
                w.write(d)
    entry("malicious/torch/zip64_zipfile.pt", buf.getvalue(), "zip64-local-extra",
          note="written by zipfile with force_zip64=True: zip64 extra fields in the local headers only "
               "(as numpy's savez writes them)")

    # Legacy (non-zip) torch: five pickles then raw storages.
    sd = sequential().state_dict()
    buf = io.BytesIO()
    torch.save(sd, buf, _use_new_zipfile_serialization=False)
    legacy = stable_legacy(buf.getvalue())
    spans = split_pickles(legacy, 5)
    for n in range(1, 6):
        a, b = spans[n - 1]
        name = "legacy-pickle-%d" % n
        piece = splice_after_proto(legacy[a:b], name)
        data = legacy[:a] + piece + legacy[b:]
        mal("malicious/torch/legacy_pickle%d.pt" % n, data, "legacy-payload-in-pickle-%d" % n, fmt="torch-legacy",
            member="pickle#%d" % (n - 1), pickles=legacy_chains(data),
            note="legacy torch: pickles are magic, protocol, sys_info, object, storage keys; payload spliced "
                 "after PROTO of pickle #%d" % n)
    obj = splice_after_proto(pickle.dumps({"epoch": 1, "note": "tiny"}, protocol=2), "legacy-tar")
    data = legacy_tar(obj)
    mal("malicious/torch/legacy_tar.pt", data, "legacy-tar-pickle-member", fmt="torch-tar", member="pickle",
        pickles=legacy_tar_pickles(data), note="tar container (members sys_info, pickle, tensors, storages) "
                                               "that torch.load's legacy_load reads; payload in `pickle`")

    # 7z.
    ms = spliced("7z-torch")
    inner = zip_write(ms)
    mal("malicious/torch/model_in_7z.7z", sevenz_write([("model.pt", inner)]), "7z-wrapped-torch-zip", fmt="7z",
        member="model.pt/archive/data.pkl", pickles=zip_pickles(inner, "model.pt/"))
    body = dict(members)["archive/data.pkl"]
    broken = body[:2] + op_global("posix", "system") + op_binunicode(cmd("nullifai")) + b"\x85R" + body[2:40]
    assert analyse(broken)["error"]
    ms = [(n, broken if n.endswith("/data.pkl") else d) for n, d in members]
    mal("malicious/torch/nullifai.7z", sevenz_write(ms), "7z-torch-members-broken-pickle", fmt="7z",
        member="archive/data.pkl", pickles={"archive/data.pkl": broken},
        note="the torch archive's members packed with 7z instead of zip (nullifAI); data.pkl is PROTO, the "
             "payload (REDUCE, no POP), then the original pickle cut mid-stream")


def malicious_joblib():
    arrays = {"weights": np.arange(16, dtype=np.float32).reshape(4, 4), "bias": np.ones(4, dtype=np.float64),
              "note": "tiny"}
    _, raw, ranges = joblib_dump(arrays)
    assert raw[:2] == b"\x80\x04" and not any(o for _, _, o in ranges)
    first_end = ranges[0][1]
    compressors = [
        ("", None, "joblib"),
        (".z", lambda d: zlib.compress(d, 3), "joblib-zlib"),
        (".gz", lambda d: gzip.compress(d, 3, mtime=0), "joblib-gzip"),
        (".bz2", lambda d: bz2.compress(d, 3), "joblib-bz2"),
        (".xz", lambda d: lzma.compress(d, lzma.FORMAT_XZ, preset=3), "joblib-xz"),
    ]
    for ext, comp, fmt in compressors:
        name = "joblib-after-array" + ext.replace(".", "-")
        ops = splice_ops(name)
        stream = raw[:first_end] + ops + raw[first_end:]
        skips = {a if a < first_end else a + len(ops): (b if a < first_end else b + len(ops)) for a, b, _ in ranges}
        r = analyse(stream, 0, skips)
        assert r["end"] == len(stream), r
        data = comp(stream) if comp else stream
        mal("malicious/joblib/after_array.joblib" + ext, data, "joblib-payload-after-inline-array", fmt=fmt,
            pickles={"": (stream, 0, skips)},
            note="payload (GLOBAL posix system, BINUNICODE, TUPLE1, REDUCE, POP) inserted at uncompressed offset "
                 "%d, right after the raw bytes of the first array (NumpyArrayWrapper BUILD at %d, padding "
                 "byte + padding + %d array bytes); a reader that does not skip the array bytes never gets "
                 "there%s" % (first_end, ranges[0][0] - 1, arrays["weights"].nbytes,
                              "" if not comp else "; the stream is then compressed as joblib compresses it"))
    obj = {"labels": np.array([Reduce(os.system, (cmd("joblib-object-array"),)), "x"], dtype=object)}
    data, raw, ranges = joblib_dump(obj)
    mal("malicious/joblib/object_array.joblib", data, "joblib-payload-in-object-array",
        pickles={"": joblib_streams(raw, ranges)}, fmt="joblib",
        note="written by joblib.dump itself: an object array is an embedded protocol-2 pickle right after "
             "the NumpyArrayWrapper BUILD; the payload is an element of that array")


def malicious_numpy():
    arr = np.array([Reduce(os.system, (cmd("npy-object"),)), 1], dtype=object)
    data = np_save_bytes(arr, allow_pickle=True)
    mal("malicious/numpy/object.npy", data, "npy-object-payload", fmt="npy",
        pickles={"": (data, npy_pickle_start(data))}, note="np.save(allow_pickle=True) of an object array")
    arr = np.array([Reduce(os.system, (cmd("npz-object"),)), 1], dtype=object)
    data = savez_bytes(False, weights=np.zeros((2, 2), np.float32), labels=arr)
    mal("malicious/numpy/object_member.npz", data, "npz-object-member-payload", fmt="npz", member="labels.npy",
        pickles=npz_pickles(data), note="np.savez with an object member labels.npy carrying the payload")


def examples():
    torch.manual_seed(0)
    data = write("examples/state_dict.pt", torch_save_bytes(nn.Linear(4, 2).state_dict()))
    add("examples/state_dict.pt", "benign", "none", "torch-zip", "state-dict", member="archive/data.pkl",
        pickles=zip_pickles(data))
    X, y = sklearn_data()
    model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(random_state=0))]).fit(X, y)
    data, raw, ranges = joblib_dump(model)
    write("examples/classifier.joblib", data)
    add("examples/classifier.joblib", "benign", "none", "joblib", "sklearn-pipeline",
        pickles={"": joblib_streams(raw, ranges)})
    data = write("examples/suspicious_model.pkl", system_pickle("example", 4))
    add("examples/suspicious_model.pkl", "malicious", "critical", "pickle", "reduce-os-system-protocol-4",
        callables=SYS, pickles={"": data})
    write("examples/README.txt", (
        "A tiny tree for trying modelgate:\n\n"
        "  state_dict.pt          torch.save of a Linear layer's state dict (benign)\n"
        "  classifier.joblib      joblib.dump of a scikit-learn Pipeline (benign)\n"
        "  suspicious_model.pkl   a pickle that calls os.system('touch /tmp/modelgate-fixture-example')\n\n"
        "    modelgate testdata/examples\n\n"
        "Never load suspicious_model.pkl with Python: scan it.\n").encode())
    add("examples/README.txt", "benign", "none", "none", "non-model-file")


VERSIONS = {"python": "3.11.2", "torch": "1.13.0a0", "numpy": "1.24.2", "joblib": "1.2.0", "sklearn": "1.2.1",
            "py7zr": "0.11.3+dfsg"}


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes class attributes in set order: fix string hashing for repeatable output.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    os.chdir(ROOT)
    have = {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__,
            "joblib": joblib.__version__, "sklearn": __import__("sklearn").__version__, "py7zr": py7zr.__version__}
    if have != VERSIONS:  # other versions write other bytes: update README.md and VERSIONS with the files
        print("warning: library versions differ from README.md: %s" % have, file=sys.stderr)
    for d in OWNED:
        shutil.rmtree(os.path.join(ROOT, d), ignore_errors=True)
    benign_torch()
    benign_sklearn()
    benign_numpy()
    benign_pickles()
    benign_nonmodel()
    malicious_raw()
    malicious_torch()
    malicious_joblib()
    malicious_numpy()
    examples()
    ENTRIES.sort(key=lambda e: e["path"])
    on_disk = sorted(os.path.relpath(os.path.join(dp, f), ROOT) for d in OWNED
                     for dp, _, fs in os.walk(os.path.join(ROOT, d)) for f in fs)
    assert on_disk == [e["path"] for e in ENTRIES], set(on_disk) ^ {e["path"] for e in ENTRIES}
    with open(os.path.join(ROOT, "expected.json"), "w") as f:
        json.dump(ENTRIES, f, indent=1)
        f.write("\n")
    total = sum(e["size"] for e in ENTRIES)
    print("%d files (%d malicious), %d bytes" % (len(ENTRIES), sum(e["verdict"] == "malicious" for e in ENTRIES),
                                                 total), file=sys.stderr)


if __name__ == "__main__":
    main()
