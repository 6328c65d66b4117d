"""benign generates candidates built only by real library calls and saved
by the libraries' own functions: what a scanner must let through.

Each builder draws its parameters from the run's random generator, builds
a real object (an estimator, a module, an optimizer, a data frame, a value
of the standard library) and saves it the way that library's users do.
The id names the builder and how it was saved, not the parameters.
"""

import array
import collections
import datetime
import decimal
import fractions
import functools
import io
import os
import pickle
import random
import tempfile
import zoneinfo

import joblib
import numpy as np
import pandas as pd
import sklearn.cluster
import sklearn.decomposition
import sklearn.ensemble
import sklearn.feature_extraction.text
import sklearn.linear_model
import sklearn.naive_bayes
import sklearn.pipeline
import sklearn.preprocessing
import sklearn.tree
import sympy
import torch


def data(rng, n=24, d=4):
    x = np.array([[rng.random() for _ in range(d)] for _ in range(n)])
    y = np.array([i % 2 for i in range(n)])
    return x, y


def estimator(rng):
    x, y = data(rng)
    kinds = {
        "logistic": lambda: sklearn.linear_model.LogisticRegression(C=rng.choice([0.1, 1.0])).fit(x, y),
        "pipeline": lambda: sklearn.pipeline.make_pipeline(sklearn.preprocessing.StandardScaler(), sklearn.linear_model.LogisticRegression()).fit(x, y),
        "forest": lambda: sklearn.ensemble.RandomForestClassifier(n_estimators=rng.choice([2, 3]), random_state=0).fit(x, y),
        "tree": lambda: sklearn.tree.DecisionTreeClassifier(max_depth=rng.choice([2, 3])).fit(x, y),
        "kmeans": lambda: sklearn.cluster.KMeans(n_clusters=2, n_init=2, random_state=0).fit(x),
        "pca": lambda: sklearn.decomposition.PCA(n_components=2).fit(x),
        "naive_bayes": lambda: sklearn.naive_bayes.GaussianNB().fit(x, y),
        "tfidf": lambda: sklearn.feature_extraction.text.TfidfVectorizer().fit(["a model file", "a scanner reads", "files"]),
        "gradient_boosting": lambda: sklearn.ensemble.GradientBoostingClassifier(n_estimators=2).fit(x, y),
    }
    name = rng.choice(sorted(kinds))
    return "sklearn." + name, kinds[name]()


def torch_object(rng):
    torch.manual_seed(rng.randrange(1000))
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    opt = torch.optim.Adam(model.parameters()) if rng.random() < 0.5 else torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 4)).sum().backward()
    opt.step()
    kinds = {
        "state_dict": lambda: model.state_dict(),
        "module": lambda: model,
        "optimizer": lambda: opt.state_dict(),
        "scheduler": lambda: torch.optim.lr_scheduler.StepLR(opt, step_size=3).state_dict(),
        "checkpoint": lambda: {"epoch": rng.randrange(10), "model": model.state_dict(), "optimizer": opt.state_dict(), "loss": 0.25},
        "tensors": lambda: {str(dt): torch.zeros(2, dtype=dt) for dt in (torch.float16, torch.int64, torch.bool, torch.bfloat16)},
        "parameter": lambda: torch.nn.Parameter(torch.ones(3)),
    }
    name = rng.choice(sorted(kinds))
    return "torch." + name, kinds[name]()


def stdlib_value(rng):
    kinds = {
        "containers": lambda: {"a": [1, 2.5, "x"], "b": (None, True), "c": {1, 2}, "d": frozenset("ab"), "e": b"\x00\x01", "f": bytearray(b"z")},
        "collections": lambda: [collections.OrderedDict(a=1), collections.Counter("aab"), collections.deque([1, 2]), collections.defaultdict(list)],
        "numbers": lambda: [decimal.Decimal("1.5"), fractions.Fraction(1, 3), complex(1, 2), 2 ** 80],
        "time": lambda: [datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc), datetime.date(2020, 1, 2), datetime.timedelta(3), zoneinfo.ZoneInfo("UTC")],
        "random_state": lambda: random.Random(rng.randrange(100)),
        "array": lambda: array.array("d", [1.0, 2.0]),
        "partial_numpy": lambda: functools.partial(np.add, 1),
        "slices_ranges": lambda: [slice(1, 5, 2), range(3)],
        "numpy_values": lambda: {"a": np.arange(6).reshape(2, 3), "f": np.float32(1.5), "dt": np.dtype("int16")},
        "sympy_expr": lambda: sympy.Symbol("x") ** 2 + 3 * sympy.Symbol("y"),
        "sympy_objects": lambda: sympy_object(rng),
        "traits": lambda: traits_object(rng),
        "dataframe": lambda: pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}),
    }
    name = rng.choice(sorted(kinds))
    return "stdlib." + name, kinds[name]()


