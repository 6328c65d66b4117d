"""Write the quality-check samples of scan/: one small file per technique
of issue 4 and of the container rows of THREATS.md, and expected.json,
the table the Go test (scan/formats/containers_test.go) checks them against.

Run with the interpreter that has torch 1.13, numpy 1.24, joblib 1.2,
py7zr and lz4:  /usr/bin/python3 gen.py

Benign files are written by the libraries. Malicious variants carry the
harmless payload `touch /tmp/modelgate-qa` and are built by writing
bytes; zip quirks are written by a hand-made zip writer so that every
field can be wrong on purpose. Nothing here ever loads a pickle: zipfile
only lists the members of archives torch.save wrote, and pickletools.genops
only walks opcodes.

expected.json, per file:
  verdict   "malicious" (a finding of at least high, with callable at member),
            "benign" (nothing above medium, member among those read),
            "hostile" (a finding of rule, at least high; a normal exit),
            "broken" (a truncated or corrupt benign file: at least one finding)
  format    the reported format ("" not checked)
  member    the member chain of the finding (malicious/hostile) or a member
            that must be read (benign)
  callable  the callable of the finding (malicious)
  rule      the rule of the finding (hostile)
"""

import bz2
import gzip
import io
import json
import lzma
import os
import pickle
import pickletools
import shutil
import struct
import tarfile
import tempfile
import zipfile
import zlib

import joblib
import lz4.frame
import numpy as np
import py7zr
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CMD = "touch /tmp/modelgate-qa"
EXPECTED = []


def out(name, data, verdict, fmt="", member="", callable_="", rule=""):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    EXPECTED.append({"file": name, "verdict": verdict, "format": fmt, "member": member,
                     "callable": callable_, "rule": rule})


def mal(name, data, fmt, member="", callable_="posix.system"):
    out(name, data, "malicious", fmt, member, callable_)


class Payload:
    """Pickles to posix.system(CMD): written, never loaded."""

    def __reduce__(self):
        return (os.system, (CMD,))


def call(mod="posix", name="system"):
    """A protocol-0 call fragment that leaves its result on the stack:
    GLOBAL MARK UNICODE TUPLE REDUCE."""
    return b"c%s\n%s\n(V%s\ntR" % (mod.encode(), name.encode(), CMD.encode())


def inject(p, mod="posix", name="system"):
    """The pickle p with a call run and popped first: loaders still get
    p's value."""
    head = p[:2] if p[:1] == b"\x80" else b""
    return head + call(mod, name) + b"0" + p[len(head):]


def split_pickles(data, n):
    """The first n pickles of data and what follows (genops never loads)."""
    f = io.BytesIO(data)
    parts = []
    for _ in range(n):
        start = f.tell()
        for op, _, _ in pickletools.genops(f):
            if op.name == "STOP":
                break
        parts.append(data[start:f.tell()])
    return parts, data[f.tell():]


# ---- zip writer -------------------------------------------------------

def zip_entry(name, data, **kw):
    e = {"name": name, "data": data, "method": 0, "flags": 0}
    e.update(kw)
    return e


def build_zip(entries, prefix=b"", comment=b"", zip64=False, count=None, hidden=None):
    """entries: dicts with name, data, method (0, 8, 12 or any), flags,
    local_name, bad_crc, descriptor (sizes 0 in the local header and a
    data descriptor after the data), dir_csize/dir_usize (what the central
    directory claims). hidden: {index: bytes} written after entry index
    and referenced by no central entry."""
    body = io.BytesIO()
    body.write(prefix)
    central = io.BytesIO()
    for i, e in enumerate(entries):
        raw = e["data"]
        if e["method"] == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            comp = c.compress(raw) + c.flush()
        elif e["method"] == 12:
            comp = bz2.compress(raw, 9)
        else:
            comp = raw
        crc = zlib.crc32(raw) ^ (0xDEADBEEF if e.get("bad_crc") else 0)
        flags = e["flags"] | (0x8 if e.get("descriptor") else 0)
        lname = e.get("local_name", e["name"]).encode()
        off = body.tell() - len(prefix) if e.get("relative", True) else body.tell()
        lcrc, lcs, lus = (0, 0, 0) if e.get("descriptor") else (crc, len(comp), len(raw))
        if zip64:
            lcs, lus = 0xFFFFFFFF, 0xFFFFFFFF
            lext = struct.pack("<HHQQ", 1, 16, len(raw), len(comp))
        else:
            lext = b""
        body.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, flags, e["method"], 0, 0x21,
                               lcrc, lcs, lus, len(lname), len(lext)) + lname + lext)
        body.write(comp)
        if e.get("descriptor"):
            body.write(struct.pack("<IIII", 0x08074B50, crc, len(comp), len(raw)))
        if hidden and i in hidden:
            body.write(hidden[i])
        cs, us = e.get("dir_csize", len(comp)), e.get("dir_usize", len(raw))
        name = e["name"].encode()
        if zip64:
            cext = struct.pack("<HHQQQ", 1, 24, us, cs, off)
            cs = us = offf = 0xFFFFFFFF
        else:
            cext, offf = b"", off
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45 if zip64 else 20, 45 if zip64 else 20,
                                  flags, e["method"], 0, 0x21, crc, cs, us, len(name), len(cext), 0, 0, 0, 0,
                                  offf) + name + cext)
    dir_off = body.tell() - len(prefix)
    cd = central.getvalue()
    n = len(entries) if count is None else count
    out = body.getvalue() + cd
    if zip64:
        end64 = len(out) - len(prefix)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(cd), dir_off)
        out += struct.pack("<IIQI", 0x07064B50, 0, end64, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, len(comment))
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF), len(cd), dir_off,
                           len(comment))
    return out + comment


