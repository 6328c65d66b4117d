package jinja

import (
	"fmt"
	"strings"
)

// Node is one node of a template's syntax tree. Kind is the name of the
// Jinja node class it stands for (nodes.py: "Name", "Getattr", "Filter",
// "For", ...) and the layout of Kids is fixed per kind (see kinds.go); a
// missing optional child is nil. One generic node keeps the static pass a
// walk over a tree instead of a type switch over forty types.
type Node struct {
	Kind string
	// Value is a name, an attribute, a filter or test name, a compare
	// operator, a constant as text or the text of TemplateData.
	Value string
	// Str marks a Const whose Value is a string.
	Str    bool
	Kids   []*Node
	Offset int
}

// Options bounds a parse.
type Options struct {
	// MaxTokens bounds the tokens of one template (default 1<<20).
	MaxTokens int
	// MaxDepth bounds the nesting of expressions and statements (default 200).
	MaxDepth int
}

// DefaultOptions returns the default bounds.
func DefaultOptions() Options { return Options{MaxTokens: 1 << 20, MaxDepth: 200} }

// parser is Jinja's parser.py over a token slice.
type parser struct {
	toks  []Token
	i     int
	depth int
	opt   Options
}

// Parse lexes and parses a template (its source as stored: newlines are
// normalised first) into a "Template" node. It accepts what Jinja 3.1's
// default environment with the loopcontrols and do extensions accepts, and
// transformers' {% generation %} tag.
func Parse(src string, opt Options) (*Node, error) {
	toks, err := Lex(Normalize(src), opt.MaxTokens)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, opt: opt}
	body, err := p.subparse(nil)
	if err != nil {
		return nil, err
	}
	return &Node{Kind: "Template", Kids: body}, nil
}

func (p *parser) cur() Token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	end := 0
	if len(p.toks) > 0 {
		end = p.toks[len(p.toks)-1].Offset
	}
	return Token{Type: TokEOF, Offset: end}
}

func (p *parser) look() Token {
	p.i++
	t := p.cur()
	p.i--
	return t
}

func (p *parser) next() Token {
	t := p.cur()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

// is tests the current token against "type" or "name:value".
func (p *parser) is(test string) bool { return tokenIs(p.cur(), test) }

func tokenIs(t Token, test string) bool {
	if v, ok := strings.CutPrefix(test, "name:"); ok {
		return t.Type == TokName && t.Value == v
	}
	return string(t.Type) == test
}

func (p *parser) skipIf(test string) bool {
	if p.is(test) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(test string) (Token, error) {
	if !p.is(test) {
		t := p.cur()
		if t.Type == TokEOF {
			return t, p.fail(fmt.Sprintf("unexpected end of template, expected %q", test))
		}
		return t, p.fail(fmt.Sprintf("expected token %q, got %q", test, t.Value))
	}
	return p.next(), nil
}

func (p *parser) fail(msg string) error { return &Error{p.cur().Offset, msg} }

// enter bounds recursion; every recursive production calls it.
func (p *parser) enter() error {
	p.depth++
	if p.depth > p.opt.MaxDepth {
		return p.fail(fmt.Sprintf("nested deeper than %d", p.opt.MaxDepth))
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// subparse reads statements and output up to one of endTokens (the
// block_begin before it consumed, the tag name left current).
func (p *parser) subparse(endTokens []string) ([]*Node, error) {
	var body []*Node
	for p.cur().Type != TokEOF {
		t := p.cur()
		switch t.Type {
		case TokData:
			body = append(body, &Node{Kind: "Output", Kids: []*Node{{Kind: "TemplateData", Value: t.Value, Str: true, Offset: t.Offset}}, Offset: t.Offset})
			p.next()
		case TokVariableBegin:
			p.next()
			e, err := p.parseTuple(tupleOpts{condexpr: true})
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(string(TokVariableEnd)); err != nil {
				return nil, err
			}
			body = append(body, &Node{Kind: "Output", Kids: []*Node{e}, Offset: t.Offset})
		case TokBlockBegin:
			p.next()
			for _, e := range endTokens {
				if p.is(e) {
					return body, nil
				}
			}
			st, err := p.parseStatement()
			if err != nil {
				return nil, err
			}
			body = append(body, st)
			if _, err := p.expect(string(TokBlockEnd)); err != nil {
				return nil, err
			}
		default:
			return nil, p.fail("internal parsing error")
		}
	}
	if endTokens != nil {
		return nil, p.fail(fmt.Sprintf("unexpected end of template, expected %s", strings.Join(endTokens, " or ")))
	}
	return body, nil
}
