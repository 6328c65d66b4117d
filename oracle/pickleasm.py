"""pickleasm writes pickle programs opcode by opcode, without running them.

Attack candidates are call trees (Call, Global, Attr over literals) that
this assembler turns into bytes in several styles, so that the same
payload reaches the engine as GLOBAL or STACK_GLOBAL, REDUCE, OBJ or INST,
through the memo or not, framed or not. Nothing here imports the names it
writes; the bytes are only ever loaded inside the oracle's sandbox.
"""

import struct


class Global:
    """Global is a name the unpickler resolves: module and (dotted) name."""

    def __init__(self, module, name):
        self.module, self.name = module, name


class Call:
    """Call is fn(*args) as the unpickler performs it."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args


class Build:
    """Build is the BUILD opcode: obj.__setstate__(state), or a dict update."""

    def __init__(self, obj, state):
        self.obj, self.state = obj, state


class PersId:
    """PersId is BINPERSID: the loader's persistent_load(pid) (torch storages)."""

    def __init__(self, pid):
        self.pid = pid


def attr(obj, name):
    """attr is getattr(obj, name) through builtins.getattr."""
    return Call(Global("builtins", "getattr"), obj, name)


class Asm:
    """Asm emits one program in one style (protocol, call opcode, memo use)."""

    def __init__(self, proto=2, call="reduce", memo=False):
        self.proto, self.call, self.memo = proto, call, memo
        self.out = bytearray()
        self.next_memo = 0

    def put(self):
        """put stores the stack top in the memo, then pops it and gets it back."""
        if not self.memo:
            return
        i = self.next_memo
        self.next_memo += 1
        if self.proto >= 4:
            self.out += b"\x94"  # MEMOIZE
        elif self.proto >= 1:
            self.out += b"q" + bytes([i])  # BINPUT
        else:
            self.out += b"p%d\n" % i  # PUT
        self.out += b"0"  # POP
        self.out += (b"h" + bytes([i])) if self.proto >= 1 else (b"g%d\n" % i)  # BINGET / GET

    def text(self, s):
        b = s.encode("utf-8", "surrogatepass")
        if self.proto >= 4 and len(b) < 256:
            self.out += b"\x8c" + bytes([len(b)]) + b  # SHORT_BINUNICODE
        elif self.proto >= 1:
            self.out += b"X" + struct.pack("<I", len(b)) + b  # BINUNICODE
        else:
            self.out += b"V" + s.encode("raw-unicode-escape") + b"\n"  # UNICODE

    def emit(self, v):
        if isinstance(v, Global):
            if self.proto >= 4:
                self.text(v.module)
                self.text(v.name)
                self.out += b"\x93"  # STACK_GLOBAL
            else:
                self.out += b"c%s\n%s\n" % (v.module.encode(), v.name.encode())  # GLOBAL
            self.put()
        elif isinstance(v, Call):
            self.emit_call(v)
        elif isinstance(v, PersId):
            self.emit(v.pid)
            self.out += b"Q"  # BINPERSID
        elif isinstance(v, Build):
            self.emit(v.obj)
            self.emit(v.state)
            self.out += b"b"  # BUILD
        elif v is None:
            self.out += b"N"
        elif isinstance(v, bool):
            self.out += (b"\x88" if v else b"\x89") if self.proto >= 2 else (b"I01\n" if v else b"I00\n")
        elif isinstance(v, int):
            self.out += (b"J" + struct.pack("<i", v)) if self.proto >= 1 else b"I%d\n" % v
        elif isinstance(v, float):
            self.out += b"F%r\n" % v
        elif isinstance(v, str):
            self.text(v)
        elif isinstance(v, bytes):
            if self.proto >= 3:
                self.out += b"B" + struct.pack("<I", len(v)) + v  # BINBYTES
            else:  # _codecs.encode(text, 'latin1'), as protocol 2 writes bytes
                self.emit_call(Call(Global("_codecs", "encode"), v.decode("latin1"), "latin1"))
        elif isinstance(v, tuple):
            self.out += b"("
            for x in v:
                self.emit(x)
            self.out += b"t"
        elif isinstance(v, list):
            self.out += b"("
            for x in v:
                self.emit(x)
            self.out += b"l"
        elif isinstance(v, dict):
            self.out += b"("
            for k, x in v.items():
                self.emit(k)
                self.emit(x)
            self.out += b"d"
        else:
            raise TypeError("pickleasm: cannot emit %r" % type(v))

    def emit_call(self, c):
        if self.call == "inst" and isinstance(c.fn, Global) and "." not in c.fn.name:
            self.out += b"("
            for a in c.args:
                self.emit(a)
            self.out += b"i%s\n%s\n" % (c.fn.module.encode(), c.fn.name.encode())  # INST
        elif self.call in ("newobj", "newobj_ex") and self.proto >= 2:
            self.emit(c.fn)  # cls.__new__(cls, *args), as for a class instance
            self.emit(tuple(c.args))
            if self.call == "newobj_ex" and self.proto >= 4:
                self.out += b"}\x92"  # EMPTY_DICT NEWOBJ_EX
            else:
                self.out += b"\x81"  # NEWOBJ
        elif self.call == "obj":
            self.out += b"("
            self.emit(c.fn)
            for a in c.args:
                self.emit(a)
            self.out += b"o"  # OBJ
        else:
            self.emit(c.fn)
            self.emit(tuple(c.args))
            self.out += b"R"  # REDUCE
        self.put()

    def program(self, v):
        """program returns the whole pickle that leaves v on the stack."""
        body = bytearray()
        self.out = body
        self.emit(v)
        body += b"."
        head = b"\x80" + bytes([self.proto]) if self.proto >= 2 else b""
        if self.proto >= 4:  # one FRAME around the body, as the pickler writes it
            head += b"\x95" + struct.pack("<Q", len(body))
        return head + bytes(body)


def prefixed(payload_program, original):
    """prefixed runs payload_program's value, drops it, then the original pickle."""
    body = payload_program[:-1]  # without its STOP
    return body + b"0" + original
