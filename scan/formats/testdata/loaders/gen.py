#!/usr/bin/python3
"""Writes the samples of scan/formats/testdata/loaders and expected.json.

Each sample holds one row of docs/loaders.md: a file that the real loader
reads in a way a naive reader would not (field order, encodings, names as
Python's zipfile gives them, folders, budgets). Run with /usr/bin/python3
(h5py 3.7, numpy 1.24, onnx 1.12, protobuf 3.21) from this folder. It only
writes files: nothing is loaded or run. Keras configs are JSON written
here (Keras is not packaged by Debian), TensorFlow protobufs are encoded
field by field, ONNX models are built with onnx.helper and serialised by
protobuf, then reordered or split at the wire level. Lambda bytecode is
marshal.dumps of a code object never called; payloads are harmless
(`true`).

expected.json uses the vocabulary of ../format_variants/gen.py (verdict,
format, rule, key, min, max).
"""
import importlib.util
import json
import os
import zipfile

import h5py
import numpy as np
from onnx import TensorProto, helper

spec = importlib.util.spec_from_file_location("fv", os.path.join("..", "format_variants", "gen.py"))
fv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fv)
EXPECTED = fv.EXPECTED
expect, write, pb, pv, node, attr = fv.expect, fv.write, fv.pb, fv.pv, fv.node, fv.attr
K_LAMBDA, TF_OP, ONNX_PATH, INCONCLUSIVE = "MG101", "MG110", "MG120", "MG006"


