package pickle

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// reprDepth bounds how deep summaries descend into containers.
const reprDepth = 6

// printer renders values in Python repr style into a bounded buffer. Every
// byte outside printable ASCII is escaped, so a summary can never carry a
// terminal escape or start a line of its own.
type printer struct {
	buf  []byte
	max  int
	full bool
	t    *slab // the string table
}

func (p *printer) room() bool { return !p.full }

func (p *printer) raw(s string) {
	if p.full {
		return
	}
	if len(p.buf)+len(s) > p.max {
		p.buf = append(p.buf, s[:p.max-len(p.buf)]...)
		p.full = true
		return
	}
	p.buf = append(p.buf, s...)
}

// rawBytes is raw for a byte slice.
func (p *printer) rawBytes(b []byte) {
	if p.full {
		return
	}
	if len(p.buf)+len(b) > p.max {
		p.buf = append(p.buf, b[:p.max-len(p.buf)]...)
		p.full = true
		return
	}
	p.buf = append(p.buf, b...)
}

// one appends a single byte.
func (p *printer) one(c byte) {
	if p.full {
		return
	}
	if len(p.buf) >= p.max {
		p.full = true
		return
	}
	p.buf = append(p.buf, c)
}

func (p *printer) int(n int64) {
	var tmp [24]byte
	p.rawBytes(strconv.AppendInt(tmp[:0], n, 10))
}

func (p *printer) done() string {
	if p.full {
		return string(p.buf) + "..."
	}
	return string(p.buf)
}

// summary renders v within max bytes.
func (s *scanner) summary(v value, max int) string {
	p := printer{max: max, buf: make([]byte, 0, 48), t: &s.sh.slab}
	p.value(v, 0)
	return p.done()
}

// argsSummary renders an argument tuple (or any value standing for one).
func (s *scanner) argsSummary(v value, max int) string {
	p := printer{max: max, t: &s.sh.slab}
	if v.kind == kTuple {
		p.value(v, 0)
	} else {
		p.raw("(*")
		p.value(v, 0)
		p.raw(")")
	}
	return p.done()
}

func (p *printer) value(v value, depth int) {
	if !p.room() {
		return
	}
	if depth > reprDepth {
		p.raw("...")
		return
	}
	switch v.kind {
	case kAbsent:
		p.raw("<missing>")
	case kNone:
		p.raw("None")
	case kBool:
		if v.n != 0 {
			p.raw("True")
		} else {
			p.raw("False")
		}
	case kInt:
		p.int(v.n)
	case kBigInt:
		p.raw("<int of " + strconv.FormatInt(v.n, 10) + " bytes>")
	case kFloat:
		p.float(math.Float64frombits(uint64(v.n)))
	case kStr:
		p.str(v)
	case kBytes, kByteArray:
		p.bytes(v)
	case kBuffer:
		p.raw("<buffer>")
	case kGlobal:
		p.escaped(p.t.globalOf(v).String())
	case kTuple, kList, kSet, kFrozenSet:
		p.seq(v, depth)
	case kDict:
		p.dict(v, depth)
	case kObject:
		p.object(v, depth)
	}
}

func (p *printer) float(f float64) {
	switch {
	case math.IsInf(f, 1):
		p.raw("inf")
	case math.IsInf(f, -1):
		p.raw("-inf")
	case math.IsNaN(f):
		p.raw("nan")
	default:
		s := strconv.FormatFloat(f, 'g', -1, 64)
		p.raw(s)
		if f == math.Trunc(f) && math.Abs(f) < 1e16 {
			p.raw(".0")
		}
	}
}

const hexDigits = "0123456789abcdef"

// str renders a str: UTF-8 content is decoded rune by rune; fPy2 strings
// and invalid UTF-8 are escaped byte by byte.
func (p *printer) str(v value) {
	p.raw("'")
	s := p.t.str(v)
	for i := 0; i < len(s) && p.room(); {
		r, size := rune(s[i]), 1
		if v.flags&fPy2 == 0 && r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				r = rune(s[i])
			}
		}
		p.char(r, '\'')
		i += size
	}
	p.raw("'")
	if v.flags&fTrunc != 0 {
		p.raw("...")
	}
}

