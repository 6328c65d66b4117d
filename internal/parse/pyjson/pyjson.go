// Package pyjson reads JSON the way Python's json module reads it, so that
// a config the Python loader accepts is never one this project refuses or
// reads differently. It never evaluates anything.
//
// Decisions:
//   - Bytes are decoded as json.loads decodes them (json.detect_encoding):
//     a UTF-32 or UTF-16 byte order mark, a UTF-8 one, and else the
//     pattern of NUL bytes in the first four bytes pick UTF-32 or UTF-16
//     (big or little endian) over UTF-8.
//   - NaN, Infinity and -Infinity are numbers to Python; they are read as
//     null here (no fact depends on a float's value).
//   - A key given twice keeps its last value, as a Python dict does
//     (encoding/json into a map does the same).
//   - Numbers are kept as json.Number, whatever their size.
//   - Text after the first value is an error, as json.loads says "Extra
//     data".
package pyjson

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrFormat is returned for a document Python's json module would refuse.
var ErrFormat = errors.New("not JSON as Python reads it")

// Decode reads one JSON document from data as json.loads(data) reads it.
// Objects are map[string]any, arrays []any, numbers json.Number.
func Decode(data []byte) (any, error) {
	text, err := ToUTF8(data)
	if err != nil {
		return nil, err
	}
	std, err := standard(text)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(std))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if rest := bytes.TrimLeft(std[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("%w: extra data at offset %d", ErrFormat, dec.InputOffset())
	}
	return v, nil
}

// Encoding names the encoding json.detect_encoding picks for data:
// "utf-32", "utf-16" (with a byte order mark), "utf-8-sig",
// "utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le" or "utf-8".
func Encoding(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xfe, 0xff}), bytes.HasPrefix(b, []byte{0xff, 0xfe, 0, 0}):
		return "utf-32"
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}), bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return "utf-16"
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return "utf-8-sig"
	}
	switch {
	case len(b) >= 4 && b[0] == 0 && b[1] != 0:
		return "utf-16-be"
	case len(b) >= 4 && b[0] == 0:
		return "utf-32-be"
	case len(b) >= 4 && b[1] == 0 && (b[2] != 0 || b[3] != 0):
		return "utf-16-le"
	case len(b) >= 4 && b[1] == 0:
		return "utf-32-le"
	case len(b) == 2 && b[0] == 0:
		return "utf-16-be"
	case len(b) == 2 && b[1] == 0:
		return "utf-16-le"
	}
	return "utf-8"
}

// ToUTF8 decodes data in the encoding Encoding picks, as Python decodes it
// with errors="surrogatepass" (a lone surrogate becomes U+FFFD here).
func ToUTF8(data []byte) ([]byte, error) {
	switch enc := Encoding(data); enc {
	case "utf-8":
		return data, nil
	case "utf-8-sig":
		return data[3:], nil
	case "utf-16":
		if data[0] == 0xfe {
			return utf16To8(data[2:], binary.BigEndian)
		}
		return utf16To8(data[2:], binary.LittleEndian)
	case "utf-16-be":
		return utf16To8(data, binary.BigEndian)
	case "utf-16-le":
		return utf16To8(data, binary.LittleEndian)
	case "utf-32":
		if data[0] == 0 {
			return utf32To8(data[4:], binary.BigEndian)
		}
		return utf32To8(data[4:], binary.LittleEndian)
	case "utf-32-be":
		return utf32To8(data, binary.BigEndian)
	default:
		return utf32To8(data, binary.LittleEndian)
	}
}

func utf16To8(b []byte, order binary.ByteOrder) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("%w: UTF-16 text of odd length %d", ErrFormat, len(b))
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	return []byte(string(utf16.Decode(units))), nil
}

func utf32To8(b []byte, order binary.ByteOrder) ([]byte, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%w: UTF-32 text of length %d, not a multiple of 4", ErrFormat, len(b))
	}
	out := make([]byte, 0, len(b)/4)
	for i := 0; i < len(b); i += 4 {
		r := order.Uint32(b[i:])
		if r > utf8.MaxRune {
			return nil, fmt.Errorf("%w: UTF-32 code point %#x at offset %d", ErrFormat, r, i)
		}
		out = utf8.AppendRune(out, rune(r))
	}
	return out, nil
}

// standard rewrites Python's non-standard constants outside strings
// (NaN, Infinity, -Infinity) as null, leaving the rest byte for byte.
func standard(text []byte) ([]byte, error) {
	if !bytes.Contains(text, []byte("NaN")) && !bytes.Contains(text, []byte("Infinity")) {
		return text, nil
	}
	out := make([]byte, 0, len(text))
	inString := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString:
			out = append(out, c)
			if c == '\\' && i+1 < len(text) {
				i++
				out = append(out, text[i])
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			out = append(out, c)
		case bytes.HasPrefix(text[i:], []byte("NaN")):
			out, i = append(out, "null"...), i+len("NaN")-1
		case bytes.HasPrefix(text[i:], []byte("Infinity")):
			out, i = append(out, "null"...), i+len("Infinity")-1
		case bytes.HasPrefix(text[i:], []byte("-Infinity")):
			out, i = append(out, "null"...), i+len("-Infinity")-1
		default:
			out = append(out, c)
		}
	}
	return out, nil
}
