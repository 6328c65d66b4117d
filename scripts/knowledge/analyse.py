"""Capability analysis of Python library code, for scripts/knowledge/generate.py.

Every function is read with ast, never called. Names in its body are
resolved against the live module objects (the function's __globals__, the
imports inside its body, the class it is defined in), which is why the
generator imports the libraries: the objects are looked at, no function of
them is run (descriptors are read with inspect.getattr_static).

For one function the analysis records:
  - sinks: calls of names in the sink table (reviewed.txt, and the Python
    names of SINKS below), and open() whose mode is not a literal read mode;
  - callees: every callable it calls that resolves to a Python function, a
    class (its __new__ and __init__), or a C callable;
  - params: the positional parameters it calls, or calls a method on.
The chain to a sink is then the shortest path in the call graph (bounded
by MAX_DEPTH), computed once for every node by a breadth-first search
backwards from the sinks.
"""
import ast
import builtins
import collections
import inspect
import linecache
import os
import sysconfig
import textwrap
import types

import textflow

MAX_DEPTH = 10

# Python-level sinks: the category of each. C-level ones come from
# reviewed.txt; these are Python functions whose body calls C through
# paths the analysis does not follow (or that are sinks by their nature).
SINKS = {
    "importlib.import_module": "import",
    "importlib.__import__": "import",
    "importlib.reload": "import",
    "importlib.util.spec_from_file_location": "import",
    "importlib._bootstrap._gcd_import": "import",
    "importlib._bootstrap._find_and_load": "import",
    "importlib._bootstrap_external.SourceFileLoader.exec_module": "exec",
    "pkgutil.resolve_name": "import",
    "pydoc.locate": "import",
    "os.system": "process",
    "os.popen": "process",
    "os.execl": "process", "os.execle": "process", "os.execlp": "process", "os.execlpe": "process",
    "os.execvp": "process", "os.execvpe": "process", "os.spawnl": "process", "os.spawnle": "process",
    "os.spawnv": "process", "os.spawnve": "process", "os.spawnvp": "process", "os.spawnvpe": "process",
    "os.spawnlp": "process", "os.spawnlpe": "process", "os.makedirs": "file", "os.removedirs": "file",
    "os.renames": "file",
    "subprocess.Popen.__init__": "process",
    "subprocess.run": "process", "subprocess.call": "process", "subprocess.check_call": "process",
    "subprocess.check_output": "process", "subprocess.getoutput": "process",
    "subprocess.getstatusoutput": "process",
    "pty.spawn": "process",
    "shutil.rmtree": "file", "shutil.move": "file", "shutil.copy": "file", "shutil.copy2": "file",
    "shutil.copyfile": "file", "shutil.copytree": "file",
    "socket.create_connection": "network", "socket.create_server": "network",
    "urllib.request.urlopen": "network", "urllib.request.urlretrieve": "network",
    "http.client.HTTPConnection.connect": "network",
    "ctypes.CDLL.__init__": "native", "ctypes.LibraryLoader.LoadLibrary": "native",
    "ctypes.util.find_library": "process",
    "pickle._loads": "deserialise", "pickle._load": "deserialise",
    "runpy.run_module": "exec", "runpy.run_path": "exec",
    "code.InteractiveInterpreter.runsource": "exec",
    "shelve.open": "deserialise",
}

Node = collections.namedtuple("Node", "key sink params callees flows argnames", defaults=((), ()))


def qualkey(obj):
    """module.qualname of a function, class or builtin, or None."""
    mod = getattr(obj, "__module__", None)
    qn = getattr(obj, "__qualname__", None)
    if isinstance(obj, types.BuiltinFunctionType) and mod is None:
        s = getattr(obj, "__self__", None)
        if isinstance(s, types.ModuleType):
            mod = s.__name__
        elif isinstance(s, type):
            mod = s.__module__  # a classmethod of a C type: ZoneInfo._unpickle
    if isinstance(obj, (types.MethodDescriptorType, types.WrapperDescriptorType, types.ClassMethodDescriptorType)):
        mod = getattr(getattr(obj, "__objclass__", None), "__module__", mod)
    if not isinstance(mod, str) or not isinstance(qn, str):
        return None
    return mod + "." + qn