func (p *printer) bytes(v value) {
	if v.kind == kByteArray {
		p.raw("bytearray(")
	}
	p.raw("b'")
	s := p.t.str(v)
	for i := 0; i < len(s) && p.room(); i++ {
		c := s[i]
		if c >= 0x80 {
			p.rawBytes([]byte{'\\', 'x', hexDigits[c>>4], hexDigits[c&15]})
			continue
		}
		p.char(rune(c), '\'')
	}
	p.raw("'")
	if v.flags&fTrunc != 0 {
		p.raw("...")
	}
	if v.kind == kByteArray {
		p.raw(")")
	}
}

// escaped renders a name with non-printable bytes escaped.
func (p *printer) escaped(s string) {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' {
			clean = false
			break
		}
	}
	if clean {
		p.raw(s)
		return
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '\\' {
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
			continue
		}
		b = append(b, c)
	}
	p.raw(string(b))
}

func (p *printer) char(r rune, quote rune) {
	switch {
	case r == quote || r == '\\':
		p.rawBytes([]byte{'\\', byte(r)})
	case r == '\n':
		p.raw(`\n`)
	case r == '\r':
		p.raw(`\r`)
	case r == '\t':
		p.raw(`\t`)
	case r >= 0x20 && r < 0x7f:
		p.one(byte(r))
	case r < 0x100:
		p.rawBytes([]byte{'\\', 'x', hexDigits[r>>4], hexDigits[r&15]})
	case r < 0x10000:
		p.raw(`\u` + hex4(uint32(r)))
	default:
		p.raw(`\U` + hex4(uint32(r)>>16) + hex4(uint32(r)))
	}
}

func hex4(x uint32) string {
	b := []byte{hexDigits[x>>12&15], hexDigits[x>>8&15], hexDigits[x>>4&15], hexDigits[x&15]}
	return string(b)
}

func (p *printer) seq(v value, depth int) {
	open, close := "(", ")"
	switch v.kind {
	case kList:
		open, close = "[", "]"
	case kSet:
		if p.t.obj(v).count == 0 {
			p.raw("set()")
			return
		}
		open, close = "{", "}"
	case kFrozenSet:
		open, close = "frozenset({", "})"
	}
	p.raw(open)
	for i, it := range p.t.obj(v).items {
		if i > 0 {
			p.raw(", ")
		}
		p.value(it, depth+1)
	}
	if p.t.obj(v).count > int64(len(p.t.obj(v).items)) {
		p.raw(", ...")
	}
	if v.kind == kTuple && p.t.obj(v).count == 1 {
		p.raw(",")
	}
	p.raw(close)
}

func (p *printer) dict(v value, depth int) {
	p.raw("{")
	for i := 0; i+1 < len(p.t.obj(v).items); i += 2 {
		if i > 0 {
			p.raw(", ")
		}
		p.value(p.t.obj(v).items[i], depth+1)
		p.raw(": ")
		p.value(p.t.obj(v).items[i+1], depth+1)
	}
	if p.t.obj(v).count > int64(len(p.t.obj(v).items)) {
		p.raw(", ...")
	}
	p.raw("}")
}

func (p *printer) object(v value, depth int) {
	o := p.t.obj(v)
	switch o.how {
	case hPersistent:
		p.raw("persistent_load(")
		p.value(o.item(0), depth+1)
		p.raw(")")
	case hExt:
		p.raw("<extension " + strconv.FormatInt(o.count, 10) + ">")
	case hJoblib:
		p.raw("<joblib array>")
	default:
		p.value(o.item(0), depth+1)
		args := o.item(1)
		if args.kind == kTuple {
			p.value(args, depth+1)
		} else {
			p.raw("(*")
			p.value(args, depth+1)
			p.raw(")")
		}
	}
}
