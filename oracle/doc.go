// Package oracle holds the tests that run the differential oracle: real
// Python loaders, watched by audit hooks inside a sandbox, against the
// engine's verdicts (docs/oracle.md).
//
// The oracle itself is Python (loader.py, the sandboxed loader; attacks.py,
// allowlist.py and benign.py, the candidate generators; run.py, the
// comparison) because the ground truth is what the real libraries do. The
// Go tests here build the modelgate binary from this tree and run the
// quick mode: a fixed seed and a fixed number of candidates, compared with
// the committed list of known disagreements (known.txt), so that the suite
// fails on a new bypass or false alarm and not on one already recorded for
// the engine's owners. A second test builds the engine with one rule
// switched off (-tags oraclemutant) and requires the quick mode to find a
// bypass: an oracle that cannot fail proves nothing. A third replays the
// minimised disagreements committed under testdata/disagreements through
// the engine alone, with no Python.
package oracle
