"""allowlist generates attacks over the names the engine trusts.

An allowlisted name is only as safe as what it does with its arguments.
These candidates call names from the knowledge base's own lists
(policy/data/safe.txt, safe_classes.txt, benign_globals.txt) and a few
library constructors with hostile arguments: paths to write, code to
evaluate, and duck-typed objects whose methods are bound methods that
write a file, so that library code calling `x.startswith(...)`,
`x.detach()` or `x.keys()` on what it was given does the writing. The
oracle, not this file, decides which of them actually do something.
"""

import os

from pickleasm import Asm, Build, Call, Global, PersId, attr
import attacks

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "policy", "data")
CODE = "__import__('os').system('touch MARK')"

# Methods library code calls on the objects it is handed.
DUCK_ONE_ARG = ["startswith", "endswith", "split", "get", "update", "append", "write", "encode", "format", "join"]
DUCK_NO_ARG = ["_untyped", "_untyped_storage", "untyped", "detach", "keys", "items", "values", "size", "numel",
               "cpu", "storage", "tolist", "__len__", "read", "close", "copy", "element_size", "nbytes"]

# Constructors that parse or evaluate what they are given.
EXTRA = [("sympy", "Tuple"), ("sympy", "FiniteSet"), ("sympy", "Matrix"), ("sympy", "Interval"),
         ("sympy", "Dict"), ("sympy", "Symbol"), ("sympy", "Function"), ("sympy", "Lambda"),
         ("sympy", "Piecewise"), ("sympy", "Poly"), ("sympy", "ImmutableMatrix"), ("sympy", "S"),
         ("sympy.core.containers", "Tuple"), ("sympy.sets.sets", "FiniteSet"),
         ("numpy", "array"), ("numpy", "asarray"), ("pandas", "eval"), ("pandas", "DataFrame"),
         ("torch", "tensor"), ("torch.nn", "Parameter"), ("collections", "OrderedDict"),
         ("logging", "getLogger"), ("functools", "reduce"), ("copyreg", "_reconstructor")]


def names():
    """names returns the exact "module name" entries of the knowledge base's safe lists."""
    out = []
    for f in ("safe.txt", "safe_classes.txt", "benign_globals.txt"):
        try:
            with open(os.path.join(DATA, f)) as fh:
                for line in fh:
                    p = line.split()
                    if len(p) == 2 and not line.startswith(("#", "[")) and p[1] != "*":
                        out.append((p[0], p[1]))
        except OSError:
            continue
    return sorted(set(out) | set(EXTRA))


HOWS = ["getattr", "dotted", "methodtype"]


def writer(one_arg, how):
    """writer is a bound method of pathlib.Path('MARK') that writes the file,
    reached through builtins.getattr, a dotted name or types.MethodType."""
    method = "write_text" if one_arg else "touch"
    path = Call(Global("pathlib", "Path"), "MARK")
    if how == "dotted":
        return Call(Global("functools", "partial"), Global("pathlib", "Path." + method), path)
    if how == "methodtype":
        return Call(Global("types", "MethodType"), Global("pathlib", "Path." + method), path)
    return attr(path, method)


def method_call(rng, names_list):
    """method_call calls a method of an allowlisted class by its dotted name
    (STACK_GLOBAL('pathlib', 'Path.write_text')), self and hostile arguments."""
    import importlib
    for _ in range(20):
        module, name = rng.choice(names_list)
        if not name[:1].isupper():
            continue
        try:
            cls = getattr(importlib.import_module(module), name)
        except Exception:
            continue
        if not isinstance(cls, type):
            continue  # an upper-case name that is a constant or an instance, not a class
        methods = sorted(m for m in vars(cls) if not m.startswith("__") and callable(getattr(cls, m, None)))
        if not methods:
            continue
        m = rng.choice(methods)
        how = rng.choice(HOWS)
        self_arg = rng.choice([Call(Global(module, name)), "MARK", duck(how), Call(Global("pathlib", "Path"), "MARK")])
        return module, name + "." + m, (self_arg,) + hostile_args(rng, how)[:2]
    return None


def duck(how):
    """duck is a SimpleNamespace whose usual methods all write MARK."""
    state = {m: writer(True, how) for m in DUCK_ONE_ARG}
    state.update({m: writer(False, how) for m in DUCK_NO_ARG})
    state["dtype"] = Global("torch", "float32")
    return Build(Call(Global("types", "SimpleNamespace")), state)


def hostile_args(rng, how):
    """hostile_args draws an argument tuple meant to make a harmless call harmful."""
    return rng.choice([
        ("MARK",), ("MARK", "w"), ("/etc/hostname",), (CODE,), ([[CODE]],), (CODE, CODE),
        ({"a": CODE},), (duck(how),), (duck(how), 0, (1,), (1,), False, {}), (writer(False, how),),
        (writer(True, how), ["x"]), ("MARK", duck(how)),
    ])


def persistent_duck(real_zip, rng):
    """persistent_duck is a torch archive whose storage location is a duck.

    torch.load hands the location from the persistent id to its restore
    functions, which call location.startswith(...).
    """
    how = rng.choice(HOWS)
    storage = PersId(("storage", Global("torch", "FloatStorage"), "0", duck(how), 6))
    tensor = Call(Global("torch._utils", "_rebuild_tensor_v2"), storage, 0, (2, 3), (3, 1), False,
                  Call(Global("collections", "OrderedDict")))
    proto = rng.choice([2, 3, 4]) if how == "getattr" else 4  # a dotted name needs protocol 4
    program = Asm(proto=proto).program(Call(Global("collections", "OrderedDict"), [("weight", tensor)]))
    return "duck-persistent-location.%s.p%d" % (how, proto), ".pt", attacks.torch_zip(program, real_zip)


def candidate(rng, real, names_list):
    """candidate draws one allowlist attack."""
    if rng.random() < 0.1:
        cid, ext, data = persistent_duck(real["torch"], rng)
        return {"id": "attack.allowlist." + cid, "kind": "attack", "ext": ext, "data": data,
                "desc": "torch archive whose persistent id carries a SimpleNamespace location with bound-method writers"}
    how = rng.choice(HOWS)
    picked = method_call(rng, names_list) if rng.random() < 0.4 else None
    if picked is None:
        # The constructors that evaluate are few among ~1700 names: a third
        # of the draws go to them so that each run tries them.
        module, name = rng.choice(EXTRA if rng.random() < 0.3 else names_list)
        args = hostile_args(rng, how)
    else:
        module, name, args = picked
    proto = 4 if "." in name else rng.choice([0, 2, 4])
    node = Call(Global(module, name), *args)
    framing = rng.choice(["raw", "raw", "torch-zip", "joblib-zlib"])
    style = rng.choice(["reduce", "obj", "newobj", "newobj_ex"])
    program = Asm(proto=proto, call=style).program(node)
    ext, data = attacks.frame(program, framing, proto, real)
    argdesc = "+".join(type(a).__name__ if not isinstance(a, str) else ("code" if a == CODE else "path") for a in args)
    cid = "attack.allowlist.%s.%s.%s.%s.%s.p%d.%s" % (module, name, argdesc, how, style, proto, framing)
    return {"id": cid, "kind": "attack", "ext": ext, "data": data,
            "desc": "allowlisted %s.%s called (%s) with %s, protocol %d, %s" % (module, name, style, argdesc, proto, framing)}
