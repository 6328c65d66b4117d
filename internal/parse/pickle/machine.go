package pickle

import (
	"fmt"
	"io"
)

// Read reads every pickle in r, back to back, the way repeated
// pickle.load calls on one file would, and records what the unpickler
// would do. Data after the last pickle that is not a pickle is reported as
// Result.Trailing. Read never executes anything and always returns.
func Read(r io.Reader, opts Options) *Result {
	return read(r, opts, 0, false)
}

// ReadOne reads exactly one pickle and stops right after its STOP:
// Result.End is the offset of the next byte, for containers that put raw
// data after a pickle (legacy PyTorch files).
func ReadOne(r io.Reader, opts Options) *Result {
	return read(r, opts, 0, true)
}

func read(r io.Reader, opts Options, depth int, one bool) *Result {
	return readShared(r, opts.sane(), depth, one, &shared{})
}

// shared is the work budget of a stream and every pickle nested in it, so
// that a literal loaded many times over cannot multiply the work.
type shared struct {
	opcodes int64 // opcodes executed, against MaxOpcodes
	nested  int64 // bytes handed to nested scans, against MaxNestedBytes
	model   int64 // bytes spent on the model of objects, against MaxModelBytes
	slab    slab  // where the objects are allocated
	// tuples are the shared small tuples of literals (see tuple).
	tuples map[tupleKey]value
}

func readShared(r io.Reader, opts Options, depth int, one bool, sh *shared) *Result {
	s := newScanner(r, opts, depth, sh)
	s.stream(one)
	s.done()
	return s.res
}

func newScanner(r io.Reader, opts Options, depth int, sh *shared) *scanner {
	return &scanner{
		in:      newInput(r, opts.Size),
		opts:    opts,
		res:     &Result{},
		depth:   depth,
		sh:      sh,
		globals: make(map[Global]value),
		classes: make(map[classKey]value),
		names:   make(map[string]string),
	}
}

// done moves the long lists of facts to the result.
func (s *scanner) done() {
	s.res.Imports, s.res.Calls, s.res.Storages = s.imports.flat(), s.calls.flat(), s.storages.flat()
}

// scanner is the state of one stream: the input, the facts so far and
// the machine of the pickle being read.
type scanner struct {
	in    *input
	opts  Options
	res   *Result
	depth int

	// the machine
	stack    []value
	marks    []int
	memo     memo
	proto    int
	maxProto int
	opStart  int64 // offset of the opcode being executed
	op       byte
	frameEnd int64 // end of the current FRAME, -1 outside frames
	// shortFrame is the disagreement a FRAME longer than the input makes
	// when the pickle completes inside it.
	shortFrame *Disagreement
	nops       int // opcodes executed in this pickle
	// pickleAt and pickleSnap are where the pickle being read starts and
	// the fact counts before it (see finish).
	pickleAt   int64
	pickleSnap snap
	// fork, when not nil, asks for a copy of the machine where joblib's
	// reading first parts from pickle.load's (see ReadFork).
	fork *Fork

	// stream-wide accounting
	sh       *shared
	facts    int
	evidence int64
	kept     int64
	halted   bool
	// globals interns imported names: the object of a direct import,
	// shared by every import of that name (never modified).
	globals map[Global]value
	// classes caches findClass by the name as read and whether Python 2
	// names are mapped; names interns the names read by GLOBAL and INST.
	// Both stop growing at maxInterned entries.
	classes map[classKey]value
	names   map[string]string
	// the long lists of facts, moved to res at the end
	imports    chunks[Import]
	calls      chunks[Call]
	storages   chunks[Storage]
	emptyTuple value
	// groups indexes Result.CallGroups; ncalls counts every call.
	groups map[callKey]int
	ncalls int
	// shapes are the argument shapes listed per group (shapes.go).
	shapes map[shapeKey]bool
	group  int // the group of the call newCall counted last
	// dictSources and dictOdd are what noteKeys saw of dict keys.
	dictSources map[uint32][]value
	dictOdd     map[uint32]bool
	// more holds the items of lists past the first maxItems, by list,
	// nmore counts them (see keepMore).
	more  map[uint32][]value
	nmore int
	// walk is the scratch stack of summarise (argsummary.go).
	walk []value
}

// isOpcode reports whether b starts a pickle opcode.
func isOpcode(b byte) bool { return opNames[b] != "" }

// stream reads pickles until the data ends or stops being a pickle.
func (s *scanner) stream(one bool) {
	for !s.halted {
		start := s.in.off()
		if s.res.Pickles > 0 {
			b, ok := s.in.peek()
			if !ok {
				s.readErr()
				return
			}
			if !isOpcode(b) {
				s.trailing(start)
				return
			}
		}
		if s.res.Pickles >= s.opts.MaxPickles {
			s.limit("MaxPickles", fmt.Sprintf("more than %d pickles", s.opts.MaxPickles))
			return
		}
		s.pickleAt, s.pickleSnap = start, s.snapshot()
		s.begin()
		if !s.finish(one) {
			return
		}
	}
}

// finish runs the pickle begun at s.pickleAt to its end and reports
// whether the stream goes on with another.
func (s *scanner) finish(one bool) bool {
	if s.run() {
		s.res.Pickles++
		s.res.End = s.in.off()
		s.res.FrameEnd = s.frameRest()
		return !one
	}
	if s.res.Pickles > 0 && s.res.Err != nil && !s.grew(s.pickleSnap) {
		// Data after a pickle that fails without doing anything is
		// not a pickle: report it as trailing data instead.
		s.pickleSnap.restore(s.res)
		s.res.Err = nil
		s.trailing(s.pickleAt)
		return false
	}
	s.res.End = s.in.off()
	return false
}

