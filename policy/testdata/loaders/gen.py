#!/usr/bin/python3
"""Writes the samples of policy/testdata/loaders: pickles written by dill
and cloudpickle, and the globals torch's weights_only unpickler accepts.

Run with /usr/bin/python3 (Debian bookworm: dill 0.3.6, cloudpickle 2.2.0,
torch 1.13) from this folder. It only writes files: nothing is loaded. The
functions pickled would create a marker file if called; loading them
creates the function and does not call it.
"""
import cloudpickle
import dill
import torch._weights_only_unpickler as weights_only


def marker():
    open("/tmp/modelgate-marker", "w").close()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


write("dill_function.pkl", dill.dumps(marker, recurse=True))
write("dill_lambda_p2.pkl", dill.dumps(lambda: marker(), protocol=2))
write("dill_dict.pkl", dill.dumps({"weights": [0.5, 1.5], "name": "model"}, protocol=2))
write("cloudpickle_function.pkl", cloudpickle.dumps(marker))
write("cloudpickle_dict.pkl", cloudpickle.dumps({"weights": [0.5, 1.5], "name": "model"}))
with open("weights_only_globals.txt", "w") as f:
    f.write("# torch 1.13 torch._weights_only_unpickler._get_allowed_globals(): the\n")
    f.write("# names GLOBAL may spell, module.name; written by gen.py\n")
    for name in sorted(weights_only._get_allowed_globals()):
        f.write(name + "\n")
