#!/usr/bin/python3
"""Generate policy/data/knowledge.tsv: what every importable module-level
name of the standard library and of the libraries model files name is, and
whether using it can reach a sink. See docs/knowledge.md.

Run with Debian's interpreter and packages (scripts/knowledge/generate.sh).
The libraries are imported so that names resolve to the objects a pickle
would get; no function of theirs is called, every verdict comes from
reading source with ast (analyse.py) or from reviewed.txt.

Output (tab-separated, lines sorted by their bytes):
  P  package  version                       provenance
  N  module   name   kind   node            a module-level name (or Class.MEMBER);
                                            node "=" is module.name itself
  F  node     next   params flag [text]     a callable of the call graph
  C  node     mro                           a class: its bases, nearest first
  G  node     category passes               a reviewed text-only evaluator
                                            (textonly in reviewed.txt)
  I  node     category bounds               a reviewed C method that indexes
                                            tables with its state tuple's items
                                            (stateindex in reviewed.txt)
  M  node     params                        a function that touches these
                                            parameters only to return
                                            param.__new__(param, ...)
  R  node     fetch                         a function that returns what it
                                            fetches by a computed name
                                            (getattr(x, name), or another R's
                                            result)
kind: m module, f function, b C callable, c class, s struct-sequence type,
e enum member, o callable instance. Other data is left out: importing it
is judged as an import of an unknown name.
next: "" (no sink within reach), "!category" (the node is a sink), or the
next node on the shortest chain to a sink. params: the positional
arguments the callable calls or calls a method on ("*" any). flag: p
Python analysed, r C reviewed, q Python reviewed quiet, u C unreviewed.
next "!index": the node is a stateindex method: a sink unless the state's
items are within bounds ("0:14,4:22": item 0 below 14, item 4 below 22).
next "!text": the node is a text-only evaluator; text, on nodes whose chain
ends at one: the parameters that flow there (textflow.py: "1,2+~", "k"
keywords, "s" the instance, "*~" any, "-" none after review; "~" derived).
"""
import enum
import importlib
import importlib.metadata
import os
import pkgutil
import sys
import types
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyse  # noqa: E402
import textflow  # noqa: E402

LIBRARIES = ["torch", "numpy", "scipy", "sklearn", "pandas", "joblib", "sympy", "dateutil", "pytz",
             "requests", "jinja2", "h5py", "mpmath", "urllib3", "markupsafe", "threadpoolctl",
             # named by the model and data files Debian packages ship (scripts/knowledge/survey.py)
             "traits", "pyface", "envisage", "apptools", "cobra", "optlang", "babel", "astroquery", "statsmodels",
             "networkx", "matplotlib", "PIL", "astropy", "gensim", "nltk", "skimage"]
DISTRIBUTIONS = {"sklearn": "scikit-learn", "dateutil": "python-dateutil", "markupsafe": "MarkupSafe",
                 "babel": "Babel", "PIL": "Pillow", "skimage": "scikit-image"}
# Never imported: importing them has effects (a browser, a window, prints), or
# they are test suites.
SKIP_MODULES = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "test", "__hello__",
                "__phello__", "lib2to3", "ensurepip", "pydoc_data", "xxsubtype"}
SKIP_PARTS = {"tests", "test", "testing", "_testing", "conftest", "benchmarks", "__main__", "_internal"}
# Never imported either, with their submodules: GUI toolkit backends (Qt and
# wx code of pyface constructs application objects on import, which aborts
# the process without a display), and modules whose import reads data or
# prints (nltk.book loads the book's corpora, nltk.app opens Tk windows,
# statsmodels.sandbox holds example scripts that compute and print).
SKIP_PREFIXES = ("pyface.ui.qt", "pyface.ui.qt4", "pyface.ui.wx", "pyface.qt", "pyface.wx", "pyface.grid",
                 "nltk.book", "nltk.app", "statsmodels.sandbox")


