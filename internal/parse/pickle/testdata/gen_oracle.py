"""Write the CPython-oracle fixtures of internal/parse/pickle.

Run with /usr/bin/python3 from internal/parse/pickle/testdata. It only DUMPS: no
fixture is ever loaded. For every pickle written to oracle/NAME.pkl it
writes oracle/NAME.json with the offset (from pickletools.genops) of every
GLOBAL, STACK_GLOBAL and INST opcode and the name find_class would receive,
after the _compat_pickle mapping CPython applies below protocol 3. The
STACK_GLOBAL operands are found by a small stack simulation over genops
(strings, memo, DUP and marks), independent of the Go reader.
"""
import _compat_pickle
import collections
import datetime
import decimal
import fractions
import json
import os
import pickle
import pickletools

CMD = "touch /tmp/modelgate-test"


class Payload:
    """Pickles as os.system(CMD); never unpickled here."""

    def __reduce__(self):
        return (os.system, (CMD,))


class EvalPayload:
    def __reduce__(self):
        return (eval, ("1+1",))


class GetattrPayload:
    """builtins.getattr(builtins.__import__('os'), 'system')('...')"""

    def __reduce__(self):
        return (Call(getattr, (Call(__import__, ("os",)), "system")), (CMD,))


class Call:
    """A reduce helper: pickles as fn(*args)."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)

    def __call__(self, *args):
        raise RuntimeError("never called: only pickled")


class Outer:
    class Inner:  # pickled by qualified (dotted) name from protocol 4
        pass


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a, self.b = 1, "two"


class Plain:
    def __init__(self):
        self.x = [1, 2, 3]
        self.y = {"k": (1.5, None, True)}


def benign(proto):
    return {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63, -2**70, 10**40],
        "floats": [0.0, -1.5, 1e300, float("inf")],
        "text": ["", "a", "\u00e9\u4e2d", "x" * 300, "quote'\"\n"],
        "bytes": [b"", b"\x00\xff", bytearray(b"ba")],
        "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
        "sets": [set(), {1, 2}, frozenset({3})],
        "objs": [collections.OrderedDict(a=1), datetime.date(2024, 1, 2),
                 decimal.Decimal("1.25"), fractions.Fraction(1, 3), complex(1, 2),
                 Plain(), Outer.Inner()] + ([Slotted()] if proto >= 2 else []) + [os.path.join, collections.Counter("aab")],
        "shared": [[1]] * 3,
        None: (True, False),
    }


def resolve(module, name, proto):
    if proto < 3:
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
    return module, name


STRINGS = {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE",
           "STRING", "BINSTRING", "SHORT_BINSTRING"}


def imports(data):
    """Offsets and names of every import, by a stack simulation."""
    out, stack, marks, memo, proto = [], [], [], {}, 0
    for op, arg, pos in pickletools.genops(data):
        name = op.name
        if name == "PROTO":
            proto = arg
        if name in ("GLOBAL", "INST"):
            module, attr = arg.split(" ", 1)
            out.append({"offset": pos, "op": name, "global": ".".join(resolve(module, attr, proto))})
        if name == "STACK_GLOBAL":
            attr, module = stack.pop(), stack.pop()
            out.append({"offset": pos, "op": name, "global": ".".join(resolve(module, attr, proto))})
            stack.append(None)
            continue
        if name in STRINGS:
            stack.append(arg)
        elif name == "MARK":
            marks.append(len(stack))
        elif name in ("MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT"):
            memo[len(memo) if name == "MEMOIZE" else arg] = stack[-1]
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo[arg])
        elif name == "DUP":
            stack.append(stack[-1])
        elif name == "POP" and (not stack or (marks and marks[-1] == len(stack))):
            marks.pop()
        elif name != "STOP":
            before = op.stack_before
            if pickletools.markobject in before:
                m = marks.pop()
                del stack[m:]
                before = before[:before.index(pickletools.markobject)]
            for _ in before:
                stack.pop()
            stack.extend([None] * len(op.stack_after))
    return out


def write(name, data):
    with open(os.path.join("oracle", name + ".pkl"), "wb") as f:
        f.write(data)
    with open(os.path.join("oracle", name + ".json"), "w") as f:
        json.dump({"imports": imports(data)}, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    os.makedirs("oracle", exist_ok=True)
    for proto in range(6):
        write("benign_p%d" % proto, pickle.dumps(benign(proto), protocol=proto))
        write("system_p%d" % proto, pickle.dumps({"model": [1, 2], "x": Payload()}, protocol=proto))
        write("eval_p%d" % proto, pickle.dumps([EvalPayload()], protocol=proto))
        write("getattr_p%d" % proto, pickle.dumps(GetattrPayload(), protocol=proto))
    # Python's pure pickler (framing differs from _pickle).
    write("pure_p4", pickle._dumps(benign(4), protocol=4))
    write("pure_system_p5", pickle._dumps(Payload(), protocol=5))


if __name__ == "__main__":
    main()