def keras_members(path, members, method=zipfile.ZIP_DEFLATED):
    """A zip of (name, bytes) members; a name may hold a NUL, patched in
    after writing (zipfile cuts names at NUL when it builds a ZipInfo)."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name.replace("\0", "#"), (2024, 7, 1, 12, 0, 0)), data, method)
    data = open(path, "rb").read()
    for name, _ in members:
        if "\0" in name:
            data = data.replace(name.replace("\0", "#").encode(), name.encode())
    write(path, data)


def gen_keras():
    lam = json.dumps(fv.sequential([fv.dense("dense", 16), fv.lambda3()]))
    benign = json.dumps(fv.sequential([fv.dense("dense", 16)]))
    meta = json.dumps({"keras_version": "3.4.1", "date_saved": "2024-07-01@12:00:00"})
    weights = fv.h5_weights()
    key = "config.layers[2].config.function"
    cases = {
        "l_keras_no_metadata.keras": [("config.json", lam), ("model.weights.h5", weights)],
        "l_keras_nul_name.keras": [("metadata.json", meta), ("config.json\0.orig", lam), ("model.weights.h5", weights)],
        "l_keras_dup_config.keras": [("metadata.json", meta), ("config.json", benign), ("config.json", lam)],
        "l_keras_utf16.keras": [("metadata.json", meta), ("config.json", lam.encode("utf-16"))],
        "l_keras_utf32le.keras": [("metadata.json", meta), ("config.json", lam.encode("utf-32-le"))],
        "l_keras_utf8_bom.keras": [("metadata.json", meta), ("config.json", lam.encode("utf-8-sig"))],
        "l_keras_nan.keras": [("metadata.json", meta), ("config.json", json.dumps(
            fv.sequential([fv.dense("dense", 16), fv.lambda3()], extra_nan=float("nan"))))],
    }
    for name, members in cases.items():
        keras_members(name, members)
        expect(name, "malicious", "keras", K_LAMBDA, key, min="critical")
    # A repeated key keeps its last value in Python: Dense, then Lambda.
    dup = lam.replace('"class_name": "Lambda"', '"class_name": "Dense", "class_name": "Lambda"', 1)
    keras_members("l_keras_dup_key.keras", [("metadata.json", meta), ("config.json", dup)])
    expect("l_keras_dup_key.keras", "malicious", "keras", K_LAMBDA, key, min="critical")
    # Keras 3 versions that store weights as model.weights.npz load it with
    # np.load(allow_pickle=True): an object array in it is unpickled.
    import io

    class Marker:
        def __reduce__(self):
            return (os.system, ("true",))
    npz = io.BytesIO()
    np.savez(npz, vars=np.array([Marker()], dtype=object))
    keras_members("l_keras_npz_weights.keras", [("metadata.json", meta), ("config.json", benign),
                                                ("model.weights.npz", npz.getvalue())])
    expect("l_keras_npz_weights.keras", "malicious", "keras", "MG001", min="critical")
    # zipfile reads LZMA (14) and bzip2 (12) members, so Keras does.
    for name, method in (("l_keras_lzma_config.keras", zipfile.ZIP_LZMA),
                         ("l_keras_bzip2_config.keras", zipfile.ZIP_BZIP2)):
        keras_members(name, [("metadata.json", meta), ("config.json", lam), ("model.weights.h5", weights)], method)
        expect(name, "malicious", "keras", K_LAMBDA, key, min="critical")
    keras_members("benign_l_keras_lzma_config.keras", [("metadata.json", meta), ("config.json", benign)], zipfile.ZIP_LZMA)
    expect("benign_l_keras_lzma_config.keras", "benign", "keras")
    keras_members("benign_l_keras_no_metadata.keras", [("config.json", benign), ("model.weights.h5", weights)])
    expect("benign_l_keras_no_metadata.keras", "benign", "keras")
    for folder, cfg, verdict in (("l_keras_folder", lam, "malicious"), ("benign_l_keras_folder", benign, "benign")):
        os.makedirs(folder, exist_ok=True)
        write(folder + "/config.json", cfg.encode())
        write(folder + "/metadata.json", meta.encode())
        write(folder + "/model.weights.h5", weights)
        if verdict == "malicious":
            expect(folder + "/config.json", verdict, "keras-folder", K_LAMBDA, key, min="critical")
        else:
            expect(folder + "/config.json", verdict, "keras-folder")
    os.makedirs("benign_l_hf_model", exist_ok=True)
    write("benign_l_hf_model/config.json", json.dumps({"architectures": ["BertModel"], "model_type": "bert",
                                                        "hidden_size": 8, "layer_norm_eps": float("nan")}).encode())
    expect("benign_l_hf_model/config.json", "benign", "none")


def gen_keras_h5():
    lam = fv.keras2([fv.k2_lambda()])
    padded = dict(lam)
    # Sorted before "config": custom objects that fill the fact budget.
    padded["_custom_objects"] = [{"module": "acme_layers.blocks", "class_name": "Block%d" % i,
                                  "registered_name": "acme_layers>Block%d" % i} for i in range(1001)]
    fv.keras_h5("l_h5_fact_budget.h5", padded)
    expect("l_h5_fact_budget.h5", "malicious", "hdf5", K_LAMBDA, "model_config.config.layers[2].config.function[0]",
           min="critical")
    deep = dict(lam)
    v = {}
    for _ in range(600):
        v = {"a": v}
    deep["_deep"] = v
    fv.keras_h5("l_h5_deep.h5", deep)
    expect("l_h5_deep.h5", "malicious", "hdf5", INCONCLUSIVE)


# A protocol 0 pickle that calls os.system('true') and returns '0.15.2':
# PyTables unpickles a bytes attribute that ends with "." when it reads it.
PAYLOAD = b"cposix\nsystem\n(S'true'\ntR0S'0.15.2'\np0\n."


def fixed_objects(df, dst):
    """pandas' fixed format, whose object column PyTables stores as a
    VLArray of ObjectAtom (each row a pickle loaded when the frame is
    read). pandas lets PyTables size the chunks (65536 rows, 1 MiB): the
    generator asks for chunks of 4 rows, deflated, through the same call."""
    import tables
    create = tables.File.create_vlarray

    def small(self, where, name, atom=None, *args, **kw):
        kw.update(chunkshape=(4,), filters=tables.Filters(9, "zlib"))
        return create(self, where, name, atom, *args, **kw)
    tables.File.create_vlarray = small
    try:
        df.to_hdf(dst, "df", format="fixed", mode="w")
    finally:
        tables.File.create_vlarray = create


def gen_pytables():
    import pandas as pd
    df = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    df.to_hdf("benign_l_pandas_table.h5", "df", format="table", mode="w")
    expect("benign_l_pandas_table.h5", "benign", "hdf5")
    df.to_hdf("l_pandas_pickled_attr.h5", "df", format="table", mode="w")
    with h5py.File("l_pandas_pickled_attr.h5", "r+") as f:
        f["df"].attrs["pandas_version"] = np.bytes_(PAYLOAD)
    expect("l_pandas_pickled_attr.h5", "malicious", "hdf5", "MG001", min="critical")
    # Object columns in the fixed format: a VLArray of ObjectAtom, each
    # row a pickle PyTables loads when the frame is read.
    fixed_objects(df, "benign_l_pandas_fixed_objects.h5")
    assert pd.read_hdf("benign_l_pandas_fixed_objects.h5", "df").equals(df)
    expect("benign_l_pandas_fixed_objects.h5", "benign", "hdf5")

    class Marker:
        def __reduce__(self):
            return (os.system, ("true",))
    fixed_objects(pd.DataFrame({"a": [1.0, 2.0], "b": ["x", Marker()]}), "l_pandas_fixed_object_row.h5")
    expect("l_pandas_fixed_object_row.h5", "malicious", "hdf5", "MG001", min="critical")
    # New-style groups with dense link storage (more than 8 links), the
    # value on a dataset three levels down.
    with h5py.File("l_h5_dense_links_pickle.h5", "w", libver="latest") as f:
        for i in range(20):
            g = f.create_group("g%02d" % i)
        d = g.create_group("inner").create_dataset("values", data=np.zeros(4))
        d.attrs["kind"] = np.bytes_(PAYLOAD)
    expect("l_h5_dense_links_pickle.h5", "malicious", "hdf5", "MG001", min="critical")
    # A user block before the superblock, and a name that says nothing.
    with h5py.File("l_h5_userblock_pickle.dat", "w", userblock_size=512) as f:
        f.create_group("df").attrs["info"] = np.bytes_(PAYLOAD)
    expect("l_h5_userblock_pickle.dat", "malicious", "hdf5", "MG001", min="critical")


def gen_committed():
    """model_config written with a committed (named) datatype: the
    attribute message refers to a shared datatype."""
    cfg = json.dumps(fv.keras2([fv.k2_lambda()]))
    with h5py.File("l_h5_committed_vlen.h5", "w") as f:
        f["utf8_t"] = h5py.string_dtype()
        f.attrs.create("model_config", data=cfg, dtype=f["utf8_t"])
        f.attrs["keras_version"] = "2.12.0"
    with h5py.File("l_h5_committed_fixed.h5", "w") as f:
        f["fixed_t"] = np.dtype("S%d" % len(cfg))
        f.attrs.create("model_config", data=np.bytes_(cfg), dtype=f["fixed_t"])
    for name in ("l_h5_committed_vlen.h5", "l_h5_committed_fixed.h5"):
        expect(name, "malicious", "hdf5", K_LAMBDA, "model_config.config.layers[2].config.function[0]", min="critical")


XZ_FILTERS = {"x86": "FILTER_X86", "arm": "FILTER_ARM", "armthumb": "FILTER_ARMTHUMB", "powerpc": "FILTER_POWERPC",
              "sparc": "FILTER_SPARC", "ia64": "FILTER_IA64", "delta": "FILTER_DELTA"}


def machine_code():
    """Bytes with the branch patterns every converter rewrites (x86
    E8/E9 calls, ARM BL, Thumb BL pairs, PowerPC bl, SPARC call), so that
    decoding them wrongly changes the content."""
    import random
    rnd = random.Random(17)
    out = bytearray()
    for i in range(3000):
        k = i % 8
        if k == 0:
            out += bytes([0xE8]) + rnd.randrange(-4096, 4096).to_bytes(4, "little", signed=True)
        elif k == 1:
            out += rnd.randrange(1 << 24).to_bytes(3, "little") + b"\xeb"
        elif k == 2:
            out += bytes([rnd.randrange(256), 0xF0 | rnd.randrange(8), rnd.randrange(256), 0xF8 | rnd.randrange(8)])
        elif k == 3:
            out += (0x48000001 | rnd.randrange(1 << 24) << 2).to_bytes(4, "big")
        elif k == 4:
            out += (0x40000000 | rnd.randrange(1 << 22)).to_bytes(4, "big")
        elif k == 5:
            out += (0x94000000 | rnd.randrange(1 << 26)).to_bytes(4, "little")  # ARM64 BL
        elif k == 6:
            out += (0x90000000 | rnd.randrange(4) << 29 | rnd.randrange(1 << 16) << 5).to_bytes(4, "little")  # ADRP
        else:
            out += bytes(rnd.randrange(256) for _ in range(3))
    # IA-64 bundles: a template whose slots may branch, then random slots
    # (about one in sixteen of which is an IP-relative branch).
    for _ in range(2000):
        out += bytes([rnd.choice([16, 17, 18, 19, 22, 23, 24, 25, 28, 29])]) + bytes(rnd.randrange(256) for _ in range(15))
    return bytes(out)


def gen_xz():
    """xz streams with a branch converter or delta filter before LZMA2,
    as lzma.open(filters=...) writes them; joblib.load opens any xz file
    with lzma. The sha256 of each content is kept for the decoder test."""
    import hashlib
    import lzma
    import pickle
    os.makedirs("xz", exist_ok=True)
    sums = {}
    content = pickle.dumps({"vocabulary": {"a": 1, "b": 2}, "blob": machine_code()}, protocol=2)
    for name, fid in XZ_FILTERS.items():
        f = {"id": getattr(lzma, fid)}
        if name == "delta":
            f["dist"] = 4
        data = lzma.compress(content, format=lzma.FORMAT_XZ, filters=[f, {"id": lzma.FILTER_LZMA2, "preset": 6}])
        assert lzma.decompress(data) == content
        write("xz/benign_l_%s.pkl.xz" % name, data)
        expect("xz/benign_l_%s.pkl.xz" % name, "benign")
        sums["benign_l_%s.pkl.xz" % name] = hashlib.sha256(content).hexdigest()
    # ARM64 (liblzma 5.4): Python's lzma has no name for the filter, the xz
    # tool writes it and lzma.open reads it.
    import subprocess
    data = subprocess.run(["xz", "--format=xz", "--arm64", "--lzma2=preset=6", "-c"], input=content,
                          capture_output=True, check=True).stdout
    assert lzma.decompress(data) == content
    write("xz/benign_l_arm64.pkl.xz", data)
    expect("xz/benign_l_arm64.pkl.xz", "benign")
    sums["benign_l_arm64.pkl.xz"] = hashlib.sha256(content).hexdigest()
    # Small streams of each chain, seeds of the decoder's fuzz target.
    os.makedirs("xz/small", exist_ok=True)
    for name, fid in XZ_FILTERS.items():
        f = {"id": getattr(lzma, fid)}
        if name == "delta":
            f["dist"] = 2
        write("xz/small/%s.xz" % name, lzma.compress(machine_code()[:256], filters=[f, {"id": lzma.FILTER_LZMA2}]))
    # Two streams, the second with another filter.
    two = (lzma.compress(content[:1000], filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]) +
           lzma.compress(content[1000:], filters=[{"id": lzma.FILTER_ARM}, {"id": lzma.FILTER_LZMA2}]))
    assert lzma.decompress(two) == content
    write("xz/benign_l_two_streams.pkl.xz", two)
    expect("xz/benign_l_two_streams.pkl.xz", "benign")
    sums["benign_l_two_streams.pkl.xz"] = hashlib.sha256(content).hexdigest()
    evil = PAYLOAD + b"\n"  # protocol 0: STOP ends it; the newline is not read
    write("xz/l_x86_system.pkl.xz", lzma.compress(evil, filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]))
    expect("xz/l_x86_system.pkl.xz", "malicious", rule="MG001", min="critical")
    # 7z with the same filters, as py7zr writes them (bodgit/sevenzip has
    # no ARM-Thumb nor IA-64 converter of its own).
    import py7zr
    import tempfile

    def seven(path, fid, data):
        with tempfile.NamedTemporaryFile() as tmp:
            tmp.write(data)
            tmp.flush()
            with py7zr.SevenZipFile(path, "w", filters=[{"id": fid}, {"id": py7zr.FILTER_LZMA2}]) as z:
                z.write(tmp.name, "weights.pkl")
        with py7zr.SevenZipFile(path, "r") as z:
            assert z.readall()["weights.pkl"].read() == data
    for name in ("armthumb", "ia64"):
        seven("xz/benign_l_%s.7z" % name, getattr(py7zr, XZ_FILTERS[name]), content)
        expect("xz/benign_l_%s.7z" % name, "benign", "7z")
    seven("xz/l_ia64_system.7z", py7zr.FILTER_IA64, evil)
    expect("xz/l_ia64_system.7z", "malicious", "7z", "MG001", min="critical")
    with open("xz/sha256.json", "w") as fh:
        json.dump(sums, fh, indent=1, sort_keys=True)
        fh.write("\n")


def saved_model_dir(folder, meta):
    os.makedirs(folder, exist_ok=True)
    write(folder + "/saved_model.pb", meta)


def gen_tf():
    base = [node("x", "Placeholder", attrs=attr("dtype", pv(6, 1))), fv.const("path")]
    g = fv.graph(base + [node("dump", "WriteFile", ["path", "x"])])
    info = pb(1, pb(4, "serve") + pb(5, "2.15.0"))
    coll = pb(4, pb(1, "saved_model_main_op") + pb(2, pb(2, pb(1, "dump"))))
    cases = {
        # MetaGraphDef fields in reverse order: collection_def, graph_def, meta_info_def.
        "l_tf_field_order": pv(1, 1) + pb(2, coll + pb(2, g) + info),
        # No saved_model_schema_version at all (proto3 default).
        "l_tf_no_version": pb(2, info + pb(2, g)),
        # The meta graph serialised in two parts: the loader merges them.
        "l_tf_split_meta": pv(1, 1) + pb(2, info + pb(2, fv.graph(base))) + pb(2, pb(2, fv.graph([node("dump", "WriteFile", ["path", "x"])]))),
        # A NodeDef field TensorFlow does not know (99): skipped by protobuf.
        "l_tf_unknown_field": pv(1, 1) + pb(2, info + pb(2, fv.graph(base + [node("dump", "WriteFile", ["path", "x"]) + pb(99, "x")]))),
        # PrintV2 appending to a file.
        "l_tf_printv2_file": pv(1, 1) + pb(2, info + pb(2, fv.graph(base + [node(
            "log", "PrintV2", ["path"], attr("output_stream", pb(2, "file:///tmp/mg_marker")) + attr("end", pb(2, "\n")))]))),
    }
    keys = {"l_tf_printv2_file": "log"}
    for folder, data in cases.items():
        saved_model_dir(folder, data)
        expect(folder + "/saved_model.pb", "malicious", "tensorflow", TF_OP, keys.get(folder, "dump"))
    saved_model_dir("benign_l_tf_printv2_stderr", pv(1, 1) + pb(2, info + pb(2, fv.graph(base + [node(
        "log", "PrintV2", ["path"], attr("output_stream", pb(2, "stderr")))]))))
    expect("benign_l_tf_printv2_stderr/saved_model.pb", "benign", "tensorflow")


PBTXT = """# saved_model.pbtxt: TensorFlow reads it when there is no saved_model.pb
saved_model_schema_version: 1
meta_graphs {
  meta_info_def { tags: "serve" tensorflow_version: "2.15.0" }
  graph_def {
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
    node {
      name: "log"
      op: "Print" 'V2'
      attr: [{ key: "output_stream" value < s: "file:" "///tmp/mg_marker" > }, { key: "end" value { s: "\\n" } }]
    }
    library {
      function {
        signature { name: "__inference_init_7" }
        node_def { name: "dump" op: "WriteFile" input: ["path", "x"] }
      }
    }
    versions { producer: 1645 }
  }
}
"""


def str_const(name, value):
    return node(name, "Const", attrs=attr("dtype", pv(6, 7)) + attr("value", pb(8, pv(1, 7) + pb(8, value))))


def gen_tf_reach():
    """What the loader runs at restore: the saver's restore op (fed the
    variables path through the filename tensor), the init op of signature
    __saved_model_init_op and the functions it calls. Encoded field by
    field as TensorFlow's protos give them (SaverDef 3, SignatureDef 5)."""
    info = pb(1, pb(4, "serve") + pb(5, "2.15.0"))
    x = node("x", "Placeholder", attrs=attr("dtype", pv(6, 1)))

    def saver(prefix):
        return [str_const("save/Const", "model"), str_const("save/tensor_names", "v"),
                str_const("save/shape_and_slices", ""),
                node("save/RestoreV2", "RestoreV2", [prefix, "save/tensor_names", "save/shape_and_slices"]),
                node("save/restore_all", "NoOp", ["^save/RestoreV2"])]
    saver_def = pb(3, pb(1, "save/Const:0") + pb(2, "save/control_dependency:0") + pb(3, "save/restore_all"))
    saved_model_dir("benign_l_tf_saver", pv(1, 1) + pb(2, info + pb(2, fv.graph([x] + saver("save/Const"))) + saver_def))
    expect("benign_l_tf_saver/saved_model.pb", "benign", "tensorflow")
    evil = [x, str_const("save/evil", "/proc/self/environ"), node("save/evil_id", "Identity", ["save/evil"])]
    saved_model_dir("l_tf_restore_const", pv(1, 1) + pb(2, info + pb(2, fv.graph(evil + saver("save/evil_id"))) + saver_def))
    expect("l_tf_restore_const/saved_model.pb", "malicious", "tensorflow", TF_OP, "save/RestoreV2")
    fn = pb(1, pb(1, "__inference_init_5")) + pb(3, str_const("path", "/tmp/mg_marker")) + \
        pb(3, node("write", "WriteFile", ["path:output:0", "path:output:0"]))
    call = node("init_call", "StatefulPartitionedCall", [], attr("f", pb(10, pb(1, "__inference_init_5"))))
    sig = pb(5, pb(1, "__saved_model_init_op") + pb(2, pb(2, pb(1, "__saved_model_init_op") + pb(2, pb(1, "init_call")))))
    saved_model_dir("l_tf_init_function", pv(1, 1) + pb(2, info + pb(2, fv.graph([x, call], [fn])) + sig))
    expect("l_tf_init_function/saved_model.pb", "malicious", "tensorflow", TF_OP, "__inference_init_5/write")
    serve = pb(5, pb(1, "serving_default") + pb(2, pb(2, pb(1, "out") + pb(2, pb(1, "init_call")))))
    saved_model_dir("l_tf_serve_function", pv(1, 1) + pb(2, info + pb(2, fv.graph([x, call], [fn])) + serve))
    expect("l_tf_serve_function/saved_model.pb", "malicious", "tensorflow", TF_OP, "__inference_init_5/write")