def sympy_object(rng):
    """A sympy object of one of the kinds real files hold: every sympy
    constructor sympifies what it is handed (docs/knowledge.md, text gates)."""
    x, y = sympy.symbols("x y", real=rng.random() < 0.5)
    kinds = [
        lambda: sympy.sin(x) ** 2 + sympy.Rational(3, 4) * x * y + sympy.Float("1.25") * y,
        lambda: sympy.Matrix([[1, x], [y, sympy.Rational(1, 3)]]),
        lambda: sympy.ImmutableMatrix([[x, 2], [3, y]]),
        lambda: sympy.Piecewise((x, x > 0), (-x, True)),
        lambda: sympy.Poly(x ** 2 + 2 * x + 1, x),
        lambda: sympy.Lambda(x, x ** 2 + 1),
        lambda: sympy.Integral(sympy.exp(-x ** 2), (x, 0, sympy.oo)),
        lambda: sympy.Eq(x, y + 1),
        lambda: [sympy.Interval(0, 1), sympy.FiniteSet(1, 2, x)],
        lambda: sympy.pi * x + sympy.E + sympy.I,
        lambda: [sympy.Dict({x: 1}), sympy.Tuple(x, 1)],
        lambda: sympy.sqrt(x) + sympy.log(y) + sympy.Abs(x) + sympy.Max(x, y),
    ]
    return rng.choice(kinds)()


def traits_object(rng):
    """traits' CTrait objects of a few kinds, as traits pickles them: their
    C __setstate__ indexes handler tables with items of the state, which
    the scanner checks against the tables' bounds (docs/knowledge.md,
    state-index gates)."""
    import traits.api as t
    kinds = [t.Int(), t.Float(rng.random()), t.Str("x"), t.Bool(), t.Range(0, 10), t.Enum("a", "b"), t.List(t.Int),
             t.Dict(t.Str, t.Int), t.Tuple(t.Int, t.Str), t.Instance(t.HasTraits), t.Any(), t.Callable(),
             t.Either(t.Int, t.Str), t.Union(t.Int, t.Str), t.Constant(3), t.Event(), t.Map({"a": 1}), t.Complex()]
    return [rng.choice(kinds).as_ctrait() for _ in range(rng.choice([1, 3]))]


def save(rng, obj, family):
    """save writes obj with a saving function that fits it; returns (how, ext, bytes)."""
    ways = ["pickle", "joblib", "joblib.compress"]
    if family.startswith("torch"):
        ways = ["torch.save", "torch.save.legacy", "torch.save", "pickle" if family != "torch.module" else "torch.save"]
    elif family == "stdlib.dataframe":
        ways = ["pandas.to_pickle", "pandas.to_pickle.gz", "pickle"]
    elif family == "stdlib.numpy_values":
        ways = ["pickle", "numpy.save.object"]
    how = rng.choice(ways)
    if how == "numpy.save.object":
        buf = io.BytesIO()
        np.save(buf, np.array([obj, None], dtype=object), allow_pickle=True)
        return how, ".npy", buf.getvalue()
    if how == "pickle":
        proto = rng.choice([0, 1, 2, 3, 4, 5] if family == "stdlib.traits" else [2, 3, 4, 5])
        return how + ".p%d" % proto, ".pkl", pickle.dumps(obj, protocol=proto)
    with tempfile.TemporaryDirectory() as d:
        ext = {"torch.save": ".pt", "torch.save.legacy": ".pt", "joblib": ".joblib",
               "joblib.compress": ".joblib", "pandas.to_pickle": ".pkl", "pandas.to_pickle.gz": ".pkl.gz"}[how]
        path = os.path.join(d, "model" + ext)
        if how == "torch.save":
            torch.save(obj, path)
        elif how == "torch.save.legacy":
            torch.save(obj, path, _use_new_zipfile_serialization=False)
        elif how == "joblib":
            joblib.dump(obj, path)
        elif how == "joblib.compress":
            joblib.dump(obj, path, compress=rng.choice([1, 3, 9]))
        else:
            obj.to_pickle(path)
        with open(path, "rb") as f:
            return how, ext, f.read()


def scripted(rng):
    """scripted saves a TorchScript module with torch.jit.save."""
    m = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh()))
    buf = io.BytesIO()
    torch.jit.save(m, buf)
    return "torch.jit.script", "torch.jit.save", ".pt", buf.getvalue()


def candidate(rng):
    """candidate draws one benign file."""
    pick = rng.random()
    if pick < 0.05:
        family, how, ext, blob = scripted(rng)
    else:
        family, obj = (estimator if pick < 0.4 else torch_object if pick < 0.7 else stdlib_value)(rng)
        how, ext, blob = save(rng, obj, family)
    cid = "benign.%s.%s" % (family, how)
    return {"id": cid, "kind": "benign", "ext": ext, "data": blob, "desc": "%s saved by %s" % (family, how)}


def reals():
    """reals returns the real files attacks are mutated from, each written by its library."""
    torch.manual_seed(0)
    m = torch.nn.Linear(3, 2)
    out = {"pickle": pickle.dumps({"weights": [0.5, 1.5], "name": "linear"}, protocol=2)}
    buf = io.BytesIO()
    torch.save(m.state_dict(), buf)
    out["torch"] = buf.getvalue()
    buf = io.BytesIO()
    torch.save(m.state_dict(), buf, _use_new_zipfile_serialization=False)
    out["torch-legacy"] = buf.getvalue()
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}, "x"], dtype=object), allow_pickle=True)
    out["npy-object"] = buf.getvalue()
    buf = io.BytesIO()
    pd.DataFrame({"a": [1, 2]}).to_pickle(buf)
    out["pandas"] = buf.getvalue()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.joblib")
        joblib.dump({"coef": np.arange(4.0), "bias": np.zeros(2)}, path)
        with open(path, "rb") as f:
            out["joblib-arrays"] = f.read()
    return out
