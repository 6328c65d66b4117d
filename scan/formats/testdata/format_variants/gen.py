#!/usr/bin/python3
"""Writes the acceptance samples of scan/formats/testdata/format_variants and expected.json.

Run with /usr/bin/python3 (h5py 3.7, numpy 1.24, onnx 1.12, py7zr) from
this folder. It only writes files: nothing is loaded or run. Keras configs
are JSON written here, TensorFlow protobufs are encoded field by field
(field numbers below), GGUF and safetensors files are written byte by
byte. Lambda bytecode is marshal.dumps of a code object never called;
payloads are harmless (`true`).

These samples are a second, independent set to ../formats/gen.py: each risk
is varied the way another generator or an attacker would vary it.

expected.json lists every file with:
  verdict  "benign" (nothing above medium), "malicious" (at least `min`,
           default high, with a finding of `rule` at `key` when given), or
           "malformed" (a finding of `rule`, nothing above `max`).
  rule, key, min, max, format (the format reported for the file);
  inner: for archives, [member, rule] pairs: a finding of rule whose
  member contains that name.
"""
import base64
import gzip
import io
import json
import marshal
import os
import struct
import tarfile
import zipfile

import h5py
import numpy as np
import onnx
import py7zr
from onnx import TensorProto, helper

EXPECTED = []


def expect(path, verdict, fmt=None, rule=None, key=None, min=None, max=None, inner=None):
    e = {"path": path, "verdict": verdict}
    for k, v in (("format", fmt), ("rule", rule), ("key", key), ("min", min), ("max", max), ("inner", inner)):
        if v is not None:
            e[k] = v
    EXPECTED.append(e)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return data


# ------------------------------------------------------------------ Keras v3

K_LAMBDA, K_DANGER, K_EXTERNAL, K_CUSTOM = "MG101", "MG102", "MG103", "MG104"
TF_OP, ONNX_PATH, ONNX_DOMAIN, GGUF_T, GGUF_ODD = "MG110", "MG120", "MG121", "MG130", "MG131"
MALFORMED, POLYGLOT = "MG140", "MG141"


def obj(module, cls, config, registered=None, **extra):
    d = {"module": module, "class_name": cls, "config": config, "registered_name": registered}
    d.update(extra)
    return d


def policy(name="float32"):
    return obj("keras", "DTypePolicy", {"name": name})


def init(cls, **cfg):
    return obj("keras.initializers", cls, dict(cfg))


def dense(name, units, act="relu"):
    return obj("keras.layers", "Dense", {
        "name": name, "trainable": True, "dtype": policy(), "units": units, "activation": act, "use_bias": True,
        "kernel_initializer": init("GlorotUniform", seed=None), "bias_initializer": init("Zeros"),
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None},
        build_config={"input_shape": [None, 16]})


def code_b64(newlines=False):
    """base64 of marshal.dumps of a lambda's code (never called). Keras 2
    writes it with codecs' base64 (a newline every 76 characters)."""
    f = lambda x: exec("import os; os.system('true')") or x  # noqa: E731
    raw = marshal.dumps(f.__code__)
    if newlines:
        import codecs
        return codecs.encode(raw, "base64").decode("ascii")
    return base64.b64encode(raw).decode()


def lambda3(name="lambda"):
    """Keras 3 Lambda: function is a __lambda__ object."""
    return obj("keras.layers", "Lambda", {
        "name": name, "trainable": True, "dtype": policy(),
        "function": {"class_name": "__lambda__", "config": {"code": code_b64(), "defaults": None, "closure": None}},
        "arguments": {}}, build_config={"input_shape": [None, 16]})


def lambda2(name="lambda", newlines=True):
    """Keras 2 Lambda: function is [base64, defaults, closure]."""
    return obj("keras.layers", "Lambda", {
        "name": name, "trainable": True, "dtype": "float32", "function": [code_b64(newlines), None, None],
        "function_type": "lambda", "module": "__main__", "output_shape": None, "output_shape_type": "raw",
        "output_shape_module": None, "arguments": {}}, registered_name="Lambda")


def input_layer(name="input_layer", shape=(None, 16)):
    return obj("keras.layers", "InputLayer", {"batch_shape": list(shape), "dtype": "float32", "sparse": False,
                                              "name": name})


def sequential(layers, name="sequential", **extra):
    return obj("keras", "Sequential", {"name": name, "trainable": True, "dtype": policy(),
                                       "layers": [input_layer()] + layers}, **extra)


def history(name, i=0):
    return {"class_name": "__keras_tensor__", "config": {"shape": [None, 16], "dtype": "float32",
                                                          "keras_history": [name, i, 0]}}


def functional(layers, name="functional"):
    """Keras 3 functional model: layers chained by inbound_nodes."""
    out = [dict(input_layer("inp"), name="inp", inbound_nodes=[])]
    prev = "inp"
    for l in layers:
        lname = l["config"]["name"] if isinstance(l["config"], dict) and "name" in l["config"] else "x%d" % len(out)
        out.append(dict(l, name=lname, inbound_nodes=[{"args": [history(prev)], "kwargs": {}}]))
        prev = lname
    return obj("keras.src.models.functional", "Functional", {
        "name": name, "trainable": True, "layers": out, "input_layers": [["inp", 0, 0]],
        "output_layers": [[prev, 0, 0]]})


def keras_zip(path, config, compress=zipfile.ZIP_DEFLATED, prefix=b"", extra=(), meta_first=True,
              metadata=None):
    meta = json.dumps(metadata or {"keras_version": "3.4.1", "date_saved": "2024-07-01@12:00:00"})
    members = [("metadata.json", meta), ("config.json", json.dumps(config))]
    if not meta_first:
        members.reverse()
    members.append(("model.weights.h5", h5_weights()))
    members.extend(extra)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, (2024, 7, 1, 12, 0, 0)), data, compress)
    data = buf.getvalue()
    if prefix:
        # Junk before the archive: shift the directory offsets like `zip -A`.
        data = shift_zip(data, prefix)
    return write(path, data)