def torch_members(obj=None, root="archive"):
    """The members torch.save writes, listed with zipfile (never loaded)."""
    if obj is None:
        obj = {"weight": torch.arange(4, dtype=torch.float32)}
    b = io.BytesIO()
    torch.save(obj, b)
    with zipfile.ZipFile(b) as z:
        ms = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    src_root = ms[0][0].split("/")[0]
    return [(root + n[len(src_root):], d) for n, d in ms]


def torch_zip(evil=True, root="archive", method=0, quirk=None, **layout):
    """A torch archive rebuilt by build_zip; with evil, data.pkl runs the
    payload first. quirk(entry) may change the data.pkl entry."""
    es = []
    for n, d in torch_members(root=root):
        e = zip_entry(n, d, method=method)
        if n.endswith("/data.pkl"):
            if evil:
                e["data"] = inject(d)
            if quirk:
                quirk(e)
        es.append(e)
    return build_zip(es, **layout)


def torch_bytes(obj, legacy=False, proto=2):
    b = io.BytesIO()
    torch.save(obj, b, _use_new_zipfile_serialization=not legacy, pickle_protocol=proto)
    return b.getvalue()


def seven_zip(members, **kw):
    with tempfile.TemporaryDirectory() as tmp:
        arc = os.path.join(tmp, "a.7z")
        with py7zr.SevenZipFile(arc, "w", **kw) as z:
            for i, (name, data) in enumerate(members.items()):
                src = os.path.join(tmp, str(i))
                with open(src, "wb") as f:
                    f.write(data)
                z.write(src, name)
        with open(arc, "rb") as f:
            return f.read()


def tar_of(members, mode="w"):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode, format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()


def zip_of(members, method=zipfile.ZIP_STORED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=method)
    return b.getvalue()


def gz(data, name=None):
    b = io.BytesIO()
    with gzip.GzipFile(filename=name or "", mode="wb", fileobj=b, mtime=0) as g:
        g.write(data)
    return b.getvalue()


def joblib_bytes(obj, **kw):
    b = io.BytesIO()
    joblib.dump(obj, b, **kw)
    return b.getvalue()


def npy_bytes(arr, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, arr, version=version, allow_pickle=True)
    return b.getvalue()


def npz_bytes(compressed=False, **arrays):
    b = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(b, **arrays)
    return b.getvalue()


def raw_pickles():
    mal("a01_cat.png", pickle.dumps(Payload(), 0), "pickle")
    mal("a02_weights", pickle.dumps(Payload(), 1), "pickle")
    mal("a03_model.safetensors", pickle.dumps(Payload(), 2), "pickle")
    mal("a04_config.json", pickle.dumps([1, Payload()], 4), "pickle")
    mal("a05_vocab.txt", call() + b".", "pickle")
    mal("a06_bundle", inject(pickle.dumps({"a": 1}, 1), "subprocess", "Popen"), "pickle", "", "subprocess.Popen")
    mal("a07_second_pickle.pkl", pickle.dumps({"a": 1}, 2) + pickle.dumps(Payload(), 2), "pickle")
    mal("a08_unknown_callable.pkl", inject(pickle.dumps([1.0], 2), "helpers.setup", "install"), "pickle", "",
        "helpers.setup.install")
    out("b01_data", pickle.dumps({"a": [1, 2], "b": "x", "c": (1.5, None)}, 0), "benign", "pickle")
    out("b02_data1", pickle.dumps({"a": [1, 2], "b": b"x"}, 1), "benign", "pickle")
    out("b03_CMakeLists.txt", b"cmake_minimum_required(VERSION 3.10)\nproject(x)\n", "benign", "none")
    out("b04_notes.md", b"(draft) see the README\n", "benign", "none")


