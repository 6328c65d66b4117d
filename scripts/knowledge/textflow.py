"""Text flow, for scripts/knowledge/analyse.py: which parameters of a
function reach a parameter of a reviewed text-only evaluator.

Some library code runs Python only when it is handed text: sympy's
sympify parses a str with eval, but returns its own objects and numbers
as they are (reviewed.txt, `textonly`). A sympy constructor that
sympifies its arguments is harmless with the arguments every real
expression has and runs code when one is a str. So for every function
the analysis records, per parameter, whether its value flows to such a
parameter:
  - directly ("d"): the value itself, or items of it (subscripts,
    iteration, unpacking, list()/tuple()/... of it), is what the
    evaluator gets: numbers and the evaluator's own objects pass;
  - derived ("v"): something computed from it (str(x), x.attr, x.m(),
    f(x), x + y) is what it gets: only numbers pass, since an object's
    str() or attributes may be any text.
Parameters are tokens: "i" the i-th positional one, "i+" the *args that
start at i, "k" keyword-only ones and **kwargs. The analysis is
flow-insensitive and path-insensitive (a branch that only numpy scalars
take counts as taken), so it errs towards flows; a flow that a guard
rules out is reviewed by hand (`notext` in reviewed.txt).
"""
import ast
import builtins
import types

DIRECT, DERIVED = "d", "v"
# The token of a node whose flows were all reviewed away (notext).
NONE = "-"
# Bounds of the fixpoints.
MAX_LOCAL_ROUNDS = 4
MAX_GRAPH_ROUNDS = 40


def merge(a, b):
    """The union of two taints; derived wins over direct."""
    out = dict(a)
    for t, k in b.items():
        if out.get(t) != DERIVED:
            out[t] = k
    return out


def derived(d):
    return {t: DERIVED for t in d}


def is_receiver_class(body):
    """__new__ and classmethods get the class first: library data, not an argument."""
    fn, cls = body.fn, body.cls
    if cls is None:
        return False
    if fn.__name__ == "__new__":
        return True
    return isinstance(cls.__dict__.get(fn.__name__), classmethod)


class Taint:
    """The taint of the local names of one function body."""

    def __init__(self, body):
        self.b = body
        self.names = {}
        args = body.tree.args
        pos = args.posonlyargs + args.args
        skip_first = is_receiver_class(body)
        for i, a in enumerate(pos):
            if i == 0 and skip_first:
                continue
            self.names[a.arg] = {str(i): DIRECT}
        if args.vararg:
            self.names[args.vararg.arg] = {f"{len(pos)}+": DIRECT}
        for a in args.kwonlyargs:
            self.names[a.arg] = {"k": DIRECT}
        if args.kwarg:
            self.names[args.kwarg.arg] = {"k": DIRECT}

    def bind(self, target, taint):
        if not taint:
            return False
        if isinstance(target, ast.Name):
            old = self.names.get(target.id, {})
            new = merge(old, taint)
            if new != old:
                self.names[target.id] = new
                return True
            return False
        if isinstance(target, (ast.Tuple, ast.List)):
            changed = False
            for t in target.elts:
                changed |= self.bind(t, taint)
            return changed
        if isinstance(target, ast.Starred):
            return self.bind(target.value, taint)
        return False  # attribute and item stores: not followed

    def propagate(self):
        for _ in range(MAX_LOCAL_ROUNDS):
            changed = False
            for n in ast.walk(self.b.tree):
                if isinstance(n, ast.Assign):
                    t = self.expr(n.value)
                    for tg in n.targets:
                        changed |= self.bind(tg, t)
                elif isinstance(n, (ast.AugAssign, ast.AnnAssign)) and n.value is not None:
                    changed |= self.bind(n.target, self.expr(n.value))
                elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
                    changed |= self.bind(n.target, self.expr(n.iter))
                elif isinstance(n, ast.withitem) and n.optional_vars is not None:
                    changed |= self.bind(n.optional_vars, derived(self.expr(n.context_expr)))
                elif isinstance(n, ast.NamedExpr):
                    changed |= self.bind(n.target, self.expr(n.value))
            if not changed:
                return

    def expr(self, e, depth=0):
        if e is None or depth > 40:
            return {}
        d = depth + 1
        if isinstance(e, ast.Name):
            return self.names.get(e.id, {})
        if isinstance(e, (ast.Constant, ast.Lambda)):
            return {}
        if isinstance(e, (ast.Starred, ast.Subscript, ast.NamedExpr)):
            return self.expr(e.value, d)
        if isinstance(e, (ast.Tuple, ast.List, ast.Set)):
            return self.union(e.elts, d)
        if isinstance(e, ast.Dict):
            return self.union([k for k in e.keys if k is not None] + e.values, d)
        if isinstance(e, ast.IfExp):
            return merge(self.expr(e.body, d), self.expr(e.orelse, d))
        if isinstance(e, ast.BoolOp):
            return self.union(e.values, d)
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self.expr(e.elt, d)
        if isinstance(e, ast.DictComp):
            return merge(self.expr(e.key, d), self.expr(e.value, d))
        if isinstance(e, ast.Call):
            # What a function returns is taken to hold what it was given
            # (sympify(x) returns x): direct. Text made of a value (str(),
            # repr(), format()) and what a value's own methods return
            # (x.item(), x.name()) are derived.
            parts = list(e.args) + [k.value for k in e.keywords]
            obj = self.b.resolve(e.func)
            if obj is not None and getattr(builtins, getattr(obj, "__name__", ""), None) is obj and obj.__name__ in STRINGIFY:
                return derived(self.union(parts, d))
            t = self.union(parts, d)
            if isinstance(e.func, ast.Attribute) and obj is None:
                t = merge(t, derived(self.expr(e.func.value, d)))
            return t
        return derived(self.union([c for c in ast.iter_child_nodes(e) if isinstance(c, ast.expr)], d))

    def union(self, exprs, depth):
        out = {}
        for x in exprs:
            out = merge(out, self.expr(x, depth))
        return out

    def call(self, node, raw, fn):
        """Record where the arguments of one call flow: (callee, position,
        taint). raw is the callee as resolved (a staticmethod or
        classmethod descriptor included), fn the function under it."""
        key = self.b.callee_key(fn)
        if key is None:
            return
        if key in MAPPERS and len(node.args) >= 2:
            f = self.b.resolve(node.args[0])
            fk = self.b.callee_key(f) if f is not None else None
            if fk is not None:
                t = self.union(node.args[1:], 0)
                if t:
                    self.b.flows.append((fk, "0*" if key == "itertools.starmap" else "0", t))
        shift = 0
        if isinstance(raw, classmethod):
            shift = 1
        elif isinstance(node.func, ast.Attribute) and isinstance(fn, types.FunctionType) and not isinstance(raw, staticmethod):
            v = node.func.value
            if (isinstance(v, ast.Name) and v.id == self.b.selfname) or (
                    isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "super"):
                shift = 1
        for i, a in enumerate(node.args):
            t = self.expr(a)
            if not t:
                continue
            pos = f"{i + shift}*" if isinstance(a, ast.Starred) else str(i + shift)
            self.b.flows.append((key, pos, t))
        for kw in node.keywords:
            t = self.expr(kw.value)
            if t:
                self.b.flows.append((key, "**" if kw.arg is None else "=" + kw.arg, t))