def gen_pbtxt():
    os.makedirs("l_tf_pbtxt", exist_ok=True)
    write("l_tf_pbtxt/saved_model.pbtxt", PBTXT.encode())
    expect("l_tf_pbtxt/saved_model.pbtxt", "malicious", "tensorflow", TF_OP, "log")
    expect("l_tf_pbtxt/saved_model.pbtxt", "malicious", "tensorflow", TF_OP, "__inference_init_7/dump")
    os.makedirs("benign_l_tf_pbtxt", exist_ok=True)
    benign = PBTXT.split("    node {\n      name: \"log\"")[0] + "  }\n}\n"
    write("benign_l_tf_pbtxt/saved_model.pbtxt", benign.encode())
    expect("benign_l_tf_pbtxt/saved_model.pbtxt", "benign", "tensorflow")


def gen_safetensors():
    """float16 tensors whose bytes start like a pickle (PROTO 2, then
    EMPTY_LIST, BINPUT...): no loader reads a safetensors file from its
    data region, and those bytes import nothing."""
    w = np.frombuffer(b"\x80\x02]q\x00(K\x01K\x02e." + bytes(range(2, 34)), dtype="<f2")
    b = np.arange(8, dtype="<f2")
    write("benign_l_float16_pickle_like.safetensors", fv.st_bytes({"w": ("F16", w.shape, w.tobytes()),
                                                                  "z": ("F16", b.shape, b.tobytes())}))
    expect("benign_l_float16_pickle_like.safetensors", "benign", "safetensors")


