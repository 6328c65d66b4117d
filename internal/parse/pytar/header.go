package pytar

import (
	"bytes"
	"fmt"
	"strings"
)

// raw is a header block as TarInfo.frombuf reads it.
type raw struct {
	m        Member
	sparse   []Region // the old GNU sparse structures of the block
	extended bool
	origSize int64
}

// fromTarfile reads the header at off and processes it (fromtarfile,
// then _proc_member).
func (t *Reader) fromTarfile(off int64) (*Member, error) {
	buf, err := t.read(off, 512)
	if err != nil {
		return nil, err
	}
	h, err := frombuf(buf, off)
	if err != nil {
		return nil, err
	}
	h.m.Offset = off
	switch h.m.Type {
	case TypeLongName, TypeLongLink:
		return t.procGNULong(h)
	case TypeSparse:
		return t.procSparse(h)
	case TypePAX, TypeGlobal, TypeSolaris:
		return t.procPAX(h)
	}
	return t.procBuiltin(h), nil
}

// frombuf parses one 512-byte header block.
func frombuf(buf []byte, off int64) (*raw, error) {
	switch {
	case len(buf) == 0:
		return nil, &headerError{off: off, msg: "empty header"}
	case len(buf) != 512:
		return nil, &headerError{off: off, msg: "truncated header"}
	case bytes.Count(buf, []byte{0}) == 512:
		return nil, &headerError{off: off, msg: "end of file header"}
	}
	chk, ok := nti(buf[148:156])
	if !ok || !checksumOK(buf, chk) {
		return nil, &headerError{off: off, msg: "bad checksum"}
	}
	h := &raw{}
	m := &h.m
	m.Name = nts(buf[0:100])
	var nums [6]int64
	for i, f := range [][2]int{{100, 108}, {108, 116}, {116, 124}, {124, 136}, {136, 148}, {329, 337}} {
		if nums[i], ok = nti(buf[f[0]:f[1]]); !ok {
			return nil, &headerError{off: off, msg: "invalid header"}
		}
	}
	if _, ok := nti(buf[337:345]); !ok {
		return nil, &headerError{off: off, msg: "invalid header"}
	}
	m.Size = nums[3]
	m.Type = buf[156]
	m.Linkname = nts(buf[157:257])
	prefix := nts(buf[345:500])
	if m.Type == TypeAReg && strings.HasSuffix(m.Name, "/") {
		m.Type = TypeDir
	}
	if m.Type == TypeSparse {
		pos := 386
		for range 4 {
			o, ok1 := nti(buf[pos : pos+12])
			n, ok2 := nti(buf[pos+12 : pos+24])
			if !ok1 || !ok2 {
				return nil, &headerError{off: off, msg: "invalid header"}
			}
			h.sparse = append(h.sparse, Region{o, n})
			pos += 24
		}
		h.extended = buf[482] != 0
		if h.origSize, ok = nti(buf[483:495]); !ok {
			return nil, &headerError{off: off, msg: "invalid header"}
		}
	}
	if m.Type == TypeDir {
		m.Name = strings.TrimRight(m.Name, "/")
	}
	m.Header = m.Name
	if prefix != "" && m.Type != TypeLongName && m.Type != TypeLongLink && m.Type != TypeSparse {
		m.Name = prefix + "/" + m.Name
		if bytes.HasPrefix(buf[257:], []byte("ustar")) {
			m.Header = m.Name
		} else {
			// Go's archive/tar reads a header without the magic as v7,
			// which has no prefix field.
			m.Renamed = "ustar prefix in a header without the ustar magic"
		}
	}
	return h, nil
}

// checksumOK compares chk with tarfile's unsigned and signed sums (the
// checksum field counted as spaces).
func checksumOK(buf []byte, chk int64) bool {
	var u, s int64 = 256, 256
	for i, b := range buf {
		if i >= 148 && i < 156 {
			continue
		}
		u += int64(b)
		s += int64(int8(b))
	}
	return chk == u || chk == s
}

// nts cuts a field at its first NUL.
func nts(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// nti reads a number field: base-256 after a 0x80 (positive) or 0xff
// (negative) byte, else octal ASCII as int(s.strip() or "0", 8).
func nti(b []byte) (int64, bool) {
	if b[0] == 0x80 || b[0] == 0xff {
		var n int64
		for _, c := range b[1:] {
			if n > (1<<55)-1 || n < -(1<<55) {
				return 0, false // beyond int64: no real archive
			}
			n = n<<8 | int64(c)
		}
		if b[0] == 0xff {
			// -(256**(len-1) - n), kept in range: n < 2**55 here
			if len(b)-1 >= 8 {
				return 0, false
			}
			n -= int64(1) << (8 * (len(b) - 1))
		}
		return n, true
	}
	s := nts(b)
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return 0, false // ascii, strict
		}
	}
	s = pyStrip(s)
	if s == "" {
		return 0, true
	}
	return pyInt(s, 8)
}

// pyStrip is str.strip() on ASCII: whitespace and the separators
// \x1c-\x1f.
func pyStrip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f)
	})
}

// pyInt is Python's int(s, base) for base 8 or 10 on a stripped ASCII
// string: an optional sign, for base 8 an optional 0o prefix, digits
// with single underscores between them (and after the prefix).
func pyInt(s string, base int64) (int64, bool) {
	s = pyStrip(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	prefixed := false
	if base == 8 && len(s) >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O') {
		s, prefixed = s[2:], true
	}
	if prefixed && strings.HasPrefix(s, "_") {
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			continue
		}
		d := int64(c) - '0'
		if d < 0 || d >= base {
			return 0, false
		}
		if n > (1<<62)/base {
			return 0, false // beyond what any real field holds
		}
		n = n*base + d
	}
	if neg {
		n = -n
	}
	return n, true
}

// procBuiltin is _proc_builtin: the data follows the header (for regular
// members and unknown types), then the global PAX records apply.
func (t *Reader) procBuiltin(h *raw) *Member {
	m := &h.m
	m.DataOffset = m.Offset + 512
	t.offset = m.DataOffset
	if m.IsReg() {
		t.offset += block(m.Size)
	}
	t.applyPAX(m, t.global, "global PAX path")
	if m.Type == TypeDir {
		m.Name = strings.TrimRight(m.Name, "/")
	}
	return m
}

// procGNULong is _proc_gnulong: the data is the name (L) or link name (K)
// of the member whose header follows.
func (t *Reader) procGNULong(h *raw) (*Member, error) {
	n := block(h.m.Size)
	if n > t.opts.MaxHeaderBytes {
		return nil, fmt.Errorf("GNU long name at offset %d of %d bytes, over %d: %w", h.m.Offset, n, t.opts.MaxHeaderBytes, ErrLimit)
	}
	buf, err := t.read(h.m.Offset+512, n)
	if err != nil {
		return nil, err
	}
	next, err := t.fromTarfile(h.m.Offset + 512 + int64(len(buf)))
	if err != nil {
		return nil, subsequent(err)
	}
	next.Offset = h.m.Offset
	if h.m.Type == TypeLongName {
		next.Name = nts(buf)
		next.Renamed = "GNU long name"
	} else {
		next.Linkname = nts(buf)
	}
	if next.Type == TypeDir {
		next.Name = strings.TrimSuffix(next.Name, "/")
	}
	return next, nil
}

// subsequent marks a header error as following another header.
func subsequent(err error) error {
	if he, ok := err.(*headerError); ok {
		c := *he
		c.subsequent = true
		return &c
	}
	return err
}
