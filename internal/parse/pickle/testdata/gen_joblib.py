"""Write the joblib fixtures of internal/parse/pickle (uncompressed joblib.dump).

Run with /usr/bin/python3 from internal/parse/pickle/testdata (joblib 1.2, numpy
1.24, scikit-learn 1.2). It only DUMPS. Each joblib/NAME.joblib gets a
joblib/NAME.json listing globals the reader must report ("must_import")
and whether a call to posix.system must be found ("system_call").
"""
import json
import os

import joblib
import numpy as np

CMD = "touch /tmp/modelgate-test"


class Payload:
    def __reduce__(self):
        return (os.system, (CMD,))


def write(name, obj, must, system=False, protocol=None):
    path = os.path.join("joblib", name + ".joblib")
    joblib.dump(obj, path, compress=0, protocol=protocol)
    with open(os.path.join("joblib", name + ".json"), "w") as f:
        json.dump({"must_import": must, "system_call": system}, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    os.makedirs("joblib", exist_ok=True)
    rng = np.random.default_rng(0)
    wrapper = ["joblib.numpy_pickle.NumpyArrayWrapper", "numpy.ndarray", "numpy.dtype"]
    write("numeric", {
        "f4": rng.random(7, dtype=np.float32),
        "f8": rng.random((3, 5)),
        "i8": np.arange(11, dtype=np.int64),
        "bool": np.array([True, False, True]),
        "c16": np.array([1 + 2j, 3 - 4j]),
        "u1": np.arange(17, dtype=np.uint8),
        "scalar0d": np.array(3.5),
        "empty": np.zeros((0, 4)),
        "big_endian": np.arange(5, dtype=">i4"),
        "datetime": np.array(["2024-01-01"], dtype="M8[D]"),
        "unicode": np.array(["ab", "cde"]),
        "bytes": np.array([b"x", b"yz"]),
    }, wrapper)
    write("fortran", np.asfortranarray(rng.random((4, 6))), wrapper)
    write("multidim", rng.random((2, 3, 4, 5)), wrapper)
    write("structured", np.array([(1, 2.0, b"ab"), (3, 4.0, b"cd")],
                                 dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S2")]), wrapper)
    write("object_array", np.array([1, "two", None, {"k": 3}], dtype=object), wrapper)
    write("object_payload", np.array([1, Payload()], dtype=object), wrapper, system=True)
    write("array_then_payload", [np.arange(1000, dtype=np.float64), Payload()], wrapper, system=True)
    write("payload_after_arrays_p2", {"a": np.ones(13), "b": np.zeros((3, 3), dtype=np.int32), "z": Payload()},
          wrapper, system=True, protocol=2)
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=3, random_state=0))
    pipe.fit(X, y)
    write("sklearn_pipeline", pipe, wrapper + ["sklearn.pipeline.Pipeline",
                                               "sklearn.ensemble._forest.RandomForestClassifier",
                                               "sklearn.tree._tree.Tree"])


if __name__ == "__main__":
    main()
