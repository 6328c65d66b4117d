#!/usr/bin/env python3
"""Writes the tar fixtures of internal/parse/pytar and, for each, what
CPython's tarfile reads from it (expected.json): every member's name,
link name, type, size, offset, data offset and sparse map. Run with
Debian's /usr/bin/python3 from this directory. Nothing is extracted.

  pax_global_path.tar   a global PAX header (g) with path=storages before
                        two members: tarfile renames both (Go's archive/tar
                        does not)
  pax_local_path.tar    a local PAX header (x) renaming one member
  gnu_longname.tar      GNU long name and long link members
  base256.tar           GNU numbers in base-256 (a uid over 8**7)
  prefix_no_magic.tar   a ustar prefix field in a header without the ustar
                        magic: tarfile joins it anyway
  pax_size.tar          a local PAX size= larger than the header's size
  global_size.tar       a global PAX size=: every later member reads that
                        many bytes, the next header is found by its own size
  gnu_sparse.tar        an old GNU sparse member (S) with one extension block
  pax_sparse_01.tar     a PAX GNU.sparse.map (0.1) member
  dup_names.tar         two members named alike (getmember takes the last)
  v7_dir.tar            a v7 header whose name ends in / (a directory)
  end_garbage.tar       a member, then a block with a bad checksum: the
                        archive ends there without an error
  solaris_path.tar      a Solaris extended header (typeflag X) with
                        path=storages: tarfile reads it as PAX (Go's
                        archive/tar as a regular member)
"""
import io
import json
import struct
import tarfile

def ti(name, data, **kw):
    t = tarfile.TarInfo(name)
    t.size = len(data)
    t.mtime = 0
    for k, v in kw.items():
        setattr(t, k, v)
    return t, io.BytesIO(data)

def write(path, fmt, members, pax_headers=None):
    with tarfile.open(path, "w", format=fmt, pax_headers=pax_headers or {}) as tf:
        for t, d in members:
            tf.addfile(t, d)

def block(n):
    return (n + 511) // 512 * 512

def header(name, size, typ=b"0", prefix=b"", magic=b"ustar\x0000", extra=None):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\x00"
    h[108:116] = b"0000000\x00"
    h[116:124] = b"0000000\x00"
    h[124:136] = b"%011o\x00" % size
    h[136:148] = b"00000000000\x00"
    h[156:157] = typ
    h[257:265] = magic.ljust(8, b"\x00")[:8]
    h[345:345 + len(prefix)] = prefix
    if extra:
        for off, b in extra:
            h[off:off + len(b)] = b
    h[148:156] = b"        "
    h[148:156] = b"%06o\x00 " % sum(h)
    return bytes(h)

def pad(b):
    return b + b"\x00" * (block(len(b)) - len(b))

def pax_record(k, v):
    body = b" %s=%s\n" % (k, v)
    n = len(body)
    while len(b"%d" % n) + len(body) != n:
        n = len(b"%d" % n) + len(body)
    return b"%d%s" % (n, body)

write("pax_global_path.tar", tarfile.PAX_FORMAT,
      [ti("decoy", b"A" * 10), ti("weights.bin", b"B" * 700)],
      pax_headers={"path": "storages"})

with open("pax_local_path.tar", "wb") as f:
    rec = pax_record(b"path", b"tensors")
    f.write(header(b"PaxHeader/x", len(rec), b"x") + pad(rec))
    f.write(header(b"other.bin", 5) + pad(b"hello"))
    f.write(header(b"plain", 3) + pad(b"abc"))
    f.write(b"\x00" * 1024)

long = "d/" * 80 + "model.pkl"
t, d = ti(long, b"xyz")
l, ld = ti("link", b"", type=tarfile.SYMTYPE, linkname="t/" * 70 + "target")
write("gnu_longname.tar", tarfile.GNU_FORMAT, [(t, d), (l, ld)])

t, d = ti("big_uid", b"data", uid=8 ** 8, gid=3)
write("base256.tar", tarfile.GNU_FORMAT, [(t, d)])

