package pickle

import (
	"encoding/binary"
	"fmt"
	"math"
)

// keep decides how much of an n-byte operand to hold: everything when it
// is short, or when it fits MaxOperandBytes and the MaxNestedBytes budget
// (so it can be scanned if it reaches a loader); otherwise a prefix.
func (s *scanner) keep(n int64) (int64, bool) {
	if n <= int64(s.opts.KeepPrefix) {
		return n, true
	}
	if n <= s.opts.MaxOperandBytes && s.kept+n <= s.opts.MaxNestedBytes {
		s.kept += n
		return n, true
	}
	return int64(s.opts.KeepPrefix), false
}

// data reads a counted operand of n bytes and returns what is kept of it.
func (s *scanner) data(n int64) (string, bool, bool) {
	if !s.in.fits(n) {
		s.fail("pickle data was truncated")
		return "", false, false
	}
	start := s.in.off()
	k, whole := s.keep(n)
	var content string
	if k <= bufSize {
		b, ok := s.in.next(int(k))
		if !ok {
			s.readErr()
			s.fail("pickle data was truncated")
			return "", false, false
		}
		content = string(b)
	} else {
		b := make([]byte, k)
		if !s.in.readFull(b) {
			s.readErr()
			s.fail("pickle data was truncated")
			return "", false, false
		}
		content = string(b)
	}
	if !whole && !s.in.skip(n-k) {
		s.readErr()
		s.fail("pickle data was truncated")
		return "", false, false
	}
	s.span(start, s.in.off())
	s.charge(int64(len(content)))
	return content, !whole, true
}

// counted reads the string, bytes and bytearray opcodes with a length
// prefix.
func (s *scanner) counted(op byte) {
	var width int
	k := kBytes
	var flags uint8
	switch op {
	case opSHORT_BINSTRING:
		width, k, flags = 1, kStr, fPy2
	case opBINSTRING:
		width, k, flags = -4, kStr, fPy2
	case opSHORT_BINBYTES:
		width = 1
	case opBINBYTES:
		width = 4
	case opBINBYTES8:
		width = 8
	case opBYTEARRAY8:
		width, k = 8, kByteArray
	case opSHORT_BINUNICODE:
		width, k = 1, kStr
	case opBINUNICODE:
		width, k = 4, kStr
	case opBINUNICODE8:
		width, k = 8, kStr
	}
	n, ok := s.length(width)
	if !ok {
		return
	}
	content, trunc, ok := s.data(n)
	if !ok {
		return
	}
	if trunc {
		flags |= fTrunc
	}
	s.push(s.text(k, content, n, flags))
}

// length reads a length prefix of |width| bytes, signed when width < 0.
func (s *scanner) length(width int) (int64, bool) {
	signed := width < 0
	if signed {
		width = -width
	}
	b, ok := s.operand(width)
	if !ok {
		return 0, false
	}
	var n int64
	switch width {
	case 1:
		n = int64(b[0])
	case 4:
		u := binary.LittleEndian.Uint32(b)
		n = int64(u)
		if signed {
			n = int64(int32(u))
		}
	case 8:
		u := binary.LittleEndian.Uint64(b)
		if u > math.MaxInt64 {
			s.failf("%s exceeds system's maximum size of %d bytes", opNames[s.op], int64(math.MaxInt64))
			return 0, false
		}
		n = int64(u)
	}
	if n < 0 {
		s.failf("%s pickle has negative byte count", opNames[s.op])
		return 0, false
	}
	return n, true
}

// stringLine is STRING: a quoted, escaped Python 2 string.
func (s *scanner) stringLine() {
	b, long, ok := s.longLine()
	if !ok {
		return
	}
	out, err := decodeString(b, long)
	if err != nil {
		s.fail(err.Error())
		return
	}
	s.pushText(out, long, kStr, fPy2)
}

// unicodeLine is UNICODE: raw-unicode-escape text.
func (s *scanner) unicodeLine() {
	b, long, ok := s.longLine()
	if !ok {
		return
	}
	out, err := rawUnicodeEscape(b, long)
	if err != nil {
		s.fail(err.Error())
		return
	}
	s.pushText([]byte(out), long, kStr, 0)
}

// pushText pushes decoded text, keeping it whole only within budget.
func (s *scanner) pushText(b []byte, long bool, k kind, flags uint8) {
	n := int64(len(b))
	keep, whole := s.keep(n)
	if long || !whole {
		flags |= fTrunc
	}
	s.charge(keep)
	s.push(s.text(k, string(b[:keep]), n, flags))
}

// readonly is READONLY_BUFFER: the top becomes a read-only memoryview;
// objects without the buffer protocol make the unpickler raise.
func (s *scanner) readonly() {
	v, ok := s.top()
	if !ok {
		return
	}
	switch v.kind {
	case kBytes, kByteArray, kBuffer, kObject, kGlobal:
	default:
		s.fail(fmt.Sprintf("a bytes-like object is required, not %s", kindName(v.kind)))
	}
}

// kindName is the Python type name of a kind, for messages.
func kindName(k kind) string {
	switch k {
	case kNone:
		return "'NoneType'"
	case kBool:
		return "'bool'"
	case kInt, kBigInt:
		return "'int'"
	case kFloat:
		return "'float'"
	case kStr:
		return "'str'"
	case kBytes:
		return "'bytes'"
	case kByteArray:
		return "'bytearray'"
	case kTuple:
		return "'tuple'"
	case kList:
		return "'list'"
	case kDict:
		return "'dict'"
	case kSet:
		return "'set'"
	case kFrozenSet:
		return "'frozenset'"
	}
	return "object"
}
