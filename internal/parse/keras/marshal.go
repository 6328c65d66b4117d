package keras

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// CodeNames decodes base64 text holding a marshalled Python code object
// (what Keras writes for a Lambda) and returns the names its code and the
// code objects nested in its constants use (co_names), in order of first
// appearance, at most maxNames of them. It decodes at most maxObjects
// marshal objects. Python 3.7 to 3.13 layouts are understood: the number
// of leading int32 fields (5 or 6) is told by where the bytecode string
// starts.
func CodeNames(b64 string, maxNames, maxObjects int) ([]string, error) {
	clean := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' {
			return -1
		}
		return r
	}, b64)
	raw, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return nil, fmt.Errorf("base64: %w", err)
	}
	m := &marshal{b: raw, maxObjects: maxObjects, maxNames: maxNames, seen: map[string]bool{}}
	if len(raw) == 0 || raw[0]&^flagRef != 'c' {
		return nil, errors.New("not a marshalled code object")
	}
	_, err = m.object(0)
	return m.names, err
}

const (
	flagRef        = 0x80
	maxMarshalNest = 200
)

var errTruncated = errors.New("marshal data truncated")

// value is what the decoder keeps of an object: strings (for names and
// references) and tuples of strings (for co_names).
type value struct {
	str     string
	isStr   bool
	isBytes bool
	items   []value
}

type marshal struct {
	b          []byte
	off        int
	refs       []value
	objects    int
	maxObjects int
	maxNames   int
	names      []string
	seen       map[string]bool
}

func (m *marshal) u8() (byte, error) {
	if m.off >= len(m.b) {
		return 0, errTruncated
	}
	m.off++
	return m.b[m.off-1], nil
}

func (m *marshal) u32() (uint32, error) {
	if len(m.b)-m.off < 4 {
		return 0, errTruncated
	}
	m.off += 4
	return binary.LittleEndian.Uint32(m.b[m.off-4:]), nil
}

func (m *marshal) skip(n int) error {
	if n < 0 || len(m.b)-m.off < n {
		return errTruncated
	}
	m.off += n
	return nil
}

func (m *marshal) bytes(n int) (string, error) {
	start := m.off
	if err := m.skip(n); err != nil {
		return "", err
	}
	return string(m.b[start:m.off]), nil
}

// object decodes one marshal object at the current offset.
func (m *marshal) object(depth int) (value, error) {
	if depth > maxMarshalNest {
		return value{}, errors.New("marshal data nested too deeply")
	}
	m.objects++
	if m.objects > m.maxObjects {
		return value{}, fmt.Errorf("more than %d marshal objects", m.maxObjects)
	}
	at := m.off
	code, err := m.u8()
	if err != nil {
		return value{}, err
	}
	ref := -1
	if code&flagRef != 0 {
		ref = len(m.refs)
		m.refs = append(m.refs, value{})
	}
	v, err := m.body(code&^flagRef, depth)
	if err != nil {
		return v, fmt.Errorf("offset %d (type %q): %w", at, code&^flagRef, err)
	}
	if ref >= 0 {
		m.refs[ref] = v
	}
	return v, nil
}

// body reads the object of type code after its type byte.
func (m *marshal) body(code byte, depth int) (value, error) {
	switch code {
	case '0', 'N', 'F', 'T', 'S', '.':
		return value{}, nil
	case 'i':
		return value{}, m.skip(4)
	case 'I', 'g':
		return value{}, m.skip(8)
	case 'y':
		return value{}, m.skip(16)
	case 'l':
		return value{}, m.long()
	case 'f': // a text float: one length-prefixed string
		return value{}, m.shortStrings(1)
	case 'x': // a text complex: two
		return value{}, m.shortStrings(2)
	case 's', 't', 'u', 'a', 'A':
		return m.str(code)
	case 'z', 'Z':
		return m.shortStr()
	case 'r':
		return m.ref()
	case '(', '[', '<', '>':
		n, err := m.u32()
		if err != nil {
			return value{}, err
		}
		return m.seq(int(min(n, uint32(len(m.b)+1))), depth)
	case ')':
		n, err := m.u8()
		if err != nil {
			return value{}, err
		}
		return m.seq(int(n), depth)
	case '{':
		return value{}, m.dict(depth)
	case ':':
		return m.seq(3, depth)
	case 'c':
		return value{}, m.codeObject(depth)
	}
	return value{}, fmt.Errorf("unknown marshal type %q", code)
}

