"""run compares the engine's verdicts with the oracle's on generated candidates.

Each candidate (attacks.py, benign.py) is scanned by the modelgate binary
(`scan --format json --fail-on none FILE`) and loaded by every real loader
inside the sandbox (sandbox.sh, loader.py). A bypass is a candidate whose
loads attempted a sensitive event while the engine rated it below high; a
false alarm is a benign candidate, built only by real library calls and
loaded with no sensitive event, that the engine rated high or above. Each
disagreement is minimised and written out with the oracle's record. The
last line printed is `N candidates, B bypasses, F false alarms`.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import allowlist  # noqa: E402
import attacks  # noqa: E402
import benign  # noqa: E402
import minimize  # noqa: E402
import mutations  # noqa: E402

RANK = {"none": 0, "info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


class Oracle:
    """Oracle is one sandboxed loader process, fed candidates one by one."""

    def __init__(self):
        self.proc = subprocess.Popen([os.path.join(HERE, "sandbox.sh"), os.path.join(HERE, "loader.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            sys.stderr.write("oracle: the sandbox did not start (exit %d); nothing was loaded\n" % self.proc.returncode)
            sys.exit(3)
        self.ready = json.loads(line)

    def load(self, name, data, loaders=None, timeout=10):
        req = {"id": name, "name": name, "data": base64.b64encode(data).decode(), "timeout": timeout}
        if loaders:
            req["loaders"] = loaders
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.stderr.write("oracle: the sandboxed loader exited\n")
            sys.exit(3)
        return json.loads(line)["records"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


class Engine:
    """Engine runs the modelgate binary on one file and returns its worst severity."""

    def __init__(self, binary, work):
        self.binary, self.work = binary, work

    def scan(self, ext, data):
        path = os.path.join(self.work, "candidate" + ext)
        with open(path, "wb") as f:
            f.write(data)
        out = subprocess.run([self.binary, "scan", "--format", "json", "--fail-on", "none", path],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            return "error", ["exit %d: %s" % (out.returncode, out.stderr.strip()[:200])]
        rep = json.loads(out.stdout)
        rules = sorted({"%s/%s" % (f["rule"], f["severity"]) for fl in rep.get("files", []) for f in fl.get("findings") or []})
        return rep.get("summary", {}).get("highest") or "none", rules


def judge(c, records, worst):
    """judge returns 'bypass', 'false-alarm' or None for one candidate."""
    sensitive = any(r["sensitive"] for r in records)
    engine_high = RANK.get(worst, 4) >= RANK["high"]
    if sensitive and not engine_high:
        return "bypass"
    if c["kind"] == "benign" and not sensitive and engine_high and any(r["ok"] for r in records):
        return "false-alarm"
    return None


def draw(rng, real, names, n, kinds):
    """draw returns the next candidate: three attacks for every two benign
    files (only attacks or only benign files when kinds says so)."""
    if kinds == {"attack"}:
        n = n % 3
    elif kinds == {"benign"}:
        n = 3
    while True:
        if n % 5 < 3:
            c = (attacks.candidate, allowlist.candidate, mutations.candidate)[n % 5](rng, real, names)
        else:
            c = benign.candidate(rng)
        if c is not None:
            return c


def slug(s):
    return re.sub(r"[^a-z0-9_.-]+", "_", s.lower())[:120]


def write_out(out, kind, c, records, worst, rules, small):
    """write_out stores a disagreement: the minimised file and its record."""
    base = os.path.join(out, "%s-%s" % (kind, slug(c["id"])))
    with open(base + c["ext"], "wb") as f:
        f.write(small["data"])
    rec = {"kind": kind, "id": c["id"], "file": os.path.basename(base) + c["ext"], "desc": c["desc"], "ext": c["ext"], "engine": worst, "rules": rules,
           "bytes": len(c["data"]), "minimised_bytes": len(small["data"]), "minimised_engine": small["engine"],
           "oracle": [r for r in small["records"] if r["sensitive"] or r["ok"]] or small["records"][:2]}
    with open(base + ".json", "w") as f:
        json.dump(rec, f, indent=1, sort_keys=True)
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0)
    ap.add_argument("--count", type=int, default=0, help="stop after this many candidates")
    ap.add_argument("--out", required=True)
    ap.add_argument("--kinds", default="attack,benign")
    ap.add_argument("--minimise-trials", type=int, default=40)
    args = ap.parse_args()
    if not args.minutes and not args.count:
        ap.error("give --minutes or --count")
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    real = benign.reals()
    names = allowlist.names()
    oracle = Oracle()
    if oracle.ready.get("missing"):
        print("oracle: modules missing in the sandbox: %s" % ", ".join(oracle.ready["missing"]), file=sys.stderr)
    work = tempfile.mkdtemp(prefix="oracle-engine-")
    engine = Engine(args.binary, work)
    kinds = set(args.kinds.split(","))
    seen, found = set(), []
    counts = {"candidates": 0, "bypass": 0, "false-alarm": 0}
    deadline = time.time() + args.minutes * 60 if args.minutes else None
    n = 0
    while True:
        if args.count and counts["candidates"] >= args.count or deadline and time.time() > deadline:
            break
        c = draw(rng, real, names, n, kinds)
        n += 1
        h = hashlib.sha256(c["data"]).hexdigest()
        if c["kind"] not in kinds or h in seen:
            continue
        seen.add(h)
        counts["candidates"] += 1
        worst, rules = engine.scan(c["ext"], c["data"])
        records = oracle.load("model" + c["ext"], c["data"])
        kind = judge(c, records, worst)
        if kind is None:
            continue
        counts[kind] += 1
        small = minimize.minimise(c, records, worst, kind, engine, oracle, judge, args.minimise_trials)
        rec = write_out(args.out, kind, c, records, worst, rules, small)
        found.append({"kind": kind, "id": c["id"], "engine": worst, "desc": c["desc"],
                      "events": sorted({e["event"] for r in rec["oracle"] for e in r["events"]} | ({"file appeared"} if any(r["appeared"] for r in rec["oracle"]) else set()))})
        print("%s %s (engine %s): %s" % (kind, c["id"], worst, c["desc"]), flush=True)
    oracle.close()
    shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"seed": args.seed, "counts": counts, "found": found}, f, indent=1, sort_keys=True)
    print("%d candidates, %d bypasses, %d false alarms" % (counts["candidates"], counts["bypass"], counts["false-alarm"]))


if __name__ == "__main__":
    main()
