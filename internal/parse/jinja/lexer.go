package jinja

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokenType names a token as Jinja's lexer names it after wrapping
// (lexer.py: "data", "name", "string", "add", "variable_begin", ...).
type TokenType string

// Token types that are not operators.
const (
	TokData          TokenType = "data"
	TokName          TokenType = "name"
	TokString        TokenType = "string"
	TokInteger       TokenType = "integer"
	TokFloat         TokenType = "float"
	TokBlockBegin    TokenType = "block_begin"
	TokBlockEnd      TokenType = "block_end"
	TokVariableBegin TokenType = "variable_begin"
	TokVariableEnd   TokenType = "variable_end"
	TokEOF           TokenType = "eof"
)

// operators maps Jinja's operator spellings to their token types, longest
// first where one is a prefix of another (lexer.py's operators table).
var operators = []struct {
	op  string
	typ TokenType
}{
	{"//", "floordiv"}, {"**", "pow"}, {"==", "eq"}, {"!=", "ne"}, {">=", "gteq"}, {"<=", "lteq"},
	{"+", "add"}, {"-", "sub"}, {"/", "div"}, {"*", "mul"}, {"%", "mod"}, {"~", "tilde"},
	{"[", "lbracket"}, {"]", "rbracket"}, {"(", "lparen"}, {")", "rparen"}, {"{", "lbrace"}, {"}", "rbrace"},
	{">", "gt"}, {"<", "lt"}, {"=", "assign"}, {".", "dot"}, {":", "colon"}, {"|", "pipe"}, {",", "comma"}, {";", "semicolon"},
}

// Token is one token: its type, its value (a string literal decoded, a
// name or number as written, an operator's spelling) and the byte offset
// of its start in the normalised source.
type Token struct {
	Type   TokenType
	Value  string
	Offset int
}

// Error is a syntax error at a byte offset of the normalised source.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("jinja: offset %d: %s", e.Offset, e.Msg) }

// Normalize does what Jinja does to a source before lexing it: every
// \r\n, \r and \n becomes \n, and one trailing newline is dropped
// (keep_trailing_newline is off by default).
func Normalize(src string) string {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	return strings.TrimSuffix(src, "\n")
}

// lexer holds the state of one tokenisation.
type lexer struct {
	src    string
	pos    int
	toks   []Token
	max    int
	stripL bool // the next data token loses its leading whitespace
	// inner holds the offsets of tag ends met inside open brackets (the
	// first maxInner), which do not end the tag (InnerEnds).
	inner []int
}

// maxInner is how many inner tag ends are kept: they name a trick, the
// first few are enough, and none hides anything (the tag is read on).
const maxInner = 16

// Lex tokenises a normalised template as Jinja's default environment does
// (delimiters {{ }}, {% %}, {# #}; whitespace control with - and +; raw
// blocks; balanced brackets inside tags, so a '}}' that closes a dict
// literal does not end the tag). maxTokens bounds the work.
func Lex(src string, maxTokens int) ([]Token, error) {
	l := &lexer{src: src, max: maxTokens}
	for l.pos < len(src) {
		if err := l.root(); err != nil {
			return l.toks, err
		}
		if len(l.toks) > l.max {
			return l.toks, &Error{l.pos, fmt.Sprintf("over %d tokens", l.max)}
		}
	}
	return l.toks, nil
}

// data emits text, applying whitespace control on either side.
func (l *lexer) data(off int, text string, stripR bool) {
	if l.stripL {
		n := len(text)
		text = strings.TrimLeftFunc(text, unicode.IsSpace)
		off += n - len(text)
		l.stripL = false
	}
	if stripR {
		text = strings.TrimRightFunc(text, unicode.IsSpace)
	}
	if text != "" {
		l.toks = append(l.toks, Token{TokData, text, off})
	}
}

// root reads text up to the next tag and the tag itself.
func (l *lexer) root() error {
	rest := l.src[l.pos:]
	i := indexTag(rest)
	if i < 0 {
		l.data(l.pos, rest, false)
		l.pos = len(l.src)
		return nil
	}
	start := l.pos + i
	kind := rest[i : i+2]
	after := start + 2
	sign := byte(0)
	if after < len(l.src) && (l.src[after] == '-' || l.src[after] == '+') {
		sign = l.src[after]
		after++
	}
	if kind == "{%" {
		if end, ok := l.rawBegin(after); ok {
			l.data(l.pos, rest[:i], sign == '-')
			return l.raw(end)
		}
	}
	l.data(l.pos, rest[:i], sign == '-')
	l.pos = after
	switch kind {
	case "{#":
		return l.comment(start)
	case "{{":
		l.toks = append(l.toks, Token{TokVariableBegin, "{{", start})
		return l.tag("}}", TokVariableEnd)
	default:
		l.toks = append(l.toks, Token{TokBlockBegin, "{%", start})
		return l.tag("%}", TokBlockEnd)
	}
}

