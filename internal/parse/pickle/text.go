package pickle

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	errQuote    = errors.New("the STRING opcode argument must be quoted")
	errEscape   = errors.New("invalid \\x escape")
	errTrailing = errors.New("trailing \\ in string")
	errUnicode  = errors.New("truncated \\uXXXX escape")
)

// decodeString decodes the operand of STRING as CPython's load_string
// does: the outermost matching quotes are required, then the content is
// decoded with PyBytes_DecodeEscape.
func decodeString(line []byte, long bool) ([]byte, error) {
	n := len(line)
	if long {
		// A kept prefix: the closing quote is beyond it.
		if n == 0 || (line[0] != '\'' && line[0] != '"') {
			return nil, errQuote
		}
		out, _ := unescape(line[1:], true)
		return out, nil
	}
	if n < 2 || line[0] != line[n-1] || (line[0] != '\'' && line[0] != '"') {
		return nil, errQuote
	}
	return unescape(line[1:n-1], false)
}

// unescape implements PyBytes_DecodeEscape. With partial set, an escape
// cut by the end of the input is dropped instead of failing.
func unescape(s []byte, partial bool) ([]byte, error) {
	if len(s) == 0 || !containsByte(s, '\\') {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(s) {
			if partial {
				return out, nil
			}
			return nil, errTrailing
		}
		switch c = s[i]; c {
		case '\n':
		case '\\', '\'', '"':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 'v':
			out = append(out, '\v')
		case 'a':
			out = append(out, '\a')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for k := 0; k < 2 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; k++ {
				i++
				v = v*8 + int(s[i]-'0')
			}
			out = append(out, byte(v))
		case 'x':
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
				i += 2
				continue
			}
			if partial && i+2 >= len(s) {
				return out, nil
			}
			return nil, errEscape
		default:
			// Unknown escapes are kept verbatim (with a DeprecationWarning).
			out = append(out, '\\', c)
		}
	}
	return out, nil
}

func containsByte(s []byte, c byte) bool {
	for _, b := range s {
		if b == c {
			return true
		}
	}
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// rawUnicodeEscape decodes the UNICODE operand as CPython's
// raw-unicode-escape codec: bytes are Latin-1 code points, \uXXXX and
// \UXXXXXXXX are escapes, and a backslash before any other byte is kept
// with that byte (so "\\\\u0041" stays as it is: the second backslash
// does not start an escape). A backslash at the end is kept.
func rawUnicodeEscape(s []byte, partial bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteRune(rune(c))
			continue
		}
		if e := s[i+1]; e != 'u' && e != 'U' {
			b.WriteByte('\\')
			b.WriteRune(rune(e))
			i++
			continue
		}
		digits := 4
		if s[i+1] == 'U' {
			digits = 8
		}
		if i+2+digits > len(s) {
			if partial {
				break
			}
			return "", errUnicode
		}
		x, err := strconv.ParseUint(string(s[i+2:i+2+digits]), 16, 32)
		if err != nil || x > utf8.MaxRune {
			return "", errUnicode
		}
		b.WriteRune(rune(x))
		i += 1 + digits
	}
	return b.String(), nil
}
