package pickle

// Options bounds the reader. The zero value is not useful: start from
// DefaultOptions and change what you need. Every bound, when hit, ends the
// scan with Result.Limit (inconclusive), never with a panic or an
// unbounded allocation.
type Options struct {
	// Listed names the callables whose every call a policy examines; nil
	// lists none beyond MaxCallSummaries. A pointer, so that Options stay
	// comparable.
	Listed *Listed
	// MaxOpcodes caps the opcodes executed in one stream, nested pickles
	// included. Default 50,000,000 (a state dict of 50,000
	// tensors needs about 1,500,000).
	MaxOpcodes int64
	// MaxStackDepth caps the values on the stack plus the marks on the
	// metastack. Default 100,000 (CPython's own pickler writes at most
	// 1,000 items per batch and recursion is limited to about 1,000).
	MaxStackDepth int
	// MaxMemo caps the memo entries of one pickle. Default 1,048,576.
	MaxMemo int
	// MaxFacts caps the imports, listed calls and persistent ids recorded
	// per stream (calls only counted in a CallGroup are not facts).
	// Default 262,144: a state dict of 260,000 tensors.
	MaxFacts int
	// MaxEvidenceBytes caps the total length of the printable summaries
	// kept as evidence (call arguments, persistent ids). Default 16 MiB.
	MaxEvidenceBytes int64
	// MaxCallSummaries is how many calls with the same opcode and callee
	// (a CallGroup) are listed in Result.Calls with their summaries;
	// later ones are only counted in the group (a policy shows a few
	// calls per callable, and a state dict makes one _rebuild_tensor_v2
	// call per tensor). Default 32.
	MaxCallSummaries int
	// MaxListedCalls is how many calls of one group are listed when the
	// callee is one whose every call a policy must examine (Listed, and
	// the loaders the reader follows).
	// Later ones are only counted: a policy must treat them as not
	// examined. Default 4096.
	MaxListedCalls int
	// MaxPersistentIDs is how many persistent ids are listed with a
	// printable summary; all are counted, and PyTorch storages are all
	// listed in Result.Storages. Default 64.
	MaxPersistentIDs int
	// MaxArgsLen caps one printable summary; longer ones end in "...".
	// Default 160.
	MaxArgsLen int
	// MaxOperandBytes is the largest string or bytes operand that is
	// buffered; a longer one keeps its first KeepPrefix bytes and the rest
	// is skipped (Seek or discard). Default 1 MiB.
	MaxOperandBytes int64
	// KeepPrefix is how much of a skipped or over-budget operand is kept
	// for names and summaries. Default 256.
	KeepPrefix int
	// MaxNestedBytes caps the total bytes kept whole so that they can be
	// scanned if they reach a loader (pickle.loads, base64 decoding, ...).
	// Once spent, operands keep KeepPrefix bytes only, and a loader applied
	// to such a value yields a Limit. It also caps the total data scanned
	// as nested pickles. Default 16 MiB.
	MaxNestedBytes int64
	// MaxModelBytes caps the memory spent on the model of the objects a
	// stream builds: containers and call results with their kept items,
	// memo pages and entries, kept strings, each charged when made, never
	// refunded (a pickle rarely drops what it builds: the pickler memoizes
	// every container). Nested pickles share the budget; values above
	// 32 GiB count as 32 GiB. Default 64 MiB,
	// about 109,000 tensors of a PyTorch state dict.
	MaxModelBytes int64
	// MaxLineBytes caps a text operand line (GLOBAL, INT, PUT, ...).
	// STRING and UNICODE lines longer than this keep a prefix like long
	// binary operands; other opcodes hit the limit. Default 1 MiB.
	MaxLineBytes int
	// MaxNesting caps the depth of nested pickles (a pickle loaded by a
	// pickle). Default 3.
	MaxNesting int
	// MaxPickles caps the pickles read back to back from one stream.
	// Default 1,000.
	MaxPickles int
	// MaxAnomalies caps the anomalies recorded. Default 100.
	MaxAnomalies int
	// Size is the stream length when the caller knows it, or 0. When r
	// is an io.Seeker the length is found by seeking. A known length lets
	// declared lengths be checked before any read.
	Size int64
	// MaxReturnedItems is how many items of lists, past the first 32 of
	// each, the stream keeps so that Result.Returned lists a long list
	// whole; 0, the default, keeps none (a returned list of more than
	// 32 items then has no Items). A container format that reads a list
	// from a pickle sets it. The items are bounded by this count, not
	// charged to MaxModelBytes.
	MaxReturnedItems int
	// Joblib makes BUILD behave like joblib's NumpyUnpickler: array data
	// that follows a NumpyArrayWrapper inline is skipped (raw) or scanned
	// (object arrays are a nested pickle inline).
	Joblib bool
	// MaxForkBytes caps the bytes after the parting that ReadFork keeps
	// for the fork's reading, so that it need not read them again from
	// the underlying reader (a decompressed stream would be decompressed
	// again from its start). Default 64 KiB, one read buffer: random
	// array bytes end pickle.load's reading within a few bytes.
	MaxForkBytes int64
}

