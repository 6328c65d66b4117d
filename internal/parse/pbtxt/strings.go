package pbtxt

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// quoted reads one quoted string into b, unescaping it.
func (p *parser) quoted(b *strings.Builder) error {
	q := p.s[p.i]
	p.i++
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return nil
		case c == '\n':
			return p.errorf("newline in a string")
		case c == '\\':
			if err := p.escape(b); err != nil {
				return err
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return p.errorf("string not closed")
}

// escape reads one escape sequence (p.i at the backslash).
func (p *parser) escape(b *strings.Builder) error {
	if p.i+1 >= len(p.s) {
		return p.errorf("escape at the end")
	}
	c := p.s[p.i+1]
	p.i += 2
	if r, ok := simpleEscape(c); ok {
		b.WriteByte(r)
		return nil
	}
	digits := func(n int, base int, hex bool) (uint64, error) {
		j := p.i
		for j < len(p.s) && j-p.i < n && (hex && isHex(p.s[j]) || !hex && p.s[j] >= '0' && p.s[j] <= '7') {
			j++
		}
		if j == p.i {
			return 0, p.errorf("bad escape \\%c", c)
		}
		v, err := strconv.ParseUint(string(p.s[p.i:j]), base, 32)
		p.i = j
		return v, err
	}
	switch {
	case c >= '0' && c <= '7':
		p.i--
		v, err := digits(3, 8, false)
		b.WriteByte(byte(v))
		return err
	case c == 'x' || c == 'X':
		v, err := digits(2, 16, true)
		b.WriteByte(byte(v))
		return err
	case c == 'u' || c == 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		v, err := digits(n, 16, true)
		if err != nil || v > utf8.MaxRune {
			return p.errorf("bad unicode escape")
		}
		b.WriteRune(rune(v))
		return nil
	}
	return p.errorf("unknown escape \\%c", c)
}

// simpleEscape returns the byte a one-letter escape stands for.
func simpleEscape(c byte) (byte, bool) {
	i := strings.IndexByte("ntrabfv\\'\"?", c)
	if i < 0 {
		return 0, false
	}
	return "\n\t\r\a\b\f\v\\'\"?"[i], true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