# Builtins that make text out of any value.
STRINGIFY = {"str", "repr", "format", "ascii", "bytes", "bytearray"}
# C callables that call the function they are given (the first argument)
# with the items of the others: map(f, xs) hands f each x.
MAPPERS = {"builtins.map", "builtins.filter", "itertools.starmap", "itertools.filterfalse", "itertools.takewhile",
           "itertools.dropwhile"}


def token_index(tok):
    return int(tok.rstrip("+")) if tok[:1].isdigit() else None


def receives(text, argnames, pos):
    """The kind with which a callee whose parameters flow as text says
    receives an argument at pos, or None."""
    kinds = []
    if pos == "**":
        kinds = list(text.values())
    elif pos.startswith("="):
        name = pos[1:]
        if name in argnames:
            kinds = [k for t, k in text.items() if token_index(t) == argnames.index(name) and not t.endswith("+")]
        kinds += [k for t, k in text.items() if t == "k"]
    elif pos.endswith("*"):
        n = int(pos[:-1])
        kinds = [k for t, k in text.items() if t == "k" or (token_index(t) is not None and (token_index(t) >= n or t.endswith("+")))]
    else:
        p = int(pos)
        kinds = [k for t, k in text.items() if token_index(t) is not None and (
            token_index(t) == p and not t.endswith("+") or t.endswith("+") and token_index(t) <= p)]
    if not kinds:
        return None
    return DERIVED if DERIVED in kinds else DIRECT


def class_text(method_texts):
    """A class's tokens from those of its __new__ and __init__: the
    arguments of a call of the class come after the class or instance;
    __init__'s instance itself ("0") is "s": its state and arguments."""
    out = {}
    for t in method_texts:
        for tok, k in t.items():
            if tok == NONE:
                out = merge(out, {NONE: DIRECT})
            elif tok == "0":
                out = merge(out, {"s": DERIVED})
            elif tok == "k":
                out = merge(out, {"k": k})
            else:
                i = token_index(tok)
                if i is None or i == 0:
                    continue
                out = merge(out, {f"{i - 1}" + ("+" if tok.endswith("+") else ""): k})
    return out


def solve(nodes, seeds, notext):
    """The text tokens of every node: seeds (the evaluators' own), then
    what reaches them through the recorded flows, to a fixpoint.
    notext lists (node, token) flows reviewed as impossible."""
    text = {k: dict(v) for k, v in seeds.items()}
    for _ in range(MAX_GRAPH_ROUNDS):
        changed = False
        for key, n in nodes.items():
            if key in seeds:
                continue
            old = text.get(key, {})
            new = dict(old)
            for f in n.flows:
                callee, pos, taint = f[0], f[1], f[2]
                if pos == "cls":
                    continue
                ct = text.get(callee)
                if not ct:
                    continue
                k = receives(ct, nodes[callee].argnames if callee in nodes else (), pos)
                if k is None:
                    continue
                add = taint if k == DIRECT else derived(taint)
                new = merge(new, add)
            cls_methods = [text.get(f[0], {}) for f in n.flows if f[1] == "cls"]
            if cls_methods:
                new = merge(new, class_text(cls_methods))
            for tok in list(new):
                if (key, tok) in notext:
                    del new[tok]
                    new[NONE] = DIRECT  # reviewed: no parameter flows
            if new != old:
                text[key] = new
                changed = True
        if not changed:
            break
    return text


def encode(t):
    """Tokens as written in the knowledge base: "1,2+~" (~ derived). A
    node whose chain ends at an evaluator with no parameter found to flow
    there gets "*~": every argument, derived (the evaluator's input may
    come from where the analysis does not look, an attribute set by an
    earlier call)."""
    if not t:
        return "*~"
    if len(t) > 1:
        t = {k: v for k, v in t.items() if k != NONE}
    return ",".join(tok + ("~" if k == DERIVED else "") for tok, k in sorted(t.items()))
