#!/usr/bin/python3
"""Writes the fixtures of scan/formats/testdata/formats. Run with /usr/bin/python3
(h5py 3.7, numpy 1.24, onnx 1.12) from this folder. Nothing here loads or
runs a model: Keras configs, protobuf graphs, GGUF and safetensors files
are written byte by byte, and the Lambda bytecode is marshal.dumps of a
code object that is never called. Payloads are harmless (`true`).

File names: benign_* must get nothing above medium; odd_* a medium finding;
mal_* at least high; bad_* a malformed-format finding.
"""
import base64
import io
import json
import marshal
import struct
import zipfile

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper

# ---------------------------------------------------------------- Keras


def layer(module, cls, config, registered=None):
    """A Keras 3 serialised object: module, class_name, config, registered_name."""
    return {"module": module, "class_name": cls, "config": config, "registered_name": registered}


def dense(name, units):
    return layer("keras.layers", "Dense", {
        "name": name, "units": units, "activation": "relu",
        "kernel_initializer": layer("keras.initializers", "GlorotUniform", {"seed": None}),
        "bias_initializer": layer("keras.initializers", "Zeros", {}),
    })


def sequential(layers):
    return layer("keras", "Sequential", {"name": "sequential", "layers": [
        layer("keras.layers", "InputLayer", {"batch_shape": [None, 8], "name": "input_layer"})] + layers})


def lambda_code():
    # The code object of a lambda that would run a shell command: marshalled,
    # never called. co_names: __import__, system.
    f = lambda x: __import__("os").system("true") or x  # noqa: E731
    return base64.b64encode(marshal.dumps(f.__code__)).decode()


def keras_zip(name, config):
    """A .keras archive: config.json, metadata.json, model.weights.h5."""
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        f.create_group("layers/dense/vars").create_dataset("0", data=np.zeros((8, 4), "f4"), track_times=False)
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in (("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2024-01-01@00:00:00"})),
                             ("config.json", json.dumps(config)), ("model.weights.h5", weights.getvalue())):
            z.writestr(zipfile.ZipInfo(member, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


keras_zip("benign_sequential.keras", sequential([dense("dense", 4)]))
# Keras 3 Lambda: function is a __lambda__ object with base64 marshal code.
keras_zip("mal_lambda.keras", sequential([dense("dense", 4), layer("keras.layers", "Lambda", {
    "name": "lambda", "function": {"class_name": "__lambda__", "config": {
        "code": lambda_code(), "defaults": None, "closure": None}}, "arguments": {}})]))
# CVE-2025-1550 style: a layer object whose module/class_name is os.system.
keras_zip("mal_module_os.keras", sequential([dense("dense", 4), layer("os", "system", {"command": "true"})]))
# A function reference (class_name "function", name in config) to builtins.exec,
# nested in a functional model inside a TimeDistributed wrapper.
keras_zip("mal_nested_function.keras", layer("keras", "Functional", {"name": "outer", "layers": [
    layer("keras.layers", "TimeDistributed", {"name": "td", "layer": layer("keras.layers", "Dense", {
        "name": "inner", "units": 2,
        "activation": layer("builtins", "function", "exec", "function")})})]}))
# A registered custom object: Medium only.
keras_zip("benign_custom.keras", sequential([layer("my_pkg.layers", "MyLayer", {"name": "mine"}, "MyPkg>MyLayer")]))

# ---------------------------------------------------------------- Keras HDF5


def keras2_model(extra):
    """A Keras 2 model_config (class_name/config, no module fields)."""
    layers = [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, 8], "name": "input_1"}},
              {"class_name": "Dense", "config": {"name": "dense", "units": 4, "activation": "relu"}}]
    return json.dumps({"class_name": "Sequential", "config": {"name": "sequential", "layers": layers + extra}})


def untimed_h5(name, libver):
    """An HDF5 file without object modification times, so that fixtures
    come out byte for byte the same on every run."""
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(*{"earliest": (h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_LATEST),
                             "v108": (h5py.h5f.LIBVER_V18, h5py.h5f.LIBVER_V18),
                             "latest": (h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)}[libver])
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    return h5py.File(h5py.h5f.create(name.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def untimed_group(parent, name):
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)
    return h5py.Group(h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl))


