package pickle

// kind is the type of a value on the stack or in the memo.
type kind uint8

const (
	kAbsent    kind = iota // no value (a memo hole)
	kNone                  // None
	kBool                  // n is 0 or 1
	kInt                   // n holds the value
	kBigInt                // an int beyond int64; n is its byte length
	kFloat                 // n holds the IEEE bits
	kStr                   // str; ref finds the content (UTF-8, or raw bytes with fPy2)
	kBytes                 // bytes
	kByteArray             // bytearray
	kBuffer                // an out-of-band buffer or memoryview
	kGlobal                // an imported object; its object's gi names it
	kTuple                 // containers: o.items, o.count
	kList
	kDict
	kSet
	kFrozenSet
	kObject // anything made by a call: o.how says how
)

// value flags.
const (
	fTrunc  uint8 = 1 << iota // the kept content is a prefix; n is the full length
	fPy2                      // str from STRING/BINSTRING: raw bytes, ASCII-decoded by the loader
	fDecode                   // bytes computed by a decoding call (base64, hex, latin1)
)

// value is one Python object as the reader models it, in 16 bytes with
// no pointer, so that the collector never scans the stack, the memo or
// the items of containers. Numbers live in the value. ref is an index
// into the stream's tables (see slab), 0 for none: for str, bytes and
// bytearray the content in the string table (0 for empty content); for
// globals, containers and call results the shared object in the object
// table, so that the memo, DUP and the stack alias them as CPython does.
type value struct {
	n     int64
	ref   uint32
	kind  kind
	flags uint8
}

// how says how an object of kind kObject came to be.
type how uint8

const (
	hCall        how = iota // items[0](*items[1]) by REDUCE
	hNew                    // instance of items[0] by NEWOBJ, NEWOBJ_EX, INST, OBJ
	hReconstruct            // copyreg._reconstructor(cls, base, state): instance of cls
	hPersistent             // persistent_load(items[0])
	hExt                    // an object from the extension registry; count is the code
	hJoblib                 // an array read by joblib after a wrapper
)

// maxItems is how many items of a container are kept for summaries and
// for the joblib wrapper state; count holds the real length.
const maxItems = 32

// object is a container or the result of a call.
type object struct {
	// items are the first maxItems items of a container (key, value
	// pairs for a dict). For kObject: items[0] the callable or class,
	// items[1] the arguments, items[2] the state set by BUILD.
	items []value
	count int64
	// g is the global this object is or derives from: the name of a
	// kGlobal, the class of an instance, the callable of a call result:
	// an index into the slab's globals, 0 for none.
	gi uint32
	// direct is set when g is straight from an import: the object is the
	// global itself, an instance of it, or the result of calling it.
	direct bool
	how    how
	// over says what the items past maxItems were, which are not kept:
	// overText for str or bytes, overOther for anything but numbers,
	// bools and None (see ArgSummary).
	over uint8
}

// Flags of object.over.
const (
	overText uint8 = 1 << iota
	overOther
)

// overOf is the over flag of an item that is not kept.
func overOf(v value) uint8 {
	switch v.kind {
	case kNone, kBool, kInt, kBigInt, kFloat, kAbsent:
		return 0
	case kStr, kBytes, kByteArray:
		return overText
	}
	return overOther
}

func (o *object) add(v value) {
	if len(o.items) < maxItems {
		o.items = append(o.items, v)
	} else {
		o.over |= overOf(v)
	}
	o.count++
}

// grow makes room for n more items at once.
func (o *object) grow(n int) {
	if cap(o.items)-len(o.items) < n {
		items := make([]value, len(o.items), len(o.items)+n)
		copy(items, o.items)
		o.items = items
	}
}

func (o *object) item(i int) value {
	if o == nil || i >= len(o.items) {
		return value{}
	}
	return o.items[i]
}

// setState records the state BUILD gives an object.
func (o *object) setState(v value) {
	for len(o.items) < 2 {
		o.items = append(o.items, value{kind: kNone})
	}
	if len(o.items) == 2 {
		o.items = append(o.items, v)
		return
	}
	o.items[2] = v
}

func intValue(n int64) value { return value{kind: kInt, n: n} }

// isText reports whether v is a str whose whole content is known.
func (v value) isText() bool { return v.kind == kStr && v.flags&fTrunc == 0 }

// isData reports whether v is str or bytes-like with its whole content.
func (v value) isData() bool {
	switch v.kind {
	case kStr, kBytes, kByteArray:
		return v.flags&fTrunc == 0
	}
	return false
}

// literal reports whether the value is known to the reader (not computed
// by a call at load time).
func (v value) literal() bool { return v.kind != kObject && v.kind != kAbsent }

// global returns the global v is or derives from, and whether v is that
// global itself.
func (a *slab) global(v value) (*Global, bool) {
	g := a.globalOf(v)
	return g, g != nil && v.kind == kGlobal
}

// hasObject reports kinds whose ref is in the object table.
func (k kind) hasObject() bool { return k >= kGlobal && k <= kObject }
