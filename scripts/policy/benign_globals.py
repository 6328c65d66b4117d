#!/usr/bin/python3
"""Record the globals that benign model files import.

Builds many ordinary objects (torch state dicts, whole nn.Modules, optimizer
and scheduler states, fitted scikit-learn estimators, pandas frames, scipy
sparse matrices, numpy arrays), pickles each one with several protocols, and
reads the pickle back with an Unpickler whose find_class records every
(module, name) it resolves. These are our own benign objects, so loading them
here is fine; this script never loads a file it did not just write.

Output: one "module name" per line, sorted, on stdout (committed as
policy/data/benign_globals.txt). With --classes it prints instead the
classes defined in the library modules those files import (committed as
policy/data/safe_classes.txt after review): a whole estimator or layer
module's classes, so that the allowlist does not hinge on which
hyperparameters the samples above happened to use.

Run with: /usr/bin/python3 benign_globals.py [--classes]
"""
import io
import pickle
import sys
import warnings

warnings.filterwarnings("ignore")

SEEN = set()


class Recorder(pickle.Unpickler):
    def find_class(self, module, name):
        SEEN.add((module, name))
        return super().find_class(module, name)

    def persistent_load(self, pid):  # torch storages written by our own pickler below
        return None


def record(obj, protocols=(2, 4, 5)):
    for proto in protocols:
        try:
            data = pickle.dumps(obj, protocol=proto)
        except Exception as e:  # some objects refuse a protocol; say so and go on
            print(f"# skip {type(obj).__name__} protocol {proto}: {e}", file=sys.stderr)
            continue
        Recorder(io.BytesIO(data)).load()


