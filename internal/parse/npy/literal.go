package npy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is the type of a Python literal.
type Kind int

// Kinds of literal values.
const (
	Str Kind = iota + 1
	Int
	Float
	Bool
	None
	Tuple
	List
	Dict
)

// Value is a parsed Python literal. Dicts keep keys and values in order
// in Items, alternating.
type Value struct {
	Kind  Kind
	Str   string // the text of a string, or of a number as written
	Int   int64
	Bool  bool
	Items []Value
}

// maxDepth bounds the nesting of containers in a header.
const maxDepth = 64

// errSyntax marks a header that is not a Python literal this parser
// knows.
var errSyntax = errors.New("not a python literal")

type parser struct {
	s    string
	i    int
	long bool // accept the Python 2 "L" suffix of integers
}

// parseLiteral parses s as one Python literal surrounded by whitespace.
func parseLiteral(s string, long bool) (Value, error) {
	p := &parser{s: s, long: long}
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.space()
	if p.i != len(p.s) {
		return Value{}, p.errorf("unexpected %q after the value", p.s[p.i])
	}
	return v, nil
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("header character %d: %s: %w", p.i, fmt.Sprintf(format, args...), errSyntax)
}

func (p *parser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r\f\v", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *parser) value(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, p.errorf("nested deeper than %d", maxDepth)
	}
	p.space()
	if p.i >= len(p.s) {
		return Value{}, p.errorf("value expected")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.seq(depth, '}', Dict)
	case c == '[':
		return p.seq(depth, ']', List)
	case c == '(':
		return p.seq(depth, ')', Tuple)
	case c == '\'' || c == '"':
		return p.str(false)
	case c == 'u' || c == 'U' || c == 'r' || c == 'R' || c == 'b' || c == 'B':
		if p.i+1 < len(p.s) && (p.s[p.i+1] == '\'' || p.s[p.i+1] == '"') {
			raw := c == 'r' || c == 'R'
			p.i++
			return p.str(raw)
		}
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	}
	for _, w := range []struct {
		word string
		v    Value
	}{{"True", Value{Kind: Bool, Bool: true}}, {"False", Value{Kind: Bool}}, {"None", Value{Kind: None}}} {
		if strings.HasPrefix(p.s[p.i:], w.word) {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return Value{}, p.errorf("unexpected %q", p.s[p.i])
}

// seq parses a dict, list or tuple whose opening bracket is at p.i.
func (p *parser) seq(depth int, closing byte, kind Kind) (Value, error) {
	p.i++
	v := Value{Kind: kind}
	commas := 0
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == closing {
			p.i++
			if kind == Tuple && len(v.Items) == 1 && commas == 0 {
				return v.Items[0], nil // (x) is x
			}
			return v, nil
		}
		if len(v.Items) > 0 && commas < itemsOf(kind, len(v.Items)) {
			return Value{}, p.errorf("',' or %q expected", closing)
		}
		item, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		v.Items = append(v.Items, item)
		if kind == Dict {
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return Value{}, p.errorf("':' expected")
			}
			p.i++
			if item, err = p.value(depth + 1); err != nil {
				return Value{}, err
			}
			v.Items = append(v.Items, item)
		}
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			commas++
		}
	}
}

// itemsOf is the number of separators needed before the next item.
func itemsOf(kind Kind, n int) int {
	if kind == Dict {
		return n / 2
	}
	return n
}

// str parses a quoted string at p.i, decoding escapes unless raw: a
// dtype may be spelled with them ('|\x4f' is '|O').
func (p *parser) str(raw bool) (Value, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return Value{Kind: Str, Str: b.String()}, nil
		case c == '\n':
			return Value{}, p.errorf("line break in a string")
		case c == '\\' && p.i+1 < len(p.s) && raw:
			b.WriteString(p.s[p.i : p.i+2])
			p.i += 2
		case c == '\\' && p.i+1 < len(p.s):
			r, _, tail, err := strconv.UnquoteChar(p.s[p.i:], q)
			if err != nil {
				// Python keeps unknown escapes as they are.
				b.WriteString(p.s[p.i : p.i+2])
				p.i += 2
				continue
			}
			b.WriteRune(r)
			p.i = len(p.s) - len(tail)
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return Value{}, p.errorf("unterminated string")
}

func (p *parser) number() (Value, error) {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("0123456789+-.eExXabcdefABCDEF_", p.s[p.i]) >= 0 {
		p.i++
	}
	text := p.s[start:p.i]
	if p.long && p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') {
		p.i++
	}
	if n, err := strconv.ParseInt(text, 0, 64); err == nil {
		return Value{Kind: Int, Int: n, Str: text}, nil
	}
	if _, err := strconv.ParseFloat(text, 64); err == nil {
		return Value{Kind: Float, Str: text}, nil
	}
	return Value{}, p.errorf("bad number %q", text)
}