// indexTag is the offset of the first "{{", "{%" or "{#", or -1.
func indexTag(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '{' && (s[i+1] == '{' || s[i+1] == '%' || s[i+1] == '#') {
			return i
		}
	}
	return -1
}

// rawBegin matches "\s*raw\s*(-%}\s*|%})" at p: the rest of a raw tag.
func (l *lexer) rawBegin(p int) (int, bool) {
	p = skipSpace(l.src, p)
	if !strings.HasPrefix(l.src[p:], "raw") {
		return 0, false
	}
	p = skipSpace(l.src, p+3)
	switch {
	case strings.HasPrefix(l.src[p:], "-%}"):
		return skipSpace(l.src, p+3), true
	case strings.HasPrefix(l.src[p:], "%}"):
		return p + 2, true
	}
	return 0, false
}

// raw reads a raw block's text up to {% endraw %}.
func (l *lexer) raw(p int) error {
	for q := p; q < len(l.src); {
		i := strings.Index(l.src[q:], "{%")
		if i < 0 {
			break
		}
		t := q + i + 2
		sign := byte(0)
		if t < len(l.src) && (l.src[t] == '-' || l.src[t] == '+') {
			sign = l.src[t]
			t++
		}
		t = skipSpace(l.src, t)
		if strings.HasPrefix(l.src[t:], "endraw") {
			e := skipSpace(l.src, t+6)
			end, strip := 0, false
			switch {
			case strings.HasPrefix(l.src[e:], "-%}"):
				end, strip = e+3, true
			case strings.HasPrefix(l.src[e:], "+%}"), strings.HasPrefix(l.src[e:], "%}"):
				end = e + 2
				if l.src[e] == '+' {
					end++
				}
			default:
				q = t
				continue
			}
			l.stripL = false
			l.data(p, l.src[p:q+i], sign == '-')
			l.pos = end
			if strip {
				l.pos = skipSpace(l.src, end)
			}
			return nil
		}
		q = t
	}
	return &Error{p, "missing end of raw directive"}
}

// comment skips a comment to its "#}", "-#}" or "+#}".
func (l *lexer) comment(start int) error {
	i := strings.Index(l.src[l.pos:], "#}")
	if i < 0 {
		return &Error{start, "missing end of comment tag"}
	}
	end := l.pos + i
	l.pos = end + 2
	if end > start+2 && l.src[end-1] == '-' {
		l.pos = skipSpace(l.src, l.pos)
	}
	return nil
}

func skipSpace(s string, p int) int {
	for p < len(s) {
		r, n := utf8.DecodeRuneInString(s[p:])
		if !unicode.IsSpace(r) {
			break
		}
		p += n
	}
	return p
}

// tag reads the tokens of a {{ }} or {% %} tag up to its end, which only
// counts when every bracket opened inside the tag is closed.
func (l *lexer) tag(end string, endType TokenType) error {
	var stack []byte
	for l.pos < len(l.src) {
		if len(l.toks) > l.max {
			return &Error{l.pos, fmt.Sprintf("over %d tokens", l.max)}
		}
		rest := l.src[l.pos:]
		if len(stack) == 0 {
			switch {
			case strings.HasPrefix(rest, "-"+end):
				l.toks = append(l.toks, Token{endType, end, l.pos})
				l.pos = skipSpace(l.src, l.pos+3)
				return nil
			case strings.HasPrefix(rest, "+"+end) && end == "%}":
				l.toks = append(l.toks, Token{endType, end, l.pos})
				l.pos += 3
				return nil
			case strings.HasPrefix(rest, end):
				l.toks = append(l.toks, Token{endType, end, l.pos})
				l.pos += 2
				return nil
			}
		}
		if len(stack) > 0 && strings.HasPrefix(rest, end) && len(l.inner) < maxInner {
			l.inner = append(l.inner, l.pos)
		}
		if err := l.token(&stack); err != nil {
			return err
		}
	}
	return nil
}

// InnerEnds returns the offsets, in the normalised template, of the tag
// ends ("}}", "%}") that come inside brackets opened in the tag, as a
// nested dict literal's closing "}}" does: Jinja's lexer reads on to the
// end that balances the brackets, a reader that ends the tag at the first
// "}}" takes the rest for printed text.
func InnerEnds(src string, opt Options) []int {
	l := &lexer{src: Normalize(src), max: opt.MaxTokens}
	for l.pos < len(l.src) && len(l.toks) <= l.max {
		if l.root() != nil {
			break
		}
	}
	return l.inner
}