def gzip_member(data, flags=0, extra=b"", name=b"", comment=b"", hcrc=None):
    """A gzip member written field by field (RFC 1952), deflate by zlib."""
    import zlib
    import struct as st
    h = b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\x00\xff"
    if flags & 4:
        h += st.pack("<H", len(extra)) + extra
    if flags & 8:
        h += name + b"\0"
    if flags & 16:
        h += comment + b"\0"
    if flags & 2:
        h += st.pack("<H", hcrc if hcrc is not None else zlib.crc32(h) & 0xFFFF)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = c.compress(data) + c.flush()
    return h + body + st.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def gen_gzip():
    """gzip headers as Python's gzip module reads them (pandas.read_pickle,
    joblib.load): the header CRC16 is skipped unchecked, reserved flags are
    ignored, members follow each other with zero padding between."""
    import gzip
    import pickle
    benign = pickle.dumps({"a": [1, 2, 3]}, protocol=2)
    cases = {
        "l_gzip_bad_header_crc.pkl.gz": (gzip_member(PAYLOAD, flags=2, hcrc=0xBEEF), PAYLOAD, "malicious"),
        "l_gzip_reserved_flags.pkl.gz": (gzip_member(PAYLOAD, flags=0xE0), PAYLOAD, "malicious"),
        "l_gzip_extra_comment_hcrc.pkl.gz": (gzip_member(PAYLOAD, flags=4 | 8 | 16 | 2, extra=b"AB\x02\x00hi", name=b"x.pkl",
                                                         comment=b"c", hcrc=1), PAYLOAD, "malicious"),
        "l_gzip_second_member.pkl.gz": (gzip_member(PAYLOAD[:10]) + b"\0" * 7 + gzip_member(PAYLOAD[10:], flags=2, hcrc=7),
                                        PAYLOAD, "malicious"),
        "benign_l_gzip_bad_header_crc.pkl.gz": (gzip_member(benign, flags=2, hcrc=0xBEEF), benign, "benign"),
    }
    for name, (data, content, verdict) in cases.items():
        assert gzip.decompress(data) == content, name
        write(name, data)
        if verdict == "malicious":
            expect(name, verdict, "gzip", "MG001", min="critical")
        else:
            expect(name, verdict, "gzip")


