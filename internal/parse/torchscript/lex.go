package torchscript

import (
	"fmt"
	"strings"
)

// tokKind is a token class of the Python subset TorchScript code uses.
type tokKind int

const (
	tName tokKind = iota + 1
	tNumber
	tString
	tOp
)

// token is one token of a logical line.
type token struct {
	kind tokKind
	text string // a name, an operator, a number; a string's body
	off  int
}

// line is one logical line: its indentation and its tokens.
type line struct {
	indent int
	toks   []token
}

// lexer splits source into logical lines as Python's tokenizer does:
// brackets and backslashes join physical lines, comments end at the line
// end, strings (with r/b/f/u prefixes, triple quotes) are single tokens.
type lexer struct {
	src   string
	pos   int
	depth int // open brackets
	count int
	max   int
}

// lines tokenises the whole source, bounded by max tokens.
func lines(src string, max int) ([]line, error) {
	l := &lexer{src: src, max: max}
	var out []line
	for l.pos < len(l.src) {
		ln, err := l.logical()
		if err != nil {
			return out, err
		}
		if len(ln.toks) > 0 {
			out = append(out, ln)
		}
	}
	return out, nil
}

// logical reads one logical line.
func (l *lexer) logical() (line, error) {
	ln := line{indent: -1}
	col := 0
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ':
			l.pos++
			col++
		case c == '\t':
			l.pos++
			col += 8 - col%8
		case c == '\f', c == '\r':
			l.pos++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c == '\\' && l.pos+1 < len(l.src) && (l.src[l.pos+1] == '\n' || l.src[l.pos+1] == '\r'):
			l.pos += 2
		case c == '\n':
			l.pos++
			if l.depth == 0 && len(ln.toks) > 0 {
				return ln, nil
			}
			if len(ln.toks) == 0 {
				col = 0
			}
		default:
			if ln.indent < 0 {
				ln.indent = col
			}
			t, err := l.token()
			if err != nil {
				return ln, err
			}
			ln.toks = append(ln.toks, t)
			l.count++
			if l.count > l.max {
				return ln, fmt.Errorf("offset %d: over %d tokens", t.off, l.max)
			}
		}
	}
	return ln, nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// token reads one token at l.pos.
func (l *lexer) token() (token, error) {
	s, p := l.src, l.pos
	c := s[p]
	switch {
	case c >= '0' && c <= '9' || c == '.' && p+1 < len(s) && s[p+1] >= '0' && s[p+1] <= '9':
		e := p + 1
		for e < len(s) && (isIdent(s[e]) || s[e] == '.' || (s[e] == '+' || s[e] == '-') && (s[e-1] == 'e' || s[e-1] == 'E')) {
			e++
		}
		l.pos = e
		return token{tNumber, s[p:e], p}, nil
	case isIdent(c):
		e := p
		for e < len(s) && isIdent(s[e]) {
			e++
		}
		if e < len(s) && (s[e] == '\'' || s[e] == '"') && len(s[p:e]) <= 3 && strings.Trim(strings.ToLower(s[p:e]), "rbfu") == "" {
			return l.str(p, e)
		}
		l.pos = e
		return token{tName, s[p:e], p}, nil
	case c == '\'' || c == '"':
		return l.str(p, p)
	}
	for _, op := range []string{"**=", "//=", ">>=", "<<=", "->", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", ":="} {
		if strings.HasPrefix(s[p:], op) {
			l.pos += len(op)
			return token{tOp, op, p}, nil
		}
	}
	switch c {
	case '(', '[', '{':
		l.depth++
	case ')', ']', '}':
		if l.depth > 0 {
			l.depth--
		}
	}
	if strings.IndexByte("()[]{}.,:;=+-*/%<>&|^~@!", c) < 0 {
		return token{}, fmt.Errorf("offset %d: unexpected character %q", p, c)
	}
	l.pos++
	return token{tOp, string(c), p}, nil
}

// str reads a string literal whose quote is at q (prefix from p).
func (l *lexer) str(p, q int) (token, error) {
	s := l.src
	quote := s[q : q+1]
	if strings.HasPrefix(s[q:], strings.Repeat(quote, 3)) {
		quote = strings.Repeat(quote, 3)
	}
	raw := strings.ContainsAny(s[p:q], "rR")
	for i := q + len(quote); i < len(s); i++ {
		switch {
		case s[i] == '\\' && !raw:
			i++
		case s[i] == '\\' && raw:
			i++
		case strings.HasPrefix(s[i:], quote):
			l.pos = i + len(quote)
			return token{tString, unquote(s[q+len(quote):i], raw), p}, nil
		case s[i] == '\n' && len(quote) == 1:
			return token{}, fmt.Errorf("offset %d: string not closed on its line", p)
		}
	}
	return token{}, fmt.Errorf("offset %d: string not closed", p)
}

// unquote decodes the common escapes of a string body; others are kept.
func unquote(body string, raw bool) string {
	if raw || !strings.Contains(body, `\`) {
		return body
	}
	r := strings.NewReplacer(`\\`, `\`, `\'`, `'`, `\"`, `"`, `\n`, "\n", `\t`, "\t", `\r`, "\r", `\0`, "\x00")
	return r.Replace(body)
}