with open("prefix_no_magic.tar", "wb") as f:
    f.write(header(b"name.pkl", 4, prefix=b"pre/fix", magic=b"") + pad(b"1234"))
    f.write(b"\x00" * 1024)

with open("pax_size.tar", "wb") as f:
    rec = pax_record(b"size", b"700")
    f.write(header(b"PaxHeader/s", len(rec), b"x") + pad(rec))
    f.write(header(b"grown", 5) + pad(b"A" * 700))
    f.write(header(b"after", 3) + pad(b"abc"))
    f.write(b"\x00" * 1024)

with open("global_size.tar", "wb") as f:
    rec = pax_record(b"size", b"600")
    f.write(header(b"pax_global_header", len(rec), b"g") + pad(rec))
    f.write(header(b"first", 5) + pad(b"hello"))
    f.write(header(b"second", 3) + pad(b"abc"))
    f.write(b"\x00" * 1024)

def sp(o, n):
    return b"%011o\x00" % o + b"%011o\x00" % n

with open("gnu_sparse.tar", "wb") as f:
    structs = sp(0, 4) + sp(1024, 4) + sp(2048, 4) + sp(3072, 4)
    h = header(b"sparse.bin", 20, b"S", magic=b"ustar  \x00",
               extra=[(386, structs), (482, b"\x01"), (483, b"%011o\x00" % 5000)])
    ext = bytearray(512)
    ext[0:24] = sp(4096, 4)
    f.write(h + bytes(ext) + pad(b"AAAABBBBCCCCDDDDEEEE"))
    f.write(header(b"after", 3) + pad(b"abc"))
    f.write(b"\x00" * 1024)

with open("pax_sparse_01.tar", "wb") as f:
    rec = pax_record(b"GNU.sparse.map", b"0,3,100,3") + pax_record(b"GNU.sparse.size", b"200") + pax_record(b"GNU.sparse.name", b"real.bin")
    f.write(header(b"PaxHeader/p", len(rec), b"x") + pad(rec))
    f.write(header(b"GNUSparseFile.0/real.bin", 6) + pad(b"abcdef"))
    f.write(b"\x00" * 1024)

write("dup_names.tar", tarfile.USTAR_FORMAT, [ti("storages", b"first"), ti("storages", b"second!")])

with open("v7_dir.tar", "wb") as f:
    f.write(header(b"folder/", 0, b"\x00", magic=b""))
    f.write(header(b"folder/file", 2, b"\x00", magic=b"") + pad(b"hi"))
    f.write(b"\x00" * 1024)

with open("end_garbage.tar", "wb") as f:
    f.write(header(b"one", 3) + pad(b"abc"))
    f.write(b"\x01" * 512)
    f.write(header(b"hidden", 3) + pad(b"xyz"))

with open("solaris_path.tar", "wb") as f:
    rec = pax_record(b"path", b"storages")
    f.write(header(b"SolarisHeader", len(rec), b"X") + pad(rec))
    f.write(header(b"weights.bin", 5) + pad(b"hello"))
    f.write(b"\x00" * 1024)

names = ["solaris_path.tar", "pax_global_path.tar", "pax_local_path.tar", "gnu_longname.tar", "base256.tar",
         "prefix_no_magic.tar", "pax_size.tar", "global_size.tar", "gnu_sparse.tar",
         "pax_sparse_01.tar", "dup_names.tar", "v7_dir.tar", "end_garbage.tar"]
out = {}
for n in names:
    with tarfile.open(n, "r:") as tf:
        ms = []
        for m in tf.getmembers():
            content = None
            if m.isreg():
                content = tf.extractfile(m).read().hex()
            ms.append({"name": m.name, "linkname": m.linkname, "type": m.type.decode("latin-1"),
                       "size": m.size, "offset": m.offset, "offset_data": m.offset_data,
                       "sparse": [list(x) for x in (m.sparse or [])] if m.sparse is not None else None,
                       "content": content})
        out[n] = ms
with open("expected.json", "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
