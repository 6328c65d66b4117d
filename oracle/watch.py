"""watch is the oracle's audit hook: what a load attempts, recorded and refused.

Sensitive events (processes, writes, reads outside the load's directory,
the network, native code, marshalled code) are recorded and then refused
by raising, so the operation never happens. Compiling and running code and
importing modules are recorded as context but not refused: they are how a
payload reaches its effect, and the effect is what is refused; library
code does them too. While an import runs, the import machinery's own reads
are allowed (THREATS.md, "Watching real loaders with audit hooks").
"""

import os
import sys
import zoneinfo

# Events recorded, never refused: compiling and running code is how a
# payload reaches its effect, and the effect (a process, a write, a
# connection) is what the hook refuses; library code compiles its own
# text too (numpy parses .npy headers with ast, scipy and namedtuple
# build functions). Imports are recorded the same way: importing a module
# runs its top-level code, and whatever that code does is watched.
NOTED = ("exec", "compile", "import")

# What the import machinery itself does: list folders, read sources and
# .pyc files, unmarshal their code. Allowed while an import is running.
IMPORT_READS = ("os.listdir", "os.scandir", "open", "marshal.loads")

# Events refused outright: they run code, start processes, touch the
# network or change the file system. Matched by exact name or by prefix
# (an entry ending in ".").
REFUSED = (
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "os.kill", "os.killpg", "os.remove", "os.rename", "os.rmdir", "os.mkdir",
    "os.chmod", "os.chown", "os.link", "os.symlink", "os.truncate", "os.utime",
    "os.putenv", "os.unsetenv", "os.chflags", "os.startfile", "os.listdir",
    "os.scandir", "os.walk", "os.chdir", "subprocess.Popen", "shutil.", "socket.",
    "ctypes.", "marshal.load", "marshal.loads", "code.__new__",
    "function.__new__", "urllib.Request", "http.client.", "ftplib.", "smtplib.",
    "imaplib.", "poplib.", "nntplib.", "telnetlib.", "webbrowser.open", "pty.spawn",
    "sqlite3.connect", "mmap.__new__", "glob.glob", "builtins.input",
    "cpython.run_", "sys.addaudithook", "sys.setprofile", "sys.settrace",
    "resource.setrlimit", "resource.prlimit", "tempfile.mk", "winreg.",
    "_winapi.", "signal.pthread_kill", "syslog.", "object.__delattr__",
)

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
WATCHED = ("/tmp", "/var/tmp", "/dev/shm")
class Hook:
    """Hook records audit events and refuses the sensitive ones while armed."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.armed = False
        self.events = []   # sensitive events attempted, each refused
        self.globals = []  # pickle.find_class: what was resolved
        self.noted = []    # code compiled or run, modules imported: context, not verdict
        self.libraries = tuple(os.path.realpath(p) + os.sep for p in sys.path if p.startswith("/usr/"))
        # Read-only data of the libraries themselves: the time-zone database
        # zoneinfo.ZoneInfo reads by key (a key cannot leave TZPATH), and the
        # files installed with the packages. Reading them reveals nothing a
        # payload could not know, so it is recorded by nobody and refused by
        # nobody; reads anywhere else (/etc, /proc, a home) stay sensitive.
        self.data = self.libraries + tuple(os.path.realpath(d) + os.sep for d in zoneinfo.TZPATH)

    def __call__(self, event, args):
        if not self.armed:
            return
        if event == "pickle.find_class":
            if len(self.globals) < 200:
                self.globals.append("%s.%s" % (args[0], args[1]))
            return
        if event in NOTED:
            if len(self.noted) < 50:
                self.noted.append({"event": event, "args": short(args[:2] if event == "import" else args[1:2])})
            return
        why = self.sensitive(event, args)
        if why is None:
            return
        if event in IMPORT_READS and why != "open for writing" and in_import():
            return
        self.armed = False  # repr of hostile arguments must not recurse into the hook
        try:
            self.events.append({"event": event, "why": why, "args": short(args)})
        finally:
            self.armed = True
        raise PermissionError("oracle refused audit event %s" % event)

    def sensitive(self, event, args):
        if event == "open":
            return self.open_reason(args)
        for r in REFUSED:
            if event == r or (r.endswith(".") or r in ("os.exec", "os.spawn", "cpython.run_", "tempfile.mk")) and event.startswith(r):
                return "refused event"
        return None

    def open_reason(self, args):
        path, mode, flags = (list(args) + [None, None, None])[:3]
        if isinstance(path, int):
            return None  # an already open descriptor
        if isinstance(mode, str) and any(c in mode for c in "wax+"):
            return "open for writing"
        if isinstance(flags, int) and flags & WRITE_FLAGS:
            return "open for writing"
        try:
            p = os.path.realpath(os.fsdecode(path))
        except Exception:
            return "open of an odd path"
        if p == self.workdir or p.startswith(self.workdir + os.sep):
            return None
        if p.endswith((".py", ".pyc")) and p.startswith(self.libraries):
            return None  # linecache and warnings read library source; not the payload's doing
        if p.startswith(self.data):
            return None  # read-only library data (see __init__)
        return "open outside the directory"


def in_import():
    """in_import reports whether an import is running further up the stack."""
    f = sys._getframe(2)
    while f is not None:
        if f.f_code.co_filename.startswith("<frozen importlib"):
            return True
        f = f.f_back
    return False


def short(args):
    """short renders audit arguments for the record, bounded."""
    try:
        return repr(args)[:300]
    except Exception as e:
        return "<unprintable: %s>" % type(e).__name__


def snapshot():
    """snapshot lists every file under the writable places."""
    seen = set()
    for top in WATCHED:
        for root, dirs, files in os.walk(top):
            for n in dirs + files:
                seen.add(os.path.join(root, n))
    return seen
