#!/usr/bin/env python3
"""verdicts.py BASE_REV: compare the verdicts of BASE_REV and of the work tree, file by file.

Builds modelgate at BASE_REV (in a temporary git worktree) and from the work tree, scans every
fixture tree of the repository (each folder named testdata, and ../shared/corpus when it is there)
with both binaries as JSON, and compares the reports finding by finding. Files are matched by the
SHA-256 of their content, so a fixture that was renamed or moved is still compared with itself.
Exits 1 and prints each difference when any file's verdict changed; a restructuring must print
"0 differences" as its last line.
"""
import hashlib, json, os, subprocess, sys, tempfile

KEYS = ("rule", "severity", "member", "offset", "length", "callable", "evidence", "key", "message")


def build(src, out):
    subprocess.run(["go", "build", "-o", out, "."], cwd=src, check=True)


def trees(root, corpus):
    out = []
    for d, subdirs, _ in os.walk(root):
        subdirs[:] = [s for s in subdirs if s not in (".git", "fuzz")]
        if os.path.basename(d) == "testdata":
            out.append(d)
            subdirs[:] = []
    if os.path.isdir(corpus):
        out.append(corpus)
    return out


def scan(binary, tree):
    p = subprocess.run([binary, "scan", "--format", "json", "--fail-on", "none", "--jobs", "2", "."],
                       cwd=tree, capture_output=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{binary} on {tree}: exit {p.returncode}: {p.stderr.decode(errors='replace')[-400:]}")
    verdicts = {}
    for f in json.loads(p.stdout)["files"]:
        path = os.path.join(tree, f["path"])
        try:
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest() if os.path.isfile(path) else "link:" + f["path"]
        except OSError:
            digest = "unreadable:" + f["path"]
        if f["status"] == "skipped" and not f["findings"]:
            continue  # not a model file (a generator, a README): edits to it change no verdict
        findings = sorted(json.dumps({k: x.get(k) for k in KEYS}, sort_keys=True) for x in f["findings"] or [])
        verdicts.setdefault(digest, []).append((f["format"], f["status"], findings, f["path"]))
    return verdicts


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True).stdout.strip()
    tmp = tempfile.mkdtemp()
    base_src = os.path.join(tmp, "base")
    subprocess.run(["git", "worktree", "add", "--detach", base_src, sys.argv[1]], cwd=root, check=True, capture_output=True)
    try:
        build(base_src, os.path.join(tmp, "mg-base"))
        build(root, os.path.join(tmp, "mg-new"))
    except BaseException:
        subprocess.run(["git", "worktree", "remove", "--force", base_src], cwd=root, capture_output=True)
        raise
    corpus = os.path.normpath(os.path.join(root, "..", "shared", "corpus"))
    base_trees, new_trees = trees(base_src, corpus), trees(root, corpus)
    base, new = {}, {}
    try:
        for t in base_trees:
            for k, v in scan(os.path.join(tmp, "mg-base"), t).items():
                base.setdefault(k, []).extend(v)
        for t in new_trees:
            for k, v in scan(os.path.join(tmp, "mg-new"), t).items():
                new.setdefault(k, []).extend(v)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", base_src], cwd=root, capture_output=True)
    diffs = 0
    for digest in sorted(set(base) | set(new)):
        b = sorted((x[0], x[1], x[2]) for x in base.get(digest, []))
        n = sorted((x[0], x[1], x[2]) for x in new.get(digest, []))
        # A file copied into several trees is compared by its set of verdicts.
        if sorted(set(map(json.dumps, b))) != sorted(set(map(json.dumps, n))):
            diffs += 1
            where = (base.get(digest) or new.get(digest))[0][3]
            print(f"DIFFERENT {where} ({digest[:12]})")
            print("  before:", json.dumps(b)[:2000])
            print("  after: ", json.dumps(n)[:2000])
    files = sum(len(v) for v in new.values())
    print(f"{files} files compared, {diffs} differences")
    sys.exit(1 if diffs else 0)


main()