def shift_zip(data, prefix):
    n = len(prefix)
    out = bytearray(prefix + data)
    eocd = out.rfind(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack_from("<II", out, eocd + 12)
    struct.pack_into("<I", out, eocd + 16, cd_off + n)
    p = cd_off + n
    while out[p:p + 4] == b"PK\x01\x02":
        off = struct.unpack_from("<I", out, p + 42)[0]
        struct.pack_into("<I", out, p + 42, off + n)
        nl, el, cl = struct.unpack_from("<HHH", out, p + 28)
        p += 46 + nl + el + cl
    return bytes(out)


def h5_weights():
    buf = io.BytesIO()
    with h5py.File(buf, "w", track_order=False) as f:
        f.create_dataset("layers/dense/vars/0", data=np.zeros((16, 4), "f4"), track_times=False)
    return buf.getvalue()


def gen_keras():
    fn_os = obj("os", "function", "system", "system")
    # --- malicious: Lambda placements
    cases = {
        "k_lambda_sequential.keras": (sequential([dense("d0", 16), lambda3()]), K_LAMBDA, "config.layers[2].config.function"),
        "k_lambda_functional.keras": (functional([dense("d0", 16), lambda3("lam")]), K_LAMBDA, "config.layers[2].config.function"),
        "k_lambda_submodel.keras": (functional([sequential([lambda3()], name="inner")]), K_LAMBDA,
                                    "config.layers[1].config.layers[1].config.function"),
        "k_lambda_timedistributed.keras": (sequential([obj("keras.layers", "TimeDistributed", {
            "name": "td", "layer": lambda3()})]), K_LAMBDA, "config.layers[1].config.layer.config.function"),
        "k_lambda_bidirectional.keras": (sequential([obj("keras.layers", "Bidirectional", {
            "name": "bi", "merge_mode": "concat", "layer": obj("keras.layers", "LSTM", {"name": "f", "units": 4}),
            "backward_layer": lambda3("b")})]), K_LAMBDA, "config.layers[1].config.backward_layer.config.function"),
        "k_lambda_keras2_list.keras": (sequential([dense("d0", 4), lambda2()]), K_LAMBDA, "config.layers[2].config.function[0]"),
        "k_lambda_keras2_nonl.keras": (sequential([lambda2(newlines=False)]), K_LAMBDA, "config.layers[1].config.function[0]"),
        "k_lambda_registered.keras": (sequential([dict(lambda3(), registered_name="keras.layers>Lambda")]), K_LAMBDA,
                                      "config.layers[1].config.function"),
        # A shared layer: one Lambda object called twice (two inbound nodes).
        "k_lambda_shared.keras": (functional([dense("d0", 16), dict(lambda3("shared"), inbound_nodes=[
            {"args": [history("d0")], "kwargs": {}}, {"args": [history("inp")], "kwargs": {}}])]), K_LAMBDA,
            "config.layers[2].config.function"),
    }
    for name, (cfg, rule, key) in cases.items():
        keras_zip(name, cfg)
        expect(name, "malicious", "keras", rule, key, min="critical")
    # --- malicious: references outside Keras (CVE-2025-1550 style)
    refs = {
        "k_ref_os_system_layer.keras": (sequential([obj("os", "system", {"command": "true"})]), K_DANGER, "config.layers[1].module"),
        "k_ref_subprocess_popen.keras": (sequential([obj("subprocess", "Popen", {"args": ["true"]})]), K_DANGER, "config.layers[1].module"),
        "k_ref_builtins_eval.keras": (sequential([obj("builtins", "function", "eval", "eval")]), K_DANGER, "config.layers[1].module"),
        "k_ref_posixpath_system.keras": (sequential([obj("posixpath", "function", "os", None)]), None, "config.layers[1].module"),
        "k_ref_importlib.keras": (sequential([obj("importlib", "function", "import_module", "import_module")]), K_DANGER,
                                  "config.layers[1].module"),
        "k_ref_registered_os.keras": (sequential([obj("keras.layers", "Dense", {"name": "x", "units": 1}, "os>system")]), None,
                                      "config.layers[1].registered_name"),
        "k_ref_compile_loss.keras": (sequential([dense("d0", 1)], compile_config={
            "optimizer": obj("keras.optimizers", "Adam", {"learning_rate": 0.001}), "loss": fn_os,
            "metrics": None, "loss_weights": None}), K_DANGER, "compile_config.loss.module"),
        "k_ref_compile_optimizer.keras": (sequential([dense("d0", 1)], compile_config={
            "optimizer": obj("subprocess", "Popen", {"args": "true"}), "loss": "mse"}), K_DANGER,
            "compile_config.optimizer.module"),
        "k_ref_compile_metrics.keras": (sequential([dense("d0", 1)], compile_config={
            "optimizer": "adam", "loss": "mse", "metrics": ["accuracy", obj("builtins", "function", "exec")]}),
            K_DANGER, "compile_config.metrics[1].module"),
        "k_ref_build_config.keras": (sequential([dense("d0", 1)], build_config={"input_shape": obj("os", "function", "popen")}),
                                     K_DANGER, "build_config.input_shape.module"),
        "k_ref_activation.keras": (sequential([dict(dense("d0", 1), config=dict(dense("d0", 1)["config"], activation=fn_os))]),
                                   K_DANGER, "config.layers[1].config.activation.module"),
        "k_ref_initializer.keras": (sequential([dict(dense("d0", 1), config=dict(
            dense("d0", 1)["config"], kernel_initializer=obj("subprocess", "function", "check_output")))]),
            K_DANGER, "config.layers[1].config.kernel_initializer.module"),
        "k_ref_regularizer.keras": (sequential([dict(dense("d0", 1), config=dict(
            dense("d0", 1)["config"], kernel_regularizer=obj("os", "function", "system")))]),
            K_DANGER, "config.layers[1].config.kernel_regularizer.module"),
        "k_ref_dtype_policy.keras": (sequential([dict(dense("d0", 1), config=dict(
            dense("d0", 1)["config"], dtype=obj("builtins", "function", "__import__")))]),
            K_DANGER, "config.layers[1].config.dtype.module"),
        "k_ref_unknown_module.keras": (sequential([obj("evilpkg.hooks", "Backdoor", {"name": "b"})]), K_EXTERNAL,
                                       "config.layers[1].module"),
        # Keras's own functions that download files or switch safe mode off
        # (CVE-2025-8747, CVE-2025-9905).
        "k_ref_keras_get_file.keras": (sequential([obj("keras.utils", "function", "get_file")]), None,
                                       "config.layers[1].module"),
        "k_ref_keras_unsafe.keras": (sequential([obj("keras.config", "function", "enable_unsafe_deserialization")]), None,
                                     "config.layers[1].module"),
    }
    for name, (cfg, rule, key) in refs.items():
        keras_zip(name, cfg)
        expect(name, "malicious", "keras", rule, key, min="critical" if rule == K_DANGER else "high")
    # --- zip quirks
    mal = sequential([obj("os", "function", "system")])
    keras_zip("k_quirk_prefix.keras", mal, prefix=b"#!/bin/sh\necho junk\n" * 20)
    keras_zip("k_quirk_stored.keras", mal, compress=zipfile.ZIP_STORED)
    keras_zip("k_quirk_config_first.keras", mal, meta_first=False)
    keras_zip("k_quirk_extra.keras", mal, extra=[("assets/vocab.txt", "a\nb\n"), ("notes/readme.md", "# hi\n")])
    for n in ("k_quirk_prefix.keras", "k_quirk_stored.keras", "k_quirk_config_first.keras", "k_quirk_extra.keras"):
        expect(n, "malicious", None, K_DANGER, "config.layers[1].module", min="critical")
    # --- benign
    seq = sequential([
        obj("keras.layers", "Conv2D", {"name": "conv", "filters": 8, "kernel_size": [3, 3], "strides": [1, 1],
                                       "padding": "same", "activation": "relu", "dtype": policy("mixed_float16"),
                                       "kernel_initializer": init("HeNormal", seed=42),
                                       "kernel_regularizer": obj("keras.regularizers", "L2", {"l2": 0.0001})}),
        obj("keras.layers", "BatchNormalization", {"name": "bn", "axis": -1, "momentum": 0.99, "epsilon": 0.001,
                                                   "beta_initializer": init("Zeros"), "gamma_initializer": init("Ones")}),
        obj("keras.layers", "Dropout", {"name": "drop", "rate": 0.3, "seed": None}),
        obj("keras.layers", "Flatten", {"name": "flat"}),
        dense("out", 10, "softmax")],
        compile_config={"optimizer": obj("keras.optimizers", "AdamW", {"learning_rate": obj(
            "keras.optimizers.schedules", "CosineDecay", {"initial_learning_rate": 0.001, "decay_steps": 1000})}),
            "loss": obj("keras.losses", "SparseCategoricalCrossentropy", {"from_logits": False}),
            "metrics": [obj("keras.metrics", "SparseCategoricalAccuracy", {"name": "acc"})],
            "loss_weights": None, "weighted_metrics": None, "run_eagerly": False, "jit_compile": False})
    keras_zip("benign_k_cnn.keras", seq)
    text = functional([
        obj("keras.layers", "TextVectorization", {"name": "tv", "max_tokens": 20000, "standardize": "lower_and_strip_punctuation",
                                                  "split": "whitespace", "output_mode": "int", "vocabulary": None}),
        obj("keras.layers", "Embedding", {"name": "emb", "input_dim": 20000, "output_dim": 64,
                                          "embeddings_initializer": init("RandomUniform", minval=-0.05, maxval=0.05)}),
        obj("keras.layers", "Bidirectional", {"name": "bi", "merge_mode": "concat", "layer": obj(
            "keras.layers", "LSTM", {"name": "lstm", "units": 32, "activation": "tanh", "recurrent_activation": "sigmoid",
                                     "return_sequences": True})}),
        obj("keras.layers", "MultiHeadAttention", {"name": "mha", "num_heads": 4, "key_dim": 16,
                                                   "query_shape": [None, 10, 64], "value_shape": [None, 10, 64]}),
        obj("keras.layers", "Normalization", {"name": "norm", "axis": -1, "mean": None, "variance": None}),
        obj("keras.layers", "LayerNormalization", {"name": "ln", "epsilon": 1e-6}),
        obj("keras.layers", "GlobalAveragePooling1D", {"name": "gap"}),
        obj("keras.layers", "Activation", {"name": "act", "activation": obj("keras.activations", "function", "gelu")}),
        dense("head", 2, "sigmoid")])
    keras_zip("benign_k_text.keras", text)
    hub = sequential([obj("keras_hub.src.models.gemma.gemma_backbone", "GemmaBackbone",
                          {"name": "gemma_backbone", "vocabulary_size": 256000}, "keras_hub>GemmaBackbone"),
                      obj("keras_nlp.src.layers.modeling.transformer_encoder", "TransformerEncoder",
                          {"name": "enc", "intermediate_dim": 64, "num_heads": 2}, "keras_nlp>TransformerEncoder"),
                      obj("tensorflow.keras.layers", "Dense", {"name": "tfk", "units": 1}),
                      obj("keras.src.layers.core.dense", "Dense", {"name": "src", "units": 1})])
    keras_zip("benign_k_hub.keras", hub)
    for n in ("benign_k_cnn.keras", "benign_k_text.keras", "benign_k_hub.keras"):
        expect(n, "benign", "keras")


# ------------------------------------------------------------------ Keras HDF5


def h5file(path, libver, track_order=False):
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    lo = {"earliest": h5py.h5f.LIBVER_EARLIEST, "v108": h5py.h5f.LIBVER_V18, "v110": h5py.h5f.LIBVER_V110,
          "latest": h5py.h5f.LIBVER_LATEST}[libver]
    fapl.set_libver_bounds(lo, h5py.h5f.LIBVER_LATEST)
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    if track_order:
        fcpl.set_link_creation_order(h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED)
        fcpl.set_attr_creation_order(h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED)
    return h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def keras2(layers, name="sequential"):
    base = [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, 16], "dtype": "float32",
                                                    "sparse": False, "ragged": False, "name": "input_1"}},
            {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 16,
                                               "activation": "relu", "use_bias": True,
                                               "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                                               "bias_initializer": {"class_name": "Zeros", "config": {}}}}]
    return {"class_name": "Sequential", "config": {"name": name, "layers": base + layers},
            "keras_version": "2.12.0", "backend": "tensorflow"}


def k2_lambda():
    return {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                                               "function": [code_b64(True), None, None], "function_type": "lambda",
                                               "module": "__main__", "output_shape": None, "output_shape_type": "raw",
                                               "output_shape_module": None, "arguments": {}}}