def onnx_parts(location):
    """ModelProto bytes with ir_version (field 1) removed: (head fields, graph bytes)."""
    from onnx import ModelProto
    w = fv.ext_tensor("W", location)
    add = helper.make_node("Add", ["X", "W"], ["Y"], name="add")
    m = ModelProto()
    m.ParseFromString(fv.onnx_model([add], [w]))
    g = m.graph.SerializeToString()
    m.ClearField("graph")
    m.ClearField("ir_version")
    return m.SerializeToString(), g


def gen_onnx():
    key = "graph.initializer[W].external_data.location"
    trav = "data/" + "../" * 8 + "etc/hostname"
    head, g = onnx_parts(trav)
    write("l_onnx_ir_last.onnx", pb(7, g) + head + pv(1, 8))
    expect("l_onnx_ir_last.onnx", "malicious", "onnx", ONNX_PATH, key)
    head, g = onnx_parts("/etc/hostname")
    write("l_onnx_no_ir.onnx", pb(7, g) + head)
    expect("l_onnx_no_ir.onnx", "malicious", "onnx", ONNX_PATH, key)
    # The graph in two parts: its node first, its initializer later.
    from onnx import GraphProto
    gp = GraphProto()
    gp.ParseFromString(g)
    inits = b"".join(pb(5, t.SerializeToString()) for t in gp.initializer)
    gp.ClearField("initializer")
    write("l_onnx_split_graph.onnx", pv(1, 8) + pb(7, gp.SerializeToString()) + head + pb(7, inits))
    expect("l_onnx_split_graph.onnx", "malicious", "onnx", ONNX_PATH, key)
    head, g = onnx_parts("weights.bin")
    write("benign_l_onnx_ir_last.onnx", pb(7, g) + head + pv(1, 8))
    expect("benign_l_onnx_ir_last.onnx", "benign", "onnx")


