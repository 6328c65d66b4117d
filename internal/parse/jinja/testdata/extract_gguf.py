"""Writes templates/fixture_*.jinja: the chat templates of the GGUF fixtures
of scan/formats/testdata, so the Jinja parser is held to Jinja's readings of
every template the scanner's own tests use.

Run from this folder: /usr/bin/python3 extract_gguf.py
"""
import glob
import os
import re
import struct

SIZES = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


def kvs(path):
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            return
        (version,) = struct.unpack("<I", f.read(4))
        end = "<" if version < 0x10000 else ">"
        cnt = "I" if (version if end == "<" else struct.unpack(">I", struct.pack("<I", version))[0]) == 1 else "Q"
        rd = lambda fmt: struct.unpack(end + fmt, f.read(struct.calcsize(fmt)))[0]
        rstr = lambda: f.read(rd(cnt)).decode("utf-8", "replace")

        def val(t):
            if t == 8:
                return rstr()
            if t == 9:
                et, n = rd("I"), rd(cnt)
                return [val(et) for _ in range(n)]
            return rd(SIZES[t])

        rd(cnt)
        for _ in range(rd(cnt)):
            k = rstr()
            yield k, val(rd("I"))


for path in sorted(glob.glob("../../../../scan/formats/testdata/**/*.gguf", recursive=True)):
    for k, v in kvs(path):
        if k.startswith("tokenizer.chat_template") and isinstance(v, str):
            base = os.path.basename(path)[:-5] + k[len("tokenizer.chat_template"):]
            name = "fixture_" + re.sub(r"[^a-z0-9]+", "_", base.lower())
            with open(os.path.join("templates", name + ".jinja"), "w", encoding="utf-8", newline="") as out:
                out.write(v)
