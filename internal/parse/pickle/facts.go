package pickle

import "strconv"

// Global is a name the unpickler would resolve with find_class: a module and
// a (possibly dotted) attribute path inside it. Names are recorded after
// Python 2 names have been mapped the way _compat_pickle maps them.
type Global struct {
	Module string
	Name   string
}

// String returns the global as module.name.
func (g Global) String() string {
	if g.Module == "" {
		return g.Name
	}
	return g.Module + "." + g.Name
}

// IsZero reports whether g names nothing.
func (g Global) IsZero() bool { return g.Module == "" && g.Name == "" }

// Import is one import the unpickler would perform.
type Import struct {
	Global Global
	// Offset is the byte offset of the opcode that triggers the import,
	// relative to the start of the stream given to the reader.
	Offset int64
	// Op is the opcode name: GLOBAL, STACK_GLOBAL, INST, EXT1, EXT2, EXT4.
	Op string
	// ExtCode is the extension registry code for EXT1/2/4 (Global is then
	// zero: the registry is the loading process's, and the code is the evidence).
	ExtCode int64
	// Unresolved is set when STACK_GLOBAL takes a module or name that is
	// computed at load time (the result of a call) instead of a literal:
	// the unpickler may import anything. Global then holds "?" for each
	// computed part, and Desc describes the computation.
	Unresolved bool
	Desc       string
}

// Call is one invocation the unpickler would perform.
type Call struct {
	// Op is the opcode that invokes: REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ,
	// BUILD; or APPEND, APPENDS, SETITEM, SETITEMS, ADDITEMS when they
	// target an object that is not a list, dict or set built by the pickle
	// (the unpickler then calls its extend/append/__setitem__/add method:
	// SETITEM on os.environ, say). Desc then names the method.
	Op     string
	Offset int64
	// Callee is the imported global that is invoked: the callable of REDUCE,
	// the class of NEWOBJ/INST/OBJ, or for BUILD the class of the instance
	// that receives state (or the global itself, see OnGlobal).
	Callee Global
	// Known is false when the invoked object does not come straight from an
	// import (for example the result of another call); Callee is then the
	// global it was derived from, if any, and Desc says what it is.
	Known bool
	// OnGlobal is set for BUILD applied to an imported object itself rather
	// than to an instance: attribute poisoning of a module-level object.
	OnGlobal bool
	// Desc describes the invoked object when Known is false.
	Desc string
	// Args is a short, printable summary of the arguments, e.g. "('id',)".
	Args string
	// NArgs is the number of positional arguments when they are a tuple
	// the reader knows (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX: the
	// arguments; an item write: the items), or -1 (computed arguments,
	// BUILD).
	NArgs int
	// ArgFacts describes the first positional arguments (at most 32) one
	// by one, for a policy that must not parse Args; nil when none of
	// them is a global, an instance or a str (the sorts recorded for
	// arguments).
	ArgFacts []ArgFact
	// PersistentID describes, when the invoked object (the one Desc
	// describes) is what persistent_load returns for a tuple id, the
	// first items of that tuple (at most 32) one by one, so that a
	// container format that knows its loader's persistent_load (legacy
	// PyTorch's 'module' ids) learns what the object is without parsing
	// Desc; nil otherwise.
	PersistentID []ArgFact
}

// ArgKind says what an ArgFact records.
type ArgKind uint8

// Kinds of ArgFact. The zero value records nothing. Call.ArgFacts
// records ArgGlobal, ArgInstance and ArgStr only; persistent ids and
// returned values record every kind.
const (
	ArgOther    ArgKind = iota
	ArgGlobal           // the argument is the imported global Global (a class handed to copyreg._reconstructor)
	ArgInstance         // an instance, built by this stream (NEWOBJ, NEWOBJ_EX, INST, OBJ, copyreg._reconstructor), of the class Global imported directly
	ArgStr              // a literal str of at most Options.MaxArgsLen bytes (any length in Returned), Str raw (escape it to show it)
	ArgBytes            // literal bytes (not bytearray), bounded and kept in Str as for ArgStr
	ArgInt              // a literal int within int64, in Int
	ArgBool             // a literal bool, in Int as 0 or 1
	ArgList             // a list built by this stream (in Returned only)
	ArgTuple            // a tuple built by this stream (in Returned only)
)

// ArgFact is what the reader knows of one value: a positional argument,
// an item of a persistent id or of a returned list.
type ArgFact struct {
	Kind   ArgKind
	Global Global
	Str    string
	Int    int64
}

// CallGroup counts the calls with one Op, Callee, Known and OnGlobal.
// Every call the unpickler would make is counted in exactly one group;
// Result.Calls lists the first Options.MaxCallSummaries of each group
// (Options.MaxListedCalls for copyreg._reconstructor, copyreg.__newobj__,
// copyreg.__newobj_ex__, builtins.getattr and the loaders the reader
// follows), so that a state dict's 100,000 _rebuild_tensor_v2 calls cost
// one group and a few records. Count - Listed calls were not examined
// one by one.
type CallGroup struct {
	Op              string
	Callee          Global
	Known, OnGlobal bool
	Count           int64 // calls in the group
	Listed          int64 // of which listed in Result.Calls
	First           int64 // offset of the first
	// Unexamined counts, for a callable whose arguments decide what a
	// call runs (copyreg instantiators, builtins.type, callables that
	// call an argument), the calls neither listed nor of the same
	// argument shape as a listed one: a policy must treat them as not
	// examined. The other unlisted calls of such a callable repeat a
	// listed shape.
	Unexamined int64
	// Args summarises, for a group of an imported callable (Known), what
	// the arguments of all its calls held, by position (RestArgs for the
	// others and for keyword arguments; the state for BUILD at 0); nil
	// when no call had arguments.
	Args []ArgSummary
}