if __name__ == "__main__":
    gen_keras()
    gen_keras_h5()
    gen_tf()
    gen_onnx()
    gen_pytables()
    gen_committed()
    gen_xz()
    gen_pbtxt()
    gen_tf_reach()
    gen_safetensors()
    gen_gzip()
    with open("expected.json", "w") as f:
        json.dump(EXPECTED, f, indent=1, sort_keys=True)
        f.write("\n")


def check():
    """Reads each sample the way its loader does (without loading any
    model): zipfile and json.loads for Keras, protobuf for ONNX, and says
    what the loader sees."""
    from onnx import ModelProto
    for e in EXPECTED:
        p = e["path"]
        if p.endswith(".keras"):
            with zipfile.ZipFile(p) as z, z.open("config.json") as f:
                cfg = json.loads(f.read())
            kinds = [l["class_name"] for l in cfg["config"]["layers"]]
            assert ("Lambda" in kinds) == (e["verdict"] == "malicious" and "npz" not in p), (p, kinds)
        elif p.endswith(".onnx"):
            m = ModelProto()
            m.ParseFromString(open(p, "rb").read())
            locs = [d.value for t in m.graph.initializer for d in t.external_data if d.key == "location"]
            assert locs and m.graph.node[0].op_type == "Add", (p, locs)


if __name__ == "__main__":
    check()