def unwrap(obj):
    for _ in range(8):
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        elif isinstance(obj, types.MethodType):
            obj = obj.__func__
        elif isinstance(obj, property):
            obj = obj.fget
        elif isinstance(obj, types.FunctionType) and "__wrapped__" in obj.__dict__:
            obj = obj.__wrapped__
        else:
            break
    return obj


def static_attr(obj, name):
    try:
        return inspect.getattr_static(obj, name)
    except Exception:
        return None


class FileIndex:
    """Parsed source files, with every def indexed by its first line."""

    def __init__(self):
        self.files = {}

    def defs(self, path):
        if path in self.files:
            return self.files[path]
        idx = {}
        try:
            src = "".join(linecache.getlines(path))
            tree = ast.parse(src)
            for n in ast.walk(tree):
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    idx.setdefault(n.lineno, n)
                    for d in getattr(n, "decorator_list", []):
                        idx.setdefault(d.lineno, n)
        except Exception:
            idx = {}
        self.files[path] = idx
        return idx

    def node(self, fn):
        code = getattr(fn, "__code__", None)
        if code is None:
            return None
        path = code.co_filename
        if path.startswith("<frozen "):
            # a frozen standard module (os, _sitebuiltins, ...): its source
            # is still installed beside the others
            path = os.path.join(sysconfig.get_paths()["stdlib"], path[len("<frozen "):-1].replace(".", "/") + ".py")
        return self.defs(path).get(code.co_firstlineno)