// String renders the call as evidence, e.g. os.system('id').
func (c Call) String() string {
	name := c.Callee.String()
	if !c.Known && c.Desc != "" {
		name = c.Desc
	}
	if c.Op == "BUILD" {
		return name + ".__setstate__" + c.Args
	}
	return name + c.Args
}

// PersistentID is a persistent reference (PERSID, BINPERSID); PyTorch uses
// them for tensor storages.
type PersistentID struct {
	Offset int64
	Value  string // printable summary
}

// Storage is a tensor storage that a PyTorch pickle refers to by a
// persistent id of the form ('storage', type, key, location, elements)
// (zip checkpoints) or with a sixth item, the view metadata (legacy
// files, where key is the root key). It is recorded for every such
// persistent id, however many there are, so that a container format can
// find and size the storages without the printable summaries.
type Storage struct {
	Offset int64 // offset of the PERSID or BINPERSID
	// Type is the storage class, e.g. torch.FloatStorage (for a
	// computed one, the global it derives from); zero when unknown.
	Type     Global
	Key      string // the storage key: the record name in a zip checkpoint
	Location string // e.g. "cpu", "cuda:0"
	// Elements is the element count declared by the pickle (not bytes),
	// or -1 when it is not a literal int.
	Elements int64
}

// Nested is a pickle that reaches a loader (pickle.loads, torch.load over
// BytesIO, ...) as a literal, scanned in turn.
type Nested struct {
	Offset int64  // offset of the call that loads it, in the outer stream
	Loader Global // the loading callable
	Result *Result
}

// Source is Python source that a call would run with exec: the
// _parse_arg_template entry of the state BUILD gives an instance, which
// scipy.stats' rv_generic.__setstate__ executes.
type Source struct {
	Offset int64  // the BUILD
	Callee Global // the class of the instance, zero when unknown
	// Text is the source, raw, when the entry is a literal str or bytes
	// (a prefix when Whole is false).
	Text string
	// Whole is false when the reader does not know the whole source: the
	// entry is not a literal, or (for a class of scipy.stats) the state
	// is computed or has more entries than the reader keeps.
	Whole bool
}

// Trailing is data after the last pickle that is not itself a pickle.
type Trailing struct {
	Offset int64
	Size   int64
}

// Error is a parse error: the unpickler would raise here. Everything before
// it has been recorded.
type Error struct {
	Offset int64
	Op     string // opcode at Offset, or "" when the stream ended
	Msg    string
}

func (e *Error) Error() string {
	return "offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}

// Anomaly is something a policy may surface although the unpickler does
// not fail on it: for example an operand that crosses a FRAME end (the C
// unpickler reads on, pickle.py's _Unframer raises: the two loaders
// disagree), a second PROTO, or a joblib wrapper that names an external
// file.
type Anomaly struct {
	Offset int64
	Op     string
	Msg    string
}

// Limit records that a bound of Options was hit: the scan is inconclusive
// from Offset on.
type Limit struct {
	Offset int64
	Name   string // the Options field, e.g. "MaxOpcodes"
	Msg    string
}

// Result holds the facts read from one stream of zero or more pickles.
type Result struct {
	Pickles   int   // complete pickles read (STOP reached)
	Protocols []int // the highest protocol in effect in each pickle
	Imports   []Import
	// Calls lists calls with their summaries; CallGroups counts them all
	// (see CallGroup).
	Calls      []Call
	CallGroups []CallGroup
	// PersistentIDs lists the first Options.MaxPersistentIDs persistent
	// ids with a printable summary; PersistentIDCount counts them all.
	PersistentIDs     []PersistentID
	PersistentIDCount int
	// Storages lists every PyTorch storage reference (see Storage).
	Storages []Storage
	// Returned is what the last complete pickle returns.
	Returned  Returned
	Nested    []Nested
	Sources   []Source
	Anomalies []Anomaly
	// Disagreements lists where two loaders read the stream differently
	// (see Disagreement).
	Disagreements []Disagreement
	// JoblibData lists, with Options.Joblib, the first spans that
	// joblib.load reads as array data and pickle.load as opcodes; a
	// stream without them reads the same both ways.
	JoblibData []Span
	// JoblibFiles lists the files old joblib wrappers name.
	JoblibFiles []ExternalFile
	Trailing    *Trailing
	Err         *Error
	Limit       *Limit
	// End is the offset just past the last byte that belongs to the pickles
	// read, so a caller can position the next reader on a container.
	End int64
	// FrameEnd is where a reader without peek (an unbuffered file,
	// io.BytesIO) or pickle.py leaves the file after the last complete
	// pickle: the end of the FRAME its STOP lies in, or End when the STOP
	// lies in none (see FrameRests).
	FrameEnd int64
	// FrameRests lists the first frames whose STOP left bytes in them:
	// the next pickle starts right after STOP for pickle.load of a
	// buffered file, at the frame's end for the other readers.
	FrameRests []Span
}
