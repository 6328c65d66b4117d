package pickle

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// findClass records the import find_class would perform and returns the
// imported object. Below protocol 3 names are mapped from Python 2 first
// (fix_imports). Dotted names are recorded whole whatever the protocol:
// CPython 3.11 resolves them as attribute chains from protocol 4 on and
// fails below, but other versions and loaders differ, so the policy
// judges every component (Global.Components).
func (s *scanner) findClass(g Global) value {
	key := classKey{g, s.proto < 3}
	if v, ok := s.classes[key]; ok {
		s.addImport(Import{Global: *s.globalOf(v), Offset: s.opStart, Op: opNames[s.op]})
		return v
	}
	if s.proto < 3 {
		if m, ok := nameMapping[g]; ok {
			g = m
		} else if m, ok := importMapping[g.Module]; ok {
			g.Module = m
		}
	}
	v := s.imported(g)
	if len(s.classes) < maxInterned && len(key.g.Module)+len(key.g.Name) <= 2*maxInternedName {
		s.charge(internedBytes)
		s.classes[key] = v
	}
	s.addImport(Import{Global: *s.globalOf(v), Offset: s.opStart, Op: opNames[s.op]})
	return v
}

func (s *scanner) addImport(imp Import) {
	if !s.fact() {
		return
	}
	s.imports.add(imp)
}