class Analyser:
    def __init__(self, c_sinks, c_calls, import_sinks=None):
        self.files = FileIndex()
        # modules whose first import reaches a sink of its own (reviewed.txt
        # "importsink"): a function that imports one inside its body
        # reaches that sink when it runs
        self.import_sinks = import_sinks or {}
        self.nodes = {}  # key -> Node
        self.objs = {}  # key -> object
        self.c_sinks = c_sinks
        self.c_calls = c_calls
        self.work = []  # (object, class) still to analyse
        # key -> what the function returns straight from a call: "getattr"
        # for getattr(x, <computed name>), else the keys of the callees
        # (fetchers() follows them)
        self.returned = {}
        # key -> the parameters the function only makes an instance of
        # (instantiated): handed a class there, it runs the class's
        # __new__ and nothing else of it, neither __init__ nor __setstate__
        self.news = {}

    def drain(self):
        while self.work:
            obj, cls = self.work.pop()
            self.callable(obj, cls)

    # --- one function ---

    def function(self, fn, cls=None, key=None):
        fn = unwrap(fn)
        key = key or qualkey(fn)
        if key is None or key in self.nodes:
            return key
        self.objs[key] = fn
        sink = SINKS.get(key) or self.c_sinks.get(key)
        if not isinstance(fn, types.FunctionType):
            calls = self.c_calls.get(key, "")
            self.nodes[key] = Node(key, sink, calls, ())
            return key
        tree = self.files.node(fn)
        self.nodes[key] = Node(key, sink, "", ())  # cycles see a placeholder
        if tree is None:
            return key
        if cls is None:
            cls = owner(fn)
        body = Body(self, fn, tree, cls)
        try:
            body.run()
        except Exception:  # an object that refuses to be looked at: keep what was read
            pass
        self.nodes[key] = Node(key, sink or body.sink, ",".join(str(i) for i in sorted(body.params)), tuple(sorted(body.callees)),
                               tuple(body.flows), tuple(body.argnames))
        try:
            self.news[key] = instantiated(tree, body.param_index, body.selfname)
        except Exception:
            pass
        try:
            self.returned[key] = returned_calls(body, tree)
        except Exception:
            pass
        self.work.extend(body.pending)
        return key

    def klass(self, cls):
        """A class node: calling it runs __new__ and __init__ as resolved on its MRO."""
        key = qualkey(cls)
        if key is None or key in self.nodes:
            return key
        self.objs[key] = cls
        self.nodes[key] = Node(key, self.c_sinks.get(key), self.c_calls.get(key, ""), ())
        callees = []
        for meth in ("__new__", "__init__"):
            m = self.method(cls, meth)
            if m:
                callees.append(self.specialised(cls, meth) or m)
        if self.c_sinks.get(key) is None:
            # calling the class hands its arguments to __new__ and
            # __init__ after the class or instance (textflow.py)
            flows = tuple((m, "cls", None) for m in callees)
            self.nodes[key] = Node(key, None, self.c_calls.get(key, ""), tuple(callees), flows)
        return key

    def specialised(self, cls, name):
        """An inherited __new__ or __init__ that calls methods on its
        class or instance (ImmutableRepMatrix.__new__ returns
        cls._new(*args)) runs the methods of the class being built, not
        of the class that defines it: it is analysed once more for cls,
        under cls's own key (cls.__new__), with cls.X resolved on cls."""
        for base in cls.__mro__[1:-1] if name not in cls.__dict__ else ():
            if name not in base.__dict__:
                continue
            fn = unwrap(base.__dict__[name])
            if not isinstance(fn, types.FunctionType):
                return None
            tree = self.files.node(fn)
            if tree is None or not calls_on_receiver(tree):
                return None
            key = (qualkey(cls) or "?") + "." + name
            if key in self.nodes:
                return key
            self.objs[key] = fn
            return self.function(fn, cls, key)
        return None

    def method(self, cls, name):
        """The key of cls.name resolved on the MRO, analysed; None for object's."""
        for base in getattr(cls, "__mro__", ())[:-1] if isinstance(cls, type) else ():
            if name in base.__dict__:
                obj = unwrap(base.__dict__[name])
                if isinstance(obj, types.FunctionType):
                    return self.function(obj, base)
                k = qualkey(obj)
                if k is None:
                    return None
                if base.__module__ == "builtins" and name in ("__new__", "__init__") and k not in self.c_sinks:
                    return None
                self.function(obj)
                return k
        return None

    def callable(self, obj, cls=None):
        obj = unwrap(obj)
        if isinstance(obj, type):
            return self.klass(obj)
        if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.BuiltinMethodType,
                            types.MethodDescriptorType, types.WrapperDescriptorType, types.ClassMethodDescriptorType)):
            return self.function(obj, cls)
        return None

    # --- the whole graph ---

    def chains(self, gated=()):
        """For every node, the next hop towards the nearest sink ("!" +
        category at a sink). The reviewed text-only evaluators (gated)
        are sinks of their own, "!text", reached only by nodes with no
        other sink within reach: what lies behind them (sympify's
        parse_expr and eval) does not flow back through them."""
        rev = collections.defaultdict(list)
        for k, n in self.nodes.items():
            if k in gated:
                continue
            for c in n.callees:
                rev[c].append(k)
        nxt, dist = {}, {}
        seeds = [(k, n.sink) for k, n in sorted(self.nodes.items()) if n.sink and k not in gated]
        self.bfs(rev, nxt, dist, seeds)
        self.bfs(rev, nxt, dist, [(k, "text") for k in sorted(gated) if k in self.nodes and k not in nxt])
        return nxt

    @staticmethod
    def bfs(rev, nxt, dist, seeds):
        q = collections.deque()
        for k, sink in seeds:
            nxt[k], dist[k] = "!" + sink, 0
            q.append(k)
        while q:
            k = q.popleft()
            if dist[k] >= MAX_DEPTH:
                continue
            for caller in sorted(rev[k]):
                if caller not in dist:
                    dist[caller], nxt[caller] = dist[k] + 1, k
                    q.append(caller)
        return nxt


# Names whose call hands a function's locals, parameters among them, to
# code the analysis does not follow.
INTROSPECTION = {"locals", "vars", "globals", "eval", "exec", "compile"}


def instantiated(tree, param_index, selfname):
    """The parameters a function touches only to make an instance of them
    and return it: every use of the name is `return cls.__new__(cls, ...)`
    (copyreg.__newobj__, traits' own __newobj__). The instance is returned
    untouched, so nothing of the class but __new__ runs in the function;
    whatever the caller does with the instance (BUILD) is the caller's."""
    if getattr(tree, "decorator_list", None):
        return ()  # the wrapper, not this body, is what runs
    allowed = set()
    made = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in INTROSPECTION:
            return ()
    for n in own_nodes(tree):
        if not isinstance(n, ast.Return) or not isinstance(n.value, ast.Call):
            continue
        call = n.value
        if not isinstance(call.func, ast.Attribute) or call.func.attr != "__new__":
            continue
        # cls.__new__(cls, ...): the class's own __new__ (another class's
        # __new__ handed this one could do anything with it)
        x, first = call.func.value, call.args[0] if call.args else None
        if isinstance(x, ast.Name) and isinstance(first, ast.Name) and x.id == first.id:
            allowed.update((id(x), id(first)))
            made.add(x.id)
    out = []
    for name, i in param_index.items():
        if name == selfname or name not in made:
            continue
        uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
        if all(isinstance(u.ctx, ast.Load) and id(u) in allowed for u in uses):
            out.append(i)
    return tuple(out)