def keras_h5(path, model_config, how="vlen", libver="earliest", training=None, many=0, track_order=False):
    """how: vlen (str, variable-length UTF-8 in the global heap), fixed
    (bytes, fixed-length), array (numpy bytes array of shape (1,)),
    vlen_array (object array of one vlen string)."""
    s = json.dumps(model_config)
    with h5file(path, libver, track_order) as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.12.0"
        for i in range(many):
            f.attrs["note_%03d" % i] = "x" * (i % 7)
        if how == "vlen":
            f.attrs["model_config"] = s
        elif how == "fixed":
            f.attrs["model_config"] = s.encode()
        elif how == "array":
            f.attrs["model_config"] = np.array([s.encode()])
        elif how == "vlen_array":
            f.attrs.create("model_config", data=np.array([s], dtype=object), dtype=h5py.string_dtype())
        if training is not None:
            f.attrs["training_config"] = json.dumps(training)
        g = untimed_group(f, "model_weights")
        g.attrs["layer_names"] = np.array([b"dense"])
        d = untimed_group(untimed_group(g, "dense"), "dense")
        d.create_dataset("kernel:0", data=np.zeros((16, 16), "f4"), track_times=False)


def untimed_group(parent, name):
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)
    return h5py.Group(h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl))


def gen_h5():
    lam = keras2([k2_lambda()])
    osref = keras2([{"class_name": "system", "module": "os", "config": {"name": "x"}, "registered_name": "system"}])
    big = keras2([{"class_name": "Dense", "config": {"name": "dense_%d" % i, "units": 8, "activation": "linear"}}
                  for i in range(2, 1400)] + [k2_lambda()])
    lkey = "model_config.config.layers[2].config.function[0]"
    okey = "model_config.config.layers[2].module"
    for how in ("vlen", "fixed", "array", "vlen_array"):
        for lv in ("earliest", "latest"):
            n = "h_lambda_%s_%s.h5" % (how, lv)
            keras_h5(n, lam, how, lv)
            expect(n, "malicious", "hdf5", K_LAMBDA, lkey, min="critical")
            n = "h_os_%s_%s.h5" % (how, lv)
            keras_h5(n, osref, how, lv)
            expect(n, "malicious", "hdf5", K_DANGER, okey, min="critical")
    keras_h5("h_lambda_many_attrs.h5", lam, "vlen", "latest", many=1500)
    expect("h_lambda_many_attrs.h5", "malicious", "hdf5", K_LAMBDA, lkey, min="critical")
    keras_h5("h_lambda_track_order.h5", lam, "fixed", "v110", many=20, track_order=True)
    expect("h_lambda_track_order.h5", "malicious", "hdf5", K_LAMBDA, lkey, min="critical")
    bkey = "model_config.config.layers[1400].config.function[0]"
    keras_h5("h_big_vlen.h5", big, "vlen", "earliest")
    expect("h_big_vlen.h5", "malicious", "hdf5", K_LAMBDA, bkey, min="critical")
    keras_h5("h_big_fixed_latest.h5", big, "fixed", "latest")
    expect("h_big_fixed_latest.h5", "malicious", "hdf5", K_LAMBDA, bkey, min="critical")
    keras_h5("h_big_vlen_dense.h5", big, "vlen", "latest", many=30)
    expect("h_big_vlen_dense.h5", "malicious", "hdf5", K_LAMBDA, bkey, min="critical")
    train = {"loss": {"class_name": "function", "module": "os", "config": "system", "registered_name": None},
             "metrics": ["acc"], "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}}}
    keras_h5("h_training_config.h5", keras2([]), "vlen", "earliest", training=train)
    expect("h_training_config.h5", "malicious", "hdf5", K_DANGER, "training_config.loss.module", min="critical")
    benign_train = {"loss": "categorical_crossentropy", "metrics": ["accuracy"], "weighted_metrics": None,
                    "loss_weights": None, "optimizer_config": {"class_name": "Adam", "config": {
                        "name": "Adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07}}}
    for how, lv in (("vlen", "earliest"), ("fixed", "latest"), ("array", "v108")):
        n = "benign_h_%s_%s.h5" % (how, lv)
        keras_h5(n, keras2([{"class_name": "Dropout", "config": {"name": "dropout", "rate": 0.5}},
                            {"class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax"}}]),
                 how, lv, training=benign_train)
        expect(n, "benign", "hdf5")
    keras_h5("benign_h_many_attrs.h5", keras2([]), "vlen", "latest", many=1500, training=benign_train)
    expect("benign_h_many_attrs.h5", "benign", "hdf5")


# ------------------------------------------------------------------ TensorFlow protobuf
# SavedModel{saved_model_schema_version=1, meta_graphs=2}
# MetaGraphDef{meta_info_def=1, graph_def=2, saver_def=3, signature_def=5, object_graph_def=7}
# MetaInfoDef{meta_graph_version=1, tags=4, tensorflow_version=5}
# GraphDef{node=1, library=2, versions=4}; VersionDef{producer=1, min_consumer=2}
# NodeDef{name=1, op=2, input=3, device=4, attr=5 (map entry key=1, value=2)}
# AttrValue{s=2, i=3, type=6, func=10}; NameAttrList{name=1}
# FunctionDefLibrary{function=1}; FunctionDef{signature=1, node_def=3, ret=4}; OpDef{name=1}


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb(num, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def pv(num, n):
    return varint(num << 3) + varint(n)


def attr(key, value):
    return pb(5, pb(1, key) + pb(2, value))


def node(name, op, inputs=(), attrs=b"", device=""):
    b = pb(1, name) + pb(2, op)
    for i in inputs:
        b += pb(3, i)
    if device:
        b += pb(4, device)
    return b + attrs


def call(name, fn):
    """A StatefulPartitionedCall node calling function fn (attr f)."""
    return node(name, "StatefulPartitionedCall", ["x"], attr("f", pb(10, pb(1, fn))) + attr("Tin", pv(6, 1)))


def function(name, nodes):
    return pb(1, pb(1, name)) + b"".join(pb(3, n) for n in nodes) + pb(4, pb(1, "out") + pb(2, "y:output:0"))


def graph(nodes, functions=()):
    g = b"".join(pb(1, n) for n in nodes)
    if functions:
        g += pb(2, b"".join(pb(1, f) for f in functions))
    return g + pb(4, pv(1, 1645) + pv(2, 12))


def saved_model(g):
    meta = pb(1, pb(4, "serve") + pb(5, "2.15.0")) + pb(2, g)
    return pv(1, 1) + pb(2, meta)


def const(name):
    return node(name, "Const", attrs=attr("dtype", pv(6, 7)) + attr("value", pb(8, pv(1, 7) + pb(8, b"/tmp/x"))))


def gen_tf():
    base = [node("x", "Placeholder", attrs=attr("dtype", pv(6, 1))), const("path")]
    cases = {
        "t_pyfunc_main.pb": (saved_model(graph(base + [node("hook", "PyFunc", ["x"], attr("token", pb(2, "pyfunc_0")))])),
                             "hook"),
        "t_eagerpyfunc_fn.pb": (saved_model(graph(base + [call("StatefulPartitionedCall", "__inference_serve_11")], [
            function("__inference_serve_11", [node("cb", "EagerPyFunc", ["x"], attr("token", pb(2, "pyfunc_1")))])])),
            "__inference_serve_11/cb"),
        "t_writefile_nested.pb": (saved_model(graph(base + [call("StatefulPartitionedCall", "__inference_outer_20")], [
            function("__inference_outer_20", [call("inner_call", "__inference_inner_21")]),
            function("__inference_inner_21", [node("dump", "WriteFile", ["path", "x"])])])),
            "__inference_inner_21/dump"),
        "t_readfile_frozen.pb": (graph(base + [node("leak", "ReadFile", ["path"]), node("y", "Identity", ["leak"])]), "leak"),
        "t_matchingfiles_frozen.pb": (graph([const("pattern"), node("glob", "MatchingFiles", ["pattern"])]), "glob"),
        "t_pyfuncstateless_fn.pb": (graph(base, [function("helper_fn", [node("p", "PyFuncStateless", ["x"])])]),
                                    "helper_fn/p"),
    }
    for name, (data, key) in cases.items():
        write(name, data)
        expect(name, "malicious", "tensorflow", TF_OP, key)
    benign = [node("x", "Placeholder", attrs=attr("dtype", pv(6, 1))),
              node("w", "VariableV2", attrs=attr("dtype", pv(6, 1))),
              node("m", "MatMul", ["x", "w"]), node("b", "BiasAdd", ["m", "w"]), node("r", "Relu", ["b"]),
              node("saver/filename", "Const"), node("saver/SaveV2", "SaveV2", ["saver/filename"]),
              node("saver/RestoreV2", "RestoreV2", ["saver/filename"])]
    write("benign_t_saved_model.pb", saved_model(graph(benign + [call("StatefulPartitionedCall", "__inference_f_5")], [
        function("__inference_f_5", [node("mm", "MatMul", ["x", "x"]), node("sm", "Softmax", ["mm"])])])))
    write("benign_t_frozen.pb", graph(benign[:5]))
    expect("benign_t_saved_model.pb", "benign", "tensorflow")
    expect("benign_t_frozen.pb", "benign", "tensorflow")
    # keras_metadata.pb: SavedMetadata{nodes=1}; SavedObject{version=1,
    # node_id=2, node_path=3, identifier=4, metadata=5}; VersionDef{producer=1}
    def saved_object(i, path, ident, meta):
        return pb(1, pb(1, pv(1, 2) + pv(2, 1)) + pv(2, i) + pb(3, path) + pb(4, ident) + pb(5, json.dumps(meta)))
    root = {"name": "model", "class_name": "Sequential", "config": keras2([])["config"]}
    lam = {"name": "lambda", "class_name": "Lambda", "config": k2_lambda()["config"], "trainable": True}
    write("t_keras_metadata_lambda.pb", saved_object(0, "root", "_tf_keras_sequential", root) +
          saved_object(3, "root.layer_with_weights-0", "_tf_keras_layer", {"name": "dense", "class_name": "Dense", "config": {}}) +
          saved_object(4, "root.layer-2", "_tf_keras_layer", lam))
    expect("t_keras_metadata_lambda.pb", "malicious", "keras-metadata", K_LAMBDA, "root.layer-2.config.function[0]",
           min="critical")
    write("benign_t_keras_metadata.pb", saved_object(0, "root", "_tf_keras_sequential", root))
    expect("benign_t_keras_metadata.pb", "benign", "keras-metadata")


# ------------------------------------------------------------------ ONNX


def ext_tensor(name, location, dims=(4,)):
    t = helper.make_tensor(name, TensorProto.FLOAT, list(dims), [0.0] * int(np.prod(dims)))
    t.ClearField("float_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", str(4 * int(np.prod(dims))))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


def onnx_model(nodes, inits=(), sparse=(), functions=(), opsets=(("", 13),), training=None):
    g = helper.make_graph(list(nodes), "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
                          [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])], initializer=list(inits),
                          sparse_initializer=list(sparse))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets], functions=list(functions),
                          producer_name="pytorch", producer_version="2.1.0")
    m.ir_version = 8
    if training is not None:
        m.training_info.append(training)
    return m.SerializeToString()