// maxModelBytes is the largest MaxModelBytes honoured (32 GiB).
const maxModelBytes = 32 << 30

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		MaxOpcodes:       50_000_000,
		MaxStackDepth:    100_000,
		MaxMemo:          1 << 20,
		MaxFacts:         1 << 18,
		MaxEvidenceBytes: 16 << 20,
		MaxCallSummaries: 32,
		MaxListedCalls:   4096,
		MaxPersistentIDs: 64,
		MaxArgsLen:       160,
		MaxOperandBytes:  1 << 20,
		KeepPrefix:       256,
		MaxNestedBytes:   16 << 20,
		MaxModelBytes:    64 << 20,
		MaxLineBytes:     1 << 20,
		MaxNesting:       3,
		MaxPickles:       1000,
		MaxAnomalies:     100,
		MaxForkBytes:     64 << 10,
	}
}

// sane fills zero or negative bounds with the defaults, so that a partly
// filled Options never disables a bound.
func (o Options) sane() Options {
	d := DefaultOptions()
	if o.MaxOpcodes <= 0 {
		o.MaxOpcodes = d.MaxOpcodes
	}
	if o.MaxStackDepth <= 0 {
		o.MaxStackDepth = d.MaxStackDepth
	}
	if o.MaxMemo <= 0 {
		o.MaxMemo = d.MaxMemo
	}
	if o.MaxFacts <= 0 {
		o.MaxFacts = d.MaxFacts
	}
	if o.MaxEvidenceBytes <= 0 {
		o.MaxEvidenceBytes = d.MaxEvidenceBytes
	}
	if o.MaxCallSummaries <= 0 {
		o.MaxCallSummaries = d.MaxCallSummaries
	}
	if o.MaxListedCalls <= 0 {
		o.MaxListedCalls = d.MaxListedCalls
	}
	if o.MaxPersistentIDs <= 0 {
		o.MaxPersistentIDs = d.MaxPersistentIDs
	}
	if o.MaxArgsLen <= 0 {
		o.MaxArgsLen = d.MaxArgsLen
	}
	if o.MaxOperandBytes <= 0 {
		o.MaxOperandBytes = d.MaxOperandBytes
	}
	if o.KeepPrefix <= 0 {
		o.KeepPrefix = d.KeepPrefix
	}
	if o.MaxNestedBytes <= 0 {
		o.MaxNestedBytes = d.MaxNestedBytes
	}
	if o.MaxModelBytes <= 0 {
		o.MaxModelBytes = d.MaxModelBytes
	}
	// The tables index objects and strings with 32 bits: every entry is
	// charged at least 16 bytes, so 32 GiB keeps the count below 2^31.
	o.MaxModelBytes = min(o.MaxModelBytes, maxModelBytes)
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = d.MaxLineBytes
	}
	if o.MaxNesting <= 0 {
		o.MaxNesting = d.MaxNesting
	}
	if o.MaxPickles <= 0 {
		o.MaxPickles = d.MaxPickles
	}
	if o.MaxAnomalies <= 0 {
		o.MaxAnomalies = d.MaxAnomalies
	}
	if o.MaxForkBytes <= 0 {
		o.MaxForkBytes = d.MaxForkBytes
	}
	return o
}
