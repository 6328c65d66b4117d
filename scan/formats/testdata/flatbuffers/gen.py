"""Writes the TFLite and onnxruntime adapter fixtures of scan/formats
(flatbuffers_test.go): each model is described in JSON here and written by
the FlatBuffers compiler (Debian's flatbuffers-compiler, flatc) with the
schema subsets beside this script, so the bytes are laid out by the
FlatBuffers library itself. TensorFlow's converter and onnxruntime are not
packaged in Debian.

Run from this folder: /usr/bin/python3 gen.py
"""
import json
import os
import struct
import subprocess
import tempfile


def flatc(schema, name, obj, ext):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, name + ".json")
        with open(src, "w") as f:
            json.dump(obj, f)
        subprocess.run(["flatc", "-b", "-o", d, schema, src], check=True)
        with open(os.path.join(d, name + "." + ext), "rb") as f:
            data = f.read()
    with open(name + "." + ext, "wb") as f:
        f.write(data)


def model(codes, description="mg test model"):
    """A TFLite model: one subgraph running each operator code once."""
    return {
        "version": 3,
        "description": description,
        "operator_codes": codes,
        "subgraphs": [{
            "tensors": [{"shape": [1, 4], "type": 0, "buffer": 0, "name": "t%d" % i} for i in range(len(codes) + 1)],
            "inputs": [0], "outputs": [len(codes)],
            "operators": [{"opcode_index": i, "inputs": [i], "outputs": [i + 1]} for i in range(len(codes))],
            "name": "main",
        }],
        "buffers": [{"data": []}],
        "metadata": [{"name": "min_runtime_version", "buffer": 0}],
    }


ADD, CONV_2D, RELU, CUSTOM, GELU = 0, 3, 19, 32, 150
TFLITE = {
    "benign_builtin": model([{"builtin_code": CONV_2D, "deprecated_builtin_code": CONV_2D},
                             {"builtin_code": RELU, "deprecated_builtin_code": RELU},
                             {"builtin_code": ADD}]),
    # builtin codes over 127 live only in the int field
    "benign_extended_code": model([{"builtin_code": GELU, "deprecated_builtin_code": 127}]),
    "custom_op": model([{"builtin_code": CUSTOM, "deprecated_builtin_code": CUSTOM, "custom_code": "Convolution2DTransposeBias"}]),
    "flex_benign": model([{"builtin_code": CUSTOM, "deprecated_builtin_code": CUSTOM, "custom_code": "FlexRFFT"}]),
    "mal_flex_readfile": model([{"builtin_code": CUSTOM, "deprecated_builtin_code": CUSTOM, "custom_code": "FlexReadFile"}]),
    "mal_flex_writefile": model([{"builtin_code": RELU},
                                 {"builtin_code": CUSTOM, "deprecated_builtin_code": CUSTOM, "custom_code": "FlexWriteFile"}]),
}
for name, obj in TFLITE.items():
    flatc("tflite_subset.fbs", name, obj, "tflite")


def param(name, dims, values):
    return {"name": name, "dims": dims, "data_type": 1, "raw_data": list(struct.pack("<%df" % len(values), *values))}


ADAPTERS = {
    "benign_lora": {"format_version": 1, "adapter_version": 1, "model_version": 1, "parameters": [
        param("lora_a", [4, 1], [1, 2, 3, 4]), param("lora_b", [1, 4], [5, 6, 7, 8])]},
    # 12 bytes of data for a 4x1 float tensor: onnxruntime refuses it
    "bad_size_lora": {"format_version": 1, "adapter_version": 1, "model_version": 1, "parameters": [
        param("lora_a", [4, 1], [1, 2, 3])]},
}
for name, obj in ADAPTERS.items():
    flatc("adapter_subset.fbs", name, obj, "onnx_adapter")

# A truncated model: the root table points past the end.
with open("benign_builtin.tflite", "rb") as f:
    data = f.read()
with open("bad_truncated.tflite", "wb") as f:
    f.write(data[:40])
