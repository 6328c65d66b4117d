"""selfcheck holds the oracle to its own ground truth: fixed programs
whose verdicts are known, loaded through the sandbox, each compared with
what the oracle must say. It exits 1 on any mismatch.

Usage: /usr/bin/python3 selfcheck.py
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pickleasm import Asm, Call, Global  # noqa: E402
import run  # noqa: E402

# (name, program, sensitive): what each load must be judged.
CASES = [
    ("shell", Call(Global("os", "system"), "touch MARK"), True),
    ("write_by_open", Call(Global("builtins", "open"), "MARK", "w"), True),
    ("read_outside", Call(Global("builtins", "open"), "/etc/hostname"), True),
    ("write_with_no_audit_event", Call(Global("torch", "from_file"), "MARK", True, 1), True),
    ("connect", Call(Global("socket", "create_connection"), ("10.255.255.1", 80)), True),
    ("code_from_the_file", Call(Global("builtins", "exec"), "import os; os.system('touch MARK')"), True),
    ("print_to_fd_1", Call(Global("os", "write"), 1, b'{"id": 0, "records": []}\n'), False),
    ("write_into_the_record", [Call(Global("os", "write"), fd, b"x") for fd in range(3, 12)], True),
    ("end_the_process", Call(Global("os", "_exit"), 0), True),
    ("plain_values", {"weights": [0.5, 1.5], "name": "linear"}, False),
    ("library_import", Call(Global("sklearn.kernel_ridge", "KernelRidge")), False),
    ("time_zone_data", Call(Global("zoneinfo", "ZoneInfo"), "Asia/Tokyo"), False),
    ("time_zone_key_escapes", Call(Global("zoneinfo", "ZoneInfo"), "../../../etc/hostname"), False),
]


def main():
    oracle = run.Oracle()
    bad = 0
    for name, node, want in CASES:
        recs = oracle.load("model.pkl", Asm(proto=2).program(node), ["pickle.load", "joblib.load"])
        got = all(r["sensitive"] for r in recs) if want else any(r["sensitive"] for r in recs)
        status = "ok" if got == want else "WRONG"
        bad += got != want
        print("%-28s %s sensitive=%s %s" % (name, status, got, [e["event"] for r in recs for e in r["events"]][:4]))
    oracle.close()
    print("%d of %d cases judged wrongly" % (bad, len(CASES)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