// nameLines reads the two text lines of GLOBAL and INST. _pickle.c
// decodes GLOBAL's as strict UTF-8 and INST's as strict ASCII, and
// raises on anything else before find_class is reached.
func (s *scanner) nameLines(ascii bool) (Global, bool) {
	var parts [2]string
	for i := range parts {
		b, ok := s.line()
		if !ok {
			return Global{}, false
		}
		if len(b) == 0 {
			// _pickle.c: a line of less than two bytes is bad_readline.
			s.fail("pickle data was truncated")
			return Global{}, false
		}
		if ascii && !isASCII(b) {
			s.fail("'ascii' codec can't decode the INST name (UnicodeDecodeError)")
			return Global{}, false
		}
		if !utf8.Valid(b) {
			s.fail("'utf-8' codec can't decode the GLOBAL name (UnicodeDecodeError)")
			return Global{}, false
		}
		parts[i] = s.name(b)
	}
	return Global{Module: parts[0], Name: parts[1]}, true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func (s *scanner) globalOp() {
	g, ok := s.nameLines(false)
	if !ok {
		return
	}
	s.push(s.findClass(g))
}

// stackGlobal is STACK_GLOBAL: name and module come from the stack, from
// wherever they were put (memo, DUP, mark juggling). Both must be str; a
// value computed by a call may be a str at load time, so it is recorded
// as an unresolved import rather than rejected.
func (s *scanner) stackGlobal() {
	name, ok := s.pop()
	if !ok {
		return
	}
	module, ok := s.pop()
	if !ok {
		return
	}
	computed := func(v value) bool { return v.kind == kObject || v.kind == kGlobal }
	if (module.kind != kStr && !computed(module)) || (name.kind != kStr && !computed(name)) {
		s.fail("STACK_GLOBAL requires str")
		return
	}
	if module.kind == kStr && name.kind == kStr {
		if module.flags&fTrunc != 0 || name.flags&fTrunc != 0 {
			s.addImport(Import{Global: Global{Module: s.str(module), Name: s.str(name)}, Offset: s.opStart,
				Op: "STACK_GLOBAL", Unresolved: true, Desc: "name longer than the kept prefix"})
			s.limit("MaxOperandBytes", "STACK_GLOBAL name too long to keep")
			return
		}
		s.push(s.findClass(Global{Module: s.str(module), Name: s.str(name)}))
		return
	}
	g := Global{Module: "?", Name: "?"}
	if module.kind == kStr {
		g.Module = s.str(module)
	}
	if name.kind == kStr {
		g.Name = s.str(name)
	}
	desc := fmt.Sprintf("find_class(%s, %s)", s.summary(module, s.opts.MaxArgsLen/2), s.summary(name, s.opts.MaxArgsLen/2))
	s.addImport(Import{Global: g, Offset: s.opStart, Op: "STACK_GLOBAL", Unresolved: true, Desc: desc})
	s.charge(objectBytes)
	v, o := s.newObject(kGlobal, 0)
	o.gi = s.objectOf(s.imported(g)).gi
	s.push(v)
}

// ext is EXT1/2/4: an object from copyreg's extension registry. Nothing is
// registered by default, so the loader raises unless the loading process
// registered the code; the code is recorded as the evidence.
func (s *scanner) ext(op byte) {
	var code int64
	switch op {
	case opEXT1:
		b, ok := s.operand(1)
		if !ok {
			return
		}
		code = int64(b[0])
	case opEXT2:
		b, ok := s.operand(2)
		if !ok {
			return
		}
		code = int64(binary.LittleEndian.Uint16(b))
	default:
		b, ok := s.operand(4)
		if !ok {
			return
		}
		code = int64(int32(binary.LittleEndian.Uint32(b)))
	}
	if code <= 0 {
		s.fail("EXT specifies code <= 0")
		return
	}
	s.addImport(Import{Offset: s.opStart, Op: opNames[op], ExtCode: code})
	s.charge(objectBytes)
	v, o := s.newObject(kObject, 0)
	o.how, o.count = hExt, code
	s.push(v)
}

func (s *scanner) persid() {
	b, ok := s.line()
	if !ok {
		return
	}
	if !isASCII(b) {
		// load_persid decodes the id as strict ASCII.
		s.fail("persistent IDs in protocol 0 must be ASCII strings")
		return
	}
	s.persistent(s.text(kStr, string(b), int64(len(b)), fPy2))
}

// persistent records a persistent id and pushes what persistent_load
// returns (unknown to the reader).
func (s *scanner) persistent(pid value) {
	if !s.fact() {
		return
	}
	s.res.PersistentIDCount++
	if len(s.res.PersistentIDs) < s.opts.MaxPersistentIDs {
		sum := s.summary(pid, s.opts.MaxArgsLen)
		if !s.evidenceOK(len(sum)) {
			return
		}
		s.res.PersistentIDs = append(s.res.PersistentIDs, PersistentID{Offset: s.opStart, Value: sum})
	}
	if st, ok := s.storage(pid); ok {
		st.Offset = s.opStart
		s.storages.add(st)
	}
	s.charge(objectBytes + valueBytes)
	v, o := s.newObject(kObject, 1)
	o.how = hPersistent
	o.items = append(o.items, pid)
	s.push(v)
}

// persistentFacts returns, when v is what persistent_load returns for a
// tuple id, the facts of the id's items (Call.PersistentID); nil
// otherwise.
func (s *scanner) persistentFacts(v value) []ArgFact {
	o := s.objectOf(v)
	if v.kind != kObject || o == nil || o.how != hPersistent {
		return nil
	}
	id := o.item(0)
	if id.kind != kTuple || s.objectOf(id) == nil {
		return nil
	}
	items := s.objectOf(id).items
	facts := make([]ArgFact, len(items))
	for i, it := range items {
		facts[i] = s.factOf(it, s.opts.MaxArgsLen)
	}
	return facts
}

// storage reads a PyTorch storage reference: ('storage', type, key,
// location, elements[, view_metadata]).
func (s *scanner) storage(pid value) (Storage, bool) {
	if pid.kind != kTuple || s.objectOf(pid).count < 5 || s.objectOf(pid).count > 6 {
		return Storage{}, false
	}
	it := s.objectOf(pid).items
	if !it[0].isText() || s.str(it[0]) != "storage" || !it[2].isText() || !it[3].isText() {
		return Storage{}, false
	}
	st := Storage{Key: s.str(it[2]), Location: s.str(it[3]), Elements: -1}
	if g, _ := s.sh.slab.global(it[1]); g != nil {
		st.Type = *g
	}
	if it[4].kind == kInt {
		st.Elements = it[4].n
	}
	return st, true
}
