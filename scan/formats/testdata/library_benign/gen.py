"""Writes the benign red-team fixtures: real files from real libraries that
the policy must not flag above medium.

Run with the interpreter that has torch 1.13, numpy 1.24, scikit-learn 1.2,
scipy 1.10 and pandas 1.5 (see README.md):

    /usr/bin/python3 scan/formats/testdata/library_benign/gen.py

Every file is written by the library's own save function; nothing is loaded
except what this script has just written itself.
"""
import io
import os
import pickle
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.optim.lr_scheduler as L

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benign")
warnings.filterwarnings("ignore")
torch.manual_seed(0)


def save_torch(name, obj):
    # torch.save writes a zip whose member archive/data.pkl is the pickle;
    # a fixed member prefix keeps the files reproducible.
    buf = io.BytesIO()
    torch.save(obj, buf)
    with open(os.path.join(OUT, name + ".pt"), "wb") as f:
        f.write(buf.getvalue())


def save_pickle(name, obj, protocol=pickle.DEFAULT_PROTOCOL):
    with open(os.path.join(OUT, name + ".pkl"), "wb") as f:
        pickle.dump(obj, f, protocol=protocol)


def model():
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def schedulers(opt):
    """Every scheduler of torch.optim.lr_scheduler that builds from an
    optimizer and plain arguments."""
    yield "lambdalr", L.LambdaLR(opt, lambda e: 0.9 ** e)
    yield "multiplicativelr", L.MultiplicativeLR(opt, lambda e: 0.95)
    yield "steplr", L.StepLR(opt, step_size=2)
    yield "multisteplr", L.MultiStepLR(opt, milestones=[1, 3])
    yield "constantlr", L.ConstantLR(opt)
    yield "linearlr", L.LinearLR(opt)
    yield "exponentiallr", L.ExponentialLR(opt, gamma=0.9)
    yield "polynomiallr", L.PolynomialLR(opt)
    yield "cosineannealinglr", L.CosineAnnealingLR(opt, T_max=4)
    yield "cosineannealingwarmrestarts", L.CosineAnnealingWarmRestarts(opt, T_0=2)
    yield "reducelronplateau", L.ReduceLROnPlateau(opt)
    # CyclicLR is left out: torch 1.13 cannot pickle its state (a WeakMethod).
    yield "onecyclelr", L.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    yield "onecyclelr_linear", L.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="linear")
    a, b = L.StepLR(opt, step_size=2), L.ExponentialLR(opt, gamma=0.9)
    yield "sequentiallr", L.SequentialLR(opt, [a, b], milestones=[2])
    yield "chainedscheduler", L.ChainedScheduler([L.StepLR(opt, step_size=2), L.ExponentialLR(opt, gamma=0.9)])


def checkpoints():
    for opt_name, make in [("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                           ("adam", lambda p: torch.optim.Adam(p, lr=0.1))]:
        for name, _ in schedulers(make(model().parameters())):
            m = model()
            opt = make(m.parameters())
            sched = dict(schedulers(opt))[name]
            loss = m(torch.randn(2, 4)).sum()
            loss.backward()
            opt.step()
            if name == "reducelronplateau":
                sched.step(1.0)
            else:
                sched.step()
            try:
                save_torch("ckpt_%s_%s" % (opt_name, name), {
                    "model": m.state_dict(), "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(), "epoch": 1})
            except Exception as e:  # a scheduler whose state cannot be pickled
                print("skip", name, e)


def torch_objects():
    save_torch("whole_sequential", model())
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16), num_layers=1)
    save_torch("whole_transformer_encoder", enc)
    save_torch("whole_layers", nn.ModuleList([nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.LSTM(4, 4),
                                              nn.Embedding(5, 3), nn.LayerNorm(4), nn.Dropout(0.1), nn.GELU()]))
    save_torch("tensor_kinds", {
        "quantized": torch.quantize_per_tensor(torch.randn(4), 0.1, 0, torch.qint8),
        "sparse": torch.randn(3, 3).to_sparse(),
        "complex": torch.randn(2, dtype=torch.complex64),
        "bfloat16": torch.randn(2, dtype=torch.bfloat16),
        "half": torch.randn(2).half(),
        "bool": torch.tensor([True, False]),
        "param": nn.Parameter(torch.randn(2)),
        "size": torch.Size([2, 3]),
        "dtype": torch.float32,
        "device": torch.device("cpu"),
        "layout": torch.strided,
    })
    save_pickle("torch_tensor_pickled", torch.randn(3), protocol=2)


def sklearn_objects():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    X = np.random.RandomState(0).randn(20, 3)
    y = (X[:, 0] > 0).astype(int)
    save_pickle("sklearn_pipeline", Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression())]).fit(X, y))
    save_pickle("sklearn_forest", RandomForestClassifier(n_estimators=2, max_depth=2, random_state=0).fit(X, y))


def scipy_pandas_numpy():
    import pandas as pd
    import scipy.sparse
    from scipy.interpolate import interp1d
    x = np.arange(5.0)
    save_pickle("scipy_interp1d", {"linear": interp1d(x, x ** 2), "cubic": interp1d(x, x ** 2, kind="cubic")})
    save_pickle("scipy_sparse", scipy.sparse.csr_matrix(np.eye(3)))
    save_pickle("pandas_frame", pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "t": pd.to_datetime(["2020-01-01", "2020-01-02"])}))
    save_pickle("numpy_random", {"generator": np.random.default_rng(0), "randomstate": np.random.RandomState(0),
                                 "array": np.arange(3), "datetime": np.datetime64("2020-01-01")})