def compressed_streams():
    p = pickle.dumps(Payload(), 2)
    mal("c01_model.bin", gz(p, "inner.pkl"), "gzip", "inner.pkl")
    mal("c02_weights.pkl.gz", gz(p), "gzip", "c02_weights.pkl")
    mal("c03_weights.pkl.bz2", bz2.compress(p), "bz2", "c03_weights.pkl")
    mal("c04_weights.xz", lzma.compress(p), "xz", "c04_weights")
    mal("c05_weights.lzma", lzma.compress(p, format=lzma.FORMAT_ALONE), "lzma", "c05_weights")
    mal("c06_weights.dat", zlib.compress(p), "zlib", "<zlib>")
    mal("c07_weights.lz4", lz4.frame.compress(p), "lz4", "c07_weights")
    out("c08_benign.pkl.gz", gz(pickle.dumps({"a": [1, 2]}, 4)), "benign", "gzip", "c08_benign.pkl")


def nested():
    p = pickle.dumps(Payload(), 2)
    mal("d01_deep.tar.gz", tar_of([("inner.zip", zip_of([("x/evil.pkl", p)]))], "w:gz"), "gzip",
        "d01_deep.tar/inner.zip/x/evil.pkl")
    tz = torch_zip()
    mal("d02_release.7z", seven_zip({"release/model.zip": zip_of([("pytorch_model.bin", tz)])}), "7z",
        "release/model.zip/pytorch_model.bin/archive/data.pkl")
    mal("d03_archive.zip.gz", gz(zip_of([("a/b/c.pkl", p)], zipfile.ZIP_DEFLATED)), "gzip", "d03_archive.zip/a/b/c.pkl")
    mal("d04_bundle.tar.bz2", tar_of([("m/model.pt", tz)], "w:bz2"), "bz2", "d04_bundle.tar/m/model.pt/archive/data.pkl")
    mal("d05_pack.tar.xz", tar_of([("ckpt.7z", seven_zip({"pytorch_model.bin": tz}))], "w:xz"), "xz",
        "d05_pack.tar/ckpt.7z/pytorch_model.bin/archive/data.pkl")
    deep = p
    for i in range(7):
        deep = zip_of([("level%d.zip" % i if i else "evil.pkl", deep)])
    out("d06_matryoshka.zip", deep, "hostile", "zip", rule="MG006")
    mal("d07_zip_in_zip_in_7z.7z", seven_zip({"outer.zip": zip_of([("inner.zip", zip_of([("w.pkl", p)]))])}), "7z",
        "outer.zip/inner.zip/w.pkl")
    out("d08_benign_nested.7z", seven_zip({"m.zip": zip_of([("pytorch_model.bin", torch_zip(False))])}), "benign",
        "7z", "m.zip/pytorch_model.bin/archive/data.pkl")