def load_reviewed(path):
    sinks, calls, clean, quiet, textonly, notext, importsinks, stateindex = {}, {}, [], {}, {}, set(), {}, {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split(None, 2)
        if f[0] == "sink":
            sinks[f[1]] = f[2]
        elif f[0] == "calls":
            calls[f[1]] = f[2]
        elif f[0] == "clean":
            clean.append(f[1])
        elif f[0] == "quiet":
            quiet[f[1]] = f[2]
        elif f[0] == "textonly":  # textonly KEY TOKEN CATEGORY PASSCLASSES reason
            g = f[2].split(None, 3)
            textonly[f[1]] = (g[0], g[1] + "\t" + g[2])
        elif f[0] == "importsink":  # importsink MODULE CATEGORY reason
            importsinks[f[1]] = f[2].split()[0]
        elif f[0] == "notext":  # notext KEY TOKEN reason
            notext.add((f[1], f[2].split()[0]))
        elif f[0] == "stateindex":  # stateindex KEY CATEGORY POS:LEN,... reason
            g = f[2].split(None, 2)
            sinks[f[1]] = "index"
            stateindex[f[1]] = g[0] + "\t" + g[1]
        else:
            raise SystemExit(f"reviewed.txt: bad line {line!r}")
    return sinks, calls, clean, quiet, textonly, notext, importsinks, stateindex


def modules():
    names = set()
    roots = sorted(n for n in sys.stdlib_module_names if n not in SKIP_MODULES) + LIBRARIES
    for root in roots:
        try:
            m = importlib.import_module(root)
        except BaseException:
            continue
        names.add(root)
        path = getattr(m, "__path__", None)
        if path is None:
            continue
        for info in pkgutil.walk_packages(path, root + ".", onerror=lambda _: None):
            parts = set(info.name.split("."))
            if parts & SKIP_PARTS or parts & SKIP_MODULES or skipped(info.name):
                continue
            names.add(info.name)
    out = []
    trace = os.environ.get("KNOWLEDGE_TRACE")
    for n in sorted(names):
        if trace:
            print("import", n, file=sys.stderr, flush=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(importlib.import_module(n))
        except BaseException:
            continue
    return out


def skipped(name):
    return any(name == p or name.startswith(p + ".") for p in SKIP_PREFIXES)


def own_function(obj, mname):
    """A Python function a module defines under a dunder name: pickles name
    them (copyreg.__newobj__, traits.traits.__newobj__, which the
    __reduce_ex__ of traits' objects return). The module's other dunder
    names are its metadata (__doc__, __spec__, ...)."""
    return isinstance(obj, types.FunctionType) and obj.__module__ == mname


def is_structseq(obj):
    return isinstance(obj, type) and issubclass(obj, tuple) and hasattr(obj, "n_sequence_fields")


def kind_of(obj):
    if isinstance(obj, types.ModuleType):
        return "m"
    if is_structseq(obj):
        return "s"
    if isinstance(obj, type):
        return "c"
    if isinstance(obj, enum.Enum):
        return "e"
    if isinstance(obj, types.FunctionType) or isinstance(analyse.unwrap(obj), types.FunctionType):
        return "f"
    if isinstance(obj, (types.BuiltinFunctionType, types.MethodDescriptorType, types.WrapperDescriptorType,
                        types.ClassMethodDescriptorType)):
        return "b"
    if isinstance(obj, (int, float, complex, str, bytes, bool, type(None), tuple, frozenset)):
        return "k"
    if callable(obj):
        return "o"
    return "k"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    c_sinks, c_calls, clean, quiet, textonly, notext, importsinks, stateindex = load_reviewed(os.path.join(here, "reviewed.txt"))
    an = analyse.Analyser(c_sinks, c_calls, importsinks)
    names = []
    classes = set()
    for mod in modules():
        mname = mod.__name__
        if sys.modules.get(mname) is not mod:
            continue  # a module that calls itself another (_pydecimal is "decimal")
        for name, obj in sorted(vars(mod).items()):
            if name.startswith("__") and name.endswith("__") and not own_function(obj, mname):
                continue
            try:
                k = kind_of(obj)
            except Exception:  # an object that raises when looked at: judged as data
                k = "k"
            node = ""
            if k == "m":
                node = obj.__name__
            elif k in ("c", "s"):
                node = an.klass(obj) or ""
                classes.add(obj)
            elif k in ("f", "b"):
                node = an.callable(obj) or ""
            elif k == "o":
                node = an.method(type(obj), "__call__") or (analyse.qualkey(type(obj)) or "?") + ".__call__"
                if node not in an.nodes:
                    an.nodes[node] = analyse.Node(node, an.c_sinks.get(node), an.c_calls.get(node, ""), ())
                    an.objs[node] = type(obj)
            if k == "k":
                continue  # plain data: judged as an import of an unknown name, never as a call
            if node == mname + "." + name:
                node = "="  # the usual case, written short
            names.append((mname, name, k, node))
            if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == mname:
                for mem in obj.__members__:
                    names.append((mname, name + "." + mem, "e", ""))
        an.drain()
    # every method of every class: a bound method fetched by getattr is judged as called
    seen = set()
    for cls in sorted(classes, key=class_order):
        for base in cls.__mro__[:-1]:
            if base in seen:
                continue
            seen.add(base)
            for meth, obj in sorted(base.__dict__.items()):
                obj = analyse.unwrap(obj)
                if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodDescriptorType,
                                    types.WrapperDescriptorType, types.ClassMethodDescriptorType)):
                    an.function(obj, base if isinstance(obj, types.FunctionType) else None)
        an.drain()
    for key in quiet:  # reviewed: the chain through it cannot be steered to a sink
        if key in an.nodes:
            an.nodes[key] = analyse.Node(key, None, an.nodes[key].params, ())
    nxt = an.chains(gated=set(textonly))
    text = textflow.solve(an.nodes, {k: {tok: textflow.DIRECT} for k, (tok, _) in textonly.items()}, notext)
    lines = []
    for p in sorted(set(m.split(".")[0] for m in LIBRARIES)):
        try:
            v = importlib.metadata.version(DISTRIBUTIONS.get(p, p))
        except Exception:
            v = getattr(sys.modules.get(p), "__version__", "?")
        lines.append(f"P\t{p}\t{v}")
    lines.append(f"P\tpython\t{sys.version.split()[0]}")
    for n in sorted(set(names)):
        lines.append("N\t" + "\t".join(n))
    for key in sorted(an.nodes):
        node = an.nodes[key]
        obj = an.objs.get(key)
        flag = "p" if isinstance(obj, (types.FunctionType, type)) and not is_c_class(obj) else "r" if reviewed_c(key, obj, c_sinks, c_calls, clean) else "u"
        nx = nxt.get(key, "")
        if key in quiet:
            flag, nx = "q", ""
        if flag == "u" and not nx:
            nx = ""
        tf = textflow.encode(text.get(key, {})) if nxt_sink(nxt, nx) == "text" else ""
        lines.append(f"F\t{key}\t{nx}\t{node.params}\t{flag}" + (f"\t{tf}" if tf else ""))
    for key, (_, passes) in sorted(textonly.items()):
        lines.append(f"G\t{key}\t{passes}")
    for key, bounds in sorted(stateindex.items()):
        lines.append(f"I\t{key}\t{bounds}")
    for key, params in sorted(an.news.items()):
        if key in an.nodes and params:
            lines.append(f"M\t{key}\t" + ",".join(str(i) for i in params))
    for key in sorted(analyse.fetchers(an.returned)):
        if key in an.nodes:
            lines.append(f"R\t{key}\tfetch")
    for cls in sorted(classes, key=class_order):
        key = analyse.qualkey(cls)
        if key is None:
            continue
        mro = ",".join(analyse.qualkey(b) or "?" for b in cls.__mro__[1:-1])
        lines.append(f"C\t{key}\t{mro}")
    # Sorted by bytes: the policy binary-searches the embedded text, with no
    # parse at start-up.
    data = ("\n".join(sorted(set(lines), key=lambda s: s.encode())) + "\n").encode()
    out = os.path.join(here, "..", "..", "policy", "data", "knowledge.tsv")
    with open(out, "wb") as f:
        f.write(data)
    print(f"{len(lines)} lines, {len(data)} bytes", file=sys.stderr)