def subgraph(name, inits):
    return helper.make_graph([helper.make_node("Identity", ["X"], ["Z"])], name, [],
                             [helper.make_tensor_value_info("Z", TensorProto.FLOAT, [4])], initializer=list(inits))


def gen_onnx():
    add = helper.make_node("Add", ["X", "W"], ["Y"], name="add")
    locations = {
        "abs_posix": "/etc/passwd", "dotdot": "../../../../home/user/.ssh/id_rsa", "win_abs": "C:\\Windows\\win.ini",
        "win_fwd": "C:/Users/Public/secret.bin", "unc": "\\\\server\\share\\weights.bin", "down_up": "subdir/../../x.bin",
        "win_dotdot": "..\\..\\secret.bin", "dot_dotdot": "./../x.bin", "drive_rel": "D:weights.bin",
        "long_unc": "\\\\?\\C:\\secret.bin",
    }
    for label, loc in locations.items():
        n = "o_%s.onnx" % label
        write(n, onnx_model([add], [ext_tensor("W", loc)]))
        expect(n, "malicious", "onnx", ONNX_PATH, "graph.initializer[W].external_data.location")
    # Elsewhere than top-level initializers.
    if_node = helper.make_node("If", ["C"], ["Y"], name="branch",
                               then_branch=subgraph("then", [ext_tensor("T1", "/etc/shadow")]),
                               else_branch=subgraph("else", []))
    write("o_if_subgraph.onnx", onnx_model([if_node]))
    expect("o_if_subgraph.onnx", "malicious", "onnx", ONNX_PATH,
           "graph.node[branch].attribute[then_branch].g.initializer[T1].external_data.location")
    loop = helper.make_node("Loop", ["M", "C"], ["Y"], name="loop",
                            body=subgraph("body", [ext_tensor("L1", "../secret.bin")]))
    write("o_loop_subgraph.onnx", onnx_model([loop]))
    expect("o_loop_subgraph.onnx", "malicious", "onnx", ONNX_PATH,
           "graph.node[loop].attribute[body].g.initializer[L1].external_data.location")
    sp = helper.make_sparse_tensor(ext_tensor("S", "/proc/self/environ", (2,)),
                                   helper.make_tensor("S_idx", TensorProto.INT64, [2], [0, 1]), [4])
    write("o_sparse.onnx", onnx_model([add], [helper.make_tensor("W", TensorProto.FLOAT, [4], [0.0] * 4)], sparse=[sp]))
    expect("o_sparse.onnx", "malicious", "onnx", ONNX_PATH, "graph.sparse_initializer[S].external_data.location")
    cst = helper.make_node("Constant", [], ["W"], name="const", value=ext_tensor("CW", "/etc/hosts"))
    write("o_attr_tensor.onnx", onnx_model([cst, add]))
    expect("o_attr_tensor.onnx", "malicious", "onnx", ONNX_PATH,
           "graph.node[const].attribute[value].t[CW].external_data.location")
    attr_ts = helper.make_attribute("tensors", [helper.make_tensor("ok", TensorProto.FLOAT, [1], [1.0]),
                                                ext_tensor("AT", "../../boot.ini")])
    custom = helper.make_node("Pack", ["X"], ["Y"], name="pack", domain="com.example")
    custom.attribute.append(attr_ts)
    write("o_attr_tensors.onnx", onnx_model([custom], opsets=(("", 13), ("com.example", 1))))
    expect("o_attr_tensors.onnx", "malicious", "onnx", ONNX_PATH,
           "graph.node[pack].attribute[tensors].tensors[AT].external_data.location")
    ti = onnx.TrainingInfoProto()
    ti.initialization.CopyFrom(subgraph("init", [ext_tensor("R", "/root/.aws/credentials")]))
    write("o_training_info.onnx", onnx_model([add], [helper.make_tensor("W", TensorProto.FLOAT, [4], [0.0] * 4)],
                                             training=ti))
    expect("o_training_info.onnx", "malicious", "onnx", ONNX_PATH,
           "training_info[0].initialization.initializer[R].external_data.location")
    fcst = helper.make_node("Constant", [], ["o"], name="fc", value=ext_tensor("FW", "/etc/passwd"))
    fn = helper.make_function("local.fn", "Leak", ["i"], ["o"], [fcst], [helper.make_opsetid("", 13)])
    write("o_function.onnx", onnx_model([helper.make_node("Leak", ["X"], ["Y"], name="leak", domain="local.fn")],
                                        functions=[fn], opsets=(("", 13), ("local.fn", 1))))
    expect("o_function.onnx", "malicious", "onnx", ONNX_PATH,
           "functions[Leak].node[fc].attribute[value].t[FW].external_data.location")
    # Custom operator domain: medium.
    write("o_custom_domain.onnx", onnx_model([helper.make_node("Backdoor", ["X"], ["Y"], name="bd", domain="org.evil")],
                                             opsets=(("", 13), ("org.evil", 1))))
    expect("o_custom_domain.onnx", "benign", "onnx", ONNX_DOMAIN, "bd")
    # Benign: external data beside the model, names onnx does not decode.
    write("benign_o_external.onnx", onnx_model([add], [ext_tensor("W", "model.onnx.data"),
                                                       ext_tensor("W2", "weights/layer.0.bin")]))
    write("benign_o_percent.onnx", onnx_model([add], [ext_tensor("W", "%2e%2e/weights.bin"),
                                                      ext_tensor("W2", "..weights.bin")]))
    write("benign_o_contrib.onnx", onnx_model([helper.make_node("FusedMatMul", ["X", "X"], ["Y"], name="fm",
                                                                domain="com.microsoft"),
                                               helper.make_node("LinearRegressor", ["X"], ["Z"], domain="ai.onnx.ml")],
                                              opsets=(("", 17), ("com.microsoft", 1), ("ai.onnx.ml", 3))))
    for n in ("benign_o_external.onnx", "benign_o_percent.onnx", "benign_o_contrib.onnx"):
        expect(n, "benign", "onnx")


