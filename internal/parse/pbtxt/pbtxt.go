// Package pbtxt reads the protocol buffer text format (what TextFormat
// prints and parses, as in a SavedModel's saved_model.pbtxt) into a tree
// of named fields, without a schema: the caller knows which fields are
// messages. It never evaluates anything.
//
// Decisions:
//   - The grammar of google.protobuf.TextFormat: a message is a list of
//     fields; a field is a name (an identifier, or an extension or Any
//     type URL in brackets), then ":" and a scalar, or an optional ":" and
//     a message in braces or angle brackets, or ":" and a list in square
//     brackets of scalars or messages; "," or ";" may follow a field; "#"
//     starts a comment to the end of the line.
//   - Strings use single or double quotes with C escapes (\n, \t, \xHH,
//     octal \ooo, \uXXXX, \UXXXXXXXX); adjacent strings are concatenated,
//     as TextFormat does.
//   - A scalar that is no string (a number, an enum name, true) is kept
//     as written.
//   - Bounded: Options.MaxDepth nested messages and Options.MaxFields
//     fields in all; hitting either is an error wrapping ErrLimit.
//     Malformed text is an error wrapping ErrFormat with the byte offset.
package pbtxt

import (
	"errors"
	"fmt"
	"strings"
)

// Field is one field of a message: a scalar (Value) or a message (Msg).
type Field struct {
	Name  string
	Value string
	Msg   *Message
	// Off is the byte offset of the field's name.
	Off int
}

// Message is a list of fields in the order written; a repeated field
// appears once per value.
type Message struct {
	Fields []Field
}

// Get returns the fields named name.
func (m *Message) Get(name string) []Field {
	var out []Field
	for _, f := range m.Fields {
		if f.Name == name {
			out = append(out, f)
		}
	}
	return out
}

// Options bounds the parse.
type Options struct {
	// MaxDepth is the deepest nesting of messages.
	MaxDepth int
	// MaxFields is how many fields are read in all.
	MaxFields int
}

// DefaultOptions returns depth 100 (TextFormat's default recursion
// limit) and 10 000 000 fields.
func DefaultOptions() Options { return Options{MaxDepth: 100, MaxFields: 10_000_000} }

// ErrFormat marks text that is not in the text format.
var ErrFormat = errors.New("not protobuf text format")

// ErrLimit marks text that exceeds a bound of Options.
var ErrLimit = errors.New("protobuf text bound hit")

// Parse reads text as one message. What was read before an error is
// returned with it.
func Parse(text []byte, opts Options) (*Message, error) {
	p := &parser{s: text, opts: opts}
	m := &Message{}
	err := p.fields(m, 0, 0)
	return m, err
}

type parser struct {
	s     []byte
	i     int
	opts  Options
	count int
}

func (p *parser) errorf(format string, a ...any) error {
	return fmt.Errorf("offset %d: %s: %w", p.i, fmt.Sprintf(format, a...), ErrFormat)
}

// skip passes white space and comments.
func (p *parser) skip() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.i++
		case c == '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		default:
			return
		}
	}
}

// fields reads fields into m until end (0 for the end of the text, else
// the closing bracket).
func (p *parser) fields(m *Message, end byte, depth int) error {
	if depth > p.opts.MaxDepth {
		return fmt.Errorf("offset %d: messages nested deeper than %d (MaxDepth): %w", p.i, p.opts.MaxDepth, ErrLimit)
	}
	for {
		p.skip()
		if p.i >= len(p.s) {
			if end != 0 {
				return p.errorf("message not closed with %q", end)
			}
			return nil
		}
		if end != 0 && p.s[p.i] == end {
			p.i++
			return nil
		}
		if err := p.field(m, depth); err != nil {
			return err
		}
		p.skip()
		if p.i < len(p.s) && (p.s[p.i] == ',' || p.s[p.i] == ';') {
			p.i++
		}
	}
}

// field reads one field and its value or values.
func (p *parser) field(m *Message, depth int) error {
	off := p.i
	name, err := p.name()
	if err != nil {
		return err
	}
	p.skip()
	colon := p.i < len(p.s) && p.s[p.i] == ':'
	if colon {
		p.i++
		p.skip()
	}
	if p.i < len(p.s) && p.s[p.i] == '[' {
		if !colon {
			return p.errorf("list without ':' after %q", name)
		}
		p.i++
		for {
			p.skip()
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return nil
			}
			if err := p.value(m, name, off, depth, true); err != nil {
				return err
			}
			p.skip()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
			}
		}
	}
	return p.value(m, name, off, depth, colon)
}

// value reads a message or, after a colon, a scalar.
func (p *parser) value(m *Message, name string, off, depth int, colon bool) error {
	if p.count++; p.count > p.opts.MaxFields {
		return fmt.Errorf("offset %d: more than %d fields (MaxFields): %w", off, p.opts.MaxFields, ErrLimit)
	}
	if p.i < len(p.s) && (p.s[p.i] == '{' || p.s[p.i] == '<') {
		end := byte('}')
		if p.s[p.i] == '<' {
			end = '>'
		}
		p.i++
		sub := &Message{}
		m.Fields = append(m.Fields, Field{Name: name, Msg: sub, Off: off})
		return p.fields(sub, end, depth+1)
	}
	if !colon {
		return p.errorf("field %q without ':' or a message", name)
	}
	v, err := p.scalar()
	if err != nil {
		return err
	}
	m.Fields = append(m.Fields, Field{Name: name, Value: v, Off: off})
	return nil
}

// name reads a field name: an identifier, or [a.b.c] / [type.url/x.Y].
func (p *parser) name() (string, error) {
	if p.s[p.i] == '[' {
		j := p.i + 1
		for j < len(p.s) && p.s[j] != ']' {
			j++
		}
		if j >= len(p.s) {
			return "", p.errorf("extension name not closed")
		}
		n := strings.TrimSpace(string(p.s[p.i+1 : j]))
		p.i = j + 1
		return "[" + n + "]", nil
	}
	j := p.i
	for j < len(p.s) && identChar(p.s[j]) {
		j++
	}
	if j == p.i {
		return "", p.errorf("field name expected, found %q", p.s[p.i])
	}
	n := string(p.s[p.i:j])
	p.i = j
	return n, nil
}

func identChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// scalar reads strings (concatenated) or a bare token (number, enum, bool).
func (p *parser) scalar() (string, error) {
	if p.i >= len(p.s) {
		return "", p.errorf("value expected")
	}
	if q := p.s[p.i]; q != '"' && q != '\'' {
		j := p.i
		for j < len(p.s) && (identChar(p.s[j]) || p.s[j] == '-' || p.s[j] == '+' || p.s[j] == '.') {
			j++
		}
		if j == p.i {
			return "", p.errorf("value expected, found %q", p.s[p.i])
		}
		v := string(p.s[p.i:j])
		p.i = j
		return v, nil
	}
	var b strings.Builder
	for p.i < len(p.s) && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
		if err := p.quoted(&b); err != nil {
			return "", err
		}
		p.skip()
	}
	return b.String(), nil
}