def scipy_distributions():
    # Discrete distributions keep bound methods (builtins.getattr of the
    # instance); every distribution's state carries the _parse_arg_template
    # that rv_generic.__setstate__ runs with exec.
    import scipy.stats as st
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.model_selection import RandomizedSearchCV
    X = np.random.RandomState(0).randn(20, 3)
    y = X[:, 0] * 2.0
    save_pickle("scipy_distributions", {
        "randint": st.randint(2, 5), "poisson": st.poisson, "binom": st.binom(5, 0.5), "norm": st.norm(0, 1),
        "gamma": st.gamma, "ncf": st.ncf(2, 3, 1), "histogram": st.rv_histogram(np.histogram([1, 2, 2, 3], bins=3)),
    }, protocol=2)
    search = RandomizedSearchCV(RandomForestRegressor(random_state=0), {"n_estimators": st.randint(2, 4)},
                                n_iter=1, cv=2, random_state=0)
    save_pickle("sklearn_random_search", search.fit(X, y), protocol=4)


def stdlib_values():
    import collections
    import datetime
    import decimal
    import fractions
    import re
    save_pickle("stdlib_values", {
        "regex": re.compile(r"^a+b?$", re.I), "range": range(3), "slice": slice(1, 5, 2),
        "decimal": decimal.Decimal("1.5"), "fraction": fractions.Fraction(1, 3),
        "date": datetime.datetime(2020, 1, 2, 3, 4, 5), "delta": datetime.timedelta(days=1),
        "counter": collections.Counter("aab"), "deque": collections.deque([1, 2]),
        "set": {1, 2}, "frozenset": frozenset({3}), "complex": 1 + 2j, "bytes": b"x", "bytearray": bytearray(b"y"),
    }, protocol=4)


def enum_members():
    # Python 3.11 and later pickle an enum member as
    # builtins.getattr(EnumClass, 'NAME'); Hugging Face's training_args.bin
    # holds several (IntervalStrategy, SchedulerType, ...).
    import plistlib
    import re
    from torch.ao.quantization.quant_type import QuantType
    save_torch("enum_members", {"quant": QuantType.STATIC, "flag": re.RegexFlag.IGNORECASE,
                                "flags": re.I | re.M, "format": plistlib.PlistFormat.FMT_XML})
    save_pickle("enum_members_p2", [QuantType.DYNAMIC, re.RegexFlag.MULTILINE, re.S | re.X], protocol=2)


def sympy_objects():
    # sympy expressions: every constructor sympifies its arguments, which
    # evaluates text and nothing else (policy/textgate.go).
    import sympy as sp
    x, y = sp.symbols("x y", real=True)
    save_pickle("sympy_expressions", {
        "poly": sp.sin(x) ** 2 + sp.Rational(3, 4) * x * y + 5 + sp.Float("1.5") * y,
        "matrix": sp.Matrix([[1, x], [y, 2]]), "immutable": sp.ImmutableMatrix([[1, x], [y, sp.Rational(1, 3)]]),
        "piecewise": sp.Piecewise((x, x > 0), (-x, True)), "poly_object": sp.Poly(x ** 2 + 2 * x + 1, x),
        "lambda": sp.Lambda(x, x ** 2), "integral": sp.Integral(sp.exp(-x ** 2), (x, 0, sp.oo)),
        "relation": sp.Eq(x, y + 1), "sets": [sp.Interval(0, 1), sp.FiniteSet(1, 2, x)],
        "constants": sp.pi * x + sp.E + sp.I, "containers": [sp.Dict({x: 1}), sp.Tuple(x, 1)],
        "functions": sp.sqrt(x) + sp.log(y) + sp.Abs(x) + sp.Max(x, y),
    }, protocol=4)
    # protocol 2 makes a Symbol (keyword assumptions) through
    # functools.partial(getattr(Symbol, '__new__'), Symbol, 'x', **assumptions)
    save_pickle("sympy_expression_p2", sp.cos(x) * sp.exp(y) - sp.Rational(1, 7) + sp.Float("1.25") * x, protocol=2)


def traits_objects():
    # traits' CTrait objects of every kind of trait, as traits pickles
    # them: cTrait.__setstate__ indexes C tables with items of the state,
    # which the policy checks against their bounds (policy/stateindex.go).
    # Protocol 0 makes them with traits' own __newobj__, protocol 2 and
    # later with NEWOBJ.
    import traits.api as t
    kinds = dict(
        int=t.Int(), float=t.Float(5.3), str=t.Str("x"), bool=t.Bool(), range=t.Range(0, 10),
        float_range=t.Range(0.0, 1.0), enum=t.Enum("a", "b"), list=t.List(t.Int), dict=t.Dict(t.Str, t.Int),
        set=t.Set(t.Int), tuple=t.Tuple(t.Int, t.Str), instance=t.Instance(t.HasTraits), any=t.Any(),
        callable=t.Callable(), either=t.Either(t.Int, t.Str), union=t.Union(t.Int, t.Str), constant=t.Constant(3),
        event=t.Event(), button=t.Button(), array=t.Array(), type=t.Type(), map=t.Map({"a": 1}),
        prefix_map=t.PrefixMap({"yes": 1, "no": 0}, default_value="yes"), prefix_list=t.PrefixList(["one", "two"]),
        date=t.Date(), time=t.Time(), uuid=t.UUID(), complex=t.Complex(), bytes=t.Bytes(), file=t.File(),
        directory=t.Directory(), datetime=t.Datetime(), title=t.Title(),
    )
    ctraits = {name: tr.as_ctrait() for name, tr in kinds.items()}
    for protocol in (0, 2, 5):
        save_pickle(f"traits_ctraits_p{protocol}", ctraits, protocol=protocol)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    checkpoints()
    torch_objects()
    sklearn_objects()
    scipy_pandas_numpy()
    scipy_distributions()
    stdlib_values()
    enum_members()
    sympy_objects()
    traits_objects()