# ------------------------------------------------------------------ GGUF
# header: magic "GGUF", version u32, tensor_count u64 (u32 in v1), kv_count
# u64; kv: key string, type u32, value; string: u64 length + bytes; tensor
# info: name, n_dims u32, dims u64[], type u32, offset u64; data aligned to
# general.alignment (32).


def gguf(path, kvs, version=3, big=False, tensors=(("token_embd.weight", (8, 4)),)):
    e = ">" if big else "<"

    def s(x):
        x = x.encode()
        return struct.pack(e + "Q", len(x)) + x

    out = b"GGUF" + struct.pack(e + "IQQ", version, len(tensors), len(kvs))
    for k, v in kvs:
        out += s(k)
        if isinstance(v, str):
            out += struct.pack(e + "I", 8) + s(v)
        elif isinstance(v, list):
            out += struct.pack(e + "IIQ", 9, 8, len(v)) + b"".join(s(x) for x in v)
        elif isinstance(v, float):
            out += struct.pack(e + "If", 6, v)
        else:
            out += struct.pack(e + "II", 4, v)
    off = 0
    for name, dims in tensors:
        out += s(name) + struct.pack(e + "I", len(dims)) + b"".join(struct.pack(e + "Q", d) for d in dims)
        out += struct.pack(e + "IQ", 0, off)
        off += 4 * int(np.prod(dims))
        off = (off + 31) // 32 * 32
    out += b"\0" * (-len(out) % 32) + b"\0" * off
    return write(path, out)


