"""Writes the zip, npz and npy fixtures of scan/formats/testdata/zip.

Run with /usr/bin/python3 (torch 1.13, numpy 1.24) from this directory:

    /usr/bin/python3 gen.py

The malicious variants carry the harmless payload `touch /tmp/modelgate_*`.
They are written with pickle.dumps and byte splicing only: nothing here is
ever loaded.
"""

import io
import os
import random
import struct
import sys
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def zinfo(name):
    """A member with a fixed timestamp, so that output is deterministic."""
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))


def writestr(z, name, data):
    z.writestr(zinfo(name), data, compress_type=z.compression)


def path(name):
    return os.path.join(HERE, name)


class Touch:
    """Pickles as a call of os.system; never unpickled here."""

    def __init__(self, tag):
        self.tag = tag

    def __reduce__(self):
        return (os.system, ("touch /tmp/modelgate_" + self.tag,))


def evil_pickle(tag, protocol=2):
    return __import__("pickle").dumps(Touch(tag), protocol=protocol)


def torch_bytes(obj, name):
    """torch.save to a file: the root folder is named after the file."""
    p = path(name + ".tmp")
    torch.save(obj, p)
    with open(p, "rb") as f:
        data = f.read()
    os.remove(p)
    return data


def rewrite(data, change=None, compress=None, force_zip64=False, add=None):
    """Copies a zip member by member; change(name, body) may return new bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if change:
                body = change(info.filename, body)
            ni = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            ni.compress_type = compress if compress is not None else info.compress_type
            with zout.open(ni, "w", force_zip64=force_zip64) as w:
                w.write(body)
        for name, body in (add or {}).items():
            writestr(zout, name, body)
    return out.getvalue()


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: i for i in z.infolist()}


def cd_entry_offsets(data):
    """Offsets of each central directory entry, by name."""
    out = {}
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n, e, c = struct.unpack("<HHH", data[i + 28:i + 34])
        out[data[i + 46:i + 46 + n].decode()] = i
        i = data.find(b"PK\x01\x02", i + 46 + n + e + c)
    return out


def patch_member(data, name, flags=None, crc=None, method=None, local_name=None):
    data = bytearray(data)
    cd = cd_entry_offsets(bytes(data))[name]
    local = members(bytes(data))[name].header_offset
    for hdr, base in ((cd, 8), (local, 6)):
        if flags is not None:
            old, = struct.unpack("<H", data[hdr + base:hdr + base + 2])
            struct.pack_into("<H", data, hdr + base, old | flags)
        if method is not None:
            struct.pack_into("<H", data, hdr + base + 2, method)
        if crc is not None:
            struct.pack_into("<I", data, hdr + base + 8, crc)
    if local_name is not None:
        assert len(local_name) == len(name)
        data[local + 30:local + 30 + len(name)] = local_name.encode()
    return bytes(data)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def npy_bytes(arr, version=None, allow_pickle=True):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, version=version, allow_pickle=allow_pickle)
    return buf.getvalue()


def npy_with_pickle(pickled, version=(1, 0)):
    """An object-array .npy header followed by an arbitrary pickle."""
    buf = io.BytesIO()
    d = {"descr": "|O", "fortran_order": False, "shape": (2,)}
    np.lib.format._write_array_header(buf, d, version)
    return buf.getvalue() + pickled


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes class attributes in set order.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    torch.manual_seed(0)
    state = {"weight": torch.zeros(2, 2), "bias": torch.ones(2)}
    benign = torch_bytes(state, "state")
    write("torch_state.pt", benign)
    write("torch_linear.pt", torch_bytes(torch.nn.Linear(2, 1), "linear"))

    script = io.BytesIO()
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), script)
    write("torchscript.pt", script.getvalue())

    # Zip quirks on the benign state dict.
    pkl = next(n for n in members(benign) if n.endswith("/data.pkl"))
    write("quirk_bad_crc.pt", patch_member(benign, pkl, crc=0xDEADBEEF))
    write("quirk_flag_encrypted_plain.pt", patch_member(benign, pkl, flags=0x1))
    write("quirk_flag_20.pt", patch_member(benign, pkl, flags=0x20))
    write("quirk_flag_40.pt", patch_member(benign, pkl, flags=0x40))
    write("quirk_local_name.pt", patch_member(benign, pkl, local_name=pkl.replace("data", "dAta")))
    write("quirk_prepended.pt", b"#!/bin/sh\necho self-extracting\nexit 0\n" + benign)
    write("quirk_zip64.pt", rewrite(benign, force_zip64=True))
    write("quirk_deflated.pt", rewrite(benign, compress=zipfile.ZIP_DEFLATED))

    # Malicious variants (never loaded).
    write("mal_torch_reduce.pt", torch_bytes({"weight": torch.zeros(2), "x": Touch("torch")}, "evil"))
    write("mal_extra_pkl.pt", rewrite(benign, add={"state/extra.pkl": evil_pickle("extra")}))
    write("mal_odd_name.pt", rewrite(benign, add={"state/.data/version": evil_pickle("odd", 4)}))
    write("mal_weights_bin.pt", rewrite(benign, compress=zipfile.ZIP_DEFLATED,
                                        add={"state/weights.bin": evil_pickle("weights")}))
    write("mal_prepended_pickle.pt", evil_pickle("prefix") + benign)
    write("mal_flag_encrypted.pt", patch_member(
        rewrite(benign, change=lambda n, b: evil_pickle("flag") if n == pkl else b), pkl, flags=0x1))
    # A pickle named like a storage that data.pkl does not reference: read.
    write("mal_unreferenced_storage.pt", rewrite(benign, add={"state/data/7": evil_pickle("storage")}))
    # A pickle in place of a referenced storage: torch reads it as raw
    # bytes and never unpickles it, and the scanner never reads it.
    write("storage_referenced_pickle.pt", rewrite(
        benign, change=lambda n, b: evil_pickle("referenced") if n == "state/data/0" else b))

    # A member that cannot be read (encrypted), and one compressed with
    # LZMA, which Python's zipfile (numpy.load, Keras) reads.
    enc = io.BytesIO()
    with zipfile.ZipFile(enc, "w") as z:
        writestr(z, "secret.pkl", random.Random(0).randbytes(64))
    write("encrypted.zip", patch_member(enc.getvalue(), "secret.pkl", flags=0x1))
    lz = io.BytesIO()
    with zipfile.ZipFile(lz, "w", zipfile.ZIP_LZMA) as z:
        writestr(z, "model.pkl", evil_pickle("lzma"))
    write("mal_lzma.zip", lz.getvalue())
    bz = io.BytesIO()
    with zipfile.ZipFile(bz, "w", zipfile.ZIP_BZIP2) as z:
        writestr(z, "model.pkl", evil_pickle("bzip2"))
    write("mal_bzip2.zip", bz.getvalue())
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w", zipfile.ZIP_STORED) as z:
        writestr(z, "inner.pt", open(path("mal_torch_reduce.pt"), "rb").read())
    write("mal_nested.zip", nested.getvalue())
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as z:
        writestr(z, "README.md", "# hello\n")
        writestr(z, "cmake/CMakeLists.txt", "cmake_minimum_required(VERSION 3.10)\nproject(x)\n")
    write("plain.zip", plain.getvalue())

    # NumPy.
    write("npy_f4.npy", npy_bytes(np.arange(6, dtype="<f4").reshape(2, 3)))
    write("npy_v2.npy", npy_bytes(np.arange(4, dtype=">i8"), version=(2, 0)))
    write("npy_v3.npy", npy_bytes(np.zeros(2, dtype=[("\u00e9t\u00e9", "<f8")]), version=(3, 0)))
    write("npy_fortran.npy", npy_bytes(np.asfortranarray(np.ones((2, 2), dtype="<c16"))))
    write("npy_object.npy", npy_bytes(np.array([1, "a", None], dtype=object)))
    write("npy_struct_object.npy", npy_bytes(np.zeros(2, dtype=[("a", "<i4"), ("b", [("c", "O")])])))
    write("mal_npy_object.npy", npy_with_pickle(evil_pickle("npy")))
    buf = io.BytesIO()
    np.savez(buf, a=np.arange(3), b=np.eye(2))
    write("npz_numeric.npz", buf.getvalue())
    buf = io.BytesIO()
    np.savez_compressed(buf, a=np.arange(3), o=np.array([{"k": 1}], dtype=object))
    write("npz_object.npz", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        writestr(z, "a.npy", npy_bytes(np.arange(3)))
        writestr(z, "evil.npy", npy_with_pickle(evil_pickle("npz")))
    write("mal_npz.npz", buf.getvalue())
    # More storages than the reader keeps persistent-id summaries of: the
    # storages must still be skipped unread (they come from the reader's
    # storage facts). Each storage's bytes start like a pickle, so a storage
    # that is sniffed instead of skipped shows up as a finding.
    many = {"w%d" % i: torch.tensor([0x80, 0x02, 0x4B, i % 256], dtype=torch.uint8) for i in range(200)}
    write("many_storages.pt", torch_bytes(many, "many_storages"))


if __name__ == "__main__":
    main()