class Stub(dict):
    """Stands in for every class and function while reading torch pickles: the
    point is which globals are named, not the objects they would build."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Stub()

    def __setstate__(self, state):
        pass

    def append(self, item):
        pass

    def extend(self, items):
        pass

    def __hash__(self):
        return id(self)


class StubRecorder(pickle.Unpickler):
    def find_class(self, module, name):
        SEEN.add((module, name))
        return Stub

    def persistent_load(self, pid):
        return Stub()


def record_torch(obj):
    """torch.save into a buffer, then read its data.pkl with the recorder."""
    import torch
    import zipfile
    for legacy in (False, True):
        buf = io.BytesIO()
        torch.save(obj, buf, _use_new_zipfile_serialization=not legacy)
        raw = buf.getvalue()
        if not legacy:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                for n in z.namelist():
                    if n.endswith("data.pkl"):
                        StubRecorder(io.BytesIO(z.read(n))).load()
        else:
            f = io.BytesIO(raw)
            try:
                for _ in range(4):  # magic, protocol, sys info, then the object
                    StubRecorder(f).load()
            except Exception as e:  # stubs cannot stand in everywhere; the zip form names the same globals
                print(f"# legacy torch {type(obj).__name__}: {e}", file=sys.stderr)


def record_joblib(obj):
    import joblib
    import joblib.numpy_pickle as npp
    buf = io.BytesIO()
    joblib.dump(obj, buf)

    class JR(npp.NumpyUnpickler):
        def find_class(self, module, name):
            SEEN.add((module, name))
            return super().find_class(module, name)

    buf.seek(0)
    JR("<mem>", buf).load()


def torch_objects():
    import torch
    import torch.nn as nn
    out = []
    mods = [
        nn.Linear(4, 3), nn.Conv1d(2, 3, 3), nn.Conv2d(3, 4, 3), nn.Conv3d(1, 2, 2),
        nn.ConvTranspose2d(3, 2, 3), nn.BatchNorm1d(4), nn.BatchNorm2d(4), nn.LayerNorm(4),
        nn.GroupNorm(2, 4), nn.InstanceNorm2d(3), nn.Embedding(10, 4), nn.EmbeddingBag(10, 4),
        nn.LSTM(4, 5, 2), nn.GRU(4, 5), nn.RNN(4, 5), nn.Dropout(0.1), nn.Dropout2d(),
        nn.ReLU(), nn.GELU(), nn.SiLU(), nn.Tanh(), nn.Sigmoid(), nn.Softmax(dim=1),
        nn.LeakyReLU(), nn.ELU(), nn.PReLU(), nn.Hardswish(), nn.Mish(), nn.Identity(),
        nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.AdaptiveMaxPool1d(1),
        nn.Flatten(), nn.Unflatten(1, (2, 2)), nn.Upsample(scale_factor=2), nn.PixelShuffle(2),
        nn.MultiheadAttention(8, 2), nn.TransformerEncoderLayer(8, 2, 16),
        nn.TransformerDecoderLayer(8, 2, 16), nn.Transformer(8, 2, 1, 1, 16),
        nn.CrossEntropyLoss(), nn.MSELoss(), nn.BCEWithLogitsLoss(), nn.L1Loss(), nn.NLLLoss(),
        nn.SmoothL1Loss(), nn.KLDivLoss(), nn.CosineSimilarity(), nn.Bilinear(2, 3, 4),
        nn.ZeroPad2d(1), nn.ReflectionPad2d(1), nn.Softplus(), nn.LogSoftmax(dim=1),
    ]
    seq = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    mods += [seq, nn.ModuleList([nn.Linear(2, 2)]), nn.ModuleDict({"a": nn.Linear(2, 2)}),
             nn.ParameterList([nn.Parameter(torch.zeros(2))]),
             nn.ParameterDict({"p": nn.Parameter(torch.zeros(2))})]
    for m in mods:
        out.append(m.state_dict())
        out.append(m)  # whole module, as torch.save(model) writes it
    tensors = {
        str(dt): torch.zeros(3, dtype=dt)
        for dt in (torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8,
                   torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool,
                   torch.complex64, torch.complex128)
    }
    out.append(tensors)
    misc = {"dtype": torch.float32, "dtypes": [torch.int64, torch.bfloat16, torch.bool],
            "size": torch.Size([2, 3]), "device": torch.device("cpu"),
            "param": nn.Parameter(torch.ones(2)), "grad": torch.ones(2, requires_grad=True),
            "strided": torch.arange(12).reshape(3, 4).t(), "sparse": torch.eye(3).to_sparse(),
            "csr": torch.eye(3).to_sparse_csr(), "layout": torch.strided,
            "q": torch.quantize_per_tensor(torch.ones(4), 0.1, 0, torch.quint8),
            "qc": torch.quantize_per_channel(torch.ones(2, 2), torch.tensor([0.1, 0.2]),
                                             torch.tensor([0, 0]), 0, torch.qint8),
            "np": torch.ones(2).numpy()}
    out += [{k: v} for k, v in misc.items()]
    out.append(misc)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    x = torch.randn(5, 4)
    for opt_cls, kw in [(torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}), (torch.optim.Adam, {}),
                        (torch.optim.AdamW, {}), (torch.optim.RMSprop, {}),
                        (torch.optim.Adagrad, {}), (torch.optim.Adadelta, {}),
                        (torch.optim.Adamax, {}), (torch.optim.NAdam, {}), (torch.optim.RAdam, {}),
                        (torch.optim.ASGD, {}), (torch.optim.Rprop, {}), (torch.optim.LBFGS, {})]:
        opt = opt_cls(model.parameters(), **kw)

        def closure():
            opt.zero_grad()
            loss = model(x).pow(2).mean()
            loss.backward()
            return loss
        opt.step(closure)
        out.append(opt.state_dict())
        out.append({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3,
                    "loss": 0.5, "args": {"lr": 0.1, "name": "run"}})
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sch = [torch.optim.lr_scheduler.StepLR(opt, 2), torch.optim.lr_scheduler.MultiStepLR(opt, [1, 2]),
           torch.optim.lr_scheduler.ExponentialLR(opt, 0.9),
           torch.optim.lr_scheduler.CosineAnnealingLR(opt, 10),
           torch.optim.lr_scheduler.ReduceLROnPlateau(opt),
           # OneCycleLR is left out: its state holds a bound method, which protocol 2
           # pickles as builtins.getattr(obj, name), a global the policy flags.
           # CyclicLR refuses to pickle (WeakMethod) in this torch version.
           torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 5),
           torch.optim.lr_scheduler.LinearLR(opt), torch.optim.lr_scheduler.ConstantLR(opt),
           torch.optim.lr_scheduler.PolynomialLR(opt) if hasattr(torch.optim.lr_scheduler, "PolynomialLR") else None]
    for s in sch:
        if s is not None:
            out.append(s.state_dict())
    import argparse
    out.append({"args": argparse.Namespace(lr=0.1, epochs=3)})
    return out


def numpy_objects():
    import numpy as np
    out = []
    for dt in (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
               np.uint8, np.uint16, np.uint32, np.uint64, np.bool_, np.complex64,
               np.complex128, np.longdouble, "U5", "S5", "M8[ns]", "m8[s]", object):
        a = np.zeros(3, dtype=dt)
        out += [a, a[0] if dt is not object else 0, np.dtype(dt)]
    out.append(np.zeros((2, 2), dtype=[("x", "i4"), ("y", "f8")]))
    out.append(np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]))
    out.append(np.random.RandomState(0))
    out.append(np.random.default_rng(0))
    out.append(np.random.Generator(np.random.MT19937(1)))
    out.append(np.random.Generator(np.random.Philox(1)))
    out.append(np.random.Generator(np.random.SFC64(1)))
    out.append(np.random.Generator(np.random.PCG64DXSM(1)))
    out.append(np.arange(6).reshape(2, 3).T)
    out.append(np.asfortranarray(np.ones((2, 2))))
    out.append(np.matrix([[1, 2], [3, 4]]))
    out.append(np.recarray((2,), dtype=[("a", "i4")]))
    out.append({"i": np.int64(3), "f": np.float32(1.5), "b": np.bool_(True), "s": np.str_("x")})
    return out


def sklearn_objects():
    import numpy as np
    from sklearn import (linear_model, tree, ensemble, svm, pipeline, preprocessing, compose,
                         cluster, decomposition, naive_bayes, neighbors, neural_network,
                         feature_extraction, impute, feature_selection, discriminant_analysis,
                         gaussian_process, isotonic, kernel_ridge, calibration, manifold,
                         mixture, cross_decomposition, random_projection, multiclass,
                         multioutput, dummy, semi_supervised, covariance, model_selection)
    from sklearn.experimental import enable_hist_gradient_boosting  # noqa: F401
    from sklearn.feature_extraction import text
    rng = np.random.RandomState(0)
    X = rng.rand(40, 4)
    y = (X[:, 0] > 0.5).astype(int)
    y3 = rng.randint(0, 3, 40)
    yr = X @ np.array([1.0, 2.0, -1.0, 0.5])
    Xpos = np.abs(X)
    out = []

    def fit(est, *args):
        try:
            est.fit(*args)
        except Exception as e:
            print(f"# fit {type(est).__name__}: {e}", file=sys.stderr)
            return
        out.append(est)

    for est in [linear_model.LogisticRegression(), linear_model.LogisticRegression(multi_class="multinomial"),
                linear_model.SGDClassifier(), linear_model.RidgeClassifier(),
                linear_model.Perceptron(), linear_model.PassiveAggressiveClassifier(),
                tree.DecisionTreeClassifier(), tree.ExtraTreeClassifier(),
                ensemble.RandomForestClassifier(n_estimators=3), ensemble.ExtraTreesClassifier(n_estimators=3),
                ensemble.GradientBoostingClassifier(n_estimators=3), ensemble.AdaBoostClassifier(n_estimators=3),
                ensemble.BaggingClassifier(n_estimators=3), ensemble.HistGradientBoostingClassifier(max_iter=3),
                ensemble.VotingClassifier([("a", linear_model.LogisticRegression()), ("b", tree.DecisionTreeClassifier())]),
                ensemble.StackingClassifier([("a", linear_model.LogisticRegression())]),
                svm.SVC(), svm.SVC(probability=True), svm.LinearSVC(), svm.NuSVC(),
                naive_bayes.GaussianNB(), naive_bayes.MultinomialNB(), naive_bayes.BernoulliNB(),
                naive_bayes.ComplementNB(), neighbors.KNeighborsClassifier(),
                neighbors.RadiusNeighborsClassifier(radius=2.0), neighbors.NearestCentroid(),
                neural_network.MLPClassifier(max_iter=5), discriminant_analysis.LinearDiscriminantAnalysis(),
                discriminant_analysis.QuadraticDiscriminantAnalysis(),
                gaussian_process.GaussianProcessClassifier(),
                calibration.CalibratedClassifierCV(cv=2), dummy.DummyClassifier(),
                multiclass.OneVsRestClassifier(linear_model.LogisticRegression()),
                multiclass.OneVsOneClassifier(linear_model.LogisticRegression()),
                semi_supervised.LabelPropagation(),
                model_selection.GridSearchCV(tree.DecisionTreeClassifier(), {"max_depth": [1, 2]}, cv=2)]:
        fit(est, X, y)
    for est in [naive_bayes.CategoricalNB()]:
        fit(est, (X * 3).astype(int), y)
    for est in [linear_model.LinearRegression(), linear_model.Ridge(), linear_model.Lasso(),
                linear_model.ElasticNet(), linear_model.SGDRegressor(), linear_model.HuberRegressor(),
                linear_model.BayesianRidge(), linear_model.ARDRegression(), linear_model.Lars(),
                linear_model.LassoLars(), linear_model.OrthogonalMatchingPursuit(),
                linear_model.RANSACRegressor(), linear_model.TheilSenRegressor(),
                linear_model.PoissonRegressor(), linear_model.TweedieRegressor(),
                linear_model.QuantileRegressor(solver="highs"),
                linear_model.RidgeCV(), linear_model.LassoCV(cv=2), linear_model.ElasticNetCV(cv=2),
                tree.DecisionTreeRegressor(), ensemble.RandomForestRegressor(n_estimators=3),
                ensemble.GradientBoostingRegressor(n_estimators=3), ensemble.HistGradientBoostingRegressor(max_iter=3),
                ensemble.ExtraTreesRegressor(n_estimators=3), ensemble.AdaBoostRegressor(n_estimators=3),
                ensemble.IsolationForest(n_estimators=3), svm.SVR(), svm.LinearSVR(), svm.NuSVR(),
                neighbors.KNeighborsRegressor(), neural_network.MLPRegressor(max_iter=5),
                gaussian_process.GaussianProcessRegressor(), kernel_ridge.KernelRidge(),
                cross_decomposition.PLSRegression(), dummy.DummyRegressor(),
                multioutput.MultiOutputRegressor(linear_model.Ridge())]:
        fit(est, X, yr if not isinstance(est, multioutput.MultiOutputRegressor) else np.c_[yr, yr])
    fit(ensemble.HistGradientBoostingRegressor(max_iter=3, loss="poisson"), X, np.abs(yr))
    fit(isotonic.IsotonicRegression(), X[:, 0], yr)
    fit(ensemble.GradientBoostingClassifier(n_estimators=2), X, y3)
    fit(ensemble.HistGradientBoostingClassifier(max_iter=2), X, y3)
    fit(linear_model.LogisticRegression(), X, y3)
    for est in [cluster.KMeans(n_clusters=2, n_init=1), cluster.MiniBatchKMeans(n_clusters=2, n_init=1),
                cluster.DBSCAN(), cluster.AgglomerativeClustering(), cluster.Birch(),
                cluster.MeanShift(), cluster.SpectralClustering(n_clusters=2), cluster.OPTICS(min_samples=3),
                cluster.AffinityPropagation(),
                decomposition.PCA(n_components=2), decomposition.TruncatedSVD(2), decomposition.NMF(2, max_iter=5),
                decomposition.FastICA(2), decomposition.KernelPCA(2), decomposition.IncrementalPCA(2),
                decomposition.LatentDirichletAllocation(2, max_iter=2), decomposition.FactorAnalysis(2),
                decomposition.SparsePCA(2, max_iter=2), decomposition.DictionaryLearning(2, max_iter=2),
                mixture.GaussianMixture(2), mixture.BayesianGaussianMixture(n_components=2),
                manifold.Isomap(n_components=2), manifold.TSNE(n_components=2, perplexity=5),
                random_projection.GaussianRandomProjection(2), random_projection.SparseRandomProjection(2),
                covariance.EmpiricalCovariance(), covariance.LedoitWolf(), covariance.EllipticEnvelope(),
                neighbors.NearestNeighbors(), neighbors.KernelDensity(), neighbors.LocalOutlierFactor(novelty=True),
                svm.OneClassSVM(),
                preprocessing.StandardScaler(), preprocessing.MinMaxScaler(), preprocessing.RobustScaler(),
                preprocessing.MaxAbsScaler(), preprocessing.Normalizer(), preprocessing.QuantileTransformer(n_quantiles=10),
                preprocessing.PowerTransformer(), preprocessing.PolynomialFeatures(),
                preprocessing.KBinsDiscretizer(n_bins=3), preprocessing.SplineTransformer(),
                preprocessing.Binarizer(), preprocessing.FunctionTransformer(np.log1p),
                impute.SimpleImputer(), impute.KNNImputer(),
                feature_selection.VarianceThreshold()]:
        fit(est, Xpos)
    for est in [feature_selection.SelectKBest(k=2), feature_selection.RFE(linear_model.LogisticRegression(), n_features_to_select=2),
                feature_selection.SelectFromModel(linear_model.LogisticRegression())]:
        fit(est, X, y)
    cats = np.array([["a", "x"], ["b", "y"], ["a", "z"], ["c", "x"]], dtype=object)
    fit(preprocessing.OneHotEncoder(handle_unknown="ignore"), cats)
    fit(preprocessing.OrdinalEncoder(), cats)
    fit(preprocessing.LabelEncoder(), ["a", "b", "a"])
    fit(preprocessing.LabelBinarizer(), ["a", "b", "c"])
    fit(preprocessing.MultiLabelBinarizer(), [["a"], ["b", "c"]])
    docs = ["the cat sat", "the dog ran", "a cat and a dog"]
    for est in [text.CountVectorizer(), text.TfidfVectorizer(), text.HashingVectorizer(),
                text.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), text.CountVectorizer(analyzer="char")]:
        fit(est, docs)
    fit(text.TfidfTransformer(), text.CountVectorizer().fit_transform(docs))
    fit(feature_extraction.DictVectorizer(), [{"a": 1, "b": 2}, {"a": 3}])
    pipe = pipeline.Pipeline([("scale", preprocessing.StandardScaler()), ("pca", decomposition.PCA(2)),
                              ("clf", linear_model.LogisticRegression())])
    fit(pipe, X, y)
    fit(pipeline.make_pipeline(text.TfidfVectorizer(), naive_bayes.MultinomialNB()), docs, [0, 1, 0])
    fit(pipeline.FeatureUnion([("a", decomposition.PCA(1)), ("b", preprocessing.StandardScaler())]), X)
    try:
        import pandas as pd
        df = pd.DataFrame({"num": rng.rand(8), "cat": list("abababab"), "n2": rng.rand(8)})
        ct = compose.ColumnTransformer([("num", preprocessing.StandardScaler(), ["num", "n2"]),
                                        ("cat", preprocessing.OneHotEncoder(), ["cat"])],
                                       remainder="drop")
        fit(pipeline.Pipeline([("ct", ct), ("clf", ensemble.RandomForestClassifier(n_estimators=2))]),
            df, [0, 1] * 4)
        fit(compose.TransformedTargetRegressor(regressor=linear_model.Ridge(), func=np.log1p,
                                               inverse_func=np.expm1), X, np.abs(yr))
        ct2 = compose.make_column_transformer((preprocessing.OneHotEncoder(), compose.make_column_selector(dtype_include=object)),
                                              remainder="passthrough")
        fit(ct2, df)
    except ImportError:
        pass
    return out


def pandas_objects():
    try:
        import pandas as pd
    except ImportError:
        print("# pandas not installed", file=sys.stderr)
        return []
    import numpy as np
    df = pd.DataFrame({
        "i": np.arange(4), "f": np.linspace(0, 1, 4), "s": list("abcd"), "b": [True, False, True, False],
        "c": pd.Categorical(list("xyxy")), "d": pd.date_range("2024-01-01", periods=4),
        "tz": pd.date_range("2024-01-01", periods=4, tz="UTC"), "td": pd.to_timedelta(np.arange(4), unit="s"),
        "ni": pd.array([1, None, 3, 4], dtype="Int64"), "st": pd.array(list("abcd"), dtype="string"),
        "bo": pd.array([True, None, False, True], dtype="boolean"), "fl": pd.array([1.0, None, 2.0, 3.0], dtype="Float64"),
        "per": pd.period_range("2024-01", periods=4, freq="M"),
        "iv": pd.arrays.IntervalArray.from_breaks([0, 1, 2, 3, 4]),
    })
    out = [df, df["i"], df["c"], df.set_index("d"), df.set_index(["s", "i"]),
           pd.Series([1.0, 2.0], index=pd.Index(["a", "b"])), pd.RangeIndex(5),
           pd.Series(pd.arrays.SparseArray([0, 0, 1])), pd.Timestamp("2024-01-01"),
           pd.Timedelta("1s"), pd.Period("2024-01", freq="M"), pd.Interval(0, 1),
           pd.CategoricalDtype(["a", "b"], ordered=True), df.groupby("s").sum(numeric_only=True),
           pd.DataFrame(np.ones((2, 2)), columns=pd.MultiIndex.from_tuples([("a", 1), ("a", 2)])),
           pd.Series(pd.date_range("2024", periods=3, freq="H")).dt.tz_localize("Europe/Paris"),
           pd.offsets.Day(2), pd.offsets.MonthEnd(), pd.NaT, pd.NA]
    return out


def scipy_objects():
    import numpy as np
    import scipy.sparse as sp
    m = np.eye(3)
    out = [sp.csr_matrix(m), sp.csc_matrix(m), sp.coo_matrix(m), sp.lil_matrix(m), sp.dok_matrix(m),
           sp.bsr_matrix(m), sp.dia_matrix(m)]
    if hasattr(sp, "csr_array"):
        out += [sp.csr_array(m), sp.csc_array(m), sp.coo_array(m)]
    from scipy import stats, interpolate, spatial
    out.append(spatial.KDTree(np.random.rand(5, 2)))
    out.append(spatial.cKDTree(np.random.rand(5, 2)))
    # interp1d is left out on purpose: it keeps bound methods, which protocol 2
    # pickles as builtins.getattr(obj, name), a global the policy flags.
    out.append(interpolate.BSpline([0, 0, 1, 1], [1.0, 2.0], 1))
    out.append(stats.norm(0, 1))
    return out


def stdlib_objects():
    import collections
    import datetime
    import decimal
    import fractions
    import enum
    import uuid as _uuid_unused  # noqa: F401  (not pickled)
    out = [collections.OrderedDict(a=1), collections.defaultdict(list, a=[1]), collections.Counter("aab"),
           collections.deque([1, 2]), set([1]), frozenset([2]), complex(1, 2), bytearray(b"x"), b"y",
           slice(1, 2), range(3), datetime.datetime(2024, 1, 1), datetime.date(2024, 1, 1),
           datetime.timedelta(1), datetime.time(1), datetime.timezone.utc,
           datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), decimal.Decimal("1.5"),
           fractions.Fraction(1, 3), float("nan"), None, Ellipsis, NotImplemented, type(None), object()]
    return out


# Packages whose modules' own classes are allowlisted by --classes; each
# module must have appeared in a benign pickle above.
CLASS_PACKAGES = ("sklearn.", "torch.nn.modules.", "torch.optim.", "scipy.sparse.",
                  "scipy.spatial.", "scipy.stats.", "pandas.core.", "pandas._libs.")
# Modules never allowlisted wholesale, whatever they define.
CLASS_EXCLUDE = ("sklearn.utils._testing", "sklearn.datasets", "sklearn.utils.parallel",
                 "sklearn.utils.fixes", "pandas.core.computation", "torch.optim.swa_utils")


def defined_classes(modules):
    import importlib
    import inspect
    out = set()
    for mod in sorted(modules):
        if not mod.startswith(CLASS_PACKAGES) or mod.startswith(CLASS_EXCLUDE):
            continue
        m = importlib.import_module(mod)
        for name, obj in vars(m).items():
            if inspect.isclass(obj) and getattr(obj, "__module__", None) == mod and \
                    getattr(obj, "__qualname__", "") == name:
                out.add((mod, name))
    return out


def main():
    for obj in numpy_objects() + stdlib_objects() + scipy_objects() + pandas_objects():
        record(obj)
    for obj in sklearn_objects():
        record(obj)
        record_joblib(obj)
    for obj in torch_objects():
        try:
            record_torch(obj)
        except Exception as e:
            print(f"# skip torch {obj!r:.60}: {e}", file=sys.stderr)
    found = sorted(SEEN)
    if "--classes" in sys.argv[1:]:
        found = sorted(defined_classes({m for m, _ in SEEN}))
        print("# Classes defined in the library modules that benign pickles import,")
        print("# listed by scripts/policy/benign_globals.py --classes")
    else:
        print("# Globals imported by benign pickles written by scripts/policy/benign_globals.py")
    import numpy, sklearn, torch, scipy
    try:
        import pandas
        pv = pandas.__version__
    except ImportError:
        pv = "absent"
    print(f"# python {sys.version.split()[0]}, torch {torch.__version__}, numpy {numpy.__version__}, "
          f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, pandas {pv}")
    for module, name in found:
        print(module, name)


if __name__ == "__main__":
    main()