def llama_kvs(template, extra=()):
    return [("general.architecture", "llama"), ("general.name", "tiny"), ("general.alignment", 32),
            ("llama.context_length", 2048), ("tokenizer.ggml.model", "llama"),
            ("tokenizer.ggml.tokens", ["<unk>", "<s>", "</s>", "hello"]), ("tokenizer.chat_template", template)] + list(extra)


BENIGN_TEMPLATES = {
    "llama3": "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
    "mistral": "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
    "qwen2": "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
    "gemma": "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}",
    "phi3": "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}",
    "zephyr": "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
    "llama31_tools": "{{- bos_token }}\n{%- if custom_tools is defined %}\n    {%- set tools = custom_tools %}\n{%- endif %}\n{%- if not tools_in_user_message is defined %}\n    {%- set tools_in_user_message = true %}\n{%- endif %}\n{%- if not date_string is defined %}\n    {%- set date_string = \"26 Jul 2024\" %}\n{%- endif %}\n{%- if not tools is defined %}\n    {%- set tools = none %}\n{%- endif %}\n\n{#- This block extracts the system message, so we can slot it into the right place. #}\n{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content']|trim %}\n    {%- set messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = \"\" %}\n{%- endif %}\n\n{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}\n{%- if builtin_tools is defined or tools is not none %}\n    {{- \"Environment: ipython\\n\" }}\n{%- endif %}\n{{- \"Cutting Knowledge Date: December 2023\\n\" }}\n{{- \"Today Date: \" + date_string + \"\\n\\n\" }}\n{%- if tools is not none and not tools_in_user_message %}\n    {{- \"You have access to the following functions. To call a function, please respond with JSON for a function call.\" }}\n    {%- for t in tools %}\n        {{- t | tojson(indent=4) }}\n        {{- \"\\n\\n\" }}\n    {%- endfor %}\n{%- endif %}\n{{- system_message }}\n{{- \"<|eot_id|>\" }}\n{%- for message in messages %}\n    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}\n        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}\n    {%- elif 'tool_calls' in message %}\n        {%- set tool_call = message.tool_calls[0].function %}\n        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}\n        {{- '{\"name\": \"' + tool_call.name + '\", ' }}\n        {{- '\"parameters\": ' }}\n        {{- tool_call.arguments | tojson }}\n        {{- \"}\" }}\n        {{- \"<|eot_id|>\" }}\n    {%- endif %}\n{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n{%- endif %}\n",
    "deepseek_ns": "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{% set ns = namespace(is_first=false, is_tool=false, system_prompt='') %}{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}{%- if message['role'] == 'user' %}{{'<\uff5cUser\uff5c>' + message['content']}}{%- endif %}{%- if message['role'] == 'assistant' %}{{'<\uff5cAssistant\uff5c>' + message['content'] + '<\uff5cend\u2581of\u2581sentence\uff5c>'}}{%- endif %}{%- endfor %}{% if add_generation_prompt %}{{'<\uff5cAssistant\uff5c>'}}{% endif %}",
    "hermes_macro": "{%- macro json_to_python_type(json_spec) %}\n{%- set basic_type_map = {\n    \"string\": \"str\",\n    \"number\": \"float\",\n    \"integer\": \"int\",\n    \"boolean\": \"bool\"\n} %}\n{%- if basic_type_map[json_spec.type] is defined %}\n    {{- basic_type_map[json_spec.type] }}\n{%- elif json_spec.type == \"array\" %}\n    {{- \"list[\" +  json_to_python_type(json_spec|items) + \"]\"}}\n{%- else %}\n    {{- \"Any\" }}\n{%- endif %}\n{%- endmacro %}\n{%- for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{%- endfor %}{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}",
}

