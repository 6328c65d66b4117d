package pickle

import (
	"encoding/binary"
	"fmt"
)

func (s *scanner) smallTuple(n int) {
	start := len(s.stack) - n
	if start < s.fence() {
		s.underflow()
		return
	}
	v := s.filled(kTuple, s.stack[start:])
	s.truncate(start)
	s.push(v)
}

func (s *scanner) dictOp() {
	m, ok := s.marker()
	if !ok {
		return
	}
	if (len(s.stack)-m)%2 != 0 {
		s.fail("odd number of items for DICT")
		return
	}
	v := s.filled(kDict, s.stack[m:])
	s.noteKeys(v, s.stack[m:])
	s.objectOf(v).count /= 2
	s.truncate(m)
	s.push(v)
}

// batch is APPENDS, SETITEMS and ADDITEMS: the target sits just below
// the mark.
func (s *scanner) batch(op byte) {
	m, ok := s.marker()
	if !ok {
		return
	}
	s.appendTo(m, opNames[op])
}

// appendTo adds stack[x:] to the object at stack[x-1], as do_append and
// do_setitems in _pickle.c. Native lists, dicts and sets are filled; any
// other object gets its extend/append/__setitem__/add method called,
// which is recorded as a call.
func (s *scanner) appendTo(x int, op string) {
	n := len(s.stack)
	if x > n || x <= s.fence() {
		s.underflow()
		return
	}
	if x == n {
		return
	}
	items := s.stack[x:]
	pairs := op == "SETITEM" || op == "SETITEMS"
	if pairs && len(items)%2 != 0 {
		s.fail("odd number of items for SETITEMS")
		return
	}
	target := s.stack[x-1]
	switch {
	case target.kind == kList && !pairs && op != "ADDITEMS",
		target.kind == kDict && pairs,
		target.kind == kSet && op == "ADDITEMS":
		room := min(len(items), maxItems-len(s.objectOf(target).items))
		if room > 0 {
			s.charge(valueBytes * int64(room))
			s.objectOf(target).grow(room)
		}
		for _, it := range items {
			s.objectOf(target).add(it)
		}
		s.keepMore(target, items, max(room, 0))
		if pairs {
			s.objectOf(target).count -= int64(len(items) / 2)
			s.noteKeys(target, items)
		}
	case target.kind == kGlobal || target.kind == kObject:
		s.methodCall(target, items, op)
	}
	s.truncate(x)
}

// methods names the method the unpickler calls for each opcode.
var methods = map[string]string{"APPEND": ".append", "APPENDS": ".extend",
	"SETITEM": ".__setitem__", "SETITEMS": ".__setitem__", "ADDITEMS": ".add"}

// methodCall records extend/append/__setitem__/add invoked on an object
// that is not a native container.
func (s *scanner) methodCall(target value, items []value, op string) {
	g, _ := s.sh.slab.global(target)
	c, listed := s.newCall(op, g, s.objectOf(target) != nil && s.objectOf(target).direct, target.kind == kGlobal || s.isClassOf(target))
	s.noteItems(items)
	if !listed {
		return
	}
	args := s.container(kTuple)
	for _, it := range items {
		s.objectOf(args).add(it)
	}
	c.Desc = s.summary(target, s.opts.MaxArgsLen) + methods[op]
	c.PersistentID = s.persistentFacts(target)
	c.Args = s.argsSummary(args, s.opts.MaxArgsLen)
	s.argFacts(&c, args)
	s.addCall(c)
}

// memoKey reads the key operand of GET/PUT and their binary forms.
func (s *scanner) memoKey(op byte) (uint64, bool) {
	switch op {
	case opGET, opPUT:
		b, ok := s.line()
		if !ok {
			return 0, false
		}
		if len(b) == 0 {
			s.fail("pickle data was truncated")
			return 0, false
		}
		n, ok := pyLong(cString(b), 10)
		if !ok || n.big {
			s.failf("invalid memo key %s", s.summary(s.text(kStr, string(b), int64(len(b)), fPy2), 40))
			return 0, false
		}
		if n.n < 0 {
			if op == opGET {
				s.failf("Memo value not found at index %d", n.n)
				return 0, false
			}
			s.fail("negative " + opNames[op] + " argument")
			return 0, false
		}
		return uint64(n.n), true
	case opBINGET, opBINPUT:
		b, ok := s.operand(1)
		if !ok {
			return 0, false
		}
		return uint64(b[0]), true
	case opLONG_BINGET, opLONG_BINPUT:
		b, ok := s.operand(4)
		if !ok {
			return 0, false
		}
		return uint64(binary.LittleEndian.Uint32(b)), true
	}
	return uint64(s.memo.n), true // MEMOIZE
}

func (s *scanner) get(op byte) {
	k, ok := s.memoKey(op)
	if !ok {
		return
	}
	v, ok := s.memo.get(k)
	if !ok {
		s.failf("memo key %d not found (KeyError)", k)
		return
	}
	s.push(v)
}

// put stores the top of the stack (not the previous operand: the
// memo-desync bypass relies on readers confusing the two).
func (s *scanner) put(op byte) {
	k, ok := s.memoKey(op)
	if !ok {
		return
	}
	v, ok := s.top()
	if !ok {
		return
	}
	if s.memo.n >= s.opts.MaxMemo && !s.memo.has(k) {
		s.limit("MaxMemo", fmt.Sprintf("more than %d memo entries", s.opts.MaxMemo))
		return
	}
	if s.memo.put(k, v) {
		s.charge(valueBytes << pageBits)
	} else if k>>pageBits >= uint64(len(s.memo.pages)) {
		s.charge(2 * valueBytes) // a map entry
	}
}