def zip_quirks():
    dp = "archive/data.pkl"
    mal("e01_bad_crc.pt", torch_zip(quirk=lambda e: e.update(bad_crc=True)), "torch-zip", dp)
    mal("e02_descriptor_deflated.pt", torch_zip(method=8, quirk=lambda e: e.update(descriptor=True)), "torch-zip", dp)
    mal("e03_descriptor_stored.pt", torch_zip(quirk=lambda e: e.update(descriptor=True)), "torch-zip", dp)
    mal("e04_odd_flags.pt", torch_zip(quirk=lambda e: e.update(flags=0x2 | 0x4 | 0x20 | 0x800 | 0x2000)),
        "torch-zip", dp)
    mal("e05_local_name.pt", torch_zip(quirk=lambda e: e.update(local_name="archive/zzzz.txt")), "torch-zip", dp)
    mal("e06_prepended.pt", torch_zip(prefix=b"MZ" + os.urandom(0) + b"\x00" * 1022), "torch-zip", dp)
    mal("e07_zip64.pt", torch_zip(zip64=True), "torch-zip", dp)
    mal("e08_stored.pt", torch_zip(method=0), "torch-zip", dp)
    mal("e09_deflated.pt", torch_zip(method=8), "torch-zip", dp)
    mal("e10_dir_sizes_lie.pt", torch_zip(quirk=lambda e: e.update(dir_csize=len(e["data"]) + 4000,
                                                                    dir_usize=len(e["data"]) + 4000)),
        "torch-zip", dp)
    mal("e11_dir_sizes_short.pt", torch_zip(method=8, quirk=lambda e: e.update(dir_usize=60)), "torch-zip", dp)
    mal("e12_comment.pt", torch_zip(comment=b"PK\x05\x06 not an end record; " + b"c" * 200), "torch-zip", dp)
    es = [zip_entry(n, d) for n, d in torch_members()] + [zip_entry("", pickle.dumps(Payload(), 2))]
    mal("e13_empty_name.pt", build_zip(es), "torch-zip", '""')
    mal("e14_absurd_count.pt", torch_zip(count=65535), "torch-zip", dp)
    es = [zip_entry("f/%d" % i, b"") for i in range(500)] + [zip_entry("f/zz.bin", pickle.dumps(Payload(), 2))]
    mal("e15_many_members.zip", build_zip(es), "zip", "f/zz.bin")
    bomb = b"\x80\x02T" + struct.pack("<I", 64 << 20) + b"\x00" * (64 << 20) + b"."
    out("e16_bomb.zip", build_zip([zip_entry("big.pkl", bomb, method=12)]), "hostile", "zip", rule="MG006")
    ms = torch_members()
    benign_pkl = dict(ms)[dp]
    first = [zip_entry(dp, inject(benign_pkl))] + [zip_entry(n, d) for n, d in ms]
    mal("e17_dup_first.pt", build_zip(first), "torch-zip", dp + "#0")
    last = [zip_entry(n, d) for n, d in ms] + [zip_entry(dp, inject(benign_pkl))]
    mal("e18_dup_last.pt", build_zip(last), "torch-zip", dp + "#1")
    hid = pickle.dumps(Payload(), 2)
    lh = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, zlib.crc32(hid), len(hid), len(hid), 17, 0)
    es = [zip_entry(n, d) for n, d in ms]
    mal("e19_local_only.pt", build_zip(es, hidden={len(es) - 1: lh + b"archive/extra.pkl" + hid}), "torch-zip",
        "(local header only)archive/extra.pkl")
    mal("e20_gap_raw.pt", build_zip(es, hidden={0: hid}), "torch-zip", "(unlisted bytes at offset %d)" % (
        30 + len(es[0]["name"]) + len(es[0]["data"])))
    es = [zip_entry(n.replace("archive/", "x9/"), d) for n, d in ms] + [zip_entry("x9/extra/blob", hid)]
    mal("e21_odd_root.pt", build_zip(es), "torch-zip", "x9/extra/blob")
    mal("e22_flag_encrypted.pt", torch_zip(quirk=lambda e: e.update(flags=1)), "torch-zip", dp)
    es = [zip_entry(n, d, method=14 if n == dp else 0) for n, d in ms]
    out("e23_lzma_method.pt", build_zip(es), "hostile", "torch-zip", dp, rule="MG007")
    out("e24_benign_quirks.pt", torch_zip(False, method=8, prefix=b"junk" * 10, zip64=True,
                                          quirk=lambda e: e.update(descriptor=True, bad_crc=True)),
        "benign", "torch-zip", dp)
    ts = torch.jit.script(torch.nn.Linear(2, 2))
    b = io.BytesIO()
    torch.jit.save(ts, b)
    with zipfile.ZipFile(b) as z:
        es = [zip_entry(i.filename, z.read(i.filename)) for i in z.infolist()]
    out("e25_torchscript.pt", build_zip(es), "benign", "torchscript", es[0]["name"].split("/")[0] + "/data.pkl")
    for e in es:
        if e["name"].endswith("/constants.pkl"):
            e["data"] = inject(e["data"])
            cname = e["name"]
    mal("e26_torchscript_constants.pt", build_zip(es), "torchscript", cname)


