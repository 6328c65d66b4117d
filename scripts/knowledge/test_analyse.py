#!/usr/bin/python3
"""Tests of the capability analysis: /usr/bin/python3 -m unittest test_analyse
(run from scripts/knowledge). The sample module is written to a temporary
directory and imported; none of its functions is called."""
import importlib
import json  # noqa: F401 (resolved by the sample's local import)
import os
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyse  # noqa: E402
import textflow  # noqa: E402

SAMPLE = '''
import os
import subprocess as sp


def helper(x):
    return eval(x)


def via_helper(s):
    return helper(s)


def runs(cmd):
    sp.run(cmd)


def reads(path):
    with open(path) as f:
        return f.read()


def writes(path, mode):
    return open(path, mode)


def calls_arg(f, x):
    return f(x)


def calls_method(obj):
    return obj.keys()


def local_import(s):
    from json import loads
    return loads(s)


class Base:
    def __init__(self, s):
        self.v = via_helper(s)


class Child(Base):
    def harmless(self):
        return self.v + 1
def handed_to_map(args):
    return list(map(helper, args))
def sorted_by(xs):
    return sorted(xs, key=helper)
'''


def import_sample(dirname, name, source):
    """Writes source as module name in dirname, puts dirname on sys.path
    (the caller removes it) and imports the module."""
    with open(os.path.join(dirname, name + ".py"), "w") as f:
        f.write(textwrap.dedent(source))
    sys.path.insert(0, dirname)
    return importlib.import_module(name)


class AnalyseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.mod = import_sample(cls.dir.name, "kbsample", SAMPLE)
        sinks = {"builtins.eval": "exec", "builtins.open": "file", "posix.system": "process"}
        cls.an = analyse.Analyser(sinks, {"builtins.map": "0", "builtins.sorted": "*"})
        for name in dir(cls.mod):
            obj = getattr(cls.mod, name)
            if getattr(obj, "__module__", None) == "kbsample":
                cls.an.callable(obj)
                if isinstance(obj, type):
                    for m, v in vars(obj).items():
                        if callable(v):
                            cls.an.function(v, obj)
        cls.an.drain()
        cls.next = cls.an.chains()

    @classmethod
    def tearDownClass(cls):
        sys.path.remove(cls.dir.name)
        cls.dir.cleanup()

    def chain(self, key):
        hops = [key]
        while key in self.next and not self.next[key].startswith("!"):
            key = self.next[key]
            hops.append(key)
        return hops, self.next.get(key)

    def test_instantiated(self):
        """A function that only returns cls.__new__(cls, ...) makes an
        instance of its parameter and runs nothing else of it; any other
        use of the class or of the instance, in the body or in a nested
        function, or a decorator, rules it out."""
        cases = {
            "def f(cls, *args):\n    return cls.__new__(cls, *args)": (0,),
            "def f(cls, *args, **kw):\n    return cls.__new__(cls, *args, **kw)": (0,),
            "def f(base, cls, st):\n    return base.__new__(cls, st)": (),
            "def f(cls, *args):\n    return cls.__new__(*args)": (),
            "def f(cls, st):\n    o = cls.__new__(cls)\n    o.__setstate__(st)\n    return o": (),
            "def f(cls, st):\n    def g():\n        return cls.__new__(cls)\n    o = g()\n    o.__setstate__(st)\n    return o": (),
            "def f(cls):\n    cls.__setstate__(1)\n    return cls.__new__(cls)": (),
            "def f(cls):\n    x = locals()\n    return cls.__new__(cls)": (),
            "@deco\ndef f(cls):\n    return cls.__new__(cls)": (),
            "def f(cls):\n    cls = other\n    return cls.__new__(cls)": (),
            "def f(cls, st):\n    return cls(st)": (),
        }
        for src, want in cases.items():
            tree = analyse.ast.parse(src).body[0]
            names = [a.arg for a in tree.args.posonlyargs + tree.args.args]
            got = analyse.instantiated(tree, {n: i for i, n in enumerate(names)}, None)
            self.assertEqual(got, want, src)

    def test_fetchers(self):
        """Functions that return what getattr fetches by a computed name,
        directly or through another such function, are fetchers; a
        literal name, or a fetcher's result used and not returned, is not."""
        src = '''
            def direct(obj, name):
                return getattr(obj, name)
            def with_default(obj, name):
                return getattr(obj, name, None)
            def literal(obj):
                return getattr(obj, "shape")
            def recursive(obj, path):
                if "." in path:
                    top, rest = path.split(".", 1)
                    return recursive(getattr(obj, top), rest)
                return direct(obj, path)
            def through(obj, name):
                return recursive(obj, name)
            def uses(obj, name):
                value = direct(obj, name)
                return str(value)
        '''
        with tempfile.TemporaryDirectory() as d:
            try:
                mod = import_sample(d, "kbfetch", src)
                an = analyse.Analyser({}, {})
                for name in ("direct", "with_default", "literal", "recursive", "through", "uses"):
                    an.callable(getattr(mod, name))
                an.drain()
            finally:
                sys.path.remove(d)
        got = {k.split(".")[-1] for k in analyse.fetchers(an.returned) if k.startswith("kbfetch.")}
        self.assertEqual(got, {"direct", "with_default", "recursive", "through"})

    def test_instantiated_copyreg(self):
        """copyreg's __newobj__ and __newobj_ex__ only make an instance of
        the class; _reconstructor calls base.__init__ on it."""
        import copyreg
        an = analyse.Analyser({}, {})
        for fn in (copyreg.__newobj__, copyreg.__newobj_ex__, copyreg._reconstructor):
            an.callable(fn)
        an.drain()
        self.assertEqual(an.news.get("copyreg.__newobj__"), (0,))
        self.assertEqual(an.news.get("copyreg.__newobj_ex__"), (0,))
        self.assertEqual(an.news.get("copyreg._reconstructor"), ())

    def test_chain_through_helper(self):
        hops, sink = self.chain("kbsample.via_helper")
        self.assertEqual(hops, ["kbsample.via_helper", "kbsample.helper", "builtins.eval"])
        self.assertEqual(sink, "!exec")

    def test_python_sink_table(self):
        self.assertEqual(self.chain("kbsample.runs")[0][1], "subprocess.run")

    def test_open_modes(self):
        self.assertNotIn("kbsample.reads", self.next)
        self.assertEqual(self.next.get("kbsample.writes"), "!file")

    def test_params(self):
        self.assertEqual(self.an.nodes["kbsample.calls_arg"].params, "0")
        self.assertEqual(self.an.nodes["kbsample.calls_method"].params, "0")
        self.assertEqual(self.an.nodes["kbsample.helper"].params, "")

    def test_class_construction_and_methods(self):
        self.assertEqual(self.chain("kbsample.Child")[0][:3], ["kbsample.Child", "kbsample.Base.__init__", "kbsample.via_helper"])
        self.assertNotIn("kbsample.Child.harmless", self.next)

    def test_function_handed_to_a_caller(self):
        # map(sympify, args): the C caller calls what it is handed
        self.assertEqual(self.chain("kbsample.handed_to_map")[0][:2], ["kbsample.handed_to_map", "kbsample.helper"])
        self.assertEqual(self.chain("kbsample.sorted_by")[0][:2], ["kbsample.sorted_by", "kbsample.helper"])

    def test_local_import_resolved(self):
        # the generator imports every module first; the analysis resolves
        # against sys.modules and never imports
        self.assertIn("json.loads", self.an.nodes["kbsample.local_import"].callees)


TEXT_SAMPLE = '''
def gate(a, strict=False):
    return eval(a)


def direct(*args, **kw):
    args = (gate(x) for x in args)
    return list(args)


def derived(x):
    return gate(str(x))


def mapped(args):
    return list(map(gate, args))


def constant():
    return gate("1")


def both(a, b):
    gate(a)
    return eval(b)


def guarded(n):
    return gate(n.item())


class Rep:
    def __new__(cls, *args):
        return cls._new(*args)


class Dense(Rep):
    @classmethod
    def _new(cls, *args):
        return gate(args[0])
'''


