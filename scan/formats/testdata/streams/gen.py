"""Write the stream-format fixtures of scan/ (joblib, legacy PyTorch, tar,
7z, compressed streams).

Run with the interpreter that has torch 1.13, numpy 1.24, joblib 1.2,
scikit-learn 1.2 and py7zr:  /usr/bin/python3 gen.py

Benign files are written by the libraries themselves. Malicious variants
carry the harmless payload `touch /tmp/modelgate-*` and are built by
writing bytes; nothing here ever loads a pickle.
"""

import bz2
import gzip
import io
import lzma
import os
import pickle
import pickletools
import struct
import tarfile
import tempfile
import zipfile
import zlib

import joblib
import numpy as np
import py7zr
import torch
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


class Payload:
    """Pickles to posix.system('touch ...'): written, never loaded."""

    def __init__(self, tag):
        self.tag = tag

    def __reduce__(self):
        return (os.system, ("touch /tmp/modelgate-" + self.tag,))


def payload_pickle(tag, proto=2):
    return pickle.dumps(Payload(tag), protocol=proto)


def stealth_first(value_pickle, tag):
    """A pickle that runs the payload, pops it, then returns the original
    value: torch.load still accepts the file."""
    assert value_pickle[:2] == b"\x80\x02"
    call = payload_pickle(tag)[2:-1]  # between PROTO and STOP
    return b"\x80\x02" + call + b"0" + value_pickle[2:]  # POP, then the value


def plain_pickle():
    return pickle.dumps({"w": [1.0, 2.0]}, protocol=4)


def model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))


def sklearn_model():
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    return LogisticRegression().fit(x, [0, 1, 1, 0])


def joblib_bytes(obj, **kw):
    b = io.BytesIO()
    joblib.dump(obj, b, **kw)
    return b.getvalue()


def legacy(obj):
    b = io.BytesIO()
    torch.save(obj, b, _use_new_zipfile_serialization=False)
    return b.getvalue()


def split_legacy(data):
    """The five pickles and the storage bytes of a legacy file: each pickle
    ends at its STOP, found with pickletools.genops (which never loads)."""
    f = io.BytesIO(data)
    parts = []
    for _ in range(5):
        start = f.tell()
        for op, _, _ in pickletools.genops(f):
            if op.name == "STOP":
                break
        parts.append(data[start:f.tell()])
    return parts, data[f.tell():]


def legacy_with(parts, storages, replace):
    parts = list(parts)
    for i, p in replace.items():
        parts[i] = p
    return b"".join(parts) + storages


def torch_zip_with(data_pkl):
    """A torch zip archive whose data.pkl is replaced."""
    src = io.BytesIO()
    torch.save({"w": torch.ones(2)}, src)
    dst = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                body = data_pkl
            zout.writestr(info.filename, body)
    return dst.getvalue()


def seven_zip(members, **kw):
    """A 7z archive written by py7zr (LZMA2, solid; AES with a password)."""
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
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()