def legacy_torch():
    m = torch.nn.Sequential(torch.nn.Linear(3, 2))
    state = torch_bytes(m.state_dict(), legacy=True)
    out("f00_legacy_state.pt", state, "benign", "torch-legacy", "pickle#3")
    parts, rest = split_pickles(state, 5)
    for k in range(5):
        ps = list(parts)
        ps[k] = inject(ps[k])
        mal("f0%d_legacy_pickle%d.pt" % (k + 1, k), b"".join(ps) + rest, "torch-legacy", "pickle#%d" % k)
    mal("f06_legacy_after.pt", state + pickle.dumps(Payload(), 2), "torch-legacy", "after-storages")
    st1 = torch_bytes(m.state_dict(), legacy=True, proto=1)
    out("f07_legacy_proto1.pt", st1, "benign", "torch-legacy", "pickle#3")
    parts, rest = split_pickles(st1, 5)
    parts[3] = inject(parts[3])
    mal("f08_legacy_proto1_evil.pt", b"".join(parts) + rest, "torch-legacy", "pickle#3")
    out("f09_legacy_module.pt", torch_bytes(m, legacy=True), "benign", "torch-legacy", "pickle#3")


def torch_tar():
    p = 2
    sys_info = pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=p)

    def storages(evil):
        b = io.BytesIO()
        c = pickle.dumps(1, protocol=p)
        b.write(inject(c) if evil else c)
        b.write(pickle.dumps(("0", "cpu", torch.FloatStorage), protocol=p))
        b.write(struct.pack("<q", 3) + struct.pack("<3f", 1, 2, 3))
        b.write(pickle.dumps([], protocol=p))
        return b.getvalue()

    def tensors(evil):
        b = io.BytesIO()
        b.write(pickle.dumps(1, protocol=p))
        e = pickle.dumps(("10", "0", torch.FloatTensor), protocol=p)
        b.write(inject(e) if evil else e)
        b.write(struct.pack("<ii", 1, 0) + struct.pack("<qqq", 3, 1, 0))
        return b.getvalue()

    main = pickle.dumps({"weight": 1}, protocol=p)
    for name, where, member in (("g01_tar_sysinfo.pt", "sys_info", "sys_info"), ("g02_tar_pickle.pt", "pickle", "pickle"),
                                ("g03_tar_storages.pt", "storages", "storages/pickle#0"),
                                ("g04_tar_tensors.pt", "tensors", "tensors/pickle#1")):
        ms = [("sys_info", inject(sys_info) if where == "sys_info" else sys_info),
              ("pickle", inject(main) if where == "pickle" else main),
              ("storages", storages(where == "storages")), ("tensors", tensors(where == "tensors"))]
        mal(name, tar_of(ms), "torch-tar", member)
    ms = [("sys_info", sys_info), ("pickle", main), ("storages", storages(False)), ("tensors", tensors(False))]
    out("g05_tar_benign.pt", tar_of(ms), "benign", "torch-tar", "pickle")


