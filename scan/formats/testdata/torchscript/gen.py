"""Writes the TorchScript fixtures of scan/formats (torchscript_test.go).

benign_*.pt are modules scripted and traced by torch.jit and saved by
torch.jit.save: control flow, submodules, __getstate__/__setstate__,
formatting, asserts. None may be flagged above medium.

mal_*.pt take benign_state.pt as torch wrote it and replace (or add) code
files the way an attacker edits an archive: ops that touch files or load
native code, in __setstate__ (run by torch.jit.load) or in forward. Their
payloads name marker files under /tmp; they are written, never loaded.

Run from this folder with Debian's python3-torch: /usr/bin/python3 gen.py
"""
import io
import zipfile
from typing import Dict, List, Tuple

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.norm = nn.LayerNorm(2)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        return self.drop(torch.relu(self.norm(self.lin(x))))


class Control(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(), Block()])
        self.scale = 2
        self.names: List[str] = ["a", "b"]

    def forward(self, x: torch.Tensor, n: int = 3) -> Dict[str, torch.Tensor]:
        out: Dict[str, torch.Tensor] = {}
        for b in self.blocks:
            x = b(x)
        i = 0
        while i < n:
            x = x * self.scale + 1.5
            i += 1
        if bool(x.sum() > 0) and n != 2:
            out["pos"] = x[0, 0:1]
        elif n == 7:
            raise RuntimeError("bad n {}".format(n))
        else:
            out["neg"] = -x
        assert x.dim() == 2, "two dims"
        print("shape", x.shape)
        out[f"{n}-{self.names[0]}"] = torch.cat([x, x], dim=1)
        return out


class State(nn.Module):
    def __init__(self):
        super().__init__()
        self.k = 3

    def forward(self, x):
        return x + self.k

    @torch.jit.export
    def __getstate__(self) -> Tuple[int, bool]:
        return (self.k, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[int, bool]) -> None:
        self.k = state[0]
        self.training = state[1]


def saved(module):
    buf = io.BytesIO()
    torch.jit.save(module, buf)
    return buf.getvalue()


def edit(data, replace):
    """Returns the archive data with members replaced or added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        names = src.namelist()
        for name in names:
            dst.writestr(name, replace.get(name, src.read(name)))
        for name, body in replace.items():
            if name not in names:
                dst.writestr(name, body)
    return out.getvalue()


torch.manual_seed(0)
state = saved(torch.jit.script(State()))
files = {
    "benign_control.pt": saved(torch.jit.script(Control())),
    "benign_state.pt": state,
    "benign_traced.pt": saved(torch.jit.trace(Block(), torch.randn(2, 2), check_trace=False)),
}

root = zipfile.ZipFile(io.BytesIO(state)).namelist()[0].split("/")[0]
code = root + "/code/__torch__.py"
original = zipfile.ZipFile(io.BytesIO(state)).read(code).decode()
SET = "    self.training = (state)[1]\n"
FWD = "    return torch.add(x, k)\n"


def setstate(lines):
    return original.replace(SET, SET + lines)


def forward(lines):
    return original.replace(FWD, lines + FWD)


MARK = '"/tmp/modelgate-ts"'
variants = {
    "mal_setstate_from_file.pt": {code: setstate(
        "    _f = torch.from_file(" + MARK + ", True, 4, dtype=0)\n"
        "    _w = torch.copy_(_f, torch.tensor([116, 114, 117, 101]))\n")},
    "mal_setstate_alias.pt": {code: setstate(
        "    _0 = torch.from_file\n"
        "    _1 = _0(" + MARK + ", True, 4, dtype=0)\n")},
    "mal_setstate_getattr.pt": {code: setstate(
        "    _1 = getattr(torch, \"from_file\")(" + MARK + ", True, 4, dtype=0)\n")},
    "mal_setstate_helper.pt": {code: setstate("    _2 = (self).prepare(4)\n").replace(
        "  def __setstate__", "  def prepare(self: __torch__.State,\n    n: int) -> Tensor:\n"
        "    return (torch).from_file(" + MARK + ", True, n, dtype=0)\n  def __setstate__")},
    "mal_setstate_other_file.pt": {
        code: setstate("    _3 = __torch__.helpers.touch(4)\n"),
        root + "/code/__torch__/helpers.py": "def touch(n: int) -> Tensor:\n"
        "  return torch.from_file(" + MARK + ", True, n, dtype=0)\n"},
    "mal_forward_save.pt": {code: forward("    torch.save(x, " + MARK + ")\n")},
    "mal_forward_load_library.pt": {code: forward("    torch.ops.load_library(\"/tmp/modelgate-ts.so\")\n")},
    "mal_forward_custom_op.pt": {code: forward("    x = torch.ops.mg_ns.touch(x)\n")},
    "mal_setstate_custom_class.pt": {code: setstate("    _4 = torch.classes.mg_ns.Touch(" + MARK + ")\n")},
}
for name, replace in variants.items():
    files[name] = edit(state, replace)

for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