// long skips a long: an int32 digit count (its sign the number's) and
// two bytes a digit.
func (m *marshal) long() error {
	n, err := m.u32()
	if err != nil {
		return err
	}
	d := int64(int32(n))
	if d < 0 {
		d = -d
	}
	return m.skip(int(min(d, int64(len(m.b)))) * 2)
}

// shortStrings skips parts strings of a one-byte length each.
func (m *marshal) shortStrings(parts int) error {
	for range parts {
		n, err := m.u8()
		if err != nil {
			return err
		}
		if err := m.skip(int(n)); err != nil {
			return err
		}
	}
	return nil
}

// str reads a string of an int32 length: bytes for 's', text otherwise.
func (m *marshal) str(code byte) (value, error) {
	n, err := m.u32()
	if err != nil {
		return value{}, err
	}
	s, err := m.bytes(int(min(n, uint32(len(m.b)+1))))
	return value{str: s, isStr: code != 's', isBytes: code == 's'}, err
}

// shortStr reads an ASCII string of a one-byte length.
func (m *marshal) shortStr() (value, error) {
	n, err := m.u8()
	if err != nil {
		return value{}, err
	}
	s, err := m.bytes(int(n))
	return value{str: s, isStr: true}, err
}

// ref returns an object read before, by its index in the reference table.
func (m *marshal) ref() (value, error) {
	n, err := m.u32()
	if err != nil {
		return value{}, err
	}
	if int(n) >= len(m.refs) {
		return value{}, fmt.Errorf("reference %d to an object not yet read", n)
	}
	return m.refs[n], nil
}

// dict reads key and value objects up to the '0' that ends a dict.
func (m *marshal) dict(depth int) error {
	for {
		if m.off < len(m.b) && m.b[m.off] == '0' {
			m.off++
			return nil
		}
		for range 2 {
			if _, err := m.object(depth + 1); err != nil {
				return err
			}
		}
	}
}

func (m *marshal) seq(n, depth int) (value, error) {
	if n > len(m.b)-m.off {
		return value{}, errTruncated // every item takes at least one byte
	}
	items := make([]value, 0, min(n, 64))
	for range n {
		v, err := m.object(depth + 1)
		if err != nil {
			return value{}, err
		}
		items = append(items, v)
	}
	return value{items: items}, nil
}

// codeObject reads a code object: 5 (3.7, 3.11+) or 6 (3.8-3.10) int32
// fields, eight objects (bytecode, constants, names, ...), the first line
// number, then one line table (up to 3.10) or a line table and an
// exception table (3.11+, told by the fifth object being bytes: the
// locals kinds, where 3.7 has the free variables tuple).
func (m *marshal) codeObject(depth int) error {
	ints := 5
	if !m.bytecodeAt(m.off+20) && m.bytecodeAt(m.off+24) {
		ints = 6
	}
	if err := m.skip(4 * ints); err != nil {
		return err
	}
	tail := 1
	for i := range 8 {
		v, err := m.object(depth + 1)
		if err != nil {
			return err
		}
		switch {
		case i == 2:
			m.addNames(v)
		case i == 4 && ints == 5 && v.isBytes:
			tail = 2
		}
	}
	if err := m.skip(4); err != nil {
		return err
	}
	for range tail {
		if _, err := m.object(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

func (m *marshal) bytecodeAt(off int) bool {
	if off+5 > len(m.b) || m.b[off]&^flagRef != 's' {
		return false
	}
	return int(binary.LittleEndian.Uint32(m.b[off+1:])) <= len(m.b)-off-5
}

func (m *marshal) addNames(v value) {
	for _, it := range v.items {
		if !it.isStr || m.seen[it.str] || len(m.names) >= m.maxNames {
			continue
		}
		m.seen[it.str] = true
		m.names = append(m.names, it.str)
	}
}
