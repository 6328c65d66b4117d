"""minimize shrinks a disagreement to fewer bytes that keep it.

A raw pickle is cut opcode by opcode (pickletools.genops reads the
opcodes and never runs them): first halves, then single opcodes, each cut
kept only when the engine and the oracle still disagree the same way. Other
framings are kept whole: their bytes are written by real libraries and a
cut would mostly break the container. Each trial is one engine scan and one
sandboxed load with only the loaders that showed the disagreement.
"""

import io
import pickletools


def opcodes(data):
    """opcodes returns the (start, end) of every opcode up to STOP, or None."""
    try:
        ops = list(pickletools.genops(io.BytesIO(data)))
    except Exception:
        return None
    spans = []
    for i, (op, _, pos) in enumerate(ops):
        end = ops[i + 1][2] if i + 1 < len(ops) else pos + 1
        spans.append((pos, end, op.name))
    if not spans or spans[-1][2] != "STOP" or spans[-1][1] != len(data):
        return None
    return spans


def minimise(c, records, worst, kind, engine, oracle, judge, trials):
    """minimise returns {"data", "engine", "records"} of the smallest bytes kept."""
    best = {"data": c["data"], "engine": worst, "records": records}
    if not c["ext"].endswith((".pkl", ".joblib")) or trials <= 0:
        return best
    loaders = [r["loader"] for r in records if r["sensitive"] or (kind == "false-alarm" and r["ok"])] or None
    budget = [trials]

    def keeps(data):
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        w, _ = engine.scan(c["ext"], data)
        recs = oracle.load("model" + c["ext"], data, loaders)
        if judge(c, recs, w) == kind:
            return {"data": data, "engine": w, "records": recs}
        return None

    spans = opcodes(best["data"])
    if spans is None:
        return best
    chunk = max(1, (len(spans) - 1) // 2)
    while chunk >= 1 and budget[0] > 0:
        i = 0
        while i < len(spans) - 1 and budget[0] > 0:
            j = min(i + chunk, len(spans) - 1)  # never cut STOP
            data = best["data"][:spans[i][0]] + best["data"][spans[j - 1][1]:]
            got = keeps(data)
            if got is not None:
                best = got
                spans = opcodes(best["data"])
                if spans is None:
                    return best
            else:
                i += chunk
        chunk //= 2
    return best