def torch_tar(payload_in=None):
    """The pre-0.4 tar layout that torch.load still reads: sys_info,
    pickle, storages, tensors; built by hand (no current torch writes it)."""
    p = 2
    sys_info = pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=p)
    storages = io.BytesIO()
    count = pickle.dumps(2, protocol=p)
    storages.write(stealth_first(count, "tar-storages") if payload_in == "storages" else count)
    for key, typ, data in (("0", torch.FloatStorage, struct.pack("<3f", 1, 2, 3)),
                           ("1", torch.LongStorage, struct.pack("<q", 7))):
        storages.write(pickle.dumps((key, "cpu", typ), protocol=p))
        storages.write(struct.pack("<q", len(data) // (4 if typ is torch.FloatStorage else 8)))
        storages.write(data)
    storages.write(pickle.dumps([], protocol=p))  # storage views
    tensors = io.BytesIO()
    tensors.write(pickle.dumps(1, protocol=p))
    tensors.write(pickle.dumps(("10", "0", torch.FloatTensor), protocol=p))
    tensors.write(struct.pack("<ii", 1, 0) + struct.pack("<q", 3) + struct.pack("<q", 1) + struct.pack("<q", 0))
    main = pickle.dumps({"weight": 1}, protocol=p)  # stands for the object pickle
    if payload_in == "pickle":
        main = stealth_first(main, "tar-pickle")
    members = {"sys_info": sys_info, "pickle": main, "storages": storages.getvalue(), "tensors": tensors.getvalue()}
    return tar_of(members)


def main():
    arrays = {"a": np.arange(1000, dtype=np.float64), "b": np.ones((3, 4), dtype=np.int32)}
    clf = sklearn_model()
    out("joblib_arrays.joblib", joblib_bytes(arrays))
    out("joblib_sklearn.joblib", joblib_bytes(clf))
    for codec in ("zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
        out("joblib_sklearn_%s.joblib" % codec, joblib_bytes(clf, compress=(codec, 3)))
    evil = [np.arange(1000, dtype=np.float64), Payload("joblib")]
    out("evil_joblib_after_array.joblib", joblib_bytes(evil))
    out("evil_joblib_zlib.joblib", joblib_bytes(evil, compress=("zlib", 3)))
    out("evil_joblib_lzma.joblib", joblib_bytes(evil, compress=("lzma", 3)))

    m = model()
    state = legacy(m.state_dict())
    out("legacy_state_dict.pt", state)
    out("legacy_model.pt", legacy(m))
    parts, storages = split_legacy(state)
    out("evil_legacy_pickle1.pt", legacy_with(parts, storages, {0: stealth_first(parts[0], "legacy1")}))
    out("evil_legacy_pickle3.pt", legacy_with(parts, storages, {2: stealth_first(parts[2], "legacy3")}))
    out("evil_legacy_pickle4.pt", legacy_with(parts, storages, {3: stealth_first(parts[3], "legacy4")}))
    out("evil_legacy_after_storages.pt", state + payload_pickle("after"))
    out("evil_legacy_bad_count.pt", legacy_with(parts, storages[:1] + b"\x7f" + storages[2:], {}))

    tz = io.BytesIO()
    torch.save(m.state_dict(), tz)
    out("torch_zip.7z", seven_zip({"pytorch_model.bin": tz.getvalue()}))
    out("evil_torch_zip.7z", seven_zip({"pytorch_model.bin": torch_zip_with(payload_pickle("7z"))}))
    broken = payload_pickle("7zbroken")[:-1] + b"\xff"  # REDUCE, then an invalid opcode: never loads cleanly
    out("evil_broken_pickle.7z", seven_zip({"archive/data.pkl": broken}))
    out("evil_broken_pickle.7z.gz", gzip.compress(seven_zip({"archive/data.pkl": broken}), mtime=0))
    out("encrypted_members.7z", seven_zip({"data.pkl": plain_pickle()}, password="secret"))
    out("encrypted_header.7z", seven_zip({"data.pkl": plain_pickle()}, password="secret", header_encryption=True))

    plain = plain_pickle()
    out("pickle.tar", tar_of({"model.pkl": plain}))
    out("pickle.tar.gz", tar_of({"model.pkl": plain}, mode="w:gz"))
    out("evil_pickle.tar.gz", tar_of({"notes.txt": b"hello\n", "model.pkl": payload_pickle("tgz", 4)}, mode="w:gz"))
    out("pickle.pkl.bz2", bz2.compress(plain))
    out("pickle.pkl.xz", lzma.compress(plain))
    out("pickle.pkl.gz", gzip.compress(plain, mtime=0))
    out("evil_pickle.pkl.lzma", lzma.compress(payload_pickle("lzma"), format=lzma.FORMAT_ALONE))
    out("evil_pickle.zlib", zlib.compress(payload_pickle("zlib")))
    out("torch_tar.pt", torch_tar())
    out("evil_torch_tar_storages.pt", torch_tar("storages"))
    out("evil_torch_tar_pickle.pt", torch_tar("pickle"))


if __name__ == "__main__":
    main()