class TextFlowTest(unittest.TestCase):
    """Text gates (textflow.py): which parameters reach a text-only evaluator."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        mod = import_sample(cls.dir.name, "kbtext", TEXT_SAMPLE)
        cls.an = analyse.Analyser({"builtins.eval": "exec"}, {"builtins.map": "0"})
        for name in dir(mod):
            obj = getattr(mod, name)
            if getattr(obj, "__module__", None) == "kbtext":
                cls.an.callable(obj)
        cls.an.drain()
        cls.next = cls.an.chains(gated={"kbtext.gate"})
        cls.text = textflow.solve(cls.an.nodes, {"kbtext.gate": {"0": textflow.DIRECT}}, {("kbtext.guarded", "0")})

    @classmethod
    def tearDownClass(cls):
        sys.path.remove(cls.dir.name)
        cls.dir.cleanup()

    def tokens(self, key):
        return textflow.encode(self.text.get(key, {}))

    def test_gate_is_its_own_sink(self):
        self.assertEqual(self.next["kbtext.gate"], "!text")
        self.assertEqual(self.next["kbtext.direct"], "kbtext.gate")
        # a caller that reaches another sink too keeps that one
        self.assertEqual(self.next["kbtext.both"], "builtins.eval")

    def test_direct_and_derived(self):
        self.assertEqual(self.tokens("kbtext.direct"), "0+")
        self.assertEqual(self.tokens("kbtext.derived"), "0~")
        self.assertEqual(self.tokens("kbtext.mapped"), "0")

    def test_no_parameter_fails_closed(self):
        self.assertEqual(self.tokens("kbtext.constant"), "*~")

    def test_reviewed_guard(self):
        self.assertEqual(self.tokens("kbtext.guarded"), "-")

    def test_inherited_constructor_for_each_class(self):
        # Rep.__new__ calls cls._new: for Dense, that is Dense._new
        self.assertIn("kbtext.Dense.__new__", self.an.nodes)
        self.assertEqual(self.next.get("kbtext.Dense"), "kbtext.Dense.__new__")
        self.assertEqual(self.tokens("kbtext.Dense"), "0+")
        self.assertNotIn("kbtext.Rep", self.next)


if __name__ == "__main__":
    unittest.main()


class StateIndexTest(unittest.TestCase):
    """The bounds reviewed.txt gives the state items a C __setstate__
    indexes its tables with hold every state the library writes."""

    def bounds(self):
        out = {}
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reviewed.txt")) as f:
            for line in f:
                fields = line.split()
                if fields and fields[0] == "stateindex":
                    out[fields[1]] = {int(p): int(n) for p, n in (b.split(":") for b in fields[3].split(","))}
        return out

    def test_traits_states_within_bounds(self):
        try:
            import traits.api as t
            from traits.ctraits import cTrait
        except ImportError:
            self.skipTest("traits is not installed")
        bounds = self.bounds()["traits.ctraits.cTrait.__setstate__"]

        class Sample(t.HasTraits):
            i = t.Int()
            f = t.Float(5.3)
            s = t.Str()
            b = t.Bool()
            r = t.Range(0, 10)
            fr = t.Range(0.0, 1.0)
            e = t.Enum("a", "b")
            li = t.List(t.Int)
            d = t.Dict(t.Str, t.Int)
            se = t.Set()
            tu = t.Tuple(t.Int, t.Str)
            inst = t.Instance(object)
            any_ = t.Any()
            cal = t.Callable()
            either = t.Either(t.Int, t.Str)
            union = t.Union(t.Int, t.Str)
            prop = t.Property(depends_on="i")
            ro = t.ReadOnly()
            const = t.Constant(3)
            ev = t.Event()
            btn = t.Button()
            arr = t.Array() if hasattr(t, "Array") else t.Any()
            cls_ = t.Type()
            mapped = t.Map({"a": 1})
            pm = t.PrefixMap({"yes": 1, "no": 0}, default_value="yes")
            pl = t.PrefixList(["one", "two"])
            dis = t.Disallow()
            other = t.Instance(t.HasTraits, ())
            dele = t.DelegatesTo("other")
            pre = t.PrototypedFrom("other")
            dt = t.Date()
            ti = t.Time()
            uuid = t.UUID()
            cplx = t.Complex()
            byt = t.Bytes()
            # (no WeakRef: its getattr handler is in no table, and
            # __getstate__'s search for it runs off the table and crashes
            # traits 6.3.2, so no pickle of one exists)
            fname = t.File()
            dirname = t.Directory()

            def _get_prop(self):
                return self.i

        ctraits = [tr for tr in Sample.class_traits().values() if isinstance(tr, cTrait)]
        self.assertGreater(len(ctraits), 30)
        for tr in ctraits:
            state = tr.__getstate__()
            self.assertEqual(len(state), 15)
            for pos, n in bounds.items():
                self.assertTrue(0 <= state[pos] < n, f"{tr!r} item {pos} = {state[pos]}, bound {n}")
