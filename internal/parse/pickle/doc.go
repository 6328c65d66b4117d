// Package pickle reads Python pickle streams the way CPython's unpickler
// would, without running them, and records facts: the imports find_class
// would perform, the calls REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ and BUILD
// would make, persistent ids, nested pickles that reach a loader, data
// after the last pickle, and where and why the unpickler would stop. It
// knows nothing about what is unsafe: a policy elsewhere judges the facts.
//
// # Trust model
//
// Every byte is hostile. The reader never executes anything, never
// imports anything, and never reads the whole stream into memory. Any
// input, however malformed, yields a normal return: a Result with the
// facts recorded up to the point where the unpickler would raise
// (Result.Err, with the offset and opcode) or where a bound of Options was
// hit (Result.Limit: inconclusive from there on). Facts recorded before an
// error are kept: a payload placed before a deliberately broken byte runs
// in CPython and is reported here.
//
// # Value model
//
// The reader is a machine with CPython's own state: a stack, a metastack
// of marks with _pickle.c's fence (values below the innermost mark are out
// of reach; POP on an empty frame pops the mark), and a memo that stores
// the value on top of the stack (not the operand of the previous opcode,
// the confusion memo-desync bypasses rely on). A value is 16 bytes with no
// pointer: numbers live in it, string contents and objects (containers,
// call results, globals) in per-stream tables it refers to by index
// (slab.go), so that DUP, the memo and the stack alias objects as CPython
// does and the collector never scans the stack, the memo or the items of
// containers. Tables are freed with the stream, not before. Small tuples
// of literals are immutable and shared (a state dict repeats its size and
// stride tuples); GLOBAL names are interned and find_class is cached per
// name. Containers keep their first 32
// items and a count; strings keep their content when short or within the
// MaxNestedBytes budget, otherwise a prefix. Because values are tracked,
// STACK_GLOBAL operands are found wherever they come from, a call result
// used as a callable is known to derive from its global (Call.Known is
// false), copyreg._reconstructor instances are attributed to their class,
// and literals decoded by base64, hex or latin-1 calls are followed into
// loaders (pickle.loads, torch.load over io.BytesIO, ...) and scanned as
// nested pickles, up to MaxNesting deep. Allowlisted helpers that return
// an argument unchanged (torch.jit._pickle.build_intlist, numpy's
// object-dtype scalar) return that very value, so a global passed through
// one stays that global; a class returned by builtins.type counts as a
// global when BUILD or an item write changes it. Python source that BUILD
// hands to exec (scipy.stats distributions run the _parse_arg_template
// of their state) is recorded as a Source, from every BUILD.
//
// Where CPython's two unpicklers disagree the reader follows _pickle.c,
// which pickle.load uses, and records an Anomaly: an operand that crosses
// the end of a FRAME (pickle.py raises, _pickle.c reads on), a FRAME that
// starts before the previous one ended, a FRAME longer than the data (here
// the reader reads on, like pickle.py, so that nothing inside is missed).
// Where the outcome depends on the loader's options (encoding, a
// persistent_load, an extension registry) the reader assumes the loader
// goes on, so it sees at least what any loader would run. Text operands
// are parsed as _pickle.c parses them, quirks included, since a reader
// that stops where CPython reads on misses what follows: a NUL ends a
// number ("I5\x00junk" is 5), INT goes through strtol then
// PyLong_FromString ("I010" is 8, "I5_0" is 50, "I 1" is True), FLOAT
// takes signed "nan" and "infinity" but no space or underscore, memo
// keys take spaces and underscores, GLOBAL names must be UTF-8, INST
// names and PERSID ids ASCII (numbers.go). Names are mapped
// from Python 2 as _compat_pickle maps them when the protocol is below 3.
// Dotted names are recorded whole whatever the protocol (CPython 3.11
// resolves them as attribute chains from protocol 4 on);
// Global.Components lists every object a dotted name touches.
//
// # Streams
//
// Read reads pickles back to back, as repeated pickle.load calls on one
// file do: after a STOP, a byte that starts an opcode starts another
// pickle. Data that is not a pickle (a following "pickle" that fails
// without importing or calling anything) is Result.Trailing. ReadOne reads
// exactly one pickle and reports in Result.End the offset just past its
// STOP, for containers such as legacy PyTorch files; Result.Returned says
// what the last pickle returns (an int, a str, a list and its items), so
// that such a container reads a count or a list of keys from the reader's
// facts rather than decoding the pickle again, and Call.PersistentID gives
// the items of a persistent id whose result is called. With Options.Joblib
// set, BUILD behaves as joblib's NumpyUnpickler: the array data that
// follows a NumpyArrayWrapper inline is skipped exactly (its size computed
// from the wrapper's dtype, shape and alignment padding) or, for object
// arrays, scanned as the nested pickle it is, in the same Result.
// ReadFork reads that way and also copies the machine where the reading
// first parts from pickle.load's; Fork.Resume reads on from there as
// pickle.load, so that the second reading costs only the bytes after
// the parting (see fork.go).
//
// # Bounds
//
// Options holds every bound with its default (see DefaultOptions):
// opcodes, stack plus marks, memo entries, recorded facts, evidence bytes,
// operand and line lengths, bytes kept for nested scans, nesting depth,
// pickles per stream, and the bytes spent on the model of the objects
// (MaxModelBytes: containers, call results, memo pages, kept strings and
// their table entries, the caches of names, each charged at its real size
// when made, so that a few million nested tuples or memoized lists end in
// a Limit rather than in hundreds of megabytes; a torch.save state dict of
// about 109,000 tensors fits the default).
//
// # Cost
//
// The scan costs what the pickle bytes cost, not what the tensors weigh:
// a state dict's pickle is read once, tensor data is never touched. Every
// call is counted in a CallGroup (opcode, callee, Known, OnGlobal: count,
// first offset), but only the first MaxCallSummaries calls of each group
// are listed in Result.Calls with printable summaries and argument facts
// (a state dict makes one _rebuild_tensor_v2 call per tensor; a policy
// shows a few per callable). The calls a policy must examine one by one
// (copyreg reconstructors, builtins.getattr, loaders) are listed up to
// MaxListedCalls per group; for callables whose arguments decide what
// runs (shapes.go), later calls are listed too when their arguments have
// a shape not listed before. Persistent ids are listed up to
// MaxPersistentIDs and counted; PyTorch storage references are all listed
// compactly in Result.Storages. Objects and their items are carved from
// shared blocks, globals and the empty tuple are shared, facts are
// collected in chunks, and a short stream gets a buffer of its own size. Declared lengths are checked against the remaining
// data when the size is known (Options.Size, or by seeking) before any
// read, and operands longer than MaxOperandBytes are skipped with Seek or
// discarded rather than buffered.
//
// # gopickle
//
// github.com/nlpodyssey/gopickle is a deserializer for trusted data: it
// builds every object, panics on hostile input (a lone 0xff, a BINBYTES8
// or FRAME declaring exabytes) and has no notion of bounds. It is used only
// in tests, as an independent oracle: on every well-formed fixture its
// find_class, persistent_load and extension hooks must see the same
// imports as this reader. The reader itself depends on the standard
// library only.
package pickle