HOSTILE_TEMPLATES = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler": "{% for m in messages %}{{ m.content }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('true').read() }}",
    "lipsum": "{{ lipsum.__globals__['os'].popen('true').read() }}",
    "joiner": "{{ joiner.__init__.__globals__['__builtins__']['eval']('1') }}",
    "namespace": "{{ namespace.__init__.__globals__.os.system('true') }}",
    "self_context": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('true').read() }}",
    "request": "{{ request.application.__globals__.__builtins__.__import__('os').popen('true').read() }}",
    "attr_tilde": "{{ lipsum|attr('__glo' ~ 'bals__')|attr('__getitem__')('o' ~ 's')|attr('popen')('true') }}",
    "attr_format": "{{ lipsum|attr('%c%c%s%c%c'|format(95,95,'globals',95,95)) }}",
    "attr_join": "{{ (lipsum|attr(['_','_','glo','bals','_','_']|join))['o'~'s'] }}",
    "attr_replace": "{{ lipsum|attr('XXglobalsXX'|replace('X','_')) }}",
    "attr_reverse": "{{ lipsum|attr('__slabolg__'|reverse) }}",
    "range_class": "{{ range.__class__.__base__.__subclasses__() }}",
    "hex_escape": "{{ lipsum['\\x5f\\x5fglobals\\x5f\\x5f']['\\x6fs'] }}",
    "unicode_escape": "{{ lipsum|attr('\\u005f\\u005fglobals\\u005f\\u005f') }}",
    "octal_escape": "{{ cycler['\\137\\137init\\137\\137'] }}",
    "set_dunder": "{% set u = '_' %}{% set g = u ~ u ~ 'glo' ~ 'bals' ~ u ~ u %}{{ lipsum|attr(g) }}",
    "set_plus": "{% set a = '__' %}{% set b = 'glo' %}{% set c = 'bals' %}{% set n = a + b + c + a %}{{ lipsum[n] }}",
    "underscore_mult": "{% set d = '_' * 2 %}{{ (lipsum|attr(d ~ 'globals' ~ d)) }}",
    "dict_join": "{{ lipsum|attr(dict(__glo=1,bals__=1)|join) }}",
    "select_string": "{% set u = (()|select|string|list)[24] %}{{ lipsum|attr(u*2 ~ 'globals' ~ u*2) }}",
    "map_attribute": "{{ [lipsum]|map(attribute='__globals__')|list }}",
    "named_char": "{{ lipsum['\\N{LOW LINE}\\N{LOW LINE}globals\\N{LOW LINE}\\N{LOW LINE}'] }}",
    "getattr_chain": "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "in_benign": BENIGN_TEMPLATES["qwen2"].replace("{% endfor %}", "{% endfor %}{% if messages|length > 99 %}{{ cycler.__init__.__globals__.os.popen(messages[0]['content']).read() }}{% endif %}"),
}


def gen_gguf():
    for label, t in BENIGN_TEMPLATES.items():
        n = "benign_g_%s.gguf" % label
        gguf(n, llama_kvs(t))
        expect(n, "benign", "gguf")
    for label, t in HOSTILE_TEMPLATES.items():
        n = "g_%s.gguf" % label
        gguf(n, llama_kvs(t))
        expect(n, "malicious", "gguf", GGUF_T, "tokenizer.chat_template", min="critical")
    # Named templates, version 2, big-endian.
    gguf("g_named_tool_use.gguf", llama_kvs(BENIGN_TEMPLATES["llama3"], [
        ("tokenizer.chat_templates", ["tool_use", "rag"]),
        ("tokenizer.chat_template.tool_use", HOSTILE_TEMPLATES["cycler"]),
        ("tokenizer.chat_template.rag", BENIGN_TEMPLATES["phi3"])]))
    expect("g_named_tool_use.gguf", "malicious", "gguf", GGUF_T, "tokenizer.chat_template.tool_use", min="critical")
    gguf("g_v2.gguf", llama_kvs(HOSTILE_TEMPLATES["lipsum"]), version=2)
    expect("g_v2.gguf", "malicious", "gguf", GGUF_T, "tokenizer.chat_template", min="critical")
    gguf("g_bigendian.gguf", llama_kvs(HOSTILE_TEMPLATES["mro"]), big=True)
    expect("g_bigendian.gguf", "malicious", "gguf", GGUF_T, "tokenizer.chat_template", min="critical")
    gguf("benign_g_bigendian.gguf", llama_kvs(BENIGN_TEMPLATES["gemma"]), big=True)
    expect("benign_g_bigendian.gguf", "benign", "gguf")
    gguf("benign_g_v2.gguf", llama_kvs(BENIGN_TEMPLATES["zephyr"]), version=2)
    expect("benign_g_v2.gguf", "benign", "gguf")
    gguf("benign_g_config_items.gguf", llama_kvs("{{ config.items() }}"))
    expect("benign_g_config_items.gguf", "benign", "gguf", GGUF_ODD, "tokenizer.chat_template")


# ------------------------------------------------------------------ safetensors


