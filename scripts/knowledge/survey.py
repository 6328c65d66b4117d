#!/usr/bin/env python3
"""Survey of model and data files shipped in Debian packages: which of them
the judge flags high, and which globals (modules) they name that the
knowledge base does not know. It tells which libraries to add to LIBRARIES
in generate.py (docs/knowledge.md, "How to add a library").

  scripts/knowledge/survey.py [--install] [--all] [--binary PATH] [PACKAGE ...]

Files are found through dpkg's own lists of the installed packages (by name:
pickles, joblib dumps, torch checkpoints, NumPy files, and the .dat/.p/.pck
names packages give pickles; compressed variants too), and scanned with the
modelgate binary (built from the work tree when --binary is not given). Only
the files of PACKAGES (default: SURVEY below) are scanned; --all scans those
of every installed package. --install first installs the packages with
apt-get. Nothing is copied anywhere: the files stay where dpkg put them.
Prints, per package, the files scanned and flagged high or critical, then the
flagged files with the names that flagged them, then those names by module.
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

# Debian packages known to ship pickle-bearing model or data files: the
# packages of the corpus's realworld/ tree, and those found by reading the
# descriptions (apt-cache search) and the file lists of installed packages.
SURVEY = ["ariba", "cp2k-data", "invesalius", "pdfminer-data", "python-babel-localedata", "python-cobra-data",
          "python-matplotlib-data", "python-tables-data", "python3-astroquery", "python3-cobra", "python3-dipy",
          "python3-envisage", "python3-gensim", "python3-gsw", "python3-hyperspy", "python3-jieba",
          "python3-joblib", "python3-mne", "python3-nibabel", "python3-nltk", "python3-numpy", "python3-onnx",
          "python3-optlang", "python3-pandas", "python3-pyface", "python3-pymatgen", "python3-pywt",
          "python3-resampy", "python3-scipy", "python3-silx", "python3-skimage", "python3-sklearn",
          "python3-skyfield", "python3-statsmodels", "python3-traits", "python3-vispy", "rdkit-data"]

NAMES = re.compile(r"\.(pkl|pickle|joblib|pt|pth|bin|ckpt|npy|npz|sav|pkz|pck|p|dat|data|model)"
                   r"(\.(gz|bz2|xz|z|lzma|zip))?$", re.I)
RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}
DPKG_INFO = "/var/lib/dpkg/info"


def package_files(packages):
    """Regular files of the installed packages (None: all), named like model or data files."""
    out = {}
    for entry in sorted(os.listdir(DPKG_INFO)):
        if not entry.endswith(".list"):
            continue
        pkg = entry[:-5].split(":")[0]
        if packages is not None and pkg not in packages:
            continue
        with open(os.path.join(DPKG_INFO, entry), errors="replace") as f:
            for line in f:
                path = line.rstrip("\n")
                if NAMES.search(path) and os.path.isfile(path) and not os.path.islink(path):
                    out.setdefault(path, pkg)
    return out


def build(here):
    binary = os.path.join(tempfile.mkdtemp(), "modelgate")
    root = os.path.normpath(os.path.join(here, "..", ".."))
    subprocess.run(["go", "build", "-o", binary, "."], cwd=root, check=True)
    return binary


def scan(binary, paths):
    files = []
    for i in range(0, len(paths), 500):
        p = subprocess.run([binary, "scan", "--format", "json", "--fail-on", "none", "--jobs", "2"] + paths[i:i + 500],
                           capture_output=True, check=False)
        if p.returncode not in (0, 1):
            sys.exit(f"scan exited {p.returncode}: {p.stderr.decode(errors='replace')[-600:]}")
        files += json.loads(p.stdout).get("files", [])
    return files


def known_modules(here):
    """Modules the committed knowledge base has names of (its N lines)."""
    known = set()
    with open(os.path.join(here, "..", "..", "policy", "data", "knowledge.tsv"), "rb") as f:
        for line in f:
            if line.startswith(b"N\t"):
                known.add(line.split(b"\t", 2)[1].decode())
    return known


def report(files, owner, known):
    per_pkg = collections.defaultdict(lambda: [0, 0])
    flagged, by_module = [], collections.defaultdict(lambda: collections.defaultdict(set))
    for f in files:
        if f.get("format") in (None, "", "none") or f.get("status") == "not-scanned":
            continue
        pkg = owner.get(f["path"], "?")
        per_pkg[pkg][0] += 1
        for x in f.get("findings") or []:
            if x.get("callable"):
                by_module[module_of(x["callable"], known)][x.get("severity", "?")].add(f["path"])
        bad = [x for x in f.get("findings") or [] if RANK.get(x.get("severity"), 0) >= 3]
        if not bad:
            continue
        per_pkg[pkg][1] += 1
        flagged.append((pkg, f["path"], sorted({x.get("callable") or x.get("rule", "?") for x in bad})))
    total = sum(v[0] for v in per_pkg.values())
    high = sum(v[1] for v in per_pkg.values())
    print(f"{'package':32} {'files':>6} {'high':>6}")
    for pkg in sorted(per_pkg):
        print(f"{pkg:32} {per_pkg[pkg][0]:6} {per_pkg[pkg][1]:6}")
    print(f"\nflagged high or critical: {len(flagged)}")
    for pkg, path, names in sorted(flagged):
        print(f"  {pkg}: {path}\n      {' '.join(names[:12])}{' ...' if len(names) > 12 else ''}")
    print("\nmodules named in findings (files by severity; * the knowledge base does not know the module):")
    for mod in sorted(by_module):
        sev = by_module[mod]
        cells = " ".join(f"{s}={len(sev[s])}" for s in sorted(sev, key=lambda s: -RANK.get(s, 0)))
        print(f"  {'*' if mod not in known else ' '} {mod:44} {cells}")
    print(f"\nsurvey: {total} model or data files scanned, {high} flagged high or critical")


def module_of(name, known):
    """The longest prefix of a dotted name that is a known module, else its first component."""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:i]) in known:
            return ".".join(parts[:i])
    return ".".join(parts[:-1]) or name


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    binary, install, everything, packages = None, False, False, []
    while argv:
        a = argv.pop(0)
        if a == "--binary":
            binary = os.path.abspath(argv.pop(0))
        elif a == "--install":
            install = True
        elif a == "--all":
            everything = True
        else:
            packages.append(a)
    packages = packages or SURVEY
    if install:
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends"] + packages, check=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    owner = package_files(None if everything else set(packages))
    if not owner:
        sys.exit("no model or data file found in the installed packages")
    files = scan(binary or build(here), sorted(owner))
    report(files, owner, known_modules(here))


if __name__ == "__main__":
    main(sys.argv[1:])