def returned_calls(body, tree):
    """What a function body returns straight from a call: "getattr" when it
    returns getattr(x, name) with a name that is not a literal, and the
    node keys of the other callees whose result it returns as it is."""
    out = set()
    for n in own_nodes(tree):
        if not isinstance(n, ast.Return) or not isinstance(n.value, ast.Call):
            continue
        call = n.value
        obj = body.resolve(call.func)
        if obj is builtins.getattr:
            if len(call.args) >= 2 and not isinstance(call.args[1], ast.Constant):
                out.add("getattr")
            continue
        if obj is not None:
            key = Body.callee_key(obj)
            if key:
                out.add(key)
    return frozenset(out)


def fetchers(returned):
    """The callables that return what they fetch by a computed name:
    getattr(x, name) itself, or the result of another such callable
    (astropy's getattr_recursive, nltk's getattr_). Safe to call, they
    return whatever the name reaches, os.system as well; a pickle that
    calls one and keeps the result may call that result (a BUILD state's
    __setstate__, a partial's function)."""
    out = {k for k, r in returned.items() if "getattr" in r}
    while True:
        more = {k for k, r in returned.items() if k not in out and r & out}
        if not more:
            return out
        out |= more


def own_nodes(tree):
    """The nodes of a function's own body, not of the functions and
    lambdas nested in it (their return statements return elsewhere)."""
    todo = list(ast.iter_child_nodes(tree))
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))


def calls_on_receiver(tree):
    """Whether a method body calls a method of its first parameter."""
    args = tree.args.posonlyargs + tree.args.args
    if not args:
        return False
    first = args[0].arg
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) \
                and n.func.value.id == first:
            return True
    return False


def owner(fn):
    """The class a function is defined in, from its qualname and globals."""
    parts = fn.__qualname__.split(".")
    if len(parts) < 2 or "<locals>" in parts:
        return None
    obj = fn.__globals__.get(parts[0])
    for p in parts[1:-1]:
        obj = static_attr(obj, p)
    return obj if isinstance(obj, type) else None