def keras_h5(name, libver, config, dense_attrs=False, fixed=False):
    """Root attributes as Keras 2 writes them (model_config, training_config,
    keras_version, backend) and a model_weights group. dense_attrs adds
    attributes until HDF5 moves them to dense storage (fractal heap);
    fixed writes model_config as a fixed-length string."""
    with untimed_h5(name, libver) as f:
        if fixed:
            raw = config.encode()
            f.attrs.create("model_config", data=np.array(raw, dtype="S%d" % len(raw)))
        else:
            f.attrs["model_config"] = config.encode()
        f.attrs["training_config"] = json.dumps({"loss": "mse", "optimizer_config": {
            "class_name": "Adam", "config": {"learning_rate": 0.001}}})
        f.attrs["keras_version"] = "2.13.1"
        f.attrs["backend"] = "tensorflow"
        if dense_attrs:
            for i in range(12):
                f.attrs["extra_%d" % i] = "value %d" % i
        w = untimed_group(f, "model_weights")
        w.attrs["layer_names"] = [b"dense"]
        g = untimed_group(untimed_group(w, "dense"), "dense")
        g.create_dataset("kernel:0", data=np.zeros((8, 4), "f4"), track_times=False)
        g.create_dataset("bias:0", data=np.zeros((4,), "f4"), track_times=False)


keras2_lambda = {"class_name": "Lambda", "config": {"name": "lambda", "function": [lambda_code(), None, None],
                                                    "function_type": "lambda", "module": "__main__", "arguments": {}}}
keras2_os = {"module": "os", "class_name": "system", "config": {"command": "true"}, "registered_name": None}
# Superblock 0 with object header 1 (earliest), 2 (v108) and 3 (latest).
for lv in ("earliest", "v108", "latest"):
    keras_h5("benign_keras2_%s.h5" % lv, lv, keras2_model([]))
    keras_h5("mal_lambda_%s.h5" % lv, lv, keras2_model([keras2_lambda]))
    keras_h5("mal_module_os_%s.h5" % lv, lv, keras2_model([keras2_os]))
# A 512-byte user block before the superblock (h5py userblock_size).
with h5py.File("mal_module_os_userblock.h5", "w", libver="earliest", userblock_size=512) as f:
    f.attrs["model_config"] = keras2_model([keras2_os]).encode()
# Keras 2 TFOpLambda calling tf.io.write_file when the model runs.
keras_h5("mal_tfoplambda_earliest.h5", "earliest", keras2_model([{"class_name": "TFOpLambda", "config": {
    "name": "tf.io.write_file", "function": "io.write_file"}}]))
# Dense attribute storage: managed objects in a fractal heap.
keras_h5("mal_lambda_dense.h5", "latest", keras2_model([keras2_lambda]), dense_attrs=True)
# A fixed-length model_config over 64 KiB: a huge object of the fractal heap.
keras_h5("mal_module_os_huge.h5", "latest",
         keras2_model([{"class_name": "Dense", "config": {"name": "d%d" % i, "units": 4}} for i in range(1500)] + [keras2_os]),
         fixed=True)