def joblib_dumps():
    evil = [np.arange(500, dtype=np.float64), {"w": np.ones((3, 3), dtype=np.int16)}, Payload()]
    mal("h00_joblib.joblib", joblib_bytes(evil), "joblib")
    for codec in ("zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
        mal("h_%s.joblib" % codec, joblib_bytes(evil, compress=(codec, 3)), "joblib-" + codec)
    obj = {"o": np.array([1, Payload()], dtype=object), "f": np.zeros(4)}
    mal("h07_joblib_object_array.pkl", joblib_bytes(obj), "joblib")
    mal("h08_joblib_object_array_gz.pkl", joblib_bytes(obj, compress=("gzip", 3)), "joblib-gzip")
    out("h09_joblib_benign_xz.joblib", joblib_bytes({"a": np.arange(100), "s": "x"}, compress=("xz", 3)),
        "benign", "joblib-xz")


def numpy_files():
    obj = np.array([1, Payload()], dtype=object)
    mal("i01_object.npy", npy_bytes(obj), "npy")
    mal("i02_object_v2.png", npy_bytes(obj, (2, 0)), "npy")
    mal("i03_object_v3.npy", npy_bytes(obj, (3, 0)), "npy")
    mal("i04_object_member.npz", npz_bytes(a=np.zeros(3), b=obj), "npz", "b.npy")
    mal("i05_object_member_deflated.npz", npz_bytes(True, a=np.zeros(3), b=obj), "npz", "b.npy")
    out("i06_numeric.npy", npy_bytes(np.arange(12, dtype="<f4").reshape(3, 4)), "benign", "npy")
    out("i07_numeric.npz", npz_bytes(True, a=np.zeros(3), b=np.ones((2, 2))), "benign", "npz", "b.npy")
    out("i08_benign_object.npy", npy_bytes(np.array([1, "a", None], dtype=object)), "benign", "npy")


def seven_zips():
    p = pickle.dumps(Payload(), 2)
    out("j01_encrypted_header.7z", seven_zip({"data.pkl": p}, password="secret", header_encryption=True),
        "hostile", "7z", rule="MG007")
    out("j02_encrypted_members.7z", seven_zip({"data.pkl": p}, password="secret"), "hostile", "7z",
        "data.pkl", rule="MG007")
    mal("j03_plain.7z", seven_zip({"notes.txt": b"hello\n", "a/weights.bin": p}), "7z", "a/weights.bin")
    mal("j04_joblib.7z", seven_zip({"m.joblib": joblib_bytes([np.arange(10), Payload()])}), "7z", "m.joblib")


def truncated():
    """Benign files of every format, cut short: each must get a finding."""
    m = torch.nn.Linear(3, 2)
    tz = torch_bytes(m.state_dict())
    lg = torch_bytes(m.state_dict(), legacy=True)
    jb = joblib_bytes({"a": np.arange(300, dtype=np.float64)})
    parts, _ = split_pickles(lg, 5)
    samples = {
        "k01_torch_zip.pt": tz[: len(tz) // 2],
        "k02_torch_zip_tail.pt": tz[:-30],
        "k03_legacy_storages.pt": lg[:-10],
        "k04_legacy_pickle3.pt": lg[: sum(map(len, parts[:3])) + len(parts[3]) // 2],
        "k05_joblib.joblib": jb[: len(jb) - 800],
        "k06_joblib_gz.joblib": joblib_bytes({"a": np.arange(300)}, compress=("gzip", 3))[:-40],
        "k07_npy.npy": npy_bytes(np.arange(100, dtype="<f8"))[:300],
        "k08_npy_header.npy": npy_bytes(np.arange(10))[:40],
        "k09_npz.npz": npz_bytes(a=np.arange(100))[:-200],
        "k10_7z.7z": seven_zip({"data.pkl": pickle.dumps({"a": 1}, 4)})[:-20],
        "k11_pickle.pkl.gz": gz(pickle.dumps({"a": list(range(100))}, 4))[:-30],
        "k12_pickle.pkl.bz2": bz2.compress(pickle.dumps({"a": list(range(100))}, 4))[:-30],
        "k13_pickle.pkl.xz": lzma.compress(pickle.dumps({"a": list(range(100))}, 4))[:-30],
        "k14_tar.tar": tar_of([("model.pkl", pickle.dumps({"a": list(range(300))}, 4))])[:700],
        "k15_pickle.pkl": pickle.dumps({"a": list(range(100))}, 4)[:-20],
        "k16_object.npy": npy_bytes(np.array([1, "a"], dtype=object))[:-5],
    }
    for name, data in samples.items():
        out(name, data, "broken")


def more_tricks():
    m = torch.nn.Sequential(torch.nn.Linear(3, 2))
    state = torch_bytes(m.state_dict(), legacy=True)
    parts, rest = split_pickles(state, 5)
    big = parts[0][:2] + b"cposix\nsystem\n(V" + (CMD + " #" + "x" * 1000).encode() + b"\ntR0" + parts[0][2:]
    mal("l01_legacy_long_payload0.pt", big + b"".join(parts[1:]) + rest, "torch-legacy", "pickle#0")
    ms = torch_members()
    es = [zip_entry(n, d) for n, d in ms] + [zip_entry("archive/extra/", pickle.dumps(Payload(), 2))]
    mal("l02_dir_entry_with_data.pt", build_zip(es), "torch-zip", "archive/extra/")
    p = pickle.dumps(Payload(), 2)
    mal("l03_gzip_multistream.pkl.gz", gz(pickle.dumps({"a": 1}, 2)) + gz(p), "gzip", "l03_gzip_multistream.pkl")
    parts[4] = inject(parts[4])
    mal("l04_legacy_in_7z.7z", seven_zip({"old.pt": b"".join(parts) + rest}), "7z", "old.pt/pickle#4")
    mal("l05_bz2_multistream.pkl.bz2", bz2.compress(pickle.dumps({"a": 1}, 2)) + bz2.compress(p), "bz2",
        "l05_bz2_multistream.pkl")


def main():
    for f in os.listdir(HERE):
        if f not in ("gen.py", "README.md"):
            os.remove(os.path.join(HERE, f))
    torch.manual_seed(0)
    raw_pickles()
    compressed_streams()
    nested()
    zip_quirks()
    legacy_torch()
    torch_tar()
    joblib_dumps()
    numpy_files()
    seven_zips()
    truncated()
    more_tricks()
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(sorted(EXPECTED, key=lambda e: e["file"]), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
