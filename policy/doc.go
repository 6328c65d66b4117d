// Package policy is the judge: every judgement of modelgate is made here.
// Readers and format adapters report facts (a pickle imports os.system at
// offset 812 and calls it with ('id',); a Keras config names a module; a
// TensorFlow graph has a WriteFile node); the policy turns them into
// findings and decides how severe each one is. Nothing outside this
// package sets a severity (a layout test holds that).
//
// What it owns:
//   - The knowledge base (knowledge.go, data/knowledge.tsv): for every
//     importable module-level name of the standard library and of the
//     libraries model files name, its kind and whether using it reaches a
//     sink, with the chain; generated from the libraries' code by
//     scripts/knowledge (docs/knowledge.md). It is binary-searched where
//     it is embedded, never parsed.
//   - The lists: the embedded files under data/ (dangerous.txt,
//     safe.txt, safe_classes.txt, benign_globals.txt, the last written by
//     scripts/policy/benign_globals.py), the shapes of allowlisted
//     callables that call their arguments (shapes.go), the TensorFlow ops
//     and Keras functions with side effects. Lists that a reader needs in
//     order to record the right facts reach it as arguments
//     (Judge.PickleOptions, Judge.KerasOptions), never as its own copy.
//   - The judgement of pickle facts (pickle.go, judge.go, exceptions.go,
//     shapes.go) and of format facts (keras.go, tensorflow.go, onnx.go,
//     gguf.go).
//   - Severities: the default of each rule (rules.go), the one the
//     judgement gives a case, the policy file's overrides and its ignore
//     entries. Judge.Decide applies them to every finding of a scan, once,
//     as the engine reports it; Judge.ReviewEntries and Judge.Warnings
//     report on the policy file itself.
//
// Decisions of the pickle judgement:
//
//   - Three classes. A global is dangerous (on the embedded denylist,
//     denied by the configuration, or found by the knowledge base to reach
//     a sink, the chain in the message), safe (allowed by the
//     configuration, found to reach no sink, or on the embedded
//     allowlist), or unknown. Unknown globals are always reported, never
//     passed: called => MG002 high, instantiated without its constructor
//     => MG003 medium, only imported => MG004 high (it is reachable in the
//     object graph, where the code that receives it may call it), except
//     an enum member's shape, getattr(<global>, '<name>') of a global
//     handed to nothing else => MG004 medium.
//   - Capability, not "called or not": a callable anywhere in the object
//     graph is judged as if called (library code calls what it is handed
//     by duck typing), a class by what building it runs: __new__,
//     __init__ when it is called, __setstate__ and the item methods.
//   - The denylist is checked first and on every component: a dotted name
//     is re-split at every dot (pathlib + os.system is os.system), private
//     aliases count ("_os" is "os"), and a few internals (__globals__,
//     __builtins__, ...) are dangerous anywhere in the path.
//   - The allowlist is narrow: exact names, or "module *" only for modules
//     whose every name is harmless, and never for a dotted name.
//   - Writes into an imported object itself (BUILD, or SETITEM, APPEND
//     and the like on a global rather than on an instance) last for the
//     whole process: at least high, critical on a dangerous object.
//   - A parse error at an opcode is at least high: should the reader
//     throw where CPython reads on, what follows was never analysed
//     (exception-oriented programming). A stream that merely ends early
//     stays medium unless a finding before the break raises it.
//   - An import whose name is computed at load time (STACK_GLOBAL of a
//     call result) is high: it can be anything. Allowlisted callables
//     that call, instantiate or create classes from their arguments have
//     those arguments judged as calls (policy_shapes.go). Python source
//     a BUILD state hands to exec passes only when it is exactly what
//     scipy.stats generates.
//   - getattr with a literal name on an imported global or an instance
//     the stream built is judged as what it fetches (exceptions.go), and
//     a loader of a literal pickle scanned clean is excused.
//   - Calls are judged from the reader's structured facts (callee, the
//     globals, instances and literal strings passed as arguments), never
//     by parsing the printable summaries. Calls the reader counted
//     without listing them (pickle.CallGroup) count toward their callable
//     and its "more like it", and are never excused.
//   - Names come raw from the file and are judged raw, as find_class
//     sees them ("os " is not os); they are escaped wherever they are
//     shown.
//   - A configuration may allow a known-dangerous global only with force;
//     such entries are returned by Forced so that the caller reports them.
//   - The lists are parsed from embedded files in Default and
//     New, each time: there is no package state to cache them in, and
//     parsing takes well under a millisecond. The knowledge base, 12 MB,
//     is searched in place instead. Build one Judge per scan.
package policy
