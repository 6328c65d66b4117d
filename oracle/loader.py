"""The oracle's loader: the ground truth of what loading a file does.

It runs inside oracle/sandbox.sh (no network, every mount read-only, a
private tmpfs for /tmp, the nobody user, resource limits) and refuses to
load anything when those walls are missing. It imports every library a
loader needs and every module the knowledge base names BEFORE arming an
audit hook, so that a payload's own imports cannot stop the load early
and make an attack look harmless (docs/oracle.md).

Protocol: one JSON request per line on stdin,
  {"id": ..., "name": "model.pt", "data": base64, "loaders": [...], "timeout": s}
one JSON answer per line on stdout, {"id": ..., "records": [...]}, a record
per loader. Each load runs in a forked child, in a fresh throwaway
directory, with the hook armed: a sensitive event is recorded and then
refused by raising, so the operation never happens. Files that appear
anywhere writable (the directory, /tmp, /dev/shm) are noted as well,
because some writes (torch.from_file) raise no audit event at all.
"""

import base64
import importlib
import io
import json
import os
import resource
import signal
import sys
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's folder out
from watch import WATCHED, Hook, snapshot  # noqa: E402

HOME = os.path.dirname(os.path.abspath(__file__))  # the sandbox's read-only copy of the oracle

# Modules imported before the hook is armed: the loaders' dependency trees
# and the modules the knowledge base names, so that an attack resolves its
# target (and the hook sees the call) instead of failing on an import.
PRELOAD = """
torch torch.jit torch.serialization torch.storage torch._utils torch.nn torch.optim
torch.optim.lr_scheduler torch.hub torch.utils.data torch.fx torch.distributions
numpy numpy.lib.format numpy.core.multiarray numpy.testing numpy.random
joblib joblib.numpy_pickle pandas pandas.io.pickle sympy dill h5py
sklearn sklearn.pipeline sklearn.linear_model sklearn.preprocessing sklearn.tree
sklearn.ensemble sklearn.svm sklearn.neighbors sklearn.cluster sklearn.decomposition
sklearn.feature_extraction.text sklearn.model_selection sklearn.naive_bayes
sklearn.impute sklearn.compose sklearn.neural_network sklearn.dummy
os posix subprocess shutil socket ssl runpy pty pdb bdb pydoc pkgutil importlib
importlib.util code codeop timeit trace cProfile profile webbrowser urllib.request
http.client ftplib smtplib imaplib asyncio ctypes marshal types functools operator
builtins logging logging.handlers tempfile glob zipfile tarfile shelve sqlite3 uuid
platform linecache inspect multiprocessing threading signal select mmap pickle
_pickle copyreg codecs io _io pathlib collections datetime decimal fractions random
array enum zoneinfo re json copy string struct zlib bz2 lzma gzip ensurepip venv
lib2to3.pgen2.grammar numpy.f2py
""".split()

LOADERS = ("pickle.load", "pickle.loads", "torch.load", "torch.load.weights_only",
           "torch.jit.load", "joblib.load", "numpy.load", "pandas.read_pickle")


def refuse(reason):
    """refuse stops the oracle: loading without the sandbox is never an option."""
    sys.stderr.write("oracle: refusing to load anything: %s\n" % reason)
    sys.exit(2)


def check_sandbox():
    """check_sandbox returns only when the walls of sandbox.sh are up."""
    if os.getuid() == 0 or os.geteuid() == 0:
        refuse("running as root (the sandbox drops to an unprivileged user)")
    if not os.statvfs("/").f_flag & os.ST_RDONLY:
        refuse("the root file system is writable (the sandbox mounts it read-only)")
    with open("/proc/net/dev") as f:
        ifaces = [ln.split(":")[0].strip() for ln in f.readlines()[2:]]
    if [i for i in ifaces if i != "lo"]:
        refuse("network interfaces %s are present (the sandbox runs in a new network namespace)" % ifaces)
    for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE"):
        soft, _ = resource.getrlimit(getattr(resource, name))
        if soft == resource.RLIM_INFINITY:
            refuse("%s is unlimited (the sandbox sets resource limits)" % name)
    for d in WATCHED:
        if os.path.isdir(d) and (os.statvfs(d).f_flag & os.ST_RDONLY or d == "/tmp" and os.listdir(d) != [".oracle"]):
            refuse("%s is not a private empty tmpfs" % d)


def preload():
    """preload imports what the loaders and the knowledge base need; it returns the misses."""
    import encodings
    import pkgutil
    missing = []
    codecs = ["encodings." + m.name for m in pkgutil.iter_modules(encodings.__path__)]
    for name in PRELOAD + [c for c in codecs if not c.endswith(("mbcs", "oem", "cp65001"))]:
        try:
            importlib.import_module(name)
        except Exception as e:  # a module absent from this machine is noted, not fatal
            missing.append("%s (%s)" % (name, type(e).__name__))
    return missing