def st_bytes(tensors, metadata=None, header=None, data=None, pad=b" "):
    """tensors: name -> (dtype, shape, ndarray bytes). Laid out the way the
    safetensors library does: ordered by name, contiguous, header padded
    with spaces to 8 bytes."""
    h = {}
    if metadata is not None:
        h["__metadata__"] = metadata
    blob = b""
    for name, (dt, shape, raw) in sorted(tensors.items()):
        h[name] = {"dtype": dt, "shape": list(shape), "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    hb = header if header is not None else json.dumps(h, separators=(",", ":")).encode()
    hb += pad * (-len(hb) % 8)
    return struct.pack("<Q", len(hb)) + hb + (data if data is not None else blob)


def arr(a):
    return a.tobytes()


PICKLE = b"\x80\x02cposix\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."  # PROTO 2; GLOBAL posix.system; BINUNICODE 'true'; TUPLE1; REDUCE; STOP


def gen_safetensors():
    ts = {"model.embed.weight": ("F32", (4, 8), arr(np.arange(32, dtype="<f4"))),
          "model.norm.weight": ("BF16", (8,), b"\x80\x3f" * 8),
          "lm_head.weight": ("F16", (2, 8), arr(np.ones((2, 8), "<f2"))),
          "scale": ("F64", (), arr(np.array(1.0, "<f8"))),
          "empty": ("I64", (0, 3), b""),
          "mask": ("BOOL", (3,), b"\x01\x00\x01"),
          "q": ("F8_E4M3", (4,), b"\x01\x02\x03\x04")}
    write("benign_s_model.safetensors", st_bytes(ts, {"format": "pt"}))
    write("benign_s_nometa.safetensors", st_bytes({"w": ("I8", (2, 2), b"\x01\x02\x03\x04")}))
    write("benign_s_empty.safetensors", st_bytes({}, {"format": "pt"}))
    for n in ("benign_s_model.safetensors", "benign_s_nometa.safetensors", "benign_s_empty.safetensors"):
        expect(n, "benign", "safetensors")
    one = {"w": ("F32", (2, 2), arr(np.zeros(4, "<f4")))}
    good = st_bytes(one)
    bad = {
        "s_len_beyond.safetensors": struct.pack("<Q", 4096) + good[8:],
        "s_not_json.safetensors": st_bytes({}, header=b'{"w": {"dtype": "F32", "shape": [2,2], "data_offsets": [0,16]', data=b"\0" * 16),
        "s_duplicate.safetensors": st_bytes({}, header=b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', data=b"\0" * 8),
        "s_unknown_dtype.safetensors": st_bytes({"w": ("F128", (1,), b"\0" * 16)}),
        "s_shape_mismatch.safetensors": st_bytes({}, header=b'{"w":{"dtype":"F32","shape":[3,3],"data_offsets":[0,16]}}', data=b"\0" * 16),
        "s_overlap.safetensors": st_bytes({}, header=b'{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}', data=b"\0" * 24),
        "s_gap.safetensors": st_bytes({}, header=b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}', data=b"\0" * 12),
        "s_beyond_data.safetensors": st_bytes({}, header=b'{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', data=b"\0" * 8),
        "s_huge_header_len.safetensors": struct.pack("<Q", 1 << 62) + good[8:],
        "s_negative_offset.safetensors": st_bytes({}, header=b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}', data=b"\0" * 4),
        "s_reversed_offsets.safetensors": st_bytes({}, header=b'{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}', data=b"\0" * 4),
        "s_metadata_nonstring.safetensors": st_bytes({}, header=b'{"__metadata__":{"format":{"x":1}},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', data=b"\0"),
        "s_shape_overflow.safetensors": st_bytes({}, header=b'{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}', data=b""),
        "s_trailing_data.safetensors": good + b"\0" * 64,
    }
    for n, data in bad.items():
        write(n, data)
        expect(n, "malformed", "safetensors", MALFORMED, max="medium")
    # Polyglots.
    write("s_poly_data_pickle.safetensors", st_bytes({"w": ("U8", (len(PICKLE),), PICKLE)}))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr(zipfile.ZipInfo("archive/data.pkl", (2024, 1, 1, 0, 0, 0)), PICKLE)
    zdata = zbuf.getvalue()
    write("s_poly_zip_appended.safetensors", good + zdata)
    write("s_poly_zip_in_data.safetensors", st_bytes({"w": ("U8", (len(zdata),), zdata)}))
    write("s_poly_header_pickle.safetensors", st_bytes(one, header=json.dumps({"w": {"dtype": "F32", "shape": [2, 2],
                                                                                     "data_offsets": [0, 16]}}).encode() + b"\n" + PICKLE))
    write("s_poly_pretty_header.safetensors", st_bytes({}, header=b'{\n  "w": {"dtype": "U8", "shape": [%d], "data_offsets": [0, %d]}\n}' % (len(PICKLE), len(PICKLE)), data=PICKLE))
    for n in ("s_poly_data_pickle.safetensors", "s_poly_zip_appended.safetensors", "s_poly_zip_in_data.safetensors",
              "s_poly_header_pickle.safetensors", "s_poly_pretty_header.safetensors"):
        expect(n, "malicious", "safetensors", None, None)


# ------------------------------------------------------------------ archives and lying names


def gen_archives():
    picks = {"k_ref_os_system_layer.keras": K_DANGER, "h_lambda_vlen_latest.h5": K_LAMBDA,
             "t_writefile_nested.pb": TF_OP, "o_dotdot.onnx": ONNX_PATH, "g_cycler.gguf": GGUF_T,
             "s_poly_data_pickle.safetensors": POLYGLOT}
    os.makedirs("archives", exist_ok=True)
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        for n in picks:
            z.writestr(zipfile.ZipInfo("models/" + n, (2024, 1, 1, 0, 0, 0)), open(n, "rb").read(), zipfile.ZIP_DEFLATED)
    write("archives/bundle.zip", zbuf.getvalue())
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for n in picks:
            data = open(n, "rb").read()
            ti = tarfile.TarInfo("models/" + n)
            ti.size, ti.mtime, ti.mode = len(data), 1704067200, 0o644
            t.addfile(ti, io.BytesIO(data))
    write("archives/bundle.tar.gz", gzip.compress(tbuf.getvalue(), mtime=0))
    with py7zr.SevenZipFile("archives/bundle.7z", "w") as z:
        for n in picks:
            os.utime(n, (1704067200, 1704067200))
            z.write(n, "models/" + n)
    for a in ("archives/bundle.zip", "archives/bundle.tar.gz", "archives/bundle.7z"):
        expect(a, "malicious", None, None, None, min="critical", inner=[["models/" + n, r] for n, r in picks.items()])
    # Lying extensions: found by content.
    os.makedirs("renamed", exist_ok=True)
    for n, ext, fmt, rule in (("k_lambda_functional.keras", "zip", "keras", K_LAMBDA),
                              ("h_os_fixed_earliest.h5", "bin", "hdf5", K_DANGER),
                              ("t_readfile_frozen.pb", "txt", "tensorflow", TF_OP),
                              ("o_unc.onnx", "dat", "onnx", ONNX_PATH), ("g_bigendian.gguf", "json", "gguf", GGUF_T),
                              ("s_poly_zip_appended.safetensors", "pt", "safetensors", None)):
        dst = "renamed/%s.%s" % (n.rsplit(".", 1)[0], ext)
        write(dst, open(n, "rb").read())
        expect(dst, "malicious", fmt, rule, None)


if __name__ == "__main__":
    gen_keras()
    gen_h5()
    gen_tf()
    gen_onnx()
    gen_gguf()
    gen_safetensors()
    gen_archives()
    with open("expected.json", "w") as f:
        json.dump(EXPECTED, f, indent=1, sort_keys=True)
        f.write("\n")
