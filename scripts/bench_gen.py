#!/usr/bin/python3
"""Generate a realistic model repository for scripts/bench.sh.

Run with the Debian interpreter that has torch, numpy, joblib and sklearn:
    /usr/bin/python3 scripts/bench_gen.py DIR [--scale N]

--scale 1 (the default) writes about 2.5 GB:
  - 4 PyTorch zip checkpoints of ~400 MB each (state dicts of 4000 tensors)
  - 1 legacy (non-zip) PyTorch checkpoint of ~300 MB
  - 1 joblib dump of ~300 MB with inline NumPy arrays and a fitted forest
  - 2000 small pickles (protocols 2-5) and 2000 non-model files
Every file is benign; the scan is expected to finish with no finding above
medium. Nothing here is ever loaded by the scanner's tests.
"""
import argparse
import os
import pickle

import joblib
import numpy as np
import torch
from sklearn.ensemble import RandomForestClassifier


def state_dict(n_tensors, total_bytes, seed):
    g = torch.Generator().manual_seed(seed)
    per = max(1, total_bytes // n_tensors // 4)
    return {f"layers.{i}.weight": torch.randn(per, generator=g) for i in range(n_tensors)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()
    mb = int(1 << 20)
    s = a.scale
    os.makedirs(a.dir, exist_ok=True)
    models = os.path.join(a.dir, "models")
    os.makedirs(models, exist_ok=True)
    for i in range(4):
        torch.save(state_dict(4000, int(400 * mb * s), i), os.path.join(models, f"checkpoint-{i}.pt"))
    torch.save(state_dict(2000, int(300 * mb * s), 9), os.path.join(models, "legacy.pt"),
               _use_new_zipfile_serialization=False)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 8))
    y = (x[:, 0] > 0).astype(int)
    forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(x, y)
    arrays = {f"emb{i}": rng.normal(size=int(30 * mb * s) // 8) for i in range(10)}
    joblib.dump({"model": forest, "arrays": arrays}, os.path.join(models, "pipeline.joblib"))
    small = os.path.join(a.dir, "data", "pickles")
    other = os.path.join(a.dir, "src")
    os.makedirs(small, exist_ok=True)
    os.makedirs(other, exist_ok=True)
    for i in range(int(2000 * max(s, 0.05))):
        obj = {"step": i, "lr": 0.001 * i, "hist": list(range(i % 50)), "arr": np.arange(i % 20)}
        with open(os.path.join(small, f"state-{i:05d}.pkl"), "wb") as f:
            pickle.dump(obj, f, protocol=2 + i % 4)
        with open(os.path.join(other, f"module_{i:05d}.py"), "w") as f:
            f.write(f"# generated file {i}\nVALUE = {i}\n\ndef f(x):\n    return x * VALUE\n" * 5)


if __name__ == "__main__":
    main()