def load(loader, path):
    """load reads path with one real loader, as a user of that library would."""
    import pickle
    if loader == "pickle.load":
        with open(path, "rb") as f:
            return pickle.load(f)
    if loader == "pickle.loads":
        with open(path, "rb") as f:
            data = f.read()
        return pickle.loads(data)
    if loader == "torch.load":
        import torch
        return torch.load(path, weights_only=False)
    if loader == "torch.load.weights_only":
        import torch
        return torch.load(path, weights_only=True)
    if loader == "torch.jit.load":
        import torch
        return torch.jit.load(path)
    if loader == "joblib.load":
        import joblib
        return joblib.load(path)
    if loader == "numpy.load":
        import numpy
        res = numpy.load(path, allow_pickle=True)
        if hasattr(res, "files"):  # an npz is read member by member
            res = {k: res[k] for k in res.files}
        return res
    if loader == "pandas.read_pickle":
        import pandas
        return pandas.read_pickle(path)
    raise ValueError("unknown loader %r" % loader)


def child(hook, loader, path, timeout, out):
    """child runs one load in a forked process and writes its record to out."""
    signal.alarm(max(1, int(timeout)))
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = int(resource.getrusage(resource.RUSAGE_SELF).ru_utime + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (used + int(timeout), hard))
    # What a payload prints, even straight to file descriptors 1 and 2,
    # must not reach the protocol on the loader's stdout.
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    sys.stdout = io.StringIO()
    sys.stderr = io.StringIO()
    before = snapshot()
    rec = {"loader": loader, "ok": False, "error": ""}
    before_modules = set(sys.modules)
    hook.armed = True
    try:
        res = load(loader, path)
        rec["ok"] = True
        rec["type"] = type(res).__module__ + "." + type(res).__qualname__
        del res  # destructors run with the hook armed too
    except BaseException as e:  # the loader's failure is part of the verdict
        hook.armed = False
        rec["error"] = "".join(traceback.format_exception_only(type(e), e))[-600:]
        tb = traceback.extract_tb(e.__traceback__)
        rec["traceback"] = ["%s:%d %s" % (os.path.basename(f.filename), f.lineno, f.name) for f in tb[-8:]]
    hook.armed = False
    rec["events"] = hook.events
    rec["globals"] = hook.globals
    rec["noted"] = hook.noted
    rec["imported"] = sorted(set(sys.modules) - before_modules)[:40]
    rec["appeared"] = sorted(snapshot() - before)[:20]
    rec["sensitive"] = bool(hook.events or rec["appeared"])
    os.write(out, json.dumps(rec).encode())
    os.close(out)


def run_one(hook, loader, path, timeout):
    """run_one forks a child for one load and collects its record."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            child(hook, loader, path, timeout, w)
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks))
    except ValueError:
        pass
    rec = {"loader": loader, "ok": False, "sensitive": False, "events": [], "globals": [], "appeared": []}
    if os.WIFSIGNALED(status):
        rec["error"] = "the load died (signal %d): a limit or a crash" % os.WTERMSIG(status)
        return rec
    # The child exited by itself without a readable record: something in
    # the load wrote into the record's pipe or ended the process, neither
    # of which a loader does.
    rec["sensitive"] = True
    rec["events"] = [{"event": "record", "why": "the load ended the process or wrote into the oracle's record", "args": str(status)}]
    rec["error"] = "no readable record (exit status %d)" % status
    return rec


def remove_tree(top):
    """remove_tree deletes a throwaway directory (the hook is disarmed here)."""
    for root, dirs, files in os.walk(top, topdown=False):
        for f in files:
            os.remove(os.path.join(root, f))
        for d in dirs:
            p = os.path.join(root, d)
            os.rmdir(p) if not os.path.islink(p) else os.remove(p)
    os.rmdir(top)


def wipe():
    """wipe empties the writable places but for the loader itself."""
    for top in WATCHED:
        for n in os.listdir(top):
            p = os.path.join(top, n)
            if p == HOME:
                continue
            if os.path.isdir(p) and not os.path.islink(p):
                remove_tree(p)
            else:
                os.remove(p)


def serve(hook):
    """serve answers requests from stdin until it closes."""
    n = 0
    for line in sys.stdin:
        req = json.loads(line)
        n += 1
        data = base64.b64decode(req["data"])
        name = os.path.basename(req["name"]) or "model.bin"
        records = []
        for i, loader in enumerate(req.get("loaders") or LOADERS):
            # Each load gets its own fresh directory: a file one load left
            # behind must not hide what the next one writes.
            work = "/tmp/load-%d-%d" % (n, i)
            os.mkdir(work, 0o700)
            path = os.path.join(work, name)
            with open(path, "wb") as f:
                f.write(data)
            hook.workdir = os.path.realpath(work)
            os.chdir(work)
            t0 = time.monotonic()
            records.append(run_one(hook, loader, path, req.get("timeout", 10)))
            records[-1]["seconds"] = round(time.monotonic() - t0, 3)
            os.chdir("/tmp")
            remove_tree(work)
            wipe()
        sys.stdout.write(json.dumps({"id": req.get("id"), "records": records}) + "\n")
        sys.stdout.flush()


def main():
    check_sandbox()
    missing = preload()
    hook = Hook("/nonexistent")
    sys.addaudithook(hook)
    sys.stdout.write(json.dumps({"ready": True, "missing": missing, "python": sys.version.split()[0]}) + "\n")
    sys.stdout.flush()
    serve(hook)


if __name__ == "__main__":
    main()