# ---------------------------------------------------------------- protobuf


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def fld(num, payload):
    """A length-delimited field (wire type 2)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def fvar(num, n):
    """A varint field (wire type 0)."""
    return varint(num << 3) + varint(n)


# ---------------------------------------------------------------- TensorFlow
# NodeDef{name=1, op=2, input=3, device=4, attr=5}; GraphDef{node=1,
# library=2, versions=4 (VersionDef{producer=1})}; FunctionDefLibrary{
# function=1}; FunctionDef{signature=1 (OpDef{name=1}), node_def=3};
# MetaGraphDef{meta_info_def=1 (MetaInfoDef{tags=4}), graph_def=2};
# SavedModel{saved_model_schema_version=1, meta_graphs=2}.


def node(name, op, *inputs):
    return fld(1, name) + fld(2, op) + b"".join(fld(3, i) for i in inputs)


def graph(nodes, functions=()):
    body = b"".join(fld(1, n) for n in nodes)
    if functions:
        body += fld(2, b"".join(fld(1, f) for f in functions))
    return body + fld(4, fvar(1, 1087))


def function(name, nodes):
    return fld(1, fld(1, name)) + b"".join(fld(3, n) for n in nodes)


def saved_model(g):
    meta = fld(1, fld(4, "serve")) + fld(2, g)
    return fvar(1, 1) + fld(2, meta)


benign_nodes = [node("x", "Placeholder"), node("w", "Const"), node("y", "MatMul", "x", "w")]
saver = function("__inference_save_12", [node("saver/filename", "Const"), node("SaveV2", "SaveV2", "saver/filename"),
                                          node("MergeV2Checkpoints", "MergeV2Checkpoints", "SaveV2")])
open("benign_frozen.pb", "wb").write(graph(benign_nodes))
open("benign_saved_model.pb", "wb").write(saved_model(graph(benign_nodes, [saver])))
open("mal_readfile.pb", "wb").write(graph(benign_nodes + [node("steal/path", "Const"),
                                                          node("steal/read", "ReadFile", "steal/path")]))
open("mal_pyfunc_saved_model.pb", "wb").write(saved_model(graph(benign_nodes, [
    saver, function("__inference_call_34", [node("hook", "PyFunc", "x"), node("dump", "WriteFile")])])))

# keras_metadata.pb (Keras 2 SavedModel): SavedMetadata{nodes=1};
# SavedObject{version=1 (VersionDef{producer=1}), node_id=2, node_path=3,
# identifier=4, metadata=5 (JSON of the Keras object)}.


def saved_object(node_id, path, ident, meta):
    return fld(1, fld(1, fvar(1, 2)) + fvar(2, node_id) + fld(3, path) + fld(4, ident) + fld(5, json.dumps(meta)))


seq_meta = {"name": "sequential", "class_name": "Sequential", "config": {"name": "sequential", "layers": []}}
dense_meta = {"name": "dense", "class_name": "Dense", "config": {"name": "dense", "units": 4}}
open("benign_keras_metadata.pb", "wb").write(saved_object(0, "root", "_tf_keras_sequential", seq_meta) +
                                             saved_object(1, "root.layer_with_weights-0", "_tf_keras_layer", dense_meta))
open("mal_lambda_keras_metadata.pb", "wb").write(
    saved_object(0, "root", "_tf_keras_sequential", seq_meta) +
    saved_object(1, "root.layer-1", "_tf_keras_layer", {"name": "lambda", "class_name": "Lambda", "config": {
        "name": "lambda", "function": [lambda_code(), None, None], "function_type": "lambda", "module": "__main__"}}))

# ---------------------------------------------------------------- ONNX


def onnx_model(name, nodes, inits, opsets=(("", 13),)):
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], inits)
    m = helper.make_model(g, producer_name="gen.py",
                          opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    open(name, "wb").write(m.SerializeToString())


def external(name, location):
    t = helper.make_tensor(name, TensorProto.FLOAT, [2], [0.0, 0.0])
    t.ClearField("float_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", "8")):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


add = helper.make_node("Add", ["x", "W"], ["y"], name="add")
onnx_model("benign_add.onnx", [add], [helper.make_tensor("W", TensorProto.FLOAT, [2], [1.0, 2.0])])
onnx_model("benign_external.onnx", [add], [external("W", "weights/W.bin")])
onnx_model("mal_traversal.onnx", [add], [external("W", "../../../../etc/passwd")])
onnx_model("mal_absolute.onnx", [add], [external("W", "/etc/shadow")])
# A model-local function (FunctionProto, ModelProto field 25) in domain
# "local.fn", called from the graph: not a custom native operator.
fn = helper.make_function("local.fn", "AddTwice", ["a", "b"], ["c"],
                          [helper.make_node("Add", ["a", "b"], ["t"]), helper.make_node("Add", ["t", "b"], ["c"])],
                          [helper.make_opsetid("", 13)])
g = helper.make_graph([helper.make_node("AddTwice", ["x", "W"], ["y"], name="twice", domain="local.fn")], "g",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
                      [helper.make_tensor("W", TensorProto.FLOAT, [2], [1.0, 2.0])])
open("benign_local_function.onnx", "wb").write(helper.make_model(
    g, functions=[fn], opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("local.fn", 1)]).SerializeToString())
onnx_model("odd_custom_domain.onnx", [helper.make_node("Evil", ["x", "W"], ["y"], name="evil", domain="com.example.evil")],
           [helper.make_tensor("W", TensorProto.FLOAT, [2], [1.0, 2.0])], opsets=(("", 13), ("com.example.evil", 1)))

# ---------------------------------------------------------------- GGUF
# header: magic "GGUF", version u32, tensor_count u64 (u32 in v1),
# kv_count u64; each kv: key (u64 length + bytes), type u32, value.
# Types: 4 UINT32, 8 STRING, 9 ARRAY (elem type u32, count u64, values).

LLAMA3 = ("{% set loop_messages = messages %}{% for message in loop_messages %}"
          "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
          "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
          "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
# CVE-2024-34359 (llama-cpp-python): the template reaches os.popen through
# jinja2 internals; the command is harmless.
SSTI = ("{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}"
        "{{ x()._module.__builtins__['__import__']('os').popen(\"true\").read() }}{% endif %}{% endfor %}" + CHATML)


def gstr(s, wide=True):
    b = s.encode()
    return (struct.pack("<Q", len(b)) if wide else struct.pack("<I", len(b))) + b


def gguf(name, version, kvs):
    wide = version > 1
    out = b"GGUF" + struct.pack("<I", version)
    out += struct.pack("<QQ" if wide else "<II", 0, len(kvs))
    for k, (t, v) in kvs:
        out += gstr(k, wide) + struct.pack("<I", t)
        if t == 8:
            out += gstr(v, wide)
        elif t == 4:
            out += struct.pack("<I", v)
        elif t == 9:
            out += struct.pack("<I", 8) + (struct.pack("<Q", len(v)) if wide else struct.pack("<I", len(v)))
            out += b"".join(gstr(s, wide) for s in v)
    open(name, "wb").write(out)


base = [("general.architecture", (8, "llama")), ("general.name", (8, "tiny")),
        ("llama.context_length", (4, 2048)), ("tokenizer.ggml.tokens", (9, ["<s>", "</s>", "a", "b"]))]
gguf("benign_llama3_v3.gguf", 3, base + [("tokenizer.chat_template", (8, LLAMA3))])
gguf("benign_chatml_v2.gguf", 2, base + [("tokenizer.chat_template", (8, CHATML)),
                                        ("tokenizer.chat_template.tool_use", (8, CHATML))])
gguf("benign_chatml_v1.gguf", 1, base + [("tokenizer.chat_template", (8, CHATML))])
gguf("mal_ssti_v3.gguf", 3, base + [("tokenizer.chat_template", (8, SSTI))])
gguf("mal_ssti_named_v2.gguf", 2, base + [("tokenizer.chat_template", (8, CHATML)),
                                         ("tokenizer.chat_template.rag", (8, SSTI))])

# ---------------------------------------------------------------- safetensors
# 8-byte little-endian header length, JSON header {name: {dtype, shape,
# data_offsets [begin, end)}, "__metadata__": {str: str}}, padded with
# spaces, then the data region.


def safetensors(name, tensors, metadata=None, header=None, data=None):
    hdr, blob = {}, b""
    for k, arr in tensors.items():
        raw = arr.tobytes()
        hdr[k] = {"dtype": {"float32": "F32", "int64": "I64", "uint8": "U8"}[str(arr.dtype)],
                  "shape": list(arr.shape), "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    if metadata is not None:
        hdr["__metadata__"] = metadata
    h = (header if header is not None else json.dumps(hdr)).encode()
    h += b" " * (-len(h) % 8)
    open(name, "wb").write(struct.pack("<Q", len(h)) + h + (data if data is not None else blob))


w = {"w": np.arange(6, dtype="float32").reshape(2, 3), "b": np.zeros(3, dtype="float32")}
safetensors("benign_model.safetensors", w, {"format": "pt"})
# A tensor of bytes that is a pickle (never loaded): data region starts with PROTO 4, FRAME.
pkl = b"\x80\x04\x95\x19\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94."
safetensors("mal_polyglot_pickle.safetensors", {"a": np.frombuffer(pkl, dtype="uint8")})
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w") as z:
    z.writestr(zipfile.ZipInfo("archive/data.pkl", (2024, 1, 1, 0, 0, 0)), pkl)
safetensors("mal_polyglot_zip.safetensors", {"a": np.frombuffer(zbuf.getvalue(), dtype="uint8")})
safetensors("bad_overlap.safetensors", {}, header=json.dumps({
    "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
    "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}), data=b"\0" * 12)
safetensors("bad_shape.safetensors", {}, header=json.dumps({
    "a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}), data=b"\0" * 8)
safetensors("bad_dtype.safetensors", {}, header=json.dumps({
    "a": {"dtype": "Q7", "shape": [2], "data_offsets": [0, 8]}, "__metadata__": {"n": 1}}), data=b"\0" * 8)
open("bad_truncated.safetensors", "wb").write(struct.pack("<Q", 1 << 20) + b'{"a": {"dtype": "F32"')