// readErr records a read error of the underlying reader, if any.
func (s *scanner) readErr() {
	if s.in.err != nil && s.res.Err == nil {
		s.res.Err = &Error{Offset: s.in.off(), Msg: fmt.Sprintf("read: %v", s.in.err)}
	}
}

// trailing records the data from start to the end as trailing.
func (s *scanner) trailing(start int64) {
	s.in.skipToEnd()
	s.res.Trailing = &Trailing{Offset: start, Size: s.in.off() - start}
	s.res.End = start
	s.readErr()
}

// snap remembers the fact counts before a speculative pickle.
type snap struct{ imports, calls, pids, nested, anomalies, disagreements, protocols, facts, groups int }

func (s *scanner) snapshot() snap {
	r := s.res
	return snap{s.imports.n, s.ncalls, r.PersistentIDCount, len(r.Nested), len(r.Anomalies), len(r.Disagreements), len(r.Protocols), s.facts, len(r.CallGroups)}
}

func (s *scanner) grew(n snap) bool {
	r := s.res
	return s.imports.n > n.imports || s.ncalls > n.calls ||
		r.PersistentIDCount > n.pids || len(r.Nested) > n.nested
}

func (n snap) restore(r *Result) {
	r.Anomalies = r.Anomalies[:n.anomalies]
	r.Disagreements = r.Disagreements[:n.disagreements]
	r.Protocols = r.Protocols[:n.protocols]
}

// pickle runs the machine over one pickle. It reports whether STOP was
// reached; otherwise Result.Err or Result.Limit says why not.
func (s *scanner) pickle() bool {
	s.begin()
	return s.run()
}

// begin resets the machine for a new pickle.
func (s *scanner) begin() {
	s.stack = s.stack[:0]
	s.marks = s.marks[:0]
	s.memo = newMemo(s.opts.MaxMemo)
	s.proto, s.maxProto, s.nops = 0, 0, 0
	s.frameEnd, s.shortFrame = -1, nil
	s.res.Protocols = append(s.res.Protocols, 0)
}

// run executes opcodes of the pickle begun until its STOP, an error or
// a bound; a fork resumes here after the opcode it was taken in.
func (s *scanner) run() bool {
	defer func() { s.res.Protocols[len(s.res.Protocols)-1] = s.maxProto }()
	for !s.halted {
		s.opStart = s.in.off()
		if s.frameEnd >= 0 && s.opStart >= s.frameEnd {
			s.frameEnd = -1
		}
		op, ok := s.in.readByte()
		if !ok {
			s.op = 0
			s.readErr()
			if s.nops == 0 {
				s.fail("ran out of input")
			} else {
				s.fail("pickle data was truncated")
			}
			return false
		}
		s.op = op
		s.nops++
		s.sh.opcodes++
		if s.sh.opcodes > s.opts.MaxOpcodes {
			s.limit("MaxOpcodes", fmt.Sprintf("more than %d opcodes", s.opts.MaxOpcodes))
			return false
		}
		if op == opSTOP {
			v, ok := s.pop()
			if ok {
				s.res.Returned = s.returned(v)
				if d := s.shortFrame; d != nil && len(s.res.Disagreements) < s.opts.MaxAnomalies {
					s.res.Disagreements = append(s.res.Disagreements, *d)
				}
			}
			return ok
		}
		s.exec(op)
	}
	return false
}

// fail records the error the unpickler would raise at the current opcode.
func (s *scanner) fail(msg string) {
	if s.halted {
		return
	}
	s.halted = true
	s.res.Err = &Error{Offset: s.opStart, Op: opNames[s.op], Msg: msg}
	if s.op == 0 && s.nops == 0 {
		s.res.Err.Op = ""
	}
}

// failf is fail with formatting.
func (s *scanner) failf(format string, args ...any) { s.fail(fmt.Sprintf(format, args...)) }

// limit records that a bound was hit at the current opcode.
func (s *scanner) limit(name, msg string) {
	if s.halted {
		return
	}
	s.halted = true
	s.res.Limit = &Limit{Offset: s.opStart, Name: name, Msg: msg}
}

// anomaly records a disagreement or oddity that does not stop the scan.
func (s *scanner) anomaly(msg string) {
	if len(s.res.Anomalies) >= s.opts.MaxAnomalies {
		return
	}
	s.res.Anomalies = append(s.res.Anomalies, Anomaly{Offset: s.opStart, Op: opNames[s.op], Msg: msg})
}

// imported returns the shared value of a direct import of g.
func (s *scanner) imported(g Global) value {
	if v, ok := s.globals[g]; ok {
		return v
	}
	s.charge(objectBytes + 8)
	v, o := s.newObject(kGlobal, 0)
	o.gi, o.direct = s.sh.slab.addGlobal(&g), true
	s.globals[g] = v
	return v
}

// Bounds of the caches of names and classes: entries, and the longest
// name kept. Each entry is charged to MaxModelBytes.
const (
	maxInterned     = 1 << 16
	maxInternedName = 128
	internedBytes   = 64 // a map entry with its share of the map
)

// classKey is a name as GLOBAL, INST or STACK_GLOBAL reads it, and
// whether it is mapped from Python 2.
type classKey struct {
	g   Global
	py2 bool
}

// name returns b as a string, shared with earlier equal names.
func (s *scanner) name(b []byte) string {
	if n, ok := s.names[string(b)]; ok {
		return n
	}
	n := string(b)
	if len(s.names) < maxInterned && len(n) <= maxInternedName {
		s.charge(internedBytes + int64(len(n)))
		s.names[n] = n
	}
	return n
}