def class_order(cls):
    """Classes by key; of two classes with one key (xml.etree.ElementTree's
    Python Element and the C Element that replaces it), first the one the
    module's attribute names, which is what find_class returns: the first
    analysed under a key is the one recorded, so the order must not
    depend on the set's order."""
    key = analyse.qualkey(cls) or ""
    mod = sys.modules.get(getattr(cls, "__module__", None) or "")
    named = mod is not None and getattr(mod, getattr(cls, "__qualname__", ""), None) is cls
    return (key, not named)


def nxt_sink(nxt, hop):
    """The category at the end of the chain that starts at hop."""
    for _ in range(analyse.MAX_DEPTH + 2):
        if hop.startswith("!"):
            return hop[1:]
        hop = nxt.get(hop, "")
        if not hop:
            return ""
    return ""


def is_c_class(obj):
    """A class whose module is not Python source (a builtin or extension type)."""
    f = getattr(sys.modules.get(getattr(obj, "__module__", "")), "__file__", None) or ""
    return isinstance(obj, type) and not f.endswith(".py")


def reviewed_c(key, obj, c_sinks, c_calls, clean):
    if key in c_sinks or key in c_calls:
        return True
    mod = getattr(obj, "__module__", None) or key.rsplit(".", 1)[0]
    return any(mod == c or mod.startswith(c + ".") for c in clean)


if __name__ == "__main__":
    main()
    # The data is written: skip the interpreter's teardown of the thousands of
    # modules imported, which takes minutes of CPU with the larger libraries.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