class Body(ast.NodeVisitor):
    """The calls of one function body."""

    def __init__(self, an, fn, tree, cls):
        self.an, self.fn, self.tree, self.cls = an, fn, tree, cls
        self.sink = None
        self.params = set()
        self.callees = set()
        self.pending = []
        self.local = {}
        args = tree.args
        names = [a.arg for a in args.posonlyargs + args.args]
        self.param_index = {n: i for i, n in enumerate(names)}
        self.selfname = names[0] if names and cls is not None else None
        # text flow (textflow.py): which parameters flow where
        self.argnames = names
        self.flows = []
        self.taint = textflow.Taint(self)

    def import_sink(self, name):
        for m, cat in self.an.import_sinks.items():
            if name == m or name.startswith(m + "."):
                self.sink = self.sink or cat

    def run(self):
        for stmt in ast.walk(self.tree):
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    self.import_sink(a.name)
                    mod = self.module(a.name)
                    if mod is not None:
                        self.local[a.asname or a.name.split(".")[0]] = mod if a.asname else self.module(a.name.split(".")[0])
            elif isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.level == 0:
                self.import_sink(stmt.module)
                mod = self.module(stmt.module)
                for a in stmt.names:
                    if mod is not None and a.name != "*":
                        obj = static_attr(mod, a.name)
                        self.local[a.asname or a.name] = obj if obj is not None else self.module(stmt.module + "." + a.name)
        self.taint.propagate()
        body = self.tree.body if isinstance(self.tree.body, list) else [self.tree.body]
        for stmt in body:
            self.visit(stmt)

    @staticmethod
    def module(name):
        import sys
        return sys.modules.get(name)

    def resolve(self, expr):
        """The live object an expression names, when it is a dotted global."""
        if isinstance(expr, ast.Name):
            if expr.id in self.local:
                return self.local[expr.id]
            if expr.id in self.param_index:
                return None
            g = self.fn.__globals__
            if expr.id in g:
                return g[expr.id]
            return getattr(builtins, expr.id, None)
        if isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Name) and expr.value.id == self.selfname and self.cls is not None:
                return static_attr(self.cls, expr.attr)
            if isinstance(expr.value, ast.Call) and isinstance(expr.value.func, ast.Name) and expr.value.func.id == "super" and self.cls is not None:
                for base in self.cls.__mro__[1:]:
                    if expr.attr in base.__dict__:
                        return base.__dict__[expr.attr]
                return None
            base = self.resolve(expr.value)
            if base is None or not isinstance(base, (types.ModuleType, type)):
                return None
            return static_attr(base, expr.attr)
        return None

    @staticmethod
    def callee_key(obj):
        """The node key of a callee the call graph follows, or None."""
        obj = unwrap(obj)
        if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodDescriptorType,
                            types.WrapperDescriptorType)):
            return qualkey(obj)
        return None

    def visit_Call(self, node):
        f = node.func
        if isinstance(f, ast.Name) and f.id in self.param_index and f.id != self.selfname:
            self.params.add(self.param_index[f.id])
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in self.param_index and f.value.id != self.selfname:
            self.params.add(self.param_index[f.value.id])
        obj = self.resolve(f)
        if obj is not None:
            self.taint.call(node, obj, unwrap(obj))
            obj = unwrap(obj)
            self.handed(node, obj)
            if obj is builtins.open or obj is getattr(__import__("io"), "open"):
                if not read_mode(node):
                    self.sink = self.sink or "file"
            elif obj is builtins.getattr:
                pass  # a read; what it fetches is called only through a call above
            elif is_callable_instance(obj):
                # a callable object (pydoc.help): its class's __call__ runs
                call = unwrap(static_attr(type(obj), "__call__"))
                if isinstance(call, types.FunctionType) and qualkey(call):
                    self.callees.add(qualkey(call))
                    self.pending.append((call, None))
            else:
                key = qualkey(obj) if not isinstance(obj, types.ModuleType) else None
                if key is not None and isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType,
                                                        types.MethodDescriptorType, types.WrapperDescriptorType)):
                    self.callees.add(key)
                    self.pending.append((obj, None))
        self.generic_visit(node)

    def handed(self, node, obj):
        """Functions handed to a C callable that calls its arguments (the
        reviewed `calls` table: map(sympify, args), sorted(xs, key=f)) are
        called by this body: they join its callees."""
        key = qualkey(obj) if not isinstance(obj, types.ModuleType) else None
        spec = self.an.c_calls.get(key, "") if key else ""
        if not spec:
            return
        if spec == "*":
            args = list(node.args) + [kw.value for kw in node.keywords]
        else:
            wanted = {int(i) for i in spec.split(",")}
            args = [a for i, a in enumerate(node.args) if i in wanted]
        for a in args:
            target = self.resolve(a)
            if target is None:
                continue
            target = unwrap(target)
            tk = qualkey(target) if not isinstance(target, types.ModuleType) else None
            if tk and isinstance(target, (type, types.FunctionType, types.BuiltinFunctionType,
                                          types.MethodDescriptorType, types.WrapperDescriptorType)):
                self.callees.add(tk)
                self.pending.append((target, None))

    def visit_FunctionDef(self, node):
        if node is self.tree:
            self.generic_visit(node)
        # nested defs are analysed when called, as closures: their calls count here
        else:
            self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def read_mode(call):
    """open(...) with a literal mode that only reads."""
    mode = None
    if len(call.args) >= 2:
        mode = call.args[1]
    for kw in call.keywords:
        if kw.arg == "mode":
            mode = kw.value
    if mode is None:
        return len(call.args) >= 1 and not any(kw.arg is None for kw in call.keywords) and not any(isinstance(a, ast.Starred) for a in call.args)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and not set(mode.value) & set("wax+")


def is_callable_instance(obj):
    """An object, not a class, function or module, whose class defines __call__."""
    if isinstance(obj, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                        types.MethodDescriptorType, types.WrapperDescriptorType)):
        return False
    try:
        return "__call__" in dir(type(obj))
    except Exception:
        return False
